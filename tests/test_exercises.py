"""The exercise checks and the nbgrader exercise pattern (instructor -> student versions)."""
import re
import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlcourse.exercises import (
    ExerciseError,
    check_choice,
    check_close,
    check_equal,
    check_in_range,
    check_shape,
    check_true,
)
from tools import nbtools


def test_check_close_passes_with_a_printed_line_and_no_value(capsys):
    """A graded cell must not end with a value: nbgrader would read it as partial credit."""
    assert check_close(torch.tensor([1.0, 2.0]), [1.0, 2.0 + 1e-9], name="v") is None
    assert capsys.readouterr().out == "\u2714 v: all 2 values correct.\n"


def test_check_close_names_the_worst_element():
    with pytest.raises(ExerciseError) as info:
        check_close([[1.0, 2.0], [3.0, 5.0]], [[1.0, 2.0], [3.1, 4.0]], name="W", rtol=0, atol=1e-6)
    msg = str(info.value)
    assert "W differs from the expected values at 2 of 4 positions" in msg
    assert "index (1, 1): got 5, expected 4 (off by 1" in msg
    assert isinstance(info.value, AssertionError)  # nbgrader counts it as a failed test


def test_check_close_shape_nan_scalar_and_type_messages():
    with pytest.raises(ExerciseError, match=r"has shape \(3,\), but shape \(2,\) was expected"):
        check_close([1, 2, 3], [1, 2])
    with pytest.raises(ExerciseError, match=r"contains NaN \(first at index \(1,\)\)"):
        check_close([1, np.nan], [1, 2])
    with pytest.raises(ExerciseError, match="x is 0.5, but 0.6 was expected"):
        check_close(0.5, 0.6, name="x")
    with pytest.raises(ExerciseError, match="should be a number or an array of numbers; got str"):
        check_close("abc", 1.0)


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20))
def test_check_close_accepts_its_own_value(values):
    check_close(np.array(values), np.array(values))  # raises if it does not


def test_other_checks():
    check_equal(["Let", "'s"], ["Let", "'s"])
    with pytest.raises(ExerciseError, match="differs first at position 1: got 's', expected \"'s\""):
        check_equal(["Let", "s"], ["Let", "'s"], name="tokens")
    with pytest.raises(ExerciseError, match="has 1 items, but 2 were expected"):
        check_equal(["Let"], ["Let", "'s"])
    with pytest.raises(ExerciseError, match="n is 3, but 4 was expected"):
        check_equal(3, 4, name="n")
    check_shape(np.zeros((2, 3)), (2, 3))
    with pytest.raises(ExerciseError, match=r"has shape \(3, 2\), but shape \(2, 3\)"):
        check_shape(np.zeros((3, 2)), (2, 3))
    check_in_range(np.float32(0.5), 0, 1)
    check_in_range(torch.tensor(0.5), 0, 1)
    with pytest.raises(ExerciseError, match="acc is 0.2, which is too low: expected a value between 0.9 and 1"):
        check_in_range(0.2, 0.9, 1, name="acc")
    with pytest.raises(ExerciseError, match="should be a single number; got list"):
        check_in_range([1, 2], 0, 1)
    check_choice("b", ["a", "b"], "b")
    with pytest.raises(ExerciseError, match="must be one of 'a', 'b'; got 'c'"):
        check_choice("c", ["a", "b"], "b")
    with pytest.raises(ExerciseError, match="is not right"):
        check_choice("a", ["a", "b"], "b")
    with pytest.raises(ExerciseError, match="custom message"):
        check_true(False, "custom message")


# --- the nbgrader pattern -------------------------------------------------------------

INSTRUCTOR = nbtools.instructor_notebooks()


def test_every_instructor_notebook_has_a_student_version_and_vice_versa():
    assert INSTRUCTOR, "no instructor exercise notebooks found"
    assert [p.name for p in INSTRUCTOR] == [p.name for p in nbtools.student_notebooks()]


@pytest.mark.parametrize("path", INSTRUCTOR, ids=lambda p: p.name)
def test_instructor_notebook_uses_the_nbgrader_source_format(path):
    nb = nbtools.read(path)
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert graded and answers
    ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids)), "grade_id values must be unique"
    for cell in graded:
        assert cell.metadata["nbgrader"]["points"] > 0 and cell.metadata["nbgrader"]["locked"]
        assert "### BEGIN HIDDEN TESTS" in cell.source and "### END HIDDEN TESTS" in cell.source
    for cell in answers:
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source


@pytest.mark.parametrize("path", INSTRUCTOR, ids=lambda p: p.name)
def test_student_version_has_stubs_no_solutions_no_hidden_tests(path):
    student = nbtools.read(nbtools.EXERCISES / path.name)
    text = "\n".join(c.source for c in student.cells)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert "raise NotImplementedError()" in text
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")
    # What hidden tests checked must not leak: no line of a hidden block appears in the student version.
    instructor = nbtools.read(path)
    for cell in instructor.cells:
        for block in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, flags=re.S):
            for line in block.strip().splitlines():
                if line.strip():  # a blank line is in every text
                    assert line.strip() not in text, f"hidden test line leaked: {line!r}"


def test_committed_student_versions_equal_freshly_generated_ones():
    result = subprocess.run(
        [sys.executable, str(nbtools.ROOT / "tools" / "make_student.py"), "--check"],
        capture_output=True, text=True, cwd=nbtools.ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
