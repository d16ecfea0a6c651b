"""The example widget: how a temperature reshapes a softmax distribution.

Used in the front-matter notebook as the model every later widget follows, and
again wherever a temperature appears (sampling from a language model, chapter 6;
scaled attention scores, chapters 10-11).
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .._validation import as_float_array, check_float
from ..activations import softmax

__all__ = ["softmax_temperature", "render_softmax", "summarize_softmax", "softmax_explorer", "softmax_figure"]


def softmax_temperature(logits: Sequence[float], temperature: float = 1.0) -> dict[str, Any]:
    r"""Softmax of ``logits`` at ``temperature`` and the numbers that describe it.

    .. math::
        p_i = \frac{\exp(z_i / T)}{\sum_j \exp(z_j / T)}, \qquad
        H(p) = -\sum_i p_i \ln p_i

    where :math:`z_i` is the logit (unnormalised score) of class :math:`i`,
    :math:`T > 0` the temperature and :math:`H` the entropy in nats. Low
    temperatures sharpen the distribution towards the arg-max (``H -> 0``); high ones
    flatten it towards uniform (``H -> ln K`` for ``K`` classes). The probabilities come
    from the book's one softmax, :func:`dlcourse.activations.softmax` (stable: the largest
    scaled logit is subtracted before exponentiating).

    Returns
    -------
    dict with ``logits`` (K,), ``temperature``, ``probabilities`` (K,), ``entropy``
    (nats), ``max_entropy`` (``ln K``) and ``argmax``.

    Example
    -------
    >>> out = softmax_temperature([2.0, 1.0, 0.1], temperature=1.0)
    >>> np.round(out["probabilities"], 3).tolist()
    [0.659, 0.242, 0.099]
    """
    z = as_float_array(logits, "logits")
    if z.ndim != 1 or z.size < 2:
        raise ValueError(f"logits must be a 1-D sequence of at least 2 numbers; got shape {z.shape}.")
    if not np.all(np.isfinite(z)):
        raise ValueError(f"logits must be finite numbers; got {z.tolist()}.")
    t = check_float(temperature, "temperature", minimum=0.0, strict_minimum=True)
    p = softmax(z, temperature=t)
    nonzero = p[p > 0]
    entropy = float(-(nonzero * np.log(nonzero)).sum())
    return {
        "logits": z,
        "temperature": t,
        "probabilities": p,
        "entropy": entropy,
        "max_entropy": float(np.log(z.size)),
        "argmax": int(p.argmax()),
    }


def render_softmax(result: Mapping[str, Any], ax: Any) -> None:
    """Bar chart of the probabilities in ``result`` (from :func:`softmax_temperature`)."""
    p = result["probabilities"]
    labels = [f"class {i}\n(z={z:g})" for i, z in enumerate(result["logits"])]
    bars = ax.bar(range(len(p)), p, color=["C1" if i == result["argmax"] else "C0" for i in range(len(p))])
    for bar, value in zip(bars, p):
        ax.text(bar.get_x() + bar.get_width() / 2, value + 0.02, f"{value:.2f}", ha="center", fontsize=8)
    ax.set_xticks(range(len(p)))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("probability $p_i$")
    ax.set_title(f"T = {result['temperature']:.2g}, entropy = {result['entropy']:.2f} nats", fontsize=9)


def summarize_softmax(result: Mapping[str, Any]) -> str:
    """A small HTML table of probabilities and entropy."""
    rows = "".join(
        f"<tr><td style='padding:2px 8px'>{i}</td><td style='padding:2px 8px'>{z:.2f}</td><td style='padding:2px 8px'>{p:.3f}</td></tr>"
        for i, (z, p) in enumerate(zip(result["logits"], result["probabilities"]))
    )
    return (
        "<table style='border-collapse:collapse'><tr><th style='padding:2px 8px;text-align:left'>class</th><th style='padding:2px 8px;text-align:left'>logit z</th><th style='padding:2px 8px;text-align:left'>p</th></tr>"
        f"{rows}</table><p>entropy {result['entropy']:.3f} of at most {result['max_entropy']:.3f} nats</p>"
    )


def softmax_explorer(logits: Sequence[float] = (2.0, 1.0, 0.1), temperature: float = 1.0) -> Any:
    """A widget with one slider per logit and a (log-scale) temperature slider.

    Returns an :class:`~dlcourse.widgets.Explorer`; leave it as the last value of a
    cell to display it. ``explorer.controls["temperature"].value = 0.5`` moves a
    slider from code; ``explorer.result`` holds the recomputed numbers.
    """
    import ipywidgets as widgets

    from ._base import Explorer

    first = softmax_temperature(logits, temperature)  # validates the arguments
    style = {"description_width": "initial"}
    controls = {
        f"z{i}": widgets.FloatSlider(
            value=float(z), min=-5.0, max=5.0, step=0.1, description=f"logit z{i}",
            continuous_update=False, style=style,
        )
        for i, z in enumerate(first["logits"])
    }
    controls["temperature"] = widgets.FloatLogSlider(
        value=first["temperature"], base=10, min=-1.5, max=1.5, step=0.05,
        description="temperature T", continuous_update=False, style=style,
    )
    n = len(first["logits"])

    def compute(temperature: float, **zs: float) -> dict[str, Any]:
        return softmax_temperature([zs[f"z{i}"] for i in range(n)], temperature)

    return Explorer(controls, compute, render_softmax, summarize_softmax, title="Softmax with temperature")


def softmax_figure(
    logits: Sequence[float] = (2.0, 1.0, 0.1), temperatures: Sequence[float] = (0.25, 1.0, 4.0)
) -> Any:
    """Static companion of :func:`softmax_explorer`: the bar chart at several temperatures."""
    from ._base import companion_figure

    return companion_figure(
        softmax_temperature,
        render_softmax,
        [{"logits": logits, "temperature": t} for t in temperatures],
        suptitle="The same logits at three temperatures",
    )
