r"""Linear and logistic regression from scratch, in scikit-learn's style (chapter 1).

Both models compute a linear combination of the inputs,
:math:`z = w_0 + w_1 x_1 + \dots + w_D x_D = w_0 + \mathbf{x}^\top \mathbf{w}`.
Linear regression predicts :math:`\hat y = z`; logistic regression squashes it to a
probability, :math:`\hat p = \sigma(z) = 1 / (1 + e^{-z})`. *Learning* means
estimating :math:`w_0, \mathbf{w}` from data by minimising a cost: the mean squared
error for linear regression, the mean cross-entropy for logistic regression.

Estimators follow scikit-learn: hyperparameters go to ``__init__``, ``fit(X, y)``
returns ``self``, learned parameters end in ``_`` (``coef_``, ``intercept_``).
Tests compare them with :class:`sklearn.linear_model.LinearRegression` and an
unpenalised :class:`sklearn.linear_model.LogisticRegression`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import as_float_array, check_choice, check_float, check_int, check_type
from .activations import sigmoid  # the book's one NumPy sigmoid (re-exported here)

try:  # scikit-learn is optional; with it, LinearRegression plugs into its tools (clone, permutation_importance, ...)
    from sklearn.base import BaseEstimator as _SkBase
    from sklearn.base import RegressorMixin as _SkRegressor
except ImportError:  # pragma: no cover - the "ml" extra is not installed

    class _SkBase:  # type: ignore[no-redef]
        pass

    class _SkRegressor:  # type: ignore[no-redef]
        pass

__all__ = ["LinearRegression", "LogisticRegression", "sigmoid"]


def _check_X(X: Any, n_features: int | None = None) -> np.ndarray:
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(
            f"X must be 2-dimensional (samples, features); got shape {X.shape}. "
            "For one feature use X.reshape(-1, 1)."
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have at least one sample and one feature; got shape {X.shape}.")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must contain only finite numbers; got NaN or infinity.")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"X must have {n_features} features, as in fit; got {X.shape[1]}.")
    return X


def _check_y(y: Any, n: int) -> np.ndarray:
    y = as_float_array(y, "y")
    if y.ndim != 1:
        raise ValueError(f"y must be 1-dimensional (samples,); got shape {y.shape}.")
    if y.shape[0] != n:
        raise ValueError(f"X and y must have the same number of samples; got {n} and {y.shape[0]}.")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must contain only finite numbers; got NaN or infinity.")
    return y


class _Fitted:
    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise RuntimeError(f"this {type(self).__name__} is not fitted yet; call fit(X, y) first.")


class LinearRegression(_SkRegressor, _Fitted, _SkBase):
    r"""Least-squares linear regression.

    .. math::
        \hat y_i = w_0 + \mathbf{x}_i^\top \mathbf{w}, \qquad
        J(w_0, \mathbf{w}) = \frac{1}{N} \sum_{i=1}^{N} (\hat y_i - y_i)^2

    where :math:`\mathbf{x}_i \in \mathbb{R}^D` is the feature vector of sample :math:`i`,
    :math:`y_i` its target, :math:`\mathbf{w}` the weights (``coef_``) and :math:`w_0`
    the intercept (``intercept_``).

    ``method="normal"`` solves the least-squares problem exactly. With centred data
    :math:`\tilde X = X - \bar{\mathbf{x}}`, :math:`\tilde y = y - \bar y` the optimum satisfies
    the *normal equations* :math:`\tilde X^\top \tilde X \mathbf{w} = \tilde X^\top \tilde y`,
    then :math:`w_0 = \bar y - \bar{\mathbf{x}}^\top \mathbf{w}`. They are solved with
    :func:`numpy.linalg.lstsq`, which, when :math:`\tilde X^\top \tilde X` is singular
    (collinear features), returns the solution of smallest norm, as scikit-learn does.
    For one feature this is :math:`w_1 = \sum (x_i - \bar x)(y_i - \bar y) / \sum (x_i - \bar x)^2`.

    ``method="gd"`` minimises :math:`J` by batch gradient descent from zero weights,

    .. math::
        \mathbf{w} \leftarrow \mathbf{w} - \eta \frac{2}{N} X^\top (\hat{\mathbf{y}} - \mathbf{y}), \qquad
        w_0 \leftarrow w_0 - \eta \frac{2}{N} \sum_i (\hat y_i - y_i)

    with learning rate :math:`\eta` (``learning_rate``), until the gradient's norm is
    below ``tol`` or ``max_iter`` steps. Standardise the features first: gradient
    descent is slow when features have very different scales.

    Shapes: ``X`` (N, D), ``y`` (N,); ``coef_`` (D,), ``predict(X)`` (N,).

    With scikit-learn installed it is a scikit-learn regressor (``get_params``,
    ``clone``, ``score`` = :math:`R^2`), so tools such as
    :func:`sklearn.inspection.permutation_importance` accept it.

    Example
    -------
    >>> X = np.array([[0, 2], [1, 3], [2, 4], [3, 5]]); y = np.array([2, 4, 6, 8])
    >>> model = LinearRegression().fit(X, y)
    >>> np.round(model.predict(X), 6).tolist()
    [2.0, 4.0, 6.0, 8.0]
    """

    def __init__(self, method: str = "normal", *, fit_intercept: bool = True, learning_rate: float = 0.1,
                 max_iter: int = 100_000, tol: float = 1e-10) -> None:
        self.method = method
        self.fit_intercept = fit_intercept
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X: Any, y: Any) -> "LinearRegression":
        """Estimate ``coef_`` and ``intercept_`` from ``X`` (N, D) and ``y`` (N,); returns ``self``."""
        check_choice(self.method, "method", ("normal", "gd"))
        check_type(self.fit_intercept, "fit_intercept", bool)
        X = _check_X(X)
        y = _check_y(y, X.shape[0])
        n, d = X.shape
        if self.method == "normal":
            x_mean = X.mean(axis=0) if self.fit_intercept else np.zeros(d)  # (D,)
            y_mean = y.mean() if self.fit_intercept else 0.0
            w, _, rank, _ = np.linalg.lstsq(X - x_mean, y - y_mean, rcond=None)  # (D,)
            self.coef_ = w
            self.intercept_ = float(y_mean - x_mean @ w)
            self.rank_ = int(rank)
            self.n_iter_ = 0
            return self
        eta = check_float(self.learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
        max_iter = check_int(self.max_iter, "max_iter", minimum=1)
        tol = check_float(self.tol, "tol", minimum=0.0)
        w, b = np.zeros(d), 0.0
        self.loss_curve_ = []
        for step in range(1, max_iter + 1):
            residual = X @ w + b - y  # (N,) = y_hat - y
            grad_w = 2.0 / n * (X.T @ residual)  # (D,)
            grad_b = 2.0 / n * residual.sum() if self.fit_intercept else 0.0
            self.loss_curve_.append(float(np.mean(residual**2)))
            if not np.isfinite(self.loss_curve_[-1]):
                raise FloatingPointError(
                    f"gradient descent diverged at step {step} (learning_rate={eta}); "
                    "use a smaller learning_rate or standardise the features."
                )
            if np.sqrt(grad_w @ grad_w + grad_b**2) < tol:
                break
            w = w - eta * grad_w
            b = b - eta * grad_b
        self.coef_, self.intercept_, self.n_iter_ = w, float(b), step
        self.rank_ = int(np.linalg.matrix_rank(X - X.mean(axis=0) if self.fit_intercept else X))
        return self

    def predict(self, X: Any) -> np.ndarray:
        r"""Predictions :math:`\hat y = w_0 + X \mathbf{w}`, shape (N,)."""
        self._check_fitted()
        X = _check_X(X, self.coef_.shape[0])
        return X @ self.coef_ + self.intercept_  # (N,)


class LogisticRegression(_Fitted):
    r"""Binary logistic regression fitted by batch gradient descent, without a penalty.

    .. math::
        \hat p_i = \sigma(w_0 + \mathbf{x}_i^\top \mathbf{w}), \qquad
        J = -\frac{1}{N} \sum_{i=1}^{N} \big[ y_i \ln \hat p_i + (1 - y_i) \ln (1 - \hat p_i) \big]

    where :math:`\sigma(z) = 1/(1 + e^{-z})`, :math:`y_i \in \{0, 1\}` the label of sample
    :math:`i` and :math:`\hat p_i` the predicted probability of class 1. The gradient has
    the same form as in linear regression,
    :math:`\nabla_{\mathbf{w}} J = \frac{1}{N} X^\top (\hat{\mathbf{p}} - \mathbf{y})`,
    :math:`\partial J / \partial w_0 = \frac{1}{N}\sum_i (\hat p_i - y_i)`, but there is no closed
    form: the weights start at zero and take steps of size ``learning_rate`` until the
    gradient's norm is below ``tol`` (``converged_``) or after ``max_iter`` steps.
    Without a penalty the optimum does not exist when the classes are linearly
    separable (the weights grow for ever); standardise the features first.

    Labels may be any two values; ``classes_`` holds them sorted, and the second is
    class 1.

    Shapes: ``X`` (N, D), ``y`` (N,); ``coef_`` (D,); ``predict_proba(X)`` (N, 2) with
    columns P(``classes_[0]``), P(``classes_[1]``); ``predict(X)`` (N,).

    Example
    -------
    >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0], [0.5], [-0.5]]); y = np.array([0, 0, 1, 1, 0, 1])
    >>> model = LogisticRegression(learning_rate=1.0).fit(X, y)
    >>> model.predict(np.array([[-3.0], [3.0]])).tolist()
    [0, 1]
    """

    def __init__(self, *, learning_rate: float = 1.0, max_iter: int = 50_000, tol: float = 1e-8,
                 fit_intercept: bool = True, threshold: float = 0.5) -> None:
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.threshold = threshold

    def fit(self, X: Any, y: Any) -> "LogisticRegression":
        """Estimate ``coef_`` and ``intercept_`` by gradient descent; returns ``self``."""
        eta = check_float(self.learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
        max_iter = check_int(self.max_iter, "max_iter", minimum=1)
        tol = check_float(self.tol, "tol", minimum=0.0)
        check_type(self.fit_intercept, "fit_intercept", bool)
        check_float(self.threshold, "threshold", minimum=0.0, maximum=1.0)
        X = _check_X(X)
        if y is None:
            raise TypeError("y must be an array-like of class labels, one per row of X; got None.")
        raw = np.asarray(y.detach().cpu().numpy() if hasattr(y, "detach") else y)
        if raw.ndim != 1 or raw.shape[0] != X.shape[0]:
            raise ValueError(f"y must have shape (N,) = ({X.shape[0]},), one label per row of X; got {raw.shape}.")
        if raw.dtype.kind == "c":
            raise TypeError(f"y must hold class labels; got complex numbers (dtype {raw.dtype}). Pass the labels.")
        if raw.dtype.kind == "f" and not np.all(np.isfinite(raw) & (raw == np.round(raw))):
            raise ValueError(
                "y must hold class labels (whole numbers, strings or booleans), as scikit-learn requires; "
                f"got continuous values such as {raw[~(raw == np.round(raw))][:3].tolist()}. Threshold or encode them."
            )
        classes = np.unique(raw)
        if classes.size != 2:
            raise ValueError(f"y must contain exactly two classes for binary logistic regression; got {classes.tolist()[:6]}.")
        self.classes_ = classes
        t = (raw == classes[1]).astype(float)  # (N,) targets in {0, 1}
        n, d = X.shape
        w, b = np.zeros(d), 0.0
        self.loss_curve_ = []
        self.converged_ = False
        for step in range(1, max_iter + 1):  # noqa: B007 - the count is read after the loop
            z = X @ w + b  # (N,)
            p = sigmoid(z)
            # stable cross-entropy from the logits: log(1 + e^z) - t z
            self.loss_curve_.append(float(np.mean(np.logaddexp(0.0, z) - t * z)))
            error = p - t  # (N,)
            grad_w = X.T @ error / n  # (D,)
            grad_b = error.mean() if self.fit_intercept else 0.0
            if np.sqrt(grad_w @ grad_w + grad_b**2) < tol:
                self.converged_ = True
                break
            w = w - eta * grad_w
            b = b - eta * grad_b
        self.coef_, self.intercept_, self.n_iter_ = w, float(b), step
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        r"""The linear score :math:`z = w_0 + X\mathbf{w}` (log-odds of class 1), shape (N,)."""
        self._check_fitted()
        X = _check_X(X, self.coef_.shape[0])
        return X @ self.coef_ + self.intercept_

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, shape (N, 2): columns for ``classes_[0]`` and ``classes_[1]``."""
        p1 = sigmoid(self.decision_function(X))  # (N,)
        return np.stack([1.0 - p1, p1], axis=1)  # (N, 2)

    def predict(self, X: Any) -> np.ndarray:
        """The class whose probability reaches ``threshold`` (class 1 when P(class 1) >= threshold)."""
        threshold = check_float(self.threshold, "threshold", minimum=0.0, maximum=1.0)
        p1 = self.predict_proba(X)[:, 1]
        return np.where(p1 >= threshold, self.classes_[1], self.classes_[0])
