"""Decision-threshold explorer: one classifier, many operating points (chapter 1).

A classifier that outputs a score (e.g. a probability) becomes a decision rule
only once a threshold is chosen: predict positive when ``score >= threshold``.
Moving the threshold trades false positives for false negatives; the ROC curve is
the path of all these trade-offs.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from .. import metrics
from .._validation import check_float

__all__ = ["threshold_metrics", "render_threshold", "summarize_threshold", "threshold_explorer", "threshold_figure"]


def threshold_metrics(y_true: Any, scores: Any, threshold: float = 0.5) -> dict[str, Any]:
    """Confusion matrix, precision, recall, specificity, F1 and the ROC point at ``threshold``.

    Labels are 0/1 (1 = positive); a sample is predicted positive when its score is
    at least ``threshold``.

    Returns
    -------
    dict with ``threshold``, ``counts`` (``tp``, ``fn``, ``fp``, ``tn``), ``precision``,
    ``recall``, ``specificity``, ``f1``, ``accuracy``, the current ROC point ``fpr``,
    ``tpr``, and the whole curve ``roc_fpr``, ``roc_tpr`` with its ``auc``.

    Example
    -------
    >>> out = threshold_metrics([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], threshold=0.3)
    >>> out["counts"], out["recall"], out["specificity"]
    ({'tp': 2, 'fn': 0, 'fp': 1, 'tn': 1}, 1.0, 0.5)
    """
    t = check_float(threshold, "threshold")
    fpr_curve, tpr_curve, _ = metrics.roc_curve(y_true, scores)  # validates both arrays
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    pred = (s >= t).astype(int)
    counts = metrics.confusion_counts(y, pred, pos_label=1)
    tp, fn, fp, tn = counts["tp"], counts["fn"], counts["fp"], counts["tn"]
    return {
        "threshold": t,
        "counts": counts,
        "precision": metrics.precision(y, pred),
        "recall": metrics.recall(y, pred),
        "specificity": metrics.specificity(y, pred),
        "f1": metrics.f1_score(y, pred),
        "accuracy": metrics.accuracy(y, pred),
        "fpr": fp / (fp + tn),
        "tpr": tp / (tp + fn),
        "roc_fpr": fpr_curve,
        "roc_tpr": tpr_curve,
        "auc": metrics.roc_auc(y_true, scores),
    }


def render_threshold(result: Mapping[str, Any], ax: Any) -> None:
    """The ROC curve, the current operating point and the confusion matrix as text."""
    ax.plot(result["roc_fpr"], result["roc_tpr"], color="C0", label=f"ROC (AUC = {result['auc']:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1, label="chance")
    ax.plot([result["fpr"]], [result["tpr"]], "o", color="C3", markersize=8,
            label=f"threshold {result['threshold']:.2f}")
    c = result["counts"]
    ax.text(0.97, 0.05,
            f"TP {c['tp']:>3}  FN {c['fn']:>3}\nFP {c['fp']:>3}  TN {c['tn']:>3}\n"
            f"precision {result['precision']:.2f}\nrecall {result['recall']:.2f}\n"
            f"specificity {result['specificity']:.2f}\nF1 {result['f1']:.2f}",
            transform=ax.transAxes, ha="right", va="bottom", family="monospace", fontsize=7,
            bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.9})
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("false-positive rate (1 - specificity)")
    ax.set_ylabel("true-positive rate (recall)")
    ax.set_title(f"threshold = {result['threshold']:.2f}", fontsize=9)
    ax.legend(loc="center right", fontsize=7, frameon=False)


def summarize_threshold(result: Mapping[str, Any]) -> str:
    """An HTML confusion matrix and the metrics at the current threshold."""
    c = result["counts"]
    return (
        "<table style='border-collapse:collapse'><tr><th style='padding:2px 8px;text-align:left'></th><th style='padding:2px 8px;text-align:left'>predicted +</th><th style='padding:2px 8px;text-align:left'>predicted -</th></tr>"
        f"<tr><th style='padding:2px 8px;text-align:left'>true +</th><td style='padding:2px 8px'>TP {c['tp']}</td><td style='padding:2px 8px'>FN {c['fn']}</td></tr>"
        f"<tr><th style='padding:2px 8px;text-align:left'>true -</th><td style='padding:2px 8px'>FP {c['fp']}</td><td style='padding:2px 8px'>TN {c['tn']}</td></tr></table>"
        f"<p>accuracy {result['accuracy']:.3f}<br>precision {result['precision']:.3f}<br>"
        f"recall {result['recall']:.3f}<br>specificity {result['specificity']:.3f}<br>F1 {result['f1']:.3f}</p>"
    )


def threshold_explorer(y_true: Any, scores: Any, threshold: float = 0.5) -> Any:
    """A widget with a threshold slider over the score range; returns an ``Explorer``.

    ``explorer.controls["threshold"].value = 0.3`` moves the slider from code and
    ``explorer.result`` holds :func:`threshold_metrics` at the new threshold.
    """
    import ipywidgets as widgets

    from ._base import Explorer

    threshold_metrics(y_true, scores, threshold)  # validate once, with a clear message
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    low, high = float(s.min()), float(s.max())
    slider = widgets.FloatSlider(value=float(np.clip(threshold, low, high)), min=low, max=high,
                                 step=(high - low) / 200 or 0.01, description="threshold",
                                 continuous_update=False, readout_format=".3f")

    def compute(threshold: float) -> dict[str, Any]:
        return threshold_metrics(y, s, threshold)

    return Explorer({"threshold": slider}, compute, render_threshold, summarize_threshold,
                    title="Decision threshold", figsize=(4.6, 4.0))


def threshold_figure(y_true: Any, scores: Any, thresholds: tuple[float, ...] = (0.2, 0.5, 0.8)) -> Any:
    """Static companion of :func:`threshold_explorer`: the ROC view at several thresholds."""
    from ._base import companion_figure

    return companion_figure(
        threshold_metrics, render_threshold,
        [{"y_true": y_true, "scores": scores, "threshold": t} for t in thresholds],
        panel_size=(3.9, 3.7), suptitle="One classifier, three decision thresholds",
    )
