r"""A character-level language model: an RNN that predicts the next character.

.. math::
    e_t = E[c_t], \quad h_t = \tanh(e_t W_{xh}^\top + h_{t-1} W_{hh}^\top + b_h), \quad
    o_t = h_t V^\top + c, \quad P(c_{t+1} = j \mid c_{\le t}) = \operatorname{softmax}(o_t)_j

where :math:`c_t` is the index of the character at position :math:`t`, :math:`E` the
``(K, E_dim)`` embedding table, :math:`V` ``(K, H)`` and :math:`c` the output layer, and
:math:`K` the number of distinct characters. Training minimises the cross-entropy of
the next character; the *perplexity* :math:`\exp(\text{mean cross-entropy})` is the
effective number of characters the model hesitates between.

The recurrent layer is :class:`torch.nn.RNN` (the fused version of
:class:`dlcourse.rnn.RNN`, which equals it to rounding error) because it trains faster.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn

from .._validation import (
    check_float,
    check_int,
    check_num_layers,
    check_num_parameters,
    check_shape,
    check_token_ids,
    check_type,
)
from ..activations import softmax
from ._cell import check_tensor
from .parameters import count_parameters

__all__ = ["CharLM", "fit_char_lm", "unigram_perplexity"]


class CharLM(nn.Module):
    r"""An embedding, a (stacked) tanh RNN and a linear read-out over characters.

    Parameters
    ----------
    vocab : the characters the model knows, e.g. ``sorted(set(text))``.
    embedding_dim, hidden_size, num_layers : sizes of the embedding, the state and the stack.

    Shapes: ``forward(idx (B, T), h (num_layers, B, H) or None)`` returns logits
    ``(B, T, K)`` and the last state ``(num_layers, B, H)``.

    Example
    -------
    >>> lm = CharLM("abc ", hidden_size=8)
    >>> logits, h = lm(lm.encode("abca")[None])
    >>> tuple(logits.shape), tuple(h.shape)
    ((1, 4, 4), (1, 1, 8))
    """

    def __init__(self, vocab: Sequence[str], embedding_dim: int = 32, hidden_size: int = 128, num_layers: int = 1) -> None:
        super().__init__()
        if not isinstance(vocab, (str, list, tuple)):
            raise TypeError(
                f"vocab must be a string or a list of single characters; got {type(vocab).__name__} "
                f"({vocab!r:.40}). Pass e.g. sorted(set(text))."
            )
        chars = list(vocab)
        if len(chars) < 2 or any(not isinstance(c, str) or len(c) != 1 for c in chars) or len(set(chars)) != len(chars):
            raise ValueError("vocab must list at least 2 distinct single characters, e.g. sorted(set(text)).")
        self.vocab = "".join(chars)
        self._index = {c: i for i, c in enumerate(chars)}
        self.embedding_dim = check_int(embedding_dim, "embedding_dim", minimum=1)
        self.hidden_size = check_int(hidden_size, "hidden_size", minimum=1)
        self.num_layers = check_num_layers(num_layers)
        K, E, H = len(chars), self.embedding_dim, self.hidden_size
        check_num_parameters(
            K * E + count_parameters("rnn", E, H, self.num_layers) + H * K + K, "CharLM",
            f"reduce embedding_dim (got {E:,}) or hidden_size (got {H:,})",
        )
        self.embed = nn.Embedding(len(chars), self.embedding_dim)
        self.rnn = nn.RNN(self.embedding_dim, self.hidden_size, self.num_layers, batch_first=True)
        self.head = nn.Linear(self.hidden_size, len(chars))

    def encode(self, text: str) -> torch.Tensor:
        """Character indices of ``text`` as an int64 tensor ``(len(text),)``."""
        return self._encode(text, "text")

    def _encode(self, text: object, name: str) -> torch.Tensor:
        """:meth:`encode`, with ``name`` the argument the text came in as (for the messages)."""
        checked: str = check_type(text, name, str)
        unknown = sorted(set(checked) - set(self._index))
        if unknown:
            raise ValueError(
                f"{name} contains characters outside the model's vocabulary: {unknown[:10]}. "
                f"Use only the characters of vocab ({self.vocab!r:.40})."
            )
        return torch.tensor([self._index[c] for c in checked], dtype=torch.long)

    def decode(self, ids: Sequence[int] | torch.Tensor) -> str:
        """The string of the character indices ``ids`` (each in ``0 .. len(vocab) - 1``)."""
        if isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__"):
            raise TypeError(f"ids must be a sequence or tensor of character ids; got {type(ids).__name__} ({ids!r:.40}).")
        out = []
        for position, i in enumerate(ids):
            if isinstance(i, bool) or not isinstance(i, (int, np.integer, torch.Tensor)):
                raise TypeError(f"ids must hold integer character ids; got {type(i).__name__} ({i!r:.20}) at index {position}.")
            k = int(i)
            if not 0 <= k < len(self.vocab):
                raise ValueError(
                    f"ids must hold character ids in 0..{len(self.vocab) - 1} (the vocabulary has "
                    f"{len(self.vocab)} characters); got {k} at index {position}."
                )
            out.append(self.vocab[k])
        return "".join(out)

    def forward(self, idx: torch.Tensor, h: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits of the next character at every position; see the class docstring."""
        check_token_ids(idx, "idx", len(self.vocab))
        if idx.dim() not in (1, 2):
            raise ValueError(
                f"idx must be (batch, seq_len) or (seq_len,) character ids; got shape {tuple(idx.shape)}."
            )
        if h is not None:
            check_tensor(h, "h", self.head.weight.dtype)
            batch = (idx.shape[0],) if idx.dim() == 2 else ()
            check_shape(h, "h", (self.num_layers, *batch, self.hidden_size),
                        names="(num_layers, batch, hidden_size), batch as in idx")
        e = self.embed(idx)  # (B, T, E)
        out, h = self.rnn(e, h)  # (B, T, H), (num_layers, B, H)
        return self.head(out), h  # (B, T, K)

    @torch.no_grad()
    def next_char_probabilities(self, prefix: str, temperature: float = 1.0) -> np.ndarray:
        """Distribution ``(K,)`` of the character after ``prefix`` at ``temperature``."""
        ids = self._encode(prefix, "prefix")
        if not prefix:
            raise ValueError("prefix must hold at least one character.")
        logits, _ = self(ids[None].to(self.head.weight.device))
        return softmax(logits[0, -1].double().cpu().numpy(), temperature=temperature)

    @torch.no_grad()
    def sample(self, prefix: str, length: int, temperature: float = 1.0, *, seed: int = 0) -> str:
        r"""Continue ``prefix`` by ``length`` characters drawn one at a time.

        Each character is drawn from :math:`\operatorname{softmax}(o_t / T)` (see
        :func:`dlcourse.activations.softmax`), fed back in, and the state carried on.
        Small ``temperature`` approaches greedy decoding; large flattens towards uniform.
        Returns the generated characters (without the prefix).
        """
        length = check_int(length, "length", minimum=0)
        temperature = check_float(temperature, "temperature", minimum=0.0, strict_minimum=True)
        ids = self._encode(prefix, "prefix")
        if not prefix:
            raise ValueError("prefix must hold at least one character to start the state.")
        rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
        was_training = self.training
        self.eval()
        device = self.head.weight.device
        logits, h = self(ids[None].to(device))  # (1, P, K)
        out = []
        for _ in range(length):
            p = softmax(logits[0, -1].double().cpu().numpy(), temperature=temperature)
            j = int(rng.choice(len(p), p=p))
            out.append(self.vocab[j])
            logits, h = self(torch.tensor([[j]], device=device), h)  # (1, 1, K)
        self.train(was_training)
        return "".join(out)

    @torch.no_grad()
    def perplexity(self, text: str) -> float:
        r"""Perplexity :math:`\exp\big(-\frac{1}{N}\sum_t \ln P(c_{t+1} \mid c_{\le t})\big)` on ``text``.

        Every character after the first is predicted from all the characters before it.
        """
        ids = self.encode(text)
        if len(ids) < 2:
            raise ValueError("text must hold at least 2 characters to measure a perplexity.")
        was_training = self.training
        self.eval()
        logits, _ = self(ids[:-1][None].to(self.head.weight.device))  # (1, N, K)
        nll = nn.functional.cross_entropy(logits[0].cpu().double(), ids[1:])
        self.train(was_training)
        return float(torch.exp(nll))


def fit_char_lm(
    model: CharLM, text: str, *, seq_len: int = 64, batch_size: int = 16, epochs: int = 60,
    lr: float = 3e-3, clip: float | None = 1.0, seed: int = 0,
    callback: Callable[[int, float], None] | None = None,
) -> list[float]:
    r"""Train ``model`` on ``text`` with truncated BPTT; return the mean loss of every epoch.

    The text is cut into ``batch_size`` parallel streams read left to right in chunks of
    ``seq_len`` characters. The state is carried from one chunk to the next but detached
    (truncated BPTT), so gradients flow back at most ``seq_len`` steps. Adam with
    learning rate ``lr``; gradients clipped to norm ``clip`` (``None``: no clipping).
    ``callback(epoch, train_loss)``, if given, is called after every epoch (``epoch`` counts
    from 1), e.g. to measure a validation perplexity or keep the best weights.
    """
    check_type(model, "model", CharLM)
    seq_len = check_int(seq_len, "seq_len", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    epochs = check_int(epochs, "epochs", minimum=1)
    lr = check_float(lr, "lr", minimum=0.0, strict_minimum=True)
    if clip is not None:
        clip = check_float(clip, "clip", minimum=0.0, strict_minimum=True)
    ids = model.encode(text)
    per_stream = (len(ids) - 1) // batch_size
    if per_stream < 2:
        raise ValueError(
            f"text must hold at least 2 * batch_size + 1 = {2 * batch_size + 1} characters for batch_size={batch_size}; "
            f"got {len(ids)}. Give a longer text or a smaller batch_size."
        )
    torch.manual_seed(check_int(seed, "seed", minimum=0))
    device = model.head.weight.device
    inputs = ids[: per_stream * batch_size].view(batch_size, per_stream).to(device)  # (B, S)
    targets = ids[1 : per_stream * batch_size + 1].view(batch_size, per_stream).to(device)  # (B, S)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    history = []
    for _ in range(epochs):
        h = None
        total, count = 0.0, 0
        for start in range(0, per_stream, seq_len):
            xb = inputs[:, start : start + seq_len]  # (B, T)
            yb = targets[:, start : start + seq_len]  # (B, T)
            logits, h = model(xb, h)
            h = h.detach()  # truncated BPTT: no gradient into the previous chunk
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), yb.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            if clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            total += loss.item() * yb.numel()
            count += yb.numel()
        history.append(total / count)
        if callback is not None:
            callback(len(history), history[-1])
            model.train()
    return history


def unigram_perplexity(train_text: str, test_text: str, *, alpha: float = 1.0) -> float:
    r"""Perplexity on ``test_text`` of character frequencies counted on ``train_text``.

    :math:`P(c) = (n_c + \alpha) / (N + \alpha K)` (add-:math:`\alpha` smoothing over the
    :math:`K` characters of both texts): the baseline a model with no memory at all reaches.
    """
    check_type(train_text, "train_text", str)
    check_type(test_text, "test_text", str)
    if not train_text or not test_text:
        raise ValueError("train_text and test_text must both be non-empty.")
    alpha = check_float(alpha, "alpha", minimum=0.0, strict_minimum=True)
    chars = sorted(set(train_text) | set(test_text))
    counts = {c: 0 for c in chars}
    for c in train_text:
        counts[c] += 1
    denom = len(train_text) + alpha * len(chars)
    nll = -sum(math.log((counts[c] + alpha) / denom) for c in test_text) / len(test_text)
    return math.exp(nll)
