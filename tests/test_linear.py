"""dlcourse.linear against scikit-learn, the syllabus's tiny worked examples (with the
collinearity erratum), bad input, and the line-fitting widget driven from code."""
import numpy as np
import pytest
from sklearn import linear_model as sk
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.preprocessing import StandardScaler

from dlcourse.linear import LinearRegression, LogisticRegression, sigmoid
from dlcourse.metrics import mse

BC_FEATURES = [0, 1, 4, 6, 8]  # mean radius, texture, smoothness, concavity, symmetry: not separable


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return X, y


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X[:, BC_FEATURES]), y


# ----------------------------------------------------------------- worked examples
def test_first_tiny_example_is_y_equals_x1_plus_x2():
    X = np.array([[0, 2], [1, 3], [2, 4], [3, 5]], dtype=float)
    y = np.array([2, 4, 6, 8], dtype=float)
    through_origin = LinearRegression(fit_intercept=False).fit(X, y)  # full rank: unique
    np.testing.assert_allclose(through_origin.coef_, [1.0, 1.0], atol=1e-12)
    with_intercept = LinearRegression().fit(X, y)  # X2 = X1 + 2: collinear with the intercept
    np.testing.assert_allclose(with_intercept.predict(X), y, atol=1e-12)
    assert with_intercept.rank_ == 1
    np.testing.assert_allclose(with_intercept.coef_, sk.LinearRegression().fit(X, y).coef_, atol=1e-12)


def test_second_tiny_example_collinearity_erratum():
    X = np.array([[0, 0], [1, 1], [2, 2], [3, 3]], dtype=float)
    y = np.array([6, 9.5, 13, 16.5])
    # the syllabus's "Y = 0.5 X1 + 3 X2" does not fit: it predicts 0 at (0, 0)
    assert mse(y, X @ np.array([0.5, 3.0])) > 1.0
    model = LinearRegression().fit(X, y)
    assert model.intercept_ == pytest.approx(6.0, abs=1e-12)
    assert model.coef_.sum() == pytest.approx(3.5, abs=1e-12)  # Y = 6 + 3.5 X
    assert model.rank_ == 1  # X1 == X2: the split of 3.5 is not identifiable
    np.testing.assert_allclose(model.coef_, [1.75, 1.75], atol=1e-12)  # lstsq picks the smallest norm
    np.testing.assert_allclose(model.coef_, sk.LinearRegression().fit(X, y).coef_, atol=1e-12)
    for w1 in (-2.0, 0.5, 3.5):  # any split fits exactly
        np.testing.assert_allclose(6 + X @ np.array([w1, 3.5 - w1]), y, atol=1e-12)


def test_simple_regression_closed_form():
    rng = np.random.default_rng(1)
    x = rng.normal(size=30)
    y = 2 - 3 * x + rng.normal(scale=0.5, size=30)
    w1 = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    w0 = y.mean() - w1 * x.mean()
    model = LinearRegression().fit(x[:, None], y)
    assert model.coef_[0] == pytest.approx(w1, rel=1e-12)
    assert model.intercept_ == pytest.approx(w0, rel=1e-12)


# ----------------------------------------------------------------- oracles
def test_normal_equations_match_sklearn_on_diabetes(diabetes):
    X, y = diabetes
    ours = LinearRegression().fit(X, y)
    ref = sk.LinearRegression().fit(X, y)
    # measured: identical to the last bit (both solve by least squares); 1e-12 leaves room for other BLAS builds
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-12, atol=1e-12)
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_normal_equations_match_sklearn_on_random_data(seed):
    rng = np.random.default_rng(seed)
    n, d = rng.integers(5, 60), rng.integers(1, 6)
    X = rng.normal(scale=rng.uniform(0.1, 10), size=(n, d)) + rng.normal(size=d)
    y = X @ rng.normal(size=d) + rng.normal(size=n)
    for fit_intercept in (True, False):
        ours = LinearRegression(fit_intercept=fit_intercept).fit(X, y)
        ref = sk.LinearRegression(fit_intercept=fit_intercept).fit(X, y)
        # measured difference 0 for seeds 0-4 (coefficients up to ~10 in size)
        np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-12, atol=1e-12)
        assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-12, abs=1e-12)


def test_gradient_descent_matches_sklearn_on_standardised_diabetes(diabetes):
    X, y = diabetes
    Z = StandardScaler().fit_transform(X)
    ours = LinearRegression("gd", learning_rate=0.2).fit(Z, y)
    ref = sk.LinearRegression().fit(Z, y)
    # measured: coefficients within 4.1e-9 (relative 3.9e-10), intercept 2.8e-14, after 6,675 steps
    # with the stopping rule |gradient| < tol = 1e-10; the tolerances sit ~25x above the errors
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-8, atol=1e-7)
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-10)
    assert ours.n_iter_ < ours.max_iter
    # a small enough step never raises the cost: rises measured 1.4e-12 on costs ~3e3 (rounding, 5e-16 relative)
    curve = np.asarray(ours.loss_curve_)
    assert np.all(np.diff(curve) <= 1e-13 * curve[:-1])


def test_logistic_regression_matches_unpenalised_sklearn(cancer):
    X, y = cancer
    ours = LogisticRegression().fit(X, y)
    ref = sk.LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X, y)
    assert ours.converged_
    # measured: coefficients within 1.5e-6, intercept 3.1e-7, probabilities 3.3e-7 (our stopping
    # rule is |gradient| < 1e-8); tolerances ~7x to 30x above, predictions all equal
    np.testing.assert_allclose(ours.coef_, ref.coef_[0], atol=1e-5)
    assert ours.intercept_ == pytest.approx(ref.intercept_[0], abs=1e-5)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-5)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_logistic_regression_keeps_label_names_and_threshold():
    X = np.array([[-2.0], [-1.0], [1.0], [2.0], [0.5], [-0.5]])
    y = np.array(["no", "no", "yes", "yes", "no", "yes"])
    model = LogisticRegression().fit(X, y)
    assert model.classes_.tolist() == ["no", "yes"]
    assert model.predict(np.array([[-3.0], [3.0]])).tolist() == ["no", "yes"]
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
    model.threshold = 0.0
    assert set(model.predict(X)) == {"yes"}


def test_sigmoid_is_stable_and_symmetric():
    z = np.array([-800.0, -3.0, 0.0, 3.0, 800.0])
    s = sigmoid(z)
    assert np.all(np.isfinite(s)) and s[2] == 0.5
    np.testing.assert_allclose(s + sigmoid(-z), 1.0, atol=1e-15)


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: LinearRegression().fit(np.arange(4.0), np.arange(4.0)), ValueError, "reshape"),
        (lambda: LinearRegression().fit(np.ones((4, 2)), np.ones(3)), ValueError, "same number of samples"),
        (lambda: LinearRegression().fit(np.full((2, 1), np.nan), np.ones(2)), ValueError, "finite"),
        (lambda: LinearRegression("newton").fit(np.ones((2, 1)), np.ones(2)), ValueError, "method must be one of"),
        (lambda: LinearRegression().predict(np.ones((2, 1))), RuntimeError, "not fitted"),
        (lambda: LinearRegression().fit(np.ones((3, 2)), np.ones(3)).predict(np.ones((3, 3))), ValueError, "2 features"),
        (lambda: LinearRegression("gd", learning_rate=-1).fit(np.ones((2, 1)), np.ones(2)), ValueError, "learning_rate"),
        (lambda: LinearRegression("gd", learning_rate=10.0).fit(np.arange(20.0)[:, None], np.arange(20.0)),
         FloatingPointError, "smaller learning_rate"),
        (lambda: LogisticRegression().fit(np.ones((3, 1)), [0, 1, 2]), ValueError, "exactly two classes"),
        (lambda: LogisticRegression().fit(np.ones((3, 1)), [0, 1]), ValueError, "one label per row"),
        (lambda: LinearRegression().fit(None, np.ones(2)), TypeError, "X must be an array-like of real numbers; got None"),
        (lambda: LinearRegression().fit(np.ones((2, 1)) + 1j, np.ones(2)), TypeError, "X must hold real numbers"),
        (lambda: LinearRegression().fit(np.ones((2, 1)), [1 + 1j, 2]), TypeError, "y must hold real numbers"),
        (lambda: LinearRegression().fit(np.ones((2, 1)), ["a", "b"]), TypeError, "y must hold real numbers"),
        (lambda: LinearRegression().fit(np.ones((2, 1)), None), TypeError, "y must be an array-like"),
        (lambda: LinearRegression().fit(np.ones((0, 1)), np.ones(0)), ValueError, "at least one sample"),
        (lambda: LinearRegression().fit(np.ones((2, 1)), np.ones((2, 1))), ValueError, r"y must be 1-dimensional"),
        (lambda: LinearRegression().fit(np.ones((2, 1)), [1.0, np.nan]), ValueError, "y must contain only finite"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, match):
    with np.errstate(over="ignore", invalid="ignore"):
        with pytest.raises(error, match=match):
            call()


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: LogisticRegression(threshold="0.5").fit(np.ones((4, 1)), [0, 1, 0, 1]), TypeError, "threshold must be"),
        (lambda: LogisticRegression(threshold=1.5).fit(np.ones((4, 1)), [0, 1, 0, 1]), ValueError, "threshold must be <= 1"),
        (lambda: LogisticRegression(fit_intercept="no").fit(np.ones((4, 1)), [0, 1, 0, 1]), TypeError, "fit_intercept must be bool"),
        (lambda: LinearRegression(fit_intercept="no").fit(np.ones((2, 1)), [1.0, 2.0]), TypeError, "fit_intercept must be bool"),
        (lambda: LogisticRegression().fit(np.ones((4, 1)), [0.5, 1.5, 0.5, 1.5]), ValueError, "continuous values"),
        (lambda: LogisticRegression().fit(np.ones((4, 1)), np.array([0, 1, 0, 1]) + 1j), TypeError, "complex"),
    ],
)
def test_hyperparameters_and_labels_are_checked_by_fit(call, error, match):
    with np.errstate(over="ignore", invalid="ignore"):
        with pytest.raises(error, match=match):
            call()


# ----------------------------------------------------------------- widget
def test_line_fit_explorer_recomputes_when_sliders_move():
    from dlcourse.widgets import line_fit, line_fit_explorer, line_fit_figure

    x = np.array([0.0, 1.0, 2.0, 3.0])
    y = np.array([6.0, 9.5, 13.0, 16.5])
    w = line_fit_explorer(x, y, intercept=0.0, slope=1.0)
    assert w.result["best_intercept"] == pytest.approx(6.0) and w.result["best_slope"] == pytest.approx(3.5)
    w.controls["intercept"].value = 5.0
    w.controls["slope"].value = 4.0
    a, b = w.controls["intercept"].value, w.controls["slope"].value
    assert w.result["cost"] == pytest.approx(mse(y, a + b * x), rel=1e-12)
    np.testing.assert_allclose(w.result["residuals"], y - (a + b * x), atol=1e-12)
    assert w.result["best_cost"] == pytest.approx(0.0, abs=1e-20)
    assert "least squares" in w.html.value and w.image.value[:4] == b"\x89PNG"
    rng = np.random.default_rng(3)
    xs = rng.uniform(0, 10, 25)
    ys = 1 + 0.5 * xs + rng.normal(size=25)
    best = line_fit(xs, ys)
    ref = LinearRegression().fit(xs[:, None], ys)
    assert best["best_slope"] == pytest.approx(ref.coef_[0], rel=1e-12)
    for da, db in ((0.1, 0), (0, 0.1), (-0.2, 0.05)):  # the least-squares line has the lowest cost
        assert line_fit(xs, ys, best["best_intercept"] + da, best["best_slope"] + db)["cost"] > best["best_cost"]
    fig = line_fit_figure(x, y)
    assert len(fig.axes) == 3
    import matplotlib.pyplot as plt
    plt.close(fig)
    with pytest.raises(ValueError, match="two different values"):
        line_fit([1.0, 1.0], [2.0, 3.0])


def test_linear_regression_is_a_scikit_learn_regressor():
    from sklearn.base import clone
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import r2_score as sk_r2

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = X @ np.array([2.0, 0.0, -1.0]) + 0.1 * rng.normal(size=200)
    model = LinearRegression().fit(X, y)
    assert model.get_params()["method"] == "normal"
    assert clone(model).set_params(method="gd").method == "gd"
    assert abs(model.score(X, y) - sk_r2(y, model.predict(X))) < 1e-12
    result = permutation_importance(model, X, y, scoring="r2", n_repeats=5, random_state=0)
    importance = result.importances_mean
    assert importance[0] > importance[2] > 0.2 and abs(importance[1]) < 0.01   # R^2 lost: about 1.6, 0.4, 0
