"""Checks and conversions of arrays and tensors: shapes, finiteness, real and label arrays, token ids."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .arguments import _type_name, check_int

__all__ = [
    "format_shape",
    "check_ndim",
    "check_shape",
    "check_finite",
    "as_float_array",
    "check_token_ids",
    "to_numpy",
    "as_real_array",
    "check_class_ids",
]


def format_shape(shape: Sequence[Any]) -> str:
    """Format a shape such as ``(None, 3)`` as ``(*, 3)``."""
    parts = ["*" if s is None else str(s) for s in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def check_ndim(array: Any, name: str, ndim: int | Sequence[int], *, names: str | None = None) -> None:
    """Raise ``ValueError`` unless ``array.ndim`` is ``ndim`` (or one of them).

    ``names`` describes the expected axes, e.g. ``"(batch, seq_len, input_size)"``.
    """
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    actual = getattr(array, "ndim", None)
    if actual is None:
        raise TypeError(f"{name} must be an array or tensor; got {_type_name(array)}.")
    if actual not in allowed:
        want = " or ".join(str(a) for a in allowed)
        hint = f" {names}" if names else ""
        raise ValueError(
            f"{name} must be {want}-dimensional{hint}; got shape {format_shape(tuple(array.shape))} "
            f"({actual}-dimensional)."
        )


def check_shape(array: Any, name: str, shape: Sequence[int | None], *, names: str | None = None) -> None:
    """Raise ``ValueError`` unless ``array`` has ``shape``; ``None`` matches any size.

    Example message: ``x must have shape (batch, seq_len, input_size) = (*, *, 8); got (4, 8).``
    """
    actual = getattr(array, "shape", None)
    if actual is None:
        raise TypeError(f"{name} must be an array or tensor; got {_type_name(array)}.")
    actual = tuple(int(s) for s in actual)
    ok = len(actual) == len(shape) and all(e is None or e == a for e, a in zip(shape, actual))
    if not ok:
        label = f"{names} = " if names else ""
        raise ValueError(
            f"{name} must have shape {label}{format_shape(shape)}; got {format_shape(actual)}."
        )


def check_finite(array: Any, name: str) -> None:
    """Raise ``ValueError`` if ``array`` holds NaN or infinity, saying where the first one is."""
    values = np.asarray(array.detach().cpu() if hasattr(array, "detach") else array, dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} must contain only finite numbers; found {'NaN' if np.isnan(values[index]) else values[index]} "
            f"at index {index} "
            f"({int(bad.sum())} non-finite value(s) in all)."
        )


def as_float_array(
    value: Any,
    name: str,
    *,
    ndim: int | Sequence[int] | None = None,
    finite: bool = False,
    names: str | None = None,
) -> np.ndarray:
    """Return ``value`` as a float64 ``np.ndarray``, rejecting what would convert wrongly.

    ``np.asarray(value, dtype=float)`` silently drops imaginary parts, turns ``None``
    into NaN and fails deep inside NumPy on strings; this helper raises instead, with
    a message that names the argument, says what was expected, what was received and
    how to fix it.

    Args:
        value: an array-like of real numbers (list, tuple, scalar, ``np.ndarray`` or a
            ``torch.Tensor``, which is detached and moved to the CPU).
        name: the argument's name, used in the message.
        ndim: if given, the required number of dimensions (or a sequence of them).
        finite: if True, also reject NaN and infinity.
        names: optional description of the axes for the ``ndim`` message,
            e.g. ``"(n_samples, n_features)"``.

    Returns:
        The values as a float64 array (a copy only where the conversion needs one).

    Raises:
        TypeError: ``value`` is None, holds strings, objects or complex numbers.
        ValueError: ragged nesting, wrong ``ndim``, or (``finite=True``) NaN/inf.

    Example:
        >>> as_float_array([1, 2], "y")
        array([1., 2.])
        >>> as_float_array([1 + 5j, 2], "y")
        Traceback (most recent call last):
        ...
        TypeError: y must hold real numbers; got a complex array (dtype complex128). Pass the real part (np.real(y)) or the magnitude (np.abs(y)) explicitly.
    """
    if value is None:
        raise TypeError(
            f"{name} must be an array-like of real numbers; got None. "
            f"Pass a list, NumPy array or tensor of numbers."
        )
    if isinstance(value, (str, bytes)):
        raise TypeError(
            f"{name} must be an array-like of real numbers; got {_type_name(value)} "
            f"({value!r:.60}). Convert the text to numbers first."
        )
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu().numpy()
    try:
        raw = np.asarray(value)
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"{name} must be a rectangular array-like of real numbers; got a "
            f"{_type_name(value)} that NumPy cannot convert ({err}). "
            f"Make every row the same length."
        ) from None
    kind = raw.dtype.kind
    if kind == "c":
        raise TypeError(
            f"{name} must hold real numbers; got a complex array (dtype {raw.dtype}). "
            f"Pass the real part (np.real({name})) or the magnitude (np.abs({name})) explicitly."
        )
    if kind not in "biuf":
        what = {"U": "strings", "S": "bytes", "O": "Python objects"}.get(kind, f"dtype {raw.dtype}")
        example = raw.ravel()[0] if raw.size else None
        if isinstance(example, np.generic):
            example = example.item()
        raise TypeError(
            f"{name} must hold real numbers; got an array of {what} (dtype {raw.dtype}"
            f"{'' if example is None else f', first element {example!r:.40}'}). "
            f"Convert the values to numbers first (e.g. np.asarray({name}, dtype=float))."
        )
    array = raw.astype(float, copy=False)
    if ndim is not None:
        check_ndim(array, name, ndim, names=names)
    if finite:
        check_finite(array, name)
    return array


def check_token_ids(ids: Any, name: str, vocab_size: int, *, what: str = "token") -> None:
    """Raise unless ``ids`` is an integer ``torch.Tensor`` of ids in ``0..vocab_size - 1``.

    Replaces PyTorch's ``IndexError: index out of range in self`` (from ``nn.Embedding``)
    with a message that names the argument, the first bad id, its index and the
    vocabulary size. Works without importing torch at module level.

    Args:
        ids: the ids, any shape.
        name: the argument's name, used in the message.
        vocab_size: the number of ids the model knows.
        what: the word for one id in the message (``"token"``, ``"word"``, ``"character"``).

    Raises:
        TypeError: ``ids`` is not a tensor, or holds floats, booleans or complex numbers.
        ValueError: an id is negative or >= ``vocab_size``.

    Example:
        >>> import torch
        >>> check_token_ids(torch.tensor([[0, 4], [2, 1]]), "src", 5)
        >>> check_token_ids(torch.tensor([[0, 4], [7, 1]]), "src", 5)
        Traceback (most recent call last):
        ...
        ValueError: src must hold token ids in 0..4 (the vocabulary has 5 tokens); got 7 at index (1, 0). Encode the text with the vocabulary the model was built for.
    """
    import torch

    vocab_size = check_int(vocab_size, "vocab_size", minimum=1)
    if not isinstance(ids, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor of {what} ids; got {_type_name(ids)}. "
            f"Convert it first, e.g. torch.as_tensor({name}, dtype=torch.long)."
        )
    if ids.is_floating_point() or ids.is_complex() or ids.dtype == torch.bool:
        raise TypeError(
            f"{name} must hold integer {what} ids; got dtype {ids.dtype}. "
            f"Pass {name}.long() if the values are whole numbers."
        )
    if ids.numel() == 0:
        return
    bad = (ids < 0) | (ids >= vocab_size)
    if bool(bad.any()):
        where = tuple(int(i) for i in torch.nonzero(bad)[0])
        raise ValueError(
            f"{name} must hold {what} ids in 0..{vocab_size - 1} (the vocabulary has {vocab_size} {what}s); "
            f"got {int(ids[where])} at index {where}. Encode the text with the vocabulary the model was built for."
        )


def to_numpy(value: Any) -> np.ndarray:
    """``value`` as an ``np.ndarray``, its dtype kept; a ``torch.Tensor`` is detached and moved to the CPU."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def as_real_array(value: Any, name: str, *, expected: str, fix: str) -> np.ndarray:
    """Return ``value`` as an ``np.ndarray`` of booleans, integers or floats, its dtype kept.

    For labels and targets, where the dtype carries meaning (integer class labels
    against one-hot float rows) so :func:`as_float_array` would lose it. ``expected``
    completes "``name`` must ..." and ``fix`` says how to repair a wrong value.

    Raises:
        TypeError: ``value`` is None, a string, or converts to strings, objects or complex numbers.

    Example:
        >>> as_real_array([0, 2], "y", expected="hold integer class labels", fix="Encode them.")
        array([0, 2])
        >>> as_real_array(["a"], "y", expected="hold integer class labels", fix="Encode them.")
        Traceback (most recent call last):
        ...
        TypeError: y must hold integer class labels; got dtype <U1. Encode them.
    """
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must {expected}; got {_type_name(value)}. {fix}")
    array = to_numpy(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must {expected}; got dtype {array.dtype}. {fix}")
    return array


def check_class_ids(ids: Any, name: str, num_classes: int, *, source: str, mask: Any = None) -> None:
    """Raise ``ValueError`` unless the integer tensor ``ids`` holds class ids in ``0..num_classes - 1``.

    For targets scored against logits (a cross-entropy): ``source`` says where
    ``num_classes`` comes from (``"logits.shape[-1]"``), so the message names both
    arguments; with a boolean ``mask`` only the positions where it is True are checked
    (padding may hold any id).

    Example:
        >>> import torch
        >>> check_class_ids(torch.tensor([[1, 7]]), "targets", 5, source="logits.shape[-1]")
        Traceback (most recent call last):
        ...
        ValueError: targets must hold class ids in 0..4 (K = logits.shape[-1] = 5); got 7 at index (0, 1). Encode the targets with the model's vocabulary.
    """
    import torch

    bad = (ids < 0) | (ids >= num_classes)
    if mask is not None:
        bad = bad & mask
    if bool(bad.any()):
        where = tuple(int(i) for i in torch.nonzero(bad)[0])
        real = " at the real positions" if mask is not None else ""
        raise ValueError(
            f"{name} must hold class ids in 0..{num_classes - 1}{real} (K = {source} = {num_classes}); "
            f"got {int(ids[where])} at index {where}. Encode the targets with the model's vocabulary."
        )
