"""Train/test splits of :class:`SequencePairs` in which no source appears on both sides.

A randomly generated sequence task repeats itself: with 10 symbols there are only
10,000 sources of length 4, so a test set drawn independently of the training set
shares some of its short sources. Grading a model on inputs it was trained on
measures memory, not generalisation. :func:`split_pairs` groups identical sources
and assigns whole groups to one side.
"""
from __future__ import annotations

import numpy as np

from .._validation import check_int, check_type
from .sequences import SequencePairs

__all__ = ["subset_pairs", "split_pairs", "source_keys"]


def subset_pairs(pairs: SequencePairs, index) -> SequencePairs:
    """The rows ``index`` of ``pairs``, padding trimmed.

    Args:
        pairs: the sequence pairs.
        index: row numbers (a sequence of ints or a 1-D integer tensor/array; negative
            numbers count from the end, as in PyTorch), or a boolean mask with one entry
            per row (NumPy or torch), which selects the rows where it is True.

    Raises:
        TypeError: ``index`` is None, text, or holds floats or objects.
        ValueError: ``index`` is empty, not 1-D, out of range, a mask of the wrong
            length, or a mask that selects no row.
    """
    import numpy as np
    import torch

    check_type(pairs, "pairs", SequencePairs)
    n = int(pairs.src.shape[0])
    if index is None or isinstance(index, (str, bytes)):
        raise TypeError(f"index must be row numbers or a boolean mask of {n} rows; got {type(index).__name__}.")
    raw = index.detach().cpu().numpy() if isinstance(index, torch.Tensor) else np.asarray(index)
    if raw.ndim != 1 or raw.size == 0:
        raise ValueError(f"index must be a non-empty 1-D list of row numbers or a mask; got shape {tuple(raw.shape)}.")
    if raw.dtype.kind == "b":  # a boolean mask, never read as the row numbers 0 and 1
        if raw.size != n:
            raise ValueError(
                f"a boolean mask index must have one entry per row ({n}); got {raw.size}. "
                "Pass row numbers instead, or a mask as long as pairs."
            )
        raw = np.flatnonzero(raw)
        if raw.size == 0:
            raise ValueError("the boolean mask index selects no row; at least one entry must be True.")
    elif raw.dtype.kind not in "iu":
        raise TypeError(
            f"index must hold integer row numbers (or booleans as a mask); got dtype {raw.dtype}. "
            "Convert it with np.asarray(index, dtype=int) if the values are whole numbers."
        )
    if raw.min() < -n or raw.max() >= n:
        bad = int(raw[(raw < -n) | (raw >= n)][0])
        raise ValueError(f"index holds row {bad}, outside the {n} rows (valid: {-n}..{n - 1}).")
    index = torch.as_tensor(raw, dtype=torch.long)
    src_lengths = pairs.src_lengths[index]
    tgt_lengths = pairs.tgt_lengths[index]
    return SequencePairs(
        src=pairs.src[index, : int(src_lengths.max())].clone(),
        src_lengths=src_lengths.clone(),
        tgt=pairs.tgt[index, : int(tgt_lengths.max())].clone(),
        tgt_lengths=tgt_lengths.clone(),
        vocab_size=pairs.vocab_size,
    )


def source_keys(pairs: SequencePairs) -> list[tuple[int, ...]]:
    """Each row's source symbols (padding removed) as a hashable tuple."""
    check_type(pairs, "pairs", SequencePairs)
    return [tuple(row[:n]) for row, n in zip(pairs.src.tolist(), pairs.src_lengths.tolist())]


def split_pairs(pairs: SequencePairs, n_test: int, *, seed: int = 0) -> tuple[SequencePairs, SequencePairs]:
    """Split ``pairs`` into ``(train, test)`` so that no source sequence is in both.

    Rows with identical sources form a group; groups are shuffled with ``seed`` and
    whole groups go to the test set until it holds at least ``n_test`` rows (so it may
    hold a few more when the last group has duplicates). Row order inside each side
    follows the original order.

    >>> from dlcourse.data import reversal_task
    >>> train, test = split_pairs(reversal_task(200, min_len=2, max_len=3, vocab_size=5), 50)
    >>> set(source_keys(train)) & set(source_keys(test))
    set()
    """
    check_type(pairs, "pairs", SequencePairs)
    n_test = check_int(n_test, "n_test", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    keys = source_keys(pairs)
    groups: dict[tuple[int, ...], list[int]] = {}
    for row, key in enumerate(keys):
        groups.setdefault(key, []).append(row)
    order = list(groups)
    rng = np.random.default_rng(seed)
    rng.shuffle(order)
    test_rows: list[int] = []
    taken = 0
    for key in order:
        if len(test_rows) >= n_test:
            break
        test_rows.extend(groups[key])
        taken += 1
    if taken == len(order):
        raise ValueError(
            f"n_test = {n_test} leaves no training rows: pairs has {len(pairs)} rows in "
            f"{len(order)} distinct sources. Ask for fewer test rows or generate more pairs."
        )
    test_set = set(test_rows)
    train_rows = [i for i in range(len(pairs)) if i not in test_set]
    return subset_pairs(pairs, train_rows), subset_pairs(pairs, sorted(test_rows))
