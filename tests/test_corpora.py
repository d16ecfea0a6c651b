"""Real-text corpora located inside the installed gensim (dlcourse.data.corpora)."""
from __future__ import annotations

import pytest

pytest.importorskip("gensim")

from dlcourse import data  # noqa: E402
from dlcourse.data import corpora  # noqa: E402


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    # one cache directory for the module, never the user's own
    cache = tmp_path_factory.getbasetemp() / "corpora-cache"
    monkeypatch.setenv("DLCOURSE_DATA", str(cache))


def test_exported_from_data():
    for name in ("wiki_text", "wiki_sentences", "wiki_articles", "analogy_questions", "word_similarity", "lee_corpus"):
        assert getattr(data, name) is getattr(corpora, name)


def test_wiki_text_is_plain_lowercase_text():
    text = data.wiki_text()
    assert 2_500_000 < len(text) < 3_500_000
    assert text == text.lower()
    assert text.startswith("anarchism is a political philosophy")
    for markup in ("[[", "]]", "{{", "}}", "'''", "<ref", "==", "&lt;", "#redirect"):
        assert markup not in text, markup
    assert data.wiki_text(40) == text[:40]
    assert data.wiki_text(0) == ""
    with pytest.raises(ValueError):
        data.wiki_text(-1)


def test_wiki_articles_and_cache_round_trip():
    first = data.wiki_articles()
    assert len(first) > 100
    titles = [t for t, _ in first]
    assert titles[0] == "Anarchism" and "Aristotle" in titles
    corpora._articles.cache_clear()  # the second read comes from the cache file
    assert data.wiki_articles() == first


def test_wiki_sentences_tokens():
    sents = data.wiki_sentences()
    n_tokens = sum(map(len, sents))
    assert 20_000 < len(sents) < 30_000
    assert 400_000 < n_tokens < 520_000
    assert all(len(s) >= 3 for s in sents)
    assert all(w == w.lower() and not any(ch.isdigit() for ch in w) for s in sents[:500] for w in s)
    assert data.wiki_sentences(max_sentences=10) == sents[:10]
    assert data.tokenize_words("About 1.5% of Children's books.") == ["about", "of", "children's", "books"]


def test_benchmarks():
    q = data.analogy_questions()
    assert len(q) == 14 and sum(map(len, q.values())) == 19_544
    assert q["capital-common-countries"][0] == ("athens", "greece", "baghdad", "iraq")
    ws = data.word_similarity("wordsim353")
    sl = data.word_similarity("simlex999")
    assert len(ws) == 353 and ws[0] == ("love", "sex", 6.77)
    assert len(sl) == 999 and sl[0] == ("old", "new", 1.58)
    with pytest.raises(ValueError):
        data.word_similarity("men")
    assert len(data.lee_corpus()) == 300 and len(data.lee_corpus("test")) == 50
    with pytest.raises(ValueError):
        data.lee_path("train")


def test_missing_file_error_names_file_and_fix():
    with pytest.raises(FileNotFoundError, match="no-such-file.txt.*pip install"):
        data.gensim_data_path("no-such-file.txt")
