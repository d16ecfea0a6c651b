"""Several seeds as one batched model: :func:`fit_seeds` and the :class:`SeedRuns` it returns."""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from .._validation import check_float, check_int
from .loop import History, _batch_size, _check_callable, _check_data, _split, _to_device

__all__ = ["SeedRuns", "fit_seeds"]


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
        recorded = sorted(self.histories[0].metrics) if self.histories else []
        if not isinstance(key, str) or key not in recorded:
            raise KeyError(f"key {key!r} was not recorded; the recorded keys are {recorded}.")
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
    _check_callable(make_model, "make_model", "lambda: nn.Linear(3, 1)")
    _check_callable(loss_fn, "loss_fn", "nn.CrossEntropyLoss()")
    _check_callable(make_optimizer, "make_optimizer", "lambda params: torch.optim.Adam(params, lr=1e-3)")
    _check_data(train_data, "train_data")
    if val_data is not None:
        _check_data(val_data, "val_data")
    if seeds is None or isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a list of integer seeds such as range(5); got {type(seeds).__name__}.")
    seeds = [check_int(s, f"seeds[{i}]", minimum=0) for i, s in enumerate(seeds)]
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

    def run_epoch(data: Iterable, train: bool, name: str) -> list[dict[str, float]]:
        base.train(train)
        totals = [{k: 0.0 for k in metrics} for _ in range(K)]
        loss_sum = torch.zeros(K, dtype=torch.float64)  # one tensor: no K conversions per batch
        count = 0
        for batch in data:
            x, y = _split(_to_device(batch, device) if device is not None else batch, name)
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
            raise ValueError(f"{name} must yield at least one batch; it yielded none.")
        return [{"loss": float(s) / count, **{key: v / count for key, v in t.items()}}
                for s, t in zip(loss_sum, totals)]

    for epoch in range(epochs):
        values = run_epoch(train_data, train=True, name="train_data")
        bad = [s for s, v in zip(seeds, values) if not math.isfinite(v["loss"])]
        if bad:
            raise FloatingPointError(
                f"the training loss became non-finite in epoch {epoch} for seeds {bad}; lower the "
                "learning rate or clip the gradients (clip_grad_norm=1.0)."
            )
        if val_data is not None:
            for v, val in zip(values, run_epoch(val_data, train=False, name="val_data")):
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
