"""Argument checks the Transformer's layers share: each public ``forward`` checks its own
arguments once, by their own names, before any arithmetic (so a wrong dtype or shape is
named here, not inside ``F.linear`` or ``view``)."""
from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from .._validation import format_shape


def check_features(t: Any, name: str, d_model: int, dtype: torch.dtype, *, ndim: int | None = 3) -> Tensor:
    """``t`` after checking it is a ``dtype`` tensor ``(batch, seq_len, d_model)`` (or ``(..., d_model)``).

    ``ndim=None`` allows any leading shape (a position-wise layer).
    """
    names = "(batch, seq_len, d_model)" if ndim == 3 else "(..., d_model)"
    if not isinstance(t, Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor of shape {names}; got {type(t).__name__}. "
            f"Convert it first, e.g. torch.as_tensor({name}, dtype={dtype})."
        )
    if t.dtype != dtype:
        raise TypeError(
            f"{name} must have the dtype of the model's parameters, {dtype}; got {t.dtype}. "
            f"Convert one of them: {name}.to({dtype}), or the model with .to({t.dtype}) for a real dtype."
        )
    want = (None,) * (2 if ndim == 3 else 0) + (d_model,)
    if (ndim is not None and t.ndim != ndim) or t.ndim < 1 or t.shape[-1] != d_model:
        raise ValueError(
            f"{name} must have shape {names} = {format_shape(want) if ndim == 3 else f'(..., {d_model})'}; "
            f"got {format_shape(tuple(t.shape))}."
        )
    return t


def check_same_batch(**tensors: Tensor) -> None:
    """Raise ``ValueError`` unless every tensor has the same size along axis 0 (the batch)."""
    sizes = {name: int(t.shape[0]) for name, t in tensors.items()}
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"{name} {format_shape(tuple(t.shape))}" for name, t in tensors.items())
        raise ValueError(
            f"{', '.join(list(sizes)[:-1])} and {list(sizes)[-1]} must have the same batch size (axis 0); got {listed}. "
            "Pass the same examples to each."
        )

