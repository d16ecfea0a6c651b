"""Every syllabus section has exercises, the coverage page is current, and student versions
do not name the references their hidden tests compare with."""
from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

from tools import exercise_catalog as ec
from tools import nbauthor, nbtools

INSTRUCTOR = nbtools.instructor_notebooks()
COVERAGE = ec.load_coverage()
SYLLABUS = COVERAGE["syllabus"]


def test_the_syllabus_list_has_the_twelve_sections_with_topics():
    assert sorted(SYLLABUS) == list(range(1, 13))
    for number, section in SYLLABUS.items():
        assert section["title"] and len(section["topics"]) >= 3, number
        assert len(set(section["topics"])) == len(section["topics"]), f"duplicate topic in section {number}"


def test_every_syllabus_section_has_exercises_of_every_kind():
    kinds: dict[int, set[str]] = {}
    for path in INSTRUCTOR:
        for task in ec.tasks(path):
            kinds.setdefault(ec.chapter_number(path.stem), set()).add(task.kind)
    missing = [f"{n}. {SYLLABUS[n]['title']}" for n in SYLLABUS if n not in kinds]
    assert not missing, "syllabus sections without an exercise notebook: " + "; ".join(missing)
    incomplete = {n: sorted(set(ec.KINDS) - k) for n, k in kinds.items() if set(ec.KINDS) - k}
    assert not incomplete, f"chapters lacking a kind of exercise: {incomplete}"


@pytest.mark.parametrize("path", INSTRUCTOR, ids=lambda p: p.name)
def test_headings_points_and_coverage_entries_agree(path):
    found = ec.tasks(path)  # raises on a heading that does not follow the pattern
    assert [t.number for t in found] == list(range(1, len(found) + 1)), "tasks must be numbered 1, 2, 3, ..."
    for task in found:
        assert task.points == task.graded_points, (
            f"{path.name} {task.key}: the heading says {task.points} points, its graded cells give {task.graded_points}")
    entries = COVERAGE["exercises"].get(path.stem)
    assert entries is not None, f"add {path.stem} to notebooks/exercises/coverage.yml"
    assert sorted(entries) == sorted(t.key for t in found), (
        f"coverage.yml lists {sorted(entries)} for {path.stem}, the notebook has {[t.key for t in found]}")
    chapter = ec.chapter_number(path.stem)
    for key, entry in entries.items():
        assert isinstance(entry.get("minutes"), int) and 1 <= entry["minutes"] <= 90, f"{path.stem} {key}: minutes"
        if chapter in SYLLABUS:
            assert entry["topic"] in SYLLABUS[chapter]["topics"], (
                f"{path.stem} {key}: topic {entry['topic']!r} is not one of section {chapter}'s topics "
                f"{SYLLABUS[chapter]['topics']}")


def test_the_coverage_page_is_current_and_in_the_book():
    result = subprocess.run([sys.executable, "tools/exercise_catalog.py", "--check"], cwd=nbtools.ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "book/exercise-coverage" in nbtools.toc_files()


@pytest.mark.parametrize("path", INSTRUCTOR, ids=lambda p: p.name)
def test_student_version_does_not_name_the_references_hidden_tests_use(path):
    leaks = ec.leaked_references(path)
    assert not leaks, (
        f"{path.name}: the student version names the reference an implementation exercise is graded "
        f"against, so a student could call it instead of writing the function: {leaks}. Import it inside "
        "the hidden-tests block, or declare it under 'tools' in notebooks/exercises/coverage.yml if the "
        "exercise hands it over on purpose.")


def test_the_leak_scan_catches_an_imported_reference(tmp_path):
    """The scan above can fail: a reference imported in a visible cell is found, strings are not."""
    cells = [
        nbauthor.code("from dlcourse import cnn\nfrom dlcourse.rnn import rnn_step_forward"),
        nbauthor.locked_md("## 1. Implementation: a step (2 points)", "task1-text"),
        nbauthor.answer("def step(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION", "task1-answer"),
        nbauthor.tests('check_true(True, "the rnn_step_forward and cnn.conv2d names in a string are fine")\n'
              "### BEGIN HIDDEN TESTS\nrnn_step_forward\ncnn.conv2d(1)\nrnn_step_forward(1)\n### END HIDDEN TESTS",
              "task1-check", 2),
    ]
    instructor = tmp_path / "ex99_demo.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), instructor)
    coverage = {"exercises": {}}
    assert ec.reference_names(instructor, ec.tasks(instructor)[0]) == {"rnn_step_forward", "cnn.conv2d"}
    student = tmp_path / "student.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells[:3]), student)   # the import cell is visible
    assert ec.leaked_references(instructor, student, coverage) == {"task1": {"rnn_step_forward"}}
    declared = {"exercises": {"ex99_demo": {"task1": {"tools": ["rnn_step_forward"]}}}}
    assert ec.leaked_references(instructor, student, declared) == {}
    nbformat.write(nbformat.v4.new_notebook(cells=cells[1:3] + [nbauthor.code('print("use cnn.conv2d")')]), student)
    assert ec.leaked_references(instructor, student, coverage) == {}
