"""Checks for exercise notebooks that tell a student, in plain words, what is wrong.

Every check either prints a one-line confirmation (``✔ p: all 3 values correct.``)
and returns ``None``, or raises :class:`ExerciseError`, a
subclass of ``AssertionError`` so that nbgrader counts it as a failed test, with a
message such as::

    ExerciseError: probs differs from the expected values at 2 of 3 positions.
    The largest difference is at index (1,): got 0.3, expected 0.2447 (off by 0.05526;
    tolerance 1e-06). Expected shape (3,), got (3,).

A student who has not answered yet gets a sentence, not a traceback: answer
variables start as :data:`UNANSWERED`, which every check recognises.

Two kinds of mistakes are kept apart. A wrong *answer* raises :class:`ExerciseError`
(the student's to fix). A wrong *call of a check* (a correct option missing from the
options, an empty range, no expected value) raises :class:`CheckAuthorError`: it is a
mistake in the exercise, and its message says so instead of blaming the student.

A tick (✔) means the answer was verified. Where a visible check can only look at the
form of an answer (the value is graded by hidden tests), :func:`check_format` says so
without a tick.

Each check sets ``__tracebackhide__`` so that IPython and pytest show the student the
message, not the frames of this module.

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
    "CheckAuthorError",
    "UNANSWERED",
    "check_close",
    "check_equal",
    "check_shape",
    "check_in_range",
    "check_choice",
    "check_true",
    "check_format",
    "reject_if",
]


class ExerciseError(AssertionError):
    """A student's answer is wrong; the message says how."""


class CheckAuthorError(ValueError):
    """A check was called wrongly by the exercise's author (not the student's mistake)."""

    def __init__(self, message: str) -> None:
        super().__init__(
            f"This is a mistake in the exercise, not in your answer: {message} "
            "Please tell your instructor."
        )


class _Unanswered:
    """The placeholder an answer variable holds until the student replaces it."""

    def __repr__(self) -> str:
        return "UNANSWERED"

    def __bool__(self) -> bool:
        return False


#: Put in answer cells (``q1 = UNANSWERED``): checks then say "not answered yet".
UNANSWERED = _Unanswered()


def _require_answer(actual: Any, name: str) -> None:
    __tracebackhide__ = True
    if actual is UNANSWERED or actual is Ellipsis:
        raise ExerciseError(
            f"{name} is not answered yet: replace UNANSWERED (or ...) in the answer cell above "
            "with your answer, run that cell, then run this check again."
        )


def _float_array(value: Any) -> np.ndarray:
    """``value`` (number, list, array or tensor) as a float array; TypeError for complex numbers,
    which ``astype(float)`` would silently truncate."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    if np.iscomplexobj(array):
        raise TypeError("complex values")
    return array.astype(float)


def _expected_array(value: Any, what: str) -> np.ndarray:
    """An expected value given by the author, as a float array (CheckAuthorError if it is not numeric)."""
    if value is None or isinstance(value, (str, bytes)):
        raise CheckAuthorError(f"{what} must be a number or an array of numbers; got {value!r:.80}.")
    try:
        return _float_array(value)
    except (TypeError, ValueError):
        raise CheckAuthorError(
            f"{what} must be a number or an array of numbers; got {type(value).__name__}."
        ) from None


def _tolerance(value: Any, name: str) -> float:
    """A tolerance given by the author (``rtol``, ``atol``): a finite real number >= 0."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise CheckAuthorError(f"{name} must be a finite number >= 0; got {type(value).__name__} ({value!r:.40}).")
    number = float(value)
    if not (np.isfinite(number) and number >= 0):
        raise CheckAuthorError(f"{name} must be a finite number >= 0; got {value!r}.")
    return number


def _passed(message: str) -> None:
    """Tell the student a check passed: one printed line (see the module docstring for why)."""
    print(f"\u2714 {message}")


def _as_array(value: Any, name: str) -> np.ndarray:
    __tracebackhide__ = True
    _require_answer(value, name)
    if isinstance(value, (str, bytes)):  # "0.5" would convert: a number written as text is not a number
        raise ExerciseError(f"{name} should be a number or an array of numbers; got str (the text {value!r:.80}). Write the number without quotes.")
    try:
        return _float_array(value)
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
    __tracebackhide__ = True
    e = _expected_array(expected, "expected")
    rtol, atol = _tolerance(rtol, "rtol"), _tolerance(atol, "atol")
    a = _as_array(actual, name)
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
    # an infinite expected value makes the tolerance infinite: there only an equal value passes
    bad = np.where(np.isinf(e), a != e, ~(diff <= tolerance))
    if bad.any():
        if a.ndim == 0:
            raise ExerciseError(
                f"{name} is {a.item():.6g}, but {e.item():.6g} was expected "
                f"(off by {diff.item():.4g}; tolerance {tolerance.item():.2g})."
            )
        worst = tuple(int(i) for i in np.unravel_index(int(np.nanargmax(np.where(bad, diff, -1.0))), a.shape))
        raise ExerciseError(
            f"{name} differs from the expected values at {int(bad.sum())} of {a.size} positions. "
            f"The largest difference is at index {worst}: got {a[worst]:.6g}, expected {e[worst]:.6g} "
            f"(off by {diff[worst]:.4g}; tolerance {tolerance[worst]:.2g})."
        )
    what = "value" if a.ndim == 0 else f"all {a.size} values"
    _passed(f"{name}: {what} correct.")


def _equal(actual: Any, expected: Any) -> bool:
    """Exact equality that also works for arrays and tensors (same shape, same values)."""
    if any(hasattr(v, "shape") and np.ndim(v) > 0 for v in (actual, expected)):
        a = actual.detach().cpu().numpy() if hasattr(actual, "detach") else np.asarray(actual)
        e = expected.detach().cpu().numpy() if hasattr(expected, "detach") else np.asarray(expected)
        return a.shape == e.shape and bool(np.array_equal(a, e))
    result = actual == expected
    if hasattr(result, "shape"):
        return bool(np.all(result))
    return bool(result)


def check_equal(actual: Any, expected: Any, name: str = "your answer") -> None:
    """Check exact equality of plain values (ints, strings, lists, tuples, dicts) or of arrays."""
    __tracebackhide__ = True
    _require_answer(actual, name)
    if any(hasattr(v, "shape") and np.ndim(v) > 0 for v in (actual, expected)):
        if not _equal(actual, expected):
            a, e = np.asarray(actual), np.asarray(expected)
            if a.shape != e.shape:
                raise ExerciseError(f"{name} has shape {_shape(a.shape)}, but shape {_shape(e.shape)} was expected.")
            first = tuple(int(i) for i in np.argwhere(a != e)[0])
            raise ExerciseError(f"{name} differs first at index {first}: got {a[first].item()!r}, expected {e[first].item()!r}.")
        _passed(f"{name} is correct.")
        return
    if not _equal(actual, expected):
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
    __tracebackhide__ = True
    _require_answer(actual, name)
    if not isinstance(expected, (tuple, list)) or not all(
        isinstance(s, (numbers.Integral, np.integer)) and not isinstance(s, bool) and int(s) >= 0 for s in expected
    ):
        raise CheckAuthorError(f"expected must be a shape, a tuple of sizes >= 0 such as (2, 3); got {expected!r:.60}.")
    shape = tuple(int(s) for s in getattr(actual, "shape", np.shape(actual)))
    expected = tuple(int(s) for s in expected)
    if shape != expected:
        raise ExerciseError(f"{name} has shape {_shape(shape)}, but shape {_shape(expected)} was expected.")
    _passed(f"{name} has the expected shape {_shape(expected)}.")


def check_in_range(actual: Any, low: float, high: float, name: str = "your answer") -> None:
    """Check that a number lies in ``[low, high]``.

    Use it only where every correct run lands in the range and the known wrong answers
    do not (an experiment whose result varies); otherwise verify the value, or use
    :func:`check_format`.
    """
    __tracebackhide__ = True
    for bound, label in ((low, "low"), (high, "high")):
        if isinstance(bound, bool) or not isinstance(bound, (numbers.Real, np.floating, np.integer)) or not np.isfinite(bound):
            raise CheckAuthorError(f"{label} must be a finite number; got {bound!r}.")
    if low > high:
        raise CheckAuthorError(f"the range is empty: low = {low} > high = {high}.")
    _require_answer(actual, name)
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
    __tracebackhide__ = True
    if not isinstance(options, (list, tuple)):
        raise CheckAuthorError(
            f"options must be a list or tuple of the choices, e.g. ['a', 'b']; got {type(options).__name__} "
            f"({options!r:.40})."
        )
    options = list(options)
    if not options:
        raise CheckAuthorError("options is empty; list the choices the student may give.")
    if correct not in options:
        raise CheckAuthorError(f"the correct answer {correct!r} is not among the options {options!r}.")
    _require_answer(actual, name)
    if actual not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ExerciseError(f"{name} must be one of {listed}; got {actual!r}.")
    if actual != correct:
        raise ExerciseError(f"{name} = {actual!r} is not right; reread the section and try another option.")
    _passed(f"{name} is correct.")


def check_true(condition: Any, message: str) -> None:
    """Raise :class:`ExerciseError` with ``message`` unless ``condition`` is true.

    The tick it prints claims correctness: use it only for a condition that verifies
    the answer, not for one that a wrong answer can also meet.
    """
    __tracebackhide__ = True
    if not isinstance(message, str) or not message:
        raise CheckAuthorError(f"message must be a non-empty string telling the student what is wrong; got {message!r}.")
    _require_answer(condition, "your answer")
    if not bool(condition):
        raise ExerciseError(message)
    _passed("check passed.")


#: How a type reads in a sentence a student sees ("should be a whole number").
_KIND_WORDS = {numbers.Integral: "a whole number", numbers.Real: "a number", int: "a whole number",
               float: "a number", str: "a string (text in quotes)", bool: "True or False",
               list: "a list", tuple: "a tuple", dict: "a dict"}


def check_format(actual: Any, kind: type | tuple[type, ...], name: str = "your answer") -> None:
    """Accept the *form* of an answer whose value is graded by hidden tests; no tick.

    Raises :class:`ExerciseError` if ``actual`` is unanswered or not of ``kind``
    (for example ``numbers.Real`` or ``str``); otherwise prints, without a tick, that
    the format was accepted and the value will be graded later.
    """
    __tracebackhide__ = True
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not kinds or not all(isinstance(k, type) for k in kinds):
        raise CheckAuthorError(f"kind must be a type or a tuple of types; got {kind!r}.")
    _require_answer(actual, name)
    if isinstance(actual, bool) and bool not in kinds:
        ok = False
    else:
        ok = isinstance(actual, kinds) or (
            numbers.Real in kinds and isinstance(actual, (np.floating, np.integer))
        )
    if not ok:
        wanted = " or ".join(_KIND_WORDS.get(k, f"a {k.__name__}") for k in kinds)
        raise ExerciseError(f"{name} should be {wanted}; got {type(actual).__name__} ({actual!r:.80}).")
    if isinstance(actual, str) and not actual.strip():
        raise ExerciseError(f"{name} is empty: write your answer between the quotes.")
    print(f"{name}: format accepted - the value is graded by hidden tests.")


def reject_if(condition: Any, message: str) -> None:
    """Catch a known misconception: raise :class:`ExerciseError` with a teaching ``message``
    when ``condition`` holds; otherwise print nothing (passing it proves nothing, so no tick)."""
    __tracebackhide__ = True
    if not isinstance(message, str) or not message:
        raise CheckAuthorError(f"message must be a non-empty string that explains the misconception; got {message!r}.")
    if condition is UNANSWERED:
        raise ExerciseError("your answer is not answered yet: replace UNANSWERED in the answer cell above.")
    if isinstance(condition, (str, bytes)):
        raise CheckAuthorError(
            f"condition must be a test of the answer (True or False); got the string {condition!r:.40}, "
            "which is always true when not empty. Write the comparison, e.g. value == 'GAP'."
        )
    if bool(condition):
        raise ExerciseError(message)
