"""Explorers that keep working in the static HTML book (no kernel, no network).

An :class:`~dlcourse.widgets.Explorer` displayed in a notebook carries, next to the live
widget, a ``text/html`` representation made here (:func:`explorer_html`): the default
picture, the default table, a plain list of the control settings, the sentence "run this
cell to use the sliders", and the results of ``compute`` at every point of a small grid of
settings (:func:`grid_points`), compactly encoded (:func:`encode`; every array stored once).
JupyterLab and Notebook show the live widget when the kernel runs; an untrusted notebook
(a fresh clone) shows this HTML instead of ``Explorer(children=(...``.

The book shows the HTML, not the saved widget state (``nb_mime_priority_overrides`` in
``_config.yml``). This module is also a Sphinx extension (:func:`setup`): at build time it
decodes the stored results, draws each grid point with the explorer's own ``render``
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
import hashlib
import html
import importlib
import inspect
import itertools
import json
import math
import os
import posixpath
import re
import warnings
import zlib
from collections import Counter, OrderedDict
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

__all__ = ["GRIDS", "grid_points", "encode", "decode", "explorer_html", "payload", "static_grid", "setup"]

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


# ---------------------------------------------------------------------------- encoding
class _Unencodable(TypeError):
    pass


def encode(value: Any, arrays: dict[str, int], blobs: list[str]) -> Any:
    """``value`` as JSON-ready data that :func:`decode` turns back into an equal value.

    Exact: arrays keep dtype, shape and bytes (stored once in ``blobs``, base64; ``arrays``
    maps a digest to its index), NumPy scalars their type, tuples stay tuples. Raises
    ``TypeError`` for anything else (a model, a tensor, a custom object).
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and type(value) is int:
        return value
    if isinstance(value, float) and type(value) is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufcU":
        raw = np.ascontiguousarray(value).tobytes()
        digest = hashlib.sha1(raw + value.dtype.str.encode() + str(value.shape).encode()).hexdigest()
        if digest not in arrays:
            arrays[digest] = len(blobs)
            blobs.append(base64.b64encode(raw).decode("ascii"))
        return {"__nd__": [value.dtype.str, list(value.shape), arrays[digest]]}
    if isinstance(value, np.generic) and value.dtype.kind in "biufc":
        return {"__np__": [value.dtype.str, base64.b64encode(value.tobytes()).decode("ascii")]}
    if isinstance(value, tuple) and type(value) is tuple:
        return {"__tuple__": [encode(v, arrays, blobs) for v in value]}
    if isinstance(value, list) and type(value) is list:
        return [encode(v, arrays, blobs) for v in value]
    if isinstance(value, dict) and type(value) is dict:
        if all(isinstance(k, str) and not k.startswith("__") for k in value):
            return {k: encode(v, arrays, blobs) for k, v in value.items()}
        return {"__items__": [[encode(k, arrays, blobs), encode(v, arrays, blobs)] for k, v in value.items()]}
    if type(value) in (Counter, OrderedDict):
        items = [[encode(k, arrays, blobs), encode(v, arrays, blobs)] for k, v in value.items()]
        return {"__items__": items, "__type__": type(value).__name__}
    cls = type(value)
    if cls.__module__.startswith("dlcourse.") and "<" not in cls.__qualname__ and hasattr(value, "__dict__") \
            and not hasattr(cls, "__slots__") and _render_name(cls) is not None:
        # a plain object of the book's own (e.g. a Vocab): its class and attributes
        return {"__obj__": [f"{cls.__module__}:{cls.__qualname__}", encode(dict(vars(value)), arrays, blobs)]}
    raise _Unencodable(f"cannot store a {cls.__module__}.{cls.__name__} exactly")


def decode(value: Any, blobs: Sequence[str]) -> Any:
    """Inverse of :func:`encode`."""
    if isinstance(value, list):
        return [decode(v, blobs) for v in value]
    if not isinstance(value, dict):
        return value
    if "__nd__" in value:
        dtype, shape, index = value["__nd__"]
        return np.frombuffer(base64.b64decode(blobs[index]), dtype=np.dtype(dtype)).reshape(shape).copy()
    if "__np__" in value:
        dtype, raw = value["__np__"]
        return np.frombuffer(base64.b64decode(raw), dtype=np.dtype(dtype))[0]
    if "__float__" in value:
        return float(value["__float__"])
    if "__tuple__" in value:
        return tuple(decode(v, blobs) for v in value["__tuple__"])
    if "__obj__" in value:
        name, state = value["__obj__"]
        if not name.startswith("dlcourse."):
            raise ValueError(f"stored objects must be of a dlcourse class; got {name!r}")
        cls: Any = _import(name)
        obj = cls.__new__(cls)
        obj.__dict__.update(decode(state, blobs))
        return obj
    if "__items__" in value:
        kind = {"Counter": Counter, "OrderedDict": OrderedDict}.get(value.get("__type__", ""), dict)
        return kind({decode(k, blobs): decode(v, blobs) for k, v in value["__items__"]})
    return {k: decode(v, blobs) for k, v in value.items()}


def _render_name(render: Any) -> str | None:
    """``module:qualname`` when the build can import ``render`` (or a class) back, else ``None``."""
    if render is None:
        return None
    module, qualname = getattr(render, "__module__", None), getattr(render, "__qualname__", "")
    if not module or "<" in qualname or module == "__main__":
        return None
    try:
        target: Any = importlib.import_module(module)
        for part in qualname.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError):
        return None
    return f"{module}:{qualname}" if target is render else None


# ---------------------------------------------------------------------------- payload
def payload(explorer: Any) -> dict[str, Any]:
    """Everything the book needs to show ``explorer`` at each grid point (JSON-ready).

    ``mode`` is ``results`` (the build renders the encoded results with ``render``) or
    ``frames`` (PNG frames stored directly, when results or ``render`` cannot be stored).
    """
    from ._base import render_png

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
    data["frames"] = [base64.b64encode(render_png(render, r, explorer._figsize)).decode("ascii")
                      if r is not None else "" for r in results]
    return data


def _jsonable(values: Sequence[Any]) -> list[Any]:
    out = []
    for v in values:
        if isinstance(v, np.generic):
            v = v.item()
        out.append(v if isinstance(v, (bool, int, float, str)) or v is None else str(v))
    return out


def _pack(data: Mapping[str, Any]) -> str:
    """JSON, deflated and base64-encoded: safe inside ``<script>`` and small on disk."""
    raw = json.dumps(data, separators=(",", ":"), allow_nan=True).encode("utf-8")
    return base64.b64encode(zlib.compress(raw, 9)).decode("ascii")


def _unpack(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(zlib.decompress(base64.b64decode(text.strip())).decode("utf-8"))
    return data


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
        f'<li><span class="dlc-explorer-label">{html.escape(_label(n, c))}</span> '
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


# ---------------------------------------------------------------------------- build time
def _cache_dir() -> Path:
    root = os.environ.get("DLCOURSE_FRAME_CACHE")
    if root:
        return Path(root)
    return Path(__file__).resolve().parents[3] / ".cache" / "explorer-frames"


_SOURCE_DIGESTS: dict[str, str] = {}


def _code_digest(render_name: str) -> str:
    """Hash of the render function's module and of ``_base`` (render_png), plus versions."""
    if render_name not in _SOURCE_DIGESTS:
        import matplotlib

        from . import _base

        module = importlib.import_module(render_name.split(":")[0])
        text = inspect.getsource(module) + inspect.getsource(_base) + matplotlib.__version__ + np.__version__
        _SOURCE_DIGESTS[render_name] = hashlib.sha256(text.encode()).hexdigest()
    return _SOURCE_DIGESTS[render_name]


def _import(name: str) -> Callable[..., Any]:
    module, qualname = name.split(":")
    target: Any = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


def render_frames(data: Mapping[str, Any], cache: Path | None = None) -> list[bytes]:
    """The PNG frame of every grid point in ``data`` (a :func:`payload`), cached on disk."""
    if data["mode"] == "frames":
        return [base64.b64decode(f) for f in data["frames"]]
    if data["mode"] != "results":
        return []
    from ._base import render_png

    cache = cache or _cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    render = _import(data["render"])
    code = _code_digest(data["render"])
    figsize = tuple(data["figsize"])
    frames = []
    for encoded in data["results"]:
        if encoded is None:  # compute failed at this setting: the table holds the message
            frames.append(b"")
            continue
        key = hashlib.sha256((code + json.dumps([encoded, data["figsize"]], sort_keys=True)).encode()
                             + "".join(_blobs_of(encoded, data["blobs"])).encode()).hexdigest()
        path = cache / f"{key}.png"
        if path.exists():
            frames.append(path.read_bytes())
            continue
        png = render_png(render, decode(encoded, data["blobs"]), figsize)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(png)
        tmp.replace(path)
        frames.append(png)
    return frames


def _blobs_of(encoded: Any, blobs: Sequence[str]) -> list[str]:
    """The arrays a result refers to (their bytes are part of its cache key)."""
    found: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            if "__nd__" in v:
                found.append(blobs[v["__nd__"][2]])
            else:
                for x in v.values():
                    walk(x)

    walk(encoded)
    return found


def static_html(fragment: str, outdir: Path, page_dir: str = "", cache: Path | None = None) -> str:
    """Turn the stored explorer HTML into the book's: frames written, grid left for the script.

    ``outdir`` is the site root; frames go to ``outdir/_static/explorers/<hash>.png`` and are
    referred to relative to ``page_dir`` (the page's folder inside the site).
    """
    match = _DATA_RE.search(fragment)
    if match is None:
        return fragment
    data = _unpack(match.group(1))
    frames = render_frames(data, cache)
    target = outdir / "_static" / "explorers"
    target.mkdir(parents=True, exist_ok=True)
    urls = []
    for png in frames:
        if not png:
            urls.append("")
            continue
        name = hashlib.sha256(png).hexdigest()[:20] + ".png"
        path = target / name
        if not path.exists():
            path.write_bytes(png)
        urls.append(posixpath.relpath(f"_static/explorers/{name}", page_dir or "."))
    grid = {
        "controls": [{k: c[k] for k in ("name", "label", "kind", "labels", "default")} for c in data["controls"]],
        "points": data["points"],
        "frames": urls,
        "tables": data["tables"],
    }
    text = json.dumps(grid, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e")
    script = f'<script type="application/json" class="{_GRID_CLASS}">{text}</script>'
    return fragment[: match.start()] + script + fragment[match.end():]


def _on_doctree_resolved(app: Any, doctree: Any, docname: str) -> None:
    from docutils import nodes

    if app.builder.format != "html":
        return
    for node in list(doctree.findall(nodes.raw)):
        text = node.astext()
        if _DATA_CLASS not in text:
            continue
        cache = None if os.environ.get("DLCOURSE_FRAME_CACHE") else Path(app.srcdir) / ".cache" / "explorer-frames"
        new = static_html(text, Path(app.outdir), posixpath.dirname(docname), cache)
        node.replace_self(nodes.raw("", new, format="html", classes=node.get("classes", [])))


def setup(app: Any) -> dict[str, Any]:
    """Sphinx extension: render the explorers' frames and load ``explorers.js``/``.css``."""
    app.connect("doctree-resolved", _on_doctree_resolved)
    app.add_js_file("explorers.js")
    app.add_css_file("explorers.css")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": False}
