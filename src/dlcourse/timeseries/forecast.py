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

from typing import Any

import numpy as np

from .. import metrics as _metrics
from .._validation import check_choice, check_int
from ..metrics import mape  # the book's one MAPE (percent; zero targets raise unless zero_targets="skip")
from .arima import ARIMAForecaster, fit_arima, select_ar_order, select_arima_order
from .protocol import Forecaster
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
        elif isinstance(transform, (tuple, list)) and len(transform) == 2 and all(map(callable, transform)):
            self._g, self._g_inv = transform
        else:
            raise TypeError(
                f"transform must be 'sqrt' or a pair of callables (g, g_inverse); got {type(transform).__name__} "
                f"({transform!r:.40}). E.g. transform=(np.log1p, np.expm1)."
            )
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
