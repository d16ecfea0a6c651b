r"""The Transformer of "Attention Is All You Need" (Vaswani et al., 2017), from scratch.

Every piece of the encoder-decoder is here, small enough to read and checked
against PyTorch in ``tests/test_transformer.py``:

* :func:`positional_encoding` - the sinusoidal position signal added to embeddings;
* :func:`scaled_dot_product_attention` - :math:`\mathrm{softmax}(QK^\top/\sqrt{d_k})V`
  (equal to :func:`torch.nn.functional.scaled_dot_product_attention`);
* :func:`padding_mask` and :func:`subsequent_mask` - which keys a query may see;
* :class:`MultiHeadAttention` (equal to :class:`torch.nn.MultiheadAttention`),
  :class:`PositionwiseFeedForward`, :class:`EncoderLayer` and :class:`DecoderLayer`
  (equal to :class:`torch.nn.TransformerEncoderLayer` / ``DecoderLayer``, post-norm
  as in the paper or pre-norm), and the full :class:`Transformer`.

Mask convention (the one of ``torch.nn.functional.scaled_dot_product_attention``):
a **boolean mask is True where a query may attend** to a key, False where it may not;
a floating-point mask is *added* to the scores (``-inf`` blocks). Note that
:class:`torch.nn.MultiheadAttention` uses the opposite boolean convention
(True = blocked); :meth:`MultiHeadAttention.from_torch` copies weights, not masks.

All tensors are batch-first: ``(B, L, d_model)``.
"""
from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ._validation import check_choice, check_float, check_int, check_ndim, check_type

__all__ = [
    "positional_encoding",
    "scaled_dot_product_attention",
    "padding_mask",
    "subsequent_mask",
    "MultiHeadAttention",
    "PositionwiseFeedForward",
    "EncoderLayer",
    "DecoderLayer",
    "Transformer",
]


# ---------------------------------------------------------------------------- positions
def positional_encoding(max_len: int, d_model: int, base: float = 10000.0) -> Tensor:
    r"""The sinusoidal positional encoding, one row per position.

    .. math::
        PE_{(pos, 2i)} = \sin\!\left(\frac{pos}{b^{2i/d_{model}}}\right), \qquad
        PE_{(pos, 2i+1)} = \cos\!\left(\frac{pos}{b^{2i/d_{model}}}\right)

    where :math:`pos = 0, \dots, \text{max\_len}-1` is the position, :math:`i = 0, \dots,
    \lceil d_{model}/2 \rceil - 1` the index of a sine/cosine pair, :math:`d_{model}` the
    width of the embeddings and :math:`b` the ``base`` (10000 in the paper). Pair
    :math:`i` oscillates with wavelength :math:`2\pi b^{2i/d_{model}}`, from :math:`2\pi`
    (fast) to about :math:`2\pi b` (slow). For an odd ``d_model`` the last column is a sine.

    Returns
    -------
    Tensor of shape ``(max_len, d_model)``, float32; every entry lies in ``[-1, 1]``.

    Example
    -------
    >>> pe = positional_encoding(50, 8)
    >>> pe.shape
    torch.Size([50, 8])
    >>> pe[0].tolist()   # position 0: sin(0) = 0, cos(0) = 1
    [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    """
    max_len = check_int(max_len, "max_len", minimum=1)
    d_model = check_int(d_model, "d_model", minimum=1)
    base = check_float(base, "base", minimum=1.0, strict_minimum=True)
    pos = torch.arange(max_len, dtype=torch.float64)[:, None]  # (max_len, 1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)  # (ceil(d/2),) = 0, 2, 4, ...
    angle = pos / base ** (two_i / d_model)  # (max_len, ceil(d/2))
    pe = torch.zeros(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, : d_model // 2])
    return pe.float()


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
    size = check_int(size, "size", minimum=1)
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

    Parameters
    ----------
    q, k, v:
        ``(..., L, d_k)``, ``(..., S, d_k)`` and ``(..., S, d_v)``; leading dimensions
        (batch, heads) must broadcast.
    mask:
        Optional, broadcastable to ``(..., L, S)``: boolean (True = may attend) or
        floating point (added to the scores). A query row with no allowed key gives NaN.
    dropout_p:
        Dropout probability on the weights (only when ``training``).

    Returns
    -------
    ``(output, weights)`` with shapes ``(..., L, d_v)`` and ``(..., L, S)``.

    Example
    -------
    >>> q = k = v = torch.eye(2)[None]            # (1, 2, 2)
    >>> out, w = scaled_dot_product_attention(q, k, v)
    >>> w.sum(-1).tolist()
    [[1.0, 1.0]]
    """
    for name, t in (("q", q), ("k", k), ("v", v)):
        check_type(t, name, Tensor)
        if t.ndim < 2:
            raise ValueError(f"{name} must have at least 2 dimensions (..., seq_len, dim); got shape {tuple(t.shape)}.")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"q and k must have the same last dimension d_k; got q {tuple(q.shape)} and k {tuple(k.shape)}."
        )
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"k and v must have the same number of positions S (dimension -2); got k {tuple(k.shape)} and v {tuple(v.shape)}."
        )
    scale = 1.0 / math.sqrt(q.shape[-1])
    scores = (q * scale) @ k.transpose(-2, -1)  # (..., L, d_k) @ (..., d_k, S) -> (..., L, S)
    if mask is not None:
        check_type(mask, "mask", Tensor)
        if mask.dtype == torch.bool:
            scores = scores.masked_fill(~mask, float("-inf"))
        else:
            scores = scores + mask
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

    Parameters
    ----------
    d_model:
        Width of inputs and outputs; must be divisible by ``n_heads``.
    n_heads:
        Number of heads :math:`h`.
    dropout:
        Dropout on the attention weights during training.
    bias:
        Whether the projections have biases.

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

    def __init__(self, d_model: int, n_heads: int, dropout: float = 0.0, bias: bool = True) -> None:
        super().__init__()
        d_model = check_int(d_model, "d_model", minimum=1)
        n_heads = check_int(n_heads, "n_heads", minimum=1)
        if d_model % n_heads:
            raise ValueError(
                f"d_model must be divisible by n_heads so each head gets d_model / n_heads dimensions; "
                f"got d_model={d_model}, n_heads={n_heads}."
            )
        self.d_model, self.n_heads, self.d_k = d_model, n_heads, d_model // n_heads
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
            return F.linear(query, w, b).chunk(3, dim=-1)  # (B, L, 3 d) -> 3 x (B, L, d)
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
        for name, t in (("query", query), ("key", key), ("value", value)):
            check_type(t, name, Tensor)
            if t.ndim != 3 or t.shape[-1] != self.d_model:
                raise ValueError(
                    f"{name} must have shape (batch, seq_len, d_model) = (*, *, {self.d_model}); got {tuple(t.shape)}."
                )
        if key.shape[1] != value.shape[1]:
            raise ValueError(f"key and value must have the same seq_len; got {tuple(key.shape)} and {tuple(value.shape)}.")
        B, L, _ = query.shape
        S = key.shape[1]
        h, d_k = self.n_heads, self.d_k
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
        with torch.no_grad():
            new.in_proj_weight.copy_(module.in_proj_weight)
            new.out_proj.weight.copy_(module.out_proj.weight)
            if module.in_proj_bias is not None:
                new.in_proj_bias.copy_(module.in_proj_bias)
                new.out_proj.bias.copy_(module.out_proj.bias)
        return new.to(module.in_proj_weight.device, module.in_proj_weight.dtype)


# ---------------------------------------------------------------------------- feed-forward
_ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


class PositionwiseFeedForward(nn.Module):
    r"""The position-wise feed-forward network, applied to every position separately.

    .. math::
        \mathrm{FFN}(x) = \phi(x W_1 + b_1) W_2 + b_2

    where :math:`x \in \mathbb{R}^{d_{model}}` is one position's vector,
    :math:`W_1 \in \mathbb{R}^{d_{model} \times d_{ff}}`, :math:`W_2 \in
    \mathbb{R}^{d_{ff} \times d_{model}}` (:math:`d_{ff} = 2048 = 4 d_{model}` in the
    paper) and :math:`\phi` is ReLU (or GELU). The same weights act on every position.

    Shapes: input and output ``(..., d_model)``.
    """

    def __init__(self, d_model: int, d_ff: int, dropout: float = 0.0, activation: str = "relu") -> None:
        super().__init__()
        d_model = check_int(d_model, "d_model", minimum=1)
        d_ff = check_int(d_ff, "d_ff", minimum=1)
        self.activation = check_choice(activation, "activation", _ACTIVATIONS)
        self.linear1 = nn.Linear(d_model, d_ff)  # W_1, b_1
        self.linear2 = nn.Linear(d_ff, d_model)  # W_2, b_2
        self.dropout = nn.Dropout(check_float(dropout, "dropout", minimum=0.0, maximum=1.0))

    def forward(self, x: Tensor) -> Tensor:
        hidden = _ACTIVATIONS[self.activation](self.linear1(x))  # (..., d_ff)
        return self.linear2(self.dropout(hidden))  # (..., d_model)


# ---------------------------------------------------------------------------- layers
def _layer_args(d_model: int, n_heads: int, d_ff: int, dropout: float, layer_norm_eps: float) -> tuple:
    d_model = check_int(d_model, "d_model", minimum=1)
    n_heads = check_int(n_heads, "n_heads", minimum=1)
    d_ff = check_int(d_ff, "d_ff", minimum=1)
    dropout = check_float(dropout, "dropout", minimum=0.0, maximum=1.0)
    layer_norm_eps = check_float(layer_norm_eps, "layer_norm_eps", minimum=0.0, strict_minimum=True)
    return d_model, n_heads, d_ff, dropout, layer_norm_eps


def _copy_linear(dst: nn.Linear, src: nn.Linear) -> None:
    dst.weight.copy_(src.weight)
    dst.bias.copy_(src.bias)


class EncoderLayer(nn.Module):
    r"""One encoder layer: self-attention and a feed-forward network, each in a residual block.

    Post-norm (the paper, ``norm_first=False``)::

        x = LayerNorm(x + Dropout(SelfAttention(x)))
        x = LayerNorm(x + Dropout(FFN(x)))

    Pre-norm (``norm_first=True``, easier to train deep)::

        x = x + Dropout(SelfAttention(LayerNorm(x)))
        x = x + Dropout(FFN(LayerNorm(x)))

    where LayerNorm normalises each position's vector to zero mean and unit variance
    and rescales it with learned :math:`\gamma, \beta`. The attribute names follow
    :class:`torch.nn.TransformerEncoderLayer` (``self_attn``, ``linear1``, ``linear2``,
    ``norm1``, ``norm2``), so :meth:`from_torch` copies weights one to one.

    Shapes: ``x`` ``(B, S, d_model)``, ``mask`` broadcastable to ``(B, h, S, S)``
    (usually :func:`padding_mask` of the source); output ``(B, S, d_model)``.
    """

    def __init__(
        self,
        d_model: int,
        n_heads: int,
        d_ff: int = 2048,
        dropout: float = 0.1,
        norm_first: bool = False,
        activation: str = "relu",
        layer_norm_eps: float = 1e-5,
    ) -> None:
        super().__init__()
        d_model, n_heads, d_ff, dropout, eps = _layer_args(d_model, n_heads, d_ff, dropout, layer_norm_eps)
        self.norm_first = bool(norm_first)
        self.self_attn = MultiHeadAttention(d_model, n_heads, dropout=dropout)
        self.ff = PositionwiseFeedForward(d_model, d_ff, dropout=dropout, activation=activation)
        self.norm1 = nn.LayerNorm(d_model, eps=eps)
        self.norm2 = nn.LayerNorm(d_model, eps=eps)
        self.dropout1 = nn.Dropout(dropout)
        self.dropout2 = nn.Dropout(dropout)

    def _sa(self, x: Tensor, mask: Tensor | None) -> Tensor:
        return self.dropout1(self.self_attn(x, x, x, mask, need_weights=False)[0])

    def forward(self, x: Tensor, mask: Tensor | None = None) -> Tensor:
        if self.norm_first:
            x = x + self._sa(self.norm1(x), mask)  # (B, S, d_model)
            return x + self.dropout2(self.ff(self.norm2(x)))
        x = self.norm1(x + self._sa(x, mask))
        return self.norm2(x + self.dropout2(self.ff(x)))

    @classmethod
    def from_torch(cls, module: nn.TransformerEncoderLayer) -> "EncoderLayer":
        """An :class:`EncoderLayer` with the weights and settings of a ``torch.nn.TransformerEncoderLayer``."""
        check_type(module, "module", nn.TransformerEncoderLayer)
        sa = module.self_attn
        new = cls(
            sa.embed_dim, sa.num_heads, module.linear1.out_features, dropout=module.dropout.p,
            norm_first=module.norm_first, activation=_torch_activation(module), layer_norm_eps=module.norm1.eps,
        )
        with torch.no_grad():
            new.self_attn = MultiHeadAttention.from_torch(sa)
            _copy_linear(new.ff.linear1, module.linear1)
            _copy_linear(new.ff.linear2, module.linear2)
            new.norm1.load_state_dict(module.norm1.state_dict())
            new.norm2.load_state_dict(module.norm2.state_dict())
        return new.to(module.linear1.weight.device, module.linear1.weight.dtype)


class DecoderLayer(nn.Module):
    r"""One decoder layer: masked self-attention, cross-attention and a feed-forward network.

    Post-norm (the paper)::

        y = LayerNorm(y + Dropout(SelfAttention(y, mask=tgt_mask)))      # look-ahead mask
        y = LayerNorm(y + Dropout(Attention(q=y, k=v=memory, mask=memory_mask)))
        y = LayerNorm(y + Dropout(FFN(y)))

    Pre-norm (``norm_first=True``) puts each LayerNorm inside its residual branch, as in
    :class:`EncoderLayer`. In the cross-attention (encoder-decoder attention) the queries
    come from the decoder and the keys and values from the encoder's output ``memory``.

    Shapes: ``y`` ``(B, T, d_model)``, ``memory`` ``(B, S, d_model)``, ``tgt_mask``
    broadcastable to ``(B, h, T, T)`` (usually :func:`subsequent_mask`, combined with the
    target's padding), ``memory_mask`` to ``(B, h, T, S)`` (the source's
    :func:`padding_mask`); output ``(B, T, d_model)``.
    """

    def __init__(
        self,
        d_model: int,
        n_heads: int,
        d_ff: int = 2048,
        dropout: float = 0.1,
        norm_first: bool = False,
        activation: str = "relu",
        layer_norm_eps: float = 1e-5,
    ) -> None:
        super().__init__()
        d_model, n_heads, d_ff, dropout, eps = _layer_args(d_model, n_heads, d_ff, dropout, layer_norm_eps)
        self.norm_first = bool(norm_first)
        self.self_attn = MultiHeadAttention(d_model, n_heads, dropout=dropout)
        self.cross_attn = MultiHeadAttention(d_model, n_heads, dropout=dropout)
        self.ff = PositionwiseFeedForward(d_model, d_ff, dropout=dropout, activation=activation)
        self.norm1 = nn.LayerNorm(d_model, eps=eps)
        self.norm2 = nn.LayerNorm(d_model, eps=eps)
        self.norm3 = nn.LayerNorm(d_model, eps=eps)
        self.dropout1 = nn.Dropout(dropout)
        self.dropout2 = nn.Dropout(dropout)
        self.dropout3 = nn.Dropout(dropout)

    def _sa(self, y: Tensor, mask: Tensor | None) -> Tensor:
        return self.dropout1(self.self_attn(y, y, y, mask, need_weights=False)[0])

    def _ca(self, y: Tensor, memory: Tensor, mask: Tensor | None) -> Tensor:
        return self.dropout2(self.cross_attn(y, memory, memory, mask, need_weights=False)[0])

    def forward(
        self, y: Tensor, memory: Tensor, tgt_mask: Tensor | None = None, memory_mask: Tensor | None = None
    ) -> Tensor:
        if self.norm_first:
            y = y + self._sa(self.norm1(y), tgt_mask)  # (B, T, d_model)
            y = y + self._ca(self.norm2(y), memory, memory_mask)
            return y + self.dropout3(self.ff(self.norm3(y)))
        y = self.norm1(y + self._sa(y, tgt_mask))
        y = self.norm2(y + self._ca(y, memory, memory_mask))
        return self.norm3(y + self.dropout3(self.ff(y)))

    @classmethod
    def from_torch(cls, module: nn.TransformerDecoderLayer) -> "DecoderLayer":
        """A :class:`DecoderLayer` with the weights and settings of a ``torch.nn.TransformerDecoderLayer``."""
        check_type(module, "module", nn.TransformerDecoderLayer)
        sa = module.self_attn
        new = cls(
            sa.embed_dim, sa.num_heads, module.linear1.out_features, dropout=module.dropout.p,
            norm_first=module.norm_first, activation=_torch_activation(module), layer_norm_eps=module.norm1.eps,
        )
        with torch.no_grad():
            new.self_attn = MultiHeadAttention.from_torch(sa)
            new.cross_attn = MultiHeadAttention.from_torch(module.multihead_attn)
            _copy_linear(new.ff.linear1, module.linear1)
            _copy_linear(new.ff.linear2, module.linear2)
            for mine, theirs in ((new.norm1, module.norm1), (new.norm2, module.norm2), (new.norm3, module.norm3)):
                mine.load_state_dict(theirs.state_dict())
        return new.to(module.linear1.weight.device, module.linear1.weight.dtype)


def _torch_activation(module: nn.Module) -> str:
    act = module.activation
    if act is F.relu or isinstance(act, nn.ReLU):
        return "relu"
    if act is F.gelu or isinstance(act, nn.GELU):
        return "gelu"
    raise ValueError(f"module.activation must be relu or gelu; got {act!r}.")


# ---------------------------------------------------------------------------- the model
class Transformer(nn.Module):
    r"""An encoder-decoder Transformer for token sequences (Vaswani et al., 2017).

    .. math::
        z^{(0)} = \sqrt{d_{model}}\, E_{src}[x] + PE, \quad
        z^{(\ell)} = \mathrm{EncoderLayer}_\ell(z^{(\ell-1)}), \quad
        \hat p(y_t \mid y_{<t}, x) = \mathrm{softmax}(W_{out}\, \mathrm{Decoder}(y_{<t}, z^{(N)})_t)

    where :math:`E_{src}` and :math:`E_{tgt}` are embedding tables, :math:`PE` is
    :func:`positional_encoding`, :math:`N` the number of layers (6 in the paper) and
    :math:`W_{out}` the final linear layer to ``tgt_vocab`` logits. Training feeds the
    whole shifted target at once (teacher forcing) with the look-ahead mask; inference
    generates one token at a time (:meth:`greedy_decode`).

    Parameters
    ----------
    src_vocab, tgt_vocab:
        Vocabulary sizes (token ids ``0 .. vocab - 1``; ``pad`` is ignored by attention).
    d_model, n_heads, n_layers, d_ff, dropout, norm_first:
        As in :class:`EncoderLayer`; ``n_layers`` encoder and ``n_layers`` decoder layers.
    max_len:
        Longest sequence the positional encoding covers.

    Shapes: ``src`` ``(B, S)``, ``tgt_in`` ``(B, T)`` int64; logits ``(B, T, tgt_vocab)``.

    Example
    -------
    >>> model = Transformer(13, 13, d_model=32, n_heads=4, n_layers=1, d_ff=64)
    >>> model(torch.tensor([[5, 6, 7]]), torch.tensor([[1, 7]])).shape
    torch.Size([1, 2, 13])
    """

    def __init__(
        self,
        src_vocab: int,
        tgt_vocab: int,
        d_model: int = 64,
        n_heads: int = 4,
        n_layers: int = 2,
        d_ff: int = 128,
        dropout: float = 0.1,
        max_len: int = 128,
        norm_first: bool = False,
        pad: int = 0,
    ) -> None:
        super().__init__()
        self.src_vocab = check_int(src_vocab, "src_vocab", minimum=1)
        self.tgt_vocab = check_int(tgt_vocab, "tgt_vocab", minimum=1)
        n_layers = check_int(n_layers, "n_layers", minimum=1)
        self.max_len = check_int(max_len, "max_len", minimum=1)
        self.pad = check_int(pad, "pad")
        self.d_model = check_int(d_model, "d_model", minimum=1)
        self.src_embed = nn.Embedding(self.src_vocab, d_model)
        self.tgt_embed = nn.Embedding(self.tgt_vocab, d_model)
        self.register_buffer("pe", positional_encoding(self.max_len, d_model), persistent=False)
        self.dropout = nn.Dropout(dropout)
        layer_kw = dict(d_ff=d_ff, dropout=dropout, norm_first=norm_first)
        self.encoder = nn.ModuleList([EncoderLayer(d_model, n_heads, **layer_kw) for _ in range(n_layers)])
        self.decoder = nn.ModuleList([DecoderLayer(d_model, n_heads, **layer_kw) for _ in range(n_layers)])
        # pre-norm stacks end with a LayerNorm; post-norm layers already end with one
        self.enc_norm = nn.LayerNorm(d_model) if norm_first else nn.Identity()
        self.dec_norm = nn.LayerNorm(d_model) if norm_first else nn.Identity()
        self.generator = nn.Linear(d_model, self.tgt_vocab)  # W_out
        # As in the paper's shared embedding/softmax matrix: entries of std d_model^-1/2, so
        # that sqrt(d_model) * E[x] has unit-size entries, like the positional encoding's.
        # (torch's default N(0, 1) would drown the position signal by a factor sqrt(d_model).)
        for table in (self.src_embed, self.tgt_embed):
            nn.init.normal_(table.weight, std=d_model**-0.5)

    def _embed(self, tokens: Tensor, table: nn.Embedding, name: str, vocab: int) -> Tensor:
        check_type(tokens, name, Tensor)
        check_ndim(tokens, name, 2, names="(batch, seq_len)")
        if tokens.dtype not in (torch.int64, torch.int32):
            raise TypeError(f"{name} must hold integer token ids (int64); got dtype {tokens.dtype}.")
        if tokens.shape[1] > self.max_len:
            raise ValueError(f"{name} has {tokens.shape[1]} positions, more than max_len = {self.max_len}; build the model with a larger max_len.")
        if tokens.numel() and (tokens.min() < 0 or tokens.max() >= vocab):
            raise ValueError(f"{name} must hold ids in 0..{vocab - 1}; got values from {int(tokens.min())} to {int(tokens.max())}.")
        x = table(tokens) * math.sqrt(self.d_model)  # (B, L, d_model)
        return self.dropout(x + self.pe[: tokens.shape[1]])

    def encode(self, src: Tensor) -> tuple[Tensor, Tensor]:
        """Run the encoder; returns ``memory`` ``(B, S, d_model)`` and the source mask ``(B, 1, 1, S)``."""
        src_mask = padding_mask(src, self.pad)  # (B, 1, 1, S)
        z = self._embed(src, self.src_embed, "src", self.src_vocab)
        for layer in self.encoder:
            z = layer(z, src_mask)
        return self.enc_norm(z), src_mask

    def decode(self, tgt_in: Tensor, memory: Tensor, src_mask: Tensor) -> Tensor:
        """Run the decoder on the shifted target; returns logits ``(B, T, tgt_vocab)``."""
        T = tgt_in.shape[-1] if tgt_in.ndim else 0
        tgt_mask = subsequent_mask(max(T, 1), device=tgt_in.device) & padding_mask(tgt_in, self.pad)  # (B, 1, T, T)
        y = self._embed(tgt_in, self.tgt_embed, "tgt_in", self.tgt_vocab)
        for layer in self.decoder:
            y = layer(y, memory, tgt_mask, src_mask)
        return self.generator(self.dec_norm(y))  # (B, T, tgt_vocab)

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        memory, src_mask = self.encode(src)
        return self.decode(tgt_in, memory, src_mask)

    @torch.no_grad()
    def greedy_decode(self, src: Tensor, max_len: int, sos: int = 1, eos: int = 2) -> Tensor:
        """Generate up to ``max_len`` tokens per source, each the arg-max given the ones before.

        Returns ``(B, max_len)`` int64 token ids (after the ``sos``); once a row has produced
        ``eos``, the rest of it is filled with ``pad``.
        """
        max_len = check_int(max_len, "max_len", minimum=1)
        was_training = self.training
        self.eval()
        memory, src_mask = self.encode(src)
        B = src.shape[0]
        ys = torch.full((B, 1), sos, dtype=torch.long, device=src.device)  # (B, 1)
        done = torch.zeros(B, dtype=torch.bool, device=src.device)
        for _ in range(max_len):
            logits = self.decode(ys, memory, src_mask)[:, -1]  # (B, V)
            nxt = logits.argmax(-1).masked_fill(done, self.pad)  # (B,)
            ys = torch.cat([ys, nxt[:, None]], dim=1)
            done |= nxt == eos
            if bool(done.all()):
                break
        self.train(was_training)
        out = torch.full((B, max_len), self.pad, dtype=torch.long, device=src.device)
        out[:, : ys.shape[1] - 1] = ys[:, 1:]
        return out

    @torch.no_grad()
    def attention_maps(self, src: Tensor, tgt_in: Tensor) -> dict[str, list[Tensor]]:
        """Per-head attention weights of one teacher-forced forward pass.

        Returns ``{"encoder": [...], "decoder_self": [...], "cross": [...]}``, one tensor per
        layer, shaped ``(B, h, S, S)``, ``(B, h, T, T)`` and ``(B, h, T, S)``.
        """
        was_training = self.training
        self.eval()
        groups = {
            "encoder": [layer.self_attn for layer in self.encoder],
            "decoder_self": [layer.self_attn for layer in self.decoder],
            "cross": [layer.cross_attn for layer in self.decoder],
        }
        mods = [m for ms in groups.values() for m in ms]
        for m in mods:
            m.store_weights = True
        try:
            self(src, tgt_in)
            return {name: [m.last_weights for m in ms] for name, ms in groups.items()}
        finally:
            for m in mods:
                m.store_weights = False
                m.last_weights = None
            self.train(was_training)
