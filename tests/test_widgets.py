"""The widget pattern, driven from code. Runs under ipywidgets 8 (the pinned environment)
and ipywidgets 7 (Colab's version, `make widgets7`), so it needs no torch or hypothesis."""
import html
import math
import re
from pathlib import Path

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


# ------------------------------------------------------------------ every explorer at its limits
# Issue 29 item 5: every explorer at every control's extremes shows a picture or a message in
# the widget, never an exception and never a stale picture. The sweep builds each explorer
# (those that need a trained model get a tiny untrained one), then moves every control to its
# minimum, its middle and its maximum, every menu through its options and free text to "",
# "a", a long text and others (see _plan for the order, which also reaches both corners).
# Only validation messages (ValueError/TypeError) may reach the reader; any other exception
# inside compute/render/summary fails the test even though the widget would catch it.
LONG_TEXT = "the quick brown fox jumps over the lazy dog 3.5 ; 1 2 , " * 20  # 1,100 characters
TEXTS = ("", "a", " ", "1e999", "한국어 텍스트", LONG_TEXT)


def _needs(module):
    """Skip an explorer whose dependencies are absent (the ipywidgets 7 environment has no torch)."""
    return pytest.importorskip(module)


def _default(name, *needs, **kwargs):
    """A builder of the explorer ``name`` at its defaults (after checking its dependencies)."""
    def build():
        for module in needs:
            _needs(module)
        import dlcourse.widgets

        return getattr(dlcourse.widgets, name)(**kwargs)
    return build


def _build_line_fit():
    from dlcourse.widgets import line_fit_explorer

    x = np.linspace(0.0, 3.0, 12)
    return line_fit_explorer(x, 2.0 + 1.5 * x + np.sin(7 * x))


def _build_threshold():
    from dlcourse.widgets import threshold_explorer

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 40)
    return threshold_explorer(y, np.clip(0.4 * y + rng.uniform(0, 0.6, 40), 0, 1))


def _build_analogy():
    _needs("torch")
    from dlcourse.embeddings import WordVectors
    from dlcourse.widgets import analogy_explorer

    words = ["man", "woman", "king", "queen", "boy", "girl"]
    vectors = np.array([[1, 0, 1, 0, 0], [0, 1, 1, 0, 0], [1, 0, 0, 1, 0], [0, 1, 0, 1, 0],
                        [1, 0, 0, 0, 1], [0, 1, 0, 0, 1]], float)
    return analogy_explorer(WordVectors(words, vectors), "man", "king", "woman", topn=3)


def _build_sampling():
    torch = _needs("torch")
    from dlcourse.rnn import CharLM
    from dlcourse.widgets import sampling_explorer

    torch.manual_seed(0)
    return sampling_explorer(CharLM("ab ", hidden_size=4), prefix="ab", length=10)


def _build_decoding():
    torch = _needs("torch")
    from dlcourse.data import reversal_task
    from dlcourse.seq2seq import Decoder, Encoder, Seq2Seq
    from dlcourse.widgets import decoding_explorer

    torch.manual_seed(0)
    pairs = reversal_task(1, min_len=4, max_len=4, seed=2)
    model = Seq2Seq(Encoder(13, 6, 8), Decoder(13, 6, 8))
    return decoding_explorer(model, pairs.src[0].tolist(), pairs.tgt[0].tolist(), top_k=3)


def _build_attention_head():
    torch = _needs("torch")
    from dlcourse.transformer import Transformer
    from dlcourse.widgets import attention_head_explorer

    torch.manual_seed(0)
    model = Transformer(10, 10, d_model=8, n_heads=2, n_layers=2, d_ff=16, dropout=0.0)
    return attention_head_explorer(model, torch.tensor([3, 4, 5, 6, 7]), torch.tensor([1, 7, 6, 5]),
                                   list("abcde"), ["<s>", "x", "y", "z"])


def _build_xai():
    torch = _needs("torch")
    _needs("captum")
    from dlcourse import xai
    from dlcourse.data import shapes_localisation
    from dlcourse.widgets import xai_explorer

    torch.manual_seed(0)
    data = shapes_localisation(3, size=16, min_shape=6, max_shape=8, seed=0)
    return xai_explorer(xai.GAPNet(channels=(4, 8)).eval(), data.images, data.masks, data.class_names)


BUILDERS = {
    "softmax_explorer": _default("softmax_explorer"),
    "line_fit_explorer": _build_line_fit,
    "threshold_explorer": _build_threshold,
    "learning_rate_explorer": _default("learning_rate_explorer"),
    "optimizer_explorer": _default("optimizer_explorer"),
    "vanishing_explorer": _default("vanishing_explorer", "torch", depth=3),
    "convolution_explorer": _default("convolution_explorer", "torch"),
    "tokenizer_explorer": _default("tokenizer_explorer", "scipy"),
    "window_explorer": _default("window_explorer", "torch"),
    "analogy_explorer": _build_analogy,
    "gradient_flow_explorer": _default("gradient_flow_explorer", "torch"),
    "sampling_explorer": _build_sampling,
    "lstm_gate_explorer": _default("lstm_gate_explorer", "torch"),
    "gru_gate_explorer": _default("gru_gate_explorer", "torch"),
    "arma_explorer": _default("arma_explorer", "statsmodels"),
    "decoding_explorer": _build_decoding,
    "attention_explorer": _default("attention_explorer", "torch"),
    "positional_encoding_explorer": _default("positional_encoding_explorer", "torch", max_len=24, d_model=16),
    "attention_head_explorer": _build_attention_head,
    "xai_explorer": _build_xai,
}


def test_the_sweep_covers_every_explorer():
    import dlcourse.widgets as widgets_module

    public = {name for name in widgets_module.__all__ if name.endswith("_explorer")}
    assert set(BUILDERS) == public, "add a builder for each new explorer to BUILDERS"
    index = Path(__file__).resolve().parents[1] / "book" / "widgets.md"
    if index.exists():  # the explorers the chapters show (tools/widget_index.py) are all swept
        shown = set(re.findall(r"`([a-z_]+_explorer)`", index.read_text(encoding="utf-8")))
        assert shown <= public


def _candidates(control):
    """The values to try for one control: both ends and the middle, every option, odd texts."""
    if isinstance(control, ipywidgets.FloatLogSlider):
        return [float(control.base**e) for e in (control.min, (control.min + control.max) / 2, control.max)]
    if isinstance(control, ipywidgets.IntSlider):
        return sorted({int(control.min), (int(control.min) + int(control.max)) // 2, int(control.max)})
    if isinstance(control, ipywidgets.FloatSlider):
        return [float(control.min), (control.min + control.max) / 2, float(control.max)]
    if isinstance(control, (ipywidgets.Text, ipywidgets.Textarea)):
        return list(TEXTS)
    if isinstance(control, ipywidgets.Checkbox):
        return [False, True]
    if hasattr(control, "options"):  # Dropdown, ToggleButtons, RadioButtons, Select
        return [option[1] if isinstance(option, tuple) else option for option in control.options]
    raise AssertionError(f"the sweep does not know how to move a {type(control).__name__}")


def _plan(explorer):
    """(control, value) moves: each control in turn through its candidates, lowest to highest,
    leaving it at its last one, so that later controls move with the earlier ones at their
    maximum (the learning-rate explorer meets lr = 1 with w0 = -3); at that all-last corner
    every free-text control through its texts again (menus at their last option, e.g. the
    "custom" kernel); then a walk, one control at a time, to the all-first corner."""
    candidates = {name: _candidates(control) for name, control in explorer.controls.items()}
    moves = [(name, value) for name, values in candidates.items() for value in values]
    texts = [name for name, control in explorer.controls.items()
             if isinstance(control, (ipywidgets.Text, ipywidgets.Textarea))]
    moves += [(name, value) for name in texts for value in TEXTS]
    return moves + [(name, values[0]) for name, values in candidates.items()]


def _cheap_png(render, result, figsize=(5.0, 3.0), dpi=96):
    """render_png at a quarter of the resolution: the same drawing code, a quarter of the pixels."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=24)
    FigureCanvasAgg(fig)
    render(result, fig.add_subplot(1, 1, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


SWEEP_COUNTS: dict = {}
CLEAR_REJECTIONS = (ValueError, TypeError)  # a validation message naming the argument


def _recording(function, raised):
    """``function``, noting every exception it raises (the explorer still catches it)."""
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as exc:
            raised.append(exc)
            raise
    return wrapper


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_explorer_survives_every_control_extreme(name, monkeypatch):
    import matplotlib

    import dlcourse.widgets._base as base

    matplotlib.use("Agg")
    monkeypatch.setattr(base, "render_png", _cheap_png)
    explorer = BUILDERS[name]()
    raised: list = []
    for part in ("_compute", "_render", "_summary"):
        if getattr(explorer, part) is not None:
            setattr(explorer, part, _recording(getattr(explorer, part), raised))
    tried, messages = 0, set()
    for control_name, value in _plan(explorer):
        control = explorer.controls[control_name]
        if control.value == value:
            continue
        before = explorer.result
        del raised[:]
        try:
            control.value = value
        except Exception as exc:  # noqa: BLE001 - the point of the sweep
            raise AssertionError(f"{control_name} = {value!r:.60} raised {type(exc).__name__}: {exc} "
                                 f"(controls {explorer.values()})") from exc
        tried += 1
        where = f"{control_name} = {value!r:.60} (controls {str(explorer.values())[:300]})"
        for exc in raised:  # only validation messages may reach the reader, never a crash
            assert isinstance(exc, CLEAR_REJECTIONS), f"{where}: {type(exc).__name__}: {exc}"
        assert explorer.result is not before, f"{where} did not recompute"
        if explorer.error:  # a message in the widget, and no stale picture beside it
            messages.add(explorer.error)
            assert html.escape(explorer.error) in explorer.picture.value
            assert explorer.image.value == b"" and "<img" not in explorer.picture.value
        elif explorer.image.value:  # a fresh picture of the new setting
            assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
            assert "data:image/png;base64," in explorer.picture.value
    assert tried >= len(explorer.controls)
    SWEEP_COUNTS[name] = (len(explorer.controls), tried, sorted(messages))
    print(f"{name}: {len(explorer.controls)} controls, {tried} settings, messages {sorted(messages)}")


def test_the_reported_limits_show_a_message_not_an_exception():
    """Issue 29 item 5, case by case: each picture or message says what happened."""
    from dlcourse.widgets import learning_rate_explorer, optimizer_explorer

    w = learning_rate_explorer(surface="quartic", lr=0.01, x0=-3.0)
    w.controls["lr"].value = 1.0  # diverges in a few steps: the loss overflows
    assert w.error is None and w.result["behaviour"] == "diverges"
    assert w.result["message"] == f"diverged: the loss exceeds 1e300 after {w.result['diverged_after']} steps"
    assert w.result["message"] in w.html.value and w.image.value[:4] == b"\x89PNG"
    o = optimizer_explorer(lr=1.0, steps=300, x0=3.0, y0=3.0)
    assert o.result["diverged_after"]["sgd"] is not None and "inf" not in o.html.value
    assert "diverged at step" in o.html.value


def test_lstm_table_is_padded_and_has_no_raw_latex():
    _needs("torch")
    from dlcourse.widgets import lstm_gate_explorer

    g = lstm_gate_explorer()  # tables: padded cells, HTML subscripts, no raw c_{t-1}
    assert "padding:2px 8px" in g.html.value and "c<sub>t&minus;1</sub>" in g.html.value
    assert "_{" not in g.html.value and all("_{" not in c.description for c in g.controls.values())


@pytest.mark.parametrize("text", ["", "a", "1 2; 3", "1e999"])
def test_custom_kernel_text_shows_its_message(text):
    pytest.importorskip("torch")
    from dlcourse.widgets import convolution_explorer

    w = convolution_explorer(kernel="custom")
    w.controls["custom"].value = text
    assert w.error is not None and w.error.startswith("custom kernel must be")
    assert html.escape(w.error) in w.picture.value and w.image.value == b""
    w.controls["custom"].value = "0 1 0; 1 -4 1; 0 1 0"  # a valid kernel brings the picture back
    assert w.error is None and w.image.value[:4] == b"\x89PNG"


def test_explorer_layout_wraps_and_keeps_a_readable_picture():
    """Issue 26 section 2: picture and table wrap (stacked when narrow); the picture keeps a minimum width."""
    w = softmax_explorer()
    body = next(child for child in w.children if w.picture in getattr(child, "children", ()))
    assert body.layout.flex_flow == "row wrap"
    assert w.picture.layout.min_width == "320px"
    assert "dlc-explorer" in w._dom_classes and "dlc-explorer-picture" in w.picture._dom_classes
    for control in w.controls.values():
        assert control.style.description_width == "initial"  # "temperature" is never cut
