"""The sparse TF-IDF path (issue: TF-IDF near scikit-learn's speed) computes the same numbers.

Timing is measured by ``tools/bench.py`` (``make bench``), never asserted here; these tests
only prove that the fast path (counting into a CSR matrix, the regular-expression tokenizers
called directly) equals scikit-learn at 1e-12 and equals the dense output."""
import itertools

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf

from dlcourse.text import TfidfVectorizer, tokenize


def zipf_documents(n_docs=300, vocab=800, seed=0):
    """The benchmark's collection, smaller: Zipf-distributed words, mixed case, punctuation."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, vocab + 1)
    words = np.array([f"W{i}" if i % 7 == 0 else f"w{i}" for i in range(vocab)])
    return [" ".join(words[rng.choice(vocab, size=rng.integers(1, 60), p=p / p.sum())]) + ", isn't it?"
            for _ in range(n_docs)]


@pytest.mark.parametrize("norm, sublinear_tf, df", list(itertools.product(
    ["l2", "l1", None], [False, True], [(1, 1.0), (2, 0.5), (0.01, 200)])))
def test_sparse_tfidf_equals_sklearn_on_a_large_collection(norm, sublinear_tf, df):
    docs = zipf_documents()
    kw = dict(norm=norm, sublinear_tf=sublinear_tf, min_df=df[0], max_df=df[1])
    ours = TfidfVectorizer("rule", sparse_output=True, **kw)
    sk = SkTfidf(tokenizer=lambda s: tokenize(s, "rule"), token_pattern=None, **kw)
    X, Y = ours.fit_transform(docs), sk.fit_transform(docs)
    assert sparse.issparse(X) and X.shape == Y.shape
    assert ours.get_feature_names_out() == list(sk.get_feature_names_out())
    assert abs(X - Y).max() <= 1e-12
    np.testing.assert_allclose(ours.idf_, sk.idf_, rtol=0, atol=1e-12)
    queries = zipf_documents(20, seed=1) + ["", "nothing known here zzz"]
    assert abs(ours.transform(queries) - sk.transform(queries)).max() <= 1e-12


def test_sparse_and_dense_outputs_are_the_same_matrix():
    docs = zipf_documents(100)
    dense = TfidfVectorizer().fit_transform(docs)
    assert isinstance(dense, np.ndarray)
    tv = TfidfVectorizer()
    X = tv.fit_transform(docs, sparse_output=True)
    np.testing.assert_array_equal(X.toarray(), dense)
    np.testing.assert_array_equal(tv.transform(docs[:5], sparse_output=True).toarray(), dense[:5])
    np.testing.assert_array_equal(tv.transform(docs[:5]), dense[:5])


@pytest.mark.parametrize("method", ["whitespace", "punctuation", "rule"])
def test_fast_tokenizer_path_equals_the_tokenize_function(method):
    """The vectorizer calls the compiled patterns directly; the result is what tokenize() gives."""
    docs = ["Let's tokenize! Isn't this easy?", "state-of-the-art  _under_score_ 3.14", "Ünïcödé WÖRDS, too."]
    via_tokens = TfidfVectorizer(method).fit_transform([tokenize(d, method) for d in docs])
    tv = TfidfVectorizer(method)
    np.testing.assert_array_equal(tv.fit_transform(docs), via_tokens)
    expected = sorted({t.lower() for d in docs for t in tokenize(d, method)})
    assert tv.get_feature_names_out() == expected


def test_token_lists_are_still_checked():
    with pytest.raises(TypeError, match="must be a str or a list of str tokens"):
        TfidfVectorizer().fit([["a", 3]])
