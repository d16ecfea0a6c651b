"""Global and local attention over scored keys, and how the unscaled softmax saturates."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import torch

from .._validation import check_choice, check_int, check_num_elements
from .masks import apply_mask
from .scores import (
    SCORE_PARAMS,
    SCORES,
    _broadcast_batch,
    _finish,
    _lift,
    _same_dtype,
    _shape,
    _tensor,
    dot_score,
    scaled_dot_score,
)

__all__ = ["attention", "local_attention", "softmax_saturation"]


# --------------------------------------------------------------------------- attention
def _mask_tensor(mask: Any) -> torch.Tensor:
    """``mask`` as a tensor: a tensor unchanged, a boolean or real array-like converted; anything else refused."""
    if isinstance(mask, torch.Tensor):
        return mask
    array = np.asarray(mask) if not isinstance(mask, (str, bytes)) else None
    if array is None or array.dtype.kind not in "bf":
        raise TypeError(
            f"mask must be a boolean tensor (True where a query may attend) or a floating-point tensor "
            f"added to the scores; got {type(mask).__name__}"
            f"{'' if array is None else f' (dtype {array.dtype})'}. Build it with torch.tensor([...], dtype=torch.bool)."
        )
    return torch.as_tensor(array)


def _prepare_mask(mask: Any, scores3: torch.Tensor, keys: torch.Tensor, single: bool) -> torch.Tensor:
    """The mask as a tensor shaped for ``scores3 (..., T, S)``; shape errors name the keys."""
    m = _mask_tensor(mask)
    S = keys.shape[-2]
    if m.ndim == 0 or m.shape[-1] != S:
        raise ValueError(
            f"mask must have shape (..., S) with S = {S} source positions (keys {_shape(keys)}); got mask {_shape(m)}."
        )
    if not single and m.ndim < scores3.ndim:
        m = m.unsqueeze(-2)  # (..., S) -> (..., 1, S): the same mask for every query
    return m


def attention(
    query: Any,
    keys: Any,
    values: Any,
    score: str | Callable[..., torch.Tensor] = "dot",
    mask: Any = None,
    **score_params: Any,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Global attention: scores, softmax weights and the context vector.

    .. math::
        e_i = \operatorname{score}(q, k_i), \qquad
        \alpha_i = \frac{\exp(e_i)}{\sum_{j:\, m_j} \exp(e_j)} \text{ if } m_i \text{ else } 0, \qquad
        c = \sum_{i=1}^{S} \alpha_i v_i

    where :math:`q` is the query, :math:`k_i` and :math:`v_i` the key and value of
    source position :math:`i = 1..S`, :math:`m_i` the mask (True at real tokens,
    False at padding), :math:`\alpha` the attention weights and :math:`c` the
    context vector. In matrix form, for queries :math:`Q` (one per row),
    :math:`C = \operatorname{softmax}(QK^\top) V` with the dot score.

    Parameters
    ----------
    query:
        ``(..., d_q)`` (one query) or ``(..., T, d_q)`` (a matrix of queries).
    keys, values:
        ``(..., S, d_k)`` and ``(..., S, d_v)``.
    score:
        A name in :data:`SCORES` (``"dot"``, ``"scaled_dot"``, ``"general"``,
        ``"additive"``, ``"location"``) or a function ``score(query, keys, **score_params)``.
    mask:
        Optional ``(..., S)`` (or ``(..., T, S)``), the book's one convention
        (:mod:`dlcourse.attention.masks`): boolean, True where attending is allowed
        (masked positions get weight exactly 0), or floating point, added to the scores.
        A query with no allowed key raises ``ValueError`` (a source of length 0).
    score_params:
        Parameters of the score, e.g. ``W=`` for the general score, ``W=, v=`` for the additive one.

    Returns
    -------
    ``(context, weights)``: ``context (..., d_v)`` and ``weights (..., S)`` for a single
    query; ``(..., T, d_v)`` and ``(..., T, S)`` for a matrix of queries.

    Example
    -------
    >>> H = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])     # three encoder states
    >>> context, weights = attention(torch.tensor([2.0, 0.0]), H, H)
    >>> weights.round(decimals=3)
    tensor([0.4680, 0.0630, 0.4680])
    """
    if isinstance(score, str):
        check_choice(score, "score", SCORES)
        score_fn = SCORES[score]
        required, optional = SCORE_PARAMS[score]
        missing = [p for p in required if p not in score_params]
        unknown = [p for p in score_params if p not in required + optional]
        if missing or unknown:
            wanted = ", ".join(f"{p}=" for p in required) or "no parameters"
            raise TypeError(
                f"score={score!r} needs {wanted}" + (f" (optional: {', '.join(optional)})" if optional else "")
                + f"; got {sorted(score_params) or 'none'}"
                + (f", missing {missing}" if missing else "") + (f", unknown {unknown}" if unknown else "")
                + ". To fix: pass exactly those as keyword arguments, e.g. attention(q, K, V, 'general', W=W_a)."
            )
    elif callable(score):
        score_fn = score
    else:
        raise TypeError(f"score must be one of {sorted(SCORES)} or a function; got {type(score).__name__}.")
    q3, k, single = _lift(query, keys)
    v = _tensor(values, "values")
    _same_dtype(keys=k, values=v)
    if v.ndim != k.ndim or v.shape[-2] != k.shape[-2]:
        raise ValueError(
            f"values must have shape (..., S, d_v) with the same S = {k.shape[-2]} as keys {_shape(k)}; "
            f"got values {_shape(v)}."
        )
    _broadcast_batch(k, v, "keys", "values", k)
    _broadcast_batch(q3, v, "query", "values", q3)
    scores3 = score_fn(q3, k, **score_params)  # (..., T, S)
    if mask is not None:
        # exp(-inf) = 0: zero weight. Applied in the caller's shape, so an error names the caller's query.
        m = _prepare_mask(mask, scores3, k, single)
        scores3 = apply_mask(scores3.squeeze(-2), m).unsqueeze(-2) if single else apply_mask(scores3, m)
    weights3 = torch.softmax(scores3, dim=-1)  # (..., T, S)
    context3 = weights3 @ v  # (..., T, S) @ (..., S, d_v) -> (..., T, d_v)
    return _finish(context3, single), _finish(weights3, single)


def local_attention(
    query: Any,
    keys: Any,
    values: Any,
    center: Any,
    half_width: int,
    score: str | Callable[..., torch.Tensor] = "dot",
    mask: Any = None,
    **score_params: Any,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Local attention (Luong et al., 2015, local-p): a window around a predicted position.

    .. math::
        \alpha_i = \operatorname{softmax}_{|j - p| \le D}(e_j)_i \,
        \exp\!\left(-\frac{(i - p)^2}{2\sigma^2}\right), \quad \sigma = D / 2, \qquad
        c = \sum_i \alpha_i v_i

    where :math:`p` is the centre of the window (a real number; Luong et al. predict
    it as :math:`S \cdot \mathrm{sigmoid}(v_p^\top \tanh(W_p s_t))`; *local-m* takes
    :math:`p = t`), :math:`D` the half-width, and positions outside
    :math:`[p - D, p + D]` get weight 0. As in the paper the Gaussian factor is
    applied after the softmax, so the weights sum to at most 1. Only :math:`2D + 1`
    scores are needed per step instead of :math:`S`.

    Shapes: ``center`` a number or ``(...)`` (one per query); the rest as in
    :func:`attention`. Returns ``(context, weights)``.
    """
    D = check_int(half_width, "half_width", minimum=0)
    q3, k, single = _lift(query, keys)
    S = k.shape[-2]
    p = _tensor(center, "center").to(k.dtype)
    lead = q3.shape[:-2] if single else q3.shape[:-1]  # one centre per query: (...) or (..., T)
    if p.ndim > len(lead) or not all(x == y or x == 1 for x, y in zip(reversed(p.shape), reversed(lead))):
        raise ValueError(
            f"center must be a number or hold one centre per query, shape {_shape(lead)} for query "
            f"{_shape(_tensor(query, 'query'))}; got center {_shape(p)}."
        )
    if single:
        p = p.unsqueeze(-1)  # (...) -> (..., 1): one centre per (single) query
    positions = torch.arange(S, dtype=k.dtype)  # (S,)
    distance = positions - p.unsqueeze(-1)  # (..., T, S)
    window = distance.abs() <= D
    if mask is not None:
        m = _mask_tensor(mask)
        if single or m.ndim < q3.ndim:
            m = m.unsqueeze(-2)
        window = window & m
    if not bool(window.any(dim=-1).all()):
        raise ValueError(
            f"the window [center - {D}, center + {D}] holds no visible source position for some query "
            f"(S = {S}); move the centre inside 0..{S - 1} or widen half_width."
        )
    context3, weights3 = attention(q3, k, _tensor(values, "values"), score, window, **score_params)
    sigma = max(D / 2.0, 1e-12)
    weights3 = weights3 * torch.exp(-(distance**2) / (2 * sigma**2))  # (..., T, S)
    context3 = weights3 @ _tensor(values, "values")  # (..., T, d_v)
    return _finish(context3, single), _finish(weights3, single)


def softmax_saturation(
    dims: Any = (4, 16, 64, 256, 1024), num_keys: int = 10, trials: int = 2000, seed: int = 0
) -> dict[str, np.ndarray]:
    r"""How peaked softmax attention gets as the dimension grows, with and without scaling.

    For each dimension :math:`d`, draws ``trials`` queries and sets of ``num_keys``
    keys with independent standard-normal components, and measures the mean of the
    largest weight :math:`\max_i \alpha_i` and of the entropy
    :math:`H = -\sum_i \alpha_i \ln \alpha_i` for the dot score (its standard
    deviation grows as :math:`\sqrt{d}`) and the scaled dot score (standard
    deviation 1). A largest weight near 1 means the softmax has *saturated*: it is
    almost one-hot and its gradient :math:`\partial \alpha / \partial e =
    \operatorname{diag}(\alpha) - \alpha\alpha^\top` is almost 0.

    Returns
    -------
    dict of NumPy arrays over ``dims``: ``dims``, ``dot_max_weight``,
    ``scaled_max_weight``, ``dot_entropy``, ``scaled_entropy``, ``dot_score_std``,
    ``scaled_score_std`` and ``dot_grad_norm``, ``scaled_grad_norm`` (mean Frobenius
    norm of the softmax Jacobian).
    """
    if not isinstance(dims, (list, tuple, range, np.ndarray)):
        raise TypeError(f"dims must be a sequence of positive integers, e.g. dims=(4, 16, 64); got {type(dims).__name__}.")
    listed = list(np.ravel(dims))
    if not listed or any(
            isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1 for d in listed):
        raise ValueError(
            f"dims must be a non-empty sequence of positive integers (the dimensions d to compare); got "
            f"{listed}. E.g. dims=(4, 16, 64)."
        )
    dims_arr = np.asarray(listed, dtype=int)
    n = check_int(num_keys, "num_keys", minimum=2)
    trials = check_int(trials, "trials", minimum=1)
    check_num_elements(
        trials * n * max(int(dims_arr.max()), n),
        f"the keys (trials x num_keys x max(dims, num_keys) = {trials:,} x {n:,} x {max(int(dims_arr.max()), n):,})",
        "pass fewer trials, fewer num_keys or smaller dims",
    )
    gen = torch.Generator().manual_seed(check_int(seed, "seed", minimum=0))
    out: dict[str, list[float]] = {key: [] for key in (
        "dot_max_weight", "scaled_max_weight", "dot_entropy", "scaled_entropy",
        "dot_score_std", "scaled_score_std", "dot_grad_norm", "scaled_grad_norm")}
    for d in dims_arr:
        q = torch.randn(trials, int(d), generator=gen, dtype=torch.float64)  # (N, d)
        k = torch.randn(trials, n, int(d), generator=gen, dtype=torch.float64)  # (N, n, d)
        for name, fn in (("dot", dot_score), ("scaled", scaled_dot_score)):
            e = fn(q, k)  # (N, n)
            a = torch.softmax(e, dim=-1)
            entropy = -(a * torch.log(a.clamp_min(1e-300))).sum(-1)
            jac = torch.diag_embed(a) - a.unsqueeze(-1) * a.unsqueeze(-2)  # (N, n, n)
            out[f"{name}_max_weight"].append(float(a.max(-1).values.mean()))
            out[f"{name}_entropy"].append(float(entropy.mean()))
            out[f"{name}_score_std"].append(float(e.std()))
            out[f"{name}_grad_norm"].append(float(torch.linalg.matrix_norm(jac).mean()))
    result = {key: np.asarray(vals) for key, vals in out.items()}
    result["dims"] = dims_arr
    return result


