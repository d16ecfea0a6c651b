"""The attention-weight explorer (chapter 10).

A query vector in the plane is compared with four key vectors; the scores go
through a softmax (at a temperature) and the weights average the value vectors
into the context vector. Sliders move the query, a dropdown picks the score
function, and the "by hand" mode lets the reader set the weights directly (they
are normalised to sum to 1) to see where the context vector can and cannot go:
always inside the convex hull of the values.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .._validation import check_choice, check_float

__all__ = [
    "DEMO_KEYS",
    "DEMO_VALUES",
    "DEMO_PARAMS",
    "WIDGET_SCORES",
    "attention_weights_2d",
    "render_attention",
    "summarize_attention",
    "attention_explorer",
    "attention_figure",
]

DEMO_KEYS = np.array([[2.0, 0.4], [0.3, 1.8], [-1.6, 0.6], [0.2, -1.7]])
"""Four keys in the plane (rows), named :math:`k_1..k_4` in the chapter."""

DEMO_VALUES = DEMO_KEYS.copy()
"""The values default to the keys, as for encoder states (:math:`k_i = v_i = h_i`)."""

DEMO_PARAMS: dict[str, dict[str, np.ndarray]] = {
    "general": {"W": np.array([[0.5, 1.0], [-1.0, 0.5]])},
    "additive": {
        "W": np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0], [1.0, -1.0, -1.0, 1.0]]),
        "v": np.array([1.0, 1.0, 0.5]),
    },
}
"""Fixed (not learned) parameters of the general and additive scores in the widget."""

WIDGET_SCORES = ("dot", "scaled_dot", "general", "additive", "by hand")


def attention_weights_2d(
    query: Sequence[float] = (1.0, 0.5),
    score: str = "dot",
    temperature: float = 1.0,
    manual_weights: Sequence[float] | None = None,
    keys: Any = None,
    values: Any = None,
) -> dict[str, Any]:
    r"""Scores, weights and context vector of one query against a few keys in the plane.

    .. math::
        \alpha_i = \frac{\exp(e_i / T)}{\sum_j \exp(e_j / T)}, \qquad c = \sum_i \alpha_i v_i

    where :math:`e_i = \operatorname{score}(q, k_i)` (computed by
    :func:`dlcourse.attention.attention` with the parameters in :data:`DEMO_PARAMS`),
    :math:`T > 0` the temperature and :math:`c` the context vector. With
    ``score="by hand"`` the scores are not used: :math:`\alpha = w / \sum_j w_j` for
    the non-negative ``manual_weights`` :math:`w` (uniform if they are all 0).

    Returns
    -------
    dict with ``query`` (2,), ``keys`` (K, 2), ``values`` (K, 2), ``score``,
    ``temperature``, ``scores`` (K,) (NaN in the by-hand mode), ``weights`` (K,),
    ``context`` (2,), ``entropy`` (nats) and ``argmax``.
    """
    import torch

    from ..attention import SCORES, attention

    check_choice(score, "score", WIDGET_SCORES)
    T = check_float(temperature, "temperature", minimum=0.0, strict_minimum=True)
    q = np.asarray(query, dtype=float)
    K = np.asarray(DEMO_KEYS if keys is None else keys, dtype=float)
    V = np.asarray(K if values is None and keys is not None else (DEMO_VALUES if values is None else values), dtype=float)
    if q.shape != (2,):
        raise ValueError(f"query must be a point in the plane, shape (2,); got {q.shape}.")
    if K.ndim != 2 or K.shape[1] != 2 or V.shape != K.shape:
        raise ValueError(f"keys and values must both have shape (K, 2); got keys {K.shape} and values {V.shape}.")
    if score == "by hand":
        if manual_weights is None:
            raise ValueError("manual_weights are needed when score='by hand'; pass one non-negative number per key.")
        w = np.asarray(manual_weights, dtype=float)
        if w.shape != (K.shape[0],) or (w < 0).any() or not np.isfinite(w).all():
            raise ValueError(f"manual_weights must be {K.shape[0]} non-negative numbers; got {w.tolist()}.")
        weights = w / w.sum() if w.sum() > 0 else np.full(K.shape[0], 1.0 / K.shape[0])
        scores = np.full(K.shape[0], np.nan)
        context = weights @ V
    else:
        params = {name: torch.as_tensor(p) for name, p in DEMO_PARAMS.get(score, {}).items()}
        qt, Kt, Vt = (torch.as_tensor(a) for a in (q, K, V))
        scores_t = SCORES[score](qt, Kt, **params)  # (K,) the scores e_i

        def tempered(qq: Any, kk: Any, **p: Any) -> Any:
            return SCORES[score](qq, kk, **p) / T  # e_i / T

        context_t, weights_t = attention(qt, Kt, Vt, tempered, **params)
        weights, context, scores = weights_t.numpy(), context_t.numpy(), scores_t.numpy()
    nonzero = weights[weights > 0]
    return {
        "query": q,
        "keys": K,
        "values": V,
        "score": score,
        "temperature": T,
        "scores": scores,
        "weights": weights,
        "context": context,
        "entropy": float(-(nonzero * np.log(nonzero)).sum()),
        "argmax": int(np.argmax(weights)),
    }


def render_attention(result: Mapping[str, Any], ax: Any) -> None:
    """Draw values, keys, query and context in the plane, and the weights as bars beside it."""
    from mpl_toolkits.axes_grid1 import make_axes_locatable

    K, V, q, c, w = (result[k] for k in ("keys", "values", "query", "context", "weights"))
    n = len(w)
    colours = [f"C{i}" for i in range(n)]
    ax.axhline(0, color="0.85", lw=0.8)
    ax.axvline(0, color="0.85", lw=0.8)
    same = np.allclose(K, V)
    for i in range(n):
        ax.scatter(*V[i], s=40 + 400 * w[i], color=colours[i], alpha=0.8, zorder=3)
        ax.annotate(f"$v_{i + 1}$" if not same else f"$h_{i + 1}$", V[i], textcoords="offset points",
                    xytext=(10, 8), fontsize=9)  # clear of the context star when c sits on a state
        ax.plot([c[0], V[i][0]], [c[1], V[i][1]], color=colours[i], lw=0.5 + 3 * w[i], alpha=0.5)
        if not same:
            ax.scatter(*K[i], marker="x", color=colours[i])
    if result["score"] != "by hand":
        ax.annotate("", xy=q, xytext=(0, 0), arrowprops={"arrowstyle": "->", "color": "black", "lw": 1.5})
        # the label sits beside the middle of the arrow's shaft, on the side turned clockwise from q,
        # so it covers neither a state nor the context star (which lies in the direction of q)
        qa = np.asarray(q, dtype=float)
        side = np.array([qa[1], -qa[0]]) / max(float(np.linalg.norm(qa)), 1e-9)
        ax.annotate("query $q$", 0.5 * qa, textcoords="offset points", xytext=tuple(10 * side), fontsize=9,
                    ha="left" if side[0] >= 0 else "right", va="bottom" if side[1] >= 0 else "top")
    ax.scatter(*c, marker="*", s=170, color="crimson", edgecolor="black", zorder=4, label="context $c$")
    lim = max(2.9, float(np.abs(np.vstack([K, V, q[None], c[None]])).max()) + 0.9)  # room for the labels
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("dimension 1")
    ax.set_ylabel("dimension 2")
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    title = "weights set by hand" if result["score"] == "by hand" else f"{result['score']} score, T = {result['temperature']:.2g}"
    ax.set_title(title, fontsize=9)
    bars = make_axes_locatable(ax).append_axes("right", size="70%", pad=0.6)
    bars.bar(range(n), w, color=colours)
    for i, value in enumerate(w):
        bars.text(i, value + 0.02, f"{value:.2f}", ha="center", fontsize=8)
    bars.set_xticks(range(n))
    bars.set_xticklabels([f"{i + 1}" for i in range(n)])
    bars.set_ylim(0, 1.12)
    bars.set_xlabel("source position $i$")
    bars.set_ylabel(r"weight $\alpha_i$")


def summarize_attention(result: Mapping[str, Any]) -> str:
    """A small HTML table of scores and weights, and the context vector."""
    rows = "".join(
        f"<tr><td style='padding:2px 8px'>{i + 1}</td><td style='padding:2px 8px'>{'-' if np.isnan(e) else f'{e:.3f}'}</td><td style='padding:2px 8px'>{a:.3f}</td></tr>"
        for i, (e, a) in enumerate(zip(result["scores"], result["weights"]))
    )
    c = result["context"]
    return (
        "<table style='border-collapse:collapse'><tr><th style='padding:2px 8px;text-align:left'>i</th><th style='padding:2px 8px;text-align:left'>score e<sub>i</sub></th><th style='padding:2px 8px;text-align:left'>weight &alpha;<sub>i</sub></th></tr>"
        f"{rows}</table><p>context c = ({c[0]:.3f}, {c[1]:.3f}); entropy {result['entropy']:.3f} nats</p>"
    )


def attention_explorer(query: Sequence[float] = (1.0, 0.5), score: str = "dot", temperature: float = 1.0) -> Any:
    """The attention-weight explorer: query sliders, a score dropdown, a temperature, hand-set weights.

    Controls: ``qx``, ``qy`` (the query), ``score`` (one of :data:`WIDGET_SCORES`),
    ``temperature`` and ``w1``..``w4`` (used only when ``score == "by hand"``).
    Returns an :class:`~dlcourse.widgets.Explorer`; ``explorer.result`` holds the
    output of :func:`attention_weights_2d` for the current controls.
    """
    import ipywidgets as widgets

    from ._base import Explorer

    first = attention_weights_2d(query, score, temperature, manual_weights=(1.0, 1.0, 1.0, 1.0))
    style = {"description_width": "initial"}
    slider = lambda value, lo, hi, desc: widgets.FloatSlider(  # noqa: E731
        value=float(value), min=lo, max=hi, step=0.1, description=desc, continuous_update=False, style=style)
    controls: dict[str, Any] = {
        "qx": slider(first["query"][0], -3.0, 3.0, "query q[1]"),
        "qy": slider(first["query"][1], -3.0, 3.0, "query q[2]"),
        "score": widgets.Dropdown(options=list(WIDGET_SCORES), value=score, description="score", style=style),
        "temperature": widgets.FloatLogSlider(value=first["temperature"], base=10, min=-1.0, max=1.0, step=0.05,
                                              description="temperature T", continuous_update=False, style=style),
    }
    for i in range(len(DEMO_KEYS)):
        controls[f"w{i + 1}"] = slider(1.0, 0.0, 1.0, f"by hand: w{i + 1}")

    def compute(qx: float, qy: float, score: str, temperature: float, **w: float) -> dict[str, Any]:
        manual = [w[f"w{i + 1}"] for i in range(len(DEMO_KEYS))]
        return attention_weights_2d((qx, qy), score, temperature, manual_weights=manual)

    return Explorer(controls, compute, render_attention, summarize_attention,
                    title="Attention weights: query, scores, softmax, context", figsize=(7.5, 3.4))


def attention_figure(settings: Sequence[Mapping[str, Any]] | None = None) -> Any:
    """Static companion of :func:`attention_explorer`: the same view at a few settings."""
    from ._base import companion_figure

    if settings is None:
        settings = [
            {"query": (1.0, 0.5), "score": "dot", "temperature": 1.0},
            {"query": (1.0, 0.5), "score": "dot", "temperature": 0.2},
            {"query": (-1.0, -1.5), "score": "dot", "temperature": 1.0},
        ]
    return companion_figure(attention_weights_2d, render_attention, settings, panel_size=(5.4, 3.2),
                            suptitle="One query, four encoder states: weights and context vector")
