"""Tests of dlcourse.xai (chapter 12): oracles against Captum, conservation, hand-computed
relevances, CAM/Grad-CAM identities, the evaluation metrics, the shapes data and the widget."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from dlcourse import xai
from dlcourse.data import shapes_localisation

captum_attr = pytest.importorskip("captum.attr")
from captum.attr._utils.lrp_rules import Alpha1_Beta0_Rule  # noqa: E402

# float64 oracle comparisons: errors measured <= 8.3e-17 absolute and 1.5e-13 relative; these
# tolerances sit about three orders above them.
TOL = dict(rtol=1e-10, atol=1e-13)


def _grad_input(x):
    # Captum warns when it has to switch on requires_grad itself; hand it an input that already does.
    return x.clone().requires_grad_(True)


class FunctionalFlatten(nn.Module):
    """The same network as a GlobalPoolNet, but flattening with torch.flatten in forward.

    Captum's LRP has no rule for nn.Flatten (it raises a TypeError, and with a rule set by
    hand the hook changes a tensor's size), so the oracle sees the flatten as a plain op.
    """

    def __init__(self, net):
        super().__init__()
        self.features, self.pool, self.classifier = net.features, net.pool, net.classifier

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def _zero_biases(model):
    for m in model.modules():
        if getattr(m, "bias", None) is not None:
            nn.init.zeros_(m.bias)
    return model


def _dense(seed=0, d_in=6):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(d_in, 8), nn.ReLU(), nn.Linear(8, 5), nn.ReLU(), nn.Linear(5, 3)).double().eval()


def _gapnet(seed=0, cls=xai.GAPNet):
    torch.manual_seed(seed)
    return cls(channels=(4, 6, 8), n_classes=3).double().eval()


# --------------------------------------------------------------------- LRP oracles
@pytest.mark.parametrize("target", [0, 2, [0, 1, 2, 1]])
def test_lrp_epsilon_equals_captum_on_a_dense_stack(target):
    net = _dense()
    x = torch.randn(4, 6, dtype=torch.float64)
    expected = captum_attr.LRP(net).attribute(_grad_input(x), target=target)
    got = xai.LRP(net, epsilon=1e-9).attribute(x, target)  # Captum's EpsilonRule default is 1e-9
    torch.testing.assert_close(got, expected.detach(), **TOL)


@pytest.mark.parametrize("cls", [xai.GAPNet])
def test_lrp_epsilon_equals_captum_on_a_cnn(cls):
    net = _gapnet(1, cls)
    x = torch.randn(3, 1, 16, 16, dtype=torch.float64)
    expected = captum_attr.LRP(FunctionalFlatten(net)).attribute(_grad_input(x), target=[2, 0, 1])
    got = xai.LRP(net, epsilon=1e-9).attribute(x, [2, 0, 1])
    torch.testing.assert_close(got, expected.detach(), **TOL)


def test_lrp_epsilon_equals_captum_with_a_large_epsilon():
    net = _dense(3)
    for m in net.modules():
        if isinstance(m, nn.Linear):
            m.rule = captum_attr._utils.lrp_rules.EpsilonRule(epsilon=0.25)
    x = torch.randn(5, 6, dtype=torch.float64)
    expected = captum_attr.LRP(net).attribute(_grad_input(x), target=1)
    for m in net.modules():
        if hasattr(m, "rule"):
            del m.rule
    torch.testing.assert_close(xai.LRP(net, epsilon=0.25).attribute(x, 1), expected.detach(), **TOL)


def test_lrp_zplus_equals_captum_alpha1_beta0_on_non_negative_inputs():
    net = _gapnet(2)
    wrapped = FunctionalFlatten(net)
    for m in wrapped.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            m.rule = Alpha1_Beta0_Rule(set_bias_to_zero=True)  # z+ ignores the bias
    x = torch.rand(3, 1, 16, 16, dtype=torch.float64)  # Captum's rule clamps weights only: needs a >= 0
    expected = captum_attr.LRP(wrapped).attribute(_grad_input(x), target=0)
    for m in wrapped.modules():
        if hasattr(m, "rule"):
            del m.rule
    got = xai.LRP(net, rule="zplus", epsilon=1e-9).attribute(x, 0)
    torch.testing.assert_close(got, expected.detach(), **TOL)


# ----------------------------------------------------------- LRP by hand (conv + flatten)
def _hand_net():
    """x = (1, 2) as a 1x2 image; conv (1x2 kernel, 2 maps) = hidden units h = (x1 + x2, -x1 + x2);
    ReLU; Flatten; y = 2 h1 - h2. At x = (1, 2): h = (3, 1), y = 5."""
    conv = nn.Conv2d(1, 2, kernel_size=(1, 2), bias=False)
    lin = nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([[[[1.0, 1.0]]], [[[-1.0, 1.0]]]]))
        lin.weight.copy_(torch.tensor([[2.0, -1.0]]))
    return nn.Sequential(conv, nn.ReLU(), nn.Flatten(), lin).double()


def test_lrp_on_a_conv_flatten_net_by_hand():
    net, x = _hand_net(), torch.tensor([[[[1.0, 2.0]]]], dtype=torch.float64)
    assert net(x).item() == 5.0
    # LRP-0. Top: R_h1 = 3*2/5 * 5 = 6, R_h2 = 1*(-1)/5 * 5 = -1.
    # Bottom: R_x1 = 1*1/3 * 6 + 1*(-1)/1 * (-1) = 3, R_x2 = 2*1/3 * 6 + 2*1/1 * (-1) = 2.
    R0 = xai.LRP(net, epsilon=0.0).attribute(x, 0)
    torch.testing.assert_close(R0, torch.tensor([[[[3.0, 2.0]]]], dtype=torch.float64), rtol=0, atol=1e-12)
    # z+: only h1 contributes positively at the top (6 of 6) -> R_h = (5, 0);
    # bottom: h1 = 1 + 2 -> R_x = (5/3, 10/3).
    Rp = xai.LRP(net, rule="zplus").attribute(x, 0)
    torch.testing.assert_close(Rp, torch.tensor([[[[5 / 3, 10 / 3]]]], dtype=torch.float64), rtol=1e-8, atol=0)
    # alpha = 2, beta = 1, R_j = sum_k (alpha z+_jk / z+_k - beta z-_jk / z-_k) R_k.
    # Top: contributions 6 (h1) and -1 (h2) -> R_h = (2 * 5, -1 * 5) = (10, -5).
    # h1 = 1 + 2 has no negative part: R_x += 2 * (1/3, 2/3) * 10 = (20/3, 40/3).
    # h2 = -1 + 2: x2 is the positive part, x1 the negative: R_x += (-1 * 1 * (-5), 2 * 1 * (-5)) = (5, -10).
    Rab = xai.LRP(net, rule="alphabeta", alpha=2.0, beta=1.0).attribute(x, 0)
    expected = torch.tensor([[[[20 / 3 + 5.0, 40 / 3 - 10.0]]]], dtype=torch.float64)
    torch.testing.assert_close(Rab, expected, rtol=1e-8, atol=0)  # 1e-9 guards in the denominators


# ------------------------------------------------------------------ conservation
@pytest.mark.parametrize("cls", [xai.GAPNet, xai.GMPNet])
@pytest.mark.parametrize("rule", ["epsilon", "zplus"])
def test_relevance_is_conserved_through_a_cnn_with_zero_biases(cls, rule):
    net = _zero_biases(_gapnet(4, cls))
    x = torch.randn(6, 1, 16, 16, dtype=torch.float64)
    out = net(x)
    target = out.argmax(dim=1)
    R = xai.LRP(net, rule=rule, epsilon=1e-9).attribute(x, target)
    assert R.shape == x.shape
    score = out[torch.arange(6), target]
    # measured: |sum R - score| <= 1.3e-9 for scores up to 0.24 (epsilon = 1e-9 absorbs the rest)
    torch.testing.assert_close(R.sum(dim=(1, 2, 3)), score.detach(), rtol=0, atol=1e-8)


def test_conservation_in_float32_with_the_default_epsilon():
    torch.manual_seed(5)
    net = _zero_biases(xai.GAPNet(channels=(4, 8))).eval()
    x = torch.randn(4, 1, 16, 16)
    out = net(x)
    R = xai.LRP(net).attribute(x, 1)  # epsilon = 1e-6
    # measured: 3.6e-6 for scores up to 0.23 (float32 rounding plus epsilon = 1e-6)
    assert torch.allclose(R.sum(dim=(1, 2, 3)), out[:, 1].detach(), rtol=0, atol=2e-5)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), d_in=st.integers(1, 8), target=st.integers(0, 2))
def test_lrp0_equals_gradient_x_input_and_conserves_for_bias_free_relu_nets(seed, d_in, target):
    net = _zero_biases(_dense(seed, d_in))
    x = torch.randn(3, d_in, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    R = xai.LRP(net, epsilon=0.0).attribute(x, target)
    # measured over three runs of these examples: <= 1.1e-16 absolute, 1.4e-14 relative
    torch.testing.assert_close(R, xai.gradient_x_input(net, x, target), rtol=1e-11, atol=1e-14)
    torch.testing.assert_close(R.sum(dim=1), net(x)[:, target].detach(), rtol=1e-11, atol=1e-14)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), alpha=st.sampled_from([1.0, 1.5, 2.0, 3.0]))
def test_alpha_beta_splits_into_positive_and_negative_shares(seed, alpha):
    net = _dense(seed)
    x = torch.randn(2, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    zplus = xai.LRP(net, rule="zplus").attribute(x, 0)
    if alpha == 1.0:
        torch.testing.assert_close(xai.LRP(net, rule="alphabeta", alpha=1.0, beta=0.0).attribute(x, 0), zplus)
    ab = xai.LRP(net, rule="alphabeta", alpha=alpha, beta=alpha - 1).attribute(x, 0)
    assert ab.shape == x.shape and torch.isfinite(ab).all()


# ------------------------------------------------------------- Grad-CAM and CAM
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("relu", [True, False])
def test_grad_cam_equals_captum_layer_grad_cam_upsampled(mode, relu):
    net = _gapnet(6)
    x = torch.randn(3, 1, 16, 16, dtype=torch.float64)
    layer = net.feature_layer
    attr = captum_attr.LayerGradCam(net, layer).attribute(_grad_input(x), target=[1, 2, 0], relu_attributions=relu)
    expected = captum_attr.LayerAttribution.interpolate(attr, (16, 16), interpolate_mode=mode)[:, 0]
    got = xai.grad_cam(net, layer, x, [1, 2, 0], relu=relu, mode=mode)
    torch.testing.assert_close(got, expected.detach(), **TOL)


def test_grad_cam_also_works_on_an_inner_convolution():
    net = _gapnet(7)
    x = torch.randn(2, 1, 16, 16, dtype=torch.float64)
    layer = net.features[3]  # the second convolution, before its ReLU
    attr = captum_attr.LayerGradCam(net, layer).attribute(_grad_input(x), target=1, relu_attributions=True)
    expected = captum_attr.LayerAttribution.interpolate(attr, (16, 16), interpolate_mode="bilinear")[:, 0]
    torch.testing.assert_close(xai.grad_cam(net, layer, x, 1), expected.detach(), **TOL)


@pytest.mark.parametrize("cls", [xai.GAPNet, xai.GMPNet])
def test_grad_cam_of_the_last_feature_maps_is_relu_cam_over_hw(cls):
    net = _gapnet(8, cls)
    x = torch.randn(4, 1, 16, 16, dtype=torch.float64)
    maps = xai.cam(net, x, 2, upsample_to_input=False)  # (4, 4, 4)
    hw = maps.shape[1] * maps.shape[2]
    gc = xai.grad_cam(net, net.feature_layer, x, 2, upsample_to_input=False)
    torch.testing.assert_close(gc, maps.clamp(min=0) / hw, **TOL)


def test_cam_mean_plus_bias_is_the_gap_score():
    net = _gapnet(9)
    x = torch.randn(5, 1, 16, 16, dtype=torch.float64)
    maps = xai.cam(net, x, [0, 1, 2, 0, 1], upsample_to_input=False)
    scores = net(x).detach()[torch.arange(5), [0, 1, 2, 0, 1]]
    bias = net.classifier.bias.detach()[[0, 1, 2, 0, 1]]
    torch.testing.assert_close(maps.mean(dim=(1, 2)) + bias, scores, **TOL)


def test_gradient_x_input_equals_captum():
    net = _gapnet(10)
    x = torch.randn(3, 1, 16, 16, dtype=torch.float64)
    expected = captum_attr.InputXGradient(net).attribute(_grad_input(x), target=2)
    torch.testing.assert_close(xai.gradient_x_input(net, x, 2), expected.detach(), **TOL)


def test_explain_returns_one_map_per_image_for_every_method():
    net = _gapnet(11)
    x = torch.randn(2, 1, 16, 16, dtype=torch.float64)
    for method in xai.METHODS:
        assert xai.explain(net, x, 1, method).shape == (2, 16, 16), method
    torch.testing.assert_close(xai.explain(net, x, 1, "random", seed=3), xai.explain(net, x, 1, "random", seed=3))


# ------------------------------------------------------------------- bad input
def test_unsupported_layers_raise_type_errors_that_name_them():
    with pytest.raises(TypeError, match="Tanh"):
        xai.LRP(nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 2)))
    with pytest.raises(TypeError, match="BatchNorm2d"):
        xai.LRP(nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2)))
    with pytest.raises(TypeError, match="nn.Sequential"):
        xai.LRP(FunctionalFlatten(_gapnet()))


def _x2():
    return torch.randn(2, 6, dtype=torch.float64)


def _image():
    return torch.randn(1, 1, 16, 16, dtype=torch.float64)


@pytest.mark.parametrize("call, error, match", [
    pytest.param(lambda: xai.LRP(_dense(), rule="gamma"), ValueError, "rule", id="LRP-unknown-rule"),
    pytest.param(lambda: xai.LRP(_dense(), epsilon=-1.0), ValueError, "epsilon", id="LRP-negative-epsilon"),
    pytest.param(lambda: xai.LRP(_dense(), rule="alphabeta", alpha=2.0, beta=0.5), ValueError, "alpha - beta",
                 id="LRP-alpha-minus-beta-not-1"),
    pytest.param(lambda: xai.LRP(_dense()).attribute(_x2(), 3), ValueError, r"target must be a class index in \[0, 2\]",
                 id="attribute-target-out-of-range"),
    pytest.param(lambda: xai.LRP(_dense()).attribute(_x2(), [0, 1, 2]), ValueError, "shape",
                 id="attribute-one-target-too-many"),
    pytest.param(lambda: xai.LRP(_dense()).attribute(_x2(), [0.5, 1.0]), TypeError, "integers",
                 id="attribute-float-targets"),
    pytest.param(lambda: xai.LRP(_dense()).attribute(torch.randn(6, dtype=torch.float64), 0), ValueError, "batch axis",
                 id="attribute-no-batch-axis"),
    pytest.param(lambda: xai.LRP(_dense()).attribute(np.zeros((2, 6)), 0), TypeError, "torch.Tensor",
                 id="attribute-numpy-input"),
    pytest.param(lambda: xai.cam(_gapnet(), torch.randn(1, 16, 16, dtype=torch.float64), 0), ValueError,
                 "channels, height, width", id="cam-no-channel-axis"),
    pytest.param(lambda: xai.cam(_dense(), torch.randn(1, 1, 4, 4), 0), TypeError, "classifier",
                 id="cam-model-without-classifier"),
    pytest.param(lambda: xai.grad_cam(_gapnet(), nn.ReLU(), _image(), 0), TypeError, "submodule",
                 id="grad_cam-layer-not-a-submodule"),
    pytest.param(lambda: xai.explain(_gapnet(), _image(), 0, "saliency"), ValueError, "method",
                 id="explain-unknown-method"),
    pytest.param(lambda: xai.GlobalPoolNet("median"), ValueError, "pooling", id="GlobalPoolNet-unknown-pooling"),
    pytest.param(lambda: xai.GAPNet(channels=()), ValueError, "channels", id="GAPNet-no-channels"),
])
def test_bad_arguments_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("call, error, match", [
    pytest.param(lambda cnn, x, maps, masks: xai.gradient_x_input(None, x, 0), TypeError, "model must be a torch.nn.Module",
                 id="gradient_x_input-model-None"),
    pytest.param(lambda cnn, x, maps, masks: xai.gradient_x_input(cnn, x.float(), 0), TypeError, "x must have the dtype of the model's parameters",
                 id="gradient_x_input-float32-x"),
    pytest.param(lambda cnn, x, maps, masks: xai.gradient_x_input(cnn, x[None], 0), ValueError, r"x of shape \(1, 2, 1, 16, 16\) does not fit",
                 id="gradient_x_input-x-too-many-dims"),
    pytest.param(lambda cnn, x, maps, masks: xai.cam(cnn, x[:1], [0, 1]), ValueError, "one class per example of x",
                 id="cam-targets-vs-batch"),
    pytest.param(lambda cnn, x, maps, masks: xai.LRP(cnn).attribute(x[:1], [0, 1]), ValueError, "one class per example of inputs",
                 id="LRP-targets-vs-batch"),
    pytest.param(lambda cnn, x, maps, masks: xai.cam(cnn, x, 0, upsample_to_input="no"), TypeError, "upsample_to_input must be bool",
                 id="cam-upsample_to_input-not-bool"),
    pytest.param(lambda cnn, x, maps, masks: xai.grad_cam(cnn, cnn.feature_layer, x, 0, relu="no"), TypeError, "relu must be bool",
                 id="grad_cam-relu-not-bool"),
    pytest.param(lambda cnn, x, maps, masks: xai.pointing_game(maps.masked_fill(masks, float("nan")), masks), ValueError, "maps must contain only finite",
                 id="pointing_game-nan-maps"),
    pytest.param(lambda cnn, x, maps, masks: xai.mass_inside(maps.to(torch.complex64), masks), TypeError, "maps must hold real numbers",
                 id="mass_inside-complex-maps"),
    pytest.param(lambda cnn, x, maps, masks: xai.spot_size(None), TypeError, "maps must be a torch.Tensor",
                 id="spot_size-maps-None"),
    pytest.param(lambda cnn, x, maps, masks: xai.deletion_curve(cnn, x, maps[:1], 0), ValueError, "one map per image of x",
                 id="deletion_curve-maps-vs-images"),
    pytest.param(lambda cnn, x, maps, masks: xai.deletion_auc("abc", [[1.0]]), TypeError, "fractions must be an array-like",
                 id="deletion_auc-fractions-str"),
    pytest.param(lambda cnn, x, maps, masks: xai.deletion_auc(np.linspace(0, 1, 3) + 1j, [[1.0, 0.5, 0.2]]), TypeError, "fractions must hold real",
                 id="deletion_auc-complex-fractions"),
    pytest.param(lambda cnn, x, maps, masks: xai.upsample(maps.numpy(), (8, 8)), TypeError, "maps must be a torch.Tensor",
                 id="upsample-numpy-maps"),
    pytest.param(lambda cnn, x, maps, masks: xai.upsample(maps, None), TypeError, r"size must be a pair \(H, W\)",
                 id="upsample-size-None"),
    pytest.param(lambda cnn, x, maps, masks: xai.upsample(maps, ("x", 8)), TypeError, r"size\[0\] must be an integer",
                 id="upsample-size-str"),
    pytest.param(lambda cnn, x, maps, masks: xai.random_maps(()), ValueError, r"shape must be \(B, H, W\)",
                 id="random_maps-empty-shape"),
    pytest.param(lambda cnn, x, maps, masks: xai.random_maps(("x", 4, 4)), TypeError, r"shape\[0\] must be an integer",
                 id="random_maps-shape-str"),
    pytest.param(lambda cnn, x, maps, masks: xai.GAPNet(in_channels=10**12), ValueError, "reduce in_channels, n_classes or channels",
                 id="GAPNet-too-large"),
    pytest.param(lambda cnn, x, maps, masks: xai.explain(None, x, 0, "lrp"), TypeError, "model must be a torch.nn.Module",
                 id="explain-model-None"),
])
def test_bad_inputs_are_named_by_their_parameter(call, error, match):
    cnn, x = _gapnet(), torch.randn(2, 1, 16, 16, dtype=torch.float64)
    maps = torch.rand(2, 16, 16)
    masks = torch.rand(2, 16, 16) > 0.5
    with pytest.raises(error, match=match):
        call(cnn, x, maps, masks)


def test_to_heatmap_keeps_nan_visible():
    assert xai.to_heatmap(torch.full((1, 2, 2), float("nan"))).isnan().all()  # NaN stays visible there


# ------------------------------------------------------------------ evaluation
def test_pointing_game_mass_and_spot_on_hand_made_maps():
    masks = torch.zeros(2, 4, 4, dtype=torch.bool)
    masks[:, :2, :2] = True  # object in the top-left quarter
    maps = torch.zeros(2, 4, 4)
    maps[0, 0, 1] = 3.0  # peak inside
    maps[0, 3, 3] = 1.0
    maps[1, 3, 3] = 2.0  # peak outside
    maps[1, 0, 0] = 1.0
    maps[1, 2, 2] = -5.0  # negative evidence is ignored by the mass
    assert xai.pointing_game(maps, masks).tolist() == [True, False]
    torch.testing.assert_close(xai.mass_inside(maps, masks), torch.tensor([0.75, 1 / 3]))
    torch.testing.assert_close(xai.spot_size(maps, 0.5), torch.tensor([1 / 16, 2 / 16]))  # 3 >= 1.5; 2, 1 >= 1
    uniform = torch.ones(2, 4, 4)
    torch.testing.assert_close(xai.mass_inside(uniform, masks), torch.tensor([0.25, 0.25]))
    assert xai.spot_size(uniform).tolist() == [1.0, 1.0]
    assert xai.mass_inside(-uniform, masks).tolist() == [0.0, 0.0]
    # channels are summed: a (B, C, H, W) attribution scores like its channel sum
    assert xai.pointing_game(maps[:, None].repeat(1, 3, 1, 1), masks).tolist() == [True, False]
    with pytest.raises(ValueError, match="masks"):
        xai.pointing_game(maps, masks[:, :3])
    with pytest.raises(ValueError, match="level"):
        xai.spot_size(maps, 0.0)


def test_deletion_curve_starts_at_the_model_score_and_ends_at_the_baseline_score():
    net = _gapnet(12).float()
    x = torch.randn(3, 1, 16, 16)
    maps = torch.rand(3, 16, 16)
    fractions, scores = xai.deletion_curve(net, x, maps, [0, 1, 2], steps=8)
    assert fractions.tolist() == [i / 8 for i in range(9)]
    with torch.no_grad():
        p0 = net(x).softmax(1)[torch.arange(3), [0, 1, 2]].numpy()
        p1 = net(torch.zeros(1, 1, 16, 16)).softmax(1)[0, [0, 1, 2]].numpy()
    np.testing.assert_allclose(scores[:, 0], p0, rtol=1e-6)
    np.testing.assert_allclose(scores[:, -1], p1, rtol=1e-6)
    # the pixels removed at half way are exactly the 128 largest of each map
    _, logits = xai.deletion_curve(net, x, maps, 0, steps=2, score="logit")
    keep = maps.flatten(1).argsort(dim=1, descending=True)[:, :128]
    xh = x.clone().flatten(1)
    xh[torch.arange(3)[:, None], keep] = 0.0
    with torch.no_grad():
        np.testing.assert_allclose(logits[:, 1], net(xh.reshape(3, 1, 16, 16))[:, 0].numpy(), rtol=1e-5)
    auc = xai.deletion_auc(fractions, np.ones((2, 9)))
    np.testing.assert_allclose(auc, [1.0, 1.0])
    np.testing.assert_allclose(xai.deletion_auc([0.0, 1.0], [[0.0, 1.0]]), [0.5])
    np.testing.assert_allclose(xai.deletion_auc([0.0, 0.25], [[0.0, 1.0]]), [0.5])  # normalised by the range
    fr, sc = xai.deletion_curve(net, x, maps, 0, steps=4, max_fraction=0.25)
    assert fr.tolist() == [0.0, 0.0625, 0.125, 0.1875, 0.25] and sc.shape == (3, 5)
    np.testing.assert_allclose(sc[:, 0], net(x).softmax(1)[:, 0].detach().numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="same T"):
        xai.deletion_auc(fractions, np.ones((2, 3)))
    with pytest.raises(ValueError, match="maps"):
        xai.deletion_curve(net, x, maps[:, :8], 0)


def test_random_maps_are_seeded():
    a, b = xai.random_maps((2, 5, 5), seed=1), xai.random_maps((2, 5, 5), seed=1)
    assert torch.equal(a, b) and not torch.equal(a, xai.random_maps((2, 5, 5), seed=2))


# ------------------------------------------------------------------- the widget
def test_xai_explorer_driven_from_code():
    pytest.importorskip("ipywidgets")
    from dlcourse.widgets import explain_image, xai_explorer

    torch.manual_seed(0)
    net = xai.GAPNet(channels=(4, 8)).eval()
    data = shapes_localisation(4, size=16, min_shape=6, max_shape=8, seed=0)
    ex = xai_explorer(net, data.images, data.masks, data.class_names, method="grad_cam", threshold=0.5)
    assert ex.result["method"] == "grad_cam" and ex.result["target"] == ex.result["predicted"]
    assert ex.image.value[:4] == b"\x89PNG" and "predicted class" in ex.html.value
    ex.controls["index"].value = 2
    ex.controls["method"].value = "lrp"
    ex.controls["target"].value = 1
    expected = xai.explain(net, data.images[2:3], 1, "lrp")[0].numpy()
    np.testing.assert_allclose(ex.result["heatmap"], expected, rtol=1e-6, atol=1e-9)
    assert ex.result["target"] == 1
    peak = np.unravel_index(np.argmax(expected), expected.shape)
    assert ex.result["hit"] == bool(data.masks[2][peak])
    shares = []
    for t in (0.1, 0.5, 0.9):
        ex.controls["threshold"].value = t
        shares.append(ex.result["region_share"])
        scaled = expected / np.abs(expected).max()
        assert ex.result["region_share"] == pytest.approx(float((scaled >= t).mean()))
    assert shares[0] >= shares[1] >= shares[2]
    direct = explain_image(net, data.images[0], "cam", 0, 0.3, data.masks[0], data.class_names)
    assert direct["mass_inside"] == pytest.approx(float(xai.mass_inside(xai.cam(net, data.images[:1], 0), data.masks[:1])[0]))
    with pytest.raises(ValueError, match="method"):
        explain_image(net, data.images[0], "saliency")
    with pytest.raises(ValueError, match="image"):
        explain_image(net, data.images[:2], "cam")
