"""Argument checks shared by every public function of :mod:`dlcourse`.

Each helper raises a :class:`TypeError` or :class:`ValueError` whose message
names the argument, says what was expected, shows what was received and, where
it helps, how to fix it, e.g.::

    ValueError: x must have shape (batch, seq_len, input_size) = (*, *, 8); got (4, 8).

Library code never uses a bare ``assert`` to validate user input: asserts
vanish under ``python -O`` and their messages are rarely helpful.
"""
from __future__ import annotations

import numbers
from typing import Any, Iterable, Sequence

import numpy as np

__all__ = [
    "check_type",
    "check_int",
    "check_float",
    "check_probability",
    "check_choice",
    "check_shape",
    "check_ndim",
    "check_finite",
    "format_shape",
]


def _type_name(value: Any) -> str:
    return type(value).__name__


def check_type(value: Any, name: str, types: type | tuple[type, ...]) -> Any:
    """Raise ``TypeError`` unless ``value`` is an instance of ``types``."""
    if not isinstance(value, types):
        if isinstance(types, tuple):
            expected = " or ".join(t.__name__ for t in types)
        else:
            expected = types.__name__
        raise TypeError(f"{name} must be {expected}; got {_type_name(value)} ({value!r:.60}).")
    return value


def check_int(
    value: Any,
    name: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """Return ``value`` as ``int`` after checking it is an integer in range.

    Booleans are rejected (``True`` is an ``int`` in Python but never meant as one).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {_type_name(value)} ({value!r:.60}).")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}; got {value}.")
    return value


def check_float(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_minimum: bool = False,
) -> float:
    """Return ``value`` as ``float`` after checking it is a finite real number in range.

    With ``strict_minimum=True`` the value must be strictly greater than ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {_type_name(value)} ({value!r:.60}).")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}.")
    if minimum is not None:
        if strict_minimum and value <= minimum:
            raise ValueError(f"{name} must be > {minimum}; got {value}.")
        if not strict_minimum and value < minimum:
            raise ValueError(f"{name} must be >= {minimum}; got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}; got {value}.")
    return value


def check_probability(value: Any, name: str) -> float:
    """Return ``value`` as ``float`` after checking ``0 <= value <= 1``."""
    return check_float(value, name, minimum=0.0, maximum=1.0)


def check_choice(value: Any, name: str, choices: Iterable[Any]) -> Any:
    """Raise ``ValueError`` unless ``value`` is one of ``choices``."""
    choices = list(choices)
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}.")
    return value


def format_shape(shape: Sequence[Any]) -> str:
    """Format a shape such as ``(None, 3)`` as ``(*, 3)``."""
    parts = ["*" if s is None else str(s) for s in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def check_ndim(array: Any, name: str, ndim: int | Sequence[int], *, names: str | None = None) -> None:
    """Raise ``ValueError`` unless ``array.ndim`` is ``ndim`` (or one of them).

    ``names`` describes the expected axes, e.g. ``"(batch, seq_len, input_size)"``.
    """
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    actual = getattr(array, "ndim", None)
    if actual is None:
        raise TypeError(f"{name} must be an array or tensor; got {_type_name(array)}.")
    if actual not in allowed:
        want = " or ".join(str(a) for a in allowed)
        hint = f" {names}" if names else ""
        raise ValueError(
            f"{name} must be {want}-dimensional{hint}; got shape {format_shape(tuple(array.shape))} "
            f"({actual}-dimensional)."
        )


def check_shape(array: Any, name: str, shape: Sequence[int | None], *, names: str | None = None) -> None:
    """Raise ``ValueError`` unless ``array`` has ``shape``; ``None`` matches any size.

    Example message: ``x must have shape (batch, seq_len, input_size) = (*, *, 8); got (4, 8).``
    """
    actual = getattr(array, "shape", None)
    if actual is None:
        raise TypeError(f"{name} must be an array or tensor; got {_type_name(array)}.")
    actual = tuple(int(s) for s in actual)
    ok = len(actual) == len(shape) and all(e is None or e == a for e, a in zip(shape, actual))
    if not ok:
        label = f"{names} = " if names else ""
        raise ValueError(
            f"{name} must have shape {label}{format_shape(shape)}; got {format_shape(actual)}."
        )


def check_finite(array: Any, name: str) -> None:
    """Raise ``ValueError`` if ``array`` holds NaN or infinity, saying where the first one is."""
    values = np.asarray(array.detach().cpu() if hasattr(array, "detach") else array, dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} must contain only finite numbers; found {values[index]} at index {index} "
            f"({int(bad.sum())} non-finite value(s) in all)."
        )
