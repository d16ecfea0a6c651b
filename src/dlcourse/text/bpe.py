"""Byte-pair encoding (BPE) on characters: subword tokens learned from a corpus."""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from .._validation import check_int, check_type
from .vocab import _check_sequence

__all__ = ["BPE"]

# A word together with the white space after it; white space at the very start is its
# own chunk. The chunks of a text concatenate back to exactly that text.
_CHUNK = re.compile(r"\S+\s*|\s+")


def _pairs(symbols: tuple[str, ...]) -> Iterable[tuple[str, str]]:
    return zip(symbols, symbols[1:])


def _merge(symbols: tuple[str, ...], pair: tuple[str, str]) -> tuple[str, ...]:
    """Replace every non-overlapping occurrence of ``pair`` (left to right) by its concatenation."""
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


class BPE:
    r"""Byte-pair encoding (Sennrich, Haddow and Birch, 2016) on characters.

    Training starts from single characters and repeats ``num_merges`` times:
    count every pair of adjacent symbols in the corpus (within a word; a word
    carries the white space that follows it, which marks word ends), and merge
    the most frequent pair into one new symbol. Ties go to the pair that sorts
    first. Training stops early when no pair occurs ``min_frequency`` times.

    Encoding splits a text into characters and applies the learned merges in
    the order they were learned. Because every token is a substring of the
    input and nothing is dropped, ``decode(encode(text)) == text`` for any text,
    even with characters never seen in training (they stay single characters).

    Args:
        num_merges: how many merges to learn at most.
        min_frequency: the smallest pair count worth merging.

    Attributes:
        merges_: the learned pairs, in order.
        vocab_: the training alphabet followed by the merged symbols.

    Example:
        >>> bpe = BPE(num_merges=10).fit(["low lower lowest", "newer wider"])
        >>> bpe.decode(bpe.encode("lowest newest")) == "lowest newest"
        True
    """

    def __init__(self, num_merges: int = 100, min_frequency: int = 2) -> None:
        self.num_merges = num_merges
        self.min_frequency = min_frequency

    def fit(self, corpus: Iterable[str]) -> "BPE":
        """Learn merges from ``corpus``, a list of strings."""
        corpus = _check_sequence(corpus, "corpus", str, "strings")
        if not corpus:
            raise ValueError("corpus must hold at least one text to learn merges from; got none.")
        num_merges = check_int(self.num_merges, "num_merges", minimum=0)
        min_frequency = check_int(self.min_frequency, "min_frequency", minimum=1)
        words: Counter = Counter()
        for i, text in enumerate(corpus):
            check_type(text, f"corpus[{i}]", str)
            words.update(_CHUNK.findall(text))
        # Each distinct chunk as a tuple of symbols, with its count.
        split = {tuple(w): c for w, c in words.items()}
        alphabet = sorted({ch for w in words for ch in w})
        self.merges_: list[tuple[str, str]] = []
        for _ in range(num_merges):
            counts: Counter = Counter()
            for symbols, c in split.items():
                for pair in _pairs(symbols):
                    counts[pair] += c
            if not counts:
                break
            best, n = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            if n < min_frequency:
                break
            self.merges_.append(best)
            split = {_merge(s, best): c for s, c in split.items()}
        self.vocab_: list[str] = alphabet + [a + b for a, b in self.merges_]
        self._ranks = {pair: r for r, pair in enumerate(self.merges_)}
        self._cache: dict[str, tuple[str, ...]] = {}
        return self

    def _encode_chunk(self, chunk: str) -> tuple[str, ...]:
        cached = self._cache.get(chunk)
        if cached is not None:
            return cached
        symbols = tuple(chunk)
        while len(symbols) > 1:
            # The pair learned earliest is merged first: the same result as replaying merges_ in order.
            ranked = [(self._ranks[p], p) for p in _pairs(symbols) if p in self._ranks]
            if not ranked:
                break
            symbols = _merge(symbols, min(ranked)[1])
        self._cache[chunk] = symbols
        return symbols

    def encode(self, text: str) -> list[str]:
        """Split ``text`` into subword tokens (strings whose concatenation is ``text``)."""
        check_type(text, "text", str)
        if not hasattr(self, "merges_"):
            raise RuntimeError("this BPE is not fitted yet; call fit(corpus) first.")
        return [tok for chunk in _CHUNK.findall(text) for tok in self._encode_chunk(chunk)]

    def decode(self, tokens: Iterable[str]) -> str:
        """Join tokens back into text: the exact inverse of :meth:`encode`."""
        return "".join(_check_sequence(tokens, "tokens"))
