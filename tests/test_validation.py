import numpy as np
import pytest
import torch

from dlcourse._validation import (
    check_choice,
    check_finite,
    check_float,
    check_int,
    check_ndim,
    check_probability,
    check_shape,
    check_type,
    format_shape,
)


def test_check_int():
    assert check_int(np.int64(3), "n") == 3
    with pytest.raises(TypeError, match="n must be an integer; got float"):
        check_int(3.0, "n")
    with pytest.raises(TypeError, match="got bool"):
        check_int(True, "n")
    with pytest.raises(ValueError, match="n must be >= 1; got 0"):
        check_int(0, "n", minimum=1)
    with pytest.raises(ValueError, match="n must be <= 5; got 6"):
        check_int(6, "n", maximum=5)


def test_check_float():
    assert check_float(1, "lr") == 1.0
    with pytest.raises(ValueError, match="lr must be > 0"):
        check_float(0.0, "lr", minimum=0.0, strict_minimum=True)
    with pytest.raises(ValueError, match="finite"):
        check_float(float("nan"), "lr")
    with pytest.raises(TypeError, match="lr must be a real number; got str"):
        check_float("0.1", "lr")
    assert check_probability(0.5, "p") == 0.5
    with pytest.raises(ValueError, match="p must be <= 1"):
        check_probability(1.5, "p")


def test_check_choice_and_type():
    assert check_choice("dot", "score", ["dot", "general"]) == "dot"
    with pytest.raises(ValueError, match="score must be one of 'dot', 'general'; got 'cos'"):
        check_choice("cos", "score", ["dot", "general"])
    with pytest.raises(TypeError, match="x must be int or float; got str"):
        check_type("a", "x", (int, float))


def test_check_shape_message_names_axes():
    x = torch.zeros(4, 8)
    with pytest.raises(ValueError) as info:
        check_shape(x, "x", (None, None, 8), names="(batch, seq_len, input_size)")
    assert str(info.value) == "x must have shape (batch, seq_len, input_size) = (*, *, 8); got (4, 8)."
    check_shape(torch.zeros(2, 3, 8), "x", (None, None, 8))
    with pytest.raises(TypeError, match="x must be an array or tensor; got list"):
        check_shape([1, 2], "x", (2,))


def test_check_ndim_and_format_shape():
    check_ndim(np.zeros((2, 3)), "m", 2)
    check_ndim(np.zeros(3), "m", (1, 2))
    with pytest.raises(ValueError, match=r"m must be 2-dimensional \(rows, cols\); got shape \(3,\)"):
        check_ndim(np.zeros(3), "m", 2, names="(rows, cols)")
    assert format_shape((None, 3)) == "(*, 3)"
    assert format_shape((5,)) == "(5,)"


def test_check_finite_reports_first_bad_index():
    check_finite(np.ones(3), "x")
    with pytest.raises(ValueError, match=r"found nan at index \(1, 0\) \(2 non-finite"):
        check_finite(np.array([[1.0, 2.0], [np.nan, np.inf]]), "x")
    with pytest.raises(ValueError, match="x must contain only finite numbers"):
        check_finite(torch.tensor([float("inf")]), "x")
