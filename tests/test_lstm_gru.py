"""dlcourse.rnn (chapter 7): the from-scratch LSTM and GRU against torch.nn.LSTM / torch.nn.GRU,
the NumPy steps against the torch cells, the worked table with its errata, the two GRU
conventions, peepholes, parameter counts, the gate widgets and bad input."""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcourse.rnn import (
    GRU,
    LSTM,
    RNN,
    GRUCell,
    LSTMCell,
    PeepholeLSTMCell,
    count_parameters,
    gru_step,
    gru_update,
    init_gru_params,
    init_lstm_params,
    lstm_cell_update,
    lstm_step,
    sigmoid,
)

torch.set_num_threads(1)

FAMILIES = {"lstm": (torch.nn.LSTM, LSTM), "gru": (torch.nn.GRU, GRU)}


def _compare_with_torch(kind, dtype, tol, L, N, layers, bidir, batch_first, D_in=3, H=5, seed=0):
    """Outputs, final states and every gradient (input, initial states, parameters) must agree."""
    Ref, Ours = FAMILIES[kind]
    torch.manual_seed(seed)
    ref = Ref(D_in, H, num_layers=layers, bidirectional=bidir, batch_first=batch_first).to(dtype)
    ours = Ours.from_torch(ref)
    D = 2 if bidir else 1
    shape = (N, L, D_in) if batch_first else (L, N, D_in)
    x1 = torch.randn(shape, dtype=dtype, requires_grad=True)
    x2 = x1.detach().clone().requires_grad_(True)
    states1 = [torch.randn(D * layers, N, H, dtype=dtype, requires_grad=True) for _ in range(2 if kind == "lstm" else 1)]
    states2 = [s.detach().clone().requires_grad_(True) for s in states1]
    if kind == "lstm":
        out_ref, (hn_ref, cn_ref) = ref(x1, tuple(states1))
        out, (hn, cn) = ours(x2, tuple(states2))
        finals = [(hn, hn_ref), (cn, cn_ref)]
    else:
        out_ref, hn_ref = ref(x1, states1[0])
        out, hn = ours(x2, states2[0])
        finals = [(hn, hn_ref)]
    torch.testing.assert_close(out, out_ref, rtol=tol, atol=tol)
    for mine, theirs in finals:
        torch.testing.assert_close(mine, theirs, rtol=tol, atol=tol)
    gen = torch.Generator().manual_seed(seed + 1)
    w = torch.randn(out_ref.shape, generator=gen, dtype=dtype)
    v = [torch.randn(t.shape, generator=gen, dtype=dtype) for _, t in finals]
    loss_ref = (out_ref * w).sum() + sum((t * vk).sum() for (_, t), vk in zip(finals, v))
    loss = (out * w).sum() + sum((m * vk).sum() for (m, _), vk in zip(finals, v))
    loss_ref.backward()
    loss.backward()
    torch.testing.assert_close(x2.grad, x1.grad, rtol=tol, atol=tol)
    for s2, s1 in zip(states2, states1):
        torch.testing.assert_close(s2.grad, s1.grad, rtol=tol, atol=tol)
    for name, p in ref.named_parameters():
        layer, rev = int(name.split("_l")[1][0]), name.endswith("_reverse")
        own = getattr(ours.cells[layer * D + int(rev)], name.split("_l")[0])
        torch.testing.assert_close(own.grad, p.grad, rtol=tol, atol=tol, msg=lambda m, name=name: f"{name}: {m}")


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("dtype,tol", [(torch.float32, 1e-6), (torch.float64, 1e-12)])
@pytest.mark.parametrize(
    "L,N,layers,bidir,batch_first",
    [(1, 1, 1, False, False), (5, 1, 2, True, True), (1, 3, 2, False, True), (6, 4, 2, True, False), (4, 2, 1, True, False)],
)
def test_equals_torch(kind, dtype, tol, L, N, layers, bidir, batch_first):
    _compare_with_torch(kind, dtype, tol, L, N, layers, bidir, batch_first, seed=L * 10 + N)


@settings(max_examples=12, deadline=None)
@given(
    kind=st.sampled_from(["lstm", "gru"]), L=st.integers(1, 6), N=st.integers(1, 4), layers=st.integers(1, 3),
    bidir=st.booleans(), batch_first=st.booleans(), D_in=st.integers(1, 4), H=st.integers(1, 6),
    seed=st.integers(0, 1000),
)
def test_equals_torch_random_shapes_float64(kind, L, N, layers, bidir, batch_first, D_in, H, seed):
    _compare_with_torch(kind, torch.float64, 1e-12, L, N, layers, bidir, batch_first, D_in=D_in, H=H, seed=seed)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_unbatched_input_default_state_and_no_bias(kind):
    Ref, Ours = FAMILIES[kind]
    torch.manual_seed(3)
    for bias in (True, False):
        ref = Ref(3, 4, num_layers=2, bidirectional=True, bias=bias).double()
        ours = Ours.from_torch(ref)
        assert len(list(ours.parameters())) == len(list(ref.parameters()))
        x = torch.randn(5, 3, dtype=torch.double)
        out_ref, st_ref = ref(x)
        out, st_ours = ours(x)
        torch.testing.assert_close(out, out_ref, rtol=1e-12, atol=1e-12)
        torch.testing.assert_close(st_ours, st_ref, rtol=1e-12, atol=1e-12)


def test_cells_equal_torch_cells():
    torch.manual_seed(1)
    x, h, c = torch.randn(3, 4).double(), torch.randn(3, 6).double(), torch.randn(3, 6).double()
    lstm_ref = torch.nn.LSTMCell(4, 6).double()
    lstm = LSTMCell.from_torch(lstm_ref)
    torch.testing.assert_close(lstm(x, (h, c)), lstm_ref(x, (h, c)), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(lstm(x[0]), lstm_ref(x[0]), rtol=1e-12, atol=1e-12)
    gru_ref = torch.nn.GRUCell(4, 6).double()
    gru = GRUCell.from_torch(gru_ref)
    torch.testing.assert_close(gru(x, h), gru_ref(x, h), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(gru(x[0]), gru_ref(x[0]), rtol=1e-12, atol=1e-12)


def _numpy(module):
    return {k: v.detach().double().numpy() for k, v in module.state_dict().items()}


def test_numpy_steps_equal_torch_cells():
    torch.manual_seed(2)
    x, h, c = torch.randn(3, 4).double(), torch.randn(3, 5).double(), torch.randn(3, 5).double()
    ref = torch.nn.LSTMCell(4, 5).double()
    out = lstm_step(x.numpy(), h.numpy(), c.numpy(), _numpy(ref))
    h_ref, c_ref = ref(x, (h, c))
    np.testing.assert_allclose(out["h"], h_ref.detach().numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(out["c"], c_ref.detach().numpy(), rtol=0, atol=1e-12)
    gref = torch.nn.GRUCell(4, 5).double()
    out = gru_step(x.numpy(), h.numpy(), _numpy(gref), "pytorch")
    np.testing.assert_allclose(out["h"], gref(x, h).detach().numpy(), rtol=0, atol=1e-12)
    unbatched = gru_step(x[0].numpy(), h[0].numpy(), _numpy(gref), "pytorch")
    np.testing.assert_allclose(unbatched["h"], out["h"][0], atol=1e-15)


def test_gru_conventions_are_one_model_with_z_replaced_by_one_minus_z():
    params = init_gru_params(3, 4, seed=5)
    H = 4
    flipped = {k: v.copy() for k, v in params.items()}
    for key in flipped:  # negate the update rows: sigma(-a) = 1 - sigma(a)
        flipped[key][H:2 * H] *= -1
    rng = np.random.default_rng(0)
    x, h = rng.normal(size=(6, 3)), rng.normal(size=(6, 4))
    torch_form = gru_step(x, h, params, "pytorch")
    book_form = gru_step(x, h, flipped, "book")
    np.testing.assert_allclose(book_form["h"], torch_form["h"], atol=1e-15)
    np.testing.assert_allclose(book_form["z"], 1.0 - torch_form["z"], atol=1e-15)
    # reading the same weights in the other convention is a different model
    assert not np.allclose(gru_step(x, h, params, "book")["h"], torch_form["h"])


def test_gru_reset_before_is_chos_form():
    p = init_gru_params(2, 3, seed=1)
    rng = np.random.default_rng(1)
    x, h = rng.normal(size=(4, 2)), rng.normal(size=(4, 3))
    out = gru_step(x, h, p, "book", reset_after=False)
    W_in, W_hn = p["weight_ih"][6:], p["weight_hh"][6:]
    a_n = x @ W_in.T + p["bias_ih"][6:] + (out["r"] * h) @ W_hn.T + p["bias_hh"][6:]
    np.testing.assert_allclose(out["h_tilde"], np.tanh(a_n), atol=1e-14)
    after = gru_step(x, h, p, "book", reset_after=True)
    assert not np.allclose(after["h"], out["h"])


def test_worked_table_and_errata():
    f = np.array([0, .2, .9, .1, 1, .2, .1, .9, .4, .1])
    c_prev = np.array([-.2, .1, .5, .7, .9, -.3, -1.1, 2.0, .6, .7])
    i = np.array([.1, 0, .8, .2, .8, .7, 1, .9, .2, .4])
    g = np.array([-.1, .3, .6, .2, .9, .1, .4, 2.1, .6, .9])
    o = np.array([.5, .4, .1, .9, .2, .3, .8, .7, .1, .9])
    out = lstm_cell_update(c_prev, f, i, g, o)
    np.testing.assert_allclose(out["f_c"], [0, .02, .45, .07, .9, -.06, -.11, 1.8, .24, .07], atol=1e-12)
    np.testing.assert_allclose(out["i_g"], [-.01, 0, .48, .04, .72, .07, .4, 1.89, .12, .36], atol=1e-12)
    np.testing.assert_allclose(out["c"], [-.01, .02, .93, .11, 1.62, .01, .29, 3.69, .36, .43], atol=1e-12)
    np.testing.assert_allclose(out["h"], o * np.tanh(out["c"]), atol=0)
    assert abs(out["i_g"][2] - 0.48) < 1e-12  # erratum: candidate 0.6, not 6 (6 would give 4.8)
    assert abs(out["h"][1] - 0.008) < 1e-5 and abs(out["h"][1] - 0.08) > 0.07  # erratum: 0.008, not 0.08
    keep = lstm_cell_update(c_prev, np.ones(10), np.zeros(10), g, o)
    np.testing.assert_array_equal(keep["c"], c_prev)  # forget gate all ones, input closed: all kept
    forget = lstm_cell_update(c_prev, np.zeros(10), i, g, o)
    np.testing.assert_array_equal(forget["c"], i * g)  # forget gate all zeros: nothing of c_prev


gate = st.floats(0.0, 1.0)
value = st.floats(-3.0, 3.0)


@settings(max_examples=60, deadline=None)
@given(f=gate, i=gate, o=gate, c_prev=value, g=st.floats(-1.0, 1.0))
def test_lstm_update_laws(f, i, o, c_prev, g):
    out = lstm_cell_update(c_prev, f, i, g, o)
    assert abs(out["c"]) <= f * abs(c_prev) + i * abs(g) + 1e-12  # the cell grows by at most i |g| <= 1
    assert abs(out["h"]) <= o + 1e-12  # |h| <= o < 1


@settings(max_examples=60, deadline=None)
@given(z=gate, h_prev=value, h_tilde=st.floats(-1.0, 1.0))
def test_gru_update_is_a_convex_mix_and_conventions_swap(z, h_prev, h_tilde):
    book = gru_update(h_prev, z, h_tilde, "book")
    lo, hi = min(h_prev, h_tilde), max(h_prev, h_tilde)
    assert lo - 1e-12 <= book["h"] <= hi + 1e-12
    assert abs(book["h"] - gru_update(h_prev, 1.0 - z, h_tilde, "pytorch")["h"]) < 1e-12


def test_peephole_cell():
    torch.manual_seed(4)
    ref = torch.nn.LSTMCell(3, 4).double()
    cell = PeepholeLSTMCell.from_torch(ref)  # zero peepholes: the plain LSTM
    x, h, c = torch.randn(2, 3).double(), torch.randn(2, 4).double(), torch.randn(2, 4).double()
    torch.testing.assert_close(cell(x, (h, c)), ref(x, (h, c)), rtol=1e-12, atol=1e-12)
    with torch.no_grad():
        for name in ("weight_ci", "weight_cf", "weight_co"):
            getattr(cell, name).uniform_(-1, 1)
    out = lstm_step(x.numpy(), h.numpy(), c.numpy(), _numpy(cell))
    h_new, c_new = cell(x, (h, c))
    np.testing.assert_allclose(h_new.detach().numpy(), out["h"], atol=1e-12)
    np.testing.assert_allclose(c_new.detach().numpy(), out["c"], atol=1e-12)
    assert not np.allclose(out["h"], ref(x, (h, c))[0].detach().numpy())
    inputs = (x.requires_grad_(True), (h.requires_grad_(True), c.requires_grad_(True)))
    assert torch.autograd.gradcheck(lambda a, b, d: sum(cell(a, (b, d))), (inputs[0], *inputs[1]))
    lstm = LSTM(3, 4, num_layers=2, peephole=True).double()
    out_seq, (hn, cn) = lstm(torch.randn(5, 2, 3, dtype=torch.double))
    out_seq.sum().backward()
    assert lstm.cells[0].weight_ci.grad is not None and lstm.cells[0].weight_ci.grad.abs().sum() > 0


@pytest.mark.parametrize("layers,bidir,bias", [(1, False, True), (2, True, True), (3, False, False), (2, True, False)])
def test_count_parameters_equals_torch(layers, bidir, bias):
    counts = {}
    for mode, Ref in (("rnn", torch.nn.RNN), ("gru", torch.nn.GRU), ("lstm", torch.nn.LSTM)):
        ref = Ref(7, 11, num_layers=layers, bidirectional=bidir, bias=bias)
        counts[mode] = count_parameters(mode, 7, 11, layers, bias=bias, bidirectional=bidir)
        assert counts[mode] == sum(p.numel() for p in ref.parameters())
    assert counts["gru"] == 3 * counts["rnn"] and counts["lstm"] == 4 * counts["rnn"]
    ours = {"rnn": RNN(7, 11, layers, bias=bias, bidirectional=bidir), "gru": GRU(7, 11, layers, bias, bidirectional=bidir),
            "lstm": LSTM(7, 11, layers, bias, bidirectional=bidir)}
    for mode, model in ours.items():
        assert sum(p.numel() for p in model.parameters()) == counts[mode]


def test_initialisation_range_and_numpy_params():
    model = LSTM(4, 16)
    k = 1 / math.sqrt(16)
    for p in model.parameters():
        assert p.abs().max() <= k
    p = init_lstm_params(4, 16, peephole=True)
    assert p["weight_ih"].shape == (64, 4) and p["weight_co"].shape == (16,)
    assert init_gru_params(4, 16)["weight_hh"].shape == (48, 16)
    np.testing.assert_allclose(sigmoid(np.array([-800.0, 0.0, 800.0])), [0.0, 0.5, 1.0])


_LSTM_P = init_lstm_params(3, 4)

BAD_INPUT = [
    (lambda: LSTM(3, 4)(torch.zeros(5, 2, 7)), ValueError, "input_size"),
    (lambda: GRU(3, 4)(torch.zeros(5)), ValueError, "x must be 2 or 3-dimensional"),
    (lambda: LSTM(3, 4)(torch.zeros(5, 2, 3), (torch.zeros(1, 3, 4), torch.zeros(1, 2, 4))), ValueError,
     "h_0 must have shape"),
    (lambda: LSTM(3, 4)(torch.zeros(5, 2, 3), torch.zeros(1, 2, 4)), TypeError, "pair"),
    (lambda: LSTMCell(3, 4)(torch.zeros(2, 3), torch.zeros(2, 4)), TypeError, "hx must be a pair"),
    (lambda: GRU(3, 4)(torch.zeros(0, 2, 3)), ValueError, "at least one time step"),
    (lambda: LSTM(3, 4)(np.zeros((5, 2, 3))), TypeError, r"x must be a torch.Tensor; got ndarray.*torch.as_tensor"),
    (lambda: GRU(3, 4)(np.zeros((5, 2, 3))), TypeError, "x must be a torch.Tensor"),
    (lambda: LSTM(3, 4)(torch.zeros(5, 2, 3), (np.zeros((1, 2, 4)), torch.zeros(1, 2, 4))), TypeError,
     "h_0 must be a torch.Tensor"),
    (lambda: GRUCell(3, 4)(np.zeros(3)), TypeError, "x must be a torch.Tensor"),
    (lambda: GRU(3, 4, num_layers=10**12), ValueError, "num_layers must be at most 1000"),
    (lambda: LSTM(3, 4, num_layers=0), ValueError, "num_layers must be >= 1"),
    (lambda: LSTM.from_torch(torch.nn.GRU(3, 4)), TypeError, "torch.nn.LSTM"),
    (lambda: GRUCell.from_torch(torch.nn.LSTMCell(3, 4)), TypeError, "torch.nn.GRUCell"),
    (lambda: LSTMCell.from_torch(torch.nn.GRUCell(3, 4)), TypeError, "torch.nn.LSTMCell"),
    (lambda: GRU.from_torch(torch.nn.GRU(3, 4, num_layers=2, dropout=0.5)), ValueError, "dropout"),
    (lambda: LSTM.from_torch(torch.nn.LSTM(3, 4, proj_size=2)), ValueError, "proj_size"),
    (lambda: LSTMCell(3, 0), ValueError, "hidden_size must be >= 1"),
    (lambda: LSTMCell(3, 4)(torch.zeros(2, 3), (torch.zeros(2, 4), torch.zeros(1, 4))), ValueError,
     "c must have shape"),
    (lambda: lstm_step(np.zeros(3), np.zeros(4), np.zeros(4), {"weight_ih": _LSTM_P["weight_ih"]}), ValueError,
     "missing"),
    (lambda: lstm_step(np.zeros(2), np.zeros(4), np.zeros(4), _LSTM_P), ValueError, r"weight_ih'\] must have shape"),
    (lambda: gru_step(np.zeros(3), np.zeros(4), [1, 2]), TypeError, "params must be"),
    (lambda: gru_step(np.zeros(3), np.zeros(4), init_gru_params(3, 4), "keras"), ValueError,
     "convention must be one of"),
    (lambda: lstm_cell_update(0.5, 1.5, 0.5, 0.5, 0.5), ValueError, "f is a gate"),
    (lambda: lstm_cell_update(np.zeros(3), np.zeros(4), 0.5, 0.5, 0.5), ValueError, "broadcast"),
    (lambda: count_parameters("transformer", 3, 4), ValueError, "mode must be one of"),
    (lambda: count_parameters("gru", 0, 4), ValueError, "input_size must be >= 1"),
    (lambda: count_parameters("gru", 3, 4, 0), ValueError, "num_layers must be >= 1"),
    (lambda: count_parameters("gru", 3, 4, 2.0), TypeError, "num_layers must be an integer"),
    (lambda: count_parameters("gru", 3, 4, bias="yes"), TypeError, "bias must be bool"),
    (lambda: count_parameters("lstm", 3, 4, bidirectional=None), TypeError, "bidirectional must be bool"),
    (lambda: lstm_cell_update(np.zeros((1, 1, 1)), 0.5, 0.5, 0.5, 0.5), ValueError,
     r"c_prev must be a number, a vector \(hidden_size,\) or a batch"),
    (lambda: lstm_cell_update(np.nan, 0.5, 0.5, 0.5, 0.5), ValueError, "c_prev must contain only finite numbers"),
    (lambda: lstm_cell_update("a", 0.5, 0.5, 0.5, 0.5), TypeError, "c_prev must be an array-like of real numbers"),
    (lambda: GRU(3, 4)(torch.zeros(5, 2, 3, dtype=torch.float64)), TypeError,
     r"x must have the dtype of the model's parameters, torch.float32; got torch.float64"),
    (lambda: LSTM(3, 4)(torch.zeros(5, 2, 3), (torch.zeros(1, 2, 4, dtype=torch.int64), torch.zeros(1, 2, 4))),
     TypeError, "h_0 must have the dtype of the model's parameters"),
    (lambda: LSTM(3, 4)(torch.zeros(5, 2, 3), (None, torch.zeros(1, 2, 4))), TypeError, "None for one of them"),
    (lambda: GRUCell(3, 4)(torch.zeros(2, 3, dtype=torch.complex64)), TypeError, "x must have the dtype"),
    (lambda: LSTM(3, 4, bidirectional="no"), TypeError, "bidirectional must be True or False; got str"),
    (lambda: GRU(3, 4, batch_first=1), TypeError, "batch_first must be True or False; got int"),
    (lambda: LSTM(3, 4, peephole="yes"), TypeError, "peephole must be True or False"),
    (lambda: LSTMCell(3, 4, bias=None), TypeError, "bias must be True or False"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT, ids=[f"case{i}" for i in range(len(BAD_INPUT))])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_count_parameters_by_formula_for_any_depth():
    """A closed form (a per-layer loop would not return for 10**12 layers); each extra layer adds the same count."""
    huge = count_parameters("gru", 3, 4, num_layers=10**12)
    one, two = count_parameters("gru", 3, 4, 1), count_parameters("gru", 3, 4, 2)
    assert huge == one + (10**12 - 1) * (two - one) == 3 * (4 * 3 + 16 + 8) + (10**12 - 1) * 3 * (16 + 16 + 8)
    import dlcourse.rnn as rnn_package
    import dlcourse.rnn.gru as gru_module

    assert rnn_package.count_parameters is gru_module.count_parameters is count_parameters  # every old path


def test_lstm_gate_explorer_driven_from_code():
    from dlcourse.widgets import lstm_gate_explorer, lstm_gate_figure

    explorer = lstm_gate_explorer()
    explorer.controls["c_prev"].value = 0.5
    explorer.controls["f"].value = 1.0
    explorer.controls["i"].value = 0.0
    assert explorer.result["c"] == pytest.approx(0.5)  # all kept, nothing written
    explorer.controls["f"].value = 0.0
    explorer.controls["i"].value = 0.8
    explorer.controls["g"].value = 0.6
    explorer.controls["o"].value = 0.5
    assert explorer.result["c"] == pytest.approx(0.48)
    assert explorer.result["h"] == pytest.approx(0.5 * np.tanh(0.48))
    assert explorer.image.value[:4] == b"\x89PNG" and "0.4800" in explorer.html.value
    fig = lstm_gate_figure()
    assert len(fig.axes) == 3
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_gru_gate_explorer_driven_from_code():
    from dlcourse.widgets import gru_gate_arithmetic, gru_gate_explorer, gru_gate_figure

    explorer = gru_gate_explorer()
    explorer.controls["h_prev"].value = 0.8
    explorer.controls["z"].value = 0.0
    assert explorer.result["h"] == pytest.approx(0.8)  # book: z = 0 keeps the old state
    explorer.controls["convention"].value = "pytorch"
    assert explorer.result["h"] == pytest.approx(explorer.result["h_tilde"])  # pytorch: z = 0 takes the candidate
    explorer.controls["r"].value = 0.0
    assert explorer.result["h_tilde"] == pytest.approx(np.tanh(explorer.controls["x_part"].value))
    with pytest.raises(ValueError, match="z must be <= 1"):
        gru_gate_arithmetic(z=1.5)
    import matplotlib.pyplot as plt

    plt.close(gru_gate_figure())


# ----------------------------------------------------------- the fused LSTM (hand-written backward)
@pytest.mark.parametrize("layers,bidir,batch_first", [(1, False, True), (2, True, False), (3, True, True)])
def test_fused_lstm_equals_the_step_by_step_teaching_version(layers, bidir, batch_first):
    """LSTM(fused=True) runs LSTMSequence (hand-written backward); fused=False loops over
    LSTMCell.recur with autograd. Outputs, final states and every gradient agree at 1e-12."""
    torch.manual_seed(layers)
    fast = LSTM(3, 6, num_layers=layers, bidirectional=bidir, batch_first=batch_first, dtype=torch.float64)
    slow = LSTM(3, 6, num_layers=layers, bidirectional=bidir, batch_first=batch_first, dtype=torch.float64,
                fused=False)
    slow.load_state_dict(fast.state_dict())
    D = 2 if bidir else 1
    x = torch.randn((4, 7, 3) if batch_first else (7, 4, 3), dtype=torch.float64)  # batch 4, length 7
    h0, c0 = (torch.randn(D * layers, 4, 6, dtype=torch.float64) for _ in range(2))
    grads = []
    for model in (fast, slow):
        inputs = [t.clone().requires_grad_(True) for t in (x, h0, c0)]
        out, (h_n, c_n) = model(inputs[0], (inputs[1], inputs[2]))
        w = torch.cos(torch.arange(out.numel(), dtype=torch.float64)).reshape(out.shape)
        loss = (out * w).sum() + (h_n ** 2).sum() + (c_n * 0.5).sum()
        loss.backward()
        grads.append([out, h_n, c_n] + [t.grad for t in inputs] + [p.grad for p in model.parameters()])
    for a, b in zip(*grads):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reverse", [False, True])
def test_lstm_sequence_backward_passes_gradcheck(reverse):
    """The hand-written backward of LSTMSequence against finite differences (float64),
    including the case where only some outputs carry a gradient."""
    from dlcourse.rnn.lstm import LSTMSequence

    torch.manual_seed(0)
    L, N, H = 4, 3, 2
    xp = torch.randn(L, N, 4 * H, dtype=torch.float64, requires_grad=True)
    w = (0.5 * torch.randn(4 * H, H, dtype=torch.float64)).requires_grad_(True)
    h0, c0 = (torch.randn(N, H, dtype=torch.float64, requires_grad=True) for _ in range(2))
    assert torch.autograd.gradcheck(lambda *a: LSTMSequence.apply(*a, reverse), (xp, w, h0, c0))
    assert torch.autograd.gradcheck(lambda *a: LSTMSequence.apply(*a, reverse)[1], (xp, w, h0, c0))
    assert torch.autograd.gradcheck(lambda *a: LSTMSequence.apply(*a, reverse)[0], (xp, w, h0, c0))


def test_fused_lstm_falls_back_inside_torch_func_transforms():
    """Under vmap (the seed-batched helper) the step-by-step version runs, with the same numbers."""
    torch.manual_seed(0)
    model = LSTM(2, 3, batch_first=True)
    x = torch.randn(5, 4, 2)
    params = {k: v.detach() for k, v in model.named_parameters()}
    stacked = {k: torch.stack([v, v]) for k, v in params.items()}
    out = torch.func.vmap(lambda p: torch.func.functional_call(model, p, (x,))[0])(stacked)
    torch.testing.assert_close(out[0], model(x)[0], rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(out[1], out[0])


# --- issue 29: the per-step methods and the sizes name the argument ----------------------------
_Z = torch.zeros
BAD_INPUT_STEP = [
    (lambda: LSTMCell(3, 4).recur(_Z(2, 16), None, _Z(2, 4)), TypeError, "h must be a torch.Tensor"),
    (lambda: GRUCell(3, 4).recur(_Z(2, 11), _Z(2, 4)), ValueError, r"xp must have shape \(batch, 3 \* hidden_size\)"),
    (lambda: LSTMCell(3, 4).recur(_Z(2, 16), _Z(2, 4), _Z(3, 4)), ValueError, r"c must have shape .*batch as in xp"),
    (lambda: LSTMCell(3, 4).recur(_Z(2, 16), _Z(2, 4), _Z(2, 4, dtype=torch.complex64)), TypeError,
     "c must have the dtype of the model's parameters"),
    (lambda: LSTMCell(3, 4).input_projection(np.zeros((2, 3))), TypeError, "x must be a torch.Tensor"),
    (lambda: LSTMCell(3, 4).input_projection(_Z(2, 2)), ValueError, r"x must have shape \(\.\.\., input_size\)"),
    (lambda: LSTMCell(3, 4).sequence(_Z(5, 2, 16), (_Z(2, 4),), False), TypeError, r"state must be a tuple \(h, c\)"),
    (lambda: LSTMCell(3, 4).sequence(_Z(5, 2, 16), (_Z(2, 4), _Z(2, 4)), "no"), TypeError,
     "reverse must be True or False"),
    (lambda: LSTMCell(3, 4).sequence(_Z(0, 2, 16), (_Z(2, 4), _Z(2, 4)), False), ValueError,
     "xp must hold at least one time step"),
    (lambda: LSTMCell(3, 4)(_Z(2, 3), (None, _Z(2, 4))), TypeError, "None for one of them"),
    (lambda: LSTM(3, 4)(_Z(5, 2, 3), ("x", _Z(1, 2, 4))), TypeError, r"h_0 must be a torch.Tensor \(hx\[0\]\)"),
    (lambda: GRU(3, 4, batch_first=True)(_Z(3, 5, 3), _Z(1, 2, 4)), ValueError, "h0 must have shape .*batch as in x"),
    (lambda: LSTMCell(10**6, 10**6), ValueError, "LSTMCell would have about .* reduce hidden_size"),
    (lambda: LSTM(3, 10**7), ValueError, "LSTM would have about .*hidden_size"),
    (lambda: gru_update(np.zeros((2, 4)), np.full((3, 4), 0.5), np.zeros((2, 4))), ValueError,
     "h_prev, z and h_tilde must broadcast"),
    (lambda: lstm_step(np.zeros(3), np.zeros(4), None, _LSTM_P), TypeError, "c must be the previous cell state"),
    (lambda: lstm_step(np.zeros(3), np.full(4, np.nan), np.zeros(4), _LSTM_P), ValueError,
     "h must contain only finite numbers"),
    (lambda: gru_step(np.zeros(3), np.zeros(4), init_gru_params(3, 4), reset_after="no"), TypeError,
     "reset_after must be True or False"),
    (lambda: gru_step(np.zeros(2), np.zeros(4), init_gru_params(3, 4)), ValueError, r"input_size = x.shape\[-1\]"),
    (lambda: init_lstm_params(3, 4, peephole="no"), TypeError, "peephole must be True or False"),
    (lambda: init_gru_params(10**12, 4), ValueError, "a GRU would have about .*input_size"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT_STEP, ids=[f"case{i}" for i in range(len(BAD_INPUT_STEP))])
def test_bad_input_per_step(call, error, message):
    with pytest.raises(error, match=message):
        call()
