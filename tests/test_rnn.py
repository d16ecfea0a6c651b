"""dlcourse.rnn: NumPy BPTT against torch.autograd and finite differences, the from-scratch
RNN against torch.nn.RNN, the language model, the gradient-flow law, widgets and bad input."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcourse.data import load_text
from dlcourse.rnn import (
    RNN,
    CharLM,
    RNNCell,
    clip_grad_norm,
    fit_char_lm,
    gradient_flow,
    init_rnn_params,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
    unigram_perplexity,
)

torch.set_num_threads(1)


def _torch_bptt(x, h0, params, dh, truncate=None):
    """Autograd oracle: loss = sum(dh * h), state detached every `truncate` steps."""
    xt = torch.tensor(x, requires_grad=True)
    h = torch.tensor(h0, requires_grad=True)
    h0t = h
    W_xh, W_hh, b_h = (torch.tensor(params[k], requires_grad=True) for k in ("W_xh", "W_hh", "b_h"))
    states = []
    for t in range(x.shape[1]):
        if truncate is not None and t > 0 and t % truncate == 0:
            h = h.detach()
        h = torch.tanh(xt[:, t] @ W_xh.T + h @ W_hh.T + b_h)
        states.append(h)
    hs = torch.stack(states, dim=1)
    (hs * torch.tensor(dh)).sum().backward()
    grad = lambda t: np.zeros(t.shape) if t.grad is None else t.grad.numpy()  # noqa: E731
    return hs.detach().numpy(), {"x": grad(xt), "h0": grad(h0t), "W_xh": grad(W_xh), "W_hh": grad(W_hh), "b_h": grad(b_h)}


def _problem(B, T, D, H, seed):
    rng = np.random.default_rng(seed)
    params = init_rnn_params(D, H, seed=seed)
    params = {k: v * 2.0 for k, v in params.items()}  # larger weights: non-trivial tanh'
    return rng.normal(size=(B, T, D)), rng.normal(size=(B, H)), params, rng.normal(size=(B, T, H))


@pytest.mark.parametrize("B,T,D,H", [(1, 1, 1, 1), (3, 7, 4, 5), (2, 12, 3, 6)])
def test_bptt_equals_autograd_float64(B, T, D, H):
    x, h0, params, dh = _problem(B, T, D, H, seed=T)
    h, cache = rnn_forward(x, h0, params)
    h_ref, g_ref = _torch_bptt(x, h0, params, dh)
    np.testing.assert_allclose(h, h_ref, rtol=0, atol=1e-12)
    grads = rnn_backward(dh, cache)
    for name in g_ref:
        np.testing.assert_allclose(grads[name], g_ref[name], rtol=1e-10, atol=1e-10, err_msg=name)


@pytest.mark.parametrize("k", [1, 2, 3, 5, 20])
def test_truncated_bptt_equals_autograd_with_detach(k):
    x, h0, params, dh = _problem(2, 11, 3, 4, seed=k)
    _, cache = rnn_forward(x, h0, params)
    grads = rnn_backward(dh, cache, truncate=k)
    _, g_ref = _torch_bptt(x, h0, params, dh, truncate=k)
    for name in g_ref:
        np.testing.assert_allclose(grads[name], g_ref[name], rtol=1e-10, atol=1e-10, err_msg=name)
    if k < 11:  # truncation really changes the gradient
        full = rnn_backward(dh, cache)
        assert not np.allclose(full["W_hh"], grads["W_hh"])


def test_bptt_equals_finite_differences():
    x, h0, params, dh = _problem(2, 6, 3, 4, seed=1)
    _, cache = rnn_forward(x, h0, params)
    grads = rnn_backward(dh, cache)

    def loss(p, xx=x, hh=h0):
        return float((rnn_forward(xx, hh, p)[0] * dh).sum())

    eps = 1e-6
    for name in ("W_xh", "W_hh", "b_h"):
        numeric = np.zeros_like(params[name])
        for idx in np.ndindex(params[name].shape):
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[name][idx] += eps
            minus[name][idx] -= eps
            numeric[idx] = (loss(plus) - loss(minus)) / (2 * eps)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-6, atol=1e-6, err_msg=name)
    numeric_x = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += eps
        xm[idx] -= eps
        numeric_x[idx] = (loss(params, xp) - loss(params, xm)) / (2 * eps)
    np.testing.assert_allclose(grads["x"], numeric_x, rtol=1e-6, atol=1e-6)


def test_step_forward_matches_sequence_and_weights_are_shared():
    x, h0, params, _ = _problem(2, 4, 3, 5, seed=2)
    h, _ = rnn_forward(x, h0, params)
    h_prev = h0
    for t in range(4):
        h_prev = rnn_step_forward(x[:, t], h_prev, params)
        np.testing.assert_allclose(h[:, t], h_prev, atol=1e-15)
    # Weight sharing, tested by untying: an autograd unroll with a separate copy of W_xh, W_hh,
    # b_h at every step. Every copy receives a gradient (every step uses the weights), and the
    # gradient of the shared weights from rnn_backward is exactly the sum of the copies' gradients.
    dh = np.random.default_rng(3).normal(size=h.shape)
    grads = rnn_backward(dh, rnn_forward(x, h0, params)[1])
    copies = {k: [torch.tensor(params[k], requires_grad=True) for _ in range(4)] for k in ("W_xh", "W_hh", "b_h")}
    state, states = torch.tensor(h0), []
    for t in range(4):
        state = torch.tanh(
            torch.tensor(x[:, t]) @ copies["W_xh"][t].T + state @ copies["W_hh"][t].T + copies["b_h"][t]
        )
        states.append(state)
    (torch.stack(states, dim=1) * torch.tensor(dh)).sum().backward()
    for name, per_step in copies.items():
        step_grads = [c.grad.numpy() for c in per_step]
        assert min(np.abs(g).max() for g in step_grads) > 1e-3, name  # used at every step
        np.testing.assert_allclose(grads[name], sum(step_grads), rtol=1e-10, atol=1e-12, err_msg=name)
    # and one change of W_hh changes the state at every step (h0 is not zero, so step 0 too)
    bumped, _ = rnn_forward(x, h0, dict(params, W_hh=params["W_hh"] + 1e-3))
    assert np.all(np.abs(bumped - h).max(axis=(0, 2)) > 1e-6)


def test_clip_grad_norm_matches_torch():
    rng = np.random.default_rng(0)
    grads = {"a": rng.normal(size=(3, 4)) * 10, "b": rng.normal(size=5)}
    clipped, total = clip_grad_norm(grads, 1.0)
    tensors = [torch.tensor(g, requires_grad=True) for g in grads.values()]
    for t, g in zip(tensors, grads.values()):
        t.grad = torch.tensor(g)
    ref_total = torch.nn.utils.clip_grad_norm_(tensors, 1.0)
    assert total == pytest.approx(float(ref_total), rel=1e-12)
    for t, g in zip(tensors, clipped.values()):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-12)
    small, _ = clip_grad_norm(grads, 1e6)
    np.testing.assert_array_equal(small["a"], grads["a"])


@pytest.mark.parametrize("dtype,tol", [(torch.float32, 1e-6), (torch.float64, 1e-12)])
@pytest.mark.parametrize(
    "L,N,layers,bidir,batch_first",
    [(1, 1, 1, False, False), (5, 1, 2, True, True), (1, 3, 2, False, True), (6, 4, 2, True, False), (4, 2, 1, True, False)],
)
def test_rnn_equals_torch_nn_rnn(dtype, tol, L, N, layers, bidir, batch_first):
    torch.manual_seed(L * 10 + N)
    ref = torch.nn.RNN(3, 5, num_layers=layers, bidirectional=bidir, batch_first=batch_first).to(dtype)
    ours = RNN.from_torch(ref)
    D = 2 if bidir else 1
    shape = (N, L, 3) if batch_first else (L, N, 3)
    x1 = torch.randn(shape, dtype=dtype, requires_grad=True)
    x2 = x1.detach().clone().requires_grad_(True)
    h0 = torch.randn(D * layers, N, 5, dtype=dtype)
    out_ref, hn_ref = ref(x1, h0)
    out, hn = ours(x2, h0)
    torch.testing.assert_close(out, out_ref, rtol=tol, atol=tol)
    torch.testing.assert_close(hn, hn_ref, rtol=tol, atol=tol)
    w = torch.randn_like(out_ref)
    ((out_ref * w).sum() + hn_ref.sum()).backward()
    ((out * w).sum() + hn.sum()).backward()
    torch.testing.assert_close(x2.grad, x1.grad, rtol=tol, atol=tol)
    for name, p in ref.named_parameters():
        layer, rev = int(name.split("_l")[1][0]), name.endswith("_reverse")
        cell = ours.cells[layer * D + int(rev)]
        own = getattr(cell, name.split("_l")[0])
        torch.testing.assert_close(own.grad, p.grad, rtol=tol, atol=tol)


def test_unbatched_input_and_default_state():
    torch.manual_seed(0)
    ref = torch.nn.RNN(3, 4, num_layers=2, bidirectional=True).double()
    ours = RNN.from_torch(ref)
    x = torch.randn(5, 3, dtype=torch.double)
    out_ref, hn_ref = ref(x)
    out, hn = ours(x)
    torch.testing.assert_close(out, out_ref, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(hn, hn_ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_cell_equals_torch(nonlinearity):
    torch.manual_seed(1)
    ref = torch.nn.RNNCell(4, 6, nonlinearity=nonlinearity).double()
    cell = RNNCell.from_torch(ref)
    x, h = torch.randn(3, 4, dtype=torch.double), torch.randn(3, 6, dtype=torch.double)
    torch.testing.assert_close(cell(x, h), ref(x, h), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(cell(x[0]), ref(x[0]), rtol=1e-12, atol=1e-12)


def test_numpy_and_torch_rnn_agree():
    torch.manual_seed(2)
    ref = torch.nn.RNN(3, 4, batch_first=True).double()
    params = {"W_xh": ref.weight_ih_l0.detach().numpy(), "W_hh": ref.weight_hh_l0.detach().numpy(),
              "b_h": (ref.bias_ih_l0 + ref.bias_hh_l0).detach().numpy()}
    x = torch.randn(2, 6, 3, dtype=torch.double)
    h, _ = rnn_forward(x.numpy(), None, params)
    np.testing.assert_allclose(h, ref(x)[0].detach().numpy(), atol=1e-12)


def test_bidirectional_doubles_the_parameters():
    one = sum(p.numel() for p in RNN(3, 5).parameters())
    two = sum(p.numel() for p in RNN(3, 5, bidirectional=True).parameters())
    assert two == 2 * one == 2 * (5 * 3 + 5 * 5 + 2 * 5)


@settings(max_examples=25, deadline=None)
@given(rho=st.floats(0.5, 1.5), T=st.integers(1, 60))
def test_gradient_flow_linear_law(rho, T):
    out = gradient_flow(rho, T, hidden_size=8, activation="linear")
    np.testing.assert_allclose(out["norms"], rho ** np.arange(T + 1), rtol=1e-9)


@settings(max_examples=15, deadline=None)
@given(rho=st.floats(0.5, 1.5), T=st.integers(1, 60))
def test_gradient_flow_tanh_below_the_bound(rho, T):
    out = gradient_flow(rho, T, hidden_size=8, activation="tanh")
    assert np.all(out["norms"] <= out["bound"] * (1 + 1e-9))


def test_char_lm_beats_unigram_and_samples():
    torch.manual_seed(0)
    text = load_text()
    n = int(0.9 * len(text))
    train, test = text[:n], text[n:]
    lm = CharLM(sorted(set(text)), embedding_dim=16, hidden_size=64)
    history = fit_char_lm(lm, train, epochs=12, seq_len=64, batch_size=16)
    assert history[-1] < history[0]
    ppl, base = lm.perplexity(test), unigram_perplexity(train, test)
    assert ppl < 0.7 * base, (ppl, base)
    s1 = lm.sample("The ", 50, 0.5, seed=3)
    assert len(s1) == 50 and set(s1) <= set(lm.vocab)
    assert s1 == lm.sample("The ", 50, 0.5, seed=3)
    p = lm.next_char_probabilities("The keeper", 1.0)
    assert p.shape == (len(lm.vocab),) and p.sum() == pytest.approx(1.0)


def test_unigram_perplexity_of_uniform_text():
    assert unigram_perplexity("abcd" * 50, "abcd" * 10, alpha=1e-9) == pytest.approx(4.0, rel=1e-6)


def test_gradient_flow_widget_driven():
    from dlcourse.widgets import gradient_flow_explorer

    w = gradient_flow_explorer(1.0, 20)
    w.controls["spectral_radius"].value = 0.8
    assert w.result["final_norm"] == pytest.approx(0.8**20, rel=1e-9)
    w.controls["seq_len"].value = 40
    assert w.result["final_norm"] == pytest.approx(0.8**40, rel=1e-9)
    w.controls["spectral_radius"].value = 1.2
    assert w.result["final_norm"] == pytest.approx(1.2**40, rel=1e-9)
    w.controls["activation"].value = "tanh"
    assert w.result["final_norm"] < 1.2**40
    assert w.image.value[:4] == b"\x89PNG"


def test_sampling_widget_driven():
    from dlcourse.widgets import char_sampling, sampling_explorer

    torch.manual_seed(0)
    lm = CharLM("ab ", hidden_size=4)
    w = sampling_explorer(lm, prefix="ab", length=20)
    w.controls["temperature"].value = 0.1
    cold = w.result["entropy"]
    w.controls["temperature"].value = 5.0
    hot = w.result["entropy"]
    assert cold < hot <= np.log(3) + 1e-12
    assert len(w.result["text"]) == 20
    assert char_sampling(lm, "ab", 5.0, 20)["text"] == w.result["text"]


def _cache():
    """The cache of a small valid forward pass (for rnn_backward's bad-input cases)."""
    return rnn_forward(np.zeros((2, 5, 3)), None, init_rnn_params(3, 4))


_P = init_rnn_params(3, 4)

BAD_INPUT = [
    (lambda: rnn_forward(np.zeros((2, 3)), None, _P), ValueError, "x must be 3-dimensional"),
    (lambda: rnn_forward(np.zeros((2, 5, 2)), None, _P), ValueError, r"params\['W_xh'\] must have shape"),
    (lambda: rnn_forward(np.zeros((2, 5, 3)), np.zeros((3, 4)), _P), ValueError, "h0 must have shape"),
    (lambda: rnn_forward(np.zeros((2, 5, 3)), None, {"W_xh": _P["W_xh"]}), ValueError, "missing"),
    (lambda: rnn_backward(np.zeros((2, 4, 4)), _cache()[1]), ValueError, "dh must have shape"),
    (lambda: rnn_backward(np.zeros((2, 5, 4)), _cache()[1], truncate=0), ValueError, "truncate must be >= 1"),
    (lambda: rnn_backward(np.zeros((2, 5, 4)), {"x": 1}), TypeError, "cache must be the RNNCache"),
    (lambda: clip_grad_norm({"a": np.ones(2)}, 0.0), ValueError, "max_norm must be > 0"),
    (lambda: RNN(3, 4)(torch.zeros(5, 2, 7)), ValueError, "x must have shape"),
    (lambda: RNN(3, 4, num_layers=2)(torch.zeros(5, 2, 3), torch.zeros(1, 2, 4)), ValueError, "h0 must have shape"),
    (lambda: RNN(3, 4)(np.zeros((5, 2, 3))), TypeError, r"x must be a torch.Tensor; got ndarray.*torch.as_tensor"),
    (lambda: RNN(3, 4)(torch.zeros(5, 2, 3), np.zeros((1, 2, 4))), TypeError, "h0 must be a torch.Tensor"),
    (lambda: RNNCell(3, 4)(np.zeros(3)), TypeError, "x must be a torch.Tensor"),
    (lambda: RNNCell(3, 4)(torch.zeros(3), np.zeros(4)), TypeError, "h must be a torch.Tensor"),
    (lambda: RNN(3, 4, num_layers=10**12), ValueError, "num_layers must be at most 1000"),
    (lambda: RNN(3, 4, nonlinearity="sigmoid"), ValueError, "nonlinearity must be one of"),
    (lambda: RNN.from_torch(torch.nn.LSTM(3, 4)), TypeError, "torch.nn.RNN"),
    (lambda: RNNCell.from_torch(torch.nn.GRUCell(3, 4)), TypeError, "module must be a torch.nn.RNNCell"),
    (lambda: RNN.from_torch(torch.nn.RNN(3, 4, num_layers=2, dropout=0.5)), ValueError, "dropout"),
    (lambda: gradient_flow(0.0, 10), ValueError, "spectral_radius must be > 0"),
    (lambda: gradient_flow(1.0, 10, activation="relu"), ValueError, "activation must be one of"),
    (lambda: CharLM("ab", hidden_size=3).encode("abc"), ValueError, "outside the model's vocabulary"),
    (lambda: CharLM("ab", hidden_size=3).sample("a", 5, 0.0), ValueError, "temperature must be > 0"),
    (lambda: CharLM("ab", hidden_size=3).sample("", 5), ValueError, "prefix must hold at least one"),
    (lambda: CharLM("ab", hidden_size=3).next_char_probabilities(""), ValueError, "prefix must hold at least one"),
    (lambda: CharLM("ab", hidden_size=3).perplexity("a"), ValueError, "at least 2 characters"),
    (lambda: CharLM("ab", hidden_size=3)(torch.tensor([[0, 2]])), ValueError,
     r"idx must hold token ids in 0..1 \(the vocabulary has 2 tokens\); got 2 at index \(0, 1\)"),
    (lambda: CharLM("ab", hidden_size=3)(torch.tensor([[0.0, 1.0]])), TypeError, "idx must hold integer token ids"),
    (lambda: CharLM("ab", hidden_size=3)(np.zeros((1, 2), int)), TypeError, "idx must be a torch.Tensor"),
    (lambda: CharLM("ab", hidden_size=3)(torch.zeros(1, 1, 2, dtype=torch.long)), ValueError, "idx must be"),
    (lambda: CharLM("ab", hidden_size=3).decode([0, 5]), ValueError, "got 5 at index 1"),
    (lambda: CharLM("ab", hidden_size=3, num_layers=10**12), ValueError, "num_layers must be at most"),
    (lambda: CharLM("aa"), ValueError, "vocab must list"),
    (lambda: unigram_perplexity("", "abc"), ValueError, "train_text and test_text must both be non-empty"),
    (lambda: fit_char_lm(CharLM("ab", hidden_size=3), "abab", batch_size=16), ValueError,
     r"text must hold at least 2 \* batch_size \+ 1 = 33 characters"),
    (lambda: rnn_forward(np.zeros((2, 3, 3)), None, [1]), TypeError, "params must be a dict"),
    (lambda: rnn_forward(np.zeros((2, 0, 3)), None, _P), ValueError, "x must hold at least one time step"),
    (lambda: rnn_forward(np.zeros((2, 3, 3)) * 1j, None, _P), TypeError, "x must hold real numbers"),
    (lambda: clip_grad_norm({}, 1.0), TypeError, "grads must be a non-empty dict"),
    (lambda: clip_grad_norm({"W": None}, 1.0), TypeError, r"grads\['W'\] must be an array-like"),
    (lambda: RNN(3, 4)(torch.zeros(5, 2, 3, dtype=torch.float64)), TypeError, "x must have the dtype"),
    (lambda: rnn_step_backward(np.zeros((2, 4)), np.zeros((2, 5)), np.zeros((2, 3)), np.zeros((2, 4)), _P["W_xh"],
                               _P["W_hh"]), ValueError, r"h_t must have shape \(batch, hidden_size\) like dh_t"),
    (lambda: rnn_step_backward(np.zeros((2, 4)), np.zeros((2, 4)), np.zeros((2, 3)), np.zeros((2, 4)), _P["W_xh"].T,
                               _P["W_hh"]), ValueError, "W_xh must have shape"),
    (lambda: rnn_step_backward(None, np.zeros((2, 4)), np.zeros((2, 3)), np.zeros((2, 4)), _P["W_xh"], _P["W_hh"]),
     TypeError, "dh_t must be an array-like of real numbers; got None"),
    (lambda: RNN(3, 4, bias="no"), TypeError, "bias must be True or False"),
    (lambda: fit_char_lm(CharLM("ab", hidden_size=3), "ab" * 40, clip=float("nan")), ValueError, "clip must be finite"),
    (lambda: fit_char_lm(CharLM("ab", hidden_size=3), "ab" * 40, clip=-1.0), ValueError, "clip must be > 0"),
    (lambda: CharLM("ab", hidden_size=3).decode("ab"), TypeError, "ids must be a sequence or tensor"),
    (lambda: CharLM("ab", hidden_size=3).decode([0, None]), TypeError, "ids must hold integer character ids"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT, ids=[f"case{i}" for i in range(len(BAD_INPUT))])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


@settings(max_examples=20, deadline=None)
@given(L=st.integers(1, 5), N=st.integers(1, 3), D=st.integers(1, 4), H=st.integers(1, 5),
       layers=st.integers(1, 2), bidir=st.booleans(), batch_first=st.booleans(), seed=st.integers(0, 1000))
def test_rnn_equals_torch_on_random_shapes(L, N, D, H, layers, bidir, batch_first, seed):
    torch.manual_seed(seed)
    ref = torch.nn.RNN(D, H, num_layers=layers, bidirectional=bidir, batch_first=batch_first).double()
    ours = RNN.from_torch(ref)
    x = torch.randn((N, L, D) if batch_first else (L, N, D), dtype=torch.double)
    (o1, h1), (o2, h2) = ref(x), ours(x)
    torch.testing.assert_close(o2, o1, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(h2, h1, rtol=1e-12, atol=1e-12)


# --- issue 29: per-step methods, prefixes and sizes name the argument -----------------------
BAD_INPUT_29 = [
    (lambda: RNNCell(3, 4).recur(torch.zeros(2, 4, dtype=torch.complex64), torch.zeros(2, 4)), TypeError,
     "xp must have the dtype of the model's parameters"),
    (lambda: RNNCell(3, 4).recur(torch.zeros(2, 4), None), TypeError, "h must be a torch.Tensor"),
    (lambda: RNNCell(3, 4)(torch.zeros(3, 3), torch.zeros(2, 4)), ValueError, "h must have shape .*batch as in x"),
    (lambda: CharLM("ab", hidden_size=3).sample(3, 5), TypeError, "prefix must be str"),
    (lambda: CharLM("ab", hidden_size=3).next_char_probabilities("abc"), ValueError,
     "prefix contains characters outside the model's vocabulary"),
    (lambda: CharLM(None), TypeError, "vocab must be a string or a list"),
    (lambda: CharLM("ab", hidden_size=10**6), ValueError, "CharLM would have about .*hidden_size"),
    (lambda: CharLM("ab", hidden_size=3)(torch.tensor([[0, 1]]), "h"), TypeError, "h must be a torch.Tensor"),
    (lambda: CharLM("ab", hidden_size=3)(torch.tensor([[0, 1]]), torch.zeros(1, 2, 3)), ValueError,
     r"h must have shape \(num_layers, batch, hidden_size\), batch as in idx"),
    (lambda: gradient_flow(1.0, 10**12), ValueError, r"seq_len \* hidden_size\*\*3 must be at most"),
    (lambda: rnn_step_forward(np.full((2, 3), np.inf), np.zeros((2, 4)), _P), ValueError,
     "x_t must contain only finite numbers"),
    (lambda: rnn_step_forward(np.zeros((2, 2)), np.zeros((2, 4)), _P), ValueError, r"input_size = x_t.shape\[-1\]"),
    (lambda: rnn_forward(np.zeros((2, 3, 2)), None, _P), ValueError, r"input_size = x.shape\[-1\]"),
    (lambda: init_rnn_params(10**12, 4), ValueError, "an RNN would have about .*input_size"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT_29, ids=[f"case{i}" for i in range(len(BAD_INPUT_29))])
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
