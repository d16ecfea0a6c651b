r"""A recurrent network written from scratch with PyTorch tensors, equal to :class:`torch.nn.RNN`.

Only the arithmetic of one step is written by hand (:class:`RNNCell`); :class:`RNN`
loops the cells over time, stacks layers and adds the reverse direction. Autograd
does the backward pass (BPTT), and :meth:`RNN.from_torch` copies the weights of a
``torch.nn.RNN`` so the two can be compared number for number.
"""
from __future__ import annotations

import torch
from torch import nn

from .._validation import check_choice, check_int, check_ndim, check_shape
from ._cell import _RecurrentCell

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
        a = x @ self.weight_ih.T + h @ self.weight_hh.T  # (B, H)
        if self.bias:
            a = a + self.bias_ih + self.bias_hh
        h_new = _ACTIVATIONS[self.nonlinearity](a)  # (B, H)
        return h_new.squeeze(0) if unbatched else h_new

    @classmethod
    def from_torch(cls, module: nn.RNNCell) -> "RNNCell":
        """A cell with a copy of the weights of a ``torch.nn.RNNCell``."""
        if not isinstance(module, nn.RNNCell):
            raise TypeError(f"module must be a torch.nn.RNNCell; got {type(module).__name__}.")
        cell = cls(module.input_size, module.hidden_size, module.bias, module.nonlinearity,
                   dtype=module.weight_ih.dtype)
        with torch.no_grad():
            for name, p in cell.named_parameters():
                p.copy_(getattr(module, name))
        return cell.to(module.weight_ih.device)


class RNN(nn.Module):
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

    def __init__(
        self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
        bias: bool = True, batch_first: bool = False, bidirectional: bool = False,
        *, dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        self.input_size = check_int(input_size, "input_size", minimum=1)
        self.hidden_size = check_int(hidden_size, "hidden_size", minimum=1)
        self.num_layers = check_int(num_layers, "num_layers", minimum=1)
        self.nonlinearity = check_choice(nonlinearity, "nonlinearity", _ACTIVATIONS)
        self.bias = bool(bias)
        self.batch_first = bool(batch_first)
        self.bidirectional = bool(bidirectional)
        self.num_directions = 2 if self.bidirectional else 1
        cells = []
        for layer in range(self.num_layers):
            layer_in = self.input_size if layer == 0 else self.hidden_size * self.num_directions
            for _ in range(self.num_directions):
                cells.append(RNNCell(layer_in, self.hidden_size, self.bias, self.nonlinearity, dtype=dtype))
        self.cells = nn.ModuleList(cells)  # index = layer * num_directions + direction

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Run over the sequence; see the class docstring for the shapes."""
        check_ndim(x, "x", (2, 3), names="(seq_len, batch, input_size) or (seq_len, input_size)")
        check_shape(x, "x", (None,) * (x.dim() - 1) + (self.input_size,), names="(..., input_size)")
        unbatched = x.dim() == 2
        if unbatched:
            x = x.unsqueeze(1)  # (L, 1, H_in)
            h0 = None if h0 is None else h0.unsqueeze(1)
        elif self.batch_first:
            x = x.transpose(0, 1)  # (N, L, H_in) -> (L, N, H_in)
        L, N, _ = x.shape
        if L < 1:
            raise ValueError("x must hold at least one time step; got seq_len = 0.")
        n_states = self.num_layers * self.num_directions
        if h0 is None:
            h0 = x.new_zeros(n_states, N, self.hidden_size)
        check_shape(h0, "h0", (n_states, N, self.hidden_size), names="(D * num_layers, batch, hidden_size)")
        layer_input = x  # (L, N, H_in)
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(self.num_directions):
                index = layer * self.num_directions + direction
                cell = self.cells[index]
                steps = range(L) if direction == 0 else reversed(range(L))
                h = h0[index]  # (N, H)
                states: list[torch.Tensor] = [None] * L  # type: ignore[list-item]
                for t in steps:
                    h = cell(layer_input[t], h)  # (N, H)
                    states[t] = h
                outputs.append(torch.stack(states))  # (L, N, H)
                finals.append(h)
            layer_input = torch.cat(outputs, dim=-1)  # (L, N, D * H)
        output, h_n = layer_input, torch.stack(finals)  # (L, N, D * H), (D * num_layers, N, H)
        if unbatched:
            return output.squeeze(1), h_n.squeeze(1)
        if self.batch_first:
            output = output.transpose(0, 1)  # (N, L, D * H)
        return output, h_n

    @classmethod
    def from_torch(cls, module: nn.RNN) -> "RNN":
        """An :class:`RNN` with a copy of the weights (and dtype, device) of a ``torch.nn.RNN``."""
        if not isinstance(module, nn.RNN):
            raise TypeError(f"module must be a torch.nn.RNN; got {type(module).__name__}.")
        if module.dropout:
            raise ValueError(f"module.dropout must be 0 (this RNN has no dropout between layers); got {module.dropout}.")
        w = module.get_parameter("weight_ih_l0")
        model = cls(module.input_size, module.hidden_size, module.num_layers, module.nonlinearity,
                    module.bias, module.batch_first, module.bidirectional, dtype=w.dtype)
        with torch.no_grad():
            for layer in range(model.num_layers):
                for direction in range(model.num_directions):
                    cell = model.cells[layer * model.num_directions + direction]
                    suffix = f"_l{layer}" + ("_reverse" if direction else "")
                    for name, p in cell.named_parameters():
                        p.copy_(getattr(module, name + suffix))
        return model.to(w.device)

    def extra_repr(self) -> str:
        return (f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
                f"batch_first={self.batch_first}, bidirectional={self.bidirectional}")


