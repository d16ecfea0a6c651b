r"""How many parameters a stack of recurrent layers (RNN, GRU or LSTM) has, by formula."""
from __future__ import annotations

import numpy as np

from .._validation import check_choice, check_int, check_type

__all__ = ["count_parameters"]

_GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def count_parameters(
    mode: str, input_size: int, hidden_size: int, num_layers: int = 1, *,
    bias: bool = True, bidirectional: bool = False,
) -> int:
    r"""The number of trainable parameters of a recurrent layer stack, by formula.

    .. math::
        P = \sum_{l=0}^{L-1} D \cdot G \big(H \cdot D_l + H^2 + 2H\big)
          = D G \big(H D_{\text{in}} + H^2 + 2H\big)
            + (L - 1)\, D G \big(D H^2 + H^2 + 2H\big), \qquad
        D_0 = D_{\text{in}}, \; D_l = D \cdot H \; (l \ge 1)

    where :math:`G` is the number of gate blocks (1 for ``"rnn"``, 3 for ``"gru"``, 4 for
    ``"lstm"``), :math:`H` the hidden size, :math:`D_{\text{in}}` the input size, :math:`D`
    2 if bidirectional else 1, :math:`L` the number of layers, and the :math:`2H` term the two
    bias vectors (dropped with ``bias=False``). Every layer above the first has the same
    size, so the sum is the closed form on the right: its cost does not grow with :math:`L`.
    A GRU therefore has exactly 3 times and an LSTM 4 times the parameters of an RNN of the
    same sizes. The counts equal ``sum(p.numel() for p in m.parameters())`` of the
    corresponding :class:`torch.nn.RNN` / :class:`~torch.nn.GRU` / :class:`~torch.nn.LSTM`.

    Args:
        mode: ``"rnn"``, ``"gru"`` or ``"lstm"``.
        input_size: features per time step, :math:`D_{\text{in}} \ge 1`.
        hidden_size: :math:`H \ge 1`.
        num_layers: :math:`L \ge 1` (any size: the count is a formula, nothing is built).
        bias: whether the layers have the two bias vectors.
        bidirectional: whether each layer also runs backwards in time.

    Returns:
        The number of parameters, a Python ``int`` (exact, however large).

    Raises:
        ValueError: ``mode`` is not one of the three, or a size is below 1.
        TypeError: a size is not an integer, or ``bias``/``bidirectional`` not a bool.

    Example:
        >>> count_parameters("rnn", 10, 20), count_parameters("gru", 10, 20), count_parameters("lstm", 10, 20)
        (640, 1920, 2560)
        >>> count_parameters("gru", 3, 4, num_layers=10**12)
        119999999999988
    """
    mode = check_choice(mode, "mode", _GATES)
    D_in = check_int(input_size, "input_size", minimum=1)
    H = check_int(hidden_size, "hidden_size", minimum=1)
    L = check_int(num_layers, "num_layers", minimum=1)
    check_type(bias, "bias", (bool, np.bool_))
    check_type(bidirectional, "bidirectional", (bool, np.bool_))
    D = 2 if bidirectional else 1
    G = _GATES[mode]
    biases = 2 * H if bias else 0
    first = D * G * (H * D_in + H * H + biases)  # layer 0 reads the input
    upper = D * G * (H * D * H + H * H + biases)  # every later layer reads the D * H outputs below
    return first + (L - 1) * upper
