"""The forecasting protocol every forecaster of :mod:`dlcourse.timeseries` follows.

``fit(train) -> self`` estimates parameters from the training part only;
``predict_one_step(series, start)`` predicts ``series[t]`` from ``series[:t]`` for every
``t >= start`` with those parameters (see :mod:`dlcourse.timeseries.forecast`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_int
from .stats import as_series_array

__all__ = ["Forecaster"]


class Forecaster:
    """Base class of the forecasting protocol (see the module docstring)."""

    #: the smallest ``start`` that :meth:`predict_one_step` accepts
    min_history: int = 1

    def fit(self, train: Any) -> "Forecaster":
        """Estimate the parameters from ``train``; return ``self`` (the base class only checks ``train``)."""
        as_series_array(train, "train", min_length=1)
        return self

    def predict_one_step(self, series: Any, start: int) -> np.ndarray:  # pragma: no cover - abstract
        """Predict ``series[t]`` from ``series[:t]`` for ``t = start, ..., len(series) - 1``."""
        raise NotImplementedError

    def _check_start(self, x: np.ndarray, start: int) -> int:
        start = check_int(start, "start", minimum=self.min_history, maximum=x.size)
        return start
