"""Argument checks and small helpers shared by the explanation methods."""
from __future__ import annotations

import numbers
from typing import Any

import torch

__all__ = [
    "check_images_or_rows", "check_images", "check_target", "class_scores", "check_model", "check_maps",
    "run_model", "check_input_dtype",
]


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


def check_target(target: Any, batch: int, n_classes: int, inputs: str = "x") -> torch.Tensor:
    """Return ``target`` as a (batch,) int64 tensor of class indices in ``[0, n_classes)``.

    ``inputs`` names the argument holding the examples (``x``), for the batch-size message.
    """
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
            raise ValueError(
                f"target must be an int or have shape (batch,) = ({batch},), one class per example of "
                f"{inputs}; got {tuple(idx.shape)}. Pass as many targets as {inputs} has examples."
            )
        idx = idx.long()
    if idx.numel() and (int(idx.min()) < 0 or int(idx.max()) >= n_classes):
        raise ValueError(f"target must be a class index in [0, {n_classes - 1}]; got {idx.tolist()}.")
    return idx


def class_scores(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The score of class ``target[b]`` for every example ``b``: shape (B,)."""
    return out[torch.arange(out.shape[0]), target.to(out.device)]


def check_model(model: Any, name: str = "model") -> torch.nn.Module:
    """Raise ``TypeError`` unless ``model`` is an ``nn.Module`` (the classifier being explained)."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(
            f"{name} must be a torch.nn.Module returning (batch, classes) scores; got {type(model).__name__}. "
            "Pass the trained classifier, e.g. dlcourse.xai.GAPNet()."
        )
    return model


def check_input_dtype(model: torch.nn.Module, x: torch.Tensor, name: str = "x") -> None:
    """Raise ``TypeError`` unless ``x`` has the dtype of the model's (first) parameter."""
    param = next(model.parameters(), None)
    if param is not None and x.dtype != param.dtype:
        raise TypeError(
            f"{name} must have the dtype of the model's parameters, {param.dtype}; got {x.dtype}. "
            f"Convert it with {name}.to({param.dtype})."
        )


def run_model(model: torch.nn.Module, x: torch.Tensor, name: str = "x") -> torch.Tensor:
    """``model(x)``, checked: ``x`` has the parameters' dtype, the model accepts its shape and
    returns (batch, classes) scores; errors name ``x`` (by ``name``) instead of a layer deep inside."""
    check_input_dtype(model, x, name)
    try:
        out = model(x)
    except RuntimeError as err:
        raise ValueError(
            f"{name} of shape {tuple(x.shape)} does not fit the model ({str(err).splitlines()[0][:160]}). "
            f"Pass {name} with the shape the model was built for, e.g. (batch, channels, height, width)."
        ) from err
    if not isinstance(out, torch.Tensor) or out.ndim != 2 or out.shape[0] != x.shape[0]:
        got = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise ValueError(f"model must return scores of shape (batch, classes) = ({x.shape[0]}, C); got {got}.")
    return out


def check_maps(maps: Any, name: str = "maps", *, finite: bool = True) -> torch.Tensor:
    """Return ``maps`` as one real map per image: (B, C, H, W) summed over C, or (B, H, W) as is.

    With ``finite`` (maps to be ranked or compared) NaN and infinity are rejected.
    """
    if not isinstance(maps, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor of shape (B, H, W) or (B, C, H, W); got {type(maps).__name__}. "
            f"Convert it first, e.g. torch.as_tensor({name})."
        )
    if maps.is_complex() or maps.dtype == torch.bool:
        raise TypeError(f"{name} must hold real numbers (relevance); got dtype {maps.dtype}. Use {name}.abs() or .real.")
    if maps.ndim not in (3, 4):
        raise ValueError(f"{name} must have shape (B, C, H, W) or (B, H, W); got {tuple(maps.shape)}.")
    heat = maps.sum(dim=1) if maps.ndim == 4 else maps  # (B, H, W)
    if finite and heat.is_floating_point() and not bool(torch.isfinite(heat).all()):
        raise ValueError(
            f"{name} must contain only finite numbers; it holds {int((~torch.isfinite(heat)).sum())} NaN or "
            "infinite value(s), which cannot be ranked. Replace them, e.g. torch.nan_to_num(maps)."
        )
    return heat
