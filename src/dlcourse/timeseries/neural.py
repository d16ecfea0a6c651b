r"""Neural one-step forecasters on sliding windows: MLP, RNN, LSTM and GRU (``torch.nn``).

The recurrent models are the professional ``torch.nn.RNN``, ``torch.nn.LSTM`` and
``torch.nn.GRU`` (chapters 6 and 7 build them from scratch and prove them equal).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_choice, check_float, check_int
from .forecast import Forecaster, make_windows
from .stats import as_series_array

__all__ = ["KINDS", "NeuralForecaster"]

#: the model families :class:`NeuralForecaster` can build
KINDS = ("mlp", "rnn", "lstm", "gru")


def _window_net(kind: str, window: int, hidden_size: int) -> Any:
    import torch
    from torch import nn

    class WindowNet(nn.Module):
        r"""Map a window :math:`(z_{t-w}, \dots, z_{t-1})` to a forecast :math:`\hat z_t`.

        ``mlp``: :math:`\hat z_t = v^\top \tanh(W z_{t-w:t-1} + b) + c`.
        ``rnn``/``lstm``/``gru``: the recurrent layer reads the window one value at a time
        and a linear head maps the last hidden state :math:`h_{t-1}` to :math:`\hat z_t`.
        Input (B, w), output (B,).
        """

        def __init__(self) -> None:
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

    return WindowNet()


class NeuralForecaster(Forecaster):
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
        self.kind = check_choice(kind, "kind", KINDS)
        self.window = check_int(window, "window", minimum=1)
        self.hidden_size = check_int(hidden_size, "hidden_size", minimum=1)
        self.epochs = check_int(epochs, "epochs", minimum=1)
        self.lr = check_float(lr, "lr", minimum=0.0, strict_minimum=True)
        self.weight_decay = check_float(weight_decay, "weight_decay", minimum=0.0)
        self.d = check_int(d, "d", minimum=0, maximum=1)
        self.seed = check_int(seed, "seed", minimum=0)
        self.min_history = self.window + self.d

    def _transform(self, x: np.ndarray) -> np.ndarray:
        return x[1:] - x[:-1] if self.d else x

    def fit(self, train: Any) -> "NeuralForecaster":
        """See :class:`~dlcourse.timeseries.Forecaster`."""
        import torch

        x = as_series_array(train, "train")
        z = self._transform(x)
        X, Y = make_windows(z, self.window)  # raises if train is too short for the window
        self.mean_, self.std_ = float(z.mean()), float(z.std())
        if self.std_ == 0:
            raise ValueError("train is constant after differencing; there is nothing to learn.")
        X = torch.tensor((X - self.mean_) / self.std_, dtype=torch.float32)  # (N, w)
        Y = torch.tensor((Y[:, 0] - self.mean_) / self.std_, dtype=torch.float32)  # (N,)
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
