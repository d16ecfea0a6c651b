"""Class activation maps (CAM), Grad-CAM and gradient x input."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from .._validation import check_choice, check_int, check_type
from ._common import (
    check_images,
    check_images_or_rows,
    check_input_dtype,
    check_model,
    check_target,
    class_scores,
    run_model,
)

__all__ = ["cam", "grad_cam", "gradient_x_input", "upsample"]

_MODES = ("bilinear", "nearest")


def upsample(maps: torch.Tensor, size: tuple[int, int], mode: str = "bilinear") -> torch.Tensor:
    """Resize (B, h, w) maps to (B, H, W) = (B, *size) by interpolation (``F.interpolate``)."""
    check_choice(mode, "mode", _MODES)
    if not isinstance(maps, torch.Tensor):
        raise TypeError(f"maps must be a torch.Tensor of shape (B, h, w); got {type(maps).__name__}.")
    if not maps.is_floating_point():
        raise TypeError(f"maps must be a real floating-point tensor; got dtype {maps.dtype}. Use maps.float().")
    if maps.ndim != 3:
        raise ValueError(f"maps must have shape (B, h, w), one map per image; got {tuple(maps.shape)}.")
    if not isinstance(size, (tuple, list, torch.Size)):
        raise TypeError(f"size must be a pair (H, W) of ints; got {type(size).__name__}. E.g. x.shape[-2:].")
    if len(size) != 2:
        raise ValueError(f"size must be a pair (H, W) of ints; got {tuple(size)!r:.60}. E.g. x.shape[-2:].")
    size = (check_int(size[0], "size[0]", minimum=1, maximum=2**15), check_int(size[1], "size[1]", minimum=1, maximum=2**15))
    extra = {"align_corners": False} if mode == "bilinear" else {}
    return F.interpolate(maps[:, None], size=tuple(size), mode=mode, **extra)[:, 0]  # (B, H, W)


def cam(model: nn.Module, x: torch.Tensor, target: Any, *, upsample_to_input: bool = True, mode: str = "bilinear") -> torch.Tensor:
    r"""Class activation map (Zhou et al., 2016) of a global-pooling CNN.

    .. math:: M_c(i, j) = \sum_{k=1}^{K} w_{ck}\, f_k(i, j)

    where :math:`f_k` is the :math:`k`-th feature map of the last convolutional block
    (``model.features(x)``), :math:`w_{ck}` the weight of the classifier from feature
    map :math:`k` to class :math:`c` = ``target``. For a GAP head the class score is
    :math:`y_c = \frac{1}{hw}\sum_{i,j} M_c(i, j) + b_c`: the map shows *where* the score
    comes from. The five steps: drop the dense layers after the last convolution,
    average each feature map (GAP), one dense layer to the classes, softmax, and for the
    explanation the weighted sum above.

    Parameters
    ----------
    model:
        A module with ``features`` (convolutional part), a global pooling and a
        ``classifier`` ``nn.Linear``, e.g. :class:`~dlcourse.xai.GAPNet`.
    x:
        (B, C, H, W) images.
    target:
        Class index (int) or (B,) indices.
    upsample_to_input:
        Resize the (B, h, w) map to the input's (H, W) (bilinear by default).

    Returns
    -------
    (B, H, W) maps (or (B, h, w) without upsampling). No ReLU: negative values are
    evidence against the class.

    Example
    -------
    >>> from dlcourse.xai import GAPNet
    >>> cam(GAPNet(channels=(4, 8)), torch.randn(2, 1, 16, 16), target=0).shape
    torch.Size([2, 16, 16])
    """
    features = getattr(model, "features", None)
    classifier = getattr(model, "classifier", None)
    if not isinstance(features, nn.Module) or not isinstance(classifier, nn.Linear):
        raise TypeError(
            "cam needs a model with a convolutional `features` part and a `classifier` nn.Linear after "
            f"global pooling (e.g. dlcourse.xai.GAPNet); got {type(model).__name__}. Use grad_cam for other CNNs."
        )
    check_type(upsample_to_input, "upsample_to_input", bool)
    x = check_images(x, "x")
    check_input_dtype(model, x)
    with torch.no_grad():
        f = features(x)  # (B, K, h, w)
        if f.ndim != 4 or f.shape[1] != classifier.in_features:
            raise ValueError(
                f"model.features(x) must give (B, K, h, w) with K = classifier.in_features = "
                f"{classifier.in_features}; got {tuple(f.shape)}."
            )
        idx = check_target(target, x.shape[0], classifier.out_features)
        w = classifier.weight[idx.to(f.device)]  # (B, K): the row of class c for every example
        maps = torch.einsum("bk,bkhw->bhw", w, f)  # (B, h, w)
    return upsample(maps, (x.shape[-2], x.shape[-1]), mode) if upsample_to_input else maps


def grad_cam(
    model: nn.Module,
    layer: nn.Module,
    x: torch.Tensor,
    target: Any,
    *,
    relu: bool = True,
    upsample_to_input: bool = True,
    mode: str = "bilinear",
) -> torch.Tensor:
    r"""Grad-CAM (Selvaraju et al., 2017): CAM for any CNN, with gradients as the weights.

    .. math::
        \alpha_k^c = \frac{1}{hw} \sum_{i,j} \frac{\partial y_c}{\partial A_k(i, j)}, \qquad
        L^c(i, j) = \operatorname{ReLU}\Big(\sum_k \alpha_k^c A_k(i, j)\Big)

    where :math:`A_k` is the :math:`k`-th channel of ``layer``'s output (size
    :math:`h \times w`), :math:`y_c` the score of class :math:`c` = ``target`` and
    :math:`\alpha_k^c` the importance of channel :math:`k` for that class. For a GAP
    network and the last feature maps :math:`\alpha_k^c = w_{ck}/(hw)`, so Grad-CAM is
    :math:`\operatorname{ReLU}(M_c)/(hw)`: it generalises CAM. Equals Captum's
    ``LayerGradCam(..., relu_attributions=True)`` followed by ``LayerAttribution.interpolate``.

    Parameters
    ----------
    model:
        Any module returning (B, classes) scores.
    layer:
        A submodule of ``model`` whose output is (B, K, h, w), usually the last
        convolutional block (``GAPNet.feature_layer``).
    x, target:
        (B, C, H, W) images and the class index (int or (B,)).
    relu:
        Keep only positive evidence (the paper's choice).

    Returns
    -------
    (B, H, W) maps (or (B, h, w) without upsampling).
    """
    model = check_model(model)
    if not isinstance(layer, nn.Module) or not any(m is layer for m in model.modules()):
        raise TypeError(f"layer must be a submodule of model (e.g. model.feature_layer); got {type(layer).__name__}.")
    check_type(relu, "relu", bool)
    check_type(upsample_to_input, "upsample_to_input", bool)
    x = check_images(x, "x")
    saved: dict[str, torch.Tensor] = {}

    def keep(module: nn.Module, inputs: Any, output: torch.Tensor) -> None:
        saved["A"] = output

    handle = layer.register_forward_hook(keep)
    try:
        with torch.enable_grad():
            out = run_model(model, x.detach())  # (B, classes)
            idx = check_target(target, out.shape[0], out.shape[1])
            A = saved["A"]  # (B, K, h, w)
            if A.ndim != 4:
                raise ValueError(f"layer must output (B, K, h, w) feature maps; got {tuple(A.shape)}.")
            (dA,) = torch.autograd.grad(class_scores(out, idx).sum(), A)  # (B, K, h, w)
    finally:
        handle.remove()
    alpha = dA.mean(dim=(2, 3), keepdim=True)  # (B, K, 1, 1)
    maps = (alpha * A.detach()).sum(dim=1)  # (B, h, w)
    if relu:
        maps = maps.clamp(min=0)
    return upsample(maps, (x.shape[-2], x.shape[-1]), mode) if upsample_to_input else maps


def gradient_x_input(model: nn.Module, x: torch.Tensor, target: Any) -> torch.Tensor:
    r"""Gradient times input: :math:`R_i = x_i\, \partial y_c / \partial x_i`.

    where :math:`x_i` is input feature :math:`i` and :math:`y_c` the score of class
    :math:`c` = ``target``. For a ReLU network without biases it equals LRP with the
    epsilon rule at :math:`\epsilon = 0` (LRP-0) and its sum is exactly :math:`y_c`.

    Returns a tensor shaped like ``x`` (B, ...). Matches Captum's ``InputXGradient``.
    """
    model = check_model(model)
    x = check_images_or_rows(x, "x").detach().requires_grad_(True)
    with torch.enable_grad():
        out = run_model(model, x)  # (B, classes)
        idx = check_target(target, out.shape[0], out.shape[1])
        (grad,) = torch.autograd.grad(class_scores(out, idx).sum(), x)
    return (x * grad).detach()
