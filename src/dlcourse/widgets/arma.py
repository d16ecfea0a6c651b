"""ARMA explorer (chapter 8): move phi, theta and d; see the series, its ACF/PACF and an ARIMA forecast.

A stationary ARMA(2, 1) series is simulated, integrated ``d`` times (cumulative sums),
and an ARIMA(p, d, q) of the matching orders is fitted by statsmodels; its forecast
and 95 % prediction interval extend the series.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .._validation import check_float, check_int

__all__ = ["arma_explore", "render_arma", "summarize_arma", "arma_explorer", "arma_figure"]


def arma_explore(
    phi1: float = 0.6,
    phi2: float = 0.0,
    theta1: float = 0.0,
    d: int = 0,
    *,
    n: int = 200,
    horizon: int = 24,
    nlags: int = 20,
    seed: int = 0,
) -> dict[str, Any]:
    r"""Simulate ARIMA(2, d, 1) data, compute its ACF/PACF and fit and forecast an ARIMA.

    The stationary part is :math:`w_t = \phi_1 w_{t-1} + \phi_2 w_{t-2} + e_t + \theta_1 e_{t-1}`
    with :math:`e_t \sim \mathcal N(0, 1)`; the series is :math:`y = w` integrated :math:`d`
    times (:math:`\nabla^d y = w`). The fitted model is ARIMA(:math:`p, d, q`) with
    :math:`p` = index of the last non-zero :math:`\phi`, :math:`q = 1` if :math:`\theta_1 \ne 0`.

    Returns a dict with ``series`` (n,), ``acf`` and ``pacf`` (nlags + 1,), ``band`` (the
    :math:`\pm 1.96/\sqrt n` significance band), ``order``, ``stationary`` (False when
    :math:`(\phi_1, \phi_2)` lies outside the stationarity triangle; then nothing is
    simulated or fitted), ``forecast``, ``lower``, ``upper`` (horizon,), ``params`` and ``converged``.
    """
    from ..timeseries import acf, fit_arima, is_stationary_ar, pacf, simulate_arma

    phi1 = check_float(phi1, "phi1", minimum=-2.0, maximum=2.0)
    phi2 = check_float(phi2, "phi2", minimum=-1.0, maximum=1.0)
    theta1 = check_float(theta1, "theta1", minimum=-1.0, maximum=1.0)
    d = check_int(d, "d", minimum=0, maximum=2)
    n = check_int(n, "n", minimum=50)
    horizon = check_int(horizon, "horizon", minimum=1)
    nlags = check_int(nlags, "nlags", minimum=1, maximum=n // 2 - 1)
    p = 2 if phi2 != 0 else (1 if phi1 != 0 else 0)
    q = 1 if theta1 != 0 else 0
    result: dict[str, Any] = {
        "phi": (phi1, phi2), "theta": (theta1,), "d": d, "order": (p, d, q), "n": n,
        "stationary": is_stationary_ar([phi1, phi2]), "band": 1.96 / np.sqrt(n),
    }
    if not result["stationary"]:
        return result
    y = simulate_arma([phi1, phi2], [theta1], n=n, seed=seed)
    for _ in range(d):
        y = np.cumsum(y)
    res = fit_arima(y, (p, d, q), trend="c" if d == 0 else None)
    fc = res.get_forecast(horizon)
    interval = np.asarray(fc.conf_int(alpha=0.05))  # (horizon, 2)
    result.update(
        series=y, acf=acf(y, nlags), pacf=pacf(y, nlags), forecast=np.asarray(fc.predicted_mean),
        lower=interval[:, 0], upper=interval[:, 1], params=dict(zip(res.param_names, np.asarray(res.params))),
        converged=bool(res.mle_retvals.get("converged", True)),
    )
    return result


def _draw(result: Mapping[str, Any], axes: Sequence[Any]) -> None:
    ax_y, ax_acf, ax_pacf = axes
    title = (f"$\\phi$ = ({result['phi'][0]:.2f}, {result['phi'][1]:.2f}), $\\theta_1$ = {result['theta'][0]:.2f}, "
             f"$d$ = {result['d']}")
    if not result["stationary"]:
        for ax in axes:
            ax.set_axis_off()
        ax_y.text(0.02, 0.5, "AR part not stationary:\na root of $1 - \\phi_1 z - \\phi_2 z^2$\nlies inside the unit circle.\n"
                  "Move $\\phi_1$, $\\phi_2$ back into the triangle.", transform=ax_y.transAxes, va="center", fontsize=9)
        ax_y.set_title(title, fontsize=9, loc="left")
        return
    y, n, h = result["series"], result["n"], len(result["forecast"])
    ax_y.plot(np.arange(n), y, color="C0", lw=1, label="simulated series")
    t_f = np.arange(n, n + h)
    ax_y.plot(t_f, result["forecast"], color="C3", lw=1.5, label=f"ARIMA{result['order']} forecast")
    ax_y.fill_between(t_f, result["lower"], result["upper"], color="C3", alpha=0.2, label="95% interval")
    ax_y.set_xlabel("time step $t$")
    ax_y.set_ylabel("value $y_t$")
    ax_y.set_title(title, fontsize=9, loc="left")
    ax_y.legend(fontsize=8, frameon=False, loc="upper left")
    for ax, key, label in ((ax_acf, "acf", "ACF $r_k$"), (ax_pacf, "pacf", "PACF $\\phi_{kk}$")):
        values = result[key]
        lags = np.arange(len(values))
        ax.vlines(lags, 0, values, color="C0")
        ax.plot(lags, values, "o", ms=3, color="C0")
        ax.axhspan(-result["band"], result["band"], color="grey", alpha=0.2)
        ax.axhline(0, color="black", lw=0.5)
        ax.set_ylim(-1.05, 1.05)
        ax.set_xlabel("lag $k$ (time steps)")
        ax.set_ylabel(label)


def render_arma(result: Mapping[str, Any], ax: Any) -> None:
    """Draw the series with its forecast, the ACF and the PACF, splitting ``ax`` into three panels."""
    fig = ax.figure
    spec = ax.get_subplotspec().subgridspec(1, 3, width_ratios=[2.2, 1, 1], wspace=0.45)
    ax.remove()
    _draw(result, [fig.add_subplot(spec[0, i]) for i in range(3)])


def summarize_arma(result: Mapping[str, Any]) -> str:
    """HTML: the fitted order and coefficients (or why nothing was fitted)."""
    if not result["stationary"]:
        return "<p>AR part not stationary: nothing simulated.</p>"
    rows = "".join(f"<tr><td style='padding:2px 8px'>{k}</td><td style='padding:2px 8px'>{v:.3f}</td></tr>" for k, v in result["params"].items())
    note = "" if result["converged"] else "<p>(optimiser did not converge)</p>"
    return f"<p>fitted ARIMA{result['order']}</p><table style='border-collapse:collapse'><tr><th style='padding:2px 8px;text-align:left'>parameter</th><th style='padding:2px 8px;text-align:left'>estimate</th></tr>{rows}</table>{note}"


def arma_explorer(phi1: float = 0.6, phi2: float = 0.0, theta1: float = 0.0, d: int = 0, *, seed: int = 0) -> Any:
    """Sliders for phi1, phi2, theta1 and d over :func:`arma_explore`; returns an ``Explorer``."""
    import ipywidgets as widgets

    from ._base import Explorer

    arma_explore(phi1, phi2, theta1, d, seed=seed)  # validates
    style = {"description_width": "initial"}
    controls = {
        "phi1": widgets.FloatSlider(value=phi1, min=-1.9, max=1.9, step=0.05, description="AR φ₁",
                                    continuous_update=False, style=style),
        "phi2": widgets.FloatSlider(value=phi2, min=-0.95, max=0.95, step=0.05, description="AR φ₂",
                                    continuous_update=False, style=style),
        "theta1": widgets.FloatSlider(value=theta1, min=-0.95, max=0.95, step=0.05, description="MA θ₁",
                                      continuous_update=False, style=style),
        "d": widgets.IntSlider(value=d, min=0, max=2, step=1, description="d", continuous_update=False, style=style),
    }

    def compute(**values: Any) -> dict[str, Any]:
        return arma_explore(**values, seed=seed)

    return Explorer(controls, compute, render_arma, summarize_arma, title="ARIMA explorer", figsize=(10.0, 3.0))


def arma_figure(settings: Sequence[Mapping[str, Any]] | None = None) -> Any:
    """Static companion of :func:`arma_explorer`: one row (series, ACF, PACF) per setting."""
    import matplotlib.pyplot as plt

    if settings is None:
        settings = (
            {"phi1": 0.9, "phi2": 0.0, "theta1": 0.0, "d": 0},
            {"phi1": 0.0, "phi2": 0.0, "theta1": 0.8, "d": 0},
            {"phi1": 0.5, "phi2": 0.0, "theta1": 0.0, "d": 1},
        )
    if not settings:
        raise ValueError("settings must list at least one dict of slider values; got none.")
    fig, axes = plt.subplots(len(settings), 3, figsize=(11, 2.6 * len(settings)),
                             gridspec_kw={"width_ratios": [2.2, 1, 1]}, squeeze=False)
    for row, values in zip(axes, settings):
        _draw(arma_explore(**values), row)
    fig.tight_layout()
    return fig
