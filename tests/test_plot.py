import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from dlcourse.plot import heatmap, plot_history  # noqa: E402
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


def test_heatmap_bad_input():
    with pytest.raises(ValueError, match="matrix must be 2-dimensional"):
        heatmap(np.zeros(3))
    with pytest.raises(ValueError, match="row_labels must have 2 entries"):
        heatmap(np.zeros((2, 2)), row_labels=["a"])
