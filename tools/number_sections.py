"""Number every chapter and its sections the same way, from the table of contents.

A chapter's title reads ``# N. Title`` and its sections ``## N.k Title``, where N is the
chapter's place among the chapters in ``_toc.yml`` (which the file name's prefix repeats)
and k counts its ``##`` sections. References in the text to the chapter's own sections
("section 6", "Sections 2.9-2.11") are renumbered with them. ``--check`` changes nothing and
fails when a title or a section heading is not numbered so (``make test`` runs the same
check in tests/test_notebook_policy.py).

Usage: ``python tools/number_sections.py [--check]``
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools import nbtools  # noqa: E402

TITLE = re.compile(r"^# (?:Chapter \d+[:.]\s*|\d+\.\s+)?(?P<title>.+)$", re.M)
SECTION = re.compile(r"^## (?:(?P<old>\d+(?:\.\d+)?)\.?\s+)?(?P<title>.+)$", re.M)
REFERENCE = re.compile(r"(?P<word>\b[Ss]ections?) (?P<list>\d+(?:\.\d+)?(?:\s*(?:-|–|and|to|,)\s*\d+(?:\.\d+)?)*)")


def chapters() -> list[tuple[int, Path]]:
    """(number, path) of the chapter notebooks in the toc's order; the number is the place."""
    found = [p for p in nbtools.toc_notebooks() if re.match(r"\d\d_", p.name)]
    numbered = []
    for place, path in enumerate(found):
        if int(path.name[:2]) != place:
            raise SystemExit(f"{path.name} is chapter {place} in _toc.yml; rename it {place:02d}_...")
        numbered.append((place, path))
    return numbered


def _headings(nb: nbformat.NotebookNode) -> list[tuple[int, re.Match]]:
    return [(i, m) for i, c in enumerate(nb.cells) if c.cell_type == "markdown" for m in SECTION.finditer(c.source)]


def problems(number: int, nb: nbformat.NotebookNode) -> list[str]:
    """What is not numbered as it should be in chapter ``number``."""
    found = []
    titles = [m for c in nb.cells if c.cell_type == "markdown" for m in re.finditer(r"^# .+$", c.source, re.M)]
    if not titles or not titles[0].group(0).startswith(f"# {number}. "):
        found.append(f"title should read '# {number}. ...': {titles[0].group(0) if titles else 'none'}")
    for k, (_, match) in enumerate(_headings(nb), 1):
        if not match.group(0).startswith(f"## {number}.{k} "):
            found.append(f"section {k} should read '## {number}.{k} ...': {match.group(0)}")
    return found


def renumber(number: int, nb: nbformat.NotebookNode) -> list[str]:
    """Number ``nb`` in place; returns the references to sections that were changed."""
    old_to_new: dict[str, str] = {}
    for k, (_, match) in enumerate(_headings(nb), 1):
        if match.group("old"):
            old_to_new[match.group("old")] = f"{number}.{k}"
    changes = []
    first_title = True
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = cell.source
        if first_title and TITLE.search(text):
            text = TITLE.sub(lambda m: f"# {number}. {m.group('title')}", text, count=1)
            first_title = False

        def reference(m: re.Match) -> str:
            new = re.sub(r"\d+(?:\.\d+)?", lambda n: old_to_new.get(n.group(0), n.group(0)), m.group("list"))
            if new != m.group("list"):
                changes.append(f"{m.group(0)} -> {m.group('word')} {new}")
            return f"{m.group('word')} {new}"

        text = REFERENCE.sub(reference, text)
        cell.source = text
    k = 0
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue

        def section(m: re.Match) -> str:
            nonlocal k
            k += 1
            return f"## {number}.{k} {m.group('title')}"

        cell.source = SECTION.sub(section, cell.source)
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    failed = 0
    for number, path in chapters():
        nb = nbtools.read(path)
        if args.check:
            for problem in problems(number, nb):
                print(f"{path.name}: {problem}")
                failed = 1
            continue
        for change in renumber(number, nb):
            print(f"{path.name}: {change}")
        nbformat.write(nb, path)
    return failed


if __name__ == "__main__":
    sys.exit(main())
