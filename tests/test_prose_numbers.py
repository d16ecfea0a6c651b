"""Numbers the prose reports equal the notebook's recorded outputs (tools/prose_numbers.py)."""
from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from dlcourse.reporting import MIME_PREFIX, record
from tools import nbtools
from tools.prose_numbers import check_notebook


def _notebook(markdown: str, **values) -> nbformat.NotebookNode:
    outputs = [
        new_output(
            "display_data",
            data={MIME_PREFIX + "text/plain": repr(value)},
            metadata={"scrapbook": {"name": name, "mime_prefix": MIME_PREFIX}},
        )
        for name, value in values.items()
    ]
    cell = new_code_cell("record(...)", outputs=outputs, execution_count=1)
    return new_notebook(cells=[cell, new_markdown_cell(markdown)])


@pytest.mark.parametrize(
    "text, value",
    [
        ("accuracy 0.973<!--r:a-->", 0.97333),
        ("accuracy **0.973**<!--r:a-->", 0.9726),
        ("97.3%<!--r:a--> of the tests", 97.29),
        ("6,033<!--r:a--> steps", 6033),
        ("a ratio of 2.35x<!--r:a-->", 2.349),
        ("a change of −0.12<!--r:a-->", -0.1234),
        ("an error of 1.6e-06<!--r:a-->", 1.63e-6),
        ("p = 0.11 <!-- r:a -->", 0.1149),
    ],
)
def test_marked_numbers_that_agree_pass(text, value):
    assert check_notebook(_notebook(text, a=value)) == []


@pytest.mark.parametrize(
    "text, value, why",
    [
        ("accuracy 0.974<!--r:a-->", 0.97333, "output rounds to 0.973"),  # a planted mismatch
        ("accuracy 0.97<!--r:a-->", 0.9650, "output rounds to 0.96"),
        ("6,034<!--r:a--> steps", 6033, "output rounds to 6033"),
        ("-0.12<!--r:a-->", 0.12, "output rounds to 0.12"),
        ("accuracy 0.973<!--r:b-->", 0.97333, "no value recorded"),
        ("accuracy<!--r:a-->", 0.97333, "no number"),
        ("accuracy 0.973<!--r: bad name-->", 0.97333, "malformed"),
        ("accuracy 0.973<!--r:a-->", "0.973", "string"),
    ],
)
def test_a_mismatch_fails_with_a_reason(text, value, why):
    problems = check_notebook(_notebook(text, a=value))
    assert problems, "the check must fail"
    assert why in str(problems[0])


def test_record_validates_and_unwraps():
    import numpy as np

    assert record("x.y", np.float64(0.5)) == 0.5 and type(record("x.y", np.int64(3))) is int
    with pytest.raises(ValueError, match="name must be"):
        record("1bad", 1.0)
    with pytest.raises(ValueError, match="finite"):
        record("ok", float("nan"))
    with pytest.raises(TypeError, match="value must be"):
        record("ok", [1, 2])


@pytest.mark.parametrize("path", nbtools.executed_notebooks(), ids=lambda p: p.name)
def test_every_marked_number_in_the_book_equals_its_output(path):
    problems = check_notebook(nbtools.read(path))
    assert not problems, "\n".join(map(str, problems))
