"""The perceptron and the multilayer perceptron with hand-written backpropagation (chapter 2).

- :mod:`.perceptron`: :class:`Perceptron`, Rosenblatt's threshold unit and its learning rule;
- :mod:`.network`: :class:`MLP`, a fully connected network in NumPy whose backward pass is the
  chain rule written out layer by layer (the equations are in that module's docstring);
- :mod:`.diagnostics`: :func:`gradient_norms_per_layer`, how the gradient's size changes from
  layer to layer;
- :func:`one_hot` targets for a softmax output.
"""
from __future__ import annotations

from ._inputs import one_hot
from .diagnostics import gradient_norms_per_layer
from .network import MAX_PARAMETERS, MLP  # noqa: F401 - MAX_PARAMETERS as before
from .perceptron import Perceptron

__all__ = ["Perceptron", "MLP", "gradient_norms_per_layer", "one_hot"]
