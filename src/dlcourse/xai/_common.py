"""Argument checks and small helpers shared by the explanation methods."""
from __future__ import annotations

import numbers
from typing import Any

import torch

__all__ = ["check_images_or_rows", "check_images", "check_target", "class_scores"]


def check_images_or_rows(x: Any, name: str = "inputs") -> torch.Tensor:
    """Return ``x`` as a float tensor of at least 2 dimensions (batch first)."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape (batch, ...); got {type(x).__name__}.")
    if x.ndim < 2:
        raise ValueError(
            f"{name} must have a batch axis first, shape (batch, ...); got shape {tuple(x.shape)}. "
            "For one example use x[None]."
        )
    if not torch.is_floating_point(x):
        raise TypeError(f"{name} must be a floating-point tensor; got dtype {x.dtype}. Use x.float().")
    return x


def check_images(x: Any, name: str = "x") -> torch.Tensor:
    """Return ``x`` after checking it is a (B, C, H, W) floating-point tensor."""
    x = check_images_or_rows(x, name)
    if x.ndim != 4:
        raise ValueError(
            f"{name} must have shape (batch, channels, height, width); got {tuple(x.shape)}. "
            "For one grey image of shape (H, W) use x[None, None]."
        )
    return x


def check_target(target: Any, batch: int, n_classes: int) -> torch.Tensor:
    """Return ``target`` as a (batch,) int64 tensor of class indices in ``[0, n_classes)``."""
    if isinstance(target, bool):
        raise TypeError(f"target must be an int or a sequence of {batch} ints; got bool.")
    if isinstance(target, numbers.Integral):
        idx = torch.full((batch,), int(target), dtype=torch.long)
    else:
        try:
            idx = torch.as_tensor(target)
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(f"target must be an int or a sequence of {batch} ints; got {type(target).__name__}.") from None
        if idx.dtype.is_floating_point or idx.dtype == torch.bool or idx.dtype.is_complex:
            raise TypeError(f"target must hold integers (class indices); got dtype {idx.dtype}.")
        if idx.ndim == 0:
            idx = idx.repeat(batch)
        if idx.shape != (batch,):
            raise ValueError(f"target must be an int or have shape (batch,) = ({batch},); got {tuple(idx.shape)}.")
        idx = idx.long()
    if idx.numel() and (int(idx.min()) < 0 or int(idx.max()) >= n_classes):
        raise ValueError(f"target must be a class index in [0, {n_classes - 1}]; got {idx.tolist()}.")
    return idx


def class_scores(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The score of class ``target[b]`` for every example ``b``: shape (B,)."""
    return out[torch.arange(out.shape[0]), target.to(out.device)]
