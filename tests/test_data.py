import collections
import datetime as dt

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcourse import data
from dlcourse.data import (
    CAPITALS,
    DATE_FORMATS,
    DATE_VOCAB_SIZE,
    DOCUMENT_TOPICS,
    EOS,
    N_SPECIAL,
    PAD,
    PEOPLE,
    SHAPE_CLASSES,
    SOS,
    VERBS,
    adding_problem,
    analogy_corpus,
    copy_memory_task,
    copy_task,
    corpora,
    date_splits,
    date_task,
    decode_chars,
    draw_shape,
    encode_chars,
    format_date,
    load_documents,
    load_text,
    reversal_task,
    sensor_windows,
    shapes_localisation,
    source_keys,
    split_pairs,
)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 20), lo=st.integers(1, 6), extra=st.integers(0, 6), vocab=st.integers(4, 30), seed=st.integers(0, 10**6))
def test_reversal_task_structure(n, lo, extra, vocab, seed):
    hi = lo + extra
    pairs = reversal_task(n, min_len=lo, max_len=hi, vocab_size=vocab, seed=seed)
    assert pairs.src.dtype == torch.int64 and pairs.src.shape == (n, hi) and pairs.tgt.shape == (n, hi + 2)
    assert len(pairs) == n and pairs.vocab_size == vocab
    for row in range(n):
        length = int(pairs.src_lengths[row])
        assert lo <= length <= hi and int(pairs.tgt_lengths[row]) == length + 2
        symbols = pairs.src[row, :length]
        assert (symbols >= N_SPECIAL).all() and (symbols < vocab).all()
        assert (pairs.src[row, length:] == PAD).all()
        assert pairs.tgt[row, 0] == SOS and pairs.tgt[row, length + 1] == EOS
        assert pairs.tgt[row, 1 : length + 1].tolist() == symbols.flip(0).tolist()
        assert (pairs.tgt[row, length + 2 :] == PAD).all()


def test_copy_task_and_seeding():
    a = copy_task(50, seed=3)
    b = copy_task(50, seed=3)
    c = copy_task(50, seed=4)
    assert torch.equal(a.src, b.src) and not torch.equal(a.src, c.src)
    for row in range(50):
        length = int(a.src_lengths[row])
        assert a.tgt[row, 1 : length + 1].tolist() == a.src[row, :length].tolist()
    src, tgt = a[0]
    assert src.shape == (10,) and tgt.shape == (12,)


def test_generators_do_not_touch_global_random_state():
    np.random.seed(0)
    torch.manual_seed(0)
    before = (np.random.rand(), torch.rand(1).item())
    np.random.seed(0)
    torch.manual_seed(0)
    reversal_task(10)
    adding_problem(10, 5)
    assert (np.random.rand(), torch.rand(1).item()) == before


def test_adding_problem_targets_and_trivial_baseline():
    x, y = adding_problem(20000, 30, seed=1)
    assert x.shape == (20000, 30, 2) and y.shape == (20000, 1) and x.dtype == torch.float32
    markers = x[..., 1]
    assert torch.all(markers.sum(1) == 2)
    assert torch.all(markers[:, :15].sum(1) == 1) and torch.all(markers[:, 15:].sum(1) == 1)
    torch.testing.assert_close((x[..., 0] * markers).sum(1, keepdim=True), y)
    # Predicting the mean 1.0 gives MSE Var(U1 + U2) = 1/6; 20000 samples pin it to about +-0.003.
    assert abs(((y - 1.0) ** 2).mean().item() - 1 / 6) < 0.006


def test_copy_memory_task_layout():
    x, y = copy_memory_task(5, delay=20, n_symbols=4, alphabet=8, seed=0)
    assert x.shape == y.shape == (5, 28)
    assert torch.equal(y[:, -4:], x[:, :4])
    assert (x[:, :4] >= 1).all() and (x[:, :4] <= 8).all()
    assert (x[:, 4 + 19] == 9).all()  # the cue
    assert (x[:, 4:23] == 0).all() and (x[:, 24:] == 0).all() and (y[:, :-4] == 0).all()


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: reversal_task(0), ValueError, "n must be >= 1"),
        (lambda: reversal_task(5, min_len=5, max_len=3), ValueError, "max_len must be >= min_len = 5; got max_len = 3"),
        (lambda: reversal_task(5, vocab_size=3), ValueError, "vocab_size must be >= 4"),
        (lambda: copy_task(5, seed=-1), ValueError, "seed must be >= 0"),
        (lambda: adding_problem(5, 1), ValueError, "seq_len must be >= 2"),
        (lambda: adding_problem(5.0, 10), TypeError, "n must be an integer"),
        (lambda: copy_memory_task(5, delay=0), ValueError, "delay must be >= 1"),
    ],
)
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_subset_pairs_reads_a_boolean_mask_as_a_mask_never_as_row_numbers():
    from dlcourse.data import subset_pairs

    pairs = reversal_task(5, min_len=2, max_len=4, vocab_size=6, seed=0)
    mask = [True, False, True, False, False]
    expected = subset_pairs(pairs, [0, 2])
    for m in (torch.tensor(mask), np.array(mask)):
        got = subset_pairs(pairs, m)
        assert torch.equal(got.src, expected.src) and torch.equal(got.tgt_lengths, expected.tgt_lengths)
    assert torch.equal(subset_pairs(pairs, [-1]).src_lengths, pairs.src_lengths[[4]])  # negative counts from the end


@pytest.mark.parametrize(
    "index, error, match",
    [
        (torch.tensor([True, False]), ValueError, r"one entry per row \(5\); got 2"),
        (np.zeros(5, bool), ValueError, "selects no row"),
        (None, TypeError, "index must be row numbers or a boolean mask of 5 rows; got NoneType"),
        ("01", TypeError, "got str"),
        ([0.5, 1.0], TypeError, "integer row numbers"),
        ([[0, 1]], ValueError, "1-D"),
        ([], ValueError, "non-empty"),
        ([0, 5], ValueError, r"row 5, outside the 5 rows \(valid: -5..4\)"),
    ],
)
def test_subset_pairs_rejects_bad_indices(index, error, match):
    from dlcourse.data import subset_pairs

    pairs = reversal_task(5, min_len=2, max_len=4, vocab_size=6, seed=0)
    with pytest.raises(error, match=match):
        subset_pairs(pairs, index)


def test_pair_helpers_name_a_wrong_pairs_argument():
    from dlcourse.data import source_keys, split_pairs

    with pytest.raises(TypeError, match="pairs must be SequencePairs"):
        source_keys("pairs")
    with pytest.raises(TypeError, match="pairs must be SequencePairs"):
        split_pairs([1, 2], 1)


# --- Data that chapters load or generate (moved here so that all data tests live in one file) ---

def test_digits_split_is_fixed():
    from dlcourse import cnn, data

    assert cnn.digits_split is data.digits_split  # one function, two import paths
    a = cnn.digits_split()
    b = cnn.digits_split()
    assert [t.shape[0] for t in a] == [1347, 1347, 450, 450]
    assert all(torch.equal(s, t) for s, t in zip(a, b))
    assert 0.0 <= float(a[0].min()) and float(a[0].max()) <= 1.0


# --- the corpus and training -------------------------------------------------------------------
def test_planted_corpus_is_seeded_and_consistent():
    a, b = analogy_corpus(500, seed=3), analogy_corpus(500, seed=3)
    assert a.sentences == b.sentences and a.sentences != analogy_corpus(500, seed=4).sentences
    assert len(a.analogies) == 3 * 10 * 9 == len(a.categories)
    assert collections.Counter(a.categories) == {"gender": 90, "capital": 90, "tense": 90}
    vocab = {w for s in analogy_corpus(3000).sentences for w in s}
    assert {w for q in a.analogies for w in q} <= vocab
    words = [w for pair in PEOPLE for w in pair[:2]] + [w for pair in CAPITALS for w in pair[:2]] + \
        [w for pair in VERBS for w in pair[:2]]
    assert len(set(words)) == 60 and set(a.features) == set(words)
    scores = {(w1, w2): s for w1, w2, s in a.similarity}
    assert scores[("king", "queen")] == 5.0  # share {person, role:ruler} of 4 features
    assert scores[("king", "paris")] == 0.0
    assert len(a.similarity) == 60 * 59 // 2


def test_korean_corpus_is_seeded_and_grammatical():
    from dlcourse.data import KOREAN_CAPITALS, KOREAN_PEOPLE, korean_corpus

    a, b = korean_corpus(200, seed=3), korean_corpus(200, seed=3)
    assert a == b and a != korean_corpus(200, seed=4) and len(a) == 200
    text = " ".join(a)
    assert all(s.endswith(".") for s in a)
    for bad in ("왕는", "여왕은는", "공주은", "서울는", "파리은"):
        assert bad not in text
    words = {w for m, f, _ in KOREAN_PEOPLE for w in (m, f)} | {w for c, k, _ in KOREAN_CAPITALS for w in (c, k)}
    assert len(words) == 32


def test_co2_is_monthly_without_gaps():
    from dlcourse.timeseries import load_co2

    y = load_co2()
    assert len(y) == 526 and y.index.freqstr == "MS" and not y.isna().any()
    assert 310 < y.iloc[0] < 320 and 365 < y.iloc[-1] < 375


# --- Real-text corpora located inside the installed gensim (dlcourse.data.corpora) ---

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


# --- dlcourse.data.documents (chapter 4's labelled documents; moved from test_text) -----------
def test_documents():
    docs = load_documents()
    assert len(docs) == 45 and {d.topic for d in docs} == set(DOCUMENT_TOPICS)
    assert len(load_documents("ko", "football")) == 3
    with pytest.raises(ValueError, match="language must be one of"):
        load_documents("fr")


# --- dlcourse.data.texts and dlcourse.data.sensors (chapter 6; moved from test_rnn) -----------
def test_sensor_windows_last_row_carries_no_label_information():
    x, y = sensor_windows(4000, 12, seed=0)
    assert x.shape == (4000, 12, 5) and y.shape == (4000,)
    assert 0.45 < y.float().mean() < 0.55
    last = x[:, -1]
    for label in (0, 1):
        assert last[y == label].mean().abs().max() < 0.1
    assert x[y == 1, :, 2].max(dim=1).values.mean() > x[y == 0, :, 2].max(dim=1).values.mean() + 1.5


def test_load_text():
    text = load_text("lighthouse")
    assert text.startswith("The Keeper of the North Light") and 4000 < len(text) < 20000


@pytest.mark.parametrize("call, error, message", [
    (lambda: load_text("moby"), ValueError, "name must be one of"),
    (lambda: sensor_windows(0), ValueError, "n must be >= 1"),
    (lambda: sensor_windows(10, 3), ValueError, "seq_len must be >= 4"),
], ids=["load_text-unknown-name", "sensor_windows-n-zero", "sensor_windows-seq_len-too-short"])
def test_texts_and_sensors_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- dlcourse.data.splits and dlcourse.data.dates (chapter 9; moved from test_seq2seq) --------
def test_split_pairs_never_shares_a_source_between_train_and_test():
    pairs = reversal_task(3000, min_len=2, max_len=4, vocab_size=7, seed=0)  # many duplicates
    assert len(set(source_keys(pairs))) < len(pairs)
    train, test = split_pairs(pairs, 400, seed=0)
    assert not set(source_keys(train)) & set(source_keys(test))
    assert len(train) + len(test) == len(pairs) and len(test) >= 400
    with pytest.raises(ValueError, match="no training rows"):
        split_pairs(reversal_task(20, min_len=1, max_len=1, vocab_size=4), 20)


_PARSE = {
    "d Month yyyy": "%d %B %Y", "Month dth, yy": None, "yyyy/mm/dd": "%Y/%m/%d",
    "dd.mm.yyyy": "%d.%m.%Y", "Mon d, yyyy": "%b %d, %Y",
}


def test_date_task_targets_are_the_iso_form_of_the_source():
    pairs = date_task(300, seed=1)
    for src, tgt in zip(pairs.src.tolist(), pairs.tgt.tolist()):
        text, iso = decode_chars(src), decode_chars(tgt)
        date = dt.date.fromisoformat(iso)
        assert 1950 <= date.year <= 2049
        assert text in {format_date(date, f) for f in DATE_FORMATS}
        for fmt, pattern in _PARSE.items():
            if pattern and text == format_date(date, fmt):
                assert dt.datetime.strptime(text, pattern).date() == date  # oracle: the standard library
    assert format_date(dt.date(2009, 6, 25), "Month dth, yy") == "June 25th, 09"
    assert format_date(dt.date(2011, 3, 12), "Month dth, yy") == "March 12th, 11"
    assert format_date(dt.date(1972, 1, 22), "Month dth, yy") == "January 22nd, 72"
    assert pairs.vocab_size == DATE_VOCAB_SIZE and int(pairs.src.max()) < DATE_VOCAB_SIZE


def test_date_splits_never_share_a_calendar_date():
    train, test = date_splits(3000, 500, seed=0)
    train_dates = {decode_chars(r) for r in train.tgt.tolist()}
    test_dates = {decode_chars(r) for r in test.tgt.tolist()}
    assert len(test_dates) == 500 and not train_dates & test_dates


def test_date_bad_input():
    with pytest.raises(ValueError, match="characters"):
        encode_chars("25 June 2009!")
    with pytest.raises(ValueError, match="fmt"):
        format_date(dt.date(2009, 6, 25), "mm/dd/yy")
    with pytest.raises(ValueError, match="formats"):
        date_task(3, formats=[])


# --- dlcourse.data.shapes (chapter 12; moved from test_xai) -----------------------------------
def test_draw_shape_stencils():
    assert draw_shape("square", 4).sum() == 12
    assert draw_shape("plus", 5).sum() == 9
    cross = draw_shape("cross", 5)
    assert cross.sum() == 9 and cross[0, 0] and cross[0, 4] and cross[2, 2]
    with pytest.raises(ValueError, match="kind"):
        draw_shape("circle", 5)


def test_shapes_localisation_gives_balanced_labels_and_clean_masks():
    sample = shapes_localisation(30, size=24, noise=0.0, seed=3)
    assert sample.images.shape == (30, 1, 24, 24) and sample.images.dtype == torch.float32
    assert sample.masks.shape == (30, 24, 24) and sample.masks.dtype == torch.bool
    assert np.bincount(sample.labels.numpy(), minlength=3).tolist() == [10, 10, 10]
    assert sample.class_names == SHAPE_CLASSES and len(sample) == 30 and len(sample[:5]) == 5
    img = sample.images[:, 0]
    # without noise the shape's pixels are 1, inside the box nothing else is drawn
    assert torch.all(img[sample.shape_masks] == 1.0)
    assert torch.all(img[sample.masks & ~sample.shape_masks] == 0.0)
    assert torch.all(sample.shape_masks <= sample.masks)
    # distractors exist outside the box
    assert (img * ~sample.masks).sum() > 0
    again = shapes_localisation(30, size=24, noise=0.0, seed=3)
    assert torch.equal(sample.images, again.images) and torch.equal(sample.masks, again.masks)
    noisy = shapes_localisation(200, seed=0)
    background = noisy.images[:, 0][~noisy.masks]
    assert abs(background.mean().item()) < 0.2 and 0.2 < noisy.images[:, 0][~noisy.masks].std().item() < 0.5


def test_shapes_localisation_bad_input():
    with pytest.raises(ValueError, match="max_shape"):
        shapes_localisation(5, size=12, max_shape=11)
    with pytest.raises(ValueError, match="n must be >= 1"):
        shapes_localisation(0)
    with pytest.raises(TypeError, match="noise"):
        shapes_localisation(5, noise="high")


# --- issue 29: sizes that would not fit in memory, ids, dates and paths name the argument ---------
@pytest.mark.parametrize("call, error, message", [
    (lambda: data.copy_task(10**12), ValueError, r"a data set from n=1,000,000,000,000 and max_len=10 would hold"),
    (lambda: data.adding_problem(4, 10**12), ValueError, "seq_len=1,000,000,000,000 would hold"),
    (lambda: data.date_task(10**12), ValueError, "n must be <= 1000000"),
    (lambda: data.decode_chars([None]), TypeError, r"ids\[0\] must be an integer token id"),
    (lambda: data.encode_chars(None), TypeError, "text must be a str"),
    (lambda: data.format_date("2020-01-01", "yyyy/mm/dd"), TypeError, "date must be a datetime.date"),
    (lambda: data.shapes_localisation(3, min_shape=9, max_shape=7), ValueError, "min_shape must be at most max_shape"),
    (lambda: data.tokenize_words(None), TypeError, "text must be a str"),
    (lambda: data.sha256sum("."), ValueError, "path must name a file; got the folder"),
])
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
