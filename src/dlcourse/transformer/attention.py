"""Masks, scaled dot-product attention and multi-head attention (equal to ``torch.nn.MultiheadAttention``).

Mask convention (:mod:`dlcourse.attention.masks`, the same as chapter 10's): a boolean mask is
True where a query may attend to a key (the meaning of
``torch.nn.functional.scaled_dot_product_attention``); a floating-point mask is added to the
scores; a query with no allowed key raises ``ValueError`` instead of returning NaN.
"""
from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .._validation import check_float, check_int, check_ndim, check_num_parameters, check_type
from ..attention.masks import apply_mask
from ..seq2seq._limits import renamed
from ._checks import check_attention_args, check_features, check_same_batch

#: The largest ``size`` of :func:`subsequent_mask`: a (size, size) boolean mask of 1 GiB.
MAX_MASK_SIZE = 2**15

__all__ = ["padding_mask", "subsequent_mask", "scaled_dot_product_attention", "MultiHeadAttention"]


# ---------------------------------------------------------------------------- masks
def padding_mask(tokens: Tensor, pad: int = 0) -> Tensor:
    r"""A key-padding mask: True for real tokens, False for ``pad``.

    Shaped ``(B, 1, 1, S)`` so that it broadcasts over heads ``h`` and queries ``L``
    against attention scores of shape ``(B, h, L, S)``.

    Example
    -------
    >>> padding_mask(torch.tensor([[5, 7, 0]])).int().tolist()
    [[[[1, 1, 0]]]]
    """
    check_type(tokens, "tokens", Tensor)
    check_ndim(tokens, "tokens", 2, names="(batch, seq_len)")
    if tokens.is_floating_point() or tokens.is_complex() or tokens.dtype == torch.bool:
        raise TypeError(f"tokens must hold integer token ids; got dtype {tokens.dtype}. Use tokens.long().")
    pad = check_int(pad, "pad")
    return (tokens != pad)[:, None, None, :]  # (B, 1, 1, S)


def subsequent_mask(size: int, device: Any = None) -> Tensor:
    r"""The look-ahead (causal) mask: query :math:`i` may attend to keys :math:`j \le i`.

    Returns a boolean ``(size, size)`` lower-triangular matrix, True on and below the
    diagonal; it broadcasts against scores of shape ``(B, h, size, size)``.

    Example
    -------
    >>> subsequent_mask(3).int().tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    size = check_int(size, "size", minimum=1, maximum=MAX_MASK_SIZE)
    return torch.ones(size, size, dtype=torch.bool, device=device).tril()  # (T, T)


# ---------------------------------------------------------------------------- attention
def scaled_dot_product_attention(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    mask: Tensor | None = None,
    dropout_p: float = 0.0,
    training: bool = True,
) -> tuple[Tensor, Tensor]:
    r"""Scaled dot-product attention; returns the output and the attention weights.

    .. math::
        \mathrm{Attention}(Q, K, V) = \mathrm{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}} + M\right) V

    where :math:`Q \in \mathbb{R}^{L \times d_k}` holds one query per row,
    :math:`K \in \mathbb{R}^{S \times d_k}` one key per row, :math:`V \in
    \mathbb{R}^{S \times d_v}` one value per row, :math:`d_k` is the query/key width and
    :math:`M` is 0 where a query may attend and :math:`-\infty` where it may not. The
    softmax runs over the :math:`S` keys, so each row of weights is a probability
    distribution. Dividing by :math:`\sqrt{d_k}` keeps the scores' variance near 1 when
    the entries of :math:`q` and :math:`k` have unit variance, so the softmax does not
    saturate.

    Args:
        q: queries ``(..., L, d_k)``.
        k: keys ``(..., S, d_k)``.
        v: values ``(..., S, d_v)``; the leading dimensions (batch, heads) of ``q``,
            ``k`` and ``v`` must broadcast.
        mask: optional, broadcastable to ``(..., L, S)``, the book's one convention
            (:mod:`dlcourse.attention.masks`, shared with :func:`dlcourse.attention.attention`):
            boolean, True where a query may attend, or floating point, added to the
            scores (``-inf`` blocks).
        dropout_p: dropout probability on the weights (only when ``training``).
        training: whether dropout is applied.

    Returns:
        ``(output, weights)`` with shapes ``(..., L, d_v)`` and ``(..., L, S)``.

    Raises:
        ValueError: a query row with no allowed key (softmax over nothing, NaN in torch);
            the message names the row. A source of padding only causes it:
            :meth:`Transformer.encode` names such a source before it gets here.

    Example:
        >>> q = k = v = torch.eye(2)[None]            # (1, 2, 2)
        >>> out, w = scaled_dot_product_attention(q, k, v)
        >>> w.sum(-1).tolist()
        [[1.0, 1.0]]
    """
    dropout_p = check_attention_args(q, k, v, dropout_p, training)  # shapes, dtypes, rates; by name
    scale = 1.0 / math.sqrt(q.shape[-1])
    scores = (q * scale) @ k.transpose(-2, -1)  # (..., L, d_k) @ (..., d_k, S) -> (..., L, S)
    if mask is not None:
        scores = apply_mask(scores, mask)  # -inf where blocked; raises on a row with no key
    weights = torch.softmax(scores, dim=-1)  # (..., L, S), rows sum to 1
    if dropout_p > 0.0 and training:
        weights = F.dropout(weights, p=dropout_p)
    return weights @ v, weights  # (..., L, S) @ (..., S, d_v) -> (..., L, d_v)


class MultiHeadAttention(nn.Module):
    r"""Multi-head attention: :math:`h` scaled dot-product attentions side by side.

    .. math::
        \mathrm{MultiHead}(Q, K, V) = \mathrm{Concat}(\mathrm{head}_1, \dots, \mathrm{head}_h) W^O,
        \qquad \mathrm{head}_j = \mathrm{Attention}(Q W^Q_j, K W^K_j, V W^V_j)

    where :math:`W^Q_j, W^K_j, W^V_j \in \mathbb{R}^{d_{model} \times d_k}` project the
    inputs for head :math:`j`, :math:`d_k = d_{model} / h` (512 / 8 = 64 in the paper)
    and :math:`W^O \in \mathbb{R}^{d_{model} \times d_{model}}` mixes the concatenated
    heads, so the output has the width of the input. All heads are computed at once:
    the three projections are one ``(3 d_model, d_model)`` matrix ``in_proj_weight``
    (one matrix product when query, key and value are the same tensor), and the heads
    are a tensor dimension, not a Python loop.

    Args:
        d_model: width of inputs and outputs; must be divisible by ``num_heads``.
        num_heads: number of heads :math:`h` (``n_heads=`` is accepted as the older name).
        dropout: dropout on the attention weights during training.
        bias: whether the projections have biases.

    Shapes
    ------
    query ``(B, L, d_model)``, key and value ``(B, S, d_model)``, mask broadcastable to
    ``(B, h, L, S)`` (e.g. :func:`padding_mask` ``(B, 1, 1, S)`` or
    :func:`subsequent_mask` ``(L, S)``); output ``(B, L, d_model)`` and weights
    ``(B, L, S)`` averaged over heads or ``(B, h, L, S)`` per head.

    Initialisation as :class:`torch.nn.MultiheadAttention`: Xavier-uniform projections,
    zero biases. After each call the per-head weights are kept in ``last_weights``
    (detached) when ``store_weights`` is True.

    Example
    -------
    >>> mha = MultiHeadAttention(16, 4)
    >>> x = torch.randn(2, 5, 16)
    >>> out, w = mha(x, x, x)
    >>> out.shape, w.shape
    (torch.Size([2, 5, 16]), torch.Size([2, 5, 5]))
    """

    def __init__(
        self, d_model: int, num_heads: int = 8, dropout: float = 0.0, bias: bool = True, *, n_heads: int | None = None
    ) -> None:
        super().__init__()
        d_model = check_int(d_model, "d_model", minimum=1)
        check_type(bias, "bias", bool)
        num_heads = check_int(renamed(num_heads, n_heads, "num_heads", "n_heads", 8), "num_heads", minimum=1)
        if d_model % num_heads:
            divisors = [h for h in range(1, min(d_model, 64) + 1) if d_model % h == 0]
            raise ValueError(
                f"d_model must be divisible by num_heads so each head gets d_model / num_heads dimensions; "
                f"got d_model={d_model}, num_heads={num_heads}. To fix: choose num_heads among "
                f"{divisors} or make d_model a multiple of {num_heads}."
            )
        check_num_parameters(4 * d_model * d_model, "MultiHeadAttention", "reduce d_model")
        self.d_model, self.num_heads, self.d_k = d_model, num_heads, d_model // num_heads
        self.dropout = check_float(dropout, "dropout", minimum=0.0, maximum=1.0)
        self.in_proj_weight = nn.Parameter(torch.empty(3 * d_model, d_model))  # rows: W^Q, W^K, W^V
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * d_model)) if bias else None
        self.out_proj = nn.Linear(d_model, d_model, bias=bias)  # W^O
        self.store_weights = False
        self.last_weights: Tensor | None = None
        nn.init.xavier_uniform_(self.in_proj_weight)
        if bias:
            nn.init.zeros_(self.out_proj.bias)

    def _project(self, query: Tensor, key: Tensor, value: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        w, b, d = self.in_proj_weight, self.in_proj_bias, self.d_model
        if query is key and key is value:  # self-attention: one matrix product
            q, k, v = F.linear(query, w, b).chunk(3, dim=-1)  # (B, L, 3 d) -> 3 x (B, L, d)
            return q, k, v
        bq = bk = None
        if b is not None:
            bq, bk = b[:d], b[d:]
        q = F.linear(query, w[:d], bq)  # (B, L, d)
        if key is value:  # cross-attention: keys and values from the same memory
            k, v = F.linear(key, w[d:], bk).chunk(2, dim=-1)  # (B, S, 2d) -> 2 x (B, S, d)
            return q, k, v
        bv = None if b is None else b[2 * d :]
        bk = None if b is None else b[d : 2 * d]
        return q, F.linear(key, w[d : 2 * d], bk), F.linear(value, w[2 * d :], bv)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        mask: Tensor | None = None,
        need_weights: bool = True,
        average_weights: bool = True,
    ) -> tuple[Tensor, Tensor | None]:
        dtype = self.in_proj_weight.dtype
        for name, t in (("query", query), ("key", key), ("value", value)):
            check_features(t, name, self.d_model, dtype)
        check_same_batch(query=query, key=key, value=value)
        if key.shape[1] != value.shape[1]:
            raise ValueError(f"key and value must have the same seq_len; got {tuple(key.shape)} and {tuple(value.shape)}.")
        B, L, _ = query.shape
        S = key.shape[1]
        h, d_k = self.num_heads, self.d_k
        q, k, v = self._project(query, key, value)  # (B, L, d), (B, S, d), (B, S, d)
        q = q.view(B, L, h, d_k).transpose(1, 2)  # (B, h, L, d_k)
        k = k.view(B, S, h, d_k).transpose(1, 2)  # (B, h, S, d_k)
        v = v.view(B, S, h, d_k).transpose(1, 2)  # (B, h, S, d_k)
        heads, weights = scaled_dot_product_attention(q, k, v, mask, self.dropout, self.training)
        concat = heads.transpose(1, 2).reshape(B, L, self.d_model)  # (B, h, L, d_k) -> (B, L, h * d_k)
        out = self.out_proj(concat)  # (B, L, d_model)
        if self.store_weights:
            self.last_weights = weights.detach()
        if not need_weights:
            return out, None
        return out, weights.mean(dim=1) if average_weights else weights  # (B, L, S) or (B, h, L, S)

    @property
    def n_heads(self) -> int:
        """The older name of :attr:`num_heads`."""
        return self.num_heads

    @classmethod
    def from_torch(cls, module: nn.MultiheadAttention) -> "MultiHeadAttention":
        """A :class:`MultiHeadAttention` with the weights of a ``torch.nn.MultiheadAttention``.

        Only the weights are copied. Feed batch-first tensors, and remember that torch's
        boolean ``attn_mask`` / ``key_padding_mask`` mark *blocked* positions with True.
        """
        check_type(module, "module", nn.MultiheadAttention)
        if not module._qkv_same_embed_dim:
            raise ValueError("module must use kdim = vdim = embed_dim (one in_proj_weight); got separate projections.")
        if module.bias_k is not None or module.add_zero_attn:
            raise ValueError("module must not use add_bias_kv or add_zero_attn; they are not part of the paper's layer.")
        new = cls(module.embed_dim, module.num_heads, dropout=module.dropout, bias=module.in_proj_bias is not None)
        # the dtype first: copying float64 weights into float32 parameters would round them
        new = new.to(module.in_proj_weight.device, module.in_proj_weight.dtype)
        with torch.no_grad():
            new.in_proj_weight.copy_(module.in_proj_weight)
            new.out_proj.weight.copy_(module.out_proj.weight)
            if module.in_proj_bias is not None and new.in_proj_bias is not None:
                new.in_proj_bias.copy_(module.in_proj_bias)
                new.out_proj.bias.copy_(module.out_proj.bias)
        return new
