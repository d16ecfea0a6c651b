"""Tokeniser explorer (chapter 4): a sentence -> tokens -> vocabulary ids -> one-hot
rows and the bag-of-words vector."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping, Sequence

import numpy as np

from .._validation import check_choice, check_type

__all__ = ["tokenize_sentence", "render_tokens", "summarize_tokens", "tokenizer_explorer", "tokenizer_figure"]


def tokenize_sentence(
    text: str,
    method: str = "rule",
    lower: bool = False,
    specials: Sequence[str] = (),
) -> dict[str, Any]:
    r"""Everything the tokeniser explorer shows for ``text``.

    The vocabulary is built from the sentence itself (tokens in order of first
    appearance, after any ``specials``), so a token's id is its position in
    that list; ``one_hot`` has one row per token and ``bag_of_words`` counts
    each vocabulary word, the column sums of ``one_hot``.

    Returns:
        dict with ``text``, ``method``, ``tokens`` (list of str), ``vocab``
        (:class:`~dlcourse.text.Vocab`), ``ids`` (list of int), ``one_hot``
        ``(T, V)`` and ``bag_of_words`` ``(V,)`` (counts).

    Example:
        >>> out = tokenize_sentence("to be or not to be", method="whitespace")
        >>> out["ids"], out["bag_of_words"].tolist()
        ([0, 1, 2, 3, 0, 1], [2.0, 2.0, 1.0, 1.0])
    """
    from ..text import Vocab, bag_of_words, one_hot, tokenize

    check_type(text, "text", str)
    check_choice(method, "method", ("whitespace", "punctuation", "rule", "morpheme"))
    tokens = tokenize(text, method, lower=bool(lower))
    if tokens:
        vocab = Vocab.build([tokens], specials=specials, unk_token=None)
    else:  # an empty sentence: nothing to count
        vocab = Vocab([], specials=specials or ("<unk>",), unk_token=None)
    return {
        "text": text,
        "method": method,
        "tokens": tokens,
        "vocab": vocab,
        "ids": vocab.encode(tokens),
        "one_hot": one_hot(tokens, vocab),  # (T, V)
        "bag_of_words": bag_of_words(tokens, vocab, binary=False),  # (V,)
    }


#: The token picture shows at most this many tokens and vocabulary words.
MAX_SHOWN = 30
#: The token table lists at most this many tokens.
MAX_ROWS = 100


@lru_cache(maxsize=1)
def _font() -> Any:
    from matplotlib import font_manager, ft2font

    return ft2font.FT2Font(font_manager.findfont(font_manager.FontProperties()))


def _label(token: str, index: int) -> str:
    """The token if the plotting font can draw it (Hangul often not), else its id."""
    font = _font()
    if all(font.get_char_index(ord(ch)) for ch in token):
        return token
    return f"#{index}"


def render_tokens(result: Mapping[str, Any], ax: Any) -> None:
    """One-hot rows (one per token) and, below a gap, the bag-of-words row."""
    # a long text: the first MAX_SHOWN tokens and vocabulary words (more cannot be read)
    X = result["one_hot"][:MAX_SHOWN, :MAX_SHOWN]  # (T, V)
    bow = result["bag_of_words"][:MAX_SHOWN]  # (V,)
    T, V = X.shape
    grid = np.vstack([X, np.full((1, V), np.nan), bow[None, :]])  # (T + 2, V)
    vmax = max(1.0, float(bow.max()) if V else 1.0)
    ax.imshow(np.ma.masked_invalid(grid), cmap="Blues", vmin=0, vmax=vmax, aspect="auto")
    for j in range(V):
        ax.text(j, T + 1, f"{bow[j]:g}", ha="center", va="center", fontsize=7,
                color="white" if bow[j] > vmax / 2 else "black")
    itos = result["vocab"].itos[:V]
    ax.set_xticks(range(V))
    ax.set_xticklabels([_label(t, j) for j, t in enumerate(itos)], rotation=60, ha="right", fontsize=7)
    ax.set_yticks(list(range(T)) + [T + 1])
    ax.set_yticklabels([_label(t, i) for t, i in zip(result["tokens"][:T], result["ids"][:T])] + ["bag of words"], fontsize=7)
    ax.set_xlabel("vocabulary index (word)")
    ax.set_ylabel("token in sentence order")
    n_tokens, n_words = result["one_hot"].shape
    cut = " (the first {MAX_SHOWN} of each shown)" if (n_tokens, n_words) != (T, V) else ""
    ax.set_title(f"{result['method']}: {n_tokens} tokens, {n_words} vocabulary words{cut}", fontsize=9)


def summarize_tokens(result: Mapping[str, Any]) -> str:
    """HTML table of tokens and their ids."""
    import html

    rows = "".join(
        f"<tr><td style='padding:2px 8px'>{t}</td><td style='padding:2px 8px'>{html.escape(tok)}</td><td style='padding:2px 8px'>{i}</td></tr>"
        for t, (tok, i) in enumerate(zip(result["tokens"][:MAX_ROWS], result["ids"][:MAX_ROWS]))
    )
    more = len(result["tokens"]) - MAX_ROWS
    note = f"<p>and {more} more tokens</p>" if more > 0 else ""
    return f"<table style='border-collapse:collapse'><tr><th style='padding:2px 8px;text-align:left'>position</th><th style='padding:2px 8px;text-align:left'>token</th><th style='padding:2px 8px;text-align:left'>id</th></tr>{rows}</table>{note}"


def tokenizer_explorer(text: str = "Let's tokenize! Isn't this easy?", method: str = "rule") -> Any:
    """A text box, a method menu (``morpheme`` is the Korean analyser) and a case-folding box.

    Returns an :class:`~dlcourse.widgets.Explorer`; ``explorer.controls["method"].value
    = "whitespace"`` changes the method from code and ``explorer.result`` holds the
    numbers of :func:`tokenize_sentence`.
    """
    import ipywidgets as widgets

    from ._base import Explorer

    tokenize_sentence(text, method)  # validates the arguments
    style = {"description_width": "initial"}
    controls = {
        "text": widgets.Text(value=text, description="sentence", continuous_update=False, style=style,
                             layout=widgets.Layout(width="420px")),
        "method": widgets.Dropdown(options=["whitespace", "punctuation", "rule", "morpheme"], value=method,
                                   description="method", style=style),
        "lower": widgets.Checkbox(value=False, description="lower case"),
    }
    return Explorer(controls, tokenize_sentence, render_tokens, summarize_tokens,
                    title="Tokens, ids, one-hot rows and bag of words", figsize=(5.0, 3.6))


def tokenizer_figure(text: str = "Let's tokenize! Isn't this easy?",
                     methods: Sequence[str] = ("whitespace", "punctuation", "rule")) -> Any:
    """Static companion of :func:`tokenizer_explorer`: one sentence, several methods."""
    from ._base import companion_figure

    return companion_figure(tokenize_sentence, render_tokens, [{"text": text, "method": m} for m in methods],
                            panel_size=(3.9, 3.6), suptitle=f"One-hot rows and bag of words of {text!r}")
