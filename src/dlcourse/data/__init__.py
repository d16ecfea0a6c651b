"""Data for the book: seeded generators and verified optional downloads.

Generators (no network, seeded, returning tensors):
:func:`reversal_task`, :func:`copy_task`, :func:`adding_problem`, :func:`copy_memory_task`.
Non-overlapping train/test splits of sequence pairs: :func:`split_pairs` (chapter 9).
Date normalisation ("25 June 2009" -> "2009-06-25"): :func:`date_task`, :func:`date_splits` (chapter 9).
Sensor windows with a Normal/Abnormal status: :func:`sensor_windows` (chapter 6).
scikit-learn's digits as image tensors with a fixed split: :func:`digits_split` (chapter 3).
Noisy canvases with one class-defining shape and its mask: :func:`shapes_localisation` (chapter 12).
Word-embedding corpora with planted analogies: :func:`analogy_corpus`, in Korean :func:`korean_corpus` (chapter 5).
Shipped texts: :func:`load_text` (an original short story for chapter 6's language model).
Real text found inside the installed gensim (no download): :func:`wiki_text`, :func:`wiki_sentences`,
:func:`wiki_articles` (a shortened English Wikipedia dump), :func:`analogy_questions`,
:func:`word_similarity` (WordSim-353, SimLex-999), :func:`lee_corpus` (chapters 5-7).
Downloads: :func:`fetch` with a pinned SHA-256 and a cache.
"""
from .analogies import (
    CAPITALS,
    KOREAN_CAPITALS,
    KOREAN_PEOPLE,
    KOREAN_VERBS,
    PEOPLE,
    VERBS,
    PlantedCorpus,
    analogy_corpus,
    korean_corpus,
)
from .corpora import (
    analogy_questions,
    gensim_data_path,
    lee_corpus,
    lee_path,
    questions_words_path,
    simlex999_path,
    tokenize_words,
    wiki_articles,
    wiki_sentences,
    wiki_text,
    word_similarity,
    wordsim353_path,
)
from .dates import (
    DATE_CHARS,
    DATE_FORMATS,
    DATE_VOCAB_SIZE,
    MONTHS,
    date_splits,
    date_task,
    decode_chars,
    encode_chars,
    format_date,
)
from .digits import digits_split
from .documents import DOCUMENT_TOPICS, Document, load_documents
from .fetch import REGISTRY, ChecksumError, DownloadError, RemoteFile, default_cache_dir, fetch, register, sha256sum
from .sensors import SENSOR_NAMES, sensor_windows
from .sequences import (
    EOS,
    N_SPECIAL,
    PAD,
    SOS,
    SequencePairs,
    adding_problem,
    copy_memory_task,
    copy_task,
    reversal_task,
)
from .shapes import SHAPE_CLASSES, ShapesData, draw_shape, shapes_localisation
from .splits import source_keys, split_pairs, subset_pairs
from .texts import TEXTS, load_text

__all__ = [
    "PlantedCorpus",
    "analogy_corpus",
    "korean_corpus",
    "KOREAN_PEOPLE",
    "KOREAN_CAPITALS",
    "KOREAN_VERBS",
    "PEOPLE",
    "CAPITALS",
    "VERBS",
    "Document",
    "DOCUMENT_TOPICS",
    "load_documents",
    "PAD",
    "SOS",
    "EOS",
    "N_SPECIAL",
    "SequencePairs",
    "reversal_task",
    "copy_task",
    "adding_problem",
    "copy_memory_task",
    "split_pairs",
    "digits_split",
    "subset_pairs",
    "source_keys",
    "date_task",
    "date_splits",
    "format_date",
    "encode_chars",
    "decode_chars",
    "DATE_FORMATS",
    "DATE_CHARS",
    "DATE_VOCAB_SIZE",
    "MONTHS",
    "sensor_windows",
    "SENSOR_NAMES",
    "shapes_localisation",
    "ShapesData",
    "SHAPE_CLASSES",
    "draw_shape",
    "load_text",
    "TEXTS",
    "wiki_text",
    "wiki_sentences",
    "wiki_articles",
    "tokenize_words",
    "analogy_questions",
    "questions_words_path",
    "word_similarity",
    "wordsim353_path",
    "simlex999_path",
    "lee_corpus",
    "lee_path",
    "gensim_data_path",
    "RemoteFile",
    "REGISTRY",
    "register",
    "fetch",
    "default_cache_dir",
    "sha256sum",
    "ChecksumError",
    "DownloadError",
]
