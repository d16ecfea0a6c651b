"""Explorers that keep working in the static HTML book (no kernel, no network).

An :class:`~dlcourse.widgets.Explorer` displayed in a notebook carries, next to the live
widget, a ``text/html`` representation made here (:func:`explorer_html`): the default
picture, the default table, a plain list of the control settings, the sentence "run this
cell to use the sliders", and the results of ``compute`` at every point of a small grid of
settings (:func:`grid_points`), compactly encoded (:func:`encode`; every array stored once).
JupyterLab and Notebook show the live widget when the kernel runs; an untrusted notebook
(a fresh clone) shows this HTML instead of ``Explorer(children=(...``.

The book shows the HTML, not the saved widget state (``nb_mime_priority_overrides`` in
``_config.yml``). The Sphinx extension :mod:`dlcourse.widgets.static_book` decodes the
stored results (:mod:`dlcourse.widgets._codec`), draws each grid point with the explorer's own ``render``
(through :func:`~dlcourse.widgets._base.render_png`, the function the live widget uses),
caches the PNG by a hash of the render code and the result, writes it to
``_static/explorers/`` and leaves in the page the frame URLs and per-point tables.
``book/_static/explorers.js`` turns the static list of settings into range inputs and
menus that snap to the grid and swap frame and table. Frames load on first use.

Which controls vary in the book: :data:`GRIDS`, keyed by the name of the explorer's
render function. The *main* controls form a product grid; every other control (except
free text) varies alone, the main ones at their defaults. Moving a control in the book
picks the grid point with that value that changes the fewest other controls.
When a result holds an object the encoder does not know, or ``render`` is not a
module-level function the build can import, the frames themselves (PNG) are stored
instead (``"mode": "frames"``).
"""
from __future__ import annotations

import base64
import html
import itertools
import math
import re
import warnings
from typing import Any, Sequence

import numpy as np

from ._codec import _pack, _render_name, _Unencodable, decode, encode

__all__ = ["GRIDS", "grid_points", "encode", "decode", "explorer_html", "payload", "static_grid"]

#: Per explorer (key: ``render.__qualname__``): ``main`` maps control name to the number
#: of grid values (or an explicit list of values) of the product grid; ``others`` is the
#: number of values each remaining control takes on its own (0: fixed at its default).
GRIDS: dict[str, dict[str, Any]] = {
    "render_softmax": {"main": {"temperature": 9, "z0": 5}, "others": 5},
    "render_arma": {"main": {"phi1": 9, "d": 3}, "others": 5},
    "render_attention": {"main": {"temperature": 7, "score": None}, "others": 5},
    "render_convolution": {"main": {"kernel": None, "stride": 4}, "others": 4},
    "render_window_pairs": {"main": {"window": 5, "centre": None}, "others": 0},
    "render_lstm_gates": {"main": {"f": 5, "i": 5}, "others": 5},
    "render_gru_gates": {"main": {"z": 5, "convention": None}, "others": 5},
    "render_learning_rate": {"main": {"surface": None, "lr": 9}, "others": 4},
    "render_line_fit": {"main": {"intercept": 7, "slope": 7}, "others": 0},
    "render_optimizers": {"main": {"lr": 7, "momentum": 5}, "others": 4},
    "render_gradient_flow": {"main": {"spectral_radius": 9, "activation": None}, "others": 4},
    "render_tokens": {"main": {"method": None, "lower": None}, "others": 0},
    "render_positional_encoding": {"main": {"position": 9, "dimension": 5}, "others": 0},
    "render_threshold": {"main": {"threshold": 21}, "others": 0},
    "render_vanishing": {"main": {"depth": 7, "activation": None}, "others": 0},
    "render_char_sampling": {"main": {"temperature": 9}, "others": 0},
    "render_decoding": {"main": {"step": None, "mode": None}, "others": 0},
    "render_attention_head": {"main": {"kind": None, "query": None}, "others": 3},
    "render_explanation": {"main": {"index": 5, "method": None}, "others": 3},
    "render_analogy": {"main": {"a": 6}, "others": 6},
}
#: Defaults for an explorer not in :data:`GRIDS`: the first two controls, 5 values each.
DEFAULT_GRID: dict[str, Any] = {"main": 2, "values": 5, "others": 3}
#: Most grid points one explorer may have (the product of the main controls is cut to fit).
MAX_POINTS = 96
#: Most values of a menu (Dropdown, ToggleButtons) on the grid.
MAX_OPTIONS = 12

_DATA_CLASS = "dlc-explorer-data"
_GRID_CLASS = "dlc-explorer-grid"
_DATA_RE = re.compile(
    r'<script type="application/json" class="' + _DATA_CLASS + r'">(.*?)</script>', re.S
)


# ---------------------------------------------------------------------------- controls
def _kind(control: Any) -> str:
    """``options`` (menus), ``bool``, ``log``, ``int``, ``float`` or ``text`` (fixed)."""
    if hasattr(control, "_options_values"):
        return "options"
    name = type(control).__name__
    if name in ("Checkbox", "ToggleButton"):
        return "bool"
    if name == "FloatLogSlider":
        return "log"
    if name in ("IntSlider", "IntText", "BoundedIntText", "IntRangeSlider"):
        return "int"
    if name in ("FloatSlider", "FloatText", "BoundedFloatText"):
        return "float"
    return "text"


def _label(name: str, control: Any) -> str:
    return str(getattr(control, "description", "") or name)


def _snap(control: Any, kind: str, value: float) -> Any:
    """``value`` as the slider would hold it: on its step grid, inside its range."""
    lo, hi = float(control.min), float(control.max)
    step = float(getattr(control, "step", 0) or 0)
    if kind == "log":
        base = float(control.base)
        exponent = min(max(math.log(value, base), lo), hi)
        if step:
            exponent = lo + round((exponent - lo) / step) * step
        return float(min(max(base ** round(exponent, 10), base**lo), base**hi))
    value = min(max(value, lo), hi)
    if step:
        value = lo + round((value - lo) / step) * step
    if kind == "int":
        return int(min(max(round(value), lo), hi))
    # the slider clamps to [min, max]: a rounded value just outside would not be the one shown
    return float(min(max(round(value, 10), lo), hi))


def control_values(control: Any, n: int | Sequence[Any] | None) -> list[Any]:
    """The grid values of one control: ``n`` evenly spread values (with its current one).

    ``n=None`` takes every option of a menu (at most :data:`MAX_OPTIONS`) or every integer
    of an integer slider; an explicit sequence is used as it is (plus the current value).
    """
    kind = _kind(control)
    current = control.value
    if kind == "text":
        return [current]
    if kind == "bool":
        return [False, True]
    if kind == "options":
        options = list(control._options_values)
        if isinstance(n, int) and n < len(options):
            keep = sorted({round(i * (len(options) - 1) / max(n - 1, 1)) for i in range(n)})
            options = [options[i] for i in keep]
        options = options[:MAX_OPTIONS]
        if current not in options:
            options = [current, *options[:-1]]
        return options
    if n is None and kind == "int":
        values: list[Any] = list(range(int(control.min), int(control.max) + 1))
    elif n is not None and not isinstance(n, int):
        values = list(n)
    else:
        count = 5 if n is None else max(int(n), 1)
        if kind == "log":
            lo, hi = float(control.min), float(control.max)
            base = float(control.base)
            values = [_snap(control, kind, base ** (lo + (hi - lo) * i / max(count - 1, 1))) for i in range(count)]
        else:
            lo, hi = float(control.min), float(control.max)
            values = [_snap(control, kind, lo + (hi - lo) * i / max(count - 1, 1)) for i in range(count)]
    if current not in values:
        # replace the nearest value by the current one, so the default is on the grid
        nearest = min(range(len(values)), key=lambda i: abs(float(values[i]) - float(current)))
        values[nearest] = current
    out: list[Any] = []
    for v in sorted(values, key=float):
        if v not in out:
            out.append(v)
    return out


def _display(control: Any, value: Any) -> str:
    """How a value reads next to its control (the option's label for menus)."""
    kind = _kind(control)
    if kind == "options":
        values = list(control._options_values)
        labels = list(control._options_labels)
        return str(labels[values.index(value)]) if value in values else str(value)
    if kind == "bool":
        return "on" if value else "off"
    if kind in ("float", "log"):
        fmt = getattr(control, "readout_format", ".2f") or ".2f"
        try:
            return format(value, fmt)
        except (ValueError, TypeError):
            return f"{value:.3g}"
    return str(value)


def static_grid(explorer: Any) -> dict[str, Any]:
    """The grid declaration of ``explorer``: from :data:`GRIDS`, or :data:`DEFAULT_GRID`."""
    render = getattr(explorer, "_render", None)
    key = getattr(render, "__qualname__", "")
    if key in GRIDS:
        return GRIDS[key]
    names = [n for n, c in explorer.controls.items() if _kind(c) != "text"]
    return {"main": {n: DEFAULT_GRID["values"] for n in names[: DEFAULT_GRID["main"]]},
            "others": DEFAULT_GRID["others"]}


def grid_points(explorer: Any) -> tuple[list[dict[str, Any]], list[list[int]]]:
    """The controls of ``explorer`` with their grid values, and the grid points.

    Returns ``(controls, points)``: ``controls[k]`` has ``name``, ``label``, ``kind``
    (``range`` or ``select``), ``values`` (the values passed to ``compute``), ``labels``
    (as shown) and ``default`` (index of the current value); each point is a list of
    value indices, one per control. The first point is the current setting.
    """
    grid = static_grid(explorer)
    main: dict[str, Any] = dict(grid.get("main", {}))
    others = int(grid.get("others", 0))
    controls: list[dict[str, Any]] = []
    for name, control in explorer.controls.items():
        if name in main:
            values = control_values(control, main[name])
        elif others and _kind(control) != "text":
            values = control_values(control, others)
        else:
            values = [control.value]
        kind = _kind(control)
        controls.append({
            "name": name,
            "label": _label(name, control),
            "kind": "select" if kind in ("options", "bool") else "range",
            "values": values,
            "labels": [_display(control, v) for v in values],
            "default": values.index(control.value),
        })
    default = [c["default"] for c in controls]
    main_axes = [k for k, c in enumerate(controls) if c["name"] in main and len(c["values"]) > 1]
    # cut the product of the main controls to MAX_POINTS by thinning the longest axis
    while main_axes and math.prod(len(controls[k]["values"]) for k in main_axes) > MAX_POINTS:
        k = max(main_axes, key=lambda a: len(controls[a]["values"]))
        c = controls[k]
        keep = [i for i in range(len(c["values"])) if i % 2 == 0 or i == c["default"]]
        if len(keep) == len(c["values"]):
            break
        c["values"] = [c["values"][i] for i in keep]
        c["labels"] = [c["labels"][i] for i in keep]
        c["default"] = keep.index(c["default"])
        default[k] = c["default"]
    points: list[list[int]] = [list(default)]
    seen = {tuple(default)}
    for combo in itertools.product(*[range(len(controls[k]["values"])) for k in main_axes]):
        point = list(default)
        for k, i in zip(main_axes, combo):
            point[k] = i
        if tuple(point) not in seen:
            seen.add(tuple(point))
            points.append(point)
    for k, c in enumerate(controls):
        if k in main_axes:
            continue
        for i in range(len(c["values"])):
            point = list(default)
            point[k] = i
            if tuple(point) not in seen:
                seen.add(tuple(point))
                points.append(point)
    return controls, points


# ---------------------------------------------------------------------------- payload
def payload(explorer: Any) -> dict[str, Any]:
    """Everything the book needs to show ``explorer`` at each grid point (JSON-ready).

    ``mode`` is ``results`` (the build renders the encoded results with ``render``) or
    ``frames`` (PNG frames stored directly, when results or ``render`` cannot be stored).
    """
    controls, points = grid_points(explorer)
    results: list[Any] = []
    tables: list[str] = []
    summary = explorer._summary
    for point in points:
        values = explorer.values()
        values.update({c["name"]: c["values"][i] for c, i in zip(controls, point)})
        try:  # as Explorer.update: a setting the computation rejects shows its message
            result = explorer._compute(**values)
            table = summary(result) if summary is not None else ""
        except Exception as exc:  # noqa: BLE001
            result = None
            table = f'<div class="dlc-explorer-message" role="status">{html.escape(str(exc) or type(exc).__name__)}</div>'
        results.append(result)
        tables.append(table)
    data: dict[str, Any] = {
        "version": 1,
        "figsize": list(explorer._figsize),
        "controls": [{k: (_jsonable(v) if k == "values" else v) for k, v in c.items()} for c in controls],
        "points": points,
        "tables": tables,
        "alt": html.unescape(getattr(explorer, "_alt", "")),
    }
    render = explorer._render
    name = _render_name(render)
    if render is None:
        data["mode"] = "none"
        return data
    if name is not None:
        arrays: dict[str, int] = {}
        blobs: list[str] = []
        try:
            data["results"] = [encode(r, arrays, blobs) for r in results]
            data["blobs"] = blobs
            data["render"] = name
            data["mode"] = "results"
            return data
        except _Unencodable:
            data.pop("results", None)
    data["mode"] = "frames"
    data["frames"] = [base64.b64encode(explorer._png(r)).decode("ascii")
                      if r is not None else "" for r in results]
    return data


def _jsonable(values: Sequence[Any]) -> list[Any]:
    out = []
    for v in values:
        if isinstance(v, np.generic):
            v = v.item()
        out.append(v if isinstance(v, (bool, int, float, str)) or v is None else str(v))
    return out


def explorer_html(explorer: Any) -> str:
    """The ``text/html`` representation of ``explorer`` (see the module docstring)."""
    title = ""
    for child in getattr(explorer, "children", ())[:1]:
        value = getattr(child, "value", "")
        if isinstance(value, str) and value.startswith("<b>"):
            title = value
    png = explorer.image.value
    alt = getattr(explorer, "_alt", "Plot of this explorer")
    picture = (f'<img class="dlc-explorer-frame" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"'
               f' alt="{alt}" style="max-width:100%;height:auto">' if png else explorer.picture.value)
    settings = "".join(
        f'<li><span class="dlc-explorer-label">{html.escape(_label(n, c))}</span> = '
        f'<span class="dlc-explorer-value">{html.escape(_display(c, c.value))}</span></li>'
        for n, c in explorer.controls.items()
    )
    try:
        packed = _pack(payload(explorer))
        script = f'<script type="application/json" class="{_DATA_CLASS}">{packed}</script>'
    except Exception as exc:  # the live widget must show even if the grid fails
        warnings.warn(f"explorer grid not stored for the static book: {exc!r}", stacklevel=2)
        script = ""
    return (
        '<div class="dlc-explorer">'
        f'<div class="dlc-explorer-title">{title}</div>'
        f'<ul class="dlc-explorer-controls">{settings}</ul>'
        f'<div class="dlc-explorer-body"><div class="dlc-explorer-picture">{picture}</div>'
        f'<div class="dlc-explorer-table">{explorer.html.value}</div></div>'
        '<p class="dlc-explorer-note"><em>Run this cell to use the sliders</em> '
        "(the picture shows the settings listed above).</p>"
        f"{script}</div>"
    )
