"""Helpers for writing a notebook from a Python script (authoring only).

Chapters are committed as executed ``.ipynb`` files. Writing their JSON by hand is
error-prone, so an author can build one from a throwaway script::

    from tools.nbauthor import md, code, setup, hidden, figure, exercise_cells, save
    cells = [
        md("# Chapter 1: ..."),
        setup("ml"),
        code("import dlcourse\\ndlcourse.seed_everything(0)"),
        figure("fig, ax = plt.subplots() ...", alt="A line rising from ... to ..."),
        hidden("assert abs(mse - 4.0) < 1e-12"),
    ]
    save(cells, "notebooks/01_ml_foundations.ipynb")

then run ``make execute`` (or ``python tools/execute_notebooks.py PATH``).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools import nbtools  # noqa: E402

__all__ = ["md", "code", "setup", "hidden", "figure", "check_output", "answer", "tests", "locked_md", "save"]



def md(text: str, **metadata: Any):
    return new_markdown_cell(text.strip("\n"), metadata=metadata)


def code(source: str, tags: list[str] | None = None, **metadata: Any):
    cell = new_code_cell(source.strip("\n"), metadata=metadata)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def setup(extras: str | None = None):
    """The Colab setup cell (first code cell of every notebook), removed from the book."""
    return code(nbtools.setup_cell_source(extras), tags=[nbtools.SETUP_TAG])


def hidden(source: str):
    """A cell that asserts a claim of the chapter; the book removes it, nbval runs it."""
    return code(source, tags=["remove-cell"])


def figure(source: str, alt: str, **metadata: Any):
    """A cell that draws a figure; ``alt`` becomes the image's alt text in the book."""
    cell = code(source, **metadata)
    cell.metadata["mystnb"] = {"image": {"alt": alt}}
    return cell


def check_output(source: str):
    """A cell whose exact output nbval compares with the stored one (tag ``nbval-check-output``,
    invisible to readers, unlike nbval's comment marker)."""
    return code(source, tags=["nbval-check-output"])


def _meta(grade_id: str, *, solution: bool, grade: bool, locked: bool, points: int | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def answer(source: str, grade_id: str):
    """An nbgrader answer cell: the solution goes between BEGIN/END SOLUTION markers."""
    return code(source, nbgrader=_meta(grade_id, solution=True, grade=False, locked=False))


def tests(source: str, grade_id: str, points: int):
    """An nbgrader test cell: visible checks, then hidden tests between the markers."""
    return code(source, nbgrader=_meta(grade_id, solution=False, grade=True, locked=True, points=points))


def locked_md(text: str, grade_id: str):
    """A read-only markdown cell in an exercise notebook."""
    return md(text, nbgrader=_meta(grade_id, solution=False, grade=False, locked=True))


def save(cells: list, path: str | Path) -> Path:
    nb = new_notebook(cells=cells)
    nbtools.clean_metadata(nb)
    nbformat.validate(nb)
    path = Path(path)
    nbformat.write(nb, str(path))
    return path
