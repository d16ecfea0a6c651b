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

from .._validation import check_int, check_ndim, check_num_parameters, check_shape


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


def check_state_pair(hx: object, name: str, parts: tuple[str, str]) -> None:
    """``hx`` must be a pair of tensors ``(h, c)`` (``parts`` names them in the message)."""
    want = f"a pair ({parts[0]}, {parts[1]}) of tensors, or None for both"
    if not isinstance(hx, (tuple, list)) or len(hx) != 2:
        size = f" of length {len(hx)}" if isinstance(hx, (tuple, list)) else f" ({hx!r:.40})"
        raise TypeError(f"{name} must be {want}; got {type(hx).__name__}{size}.")
    for k, (s, part) in enumerate(zip(hx, parts)):
        if s is None:
            raise TypeError(
                f"{name} must be {want}; got None for one of them ({name}[{k}], {part}). "
                f"Pass {name}=None to start both from zeros."
            )
        if not isinstance(s, torch.Tensor):
            raise TypeError(
                f"{part} must be a torch.Tensor ({name}[{k}]); got {type(s).__name__} ({s!r:.40}). "
                f"Convert it first, e.g. torch.as_tensor({part}, dtype=torch.float32)."
            )


class _RecurrentCell(nn.Module):
    n_gates = 1
    _n_states = 1  # tensors in the state: (h,), or (h, c) for the LSTM
    _trusted = False  # True while _sequence runs its loop: recur's arguments were checked before it

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *, dtype: torch.dtype | None = None) -> None:
        super().__init__()
        self.input_size = check_int(input_size, "input_size", minimum=1)
        self.hidden_size = check_int(hidden_size, "hidden_size", minimum=1)
        self.bias = check_flag(bias, "bias")
        G, H, D = self.n_gates, self.hidden_size, self.input_size
        check_num_parameters(
            G * H * (D + H + 2), type(self).__name__,
            f"reduce hidden_size (got {H:,}) or input_size (got {D:,}); the book's cells have sizes below 1,000",
        )
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
        self._check_input(x)
        xp = x @ self.weight_ih.T  # (..., G * H)
        if self.bias:
            xp = xp + self.bias_ih
        return xp

    def _check_input(self, x: object) -> None:
        """``x`` must be a tensor ``(..., input_size)`` of the parameters' dtype (for :meth:`input_projection`)."""
        check_tensor(x, "x", self.weight_ih.dtype)
        if x.dim() < 1 or x.shape[-1] != self.input_size:  # type: ignore[attr-defined]
            check_shape(x, "x", (None,) * (max(x.dim(), 1) - 1) + (self.input_size,),  # type: ignore[attr-defined]
                        names="(..., input_size)")

    def _check_step(self, xp: object, *states: object) -> None:
        """The arguments of one :meth:`recur`: ``xp`` ``(B, G * H)`` and each state ``(B, H)``, same dtype.

        Inside :meth:`_sequence`'s loop (``_trusted``) nothing is checked: the layer checked its
        input once and every later step's state is the previous step's output. Called directly,
        the common case (all fine) costs a few attribute reads; only a failing argument goes
        through the slower checks that build the message.
        """
        if self._trusted:
            return
        dtype, H = self._parameters["weight_hh"].dtype, self.hidden_size  # type: ignore[union-attr]
        if isinstance(xp, torch.Tensor) and xp.dtype is dtype:
            shape = xp.shape
            if len(shape) == 2 and shape[1] == self.n_gates * H:
                want = (shape[0], H)
                for s in states:
                    if not (isinstance(s, torch.Tensor) and s.dtype is dtype and s.shape == want):
                        break
                else:
                    return
        names = ("h", "c")[: len(states)]
        check_tensor(xp, "xp", dtype)
        check_shape(xp, "xp", (None, self.n_gates * H),
                    names=f"(batch, {self.n_gates} * hidden_size), the input projection of x")
        for s, name in zip(states, names):
            check_tensor(s, name, dtype)
            check_shape(s, name, (xp.shape[0], H), names="(batch, hidden_size), batch as in xp")  # type: ignore[attr-defined]

    def _check_sequence(self, xp: object, state: object, reverse: object, fused: object, n_states: int) -> None:
        """The arguments of :meth:`sequence`: ``xp`` ``(L, N, G * H)``, ``state`` ``n_states`` tensors ``(N, H)``."""
        check_flag(reverse, "reverse")
        check_flag(fused, "fused")
        dtype, H = self.weight_hh.dtype, self.hidden_size
        check_tensor(xp, "xp", dtype)
        check_ndim(xp, "xp", 3, names=f"(seq_len, batch, {self.n_gates} * hidden_size)")
        check_shape(xp, "xp", (None, None, self.n_gates * H), names=f"(seq_len, batch, {self.n_gates} * hidden_size)")
        if xp.shape[0] < 1:  # type: ignore[attr-defined]
            raise ValueError("xp must hold at least one time step; got seq_len = 0. Pass a longer sequence.")
        what = "(h, c)" if n_states == 2 else "(h,)"
        if not isinstance(state, (tuple, list)) or len(state) != n_states:
            raise TypeError(
                f"state must be a tuple {what} of {n_states} tensor(s) (batch, hidden_size); got "
                f"{type(state).__name__}{f' of length {len(state)}' if isinstance(state, (tuple, list)) else ''}."
            )
        for k, s in enumerate(state):
            check_tensor(s, f"state[{k}]", dtype)
            check_shape(s, f"state[{k}]", (xp.shape[1], H), names="(batch, hidden_size), batch as in xp")  # type: ignore[attr-defined]

    def sequence(self, xp: torch.Tensor, state: tuple[torch.Tensor, ...], reverse: bool, fused: bool = True
                 ) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """Every step of a sequence, one :meth:`recur` at a time (autograd does the backward pass).

        ``xp`` ``(L, N, G * H)`` are the input projections, ``state`` the initial state (each
        ``(N, H)``); returns the hidden states ``(L, N, H)`` in time order and the final state.
        ``reverse=True`` runs from the last step to the first. Cells may override it with a
        faster path (``fused``) that computes the same numbers.
        """
        self._check_sequence(xp, state, reverse, fused, self._n_states)
        return self._sequence(xp, tuple(state), reverse, fused)

    def _sequence(self, xp: torch.Tensor, state: tuple[torch.Tensor, ...], reverse: bool, fused: bool = True
                  ) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """:meth:`sequence` without the argument checks (the layers check their input once)."""
        recur: Callable[..., tuple[torch.Tensor, ...]] = getattr(self, "recur")  # noqa: B009 - defined by each cell
        L = xp.shape[0]
        steps = xp.unbind(0)  # L x (N, G * H); one backward node, not L (indexing xp[t] would be slow)
        hs: list[torch.Tensor] = [None] * L  # type: ignore[list-item]
        self._trusted = True  # xp and state are checked: recur need not check them at every step
        try:
            for t in (range(L - 1, -1, -1) if reverse else range(L)):
                state = recur(steps[t], *state)
                hs[t] = state[0]
        finally:
            self._trusted = False
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
        check_shape(s, name, (x.shape[0], self.hidden_size), names="(batch, hidden_size), batch as in x")
        return s
