"""Widgets of chapter 6: gradient flow through time, and sampling a language model.

``gradient_flow_explorer``: sliders for the spectral radius of W_hh and the sequence
length; the plot shows ||dh_T/dh_k|| against the lag T - k on a log scale.
``sampling_explorer``: a temperature slider over a trained :class:`dlcourse.rnn.CharLM`;
the plot shows the next-character distribution, the summary a sampled continuation.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .._validation import check_float, check_int

__all__ = [
    "render_gradient_flow",
    "gradient_flow_explorer",
    "gradient_flow_figure",
    "char_sampling",
    "render_char_sampling",
    "sampling_explorer",
    "sampling_figure",
]


def render_gradient_flow(result: Mapping[str, Any], ax: Any) -> None:
    """Log-scale plot of ``norms`` against ``lags`` (from :func:`dlcourse.rnn.gradient_flow`)."""
    rho = result["spectral_radius"]
    color = "C0" if rho < 1 else ("C3" if rho > 1 else "C2")
    ax.semilogy(result["lags"], result["norms"], color=color, lw=2, label=f"{result['activation']} RNN")
    if result["activation"] != "linear":
        ax.semilogy(result["lags"], result["bound"], color="gray", ls="--", lw=1, label=r"bound $\rho^{T-k}$")
    ax.set_xlabel("lag T - k (time steps)")
    ax.set_ylabel(r"$\|\partial h_T / \partial h_k\|_2$")
    ax.set_title(f"spectral radius rho = {rho:.2f}", fontsize=9)
    ax.set_ylim(1e-12, 1e12)
    ax.axhline(1.0, color="black", lw=0.5)
    ax.legend(frameon=False, fontsize=8, loc="upper left")


def _summary_gradient_flow(result: Mapping[str, Any]) -> str:
    return (f"<p>rho = {result['spectral_radius']:.2f}, T = {result['seq_len']}:<br>"
            f"||dh_T/dh_0|| = {result['final_norm']:.3g}</p>")


def gradient_flow_explorer(spectral_radius: float = 1.0, seq_len: int = 50, activation: str = "linear") -> Any:
    """Sliders for the spectral radius and sequence length, a menu for the activation.

    Returns an :class:`~dlcourse.widgets.Explorer`; ``explorer.result`` holds the output
    of :func:`dlcourse.rnn.gradient_flow` for the current settings.
    """
    import ipywidgets as widgets

    from ..rnn.gradient_flow import gradient_flow
    from ._base import Explorer

    first = gradient_flow(spectral_radius, seq_len, activation=activation)  # validates
    style = {"description_width": "initial"}
    controls = {
        "spectral_radius": widgets.FloatSlider(value=first["spectral_radius"], min=0.5, max=1.5, step=0.01,
                                               description="spectral radius", continuous_update=False, style=style),
        "seq_len": widgets.IntSlider(value=first["seq_len"], min=1, max=200, step=1,
                                     description="sequence length T", continuous_update=False, style=style),
        "activation": widgets.Dropdown(options=["linear", "tanh"], value=activation,
                                       description="activation", style=style),
    }

    def compute(spectral_radius: float, seq_len: int, activation: str) -> dict[str, Any]:
        return gradient_flow(spectral_radius, seq_len, activation=activation)

    return Explorer(controls, compute, render_gradient_flow, _summary_gradient_flow,
                    title="Gradient flow back through time")


def gradient_flow_figure(radii: Sequence[float] = (0.8, 1.0, 1.2), seq_len: int = 100,
                         activation: str = "linear") -> Any:
    """Static companion of :func:`gradient_flow_explorer` at several spectral radii."""
    from ..rnn.gradient_flow import gradient_flow
    from ._base import companion_figure

    def compute(spectral_radius: float) -> dict[str, Any]:
        return gradient_flow(spectral_radius, seq_len, activation=activation)

    return companion_figure(compute, render_gradient_flow, [{"spectral_radius": r} for r in radii],
                            suptitle=f"Norm of the Jacobian product, {activation} RNN, T = {seq_len}")


def char_sampling(model: Any, prefix: str, temperature: float = 1.0, length: int = 80,
                  *, top: int = 10, seed: int = 0) -> dict[str, Any]:
    """Next-character distribution after ``prefix`` and a sampled continuation, at ``temperature``.

    Returns a dict with ``temperature``, ``chars`` and ``probabilities`` (the ``top`` most
    likely next characters), ``entropy`` (nats, of the whole distribution) and ``text``
    (``length`` characters sampled with ``seed``).
    """
    t = check_float(temperature, "temperature", minimum=0.0, strict_minimum=True)
    top = check_int(top, "top", minimum=1)
    p = model.next_char_probabilities(prefix, t)
    order = np.argsort(-p, kind="stable")[:top]
    nonzero = p[p > 0]
    return {
        "temperature": t,
        "prefix": prefix,
        "chars": [model.vocab[i] for i in order],
        "probabilities": p[order],
        "entropy": float(-(nonzero * np.log(nonzero)).sum()),
        "text": model.sample(prefix, length, t, seed=seed),
    }


def render_char_sampling(result: Mapping[str, Any], ax: Any) -> None:
    """Bar chart of the most likely next characters (from :func:`char_sampling`)."""
    labels = [repr(c)[1:-1] if c != " " else "space" for c in result["chars"]]
    ax.bar(range(len(labels)), result["probabilities"], color="C0")
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel(f"next character after {result['prefix'][-12:]!r}")
    ax.set_ylabel("probability")
    ax.set_title(f"T = {result['temperature']:.2g}, entropy = {result['entropy']:.2f} nats", fontsize=9)


def _summary_char_sampling(result: Mapping[str, Any]) -> str:
    import html

    return f"<p><b>sample:</b><br><code>{html.escape(result['prefix'] + result['text'])}</code></p>"


def sampling_explorer(model: Any, prefix: str = "The keeper ", temperature: float = 1.0, length: int = 120) -> Any:
    """A temperature slider over ``model`` (a trained :class:`dlcourse.rnn.CharLM`)."""
    import ipywidgets as widgets

    from ._base import Explorer

    first = char_sampling(model, prefix, temperature, length)  # validates
    controls = {
        "temperature": widgets.FloatLogSlider(value=first["temperature"], base=10, min=-1.3, max=0.7, step=0.05,
                                              description="temperature T", continuous_update=False,
                                              style={"description_width": "initial"}),
    }

    def compute(temperature: float) -> dict[str, Any]:
        return char_sampling(model, prefix, temperature, length)

    return Explorer(controls, compute, render_char_sampling, _summary_char_sampling,
                    title="Sampling the character-level language model")


def sampling_figure(model: Any, prefix: str = "The keeper ", temperatures: Sequence[float] = (0.3, 1.0, 2.0)) -> Any:
    """Static companion of :func:`sampling_explorer`: the next-character bars at several temperatures."""
    from ._base import companion_figure

    def compute(temperature: float) -> dict[str, Any]:
        return char_sampling(model, prefix, temperature, length=0)

    return companion_figure(compute, render_char_sampling, [{"temperature": t} for t in temperatures],
                            suptitle="Next-character distribution at three temperatures")
