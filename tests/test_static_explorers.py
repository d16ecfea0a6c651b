"""Explorers in the static book: grid, stored results, frames, and the page's controls.

Unit tests: the stored results decode to exactly what ``compute`` returned, and the frame
the book build draws at a grid point has the same pixels as the live widget's picture at
that setting. Browser tests (``browser`` mark, Chromium): a page made of the explorers'
static HTML with ``book/_static/explorers.js``, served on 127.0.0.1 with every other
request blocked; every control is moved to at least three settings and the displayed
picture and table are compared with the kernel's, and the picture's alt text names the
setting shown.
"""
from __future__ import annotations

import base64
import functools
import html
import http.server
import io
import json
import math
import os
import re
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from dlcourse.widgets import _codec, static, static_book  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _pixels(png: bytes) -> np.ndarray:
    import matplotlib.image as mpimg

    return np.asarray(mpimg.imread(io.BytesIO(png), format="png"))


def _explorers() -> dict:
    """Explorers whose compute needs no trained model, built as their chapters build them."""
    from dlcourse import widgets as W

    rng = np.random.default_rng(0)
    x = rng.normal(size=20)
    y = 2 * x + 1 + rng.normal(size=20)
    labels = (rng.random(60) > 0.5).astype(int)
    scores = np.clip(0.3 * labels + 0.7 * rng.random(60), 0, 1)
    return {
        "softmax": lambda: W.softmax_explorer(logits=(2.0, 1.0, 0.1), temperature=1.0),
        "line_fit": lambda: W.line_fit_explorer(x, y, intercept=0.0, slope=5.0),
        "threshold": lambda: W.threshold_explorer(labels, scores, threshold=0.5),
        "lstm": lambda: W.lstm_gate_explorer(),
        "convolution": lambda: W.convolution_explorer(),
        "tokenizer": lambda: W.tokenizer_explorer(),
    }


def _set(explorer, controls, point) -> None:
    for c, i in zip(controls, point):
        explorer.controls[c["name"]].value = c["values"][i]


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_encode_decode_is_exact():
    value = {"a": np.arange(6, dtype=np.float32).reshape(2, 3) / 7, "b": (1, 2.5, "x"), "c": [np.float64(0.1), None],
             "d": float("nan"), "e": {1: True}, "f": np.array(3.0), "g": np.arange(6, dtype=np.float32).reshape(2, 3) / 7}
    arrays: dict = {}
    blobs: list = []
    encoded = static.encode(value, arrays, blobs)
    assert len(blobs) == 2  # "a" and "g" are equal: stored once
    back = static.decode(json.loads(json.dumps(encoded)), blobs)
    assert back["a"].dtype == np.float32 and np.array_equal(back["a"], value["a"])
    assert back["b"] == (1, 2.5, "x") and isinstance(back["b"], tuple)
    assert type(back["c"][0]) is np.float64 and back["c"][0] == 0.1
    assert math.isnan(back["d"]) and back["e"] == {1: True} and back["f"].shape == ()
    from collections import Counter

    from dlcourse.text.vocab import Vocab

    vocab = Vocab(["a", "b"])
    both = static.decode(json.loads(json.dumps(static.encode({"c": Counter("abca"), "v": vocab}, {}, blobs))), blobs)
    assert both["c"] == Counter("abca") and type(both["c"]) is Counter
    assert type(both["v"]) is Vocab and vars(both["v"]).keys() == vars(vocab).keys()
    with pytest.raises(TypeError, match="cannot store"):
        static.encode({"model": object()}, {}, [])


@pytest.mark.parametrize("name", list(_explorers()))
def test_grid_covers_every_control(name):
    explorer = _explorers()[name]()
    controls, points = static.grid_points(explorer)
    assert points[0] == [c["default"] for c in controls]  # the saved picture is a grid point
    assert len({tuple(p) for p in points}) == len(points) <= static.MAX_POINTS + sum(len(c["values"]) for c in controls)
    for k, c in enumerate(controls):
        if static._kind(explorer.controls[c["name"]]) == "text":
            assert len(c["values"]) == 1
            continue
        assert len(c["values"]) >= (2 if static._kind(explorer.controls[c["name"]]) == "bool" else 3), c["name"]
        assert {p[k] for p in points} == set(range(len(c["values"]))), c["name"]  # every value reachable


@pytest.mark.parametrize("name", list(_explorers()))
def test_frame_equals_kernel_render(name, tmp_path):
    """The build's frame at a grid point has the live widget's pixels at that setting."""
    explorer = _explorers()[name]()
    data = _codec._unpack(static._DATA_RE.search(explorer._repr_mimebundle_()["text/html"]).group(1))
    assert data["mode"] == "results"
    frames = static_book.render_frames(data, cache=tmp_path)
    controls = data["controls"]
    for j in sorted({0, len(data["points"]) // 2, len(data["points"]) - 1}):
        _set(explorer, controls, data["points"][j])
        assert np.array_equal(_pixels(frames[j]), _pixels(explorer.image.value)), (name, j)
        assert data["tables"][j] == explorer.html.value
    again = static_book.render_frames(data, cache=tmp_path)  # from the cache this time
    assert again == frames


#: The book's 20 explorers, built as tests/test_widgets.py builds them (tiny models for
#: the ones a chapter trains): each must be stored exactly (results, not PNG frames).
ALL_EXPLORERS = [
    "softmax_explorer", "line_fit_explorer", "threshold_explorer", "learning_rate_explorer", "optimizer_explorer",
    "vanishing_explorer", "convolution_explorer", "tokenizer_explorer", "window_explorer", "analogy_explorer",
    "gradient_flow_explorer", "sampling_explorer", "lstm_gate_explorer", "gru_gate_explorer", "arma_explorer",
    "decoding_explorer", "attention_explorer", "positional_encoding_explorer", "attention_head_explorer",
    "xai_explorer",
]


@pytest.mark.parametrize("name", ALL_EXPLORERS)
def test_every_explorer_is_stored_and_drawn_exactly(name, tmp_path):
    from tests.test_widgets import BUILDERS

    explorer = BUILDERS[name]()
    data = static.payload(explorer)
    assert data["mode"] == "results", f"{name}: a result part cannot be stored exactly"
    frames = static_book.render_frames(data, cache=tmp_path)
    controls = data["controls"]
    j = len(data["points"]) - 1  # the setting furthest from the saved one (the others: above)
    _set(explorer, controls, data["points"][j])
    if not frames[j]:  # compute rejected this setting: the widget shows a message, no picture
        assert explorer.error and explorer.image.value == b""
        return
    assert np.array_equal(_pixels(frames[j]), _pixels(explorer.image.value)), (name, j)
    assert data["tables"][j] == explorer.html.value


def test_static_html_writes_frames_and_untrusted_view(tmp_path):
    explorer = _explorers()["softmax"]()
    fragment = explorer._repr_mimebundle_()["text/html"]
    assert "<img" in fragment and "data:image/png;base64," in fragment and "Run this cell" in fragment
    assert "Explorer(children" not in fragment
    page = static_book.static_html(fragment, tmp_path / "site", "notebooks", cache=tmp_path / "cache")
    grid = json.loads(re.search(r'class="dlc-explorer-grid">(.*?)</script>', page, re.S).group(1))
    assert all(url.startswith("../_static/explorers/") for url in grid["frames"])
    assert len(list((tmp_path / "site" / "_static" / "explorers").glob("*.png"))) == len(set(grid["frames"]))
    # one alt per frame naming the setting it shows; the saved picture carries point 0's
    assert len(grid["alts"]) == len(grid["points"]) == len(set(grid["alts"]))
    for alt, point in zip(grid["alts"], grid["points"]):
        for k, c in enumerate(grid["controls"]):
            if len(c["labels"]) > 1:
                assert f'{c["label"]} = {c["labels"][point[k]]}' in alt, (alt, c["name"])
    first = re.search(r'<img class="dlc-explorer-frame"[^>]*\balt="([^"]*)"', page).group(1)
    assert html.unescape(first) == grid["alts"][0] and "Softmax" in first
    assert static_book.static_html("<p>no explorer</p>", tmp_path) == "<p>no explorer</p>"


def test_unknown_results_store_frames():
    """A result the encoder cannot store exactly: the frames themselves are stored."""
    import ipywidgets as widgets

    from dlcourse.widgets import Explorer, render_softmax, softmax_temperature

    def compute(t):
        out = softmax_temperature([1.0, 0.0], t)
        out["extra"] = object()
        return out

    explorer = Explorer({"t": widgets.FloatSlider(value=1.0, min=0.5, max=2.0, step=0.5)}, compute, render_softmax)
    data = static.payload(explorer)
    assert data["mode"] == "frames" and len(data["frames"]) == len(data["points"]) == 4
    explorer.controls["t"].value = data["controls"][0]["values"][2]
    assert np.array_equal(_pixels(base64.b64decode(data["frames"][2])), _pixels(explorer.image.value))


# ---------------------------------------------------------------------------- browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
READ_IMAGE = """img => new Promise(resolve => {
  const done = () => { const c = document.createElement('canvas'); c.width = img.naturalWidth;
    c.height = img.naturalHeight; c.getContext('2d').drawImage(img, 0, 0); resolve(c.toDataURL('image/png')); };
  if (img.complete && img.naturalWidth) done(); else img.addEventListener('load', done, {once: true});
})"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def explorer_page(tmp_path_factory):
    """A page with every explorer of :func:`_explorers`, as the book shows them."""
    site = tmp_path_factory.mktemp("site")
    (site / "_static").mkdir()
    for name in ("explorers.js", "explorers.css"):
        shutil.copy(ROOT / "book" / "_static" / name, site / "_static" / name)
    built = {name: make() for name, make in _explorers().items()}
    body = "".join(
        f'<section id="{name}">' + static_book.static_html(e._repr_mimebundle_()["text/html"], site, "pages",
                                                       cache=site.parent / "cache") + "</section>"
        for name, e in built.items()
    )
    (site / "pages").mkdir()
    (site / "pages" / "explorers.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="../_static/explorers.css">'
        f'<script src="../_static/explorers.js"></script></head><body>{body}</body></html>', encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/pages/explorers.html", built
    server.shutdown()


@pytest.mark.browser
def test_controls_move_picture_and_table(explorer_page):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is needed: apt-get install chromium")
    url, built = explorer_page
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        outside: list[str] = []
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1")
                   else (outside.append(route.request.url), route.abort()))
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        for name, explorer in built.items():
            box = page.locator(f"#{name} .dlc-explorer")
            grid = json.loads(box.locator("script.dlc-explorer-grid").text_content())
            assert box.locator("img.dlc-explorer-frame").get_attribute("alt") == grid["alts"][0]
            controls, _ = static.grid_points(explorer)
            moved = 0
            for k, c in enumerate(grid["controls"]):
                if len(c["labels"]) < 2:
                    continue
                control = box.locator(f'[data-control="{c["name"]}"]')
                n = len(c["labels"])
                for i in sorted({0, n // 2, n - 1}):
                    control.evaluate("(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); }", i)
                    j = int(box.get_attribute("data-dlc-point"))
                    assert grid["points"][j][k] == i
                    _set(explorer, controls, grid["points"][j])
                    shown = box.locator("img.dlc-explorer-frame").evaluate(READ_IMAGE)
                    png = base64.b64decode(shown.split(",", 1)[1])
                    assert np.array_equal(_pixels(png)[..., :3], _pixels(explorer.image.value)[..., :3]), (name, c["name"], i)
                    assert box.locator(".dlc-explorer-table").text_content() == _text(explorer.html.value)
                    readout = control.locator("xpath=following-sibling::output").text_content()
                    assert readout == c["labels"][i]
                    # a screen reader hears the setting now shown, not the saved one
                    alt = box.locator("img.dlc-explorer-frame").get_attribute("alt")
                    assert alt == grid["alts"][j] and f'{c["label"]} = {readout}' in alt, (name, alt)
                    moved += 1
            assert moved >= 3, name
        browser.close()
    assert not errors, errors
    assert not outside, outside


# ---------------------------------------------------------------------------- the built book
BOOK = Path(os.environ.get("DLCOURSE_BOOK_HTML", ROOT / "_build" / "html"))


def _book_pages() -> list[Path]:
    """Built pages with at least one static explorer (empty until notebooks are re-executed)."""
    if not BOOK.exists():
        return []
    return sorted(p for p in BOOK.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts
                  and 'class="dlc-explorer-grid"' in p.read_text(encoding="utf-8", errors="replace"))


def _stored_payloads(page: Path) -> list[dict]:
    """The payloads in the page's notebook, as the kernel stored them (``_sources`` copy)."""
    import nbformat

    source = BOOK / "_sources" / page.relative_to(BOOK).with_suffix(".ipynb")
    out = []
    for cell in nbformat.read(source, as_version=4).cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/html", "")
            match = static._DATA_RE.search(text if isinstance(text, str) else "".join(text))
            if match:
                out.append(_codec._unpack(match.group(1)))
    return out


def _kernel_png(data: dict, j: int) -> bytes:
    """The live widget's picture at grid point ``j``: its render of the result its compute returned."""
    from dlcourse.widgets._base import render_png

    if data["mode"] == "frames":
        return base64.b64decode(data["frames"][j])
    render = _codec._import(data["render"])
    return render_png(render, static.decode(data["results"][j], data["blobs"]), tuple(data["figsize"]))


@pytest.mark.browser
@pytest.mark.parametrize("page", _book_pages(), ids=lambda p: p.stem)
def test_book_explorers_follow_their_controls(page):
    """In the built book, offline: every control of every explorer moved to >= 3 settings
    (2 for a checkbox); the picture has the kernel render's pixels, the table its numbers."""
    from playwright.sync_api import sync_playwright

    payloads = _stored_payloads(page)
    handler = functools.partial(_QuietHandler, directory=str(BOOK))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            view = browser.new_page(viewport={"width": 1366, "height": 900})
            outside: list[str] = []
            view.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                       else (outside.append(route.request.url), route.abort()))
            view.goto(base + page.relative_to(BOOK).as_posix())
            boxes = view.locator(".dlc-explorer:has(script.dlc-explorer-grid)")
            assert boxes.count() >= 1
            for b in range(boxes.count()):
                box = boxes.nth(b)
                grid = json.loads(box.locator("script.dlc-explorer-grid").text_content())
                data = next(d for d in payloads if d["tables"] == grid["tables"] and d["points"] == grid["points"])
                moved = 0
                for k, c in enumerate(grid["controls"]):
                    n = len(c["labels"])
                    if n < 2:
                        continue
                    control = box.locator(f'[data-control="{c["name"]}"]')
                    for i in sorted({0, n // 2, n - 1}):
                        control.evaluate("(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); }", i)
                        j = int(box.get_attribute("data-dlc-point"))
                        assert grid["points"][j][k] == i
                        assert box.locator(".dlc-explorer-table").text_content() == _text(data["tables"][j])
                        if not grid["frames"][j]:
                            continue
                        shown = box.locator("img.dlc-explorer-frame").evaluate(READ_IMAGE)
                        png = base64.b64decode(shown.split(",", 1)[1])
                        assert np.array_equal(_pixels(png)[..., :3], _pixels(_kernel_png(data, j))[..., :3]), \
                            (page.stem, b, c["name"], i)
                        alt = box.locator("img.dlc-explorer-frame").get_attribute("alt")
                        assert alt == grid["alts"][j] and f'{c["label"]} = {c["labels"][i]}' in alt, (page.stem, alt)
                        moved += 1
                assert moved >= 2, (page.stem, b)
            for width in (390, 1366):  # never shrunk below a readable size, phone or laptop
                view.set_viewport_size({"width": width, "height": 900})
                widths = view.locator(".dlc-explorer img.dlc-explorer-frame").evaluate_all(
                    "imgs => imgs.filter(i => !i.hidden).map(i => i.getBoundingClientRect().width)")
                assert min(widths) >= 300, (page.stem, width, widths)
            browser.close()
    finally:
        server.shutdown()
    assert not outside, outside


def _explorer_outputs(notebook: Path) -> int:
    """How many explorer outputs (static HTML with a stored grid) the notebook holds."""
    import nbformat

    count = 0
    for cell in nbformat.read(notebook, as_version=4).cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/html", "")
            count += static._DATA_CLASS in (text if isinstance(text, str) else "".join(text))
    return count


CHAPTERS_WITH_EXPLORERS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
                                 if static._DATA_CLASS in p.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab of the pinned environment on 127.0.0.1, serving untrusted copies of the
    chapters (a fresh clone: no trust database) and their Colab copies, every cell rendered
    (no windowing)."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").mkdir()
    for name in CHAPTERS_WITH_EXPLORERS:
        shutil.copy(ROOT / "notebooks" / name, root / "notebooks" / name)
    shutil.copytree(ROOT / "colab", root / "colab")
    settings = root / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, JUPYTER_DATA_DIR=str(root / "data"), JUPYTER_CONFIG_DIR=str(root / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(root / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(root / "ws"))
    lab = Path(sys.executable).parent / "jupyter-lab"
    server = subprocess.Popen([str(lab), "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
                               "--IdentityProvider.token=", "--ServerApp.password=",
                               f"--ServerApp.root_dir={root}",
                               "--ServerApp.allow_root=True", "--LabApp.news_url=",
                               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        for _ in range(180):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2)
                break
            except OSError:
                time.sleep(1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.browser
@pytest.mark.parametrize("name", CHAPTERS_WITH_EXPLORERS)
def test_untrusted_notebook_in_jupyterlab_shows_the_picture(jupyterlab, name):
    """A fresh clone (notebook not trusted) in JupyterLab: every explorer shows its picture
    and the "run this cell" note, never ``Explorer(children=...``."""
    from playwright.sync_api import sync_playwright

    expected = _explorer_outputs(ROOT / "notebooks" / name)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            # ?reset: a fresh workspace (the server would reopen the previous test's notebook)
            page.goto(f"{jupyterlab}/lab/tree/notebooks/{name}?reset", timeout=120_000)
            boxes = page.locator(".jp-OutputArea-output .dlc-explorer")
            boxes.first.wait_for(state="attached", timeout=120_000)
            page.wait_for_function(f"() => document.querySelectorAll('.jp-OutputArea-output .dlc-explorer')"
                                   f".length >= {expected}", timeout=60_000)
            assert boxes.count() == expected, (name, boxes.count(), expected)
            for b in range(expected):
                box = boxes.nth(b)
                box.scroll_into_view_if_needed(timeout=60_000)
                img = box.locator("img.dlc-explorer-frame")
                img.wait_for(timeout=30_000)
                assert img.evaluate("i => i.complete && i.naturalWidth") >= 320, (name, b)
                assert img.get_attribute("alt"), (name, b)
                assert "Run this cell to use the sliders" in box.text_content()
            assert page.locator("text=Explorer(children").count() == 0, name
        finally:
            browser.close()


RAW_ROLES = """() => (Array.from(document.querySelectorAll('.jp-MarkdownCell')).map(c => c.innerText).join('\\n')
    .match(/\\{(term|cite|cite:p|cite:t|doc)\\}\\S{0,30}/g) || [])"""


@pytest.mark.browser
def test_colab_copy_reads_clean_in_jupyterlab(jupyterlab):
    """JupyterLab (pinned, no MyST extension) shows the chapters' MyST roles as text
    (``{term}long``); the chapter's Colab copy, which README points readers of ``make lab``
    to, shows none, and its glossary and citation words are links to the published book."""
    from playwright.sync_api import sync_playwright

    name = "07_lstm_gru.ipynb"
    book = colab_book_url()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            seen, links = {}, {}
            for folder in ("notebooks", "colab"):
                page.goto(f"{jupyterlab}/lab/tree/{folder}/{name}?reset", timeout=120_000)
                page.locator(".jp-MarkdownCell .jp-RenderedMarkdown").first.wait_for(timeout=120_000)
                page.wait_for_function("() => document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown')"
                                       ".length >= 10", timeout=60_000)
                seen[folder] = page.evaluate(RAW_ROLES)
                links[folder] = page.eval_on_selector_all(".jp-MarkdownCell a[href]", "els => els.map(e => e.href)")
            assert seen["notebooks"], "the raw-role probe found nothing in the chapter itself: the probe is broken"
            assert not seen["colab"], f"raw MyST roles in the Colab copy as JupyterLab shows it: {seen['colab'][:5]}"
            hrefs = links["colab"]
            assert any(h.startswith(book + "book/glossary.html#term-") for h in hrefs), hrefs[:10]
            assert any(h == book + "book/references.html" for h in hrefs), hrefs[:10]
        finally:
            browser.close()


def colab_book_url() -> str:
    from tools import colab_export

    return colab_export.book_url()
