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

One module per kind: :mod:`~dlcourse.metrics.classification`,
:mod:`~dlcourse.metrics.regression`, :mod:`~dlcourse.metrics.probabilistic` and
:mod:`~dlcourse.metrics.comparison` (the paired bootstrap); every name is importable
from :mod:`dlcourse.metrics`.
"""
from .classification import (
    accuracy,
    confusion_counts,
    confusion_matrix,
    f1_score,
    precision,
    recall,
    roc_auc,
    roc_curve,
    sensitivity,
    specificity,
)
from .comparison import paired_bootstrap
from .probabilistic import cross_entropy, kl_divergence
from .regression import mae, mape, mse, r2_score, rmse

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
