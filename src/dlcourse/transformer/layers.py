"""The position-wise feed-forward network and the encoder and decoder layers (equal to ``torch.nn``'s)."""
from __future__ import annotations

from typing import Any, Callable, cast

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .._validation import check_choice, check_float, check_int, check_num_parameters, check_type
from ..seq2seq._limits import renamed
from ._checks import check_features, check_same_batch
from .attention import MultiHeadAttention

__all__ = ["PositionwiseFeedForward", "EncoderLayer", "DecoderLayer"]


# ---------------------------------------------------------------------------- feed-forward
_ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {"relu": F.relu, "gelu": F.gelu}


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
        check_num_parameters(2 * d_model * d_ff, "PositionwiseFeedForward", "reduce d_model or d_ff")
        self.activation: str = check_choice(activation, "activation", tuple(_ACTIVATIONS))
        self.linear1 = nn.Linear(d_model, d_ff)  # W_1, b_1
        self.linear2 = nn.Linear(d_ff, d_model)  # W_2, b_2
        self.dropout = nn.Dropout(check_float(dropout, "dropout", minimum=0.0, maximum=1.0))

    def forward(self, x: Tensor) -> Tensor:
        check_features(x, "x", self.linear1.in_features, self.linear1.weight.dtype, ndim=None)
        hidden = _ACTIVATIONS[self.activation](self.linear1(x))  # (..., d_ff)
        return self.linear2(self.dropout(hidden))  # (..., d_model)


# ---------------------------------------------------------------------------- layers
class _ResidualLayer(nn.Module):
    """What both layers share: the checked settings, self-attention (and cross-attention for a
    decoder), the feed-forward network, ``num_norms`` LayerNorms and dropouts, and copying
    weights from torch's layers. Modules are created in the order of torch's layers, so a
    seed gives the same initial weights as before this base existed."""

    _num_norms = 2
    _cross = False
    norm1: nn.LayerNorm
    norm2: nn.LayerNorm
    dropout1: nn.Dropout
    dropout2: nn.Dropout

    def __init__(
        self,
        d_model: int,
        num_heads: int = 8,
        d_ff: int = 2048,
        dropout: float = 0.1,
        norm_first: bool = False,
        activation: str = "relu",
        layer_norm_eps: float = 1e-5,
        *,
        n_heads: int | None = None,
    ) -> None:
        super().__init__()
        num_heads = renamed(num_heads, n_heads, "num_heads", "n_heads", 8)  # 8 as in the paper
        d_model = check_int(d_model, "d_model", minimum=1)
        d_ff = check_int(d_ff, "d_ff", minimum=1)
        dropout = check_float(dropout, "dropout", minimum=0.0, maximum=1.0)
        eps = check_float(layer_norm_eps, "layer_norm_eps", minimum=0.0, strict_minimum=True)
        check_num_parameters(
            (4 + 4 * self._cross) * d_model * d_model + 2 * d_model * d_ff, f"{type(self).__name__}",
            "reduce d_model or d_ff",
        )
        self.norm_first = check_type(norm_first, "norm_first", bool)
        self.self_attn = MultiHeadAttention(d_model, num_heads, dropout=dropout)
        if self._cross:
            self.cross_attn = MultiHeadAttention(d_model, num_heads, dropout=dropout)
        self.ff = PositionwiseFeedForward(d_model, d_ff, dropout=dropout, activation=activation)
        for i in range(1, self._num_norms + 1):
            setattr(self, f"norm{i}", nn.LayerNorm(d_model, eps=eps))
        for i in range(1, self._num_norms + 1):
            setattr(self, f"dropout{i}", nn.Dropout(dropout))

    def _check_inputs(self, **inputs: Tensor) -> None:
        """Each input is a (batch, seq_len, d_model) tensor of the parameters' dtype, all of one batch."""
        for name, t in inputs.items():
            check_features(t, name, self.norm1.normalized_shape[0], self.norm1.weight.dtype)
        if len(inputs) > 1:
            check_same_batch(**inputs)

    @classmethod
    def _from_torch(cls, module: nn.Module) -> Any:
        sa = cast(nn.MultiheadAttention, module.self_attn)
        linear1, linear2 = cast(nn.Linear, module.linear1), cast(nn.Linear, module.linear2)
        new = cls(
            sa.embed_dim, sa.num_heads, linear1.out_features, dropout=cast(nn.Dropout, module.dropout).p,
            norm_first=bool(module.norm_first), activation=_torch_activation(module),
            layer_norm_eps=cast(nn.LayerNorm, module.norm1).eps,
        ).to(linear1.weight.device, linear1.weight.dtype)  # the dtype first: copies must not round
        with torch.no_grad():
            new.self_attn = MultiHeadAttention.from_torch(sa)
            if cls._cross:
                new.cross_attn = MultiHeadAttention.from_torch(cast(nn.MultiheadAttention, module.multihead_attn))
            _copy_linear(new.ff.linear1, linear1)
            _copy_linear(new.ff.linear2, linear2)
            for i in range(1, cls._num_norms + 1):
                getattr(new, f"norm{i}").load_state_dict(getattr(module, f"norm{i}").state_dict())
        return new


class EncoderLayer(_ResidualLayer):
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

    Args:
        d_model: width of every position's vector.
        num_heads: attention heads (``n_heads=`` is accepted as the older name).
        d_ff: hidden width of the feed-forward network.
        dropout: dropout after each sublayer and on the attention weights.
        norm_first: pre-norm instead of the paper's post-norm.
        activation: ``"relu"`` or ``"gelu"``.
        layer_norm_eps: the LayerNorms' :math:`\epsilon`.

    Shapes: ``x`` ``(B, S, d_model)``, ``mask`` broadcastable to ``(B, h, S, S)``
    (usually :func:`padding_mask` of the source); output ``(B, S, d_model)``.
    """

    def _sa(self, x: Tensor, mask: Tensor | None) -> Tensor:
        return self.dropout1(self.self_attn(x, x, x, mask, need_weights=False)[0])

    def forward(self, x: Tensor, mask: Tensor | None = None) -> Tensor:
        self._check_inputs(x=x)  # (B, S, d_model), the parameters' dtype
        if self.norm_first:
            x = x + self._sa(self.norm1(x), mask)  # (B, S, d_model)
            return x + self.dropout2(self.ff(self.norm2(x)))
        x = self.norm1(x + self._sa(x, mask))
        return self.norm2(x + self.dropout2(self.ff(x)))

    @classmethod
    def from_torch(cls, module: nn.TransformerEncoderLayer) -> "EncoderLayer":
        """An :class:`EncoderLayer` with the weights and settings of a ``torch.nn.TransformerEncoderLayer``."""
        check_type(module, "module", nn.TransformerEncoderLayer)
        return cast(EncoderLayer, cls._from_torch(module))


class DecoderLayer(_ResidualLayer):
    r"""One decoder layer: masked self-attention, cross-attention and a feed-forward network.

    Post-norm (the paper)::

        y = LayerNorm(y + Dropout(SelfAttention(y, mask=tgt_mask)))      # look-ahead mask
        y = LayerNorm(y + Dropout(Attention(q=y, k=v=memory, mask=memory_mask)))
        y = LayerNorm(y + Dropout(FFN(y)))

    Pre-norm (``norm_first=True``) puts each LayerNorm inside its residual branch, as in
    :class:`EncoderLayer`. In the cross-attention (encoder-decoder attention) the queries
    come from the decoder and the keys and values from the encoder's output ``memory``.
    Arguments as in :class:`EncoderLayer`.

    Shapes: ``y`` ``(B, T, d_model)``, ``memory`` ``(B, S, d_model)``, ``tgt_mask``
    broadcastable to ``(B, h, T, T)`` (usually :func:`subsequent_mask`, combined with the
    target's padding), ``memory_mask`` to ``(B, h, T, S)`` (the source's
    :func:`padding_mask`); output ``(B, T, d_model)``.
    """

    _num_norms = 3
    _cross = True
    cross_attn: MultiHeadAttention
    norm3: nn.LayerNorm
    dropout3: nn.Dropout

    def _sa(self, y: Tensor, mask: Tensor | None) -> Tensor:
        return self.dropout1(self.self_attn(y, y, y, mask, need_weights=False)[0])

    def _ca(self, y: Tensor, memory: Tensor, mask: Tensor | None) -> Tensor:
        return self.dropout2(self.cross_attn(y, memory, memory, mask, need_weights=False)[0])

    def forward(
        self, y: Tensor, memory: Tensor, tgt_mask: Tensor | None = None, memory_mask: Tensor | None = None
    ) -> Tensor:
        self._check_inputs(y=y, memory=memory)  # (B, *, d_model) tensors of the parameters' dtype
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
        return cast(DecoderLayer, cls._from_torch(module))


def _copy_linear(dst: nn.Linear, src: nn.Linear) -> None:
    dst.weight.copy_(src.weight)
    dst.bias.copy_(src.bias)


def _torch_activation(module: nn.Module) -> str:
    act = module.activation
    if act is F.relu or isinstance(act, nn.ReLU):
        return "relu"
    if act is F.gelu or isinstance(act, nn.GELU):
        return "gelu"
    raise ValueError(f"module.activation must be relu or gelu; got {act!r}.")
