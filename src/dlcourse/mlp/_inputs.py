"""Inputs of the perceptron and the MLP: the feature matrix, labels, one-hot targets."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import as_float_array, as_real_array, check_int

__all__ = ["one_hot"]


def _matrix(X: Any, name: str = "X") -> np.ndarray:
    """``X`` as a float64 matrix (N, D) of finite numbers with D >= 1."""
    array = as_float_array(X, name, finite=True)
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be 2-dimensional (batch, features); got shape {array.shape}. Reshape your data: "
            f"{name}.reshape(1, -1) if it is one sample, {name}.reshape(-1, 1) if it is one feature."
        )
    if array.shape[1] == 0:
        raise ValueError(
            f"{name} has 0 feature(s) (shape={array.shape}) while a minimum of 1 is required; "
            "pass at least one column."
        )
    return array


def _labels(y: Any, n: int, name: str = "y") -> np.ndarray:
    """Integer class labels (N,) (or one-hot rows (N, K), turned into labels), checked against ``n`` rows."""
    arr = as_real_array(
        y, name, expected=f"hold {n} integer class labels (or one-hot rows)",
        fix="Encode the classes as 0..K-1 first (e.g. np.unique(y, return_inverse=True)[1]).",
    )
    if arr.ndim == 2:
        arr = arr.argmax(axis=1) if arr.shape[1] > 1 else arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D class labels (N,) or one-hot rows (N, K); got shape {arr.shape}.")
    if arr.shape[0] != n:
        raise ValueError(f"X and {name} must have the same number of samples; got {n} and {arr.shape[0]}.")
    if arr.dtype.kind == "f" and (not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr))):
        raise ValueError(f"{name} must hold whole-number class labels; got {arr[:6].tolist()}.")
    if arr.size and arr.min() < 0:
        raise ValueError(
            f"{name} must hold class labels >= 0; got {arr.min():g} at index {int(arr.argmin())}. "
            "Encode the classes as 0..K-1."
        )
    return arr.astype(np.int64)


def _targets(T: Any, N: int, n_out: int, name: str = "T") -> np.ndarray:
    """Targets (N, n_out) as floats: one-hot rows made from integer labels, a column from (N,) for one output."""
    T = as_real_array(
        T, f"{name} (the targets)", expected=f"be an array of shape ({N}, {n_out}) or {N} integer labels",
        fix="Pass one target row or class label per row of X.",
    )
    if T.ndim >= 1 and T.shape[0] != N:
        raise ValueError(
            f"X and {name} must have the same number of samples (rows); got {N} and {T.shape[0]}."
        )
    if T.ndim == 1 and n_out > 1:  # class labels (whole numbers, also as floats) -> one-hot rows
        T = one_hot(_labels(T, N, name), n_out)
    T = as_float_array(T, name, finite=True)
    if T.ndim == 1 and n_out == 1:
        T = T[:, None]
    if T.shape != (N, n_out):
        raise ValueError(
            f"{name} (the targets) must have shape (batch, outputs) = ({N}, {n_out}) or be {N} integer "
            f"class labels; got shape {T.shape}."
        )
    return T


def one_hot(y: Any, num_classes: int) -> np.ndarray:
    """Rows of the identity: ``one_hot([2, 0], 3) = [[0, 0, 1], [1, 0, 0]]``; shape ``(N, C)``."""
    if y is None or isinstance(y, (str, bytes)):
        raise TypeError(f"y must be a 1-D array of integer class labels; got {type(y).__name__}.")
    y = np.asarray(y)
    num_classes = check_int(num_classes, "num_classes", minimum=1, maximum=10**6)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be a 1-D array of integer class labels; got shape {y.shape}, dtype {y.dtype}.")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"y must hold class labels in 0..{num_classes - 1} (num_classes = {num_classes}); "
            f"got labels from {y.min()} to {y.max()}."
        )
    return np.eye(num_classes)[y]
