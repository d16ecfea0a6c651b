r"""How sure is a forecast comparison? Diebold-Mariano test, block bootstrap, rolling test windows.

Seeds measure the randomness of a network's training; they say nothing about how much a
verdict depends on *which* years happened to be in the test set. The tools here answer the
second question from the paired test errors of two forecasters:

- :func:`dm_test`: the Diebold-Mariano test with the Harvey-Leybourne-Newbold small-sample
  correction (a paired test on the loss differential);
- :func:`block_bootstrap_ratio`: a moving-block bootstrap interval for the ratio of two RMSEs
  (blocks keep neighbouring, correlated errors together);
- :func:`rolling_windows`: the start indices of several non-overlapping test windows at the
  end of a series, each evaluated after refitting on everything before it.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._validation import check_choice, check_float, check_int
from .stats import as_series_array

__all__ = ["DMResult", "dm_test", "block_bootstrap_ratio", "rolling_windows"]


class DMResult(NamedTuple):
    """Result of :func:`dm_test`."""

    statistic: float  #: HLN-corrected statistic, compared with Student's t with n - 1 degrees of freedom
    pvalue: float  #: two-sided (or one-sided, see ``alternative``) p-value
    mean_diff: float  #: mean loss differential, model 1 minus model 2 (negative: model 1 better)
    n: int  #: number of paired forecasts


def dm_test(e1: Any, e2: Any, *, h: int = 1, power: int = 2, alternative: str = "two-sided") -> DMResult:
    r"""Diebold-Mariano test of equal accuracy, with the Harvey-Leybourne-Newbold correction.

    From the forecast errors :math:`e_{1t}, e_{2t}` of two models on the same :math:`n` test
    times, the loss differential is :math:`d_t = |e_{1t}|^k - |e_{2t}|^k` (``power`` :math:`k`,
    2 for squared error). Under the null hypothesis of equal expected loss, :math:`E[d_t] = 0`.
    With :math:`\bar d` the mean of :math:`d_t` and the autocovariances
    :math:`\hat\gamma_j = \tfrac1n \sum_{t=j+1}^{n} (d_t - \bar d)(d_{t-j} - \bar d)`,

    .. math::
        \mathrm{DM} = \frac{\bar d}{\sqrt{\big(\hat\gamma_0 + 2\sum_{j=1}^{h-1}\hat\gamma_j\big)/n}},
        \qquad
        \mathrm{DM}^* = \mathrm{DM}\,\sqrt{\frac{n + 1 - 2h + h(h-1)/n}{n}}

    where :math:`h` is the forecast horizon (1 for one-step forecasts; an optimal
    :math:`h`-step forecast has errors correlated up to lag :math:`h - 1`). The corrected
    statistic :math:`\mathrm{DM}^*` is compared with Student's :math:`t_{n-1}` (Harvey,
    Leybourne and Newbold 1997), which keeps the test's size honest for small :math:`n`.
    For :math:`h = 1`, :math:`\mathrm{DM}^*` equals the one-sample t statistic of
    :math:`d_t` exactly.

    ``alternative``: ``"two-sided"``, ``"less"`` (model 1 has smaller loss) or ``"greater"``.
    Shapes: ``e1``, ``e2`` (n,). Raises ``ValueError`` if the variance estimate is not positive.
    """
    from scipy import stats

    a = as_series_array(e1, "e1")
    b = as_series_array(e2, "e2")
    if a.shape != b.shape:
        raise ValueError(f"e1 and e2 must be paired errors of the same length; got {a.size} and {b.size}.")
    h = check_int(h, "h", minimum=1, maximum=a.size - 1)
    power = check_int(power, "power", minimum=1, maximum=8)  # |e|**power overflows float64 soon after
    alternative = check_choice(alternative, "alternative", ("two-sided", "less", "greater"))
    d = np.abs(a) ** power - np.abs(b) ** power  # (n,)
    n = d.size
    mean = float(d.mean())
    dc = d - mean
    gamma = [float(np.dot(dc[j:], dc[: n - j]) / n) for j in range(h)]
    var = (gamma[0] + 2.0 * sum(gamma[1:])) / n
    if not var > 0:
        raise ValueError(
            f"the long-run variance estimate of the loss differential is {var:.3g} (not positive): the two "
            "forecasts have identical losses, or h is too large for this n."
        )
    dm = mean / np.sqrt(var)
    stat = float(dm * np.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n))
    if alternative == "two-sided":
        p = 2.0 * stats.t.sf(abs(stat), df=n - 1)
    elif alternative == "less":
        p = stats.t.cdf(stat, df=n - 1)
    else:
        p = stats.t.sf(stat, df=n - 1)
    return DMResult(stat, float(p), mean, n)


def block_bootstrap_ratio(
    e1: Any,
    e2: Any,
    *,
    block: int | None = None,
    n_boot: int = 2000,
    level: float = 0.95,
    groups: Any = None,
    seed: int = 0,
) -> tuple[float, float, float]:
    r"""RMSE ratio :math:`\mathrm{RMSE}_1 / \mathrm{RMSE}_2` with a moving-block bootstrap interval.

    The paired errors :math:`(e_{1t}, e_{2t})` are resampled together in blocks of ``block``
    consecutive test times (default :math:`\lceil n^{1/3} \rceil`), so the correlation
    between neighbouring errors survives the resampling (Kunsch 1989). Each replicate draws
    random block starts until it has :math:`n` times, recomputes both RMSEs on the same drawn
    times and stores their ratio; the interval holds the central ``level`` share of the
    replicates (percentile interval). A ratio below 1 means model 1 is more accurate; an
    interval that contains 1 means the test sample cannot tell them apart at that level.

    ``groups`` (n,), optional: labels of separate test windows; blocks are then drawn within
    each window (each window keeps its size), never across the gap between two windows.

    Returns ``(ratio, lower, upper)``.
    """
    a = as_series_array(e1, "e1")
    b = as_series_array(e2, "e2")
    if a.shape != b.shape:
        raise ValueError(f"e1 and e2 must be paired errors of the same length; got {a.size} and {b.size}.")
    n_boot = check_int(n_boot, "n_boot", minimum=1, maximum=10**7)
    seed = check_int(seed, "seed", minimum=0)
    level = check_float(level, "level", minimum=0.0, maximum=1.0, strict_minimum=True)
    g = np.zeros(a.size, dtype=int) if groups is None else np.asarray(groups)
    if g.shape != a.shape:
        raise ValueError(f"groups must have one label per test time ({a.size}); got shape {g.shape}.")
    parts = [np.flatnonzero(g == label) for label in dict.fromkeys(g.tolist())]  # indices of each window
    if block is None:
        block = int(np.ceil(min(p.size for p in parts) ** (1 / 3)))
    block = check_int(block, "block", minimum=1, maximum=min(p.size for p in parts))
    rng = np.random.default_rng(seed)
    sq1, sq2 = a**2, b**2
    ratios = np.empty(n_boot)
    for i in range(n_boot):
        picked = []
        for idx in parts:
            m = idx.size
            starts = rng.integers(0, m - block + 1, size=int(np.ceil(m / block)))
            picked.append(idx[(starts[:, None] + np.arange(block)).ravel()[:m]])
        take = np.concatenate(picked)
        ratios[i] = np.sqrt(sq1[take].mean() / sq2[take].mean())
    tail = (1 - level) / 2
    lower, upper = np.quantile(ratios, [tail, 1 - tail])
    return float(np.sqrt(sq1.mean() / sq2.mean())), float(lower), float(upper)


def rolling_windows(n: int, n_windows: int, size: int) -> list[int]:
    r"""Start indices of ``n_windows`` non-overlapping test windows of ``size`` at the end of a series.

    Window :math:`k` covers indices :math:`[s_k, s_k + \text{size})` with
    :math:`s_k = n - (\text{n\_windows} - k)\,\text{size}`; a forecaster evaluated on window
    :math:`k` is fitted on indices :math:`[0, s_k)` only (the data before the window).

    >>> rolling_windows(309, 3, 40)
    [189, 229, 269]
    """
    n = check_int(n, "n", minimum=2)
    n_windows = check_int(n_windows, "n_windows", minimum=1)
    size = check_int(size, "size", minimum=1)
    if n_windows * size >= n:
        raise ValueError(
            f"n_windows * size must be less than n to leave training data; got n_windows={n_windows}, "
            f"size={size} and n={n} ({n_windows} windows of {size} cover the whole series). Use fewer or shorter windows."
        )
    return [n - (n_windows - k) * size for k in range(n_windows)]
