"""Put the book's JavaScript (MathJax, RequireJS, the ipywidgets HTML manager) inside the build.

By default Jupyter Book loads MathJax, RequireJS and ``@jupyter-widgets/html-manager``
from CDNs, so a classroom without internet sees raw ``$...$`` and no widgets. This
script downloads the three packages once from the npm registry, checks each tarball
against the SHA-512 integrity the registry published (pinned below), and extracts the
files the book needs into ``_vendor/vendor/`` (git-ignored; Sphinx copies it to the
site's ``vendor/`` folder through ``html_extra_path``: not ``_static``, because Jupyter Book
would add every script found there to every page). ``_config.yml`` points
Sphinx's ``mathjax_path`` and MyST-NB's ``nb_ipywidgets_js`` there. The tarballs are
cached in ``.cache/vendor/``; a second run needs no network.

The versions match what the book's stack expects: MathJax 3 (Sphinx's default major
version), RequireJS 2.3, and html-manager 1.0.6, the version MyST-NB 1.x loads for
ipywidgets 8.
"""
from __future__ import annotations

import base64
import hashlib
import io
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "vendor"
TARGET = ROOT / "_vendor" / "vendor"
REGISTRY = "https://registry.npmjs.org"

#: name, version, registry integrity (``npm view <name>@<version> dist.integrity``),
#: folder under _static/vendor, and which members of ``package/`` to keep.
PACKAGES = [
    ("mathjax", "3.2.2",
     "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
     "mathjax",
     # the combined TeX+MathML->CommonHTML component, plus what it loads on demand:
     # TeX extensions (autoload), CommonHTML fonts, the menu and accessibility parts.
     lambda p: p == "es5/tex-mml-chtml.js" or p.startswith(
         ("es5/input/", "es5/output/chtml", "es5/a11y/", "es5/ui/", "es5/sre/", "es5/adaptors/"))),
    ("requirejs", "2.3.6",
     "sha512-ipEzlWQe6RK3jkzikgCupiTbTvm4S0/CAU5GlgptkN5SO6F3u0UD0K18wy6ErDqiCyP4J4YYe1HuAShvsxePLg==",
     "requirejs",
     lambda p: p == "require.js"),
    ("@jupyter-widgets/html-manager", "1.0.6",
     "sha512-+Mn+Ra8wyIHrYaUpfmf9A3dsLkt/NuwzPQN8sthdxBD35VV5cOJbpmgMhNR27n/rmP3mKyEe0PWCJrtZrXTXDQ==",
     "html-manager",
     # the RequireJS embedder and the icon fonts its stylesheet points at (no source maps)
     lambda p: p == "dist/embed-amd.js" or (
         p.startswith("dist/") and p.rsplit(".", 1)[-1] in {"woff", "woff2", "ttf", "eot", "svg"})),
]


def tarball_url(name: str, version: str) -> str:
    return f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{version}.tgz"


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch(name: str, version: str, integrity: str) -> bytes:
    cached = CACHE / f"{name.replace('/', '__')}-{version}.tgz"
    if cached.exists():
        data = cached.read_bytes()
    else:
        url = tarball_url(name, version)
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                data = response.read()
        except Exception as exc:  # URLError, http.client errors, timeouts, resets: one message
            raise SystemExit(
                f"Could not download {url} ({exc}). The book vendors its JavaScript so that the built "
                "site works offline; this needs the npm registry once. Connect and run "
                "`python tools/vendor_js.py` again (it caches the files in .cache/vendor/).") from exc
    got = integrity_of(data)
    if got != integrity:
        raise SystemExit(f"{name}@{version}: integrity mismatch: expected {integrity}, got {got}. "
                         f"Delete {cached} and retry; if it persists, the pinned value or the registry changed.")
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(data)
    return data


#: Loaded between RequireJS and the widget manager (see ``nb_ipywidgets_js`` in _config.yml).
#: The manager finds its icon fonts next to its own module URI, which RequireJS derives
#: from the module name ("@jupyter-widgets/html-manager/dist/..."), relative to the page
#: unless told otherwise; this maps the name to the vendored folder, wherever the page is.
#: It also bridges a version gap: html-manager 1.0.6 typesets widget labels with the
#: MathJax 2 call ``MathJax.Hub.Queue``, which MathJax 3 no longer has ("Cannot read
#: properties of undefined (reading 'Queue')" on every page with widgets); the bridge
#: forwards it to MathJax 3's ``typesetPromise`` once MathJax has started.
REQUIRE_CONFIG = """\
// Written by tools/vendor_js.py: tell RequireJS where the widget manager's files are.
(function () {
  var here = document.currentScript.src;
  var vendor = here.slice(0, here.lastIndexOf("/requirejs/") + 1);
  require.config({paths: {"@jupyter-widgets/html-manager/dist": vendor + "html-manager"}});
  // MathJax 2's Hub.Queue, as the widget manager calls it, on top of MathJax 3.
  document.addEventListener("DOMContentLoaded", function () {
    var M = window.MathJax;
    if (M && !M.Hub) {
      M.Hub = {Queue: function (job) {
        var element = job && job[2];
        var ready = (M.startup && M.startup.promise) || Promise.resolve();
        ready.then(function () { return M.typesetPromise ? M.typesetPromise(element ? [element] : undefined) : null; });
      }};
    }
  });
})();
"""


def _manifest_ok(stamp: Path, label: str) -> bool:
    """True when the stamp names this package and every file it lists has its recorded SHA-256."""
    if not stamp.exists():
        return False
    lines = stamp.read_text().splitlines()
    if not lines or lines[0] != label:
        return False
    for line in lines[1:]:
        digest, _, relative = line.partition("  ")
        path = stamp.parent / relative
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return False
    return True


def extract(data: bytes, dest: Path, keep) -> list[Path]:
    """Extract the kept regular files of an npm tarball into ``dest``, never outside it.

    Each member passes tarfile's ``data`` filter (no absolute paths, no ``..``, no links
    or devices) and its resolved path must lie inside ``dest``; otherwise SystemExit.
    """
    root = dest.resolve()
    written = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            inner = member.name.split("/", 1)[1] if "/" in member.name else member.name
            if not member.isfile() or not keep(inner):
                continue
            try:
                tarfile.data_filter(member, str(root))
            except tarfile.FilterError as exc:
                raise SystemExit(f"refusing tarball member {member.name!r}: {exc}") from None
            out = (root / inner.removeprefix("es5/").removeprefix("dist/")).resolve()
            if root not in out.parents:
                raise SystemExit(f"refusing tarball member {member.name!r}: it would be written outside {root}")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(tar.extractfile(member).read())
            written.append(out)
    return written


def vendor() -> list[Path]:
    written = []
    config = TARGET / "requirejs" / "config.js"
    for name, version, integrity, folder, keep in PACKAGES:
        stamp = TARGET / folder / ".version"
        label = f"{name}@{version}"
        if _manifest_ok(stamp, label):
            continue
        data = fetch(name, version, integrity)
        shutil.rmtree(TARGET / folder, ignore_errors=True)
        files = extract(data, TARGET / folder, keep)
        written += files
        root = (TARGET / folder).resolve()
        manifest = [label] + [f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {f.relative_to(root)}" for f in files]
        stamp.write_text("\n".join(manifest) + "\n")
    if not config.exists() or config.read_text() != REQUIRE_CONFIG:
        config.write_text(REQUIRE_CONFIG)
        written.append(config)
    return written


if __name__ == "__main__":
    files = vendor()
    print(f"vendored {len(files)} files into {TARGET.relative_to(ROOT)}" if files
          else "vendored JavaScript is up to date")
    sys.exit(0)
