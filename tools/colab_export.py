"""Copies of the chapter notebooks that read well where MyST is not rendered (Colab, plain Jupyter).

The chapters are written in MyST Markdown: ``{term}`LSTM <lstm>```, ``{cite}`key```,
``{doc}`path``` and a few directives. The book turns them into glossary links, author-year
citations with a bibliography, and links between chapters. Colab and JupyterLab without
the MyST extension show them as literal text. This tool writes ``colab/NN_topic.ipynb``
for every chapter, in which

* ``{term}`text <target>``` becomes ``[text](BOOK/book/glossary.html#term-target)``,
* ``{cite}`a,b``` becomes "(Author Year; Author Year)" linked to the book's references
  page (``{cite:t}`` gives "Author (Year)"),
* ``{doc}`text <path>``` becomes a link to that page of the published book,
* ``(label)=`` targets are dropped and ``{admonition}`` blocks become block quotes,

and the outputs are left out (Colab runs the notebook; a first cell says where the book
shows them). ``BOOK`` is ``html.baseurl`` in ``_config.yml``. The book's Colab buttons open
these copies (``book/_ext/book_fixes.py``); ``make test`` checks that they are current
(``--check``) and that no MyST syntax is left in them (tests/test_colab_export.py).

Usage: ``python tools/colab_export.py [--check]``
"""
from __future__ import annotations

import argparse
import re
import sys
from functools import lru_cache
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools import nbtools  # noqa: E402

COLAB = nbtools.ROOT / "colab"
GLOSSARY = nbtools.ROOT / "book" / "glossary.md"
BIBLIOGRAPHY = nbtools.ROOT / "book" / "references.bib"

ROLE = re.compile(r"\{(?P<role>term|cite|cite:p|cite:t|doc)\}`(?P<body>[^`]+)`")
LABEL = re.compile(r"^\([\w.:-]+\)=[ \t]*\n?", re.M)
ADMONITION = re.compile(r"^```\{admonition\}[ \t]*(?P<title>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
#: What a reader must never see as text where MyST is not rendered.
MYST_LEFTOVER = re.compile(r"\{[a-z:-]+\}`|^(```|:::)\s*\{[a-z-]+\}|^\([\w.:-]+\)=\s*$", re.M)


def book_url() -> str:
    return str(nbtools.book_config()["html"]["baseurl"]).rstrip("/") + "/"


def _explicit(body: str) -> tuple[str, str]:
    """``text <target>`` -> (text, target); ``target`` -> (target, target)."""
    match = re.fullmatch(r"(?P<text>.*?)\s*<(?P<target>[^<>]+)>", body.strip(), flags=re.S)
    if match:
        return match.group("text"), match.group("target")
    return body.strip(), body.strip()


@lru_cache(maxsize=None)
def glossary_terms() -> frozenset[str]:
    text = GLOSSARY.read_text(encoding="utf-8")
    block = text.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    return frozenset(line.strip().lower() for line in block.splitlines() if line and not line[0].isspace())


def term_anchor(term: str) -> str:
    """The HTML id Sphinx gives a glossary term (docutils' ``make_id`` after ``term-``)."""
    from docutils.nodes import make_id

    return "term-" + make_id(term)


@lru_cache(maxsize=None)
def bibliography() -> dict:
    from pybtex.database import parse_file

    return parse_file(str(BIBLIOGRAPHY)).entries


def author_year(key: str, *, textual: bool) -> str:
    entry = bibliography()[key]
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    last = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in people]
    names = last[0] if len(last) == 1 else (f"{last[0]} and {last[1]}" if len(last) == 2 else f"{last[0]} et al.")
    year = entry.fields.get("year", "n.d.")
    return f"{names} ({year})" if textual else f"{names}, {year}"


def doc_target(source: Path, target: str) -> tuple[Path, str]:
    """The file a ``{doc}`` target names (relative to ``source`` or, with a leading /, the root)
    and its page path in the built book."""
    base = nbtools.ROOT if target.startswith("/") else source.parent
    stem = (base / target.lstrip("/")).resolve()
    page = stem.relative_to(nbtools.ROOT).as_posix()
    for suffix in (".ipynb", ".md"):
        if stem.with_suffix(suffix).exists():
            return stem.with_suffix(suffix), page
    raise ValueError(f"{source.name}: {{doc}} target {target!r} names no page of the book")


def page_title(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        text = "\n".join(c.source for c in nbtools.read(path).cells if c.cell_type == "markdown")
    match = re.search(r"^#\s+(.+)$", text, flags=re.M)
    return match.group(1).strip() if match else path.stem


def convert_markdown(text: str, source: Path) -> str:
    """``text`` with every MyST role, target and directive of the chapters made plain Markdown."""
    book = book_url()

    def role(match: re.Match) -> str:
        kind, body = match.group("role"), match.group("body")
        if kind == "term":
            shown, target = _explicit(body)
            if target.lower() not in glossary_terms():
                raise ValueError(f"{source.name}: {{term}} {target!r} is not in book/glossary.md")
            return f"[{shown}]({book}book/glossary.html#{term_anchor(target)})"
        if kind.startswith("cite"):
            keys = [k.strip() for k in body.split(",") if k.strip()]
            textual = kind == "cite:t"
            cited = "; ".join(author_year(k, textual=textual) for k in keys)
            shown = cited if textual else f"({cited})"
            return f"[{shown}]({book}book/references.html)"
        shown, target = _explicit(body)
        path, page = doc_target(source, target)
        if shown == target:
            shown = page_title(path)
        return f"[{shown}]({book}{page}.html)"

    def admonition(match: re.Match) -> str:
        body = "\n".join(f"> {line}" if line else ">" for line in match.group("body").rstrip().splitlines())
        return f"> **{match.group('title').strip()}**\n>\n{body}"

    return ROLE.sub(role, ADMONITION.sub(admonition, LABEL.sub("", text)))


def colab_copy(source: Path) -> nbformat.NotebookNode:
    nb = nbtools.read(source)
    page = source.relative_to(nbtools.ROOT).with_suffix(".html").as_posix()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = convert_markdown(cell.source, source)
        elif cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("nbgrader", None)
    note = nbformat.v4.new_markdown_cell(
        f"*This is the Colab copy of a chapter of* Deep Learning, Executable. *Run all cells "
        f"(Runtime > Run all) to see the outputs; the [book]({book_url()}{page}) shows them "
        f"with the glossary and references in place.*"
    )
    nb.cells.insert(0, note)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"colab-{index}"
    return nbtools.clean_metadata(nb)


def target(source: Path) -> Path:
    return COLAB / source.name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="report stale copies, write nothing")
    args = parser.parse_args(argv)
    stale = 0
    COLAB.mkdir(exist_ok=True)
    for source in nbtools.chapter_notebooks():
        text = nbformat.writes(colab_copy(source)) + "\n"
        path = target(source)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"{path.relative_to(nbtools.ROOT)} is stale: run `python tools/colab_export.py`.")
                stale += 1
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(nbtools.ROOT)}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
