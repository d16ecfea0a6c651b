"""The exercise notebooks work with the real nbgrader, end to end.

For every instructor notebook, in a temporary course directory of its own:
``nbgrader generate_assignment``, then ``nbgrader autograde`` on two submissions:

* ``teacher`` hands in the instructor version (with solutions): full points;
* ``blank`` hands in the untouched student version: zero on every auto-graded
  cell, and the grader must not crash.

Assignments are graded two at a time (one nbgrader process each, its own SQLite
gradebook), so the whole round trip costs about the sum of the exercise runtimes.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tools import mutations, nbtools
from tools.make_student import NBGRADER_CONFIG

INSTRUCTOR = nbtools.instructor_notebooks()
MUTANTS = mutations.load()
EXTRA_CONFIG = 'c.ExecutePreprocessor.timeout = 300\nc.Execute.timeout = 300\n'


def nbgrader(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    env.pop("MPLBACKEND", None)
    return subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"], cwd=root,
                          capture_output=True, text=True, env=env)


def round_trip(instructor: Path, workdir: Path, extra: dict | None = None) -> dict:
    """Generate the assignment and autograde ``teacher``, ``blank`` and the ``extra``
    submissions (student name -> notebook) in one nbgrader run."""
    import nbformat
    from nbgrader.api import Gradebook

    extra = extra or {}
    name = instructor.stem
    root = workdir / name
    (root / "source" / name).mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(NBGRADER_CONFIG.format(root=str(root)) + EXTRA_CONFIG)
    shutil.copy(instructor, root / "source" / name / instructor.name)
    generated = nbgrader(root, "generate_assignment", name, "--force")
    if generated.returncode != 0:
        return {"error": "generate_assignment failed:\n" + generated.stdout + generated.stderr}
    released = root / "release" / name / instructor.name
    for student, notebook in (("teacher", instructor), ("blank", released)):
        folder = root / "submitted" / student / name
        folder.mkdir(parents=True)
        shutil.copy(notebook, folder / instructor.name)
    for student, nb in extra.items():
        folder = root / "submitted" / student / name
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / instructor.name))
    graded = nbgrader(root, "autograde", name, "--force")
    result = {"autograde": graded, "released": released, "autograded": root / "autograded"}
    with Gradebook(f"sqlite:///{root}/gradebook.db", "dlcourse") as gb:
        for student in ("teacher", "blank", *extra):
            try:
                sub = gb.find_submission(name, student)
            except Exception as exc:  # nbgrader could not grade it at all
                result[student] = {"error": repr(exc)}
                continue
            cells = {}
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.auto_score is not None:
                        cells[grade.name] = (grade.auto_score, grade.max_score)
            result[student] = {"score": sub.score, "max_score": sub.max_score, "cells": cells}
    return result


def _selected_notebooks(items) -> set[str]:
    """The notebooks (file names) whose round trip the selected tests read (``-k ex03`` runs one)."""
    names = set()
    for item in items:
        if "results" not in getattr(item, "fixturenames", ()) or not hasattr(item, "callspec"):
            continue
        params = item.callspec.params
        if "path" in params:
            names.add(params["path"].name)
        if "mutant" in params:
            names.add(params["mutant"].notebook + ".ipynb")
    return names


@pytest.fixture(scope="module")
def results(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("nbgrader")
    needed = _selected_notebooks(request.session.items)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {p.name: pool.submit(round_trip, p, workdir, mutations.submissions(p, MUTANTS))
                   for p in INSTRUCTOR if p.name in needed}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("path", INSTRUCTOR, ids=lambda p: p.name)
def test_instructor_version_scores_full_points(results, path):
    result = results[path.name]
    assert "error" not in result, result.get("error")
    teacher = result["teacher"]
    assert "error" not in teacher, teacher["error"] + result["autograde"].stderr[-3000:]
    assert teacher["max_score"] > 0
    lost = {cell: score for cell, score in teacher["cells"].items() if score[0] != score[1]}
    assert not lost, f"cells that lost points with the reference answers: {lost}\n{result['autograde'].stderr[-3000:]}"
    assert teacher["score"] == teacher["max_score"]


@pytest.mark.parametrize("path", INSTRUCTOR, ids=lambda p: p.name)
def test_untouched_student_version_scores_zero_without_crashing_the_grader(results, path):
    result = results[path.name]
    assert "error" not in result, result.get("error")
    blank = result["blank"]
    assert "error" not in blank, blank["error"]
    assert blank["cells"], "no auto-graded cells were graded"
    scored = {cell: score for cell, score in blank["cells"].items() if score[0] != 0}
    assert not scored, f"auto-graded cells that give points to an empty answer: {scored}"
    assert blank["score"] == 0


@pytest.mark.parametrize("path", INSTRUCTOR, ids=lambda p: p.name)
def test_nbgrader_release_equals_the_committed_student_version(results, path):
    """The release made here, by plain nbgrader, is the student version in the book."""
    result = results[path.name]
    assert "error" not in result, result.get("error")
    released = nbtools.clean_metadata(nbtools.read(result["released"]))
    committed = nbtools.read(nbtools.EXERCISES / path.name)
    assert [c.source for c in released.cells] == [c.source for c in committed.cells]
    assert [c.metadata for c in released.cells] == [c.metadata for c in committed.cells]


# --- grading can fail: plausible wrong answers lose points --------------------------

def _task_score(result: dict, student: str, task: str) -> tuple[float, float]:
    cells = {c: s for c, s in result[student]["cells"].items() if c.startswith(task + "-")}
    assert cells, f"no graded cells of {task}"
    return sum(s[0] for s in cells.values()), sum(s[1] for s in cells.values())


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: f"{m.notebook}-{m.student}")
def test_a_plausible_wrong_answer_loses_points(results, mutant):
    result = results[mutant.notebook + ".ipynb"]
    assert "error" not in result, result.get("error")
    assert "error" not in result[mutant.student], result[mutant.student]["error"]
    got, most = _task_score(result, mutant.student, mutant.task)
    assert got < most, f"{mutant.why!r} ({mutant.old!r} -> {mutant.new!r}) still scores {got}/{most} in {mutant.task}"


@pytest.mark.parametrize("mutant", [m for m in MUTANTS if m.misconception], ids=lambda m: f"{m.notebook}-{m.student}")
def test_a_misconception_gets_no_tick(results, mutant):
    import nbformat

    result = results[mutant.notebook + ".ipynb"]
    path = result["autograded"] / mutant.student / mutant.notebook / (mutant.notebook + ".ipynb")
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        grade = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and grade.get("grade") and grade.get("grade_id", "").startswith(mutant.task + "-"):
            text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
            assert "\u2714" not in text, f"the visible check ticks the misconception {mutant.why!r}: {text.strip()}"


def test_every_mutant_applies_to_its_notebook():
    """A stale table (the solution changed) fails here, with the entry to update."""
    by_name = {p.stem: p for p in INSTRUCTOR}
    for mutant in MUTANTS:
        assert mutant.notebook in by_name, f"mutations.yml names {mutant.notebook}, which does not exist"
        mutations.apply(nbtools.read(by_name[mutant.notebook]), mutant)


def test_the_mutation_test_catches_a_weakened_hidden_test(tmp_path):
    """Weaken one hidden test (the softmax check of ex00 compares with itself): the mutant that
    ignores the temperature then keeps its points, which the test above would report."""
    import nbformat

    instructor = next(p for p in INSTRUCTOR if p.stem == "ex00_how_to_use")
    nb = nbtools.read(instructor)
    check = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "task2-check")
    check.source = "pass  # visible and hidden checks removed: a weakened test\n"
    weakened = tmp_path / instructor.name
    nbformat.write(nb, str(weakened))
    mutant = next(m for m in MUTANTS if m.notebook == "ex00_how_to_use" and m.grade_id == "task2-answer")
    result = round_trip(weakened, tmp_path / "run", {mutant.student: mutations.apply(nb, mutant)})
    got, most = _task_score(result, mutant.student, mutant.task)
    assert got == most > 0  # the weakened grading gives full points to the wrong answer


def _bound_and_read(source: str) -> tuple[set[str], set[str]]:
    """Names a cell binds (assignments, definitions, imports, arguments) and names it reads."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics
        return set(), set()
    bound, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    return bound, read


def test_a_left_out_task_binds_nothing_a_later_task_reads():
    """Mutants of later tasks are graded without the cells of a ``leave_out`` task. If a later
    cell read a name only those cells bind, every such mutant would lose its points to a
    NameError and prove nothing about the grading."""
    by_name = {p.stem: p for p in INSTRUCTOR}
    for notebook, tasks in mutations.left_out().items():
        if not tasks:
            continue
        nb = nbtools.read(by_name[notebook])
        ids = [c.metadata.get("nbgrader", {}).get("grade_id", "") for c in nb.cells]
        for task in tasks:
            mine = [i for i, g in enumerate(ids) if g.startswith(task + "-")]
            assert mine, f"{notebook}: leave_out names {task}, which has no cells"
            there = set().union(*(_bound_and_read(nb.cells[i].source)[0] for i in mine))
            later = [_bound_and_read(c.source) for c in nb.cells[mine[-1] + 1:] if c.cell_type == "code"]
            read_later = set().union(set(), *(r for _, r in later))
            bound_later = set().union(set(), *(b for b, _ in later))
            needed = (there & read_later) - bound_later
            assert not needed, f"{notebook}: tasks after {task} read {sorted(needed)}, bound only in {task}"


def test_leave_out_drops_only_the_named_tasks_cells():
    nb = nbtools.read(next(p for p in INSTRUCTOR if p.stem == "ex03_cnn_resnet"))
    ids = [c.metadata.get("nbgrader", {}).get("grade_id", "") for c in nb.cells]
    kept = [c.metadata.get("nbgrader", {}).get("grade_id", "")
            for c in mutations.through_task(nb, "task7", ["task6"]).cells]
    assert not any(g.startswith("task6-") for g in kept)
    assert [g for g in ids[: len(kept) + sum(g.startswith("task6-") for g in ids)]
            if not g.startswith("task6-")] == kept
    assert [c.metadata.get("nbgrader", {}).get("grade_id", "")
            for c in mutations.through_task(nb, "task6", ["task6"]).cells][-1] == "task6-check"


def test_the_left_out_check_catches_a_task_a_later_one_needs(monkeypatch):
    """ex04's task 8 searches with task 5's tfidf_from_counts: leaving task 5 out is refused."""
    monkeypatch.setattr(mutations, "left_out", lambda: {"ex04_nlp_preprocessing": ["task5"]})
    with pytest.raises(AssertionError, match="tfidf_from_counts"):
        test_a_left_out_task_binds_nothing_a_later_task_reads()
