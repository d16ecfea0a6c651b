"""The encoder-decoder :class:`Transformer`: embeddings, positional encoding, the two stacks, the generator and greedy decoding."""
from __future__ import annotations

import math
from typing import Any, cast

import torch
from torch import Tensor, nn

from .._validation import check_int, check_ndim, check_type
from .attention import MultiHeadAttention, padding_mask, subsequent_mask
from .layers import DecoderLayer, EncoderLayer
from .positional import positional_encoding

__all__ = ["Transformer"]


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

    pe: Tensor  # (max_len, d_model) positional encoding, a non-persistent buffer

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
        layer_kw: dict[str, Any] = dict(d_ff=d_ff, dropout=dropout, norm_first=norm_first)
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
        groups: dict[str, list[MultiHeadAttention]] = {
            "encoder": [cast(EncoderLayer, layer).self_attn for layer in self.encoder],
            "decoder_self": [cast(DecoderLayer, layer).self_attn for layer in self.decoder],
            "cross": [cast(DecoderLayer, layer).cross_attn for layer in self.decoder],
        }
        mods = [m for ms in groups.values() for m in ms]
        for m in mods:
            m.store_weights = True
        try:
            self(src, tgt_in)
            return {name: [cast(Tensor, m.last_weights) for m in ms] for name, ms in groups.items()}
        finally:
            for m in mods:
                m.store_weights = False
                m.last_weights = None
            self.train(was_training)
