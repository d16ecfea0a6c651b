r"""Recurrent language models (chapters 6 and 7).

Padding, masks and the masked loss for variable-length batches live in :mod:`.padding`
(imported here too, so ``dlcourse.rnn.language_model.pad_sequences`` keeps working).

:class:`RecurrentLM` is an embedding, a ``torch.nn`` recurrent layer (``"rnn"``, ``"lstm"``
or ``"gru"``) and a linear read-out. :func:`train_lms` trains several such models (for
instance three seeds of each cell) on the *same* batches with truncated BPTT and records the
validation perplexity at regular steps; :func:`stream_perplexity` measures perplexity on a
long text in chunks with the state carried over.
"""
from __future__ import annotations

import copy
import math
from typing import Any, Mapping, Sequence

import numpy as np
import torch
from torch import nn

from .._validation import (
    check_choice,
    check_float,
    check_int,
    check_num_layers,
    check_num_parameters,
    check_shape,
    check_token_ids,
    check_type,
)
from ._cell import check_flag, check_tensor
from .padding import _as_id_row, _check_lengths, last_states, lengths_to_mask, masked_cross_entropy, pad_sequences
from .parameters import count_parameters

__all__ = [
    "pad_sequences",
    "lengths_to_mask",
    "masked_cross_entropy",
    "last_states",
    "RecurrentLM",
    "train_lms",
    "stream_perplexity",
    "char_vocab",
]


def char_vocab(text: str) -> str:
    """The sorted distinct characters of ``text`` as one string (a character vocabulary)."""
    if not isinstance(text, str) or len(text) == 0:
        raise ValueError("text must be a non-empty string; got ''. Pass the training text.")
    return "".join(sorted(set(text)))


_LAYERS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class RecurrentLM(nn.Module):
    r"""Embedding, one or more recurrent layers and a linear read-out over a vocabulary.

    Parameters
    ----------
    vocab_size : number of token ids :math:`K`.
    kind : ``"rnn"`` (tanh), ``"lstm"`` or ``"gru"``; the layer is the ``torch.nn`` one.
    embedding_dim, hidden_size, num_layers : sizes.

    ``forward(idx (B, T), state=None, lengths=None)`` returns logits ``(B, T, K)`` and the
    final state (``h`` ``(L, B, H)``, or ``(h, c)`` for the LSTM). With ``lengths`` the batch
    is *packed* (:func:`torch.nn.utils.rnn.pack_padded_sequence`): the recurrence stops at
    each sequence's last real token, so the final state belongs to that token; the recurrent
    outputs at padded positions are zero (their logits are the read-out's bias), and a loss over
    them must be masked.

    Example
    -------
    >>> lm = RecurrentLM(10, "gru", embedding_dim=4, hidden_size=8)
    >>> logits, h = lm(torch.zeros(2, 5, dtype=torch.long))
    >>> tuple(logits.shape), tuple(h.shape)
    ((2, 5, 10), (1, 2, 8))
    """

    def __init__(
        self, vocab_size: int, kind: str = "lstm", *, embedding_dim: int = 16, hidden_size: int = 64, num_layers: int = 1
    ) -> None:
        super().__init__()
        self.kind = check_choice(kind, "kind", sorted(_LAYERS))
        self.vocab_size = check_int(vocab_size, "vocab_size", minimum=2)
        E = check_int(embedding_dim, "embedding_dim", minimum=1)
        H = check_int(hidden_size, "hidden_size", minimum=1)
        V = self.vocab_size
        self.num_layers = check_num_layers(num_layers)
        check_num_parameters(
            V * E + count_parameters(self.kind, E, H, self.num_layers) + H * V + V, "RecurrentLM",
            f"reduce vocab_size (got {V:,}), embedding_dim (got {E:,}) or hidden_size (got {H:,})",
        )
        self.embed = nn.Embedding(V, E)
        self.rnn = _LAYERS[kind](E, H, self.num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, self.vocab_size)

    def forward(self, idx: torch.Tensor, state=None, lengths: torch.Tensor | None = None):
        """Logits of the next token at every position; see the class docstring."""
        check_token_ids(idx, "idx", self.vocab_size)
        if idx.dim() != 2:
            raise ValueError(f"idx must be 2-dimensional (batch, seq_len); got shape {tuple(idx.shape)}. Add a batch axis: idx[None].")
        if state is not None:
            self._check_state(state, idx.shape[0])
        e = self.embed(idx)  # (B, T, E)
        if lengths is None:
            out, state = self.rnn(e, state)  # (B, T, H)
        else:
            lengths = _check_lengths(lengths)
            if lengths.shape[0] != idx.shape[0] or int(lengths.max()) > idx.shape[1]:
                raise ValueError(
                    f"lengths must hold one length in 1..{idx.shape[1]} per row of idx {tuple(idx.shape)}; "
                    f"got {lengths.tolist()!r:.60}."
                )
            packed = nn.utils.rnn.pack_padded_sequence(e, lengths.cpu(), batch_first=True, enforce_sorted=False)
            out, state = self.rnn(packed, state)
            out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=idx.shape[1])  # (B, T, H)
        return self.head(out), state  # (B, T, K)

    def _check_state(self, state: Any, batch: int) -> None:
        """``state`` must be what :meth:`forward` returned: ``h`` (or ``(h, c)`` for the LSTM), each ``(L, B, H)``."""
        want = (self.num_layers, batch, self.rnn.hidden_size)
        if self.kind == "lstm":
            if not isinstance(state, (tuple, list)) or len(state) != 2:
                raise TypeError(
                    f"state must be None or the pair (h, c) an LSTM model returned, each (num_layers, batch, "
                    f"hidden_size) = {want}; got {type(state).__name__} ({state!r:.40})."
                )
            parts = [(state[0], "state[0] (h)"), (state[1], "state[1] (c)")]
        else:
            parts = [(state, "state")]
        for value, name in parts:
            check_tensor(value, name, self.head.weight.dtype)
            check_shape(value, name, want, names="(num_layers, batch, hidden_size), batch as in idx")

    def n_parameters(self) -> int:
        """Number of trainable parameters."""
        return sum(p.numel() for p in self.parameters())

    @torch.no_grad()
    def sample(self, prefix_ids: Sequence[int], length: int, *, temperature: float = 1.0, seed: int = 0) -> list[int]:
        """Continue ``prefix_ids`` by ``length`` ids drawn from ``softmax(logits / temperature)``."""
        length = check_int(length, "length", minimum=0)
        temperature = check_float(temperature, "temperature", minimum=0.0, strict_minimum=True)
        prefix = _as_id_row(prefix_ids, "prefix_ids")
        if len(prefix) == 0:
            raise ValueError("prefix_ids must hold at least one token id to start the state; got none.")
        check_token_ids(prefix, "prefix_ids", self.vocab_size)
        gen = torch.Generator().manual_seed(check_int(seed, "seed", minimum=0))
        was_training = self.training
        self.eval()
        logits, state = self(prefix[None])
        out = []
        for _ in range(length):
            p = torch.softmax(logits[0, -1].double() / temperature, dim=-1)
            j = int(torch.multinomial(p, 1, generator=gen))
            out.append(j)
            logits, state = self(torch.tensor([[j]]), state)
        self.train(was_training)
        return out


def _as_id_stream(ids: Any, name: str, vocab_size: int) -> torch.Tensor:
    """``ids`` (a 1-D list, array or tensor of token ids below ``vocab_size``) as a 1-D int64 tensor."""
    t = _as_id_row(ids, name)
    check_token_ids(t, name, vocab_size)
    return t


def _detach(state):
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


@torch.no_grad()
def stream_perplexity(model: RecurrentLM, ids: torch.Tensor, *, seq_len: int = 128, batch_size: int = 64) -> float:
    r"""Perplexity :math:`\exp(\text{mean cross-entropy})` of ``model`` on the id sequence ``ids``.

    The sequence is cut into ``batch_size`` contiguous streams read in chunks of ``seq_len``
    with the state carried from chunk to chunk, so every token (except each stream's first)
    is predicted from all the tokens before it in its stream.
    """
    check_type(model, "model", RecurrentLM)
    ids = _as_id_stream(ids, "ids", model.vocab_size)
    seq_len = check_int(seq_len, "seq_len", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    per_stream = (len(ids) - 1) // batch_size
    if per_stream < 1:
        raise ValueError(
            f"ids must hold at least batch_size + 1 = {batch_size + 1} ids (one stream of 2 per batch row); "
            f"got {len(ids)}. Pass a smaller batch_size or more ids."
        )
    x = ids[: per_stream * batch_size].view(batch_size, per_stream)  # (B, S)
    y = ids[1 : per_stream * batch_size + 1].view(batch_size, per_stream)
    was_training = model.training
    model.eval()
    state, total, count = None, 0.0, 0
    for start in range(0, per_stream, seq_len):
        logits, state = model(x[:, start : start + seq_len], state)
        yb = y[:, start : start + seq_len]
        total += nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]).double(), yb.reshape(-1), reduction="sum").item()
        count += yb.numel()
    model.train(was_training)
    return math.exp(total / count)


def train_lms(
    models: Mapping[str, RecurrentLM], train_ids: torch.Tensor, val_ids: torch.Tensor, *,
    steps: int = 300, seq_len: int = 64, batch_size: int = 32, lr: float = 3e-3, clip: float | None = 1.0,
    eval_every: int = 50, seed: int = 0, keep_best: bool = True,
) -> dict[str, dict[str, list[float]]]:
    r"""Train every model in ``models`` on the same batches; record validation perplexity.

    The training ids are cut into ``batch_size`` contiguous streams; every step reads the next
    ``seq_len`` ids of every stream (wrapping round at the end), carries each model's state from
    the previous step detached (truncated BPTT), and takes one Adam step per model with the
    gradient norm clipped to ``clip``. Every ``eval_every`` steps (and at the end) each model's
    perplexity on ``val_ids`` is measured with :func:`stream_perplexity`. With ``keep_best``
    each model ends with the weights of its best validation point (early stopping chosen on
    the validation split). The same ``seed`` gives the same stream offsets for every model.

    Returns, per model name, ``{"step": [...], "train_ppl": [...], "val_ppl": [...], "best_step": [s]}``,
    ``train_ppl`` being the perplexity of the training batches since the previous evaluation.
    """
    if not isinstance(models, Mapping) or not models:
        raise TypeError(
            f"models must be a non-empty dict {{name: RecurrentLM}}; got {type(models).__name__} ({models!r:.40}). "
            f"Pass e.g. {{'gru': RecurrentLM(vocab_size, 'gru')}}."
        )
    for key, m in models.items():
        check_type(m, f"models[{key!r}]", RecurrentLM)
    vocab_size = min(m.vocab_size for m in models.values())
    train_ids = _as_id_stream(train_ids, "train_ids", vocab_size)
    val_ids = _as_id_stream(val_ids, "val_ids", vocab_size)
    keep_best = check_flag(keep_best, "keep_best")
    steps = check_int(steps, "steps", minimum=1)
    seq_len = check_int(seq_len, "seq_len", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    eval_every = check_int(eval_every, "eval_every", minimum=1)
    lr = check_float(lr, "lr", minimum=0.0, strict_minimum=True)
    if clip is not None:
        clip = check_float(clip, "clip", minimum=0.0, strict_minimum=True)
    per_stream = (len(train_ids) - 1) // batch_size
    if per_stream < seq_len + 1:
        raise ValueError(
            f"train_ids must hold at least batch_size * (seq_len + 1) + 1 = {batch_size * (seq_len + 1) + 1} ids; "
            f"got {len(train_ids)}. Pass a smaller batch_size or seq_len, or more text."
        )
    if len(val_ids) < 65:  # what stream_perplexity needs with its default batch_size of 64
        raise ValueError(
            f"val_ids must hold at least 65 ids (the validation text is read in 64 streams); got {len(val_ids)}. "
            f"Pass a longer validation text."
        )
    x_all = train_ids[: per_stream * batch_size].view(batch_size, per_stream)  # (B, S)
    y_all = train_ids[1 : per_stream * batch_size + 1].view(batch_size, per_stream)
    n_chunks = per_stream // seq_len
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    offset = int(rng.integers(0, n_chunks))  # where in the streams the first chunk is read
    opts = {name: torch.optim.Adam(m.parameters(), lr=lr) for name, m in models.items()}
    states = {name: None for name in models}
    hist: dict[str, dict[str, list[float]]] = {
        name: {"step": [], "train_ppl": [], "val_ppl": [], "best_step": [0]} for name in models
    }
    best: dict[str, tuple[float, dict[str, Any] | None]] = {name: (math.inf, None) for name in models}
    running = {name: [0.0, 0] for name in models}
    for m in models.values():
        m.train()
    for step in range(1, steps + 1):
        chunk = (offset + step - 1) % n_chunks
        if chunk == 0 and step > 1:
            states = {name: None for name in models}  # the streams start again: reset the state
        xb = x_all[:, chunk * seq_len : (chunk + 1) * seq_len]  # (B, T)
        yb = y_all[:, chunk * seq_len : (chunk + 1) * seq_len]
        for name, m in models.items():
            logits, st = m(xb, states[name])
            states[name] = _detach(st)
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), yb.reshape(-1))
            opts[name].zero_grad()
            loss.backward()
            if clip is not None:
                nn.utils.clip_grad_norm_(m.parameters(), clip)
            opts[name].step()
            running[name][0] += loss.item()
            running[name][1] += 1
        if step % eval_every == 0 or step == steps:
            for name, m in models.items():
                v = stream_perplexity(m, val_ids)
                h = hist[name]
                h["step"].append(step)
                h["train_ppl"].append(math.exp(running[name][0] / running[name][1]))
                h["val_ppl"].append(v)
                running[name] = [0.0, 0]
                if keep_best and v < best[name][0]:
                    best[name] = (v, copy.deepcopy(m.state_dict()))
                    h["best_step"] = [step]
    if keep_best:
        for name, m in models.items():
            state = best[name][1]
            if state is not None:
                m.load_state_dict(state)
    return hist
