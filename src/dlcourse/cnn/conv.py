"""The convolution in NumPy: the four-loop definition, im2col as one matrix product,
its backward pass, and the 1-D convolution (chapter 3). ``float64``, channels-first
like PyTorch; "convolution" is cross-correlation (the kernel is not flipped)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import as_float_array, check_int, check_ndim
from .sizes import MAX_SIZE, _check_conv_args, _pair, conv_output_size, pad2d

__all__ = ["conv2d_loop", "im2col", "col2im", "conv2d", "conv2d_backward", "conv1d"]


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
    x = as_float_array(x, "x")
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
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 4:
        raise TypeError(
            f"input_shape must be the image batch's shape (N, C, H, W), 4 integers; got {input_shape!r:.60}."
        )
    n_batch, channels, height, width = (check_int(v, f"input_shape[{i}]", minimum=1) for i, v in enumerate(input_shape))
    ho = conv_output_size(height, fh, ph, sh, exact=False)
    wo = conv_output_size(width, fw, pw, sw, exact=False)
    cols = as_float_array(cols, "cols")
    want = (n_batch, channels * fh * fw, ho * wo)
    if cols.shape != want:
        raise ValueError(
            f"cols must have shape (N, C * F_h * F_w, H_out * W_out) = {want} for input_shape {tuple(input_shape)} "
            f"and this kernel, stride and padding; got {cols.shape}."
        )
    cols = cols.reshape(n_batch, channels, fh, fw, ho, wo)
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
    dy = as_float_array(dy, "dy")
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(padding, "padding", 0)
    k_out, _, fh, fw = w.shape
    ho = conv_output_size(x.shape[2], fh, ph, sh, exact=False)
    wo = conv_output_size(x.shape[3], fw, pw, sw, exact=False)
    expected = (x.shape[0], k_out, ho, wo)
    if dy.shape != expected:
        raise ValueError(
            f"dy must have the shape of the forward output of x and w (N, K, H_out, W_out) = {expected} "
            f"with this stride and padding; got {dy.shape}."
        )
    delta = dy.reshape(x.shape[0], k_out, ho * wo)  # (N, K, L)
    cols = im2col(x, (fh, fw), (sh, sw), (ph, pw))  # (N, C*F_h*F_w, L)
    db = delta.sum(axis=(0, 2))  # (K,)
    dw = np.einsum("nkl,nml->km", delta, cols).reshape(w.shape)  # (K, C*F_h*F_w) -> (K, C, F_h, F_w)
    dcols = w.reshape(k_out, -1).T @ delta  # (C*F_h*F_w, K) @ (N, K, L) -> (N, C*F_h*F_w, L)
    dx = col2im(dcols, x.shape, (fh, fw), (sh, sw), (ph, pw))  # (N, C, H, W)
    return dx, dw, db


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
    x = as_float_array(x, "x")
    w = as_float_array(w, "w")
    check_ndim(x, "x", 3, names="(batch, in_channels, length)")
    check_ndim(w, "w", 3, names="(out_channels, in_channels, kernel_size)")
    stride = check_int(stride, "stride", minimum=1, maximum=MAX_SIZE)
    padding = check_int(padding, "padding", minimum=0, maximum=MAX_SIZE)
    y = conv2d(x[:, :, None, :], w[:, :, None, :], b, stride=(1, stride), padding=(0, padding))  # (N, K, 1, L_out)
    return y[:, :, 0, :]
