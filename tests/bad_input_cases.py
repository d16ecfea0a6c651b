"""Baseline calls of every public callable of :mod:`dlcourse`, for the bad-input sweep.

Each :class:`~bad_input_engine.Case` is a small, valid, fast call; the engine
mutates one argument at a time. ``ok`` lists the mutations a callable may
legitimately accept, each with a one-line reason. :func:`uncovered` lists the
public callables that have no case yet.
"""
from __future__ import annotations

import importlib
import os
import tempfile
from typing import Any

import numpy as np
import torch
from bad_input_engine import Case

# --------------------------------------------------------------------------- small inputs


def arr(*v: float) -> np.ndarray:
    return np.array(v, dtype=float)


def rng(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape)


def trng(*shape: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g)


def labels() -> np.ndarray:
    return np.array([0, 1, 1, 0, 1, 0])


def preds() -> np.ndarray:
    return np.array([0, 1, 0, 0, 1, 1])


def series(n: int = 60, seed: int = 0) -> np.ndarray:
    t = np.arange(n)
    return 10 + np.sin(t / 3) + 0.1 * np.random.default_rng(seed).normal(size=n)


ELEMENTWISE = "elementwise: any shape is valid"
NONNEG = "0 is a valid value here"
NEGSEED = "seeds: any integer is accepted by numpy's SeedSequence-free torch seeding"
FREE_INT = "any integer is a valid value here"
CASES: list[Case] = []
NOT_COVERABLE: dict[str, str] = {}
DECODE = "SKIP: max_len is the number of tokens asked for (a request for that much work)"


def case(qual: str, args: Any = None, **kw: Any) -> None:
    CASES.append(Case(qual, args if args is not None else dict, **kw))


def _resolve_class(qual: str) -> Any:
    mod, name = qual.rsplit(".", 1)
    return getattr(importlib.import_module("dlcourse." + mod), name)


def estimator(qual: str, args: Any, fit: Any, **kw: Any) -> None:
    """A scikit-learn style class: hyper-parameters are checked at the latest by ``fit``."""
    cls = _resolve_class(qual)

    def build_and_fit(**params: Any) -> Any:
        return cls(**params).fit(**fit())

    CASES.append(Case(qual, args, target=build_and_fit, signature=cls, **kw))


# --------------------------------------------------------------------------- core, reporting


case("seed_everything", lambda: dict(seed=3, deterministic=False),
     ok={("seed", "neg"): "torch and random accept negative seeds; numpy's is folded", ("seed", "zero"): NONNEG})
case("device", lambda: dict(prefer="cpu"))
case("show_source", lambda: dict(obj=np.ndarray.__init__ if False else _show_target()))
case("record", lambda: dict(name="bad.input.x", value=1.5), text=(),
     ok={("value", "*"): "record stores any number or string"})


def _show_target() -> Any:
    from dlcourse import metrics

    return metrics.mse


# --------------------------------------------------------------------------- activations

for _f in ("sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad", "identity", "identity_grad"):
    case(f"activations.{_f}", lambda: dict(x=arr(-1.0, 0.5, 2.0)), anyshape=("x",))
for _f in ("leaky_relu", "leaky_relu_grad"):
    case(f"activations.{_f}", lambda: dict(x=arr(-1.0, 0.5, 2.0), slope=0.1), anyshape=("x",),
         ok={("slope", "zero"): "slope 0 is ReLU", ("slope", "neg"): "a negative slope is a valid (odd) choice"})
for _f in ("elu", "elu_grad"):
    case(f"activations.{_f}", lambda: dict(x=arr(-1.0, 0.5, 2.0), alpha=1.0), anyshape=("x",),
         ok={("alpha", "zero"): "alpha 0 is ReLU"})
for _f in ("maxout", "maxout_grad"):
    case(f"activations.{_f}", lambda: dict(z=rng(2, 3)), ok={("z", "rank"): "any leading shape (..., k)",
                                                             ("z", "width"): "any number of pieces k >= 1",
                                                             ("z", "inf"): "+inf is the largest piece: max and its one-hot arg-max are exact"})
case("activations.softmax", lambda: dict(z=rng(2, 3), axis=-1, temperature=1.0),
     ok={("z", "rank"): "any shape, normalised along axis", ("z", "width"): "any number of classes",
         ("axis", "zero"): "axis 0 is a valid axis"})
case("activations.get_activation", lambda: dict(name="relu"))

# --------------------------------------------------------------------------- linear


def _xy_reg() -> dict[str, Any]:
    X = rng(12, 2)
    return dict(X=X, y=X @ arr(1.0, -2.0) + 0.5)


def _xy_cls() -> dict[str, Any]:
    X = rng(12, 2)
    return dict(X=X, y=(X[:, 0] > 0).astype(int))


def _fitted_linreg() -> Any:
    from dlcourse.linear import LinearRegression

    return LinearRegression().fit(**_xy_reg())


def _fitted_logreg() -> Any:
    from dlcourse.linear import LogisticRegression

    return LogisticRegression(max_iter=200).fit(**_xy_cls())


estimator("linear.LinearRegression", lambda: dict(method="gd", fit_intercept=True, learning_rate=0.1, max_iter=50,
                                                   tol=1e-6), _xy_reg)
case("linear.LinearRegression.fit", _xy_reg, make=lambda: __import__("dlcourse.linear").linear.LinearRegression(),
     ok={("X", "width"): "fit learns from any number of features"})
case("linear.LinearRegression.predict", lambda: dict(X=rng(3, 2)), make=_fitted_linreg, reuse=True)
estimator("linear.LogisticRegression", lambda: dict(learning_rate=1.0, max_iter=50, tol=1e-6, fit_intercept=True,
                                                    threshold=0.5), _xy_cls,
          ok={("threshold", "zero"): "any threshold in [0, 1]"})
case("linear.LogisticRegression.fit", _xy_cls,
     make=lambda: __import__("dlcourse.linear").linear.LogisticRegression(max_iter=100),
     ok={("X", "width"): "fit learns from any number of features"})
for _m in ("decision_function", "predict_proba", "predict"):
    case(f"linear.LogisticRegression.{_m}", lambda: dict(X=rng(3, 2)), make=_fitted_logreg, reuse=True)

# --------------------------------------------------------------------------- metrics

for _f in ("confusion_matrix",):
    case(f"metrics.{_f}", lambda: dict(y_true=labels(), y_pred=preds(), labels=[0, 1]))
case("metrics.confusion_counts", lambda: dict(y_true=labels(), y_pred=preds(), pos_label=1),
     ok={("pos_label", "zero"): "0 is a class label here", ("pos_label", "bool"): "True == 1 is the label 1"})
case("metrics.accuracy", lambda: dict(y_true=labels(), y_pred=preds()))
for _f in ("precision", "recall", "specificity", "f1_score"):
    case(f"metrics.{_f}", lambda: dict(y_true=labels(), y_pred=preds(), pos_label=1, average="binary",
                                       zero_division=0.0),
         ok={("pos_label", "zero"): "0 is a class label here", ("pos_label", "bool"): "True == 1 is the label 1",
             ("zero_division", "zero"): NONNEG})
case("metrics.roc_curve", lambda: dict(y_true=labels(), scores=arr(0.1, 0.9, 0.4, 0.3, 0.8, 0.6), pos_label=1),
     ok={("pos_label", "zero"): "0 is a class label here", ("pos_label", "bool"): "True == 1 is the label 1"})
case("metrics.roc_auc", lambda: dict(y_true=labels(), scores=arr(0.1, 0.9, 0.4, 0.3, 0.8, 0.6), pos_label=1),
     ok={("pos_label", "zero"): "0 is a class label here", ("pos_label", "bool"): "True == 1 is the label 1"})
for _f in ("mse", "rmse", "mae", "mape", "r2_score"):
    case(f"metrics.{_f}", lambda: dict(y_true=arr(1.0, 2.0, 3.0, 4.0), y_pred=arr(1.5, 2.0, 2.5, 4.5)))
case("metrics.cross_entropy", lambda: dict(y_true=np.array([0, 1, 2]), probs=np.array(
    [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]]), reduction="mean"), index=("y_true",))
case("metrics.kl_divergence", lambda: dict(p=arr(0.2, 0.3, 0.5), q=arr(0.3, 0.3, 0.4)),
     ok={("p", "rank"): "a batch of distributions (rows) is valid", ("q", "rank"): "a batch of distributions is valid"})


def _acc(y: Any, p: Any) -> float:
    return float(np.mean(np.asarray(y) == np.asarray(p)))


case("metrics.paired_bootstrap", lambda: dict(y_true=labels(), pred_a=preds(), pred_b=labels(), metric=_acc,
                                              n_boot=50, level=0.9, seed=0),
     ok={("seed", "neg"): "numpy-free seeding: negative seeds are rejected by default_rng only",
         **{(arg, kind): "the metric decides what a label or prediction is (strings for accuracy, fractions "
            "for mse)" for arg in ("y_true", "pred_a", "pred_b") for kind in ("objdtype", "frac")}})

# --------------------------------------------------------------------------- mlp


def _mlp() -> Any:
    from dlcourse.mlp import MLP

    return MLP([2, 4, 2], seed=0)


def _mlp_fwd() -> Any:
    m = _mlp()
    m.forward(rng(5, 2))
    return m


def _perceptron() -> Any:
    from dlcourse.mlp import Perceptron

    return Perceptron(max_epochs=5).fit(**_xy_cls())


estimator("mlp.Perceptron", lambda: dict(lr=1.0, max_epochs=5), _xy_cls)
case("mlp.Perceptron.fit", _xy_cls, make=lambda: __import__("dlcourse.mlp").mlp.Perceptron(max_epochs=5),
     ok={("X", "width"): "fit learns from any number of features"})
for _m in ("decision_function", "predict"):
    case(f"mlp.Perceptron.{_m}", lambda: dict(X=rng(3, 2)), make=_perceptron, reuse=True)
estimator("mlp.MLP", lambda: dict(layer_sizes=[2, 4, 2], activation="relu", output="softmax", loss="cross_entropy",
                                  init_std=0.1, seed=0, warm_start=False),
          lambda: dict(**_xy_cls(), epochs=1, batch_size=4),
          ok={("init_std", "zero"): "all-zero weights are valid (chapter 2 shows why they fail)"})
case("mlp.MLP.forward", lambda: dict(X=rng(5, 2)), make=_mlp, reuse=True)
case("mlp.MLP.loss_value", lambda: dict(Y_hat=np.full((3, 2), 0.5), T=np.eye(2)[[0, 1, 1]]), make=_mlp, reuse=True)
case("mlp.MLP.loss", lambda: dict(X=rng(3, 2), T=np.eye(2)[[0, 1, 1]]), make=_mlp, reuse=True)
case("mlp.MLP.backward", lambda: dict(T=np.eye(2)[[0, 1, 1, 0, 1]]), make=_mlp_fwd)
case("mlp.MLP.fit", lambda: dict(**_xy_cls(), epochs=2, batch_size=4, seed=0), make=_mlp)
for _m in ("predict_proba", "predict"):
    case(f"mlp.MLP.{_m}", lambda: dict(X=rng(3, 2)), make=_mlp, reuse=True)
case("mlp.MLP.set_params", lambda: dict(activation="tanh", seed=1), make=_mlp,
     ok={("seed", "none"): "seed=None draws fresh random weights (documented)"})
case("mlp.MLP.get_params", lambda: dict(deep=True), make=_mlp, reuse=True)
case("mlp.MLP.score", _xy_cls, make=_mlp, reuse=True)
case("mlp.gradient_norms_per_layer", lambda: dict(depth=3, activation="sigmoid", width=4, n_samples=8, n_inputs=3,
                                                  seed=0))
case("mlp.one_hot", lambda: dict(y=np.array([0, 2, 1]), num_classes=3), index=("y",))

# --------------------------------------------------------------------------- optim


def _stepped(opt: Any) -> Any:
    opt.t = 1  # update() is called by step() after it counts the step
    return opt


def _quad_grad(w: Any) -> Any:
    return 2 * np.asarray(w)


case("optim.gradient_descent", lambda: dict(grad=_quad_grad, w0=arr(1.0, -1.0), lr=0.1, steps=5),
     anyshape=("w0",), ok={("steps", "zero"): "zero steps returns the start"})
case("optim.batches_per_epoch", lambda: dict(n=10, batch_size=3, drop_last=False),
     ok={("n", "zero"): "an empty training set has 0 batches per epoch"})
for _name, _kw in (("SGD", dict(lr=0.1)), ("Momentum", dict(lr=0.1, momentum=0.9)),
                   ("Adagrad", dict(lr=0.1, eps=1e-8)), ("RMSProp", dict(lr=0.1, rho=0.9, eps=1e-8)),
                   ("Adam", dict(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8))):
    case(f"optim.{_name}", (lambda kw=_kw: dict(kw)),
         ok={("momentum", "zero"): "momentum 0 is plain SGD", ("beta1", "zero"): "beta1 0 is RMSProp-like",
             ("beta2", "zero"): "beta2 in [0, 1) as in the paper and torch.optim.Adam",
             ("rho", "zero"): "rho in [0, 1) as in torch.optim.RMSprop (alpha=0)"})
    case(f"optim.{_name}.update", lambda: dict(g=arr(0.5, -0.5), state={}),
         make=(lambda n=_name, kw=_kw: _stepped(getattr(__import__("dlcourse.optim").optim, n)(**kw))),
         anyshape=("g",),
         ok={("state", "*"): "state is the optimizer's own scratch dict"})
case("optim.Optimizer.step", lambda: dict(params=[arr(1.0, 2.0)], grads=[arr(0.5, -0.5)]),
     make=lambda: __import__("dlcourse.optim").optim.Adam(0.1))
case("optim.make_optimizer", lambda: dict(name="adam", lr=0.01))
case("optim.optimize", lambda: dict(optimizer=__import__("dlcourse.optim").optim.SGD(0.1), grad=_quad_grad,
                                    w0=arr(1.0, -1.0), steps=5),
     anyshape=("w0",), ok={("steps", "zero"): "zero steps returns the start"})

# --------------------------------------------------------------------------- plot


def _history() -> Any:
    from dlcourse.train import History

    h = History()
    h.append({"loss": 1.0, "val_loss": 1.2})
    h.append({"loss": 0.5, "val_loss": 0.9})
    return h


SHOWN = "a label is shown with str(), as matplotlib does"
LABELS = {(k, m): SHOWN for k in ("title", "xlabel", "ylabel", "row_labels", "col_labels")
          for m in ("int", "object", "str", "elem", "elem_none")}
case("plot.plot_history", lambda: dict(history=_history(), keys=["loss"], title="t", ylabel="v", logy=False),
     text=("title", "ylabel"), ok=LABELS)
case("plot.heatmap", lambda: dict(matrix=rng(2, 3), row_labels=["a", "b"], col_labels=["x", "y", "z"],
                                  annotate=True, fmt="{:.1f}", cmap="viridis", title="t", xlabel="x", ylabel="y"),
     text=("title", "xlabel", "ylabel"),
     ok={**LABELS, ("matrix", "nan"): "a NaN cell is drawn blank, as matplotlib does",
         ("matrix", "inf"): "an infinite cell is drawn blank, as matplotlib does"})
case("plot.text_colour_for", lambda: dict(rgba=(0.2, 0.3, 0.4, 1.0)))
case("plot.relative_luminance", lambda: dict(rgba=(0.2, 0.3, 0.4, 1.0)))

# --------------------------------------------------------------------------- train


def _loader() -> list[tuple[torch.Tensor, torch.Tensor]]:
    x = trng(8, 3)
    return [(x[:4], torch.tensor([0, 1, 0, 1])), (x[4:], torch.tensor([1, 0, 1, 0]))]


def _lin() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Linear(3, 2)


def _fit_args() -> dict[str, Any]:
    model = _lin()
    return dict(model=model, train_data=_loader(), loss_fn=torch.nn.functional.cross_entropy,
                optimizer=torch.optim.SGD(model.parameters(), lr=0.1), epochs=2, val_data=_loader(), patience=3,
                monitor="val_loss", min_delta=0.0, clip_grad_norm=1.0, progress=False)


case("train.History.append", lambda: dict(values={"loss": 0.3, "val_loss": 0.4}), make=_history)
case("train.fit", _fit_args, ok={("min_delta", "*"): "min_delta 0 is the default"})
case("train.evaluate", lambda: dict(model=_lin(), data=_loader(), loss_fn=torch.nn.functional.cross_entropy))
case("train.fit_seeds", lambda: dict(make_model=_lin, seeds=[0, 1], train_data=_loader(),
                                     loss_fn=torch.nn.functional.cross_entropy,
                                     make_optimizer=lambda p: torch.optim.SGD(p, lr=0.1), epochs=1))


def _seedruns() -> Any:
    from dlcourse.train import fit_seeds

    return fit_seeds(_lin, [0, 1], _loader(), torch.nn.functional.cross_entropy,
                     lambda p: torch.optim.SGD(p, lr=0.1), epochs=1, val_data=_loader())


case("train.SeedRuns.metric", lambda: dict(key="val_loss"), make=_seedruns, reuse=True)

# --------------------------------------------------------------------------- cnn

case("cnn.conv_output_size", lambda: dict(w=7, f=3, p=1, s=2, exact=True), ok={("p", "zero"): NONNEG})
case("cnn.pad2d", lambda: dict(x=rng(1, 1, 3, 3), padding=1),
     ok={("x", "rank"): "pads the last two axes", ("x", "complex"): "pads any dtype, like np.pad",
         ("x", "objdtype"): "pads any dtype, like np.pad"})
KERNEL = "a non-square kernel is valid"
for _f in ("conv2d_loop", "conv2d"):
    case(f"cnn.{_f}", lambda: dict(x=rng(1, 2, 5, 5), w=rng(3, 2, 3, 3), b=arr(0.1, 0.2, 0.3), stride=1, padding=1),
         ok={("w", "width"): KERNEL})
case("cnn.im2col", lambda: dict(x=rng(1, 2, 4, 4), kernel_size=2, stride=1, padding=0))
case("cnn.col2im", lambda: dict(cols=rng(1, 8, 9), input_shape=(1, 2, 4, 4), kernel_size=2, stride=1, padding=0))
case("cnn.conv2d_backward", lambda: dict(dy=rng(1, 3, 5, 5), x=rng(1, 2, 5, 5), w=rng(3, 2, 3, 3), stride=1,
                                         padding=1), ok={("padding", "zero"): NONNEG})
for _f in ("max_pool2d", "avg_pool2d"):
    case(f"cnn.{_f}", lambda: dict(x=rng(1, 2, 4, 4), kernel_size=2, stride=2, padding=0))
case("cnn.lp_pool2d", lambda: dict(x=rng(1, 2, 4, 4), norm_type=2.0, kernel_size=2, stride=2))
case("cnn.conv1d", lambda: dict(x=rng(1, 2, 6), w=rng(3, 2, 3), b=arr(0.0, 0.1, 0.2), stride=1, padding=1),
     ok={("w", "width"): "any kernel length is valid"})
case("cnn.SimpleCNN", lambda: dict(c1=2, c2=3, num_classes=4))
for _m in ("forward", "feature_maps"):
    case(f"cnn.SimpleCNN.{_m}", lambda: dict(x=trng(2, 1, 8, 8)),
         make=lambda: __import__("dlcourse.cnn").cnn.SimpleCNN(2, 3, 4), reuse=True)
case("cnn.ResidualBlock", lambda: dict(in_channels=2, out_channels=3, stride=1, batch_norm=True))
case("cnn.ResidualBlock.forward", lambda: dict(x=trng(2, 2, 6, 6)),
     make=lambda: __import__("dlcourse.cnn").cnn.ResidualBlock(2, 3), reuse=True)
for _f in ("plain_net", "resnet"):
    case(f"cnn.{_f}", lambda: dict(depth=4, width=2, in_channels=1, num_classes=3, batch_norm=True))
case("cnn.digits_split", lambda: dict(test_size=0.25, seed=0), ok={("seed", "zero"): NONNEG})
case("cnn.SeedGroup", lambda: dict(nets=[__import__("dlcourse.cnn").cnn.plain_net(4, width=2) for _ in range(2)]))
case("cnn.SeedGroup.forward", lambda: dict(x=trng(2, 3, 1, 8, 8)),
     make=lambda: __import__("dlcourse.cnn").cnn.SeedGroup([__import__("dlcourse.cnn").cnn.plain_net(4, width=2)
                                                            for _ in range(2)]), reuse=True,
     ok={("x", "width"): "global average pooling: any image width is valid"})



# --------------------------------------------------------------------------- exercises

FORMAT_OK = "the answer has the right type; its value is graded elsewhere"
NAME_SHOWN = {("name", m): "the name is only shown in the message (with str())" for m in ("none", "int", "object")}
SHAPE_OK = "the answer has the right shape; its values are graded elsewhere"
case("exercises.check_close", lambda: dict(actual=arr(1.0, 2.0), expected=arr(1.0, 2.0), name="a", rtol=1e-6,
                                           atol=1e-8),
     text=("name",), aliases={"actual": ("a",), "expected": ("expected",)}, ok={**NAME_SHOWN, ("atol", "zero"): NONNEG})
case("exercises.check_equal", lambda: dict(actual=[1, 2], expected=[1, 2], name="a"), text=("name",),
     aliases={"actual": ("a",)}, ok={**NAME_SHOWN, ("expected", "*"): "any value can be the expected one"})
case("exercises.check_shape", lambda: dict(actual=np.zeros((2, 3)), expected=(2, 3), name="a"), text=("name",),
     aliases={"actual": ("a",)}, ok={**NAME_SHOWN, ("actual", "nan"): SHAPE_OK, ("actual", "inf"): SHAPE_OK,
                                     ("actual", "complex"): SHAPE_OK, ("actual", "objdtype"): SHAPE_OK,
                                     ("actual", "swap"): SHAPE_OK, ("actual", "list"): SHAPE_OK})
case("exercises.check_in_range", lambda: dict(actual=0.5, low=0.0, high=1.0, name="a"), text=("name",),
     aliases={"actual": ("a",)}, ok={**NAME_SHOWN, ("low", "neg"): "any real bound", ("high", "zero"): "any real bound",
                                     ("actual", "zero"): "0 lies in the range [0, 1]"})
case("exercises.check_choice", lambda: dict(actual="b", options=["a", "b"], correct="b", name="a"),
     text=("name", "actual", "correct"), aliases={"actual": ("a",)},
     ok={**NAME_SHOWN, ("options", "elem"): "choices may be any values (e.g. [1, 2, 'both'])",
         ("options", "elem_none"): "choices may be any values, None included"})
case("exercises.check_true", lambda: dict(condition=True, message="m"), text=("message",),
     ok={("condition", "*"): "any truthy/falsy value is a condition"})
case("exercises.check_format", lambda: dict(actual=1.5, kind=float, name="a"), text=("name",),
     aliases={"actual": ("a",)}, ok={**NAME_SHOWN, ("actual", "zero"): FORMAT_OK, ("actual", "neg"): FORMAT_OK,
                                     ("actual", "inf"): FORMAT_OK, ("actual", "nan"): FORMAT_OK})
case("exercises.reject_if", lambda: dict(condition=False, message="m"), text=("message",),
     ok={("condition", "*"): "any truthy/falsy value is a condition"})

# --------------------------------------------------------------------------- attention


QUERIES = {("query", "rank"): "(B, T, d) queries are valid: several queries per row"}
ZERO_STATE = {("state", "none"): "None starts from a zero state, as torch.nn.GRU's h0=None does"}
TOKENS = "a string is a sequence of tokens (its characters), which these metrics accept"


def _qkv() -> dict[str, Any]:
    return dict(query=trng(2, 4), keys=trng(2, 5, 4, seed=1))


case("attention.dot_score", _qkv, ok=QUERIES)
case("attention.scaled_dot_score", _qkv, ok=QUERIES)
case("attention.general_score", lambda: dict(**_qkv(), W=trng(4, 4, seed=2)), ok=QUERIES)
case("attention.additive_score", lambda: dict(**_qkv(), W=trng(3, 8, seed=2), v=trng(3, seed=3), b=trng(3, seed=4)),
     ok=QUERIES)
LOCATION_KEYS = "the location score uses the keys only for their number S (documented): any values, any width"
case("attention.location_score", lambda: dict(**_qkv(), W=trng(5, 4, seed=2), b=trng(5, seed=3)),
     ok={**QUERIES, ("keys", "nan"): LOCATION_KEYS, ("keys", "width"): LOCATION_KEYS})
VALUE_WIDTH = {("values", "width"): "the value size d_v may differ from the key size d_k (context has size d_v)"}
case("attention.attention", lambda: dict(**_qkv(), values=trng(2, 5, 3, seed=5), score="dot",
                                         mask=torch.tensor([[True] * 5, [True, True, True, False, False]])),
     ok={**QUERIES, **VALUE_WIDTH})
case("attention.local_attention", lambda: dict(**_qkv(), values=trng(2, 5, 3, seed=5), center=torch.tensor([1, 3]),
                                               half_width=1, score="dot"),
     index=("center",), ok={("half_width", "zero"): "a window of one position", **QUERIES, **VALUE_WIDTH,
                            ("center", "floatdtype"): "the centre p is a real number (local-p predicts S*sigmoid(.))",
                            ("center", "negidx"): "a centre of -1 with half_width 1 still covers position 0 "
                                                  "(only an empty window is refused)"})
case("attention.apply_mask", lambda: dict(scores=trng(2, 3, 5), mask=torch.ones(2, 1, 5, dtype=torch.bool),
                                          name="mask"), text=("name",))
case("attention.softmax_saturation", lambda: dict(dims=(4, 16), num_keys=4, trials=20, seed=0),
     ok={("seed", "zero"): NONNEG})


def _enc_out() -> dict[str, Any]:
    return dict(encoder_outputs=trng(2, 5, 6), src_mask=torch.tensor([[True] * 5, [True, True, True, False, False]]))


def _luong() -> Any:
    from dlcourse.attention import LuongAttentionDecoder

    torch.manual_seed(0)
    return LuongAttentionDecoder(13, 4, 6, score="general")


def _bahdanau() -> Any:
    from dlcourse.attention import BahdanauAttentionDecoder

    torch.manual_seed(0)
    return BahdanauAttentionDecoder(13, 4, 6)


case("attention.LuongAttentionDecoder", lambda: dict(vocab_size=13, embedding_dim=4, hidden_size=6, cell="gru",
                                                     num_layers=1, score="dot", max_source_len=8))
case("attention.LuongAttentionDecoder.forward_step",
     lambda: dict(token=torch.tensor([1, 2]), state=trng(1, 2, 6), **_enc_out()), make=_luong, reuse=True,
     index=("token",), ok=ZERO_STATE)

case("attention.LuongAttentionDecoder.forward_sequence",
     lambda: dict(tokens=torch.tensor([[1, 2, 3], [4, 5, 6]]), state=trng(1, 2, 6), **_enc_out()), make=_luong,
     reuse=True, index=("tokens",), ok=ZERO_STATE)

case("attention.BahdanauAttentionDecoder", lambda: dict(vocab_size=13, embedding_dim=4, hidden_size=6, cell="gru",
                                                        num_layers=1, attention_size=5))
case("attention.BahdanauAttentionDecoder.forward_step",
     lambda: dict(token=torch.tensor([1, 2]), state=trng(1, 2, 6), **_enc_out()), make=_bahdanau, reuse=True,
     index=("token",), ok=ZERO_STATE)

# --------------------------------------------------------------------------- transformer


def _tf() -> Any:
    from dlcourse.transformer import Transformer

    torch.manual_seed(0)
    return Transformer(11, 12, d_model=8, num_heads=2, num_layers=1, d_ff=16, dropout=0.0, max_len=16).eval()


def _src() -> torch.Tensor:
    return torch.tensor([[3, 4, 5, 0], [6, 7, 8, 9]])


def _tgt() -> torch.Tensor:
    return torch.tensor([[1, 3, 4], [1, 5, 6]])


case("transformer.positional_encoding", lambda: dict(max_len=6, d_model=8, base=10000.0))
case("transformer.scaled_dot_product_attention", lambda: dict(q=trng(2, 3, 4), k=trng(2, 5, 4, seed=1),
                                                              v=trng(2, 5, 4, seed=2), mask=None, dropout_p=0.0,
                                                              training=False),
     ok={("v", "width"): "the value width d_v may differ from the query/key width d_k"})
case("transformer.padding_mask", lambda: dict(tokens=_src(), pad=0),
     ok={("tokens", "rank"): "any batch shape",
         ("pad", "neg"): "a pad id outside the vocabulary disables padding (as in Transformer)"})
case("transformer.subsequent_mask", lambda: dict(size=4))
case("transformer.MultiHeadAttention", lambda: dict(d_model=8, num_heads=2, dropout=0.0, bias=True))
case("transformer.MultiHeadAttention.forward",
     lambda: dict(query=trng(2, 3, 8), key=trng(2, 5, 8, seed=1), value=trng(2, 5, 8, seed=2), mask=None),
     make=lambda: __import__("dlcourse.transformer").transformer.MultiHeadAttention(8, 2), reuse=True)
case("transformer.PositionwiseFeedForward", lambda: dict(d_model=8, d_ff=16, dropout=0.0, activation="relu"))
case("transformer.PositionwiseFeedForward.forward", lambda: dict(x=trng(2, 3, 8)),
     make=lambda: __import__("dlcourse.transformer").transformer.PositionwiseFeedForward(8, 16), reuse=True,
     ok={("x", "rank"): "applies to the last axis of any batch shape"})
for _c in ("EncoderLayer", "DecoderLayer"):
    case(f"transformer.{_c}", lambda: dict(d_model=8, num_heads=2, d_ff=16, dropout=0.0, norm_first=False,
                                           activation="relu", layer_norm_eps=1e-5))
case("transformer.EncoderLayer.forward", lambda: dict(x=trng(2, 4, 8), mask=None),
     make=lambda: __import__("dlcourse.transformer").transformer.EncoderLayer(8, 2, 16, 0.0).eval(), reuse=True)
case("transformer.DecoderLayer.forward", lambda: dict(y=trng(2, 3, 8), memory=trng(2, 4, 8, seed=1)),
     make=lambda: __import__("dlcourse.transformer").transformer.DecoderLayer(8, 2, 16, 0.0).eval(), reuse=True)
case("transformer.Transformer", lambda: dict(src_vocab=11, tgt_vocab=12, d_model=8, num_heads=2, num_layers=1, d_ff=16,
                                             dropout=0.0, max_len=16, norm_first=False, pad=0),
     ok={("pad", "neg"): "a pad id outside the vocabulary disables padding"})
case("transformer.Transformer.encode", lambda: dict(src=_src()), make=_tf, reuse=True, index=("src",))
case("transformer.Transformer.forward", lambda: dict(src=_src(), tgt_in=_tgt()), make=_tf, reuse=True,
     index=("src", "tgt_in"))
case("transformer.Transformer.decode", lambda: dict(tgt_in=_tgt(), memory=trng(2, 4, 8),
                                                    src_mask=torch.tensor([[True, True, True, False], [True] * 4])[:, None, None, :]),
     make=_tf, reuse=True, index=("tgt_in",))
case("transformer.Transformer.greedy_decode", lambda: dict(src=_src(), max_len=4, sos=1, eos=2), make=_tf, reuse=True,
     index=("src",), ok={("max_len", "huge"): DECODE})
case("transformer.Transformer.attention_maps", lambda: dict(src=_src(), tgt_in=_tgt()), make=_tf, reuse=True,
     index=("src", "tgt_in"))

# --------------------------------------------------------------------------- xai


def _gap() -> Any:
    from dlcourse.xai import GAPNet

    torch.manual_seed(0)
    return GAPNet(1, 3, channels=(2, 3)).eval()


def _img() -> torch.Tensor:
    return trng(2, 1, 8, 8)


case("xai.GAPNet", lambda: dict(in_channels=1, n_classes=3, channels=(2, 3)))
case("xai.GMPNet", lambda: dict(in_channels=1, n_classes=3, channels=(2, 3)))
case("xai.GlobalPoolNet", lambda: dict(pooling="avg", in_channels=1, n_classes=3, channels=(2, 3)))
case("xai.LRP", lambda: dict(model=_gap(), rule="epsilon", epsilon=1e-6, alpha=2.0, beta=1.0),
     ok={("epsilon", "zero"): "epsilon = 0 is LRP-0, documented"})
case("xai.LRP.attribute", lambda: dict(inputs=_img(), target=torch.tensor([0, 2])),
     make=lambda: __import__("dlcourse.xai").xai.LRP(_gap()), index=("target",))
case("xai.lrp_leaves", lambda: dict(model=_gap()))
case("xai.cam", lambda: dict(model=_gap(), x=_img(), target=torch.tensor([0, 2]), upsample_to_input=True,
                             mode="bilinear"), index=("target",))
case("xai.grad_cam", lambda: (lambda m: dict(model=m, layer=m.feature_layer, x=_img(), target=torch.tensor([0, 2]),
                                             relu=True))(_gap()), index=("target",))
case("xai.gradient_x_input", lambda: dict(model=_gap(), x=_img(), target=torch.tensor([0, 2])), index=("target",))
case("xai.upsample", lambda: dict(maps=trng(2, 4, 4).abs(), size=(8, 8), mode="bilinear"),
     ok={("maps", "shape"): "any number of maps; size is the output (H, W), not one entry per map"})
case("xai.explain", lambda: dict(model=_gap(), x=_img(), target=torch.tensor([0, 2]), method="gradient_x_input",
                                 seed=0), index=("target",), ok={("seed", "*"): "the seed is used by 'random' only"})
case("xai.to_heatmap", lambda: dict(attribution=trng(2, 8, 8)), ok={("attribution", "rank"): "(B, C, H, W) is summed"})
case("xai.random_maps", lambda: dict(shape=(2, 4, 4), seed=0), ok={("seed", "zero"): NONNEG})
case("xai.pointing_game", lambda: dict(maps=trng(2, 4, 4).abs(), masks=torch.rand(2, 4, 4) > 0.5))
case("xai.mass_inside", lambda: dict(maps=trng(2, 4, 4).abs(), masks=torch.rand(2, 4, 4) > 0.5))
case("xai.spot_size", lambda: dict(maps=trng(2, 4, 4).abs(), level=0.5),
     ok={("maps", "rank"): "(B, C, H, W) maps are summed over C, documented"})
case("xai.deletion_curve", lambda: dict(model=_gap(), x=_img(), maps=trng(2, 8, 8).abs(), target=torch.tensor([0, 2]),
                                        steps=4, max_fraction=1.0, baseline=0.0, score="probability", batch_size=8),
     index=("target",), ok={("baseline", "neg"): "any fill value", ("baseline", "zero"): NONNEG})
case("xai.deletion_auc", lambda: dict(fractions=np.linspace(0, 1, 5), scores=np.array([[0.9, 0.7, 0.5, 0.3, 0.1]])))

# --------------------------------------------------------------------------- seq2seq


def _pairs() -> Any:
    from dlcourse.data import reversal_task

    return reversal_task(6, min_len=3, max_len=5, vocab_size=13, seed=0)


def _s2s(**kw: Any) -> Any:
    from dlcourse.seq2seq import Decoder, Encoder, Seq2Seq

    torch.manual_seed(0)
    return Seq2Seq(Encoder(13, 4, 6), Decoder(13, 4, 6), **kw).eval()


def _batch() -> dict[str, Any]:
    p = _pairs()
    return dict(src=p.src, src_lengths=p.src_lengths)


for _c in ("TokenRNN", "Encoder", "Decoder"):
    case(f"seq2seq.{_c}", lambda: dict(vocab_size=13, embedding_dim=4, hidden_size=6, cell="gru", num_layers=1))
case("seq2seq.Encoder.forward", _batch,
     make=lambda: __import__("dlcourse.seq2seq").seq2seq.Encoder(13, 4, 6), reuse=True, index=("src",))
case("seq2seq.Decoder.forward_step", lambda: dict(token=torch.tensor([1, 2]), state=trng(1, 2, 6)),
     make=lambda: __import__("dlcourse.seq2seq").seq2seq.Decoder(13, 4, 6), reuse=True, index=("token",), ok=ZERO_STATE)

case("seq2seq.Decoder.forward_sequence", lambda: dict(tokens=torch.tensor([[1, 2, 3], [4, 5, 6]]), state=trng(1, 2, 6)),
     make=lambda: __import__("dlcourse.seq2seq").seq2seq.Decoder(13, 4, 6), reuse=True, index=("tokens",), ok=ZERO_STATE)

case("seq2seq.Seq2Seq", lambda: dict(encoder=__import__("dlcourse.seq2seq").seq2seq.Encoder(13, 4, 6),
                                     decoder=__import__("dlcourse.seq2seq").seq2seq.Decoder(13, 4, 6),
                                     teacher_forcing_ratio=1.0),
     ok={("teacher_forcing_ratio", "zero"): "0 is free running"})
case("seq2seq.Seq2Seq.encode", _batch, make=_s2s, reuse=True, index=("src",))
case("seq2seq.Seq2Seq.forward", lambda: dict(**_batch(), tgt=_pairs().tgt), make=_s2s, reuse=True,
     index=("src", "tgt"), freewidth=("tgt",))  # tgt_len is free: a shorter tgt is a shorter target
case("seq2seq.lengths_to_mask", lambda: dict(lengths=torch.tensor([3, 1]), max_len=4))
case("seq2seq.sequence_loss", lambda: dict(logits=trng(2, 3, 5), targets=torch.tensor([[1, 2, 0], [3, 4, 2]]), pad=0),
     index=("targets",), ok={("pad", "neg"): "no padding id"})
case("seq2seq.greedy_decode", lambda: dict(model=_s2s(), **_batch(), max_len=4), index=("src",),
     ok={("max_len", "huge"): DECODE})
case("seq2seq.beam_search", lambda: dict(model=_s2s(), **_batch(), max_len=4, beam_size=2, length_penalty=0.0),
     index=("src",), ok={("length_penalty", "*"): "any real length penalty", ("max_len", "huge"): DECODE})
case("seq2seq.sequence_log_prob", lambda: dict(model=_s2s(), **_batch(), outputs=[[3, 4]] * 6, eos=True),
     index=("src",))
case("seq2seq.train_seq2seq", lambda: dict(model=_s2s(), pairs=_pairs(), steps=2, batch_size=3, lr=0.01, seed=0,
                                           clip=1.0, progress=False),
     ok={("seed", "zero"): NONNEG})
case("seq2seq.strip_special", lambda: dict(tokens=[1, 5, 6, 2, 0]))
STRING_TOKENS = {(k, "elem"): TOKENS for k in ("hypotheses", "references")}
for _f in ("token_accuracy", "exact_match"):
    case(f"seq2seq.{_f}", lambda: dict(hypotheses=[[3, 4], [5]], references=[[3, 4], [6]]), ok=STRING_TOKENS)
case("seq2seq.corpus_bleu", lambda: dict(hypotheses=[[3, 4, 5, 6]], references=[[3, 4, 5, 7]], max_order=2,
                                         smooth="exp"), ok=STRING_TOKENS)
for _f in ("evaluate_seq2seq", "accuracy_by_length"):
    case(f"seq2seq.{_f}", lambda: dict(model=_s2s(), pairs=_pairs()))
case("seq2seq.accuracy_by_position", lambda: dict(hypotheses=[[3, 4], [5]], references=[[3, 4], [6]],
                                                  max_position=2), ok=STRING_TOKENS)
case("seq2seq.teacher_forced_accuracy", lambda: dict(model=_s2s(), pairs=_pairs(), batch_size=4))


def _cfg() -> Any:
    from dlcourse.seq2seq import BOTTLENECK

    return BOTTLENECK.replace(n_train=8, n_test=4, steps=2, batch_size=4, hidden_size=6, embedding_dim=4)


def _run_config(**settings: Any) -> Any:
    """A settings record is checked where it is used: build it and run the experiment it describes."""
    from dlcourse.seq2seq import BottleneckConfig, run_bottleneck

    return run_bottleneck(settings=BottleneckConfig(**settings), progress=False)


def _replace_and_run(**changes: Any) -> Any:
    from dlcourse.seq2seq import run_bottleneck

    return run_bottleneck(settings=_cfg().replace(**changes), progress=False)


case("seq2seq.BottleneckConfig", lambda: dict(task="reversal_task", min_len=3, max_len=5, vocab_size=13, n_train=8,
                                              n_test=4, steps=2, batch_size=4, lr=0.01, hidden_size=6,
                                              embedding_dim=4),
     target=_run_config, signature=__import__("dlcourse.seq2seq").seq2seq.BottleneckConfig,
     ok={("data_seed", "*"): "any seed", ("seed", "zero"): NONNEG})
case("seq2seq.BottleneckConfig.replace", lambda: dict(steps=3, lr=0.01), target=_replace_and_run)
case("seq2seq.bottleneck_data", lambda: dict(settings=_cfg()))
case("seq2seq.make_bottleneck_model", lambda: dict(settings=_cfg()))
case("seq2seq.run_bottleneck", lambda: dict(settings=_cfg(), progress=False))


def _stack() -> Any:
    from dlcourse.seq2seq import SeedStack

    return SeedStack([_s2s(), _s2s()])


case("seq2seq.SeedStack", lambda: dict(models=[_s2s(), _s2s()]))
case("seq2seq.SeedStack.p", lambda: dict(name=next(iter(dict(_s2s().named_parameters())))), make=_stack, reuse=True)
def _kbatch(tgt: bool = False) -> dict[str, Any]:
    p = _pairs()
    out = dict(src=torch.stack([p.src, p.src]), src_lengths=torch.stack([p.src_lengths, p.src_lengths]))
    if tgt:
        out["tgt"] = torch.stack([p.tgt, p.tgt])
    return out


case("seq2seq.SeedStack.encode", _kbatch, make=_stack, reuse=True, index=("src",))
NO_ATTENTION = "unused by a decoder without attention (the stack under test has none)"


def _step_args() -> dict[str, Any]:
    enc, state, mask = _stack().encode(**_kbatch())
    return dict(token=torch.ones(2, 6, dtype=torch.long), state=state, enc=enc, mask=mask, keys_proj=None)


case("seq2seq.SeedStack.step", _step_args, make=_stack, reuse=True, index=("token",),
     ok={("enc", "*"): NO_ATTENTION, ("mask", "*"): NO_ATTENTION, ("keys_proj", "*"): NO_ATTENTION})
case("seq2seq.SeedStack.forward", lambda: _kbatch(tgt=True), make=_stack, reuse=True, index=("src", "tgt"),
     freewidth=("tgt",))  # tgt_len is free: a shorter tgt is a shorter target
case("seq2seq.train_seed_stack", lambda: dict(stack=_stack(), pairs=_pairs(), steps=2, batch_size=3, lr=0.01,
                                              seeds=[0, 1], clip=1.0))

# --------------------------------------------------------------------------- text


def _vocab() -> Any:
    from dlcourse.text import Vocab

    return Vocab(["the", "cat", "sat"])


DOCS = ["the cat sat on the mat", "a dog ate my homework", "the cat and the dog"]
case("text.tokenize", lambda: dict(text="The cat sat.", method="rule", lower=True), text=("text",))
case("text.remove_stopwords", lambda: dict(tokens=["the", "cat"], language="english"))
case("text.Vocab", lambda: dict(tokens=["the", "cat", "sat"], specials=("<pad>", "<unk>"), unk_token="<unk>"),
     ok={("specials", "empty"): "documented: no specials, and the default <unk> then means no unknown token",
         ("tokens", "empty"): "a vocabulary of the specials alone is valid (every word maps to <unk>)"})
case("text.Vocab.lookup_token", lambda: dict(index=2), make=_vocab, reuse=True,
     ok={("index", "zero"): "0 is a valid index (the first special token)"})
case("text.Vocab.encode", lambda: dict(tokens=["the", "dog"]), make=_vocab, reuse=True)
case("text.Vocab.decode", lambda: dict(indices=[4, 5]), make=_vocab, reuse=True)
case("text.one_hot", lambda: dict(tokens=["the", "cat"], vocab=_vocab()))
case("text.bag_of_words", lambda: dict(tokens=["the", "cat"], vocab=_vocab(), binary=True),
     ok={("tokens", "empty"): "an empty document's bag of words is all zeros"})
case("text.document_term_matrix", lambda: dict(docs=[["the", "cat"], ["sat"]], vocab=_vocab(), binary=False))
estimator("text.TfidfVectorizer", lambda: dict(tokenizer="rule", lowercase=True, norm="l2", min_df=1, max_df=1.0),
          lambda: dict(documents=list(DOCS)))


def _tfidf() -> Any:
    from dlcourse.text import TfidfVectorizer

    return TfidfVectorizer().fit(DOCS)


case("text.TfidfVectorizer.fit", lambda: dict(documents=list(DOCS)),
     make=lambda: __import__("dlcourse.text").text.TfidfVectorizer())
case("text.TfidfVectorizer.transform", lambda: dict(documents=["the cat"], sparse_output=False), make=_tfidf,
     reuse=True)
case("text.TfidfVectorizer.fit_transform", lambda: dict(documents=list(DOCS)),
     make=lambda: __import__("dlcourse.text").text.TfidfVectorizer())
case("text.cosine_similarity", lambda: dict(A=rng(2, 3), B=rng(4, 3, seed=1)))
case("text.SearchIndex", lambda: dict(documents=list(DOCS)))
for _m in ("scores", "search"):
    case(f"text.SearchIndex.{_m}", (lambda m=_m: dict(query="cat", **({"k": 2} if m == "search" else {}))),
         make=lambda: __import__("dlcourse.text").text.SearchIndex(DOCS), reuse=True, text=("query",))
estimator("text.BPE", lambda: dict(num_merges=5, min_frequency=2), lambda: dict(corpus=list(DOCS)),
          ok={("num_merges", "zero"): "0 merges is the character-level starting point of BPE"})


def _bpe() -> Any:
    from dlcourse.text import BPE

    return BPE(num_merges=5).fit(DOCS)


case("text.BPE.fit", lambda: dict(corpus=list(DOCS)), make=lambda: __import__("dlcourse.text").text.BPE(5))
case("text.BPE.encode", lambda: dict(text="the cat"), make=_bpe, reuse=True, text=("text",))
case("text.BPE.decode", lambda: dict(tokens=["the</w>", "cat</w>"]), make=_bpe, reuse=True)

# --------------------------------------------------------------------------- embeddings

SENTS = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"]] * 3
LR0 = "documented lr >= 0: a step that changes nothing, and the batch's loss it returns is right"
case("embeddings.skipgram_pairs", lambda: dict(tokens=["a", "b", "c", "d"], window=2))
case("embeddings.cbow_pairs", lambda: dict(tokens=["a", "b", "c", "d"], window=2))
case("embeddings.noise_distribution", lambda: dict(counts=np.array([5, 3, 1]), power=0.75),
     ok={("power", "zero"): "power 0 is the uniform distribution"})
case("embeddings.keep_probabilities", lambda: dict(counts=np.array([50, 3, 1]), sample=1e-3),
     ok={("sample", "zero"): "0 disables subsampling"})
for _c in ("SkipGram", "CBOW"):
    case(f"embeddings.{_c}", lambda: dict(vocab_size=6, dim=3, seed=0))
case("embeddings.SkipGram.forward", lambda: dict(centre=torch.tensor([0, 1]), context=torch.tensor([2, 3]),
                                                 negatives=torch.tensor([[4, 5], [5, 4]])),
     make=lambda: __import__("dlcourse.embeddings").embeddings.SkipGram(6, 3, seed=0), reuse=True,
     index=("centre", "context", "negatives"))
case("embeddings.SkipGram.sgd_step", lambda: dict(centre=torch.tensor([0, 1]), context=torch.tensor([2, 3]),
                                                  negatives=torch.tensor([[4, 5], [5, 4]]), lr=0.1),
     make=lambda: __import__("dlcourse.embeddings").embeddings.SkipGram(6, 3, seed=0),
     index=("centre", "context", "negatives"), ok={("lr", "zero"): LR0})
case("embeddings.CBOW.forward", lambda: dict(context=torch.tensor([[0, 1], [2, 3]]), centre=torch.tensor([2, 4]),
                                             negatives=torch.tensor([[4, 5], [5, 1]])),
     make=lambda: __import__("dlcourse.embeddings").embeddings.CBOW(6, 3, seed=0), reuse=True,
     index=("context", "centre", "negatives"))
case("embeddings.CBOW.sgd_step", lambda: dict(context=torch.tensor([[0, 1], [2, 3]]), centre=torch.tensor([2, 4]),
                                              negatives=torch.tensor([[4, 5], [5, 1]]), lr=0.1),
     make=lambda: __import__("dlcourse.embeddings").embeddings.CBOW(6, 3, seed=0),
     index=("context", "centre", "negatives"), ok={("lr", "zero"): LR0})
case("embeddings.build_vocab", lambda: dict(sentences=SENTS, min_count=1))
case("embeddings.window_pairs", lambda: dict(ids=np.arange(6), sentence_ids=np.array([0, 0, 0, 1, 1, 1]), window=2),
     index=("ids",), ok={("ids", "negidx"): "ids are token labels here; any integer is passed through",
                         ("ids", "oob"): "ids are token labels here; any integer is passed through"})
case("embeddings.train_word2vec", lambda: dict(sentences=SENTS, sg=1, vector_size=4, window=2, negative=2, epochs=1,
                                               min_count=1, batch_size=8, seed=0, progress=False),
     ok={("sg", "zero"): "sg=0 is CBOW", ("seed", "zero"): NONNEG})


def _wv() -> Any:
    from dlcourse.embeddings import WordVectors

    return WordVectors(["king", "queen", "man", "woman", "cat"], rng(5, 4, seed=3))


case("embeddings.WordVectors", lambda: dict(words=["a", "b", "c"], vectors=rng(3, 4)), freewidth=("vectors",))
case("embeddings.WordVectors.similarity", lambda: dict(word1="king", word2="queen"), make=_wv, reuse=True,
     text=())
case("embeddings.WordVectors.most_similar", lambda: dict(positive=["king"], negative=["man"], topn=2), make=_wv,
     reuse=True, ok={("negative", "empty"): "no negative words is the plain neighbour query",
                     ("positive", "empty"): "negative words alone are a valid query (as gensim: nearest to -mean)"})
case("embeddings.WordVectors.analogy", lambda: dict(a="man", b="king", c="woman", topn=1), make=_wv, reuse=True)
case("embeddings.WordVectors.evaluate_analogies", lambda: dict(quads=[("man", "king", "woman", "queen")]),
     make=_wv, reuse=True)
case("embeddings.WordVectors.evaluate_word_pairs", lambda: dict(pairs=[("king", "queen", 8.0), ("man", "cat", 2.0),
                                                                       ("woman", "queen", 7.0)]),
     make=_wv, reuse=True)
case("embeddings.PairEvaluation.interval", lambda: dict(n_boot=50, level=0.9, seed=0),
     make=lambda: _wv().evaluate_word_pairs([("king", "queen", 8.0), ("man", "cat", 2.0), ("woman", "queen", 7.0),
                                             ("king", "cat", 1.0)]), reuse=True, ok={("seed", "zero"): NONNEG})
case("embeddings.neighbour_overlap", lambda: dict(first=_wv(), second=_wv(), words=["king", "man"], topn=2))
case("embeddings.bootstrap_spearman", lambda: dict(gold=[1.0, 2.0, 3.0, 4.0, 5.0], scores=[0.1, 0.3, 0.2, 0.5, 0.9],
                                                   n_boot=50, level=0.9, seed=0),
     ok={("seed", "zero"): NONNEG})

# --------------------------------------------------------------------------- rnn


def _rnnp() -> dict[str, Any]:
    from dlcourse.rnn import init_rnn_params

    return init_rnn_params(3, 4, seed=0)


def _rnn_cache() -> Any:
    from dlcourse.rnn import rnn_forward

    return rnn_forward(rng(2, 5, 3), None, _rnnp())[1]


case("rnn.init_rnn_params", lambda: dict(input_size=3, hidden_size=4, seed=0, spectral_radius=0.9),
     ok={("seed", "zero"): NONNEG})
case("rnn.rnn_step_forward", lambda: dict(x_t=rng(2, 3), h_prev=rng(2, 4, seed=1), params=_rnnp()))
case("rnn.rnn_step_backward", lambda: (lambda p: dict(dh_t=rng(2, 4), h_t=np.tanh(rng(2, 4, seed=1)), x_t=rng(2, 3),
                                                      h_prev=rng(2, 4, seed=2), W_xh=p["W_xh"], W_hh=p["W_hh"]))(
    _rnnp()))
case("rnn.rnn_forward", lambda: dict(x=rng(2, 5, 3), h0=None, params=_rnnp()))
case("rnn.rnn_backward", lambda: dict(dh=rng(2, 5, 4), cache=_rnn_cache(), truncate=3))
case("rnn.clip_grad_norm", lambda: dict(grads={"a": arr(3.0, 4.0)}, max_norm=1.0))
case("rnn.RNNCell", lambda: dict(input_size=3, hidden_size=4, bias=True, nonlinearity="tanh"))
case("rnn.RNNCell.forward", lambda: dict(x=trng(2, 3), h=trng(2, 4, seed=1)),
     make=lambda: __import__("dlcourse.rnn").rnn.RNNCell(3, 4), reuse=True)
for _c in ("RNN", "GRU"):
    case(f"rnn.{_c}", lambda: dict(input_size=3, hidden_size=4, num_layers=1, bias=True, batch_first=True,
                                   bidirectional=False))
    case(f"rnn.{_c}.forward", lambda: dict(x=trng(2, 5, 3), h0=trng(1, 2, 4, seed=1)),
         make=(lambda c=_c: getattr(__import__("dlcourse.rnn").rnn, c)(3, 4, batch_first=True)), reuse=True)
case("rnn.LSTM", lambda: dict(input_size=3, hidden_size=4, num_layers=1, bias=True, batch_first=True,
                              bidirectional=False, peephole=False, fused=True))
case("rnn.LSTM.forward", lambda: dict(x=trng(2, 5, 3), hx=(trng(1, 2, 4, seed=1), trng(1, 2, 4, seed=2))),
     make=lambda: __import__("dlcourse.rnn").rnn.LSTM(3, 4, batch_first=True), reuse=True)
for _c in ("LSTMCell", "PeepholeLSTMCell", "GRUCell"):
    case(f"rnn.{_c}", lambda: dict(input_size=3, hidden_size=4, bias=True))
case("rnn.LSTMCell.forward", lambda: dict(x=trng(2, 3), hx=(trng(2, 4, seed=1), trng(2, 4, seed=2))),
     make=lambda: __import__("dlcourse.rnn").rnn.LSTMCell(3, 4), reuse=True)
case("rnn.LSTMCell.input_projection", lambda: dict(x=trng(2, 3)),
     make=lambda: __import__("dlcourse.rnn").rnn.LSTMCell(3, 4), reuse=True)
case("rnn.LSTMCell.recur", lambda: dict(xp=trng(2, 16), h=trng(2, 4, seed=1), c=trng(2, 4, seed=2)),
     make=lambda: __import__("dlcourse.rnn").rnn.LSTMCell(3, 4), reuse=True)
case("rnn.PeepholeLSTMCell.recur", lambda: dict(xp=trng(2, 16), h=trng(2, 4, seed=1), c=trng(2, 4, seed=2)),
     make=lambda: __import__("dlcourse.rnn").rnn.PeepholeLSTMCell(3, 4), reuse=True)
case("rnn.LSTMCell.sequence", lambda: dict(xp=trng(5, 2, 16), state=(trng(2, 4, seed=1), trng(2, 4, seed=2)),
                                           reverse=False, fused=True),
     make=lambda: __import__("dlcourse.rnn").rnn.LSTMCell(3, 4), reuse=True)
case("rnn.GRUCell.forward", lambda: dict(x=trng(2, 3), h=trng(2, 4, seed=1)),
     make=lambda: __import__("dlcourse.rnn").rnn.GRUCell(3, 4), reuse=True)
case("rnn.RNNCell.recur", lambda: dict(xp=trng(2, 4), h=trng(2, 4, seed=1)),
     make=lambda: __import__("dlcourse.rnn").rnn.RNNCell(3, 4), reuse=True)
case("rnn.GRUCell.recur", lambda: dict(xp=trng(2, 12), h=trng(2, 4, seed=1)),
     make=lambda: __import__("dlcourse.rnn").rnn.GRUCell(3, 4), reuse=True)
case("rnn.count_parameters", lambda: dict(mode="gru", input_size=3, hidden_size=4, num_layers=2, bias=True,
                                          bidirectional=False))

TEXT = "hello world, hello there. " * 4


def _charlm() -> Any:
    from dlcourse.rnn import CharLM, char_vocab

    torch.manual_seed(0)
    return CharLM(char_vocab(TEXT), embedding_dim=4, hidden_size=6)


case("rnn.CharLM", lambda: dict(vocab="abc", embedding_dim=4, hidden_size=6, num_layers=1))
case("rnn.CharLM.encode", lambda: dict(text="hello"), make=_charlm, reuse=True)
case("rnn.CharLM.decode", lambda: dict(ids=[1, 2, 3]), make=_charlm, reuse=True)
case("rnn.CharLM.forward", lambda: dict(idx=torch.tensor([[1, 2, 3]]), h=None), make=_charlm, reuse=True,
     index=("idx",))
case("rnn.CharLM.next_char_probabilities", lambda: dict(prefix="hel", temperature=1.0), make=_charlm, reuse=True)
case("rnn.CharLM.sample", lambda: dict(prefix="he", length=5, temperature=1.0, seed=0), make=_charlm, reuse=True,
     ok={("length", "zero"): "an empty continuation", ("seed", "zero"): NONNEG})
case("rnn.CharLM.perplexity", lambda: dict(text="hello world"), make=_charlm, reuse=True)
case("rnn.fit_char_lm", lambda: dict(model=_charlm(), text=TEXT, seq_len=8, batch_size=2, epochs=1, lr=0.01, clip=1.0,
                                     seed=0), ok={("seed", "zero"): NONNEG})
case("rnn.unigram_perplexity", lambda: dict(train_text="abcab", test_text="abc", alpha=1.0),
     text=("train_text", "test_text"))
case("rnn.gradient_flow", lambda: dict(spectral_radius=1.0, seq_len=5, hidden_size=4, activation="tanh",
                                       input_scale=0.5, seed=0),
     ok={("seed", "zero"): NONNEG, ("input_scale", "zero"): "an undriven RNN: the Jacobian is then exactly W^lag"})
case("rnn.pad_sequences", lambda: dict(sequences=[[1, 2, 3], [4]], pad_id=0))
case("rnn.lengths_to_mask", lambda: dict(lengths=torch.tensor([3, 1]), max_len=4))
case("rnn.masked_cross_entropy", lambda: dict(logits=trng(2, 3, 5), targets=torch.tensor([[1, 2, 0], [3, 4, 2]]),
                                              mask=torch.tensor([[True, True, False], [True] * 3]),
                                              reduction="mean"), index=("targets",))
case("rnn.last_states", lambda: dict(outputs=trng(2, 3, 4), lengths=torch.tensor([3, 1])), index=("lengths",),
     freewidth=("outputs",), ok={("outputs", "nan"): "the NaN sits at a step that is no sequence's last: never read"})
case("rnn.char_vocab", lambda: dict(text="hello"), text=("text",))


def _rlm() -> Any:
    from dlcourse.rnn import RecurrentLM

    torch.manual_seed(0)
    return RecurrentLM(10, "lstm", embedding_dim=4, hidden_size=6)


case("rnn.RecurrentLM", lambda: dict(vocab_size=10, kind="gru", embedding_dim=4, hidden_size=6, num_layers=1))
case("rnn.RecurrentLM.forward", lambda: dict(idx=torch.tensor([[1, 2, 3], [4, 5, 6]]), state=None,
                                             lengths=torch.tensor([3, 2])), make=_rlm, reuse=True,
     index=("idx",))
case("rnn.RecurrentLM.sample", lambda: dict(prefix_ids=[1, 2], length=4, temperature=1.0, seed=0), make=_rlm,
     reuse=True, ok={("length", "zero"): "an empty continuation", ("seed", "zero"): NONNEG})


def _ids(n: int = 200) -> torch.Tensor:
    return torch.arange(n) % 10


case("rnn.train_lms", lambda: dict(models={"lstm": _rlm()}, train_ids=_ids(), val_ids=_ids(), steps=2, seq_len=8,
                                   batch_size=2, lr=0.01, clip=1.0, eval_every=1, seed=0),
     index=("train_ids", "val_ids"), ok={("seed", "zero"): NONNEG,
                                         ("train_ids", "shape"): "training and validation texts of any lengths",
                                         ("val_ids", "shape"): "training and validation texts of any lengths"})
case("rnn.stream_perplexity", lambda: dict(model=_rlm(), ids=_ids(60), seq_len=8, batch_size=2), index=("ids",))
case("rnn.init_lstm_params", lambda: dict(input_size=3, hidden_size=4, seed=0, peephole=False),
     ok={("seed", "zero"): NONNEG})
case("rnn.init_gru_params", lambda: dict(input_size=3, hidden_size=4, seed=0), ok={("seed", "zero"): NONNEG})
case("rnn.lstm_cell_update", lambda: dict(c_prev=rng(2, 4), f=np.full((2, 4), 0.5), i=np.full((2, 4), 0.5),
                                          g=np.tanh(rng(2, 4, seed=1)), o=np.full((2, 4), 0.5)))
case("rnn.lstm_step", lambda: dict(x=rng(2, 3), h=rng(2, 4, seed=1), c=rng(2, 4, seed=2),
                                   params=__import__("dlcourse.rnn").rnn.init_lstm_params(3, 4, seed=0)))
case("rnn.gru_update", lambda: dict(h_prev=rng(2, 4), z=np.full((2, 4), 0.3), h_tilde=np.tanh(rng(2, 4, seed=1)),
                                    convention="book"))
case("rnn.gru_step", lambda: dict(x=rng(2, 3), h=rng(2, 4, seed=1),
                                  params=__import__("dlcourse.rnn").rnn.init_gru_params(3, 4, seed=0),
                                  convention="pytorch", reset_after=True))

# --------------------------------------------------------------------------- timeseries

for _f in ("acf", "pacf"):
    case(f"timeseries.{_f}", lambda: dict(x=series(), nlags=3, adjusted=False),
         ok={("nlags", "zero"): "lag 0 alone is valid (its value is 1), as in statsmodels"})
case("timeseries.difference", lambda: dict(x=series(), d=1, lag=1), ok={("d", "zero"): "d=0 returns the series"})
case("timeseries.inverse_difference", lambda: dict(z=np.diff(series()), initial=series()[:1], d=1, lag=1),
     ok={("d", "zero"): "d=0 returns the series"})
case("timeseries.fit_ar", lambda: dict(x=series(), p=2), ok={("p", "zero"): "AR(0) is the mean model, documented"})
case("timeseries.simulate_arma", lambda: dict(phi=(0.5,), theta=(0.2,), n=50, seed=0, const=0.0, sigma=1.0,
                                              burn_in=10),
     ok={("phi", "empty"): "no AR part", ("theta", "empty"): "no MA part", ("seed", "zero"): NONNEG,
         ("burn_in", "zero"): NONNEG, ("const", "*"): "any real constant"})
case("timeseries.is_stationary_ar", lambda: dict(phi=[0.5, 0.2]), ok={("phi", "empty"): "white noise is stationary"})
case("timeseries.as_series_array", lambda: dict(x=series(), name="x", min_length=2), text=("name",))
case("timeseries.make_windows", lambda: dict(series=series(), window=4, horizon=1))
for _f in ("rmse", "mae", "forecast_metrics"):
    case(f"timeseries.{_f}", lambda: dict(y=arr(1.0, 2.0, 3.0), y_hat=arr(1.5, 2.0, 2.5)))
case("timeseries.Forecaster.fit", lambda: dict(train=series()),
     make=lambda: __import__("dlcourse.timeseries").timeseries.NaiveForecaster())
case("timeseries.NaiveForecaster.predict_one_step", lambda: dict(series=series(), start=50),
     make=lambda: __import__("dlcourse.timeseries").timeseries.NaiveForecaster().fit(series()[:50]))
estimator("timeseries.SeasonalNaiveForecaster", lambda: dict(season=12), lambda: dict(train=series()))
case("timeseries.SeasonalNaiveForecaster.predict_one_step", lambda: dict(series=series(), start=50),
     make=lambda: __import__("dlcourse.timeseries").timeseries.SeasonalNaiveForecaster(12).fit(series()[:50]))
estimator("timeseries.ARForecaster", lambda: dict(p=2), lambda: dict(train=series()))
case("timeseries.ARForecaster.fit", lambda: dict(train=series()),
     make=lambda: __import__("dlcourse.timeseries").timeseries.ARForecaster(2))
case("timeseries.ARForecaster.predict_one_step", lambda: dict(series=series(), start=50),
     make=lambda: __import__("dlcourse.timeseries").timeseries.ARForecaster(2).fit(series()[:50]))
estimator("timeseries.ARIMAForecaster", lambda: dict(order=(1, 0, 0), seasonal_order=(0, 0, 0, 0), trend="c"),
          lambda: dict(train=series()))
case("timeseries.ARIMAForecaster.fit", lambda: dict(train=series()),
     make=lambda: __import__("dlcourse.timeseries").timeseries.ARIMAForecaster((1, 0, 0)))
case("timeseries.ARIMAForecaster.predict_one_step", lambda: dict(series=series(), start=55),
     make=lambda: __import__("dlcourse.timeseries").timeseries.ARIMAForecaster((1, 0, 0)).fit(series()[:55]))
case("timeseries.fit_arima", lambda: dict(y=series(), order=(1, 0, 0), trend="c"))
case("timeseries.select_arima_order", lambda: dict(y=series(), p_values=[0, 1], d=0, q_values=[0]),
     ok={("d", "zero"): NONNEG})
case("timeseries.select_ar_order", lambda: dict(x=series(), max_p=2),
     ok={("max_p", "zero"): "max_p = 0 ranks the mean model alone"})
estimator("timeseries.TransformedForecaster",
          lambda: dict(base=__import__("dlcourse.timeseries").timeseries.NaiveForecaster(), transform="sqrt"),
          lambda: dict(train=series()))
case("timeseries.TransformedForecaster.fit", lambda: dict(train=series()),
     make=lambda: __import__("dlcourse.timeseries").timeseries.TransformedForecaster(
         __import__("dlcourse.timeseries").timeseries.NaiveForecaster(), "sqrt"))
case("timeseries.TransformedForecaster.predict_one_step", lambda: dict(series=series(), start=50),
     make=lambda: __import__("dlcourse.timeseries").timeseries.TransformedForecaster(
         __import__("dlcourse.timeseries").timeseries.NaiveForecaster(), "sqrt").fit(series()[:50]))
_NN = dict(kind="mlp", window=4, hidden_size=3, lr=0.01, weight_decay=0.0, d=0)
estimator("timeseries.NeuralForecaster", lambda: dict(**_NN, epochs=2, seed=0), lambda: dict(train=series()),
     ok={("seed", "zero"): NONNEG, ("d", "zero"): NONNEG})
case("timeseries.NeuralForecaster.fit", lambda: dict(train=series()),
     make=lambda: __import__("dlcourse.timeseries").timeseries.NeuralForecaster(**_NN, epochs=2))
case("timeseries.NeuralForecaster.predict_one_step", lambda: dict(series=series(), start=50),
     make=lambda: __import__("dlcourse.timeseries").timeseries.NeuralForecaster(**_NN, epochs=2).fit(series()[:50]),
     reuse=True)
estimator("timeseries.SeedBatchForecaster", lambda: dict(**_NN, max_epochs=2, seeds=[0, 1], val_size=0,
                                                      eval_every=1), lambda: dict(train=series()),
     ok={("d", "zero"): NONNEG, ("val_size", "*"): "0 means no validation split"})
case("timeseries.SeedBatchForecaster.fit", lambda: dict(train=series()),
     make=lambda: __import__("dlcourse.timeseries").timeseries.SeedBatchForecaster(**_NN, max_epochs=2, seeds=[0, 1]))
case("timeseries.SeedBatchForecaster.predict_one_step", lambda: dict(series=series(), start=50),
     make=lambda: __import__("dlcourse.timeseries").timeseries.SeedBatchForecaster(
         **_NN, max_epochs=2, seeds=[0, 1]).fit(series()[:50]), reuse=True)
case("timeseries.dm_test", lambda: dict(e1=rng(30), e2=rng(30, seed=1), h=1, power=2, alternative="two-sided"))
case("timeseries.block_bootstrap_ratio", lambda: dict(e1=rng(30), e2=rng(30, seed=1), block=3, n_boot=50, level=0.9,
                                                      seed=0), ok={("seed", "zero"): NONNEG})
case("timeseries.rolling_windows", lambda: dict(n=100, n_windows=3, size=10))
case("timeseries.rolling_forecast", lambda: dict(model=__import__("dlcourse.timeseries").timeseries.NaiveForecaster(),
                                                 train=series()[:50], test=series()[50:], refit=None))
case("timeseries.naive", lambda: dict(train=series()[:50], test=series()[50:]))
case("timeseries.seasonal_naive", lambda: dict(train=series()[:50], test=series()[50:], season=12))

# --------------------------------------------------------------------------- data

def _tmp() -> str:
    """A folder for the data cases' files (the sweep's scratch folder in its worker)."""
    path = os.path.join(tempfile.gettempdir(), "dlcourse-badinput-files")
    os.makedirs(path, exist_ok=True)
    return path


def _tmpfile() -> str:
    path = os.path.join(_tmp(), "payload.txt")
    with open(path, "w") as fh:
        fh.write("payload\n")
    return path


def _remote() -> Any:
    import hashlib

    from dlcourse.data import RemoteFile

    path = _tmpfile()
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    return RemoteFile("badinput-payload", "file://" + path, digest, "payload.txt", "a test file")


def _remote_args() -> dict[str, Any]:
    r = _remote()
    return dict(name=r.name, url=r.url, sha256=r.sha256, filename=r.filename, description="d")


case("data.analogy_corpus", lambda: dict(n_sentences=20, seed=0), ok={("seed", "zero"): NONNEG})
case("data.korean_corpus", lambda: dict(n_sentences=20, seed=0), ok={("seed", "zero"): NONNEG})
case("data.load_documents", lambda: dict(language="en", topic="space"))
for _f in ("reversal_task", "copy_task"):
    case(f"data.{_f}", lambda: dict(n=4, min_len=2, max_len=4, vocab_size=8, seed=0), ok={("seed", "zero"): NONNEG})
case("data.adding_problem", lambda: dict(n=4, seq_len=5, seed=0), ok={("seed", "zero"): NONNEG})
case("data.copy_memory_task", lambda: dict(n=4, delay=3, n_symbols=4, alphabet=5, seed=0),
     ok={("seed", "zero"): NONNEG})
case("data.split_pairs", lambda: dict(pairs=_pairs(), n_test=2, seed=0), ok={("seed", "zero"): NONNEG})
case("data.subset_pairs", lambda: dict(pairs=_pairs(), index=torch.tensor([0, 2])), index=("index",),
     ok={("index", "negidx"): "documented: negative row numbers count from the end, as in PyTorch"})
case("data.source_keys", lambda: dict(pairs=_pairs()))
case("data.date_task", lambda: dict(n=4, seed=0), ok={("seed", "zero"): NONNEG})
case("data.date_splits", lambda: dict(n_train=4, n_test=2, seed=0), ok={("seed", "zero"): NONNEG})
case("data.format_date", lambda: dict(date=__import__("datetime").date(2020, 5, 17), fmt="yyyy/mm/dd"))
case("data.encode_chars", lambda: dict(text="2020-05-17"), text=())
case("data.decode_chars", lambda: dict(ids=[5, 6, 7]))
case("data.sensor_windows", lambda: dict(n=4, seq_len=6, spike=3.0, seed=0),
     ok={("seed", "zero"): NONNEG, ("spike", "neg"): "a negative spike is a dip: an anomaly all the same"})
case("data.shapes_localisation", lambda: dict(n=3, size=16, min_shape=5, max_shape=7, n_distractors=1, noise=0.1,
                                              seed=0),
     ok={("seed", "zero"): NONNEG, ("noise", "zero"): "noise-free images", ("n_distractors", "zero"): NONNEG})
case("data.draw_shape", lambda: dict(kind="plus", size=7, thickness=1))
case("data.load_text", lambda: dict(name="lighthouse"))
case("data.tokenize_words", lambda: dict(text="The cat sat."), text=("text",))
case("data.RemoteFile", _remote_args, text=("description",),
     ok={("name", "unknown"): "RemoteFile declares a new file: any new name is valid",
         ("filename", "unknown"): "RemoteFile declares a new file: any new file name is valid"})
case("data.register", lambda: dict(spec=_remote()))
case("data.fetch", lambda: dict(name=_remote(), cache_dir=os.path.join(_tmp(), "cache"), force=False, timeout=10.0,
                                deadline=60.0),
     ok={("cache_dir", "unknown"): "a new folder name is a valid cache folder (it is created)"})
case("data.sha256sum", lambda: dict(path=_tmpfile(), chunk_size=1024))

CORPUS = "needs a downloaded corpus (network); not called by the offline test"
RECORD = "a plain result record built by the library, not an input"
NOT_COVERABLE.update({
    "data.wiki_text": CORPUS, "data.wiki_sentences": CORPUS, "data.analogy_questions": CORPUS,
    "data.word_similarity": CORPUS, "data.lee_corpus": CORPUS, "data.lee_path": CORPUS,
    "data.gensim_data_path": CORPUS,
    "core.SourceCode": RECORD, "embeddings.PairEvaluation": RECORD, "embeddings.AnalogyEvaluation": RECORD,
    "timeseries.DMResult": RECORD,
    "text.korean_morphemes": "loads a morphological analyser (kiwipiepy): seconds per call, too slow to sweep", "text.SearchHit": RECORD, "rnn.RNNCache": RECORD, "train.SeedRuns": RECORD,
    "data.Document": RECORD, "data.SequencePairs": RECORD + " (the functions that take one check it)", "data.ShapesData": RECORD, "data.PlantedCorpus": RECORD, "train.History": RECORD,
    "optim.Optimizer": "abstract base class (its step is covered through Adam)",
    "optim.Optimizer.update": "abstract method",
    "timeseries.Forecaster": "abstract base class", "timeseries.Forecaster.predict_one_step": "abstract method",
    "rnn.LSTMSequence": "autograd Function called only through LSTMCell.sequence (covered)",
    "rnn.LSTMSequence.forward": "autograd Function called only through LSTMCell.sequence (covered)",
    "rnn.LSTMSequence.backward": "autograd Function called only through LSTMCell.sequence (covered)",
})


# Arrays whose last axis has no fixed size (image width, sequence length): one fewer is valid.
FREEWIDTH = {
    "cnn.pad2d": ("x",), "cnn.conv2d": ("x",), "cnn.conv2d_loop": ("x",), "cnn.im2col": ("x",),
    "cnn.max_pool2d": ("x",), "cnn.avg_pool2d": ("x",), "cnn.lp_pool2d": ("x",), "cnn.conv1d": ("x",),
    "cnn.ResidualBlock.forward": ("x",), "xai.cam": ("x",), "xai.grad_cam": ("x",), "xai.gradient_x_input": ("x",),
    "xai.explain": ("x",), "xai.LRP.attribute": ("inputs",), "xai.upsample": ("maps",), "xai.to_heatmap": ("attribution",),
    "xai.spot_size": ("maps",), "transformer.Transformer.encode": ("src",),
    "transformer.Transformer.forward": ("src", "tgt_in"), "transformer.Transformer.greedy_decode": ("src",),
    "transformer.Transformer.attention_maps": ("src", "tgt_in"), "transformer.padding_mask": ("tokens",),
    "transformer.Transformer.decode": ("tgt_in",), "rnn.CharLM.forward": ("idx",),
    "seq2seq.Decoder.forward_sequence": ("tokens",), "attention.LuongAttentionDecoder.forward_sequence": ("tokens",),
    "embeddings.CBOW.forward": ("context", "negatives"), "embeddings.CBOW.sgd_step": ("context", "negatives"),
    "embeddings.SkipGram.forward": ("negatives",), "embeddings.SkipGram.sgd_step": ("negatives",),
    "xai.random_maps": ("shape",), "transformer.scaled_dot_product_attention": (),
}
for _case in CASES:
    _case.freewidth = FREEWIDTH.get(_case.qual, _case.freewidth)


# --------------------------------------------------------------------------- coverage



def uncovered() -> dict[str, str]:
    """Public callables without a case: ``{qual: why}``."""
    from bad_input_engine import public_callables

    have = {c.qual for c in CASES}
    out = {}
    for qual in public_callables():
        if qual not in have:
            out[qual] = NOT_COVERABLE.get(qual, "no baseline yet")
    return out


# --------------------------------------------------------------------------- planted faults (for the tests)


def planted_spin(n: int) -> int:
    """Loops forever: the sweep must report a hang, not wait."""
    while True:
        n += 1


def planted_alloc(n: int) -> Any:
    """Allocates n floats: 10**12 must fail fast under the memory limit, not swap the machine."""
    return np.ones(n)


PLANTED = [
    Case("planted.spin", lambda: dict(n=1), target=planted_spin),
    Case("planted.alloc", lambda: dict(n=3), target=planted_alloc),
]
