r"""A recurrent network written from scratch with PyTorch tensors, equal to :class:`torch.nn.RNN`.

Only the arithmetic of one step is written by hand (:class:`RNNCell`); :class:`RNN`
loops the cells over time, stacks layers and adds the reverse direction with the loop
that :class:`~dlcourse.rnn.LSTM` and :class:`~dlcourse.rnn.GRU` share
(``dlcourse.rnn._stacked``). Autograd does the backward pass (BPTT), and
:meth:`RNN.from_torch` copies the weights of a ``torch.nn.RNN`` so the two can be
compared number for number.
"""
from __future__ import annotations

import torch
from torch import nn

from .._validation import check_choice
from ._cell import _RecurrentCell
from ._stacked import _StackedRecurrent

__all__ = ["RNNCell", "RNN"]

_ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu}


class RNNCell(_RecurrentCell):
    r"""One step of an Elman RNN.

    .. math::
        h' = \sigma(x W_{ih}^\top + b_{ih} + h W_{hh}^\top + b_{hh})

    where :math:`x` is the input ``(B, D)``, :math:`h` the previous hidden state
    ``(B, H)``, :math:`h'` the new one, :math:`\sigma` is ``tanh`` (or ``relu``),
    :math:`W_{ih}` ``(H, D)``, :math:`W_{hh}` ``(H, H)`` and the biases ``(H,)``.
    Initialisation as PyTorch: every parameter from :math:`\mathcal{U}(-1/\sqrt{H}, 1/\sqrt{H})`.

    Shapes: input ``(B, D)`` or ``(D,)``; hidden ``(B, H)`` or ``(H,)`` (zeros if omitted);
    output ``(B, H)`` or ``(H,)``.

    Example
    -------
    >>> cell = RNNCell(3, 5)
    >>> cell(torch.zeros(2, 3)).shape
    torch.Size([2, 5])
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
        *, dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, dtype=dtype)  # weights, biases, initialisation
        self.nonlinearity = check_choice(nonlinearity, "nonlinearity", _ACTIVATIONS)

    def forward(self, x: torch.Tensor, h: torch.Tensor | None = None) -> torch.Tensor:
        """One step; see the class docstring for the equation and shapes."""
        x, unbatched = self._batched(x)  # (B, D)
        h = self._state(h, x, unbatched, "h")  # (B, H), zeros if omitted
        (h_new,) = self.recur(self.input_projection(x), h)  # (B, H)
        return h_new.squeeze(0) if unbatched else h_new

    def recur(self, xp: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor]:
        """One step given the input projection ``xp = x W_ih^T + b_ih`` ``(B, H)`` and ``h`` ``(B, H)``; returns ``(h',)``."""
        self._check_step(xp, h)  # a message naming the argument, not a raw error from the matmul
        a = xp + h @ self.weight_hh.T  # (B, H)
        if self.bias:
            a = a + self.bias_hh
        return (_ACTIVATIONS[self.nonlinearity](a),)

    @classmethod
    def from_torch(cls, module: nn.RNNCell) -> "RNNCell":
        """A cell with a copy of the weights (and dtype, device) of a ``torch.nn.RNNCell``."""
        return cls._from_torch(module, nn.RNNCell, nonlinearity=getattr(module, "nonlinearity", "tanh"))


class RNN(_StackedRecurrent):
    r"""A multi-layer (optionally bidirectional) Elman RNN built from :class:`RNNCell`.

    For each layer :math:`l` and time step :math:`t`:

    .. math::
        h_t^{(l)} = \tanh\big(x_t^{(l)} W_{ih}^{(l)\top} + b_{ih}^{(l)} + h_{t-1}^{(l)} W_{hh}^{(l)\top} + b_{hh}^{(l)}\big)

    where :math:`x_t^{(0)} = x_t` is the input and :math:`x_t^{(l)} = h_t^{(l-1)}` the output
    of the layer below (a *stacked* RNN). With ``bidirectional=True`` each layer also runs a
    second cell from :math:`t = T-1` down to 0, and its input is the concatenation
    :math:`[\overrightarrow{h}_t; \overleftarrow{h}_t]` of both directions of the layer below.
    Parameter names, initialisation and the order of the final states match :class:`torch.nn.RNN`.

    Shapes (``N`` batch, ``L`` length, ``D`` = 2 if bidirectional else 1)
    ------
    input: ``(L, N, H_in)`` (``(N, L, H_in)`` with ``batch_first``) or ``(L, H_in)``.
    h0: ``(D * num_layers, N, H)`` or ``(D * num_layers, H)``; zeros if omitted.
    output: ``(L, N, D * H)`` (``(N, L, D * H)`` with ``batch_first``): the last layer's
    states at every step. h_n: ``(D * num_layers, N, H)``: every layer's final state,
    ordered layer 0 forward, layer 0 backward, layer 1 forward, ...

    Example
    -------
    >>> rnn = RNN(3, 5, num_layers=2, bidirectional=True, batch_first=True)
    >>> out, h_n = rnn(torch.zeros(4, 7, 3))
    >>> tuple(out.shape), tuple(h_n.shape)
    ((4, 7, 10), (4, 4, 5))
    """

    _cell_class = RNNCell
    _n_states = 1

    def __init__(
        self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
        bias: bool = True, batch_first: bool = False, bidirectional: bool = False,
        *, dtype: torch.dtype | None = None,
    ) -> None:
        self.nonlinearity = check_choice(nonlinearity, "nonlinearity", _ACTIVATIONS)
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, bidirectional, dtype=dtype,
                         nonlinearity=self.nonlinearity)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Run over the sequence; see the class docstring for the shapes."""
        output, (h_n,) = self._run(x, (h0,), ("h0",))
        return output, h_n

    @classmethod
    def from_torch(cls, module: nn.RNN) -> "RNN":
        """An :class:`RNN` with a copy of the weights (and dtype, device) of a ``torch.nn.RNN``."""
        nonlinearity = getattr(module, "nonlinearity", "tanh")
        return cls._from_torch(module, nn.RNN, nonlinearity=nonlinearity)  # type: ignore[return-value]
