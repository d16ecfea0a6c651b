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

from tools import nbtools
from tools.make_student import NBGRADER_CONFIG

INSTRUCTOR = nbtools.instructor_notebooks()
EXTRA_CONFIG = 'c.ExecutePreprocessor.timeout = 300\nc.Execute.timeout = 300\n'


def nbgrader(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    env.pop("MPLBACKEND", None)
    return subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"], cwd=root,
                          capture_output=True, text=True, env=env)


def round_trip(instructor: Path, workdir: Path) -> dict:
    from nbgrader.api import Gradebook

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
    graded = nbgrader(root, "autograde", name, "--force")
    result = {"autograde": graded, "released": released}
    with Gradebook(f"sqlite:///{root}/gradebook.db", "dlcourse") as gb:
        for student in ("teacher", "blank"):
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


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("nbgrader")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {p.name: pool.submit(round_trip, p, workdir) for p in INSTRUCTOR}
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
