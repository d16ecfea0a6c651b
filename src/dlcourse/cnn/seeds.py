"""Several seeds of one convolutional network trained side by side as one network (chapter 3).

:func:`dlcourse.train.fit_seeds` vectorises K models with ``torch.func.vmap``; for networks
of convolutions and batch normalisation that is slower on a CPU than K separate runs. Here
the K networks become one network with K times the channels in which every convolution is a
*grouped* convolution (``groups=K``): channel block k sees only channel block k of the layer
below, so the blocks are K independent networks computed by one call per layer. Batch
normalisation is per channel, so its statistics stay per network as well.
"""
from __future__ import annotations

import copy
from typing import Any, Sequence

import torch
from torch import nn

from .._validation import check_type
from .models import ResidualBlock, _check_input

__all__ = ["SeedGroup"]


def _group(modules: Sequence[Any]) -> nn.Module:
    """One module that computes ``modules`` (same architecture) side by side on channel blocks."""
    K, first = len(modules), modules[0]
    if isinstance(first, nn.Conv2d):
        conv: Any = first  # kernel_size, stride, padding as the layer stores them
        grouped = nn.Conv2d(
            K * conv.in_channels, K * conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
            groups=K * conv.groups, bias=conv.bias is not None,
        )
        with torch.no_grad():
            grouped.weight.copy_(torch.cat([m.weight for m in modules]))  # (K C_out, C_in / groups, F, F)
            if grouped.bias is not None:
                grouped.bias.copy_(torch.cat([m.bias for m in modules]))
        return grouped
    if isinstance(first, nn.BatchNorm2d):
        norm = nn.BatchNorm2d(K * first.num_features, eps=first.eps, momentum=first.momentum)
        with torch.no_grad():
            for name in ("weight", "bias", "running_mean", "running_var"):
                getattr(norm, name).copy_(torch.cat([getattr(m, name) for m in modules]))
        return norm
    if isinstance(first, nn.Sequential):
        return nn.Sequential(*[_group([m[i] for m in modules]) for i in range(len(first))])
    if isinstance(first, ResidualBlock):
        block: Any = copy.deepcopy(first)  # the same forward: relu(residual(x) + shortcut(x))
        block.residual = _group([m.residual for m in modules])
        block.shortcut = _group([m.shortcut for m in modules])
        return block
    if isinstance(first, (nn.ReLU, nn.Identity, nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d)):
        return copy.deepcopy(first)  # no weights, works channel by channel
    raise TypeError(
        f"SeedGroup cannot group a {type(first).__name__}; it groups Conv2d, BatchNorm2d, ReLU, pooling "
        "and ResidualBlock layers (the networks of cnn.plain_net and cnn.resnet)."
    )


class SeedGroup(nn.Module):
    r"""K networks of the same architecture (one per seed) as one network: seeds at the price of one.

    ``nets`` are networks built by :func:`~dlcourse.cnn.plain_net` or :func:`~dlcourse.cnn.resnet`
    (convolutions, batch normalisation, ReLU, residual blocks, then global average pooling,
    flatten and a linear head), e.g. one per seed. Every convolution becomes one grouped
    convolution over K channel blocks, every batch normalisation one over K times the channels,
    and the K linear heads one batched product, so each layer runs once for all K networks.
    Network k's numbers are exactly those of ``nets[k]`` (the tests check forward passes and a
    few Adam steps against K separate networks to 1e-6), and with the loss summed over the K
    networks each gets its own gradient. The networks in ``nets`` are copied, not changed;
    :meth:`unstack` returns K ordinary networks with the trained weights.

    Shapes: ``x`` (K, N, C, H, W), one batch per network (they may differ, e.g. each seed's own
    shuffling) -> logits (K, N, num_classes).

    Args:
        nets: the K networks (a list of ``torch.nn.Sequential``).

    Example:
        >>> from dlcourse import cnn
        >>> nets = [cnn.plain_net(4, width=2) for _ in range(3)]
        >>> SeedGroup(nets)(torch.zeros(3, 5, 1, 8, 8)).shape
        torch.Size([3, 5, 10])
    """

    def __init__(self, nets: Sequence[Any]) -> None:
        super().__init__()
        check_type(nets, "nets", (list, tuple))
        if not nets or not all(isinstance(n, nn.Sequential) for n in nets):
            raise TypeError("nets must be a non-empty list of torch.nn.Sequential networks, e.g. [cnn.resnet(8) ...].")
        *body, flatten, head = list(nets[0])
        if not isinstance(flatten, nn.Flatten) or not isinstance(head, nn.Linear):
            raise TypeError("nets must end with nn.Flatten() and an nn.Linear head, as cnn.plain_net and cnn.resnet do.")
        self.K = len(nets)
        self._template = copy.deepcopy(nets[0])  # for unstack
        self.body = _group([nn.Sequential(*list(n)[:-2]) for n in nets])
        with torch.no_grad():
            self.head_weight = nn.Parameter(torch.stack([n[-1].weight for n in nets]))  # (K, classes, width)
            self.head_bias = nn.Parameter(torch.stack([n[-1].bias for n in nets]))  # (K, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(x, self.head_weight)
        if x.ndim != 5 or x.shape[0] != self.K:
            raise ValueError(
                f"x must have shape (K, N, C, H, W) with K = {self.K} (one batch per network); got {tuple(x.shape)}."
            )
        K, N = x.shape[:2]
        h = self.body(x.transpose(0, 1).reshape(N, K * x.shape[2], *x.shape[3:]))  # (N, K C, H, W) -> (N, K W, 1, 1)
        h = h.reshape(N, K, -1)  # (N, K, width): network k's pooled features
        return torch.einsum("nkw,kcw->knc", h, self.head_weight) + self.head_bias[:, None]  # (K, N, classes)

    def unstack(self) -> list[nn.Sequential]:
        """K ordinary networks (the architecture of ``nets[0]``) holding the current weights and statistics."""
        grouped = dict(self.body.state_dict())
        nets = []
        for k in range(self.K):
            net = copy.deepcopy(self._template)
            state: dict[str, Any] = {}
            for name, value in net.state_dict().items():
                index, _, rest = name.partition(".")
                if int(index) == len(net) - 1:  # the linear head
                    state[name] = (self.head_weight if rest == "weight" else self.head_bias)[k].detach().clone()
                elif value.ndim == 0:  # num_batches_tracked: shared by the K networks
                    state[name] = grouped[name].clone()
                else:
                    size = value.shape[0]
                    state[name] = grouped[name][k * size : (k + 1) * size].clone()
            net.load_state_dict(state)
            nets.append(net)
        return nets
