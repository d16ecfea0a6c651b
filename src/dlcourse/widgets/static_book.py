"""Sphinx extension: the explorers' frames for the static book.

At build time the stored explorer HTML (:func:`dlcourse.widgets.static.explorer_html`)
is decoded, each grid point is drawn with the explorer's own ``render`` through
:func:`~dlcourse.widgets._base.render_png` (the function the live widget uses), the PNG
is cached by a hash of the render code and the result in ``.cache/explorer-frames`` and
written to ``_static/explorers/``; the page keeps the frame URLs, per-point tables and
per-point alt texts (:func:`frame_alts`: the setting each frame shows) for
``book/_static/explorers.js``. Enabled in ``_config.yml`` (``extra_extensions``).
"""
from __future__ import annotations

import base64
import hashlib
import html
import importlib
import inspect
import json
import os
import posixpath
import re
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ._codec import _import, _unpack, decode
from .static import _DATA_CLASS, _DATA_RE, _GRID_CLASS

__all__ = ["frame_alts", "render_frames", "static_html", "setup"]

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
    alts = frame_alts(_title_text(fragment), data["controls"], data["points"], data["tables"])
    grid = {
        "controls": [{k: c[k] for k in ("name", "label", "kind", "labels", "default")} for c in data["controls"]],
        "points": data["points"],
        "frames": urls,
        "tables": data["tables"],
        "alts": alts,
    }
    text = json.dumps(grid, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e")
    script = f'<script type="application/json" class="{_GRID_CLASS}">{text}</script>'
    # the saved picture is grid point 0: its alt names that setting, as the script's will
    head = _FRAME_ALT_RE.sub(lambda m: m.group(1) + html.escape(alts[0], quote=True) + '"',
                             fragment[: match.start()], count=1)
    return head + script + fragment[match.end():]


_TITLE_RE = re.compile(r'<div class="dlc-explorer-title">(.*?)</div>', re.S)
_FRAME_ALT_RE = re.compile(r'(<img class="dlc-explorer-frame"[^>]*?\balt=")[^"]*"')


def _plain(fragment: str) -> str:
    """Text of an HTML fragment: tags dropped (``c<sub>t-1</sub>`` reads ``ct-1``), entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _title_text(fragment: str) -> str:
    match = _TITLE_RE.search(fragment)
    return _plain(match.group(1)) if match else ""


def frame_alts(title: str, controls: Sequence[Mapping[str, Any]], points: Sequence[Sequence[int]],
               tables: Sequence[str] = ()) -> list[str]:
    """The alt text of each grid point's frame: which explorer, at which setting.

    Every control the book lets the reader move is named with the value the frame shows,
    so a screen reader announces the setting of the picture now on screen (not the saved
    one); where the point has a table, the alt says that it carries the numbers, and it
    points to the companion figure after every explorer (the notebook policy requires
    one), whose alt describes the plot in words.
    """
    movable = [k for k, c in enumerate(controls) if len(c["labels"]) > 1] or list(range(len(controls)))
    what = f"Plot of the explorer '{title}'" if title else "Plot of this explorer"
    alts = []
    for j, point in enumerate(points):
        setting = ", ".join(f"{_plain(str(controls[k]['label']))} = {_plain(str(controls[k]['labels'][point[k]]))}"
                            for k in movable)
        numbers = "; the table beside it gives its numbers" if j < len(tables) and tables[j] else ""
        alts.append(f"{what} at {setting}{numbers}. The figure after the explorer describes the plot in words.")
    return alts


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
