r"""Long short-term memory (LSTM) from scratch in PyTorch, equal to :class:`torch.nn.LSTM`.

The teaching code is one step, :meth:`LSTMCell.recur`: the four gates share one stacked
weight matrix (one matrix product per step), and autograd does the backward pass. The
input's contribution to all gates at all time steps is one matrix product before the time
loop (:meth:`LSTMCell.input_projection`), as cuDNN and PyTorch do.

Autograd records about a dozen small operations per step, and walking that graph
backwards costs more than the arithmetic at the book's sizes. :class:`LSTMSequence` is the
same recurrence over a whole sequence with its backward pass written by hand (back-
propagation through time, the equations in its docstring): per step one matrix product
forwards and one backwards, and the recurrent weights' gradient as one product over all
steps at the end. :class:`LSTM` uses it (``fused=True``, the default); ``fused=False``
runs :meth:`LSTMCell.recur` step by step, and the tests prove the two equal.
:class:`PeepholeLSTMCell` adds the peephole connections of Gers and Schmidhuber (2000).
"""
from __future__ import annotations

import torch
from torch import nn

from ._cell import _RecurrentCell, check_flag, check_state_pair
from ._stacked import _StackedRecurrent

__all__ = ["LSTMCell", "PeepholeLSTMCell", "LSTM", "LSTMSequence"]


def _functorch_active() -> bool:
    """True inside torch.func transforms (vmap, grad, ...), where the step-by-step loop is used."""
    try:
        return torch._C._functorch.peek_interpreter_stack() is not None
    except AttributeError:  # pragma: no cover - older PyTorch
        return False


class LSTMSequence(torch.autograd.Function):
    r"""A whole LSTM layer direction, forward and hand-written backward, in one autograd node.

    ``LSTMSequence.apply(xp, weight_hh, h0, c0, reverse)`` with ``xp`` ``(L, N, 4H)`` the input
    projections (biases included), ``weight_hh`` ``(4H, H)``, ``h0, c0`` ``(N, H)``; returns
    ``hs`` ``(L, N, H)`` (the hidden state at every time step, in time order) and ``c_n``
    ``(N, H)``. ``reverse=True`` runs from ``t = L-1`` down to 0. The forward pass is
    :meth:`LSTMCell.recur`'s arithmetic, step for step.

    Backward (back-propagation through time), with :math:`\bar{x} = \partial \ell / \partial x`,
    :math:`a_t` the pre-activations and the steps taken last first:
    :math:`\bar{h}_t = \bar{h}^{\text{out}}_t + \bar{a}_{t+1} W_{hh}` (the output's gradient plus
    what the next step sends back), then

    .. math::
        \bar{c}_t = \bar{c}_{t+1} \odot f_{t+1} + \bar{h}_t \odot o_t \odot (1 - \tanh^2 c_t), \quad
        \bar{a}_t = \bigl[\bar{c}_t \odot g_t \odot i_t(1 - i_t),\;
                         \bar{c}_t \odot c_{t-1} \odot f_t(1 - f_t),\;
                         \bar{c}_t \odot i_t \odot (1 - g_t^2),\;
                         \bar{h}_t \odot \tanh c_t \odot o_t(1 - o_t)\bigr]

    and at the end :math:`\bar{W}_{hh} = \sum_t \bar{a}_t^\top h_{t-1}` (one product over all
    steps), :math:`\bar{x}^p_t = \bar{a}_t`, and :math:`\bar{h}_0, \bar{c}_0` what flows out of
    the first step. Per step that is one matrix product and about a dozen element-wise
    operations on ``(N, 4H)`` tensors that are still in the cache. Not twice differentiable.
    """

    @staticmethod
    def forward(ctx, xp, weight_hh, h0, c0, reverse):
        L, N, G = xp.shape
        H = G // 4
        gates = xp.new_empty(L, N, G)  # activated i, f, g, o at each step
        cs = xp.new_empty(L, N, H)
        tcs = xp.new_empty(L, N, H)  # tanh(c_t)
        hs = xp.new_empty(L, N, H)
        w_t = weight_hh.t()
        h, c = h0, c0
        for t in (range(L - 1, -1, -1) if reverse else range(L)):
            s = torch.addmm(xp[t], h, w_t, out=gates[t])  # (N, 4H) pre-activations, as LSTMCell.recur
            i, f, g, o = s[:, :H], s[:, H:2 * H], s[:, 2 * H:3 * H], s[:, 3 * H:]
            s[:, :2 * H].sigmoid_()  # activated in place: i, f
            g.tanh_()
            o.sigmoid_()
            c = torch.addcmul(f * c, i, g, out=cs[t])
            h = torch.mul(o, torch.tanh(c, out=tcs[t]), out=hs[t])
        ctx.save_for_backward(weight_hh, h0, c0, gates, cs, tcs, hs)
        ctx.reverse = reverse
        return hs, c.clone()

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_hs, grad_cn):
        weight_hh, h0, c0, gates, cs, tcs, hs = ctx.saved_tensors
        reverse = ctx.reverse
        L, N, G = gates.shape
        H = G // 4
        if grad_hs is None:
            grad_hs = hs.new_zeros(L, N, H)
        grad_a = gates.new_empty(L, N, G)  # d loss / d pre-activations, every step
        dc = grad_cn if grad_cn is not None else c0.new_zeros(N, H)
        order = range(L) if reverse else range(L - 1, -1, -1)  # the forward steps, last first
        back = 1 if reverse else -1  # where the previous step's state is stored
        dh = grad_hs[order[0]]
        for k, t in enumerate(order):
            s = gates[t]  # (N, 4H) activated gates of this step
            i, f, g, o = s[:, :H], s[:, H:2 * H], s[:, 2 * H:3 * H], s[:, 3 * H:]
            tc = tcs[t]
            c_prev = c0 if k == L - 1 else cs[t + back]
            dc = torch.addcmul(dc, dh * o, 1 - tc * tc)  # + dh * o * tanh'(c)
            da = grad_a[t]
            torch.mul(s, 1 - s, out=da)  # sigmoid' of i, f, o ...
            da[:, 2 * H:3 * H] = 1 - g * g  # ... and tanh' of g
            da.mul_(torch.cat((g, c_prev, i, tc), dim=1)).mul_(torch.cat((dc, dc, dc, dh), dim=1))
            dc = dc * f  # what flows on to c_{t-1}
            if k + 1 < L:
                dh = torch.addmm(grad_hs[order[k + 1]], da, weight_hh)  # (N, H): to h_{t-1}
            else:
                dh = da @ weight_hh
        grad_w = None
        if ctx.needs_input_grad[1]:  # sum_t da_t^T h_{t-1}: two products over all steps
            if reverse:
                grad_w = torch.addmm(grad_a[-1].t() @ h0, grad_a[:-1].reshape(-1, G).t(), hs[1:].reshape(-1, H))
            else:
                grad_w = torch.addmm(grad_a[0].t() @ h0, grad_a[1:].reshape(-1, G).t(), hs[:-1].reshape(-1, H))
        return grad_a, grad_w, dh, dc, None


class LSTMCell(_RecurrentCell):
    r"""One step of a long short-term memory cell.

    .. math::
        \begin{aligned}
        i &= \sigma(x W_{ii}^\top + b_{ii} + h W_{hi}^\top + b_{hi}) &
        f &= \sigma(x W_{if}^\top + b_{if} + h W_{hf}^\top + b_{hf}) \\
        g &= \tanh(x W_{ig}^\top + b_{ig} + h W_{hg}^\top + b_{hg}) &
        o &= \sigma(x W_{io}^\top + b_{io} + h W_{ho}^\top + b_{ho}) \\
        c' &= f \odot c + i \odot g & h' &= o \odot \tanh(c')
        \end{aligned}

    where :math:`x` is the input ``(B, D)``, :math:`h` and :math:`c` the previous hidden and
    cell states ``(B, H)``, :math:`i, f, o` the input, forget and output gates, :math:`g` the
    candidate, :math:`\sigma` the sigmoid and :math:`\odot` the element-wise product. The four
    weight matrices of each side are stacked row-wise in the order ``i, f, g, o``:
    ``weight_ih`` ``(4H, D)``, ``weight_hh`` ``(4H, H)``, ``bias_ih`` and ``bias_hh`` ``(4H,)``,
    as in :class:`torch.nn.LSTMCell`. Initialisation as PyTorch: every parameter from
    :math:`\mathcal{U}(-1/\sqrt{H}, 1/\sqrt{H})`.

    Shapes: input ``(B, D)`` or ``(D,)``; ``hx = (h, c)`` each ``(B, H)`` or ``(H,)`` (zeros if
    omitted); returns ``(h', c')`` of the same shapes.

    Example
    -------
    >>> cell = LSTMCell(3, 5)
    >>> h, c = cell(torch.zeros(2, 3))
    >>> tuple(h.shape), tuple(c.shape)
    ((2, 5), (2, 5))
    """

    n_gates = 4
    _n_states = 2

    def input_projection(self, x: torch.Tensor) -> torch.Tensor:
        """The input's share of all gate pre-activations, ``x W_ih^T + b_ih + b_hh``: ``(..., D) -> (..., 4H)``.

        Applied to a whole sequence ``(L, N, D)`` at once, it replaces ``L`` small products
        inside the time loop by one large one.
        """
        self._check_input(x)
        xp = x @ self.weight_ih.T  # (..., 4H)
        if self.bias:
            xp = xp + (self.bias_ih + self.bias_hh)  # both biases folded in once
        return xp

    def recur(self, xp: torch.Tensor, h: torch.Tensor, c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One step given the input projection ``xp`` ``(B, 4H)`` and the state ``h, c`` ``(B, H)``."""
        self._check_step(xp, h, c)  # a message naming the argument, not a raw error from addmm
        H = self.hidden_size
        a = torch.addmm(xp, h, self.weight_hh.T)  # (B, 4H): every gate's pre-activation, one matmul
        s = torch.sigmoid(a)  # (B, 4H): the three gates (the g slot is overwritten below)
        i, f, o = s[:, :H], s[:, H:2 * H], s[:, 3 * H:]  # views, (B, H) each
        g = torch.tanh(a[:, 2 * H:3 * H])  # (B, H) candidate
        c_new = torch.addcmul(f * c, i, g)  # c' = f * c + i * g
        h_new = o * torch.tanh(c_new)  # h' = o * tanh(c')
        return h_new, c_new

    def _sequence(self, xp: torch.Tensor, state: tuple[torch.Tensor, ...], reverse: bool, fused: bool = True
                  ) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """Every step of a sequence: ``xp`` ``(L, N, 4H)``, ``state = (h0, c0)`` -> ``hs`` ``(L, N, H)``, ``(h_n, c_n)``.

        ``fused=True`` uses :class:`LSTMSequence` (hand-written backward); ``fused=False``, and
        any subclass that changes :meth:`recur`, loop over :meth:`recur` with autograd.
        :meth:`sequence` checks the arguments, then calls this.
        """
        if not fused or type(self).recur is not LSTMCell.recur or _functorch_active():
            return super()._sequence(xp, state, reverse)
        h0, c0 = state
        hs, c_n = LSTMSequence.apply(xp, self.weight_hh, h0, c0, reverse)
        return hs, (hs[0] if reverse else hs[-1], c_n)

    def forward(self, x: torch.Tensor, hx: tuple[torch.Tensor, torch.Tensor] | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """One step; see the class docstring for the equations and shapes."""
        x, unbatched = self._batched(x)  # (B, D)
        if hx is not None:
            check_state_pair(hx, "hx", ("h", "c"))
        h, c = (self._state(None if hx is None else s, x, unbatched, name) for s, name in zip(hx or (None, None), "hc"))
        h_new, c_new = self.recur(self.input_projection(x), h, c)
        if unbatched:
            return h_new.squeeze(0), c_new.squeeze(0)
        return h_new, c_new

    @classmethod
    def from_torch(cls, module: nn.LSTMCell) -> "LSTMCell":
        """A cell with a copy of the weights (and dtype, device) of a ``torch.nn.LSTMCell`` (zero peepholes)."""
        return cls._from_torch(module, nn.LSTMCell)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, bias={self.bias}"


class PeepholeLSTMCell(LSTMCell):
    r"""An LSTM cell whose gates also see the cell state (Gers and Schmidhuber, 2000).

    .. math::
        \begin{aligned}
        i &= \sigma(x W_{ii}^\top + h W_{hi}^\top + b_i + w_{ci} \odot c) &
        f &= \sigma(x W_{if}^\top + h W_{hf}^\top + b_f + w_{cf} \odot c) \\
        c' &= f \odot c + i \odot g &
        o &= \sigma(x W_{io}^\top + h W_{ho}^\top + b_o + w_{co} \odot c') \\
        h' &= o \odot \tanh(c')
        \end{aligned}

    where :math:`w_{ci}, w_{cf}, w_{co}` ``(H,)`` are the diagonal peephole weights
    ``weight_ci``, ``weight_cf``, ``weight_co`` (each unit's gates look at its own cell only),
    :math:`b_\cdot = b_{i\cdot} + b_{h\cdot}`, and everything else is as in :class:`LSTMCell`.
    The output gate looks at the *new* cell state :math:`c'`. With zero peephole weights
    the cell equals :class:`LSTMCell`; :meth:`from_torch` starts from that.

    Example
    -------
    >>> cell = PeepholeLSTMCell(3, 5)
    >>> tuple(cell.weight_ci.shape)
    (5,)
    """

    def _init_extra(self, dtype: torch.dtype | None) -> None:
        H = self.hidden_size
        self.weight_ci = nn.Parameter(torch.empty(H, dtype=dtype))
        self.weight_cf = nn.Parameter(torch.empty(H, dtype=dtype))
        self.weight_co = nn.Parameter(torch.empty(H, dtype=dtype))

    def recur(self, xp: torch.Tensor, h: torch.Tensor, c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One step given ``xp`` ``(B, 4H)`` and ``h, c`` ``(B, H)``; the gates peek at ``c``."""
        self._check_step(xp, h, c)
        a = torch.addmm(xp, h, self.weight_hh.T)  # (B, 4H)
        a_i, a_f, a_g, a_o = a.chunk(4, dim=1)  # 4 x (B, H)
        i = torch.sigmoid(a_i + self.weight_ci * c)
        f = torch.sigmoid(a_f + self.weight_cf * c)
        g = torch.tanh(a_g)
        c_new = torch.addcmul(f * c, i, g)  # (B, H)
        o = torch.sigmoid(a_o + self.weight_co * c_new)
        return o * torch.tanh(c_new), c_new


class LSTM(_StackedRecurrent):
    r"""A multi-layer (optionally bidirectional) LSTM built from :class:`LSTMCell`.

    For each layer :math:`l` and time step :math:`t`, with
    :math:`a_t = x_t^{(l)} W_{ih}^{(l)\top} + b_{ih}^{(l)} + h_{t-1}^{(l)} W_{hh}^{(l)\top} + b_{hh}^{(l)}`
    split into four blocks :math:`(a_i, a_f, a_g, a_o)`:

    .. math::
        i_t, f_t, o_t = \sigma(a_i), \sigma(a_f), \sigma(a_o), \quad g_t = \tanh(a_g), \quad
        c_t^{(l)} = f_t \odot c_{t-1}^{(l)} + i_t \odot g_t, \quad h_t^{(l)} = o_t \odot \tanh(c_t^{(l)})

    where :math:`x_t^{(0)} = x_t` is the input and :math:`x_t^{(l)} = h_t^{(l-1)}` the output of
    the layer below. With ``bidirectional=True`` each layer also runs a second cell from
    :math:`t = T-1` down to 0 and the next layer reads :math:`[\overrightarrow{h}_t; \overleftarrow{h}_t]`.
    With ``peephole=True`` the cells are :class:`PeepholeLSTMCell`. Parameter names,
    initialisation and the order of the final states match :class:`torch.nn.LSTM`.
    ``fused=True`` (the default) runs each layer direction as one :class:`LSTMSequence`
    (backward written by hand, fewer operations for autograd to record); ``fused=False`` loops over
    :meth:`LSTMCell.recur` and lets autograd differentiate it. Both compute the same numbers.

    Shapes (``N`` batch, ``L`` length, ``D`` = 2 if bidirectional else 1)
    ------
    input: ``(L, N, H_in)`` (``(N, L, H_in)`` with ``batch_first``) or ``(L, H_in)``.
    hx: ``(h_0, c_0)``, each ``(D * num_layers, N, H)`` (or ``(D * num_layers, H)``); zeros if omitted.
    output: ``(L, N, D * H)`` (``(N, L, D * H)`` with ``batch_first``), the last layer's :math:`h_t`;
    ``(h_n, c_n)``: each ``(D * num_layers, N, H)``, ordered layer 0 forward, layer 0 backward, ...

    Example
    -------
    >>> lstm = LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True)
    >>> out, (h_n, c_n) = lstm(torch.zeros(4, 7, 3))
    >>> tuple(out.shape), tuple(h_n.shape), tuple(c_n.shape)
    ((4, 7, 10), (4, 4, 5), (4, 4, 5))
    """

    _n_states = 2

    def __init__(
        self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
        batch_first: bool = False, bidirectional: bool = False, *, peephole: bool = False,
        dtype: torch.dtype | None = None, fused: bool = True,
    ) -> None:
        self._cell_class = PeepholeLSTMCell if peephole else LSTMCell
        self.peephole = check_flag(peephole, "peephole")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, bidirectional, dtype=dtype)
        self.fused = check_flag(fused, "fused")

    def forward(self, x: torch.Tensor, hx: tuple[torch.Tensor, torch.Tensor] | None = None
                ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Run over the sequence; see the class docstring for the shapes."""
        if hx is not None:
            check_state_pair(hx, "hx", ("h_0", "c_0"))
        states: tuple[torch.Tensor | None, ...] = (None, None) if hx is None else tuple(hx)
        output, (h_n, c_n) = self._run(x, states, ("h_0", "c_0"))
        return output, (h_n, c_n)

    @classmethod
    def from_torch(cls, module: nn.LSTM, *, fused: bool = True) -> "LSTM":
        """An :class:`LSTM` with a copy of the weights (and dtype, device) of a ``torch.nn.LSTM``."""
        return cls._from_torch(module, nn.LSTM, fused=fused)  # type: ignore[return-value]
