"""The widget pattern, driven from code. Runs under ipywidgets 8 (the pinned environment)
and ipywidgets 7 (Colab's version, `make widgets7`), so it needs no torch or hypothesis."""
import math

import ipywidgets
import numpy as np
import pytest

from dlcourse.widgets import (
    Explorer,
    companion_figure,
    render_softmax,
    softmax_explorer,
    softmax_figure,
    softmax_temperature,
)


def test_softmax_temperature_values_and_limits():
    out = softmax_temperature([2.0, 1.0, 0.1], 1.0)
    expected = np.exp([2.0, 1.0, 0.1]) / np.exp([2.0, 1.0, 0.1]).sum()
    np.testing.assert_allclose(out["probabilities"], expected, rtol=1e-12)
    assert math.isclose(out["entropy"], -(expected * np.log(expected)).sum(), rel_tol=1e-12)
    cold = softmax_temperature([2.0, 1.0, 0.1], 0.01)
    hot = softmax_temperature([2.0, 1.0, 0.1], 1000.0)
    assert cold["probabilities"][0] > 0.999999 and cold["entropy"] < 1e-6
    np.testing.assert_allclose(hot["probabilities"], 1 / 3, atol=1e-3)
    assert math.isclose(hot["max_entropy"], math.log(3))
    big = softmax_temperature([1000.0, 999.0], 1.0)  # stable: no overflow
    np.testing.assert_allclose(big["probabilities"], [1 / (1 + math.e**-1), 1 / (1 + math.e)], rtol=1e-12)


@pytest.mark.parametrize(
    "logits, temperature, error, match",
    [
        ([1.0], 1.0, ValueError, "at least 2 numbers"),
        ([[1.0, 2.0]], 1.0, ValueError, "1-D sequence"),
        ([1.0, float("nan")], 1.0, ValueError, "logits must be finite"),
        ([1.0, 2.0], 0.0, ValueError, "temperature must be > 0"),
        ([1.0, 2.0], "hot", TypeError, "temperature must be a real number"),
    ],
)
def test_softmax_temperature_bad_input(logits, temperature, error, match):
    with pytest.raises(error, match=match):
        softmax_temperature(logits, temperature)


def test_explorer_recomputes_when_a_slider_moves():
    w = softmax_explorer(logits=(2.0, 1.0, 0.1), temperature=1.0)
    assert isinstance(w, ipywidgets.VBox) and isinstance(w, Explorer)
    assert set(w.controls) == {"z0", "z1", "z2", "temperature"}
    np.testing.assert_allclose(w.result["probabilities"], softmax_temperature([2, 1, 0.1], 1.0)["probabilities"])
    png_before = w.image.value
    assert png_before[:8] == b"\x89PNG\r\n\x1a\n"

    w.controls["temperature"].value = 0.25  # move the slider
    assert w.result["temperature"] == pytest.approx(0.25)
    np.testing.assert_allclose(w.result["probabilities"], softmax_temperature([2, 1, 0.1], 0.25)["probabilities"], rtol=1e-12)
    assert w.image.value != png_before
    assert "0.982" in w.html.value

    w.controls["z2"].value = 3.0  # a logit slider: class 2 becomes the arg-max
    assert w.result["argmax"] == 2
    np.testing.assert_allclose(w.result["probabilities"], softmax_temperature([2, 1, 3.0], 0.25)["probabilities"], rtol=1e-12)
    assert w.values() == {"z0": 2.0, "z1": 1.0, "z2": 3.0, "temperature": pytest.approx(0.25)}


def test_explorer_validates_controls():
    with pytest.raises(ValueError, match="controls must hold at least one widget"):
        Explorer({}, lambda: {})
    with pytest.raises(TypeError, match=r"controls\['a'\] must be an ipywidgets value widget"):
        Explorer({"a": 3}, lambda a: {})


def test_explorer_without_render_or_summary():
    slider = ipywidgets.IntSlider(value=2, min=0, max=10)
    w = Explorer({"n": slider}, lambda n: {"square": n * n})
    assert w.result == {"square": 4}
    slider.value = 7
    assert w.result == {"square": 49} and w.image.value == b""


def test_static_companion_figure_uses_the_same_render():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = softmax_figure(temperatures=(0.25, 1.0, 4.0))
    assert len(fig.axes) == 3
    heights = [[bar.get_height() for bar in ax.patches] for ax in fig.axes]
    np.testing.assert_allclose(heights[1], softmax_temperature([2.0, 1.0, 0.1], 1.0)["probabilities"])
    assert all(ax.get_ylabel() == "probability $p_i$" for ax in fig.axes)
    with pytest.raises(ValueError, match="titles must have 1 entries"):
        companion_figure(softmax_temperature, render_softmax, [{"logits": [1, 2]}], titles=["a", "b"])
    plt.close("all")
