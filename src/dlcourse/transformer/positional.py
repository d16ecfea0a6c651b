"""The sinusoidal positional encoding of Vaswani et al. (2017)."""
from __future__ import annotations

import torch
from torch import Tensor

from .._validation import check_float, check_int

__all__ = ["positional_encoding"]

#: The most entries (``max_len * d_model``) :func:`positional_encoding` computes (0.8 GB in float64).
MAX_ENTRIES = 10**8


def positional_encoding(max_len: int, d_model: int, base: float = 10000.0) -> Tensor:
    r"""The sinusoidal positional encoding, one row per position.

    .. math::
        PE_{(pos, 2i)} = \sin\!\left(\frac{pos}{b^{2i/d_{model}}}\right), \qquad
        PE_{(pos, 2i+1)} = \cos\!\left(\frac{pos}{b^{2i/d_{model}}}\right)

    where :math:`pos = 0, \dots, \text{max\_len}-1` is the position, :math:`i = 0, \dots,
    \lceil d_{model}/2 \rceil - 1` the index of a sine/cosine pair, :math:`d_{model}` the
    width of the embeddings and :math:`b` the ``base`` (10000 in the paper). Pair
    :math:`i` oscillates with wavelength :math:`2\pi b^{2i/d_{model}}`, from :math:`2\pi`
    (fast) to about :math:`2\pi b` (slow). For an odd ``d_model`` the last column is a sine.

    Returns
    -------
    Tensor of shape ``(max_len, d_model)``, float32; every entry lies in ``[-1, 1]``.

    Example
    -------
    >>> pe = positional_encoding(50, 8)
    >>> pe.shape
    torch.Size([50, 8])
    >>> pe[0].tolist()   # position 0: sin(0) = 0, cos(0) = 1
    [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    """
    max_len = check_int(max_len, "max_len", minimum=1)
    d_model = check_int(d_model, "d_model", minimum=1)
    base = check_float(base, "base", minimum=1.0, strict_minimum=True)
    if max_len * d_model > MAX_ENTRIES:
        raise ValueError(
            f"max_len * d_model must be at most {MAX_ENTRIES:,} (the table is computed in float64); got "
            f"max_len={max_len:,} and d_model={d_model:,}. To fix: pass the longest sequence length you use."
        )
    pos = torch.arange(max_len, dtype=torch.float64)[:, None]  # (max_len, 1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)  # (ceil(d/2),) = 0, 2, 4, ...
    angle = pos / base ** (two_i / d_model)  # (max_len, ceil(d/2))
    pe = torch.zeros(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, : d_model // 2])
    return pe.float()
