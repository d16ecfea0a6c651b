r"""Convolutional networks from scratch (NumPy) and the residual networks of chapter 3.

One module per concept:

- :mod:`~dlcourse.cnn.sizes`: :func:`conv_output_size`, the output-size formula
  :math:`(W - F + 2P)/S + 1`, and :func:`pad2d`;
- :mod:`~dlcourse.cnn.conv`: :func:`conv2d_loop` (the convolution as four nested loops,
  the way it is defined), :func:`im2col` / :func:`col2im` and :func:`conv2d` (the same
  convolution as one matrix product), :func:`conv2d_backward` (its gradients) and
  :func:`conv1d` (the 1-D convolution, a 2-D one of height 1);
- :mod:`~dlcourse.cnn.pooling`: :func:`max_pool2d`, :func:`avg_pool2d`, :func:`lp_pool2d`;
- :mod:`~dlcourse.cnn.models` (PyTorch): :class:`SimpleCNN`, :class:`ResidualBlock`,
  :func:`plain_net`, :func:`resnet`;
- :mod:`~dlcourse.cnn.seeds` (PyTorch): :class:`SeedGroup`, several seeds of one network
  trained side by side as one network of grouped convolutions.

The NumPy part is ``float64`` and channels-first like PyTorch. :func:`digits_split`
(scikit-learn's digits as image tensors) lives in :mod:`dlcourse.data` and is
re-exported here. As in every deep-learning library, "convolution" here is
cross-correlation: the kernel is not flipped.
"""
from ..data.digits import digits_split
from .conv import col2im, conv1d, conv2d, conv2d_backward, conv2d_loop, im2col
from .models import ResidualBlock, SimpleCNN, plain_net, resnet
from .pooling import avg_pool2d, lp_pool2d, max_pool2d
from .seeds import SeedGroup
from .sizes import conv_output_size, pad2d

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
    "SeedGroup",
    "digits_split",
]
