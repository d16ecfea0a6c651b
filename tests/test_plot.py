import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from dlcourse.plot import heatmap, plot_history, relative_luminance  # noqa: E402
from dlcourse.train import History  # noqa: E402


def test_plot_history_draws_train_and_validation_twins():
    hist = History({"loss": [3, 2, 1], "val_loss": [3.5, 2.5, 2.0], "accuracy": [0.1, 0.5, 0.9]}, best_epoch=2)
    ax = plot_history(hist, keys=["loss"])
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["train loss", "validation loss", "best epoch (3)"]
    assert ax.get_xlabel() == "epoch"
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), [3.5, 2.5, 2.0])
    assert ax.get_lines()[1].get_linestyle() == "--"
    plt.close("all")


def test_plot_history_accepts_a_dict_and_rejects_unknown_keys():
    ax = plot_history({"loss": [1.0, 0.5]}, ylabel="MSE", logy=True)
    assert ax.get_ylabel() == "MSE" and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match=r"keys \['acc'\] are not in the history"):
        plot_history({"loss": [1.0]}, keys=["acc"])
    with pytest.raises(TypeError, match="history must be a History"):
        plot_history([1, 2, 3])
    plt.close("all")


def test_heatmap_annotates_every_cell_with_contrasting_text():
    m = torch.tensor([[0.0, 1.0], [0.25, 0.75]])
    ax = heatmap(m, ["a", "b"], ["x", "y"], fmt="{:.2f}", xlabel="key", ylabel="query", colorbar_label="weight")
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["0.00", "1.00", "0.25", "0.75"]
    colours = [t.get_color() for t in ax.texts]
    assert colours[0] == "white" and colours[1] == "black"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "y"]
    assert ax.get_xlabel() == "key" and ax.get_ylabel() == "query"
    plt.close("all")


@pytest.mark.parametrize("cmap", ["Blues", "viridis", "magma", "Greys_r", "coolwarm", "RdBu"])
def test_heatmap_text_contrasts_with_the_cell_colour(cmap):
    # A confusion matrix like chapter 1's: on "Blues" the small counts sit on almost white
    # cells, where the old rule (white text below half the range) made FN = 3 and FP = 5 invisible.
    from dlcourse.plot import relative_luminance

    m = np.array([[39, 3], [5, 67]])
    ax = heatmap(m, fmt="{:d}", cmap=cmap, colorbar=False)
    image = ax.images[0]
    for text, value in zip(ax.texts, m.ravel()):
        lum = relative_luminance(image.cmap(image.norm(value)))
        text_lum = 0.0 if text.get_color() == "black" else 1.0
        contrast = (max(lum, text_lum) + 0.05) / (min(lum, text_lum) + 0.05)
        assert contrast >= 4.5, (cmap, value, text.get_color(), lum)   # WCAG AA for normal text
    plt.close("all")


def test_heatmap_small_counts_on_blues_are_dark():
    ax = heatmap(np.array([[39, 3], [5, 67]]), fmt="{:d}", cmap="Blues", colorbar=False)
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours["3"] == "black" and colours["5"] == "black" and colours["67"] == "white"
    plt.close("all")


def test_text_colour_for_extremes():
    from dlcourse.plot import text_colour_for

    assert text_colour_for((1.0, 1.0, 1.0, 1.0)) == "black"
    assert text_colour_for((0.0, 0.0, 0.0)) == "white"
    assert text_colour_for((1.0, 1.0, 0.0)) == "black"      # yellow is light
    assert text_colour_for((0.0, 0.0, 0.8)) == "white"      # dark blue


def test_heatmap_bad_input():
    with pytest.raises(ValueError, match="matrix must be 2-dimensional"):
        heatmap(np.zeros(3))
    with pytest.raises(ValueError, match="row_labels must have 2 entries"):
        heatmap(np.zeros((2, 2)), row_labels=["a"])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: relative_luminance(None), TypeError, "rgba must be an array-like"),
        (lambda: relative_luminance(("x", 0.3, 0.4)), TypeError, "rgba must hold real numbers"),
        (lambda: relative_luminance(()), ValueError, "rgba must have 3 or 4 channels"),
        (lambda: heatmap(np.ones((2, 2)) + 1j), TypeError, "matrix must hold real numbers"),
        (lambda: heatmap(np.ones((2, 2)), fmt=None), TypeError, "fmt must be str"),
        (lambda: heatmap(np.ones((2, 2)), fmt="x"), ValueError, "fmt must be a str.format pattern"),
        (lambda: heatmap(np.ones((2, 2)), cmap="zzz"), ValueError, "cmap must be a matplotlib colormap name"),
        (lambda: heatmap(np.ones((2, 2)), annotate="no"), TypeError, "annotate must be bool"),
        (lambda: heatmap(np.ones((2, 2)), row_labels=object()), TypeError, "row_labels must be a sequence of 2"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()
