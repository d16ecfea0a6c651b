"""How the gradient's size changes from layer to layer of an :class:`~dlcourse.mlp.MLP` (chapter 2)."""
from __future__ import annotations

import numpy as np

from .._validation import check_int
from .network import MLP

__all__ = ["gradient_norms_per_layer"]


def gradient_norms_per_layer(
    depth: int,
    activation: str = "sigmoid",
    *,
    width: int = 32,
    n_samples: int = 128,
    n_inputs: int = 16,
    seed: int = 0,
) -> np.ndarray:
    r"""Frobenius norm :math:`\lVert \partial \mathcal{L} / \partial W^{(l)} \rVert` of every layer at initialisation.

    Builds an :class:`MLP` with ``depth`` hidden layers of ``width`` units, standard
    initialisation, a 2-class softmax output and cross-entropy, runs one forward and
    backward pass on ``n_samples`` random Gaussian inputs with random labels, and returns
    the ``depth + 1`` gradient norms, first layer first. With sigmoid units they shrink
    roughly geometrically towards the input (each layer multiplies by at most
    :math:`\max \sigma' = 1/4` times a weight): the vanishing gradient.
    """
    depth = check_int(depth, "depth", minimum=1, maximum=100)
    width = check_int(width, "width", minimum=1, maximum=10_000)
    n_samples = check_int(n_samples, "n_samples", minimum=1, maximum=1_000_000)
    n_inputs = check_int(n_inputs, "n_inputs", minimum=1, maximum=100_000)
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_inputs))
    y = rng.integers(0, 2, size=n_samples)
    net = MLP([n_inputs] + [width] * depth + [2], activation=activation, output="softmax", loss="cross_entropy", seed=seed)
    net.forward(X)
    grads = net.backward(y)
    return np.array([np.linalg.norm(g) for g in grads[0::2]])
