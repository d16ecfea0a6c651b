"""Line-fitting explorer: residuals and the squared-error cost of a straight line (chapter 1).

Pick an intercept ``w0`` and a slope ``w1``; the widget draws the line, the residual
of every point and the mean squared error, next to the least-squares line.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from .._validation import check_float

__all__ = ["line_fit", "render_line_fit", "summarize_line_fit", "line_fit_explorer", "line_fit_figure"]


def line_fit(x: Any, y: Any, intercept: float = 0.0, slope: float = 1.0) -> dict[str, Any]:
    r"""Residuals and cost of the line :math:`\hat y = w_0 + w_1 x`, and the least-squares line.

    .. math::
        J(w_0, w_1) = \frac{1}{N}\sum_i (w_0 + w_1 x_i - y_i)^2, \quad
        w_1^* = \frac{\sum_i (x_i - \bar x)(y_i - \bar y)}{\sum_i (x_i - \bar x)^2}, \quad
        w_0^* = \bar y - w_1^* \bar x

    where :math:`\bar x, \bar y` are the means of the data.

    Returns
    -------
    dict with ``x``, ``y`` (N,), ``intercept``, ``slope``, ``predictions`` and
    ``residuals`` (N,, ``y - y_hat``), ``cost`` (MSE), ``best_intercept``,
    ``best_slope`` and ``best_cost``.

    Example
    -------
    >>> out = line_fit([0, 1, 2, 3], [6, 9.5, 13, 16.5], intercept=6, slope=3)
    >>> out["best_intercept"], out["best_slope"], out["cost"]
    (6.0, 3.5, 0.875)
    """
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    if xs.ndim != 1 or ys.ndim != 1 or xs.shape != ys.shape:
        raise ValueError(f"x and y must be 1-D with the same length; got shapes {xs.shape} and {ys.shape}.")
    if xs.size < 2 or np.ptp(xs) == 0:
        raise ValueError("x must hold at least two different values to define a least-squares line.")
    if not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))):
        raise ValueError("x and y must contain only finite numbers.")
    w0 = check_float(intercept, "intercept")
    w1 = check_float(slope, "slope")
    dx, dy = xs - xs.mean(), ys - ys.mean()
    best_slope = float(dx @ dy / (dx @ dx))
    best_intercept = float(ys.mean() - best_slope * xs.mean())
    pred = w0 + w1 * xs
    residuals = ys - pred
    best_residuals = ys - (best_intercept + best_slope * xs)
    return {
        "x": xs, "y": ys, "intercept": w0, "slope": w1,
        "predictions": pred, "residuals": residuals, "cost": float(np.mean(residuals**2)),
        "best_intercept": best_intercept, "best_slope": best_slope,
        "best_cost": float(np.mean(best_residuals**2)),
    }


def render_line_fit(result: Mapping[str, Any], ax: Any) -> None:
    """Points, the chosen line with residual segments, and the least-squares line dashed."""
    x, y = result["x"], result["y"]
    ax.vlines(x, result["predictions"], y, color="C3", linewidth=1, alpha=0.7, label="residuals")
    ax.scatter(x, y, s=14, color="C0", zorder=3, label="data")
    grid = np.linspace(x.min(), x.max(), 2)
    ax.plot(grid, result["intercept"] + result["slope"] * grid, color="C1",
            label=f"$w_0$={result['intercept']:.2f}, $w_1$={result['slope']:.2f}")
    ax.plot(grid, result["best_intercept"] + result["best_slope"] * grid, color="black", linestyle="--",
            linewidth=1, label=f"least squares (MSE {result['best_cost']:.2f})")
    ax.set_xlabel("x (input)")
    ax.set_ylabel("y (target)")
    ax.set_title(f"MSE = {result['cost']:.2f}", fontsize=9)
    ax.legend(fontsize=7, frameon=False, loc="upper left")


def summarize_line_fit(result: Mapping[str, Any]) -> str:
    """The chosen and the optimal parameters with their costs, as HTML."""
    return (
        "<table style='border-collapse:collapse'><tr><th style='padding:2px 8px;text-align:left'></th><th style='padding:2px 8px;text-align:left'>w<sub>0</sub></th><th style='padding:2px 8px;text-align:left'>w<sub>1</sub></th><th style='padding:2px 8px;text-align:left'>MSE</th></tr>"
        f"<tr><td style='padding:2px 8px'>your line</td><td style='padding:2px 8px'>{result['intercept']:.3f}</td><td style='padding:2px 8px'>{result['slope']:.3f}</td>"
        f"<td style='padding:2px 8px'>{result['cost']:.3f}</td></tr>"
        f"<tr><td style='padding:2px 8px'>least squares</td><td style='padding:2px 8px'>{result['best_intercept']:.3f}</td><td style='padding:2px 8px'>{result['best_slope']:.3f}</td>"
        f"<td style='padding:2px 8px'>{result['best_cost']:.3f}</td></tr></table>"
    )


def line_fit_explorer(x: Any, y: Any, intercept: float = 0.0, slope: float = 1.0) -> Any:
    """A widget with intercept and slope sliders; returns an ``Explorer``.

    The slider ranges are centred on the least-squares solution.
    """
    import ipywidgets as widgets

    from ._base import Explorer

    first = line_fit(x, y, intercept, slope)  # validates
    b0, b1 = first["best_intercept"], first["best_slope"]
    span0 = max(abs(b0), float(np.ptp(first["y"])), 1.0)
    span1 = max(abs(b1), 1.0) * 2
    controls = {
        "intercept": widgets.FloatSlider(value=first["intercept"], min=b0 - span0, max=b0 + span0,
                                         step=span0 / 100, description="intercept w₀", continuous_update=False,
                                         style={"description_width": "initial"}),
        "slope": widgets.FloatSlider(value=first["slope"], min=b1 - span1, max=b1 + span1,
                                     step=span1 / 100, description="slope w₁", continuous_update=False,
                                     style={"description_width": "initial"}),
    }
    xs, ys = first["x"], first["y"]

    def compute(intercept: float, slope: float) -> dict[str, Any]:
        return line_fit(xs, ys, intercept, slope)

    return Explorer(controls, compute, render_line_fit, summarize_line_fit, title="Fit a line by hand")


def line_fit_figure(x: Any, y: Any, lines: tuple[tuple[float, float], ...] = ((0.0, 1.0), (5.0, 2.0))) -> Any:
    """Static companion of :func:`line_fit_explorer`: the given (intercept, slope) lines
    and, last, the least-squares line."""
    from ._base import companion_figure

    best = line_fit(x, y)
    settings = [{"x": x, "y": y, "intercept": a, "slope": b} for a, b in lines]
    settings.append({"x": x, "y": y, "intercept": best["best_intercept"], "slope": best["best_slope"]})
    return companion_figure(line_fit, render_line_fit, settings, panel_size=(3.9, 3.2),
                            suptitle="Residuals and cost of three lines")
