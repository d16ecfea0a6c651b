"""Size bounds checked before anything is built: layers, parameters, numbers in one array.

A mistyped size (``num_layers=10**12``) raises at once, naming the argument, instead of
allocating until memory runs out.
"""
from __future__ import annotations

from typing import Any

from .arguments import check_int

__all__ = [
    "MAX_LAYERS",
    "MAX_PARAMETERS",
    "check_num_layers",
    "check_num_parameters",
    "MAX_ELEMENTS",
    "check_num_elements",
]


#: The most layers a model of this library builds (the book's models have 1 to 6).
MAX_LAYERS = 1000


#: The most parameters a model of this library builds (4 GB in float32; the book's have < 10**7).
MAX_PARAMETERS = 10**9


def check_num_layers(value: Any, name: str = "num_layers") -> int:
    """Return ``value`` as an ``int`` in ``1..MAX_LAYERS``, checked before any layer is built.

    Every layer is a set of parameters held in memory, so a mistyped ``num_layers=10**12``
    would build layers until memory runs out; this raises at once instead.

    Example:
        >>> check_num_layers(10**12)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: num_layers must be at most 1000 (...); got 1000000000000. To fix: ...
    """
    value = check_int(value, name, minimum=1)
    if value > MAX_LAYERS:
        raise ValueError(
            f"{name} must be at most {MAX_LAYERS} (the most layers this library builds, each held in "
            f"memory; the book's models have 1 to 6); got {value}. To fix: pass a number of layers "
            f"in 1..{MAX_LAYERS}, e.g. 1 to 4."
        )
    return value


def check_num_parameters(
    count: int, what: str, fix: str, *, limit: int = MAX_PARAMETERS, bytes_per_parameter: int = 4
) -> None:
    """Raise ``ValueError`` when a model about to be built would have more than ``limit`` parameters.

    Called with the count computed from the sizes, before anything is allocated.

    Args:
        count: the number of parameters the model would have.
        what: the model, as the message should name it (``"Transformer"``).
        fix: what to change, completing "To fix: ..." (``"reduce d_model"``).
        limit: the bound (default :data:`MAX_PARAMETERS`).
        bytes_per_parameter: 4 for float32, 8 for float64; only for the size in the message.

    Example:
        >>> check_num_parameters(10**12, "Transformer", "reduce d_model")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: Transformer would have about 1,000,000,000,000 parameters (4000.0 GB in float32); ...
    """
    if count > limit:
        dtype = {4: "float32", 8: "float64"}.get(bytes_per_parameter, f"{bytes_per_parameter} bytes each")
        raise ValueError(
            f"{what} would have about {count:,} parameters ({bytes_per_parameter * count / 1e9:.1f} GB in "
            f"{dtype}); this library builds at most {limit:,} (MAX_PARAMETERS). To fix: {fix}."
        )


#: The most numbers one array or tensor of data, masks or batches may hold (800 MB in
#: float64 or int64); the book's have below 10**7.
MAX_ELEMENTS = 10**8


def check_num_elements(count: int, what: str, fix: str, *, limit: int = MAX_ELEMENTS) -> None:
    """Raise ``ValueError`` when an array about to be built would hold more than ``limit`` numbers.

    Called with the count computed from the sizes, before anything is allocated, so a
    mistyped size (``n=10**12``) fails at once and names the arguments instead of a
    ``MemoryError`` deep inside NumPy or torch.

    Args:
        count: how many numbers the array would hold.
        what: the array and the arguments that set its size, for the message.
        fix: what to change, completing "To fix: ...".
        limit: the bound (default :data:`MAX_ELEMENTS`).

    Example:
        >>> check_num_elements(2 * 10**12, "the mask (batch x max_len = 2 x 10**12)", "pass a smaller max_len")
        Traceback (most recent call last):
        ...
        ValueError: the mask (batch x max_len = 2 x 10**12) would hold 2,000,000,000,000 numbers; this library builds at most 100,000,000 in one array (MAX_ELEMENTS). To fix: pass a smaller max_len.
    """
    if count > limit:
        raise ValueError(
            f"{what} would hold {count:,} numbers; this library builds at most {limit:,} in one array "
            f"(MAX_ELEMENTS). To fix: {fix}."
        )
