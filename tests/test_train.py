import math

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from dlcourse import seed_everything
from dlcourse.train import History, evaluate, fit


def regression_data(n=128, noise=0.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3 + noise * torch.randn(n, 1, generator=g)
    return x, y


def loader(x, y, batch_size=16, shuffle=False):
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=shuffle)


def test_fit_recovers_linear_weights_and_records_history():
    seed_everything(0)
    x, y = regression_data()
    model = nn.Linear(3, 1)
    hist = fit(model, loader(x, y), nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), epochs=40,
               val_data=loader(x, y), progress=False)
    assert isinstance(hist, History) and hist.epochs == 40
    assert set(hist.metrics) == {"loss", "val_loss"}
    assert hist["loss"][-1] < 1e-6
    torch.testing.assert_close(model.weight.detach(), torch.tensor([[1.0, -2.0, 0.5]]), atol=1e-3, rtol=0)
    assert hist.best_epoch is not None and not hist.stopped_early


def test_training_loss_is_the_sample_weighted_mean_over_batches():
    """With lr = 0 nothing changes, so the recorded epoch loss must equal the full-data loss
    even though the last batch is smaller (100 = 6 * 16 + 4)."""
    seed_everything(0)
    x, y = regression_data(n=100)
    model = nn.Linear(3, 1)
    hist = fit(model, loader(x, y), nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.0), epochs=1, progress=False)
    with torch.no_grad():
        full = nn.functional.mse_loss(model(x), y).item()
    assert math.isclose(hist["loss"][0], full, rel_tol=1e-6)


def test_metrics_and_evaluate():
    seed_everything(0)
    x = torch.randn(64, 2)
    y = (x[:, 0] > 0).long()
    model = nn.Linear(2, 2)
    acc = {"accuracy": lambda out, t: (out.argmax(1) == t).float().mean().item()}
    hist = fit(model, loader(x, y), nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters(), lr=0.05),
               epochs=30, val_data=loader(x, y), metrics=acc, monitor="val_accuracy", progress=False)
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} == set(hist.metrics)
    assert hist["val_accuracy"][-1] > 0.9
    result = evaluate(model, loader(x, y), nn.CrossEntropyLoss(), metrics=acc)
    assert result["accuracy"] == pytest.approx(hist["val_accuracy"][-1])


def test_early_stopping_stops_and_restores_the_best_weights():
    """Training on pure noise with a big model overfits: validation loss rises, training stops,
    and the weights of the best epoch are restored."""
    seed_everything(0)
    x_tr, y_tr = torch.randn(32, 10), torch.randn(32, 1)
    x_va, y_va = torch.randn(64, 10), torch.randn(64, 1)
    model = nn.Sequential(nn.Linear(10, 128), nn.ReLU(), nn.Linear(128, 1))
    snapshots = {}
    hist = fit(model, loader(x_tr, y_tr), nn.MSELoss(), torch.optim.Adam(model.parameters(), lr=1e-2), epochs=200,
               val_data=loader(x_va, y_va), patience=5, progress=False,
               on_epoch_end=lambda e, v: snapshots.__setitem__(e, {k: t.clone() for k, t in model.state_dict().items()}))
    assert hist.stopped_early and hist.epochs < 200
    assert hist.epochs == hist.best_epoch + 1 + 5
    best = snapshots[hist.best_epoch]
    for key, value in model.state_dict().items():
        torch.testing.assert_close(value, best[key])
    assert min(hist["val_loss"]) == hist["val_loss"][hist.best_epoch]


def test_clip_grad_norm_limits_the_update():
    seed_everything(0)
    x, y = regression_data(n=8)
    y = y * 1e4
    model = nn.Linear(3, 1)
    before = model.weight.detach().clone()
    fit(model, loader(x, y, batch_size=8), nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=1.0),
        epochs=1, clip_grad_norm=1.0, progress=False)
    step = torch.cat([(model.weight.detach() - before).flatten()])
    assert step.norm() <= 1.0 + 1e-5


def test_divergence_raises_a_helpful_error():
    seed_everything(0)
    x, y = regression_data()
    model = nn.Linear(3, 1)
    with pytest.raises(FloatingPointError, match="lower the learning rate"):
        fit(model, loader(x, y), nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=50.0), epochs=20, progress=False)


def _fit_call(**overrides):
    x, y = regression_data(n=8)
    model = nn.Linear(3, 1)
    kwargs = dict(model=model, train_data=loader(x, y), loss_fn=nn.MSELoss(),
                  optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    extra = overrides.pop("extra", {})
    kwargs.update(overrides)
    if kwargs.get("val_data") == "same":
        kwargs["val_data"] = loader(x, y)
    return lambda: fit(kwargs.pop("model"), kwargs.pop("train_data"), kwargs.pop("loss_fn"),
                       kwargs.pop("optimizer"), **kwargs, **extra)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (_fit_call(extra={"epochs": 0}), ValueError, "epochs must be >= 1"),
        (_fit_call(extra={"patience": 3}), ValueError, "needs val_data"),
        (_fit_call(optimizer="sgd"), TypeError, "optimizer must be a torch.optim.Optimizer"),
        (_fit_call(model="model"), TypeError, "model must be a torch.nn.Module"),
        (_fit_call(train_data=[torch.zeros(2, 3)]), ValueError, "each batch of train_data must be a pair"),
        (_fit_call(train_data=None), TypeError, "train_data must be an iterable of .*batches"),
        (_fit_call(val_data="abc"), TypeError, "val_data must be an iterable"),
        (_fit_call(val_data=[]), ValueError, "val_data must yield at least one batch"),
        (_fit_call(loss_fn="mse"), TypeError, "loss_fn must be a function"),
        (_fit_call(extra={"progress": "no"}), TypeError, "progress must be True or False"),
        (lambda: evaluate(None, [], nn.MSELoss()), TypeError, "model must be a torch.nn.Module"),
        (lambda: History().append(None), TypeError, "values must be a mapping"),
        (_fit_call(train_data=[]), ValueError, "at least one batch"),
        (_fit_call(val_data="same", extra={"monitor": "val_acc"}), ValueError, "monitor='val_acc' is not among"),
        (_fit_call(extra={"monitor": 3}), TypeError, "monitor must be a history key"),
        (_fit_call(extra={"patience": 0}), ValueError, "patience must be >= 1"),
        (_fit_call(extra={"clip_grad_norm": 0.0}), ValueError, "clip_grad_norm must be > 0"),
        (_fit_call(extra={"min_delta": -1.0}), ValueError, "min_delta must be >= 0"),
        (lambda: evaluate(nn.Linear(3, 1), [], nn.MSELoss()), ValueError, "data must yield at least one batch"),
    ],
)
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_progress_is_off_by_default(capsys):
    x, y = regression_data(n=8)
    model = nn.Linear(3, 1)
    fit(model, loader(x, y), nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), epochs=2)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


# ------------------------------------------------------------ fit_seeds: K seeds as one batched model
from dlcourse.rnn import GRU as ScratchGRU  # noqa: E402
from dlcourse.train import SeedRuns, fit_seeds  # noqa: E402

SEEDS = [0, 1, 2, 3, 4]
ACC = {"accuracy": lambda out, t: (out.argmax(-1) == t).float().mean().item()}


def classification_data(n=96, d=8, classes=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g)
    y = (x[:, :classes] + 0.3 * torch.randn(n, classes, generator=g)).argmax(1)
    return x, y


def shuffled(x, y, batch_size=16, seed=7):
    """A shuffling loader whose order is fixed by its own generator: every run sees the same order."""
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True,
                      generator=torch.Generator().manual_seed(seed))


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Conv2d(4, 6, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(6 * 4 * 4, 3))

    def forward(self, x):
        return self.net(x)


class SmallGRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = ScratchGRU(2, 6, batch_first=True)
        self.head = nn.Linear(6, 1)

    def forward(self, x):
        return self.head(self.rnn(x)[0][:, -1])


def separate_runs(make_model, make_data, loss_fn, make_optimizer, epochs, **kw):
    out = []
    for seed in SEEDS:
        torch.manual_seed(seed)
        model = make_model()
        train, val = make_data()
        hist = fit(model, train, loss_fn, make_optimizer(model.parameters()), epochs=epochs, val_data=val,
                   progress=False, **kw)
        out.append((model, hist))
    return out


def assert_same_as_separate(runs, separate, x_check, tol=1e-6):
    assert isinstance(runs, SeedRuns) and runs.seeds == SEEDS
    batched_out = runs.predict(x_check)  # (K, ...)
    for k, ((model, hist), mine, my_hist) in enumerate(zip(separate, runs.models, runs.histories)):
        for (name, p), q in zip(model.named_parameters(), mine.parameters()):
            torch.testing.assert_close(q, p, rtol=tol, atol=tol, msg=lambda m, k=k, name=name: f"seed {k}, {name}: {m}")
        model.eval()
        with torch.no_grad():
            expected = model(x_check)
        torch.testing.assert_close(batched_out[k], expected, rtol=tol, atol=tol)
        assert set(my_hist.metrics) == set(hist.metrics)
        for key in hist.metrics:
            np.testing.assert_allclose(my_hist[key], hist[key], rtol=tol, atol=tol, err_msg=f"seed {k}, {key}")


@pytest.mark.parametrize("make_optimizer", [
    lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-3),
    lambda p: torch.optim.Adam(p, lr=1e-2),
], ids=["sgd-momentum", "adam"])
def test_fit_seeds_equals_separate_runs_mlp(make_optimizer):
    x, y = classification_data()
    make = lambda: nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))  # noqa: E731
    data = lambda: (shuffled(x, y), loader(x[:32], y[:32]))  # noqa: E731
    separate = separate_runs(make, data, nn.CrossEntropyLoss(), make_optimizer, epochs=4, metrics=ACC)
    train, val = data()
    runs = fit_seeds(make, SEEDS, train, nn.CrossEntropyLoss(), make_optimizer, epochs=4, val_data=val, metrics=ACC)
    assert_same_as_separate(runs, separate, x[:10])
    assert runs.metric("val_accuracy") == [h["val_accuracy"][-1] for h in runs.histories]
    # different seeds really are different models
    assert not torch.allclose(runs.models[0][0].weight, runs.models[1][0].weight)


def test_fit_seeds_equals_separate_runs_cnn_with_clipping():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(48, 1, 8, 8, generator=g)
    y = torch.randint(0, 3, (48,), generator=g)
    opt = lambda p: torch.optim.SGD(p, lr=0.5)  # noqa: E731
    data = lambda: (shuffled(x, y), None)  # noqa: E731
    separate = separate_runs(SmallCNN, data, nn.CrossEntropyLoss(), opt, epochs=3, clip_grad_norm=0.5)
    runs = fit_seeds(SmallCNN, SEEDS, data()[0], nn.CrossEntropyLoss(), opt, epochs=3, clip_grad_norm=0.5)
    assert_same_as_separate(runs, separate, x[:6])


def test_fit_seeds_equals_separate_runs_gru():
    g = torch.Generator().manual_seed(2)
    x = torch.randn(32, 5, 2, generator=g)
    y = x.sum(dim=(1, 2))[:, None]
    opt = lambda p: torch.optim.Adam(p, lr=1e-2)  # noqa: E731
    data = lambda: (shuffled(x, y, batch_size=8), loader(x, y))  # noqa: E731
    separate = separate_runs(SmallGRU, data, nn.MSELoss(), opt, epochs=3)
    runs = fit_seeds(SmallGRU, SEEDS, data()[0], nn.MSELoss(), opt, epochs=3, val_data=data()[1])
    assert_same_as_separate(runs, separate, x[:4])


def test_fit_seeds_in_float64_agrees_to_1e_12():
    x, y = regression_data(n=64)
    x, y = x.double(), y.double()
    make = lambda: nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1)).double()  # noqa: E731
    opt = lambda p: torch.optim.SGD(p, lr=0.05)  # noqa: E731
    separate = separate_runs(make, lambda: (loader(x, y), None), nn.MSELoss(), opt, epochs=3)
    runs = fit_seeds(make, SEEDS, loader(x, y), nn.MSELoss(), opt, epochs=3)
    assert_same_as_separate(runs, separate, x[:5], tol=1e-12)


def _dropout_net():
    return nn.Sequential(nn.Linear(8, 8), nn.Dropout(0.5), nn.Linear(8, 3))


def _sgd(p):
    return torch.optim.SGD(p, lr=0.1)


def _fit_dropout(make=_dropout_net, seeds=(0, 1), opt=_sgd, **kwargs):
    """fit_seeds on 16 classification rows (the bad-argument cases change one argument)."""
    x, y = classification_data(n=16)
    return fit_seeds(make, list(seeds), loader(x, y), nn.CrossEntropyLoss(), opt, **kwargs)


def test_fit_seeds_dropout_runs_with_different_randomness():
    runs = _fit_dropout(epochs=1, randomness="different")
    assert len(runs.models) == 2 and math.isfinite(runs.histories[1]["loss"][0])


@pytest.mark.parametrize("call, error, match", [
    pytest.param(lambda: _fit_dropout(epochs=1), RuntimeError, "randomness", id="dropout-needs-randomness"),
    pytest.param(lambda: _fit_dropout(make=lambda: "model", seeds=[0]), TypeError,
                 "make_model must return a torch.nn.Module; got str", id="make_model-returns-str"),
    pytest.param(lambda: _fit_dropout(make="model", seeds=[0]), TypeError, "make_model must be a function",
                 id="make_model-not-a-function"),
    pytest.param(lambda: _fit_dropout(seeds=[0, -1]), ValueError, r"seeds\[1\] must be >= 0", id="negative-seed"),
    pytest.param(lambda: _fit_dropout(epochs=1, randomness="different").metric("val_loss"), KeyError,
                 "'val_loss' was not recorded; the recorded keys are", id="metric-not-recorded"),
    pytest.param(lambda: _fit_dropout(seeds=[]), ValueError, "at least one seed", id="no-seeds"),
    pytest.param(lambda: _fit_dropout(seeds=[0], randomness="maybe"), ValueError, "randomness must be",
                 id="unknown-randomness"),
    pytest.param(lambda: _fit_dropout(seeds=[0], opt=lambda p: "sgd"), TypeError, "make_optimizer must return",
                 id="make_optimizer-returns-str"),
    pytest.param(lambda: fit_seeds(lambda: nn.Linear(3, 1), [0, 1], loader(*regression_data()), nn.MSELoss(),
                                   lambda p: torch.optim.SGD(p, lr=50.0), epochs=20),
                 FloatingPointError, "seeds", id="diverging-loss"),
])
def test_fit_seeds_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
