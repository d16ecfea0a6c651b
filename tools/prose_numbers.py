"""Check that the numbers a chapter's prose reports equal its recorded outputs.

The prose marks a reported number with the name of a recorded result
(``dlcourse.reporting.record``)::

    test accuracy 0.973<!--r:mlp.test_acc-->      97.3%<!--r:mlp.test_pct-->
    6,033<!--r:gd.steps--> steps                   a ratio of 2.35x<!--r:lstm.ratio-->

A marked number passes when the recorded value, rounded to the digits the prose
shows, is the number written (thousands separators, a leading sign, a unit of
``%``, ``x`` or ``×`` and an exponent are understood). A marker with no number
before it, a name that was never recorded, or a mismatch is an error.

Usage::

    python tools/prose_numbers.py                   # every executed notebook
    python tools/prose_numbers.py notebooks/02_mlp_backprop.ipynb
"""
from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools import nbtools  # noqa: E402

MIME_PREFIX = "application/papermill.record/"
KEY = r"[A-Za-z][A-Za-z0-9_.\-]*"
MARKER = re.compile(r"<!--\s*r:(?P<key>" + KEY + r")\s*-->")
# A number right before a marker: sign, digits with optional thousands separators,
# decimals, exponent, then an optional unit and optional spaces (or markdown emphasis).
NUMBER = re.compile(
    r"(?P<sign>[-+−]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
    r"(?:[eE](?P<exp>[-+−]?\d+))?(?P<unit>\s?(?:%|x|×))?[*_]*\s*$"
)


@dataclass(frozen=True)
class Problem:
    cell: int
    key: str
    message: str

    def __str__(self) -> str:
        return f"markdown cell {self.cell}, {self.key}: {self.message}"


def recorded_values(nb: Any) -> dict[str, Any]:
    """Every value stored by ``record`` in the notebook's outputs, by name."""
    values: dict[str, Any] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if not meta or "name" not in meta:
                continue
            text = out.get("data", {}).get(MIME_PREFIX + "text/plain")
            if text is None:
                continue
            try:
                values[meta["name"]] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                values[meta["name"]] = text
    return values


def _matches(written: re.Match, value: Any) -> tuple[bool, str]:
    if isinstance(value, str) or isinstance(value, bool):
        return False, f"recorded a string {value!r}; mark only numbers"
    frac = written["frac"] or ""
    digits = len(frac)
    mantissa = f"{written['int'].replace(',', '')}" + (f".{frac}" if frac else "")
    sign = -1 if written["sign"] in ("-", "−") else 1
    if written["exp"] is not None:
        exp = int(written["exp"].replace("−", "-"))
        shown = f"{sign * float(mantissa) * 10.0 ** exp:.{digits}e}"
        expected = f"{float(value):.{digits}e}"
        ok = float(shown) == float(expected)
        return ok, f"the text says {shown}, the output rounds to {expected}"
    shown = ("-" if sign < 0 else "") + mantissa
    expected = f"{float(value):.{digits}f}"
    if expected in ("-0", "-0." + "0" * digits):
        expected = expected[1:]
    return shown == expected, f"the text says {shown}, the output rounds to {expected} (value {value!r})"


def check_notebook(nb: Any) -> list[Problem]:
    """All mismatches between marked prose numbers and recorded values in ``nb``."""
    values = recorded_values(nb)
    problems: list[Problem] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        source = cell.source
        for marker in MARKER.finditer(source):
            key = marker["key"]
            before = source[: marker.start()]
            number = NUMBER.search(before[-40:])
            if number is None:
                problems.append(Problem(index, key, "no number right before the marker"))
                continue
            if key not in values:
                problems.append(Problem(index, key, "no value recorded under this name (dlcourse.reporting.record)"))
                continue
            ok, why = _matches(number, values[key])
            if not ok:
                problems.append(Problem(index, key, why))
        leftover = re.findall(r"<!--\s*r\s*:[^>]*-->", MARKER.sub("", source))
        for bad in leftover:
            problems.append(Problem(index, bad, "malformed marker; write <!--r:name-->"))
    return problems


def marked_names(nb: Any) -> set[str]:
    return {m["key"] for cell in nb.cells if cell.cell_type == "markdown" for m in MARKER.finditer(cell.source)}


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(list(argv) if argv is not None else None)
    paths = [p.resolve() for p in args.paths] or nbtools.executed_notebooks()
    status = 0
    for path in paths:
        nb = nbtools.read(path)
        problems = check_notebook(nb)
        name = path.relative_to(nbtools.ROOT)
        marked = len(marked_names(nb))
        if problems:
            status = 1
            for problem in problems:
                print(f"{name}: {problem}")
        else:
            print(f"{name}: {marked} marked numbers agree with the outputs")
    return status


if __name__ == "__main__":
    sys.exit(main())
