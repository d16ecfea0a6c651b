"""Convolution explorer (chapter 3): a kernel, a stride and a padding, and what they do to an image.

The pure function :func:`convolve_image` computes everything with
:func:`dlcourse.cnn.conv2d`; :func:`render_convolution` draws input, kernel and feature
map side by side; :func:`convolution_explorer` wires sliders to them and
:func:`convolution_figure` is the static companion.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .._validation import check_choice, check_int

__all__ = [
    "KERNELS",
    "demo_image",
    "parse_kernel",
    "convolve_image",
    "render_convolution",
    "summarize_convolution",
    "convolution_explorer",
    "convolution_figure",
]

#: The named 3x3 kernels of the explorer.
KERNELS: dict[str, np.ndarray] = {
    "edge": np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]),  # Sobel, vertical edges
    "blur": np.full((3, 3), 1.0 / 9.0),  # box blur: the mean of the 3x3 window
    "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
    "identity": np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]),
}


def demo_image(size: int = 12) -> np.ndarray:
    """A ``size`` x ``size`` grey test image: a bright square and a diagonal stroke on black."""
    size = check_int(size, "size", minimum=6)
    img = np.zeros((size, size))
    q = size // 4
    img[q : size - q, q : 2 * q + 1] = 1.0  # a bright vertical bar: two vertical edges
    for i in range(size):
        j = size - 1 - i
        if j > 2 * q + 1:
            img[i, j] = 0.6  # a faint diagonal
    return img


def parse_kernel(text: str) -> np.ndarray:
    """Parse a kernel typed as rows separated by ``;``, e.g. ``"1 0 -1; 2 0 -2; 1 0 -1"``."""
    try:
        rows = [[float(v) for v in row.replace(",", " ").split()] for row in str(text).split(";") if row.strip()]
    except ValueError:
        raise ValueError(f"custom kernel must be numbers, rows separated by ';' (e.g. '0 1 0; 1 -4 1; 0 1 0'); got {text!r:.60}.") from None
    if not rows or len({len(r) for r in rows}) != 1 or not rows[0]:
        raise ValueError(f"custom kernel must be a rectangle of numbers: every row the same length, rows "
                         f"separated by ';' (e.g. '0 1 0; 1 -4 1; 0 1 0'); got {text!r:.60}.")
    kernel = np.array(rows)
    if not np.all(np.isfinite(kernel)):
        raise ValueError(f"custom kernel must be finite numbers (no inf or nan); got {text!r:.60}.")
    return kernel


def convolve_image(
    image: Any = None,
    kernel: str = "edge",
    stride: int = 1,
    padding: int = 0,
    custom: str = "0 1 0; 1 -4 1; 0 1 0",
) -> dict[str, Any]:
    """Convolve a grey ``image`` (H, W) with a named or ``custom`` kernel.

    Returns a dict with ``image`` (H, W), ``kernel`` (F_h, F_w), ``output``
    (H_out, W_out), ``stride``, ``padding``, the ``formula`` strings for height and
    width, and ``exact`` (whether (W - F + 2P) / S came out even; if not, the last
    positions are dropped, as PyTorch does).
    """
    from ..cnn import conv2d, conv_output_size

    img = demo_image() if image is None else np.asarray(image, dtype=float)
    if img.ndim != 2:
        raise ValueError(f"image must be a 2-D grey image (height, width); got shape {img.shape}.")
    check_choice(kernel, "kernel", [*KERNELS, "custom"])
    k = parse_kernel(custom) if kernel == "custom" else KERNELS[kernel]
    stride = check_int(stride, "stride", minimum=1)
    padding = check_int(padding, "padding", minimum=0)
    out = conv2d(img[None, None], k[None, None], stride=stride, padding=padding)[0, 0]  # (H_out, W_out)
    formulas, exact = [], True
    for w, f in ((img.shape[0], k.shape[0]), (img.shape[1], k.shape[1])):
        value = (w - f + 2 * padding) / stride + 1
        exact = exact and (w - f + 2 * padding) % stride == 0
        size = conv_output_size(w, f, padding, stride, exact=False)
        formulas.append(f"({w} - {f} + 2*{padding}) / {stride} + 1 = {value:g}" + ("" if value == size else f" -> {size}"))
    return {
        "image": img,
        "kernel": k,
        "kernel_name": kernel,
        "output": out,
        "stride": stride,
        "padding": padding,
        "output_shape": out.shape,
        "formula": formulas,
        "exact": exact,
    }


def render_convolution(result: Mapping[str, Any], ax: Any) -> None:
    """Input, kernel and feature map side by side on one ``Axes`` (three inset panels)."""
    from matplotlib.ticker import MaxNLocator

    ax.set_axis_off()
    panels = [
        (result["image"], f"input {result['image'].shape[0]}x{result['image'].shape[1]}, pad {result['padding']}", "gray"),
        (result["kernel"], f"kernel '{result['kernel_name']}'", "coolwarm"),
        (result["output"], f"output {result['output'].shape[0]}x{result['output'].shape[1]}, stride {result['stride']}", "magma"),
    ]
    for i, (arr, title, cmap) in enumerate(panels):
        sub = ax.inset_axes([i * 0.35, 0.0, 0.3, 0.85])
        if cmap == "coolwarm":
            lim = max(float(np.abs(arr).max()), 1e-12)
            sub.imshow(arr, cmap=cmap, vmin=-lim, vmax=lim)
            if arr.size <= 25:
                for (r, c), v in np.ndenumerate(arr):
                    sub.text(c, r, f"{v:.2g}", ha="center", va="center", fontsize=7)
        else:
            sub.imshow(arr, cmap=cmap)
        sub.set_title(title, fontsize=8)
        sub.set_xlabel("column (pixel)", fontsize=7)
        sub.set_ylabel("row (pixel)", fontsize=7)
        sub.tick_params(labelsize=6)
        sub.xaxis.set_major_locator(MaxNLocator(integer=True))
        sub.yaxis.set_major_locator(MaxNLocator(integer=True))


def summarize_convolution(result: Mapping[str, Any]) -> str:
    """The output-size formula for height and width, as HTML."""
    note = "" if result["exact"] else "<br>not an integer: the last positions are dropped (rounded down)"
    return (
        f"<p>height: {result['formula'][0]}<br>width: {result['formula'][1]}{note}<br>"
        f"output shape {result['output_shape']}</p>"
    )


def convolution_explorer(
    kernel: str = "edge", stride: int = 1, padding: int = 0, image: Sequence[Sequence[float]] | None = None
) -> Any:
    """A widget: choose a kernel (edge, blur, sharpen, identity, custom), the stride and the padding.

    ``explorer.controls["stride"].value = 2`` moves a slider from code;
    ``explorer.result`` holds the recomputed numbers of :func:`convolve_image`.
    """
    import ipywidgets as widgets

    from ._base import Explorer

    img = demo_image() if image is None else np.asarray(image, dtype=float)
    convolve_image(img, kernel, stride, padding)  # validates the arguments
    style = {"description_width": "initial"}
    controls = {
        "kernel": widgets.Dropdown(options=[*KERNELS, "custom"], value=kernel, description="kernel", style=style),
        "stride": widgets.IntSlider(value=stride, min=1, max=4, description="stride S", continuous_update=False, style=style),
        "padding": widgets.IntSlider(value=padding, min=0, max=3, description="padding P", continuous_update=False, style=style),
        "custom": widgets.Text(value="0 1 0; 1 -4 1; 0 1 0", description="custom", style=style,
                               continuous_update=False),
    }

    def compute(**values: Any) -> dict[str, Any]:
        return convolve_image(img, **values)

    return Explorer(controls, compute, render_convolution, summarize_convolution, title="Convolution explorer",
                    figsize=(7.5, 2.8))


def convolution_figure(
    settings: Sequence[Mapping[str, Any]] = (
        {"kernel": "edge", "stride": 1, "padding": 0},
        {"kernel": "blur", "stride": 1, "padding": 1},
        {"kernel": "sharpen", "stride": 2, "padding": 0},
    ),
) -> Any:
    """Static companion of :func:`convolution_explorer`: one row per setting."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(settings), 1, figsize=(8.0, 2.7 * len(settings)), squeeze=False)
    for ax, values in zip(axes[:, 0], settings):
        render_convolution(convolve_image(**values), ax)
    fig.tight_layout()
    return fig
