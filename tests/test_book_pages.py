"""Front and back matter: generated pages are current, chapters link the glossary."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tools import nbtools, widget_index


def test_widget_index_is_current_and_in_the_book():
    result = subprocess.run([sys.executable, "tools/widget_index.py", "--check"], cwd=nbtools.ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    for page in ("book/widgets", "book/changelog", "book/glossary", "book/notation", "book/references"):
        assert page in nbtools.toc_files(), f"{page} is not in _toc.yml"


@pytest.mark.parametrize("path", nbtools.chapter_notebooks(), ids=lambda p: p.name)
def test_every_explorer_has_a_static_companion_figure(path):
    missing = [item["name"] for item in widget_index.explorers(path) if not item["figure"]]
    assert not missing, f"explorers without a static figure (with alt text) right after them: {missing}"


@pytest.mark.parametrize("path", [p for p in nbtools.chapter_notebooks() if not p.name.startswith("00_")],
                         ids=lambda p: p.name)
def test_chapters_link_key_terms_to_the_glossary(path):
    text = "\n".join(c.source for c in nbtools.read(path).cells if c.cell_type == "markdown")
    # {term}`text` or {term}`shown text <glossary entry>`
    terms = [m[1] or m[0] for m in re.findall(r"\{term\}`([^`<]+?)\s*(?:<([^>]+)>)?`", text)]
    assert len(terms) >= 3, f"{path.name} links only {len(terms)} terms to the glossary"
    glossary = (nbtools.ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    entries = {line.strip().lower() for line in glossary.splitlines() if line and not line.startswith((" ", ":", "#", "`", "<"))}
    unknown = sorted({t.strip().lower() for t in terms} - entries)
    assert not unknown, f"{path.name} links terms the glossary does not define: {unknown}"
