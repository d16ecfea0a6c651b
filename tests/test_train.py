import math

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


def test_bad_arguments():
    x, y = regression_data(n=8)
    model = nn.Linear(3, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        fit(model, loader(x, y), nn.MSELoss(), opt, epochs=0, progress=False)
    with pytest.raises(ValueError, match="needs val_data"):
        fit(model, loader(x, y), nn.MSELoss(), opt, patience=3, progress=False)
    with pytest.raises(TypeError, match="optimizer must be a torch.optim.Optimizer"):
        fit(model, loader(x, y), nn.MSELoss(), "sgd", progress=False)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        fit("model", loader(x, y), nn.MSELoss(), opt, progress=False)
    with pytest.raises(ValueError, match="each batch must be a pair"):
        fit(model, [x], nn.MSELoss(), opt, progress=False)
    with pytest.raises(ValueError, match="at least one batch"):
        fit(model, [], nn.MSELoss(), opt, progress=False)
    with pytest.raises(ValueError, match="monitor='val_acc' is not among"):
        fit(model, loader(x, y), nn.MSELoss(), opt, val_data=loader(x, y), monitor="val_acc", progress=False)
