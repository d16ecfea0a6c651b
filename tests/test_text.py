"""dlcourse.text (chapter 4): tokenisers, vocabularies, sparse vectors, TF-IDF, BPE.

Oracles: scikit-learn's CountVectorizer and TfidfVectorizer (same tokenizer, same
settings, same vocabulary order) to 1e-12; kiwipiepy for Korean morphemes."""
import itertools

import ipywidgets  # noqa: F401 - the widget test needs it
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf

from dlcourse.data import load_documents
from dlcourse.text import (
    BPE,
    SearchIndex,
    TfidfVectorizer,
    Vocab,
    bag_of_words,
    cosine_similarity,
    document_term_matrix,
    korean_morphemes,
    one_hot,
    remove_stopwords,
    tokenize,
)
from dlcourse.widgets import tokenize_sentence, tokenizer_explorer

ENGLISH = [d.text for d in load_documents("en")]


# --- tokenisation ----------------------------------------------------------------------------
def test_rule_tokenizer_syllabus_example():
    assert tokenize("Let's tokenize! Isn't this easy?", "rule") == [
        "Let", "'s", "tokenize", "!", "Is", "n't", "this", "easy", "?"]


def test_whitespace_and_punctuation_tokenizers():
    s = "Let's tokenize! Isn't this easy?"
    assert tokenize(s, "whitespace") == s.split()
    assert tokenize(s, "punctuation") == ["Let", "'", "s", "tokenize", "!", "Isn", "'", "t", "this", "easy", "?"]
    assert tokenize("Hello, World", "whitespace", lower=True) == ["hello,", "world"]
    # Korean: white space gives eojeol, punctuation splits off only the marks.
    assert tokenize("어제 러시아에 갔다.", "whitespace") == ["어제", "러시아에", "갔다."]
    assert tokenize("어제 러시아에 갔다.", "rule") == ["어제", "러시아에", "갔다", "."]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
@settings(max_examples=60, deadline=None)
def test_tokenizers_lose_only_white_space(text):
    # Every non-space character ends up in exactly one token, in order.
    for method in ("whitespace", "punctuation", "rule"):
        assert "".join(tokenize(text, method)) == "".join(text.split())


def test_korean_morphemes_and_particles():
    pairs = korean_morphemes("나는 학교에 갔다")
    forms = [f for f, _ in pairs]
    assert "학교" in forms and "에" in forms
    tags = dict(pairs)
    assert tags["학교"].startswith("NN") and tags["에"].startswith("J")
    content = remove_stopwords(pairs, "korean")
    assert all(not tag.startswith(("J", "E", "XS")) for _, tag in content)
    assert [f for f, _ in content][:2] == ["나", "학교"]
    # The morpheme method of tokenize gives the forms.
    assert tokenize("나는 학교에 갔다", "morpheme") == forms


def test_remove_stopwords_english():
    assert remove_stopwords(tokenize("The cat is on the mat", "rule")) == ["cat", "mat"]
    assert remove_stopwords(["a", "b", "c"], stopwords=["B"]) == ["a", "c"]


# --- vocabulary ---------------------------------------------------------------------------
def test_syllabus_one_hot_vocabulary():
    vocab = Vocab.build([["어제", "러시아", "갔다", "월드컵", "관람"]], specials=())
    assert vocab.stoi == {"어제": 0, "러시아": 1, "갔다": 2, "월드컵": 3, "관람": 4}
    X = one_hot(vocab.itos, vocab)
    np.testing.assert_array_equal(X, np.eye(5))
    G = X @ X.T  # every pair orthogonal
    np.testing.assert_array_equal(G, np.eye(5))


def test_vocab_order_specials_min_freq_and_unknowns():
    corpus = [["b", "a", "b", "c"], ["a", "b", "d"]]
    v = Vocab.build(corpus, min_freq=2)
    assert v.itos == ["<pad>", "<unk>", "<sos>", "<eos>", "b", "a"]  # b: 3, a: 2; c, d filtered
    assert v["c"] == v["<unk>"] == v.unk_index == 1
    assert v.encode(["a", "zzz"]) == [5, 1] and v.decode([4, 5]) == ["b", "a"]
    assert v.freqs["b"] == 3 and len(v) == 6 and "a" in v and "c" not in v
    # ties keep the order of first appearance
    assert Vocab.build([["z", "y", "x"]], specials=()).itos == ["z", "y", "x"]
    assert Vocab.build(corpus, max_size=1, specials=()).itos == ["b"]
    no_unk = Vocab.build(corpus, specials=("<pad>",))
    with pytest.raises(KeyError, match="not in the vocabulary"):
        no_unk["zzz"]


def test_vocab_json_round_trip():
    v = Vocab.build([tokenize(t, "rule", lower=True) for t in ENGLISH], min_freq=2)
    w = Vocab.from_json(v.to_json())
    assert w == v and w.itos == v.itos and w.freqs == v.freqs and w["nope"] == v.unk_index


@given(st.lists(st.lists(st.sampled_from(list("abcdefgh")), max_size=8), min_size=1, max_size=6), st.integers(1, 3))
@settings(max_examples=60, deadline=None)
def test_vocab_properties(corpus, min_freq):
    counts = {}
    for doc in corpus:
        for t in doc:
            counts[t] = counts.get(t, 0) + 1
    kept = {t for t, c in counts.items() if c >= min_freq}
    if not kept:
        with pytest.raises(ValueError, match="empty after filtering"):
            Vocab.build(corpus, min_freq=min_freq)
        return
    v = Vocab.build(corpus, min_freq=min_freq)
    assert set(v.itos[4:]) == kept
    assert all(v.stoi[t] == i for i, t in enumerate(v.itos))
    freqs = [counts[t] for t in v.itos[4:]]
    assert freqs == sorted(freqs, reverse=True)
    # the bag of words (counts) is the column sum of the one-hot rows
    for doc in corpus:
        np.testing.assert_array_equal(one_hot(doc, v).sum(axis=0), bag_of_words(doc, v, binary=False))


# --- document-term matrix and TF-IDF against scikit-learn -----------------------------------
def _rule(text):
    return tokenize(text, "rule")


def test_document_term_matrix_equals_countvectorizer():
    docs = [tokenize(t, "rule") for t in ENGLISH]
    vocab = Vocab.build(docs, specials=())
    ours = document_term_matrix(docs, vocab)
    for binary in (False, True):
        sk = CountVectorizer(tokenizer=_rule, token_pattern=None, lowercase=False, vocabulary=vocab.itos, binary=binary)
        np.testing.assert_allclose(document_term_matrix(docs, vocab, binary=binary),
                                   sk.fit_transform(ENGLISH).toarray(), rtol=0, atol=1e-12)
    assert ours.sum() == sum(len(d) for d in docs)
    np.testing.assert_array_equal(bag_of_words(docs[0], vocab), np.minimum(ours[0], 1))


OPTIONS = list(itertools.product(["l2", "l1", None], [True, False], [True, False], [True, False],
                                 [(1, 1.0), (2, 1.0), (1, 0.3), (0.1, 5), (2, 0.9)]))


@pytest.mark.parametrize("norm, use_idf, smooth_idf, sublinear_tf, df", OPTIONS)
def test_tfidf_equals_sklearn(norm, use_idf, smooth_idf, sublinear_tf, df):
    min_df, max_df = df
    kw = dict(norm=norm, use_idf=use_idf, smooth_idf=smooth_idf, sublinear_tf=sublinear_tf, min_df=min_df, max_df=max_df)
    ours = TfidfVectorizer("rule", **kw)
    sk = SkTfidf(tokenizer=_rule, token_pattern=None, lowercase=True, **kw)
    X = ours.fit_transform(ENGLISH)
    Y = sk.fit_transform(ENGLISH).toarray()
    assert ours.get_feature_names_out() == list(sk.get_feature_names_out())
    np.testing.assert_allclose(X, Y, rtol=0, atol=1e-12)
    queries = ["How do planets orbit the Sun?", "bake bread in the oven", "nothing matches zzz"]
    np.testing.assert_allclose(ours.transform(queries), sk.transform(queries).toarray(), rtol=0, atol=1e-12)
    if use_idf:
        np.testing.assert_allclose(ours.idf_, sk.idf_, rtol=0, atol=1e-12)


@given(st.lists(st.lists(st.sampled_from(["x", "y", "z", "w", "v"]), min_size=1, max_size=8), min_size=1, max_size=6))
@settings(max_examples=50, deadline=None)
def test_tfidf_rows_have_unit_norm(docs):
    X = TfidfVectorizer().fit_transform(docs)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-12)
    X1 = TfidfVectorizer(norm="l1").fit_transform(docs)
    np.testing.assert_allclose(np.abs(X1).sum(axis=1), 1.0, rtol=1e-12)
    assert (X >= 0).all()


def test_tfidf_korean_morphemes_equals_sklearn():
    ko = [d.text for d in load_documents("ko")]
    tok = lambda s: [f for f, t in remove_stopwords(korean_morphemes(s), "korean")]  # noqa: E731
    ours = TfidfVectorizer(tok).fit_transform(ko)
    sk = SkTfidf(tokenizer=tok, token_pattern=None).fit_transform(ko).toarray()
    np.testing.assert_allclose(ours, sk, rtol=0, atol=1e-12)


def test_search_finds_the_right_topic():
    docs = load_documents("en")
    index = SearchIndex([d.text for d in docs])
    for query, topic in [("How do planets orbit the Sun?", "space"), ("knead the dough and bake bread", "cooking"),
                         ("the goalkeeper saves a penalty", "football"), ("a virus and the immune system", "health"),
                         ("write code in Python", "computing")]:
        best = index.search(query, k=3)
        assert docs[best[0].index].topic == topic, (query, best)
        assert best[0].score >= best[1].score >= best[2].score > -1e-12
    s = index.scores("planets")
    np.testing.assert_allclose(s, cosine_similarity(index.vectorizer.transform(["planets"]), index.matrix)[0])


def test_cosine_similarity_matches_sklearn():
    from sklearn.metrics.pairwise import cosine_similarity as sk_cos

    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(4, 6)), rng.normal(size=(3, 6))
    np.testing.assert_allclose(cosine_similarity(A, B), sk_cos(A, B), atol=1e-12)
    assert cosine_similarity(np.zeros(6), B).tolist() == [[0.0, 0.0, 0.0]]


# --- byte-pair encoding ------------------------------------------------------------------
def test_bpe_learns_frequent_pairs_first():
    bpe = BPE(num_merges=4).fit(["low low low lower lowest"])
    assert bpe.merges_[:2] == [("l", "o"), ("lo", "w")]
    assert bpe.encode("low") == ["low"]
    assert len(bpe.vocab_) == len(set("low lower lowest")) + len(bpe.merges_)
    # more merges never give more tokens on the training text
    lengths = [len(BPE(m).fit(ENGLISH).encode(" ".join(ENGLISH))) for m in (0, 20, 100, 300)]
    assert lengths == sorted(lengths, reverse=True) and lengths[-1] < lengths[0] / 2
    assert lengths[0] == len(" ".join(ENGLISH))


@given(st.lists(st.text(max_size=30), max_size=5),
       st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs",)),
                                  st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)), max_size=60))
@settings(max_examples=80, deadline=None)
def test_bpe_round_trip_on_any_unicode(corpus, text):
    bpe = BPE(num_merges=30, min_frequency=1).fit(corpus + [text[: len(text) // 2]])
    tokens = bpe.encode(text)
    assert bpe.decode(tokens) == text
    assert all(tokens)


def test_bpe_round_trip_korean_corpus():
    ko = [d.text for d in load_documents("ko")]
    bpe = BPE(200).fit(ko)
    for text in ko + ["처음 보는 문장도 정확히 복원된다"]:
        assert bpe.decode(bpe.encode(text)) == text


# --- bad input -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: tokenize("hi", "spaces"), ValueError, "method must be one of"),
        (lambda: tokenize(["hi"]), TypeError, "text must be str"),
        (lambda: Vocab.build("a string"), TypeError, "corpus must be a list of token lists"),
        (lambda: Vocab.build(["a b", "c"]), TypeError, r"corpus\[0\] must be a list of tokens"),
        (lambda: Vocab.build([["a"]], min_freq=2), ValueError, "empty after filtering"),
        (lambda: Vocab.build([["a"]], min_freq=0), ValueError, "min_freq must be >= 1"),
        (lambda: document_term_matrix("a b", Vocab(["a"])), TypeError, "docs must be a list of token lists"),
        (lambda: one_hot(["a"], ["a"]), TypeError, "vocab must be Vocab"),
        (lambda: Vocab(["a", "a"]), ValueError, "unique"),
        (lambda: TfidfVectorizer().fit("one document"), TypeError, "documents must be a list of documents"),
        (lambda: TfidfVectorizer(min_df=2).fit(["a b", "c d"]), ValueError, "empty after filtering"),
        (lambda: TfidfVectorizer(min_df=2, max_df=1).fit(["a b", "c d"]), ValueError, "fewer documents than min_df"),
        (lambda: TfidfVectorizer(max_df=1.5).fit(["a"]), ValueError, r"max_df must be in \[0, 1\]"),
        (lambda: TfidfVectorizer(norm="l3").fit(["a"]), ValueError, "norm must be one of"),
        (lambda: TfidfVectorizer(tokenizer="chars").fit(["a"]), ValueError, "tokenizer must be one of"),
        (lambda: TfidfVectorizer().transform(["a"]), RuntimeError, "not fitted"),
        (lambda: remove_stopwords("the cat"), TypeError, "not one string"),
        (lambda: remove_stopwords(["학교"], "korean"), TypeError, r"\(form, tag\) pair"),
        (lambda: remove_stopwords(["a"], "french"), ValueError, "language must be one of"),
        (lambda: BPE().fit("text"), TypeError, "corpus must be a list of strings"),
        (lambda: BPE(num_merges=-1).fit(["a"]), ValueError, "num_merges must be >= 0"),
        (lambda: BPE().encode("a"), RuntimeError, "not fitted"),
        (lambda: SearchIndex("text"), TypeError, "documents must be a list of strings"),
        (lambda: cosine_similarity(np.ones((2, 3)), np.ones((2, 4))), ValueError, "same V"),
        (lambda: Vocab(["a"]).lookup_token(5), ValueError, "index must be <="),
        (lambda: Vocab(["a"], unk_token="<zzz>"), ValueError, r"unk_token must be one of specials .* got '<zzz>'"),
        (lambda: Vocab(["a"], specials=("<pad>",), unk_token="<oov>"), ValueError, "Add it to specials"),
        (lambda: Vocab(["a"], specials="abc"), TypeError, "specials must be a sequence of special tokens, not one"),
        (lambda: Vocab.build([["a"]], specials="<pad>"), TypeError, "specials must be a sequence"),
        (lambda: Vocab(["a"], specials=("<pad>", 3)), TypeError, r"specials\[1\] must be one of the str tokens; got int"),
        (lambda: SearchIndex(["the cat sat", "a dog"]).search("cat", k=-1), ValueError, "k must be >= 1"),
        (lambda: SearchIndex(["the cat sat", "a dog"]).search("cat", k=1.5), TypeError, "k must be an integer"),
        (lambda: BPE().decode("ab"), TypeError, "tokens must be a list of str tokens, not one string"),
        (lambda: remove_stopwords(["the", 3]), TypeError, r"tokens\[1\] must be a str"),
        (lambda: TfidfVectorizer(min_df="a").fit(["a"]), TypeError, "min_df must be an int"),
        (lambda: TfidfVectorizer(min_df=-1).fit(["a"]), ValueError, "min_df must be >= 1"),
        (lambda: TfidfVectorizer().fit([]), ValueError, "documents must hold at least one document"),
        (lambda: TfidfVectorizer().fit(["", " "]), ValueError, "the vocabulary is empty"),
        (lambda: Vocab.build([["a", 3]]), TypeError, r"corpus\[0\]\[1\] must be a str token"),
        (lambda: Vocab("abc"), TypeError, "tokens must be a list of str tokens, not one string"),
        (lambda: Vocab([], specials=()), ValueError, "a vocabulary needs at least one token"),
        (lambda: Vocab(["a"]).encode("a"), TypeError, "tokens must be a list of str tokens, not one string"),
        (lambda: cosine_similarity(np.ones((2, 3)) * 1j, np.ones((2, 3))), TypeError, "A must hold real numbers"),
        (lambda: Vocab(["a", None]), TypeError, r"tokens\[1\] must be one of the str tokens; got NoneType"),
        (lambda: Vocab(["a"]).encode(["a", 7]), TypeError, r"tokens\[1\] must be one of the str tokens"),
        (lambda: Vocab(["a"]).decode(["a"]), TypeError, r"indices\[0\] must be one of the integer indices"),
        (lambda: Vocab(["a"]).decode(None), TypeError, "indices must be a list of integer indices; got NoneType"),
        (lambda: BPE().decode([None]), TypeError, r"tokens\[0\] must be one of the str tokens"),
        (lambda: BPE().fit(None), TypeError, "corpus must be a list of strings; got NoneType"),
        (lambda: SearchIndex(None), TypeError, "documents must be a list of strings; got NoneType"),
        (lambda: TfidfVectorizer().fit([7, "a dog"]), TypeError, r"documents\[0\] must be one of the documents"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- widget -------------------------------------------------------------------------------
def test_tokenizer_widget_driven_from_code():
    explorer = tokenizer_explorer("Let's tokenize! Isn't this easy?", "rule")
    assert explorer.result["tokens"] == ["Let", "'s", "tokenize", "!", "Is", "n't", "this", "easy", "?"]
    explorer.controls["method"].value = "whitespace"
    assert len(explorer.result["tokens"]) == 5
    explorer.controls["text"].value = "to be or not to be"
    r = explorer.result
    assert r["ids"] == [0, 1, 2, 3, 0, 1]
    np.testing.assert_array_equal(r["bag_of_words"], [2, 2, 1, 1])
    assert r["one_hot"].shape == (6, 4)
    explorer.controls["lower"].value = True
    explorer.controls["text"].value = "To be or not to be"
    assert explorer.result["ids"] == [0, 1, 2, 3, 0, 1]
    explorer.controls["method"].value = "morpheme"
    explorer.controls["text"].value = "학교에 갔다"
    assert explorer.result["tokens"][0] == "학교" and explorer.image.value
    assert "학교" in explorer.html.value
    empty = tokenize_sentence("", "whitespace")
    assert empty["tokens"] == [] and empty["one_hot"].shape[0] == 0


def test_korean_morphemes_without_kiwipiepy_says_how_to_install(monkeypatch):
    import sys

    from dlcourse.text import tokenizers

    tokenizers._kiwi.cache_clear()
    monkeypatch.setitem(sys.modules, "kiwipiepy", None)  # import now fails
    try:
        with pytest.raises(ImportError, match=r"pip install 'dlcourse\[nlp\]'"):
            korean_morphemes("학교에 갔다")
    finally:
        tokenizers._kiwi.cache_clear()


# --- issue 29: flags, corpora and token lists name the argument -------------------------------
BAD_INPUT_29 = [
    (lambda: TfidfVectorizer(lowercase="no").fit(ENGLISH[:3]), TypeError, "lowercase must be True or False"),
    (lambda: TfidfVectorizer(min_df=0).fit(ENGLISH[:3]), ValueError, "min_df must be >= 1 as a number of documents"),
    (lambda: TfidfVectorizer().fit(ENGLISH[:3]).transform(ENGLISH[:1], sparse_output="no"), TypeError,
     "sparse_output must be True, False or None"),
    (lambda: BPE(5).fit([]), ValueError, "corpus must hold at least one text"),
    (lambda: bag_of_words(None, Vocab(["a"])), TypeError, "tokens must be a list of str tokens"),
    (lambda: bag_of_words(["a"], Vocab(["a"]), binary="no"), TypeError, "binary must be True or False"),
    (lambda: document_term_matrix([None], Vocab(["a"])), TypeError, r"docs\[0\] must be a list of tokens"),
    (lambda: document_term_matrix(None, Vocab(["a"])), TypeError, "docs must be a list of token lists"),
    (lambda: remove_stopwords(None), TypeError, "tokens must be a list of tokens"),
    (lambda: tokenize("a b", lower="no"), TypeError, "lower must be bool"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT_29, ids=[f"case{i}" for i in range(len(BAD_INPUT_29))])
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
