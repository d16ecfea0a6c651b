"""Checks for exercise notebooks that tell a student, in plain words, what is wrong.

Every check either prints a one-line confirmation (``✔ p: all 3 values correct.``)
and returns ``None``, or raises :class:`ExerciseError`, a
subclass of ``AssertionError`` so that nbgrader counts it as a failed test, with a
message such as::

    ExerciseError: probs differs from the expected values at 2 of 3 positions.
    The largest difference is at index (1,): got 0.3, expected 0.2447 (off by 0.05526;
    tolerance 1e-06). Expected shape (3,), got (3,).

A student who has not written their answer yet (``NotImplementedError`` or a
missing name) gets nbgrader's normal failure; these checks are for wrong answers.

Why print rather than return a value: nbgrader reads the value a graded cell ends
with (its ``execute_result``) as *partial credit*; anything that is not a number is
today given full marks with a warning, and may be treated as an error by later
releases. A printed line is ordinary output that grading ignores.
"""
from __future__ import annotations

import numbers
from typing import Any, Sequence

import numpy as np

__all__ = [
    "ExerciseError",
        "check_close",
    "check_equal",
    "check_shape",
    "check_in_range",
    "check_choice",
    "check_true",
]


class ExerciseError(AssertionError):
    """A student's answer is wrong; the message says how."""


def _passed(message: str) -> None:
    """Tell the student a check passed: one printed line (see the module docstring for why)."""
    print(f"\u2714 {message}")


def _as_array(value: Any, name: str) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ExerciseError(
            f"{name} should be a number or an array of numbers; got {type(value).__name__} ({value!r:.80})."
        ) from None


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def check_close(
    actual: Any,
    expected: Any,
    name: str = "your answer",
    *,
    rtol: float = 1e-6,
    atol: float = 1e-8,
) -> None:
    """Check that ``actual`` equals ``expected`` element-wise within ``atol + rtol * |expected|``.

    Works for numbers, lists, NumPy arrays and tensors. On failure the message gives
    the shapes, how many elements differ, and the worst one with both values.
    """
    a = _as_array(actual, name)
    e = _as_array(expected, "the expected value")
    if a.shape != e.shape:
        raise ExerciseError(
            f"{name} has shape {_shape(a.shape)}, but shape {_shape(e.shape)} was expected. "
            "Check which axis you summed or stacked over."
        )
    if np.isnan(a).any() and not np.isnan(e).any():
        index = tuple(int(i) for i in np.argwhere(np.isnan(a))[0])
        raise ExerciseError(f"{name} contains NaN (first at index {index}); look for a division by zero or log(0).")
    tolerance = atol + rtol * np.abs(e)
    diff = np.abs(a - e)
    bad = ~(diff <= tolerance)
    if bad.any():
        if a.ndim == 0:
            raise ExerciseError(
                f"{name} is {a.item():.6g}, but {e.item():.6g} was expected "
                f"(off by {diff.item():.4g}; tolerance {tolerance.item():.2g})."
            )
        worst = np.unravel_index(int(np.nanargmax(np.where(bad, diff, -1.0))), a.shape)
        worst = tuple(int(i) for i in worst)
        raise ExerciseError(
            f"{name} differs from the expected values at {int(bad.sum())} of {a.size} positions. "
            f"The largest difference is at index {worst}: got {a[worst]:.6g}, expected {e[worst]:.6g} "
            f"(off by {diff[worst]:.4g}; tolerance {tolerance[worst]:.2g})."
        )
    what = "value" if a.ndim == 0 else f"all {a.size} values"
    _passed(f"{name}: {what} correct.")


def check_equal(actual: Any, expected: Any, name: str = "your answer") -> None:
    """Check exact equality of plain values (ints, strings, lists, tuples, dicts)."""
    if actual != expected:
        if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
            if len(actual) != len(expected):
                raise ExerciseError(f"{name} has {len(actual)} items, but {len(expected)} were expected.")
            for i, (x, y) in enumerate(zip(actual, expected)):
                if x != y:
                    raise ExerciseError(f"{name} differs first at position {i}: got {x!r}, expected {y!r}.")
        raise ExerciseError(f"{name} is {actual!r}, but {expected!r} was expected.")
    _passed(f"{name} is correct.")


def check_shape(actual: Any, expected: Sequence[int], name: str = "your answer") -> None:
    """Check the shape of an array or tensor."""
    shape = tuple(int(s) for s in getattr(actual, "shape", np.shape(actual)))
    expected = tuple(int(s) for s in expected)
    if shape != expected:
        raise ExerciseError(f"{name} has shape {_shape(shape)}, but shape {_shape(expected)} was expected.")
    _passed(f"{name} has the expected shape {_shape(expected)}.")


def check_in_range(actual: Any, low: float, high: float, name: str = "your answer") -> None:
    """Check that a number lies in ``[low, high]`` (for experiments whose result varies)."""
    if isinstance(actual, bool) or not isinstance(actual, (numbers.Real, np.floating, np.integer)):
        array = _as_array(actual, name)  # tensors and 0-d arrays of one number are fine
        if array.size != 1:
            raise ExerciseError(f"{name} should be a single number; got {type(actual).__name__} ({actual!r:.80}).")
        actual = array.item()
    value = float(actual)
    if not (low <= value <= high):
        side = "low" if value < low else "high"
        raise ExerciseError(f"{name} is {value:.4g}, which is too {side}: expected a value between {low} and {high}.")
    _passed(f"{name} = {value:.4g} is in the expected range [{low}, {high}].")


def check_choice(actual: Any, options: Sequence[Any], correct: Any, name: str = "your answer") -> None:
    """Check a multiple-choice answer: it must be one of ``options`` and equal ``correct``.

    An answer outside the options gets a message listing them, so a typo is not
    mistaken for a wrong idea.
    """
    if actual not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ExerciseError(f"{name} must be one of {listed}; got {actual!r}.")
    if actual != correct:
        raise ExerciseError(f"{name} = {actual!r} is not right; reread the section and try another option.")
    _passed(f"{name} is correct.")


def check_true(condition: Any, message: str) -> None:
    """Raise :class:`ExerciseError` with ``message`` unless ``condition`` is true."""
    if not bool(condition):
        raise ExerciseError(message)
    _passed("check passed.")
