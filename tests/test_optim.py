"""dlcourse.optim against torch.optim (float64, 1e-10 over 100 steps) and the worked numbers."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcourse.optim import (
    SGD,
    Adagrad,
    Adam,
    Momentum,
    RMSProp,
    batches_per_epoch,
    gradient_descent,
    make_optimizer,
    optimize,
)
from dlcourse.widgets import learning_rate_descent, learning_rate_explorer, optimizer_explorer, optimizer_paths

A_MAT = np.array([[3.0, 0.4, 0.0], [0.4, 1.0, -0.2], [0.0, -0.2, 0.5]])
B_VEC = np.array([1.0, -2.0, 0.5])


def loss_torch(w):  # an ill-conditioned quadratic plus a quartic term (not purely linear gradients)
    A = torch.tensor(A_MAT)
    b = torch.tensor(B_VEC)
    return 0.5 * w @ A @ w - b @ w + 0.1 * (w**4).sum()


def grad_np(w):
    return A_MAT @ w - B_VEC + 0.4 * w**3


CASES = [
    (SGD(lr=0.05), lambda p: torch.optim.SGD(p, lr=0.05)),
    (Momentum(lr=0.05, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    (Adagrad(lr=0.3), lambda p: torch.optim.Adagrad(p, lr=0.3)),
    (RMSProp(lr=0.01, rho=0.9), lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9)),
    (Adam(lr=0.05), lambda p: torch.optim.Adam(p, lr=0.05)),
    (Adam(lr=0.02, beta1=0.8, beta2=0.99, eps=1e-6), lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6)),
]


@pytest.mark.parametrize("ours, theirs", CASES, ids=[type(c[0]).__name__ for c in CASES])
def test_trajectory_equals_torch_optim_over_100_steps(ours, theirs):
    w0 = np.array([2.0, -1.5, 0.7])
    path = optimize(ours, grad_np, w0, 100)
    w = torch.tensor(w0, requires_grad=True)
    opt = theirs([w])
    ref = [w0.copy()]
    for _step in range(100):
        opt.zero_grad()
        loss_torch(w).backward()
        # autograd's gradient equals ours up to rounding; feed both optimisers the very same
        # numbers so that the comparison tests the update rules, not chaotic amplification of
        # 1e-16 differences (RMSProp's near-sign steps amplify them once a gradient crosses 0)
        np.testing.assert_allclose(w.grad.numpy(), grad_np(w.detach().numpy()), rtol=1e-12, atol=1e-12)
        w.grad = torch.tensor(grad_np(w.detach().numpy()))
        opt.step()
        ref.append(w.detach().numpy().copy())
    np.testing.assert_allclose(path, np.array(ref), rtol=0, atol=1e-10)
    assert np.abs(path[-1] - path[0]).max() > 0.1  # it moved: the comparison is not vacuous


def test_worked_learning_rate_example():
    path = gradient_descent(lambda w: 4 * w**3, 2.0, 0.01, 200)
    assert [round(float(v), 4) for v in path[1:4]] == [1.68, 1.4903, 1.3579]
    assert round(float(path[200]), 4) == 0.2461
    path = gradient_descent(lambda w: 4 * w**3, 2.0, 0.02, 2)
    assert [round(float(v), 4) for v in path[1:]] == [1.36, 1.1588]


@pytest.mark.parametrize("lr, behaviour", [(0.01, "converges"), (0.02, "converges"), (0.1, "converges, oscillating"),
                                           (0.125, "oscillates forever"), (0.13, "diverges")])
def test_critical_learning_rates_of_the_quartic(lr, behaviour):
    out = learning_rate_descent("quartic", lr, 2.0, steps=40)
    assert out["behaviour"] == behaviour
    assert out["oscillation_lr"] == pytest.approx(1 / 16) and out["divergence_lr"] == pytest.approx(1 / 8)


@pytest.mark.parametrize("lr, behaviour", [(0.05, "converges"), (0.15, "converges, oscillating"), (0.21, "diverges")])
def test_critical_learning_rates_of_the_quadratic(lr, behaviour):
    out = learning_rate_descent("quadratic", lr, 2.0, 1.0, steps=60)
    assert out["behaviour"] == behaviour
    assert out["divergence_lr"] == pytest.approx(0.2)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.2, 3.0), st.floats(0.05, 0.95))
def test_quartic_is_stable_exactly_below_one_over_two_w0_squared(w0, frac):
    crit = 1 / (2 * w0**2)
    assert learning_rate_descent("quartic", crit * frac, w0, steps=30)["behaviour"].startswith("converges")
    assert learning_rate_descent("quartic", crit * (1 + frac), w0, steps=30)["behaviour"] == "diverges"


def test_batches_per_epoch():
    assert batches_per_epoch(1000, 64) == 16
    assert batches_per_epoch(1000, 64, drop_last=True) == 15
    assert batches_per_epoch(500, 10) == 50
    assert batches_per_epoch(0, 10) == 0
    loader = torch.utils.data.DataLoader(torch.arange(1000), batch_size=64)
    assert len(loader) == batches_per_epoch(1000, 64)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 5000), st.integers(1, 300), st.booleans())
def test_batches_per_epoch_matches_dataloader(n, b, drop):
    assert batches_per_epoch(n, b, drop) == len(range(0, n - (n % b if drop else 0), b))


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: gradient_descent(lambda w: w, 1.0, 0.0, 3), ValueError, "lr must be > 0"),
        (lambda: gradient_descent(3.0, 1.0, 0.1, 3), TypeError, "grad must be a function"),
        (lambda: gradient_descent(lambda w: w, None, 0.1, 3), TypeError, "w0 must be an array-like.*got None"),
        (lambda: gradient_descent(lambda w: w, 1 + 2j, 0.1, 3), TypeError, "w0 must hold real numbers; got a complex"),
        (lambda: gradient_descent(lambda w: w * 1j, 1.0, 0.1, 3), TypeError, r"grad\(w\) must hold real numbers"),
        (lambda: gradient_descent(lambda w: [w, w], 1.0, 0.1, 3), ValueError, "must have the shape of w"),
        (lambda: gradient_descent(lambda w: w, [[1.0]], 0.1, 3), ValueError, "w0 must be a number or a 1-D array"),
        (lambda: gradient_descent(lambda w: w, 1.0, 0.1, 10**12), ValueError, "steps must be <= 10000000"),
        (lambda: optimize(SGD(lr=0.1), lambda w: w, [1.0], 10**12), ValueError, "steps must be <= 10000000"),
        (lambda: optimize("adam", lambda w: w, [1.0], 3), TypeError, "optimizer must be a dlcourse.optim.Optimizer"),
        (lambda: batches_per_epoch(10, 0), ValueError, "batch_size must be >= 1"),
        (lambda: batches_per_epoch(10, 3, drop_last="yes"), TypeError, "drop_last must be True or False"),
        (lambda: make_optimizer("lbfgs", 0.1), ValueError, "name must be one of"),
        (lambda: Momentum(lr=0.1, momentum=1.5), ValueError, "momentum must be <= 1"),
        (lambda: Momentum(lr=0.1, momentum=1.0), ValueError, r"momentum must be in \[0, 1\); got 1.0"),
        (lambda: RMSProp(lr=0.1, rho=1.0), ValueError, r"rho must be in \[0, 1\)"),
        (lambda: Adam(lr=0.1, beta1=1.0), ValueError, r"beta1 must be in \[0, 1\)"),
        (lambda: Adam(lr=0.1, beta2=1.0), ValueError, r"beta2 must be in \[0, 1\)"),
        (lambda: SGD(lr=0.1).step([np.zeros(2)], []), ValueError, "same length"),
        (lambda: SGD(lr=0.1).step([np.zeros(2)], [np.zeros(3)]), ValueError, r"grads\[0\] has shape"),
        (lambda: SGD(lr=0.1).step([np.zeros(2)], [None]), TypeError, r"grads\[0\] must be an array-like"),
        (lambda: SGD(lr=0.1).step(None, [np.zeros(2)]), TypeError, "params must be a list of arrays"),
        (lambda: SGD(lr=0.1).step([[1.0, 2.0]], [np.zeros(2)]), TypeError, r"params\[0\] must be a float np.ndarray"),
        (lambda: learning_rate_descent("rosenbrock"), ValueError, "surface must be one of"),
        (lambda: Adam(lr=0.1).update(None, {}), TypeError, "g must be an array-like"),
        (lambda: Momentum(lr=0.1).update(np.array([1j]), {}), TypeError, "g must hold real numbers"),
        (lambda: Adagrad(lr=0.1).update(np.ones(2), None), TypeError, "state must be a dict"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_a_direct_update_equals_the_first_step():
    for make in (lambda: SGD(lr=0.1), lambda: Momentum(lr=0.1), lambda: Adagrad(lr=0.1), lambda: RMSProp(lr=0.1),
                 lambda: Adam(lr=0.1)):
        g = np.array([0.5, -2.0])
        direct = make().update(g, {})
        p = np.zeros(2)
        make().step([p], [g])
        np.testing.assert_array_equal(-p, direct)


def test_an_optimiser_refuses_another_model():
    opt = SGD(lr=0.1)
    opt.step([np.zeros(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="used with 1 parameter arrays; got 2"):
        opt.step([np.zeros(2), np.zeros(1)], [np.ones(2), np.ones(1)])


def test_learning_rate_explorer_driven_from_code():
    w = learning_rate_explorer()
    assert w.result["behaviour"] == "converges"
    expected = [2.0]
    for _ in range(3):
        expected.append(expected[-1] - 0.01 * 4 * expected[-1] ** 3)
    np.testing.assert_allclose(w.result["path"][:4], expected, rtol=1e-12)
    png = w.image.value
    w.controls["lr"].value = 0.13
    assert w.result["behaviour"] == "diverges" and w.image.value != png
    w.controls["lr"].value = 0.1
    assert w.result["behaviour"] == "converges, oscillating"
    w.controls["surface"].value = "quadratic"
    assert w.result["path"].shape == (51, 2)
    expected = np.array([2.0, 1.0]) * (1 - 0.1 * np.array([1.0, 10.0])) ** 50
    np.testing.assert_allclose(w.result["path"][-1], expected, rtol=1e-9, atol=1e-12)
    w.controls["steps"].value = 10
    assert len(w.result["losses"]) == 11 and "0.2" in w.html.value


def test_optimizer_explorer_driven_from_code():
    w = optimizer_explorer(lr=0.05, steps=60)
    assert set(w.result["paths"]) == {"sgd", "momentum", "adagrad", "rmsprop", "adam"}
    w.controls["lr"].value = 0.15
    ref = optimizer_paths(0.15, 60)
    for name in ref["paths"]:
        np.testing.assert_allclose(w.result["paths"][name], ref["paths"][name])
    # plain GD oscillates in the steep direction at lr = 0.15 (1 - 10 * 0.15 = -0.5)
    w2 = w.result["paths"]["sgd"][:, 1]
    assert np.all(w2[1:6] * w2[:5] < 0)
