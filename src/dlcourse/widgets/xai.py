"""Explanation explorer (chapter 12): one image, one method, one class, and a threshold.

The pure function :func:`explain_image` computes a heatmap with
:func:`dlcourse.xai.explain` and the numbers that judge it (does its maximum fall on
the object, how much of its mass lies there, which region survives the threshold);
:func:`render_explanation` draws the image with the thresholded heatmap and the
object's box; :func:`xai_explorer` wires an image slider, a method and a class menu
and a threshold slider to them; :func:`xai_figure` is the static companion.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .._validation import check_choice, check_float, check_int

__all__ = ["METHOD_LABELS", "explain_image", "render_explanation", "summarize_explanation", "xai_explorer", "xai_figure"]

#: Menu labels of the methods (keys are :data:`dlcourse.xai.METHODS`).
METHOD_LABELS = {
    "cam": "CAM",
    "grad_cam": "Grad-CAM",
    "lrp": "LRP (epsilon)",
    "gradient_x_input": "gradient x input",
    "random": "random map",
}


def explain_image(
    model: Any,
    image: Any,
    method: str = "grad_cam",
    target: int | None = None,
    threshold: float = 0.5,
    mask: Any = None,
    class_names: Sequence[str] | None = None,
) -> dict[str, Any]:
    r"""Explain one image with one method and score the heatmap.

    The heatmap :math:`M` of ``method`` for class ``target`` (the predicted class when
    ``None``) is scaled to :math:`\tilde M = M / \max_{ij} |M_{ij}|` (so it lies in
    [-1, 1]); the *region* is where :math:`\tilde M \ge` ``threshold``.

    Parameters
    ----------
    model:
        A classifier in eval mode (a :class:`dlcourse.xai.GlobalPoolNet` for ``"cam"``).
    image:
        One image, (C, H, W) or (H, W) tensor.
    mask:
        Optional (H, W) bool object mask; adds the pointing-game hit and the mass inside.

    Returns
    -------
    dict with ``image`` (H, W), ``heatmap`` (H, W) raw map, ``scaled`` (H, W),
    ``region`` (H, W) bool, ``region_share``, ``peak`` (row, col) of the maximum,
    ``probabilities`` (classes,), ``predicted``, ``target``, ``method``, ``threshold``,
    ``class_names`` and, with a mask, ``mask``, ``hit`` and ``mass_inside``.
    """
    import torch

    from .. import xai

    check_choice(method, "method", xai.METHODS)
    threshold = check_float(threshold, "threshold", minimum=0.0, maximum=1.0)
    if not isinstance(image, torch.Tensor):
        image = torch.as_tensor(np.asarray(image, dtype=np.float32))
    if image.ndim == 2:
        image = image[None]
    if image.ndim != 3:
        raise ValueError(f"image must have shape (C, H, W) or (H, W); got {tuple(image.shape)}.")
    x = image[None].float()  # (1, C, H, W)
    with torch.no_grad():
        probabilities = model(x).softmax(dim=1)[0]  # (classes,)
    n_classes = probabilities.shape[0]
    predicted = int(probabilities.argmax())
    target = predicted if target is None or target < 0 else check_int(target, "target", minimum=0, maximum=n_classes - 1)
    names = list(class_names) if class_names is not None else [f"class {c}" for c in range(n_classes)]
    if len(names) != n_classes:
        raise ValueError(f"class_names must have {n_classes} entries, one per class; got {len(names)}.")
    heatmap = xai.explain(model, x, target, method)[0].detach().cpu().numpy()  # (H, W)
    scale = float(np.abs(heatmap).max())
    scaled = heatmap / scale if scale > 0 else np.zeros_like(heatmap)
    region = scaled >= threshold if threshold > 0 else scaled > 0
    peak = np.unravel_index(int(np.argmax(heatmap)), heatmap.shape)
    result: dict[str, Any] = {
        "image": x[0].sum(dim=0).cpu().numpy(),
        "heatmap": heatmap,
        "scaled": scaled,
        "region": region,
        "region_share": float(region.mean()),
        "peak": (int(peak[0]), int(peak[1])),
        "probabilities": probabilities.cpu().numpy(),
        "predicted": predicted,
        "target": target,
        "method": method,
        "threshold": threshold,
        "class_names": names,
    }
    if mask is not None:
        m = np.asarray(mask.cpu() if hasattr(mask, "cpu") else mask, dtype=bool)
        if m.shape != heatmap.shape:
            raise ValueError(f"mask must have the image's shape (H, W) = {heatmap.shape}; got {m.shape}.")
        positive = np.clip(heatmap, 0, None)
        result["mask"] = m
        result["hit"] = bool(m[result["peak"]])
        result["mass_inside"] = float(positive[m].sum() / positive.sum()) if positive.sum() > 0 else 0.0
    return result


def render_explanation(result: Mapping[str, Any], ax: Any) -> None:
    """The grey image, the heatmap inside the thresholded region, the object's box and the peak."""
    img = result["image"]
    ax.imshow(img, cmap="gray", vmin=float(np.percentile(img, 1)), vmax=float(np.percentile(img, 99)))
    overlay = np.ma.masked_where(~result["region"], result["scaled"])
    ax.imshow(overlay, cmap="inferno", vmin=0.0, vmax=1.0, alpha=0.65)
    if "mask" in result:
        ax.contour(result["mask"].astype(float), levels=[0.5], colors="cyan", linewidths=1.0)
    row, col = result["peak"]
    ax.plot(col, row, marker="x", color="lime", markersize=8, mew=2)
    names = result["class_names"]
    p = result["probabilities"][result["target"]]
    ax.set_title(f"{METHOD_LABELS[result['method']]}: '{names[result['target']]}' (p = {p:.2f})", fontsize=9)
    ax.set_xlabel("column (pixel)")
    ax.set_ylabel("row (pixel)")


def summarize_explanation(result: Mapping[str, Any]) -> str:
    """A small HTML table: prediction, explained class, region share, and the scores if a mask is known."""
    names = result["class_names"]
    rows = [
        ("predicted class", f"{names[result['predicted']]} (p = {result['probabilities'][result['predicted']]:.3f})"),
        ("explained class", names[result["target"]]),
        ("region above threshold", f"{100 * result['region_share']:.1f}% of the pixels"),
    ]
    if "mask" in result:
        rows.append(("maximum on the object", "yes" if result["hit"] else "no"))
        rows.append(("positive mass on the object", f"{100 * result['mass_inside']:.1f}%"))
    body = "".join(f"<tr><td style='padding:2px 8px'>{k}</td><td style='padding:2px 8px'>{v}</td></tr>" for k, v in rows)
    return f"<table style='border-collapse:collapse'>{body}</table>"


def xai_explorer(
    model: Any,
    images: Any,
    masks: Any = None,
    class_names: Sequence[str] | None = None,
    *,
    index: int = 0,
    method: str = "grad_cam",
    threshold: float = 0.5,
) -> Any:
    """A widget: pick an image, a method and a class; a threshold slider for the overlay.

    ``images`` is (N, C, H, W) (e.g. ``ShapesData.images``), ``masks`` (N, H, W) or None.
    The class menu offers "predicted" (value -1) and every class. Drive it from code with
    ``explorer.controls["method"].value = "lrp"``; ``explorer.result`` holds the numbers
    of :func:`explain_image`.
    """
    import ipywidgets as widgets

    from .. import xai
    from ._base import Explorer

    n = int(images.shape[0])
    index = check_int(index, "index", minimum=0, maximum=n - 1)
    first = explain_image(model, images[index], method, None, threshold,
                          None if masks is None else masks[index], class_names)  # validates
    style = {"description_width": "initial"}
    controls = {
        "index": widgets.IntSlider(value=index, min=0, max=n - 1, description="image", continuous_update=False, style=style),
        "method": widgets.Dropdown(options=[(METHOD_LABELS[m], m) for m in xai.METHODS], value=method,
                                   description="method", style=style),
        "target": widgets.Dropdown(options=[("predicted", -1)] + [(c, i) for i, c in enumerate(first["class_names"])],
                                   value=-1, description="class", style=style),
        "threshold": widgets.FloatSlider(value=threshold, min=0.0, max=1.0, step=0.05, description="threshold",
                                         continuous_update=False, style=style),
    }

    def compute(index: int, method: str, target: int, threshold: float) -> dict[str, Any]:
        return explain_image(model, images[index], method, target, threshold,
                             None if masks is None else masks[index], class_names)

    return Explorer(controls, compute, render_explanation, summarize_explanation, title="Explanation explorer",
                    figsize=(4.0, 3.6))


def xai_figure(
    model: Any,
    images: Any,
    masks: Any = None,
    class_names: Sequence[str] | None = None,
    *,
    index: int = 0,
    methods: Sequence[str] = ("cam", "grad_cam", "lrp", "random"),
    threshold: float = 0.5,
) -> Any:
    """Static companion of :func:`xai_explorer`: one image explained by several methods."""
    from ._base import companion_figure

    def compute(method: str) -> dict[str, Any]:
        return explain_image(model, images[index], method, None, threshold,
                             None if masks is None else masks[index], class_names)

    return companion_figure(compute, render_explanation, [{"method": m} for m in methods],
                            panel_size=(3.2, 3.2),
                            suptitle=f"Image {index}: regions above {threshold:.2f} of each map's maximum")
