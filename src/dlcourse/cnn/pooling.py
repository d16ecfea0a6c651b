"""Pooling in NumPy: max, average and L^p pooling over windows (chapter 3)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import as_float_array, check_float, check_ndim
from .sizes import _pair, conv_output_size

__all__ = ["max_pool2d", "avg_pool2d", "lp_pool2d"]


def _pool_windows(x: Any, kernel_size: Any, stride: Any, padding: Any, pad_value: float) -> np.ndarray:
    x = as_float_array(x, "x")
    check_ndim(x, "x", 4, names="(batch, channels, height, width)")
    fh, fw = _pair(kernel_size, "kernel_size", 1)
    sh, sw = _pair(stride if stride is not None else (fh, fw), "stride", 1)
    ph, pw = _pair(padding, "padding", 0)
    if ph > fh // 2 or pw > fw // 2:
        raise ValueError(f"padding must be at most half the kernel size ({fh // 2}, {fw // 2}); got ({ph}, {pw}).")
    n_batch, channels, height, width = x.shape
    ho = conv_output_size(height, fh, ph, sh, exact=False)
    wo = conv_output_size(width, fw, pw, sw, exact=False)
    xp = np.pad(x, [(0, 0), (0, 0), (ph, ph), (pw, pw)], constant_values=pad_value)
    windows = np.empty((n_batch, channels, ho, wo, fh * fw))
    for u in range(fh):
        for v in range(fw):
            windows[..., u * fw + v] = xp[:, :, u : u + sh * ho : sh, v : v + sw * wo : sw]
    return windows  # (N, C, H_out, W_out, F_h*F_w)


def max_pool2d(
    x: Any, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
) -> np.ndarray:
    r"""Max pooling: the largest value in each :math:`F_h \times F_w` window, per channel.

    .. math:: y_{n,c,i,j} = \max_{0 \le u < F_h,\ 0 \le v < F_w} x_{n,c,\,iS+u,\,jS+v}

    ``stride`` defaults to the kernel size (non-overlapping windows); padding adds
    :math:`-\infty`, so it never wins. Shapes (N, C, H, W) -> (N, C, H_out, W_out).
    """
    return _pool_windows(x, kernel_size, stride, padding, -np.inf).max(axis=-1)


def avg_pool2d(
    x: Any, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
) -> np.ndarray:
    r"""Average pooling: the mean of each window, per channel.

    .. math:: y_{n,c,i,j} = \frac{1}{F_h F_w} \sum_{u,v} x_{n,c,\,iS+u,\,jS+v}

    Zero padding counts in the mean (PyTorch's default ``count_include_pad=True``).
    Shapes (N, C, H, W) -> (N, C, H_out, W_out).
    """
    return _pool_windows(x, kernel_size, stride, padding, 0.0).mean(axis=-1)


def lp_pool2d(
    x: Any, norm_type: float, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None
) -> np.ndarray:
    r"""Power-average (:math:`L_p`-norm) pooling; ``norm_type=2`` is L2-norm pooling.

    .. math:: y_{n,c,i,j} = \Big(\sum_{u,v} x_{n,c,\,iS+u,\,jS+v}^{\,p}\Big)^{1/p}

    With :math:`p = 1` (and non-negative inputs) it is sum pooling, and as
    :math:`p \to \infty` it approaches max pooling. Matches
    ``torch.nn.functional.lp_pool2d``. Shapes (N, C, H, W) -> (N, C, H_out, W_out).
    """
    p = check_float(norm_type, "norm_type", minimum=0.0, strict_minimum=True)
    if not np.isfinite(p) or p <= 0:
        raise ValueError(f"norm_type must be a positive finite number (2 for L2 pooling); got {norm_type!r}.")
    windows = _pool_windows(x, kernel_size, stride, 0, 0.0)
    return np.sum(windows**p, axis=-1) ** (1.0 / p)
