"""Argument checks of the sequence models (chapters 9 and 10), each once per call.

Every check raises ``TypeError`` or ``ValueError`` with the argument's name, what was
expected, what was received and how to fix it (the convention of
:mod:`dlcourse._validation`). They are shared by :mod:`.model`, :mod:`.decoding`,
:mod:`.metrics`, :mod:`.seeds` (``members=K`` for a seed stack) and the attention decoders.
"""
from __future__ import annotations

import numbers
from contextlib import contextmanager
from typing import Any, Iterator

import torch

from .._validation import check_ndim, check_token_ids, check_type, format_shape


@contextmanager
def trusted(module: Any, trust: bool = True) -> Iterator[None]:
    """Inside, ``module`` skips its per-call argument checks (when ``trust``).

    The library's own loops (greedy decoding, beam search, the teacher-forcing loop) check
    a decoder's first step and trust the steps that follow, whose inputs the loop itself
    made: checking every step would cost up to half the time of a small step. Decoders
    read the flag as ``self._inputs_trusted``.
    """
    if not trust or not isinstance(module, torch.nn.Module):
        yield
        return
    previous = module.__dict__.get("_inputs_trusted", False)
    module.__dict__["_inputs_trusted"] = True
    try:
        yield
    finally:
        module.__dict__["_inputs_trusted"] = previous


def check_long(tokens: Any, name: str, ndim: int, axes: str) -> None:
    """``tokens`` must be an int64 tensor of ``ndim`` dimensions (``axes`` names them)."""
    check_type(tokens, name, torch.Tensor)
    check_ndim(tokens, name, ndim, names=axes)
    if tokens.dtype != torch.long:
        raise TypeError(f"{name} must be an int64 (torch.long) tensor; got {tokens.dtype}. Use {name}.long().")


def check_batch(src: Any, src_lengths: Any, vocab_size: int | None = None, *, members: int | None = None) -> None:
    """``src (B, S)`` token ids and ``src_lengths (B,)`` in ``1..S`` (with ``members=K``: ``(K, B, S)``, ``(K, B)``).

    With ``vocab_size`` the ids are checked too (:func:`~dlcourse._validation.check_token_ids`).
    """
    lead = "" if members is None else "members, "
    check_long(src, "src", 2 if members is None else 3, f"({lead}batch, src_len) of token ids")
    check_long(src_lengths, "src_lengths", 1 if members is None else 2, f"({lead}batch,)")
    if members is not None and src.shape[0] != members:
        raise ValueError(
            f"src must hold one batch per member of the stack = {members} along its first axis; "
            f"got shape {format_shape(tuple(src.shape))}. Stack the members' batches with torch.stack."
        )
    if tuple(src_lengths.shape) != tuple(src.shape[:-1]):
        raise ValueError(
            f"src_lengths must have shape {format_shape(tuple(src.shape[:-1]))}: one length per row of src "
            f"{format_shape(tuple(src.shape))}; got {format_shape(tuple(src_lengths.shape))}."
        )
    if src_lengths.numel() and (int(src_lengths.min()) < 1 or int(src_lengths.max()) > src.shape[-1]):
        raise ValueError(
            f"src_lengths must lie in 1..{src.shape[-1]} (the padded width of src); got values from "
            f"{int(src_lengths.min())} to {int(src_lengths.max())}."
        )
    if vocab_size is not None:
        check_token_ids(src, "src", vocab_size)


def check_target(tgt: Any, src: torch.Tensor, vocab_size: int | None = None) -> None:
    """``tgt (..., B, T)`` int64 with ``T >= 2`` (``SOS`` first) and the batch axes of ``src``."""
    check_long(tgt, "tgt", src.ndim, "(batch, tgt_len) starting with SOS" if src.ndim == 2 else
               "(members, batch, tgt_len) starting with SOS")
    if tuple(tgt.shape[:-1]) != tuple(src.shape[:-1]) or tgt.shape[-1] < 2:
        want = ", ".join(str(s) for s in src.shape[:-1])
        raise ValueError(
            f"tgt must have shape ({want}, >=2): the batch axes of src {format_shape(tuple(src.shape))} and "
            f"at least SOS and one more token; got {format_shape(tuple(tgt.shape))}."
        )
    if vocab_size is not None:
        check_token_ids(tgt, "tgt", vocab_size)


def check_state(state: Any, name: str, *, cell: str, shape: tuple[int, ...], dtype: torch.dtype, of: str) -> None:
    """A recurrent state: ``None`` (zeros), a tensor of ``shape`` (GRU) or a pair ``(h, c)`` of them (LSTM).

    ``of`` names where the batch size comes from (e.g. ``"token"``), so a mismatch names both.
    """
    if state is None:
        return
    if cell == "lstm":
        if not isinstance(state, tuple) or len(state) != 2:
            raise TypeError(
                f"{name} must be None or the LSTM pair (h, c) of tensors {format_shape(shape)}; "
                f"got {type(state).__name__}{f' of length {len(state)}' if isinstance(state, tuple) else ''}."
            )
        parts = [(f"{name}[0]", state[0]), (f"{name}[1]", state[1])]
    else:
        parts = [(name, state)]
    for label, part in parts:
        if not isinstance(part, torch.Tensor):
            raise TypeError(
                f"{label} must be None or a torch.Tensor {format_shape(shape)} (num_layers, batch, hidden_size); "
                f"got {type(part).__name__}. Pass the state the encoder or the previous step returned."
            )
        if part.dtype != dtype:
            raise TypeError(
                f"{label} must have the model's dtype {dtype}; got {part.dtype}. Use {label}.to({dtype})."
            )
        if tuple(part.shape) != tuple(shape):
            raise ValueError(
                f"{label} must have shape (num_layers, batch, hidden_size) = {format_shape(shape)}, the batch "
                f"size taken from {of}; got {format_shape(tuple(part.shape))}."
            )


def check_model(model: Any, name: str = "model") -> None:
    """``model`` must be a :class:`~dlcourse.seq2seq.Seq2Seq`-like module: ``encode()`` and a ``decoder.forward_step()``."""
    decoder = getattr(model, "decoder", None)
    if not (isinstance(model, torch.nn.Module) and callable(getattr(model, "encode", None))
            and callable(getattr(decoder, "forward_step", None))):
        raise TypeError(
            f"{name} must be a Seq2Seq (a module with encode() and a decoder with forward_step()); got "
            f"{type(model).__name__}. Build one with Seq2Seq(Encoder(...), Decoder(...))."
        )


def _as_list(seq: Any) -> Any:
    """A 1-D tensor or array as a list; anything else unchanged."""
    if hasattr(seq, "ndim") and hasattr(seq, "tolist") and seq.ndim == 1:
        return seq.tolist()
    return seq


def check_ids(tokens: Any, name: str) -> list[int]:
    """``tokens`` as a list of integer token ids (from a list, tuple, 1-D array or 1-D tensor)."""
    seq = _as_list(tokens)
    if not isinstance(seq, (list, tuple)):
        raise TypeError(
            f"{name} must be a sequence of integer token ids (a list, tuple or 1-D tensor); got "
            f"{type(tokens).__name__}{f' ({tokens!r:.40})' if isinstance(tokens, str) else ''}. "
            f"Encode text with the vocabulary first."
        )
    for j, tok in enumerate(seq):
        if isinstance(tok, bool) or not isinstance(tok, numbers.Integral):
            raise TypeError(
                f"{name}[{j}] must be an integer token id; got {type(tok).__name__} ({tok!r:.40}). "
                f"Encode the tokens with the model's vocabulary first."
            )
    return list(seq)


def check_sequences(value: Any, name: str, *, ints: bool = False) -> None:
    """A list (or tuple) of token sequences; each a list, tuple, string, 1-D array or 1-D tensor.

    With ``ints=True`` each token must be an integer id (and a string is no sequence of them).
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise TypeError(
            f"{name} must be a list of token sequences (one list of tokens per sentence); got "
            f"{type(value).__name__}. Wrap a single sequence as [tokens]."
        )
    for i, seq in enumerate(value):
        if ints:
            check_ids(seq, f"{name}[{i}]")
        elif not isinstance(_as_list(seq), (list, tuple, str)):
            raise TypeError(
                f"{name}[{i}] must be a sequence of tokens (a list, tuple, string or 1-D tensor); got "
                f"{type(seq).__name__}. Give every sentence as a list of tokens, [] when empty."
            )


def check_stack_step(token: Any, state: Any, *, members: int, vocab_size: int, hidden_size: int, cell: str,
                     dtype: torch.dtype) -> None:
    """A seed stack's step: ``token (K, B)`` ids and ``state``, a tuple ``(h,)`` (GRU) or ``(h, c)`` (LSTM) of ``(K, B, H)``."""
    check_long(token, "token", 2, "(members, batch)")
    if token.shape[0] != members:
        raise ValueError(
            f"token must have shape (members, batch) with members = {members}; got {format_shape(tuple(token.shape))}."
        )
    n = 2 if cell == "lstm" else 1
    if not isinstance(state, tuple) or len(state) != n:
        raise TypeError(
            f"state must be a tuple of {n} tensor(s) {'(h, c)' if n == 2 else '(h,)'} of shape (members, batch, "
            f"hidden_size), as encode() and step() return it; got {type(state).__name__}"
            f"{f' of length {len(state)}' if isinstance(state, tuple) else ''}."
        )
    shape = (members, token.shape[1], hidden_size)
    for i, part in enumerate(state):
        label = f"state[{i}]"
        check_type(part, label, torch.Tensor)
        if part.dtype != dtype:
            raise TypeError(f"{label} must have the stack's dtype {dtype}; got {part.dtype}. Use {label}.to({dtype}).")
        if tuple(part.shape) != shape:
            raise ValueError(
                f"{label} must have shape (members, batch, hidden_size) = {format_shape(shape)}, the batch size "
                f"taken from token {format_shape(tuple(token.shape))}; got {format_shape(tuple(part.shape))}."
            )
    check_token_ids(token, "token", vocab_size)
