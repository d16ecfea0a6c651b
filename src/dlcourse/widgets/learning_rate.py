r"""The learning-rate explorer (chapter 2): gradient descent on two small surfaces.

Two losses show what the learning rate :math:`\eta` does:

* ``"quartic"``: :math:`L(w) = w^4`, the book's worked example. One step is
  :math:`w_{t+1} = w_t - 4\eta w_t^3 = w_t (1 - 4\eta w_t^2)`, so from :math:`w_0` the
  iterates shrink monotonically for :math:`\eta < 1/(4 w_0^2)`, overshoot zero but still
  converge for :math:`1/(4w_0^2) < \eta < 1/(2w_0^2)`, bounce between :math:`\pm w_0`
  at :math:`\eta = 1/(2w_0^2)` and diverge above it.
* ``"quadratic"``: the ill-conditioned bowl :math:`L(w) = \tfrac12 (\lambda_1 w_1^2 + \lambda_2 w_2^2)`
  with :math:`\lambda_1 = 1`, :math:`\lambda_2 = 10`. Each coordinate is multiplied by
  :math:`1 - \eta\lambda_i` per step: it oscillates once :math:`\eta > 1/\lambda_i` and
  diverges once :math:`\eta > 2/\lambda_i`, so the steep direction caps the learning rate
  at :math:`2/\lambda_{\max} = 0.2` while the flat one wants it large.
"""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np

from .._validation import check_choice, check_float, check_int
from ..optim import gradient_descent

__all__ = [
    "SURFACES",
    "QUADRATIC_CURVATURES",
    "surface_loss",
    "surface_grad",
    "learning_rate_descent",
    "render_learning_rate",
    "summarize_learning_rate",
    "learning_rate_explorer",
    "learning_rate_figure",
]

SURFACES = ("quartic", "quadratic")
#: A loss above this (or an overflow to infinity) counts as diverged: the plots stop there.
DIVERGED_LOSS = 1e300
#: :math:`(\lambda_1, \lambda_2)` of the quadratic surface.
QUADRATIC_CURVATURES = (1.0, 10.0)


def surface_loss(surface: str, w: Any) -> np.ndarray:
    """The loss of ``surface`` at points ``w``: scalars for ``"quartic"``, rows ``(..., 2)`` for ``"quadratic"``."""
    check_choice(surface, "surface", SURFACES)
    w = np.asarray(w, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        if surface == "quartic":
            return w**4
        lam = np.asarray(QUADRATIC_CURVATURES)
        return 0.5 * np.sum(lam * w * w, axis=-1)


def surface_grad(surface: str, w: Any) -> np.ndarray:
    r"""The gradient :math:`\nabla L(w)` of ``surface``: :math:`4w^3`, or :math:`(\lambda_1 w_1, \lambda_2 w_2)`."""
    check_choice(surface, "surface", SURFACES)
    w = np.asarray(w, dtype=float)
    if surface == "quartic":
        return 4.0 * w**3
    return np.asarray(QUADRATIC_CURVATURES) * w


def learning_rate_descent(
    surface: str = "quartic", lr: float = 0.01, x0: float = 2.0, y0: float = 1.0, steps: int = 50
) -> dict[str, Any]:
    r"""Run gradient descent on ``surface`` and classify what the learning rate did.

    Parameters
    ----------
    surface:
        ``"quartic"`` (:math:`w^4`, starts at ``x0``) or ``"quadratic"`` (starts at ``(x0, y0)``).
    lr:
        Learning rate :math:`\eta > 0`.
    steps:
        Number of gradient steps.

    Returns
    -------
    dict with ``path`` ((steps+1,) or (steps+1, 2)), ``losses`` (steps+1,), ``behaviour``
    (``"converges"``, ``"converges, oscillating"``, ``"oscillates forever"`` or ``"diverges"``),
    ``oscillation_lr`` and ``divergence_lr`` (the critical rates derived in the module
    docstring for this start), ``diverged_after`` (the first step whose loss exceeds
    :data:`DIVERGED_LOSS` or overflows, ``None`` if none does), ``message`` (a sentence
    that says so, empty otherwise) and the inputs.
    """
    check_choice(surface, "surface", SURFACES)
    lr = check_float(lr, "lr", minimum=0.0, strict_minimum=True)
    x0 = check_float(x0, "x0")
    y0 = check_float(y0, "y0")
    steps = check_int(steps, "steps", minimum=1, maximum=100_000)
    if surface == "quartic":
        start: Any = x0
        if x0 == 0:
            osc, div = np.inf, np.inf
        else:
            osc, div = 1.0 / (4 * x0**2), 1.0 / (2 * x0**2)
    else:
        start = np.array([x0, y0])
        lam_max = max(QUADRATIC_CURVATURES)
        osc, div = 1.0 / lam_max, 2.0 / lam_max
    with np.errstate(over="ignore", invalid="ignore"):
        path = gradient_descent(lambda w: surface_grad(surface, w), start, lr, steps)
    losses = surface_loss(surface, path)
    blown = ~(np.isfinite(losses) & (losses <= DIVERGED_LOSS))
    diverged_after = int(np.argmax(blown)) if blown.any() else None
    L0, LT = losses[0], losses[-1]
    finite = np.all(np.isfinite(losses))
    signs = np.sign(path.reshape(len(path), -1))
    flips = bool(np.any(signs[1:] * signs[:-1] < 0))
    if not finite or LT > L0 * (1 + 1e-9):
        behaviour = "diverges"
    elif L0 == 0 and LT == 0:
        behaviour = "starts at the minimum"
    elif L0 > 0 and abs(LT - L0) <= 1e-9 * L0:
        behaviour = "oscillates forever" if flips else "does not move"
    else:
        behaviour = "converges, oscillating" if flips else "converges"
    return {
        "surface": surface,
        "lr": lr,
        "start": start,
        "steps": steps,
        "path": path,
        "losses": losses,
        "behaviour": behaviour,
        "oscillation_lr": float(osc),
        "divergence_lr": float(div),
        "diverged_after": diverged_after,
        "message": "" if diverged_after is None else
        f"diverged: the loss exceeds 1e300 after {diverged_after} steps",
    }


def _finite_prefix(path: np.ndarray, limit: float) -> np.ndarray:
    rows = path.reshape(len(path), -1)
    ok = np.all(np.isfinite(rows) & (np.abs(rows) <= limit), axis=1)
    n = int(np.argmin(ok)) if not ok.all() else len(ok)
    # keep the first point that leaves the window so the reader sees the jump out
    return path[: min(len(path), n + 1)]


def render_learning_rate(result: Mapping[str, Any], ax: Any) -> None:
    """The trajectory on the loss surface (curve or contours) with the loss per step as an inset."""
    path, surface = result["path"], result["surface"]
    if surface == "quartic":
        w0 = abs(float(result["start"])) or 1.0
        limit = 1.6 * w0
        grid = np.linspace(-limit, limit, 300)
        ax.plot(grid, grid**4, color="0.5", lw=1)
        shown = np.clip(_finite_prefix(path, 1e6), -limit, limit)
        ax.plot(shown, shown**4, "o-", color="C3", ms=3, lw=0.8)
        ax.plot(shown[0], shown[0] ** 4, "s", color="k", ms=5, label="start $w_0$")
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-0.05 * limit**4, 1.05 * limit**4)
        ax.set_xlabel("weight $w$")
        ax.set_ylabel("loss $L(w) = w^4$")
    else:
        lam = np.asarray(QUADRATIC_CURVATURES)
        start = np.asarray(result["start"])
        limit = 1.5 * max(np.abs(start).max(), 0.5)
        xs = np.linspace(-limit, limit, 200)
        X, Y = np.meshgrid(xs, xs)
        Z = 0.5 * (lam[0] * X**2 + lam[1] * Y**2)
        ax.contour(X, Y, Z, levels=np.geomspace(max(Z.max(), 1e-3) * 1e-3, Z.max(), 12), colors="0.7", linewidths=0.7)
        shown = np.clip(_finite_prefix(path, 1e6), -limit, limit)
        ax.plot(shown[:, 0], shown[:, 1], "o-", color="C3", ms=3, lw=0.8)
        ax.plot(*shown[0], "s", color="k", ms=5, label="start $w_0$")
        ax.plot(0, 0, "*", color="C2", ms=9, label="minimum")
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
        ax.set_xlabel("$w_1$ (curvature $\\lambda_1 = 1$)")
        ax.set_ylabel("$w_2$ (curvature $\\lambda_2 = 10$)")
    ax.set_title(f"$\\eta$ = {result['lr']:.3g}: {result['behaviour']}", fontsize=9)
    # The inset goes in the corner opposite the start point and the legend in a third corner,
    # so that neither hides where the descent begins.
    x0, y0 = shown[0] if shown.ndim == 2 else (shown[0], shown[0] ** 4)
    (left, right), (bottom, top) = ax.get_xlim(), ax.get_ylim()
    start_right = (x0 - left) / (right - left) > 0.5
    start_top = (y0 - bottom) / (top - bottom) > 0.5
    ax.legend(loc=f"{'lower' if start_top else 'upper'} {'right' if start_right else 'left'}",
              fontsize=7, frameon=False)
    inset = ax.inset_axes([0.05 if start_right else 0.62, 0.08 if start_top else 0.62, 0.33, 0.3])
    _loss_inset(inset, np.asarray(result["losses"], dtype=float))


def _loss_inset(inset: Any, losses: np.ndarray) -> None:
    """The loss per step on a log scale, with explicit limits (autoscaling near 1e300 overflows)."""
    from matplotlib.ticker import FixedLocator, NullLocator

    steps = np.arange(len(losses))
    shown = np.isfinite(losses) & (losses > 0) & (losses <= DIVERGED_LOSS)
    if shown.any():
        low, high = losses[shown].min(), losses[shown].max()
        # limits and decades set before plotting: matplotlib's autoscaling and log ticks step
        # past 1e308 (overflow) when the loss nears 1e300
        first = max(math.floor(math.log10(low)) - 1, -300)
        last_decade = min(math.ceil(math.log10(high)) + 1, 300)
        decades = np.unique(np.linspace(first, last_decade, 4).round())
        inset.set_yscale("log")
        inset.set_ylim(10.0**first, 10.0**last_decade)
        inset.plot(steps[shown], losses[shown], color="C0", lw=1)
        inset.yaxis.set_major_locator(FixedLocator([10.0**d for d in decades]))
        inset.yaxis.set_minor_locator(NullLocator())
        if not shown[-1]:  # where the loss left the plot: an arrow up at the last step shown
            last = int(np.flatnonzero(shown)[-1])
            inset.plot(last, losses[last], marker="^", color="C3", ms=4)
            inset.text(0.97, 0.06, f"> 1e300 at step {last + 1}", ha="right", va="bottom", fontsize=5,
                       color="C3", transform=inset.transAxes)
    else:
        inset.text(0.5, 0.5, "loss 0 at every step" if np.all(losses == 0) else "loss overflows",
                   ha="center", va="center", fontsize=6, transform=inset.transAxes)
        inset.set_yticks([])
    inset.set_xlim(0, max(len(losses) - 1, 1))
    inset.set_xlabel("step $t$", fontsize=6, labelpad=1)
    inset.set_ylabel("loss", fontsize=6, labelpad=1)
    inset.tick_params(labelsize=5)


def summarize_learning_rate(result: Mapping[str, Any]) -> str:
    """HTML: the last iterate, the loss, the behaviour and the critical learning rates."""
    last = np.atleast_1d(result["path"][-1])
    where = (f"<b>{result['message']}</b>" if result["message"] else
             f"after {result['steps']} steps: w = {np.array2string(last, precision=4)}, L = {result['losses'][-1]:.4g}")
    return (
        f"<p>{where}<br>"
        f"behaviour: <b>{result['behaviour']}</b><br>"
        f"oscillation starts above &eta; = {result['oscillation_lr']:.4g}; "
        f"divergence above &eta; = {result['divergence_lr']:.4g}</p>"
    )


def learning_rate_explorer(
    surface: str = "quartic", lr: float = 0.01, x0: float = 2.0, y0: float = 1.0, steps: int = 50
) -> Any:
    """Sliders for the learning rate (log scale), the start and the number of steps, and a surface menu.

    Returns an :class:`~dlcourse.widgets.Explorer`; ``explorer.controls["lr"].value = 0.13``
    moves a slider from code and ``explorer.result`` holds the recomputed trajectory.
    """
    import ipywidgets as widgets

    from ._base import Explorer

    first = learning_rate_descent(surface, lr, x0, y0, steps)  # validates the arguments
    style = {"description_width": "initial"}
    controls = {
        "surface": widgets.Dropdown(options=list(SURFACES), value=surface, description="surface", style=style),
        "lr": widgets.FloatLogSlider(
            value=first["lr"], base=10, min=-3, max=0, step=0.01, description="learning rate η",
            continuous_update=False, style=style, readout_format=".4f",
        ),
        "x0": widgets.FloatSlider(value=x0, min=-3.0, max=3.0, step=0.1, description="start w₁", continuous_update=False, style=style),
        "y0": widgets.FloatSlider(value=y0, min=-3.0, max=3.0, step=0.1, description="start w₂ (2-D)", continuous_update=False, style=style),
        "steps": widgets.IntSlider(value=steps, min=1, max=300, step=1, description="steps", continuous_update=False, style=style),
    }
    return Explorer(controls, learning_rate_descent, render_learning_rate, summarize_learning_rate,
        title="Gradient descent and the learning rate", figsize=(5.0, 3.6),
    )


def learning_rate_figure(
    surface: str = "quartic",
    lrs: Sequence[float] = (0.01, 0.1, 0.13),
    x0: float = 2.0,
    y0: float = 1.0,
    steps: int = 30,
) -> Any:
    """Static companion of :func:`learning_rate_explorer`: one panel per learning rate."""
    from ._base import companion_figure

    return companion_figure(
        learning_rate_descent,
        render_learning_rate,
        [{"surface": surface, "lr": lr, "x0": x0, "y0": y0, "steps": steps} for lr in lrs],
        panel_size=(3.8, 3.2),
        suptitle=f"Gradient descent on the {surface} surface at {len(lrs)} learning rates",
    )
