"""Real English text and word-similarity benchmarks, located inside the installed gensim.

gensim's wheel ships a small test-data folder (``gensim/test/test_data``) that holds real text:

- a shortened dump of the English Wikipedia
  (``enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2``: 107 articles,
  "Anarchism" to "A Modest Proposal" and on, about 0.5 M words once the markup is stripped);
- the Lee news corpus (``lee_background.cor``, 300 short ABC news stories, and ``lee.cor``, 50 more);
- the Google analogy questions (``questions-words.txt``, 19,544 questions of the form
  *a : b :: c : d* in 14 sections);
- two word-similarity collections with human ratings, WordSim-353 (``wordsim353.tsv``) and
  SimLex-999 (``simlex999.txt``).

The functions below find those files through :func:`gensim.test.utils.datapath` (nothing is
copied into this repository and nothing is downloaded) and raise an error that names the missing
piece and how to install it. Extracting the Wikipedia text takes about 2 s of CPU; the result is
kept in memory for the session and in a cache file under :func:`~dlcourse.data.default_cache_dir`
(``$DLCOURSE_DATA`` or ``~/.cache/dlcourse``), which any reader can delete and rebuild.
"""
from __future__ import annotations

import bz2
import functools
import hashlib
import json
import os
import re
from pathlib import Path

from .fetch import default_cache_dir

__all__ = [
    "WIKI_FILE",
    "GENSIM_FILES",
    "gensim_data_path",
    "wiki_articles",
    "wiki_text",
    "wiki_sentences",
    "tokenize_words",
    "questions_words_path",
    "analogy_questions",
    "wordsim353_path",
    "simlex999_path",
    "word_similarity",
    "lee_path",
    "lee_corpus",
]

WIKI_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"

GENSIM_FILES = {
    "wiki": WIKI_FILE,
    "questions-words": "questions-words.txt",
    "wordsim353": "wordsim353.tsv",
    "simlex999": "simlex999.txt",
    "lee_background": "lee_background.cor",
    "lee_test": "lee.cor",
}

# Bump when the cleaning below changes, so that stale cache files are not reused.
_CLEAN_VERSION = "1"

_INSTALL_HINT = (
    "It ships inside the gensim wheel from PyPI (folder gensim/test/test_data). Install the "
    "course's NLP extras with `pip install -e '.[nlp]'` (or `pip install 'gensim>=4.3'`); "
    "a gensim built without its test data (some system packages strip it) will not do: "
    "reinstall it from PyPI with `pip install --force-reinstall --no-deps gensim`."
)


def gensim_data_path(filename: str) -> Path:
    """Path of ``filename`` in the installed gensim's test-data folder.

    ``filename`` is a file name (e.g. ``"wordsim353.tsv"``) or a key of :data:`GENSIM_FILES`
    (e.g. ``"wordsim353"``).

    Raises
    ------
    ImportError
        gensim is not installed.
    FileNotFoundError
        gensim is installed but the file is not in its test-data folder.
    """
    if not isinstance(filename, str) or not filename:
        raise TypeError(f"filename must be a non-empty str; got {filename!r}.")
    filename = GENSIM_FILES.get(filename, filename)
    try:
        from gensim.test.utils import datapath
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            f"The real-text corpora need gensim, which is not installed (looking for {filename!r}). "
            + _INSTALL_HINT
        ) from exc
    path = Path(datapath(filename))
    if not path.is_file():
        raise FileNotFoundError(
            f"{filename!r} is not in the installed gensim's test data ({path.parent}). " + _INSTALL_HINT
        )
    return path


# ---------------------------------------------------------------- Wikipedia

_HEADING = re.compile(r"^\s*=+\s*(.*?)\s*=+\s*$", re.MULTILINE)
_QUOTES = re.compile(r"'{2,}")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n+")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _clean_article(text: str) -> str:
    from gensim.corpora.wikicorpus import filter_wiki

    text = filter_wiki(text)
    text = _HEADING.sub(r"\1.", text)  # "==History==" -> "History." (its own sentence)
    text = _QUOTES.sub("", text)  # '''bold''' and ''italic'' marks
    text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    return _BLANKS.sub("\n", text).strip().lower()


def _cache_file(source: Path) -> Path:
    key = hashlib.sha256(f"{source.name}:{source.stat().st_size}:{_CLEAN_VERSION}".encode()).hexdigest()[:12]
    return default_cache_dir() / "corpora" / f"enwiki-shortened-{key}.json"


@functools.lru_cache(maxsize=1)
def _articles() -> tuple[tuple[str, str], ...]:
    source = gensim_data_path(WIKI_FILE)
    cache = _cache_file(source)
    if cache.is_file():
        try:
            rows = [tuple(row) for row in json.loads(cache.read_text(encoding="utf-8"))]
        except (ValueError, TypeError):
            rows = []
        if rows and all(len(row) == 2 for row in rows):
            return tuple(rows)
    from gensim.corpora.wikicorpus import extract_pages

    rows = []
    with bz2.BZ2File(source) as handle:
        for title, text, _pageid in extract_pages(handle, filter_namespaces=("0",)):
            if text.lstrip().lower().startswith("#redirect"):
                continue
            body = _clean_article(text)
            if body:
                rows.append((title, body))
    try:  # the cache is a convenience: a read-only home directory only costs the 2 s again
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        pass
    return tuple(rows)


def wiki_articles() -> list[tuple[str, str]]:
    """The Wikipedia articles as ``(title, text)`` pairs, in dump order (106 with text).

    ``text`` is plain, lower-cased article text: wiki markup, templates, tables, links' targets,
    references and redirects removed (gensim's :func:`~gensim.corpora.wikicorpus.filter_wiki`),
    section headings kept as their own line ending in ``"."``, one paragraph per line. Split by
    article (not by character offset) when you need a held-out part that shares no paragraph with
    the training part.
    """
    return list(_articles())


def wiki_text(max_chars: int | None = None) -> str:
    """Plain lower-cased text of the shortened English Wikipedia dump shipped with gensim.

    Articles are joined by a blank line, paragraphs are separated by ``"\\n"``; about 3.0 M
    characters in all. ``max_chars`` (if given) cuts the text to its first ``max_chars``
    characters.

    Example
    -------
    >>> wiki_text(40)  # doctest: +SKIP
    "anarchism is a political philosophy that"
    """
    if max_chars is not None and (isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 0):
        raise ValueError(f"max_chars must be a non-negative int or None; got {max_chars!r}.")
    text = "\n\n".join(body for _title, body in _articles())
    return text if max_chars is None else text[:max_chars]


def tokenize_words(text: str) -> list[str]:
    """Lower-cased word tokens: runs of letters, with one inner apostrophe kept (``"child's"``).

    Digits and punctuation are dropped, so ``"1.5% of children"`` gives ``["of", "children"]``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {type(text).__name__} ({text!r:.40}). Pass the text to split.")
    return _WORD.findall(text.lower())


def wiki_sentences(min_words: int = 3, max_sentences: int | None = None) -> list[list[str]]:
    """The Wikipedia text split into sentences of word tokens (:func:`tokenize_words`).

    Sentences end at ``.``, ``!``, ``?`` followed by white space, and at every line break;
    sentences with fewer than ``min_words`` tokens (headings, captions) are dropped. About 25,000
    sentences and 0.5 M tokens with the defaults. ``max_sentences`` keeps only the first ones.
    """
    if isinstance(min_words, bool) or not isinstance(min_words, int) or min_words < 1:
        raise ValueError(f"min_words must be a positive int; got {min_words!r}.")
    out: list[list[str]] = []
    for _title, body in _articles():
        for piece in _SENTENCE_END.split(body):
            tokens = tokenize_words(piece)
            if len(tokens) >= min_words:
                out.append(tokens)
                if max_sentences is not None and len(out) >= max_sentences:
                    return out
    return out


# ---------------------------------------------------------------- benchmarks


def questions_words_path() -> Path:
    """Path of Google's analogy questions ``questions-words.txt`` (Mikolov et al., 2013)."""
    return gensim_data_path("questions-words.txt")


def analogy_questions(lower: bool = True) -> dict[str, list[tuple[str, str, str, str]]]:
    """The analogy questions by section: ``{"capital-common-countries": [("athens", "greece",
    "baghdad", "iraq"), ...], ...}`` (14 sections, 19,544 questions; the first five sections are
    "semantic", the ``gram*`` ones "syntactic"). Each ``(a, b, c, d)`` reads *a is to b as c is to d*.
    """
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    current = None
    for line in questions_words_path().read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(":"):
            current = line[1:].strip()
            sections[current] = []
            continue
        words = line.lower().split() if lower else line.split()
        if current is None or len(words) != 4:
            continue
        sections[current].append(tuple(words))  # type: ignore[arg-type]
    return sections


def wordsim353_path() -> Path:
    """Path of WordSim-353 (Finkelstein et al., 2002), tab-separated ``word1 word2 score``."""
    return gensim_data_path("wordsim353.tsv")


def simlex999_path() -> Path:
    """Path of SimLex-999 (Hill et al., 2015), tab-separated ``word1 word2 score``."""
    return gensim_data_path("simlex999.txt")


def word_similarity(name: str = "wordsim353") -> list[tuple[str, str, float]]:
    """Word pairs with their mean human rating: ``[("love", "sex", 6.77), ...]``.

    ``name`` is ``"wordsim353"`` (353 pairs, scores 0-10, *relatedness*: coffee-cup scores high)
    or ``"simlex999"`` (999 pairs, scores 0-10, *similarity* proper: coffee-cup scores low).
    Words are lower-cased.
    """
    paths = {"wordsim353": wordsim353_path, "simlex999": simlex999_path}
    if name not in paths:
        raise ValueError(f"name must be one of {sorted(paths)}; got {name!r}.")
    pairs = []
    for line in paths[name]().read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        pairs.append((parts[0].strip().lower(), parts[1].strip().lower(), float(parts[2])))
    return pairs


def lee_path(which: str = "background") -> Path:
    """Path of the Lee corpus: ``"background"`` (``lee_background.cor``, 300 documents) or
    ``"test"`` (``lee.cor``, 50 documents)."""
    if which not in ("background", "test"):
        raise ValueError(f"which must be 'background' or 'test'; got {which!r}.")
    return gensim_data_path(f"lee_{which}")


def lee_corpus(which: str = "background") -> list[str]:
    """The Lee news documents, one string per document (original case)."""
    return [line.strip() for line in lee_path(which).read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
