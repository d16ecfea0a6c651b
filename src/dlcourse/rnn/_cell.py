"""What :class:`RNNCell`, :class:`GRUCell` and :class:`LSTMCell` share: their parameters.

Each cell stacks the weights of its ``n_gates`` gates row-wise, as PyTorch does:
``weight_ih`` ``(G H, D)``, ``weight_hh`` ``(G H, H)`` and, with ``bias``, ``bias_ih`` and
``bias_hh`` ``(G H,)``, every one drawn from :math:`\\mathcal{U}(-1/\\sqrt{H}, 1/\\sqrt{H})`.
The cells differ only in the arithmetic of a step, which each writes itself.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from .._validation import check_int, check_ndim, check_shape


def check_tensor(x: object, name: str, dtype: torch.dtype | None = None) -> None:
    """Raise ``TypeError`` unless ``x`` is a ``torch.Tensor`` (of ``dtype``, the parameters'), saying how to convert it."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor; got {type(x).__name__}. "
            f"Convert it first, e.g. torch.as_tensor({name}, dtype=torch.float32)."
        )
    if dtype is not None and x.dtype != dtype:
        raise TypeError(
            f"{name} must have the dtype of the model's parameters, {dtype}; got {x.dtype}. "
            f"Convert one of them, e.g. {name}.to({dtype}) or model.to({x.dtype})."
        )


def check_flag(value: object, name: str) -> bool:
    """``value`` as a ``bool``; anything but ``True``/``False`` (or a NumPy bool) is rejected."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} ({value!r:.40}).")
    return bool(value)


class _RecurrentCell(nn.Module):
    n_gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *, dtype: torch.dtype | None = None) -> None:
        super().__init__()
        self.input_size = check_int(input_size, "input_size", minimum=1)
        self.hidden_size = check_int(hidden_size, "hidden_size", minimum=1)
        self.bias = check_flag(bias, "bias")
        G, H, D = self.n_gates, self.hidden_size, self.input_size
        self.weight_ih = nn.Parameter(torch.empty(G * H, D, dtype=dtype))
        self.weight_hh = nn.Parameter(torch.empty(G * H, H, dtype=dtype))
        if self.bias:
            self.bias_ih = nn.Parameter(torch.empty(G * H, dtype=dtype))
            self.bias_hh = nn.Parameter(torch.empty(G * H, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self._init_extra(dtype)
        self.reset_parameters()

    @classmethod
    def _from_torch(cls, module: nn.RNNCellBase, torch_class: type[nn.RNNCellBase], **kwargs: Any) -> Any:
        """A cell of this class with a copy of the weights (and dtype, device) of ``module``, a ``torch_class``.

        A parameter the torch cell lacks (a peephole weight) is set to zero, which makes the
        two cells compute the same function.
        """
        if not isinstance(module, torch_class):
            raise TypeError(
                f"module must be a torch.nn.{torch_class.__name__}; got {type(module).__name__}. "
                f"Pass a torch.nn.{torch_class.__name__}(input_size, hidden_size)."
            )
        cell = cls(module.input_size, module.hidden_size, module.bias, dtype=module.weight_ih.dtype, **kwargs)
        with torch.no_grad():
            for name, p in cell.named_parameters():
                if hasattr(module, name):
                    p.copy_(getattr(module, name))
                else:
                    p.zero_()
        return cell.to(module.weight_ih.device)

    def _init_extra(self, dtype: torch.dtype | None) -> None:
        """Hook for cells with more parameters (the peephole LSTM)."""

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(H), 1/sqrt(H)), as PyTorch's recurrent cells do."""
        k = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -k, k)

    def input_projection(self, x: torch.Tensor) -> torch.Tensor:
        """The input's share of every gate's pre-activation, ``x W_ih^T + b_ih``: ``(..., D) -> (..., G * H)``.

        Applied to a whole sequence ``(L, N, D)`` at once, it replaces ``L`` small products
        inside the time loop by one large one.
        """
        xp = x @ self.weight_ih.T  # (..., G * H)
        if self.bias:
            xp = xp + self.bias_ih
        return xp

    def sequence(self, xp: torch.Tensor, state: tuple[torch.Tensor, ...], reverse: bool, fused: bool = True
                 ) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """Every step of a sequence, one :meth:`recur` at a time (autograd does the backward pass).

        ``xp`` ``(L, N, G * H)`` are the input projections, ``state`` the initial state (each
        ``(N, H)``); returns the hidden states ``(L, N, H)`` in time order and the final state.
        ``reverse=True`` runs from the last step to the first. Cells may override it with a
        faster path (``fused``) that computes the same numbers.
        """
        recur: Callable[..., tuple[torch.Tensor, ...]] = getattr(self, "recur")  # noqa: B009 - defined by each cell
        L = xp.shape[0]
        steps = xp.unbind(0)  # L x (N, G * H); one backward node, not L (indexing xp[t] would be slow)
        hs: list[torch.Tensor] = [None] * L  # type: ignore[list-item]
        for t in (range(L - 1, -1, -1) if reverse else range(L)):
            state = recur(steps[t], *state)
            hs[t] = state[0]
        return torch.stack(hs), state

    def _batched(self, x: torch.Tensor) -> tuple[torch.Tensor, bool]:
        """Check ``x`` ``(B, D)`` or ``(D,)``; return it as ``(B, D)`` and whether it was unbatched."""
        check_tensor(x, "x", self.weight_ih.dtype)
        check_ndim(x, "x", (1, 2), names="(batch, input_size) or (input_size,)")
        check_shape(x, "x", (None,) * (x.dim() - 1) + (self.input_size,), names="(..., input_size)")
        unbatched = x.dim() == 1
        return (x.unsqueeze(0) if unbatched else x), unbatched

    def _state(self, s: torch.Tensor | None, x: torch.Tensor, unbatched: bool, name: str) -> torch.Tensor:
        """A state ``(B, H)`` for the batch ``x``: zeros if ``s`` is None, else ``s`` checked."""
        if s is None:
            return x.new_zeros(x.shape[0], self.hidden_size)  # (B, H)
        check_tensor(s, name, self.weight_ih.dtype)
        s = s.unsqueeze(0) if unbatched else s
        check_shape(s, name, (x.shape[0], self.hidden_size), names="(batch, hidden_size)")
        return s
