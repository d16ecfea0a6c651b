"""Small CNNs with a global-pooling head, the architecture class activation maps need."""
from __future__ import annotations

from collections import OrderedDict
from typing import Sequence, cast

from torch import nn

from .._validation import check_choice, check_int, check_num_parameters

__all__ = ["GAPNet", "GMPNet", "GlobalPoolNet"]


class GlobalPoolNet(nn.Sequential):
    r"""A CNN whose head is a global pooling layer and one dense layer.

    ``features``: for every width :math:`c_i` in ``channels`` a 3x3 convolution (padding 1)
    and a ReLU, with a 2x2 max pooling after every block but the last; then
    ``pool``: global average (``"avg"``) or global max (``"max"``) pooling of each of the
    :math:`K` last feature maps :math:`f_k`; ``flatten``; ``classifier``: one linear layer
    :math:`K \to` ``n_classes``. The class score is

    .. math:: y_c = \sum_{k=1}^{K} w_{ck}\, \operatorname{pool}(f_k) + b_c

    where :math:`w_{ck}` is the classifier's weight from feature map :math:`k` to class
    :math:`c` and :math:`b_c` its bias. With average pooling the score is itself the mean of the
    *class activation map* :math:`M_c = \sum_k w_{ck} f_k` plus :math:`b_c` (Zhou et al., 2016).

    Being an ``nn.Sequential`` of plain layers, it works with :class:`~dlcourse.xai.LRP`
    as it is. Shapes: input (B, in_channels, H, W) -> scores (B, n_classes); the last
    feature maps are (B, K, H / 2^(n-1), W / 2^(n-1)) for ``n = len(channels)`` blocks.
    PyTorch's default initialisation.

    Example
    -------
    >>> import torch
    >>> net = GAPNet(channels=(4, 8), n_classes=3)
    >>> net(torch.zeros(2, 1, 16, 16)).shape, net.features(torch.zeros(2, 1, 16, 16)).shape
    (torch.Size([2, 3]), torch.Size([2, 8, 8, 8]))
    """

    def __init__(
        self,
        pooling: str = "avg",
        in_channels: int = 1,
        n_classes: int = 3,
        channels: Sequence[int] = (8, 16, 32),
    ) -> None:
        pooling = check_choice(pooling, "pooling", ("avg", "max"))
        in_channels = check_int(in_channels, "in_channels", minimum=1)
        n_classes = check_int(n_classes, "n_classes", minimum=2)
        if isinstance(channels, (str, bytes)) or not hasattr(channels, "__len__") or len(channels) == 0:
            raise ValueError(f"channels must be a non-empty sequence of widths, e.g. (8, 16, 32); got {channels!r}.")
        widths = [check_int(c, f"channels[{i}]", minimum=1) for i, c in enumerate(channels)]
        sizes = [in_channels, *widths]
        check_num_parameters(
            sum(10 * a * b for a, b in zip(sizes, sizes[1:])) + (widths[-1] + 1) * n_classes,
            f"this {type(self).__name__}", "reduce in_channels, n_classes or channels",
        )
        layers: list[nn.Module] = []
        c_in = in_channels
        for i, c_out in enumerate(widths):
            layers += [nn.Conv2d(c_in, c_out, kernel_size=3, padding=1), nn.ReLU()]
            if i < len(widths) - 1:
                layers.append(nn.MaxPool2d(2))
            c_in = c_out
        pool = nn.AdaptiveAvgPool2d(1) if pooling == "avg" else nn.AdaptiveMaxPool2d(1)
        super().__init__(
            OrderedDict(
                features=nn.Sequential(*layers),
                pool=pool,  # (B, K, h, w) -> (B, K, 1, 1)
                flatten=nn.Flatten(),  # (B, K, 1, 1) -> (B, K)
                classifier=nn.Linear(c_in, n_classes),  # (B, K) -> (B, n_classes)
            )
        )
        self.pooling = pooling

    @property
    def feature_layer(self) -> nn.Module:
        """The last layer of ``features`` (a ReLU): its output is the feature maps :math:`f_k` used by CAM and Grad-CAM."""
        features = cast(nn.Sequential, self.features)
        return features[-1]


class GAPNet(GlobalPoolNet):
    """:class:`GlobalPoolNet` with global *average* pooling (the CAM architecture)."""

    def __init__(self, in_channels: int = 1, n_classes: int = 3, channels: Sequence[int] = (8, 16, 32)) -> None:
        super().__init__("avg", in_channels, n_classes, channels)


class GMPNet(GlobalPoolNet):
    """:class:`GlobalPoolNet` with global *max* pooling (Oquab et al., 2015)."""

    def __init__(self, in_channels: int = 1, n_classes: int = 3, channels: Sequence[int] = (8, 16, 32)) -> None:
        super().__init__("max", in_channels, n_classes, channels)
