"""Conventions every committed notebook follows (see DESIGN.md, "Notebooks")."""
import json
import re
import tomllib

import pytest

from tools import nbtools

ROOT = nbtools.ROOT
EXECUTED = nbtools.executed_notebooks()
ALL = EXECUTED + nbtools.student_notebooks()
ids = lambda p: str(p.relative_to(ROOT))  # noqa: E731


def test_toc_and_notebooks_on_disk_agree():
    listed = {p.resolve() for p in nbtools.toc_notebooks()}
    on_disk = {p.resolve() for p in nbtools.chapter_notebooks() + nbtools.student_notebooks()}
    assert listed - on_disk == set(), f"listed in _toc.yml but missing: {sorted(listed - on_disk)}"
    assert on_disk - listed == set(), f"on disk but not in _toc.yml: {sorted(on_disk - listed)}"
    for entry in nbtools.toc_files():
        assert (ROOT / f"{entry}.md").exists() or (ROOT / f"{entry}.ipynb").exists(), entry


def test_toc_has_the_four_parts_in_order():
    captions = [part["caption"] for part in nbtools.toc()["parts"]]
    parts = [c for c in captions if c.startswith("Part")]
    assert parts == ["Part I: Foundations", "Part II: Text and sequences", "Part III: Attention", "Part IV: Trust"]


def test_instructor_versions_are_not_in_the_book():
    assert not [f for f in nbtools.toc_files() if "/instructor/" in f]


def test_repository_url_lives_in_one_place():
    url = nbtools.repo_url()
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url), url
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["urls"]["Homepage"].rstrip("/") == url


@pytest.mark.parametrize("path", ALL, ids=ids)
def test_first_code_cell_is_the_tagged_colab_setup_cell(path):
    nb = nbtools.read(path)
    cell = nbtools.first_code_cell(nb)
    assert cell is not None and cell.source.startswith(nbtools.SETUP_MARKER)
    assert nbtools.SETUP_TAG in cell.metadata.get("tags", []), "the setup cell must be hidden in the book"
    assert nbtools.setup_cell_url(cell.source) == nbtools.repo_url(), "setup cell URL differs from _config.yml"
    extras = re.search(r"dlcourse(\[[a-z,]+\])?", cell.source).group(1)
    assert cell.source == nbtools.setup_cell_source(extras[1:-1] if extras else None)
    assert 'if "google.colab" in sys.modules' in cell.source


@pytest.mark.parametrize("path", ALL, ids=ids)
def test_kernelspec_and_no_personal_metadata(path):
    nb = nbtools.read(path)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert set(nb.metadata) <= nbtools.ALLOWED_NOTEBOOK_METADATA, set(nb.metadata)
    for cell in nb.cells:
        assert set(cell.metadata) <= nbtools.ALLOWED_CELL_METADATA, (cell.get("id"), set(cell.metadata))


@pytest.mark.parametrize("path", EXECUTED, ids=ids)
def test_executed_in_order_with_outputs_and_no_errors(path):
    nb = nbtools.read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), "run all cells top to bottom in a fresh kernel (make execute)"
    assert any(c.outputs for c in code), "outputs must be stored"
    for cell in code:
        for out in cell.outputs:
            assert out.output_type != "error", f"error output in cell {cell.execution_count}: {out.get('ename')}"
            assert not (out.output_type == "stream" and out.name == "stderr" and "Traceback" in out.text)


FORBIDDEN = [str(ROOT), "/home/", "/Users/", "/root/", "C:\\\\Users", "site-packages", ".venv"]


@pytest.mark.parametrize("path", EXECUTED, ids=ids)
def test_no_paths_of_the_authors_machine_in_outputs(path):
    nb = nbtools.read(path)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        text = json.dumps(cell.outputs)
        for bad in FORBIDDEN:
            assert bad not in text, f"cell {cell.execution_count} output contains {bad!r}"


@pytest.mark.parametrize("path", EXECUTED, ids=ids)
def test_every_figure_has_alt_text(path):
    nb = nbtools.read(path)
    for cell in nb.cells:
        if cell.cell_type != "code" or nbtools.HIDDEN_TAGS & set(cell.metadata.get("tags", [])):
            continue
        has_image = any("image/png" in o.get("data", {}) or "image/svg+xml" in o.get("data", {}) for o in cell.outputs)
        if has_image:
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) >= 20, f"cell {cell.execution_count} draws a figure without alt text (metadata.mystnb.image.alt)"


@pytest.mark.parametrize("path", nbtools.chapter_notebooks(), ids=ids)
def test_chapter_has_hidden_assertions(path):
    nb = nbtools.read(path)
    hidden = [c for c in nb.cells if c.cell_type == "code" and "remove-cell" in c.metadata.get("tags", [])
              and re.search(r"^\s*assert\b", c.source, flags=re.M)]
    assert hidden, "a chapter pins its claims in hidden assertion cells"


@pytest.mark.parametrize("path", nbtools.chapter_notebooks(), ids=ids)
def test_widgets_are_followed_by_a_static_figure(path):
    nb = nbtools.read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for i, cell in enumerate(code):
        if any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.outputs):
            following = code[i + 1 : i + 3]
            assert any("image/png" in o.get("data", {}) for c in following for o in c.outputs), (
                f"the widget in cell {cell.execution_count} needs a static companion figure right after it"
            )


@pytest.mark.parametrize("path", ALL, ids=ids)
def test_nbval_instructions_are_tags_not_comments_readers_see(path):
    """nbval reads `nbval-check-output` (and friends) from cell tags; a `# NBVAL_...` comment
    would be part of the code every reader sees (tools/nbval_tags.py converts them)."""
    nb = nbtools.read(path)
    marked = [c.get("execution_count") for c in nb.cells if c.cell_type == "code" and re.search(r"^\s*#\s*NBVAL_", c.source, re.M)]
    assert not marked, f"cells with nbval comment markers (run tools/nbval_tags.py): {marked}"


@pytest.mark.parametrize("path", nbtools.chapter_notebooks(), ids=ids)
def test_chapter_stores_its_figures(path):
    """A chapter executed with a non-interactive matplotlib backend stores no pictures at all."""
    nb = nbtools.read(path)
    images = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
    minimum = 1 if path.name.startswith("00_") else 4  # chapter 0 is the guide to the book
    assert images >= minimum, f"only {images} stored figures; re-execute with tools/execute_notebooks.py (MPLBACKEND unset)"


@pytest.mark.parametrize("path", ALL, ids=ids)
def test_code_fits_the_book_column(path):
    """At 1366 px the book's code column holds 85 characters; no reader should scroll code
    sideways. `python tools/format_notebooks.py NOTEBOOK` formats a notebook to fit."""
    from tools import format_notebooks

    long = format_notebooks.long_lines(path)
    assert not long, "code lines wider than the book's column:\n" + "\n".join(long)


def test_chapters_and_sections_are_numbered_from_the_toc():
    """Titles read `# N. Title` and sections `## N.k Title`, N the chapter's place in _toc.yml
    (`python tools/number_sections.py` renumbers them and the references to them)."""
    from tools import number_sections

    problems = [f"{path.name}: {p}" for n, path in number_sections.chapters()
                for p in number_sections.problems(n, nbtools.read(path))]
    assert not problems, "\n".join(problems)
