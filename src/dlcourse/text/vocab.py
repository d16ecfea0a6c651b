"""Vocabularies (단어 집합) and the sparse vectors built on them: one-hot, bag of words,
document-term matrix."""
from __future__ import annotations

import json
from collections import Counter
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from .._validation import check_int, check_type

__all__ = ["DEFAULT_SPECIALS", "Vocab", "one_hot", "bag_of_words", "document_term_matrix"]

#: Padding, unknown word, start of sequence, end of sequence.
DEFAULT_SPECIALS = ("<pad>", "<unk>", "<sos>", "<eos>")


def _check_token_lists(corpus: Any, name: str) -> list[list[str]]:
    """Validate a corpus given as a list of token lists; return it as lists."""
    if isinstance(corpus, str):
        raise TypeError(
            f"{name} must be a list of token lists, one per document; got one string ({corpus!r:.40}). "
            f"Wrap and tokenise it: [tokenize(text)]."
        )
    if not hasattr(corpus, "__iter__"):
        raise TypeError(
            f"{name} must be a list of token lists, one per document; got {type(corpus).__name__} ({corpus!r:.40})."
        )
    docs = list(corpus)
    for i, doc in enumerate(docs):
        if isinstance(doc, str):
            raise TypeError(
                f"{name}[{i}] must be a list of tokens; got a str ({doc!r:.40}). "
                f"Tokenise each document first, e.g. [tokenize(text) for text in texts]."
            )
        if not isinstance(doc, (list, tuple)):
            raise TypeError(f"{name}[{i}] must be a list of tokens; got {type(doc).__name__} ({doc!r:.40}).")
        doc = list(doc)
        for j, token in enumerate(doc):
            if not isinstance(token, str):
                raise TypeError(f"{name}[{i}][{j}] must be a str token; got {type(token).__name__} ({token!r:.40}).")
        docs[i] = doc
    return docs


def _check_sequence(value: Any, name: str, kind: type | tuple[type, ...] = str, what: str = "str tokens") -> list[Any]:
    """``value`` as a list whose items are ``kind``; one string, a non-iterable or a wrong item is
    rejected with a message naming ``name`` (and the item's index)."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a list of {what}, not one string; got {value!r:.40}. Split or wrap it first.")
    if not hasattr(value, "__iter__"):
        raise TypeError(f"{name} must be a list of {what}; got {type(value).__name__} ({value!r:.40}).")
    items = list(value)
    for i, item in enumerate(items):
        if isinstance(item, bool) or not isinstance(item, kind):
            raise TypeError(f"{name}[{i}] must be one of the {what}; got {type(item).__name__} ({item!r:.40}).")
    return items


def _check_specials(specials: Any) -> tuple[str, ...]:
    """``specials`` as a tuple of str; one string is rejected (it would split into characters)."""
    if isinstance(specials, str):
        raise TypeError(
            f"specials must be a sequence of special tokens, not one string; got {specials!r:.40}. "
            f"Wrap it: specials=({specials!r:.40},)."
        )
    check_type(specials, "specials", (list, tuple))
    return tuple(_check_sequence(specials, "specials"))


class Vocab:
    r"""A vocabulary: a fixed list of tokens and the index of each, both ways.

    Index :math:`i` stands for token ``itos[i]`` ("index to string"), and
    ``stoi[token] = i`` ("string to index"). Special tokens come first, in the
    order given; a token outside the vocabulary maps to ``unk_token`` when the
    vocabulary has one, otherwise looking it up raises ``KeyError``.

    Build one from a corpus with :meth:`build`, or pass the tokens directly.

    Args:
        tokens: the ordinary tokens, in index order (after the specials).
        specials: special tokens placed first (indices ``0 .. len(specials) - 1``).
        unk_token: the special that unknown tokens map to; ``None`` for none. Any other
            value must be one of ``specials``; only the default ``"<unk>"`` follows
            ``specials`` (treated as ``None`` when ``specials`` lacks it, so
            ``Vocab(tokens, specials=())`` has no unknown token).

    Raises:
        TypeError: ``tokens`` or ``specials`` is one string (``specials="abc"`` would
            make three specials ``a``, ``b``, ``c``), or holds a non-string.
        ValueError: ``unk_token`` is not one of ``specials``; duplicate tokens; no tokens.

    Attributes:
        itos: list of all tokens, index order.
        stoi: dict token -> index.
        freqs: ``Counter`` of token counts in the corpus (empty unless built).

    Example:
        >>> v = Vocab.build([["어제", "러시아", "갔다", "월드컵", "관람"]], specials=())
        >>> v.stoi
        {'어제': 0, '러시아': 1, '갔다': 2, '월드컵': 3, '관람': 4}
    """

    def __init__(
        self,
        tokens: Iterable[str],
        specials: Sequence[str] = DEFAULT_SPECIALS,
        unk_token: str | None = "<unk>",
    ) -> None:
        tokens = _check_sequence(tokens, "tokens")
        specials = _check_specials(specials)
        if unk_token is not None and unk_token not in specials:
            if unk_token != "<unk>":
                raise ValueError(
                    f"unk_token must be one of specials {specials} or None; got {unk_token!r}. "
                    f"Add it to specials, e.g. specials=({', '.join(repr(t) for t in specials + (unk_token,))}), "
                    f"or pass unk_token=None."
                )
            unk_token = None  # the default <unk> is not among the specials: unknown tokens raise KeyError
        itos = list(specials)
        for token in tokens:
            if token not in specials:
                itos.append(token)
        if len(set(itos)) != len(itos):
            dup = [t for t, c in Counter(itos).items() if c > 1]
            raise ValueError(f"tokens must be unique; got duplicates {dup[:5]}.")
        if not itos:
            raise ValueError("a vocabulary needs at least one token; got none.")
        self.itos: list[str] = itos
        self.stoi: dict[str, int] = {t: i for i, t in enumerate(itos)}
        self.specials: tuple[str, ...] = specials
        self.unk_token = unk_token
        self.freqs: Counter = Counter()

    @classmethod
    def build(
        cls,
        corpus: Iterable[Sequence[str]],
        min_freq: int = 1,
        specials: Sequence[str] = DEFAULT_SPECIALS,
        max_size: int | None = None,
        unk_token: str | None = "<unk>",
    ) -> "Vocab":
        r"""Count the tokens of ``corpus`` and keep those seen at least ``min_freq`` times.

        Ordinary tokens are ordered by frequency, most frequent first; ties keep
        the order of first appearance in the corpus. ``max_size`` caps the number
        of ordinary tokens (the specials come on top).

        Args:
            corpus: one list of tokens per document (a list of str each).
            min_freq: the smallest count a token needs to enter the vocabulary.
            specials: special tokens, placed first.
            max_size: keep at most this many ordinary tokens; ``None`` for all.
            unk_token: the special unknown tokens map to.

        Raises:
            TypeError: when ``corpus`` is a string or holds strings instead of token lists.
            ValueError: when no token reaches ``min_freq`` (an empty vocabulary).
        """
        docs = _check_token_lists(corpus, "corpus")
        specials = _check_specials(specials)
        min_freq = check_int(min_freq, "min_freq", minimum=1)
        if max_size is not None:
            max_size = check_int(max_size, "max_size", minimum=1)
        counts: Counter = Counter()
        for doc in docs:
            counts.update(doc)
        # most_common sorts by count and keeps insertion order (first appearance) for ties.
        kept = [t for t, c in counts.most_common() if c >= min_freq and t not in specials]
        if not kept:
            top = counts.most_common(1)
            raise ValueError(
                f"the vocabulary is empty after filtering: no token occurs at least min_freq={min_freq} times "
                f"(the most frequent is {top[0] if top else 'none, the corpus is empty'}). Lower min_freq."
            )
        vocab = cls(kept[:max_size], specials=specials, unk_token=unk_token)
        vocab.freqs = counts
        return vocab

    # --- lookups ------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: object) -> bool:
        return token in self.stoi

    def __iter__(self) -> Iterator[str]:
        return iter(self.itos)

    def __getitem__(self, token: str) -> int:
        """The index of ``token`` (the ``unk_token``'s index if unknown)."""
        index = self.stoi.get(token)
        if index is not None:
            return index
        if self.unk_token is None:
            raise KeyError(f"token {token!r} is not in the vocabulary and the vocabulary has no unknown token.")
        return self.stoi[self.unk_token]

    @property
    def unk_index(self) -> int | None:
        """Index of the unknown token, or ``None``."""
        return None if self.unk_token is None else self.stoi[self.unk_token]

    def lookup_token(self, index: int) -> str:
        """The token with ``index``."""
        index = check_int(index, "index", minimum=0, maximum=len(self) - 1)
        return self.itos[index]

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Token list -> index list."""
        return [self[t] for t in _check_sequence(tokens, "tokens")]

    def decode(self, indices: Iterable[int]) -> list[str]:
        """Index list -> token list."""
        import numbers

        return [self.lookup_token(int(i)) for i in _check_sequence(indices, "indices", numbers.Integral, "integer indices")]

    # --- saving -------------------------------------------------------------------
    def to_json(self) -> str:
        """The vocabulary as a JSON string (tokens, specials, unknown token, counts)."""
        return json.dumps(
            {
                "itos": self.itos,
                "specials": list(self.specials),
                "unk_token": self.unk_token,
                "freqs": dict(self.freqs),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> "Vocab":
        """Rebuild a vocabulary saved with :meth:`to_json`."""
        check_type(text, "text", str)
        data = json.loads(text)
        specials = data["specials"]
        vocab = cls(data["itos"][len(specials):], specials=specials, unk_token=data["unk_token"])
        vocab.freqs = Counter(data.get("freqs", {}))
        return vocab

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vocab):
            return NotImplemented
        return (self.itos, self.specials, self.unk_token) == (other.itos, other.specials, other.unk_token)

    def __repr__(self) -> str:
        head = ", ".join(repr(t) for t in self.itos[:8])
        more = ", ..." if len(self) > 8 else ""
        return f"Vocab(size={len(self)}, itos=[{head}{more}])"


def _vocab_size(vocab: Vocab) -> int:
    check_type(vocab, "vocab", Vocab)
    return len(vocab)


def one_hot(tokens: Sequence[str], vocab: Vocab) -> np.ndarray:
    r"""One-hot vectors (원-핫 벡터) of ``tokens``: one row per token.

    .. math::
        \mathbf{e}_t \in \{0, 1\}^{V}, \qquad (\mathbf{e}_t)_j = [\, j = \mathrm{idx}(w_t) \,]

    where :math:`V` is the vocabulary size, :math:`w_t` the :math:`t`-th token and
    :math:`\mathrm{idx}` its vocabulary index. Any two different rows are
    orthogonal: :math:`\mathbf{e}_a^\top \mathbf{e}_b = 0`.

    Shape:
        tokens of length ``T`` -> ``(T, V)`` float array.
    """
    V = _vocab_size(vocab)
    ids = vocab.encode(tokens)
    out = np.zeros((len(ids), V))  # (T, V)
    out[np.arange(len(ids)), ids] = 1.0
    return out


def bag_of_words(tokens: Sequence[str], vocab: Vocab, *, binary: bool = True) -> np.ndarray:
    r"""Bag of words of one document: which vocabulary words it contains.

    With ``binary=True`` entry :math:`j` is 1 if word :math:`j` occurs, else 0;
    with ``binary=False`` it is the count of word :math:`j` (the sum of the
    one-hot rows). Word order is lost. Tokens outside the vocabulary count
    towards ``<unk>`` when the vocabulary has it and are ignored otherwise.

    Shape:
        tokens of any length -> ``(V,)``.
    """
    return document_term_matrix([_check_sequence(tokens, "tokens")], vocab, binary=binary)[0]


def document_term_matrix(docs: Sequence[Sequence[str]], vocab: Vocab, *, binary: bool = False) -> np.ndarray:
    r"""Document-term matrix (문서 단어 행렬): token counts, one row per document.

    .. math::
        X_{dj} = \mathrm{tf}(j, d) = \#\{t : w_{d,t} = \text{word } j\}

    where :math:`w_{d,t}` is the :math:`t`-th token of document :math:`d`. With
    ``binary=True`` counts are clipped to 1. Columns follow ``vocab``'s order.
    Unknown tokens count towards ``<unk>`` when ``vocab`` has it, else are ignored
    (as scikit-learn's ``CountVectorizer`` does).

    Shape:
        ``D`` documents -> ``(D, V)`` float array.

    Example:
        >>> v = Vocab(["a", "b"], specials=())
        >>> document_term_matrix([["a", "b", "a"], ["b"]], v).tolist()
        [[2.0, 1.0], [0.0, 1.0]]
    """
    docs = _check_token_lists(docs, "docs")
    V = _vocab_size(vocab)
    if not isinstance(binary, (bool, np.bool_)):
        raise TypeError(f"binary must be True or False; got {type(binary).__name__} ({binary!r:.30}).")
    X = np.zeros((len(docs), V))  # (D, V)
    for d, doc in enumerate(docs):
        for token in doc:
            j = vocab.stoi.get(token, vocab.unk_index)
            if j is not None:
                X[d, j] += 1.0
    if binary:
        X = np.minimum(X, 1.0)
    return X
