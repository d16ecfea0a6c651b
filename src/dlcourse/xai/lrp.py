"""Layer-wise relevance propagation (LRP) for sequential networks.

The network's score for one class is its *relevance*; LRP hands it back layer by
layer to the inputs so that, at every layer, the relevances add up to the score
(conservation). Each layer kind has its rule; this module implements the
epsilon rule, the z+ rule and the alpha-beta rule for ``nn.Linear`` and ``nn.Conv2d``,
passes relevance unchanged through element-wise activations, redistributes it in
proportion to the inputs through pooling, and reshapes it through ``nn.Flatten``.
"""
from __future__ import annotations

from typing import Any, Callable, cast

import torch
from torch import nn
from torch.nn import functional as F

from .._validation import check_choice, check_float
from ._common import check_images_or_rows, check_input_dtype, check_target, class_scores

__all__ = ["LRP", "RULES", "lrp_leaves"]

RULES = ("epsilon", "zplus", "alphabeta")

_WEIGHTED = (nn.Linear, nn.Conv2d)
_POOLING = (nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)
_PASS_THROUGH = (nn.ReLU, nn.Dropout, nn.Identity)
_STABILISER = 1e-9  # the denominator guard of the z+ and alpha-beta rules (as in Captum)


def lrp_leaves(model: nn.Module) -> list[nn.Module]:
    """The layers of a (possibly nested) ``nn.Sequential`` in execution order.

    Raises ``TypeError`` if ``model`` is not an ``nn.Sequential`` or holds a layer
    LRP has no rule for, naming that layer.
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError(
            f"model must be an nn.Sequential (possibly nested) of Linear, Conv2d, ReLU, pooling and "
            f"Flatten layers; got {type(model).__name__}. Rewrite the forward pass as an nn.Sequential."
        )
    leaves: list[nn.Module] = []
    for name, layer in model.named_children():
        if isinstance(layer, nn.Sequential):
            leaves.extend(lrp_leaves(layer))
        elif isinstance(layer, _WEIGHTED + _POOLING + _PASS_THROUGH + (nn.Flatten,)):
            leaves.append(layer)
        else:
            raise TypeError(
                f"LRP has no rule for layer {name!r} of type {type(layer).__name__}; supported layers are "
                "Linear, Conv2d, ReLU, Dropout, Identity, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, "
                "AdaptiveMaxPool2d and Flatten."
            )
    return leaves


def _stabilise(z: torch.Tensor, eps: float) -> torch.Tensor:
    """``z + eps * sign(z)`` with ``sign(0) = 1``: moves every denominator away from zero."""
    return z + eps * torch.where(z >= 0, 1.0, -1.0).to(z.dtype)


def _safe_divide(num: torch.Tensor, den: torch.Tensor) -> torch.Tensor:
    """``num / den`` with 0 where ``den`` is exactly 0 (only possible when epsilon = 0)."""
    return torch.where(den == 0, torch.zeros_like(num), num / torch.where(den == 0, torch.ones_like(den), den))


def _affine(layer: nn.Module) -> Callable[[torch.Tensor, torch.Tensor, torch.Tensor | None], torch.Tensor]:
    """The layer's map as a function of (input, weight, bias), to apply it with modified weights."""
    if isinstance(layer, nn.Linear):
        return F.linear
    conv = cast(nn.Conv2d, layer)

    def apply(a: torch.Tensor, w: torch.Tensor, b: torch.Tensor | None) -> torch.Tensor:
        return F.conv2d(a, w, b, conv.stride, conv.padding, conv.dilation, conv.groups)

    return apply


def _redistribute(
    a: torch.Tensor, z: torch.Tensor, relevance: torch.Tensor, eps: float
) -> torch.Tensor:
    r"""One proportional step :math:`R_j = a_j \sum_k w_{jk} R_k / (z_k + \epsilon\,\mathrm{sign}\,z_k)`.

    ``z`` must be computed from ``a`` (which requires grad); the sum over :math:`k` is
    the gradient of :math:`\sum_k z_k s_k` with :math:`s_k` held constant.
    """
    s = _safe_divide(relevance, _stabilise(z, eps)).detach()  # (B, ...) like z
    (c,) = torch.autograd.grad(z, a, grad_outputs=s, retain_graph=False)  # (B, ...) like a
    return a * c


def _signed_share(
    fn: Callable[..., torch.Tensor],
    a_pos: torch.Tensor,
    a_neg: torch.Tensor,
    w_for_pos: torch.Tensor,
    w_for_neg: torch.Tensor,
    relevance: torch.Tensor,
) -> torch.Tensor:
    r"""Hand ``relevance`` back in proportion to one sign of the contributions :math:`a_j w_{jk}`.

    With ``(w_for_pos, w_for_neg) = (w+, w-)`` the contributions are the positive ones,
    :math:`z^+_k = \sum_j (a^+_j w^+_{jk} + a^-_j w^-_{jk})`, and the result is
    :math:`\sum_k (a_j w_{jk})^+ R_k / z^+_k`; with ``(w-, w+)`` the negative ones.
    """
    a_pos = a_pos.clone().requires_grad_(True)
    a_neg = a_neg.clone().requires_grad_(True)
    out_pos, out_neg = fn(a_pos, w_for_pos, None), fn(a_neg, w_for_neg, None)  # (B, ...) each
    s = _safe_divide(relevance, _stabilise(out_pos + out_neg, _STABILISER)).detach()
    c_pos, c_neg = torch.autograd.grad((out_pos, out_neg), (a_pos, a_neg), grad_outputs=(s, s))
    return a_pos * c_pos + a_neg * c_neg


class LRP:
    r"""Layer-wise relevance propagation (Bach et al., 2015) for ``nn.Sequential`` models.

    The relevance of the output neuron of class ``target`` is its score,
    :math:`R^{(L)}_c = f_c(x)` (all other outputs get 0). For a linear or convolutional
    layer :math:`z_k = \sum_j a_j w_{jk} + b_k` the relevance of its outputs
    :math:`R_k` is handed back to its inputs :math:`a_j` by one of three rules:

    .. math::
        \text{epsilon:}\quad R_j = \sum_k \frac{a_j w_{jk}}{z_k + \epsilon\,\operatorname{sign}(z_k)} R_k

        \text{z+:}\quad R_j = \sum_k \frac{(a_j w_{jk})^+}{\sum_{j'} (a_{j'} w_{j'k})^+} R_k

        \text{alpha-beta:}\quad R_j = \sum_k \Big(\alpha \frac{(a_j w_{jk})^+}{\sum_{j'} (a_{j'} w_{j'k})^+}
            - \beta \frac{(a_j w_{jk})^-}{\sum_{j'} (a_{j'} w_{j'k})^-}\Big) R_k

    where :math:`a_j` is the layer's input :math:`j`, :math:`w_{jk}` the weight from
    :math:`j` to output :math:`k`, :math:`b_k` the bias, :math:`(\cdot)^+ = \max(0, \cdot)`,
    :math:`(\cdot)^- = \min(0, \cdot)`, and :math:`\alpha - \beta = 1` (z+ is
    :math:`\alpha = 1, \beta = 0`). Summing over :math:`j` shows the *conservation*
    property: :math:`\sum_j R_j = \sum_k R_k` for z+ and alpha-beta (for every output
    :math:`k` whose positive, and for alpha-beta negative, contributions are not all zero),
    and for the epsilon rule up to what the bias and :math:`\epsilon` absorb,
    :math:`\sum_j R_j = \sum_k R_k (z_k - b_k) / (z_k + \epsilon\,\operatorname{sign} z_k)`.

    Element-wise activations (ReLU, Dropout in eval mode) pass relevance unchanged;
    pooling layers redistribute it with the epsilon rule applied to the pooling map
    (max pooling: all to the winner; average pooling: in proportion to the inputs);
    ``nn.Flatten`` reshapes it. This matches Captum's ``LRP`` with its default
    ``EpsilonRule`` on every layer.

    Parameters
    ----------
    model:
        An ``nn.Sequential`` (possibly nested) of ``Linear``, ``Conv2d``, ``ReLU``,
        ``Dropout``, ``Identity``, ``MaxPool2d``, ``AvgPool2d``, ``AdaptiveAvgPool2d``,
        ``AdaptiveMaxPool2d`` and ``Flatten``. Any other layer raises ``TypeError``.
    rule:
        ``"epsilon"`` (default), ``"zplus"`` or ``"alphabeta"``; used for the Linear and
        Conv2d layers.
    epsilon:
        The stabiliser :math:`\epsilon \ge 0` of the epsilon rule (0 gives LRP-0).
    alpha, beta:
        The weights of the alpha-beta rule; :math:`\alpha - \beta` must be 1.

    Shapes: ``attribute(x, target)`` takes ``x`` of shape (B, ...) as the model expects
    and returns the input relevance of the same shape.

    Example
    -------
    >>> net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    >>> x = torch.randn(5, 3)
    >>> R = LRP(net, rule="zplus").attribute(x, target=1)
    >>> R.shape
    torch.Size([5, 3])
    """

    def __init__(
        self,
        model: nn.Module,
        rule: str = "epsilon",
        epsilon: float = 1e-6,
        *,
        alpha: float = 2.0,
        beta: float = 1.0,
    ) -> None:
        self.model = model
        self.layers = lrp_leaves(model)
        self.rule = check_choice(rule, "rule", RULES)
        self.epsilon = check_float(epsilon, "epsilon", minimum=0.0)
        self.alpha = check_float(alpha, "alpha", minimum=1.0)
        self.beta = check_float(beta, "beta", minimum=0.0)
        if abs(self.alpha - self.beta - 1.0) > 1e-12:
            raise ValueError(
                f"alpha - beta must be 1 so that relevance is conserved; got alpha={alpha}, beta={beta}. "
                "Try alpha=2, beta=1 or alpha=1, beta=0 (the z+ rule)."
            )

    # ------------------------------------------------------------------ rules
    def _weighted(self, layer: nn.Module, a: torch.Tensor, relevance: torch.Tensor) -> torch.Tensor:
        fn = _affine(layer)
        weighted = cast(nn.Linear | nn.Conv2d, layer)
        w = weighted.weight.detach()
        b = None if weighted.bias is None else weighted.bias.detach()
        if self.rule == "epsilon":
            a = a.detach().requires_grad_(True)
            return _redistribute(a, fn(a, w, b), relevance, self.epsilon)  # bias in the denominator
        # z+ and alpha-beta split every contribution a_j w_jk by its sign; the bias is ignored
        alpha, beta = (1.0, 0.0) if self.rule == "zplus" else (self.alpha, self.beta)
        a_pos, a_neg = a.detach().clamp(min=0), a.detach().clamp(max=0)
        w_pos, w_neg = w.clamp(min=0), w.clamp(max=0)
        # (a w)^+ comes from a+ w+ and a- w-; (a w)^- from a+ w- and a- w+
        relevance_in = alpha * _signed_share(fn, a_pos, a_neg, w_pos, w_neg, relevance)
        if beta > 0:
            relevance_in = relevance_in - beta * _signed_share(fn, a_pos, a_neg, w_neg, w_pos, relevance)
        return relevance_in

    def _pooling(self, layer: nn.Module, a: torch.Tensor, relevance: torch.Tensor) -> torch.Tensor:
        a = a.detach().requires_grad_(True)
        return _redistribute(a, layer(a), relevance, self.epsilon)

    # --------------------------------------------------------------- public
    def attribute(self, inputs: torch.Tensor, target: Any) -> torch.Tensor:
        r"""Relevance of every input feature for the score of class ``target``.

        Parameters
        ----------
        inputs:
            (B, ...) tensor the model accepts, e.g. (B, C, H, W) images or (B, D) rows.
        target:
            An int (the same class for every example) or a (B,) integer tensor/sequence.

        Returns
        -------
        (B, ...) tensor shaped like ``inputs``; its sum over all but the batch axis
        equals the class score up to what biases and :math:`\epsilon` absorb.
        """
        x = check_images_or_rows(inputs, "inputs")
        check_input_dtype(self.model, x, "inputs")
        activations = [x.detach()]
        with torch.no_grad():
            try:
                for layer in self.layers:
                    activations.append(layer(activations[-1]))
            except RuntimeError as err:
                raise ValueError(
                    f"inputs of shape {tuple(x.shape)} do not fit the model ({str(err).splitlines()[0][:160]}). "
                    "Pass inputs with the shape the model was built for."
                ) from err
        out = activations[-1]
        if out.ndim != 2:
            raise ValueError(f"the model must return scores of shape (batch, classes); got {tuple(out.shape)}.")
        idx = check_target(target, out.shape[0], out.shape[1], inputs="inputs")
        relevance = torch.zeros_like(out)
        relevance[torch.arange(out.shape[0]), idx] = class_scores(out, idx)  # R^(L) = f_c(x)
        for layer, a in zip(reversed(self.layers), reversed(activations[:-1])):
            if isinstance(layer, _WEIGHTED):
                relevance = self._weighted(layer, a, relevance)
            elif isinstance(layer, _POOLING):
                relevance = self._pooling(layer, a, relevance)
            elif isinstance(layer, nn.Flatten):
                relevance = relevance.reshape(a.shape)  # (B, C*H*W) -> (B, C, H, W)
            # ReLU, Dropout, Identity: relevance passes unchanged
        return relevance.detach()

    def __repr__(self) -> str:
        extra = f"epsilon={self.epsilon:g}" if self.rule == "epsilon" else f"alpha={self.alpha:g}, beta={self.beta:g}"
        return f"LRP(rule={self.rule!r}, {extra}, layers={len(self.layers)})"
