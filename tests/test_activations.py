"""dlcourse.activations against torch functions and torch.autograd (float64, 1e-12)."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlcourse import activations as A

X = np.concatenate([np.linspace(-30, 30, 601), [-1e-3, 0.0, 1e-3, 700.0, -700.0]])

TORCH = {
    "sigmoid": (A.sigmoid, A.sigmoid_grad, torch.sigmoid),
    "tanh": (A.tanh, A.tanh_grad, torch.tanh),
    "relu": (A.relu, A.relu_grad, torch.relu),
    "leaky_relu": (A.leaky_relu, A.leaky_relu_grad, lambda t: torch.nn.functional.leaky_relu(t, 0.1)),
    "elu": (A.elu, A.elu_grad, torch.nn.functional.elu),
}


@pytest.mark.parametrize("name", TORCH)
def test_activation_and_derivative_equal_torch_and_autograd(name):
    f, df, oracle = TORCH[name]
    t = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    y = oracle(t)
    (g,) = torch.autograd.grad(y.sum(), t)
    np.testing.assert_allclose(f(X), y.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(df(X), g.numpy(), rtol=1e-12, atol=1e-12)


def test_leaky_relu_other_slope_and_elu_alpha():
    t = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.leaky_relu(t, 0.3)
    (g,) = torch.autograd.grad(y.sum(), t)
    np.testing.assert_allclose(A.leaky_relu(X, slope=0.3), y.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(A.leaky_relu_grad(X, slope=0.3), g.numpy(), rtol=1e-12, atol=1e-12)
    t = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.elu(t, alpha=0.5)
    (g,) = torch.autograd.grad(y.sum(), t)
    np.testing.assert_allclose(A.elu(X, alpha=0.5), y.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(A.elu_grad(X, alpha=0.5), g.numpy(), rtol=1e-12, atol=1e-12)


def test_maxout_equals_torch_max_and_its_gradient():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, 7, 3))
    t = torch.tensor(z, requires_grad=True)
    y = t.max(dim=-1).values
    (g,) = torch.autograd.grad(y.sum(), t)
    np.testing.assert_allclose(A.maxout(z), y.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(A.maxout_grad(z), g.numpy(), rtol=1e-12)
    # ReLU is maxout of the pieces 0 and x
    np.testing.assert_array_equal(A.maxout(np.stack([np.zeros_like(X), X], -1)), A.relu(X))


def test_worked_sigmoid_values_from_the_erratum():
    assert round(float(A.sigmoid(1.6)), 3) == 0.832
    assert round(float(A.sigmoid(2.2)), 3) == 0.900
    s = 0.1 * A.sigmoid(1.6) + 0.2 * A.sigmoid(2.2) + 0.3
    assert round(float(s), 3) == 0.563
    assert round(float(A.sigmoid(s)), 3) == 0.637
    # the widespread wrong values are not what a sigmoid gives
    assert abs(A.sigmoid(1.6) - 0.472) > 0.3 and abs(A.sigmoid(2.2) - 0.659) > 0.2


finite = arrays(np.float64, st.integers(1, 30), elements=st.floats(-50, 50))


@settings(max_examples=60, deadline=None)
@given(finite)
def test_properties(x):
    s = A.sigmoid(x)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(A.sigmoid(-x), 1 - s, atol=1e-12)  # symmetry
    np.testing.assert_allclose(A.tanh(x), 2 * A.sigmoid(2 * x) - 1, atol=1e-12)
    assert np.all(A.sigmoid_grad(x) <= 0.25 + 1e-15)
    assert np.all(A.relu(x) >= 0) and np.all(A.leaky_relu(x) >= x * 0.1 - 1e-15)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "elu"])
def test_derivative_equals_central_difference(name):
    f, df = A.get_activation(name)
    x = np.linspace(-4, 4, 41) + 0.013  # avoid the kink at 0
    h = 1e-6
    np.testing.assert_allclose(df(x), (f(x + h) - f(x - h)) / (2 * h), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: A.get_activation("swish"), ValueError, "activation must be one of"),
        (lambda: A.leaky_relu([1.0], slope=2.0), ValueError, "slope must be <= 1"),
        (lambda: A.sigmoid("abc"), TypeError, r"x must be an array-like of real numbers; got str"),
        (lambda: A.sigmoid(None), TypeError, "x must be an array-like of real numbers; got None"),
        (lambda: A.relu(None), TypeError, "x must be an array-like of real numbers; got None"),
        (lambda: A.tanh([1 + 2j]), TypeError, "x must hold real numbers; got a complex"),
        (lambda: A.relu(np.array([object()])), TypeError, "Python objects"),
        (lambda: A.maxout(3.0), ValueError, "pieces on its last axis"),
        (lambda: A.maxout_grad(3.0), ValueError, "pieces on its last axis"),
        (lambda: A.identity(None), TypeError, "got None"),
        (lambda: A.identity_grad("x"), TypeError, "got str"),
        (lambda: A.softmax(3.0), ValueError, "at least one dimension"),
        (lambda: A.softmax([1.0, np.inf]), ValueError, "z must contain only finite numbers"),
        (lambda: A.softmax([1.0, 2.0], temperature=0.0), ValueError, "temperature must be > 0"),
        (lambda: A.softmax([1.0, 2.0], axis=1), ValueError, "axis must be <= 0"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_nan_propagates_like_torch_and_kinks_keep_their_convention():
    x = np.array([np.nan, -np.inf, -1.0, 0.0, 2.0, np.inf])
    np.testing.assert_array_equal(A.relu(x), [np.nan, 0.0, 0.0, 0.0, 2.0, np.inf])
    np.testing.assert_array_equal(A.relu_grad(x), [np.nan, 0.0, 0.0, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(A.leaky_relu_grad(x, 0.1), [np.nan, 0.1, 0.1, 0.1, 1.0, 1.0])
    np.testing.assert_array_equal(A.identity_grad(x), [np.nan, 1, 1, 1, 1, 1])
    for f, df in A.ACTIVATIONS.values():  # every activation and derivative: NaN in, NaN out
        assert np.isnan(f(np.array([np.nan]))[0]) and np.isnan(df(np.array([np.nan]))[0])
    g = A.maxout_grad(np.array([[np.nan, 1.0], [0.0, 3.0]]))
    assert np.isnan(g[0]).all() and g[1].tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match=r"name must be one of 'sigmoid'"):
        A.get_activation(3)



def test_softmax_matches_scipy_at_every_temperature_and_axis():
    import scipy.special

    rng = np.random.default_rng(0)
    z = rng.normal(scale=5, size=(4, 6))
    for t in (0.25, 1.0, 4.0):
        for axis in (0, 1, -1):
            np.testing.assert_allclose(
                A.softmax(z, axis=axis, temperature=t), scipy.special.softmax(z / t, axis=axis), rtol=1e-14, atol=1e-16
            )
    # no overflow for huge logits: softmax is shift-invariant
    np.testing.assert_allclose(A.softmax([1000.0, 1001.0]), scipy.special.softmax([0.0, 1.0]), rtol=1e-15)


def test_linear_reexports_the_one_sigmoid():
    from dlcourse import linear

    assert linear.sigmoid is A.sigmoid
