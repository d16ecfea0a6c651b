r"""Sequence to sequence: an RNN encoder, an RNN decoder, teacher forcing and greedy decoding.

An encoder reads the source :math:`x_1, \dots, x_S` into hidden states and hands its
last state, the *context vector* :math:`c = h_S`, to a decoder that starts from
``SOS`` and emits one token at a time until it emits ``EOS``:

.. math::

    h_s = \mathrm{RNN}_{enc}(E_x[x_s], h_{s-1}), \qquad s_0 = h_S, \qquad
    s_t = \mathrm{RNN}_{dec}(E_y[y_{t-1}], s_{t-1}), \qquad
    p(y_t \mid y_{<t}, x) = \mathrm{softmax}(W_o s_t + b_o),

where :math:`E_x, E_y` are embedding tables, :math:`h_s` the encoder's and
:math:`s_t` the decoder's hidden state and :math:`W_o, b_o` the output layer.

Contract shared with chapter 10 (attention decoders plug into :class:`Seq2Seq`)
-------------------------------------------------------------------------------
* ``Encoder(vocab_size, embedding_dim, hidden_size, *, cell="gru"|"lstm", num_layers=1)``;
  ``forward(src (B, S), src_lengths (B,)) -> (outputs (B, S, H), state)``; outputs are
  zero at padded positions; ``state`` is ``(num_layers, B, H)`` for a GRU and a tuple
  ``(h, c)`` for an LSTM.
* ``Decoder(vocab_size, embedding_dim, hidden_size, *, cell=..., num_layers=1)``;
  ``forward_step(token (B,), state, encoder_outputs (B, S, H), src_mask (B, S) bool,
  True at real tokens) -> (logits (B, V), new_state, weights (B, S) or None)``.
  Any module with this ``forward_step`` is a decoder. An optional method
  ``init_state(encoder_state, encoder_outputs, src_mask)`` maps the encoder's final
  state to the decoder's first state (the identity when absent).
* ``Seq2Seq(encoder, decoder, teacher_forcing_ratio=1.0)``; ``forward(src, src_lengths,
  tgt) -> logits (B, T-1, V)`` predicting ``tgt[:, 1:]``; teacher forcing is decided
  once per step with torch's global RNG; ``last_attention`` holds ``(B, T-1, S)``
  weights of the last call, or ``None``.
* :func:`sequence_loss`, :func:`greedy_decode`, :func:`train_seq2seq`,
  :func:`token_accuracy`, :func:`exact_match`, :func:`corpus_bleu`,
  :func:`accuracy_by_length`.
* :func:`beam_search` and :func:`sequence_log_prob` (:mod:`.decoding`);
  :func:`accuracy_by_position` and :func:`teacher_forced_accuracy` (:mod:`.metrics`).
* :data:`BOTTLENECK`, a frozen :class:`BottleneckConfig`, holds the exact settings of the
  bottleneck experiment and :func:`make_bottleneck_model`, :func:`bottleneck_data` and
  :func:`run_bottleneck` rebuild it with any decoder class, so chapter 10 compares like
  with like; :class:`SeedStack` and :func:`train_seed_stack` train several seeds as one.

Modules: :mod:`.model` (masks, encoder, decoder, the model, the loss), :mod:`.training`,
:mod:`.decoding` (greedy and beam search), :mod:`.metrics`, :mod:`.experiment` (the
bottleneck experiment's config) and :mod:`.seeds` (seed-batched training).
"""
from __future__ import annotations

from .decoding import beam_search, greedy_decode, sequence_log_prob
from .experiment import BOTTLENECK, BottleneckConfig, bottleneck_data, make_bottleneck_model, run_bottleneck
from .metrics import (
    accuracy_by_length,
    accuracy_by_position,
    corpus_bleu,
    evaluate_seq2seq,
    exact_match,
    strip_special,
    teacher_forced_accuracy,
    token_accuracy,
)
from .model import Decoder, Encoder, Seq2Seq, TokenRNN, lengths_to_mask, sequence_loss
from .seeds import SeedStack, train_seed_stack
from .training import train_seq2seq

__all__ = [
    "TokenRNN",
    "Encoder",
    "Decoder",
    "Seq2Seq",
    "lengths_to_mask",
    "sequence_loss",
    "greedy_decode",
    "beam_search",
    "sequence_log_prob",
    "train_seq2seq",
    "strip_special",
    "token_accuracy",
    "exact_match",
    "corpus_bleu",
    "evaluate_seq2seq",
    "accuracy_by_length",
    "accuracy_by_position",
    "teacher_forced_accuracy",
    "BottleneckConfig",
    "BOTTLENECK",
    "bottleneck_data",
    "make_bottleneck_model",
    "run_bottleneck",
    "SeedStack",
    "train_seed_stack",
]
