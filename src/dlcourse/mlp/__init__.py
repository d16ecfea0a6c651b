r"""The perceptron and the multilayer perceptron with hand-written backpropagation (chapter 2).

:class:`Perceptron` is Rosenblatt's single threshold unit and its learning rule.
:class:`MLP` is a fully connected network in NumPy whose :meth:`MLP.forward`
caches what :meth:`MLP.backward` needs, and whose backward pass is the chain rule
written out layer by layer, in the matrix form

.. math::
    \delta^{(L)} = \frac{\partial \mathcal{L}}{\partial z^{(L)}}, \qquad
    \frac{\partial \mathcal{L}}{\partial W^{(l)}} = a^{(l-1)\top} \delta^{(l)}, \qquad
    \frac{\partial \mathcal{L}}{\partial b^{(l)}} = \mathbf{1}^\top \delta^{(l)}, \qquad
    \delta^{(l-1)} = \big(\delta^{(l)} W^{(l)\top}\big) \odot f'\big(z^{(l-1)}\big)

where :math:`a^{(0)} = X` is the input batch, :math:`z^{(l)} = a^{(l-1)} W^{(l)} + b^{(l)}`
the pre-activation and :math:`a^{(l)} = f(z^{(l)})` the activation of layer :math:`l`,
:math:`\delta^{(l)}` the error signal of layer :math:`l` and :math:`\odot` the
element-wise product.
"""
from __future__ import annotations

from ._inputs import one_hot
from .diagnostics import gradient_norms_per_layer
from .network import MAX_PARAMETERS, MLP  # noqa: F401 - MAX_PARAMETERS as before
from .perceptron import Perceptron

__all__ = ["Perceptron", "MLP", "gradient_norms_per_layer", "one_hot"]
