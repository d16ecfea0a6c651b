"""Measuring explanations against ground truth: pointing game, mass inside, deletion.

A heatmap is a claim about where the evidence for a class lies. When the object's
mask is known (see :func:`dlcourse.data.shapes_localisation`) the claim can be
scored, and a random map gives the floor every method must beat.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from .._validation import as_float_array, check_choice, check_float, check_int
from ._common import check_images, check_maps, check_model, check_target, run_model

__all__ = [
    "to_heatmap",
    "random_maps",
    "pointing_game",
    "mass_inside",
    "spot_size",
    "deletion_curve",
    "deletion_auc",
]


def to_heatmap(attribution: torch.Tensor) -> torch.Tensor:
    """Reduce an attribution to one map per image: (B, C, H, W) summed over C, or (B, H, W) as is."""
    return check_maps(attribution, "attribution", finite=False)  # (B, H, W)


def _maps_and_masks(maps: Any, masks: Any) -> tuple[torch.Tensor, torch.Tensor]:
    maps = check_maps(maps).detach().float()
    if not isinstance(masks, torch.Tensor):
        raise TypeError(f"masks must be a torch.Tensor of booleans; got {type(masks).__name__}.")
    if masks.shape != maps.shape:
        raise ValueError(f"masks must have the maps' shape (B, H, W) = {tuple(maps.shape)}; got {tuple(masks.shape)}.")
    return maps, masks.to(torch.bool).to(maps.device)


def random_maps(shape: tuple[int, ...], seed: int = 0) -> torch.Tensor:
    """Uniform random maps of ``shape`` (B, H, W): the baseline an explanation must beat."""
    seed = check_int(seed, "seed", minimum=0)
    if not isinstance(shape, (tuple, list, torch.Size)):
        raise TypeError(f"shape must be a tuple (B, H, W) of three sizes; got {type(shape).__name__}. E.g. maps.shape.")
    if len(shape) != 3:
        raise ValueError(f"shape must be (B, H, W), three sizes; got {tuple(shape)!r:.60}. E.g. maps.shape.")
    shape = tuple(check_int(s, f"shape[{i}]", minimum=1) for i, s in enumerate(shape))
    if shape[0] * shape[1] * shape[2] > 10**9:
        raise ValueError(f"shape must describe at most 10**9 pixels (4 GB of float32); got {shape}.")
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(tuple(shape), generator=generator)


def pointing_game(maps: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
    r"""Pointing game (Zhang et al., 2018): does each map's maximum fall inside the object?

    .. math:: \text{hit}_b = \big[\arg\max_{i,j} M_b(i, j) \in \Omega_b\big]

    where :math:`M_b` is the map of image :math:`b` and :math:`\Omega_b` its object mask.
    The accuracy is the mean of the hits. Ties go to the first maximum in row-major order.

    Shapes: ``maps`` (B, H, W) or (B, C, H, W) (summed over channels), ``masks`` (B, H, W)
    bool; returns (B,) bool.
    """
    maps, masks = _maps_and_masks(maps, masks)
    flat = maps.flatten(1).argmax(dim=1)  # (B,) index of the maximum
    return masks.flatten(1)[torch.arange(maps.shape[0]), flat]


def mass_inside(maps: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
    r"""Share of the map's positive mass inside the object (relevance mass accuracy).

    .. math:: \mu_b = \frac{\sum_{(i,j) \in \Omega_b} M_b^+(i, j)}{\sum_{i,j} M_b^+(i, j)}

    where :math:`M^+ = \max(M, 0)`. A uniform map scores the object's area share
    :math:`|\Omega_b| / (HW)`; a perfect one scores 1. Maps with no positive value score 0.
    Returns (B,) floats in [0, 1].
    """
    maps, masks = _maps_and_masks(maps, masks)
    positive = maps.clamp(min=0)
    total = positive.flatten(1).sum(dim=1)  # (B,)
    inside = (positive * masks).flatten(1).sum(dim=1)  # (B,)
    return torch.where(total > 0, inside / torch.where(total > 0, total, torch.ones_like(total)), torch.zeros_like(total))


def spot_size(maps: torch.Tensor, level: float = 0.5) -> torch.Tensor:
    r"""Share of pixels where the map reaches at least ``level`` times its maximum.

    .. math:: s_b = \frac{1}{HW} \big|\{(i, j) : M_b(i, j) \ge \ell \max M_b\}\big|

    A small value means the map highlights a small spot; used to compare global max
    pooling (one spot) with global average pooling (the object's extent). Maps whose
    maximum is not positive score 0. Returns (B,) floats.
    """
    level = check_float(level, "level", minimum=0.0, maximum=1.0, strict_minimum=True)
    maps = check_maps(maps).detach().float()
    peak = maps.flatten(1).max(dim=1).values  # (B,)
    above = (maps >= level * peak[:, None, None]).flatten(1).float().mean(dim=1)
    return torch.where(peak > 0, above, torch.zeros_like(above))


def deletion_curve(
    model: nn.Module,
    x: torch.Tensor,
    maps: torch.Tensor,
    target: Any,
    *,
    steps: int = 16,
    max_fraction: float = 1.0,
    baseline: float = 0.0,
    score: str = "probability",
    batch_size: int = 256,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Deletion curve (Petsiuk et al., 2018): remove the most relevant pixels first.

    For ``steps + 1`` evenly spaced fractions :math:`f` from 0 to ``max_fraction`` the
    :math:`\lfloor f HW \rfloor` pixels with the largest map values are set to ``baseline``
    (in every channel) and the class score is recorded. A good explanation makes the score
    drop fast, so a *small* area under the curve (:func:`deletion_auc`) is better. A
    ``max_fraction`` below 1 zooms in on the start of the curve, where small objects are removed.

    Parameters
    ----------
    model, x, target:
        The classifier, (B, C, H, W) images and the class (int or (B,)).
    maps:
        (B, H, W) or (B, C, H, W) relevance maps (larger = more relevant).
    score:
        ``"probability"`` (softmax of the target class, the default) or ``"logit"``.

    Returns
    -------
    ``fractions`` (steps + 1,) and ``scores`` (B, steps + 1) NumPy arrays.
    """
    model = check_model(model)
    x = check_images(x, "x")
    maps = check_maps(maps).detach()
    if maps.shape != (x.shape[0], *x.shape[-2:]):
        raise ValueError(
            f"maps must have shape (B, H, W) = {(x.shape[0], *x.shape[-2:])}, one map per image of x "
            f"{tuple(x.shape)}; got {tuple(maps.shape)}."
        )
    steps = check_int(steps, "steps", minimum=1)
    max_fraction = check_float(max_fraction, "max_fraction", minimum=0.0, maximum=1.0, strict_minimum=True)
    baseline = check_float(baseline, "baseline")
    check_choice(score, "score", ("probability", "logit"))
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    B, C, H, W = x.shape
    order = maps.flatten(1).argsort(dim=1, descending=True, stable=True)  # (B, H*W) most relevant first
    rank = torch.empty_like(order)
    rank.scatter_(1, order, torch.arange(H * W, device=order.device).expand(B, -1))  # rank of every pixel
    fractions = np.linspace(0.0, max_fraction, steps + 1)
    scores = np.empty((B, steps + 1))
    with torch.no_grad():
        idx = check_target(target, B, run_model(model, x[:1]).shape[1])
        for t, f in enumerate(fractions):
            removed = (rank < int(np.floor(f * H * W + 1e-9))).reshape(B, 1, H, W)  # (B, 1, H, W)
            xt = torch.where(removed, torch.full_like(x, baseline), x)  # (B, C, H, W)
            for start in range(0, B, batch_size):
                out = model(xt[start : start + batch_size])
                if score == "probability":
                    out = out.softmax(dim=1)
                rows = torch.arange(out.shape[0])
                scores[start : start + batch_size, t] = out[rows, idx[start : start + batch_size].to(out.device)].cpu().numpy()
    return fractions, scores


def deletion_auc(fractions: np.ndarray, scores: np.ndarray) -> np.ndarray:
    r"""Normalised area under a deletion curve, per image: (B,) (lower is better).

    .. math:: \text{AUC} = \frac{1}{f_T - f_0} \int_{f_0}^{f_T} p(f)\, df

    by the trapezoid rule, where :math:`p(f)` is the score after removing the fraction
    :math:`f` of the pixels. Dividing by the range of fractions makes it the mean score along
    the curve, comparable between curves over [0, 1] and over [0, ``max_fraction``].
    """
    fractions = as_float_array(fractions, "fractions", ndim=1, finite=True)
    scores = as_float_array(scores, "scores", ndim=2)
    if fractions.ndim != 1 or scores.ndim != 2 or scores.shape[1] != fractions.shape[0]:
        raise ValueError(
            f"fractions must be (T,) and scores (B, T) with the same T; got {fractions.shape} and {scores.shape}."
        )
    span = fractions[-1] - fractions[0]
    if span <= 0:
        raise ValueError(f"fractions must increase from first to last; got {fractions[0]} to {fractions[-1]}.")
    area = ((scores[:, 1:] + scores[:, :-1]) / 2 * np.diff(fractions)).sum(axis=1)  # trapezoid rule, (B,)
    return area / span
