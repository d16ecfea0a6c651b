"""Size limits and renamed arguments shared by the sequence models (chapters 9-11).

Candidates for :mod:`dlcourse._validation`; they live here until then. The sequence
models check their size *before* building, so a mistyped ``num_layers=10**12`` raises at
once instead of allocating layers until memory runs out.
"""
from __future__ import annotations

from typing import Any

from .._validation import check_int

#: The most layers a model of this library builds (the book's use at most 6).
MAX_LAYERS = 1000
#: The most parameters a model of this library builds (4 GB in float32; the book's < 10**7).
MAX_PARAMETERS = 10**9


def check_num_parameters(count: int, what: str, fix: str) -> None:
    """Raise ``ValueError`` when a model about to be built would exceed :data:`MAX_PARAMETERS`.

    Example:
        >>> check_num_parameters(10**12, "Transformer", "reduce d_model")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: Transformer would have about 1,000,000,000,000 parameters (4000.0 GB in float32); ...
    """
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"{what} would have about {count:,} parameters ({4 * count / 1e9:.1f} GB in float32); "
            f"this library builds at most {MAX_PARAMETERS:,}. To fix: {fix}."
        )


def check_num_layers(value: Any, name: str = "num_layers") -> int:
    """``value`` as an ``int`` in ``1..MAX_LAYERS``, checked before any layer is built."""
    value = check_int(value, name, minimum=1)
    if value > MAX_LAYERS:
        raise ValueError(
            f"{name} must be at most {MAX_LAYERS} (the most layers this library builds; the book's "
            f"models have 1 to 6); got {value}. To fix: pass a number of layers in 1..{MAX_LAYERS}."
        )
    return value


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

