r"""One step of an LSTM and of a GRU in NumPy, returning every intermediate value.

These functions are for reading and for the widgets: they compute one time step
and return a dict holding each gate, the candidate and the new states under the
names of the symbols in the equations, so a notebook can print a worked table and
a test can compare any single quantity with PyTorch. Weights use PyTorch's layout,
so ``{k: v.detach().numpy() for k, v in torch.nn.LSTMCell(...).state_dict().items()}``
is a valid ``params`` dict.

LSTM (gate order in the stacked weights: input, forget, candidate, output):

.. math::
    i_t = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) \qquad
    f_t = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) \\
    g_t = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) \qquad
    o_t = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) \\
    c_t = f_t \odot c_{t-1} + i_t \odot g_t \qquad h_t = o_t \odot \tanh(c_t)

GRU (gate order: reset, update, candidate), in the book's convention:

.. math::
    r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) \qquad
    z_t = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) \\
    \tilde h_t = \tanh\big(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})\big) \\
    h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \tilde h_t

where :math:`\sigma` is the logistic sigmoid, :math:`\odot` the element-wise product,
:math:`x_t` the input ``(B, D)``, :math:`h_{t-1}` and :math:`c_{t-1}` the previous hidden
and cell states ``(B, H)``. PyTorch's :class:`torch.nn.GRU` writes the last line as
:math:`h_t = (1 - z'_t) \odot \tilde h_t + z'_t \odot h_{t-1}`: the same model with
:math:`z' = 1 - z` (``convention="pytorch"``).
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from .._validation import (
    as_float_array,
    check_choice,
    check_int,
    check_ndim,
    check_num_parameters,
    check_shape,
    check_type,
)
from ..activations import sigmoid  # the one sigmoid of the package; re-exported here
from ._cell import check_flag

__all__ = [
    "sigmoid",
    "init_lstm_params",
    "init_gru_params",
    "lstm_cell_update",
    "lstm_step",
    "gru_update",
    "gru_step",
    "GRU_CONVENTIONS",
]

GRU_CONVENTIONS = ("book", "pytorch")
_LSTM_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
_PEEPHOLE_KEYS = ("weight_ci", "weight_cf", "weight_co")


def _init(n_gates: int, D: int, H: int, seed: int) -> dict[str, np.ndarray]:
    check_num_parameters(
        n_gates * H * (D + H + 2), "an LSTM" if n_gates == 4 else "a GRU",
        f"reduce hidden_size (got {H:,}) or input_size (got {D:,})", bytes_per_parameter=8,
    )
    rng = np.random.default_rng(seed)
    k = 1.0 / np.sqrt(H)
    return {
        "weight_ih": rng.uniform(-k, k, size=(n_gates * H, D)),
        "weight_hh": rng.uniform(-k, k, size=(n_gates * H, H)),
        "bias_ih": rng.uniform(-k, k, size=n_gates * H),
        "bias_hh": rng.uniform(-k, k, size=n_gates * H),
    }


def init_lstm_params(input_size: int, hidden_size: int, *, seed: int = 0, peephole: bool = False) -> dict[str, np.ndarray]:
    r"""Random LSTM parameters in PyTorch's layout, every entry from :math:`\mathcal{U}(-1/\sqrt{H}, 1/\sqrt{H})`.

    Returns ``weight_ih`` ``(4H, D)``, ``weight_hh`` ``(4H, H)``, ``bias_ih`` and ``bias_hh``
    ``(4H,)``, rows stacked in the order input, forget, candidate, output; with
    ``peephole=True`` also the diagonal peephole weights ``weight_ci``, ``weight_cf``,
    ``weight_co`` ``(H,)``.

    Example
    -------
    >>> p = init_lstm_params(3, 5)
    >>> p["weight_ih"].shape, p["weight_hh"].shape
    ((20, 3), (20, 5))
    """
    D = check_int(input_size, "input_size", minimum=1)
    H = check_int(hidden_size, "hidden_size", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    peephole = check_flag(peephole, "peephole")
    params = _init(4, D, H, seed)
    if peephole:
        rng = np.random.default_rng(seed + 1)
        k = 1.0 / np.sqrt(H)
        for key in _PEEPHOLE_KEYS:
            params[key] = rng.uniform(-k, k, size=H)
    return params


def init_gru_params(input_size: int, hidden_size: int, *, seed: int = 0) -> dict[str, np.ndarray]:
    r"""Random GRU parameters in PyTorch's layout (rows: reset, update, candidate).

    Returns ``weight_ih`` ``(3H, D)``, ``weight_hh`` ``(3H, H)``, ``bias_ih`` and
    ``bias_hh`` ``(3H,)``, every entry from :math:`\mathcal{U}(-1/\sqrt{H}, 1/\sqrt{H})`.
    """
    D = check_int(input_size, "input_size", minimum=1)
    H = check_int(hidden_size, "hidden_size", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    return _init(3, D, H, seed)


def _as_states(value: Any, name: str) -> np.ndarray:
    array = as_float_array(value, name)
    if array.ndim not in (0, 1, 2):
        raise ValueError(f"{name} must be a number, a vector (hidden_size,) or a batch (batch, hidden_size); "
                         f"got shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite numbers; got {array!r:.80}.")
    return array


def _check_gate(value: Any, name: str) -> np.ndarray:
    array = _as_states(value, name)
    if np.any(array < 0) or np.any(array > 1):
        raise ValueError(f"{name} is a gate, so every entry must lie in [0, 1]; got min {array.min():g}, "
                         f"max {array.max():g}. Pass sigmoid(pre_activation) if you have pre-activations.")
    return array


def lstm_cell_update(c_prev: Any, f: Any, i: Any, g: Any, o: Any) -> dict[str, np.ndarray]:
    r"""The cell and hidden state from given gate values: the arithmetic of the worked tables.

    .. math::
        c_t = f \odot c_{t-1} + i \odot g, \qquad h_t = o \odot \tanh(c_t)

    where :math:`f, i, o \in [0, 1]` are the forget, input and output gates, :math:`g \in [-1, 1]`
    (usually) the candidate and :math:`c_{t-1}` the previous cell state. All arguments
    broadcast against each other (numbers, ``(H,)`` vectors or ``(B, H)`` batches).

    Returns
    -------
    dict with ``c_prev``, ``f``, ``i``, ``g``, ``o``, ``f_c`` (:math:`f \odot c_{t-1}`, what is
    kept), ``i_g`` (:math:`i \odot g`, what is written), ``c``, ``tanh_c`` and ``h``.

    Example
    -------
    >>> out = lstm_cell_update(c_prev=0.5, f=0.9, i=0.8, g=0.6, o=0.1)
    >>> round(float(out["c"]), 2), round(float(out["h"]), 4)
    (0.93, 0.0731)
    """
    c_prev = _as_states(c_prev, "c_prev")
    f, i, o = (_check_gate(v, n) for v, n in ((f, "f"), (i, "i"), (o, "o")))
    g = _as_states(g, "g")
    try:
        f_c = f * c_prev  # what the forget gate keeps
        i_g = i * g  # what the input gate writes
        c = f_c + i_g
        tanh_c = np.tanh(c)
        h = o * tanh_c
    except ValueError as exc:
        raise ValueError(f"c_prev, f, i, g and o must broadcast to one shape; got {c_prev.shape}, {f.shape}, "
                         f"{i.shape}, {g.shape}, {o.shape}.") from exc
    return {"c_prev": c_prev, "f": f, "i": i, "g": g, "o": o, "f_c": f_c, "i_g": i_g, "c": c, "tanh_c": tanh_c, "h": h}


def _check_params(params: Any, n_gates: int, D: int, extra: tuple[str, ...] = ()) -> tuple[np.ndarray, ...]:
    """The weights in ``params``, checked against ``D``, the input size (the last axis of ``x``)."""
    check_type(params, "params", Mapping)
    missing = [k for k in ("weight_ih", "weight_hh") + extra if k not in params]
    if missing:
        maker = "init_lstm_params" if n_gates == 4 else "init_gru_params"
        raise ValueError(f"params is missing {missing}; it needs the keys {_LSTM_KEYS + extra} (see {maker}).")
    W_hh = as_float_array(params["weight_hh"], "params['weight_hh']")
    check_ndim(W_hh, "params['weight_hh']", 2, names=f"({n_gates} * hidden_size, hidden_size)")
    H = W_hh.shape[1]
    check_shape(W_hh, "params['weight_hh']", (n_gates * H, H), names=f"({n_gates} * hidden_size, hidden_size)")
    W_ih = as_float_array(params["weight_ih"], "params['weight_ih']")
    check_shape(W_ih, "params['weight_ih']", (n_gates * H, D),
                names=f"({n_gates} * hidden_size, input_size), input_size = x.shape[-1]")
    biases = []
    for key in ("bias_ih", "bias_hh"):  # optional, as with bias=False in PyTorch
        b = as_float_array(params.get(key, np.zeros(n_gates * H)), f"params[{key!r}]")
        check_shape(b, f"params[{key!r}]", (n_gates * H,), names=f"({n_gates} * hidden_size,)")
        biases.append(b)
    return W_ih, W_hh, biases[0], biases[1]


def _check_inputs(x: Any, h: Any, c: Any = None, *, need_c: bool = False
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, bool]:
    if need_c and c is None:
        raise TypeError("c must be the previous cell state, an array (batch, hidden_size) or (hidden_size,); got None. "
                        "Pass np.zeros_like(h) to start from an empty cell.")
    x = as_float_array(x, "x", finite=True)
    check_ndim(x, "x", (1, 2), names="(batch, input_size) or (input_size,)")
    unbatched = x.ndim == 1
    x2 = x[None] if unbatched else x  # (B, D)
    h = as_float_array(h, "h", finite=True)
    want = 1 if unbatched else 2
    check_ndim(h, "h", want, names="(hidden_size,)" if unbatched else "(batch, hidden_size)")
    h2 = h[None] if unbatched else h  # (B, H)
    check_shape(h2, "h", (x2.shape[0], None), names="(batch, hidden_size) with the batch of x")
    c2 = None
    if c is not None:
        c = as_float_array(c, "c", finite=True)
        check_ndim(c, "c", want, names="(hidden_size,)" if unbatched else "(batch, hidden_size)")
        c2 = c[None] if unbatched else c  # (B, H)
        check_shape(c2, "c", h2.shape, names="the shape of h")
    return x2, h2, c2, unbatched


def lstm_step(x: Any, h: Any, c: Any, params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    r"""One LSTM step from weights, with every intermediate (see the module docstring).

    With the peephole keys ``weight_ci``, ``weight_cf``, ``weight_co`` ``(H,)`` in ``params``
    the gates also see the cell state (Gers and Schmidhuber, 2000):

    .. math::
        i_t = \sigma(\dots + w_{ci} \odot c_{t-1}), \quad f_t = \sigma(\dots + w_{cf} \odot c_{t-1}),
        \quad o_t = \sigma(\dots + w_{co} \odot c_t)

    Shapes: ``x`` ``(B, D)``, ``h`` and ``c`` ``(B, H)``, or unbatched ``(D,)``, ``(H,)``.

    Returns
    -------
    dict with the pre-activations ``a_i, a_f, a_g, a_o``, the gates ``i, f, o``, the
    candidate ``g`` and, as :func:`lstm_cell_update`, ``f_c, i_g, c, tanh_c, h`` (plus
    ``c_prev``, ``h_prev``), each ``(B, H)`` (``(H,)`` for unbatched input).

    Example
    -------
    >>> p = init_lstm_params(3, 4)
    >>> out = lstm_step(np.ones(3), np.zeros(4), np.zeros(4), p)
    >>> out["h"].shape, bool(np.all((0 < out["f"]) & (out["f"] < 1)))
    ((4,), True)
    """
    x2, h2, c2, unbatched = _check_inputs(x, h, c, need_c=True)
    peephole = any(k in params for k in _PEEPHOLE_KEYS) if isinstance(params, Mapping) else False
    W_ih, W_hh, b_ih, b_hh = _check_params(params, 4, x2.shape[1], _PEEPHOLE_KEYS if peephole else ())
    H = W_hh.shape[1]
    check_shape(h2, "h", (x2.shape[0], H), names="(batch, hidden_size)")
    a = x2 @ W_ih.T + b_ih + h2 @ W_hh.T + b_hh  # (B, 4H): all four pre-activations in one product
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)  # 4 x (B, H)
    if peephole:
        w_ci, w_cf, w_co = (as_float_array(params[k], f"params[{k!r}]") for k in _PEEPHOLE_KEYS)
        for w, key in zip((w_ci, w_cf, w_co), _PEEPHOLE_KEYS):
            check_shape(w, f"params[{key!r}]", (H,), names="(hidden_size,)")
        a_i = a_i + w_ci * c2
        a_f = a_f + w_cf * c2
    i, f, g = sigmoid(a_i), sigmoid(a_f), np.tanh(a_g)
    c_new = f * c2 + i * g  # (B, H)
    if peephole:
        a_o = a_o + w_co * c_new  # the output gate peeks at the new cell state
    o = sigmoid(a_o)
    out = lstm_cell_update(c2, f, i, g, o)
    out.update({"a_i": a_i, "a_f": a_f, "a_g": a_g, "a_o": a_o, "h_prev": h2})
    return {k: v[0] for k, v in out.items()} if unbatched else out


def gru_update(h_prev: Any, z: Any, h_tilde: Any, convention: str = "book") -> dict[str, np.ndarray]:
    r"""The GRU's new state from its update gate and candidate.

    .. math::
        \text{book:}\quad h_t = (1 - z) \odot h_{t-1} + z \odot \tilde h, \qquad
        \text{pytorch:}\quad h_t = z \odot h_{t-1} + (1 - z) \odot \tilde h

    where :math:`z \in [0, 1]` is the update gate, :math:`h_{t-1}` the previous state and
    :math:`\tilde h` the candidate. In the book's convention :math:`z` is *how much to
    update*; in PyTorch's it is *how much to keep*. Arguments broadcast.

    Returns
    -------
    dict with ``h_prev``, ``z``, ``h_tilde``, ``keep`` (the coefficient of :math:`h_{t-1}`),
    ``kept`` (``keep * h_prev``), ``written`` (the candidate's share) and ``h``.

    Example
    -------
    >>> book = gru_update(1.0, 0.2, -1.0, "book")
    >>> torch_ = gru_update(1.0, 0.8, -1.0, "pytorch")
    >>> float(book["h"]) == float(torch_["h"])
    True
    """
    convention = check_choice(convention, "convention", GRU_CONVENTIONS)
    h_prev = _as_states(h_prev, "h_prev")
    z = _check_gate(z, "z")
    h_tilde = _as_states(h_tilde, "h_tilde")
    keep = 1.0 - z if convention == "book" else z
    try:
        np.broadcast_shapes(h_prev.shape, z.shape, h_tilde.shape)
    except ValueError:
        raise ValueError(
            f"h_prev, z and h_tilde must broadcast to one shape; got {h_prev.shape}, {z.shape}, {h_tilde.shape}. "
            f"Pass arrays of the same shape (batch, hidden_size), or numbers."
        ) from None
    kept = keep * h_prev
    written = (1.0 - keep) * h_tilde
    return {"h_prev": h_prev, "z": z, "h_tilde": h_tilde, "keep": keep, "kept": kept, "written": written,
            "h": kept + written}


def gru_step(x: Any, h: Any, params: Mapping[str, np.ndarray], convention: str = "pytorch",
             *, reset_after: bool = True) -> dict[str, np.ndarray]:
    r"""One GRU step from weights in PyTorch's layout, with every intermediate.

    The weights are always read in PyTorch's layout (rows reset, update, candidate).
    ``convention="pytorch"`` (default) gives :class:`torch.nn.GRUCell`'s output;
    ``convention="book"`` reads the update rows as the book's :math:`z`, i.e.
    :math:`h_t = (1 - z) \odot h_{t-1} + z \odot \tilde h`. Negating the update rows
    (``weight_ih[H:2H]``, ``weight_hh[H:2H]`` and both biases there) turns one into the
    other, because :math:`\sigma(-a) = 1 - \sigma(a)`.

    ``reset_after=True`` (PyTorch, cuDNN) applies the reset gate after the recurrent
    product, :math:`r \odot (W_{hn} h + b_{hn})`; ``False`` applies it before, as in
    Cho et al. (2014): :math:`W_{hn} (r \odot h) + b_{hn}`.

    Shapes: ``x`` ``(B, D)``, ``h`` ``(B, H)`` or unbatched ``(D,)``, ``(H,)``.

    Returns
    -------
    dict with pre-activations ``a_r, a_z``, gates ``r, z``, ``hh_n`` (the recurrent part of
    the candidate before the reset gate), ``h_tilde`` and, as :func:`gru_update`,
    ``keep, kept, written, h`` (plus ``h_prev``).

    Example
    -------
    >>> p = init_gru_params(3, 4)
    >>> gru_step(np.ones(3), np.zeros(4), p)["h"].shape
    (4,)
    """
    convention = check_choice(convention, "convention", GRU_CONVENTIONS)
    reset_after = check_flag(reset_after, "reset_after")
    x2, h2, _, unbatched = _check_inputs(x, h)
    W_ih, W_hh, b_ih, b_hh = _check_params(params, 3, x2.shape[1])
    H = W_hh.shape[1]
    check_shape(h2, "h", (x2.shape[0], H), names="(batch, hidden_size)")
    gi = x2 @ W_ih.T + b_ih  # (B, 3H)
    a_r_x, a_z_x, a_n_x = np.split(gi, 3, axis=1)  # 3 x (B, H)
    W_hr, W_hz, W_hn = np.split(W_hh, 3, axis=0)  # 3 x (H, H)
    b_hr, b_hz, b_hn = np.split(b_hh, 3)
    a_r = a_r_x + h2 @ W_hr.T + b_hr  # (B, H)
    a_z = a_z_x + h2 @ W_hz.T + b_hz  # (B, H)
    r, z = sigmoid(a_r), sigmoid(a_z)
    if reset_after:
        hh_n = h2 @ W_hn.T + b_hn  # (B, H)
        h_tilde = np.tanh(a_n_x + r * hh_n)
    else:
        hh_n = (r * h2) @ W_hn.T + b_hn  # (B, H)
        h_tilde = np.tanh(a_n_x + hh_n)
    out = gru_update(h2, z, h_tilde, convention)
    out.update({"a_r": a_r, "a_z": a_z, "r": r, "hh_n": hh_n})
    return {k: v[0] for k, v in out.items()} if unbatched else out
