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
* :data:`BOTTLENECK` holds the exact settings of the bottleneck experiment and
  :func:`make_bottleneck_model`, :func:`bottleneck_data` and :func:`run_bottleneck`
  rebuild it with any decoder class, so chapter 10 compares like with like.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Any, Callable, Sequence

import torch
from torch import nn

from ._validation import check_choice, check_float, check_int, check_ndim, check_probability, check_type
from .data.sequences import EOS, PAD, SOS, SequencePairs

__all__ = [
    "TokenRNN",
    "Encoder",
    "Decoder",
    "Seq2Seq",
    "lengths_to_mask",
    "sequence_loss",
    "greedy_decode",
    "train_seq2seq",
    "strip_special",
    "token_accuracy",
    "exact_match",
    "corpus_bleu",
    "evaluate_seq2seq",
    "accuracy_by_length",
    "BOTTLENECK",
    "bottleneck_data",
    "make_bottleneck_model",
    "run_bottleneck",
]

_CELLS = {"gru": nn.GRU, "lstm": nn.LSTM}


def lengths_to_mask(lengths: torch.Tensor, max_len: int | None = None) -> torch.Tensor:
    """Boolean padding mask ``(B, max_len)``, True at real tokens: ``mask[b, s] = s < lengths[b]``.

    >>> lengths_to_mask(torch.tensor([3, 1]), 4).int().tolist()
    [[1, 1, 1, 0], [1, 0, 0, 0]]
    """
    check_ndim(lengths, "lengths", 1, names="(batch,)")
    max_len = int(lengths.max()) if max_len is None else int(max_len)
    positions = torch.arange(max_len, device=lengths.device)  # (S,)
    return positions[None, :] < lengths[:, None]  # (B, S)


def _check_src(src: Any, src_lengths: Any) -> None:
    check_type(src, "src", torch.Tensor)
    check_type(src_lengths, "src_lengths", torch.Tensor)
    check_ndim(src, "src", 2, names="(batch, src_len) of token ids")
    check_ndim(src_lengths, "src_lengths", 1, names="(batch,)")
    if src.dtype != torch.long or src_lengths.dtype != torch.long:
        raise TypeError(
            f"src and src_lengths must be int64 (torch.long) tensors of token ids and lengths; "
            f"got {src.dtype} and {src_lengths.dtype}. Use .long()."
        )
    if src_lengths.shape[0] != src.shape[0]:
        raise ValueError(
            f"src_lengths must have one length per row of src = {src.shape[0]}; got {src_lengths.shape[0]}."
        )
    if len(src_lengths) and (int(src_lengths.min()) < 1 or int(src_lengths.max()) > src.shape[1]):
        raise ValueError(
            f"src_lengths must lie in 1..{src.shape[1]} (the padded width of src); got values from "
            f"{int(src_lengths.min())} to {int(src_lengths.max())}."
        )


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
        self.num_layers = check_int(num_layers, "num_layers", minimum=1)
        self.embedding = nn.Embedding(self.vocab_size, self.embedding_dim, padding_idx=PAD)

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
        >>> out.shape, h.shape, float(out[1, 2].abs().sum())
        (torch.Size([2, 3, 16]), torch.Size([1, 2, 16]), 0.0)
    """

    def __init__(
        self, vocab_size: int, embedding_dim: int, hidden_size: int, *, cell: str = "gru", num_layers: int = 1
    ) -> None:
        super().__init__(vocab_size, embedding_dim, hidden_size, cell=cell, num_layers=num_layers)
        self.rnn = self._rnn(self.embedding_dim)

    def forward(self, src: torch.Tensor, src_lengths: torch.Tensor) -> tuple[torch.Tensor, Any]:
        from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

        _check_src(src, src_lengths)
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
        self.decoder = decoder
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
        check_type(tgt, "tgt", torch.Tensor)
        check_ndim(tgt, "tgt", 2, names="(batch, tgt_len) starting with SOS")
        if tgt.shape[0] != src.shape[0] or tgt.shape[1] < 2:
            raise ValueError(
                f"tgt must have shape (batch, tgt_len) = ({src.shape[0]}, >=2) with SOS first; "
                f"got {tuple(tgt.shape)}."
            )
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

    Shape: logits ``(B, T, V)``, targets ``(B, T)`` -> scalar.
    """
    check_ndim(logits, "logits", 3, names="(batch, steps, vocab_size)")
    check_ndim(targets, "targets", 2, names="(batch, steps)")
    if tuple(logits.shape[:2]) != tuple(targets.shape):
        raise ValueError(
            f"targets must have shape (batch, steps) = {tuple(logits.shape[:2])} to match logits; "
            f"got {tuple(targets.shape)}. Pass tgt[:, 1:] when the model predicts tgt[:, 1:]."
        )
    if not bool((targets != pad).any()):
        raise ValueError("targets contain only padding; there is nothing to score.")
    return nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=pad
    )


@torch.no_grad()
def greedy_decode(
    model: Seq2Seq, src: torch.Tensor, src_lengths: torch.Tensor, max_len: int
) -> tuple[list[list[int]], torch.Tensor | None]:
    r"""Decode greedily: feed back :math:`\hat y_t = \arg\max_v p(v \mid \hat y_{<t}, x)` until ``EOS``.

    Each row stops at its first ``EOS`` (or after ``max_len`` steps). Returns the
    token-id lists without ``SOS``/``EOS`` and the attention weights
    ``(B, steps, S)`` (``None`` for a decoder without attention), where ``steps`` is
    the number of decoder steps actually run (rows that stopped earlier keep zeros).
    """
    _check_src(src, src_lengths)
    max_len = check_int(max_len, "max_len", minimum=1)
    was_training = model.training
    model.eval()
    encoder_outputs, state, src_mask = model.encode(src, src_lengths)
    batch = src.shape[0]
    token = torch.full((batch,), SOS, dtype=torch.long, device=src.device)
    finished = torch.zeros(batch, dtype=torch.bool, device=src.device)
    outputs: list[list[int]] = [[] for _ in range(batch)]
    weights_steps = []
    for _ in range(max_len):
        logits, state, weights = model.decoder.forward_step(token, state, encoder_outputs, src_mask)
        token = logits.argmax(-1)  # (B,)
        if weights is not None:
            weights_steps.append(weights.masked_fill(finished[:, None], 0.0))
        for b in torch.nonzero(~finished & (token != EOS)).flatten().tolist():
            outputs[b].append(int(token[b]))
        finished |= token == EOS
        if bool(finished.all()):
            break
    model.train(was_training)
    attention = torch.stack(weights_steps, 1) if weights_steps else None  # (B, steps, S)
    return outputs, attention


def train_seq2seq(
    model: Seq2Seq,
    pairs: SequencePairs,
    *,
    steps: int,
    batch_size: int,
    lr: float,
    seed: int,
    clip: float | None = 1.0,
    progress: bool = False,
    callback: Callable[[int, float], None] | None = None,
) -> list[float]:
    """Train with Adam on random mini-batches of ``pairs``; return the loss of every step.

    Each step draws ``batch_size`` rows (with a ``torch.Generator`` seeded by ``seed``),
    trims the padding columns no row needs, computes :func:`sequence_loss` of
    ``model(src, src_lengths, tgt)`` against ``tgt[:, 1:]``, clips the gradient norm at
    ``clip`` (``None`` disables) and takes an Adam step with learning rate ``lr``.
    ``torch.manual_seed(seed)`` is also set, so teacher-forcing coins are reproducible.
    Batches follow the model's device. ``callback(step, loss)`` is called after each step.
    """
    check_type(pairs, "pairs", SequencePairs)
    steps = check_int(steps, "steps", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    lr = check_float(lr, "lr", minimum=0.0, strict_minimum=True)
    seed = check_int(seed, "seed", minimum=0)
    if clip is not None:
        clip = check_float(clip, "clip", minimum=0.0, strict_minimum=True)
    dev = next(model.parameters()).device
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    iterator: Any = range(steps)
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, desc="train_seq2seq")
    losses: list[float] = []
    model.train()
    for step in iterator:
        idx = torch.randint(len(pairs), (batch_size,), generator=generator)
        src_lengths = pairs.src_lengths[idx]
        tgt_lengths = pairs.tgt_lengths[idx]
        src = pairs.src[idx, : int(src_lengths.max())].to(dev)  # (B, S_batch)
        tgt = pairs.tgt[idx, : int(tgt_lengths.max())].to(dev)  # (B, T_batch)
        logits = model(src, src_lengths.to(dev), tgt)  # (B, T_batch - 1, V)
        loss = sequence_loss(logits, tgt[:, 1:])
        optimizer.zero_grad()
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        losses.append(loss.item())
        if callback is not None:
            callback(step, losses[-1])
    return losses


def strip_special(tokens: Sequence[int]) -> list[int]:
    """The symbols of a target row: drop ``SOS``, stop at the first ``EOS`` or ``PAD``."""
    out = []
    for tok in (int(t) for t in tokens):
        if tok == SOS:
            continue
        if tok in (EOS, PAD):
            break
        out.append(tok)
    return out


def _check_pairs_of_lists(hypotheses: Sequence, references: Sequence) -> None:
    if len(hypotheses) != len(references):
        raise ValueError(
            f"hypotheses and references must have the same number of sequences; got "
            f"{len(hypotheses)} and {len(references)}."
        )
    if len(references) == 0:
        raise ValueError("references must hold at least one sequence; got none.")


def token_accuracy(hypotheses: Sequence[Sequence], references: Sequence[Sequence]) -> float:
    r"""Fraction of reference tokens predicted at the right position.

    .. math:: \mathrm{acc} = \frac{\sum_n \sum_{i \le |r_n|} [h_{n,i} = r_{n,i}]}{\sum_n |r_n|},

    where :math:`h_n, r_n` are the :math:`n`-th hypothesis and reference; a missing
    hypothesis token counts as wrong and extra ones are ignored (exact match catches them).

    >>> token_accuracy([[1, 2, 3], [4]], [[1, 2, 4], [4, 5]])
    0.6
    """
    _check_pairs_of_lists(hypotheses, references)
    total = sum(len(r) for r in references)
    if total == 0:
        raise ValueError("references must contain at least one token; all are empty.")
    correct = sum(sum(1 for h, r in zip(hyp, ref) if h == r) for hyp, ref in zip(hypotheses, references))
    return correct / total


def exact_match(hypotheses: Sequence[Sequence], references: Sequence[Sequence]) -> float:
    """Fraction of hypotheses identical to their reference (same tokens, same length).

    >>> exact_match([[1, 2], [3]], [[1, 2], [3, 4]])
    0.5
    """
    _check_pairs_of_lists(hypotheses, references)
    return sum(list(h) == list(r) for h, r in zip(hypotheses, references)) / len(references)


def _ngrams(tokens: Sequence, n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def corpus_bleu(
    hypotheses: Sequence[Sequence], references: Sequence[Sequence], *, max_order: int = 4, smooth: str = "exp"
) -> float:
    r"""Corpus BLEU (Papineni et al., 2002) on token sequences, on sacrebleu's 0-100 scale.

    .. math::
        \mathrm{BLEU} = 100 \cdot \mathrm{BP} \cdot \exp\Big(\frac{1}{N}\sum_{n=1}^{N} \log p_n\Big),
        \qquad \mathrm{BP} = \min\big(1, e^{1 - r/c}\big),

    where :math:`p_n` is the modified :math:`n`-gram precision summed over the corpus
    (each hypothesis :math:`n`-gram counts at most as often as in its reference),
    :math:`c` the total hypothesis length, :math:`r` the total reference length and
    :math:`N` = ``max_order``. With ``smooth="exp"`` (sacrebleu's default) the
    :math:`k`-th precision whose match count is zero is replaced by
    :math:`1 / (2^k \cdot \text{total}_n)`; with ``"none"`` it makes BLEU 0. A corpus
    with no matching :math:`n`-gram at all scores 0 either way, as in sacrebleu.
    Tokens may be ints or strings; one reference per hypothesis.
    """
    _check_pairs_of_lists(hypotheses, references)
    max_order = check_int(max_order, "max_order", minimum=1)
    check_choice(smooth, "smooth", ("exp", "none"))
    matches, totals = [0] * max_order, [0] * max_order
    hyp_len = ref_len = 0
    for hyp, ref in zip(hypotheses, references):
        hyp, ref = list(hyp), list(ref)
        hyp_len += len(hyp)
        ref_len += len(ref)
        for n in range(1, max_order + 1):
            h, r = _ngrams(hyp, n), _ngrams(ref, n)
            matches[n - 1] += sum(min(count, r[g]) for g, count in h.items())
            totals[n - 1] += max(len(hyp) - n + 1, 0)
    if hyp_len == 0 or not any(matches):
        return 0.0  # as sacrebleu: no matching n-gram at all gives 0, whatever the smoothing
    log_precisions, k = [], 1
    for m, t in zip(matches, totals):
        if t == 0:
            return 0.0  # no hypothesis n-grams of this order: precision 0, geometric mean 0
        if m == 0:
            if smooth == "none":
                return 0.0
            k *= 2
            log_precisions.append(math.log(1.0 / (k * t)))
        else:
            log_precisions.append(math.log(m / t))
    bp = 1.0 if hyp_len >= ref_len else math.exp(1.0 - ref_len / hyp_len)
    return 100.0 * bp * math.exp(sum(log_precisions) / max_order)


@torch.no_grad()
def _decode_pairs(model: Seq2Seq, pairs: SequencePairs, batch_size: int = 512) -> tuple[list, list]:
    dev = next(model.parameters()).device
    hyps: list[list[int]] = []
    refs = [strip_special(row) for row in pairs.tgt.tolist()]
    max_len = int(pairs.tgt_lengths.max()) + 5
    for start in range(0, len(pairs), batch_size):
        stop = start + batch_size
        lengths = pairs.src_lengths[start:stop]
        src = pairs.src[start:stop, : int(lengths.max())].to(dev)
        out, _ = greedy_decode(model, src, lengths.to(dev), max_len)
        hyps.extend(out)
    return hyps, refs


def evaluate_seq2seq(model: Seq2Seq, pairs: SequencePairs) -> dict[str, float]:
    """Greedy-decode every source of ``pairs``; return token accuracy, exact match and BLEU."""
    check_type(pairs, "pairs", SequencePairs)
    hyps, refs = _decode_pairs(model, pairs)
    return {
        "token_accuracy": token_accuracy(hyps, refs),
        "exact_match": exact_match(hyps, refs),
        "bleu": corpus_bleu(hyps, refs),
    }


def accuracy_by_length(model: Seq2Seq, pairs: SequencePairs) -> dict[int, float]:
    """Token accuracy of greedy decoding for each source length present in ``pairs``.

    Returns ``{length: token accuracy}`` with lengths in increasing order.
    """
    check_type(pairs, "pairs", SequencePairs)
    hyps, refs = _decode_pairs(model, pairs)
    lengths = pairs.src_lengths.tolist()
    result = {}
    for length in sorted(set(lengths)):
        rows = [i for i, n in enumerate(lengths) if n == length]
        result[int(length)] = token_accuracy([hyps[i] for i in rows], [refs[i] for i in rows])
    return result


# --------------------------------------------------------------------------------------
# The bottleneck experiment: chapter 9's baseline, reused unchanged by chapter 10.
# --------------------------------------------------------------------------------------

BOTTLENECK: dict[str, Any] = {
    "task": "reversal_task",  # dlcourse.data.reversal_task
    "task_kwargs": {"min_len": 4, "max_len": 24, "vocab_size": 13},
    "n_train": 20000,
    "n_test": 2100,
    "data_seed": 0,
    "embedding_dim": 32,
    "hidden_size": 64,
    "cell": "gru",
    "num_layers": 1,
    "teacher_forcing_ratio": 1.0,
    "steps": 1200,
    "batch_size": 64,
    "lr": 3e-3,
    "clip": 1.0,
    "seed": 0,
}
"""Exact settings of the bottleneck experiment (chapter 9) that chapter 10 repeats with attention."""


def bottleneck_data(settings: dict[str, Any] | None = None) -> tuple[SequencePairs, SequencePairs]:
    """The train and test :class:`SequencePairs` of the bottleneck experiment; no source is in both."""
    from . import data as _data
    from .data.splits import split_pairs

    cfg = {**BOTTLENECK, **(settings or {})}
    task = getattr(_data, cfg["task"])
    pairs = task(cfg["n_train"] + cfg["n_test"], seed=cfg["data_seed"], **cfg["task_kwargs"])
    return split_pairs(pairs, cfg["n_test"], seed=cfg["data_seed"])


def make_bottleneck_model(
    decoder_cls: Callable[..., nn.Module] = Decoder, settings: dict[str, Any] | None = None, **decoder_kwargs: Any
) -> Seq2Seq:
    """Build the bottleneck experiment's :class:`Seq2Seq` with ``decoder_cls`` as the decoder.

    ``torch.manual_seed(settings["seed"])`` is set first, so two calls give identical
    encoders. ``decoder_cls(vocab_size, embedding_dim, hidden_size, cell=..., num_layers=...,
    **decoder_kwargs)`` is how the decoder is built.
    """
    cfg = {**BOTTLENECK, **(settings or {})}
    vocab = cfg["task_kwargs"]["vocab_size"]
    torch.manual_seed(cfg["seed"])
    encoder = Encoder(vocab, cfg["embedding_dim"], cfg["hidden_size"], cell=cfg["cell"], num_layers=cfg["num_layers"])
    decoder = decoder_cls(
        vocab, cfg["embedding_dim"], cfg["hidden_size"], cell=cfg["cell"], num_layers=cfg["num_layers"], **decoder_kwargs
    )
    return Seq2Seq(encoder, decoder, teacher_forcing_ratio=cfg["teacher_forcing_ratio"])


def run_bottleneck(
    decoder_cls: Callable[..., nn.Module] = Decoder,
    settings: dict[str, Any] | None = None,
    *,
    device: Any = None,
    progress: bool = False,
    **decoder_kwargs: Any,
) -> dict[str, Any]:
    """Train and evaluate the bottleneck experiment; return model, losses and accuracy by length.

    Returns ``{"model", "losses", "by_length", "test": evaluate_seq2seq(...)}``.
    """
    cfg = {**BOTTLENECK, **(settings or {})}
    train, test = bottleneck_data(cfg)
    model = make_bottleneck_model(decoder_cls, cfg, **decoder_kwargs)
    if device is not None:
        model = model.to(device)
    losses = train_seq2seq(
        model, train, steps=cfg["steps"], batch_size=cfg["batch_size"], lr=cfg["lr"], seed=cfg["seed"],
        clip=cfg["clip"], progress=progress,
    )
    return {
        "model": model,
        "losses": losses,
        "by_length": accuracy_by_length(model, test),
        "test": evaluate_seq2seq(model, test),
    }
