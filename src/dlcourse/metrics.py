r"""Evaluation metrics, written out from their definitions (chapter 1).

Classification metrics start from the :func:`confusion_matrix`; for two classes
with a chosen *positive* class its four cells are the true positives (TP), false
negatives (FN), false positives (FP) and true negatives (TN):

.. math::
    \text{accuracy} = \frac{TP + TN}{TP + FN + FP + TN}, \quad
    \text{precision} = \frac{TP}{TP + FP}, \quad
    \text{recall} = \frac{TP}{TP + FN}, \quad
    \text{specificity} = \frac{TN}{TN + FP}, \quad
    F_1 = \frac{2\,\text{precision}\cdot\text{recall}}{\text{precision} + \text{recall}}.

Regression metrics compare targets :math:`y_i` with predictions :math:`\hat y_i`;
probabilistic metrics (cross-entropy, KL divergence) compare distributions.
Every function here is tested against scikit-learn or SciPy to 1e-12.

Conventions follow scikit-learn: confusion-matrix rows are true classes and
columns predicted classes; a ratio whose denominator is zero (e.g. precision
when nothing is predicted positive) is reported as ``zero_division`` (default 0).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ._validation import as_float_array, check_choice, check_float

__all__ = [
    "confusion_matrix",
    "confusion_counts",
    "accuracy",
    "precision",
    "recall",
    "sensitivity",
    "specificity",
    "f1_score",
    "roc_curve",
    "roc_auc",
    "mse",
    "rmse",
    "mae",
    "mape",
    "r2_score",
    "cross_entropy",
    "kl_divergence",
    "paired_bootstrap",
]

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


# --------------------------------------------------------------------------- classification
def confusion_matrix(y_true: Any, y_pred: Any, labels: Sequence[Any] | None = None) -> np.ndarray:
    r"""Count how often each true class was predicted as each class.

    .. math::
        C_{jk} = \#\{\, i : y_i = c_j \text{ and } \hat y_i = c_k \,\}

    where :math:`y_i` is the true and :math:`\hat y_i` the predicted label of sample
    :math:`i` and :math:`c_1, \dots, c_K` are the class labels (``labels``, or the
    sorted union of the labels that occur).

    Shapes: ``y_true``, ``y_pred`` (N,); result (K, K), rows = true, columns = predicted.
    For labels ``[0, 1]`` the result is ``[[TN, FP], [FN, TP]]``.

    Example
    -------
    >>> confusion_matrix([1, 1, 0, 0], [1, 0, 0, 1]).tolist()
    [[1, 1], [1, 1]]
    """
    t, p = _pair(y_true, y_pred)
    if labels is None:
        labels_arr = np.unique(np.concatenate([t, p]))
    else:
        labels_arr = np.asarray(labels)
        if labels_arr.ndim != 1 or labels_arr.size == 0:
            raise ValueError(f"labels must be a non-empty 1-D sequence of class labels; got {labels!r}.")
        if np.unique(labels_arr).size != labels_arr.size:
            raise ValueError(f"labels must not repeat a class; got {labels_arr.tolist()}.")
        if not np.isin(t, labels_arr).any():
            raise ValueError(f"none of the labels {labels_arr.tolist()} occurs in y_true.")
    k = labels_arr.size
    index = {label: j for j, label in enumerate(labels_arr.tolist())}
    matrix = np.zeros((k, k), dtype=np.int64)
    for a, b in zip(t.tolist(), p.tolist()):
        if a in index and b in index:  # samples with a label outside `labels` are ignored
            matrix[index[a], index[b]] += 1
    return matrix


def confusion_counts(y_true: Any, y_pred: Any, pos_label: Any = 1) -> dict[str, int]:
    """The four cells of a binary confusion matrix, by name: ``{"tp", "fn", "fp", "tn"}``.

    A sample counts as *positive* when its label equals ``pos_label``; every other
    label is negative.

    Example
    -------
    >>> confusion_counts([1, 1, 0, 0, 0], [1, 0, 1, 0, 0])
    {'tp': 1, 'fn': 1, 'fp': 1, 'tn': 2}
    """
    t, p = _pair(y_true, y_pred)
    _check_pos_label(t, p, pos_label)
    tp_mask, pp_mask = t == pos_label, p == pos_label
    return {
        "tp": int(np.sum(tp_mask & pp_mask)),
        "fn": int(np.sum(tp_mask & ~pp_mask)),
        "fp": int(np.sum(~tp_mask & pp_mask)),
        "tn": int(np.sum(~tp_mask & ~pp_mask)),
    }


def accuracy(y_true: Any, y_pred: Any) -> float:
    r"""Fraction of correct predictions, :math:`\frac{1}{N}\sum_i [y_i = \hat y_i]`.

    Example
    -------
    >>> accuracy([0, 1, 1, 0], [0, 1, 0, 0])
    0.75
    """
    t, p = _pair(y_true, y_pred)
    return float(np.mean(t == p))


def _per_class(y_true: Any, y_pred: Any, labels: Sequence[Any] | None) -> tuple[np.ndarray, np.ndarray]:
    t, p = _pair(y_true, y_pred)
    labels_arr = np.unique(np.concatenate([t, p])) if labels is None else np.asarray(labels)
    cm = confusion_matrix(t, p, labels=list(labels_arr))
    return cm, labels_arr


def _binary_or_averaged(
    kind: str,
    y_true: Any,
    y_pred: Any,
    pos_label: Any,
    average: str | None,
    labels: Sequence[Any] | None,
    zero_division: float,
) -> float | np.ndarray:
    check_choice(average, "average", _AVERAGES)
    zero_division = check_float(zero_division, "zero_division", minimum=0.0, maximum=1.0)
    if average == "binary":
        t, p = _pair(y_true, y_pred)
        present = np.unique(np.concatenate([t, p]))
        if present.size > 2:
            raise ValueError(
                f"average='binary' needs at most two classes; got {present.size} ({present.tolist()[:6]}). "
                "Pass average='macro', 'micro', 'weighted' or None for several classes."
            )
        c = confusion_counts(t, p, pos_label)
        btp, bfn, bfp, btn = c["tp"], c["fn"], c["fp"], c["tn"]
        if kind == "precision":
            return float(_divide(btp, btp + bfp, zero_division))
        if kind == "recall":
            return float(_divide(btp, btp + bfn, zero_division))
        if kind == "specificity":
            return float(_divide(btn, btn + bfp, zero_division))
        return float(_divide(2 * btp, 2 * btp + bfp + bfn, zero_division))  # F1
    cm, _ = _per_class(y_true, y_pred, labels)
    tp = np.diag(cm).astype(float)  # (K,)
    fp = cm.sum(axis=0) - tp  # predicted as the class, but another class
    fn = cm.sum(axis=1) - tp  # the class, predicted as another
    tn = cm.sum() - tp - fp - fn
    if average == "micro":
        tp, fp, fn, tn = tp.sum(), fp.sum(), fn.sum(), tn.sum()
    num, den = {
        "precision": (tp, tp + fp),
        "recall": (tp, tp + fn),
        "specificity": (tn, tn + fp),
        "f1": (2 * tp, 2 * tp + fp + fn),
    }[kind]
    scores = _divide(num, den, zero_division)
    if average == "micro":
        return float(scores)
    if average is None:
        return scores
    if average == "macro":
        return float(scores.mean())
    support = cm.sum(axis=1).astype(float)  # weighted: by how often each class is true
    if support.sum() == 0:
        return float(zero_division)
    return float(np.average(scores, weights=support))


def precision(y_true: Any, y_pred: Any, *, pos_label: Any = 1, average: str | None = "binary",
              labels: Sequence[Any] | None = None, zero_division: float = 0.0) -> float | np.ndarray:
    r"""Of the samples predicted positive, the fraction that are positive: :math:`TP / (TP + FP)`.

    where TP (FP) counts samples predicted as ``pos_label`` that are (are not) ``pos_label``.
    With several classes pass ``average``: ``None`` gives one value per class (in the order
    of ``labels``), ``"macro"`` their plain mean, ``"weighted"`` their mean weighted by each
    class's number of true samples, ``"micro"`` the ratio of the summed counts.
    A zero denominator gives ``zero_division``.

    Example
    -------
    >>> precision([1, 1, 0, 0], [1, 1, 1, 0])
    0.6666666666666666
    """
    return _binary_or_averaged("precision", y_true, y_pred, pos_label, average, labels, zero_division)


def recall(y_true: Any, y_pred: Any, *, pos_label: Any = 1, average: str | None = "binary",
           labels: Sequence[Any] | None = None, zero_division: float = 0.0) -> float | np.ndarray:
    r"""Of the positive samples, the fraction predicted positive: :math:`TP / (TP + FN)`.

    Also called *sensitivity* or the true-positive rate (TPR). ``average`` as in
    :func:`precision`.

    Example
    -------
    >>> recall([1, 1, 0, 0], [1, 0, 0, 0])
    0.5
    """
    return _binary_or_averaged("recall", y_true, y_pred, pos_label, average, labels, zero_division)


sensitivity = recall


def specificity(y_true: Any, y_pred: Any, *, pos_label: Any = 1, average: str | None = "binary",
                labels: Sequence[Any] | None = None, zero_division: float = 0.0) -> float | np.ndarray:
    r"""Of the negative samples, the fraction predicted negative: :math:`TN / (TN + FP)`.

    Equals one minus the false-positive rate, and the recall of the negative class.
    ``average`` as in :func:`precision` (one-vs-rest per class).

    Example
    -------
    >>> specificity([1, 1, 0, 0], [1, 1, 1, 0])
    0.5
    """
    return _binary_or_averaged("specificity", y_true, y_pred, pos_label, average, labels, zero_division)


def f1_score(y_true: Any, y_pred: Any, *, pos_label: Any = 1, average: str | None = "binary",
             labels: Sequence[Any] | None = None, zero_division: float = 0.0) -> float | np.ndarray:
    r"""Harmonic mean of precision and recall, :math:`F_1 = 2PR/(P + R) = 2TP / (2TP + FP + FN)`.

    where :math:`P` is the precision and :math:`R` the recall. ``average`` as in :func:`precision`.

    Example
    -------
    >>> round(f1_score([1, 1, 0, 0], [1, 0, 1, 0]), 4)
    0.5
    """
    return _binary_or_averaged("f1", y_true, y_pred, pos_label, average, labels, zero_division)


def _binary_scores(y_true: Any, scores: Any, pos_label: Any) -> tuple[np.ndarray, np.ndarray]:
    t, s = _pair(y_true, scores, "scores")
    s = _as_1d(s, "scores", numeric=True)
    classes = np.unique(t)
    _check_pos_label(t, t, pos_label)
    if classes.size > 2:
        raise ValueError(f"y_true must hold two classes for a ROC curve; got {classes.size} ({classes.tolist()[:6]}).")
    positive = t == pos_label
    if positive.all() or not positive.any():
        raise ValueError(
            "y_true must contain both positive and negative samples for a ROC curve "
            f"(pos_label={pos_label!r}); got only one class ({classes.tolist()})."
        )
    return positive, s


def roc_curve(y_true: Any, scores: Any, *, pos_label: Any = 1, drop_intermediate: bool = False
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Receiver operating characteristic: false- and true-positive rates over all thresholds.

    A sample is predicted positive when its score is at least the threshold :math:`\tau`:

    .. math::
        \mathrm{TPR}(\tau) = \frac{\#\{i : y_i = 1, s_i \ge \tau\}}{\#\{i : y_i = 1\}}, \qquad
        \mathrm{FPR}(\tau) = \frac{\#\{i : y_i = 0, s_i \ge \tau\}}{\#\{i : y_i = 0\}}

    where :math:`s_i` is the score of sample :math:`i` (higher = more likely positive).
    The thresholds are the distinct scores in decreasing order, preceded by
    :math:`+\infty` (nothing predicted positive, the point (0, 0)); tied scores move
    together, giving one diagonal step. ``drop_intermediate=True`` removes points on
    straight segments, as scikit-learn does by default.

    Shapes: ``y_true``, ``scores`` (N,); ``fpr``, ``tpr``, ``thresholds`` (M,) with
    M <= N + 1.

    Example
    -------
    >>> fpr, tpr, th = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr.tolist(), tpr.tolist()
    ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    positive, s = _binary_scores(y_true, scores, pos_label)
    order = np.argsort(-s, kind="mergesort")  # (N,) descending scores
    s_sorted, pos_sorted = s[order], positive[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(s_sorted)), s_sorted.size - 1]  # end index of each distinct score
    tps = np.cumsum(pos_sorted)[last_of_tie].astype(float)  # positives scored >= threshold
    fps = (last_of_tie + 1) - tps  # negatives scored >= threshold
    thresholds = s_sorted[last_of_tie]
    if drop_intermediate and tps.size > 2:
        keep = np.flatnonzero(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    tps, fps = np.r_[0.0, tps], np.r_[0.0, fps]
    thresholds = np.r_[np.inf, thresholds]
    return fps / fps[-1], tps / tps[-1], thresholds


def roc_auc(y_true: Any, scores: Any, *, pos_label: Any = 1) -> float:
    r"""Area under the ROC curve, by the trapezoidal rule.

    .. math::
        \mathrm{AUC} = \sum_{m} (\mathrm{FPR}_{m} - \mathrm{FPR}_{m-1})
        \frac{\mathrm{TPR}_{m} + \mathrm{TPR}_{m-1}}{2}
        = P(s^+ > s^-) + \tfrac12 P(s^+ = s^-)

    where :math:`s^+` (:math:`s^-`) is the score of a random positive (negative)
    sample: the AUC is the probability that the classifier ranks a positive above a
    negative. 1 is a perfect ranking, 0.5 a random one.

    Example
    -------
    >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    fpr, tpr, _ = roc_curve(y_true, scores, pos_label=pos_label)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


# --------------------------------------------------------------------------- regression
def mse(y_true: Any, y_pred: Any) -> float:
    r"""Mean squared error, :math:`\frac{1}{N}\sum_{i=1}^{N} (y_i - \hat y_i)^2`.

    where :math:`y_i` is the target and :math:`\hat y_i` the prediction of sample :math:`i`.
    Computed without intermediate overflow; raises ``ValueError`` (instead of returning
    ``inf``) when the MSE itself exceeds the largest float64, about 1.8e308.

    Example
    -------
    >>> mse([10, 20, 30, 40, 50], [11, 19, 30, 43, 47])
    4.0
    """
    scale, mean_sq = _scaled_mean_square(y_true, y_pred)
    with np.errstate(over="ignore"):
        value = scale * scale * mean_sq
    if not np.isfinite(value):
        raise ValueError(
            f"mse overflows float64: the values reach about {scale:.3g} and the mean squared error exceeds "
            f"{np.finfo(float).max:.3g}. Use rmse (finite here) or rescale y_true and y_pred."
        )
    return float(value)


def _scaled_mean_square(y_true: Any, y_pred: Any) -> tuple[float, float]:
    """``(s, m)`` with MSE = s**2 * m, computed on values divided by ``s`` so nothing overflows."""
    t, p = _pair(y_true, y_pred, numeric=True)
    scale = float(max(np.abs(t).max(), np.abs(p).max()))
    if scale == 0.0:
        return 1.0, 0.0
    if scale < 1e150:  # no risk of overflow: the direct formula, bit-for-bit as before
        return 1.0, float(np.mean((t - p) ** 2))
    d = t / scale - p / scale  # in [-2, 2]
    return scale, float(np.mean(d * d))


def rmse(y_true: Any, y_pred: Any) -> float:
    r"""Root mean squared error, :math:`\sqrt{\mathrm{MSE}}`, in the unit of the target.

    Computed on rescaled values, so it stays finite where the MSE itself would
    overflow (errors near 1e300).

    Example
    -------
    >>> rmse([10, 20, 30, 40, 50], [11, 19, 30, 43, 47])
    2.0
    >>> rmse([1e300, 0.0], [-1e300, 0.0])
    1.4142135623730952e+300
    """
    scale, mean_sq = _scaled_mean_square(y_true, y_pred)
    return float(scale * np.sqrt(mean_sq))


def mae(y_true: Any, y_pred: Any) -> float:
    r"""Mean absolute error, :math:`\frac{1}{N}\sum_i |y_i - \hat y_i|`.

    Example
    -------
    >>> mae([10, 20, 30, 40, 50], [11, 19, 30, 43, 47])
    1.6
    """
    t, p = _pair(y_true, y_pred, numeric=True)
    return float(np.mean(np.abs(t - p)))


def mape(y_true: Any, y_pred: Any, *, zero_targets: str = "raise") -> float:
    r"""Mean absolute percentage error **in percent**, :math:`\frac{100}{N}\sum_i |y_i - \hat y_i| / |y_i|`.

    The book's one MAPE (:func:`dlcourse.timeseries.mape` is this function). It returns a
    percentage, the forecasting convention (``5.7`` means 5.7%); scikit-learn's
    ``mean_absolute_percentage_error`` returns the fraction (``0.057``), i.e. this value / 100.

    The ratio is undefined where a target is 0. The rule is explicit:

    * ``zero_targets="raise"`` (default): raise ``ValueError`` saying how many targets are 0;
    * ``zero_targets="skip"``: average over the :math:`i` with :math:`y_i \ne 0` only (the
      convention for series with zeros, e.g. yearly sunspot numbers); raises if every
      target is 0.

    Args:
        y_true: targets :math:`y_i`, shape (N,).
        y_pred: predictions :math:`\hat y_i`, shape (N,).
        zero_targets: ``"raise"`` or ``"skip"``, what to do with targets equal to 0.

    Returns:
        MAPE in percent (a float >= 0).

    Raises:
        ValueError: a target is 0 (with ``"raise"``), every target is 0 (with ``"skip"``),
            the lengths differ, or ``zero_targets`` is not one of the two choices.

    Example:
        >>> round(mape([10, 20, 30, 40, 50], [11, 19, 30, 43, 47]), 2)
        5.7
        >>> mape([0, 10], [1, 11], zero_targets="skip")
        10.0
    """
    check_choice(zero_targets, "zero_targets", ("raise", "skip"))
    t, p = _pair(y_true, y_pred, numeric=True)
    zero = t == 0
    if zero.any() and zero_targets == "raise":
        raise ValueError(
            f"mape is undefined when a target is 0 (it divides by |y_true|); {int(zero.sum())} of {t.size} "
            f"target(s) in y_true are 0, the first at index {int(np.flatnonzero(zero)[0])}. "
            f'Pass zero_targets="skip" to average over the non-zero targets only, or use mae or rmse.'
        )
    if zero.all():
        raise ValueError(
            f"mape is undefined: every one of the {t.size} target(s) in y_true is 0. Report mae or rmse instead."
        )
    keep = ~zero
    return float(100.0 * np.mean(np.abs(t[keep] - p[keep]) / np.abs(t[keep])))


def r2_score(y_true: Any, y_pred: Any) -> float:
    r"""Coefficient of determination, :math:`R^2 = 1 - \frac{\sum_i (y_i - \hat y_i)^2}{\sum_i (y_i - \bar y)^2}`.

    where :math:`\bar y` is the mean target. 1 is a perfect fit; 0 is no better than
    always predicting :math:`\bar y`; it is negative for worse predictions. Undefined
    (``ValueError``) when all targets are equal.

    Example
    -------
    >>> r2_score([10, 20, 30, 40, 50], [11, 19, 30, 43, 47])
    0.98
    """
    t, p = _pair(y_true, y_pred, numeric=True)
    total = np.sum((t - t.mean()) ** 2)
    if total == 0:
        raise ValueError("r2_score is undefined when all targets are equal (zero total sum of squares); "
                         f"got y_true constant at {t[0]}.")
    return float(1.0 - np.sum((t - p) ** 2) / total)


# --------------------------------------------------------------------------- distributions
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
    y = np.asarray(y_true.detach().cpu().numpy() if hasattr(y_true, "detach") else y_true)
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
    >>> y = np.arange(20.0)
    >>> r = paired_bootstrap(y, y + 0.1, y + 3.0, mse, n_boot=200)
    >>> r["diff"] < 0 and r["high"] < 0
    True
    """
    y = np.asarray(y_true)
    a, b = np.asarray(pred_a), np.asarray(pred_b)
    if y.ndim != 1 or a.shape[:1] != y.shape or b.shape[:1] != y.shape:
        raise ValueError(f"y_true must be (N,) and both predictions must start with N; got {y.shape}, {a.shape}, {b.shape}.")
    level = check_float(level, "level", minimum=0.0, maximum=1.0, strict_minimum=True)
    if not 1 <= int(n_boot):
        raise ValueError(f"n_boot must be at least 1; got {n_boot}.")
    rng = np.random.default_rng(seed)
    n = y.shape[0]
    diffs = np.empty(int(n_boot))
    for k in range(int(n_boot)):
        idx = rng.integers(0, n, size=n)
        diffs[k] = metric(y[idx], a[idx]) - metric(y[idx], b[idx])
    low, high = np.percentile(diffs, [50 * (1 - level), 50 * (1 + level)])
    return {"diff": float(metric(y, a) - metric(y, b)), "low": float(low), "high": float(high),
            "p_below_zero": float(np.mean(diffs < 0))}
