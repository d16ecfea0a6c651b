"""The exercise checks and the nbgrader exercise pattern (instructor -> student versions)."""
import ast
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlcourse.exercises import (
    UNANSWERED,
    CheckAuthorError,
    ExerciseError,
    check_choice,
    check_close,
    check_equal,
    check_format,
    check_in_range,
    check_shape,
    check_true,
    reject_if,
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


def test_other_checks_pass_on_right_answers():
    check_equal(["Let", "'s"], ["Let", "'s"])
    check_shape(np.zeros((2, 3)), (2, 3))
    check_in_range(np.float32(0.5), 0, 1)
    check_in_range(torch.tensor(0.5), 0, 1)
    check_choice("b", ["a", "b"], "b")


@pytest.mark.parametrize("call, match", [
    pytest.param(lambda: check_equal(["Let", "s"], ["Let", "'s"], name="tokens"),
                 "differs first at position 1: got 's', expected \"'s\"", id="check_equal-first-difference"),
    pytest.param(lambda: check_equal(["Let"], ["Let", "'s"]), "has 1 items, but 2 were expected",
                 id="check_equal-length"),
    pytest.param(lambda: check_equal(3, 4, name="n"), "n is 3, but 4 was expected", id="check_equal-scalar"),
    pytest.param(lambda: check_shape(np.zeros((3, 2)), (2, 3)), r"has shape \(3, 2\), but shape \(2, 3\)",
                 id="check_shape-wrong-shape"),
    pytest.param(lambda: check_in_range(0.2, 0.9, 1, name="acc"),
                 "acc is 0.2, which is too low: expected a value between 0.9 and 1", id="check_in_range-too-low"),
    pytest.param(lambda: check_in_range([1, 2], 0, 1), "should be a single number; got list",
                 id="check_in_range-not-a-number"),
    pytest.param(lambda: check_choice("c", ["a", "b"], "b"), "must be one of 'a', 'b'; got 'c'",
                 id="check_choice-not-an-option"),
    pytest.param(lambda: check_choice("a", ["a", "b"], "b"), "is not right", id="check_choice-wrong-option"),
    pytest.param(lambda: check_true(False, "custom message"), "custom message", id="check_true-false"),
])
def test_other_checks_name_what_is_wrong(call, match):
    with pytest.raises(ExerciseError, match=match):
        call()


def test_check_equal_compares_arrays_and_tensors(capsys):
    check_equal(np.array([1, 2]), np.array([1, 2]))
    check_equal(torch.tensor([[1, 2]]), np.array([[1, 2]]), name="ids")
    assert capsys.readouterr().out.count("\u2714") == 2
    with pytest.raises(ExerciseError, match=r"ids differs first at index \(1,\): got 3, expected 2"):
        check_equal(np.array([1, 3]), np.array([1, 2]), name="ids")
    with pytest.raises(ExerciseError, match=r"has shape \(3,\), but shape \(2,\)"):
        check_equal(np.array([1, 2, 3]), np.array([1, 2]))


@pytest.mark.parametrize(
    "call",
    [
        lambda: check_choice("b", ["a", "b"], "z"),
        lambda: check_choice("b", [], "b"),
        lambda: check_in_range(0.5, 2.0, 1.0),
        lambda: check_in_range(0.5, float("nan"), 1.0),
        lambda: check_close(1.0, None),
        lambda: check_close(1.0, "1.0"),
        lambda: check_close(1.0, 1.0, rtol=-1),
        lambda: check_close(1.0, 1.0, atol=None),
        lambda: check_close(1.0, 1.0, rtol="1e-6"),
        lambda: check_shape(np.zeros(2), None),
        lambda: check_shape(np.zeros(2), ("x",)),
        lambda: check_choice("b", "ab", "b"),
        lambda: check_choice("b", None, "b"),
        lambda: reject_if("no", "a string is always true"),
        lambda: check_true(True, ""),
        lambda: check_format(1.0, "float"),
    ],
)
def test_a_wrong_call_of_a_check_is_the_authors_error_not_the_students(call):
    with pytest.raises(CheckAuthorError, match="mistake in the exercise, not in your answer") as info:
        call()
    assert not isinstance(info.value, AssertionError)  # not counted as the student's wrong answer


@pytest.mark.parametrize(
    "call",
    [
        lambda: check_close(UNANSWERED, 1.0),
        lambda: check_equal(UNANSWERED, 3),
        lambda: check_in_range(..., 0, 1),
        lambda: check_choice(UNANSWERED, ["a", "b"], "a"),
        lambda: check_shape(UNANSWERED, (2,)),
        lambda: check_format(UNANSWERED, str),
    ],
)
def test_an_unanswered_question_gets_a_sentence(call):
    with pytest.raises(ExerciseError, match="not answered yet: replace UNANSWERED"):
        call()


def test_check_format_accepts_without_a_tick(capsys):
    import numbers

    check_format(0.7, numbers.Real, name="q2")
    out = capsys.readouterr().out
    assert "format accepted - the value is graded by hidden tests" in out and "\u2714" not in out
    with pytest.raises(ExerciseError, match="should be a number; got str"):
        check_format("0.7", numbers.Real)
    with pytest.raises(ExerciseError, match="should be a number; got bool"):
        check_format(True, numbers.Real)
    with pytest.raises(ExerciseError, match="is empty"):
        check_format("  ", str)


def test_an_infinite_expected_value_needs_an_equal_answer_and_text_is_not_a_number():
    check_close([np.inf, 2.0], [np.inf, 2.0])
    with pytest.raises(ExerciseError, match="differs from the expected values"):
        check_close([1.0, 2.0], [np.inf, 2.0])  # the tolerance rtol * inf must not accept anything
    with pytest.raises(ExerciseError, match=r"should be a number or an array of numbers; got str \(the text '0.5'\)"):
        check_in_range("0.5", 0.0, 1.0)


def test_reject_if_teaches_and_never_ticks(capsys):
    with pytest.raises(ExerciseError, match="2.0 is the entropy in bits"):
        reject_if(True, "2.0 is the entropy in bits")
    reject_if(False, "never shown")
    assert capsys.readouterr().out == ""
    with pytest.raises(CheckAuthorError):
        reject_if(False, "")


def test_the_checks_hide_their_own_frames():
    import inspect

    import dlcourse.exercises as ex

    for name in ("check_close", "check_equal", "check_shape", "check_in_range", "check_choice",
                 "check_true", "check_format", "reject_if"):
        assert "__tracebackhide__ = True" in inspect.getsource(getattr(ex, name)), name


def test_complex_answers_are_not_silently_truncated():
    with pytest.raises(ExerciseError, match="should be a number"):
        check_close(1 + 5j, 1.0)


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
    assert "raise NotImplementedError(\n" in text and "Replace this with your code" in text  # a sentence, not a bare error
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")
    # What hidden tests checked must not leak: no statement of a hidden block appears in the
    # student version (compared without whitespace, so that line breaks do not matter).
    squeeze = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    student_code = squeeze("\n".join(_unparsed(c.source) for c in student.cells if c.cell_type == "code"))
    instructor = nbtools.read(path)
    for cell in instructor.cells:
        for block in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, flags=re.S):
            for statement in ast.parse(textwrap.dedent(block)).body:
                assert squeeze(ast.unparse(statement)) not in student_code, \
                    f"hidden test statement leaked: {ast.unparse(statement)[:80]!r}"


def _unparsed(source):
    """``source`` as Python prints it back (one spelling per statement), or as written when it is
    not Python (a placeholder a student replaces)."""
    try:
        return ast.unparse(ast.parse(source))
    except SyntaxError:
        return source


def test_committed_student_versions_equal_freshly_generated_ones():
    result = subprocess.run(
        [sys.executable, str(nbtools.ROOT / "tools" / "make_student.py"), "--check"],
        capture_output=True, text=True, cwd=nbtools.ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
