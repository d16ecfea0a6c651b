r"""Metrics of predicted distributions: cross-entropy and the KL divergence, in nats."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import as_float_array, as_real_array, check_choice

__all__ = ["cross_entropy", "kl_divergence"]


def _check_distribution(probs: np.ndarray, name: str, atol: float = 1e-6) -> None:
    if not np.all(np.isfinite(probs)):
        raise ValueError(f"{name} must contain only finite numbers; got NaN or infinity.")
    if np.any(probs < 0) or np.any(probs > 1):
        raise ValueError(f"{name} must be probabilities in [0, 1]; got values from {probs.min():.4g} to {probs.max():.4g}.")
    sums = probs.sum(axis=-1)
    bad = np.flatnonzero(np.abs(np.atleast_1d(sums) - 1.0) > atol)
    if bad.size:
        where = f"row {int(bad[0])} sums" if probs.ndim == 2 else "it sums"
        raise ValueError(
            f"{name} must sum to 1 over the classes (last axis); {where} to {np.atleast_1d(sums)[bad[0]]:.6g}. "
            "Apply a softmax (or divide by the sum) first."
        )


def cross_entropy(y_true: Any, probs: Any, *, reduction: str = "mean") -> float:
    r"""Cross-entropy (log loss) of predicted class probabilities, in nats.

    .. math::
        \ell_i = -\sum_{k=1}^{K} y_{ik} \ln p_{ik} = -\ln p_{i, y_i}, \qquad
        \text{mean: } \frac{1}{N}\sum_i \ell_i, \quad \text{sum: } \sum_i \ell_i

    where :math:`p_{ik}` is the predicted probability that sample :math:`i` is in class
    :math:`k`, :math:`y_{ik}` the one-hot target (1 for the true class :math:`y_i`, else 0).
    Only the probability given to the true class counts. Probabilities are clipped to
    :math:`[\epsilon, 1 - \epsilon]` with :math:`\epsilon` the float64 machine epsilon
    (as scikit-learn does) so a 0 gives a large finite loss instead of infinity.

    Shapes: ``y_true`` (N,) integer labels in ``0..K-1`` or (N, K) one-hot rows;
    ``probs`` (N, K) rows summing to 1, or (N,) the probability of class 1 for two classes.

    Example
    -------
    >>> import numpy as np
    >>> probs = np.array([[0.3, 0.5, 0.2], [0.1, 0.8, 0.1], [0.6, 0.2, 0.2], [0.3, 0.3, 0.4]])
    >>> round(cross_entropy([0, 1, 0, 2], probs, reduction="sum"), 2)
    2.85
    """
    check_choice(reduction, "reduction", ("mean", "sum"))
    p = as_float_array(probs, "probs")
    if p.ndim == 1:
        p = np.stack([1.0 - p, p], axis=1)  # (N, 2): binary P(class 1) -> both columns
    if p.ndim != 2 or p.shape[0] == 0:
        raise ValueError(f"probs must have shape (N, K) or (N,) with N >= 1; got {p.shape}.")
    _check_distribution(p, "probs")
    n, k = p.shape
    y = as_real_array(
        y_true, "y_true", expected=f"hold integer class labels in 0..{k - 1} or one-hot rows",
        fix="Encode the classes as 0..K-1 first.",
    )
    if y.ndim == 2:
        if y.shape != (n, k):
            raise ValueError(f"one-hot y_true must have the shape of probs, (N, K) = ({n}, {k}); got {y.shape}.")
        if not (np.isin(y, (0, 1)).all() and np.all(y.sum(axis=1) == 1)):
            raise ValueError("one-hot y_true must have exactly one 1 per row and 0 elsewhere.")
        labels = y.argmax(axis=1)
    elif y.ndim == 1:
        if y.shape[0] != n:
            raise ValueError(f"y_true and probs must have the same number of samples; got {y.shape[0]} and {n}.")
        if not np.issubdtype(y.dtype, np.number) or np.any(y != np.round(y)) or y.min() < 0 or y.max() >= k:
            raise ValueError(f"y_true must hold integer class labels in 0..{k - 1} (or one-hot rows); got {y[:6].tolist()}.")
        labels = y.astype(np.int64)
    else:
        raise ValueError(f"y_true must have shape (N,) or (N, K); got {y.shape}.")
    eps = np.finfo(float).eps
    picked = np.clip(p[np.arange(n), labels], eps, 1 - eps)  # (N,) probability of the true class
    losses = -np.log(picked)
    return float(losses.mean() if reduction == "mean" else losses.sum())


def kl_divergence(p: Any, q: Any) -> float | np.ndarray:
    r"""Kullback-Leibler divergence :math:`D_{KL}(p \,\|\, q) = \sum_k p_k \ln (p_k / q_k)`, in nats.

    where :math:`p` is the reference ("true") distribution and :math:`q` the
    approximation; terms with :math:`p_k = 0` count 0, and :math:`q_k = 0 < p_k` gives
    :math:`+\infty`. It is never negative, is 0 only when :math:`p = q`, and is not
    symmetric. It equals the cross-entropy :math:`H(p, q)` minus the entropy :math:`H(p)`.

    Shapes: ``p``, ``q`` (K,) give a float; (N, K) give one value per row, (N,).

    Example
    -------
    >>> round(kl_divergence([0.5, 0.5], [0.9, 0.1]), 4)
    0.5108
    """
    pa = as_float_array(p, "p")
    qa = as_float_array(q, "q")
    if pa.shape != qa.shape:
        raise ValueError(f"p and q must have the same shape; got {pa.shape} and {qa.shape}.")
    if pa.ndim not in (1, 2) or pa.shape[-1] == 0:
        raise ValueError(f"p and q must have shape (K,) or (N, K) with K >= 1; got {pa.shape}.")
    _check_distribution(pa, "p")
    _check_distribution(qa, "q")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(pa > 0, pa * (np.log(pa) - np.log(qa)), 0.0)
    out = terms.sum(axis=-1)
    return float(out) if out.ndim == 0 else out
