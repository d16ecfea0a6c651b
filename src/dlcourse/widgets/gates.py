r"""Gate explorers for chapter 7: move an LSTM's or a GRU's gates and watch the states change.

The LSTM explorer's ``compute`` is :func:`dlcourse.rnn.lstm_cell_update` itself (the
arithmetic of the chapter's worked tables), so the widget, the tables and the tests share
one implementation. The GRU explorer computes one unit's candidate from its reset gate
and then the new state with :func:`dlcourse.rnn.gru_update`, in either convention.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from .._validation import check_choice, check_float, check_probability
from ..rnn.gates_numpy import GRU_CONVENTIONS, gru_update, lstm_cell_update

__all__ = [
    "WORKED_LSTM",
    "render_lstm_gates",
    "summarize_lstm_gates",
    "lstm_gate_explorer",
    "lstm_gate_figure",
    "gru_gate_arithmetic",
    "render_gru_gates",
    "summarize_gru_gates",
    "gru_gate_explorer",
    "gru_gate_figure",
]

#: The ten-dimensional worked example of chapter 7 (with the errata applied: the third
#: candidate is 0.6, not 6).
WORKED_LSTM: dict[str, np.ndarray] = {
    "f": np.array([0.0, 0.2, 0.9, 0.1, 1.0, 0.2, 0.1, 0.9, 0.4, 0.1]),
    "c_prev": np.array([-0.2, 0.1, 0.5, 0.7, 0.9, -0.3, -1.1, 2.0, 0.6, 0.7]),
    "i": np.array([0.1, 0.0, 0.8, 0.2, 0.8, 0.7, 1.0, 0.9, 0.2, 0.4]),
    "g": np.array([-0.1, 0.3, 0.6, 0.2, 0.9, 0.1, 0.4, 2.1, 0.6, 0.9]),
    "o": np.array([0.5, 0.4, 0.1, 0.9, 0.2, 0.3, 0.8, 0.7, 0.1, 0.9]),
}

#: The columns of the LSTM table: result key and HTML header (no raw c_{t-1} for readers).
_LSTM_COLUMNS = (
    ("c_prev", "c<sub>t&minus;1</sub>"), ("f", "f"), ("f_c", "f&thinsp;c<sub>t&minus;1</sub>"), ("i", "i"),
    ("g", "g"), ("i_g", "i&thinsp;g"), ("c", "c<sub>t</sub>"), ("tanh_c", "tanh c<sub>t</sub>"), ("o", "o"),
    ("h", "h<sub>t</sub>"),
)

_LSTM_SERIES = (
    ("c_prev", r"$c_{t-1}$"),
    ("f_c", r"$f \odot c_{t-1}$ (kept)"),
    ("i_g", r"$i \odot g$ (written)"),
    ("c", r"$c_t$"),
    ("h", r"$h_t = o \odot \tanh c_t$"),
)


def _bars(ax: Any, result: Mapping[str, Any], series: tuple[tuple[str, str], ...], xlabel: str) -> None:
    values = [np.atleast_1d(np.asarray(result[key], dtype=float)) for key, _ in series]
    n_units = max(v.size for v in values)
    if n_units == 1:  # one unit: one bar per quantity, labelled with its value
        heights = [float(v[0]) for v in values]
        bars = ax.bar(range(len(series)), heights, color=[f"C{k}" for k in range(len(series))])
        for bar, value in zip(bars, heights):
            ax.text(bar.get_x() + bar.get_width() / 2, value, f"{value:.3f}", ha="center",
                    va="bottom" if value >= 0 else "top", fontsize=8)
        ax.set_xticks(range(len(series)))
        ax.set_xticklabels([label for _, label in series], fontsize=8, rotation=20)
    else:  # a vector: grouped bars per unit
        width = 0.8 / len(series)
        units = np.arange(n_units)
        for k, ((_, label), v) in enumerate(zip(series, values)):
            ax.bar(units + (k - (len(series) - 1) / 2) * width, np.broadcast_to(v, (n_units,)), width, label=label)
        ax.set_xticks(units)
        ax.set_xlabel(xlabel)
        ax.legend(fontsize=7, loc="upper left")
    ax.axhline(0.0, color="black", linewidth=0.6)
    ax.set_ylabel("value (dimensionless)")


def render_lstm_gates(result: Mapping[str, Any], ax: Any) -> None:
    """Bars of :math:`c_{t-1}`, what is kept, what is written, :math:`c_t` and :math:`h_t`."""
    _bars(ax, result, _LSTM_SERIES, "unit of the cell state")
    f, i, o = (np.asarray(result[k], dtype=float) for k in ("f", "i", "o"))
    if f.size == i.size == o.size == 1:
        ax.set_title(f"f = {float(f):.2f}, i = {float(i):.2f}, o = {float(o):.2f}", fontsize=9)
    else:
        ax.set_title("one LSTM step, unit by unit", fontsize=9)


def summarize_lstm_gates(result: Mapping[str, Any]) -> str:
    """An HTML table of every quantity of the step (one row per unit)."""
    columns = [np.atleast_1d(np.asarray(result[k], dtype=float)) for k, _ in _LSTM_COLUMNS]
    n = max(c.size for c in columns)
    columns = [np.broadcast_to(c, (n,)) for c in columns]
    head = "".join(f"<th style='padding:2px 8px;text-align:right'>{label}</th>" for _, label in _LSTM_COLUMNS)
    rows = "".join(f"<tr><td style='padding:2px 8px;text-align:right'>{u}</td>"
                   + "".join(f"<td style='padding:2px 8px;text-align:right'>{c[u]:.4f}</td>" for c in columns)
                   + "</tr>" for u in range(n))
    return (f"<table style='border-collapse:collapse'><tr><th style='padding:2px 8px;text-align:right'>unit</th>"
            f"{head}</tr>{rows}</table>")


def lstm_gate_explorer(f: float = 0.9, i: float = 0.8, o: float = 0.1, c_prev: float = 0.5, g: float = 0.6) -> Any:
    """Sliders for the forget, input and output gates, the previous cell value and the candidate.

    The defaults are unit 3 of the worked table. Returns an :class:`~dlcourse.widgets.Explorer`
    whose ``compute`` is :func:`dlcourse.rnn.lstm_cell_update`; ``explorer.controls["f"].value = 0``
    moves a slider from code and ``explorer.result["c"]`` holds the new cell state.
    """
    import ipywidgets as widgets

    from ._base import Explorer

    lstm_cell_update(c_prev, f, i, g, o)  # validates the starting values
    style = {"description_width": "initial"}

    def slider(value: float, low: float, high: float, text: str) -> Any:
        return widgets.FloatSlider(value=float(value), min=low, max=high, step=0.01, description=text,
                                   continuous_update=False, style=style)

    controls = {
        "f": slider(f, 0.0, 1.0, "forget gate f"),
        "i": slider(i, 0.0, 1.0, "input gate i"),
        "o": slider(o, 0.0, 1.0, "output gate o"),
        "c_prev": slider(c_prev, -2.0, 2.0, "previous cell state"),
        "g": slider(g, -1.0, 1.0, "candidate g"),
    }
    return Explorer(controls, lstm_cell_update, render_lstm_gates, summarize_lstm_gates,
                    title="LSTM gates: new cell = f × old cell + i × g, output h = o × tanh(new cell)", figsize=(5.5, 3.2))


def lstm_gate_figure() -> Any:
    """Static companion of :func:`lstm_gate_explorer`: the worked vector with three forget gates."""
    from ._base import companion_figure

    base = {k: WORKED_LSTM[k] for k in ("c_prev", "i", "g", "o")}
    settings = [dict(base, f=np.ones(10)), dict(base, f=np.zeros(10)), dict(base, f=WORKED_LSTM["f"])]
    fig = companion_figure(
        lstm_cell_update, render_lstm_gates, settings,
        titles=["forget gate all ones: keep", "forget gate all zeros: forget", "the worked forget gate"],
        panel_size=(5.2, 3.4), suptitle="One LSTM step of the worked 10-unit example, three forget gates",
    )
    return fig


def gru_gate_arithmetic(
    z: float = 0.5, r: float = 1.0, h_prev: float = 0.8, x_part: float = -1.0, w_h: float = 0.5,
    convention: str = "book",
) -> dict[str, Any]:
    r"""One GRU unit: the candidate from the reset gate, then the new state from the update gate.

    .. math::
        \tilde h = \tanh(a_x + r \cdot w_h h_{t-1}), \qquad
        h_t = (1 - z) h_{t-1} + z \tilde h \ \text{(book)} \quad \text{or} \quad z h_{t-1} + (1 - z) \tilde h \ \text{(pytorch)}

    where :math:`a_x` (``x_part``) is the input's share of the candidate's pre-activation
    (:math:`W_{in} x + b_{in}`), :math:`w_h` the unit's recurrent weight (bias folded in as 0),
    :math:`r` the reset gate and :math:`z` the update gate, both in :math:`[0, 1]`.

    Returns
    -------
    dict with the inputs, ``recurrent`` (:math:`w_h h_{t-1}`), ``reset_recurrent``
    (:math:`r w_h h_{t-1}`), and, from :func:`dlcourse.rnn.gru_update`, ``h_tilde``, ``keep``,
    ``kept``, ``written`` and ``h``.

    Example
    -------
    >>> out = gru_gate_arithmetic(z=0.0, h_prev=0.8)
    >>> float(out["h"])  # z = 0 in the book's convention: no update
    0.8
    """
    z = check_probability(z, "z")
    r = check_probability(r, "r")
    h_prev = check_float(h_prev, "h_prev")
    x_part = check_float(x_part, "x_part")
    w_h = check_float(w_h, "w_h")
    convention = check_choice(convention, "convention", GRU_CONVENTIONS)
    recurrent = w_h * h_prev
    h_tilde = np.tanh(x_part + r * recurrent)
    out: dict[str, Any] = dict(gru_update(h_prev, z, h_tilde, convention))
    out.update({"r": r, "x_part": x_part, "w_h": w_h, "recurrent": recurrent, "reset_recurrent": r * recurrent,
                "convention": convention})
    return out


_GRU_SERIES = (
    ("h_prev", r"$h_{t-1}$"),
    ("reset_recurrent", r"$r\,w_h h_{t-1}$"),
    ("h_tilde", r"$\tilde h$"),
    ("kept", "kept"),
    ("written", "written"),
    ("h", r"$h_t$"),
)


def render_gru_gates(result: Mapping[str, Any], ax: Any) -> None:
    """Bars of the previous state, the reset recurrent input, the candidate, both shares and :math:`h_t`."""
    _bars(ax, result, _GRU_SERIES, "unit")
    ax.set_title(f"{result['convention']} convention: z = {float(result['z']):.2f}, r = {float(result['r']):.2f}",
                 fontsize=9)


def summarize_gru_gates(result: Mapping[str, Any]) -> str:
    """An HTML table of the unit's numbers."""
    labels = {"h_prev": "previous state h<sub>t&minus;1</sub>", "r": "reset gate r",
              "reset_recurrent": "r w<sub>h</sub> h<sub>t&minus;1</sub>", "h_tilde": "candidate h&#771;",
              "z": "update gate z", "keep": "share kept", "kept": "kept", "written": "written",
              "h": "new state h<sub>t</sub>"}
    cells = "".join(f"<tr><td style='padding:2px 8px'>{label}</td>"
                    f"<td style='padding:2px 8px;text-align:right'>{float(np.asarray(result[k])):.4f}</td></tr>"
                    for k, label in labels.items())
    return f"<table style='border-collapse:collapse'>{cells}</table><p>{result['convention']} convention</p>"


def gru_gate_explorer(z: float = 0.5, r: float = 1.0, h_prev: float = 0.8, x_part: float = -1.0,
                      w_h: float = 0.5, convention: str = "book") -> Any:
    """Sliders for the update gate ``z``, the reset gate ``r``, the previous state, the input's
    share of the candidate and the recurrent weight, and a toggle for the convention.

    Returns an :class:`~dlcourse.widgets.Explorer` whose ``compute`` is :func:`gru_gate_arithmetic`.
    """
    import ipywidgets as widgets

    from ._base import Explorer

    gru_gate_arithmetic(z, r, h_prev, x_part, w_h, convention)  # validates the starting values
    style = {"description_width": "initial"}

    def slider(value: float, low: float, high: float, text: str) -> Any:
        return widgets.FloatSlider(value=float(value), min=low, max=high, step=0.01, description=text,
                                   continuous_update=False, style=style)

    controls = {
        "z": slider(z, 0.0, 1.0, "update gate z"),
        "r": slider(r, 0.0, 1.0, "reset gate r"),
        "h_prev": slider(h_prev, -1.0, 1.0, "previous state"),
        "x_part": slider(x_part, -2.0, 2.0, "input part aₓ"),
        "w_h": slider(w_h, -2.0, 2.0, "recurrent weight"),
        "convention": widgets.ToggleButtons(options=list(GRU_CONVENTIONS), value=convention, description="convention",
                                                  style={"description_width": "initial"}),
    }
    return Explorer(controls, gru_gate_arithmetic, render_gru_gates, summarize_gru_gates,
                    title="GRU gates: update z and reset r", figsize=(5.5, 3.2))


def gru_gate_figure(zs: tuple[float, ...] = (0.0, 0.5, 1.0), r: float = 1.0) -> Any:
    """Static companion of :func:`gru_gate_explorer`: the book's convention at several update gates."""
    from ._base import companion_figure

    return companion_figure(
        gru_gate_arithmetic, render_gru_gates, [{"z": z, "r": r, "convention": "book"} for z in zs],
        panel_size=(4.2, 3.2), suptitle="One GRU unit (book's convention) at three update gates",
    )
