"""dlcourse.timeseries evaluation tools: Diebold-Mariano, block bootstrap, AR order choice,
transformed forecasters and the seed-batched networks, each against an independent oracle."""
import numpy as np
import pytest
from single_thread import one_thread  # noqa: F401 - autouse: every test here on one thread

from dlcourse import timeseries as ts

pytest.importorskip("statsmodels")
stats = pytest.importorskip("scipy.stats")


# ----- Diebold-Mariano ---------------------------------------------------------------------------

def test_dm_test_by_hand():
    # e1 = (1, 2, 3, 4), e2 = (1, 1, 1, 1), squared loss: d = (0, 3, 8, 15), mean 6.5,
    # gamma_0 = (6.5^2 + 3.5^2 + 1.5^2 + 8.5^2) / 4 = 129 / 4, DM = 6.5 / sqrt(129 / 16),
    # HLN factor for h = 1: sqrt((n - 1) / n) = sqrt(3 / 4); compared with t with 3 degrees of freedom
    res = ts.dm_test([1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0])
    stat = 6.5 / np.sqrt(129 / 16) * np.sqrt(3 / 4)
    assert res.statistic == pytest.approx(stat, rel=1e-12)
    assert res.statistic == pytest.approx(1.98248, abs=1e-5)
    assert res.pvalue == pytest.approx(2 * stats.t.sf(stat, 3), rel=1e-12)
    assert res.mean_diff == 6.5 and res.n == 4
    # h = 2 adds the lag-1 autocovariance: gamma_1 = (-3.5 * -6.5 + 1.5 * -3.5 + 8.5 * 1.5) / 4 = 30.25 / 4
    res2 = ts.dm_test([1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0], h=2)
    stat2 = 6.5 / np.sqrt((129 / 4 + 2 * 30.25 / 4) / 4) * np.sqrt((4 + 1 - 4 + 2 / 4) / 4)
    assert res2.statistic == pytest.approx(stat2, rel=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_dm_test_with_h1_is_the_paired_t_test(seed):
    rng = np.random.default_rng(seed)
    e1, e2 = rng.normal(size=40), 1.1 * rng.normal(size=40)
    ours = ts.dm_test(e1, e2)
    ref = stats.ttest_1samp(e1**2 - e2**2, 0.0)
    assert ours.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert ours.pvalue == pytest.approx(ref.pvalue, rel=1e-10)
    less = ts.dm_test(e1, e2, alternative="less").pvalue
    assert less == pytest.approx(stats.ttest_1samp(e1**2 - e2**2, 0.0, alternative="less").pvalue, rel=1e-10)


@pytest.mark.parametrize("h", [2, 3, 5])
def test_dm_test_matches_a_statsmodels_hac_regression(h):
    import statsmodels.api as sm

    rng = np.random.default_rng(h)
    e1 = np.convolve(rng.normal(size=80), np.ones(h) / h, mode="same") + 0.3
    e2 = rng.normal(size=80)
    d = e1**2 - e2**2
    # DM before the correction = t statistic of a constant with a HAC variance, uniform kernel, lags h - 1
    fit = sm.OLS(d, np.ones((d.size, 1))).fit(
        cov_type="HAC", cov_kwds={"maxlags": h - 1, "kernel": "uniform", "use_correction": False})
    n = d.size
    expected = fit.tvalues[0] * np.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    assert ts.dm_test(e1, e2, h=h).statistic == pytest.approx(expected, rel=1e-9)


def test_dm_test_size_and_power():
    # under the null, the p-value is roughly uniform: about 5 % of tests reject at 5 %
    rng = np.random.default_rng(0)
    rejections = np.mean([ts.dm_test(rng.normal(size=30), rng.normal(size=30)).pvalue < 0.05 for _ in range(400)])
    assert 0.02 < rejections < 0.09
    # a clearly better forecast is detected
    e_good, e_bad = rng.normal(size=60), 3.0 * rng.normal(size=60)
    assert ts.dm_test(e_good, e_bad).pvalue < 1e-3 and ts.dm_test(e_good, e_bad).statistic < 0


def test_dm_test_bad_input():
    with pytest.raises(ValueError, match="same length"):
        ts.dm_test([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="identical losses"):
        ts.dm_test([1.0, 2.0, 3.0], [1.0, -2.0, 3.0])
    with pytest.raises(ValueError, match="alternative"):
        ts.dm_test([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], alternative="bigger")


# ----- block bootstrap and rolling windows --------------------------------------------------------

def test_block_bootstrap_ratio():
    rng = np.random.default_rng(1)
    e2 = rng.normal(size=120)
    ratio, lo, hi = ts.block_bootstrap_ratio(e2, e2, n_boot=200)
    assert ratio == lo == hi == 1.0  # identical errors: every replicate has ratio 1
    e1 = 0.5 * e2
    assert ts.block_bootstrap_ratio(e1, e2, n_boot=200) == pytest.approx((0.5, 0.5, 0.5))
    e1 = rng.normal(size=120)
    ratio, lo, hi = ts.block_bootstrap_ratio(e1, e2, block=4, n_boot=500, seed=3)
    assert ratio == pytest.approx(np.sqrt(np.mean(e1**2) / np.mean(e2**2)))
    assert lo < ratio < hi and 0.7 < lo and hi < 1.8
    assert ts.block_bootstrap_ratio(e1, e2, block=4, n_boot=500, seed=3) == (ratio, lo, hi)  # seeded
    # groups: blocks never mix two windows; a window whose errors are all equal stays equal
    groups = np.repeat([0, 1], 60)
    a = np.r_[np.ones(60), rng.normal(size=60)]
    b = np.r_[np.ones(60), rng.normal(size=60)]
    r, lo, hi = ts.block_bootstrap_ratio(a, b, groups=groups, block=5, n_boot=300)
    assert lo < r < hi
    with pytest.raises(ValueError, match="groups"):
        ts.block_bootstrap_ratio(a, b, groups=[0, 1])


def test_rolling_windows():
    assert ts.rolling_windows(309, 3, 40) == [189, 229, 269]
    assert ts.rolling_windows(10, 1, 3) == [7]
    with pytest.raises(ValueError, match=r"n_windows \* size must be less than n .*n_windows=5, size=20 and n=100"):
        ts.rolling_windows(100, 5, 20)


def test_timeseries_bad_arguments_are_named():
    y = np.sin(np.arange(60) / 3) + 10
    cases = [
        (lambda: ts.fit_arima(y, (1, 0, 0), trend="zzz"), ValueError, "trend must be one of"),
        (lambda: ts.ARIMAForecaster((1, 0, 0), trend=3), ValueError, "trend must be one of"),
        (lambda: ts.ARIMAForecaster((1, 0, 0)).fit(None), TypeError, "train must be"),
        (lambda: ts.select_arima_order(y, p_values=["x", 1]), TypeError, r"p_values\[0\] must be an integer"),
        (lambda: ts.select_arima_order(y, d=10**12), ValueError, "d must be <="),
        (lambda: ts.fit_arima(y, (1, 59, 0)), ValueError, "order d = 59"),
        (lambda: ts.acf(y, 3, adjusted="no"), TypeError, "adjusted must be bool"),
        (lambda: ts.block_bootstrap_ratio(y - 10, y - 9, seed="0"), TypeError, "seed must be an integer"),
        (lambda: ts.block_bootstrap_ratio(y - 10, y - 9, n_boot=10**12), ValueError, "n_boot must be <="),
        (lambda: ts.dm_test(y - 10, y - 9, power=10**12), ValueError, "power must be <= 8"),
        (lambda: ts.simulate_arma((0.5,), n=10**12), ValueError, r"n \+ burn_in must be at most"),
        (lambda: ts.SeedBatchForecaster(seeds=None), TypeError, "seeds must be an iterable"),
        (lambda: ts.SeedBatchForecaster(seeds=[0, "x"]), TypeError, r"seeds\[1\] must be an integer"),
        (lambda: ts.NeuralForecaster(hidden_size=10**12), ValueError, "reduce hidden_size"),
        (lambda: ts.TransformedForecaster(ts.NaiveForecaster(), None), TypeError, "transform must be 'sqrt' or a pair"),
    ]
    for call, error, match in cases:
        with pytest.raises(error, match=match):
            call()


# ----- AR order by AIC/BIC, transformed forecasters ------------------------------------------------

@pytest.mark.parametrize("ic", ["aic", "bic"])
@pytest.mark.parametrize("seed", range(3))
def test_select_ar_order_agrees_with_statsmodels(ic, seed):
    from statsmodels.tsa.ar_model import ar_select_order

    x = ts.simulate_arma([0.6, -0.3, 0.2], [0.3], n=300, seed=seed)
    ours = int(ts.select_ar_order(x, max_p=10)[ic].idxmin())
    theirs = ar_select_order(x, maxlag=10, ic=ic, trend="c").ar_lags
    assert ours == (max(theirs) if theirs else 0)


def test_select_ar_order_on_sunspots():
    table = ts.select_ar_order(ts.load_sunspots().iloc[:269], max_p=15)
    assert table["aic"].idxmin() == 9 and table["bic"].idxmin() == 9
    assert list(table.index) == list(range(16))


def test_sqrt_transformed_ar_is_ar_on_the_square_root():
    y = ts.load_sunspots().to_numpy()
    train, test = y[:250], y[250:]
    ours = ts.rolling_forecast(ts.TransformedForecaster(ts.ARForecaster(3), "sqrt"), train, test)
    coef = ts.fit_ar(np.sqrt(train), 3)
    z = np.sqrt(y)
    manual = [max(coef[0] + coef[1:] @ z[t - 1 : t - 4 : -1], 0.0) ** 2 for t in range(250, len(y))]
    np.testing.assert_allclose(ours, manual, rtol=1e-10)
    with pytest.raises(ValueError, match="negative"):
        ts.TransformedForecaster(ts.ARForecaster(1)).fit([1.0, -2.0, 3.0, 4.0])


# ----- seed-batched networks ----------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["mlp", "rnn", "lstm", "gru"])
@pytest.mark.parametrize("d", [0, 1])
def test_seed_batch_equals_separate_networks(kind, d):
    y = ts.load_sunspots().to_numpy()[:150]
    train, test = y[:130], y[130:]
    batch = ts.rolling_forecast(ts.SeedBatchForecaster(kind, window=6, hidden_size=5, max_epochs=15, d=d,
                                                       seeds=[0, 4]), train, test)
    assert batch.shape == (2, 20)
    for row, seed in zip(batch, [0, 4]):
        alone = ts.rolling_forecast(ts.NeuralForecaster(kind, window=6, hidden_size=5, epochs=15, d=d, seed=seed),
                                    train, test)
        np.testing.assert_allclose(row, alone, rtol=1e-4, atol=1e-3)


def test_seed_batch_epochs_chosen_on_validation_only():
    y = ts.load_sunspots().to_numpy()
    train, test = y[:200], y[200:230]
    model = ts.SeedBatchForecaster("gru", window=8, hidden_size=6, max_epochs=40, seeds=range(3), val_size=25,
                                   eval_every=10)
    before = ts.rolling_forecast(model, train, test)
    np.testing.assert_array_equal(model.val_epochs_, [10, 20, 30, 40])
    assert model.val_rmse_.shape == (3, 4)
    np.testing.assert_array_equal(model.epochs_, model.val_epochs_[model.val_rmse_.argmin(axis=1)])
    # changing the test part changes nothing that was chosen or fitted
    again = ts.SeedBatchForecaster("gru", window=8, hidden_size=6, max_epochs=40, seeds=range(3), val_size=25,
                                   eval_every=10)
    changed = y[:230].copy()
    changed[200:] += 100.0
    ts.rolling_forecast(again, changed[:200], changed[200:])
    np.testing.assert_array_equal(again.epochs_, model.epochs_)
    # each seed's forecasts equal a separate network trained for that seed's number of epochs
    for s in range(3):
        alone = ts.rolling_forecast(ts.NeuralForecaster("gru", window=8, hidden_size=6, epochs=int(model.epochs_[s]),
                                                        seed=s), train, test)
        np.testing.assert_allclose(before[s], alone, rtol=1e-4, atol=1e-3)


def test_seed_batch_never_looks_ahead_and_bad_input():
    x = ts.simulate_arma([0.7], n=120, seed=0)
    model = ts.SeedBatchForecaster("lstm", window=6, hidden_size=4, max_epochs=5, seeds=[0, 1]).fit(x[:80])
    before = model.predict_one_step(x, 80)
    changed = x.copy()
    changed[100:] += 50.0
    after = model.predict_one_step(changed, 80)
    np.testing.assert_allclose(after[:, :20], before[:, :20], rtol=0, atol=1e-9)
    assert not np.allclose(after[:, 21:], before[:, 21:])
    with pytest.raises(RuntimeError, match="fit"):
        ts.SeedBatchForecaster("mlp").predict_one_step(x, 80)
    with pytest.raises(ValueError, match="seed"):
        ts.SeedBatchForecaster("mlp", seeds=[])
    with pytest.raises(ValueError, match="val_size"):
        ts.SeedBatchForecaster("mlp", window=6, val_size=30).fit(x[:35])
