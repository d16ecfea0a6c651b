"""How large a generated data set may be: checked from the sizes before anything is allocated.

A mistyped size (``n=10**12``) would otherwise fail deep inside NumPy with a ``MemoryError``
that names no argument, or run until memory is exhausted. The bound is the package's one
:data:`~dlcourse._validation.MAX_ELEMENTS`.
"""
from __future__ import annotations

from .._validation import MAX_ELEMENTS, check_num_elements


def check_elements(count: int, sizes: dict[str, int], *, limit: int = MAX_ELEMENTS) -> None:
    """:func:`~dlcourse._validation.check_num_elements` for a data set whose size ``sizes`` set.

    ``sizes`` maps each argument that sets the size to its value, for the message.

    Example:
        >>> check_elements(10**12 * 5, {"n": 10**12, "seq_len": 5})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: a data set from n=1,000,000,000,000 and seq_len=5 would hold 5,000,000,000,000 numbers; ...
    """
    named = " and ".join(f"{k}={v:,}" for k, v in sizes.items())
    check_num_elements(count, f"a data set from {named}", f"pass a smaller {' or '.join(sizes)}", limit=limit)
