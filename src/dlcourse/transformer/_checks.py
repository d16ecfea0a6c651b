"""Argument checks the Transformer's layers share: each public ``forward`` checks its own
arguments once, by their own names, before any arithmetic (so a wrong dtype or shape is
named here, not inside ``F.linear`` or ``view``)."""
from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from .._validation import check_float, check_type, format_shape


def check_features(t: Any, name: str, d_model: int, dtype: torch.dtype, *, ndim: int | None = 3) -> Tensor:
    """``t`` after checking it is a ``dtype`` tensor ``(batch, seq_len, d_model)`` (or ``(..., d_model)``).

    ``ndim=None`` allows any leading shape (a position-wise layer).
    """
    if type(t) is Tensor and t.dtype == dtype and t.ndim == (ndim or t.ndim) and t.ndim and t.shape[-1] == d_model:
        return t  # the usual case, decided in about a microsecond; the messages below are for the rest
    names = "(batch, seq_len, d_model)" if ndim == 3 else "(..., d_model)"
    if not isinstance(t, Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor of shape {names}; got {type(t).__name__}. "
            f"Convert it first, e.g. torch.as_tensor({name}, dtype={dtype})."
        )
    if t.dtype != dtype:
        raise TypeError(
            f"{name} must have the dtype of the model's parameters, {dtype}; got {t.dtype}. "
            f"Convert one of them: {name}.to({dtype}), or the model with .to({t.dtype}) for a real dtype."
        )
    want = (None,) * (2 if ndim == 3 else 0) + (d_model,)
    if (ndim is not None and t.ndim != ndim) or t.ndim < 1 or t.shape[-1] != d_model:
        raise ValueError(
            f"{name} must have shape {names} = {format_shape(want) if ndim == 3 else f'(..., {d_model})'}; "
            f"got {format_shape(tuple(t.shape))}."
        )
    return t


def broadcastable(*shapes: tuple[int, ...]) -> bool:
    """Whether the shapes broadcast together (NumPy's rule), in pure Python: a few microseconds
    where ``torch.broadcast_shapes`` takes hundreds (it runs once per attention call)."""
    if all(s == shapes[0] for s in shapes):  # the usual case: one (batch, heads) for all
        return True
    n = max(len(s) for s in shapes)
    for dims in zip(*[(1,) * (n - len(s)) + tuple(s) for s in shapes]):
        if len({d for d in dims if d != 1}) > 1:
            return False
    return True


def check_same_batch(**tensors: Tensor) -> None:
    """Raise ``ValueError`` unless every tensor has the same size along axis 0 (the batch)."""
    first = next(iter(tensors.values())).shape[0]
    if all(t.shape[0] == first for t in tensors.values()):
        return
    sizes = {name: t.shape[0] for name, t in tensors.items()}
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"{name} {format_shape(tuple(t.shape))}" for name, t in tensors.items())
        raise ValueError(
            f"{', '.join(list(sizes)[:-1])} and {list(sizes)[-1]} must have the same batch size (axis 0); got {listed}. "
            "Pass the same examples to each."
        )


def check_attention_args(q: Any, k: Any, v: Any, dropout_p: Any, training: Any) -> float:
    """The checks of :func:`~dlcourse.transformer.scaled_dot_product_attention`; returns ``dropout_p``.

    It runs once per attention call (chapter 11 times single calls), so the usual case is decided
    by one expression; the messages are built only when it fails.
    """
    try:
        usual = (
            type(training) is bool and type(dropout_p) in (float, int) and 0.0 <= dropout_p <= 1.0
            and q.dtype == k.dtype == v.dtype and q.is_floating_point()
            and q.ndim >= 2 and k.ndim >= 2 and v.ndim >= 2 and q.shape[:-2] == k.shape[:-2] == v.shape[:-2]
            and q.shape[-1] == k.shape[-1] and k.shape[-2] == v.shape[-2]
        )
    except (AttributeError, TypeError):
        usual = False
    if usual:
        return float(dropout_p)
    for name, t in (("q", q), ("k", k), ("v", v)):
        check_type(t, name, Tensor)
        if t.ndim < 2:
            raise ValueError(f"{name} must have at least 2 dimensions (..., seq_len, dim); got shape {tuple(t.shape)}.")
    if not q.is_floating_point() or k.dtype != q.dtype or v.dtype != q.dtype:
        raise TypeError(
            f"q, k and v must share one real floating-point dtype; got q {q.dtype}, k {k.dtype}, v {v.dtype}. "
            "Convert them, e.g. k.to(q.dtype)."
        )
    if not broadcastable(q.shape[:-2], k.shape[:-2], v.shape[:-2]):
        raise ValueError(
            f"the leading (batch, head) axes of q, k and v must broadcast; got q {tuple(q.shape)}, "
            f"k {tuple(k.shape)}, v {tuple(v.shape)}. Pass the same batch to each."
        )
    dropout_p = check_float(dropout_p, "dropout_p", minimum=0.0, maximum=1.0)
    check_type(training, "training", bool)
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"q and k must have the same last dimension d_k; got q {tuple(q.shape)} and k {tuple(k.shape)}."
        )
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"k and v must have the same number of positions S (dimension -2); got k {tuple(k.shape)} and v {tuple(v.shape)}."
        )
    return dropout_p
