"""A small, readable training loop for the chapters' PyTorch models.

:func:`fit` is what the chapters use once they have written the loop out by hand
once (chapter 2). It does nothing magic::

    for epoch in range(epochs):
        for xb, yb in train_data:          # one iteration per mini-batch
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad(); loss.backward(); optimizer.step()
        evaluate on val_data; stop early if it has not improved for `patience` epochs
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from ._validation import check_float, check_int

__all__ = ["History", "fit", "evaluate", "fit_seeds", "SeedRuns"]


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
        for key, value in values.items():
            self.metrics.setdefault(key, []).append(float(value))


def _to_device(batch: Any, dev: Any) -> Any:
    if hasattr(batch, "to"):
        return batch.to(dev)
    if isinstance(batch, (list, tuple)):
        return type(batch)(_to_device(b, dev) for b in batch)
    return batch


def _split(batch: Any) -> tuple[Any, Any]:
    if not isinstance(batch, (list, tuple)) or len(batch) != 2:
        raise ValueError(
            "each batch must be a pair (inputs, targets), as a DataLoader over a "
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
    progress: bool = True,
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
        Show a tqdm progress bar over epochs; switch off for tests and quiet notebooks.
    on_epoch_end:
        Called as ``on_epoch_end(epoch, values)`` after each epoch, e.g. to record weights.

    Returns
    -------
    History
        One entry per completed epoch for ``loss``, each metric, and their ``val_`` twins.

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
    if not hasattr(model, "parameters") or not callable(model):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    if not hasattr(optimizer, "step") or not hasattr(optimizer, "zero_grad"):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer; got {type(optimizer).__name__}.")
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
            x, y = _split(_to_device(batch, device) if device is not None else batch)
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
            val = evaluate(model, val_data, loss_fn, metrics=metrics, device=device)
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


@dataclass
class SeedRuns:
    """What :func:`fit_seeds` returns: one trained model and one :class:`History` per seed.

    Attributes
    ----------
    seeds:
        The seeds, in order.
    models:
        ``models[k]`` is an ordinary ``torch.nn.Module`` with the weights seed ``seeds[k]``
        reached, as if it had been trained on its own.
    histories:
        ``histories[k]`` records seed ``seeds[k]``'s epochs, as :func:`fit` would.
    predict:
        ``predict(x)`` runs all K models at once (in evaluation mode, without gradients)
        and returns their outputs stacked, ``(K, ...)``.
    """

    seeds: list[int]
    models: list[Any]
    histories: list[History]
    predict: Callable[[Any], Any]

    def metric(self, key: str) -> list[float]:
        """The last epoch's value of ``key`` for every seed, e.g. ``runs.metric("val_accuracy")``."""
        return [h[key][-1] for h in self.histories]


def fit_seeds(
    make_model: Callable[[], Any],
    seeds: Iterable[int],
    train_data: Iterable,
    loss_fn: Callable,
    make_optimizer: Callable[[list], Any],
    *,
    epochs: int = 10,
    val_data: Iterable | None = None,
    metrics: Mapping[str, Callable[[Any, Any], float]] | None = None,
    clip_grad_norm: float | None = None,
    randomness: str = "error",
    device: Any = None,
) -> SeedRuns:
    """Train one model per seed, all K of them as one batched model: K seeds for about the price of one.

    Equal to K separate runs of::

        torch.manual_seed(seed); model = make_model()
        fit(model, train_data, loss_fn, make_optimizer(model.parameters()), epochs=epochs, ...)

    (same seeds, same batches in the same order; the tests check the weights agree to 1e-6).
    The K models' parameters are stacked along a new first dimension
    (``torch.func.stack_module_state``) and the forward pass is vectorised over it
    (``torch.func.vmap``), so each operation runs once for all K models instead of K
    times: on the book's small models the per-operation overhead of PyTorch, not the
    arithmetic, is most of the time, and it is paid once. The summed loss
    :math:`\\sum_k \\ell_k` has gradient :math:`\\partial \\ell_k / \\partial \\theta_k` for
    model :math:`k`'s parameters, so one backward pass gives every model its own gradient.

    Parameters
    ----------
    make_model:
        Builds one model (called after ``torch.manual_seed(seed)``, once per seed).
    seeds:
        The seeds, e.g. ``range(5)``.
    train_data, val_data, loss_fn, epochs, metrics, device:
        As in :func:`fit`; every model sees the same batches. ``loss_fn`` must reduce to a
        scalar per model (a mean over the batch, the default of PyTorch's losses).
    make_optimizer:
        Builds the optimizer from a list of (stacked) parameters, e.g.
        ``lambda params: torch.optim.Adam(params, lr=1e-3)``. It must update each number
        on its own, as SGD (with momentum or weight decay), Adam, AdamW and RMSprop do;
        then one optimizer over the stacked parameters is K independent ones.
    clip_grad_norm:
        Rescale each model's gradient to L2 norm at most this value (per model, as
        :func:`fit` does for one).
    randomness:
        ``vmap``'s handling of random operations in the forward pass (dropout):
        ``"error"`` (default) refuses them; ``"different"`` gives each model its own
        random draws, which are then not the draws a separate run would make.

    Limits: ``torch.nn.RNN``/``LSTM``/``GRU`` cannot be vectorised by ``vmap`` (their fused
    kernels have no batching rule); use :mod:`dlcourse.rnn`'s modules, which compute the
    same numbers. No early stopping (it would stop the models at different epochs).

    Example
    -------
    >>> import torch
    >>> from torch import nn
    >>> from torch.utils.data import DataLoader, TensorDataset
    >>> x = torch.randn(64, 3); y = x @ torch.tensor([1.0, -2.0, 0.5])
    >>> runs = fit_seeds(lambda: nn.Linear(3, 1), range(5),
    ...                  DataLoader(TensorDataset(x, y[:, None]), batch_size=16), nn.MSELoss(),
    ...                  lambda params: torch.optim.SGD(params, lr=0.1), epochs=30)
    >>> len(runs.models), max(runs.metric("loss")) < 1e-3
    (5, True)
    """
    import torch
    from torch.func import functional_call, stack_module_state, vmap

    epochs = check_int(epochs, "epochs", minimum=1)
    if clip_grad_norm is not None:
        clip_grad_norm = check_float(clip_grad_norm, "clip_grad_norm", minimum=0.0, strict_minimum=True)
    if randomness not in ("error", "different", "same"):
        raise ValueError(f"randomness must be 'error', 'different' or 'same'; got {randomness!r}.")
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed; got none.")
    models = []
    for seed in seeds:
        torch.manual_seed(seed)
        model = make_model()
        if not hasattr(model, "parameters") or not callable(model):
            raise TypeError(f"make_model must return a torch.nn.Module; got {type(model).__name__}.")
        models.append(model.to(device) if device is not None else model)
    params, buffers = stack_module_state(models)  # name -> (K, ...) leaf tensors
    base = copy.deepcopy(models[0]).to("meta")  # the architecture only; weights come from params

    def one(p: dict, b: dict, x: Any) -> Any:
        return functional_call(base, (p, b), (x,))

    forward = vmap(one, in_dims=(0, 0, None), randomness=randomness)  # (K, ...) outputs

    def losses(p: dict, b: dict, x: Any, y: Any) -> tuple[Any, Any]:
        out = one(p, b, x)
        return loss_fn(out, y), out

    batched_losses = vmap(losses, in_dims=(0, 0, None, None), randomness=randomness)  # (K,), (K, ...)
    tensors = list(params.values())
    optimizer = make_optimizer(tensors)
    if not hasattr(optimizer, "step") or not hasattr(optimizer, "zero_grad"):
        raise TypeError(f"make_optimizer must return a torch.optim.Optimizer; got {type(optimizer).__name__}.")
    metrics = dict(metrics or {})
    K = len(seeds)
    histories = [History() for _ in seeds]

    def run_epoch(data: Iterable, train: bool) -> list[dict[str, float]]:
        base.train(train)
        totals = [{k: 0.0 for k in metrics} for _ in range(K)]
        loss_sum = torch.zeros(K, dtype=torch.float64)  # one tensor: no K conversions per batch
        count = 0
        for batch in data:
            x, y = _split(_to_device(batch, device) if device is not None else batch)
            with torch.set_grad_enabled(train):
                loss, out = batched_losses(params, buffers, x, y)  # (K,), (K, ...)
            if train:
                optimizer.zero_grad()
                loss.sum().backward()  # model k's parameters get d loss_k / d theta_k
                if clip_grad_norm is not None:
                    norms = torch.sqrt(sum((t.grad.reshape(K, -1) ** 2).sum(1) for t in tensors))  # (K,)
                    scale = (clip_grad_norm / (norms + 1e-6)).clamp(max=1.0)
                    for t in tensors:
                        t.grad.mul_(scale.reshape((K,) + (1,) * (t.dim() - 1)))
                optimizer.step()
            n = _batch_size(x)
            with torch.no_grad():
                loss_sum += loss.detach().to("cpu", torch.float64) * n
                for k in range(K) if metrics else ():
                    for key, fn in metrics.items():
                        totals[k][key] += float(fn(out[k].detach(), y)) * n
            count += n
        if count == 0:
            raise ValueError("the data must yield at least one batch; it yielded none.")
        return [{"loss": float(s) / count, **{key: v / count for key, v in t.items()}}
                for s, t in zip(loss_sum, totals)]

    for epoch in range(epochs):
        values = run_epoch(train_data, train=True)
        bad = [s for s, v in zip(seeds, values) if not math.isfinite(v["loss"])]
        if bad:
            raise FloatingPointError(
                f"the training loss became non-finite in epoch {epoch} for seeds {bad}; lower the "
                "learning rate or clip the gradients (clip_grad_norm=1.0)."
            )
        if val_data is not None:
            for v, val in zip(values, run_epoch(val_data, train=False)):
                v.update({f"val_{key}": x for key, x in val.items()})
        for h, v in zip(histories, values):
            h.append(v)
    with torch.no_grad():  # the trained weights back into K ordinary modules
        for k, model in enumerate(models):
            for name, p in model.named_parameters():
                p.copy_(params[name][k])
            for name, b in model.named_buffers():
                if name in buffers:
                    b.copy_(buffers[name][k])

    def predict(x: Any) -> Any:
        base.eval()
        with torch.no_grad():
            return forward(params, buffers, x)

    return SeedRuns(seeds, models, histories, predict)
