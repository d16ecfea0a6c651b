"""Training a :class:`~dlcourse.seq2seq.Seq2Seq` with Adam on random mini-batches."""
from __future__ import annotations

from typing import Any, Callable

import torch
from torch import nn

from .._validation import check_float, check_int, check_num_elements, check_type
from ..data.sequences import SequencePairs
from ._checks import check_model
from .model import Seq2Seq, sequence_loss

__all__ = ["train_seq2seq"]


def train_seq2seq(
    model: Seq2Seq,
    pairs: SequencePairs,
    *,
    steps: int,
    batch_size: int,
    lr: float,
    seed: int,
    clip: float | None = 1.0,
    progress: bool = False,
    callback: Callable[[int, float], None] | None = None,
) -> list[float]:
    """Train with Adam on random mini-batches of ``pairs``; return the loss of every step.

    Each step draws ``batch_size`` rows (with a ``torch.Generator`` seeded by ``seed``),
    trims the padding columns no row needs, computes :func:`sequence_loss` of
    ``model(src, src_lengths, tgt)`` against ``tgt[:, 1:]``, clips the gradient norm at
    ``clip`` (``None`` disables) and takes an Adam step with learning rate ``lr``.
    ``torch.manual_seed(seed)`` is also set, so teacher-forcing coins are reproducible.
    Batches follow the model's device. ``callback(step, loss)`` is called after each step.
    """
    check_model(model)
    check_type(pairs, "pairs", SequencePairs)
    steps = check_int(steps, "steps", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    width = pairs.src.shape[1] + pairs.tgt.shape[1]
    check_num_elements(batch_size * width, f"a batch (batch_size x (src_len + tgt_len) = {batch_size} x {width})",
                       "pass a smaller batch_size")
    lr = check_float(lr, "lr", minimum=0.0, strict_minimum=True)
    seed = check_int(seed, "seed", minimum=0)
    if clip is not None:
        clip = check_float(clip, "clip", minimum=0.0, strict_minimum=True)
    check_type(progress, "progress", bool)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be None or a function callback(step, loss); got {type(callback).__name__}.")
    dev = next(model.parameters()).device
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    iterator: Any = range(steps)
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, desc="train_seq2seq")
    losses: list[float] = []
    model.train()
    for step in iterator:
        idx = torch.randint(len(pairs), (batch_size,), generator=generator)
        src_lengths = pairs.src_lengths[idx]
        tgt_lengths = pairs.tgt_lengths[idx]
        src = pairs.src[idx, : int(src_lengths.max())].to(dev)  # (B, S_batch)
        tgt = pairs.tgt[idx, : int(tgt_lengths.max())].to(dev)  # (B, T_batch)
        logits = model(src, src_lengths.to(dev), tgt)  # (B, T_batch - 1, V)
        loss = sequence_loss(logits, tgt[:, 1:])
        optimizer.zero_grad()
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        losses.append(loss.item())
        if callback is not None:
            callback(step, losses[-1])
    return losses


