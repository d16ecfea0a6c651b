r"""Classical time-series statistics by hand: ACF, PACF, differencing, AR fits, ARMA simulation.

Each function is the textbook formula written out in NumPy; the tests check them
against statsmodels (``acf``, ``pacf``, ``AutoReg``, ``ArmaProcess``).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .._validation import as_float_array, check_float, check_int, check_type

__all__ = [
    "as_series_array",
    "acf",
    "pacf",
    "difference",
    "inverse_difference",
    "fit_ar",
    "simulate_arma",
    "is_stationary_ar",
]


#: The longest series :func:`simulate_arma` generates (``n + burn_in``; a Python loop, about a minute).
MAX_SIMULATION = 10**7


def as_series_array(x: Any, name: str = "x", *, min_length: int = 2) -> np.ndarray:
    """Return ``x`` (list, array, pandas Series, tensor) as a finite 1-D float64 array.

    Raises ``ValueError`` naming ``name`` for NaN/inf values, a wrong number of
    dimensions, or fewer than ``min_length`` observations.
    """
    check_type(name, "name", str)
    min_length = check_int(min_length, "min_length", minimum=1)
    values = getattr(x, "values", x) if not hasattr(x, "detach") else x  # pandas Series -> its values
    arr = as_float_array(values, name)  # rejects None, strings, objects and complex values
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional (one observation per time step); got shape {arr.shape}.")
    bad = ~np.isfinite(arr)
    if bad.any():
        first = int(np.argmax(bad))
        raise ValueError(
            f"{name} must contain only finite numbers; found {arr[first]} at position {first} "
            f"({int(bad.sum())} in all). Fill gaps first, e.g. series.interpolate()."
        )
    if arr.size < min_length:
        asked = f" (min_length = {min_length})" if min_length > 2 else ""  # a caller's own requirement
        raise ValueError(f"{name} must have at least {min_length} observations{asked}; got {arr.size}.")
    return arr


def _unit_scale(x: np.ndarray) -> np.ndarray:
    """``x`` times a power of two that brings its largest magnitude into [0.5, 1).

    Multiplying by a power of two is exact, so every scale-free statistic (the ACF, the PACF)
    gets the very numbers it would get unscaled, without the squares of values near 1e300
    overflowing or those of values near 1e-300 underflowing to 0.
    """
    top = float(np.abs(x).max())
    if top == 0.0:
        return x
    _, exponent = np.frexp(top)
    return np.ldexp(x, -int(exponent))


def acf(x: Any, nlags: int, *, adjusted: bool = False) -> np.ndarray:
    r"""Sample autocorrelation function :math:`r_0, \dots, r_K`.

    .. math::
        r_k = \frac{\tfrac{1}{m_k}\sum_{t=k+1}^{n} (x_t - \bar x)(x_{t-k} - \bar x)}
                   {\tfrac{1}{n}\sum_{t=1}^{n} (x_t - \bar x)^2}

    where :math:`n` is the series length, :math:`\bar x` its mean, :math:`k` the lag and
    :math:`m_k = n` (the usual, biased estimator, default) or :math:`m_k = n - k`
    (``adjusted=True``). Equals ``statsmodels.tsa.stattools.acf(x, nlags=K, adjusted=...)``.

    Shapes: ``x`` (n,) -> (K + 1,), with :math:`r_0 = 1`.

    Example
    -------
    >>> acf([1.0, 2.0, 3.0, 4.0], nlags=1).round(3).tolist()
    [1.0, 0.25]
    """
    check_type(adjusted, "adjusted", bool)
    x = _unit_scale(as_series_array(x, "x"))  # r_k does not depend on the scale; nothing over- or underflows
    n = x.size
    nlags = check_int(nlags, "nlags", minimum=0, maximum=n - 1)
    xc = x - x.mean()
    denom = np.dot(xc, xc) / n  # lag-0 autocovariance
    if denom == 0:
        raise ValueError("x is constant; its autocorrelation is undefined (0/0). Use a series that varies.")
    out = np.empty(nlags + 1)
    for k in range(nlags + 1):
        m_k = n - k if adjusted else n
        out[k] = np.dot(xc[k:], xc[: n - k]) / m_k / denom
    return out


def pacf(x: Any, nlags: int, *, adjusted: bool = False) -> np.ndarray:
    r"""Partial autocorrelation function by the Durbin-Levinson recursion.

    The partial autocorrelation at lag :math:`k` is the last coefficient
    :math:`\phi_{kk}` of the best linear AR(:math:`k`) predictor:

    .. math::
        \phi_{kk} = \frac{r_k - \sum_{j=1}^{k-1} \phi_{k-1,j}\, r_{k-j}}
                         {1 - \sum_{j=1}^{k-1} \phi_{k-1,j}\, r_j}, \qquad
        \phi_{kj} = \phi_{k-1,j} - \phi_{kk}\, \phi_{k-1,k-j}

    where :math:`r_k` is the sample ACF (:func:`acf`, biased or ``adjusted``) and
    :math:`\phi_{11} = r_1`. Equals ``statsmodels.tsa.stattools.pacf`` with
    ``method="ldb"`` (``"ywm"``), or with ``method="lda"`` (``"ywadjusted"``, the
    statsmodels default) when ``adjusted=True``.

    Shapes: ``x`` (n,) -> (K + 1,), with the lag-0 value 1.
    """
    check_type(adjusted, "adjusted", bool)
    x = as_series_array(x, "x")
    nlags = check_int(nlags, "nlags", minimum=0, maximum=x.size // 2 - 1 if x.size >= 4 else 0)
    r = acf(x, nlags, adjusted=adjusted)
    out = np.ones(nlags + 1)
    phi = np.zeros(0)  # phi_{k-1, 1..k-1}
    for k in range(1, nlags + 1):
        num = r[k] - np.dot(phi, r[k - 1 : 0 : -1])  # r_k - sum_j phi_{k-1,j} r_{k-j}
        den = 1.0 - np.dot(phi, r[1:k])  # 1 - sum_j phi_{k-1,j} r_j
        phi_kk = num / den
        phi = np.append(phi - phi_kk * phi[::-1], phi_kk)
        out[k] = phi_kk
    return out


def difference(x: Any, d: int = 1, *, lag: int = 1) -> np.ndarray:
    r"""The :math:`d`-th difference :math:`\nabla_s^d x` with lag :math:`s`.

    .. math::
        (\nabla_s x)_t = x_t - x_{t-s}, \qquad \nabla_s^d = \nabla_s(\nabla_s^{d-1})

    where :math:`s` is ``lag`` (1 for ordinary differencing, 12 for a monthly season).
    Each pass loses :math:`s` values: (n,) -> (n - d s,).

    >>> difference([1.0, 4.0, 9.0, 16.0], d=2).tolist()
    [2.0, 2.0]
    """
    x = as_series_array(x, "x", min_length=1)
    d = check_int(d, "d", minimum=0)
    lag = check_int(lag, "lag", minimum=1)
    if d * lag >= x.size:
        raise ValueError(
            f"d * lag must be smaller than the series length {x.size} so that a value is left; "
            f"got d = {d}, lag = {lag} (d * lag = {d * lag}). Use a smaller d or a longer series."
        )
    for _ in range(d):
        x = x[lag:] - x[:-lag]
    return x


def inverse_difference(z: Any, initial: Any, d: int = 1, *, lag: int = 1) -> np.ndarray:
    r"""Undo :func:`difference`: rebuild :math:`x` from :math:`\nabla_s^d x` and its first values.

    ``initial`` holds the first :math:`d s` values of :math:`x`, which differencing
    discarded; the recursion :math:`x_t = (\nabla_s x)_t + x_{t-s}` is applied :math:`d` times
    (a cumulative sum for :math:`s = 1`). Shapes: ``z`` (m,), ``initial`` (d s,) -> (m + d s,).

    >>> inverse_difference(difference([1.0, 4.0, 9.0, 16.0], d=2), [1.0, 4.0], d=2).tolist()
    [1.0, 4.0, 9.0, 16.0]
    """
    d = check_int(d, "d", minimum=0)
    lag = check_int(lag, "lag", minimum=1)
    z = as_series_array(z, "z", min_length=1)
    if d == 0:
        return z.copy()
    initial = as_series_array(initial, "initial", min_length=1)
    if initial.size != d * lag:
        raise ValueError(f"initial must hold the first d * lag = {d * lag} values of the series; got {initial.size}.")
    level = z
    for k in range(d - 1, -1, -1):
        # the first `lag` values of the k-th difference of the original series
        head = initial
        for _ in range(k):
            head = head[lag:] - head[:-lag]
        head = head[:lag]
        out = np.empty(level.size + lag)
        out[:lag] = head
        for t in range(lag, out.size):
            out[t] = level[t - lag] + out[t - lag]  # x_t = (nabla x)_t + x_{t-s}
        level = out
    return level


def fit_ar(x: Any, p: int) -> np.ndarray:
    r"""Least-squares fit of an AR(:math:`p`) model with intercept.

    .. math::
        x_t = \phi_0 + \sum_{i=1}^{p} \phi_i x_{t-i} + e_t, \qquad t = p+1, \dots, n

    where :math:`\phi_0` is the intercept, :math:`\phi_i` the lag coefficients and
    :math:`e_t` the error; the coefficients minimise :math:`\sum_t e_t^2` over the
    :math:`n - p` equations that have all their lags (conditional least squares).
    Equals ``statsmodels.tsa.ar_model.AutoReg(x, lags=p, trend="c").fit().params``.

    Returns the coefficients :math:`(\phi_0, \phi_1, \dots, \phi_p)`, shape (p + 1,).
    """
    x = as_series_array(x, "x")
    p = check_int(p, "p", minimum=0)
    n = x.size
    if n - p < p + 1:
        raise ValueError(
            f"x has {n} observations, too few to fit AR({p}) with an intercept: it needs at least "
            f"{2 * p + 1} (n - p equations for p + 1 unknowns). Use a smaller p."
        )
    columns = [np.ones(n - p)] + [x[p - i : n - i] for i in range(1, p + 1)]
    design = np.column_stack(columns)  # (n - p, p + 1): [1, x_{t-1}, ..., x_{t-p}]
    coef, *_ = np.linalg.lstsq(design, x[p:], rcond=None)
    return coef


def is_stationary_ar(phi: "Sequence[float] | np.ndarray") -> bool:
    r"""Whether :math:`1 - \phi_1 z - \dots - \phi_p z^p` has all roots outside the unit circle.

    Computed as the equivalent condition that every eigenvalue :math:`\lambda` of the
    companion matrix (first row :math:`\phi_1, \dots, \phi_p`, ones below the diagonal) has
    :math:`|\lambda| < 1`: the roots are :math:`z = 1/\lambda`. Unlike the roots, the
    eigenvalues need no division by :math:`\phi_p`, so a tiny last coefficient is harmless.

    Args:
        phi: the AR coefficients :math:`\phi_1, \dots, \phi_p` (finite real numbers).

    Returns:
        ``True`` if the AR part is stationary (an empty or all-zero ``phi`` is).

    Raises:
        TypeError: ``phi`` is not an array-like of real numbers.
        ValueError: ``phi`` holds NaN or infinity, or is too large for the eigenvalues to be computed.

    Example:
        >>> is_stationary_ar([0.5]), is_stationary_ar([1.0]), is_stationary_ar([1e300, 1e-241])
        (True, False, False)
    """
    coef = as_float_array(phi, "phi", finite=True).ravel()
    if coef.size == 0 or not np.any(coef):
        return True
    p = coef.size
    companion = np.zeros((p, p))
    companion[0] = coef
    companion[np.arange(1, p), np.arange(p - 1)] = 1.0
    try:
        eigenvalues = np.linalg.eigvals(companion)
    except np.linalg.LinAlgError as err:  # pragma: no cover - LAPACK failure on finite input
        raise ValueError(
            f"phi = {coef.tolist()!r:.80} is too extreme for its roots to be computed ({err}). Rescale the model."
        ) from None
    return bool(np.all(np.abs(eigenvalues) < 1.0 / (1.0 + 1e-9)))


def simulate_arma(
    phi: Sequence[float] = (),
    theta: Sequence[float] = (),
    n: int = 500,
    seed: int = 0,
    *,
    const: float = 0.0,
    sigma: float = 1.0,
    burn_in: int = 200,
) -> np.ndarray:
    r"""Simulate an ARMA(:math:`p, q`) process.

    .. math::
        Y_t = c + \sum_{i=1}^{p} \phi_i Y_{t-i} + e_t + \sum_{j=1}^{q} \theta_j e_{t-j},
        \qquad e_t \sim \mathcal{N}(0, \sigma^2) \text{ i.i.d.}

    where :math:`c` is ``const``, :math:`\phi_i` the AR and :math:`\theta_j` the MA
    coefficients (statsmodels' ``ArmaProcess(ar=[1, -phi], ma=[1, theta])``, whose sign
    convention for ``ar`` is the lag polynomial's). The first ``burn_in`` values are
    discarded so that the start-up from zeros is forgotten. Returns shape (n,).
    """
    phi_a = as_float_array(phi, "phi").ravel()
    theta_a = as_float_array(theta, "theta").ravel()
    n = check_int(n, "n", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    burn_in = check_int(burn_in, "burn_in", minimum=0)
    const = check_float(const, "const")
    sigma = check_float(sigma, "sigma", minimum=0.0, strict_minimum=True)
    if n + burn_in > MAX_SIMULATION:
        raise ValueError(
            f"n + burn_in must be at most {MAX_SIMULATION:,} (the simulation runs step by step); got "
            f"n={n:,} and burn_in={burn_in:,}. To fix: simulate a shorter series."
        )
    if not (np.all(np.isfinite(phi_a)) and np.all(np.isfinite(theta_a))):
        raise ValueError("phi and theta must contain only finite numbers.")
    if not is_stationary_ar(phi_a):
        raise ValueError(
            f"phi = {phi_a.tolist()} gives a non-stationary AR part (a root of 1 - phi_1 z - ... on or inside "
            "the unit circle): the simulation would explode. Simulate a stationary ARMA and difference-"
            "integrate it (np.cumsum) instead."
        )
    p, q = phi_a.size, theta_a.size
    total = n + burn_in
    e = np.random.default_rng(seed).normal(0.0, sigma, size=total)
    y = np.zeros(total)
    for t in range(total):
        ar = sum(phi_a[i] * y[t - 1 - i] for i in range(p) if t - 1 - i >= 0)
        ma = sum(theta_a[j] * e[t - 1 - j] for j in range(q) if t - 1 - j >= 0)
        y[t] = const + ar + e[t] + ma
    return y[burn_in:]
