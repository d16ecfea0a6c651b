"""Decoders with attention that plug into :class:`dlcourse.seq2seq.Seq2Seq`: Luong (score after the
recurrence) and Bahdanau (additive score before it)."""
from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from .._validation import check_choice, check_int, check_num_parameters, check_type
from ..seq2seq.model import TokenRNN
from .core import attention
from .scores import SCORES, _shape

__all__ = ["LuongAttentionDecoder", "BahdanauAttentionDecoder"]


# --------------------------------------------------------------------------- decoders
def _top(state: Any) -> torch.Tensor:
    """The top layer's hidden state ``(B, H)`` of a GRU state or an LSTM ``(h, c)``."""
    h = state[0] if isinstance(state, tuple) else state
    return h[-1]


class _AttentionDecoderBase(TokenRNN):
    """Chapter 9's sizes, embedding and RNN factory (:class:`dlcourse.seq2seq.TokenRNN`), plus a step check."""

    def _check_step(self, tokens: Any, name: str, state: Any, encoder_outputs: Any, src_mask: Any) -> None:
        """Check one call's arguments (once per call: a step, or a whole teacher-forced sequence)."""
        if self._inputs_trusted:  # inside the library's own decoding loops, after their first step
            return
        self._check_inputs(tokens, name, state)
        B, H = tokens.shape[0], self.hidden_size
        check_type(encoder_outputs, "encoder_outputs", torch.Tensor)
        if encoder_outputs.ndim != 3 or encoder_outputs.shape[0] != B or encoder_outputs.shape[-1] != H:
            raise ValueError(
                f"encoder_outputs must have shape (B, S, H) = ({B}, *, {H}); got {_shape(encoder_outputs)}. "
                f"B is the batch size of {name} and H the decoder's hidden_size."
            )
        dtype = self.embedding.weight.dtype
        if encoder_outputs.dtype != dtype:
            raise TypeError(
                f"encoder_outputs must have the decoder's dtype {dtype}; got {encoder_outputs.dtype}. "
                f"Use encoder_outputs.to({dtype}) or convert the model."
            )
        if src_mask is not None:
            check_type(src_mask, "src_mask", torch.Tensor)
            if src_mask.dtype != torch.bool:
                raise TypeError(
                    f"src_mask must be a boolean tensor, True at real source tokens; got {src_mask.dtype}. "
                    f"Build it with dlcourse.seq2seq.lengths_to_mask(src_lengths)."
                )
            S = encoder_outputs.shape[1]
            if tuple(src_mask.shape) != (B, S):
                raise ValueError(
                    f"src_mask must have shape (B, S) = ({B}, {S}), one row per row of encoder_outputs "
                    f"{_shape(encoder_outputs)}; got {_shape(src_mask)}."
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

    #: dlcourse.seq2seq.SeedStack trains seeds of this decoder as one model
    seed_stack_kind = "luong"

    def __init__(
        self, vocab_size: int, embedding_dim: int, hidden_size: int, *, cell: str = "gru", num_layers: int = 1,
        score: str = "dot", max_source_len: int = 64,
    ) -> None:
        super().__init__(vocab_size, embedding_dim, hidden_size, cell=cell, num_layers=num_layers)
        self.score = check_choice(score, "score", SCORES)
        max_source_len = check_int(max_source_len, "max_source_len", minimum=1)
        H = self.hidden_size
        self.rnn = self._rnn(self.embedding_dim)
        bound = 1.0 / math.sqrt(H)
        if score == "general":
            self.W_a = nn.Parameter(torch.empty(H, H).uniform_(-bound, bound))
        elif score == "additive":
            self.W_a = nn.Parameter(torch.empty(H, 2 * H).uniform_(-bound, bound))
            self.v_a = nn.Parameter(torch.empty(H).uniform_(-bound, bound))
        elif score == "location":
            check_num_parameters(max_source_len * H, type(self).__name__, "reduce max_source_len")
            self.max_source_len = max_source_len
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
        self._check_step(token, "token", state, encoder_outputs, src_mask)
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
        self._check_step(tokens, "tokens", state, encoder_outputs, src_mask)
        s, _ = self.rnn(self.embedding(tokens), state)  # (B, T, H): the top layer's s_t for every t
        a, weights = attention(s, encoder_outputs, encoder_outputs, self.score, src_mask, **self._score_params())
        s_tilde = torch.tanh(self.combine(torch.cat([a, s], dim=-1)))  # (B, T, H)
        return self.out(s_tilde), weights


class BahdanauAttentionDecoder(_AttentionDecoderBase):
    r"""A decoder with Bahdanau et al.'s (ICLR 2015) additive attention, one step at a time.

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

    #: dlcourse.seq2seq.SeedStack trains seeds of this decoder as one model
    seed_stack_kind = "bahdanau"

    def __init__(
        self, vocab_size: int, embedding_dim: int, hidden_size: int, *, cell: str = "gru", num_layers: int = 1,
        attention_size: int | None = None,
    ) -> None:
        super().__init__(vocab_size, embedding_dim, hidden_size, cell=cell, num_layers=num_layers)
        H = self.hidden_size
        A = H if attention_size is None else check_int(attention_size, "attention_size", minimum=1)
        check_num_parameters(A * (2 * H + 1), type(self).__name__, "reduce attention_size")
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
        self._check_step(token, "token", state, encoder_outputs, src_mask)
        if state is None:  # a zero start, as torch.nn.GRU's h0=None
            zeros = encoder_outputs.new_zeros(self.num_layers, token.shape[0], self.hidden_size)
            state = (zeros, zeros.clone()) if self.cell == "lstm" else zeros
        s_prev = _top(state)  # (B, H)
        W_a = torch.cat([self.W_s.weight, self.W_h.weight], dim=1)  # (A, 2H) = [W_s W_h]
        c_t, weights = attention(s_prev, encoder_outputs, encoder_outputs, "additive", src_mask,
                                 W=W_a, v=self.v_a.weight[0])  # c_t: (B, H), weights: (B, S)
        x = torch.cat([self.embedding(token), c_t], dim=-1).unsqueeze(1)  # (B, 1, E + H)
        _, state = self.rnn(x, state)
        s_t = _top(state)  # (B, H)
        logits = self.out(torch.cat([s_t, c_t], dim=-1))  # (B, 2H) -> (B, V)
        return logits, state, weights
