"""Rosenblatt's perceptron: one threshold unit and its learning rule (chapter 2)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_float, check_int
from ._inputs import _matrix

__all__ = ["Perceptron"]


class Perceptron:
    r"""Rosenblatt's perceptron: a threshold unit and its error-correcting learning rule.

    .. math::
        \hat y = \begin{cases} 1 & w^\top x + b > 0 \\ 0 & \text{otherwise} \end{cases}, \qquad
        w \leftarrow w + \eta (y - \hat y) x, \quad b \leftarrow b + \eta (y - \hat y)

    where :math:`x \in \mathbb{R}^D` is an input, :math:`y \in \{0, 1\}` its label,
    :math:`w` the weights, :math:`b` the bias (minus the threshold) and :math:`\eta` the
    learning rate. Weights start at zero. If the data are linearly separable the rule
    converges in finitely many epochs (Novikoff, 1962); otherwise (XOR) it never
    finishes an epoch without a mistake, and :meth:`fit` reports ``converged_ = False``.

    Parameters
    ----------
    lr:
        Learning rate :math:`\eta > 0` (default 1; with zero initial weights it only scales them).
    max_epochs:
        Passes over the data before giving up.

    Attributes
    ----------
    ``w_`` (D,), ``b_``, ``converged_``, ``epochs_`` (epochs run) and ``errors_`` (mistakes per epoch).

    Example
    -------
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> Perceptron().fit(X, [0, 0, 0, 1]).predict(X).tolist()
    [0, 0, 0, 1]
    """

    def __init__(self, lr: float = 1.0, max_epochs: int = 100) -> None:
        self.lr = check_float(lr, "lr", minimum=0.0, strict_minimum=True)
        self.max_epochs = check_int(max_epochs, "max_epochs", minimum=1)

    def decision_function(self, X: Any) -> np.ndarray:
        """The weighted sum :math:`w^\\top x + b` of every row of ``X`` (N, D); shape (N,)."""
        X = _matrix(X)
        if not hasattr(self, "w_"):
            raise RuntimeError("this Perceptron is not fitted yet; call fit(X, y) first.")
        if X.shape[1] != self.w_.size:
            raise ValueError(f"X must have {self.w_.size} columns, as in fit; got {X.shape[1]}.")
        return X @ self.w_ + self.b_  # (N,)

    def predict(self, X: Any) -> np.ndarray:
        """Class 1 where the weighted sum is positive, else 0; shape (N,)."""
        return (self.decision_function(X) > 0).astype(int)

    def fit(self, X: Any, y: Any) -> "Perceptron":
        """Apply the perceptron rule example by example until an epoch has no mistakes."""
        X = _matrix(X)
        y = np.asarray(y)
        if y.shape != (X.shape[0],) or not np.isin(y, (0, 1)).all():
            raise ValueError(f"y must be {X.shape[0]} labels (one per row of X), each 0 or 1; got shape {y.shape} with values {np.unique(y)[:5].tolist()}.")
        self.w_ = np.zeros(X.shape[1])
        self.b_ = 0.0
        self.errors_: list[int] = []
        self.converged_ = False
        for _ in range(self.max_epochs):
            mistakes = 0
            for x_i, y_i in zip(X, y):
                error = y_i - int(x_i @ self.w_ + self.b_ > 0)  # -1, 0 or +1
                if error:
                    self.w_ += self.lr * error * x_i
                    self.b_ += self.lr * error
                    mistakes += 1
            self.errors_.append(mistakes)
            if mistakes == 0:
                self.converged_ = True
                break
        self.epochs_ = len(self.errors_)
        return self
