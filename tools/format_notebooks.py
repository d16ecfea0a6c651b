"""Format the code cells of the book's notebooks to fit the book's column.

At 1366 px the book's code column holds 85 characters of its monospace font; lines of at
most ``LINE_LENGTH`` characters fit with a margin for other fonts and narrower windows.
The formatter is ruff's (Black's style), run on each code cell; cells with IPython magics
or shell escapes are left as they are. Long strings and comments are not split by the
formatter: ``--check`` lists every line that is still too long, and ``make test`` fails on
them (``tests/test_notebook_policy.py``).

Usage::

    python tools/format_notebooks.py [NOTEBOOK ...]        # format in place
    python tools/format_notebooks.py --check [NOTEBOOK ...] # list lines over the limit

Without arguments: the chapter notebooks and the instructor exercises (the student
versions are generated from the instructor versions by ``tools/make_student.py``).
"""
from __future__ import annotations

import argparse
import ast
import io
import re
import subprocess
import sys
import textwrap
import tokenize
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools import nbtools  # noqa: E402

LINE_LENGTH = 80
#: Cells the book never shows need not fit the column.
INVISIBLE_TAGS = {"remove-cell", "remove-input"}
RUFF = Path(sys.executable).with_name("ruff")


def default_notebooks() -> list[Path]:
    return nbtools.chapter_notebooks() + nbtools.instructor_notebooks()


def _is_python(source: str) -> bool:
    return not any(line.lstrip().startswith(("%", "!")) for line in source.splitlines())


def _split_string(text: str, width: int) -> list[str] | None:
    """A one-line string literal cut into pieces of at most ``width`` characters at spaces
    outside replacement fields (``{...}``), each piece with the literal's prefix and quotes;
    None when it cannot be cut (triple quotes, bytes, no space at the top level)."""
    match = re.fullmatch(r"([rRfFuU]{0,2})(['\"])(.*)\2", text, flags=re.S)
    if not match or text.endswith(('"""', "'''")) or "\n" in text:
        return None
    prefix, quote, body = match.groups()
    is_f = "f" in prefix.lower()
    room = width - len(prefix) - 2
    pieces, start, depth, cut = [], 0, 0, -1
    for i, char in enumerate(body):
        if is_f and char == "{":
            depth += 1
        elif is_f and char == "}":
            depth -= 1
        elif char == " " and depth == 0 and body[i - 1 : i] != "\\":
            cut = i + 1
        if i - start >= room and cut > start:
            pieces.append(body[start:cut])
            start = cut
    pieces.append(body[start:])
    if len(pieces) < 2:
        return None
    return [f"{prefix}{quote}{piece}{quote}" for piece in pieces]


def _wrap_long_strings(source: str) -> str:
    """Cut string literals on lines longer than the column into implicitly joined pieces,
    parenthesised where they are not already inside brackets."""
    lines = source.splitlines(keepends=True)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source
    edits = []
    depth = 0
    for token in tokens:
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        row, col = token.start
        if token.type != tokenize.STRING or token.start[0] != token.end[0]:
            continue
        if len(lines[row - 1].rstrip("\n")) <= LINE_LENGTH:
            continue
        indent = len(lines[row - 1]) - len(lines[row - 1].lstrip())
        pieces = _split_string(token.string, LINE_LENGTH - indent - 8)
        if pieces is None:
            continue
        joined = " ".join(pieces)
        edits.append((row, col, token.end[1], joined if depth else f"({joined})"))
    for row, start, end, text in reversed(edits):
        line = lines[row - 1]
        lines[row - 1] = line[:start] + text + line[end:]
    return "".join(lines)


def _wrap_comments(source: str) -> str:
    """Comment-only lines longer than the column, wrapped at the same indentation."""
    out = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if len(line) > LINE_LENGTH and stripped.startswith("# "):
            indent = line[: len(line) - len(stripped)]
            out.extend(textwrap.wrap(stripped[2:], LINE_LENGTH - len(indent) - 2,
                                     initial_indent=indent + "# ", subsequent_indent=indent + "# "))
        else:
            out.append(line)
    return "\n".join(out)


def format_source(source: str) -> str:
    """``source`` formatted by ruff at the book's line length (unchanged if it is not Python)."""
    if not source.strip() or not _is_python(source):
        return source
    formatted = _ruff(source)
    wrapped = _ruff(_wrap_comments(_wrap_long_strings(formatted)))
    # The cuts must not change what the code does: the syntax trees stay equal (Python joins
    # adjacent string literals when it parses them).
    return wrapped if _same_tree(source, wrapped) else formatted


def _same_tree(a: str, b: str) -> bool:
    try:
        return ast.dump(ast.parse(a)) == ast.dump(ast.parse(b))
    except SyntaxError:
        return False


def _ruff(source: str) -> str:
    done = subprocess.run(
        [str(RUFF), "format", f"--line-length={LINE_LENGTH}", "--config",
         "format.quote-style='preserve'", "--stdin-filename", "cell.py", "-"],
        input=source, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        return source
    return done.stdout.rstrip("\n")


def visible(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and not INVISIBLE_TAGS & set(cell.metadata.get("tags", []))


def long_lines(path: Path) -> list[str]:
    """``path:cell:line: text`` for every visible code line longer than ``LINE_LENGTH``."""
    nb = nbtools.read(path)
    found = []
    for index, cell in enumerate(nb.cells):
        if not visible(cell):
            continue
        for number, line in enumerate(cell.source.splitlines(), 1):
            if len(line) > LINE_LENGTH:
                found.append(f"{path.name}:cell {index}:line {number} ({len(line)} chars): {line.strip()[:60]}")
    return found


def format_notebook(path: Path) -> int:
    """Format ``path`` in place; returns the number of cells changed."""
    nb = nbtools.read(path)
    changed = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        new = format_source(cell.source)
        if new != cell.source:
            cell.source = new
            changed += 1
    if changed:
        nbformat.write(nb, path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="list lines over the limit, change nothing")
    args = parser.parse_args(argv)
    paths = args.notebooks or default_notebooks()
    if args.check:
        found = [line for path in paths for line in long_lines(path)]
        print("\n".join(found) or f"every visible code line fits in {LINE_LENGTH} characters")
        return 1 if found else 0
    for path in paths:
        print(f"{path.name}: {format_notebook(path)} cells reformatted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
