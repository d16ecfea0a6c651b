r"""Activation functions and their derivatives, in NumPy (chapter 2).

Every activation :math:`f` comes with its derivative :math:`f'`, written out by hand
so that backpropagation (:mod:`dlcourse.mlp`) can use it:

=============  ===========================================  ==========================================
name           :math:`f(x)`                                 :math:`f'(x)`
=============  ===========================================  ==========================================
sigmoid        :math:`\sigma(x) = 1 / (1 + e^{-x})`          :math:`\sigma(x)\,(1 - \sigma(x))`
tanh           :math:`\tanh x`                              :math:`1 - \tanh^2 x`
relu           :math:`\max(0, x)`                           :math:`1` if :math:`x > 0` else :math:`0`
leaky_relu     :math:`\max(s x, x)`, :math:`0 < s < 1`       :math:`1` if :math:`x > 0` else :math:`s`
elu            :math:`x` if :math:`x > 0` else               :math:`1` if :math:`x > 0` else
               :math:`\alpha (e^x - 1)`                     :math:`\alpha e^x`
maxout         :math:`\max_j z_j` over :math:`k` pieces       one-hot of the arg-max piece
=============  ===========================================  ==========================================

:func:`softmax` (with an ``axis`` and a ``temperature``) turns a vector of scores into
probabilities. This module holds the book's one NumPy sigmoid and one NumPy softmax;
every other module imports them from here.

At the kink :math:`x = 0` of ReLU and leaky ReLU the derivative is taken as the left
one (0, resp. :math:`s`), the same convention as ``torch.autograd``.

NaN in, NaN out: every activation and every derivative returns NaN where its input is
NaN (as ``torch.relu`` does), so a diverging network shows NaN instead of a plausible 0.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ._validation import as_float_array, check_float, check_int

__all__ = [
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "relu",
    "relu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "elu",
    "elu_grad",
    "identity",
    "identity_grad",
    "maxout",
    "maxout_grad",
    "softmax",
    "ACTIVATIONS",
    "get_activation",
]


def _array(x: Any, name: str = "x") -> np.ndarray:
    # None, strings, objects and complex numbers are rejected with a message (issue 29).
    return as_float_array(x, name)


def sigmoid(x: Any) -> np.ndarray:
    r"""Logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`, element-wise.

    Computed stably: for :math:`x < 0` as :math:`e^{x} / (1 + e^{x})`, so that
    :math:`e^{-x}` never overflows.

    Shape: any; the output has the shape of ``x``.

    Args:
        x: a number or an array-like of real numbers (a torch tensor is detached).

    Returns:
        :math:`\sigma(x)` as a float array of the shape of ``x``.

    Raises:
        TypeError: ``x`` is None, text, objects or complex.

    Example:
        >>> float(np.round(sigmoid(1.6), 3))
        0.832
        >>> sigmoid([0.0, 1000.0, -1000.0]).tolist()
        [0.5, 1.0, 0.0]
    """
    x = _array(x)
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(x: Any) -> np.ndarray:
    r""":math:`\sigma'(x) = \sigma(x)(1 - \sigma(x))`; at most 1/4, reached at :math:`x = 0`."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x: Any) -> np.ndarray:
    r"""Hyperbolic tangent :math:`\tanh x = (e^x - e^{-x}) / (e^x + e^{-x}) = 2\sigma(2x) - 1`."""
    return np.tanh(_array(x))


def tanh_grad(x: Any) -> np.ndarray:
    r""":math:`\tanh'(x) = 1 - \tanh^2 x`; at most 1, reached at :math:`x = 0`."""
    t = np.tanh(_array(x))
    return 1.0 - t * t


def relu(x: Any) -> np.ndarray:
    r"""Rectified linear unit :math:`\max(0, x)`; NaN stays NaN (as in ``torch.relu``)."""
    return np.maximum(_array(x), 0.0)  # np.maximum propagates NaN; np.where(x > 0, x, 0) would hide it


def relu_grad(x: Any) -> np.ndarray:
    r""":math:`\mathrm{relu}'(x) = 1` for :math:`x > 0`, else 0; NaN where ``x`` is NaN."""
    return np.heaviside(_array(x), 0.0)  # the step function: 0 at x <= 0, 1 above, NaN at NaN


def leaky_relu(x: Any, slope: float = 0.1) -> np.ndarray:
    r"""Leaky ReLU :math:`\max(s x, x)` with a small ``slope`` :math:`s \in (0, 1)` (default 0.1).

    Unlike ReLU its derivative is never 0, so a unit cannot "die".
    """
    s = check_float(slope, "slope", minimum=0.0, maximum=1.0)
    x = _array(x)
    return np.where(x > 0, x, s * x)


def leaky_relu_grad(x: Any, slope: float = 0.1) -> np.ndarray:
    r""":math:`1` for :math:`x > 0`, else the ``slope`` :math:`s`."""
    s = check_float(slope, "slope", minimum=0.0, maximum=1.0)
    return s + (1.0 - s) * np.heaviside(_array(x), 0.0)  # 1 above 0, s at and below, NaN at NaN


def elu(x: Any, alpha: float = 1.0) -> np.ndarray:
    r"""Exponential linear unit: :math:`x` for :math:`x > 0`, else :math:`\alpha (e^x - 1)`.

    Smooth at 0 for :math:`\alpha = 1`; negative outputs saturate at :math:`-\alpha`.
    """
    a = check_float(alpha, "alpha", minimum=0.0)
    x = _array(x)
    return np.where(x > 0, x, a * np.expm1(np.minimum(x, 0.0)))


def elu_grad(x: Any, alpha: float = 1.0) -> np.ndarray:
    r""":math:`1` for :math:`x > 0`, else :math:`\alpha e^x`."""
    a = check_float(alpha, "alpha", minimum=0.0)
    x = _array(x)
    return np.where(x > 0, 1.0, a * np.exp(np.minimum(x, 0.0)))


def identity(x: Any) -> np.ndarray:
    """The identity :math:`f(x) = x` (the output unit of a regression network)."""
    return _array(x).copy()


def identity_grad(x: Any) -> np.ndarray:
    """The derivative of the identity: ones (NaN where ``x`` is NaN, as every other gradient here)."""
    x = _array(x)
    return np.where(np.isnan(x), np.nan, 1.0)


def maxout(z: Any) -> np.ndarray:
    r"""Maxout: the largest of :math:`k` linear pieces, :math:`\max_{j=1..k} z_{\dots j}`.

    A maxout unit computes :math:`k` affine functions :math:`z_j = w_j^\top x + b_j`
    of its input and outputs the largest; with enough pieces it approximates any
    convex function (ReLU is maxout of the pieces :math:`0` and :math:`x`).

    Shape: ``z`` is ``(..., k)``, the pieces on the last axis; the output is ``(...)``.
    """
    z = _array(z, "z")
    if z.ndim < 1 or z.shape[-1] < 1:
        raise ValueError(f"z must hold the k >= 1 pieces on its last axis, shape (..., k); got shape {z.shape}.")
    return z.max(axis=-1)


def maxout_grad(z: Any) -> np.ndarray:
    r""":math:`\partial\, \mathrm{maxout}(z) / \partial z_j`: 1 for the (first) arg-max piece, 0 elsewhere.

    Shape: ``(..., k)``, like ``z``. A row holding NaN has no arg-max: its gradient is NaN.
    """
    z = _array(z, "z")
    if z.ndim < 1 or z.shape[-1] < 1:
        raise ValueError(f"z must hold the k >= 1 pieces on its last axis, shape (..., k); got shape {z.shape}.")
    k = z.shape[-1]
    grad = np.eye(k)[z.argmax(axis=-1)]  # (..., k) one-hot
    grad[np.isnan(z).any(axis=-1)] = np.nan
    return grad


def softmax(z: Any, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    r"""Softmax of the scores ``z`` along ``axis`` at ``temperature`` :math:`T > 0`.

    .. math::
        p_i = \frac{\exp(z_i / T)}{\sum_j \exp(z_j / T)}

    Low temperatures sharpen the distribution towards the arg-max, high ones flatten it
    towards uniform. Computed stably: the largest scaled score is subtracted before
    exponentiating, so :math:`e^{(\cdot)} \le 1` never overflows.

    Args:
        z: scores (logits), any shape with at least one dimension.
        axis: the axis that holds the classes (default: the last).
        temperature: :math:`T`, a finite number > 0 (default 1).

    Returns:
        Probabilities of the shape of ``z``, summing to 1 along ``axis``.

    Raises:
        TypeError: ``z`` is not an array-like of real numbers.
        ValueError: ``z`` is 0-dimensional or not finite, ``axis`` out of range,
            ``temperature`` not > 0.

    Example:
        >>> np.round(softmax([2.0, 1.0, 0.1]), 3).tolist()
        [0.659, 0.242, 0.099]
        >>> np.round(softmax([[0.0, 0.0], [1000.0, 0.0]], axis=1), 3).tolist()
        [[0.5, 0.5], [1.0, 0.0]]
    """
    z = as_float_array(z, "z", finite=True)
    if z.ndim == 0:
        raise ValueError("z must have at least one dimension (the classes); got a scalar. Pass [z1, z2, ...].")
    axis = check_int(axis, "axis", minimum=-z.ndim, maximum=z.ndim - 1)
    t = check_float(temperature, "temperature", minimum=0.0, strict_minimum=True)
    scaled = z / t
    scaled = scaled - scaled.max(axis=axis, keepdims=True)  # exp(0) = 1 at most: no overflow
    e = np.exp(scaled)
    return e / e.sum(axis=axis, keepdims=True)


#: The element-wise activations by name: ``{name: (f, f')}``.
ACTIVATIONS: dict[str, tuple[Callable[[Any], np.ndarray], Callable[[Any], np.ndarray]]] = {
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "elu": (elu, elu_grad),
    "identity": (identity, identity_grad),
}


def get_activation(name: str) -> tuple[Callable[[Any], np.ndarray], Callable[[Any], np.ndarray]]:
    """Return ``(f, f_grad)`` for an element-wise activation ``name`` (a key of :data:`ACTIVATIONS`)."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        listed = ", ".join(repr(k) for k in ACTIVATIONS)
        raise ValueError(
            f"name must be one of {listed}; got {name!r:.60}. An activation must be one of these names "
            "(the keys of ACTIVATIONS)."
        )
    return ACTIVATIONS[name]
