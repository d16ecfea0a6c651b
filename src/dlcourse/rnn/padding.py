r"""Padding, masks and the masked loss for variable-length batches (chapters 6 and 7).

Sequences of different lengths are stacked into one rectangle by appending a padding
id (``<pad>``) to the short ones; a boolean *mask* marks the real positions,

.. math::
    m_{b,t} = [\,t < \ell_b\,], \qquad
    L = \frac{\sum_{b,t} m_{b,t}\, \ell(\hat y_{b,t}, y_{b,t})}{\sum_{b,t} m_{b,t}},

where :math:`\ell_b` is the length of sequence :math:`b` and :math:`\ell(\cdot,\cdot)` the
per-token loss: padded positions add nothing to the loss (*loss masking*) and the mean is
over real tokens only. :func:`last_states` reads each sequence's state at its own last real
step, which is what a padded many-to-one model must use instead of ``out[:, -1]``.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch
from torch import nn

from .._validation import (
    check_class_ids,
    check_int,
    check_num_elements,
)
from ._cell import check_tensor

__all__ = ["pad_sequences", "lengths_to_mask", "masked_cross_entropy", "last_states"]


def pad_sequences(
    sequences: Sequence[Sequence[int] | torch.Tensor], pad_id: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack integer sequences of different lengths into one ``(B, T_max)`` batch.

    Short sequences are filled up on the right with ``pad_id``. Returns the padded batch
    (int64) and the lengths ``(B,)`` (int64).

    Example
    -------
    >>> x, lengths = pad_sequences([[5, 6, 7], [8]], pad_id=0)
    >>> x.tolist(), lengths.tolist()
    ([[5, 6, 7], [8, 0, 0]], [3, 1])
    """
    if not isinstance(sequences, (list, tuple)):
        raise TypeError(
            f"sequences must be a list of token-id sequences (lists or 1-D tensors); got "
            f"{type(sequences).__name__} ({sequences!r:.40}). Pass e.g. [[3, 4], [5]]."
        )
    if len(sequences) == 0:
        raise ValueError("sequences must hold at least one sequence of token ids; got none. Pass e.g. [[3, 4], [5]].")
    pad_id = check_int(pad_id, "pad_id", minimum=0)
    rows = [_as_id_row(s, f"sequences[{b}]") for b, s in enumerate(sequences)]
    if any(len(r) == 0 for r in rows):
        empty = next(i for i, r in enumerate(rows) if r.numel() == 0)
        raise ValueError(
            f"every sequence must hold at least one token (an empty one cannot be packed); sequences[{empty}] "
            f"is empty. Drop empty sequences first."
        )
    lengths = torch.tensor([len(r) for r in rows], dtype=torch.long)
    out = torch.full((len(rows), int(lengths.max())), pad_id, dtype=torch.long)  # (B, T_max)
    for b, r in enumerate(rows):
        out[b, : len(r)] = r
    return out, lengths


def _as_id_row(value: Any, name: str) -> torch.Tensor:
    """``value`` (a list, array or tensor of whole numbers) as a 1-D int64 tensor; floats, text and None rejected."""
    if isinstance(value, torch.Tensor):
        t = value
    else:
        if value is None or isinstance(value, (str, bytes)):
            raise TypeError(
                f"{name} must be a sequence of integer token ids; got {type(value).__name__} ({value!r:.40}). "
                f"Encode the text to ids first."
            )
        try:
            array = np.asarray(value)
        except (TypeError, ValueError) as err:
            raise TypeError(f"{name} must be a flat sequence of integer token ids; NumPy cannot convert it ({err}).") from None
        if array.size == 0 and array.ndim == 1:
            array = array.astype(np.int64)  # an empty list: its length is checked where it matters
        if array.dtype.kind not in "iu":
            raise TypeError(
                f"{name} must hold integer token ids; got dtype {array.dtype} ({value!r:.40}). "
                f"Encode the text to ids first."
            )
        t = torch.from_numpy(np.ascontiguousarray(array))
    if t.is_floating_point() or t.is_complex() or t.dtype == torch.bool:
        raise TypeError(f"{name} must hold integer token ids; got dtype {t.dtype}. Pass {name}.long() if they are whole numbers.")
    if t.dim() > 1:
        raise ValueError(f"{name} must be one flat sequence of ids (1-D); got shape {tuple(t.shape)}. Flatten it first.")
    return t.reshape(-1).to(torch.long)


def _check_lengths(lengths: Any, name: str = "lengths") -> torch.Tensor:
    """``lengths`` as a 1-D int64 tensor of values >= 1 (a list, array or integer tensor)."""
    if lengths is None or isinstance(lengths, (str, bytes)):
        raise TypeError(
            f"{name} must be a non-empty 1-D sequence of whole numbers (one length per sequence); got "
            f"{type(lengths).__name__} ({lengths!r:.40}). Pass e.g. torch.tensor([3, 1])."
        )
    try:
        t = torch.as_tensor(lengths) if not isinstance(lengths, torch.Tensor) else lengths
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(
            f"{name} must be a non-empty 1-D sequence of whole numbers (one length per sequence); got "
            f"{type(lengths).__name__} ({lengths!r:.40}). Pass e.g. torch.tensor([3, 1])."
        ) from None
    if t.dim() != 1 or t.numel() == 0 or t.is_floating_point() or t.is_complex() or t.dtype == torch.bool:
        raise TypeError(
            f"{name} must be a non-empty 1-D sequence of whole numbers (one length per sequence); got "
            f"dtype {t.dtype}, shape {tuple(t.shape)}. Pass e.g. torch.tensor([3, 1])."
        )
    if int(t.min()) < 1:
        raise ValueError(f"{name} must all be >= 1; got {int(t.min())}. Drop empty sequences first.")
    return t.to(torch.long)


def lengths_to_mask(lengths: torch.Tensor | Sequence[int], max_len: int | None = None) -> torch.Tensor:
    """Boolean mask ``(B, T)`` with ``mask[b, t] = t < lengths[b]`` (True on real tokens).

    Example
    -------
    >>> lengths_to_mask([3, 1]).int().tolist()
    [[1, 1, 1], [1, 0, 0]]
    """
    lengths = _check_lengths(lengths)
    T = int(lengths.max()) if max_len is None else check_int(max_len, "max_len", minimum=1)
    if int(lengths.max()) > T:
        raise ValueError(
            f"max_len must be at least the longest length {int(lengths.max())}; got max_len={T}. "
            f"Pass max_len=None to use the longest length."
        )
    check_num_elements(len(lengths) * T, f"the mask (batch x max_len = {len(lengths)} x {T:,})",
                       "pass max_len=None (the longest length) or a padded length close to it")
    return torch.arange(T)[None, :] < lengths[:, None]  # (B, T)


def masked_cross_entropy(
    logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor, *, reduction: str = "mean"
) -> torch.Tensor:
    r"""Cross-entropy over the real tokens only.

    ``logits`` ``(B, T, K)``, ``targets`` ``(B, T)`` and ``mask`` ``(B, T)`` (bool). With
    ``reduction="mean"`` the result is :math:`\sum m\,\ell / \sum m` (the mean over real tokens),
    with ``"sum"`` the sum over real tokens. Padded positions neither add to the loss nor
    receive a gradient, whatever their target id.
    """
    for value, name in ((logits, "logits"), (targets, "targets"), (mask, "mask")):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor; got {type(value).__name__}. Convert it with torch.as_tensor.")
    if not logits.is_floating_point():
        raise TypeError(f"logits must be a floating-point tensor; got dtype {logits.dtype}. Pass logits.float().")
    if targets.is_floating_point() or targets.is_complex() or targets.dtype == torch.bool:
        raise TypeError(f"targets must hold integer class ids; got dtype {targets.dtype}. Pass targets.long().")
    if logits.dim() != 3 or targets.shape != logits.shape[:2] or mask.shape != targets.shape:
        raise ValueError(
            f"expected logits (B, T, K), targets (B, T) and mask (B, T); got {tuple(logits.shape)}, "
            f"{tuple(targets.shape)}, {tuple(mask.shape)}."
        )
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction must be 'mean' or 'sum'; got {reduction!r}.")
    mask = mask.to(torch.bool)
    K = logits.shape[-1]
    check_class_ids(targets, "targets", K, source="logits.shape[-1]", mask=mask)
    safe = torch.where(mask, targets, torch.zeros_like(targets))  # padded positions: any id, never read
    per_token = nn.functional.cross_entropy(
        logits.reshape(-1, K), safe.reshape(-1), reduction="none"
    ).reshape(targets.shape)  # (B, T)
    total = torch.where(mask, per_token, torch.zeros_like(per_token)).sum()
    if reduction == "sum":
        return total
    n = mask.sum()
    if int(n) == 0:
        raise ValueError(
            "mask must select at least one token for reduction='mean' (the mean of no losses is undefined); "
            "got an all-False mask. Use reduction='sum' or include a real token."
        )
    return total / n


def last_states(outputs: torch.Tensor, lengths: torch.Tensor | Sequence[int]) -> torch.Tensor:
    """The output at each sequence's last real step: ``outputs[b, lengths[b] - 1]``.

    ``outputs`` ``(B, T, H)`` (batch first), ``lengths`` ``(B,)``; returns ``(B, H)``.
    """
    check_tensor(outputs, "outputs")
    if not outputs.is_floating_point():
        raise TypeError(f"outputs must be a floating-point tensor of states; got dtype {outputs.dtype}. Pass outputs.float().")
    lengths = _check_lengths(lengths)
    if outputs.dim() != 3 or len(lengths) != outputs.shape[0]:
        raise ValueError(f"expected outputs (B, T, H) and lengths (B,); got {tuple(outputs.shape)} and {tuple(lengths.shape)}.")
    if int(lengths.min()) < 1 or int(lengths.max()) > outputs.shape[1]:
        raise ValueError(
            f"lengths must lie in 1..T = 1..{outputs.shape[1]} (the steps of outputs); got values from "
            f"{int(lengths.min())} to {int(lengths.max())}."
        )
    return outputs[torch.arange(outputs.shape[0]), lengths - 1]  # (B, H)
