"""dlcourse.cnn against torch.nn.functional and autograd (float64), worked numbers, properties."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcourse import cnn
from dlcourse.widgets import convolution_explorer, convolution_figure, convolve_image

TOL = 1e-10


@st.composite
def conv_case(draw):
    n = draw(st.integers(1, 3))
    c = draw(st.integers(1, 3))
    k = draw(st.integers(1, 4))
    fh, fw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h = draw(st.integers(max(1, fh - 2 * ph), 9))
    w = draw(st.integers(max(1, fw - 2 * pw), 9))
    seed = draw(st.integers(0, 2**31 - 1))
    bias = draw(st.booleans())
    return n, c, k, (h, w), (fh, fw), (sh, sw), (ph, pw), seed, bias


def _tensors(n, c, k, hw, f, seed, bias):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, c, *hw))
    w = rng.normal(size=(k, c, *f))
    b = rng.normal(size=k) if bias else None
    return x, w, b


@settings(max_examples=60, deadline=None)
@given(conv_case())
def test_conv2d_im2col_and_loop_equal_torch(case):
    n, c, k, hw, f, s, p, seed, bias = case
    x, w, b = _tensors(n, c, k, hw, f, seed, bias)
    expected = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), None if b is None else torch.from_numpy(b),
                        stride=s, padding=p).numpy()
    np.testing.assert_allclose(cnn.conv2d(x, w, b, stride=s, padding=p), expected, rtol=0, atol=TOL)
    np.testing.assert_allclose(cnn.conv2d_loop(x, w, b, stride=s, padding=p), expected, rtol=0, atol=TOL)


@settings(max_examples=60, deadline=None)
@given(conv_case())
def test_conv2d_backward_equals_autograd(case):
    n, c, k, hw, f, s, p, seed, _ = case
    x, w, b = _tensors(n, c, k, hw, f, seed, True)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    y = F.conv2d(xt, wt, bt, stride=s, padding=p)
    dy = np.random.default_rng(seed + 1).normal(size=tuple(y.shape))
    y.backward(torch.from_numpy(dy))
    dx, dw, db = cnn.conv2d_backward(dy, x, w, stride=s, padding=p)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=0, atol=TOL)
    np.testing.assert_allclose(dw, wt.grad.numpy(), rtol=0, atol=TOL)
    np.testing.assert_allclose(db, bt.grad.numpy(), rtol=0, atol=TOL)


def test_conv2d_backward_finite_differences():
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(1, 2, 5, 5)), rng.normal(size=(3, 2, 3, 3))
    g = rng.normal(size=(1, 3, 3, 3))  # L = sum(g * conv2d(x, w, stride=2, padding=1))
    dx, dw, _ = cnn.conv2d_backward(g, x, w, stride=2, padding=1)
    eps = 1e-6
    for arr, grad in ((x, dx), (w, dw)):
        for idx in [(0, 1, 2, 2), (0, 0, 0, 1), (2, 1, 2, 0)]:
            if idx[0] >= arr.shape[0]:
                idx = (0,) + idx[1:]
            plus, minus = arr.copy(), arr.copy()
            plus[idx] += eps
            minus[idx] -= eps
            xs_p = (plus, w) if arr is x else (x, plus)
            xs_m = (minus, w) if arr is x else (x, minus)
            num = (np.sum(g * cnn.conv2d(*xs_p, stride=2, padding=1)) - np.sum(g * cnn.conv2d(*xs_m, stride=2, padding=1))) / (2 * eps)
            assert abs(num - grad[idx]) < 1e-6


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 1),
       st.integers(0, 2**31 - 1))
def test_pooling_equals_torch(n, c, f, s, p, seed):
    p = min(p, f // 2)
    rng = np.random.default_rng(seed)
    h, w = rng.integers(f, 9, endpoint=True), rng.integers(f, 9, endpoint=True)
    x = rng.normal(size=(n, c, h, w))
    xt = torch.from_numpy(x)
    np.testing.assert_allclose(cnn.max_pool2d(x, f, s, p), F.max_pool2d(xt, f, s, p).numpy(), rtol=0, atol=TOL)
    np.testing.assert_allclose(cnn.avg_pool2d(x, f, s, p), F.avg_pool2d(xt, f, s, p).numpy(), rtol=0, atol=TOL)
    xa = np.abs(x)  # lp_pool2d on non-negative inputs (torch takes sign(x) * relu(|x|) inside)
    np.testing.assert_allclose(cnn.lp_pool2d(xa, 2, f, s), F.lp_pool2d(torch.from_numpy(xa), 2, f, s).numpy(),
                               rtol=1e-12, atol=TOL)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 5), st.integers(1, 3),
       st.integers(0, 2), st.integers(0, 2**31 - 1))
def test_conv1d_equals_torch(n, c, k, f, s, p, seed):
    rng = np.random.default_rng(seed)
    length = int(rng.integers(max(1, f - 2 * p), 12))
    x, w, b = rng.normal(size=(n, c, length)), rng.normal(size=(k, c, f)), rng.normal(size=k)
    expected = F.conv1d(*(torch.from_numpy(a) for a in (x, w, b)), stride=s, padding=p).numpy()
    np.testing.assert_allclose(cnn.conv1d(x, w, b, stride=s, padding=p), expected, rtol=0, atol=TOL)


@settings(max_examples=40, deadline=None)
@given(conv_case())
def test_im2col_equals_unfold_and_col2im_is_its_adjoint(case):
    n, c, _, hw, f, s, p, seed, _ = case
    x = np.random.default_rng(seed).normal(size=(n, c, *hw))
    cols = cnn.im2col(x, f, s, p)
    np.testing.assert_allclose(cols, F.unfold(torch.from_numpy(x), f, padding=p, stride=s).numpy(), rtol=0, atol=TOL)
    r = np.random.default_rng(seed + 2).normal(size=cols.shape)
    # <im2col(x), r> == <x, col2im(r)>: col2im is the transpose of im2col
    assert abs(np.sum(cols * r) - np.sum(x * cnn.col2im(r, x.shape, f, s, p))) < 1e-9


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 50), st.integers(1, 7), st.integers(0, 3), st.integers(1, 4))
def test_output_size_formula_matches_torch(w, f, p, s):
    if f > w + 2 * p:
        with pytest.raises(ValueError, match="larger than the padded input"):
            cnn.conv_output_size(w, f, p, s)
        return
    size = cnn.conv_output_size(w, f, p, s, exact=False)
    torch_size = F.conv2d(torch.zeros(1, 1, 1, w), torch.zeros(1, 1, 1, f), stride=s, padding=(0, p)).shape[-1]
    assert size == torch_size
    if (w - f + 2 * p) % s:
        with pytest.raises(ValueError, match="not an integer"):
            cnn.conv_output_size(w, f, p, s)
    else:
        assert cnn.conv_output_size(w, f, p, s) == (w - f + 2 * p) // s + 1


def test_worked_example_6x6_to_4x4():
    assert cnn.conv_output_size(6, 3, 0, 1) == 4
    x = np.arange(36.0).reshape(1, 1, 6, 6)
    k = np.array([[1.0, 0.0, -1.0]] * 3)[None, None]
    y = cnn.conv2d(x, k)
    assert y.shape == (1, 1, 4, 4)
    # every 3x3 window of 0..35 rises by 1 per column: (left - right) column sums = 3 * (-2) = -6
    np.testing.assert_array_equal(y, np.full((1, 1, 4, 4), -6.0))
    # the top-left number, by hand
    assert y[0, 0, 0, 0] == (0 + 6 + 12) - (2 + 8 + 14)


_X4 = np.zeros((1, 1, 4, 4))
_W2 = np.zeros((2, 1, 3, 3))


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: cnn.conv2d(np.zeros((1, 4, 4, 3)), np.zeros((2, 3, 3, 3))), ValueError, "input channels"),
        (lambda: cnn.conv2d(np.zeros((4, 4)), np.zeros((1, 1, 3, 3))), ValueError, "4-dimensional"),
        (lambda: cnn.conv2d(_X4, _W2, np.zeros(3)), ValueError, "b must have shape"),
        (lambda: cnn.conv2d(_X4, _W2, stride=0), ValueError, "stride must be >= 1"),
        (lambda: cnn.conv2d(_X4, _W2, padding=1.5), TypeError, "padding must be an integer"),
        (lambda: cnn.conv2d(_X4 + 1j, _W2), TypeError, "x must hold real numbers; got a complex"),
        (lambda: cnn.conv2d(None, _W2), TypeError, "x must be an array-like of real numbers; got None"),
        (lambda: cnn.conv2d_backward(np.zeros((1, 2, 3, 3)), _X4, _W2), ValueError, "dy must have the shape"),
        (lambda: cnn.conv1d(np.zeros((1, 5)), np.zeros((1, 1, 3))), ValueError, "3-dimensional"),
        (lambda: cnn.lp_pool2d(_X4, 0, 2), ValueError, "norm_type"),
        (lambda: cnn.max_pool2d(_X4, 2, padding=2), ValueError, "padding must be at most half"),
        (lambda: cnn.plain_net(9), ValueError, "depth must be even"),
        (lambda: cnn.resnet(2), ValueError, "depth must be >= 4"),
        (lambda: cnn.resnet(10**12), ValueError, "depth must be <= 2000"),
        (lambda: cnn.plain_net(4, in_channels=-1), ValueError, "in_channels must be >= 1; got -1"),
        (lambda: cnn.plain_net(4, num_classes=1), ValueError, "num_classes must be >= 2"),
        (lambda: cnn.resnet(4, num_classes=3, n_classes=4), TypeError, "num_classes and its older name n_classes"),
        (lambda: cnn.plain_net(6, width=10**5), ValueError, "would need about .* weights.*MAX_PARAMETERS"),
        (lambda: cnn.SimpleCNN()(torch.zeros(2, 1, 28, 28)), ValueError, "x must have shape"),
        (lambda: cnn.SimpleCNN()(torch.zeros(2, 1, 8, 8, dtype=torch.float64)), TypeError, "model's dtype torch.float32"),
        (lambda: cnn.SimpleCNN()(np.zeros((2, 1, 8, 8))), TypeError, "x must be a torch.Tensor; got ndarray"),
        (lambda: cnn.digits_split(seed=-1), ValueError, "seed must be >= 0; got -1"),
        (lambda: cnn.digits_split(test_size=1.0), ValueError, "test_size must be a fraction in"),
        (lambda: cnn.conv_output_size(0, 3), ValueError, "w must be >= 1"),
        (lambda: cnn.conv_output_size(6, 3, exact="no"), TypeError, "exact must be bool"),
        (lambda: cnn.pad2d(None, 1), TypeError, "x must be an array-like of real numbers; got None"),
        (lambda: cnn.pad2d(np.zeros(3), 1), ValueError, "x must have at least 2 dimensions"),
        (lambda: cnn.max_pool2d(_X4, 10**12), ValueError, "kernel_size must be <= 100000"),
        (lambda: cnn.conv2d(_X4, _W2, padding=10**12), ValueError, "padding must be <= 100000"),
        (lambda: cnn.conv1d(np.zeros((1, 1, 5)), np.zeros((1, 1, 3)), padding=10**12), ValueError, "padding must be <= 100000"),
        (lambda: cnn.lp_pool2d(_X4, None, 2), TypeError, "norm_type must be a real number"),
        (lambda: cnn.col2im(np.zeros((1, 9, 4)), None, 3), TypeError, r"input_shape must be the image batch's shape"),
        (lambda: cnn.col2im(np.zeros((1, 9, 5)), (1, 1, 4, 4), 3), ValueError, r"cols must have shape .* = \(1, 9, 4\)"),
        (lambda: cnn.col2im(np.array([["a"]]), (1, 1, 4, 4), 3), TypeError, "cols must hold real numbers"),
        (lambda: cnn.SimpleCNN(c1=10**12), ValueError, "c1 must be <= 100000"),
        (lambda: cnn.ResidualBlock(10**12, 2), ValueError, "in_channels must be <= 100000"),
        (lambda: cnn.ResidualBlock(2, 2, batch_norm="yes"), TypeError, "batch_norm must be bool"),
        (lambda: cnn.ResidualBlock(2, 2)(np.zeros((1, 2, 4, 4))), TypeError, "x must be a torch.Tensor"),
        (lambda: cnn.ResidualBlock(2, 2)(torch.zeros(1, 1, 2, 4, 4)), ValueError, "x must be 4-dimensional"),
        (lambda: cnn.resnet(4, batch_norm=1), TypeError, "batch_norm must be bool"),
        (lambda: cnn.conv2d(_X4, _W2, np.zeros(3)), ValueError, r"one bias per kernel of w"),
        (lambda: cnn.max_pool2d(_X4, (2, 2, 2)), ValueError, r"kernel_size must be an int or a pair \(height, width\)"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("w, f, p, s", [(7, 3, 1, 10**12), (7, 3, 0, 3), (8, 3, 0, 3), (9, 2, 0, 4), (6, 3, 0, 4)])
def test_padding_hint_is_the_smallest_that_tiles_found_by_formula(w, f, p, s):
    brute = next((q for q in range(p, p + min(s, 10**4)) if (w - f + 2 * q) % s == 0), None)
    with pytest.raises(ValueError, match="not an integer") as info:
        cnn.conv_output_size(w, f, p, s)
    if s > 10**4:  # brute force would hang: check the hint's arithmetic instead
        q = int(str(info.value).split("padding p=")[1].split(",")[0])
        assert q >= p and (w - f + 2 * q) % s == 0 and q - p < s
    elif brute is None:
        assert "a stride that divides" in str(info.value)
    else:
        assert f"padding p={brute}," in str(info.value)


def test_pooling_laws():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 6, 6))
    # max >= L_p (large p) >= ... and L_p -> max as p grows (non-negative inputs)
    xa = np.abs(x)
    assert np.all(cnn.max_pool2d(xa, 2) >= cnn.avg_pool2d(xa, 2))
    np.testing.assert_allclose(cnn.lp_pool2d(xa, 200, 2), cnn.max_pool2d(xa, 2), rtol=0.01)
    # a one-pixel shift inside a pooling window leaves max pooling unchanged
    img = np.zeros((1, 1, 4, 4))
    img[0, 0, 0, 0] = 1.0
    shifted = np.roll(img, 1, axis=3)
    np.testing.assert_array_equal(cnn.max_pool2d(img, 2), cnn.max_pool2d(shifted, 2))


def test_torch_blocks_shapes_projection_and_parameter_parity():
    block = cnn.ResidualBlock(4, 8, stride=2)
    assert isinstance(block.shortcut, torch.nn.Sequential)
    assert block.shortcut[0].kernel_size == (1, 1)
    assert block(torch.zeros(3, 4, 8, 8)).shape == (3, 8, 4, 4)
    assert isinstance(cnn.ResidualBlock(8, 8).shortcut, torch.nn.Identity)
    # identity shortcut: with the residual branch zeroed, the block is ReLU(x)
    same = cnn.ResidualBlock(5, 5, batch_norm=False)
    for prm in same.residual.parameters():
        torch.nn.init.zeros_(prm)
    x = torch.randn(2, 5, 6, 6)
    torch.testing.assert_close(same(x), torch.relu(x))
    for depth in (4, 8, 32):
        plain, res = cnn.plain_net(depth), cnn.resnet(depth)
        convs = lambda m: sum(isinstance(mod, torch.nn.Conv2d) for mod in m.modules())  # noqa: E731
        assert convs(plain) == convs(res) == depth - 1
        assert sum(p.numel() for p in plain.parameters()) == sum(p.numel() for p in res.parameters())
        assert plain(torch.zeros(2, 1, 8, 8)).shape == res(torch.zeros(2, 1, 8, 8)).shape == (2, 10)
    cnn_model = cnn.SimpleCNN()
    maps = cnn_model.feature_maps(torch.zeros(2, 1, 8, 8))
    assert maps["conv1"].shape == (2, 16, 8, 8) and maps["pool2"].shape == (2, 32, 2, 2)


@pytest.mark.parametrize("build", [lambda **kw: cnn.SimpleCNN(**kw), lambda **kw: cnn.plain_net(4, **kw),
                                   lambda **kw: cnn.resnet(4, **kw)])
def test_num_classes_is_torchs_name_and_n_classes_still_works(build):
    out = lambda model: model(torch.zeros(2, 1, 8, 8)).shape  # noqa: E731
    assert out(build(num_classes=3)) == (2, 3)
    with pytest.warns(DeprecationWarning, match="n_classes is deprecated; use num_classes") as caught:
        assert out(build(n_classes=3)) == (2, 3)
    assert caught[0].filename == __file__  # the warning points at the caller's line
    with pytest.warns(DeprecationWarning):
        assert out(build(num_classes=3, n_classes=3)) == (2, 3)  # the same value twice is accepted


def test_convolution_widget_driven_from_code():
    ex = convolution_explorer(kernel="edge", stride=1, padding=0)
    assert ex.result["output_shape"] == (10, 10)
    ex.controls["stride"].value = 2
    assert ex.result["output_shape"] == (5, 5) and not ex.result["exact"]
    assert "-> 5" in ex.result["formula"][0]
    ex.controls["stride"].value = 3
    assert ex.result["output_shape"] == (4, 4) and ex.result["exact"]
    ex.controls["padding"].value = 1
    assert ex.result["output_shape"] == (4, 4) and not ex.result["exact"]
    ex.controls["kernel"].value = "blur"
    img = ex.result["image"]
    ref = cnn.conv2d(img[None, None], np.full((1, 1, 3, 3), 1 / 9), stride=3, padding=1)[0, 0]
    np.testing.assert_allclose(ex.result["output"], ref, atol=1e-12)
    ex.controls["custom"].value = "1 -1"
    ex.controls["kernel"].value = "custom"
    assert ex.result["kernel"].shape == (1, 2)
    assert "output shape" in ex.html.value and len(ex.image.value) > 100
    # an edge kernel on a constant image gives zero, a blur keeps the mean
    flat = convolve_image(np.ones((6, 6)), "edge")
    np.testing.assert_allclose(flat["output"], 0.0, atol=1e-12)
    np.testing.assert_allclose(convolve_image(np.ones((6, 6)), "blur")["output"], 1.0)
    with pytest.raises(ValueError, match="kernel must be one of"):
        convolve_image(kernel="emboss")
    with pytest.raises(ValueError, match="custom kernel must be a rectangle"):
        convolve_image(kernel="custom", custom="1 2; 3")
    import matplotlib.pyplot as plt

    fig = convolution_figure()
    assert len(fig.axes) >= 3
    plt.close(fig)


@pytest.mark.parametrize("build", [cnn.plain_net, cnn.resnet])
def test_seed_group_equals_separate_networks(build):
    """Three seeds as one grouped network: forward passes, Adam steps and unstack match three separate runs."""
    import copy

    nets = []
    for seed in range(3):
        torch.manual_seed(seed)
        nets.append(build(6, width=4, num_classes=5))
    separate = [copy.deepcopy(n) for n in nets]
    before = copy.deepcopy(nets[0].state_dict())
    group = cnn.SeedGroup(nets)
    opt = torch.optim.Adam(group.parameters(), lr=1e-2)
    opts = [torch.optim.Adam(n.parameters(), lr=1e-2) for n in separate]
    gen = torch.Generator().manual_seed(0)
    for _ in range(4):  # different batches per network
        x, y = torch.randn(3, 16, 1, 8, 8, generator=gen), torch.randint(0, 5, (3, 16), generator=gen)
        loss = torch.nn.functional.cross_entropy(group(x).flatten(0, 1), y.flatten(), reduction="none")
        opt.zero_grad()
        loss.view(3, -1).mean(1).sum().backward()
        opt.step()
        for k, net in enumerate(separate):
            opts[k].zero_grad()
            torch.nn.functional.cross_entropy(net(x[k]), y[k]).backward()
            opts[k].step()
    group.eval()
    x = torch.randn(3, 7, 1, 8, 8, generator=gen)
    with torch.no_grad():
        expected = torch.stack([net.eval()(x[k]) for k, net in enumerate(separate)])
        torch.testing.assert_close(group(x), expected, atol=1e-6, rtol=0)
        torch.testing.assert_close(
            torch.stack([net.eval()(x[k]) for k, net in enumerate(group.unstack())]), expected, atol=1e-6, rtol=0
        )
    assert all(torch.equal(a, b) for a, b in zip(nets[0].state_dict().values(), before.values()))  # copied, not changed
    with pytest.raises(ValueError, match=r"x must have shape \(K, N, C, H, W\) with K = 3"):
        group(torch.zeros(2, 4, 1, 8, 8))
    with pytest.raises(TypeError, match="cannot group a Linear"):
        cnn.SeedGroup([torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Flatten(), torch.nn.Linear(2, 2))])
