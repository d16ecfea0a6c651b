"""Word-embedding widgets (chapter 5): the training pairs a window makes, and analogies.

- :func:`window_pairs_view` / :func:`window_explorer`: a sentence, a window size and a
  centre word; shows which neighbours the centre word predicts and counts all pairs.
- :func:`analogy_view` / :func:`analogy_explorer`: pick ``a``, ``b``, ``c``; see the top
  answers of ``b - a + c`` with their cosines and a 2-D PCA picture of the four vectors.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .._validation import check_int, check_type

__all__ = [
    "window_pairs_view",
    "render_window_pairs",
    "summarize_window_pairs",
    "window_explorer",
    "window_figure",
    "analogy_view",
    "render_analogy",
    "summarize_analogy",
    "analogy_explorer",
    "analogy_figure",
]

FOX = "the quick brown fox jumps over the lazy dog"
#: The window picture shows at most this many positions on each side of the centre word.
SHOWN_AROUND = 8


def window_pairs_view(sentence: str = FOX, window: int = 2, centre: int = 0) -> dict[str, Any]:
    r"""The skip-gram pairs of ``sentence`` for a window size, focused on one centre word.

    Returns:
        dict with ``tokens``, ``window``, ``centre`` (position), ``context_positions``
        (positions inside the window), ``centre_pairs`` (the centre word's pairs),
        ``pairs`` (all pairs of the sentence, from
        :func:`dlcourse.embeddings.skipgram_pairs`) and ``n_pairs``.

    Example:
        >>> out = window_pairs_view(window=2, centre=3)
        >>> out["centre_pairs"]
        [('fox', 'quick'), ('fox', 'brown'), ('fox', 'jumps'), ('fox', 'over')]
    """
    from ..embeddings import skipgram_pairs

    check_type(sentence, "sentence", str)
    tokens = sentence.split()
    if not tokens:
        raise ValueError("sentence must contain at least one word; got an empty string.")
    window = check_int(window, "window", minimum=1)
    centre = check_int(centre, "centre", minimum=0, maximum=len(tokens) - 1)
    context = [j for j in range(max(0, centre - window), min(len(tokens), centre + window + 1)) if j != centre]
    return {
        "tokens": tokens,
        "window": window,
        "centre": centre,
        "context_positions": context,
        "centre_pairs": [(tokens[centre], tokens[j]) for j in context],
        "pairs": skipgram_pairs(tokens, window),
        "n_pairs": len(skipgram_pairs(tokens, window)),
    }


def render_window_pairs(result: Mapping[str, Any], ax: Any) -> None:
    """Tokens as boxes (centre orange, context blue) with an arrow to each context word."""
    from .tokenizer import _label

    tokens, c = result["tokens"], result["centre"]
    context = set(result["context_positions"])
    # a long sentence: only the positions around the centre word (the rest cannot be read)
    first = max(0, min(c - SHOWN_AROUND, len(tokens) - 2 * SHOWN_AROUND - 1))
    last = min(len(tokens), first + 2 * SHOWN_AROUND + 1)
    for i in range(first, last):
        colour = "C1" if i == c else ("C0" if i in context else "0.85")
        ax.text(i, 0, _label(tokens[i], i), ha="center", va="center", fontsize=8, rotation=0,
                color="white" if (i == c or i in context) else "black",
                bbox={"boxstyle": "round,pad=0.3", "facecolor": colour, "edgecolor": "none"})
    for j in context:
        ax.annotate("", xy=(j, 0.25), xytext=(c, 0.25),
                    arrowprops={"arrowstyle": "->", "color": "C0",
                                "connectionstyle": f"arc3,rad={-0.35 if j > c else 0.35}"})
    ax.set_xlim(first - 0.7, last - 0.3)
    ax.set_ylim(-0.6, 1.4)
    ax.set_yticks([])
    ax.set_xticks(range(first, last))
    shown = "" if (first, last) == (0, len(tokens)) else f" (positions {first}-{last - 1} of {len(tokens)})"
    ax.set_xlabel(f"position t in the sentence{shown}")
    ax.set_title(f"window m = {result['window']}: '{_label(tokens[c], c)}' predicts {len(context)} words; "
                 f"{result['n_pairs']} pairs in all", fontsize=9)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)


def summarize_window_pairs(result: Mapping[str, Any]) -> str:
    """HTML list of the centre word's pairs."""
    import html

    items = ", ".join(f"({html.escape(a)}, {html.escape(b)})" for a, b in result["centre_pairs"])
    return f"<p>pairs of the centre word: {items}</p><p>all pairs of the sentence: {result['n_pairs']}</p>"


def window_explorer(sentence: str = FOX, window: int = 2, centre: int = 3) -> Any:
    """A sentence box, a window-size slider and a centre-position slider.

    ``explorer.controls["window"].value = 3`` changes the window from code;
    ``explorer.result`` holds the numbers of :func:`window_pairs_view`.
    """
    import ipywidgets as widgets

    from ._base import Explorer

    first = window_pairs_view(sentence, window, centre)  # validates the arguments
    style = {"description_width": "initial"}
    controls = {
        "sentence": widgets.Text(value=sentence, description="sentence", continuous_update=False, style=style,
                                 layout=widgets.Layout(width="420px")),
        "window": widgets.IntSlider(value=first["window"], min=1, max=5, description="window m",
                                    continuous_update=False, style=style),
        "centre": widgets.IntSlider(value=first["centre"], min=0, max=len(first["tokens"]) - 1,
                                    description="centre t", continuous_update=False, style=style),
    }

    def compute(sentence: str, window: int, centre: int) -> dict[str, Any]:
        n = max(1, len(sentence.split()))
        controls["centre"].max = n - 1
        return window_pairs_view(sentence, window, min(centre, n - 1))

    return Explorer(controls, compute, render_window_pairs, summarize_window_pairs,
                    title="Skip-gram training pairs", figsize=(6.5, 2.2))


def window_figure(sentence: str = FOX, windows: Sequence[int] = (1, 2, 3), centre: int = 3) -> Any:
    """Static companion of :func:`window_explorer`: one centre word at several window sizes."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(windows), 1, figsize=(7.5, 1.7 * len(windows)), squeeze=False)
    for ax, m in zip(axes[:, 0], windows):
        render_window_pairs(window_pairs_view(sentence, m, centre), ax)
    fig.tight_layout()
    return fig


def analogy_view(vectors: Any, a: str, b: str, c: str, topn: int = 5) -> dict[str, Any]:
    r"""Answer "a is to b as c is to ?" and project the four vectors to 2-D.

    The answers are :meth:`~dlcourse.embeddings.WordVectors.analogy` (3CosAdd). The
    picture uses the unit vectors :math:`\hat e_a, \hat e_b, \hat e_c, \hat e_d` of the
    three query words and the best answer :math:`d`, centred and projected on their two
    leading principal components (PCA by SVD). If the analogy holds, the arrows
    :math:`a \to b` and :math:`c \to d` are nearly parallel and of equal length.

    Returns:
        dict with ``words`` ``[a, b, c, d]``, ``answers`` ``[(word, cosine), ...]``,
        ``points`` ``(4, 2)`` PCA coordinates and ``explained`` (the share of variance
        the two components keep).
    """
    from ..embeddings import WordVectors

    check_type(vectors, "vectors", WordVectors)
    topn = check_int(topn, "topn", minimum=1)
    answers = vectors.analogy(a, b, c, topn=topn)
    d = answers[0][0]
    E = np.stack([vectors.normed[vectors.key_to_index[w]] for w in (a, b, c, d)]).astype(np.float64)  # (4, D)
    X = E - E.mean(axis=0)  # (4, D)
    U, S, Vt = np.linalg.svd(X, full_matrices=False)
    points = X @ Vt[:2].T  # (4, 2)
    explained = float((S[:2] ** 2).sum() / (S**2).sum()) if S.sum() > 0 else 1.0
    return {"words": [a, b, c, d], "answers": answers, "points": points, "explained": explained}


def render_analogy(result: Mapping[str, Any], ax: Any) -> None:
    """The four words in the PCA plane, arrows a -> b and c -> d."""
    P = result["points"]
    a, b, c, d = result["words"]
    ax.scatter(P[:, 0], P[:, 1], c=["C0", "C0", "C1", "C1"], s=30, zorder=3)
    for (i, j), colour in (((0, 1), "C0"), ((2, 3), "C1")):
        ax.annotate("", xy=P[j], xytext=P[i], arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.5})
    for word, (x, y) in zip(result["words"], P):
        ax.annotate(word, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=9)
    ax.set_xlabel("principal component 1")
    ax.set_ylabel("principal component 2")
    pad = 0.25 * max(1e-9, float(np.ptp(P)))
    ax.set_xlim(P[:, 0].min() - pad, P[:, 0].max() + pad)
    ax.set_ylim(P[:, 1].min() - pad, P[:, 1].max() + pad)
    ax.set_title(f"{a} : {b} = {c} : {d}  (cos {result['answers'][0][1]:.2f})", fontsize=9)


def summarize_analogy(result: Mapping[str, Any]) -> str:
    """HTML table of the top answers and their cosines."""
    import html

    rows = "".join(f"<tr><td style='padding:2px 8px'>{i + 1}</td><td style='padding:2px 8px'>{html.escape(w)}</td><td style='padding:2px 8px'>{s:.3f}</td></tr>"
                   for i, (w, s) in enumerate(result["answers"]))
    return f"<table style='border-collapse:collapse'><tr><th style='padding:2px 8px;text-align:left'>rank</th><th style='padding:2px 8px;text-align:left'>answer</th><th style='padding:2px 8px;text-align:left'>cosine</th></tr>{rows}</table>"


def analogy_explorer(vectors: Any, a: str = "man", b: str = "king", c: str = "woman",
                     words: Sequence[str] | None = None, topn: int = 5) -> Any:
    """Three drop-down menus (a, b, c) over ``words`` (default: the whole vocabulary).

    ``explorer.controls["c"].value = "girl"`` changes a word from code;
    ``explorer.result`` holds the numbers of :func:`analogy_view`.
    """
    import ipywidgets as widgets

    from ._base import Explorer

    analogy_view(vectors, a, b, c, topn)  # validates the arguments
    options = sorted(words if words is not None else vectors.words)
    for w in (a, b, c):
        if w not in options:
            raise ValueError(f"the start word {w!r} must be one of words; add it or choose another.")
    controls = {name: widgets.Dropdown(options=options, value=w, description=name, layout=widgets.Layout(width="200px"))
                for name, w in (("a", a), ("b", b), ("c", c))}

    def compute(a: str, b: str, c: str) -> dict[str, Any]:
        return analogy_view(vectors, a, b, c, topn)

    return Explorer(controls, compute, render_analogy, summarize_analogy,
                    title="a is to b as c is to ?", figsize=(4.2, 3.4))


def analogy_figure(vectors: Any, questions: Sequence[Sequence[str]]) -> Any:
    """Static companion of :func:`analogy_explorer`: several ``(a, b, c)`` questions side by side."""
    from ._base import companion_figure

    return companion_figure(lambda a, b, c: analogy_view(vectors, a, b, c), render_analogy,
                            [{"a": q[0], "b": q[1], "c": q[2]} for q in questions], panel_size=(3.6, 3.2))
