"""dlcourse.embeddings (chapter 5): training pairs, skip-gram/CBOW with negative sampling,
word vectors, and the planted-analogy corpus.

Oracles: torch.autograd (float64, 1e-12) for the hand-derived SGD steps; gensim 4 for
the noise distribution and subsampling probabilities (1e-6, gensim stores them as
integers), for most_similar / similarity / evaluate_word_pairs on the same vectors
(1e-5), and for the quality of the trained vectors (our skip-gram reaches at least
90% of gensim's analogy accuracy on the planted corpus)."""
import collections

import ipywidgets  # noqa: F401 - the widget tests need it
import numpy as np
import pytest
import torch
from gensim.models import Word2Vec
from gensim.test.utils import datapath
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcourse.data import analogy_corpus
from dlcourse.embeddings import (
    CBOW,
    SkipGram,
    WordVectors,
    bootstrap_spearman,
    build_vocab,
    cbow_pairs,
    keep_probabilities,
    neighbour_overlap,
    noise_distribution,
    skipgram_pairs,
    train_word2vec,
    window_pairs,
)
from dlcourse.widgets import analogy_explorer, analogy_view, window_explorer, window_pairs_view

FOX = "the quick brown fox jumps over the lazy dog".split()


# --- training pairs ----------------------------------------------------------------------------
def test_quick_brown_fox_pairs_equal_the_syllabus_list():
    syllabus = [
        ("the", "quick"), ("the", "brown"),
        ("quick", "the"), ("quick", "brown"), ("quick", "fox"),
        ("brown", "the"), ("brown", "quick"), ("brown", "fox"), ("brown", "jumps"),
        ("fox", "quick"), ("fox", "brown"), ("fox", "jumps"), ("fox", "over"),
    ]
    pairs = skipgram_pairs(FOX, window=2)
    assert pairs[:13] == syllabus
    assert len(pairs) == 30  # 2 + 3 + 4 * 5 centres with four neighbours + 3 + 2
    assert pairs[-2:] == [("dog", "the"), ("dog", "lazy")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from("abcde"), min_size=1, max_size=12), st.integers(1, 6))
def test_pair_count_symmetry_and_cbow_agreement(tokens, window):
    T = len(tokens)
    pairs = skipgram_pairs(tokens, window)
    # each centre t has min(t, m) left and min(T - 1 - t, m) right neighbours
    assert len(pairs) == sum(min(t, window) + min(T - 1 - t, window) for t in range(T))
    # the relation "within m positions" is symmetric, so is the multiset of pairs
    assert collections.Counter(pairs) == collections.Counter((b, a) for a, b in pairs)
    # CBOW sees the same neighbours, grouped by centre
    flat = [(centre, w) for context, centre in cbow_pairs(tokens, window) for w in context]
    assert flat == pairs


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 6), min_size=1, max_size=8), min_size=1, max_size=5), st.integers(1, 4))
def test_vectorised_window_pairs_equal_the_loop(sentences, window):
    ids = np.array([i for s in sentences for i in s])
    sid = np.repeat(np.arange(len(sentences)), [len(s) for s in sentences])
    centres, contexts = window_pairs(ids, sid, window)
    loop = [p for s in sentences for p in skipgram_pairs(s, window)]
    assert collections.Counter(zip(centres.tolist(), contexts.tolist())) == collections.Counter(loop)


def test_window_pairs_cap_a_huge_window_at_the_longest_sentence():
    """A window longer than every sentence gives the pairs of the longest possible window, at once."""
    sid = np.array([0, 0, 0, 1, 1, 1, 1, 1, 1])
    ids = np.arange(9)
    for huge in (8, 10**12):
        np.testing.assert_array_equal(np.sort(window_pairs(ids, sid, huge)[0]), np.sort(window_pairs(ids, sid, 5)[0]))
    centres, _ = window_pairs(np.arange(6), np.zeros(6, int), 10**12)
    assert len(centres) == 6 * 5  # every ordered pair of the one sentence


# --- noise distribution and subsampling against gensim -------------------------------------------
@pytest.fixture(scope="module")
def corpus():
    return analogy_corpus(3000, seed=1)


@pytest.fixture(scope="module")
def gensim_sg(corpus):
    return Word2Vec(corpus.sentences, vector_size=32, window=4, negative=5, epochs=10, min_count=1,
                    sample=1e-3, sg=1, workers=1, seed=0)


def test_noise_distribution_and_subsampling_equal_gensim(corpus, gensim_sg):
    words, counts = build_vocab(corpus.sentences)
    kv = gensim_sg.wv
    order = [kv.key_to_index[w] for w in words]
    cum = gensim_sg.cum_table.astype(np.float64)
    p_gensim = np.diff(np.concatenate([[0.0], cum])) / cum[-1]
    np.testing.assert_allclose(noise_distribution(counts, 0.75), p_gensim[order], rtol=0, atol=1e-6)
    keep_gensim = np.array([kv.get_vecattr(w, "sample_int") / 2**32 for w in words])
    np.testing.assert_allclose(keep_probabilities(counts, 1e-3), np.minimum(keep_gensim, 1.0), atol=1e-6)
    assert counts.tolist() == [kv.get_vecattr(w, "count") for w in words]


def test_noise_and_keep_worked_numbers_and_bad_input():
    np.testing.assert_allclose(noise_distribution([16, 1]), [8 / 9, 1 / 9])
    np.testing.assert_allclose(noise_distribution([3, 1], power=0), [0.5, 0.5])
    np.testing.assert_allclose(noise_distribution([0, 2, 2], power=0), [0, 0.5, 0.5])
    # share z = 1000/1010, s = 0.01: (sqrt(z/s) + 1) s / z
    z = 1000 / 1010
    assert keep_probabilities([1000, 10], 1e-2)[0] == pytest.approx((np.sqrt(z / 1e-2) + 1) * 1e-2 / z)
    assert keep_probabilities([5, 5], 0).tolist() == [1.0, 1.0]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 10_000), min_size=1, max_size=30), st.floats(0.0, 1.5))
def test_noise_distribution_is_a_distribution_flatter_than_unigram(counts, power):
    p = noise_distribution(counts, power)
    assert abs(p.sum() - 1) < 1e-12 and np.all(p > 0)
    unigram = np.asarray(counts) / np.sum(counts)
    if power <= 1:  # alpha < 1 moves probability from the most to the least frequent word
        assert p[np.argmax(counts)] <= unigram.max() + 1e-12
        assert p[np.argmin(counts)] >= unigram.min() - 1e-12


# --- hand-derived SGD steps against autograd -----------------------------------------------------
def _autograd_step(model, loss, lr):
    model.zero_grad()
    loss.sum().backward()
    return {name: p.detach() - lr * p.grad for name, p in model.named_parameters()}


def test_skipgram_sgd_step_equals_autograd_sgd():
    torch.manual_seed(0)
    model = SkipGram(12, 5, seed=3).double()
    with torch.no_grad():
        model.out_embed.weight.normal_()  # non-zero output vectors so every gradient is non-trivial
    centre = torch.tensor([1, 2, 2, 7, 1])  # repeated centre words accumulate
    context = torch.tensor([3, 4, 4, 1, 0])
    negatives = torch.tensor([[5, 6, 3], [4, 8, 9], [0, 0, 11], [1, 2, 3], [9, 10, 0]])  # two equal the context
    lr = 0.05
    expected = _autograd_step(model, model(centre, context, negatives), lr)
    loss_before = float(model(centre, context, negatives).sum().detach())
    loss = model.sgd_step(centre, context, negatives, lr)
    assert loss == pytest.approx(loss_before, abs=1e-12)
    for name, p in model.named_parameters():
        torch.testing.assert_close(p.detach(), expected[name], rtol=0, atol=1e-12)


def test_skipgram_loss_is_minus_log_sigmoid_terms():
    model = SkipGram(4, 2, seed=0).double()
    with torch.no_grad():
        model.in_embed.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, -1.0]]))
        model.out_embed.weight.copy_(torch.tensor([[2.0, 0.0], [0.0, -1.0], [1.0, 1.0], [0.0, 3.0]]))
    loss = model(torch.tensor([0]), torch.tensor([2]), torch.tensor([[1, 3]]))
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    # v_0 = (1, 0): s_2 = 1, s_1 = 0, s_3 = 0
    assert float(loss.detach()) == pytest.approx(-np.log(sig(1.0)) - 2 * np.log(sig(0.0)), abs=1e-12)
    # zero output vectors (the initialisation): every term is log 2
    fresh = SkipGram(10, 4, seed=0)
    out = fresh(torch.tensor([1]), torch.tensor([2]), torch.tensor([[3, 4, 5]])).detach()
    assert float(out) == pytest.approx(4 * np.log(2), rel=1e-6)
    w = fresh.in_embed.weight.detach()
    assert float(w.abs().max()) <= 0.5 / 4 and float(fresh.out_embed.weight.detach().abs().max()) == 0.0


def test_cbow_sgd_step_equals_word2vec_update():
    """Output vectors: exact SGD. Context vectors: word2vec gives each the full dL/dh,
    which is autograd's gradient (of the mean) times the number of context words."""
    model = CBOW(10, 4, seed=1).double()
    with torch.no_grad():
        model.out_embed.weight.normal_(generator=torch.Generator().manual_seed(0))
    context = torch.tensor([[1, 2, 0, 0], [3, 4, 5, 6], [2, 2, 7, 0]])
    mask = torch.tensor([[True, True, False, False], [True, True, True, True], [True, True, True, False]])
    centre = torch.tensor([5, 8, 1])
    negatives = torch.tensor([[6, 7], [9, 8], [3, 4]])
    lr = 0.1
    model.zero_grad()
    model(context, centre, negatives, mask=mask).sum().backward()
    W_out_expected = model.out_embed.weight.detach() - lr * model.out_embed.weight.grad
    # word2vec's context update: sum over examples of count * (autograd gradient of that example)
    W_in_expected = model.in_embed.weight.detach().clone()
    for i in range(3):
        model.zero_grad()
        model(context[i : i + 1], centre[i : i + 1], negatives[i : i + 1], mask=mask[i : i + 1]).sum().backward()
        W_in_expected -= lr * int(mask[i].sum()) * model.in_embed.weight.grad
    model.sgd_step(context, centre, negatives, lr, mask=mask)
    torch.testing.assert_close(model.out_embed.weight.detach(), W_out_expected, rtol=0, atol=1e-12)
    torch.testing.assert_close(model.in_embed.weight.detach(), W_in_expected, rtol=0, atol=1e-12)


# --- word vectors against gensim's KeyedVectors -------------------------------------------------
def test_queries_equal_gensim_keyedvectors(gensim_sg, corpus):
    kv = gensim_sg.wv
    wv = WordVectors.from_gensim(kv)
    for word in ("king", "paris", "walked"):
        ours, theirs = wv.most_similar(word, topn=5), kv.most_similar(word, topn=5)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)
    assert wv.similarity("king", "queen") == pytest.approx(float(kv.similarity("king", "queen")), abs=1e-5)
    for a, b, c, _ in corpus.analogies[::17]:
        ours = wv.analogy(a, b, c, topn=3)
        theirs = kv.most_similar(positive=[b, c], negative=[a], topn=3)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)


def test_evaluate_word_pairs_equals_gensim_on_wordsim353():
    model = Word2Vec(corpus_file=datapath("lee_background.cor"), vector_size=20, epochs=1, min_count=5,
                     workers=1, seed=0)
    (pearson, _), spearman, oov_percent = model.wv.evaluate_word_pairs(datapath("wordsim353.tsv"),
                                                                       case_insensitive=False)
    pairs = []
    for line in open(datapath("wordsim353.tsv"), encoding="utf-8"):
        if line.startswith("#"):
            continue
        w1, w2, score = line.split("\t")
        pairs.append((w1, w2, float(score)))
    ev = WordVectors.from_gensim(model.wv).evaluate_word_pairs(pairs)
    assert ev.spearman == pytest.approx(spearman.statistic, abs=1e-5)
    assert ev.pearson == pytest.approx(pearson, abs=1e-5)
    assert 100 * ev.oov_rate == pytest.approx(oov_percent, abs=1e-9)


def test_word_vectors_worked_numbers_and_bad_input():
    wv = WordVectors(["man", "woman", "king", "queen"],
                     np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]))
    assert wv.similarity("king", "man") == pytest.approx(1 / np.sqrt(2))
    assert wv.analogy("man", "king", "woman")[0][0] == "queen"
    ev = wv.evaluate_analogies([("man", "king", "woman", "queen"), ("man", "woman", "king", "queen"),
                                ("man", "dog", "king", "cat")])
    assert ev.accuracy == 1.0 and ev.n_used == 2 and ev.oov_rate == pytest.approx(1 / 3)
    # the query words are never answers, even when topn asks for every word
    assert [w for w, _ in wv.most_similar("king", topn=10)] == ["man", "queen", "woman"]
    assert "queen" not in [w for w, _ in wv.most_similar(positive=["king", "queen"], topn=10)]


def test_skipgram_reaches_ninety_percent_of_gensim(corpus, gensim_sg):
    torch.set_num_threads(1)
    ours = train_word2vec(corpus.sentences, sg=1, vector_size=32, window=4, negative=5, epochs=10,
                          min_count=1, sample=1e-3, seed=0, progress=False)
    acc_ours = ours.evaluate_analogies(corpus.analogies).accuracy
    acc_gensim = WordVectors.from_gensim(gensim_sg.wv).evaluate_analogies(corpus.analogies).accuracy
    assert acc_gensim > 0.8, acc_gensim
    assert acc_ours >= 0.9 * acc_gensim, (acc_ours, acc_gensim)
    assert ours.info["loss"][-1] < ours.info["loss"][0]
    assert ours.info["raw_words"] == 10 * corpus.n_tokens and ours.info["words_per_second"] > 0
    assert neighbour_overlap(ours, gensim_sg.wv, words=["king", "paris", "walked"], topn=10) > 0.3


def test_training_is_deterministic_and_cbow_learns(corpus):
    kw = dict(vector_size=16, window=3, epochs=2, min_count=1, progress=False, seed=5)
    a = train_word2vec(corpus.sentences[:1000], sg=1, **kw)
    b = train_word2vec(corpus.sentences[:1000], sg=1, **kw)
    np.testing.assert_array_equal(a.vectors, b.vectors)
    cbow = train_word2vec(corpus.sentences, sg=0, vector_size=32, window=4, epochs=10, min_count=1,
                          seed=0, progress=False)
    assert cbow.evaluate_analogies(corpus.analogies, corpus.categories).per_category["gender"] > 0.8
    assert cbow.similarity("king", "queen") > cbow.similarity("king", "paris")


def test_train_word2vec_with_a_huge_window_returns():
    """window=10**12 is capped at the longest sentence: the same vectors as the longest real window."""
    sentences = [["a", "b", "c"], ["b", "c", "d", "e"]] * 50
    kw = dict(vector_size=4, epochs=1, min_count=1, sample=0, shrink_windows=False, progress=False, seed=0)
    for sg in (0, 1):
        huge = train_word2vec(sentences, window=10**12, sg=sg, **kw)
        np.testing.assert_array_equal(huge.vectors, train_word2vec(sentences, window=3, sg=sg, **kw).vectors)


_WV = lambda: WordVectors(["man", "woman"], np.eye(2))  # noqa: E731
_IDS = torch.tensor([1, 2])

BAD_INPUT = [
    (lambda: skipgram_pairs("the quick brown fox", 2), TypeError, "split"),
    (lambda: skipgram_pairs(FOX, 0), ValueError, "window must be >= 1"),
    (lambda: cbow_pairs(FOX, 2.5), TypeError, "window must be an integer"),
    (lambda: window_pairs(np.arange(3.0), np.zeros(3, int), 2), TypeError, "ids must be a 1-D array of integers"),
    (lambda: window_pairs(np.arange(3), np.zeros(4, int), 2), ValueError, "sentence_ids must have the shape of ids"),
    (lambda: window_pairs(np.arange(3), np.zeros(3, int), 0), ValueError, "window must be >= 1"),
    (lambda: window_pairs(np.arange(3), np.zeros(3, int), 2, np.ones(2, int)), ValueError, "spans must have the shape"),
    (lambda: noise_distribution([]), ValueError, "counts"),
    (lambda: keep_probabilities([-1, 2]), ValueError, "counts"),
    (lambda: keep_probabilities([1, 2], -0.1), ValueError, "sample must be >= 0"),
    (lambda: SkipGram(0, 4), ValueError, "vocab_size must be >= 1"),
    (lambda: CBOW(5, 2.0), TypeError, "dim must be an integer"),
    (lambda: SkipGram(5, 2)(_IDS, _IDS, torch.tensor([1, 2])), ValueError, r"negatives \(B, K\)"),
    (lambda: CBOW(5, 2)(torch.tensor([[1, 2]]), torch.tensor([0]), torch.tensor([[3]]),
                        mask=torch.tensor([[False, False]])), ValueError, "at least one true"),
    (lambda: SkipGram(5, 2)(_IDS, torch.tensor([1, 7]), torch.tensor([[0], [1]])), ValueError,
     r"context must hold token ids in 0..4 \(the vocabulary has 5 tokens\); got 7 at index \(1,\)"),
    (lambda: SkipGram(5, 2).sgd_step(torch.tensor([-1, 2]), _IDS, torch.tensor([[0], [1]]), 0.1), ValueError,
     "centre must hold token ids in 0..4.*got -1"),
    (lambda: CBOW(5, 2).sgd_step(torch.tensor([[1, 9]]), torch.tensor([0]), torch.tensor([[3]]), 0.1), ValueError,
     "context must hold token ids in 0..4.*got 9"),
    (lambda: SkipGram(5, 2).sgd_step(_IDS, _IDS, torch.tensor([[0], [1]]), float("nan")), ValueError,
     "lr must be finite"),
    (lambda: CBOW(5, 2).sgd_step(torch.tensor([[1, 2]]), torch.tensor([0]), torch.tensor([[3]]), -0.1), ValueError,
     "lr must be >= 0"),
    (lambda: SkipGram(5, 2).sgd_step(np.array([1, 2]), _IDS, torch.tensor([[0], [1]]), 0.1), TypeError,
     r"centre must be a torch.Tensor.*torch.as_tensor"),
    (lambda: SkipGram(5, 2)(torch.tensor([1.0, 2.0]), _IDS, torch.tensor([[0], [1]])), TypeError,
     "centre must hold integer token ids"),
    (lambda: _WV().similarity("dog", "man"), KeyError, "word1 must be a word of the vocabulary .* got 'dog'"),
    (lambda: _WV().similarity("man", None), TypeError, "word2 must be str"),
    (lambda: _WV().most_similar(positive=None), TypeError, "positive must be a word or a list of words"),
    (lambda: _WV().most_similar(negative=["man", 7]), TypeError, "negative must be str"),
    (lambda: _WV().analogy("man", "king", "woman"), KeyError, "b must be a word of the vocabulary"),
    (lambda: bootstrap_spearman([1, 2, 3], [1, 2, 3], seed=None), TypeError, "seed must be an integer"),
    (lambda: WordVectors(["a", "b"], np.zeros((3, 2))), ValueError, r"shape \(len\(words\), dim\) = \(2, \*\)"),
    (lambda: WordVectors(["a", "a"], np.zeros((2, 2))), ValueError, "distinct"),
    (lambda: WordVectors(["a", "b"], np.array([[np.nan, 1.0], [1.0, 0.0]])), ValueError,
     "vectors must contain only finite numbers"),
    (lambda: WordVectors(["a", "b"], np.full((2, 2), 1e300)), ValueError, "finite in float32"),
    (lambda: WordVectors(["a", "b"], np.ones((2, 2)) * 1j), TypeError, "vectors must hold real numbers"),
    (lambda: _WV().most_similar(), ValueError, "at least one word"),
    (lambda: _WV().most_similar("man", topn=0), ValueError, "topn must be >= 1"),
    (lambda: _WV().evaluate_analogies([("man", "king", "woman")]), ValueError, "4 words"),
    (lambda: _WV().evaluate_word_pairs([("man", "woman", 1.0), ("man", "dog", 2.0)]), ValueError, "need 3"),
    (lambda: analogy_corpus(5), ValueError, "n_sentences must be >= 10"),
    (lambda: train_word2vec("the cat sat", progress=False), TypeError, "token lists"),
    (lambda: train_word2vec(["the cat sat", "a dog"], min_count=1, progress=False), TypeError,
     r"sentences\[0\] must be a list of tokens; got a str"),
    (lambda: train_word2vec([["a", "b"]], sg=2, progress=False), ValueError, "sg must be one of 0, 1"),
    (lambda: train_word2vec([["a", "b"]], min_count=5, progress=False), ValueError, "min_count=5"),
    (lambda: train_word2vec([["a", "b"]], window=0, progress=False), ValueError, "window must be >= 1"),
    (lambda: noise_distribution([0, 0]), ValueError, "not all zero"),
    (lambda: SkipGram(5, 2).sgd_step(torch.tensor([1]), _IDS, torch.tensor([[0], [1]]), 0.1), ValueError,
     r"centre must have the shape of context \(2,\); got \(1,\)"),
    (lambda: CBOW(5, 2)(_IDS, torch.tensor([0]), torch.tensor([[3]])), ValueError, r"context must have shape \(B, C\)"),
    (lambda: CBOW(5, 2)(torch.tensor([[1, 2]]), torch.tensor([0]), torch.tensor([[3]]),
                        mask=torch.ones(1, 3, dtype=torch.bool)), ValueError, "mask must have the shape of context"),
    (lambda: _WV().evaluate_analogies([("man", "woman", "man", "woman")], categories=["a", "b"]), ValueError,
     r"categories must have one entry per analogy \(1\); got 2"),
    (lambda: _WV().evaluate_word_pairs([]), ValueError, "pairs must hold at least one"),
    (lambda: _WV().evaluate_word_pairs([("man", "woman")]), ValueError, r"each pair must be \(word1, word2, score\)"),
    (lambda: bootstrap_spearman([1, 2, 3], [1, 2, 3], level=1.5), ValueError, r"level must be in \(0, 1\)"),
    (lambda: bootstrap_spearman([1, 2, 3], [1, 2, 3], other=[1, 2]), ValueError, "other must have the shape of scores"),
    (lambda: bootstrap_spearman([1, 2, 3], ["a", "b", "c"]), TypeError, "scores must hold real numbers"),
    (lambda: neighbour_overlap(_WV(), WordVectors(["x", "y"], np.eye(2))), ValueError, "both models know"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT, ids=[f"case{i}" for i in range(len(BAD_INPUT))])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- widgets driven from code ------------------------------------------------------------------
def test_window_explorer_recomputes_pairs():
    explorer = window_explorer(window=2, centre=3)
    assert explorer.result["centre_pairs"] == [("fox", "quick"), ("fox", "brown"), ("fox", "jumps"), ("fox", "over")]
    assert explorer.result["n_pairs"] == 30
    explorer.controls["window"].value = 1
    assert explorer.result["centre_pairs"] == [("fox", "brown"), ("fox", "jumps")]
    assert explorer.result["n_pairs"] == 2 * 8
    explorer.controls["sentence"].value = "a b c"
    assert explorer.controls["centre"].max == 2 and explorer.result["centre"] == 2
    assert explorer.image.value[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="centre must be <= 8"):
        window_pairs_view(window=2, centre=9)


def test_analogy_explorer_recomputes_answers():
    # vector = (gender one-hot, role one-hot): every analogy is exact, every row has length sqrt(2)
    words = ["man", "woman", "king", "queen", "boy", "girl"]
    E = np.array([[1, 0, 1, 0, 0], [0, 1, 1, 0, 0], [1, 0, 0, 1, 0], [0, 1, 0, 1, 0], [1, 0, 0, 0, 1],
                  [0, 1, 0, 0, 1]], float)
    wv = WordVectors(words, E)
    explorer = analogy_explorer(wv, "man", "king", "woman", topn=3)
    assert explorer.result["answers"][0][0] == "queen"
    explorer.controls["b"].value = "boy"
    assert explorer.result["answers"][0][0] == "girl"
    assert explorer.result["answers"][0][1] == pytest.approx(1.0)
    P = explorer.result["points"]
    # a perfect analogy: the arrows a -> b and c -> d are equal in the PCA plane
    np.testing.assert_allclose(P[1] - P[0], P[3] - P[2], atol=1e-9)
    assert analogy_view(wv, "man", "king", "woman")["explained"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="start word 'woman'"):
        analogy_explorer(wv, "man", "king", "woman", words=["man", "king"])


# --- vocabulary, batched analogy evaluation, bootstrap, Korean corpus ---------------------------


def test_build_vocab_is_chapter4_vocab():
    from dlcourse.text import Vocab

    sents = [["b", "a", "b"], ["c", "a", "b", "d"]]
    words, counts = build_vocab(sents, min_count=1)
    vocab = Vocab.build(sents, specials=(), unk_token=None)
    assert words == vocab.itos == ["b", "a", "c", "d"] and counts.tolist() == [3, 2, 1, 1]
    assert build_vocab(sents, min_count=2)[0] == ["b", "a"]
    with pytest.raises(ValueError, match="min_count"):
        build_vocab(sents, min_count=5)
    with pytest.raises(TypeError):
        build_vocab(["a string"])


def test_batched_analogy_evaluation_equals_the_one_question_loop():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)]
    wv = WordVectors(words, rng.normal(size=(40, 6)))
    quads = [tuple(rng.choice(words, 4, replace=False)) for _ in range(700)] + [("w0", "w1", "w2", "nope")]
    ev = wv.evaluate_analogies(quads, ["x"] * 350 + ["y"] * 351)
    loop = [wv.analogy(a, b, c)[0][0] == d for a, b, c, d in quads[:-1]]
    assert ev.hits == tuple(loop) and ev.n_used == 700 and ev.oov_rate == pytest.approx(1 / 701)
    assert ev.accuracy == pytest.approx(np.mean(loop))
    assert ev.per_category["x"] == pytest.approx(np.mean(loop[:350]))


def test_bootstrap_spearman_interval():
    from scipy import stats

    from dlcourse.embeddings import bootstrap_spearman

    rng = np.random.default_rng(1)
    gold = rng.normal(size=200)
    good = gold + rng.normal(size=200)
    low, high, values = bootstrap_spearman(gold, good, n_boot=500, seed=0)
    rho = stats.spearmanr(gold, good).statistic
    assert low < rho < high and values.shape == (500,)
    assert 0.05 < high - low < 0.4
    # the same resamples: the paired difference of a model with itself is exactly zero
    dlow, dhigh, _ = bootstrap_spearman(gold, good, n_boot=200, other=good)
    assert dlow == dhigh == 0.0
    # one resample value equals scipy's Spearman on those pairs (ties included)
    idx = np.random.default_rng(3).integers(0, 200, size=(1, 200))
    _, _, v = bootstrap_spearman(gold, good, n_boot=1, seed=3)
    assert v[0] == pytest.approx(stats.spearmanr(gold[idx[0]], good[idx[0]]).statistic, abs=1e-12)
    wv = WordVectors(["a", "b", "c", "d"], np.random.default_rng(0).normal(size=(4, 4)))  # cosines that differ
    ev = wv.evaluate_word_pairs([("a", "b", 1.0), ("a", "c", 2.0), ("b", "d", 3.0), ("c", "d", 0.5)])
    assert len(ev.gold) == len(ev.cosines) == 4 and len(ev.interval(n_boot=50)) == 2
    with pytest.raises(ValueError):
        bootstrap_spearman([1.0, 2.0], [1.0, 2.0])




# --- issue 29: batches, sizes, word lists and counts name the argument ------------------------
BAD_INPUT_29 = [
    (lambda: SkipGram(10**9, 10), ValueError, "SkipGram would have about .*vocab_size"),
    (lambda: SkipGram(5, 2)(torch.tensor([0, 1, 2]), _IDS, torch.tensor([[0], [1]])), ValueError,
     r"centre must have the shape of context \(2,\); got \(3,\)"),
    (lambda: CBOW(5, 2)(torch.tensor([[1, 2], [3, 4]]), torch.tensor([0]), torch.tensor([[3], [2]])), ValueError,
     r"centre must have shape \(B,\) = \(2,\), B as in context"),
    (lambda: SkipGram(5, 2)(_IDS, _IDS, torch.tensor([[0]])), ValueError, r"negatives \(B, K\) must have shape \(2, K\)"),
    (lambda: skipgram_pairs(["a", None]), TypeError, r"tokens must all be strings .*tokens\[1\]"),
    (lambda: noise_distribution([1.5, 2]), ValueError, "counts must hold whole numbers"),
    (lambda: keep_probabilities([1.5, 2]), ValueError, "counts must hold whole numbers"),
    (lambda: WordVectors("abc", np.zeros((3, 2))), TypeError, "words must be a list of distinct strings"),
    (lambda: WordVectors(["a", 7], np.zeros((2, 2))), TypeError, r"words\[1\] must be str"),
    (lambda: _WV().evaluate_analogies([]), ValueError, "quads must hold at least one analogy"),
    (lambda: _WV().evaluate_analogies(None), TypeError, "quads must be a list"),
    (lambda: _WV().evaluate_word_pairs([None]), ValueError, r"each pair must be .*\(pairs\[0\]\)"),
    (lambda: neighbour_overlap(None, _WV()), TypeError, "first must be WordVectors"),
    (lambda: neighbour_overlap(_WV(), _WV(), words=["man", None]), TypeError, r"words\[1\] must be str"),
    (lambda: bootstrap_spearman([1, 2, 3], [1, 2, 3], n_boot=10**12), ValueError, r"n_boot \* \(number of pairs\)"),
    (lambda: train_word2vec([["a", "b"]], sg=True, min_count=1, progress=False), TypeError, "sg must be the integer 1"),
    (lambda: train_word2vec([["a", "b"]], min_count=1, progress="no"), TypeError, "progress must be True or False"),
    (lambda: train_word2vec([["a", "b"]], min_count=1, vector_size=10**12, progress=False), ValueError,
     "word2vec model would have about .*vector_size"),
    (lambda: build_vocab([]), ValueError, "sentences hold no word"),
    (lambda: build_vocab([None]), TypeError, r"sentences\[0\] must be a list of tokens"),
    (lambda: build_vocab(None), TypeError, "sentences must be a list of token lists"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT_29, ids=[f"case{i}" for i in range(len(BAD_INPUT_29))])
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
