"""Any of the chapter's explanation methods by name, as a (B, H, W) heatmap."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from .._validation import check_choice
from ._common import check_images_or_rows, check_model
from .cam import cam, grad_cam, gradient_x_input
from .evaluation import random_maps, to_heatmap
from .lrp import LRP

__all__ = ["METHODS", "explain"]

#: The method names :func:`explain` accepts.
METHODS = ("cam", "grad_cam", "lrp", "gradient_x_input", "random")


def explain(model: nn.Module, x: torch.Tensor, target: Any, method: str, *, seed: int = 0, **options: Any) -> torch.Tensor:
    """A (B, H, W) heatmap of ``x`` for class ``target`` by ``method`` (one of :data:`METHODS`).

    ``"cam"`` needs a :class:`GlobalPoolNet`; ``"grad_cam"`` uses ``model.feature_layer``
    unless ``layer=`` is given; ``"lrp"`` takes ``rule=`` and ``epsilon=``; ``"random"``
    ignores the model (seeded by ``seed``). Input-space attributions are summed over channels.

    Example
    -------
    >>> from dlcourse.xai import GAPNet
    >>> net = GAPNet(channels=(4, 8))
    >>> explain(net, torch.randn(2, 1, 16, 16), 1, "lrp").shape
    torch.Size([2, 16, 16])
    """
    check_choice(method, "method", METHODS)
    if method == "random":
        x = check_images_or_rows(x, "x")
        return random_maps((x.shape[0], *x.shape[-2:]), seed=seed)
    check_model(model)
    if method == "cam":
        return cam(model, x, target, **options)
    if method == "grad_cam":
        layer = options.pop("layer", None) or getattr(model, "feature_layer", None)
        if layer is None:
            raise TypeError("grad_cam needs layer=... for a model without a feature_layer attribute.")
        return grad_cam(model, layer, x, target, **options)
    if method == "lrp":
        return to_heatmap(LRP(model, **options).attribute(x, target))
    return to_heatmap(gradient_x_input(model, x, target))  # "gradient_x_input"
