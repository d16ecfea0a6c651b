"""Checks of single arguments: type, integer and real ranges, choices, a renamed argument."""
from __future__ import annotations

import numbers
import warnings
from typing import Any, Iterable

import numpy as np

__all__ = [
    "check_type",
    "check_int",
    "check_float",
    "check_probability",
    "check_choice",
    "renamed",
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


def renamed(value: Any, old_value: Any, name: str, old_name: str, default: Any) -> Any:
    """The value of an argument that also answers to its older, deprecated name.

    For a keyword renamed to torch's name (``n_classes`` -> ``num_classes``), the
    function keeps ``name=default`` and a keyword-only ``old_name=None`` and calls this.

    Args:
        value: the argument under its new name (``default`` when not given).
        old_value: the argument under its old name (``None`` when not given).
        name, old_name: the two names, for the messages.
        default: the new argument's default.

    Returns:
        ``old_value`` when it was given (with a :class:`DeprecationWarning` that names
        the new keyword), else ``value``.

    Raises:
        TypeError: both names were given, with different values.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     renamed(10, 3, "num_classes", "n_classes", 10)
        3
    """
    if old_value is None:
        return value
    if value != default and value != old_value:
        raise TypeError(
            f"{name} and its older name {old_name} were both given ({value!r} and {old_value!r}); "
            f"pass only {name}."
        )
    warnings.warn(
        f"{old_name} is deprecated; use {name} (torch's name): {name}={old_value!r}.", DeprecationWarning, stacklevel=3
    )
    return old_value
