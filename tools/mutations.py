"""Plausible wrong answers for the exercises, and the submissions that carry them.

``notebooks/exercises/mutations.yml`` lists, per instructor notebook and answer cell,
mutants: an exact piece of the reference solution and what a student might have written
instead. :func:`submissions` turns each mutant into a whole notebook (the instructor
version with that one change) that nbgrader then autogrades
(``tests/test_nbgrader_roundtrip.py``): every mutant must lose points in its task.

A notebook's entry may also list, under ``leave_out``, tasks that later tasks do not use
(an experiment that trains models): a mutant of a later task is graded without their
cells, so that it does not pay for a training run its task does not need.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "notebooks" / "exercises" / "mutations.yml"
#: The key of a notebook's entry that lists the tasks its mutants' submissions leave out.
LEAVE_OUT = "leave_out"


@dataclass(frozen=True)
class Mutant:
    notebook: str  # instructor notebook stem, e.g. "ex02_mlp_backprop"
    grade_id: str  # the answer cell, e.g. "task4-answer"
    index: int
    why: str
    old: str
    new: str
    misconception: bool = False

    @property
    def student(self) -> str:
        """The nbgrader student id of this mutant's submission."""
        return f"mutant-{self.grade_id.split('-')[0]}-{self.index}"

    @property
    def task(self) -> str:
        """``taskN``: the graded cells of this task are the ones whose grade id starts with it."""
        match = re.match(r"(task\d+)-", self.grade_id)
        if not match:
            raise ValueError(f"{self.notebook}: grade id {self.grade_id!r} is not of the form taskN-...")
        return match.group(1)


def load(table: Path = TABLE) -> list[Mutant]:
    data = yaml.safe_load(table.read_text(encoding="utf-8")) or {}
    mutants = []
    for notebook, cells in data.items():
        for grade_id, entries in cells.items():
            if grade_id == LEAVE_OUT:
                continue
            for index, entry in enumerate(entries, 1):
                mutants.append(Mutant(notebook, grade_id, index, entry["why"], entry["old"], entry["new"],
                                      bool(entry.get("misconception", False))))
    return mutants


def apply(nb: nbformat.NotebookNode, mutant: Mutant) -> nbformat.NotebookNode:
    """A copy of ``nb`` with the mutant's replacement made in its answer cell."""
    out = copy.deepcopy(nb)
    cells = [c for c in out.cells if c.metadata.get("nbgrader", {}).get("grade_id") == mutant.grade_id]
    if len(cells) != 1:
        raise ValueError(f"{mutant.notebook}: no single cell with grade id {mutant.grade_id!r}")
    cell = cells[0]
    count = cell.source.count(mutant.old)
    if count != 1:
        raise ValueError(
            f"{mutant.notebook} {mutant.grade_id} mutant {mutant.index} ({mutant.why}): {mutant.old!r} occurs "
            f"{count} times in the answer cell, not once; update notebooks/exercises/mutations.yml."
        )
    cell.source = cell.source.replace(mutant.old, mutant.new)
    return out


def left_out(table: Path = TABLE) -> dict[str, list[str]]:
    """Notebook stem -> the tasks (``taskN``) its mutants' submissions leave out."""
    data = yaml.safe_load(table.read_text(encoding="utf-8")) or {}
    return {notebook: list(cells.get(LEAVE_OUT, [])) for notebook, cells in data.items()}


def through_task(nb: nbformat.NotebookNode, task: str, leave_out: list[str] | tuple[str, ...] = ()
                 ) -> nbformat.NotebookNode:
    """``nb`` up to the last cell of ``task``: cells run in order, so the later ones cannot change
    its score, and grading a mutant then costs the notebook up to its task, not all of it.
    The cells of the tasks in ``leave_out`` (other than ``task``) are left out as well."""
    ids = [c.metadata.get("nbgrader", {}).get("grade_id", "") for c in nb.cells]
    last = max((i for i, g in enumerate(ids) if g.startswith(task + "-")), default=None)
    if last is None:
        raise ValueError(f"no cell of {task} in the notebook")
    skip = tuple(t + "-" for t in leave_out if t != task)
    out = copy.copy(nb)
    out.cells = [c for c, g in zip(nb.cells[: last + 1], ids) if not (skip and g.startswith(skip))]
    return out


def submissions(instructor: Path, mutants: list[Mutant], leave_out: dict[str, list[str]] | None = None
                ) -> dict[str, nbformat.NotebookNode]:
    """Student id -> mutated notebook (up to the end of the mutant's task), for the mutants of
    this instructor notebook. nbgrader grades the cells a submission has; the later tasks'
    cells, and those of the tasks the table leaves out, are left out (their grades are not part
    of the mutant's verdict)."""
    nb = nbformat.read(str(instructor), as_version=4)
    skip = (left_out() if leave_out is None else leave_out).get(instructor.stem, [])
    return {m.student: through_task(apply(nb, m), m.task, skip) for m in mutants
            if m.notebook == instructor.stem}
