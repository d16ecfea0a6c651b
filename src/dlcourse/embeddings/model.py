r"""Skip-gram and CBOW with negative sampling, with their hand-derived SGD step.

Both models keep two vectors per word: an *input* vector :math:`v_w` (row of
``in_embed``, the word vector we keep after training) and an *output* vector
:math:`u_w` (row of ``out_embed``). A (word, context) pair is scored by the dot
product :math:`s = u_o^\top v_c`; negative sampling turns the |V|-way softmax into
:math:`K + 1` binary decisions: the observed context :math:`o` is a real pair, and
:math:`K` words :math:`n_1, \dots, n_K` drawn from a noise distribution are not.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .._validation import as_float_array, check_float, check_int, check_num_parameters, check_token_ids

__all__ = ["noise_distribution", "keep_probabilities", "SkipGram", "CBOW"]


def _as_counts(counts: Any) -> np.ndarray:
    """``counts`` as a non-empty 1-D float array of whole numbers (word counts)."""
    f = as_float_array(counts, "counts")
    if f.ndim != 1 or f.size == 0:
        raise ValueError(f"counts must be a non-empty 1-D array of word counts; got shape {f.shape}.")
    frac = np.isfinite(f) & (f != np.round(f))
    if frac.any():
        k = int(np.argmax(frac))
        raise ValueError(
            f"counts must hold whole numbers (how often each word occurs); got {f[k]:g} at index {k}. "
            f"Pass the integer counts, e.g. from build_vocab."
        )
    return f


def noise_distribution(counts: Any, power: float = 0.75) -> np.ndarray:
    r"""Word2Vec's noise distribution for negative samples, :math:`P_n(w) \propto f(w)^{3/4}`.

    .. math::
        P_n(w) = \frac{f(w)^{\alpha}}{\sum_{w'} f(w')^{\alpha}}

    where :math:`f(w)` is the corpus count of word :math:`w` and :math:`\alpha` the
    ``power`` (0.75 in Mikolov et al., 2013). :math:`\alpha < 1` flattens the unigram
    distribution: rare words are drawn more often than their frequency, frequent ones less.

    Args:
        counts: ``(V,)`` non-negative word counts, at least one positive.
        power: :math:`\alpha \ge 0`; 1 gives the unigram distribution, 0 the uniform one.

    Returns:
        ``(V,)`` float64 probabilities summing to 1.

    Example:
        >>> noise_distribution([16, 1]).round(3).tolist()
        [0.889, 0.111]
    """
    f = _as_counts(counts)
    if not np.all(np.isfinite(f)) or np.any(f < 0) or f.sum() <= 0:
        raise ValueError("counts must be finite, non-negative and not all zero.")
    power = check_float(power, "power", minimum=0.0)
    weights = np.where(f > 0, f, 0.0) ** power * (f > 0)
    return weights / weights.sum()


def keep_probabilities(counts: Any, sample: float = 1e-3) -> np.ndarray:
    r"""Probability that each occurrence of a word survives frequent-word subsampling.

    Word2Vec (the C tool, also gensim) keeps an occurrence of word :math:`w` with

    .. math::
        P_{\text{keep}}(w) = \min\!\left(1,\ \left(\sqrt{\frac{z(w)}{s}} + 1\right) \frac{s}{z(w)}\right)

    where :math:`z(w) = f(w) / \sum_{w'} f(w')` is the word's share of the corpus and
    :math:`s` the ``sample`` threshold. Words rarer than about :math:`s` are always
    kept; a word with share :math:`z \gg s` is kept with probability about
    :math:`\sqrt{s / z}`. (The paper's formula, :math:`1 - \sqrt{s/z}` for the
    *discard* probability, behaves the same way.) ``sample=0`` keeps everything.

    Returns:
        ``(V,)`` probabilities in ``(0, 1]``.

    Example:
        >>> keep_probabilities([1000, 10], sample=1e-2).round(3).tolist()
        [0.111, 1.0]
    """
    f = _as_counts(counts)
    if np.any(f < 0) or f.sum() <= 0:
        raise ValueError("counts must be a non-empty 1-D array of non-negative counts, not all zero.")
    sample = check_float(sample, "sample", minimum=0.0)
    if sample == 0:
        return np.ones_like(f)
    threshold = sample * f.sum()
    with np.errstate(divide="ignore"):
        keep = (np.sqrt(f / threshold) + 1.0) * threshold / f
    return np.minimum(1.0, np.where(f > 0, keep, 1.0))


def _init(embed_in: nn.Embedding, embed_out: nn.Embedding, dim: int, generator: Any) -> None:
    with torch.no_grad():
        # word2vec's initialisation: input vectors uniform in [-0.5/D, 0.5/D), output vectors zero.
        embed_in.weight.copy_((torch.rand(embed_in.weight.shape, generator=generator) - 0.5) / dim)
        embed_out.weight.zero_()


class _Word2VecBase(nn.Module):
    def __init__(self, vocab_size: int, dim: int, *, seed: int | None = None) -> None:
        super().__init__()
        self.vocab_size = check_int(vocab_size, "vocab_size", minimum=1)
        self.dim = check_int(dim, "dim", minimum=1)
        check_num_parameters(2 * self.vocab_size * self.dim, type(self).__name__,
                             f"reduce vocab_size (got {self.vocab_size:,}) or dim (got {self.dim:,})")
        generator = torch.Generator().manual_seed(check_int(seed, "seed", minimum=0)) if seed is not None else None
        self.in_embed = nn.Embedding(self.vocab_size, self.dim)
        self.out_embed = nn.Embedding(self.vocab_size, self.dim)
        _init(self.in_embed, self.out_embed, self.dim, generator)

    def _check_batch(self, first: Any, second: Any, negatives: Any, names: tuple[str, str]) -> None:
        """Every id tensor of a batch: integer word ids inside the vocabulary, of matching shapes.

        ``second`` is the target, ``(B,)``; ``first`` is ``(B,)`` (skip-gram's centre) or
        ``(B, C)`` (CBOW's context); ``negatives`` ``(B, K)``.
        """
        for ids, name in ((first, names[0]), (second, names[1]), (negatives, "negatives")):
            check_token_ids(ids, name, self.vocab_size)
        cbow = names[0] == "context"
        if cbow and first.ndim != 2:
            raise ValueError(f"context must have shape (B, C); got {tuple(first.shape)}.")
        if not cbow and second.ndim != 1:
            raise ValueError(f"context must have shape (B,), one context word per centre word; got {tuple(second.shape)}.")
        B = first.shape[0]
        if cbow and tuple(second.shape) != (B,):
            raise ValueError(f"centre must have shape (B,) = ({B},), B as in context {tuple(first.shape)}; "
                             f"got {tuple(second.shape)}.")
        if not cbow and first.shape != second.shape:
            raise ValueError(f"centre must have the shape of context {tuple(second.shape)}; got {tuple(first.shape)}.")
        if negatives.ndim != 2 or negatives.shape[0] != B:
            raise ValueError(f"negatives (B, K) must have shape ({B}, K), B as in {names[0]} and {names[1]}; "
                             f"got {tuple(negatives.shape)}.")

    @staticmethod
    def _targets(target: Any, negatives: Any) -> tuple[Any, Any, Any]:
        """Stack the true word and the K noise words; mask noise words equal to the true word."""
        if target.ndim != 1 or negatives.ndim != 2 or negatives.shape[0] != target.shape[0]:
            raise ValueError(
                "target must have shape (B,) and negatives (B, K) with the same B; "
                f"got {tuple(target.shape)} and {tuple(negatives.shape)}."
            )
        words = torch.cat([target[:, None], negatives], dim=1)  # (B, K+1)
        labels = torch.zeros(words.shape, dtype=torch.float32, device=words.device)  # (B, K+1)
        labels[:, 0] = 1.0
        valid = torch.ones_like(labels)
        valid[:, 1:] = (negatives != target[:, None]).float()  # word2vec skips a noise word equal to the target
        return words, labels, valid

    @staticmethod
    def _loss(s: Any, labels: Any, valid: Any) -> Any:
        # -log sigma(s) for the real pair, -log sigma(-s) for each noise word:  (B,)
        sign = 2.0 * labels - 1.0  # +1 for the real pair, -1 for noise
        return -(F.logsigmoid(sign * s) * valid).sum(dim=1)

    def vectors(self) -> np.ndarray:
        """The input vectors :math:`v_w` as a ``(V, D)`` float32 NumPy array (the word vectors)."""
        return self.in_embed.weight.detach().cpu().numpy().astype(np.float32, copy=True)


class SkipGram(_Word2VecBase):
    r"""Skip-gram with negative sampling (SGNS), Mikolov et al. (2013).

    For a centre word :math:`c`, an observed context word :math:`o` and :math:`K`
    noise words :math:`n_1, \dots, n_K \sim P_n`, the loss is

    .. math::
        L = -\log \sigma(u_o^\top v_c) - \sum_{k=1}^{K} \log \sigma(-u_{n_k}^\top v_c)

    where :math:`v_c \in \mathbb{R}^D` is the input vector of :math:`c`, :math:`u_w`
    the output vector of :math:`w` and :math:`\sigma(x) = 1 / (1 + e^{-x})`. With
    :math:`s_k = u_k^\top v_c` and labels :math:`y_o = 1`, :math:`y_{n_k} = 0`, its
    gradients are

    .. math::
        \frac{\partial L}{\partial u_k} = (\sigma(s_k) - y_k)\, v_c, \qquad
        \frac{\partial L}{\partial v_c} = \sum_k (\sigma(s_k) - y_k)\, u_k .

    :meth:`sgd_step` applies exactly these, summed over a batch of pairs (the
    batched equivalent of word2vec's one-pair-at-a-time updates); :meth:`forward`
    gives the same loss for autograd.

    Args:
        vocab_size: :math:`|V|`.
        dim: :math:`D`, the embedding dimension.
        seed: seed of the initialisation (``None``: torch's global generator).

    Shapes:
        centre ``(B,)``, context ``(B,)``, negatives ``(B, K)`` integer tensors of word ids;
        the loss is ``(B,)``.

    Initialisation: input vectors uniform in :math:`[-0.5/D, 0.5/D)`, output vectors
    zero, as in word2vec and gensim.

    Example:
        >>> import torch
        >>> model = SkipGram(10, 4, seed=0)
        >>> loss = model(torch.tensor([1, 2]), torch.tensor([3, 4]), torch.tensor([[5, 6], [7, 8]]))
        >>> loss.shape, round(float(loss[0].detach()), 4)  # zero output vectors: 3 log 2
        (torch.Size([2]), 2.0794)
    """

    def forward(self, centre: Any, context: Any, negatives: Any) -> Any:
        self._check_batch(centre, context, negatives, ("centre", "context"))
        words, labels, valid = self._targets(context, negatives)  # (B, K+1)
        v = self.in_embed(centre)  # (B, D)
        u = self.out_embed(words)  # (B, K+1, D)
        s = (u @ v[:, :, None]).squeeze(-1)  # (B, K+1, D) @ (B, D, 1) -> (B, K+1)
        return self._loss(s, labels, valid)

    def sgd_step(self, centre: Any, context: Any, negatives: Any, lr: float) -> float:
        """One SGD step on the summed loss of the batch with the hand-derived gradients.

        ``lr`` must be a finite number >= 0 (a NaN or infinite step would turn every weight
        it touches into NaN). Returns the summed loss of the batch before the step.
        """
        lr = check_float(lr, "lr", minimum=0.0)
        self._check_batch(centre, context, negatives, ("centre", "context"))
        with torch.no_grad():
            words, labels, valid = self._targets(context, negatives)  # (B, K+1)
            W_in, W_out = self.in_embed.weight, self.out_embed.weight  # (V, D) each
            B, K1 = words.shape
            # index_select and scatter_add_ are several times faster on CPU than W[idx] and index_add_
            v = W_in.index_select(0, centre)  # (B, D)
            u = W_out.index_select(0, words.reshape(-1)).view(B, K1, self.dim)  # (B, K+1, D)
            s = torch.bmm(u, v[:, :, None]).squeeze(-1)  # s_k = u_k . v_c   (B, K+1)
            loss = float(self._loss(s, labels, valid).sum())
            g = (torch.sigmoid(s) - labels) * valid * (-lr)  # -lr dL/ds   (B, K+1)
            step_v = (g[:, :, None] * u).sum(dim=1)  # -lr sum_k g_k u_k   (B, D)
            step_u = (g[:, :, None] * v[:, None, :]).view(B * K1, self.dim)  # -lr g_k v_c   (B (K+1), D)
            W_out.scatter_add_(0, words.reshape(-1, 1).expand(-1, self.dim), step_u)
            W_in.scatter_add_(0, centre[:, None].expand(-1, self.dim), step_v)
        return loss


class CBOW(_Word2VecBase):
    r"""Continuous bag of words with negative sampling, Mikolov et al. (2013).

    The context words :math:`C_t` of a centre word :math:`w_t` are averaged,
    :math:`h = \frac{1}{|C_t|} \sum_{j \in C_t} v_j`, and :math:`h` takes the place of
    :math:`v_c` in the skip-gram loss:

    .. math::
        L = -\log \sigma(u_{w_t}^\top h) - \sum_{k=1}^{K} \log \sigma(-u_{n_k}^\top h) .

    :meth:`sgd_step` follows word2vec.c and gensim (``cbow_mean=1``): every context
    word receives the full :math:`\partial L / \partial h`, not the exact
    :math:`\frac{1}{|C_t|} \partial L / \partial h`; this is the update whose vectors
    we compare with gensim's.

    Shapes:
        context ``(B, C)`` word ids, padded; mask ``(B, C)`` bool, true for real
        context words (default all true); centre ``(B,)``; negatives ``(B, K)``.
        The loss is ``(B,)``.

    Example:
        >>> import torch
        >>> model = CBOW(10, 4, seed=0)
        >>> model(torch.tensor([[1, 2]]), torch.tensor([3]), torch.tensor([[5, 6]])).shape
        torch.Size([1])
    """

    @staticmethod
    def _mask(context: Any, mask: Any) -> Any:
        if context.ndim != 2:
            raise ValueError(f"context must have shape (B, C); got {tuple(context.shape)}.")
        if mask is None:
            mask = torch.ones(context.shape, dtype=torch.bool, device=context.device)
        if tuple(mask.shape) != tuple(context.shape):
            raise ValueError(f"mask must have the shape of context {tuple(context.shape)}; got {tuple(mask.shape)}.")
        if not bool(mask.any(dim=1).all()):
            raise ValueError("every row of mask needs at least one true entry (a centre word needs context).")
        return mask

    def _hidden(self, context: Any, mask: Any, W_in: Any) -> tuple[Any, Any]:
        m = mask.to(W_in.dtype)  # (B, C)
        count = m.sum(dim=1, keepdim=True)  # (B, 1)
        rows = W_in.index_select(0, context.reshape(-1)).view(*context.shape, self.dim)  # (B, C, D)
        h = (rows * m[:, :, None]).sum(dim=1) / count  # (B, D)
        return h, m

    def forward(self, context: Any, centre: Any, negatives: Any, mask: Any = None) -> Any:
        self._check_batch(context, centre, negatives, ("context", "centre"))
        mask = self._mask(context, mask)
        words, labels, valid = self._targets(centre, negatives)  # (B, K+1)
        m = mask.to(self.in_embed.weight.dtype)
        h = (self.in_embed(context) * m[:, :, None]).sum(dim=1) / m.sum(dim=1, keepdim=True)  # (B, D)
        u = self.out_embed(words)  # (B, K+1, D)
        s = (u @ h[:, :, None]).squeeze(-1)  # (B, K+1)
        return self._loss(s, labels, valid)

    def sgd_step(self, context: Any, centre: Any, negatives: Any, lr: float, mask: Any = None) -> float:
        """One word2vec-style SGD step on a batch; returns the summed loss before the step.

        ``lr`` must be a finite number >= 0 (a NaN or infinite step would turn every weight
        it touches into NaN).
        """
        lr = check_float(lr, "lr", minimum=0.0)
        self._check_batch(context, centre, negatives, ("context", "centre"))
        with torch.no_grad():
            mask = self._mask(context, mask)
            words, labels, valid = self._targets(centre, negatives)  # (B, K+1)
            W_in, W_out = self.in_embed.weight, self.out_embed.weight  # (V, D) each
            B, K1 = words.shape
            h, m = self._hidden(context, mask, W_in)  # (B, D), (B, C)
            u = W_out.index_select(0, words.reshape(-1)).view(B, K1, self.dim)  # (B, K+1, D)
            s = torch.bmm(u, h[:, :, None]).squeeze(-1)  # (B, K+1)
            loss = float(self._loss(s, labels, valid).sum())
            g = (torch.sigmoid(s) - labels) * valid * (-lr)  # -lr dL/ds   (B, K+1)
            step_h = (g[:, :, None] * u).sum(dim=1)  # (B, D)
            step_u = (g[:, :, None] * h[:, None, :]).view(B * K1, self.dim)  # (B (K+1), D)
            W_out.scatter_add_(0, words.reshape(-1, 1).expand(-1, self.dim), step_u)
            rows = step_h[:, None, :].expand(-1, context.shape[1], -1)[mask]  # (n_context_words, D)
            W_in.scatter_add_(0, context[mask][:, None].expand(-1, self.dim), rows)
        return loss
