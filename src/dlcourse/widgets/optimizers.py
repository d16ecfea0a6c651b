r"""Optimiser comparison (chapter 2): one trajectory per optimiser on the same surface.

All five optimisers of :mod:`dlcourse.optim` start from the same point of the
ill-conditioned quadratic :math:`L(w) = \tfrac12 (w_1^2 + 10 w_2^2)` (see
:mod:`dlcourse.widgets.learning_rate`) with the same learning rate :math:`\eta`.
Plain gradient descent zig-zags across the steep direction; momentum damps the zig-zag
and speeds up the flat direction; Adagrad, RMSProp and Adam divide each coordinate's
step by its own gradient scale, so both directions move at a similar pace.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .._validation import check_float, check_int
from ..optim import OPTIMIZERS, make_optimizer, optimize
from .learning_rate import DIVERGED_LOSS, QUADRATIC_CURVATURES, surface_grad, surface_loss

__all__ = ["optimizer_paths", "render_optimizers", "summarize_optimizers", "optimizer_explorer", "optimizer_figure"]


def optimizer_paths(lr: float = 0.05, steps: int = 60, x0: float = -2.5, y0: float = 1.0, momentum: float = 0.9) -> dict[str, Any]:
    r"""Trajectories of SGD, momentum, Adagrad, RMSProp and Adam from ``(x0, y0)`` with learning rate ``lr``.

    Returns
    -------
    dict with ``paths`` ``{name: (steps+1, 2)}``, ``losses`` ``{name: (steps+1,)}``,
    ``final_loss`` ``{name: float}`` (``inf`` once a path overflows), ``diverged_after``
    ``{name: first step whose loss exceeds 1e300, or None}`` and the inputs.
    """
    lr = check_float(lr, "lr", minimum=0.0, strict_minimum=True)
    steps = check_int(steps, "steps", minimum=1, maximum=10_000)
    start = np.array([check_float(x0, "x0"), check_float(y0, "y0")])
    momentum = check_float(momentum, "momentum", minimum=0.0, maximum=1.0)
    paths, losses = {}, {}
    for name in OPTIMIZERS:
        opt = make_optimizer(name, lr, **({"momentum": momentum} if name == "momentum" else {}))
        with np.errstate(over="ignore", invalid="ignore"):
            paths[name] = optimize(opt, lambda w: surface_grad("quadratic", w), start, steps)
        losses[name] = surface_loss("quadratic", paths[name])
    diverged = {}
    for name, loss in losses.items():
        blown = ~(np.isfinite(loss) & (loss <= DIVERGED_LOSS))
        diverged[name] = int(np.argmax(blown)) if blown.any() else None
    return {
        "lr": lr, "steps": steps, "start": start, "momentum": momentum,
        "paths": paths, "losses": losses,
        "final_loss": {name: float(v[-1]) if diverged[name] is None else float("inf") for name, v in losses.items()},
        "diverged_after": diverged,
    }


def _final(result: Mapping[str, Any], name: str, fmt: str) -> str:
    """The final loss of one optimiser as text, or where it diverged (never "inf")."""
    step = result["diverged_after"][name]
    return f"{result['final_loss'][name]:{fmt}}" if step is None else f"diverged at step {step}"


def render_optimizers(result: Mapping[str, Any], ax: Any) -> None:
    """Contours of the quadratic with one coloured trajectory per optimiser."""
    lam = np.asarray(QUADRATIC_CURVATURES)
    limit = 1.3 * max(np.abs(result["start"]).max(), 0.5)
    xs = np.linspace(-limit, limit, 200)
    X, Y = np.meshgrid(xs, xs)
    Z = 0.5 * (lam[0] * X**2 + lam[1] * Y**2)
    ax.contour(X, Y, Z, levels=np.geomspace(Z.max() * 1e-3, Z.max(), 12), colors="0.75", linewidths=0.7)
    for i, (name, path) in enumerate(result["paths"].items()):
        rows = np.all(np.isfinite(path), axis=1)
        shown = np.clip(path[rows], -limit, limit)
        ax.plot(shown[:, 0], shown[:, 1], ".-", color=f"C{i}", ms=3, lw=1, label=f"{name} ({'L=' if result['diverged_after'][name] is None else ''}{_final(result, name, '.2g')})")
    ax.plot(*result["start"], "s", color="k", ms=5)
    ax.plot(0, 0, "*", color="k", ms=9)
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_xlabel("$w_1$ (curvature 1)")
    ax.set_ylabel("$w_2$ (curvature 10)")
    ax.set_title(f"$\\eta$ = {result['lr']:.3g}, {result['steps']} steps", fontsize=9)
    ax.legend(fontsize=6, loc="lower right", frameon=False)


def summarize_optimizers(result: Mapping[str, Any]) -> str:
    """HTML table of the final loss per optimiser."""
    rows = "".join(f"<tr><td style='padding:2px 8px'>{n}</td><td style='padding:2px 8px'>{_final(result, n, '.3g')}</td></tr>" for n in result["final_loss"])
    return f"<table style='border-collapse:collapse'><tr><th style='padding:2px 8px;text-align:left'>optimiser</th><th style='padding:2px 8px;text-align:left'>final loss</th></tr>{rows}</table>"


def optimizer_explorer(lr: float = 0.05, steps: int = 60, x0: float = -2.5, y0: float = 1.0, momentum: float = 0.9) -> Any:
    """Sliders for the shared learning rate, the steps, the start and the momentum."""
    import ipywidgets as widgets

    from ._base import Explorer

    optimizer_paths(lr, steps, x0, y0, momentum)  # validates the arguments
    style = {"description_width": "initial"}
    controls = {
        "lr": widgets.FloatLogSlider(value=lr, base=10, min=-3, max=0, step=0.01, description="learning rate η",
                                     continuous_update=False, style=style, readout_format=".4f"),
        "steps": widgets.IntSlider(value=steps, min=1, max=300, description="steps", continuous_update=False, style=style),
        "x0": widgets.FloatSlider(value=x0, min=-3, max=3, step=0.1, description="start w₁", continuous_update=False, style=style),
        "y0": widgets.FloatSlider(value=y0, min=-3, max=3, step=0.1, description="start w₂", continuous_update=False, style=style),
        "momentum": widgets.FloatSlider(value=momentum, min=0, max=0.99, step=0.01, description="momentum μ",
                                        continuous_update=False, style=style),
    }
    return Explorer(controls, optimizer_paths, render_optimizers, summarize_optimizers,
                    title="Five optimisers on one surface", figsize=(5.0, 4.0))


def optimizer_figure(lrs: Sequence[float] = (0.01, 0.05, 0.15), steps: int = 60, x0: float = -2.5, y0: float = 1.0) -> Any:
    """Static companion of :func:`optimizer_explorer`: the five trajectories at a few learning rates."""
    from ._base import companion_figure

    return companion_figure(
        optimizer_paths, render_optimizers,
        [{"lr": lr, "steps": steps, "x0": x0, "y0": y0} for lr in lrs],
        panel_size=(3.8, 3.6), suptitle="The same start and learning rate for every optimiser",
    )
