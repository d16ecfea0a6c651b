import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcourse.data import EOS, N_SPECIAL, PAD, SOS, adding_problem, copy_memory_task, copy_task, reversal_task


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
