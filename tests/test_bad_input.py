"""The project's generic bad-input test (issue 29).

Every public callable of :mod:`dlcourse` (``__all__`` of each public module,
widgets' explorers aside: tests/test_widgets.py sweeps those) has a small valid
baseline call in tests/bad_input_cases.py. The sweep mutates one argument at a
time through a catalogue of bad values chosen by the argument's kind, runs each
call in a child process under a CPU-time and a memory limit, and classifies it
(tests/bad_input_engine.py):

* the goal: at least 95% of the calls that raise or should be rejected get a clear
  message (TypeError/ValueError/IndexError/KeyError raised inside dlcourse, naming the
  argument), and no bad value is accepted silently (only whitelisted, equivalent or
  visibly propagated values may be accepted);
* nothing hangs (asserted).

The package meets the goal (see ``FLOOR_RATE``): the floor sits above it, so that a new
raw error or a silently accepted value in any module fails here instead of hiding in the
remaining margin. Its summary line prints the counts and the distance to the goal.

``cd tests && ../.venv/bin/python bad_input_engine.py --report FILE`` writes the
per-module list of the calls that fail these rules.
"""
from __future__ import annotations

import math
import os
import sys
from typing import Any

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bad_input_cases as bc  # noqa: E402
import bad_input_engine as be  # noqa: E402

RATE = 0.95  # the goal
#: Where the package stands (sweep of 2026-11-28, session 5: 358 callables, 8,868 mutated calls,
#: 7,905 clear, 0 raw, 0 silent, 0 hangs, 963 legitimately accepted; 100% clear, was 86.1%
#: with 163 silent in the morning). The floor is kept above the goal: a change that adds raw
#: errors or silent acceptances fails instead of spending the margin.
FLOOR_RATE = 0.995
MAX_SILENT = 0


@pytest.fixture(scope="module")
def sweep() -> be.Sweep:
    result = be.run_all(bc.CASES, "bad_input_cases")
    print("\n" + result.summary(len(bc.CASES)))
    return result


def _listing(sweep: be.Sweep, cls: str, limit: int = 40) -> str:
    rows = [r for r in sweep.results if r.cls == cls]
    text = "\n".join(f"  {r.case}({r.arg}={r.label}: {r.shown}) -> {r.detail[:160]}" for r in rows[:limit])
    more = f"\n  ... and {len(rows) - limit} more" if len(rows) > limit else ""
    return text + more


def test_every_public_callable_has_a_baseline() -> None:
    missing = {k: v for k, v in bc.uncovered().items() if v == "no baseline yet"}
    assert not missing, (
        f"{len(missing)} public callables have no baseline call in tests/bad_input_cases.py "
        f"(add a case, or a NOT_COVERABLE reason): {sorted(missing)}"
    )


def test_every_baseline_runs(sweep: be.Sweep) -> None:
    assert not sweep.baseline_errors, "baselines that fail (update tests/bad_input_cases.py):\n" + "\n".join(
        f"  {k}: {v}" for k, v in sweep.baseline_errors.items()
    )


def test_clear_rejection_rate_does_not_fall(sweep: be.Sweep) -> None:
    print(f"clear-rejection rate {sweep.rate():.1%}; goal {RATE:.0%}, floor {FLOOR_RATE:.1%}")
    assert sweep.rate() >= FLOOR_RATE, (
        sweep.summary(len(bc.CASES)) + f"\nbelow the floor {FLOOR_RATE:.1%} (goal {RATE:.0%}); raw errors:\n"
        + _listing(sweep, "raw")
    )


def test_silent_acceptances_do_not_grow(sweep: be.Sweep) -> None:
    silent = sweep.counts()["silent"]
    print(f"silently accepted bad values: {silent}; goal 0, at most {MAX_SILENT}")
    assert silent <= MAX_SILENT, sweep.summary(len(bc.CASES)) + "\nsilent:\n" + _listing(sweep, "silent")


def test_nothing_hangs(sweep: be.Sweep) -> None:
    assert sweep.counts()["hang"] == 0, sweep.summary(len(bc.CASES)) + "\nhangs:\n" + _listing(sweep, "hang")


# --------------------------------------------------------------------------- the classifier itself


def _mse_case() -> be.Case:
    return next(c for c in bc.CASES if c.qual == "metrics.mse")


def _classify_in_process(case: be.Case) -> list[str]:
    cache: dict[str, Any] = {}
    assert be.run_one(case, None, cache)[0] == "baseline-ok"
    muts = be.mutations(case, case.args(), be.defaults_of(case))
    return [be.run_one(case, m, cache)[0] for m in muts]


@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")
def test_planted_raw_error_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A public function that converts without checking gives RAW errors, and the rate check fails."""
    import dlcourse.metrics

    def unchecked_mse(y_true: Any, y_pred: Any) -> float:
        a, b = np.asarray(y_true, float), np.asarray(y_pred, float)  # TypeError without the argument's name
        return float(np.mean((a - b) ** 2))

    monkeypatch.setattr(dlcourse.metrics, "mse", unchecked_mse)
    classes = _classify_in_process(_mse_case())
    raw = classes.count("raw")
    clear = classes.count("clear")
    assert raw > 0
    planted = be.Sweep([be.Result("metrics.mse", "a", "l", "", c, "") for c in classes], {}, 0.0)
    assert planted.rate() < FLOOR_RATE, f"the planted raw errors should fail the rate check: {clear} clear, {raw} raw"
    exc = TypeError("float() argument must be a string or a real number, not 'NoneType'")
    assert be.classify_exception(exc, ("y_true",))[0] == "raw"


def test_classifier_accepts_a_clear_message() -> None:
    from dlcourse._validation import check_float

    try:
        check_float(None, "lr", minimum=0.0)
    except TypeError as exc:
        assert be.classify_exception(exc, ("lr",))[0] == "clear"
        assert be.classify_exception(exc, ("momentum",))[0] == "raw"  # does not name this argument
    else:  # pragma: no cover
        pytest.fail("check_float accepted None")


def test_hang_and_memory_limits() -> None:
    """A call that never returns is reported as a hang; 10**12 floats fail fast as a raw MemoryError."""
    pool = be.Pool("bad_input_cases", "PLANTED")
    try:
        cls, detail = pool.call(0, -1)
        assert cls == "hang", detail
        alloc = bc.PLANTED[1]
        muts = be.mutations(alloc, alloc.args(), be.defaults_of(alloc))
        huge = next(i for i, m in enumerate(muts) if m.label == "huge")
        cls, detail = pool.call(1, huge)
        assert cls == "raw" and "MemoryError" in detail, (cls, detail)
    finally:
        pool.close()


# --------------------------------------------------------------------------- laws (hypothesis)

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

FAST = settings(max_examples=25, deadline=None)
finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)
matrices = hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=finite)
binary = hnp.arrays(np.int64, st.integers(2, 30), elements=st.integers(0, 1))


@FAST
@given(matrices)
def test_softmax_rows_sum_to_one(z: np.ndarray) -> None:
    from dlcourse.activations import softmax

    p = softmax(z, axis=-1)
    assert np.all(p >= 0) and np.allclose(p.sum(axis=-1), 1.0)


@FAST
@given(matrices)
def test_sigmoid_and_tanh_are_bounded(z: np.ndarray) -> None:
    from dlcourse.activations import sigmoid, tanh

    s = sigmoid(z)
    assert np.all((s >= 0) & (s <= 1))
    assert np.all(np.abs(tanh(z)) <= 1)


@FAST
@given(binary, st.randoms(use_true_random=False))
def test_classification_metrics_lie_in_unit_interval(y_true: np.ndarray, r: Any) -> None:
    from dlcourse import metrics

    y_pred = np.array([r.randint(0, 1) for _ in y_true])
    assume(0 in y_true and 1 in y_true)  # both classes present: every metric is defined
    for f in (metrics.accuracy, metrics.precision, metrics.recall, metrics.f1_score):
        v = f(y_true, y_pred)
        assert 0.0 <= v <= 1.0, (f.__name__, v)


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 20), elements=finite), st.integers(0, 10**6))
def test_regression_errors_are_non_negative(y: np.ndarray, seed: int) -> None:
    from dlcourse import metrics

    y_hat = y + np.random.default_rng(seed).normal(size=y.shape)
    assert metrics.mse(y, y_hat) >= 0 and metrics.mae(y, y_hat) >= 0
    assert math.isclose(metrics.rmse(y, y_hat) ** 2, metrics.mse(y, y_hat), rel_tol=1e-9, abs_tol=1e-12)


@FAST
@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 5), st.integers(0, 100))
def test_attention_weights_are_distributions(b: int, lq: int, lk: int, seed: int) -> None:
    import torch

    from dlcourse.transformer import scaled_dot_product_attention

    g = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(b, n, 4, generator=g) for n in (lq, lk, lk))
    _, w = scaled_dot_product_attention(q, k, v, dropout_p=0.0, training=False)
    assert torch.allclose(w.sum(-1), torch.ones(b, lq), atol=1e-5) and bool((w >= 0).all())
