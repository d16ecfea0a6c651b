"""Size limits and renamed arguments shared by the sequence models (chapters 9-11).

The sequence models check their size *before* building, so a mistyped
``num_layers=10**12`` raises at once instead of allocating layers until memory runs out.
The bounds on layers and parameters are :mod:`dlcourse._validation`'s (re-exported here);
:func:`check_num_elements` bounds one tensor of data, masks or batches.
"""
from __future__ import annotations

from typing import Any

from .._validation import MAX_LAYERS, MAX_PARAMETERS, check_num_layers, check_num_parameters

__all__ = ["MAX_LAYERS", "MAX_PARAMETERS", "MAX_ELEMENTS", "check_num_layers", "check_num_parameters",
           "check_num_elements", "renamed"]  # the first four live in dlcourse._validation (re-exported here)

#: The most numbers one tensor of data, masks or batches may hold (800 MB in int64; the book's < 10**7).
MAX_ELEMENTS = 10**8


def check_num_elements(count: int, what: str, fix: str) -> None:
    """Raise ``ValueError`` when a tensor about to be built would hold more than :data:`MAX_ELEMENTS` numbers.

    ``what`` says which tensor and from which arguments (it names them); ``fix`` how to shrink it.

    Example:
        >>> check_num_elements(2 * 10**12, "the mask (B x max_len = 2 x 10**12)", "pass a smaller max_len")
        Traceback (most recent call last):
        ...
        ValueError: the mask (B x max_len = 2 x 10**12) would hold 2,000,000,000,000 numbers; this library builds at most 100,000,000 in one tensor. To fix: pass a smaller max_len.
    """
    if count > MAX_ELEMENTS:
        raise ValueError(
            f"{what} would hold {count:,} numbers; this library builds at most {MAX_ELEMENTS:,} in one tensor. "
            f"To fix: {fix}."
        )


def renamed(value: Any, old_value: Any, name: str, old_name: str, default: Any) -> Any:
    """The value of an argument that also answers to an older name (``n_heads`` -> ``num_heads``).

    ``value`` is the new argument (``default`` when not given), ``old_value`` the old one
    (``None`` when not given). Giving both, with different values, is an error.
    """
    if old_value is None:
        return value
    if value != default and value != old_value:
        raise TypeError(
            f"{name} and its older name {old_name} were both given ({value!r} and {old_value!r}); "
            f"pass only {name}."
        )
    return old_value

