"""Input checks shared by the metrics: 1-D label/number arrays, pairs of equal length, pos_label."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import as_float_array

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
        if hasattr(values, "detach"):
            values = values.detach().cpu().numpy()
        array = np.asarray(values)
        if array.dtype.kind == "c":
            raise TypeError(f"{name} must hold class labels (integers or strings); got complex numbers.")
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
            f"pos_label must be of the labels' type ({'numbers' if numeric_labels else 'strings'}, e.g. "
            f"{listed[0]!r}); got {type(pos_label).__name__} {pos_label!r}. Pass one of {listed}."
        )
    if present.size >= 2 and pos_label not in present.tolist():  # one class only: scikit-learn allows it
        raise ValueError(
            f"pos_label={pos_label!r} is not a valid label: it should be one of {listed} "
            "(the labels in y_true and y_pred). Pass the label of the positive class."
        )


def _pair(y_true: Any, y_pred: Any, pred_name: str = "y_pred", *, numeric: bool = False) -> tuple[np.ndarray, np.ndarray]:
    t = _as_1d(y_true, "y_true", numeric=numeric)
    p = _as_1d(y_pred, pred_name, numeric=numeric)
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
