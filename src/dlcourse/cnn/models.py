"""PyTorch models of chapter 3: a small CNN for the digits, the residual block, and
plain and residual networks of a given depth (He et al., 2016)."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from .._validation import check_int, check_ndim, check_shape, check_type, renamed

__all__ = ["SimpleCNN", "ResidualBlock", "plain_net", "resnet"]


def _check_input(x: Any, weight: torch.Tensor) -> None:
    """Reject what would fail deep inside PyTorch: an ndarray, or a dtype other than the weights'."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(
            f"x must be a torch.Tensor; got {type(x).__name__}. Convert it with torch.as_tensor(x, dtype=torch.float32)."
        )
    if x.dtype != weight.dtype:
        raise TypeError(
            f"x must have the model's dtype {weight.dtype}; got {x.dtype}. "
            f"Convert the batch with x.to({weight.dtype}) (or the model with model.to({x.dtype}))."
        )


class SimpleCNN(nn.Module):
    r"""A small CNN for 8x8 grey images (scikit-learn's digits).

    conv(1 -> c1, 3x3, pad 1) - ReLU - max-pool 2 -> conv(c1 -> c2, 3x3, pad 1) - ReLU -
    max-pool 2 -> flatten -> linear(c2 * 2 * 2 -> num_classes).

    Shapes: input (N, 1, 8, 8) -> logits (N, num_classes). Feature maps: (N, c1, 8, 8)
    after the first convolution, (N, c2, 4, 4) after the second. PyTorch's default
    initialisation. :meth:`feature_maps` returns the intermediate activations.

    Args:
        c1, c2: channels of the two convolutions.
        num_classes: outputs of the linear head (``n_classes=``, the older name, is
            still accepted with a :class:`DeprecationWarning`).

    Example
    -------
    >>> SimpleCNN()(torch.zeros(5, 1, 8, 8)).shape
    torch.Size([5, 10])
    """

    def __init__(self, c1: int = 16, c2: int = 32, num_classes: int = 10, *, n_classes: int | None = None) -> None:
        super().__init__()
        c1 = check_int(c1, "c1", minimum=1, maximum=MAX_WIDTH)
        c2 = check_int(c2, "c2", minimum=1, maximum=MAX_WIDTH)
        num_classes = renamed(num_classes, n_classes, "num_classes", "n_classes", 10)
        num_classes = check_int(num_classes, "num_classes", minimum=2, maximum=MAX_WIDTH)
        self.conv1 = nn.Conv2d(1, c1, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(c1, c2, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.head = nn.Linear(c2 * 2 * 2, num_classes)

    def feature_maps(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """The activations after each convolution and pooling layer, by name."""
        _check_input(x, self.conv1.weight)
        check_shape(x, "x", (None, 1, 8, 8), names="(batch, 1, height, width)")
        a1 = torch.relu(self.conv1(x))  # (N, c1, 8, 8)
        p1 = self.pool(a1)  # (N, c1, 4, 4)
        a2 = torch.relu(self.conv2(p1))  # (N, c2, 4, 4)
        p2 = self.pool(a2)  # (N, c2, 2, 2)
        return {"conv1": a1, "pool1": p1, "conv2": a2, "pool2": p2}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        p2 = self.feature_maps(x)["pool2"]
        return self.head(p2.flatten(1))  # (N, c2*2*2) -> (N, num_classes)


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
        in_channels = check_int(in_channels, "in_channels", minimum=1, maximum=MAX_WIDTH)
        out_channels = check_int(out_channels, "out_channels", minimum=1, maximum=MAX_WIDTH)
        stride = check_int(stride, "stride", minimum=1, maximum=MAX_WIDTH)
        check_type(batch_norm, "batch_norm", bool)

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
        conv = self.residual[0]
        assert isinstance(conv, nn.Conv2d)  # built above; for the type checker
        _check_input(x, conv.weight)
        check_ndim(x, "x", 4, names="(batch, in_channels, height, width)")
        return torch.relu(self.residual(x) + self.shortcut(x))  # F(x) + x: (N, C_out, H', W')


def _conv_bn_relu(c_in: int, c_out: int, batch_norm: bool) -> list[nn.Module]:
    layers: list[nn.Module] = [nn.Conv2d(c_in, c_out, 3, padding=1, bias=not batch_norm)]
    if batch_norm:
        layers.append(nn.BatchNorm2d(c_out))
    layers.append(nn.ReLU())
    return layers


#: The most channels (or classes) a layer may have, checked before anything is allocated.
MAX_WIDTH = 100_000
#: The deepest network :func:`plain_net` and :func:`resnet` build (He et al. trained 1202 layers).
MAX_DEPTH = 2000
#: The most weights they may have, checked before any layer is built.
MAX_PARAMETERS = 10**8


def _check_net_args(
    depth: Any, width: Any, in_channels: Any, num_classes: Any, batch_norm: Any
) -> tuple[int, int, int, int]:
    depth = _check_depth(depth)
    width = check_int(width, "width", minimum=1, maximum=MAX_WIDTH)
    in_channels = check_int(in_channels, "in_channels", minimum=1, maximum=MAX_WIDTH)
    num_classes = check_int(num_classes, "num_classes", minimum=2, maximum=MAX_WIDTH)
    check_type(batch_norm, "batch_norm", bool)
    n_weights = 9 * in_channels * width + (depth - 2) * 9 * width * width + width * num_classes
    if n_weights > MAX_PARAMETERS:
        raise ValueError(
            f"depth={depth}, width={width}, in_channels={in_channels}, num_classes={num_classes} would need "
            f"about {n_weights:,} weights, "
            f"more than MAX_PARAMETERS = {MAX_PARAMETERS:,}. Use a smaller depth or width."
        )
    return depth, width, in_channels, num_classes


def _check_depth(depth: Any) -> int:
    depth = check_int(depth, "depth", minimum=4, maximum=MAX_DEPTH)
    if depth % 2:
        raise ValueError(
            f"depth must be even (a stem convolution, (depth - 2) / 2 blocks of two convolutions, "
            f"and the linear head); got {depth}. Try {depth + 1}."
        )
    return depth


def plain_net(
    depth: int,
    width: int = 8,
    in_channels: int = 1,
    num_classes: int = 10,
    batch_norm: bool = True,
    *,
    n_classes: int | None = None,
) -> nn.Sequential:
    r"""A plain ("no shortcut") convolutional network with ``depth`` weighted layers.

    Layers, counted as in He et al. (2016): one 3x3 stem convolution ``in_channels ->
    width``, ``depth - 2`` further 3x3 convolutions ``width -> width`` (each followed by
    batch normalisation when ``batch_norm`` and a ReLU), global average pooling, and
    one linear layer ``width -> num_classes``. Spatial size is kept (padding 1).

    :func:`resnet` of the same ``depth`` has exactly the same layers and parameter
    count; only the shortcuts differ. Shapes (N, in_channels, H, W) -> (N, num_classes).
    ``n_classes=``, the older name of ``num_classes``, is still accepted (with a
    :class:`DeprecationWarning`).
    """
    num_classes = renamed(num_classes, n_classes, "num_classes", "n_classes", 10)  # warns from the caller's line
    depth, width, in_channels, num_classes = _check_net_args(depth, width, in_channels, num_classes, batch_norm)
    layers = _conv_bn_relu(in_channels, width, batch_norm)
    for _ in range(depth - 2):
        layers += _conv_bn_relu(width, width, batch_norm)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, num_classes)]  # (N, width) -> (N, num_classes)
    return nn.Sequential(*layers)


def resnet(
    depth: int,
    width: int = 8,
    in_channels: int = 1,
    num_classes: int = 10,
    batch_norm: bool = True,
    *,
    n_classes: int | None = None,
) -> nn.Sequential:
    r"""A residual network with ``depth`` weighted layers: :func:`plain_net` plus shortcuts.

    One 3x3 stem convolution ``in_channels -> width``, then ``(depth - 2) / 2``
    :class:`ResidualBlock` s of two 3x3 convolutions each (identity shortcuts, since
    the width does not change), global average pooling and a linear head.
    Shapes (N, in_channels, H, W) -> (N, num_classes); ``n_classes=`` as in :func:`plain_net`.
    """
    num_classes = renamed(num_classes, n_classes, "num_classes", "n_classes", 10)  # warns from the caller's line
    depth, width, in_channels, num_classes = _check_net_args(depth, width, in_channels, num_classes, batch_norm)
    layers = _conv_bn_relu(in_channels, width, batch_norm)
    layers += [ResidualBlock(width, width, batch_norm=batch_norm) for _ in range((depth - 2) // 2)]
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, num_classes)]
    return nn.Sequential(*layers)
