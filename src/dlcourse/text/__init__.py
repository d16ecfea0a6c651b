"""Text preprocessing (chapter 4): cleaning, tokenisation, vocabularies, sparse vectors.

- :mod:`~dlcourse.text.tokenizers`: :func:`tokenize` (white space, punctuation, rules,
  Korean morphemes), :func:`korean_morphemes` (kiwipiepy), :func:`remove_stopwords`.
- :mod:`~dlcourse.text.vocab`: :class:`Vocab` (token <-> index, special tokens, minimum
  frequency, JSON), :func:`one_hot`, :func:`bag_of_words`, :func:`document_term_matrix`.
- :mod:`~dlcourse.text.vectorize`: :class:`TfidfVectorizer` (checked against
  scikit-learn), :func:`cosine_similarity`, :class:`SearchIndex`.
- :mod:`~dlcourse.text.bpe`: :class:`BPE`, byte-pair encoding with an exact round trip.

Only NumPy is needed, except :func:`korean_morphemes` (``pip install 'dlcourse[nlp]'``).
"""
from .bpe import BPE
from .tokenizers import (
    ENGLISH_STOPWORDS,
    KOREAN_STOP_TAGS,
    TOKENIZE_METHODS,
    korean_morphemes,
    remove_stopwords,
    tokenize,
)
from .vectorize import SearchHit, SearchIndex, TfidfVectorizer, cosine_similarity
from .vocab import DEFAULT_SPECIALS, Vocab, bag_of_words, document_term_matrix, one_hot

__all__ = [
    "TOKENIZE_METHODS",
    "ENGLISH_STOPWORDS",
    "KOREAN_STOP_TAGS",
    "tokenize",
    "korean_morphemes",
    "remove_stopwords",
    "DEFAULT_SPECIALS",
    "Vocab",
    "one_hot",
    "bag_of_words",
    "document_term_matrix",
    "TfidfVectorizer",
    "cosine_similarity",
    "SearchHit",
    "SearchIndex",
    "BPE",
]
