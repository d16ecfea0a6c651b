"""Train skip-gram or CBOW on tokenised sentences, word2vec-style, in batches."""
from __future__ import annotations

import time
from typing import Iterable, Sequence

import numpy as np

from .._validation import check_choice, check_float, check_int, check_num_parameters
from .model import CBOW, SkipGram, keep_probabilities, noise_distribution
from .vectors import WordVectors

__all__ = ["build_vocab", "window_pairs", "train_word2vec"]


def build_vocab(sentences: Iterable[Sequence[str]], min_count: int = 1) -> tuple[list[str], np.ndarray]:
    """Words seen at least ``min_count`` times, most frequent first (ties in order of first appearance).

    A thin wrapper around chapter 4's :meth:`dlcourse.text.Vocab.build` (no special tokens: word2vec
    drops rare words instead of mapping them to ``<unk>``). Returns ``(words, counts)`` with
    ``counts`` a ``(V,)`` int64 array; ``words`` is the vocabulary's ``itos``.
    """
    from ..text.vocab import Vocab, _check_token_lists

    min_count = check_int(min_count, "min_count", minimum=1)
    sentences = _check_token_lists(sentences, "sentences")
    try:
        vocab = Vocab.build(sentences, min_freq=min_count, specials=(), unk_token=None)
    except ValueError as exc:
        raise ValueError(
            f"sentences hold no word that occurs at least min_count={min_count} times "
            f"({len(sentences)} sentence(s)); lower min_count or add text."
        ) from exc
    return list(vocab.itos), np.array([vocab.freqs[w] for w in vocab.itos], dtype=np.int64)


def _reach(sentence_ids: np.ndarray, window: int) -> int:
    """``window`` capped at (longest sentence - 1): no pair spans more, so larger offsets add nothing.

    Computed from the run lengths of ``sentence_ids``, so a huge ``window`` costs no more than
    the longest sentence (the loops over offsets below stay short).
    """
    n = len(sentence_ids)
    if n == 0:
        return 0
    starts = np.flatnonzero(np.r_[True, sentence_ids[1:] != sentence_ids[:-1], True])  # run boundaries
    longest = int(np.diff(starts).max())
    return min(window, longest - 1)


def _check_id_array(values: object, name: str) -> np.ndarray:
    """``values`` as a 1-D integer array, with a message naming ``name`` otherwise."""
    array = np.asarray(values)
    if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
        raise TypeError(
            f"{name} must be a 1-D array of integers; got {array.dtype} array of shape {array.shape}. "
            f"Pass e.g. np.asarray({name}, dtype=np.int64)."
        )
    return array.astype(np.int64, copy=False)


def window_pairs(
    ids: np.ndarray, sentence_ids: np.ndarray, window: int, spans: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """All (centre, context) id pairs of a concatenated corpus, vectorised.

    Args:
        ids: ``(N,)`` word ids of the corpus laid end to end.
        sentence_ids: ``(N,)`` which sentence each token came from (pairs never cross a
            sentence; each sentence's tokens are consecutive).
        window: the largest distance between centre and context, ``>= 1``. A window longer
            than the longest sentence gives the same pairs as one of that length (the loop
            runs at most that far, so ``10**12`` is fine).
        spans: ``(N,)`` the window actually used by each centre word (word2vec draws it
            uniformly from 1..window, which weights near neighbours more); default
            ``window`` for all.

    Returns:
        ``(centres, contexts)``, grouped by offset (not in reading order).

    Example:
        >>> c, o = window_pairs(np.array([7, 8, 9]), np.zeros(3, int), window=1)
        >>> sorted(zip(c.tolist(), o.tolist()))
        [(7, 8), (8, 7), (8, 9), (9, 8)]
    """
    ids = _check_id_array(ids, "ids")
    sentence_ids = _check_id_array(sentence_ids, "sentence_ids")
    window = check_int(window, "window", minimum=1)
    if sentence_ids.shape != ids.shape:
        raise ValueError(
            f"sentence_ids must have the shape of ids {ids.shape} (one sentence id per token); "
            f"got {sentence_ids.shape}."
        )
    if spans is None:
        spans = np.full(len(ids), window)
    spans = _check_id_array(spans, "spans")
    if spans.shape != ids.shape:
        raise ValueError(f"spans must have the shape of ids {ids.shape} (one window per token); got {spans.shape}.")
    centres, contexts = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for o in range(1, _reach(sentence_ids, window) + 1):
        same = sentence_ids[o:] == sentence_ids[:-o]  # tokens t and t+o in one sentence  (N-o,)
        right = same & (spans[:-o] >= o)  # centre t, context t+o
        left = same & (spans[o:] >= o)  # centre t+o, context t
        centres += [ids[:-o][right], ids[o:][left]]
        contexts += [ids[o:][right], ids[:-o][left]]
    return np.concatenate(centres), np.concatenate(contexts)


def _cbow_examples(
    ids: np.ndarray, sentence_ids: np.ndarray, window: int, spans: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Padded context matrix ``(N, 2 r)``, its mask and the centres, for CBOW (``r`` the window
    capped at the longest sentence, see :func:`_reach`)."""
    n = len(ids)
    window = max(1, _reach(sentence_ids, window))
    context = np.zeros((n, 2 * window), dtype=np.int64)
    mask = np.zeros((n, 2 * window), dtype=bool)
    for o in range(1, window + 1):
        same = sentence_ids[o:] == sentence_ids[:-o]
        col = window - o  # left neighbour t-o of centre t
        ok = same & (spans[o:] >= o)
        context[o:, col][ok] = ids[:-o][ok]
        mask[o:, col] = ok
        col = window + o - 1  # right neighbour t+o of centre t
        ok = same & (spans[:-o] >= o)
        context[:-o, col][ok] = ids[o:][ok]
        mask[:-o, col] = ok
    has = mask.any(axis=1)
    return context[has], mask[has], ids[has]


def train_word2vec(
    sentences: Sequence[Sequence[str]],
    *,
    sg: int = 1,
    vector_size: int = 100,
    window: int = 5,
    negative: int = 5,
    epochs: int = 5,
    min_count: int = 5,
    sample: float = 1e-3,
    alpha: float = 0.025,
    min_alpha: float = 0.0001,
    ns_exponent: float = 0.75,
    batch_size: int = 1024,
    shrink_windows: bool = True,
    seed: int = 0,
    progress: bool = True,
) -> WordVectors:
    r"""Train Word2Vec (skip-gram or CBOW, negative sampling) and return the word vectors.

    The arguments are named and defaulted as in gensim's ``Word2Vec`` so the two can
    be run side by side. Per epoch: (1) frequent words are subsampled with
    :func:`keep_probabilities`; (2) each remaining token draws its window
    :math:`b \sim U\{1, \dots, \text{window}\}`; (3) every (centre, context) pair (or,
    for CBOW, every centre with its context) is formed at once with NumPy and
    shuffled; (4) for each batch, ``negative`` noise words per example are drawn from
    :math:`P_n(w) \propto f(w)^{0.75}` and one SGD step is taken with the hand-derived
    gradients of :class:`SkipGram` / :class:`CBOW`, the learning rate falling linearly
    from ``alpha`` to ``min_alpha`` over training.

    Args:
        sentences: list of token lists.
        sg: 1 for skip-gram, 0 for CBOW.
        vector_size: :math:`D`.
        window: largest distance between centre and context word.
        negative: :math:`K`, noise words per example.
        epochs: passes over the corpus.
        min_count: words rarer than this are dropped from the corpus.
        sample: subsampling threshold :math:`s` (0 disables it).
        alpha, min_alpha: first and last learning rate.
        ns_exponent: exponent of the noise distribution.
        batch_size: examples per SGD step.
        shrink_windows: draw a window per token (word2vec) or always use ``window``.
        seed: seeds the initialisation, subsampling, windows, shuffling and noise.
        progress: show a progress bar over epochs.

    Returns:
        :class:`WordVectors` whose ``info`` holds ``loss`` (mean loss per example,
        one per epoch), ``seconds`` (CPU time of training), ``raw_words`` (corpus
        tokens times epochs), ``words_per_second`` and ``examples``.

    Example:
        >>> from dlcourse.data import analogy_corpus
        >>> wv = train_word2vec(analogy_corpus(300).sentences, vector_size=10, epochs=1,
        ...                     min_count=1, progress=False)
        >>> wv.vectors.shape[1]
        10
    """
    import torch
    from tqdm.auto import tqdm

    if isinstance(sg, bool):
        raise TypeError(f"sg must be the integer 1 (skip-gram) or 0 (CBOW), as in gensim; got {sg}. Pass sg={int(sg)}.")
    sg = check_choice(sg, "sg", (0, 1))
    for flag, flag_name in ((shrink_windows, "shrink_windows"), (progress, "progress")):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{flag_name} must be True or False; got {type(flag).__name__} ({flag!r:.30}).")
    vector_size = check_int(vector_size, "vector_size", minimum=1)
    window = check_int(window, "window", minimum=1)
    negative = check_int(negative, "negative", minimum=1)
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    alpha = check_float(alpha, "alpha", minimum=0.0, strict_minimum=True)
    min_alpha = check_float(min_alpha, "min_alpha", minimum=0.0, maximum=alpha)
    if isinstance(sentences, str) or not hasattr(sentences, "__len__"):
        raise TypeError("sentences must be a list of token lists, e.g. [['the', 'cat'], ['a', 'dog']].")

    start = time.process_time()
    words, counts = build_vocab(sentences, min_count)
    check_num_parameters(2 * len(words) * vector_size, "the word2vec model",
                         f"reduce vector_size (got {vector_size:,}); the vocabulary has {len(words):,} words")
    index = {w: i for i, w in enumerate(words)}
    encoded = [[index[w] for w in s if w in index] for s in sentences]
    ids = np.fromiter((i for s in encoded for i in s), dtype=np.int64)  # (N,)
    sentence_ids = np.repeat(np.arange(len(encoded)), [len(s) for s in encoded])  # (N,)
    raw_words = sum(len(s) for s in sentences)
    keep = keep_probabilities(counts, sample)  # (V,)
    # Noise sampling from a table of word ids laid out in proportion to P_n, as word2vec.c's
    # unigram table: one random index per noise word, no search. 2^20 slots or more, so a word
    # with P_n(w) >= 1e-6 owns at least one slot.
    cum = np.cumsum(noise_distribution(counts, ns_exponent))  # (V,)
    cum[-1] = 1.0
    table_size = max(1 << 20, 64 * len(words))
    table = torch.from_numpy(
        np.minimum(np.searchsorted(cum, (np.arange(table_size) + 0.5) / table_size, side="right"), len(words) - 1)
    )  # (table_size,) word ids

    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    model: SkipGram | CBOW = (SkipGram if sg else CBOW)(len(words), vector_size, seed=seed)
    losses: list[float] = []
    n_examples = 0
    for epoch in tqdm(range(epochs), desc="word2vec epochs", disable=not progress, leave=False):
        kept = rng.random(len(ids)) < keep[ids]  # subsampling
        e_ids, e_sid = ids[kept], sentence_ids[kept]
        spans = rng.integers(1, window + 1, size=len(e_ids)) if shrink_windows else None
        if sg:
            centre, context = window_pairs(e_ids, e_sid, window, spans)
            order = rng.permutation(len(centre))
            tensors = [torch.from_numpy(centre[order]), torch.from_numpy(context[order])]
        else:
            ctx, mask, centre = _cbow_examples(e_ids, e_sid, window, spans if spans is not None else np.full(len(e_ids), window))
            order = rng.permutation(len(centre))
            tensors = [torch.from_numpy(ctx[order]), torch.from_numpy(centre[order]), torch.from_numpy(mask[order])]
        n = len(order)
        if n == 0:
            losses.append(float("nan"))
            continue
        noise = table[torch.randint(table_size, (n * negative,), generator=gen)].view(n, negative)  # (n, K)
        total = 0.0
        for lo in range(0, n, batch_size):
            hi = min(n, lo + batch_size)
            progress_frac = (epoch + lo / n) / epochs
            lr = alpha - (alpha - min_alpha) * progress_frac
            if sg:
                total += model.sgd_step(tensors[0][lo:hi], tensors[1][lo:hi], noise[lo:hi], lr)
            else:
                assert isinstance(model, CBOW)
                total += model.sgd_step(tensors[0][lo:hi], tensors[1][lo:hi], noise[lo:hi], lr, mask=tensors[2][lo:hi])
        losses.append(total / n)
        n_examples += n
    seconds = time.process_time() - start
    info = {
        "loss": losses,
        "seconds": seconds,
        "raw_words": raw_words * epochs,
        "words_per_second": raw_words * epochs / seconds if seconds > 0 else float("inf"),
        "examples": n_examples,
        "model": "skip-gram" if sg else "CBOW",
    }
    return WordVectors(words, model.vectors(), info=info)
