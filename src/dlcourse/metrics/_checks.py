"""Input checks shared by the metrics: 1-D label/number arrays, pairs of equal length, pos_label."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import as_float_array, to_numpy

_AVERAGES = ("binary", "macro", "micro", "weighted", None)


# --------------------------------------------------------------------------- input checks
def _as_1d(values: Any, name: str, *, numeric: bool = False) -> np.ndarray:
    if numeric:
        array = as_float_array(values, name, finite=True)
    else:  # class labels: numbers or strings, never None or complex
        if values is None or isinstance(values, (str, bytes)):
            raise TypeError(
                f"{name} must be a 1-D sequence of class labels (one per sample); got {type(values).__name__} "
                f"({values!r:.40}). Pass a list or array such as [0, 1, 1]."
            )
        array = to_numpy(values)
        if array.dtype.kind == "c":
            raise TypeError(f"{name} must hold class labels (integers or strings); got complex numbers.")
        if array.dtype.kind == "f" and array.size and not np.all(array == np.round(array)):
            bad = array[array != np.round(array)][0]
            raise ValueError(
                f"{name} must hold class labels (integers or strings); got the non-integer value {bad:g}. "
                "Threshold scores into labels first (e.g. scores >= 0.5), or use roc_curve for scores."
            )
        if array.dtype.kind == "O" and array.size:
            kinds = {type(v).__name__ for v in array.ravel()[:1000]}
            if len(kinds) > 1 or "NoneType" in kinds:
                raise TypeError(
                    f"{name} must hold class labels of one type (all numbers or all strings); got {sorted(kinds)}."
                )
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D sequence (one entry per sample); got shape {array.shape}. "
            "Flatten it (np.ravel) or pass one label per sample."
        )
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got 0 samples.")
    return array


def _check_pos_label(t: np.ndarray, p: np.ndarray, pos_label: Any) -> None:
    """Raise, as scikit-learn does, when ``pos_label`` is not one of the labels that occur."""
    present = np.unique(np.concatenate([t, p]))
    numeric_labels = present.dtype.kind in "biuf"
    numeric_pos = isinstance(pos_label, (int, float, np.number)) and not isinstance(pos_label, (str, bytes))
    listed = present.tolist()[:6]
    if numeric_labels != numeric_pos:
        raise TypeError(
            f"pos_label must be of the type of the labels in y_true and y_pred "
            f"({'numbers' if numeric_labels else 'strings'}, e.g. "
            f"{listed[0]!r}); got {type(pos_label).__name__} {pos_label!r}. Pass one of {listed}."
        )
    if present.size >= 2 and pos_label not in present.tolist():  # one class only: scikit-learn allows it
        raise ValueError(
            f"pos_label={pos_label!r} is not a valid label: it should be one of {listed} "
            "(the labels in y_true and y_pred). Pass the label of the positive class."
        )


def _label_kind(array: np.ndarray) -> str:
    """``"numbers"`` or ``"strings"``: what kind of class labels an array holds."""
    if array.dtype.kind in "biuf":
        return "numbers"
    if array.dtype.kind in "US":
        return "strings"
    first = array.ravel()[0] if array.size else 0
    return "strings" if isinstance(first, str) else "numbers"


def _pair(y_true: Any, y_pred: Any, pred_name: str = "y_pred", *, numeric: bool = False) -> tuple[np.ndarray, np.ndarray]:
    t = _as_1d(y_true, "y_true", numeric=numeric)
    p = _as_1d(y_pred, pred_name, numeric=numeric)
    if not numeric and _label_kind(t) != _label_kind(p):
        raise TypeError(
            f"y_true and {pred_name} must hold labels of the same type; got {_label_kind(t)} and "
            f"{_label_kind(p)} (e.g. {t.ravel()[0]!r} and {p.ravel()[0]!r}). Encode both the same way."
        )
    if t.shape[0] != p.shape[0]:
        raise ValueError(
            f"y_true and {pred_name} must have the same length (one entry per sample); "
            f"got {t.shape[0]} and {p.shape[0]}."
        )
    return t, p


def _divide(num: np.ndarray | float, den: np.ndarray | float, zero_division: float) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, float(zero_division))
    np.divide(num, den, out=out, where=den != 0)
    return out
