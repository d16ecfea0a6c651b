"""The catalogue of exercises: what each one practises, and what a student version may show.

Two jobs, both read from the instructor notebooks (the nbgrader source versions):

* **Coverage.** Every exercise starts with a heading ``## N. Kind: title (P points)``
  where *Kind* is Conceptual, Implementation or Experiment. Its syllabus topic and an
  estimated time live in ``notebooks/exercises/coverage.yml`` (with the list of
  syllabus sections and their topics). ``python tools/exercise_catalog.py`` writes the
  book page ``book/exercise-coverage.md`` from both; ``--check`` exits 1 when the
  committed page is stale. The tests check that every syllabus section has exercises.
* **Reference names.** An implementation exercise is graded by hidden tests that
  compare the student's function with the course's reference (``dlcourse``). A student
  version must not name that reference in its code (no import of it, no visible check
  calling it), or the student could call it instead of writing the function.
  :func:`leaked_references` finds such names. Helpers given to the student on purpose
  are declared per task as ``tools`` in ``coverage.yml``.
"""
from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import io
import re
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools import nbtools  # noqa: E402

COVERAGE_FILE = nbtools.EXERCISES / "coverage.yml"
PAGE = nbtools.ROOT / "book" / "exercise-coverage.md"
KINDS = ("Conceptual", "Implementation", "Experiment")
HEADING = re.compile(
    r"^## (?P<number>\d+)\. (?P<kind>Conceptual|Implementation|Experiment)"
    r"(?::\s*(?P<title>.+?))?\s*\((?P<points>\d+) points?\)\s*$"
)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
#: Names from ``dlcourse.exercises`` are the checks themselves, never a reference.
CHECK_NAMES = {"check_close", "check_equal", "check_shape", "check_in_range", "check_choice", "check_true",
               "ExerciseError"}


@dataclass
class Task:
    """One exercise of an instructor notebook."""

    notebook: str          # stem, e.g. "ex03_cnn_resnet"
    number: int
    kind: str
    title: str
    points: int            # as stated in the heading
    graded_points: int     # sum of the nbgrader points of the task's graded cells
    hidden: list[str] = field(default_factory=list)  # hidden-test blocks

    @property
    def key(self) -> str:
        return f"task{self.number}"


def chapter_number(stem: str) -> int:
    """``ex03_cnn_resnet`` -> 3."""
    match = re.match(r"ex(\d\d)_", stem)
    if not match:
        raise ValueError(f"exercise notebook names look like exNN_topic; got {stem!r}")
    return int(match.group(1))


def tasks(path: Path) -> list[Task]:
    """The exercises of one instructor notebook, in order.

    Raises ``ValueError`` naming the cell when a task heading does not follow the
    ``## N. Kind: title (P points)`` pattern.
    """
    nb = nbtools.read(path)
    found: dict[int, Task] = {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        number = re.match(r"task(\d+)-", grade_id)
        if cell.cell_type == "markdown" and cell.source.startswith("## ") and number:
            first = cell.source.splitlines()[0]
            head = HEADING.match(first)
            if not head:
                raise ValueError(
                    f"{path.name}, cell {grade_id!r}: the heading {first!r} does not follow "
                    "'## N. Kind: title (P points)' with Kind one of " + ", ".join(KINDS))
            n = int(head.group("number"))
            if n != int(number.group(1)):
                raise ValueError(f"{path.name}: heading {first!r} is numbered {n} but its grade_id is {grade_id!r}")
            found[n] = Task(path.stem, n, head.group("kind"), head.group("title") or "", int(head.group("points")), 0)
        elif number and cell.metadata.get("nbgrader", {}).get("grade"):
            task = found.get(int(number.group(1)))
            if task is None:
                raise ValueError(f"{path.name}: graded cell {grade_id!r} comes before its task heading")
            task.graded_points += int(cell.metadata["nbgrader"].get("points", 0))
            task.hidden.extend(HIDDEN.findall(cell.source))
    return [found[n] for n in sorted(found)]


def _bindings(nb: nbformat.NotebookNode) -> dict[str, object]:
    """Names the notebook binds to ``dlcourse`` objects, e.g. ``{"cnn": <module>, "Vocab": <class>}``."""
    names: dict[str, object] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # the Colab setup cell uses IPython magics
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "dlcourse":
                module = importlib.import_module(node.module)
                for alias in node.names:
                    obj = getattr(module, alias.name, None)
                    if obj is None:  # a submodule imported by name
                        obj = importlib.import_module(f"{node.module}.{alias.name}")
                    names[alias.asname or alias.name] = obj
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "dlcourse":
                        bound = alias.asname or alias.name.split(".")[0]
                        names[bound] = importlib.import_module(alias.asname and alias.name or "dlcourse")
    return names


def reference_names(path: Path, task: Task) -> set[str]:
    """Names of ``dlcourse`` references the task's hidden tests call.

    A name bound to a function or class counts as itself (``rnn_backward``); a name
    bound to a module counts with the attribute called (``cnn.conv2d``).
    """
    bindings = _bindings(nbtools.read(path))
    refs: set[str] = set()
    for block in task.hidden:
        for match in re.finditer(r"\b([A-Za-z_]\w*)((?:\.\w+)*)\s*\(", block):
            root, rest = match.group(1), match.group(2)
            if root in CHECK_NAMES or root not in bindings:
                continue
            refs.add(root + rest if inspect.ismodule(bindings[root]) else root)
    return refs


def _dotted_names(source: str) -> set[str]:
    """Every name and dotted name the code uses (``cnn``, ``cnn.conv2d``), ignoring strings and comments."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    names: set[str] = set()
    chain: list[str] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        tokens = []
    for tok in tokens:
        if tok.type == tokenize.NAME and (not chain or chain[-1] == "."):
            chain.append(tok.string)
        elif tok.type == tokenize.OP and tok.string == "." and chain and chain[-1] != ".":
            chain.append(".")
        else:
            chain = [tok.string] if tok.type == tokenize.NAME else []
        if chain and chain[-1] != ".":
            names.add("".join(chain))
    return names


def leaked_references(path: Path, student_path: Path | None = None,
                      coverage: dict | None = None) -> dict[str, set[str]]:
    """For each implementation task, the references of its hidden tests named in the student version's code.

    ``student_path`` defaults to the committed student version, ``coverage`` to ``coverage.yml``.
    """
    student = nbtools.read(student_path or nbtools.EXERCISES / path.name)
    used = set().union(*(_dotted_names(c.source) for c in student.cells if c.cell_type == "code"))
    entries = (coverage or load_coverage())["exercises"].get(path.stem, {})
    leaks: dict[str, set[str]] = {}
    for task in tasks(path):
        if task.kind != "Implementation":
            continue
        # Helpers the exercise hands the student on purpose (a parameter initialiser, the
        # forward pass a backward pass needs) are declared in coverage.yml as "tools".
        allowed = set(entries.get(task.key, {}).get("tools", []))
        named = (reference_names(path, task) - allowed) & used
        if named:
            leaks[task.key] = named
    return leaks


def load_coverage() -> dict:
    return yaml.safe_load(COVERAGE_FILE.read_text(encoding="utf-8"))


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def render_page() -> str:
    """The Markdown of ``book/exercise-coverage.md``."""
    coverage = load_coverage()
    syllabus = coverage["syllabus"]
    entries = coverage["exercises"]
    lines = [
        "# Exercise coverage",
        "",
        "<!-- Generated by tools/exercise_catalog.py from the instructor notebooks and",
        "     notebooks/exercises/coverage.yml. Do not edit by hand: run `make coverage`. -->",
        "",
        "Every exercise of the book, per chapter: its kind (conceptual: a number or a choice;",
        "implementation: a function checked against the course's reference on random inputs;",
        "experiment: change a setting and report what happens, checked within a range), its",
        "points, the syllabus topic it practises and an estimated time for a student who has",
        "read the chapter. The instructor guide ({doc}`instructors`) explains how to assign them.",
        "",
    ]
    total_points = total_minutes = total_tasks = 0
    practised: dict[int, set[str]] = {}
    for path in nbtools.instructor_notebooks():
        chapter = chapter_number(path.stem)
        notebook_entries = entries.get(path.stem, {})
        title = syllabus.get(chapter, {}).get("title", "How to use this book")
        lines += [f"## {chapter}. {title}", "",
                  f"Student version: {{doc}}`../notebooks/exercises/{path.stem}`.", "",
                  "| # | Exercise | Kind | Points | Syllabus topic | Minutes |",
                  "|---|---|---|---:|---|---:|"]
        points = minutes = 0
        for task in tasks(path):
            entry = notebook_entries.get(task.key, {})
            topic = entry.get("topic", "?")
            practised.setdefault(chapter, set()).add(topic)
            lines.append(f"| {task.number} | {_cell(task.title or task.kind)} | {task.kind} | {task.points} | "
                         f"{_cell(topic)} | {entry.get('minutes', '?')} |")
            points += task.points
            minutes += int(entry.get("minutes", 0))
            total_tasks += 1
        lines += ["", f"Total: {points} points, about {minutes} minutes.", ""]
        total_points += points
        total_minutes += minutes
    lines += ["## Syllabus topics without an exercise yet", "",
              "Topics the chapters teach that no exercise practises directly (every section has",
              "exercises; these are candidates for new ones):", ""]
    missing = []
    for number in sorted(syllabus):
        for topic in syllabus[number]["topics"]:
            if topic not in practised.get(number, set()):
                missing.append(f"- {number}. {syllabus[number]['title']}: {topic}")
    lines += (missing or ["- none"]) + [""]
    lines += [f"Altogether: {total_tasks} exercises, {total_points} points, about "
              f"{round(total_minutes / 60, 1)} hours of student work.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed page is stale")
    args = parser.parse_args(argv)
    return nbtools.write_generated_page(PAGE, render_page(), check=args.check, command="make coverage")


if __name__ == "__main__":
    raise SystemExit(main())
