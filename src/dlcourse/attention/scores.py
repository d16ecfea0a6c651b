"""Score functions with one calling convention, ``score(query, keys, **params)``, and the shape helpers they share."""
from __future__ import annotations

import math
from typing import Any, Callable

import torch

from .._validation import as_float_array, format_shape

__all__ = ["dot_score", "scaled_dot_score", "general_score", "additive_score", "location_score", "SCORES"]


# --------------------------------------------------------------------------- helpers
def _tensor(x: Any, name: str) -> torch.Tensor:
    """``x`` as a real floating tensor: tensors keep their dtype (integers become the default float
    dtype), anything else goes through :func:`~dlcourse._validation.as_float_array` (float64)."""
    if isinstance(x, torch.Tensor):
        t = x
        if t.is_complex():
            raise TypeError(f"{name} must hold real numbers; got a complex tensor ({t.dtype}). Use {name}.real if meant.")
    else:
        t = torch.as_tensor(as_float_array(x, name))
    if not t.is_floating_point():
        t = t.to(torch.get_default_dtype())
    return t


def _same_dtype(**tensors: torch.Tensor) -> None:
    """Raise ``TypeError`` unless all ``tensors`` share one dtype (torch would fail deep in a matmul)."""
    dtypes = {name: t.dtype for name, t in tensors.items()}
    if len(set(dtypes.values())) > 1:
        names = list(tensors)
        listed = ", ".join(f"{name} {str(d).replace('torch.', '')}" for name, d in dtypes.items())
        other = next(d for d in dtypes.values() if d != dtypes[names[0]])
        raise TypeError(
            f"{', '.join(names[:-1])} and {names[-1]} must share one dtype; got {listed}. A NumPy array "
            f"or list becomes float64 while torch tensors are usually float32. To fix: convert, e.g. "
            f"torch.as_tensor({names[0]}, dtype={other}), or pass tensors of one dtype."
        )


def _shape(t: Any) -> str:
    return format_shape(tuple(t.shape if isinstance(t, torch.Tensor) else t))


def _lift(query: Any, keys: Any) -> tuple[torch.Tensor, torch.Tensor, bool]:
    """Return ``q (..., T, d_q)``, ``keys (..., S, d_k)`` and whether the query was single."""
    q = _tensor(query, "query")
    k = _tensor(keys, "keys")
    _same_dtype(query=q, keys=k)
    if k.ndim < 2:
        raise ValueError(
            f"keys must have shape (..., S, d_k): one row per source position; got {_shape(k)}. "
            "For a single key write keys[None]."
        )
    if q.ndim == k.ndim - 1:
        q3, single = q.unsqueeze(-2), True
    elif q.ndim == k.ndim:
        q3, single = q, False
    else:
        raise ValueError(
            f"query must have one dimension fewer than keys (a single query (..., d_q)) or as many "
            f"(a matrix of queries (..., T, d_q)); got query {_shape(q)} and keys {_shape(k)}."
        )
    _broadcast_batch(q3, k, "query", "keys", q)
    return q3, k, single


def _broadcast_batch(a: torch.Tensor, b: torch.Tensor, name_a: str, name_b: str, shown: torch.Tensor) -> None:
    """Raise ``ValueError`` unless the batch axes of ``a (..., T, d)`` and ``b (..., S, d)`` broadcast."""
    if not _broadcastable(a.shape[:-2], b.shape[:-2]):
        raise ValueError(
            f"{name_a} and {name_b} must have the same batch axes (or size 1 where one is shared); got "
            f"{name_a} {_shape(shown)} and {name_b} {_shape(b)}, batch axes {_shape(a.shape[:-2])} and "
            f"{_shape(b.shape[:-2])}. Give both the same batch size B first."
        )


def _broadcastable(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """Whether shapes ``a`` and ``b`` broadcast (plain Python: torch.broadcast_shapes costs far more per step)."""
    return all(x == y or x == 1 or y == 1 for x, y in zip(reversed(a), reversed(b)))


def _finish(scores: torch.Tensor, single: bool) -> torch.Tensor:
    return scores.squeeze(-2) if single else scores


def _same_dim(q: torch.Tensor, k: torch.Tensor, what: str, query: Any, keys: Any) -> None:
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"the {what} score needs query and keys of the same size d: got query "
            f"{_shape(_tensor(query, 'query'))} (d_q = {q.shape[-1]}) and keys {_shape(k)} "
            f"(d_k = {k.shape[-1]}). Use the general or additive score for different sizes."
        )


# --------------------------------------------------------------------------- scores
def dot_score(query: Any, keys: Any) -> torch.Tensor:
    r"""Dot-product score (Luong et al., 2015): :math:`e_i = q^\top k_i`.

    where :math:`q` is the query (the decoder state :math:`s_t`) and :math:`k_i` the
    key of source position :math:`i` (the encoder state :math:`h_i`); both have size
    :math:`d`.

    Shapes: ``query (..., d)`` and ``keys (..., S, d)`` give ``(..., S)``;
    ``query (..., T, d)`` gives ``(..., T, S)``.

    Example
    -------
    >>> dot_score(torch.tensor([1.0, 0.0]), torch.tensor([[2.0, 1.0], [0.0, 3.0]]))
    tensor([2., 0.])
    """
    q, k, single = _lift(query, keys)
    _same_dim(q, k, "dot", query, keys)
    scores = q @ k.transpose(-1, -2)  # (..., T, d) @ (..., d, S) -> (..., T, S)
    return _finish(scores, single)


def scaled_dot_score(query: Any, keys: Any) -> torch.Tensor:
    r"""Scaled dot-product score (Vaswani et al., 2017): :math:`e_i = q^\top k_i / \sqrt{d}`.

    where :math:`d` is the size of query and keys. If the components of :math:`q`
    and :math:`k_i` are independent with mean 0 and variance 1, the dot product has
    variance :math:`d`; dividing by :math:`\sqrt{d}` brings it back to 1 so the
    softmax does not saturate as :math:`d` grows (see :func:`softmax_saturation`).

    Shapes as in :func:`dot_score`.

    Example
    -------
    >>> scaled_dot_score(torch.tensor([1.0, 1.0, 1.0, 1.0]), torch.ones(2, 4))
    tensor([2., 2.])
    """
    q, k, single = _lift(query, keys)
    _same_dim(q, k, "scaled dot", query, keys)
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])  # (..., T, S)
    return _finish(scores, single)


def general_score(query: Any, keys: Any, W: Any) -> torch.Tensor:
    r"""General (bilinear) score (Luong et al., 2015): :math:`e_i = q^\top W_a k_i`.

    where :math:`W_a \in \mathbb{R}^{d_q \times d_k}` is a learned matrix, so query
    and keys may differ in size. With :math:`W_a = I` it is the dot score.

    Shapes: ``W (d_q, d_k)``; otherwise as in :func:`dot_score`.

    Example
    -------
    >>> general_score(torch.tensor([1.0, 2.0]), torch.eye(3)[:2], torch.tensor([[1.0, 0, 0], [0, 1, 0]]))
    tensor([1., 2.])
    """
    q, k, single = _lift(query, keys)
    Wa = _tensor(W, "W")
    _same_dtype(query=q, W=Wa)
    if Wa.ndim != 2 or Wa.shape[0] != q.shape[-1] or Wa.shape[1] != k.shape[-1]:
        raise ValueError(
            f"W must have shape (d_q, d_k) = ({q.shape[-1]}, {k.shape[-1]}) for query "
            f"{_shape(_tensor(query, 'query'))} and keys {_shape(k)}; got W {_shape(Wa)}."
        )
    scores = (q @ Wa) @ k.transpose(-1, -2)  # (..., T, d_q) @ (d_q, d_k) @ (..., d_k, S) -> (..., T, S)
    return _finish(scores, single)


def additive_score(query: Any, keys: Any, W: Any, v: Any, b: Any = None) -> torch.Tensor:
    r"""Additive (concat) score (Bahdanau et al., ICLR 2015): :math:`e_i = v_a^\top \tanh(W_a [q; k_i] + b_a)`.

    where :math:`[q; k_i]` is the concatenation of query and key (size
    :math:`d_q + d_k`), :math:`W_a \in \mathbb{R}^{A \times (d_q + d_k)}` and
    :math:`v_a \in \mathbb{R}^{A}` are learned, :math:`b_a \in \mathbb{R}^A` an
    optional bias and :math:`A` the attention size. Splitting
    :math:`W_a = [W_q \; W_k]` gives the cheaper form
    :math:`v_a^\top \tanh(W_q q + W_k k_i + b_a)`: the projection of the keys does
    not depend on the query and can be computed once per sentence.

    Shapes: ``W (A, d_q + d_k)``, ``v (A,)``, ``b (A,)``; otherwise as in :func:`dot_score`.

    Example
    -------
    >>> W = torch.tensor([[1.0, 0.0, 1.0, 0.0]])          # A = 1, d_q = d_k = 2
    >>> additive_score(torch.tensor([0.5, 0.0]), torch.tensor([[0.5, 9.0], [-0.5, 9.0]]), W, torch.tensor([1.0]))
    tensor([0.7616, 0.0000])
    """
    q, k, single = _lift(query, keys)
    Wa, va = _tensor(W, "W"), _tensor(v, "v")
    _same_dtype(query=q, W=Wa, v=va)
    dq, dk = q.shape[-1], k.shape[-1]
    if Wa.ndim != 2 or Wa.shape[1] != dq + dk:
        raise ValueError(
            f"W must have shape (A, d_q + d_k) = (*, {dq + dk}) for query size d_q = {dq} and keys of "
            f"size d_k = {dk}; got W {_shape(Wa)}."
        )
    A = Wa.shape[0]
    if va.shape != (A,):
        raise ValueError(f"v must have shape (A,) = ({A},) to match W {_shape(Wa)}; got v {_shape(va)}.")
    proj_q = q @ Wa[:, :dq].T  # (..., T, d_q) @ (d_q, A) -> (..., T, A)
    proj_k = k @ Wa[:, dq:].T  # (..., S, d_k) @ (d_k, A) -> (..., S, A)
    hidden = proj_q.unsqueeze(-2) + proj_k.unsqueeze(-3)  # (..., T, 1, A) + (..., 1, S, A) -> (..., T, S, A)
    if b is not None:
        ba = _tensor(b, "b")
        _same_dtype(query=q, b=ba)
        if ba.shape != (A,):
            raise ValueError(f"b must have shape (A,) = ({A},); got b {_shape(ba)}.")
        hidden = hidden + ba
    scores = torch.tanh(hidden) @ va  # (..., T, S, A) @ (A,) -> (..., T, S)
    return _finish(scores, single)


def location_score(query: Any, keys: Any, W: Any, b: Any = None) -> torch.Tensor:
    r"""Location-based score (Luong et al., 2015): :math:`e = W_a q + b_a`, one score per position.

    where :math:`W_a \in \mathbb{R}^{S_{\max} \times d_q}` maps the query alone to a
    score for each of the first :math:`S_{\max}` source positions; the keys are used
    only for their number :math:`S \le S_{\max}` (the scores of positions beyond
    :math:`S` are dropped). The model learns *where* to look, not *what* to look for.

    Shapes: ``W (S_max, d_q)``, ``b (S_max,)``; otherwise as in :func:`dot_score`.

    Example
    -------
    >>> location_score(torch.tensor([1.0, 2.0]), torch.zeros(2, 5), torch.tensor([[1.0, 0], [0, 1], [1, 1]]))
    tensor([1., 2.])
    """
    q, k, single = _lift(query, keys)
    Wa = _tensor(W, "W")
    _same_dtype(query=q, W=Wa)
    S = k.shape[-2]
    if Wa.ndim != 2 or Wa.shape[1] != q.shape[-1] or Wa.shape[0] < S:
        raise ValueError(
            f"W must have shape (S_max, d_q) with S_max >= S = {S} and d_q = {q.shape[-1]} for query "
            f"{_shape(_tensor(query, 'query'))} and keys {_shape(k)}; got W {_shape(Wa)}."
        )
    scores = q @ Wa[:S].T  # (..., T, d_q) @ (d_q, S) -> (..., T, S)
    if b is not None:
        ba = _tensor(b, "b")
        _same_dtype(query=q, b=ba)
        if ba.shape != (Wa.shape[0],):
            raise ValueError(
                f"b must have shape (S_max,) = ({Wa.shape[0]},), one bias per row of W {_shape(Wa)}; got b {_shape(ba)}."
            )
        scores = scores + ba[:S]
    lead = torch.broadcast_shapes(q.shape[:-2], k.shape[:-2])
    scores = scores.expand(*lead, q.shape[-2], S)
    return _finish(scores, single)


#: The parameters each named score needs (``attention(..., score=name, **params)``).
SCORE_PARAMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # (required, optional)
    "dot": ((), ()),
    "scaled_dot": ((), ()),
    "general": (("W",), ()),
    "additive": (("W", "v"), ("b",)),
    "location": (("W",), ("b",)),
}

SCORES: dict[str, Callable[..., torch.Tensor]] = {
    "dot": dot_score,
    "scaled_dot": scaled_dot_score,
    "general": general_score,
    "additive": additive_score,
    "location": location_score,
}
"""The score functions by name, as :func:`attention` accepts them."""


