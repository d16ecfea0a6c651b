"""Plotting helpers shared by the chapters: training curves and annotated heatmaps.

Each helper draws on a Matplotlib ``Axes`` (a new one if none is given) and returns
it; nothing is shown or displayed here, so the notebook decides what to show.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from ._validation import as_float_array, check_type

__all__ = ["plot_history", "heatmap", "text_colour_for", "relative_luminance"]


def relative_luminance(rgba: Any) -> float:
    """WCAG relative luminance (0 black .. 1 white) of an RGB(A) colour with channels in [0, 1]."""
    colour = as_float_array(rgba, "rgba", ndim=1, finite=True, names="(r, g, b) or (r, g, b, a)")
    if colour.size not in (3, 4):
        raise ValueError(f"rgba must have 3 or 4 channels in [0, 1], e.g. (0.2, 0.4, 0.6, 1.0); got {colour.size}.")
    rgb = colour[:3]
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(linear @ np.array([0.2126, 0.7152, 0.0722]))


def text_colour_for(rgba: Any) -> str:
    """``"black"`` or ``"white"``, whichever contrasts more with the background colour ``rgba``.

    Compares the WCAG contrast ratios (L1 + 0.05) / (L2 + 0.05) of black and white text
    on the cell's colour, so it works for every colormap (light-to-dark like ``Blues``,
    dark-to-light like ``viridis`` or diverging like ``coolwarm``), unlike a rule on the
    normalised value.
    """
    lum = relative_luminance(rgba)
    return "black" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "white"


def _axes(ax: Any, figsize: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_history(
    history: Any,
    keys: Sequence[str] | None = None,
    *,
    ax: Any = None,
    title: str | None = None,
    ylabel: str | None = "value",
    logy: bool = False,
    mark_best: bool = True,
) -> Any:
    """Plot per-epoch curves from a :class:`dlcourse.train.History` or a ``{name: values}`` dict.

    Training and validation twins (``loss`` and ``val_loss``) share a colour; the
    validation curve is dashed. With ``mark_best`` and a ``best_epoch`` on the
    history, a vertical line marks the epoch early stopping kept.

    Returns the ``Axes``; the x axis is the epoch (1-based), the y axis ``ylabel`` (``None``: no label).
    """
    metrics: Mapping[str, Sequence[float]] = getattr(history, "metrics", history)
    if not isinstance(metrics, Mapping) or not metrics:
        raise TypeError(
            "history must be a History or a non-empty dict of {name: per-epoch values}; "
            f"got {type(history).__name__}."
        )
    if keys is not None and (isinstance(keys, (str, bytes)) or not hasattr(keys, "__iter__")):
        raise TypeError(f"keys must be a list of metric names such as ['loss']; got {type(keys).__name__} ({keys!r:.40}).")
    keys = list(keys) if keys is not None else [k for k in metrics if not k.startswith("val_")]
    if not keys:
        raise ValueError(f"keys must name at least one curve to plot; got []. Available: {sorted(metrics)}.")
    for flag, name in ((logy, "logy"), (mark_best, "mark_best")):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False; got {type(flag).__name__} ({flag!r:.40}).")
    missing = [k for k in keys if k not in metrics]
    if missing:
        raise ValueError(f"keys {missing} are not in the history; available: {sorted(metrics)}.")
    ax = _axes(ax, (5.0, 3.2))
    for i, key in enumerate(keys):
        colour = f"C{i}"
        values = np.asarray(metrics[key], dtype=float)
        ax.plot(np.arange(1, len(values) + 1), values, color=colour, label=f"train {key}")
        val_key = f"val_{key}"
        if val_key in metrics and not key.startswith("val_"):
            v = np.asarray(metrics[val_key], dtype=float)
            ax.plot(np.arange(1, len(v) + 1), v, color=colour, linestyle="--", label=f"validation {key}")
    best = getattr(history, "best_epoch", None)
    if mark_best and best is not None:
        ax.axvline(best + 1, color="grey", linestyle=":", label=f"best epoch ({best + 1})")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(frameon=False)
    return ax


def heatmap(
    matrix: Any,
    row_labels: Sequence[Any] | None = None,
    col_labels: Sequence[Any] | None = None,
    *,
    ax: Any = None,
    annotate: bool = True,
    fmt: str = "{:.2f}",
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    colorbar: bool = True,
    colorbar_label: str | None = None,
) -> Any:
    """Draw a 2-D array as a heatmap with optional per-cell annotations.

    Used for confusion matrices, attention weights and gate values. Annotation
    text is black or white, whichever contrasts more with the cell's colour
    (:func:`text_colour_for`, from the colour's luminance, for any colormap).

    Parameters
    ----------
    matrix:
        Array-like of shape ``(rows, cols)`` (NumPy array or tensor).
    row_labels, col_labels:
        Tick labels; their lengths must match the matrix.
    fmt:
        A ``str.format`` pattern for annotations, e.g. ``"{:d}"`` for counts.

    Returns the ``Axes``.
    """
    if hasattr(matrix, "detach"):
        matrix = matrix.detach().cpu().numpy()
    as_float_array(matrix, "matrix", ndim=2, names="(rows, cols)")  # real numbers only; values keep their dtype
    values = np.asarray(matrix)
    check_type(annotate, "annotate", bool)
    check_type(fmt, "fmt", str)
    if "{" not in fmt:
        raise ValueError(f"fmt must be a str.format pattern such as '{{:.2f}}' or '{{:d}}'; got {fmt!r}.")
    import matplotlib

    if not isinstance(cmap, matplotlib.colors.Colormap) and cmap not in matplotlib.colormaps:
        raise ValueError(f"cmap must be a matplotlib colormap name such as 'viridis' or 'Blues'; got {cmap!r:.40}.")
    rows, cols = values.shape
    for labels, size, name in ((row_labels, rows, "row_labels"), (col_labels, cols, "col_labels")):
        if labels is not None and (isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__")):
            raise TypeError(f"{name} must be a sequence of {size} tick labels; got {type(labels).__name__}.")
        if labels is not None and len(labels) != size:
            raise ValueError(f"{name} must have {size} entries to match the matrix; got {len(labels)}.")
    ax = _axes(ax, (0.6 * cols + 2.0, 0.5 * rows + 1.5))
    image = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    if col_labels is not None:
        ax.set_xticklabels([str(c) for c in col_labels], rotation=45 if cols > 6 else 0, ha="right" if cols > 6 else "center")
    if row_labels is not None:
        ax.set_yticklabels([str(r) for r in row_labels])
    if annotate:
        for i in range(rows):
            for j in range(cols):
                cell = image.cmap(image.norm(values[i, j]))  # the RGBA colour the cell is drawn in
                colour = text_colour_for(cell)
                ax.text(j, i, fmt.format(values[i, j]), ha="center", va="center", color=colour, fontsize=8)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if colorbar:
        bar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        if colorbar_label:
            bar.set_label(colorbar_label)
    return ax
