r"""Trained word vectors and how to query and evaluate them.

:class:`WordVectors` plays the role of gensim's ``KeyedVectors``: a ``(V, D)``
matrix with a word for each row, cosine similarity, nearest neighbours, analogies
by vector arithmetic (3CosAdd) and the two standard evaluations, analogy accuracy
and the Spearman correlation with human similarity ratings.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .._validation import as_float_array, check_float, check_int, check_type

__all__ = ["WordVectors", "PairEvaluation", "AnalogyEvaluation", "neighbour_overlap", "bootstrap_spearman"]


@dataclass(frozen=True)
class PairEvaluation:
    """Result of :meth:`WordVectors.evaluate_word_pairs`.

    ``spearman``/``pearson``: correlation between the model's cosine similarities and the
    gold scores over the pairs whose two words are both in the vocabulary; ``n_used``
    of ``n_pairs`` pairs; ``oov_rate``: the fraction skipped because a word is missing.
    """

    spearman: float
    pearson: float
    n_pairs: int
    n_used: int
    oov_rate: float
    gold: tuple[float, ...] = ()
    cosines: tuple[float, ...] = ()

    def interval(self, n_boot: int = 1000, level: float = 0.95, seed: int = 0) -> tuple[float, float]:
        """Percentile bootstrap interval of ``spearman`` over the pairs used (see :func:`bootstrap_spearman`)."""
        low, high, _ = bootstrap_spearman(self.gold, self.cosines, n_boot=n_boot, level=level, seed=seed)
        return low, high


@dataclass(frozen=True)
class AnalogyEvaluation:
    """Result of :meth:`WordVectors.evaluate_analogies`: accuracy over the answerable questions."""

    accuracy: float
    n_questions: int
    n_used: int
    oov_rate: float
    per_category: dict[str, float] = field(default_factory=dict)
    hits: tuple[bool, ...] = ()


class WordVectors:
    r"""Word vectors: row :math:`i` of ``vectors`` belongs to ``words[i]``.

    Similarities are cosines, :math:`\cos(x, y) = x^\top y / (\lVert x \rVert \lVert y \rVert)`,
    computed from the row-normalised matrix :math:`\hat E` (each row divided by its length).

    Args:
        words: the vocabulary, one distinct string per row.
        vectors: ``(V, D)`` array.
        info: optional training record (loss per epoch, time, words per second).

    Example:
        >>> wv = WordVectors(["a", "b", "c"], np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]))
        >>> round(wv.similarity("a", "b"), 2), wv.most_similar("a", topn=1)[0][0]
        (0.8, 'b')
    """

    def __init__(self, words: Sequence[str], vectors: Any, info: Mapping[str, Any] | None = None) -> None:
        if not isinstance(words, (list, tuple)):
            raise TypeError(
                f"words must be a list of distinct strings, one per row of vectors; got {type(words).__name__} "
                f"({words!r:.40}). Pass e.g. ['king', 'queen']."
            )
        words = list(words)
        for k, w in enumerate(words):
            check_type(w, f"words[{k}]", str)
        E64 = as_float_array(vectors, "vectors", ndim=2, finite=True, names="(len(words), dim)")
        if E64.size and np.abs(E64).max() > np.finfo(np.float32).max:  # finite in float64, not in float32
            raise ValueError(
                f"vectors must be finite in float32 (|x| <= 3.4e38); got values up to {np.abs(E64).max():.3g}. "
                f"Rescale the vectors (cosines do not depend on their length)."
            )
        E = E64.astype(np.float32)
        if E.shape[0] != len(words):
            raise ValueError(
                f"vectors must have shape (len(words), dim) = ({len(words)}, *); got {E.shape}."
            )
        if len(set(words)) != len(words):
            raise ValueError("words must be distinct; found a word listed twice.")
        self.words = words
        self.vectors = E
        self.key_to_index = {w: i for i, w in enumerate(words)}
        norms = np.linalg.norm(E, axis=1, keepdims=True)  # (V, 1)
        self.normed = E / np.where(norms > 0, norms, 1.0)  # (V, D)
        self.info: dict[str, Any] = dict(info or {})

    @classmethod
    def from_gensim(cls, keyed_vectors: Any) -> "WordVectors":
        """Wrap a gensim ``KeyedVectors`` (``model.wv``) so both models answer the same queries."""
        return cls(list(keyed_vectors.index_to_key), np.asarray(keyed_vectors.vectors))

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.key_to_index

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self._index(word)]

    def __repr__(self) -> str:
        return f"WordVectors({len(self)} words, dim={self.vectors.shape[1]})"

    def _index(self, word: str, name: str = "word") -> int:
        check_type(word, name, str)
        if word not in self.key_to_index:
            raise KeyError(
                f"{name} must be a word of the vocabulary ({len(self)} words); got {word!r}, which is not in it. "
                f"Check spelling and case (`{word!r:.30} in vectors` tests it)."
            )
        return self.key_to_index[word]

    def _words(self, value: Any, name: str) -> list[str]:
        """``value`` (one word or an iterable of words) as a list of known words."""
        if isinstance(value, str):
            value = [value]
        elif not isinstance(value, (list, tuple)):
            raise TypeError(f"{name} must be a word or a list of words; got {type(value).__name__} ({value!r:.40}).")
        for w in value:
            self._index(w, name)
        return list(value)

    def similarity(self, word1: str, word2: str) -> float:
        """Cosine similarity of two words' vectors, in [-1, 1]."""
        return float(self.normed[self._index(word1, "word1")] @ self.normed[self._index(word2, "word2")])

    def most_similar(
        self,
        positive: str | Iterable[str] = (),
        negative: str | Iterable[str] = (),
        topn: int = 10,
    ) -> list[tuple[str, float]]:
        r"""The ``topn`` words closest to :math:`\sum_{p} \hat e_p - \sum_{n} \hat e_n`, input words excluded.

        Like gensim: each query word's *unit* vector :math:`\hat e` is added (positive) or
        subtracted (negative), the sum is normalised, and words are ranked by cosine
        with it. ``most_similar(positive=["b", "c"], negative=["a"])`` is 3CosAdd.
        """
        positive = self._words(positive, "positive")
        negative = self._words(negative, "negative")
        if not positive and not negative:
            raise ValueError("most_similar needs at least one word in positive or negative; got none.")
        topn = check_int(topn, "topn", minimum=1)
        query = np.zeros(self.vectors.shape[1], dtype=np.float64)
        for w in positive:
            query += self.normed[self._index(w)]
        for w in negative:
            query -= self.normed[self._index(w)]
        norm = np.linalg.norm(query)
        scores = self.normed @ (query / norm if norm > 0 else query)  # (V,)
        excluded = {self.key_to_index[w] for w in positive + negative}
        ranked = np.argsort(-scores, kind="stable")[: topn + len(excluded)]  # the query words may be among them
        order = [int(i) for i in ranked if int(i) not in excluded][:topn]
        return [(self.words[i], float(scores[i])) for i in order]

    def analogy(self, a: str, b: str, c: str, topn: int = 1) -> list[tuple[str, float]]:
        r"""Answer ":math:`a` is to :math:`b` as :math:`c` is to ?" by 3CosAdd.

        .. math::
            d^* = \arg\max_{d \notin \{a, b, c\}} \cos(e_d,\ \hat e_b - \hat e_a + \hat e_c)

        where :math:`\hat e_w` is the unit vector of word :math:`w`. For
        ``analogy("man", "king", "woman")`` the hoped-for answer is ``"queen"``
        (king - man + woman).
        """
        for word, name in ((a, "a"), (b, "b"), (c, "c")):
            self._index(word, name)
        return self.most_similar(positive=[b, c], negative=[a], topn=topn)

    def evaluate_analogies(
        self, quads: Iterable[Sequence[str]], categories: Sequence[str] | None = None
    ) -> AnalogyEvaluation:
        """Top-1 accuracy of :meth:`analogy` over ``(a, b, c, d)`` questions (``d`` expected).

        Questions with a word outside the vocabulary are skipped and counted in ``oov_rate``.
        """
        quads = _tuples(quads, "quads", 4, "analogy", "have 4 words (a, b, c, d)")
        if categories is not None and len(categories) != len(quads):
            raise ValueError(f"categories must have one entry per analogy ({len(quads)}); got {len(categories)}.")
        cats = list(categories) if categories is not None else ["all"] * len(quads)
        kept = [(q, cat) for q, cat in zip(quads, cats) if all(w in self for w in q)]
        flat: list[bool] = []
        if kept:
            ids = np.array([[self.key_to_index[w] for w in q] for q, _ in kept])  # (Q, 4)
            for lo in range(0, len(ids), 512):  # the same 3CosAdd as analogy(), 512 questions at a time
                chunk = ids[lo : lo + 512]
                query = self.normed[chunk[:, 1]] - self.normed[chunk[:, 0]] + self.normed[chunk[:, 2]]  # (q, D)
                norms = np.linalg.norm(query, axis=1, keepdims=True)
                scores = (query / np.where(norms > 0, norms, 1.0)) @ self.normed.T  # (q, V)
                rows = np.arange(len(chunk))[:, None]
                scores[rows, chunk[:, :3]] = -np.inf  # a, b, c are not allowed as answers
                flat += (scores.argmax(axis=1) == chunk[:, 3]).tolist()
        hits: dict[str, list[bool]] = {}
        for (_, cat), hit in zip(kept, flat):
            hits.setdefault(cat, []).append(hit)
        n, used = len(quads), len(kept)
        return AnalogyEvaluation(
            accuracy=float(np.mean(flat)) if flat else float("nan"),
            n_questions=n,
            n_used=used,
            oov_rate=(n - used) / n if n else 0.0,
            per_category={k: float(np.mean(v)) for k, v in hits.items()},
            hits=tuple(bool(h) for h in flat),
        )

    def evaluate_word_pairs(self, pairs: Iterable[Sequence[Any]]) -> PairEvaluation:
        """Spearman (and Pearson) correlation of cosine similarity with gold scores.

        ``pairs`` holds ``(word1, word2, score)``. Pairs with a word outside the
        vocabulary are skipped; the fraction skipped is reported as ``oov_rate``
        (gensim reports the same number in percent). Words are looked up as given
        (lower-case them first if the vocabulary is lower case).
        """
        from scipy import stats

        pairs = _tuples(pairs, "pairs", 3, "pair", "be (word1, word2, score)", words=2)
        gold, model = [], []
        for k, p in enumerate(pairs):
            w1, w2, score = p
            try:
                score = float(score)
            except (TypeError, ValueError):
                raise TypeError(f"pairs[{k}][2] (the score) must be a number; got {score!r:.40}.") from None
            if w1 in self and w2 in self:
                gold.append(score)
                model.append(self.similarity(w1, w2))
        n_used = len(gold)
        if n_used < 3:
            raise ValueError(f"only {n_used} of {len(pairs)} pairs have both words in the vocabulary; need 3.")
        return PairEvaluation(
            spearman=float(stats.spearmanr(gold, model).statistic),
            pearson=float(stats.pearsonr(gold, model).statistic),
            n_pairs=len(pairs),
            n_used=n_used,
            oov_rate=(len(pairs) - n_used) / len(pairs),
            gold=tuple(gold),
            cosines=tuple(float(x) for x in model),
        )


def _tuples(values: Any, name: str, size: int, item_name: str, rule: str, *, words: int | None = None
            ) -> list[tuple[Any, ...]]:
    """``values`` as a non-empty list of ``size``-tuples whose first ``words`` items (all by default) are strings.

    ``rule`` completes "each ``item_name`` must ..." in the messages.
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(
            f"{name} must be a list in which each {item_name} must {rule}; got {type(values).__name__} "
            f"({values!r:.40})."
        )
    out = []
    for k, item in enumerate(values):
        if isinstance(item, (str, bytes)) or not isinstance(item, (list, tuple)) or len(item) != size:
            raise ValueError(f"each {item_name} must {rule}; got {item!r:.60} ({name}[{k}]).")
        for j, w in enumerate(item[: size if words is None else words]):
            check_type(w, f"{name}[{k}][{j}]", str)
        out.append(tuple(item))
    if not out:
        raise ValueError(f"{name} must hold at least one {item_name}; got none.")
    return out


def _n_boot(n_boot: Any, n: int) -> int:
    """``n_boot`` checked, and bounded so that the ``(n_boot, n)`` resample indices fit in memory."""
    n_boot = check_int(n_boot, "n_boot", minimum=1)
    if n_boot * n > _MAX_RESAMPLED:
        raise ValueError(
            f"n_boot * (number of pairs) must be at most {_MAX_RESAMPLED:,} (the resample indices are held in "
            f"memory); got n_boot={n_boot:,} for {n} pairs. Pass n_boot=1000 to 10000."
        )
    return n_boot


_MAX_RESAMPLED = 10**8  # entries of the (n_boot, n) resample index array (800 MB)


def bootstrap_spearman(
    gold: Sequence[float], scores: Sequence[float], n_boot: int = 1000, level: float = 0.95, seed: int = 0,
    other: Sequence[float] | None = None,
) -> tuple[float, float, np.ndarray]:
    r"""Percentile bootstrap interval of Spearman's :math:`\rho` between ``gold`` and ``scores``.

    The word pairs are resampled with replacement ``n_boot`` times and :math:`\rho` is computed on
    each resample; the interval is the central ``level`` part of those values. It measures how
    much :math:`\rho` depends on *which* pairs happen to be in the test set, not the randomness of
    training (that is what several seeds measure).

    ``other`` (optional): a second model's scores on the same pairs; then the values bootstrapped
    are the *paired* differences :math:`\rho(\text{scores}) - \rho(\text{other})` (the same pairs
    in both terms of each resample).

    Returns ``(low, high, values)`` with ``values`` the ``(n_boot,)`` bootstrap values.
    """
    from scipy import stats

    g = as_float_array(gold, "gold")
    x = as_float_array(scores, "scores")
    if g.ndim != 1 or g.shape != x.shape or len(g) < 3:
        raise ValueError(f"gold and scores must be 1-D of the same length >= 3; got {g.shape} and {x.shape}.")
    n_boot = _n_boot(n_boot, len(g))
    seed = check_int(seed, "seed", minimum=0)
    level = check_float(level, "level")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}.")
    idx = np.random.default_rng(seed).integers(0, len(g), size=(n_boot, len(g)))  # (n_boot, n)

    def rho(values: np.ndarray) -> np.ndarray:
        rg = stats.rankdata(g[idx], axis=1)
        rv = stats.rankdata(values[idx], axis=1)
        rg -= rg.mean(axis=1, keepdims=True)
        rv -= rv.mean(axis=1, keepdims=True)
        denom = np.sqrt((rg**2).sum(axis=1) * (rv**2).sum(axis=1))
        return (rg * rv).sum(axis=1) / np.where(denom > 0, denom, np.nan)

    values = rho(x)
    if other is not None:
        y = as_float_array(other, "other")
        if y.shape != x.shape:
            raise ValueError(f"other must have the shape of scores {x.shape}; got {y.shape}.")
        values = values - rho(y)
    tail = (1 - level) / 2
    if np.all(np.isnan(values)):  # every resample constant (tiny inputs): no interval
        return float("nan"), float("nan"), values
    low, high = np.nanquantile(values, [tail, 1 - tail])
    return float(low), float(high), values


def neighbour_overlap(first: Any, second: Any, words: Iterable[str] | None = None, topn: int = 10) -> float:
    """Mean fraction of shared words in the ``topn`` nearest neighbours of each word in two models.

    ``first`` and ``second`` are :class:`WordVectors` (or gensim ``KeyedVectors``);
    ``words`` defaults to the words both know. 1 means identical neighbour lists (as
    sets), 0 means none shared.
    """
    a, b = (_as_word_vectors(m, name) for m, name in ((first, "first"), (second, "second")))
    topn = check_int(topn, "topn", minimum=1)
    if words is not None:
        if not isinstance(words, (list, tuple)):
            raise TypeError(f"words must be a list of words or None; got {type(words).__name__} ({words!r:.40}).")
        for k, w in enumerate(words):
            check_type(w, f"words[{k}]", str)
    shared = [w for w in (a.words if words is None else words) if w in a and w in b]
    if not shared:
        raise ValueError(
            "words must include at least one word that both models know; got none in common. "
            "Pass words=None to use every word the two share."
        )
    overlaps = []
    for w in shared:
        na = {x for x, _ in a.most_similar(w, topn=topn)}
        nb = {x for x, _ in b.most_similar(w, topn=topn)}
        overlaps.append(len(na & nb) / max(1, min(len(na), len(nb))))
    return float(np.mean(overlaps))


def _as_word_vectors(model: Any, name: str) -> WordVectors:
    """``model`` as :class:`WordVectors` (a gensim ``KeyedVectors`` is wrapped)."""
    if isinstance(model, WordVectors):
        return model
    if not (hasattr(model, "index_to_key") and hasattr(model, "vectors")):
        raise TypeError(
            f"{name} must be WordVectors or a gensim KeyedVectors (model.wv); got {type(model).__name__} "
            f"({model!r:.40})."
        )
    return WordVectors.from_gensim(model)
