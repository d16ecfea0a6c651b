"""Training pairs of Word2Vec: what a centre word predicts (skip-gram) or is predicted from (CBOW)."""
from __future__ import annotations

from typing import Hashable, Sequence, TypeVar

import numpy as np

from .._validation import check_int, check_type

__all__ = ["skipgram_pairs", "cbow_pairs"]

T = TypeVar("T", bound=Hashable)


def _check_tokens(tokens: Sequence[T]) -> list[T]:
    if isinstance(tokens, str):
        raise TypeError(
            f"tokens must be a sequence of tokens, not one string; got {tokens!r:.60}. "
            "Split it first, e.g. tokens = text.split()."
        )
    check_type(tokens, "tokens", (list, tuple))
    tokens = list(tokens)
    words = bool(tokens) and isinstance(tokens[0], str)
    for k, t in enumerate(tokens):
        ok = isinstance(t, str) if words else isinstance(t, (int, np.integer)) and not isinstance(t, bool)
        if not ok:
            kind = "strings (words)" if words else "integers (word ids)"
            raise TypeError(
                f"tokens must all be strings (words) or all integers (word ids); tokens[{k}] is "
                f"{type(t).__name__} ({t!r:.30}) among {kind}. Encode or clean the sentence first."
            )
    return tokens


def skipgram_pairs(tokens: Sequence[T], window: int = 2) -> list[tuple[T, T]]:
    r"""Every (centre, context) pair of a skip-gram model, in reading order.

    For the centre word at position :math:`t` the context words are the tokens at
    positions :math:`t + j` with :math:`-m \le j \le m`, :math:`j \ne 0`, that exist,
    where :math:`m` is the ``window``. Skip-gram maximises

    .. math::
        \frac{1}{T} \sum_{t=1}^{T} \sum_{-m \le j \le m,\, j \ne 0} \log p(w_{t+j} \mid w_t),

    one term per pair, so each pair is a separate training example: the centre word
    predicts up to :math:`2m` neighbours, each updated on its own.

    Args:
        tokens: the sentence as a list (or tuple) of tokens, length :math:`T`.
        window: :math:`m \ge 1`, how many words on each side count as context.

    Returns:
        ``[(centre, context), ...]``, centres in sentence order and, for each centre,
        its context words from left to right.

    Example:
        >>> skipgram_pairs("the quick brown fox".split(), window=2)[:5]
        [('the', 'quick'), ('the', 'brown'), ('quick', 'the'), ('quick', 'brown'), ('quick', 'fox')]
    """
    tokens = _check_tokens(tokens)
    window = check_int(window, "window", minimum=1)
    pairs = []
    for t, centre in enumerate(tokens):
        for j in range(max(0, t - window), min(len(tokens), t + window + 1)):
            if j != t:
                pairs.append((centre, tokens[j]))
    return pairs


def cbow_pairs(tokens: Sequence[T], window: int = 2) -> list[tuple[tuple[T, ...], T]]:
    r"""Every (context, centre) example of a CBOW model, in reading order.

    CBOW (continuous bag of words) predicts the centre word :math:`w_t` from the
    *average* of its context vectors, the same :math:`2m` neighbours skip-gram uses:

    .. math::
        \log p\!\left(w_t \;\middle|\; \bar v_t\right), \qquad
        \bar v_t = \frac{1}{|C_t|} \sum_{j \in C_t} v_{w_{t+j}},

    where :math:`C_t = \{j : -m \le j \le m,\ j \ne 0,\ t + j \text{ inside the sentence}\}`
    and :math:`v_w` is the input vector of word :math:`w`. One example per centre word.

    Args:
        tokens: the sentence as a list (or tuple) of tokens.
        window: :math:`m \ge 1`.

    Returns:
        ``[(context_tuple, centre), ...]``; the context keeps its left-to-right order
        (order does not matter to CBOW: it averages).

    Example:
        >>> cbow_pairs("the quick brown fox".split(), window=1)[1]
        (('the', 'brown'), 'quick')
    """
    tokens = _check_tokens(tokens)
    window = check_int(window, "window", minimum=1)
    examples = []
    for t, centre in enumerate(tokens):
        context = tuple(tokens[j] for j in range(max(0, t - window), min(len(tokens), t + window + 1)) if j != t)
        if context:
            examples.append((context, centre))
    return examples
