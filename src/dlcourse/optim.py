r"""Gradient descent and the optimisers of chapter 2, from scratch in NumPy.

Plain gradient descent repeats :math:`w \leftarrow w - \eta\, \nabla L(w)`. The
optimisers below change the step, each written to follow ``torch.optim`` exactly
(same defaults, same order of operations), so their trajectories equal PyTorch's:

* :class:`SGD`: :math:`w \leftarrow w - \eta g`.
* :class:`Momentum`: :math:`b \leftarrow \mu b + g`, :math:`w \leftarrow w - \eta b`.
* :class:`Adagrad`: :math:`G \leftarrow G + g^2`, :math:`w \leftarrow w - \eta g / (\sqrt{G} + \epsilon)`.
* :class:`RMSProp`: :math:`v \leftarrow \rho v + (1-\rho) g^2`, :math:`w \leftarrow w - \eta g / (\sqrt{v} + \epsilon)`.
* :class:`Adam`: momentum :math:`m` and RMSProp's :math:`v` with bias correction,
  :math:`w \leftarrow w - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)`.

where :math:`g = \nabla L(w)` is the current gradient, :math:`\eta` the learning rate
and all operations on vectors are element-wise. An optimiser is built once with
its hyperparameters and then updates a list of NumPy arrays in place::

    opt = Adam(lr=1e-3)
    for step in range(steps):
        grads = ...                        # same shapes as params
        opt.step(params, grads)
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ._validation import as_float_array, check_choice, check_float, check_int

__all__ = [
    "gradient_descent",
    "batches_per_epoch",
    "Optimizer",
    "SGD",
    "Momentum",
    "Adagrad",
    "RMSProp",
    "Adam",
    "OPTIMIZERS",
    "make_optimizer",
    "optimize",
]


def gradient_descent(grad: Callable[[Any], Any], w0: Any, lr: float, steps: int) -> np.ndarray:
    r"""Run plain gradient descent :math:`w_{t+1} = w_t - \eta\, \nabla L(w_t)` and return the trajectory.

    Parameters
    ----------
    grad:
        ``grad(w)`` returns :math:`\nabla L(w)`, an array shaped like ``w``.
    w0:
        Starting point :math:`w_0`: a number or an array of shape ``(D,)``.
    lr:
        Learning rate :math:`\eta > 0`.
    steps:
        Number of updates :math:`T \ge 0`.

    Returns
    -------
    The trajectory :math:`(w_0, w_1, \dots, w_T)`: shape ``(T + 1,)`` for a scalar
    ``w0``, ``(T + 1, D)`` for a vector. Once :math:`w` overflows to infinity the
    remaining entries are ``inf`` or ``nan`` (divergence), without a warning.

    Example
    -------
    The book's worked example, :math:`L(w) = w^4`, :math:`w_0 = 2`, :math:`\eta = 0.01`:

    >>> path = gradient_descent(lambda w: 4 * w**3, 2.0, 0.01, 200)
    >>> [round(float(v), 4) for v in path[1:4]], round(float(path[200]), 4)
    ([1.68, 1.4903, 1.3579], 0.2461)
    """
    _check_grad(grad)
    eta = check_float(lr, "lr", minimum=0.0, strict_minimum=True)
    steps = check_int(steps, "steps", minimum=0, maximum=MAX_STEPS)
    w = as_float_array(w0, "w0", finite=True).copy()
    if w.ndim > 1:
        raise ValueError(f"w0 must be a number or a 1-D array (D,); got shape {w.shape}.")
    path = np.empty((steps + 1,) + w.shape)
    path[0] = w
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            g = as_float_array(grad(w), "grad(w)")
            if g.shape != w.shape:
                raise ValueError(f"grad(w) must have the shape of w, {w.shape}; got {g.shape}.")
            w = w - eta * g
            path[t + 1] = w
    return path


def _check_decay(value: Any, name: str, typical: str) -> float:
    """A decay rate in [0, 1): at 1 the running average never forgets (momentum grows without
    bound, Adam's bias correction divides by 0)."""
    value = check_float(value, name, minimum=0.0, maximum=1.0)
    if value >= 1.0:
        raise ValueError(f"{name} must be in [0, 1); got {value}. A typical value is {typical}.")
    return value


#: The most steps :func:`gradient_descent` and :func:`optimize` record (the trajectory is kept).
MAX_STEPS = 10**7


def _check_grad(grad: Any) -> None:
    if not callable(grad):
        raise TypeError(
            f"grad must be a function w -> gradient of L at w; got {type(grad).__name__}. E.g. grad=lambda w: 2 * w."
        )


def batches_per_epoch(n: int, batch_size: int, drop_last: bool = False) -> int:
    r"""Number of mini-batches (iterations) in one epoch: :math:`\lceil n / B \rceil`, or :math:`\lfloor n / B \rfloor` with ``drop_last``.

    >>> batches_per_epoch(1000, 64), batches_per_epoch(1000, 64, drop_last=True), batches_per_epoch(500, 10)
    (16, 15, 50)
    """
    n = check_int(n, "n", minimum=0)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if not isinstance(drop_last, bool):
        raise TypeError(f"drop_last must be True or False; got {type(drop_last).__name__}.")
    return n // batch_size if drop_last else -(-n // batch_size)


def _lerp(start: np.ndarray, end: np.ndarray, weight: float) -> np.ndarray:
    """``start + weight * (end - start)``, evaluated as ``torch.lerp`` does (same rounding)."""
    if weight < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1.0 - weight)


class Optimizer:
    """Base class: holds per-parameter state and applies :meth:`update` to each array.

    ``step(params, grads)`` updates every array of ``params`` in place; state (momentum,
    squared-gradient averages) is kept per position in the list, so always pass the
    parameters in the same order.
    """

    def __init__(self, lr: float) -> None:
        self.lr = check_float(lr, "lr", minimum=0.0, strict_minimum=True)
        self.t = 0  # number of steps taken
        self.state: list[dict[str, np.ndarray]] = []

    def step(self, params: Sequence[np.ndarray], grads: Sequence[Any]) -> None:
        """Update each array in ``params`` in place with its gradient in ``grads``."""
        for name, seq in (("params", params), ("grads", grads)):
            if not isinstance(seq, (list, tuple)):
                raise TypeError(f"{name} must be a list of arrays, one per parameter; got {type(seq).__name__}.")
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                raise TypeError(
                    f"params[{i}] must be a float np.ndarray, updated in place; got {type(p).__name__}"
                    f"{f' of dtype {p.dtype}' if isinstance(p, np.ndarray) else ''}. Use np.asarray(w, dtype=float)."
                )
        if len(params) != len(grads):
            raise ValueError(f"params and grads must have the same length; got {len(params)} and {len(grads)}.")
        if not self.state:
            self.state = [{} for _ in params]
        elif len(self.state) != len(params):
            raise ValueError(
                f"this optimiser was used with {len(self.state)} parameter arrays; got {len(params)}. "
                "Create a new optimiser for a new model."
            )
        self.t += 1
        for i, (p, g, state) in enumerate(zip(params, grads, self.state)):
            g = as_float_array(g, f"grads[{i}]")
            if g.shape != p.shape:
                raise ValueError(f"grads[{i}] has shape {g.shape} but its parameter params[{i}] has shape {p.shape}.")
            p -= self._update(g, state)

    def update(self, g: Any, state: dict[str, np.ndarray]) -> np.ndarray:
        """Return the amount to subtract from a parameter with gradient ``g`` (the step).

        ``state`` is the parameter's running state (``{}`` before the first step); it
        is updated in place. :meth:`step` calls this for every parameter.
        """
        g = as_float_array(g, "g")
        if not isinstance(state, dict):
            raise TypeError(f"state must be a dict (the parameter's running state, {{}} at first); got {type(state).__name__}.")
        return self._update(g, state)

    def _update(self, g: np.ndarray, state: dict[str, np.ndarray]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={v}" for k, v in vars(self).items() if k not in ("t", "state"))
        return f"{type(self).__name__}({hyper})"


class SGD(Optimizer):
    r"""Plain (stochastic) gradient descent: step :math:`\eta g`. Equals ``torch.optim.SGD(lr=lr)``."""

    def _update(self, g: np.ndarray, state: dict[str, np.ndarray]) -> np.ndarray:
        return self.lr * g


class Momentum(Optimizer):
    r"""Gradient descent with momentum (heavy ball).

    .. math::
        b_t = \mu b_{t-1} + g_t, \quad b_1 = g_1, \qquad w_t = w_{t-1} - \eta b_t

    where :math:`\mu \in [0, 1)` is the momentum. Equals
    ``torch.optim.SGD(lr=lr, momentum=momentum)``.
    """

    def __init__(self, lr: float, momentum: float = 0.9) -> None:
        super().__init__(lr)
        self.momentum = _check_decay(momentum, "momentum", "0.9")

    def _update(self, g: np.ndarray, state: dict[str, np.ndarray]) -> np.ndarray:
        if "b" not in state:
            state["b"] = g.copy()
        else:
            state["b"] = self.momentum * state["b"] + g
        return self.lr * state["b"]


class Adagrad(Optimizer):
    r"""Adagrad: each coordinate's step shrinks with its accumulated squared gradients.

    .. math::
        G_t = G_{t-1} + g_t^2, \qquad w_t = w_{t-1} - \eta\, g_t / (\sqrt{G_t} + \epsilon)

    Equals ``torch.optim.Adagrad(lr=lr, eps=eps)`` (defaults ``lr=0.01``, ``eps=1e-10``).
    """

    def __init__(self, lr: float = 0.01, eps: float = 1e-10) -> None:
        super().__init__(lr)
        self.eps = check_float(eps, "eps", minimum=0.0)

    def _update(self, g: np.ndarray, state: dict[str, np.ndarray]) -> np.ndarray:
        state["G"] = state.get("G", np.zeros_like(g)) + g * g
        return self.lr * g / (np.sqrt(state["G"]) + self.eps)


class RMSProp(Optimizer):
    r"""RMSProp: Adagrad with a leaky (exponential moving) average instead of a sum.

    .. math::
        v_t = \rho v_{t-1} + (1 - \rho) g_t^2, \qquad w_t = w_{t-1} - \eta\, g_t / (\sqrt{v_t} + \epsilon)

    Equals ``torch.optim.RMSprop(lr=lr, alpha=rho, eps=eps)`` (defaults ``rho=0.99``, ``eps=1e-8``).
    """

    def __init__(self, lr: float = 0.01, rho: float = 0.99, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.rho = _check_decay(rho, "rho", "0.9")
        self.eps = check_float(eps, "eps", minimum=0.0)

    def _update(self, g: np.ndarray, state: dict[str, np.ndarray]) -> np.ndarray:
        state["v"] = self.rho * state.get("v", np.zeros_like(g)) + (1.0 - self.rho) * g * g
        return self.lr * g / (np.sqrt(state["v"]) + self.eps)


class Adam(Optimizer):
    r"""Adam: momentum plus an RMSProp-style adaptive step, both bias-corrected.

    .. math::
        m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t, \quad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2, \quad
        w_t = w_{t-1} - \eta\, \frac{m_t / (1 - \beta_1^t)}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}

    where :math:`t` counts steps from 1 and the divisions by :math:`1 - \beta^t` undo the
    bias of averages started at zero. Equals ``torch.optim.Adam(lr=lr, betas=(beta1, beta2), eps=eps)``.
    """

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.beta1 = _check_decay(beta1, "beta1", "0.9")
        self.beta2 = _check_decay(beta2, "beta2", "0.999")
        self.eps = check_float(eps, "eps", minimum=0.0)

    def _update(self, g: np.ndarray, state: dict[str, np.ndarray]) -> np.ndarray:
        # m = beta1 m + (1 - beta1) g, written as torch's lerp so the rounding matches too
        m = state["m"] = _lerp(state.get("m", np.zeros_like(g)), g, 1.0 - self.beta1)
        v = state["v"] = self.beta2 * state.get("v", np.zeros_like(g)) + (1.0 - self.beta2) * g * g
        t = max(self.t, 1)  # a direct update() before any step() counts as step 1
        bias1 = 1.0 - self.beta1**t
        bias2 = 1.0 - self.beta2**t
        # the same order of operations as torch.optim.Adam
        denom = np.sqrt(v) / bias2**0.5 + self.eps
        return (self.lr / bias1) * (m / denom)


#: The optimisers by name.
OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "momentum": Momentum,
    "adagrad": Adagrad,
    "rmsprop": RMSProp,
    "adam": Adam,
}


def make_optimizer(name: str, lr: float, **hyper: float) -> Optimizer:
    """Build the optimiser called ``name`` (a key of :data:`OPTIMIZERS`) with learning rate ``lr``."""
    check_choice(name, "name", OPTIMIZERS)
    return OPTIMIZERS[name](lr=lr, **hyper)


def optimize(optimizer: Optimizer, grad: Callable[[np.ndarray], Any], w0: Any, steps: int) -> np.ndarray:
    r"""Minimise with ``optimizer`` from ``w0`` for ``steps`` steps; return the trajectory ``(steps + 1, D)``.

    ``grad(w)`` returns :math:`\nabla L(w)` for a point ``w`` of shape ``(D,)``.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a dlcourse.optim.Optimizer (e.g. Adam(lr=0.1)); got {type(optimizer).__name__}.")
    _check_grad(grad)
    steps = check_int(steps, "steps", minimum=0, maximum=MAX_STEPS)
    w = as_float_array(w0, "w0", finite=True).reshape(-1).copy()
    path = np.empty((steps + 1, w.size))
    path[0] = w
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            optimizer.step([w], [as_float_array(grad(w), "grad(w)").reshape(w.shape)])
            path[t + 1] = w
    return path
