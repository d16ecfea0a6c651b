"""Shared knowledge about the book's notebooks, used by the tools and the tests.

One place for: the repository URL (read from ``_config.yml``), the table of contents,
the Colab setup cell, the tags that hide cells in the book, and the metadata a
committed notebook may carry.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = NOTEBOOKS / "exercises"
INSTRUCTOR = EXERCISES / "instructor"

#: Tag of the Colab setup cell; the book removes the whole cell.
SETUP_TAG = "remove-cell"
#: Tags that hide cells in the book (hidden assertions use "remove-cell").
HIDDEN_TAGS = {"remove-cell", "remove-input", "hide-cell", "hide-input"}
#: Notebook-level metadata keys a committed notebook may carry.
ALLOWED_NOTEBOOK_METADATA = {"kernelspec", "language_info", "widgets", "nbgrader"}
#: Cell-level metadata keys a committed notebook may carry.
ALLOWED_CELL_METADATA = {"tags", "nbgrader", "mystnb", "editable", "deletable", "slideshow"}
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}

SETUP_MARKER = "# Colab setup"

#: Seconds a notebook may take on two cores: past these ``tools/execute_notebooks.py`` fails.
HARD_BUDGET_S = {"chapter": 90.0, "exercise": 45.0}
#: What the book aims for; ``make bench`` reports each notebook against these.
TARGET_S = {"chapter": 60.0, "exercise": 45.0}
#: The whole book, chapters and exercises, on two cores (``make bench``).
TOTAL_TARGET_S = 8 * 60
#: The environment of a kernel that runs beside another one (two notebooks at a time on two cores).
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def notebook_kind(path: Path) -> str:
    """``"exercise"`` for the exercise notebooks, ``"chapter"`` for the rest."""
    return "exercise" if "exercises" in Path(path).parts else "chapter"


def write_generated_page(path: Path, text: str, *, check: bool, command: str) -> int:
    """Write a generated book page, or with ``check`` report whether the committed one is current.

    Returns the exit status: 1 when ``check`` finds the page stale (``command`` regenerates it).
    """
    name = path.relative_to(ROOT)
    if check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(f"{name} is stale: run `{command}`.")
            return 1
        print(f"{name} is up to date")
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {name}")
    return 0


def book_config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def repo_url() -> str:
    """The repository URL; ``_config.yml`` is the single place that names it."""
    return book_config()["repository"]["url"].rstrip("/")


def toc() -> dict:
    return yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


def _walk(entries: list) -> Iterator[str]:
    for entry in entries or []:
        if "file" in entry:
            yield entry["file"]
        yield from _walk(entry.get("sections", []))
        yield from _walk(entry.get("chapters", []))


def toc_files() -> list[str]:
    """Every file listed in ``_toc.yml`` (without suffix), root first, in order."""
    data = toc()
    files = [data["root"]]
    for part in data.get("parts", []):
        files.extend(_walk(part.get("chapters", [])))
    files.extend(_walk(data.get("chapters", [])))
    return files


def toc_notebooks() -> list[Path]:
    """Notebooks listed in the toc, as paths."""
    return [ROOT / f"{f}.ipynb" for f in toc_files() if f.startswith("notebooks/")]


def chapter_notebooks() -> list[Path]:
    """Chapter notebooks on disk: ``notebooks/NN_topic.ipynb``."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def student_notebooks() -> list[Path]:
    return sorted(EXERCISES.glob("ex[0-9][0-9]_*.ipynb"))


def instructor_notebooks() -> list[Path]:
    return sorted(INSTRUCTOR.glob("ex[0-9][0-9]_*.ipynb"))


def executed_notebooks() -> list[Path]:
    """Notebooks stored with outputs and run by nbval: chapters and instructor exercises."""
    return chapter_notebooks() + instructor_notebooks()


def setup_cell_source(extras: str | None = None) -> str:
    """The Colab setup cell: installs dlcourse (with a chapter's extras) only in Colab."""
    spec = f"dlcourse[{extras}]" if extras else "dlcourse"
    return (
        f"{SETUP_MARKER}: installs the course package only when running in Google Colab;\n"
        "# locally (after `make lab`) it does nothing. Hidden in the book.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install --quiet "{spec} @ git+{repo_url()}"'
    )


SETUP_URL_RE = re.compile(r'%pip install --quiet "dlcourse(?:\[[a-z,]+\])? @ git\+(?P<url>[^"]+)"')


def setup_cell_url(source: str) -> str | None:
    match = SETUP_URL_RE.search(source)
    return match.group("url") if match else None


def first_code_cell(nb: nbformat.NotebookNode):
    return next((c for c in nb.cells if c.cell_type == "code"), None)


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def clean_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop personal or machine-specific metadata; keep what the book and nbgrader need."""
    for key in list(nb.metadata):
        if key not in ALLOWED_NOTEBOOK_METADATA:
            del nb.metadata[key]
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        for key in list(cell.metadata):
            if key not in ALLOWED_CELL_METADATA:
                del cell.metadata[key]
    return nb
