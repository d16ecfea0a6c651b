"""The encoder-decoder :class:`Transformer`: embeddings, positional encoding, the two stacks, the generator and greedy decoding."""
from __future__ import annotations

import math
from typing import Any, cast

import torch
from torch import Tensor, nn

from .._validation import (
    check_float,
    check_int,
    check_ndim,
    check_num_layers,
    check_num_parameters,
    check_token_ids,
    check_type,
)
from ..seq2seq._limits import renamed
from ..seq2seq.decoding import evaluating, greedy_loop
from ._checks import check_features, check_same_batch
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

    Args:
        src_vocab, tgt_vocab: vocabulary sizes (token ids ``0 .. vocab - 1``; ``pad`` is
            ignored by attention).
        d_model, num_heads, d_ff, dropout, norm_first: as in :class:`EncoderLayer`.
        num_layers: ``num_layers`` encoder and ``num_layers`` decoder layers (at most
            :data:`~dlcourse._validation.MAX_LAYERS`).
        max_len: longest sequence the positional encoding covers.
        pad: the padding id of both vocabularies.
        n_heads, n_layers: older names of ``num_heads`` and ``num_layers``, still accepted.

    Shapes: ``src`` ``(B, S)``, ``tgt_in`` ``(B, T)`` int64; logits ``(B, T, tgt_vocab)``.
    No source may be padding only (length 0): :meth:`encode` raises ``ValueError``
    naming it, where attention over no keys would give NaN.

    Raises:
        ValueError: bad sizes (the message names the argument), ``d_model`` not divisible
            by ``num_heads``, or a model of more than
            :data:`~dlcourse._validation.MAX_PARAMETERS` parameters, all before any
            layer is built.

    Example:
        >>> model = Transformer(13, 13, d_model=32, num_heads=4, num_layers=1, d_ff=64)
        >>> model(torch.tensor([[5, 6, 7]]), torch.tensor([[1, 7]])).shape
        torch.Size([1, 2, 13])
    """

    pe: Tensor  # (max_len, d_model) positional encoding, a non-persistent buffer

    def __init__(
        self,
        src_vocab: int,
        tgt_vocab: int,
        d_model: int = 64,
        num_heads: int = 4,
        num_layers: int = 2,
        d_ff: int = 128,
        dropout: float = 0.1,
        max_len: int = 128,
        norm_first: bool = False,
        pad: int = 0,
        *,
        n_heads: int | None = None,
        n_layers: int | None = None,
    ) -> None:
        super().__init__()
        self.src_vocab = check_int(src_vocab, "src_vocab", minimum=1)
        self.tgt_vocab = check_int(tgt_vocab, "tgt_vocab", minimum=1)
        num_heads = check_int(renamed(num_heads, n_heads, "num_heads", "n_heads", 4), "num_heads", minimum=1)
        num_layers = check_num_layers(renamed(num_layers, n_layers, "num_layers", "n_layers", 2))
        self.max_len = check_int(max_len, "max_len", minimum=1)
        self.pad = check_int(pad, "pad")
        self.d_model = check_int(d_model, "d_model", minimum=1)
        d_ff = check_int(d_ff, "d_ff", minimum=1)
        dropout = check_float(dropout, "dropout", minimum=0.0, maximum=1.0)
        check_num_parameters(
            (self.src_vocab + 2 * self.tgt_vocab + self.max_len) * d_model
            + num_layers * (12 * d_model * d_model + 4 * d_model * d_ff),
            "this Transformer", "reduce num_layers, d_model, d_ff, max_len or the vocabularies src_vocab and tgt_vocab",
        )
        self.num_heads, self.num_layers = num_heads, num_layers
        self.src_embed = nn.Embedding(self.src_vocab, d_model)
        self.tgt_embed = nn.Embedding(self.tgt_vocab, d_model)
        self.register_buffer("pe", positional_encoding(self.max_len, d_model), persistent=False)
        self.dropout = nn.Dropout(dropout)
        layer_kw: dict[str, Any] = dict(d_ff=d_ff, dropout=dropout, norm_first=norm_first)
        self.encoder = nn.ModuleList([EncoderLayer(d_model, num_heads, **layer_kw) for _ in range(num_layers)])
        self.decoder = nn.ModuleList([DecoderLayer(d_model, num_heads, **layer_kw) for _ in range(num_layers)])
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
            raise TypeError(f"{name} must hold integer token ids (int64); got dtype {tokens.dtype}. Use {name}.long().")
        if tokens.shape[1] > self.max_len:
            raise ValueError(
                f"{name} has {tokens.shape[1]} positions, more than max_len = {self.max_len}; "
                "build the model with a larger max_len."
            )
        check_token_ids(tokens, name, vocab)
        x = table(tokens) * math.sqrt(self.d_model)  # (B, L, d_model)
        return self.dropout(x + self.pe[: tokens.shape[1]])

    def encode(self, src: Tensor) -> tuple[Tensor, Tensor]:
        """Run the encoder; returns ``memory`` ``(B, S, d_model)`` and the source mask ``(B, 1, 1, S)``.

        Raises ``ValueError`` for a source of padding only (length 0), naming its row.
        """
        z = self._embed(src, self.src_embed, "src", self.src_vocab)
        src_mask = padding_mask(src, self.pad)  # (B, 1, 1, S)
        empty = ~src_mask.any(dim=-1).flatten()  # (B,)
        if bool(empty.any()):
            b = int(torch.nonzero(empty)[0])
            raise ValueError(
                f"src row {b} holds only padding (pad = {self.pad}): source {b} has length 0, and "
                f"attention over no keys is undefined ({int(empty.sum())} such row(s)). Drop empty "
                "sources or give each at least one real token."
            )
        for layer in self.encoder:
            z = layer(z, src_mask)
        return self.enc_norm(z), src_mask

    def decode(self, tgt_in: Tensor, memory: Tensor, src_mask: Tensor | None) -> Tensor:
        """Run the decoder on the shifted target; returns logits ``(B, T, tgt_vocab)``.

        ``memory`` ``(B, S, d_model)`` and ``src_mask`` ``(B, 1, 1, S)`` are what :meth:`encode`
        returns; ``src_mask=None`` lets every query see every source position (no padding).
        """
        y = self._embed(tgt_in, self.tgt_embed, "tgt_in", self.tgt_vocab)
        check_features(memory, "memory", self.d_model, self.generator.weight.dtype)
        check_same_batch(tgt_in=tgt_in, memory=memory)
        if src_mask is not None:
            _check_src_mask(src_mask, memory)
        T = tgt_in.shape[1]
        if T == 0 or bool((tgt_in[:, 0] == self.pad).any()):
            raise ValueError(
                f"tgt_in must start every row with a real token (sos), not pad = {self.pad}: the first "
                f"query may attend only to position 0; got shape {tuple(tgt_in.shape)} and first "
                f"column {tgt_in[:, 0].tolist()[:8]}. Feed tgt[:, :-1] of targets that start with sos."
            )
        tgt_mask = subsequent_mask(T, device=tgt_in.device) & padding_mask(tgt_in, self.pad)  # (B, 1, T, T)
        for layer in self.decoder:
            y = layer(y, memory, tgt_mask, src_mask)
        return self.generator(self.dec_norm(y))  # (B, T, tgt_vocab)

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        _check_pair(src, tgt_in)
        memory, src_mask = self.encode(src)
        return self.decode(tgt_in, memory, src_mask)

    def greedy_decode(self, src: Tensor, max_len: int, sos: int = 1, eos: int = 2) -> Tensor:
        """Generate up to ``max_len`` tokens per source, each the arg-max given the ones before.

        The book's one greedy-decoding contract (:mod:`dlcourse.seq2seq.decoding`, whose
        :func:`~dlcourse.seq2seq.decoding.greedy_loop` this runs): evaluation mode and no
        gradient for the call, the previous mode restored even when an exception escapes;
        decoding starts from ``sos``; a row ends at its first ``eos`` or after ``max_len``
        steps. Only the layout of the result differs from
        :func:`dlcourse.seq2seq.greedy_decode` (lists without ``eos``): a tensor laid out
        like a target ``tgt[:, 1:]``, so it compares with one directly.

        Args:
            src: ``(B, S)`` int64 source ids (no row of padding only).
            max_len: the most tokens generated per row (>= 1).
            sos, eos: start and end token ids of the target vocabulary.

        Returns:
            ``(B, max_len)`` int64: each row's tokens, then its ``eos`` (if it emitted one),
            then ``pad``.
        """
        max_len = check_int(max_len, "max_len", minimum=1)
        sos = check_int(sos, "sos", minimum=0, maximum=self.tgt_vocab - 1)
        eos = check_int(eos, "eos", minimum=0, maximum=self.tgt_vocab - 1)
        _check_not_pad(self.pad, sos=sos, eos=eos)
        with evaluating(self):
            memory, src_mask = self.encode(src)
            prefix = torch.empty((src.shape[0], 0), dtype=torch.long, device=src.device)  # grows to (B, t)

            def step(token: Tensor) -> tuple[Tensor, None]:  # token: sos first, then the last arg-max
                nonlocal prefix
                prefix = torch.cat([prefix, token[:, None]], dim=1)  # (B, t)
                return self.decode(prefix, memory, src_mask)[:, -1], None  # (B, V)

            tokens, _, finished = greedy_loop(step, src.shape[0], max_len, sos=sos, eos=eos, device=src.device)
        out = torch.full((src.shape[0], max_len), self.pad, dtype=torch.long, device=src.device)
        for b, row in enumerate(tokens):
            out[b, : len(row)] = torch.tensor(row, dtype=torch.long)
            if finished[b]:
                out[b, len(row)] = eos
        return out

    def attention_maps(self, src: Tensor, tgt_in: Tensor) -> dict[str, list[Tensor]]:
        """Per-head attention weights of one teacher-forced forward pass (in evaluation mode, restored after).

        Returns ``{"encoder": [...], "decoder_self": [...], "cross": [...]}``, one tensor per
        layer, shaped ``(B, h, S, S)``, ``(B, h, T, T)`` and ``(B, h, T, S)``.
        """
        groups: dict[str, list[MultiHeadAttention]] = {
            "encoder": [cast(EncoderLayer, layer).self_attn for layer in self.encoder],
            "decoder_self": [cast(DecoderLayer, layer).self_attn for layer in self.decoder],
            "cross": [cast(DecoderLayer, layer).cross_attn for layer in self.decoder],
        }
        _check_pair(src, tgt_in)
        mods = [m for ms in groups.values() for m in ms]
        for m in mods:
            m.store_weights = True
        try:
            with evaluating(self):
                self(src, tgt_in)
            return {name: [cast(Tensor, m.last_weights) for m in ms] for name, ms in groups.items()}
        finally:
            for m in mods:
                m.store_weights = False
                m.last_weights = None

    @property
    def n_heads(self) -> int:
        """The older name of :attr:`num_heads`."""
        return self.num_heads

    @property
    def n_layers(self) -> int:
        """The older name of :attr:`num_layers`."""
        return self.num_layers


def _check_pair(src: Any, tgt_in: Any) -> None:
    """Sources and shifted targets must come in the same number (checked before the encoder runs)."""
    if isinstance(src, Tensor) and isinstance(tgt_in, Tensor) and src.ndim and tgt_in.ndim:
        check_same_batch(src=src, tgt_in=tgt_in)


def _check_src_mask(src_mask: Any, memory: Tensor) -> None:
    """``src_mask`` must be the boolean ``(B, 1, 1, S)`` key-padding mask :meth:`Transformer.encode` returns."""
    B, S = memory.shape[0], memory.shape[1]
    if not isinstance(src_mask, Tensor) or src_mask.dtype != torch.bool:
        what = f"dtype {src_mask.dtype}" if isinstance(src_mask, Tensor) else type(src_mask).__name__
        raise TypeError(
            f"src_mask must be a boolean torch.Tensor (True for real source tokens), as encode returns it; "
            f"got {what}. Use memory, src_mask = model.encode(src), or src_mask.bool()."
        )
    shape = tuple(src_mask.shape)
    if len(shape) != 4 or shape[0] not in (1, B) or shape[1:3] != (1, 1) or shape[3] != S:
        raise ValueError(
            f"src_mask must have shape (B, 1, 1, S) = ({B}, 1, 1, {S}) to match memory; got {shape}. "
            "Use the mask encode returns with memory."
        )


def _check_not_pad(pad: int, **ids: int) -> None:
    """The start and end ids must differ from the padding id (a pad token would end or start nothing)."""
    for name, value in ids.items():
        if value == pad:
            raise ValueError(
                f"{name} must differ from the padding id pad = {pad}; got {name}={value}. "
                "Pass the vocabulary's own start/end ids."
            )
