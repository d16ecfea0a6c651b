r"""Convolutional networks from scratch (NumPy) and the residual networks of chapter 3.

NumPy part (``float64``, channels-first like PyTorch):

- :func:`conv_output_size`: the output-size formula :math:`(W - F + 2P)/S + 1`;
- :func:`conv2d_loop`: the convolution as four nested loops, the way it is defined;
- :func:`im2col` and :func:`conv2d`: the same convolution as one matrix product;
- :func:`conv2d_backward`: the gradients of a convolution (backpropagation);
- :func:`max_pool2d`, :func:`avg_pool2d`, :func:`lp_pool2d`: pooling;
- :func:`conv1d`: the 1-D convolution (a 2-D one of height 1).

PyTorch part:
:class:`SimpleCNN`, :class:`ResidualBlock`, :func:`plain_net`, :func:`resnet`,
and :func:`digits_split` (scikit-learn's digits as image tensors).

As in every deep-learning library, "convolution" here is cross-correlation: the
kernel is not flipped.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from ._validation import check_int, check_ndim, check_shape

__all__ = [
    "conv_output_size",
    "pad2d",
    "conv2d_loop",
    "im2col",
    "col2im",
    "conv2d",
    "conv2d_backward",
    "max_pool2d",
    "avg_pool2d",
    "lp_pool2d",
    "conv1d",
    "SimpleCNN",
    "ResidualBlock",
    "plain_net",
    "resnet",
    "digits_split",
]


# ---------------------------------------------------------------------------
# Sizes and argument checks
# ---------------------------------------------------------------------------


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
    span = w - f + 2 * p
    if span < 0:
        raise ValueError(
            f"the kernel (f={f}) is larger than the padded input (w + 2p = {w + 2 * p}); "
            "use a smaller kernel or more padding."
        )
    if exact and span % s:
        fits = [q for q in range(p, p + s) if (w - f + 2 * q) % s == 0]
        hint = f"padding p={fits[0]}" if fits else f"a stride that divides {span}"
        raise ValueError(
            f"(w - f + 2p) / s + 1 = ({w} - {f} + 2*{p}) / {s} + 1 = {span / s + 1:g} is not an integer: "
            f"the stride does not tile the padded input. Use {hint}, or pass exact=False "
            "to drop the last positions as PyTorch does."
        )
    return span // s + 1


def _pair(value: Any, name: str, minimum: int) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (height, width); got {value!r}.")
        return check_int(value[0], name, minimum=minimum), check_int(value[1], name, minimum=minimum)
    v = check_int(value, name, minimum=minimum)
    return v, v


def _as_float_array(x: Any, name: str) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers; got {type(x).__name__}.") from None


def _check_conv_args(x: Any, w: Any, b: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    x = _as_float_array(x, "x")
    w = _as_float_array(w, "w")
    check_ndim(x, "x", 4, names="(batch, in_channels, height, width)")
    check_ndim(w, "w", 4, names="(out_channels, in_channels, kernel_height, kernel_width)")
    if x.shape[1] != w.shape[1]:
        raise ValueError(
            f"x has {x.shape[1]} input channels (x.shape[1]) but w expects {w.shape[1]} (w.shape[1]); "
            "a kernel must span all input channels. Images are channels-first here: "
            "convert (N, H, W, C) to (N, C, H, W) with x.transpose(0, 3, 1, 2)."
        )
    if b is not None:
        b = _as_float_array(b, "b")
        if b.shape != (w.shape[0],):
            raise ValueError(f"b must have shape (out_channels,) = ({w.shape[0]},); got {b.shape}.")
    return x, w, b


def pad2d(x: np.ndarray, padding: int | tuple[int, int]) -> np.ndarray:
    """Zero-pad the last two axes of ``x`` (shape ``(..., H, W)``) by ``padding`` on each side."""
    ph, pw = _pair(padding, "padding", 0)
    widths = [(0, 0)] * (np.ndim(x) - 2) + [(ph, ph), (pw, pw)]
    return np.pad(x, widths)


# ---------------------------------------------------------------------------
# Convolution: the loop, im2col, and the backward pass
# ---------------------------------------------------------------------------


def conv2d_loop(
    x: Any, w: Any, b: Any = None, stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0
) -> np.ndarray:
    r"""2-D convolution written as the definition, one output number at a time.

    .. math::
        y_{n,k,i,j} = b_k + \sum_{c=1}^{C} \sum_{u=0}^{F_h-1} \sum_{v=0}^{F_w-1}
            w_{k,c,u,v}\, \tilde{x}_{n,c,\,iS+u,\,jS+v}

    where :math:`\tilde{x}` is the input zero-padded by :math:`P`, :math:`n` the
    example, :math:`k` the output channel (one per kernel), :math:`c` the input
    channel, :math:`(i, j)` the output position, :math:`(u, v)` the position inside
    the :math:`F_h \times F_w` kernel and :math:`S` the stride.

    Shapes: ``x`` (N, C, H, W), ``w`` (K, C, F_h, F_w), ``b`` (K,) or ``None``;
    returns (N, K, H_out, W_out) with sizes from :func:`conv_output_size` (rounded
    down like PyTorch). Slow; for teaching. :func:`conv2d` gives the same numbers.
    """
    x, w, b = _check_conv_args(x, w, b)
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(padding, "padding", 0)
    n_batch, _, height, width = x.shape
    k_out, _, fh, fw = w.shape
    ho = conv_output_size(height, fh, ph, sh, exact=False)
    wo = conv_output_size(width, fw, pw, sw, exact=False)
    xp = pad2d(x, (ph, pw))
    y = np.zeros((n_batch, k_out, ho, wo))
    for n in range(n_batch):
        for k in range(k_out):
            for i in range(ho):
                for j in range(wo):
                    patch = xp[n, :, i * sh : i * sh + fh, j * sw : j * sw + fw]  # (C, F_h, F_w)
                    y[n, k, i, j] = np.sum(patch * w[k])
            if b is not None:
                y[n, k] += b[k]
    return y


def im2col(
    x: Any, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0
) -> np.ndarray:
    r"""Unfold every kernel-sized patch of ``x`` into a column ("image to columns").

    Row ``c * F_h * F_w + u * F_w + v`` of the result holds the input value under
    kernel position ``(c, u, v)``; column ``i * W_out + j`` is output position
    ``(i, j)``. A convolution then becomes one matrix product,
    ``w.reshape(K, -1) @ cols``. This is ``torch.nn.functional.unfold``.

    Shapes: ``x`` (N, C, H, W) -> (N, C * F_h * F_w, H_out * W_out).
    """
    x = _as_float_array(x, "x")
    check_ndim(x, "x", 4, names="(batch, channels, height, width)")
    fh, fw = _pair(kernel_size, "kernel_size", 1)
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(padding, "padding", 0)
    n_batch, channels, height, width = x.shape
    ho = conv_output_size(height, fh, ph, sh, exact=False)
    wo = conv_output_size(width, fw, pw, sw, exact=False)
    xp = pad2d(x, (ph, pw))
    cols = np.empty((n_batch, channels, fh, fw, ho, wo))
    for u in range(fh):  # loop over the kernel (small), not over the image (large)
        for v in range(fw):
            cols[:, :, u, v] = xp[:, :, u : u + sh * ho : sh, v : v + sw * wo : sw]  # (N, C, H_out, W_out)
    return cols.reshape(n_batch, channels * fh * fw, ho * wo)


def col2im(
    cols: np.ndarray,
    input_shape: tuple[int, int, int, int],
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
) -> np.ndarray:
    """The adjoint of :func:`im2col`: add every column back onto the patch it came from.

    Overlapping patches *add up*, which is exactly what the gradient with respect to
    the input needs. This is ``torch.nn.functional.fold``.
    Shapes: ``cols`` (N, C * F_h * F_w, H_out * W_out) -> (N, C, H, W) = ``input_shape``.
    """
    fh, fw = _pair(kernel_size, "kernel_size", 1)
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(padding, "padding", 0)
    n_batch, channels, height, width = input_shape
    ho = conv_output_size(height, fh, ph, sh, exact=False)
    wo = conv_output_size(width, fw, pw, sw, exact=False)
    cols = np.asarray(cols, dtype=np.float64).reshape(n_batch, channels, fh, fw, ho, wo)
    xp = np.zeros((n_batch, channels, height + 2 * ph, width + 2 * pw))
    for u in range(fh):
        for v in range(fw):
            xp[:, :, u : u + sh * ho : sh, v : v + sw * wo : sw] += cols[:, :, u, v]
    return xp[:, :, ph : ph + height, pw : pw + width]


def conv2d(
    x: Any, w: Any, b: Any = None, stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0
) -> np.ndarray:
    r"""2-D convolution as a matrix product over :func:`im2col` patches.

    Same definition and shapes as :func:`conv2d_loop` (and as
    ``torch.nn.functional.conv2d``)::

        cols = im2col(x)                      # (N, C*F_h*F_w, H_out*W_out)
        y = w.reshape(K, -1) @ cols + b       # (N, K, H_out*W_out)

    Parameters
    ----------
    x: (N, C, H, W) input, channels first.
    w: (K, C, F_h, F_w) kernels, one per output channel.
    b: (K,) biases or ``None``.
    stride, padding: an int or a pair (height, width).

    Returns
    -------
    (N, K, H_out, W_out) with :math:`H_{out} = \lfloor (H - F_h + 2P_h)/S_h \rfloor + 1`
    and likewise for the width.

    Example
    -------
    >>> x = np.arange(36.0).reshape(1, 1, 6, 6)
    >>> conv2d(x, np.ones((1, 1, 3, 3))).shape
    (1, 1, 4, 4)
    """
    x, w, b = _check_conv_args(x, w, b)
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(padding, "padding", 0)
    k_out, _, fh, fw = w.shape
    ho = conv_output_size(x.shape[2], fh, ph, sh, exact=False)
    wo = conv_output_size(x.shape[3], fw, pw, sw, exact=False)
    cols = im2col(x, (fh, fw), (sh, sw), (ph, pw))  # (N, C*F_h*F_w, L) with L = H_out*W_out
    y = w.reshape(k_out, -1) @ cols  # (K, C*F_h*F_w) @ (N, C*F_h*F_w, L) -> (N, K, L)
    if b is not None:
        y += b[None, :, None]
    return y.reshape(x.shape[0], k_out, ho, wo)


def conv2d_backward(
    dy: Any, x: Any, w: Any, stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Gradients of a loss :math:`L` through :func:`conv2d`, given :math:`\partial L/\partial y`.

    .. math::
        \frac{\partial L}{\partial b_k} = \sum_{n,i,j} \delta_{n,k,i,j}, \qquad
        \frac{\partial L}{\partial w_{k,c,u,v}} = \sum_{n,i,j} \delta_{n,k,i,j}\,
            \tilde{x}_{n,c,\,iS+u,\,jS+v}, \qquad
        \frac{\partial L}{\partial \tilde{x}_{n,c,p,q}} = \sum_{k}
            \sum_{(i,j,u,v):\ iS+u=p,\ jS+v=q} \delta_{n,k,i,j}\, w_{k,c,u,v}

    where :math:`\delta = \partial L / \partial y` is the upstream gradient. The
    weight gradient is a convolution of the input with :math:`\delta`; the input
    gradient spreads each :math:`\delta` back over the patch it came from (a
    "full" convolution with the flipped kernel when the stride is 1), implemented
    as ``col2im(w^T @ delta)``. Padding positions are cut off at the end.

    Shapes: ``dy`` (N, K, H_out, W_out), ``x`` (N, C, H, W), ``w`` (K, C, F_h, F_w).
    Returns ``(dx, dw, db)`` with the shapes of ``x``, ``w`` and ``(K,)``.
    """
    x, w, _ = _check_conv_args(x, w, None)
    dy = _as_float_array(dy, "dy")
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(padding, "padding", 0)
    k_out, _, fh, fw = w.shape
    ho = conv_output_size(x.shape[2], fh, ph, sh, exact=False)
    wo = conv_output_size(x.shape[3], fw, pw, sw, exact=False)
    expected = (x.shape[0], k_out, ho, wo)
    if dy.shape != expected:
        raise ValueError(f"dy must have the shape of the forward output (N, K, H_out, W_out) = {expected}; got {dy.shape}.")
    delta = dy.reshape(x.shape[0], k_out, ho * wo)  # (N, K, L)
    cols = im2col(x, (fh, fw), (sh, sw), (ph, pw))  # (N, C*F_h*F_w, L)
    db = delta.sum(axis=(0, 2))  # (K,)
    dw = np.einsum("nkl,nml->km", delta, cols).reshape(w.shape)  # (K, C*F_h*F_w) -> (K, C, F_h, F_w)
    dcols = w.reshape(k_out, -1).T @ delta  # (C*F_h*F_w, K) @ (N, K, L) -> (N, C*F_h*F_w, L)
    dx = col2im(dcols, x.shape, (fh, fw), (sh, sw), (ph, pw))  # (N, C, H, W)
    return dx, dw, db


# ---------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------


def _pool_windows(x: Any, kernel_size: Any, stride: Any, padding: Any, pad_value: float) -> np.ndarray:
    x = _as_float_array(x, "x")
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
    p = float(norm_type)
    if not np.isfinite(p) or p <= 0:
        raise ValueError(f"norm_type must be a positive finite number (2 for L2 pooling); got {norm_type!r}.")
    windows = _pool_windows(x, kernel_size, stride, 0, 0.0)
    return np.sum(windows**p, axis=-1) ** (1.0 / p)


# ---------------------------------------------------------------------------
# 1-D convolution
# ---------------------------------------------------------------------------


def conv1d(x: Any, w: Any, b: Any = None, stride: int = 1, padding: int = 0) -> np.ndarray:
    r"""1-D convolution over sequences: a 2-D convolution whose images are one row high.

    .. math::
        y_{n,k,i} = b_k + \sum_{c=1}^{C} \sum_{u=0}^{F-1} w_{k,c,u}\, \tilde{x}_{n,c,\,iS+u}

    where :math:`\tilde{x}` is the sequence zero-padded by :math:`P` at both ends,
    :math:`k` the output channel, :math:`c` the input channel, :math:`i` the output
    position, :math:`F` the kernel length and :math:`S` the stride.
    Shapes: ``x`` (N, C, L), ``w`` (K, C, F), ``b`` (K,) or ``None``; returns
    (N, K, L_out) with :math:`L_{out} = \lfloor (L - F + 2P)/S \rfloor + 1`. Used for
    time series and text, where the "image" is a sequence.

    Example
    -------
    >>> conv1d(np.arange(5.0).reshape(1, 1, 5), np.array([[[1.0, -1.0]]])).tolist()
    [[[-1.0, -1.0, -1.0, -1.0]]]
    """
    x = _as_float_array(x, "x")
    w = _as_float_array(w, "w")
    check_ndim(x, "x", 3, names="(batch, in_channels, length)")
    check_ndim(w, "w", 3, names="(out_channels, in_channels, kernel_size)")
    stride = check_int(stride, "stride", minimum=1)
    padding = check_int(padding, "padding", minimum=0)
    y = conv2d(x[:, :, None, :], w[:, :, None, :], b, stride=(1, stride), padding=(0, padding))  # (N, K, 1, L_out)
    return y[:, :, 0, :]


# ---------------------------------------------------------------------------
# PyTorch building blocks
# ---------------------------------------------------------------------------


class SimpleCNN(nn.Module):
    r"""A small CNN for 8x8 grey images (scikit-learn's digits).

    conv(1 -> c1, 3x3, pad 1) - ReLU - max-pool 2 -> conv(c1 -> c2, 3x3, pad 1) - ReLU -
    max-pool 2 -> flatten -> linear(c2 * 2 * 2 -> n_classes).

    Shapes: input (N, 1, 8, 8) -> logits (N, n_classes). Feature maps: (N, c1, 8, 8)
    after the first convolution, (N, c2, 4, 4) after the second. PyTorch's default
    initialisation. :meth:`feature_maps` returns the intermediate activations.

    Example
    -------
    >>> SimpleCNN()(torch.zeros(5, 1, 8, 8)).shape
    torch.Size([5, 10])
    """

    def __init__(self, c1: int = 16, c2: int = 32, n_classes: int = 10) -> None:
        super().__init__()
        c1 = check_int(c1, "c1", minimum=1)
        c2 = check_int(c2, "c2", minimum=1)
        n_classes = check_int(n_classes, "n_classes", minimum=2)
        self.conv1 = nn.Conv2d(1, c1, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(c1, c2, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.head = nn.Linear(c2 * 2 * 2, n_classes)

    def feature_maps(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """The activations after each convolution and pooling layer, by name."""
        check_shape(x, "x", (None, 1, 8, 8), names="(batch, 1, height, width)")
        a1 = torch.relu(self.conv1(x))  # (N, c1, 8, 8)
        p1 = self.pool(a1)  # (N, c1, 4, 4)
        a2 = torch.relu(self.conv2(p1))  # (N, c2, 4, 4)
        p2 = self.pool(a2)  # (N, c2, 2, 2)
        return {"conv1": a1, "pool1": p1, "conv2": a2, "pool2": p2}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        p2 = self.feature_maps(x)["pool2"]
        return self.head(p2.flatten(1))  # (N, c2*2*2) -> (N, n_classes)


class ResidualBlock(nn.Module):
    r"""The basic residual block of He et al. (2016).

    .. math:: y = \operatorname{ReLU}\big(F(x) + \operatorname{proj}(x)\big), \qquad
              F(x) = \operatorname{BN}(W_2 * \operatorname{ReLU}(\operatorname{BN}(W_1 * x)))

    where :math:`W_1, W_2` are 3x3 convolutions (the first with ``stride``), BN is
    batch normalisation, :math:`*` is convolution, and :math:`\operatorname{proj}` is the
    identity when the shape is unchanged, else a 1x1 convolution (with ``stride``)
    followed by BN that maps ``in_channels`` to ``out_channels``.
    Shapes (N, C_in, H, W) -> (N, C_out, H', W') with H' = floor((H - 1) / stride) + 1.
    With ``batch_norm=False`` the BN layers are left out (and the convolutions get biases).

    Example
    -------
    >>> ResidualBlock(8, 16, stride=2)(torch.zeros(2, 8, 8, 8)).shape
    torch.Size([2, 16, 4, 4])
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1, batch_norm: bool = True) -> None:
        super().__init__()
        in_channels = check_int(in_channels, "in_channels", minimum=1)
        out_channels = check_int(out_channels, "out_channels", minimum=1)
        stride = check_int(stride, "stride", minimum=1)

        def norm(c: int) -> nn.Module:
            return nn.BatchNorm2d(c) if batch_norm else nn.Identity()

        self.residual = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=not batch_norm),
            norm(out_channels),
            nn.ReLU(),
            nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=not batch_norm),
            norm(out_channels),
        )
        self.shortcut: nn.Module
        if in_channels != out_channels or stride != 1:  # the 1x1 projection
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=not batch_norm), norm(out_channels)
            )
        else:
            self.shortcut = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.residual(x) + self.shortcut(x))  # F(x) + x: (N, C_out, H', W')


def _conv_bn_relu(c_in: int, c_out: int, batch_norm: bool) -> list[nn.Module]:
    layers: list[nn.Module] = [nn.Conv2d(c_in, c_out, 3, padding=1, bias=not batch_norm)]
    if batch_norm:
        layers.append(nn.BatchNorm2d(c_out))
    layers.append(nn.ReLU())
    return layers


def _check_depth(depth: Any) -> int:
    depth = check_int(depth, "depth", minimum=4)
    if depth % 2:
        raise ValueError(
            f"depth must be even (a stem convolution, (depth - 2) / 2 blocks of two convolutions, "
            f"and the linear head); got {depth}. Try {depth + 1}."
        )
    return depth


def plain_net(
    depth: int, width: int = 8, in_channels: int = 1, n_classes: int = 10, batch_norm: bool = True
) -> nn.Sequential:
    r"""A plain ("no shortcut") convolutional network with ``depth`` weighted layers.

    Layers, counted as in He et al. (2016): one 3x3 stem convolution ``in_channels ->
    width``, ``depth - 2`` further 3x3 convolutions ``width -> width`` (each followed by
    batch normalisation when ``batch_norm`` and a ReLU), global average pooling, and
    one linear layer ``width -> n_classes``. Spatial size is kept (padding 1).

    :func:`resnet` of the same ``depth`` has exactly the same layers and parameter
    count; only the shortcuts differ. Shapes (N, in_channels, H, W) -> (N, n_classes).
    """
    depth = _check_depth(depth)
    width = check_int(width, "width", minimum=1)
    layers = _conv_bn_relu(in_channels, width, batch_norm)
    for _ in range(depth - 2):
        layers += _conv_bn_relu(width, width, batch_norm)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, n_classes)]  # (N, width) -> (N, n_classes)
    return nn.Sequential(*layers)


def resnet(depth: int, width: int = 8, in_channels: int = 1, n_classes: int = 10, batch_norm: bool = True) -> nn.Sequential:
    r"""A residual network with ``depth`` weighted layers: :func:`plain_net` plus shortcuts.

    One 3x3 stem convolution ``in_channels -> width``, then ``(depth - 2) / 2``
    :class:`ResidualBlock` s of two 3x3 convolutions each (identity shortcuts, since
    the width does not change), global average pooling and a linear head.
    Shapes (N, in_channels, H, W) -> (N, n_classes).
    """
    depth = _check_depth(depth)
    width = check_int(width, "width", minimum=1)
    layers = _conv_bn_relu(in_channels, width, batch_norm)
    layers += [ResidualBlock(width, width, batch_norm=batch_norm) for _ in range((depth - 2) // 2)]
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, n_classes)]
    return nn.Sequential(*layers)


def digits_split(test_size: float = 0.25, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """scikit-learn's 8x8 digits as image tensors, split into a fixed stratified train/test split.

    Pixel values (0-16) are scaled to [0, 1]. With the defaults: 1347 training and
    450 test images. Returns ``(x_train, y_train, x_test, y_test)`` with shapes
    (N, 1, 8, 8) float32 and (N,) int64.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None]  # (1797, 1, 8, 8)
    x_tr, x_te, y_tr, y_te = train_test_split(
        images, digits.target, test_size=test_size, random_state=seed, stratify=digits.target
    )
    return torch.from_numpy(x_tr), torch.from_numpy(y_tr).long(), torch.from_numpy(x_te), torch.from_numpy(y_te).long()
