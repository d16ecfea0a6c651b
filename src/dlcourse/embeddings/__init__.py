"""Word embeddings (chapter 5): Word2Vec's skip-gram and CBOW, and what vectors can do.

- :mod:`~dlcourse.embeddings.pairs`: :func:`skipgram_pairs`, :func:`cbow_pairs`, the
  training examples a window produces.
- :mod:`~dlcourse.embeddings.model`: :class:`SkipGram` and :class:`CBOW` with negative
  sampling (torch modules with a hand-derived SGD step), :func:`noise_distribution`
  (unigram^0.75), :func:`keep_probabilities` (frequent-word subsampling).
- :mod:`~dlcourse.embeddings.training`: :func:`train_word2vec`, batched and vectorised,
  with gensim's argument names.
- :mod:`~dlcourse.embeddings.vectors`: :class:`WordVectors` (``most_similar``,
  ``similarity``, ``analogy`` by 3CosAdd, ``evaluate_analogies``,
  ``evaluate_word_pairs``), :func:`neighbour_overlap` and :func:`bootstrap_spearman`.

Importing this subpackage imports PyTorch; SciPy is imported when word pairs are evaluated.
"""
from .model import CBOW, SkipGram, keep_probabilities, noise_distribution
from .pairs import cbow_pairs, skipgram_pairs
from .training import build_vocab, train_word2vec, window_pairs
from .vectors import AnalogyEvaluation, PairEvaluation, WordVectors, bootstrap_spearman, neighbour_overlap

__all__ = [
    "skipgram_pairs",
    "cbow_pairs",
    "noise_distribution",
    "keep_probabilities",
    "SkipGram",
    "CBOW",
    "build_vocab",
    "window_pairs",
    "train_word2vec",
    "WordVectors",
    "PairEvaluation",
    "AnalogyEvaluation",
    "neighbour_overlap",
    "bootstrap_spearman",
]
