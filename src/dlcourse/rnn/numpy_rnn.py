r"""A vanilla recurrent network in NumPy with a hand-written backward pass (BPTT).

The forward pass and its backward sit side by side; the values the backward pass
needs are cached under the names of the symbols in the equations
(``x``, ``h``, ``W_xh``, ``W_hh``). Conventions follow :class:`torch.nn.RNN`, so the
weights can be copied both ways:

.. math::
    a_t = x_t W_{xh}^\top + h_{t-1} W_{hh}^\top + b_h, \qquad h_t = \tanh(a_t)

where :math:`x_t` is the input at step :math:`t` (a row per example), :math:`h_{t-1}`
the previous hidden state (:math:`h_{-1} = h_0`, the initial state), :math:`W_{xh}`
of shape ``(H, D)`` the input-to-hidden weights (``U`` in the syllabus),
:math:`W_{hh}` of shape ``(H, H)`` the hidden-to-hidden weights (``W``),
:math:`b_h` the bias (``b``; PyTorch splits it into ``bias_ih + bias_hh``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from .._validation import as_float_array, check_float, check_int, check_ndim, check_num_parameters, check_shape

__all__ = [
    "RNNCache",
    "init_rnn_params",
    "rnn_step_forward",
    "rnn_step_backward",
    "rnn_forward",
    "rnn_backward",
    "clip_grad_norm",
]

_KEYS = ("W_xh", "W_hh", "b_h")


@dataclass
class RNNCache:
    """What :func:`rnn_backward` needs from :func:`rnn_forward`.

    Attributes
    ----------
    x : ``(B, T, D)`` the inputs.
    h0 : ``(B, H)`` the initial state.
    h : ``(B, T, H)`` every hidden state :math:`h_0 \\dots h_{T-1}` (BPTT keeps them all).
    W_xh, W_hh : the weights used, ``(H, D)`` and ``(H, H)``.
    """

    x: np.ndarray
    h0: np.ndarray
    h: np.ndarray
    W_xh: np.ndarray
    W_hh: np.ndarray


def init_rnn_params(
    input_size: int, hidden_size: int, *, seed: int = 0, spectral_radius: float | None = None
) -> dict[str, np.ndarray]:
    r"""Random RNN parameters, initialised like :class:`torch.nn.RNN`.

    Every entry is drawn from :math:`\mathcal{U}(-k, k)` with :math:`k = 1/\sqrt{H}`.
    With ``spectral_radius`` the matrix :math:`W_{hh}` is rescaled so that its largest
    absolute eigenvalue equals that number (used to study vanishing and exploding
    gradients).

    Returns
    -------
    ``{"W_xh": (H, D), "W_hh": (H, H), "b_h": (H,)}`` as float64 arrays.

    Example
    -------
    >>> p = init_rnn_params(3, 4, seed=0)
    >>> p["W_xh"].shape, p["W_hh"].shape, p["b_h"].shape
    ((4, 3), (4, 4), (4,))
    """
    D = check_int(input_size, "input_size", minimum=1)
    H = check_int(hidden_size, "hidden_size", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    check_num_parameters(H * (D + H + 1), "an RNN", f"reduce hidden_size (got {H:,}) or input_size (got {D:,})",
                         bytes_per_parameter=8)
    rng = np.random.default_rng(seed)
    k = 1.0 / np.sqrt(H)
    params = {
        "W_xh": rng.uniform(-k, k, size=(H, D)),
        "W_hh": rng.uniform(-k, k, size=(H, H)),
        "b_h": rng.uniform(-k, k, size=H),
    }
    if spectral_radius is not None:
        rho = check_float(spectral_radius, "spectral_radius", minimum=0.0, strict_minimum=True)
        current = np.max(np.abs(np.linalg.eigvals(params["W_hh"])))
        params["W_hh"] *= rho / current
    return params


def _check_params(params: Mapping[str, np.ndarray], D: int | None = None, x_name: str = "x"
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict with keys {_KEYS}; got {type(params).__name__}.")
    missing = [k for k in _KEYS if k not in params]
    if missing:
        raise ValueError(f"params is missing {missing}; it needs the keys {_KEYS} (see init_rnn_params).")
    W_hh = as_float_array(params["W_hh"], "params['W_hh']")
    check_ndim(W_hh, "params['W_hh']", 2, names="(hidden_size, hidden_size)")
    H = W_hh.shape[0]
    check_shape(W_hh, "params['W_hh']", (H, H), names="(hidden_size, hidden_size)")
    W_xh = as_float_array(params["W_xh"], "params['W_xh']")
    check_shape(W_xh, "params['W_xh']", (H, D), names=f"(hidden_size, input_size), input_size = {x_name}.shape[-1]")
    b_h = as_float_array(params["b_h"], "params['b_h']")
    check_shape(b_h, "params['b_h']", (H,), names="(hidden_size,)")
    return W_xh, W_hh, b_h


def rnn_step_forward(
    x_t: np.ndarray, h_prev: np.ndarray, params: Mapping[str, np.ndarray]
) -> np.ndarray:
    r"""One step :math:`h_t = \tanh(x_t W_{xh}^\top + h_{t-1} W_{hh}^\top + b_h)`.

    Shapes: ``x_t`` ``(B, D)``, ``h_prev`` ``(B, H)``; returns ``h_t`` ``(B, H)``.
    """
    x_t = as_float_array(x_t, "x_t", finite=True)
    check_ndim(x_t, "x_t", 2, names="(batch, input_size)")
    W_xh, W_hh, b_h = _check_params(params, x_t.shape[1], "x_t")
    h_prev = as_float_array(h_prev, "h_prev", finite=True)
    check_shape(h_prev, "h_prev", (x_t.shape[0], W_hh.shape[0]), names="(batch, hidden_size), batch as in x_t")
    a_t = x_t @ W_xh.T + h_prev @ W_hh.T + b_h  # (B, H)
    return np.tanh(a_t)


def rnn_step_backward(
    dh_t: np.ndarray, h_t: np.ndarray, x_t: np.ndarray, h_prev: np.ndarray, W_xh: np.ndarray, W_hh: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""Backward of one step, given :math:`\partial L / \partial h_t` (all paths into :math:`h_t`).

    .. math::
        \delta_t = \frac{\partial L}{\partial h_t} \odot (1 - h_t^2), \quad
        \frac{\partial L}{\partial h_{t-1}} = \delta_t W_{hh}, \quad
        \frac{\partial L}{\partial x_t} = \delta_t W_{xh},

    and the step's contributions :math:`\delta_t^\top h_{t-1}`, :math:`\delta_t^\top x_t`
    and :math:`\sum_b \delta_t` to the gradients of :math:`W_{hh}`, :math:`W_{xh}`, :math:`b_h`,
    where :math:`1 - h_t^2 = \tanh'(a_t)`.

    Returns ``(dx_t, dh_prev, dW_xh, dW_hh, db_h)``.
    """
    dh_t = as_float_array(dh_t, "dh_t", ndim=2, names="(batch, hidden_size)")
    B, H = dh_t.shape
    h_t = as_float_array(h_t, "h_t")
    check_shape(h_t, "h_t", (B, H), names="(batch, hidden_size) like dh_t")
    h_prev = as_float_array(h_prev, "h_prev")
    check_shape(h_prev, "h_prev", (B, H), names="(batch, hidden_size) like dh_t")
    x_t = as_float_array(x_t, "x_t", ndim=2, names="(batch, input_size)")
    check_shape(x_t, "x_t", (B, None), names="(batch, input_size) with the batch of dh_t")
    W_xh = as_float_array(W_xh, "W_xh")
    check_shape(W_xh, "W_xh", (H, x_t.shape[1]), names="(hidden_size, input_size), input_size = x_t.shape[-1]")
    W_hh = as_float_array(W_hh, "W_hh")
    check_shape(W_hh, "W_hh", (H, H), names="(hidden_size, hidden_size)")
    da = dh_t * (1.0 - h_t**2)  # (B, H): through tanh
    dx_t = da @ W_xh  # (B, D)
    dh_prev = da @ W_hh  # (B, H)
    dW_xh = da.T @ x_t  # (H, D)
    dW_hh = da.T @ h_prev  # (H, H)
    db_h = da.sum(axis=0)  # (H,)
    return dx_t, dh_prev, dW_xh, dW_hh, db_h


def rnn_forward(
    x: np.ndarray, h0: np.ndarray | None, params: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, RNNCache]:
    r"""Run the RNN over a whole sequence and keep every state for BPTT.

    .. math::
        h_t = \tanh(x_t W_{xh}^\top + h_{t-1} W_{hh}^\top + b_h), \quad t = 0, \dots, T-1,

    where :math:`h_{-1} = h_0` and the same parameters are used at every step.

    Shapes
    ------
    x : ``(B, T, D)`` (batch, seq_len, input_size); h0 : ``(B, H)`` or ``None`` for zeros.
    Returns ``h`` ``(B, T, H)`` (all states; the last is ``h[:, -1]``) and an :class:`RNNCache`.

    Example
    -------
    >>> p = init_rnn_params(3, 4)
    >>> h, cache = rnn_forward(np.ones((2, 5, 3)), None, p)
    >>> h.shape
    (2, 5, 4)
    """
    x = as_float_array(x, "x")
    check_ndim(x, "x", 3, names="(batch, seq_len, input_size)")
    B, T, D = x.shape
    if T < 1:
        raise ValueError(f"x must hold at least one time step; got seq_len = {T}.")
    W_xh, W_hh, b_h = _check_params(params, D)
    H = W_hh.shape[0]
    h0 = np.zeros((B, H)) if h0 is None else as_float_array(h0, "h0")
    check_shape(h0, "h0", (B, H), names="(batch, hidden_size)")
    h = np.empty((B, T, H))
    h_prev = h0
    for t in range(T):  # the same W_xh, W_hh, b_h at every step
        a_t = x[:, t] @ W_xh.T + h_prev @ W_hh.T + b_h  # (B, H)
        h_prev = h[:, t] = np.tanh(a_t)
    return h, RNNCache(x=x, h0=h0, h=h, W_xh=W_xh, W_hh=W_hh)


def rnn_backward(dh: np.ndarray, cache: RNNCache, *, truncate: int | None = None) -> dict[str, np.ndarray]:
    r"""Backpropagation through time: gradients of a loss given :math:`\partial L/\partial h_t` for every t.

    Walking backwards from :math:`t = T-1`, the gradient reaching :math:`h_t` is the
    loss's direct gradient ``dh[:, t]`` plus what flows back from :math:`h_{t+1}`:

    .. math::
        g_t = \frac{\partial L}{\partial h_t}\Big|_{\text{direct}} + g_{t+1}\,
        \frac{\partial h_{t+1}}{\partial h_t}, \qquad
        \frac{\partial h_{t+1}}{\partial h_t} = \operatorname{diag}(1 - h_{t+1}^2)\, W_{hh},

    and the weight gradients are sums over time of each step's contribution (the weights
    are shared). With ``truncate=k`` (truncated BPTT) the gradient is not passed from
    :math:`h_t` to :math:`h_{t-1}` when :math:`t` is a positive multiple of ``k``: exactly
    what autograd computes when the state is detached every ``k`` steps.

    Shapes
    ------
    dh : ``(B, T, H)``, the direct gradient of the loss with respect to each state
    (zeros where a step has no loss). Returns a dict with ``x`` ``(B, T, D)``,
    ``h0`` ``(B, H)``, ``W_xh`` ``(H, D)``, ``W_hh`` ``(H, H)`` and ``b_h`` ``(H,)``.

    Example
    -------
    >>> p = init_rnn_params(3, 4)
    >>> h, cache = rnn_forward(np.ones((2, 5, 3)), None, p)
    >>> grads = rnn_backward(np.ones_like(h), cache)
    >>> grads["W_hh"].shape
    (4, 4)
    """
    if not isinstance(cache, RNNCache):
        raise TypeError(f"cache must be the RNNCache returned by rnn_forward; got {type(cache).__name__}.")
    x, h0, h, W_xh, W_hh = cache.x, cache.h0, cache.h, cache.W_xh, cache.W_hh
    B, T, H = h.shape
    dh = as_float_array(dh, "dh")
    check_shape(dh, "dh", (B, T, H), names="(batch, seq_len, hidden_size)")
    k = None if truncate is None else check_int(truncate, "truncate", minimum=1)
    grads = {
        "x": np.zeros_like(x),
        "h0": np.zeros_like(h0),
        "W_xh": np.zeros_like(W_xh),
        "W_hh": np.zeros_like(W_hh),
        "b_h": np.zeros(H),
    }
    carry = np.zeros((B, H))  # gradient flowing back into h_t from h_{t+1}
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else h0
        dx_t, dh_prev, dW_xh, dW_hh, db_h = rnn_step_backward(dh[:, t] + carry, h[:, t], x[:, t], h_prev, W_xh, W_hh)
        grads["x"][:, t] = dx_t
        grads["W_xh"] += dW_xh
        grads["W_hh"] += dW_hh
        grads["b_h"] += db_h
        cut = k is not None and t > 0 and t % k == 0  # h_{t-1} was detached here
        carry = np.zeros((B, H)) if cut else dh_prev
    grads["h0"] = carry
    return grads


def clip_grad_norm(grads: Mapping[str, np.ndarray], max_norm: float) -> tuple[dict[str, np.ndarray], float]:
    r"""Rescale gradients so that their joint L2 norm is at most ``max_norm``.

    .. math::
        g \leftarrow g \cdot \min\!\left(1, \frac{c}{\lVert g \rVert_2}\right)

    where :math:`g` is all gradients stacked into one vector and :math:`c` is ``max_norm``.
    The direction is kept; only the length shrinks (as :func:`torch.nn.utils.clip_grad_norm_`,
    up to its tiny ``1e-6`` in the denominator).

    Returns the clipped gradients (new arrays) and the norm before clipping.
    """
    c = check_float(max_norm, "max_norm", minimum=0.0, strict_minimum=True)
    if not isinstance(grads, Mapping) or not grads:
        raise TypeError("grads must be a non-empty dict of arrays, as rnn_backward returns.")
    arrays = {name: as_float_array(g, f"grads[{name!r}]") for name, g in grads.items()}
    total = float(np.sqrt(sum(float(np.sum(g**2)) for g in arrays.values())))
    scale = min(1.0, c / (total + 1e-6))
    return {name: g * scale for name, g in arrays.items()}, total
