"""dlcourse.timeseries: oracles against statsmodels, laws of differencing and windows, bad input."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from single_thread import one_thread  # noqa: F401 - autouse: every test here on one thread

from dlcourse import timeseries as ts

sm_stattools = pytest.importorskip("statsmodels.tsa.stattools")
from statsmodels.tsa.ar_model import AutoReg  # noqa: E402
from statsmodels.tsa.arima_process import ArmaProcess  # noqa: E402


def _series(seed, n=300):
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.normal(size=n)) * 0.1 + rng.normal(size=n)


# ----- oracles ---------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("adjusted", [False, True])
def test_acf_equals_statsmodels(seed, adjusted):
    x = _series(seed)
    ours = ts.acf(x, nlags=30, adjusted=adjusted)
    theirs = sm_stattools.acf(x, nlags=30, adjusted=adjusted, fft=False)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("adjusted,methods", [(False, ("ldb", "ywm")), (True, ("lda", "ywadjusted"))])
def test_pacf_equals_statsmodels(seed, adjusted, methods):
    x = ts.simulate_arma([0.6, -0.3], [0.4], n=400, seed=seed)
    ours = ts.pacf(x, nlags=20, adjusted=adjusted)
    for method in methods:
        np.testing.assert_allclose(ours, sm_stattools.pacf(x, nlags=20, method=method), rtol=0, atol=1e-10)


@pytest.mark.parametrize("p", [1, 2, 5, 9])
def test_fit_ar_equals_autoreg(p):
    x = ts.load_sunspots().to_numpy()
    ours = ts.fit_ar(x, p)
    theirs = AutoReg(x, lags=p, trend="c").fit().params
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-8)


@pytest.mark.parametrize(
    "phi,theta", [([0.7], []), ([], [0.8]), ([0.5, -0.4], [0.3]), ([1.2, -0.5], [-0.4, 0.2])]
)
def test_simulated_arma_acf_matches_theory(phi, theta):
    n = 20000
    x = ts.simulate_arma(phi, theta, n=n, seed=1)
    sample = ts.acf(x, nlags=10)
    theory = ArmaProcess(ar=np.r_[1, -np.asarray(phi)], ma=np.r_[1, np.asarray(theta)]).acf(11)
    # sampling error of r_k is of order 1/sqrt(n) (0.007 here); 5 standard errors, inflated for persistence
    assert np.max(np.abs(sample - theory)) < 5 * 3 / np.sqrt(n), (sample, theory)
    # and a different process is told apart: the check can fail
    other = ArmaProcess(ar=[1, 0.5], ma=[1]).acf(11)
    assert np.max(np.abs(sample - other)) > 0.1


def test_simulate_arma_is_seeded_and_has_the_given_mean():
    a = ts.simulate_arma([0.5], [0.2], n=50, seed=3)
    b = ts.simulate_arma([0.5], [0.2], n=50, seed=3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, ts.simulate_arma([0.5], [0.2], n=50, seed=4))
    x = ts.simulate_arma([0.5], n=20000, seed=0, const=2.0)
    assert abs(x.mean() - 4.0) < 0.1  # mean c / (1 - phi) = 2 / 0.5


def test_pacf_of_ar2_cuts_off_after_lag_2():
    x = ts.simulate_arma([0.6, 0.25], n=5000, seed=0)
    p = ts.pacf(x, 10)
    assert abs(p[2] - 0.25) < 0.05 and np.all(np.abs(p[3:]) < 4 / np.sqrt(5000))


def test_arima_forecaster_matches_a_manual_statsmodels_filter():
    from statsmodels.tsa.arima.model import ARIMA

    y = ts.load_sunspots()
    train, test = y.iloc[:-40], y.iloc[-40:]
    ours = ts.rolling_forecast(ts.ARIMAForecaster((2, 0, 0), trend="c"), train, test)
    res = ARIMA(train, order=(2, 0, 0), trend="c").fit()
    theirs = res.append(test, refit=False).get_prediction(start=len(train)).predicted_mean
    np.testing.assert_allclose(ours, theirs.to_numpy(), rtol=0, atol=1e-8)


# ----- sunspots, last 40 years held out: each baseline against an independent computation -------

def test_sunspot_baselines_equal_hand_formulas_and_statsmodels():
    """Naive and AR forecasts recomputed by hand (AR coefficients from statsmodels' AutoReg),
    ARIMA against statsmodels' own filtering of the same fit; no number taken from our output."""
    from statsmodels.tsa.arima.model import ARIMA

    y = ts.load_sunspots()
    assert len(y) == 309 and str(y.index[0]) == "1700" and str(y.index[-1]) == "2008"
    train, test = y.iloc[:-40], y.iloc[-40:]
    full, n = y.to_numpy(), len(train)
    t = np.arange(n, len(full))  # the 40 test years

    def hand_rmse(pred):
        return float(np.sqrt(np.mean((full[t] - pred) ** 2)))

    assert ts.rmse(test, ts.naive(train, test)) == pytest.approx(hand_rmse(full[t - 1]), rel=1e-12)
    for p in (2, 9):
        c, *phi = AutoReg(train.to_numpy(), lags=p, trend="c").fit().params
        hand = c + sum(phi[i - 1] * full[t - i] for i in range(1, p + 1))  # yhat_t = c + sum_i phi_i y_{t-i}
        ours = ts.rolling_forecast(ts.ARForecaster(p), train, test)
        np.testing.assert_allclose(ours, hand, rtol=1e-8)
        assert ts.rmse(test, ours) == pytest.approx(hand_rmse(hand), rel=1e-8)
    ours = ts.rolling_forecast(ts.ARIMAForecaster((2, 1, 2)), train, test)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' start-value and convergence notes
        res = ARIMA(train, order=(2, 1, 2)).fit()
    theirs = res.append(test, refit=False).get_prediction(start=n).predicted_mean.to_numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)
    assert ts.rmse(test, ours) == pytest.approx(hand_rmse(theirs), rel=1e-6)


def test_no_statsmodels_warnings_with_proper_index():
    y = ts.load_co2().iloc[:200]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ts.fit_arima(y, (1, 1, 1), seasonal_order=(0, 1, 1, 12))
        ts.select_arima_order(ts.load_sunspots(), p_values=(1, 2), d=1, q_values=(1, 2))


def test_select_arima_order_ranks_by_aic_and_finds_an_ar2():
    x = ts.simulate_arma([0.6, -0.3], n=600, seed=2)
    table = ts.select_arima_order(x, p_values=(0, 1, 2, 3), d=0, q_values=(0, 1))
    assert list(table.columns) == ["p", "d", "q", "aic", "converged"]
    assert np.all(np.diff(table["aic"]) >= 0)
    assert (table.loc[0, "p"], table.loc[0, "q"]) in {(2, 0), (3, 0), (2, 1)}
    white_noise = table[(table.p == 0) & (table.q == 0)].aic.item()
    assert white_noise > table.loc[0, "aic"] + 100  # AIC sees the autocorrelation


# ----- laws -------------------------------------------------------------------------------------

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(finite, min_size=8, max_size=40), st.integers(0, 3), st.integers(1, 2))
def test_inverse_difference_undoes_difference(values, d, lag):
    x = np.asarray(values)
    if d * lag >= x.size:
        return
    z = ts.difference(x, d, lag=lag)
    assert z.size == x.size - d * lag
    np.testing.assert_allclose(ts.inverse_difference(z, x[: d * lag], d, lag=lag), x, rtol=1e-9, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.integers(5, 60), st.integers(1, 10), st.integers(1, 3))
def test_make_windows_shapes_and_alignment(n, window, horizon):
    x = np.arange(n, dtype=float)
    if window + horizon > n:
        with pytest.raises(ValueError, match="too short"):
            ts.make_windows(x, window, horizon)
        return
    X, Y = ts.make_windows(x, window, horizon)
    assert X.shape == (n - window - horizon + 1, window) and Y.shape == (X.shape[0], horizon)
    np.testing.assert_array_equal(Y[:, 0], X[:, -1] + 1)  # the target follows the window


def test_difference_of_polynomial_and_seasonal():
    np.testing.assert_array_equal(ts.difference([1.0, 4.0, 9.0, 16.0], d=2), [2.0, 2.0])
    t = np.arange(48)
    seasonal = 0.5 * t + np.tile(np.arange(12.0), 4)
    np.testing.assert_allclose(ts.difference(seasonal, 1, lag=12), np.full(36, 6.0))


@pytest.mark.parametrize(
    "model",
    [ts.NaiveForecaster(), ts.SeasonalNaiveForecaster(12), ts.ARForecaster(3), ts.ARIMAForecaster((1, 0, 0), trend="c"),
     ts.NeuralForecaster("gru", window=6, epochs=5), ts.NeuralForecaster("mlp", window=6, epochs=5, d=1)],
    ids=["naive", "snaive", "ar", "arima", "gru", "mlp-d1"],
)
def test_one_step_forecasts_never_look_ahead(model):
    x = _series(0, n=120)
    model.fit(x[:80])
    before = model.predict_one_step(x, 80)
    assert before.shape == (40,)
    changed = x.copy()
    changed[100:] += 50.0  # change the future from t = 100 on
    after = model.predict_one_step(changed, 80)
    np.testing.assert_allclose(after[:20], before[:20], rtol=0, atol=1e-9)  # forecasts up to t = 100 unchanged
    assert not np.allclose(after[21:], before[21:])  # later forecasts do use the new data


def test_naive_baselines_and_refit():
    train, test = np.arange(24.0), np.arange(24.0, 30.0)
    np.testing.assert_array_equal(ts.naive(train, test), np.arange(23.0, 29.0))
    np.testing.assert_array_equal(ts.seasonal_naive(train, test, 12), np.arange(12.0, 18.0))
    x = ts.simulate_arma([0.8], n=200, seed=0)
    fixed = ts.rolling_forecast(ts.ARForecaster(1), x[:150], x[150:])
    refit = ts.rolling_forecast(ts.ARForecaster(1), x[:150], x[150:], refit=10)
    np.testing.assert_allclose(fixed[:10], refit[:10])
    assert not np.allclose(fixed[10:], refit[10:])
    manual = [ts.fit_ar(x[: 150 + s], 1) @ [1.0, x[149 + s]] for s in range(50)]
    every = ts.rolling_forecast(ts.ARForecaster(1), x[:150], x[150:], refit=1)
    np.testing.assert_allclose(every, manual, rtol=1e-10)


def test_metrics_and_mape_skips_zeros_only_when_asked():
    from dlcourse import metrics

    y, y_hat = np.array([0.0, 2.0, 4.0]), np.array([1.0, 1.0, 5.0])
    assert ts.rmse(y, y_hat) == pytest.approx(1.0)
    assert ts.mae(y, y_hat) == pytest.approx(1.0)
    assert ts.mape is metrics.mape  # one definition, in percent
    with pytest.raises(ValueError, match="1 of 3 target"):
        ts.mape(y, y_hat)
    assert ts.mape(y, y_hat, zero_targets="skip") == pytest.approx(100 * (0.5 + 0.25) / 2)
    assert ts.forecast_metrics(y, y_hat, zero_targets="skip")["MAPE"] == ts.mape(y, y_hat, zero_targets="skip")
    with pytest.raises(ValueError, match="zero_targets"):
        ts.forecast_metrics(y, y_hat)
    assert ts.rmse([1e300, 0.0], [-1e300, 0.0]) == pytest.approx(np.sqrt(2) * 1e300)  # no overflow
    from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, root_mean_squared_error

    a, b = np.array([3.0, -1.0, 2.5, 7.0]), np.array([2.5, 0.0, 2.0, 8.0])
    assert ts.rmse(a, b) == pytest.approx(root_mean_squared_error(a, b), rel=1e-12)
    assert ts.mae(a, b) == pytest.approx(mean_absolute_error(a, b), rel=1e-12)
    assert ts.mape(a, b) == pytest.approx(100 * mean_absolute_percentage_error(a, b), rel=1e-12)


def test_neural_forecaster_learns_a_sine_and_scales_on_train_only():
    t = np.arange(200)
    y = 10 + 3 * np.sin(2 * np.pi * t / 12)
    model = ts.NeuralForecaster("lstm", window=12, hidden_size=8, epochs=150, lr=0.02, seed=0)
    pred = ts.rolling_forecast(model, y[:160], y[160:])
    assert model.mean_ == pytest.approx(y[:160].mean()) and model.std_ == pytest.approx(y[:160].std())
    assert ts.rmse(y[160:], pred) < 0.3 * ts.rmse(y[160:], ts.naive(y[:160], y[160:]))
    again = ts.rolling_forecast(ts.NeuralForecaster("lstm", window=12, hidden_size=8, epochs=150, lr=0.02, seed=0),
                                y[:160], y[160:])
    np.testing.assert_array_equal(pred, again)


# ----- bad input --------------------------------------------------------------------------------

_Y = np.sin(np.arange(200) / 3.0) + np.arange(200) / 100.0  # a varying series for the cases below

BAD_INPUT = [
    (lambda: ts.acf([1.0, np.nan, 2.0, 3.0], 1), ValueError, "finite.*interpolate"),
    (lambda: ts.fit_ar(np.r_[np.arange(10.0), np.inf], 2), ValueError, "finite"),
    (lambda: ts.pacf(np.zeros((3, 4)), 1), ValueError, "1-dimensional"),
    (lambda: ts.acf(np.ones(10), 2), ValueError, "constant"),
    (lambda: ts.acf(np.arange(5.0), 5), ValueError, "nlags must be <="),
    (lambda: ts.acf("abc", 1), TypeError, "x must be an array-like of real numbers; got str"),
    (lambda: ts.acf([1 + 1j, 2.0, 3.0], 1), TypeError, "x must hold real numbers"),
    (lambda: ts.rmse([1.0, None], [1.0, 2.0]), TypeError, "y must hold real numbers"),
    (lambda: ts.difference([1.0, 2.0, 3.0], d=3), ValueError, r"d \* lag must be smaller"),
    (lambda: ts.inverse_difference([1.0, 2.0], [0.0], d=2), ValueError, "initial must hold"),
    (lambda: ts.make_windows(np.arange(5.0), window=5), ValueError, "too short"),
    (lambda: ts.fit_ar(np.arange(6.0), 3), ValueError, "too few to fit AR"),
    (lambda: ts.simulate_arma([1.0], n=10), ValueError, "non-stationary"),
    (lambda: ts.simulate_arma([np.nan], n=10), ValueError, "finite"),
    (lambda: ts.is_stationary_ar([np.nan]), ValueError, "phi must contain only finite"),
    (lambda: ts.is_stationary_ar([1 + 2j]), TypeError, "phi must hold real numbers"),
    (lambda: ts.NeuralForecaster("lstm", window=2.5), TypeError, "window must be an integer"),
    (lambda: ts.NeuralForecaster("transformer"), ValueError, "kind must be one of"),
    (lambda: ts.SeedBatchForecaster("mlp", seeds=[]), ValueError, "seeds must hold at least one"),
    (lambda: ts.rmse([1.0, 2.0], [1.0]), ValueError, "same length"),
    (lambda: ts.mape([0.0, 0.0], [1.0, 2.0]), ValueError, "2 of 2 target"),
    (lambda: ts.mape([0.0, 0.0], [1.0, 2.0], zero_targets="skip"), ValueError, "every one of the 2"),
    (lambda: ts.SeasonalNaiveForecaster(12).predict_one_step(np.arange(30.0), 5), ValueError, "start must be >= 12"),
    (lambda: ts.seasonal_naive(_Y[:100], _Y[100:], 500), ValueError, r"season must be at most len\(train\) = 100"),
    (lambda: ts.rolling_forecast(ts.ARForecaster(50), _Y[:10], _Y[10:]), ValueError, "train must hold at least 50"),
    (lambda: ts.fit_arima(np.arange(30.0), (1, 1, 0), trend="c"), ValueError, "trend must be None"),
    (lambda: ts.fit_arima(_Y, {}), TypeError, r"order must be a tuple of 3 integers \(p, d, q\)"),
    (lambda: ts.fit_arima(_Y, (1, 0, -1)), ValueError, "order q must be >= 0"),
    (lambda: ts.fit_arima(_Y, (1, 0, 0), seasonal_order=(0, 1, 1)), TypeError, "seasonal_order must be a tuple of 4"),
    (lambda: ts.select_arima_order(_Y, p_values=[]), ValueError, "p_values must be a non-empty"),
    (lambda: ts.select_arima_order(_Y, q_values="12"), ValueError, "q_values must be a non-empty"),
    (lambda: ts.rolling_forecast(object(), [1.0, 2.0], [3.0]), TypeError, "predict_one_step"),
    (lambda: ts.NeuralForecaster("mlp").predict_one_step(np.arange(30.0), 20), RuntimeError, "call fit"),
    (lambda: ts.NeuralForecaster("mlp", window=12).fit(np.arange(10.0)), ValueError, "too short"),
    (lambda: ts.NeuralForecaster("mlp", window=3, epochs=1).fit(np.ones(30)), ValueError,
     "train must vary after differencing d=0"),
    (lambda: ts.SeedBatchForecaster("mlp", window=3, max_epochs=1, seeds=[0]).fit(np.ones(30)), ValueError,
     "train must vary after differencing d=0"),
    (lambda: ts.block_bootstrap_ratio([1.0, 2, 3], [1.0, 2]), ValueError, "paired errors of the same length; got 3 and 2"),
    (lambda: ts.select_ar_order(np.arange(5.0), 4), ValueError, "too few to compare AR orders up to 4"),
    (lambda: ts.TransformedForecaster(object()), TypeError, "base must be a Forecaster; got object"),
    (lambda: ts.acf([1.0], 0), ValueError, "x must have at least 2 observations; got 1"),
    (lambda: ts.NaiveForecaster().fit(None), TypeError, "train must be an array-like of real numbers; got None"),
    (lambda: ts.ARForecaster(1).fit("abc"), TypeError, "train must be an array-like"),
    (lambda: ts.ARIMAForecaster((1, 0)), TypeError, r"order must be a tuple of 3 integers \(p, d, q\)"),
    (lambda: ts.ARIMAForecaster((1, 0, 0), seasonal_order=(0, 1, 1, -12)), ValueError, "seasonal_order s must be >= 0"),
    (lambda: ts.as_series_array(_Y, min_length=0), ValueError, "min_length must be >= 1"),
    (lambda: ts.as_series_array(_Y, name=3), TypeError, "name must be str"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT, ids=[f"case{i}" for i in range(len(BAD_INPUT))])
def test_bad_input_messages(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_scale_free_statistics_survive_extreme_magnitudes():
    """ACF and PACF do not depend on the scale: values near 1e300 or 1e-300 give the same numbers."""
    x = ts.simulate_arma([0.6, -0.2], n=120, seed=1)
    for scale in (1e300, 1e-300, 3.0):
        np.testing.assert_allclose(ts.acf(x * scale, 5), ts.acf(x, 5), rtol=1e-12)
        np.testing.assert_allclose(ts.pacf(x * scale, 5), ts.pacf(x, 5), rtol=1e-12)
    assert not ts.is_stationary_ar([1e300, 1e-241])  # a root near 1e-300: far inside the unit circle
    assert ts.is_stationary_ar([]) and ts.is_stationary_ar([0.0, 0.0])


# ----- the ARMA explorer widget -----------------------------------------------------------------

def test_arma_explore_pure_function():
    from dlcourse.widgets import arma_explore

    ar = arma_explore(0.9, 0.0, 0.0, 0, n=300)
    assert ar["order"] == (1, 0, 0) and ar["stationary"] and ar["converged"]
    assert abs(ar["params"]["ar.L1"] - 0.9) < 0.1
    assert np.all(ar["lower"] < ar["forecast"]) and np.all(ar["forecast"] < ar["upper"])
    width = ar["upper"] - ar["lower"]
    assert width[-1] > width[0]  # uncertainty grows with the horizon
    ma = arma_explore(0.0, 0.0, 0.8, 0, n=300)
    assert ma["order"] == (0, 0, 1)
    assert abs(ma["acf"][1] - 0.8 / 1.64) < 0.1 and np.all(np.abs(ma["acf"][3:]) < 0.2)  # MA(1) ACF cuts off
    integrated = arma_explore(0.5, 0.0, 0.0, 1, n=300)
    assert integrated["order"] == (1, 1, 0) and integrated["acf"][10] > 0.5  # slow ACF decay: not stationary
    bad = arma_explore(0.7, 0.5, 0.0, 0)
    assert not bad["stationary"] and "forecast" not in bad
    with pytest.raises(ValueError, match="d must be <= 2"):
        arma_explore(0.5, 0.0, 0.0, 3)


def test_arma_explorer_widget_recomputes_on_slider_change():
    from dlcourse.widgets import arma_explorer, arma_figure

    w = arma_explorer(phi1=0.6)
    assert w.result["order"] == (1, 0, 0) and len(w.image.value) > 1000
    w.controls["theta1"].value = 0.5
    assert w.result["order"] == (1, 0, 1) and "ma.L1" in w.result["params"]
    w.controls["d"].value = 2
    assert w.result["order"] == (1, 2, 1) and "fitted ARIMA(1, 2, 1)" in w.html.value
    w.controls["phi2"].value = 0.6  # phi1 + phi2 > 1: outside the stationarity triangle
    assert not w.result["stationary"] and "not stationary" in w.html.value
    import matplotlib.pyplot as plt

    fig = arma_figure()
    assert len(fig.axes) == 9
    plt.close(fig)
