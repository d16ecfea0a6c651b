import random

import numpy as np
import pytest
import torch

import dlcourse
from dlcourse import device, seed_everything, show_source
from dlcourse.core import SourceCode


def draw():
    return random.random(), np.random.rand(), torch.rand(1).item()


def test_seed_everything_repeats_python_numpy_and_torch():
    seed_everything(123)
    first = draw()
    seed_everything(123)
    assert draw() == first
    seed_everything(124)
    assert draw() != first


def test_seed_everything_returns_seed_and_sets_deterministic_mode():
    assert seed_everything(7) == 7
    assert torch.are_deterministic_algorithms_enabled()
    seed_everything(7, deterministic=False)
    torch.use_deterministic_algorithms(False)


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (2**32, ValueError), (1.5, TypeError), ("0", TypeError), (True, TypeError)])
def test_seed_everything_rejects_bad_seeds(bad, error):
    with pytest.raises(error, match="seed"):
        seed_everything(bad)


def test_device_defaults_to_cpu_here_and_honours_prefer(monkeypatch):
    monkeypatch.delenv("DLCOURSE_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    if not torch.cuda.is_available() and getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        expected = "mps"
    assert device().type == expected
    assert device("cpu") == torch.device("cpu")
    monkeypatch.setenv("DLCOURSE_DEVICE", "cpu")
    assert device().type == "cpu"


def test_device_errors_are_clear():
    with pytest.raises(ValueError, match="prefer must be one of"):
        device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no cuda device is available"):
            device("cuda")


def test_show_source_plain_and_html():
    src = show_source(seed_everything)
    assert isinstance(src, SourceCode)
    assert str(src).startswith("def seed_everything(")
    html = src._repr_html_()
    assert "seed_everything" in html and "<span" in html  # highlighted
    assert src.filename == "dlcourse/core.py"  # relative: no author paths leak
    assert "/work/" not in html and "/home/" not in html


def test_show_source_of_a_class_and_method_is_dedented():
    src = show_source(SourceCode._repr_html_)
    assert str(src).startswith("def _repr_html_")


@pytest.mark.parametrize("bad", [len, 3, SourceCode("x", "x")])
def test_show_source_rejects_objects_without_source(bad):
    with pytest.raises(TypeError, match="obj must be a Python function"):
        show_source(bad)


def test_import_is_light():
    """`import dlcourse` must not import torch: Colab users pay for what they use."""
    import subprocess
    import sys

    code = "import sys, dlcourse, dlcourse.widgets, dlcourse.data, dlcourse.exercises; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_version():
    assert dlcourse.__version__.count(".") == 2
