"""TF-IDF written from scratch, and a small search engine built on it.

Counting goes straight into a sparse matrix (:mod:`scipy.sparse` CSR: for each document
the column indices of its distinct terms and their counts), as scikit-learn does: a
collection of thousands of documents over thousands of terms is almost all zeros.
"""
from __future__ import annotations

import numbers
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
from scipy import sparse

from .._validation import as_float_array, check_choice, check_int, check_type
from .tokenizers import _PUNCT, _RULE, tokenize
from .vocab import Vocab, _check_sequence

__all__ = ["TfidfVectorizer", "cosine_similarity", "SearchHit", "SearchIndex"]


def _count(docs: Sequence[Sequence[str]], vocabulary: dict[str, int] | None = None
           ) -> tuple[sparse.csr_matrix, dict[str, int]]:
    """Term counts of ``docs`` as a CSR matrix ``(D, V)`` and the term -> column mapping.

    With ``vocabulary=None`` every new term gets the next column (in order of first
    appearance); otherwise terms outside ``vocabulary`` are ignored.
    """
    grow = vocabulary is None
    if vocabulary is None:
        grown: defaultdict[str, int] = defaultdict()
        grown.default_factory = grown.__len__  # a new term gets the next free column
        vocabulary = grown
    columns: list[int] = []
    values: list[int] = []
    indptr = [0]
    for doc in docs:
        counts = Counter(doc)  # term -> count in this document (counted in C)
        if grow:
            columns.extend(map(vocabulary.__getitem__, counts))
            values.extend(counts.values())
        else:
            for term, count in counts.items():
                j = vocabulary.get(term)
                if j is not None:
                    columns.append(j)
                    values.append(count)
        indptr.append(len(columns))
    V = len(vocabulary)
    X = sparse.csr_matrix((np.asarray(values, dtype=float), np.asarray(columns, dtype=np.int64),
                           np.asarray(indptr, dtype=np.int64)), shape=(len(indptr) - 1, V))
    return X, dict(vocabulary)


def _check_df(value: Any, name: str) -> int | float:
    """min_df / max_df: an int is a number of documents, a float a proportion in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an int (documents) or a float in [0, 1] (proportion); got {value!r}.")
    if isinstance(value, numbers.Integral):
        if value < 1:
            raise ValueError(
                f"{name} must be >= 1 as a number of documents (as in scikit-learn); got {value}. "
                f"Pass a float such as 0.0 for a proportion."
            )
        return int(value)
    proportion = float(value)
    if not 0.0 <= proportion <= 1.0:
        raise ValueError(f"{name} must be in [0, 1] as a proportion of documents; got {value}.")
    return proportion


class TfidfVectorizer:
    r"""TF-IDF vectors of documents, following scikit-learn's definitions.

    For term :math:`t` and document :math:`d` of a collection of :math:`n` documents,

    .. math::
        \mathrm{tfidf}(t, d) = \mathrm{tf}(t, d)\, \mathrm{idf}(t), \qquad
        \mathrm{idf}(t) = \ln\frac{1 + n}{1 + \mathrm{df}(t)} + 1

    where :math:`\mathrm{tf}(t, d)` is the count of :math:`t` in :math:`d` (with
    ``sublinear_tf=True``, :math:`1 + \ln \mathrm{tf}` for non-zero counts) and
    :math:`\mathrm{df}(t)` the number of documents containing :math:`t`. With
    ``smooth_idf=False`` the idf is :math:`\ln(n / \mathrm{df}(t)) + 1`. Each row
    is then divided by its L2 (``norm="l2"``) or L1 (``norm="l1"``) norm, or left as
    it is (``norm=None``). The ``+ 1`` keeps words that occur in every document
    instead of zeroing them.

    Args:
        tokenizer: how string documents become tokens: a method name for
            :func:`~dlcourse.text.tokenize` or a callable ``str -> list[str]``.
            Documents given as token lists are used as they are.
        lowercase: fold every token to lower case.
        norm: ``"l2"``, ``"l1"`` or ``None``.
        use_idf: multiply by the idf (else the result is normalised tf).
        smooth_idf: add one to document frequencies, as if one extra document
            contained every term once.
        sublinear_tf: replace tf by :math:`1 + \ln \mathrm{tf}`.
        min_df, max_df: keep only terms whose document frequency lies in
            ``[min_df, max_df]``; an int counts documents, a float is a proportion.
        sparse_output: return :class:`scipy.sparse.csr_matrix` (as scikit-learn does)
            instead of a dense array; for large collections, which are mostly zeros.

    Attributes:
        vocabulary_: :class:`~dlcourse.text.Vocab` of the kept terms, alphabetical
            (the column order, as in scikit-learn).
        idf_: ``(V,)`` idf of each column.
        df_: ``(V,)`` document frequency of each column.

    Shape:
        ``D`` documents -> ``(D, V)`` array (sparse with ``sparse_output=True``).

    Example:
        >>> tv = TfidfVectorizer().fit(["the cat sat", "the dog sat", "the dog barked"])
        >>> tv.vocabulary_.itos
        ['barked', 'cat', 'dog', 'sat', 'the']
        >>> round(float(tv.idf_[-1]), 6)  # "the" is in all three documents: ln(4/4) + 1
        1.0
    """

    def __init__(
        self,
        tokenizer: str | Callable[[str], list[str]] = "rule",
        *,
        lowercase: bool = True,
        norm: str | None = "l2",
        use_idf: bool = True,
        smooth_idf: bool = True,
        sublinear_tf: bool = False,
        min_df: int | float = 1,
        max_df: int | float = 1.0,
        sparse_output: bool = False,
    ) -> None:
        self.tokenizer = tokenizer
        self.lowercase = lowercase
        self.norm = norm
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df
        self.max_df = max_df
        self.sparse_output = sparse_output

    # --- helpers ---------------------------------------------------------------------
    def _tokens(self, documents: Any) -> list[list[str]]:
        documents = _check_sequence(documents, "documents", (str, list, tuple), "documents (strings or token lists)")
        if not callable(self.tokenizer):
            check_choice(self.tokenizer, "tokenizer", ("whitespace", "punctuation", "rule", "morpheme"))
        # The built-in regular-expression tokenizers return strings by construction: call them
        # directly and skip the per-token type check (most of the time on large collections).
        compiled: dict[str, Callable[[str], list[str]]] = {
            "rule": _RULE.findall, "punctuation": _PUNCT.findall, "whitespace": str.split}
        fast = compiled.get(self.tokenizer) if isinstance(self.tokenizer, str) else None
        out = []
        for i, doc in enumerate(documents):
            if isinstance(doc, str) and fast is not None:
                tokens = fast(doc)
            else:
                if isinstance(doc, str):
                    tokens = self.tokenizer(doc) if callable(self.tokenizer) else tokenize(doc, self.tokenizer)
                else:
                    tokens = list(doc)
                for token in tokens:
                    if not isinstance(token, str):
                        raise TypeError(f"documents[{i}] must be a str or a list of str tokens; found {token!r:.40}.")
            out.append(list(map(str.lower, tokens)) if self.lowercase else tokens)
        return out

    def _check_fitted(self) -> None:
        if not hasattr(self, "idf_"):
            raise RuntimeError("this TfidfVectorizer is not fitted yet; call fit(documents) first.")

    # --- the estimator API -------------------------------------------------------------
    def fit(self, documents: Sequence[str | Sequence[str]]) -> "TfidfVectorizer":
        """Learn the vocabulary and the idf of each term from ``documents``."""
        self._fit_counts(self._tokens(documents))
        return self

    def _fit_counts(self, docs: list[list[str]]) -> sparse.csr_matrix:
        """Fit on tokenised documents; return their counts ``(n, V)`` over the kept terms."""
        check_choice(self.norm, "norm", ("l2", "l1", None))
        for flag in ("lowercase", "use_idf", "smooth_idf", "sublinear_tf", "sparse_output"):
            value = getattr(self, flag)
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{flag} must be True or False; got {type(value).__name__} ({value!r:.30}).")
        min_df = _check_df(self.min_df, "min_df")
        max_df = _check_df(self.max_df, "max_df")
        n = len(docs)
        if n == 0:
            raise ValueError("documents must hold at least one document; got none.")
        counts, seen = _count(docs)  # (n, V0), columns in order of first appearance
        if not seen:
            raise ValueError("the vocabulary is empty: the documents contain no tokens.")
        terms = sorted(seen)  # the column order: alphabetical, as scikit-learn
        df = np.bincount(counts.indices, minlength=len(terms))[[seen[t] for t in terms]]  # (V0,)
        low = min_df if isinstance(min_df, int) else min_df * n
        high = max_df if isinstance(max_df, int) else max_df * n
        if high < low:
            raise ValueError(f"max_df ({self.max_df}) corresponds to fewer documents than min_df ({self.min_df}).")
        keep = (df >= low) & (df <= high)
        if not keep.any():
            raise ValueError(
                f"the vocabulary is empty after filtering: no term has a document frequency in "
                f"[min_df, max_df] = [{self.min_df}, {self.max_df}]. Lower min_df or raise max_df."
            )
        kept = [t for t, k in zip(terms, keep) if k]
        self.vocabulary_ = Vocab(kept, specials=())
        self.df_ = df[keep].astype(float)
        if self.smooth_idf:
            self.idf_ = np.log((1.0 + n) / (1.0 + self.df_)) + 1.0
        else:
            self.idf_ = np.log(n / self.df_) + 1.0
        return counts[:, [seen[t] for t in kept]]  # (n, V): the kept columns, alphabetical

    def _weight(self, tf: sparse.csr_matrix, dense: bool) -> np.ndarray | sparse.csr_matrix:
        """tf ``(D, V)`` counts -> normalised TF-IDF, computed on the non-zero entries only."""
        tf = tf.tocsr()
        tf.sort_indices()
        data = tf.data  # the non-zero counts, row after row
        if self.sublinear_tf:
            data = 1.0 + np.log(data)
        if self.use_idf:
            data = data * self.idf_[tf.indices]
        if self.norm is not None:
            rows = np.repeat(np.arange(tf.shape[0]), np.diff(tf.indptr))  # the row of each entry
            if self.norm == "l1":
                norms = np.bincount(rows, weights=np.abs(data), minlength=tf.shape[0])  # (D,)
            else:
                norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=tf.shape[0]))
            data = data / norms[rows]  # empty rows have no entries to divide
        X = sparse.csr_matrix((data, tf.indices, tf.indptr), shape=tf.shape)
        return X.toarray() if dense else X

    def transform(self, documents: Sequence[str | Sequence[str]], *, sparse_output: bool | None = None
                  ) -> np.ndarray | sparse.csr_matrix:
        """TF-IDF matrix of ``documents`` with the fitted vocabulary; unseen terms are ignored.

        A dense ``(D, V)`` array, or a :class:`scipy.sparse.csr_matrix` with
        ``sparse_output=True`` (default: the vectorizer's ``sparse_output``).
        """
        self._check_fitted()
        counts, _ = _count(self._tokens(documents), self.vocabulary_.stoi)  # (D, V)
        return self._weight(counts, dense=not self._sparse(sparse_output))

    def fit_transform(self, documents: Sequence[str | Sequence[str]], *, sparse_output: bool | None = None
                      ) -> np.ndarray | sparse.csr_matrix:
        """``fit(documents).transform(documents)``, tokenising and counting only once."""
        counts = self._fit_counts(self._tokens(documents))
        return self._weight(counts, dense=not self._sparse(sparse_output))

    def _sparse(self, sparse_output: bool | None) -> bool:
        if sparse_output is not None and not isinstance(sparse_output, (bool, np.bool_)):
            raise TypeError(
                f"sparse_output must be True, False or None (the vectorizer's setting); got "
                f"{type(sparse_output).__name__} ({sparse_output!r:.30})."
            )
        return bool(getattr(self, "sparse_output", False) if sparse_output is None else sparse_output)

    def get_feature_names_out(self) -> list[str]:
        """The term of each column."""
        self._check_fitted()
        return list(self.vocabulary_.itos)


def cosine_similarity(A: Any, B: Any) -> np.ndarray:
    r"""Cosine similarity of every row of ``A`` with every row of ``B``.

    .. math::
        \cos(\mathbf{a}, \mathbf{b}) = \frac{\mathbf{a}^\top \mathbf{b}}{\lVert\mathbf{a}\rVert\, \lVert\mathbf{b}\rVert}

    A zero row has similarity 0 with everything.

    Shape:
        ``A`` ``(N, V)`` (or ``(V,)``), ``B`` ``(M, V)`` -> ``(N, M)``.
    """
    A = np.atleast_2d(as_float_array(A, "A"))
    B = np.atleast_2d(as_float_array(B, "B"))
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[1]:
        raise ValueError(f"A and B must be (N, V) and (M, V) with the same V; got {A.shape} and {B.shape}.")
    na = np.linalg.norm(A, axis=1, keepdims=True)  # (N, 1)
    nb = np.linalg.norm(B, axis=1, keepdims=True)  # (M, 1)
    A = A / np.where(na > 0, na, 1.0)
    B = B / np.where(nb > 0, nb, 1.0)
    return A @ B.T  # (N, V) @ (V, M) -> (N, M)


@dataclass(frozen=True)
class SearchHit:
    """One result of :meth:`SearchIndex.search`."""

    index: int
    score: float
    text: str


class SearchIndex:
    r"""Rank documents by the cosine similarity of their TF-IDF vectors to a query.

    The documents are vectorised once (``fit_transform``); a query is vectorised
    with the same vocabulary and idf (``transform``), and documents are sorted
    by :math:`\cos(\mathbf{q}, \mathbf{x}_d)`, ties by index.

    Args:
        documents: the collection, as strings.
        vectorizer: an unfitted :class:`TfidfVectorizer` (default settings if ``None``).

    Example:
        >>> index = SearchIndex(["cats purr", "dogs bark", "cats and dogs"])
        >>> index.search("purring cats", k=1)[0].index
        0
    """

    def __init__(self, documents: Sequence[str], vectorizer: TfidfVectorizer | None = None) -> None:
        self.documents = _check_sequence(documents, "documents", str, "strings")
        self.vectorizer = TfidfVectorizer() if vectorizer is None else vectorizer
        self.matrix = self.vectorizer.fit_transform(self.documents)  # (D, V)

    def scores(self, query: str) -> np.ndarray:
        """Cosine similarity of ``query`` with every document, shape ``(D,)``."""
        check_type(query, "query", str)
        q = self.vectorizer.transform([query])  # (1, V)
        return cosine_similarity(q, self.matrix)[0]  # (D,)

    def search(self, query: str, k: int = 3) -> list[SearchHit]:
        """The ``k`` best documents for ``query``, best first (all of them when ``k`` exceeds their number)."""
        k = check_int(k, "k", minimum=1)
        s = self.scores(query)
        order = sorted(range(len(s)), key=lambda i: (-s[i], i))[:k]
        return [SearchHit(i, float(s[i]), self.documents[i]) for i in order]
