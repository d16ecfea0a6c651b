"""The chapters as Colab opens them: plain Markdown with working links, no MyST syntax."""
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from tools import colab_export, nbtools

sys.path.insert(0, str(nbtools.ROOT / "book" / "_ext"))
import book_fixes  # noqa: E402

COPIES = sorted(colab_export.COLAB.glob("*.ipynb"))
SOURCE = nbtools.NOTEBOOKS / "07_lstm_gru.ipynb"


def test_every_chapter_has_a_current_colab_copy():
    assert [p.name for p in COPIES] == [p.name for p in nbtools.chapter_notebooks()]
    done = subprocess.run([sys.executable, str(nbtools.ROOT / "tools" / "colab_export.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.text = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href", ""))

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("path", COPIES, ids=lambda p: p.name)
def test_colab_copy_renders_as_plain_markdown_with_working_links(path):
    """Rendered by a CommonMark renderer (as Colab does, with no MyST extension): no role or
    directive appears as text, and every link into the book names a page of the book and,
    for the glossary, a term it defines."""
    book = colab_export.book_url()
    pages = {f"{book}{f}.html" for f in nbtools.toc_files()}
    anchors = {colab_export.term_anchor(t) for t in colab_export.glossary_terms()}
    md = MarkdownIt("commonmark")
    for cell in nbtools.read(path).cells:
        if cell.cell_type != "markdown":
            continue
        assert not colab_export.MYST_LEFTOVER.search(cell.source), cell.source[:200]
        parser = _Links()
        parser.feed(md.render(cell.source))
        shown = "".join(parser.text)
        assert not re.search(r"\{(term|cite|doc|ref|numref|eq)[:a-z]*\}", shown), shown[:200]
        for href in parser.hrefs:
            if href.startswith(book):
                page, _, anchor = href.partition("#")
                assert page in pages, f"{path.name}: link to a page the book does not have: {href}"
                if page.endswith("book/glossary.html"):
                    assert anchor in anchors, f"{path.name}: no glossary term with id {anchor!r}"


def test_roles_become_links_and_citations():
    book = colab_export.book_url()
    text = ("An {term}`LSTM <long short-term memory>` keeps a {term}`cell state`; "
            "{cite}`hochreiter1997long` and {cite:t}`hochreiter1997long`. See {doc}`06_rnn_bptt`.")
    out = colab_export.convert_markdown(text, SOURCE)
    assert f"[LSTM]({book}book/glossary.html#term-long-short-term-memory)" in out
    assert f"[cell state]({book}book/glossary.html#term-cell-state)" in out
    assert f"[(Hochreiter and Schmidhuber, 1997)]({book}book/references.html)" in out
    assert "[Hochreiter and Schmidhuber (1997)]" in out
    assert re.search(rf"\[[^]]+\]\({re.escape(book)}notebooks/06_rnn_bptt\.html\)", out)


def test_labels_and_admonitions_become_plain_markdown():
    text = "(sec-x)=\n## A section\n\n```{admonition} Erratum\nThe table had *o* wrong.\n\nFixed here.\n```\n"
    out = colab_export.convert_markdown(text, SOURCE)
    assert out.startswith("## A section")
    assert "> **Erratum**\n>\n> The table had *o* wrong.\n>\n> Fixed here." in out


@pytest.mark.parametrize("text", ["{term}`no such term`", "{doc}`no_such_page`"])
def test_a_link_to_nothing_is_an_error_not_a_dead_link(text):
    with pytest.raises(ValueError, match="no such|names no page"):
        colab_export.convert_markdown(text, SOURCE)


def test_the_books_colab_button_opens_the_copy():
    colab = "https://colab.research.google.com/github/o/r/blob/main/"
    buttons = [{"type": "group", "buttons": [
        {"url": colab + "notebooks/07_lstm_gru.ipynb"},
        {"url": colab + "notebooks/exercises/ex07_lstm_gru.ipynb"},
        {"url": "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/notebooks/07_lstm_gru.ipynb"},
    ]}]
    book_fixes._colab_copies(buttons)
    urls = [b["url"] for b in buttons[0]["buttons"]]
    assert urls[0] == colab + "colab/07_lstm_gru.ipynb"
    assert urls[1] == colab + "notebooks/exercises/ex07_lstm_gru.ipynb"  # exercises use no MyST roles
    assert urls[2].endswith("notebooks/07_lstm_gru.ipynb")
