"""Widgets of chapter 11: the positional-encoding explorer and the attention-head explorer.

Both follow :mod:`dlcourse.widgets._base`: a pure ``compute`` function
(:func:`positional_encoding_view`, :func:`attention_head`), a ``render`` on one Axes
(which it splits into a heatmap and a line/bar panel underneath), a builder
(:func:`positional_encoding_explorer`, :func:`attention_head_explorer`) and a static
companion figure (:func:`positional_encoding_figure`, :func:`attention_head_figure`).
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .._validation import check_choice, check_int

__all__ = [
    "positional_encoding_view",
    "render_positional_encoding",
    "positional_encoding_explorer",
    "positional_encoding_figure",
    "ATTENTION_KINDS",
    "attention_head",
    "render_attention_head",
    "attention_head_explorer",
    "attention_head_figure",
]


def _split(ax: Any, size: str = "45%") -> Any:
    """Add a second Axes under ``ax`` (works on any figure, also the widget's off-screen one)."""
    from mpl_toolkits.axes_grid1 import make_axes_locatable

    return make_axes_locatable(ax).append_axes("bottom", size=size, pad=0.55)


# ---------------------------------------------------------------------------- positional encoding
def positional_encoding_view(
    position: int = 10, dimension: int = 4, max_len: int = 64, d_model: int = 32
) -> dict[str, Any]:
    """Everything the positional-encoding explorer shows, as numbers.

    Returns a dict with ``pe`` ``(max_len, d_model)`` (:func:`dlcourse.transformer.positional_encoding`),
    ``position`` and ``dimension`` (the sliders), ``vector`` (the encoding of ``position``),
    ``column`` (dimension ``dimension`` over all positions), ``wavelength`` of that
    dimension in positions (:math:`2\\pi \\cdot 10000^{2i/d_{model}}`), and ``similarity``:
    the cosine similarity of ``position``'s encoding with every position's, ``(max_len,)``.
    """
    from ..transformer import positional_encoding

    max_len = check_int(max_len, "max_len", minimum=2)
    d_model = check_int(d_model, "d_model", minimum=2)
    position = check_int(position, "position", minimum=0, maximum=max_len - 1)
    dimension = check_int(dimension, "dimension", minimum=0, maximum=d_model - 1)
    pe = positional_encoding(max_len, d_model).double().numpy()  # (max_len, d_model)
    vector = pe[position]
    norms = np.linalg.norm(pe, axis=1) * np.linalg.norm(vector)
    similarity = pe @ vector / norms  # (max_len,) cosine similarity
    i = dimension // 2
    return {
        "pe": pe,
        "position": position,
        "dimension": dimension,
        "vector": vector,
        "column": pe[:, dimension],
        "wavelength": float(2 * np.pi * 10000 ** (2 * i / d_model)),
        "similarity": similarity,
        "nearest_other": int(np.argsort(-similarity)[1]),
    }


def render_positional_encoding(result: Mapping[str, Any], ax: Any) -> None:
    """Heatmap of the encoding (position on x, dimension on y) and the similarity curve below."""
    pe = result["pe"]
    image = ax.imshow(pe.T, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1, origin="lower")
    ax.axvline(result["position"], color="black", lw=1.2)
    ax.axhline(result["dimension"], color="black", lw=0.8, ls="--")
    ax.set_xlabel("position pos")
    ax.set_ylabel("dimension")
    ax.set_title(
        f"PE at pos {result['position']}; dim {result['dimension']} has wavelength {result['wavelength']:.3g}",
        fontsize=8,
    )
    from mpl_toolkits.axes_grid1 import make_axes_locatable

    divider = make_axes_locatable(ax)
    ax.figure.colorbar(image, cax=divider.append_axes("right", size="4%", pad=0.08), label="PE value")
    low = divider.append_axes("bottom", size="45%", pad=0.55)
    positions = np.arange(len(pe))
    low.plot(positions, result["similarity"], color="C0", label="cosine similarity to pos")
    low.plot(positions, result["column"], color="C1", lw=0.8, label=f"PE(pos, {result['dimension']})")
    low.axvline(result["position"], color="black", lw=1.2)
    low.set_xlim(-0.5, len(pe) - 0.5)
    low.set_ylim(-1.1, 1.1)
    low.set_xlabel("position")
    low.set_ylabel("value")
    low.legend(fontsize=7, frameon=False, loc="lower right")


def positional_encoding_explorer(position: int = 10, dimension: int = 4, max_len: int = 64, d_model: int = 32) -> Any:
    """Sliders for the position and the dimension; returns an :class:`~dlcourse.widgets.Explorer`.

    ``explorer.controls["position"].value = 20`` moves the position from code;
    ``explorer.result["similarity"]`` holds the recomputed similarities.
    """
    import ipywidgets as widgets

    from ._base import Explorer

    positional_encoding_view(position, dimension, max_len, d_model)  # validates
    controls = {
        "position": widgets.IntSlider(value=position, min=0, max=max_len - 1, description="position", continuous_update=False,
                                      style={"description_width": "initial"}),
        "dimension": widgets.IntSlider(value=dimension, min=0, max=d_model - 1, description="dimension", continuous_update=False,
                                       style={"description_width": "initial"}),
    }

    def compute(position: int, dimension: int) -> dict[str, Any]:
        return positional_encoding_view(position, dimension, max_len, d_model)

    return Explorer(controls, compute, render_positional_encoding, title="Sinusoidal positional encoding", figsize=(6.0, 5.0))


def positional_encoding_figure(
    settings: Sequence[tuple[int, int]] = ((5, 0), (20, 8), (40, 20)), max_len: int = 64, d_model: int = 32
) -> Any:
    """Static companion of :func:`positional_encoding_explorer`: the view at a few (position, dimension)."""
    from ._base import companion_figure

    return companion_figure(
        positional_encoding_view,
        render_positional_encoding,
        [{"position": p, "dimension": d, "max_len": max_len, "d_model": d_model} for p, d in settings],
        panel_size=(4.2, 4.6),
    )


# ---------------------------------------------------------------------------- attention heads
ATTENTION_KINDS = {
    "encoder": "encoder self-attention",
    "decoder_self": "masked decoder self-attention",
    "cross": "encoder-decoder (cross) attention",
}


def attention_head(
    maps: Mapping[str, Sequence[Any]],
    kind: str = "cross",
    layer: int = 0,
    head: int = 0,
    query: int = 0,
    src_labels: Sequence[str] | None = None,
    tgt_labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Pick one head's attention map out of :meth:`dlcourse.transformer.Transformer.attention_maps`.

    Uses the first sequence of the batch. Returns ``weights`` ``(n_queries, n_keys)``,
    ``row`` (the weights of ``query``, a distribution over the keys), ``query_labels``,
    ``key_labels``, ``argmax`` (the key the query attends to most) and the choices made.
    """
    kind = check_choice(kind, "kind", ATTENTION_KINDS)
    layers = maps[kind]
    layer = check_int(layer, "layer", minimum=0, maximum=len(layers) - 1)
    w = layers[layer]
    w = w.detach().cpu().numpy() if hasattr(w, "detach") else np.asarray(w)
    head = check_int(head, "head", minimum=0, maximum=w.shape[1] - 1)
    weights = w[0, head]  # (n_queries, n_keys)
    query = check_int(query, "query", minimum=0, maximum=weights.shape[0] - 1)
    n_q, n_k = weights.shape
    src = list(src_labels) if src_labels is not None else [str(j) for j in range(max(n_q, n_k))]
    tgt = list(tgt_labels) if tgt_labels is not None else [str(j) for j in range(max(n_q, n_k))]
    q_labels = (src if kind == "encoder" else tgt)[:n_q]
    k_labels = (tgt if kind == "decoder_self" else src)[:n_k]
    row = weights[query]
    return {
        "kind": kind,
        "layer": layer,
        "head": head,
        "query": query,
        "weights": weights,
        "row": row,
        "query_labels": q_labels,
        "key_labels": k_labels,
        "argmax": int(np.argmax(row)),
    }


def render_attention_head(result: Mapping[str, Any], ax: Any) -> None:
    """Heatmap of the head's weights (queries down, keys across), the chosen query's row below."""
    from matplotlib.patches import Rectangle

    w = result["weights"]
    n_q, n_k = w.shape
    ax.imshow(w, cmap="viridis", vmin=0, vmax=1, aspect="auto")
    ax.add_patch(Rectangle((-0.5, result["query"] - 0.5), n_k, 1, fill=False, edgecolor="red", lw=1.5))
    ax.set_xticks(range(n_k))
    ax.set_xticklabels(result["key_labels"], fontsize=7)
    ax.set_yticks(range(n_q))
    ax.set_yticklabels(result["query_labels"], fontsize=7)
    ax.set_xlabel("key position (attended to)")
    ax.set_ylabel("query position")
    ax.set_title(f"{ATTENTION_KINDS[result['kind']]}\nlayer {result['layer']}, head {result['head']}", fontsize=8)
    low = _split(ax, "40%")
    colours = ["C1" if j == result["argmax"] else "C0" for j in range(n_k)]
    low.bar(range(n_k), result["row"], color=colours)
    low.set_xticks(range(n_k))
    low.set_xticklabels(result["key_labels"], fontsize=7)
    low.set_ylim(0, 1.05)
    low.set_xlim(-0.5, n_k - 0.5)
    low.set_xlabel("key position")
    low.set_ylabel(f"weight of query {result['query_labels'][result['query']]}", fontsize=7)


def attention_head_explorer(
    model: Any,
    src: Any,
    tgt_in: Any,
    src_labels: Sequence[str] | None = None,
    tgt_labels: Sequence[str] | None = None,
    *,
    kind: str = "cross",
    layer: int = 0,
    head: int = 0,
    query: int = 0,
) -> Any:
    """Choose attention type, layer, head and query token of a trained :class:`~dlcourse.transformer.Transformer`.

    ``src`` ``(S,)`` and ``tgt_in`` ``(T,)`` are one token sequence each (a batch of one is
    made here); the maps are computed once by ``model.attention_maps``. Returns an
    :class:`~dlcourse.widgets.Explorer`; ``explorer.result["row"]`` holds the weights shown.
    """
    import ipywidgets as widgets

    from ._base import Explorer

    src = src.reshape(1, -1)
    tgt_in = tgt_in.reshape(1, -1)
    maps = model.attention_maps(src, tgt_in)
    first = attention_head(maps, kind, layer, head, query, src_labels, tgt_labels)  # validates
    n_layers = len(maps["encoder"])
    n_heads = maps["encoder"][0].shape[1]
    style = {"description_width": "initial"}
    controls = {
        "kind": widgets.Dropdown(options=[(v, k) for k, v in ATTENTION_KINDS.items()], value=kind, description="attention", style=style),
        "layer": widgets.IntSlider(value=layer, min=0, max=n_layers - 1, description="layer", continuous_update=False, style=style),
        "head": widgets.IntSlider(value=head, min=0, max=n_heads - 1, description="head", continuous_update=False, style=style),
        "query": widgets.IntSlider(value=first["query"], min=0, max=first["weights"].shape[0] - 1, description="query", continuous_update=False, style=style),
    }

    def n_queries(k: str) -> int:
        return int(maps[k][0].shape[2])

    def on_kind(change: Any) -> None:  # encoder queries are source tokens, the others target tokens
        controls["query"].max = n_queries(change["new"]) - 1

    controls["kind"].observe(on_kind, names="value")

    def compute(kind: str, layer: int, head: int, query: int) -> dict[str, Any]:
        return attention_head(maps, kind, layer, head, min(query, n_queries(kind) - 1), src_labels, tgt_labels)

    return Explorer(controls, compute, render_attention_head, title="Where does a head attend?", figsize=(5.5, 5.0))


def attention_head_figure(
    maps: Mapping[str, Sequence[Any]],
    settings: Sequence[Mapping[str, Any]],
    src_labels: Sequence[str] | None = None,
    tgt_labels: Sequence[str] | None = None,
) -> Any:
    """Static companion of :func:`attention_head_explorer`: several (kind, layer, head, query) views."""
    from ._base import companion_figure

    return companion_figure(
        attention_head,
        render_attention_head,
        [{"maps": maps, "src_labels": src_labels, "tgt_labels": tgt_labels, **s} for s in settings],
        panel_size=(3.8, 4.6),
    )
