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

Mask convention (the one of ``torch.nn.functional.scaled_dot_product_attention``, and of
chapter 10's :func:`dlcourse.attention.attention`; see :mod:`dlcourse.attention.masks`):
a **boolean mask is True where a query may attend** to a key, False where it may not;
a floating-point mask is *added* to the scores (``-inf`` blocks); a query with no allowed
key raises ``ValueError`` (torch would return NaN), and :meth:`Transformer.encode` names
a source of padding only before it gets that far. Note that
:class:`torch.nn.MultiheadAttention` uses the opposite boolean convention
(True = blocked); :meth:`MultiHeadAttention.from_torch` copies weights, not masks.

The package is split by concept: :mod:`.positional`, :mod:`.attention` (masks and
attention), :mod:`.layers` (feed-forward, encoder and decoder layers) and :mod:`.model`
(the whole :class:`Transformer`); everything is importable from ``dlcourse.transformer``.

All tensors are batch-first: ``(B, L, d_model)``.
"""
from __future__ import annotations

from .attention import MultiHeadAttention, padding_mask, scaled_dot_product_attention, subsequent_mask
from .layers import DecoderLayer, EncoderLayer, PositionwiseFeedForward
from .model import Transformer
from .positional import positional_encoding

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

