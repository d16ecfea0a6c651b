"""Scoring decoded sequences: token accuracy, exact match, corpus BLEU, by length and by position."""
from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

import torch

from .._validation import check_choice, check_int, check_type
from ..data.sequences import EOS, PAD, SOS, SequencePairs
from ._checks import check_ids, check_model, check_sequences
from .decoding import greedy_decode
from .model import Seq2Seq

__all__ = ["strip_special", "token_accuracy", "exact_match", "corpus_bleu", "evaluate_seq2seq",
           "accuracy_by_length", "accuracy_by_position", "teacher_forced_accuracy"]


def strip_special(tokens: Sequence[int]) -> list[int]:
    """The symbols of a target row: drop ``SOS``, stop at the first ``EOS`` or ``PAD``.

    ``tokens`` is a list (or tuple, 1-D array or tensor) of integer token ids.

    >>> strip_special([1, 5, 6, 2, 0])
    [5, 6]
    """
    out = []
    for tok in (int(t) for t in check_ids(tokens, "tokens")):
        if tok == SOS:
            continue
        if tok in (EOS, PAD):
            break
        out.append(tok)
    return out


def _check_pairs_of_lists(hypotheses: Sequence, references: Sequence) -> None:
    check_sequences(hypotheses, "hypotheses")
    check_sequences(references, "references")
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
    if max_order > max(len(h) for h in hypotheses):
        return 0.0  # no hypothesis has an n-gram of the highest order: its precision, and BLEU, is 0
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
    check_model(model)
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
    check_model(model)
    check_type(pairs, "pairs", SequencePairs)
    hyps, refs = _decode_pairs(model, pairs)
    lengths = pairs.src_lengths.tolist()
    result = {}
    for length in sorted(set(lengths)):
        rows = [i for i, n in enumerate(lengths) if n == length]
        result[int(length)] = token_accuracy([hyps[i] for i in rows], [refs[i] for i in rows])
    return result




def accuracy_by_position(
    hypotheses: Sequence[Sequence], references: Sequence[Sequence], max_position: int | None = None
) -> list[float]:
    r"""Token accuracy at each output position :math:`i = 0, 1, \dots`: the fraction of
    references long enough to have a token at :math:`i` whose hypothesis has the same token there.

    .. math:: \mathrm{acc}_i = \frac{\sum_n [\,|r_n| > i\,]\,[h_{n,i} = r_{n,i}]}{\sum_n [\,|r_n| > i\,]}

    Returns a list over positions ``0 .. max_position - 1`` (default: the longest reference);
    positions no reference reaches are ``nan``.

    >>> accuracy_by_position([[1, 2, 3], [4]], [[1, 2, 4], [4, 5]])
    [1.0, 0.5, 0.0]
    """
    _check_pairs_of_lists(hypotheses, references)
    longest = max(len(r) for r in references)
    width = longest if max_position is None else check_int(max_position, "max_position", minimum=1)
    if width > 100 * max(longest, 1):
        raise ValueError(
            f"max_position must be at most 100 times the longest reference ({longest} tokens), since every "
            f"position beyond {longest} is NaN; got {width}. Pass None for the longest reference."
        )
    result = []
    for i in range(width):
        rows = [(h, r) for h, r in zip(hypotheses, references) if len(r) > i]
        if not rows:
            result.append(float("nan"))
            continue
        result.append(sum(1 for h, r in rows if len(h) > i and h[i] == r[i]) / len(rows))
    return result


@torch.no_grad()
def teacher_forced_accuracy(model: Seq2Seq, pairs: SequencePairs, batch_size: int = 512) -> float:
    """Token accuracy when the decoder is fed the *true* previous tokens (teacher forcing).

    The arg-max of each step's logits is compared with the target token over the same
    tokens :func:`token_accuracy` scores (the symbols: neither ``EOS`` nor padding). Greedy decoding (:func:`evaluate_seq2seq`) feeds the
    model its own predictions instead; the difference between the two is what exposure
    to its own mistakes costs the model at test time.
    """
    from .decoding import evaluating

    check_model(model)
    check_type(pairs, "pairs", SequencePairs)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    dev = next(model.parameters()).device
    correct = total = 0
    with evaluating(model):
        for start in range(0, len(pairs), batch_size):
            stop = start + batch_size
            lengths = pairs.src_lengths[start:stop]
            tgt = pairs.tgt[start:stop, : int(pairs.tgt_lengths[start:stop].max())].to(dev)
            src = pairs.src[start:stop, : int(lengths.max())].to(dev)
            ratio = model.teacher_forcing_ratio
            model.teacher_forcing_ratio = 1.0
            try:
                logits = model(src, lengths.to(dev), tgt)
            finally:
                model.teacher_forcing_ratio = ratio
            target = tgt[:, 1:]
            real = (target != PAD) & (target != EOS)
            correct += int(((logits.argmax(-1) == target) & real).sum())
            total += int(real.sum())
    return correct / total
