r"""Decoding a trained :class:`~dlcourse.seq2seq.Seq2Seq`: greedy decoding, beam search, sequence scores.

The contract every decoder of the book follows (here and
:meth:`dlcourse.transformer.Transformer.greedy_decode`, which runs the same
:func:`greedy_loop` inside the same :func:`evaluating`):

* The model is switched to evaluation mode for the call and no gradient is recorded;
  its ``training`` flag is restored on return *and* when an exception escapes
  (``try``/``finally``).
* Decoding starts from ``SOS``. A hypothesis ends when the model emits ``EOS`` (the
  ``EOS`` is scored but not returned) or after ``max_len`` decoder steps (then it has
  ``max_len`` tokens and no ``EOS``). Returned sequences hold neither ``SOS`` nor ``EOS``.
* The score of a sequence :math:`y_1 \dots y_n` (with its final ``EOS`` when it has one) is
  its log-probability :math:`\log p(y \mid x) = \sum_{t=1}^{n} \log p(y_t \mid y_{<t}, x)`.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

import torch

from .._validation import check_float, check_int, check_type
from ..data.sequences import EOS, SOS
from ._checks import check_batch, check_model, check_sequences, trusted
from .model import Seq2Seq

__all__ = ["greedy_decode", "beam_search", "sequence_log_prob"]
# Also public, shared with dlcourse.transformer: evaluating, greedy_loop.


@contextmanager
def evaluating(model: torch.nn.Module) -> Iterator[None]:
    """Evaluation mode and no gradient inside; the model's previous mode restored even on an error.

    Every decoder of the book (here and :meth:`dlcourse.transformer.Transformer.greedy_decode`)
    runs inside it.

    Example:
        >>> net = torch.nn.Dropout(0.5)
        >>> with evaluating(net):
        ...     net.training
        False
        >>> net.training
        True
    """
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        model.train(was_training)


def greedy_loop(
    step: Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor | None]],
    batch_size: int,
    max_len: int,
    *,
    sos: int = SOS,
    eos: int = EOS,
    device: Any = None,
) -> tuple[list[list[int]], torch.Tensor | None, torch.Tensor]:
    r"""The one greedy loop of the book: feed back :math:`\hat y_t = \arg\max_v p(v \mid \hat y_{<t}, x)`.

    Both public greedy decoders are thin wrappers around it:
    :func:`greedy_decode` (an RNN :class:`Seq2Seq`, token lists and attention weights) and
    :meth:`dlcourse.transformer.Transformer.greedy_decode` (a padded tensor in the layout
    of ``tgt[:, 1:]``). Run it inside :func:`evaluating`.

    Args:
        step: ``step(token (B,)) -> (logits (B, V), weights (B, S) or None)``, the model's
            next-token scores given the newest token (it keeps its own state).
        batch_size: ``B``.
        max_len: the most decoder steps.
        sos, eos: start and end token ids.
        device: where the token tensors live.

    Returns:
        ``(tokens, attention, finished)``: ``tokens[b]`` the ids of row ``b`` without
        ``sos``/``eos`` (each row stops at its own first ``eos``); ``attention``
        ``(B, steps, S)`` (zeros after a row has finished) or ``None`` when ``step`` gives no
        weights; ``finished (B,)`` bool, True where the row emitted ``eos``.
    """
    token = torch.full((batch_size,), sos, dtype=torch.long, device=device)
    finished = torch.zeros(batch_size, dtype=torch.bool, device=device)
    outputs: list[list[int]] = [[] for _ in range(batch_size)]
    weights_steps = []
    for _ in range(max_len):
        logits, weights = step(token)
        token = logits.argmax(-1)  # (B,)
        if weights is not None:
            weights_steps.append(weights.masked_fill(finished[:, None], 0.0))
        for b in torch.nonzero(~finished & (token != eos)).flatten().tolist():
            outputs[b].append(int(token[b]))
        finished |= token == eos
        if bool(finished.all()):
            break
    attention = torch.stack(weights_steps, 1) if weights_steps else None  # (B, steps, S)
    return outputs, attention, finished


def greedy_decode(
    model: Seq2Seq, src: torch.Tensor, src_lengths: torch.Tensor, max_len: int
) -> tuple[list[list[int]], torch.Tensor | None]:
    r"""Decode greedily: feed back :math:`\hat y_t = \arg\max_v p(v \mid \hat y_{<t}, x)` until ``EOS``.

    Follows the module's contract (evaluation mode, restored even on an error; ``SOS``
    and ``EOS`` not returned; at most ``max_len`` steps); the loop is :func:`greedy_loop`,
    shared with :meth:`dlcourse.transformer.Transformer.greedy_decode`.

    Args:
        model: a :class:`Seq2Seq` (any decoder with ``forward_step``).
        src: ``(B, S)`` int64 token ids; src_lengths: ``(B,)`` int64 true lengths.
        max_len: the most decoder steps (>= 1).

    Returns:
        ``(tokens, attention)``: the token-id lists, each row stopped at its own first
        ``EOS``, and the attention weights ``(B, steps, S)`` (``None`` for a decoder without
        attention), where ``steps`` is the number of decoder steps actually run (rows that
        stopped earlier keep zeros).
    """
    check_model(model)
    check_batch(src, src_lengths)
    max_len = check_int(max_len, "max_len", minimum=1)
    with evaluating(model):
        encoder_outputs, state, src_mask = model.encode(src, src_lengths)
        forward_step = _step(model)
        checked = False

        def step(token: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
            nonlocal state, checked
            with trusted(model.decoder, checked):  # the first step checks the decoder's inputs
                logits, state, weights = forward_step(token, state, encoder_outputs, src_mask)
            checked = True
            return logits, weights

        outputs, attention, _ = greedy_loop(step, src.shape[0], max_len, device=src.device)
    return outputs, attention


def _step(model: Seq2Seq) -> Any:
    """The decoder's ``forward_step`` (any module with one is a decoder)."""
    decoder: Any = model.decoder
    return decoder.forward_step


def _select(state: Any, index: torch.Tensor) -> Any:
    """Rows ``index`` of a decoder state (GRU tensor ``(L, B, H)`` or LSTM pair)."""
    if isinstance(state, tuple):
        return tuple(s[:, index] for s in state)
    return state[:, index]


def beam_search(
    model: Seq2Seq,
    src: torch.Tensor,
    src_lengths: torch.Tensor,
    max_len: int,
    *,
    beam_size: int = 4,
    length_penalty: float = 0.0,
) -> tuple[list[list[int]], list[float]]:
    r"""Beam search: keep the ``beam_size`` best partial sequences at every step.

    At each step every live hypothesis is extended by every token of the vocabulary,
    the extensions are ranked by their log-probability :math:`\log p(y_{\le t} \mid x)`,
    and the best ``beam_size`` that do not end in ``EOS`` stay alive; those that end in
    ``EOS`` (and, at step ``max_len``, the live ones) are finished. Among the finished
    hypotheses the one with the highest *length-normalised* score

    .. math:: \mathrm{score}(y) = \frac{\log p(y \mid x)}{n^{\alpha}}

    is returned, where :math:`n` is the number of scored tokens (``EOS`` included) and
    :math:`\alpha` = ``length_penalty``. With :math:`\alpha = 0` (default) the score is the
    plain log-probability, which can only fall as a sequence grows, so the search stops
    as soon as no live hypothesis can beat the best finished one, and with a beam at
    least as wide as the number of sequences it is exact (the tests compare it with
    exhaustive search). :math:`\alpha > 0` counteracts the plain score's preference for
    short outputs (:math:`\alpha = 1`: mean log-probability per token); the search then
    runs to ``max_len`` or until no hypothesis is alive. ``beam_size = 1`` is greedy decoding.

    Follows the module's contract (evaluation mode, restored even on an error). Rows
    of the batch are searched one after the other. Returns the token lists and their
    normalised scores.
    """
    check_model(model)
    check_batch(src, src_lengths)
    max_len = check_int(max_len, "max_len", minimum=1)
    beam_size = check_int(beam_size, "beam_size", minimum=1)
    alpha = check_float(length_penalty, "length_penalty", minimum=0.0)
    results: list[list[int]] = []
    scores: list[float] = []
    with evaluating(model):
        for b in range(src.shape[0]):
            n = int(src_lengths[b])
            enc_out, state, mask = model.encode(src[b : b + 1, :n], src_lengths[b : b + 1])
            prefixes: list[list[int]] = [[]]
            logp = torch.zeros(1, device=src.device)  # (live,)
            token = torch.full((1,), SOS, dtype=torch.long, device=src.device)
            finished: list[tuple[float, list[int]]] = []  # (normalised score, tokens)
            for step in range(1, max_len + 1):
                live = len(prefixes)
                with trusted(model.decoder, b > 0 or step > 1):  # the first step checks the decoder's inputs
                    logits, state, _ = _step(model)(
                        token, state, enc_out.expand(live, -1, -1), mask.expand(live, -1)
                    )
                cand = (logp[:, None] + torch.log_softmax(logits.double(), -1)).flatten()  # (live * V,)
                V = logits.shape[-1]
                order = torch.argsort(cand, descending=True, stable=True)
                if step == max_len:  # the last step: the best extensions finish, with or without EOS
                    for c in order[:beam_size].tolist():
                        row, tok = divmod(c, V)
                        finished.append((float(cand[c]) / step**alpha, prefixes[row] + ([] if tok == EOS else [tok])))
                    break
                keep_rows, keep_tokens, keep_logp = [], [], []
                for c in order.tolist():
                    row, tok = divmod(c, V)
                    value = float(cand[c])
                    if tok == EOS:
                        finished.append((value / step**alpha, prefixes[row]))
                    else:
                        keep_rows.append(row)
                        keep_tokens.append(tok)
                        keep_logp.append(value)
                        if len(keep_rows) == beam_size:
                            break
                if not keep_rows:
                    break
                best_done = max((s for s, _ in finished), default=float("-inf"))
                if alpha == 0.0 and best_done >= keep_logp[0]:
                    break  # log-probabilities only fall: no live hypothesis can win any more
                index = torch.tensor(keep_rows, device=src.device)
                prefixes = [prefixes[r] + [t] for r, t in zip(keep_rows, keep_tokens)]
                logp = torch.tensor(keep_logp, dtype=torch.float64, device=src.device)
                token = torch.tensor(keep_tokens, dtype=torch.long, device=src.device)
                state = _select(state, index)
            best_score, best = max(finished, key=lambda item: item[0])
            results.append(list(best))
            scores.append(float(best_score))
    return results, scores


def sequence_log_prob(
    model: Seq2Seq, src: torch.Tensor, src_lengths: torch.Tensor, outputs: Sequence[Sequence[int]], *, eos: bool = True
) -> list[float]:
    r"""Log-probability :math:`\log p(y \mid x)` of given output sequences under ``model``.

    ``outputs[b]`` holds the tokens without ``SOS``/``EOS``; with ``eos=True`` the final
    ``EOS`` is scored too (as for a finished hypothesis). Follows the module's contract.
    """
    check_model(model)
    check_batch(src, src_lengths)
    check_sequences(outputs, "outputs", ints=True)
    check_type(eos, "eos", bool)
    if len(outputs) != src.shape[0]:
        raise ValueError(f"outputs must hold one sequence per source row = {src.shape[0]}; got {len(outputs)}.")
    vocab = getattr(model.decoder, "vocab_size", None)
    V = vocab if isinstance(vocab, int) else None
    for b, out in enumerate(outputs):
        bad = [] if V is None else [t for t in (out.tolist() if hasattr(out, "tolist") else out) if not 0 <= int(t) < V]
        if V is not None and bad:
            raise ValueError(
                f"outputs[{b}] must hold token ids in 0..{V - 1} (the decoder's vocabulary has {V} tokens); "
                f"got {bad[0]}. Encode the outputs with the model's vocabulary."
            )
    result = []
    with evaluating(model):
        for b, out in enumerate(outputs):
            n = int(src_lengths[b])
            enc_out, state, mask = model.encode(src[b : b + 1, :n], src_lengths[b : b + 1])
            targets = [int(t) for t in out] + ([EOS] if eos else [])
            token = torch.full((1,), SOS, dtype=torch.long, device=src.device)
            total = 0.0
            for i, t in enumerate(targets):
                with trusted(model.decoder, b > 0 or i > 0):  # the first step checks the decoder's inputs
                    logits, state, _ = _step(model)(token, state, enc_out, mask)
                total += float(torch.log_softmax(logits.double(), -1)[0, t])
                token = torch.full((1,), t, dtype=torch.long, device=src.device)
            result.append(total)
    return result
