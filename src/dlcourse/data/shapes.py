"""Noisy canvases with one class-defining shape and known ground truth (chapter 12).

An explanation method claims to show *where* a classifier looked. To test that
claim we need images where the right answer is known. Each canvas holds exactly
one *class-defining* shape (a hollow square, a plus or a diagonal cross) at a random
position and size, plus a few *distractors* (small filled blobs) that appear in every
class and so carry no information about the label, all on Gaussian noise. The mask
of the class-defining shape's bounding box is returned with the images, so that a
heatmap can be scored: does its maximum fall inside the box (pointing game), how
much of its mass lies inside?
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_float, check_int
from ._limits import check_elements

__all__ = ["SHAPE_CLASSES", "ShapesData", "shapes_localisation", "draw_shape"]

#: The class-defining shapes, in label order.
SHAPE_CLASSES = ("square", "plus", "cross")


@dataclass(frozen=True)
class ShapesData:
    """A localisation data set: images, labels and the object masks.

    Attributes
    ----------
    images:
        ``(N, 1, H, W)`` float32 tensor: background noise, shapes of intensity 1.
    labels:
        ``(N,)`` int64 tensor, index into :data:`SHAPE_CLASSES`.
    masks:
        ``(N, H, W)`` bool tensor, True inside the bounding box of the class-defining shape.
    shape_masks:
        ``(N, H, W)`` bool tensor, True on the pixels of the class-defining shape itself.
    class_names:
        The names of the classes, ``SHAPE_CLASSES``.
    """

    images: Any
    labels: Any
    masks: Any
    shape_masks: Any
    class_names: tuple[str, ...] = SHAPE_CLASSES

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def __getitem__(self, index: Any) -> "ShapesData":
        """A subset (slice, index array or boolean mask) as a new :class:`ShapesData`."""
        return ShapesData(
            self.images[index], self.labels[index], self.masks[index], self.shape_masks[index], self.class_names
        )


def draw_shape(kind: str, size: int, thickness: int = 1) -> np.ndarray:
    """A ``(size, size)`` boolean stencil of one class-defining shape.

    ``"square"`` is the outline of a square, ``"plus"`` a centred vertical and
    horizontal bar, ``"cross"`` the two diagonals; lines are ``thickness`` pixels wide.

    Example
    -------
    >>> draw_shape("plus", 5).astype(int)
    array([[0, 0, 1, 0, 0],
           [0, 0, 1, 0, 0],
           [1, 1, 1, 1, 1],
           [0, 0, 1, 0, 0],
           [0, 0, 1, 0, 0]])
    """
    if kind not in SHAPE_CLASSES:
        raise ValueError(f"kind must be one of {', '.join(map(repr, SHAPE_CLASSES))}; got {kind!r}.")
    size = check_int(size, "size", minimum=3)
    check_elements(3 * size * size, {"size": size})
    thickness = check_int(thickness, "thickness", minimum=1, maximum=size // 2)
    r, c = np.mgrid[0:size, 0:size]  # (size, size) row and column indices
    if kind == "square":
        border = np.minimum(np.minimum(r, c), np.minimum(size - 1 - r, size - 1 - c))
        return border < thickness
    mid = (size - 1) / 2
    if kind == "plus":
        return (np.abs(r - mid) < thickness / 2 + 0.01) | (np.abs(c - mid) < thickness / 2 + 0.01)
    return (np.abs(r - c) < thickness / 2 + 0.01) | (np.abs(r + c - (size - 1)) < thickness / 2 + 0.01)


def shapes_localisation(
    n: int,
    size: int = 32,
    *,
    min_shape: int = 7,
    max_shape: int = 11,
    n_distractors: int = 3,
    noise: float = 0.25,
    seed: int = 0,
) -> ShapesData:
    r"""Generate ``n`` canvases, each with one class-defining shape and known mask.

    Every image :math:`x \in \mathbb{R}^{1 \times H \times W}` (here :math:`H = W =`
    ``size``) is

    .. math:: x = \min\big(1,\ S + D\big) + \varepsilon, \qquad \varepsilon_{ij} \sim \mathcal N(0, \sigma^2)

    where :math:`S` is the stencil of the class-defining shape (a hollow square, a
    plus or a diagonal cross, side drawn uniformly from ``min_shape`` to ``max_shape``,
    placed uniformly at random), :math:`D` holds ``n_distractors`` filled blobs of
    2x2 to 3x3 pixels placed outside the shape's box (the same in every class, so they
    carry no label information), and :math:`\sigma` is ``noise``. Labels are balanced
    (cycled through the classes, then shuffled).

    Returns
    -------
    :class:`ShapesData` with ``images`` (N, 1, H, W) float32, ``labels`` (N,) int64,
    ``masks`` (N, H, W) bool (the shape's bounding box), ``shape_masks`` (N, H, W) bool
    (the shape's pixels).

    Example
    -------
    >>> data = shapes_localisation(6, size=24, seed=1)
    >>> tuple(data.images.shape), data.labels.tolist().count(0)
    ((6, 1, 24, 24), 2)
    """
    import torch

    n = check_int(n, "n", minimum=1)
    size = check_int(size, "size", minimum=12)
    min_shape = check_int(min_shape, "min_shape", minimum=5)
    max_shape = check_int(max_shape, "max_shape", minimum=5)
    if min_shape > max_shape:
        raise ValueError(
            f"min_shape must be at most max_shape = {max_shape} (the sides are drawn from min_shape to max_shape); "
            f"got min_shape={min_shape}."
        )
    max_shape = check_int(max_shape, "max_shape", minimum=min_shape)
    if max_shape > size - 4:
        raise ValueError(f"max_shape must be at most size - 4 = {size - 4} so the shape fits with a margin; got {max_shape}.")
    n_distractors = check_int(n_distractors, "n_distractors", minimum=0, maximum=8)
    noise = check_float(noise, "noise", minimum=0.0)
    seed = check_int(seed, "seed", minimum=0)
    check_elements(n * size * size * 4, {"n": n, "size": size})

    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % len(SHAPE_CLASSES))
    images = np.zeros((n, size, size))
    boxes = np.zeros((n, size, size), dtype=bool)
    stencils = np.zeros((n, size, size), dtype=bool)
    for i, label in enumerate(labels):
        side = int(rng.integers(min_shape, max_shape + 1))
        top, left = (int(v) for v in rng.integers(1, size - side, size=2))
        stencil = draw_shape(SHAPE_CLASSES[label], side)
        stencils[i, top : top + side, left : left + side] = stencil
        boxes[i, top : top + side, left : left + side] = True
        # keep distractors one pixel away from the box, so the box holds only the shape
        forbidden = np.zeros((size, size), dtype=bool)
        forbidden[max(top - 1, 0) : top + side + 1, max(left - 1, 0) : left + side + 1] = True
        placed = 0
        for _ in range(200):
            if placed == n_distractors:
                break
            h, w = (int(v) for v in rng.integers(2, 4, size=2))
            r, c = int(rng.integers(0, size - h + 1)), int(rng.integers(0, size - w + 1))
            if forbidden[r : r + h, c : c + w].any():
                continue
            images[i, r : r + h, c : c + w] = 1.0
            forbidden[max(r - 1, 0) : r + h + 1, max(c - 1, 0) : c + w + 1] = True
            placed += 1
    images = np.minimum(1.0, images + stencils)  # (N, H, W), shapes and blobs of intensity 1
    images = images + noise * rng.standard_normal(images.shape)
    return ShapesData(
        images=torch.from_numpy(images[:, None].astype(np.float32)),  # (N, 1, H, W)
        labels=torch.from_numpy(labels.astype(np.int64)),  # (N,)
        masks=torch.from_numpy(boxes),  # (N, H, W)
        shape_masks=torch.from_numpy(stencils),  # (N, H, W)
    )
