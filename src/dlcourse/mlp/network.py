r"""The multilayer perceptron with hand-written backpropagation (chapter 2).

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

from typing import Any, Sequence

import numpy as np

from .._validation import (
    as_float_array,
    check_choice,
    check_float,
    check_int,
    check_num_parameters,
    check_type,
)
from ..activations import get_activation, sigmoid, softmax
from ._inputs import _labels, _matrix, _targets

try:  # scikit-learn is optional; with it, MLP plugs into clone, GridSearchCV, ...
    from sklearn.base import BaseEstimator as _SkBase
except ImportError:  # pragma: no cover - the "ml" extra is not installed

    class _SkBase:  # type: ignore[no-redef]
        pass

__all__ = ["MLP", "MAX_PARAMETERS"]


#: The largest number of parameters an :class:`MLP` may have (800 MB of float64): a bound
#: checked before anything is allocated, so a mistyped size fails at once.
MAX_PARAMETERS = 10**8

_OUTPUTS = ("sigmoid", "softmax", "identity")
_LOSSES = ("mse", "cross_entropy")


class MLP(_SkBase):
    r"""A multilayer perceptron in NumPy: forward pass with caches, backward pass by hand.

    .. math::
        a^{(0)} = X, \qquad z^{(l)} = a^{(l-1)} W^{(l)} + b^{(l)}, \qquad
        a^{(l)} = f\big(z^{(l)}\big) \;(l < L), \qquad \hat Y = a^{(L)} = g\big(z^{(L)}\big)

    where :math:`W^{(l)}` has shape ``(n_{l-1}, n_l)``, :math:`b^{(l)}` shape ``(n_l,)``,
    :math:`f` is the hidden activation and :math:`g` the output function (sigmoid, softmax
    or identity). The loss is averaged over the batch of :math:`N` rows:

    * ``"mse"``: :math:`\mathcal{L} = \frac{1}{N}\sum_n \frac12 \sum_k (\hat y_{nk} - t_{nk})^2`
      (the :math:`\frac12` makes the derivative :math:`\hat y - t`, as in the book's derivation);
    * ``"cross_entropy"``: :math:`\mathcal{L} = -\frac{1}{N}\sum_n \sum_k t_{nk} \ln \hat y_{nk}` for a
      softmax output, and the binary form :math:`-\frac1N \sum_{n,k} [t \ln \hat y + (1-t)\ln(1-\hat y)]`
      for a sigmoid output.

    Shapes: ``X`` is ``(N, n_0)``; targets ``T`` are ``(N, n_L)`` (one-hot rows for
    classification; :meth:`fit` and :meth:`loss` also accept integer labels ``(N,)``).

    Initialisation: :math:`W^{(l)} \sim \mathcal{N}(0, s^2)` with :math:`s^2 = 2 / n_{l-1}` for
    ReLU-like hidden units (He) and :math:`s^2 = 1 / n_{l-1}` otherwise (LeCun/Xavier), or a
    fixed ``init_std``; biases start at zero. ``seed`` makes it reproducible.

    Weight layout: ``W^{(l)}`` is stored ``(n_{l-1}, n_l)`` and used as ``a @ W``, the
    layout of the book's matrix derivation (``torch.nn.Linear`` stores the transpose and
    computes ``x @ W.T``).

    scikit-learn estimator contract: the constructor arguments are the hyper-parameters,
    stored unchanged (so ``get_params``, ``set_params`` and ``sklearn.base.clone`` work);
    learned state ends in ``_``: ``weights_``, ``biases_``, ``history_``, ``n_features_in_``.
    The weights are initialised in the constructor (not in :meth:`fit`) because the
    chapter's worked examples set them by hand before a forward pass (so the
    scikit-learn tag ``requires_fit`` is False); ``set_params`` therefore
    re-initialises them, like a new estimator. ``tests/test_mlp.py`` runs
    scikit-learn's estimator checks and names the ones this design does not meet. ``weights`` and ``biases`` are read-only
    aliases of ``weights_`` and ``biases_``.

    Parameters
    ----------
    layer_sizes:
        :math:`(n_0, n_1, \dots, n_L)`: inputs, the hidden widths, outputs. At least two.
    activation:
        Hidden activation: ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"elu"`` or ``"identity"``.
    output:
        ``"sigmoid"``, ``"softmax"`` or ``"identity"``.
    loss:
        ``"mse"`` or ``"cross_entropy"``.
    warm_start:
        If False (the default, scikit-learn's meaning), :meth:`fit` starts from the initial
        weights the ``seed`` draws, so two fits give the same network; if True it continues
        from the current weights (e.g. ones set by hand).

    Example
    -------
    >>> net = MLP([2, 2, 1], activation="sigmoid", output="sigmoid", loss="mse")
    >>> net.weights[0][:] = [[0.1, 0.2], [0.3, 0.4]]; net.biases[0][:] = [0.5, 0.6]
    >>> net.weights[1][:] = [[0.1], [0.2]]; net.biases[1][:] = [0.3]
    >>> round(float(net.forward([[2.0, 3.0]])[0, 0]), 3)
    0.637
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str = "relu",
        output: str = "softmax",
        loss: str = "cross_entropy",
        *,
        init_std: float | None = None,
        seed: int | None = 0,
        warm_start: bool = False,
    ) -> None:
        # hyper-parameters, stored as given (scikit-learn's clone checks identity)
        self.layer_sizes = layer_sizes
        self.activation = activation
        self.output = output
        self.loss_name = loss
        self.init_std = init_std
        self.seed = seed
        self.warm_start = warm_start
        self._initialise()

    def _initialise(self) -> None:
        """Validate the hyper-parameters and draw fresh weights (learned state, ending in ``_``)."""
        if isinstance(self.layer_sizes, (str, bytes)) or not hasattr(self.layer_sizes, "__len__"):
            raise TypeError(
                f"layer_sizes must be a list of layer widths such as [64, 32, 10]; "
                f"got {type(self.layer_sizes).__name__} ({self.layer_sizes!r:.40})."
            )
        sizes = [check_int(n, f"layer_sizes[{i}]", minimum=1) for i, n in enumerate(self.layer_sizes)]
        if len(sizes) < 2:
            raise ValueError(f"layer_sizes must list at least the input and the output size, e.g. [64, 32, 10]; got {sizes}.")
        check_num_parameters(
            sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])),  # weights and biases
            f"an MLP with layer_sizes {sizes[:6]}{'...' if len(sizes) > 6 else ''}",
            "use fewer or narrower layers", limit=MAX_PARAMETERS, bytes_per_parameter=8,
        )
        self.f, self.f_grad = get_activation(self.activation)
        check_choice(self.output, "output", _OUTPUTS)
        check_choice(self.loss_name, "loss", _LOSSES)
        if self.output == "softmax" and sizes[-1] < 2:
            raise ValueError("a softmax output needs at least 2 units; use output='sigmoid' for one unit.")
        if self.init_std is not None:
            check_float(self.init_std, "init_std", minimum=0.0)
        check_type(self.warm_start, "warm_start", bool)
        if self.seed is not None:
            check_int(self.seed, "seed", minimum=0)
        rng = np.random.default_rng(self.seed)
        self.weights_: list[np.ndarray] = []
        self.biases_: list[np.ndarray] = []
        relu_like = self.activation in ("relu", "leaky_relu", "elu")
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            std = self.init_std if self.init_std is not None else np.sqrt((2.0 if relu_like else 1.0) / n_in)
            self.weights_.append(rng.normal(0.0, std, size=(n_in, n_out)))  # (n_in, n_out)
            self.biases_.append(np.zeros(n_out))
        self.cache: dict[str, list[np.ndarray]] = {}
        self.grads: list[np.ndarray] = []

    # ------------------------------------------------- scikit-learn estimator API
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The hyper-parameters, by constructor name (scikit-learn's estimator API)."""
        check_type(deep, "deep", bool)
        return {
            "layer_sizes": self.layer_sizes,
            "activation": self.activation,
            "output": self.output,
            "loss": self.loss_name,
            "init_std": self.init_std,
            "seed": self.seed,
            "warm_start": self.warm_start,
        }

    def set_params(self, **params: Any) -> "MLP":
        """Set hyper-parameters by constructor name and re-initialise the weights; returns ``self``."""
        valid = self.get_params()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"set_params got an unknown parameter {key!r}; valid ones are {sorted(valid)}.")
            setattr(self, "loss_name" if key == "loss" else key, value)
        self._initialise()
        return self

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's tags: no fit is required before :meth:`predict` (the weights exist from the start)."""
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags

    # ----------------------------------------------------------------- parameters
    @property
    def weights(self) -> list[np.ndarray]:
        """Read-only alias of ``weights_`` (the list; its arrays may be edited in place)."""
        return self.weights_

    @property
    def biases(self) -> list[np.ndarray]:
        """Read-only alias of ``biases_``."""
        return self.biases_

    @property
    def params(self) -> list[np.ndarray]:
        """``[W1, b1, W2, b2, ...]``: the arrays an optimiser updates in place."""
        return [p for pair in zip(self.weights_, self.biases_) for p in pair]

    @property
    def n_layers(self) -> int:
        """Number of weight layers :math:`L`."""
        return len(self.weights_)

    @property
    def _n_inputs(self) -> int:
        return int(self.weights_[0].shape[0])

    @property
    def _n_outputs(self) -> int:
        return int(self.weights_[-1].shape[1])

    # -------------------------------------------------------------------- forward
    def forward(self, X: Any) -> np.ndarray:
        """Compute :math:`\\hat Y` (N, n_L) and cache every ``z`` and ``a`` for :meth:`backward`."""
        X = _matrix(X)
        if X.shape[1] != self._n_inputs:
            raise ValueError(
                f"X must have shape (batch, features) = (*, {self._n_inputs}); got {X.shape}: X has {X.shape[1]} "
                f"features, but MLP is expecting {self._n_inputs} features as input (layer_sizes[0])."
            )
        a = X
        zs, activations = [], [X]
        for l, (W, b) in enumerate(zip(self.weights_, self.biases_)):
            z = a @ W + b  # (N, n_l)
            zs.append(z)
            if l < self.n_layers - 1:
                a = self.f(z)
            elif self.output == "sigmoid":
                a = sigmoid(z)
            elif self.output == "softmax":
                a = softmax(z, axis=1)
            else:
                a = z
            activations.append(a)
        self.cache = {"z": zs, "a": activations}
        return a

    __call__ = forward

    def _targets(self, T: Any, N: int, name: str = "T") -> np.ndarray:
        return _targets(T, N, self._n_outputs, name)

    def loss_value(self, Y_hat: Any, T: Any) -> float:
        """The loss of predictions ``Y_hat`` against targets ``T``, both (N, n_L)."""
        fast = (
            isinstance(Y_hat, np.ndarray) and isinstance(T, np.ndarray) and Y_hat.dtype == T.dtype == np.float64
            and Y_hat.ndim == 2 and Y_hat.shape == T.shape and Y_hat.shape[0] > 0
        )
        if not fast:  # a call from outside: check what the training loop guarantees
            Y_hat = as_float_array(Y_hat, "Y_hat", ndim=2, finite=True, names="(batch, outputs)")
            T = as_float_array(T, "T", finite=True)
            if Y_hat.shape[0] == 0 or T.shape != Y_hat.shape:
                raise ValueError(
                    f"Y_hat and T must have the same non-empty shape (batch, outputs); got {Y_hat.shape} and {T.shape}."
                )
        N = Y_hat.shape[0]
        if self.loss_name == "mse":
            return float(0.5 * np.sum((Y_hat - T) ** 2) / N)
        eps = 1e-300  # log(0) guard; never reached for finite logits in float64 except at saturation
        if self.output == "softmax":
            return float(-np.sum(T * np.log(Y_hat + eps)) / N)
        return float(-np.sum(T * np.log(Y_hat + eps) + (1 - T) * np.log(1 - Y_hat + eps)) / N)

    def loss(self, X: Any, T: Any) -> float:
        """Forward ``X`` and return the loss against ``T``."""
        Y_hat = self.forward(X)
        return self.loss_value(Y_hat, self._targets(T, Y_hat.shape[0]))

    # ------------------------------------------------------------------- backward
    def _output_delta(self, T: np.ndarray) -> np.ndarray:
        r""":math:`\delta^{(L)} = \partial \mathcal{L} / \partial z^{(L)}`, shape (N, n_L)."""
        Y_hat = self.cache["a"][-1]
        N = Y_hat.shape[0]
        if self.loss_name == "cross_entropy" and self.output in ("softmax", "sigmoid"):
            return (Y_hat - T) / N  # the output function's derivative cancels the loss's
        if self.loss_name == "cross_entropy":  # identity output: L = -sum t ln z
            return -T / Y_hat / N
        dY = (Y_hat - T) / N  # dL/dY_hat for the MSE with its 1/2
        if self.output == "sigmoid":
            return dY * Y_hat * (1.0 - Y_hat)  # sigma' = sigma (1 - sigma)
        if self.output == "softmax":  # Jacobian-vector product of the softmax
            return Y_hat * (dY - np.sum(dY * Y_hat, axis=1, keepdims=True))
        return dY

    def backward(self, T: Any) -> list[np.ndarray]:
        r"""Gradients of the loss of the last :meth:`forward` with respect to every parameter.

        Returns ``[dW1, db1, dW2, db2, ...]`` (same order and shapes as :attr:`params`)
        and stores them in ``self.grads``; ``self.deltas`` keeps every :math:`\delta^{(l)}`.
        """
        if not self.cache:
            raise RuntimeError("call forward(X) before backward(T): the backward pass needs the cached activations.")
        zs, acts = self.cache["z"], self.cache["a"]
        T = self._targets(T, acts[0].shape[0])
        delta = self._output_delta(T)  # (N, n_L)
        grads: list[np.ndarray] = [np.empty(0)] * (2 * self.n_layers)
        deltas = [delta]
        for l in range(self.n_layers - 1, -1, -1):
            grads[2 * l] = acts[l].T @ delta  # (n_{l-1}, N) @ (N, n_l) -> (n_{l-1}, n_l)
            grads[2 * l + 1] = delta.sum(axis=0)  # (n_l,)
            if l > 0:
                delta = (delta @ self.weights_[l].T) * self.f_grad(zs[l - 1])  # (N, n_{l-1})
                deltas.append(delta)
        self.deltas = deltas[::-1]
        self.grads = grads
        return grads

    # ---------------------------------------------------------------- training
    def fit(
        self,
        X: Any,
        y: Any,
        *,
        epochs: int = 20,
        batch_size: int = 32,
        optimizer: Any = None,
        X_val: Any = None,
        y_val: Any = None,
        seed: int = 0,
    ) -> "MLP":
        """Mini-batch training: each epoch shuffles the rows and takes one optimiser step per batch.

        Training starts from the seed's initial weights unless ``warm_start=True``.

        ``optimizer`` is a :class:`dlcourse.optim.Optimizer` (default ``SGD(lr=0.1)``).
        ``history_`` records ``loss`` (the training loss of each epoch: the mean over the
        epoch's samples, i.e. each batch's mean loss weighted by its size, as
        :func:`dlcourse.train.fit` does) and, with validation data, ``val_loss`` and
        ``val_accuracy``. Returns ``self``.
        """
        from ..optim import SGD, Optimizer

        X = _matrix(X)
        if X.shape[0] == 0:
            raise ValueError("X must hold at least one sample (row); got shape (0, ...).")
        T = self._targets(y, X.shape[0], "y")
        seed = check_int(seed, "seed", minimum=0)
        epochs = check_int(epochs, "epochs", minimum=1)
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        opt = SGD(lr=0.1) if optimizer is None else optimizer
        if not isinstance(opt, Optimizer):
            raise TypeError(f"optimizer must be a dlcourse.optim.Optimizer such as Adam(lr=1e-3); got {type(opt).__name__}.")
        if not self.warm_start:  # start from the seed's initial weights, as a new estimator would
            self._initialise()
        rng = np.random.default_rng(seed)
        self.n_features_in_ = X.shape[1]  # scikit-learn's record of the input width seen in fit
        self.history_: dict[str, list[float]] = {"loss": []}
        if X_val is not None:
            self.history_.update(val_loss=[], val_accuracy=[])
        for _ in range(epochs):
            order = rng.permutation(X.shape[0])
            total = 0.0
            for start in range(0, X.shape[0], batch_size):
                idx = order[start : start + batch_size]
                Y_hat = self.forward(X[idx])
                total += self.loss_value(Y_hat, T[idx]) * len(idx)  # batch mean x batch size
                opt.step(self.params, self.backward(T[idx]))
            self.history_["loss"].append(total / X.shape[0])  # mean over the samples
            if X_val is not None:
                self.history_["val_loss"].append(self.loss(X_val, y_val))
                self.history_["val_accuracy"].append(self.score(X_val, y_val))
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """The network's output :math:`\\hat Y` (N, n_L) without keeping the cache."""
        cache = self.cache
        out = self.forward(X)
        self.cache = cache
        return out

    def predict(self, X: Any) -> np.ndarray:
        """Class labels: the arg-max of the outputs, or output > 0.5 for one sigmoid unit; (N,)."""
        out = self.predict_proba(X)
        if out.shape[1] == 1:
            return (out[:, 0] > 0.5).astype(int)
        return out.argmax(axis=1)

    def score(self, X: Any, y: Any) -> float:
        """Accuracy of :meth:`predict` against labels ``y`` (N,) (or one-hot rows).

        Raises:
            TypeError: ``y`` is None, text or objects.
            ValueError: ``y`` has another number of samples than ``X``, negative or
                fractional labels, or labels beyond the network's classes.
        """
        predicted = self.predict(X)
        labels = _labels(y, predicted.shape[0])
        n_classes = max(self._n_outputs, 2)
        if labels.max() >= n_classes:
            raise ValueError(
                f"y must hold class labels in 0..{n_classes - 1} (the network has {self._n_outputs} output(s)); "
                f"got {int(labels.max())} at index {int(labels.argmax())}."
            )
        return float(np.mean(predicted == labels))
