r"""Forecasting under one protocol: windows, baselines, AR and ARIMA, rolling one-step forecasts, metrics.

Every forecaster follows the same two-method protocol, so that one function,
:func:`rolling_forecast`, evaluates them all under the same split:

``fit(train) -> self``
    Estimate parameters from the training part only (learned state ends in ``_``).
``predict_one_step(series, start) -> ndarray``
    For every :math:`t \ge` ``start``, predict ``series[t]`` from ``series[:t]`` only,
    with the parameters fixed at their fitted values (the state is *updated* with
    each new observation; the parameters are not re-estimated).
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from .. import metrics as _metrics
from .._validation import check_choice, check_int
from ..metrics import mape  # the book's one MAPE (percent; zero targets raise unless zero_targets="skip")
from .stats import as_series_array, fit_ar

__all__ = [
    "make_windows",
    "rmse",
    "mae",
    "mape",
    "forecast_metrics",
    "Forecaster",
    "NaiveForecaster",
    "SeasonalNaiveForecaster",
    "ARForecaster",
    "ARIMAForecaster",
    "fit_arima",
    "select_arima_order",
    "select_ar_order",
    "TransformedForecaster",
    "rolling_forecast",
    "naive",
    "seasonal_naive",
]


def make_windows(series: Any, window: int, horizon: int = 1) -> tuple[np.ndarray, np.ndarray]:
    r"""Cut a series into supervised pairs (input window, next ``horizon`` values).

    Pair :math:`i` is :math:`X_i = (x_i, \dots, x_{i+w-1})` and
    :math:`Y_i = (x_{i+w}, \dots, x_{i+w+h-1})`, where :math:`w` is ``window`` and
    :math:`h` ``horizon``. Shapes: ``series`` (n,) -> ``X`` (N, w), ``Y`` (N, h) with
    :math:`N = n - w - h + 1`.

    >>> X, Y = make_windows([1, 2, 3, 4, 5], window=3)
    >>> X.tolist(), Y.tolist()
    ([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [[4.0], [5.0]])
    """
    x = as_series_array(series, "series", min_length=1)
    window = check_int(window, "window", minimum=1)
    horizon = check_int(horizon, "horizon", minimum=1)
    count = x.size - window - horizon + 1
    if count < 1:
        raise ValueError(
            f"series is too short for window = {window} and horizon = {horizon}: it has {x.size} values "
            f"but needs at least window + horizon = {window + horizon}. Use a shorter window."
        )
    idx = np.arange(count)[:, None]
    X = x[idx + np.arange(window)]  # (N, w)
    Y = x[idx + window + np.arange(horizon)]  # (N, h)
    return X, Y


def _pair(y: Any, y_hat: Any) -> tuple[np.ndarray, np.ndarray]:
    a = as_series_array(y, "y", min_length=1)
    b = as_series_array(y_hat, "y_hat", min_length=1)
    if a.shape != b.shape:
        raise ValueError(f"y and y_hat must have the same length; got {a.size} and {b.size}.")
    return a, b


def rmse(y: Any, y_hat: Any) -> float:
    r"""Root mean squared error :math:`\sqrt{\tfrac1n \sum_t (y_t - \hat y_t)^2}`, in the unit of ``y``.

    :func:`dlcourse.metrics.rmse` on the checked series: computed on rescaled values, so it
    stays finite for values near 1e300.
    """
    a, b = _pair(y, y_hat)
    return _metrics.rmse(a, b)


def mae(y: Any, y_hat: Any) -> float:
    r"""Mean absolute error :math:`\tfrac1n \sum_t |y_t - \hat y_t|`, in the unit of ``y``."""
    a, b = _pair(y, y_hat)
    return _metrics.mae(a, b)


def forecast_metrics(y: Any, y_hat: Any, *, zero_targets: str = "raise") -> dict[str, float]:
    """``{"RMSE": ..., "MAE": ..., "MAPE": ...}`` of one forecast (MAPE in percent).

    ``zero_targets`` is passed to :func:`~dlcourse.metrics.mape`: ``"raise"`` (default) if an
    actual value is 0, ``"skip"`` to average the MAPE over the non-zero actual values only.
    """
    return {"RMSE": rmse(y, y_hat), "MAE": mae(y, y_hat), "MAPE": mape(y, y_hat, zero_targets=zero_targets)}


class Forecaster:
    """Base class of the forecasting protocol (see the module docstring)."""

    #: the smallest ``start`` that :meth:`predict_one_step` accepts
    min_history: int = 1

    def fit(self, train: Any) -> "Forecaster":
        """Estimate the parameters from ``train``; return ``self`` (the base class only checks ``train``)."""
        as_series_array(train, "train", min_length=1)
        return self

    def predict_one_step(self, series: Any, start: int) -> np.ndarray:  # pragma: no cover - abstract
        """Predict ``series[t]`` from ``series[:t]`` for ``t = start, ..., len(series) - 1``."""
        raise NotImplementedError

    def _check_start(self, x: np.ndarray, start: int) -> int:
        start = check_int(start, "start", minimum=self.min_history, maximum=x.size)
        return start


class NaiveForecaster(Forecaster):
    r"""Random-walk forecast :math:`\hat y_t = y_{t-1}`: tomorrow looks like today."""

    def predict_one_step(self, series: Any, start: int) -> np.ndarray:
        """See :class:`Forecaster`."""
        x = as_series_array(series, "series", min_length=1)
        start = self._check_start(x, start)
        return x[start - 1 : -1].copy()


class SeasonalNaiveForecaster(Forecaster):
    r"""Seasonal naive forecast :math:`\hat y_t = y_{t-s}`: this month looks like the same month last year.

    Parameters
    ----------
    season:
        The season length :math:`s` in time steps (12 for monthly data with a yearly cycle).
    """

    def __init__(self, season: int) -> None:
        self.season = check_int(season, "season", minimum=1)
        self.min_history = self.season

    def predict_one_step(self, series: Any, start: int) -> np.ndarray:
        """See :class:`Forecaster`."""
        x = as_series_array(series, "series", min_length=1)
        start = self._check_start(x, start)
        return x[start - self.season : x.size - self.season].copy()


class ARForecaster(Forecaster):
    r"""AR(:math:`p`) fitted by least squares (:func:`fit_ar`); :math:`\hat y_t = \phi_0 + \sum_i \phi_i y_{t-i}`.

    Attributes: ``coef_`` (p + 1,) after :meth:`fit`.
    """

    def __init__(self, p: int) -> None:
        self.p = check_int(p, "p", minimum=1)
        self.min_history = self.p

    def fit(self, train: Any) -> "ARForecaster":
        """See :class:`Forecaster`."""
        self.coef_ = fit_ar(as_series_array(train, "train"), self.p)
        return self

    def predict_one_step(self, series: Any, start: int) -> np.ndarray:
        """See :class:`Forecaster`."""
        x = as_series_array(series, "series", min_length=1)
        start = self._check_start(x, start)
        t = np.arange(start, x.size)
        lags = np.column_stack([x[t - i] for i in range(1, self.p + 1)])  # (m, p)
        return self.coef_[0] + lags @ self.coef_[1:]


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
    if not hasattr(y, "index"):
        y = as_series_array(y, "y")
    else:
        as_series_array(y, "y")  # validates NaNs and length, keeps the index
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

    d = check_int(d, "d", minimum=0)
    for values, name in ((p_values, "p_values"), (q_values, "q_values")):
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__") or len(list(values)) == 0:
            raise ValueError(
                f"{name} must be a non-empty sequence of orders, e.g. (0, 1, 2); got {values!r:.60}. "
                f"Give at least one order to fit."
            )
    rows = []
    for p in p_values:
        for q in q_values:
            p_, q_ = check_int(p, "p", minimum=0), check_int(q, "q", minimum=0)
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


class TransformedForecaster(Forecaster):
    r"""Fit ``base`` on a transformed series :math:`g(y)` and map its forecasts back with :math:`g^{-1}`.

    The classic use is the square root, :math:`g(y) = \sqrt{y}`, for counts such as sunspot
    numbers, whose swings grow with their level: on :math:`\sqrt{y}` the noise is roughly the
    same size in quiet and active years (a *variance-stabilising* transform), which is what a
    least-squares AR assumes. Forecasts are mapped back by :math:`\hat y_t = g^{-1}(\hat z_t)`
    (for the square root, :math:`\max(\hat z_t, 0)^2`; this is the median-type back-transform,
    without a bias correction).

    Parameters
    ----------
    base:
        Any :class:`Forecaster`; it only ever sees the transformed series.
    transform:
        ``"sqrt"`` (the only one built in) or a pair of callables ``(g, g_inverse)``.
    """

    def __init__(self, base: Forecaster, transform: Any = "sqrt") -> None:
        if not (hasattr(base, "fit") and hasattr(base, "predict_one_step")):
            raise TypeError(f"base must be a Forecaster; got {type(base).__name__}.")
        if isinstance(transform, str):
            check_choice(transform, "transform", ("sqrt",))
            self._g, self._g_inv = _sqrt_forward, _sqrt_inverse
        else:
            self._g, self._g_inv = transform
        self.base = base
        self.transform = transform
        self.min_history = base.min_history

    def fit(self, train: Any) -> "TransformedForecaster":
        """See :class:`Forecaster`."""
        self.base.fit(self._g(as_series_array(train, "train")))
        return self

    def predict_one_step(self, series: Any, start: int) -> np.ndarray:
        """See :class:`Forecaster`."""
        x = as_series_array(series, "series", min_length=1)
        start = self._check_start(x, start)
        return self._g_inv(np.asarray(self.base.predict_one_step(self._g(x), start)))


def _sqrt_forward(y: np.ndarray) -> np.ndarray:
    if np.any(y < 0):
        raise ValueError("the square-root transform needs values >= 0; the series has negative values.")
    return np.sqrt(y)


def _sqrt_inverse(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0) ** 2


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
        self.trend = trend

    def fit(self, train: Any) -> "ARIMAForecaster":
        """See :class:`Forecaster`."""
        self.results_ = fit_arima(train, self.order, seasonal_order=self.seasonal_order, trend=self.trend)
        return self

    def predict_one_step(self, series: Any, start: int) -> np.ndarray:
        """See :class:`Forecaster`."""
        x = as_series_array(series, "series", min_length=1)
        start = self._check_start(x, start)
        data = series if hasattr(series, "index") else x
        full = self.results_.apply(data)
        return np.asarray(full.get_prediction(start=start).predicted_mean, dtype=float)


def _concat(train: Any, test: Any) -> Any:
    if hasattr(train, "index") and hasattr(test, "index"):
        import pandas as pd

        return pd.concat([train, test])
    return np.concatenate([as_series_array(train, "train", min_length=1), as_series_array(test, "test", min_length=1)])


def rolling_forecast(model: Forecaster, train: Any, test: Any, *, refit: int | None = None) -> np.ndarray:
    r"""Rolling one-step-ahead forecasts of ``test`` after fitting on ``train``.

    At each test time :math:`t`, the forecast :math:`\hat y_t` uses the observations
    :math:`y_1, \dots, y_{t-1}` (training part and the test values already seen) and
    nothing later. By default the parameters are estimated once on ``train`` and only the
    model's state is *updated* with each new observation. With ``refit=k`` the model is
    re-*fitted* on all data seen so far every :math:`k` steps (slower, sometimes better).

    Shapes: ``train`` (n,), ``test`` (m,) -> forecasts (m,).
    """
    if not (hasattr(model, "fit") and hasattr(model, "predict_one_step")):
        raise TypeError(f"model must have fit(train) and predict_one_step(series, start); got {type(model).__name__}.")
    n_train = as_series_array(train, "train", min_length=1).size
    m = as_series_array(test, "test", min_length=1).size
    needed = int(getattr(model, "min_history", 1))
    if n_train < needed:
        raise ValueError(
            f"train must hold at least {needed} values for {type(model).__name__} (the history its first "
            f"forecast reads); got {n_train}. Use a longer train or a model that needs less history."
        )
    full = _concat(train, test)
    if refit is None:
        model.fit(train)
        return model.predict_one_step(full, n_train)
    refit = check_int(refit, "refit", minimum=1)
    out = np.empty(m)
    for s in range(0, m, refit):
        seen = full.iloc[: n_train + s] if hasattr(full, "iloc") else full[: n_train + s]
        upto = full.iloc[: n_train + min(s + refit, m)] if hasattr(full, "iloc") else full[: n_train + min(s + refit, m)]
        model.fit(seen)
        out[s : s + refit] = model.predict_one_step(upto, n_train + s)
    return out


def naive(train: Any, test: Any) -> np.ndarray:
    r"""Rolling naive forecasts of ``test``: :math:`\hat y_t = y_{t-1}` (the first uses ``train[-1]``)."""
    return rolling_forecast(NaiveForecaster(), train, test)


def seasonal_naive(train: Any, test: Any, season: int) -> np.ndarray:
    r"""Rolling seasonal naive forecasts of ``test``: :math:`\hat y_t = y_{t-s}`.

    The first forecast looks ``season`` steps back into ``train``, so ``train`` must hold
    at least ``season`` values.
    """
    season = check_int(season, "season", minimum=1)
    n_train = as_series_array(train, "train", min_length=1).size
    if season > n_train:
        raise ValueError(
            f"season must be at most len(train) = {n_train} (the first forecast repeats the value one "
            f"season back, inside train); got season = {season}. Use a longer train or a shorter season."
        )
    return rolling_forecast(SeasonalNaiveForecaster(season), train, test)
