r"""Attention: scores, weights, context vectors and alignment (chapter 10).

At every output step a decoder with attention compares its current state (the
*query*) with every encoder state (the *keys*), turns the comparisons into a
probability distribution (the *attention weights*) and reads out the weighted
average of the encoder states (the *values*): the *context vector*.

.. math::
    e_i = \operatorname{score}(q, k_i), \qquad
    \alpha = \operatorname{softmax}(e), \qquad
    c = \sum_{i=1}^{S} \alpha_i v_i

where :math:`q \in \mathbb{R}^{d_q}` is the query, :math:`k_i \in \mathbb{R}^{d_k}`
and :math:`v_i \in \mathbb{R}^{d_v}` the key and value of source position
:math:`i`, :math:`S` the number of source positions, :math:`e_i` the score,
:math:`\alpha_i` the weight and :math:`c` the context vector.

Contents

- Score functions with one calling convention, ``score(query, keys, **params)``:
  :func:`dot_score`, :func:`scaled_dot_score`, :func:`general_score`,
  :func:`additive_score`, :func:`location_score`.
- :func:`attention` (global attention, any score, optional mask) and
  :func:`local_attention` (Luong's local-p window with a Gaussian).
- :func:`softmax_saturation`: how peaked the softmax of dot-product scores gets as
  the dimension grows, with and without the :math:`1/\sqrt{d}` scaling.
- :class:`LuongAttentionDecoder` and :class:`BahdanauAttentionDecoder`: decoders
  with attention that plug into :class:`dlcourse.seq2seq.Seq2Seq`.

Shapes. A *single* query has one dimension fewer than the keys: ``query (..., d_q)``
with ``keys (..., S, d_k)`` gives scores ``(..., S)`` (a decoder step: ``(B, H)``
against ``(B, S, H)``). A *matrix* of queries has as many dimensions as the keys:
``query (..., T, d_q)`` gives scores ``(..., T, S)`` (the matrix form
:math:`\operatorname{softmax}(QK^\top)V`). Leading batch dimensions broadcast.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Mapping

import numpy as np
import torch
from torch import nn

from .data.sequences import PAD
from .seq2seq import TokenRNN
from ._validation import check_choice, check_float, check_int, format_shape

__all__ = [
    "dot_score",
    "scaled_dot_score",
    "general_score",
    "additive_score",
    "location_score",
    "SCORES",
    "attention",
    "local_attention",
    "softmax_saturation",
    "LuongAttentionDecoder",
    "BahdanauAttentionDecoder",
]


# --------------------------------------------------------------------------- helpers
def _tensor(x: Any, name: str) -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        t = x
    else:
        try:
            t = torch.as_tensor(np.asarray(x, dtype=float))
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a tensor or an array of numbers; got {type(x).__name__}.") from exc
    if not t.is_floating_point():
        t = t.to(torch.get_default_dtype())
    return t


def _shape(t: torch.Tensor) -> str:
    return format_shape(tuple(t.shape))


def _lift(query: Any, keys: Any) -> tuple[torch.Tensor, torch.Tensor, bool]:
    """Return ``q (..., T, d_q)``, ``keys (..., S, d_k)`` and whether the query was single."""
    q = _tensor(query, "query")
    k = _tensor(keys, "keys")
    if k.ndim < 2:
        raise ValueError(
            f"keys must have shape (..., S, d_k): one row per source position; got {_shape(k)}. "
            "For a single key write keys[None]."
        )
    if q.ndim == k.ndim - 1:
        return q.unsqueeze(-2), k, True
    if q.ndim == k.ndim:
        return q, k, False
    raise ValueError(
        f"query must have one dimension fewer than keys (a single query (..., d_q)) or as many "
        f"(a matrix of queries (..., T, d_q)); got query {_shape(q)} and keys {_shape(k)}."
    )


def _finish(scores: torch.Tensor, single: bool) -> torch.Tensor:
    return scores.squeeze(-2) if single else scores


def _same_dim(q: torch.Tensor, k: torch.Tensor, what: str, query: Any, keys: Any) -> None:
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"the {what} score needs query and keys of the same size d: got query "
            f"{_shape(_tensor(query, 'query'))} (d_q = {q.shape[-1]}) and keys {_shape(k)} "
            f"(d_k = {k.shape[-1]}). Use the general or additive score for different sizes."
        )


# --------------------------------------------------------------------------- scores
def dot_score(query: Any, keys: Any) -> torch.Tensor:
    r"""Dot-product score (Luong et al., 2015): :math:`e_i = q^\top k_i`.

    where :math:`q` is the query (the decoder state :math:`s_t`) and :math:`k_i` the
    key of source position :math:`i` (the encoder state :math:`h_i`); both have size
    :math:`d`.

    Shapes: ``query (..., d)`` and ``keys (..., S, d)`` give ``(..., S)``;
    ``query (..., T, d)`` gives ``(..., T, S)``.

    Example
    -------
    >>> dot_score(torch.tensor([1.0, 0.0]), torch.tensor([[2.0, 1.0], [0.0, 3.0]]))
    tensor([2., 0.])
    """
    q, k, single = _lift(query, keys)
    _same_dim(q, k, "dot", query, keys)
    scores = q @ k.transpose(-1, -2)  # (..., T, d) @ (..., d, S) -> (..., T, S)
    return _finish(scores, single)


def scaled_dot_score(query: Any, keys: Any) -> torch.Tensor:
    r"""Scaled dot-product score (Vaswani et al., 2017): :math:`e_i = q^\top k_i / \sqrt{d}`.

    where :math:`d` is the size of query and keys. If the components of :math:`q`
    and :math:`k_i` are independent with mean 0 and variance 1, the dot product has
    variance :math:`d`; dividing by :math:`\sqrt{d}` brings it back to 1 so the
    softmax does not saturate as :math:`d` grows (see :func:`softmax_saturation`).

    Shapes as in :func:`dot_score`.

    Example
    -------
    >>> scaled_dot_score(torch.tensor([1.0, 1.0, 1.0, 1.0]), torch.ones(2, 4))
    tensor([2., 2.])
    """
    q, k, single = _lift(query, keys)
    _same_dim(q, k, "scaled dot", query, keys)
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])  # (..., T, S)
    return _finish(scores, single)


def general_score(query: Any, keys: Any, W: Any) -> torch.Tensor:
    r"""General (bilinear) score (Luong et al., 2015): :math:`e_i = q^\top W_a k_i`.

    where :math:`W_a \in \mathbb{R}^{d_q \times d_k}` is a learned matrix, so query
    and keys may differ in size. With :math:`W_a = I` it is the dot score.

    Shapes: ``W (d_q, d_k)``; otherwise as in :func:`dot_score`.

    Example
    -------
    >>> general_score(torch.tensor([1.0, 2.0]), torch.eye(3)[:2], torch.tensor([[1.0, 0, 0], [0, 1, 0]]))
    tensor([1., 2.])
    """
    q, k, single = _lift(query, keys)
    Wa = _tensor(W, "W")
    if Wa.ndim != 2 or Wa.shape[0] != q.shape[-1] or Wa.shape[1] != k.shape[-1]:
        raise ValueError(
            f"W must have shape (d_q, d_k) = ({q.shape[-1]}, {k.shape[-1]}) for query "
            f"{_shape(_tensor(query, 'query'))} and keys {_shape(k)}; got W {_shape(Wa)}."
        )
    scores = (q @ Wa) @ k.transpose(-1, -2)  # (..., T, d_q) @ (d_q, d_k) @ (..., d_k, S) -> (..., T, S)
    return _finish(scores, single)


def additive_score(query: Any, keys: Any, W: Any, v: Any, b: Any = None) -> torch.Tensor:
    r"""Additive (concat) score (Bahdanau et al., 2014): :math:`e_i = v_a^\top \tanh(W_a [q; k_i] + b_a)`.

    where :math:`[q; k_i]` is the concatenation of query and key (size
    :math:`d_q + d_k`), :math:`W_a \in \mathbb{R}^{A \times (d_q + d_k)}` and
    :math:`v_a \in \mathbb{R}^{A}` are learned, :math:`b_a \in \mathbb{R}^A` an
    optional bias and :math:`A` the attention size. Splitting
    :math:`W_a = [W_q \; W_k]` gives the cheaper form
    :math:`v_a^\top \tanh(W_q q + W_k k_i + b_a)`: the projection of the keys does
    not depend on the query and can be computed once per sentence.

    Shapes: ``W (A, d_q + d_k)``, ``v (A,)``, ``b (A,)``; otherwise as in :func:`dot_score`.

    Example
    -------
    >>> W = torch.tensor([[1.0, 0.0, 1.0, 0.0]])          # A = 1, d_q = d_k = 2
    >>> additive_score(torch.tensor([0.5, 0.0]), torch.tensor([[0.5, 9.0], [-0.5, 9.0]]), W, torch.tensor([1.0]))
    tensor([0.7616, 0.0000])
    """
    q, k, single = _lift(query, keys)
    Wa, va = _tensor(W, "W"), _tensor(v, "v")
    dq, dk = q.shape[-1], k.shape[-1]
    if Wa.ndim != 2 or Wa.shape[1] != dq + dk:
        raise ValueError(
            f"W must have shape (A, d_q + d_k) = (*, {dq + dk}) for query size {dq} and key size {dk}; "
            f"got W {_shape(Wa)}."
        )
    A = Wa.shape[0]
    if va.shape != (A,):
        raise ValueError(f"v must have shape (A,) = ({A},) to match W {_shape(Wa)}; got v {_shape(va)}.")
    proj_q = q @ Wa[:, :dq].T  # (..., T, d_q) @ (d_q, A) -> (..., T, A)
    proj_k = k @ Wa[:, dq:].T  # (..., S, d_k) @ (d_k, A) -> (..., S, A)
    hidden = proj_q.unsqueeze(-2) + proj_k.unsqueeze(-3)  # (..., T, 1, A) + (..., 1, S, A) -> (..., T, S, A)
    if b is not None:
        ba = _tensor(b, "b")
        if ba.shape != (A,):
            raise ValueError(f"b must have shape (A,) = ({A},); got b {_shape(ba)}.")
        hidden = hidden + ba
    scores = torch.tanh(hidden) @ va  # (..., T, S, A) @ (A,) -> (..., T, S)
    return _finish(scores, single)


def location_score(query: Any, keys: Any, W: Any, b: Any = None) -> torch.Tensor:
    r"""Location-based score (Luong et al., 2015): :math:`e = W_a q + b_a`, one score per position.

    where :math:`W_a \in \mathbb{R}^{S_{\max} \times d_q}` maps the query alone to a
    score for each of the first :math:`S_{\max}` source positions; the keys are used
    only for their number :math:`S \le S_{\max}` (the scores of positions beyond
    :math:`S` are dropped). The model learns *where* to look, not *what* to look for.

    Shapes: ``W (S_max, d_q)``, ``b (S_max,)``; otherwise as in :func:`dot_score`.

    Example
    -------
    >>> location_score(torch.tensor([1.0, 2.0]), torch.zeros(2, 5), torch.tensor([[1.0, 0], [0, 1], [1, 1]]))
    tensor([1., 2.])
    """
    q, k, single = _lift(query, keys)
    Wa = _tensor(W, "W")
    S = k.shape[-2]
    if Wa.ndim != 2 or Wa.shape[1] != q.shape[-1] or Wa.shape[0] < S:
        raise ValueError(
            f"W must have shape (S_max, d_q) with S_max >= S = {S} and d_q = {q.shape[-1]} for keys "
            f"{_shape(k)}; got W {_shape(Wa)}."
        )
    scores = q @ Wa[:S].T  # (..., T, d_q) @ (d_q, S) -> (..., T, S)
    if b is not None:
        ba = _tensor(b, "b")
        if ba.shape != (Wa.shape[0],):
            raise ValueError(f"b must have shape (S_max,) = ({Wa.shape[0]},); got b {_shape(ba)}.")
        scores = scores + ba[:S]
    lead = torch.broadcast_shapes(q.shape[:-2], k.shape[:-2])
    scores = scores.expand(*lead, q.shape[-2], S)
    return _finish(scores, single)


SCORES: dict[str, Callable[..., torch.Tensor]] = {
    "dot": dot_score,
    "scaled_dot": scaled_dot_score,
    "general": general_score,
    "additive": additive_score,
    "location": location_score,
}
"""The score functions by name, as :func:`attention` accepts them."""


# --------------------------------------------------------------------------- attention
def _prepare_mask(mask: Any, scores3: torch.Tensor, keys: torch.Tensor, single: bool) -> torch.Tensor:
    m = mask if isinstance(mask, torch.Tensor) else torch.as_tensor(np.asarray(mask))
    if m.dtype != torch.bool:
        raise TypeError(
            f"mask must be a boolean tensor (True at positions that may be attended to); got dtype {m.dtype}. "
            "Convert with mask.bool() or lengths-based comparisons such as arange(S) < lengths[:, None]."
        )
    S = keys.shape[-2]
    if m.ndim == 0 or m.shape[-1] != S:
        raise ValueError(
            f"mask must have shape (..., S) with S = {S} source positions (keys {_shape(keys)}); got mask {_shape(m)}."
        )
    if single or m.ndim < scores3.ndim:
        m = m.unsqueeze(-2)  # (..., S) -> (..., 1, S): the same mask for every query
    try:
        m = m.expand_as(scores3) if m.shape != scores3.shape else m
    except RuntimeError as exc:
        raise ValueError(
            f"mask {_shape(m)} does not fit the scores {_shape(scores3)} (keys {_shape(keys)}); "
            "use shape (batch..., S) with the batch dimensions of the keys."
        ) from exc
    hidden_rows = ~m.any(dim=-1)
    if bool(hidden_rows.any()):
        where = tuple(int(i) for i in torch.nonzero(hidden_rows)[0])
        raise ValueError(
            f"mask hides every source position for the query at index {where}: softmax over no "
            "positions is undefined. Every row of the mask needs at least one True (a real token)."
        )
    return m


def attention(
    query: Any,
    keys: Any,
    values: Any,
    score: str | Callable[..., torch.Tensor] = "dot",
    mask: Any = None,
    **score_params: Any,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Global attention: scores, softmax weights and the context vector.

    .. math::
        e_i = \operatorname{score}(q, k_i), \qquad
        \alpha_i = \frac{\exp(e_i)}{\sum_{j:\, m_j} \exp(e_j)} \text{ if } m_i \text{ else } 0, \qquad
        c = \sum_{i=1}^{S} \alpha_i v_i

    where :math:`q` is the query, :math:`k_i` and :math:`v_i` the key and value of
    source position :math:`i = 1..S`, :math:`m_i` the mask (True at real tokens,
    False at padding), :math:`\alpha` the attention weights and :math:`c` the
    context vector. In matrix form, for queries :math:`Q` (one per row),
    :math:`C = \operatorname{softmax}(QK^\top) V` with the dot score.

    Parameters
    ----------
    query:
        ``(..., d_q)`` (one query) or ``(..., T, d_q)`` (a matrix of queries).
    keys, values:
        ``(..., S, d_k)`` and ``(..., S, d_v)``.
    score:
        A name in :data:`SCORES` (``"dot"``, ``"scaled_dot"``, ``"general"``,
        ``"additive"``, ``"location"``) or a function ``score(query, keys, **score_params)``.
    mask:
        Optional bool ``(..., S)`` (or ``(..., T, S)``), True where attending is allowed.
        Masked positions get weight exactly 0.
    score_params:
        Parameters of the score, e.g. ``W=`` for the general score, ``W=, v=`` for the additive one.

    Returns
    -------
    ``(context, weights)``: ``context (..., d_v)`` and ``weights (..., S)`` for a single
    query; ``(..., T, d_v)`` and ``(..., T, S)`` for a matrix of queries.

    Example
    -------
    >>> H = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])     # three encoder states
    >>> context, weights = attention(torch.tensor([2.0, 0.0]), H, H)
    >>> weights.round(decimals=3)
    tensor([0.4680, 0.0630, 0.4680])
    """
    if isinstance(score, str):
        check_choice(score, "score", SCORES)
        score_fn = SCORES[score]
    elif callable(score):
        score_fn = score
    else:
        raise TypeError(f"score must be one of {sorted(SCORES)} or a function; got {type(score).__name__}.")
    q3, k, single = _lift(query, keys)
    v = _tensor(values, "values")
    if v.ndim != k.ndim or v.shape[-2] != k.shape[-2]:
        raise ValueError(
            f"values must have shape (..., S, d_v) with the same S = {k.shape[-2]} as keys {_shape(k)}; "
            f"got values {_shape(v)}."
        )
    scores3 = score_fn(q3, k, **score_params)  # (..., T, S)
    if mask is not None:
        m = _prepare_mask(mask, scores3, k, single)
        scores3 = scores3.masked_fill(~m, float("-inf"))  # exp(-inf) = 0: exactly zero weight
    weights3 = torch.softmax(scores3, dim=-1)  # (..., T, S)
    context3 = weights3 @ v  # (..., T, S) @ (..., S, d_v) -> (..., T, d_v)
    return _finish(context3, single), _finish(weights3, single)


def local_attention(
    query: Any,
    keys: Any,
    values: Any,
    center: Any,
    half_width: int,
    score: str | Callable[..., torch.Tensor] = "dot",
    mask: Any = None,
    **score_params: Any,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Local attention (Luong et al., 2015, local-p): a window around a predicted position.

    .. math::
        \alpha_i = \operatorname{softmax}_{|j - p| \le D}(e_j)_i \,
        \exp\!\left(-\frac{(i - p)^2}{2\sigma^2}\right), \quad \sigma = D / 2, \qquad
        c = \sum_i \alpha_i v_i

    where :math:`p` is the centre of the window (a real number; Luong et al. predict
    it as :math:`S \cdot \mathrm{sigmoid}(v_p^\top \tanh(W_p s_t))`; *local-m* takes
    :math:`p = t`), :math:`D` the half-width, and positions outside
    :math:`[p - D, p + D]` get weight 0. As in the paper the Gaussian factor is
    applied after the softmax, so the weights sum to at most 1. Only :math:`2D + 1`
    scores are needed per step instead of :math:`S`.

    Shapes: ``center`` a number or ``(...)`` (one per query); the rest as in
    :func:`attention`. Returns ``(context, weights)``.
    """
    D = check_int(half_width, "half_width", minimum=0)
    q3, k, single = _lift(query, keys)
    S = k.shape[-2]
    p = _tensor(center, "center").to(k.dtype)
    if single:
        p = p.unsqueeze(-1)  # (...) -> (..., 1): one centre per (single) query
    positions = torch.arange(S, dtype=k.dtype)  # (S,)
    distance = positions - p.unsqueeze(-1)  # (..., T, S)
    window = distance.abs() <= D
    if mask is not None:
        m = mask if isinstance(mask, torch.Tensor) else torch.as_tensor(np.asarray(mask))
        if single or m.ndim < q3.ndim:
            m = m.unsqueeze(-2)
        window = window & m
    if not bool(window.any(dim=-1).all()):
        raise ValueError(
            f"the window [center - {D}, center + {D}] holds no visible source position for some query "
            f"(S = {S}); move the centre inside 0..{S - 1} or widen half_width."
        )
    context3, weights3 = attention(q3, k, _tensor(values, "values"), score, window, **score_params)
    sigma = max(D / 2.0, 1e-12)
    weights3 = weights3 * torch.exp(-(distance**2) / (2 * sigma**2))  # (..., T, S)
    context3 = weights3 @ _tensor(values, "values")  # (..., T, d_v)
    return _finish(context3, single), _finish(weights3, single)


def softmax_saturation(
    dims: Any = (4, 16, 64, 256, 1024), num_keys: int = 10, trials: int = 2000, seed: int = 0
) -> dict[str, np.ndarray]:
    r"""How peaked softmax attention gets as the dimension grows, with and without scaling.

    For each dimension :math:`d`, draws ``trials`` queries and sets of ``num_keys``
    keys with independent standard-normal components, and measures the mean of the
    largest weight :math:`\max_i \alpha_i` and of the entropy
    :math:`H = -\sum_i \alpha_i \ln \alpha_i` for the dot score (its standard
    deviation grows as :math:`\sqrt{d}`) and the scaled dot score (standard
    deviation 1). A largest weight near 1 means the softmax has *saturated*: it is
    almost one-hot and its gradient :math:`\partial \alpha / \partial e =
    \operatorname{diag}(\alpha) - \alpha\alpha^\top` is almost 0.

    Returns
    -------
    dict of NumPy arrays over ``dims``: ``dims``, ``dot_max_weight``,
    ``scaled_max_weight``, ``dot_entropy``, ``scaled_entropy``, ``dot_score_std``,
    ``scaled_score_std`` and ``dot_grad_norm``, ``scaled_grad_norm`` (mean Frobenius
    norm of the softmax Jacobian).
    """
    dims_arr = np.asarray(dims, dtype=int).ravel()
    if dims_arr.size == 0 or (dims_arr < 1).any():
        raise ValueError(f"dims must be a non-empty sequence of positive integers; got {list(np.ravel(dims))}.")
    n = check_int(num_keys, "num_keys", minimum=2)
    trials = check_int(trials, "trials", minimum=1)
    gen = torch.Generator().manual_seed(check_int(seed, "seed", minimum=0))
    out: dict[str, list[float]] = {key: [] for key in (
        "dot_max_weight", "scaled_max_weight", "dot_entropy", "scaled_entropy",
        "dot_score_std", "scaled_score_std", "dot_grad_norm", "scaled_grad_norm")}
    for d in dims_arr:
        q = torch.randn(trials, int(d), generator=gen, dtype=torch.float64)  # (N, d)
        k = torch.randn(trials, n, int(d), generator=gen, dtype=torch.float64)  # (N, n, d)
        for name, fn in (("dot", dot_score), ("scaled", scaled_dot_score)):
            e = fn(q, k)  # (N, n)
            a = torch.softmax(e, dim=-1)
            entropy = -(a * torch.log(a.clamp_min(1e-300))).sum(-1)
            jac = torch.diag_embed(a) - a.unsqueeze(-1) * a.unsqueeze(-2)  # (N, n, n)
            out[f"{name}_max_weight"].append(float(a.max(-1).values.mean()))
            out[f"{name}_entropy"].append(float(entropy.mean()))
            out[f"{name}_score_std"].append(float(e.std()))
            out[f"{name}_grad_norm"].append(float(torch.linalg.matrix_norm(jac).mean()))
    result = {key: np.asarray(vals) for key, vals in out.items()}
    result["dims"] = dims_arr
    return result


# --------------------------------------------------------------------------- decoders
def _top(state: Any) -> torch.Tensor:
    """The top layer's hidden state ``(B, H)`` of a GRU state or an LSTM ``(h, c)``."""
    h = state[0] if isinstance(state, tuple) else state
    return h[-1]


class _AttentionDecoderBase(TokenRNN):
    """Chapter 9's sizes, embedding and RNN factory (:class:`dlcourse.seq2seq.TokenRNN`), plus a step check."""

    def _check_step(self, token: torch.Tensor, encoder_outputs: torch.Tensor) -> None:
        if token.ndim != 1:
            raise ValueError(f"token must have shape (B,) (one token id per sequence); got {_shape(token)}.")
        if encoder_outputs.ndim != 3 or encoder_outputs.shape[0] != token.shape[0] or encoder_outputs.shape[-1] != self.hidden_size:
            raise ValueError(
                f"encoder_outputs must have shape (B, S, H) = ({token.shape[0]}, *, {self.hidden_size}); "
                f"got {_shape(encoder_outputs)}."
            )



class LuongAttentionDecoder(_AttentionDecoderBase):
    r"""A decoder with Luong et al.'s (2015) global attention, one step at a time.

    .. math::
        s_t &= \operatorname{RNN}(E y_{t-1},\, s_{t-1}) \\
        e_{t,i} &= \operatorname{score}(s_t, h_i), \quad
        \alpha_t = \operatorname{softmax}(e_t), \quad
        a_t = \sum_{i=1}^{S} \alpha_{t,i} h_i \\
        \tilde{s}_t &= \tanh(W_c [a_t; s_t] + b_c), \qquad
        p(y_t \mid y_{<t}, x) = \operatorname{softmax}(W_o \tilde{s}_t + b_o)

    where :math:`y_{t-1}` is the previous target token, :math:`E` the embedding,
    :math:`s_t \in \mathbb{R}^H` the decoder's (top-layer) hidden state after step
    :math:`t`, :math:`h_i \in \mathbb{R}^H` the encoder output at source position
    :math:`i`, :math:`\alpha_t` the attention weights over the :math:`S` source
    positions (zero at padding), :math:`a_t` the attention value (context vector),
    :math:`[a_t; s_t]` the concatenation, :math:`W_c \in \mathbb{R}^{H \times 2H}`,
    :math:`W_o \in \mathbb{R}^{V \times H}` and :math:`V` the vocabulary size. The
    score is ``"dot"`` (default), ``"scaled_dot"``, ``"general"`` (learned
    :math:`W_a \in \mathbb{R}^{H \times H}`), ``"additive"`` (learned
    :math:`W_a \in \mathbb{R}^{H \times 2H}`, :math:`v_a \in \mathbb{R}^{H}`) or
    ``"location"`` (learned :math:`W_a \in \mathbb{R}^{S_{\max} \times H}`,
    ``max_source_len`` = :math:`S_{\max}`).

    The constructor and :meth:`forward_step` follow :class:`dlcourse.seq2seq.Decoder`,
    so the decoder plugs into :class:`dlcourse.seq2seq.Seq2Seq` unchanged.

    Shapes: ``token (B,)``, ``state (num_layers, B, H)`` (GRU) or a pair of them
    (LSTM), ``encoder_outputs (B, S, H)``, ``src_mask (B, S)`` bool. Returns
    ``logits (B, V)``, the new state and ``weights (B, S)``.

    Initialisation: PyTorch's defaults for ``nn.Embedding``, the RNN and ``nn.Linear``;
    score parameters :math:`\mathcal{U}(-1/\sqrt{H}, 1/\sqrt{H})`.

    Example
    -------
    >>> dec = LuongAttentionDecoder(10, 8, 16)
    >>> logits, state, weights = dec.forward_step(torch.tensor([1, 1]), torch.zeros(1, 2, 16), torch.randn(2, 5, 16), torch.ones(2, 5, dtype=torch.bool))
    >>> logits.shape, weights.shape
    (torch.Size([2, 10]), torch.Size([2, 5]))
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int,
        hidden_size: int,
        *,
        cell: str = "gru",
        num_layers: int = 1,
        score: str = "dot",
        max_source_len: int = 64,
    ) -> None:
        super().__init__(vocab_size, embedding_dim, hidden_size, cell=cell, num_layers=num_layers)
        self.score = check_choice(score, "score", SCORES)
        H = self.hidden_size
        self.rnn = self._rnn(self.embedding_dim)
        bound = 1.0 / math.sqrt(H)
        if score == "general":
            self.W_a = nn.Parameter(torch.empty(H, H).uniform_(-bound, bound))
        elif score == "additive":
            self.W_a = nn.Parameter(torch.empty(H, 2 * H).uniform_(-bound, bound))
            self.v_a = nn.Parameter(torch.empty(H).uniform_(-bound, bound))
        elif score == "location":
            self.max_source_len = check_int(max_source_len, "max_source_len", minimum=1)
            self.W_a = nn.Parameter(torch.empty(self.max_source_len, H).uniform_(-bound, bound))
        self.combine = nn.Linear(2 * H, H)  # W_c, b_c
        self.out = nn.Linear(H, self.vocab_size)  # W_o, b_o

    def _score_params(self) -> dict[str, torch.Tensor]:
        if self.score in ("general", "location"):
            return {"W": self.W_a}
        if self.score == "additive":
            return {"W": self.W_a, "v": self.v_a}
        return {}

    def forward_step(
        self, token: torch.Tensor, state: Any, encoder_outputs: torch.Tensor, src_mask: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, Any, torch.Tensor]:
        """One decoder step; see the class docstring for the equations and shapes."""
        self._check_step(token, encoder_outputs)
        x = self.embedding(token).unsqueeze(1)  # (B, 1, E)
        _, state = self.rnn(x, state)  # state: (L, B, H) or ((L, B, H), (L, B, H))
        s_t = _top(state)  # (B, H)
        a_t, weights = attention(s_t, encoder_outputs, encoder_outputs, self.score, src_mask, **self._score_params())
        # a_t: (B, H), weights: (B, S)
        s_tilde = torch.tanh(self.combine(torch.cat([a_t, s_t], dim=-1)))  # (B, 2H) -> (B, H)
        logits = self.out(s_tilde)  # (B, V)
        return logits, state, weights

    def forward_sequence(
        self, tokens: torch.Tensor, state: Any, encoder_outputs: torch.Tensor, src_mask: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """All steps at once under full teacher forcing: ``tokens (B, T)`` -> ``logits (B, T, V)``, ``weights (B, T, S)``.

        Luong's :math:`s_t` depends only on the previous token and state, not on the
        attention, so with teacher forcing the RNN runs over the whole target in one call
        and the attention is one batched product for all :math:`T` queries: the same
        numbers as :meth:`forward_step` column by column.
        """
        s, _ = self.rnn(self.embedding(tokens), state)  # (B, T, H): the top layer's s_t for every t
        a, weights = attention(s, encoder_outputs, encoder_outputs, self.score, src_mask, **self._score_params())
        s_tilde = torch.tanh(self.combine(torch.cat([a, s], dim=-1)))  # (B, T, H)
        return self.out(s_tilde), weights


class BahdanauAttentionDecoder(_AttentionDecoderBase):
    r"""A decoder with Bahdanau et al.'s (2014) additive attention, one step at a time.

    .. math::
        e_{t,i} &= v_a^\top \tanh(W_s s_{t-1} + W_h h_i), \quad
        \alpha_t = \operatorname{softmax}(e_t), \quad
        c_t = \sum_{i=1}^{S} \alpha_{t,i} h_i \\
        s_t &= \operatorname{RNN}([E y_{t-1}; c_t],\, s_{t-1}), \qquad
        p(y_t \mid y_{<t}, x) = \operatorname{softmax}(W_o [s_t; c_t] + b_o)

    where :math:`s_{t-1} \in \mathbb{R}^H` is the decoder's (top-layer) state
    *before* the step (the query: attention decides what to read before the RNN
    updates), :math:`h_i` the encoder output at position :math:`i`,
    :math:`W_s, W_h \in \mathbb{R}^{A \times H}` and :math:`v_a \in \mathbb{R}^A`
    the attention parameters (:math:`A` = ``attention_size``, default :math:`H`;
    :math:`[W_s\; W_h]` is the :math:`W_a` of :func:`additive_score`), :math:`c_t`
    the context vector, fed to the RNN beside the embedded previous token
    :math:`E y_{t-1}`, and :math:`W_o \in \mathbb{R}^{V \times 2H}`.

    Constructor, :meth:`forward_step` and shapes as in :class:`LuongAttentionDecoder`.

    Example
    -------
    >>> dec = BahdanauAttentionDecoder(10, 8, 16)
    >>> logits, state, weights = dec.forward_step(torch.tensor([1, 1]), torch.zeros(1, 2, 16), torch.randn(2, 5, 16), torch.ones(2, 5, dtype=torch.bool))
    >>> torch.allclose(weights.sum(-1), torch.ones(2))
    True
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int,
        hidden_size: int,
        *,
        cell: str = "gru",
        num_layers: int = 1,
        attention_size: int | None = None,
    ) -> None:
        super().__init__(vocab_size, embedding_dim, hidden_size, cell=cell, num_layers=num_layers)
        H = self.hidden_size
        A = H if attention_size is None else check_int(attention_size, "attention_size", minimum=1)
        self.attention_size = A
        self.W_s = nn.Linear(H, A, bias=False)
        self.W_h = nn.Linear(H, A, bias=False)
        self.v_a = nn.Linear(A, 1, bias=False)
        self.rnn = self._rnn(self.embedding_dim + H)
        self.out = nn.Linear(2 * H, self.vocab_size)

    def forward_step(
        self, token: torch.Tensor, state: Any, encoder_outputs: torch.Tensor, src_mask: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, Any, torch.Tensor]:
        """One decoder step; see the class docstring for the equations and shapes."""
        self._check_step(token, encoder_outputs)
        s_prev = _top(state)  # (B, H)
        W_a = torch.cat([self.W_s.weight, self.W_h.weight], dim=1)  # (A, 2H) = [W_s W_h]
        c_t, weights = attention(s_prev, encoder_outputs, encoder_outputs, "additive", src_mask,
                                 W=W_a, v=self.v_a.weight[0])  # c_t: (B, H), weights: (B, S)
        x = torch.cat([self.embedding(token), c_t], dim=-1).unsqueeze(1)  # (B, 1, E + H)
        _, state = self.rnn(x, state)
        s_t = _top(state)  # (B, H)
        logits = self.out(torch.cat([s_t, c_t], dim=-1))  # (B, 2H) -> (B, V)
        return logits, state, weights
