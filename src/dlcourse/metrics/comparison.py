r"""Comparing two models on one test set: the paired bootstrap."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_float, check_int

__all__ = ["paired_bootstrap"]


def paired_bootstrap(y_true: Any, pred_a: Any, pred_b: Any, metric: Any, *, n_boot: int = 2000,
                     level: float = 0.95, seed: int = 0) -> dict[str, float]:
    r"""How sure is "A scores better than B on this test set"? A paired bootstrap over the test cases.

    Draws ``n_boot`` resamples of the :math:`N` test cases with replacement, the *same*
    cases for both models (paired), computes ``metric(y, pred)`` for each model on each
    resample, and returns the observed difference
    :math:`\Delta = m(y, \hat y_A) - m(y, \hat y_B)` with the central ``level`` interval
    (percentile method) of the resampled differences. An interval that contains 0 means
    the test set cannot tell the two models apart at that level; seeds cannot answer this,
    because they measure training randomness, not the luck of the test sample.

    Parameters
    ----------
    y_true: (N,) targets; pred_a, pred_b: (N, ...) predictions or scores of the two models.
    metric: ``metric(y_true, y_pred) -> float``, e.g. :func:`r2_score` or :func:`f1_score`.

    Returns ``{"diff", "low", "high", "p_below_zero"}``, where ``p_below_zero`` is the share
    of resamples in which A scored below B.

    Example
    -------
    >>> from dlcourse.metrics import mse
    >>> y = np.arange(20.0)
    >>> r = paired_bootstrap(y, y + 0.1, y + 3.0, mse, n_boot=200)
    >>> r["diff"] < 0 and r["high"] < 0
    True
    """
    if not callable(metric):
        raise TypeError(
            f"metric must be a function metric(y_true, y_pred) -> float such as dlcourse.metrics.r2_score; "
            f"got {type(metric).__name__}."
        )
    for value, name in ((y_true, "y_true"), (pred_a, "pred_a"), (pred_b, "pred_b")):
        if value is None or isinstance(value, (str, bytes)):
            raise TypeError(f"{name} must be an array with one entry per test case; got {type(value).__name__}.")
    y = np.asarray(y_true)
    a, b = np.asarray(pred_a), np.asarray(pred_b)
    for arr, name in ((y, "y_true"), (a, "pred_a"), (b, "pred_b")):
        if arr.dtype.kind == "c":
            raise TypeError(f"{name} must hold real numbers or labels; got complex numbers.")
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"y_true must be a non-empty 1-D array (N,), one entry per test case; got shape {y.shape}.")
    for arr, name in ((a, "pred_a"), (b, "pred_b")):
        if arr.ndim == 0 or arr.shape[0] != y.shape[0]:
            raise ValueError(
                f"{name} must start with N = {y.shape[0]} entries, one per test case (as y_true); got shape {arr.shape}."
            )
    level = check_float(level, "level", minimum=0.0, maximum=1.0, strict_minimum=True)
    n_boot = check_int(n_boot, "n_boot", minimum=1, maximum=10**6)
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    n = y.shape[0]
    diffs = np.empty(n_boot)
    for k in range(n_boot):
        idx = rng.integers(0, n, size=n)
        diffs[k] = metric(y[idx], a[idx]) - metric(y[idx], b[idx])
    low, high = np.percentile(diffs, [50 * (1 - level), 50 * (1 + level)])
    return {"diff": float(metric(y, a) - metric(y, b)), "low": float(low), "high": float(high),
            "p_below_zero": float(np.mean(diffs < 0))}
