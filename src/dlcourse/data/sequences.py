"""Seeded synthetic sequence tasks shared by the sequence chapters (6-11).

Token conventions for the sequence-to-sequence tasks::

    PAD = 0   padding after the end of a shorter sequence (ignored by losses)
    SOS = 1   start of sequence, the decoder's first input
    EOS = 2   end of sequence, the decoder's last target
    3 .. vocab_size - 1   ordinary symbols

Every generator takes a ``seed`` and uses its own ``numpy.random.Generator``, so
it never disturbs (or depends on) the global random state.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

from .._validation import check_int
from ._limits import check_elements

if TYPE_CHECKING:  # torch is imported where it is used: `import dlcourse.data` stays light
    import torch

__all__ = [
    "PAD",
    "SOS",
    "EOS",
    "N_SPECIAL",
    "SequencePairs",
    "reversal_task",
    "copy_task",
    "adding_problem",
    "copy_memory_task",
]

PAD, SOS, EOS = 0, 1, 2
N_SPECIAL = 3


@dataclass
class SequencePairs:
    """A batch of variable-length source/target token sequences, padded to rectangles.

    Attributes
    ----------
    src:
        ``(N, S)`` int64 tensor; row ``n`` holds ``src_lengths[n]`` symbols then ``PAD``.
    src_lengths:
        ``(N,)`` int64 tensor of true source lengths.
    tgt:
        ``(N, T)`` int64 tensor: ``SOS``, the target symbols, ``EOS``, then ``PAD``.
    tgt_lengths:
        ``(N,)`` int64 tensor of target lengths counting ``SOS`` and ``EOS``.
    vocab_size:
        Number of token ids, special tokens included.
    """

    src: torch.Tensor
    src_lengths: torch.Tensor
    tgt: torch.Tensor
    tgt_lengths: torch.Tensor
    vocab_size: int

    def __len__(self) -> int:
        return int(self.src.shape[0])

    def __getitem__(self, index):
        return self.src[index], self.tgt[index]


def _check_lengths(min_len: int, max_len: int) -> tuple[int, int]:
    min_len = check_int(min_len, "min_len", minimum=1)
    max_len = check_int(max_len, "max_len", minimum=1)
    if max_len < min_len:
        raise ValueError(f"max_len must be >= min_len = {min_len}; got max_len = {max_len}.")
    return min_len, max_len


def _pairs(
    n: int,
    min_len: int,
    max_len: int,
    vocab_size: int,
    seed: int,
    transform: Callable[[np.ndarray], np.ndarray],
) -> SequencePairs:
    import torch

    n = check_int(n, "n", minimum=1)
    min_len, max_len = _check_lengths(min_len, max_len)
    vocab_size = check_int(vocab_size, "vocab_size", minimum=N_SPECIAL + 1)
    seed = check_int(seed, "seed", minimum=0)
    check_elements(n * (2 * max_len + 3), {"n": n, "max_len": max_len})
    rng = np.random.default_rng(seed)
    lengths = rng.integers(min_len, max_len + 1, size=n)
    src = np.full((n, max_len), PAD, dtype=np.int64)
    tgt = np.full((n, max_len + 2), PAD, dtype=np.int64)
    for row, length in enumerate(lengths):
        symbols = rng.integers(N_SPECIAL, vocab_size, size=length)
        out = transform(symbols)
        src[row, :length] = symbols
        tgt[row, 0] = SOS
        tgt[row, 1 : len(out) + 1] = out
        tgt[row, len(out) + 1] = EOS
    return SequencePairs(
        src=torch.from_numpy(src),
        src_lengths=torch.from_numpy(lengths.astype(np.int64)),
        tgt=torch.from_numpy(tgt),
        tgt_lengths=torch.from_numpy(lengths.astype(np.int64) + 2),
        vocab_size=vocab_size,
    )


def reversal_task(
    n: int, *, min_len: int = 3, max_len: int = 10, vocab_size: int = 13, seed: int = 0
) -> SequencePairs:
    """Sequences of random symbols whose target is the same symbols in reverse order.

    Example: source ``[5, 9, 4]`` -> target ``[SOS, 4, 9, 5, EOS]``. Lengths are drawn
    uniformly from ``min_len..max_len``; symbols uniformly from ``3..vocab_size-1``.

    >>> pairs = reversal_task(2, min_len=3, max_len=3, seed=0)
    >>> pairs.src.shape, pairs.tgt.shape
    (torch.Size([2, 3]), torch.Size([2, 5]))
    >>> pairs.tgt[0, 1:4].tolist() == pairs.src[0].flip(0).tolist()
    True
    """
    return _pairs(n, min_len, max_len, vocab_size, seed, lambda s: s[::-1])


def copy_task(
    n: int, *, min_len: int = 3, max_len: int = 10, vocab_size: int = 13, seed: int = 0
) -> SequencePairs:
    """Sequences of random symbols whose target is the same symbols in the same order.

    Example: source ``[5, 9, 4]`` -> target ``[SOS, 5, 9, 4, EOS]``.
    """
    return _pairs(n, min_len, max_len, vocab_size, seed, lambda s: s)


def adding_problem(n: int, seq_len: int, *, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """The adding problem of Hochreiter and Schmidhuber (1997), a test of long time lags.

    Each input is a sequence of ``seq_len`` pairs ``(value, marker)``: values are
    uniform on ``[0, 1]``; exactly two markers are 1, one in the first half and one
    in the second half of the sequence, the rest 0. The target is the sum of the two
    marked values. Always predicting the mean 1.0 gives the trivial mean squared
    error ``Var(U1 + U2) = 2/12 = 0.1667``; a model must beat that to show memory.

    Returns
    -------
    x : ``(n, seq_len, 2)`` float32 tensor, ``y`` : ``(n, 1)`` float32 tensor.
    """
    import torch

    n = check_int(n, "n", minimum=1)
    seq_len = check_int(seq_len, "seq_len", minimum=2)
    seed = check_int(seed, "seed", minimum=0)
    check_elements(n * seq_len * 4, {"n": n, "seq_len": seq_len})
    rng = np.random.default_rng(seed)
    values = rng.random((n, seq_len))
    half = seq_len // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, seq_len, size=n)
    markers = np.zeros((n, seq_len))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1).astype(np.float32)  # (n, seq_len, 2)
    y = (values[rows, first] + values[rows, second]).astype(np.float32)[:, None]  # (n, 1)
    return torch.from_numpy(x), torch.from_numpy(y)


def copy_memory_task(
    n: int, *, delay: int, n_symbols: int = 10, alphabet: int = 8, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """The copy-memory task (Hochreiter and Schmidhuber, 1997; Arjovsky et al., 2016).

    Input, of length ``n_symbols + delay + n_symbols``: ``n_symbols`` random symbols
    from ``1..alphabet``, then ``delay - 1`` blanks (0), a cue symbol
    ``alphabet + 1``, then ``n_symbols`` blanks. Target: blanks everywhere except the
    last ``n_symbols`` steps, which must repeat the first ``n_symbols`` inputs. A
    memoryless model that outputs blanks then uniform guesses has cross-entropy
    ``n_symbols * log(alphabet) / (2 n_symbols + delay)`` per step.

    Returns
    -------
    x, y : ``(n, 2 * n_symbols + delay)`` int64 tensors of token ids in ``0..alphabet+1``.
    """
    import torch

    n = check_int(n, "n", minimum=1)
    delay = check_int(delay, "delay", minimum=1)
    n_symbols = check_int(n_symbols, "n_symbols", minimum=1)
    alphabet = check_int(alphabet, "alphabet", minimum=2)
    seed = check_int(seed, "seed", minimum=0)
    total = 2 * n_symbols + delay
    check_elements(n * total * 2, {"n": n, "delay": delay, "n_symbols": n_symbols})
    rng = np.random.default_rng(seed)
    symbols = rng.integers(1, alphabet + 1, size=(n, n_symbols))
    x = np.zeros((n, total), dtype=np.int64)
    y = np.zeros((n, total), dtype=np.int64)
    x[:, :n_symbols] = symbols
    x[:, n_symbols + delay - 1] = alphabet + 1
    y[:, -n_symbols:] = symbols
    return torch.from_numpy(x), torch.from_numpy(y)
