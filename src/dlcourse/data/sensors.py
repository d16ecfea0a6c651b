"""Hourly readings of five sensors with a Normal/Abnormal status (chapter 6).

A machine is watched by five sensors read once an hour. A fault shows up as a
short *spike* on sensor 2 some hours before the end of a window, after which the
readings look normal again. The status of a window (the label) is Abnormal when such
a spike happened in it. The last row alone carries no trace of the spike, so a model
that sees one row is at chance, while a model that reads the whole window can tell.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._validation import check_float, check_int
from ._limits import check_elements

if TYPE_CHECKING:
    import torch

__all__ = ["sensor_windows", "SENSOR_NAMES"]

SENSOR_NAMES = ("temperature", "pressure", "vibration", "current", "humidity")


def sensor_windows(
    n: int, seq_len: int = 12, *, spike: float = 3.0, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Windows of ``seq_len`` hourly readings of five sensors and their status.

    Every sensor follows a stationary AR(1) process
    :math:`s_t = 0.7\, s_{t-1} + \varepsilon_t` with :math:`\varepsilon_t \sim \mathcal N(0, 0.51)`
    (unit variance), sensors correlated through a shared component. In an Abnormal
    window (label 1, half of them) the vibration sensor (index 2) gets an extra
    ``spike`` at one random hour among the first ``seq_len - 3`` hours.

    Returns
    -------
    x : ``(n, seq_len, 5)`` float32 tensor of readings; y : ``(n,)`` int64 tensor of labels
    (0 = Normal, 1 = Abnormal).
    """
    import torch

    n = check_int(n, "n", minimum=1)
    seq_len = check_int(seq_len, "seq_len", minimum=4)
    spike = check_float(spike, "spike")
    seed = check_int(seed, "seed", minimum=0)
    check_elements(n * seq_len * 5 * 3, {"n": n, "seq_len": seq_len})
    rng = np.random.default_rng(seed)
    phi = 0.7
    noise = rng.normal(scale=np.sqrt(1 - phi**2), size=(n, seq_len, 5))
    shared = rng.normal(scale=np.sqrt(1 - phi**2), size=(n, seq_len, 1))
    eps = np.sqrt(0.8) * noise + np.sqrt(0.2) * shared  # unit-variance innovations, correlation 0.2
    x = np.empty((n, seq_len, 5))
    x[:, 0] = rng.normal(size=(n, 5))
    for t in range(1, seq_len):
        x[:, t] = phi * x[:, t - 1] + eps[:, t]
    y = (rng.random(n) < 0.5).astype(np.int64)
    hour = rng.integers(0, seq_len - 3, size=n)
    rows = np.flatnonzero(y)
    x[rows, hour[rows], 2] += spike  # the spike is added to the reading, not to the process
    return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(y)
