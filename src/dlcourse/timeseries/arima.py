"""ARIMA through statsmodels: fitting, order selection by AIC, and the ARIMA forecaster.

Part of :mod:`dlcourse.timeseries.forecast`'s protocol (imported from there too).
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from .._validation import check_choice, check_int
from .protocol import Forecaster
from .stats import as_series_array

__all__ = ["fit_arima", "select_arima_order", "select_ar_order", "ARIMAForecaster"]


# Warnings statsmodels raises for reasons this module handles itself:
# - the Hannan-Rissanen starting values of an ARMA fit can be non-invertible or
#   non-stationary; statsmodels then starts from zeros, which is harmless (the
#   optimiser still finds the maximum), so the message is expected and not shown;
# - a maximum-likelihood optimiser that stops early raises ConvergenceWarning; it is
#   caught here and reported as ``results.mle_retvals["converged"]`` instead.
_START_MESSAGES = ("Non-invertible starting MA parameters", "Non-stationary starting autoregressive parameters")


def _check_order(order: Any, name: str, parts: tuple[str, ...]) -> Any:
    """``order`` as a tuple of ``len(parts)`` integers >= 0, with a message naming ``name`` otherwise."""
    example = "(" + ", ".join(parts) + ")"
    if not isinstance(order, (tuple, list)) or len(order) != len(parts):
        raise TypeError(
            f"{name} must be a tuple of {len(parts)} integers {example}; got {type(order).__name__} "
            f"({order!r:.60}). Pass e.g. {name}=({', '.join('1' if i == 0 else '0' for i in range(len(parts)))})."
        )
    return tuple(check_int(v, f"{name} {part}", minimum=0) for v, part in zip(order, parts))


#: The ``trend`` values of statsmodels' ARIMA: none, constant, linear in time, both.
TRENDS = (None, "n", "c", "t", "ct")


def fit_arima(
    y: Any,
    order: tuple[int, int, int],
    *,
    seasonal_order: tuple[int, int, int, int] = (0, 0, 0, 0),
    trend: str | None = None,
) -> Any:
    r"""Fit ``statsmodels.tsa.arima.model.ARIMA`` by maximum likelihood, quietly and honestly.

    ARIMA(:math:`p, d, q`) models :math:`\nabla^d y_t` as an ARMA(:math:`p, q`):

    .. math::
        \Big(1 - \sum_{i=1}^{p} \phi_i L^i\Big) \nabla^d y_t
        = c + \Big(1 + \sum_{j=1}^{q} \theta_j L^j\Big) e_t

    where :math:`L` is the lag operator (:math:`L y_t = y_{t-1}`), :math:`\nabla = 1 - L`
    and :math:`c` the constant (``trend="c"``; statsmodels allows it only when
    :math:`d = 0`). ``y`` may be a pandas Series with a date/period index that has a
    frequency (then no frequency warning arises) or a plain array.

    Only two kinds of statsmodels warnings are caught, in this call only: the
    starting-value messages (statsmodels falls back to zeros; harmless) and
    ``ConvergenceWarning``, which is reported in ``results.mle_retvals["converged"]``.
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.arima.model import ARIMA

    order = _check_order(order, "order", ("p", "d", "q"))
    seasonal_order = _check_order(seasonal_order, "seasonal_order", ("P", "D", "Q", "s"))
    check_choice(trend, "trend", TRENDS)
    if not hasattr(y, "index"):
        y = as_series_array(y, "y")
        n = y.size
    else:
        n = as_series_array(y, "y").size  # validates NaNs and length, keeps the index
    lost = order[1] + seasonal_order[1] * max(seasonal_order[3], 1)  # observations differencing removes
    if lost >= n - 1:
        raise ValueError(
            f"order d = {order[1]} (and seasonal D = {seasonal_order[1]}) difference away {lost} of the {n} "
            "observations of y, leaving none to fit. To fix: use d = 0, 1 or 2."
        )
    if order[1] + seasonal_order[1] > 0 and trend not in (None, "n"):
        raise ValueError(f"trend must be None or 'n' when the model differences (d = {order[1]}); got {trend!r}.")
    with warnings.catch_warnings():
        for message in _START_MESSAGES:
            warnings.filterwarnings("ignore", message=message, category=UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        return ARIMA(y, order=order, seasonal_order=seasonal_order, trend=trend).fit()


def select_arima_order(
    y: Any,
    p_values: Sequence[int] = (0, 1, 2, 3),
    d: int = 0,
    q_values: Sequence[int] = (0, 1, 2),
    *,
    seasonal_order: tuple[int, int, int, int] = (0, 0, 0, 0),
) -> Any:
    r"""Fit ARIMA(:math:`p, d, q`) on a small grid and rank the fits by AIC.

    .. math:: \mathrm{AIC} = 2k - 2 \ln \hat L

    where :math:`k` is the number of estimated parameters and :math:`\hat L` the maximised
    likelihood: lower is better; the :math:`2k` term charges each extra coefficient.
    A constant is included when :math:`d = 0`. Returns a ``pandas.DataFrame`` with columns
    ``p, d, q, aic, converged`` sorted by AIC (best first). AIC compares models fitted to
    the same data only, so ``d`` is fixed for one call.
    """
    import pandas as pd

    n = as_series_array(y, "y").size
    d = check_int(d, "d", minimum=0, maximum=max(n - 2, 0))
    orders = []
    for values, name in ((p_values, "p_values"), (q_values, "q_values")):
        items = [] if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__") else list(values)
        if not items:
            raise ValueError(
                f"{name} must be a non-empty sequence of orders, e.g. (0, 1, 2); got {values!r:.60}. "
                f"Give at least one order to fit."
            )
        orders.append([check_int(v, f"{name}[{i}]", minimum=0) for i, v in enumerate(items)])
    rows = []
    for p_ in orders[0]:
        for q_ in orders[1]:
            trend = "c" if d == 0 and seasonal_order[1] == 0 else None
            res = fit_arima(y, (p_, d, q_), seasonal_order=seasonal_order, trend=trend)
            rows.append({"p": p_, "d": d, "q": q_, "aic": float(res.aic),
                         "converged": bool(res.mle_retvals.get("converged", True))})
    return pd.DataFrame(rows).sort_values("aic", kind="stable").reset_index(drop=True)


def select_ar_order(x: Any, max_p: int) -> Any:
    r"""AIC and BIC of AR(:math:`p`), :math:`p = 0, \dots,` ``max_p``, fitted by least squares on one common sample.

    Every order is fitted (:func:`fit_ar`) to the same :math:`N = n - p_{\max}` targets
    :math:`x_{p_{\max}+1}, \dots, x_n` (the first ``max_p`` values serve only as lags), so that
    the criteria compare fits to the same data. With :math:`\hat\sigma_p^2` the mean squared
    residual of AR(:math:`p`) and :math:`k = p + 1` coefficients,

    .. math::
        \mathrm{AIC}_p = N \ln \hat\sigma_p^2 + 2k, \qquad
        \mathrm{BIC}_p = N \ln \hat\sigma_p^2 + k \ln N

    (the Gaussian :math:`-2\ln\hat L` up to a constant that is the same for every :math:`p`).
    BIC charges each coefficient :math:`\ln N` instead of 2, so it never picks a larger order
    than AIC once :math:`N \ge 8`. The orders chosen agree with
    ``statsmodels.tsa.ar_model.ar_select_order(x, maxlag=max_p, ic=..., trend="c")``.

    Returns a ``pandas.DataFrame`` indexed by ``p`` with columns ``aic`` and ``bic``
    (``table["aic"].idxmin()`` is the order AIC chooses).
    """
    import pandas as pd

    x = as_series_array(x, "x")
    max_p = check_int(max_p, "max_p", minimum=0)
    n_fit = x.size - max_p
    if n_fit < 2 * max_p + 2:
        raise ValueError(f"x has {x.size} values, too few to compare AR orders up to {max_p}; use a smaller max_p.")
    y = x[max_p:]
    rows = []
    for p in range(max_p + 1):
        design = np.column_stack([np.ones(n_fit)] + [x[max_p - i : x.size - i] for i in range(1, p + 1)])
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        sigma2 = float(np.mean((y - design @ coef) ** 2))
        k = p + 1
        rows.append({"p": p, "aic": n_fit * np.log(sigma2) + 2 * k, "bic": n_fit * np.log(sigma2) + k * np.log(n_fit)})
    return pd.DataFrame(rows).set_index("p")


class ARIMAForecaster(Forecaster):
    """ARIMA (optionally seasonal) through statsmodels; parameters fitted on ``train`` only.

    :meth:`predict_one_step` re-runs the Kalman filter over the whole series with the
    fitted parameters (``results.apply``) and reads the one-step-ahead predictions, so
    each prediction uses the observations before it and nothing after.

    Attributes: ``results_`` (statsmodels ``ARIMAResults``) after :meth:`fit`.
    """

    def __init__(
        self,
        order: tuple[int, int, int],
        seasonal_order: tuple[int, int, int, int] = (0, 0, 0, 0),
        trend: str | None = None,
    ) -> None:
        self.order = _check_order(order, "order", ("p", "d", "q"))
        self.seasonal_order = _check_order(seasonal_order, "seasonal_order", ("P", "D", "Q", "s"))
        self.trend = check_choice(trend, "trend", TRENDS)

    def fit(self, train: Any) -> "ARIMAForecaster":
        """See :class:`Forecaster`."""
        as_series_array(train, "train")  # named as this method names it (fit_arima calls it y)
        self.results_ = fit_arima(train, self.order, seasonal_order=self.seasonal_order, trend=self.trend)
        return self

    def predict_one_step(self, series: Any, start: int) -> np.ndarray:
        """See :class:`Forecaster`."""
        x = as_series_array(series, "series", min_length=1)
        start = self._check_start(x, start)
        data = series if hasattr(series, "index") else x
        full = self.results_.apply(data)
        return np.asarray(full.get_prediction(start=start).predicted_mean, dtype=float)
