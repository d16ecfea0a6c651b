"""The training loop: :func:`fit`, :func:`evaluate` and the :class:`History` they record."""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from .._validation import check_float, check_int

__all__ = ["History", "fit", "evaluate"]


@dataclass
class History:
    """Per-epoch record returned by :func:`fit`.

    Attributes
    ----------
    metrics:
        ``{"loss": [...], "val_loss": [...], "val_accuracy": [...], ...}``, one value per
        completed epoch. Training metrics are averaged over the epoch's samples.
    best_epoch:
        Index (0-based) of the epoch with the lowest monitored value, or ``None``
        without validation data.
    stopped_early:
        True when early stopping ended training before ``epochs``.
    """

    metrics: dict[str, list[float]] = field(default_factory=dict)
    best_epoch: int | None = None
    stopped_early: bool = False

    def __getitem__(self, key: str) -> list[float]:
        return self.metrics[key]

    def __contains__(self, key: str) -> bool:
        return key in self.metrics

    @property
    def epochs(self) -> int:
        """Number of completed epochs."""
        return len(next(iter(self.metrics.values()), []))

    def append(self, values: Mapping[str, float]) -> None:
        """Record one epoch's ``{name: value}``."""
        if not isinstance(values, Mapping):
            raise TypeError(f"values must be a mapping {{name: number}}; got {type(values).__name__}.")
        if not values:
            raise ValueError("values must hold at least one {name: number} for the epoch; got {}.")
        for key, value in values.items():
            self.metrics.setdefault(key, []).append(float(value))


def _to_device(batch: Any, dev: Any) -> Any:
    if hasattr(batch, "to"):
        return batch.to(dev)
    if isinstance(batch, (list, tuple)):
        return type(batch)(_to_device(b, dev) for b in batch)
    return batch


def _check_callable(fn: Any, name: str, example: str) -> None:
    if not callable(fn):
        raise TypeError(f"{name} must be a function such as {example}; got {type(fn).__name__}.")


def _check_data(data: Any, name: str) -> None:
    if data is None or isinstance(data, (str, bytes)) or not hasattr(data, "__iter__"):
        raise TypeError(
            f"{name} must be an iterable of (inputs, targets) batches such as a DataLoader; "
            f"got {type(data).__name__}."
        )


def _check_model(model: Any) -> None:
    if not hasattr(model, "parameters") or not hasattr(model, "training") or not callable(model):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")


def _split(batch: Any, name: str = "data") -> tuple[Any, Any]:
    if not isinstance(batch, (list, tuple)) or len(batch) != 2:
        raise ValueError(
            f"each batch of {name} must be a pair (inputs, targets), as a DataLoader over a "
            f"TensorDataset(x, y) yields; got {type(batch).__name__} of length "
            f"{len(batch) if hasattr(batch, '__len__') else '?'}."
        )
    return batch[0], batch[1]


def _batch_size(x: Any) -> int:
    return int(x.shape[0]) if hasattr(x, "shape") and len(x.shape) else 1


def evaluate(
    model: Any,
    data: Iterable,
    loss_fn: Callable,
    *,
    metrics: Mapping[str, Callable[[Any, Any], float]] | None = None,
    device: Any = None,
) -> dict[str, float]:
    """Average ``loss_fn`` (and each metric) over ``data`` with gradients off.

    Metrics are functions ``metric(outputs, targets) -> float`` averaged per sample,
    e.g. ``{"accuracy": lambda out, y: (out.argmax(1) == y).float().mean().item()}``.
    Returns ``{"loss": ..., **metrics}``.
    """
    import torch

    _check_model(model)
    _check_data(data, "data")
    _check_callable(loss_fn, "loss_fn", "nn.CrossEntropyLoss()")
    metrics = dict(metrics or {})
    totals = {"loss": 0.0, **{k: 0.0 for k in metrics}}
    count = 0
    was_training = model.training
    model.eval()
    with torch.no_grad():
        for batch in data:
            x, y = _split(_to_device(batch, device) if device is not None else batch)
            out = model(x)
            n = _batch_size(x)
            totals["loss"] += float(loss_fn(out, y)) * n
            for key, fn in metrics.items():
                totals[key] += float(fn(out, y)) * n
            count += n
    model.train(was_training)
    if count == 0:
        raise ValueError("data must yield at least one batch; it yielded none.")
    return {k: v / count for k, v in totals.items()}


def fit(
    model: Any,
    train_data: Iterable,
    loss_fn: Callable,
    optimizer: Any,
    *,
    epochs: int = 10,
    val_data: Iterable | None = None,
    metrics: Mapping[str, Callable[[Any, Any], float]] | None = None,
    patience: int | None = None,
    monitor: str = "val_loss",
    min_delta: float = 0.0,
    restore_best: bool = True,
    clip_grad_norm: float | None = None,
    device: Any = None,
    progress: bool = False,
    on_epoch_end: Callable[[int, dict[str, float]], None] | None = None,
) -> History:
    """Train ``model`` with mini-batch gradient descent and return its :class:`History`.

    Each epoch visits every batch of ``train_data`` once (one iteration per batch):
    forward pass, ``loss = loss_fn(model(x), y)``, ``optimizer.zero_grad()``,
    ``loss.backward()``, optional gradient-norm clipping, ``optimizer.step()``.
    With ``val_data``, the model is evaluated after each epoch; with ``patience``,
    training stops once ``monitor`` has not improved by more than ``min_delta`` for
    ``patience`` consecutive epochs (early stopping), and with ``restore_best`` the
    weights of the best epoch are put back.

    Parameters
    ----------
    model:
        A ``torch.nn.Module``.
    train_data, val_data:
        Iterables of ``(inputs, targets)`` batches, e.g. ``torch.utils.data.DataLoader``.
    loss_fn:
        ``loss_fn(outputs, targets) -> scalar tensor``, e.g. ``nn.CrossEntropyLoss()``.
    optimizer:
        A ``torch.optim.Optimizer`` over ``model.parameters()``.
    epochs:
        Maximum number of passes over ``train_data`` (>= 1).
    metrics:
        Extra per-batch metrics ``fn(outputs, targets) -> float``, reported for the
        training data as ``name`` and for validation as ``val_name``.
    patience:
        Epochs without improvement before stopping; ``None`` disables early stopping.
        Requires ``val_data`` unless ``monitor`` is a training metric such as ``"loss"``.
    monitor:
        The history key watched for early stopping and ``best_epoch``; lower is better
        for keys containing ``"loss"``, higher is better otherwise.
    clip_grad_norm:
        If given, rescale gradients so their global L2 norm is at most this value.
    device:
        Where batches are moved before the forward pass; ``None`` leaves them as they are.
    progress:
        Show a tqdm progress bar over epochs (default off, the book's convention).
    on_epoch_end:
        Called as ``on_epoch_end(epoch, values)`` after each epoch, e.g. to record weights.

    Returns
    -------
    History
        One entry per completed epoch for ``loss``, each metric, and their ``val_`` twins.
        The epoch's ``loss`` (and each training metric) is the mean over the epoch's
        samples: each batch's value weighted by its batch size, so a short last batch
        counts for its size only. :meth:`dlcourse.mlp.MLP.fit` averages the same way.

    Example
    -------
    >>> import torch
    >>> from torch import nn
    >>> from torch.utils.data import DataLoader, TensorDataset
    >>> _ = torch.manual_seed(0)
    >>> x = torch.randn(64, 3); y = x @ torch.tensor([1.0, -2.0, 0.5])
    >>> model = nn.Linear(3, 1)
    >>> hist = fit(model, DataLoader(TensorDataset(x, y[:, None]), batch_size=16),
    ...            nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1),
    ...            epochs=30, progress=False)
    >>> hist["loss"][-1] < 1e-3
    True
    """
    import torch
    from tqdm.auto import tqdm

    epochs = check_int(epochs, "epochs", minimum=1)
    if patience is not None:
        patience = check_int(patience, "patience", minimum=1)
    min_delta = check_float(min_delta, "min_delta", minimum=0.0)
    if clip_grad_norm is not None:
        clip_grad_norm = check_float(clip_grad_norm, "clip_grad_norm", minimum=0.0, strict_minimum=True)
    _check_model(model)
    _check_data(train_data, "train_data")
    if val_data is not None:
        _check_data(val_data, "val_data")
    _check_callable(loss_fn, "loss_fn", "nn.CrossEntropyLoss()")
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False; got {type(progress).__name__}.")
    if not hasattr(optimizer, "step") or not hasattr(optimizer, "zero_grad"):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer; got {type(optimizer).__name__}.")
    if not isinstance(monitor, str):
        raise TypeError(f"monitor must be a history key such as 'val_loss'; got {type(monitor).__name__}.")
    if monitor.startswith("val_") and val_data is None and patience is not None:
        raise ValueError(
            f"patience={patience} watches monitor={monitor!r}, which needs val_data; "
            "pass val_data=... or monitor='loss'."
        )
    metrics = dict(metrics or {})
    history = History()
    higher_is_better = "loss" not in monitor
    best = -math.inf if higher_is_better else math.inf
    best_state = None
    waited = 0

    bar = tqdm(range(epochs), desc="epochs", disable=not progress, leave=False)
    for epoch in bar:
        model.train()
        totals = {"loss": 0.0, **{k: 0.0 for k in metrics}}
        count = 0
        for batch in train_data:
            x, y = _split(_to_device(batch, device) if device is not None else batch, "train_data")
            out = model(x)
            loss = loss_fn(out, y)
            optimizer.zero_grad()
            loss.backward()
            if clip_grad_norm is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip_grad_norm)
            optimizer.step()
            n = _batch_size(x)
            totals["loss"] += float(loss.detach()) * n
            with torch.no_grad():
                for key, fn in metrics.items():
                    totals[key] += float(fn(out, y)) * n
            count += n
        if count == 0:
            raise ValueError("train_data must yield at least one batch; it yielded none.")
        values = {k: v / count for k, v in totals.items()}
        if not math.isfinite(values["loss"]):
            raise FloatingPointError(
                f"the training loss became {values['loss']} in epoch {epoch}; lower the "
                "learning rate or clip the gradients (clip_grad_norm=1.0)."
            )
        if val_data is not None:
            try:
                val = evaluate(model, val_data, loss_fn, metrics=metrics, device=device)
            except ValueError as err:  # name the argument the caller passed
                raise ValueError(str(err).replace("data must yield", "val_data must yield")
                                 .replace("batch of data", "batch of val_data")) from None
            values.update({f"val_{k}": v for k, v in val.items()})
        history.append(values)
        if on_epoch_end is not None:
            on_epoch_end(epoch, values)
        bar.set_postfix({k: f"{v:.4g}" for k, v in values.items()})

        if monitor not in values:
            if patience is not None or val_data is not None:
                raise ValueError(f"monitor={monitor!r} is not among the recorded keys {sorted(values)}.")
            continue
        current = values[monitor]
        improved = current > best + min_delta if higher_is_better else current < best - min_delta
        if improved:
            best, waited, history.best_epoch = current, 0, epoch
            if restore_best and patience is not None:
                best_state = copy.deepcopy(model.state_dict())
        else:
            waited += 1
            if patience is not None and waited >= patience:
                history.stopped_early = True
                break
    bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    return history
