r"""Neural one-step forecasters on sliding windows: MLP, RNN, LSTM and GRU (``torch.nn``).

The recurrent models are the professional ``torch.nn.RNN``, ``torch.nn.LSTM`` and
``torch.nn.GRU`` (chapters 6 and 7 build them from scratch and prove them equal).
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .._validation import check_choice, check_float, check_int, check_num_parameters
from .forecast import Forecaster, make_windows
from .stats import as_series_array

__all__ = ["KINDS", "NeuralForecaster", "SeedBatchForecaster"]

#: the model families :class:`NeuralForecaster` can build
KINDS = ("mlp", "rnn", "lstm", "gru")


@functools.lru_cache(maxsize=None)
def _window_net_class() -> Any:
    """The window network's class, built once on first use (torch is imported only then), so
    that every network is an instance of one class (comparable, picklable)."""
    import torch
    from torch import nn

    class WindowNet(nn.Module):
        r"""Map a window :math:`(z_{t-w}, \dots, z_{t-1})` to a forecast :math:`\hat z_t`.

        ``mlp``: :math:`\hat z_t = v^\top \tanh(W z_{t-w:t-1} + b) + c`.
        ``rnn``/``lstm``/``gru``: the recurrent layer reads the window one value at a time
        and a linear head maps the last hidden state :math:`h_{t-1}` to :math:`\hat z_t`.
        Input (B, w), output (B,).
        """

        def __init__(self, kind: str, window: int, hidden_size: int) -> None:
            super().__init__()
            self.kind = kind
            if kind == "mlp":
                self.body = nn.Sequential(nn.Linear(window, hidden_size), nn.Tanh())
            else:
                cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
                self.body = cls(input_size=1, hidden_size=hidden_size, batch_first=True)
            self.head = nn.Linear(hidden_size, 1)

        def forward(self, x: "torch.Tensor") -> "torch.Tensor":
            if self.kind == "mlp":
                h = self.body(x)  # (B, H)
            else:
                out, _ = self.body(x[..., None])  # (B, w, 1) -> (B, w, H)
                h = out[:, -1]  # (B, H): the state after the last value of the window
            return self.head(h).squeeze(-1)  # (B,)

    return WindowNet


def _window_net(kind: str, window: int, hidden_size: int) -> Any:
    return _window_net_class()(kind, window, hidden_size)


class _WindowForecaster(Forecaster):
    """What :class:`NeuralForecaster` and :class:`SeedBatchForecaster` share: the checked
    settings of the window network and the differencing of the series."""

    def _set_network(self, kind: str, window: int, hidden_size: int, lr: float, weight_decay: float, d: int) -> None:
        self.kind = check_choice(kind, "kind", KINDS)
        self.window = check_int(window, "window", minimum=1)
        self.hidden_size = check_int(hidden_size, "hidden_size", minimum=1)
        H = self.hidden_size  # the largest network of the kinds (an LSTM: 4 gates) bounds them all
        check_num_parameters(4 * H * (H + 3) + H * self.window + H + 1, "this window network",
                             "reduce hidden_size or window")
        self.lr = check_float(lr, "lr", minimum=0.0, strict_minimum=True)
        self.weight_decay = check_float(weight_decay, "weight_decay", minimum=0.0)
        self.d = check_int(d, "d", minimum=0, maximum=1)
        self.min_history = self.window + self.d

    def _transform(self, x: np.ndarray) -> np.ndarray:
        return x[1:] - x[:-1] if self.d else x

    def _scale(self, x: np.ndarray) -> tuple[float, float]:
        """Mean and standard deviation of the (differenced) training series, used to scale it."""
        z = self._transform(x)
        mean, std = float(z.mean()), float(z.std())
        if std == 0:
            raise ValueError(
                f"train must vary after differencing d={self.d} time(s); got a constant series (nothing to "
                f"learn, and scaling would divide by 0). Use a series that varies, or d=0 for a linear trend."
            )
        return mean, std


class NeuralForecaster(_WindowForecaster):
    r"""One-step forecaster: a small network on sliding windows of a scaled (optionally differenced) series.

    Training pairs come from :func:`~dlcourse.timeseries.make_windows` on the training part
    only. The series is first differenced ``d`` times (``d = 1`` lets the network model
    changes, which is what makes a trending series learnable), then standardised

    .. math:: z_t = (\nabla^d y_t - \mu) / \sigma

    with :math:`\mu, \sigma` the mean and standard deviation of the *training* part only (no
    information from the test period leaks into the scaling). The network is trained by
    full-batch Adam on the mean squared error of :math:`\hat z_t`; a forecast is mapped back
    by :math:`\hat y_t = y_{t-1} + \sigma \hat z_t + \mu` (``d = 1``) or
    :math:`\hat y_t = \sigma \hat z_t + \mu` (``d = 0``).

    Parameters
    ----------
    kind:
        ``"mlp"``, ``"rnn"``, ``"lstm"`` or ``"gru"``.
    window:
        Number :math:`w` of past (differenced) values the network sees.
    hidden_size, epochs, lr, weight_decay:
        Network width, full-batch Adam steps, learning rate, L2 penalty.
    d:
        0 or 1, the order of differencing before windowing.
    seed:
        Seeds the weight initialisation (``torch.manual_seed``), so a run is repeatable.

    Attributes: ``net_``, ``mean_``, ``std_``, ``loss_history_`` (training MSE per epoch).

    Example
    -------
    >>> import numpy as np
    >>> y = np.sin(np.arange(120) / 4)
    >>> model = NeuralForecaster("gru", window=8, epochs=50).fit(y[:100])
    >>> model.predict_one_step(y, 100).shape
    (20,)
    """

    def __init__(
        self,
        kind: str = "lstm",
        window: int = 12,
        hidden_size: int = 16,
        epochs: int = 200,
        lr: float = 0.01,
        weight_decay: float = 0.0,
        d: int = 0,
        seed: int = 0,
    ) -> None:
        self._set_network(kind, window, hidden_size, lr, weight_decay, d)
        self.epochs = check_int(epochs, "epochs", minimum=1)
        self.seed = check_int(seed, "seed", minimum=0)

    def fit(self, train: Any) -> "NeuralForecaster":
        """See :class:`~dlcourse.timeseries.Forecaster`."""
        import torch

        x = as_series_array(train, "train")
        z = self._transform(x)
        windows, targets = make_windows(z, self.window)  # raises if train is too short for the window
        self.mean_, self.std_ = self._scale(x)
        X = torch.tensor((windows - self.mean_) / self.std_, dtype=torch.float32)  # (N, w)
        Y = torch.tensor((targets[:, 0] - self.mean_) / self.std_, dtype=torch.float32)  # (N,)
        torch.manual_seed(self.seed)
        self.net_ = _window_net(self.kind, self.window, self.hidden_size)
        opt = torch.optim.Adam(self.net_.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        self.loss_history_ = []
        for _ in range(self.epochs):
            opt.zero_grad()
            loss = torch.mean((self.net_(X) - Y) ** 2)
            loss.backward()
            opt.step()
            self.loss_history_.append(float(loss.detach()))
        return self

    def predict_one_step(self, series: Any, start: int) -> np.ndarray:
        """See :class:`~dlcourse.timeseries.Forecaster`."""
        import torch

        if not hasattr(self, "net_"):
            raise RuntimeError("call fit(train) before predict_one_step.")
        x = as_series_array(series, "series")
        start = self._check_start(x, start)
        z = (self._transform(x) - self.mean_) / self.std_
        # the window for y_t ends at z index t - 1 - d (z is shorter by d)
        ends = np.arange(start, x.size) - self.d  # exclusive end in z for each t
        windows = z[ends[:, None] - self.window + np.arange(self.window)]  # (m, w)
        with torch.no_grad():
            z_hat = self.net_(torch.tensor(windows, dtype=torch.float32)).numpy().astype(float)  # (m,)
        step = z_hat * self.std_ + self.mean_
        return x[start - 1 : -1] + step if self.d else step


def _seed_stack(kind: str, window: int, hidden_size: int, seeds: list[int]) -> Any:
    r"""One module that holds the window networks of all ``seeds`` side by side: (N, w) -> (S, N).

    Seed ``s`` starts from exactly the weights of ``_window_net`` after ``torch.manual_seed(s)``
    (the initialisation of ``NeuralForecaster(seed=s)``). For the recurrent kinds the S networks
    become one ``torch.nn`` layer with :math:`S H` hidden units whose recurrent matrix is
    *block-diagonal*: unit block :math:`s` sees only its own previous state, so the blocks are S
    independent networks computed by one fast built-in kernel. A gradient hook keeps the blocks
    off the diagonal at exactly zero during training (Adam leaves a zero-gradient entry alone).
    The MLPs are stacked along a leading seed axis and run by batched products.
    """
    import torch

    nets = []
    for seed in seeds:
        torch.manual_seed(seed)
        nets.append(_window_net(kind, window, hidden_size))
    return _seed_stack_class()(kind, nets, hidden_size)


@functools.lru_cache(maxsize=None)
def _seed_stack_class() -> Any:
    """The class of :func:`_seed_stack`'s module, built once (see :func:`_window_net_class`)."""
    import torch
    from torch import nn

    class SeedStack(nn.Module):
        def __init__(self, kind: str, nets: list[Any], hidden_size: int) -> None:
            super().__init__()
            self.kind = kind
            S, H = len(nets), hidden_size
            self.S, self.H = S, H
            with torch.no_grad():
                self.head_w = nn.Parameter(torch.stack([n.head.weight[0] for n in nets]))  # (S, H)
                self.head_b = nn.Parameter(torch.cat([n.head.bias for n in nets]))  # (S,)
                if kind == "mlp":
                    self.W = nn.Parameter(torch.stack([n.body[0].weight for n in nets]))  # (S, H, w)
                    self.b = nn.Parameter(torch.stack([n.body[0].bias for n in nets]))  # (S, H)
                    return
                gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
                cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
                self.body = cls(input_size=1, hidden_size=S * H, batch_first=True)
                mask = torch.zeros(gates * S * H, S * H)
                for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
                    getattr(self.body, name).zero_()
                for s, n in enumerate(nets):
                    for g in range(gates):
                        rows = slice(g * S * H + s * H, g * S * H + (s + 1) * H)  # seed s's units of gate g
                        own = slice(g * H, (g + 1) * H)
                        self.body.weight_ih_l0[rows] = n.body.weight_ih_l0[own]
                        self.body.bias_ih_l0[rows] = n.body.bias_ih_l0[own]
                        self.body.bias_hh_l0[rows] = n.body.bias_hh_l0[own]
                        self.body.weight_hh_l0[rows, s * H : (s + 1) * H] = n.body.weight_hh_l0[own]
                        mask[rows, s * H : (s + 1) * H] = 1.0
            self.register_buffer("mask", mask)
            self.body.weight_hh_l0.register_hook(lambda grad: grad * self.mask)

        def forward(self, x: "torch.Tensor") -> "torch.Tensor":
            if self.kind == "mlp":
                h = torch.tanh(torch.einsum("nw,shw->snh", x, self.W) + self.b[:, None])  # (S, N, H)
                return torch.einsum("snh,sh->sn", h, self.head_w) + self.head_b[:, None]
            out, _ = self.body(x[..., None])  # (N, w, S H)
            h = out[:, -1].reshape(x.shape[0], self.S, self.H)  # (N, S, H): seed s's last state
            return (torch.einsum("nsh,sh->sn", h, self.head_w) + self.head_b[:, None])  # (S, N)

    return SeedStack


class SeedBatchForecaster(_WindowForecaster):
    r"""Several seeds of :class:`NeuralForecaster` trained at once, with the epochs chosen on validation.

    The seeds' networks are stacked along a leading *seed* axis and trained as one batched
    model: the loss is the sum of the seeds' mean squared errors, so each seed follows exactly
    the path it would follow alone (Adam works element by element), at the cost of little more
    than one run. Seed ``s`` starts from the same weights as ``NeuralForecaster(seed=s)``.

    **Epochs by validation.** With ``val_size`` :math:`v > 0`, :meth:`fit` first holds out the
    last :math:`v` values of the training part as a validation part, trains on the rest for
    ``max_epochs`` full-batch Adam steps and every ``eval_every`` steps computes each seed's
    rolling one-step RMSE on the validation part. Each seed's number of epochs is the one with
    the lowest validation RMSE (``epochs_``). The networks are then trained afresh on the whole
    training part, each seed for its own number of epochs. The test part is never seen.

    Parameters are those of :class:`NeuralForecaster` plus ``seeds`` (iterable of ints),
    ``max_epochs``, ``val_size`` and ``eval_every``. Attributes after :meth:`fit`:
    ``epochs_`` (S,), ``val_epochs_`` (the epochs evaluated), ``val_rmse_`` (S, len(val_epochs_)),
    ``mean_``, ``std_``, ``states_`` (the weights kept for each seed).

    :meth:`predict_one_step` returns one row per seed: shape (S, m), not (m,).
    """

    def __init__(
        self,
        kind: str = "lstm",
        window: int = 12,
        hidden_size: int = 16,
        max_epochs: int = 300,
        lr: float = 0.01,
        weight_decay: float = 0.0,
        d: int = 0,
        seeds: Any = range(5),
        val_size: int = 0,
        eval_every: int = 10,
    ) -> None:
        self._set_network(kind, window, hidden_size, lr, weight_decay, d)
        self.max_epochs = check_int(max_epochs, "max_epochs", minimum=1)
        if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
            raise TypeError(f"seeds must be an iterable of ints, e.g. range(5); got {type(seeds).__name__} ({seeds!r:.40}).")
        self.seeds = [check_int(s, f"seeds[{i}]", minimum=0) for i, s in enumerate(seeds)]
        if not self.seeds:
            raise ValueError("seeds must hold at least one seed.")
        self.val_size = check_int(val_size, "val_size", minimum=0)
        self.eval_every = check_int(eval_every, "eval_every", minimum=1)


    def _predict(self, net: Any, x: np.ndarray, start: int, mean: float, std: float) -> np.ndarray:
        import torch

        z = (self._transform(x) - mean) / std
        ends = np.arange(start, x.size) - self.d
        windows = z[ends[:, None] - self.window + np.arange(self.window)]  # (m, w)
        with torch.no_grad():
            z_hat = net(torch.tensor(windows, dtype=torch.float32)).numpy()  # (S, m)
        step = z_hat.astype(float) * std + mean
        return x[start - 1 : -1] + step if self.d else step

    def _train(self, x: np.ndarray, epochs: Any, val: np.ndarray | None = None) -> list[dict[str, Any]]:
        """Train all seeds on ``x``; return, for each seed s, the weights after ``epochs[s]`` steps.

        With ``val`` (the values after ``x``), also record validation RMSEs every ``eval_every`` steps.
        """
        import torch

        mean, std = self._scale(x)
        z = self._transform(x)
        windows, targets = make_windows(z, self.window)  # raises if x is too short for the window
        X = torch.tensor((windows - mean) / std, dtype=torch.float32)  # (N, w)
        Y = torch.tensor((targets[:, 0] - mean) / std, dtype=torch.float32)  # (N,)
        net = _seed_stack(self.kind, self.window, self.hidden_size, self.seeds)
        opt = torch.optim.Adam(net.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        epochs = np.asarray(epochs)
        kept: list[Any] = [None] * len(self.seeds)
        full = None if val is None else np.concatenate([x, val])
        curve, at = [], []
        for epoch in range(1, int(epochs.max()) + 1):
            opt.zero_grad()
            loss = ((net(X) - Y) ** 2).mean(dim=1).sum()  # the sum of the seeds' mean squared errors
            loss.backward()
            opt.step()
            if np.any(epochs == epoch):
                state = {k: v.detach().clone() for k, v in net.state_dict().items()}
                for s in np.flatnonzero(epochs == epoch):
                    kept[s] = state
            if full is not None and epoch % self.eval_every == 0:
                pred = self._predict(net, full, x.size, mean, std)  # (S, v)
                curve.append(np.sqrt(np.mean((pred - val) ** 2, axis=1)))
                at.append(epoch)
        if full is not None:
            self.val_epochs_ = np.array(at)
            self.val_rmse_ = np.stack(curve, axis=1)  # (S, evaluations)
        self.net_ = net
        return kept

    def fit(self, train: Any) -> "SeedBatchForecaster":
        """See :class:`~dlcourse.timeseries.Forecaster` and the class docstring."""
        x = as_series_array(train, "train")
        if self.val_size:
            if x.size - self.val_size < self.window + self.d + 2:
                raise ValueError(f"train has {x.size} values: too few to hold out val_size = {self.val_size}.")
            self._train(x[: -self.val_size], np.full(len(self.seeds), self.max_epochs), val=x[-self.val_size :])
            self.epochs_ = self.val_epochs_[np.argmin(self.val_rmse_, axis=1)]  # (S,)
        else:
            self.epochs_ = np.full(len(self.seeds), self.max_epochs)
        self.mean_, self.std_ = self._scale(x)
        self.states_ = self._train(x, self.epochs_)
        return self

    def predict_one_step(self, series: Any, start: int) -> np.ndarray:
        """Forecasts of every seed, shape (S, m); see :class:`~dlcourse.timeseries.Forecaster`."""
        if not hasattr(self, "states_"):
            raise RuntimeError("call fit(train) before predict_one_step.")
        x = as_series_array(series, "series")
        start = self._check_start(x, start)
        rows, done = [], {}
        for s, state in enumerate(self.states_):  # seeds stopped at the same epoch share one state
            if id(state) not in done:
                self.net_.load_state_dict(state)
                done[id(state)] = self._predict(self.net_, x, start, self.mean_, self.std_)
            rows.append(done[id(state)][s])
        return np.stack(rows)  # (S, m)
