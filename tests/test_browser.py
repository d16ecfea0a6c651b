"""The published book in a real browser: headless Chromium over every page, offline.

The built site (``_build/html``, built by ``make test`` just before the tests; built here
if missing) is served on 127.0.0.1 and opened with Playwright driving Debian's Chromium.
Every request that leaves 127.0.0.1 is blocked and recorded, so the checks below prove
the book works in a classroom without internet: MathJax, RequireJS and the widget
manager come from the site itself (``tools/vendor_js.py``).

Per page: no console errors and no failed requests; no blocked external request; every
formula typeset by MathJax and no raw ``$...$`` left in the text; every image loaded and
with alt text; headings in order; saved widget state rendered as widgets; on notebook
pages, Colab and Binder links to the right notebook. Across the site: every internal
link resolves, the search page finds a chapter by a distinctive word, Korean terms are
drawn in a font that has Hangul. A screenshot of
each chapter's first screen is saved to ``_build/screenshots/``.
"""
from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tools import nbtools

pytestmark = pytest.mark.browser  # `make unit` leaves these out: they need Chromium and a built book

ROOT = nbtools.ROOT
HTML = Path(os.environ.get("DLCOURSE_BOOK_HTML", ROOT / "_build" / "html"))  # override to test another build
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a root, offline, headless Chromium (background services would try the network).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
PAGES = nbtools.toc_files()


@pytest.fixture(scope="module")
def site():
    if not (HTML / "index.html").exists():
        subprocess.run([sys.executable, "tools/vendor_js.py"], cwd=ROOT, check=True)
        subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", ".", "--all", "-W", "-n",
                        "--keep-going"], cwd=ROOT, check=True, capture_output=True)
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is needed for the browser test: `apt-get install chromium chromium-driver` "
                    "(.ci/run installs it).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Visit:
    """One page opened offline, with what went wrong on the way."""

    def __init__(self, browser, base: str, path: str, width: int = 1280):
        self.context = browser.new_context(viewport={"width": width, "height": 800})
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route(base))
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url}")
                     if r.url.startswith(base) else None)
        self.page.on("response", lambda r: self.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        self.page.goto(f"{base}/{path}", wait_until="load")
        # MathJax typesets asynchronously; its startup promise settles when the page is done.
        self.page.wait_for_function("() => !window.MathJax || (MathJax.startup && MathJax.startup.promise)")
        self.page.evaluate("() => window.MathJax ? MathJax.startup.promise.then(() => true) : true")

    def _route(self, base: str):
        def handle(route):
            if route.request.url.startswith(base) or route.request.url.startswith("data:"):
                route.continue_()
            else:
                self.blocked.append(route.request.url)
                route.abort()
        return handle

    def close(self):
        self.context.close()


UNTYPESET = """() => Array.from(document.querySelectorAll('.math'))
    .filter(el => !el.querySelector('mjx-container')).map(el => el.textContent.slice(0, 60))"""
RAW_DOLLARS = """() => {
    const article = document.querySelector('article') || document.body;
    const copy = article.cloneNode(true);
    copy.querySelectorAll('pre, code, script, style, mjx-container, .highlight, .cell_output').forEach(n => n.remove());
    return (copy.textContent.match(/\\$[^$\\s][^$\\n]{0,80}?\\$/g) || []).slice(0, 5);
}"""
IMAGES = """() => Array.from(document.images).map(i => ({src: (i.getAttribute('src') || '').slice(0, 80),
    ok: i.complete && i.naturalWidth > 0, alt: (i.getAttribute('alt') || '').trim()}))"""
HEADINGS = """() => Array.from(document.querySelectorAll('article h1, article h2, article h3, article h4, article h5, article h6'))
    .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)])"""


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_offline(site, browser, name):
    assert (HTML / f"{name}.html").exists(), f"{name}.html was not built"
    visit = Visit(browser, site, f"{name}.html")
    try:
        page = visit.page
        assert not visit.blocked, f"the page asked the internet for {visit.blocked[:5]}"
        assert not visit.errors, "\n".join(visit.errors[:10])
        assert not page.evaluate(UNTYPESET), f"formulas MathJax did not typeset: {page.evaluate(UNTYPESET)[:5]}"
        assert not page.evaluate(RAW_DOLLARS), f"raw $...$ left in the text: {page.evaluate(RAW_DOLLARS)}"
        images = page.evaluate(IMAGES)
        assert not [i["src"] for i in images if not i["ok"]], f"images that did not load: {images}"
        assert not [i["src"] for i in images if not i["alt"]], "images without alt text: " + str(
            [i["src"] for i in images if not i["alt"]])
        levels = page.evaluate(HEADINGS)
        assert levels and levels[0][0] == 1, f"the page must start with one h1: {levels[:3]}"
        assert sum(1 for level, _ in levels if level == 1) == 1, "one h1 per page"
        for (before, _), (after, text) in zip(levels, levels[1:]):
            assert after <= before + 1, f"heading {text!r} jumps from h{before} to h{after}"
        if page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count() or \
                page.locator(".jupyter-widgets").count():
            page.wait_for_selector(".jupyter-widgets .widget-slider, .jupyter-widgets .widget-image, "
                                   ".jupyter-widgets.widget-container", timeout=20_000)
        if name.startswith("notebooks/"):
            repo = nbtools.repo_url().removeprefix("https://github.com/")
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            # a chapter opens its Colab copy, whose MyST roles are plain links (tools/colab_export.py)
            copy = f"colab/{Path(name).name}" if re.match(r"notebooks/\d\d_", name) else name
            colab = f"https://colab.research.google.com/github/{repo}/blob/main/{copy}.ipynb"
            binder = f"https://mybinder.org/v2/gh/{repo}/main?urlpath=lab/tree/{name}.ipynb"
            assert colab in hrefs, f"no Colab link to {colab}"
            assert binder in hrefs, f"no Binder link to {binder}"
            if re.match(r"notebooks/\d\d_", name):
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"{Path(name).name}.png"))
    finally:
        visit.close()


WIDE_CODE = """() => Array.from(document.querySelectorAll('div.cell_input pre'))
    .filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.textContent.split('\\n')[0].slice(0, 60))"""


@pytest.mark.parametrize("name", [p for p in PAGES if re.match(r"notebooks/(exercises/ex|\d\d_)", p)])
def test_code_fits_the_column_on_a_laptop(site, browser, name):
    """At 1366 px no code cell needs sideways scrolling (tools/format_notebooks.py keeps lines
    within the column; this checks the column really holds them in the book's font)."""
    visit = Visit(browser, site, f"{name}.html", width=1366)
    try:
        wide = visit.page.evaluate(WIDE_CODE)
        assert not wide, f"code cells wider than the column at 1366 px: {wide[:5]}"
    finally:
        visit.close()


HANGUL_PROBE = """() => {
    const walker = document.createTreeWalker(document.querySelector('article') || document.body, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        if (/[\\uac00-\\ud7a3]/.test(node.textContent)) {
            node.parentElement.setAttribute('data-dlc-hangul-probe', '');
            return node.textContent.trim().slice(0, 40);
        }
    }
    return null;
}"""
#: Families that hold Hangul: Noto/Source Han (Linux, Android), Apple SD Gothic Neo, Malgun, Nanum.
KOREAN_FAMILY = re.compile(r"CJK|KR|Korean|Han Sans|Han Serif|Gothic|Malgun|Nanum|Batang|Gulim|Dotum", re.I)


def test_korean_terms_render_in_a_korean_font(site, browser):
    """Korean glossary names are drawn with a font that has Hangul, not as empty boxes: the
    fonts Chromium used for the text (DevTools' platform fonts) include a Korean family."""
    visit = Visit(browser, site, "book/glossary.html")
    try:
        text = visit.page.evaluate(HANGUL_PROBE)
        assert text, "no Korean text found on the glossary page"
        cdp = visit.context.new_cdp_session(visit.page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-dlc-hangul-probe]"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        korean = [f for f in fonts if KOREAN_FAMILY.search(f["familyName"]) and f["glyphCount"] > 0]
        assert korean, f"{text!r} was drawn with {fonts}: no font with Hangul (apt-get install fonts-noto-cjk)"
    finally:
        visit.close()


def test_search_finds_a_chapter_by_a_distinctive_word(site, browser):
    visit = Visit(browser, site, "search.html?q=perplexity")
    try:
        visit.page.wait_for_selector("#search-results ul.search li a", timeout=30_000)
        found = visit.page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.href)")
        assert any("06_rnn_bptt" in href for href in found), found
        assert not visit.blocked and not visit.errors, visit.blocked + visit.errors
    finally:
        visit.close()


def test_every_internal_link_resolves(site):
    from bs4 import BeautifulSoup

    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            ids[path] = {el["id"] for el in soup.find_all(id=True)} | {a["name"] for a in soup.find_all("a", attrs={"name": True})}
        return ids[path]

    broken = []
    pages = [p for p in HTML.rglob("*.html") if not {"_static", "_sources", "vendor"} & set(p.relative_to(HTML).parts)]
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for a in soup.find_all("a", href=True):
            href = a["href"]
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "javascript:", "//")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(HTML)}: {href}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids_of(target):
                broken.append(f"{page.relative_to(HTML)}: {href} (no such anchor)")
    assert pages and not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:20])


def test_colour_maps_are_colour_blind_safe():
    """Figures use perceptually uniform or colour-blind-safe maps, never jet, rainbow or hsv."""
    safe = {"viridis", "cividis", "magma", "inferno", "plasma", "Greys", "Greys_r", "gray", "gray_r", "binary",
            "Blues", "Blues_r", "Oranges", "Purples", "Greens", "Reds", "RdBu", "RdBu_r", "PuOr", "PuOr_r",
            "BrBG", "coolwarm", "bwr", "YlGnBu", "YlOrRd", "cividis_r", "viridis_r", "magma_r"}
    pattern = re.compile(r"""(?:cmap\s*=\s*|get_cmap\(|colormaps\[)\\?["']([A-Za-z0-9_]+)""")
    found: dict[str, set[str]] = {}
    files = list((ROOT / "src").rglob("*.py")) + list((ROOT / "notebooks").rglob("*.ipynb"))
    for path in files:
        for name in pattern.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    assert found, "the scan found no colour map at all: the pattern is broken"
    unsafe = {name: sorted(where) for name, where in found.items() if name not in safe}
    assert not unsafe, f"colour maps that are not colour-blind safe: {unsafe}"
