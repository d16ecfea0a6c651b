"""The encoder-decoder itself: padding masks, the shared token-RNN base, :class:`Encoder`,
:class:`Decoder`, :class:`Seq2Seq` and the masked :func:`sequence_loss`."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from .._validation import (
    check_choice,
    check_class_ids,
    check_int,
    check_ndim,
    check_num_elements,
    check_num_layers,
    check_num_parameters,
    check_probability,
    check_token_ids,
    check_type,
)
from ..data.sequences import PAD
from ._checks import check_batch, check_long, check_state, check_target, trusted

__all__ = ["TokenRNN", "Encoder", "Decoder", "Seq2Seq", "lengths_to_mask", "sequence_loss"]

_CELLS = {"gru": nn.GRU, "lstm": nn.LSTM}


def lengths_to_mask(lengths: torch.Tensor, max_len: int | None = None) -> torch.Tensor:
    """Boolean padding mask ``(B, max_len)``, True at real tokens: ``mask[b, s] = s < lengths[b]``.

    ``max_len`` defaults to the longest length; a smaller one raises ``ValueError`` (it
    would cut sequences). A length of 0 gives a row with no True, which attention refuses
    (:mod:`dlcourse.attention.masks`).

    >>> lengths_to_mask(torch.tensor([3, 1]), 4).int().tolist()
    [[1, 1, 1, 0], [1, 0, 0, 0]]
    """
    check_type(lengths, "lengths", torch.Tensor)
    check_ndim(lengths, "lengths", 1, names="(batch,)")
    if lengths.is_floating_point() or lengths.is_complex() or lengths.dtype == torch.bool:
        raise TypeError(f"lengths must be an integer tensor; got dtype {lengths.dtype}. Use lengths.long().")
    if len(lengths) and int(lengths.min()) < 0:
        raise ValueError(f"lengths must be >= 0; got {int(lengths.min())}.")
    longest = int(lengths.max()) if len(lengths) else 0
    if max_len is None:
        max_len = longest
    max_len = check_int(max_len, "max_len", minimum=0)
    check_num_elements(len(lengths) * max_len, f"the mask (batch x max_len = {len(lengths)} x {max_len})",
                       "pass a smaller max_len, or None for the longest length")
    if max_len < longest:
        raise ValueError(
            f"max_len must be at least the longest length = {longest} (a shorter mask would cut "
            f"sequences silently); got max_len = {max_len}. Pass max_len >= {longest} or None."
        )
    positions = torch.arange(max_len, device=lengths.device)  # (S,)
    return positions[None, :] < lengths[:, None]  # (B, S)


class TokenRNN(nn.Module):
    """What the encoder and every decoder share: checked sizes, a token embedding, an RNN factory.

    ``vocab_size`` token ids (``PAD`` embeds to zeros), embeddings of ``embedding_dim``, a
    ``cell`` ("gru" or "lstm") RNN of ``num_layers`` layers and ``hidden_size`` units, batch
    first. Subclasses build their RNN with :meth:`_rnn` (its input size differs: a
    Bahdanau decoder also feeds the context vector).
    """

    def __init__(
        self, vocab_size: int, embedding_dim: int, hidden_size: int, *, cell: str = "gru", num_layers: int = 1
    ) -> None:
        super().__init__()
        self.vocab_size = check_int(vocab_size, "vocab_size", minimum=2)
        self.embedding_dim = check_int(embedding_dim, "embedding_dim", minimum=1)
        self.hidden_size = check_int(hidden_size, "hidden_size", minimum=1)
        self.cell = check_choice(cell, "cell", _CELLS)
        self.num_layers = check_num_layers(num_layers)
        gates = {"gru": 3, "lstm": 4}[self.cell]
        H, E = self.hidden_size, self.embedding_dim
        check_num_parameters(
            self.vocab_size * (E + H) + self.num_layers * gates * H * (max(E, H) + H + 2),
            type(self).__name__, "reduce num_layers, hidden_size, embedding_dim or vocab_size",
        )
        self.embedding = nn.Embedding(self.vocab_size, self.embedding_dim, padding_idx=PAD)

    def _check_tokens(self, tokens: Any, name: str, ndim: int) -> None:
        """``tokens`` must be an int64 tensor of ``ndim`` dimensions with ids in ``0..vocab_size - 1``."""
        check_long(tokens, name, ndim, "(batch,)" if ndim == 1 else "(batch, steps)")
        check_token_ids(tokens, name, self.vocab_size)

    #: True inside :func:`._checks.trusted`: the library's own decoding loops skip the per-step checks
    _inputs_trusted = False

    def _check_inputs(self, tokens: Any, name: str, state: Any) -> None:
        """A decoder call's ``token (B,)`` or ``tokens (B, T)`` and its ``state`` (once per call)."""
        if self._inputs_trusted:
            return
        self._check_tokens(tokens, name, 1 if name == "token" else 2)
        self._check_state(state, tokens.shape[0], name)

    def _check_state(self, state: Any, batch: int, of: str, name: str = "state") -> None:
        """``state``: ``None``, ``(num_layers, batch, hidden_size)`` (GRU) or a pair of them (LSTM), in the model's dtype."""
        check_state(state, name, cell=self.cell, shape=(self.num_layers, batch, self.hidden_size),
                    dtype=self.embedding.weight.dtype, of=f"{of} ({batch})")

    def _rnn(self, input_size: int) -> nn.Module:
        return _CELLS[self.cell](input_size, self.hidden_size, num_layers=self.num_layers, batch_first=True)


class Encoder(TokenRNN):
    r"""Embedding followed by a GRU or LSTM that reads a padded batch of variable-length sources.

    .. math::
        h_s = \mathrm{RNN}(E[x_s], h_{s-1}), \quad s = 1, \dots, L_b,

    where :math:`E` is the embedding table, :math:`x_s` the :math:`s`-th source token and
    :math:`L_b` the true length of row :math:`b`. The sequence is packed with
    :func:`torch.nn.utils.rnn.pack_padded_sequence`, so padding never enters the
    recurrence and the final state is the state after each row's last *real* token.

    Shape:
        - src: ``(B, S)`` int64 token ids, ``PAD`` after the end of each row
        - src_lengths: ``(B,)`` int64 true lengths
        - outputs: ``(B, S, H)`` top-layer states, zero at padded positions
        - state: ``(num_layers, B, H)`` (GRU) or a tuple ``(h, c)`` of those (LSTM)

    Example::

        >>> enc = Encoder(13, 8, 16)
        >>> out, h = enc(torch.tensor([[5, 6, 7], [8, 9, 0]]), torch.tensor([3, 2]))
        >>> out.shape, h.shape, float(out[1, 2].detach().abs().sum())
        (torch.Size([2, 3, 16]), torch.Size([1, 2, 16]), 0.0)
    """

    def __init__(
        self, vocab_size: int, embedding_dim: int, hidden_size: int, *, cell: str = "gru", num_layers: int = 1
    ) -> None:
        super().__init__(vocab_size, embedding_dim, hidden_size, cell=cell, num_layers=num_layers)
        self.rnn = self._rnn(self.embedding_dim)

    def forward(self, src: torch.Tensor, src_lengths: torch.Tensor) -> tuple[torch.Tensor, Any]:
        from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

        check_batch(src, src_lengths, self.vocab_size)
        embedded = self.embedding(src)  # (B, S, E)
        packed = pack_padded_sequence(embedded, src_lengths.cpu(), batch_first=True, enforce_sorted=False)
        packed_out, state = self.rnn(packed)
        outputs, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=src.shape[1])  # (B, S, H)
        return outputs, state


class Decoder(TokenRNN):
    r"""A GRU or LSTM decoder without attention: one token in, a distribution over the next out.

    .. math::
        s_t = \mathrm{RNN}(E[y_{t-1}], s_{t-1}), \qquad
        \mathrm{logits}_t = W_o s_t + b_o,

    where :math:`y_{t-1}` is the previous token (``SOS`` at :math:`t = 1`), :math:`E` the
    target embedding table, :math:`s_t` the decoder state (:math:`s_0` is the encoder's
    final state, the context vector) and :math:`W_o \in \mathbb{R}^{V \times H}, b_o`
    the output layer. ``encoder_outputs`` and ``src_mask`` are accepted (so attention
    decoders share the signature) and ignored: everything the decoder knows about the
    source passes through :math:`s_0`, the *bottleneck*.

    Shape (``forward_step``):
        - token: ``(B,)`` int64; state: as the encoder's
        - encoder_outputs: ``(B, S, H)``; src_mask: ``(B, S)`` bool, True at real tokens
        - returns ``logits (B, V)``, the new state, and ``None`` (no attention weights)
    """

    def __init__(
        self, vocab_size: int, embedding_dim: int, hidden_size: int, *, cell: str = "gru", num_layers: int = 1
    ) -> None:
        super().__init__(vocab_size, embedding_dim, hidden_size, cell=cell, num_layers=num_layers)
        self.rnn = self._rnn(self.embedding_dim)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward_step(
        self,
        token: torch.Tensor,
        state: Any,
        encoder_outputs: torch.Tensor | None = None,
        src_mask: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, Any, None]:
        self._check_inputs(token, "token", state)
        embedded = self.embedding(token)[:, None, :]  # (B, 1, E)
        output, state = self.rnn(embedded, state)  # (B, 1, H)
        logits = self.out(output[:, 0])  # (B, V)
        return logits, state, None

    def forward_sequence(
        self,
        tokens: torch.Tensor,
        state: Any,
        encoder_outputs: torch.Tensor | None = None,
        src_mask: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, None]:
        """All steps at once under full teacher forcing: ``tokens (B, T)`` -> ``logits (B, T, V)``.

        The same computation as calling :meth:`forward_step` on each column of ``tokens``
        (the inputs do not depend on earlier outputs), in one RNN call instead of ``T``.
        """
        self._check_inputs(tokens, "tokens", state)
        output, _ = self.rnn(self.embedding(tokens), state)  # (B, T, H)
        return self.out(output), None


class Seq2Seq(nn.Module):
    r"""Encoder-decoder trained with teacher forcing.

    At step :math:`t` the decoder is fed the true previous token :math:`y_{t-1}` with
    probability ``teacher_forcing_ratio`` (*teacher forcing*) and otherwise its own
    previous prediction :math:`\hat y_{t-1} = \arg\max` of the last logits. The coin is
    thrown once per step for the whole batch with ``torch.rand``, so
    :func:`dlcourse.seed_everything` makes it reproducible; ratios 1 and 0 throw no coin.

    Shape:
        - src ``(B, S)``, src_lengths ``(B,)``, tgt ``(B, T)`` starting with ``SOS``
        - returns logits ``(B, T-1, V)``: row ``t`` scores ``tgt[:, t+1]``

    Attributes set by ``forward``: ``last_attention`` ``(B, T-1, S)`` or ``None`` and
    ``last_teacher_forced``, a list of ``T-2`` booleans (was the input of step
    ``t+1`` the ground truth?).
    """

    def __init__(self, encoder: nn.Module, decoder: nn.Module, teacher_forcing_ratio: float = 1.0) -> None:
        super().__init__()
        check_type(encoder, "encoder", nn.Module)
        if not callable(getattr(decoder, "forward_step", None)):
            raise TypeError(
                f"decoder must have a forward_step(token, state, encoder_outputs, src_mask) method; "
                f"got {type(decoder).__name__}."
            )
        enc_h, dec_h = getattr(encoder, "hidden_size", None), getattr(decoder, "hidden_size", None)
        if enc_h is not None and dec_h is not None and enc_h != dec_h and not hasattr(decoder, "init_state"):
            raise ValueError(
                f"decoder.hidden_size must equal encoder.hidden_size = {enc_h} (the context vector is the "
                f"decoder's first state); got {dec_h}."
            )
        self.encoder = encoder
        self.decoder: Any = decoder  # any module with forward_step(...) is a decoder
        #: With ratio 1, use the decoder's ``forward_sequence`` (if it has one) instead of the
        #: step loop; set to False to run the loop (the tests compare the two).
        self.parallel_teacher_forcing = True
        self.teacher_forcing_ratio = check_probability(teacher_forcing_ratio, "teacher_forcing_ratio")
        self.last_attention: torch.Tensor | None = None
        self.last_teacher_forced: list[bool] = []

    def encode(self, src: torch.Tensor, src_lengths: torch.Tensor) -> tuple[torch.Tensor, Any, torch.Tensor]:
        """Run the encoder; return ``(encoder_outputs, first decoder state, src_mask)``."""
        encoder_outputs, state = self.encoder(src, src_lengths)
        src_mask = lengths_to_mask(src_lengths.to(src.device), src.shape[1])  # (B, S)
        init = getattr(self.decoder, "init_state", None)
        if callable(init):
            state = init(state, encoder_outputs, src_mask)
        return encoder_outputs, state, src_mask

    def forward(self, src: torch.Tensor, src_lengths: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
        check_batch(src, src_lengths)
        vocab = getattr(self.decoder, "vocab_size", None)
        check_target(tgt, src, vocab if isinstance(vocab, int) else None)
        encoder_outputs, state, src_mask = self.encode(src, src_lengths)
        if self.teacher_forcing_ratio >= 1.0 and self.parallel_teacher_forcing and hasattr(
                self.decoder, "forward_sequence"):
            # Every input is the ground truth, so no step waits for the previous one: one call
            # for the whole sequence (tests prove it equals the step-by-step loop below).
            logits, weights = self.decoder.forward_sequence(tgt[:, :-1], state, encoder_outputs, src_mask)
            self.last_teacher_forced = [True] * (tgt.shape[1] - 2)
            self.last_attention = None if weights is None else weights.detach()
            return logits
        token = tgt[:, 0]  # (B,) SOS
        all_logits, all_weights, forced = [], [], []
        for t in range(1, tgt.shape[1]):
            with trusted(self.decoder, t > 1):  # step 1 checks the decoder's inputs; later ones are made here
                logits, state, weights = self.decoder.forward_step(token, state, encoder_outputs, src_mask)
            all_logits.append(logits)
            if weights is not None:
                all_weights.append(weights)
            if t < tgt.shape[1] - 1:
                ratio = self.teacher_forcing_ratio
                teacher = ratio >= 1.0 or (ratio > 0.0 and bool(torch.rand(()) < ratio))
                forced.append(teacher)
                token = tgt[:, t] if teacher else logits.argmax(-1)
        self.last_teacher_forced = forced
        self.last_attention = torch.stack(all_weights, 1).detach() if all_weights else None  # (B, T-1, S)
        return torch.stack(all_logits, 1)  # (B, T-1, V)


def sequence_loss(logits: torch.Tensor, targets: torch.Tensor, pad: int = PAD) -> torch.Tensor:
    r"""Mean cross-entropy over the non-padding targets only.

    .. math::
        \mathcal{L} = -\frac{1}{\sum_{b,t} m_{bt}} \sum_{b,t} m_{bt} \log p_\theta(y_{bt} \mid y_{b,<t}, x_b),
        \qquad m_{bt} = [y_{bt} \ne \mathrm{PAD}],

    where :math:`y_{bt}` is the target token at step :math:`t` of row :math:`b`. Padding
    never changes the loss or its gradient, whatever the logits there.

    Shape: logits ``(B, T, V)``, targets ``(B, T)`` -> scalar; ``pad`` an int (a negative
    id, which no target holds, scores every position).
    """
    check_type(logits, "logits", torch.Tensor)
    check_ndim(logits, "logits", 3, names="(batch, steps, vocab_size)")
    if not logits.is_floating_point():
        raise TypeError(f"logits must be a floating-point tensor of scores; got {logits.dtype}. Use logits.float().")
    check_long(targets, "targets", 2, "(batch, steps)")
    pad = check_int(pad, "pad")
    if tuple(logits.shape[:2]) != tuple(targets.shape):
        raise ValueError(
            f"targets must have shape (batch, steps) = {tuple(logits.shape[:2])} to match logits; "
            f"got {tuple(targets.shape)}. Pass tgt[:, 1:] when the model predicts tgt[:, 1:]."
        )
    real = targets != pad
    if not bool(real.any()):
        raise ValueError("targets contain only padding; there is nothing to score.")
    check_class_ids(targets, "targets", logits.shape[-1], source="logits.shape[-1]", mask=real)
    return nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=pad
    )


