"""Output sizes, padding and the argument checks shared by the NumPy convolutions (chapter 3)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import as_float_array, check_int, check_ndim, check_type

__all__ = ["conv_output_size", "pad2d"]

#: The largest kernel size, stride or padding the NumPy layers accept (checked before
#: anything is allocated, so a mistyped size fails at once instead of exhausting memory).
MAX_SIZE = 100_000


def conv_output_size(w: int, f: int, p: int = 0, s: int = 1, *, exact: bool = True) -> int:
    r"""Width (or height) of a convolution's or pooling layer's output.

    .. math::
        W_{\text{out}} = \frac{W - F + 2P}{S} + 1

    where :math:`W` is the input width, :math:`F` the kernel (filter) width,
    :math:`P` the zero padding added on each side and :math:`S` the stride.

    With ``exact=True`` (default) the division must come out even: a kernel that
    would hang over the padded input's edge is almost always a design mistake, so a
    ``ValueError`` says which sizes would fit. With ``exact=False`` the result is
    rounded down, which is what PyTorch does (the last rows/columns are dropped).

    Example
    -------
    >>> conv_output_size(6, 3)            # 6x6 input, 3x3 kernel -> 4x4
    4
    >>> conv_output_size(7, 3, p=1, s=2)
    4
    """
    w = check_int(w, "w", minimum=1)
    f = check_int(f, "f", minimum=1)
    p = check_int(p, "p", minimum=0)
    s = check_int(s, "s", minimum=1)
    check_type(exact, "exact", bool)
    span = w - f + 2 * p
    if span < 0:
        raise ValueError(
            f"the kernel (f={f}) is larger than the padded input (w + 2p = {w + 2 * p}); "
            "use a smaller kernel or more padding."
        )
    if exact and span % s:
        q = _padding_that_tiles(w, f, p, s)  # by formula: no loop over paddings
        hint = f"padding p={q}" if q is not None else f"a stride that divides {span}"
        raise ValueError(
            f"(w - f + 2p) / s + 1 = ({w} - {f} + 2*{p}) / {s} + 1 = {span}/{s} + 1 is not an integer: "
            f"the stride does not tile the padded input. Use {hint}, or pass exact=False "
            "to drop the last positions as PyTorch does."
        )
    return span // s + 1


def _padding_that_tiles(w: int, f: int, p: int, s: int) -> int | None:
    r"""The smallest padding ``q >= p`` with ``(w - f + 2q) % s == 0``, or None if none exists.

    Solves the congruence :math:`2q \equiv -(w - f) \pmod s` directly, so huge strides
    cost nothing: for odd ``s`` 2 is invertible modulo ``s``; for even ``s`` a solution
    exists only when ``w - f`` is even, and then :math:`q \equiv r/2 \pmod{s/2}`.
    """
    r = (f - w) % s  # 2q = r (mod s)
    if s % 2:
        q0, period = (r * pow(2, -1, s)) % s, s
    elif r % 2:
        return None
    else:
        q0, period = r // 2, s // 2
    return p + (q0 - p) % period


def _pair(value: Any, name: str, minimum: int) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (height, width); got {value!r}.")
        return (check_int(value[0], name, minimum=minimum, maximum=MAX_SIZE),
                check_int(value[1], name, minimum=minimum, maximum=MAX_SIZE))
    v = check_int(value, name, minimum=minimum, maximum=MAX_SIZE)
    return v, v


def _check_conv_args(x: Any, w: Any, b: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    x = as_float_array(x, "x")
    w = as_float_array(w, "w")
    check_ndim(x, "x", 4, names="(batch, in_channels, height, width)")
    check_ndim(w, "w", 4, names="(out_channels, in_channels, kernel_height, kernel_width)")
    if x.shape[1] != w.shape[1]:
        raise ValueError(
            f"x has {x.shape[1]} input channels (x.shape[1]) but w expects {w.shape[1]} (w.shape[1]); "
            "a kernel must span all input channels. Images are channels-first here: "
            "convert (N, H, W, C) to (N, C, H, W) with x.transpose(0, 3, 1, 2)."
        )
    if b is not None:
        b = as_float_array(b, "b")
        if b.shape != (w.shape[0],):
            raise ValueError(
                f"b must have shape (out_channels,) = ({w.shape[0]},), one bias per kernel of w (w.shape[0]); "
                f"got {b.shape}."
            )
    return x, w, b


def pad2d(x: np.ndarray, padding: int | tuple[int, int]) -> np.ndarray:
    """Zero-pad the last two axes of ``x`` (shape ``(..., H, W)``) by ``padding`` on each side."""
    x = as_float_array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., height, width); got shape {x.shape}.")
    ph, pw = _pair(padding, "padding", 0)
    widths = [(0, 0)] * (np.ndim(x) - 2) + [(ph, ph), (pw, pw)]
    return np.pad(x, widths)
