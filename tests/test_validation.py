import numpy as np
import pytest
import torch

from dlcourse._validation import (
    MAX_LAYERS,
    MAX_PARAMETERS,
    as_float_array,
    as_real_array,
    check_choice,
    check_class_ids,
    check_finite,
    check_float,
    check_int,
    check_ndim,
    check_num_elements,
    check_num_layers,
    check_num_parameters,
    check_probability,
    check_shape,
    check_token_ids,
    check_type,
    format_shape,
    renamed,
    to_numpy,
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
    with pytest.raises(ValueError, match=r"found NaN at index \(1, 0\) \(2 non-finite"):
        check_finite(np.array([[1.0, 2.0], [np.nan, np.inf]]), "x")
    with pytest.raises(ValueError, match="x must contain only finite numbers"):
        check_finite(torch.tensor([float("inf")]), "x")


@pytest.mark.parametrize(
    "value, expected",
    [([1, 2], [1.0, 2.0]), (3, 3.0), (np.array([True, False]), [1.0, 0.0]), (torch.tensor([0.5, 1.5]), [0.5, 1.5]),
     (np.arange(3, dtype=np.int8), [0.0, 1.0, 2.0]), (torch.ones(2, requires_grad=True), [1.0, 1.0])],
)
def test_as_float_array_converts_real_numbers(value, expected):
    out = as_float_array(value, "x")
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize(
    "value, kwargs, error, match",
    [
        (None, {}, TypeError, r"x must be an array-like of real numbers; got None\. Pass a list"),
        ("12", {}, TypeError, r"got str \('12'\)\. Convert the text to numbers first"),
        (b"12", {}, TypeError, "got bytes"),
        ([1 + 5j, 2.0], {}, TypeError, r"complex array \(dtype complex128\).*np\.real\(x\)"),
        (torch.tensor([1 + 1j]), {}, TypeError, "complex"),
        (np.array(["1", "2"]), {}, TypeError, r"array of strings .*first element '1'"),
        (np.array([1.0, None]), {}, TypeError, "array of Python objects"),
        ([[1.0], [1.0, 2.0]], {}, ValueError, "rectangular.*same length"),
        (np.array([1.0, np.nan]), {"finite": True}, ValueError, r"finite numbers; found NaN at index \(1,\)"),
        ([1.0, 2.0], {"ndim": 2, "names": "(batch, features)"}, ValueError, r"2-dimensional \(batch, features\)"),
        (np.array(["2020-01-01"], dtype="datetime64[D]"), {}, TypeError, "dtype datetime64"),
    ],
)
def test_as_float_array_rejects_what_would_convert_wrongly(value, kwargs, error, match):
    with pytest.raises(error, match=match):
        as_float_array(value, "x", **kwargs)


def test_as_float_array_keeps_nan_unless_asked_and_accepts_an_allowed_ndim():
    assert np.isnan(as_float_array([np.nan], "x")[0])
    assert as_float_array([[1.0]], "x", ndim=(1, 2)).shape == (1, 1)


@pytest.mark.parametrize(
    "ids, error, match",
    [
        ([0, 1], TypeError, r"src must be a torch.Tensor of token ids; got list.*torch.as_tensor\(src"),
        (torch.tensor([0.0, 1.0]), TypeError, r"integer token ids; got dtype torch.float32.*src.long\(\)"),
        (torch.tensor([True]), TypeError, "torch.bool"),
        (torch.tensor([[0, 1], [5, 2]]), ValueError, r"ids in 0..4 \(the vocabulary has 5 tokens\); got 5 at index \(1, 0\)"),
        (torch.tensor([-1]), ValueError, r"got -1 at index \(0,\)"),
    ],
)
def test_check_token_ids_names_the_first_bad_id(ids, error, match):
    with pytest.raises(error, match=match):
        check_token_ids(ids, "src", 5)


def test_check_token_ids_accepts_valid_and_empty_ids():
    check_token_ids(torch.tensor([[0, 4]]), "src", 5)
    check_token_ids(torch.zeros(0, dtype=torch.long), "src", 5)
    with pytest.raises(ValueError, match="vocab_size must be >= 1"):
        check_token_ids(torch.tensor([0]), "src", 0)


def test_to_numpy_keeps_the_dtype_and_detaches_tensors():
    out = to_numpy(torch.tensor([1, 2], dtype=torch.int32, requires_grad=False))
    assert isinstance(out, np.ndarray) and out.dtype == np.int32
    assert to_numpy(torch.ones(2, requires_grad=True)).tolist() == [1.0, 1.0]
    assert to_numpy([True, False]).dtype == bool


@pytest.mark.parametrize(
    "value, error, match",
    [
        (None, TypeError, r"^y must hold labels; got NoneType\. Encode them\.$"),
        ("ab", TypeError, r"^y must hold labels; got str\. Encode them\.$"),
        (["a", "b"], TypeError, r"^y must hold labels; got dtype <U1\. Encode them\.$"),
        ([1j, 2], TypeError, "got dtype complex128"),
        (np.array([object()]), TypeError, "got dtype object"),
    ],
)
def test_as_real_array_names_what_is_wrong(value, error, match):
    with pytest.raises(error, match=match):
        as_real_array(value, "y", expected="hold labels", fix="Encode them.")


def test_as_real_array_keeps_integer_and_float_dtypes():
    assert as_real_array(torch.tensor([0, 2]), "y", expected="-", fix="-").dtype == np.int64
    assert as_real_array([[0.0, 1.0]], "y", expected="-", fix="-").dtype == np.float64


def test_check_num_layers_bounds_before_building():
    assert check_num_layers(3) == 3 and check_num_layers(MAX_LAYERS) == MAX_LAYERS
    with pytest.raises(ValueError, match=r"num_layers must be at most 1000 \(.*\); got 1001\. To fix: pass"):
        check_num_layers(MAX_LAYERS + 1)
    with pytest.raises(ValueError, match="depth must be >= 1; got 0"):
        check_num_layers(0, "depth")
    with pytest.raises(TypeError, match="num_layers must be an integer; got float"):
        check_num_layers(2.0)


def test_check_num_parameters_names_the_model_its_size_and_the_fix():
    check_num_parameters(MAX_PARAMETERS, "Net", "shrink it")  # the bound itself is allowed
    with pytest.raises(ValueError, match=r"^Net would have about 1,000,000,001 parameters \(4\.0 GB in float32\); "
                       r"this library builds at most 1,000,000,000 \(MAX_PARAMETERS\)\. To fix: shrink it\.$"):
        check_num_parameters(MAX_PARAMETERS + 1, "Net", "shrink it")
    with pytest.raises(ValueError, match=r"about 11 parameters \(0\.0 GB in float64\); this library builds at most 10 "):
        check_num_parameters(11, "Net", "shrink it", limit=10, bytes_per_parameter=8)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: check_float(-1.0, "lr", minimum=0.0), ValueError, r"lr must be >= 0\.0; got -1\.0"),
        (lambda: check_ndim([1, 2], "x", 1), TypeError, "x must be an array or tensor; got list"),
        (lambda: check_num_elements(10**9, "the mask", "pass a smaller max_len"), ValueError,
         r"^the mask would hold 1,000,000,000 numbers; .*\(MAX_ELEMENTS\)\. To fix: pass a smaller max_len\.$"),
        (lambda: renamed(3, 4, "num_classes", "n_classes", 10), TypeError,
         r"num_classes and its older name n_classes were both given \(3 and 4\); pass only num_classes"),
        (lambda: check_class_ids(torch.tensor([[1, 7]]), "targets", 5, source="logits.shape[-1]"), ValueError,
         r"targets must hold class ids in 0\.\.4 \(K = logits\.shape\[-1\] = 5\); got 7 at index \(0, 1\)"),
        (lambda: check_class_ids(torch.tensor([7, 1]), "targets", 5, source="K", mask=torch.tensor([True, False])),
         ValueError, "class ids in 0..4 at the real positions"),
    ],
)
def test_remaining_raise_branches(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_renamed_warns_and_passes_the_old_value_on():
    assert renamed(5, None, "num_classes", "n_classes", 10) == 5
    with pytest.warns(DeprecationWarning, match=r"n_classes is deprecated; use num_classes .*num_classes=3"):
        assert renamed(10, 3, "num_classes", "n_classes", 10) == 3
    check_class_ids(torch.tensor([1, 7]), "targets", 5, source="K", mask=torch.tensor([True, False]))  # padding
