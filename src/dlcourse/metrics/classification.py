r"""Classification metrics from the confusion matrix, and the ROC curve (chapter 1).

For two classes with a chosen *positive* class the confusion matrix's four cells are the
true positives (TP), false negatives (FN), false positives (FP) and true negatives (TN);
accuracy, precision, recall (sensitivity), specificity and F1 are ratios of them.
A ``pos_label`` that is not among the labels raises, as in scikit-learn.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .._validation import check_choice, check_float
from ._checks import _AVERAGES, _as_1d, _check_pos_label, _divide, _pair

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
]


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
        labels_arr = _as_1d(labels, "labels")  # non-empty and 1-D, or it raises
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
    cm, labels_arr = _per_class(y_true, y_pred, labels)
    t, p = _pair(y_true, y_pred)
    tp = np.diag(cm).astype(float)  # (K,)
    # counted over all samples, as scikit-learn does: a prediction outside `labels` is still a miss
    support = np.array([np.sum(t == c) for c in labels_arr], dtype=float)  # (K,) how often each class is true
    fp = np.array([np.sum(p == c) for c in labels_arr], dtype=float) - tp  # predicted as the class, wrongly
    fn = support - tp  # the class, predicted as another
    tn = t.size - tp - fp - fn
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
    if support.sum() == 0:  # weighted: by how often each class is true
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
    t = _as_1d(y_true, "y_true")
    s = _as_1d(scores, "scores", numeric=True)
    if t.shape[0] != s.shape[0]:
        raise ValueError(
            f"y_true and scores must have the same length (one entry per sample); got {t.shape[0]} and {s.shape[0]}."
        )
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
