r"""The one mask convention of every attention in the book (chapters 10 and 11).

* A **boolean** mask is True where a query may attend to a key and False where it may
  not: the meaning of :func:`torch.nn.functional.scaled_dot_product_attention`. (The
  boolean ``attn_mask`` and ``key_padding_mask`` of :class:`torch.nn.MultiheadAttention`
  and :class:`torch.nn.Transformer` mean the opposite: True = blocked.)
* A **floating-point** mask is *added* to the scores: 0 allows, :math:`-\infty` blocks,
  a finite value biases (e.g. a relative-position bias).
* Every query must be allowed **at least one key**. A softmax over no keys is undefined:
  torch returns NaN for such a row and the NaN then spreads through every later layer.
  Here such a mask raises a :class:`ValueError` naming the first query concerned; the
  usual cause is a sequence of length 0 (a row of padding only).

:func:`dlcourse.attention.attention` (chapter 10) and
:func:`dlcourse.transformer.scaled_dot_product_attention` (chapter 11) both apply their
masks with :func:`apply_mask`.
"""
from __future__ import annotations

import torch

from .._validation import check_type, format_shape

__all__ = ["apply_mask"]


def apply_mask(scores: torch.Tensor, mask: torch.Tensor, *, name: str = "mask") -> torch.Tensor:
    r"""Scores with a mask applied: :math:`-\infty` where blocked, ready for the softmax.

    Args:
        scores: attention scores ``(..., L, S)``: one row of ``S`` key scores per query.
        mask: broadcastable to ``scores``; boolean (True = may attend) or floating point
            (added to the scores; ``-inf`` blocks).
        name: the argument's name in error messages.

    Returns:
        A tensor shaped like ``scores``.

    Raises:
        TypeError: ``scores`` is not a floating-point tensor, ``mask`` is not a tensor, or
            neither boolean nor floating point, or ``name`` is not a string.
        ValueError: ``mask`` does not broadcast to ``scores``, holds NaN or ``+inf``, or
            allows no key for some query (the message names the query's index).

    Example:
        >>> apply_mask(torch.zeros(1, 3), torch.tensor([[True, False, True]]))
        tensor([[0., -inf, 0.]])
        >>> apply_mask(torch.zeros(2, 2), torch.tensor([[True, True], [False, False]]))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: mask allows no key for the query at index (1,) of scores (2, 2): ...
    """
    check_type(name, "name", str)
    check_type(scores, "scores", torch.Tensor)
    if not scores.is_floating_point():
        raise TypeError(
            f"scores must be a floating-point tensor (a blocked score becomes -inf); got {scores.dtype}. "
            f"Use scores.float()."
        )
    check_type(mask, name, torch.Tensor)
    if mask.dtype != torch.bool and not mask.is_floating_point():
        raise TypeError(
            f"{name} must be a boolean tensor (True where a query may attend) or a floating-point "
            f"tensor added to the scores (-inf blocks); got dtype {mask.dtype}. Convert with "
            f"{name}.bool() (nonzero = may attend)."
        )
    try:
        shape = torch.broadcast_shapes(mask.shape, scores.shape)
    except RuntimeError:
        shape = None
    if shape != scores.shape:
        raise ValueError(
            f"{name} must broadcast to the scores (..., L, S) = {format_shape(tuple(scores.shape))}; "
            f"got {name} {format_shape(tuple(mask.shape))}. Give the key axis S last and size-1 "
            "axes where the mask is shared (e.g. (B, 1, 1, S) for padding)."
        )
    if mask.dtype == torch.bool:
        blocked = ~mask.any(dim=-1)
        masked = scores.masked_fill(~mask, float("-inf"))
    else:
        if bool((torch.isnan(mask) | torch.isposinf(mask)).any()):
            raise ValueError(f"{name} (additive) must hold finite numbers or -inf; it holds NaN or +inf.")
        blocked = torch.isneginf(mask).all(dim=-1)
        masked = scores + mask
    if bool(blocked.any()):
        rows = blocked.expand(scores.shape[:-1])  # one entry per query
        where = tuple(int(i) for i in torch.nonzero(rows)[0])
        query = f"the query at index {where}" if where else "the (only) query"
        raise ValueError(
            f"{name} allows no key for {query} of scores "
            f"{format_shape(tuple(scores.shape))}: a softmax over no keys is undefined (torch "
            "returns NaN). Every query needs at least one allowed key (True, or a value above "
            "-inf); the usual cause is a sequence of length 0 or of padding only. Drop empty "
            "sequences or give each at least one real token."
        )
    return masked
