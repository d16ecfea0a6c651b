r"""The loop shared by the from-scratch :class:`~dlcourse.rnn.LSTM` and :class:`~dlcourse.rnn.GRU`.

A gated cell splits its step in two, which is what makes the loop fast:

- ``cell.input_projection(x)`` computes the input's contribution to *every* gate at
  *every* time step in one matrix product, ``(L, N, D_in) -> (L, N, G * H)``, because it
  does not depend on the recurrence;
- ``cell.recur(xp_t, *state)`` does the rest of one step: one product with the
  stacked recurrent weights for all ``G`` gates at once, then element-wise arithmetic;
  ``cell.sequence(xp, state, reverse)`` runs it over every step (the LSTM cell has a
  fused version with a hand-written backward pass).

Layers, directions, ``batch_first``, unbatched input, copying a torch module's weights
(:meth:`_StackedRecurrent._from_torch`) and the ``repr`` are written here once for
:class:`~dlcourse.rnn.RNN`, :class:`~dlcourse.rnn.LSTM` and :class:`~dlcourse.rnn.GRU`, exactly
as :class:`torch.nn.RNN` / :class:`torch.nn.LSTM` / :class:`torch.nn.GRU` order them.
The shapes are torch's: time-first ``(L, N, H_in)`` unless ``batch_first=True``.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from .._validation import check_int, check_ndim, check_num_layers, check_num_parameters, check_shape
from ._cell import _RecurrentCell, check_flag, check_tensor

__all__: list[str] = []

class _StackedRecurrent(nn.Module):
    """Layers x directions of one cell type; subclasses set ``_cell_class`` and ``_n_states``."""

    _cell_class: type
    _n_states: int  # 1 for (h,), 2 for (h, c)

    def __init__(
        self, input_size: int, hidden_size: int, num_layers: int, bias: bool, batch_first: bool,
        bidirectional: bool, *, dtype: torch.dtype | None = None, **cell_kwargs: object,
    ) -> None:
        super().__init__()
        self.input_size = check_int(input_size, "input_size", minimum=1)
        self.hidden_size = check_int(hidden_size, "hidden_size", minimum=1)
        self.num_layers = check_num_layers(num_layers)
        self.bias = check_flag(bias, "bias")
        self.batch_first = check_flag(batch_first, "batch_first")
        self.bidirectional = check_flag(bidirectional, "bidirectional")
        self.num_directions = 2 if self.bidirectional else 1
        D, H, G = self.num_directions, self.hidden_size, self._cell_class.n_gates  # type: ignore[attr-defined]
        first = D * G * H * (self.input_size + H + 2)  # layer 0 reads the input
        upper = D * G * H * (D * H + H + 2)  # every later layer reads the D * H outputs below
        check_num_parameters(
            first + (self.num_layers - 1) * upper, type(self).__name__,
            f"reduce hidden_size (got {H:,}), input_size (got {self.input_size:,}) or num_layers "
            f"(got {self.num_layers})",
        )
        cells = []
        for layer in range(self.num_layers):
            layer_in = self.input_size if layer == 0 else self.hidden_size * self.num_directions
            for _ in range(self.num_directions):
                cells.append(self._cell_class(layer_in, self.hidden_size, self.bias, dtype=dtype, **cell_kwargs))
        self.cells = nn.ModuleList(cells)  # index = layer * num_directions + direction

    def _run(self, x: torch.Tensor, states: tuple[torch.Tensor | None, ...], names: tuple[str, ...]
             ) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        dtype: torch.dtype = self.cells[0].weight_ih.dtype  # type: ignore[assignment]  # a ModuleList item
        check_tensor(x, "x", dtype)
        for s, name in zip(states, names):
            if s is not None:
                check_tensor(s, name, dtype)
        check_ndim(x, "x", (2, 3), names="(seq_len, batch, input_size) or (seq_len, input_size)")
        check_shape(x, "x", (None,) * (x.dim() - 1) + (self.input_size,), names="(..., input_size)")
        unbatched = x.dim() == 2
        if unbatched:
            x = x.unsqueeze(1)  # (L, 1, H_in)
            states = tuple(None if s is None else s.unsqueeze(1) for s in states)
        elif self.batch_first:
            x = x.transpose(0, 1)  # (N, L, H_in) -> (L, N, H_in)
        L, N, _ = x.shape
        if L < 1:
            raise ValueError("x must hold at least one time step; got seq_len = 0.")
        n_cells = self.num_layers * self.num_directions
        full = []
        for s, name in zip(states, names):
            if s is None:
                s = x.new_zeros(n_cells, N, self.hidden_size)
            check_shape(s, name, (n_cells, N, self.hidden_size),
                        names="(D * num_layers, batch, hidden_size), batch as in x")
            full.append(s)
        layer_input = x  # (L, N, H_in)
        finals: list[tuple[torch.Tensor, ...]] = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(self.num_directions):
                index = layer * self.num_directions + direction
                cell: _RecurrentCell = self.cells[index]  # type: ignore[assignment]  # ModuleList items are Modules
                xp = cell.input_projection(layer_input)  # (L, N, G * H): every gate, every step, one matmul
                state = tuple(s[index] for s in full)  # each (N, H)
                hs, state = cell._sequence(xp, state, direction == 1, getattr(self, "fused", True))  # checked here
                outputs.append(hs)  # (L, N, H)
                finals.append(state)
            layer_input = outputs[0] if len(outputs) == 1 else torch.cat(outputs, dim=-1)  # (L, N, D * H)
        output = layer_input
        last = tuple(torch.stack([f[k] for f in finals]) for k in range(self._n_states))  # each (D * layers, N, H)
        if unbatched:
            return output.squeeze(1), tuple(s.squeeze(1) for s in last)
        if self.batch_first:
            output = output.transpose(0, 1)  # (N, L, D * H)
        return output, last

    @classmethod
    def _from_torch(cls, module: nn.RNNBase, torch_class: type[nn.RNNBase], **kwargs: Any) -> "_StackedRecurrent":
        """A model of this class with a copy of the weights (and dtype, device) of ``module``.

        ``module`` must be a ``torch_class`` (``torch.nn.RNN``, ``LSTM`` or ``GRU``) without
        dropout or projections; ``kwargs`` are the constructor arguments only this class has.
        """
        check_torch_module(module, torch_class, torch_class.__name__)
        w = module.get_parameter("weight_ih_l0")
        model = cls(
            module.input_size, module.hidden_size, num_layers=module.num_layers, bias=module.bias,
            batch_first=module.batch_first, bidirectional=module.bidirectional, dtype=w.dtype, **kwargs,
        )
        model._copy_from(module)
        return model.to(w.device)

    def _copy_from(self, module: nn.Module) -> None:
        with torch.no_grad():
            for layer in range(self.num_layers):
                for direction in range(self.num_directions):
                    cell = self.cells[layer * self.num_directions + direction]
                    suffix = f"_l{layer}" + ("_reverse" if direction else "")
                    for name, p in cell.named_parameters():
                        p.copy_(getattr(module, name + suffix))

    def extra_repr(self) -> str:
        return (f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
                f"batch_first={self.batch_first}, bidirectional={self.bidirectional}")


def check_torch_module(module: object, cls: type, name: str) -> None:
    """``module`` must be an instance of ``cls`` without dropout (and without projections)."""
    if not isinstance(module, cls):
        raise TypeError(f"module must be a torch.nn.{name}; got {type(module).__name__}.")
    dropout, proj_size = getattr(module, "dropout", 0), getattr(module, "proj_size", 0)
    if dropout:
        raise ValueError(f"module.dropout must be 0 (this {name} has no dropout between layers); got {dropout}.")
    if proj_size:
        raise ValueError(f"module.proj_size must be 0 (projections are not implemented); got {proj_size}.")
