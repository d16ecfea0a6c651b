r"""Time series (chapter 8): classical models by hand and with statsmodels, neural forecasters in torch.

- :mod:`dlcourse.timeseries.stats`: :func:`acf`, :func:`pacf`, :func:`difference` and
  :func:`inverse_difference`, :func:`fit_ar` (least squares), :func:`simulate_arma`.
- :mod:`dlcourse.timeseries.forecast`: :func:`make_windows`, metrics (:func:`rmse`,
  :func:`mae`; :func:`mape` is :func:`dlcourse.metrics.mape`, in percent, with zero actual values
  raising unless ``zero_targets="skip"``), the forecaster protocol with naive, seasonal naive, AR and
  ARIMA forecasters, :func:`select_arima_order` by AIC and :func:`rolling_forecast`.
  :func:`select_ar_order` (AIC and BIC of AR orders), :class:`TransformedForecaster` (e.g. square root).
- :mod:`dlcourse.timeseries.neural`: :class:`NeuralForecaster` (MLP, RNN, LSTM, GRU on windows) and
  :class:`SeedBatchForecaster` (several seeds as one batched model, epochs chosen on validation).
- :mod:`dlcourse.timeseries.evaluation`: :func:`dm_test` (Diebold-Mariano with the Harvey-Leybourne-
  Newbold correction), :func:`block_bootstrap_ratio`, :func:`rolling_windows`.
- :mod:`dlcourse.timeseries.datasets`: :func:`load_sunspots`, :func:`load_co2` (offline).

statsmodels and torch are imported only when a function needs them.
"""
from .datasets import load_co2, load_sunspots
from .evaluation import DMResult, block_bootstrap_ratio, dm_test, rolling_windows
from .forecast import (
    ARForecaster,
    ARIMAForecaster,
    Forecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    TransformedForecaster,
    fit_arima,
    forecast_metrics,
    mae,
    make_windows,
    mape,
    naive,
    rmse,
    rolling_forecast,
    seasonal_naive,
    select_ar_order,
    select_arima_order,
)
from .neural import KINDS, NeuralForecaster, SeedBatchForecaster
from .stats import acf, as_series_array, difference, fit_ar, inverse_difference, is_stationary_ar, pacf, simulate_arma

__all__ = [
    "acf",
    "pacf",
    "difference",
    "inverse_difference",
    "fit_ar",
    "simulate_arma",
    "is_stationary_ar",
    "as_series_array",
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
    "SeedBatchForecaster",
    "DMResult",
    "dm_test",
    "block_bootstrap_ratio",
    "rolling_windows",
    "rolling_forecast",
    "naive",
    "seasonal_naive",
    "KINDS",
    "NeuralForecaster",
    "load_sunspots",
    "load_co2",
]
