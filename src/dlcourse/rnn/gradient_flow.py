r"""How far a gradient travels back in time: the norm of :math:`\partial h_T / \partial h_k`.

By the chain rule the Jacobian of a late state with respect to an early one is a product
of one-step Jacobians,

.. math::
    \frac{\partial h_T}{\partial h_k} = \prod_{t=k+1}^{T} \frac{\partial h_t}{\partial h_{t-1}}
    = \prod_{t=k+1}^{T} \operatorname{diag}\big(\phi'(a_t)\big)\, W_{hh},

where :math:`\phi` is the activation (:math:`\tanh`, or the identity for a linear RNN),
:math:`a_t` the pre-activation at step :math:`t` and :math:`W_{hh}` the recurrent weights.
With :math:`W_{hh} = \rho Q` for an orthogonal :math:`Q` (spectral radius :math:`\rho`) the
linear RNN gives exactly :math:`\lVert \partial h_T / \partial h_k \rVert_2 = \rho^{T-k}`:
vanishing for :math:`\rho < 1`, exploding for :math:`\rho > 1`. Such a :math:`W_{hh}` is
normal, so all its singular values equal :math:`\rho` too, and since :math:`0 < \tanh' \le 1`
a tanh RNN stays below :math:`\rho^{T-k}`. For a general :math:`W_{hh}` the bound a tanh RNN
obeys is :math:`\sigma_{\max}(W_{hh})^{T-k}` with the largest *singular value*: a non-normal
matrix with spectral radius below 1 can still make the tanh RNN's gradient explode (chapter 6).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_choice, check_float, check_int

__all__ = ["gradient_flow"]

_MAX_WORK = 10**10  # seq_len * hidden_size**3, the multiply-adds of the Jacobian products (seconds)


def gradient_flow(
    spectral_radius: float = 1.0, seq_len: int = 50, *, hidden_size: int = 32,
    activation: str = "linear", input_scale: float = 0.5, seed: int = 0,
) -> dict[str, Any]:
    r"""Spectral norms of :math:`\partial h_T/\partial h_k` for every lag :math:`T - k`.

    The RNN has :math:`W_{hh} = \rho Q` (``Q`` a random orthogonal matrix, so the spectral
    radius is exactly :math:`\rho`), starts at :math:`h_0 = 0`, and is driven by Gaussian inputs
    of standard deviation ``input_scale`` added to the pre-activation.

    Returns
    -------
    dict with ``lags`` ``(T + 1,)`` = 0..T, ``norms`` ``(T + 1,)`` (the norm at lag 0 is 1),
    ``bound`` = :math:`\rho^{\text{lag}}`, ``spectral_radius``, ``seq_len``, ``activation``
    and ``final_norm`` (the norm at lag T).

    Example
    -------
    >>> out = gradient_flow(0.9, 10)
    >>> round(out["final_norm"], 6) == round(0.9 ** 10, 6)
    True
    """
    rho = check_float(spectral_radius, "spectral_radius", minimum=0.0, strict_minimum=True)
    T = check_int(seq_len, "seq_len", minimum=1)
    H = check_int(hidden_size, "hidden_size", minimum=1)
    activation = check_choice(activation, "activation", ("linear", "tanh"))
    if T * H**3 > _MAX_WORK:
        raise ValueError(
            f"seq_len * hidden_size**3 must be at most {_MAX_WORK:,} (one hidden_size x hidden_size matrix "
            f"product per lag); got seq_len={T:,}, hidden_size={H:,}. Pass a shorter seq_len or a smaller "
            f"hidden_size (the chapter uses 50 and 32)."
        )
    scale = check_float(input_scale, "input_scale", minimum=0.0)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    Q, R = np.linalg.qr(rng.normal(size=(H, H)))
    Q = Q * np.sign(np.diag(R))  # a uniformly random orthogonal matrix
    W = rho * Q  # (H, H), spectral radius rho
    h = np.zeros(H)
    slopes = np.empty((T, H))  # phi'(a_t) for t = 1..T
    for t in range(T):
        a = W @ h + scale * rng.normal(size=H)  # (H,)
        h = np.tanh(a) if activation == "tanh" else a
        slopes[t] = 1.0 - h**2 if activation == "tanh" else 1.0
    norms = np.empty(T + 1)
    J = np.eye(H)  # dh_T / dh_T
    norms[0] = 1.0
    for lag in range(1, T + 1):
        t = T - lag  # multiply by dh_{t+1}/dh_t = diag(phi'(a_{t+1})) W on the right
        J = J @ (slopes[t][:, None] * W)  # (H, H)
        norms[lag] = np.linalg.norm(J, 2)
    lags = np.arange(T + 1)
    return {
        "lags": lags,
        "norms": norms,
        "bound": rho ** lags.astype(float),
        "spectral_radius": rho,
        "seq_len": T,
        "activation": activation,
        "final_norm": float(norms[-1]),
    }
