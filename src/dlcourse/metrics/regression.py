r"""Regression metrics: MSE, RMSE, MAE, MAPE (in percent) and :math:`R^2` (chapters 1 and 8)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_choice
from ._checks import _pair

__all__ = ["mse", "rmse", "mae", "mape", "r2_score"]


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
