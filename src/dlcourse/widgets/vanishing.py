r"""Vanishing-gradient explorer (chapter 2): gradient norm per layer against depth and activation.

For a freshly initialised :class:`dlcourse.mlp.MLP` the backward pass multiplies the
error signal, layer by layer, by :math:`W^{(l)\top}` and by :math:`f'(z^{(l-1)})`. With
sigmoid units :math:`f' \le 1/4`, so the gradient of the first layers shrinks roughly
geometrically with depth; ReLU (:math:`f' \in \{0, 1\}`) with He initialisation keeps
it of the same order in every layer.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .._validation import check_choice, check_int
from ..mlp import gradient_norms_per_layer

__all__ = ["HIDDEN_ACTIVATIONS", "vanishing_gradients", "render_vanishing", "summarize_vanishing", "vanishing_explorer", "vanishing_figure"]

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu")


def vanishing_gradients(depth: int = 8, activation: str = "sigmoid", width: int = 32, seed: int = 0) -> dict[str, Any]:
    r"""Gradient norms :math:`\lVert \partial\mathcal{L}/\partial W^{(l)} \rVert`, :math:`l = 1 \dots` ``depth + 1``.

    Returns
    -------
    dict with ``norms`` (depth+1,), ``ratio`` (first layer's norm / last layer's),
    and the inputs. See :func:`dlcourse.mlp.gradient_norms_per_layer`.
    """
    depth = check_int(depth, "depth", minimum=1, maximum=50)
    check_choice(activation, "activation", HIDDEN_ACTIVATIONS)
    norms = gradient_norms_per_layer(depth, activation, width=width, seed=seed)
    return {"depth": depth, "activation": activation, "width": width, "norms": norms, "ratio": float(norms[0] / norms[-1])}


def render_vanishing(result: Mapping[str, Any], ax: Any) -> None:
    """Bar chart (log scale) of the gradient norm of every layer, input side on the left."""
    norms = result["norms"]
    layers = np.arange(1, len(norms) + 1)
    ax.bar(layers, norms, color="C0")
    ax.set_yscale("log")
    ax.set_ylim(min(1e-8, norms.min() / 3), 10)
    ax.set_xlabel("layer $l$ (1 = next to the input)")
    ax.set_ylabel("gradient norm $\\|\\partial L / \\partial W^{(l)}\\|$")
    ax.set_title(f"{result['activation']}, {result['depth']} hidden layers: first/last = {result['ratio']:.1e}", fontsize=9)


def summarize_vanishing(result: Mapping[str, Any]) -> str:
    """HTML: the smallest and largest norm and their ratio."""
    n = result["norms"]
    return f"<p>first layer {n[0]:.2e}, last layer {n[-1]:.2e}; ratio {result['ratio']:.2e}</p>"


def vanishing_explorer(depth: int = 8, activation: str = "sigmoid") -> Any:
    """A depth slider and an activation menu; the bar chart of gradient norms per layer."""
    import ipywidgets as widgets

    from ._base import Explorer

    vanishing_gradients(depth, activation)  # validates the arguments
    style = {"description_width": "initial"}
    controls = {
        "depth": widgets.IntSlider(value=depth, min=1, max=20, description="hidden layers", continuous_update=False, style=style),
        "activation": widgets.Dropdown(options=list(HIDDEN_ACTIVATIONS), value=activation, description="activation", style=style),
    }
    return Explorer(controls, vanishing_gradients, render_vanishing, summarize_vanishing, title="Vanishing gradients", figsize=(5.0, 3.2))


def vanishing_figure(depth: int = 10, activations: Sequence[str] = ("sigmoid", "tanh", "relu")) -> Any:
    """Static companion of :func:`vanishing_explorer`: the bar chart for a few activations."""
    from ._base import companion_figure

    return companion_figure(
        vanishing_gradients, render_vanishing,
        [{"depth": depth, "activation": a} for a in activations],
        panel_size=(3.8, 3.0), suptitle=f"Gradient norm per layer at initialisation, {depth} hidden layers of 32 units",
    )
