"""dlcourse.attention: scores, attention, decoders; oracles against torch; properties; bad input; the widget."""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcourse.attention import (
    SCORES,
    BahdanauAttentionDecoder,
    LuongAttentionDecoder,
    additive_score,
    apply_mask,
    attention,
    dot_score,
    general_score,
    local_attention,
    location_score,
    scaled_dot_score,
    softmax_saturation,
)

D64 = torch.float64


def _params(score, d_q, d_k, S, gen):
    if score == "general":
        return {"W": torch.randn(d_q, d_k, generator=gen, dtype=D64)}
    if score == "additive":
        return {"W": torch.randn(5, d_q + d_k, generator=gen, dtype=D64), "v": torch.randn(5, generator=gen, dtype=D64)}
    if score == "location":
        return {"W": torch.randn(S + 3, d_q, generator=gen, dtype=D64)}
    return {}


# ----------------------------------------------------------------- the four steps by hand
def test_four_steps_by_hand_match_attention():
    # The syllabus's dot-product attention: e_i = s . h_i, a = softmax(e), a_t = sum_i a_i h_i.
    s = np.array([1.0, 2.0, 0.5])
    H = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 1.0, -1.0], [-1.0, 0.5, 2.0]])
    e = np.array([sum(s[j] * h[j] for j in range(3)) for h in H])  # step 1, written out
    a = np.exp(e) / np.exp(e).sum()  # step 2
    a_t = sum(a[i] * H[i] for i in range(4))  # step 3
    context, weights = attention(torch.tensor(s), torch.tensor(H), torch.tensor(H))
    np.testing.assert_allclose(e, [1.5, 2.0, 2.5, 1.0])
    np.testing.assert_allclose(weights.numpy(), a, rtol=1e-14)
    np.testing.assert_allclose(context.numpy(), a_t, rtol=1e-14)
    # step 4: v_t = [a_t; s_t] has size 2d
    assert np.concatenate([a_t, s]).shape == (6,)


# ----------------------------------------------------------------- oracles against torch
@pytest.mark.parametrize("masked", [False, True])
def test_scaled_dot_matches_torch_sdpa(masked):
    gen = torch.Generator().manual_seed(0)
    Q = torch.randn(3, 5, 8, generator=gen, dtype=D64)
    K = torch.randn(3, 7, 8, generator=gen, dtype=D64)
    V = torch.randn(3, 7, 4, generator=gen, dtype=D64)
    mask = torch.arange(7) < torch.tensor([7, 4, 1])[:, None] if masked else None
    context, weights = attention(Q, K, V, "scaled_dot", mask)
    ref = torch.nn.functional.scaled_dot_product_attention(Q, K, V, attn_mask=None if mask is None else mask[:, None, :])
    torch.testing.assert_close(context, ref, rtol=1e-12, atol=1e-12)
    # dot score = sdpa with scale 1
    ctx_dot, _ = attention(Q, K, V, "dot", mask)
    ref_dot = torch.nn.functional.scaled_dot_product_attention(
        Q, K, V, attn_mask=None if mask is None else mask[:, None, :], scale=1.0)
    torch.testing.assert_close(ctx_dot, ref_dot, rtol=1e-12, atol=1e-12)


def test_scaled_dot_matches_multihead_attention_with_identity_projections():
    torch.manual_seed(0)
    d = 6
    mha = torch.nn.MultiheadAttention(d, num_heads=1, bias=False, batch_first=True).double()
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([torch.eye(d)] * 3).double())
        mha.out_proj.weight.copy_(torch.eye(d).double())
    Q, K, V = (torch.randn(2, n, d, dtype=D64) for n in (4, 9, 9))
    pad = torch.zeros(2, 9, dtype=torch.bool)
    pad[1, 5:] = True  # torch: True = ignore
    ref_out, ref_w = mha(Q, K, V, key_padding_mask=pad, need_weights=True)
    context, weights = attention(Q, K, V, "scaled_dot", ~pad)
    torch.testing.assert_close(context, ref_out, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(weights, ref_w, rtol=1e-12, atol=1e-12)


def test_scores_against_their_formulas():
    gen = torch.Generator().manual_seed(1)
    q = torch.randn(3, generator=gen, dtype=D64)
    K = torch.randn(5, 3, generator=gen, dtype=D64)
    torch.testing.assert_close(dot_score(q, K), torch.stack([q @ k for k in K]))
    torch.testing.assert_close(scaled_dot_score(q, K), dot_score(q, K) / math.sqrt(3))
    torch.testing.assert_close(general_score(q, K, torch.eye(3, dtype=D64)), dot_score(q, K))
    W = torch.randn(3, 4, generator=gen, dtype=D64)
    K4 = torch.randn(5, 4, generator=gen, dtype=D64)
    torch.testing.assert_close(general_score(q, K4, W), torch.stack([q @ W @ k for k in K4]))
    Wa = torch.randn(6, 7, generator=gen, dtype=D64)
    va = torch.randn(6, generator=gen, dtype=D64)
    ba = torch.randn(6, generator=gen, dtype=D64)
    expected = torch.stack([va @ torch.tanh(Wa @ torch.cat([q, k]) + ba) for k in K4])  # the concat form
    torch.testing.assert_close(additive_score(q, K4, Wa, va, ba), expected, rtol=1e-12, atol=1e-12)
    Wl = torch.randn(8, 3, generator=gen, dtype=D64)
    torch.testing.assert_close(location_score(q, K4, Wl), (Wl @ q)[:5])


def test_matrix_form_equals_one_query_at_a_time():
    gen = torch.Generator().manual_seed(2)
    Q = torch.randn(4, 3, generator=gen, dtype=D64)
    K = torch.randn(6, 3, generator=gen, dtype=D64)
    V = torch.randn(6, 2, generator=gen, dtype=D64)
    for score in SCORES:
        params = _params(score, 3, 3, 6, gen)
        C, A = attention(Q, K, V, score, **params)
        assert C.shape == (4, 2) and A.shape == (4, 6)
        for t in range(4):
            c, a = attention(Q[t], K, V, score, **params)
            torch.testing.assert_close(C[t], c, rtol=1e-12, atol=1e-12)
            torch.testing.assert_close(A[t], a, rtol=1e-12, atol=1e-12)
    # Attention(Q, K, V) = softmax(Q K^T) V
    torch.testing.assert_close(attention(Q, K, V)[0], torch.softmax(Q @ K.T, -1) @ V)


# ----------------------------------------------------------------- properties (hypothesis)
shape = st.tuples(st.integers(1, 3), st.integers(1, 7), st.integers(1, 5))


@settings(max_examples=40, deadline=None)
@given(shape=shape, seed=st.integers(0, 10_000), score=st.sampled_from(sorted(SCORES)), scale=st.floats(0.1, 30.0))
def test_weights_are_a_distribution_for_every_score(shape, seed, score, scale):
    B, S, d = shape
    gen = torch.Generator().manual_seed(seed)
    q = scale * torch.randn(B, d, generator=gen, dtype=D64)
    K = scale * torch.randn(B, S, d, generator=gen, dtype=D64)
    V = torch.randn(B, S, 2, generator=gen, dtype=D64)
    context, w = attention(q, K, V, score, **_params(score, d, d, S, gen))
    assert torch.isfinite(w).all() and (w >= 0).all()
    torch.testing.assert_close(w.sum(-1), torch.ones(B, dtype=D64), rtol=0, atol=1e-12)
    # the context lies in the convex hull of the values: between their min and max per coordinate
    assert (context <= V.max(1).values + 1e-12).all() and (context >= V.min(1).values - 1e-12).all()


@settings(max_examples=40, deadline=None)
@given(shape=shape, seed=st.integers(0, 10_000), score=st.sampled_from(sorted(SCORES)))
def test_masked_positions_get_exactly_zero_weight(shape, seed, score):
    B, S, d = shape
    gen = torch.Generator().manual_seed(seed)
    q = torch.randn(B, d, generator=gen, dtype=D64)
    K = torch.randn(B, S, d, generator=gen, dtype=D64)
    V = torch.randn(B, S, 3, generator=gen, dtype=D64)
    lengths = torch.randint(1, S + 1, (B,), generator=gen)
    mask = torch.arange(S) < lengths[:, None]
    params = _params(score, d, d, S, gen)
    context, w = attention(q, K, V, score, mask, **params)
    assert (w[~mask] == 0).all()
    torch.testing.assert_close(w.sum(-1), torch.ones(B, dtype=D64), rtol=0, atol=1e-12)
    # changing the padded keys and values changes nothing
    K2, V2 = K.clone(), V.clone()
    K2[~mask] = 1e3
    V2[~mask] = -1e3
    if score != "location":
        context2, w2 = attention(q, K2, V2, score, mask, **params)
        torch.testing.assert_close(context2, context, rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(shape=shape, seed=st.integers(0, 10_000), score=st.sampled_from(["dot", "scaled_dot", "general", "additive"]))
def test_permuting_keys_and_values_permutes_weights_keeps_context(shape, seed, score):
    B, S, d = shape
    gen = torch.Generator().manual_seed(seed)
    q = torch.randn(B, d, generator=gen, dtype=D64)
    K = torch.randn(B, S, d, generator=gen, dtype=D64)
    V = torch.randn(B, S, 3, generator=gen, dtype=D64)
    params = _params(score, d, d, S, gen)
    perm = torch.randperm(S, generator=gen)
    c1, w1 = attention(q, K, V, score, **params)
    c2, w2 = attention(q, K[:, perm], V[:, perm], score, **params)
    torch.testing.assert_close(w2, w1[:, perm], rtol=1e-12, atol=1e-13)
    torch.testing.assert_close(c2, c1, rtol=1e-10, atol=1e-12)


def test_location_score_is_not_permutation_invariant():
    # the exception that proves the rule: location scores ignore the content of the keys
    gen = torch.Generator().manual_seed(3)
    q, K, V = torch.randn(2, dtype=D64), torch.randn(4, 2, dtype=D64), torch.randn(4, 2, dtype=D64)
    W = torch.randn(4, 2, generator=gen, dtype=D64)
    _, w1 = attention(q, K, V, "location", W=W)
    _, w2 = attention(q, K.flip(0), V.flip(0), "location", W=W)
    torch.testing.assert_close(w1, w2)  # same weights by position, whatever the keys


def test_scaling_keeps_softmax_from_saturating():
    out = softmax_saturation(dims=(4, 64, 1024), num_keys=10, trials=500, seed=0)
    # the dot score's spread grows like sqrt(d); the scaled one stays near 1
    np.testing.assert_allclose(out["dot_score_std"], np.sqrt([4, 64, 1024]), rtol=0.1)
    np.testing.assert_allclose(out["scaled_score_std"], 1.0, rtol=0.1)
    assert out["dot_max_weight"][-1] > 0.95 and np.all(np.diff(out["dot_max_weight"]) > 0)
    assert np.ptp(out["scaled_max_weight"]) < 0.05 and out["scaled_max_weight"].max() < 0.5
    assert out["dot_grad_norm"][-1] < 0.1 < out["scaled_grad_norm"][-1]


def test_local_attention_window():
    q, K, V = torch.randn(3, dtype=D64), torch.randn(10, 3, dtype=D64), torch.randn(10, 2, dtype=D64)
    context, w = local_attention(q, K, V, center=4.3, half_width=2)
    outside = (torch.arange(10) - 4.3).abs() > 2
    assert (w[outside] == 0).all() and (w[~outside] > 0).all() and w.sum() <= 1
    torch.testing.assert_close(context, w @ V)
    # the Gaussian factor applied to the window's softmax
    inside = ~outside
    _, w_win = attention(q, K[inside], V[inside])
    gauss = torch.exp(-((torch.arange(10, dtype=D64)[inside] - 4.3) ** 2) / (2 * 1.0**2))
    torch.testing.assert_close(w[inside], w_win * gauss)


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize("call, error, match", [
    pytest.param(lambda: dot_score(torch.zeros(4), torch.zeros(5, 3)), ValueError, r"query \(4,\).*d_q = 4.*keys \(5, 3\)",
                 id="dot_score-d_q-vs-d_k"),
    pytest.param(lambda: general_score(torch.zeros(4), torch.zeros(5, 3), torch.zeros(3, 3)), ValueError,
                 r"W must have shape \(d_q, d_k\) = \(4, 3\).*got W \(3, 3\)", id="general_score-W"),
    pytest.param(lambda: additive_score(torch.zeros(4), torch.zeros(5, 3), torch.zeros(2, 6), torch.zeros(2)), ValueError,
                 r"W must have shape \(A, d_q \+ d_k\) = \(\*, 7\)", id="additive_score-W"),
    pytest.param(lambda: additive_score(torch.zeros(4), torch.zeros(5, 3), torch.zeros(2, 7), torch.zeros(3)), ValueError,
                 r"v must have shape \(A,\) = \(2,\)", id="additive_score-v"),
    pytest.param(lambda: location_score(torch.zeros(4), torch.zeros(5, 3), torch.zeros(3, 4)), ValueError,
                 r"S_max >= S = 5", id="location_score-S_max-below-S"),
    pytest.param(lambda: attention(torch.zeros(3), torch.zeros(5, 3), torch.zeros(4, 3)), ValueError,
                 r"values must have shape \(\.\.\., S, d_v\) with the same S = 5", id="attention-values-S"),
    pytest.param(lambda: attention(torch.zeros(2, 2, 2, 3), torch.zeros(5, 3), torch.zeros(5, 3)), ValueError,
                 r"one dimension fewer than keys", id="attention-query-ndim"),
    pytest.param(lambda: dot_score(torch.zeros(3), torch.zeros(3)), ValueError, r"keys must have shape \(\.\.\., S, d_k\)",
                 id="dot_score-keys-1d"),
])
def test_mismatched_dimensions_name_the_shapes(call, error, match):
    with pytest.raises(error, match=match):
        call()


def _sdpa(q, K, mask):
    from dlcourse.transformer import scaled_dot_product_attention

    return scaled_dot_product_attention(q[:, None, :], K, K, None if mask is None else mask[:, None, :])


@pytest.mark.parametrize("fn", [
    pytest.param(lambda q, K, m: attention(q, K, K, "scaled_dot", m), id="attention.attention"),
    pytest.param(_sdpa, id="transformer.scaled_dot_product_attention"),
])
def test_one_mask_convention_for_both_attentions(fn):
    """Chapter 10's attention and chapter 11's scaled dot-product attention read a mask the same way."""
    g = torch.Generator().manual_seed(0)
    q, K = torch.randn(2, 3, generator=g, dtype=torch.float64), torch.randn(2, 4, 3, generator=g, dtype=torch.float64)
    keep = torch.tensor([[True, True, False, True], [False, True, True, False]])
    additive = torch.zeros(2, 4, dtype=torch.float64).masked_fill(~keep, float("-inf"))
    _, w_bool = fn(q, K, keep)
    _, w_add = fn(q, K, additive)
    w_bool, w_add = w_bool.reshape(2, 4), w_add.reshape(2, 4)
    assert (w_bool[~keep] == 0).all() and torch.equal(w_bool, w_add)  # True = may attend; -inf blocks
    ref = torch.nn.functional.scaled_dot_product_attention(q[:, None], K, K, attn_mask=keep[:, None])
    torch.testing.assert_close(fn(q, K, keep)[0].reshape(2, 3), ref[:, 0], rtol=1e-12, atol=1e-12)
    for empty in (keep & torch.tensor([[True], [False]]), additive.masked_fill(~torch.tensor([[True], [False]]), float("-inf"))):
        with pytest.raises(ValueError, match=r"mask allows no key for the query at index \(1,.*length 0"):
            fn(q, K, empty)  # row 1 has no allowed key: an error naming it, never NaN
    with pytest.raises(TypeError, match="mask must be a boolean tensor .* or a floating-point tensor"):
        fn(q, K, keep.int())


_MQ, _MK = torch.zeros(2, 3), torch.zeros(2, 4, 3)
_MASK = torch.tensor([[True, True, False, False], [False, False, False, False]])


@pytest.mark.parametrize("call, error, match", [
    pytest.param(lambda: attention(_MQ, _MK, _MK, mask=_MASK), ValueError,
                 r"mask allows no key for the query at index \(1,\) of scores \(2, 4\)", id="empty-row-B-S"),
    pytest.param(lambda: attention(torch.zeros(2, 2, 3), _MK, _MK, mask=torch.stack([_MASK[[0, 0]], _MASK[[0, 1]]])),
                 ValueError, r"mask allows no key for the query at index \(1, 1\) of scores \(2, 2, 4\)",
                 id="empty-row-B-T-S"),
    pytest.param(lambda: attention(_MQ, _MK, _MK, mask=_MASK[:, :3]), ValueError,
                 r"mask must have shape \(\.\.\., S\) with S = 4", id="mask-wrong-S"),
    pytest.param(lambda: attention(_MQ, _MK, _MK, mask=torch.ones(3, 4, dtype=torch.bool)), ValueError,
                 r"mask must broadcast to the scores", id="mask-does-not-broadcast"),
    pytest.param(lambda: attention(_MQ, _MK, _MK, mask=torch.full((2, 4), float("nan"))), ValueError,
                 r"must hold finite numbers or -inf", id="additive-mask-nan"),
    pytest.param(lambda: attention(_MQ, _MK, _MK, score="cosine"), ValueError, "score must be one of",
                 id="unknown-score"),
    pytest.param(lambda: local_attention(_MQ[0], _MK[0], _MK[0], center=20.0, half_width=2), ValueError,
                 "holds no visible source position", id="local-window-outside"),
])
def test_attention_masks_in_the_callers_shape_and_checks_local_windows(call, error, match):
    with pytest.raises(error, match=match):
        call()


_q, _K = torch.zeros(3), torch.zeros(5, 3)
ATTENTION_BAD_INPUT = [
    (lambda: dot_score(np.ones(4), torch.ones(5, 4)), TypeError,
     r"query and keys must share one dtype; got query float64, keys float32.*To fix"),
    (lambda: attention(_q, _K, _K.double()), TypeError, r"keys and values must share one dtype"),
    (lambda: general_score(_q, _K, torch.eye(3).double()), TypeError, r"query and W must share one dtype"),
    (lambda: additive_score(_q, _K, torch.zeros(2, 6), torch.zeros(2).double()), TypeError,
     r"query, W and v must share one dtype"),
    (lambda: additive_score(_q, _K, torch.zeros(2, 6), torch.zeros(2), b=torch.zeros(3)), ValueError,
     r"b must have shape \(A,\) = \(2,\)"),
    (lambda: location_score(_q, _K, torch.zeros(6, 3), b=torch.zeros(5)), ValueError,
     r"b must have shape \(S_max,\) = \(6,\)"),
    (lambda: location_score(_q, _K, torch.zeros(6, 3), b=np.zeros(6)), TypeError, r"query and b must share one dtype"),
    (lambda: dot_score(torch.zeros(3, dtype=torch.complex64), _K), TypeError, "query must hold real numbers"),
    (lambda: dot_score(None, _K), TypeError, "query must be"),
    (lambda: dot_score(["a", "b", "c"], _K.double()), TypeError, "query must"),
    (lambda: attention(_q, _K, _K, "general"), TypeError, r"score='general' needs W=; got none, missing \['W'\]"),
    (lambda: attention(_q, _K, _K, "additive", W=torch.zeros(2, 6)), TypeError, r"needs W=, v= \(optional: b\).*missing \['v'\]"),
    (lambda: attention(_q, _K, _K, "dot", W=torch.eye(3)), TypeError, r"score='dot' needs no parameters.*unknown \['W'\]"),
    (lambda: attention(_q, _K, _K, score=3), TypeError, "score must be one of .* or a function; got int"),
    (lambda: LuongAttentionDecoder(10, 4, 8, max_source_len=None), TypeError, "max_source_len must be an integer"),
    (lambda: softmax_saturation(dims=[]), ValueError, "dims must be a non-empty sequence of positive integers"),
    (lambda: softmax_saturation(dims=[4, 0]), ValueError, "dims must be a non-empty sequence of positive integers"),
    (lambda: local_attention(_q, _K, _K, center=2.0, half_width=1, mask=torch.tensor([1, 0, 0, 0, 1]).bool()),
     ValueError, "holds no visible source position"),
    # issue 29: batch axes that do not broadcast, masks and centres of the wrong kind, sizes that would not fit
    (lambda: dot_score(torch.zeros(3, 4), torch.zeros(2, 5, 4)), ValueError,
     r"query and keys must have the same batch axes .*got query \(3, 4\) and keys \(2, 5, 4\)"),
    (lambda: attention(torch.zeros(2, 4), torch.zeros(2, 5, 4), torch.zeros(3, 5, 4)), ValueError,
     r"keys and values must have the same batch axes"),
    (lambda: attention(_q, _K, _K, mask="abc"), TypeError, r"mask must be a boolean tensor .*got str"),
    (lambda: local_attention(torch.zeros(2, 3), torch.zeros(2, 5, 3), torch.zeros(2, 5, 3), center=torch.tensor([1, 2, 3]),
                             half_width=1), ValueError, r"center must be a number or hold one centre per query, shape \(2,\)"),
    (lambda: apply_mask(np.zeros((2, 3)), torch.ones(2, 3, dtype=torch.bool)), TypeError, "scores must be Tensor"),
    (lambda: apply_mask(torch.zeros(2, 3, dtype=torch.long), torch.ones(2, 3, dtype=torch.bool)), TypeError,
     "scores must be a floating-point tensor"),
    (lambda: apply_mask(torch.zeros(2, 3), torch.ones(2, 3, dtype=torch.bool), name=None), TypeError, "name must be str"),
    (lambda: additive_score(_q, torch.zeros(5, 2), torch.zeros(2, 6), torch.zeros(2)), ValueError,
     r"for query size d_q = 3 and keys of size d_k = 2"),
    (lambda: location_score(_q, _K, torch.zeros(6, 2)), ValueError, r"d_q = 3 for query \(3,\) and keys \(5, 3\)"),
    (lambda: softmax_saturation(dims=None), TypeError, "dims must be a sequence of positive integers"),
    (lambda: softmax_saturation(dims=(4, "x")), ValueError, "dims must be a non-empty sequence of positive integers"),
    (lambda: softmax_saturation(num_keys=10**12), ValueError, r"the keys \(trials x num_keys"),
    (lambda: BahdanauAttentionDecoder(10, 4, 8, attention_size=10**12), ValueError,
     r"BahdanauAttentionDecoder would have about .*reduce attention_size"),
    (lambda: LuongAttentionDecoder(10, 4, 8, score="location", max_source_len=10**12), ValueError,
     "reduce max_source_len"),
    (lambda: LuongAttentionDecoder(10, 4, 8).forward_step(torch.tensor([1, 2]), None, torch.zeros(2, 5, 8).double()),
     TypeError, "encoder_outputs must have the decoder's dtype torch.float32"),
    (lambda: LuongAttentionDecoder(10, 4, 8).forward_step(torch.tensor([1, 2]), None, torch.zeros(2, 5, 8),
                                                          torch.ones(2, 5)), TypeError, "src_mask must be a boolean tensor"),
    (lambda: LuongAttentionDecoder(10, 4, 8).forward_sequence(torch.tensor([[1, 2]]), None, torch.zeros(1, 5, 8),
                                                              torch.ones(1, 4, dtype=torch.bool)), ValueError,
     r"src_mask must have shape \(B, S\) = \(1, 5\)"),
    (lambda: LuongAttentionDecoder(10, 4, 8).forward_sequence(torch.tensor([[1, 20]]), None, torch.zeros(1, 5, 8)),
     ValueError, r"tokens must hold token ids in 0..9"),
    (lambda: BahdanauAttentionDecoder(10, 4, 8).forward_step(torch.tensor([1, 2]), torch.zeros(1, 3, 8),
                                                             torch.zeros(2, 5, 8)), ValueError,
     r"state must have shape \(num_layers, batch, hidden_size\) = \(1, 2, 8\), the batch size taken from token"),
]


@pytest.mark.parametrize("call,error,message", ATTENTION_BAD_INPUT, ids=[f"case{i}" for i in range(len(ATTENTION_BAD_INPUT))])
def test_attention_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_bahdanau_starts_from_a_zero_state_when_given_none():
    torch.manual_seed(0)
    dec = BahdanauAttentionDecoder(10, 4, 8, cell="lstm")
    tokens, enc = torch.tensor([1, 2]), torch.randn(2, 5, 8)
    zeros = torch.zeros(1, 2, 8)
    expected = dec.forward_step(tokens, (zeros, zeros), enc)
    got = dec.forward_step(tokens, None, enc)
    torch.testing.assert_close(got[0], expected[0])
    torch.testing.assert_close(got[2], expected[2])


def test_integer_inputs_become_floats_and_a_local_mask_hides_positions():
    torch.testing.assert_close(dot_score(torch.tensor([1, 0]), torch.tensor([[2, 1], [0, 3]])), torch.tensor([2.0, 0.0]))
    H = torch.eye(5, 3, dtype=torch.float64)
    keep = torch.tensor([True, True, False, True, True])
    _, w = local_attention(torch.ones(3, dtype=torch.float64), H, H, center=2.0, half_width=2, mask=keep)
    assert w[2] == 0 and (w[keep] > 0).all()


# ----------------------------------------------------------------- decoders in chapter 9's Seq2Seq
@pytest.mark.parametrize("cls,kwargs", [
    (LuongAttentionDecoder, {}), (LuongAttentionDecoder, {"score": "general"}),
    (LuongAttentionDecoder, {"score": "additive", "cell": "lstm", "num_layers": 2}),
    (LuongAttentionDecoder, {"score": "location", "max_source_len": 8}),
    (BahdanauAttentionDecoder, {}), (BahdanauAttentionDecoder, {"cell": "lstm"}),
])
def test_decoders_plug_into_seq2seq(cls, kwargs):
    from dlcourse.seq2seq import Encoder, Seq2Seq, greedy_decode

    torch.manual_seed(0)
    cell, layers = kwargs.pop("cell", "gru"), kwargs.pop("num_layers", 1)
    model = Seq2Seq(Encoder(13, 8, 16, cell=cell, num_layers=layers),
                    cls(13, 8, 16, cell=cell, num_layers=layers, **kwargs))
    src = torch.tensor([[5, 6, 7, 8, 9], [4, 3, 0, 0, 0]])
    lengths = torch.tensor([5, 2])
    tgt = torch.tensor([[1, 9, 8, 7, 6, 5, 2], [1, 3, 4, 2, 0, 0, 0]])
    logits = model(src, lengths, tgt)
    assert logits.shape == (2, 6, 13)
    A = model.last_attention
    assert A.shape == (2, 6, 5)
    torch.testing.assert_close(A.sum(-1), torch.ones(2, 6))
    assert (A[1, :, 2:] == 0).all()  # padding gets no attention
    logits.sum().backward()
    assert all(p.grad is not None for n, p in model.decoder.named_parameters() if "embedding" not in n)
    # the padded row decodes exactly as it does alone, without padding
    alone = model(src[1:, :2], lengths[1:], tgt[1:, :4])
    torch.testing.assert_close(alone[0], logits[1, :3], rtol=1e-5, atol=1e-6)
    tokens, att = greedy_decode(model, src, lengths, max_len=7)
    assert len(tokens) == 2 and att.shape[0] == 2 and att.shape[2] == 5


def test_luong_step_follows_its_equations():
    torch.manual_seed(1)
    dec = LuongAttentionDecoder(11, 4, 6).double()
    H = torch.randn(2, 5, 6, dtype=D64)
    state = torch.randn(1, 2, 6, dtype=D64)
    token = torch.tensor([3, 4])
    logits, new_state, w = dec.forward_step(token, state, H, torch.ones(2, 5, dtype=torch.bool))
    s_t = dec.rnn(dec.embedding(token)[:, None], state)[1][-1]  # (2, 6)
    e = torch.einsum("bh,bsh->bs", s_t, H)
    a = torch.softmax(e, -1)
    a_t = torch.einsum("bs,bsh->bh", a, H)
    s_tilde = torch.tanh(torch.cat([a_t, s_t], -1) @ dec.combine.weight.T + dec.combine.bias)
    torch.testing.assert_close(w, a)
    torch.testing.assert_close(logits, s_tilde @ dec.out.weight.T + dec.out.bias)


def test_bahdanau_step_attends_with_the_previous_state():
    torch.manual_seed(2)
    dec = BahdanauAttentionDecoder(11, 4, 6, attention_size=5).double()
    H = torch.randn(2, 5, 6, dtype=D64)
    state = torch.randn(1, 2, 6, dtype=D64)
    _, _, w = dec.forward_step(torch.tensor([3, 4]), state, H, torch.ones(2, 5, dtype=torch.bool))
    e = torch.tanh(dec.W_s(state[-1])[:, None] + dec.W_h(H)) @ dec.v_a.weight[0]  # (2, 5)
    torch.testing.assert_close(w, torch.softmax(e, -1))


def test_decoder_bad_input():
    with pytest.raises(ValueError, match="score must be one of"):
        LuongAttentionDecoder(10, 4, 8, score="cosine")
    with pytest.raises(ValueError, match="cell must be one of"):
        BahdanauAttentionDecoder(10, 4, 8, cell="rnn")
    dec = LuongAttentionDecoder(10, 4, 8)
    with pytest.raises(ValueError, match=r"encoder_outputs must have shape \(B, S, H\) = \(2, \*, 8\); got \(2, 5, 7\)"):
        dec.forward_step(torch.tensor([1, 1]), torch.zeros(1, 2, 8), torch.zeros(2, 5, 7))


# ----------------------------------------------------------------- the widget, driven from code
def test_attention_widget_pure_function_and_explorer():
    from dlcourse.widgets import DEMO_KEYS, attention_explorer, attention_weights_2d

    out = attention_weights_2d((1.0, 0.5), "dot", 1.0)
    e = DEMO_KEYS @ np.array([1.0, 0.5])
    np.testing.assert_allclose(out["scores"], e)
    np.testing.assert_allclose(out["weights"], np.exp(e) / np.exp(e).sum())
    np.testing.assert_allclose(out["context"], out["weights"] @ DEMO_KEYS)

    ex = attention_explorer()
    ex.controls["qx"].value = -2.0
    ex.controls["qy"].value = 0.5
    ex.controls["temperature"].value = 0.5
    w = np.exp(DEMO_KEYS @ np.array([-2.0, 0.5]) / 0.5)
    np.testing.assert_allclose(ex.result["weights"], w / w.sum(), rtol=1e-12)
    assert ex.result["argmax"] == 2  # the key pointing left
    ex.controls["score"].value = "scaled_dot"
    w = np.exp(DEMO_KEYS @ np.array([-2.0, 0.5]) / math.sqrt(2) / 0.5)
    np.testing.assert_allclose(ex.result["weights"], w / w.sum(), rtol=1e-12)
    ex.controls["score"].value = "by hand"
    ex.controls["w1"].value = 0.0
    ex.controls["w2"].value = 0.5
    np.testing.assert_allclose(ex.result["weights"], [0.0, 0.5 / 2.5, 1 / 2.5, 1 / 2.5])
    np.testing.assert_allclose(ex.result["context"], ex.result["weights"] @ DEMO_KEYS)
    assert len(ex.image.value) > 1000 and "context" in ex.html.value
    with pytest.raises(ValueError, match="manual_weights must be 4 non-negative numbers"):
        attention_weights_2d((1.0, 0.0), "by hand", 1.0, manual_weights=[1.0, -1.0, 0.0, 0.0])


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("decoder", ["plain", "dot", "general", "additive", "location"])
def test_parallel_teacher_forcing_equals_the_step_loop(cell, decoder):
    """With ratio 1, Seq2Seq runs the decoder over the whole target at once; same numbers as the loop."""
    from dlcourse.data import reversal_task
    from dlcourse.seq2seq import Decoder, Encoder, Seq2Seq, sequence_loss

    torch.manual_seed(0)
    dec = (Decoder(13, 8, 16, cell=cell, num_layers=2) if decoder == "plain"
           else LuongAttentionDecoder(13, 8, 16, cell=cell, num_layers=2, score=decoder))
    model = Seq2Seq(Encoder(13, 8, 16, cell=cell, num_layers=2), dec).double()
    batch = reversal_task(7, min_len=2, max_len=9, seed=1)
    results = []
    for parallel in (True, False):
        model.parallel_teacher_forcing = parallel
        logits = model(batch.src, batch.src_lengths, batch.tgt)
        grads = torch.autograd.grad(sequence_loss(logits, batch.tgt[:, 1:]), list(model.parameters()))
        results.append((logits.detach(), model.last_attention, grads))
    (fast, w_fast, g_fast), (slow, w_slow, g_slow) = results
    torch.testing.assert_close(fast, slow, rtol=1e-12, atol=1e-12)
    assert (w_fast is None) == (w_slow is None) == (decoder == "plain")
    if w_fast is not None:
        torch.testing.assert_close(w_fast, w_slow, rtol=1e-12, atol=1e-12)
    for a, b in zip(g_fast, g_slow):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)
