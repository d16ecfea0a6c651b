"""scikit-learn's 8x8 handwritten digits as image tensors, with a fixed stratified split (chapter 3)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_float, check_int

__all__ = ["digits_split"]


def digits_split(test_size: float = 0.25, seed: int = 0) -> tuple[Any, Any, Any, Any]:
    """scikit-learn's 8x8 digits as image tensors, split into a fixed stratified train/test split.

    Pixel values (0-16) are scaled to [0, 1]. With the defaults: 1347 training and
    450 test images. Returns ``(x_train, y_train, x_test, y_test)`` with shapes
    (N, 1, 8, 8) float32 and (N,) int64 tensors. Also available as
    ``dlcourse.cnn.digits_split`` (chapter 3).

    Raises:
        ValueError: ``test_size`` not in (0, 1), or ``seed`` not in 0..2**32 - 1.
    """
    import torch
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    test_size = check_float(test_size, "test_size", minimum=0.0, maximum=1.0, strict_minimum=True)
    if test_size >= 1.0:
        raise ValueError(f"test_size must be a fraction in (0, 1); got {test_size}. Try 0.25.")
    seed = check_int(seed, "seed", minimum=0, maximum=2**32 - 1)

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None]  # (1797, 1, 8, 8)
    x_tr, x_te, y_tr, y_te = train_test_split(
        images, digits.target, test_size=test_size, random_state=seed, stratify=digits.target
    )
    return torch.from_numpy(x_tr), torch.from_numpy(y_tr).long(), torch.from_numpy(x_te), torch.from_numpy(y_te).long()
