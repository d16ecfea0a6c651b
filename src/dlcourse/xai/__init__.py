"""Explainable AI (chapter 12): LRP, CAM, Grad-CAM and measuring explanations.

Explainers follow Captum's convention: built from the model, one ``attribute(inputs,
target)`` method (or a function of ``(model, x, target)``) returning relevance shaped
like the input or a (B, H, W) map. Evaluation functions score maps against known
object masks. Requires PyTorch; the oracle tests compare with Captum.

- :class:`LRP`: layer-wise relevance propagation (epsilon, z+, alpha-beta rules).
- :func:`cam`, :func:`grad_cam`, :func:`gradient_x_input`.
- :class:`GAPNet`, :class:`GMPNet`: CNNs with a global average / max pooling head.
- :func:`pointing_game`, :func:`mass_inside`, :func:`spot_size`, :func:`deletion_curve`,
  :func:`deletion_auc`, :func:`random_maps`.
- :func:`explain`: any of the methods by name, as a (B, H, W) map.
"""
from __future__ import annotations

from .cam import cam, grad_cam, gradient_x_input, upsample
from .evaluation import deletion_auc, deletion_curve, mass_inside, pointing_game, random_maps, spot_size, to_heatmap
from .explain import METHODS, explain
from .lrp import LRP, RULES, lrp_leaves
from .models import GAPNet, GlobalPoolNet, GMPNet

__all__ = [
    "LRP",
    "RULES",
    "lrp_leaves",
    "cam",
    "grad_cam",
    "gradient_x_input",
    "upsample",
    "GAPNet",
    "GMPNet",
    "GlobalPoolNet",
    "METHODS",
    "explain",
    "to_heatmap",
    "random_maps",
    "pointing_game",
    "mass_inside",
    "spot_size",
    "deletion_curve",
    "deletion_auc",
]
