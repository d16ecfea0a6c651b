r"""The gated recurrent unit (GRU) from scratch in PyTorch, equal to :class:`torch.nn.GRU`.

Written in PyTorch's convention so that weights copy over unchanged: PyTorch's update
gate :math:`z'` says how much of the old state to *keep*. The book's update gate
:math:`z = 1 - z'` says how much to *update*; :func:`dlcourse.rnn.gru_step` computes
both, and the chapter shows they are one model.
"""
from __future__ import annotations

import torch
from torch import nn

from .._validation import check_choice, check_int
from ._cell import _RecurrentCell
from ._stacked import _StackedRecurrent, check_torch_module

__all__ = ["GRUCell", "GRU", "count_parameters"]


class GRUCell(_RecurrentCell):
    r"""One step of a gated recurrent unit (Cho et al., 2014), as :class:`torch.nn.GRUCell`.

    .. math::
        \begin{aligned}
        r &= \sigma(x W_{ir}^\top + b_{ir} + h W_{hr}^\top + b_{hr}) \\
        z' &= \sigma(x W_{iz}^\top + b_{iz} + h W_{hz}^\top + b_{hz}) \\
        \tilde h &= \tanh\big(x W_{in}^\top + b_{in} + r \odot (h W_{hn}^\top + b_{hn})\big) \\
        h' &= (1 - z') \odot \tilde h + z' \odot h
        \end{aligned}

    where :math:`x` is the input ``(B, D)``, :math:`h` the previous hidden state ``(B, H)``,
    :math:`r` the reset gate, :math:`z'` PyTorch's update gate (the book's :math:`z = 1 - z'`),
    :math:`\tilde h` the candidate (PyTorch calls it :math:`n`), :math:`\sigma` the sigmoid and
    :math:`\odot` the element-wise product. Weights are stacked row-wise in the order
    ``r, z, n``: ``weight_ih`` ``(3H, D)``, ``weight_hh`` ``(3H, H)``, biases ``(3H,)``.
    The reset gate multiplies the recurrent product *after* the matrix (``reset_after`` in
    Keras, cuDNN's form). Initialisation as PyTorch: :math:`\mathcal{U}(-1/\sqrt{H}, 1/\sqrt{H})`.

    Shapes: input ``(B, D)`` or ``(D,)``; hidden ``(B, H)`` or ``(H,)`` (zeros if omitted);
    output ``(B, H)`` or ``(H,)``.

    Example
    -------
    >>> cell = GRUCell(3, 5)
    >>> cell(torch.zeros(2, 3)).shape
    torch.Size([2, 5])
    """

    n_gates = 3

    def input_projection(self, x: torch.Tensor) -> torch.Tensor:
        """The input's share of the three pre-activations, ``x W_ih^T + b_ih``: ``(..., D) -> (..., 3H)``."""
        xp = x @ self.weight_ih.T  # (..., 3H)
        if self.bias:
            xp = xp + self.bias_ih
        return xp

    def recur(self, xp: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor]:
        """One step given the input projection ``xp`` ``(B, 3H)`` and ``h`` ``(B, H)``; returns ``(h',)``."""
        H = self.hidden_size
        if self.bias:
            hh = torch.addmm(self.bias_hh, h, self.weight_hh.T)  # (B, 3H): all recurrent products, one matmul
        else:
            hh = h @ self.weight_hh.T  # (B, 3H)
        rz = torch.sigmoid(xp[:, :2 * H] + hh[:, :2 * H])  # (B, 2H): reset and update gates together
        r, z = rz[:, :H], rz[:, H:]  # (B, H) each
        n = torch.tanh(torch.addcmul(xp[:, 2 * H:], r, hh[:, 2 * H:]))  # candidate (B, H)
        return (torch.addcmul(n, z, h - n),)  # h' = (1 - z') n + z' h = n + z' (h - n)

    def forward(self, x: torch.Tensor, h: torch.Tensor | None = None) -> torch.Tensor:
        """One step; see the class docstring for the equations and shapes."""
        x, unbatched = self._batched(x)  # (B, D)
        h = self._state(h, x, unbatched, "h")  # (B, H), zeros if omitted
        (h_new,) = self.recur(self.input_projection(x), h)
        return h_new.squeeze(0) if unbatched else h_new

    @classmethod
    def from_torch(cls, module: nn.GRUCell) -> "GRUCell":
        """A cell with a copy of the weights (and dtype, device) of a ``torch.nn.GRUCell``."""
        if not isinstance(module, nn.GRUCell):
            raise TypeError(f"module must be a torch.nn.GRUCell; got {type(module).__name__}.")
        cell = cls(module.input_size, module.hidden_size, module.bias, dtype=module.weight_ih.dtype)
        with torch.no_grad():
            for name, p in cell.named_parameters():
                p.copy_(getattr(module, name))
        return cell.to(module.weight_ih.device)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, bias={self.bias}"


class GRU(_StackedRecurrent):
    r"""A multi-layer (optionally bidirectional) GRU built from :class:`GRUCell`.

    For each layer :math:`l` and step :math:`t` the cell of :class:`GRUCell` maps
    :math:`(x_t^{(l)}, h_{t-1}^{(l)})` to :math:`h_t^{(l)}`, where :math:`x_t^{(0)} = x_t` is the
    input and :math:`x_t^{(l)} = h_t^{(l-1)}` the output of the layer below. With
    ``bidirectional=True`` each layer also runs a second cell backwards in time and the next
    layer reads :math:`[\overrightarrow{h}_t; \overleftarrow{h}_t]`. Parameter names,
    initialisation and the order of the final states match :class:`torch.nn.GRU`.

    Shapes (``N`` batch, ``L`` length, ``D`` = 2 if bidirectional else 1)
    ------
    input: ``(L, N, H_in)`` (``(N, L, H_in)`` with ``batch_first``) or ``(L, H_in)``.
    h0: ``(D * num_layers, N, H)`` or ``(D * num_layers, H)``; zeros if omitted.
    output: ``(L, N, D * H)`` (``(N, L, D * H)`` with ``batch_first``); h_n: ``(D * num_layers, N, H)``.

    Example
    -------
    >>> gru = GRU(3, 5, num_layers=2, bidirectional=True, batch_first=True)
    >>> out, h_n = gru(torch.zeros(4, 7, 3))
    >>> tuple(out.shape), tuple(h_n.shape)
    ((4, 7, 10), (4, 4, 5))
    """

    _cell_class = GRUCell
    _n_states = 1

    def __init__(
        self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
        batch_first: bool = False, bidirectional: bool = False, *, dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, bidirectional, dtype=dtype)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Run over the sequence; see the class docstring for the shapes."""
        output, (h_n,) = self._run(x, (h0,), ("h0",))
        return output, h_n

    @classmethod
    def from_torch(cls, module: nn.GRU) -> "GRU":
        """A :class:`GRU` with a copy of the weights (and dtype, device) of a ``torch.nn.GRU``."""
        check_torch_module(module, nn.GRU, "GRU")
        w = module.get_parameter("weight_ih_l0")
        model = cls(module.input_size, module.hidden_size, module.num_layers, module.bias,
                    module.batch_first, module.bidirectional, dtype=w.dtype)
        model._copy_from(module)
        return model.to(w.device)


_GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def count_parameters(
    mode: str, input_size: int, hidden_size: int, num_layers: int = 1, *,
    bias: bool = True, bidirectional: bool = False,
) -> int:
    r"""The number of trainable parameters of a recurrent layer stack, by formula.

    .. math::
        P = \sum_{l=0}^{L-1} D \cdot G \big(H \cdot D_l + H^2 + 2H\big), \qquad
        D_0 = D_{\text{in}}, \; D_l = D \cdot H \; (l \ge 1)

    where :math:`G` is the number of gate blocks (1 for ``"rnn"``, 3 for ``"gru"``, 4 for
    ``"lstm"``), :math:`H` the hidden size, :math:`D_{\text{in}}` the input size, :math:`D`
    2 if bidirectional else 1, :math:`L` the number of layers, and the :math:`2H` term the two
    bias vectors (dropped with ``bias=False``). A GRU therefore has exactly 3 times and an
    LSTM 4 times the parameters of an RNN of the same sizes.

    Example
    -------
    >>> count_parameters("rnn", 10, 20), count_parameters("gru", 10, 20), count_parameters("lstm", 10, 20)
    (640, 1920, 2560)
    """
    mode = check_choice(mode, "mode", _GATES)
    D_in = check_int(input_size, "input_size", minimum=1)
    H = check_int(hidden_size, "hidden_size", minimum=1)
    layers = check_int(num_layers, "num_layers", minimum=1)
    D = 2 if bidirectional else 1
    G = _GATES[mode]
    total = 0
    for layer in range(layers):
        layer_in = D_in if layer == 0 else D * H
        total += D * G * (H * layer_in + H * H + (2 * H if bias else 0))
    return total
