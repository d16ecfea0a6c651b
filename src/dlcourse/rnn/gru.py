r"""The gated recurrent unit (GRU) from scratch in PyTorch, equal to :class:`torch.nn.GRU`.

Written in PyTorch's convention so that weights copy over unchanged: PyTorch's update
gate :math:`z'` says how much of the old state to *keep*. The book's update gate
:math:`z = 1 - z'` says how much to *update*; :func:`dlcourse.rnn.gru_step` computes
both, and the chapter shows they are one model.
"""
from __future__ import annotations

import torch
from torch import nn

from ._cell import _RecurrentCell
from ._stacked import _StackedRecurrent
from .parameters import count_parameters  # its old home; kept so dlcourse.rnn.gru.count_parameters works

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

    def recur(self, xp: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor]:
        """One step given the input projection ``xp`` ``(B, 3H)`` and ``h`` ``(B, H)``; returns ``(h',)``."""
        self._check_step(xp, h)  # a message naming the argument, not a raw error from addmm
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
        return cls._from_torch(module, nn.GRUCell)

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
        return cls._from_torch(module, nn.GRU)  # type: ignore[return-value]
