"""Turn nbval's comment markers (``# NBVAL_CHECK_OUTPUT``) into cell tags.

A comment marker is part of the code a reader sees in the book, Colab and JupyterLab;
nbval reads the same instruction from a cell tag (``nbval-check-output``), which
readers do not see. Usage::

    python tools/nbval_tags.py            # every notebook under notebooks/
    python tools/nbval_tags.py --check    # exit 1 if any notebook still has a marker comment
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools import nbtools  # noqa: E402

MARKER = re.compile(r"^[ \t]*#[ \t]*(NBVAL_[A-Z_]+)[ \t]*\n?", re.MULTILINE)


def convert(nb: nbformat.NotebookNode) -> int:
    """Move every marker comment of ``nb`` into its cell's tags; return how many moved."""
    moved = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        markers = MARKER.findall(cell.source)
        if not markers:
            continue
        cell.source = MARKER.sub("", cell.source)
        tags = cell.metadata.setdefault("tags", [])
        for marker in markers:
            tag = marker.lower().replace("_", "-")
            if tag not in tags:
                tags.append(tag)
            moved += 1
    return moved


def notebooks() -> list[Path]:
    return sorted(nbtools.NOTEBOOKS.rglob("*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: all under notebooks/)")
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if a marker comment is left")
    args = parser.parse_args(argv)
    left = 0
    for path in [p.resolve() for p in args.paths] or notebooks():
        nb = nbtools.read(path)
        moved = convert(nb)
        if moved and args.check:
            print(f"{path.relative_to(nbtools.ROOT)}: {moved} nbval marker comment(s); run tools/nbval_tags.py")
            left += moved
        elif moved:
            nbformat.write(nb, str(path))
            print(f"{path.relative_to(nbtools.ROOT)}: {moved} marker(s) moved to tags")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
