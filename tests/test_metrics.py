"""dlcourse.metrics against scikit-learn and SciPy, the syllabus's worked numbers, bad input,
and the decision-threshold widget driven from code."""
import math

import numpy as np
import pytest
import scipy.special
import scipy.stats
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from dlcourse import metrics as M

TOL = dict(rtol=1e-12, atol=1e-12)  # numpy.testing
AP = dict(rel=1e-12, abs=1e-12)  # pytest.approx
FAST = settings(max_examples=40, deadline=None)


def labels(k, min_size=1, max_size=40):
    return st.lists(st.integers(0, k - 1), min_size=min_size, max_size=max_size)


@st.composite
def label_pairs(draw, k=3):
    n = draw(st.integers(1, 40))
    t = draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
    p = draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
    return np.array(t), np.array(p)


@st.composite
def scored_binary(draw):
    """Binary labels with both classes, and scores from a coarse grid so that ties are common."""
    n = draw(st.integers(2, 40))
    t = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(lambda v: 0 < sum(v) < len(v)))
    s = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    return np.array(t), np.array(s, dtype=float) / 6


# ----------------------------------------------------------------- worked numbers
def test_worked_regression_numbers():
    y, y_hat = [10, 20, 30, 40, 50], [11, 19, 30, 43, 47]
    assert M.mse(y, y_hat) == 4.0  # (1 + 1 + 0 + 9 + 9) / 5
    assert M.rmse(y, y_hat) == 2.0
    assert M.mae(y, y_hat) == pytest.approx((1 + 1 + 0 + 3 + 3) / 5, abs=1e-15)
    assert M.mape(y, y_hat) == pytest.approx(100 * (0.1 + 0.05 + 0 + 0.075 + 0.06) / 5, abs=1e-13)  # percent
    assert M.r2_score(y, y_hat) == pytest.approx(1 - 20 / 1000, abs=1e-15)


def test_worked_cross_entropy_sums_to_2_85():
    probs = np.array([[0.3, 0.5, 0.2], [0.1, 0.8, 0.1], [0.6, 0.2, 0.2], [0.3, 0.3, 0.4]])
    y = np.array([0, 1, 0, 2])  # true-class probabilities 0.3, 0.8, 0.6, 0.4
    total = M.cross_entropy(y, probs, reduction="sum")
    assert round(total, 2) == 2.85
    assert total == pytest.approx(-math.log(0.3 * 0.8 * 0.6 * 0.4), rel=1e-12)
    assert M.cross_entropy(np.eye(3)[y], probs, reduction="sum") == pytest.approx(total, rel=1e-15)
    assert M.cross_entropy(y, probs) == pytest.approx(total / 4, rel=1e-15)


def test_hand_confusion_counts_and_rates():
    y = [1, 1, 1, 0, 0, 0, 0, 1]
    p = [1, 0, 1, 0, 1, 0, 0, 1]
    assert M.confusion_counts(y, p) == {"tp": 3, "fn": 1, "fp": 1, "tn": 3}
    assert M.confusion_matrix(y, p).tolist() == [[3, 1], [1, 3]]
    assert M.precision(y, p) == 0.75 and M.recall(y, p) == 0.75 and M.specificity(y, p) == 0.75
    assert M.sensitivity is M.recall
    assert M.f1_score(y, p) == pytest.approx(0.75, abs=1e-15)


# ----------------------------------------------------------------- classification oracles
@pytest.mark.filterwarnings("ignore:A single label was found")
@FAST
@given(label_pairs(k=3))
def test_confusion_matrix_and_accuracy_match_sklearn(pair):
    t, p = pair
    np.testing.assert_array_equal(M.confusion_matrix(t, p), skm.confusion_matrix(t, p))
    np.testing.assert_array_equal(M.confusion_matrix(t, p, labels=[2, 0, 1]),
                                  skm.confusion_matrix(t, p, labels=[2, 0, 1]))
    assert M.accuracy(t, p) == pytest.approx(skm.accuracy_score(t, p), **AP)


def test_confusion_matrix_with_a_class_absent_from_predictions():
    t, p = [0, 1, 2, 2, 1], [0, 1, 1, 1, 1]  # class 2 is never predicted
    np.testing.assert_array_equal(M.confusion_matrix(t, p), skm.confusion_matrix(t, p))
    for average in (None, "macro", "micro", "weighted"):
        for ours, theirs in ((M.precision, skm.precision_score), (M.recall, skm.recall_score), (M.f1_score, skm.f1_score)):
            np.testing.assert_allclose(ours(t, p, average=average), theirs(t, p, average=average, zero_division=0.0), **TOL)
    assert M.precision(t, p, average=None)[2] == 0.0  # nothing predicted as class 2: zero_division


@FAST
@given(label_pairs(k=2))
def test_binary_rates_match_sklearn(pair):
    t, p = pair
    kw = dict(zero_division=0.0)
    assert M.precision(t, p) == pytest.approx(skm.precision_score(t, p, labels=[0, 1], **kw), **AP)
    assert M.recall(t, p) == pytest.approx(skm.recall_score(t, p, labels=[0, 1], **kw), **AP)
    assert M.f1_score(t, p) == pytest.approx(skm.f1_score(t, p, labels=[0, 1], **kw), **AP)
    # specificity is the recall of the negative class
    assert M.specificity(t, p) == pytest.approx(skm.recall_score(t, p, pos_label=0, labels=[0, 1], **kw), **AP)


@FAST
@given(label_pairs(k=4), st.sampled_from([None, "macro", "micro", "weighted"]))
def test_averaged_rates_match_sklearn(pair, average):
    t, p = pair
    kw = dict(average=average, zero_division=0.0)
    for ours, theirs in ((M.precision, skm.precision_score), (M.recall, skm.recall_score), (M.f1_score, skm.f1_score)):
        np.testing.assert_allclose(ours(t, p, average=average), theirs(t, p, **kw), **TOL)
    if average is None:  # per-class specificity from sklearn's one-vs-rest confusion matrices
        mcm = skm.multilabel_confusion_matrix(t, p)  # (K, 2, 2) = [[TN, FP], [FN, TP]]
        tn, fp = mcm[:, 0, 0], mcm[:, 0, 1]
        expected = np.divide(tn, tn + fp, out=np.zeros(len(tn)), where=(tn + fp) > 0)
        np.testing.assert_allclose(M.specificity(t, p, average=None), expected, **TOL)


@FAST
@given(scored_binary(), st.booleans())
def test_roc_curve_matches_sklearn_with_ties(data, drop):
    t, s = data
    ours = M.roc_curve(t, s, drop_intermediate=drop)
    theirs = skm.roc_curve(t, s, drop_intermediate=drop)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, **TOL)


@FAST
@given(scored_binary())
def test_roc_auc_matches_sklearn_and_the_ranking_probability(data):
    t, s = data
    auc = M.roc_auc(t, s)
    assert auc == pytest.approx(skm.roc_auc_score(t, s), **AP)
    pos, neg = s[t == 1][:, None], s[t == 0][None, :]
    assert auc == pytest.approx(np.mean((pos > neg) + 0.5 * (pos == neg)), **AP)  # Mann-Whitney


def test_roc_auc_limits():
    y = np.array([0, 0, 1, 1])
    assert M.roc_auc(y, [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert M.roc_auc(y, [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert M.roc_auc(y, [0.5, 0.5, 0.5, 0.5]) == 0.5


# ----------------------------------------------------------------- regression oracles
floats = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@st.composite
def regression_pairs(draw, nonzero=False):
    n = draw(st.integers(2, 40))
    elems = floats.filter(lambda v: abs(v) > 1e-3) if nonzero else floats
    t = draw(st.lists(elems, min_size=n, max_size=n).filter(lambda v: max(v) - min(v) > 1e-3))
    p = draw(st.lists(floats, min_size=n, max_size=n))
    return np.array(t), np.array(p)


@FAST
@given(regression_pairs(nonzero=True))
def test_regression_metrics_match_sklearn(pair):
    t, p = pair
    assert M.mse(t, p) == pytest.approx(skm.mean_squared_error(t, p), **AP)
    assert M.rmse(t, p) == pytest.approx(skm.root_mean_squared_error(t, p), **AP)
    assert M.mae(t, p) == pytest.approx(skm.mean_absolute_error(t, p), **AP)
    assert M.mape(t, p) == pytest.approx(100 * skm.mean_absolute_percentage_error(t, p), **AP)  # percent
    assert M.r2_score(t, p) == pytest.approx(skm.r2_score(t, p), rel=1e-12, abs=1e-9)


def test_r2_of_the_mean_is_zero_and_of_the_truth_is_one():
    y = np.array([3.0, 1.0, 4.0, 1.0, 5.0])
    assert M.r2_score(y, np.full(5, y.mean())) == pytest.approx(0.0, abs=1e-15)
    assert M.r2_score(y, y) == 1.0


# ----------------------------------------------------------------- distributions
@st.composite
def prob_rows(draw, k=None):
    n = draw(st.integers(1, 20))
    k = k or draw(st.integers(2, 6))
    logits = np.array(draw(st.lists(st.floats(-4, 4), min_size=n * k, max_size=n * k))).reshape(n, k)
    y = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    return y, scipy.special.softmax(logits, axis=1)


@FAST
@given(prob_rows())
def test_cross_entropy_matches_sklearn_log_loss(data):
    y, probs = data
    k = probs.shape[1]
    assert M.cross_entropy(y, probs) == pytest.approx(skm.log_loss(y, probs, labels=range(k)), **AP)
    assert M.cross_entropy(y, probs, reduction="sum") == pytest.approx(
        skm.log_loss(y, probs, labels=range(k), normalize=False), **AP)
    assert M.cross_entropy(np.eye(k)[y], probs) == pytest.approx(M.cross_entropy(y, probs), **AP)


@FAST
@given(prob_rows(k=2))
def test_binary_cross_entropy_from_one_column(data):
    y, probs = data
    assert M.cross_entropy(y, probs[:, 1]) == pytest.approx(skm.log_loss(y, probs[:, 1], labels=[0, 1]), **AP)


@FAST
@given(prob_rows(), prob_rows())
def test_kl_divergence_matches_scipy_and_its_laws(a, b):
    p = a[1][0]
    q = b[1][0]
    if p.size != q.size:
        q = scipy.special.softmax(np.arange(p.size, dtype=float) / 3)
    kl = M.kl_divergence(p, q)
    assert kl == pytest.approx(scipy.stats.entropy(p, q), **AP)
    assert kl == pytest.approx(scipy.special.rel_entr(p, q).sum(), **AP)
    assert kl >= -1e-15 and M.kl_divergence(p, p) == pytest.approx(0.0, abs=1e-15)
    # cross-entropy H(p, q) = entropy H(p) + KL(p || q)
    assert -(p * np.log(q)).sum() == pytest.approx(scipy.stats.entropy(p) + kl, rel=1e-12)
    rows = M.kl_divergence(np.stack([p, q]), np.stack([q, p]))
    np.testing.assert_allclose(rows, [kl, M.kl_divergence(q, p)], **TOL)


def test_mape_is_percent_and_skips_zero_targets_only_when_asked():
    # hand values: |1 - 2| / 1 = 100%, |4 - 3| / 4 = 25%; the zero target is left out
    assert M.mape([0.0, 1.0, 4.0], [5.0, 2.0, 3.0], zero_targets="skip") == pytest.approx(62.5, rel=1e-15)
    assert M.mape([1.0, 4.0], [2.0, 3.0]) == pytest.approx(62.5, rel=1e-15)


def test_rmse_stays_finite_where_the_mse_overflows_and_matches_below():
    assert M.rmse([1e300, 0.0], [-1e300, 0.0]) == pytest.approx(math.sqrt(2) * 1e300, rel=1e-15)
    assert M.mse([1e150, 0.0], [-1e150, 0.0]) == pytest.approx(2e300, rel=1e-15)  # scaled path
    # a one-class sample may name an absent positive label (scikit-learn allows it too)
    assert M.precision([0, 0], [0, 0]) == skm.precision_score([0, 0], [0, 0], zero_division=0.0)
    assert M.mse([0.0, 0.0], [0.0, 0.0]) == 0.0 and M.rmse([0.0], [0.0]) == 0.0
    # torch tensors are read as arrays; weighted average with no true sample gives zero_division
    assert M.accuracy(torch.tensor([0, 1]), torch.tensor([0, 0])) == 0.5



def test_kl_zero_terms():
    assert M.kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2), rel=1e-15)
    assert M.kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: M.accuracy([0, 1, 1], [0, 1]), ValueError, "same length"),
        (lambda: M.confusion_matrix([], []), ValueError, "must not be empty"),
        (lambda: M.mse([[1.0, 2.0]], [[1.0, 2.0]]), ValueError, "1-D"),
        (lambda: M.mse([1.0, np.nan], [1.0, 2.0]), ValueError, "finite"),
        (lambda: M.mse(["a", "b"], [1.0, 2.0]), TypeError, "numbers"),
        (lambda: M.mape([0.0, 2.0], [1.0, 2.0]), ValueError, "1 of 2 target.* are 0.*zero_targets=\"skip\""),
        (lambda: M.mape([0.0, 0.0], [1.0, 2.0], zero_targets="skip"), ValueError, "every one of the 2"),
        (lambda: M.mape([1.0], [1.0], zero_targets="drop"), ValueError, "zero_targets must be one of"),
        (lambda: M.mse([1 + 5j, 2.0], [1.0, 2.0]), TypeError, "y_true must hold real numbers; got a complex"),
        (lambda: M.mse([1.0, 2.0], None), TypeError, "y_pred must be an array-like.*got None"),
        (lambda: M.mse([1e300, 0.0], [-1e300, 0.0]), ValueError, "mse overflows float64.*rmse"),
        (lambda: M.accuracy(None, [1]), TypeError, "y_true must be a 1-D sequence of class labels.*NoneType"),
        (lambda: M.accuracy([1 + 1j], [1]), TypeError, "complex"),
        (lambda: M.precision([0, 1, 1], [1, 1, 0], pos_label=7), ValueError, r"pos_label=7 is not a valid label.*\[0, 1\]"),
        (lambda: M.recall([0, 1, 1], [1, 1, 0], pos_label=7), ValueError, "pos_label=7 is not a valid"),
        (lambda: M.f1_score([0, 1, 1], [1, 1, 0], pos_label=7), ValueError, "pos_label=7 is not a valid"),
        (lambda: M.sensitivity([0, 1, 1], [1, 1, 0], pos_label=7), ValueError, "pos_label=7 is not a valid"),
        (lambda: M.specificity([0, 1, 1], [1, 1, 0], pos_label=7), ValueError, "pos_label=7 is not a valid"),
        (lambda: M.confusion_counts([0, 1, 1], [1, 1, 0], pos_label=7), ValueError, "pos_label=7 is not a valid"),
        (lambda: M.precision([0, 1, 1], [1, 1, 0], pos_label="1"), TypeError, "pos_label must be of the type of the labels in y_true"),
        (lambda: M.confusion_counts(["a", "b"], ["a", "a"], pos_label=1), TypeError, "type of the labels.*strings"),
        (lambda: M.roc_auc([0, 1], [0.2, 0.7], pos_label=2), ValueError, "pos_label=2 is not a valid"),
        (lambda: M.cross_entropy([0], [[0.5 + 1j, 0.5]]), TypeError, "probs must hold real numbers"),
        (lambda: M.kl_divergence(None, [0.5, 0.5]), TypeError, "p must be an array-like"),
        (lambda: M.accuracy([0.5, 1.0], [0, 1]), ValueError, "y_true must hold class labels .*non-integer value 0.5"),
        (lambda: M.accuracy(["a", "b"], [0, 1]), TypeError, "y_true and y_pred must hold labels of the same type"),
        (lambda: M.accuracy(np.array([None, 1]), [0, 1]), TypeError, "one type"),
        (lambda: M.confusion_matrix([0, 1], [0, 1], labels=[None, 1]), TypeError, "labels must hold class labels of one type"),
        (lambda: M.cross_entropy([0 + 1j], [[0.5, 0.5]]), TypeError, "y_true must hold integer class labels"),
        (lambda: M.paired_bootstrap([1.0, 2.0], [1.0], [1.0, 2.0], M.mse), ValueError, "pred_a must start with N = 2"),
        (lambda: M.paired_bootstrap([1.0], [1.0], [1j], M.mse), TypeError, "pred_b must hold real numbers"),
        (lambda: M.roc_curve([0, 1], [0.1]), ValueError, "y_true and scores must have the same length"),
        (lambda: M.kl_divergence([[[1.0]]], [[[1.0]]]), ValueError, r"shape \(K,\) or \(N, K\)"),
        (lambda: M.kl_divergence([np.nan, 1.0], [0.5, 0.5]), ValueError, "p must contain only finite"),
        (lambda: M.cross_entropy([0], np.ones((1, 1, 2)) / 2), ValueError, r"probs must have shape \(N, K\)"),
        (lambda: M.cross_entropy([[1, 0, 0]], [[0.5, 0.5]]), ValueError, "one-hot y_true must have the shape of probs"),
        (lambda: M.cross_entropy(np.zeros((1, 1, 2)), [[0.5, 0.5]]), ValueError, r"y_true must have shape \(N,\) or \(N, K\)"),
        (lambda: M.confusion_matrix([0, 1], [0, 1], labels=[[0, 1]]), ValueError, "labels must be a 1-D sequence"),
        (lambda: M.confusion_matrix([0, 1], [0, 1], labels=[0, 0]), ValueError, "labels must not repeat"),
        (lambda: M.paired_bootstrap([1.0], [1.0], [1.0], "mse"), TypeError, "metric must be a function"),
        (lambda: M.paired_bootstrap(None, [1.0], [1.0], M.mse), TypeError, "y_true must be an array with one entry"),
        (lambda: M.paired_bootstrap(np.zeros((2, 2)), np.zeros(2), np.zeros(2), M.mse), ValueError,
         r"y_true must be a non-empty 1-D array \(N,\), one entry per test case; got shape \(2, 2\)"),
        (lambda: M.paired_bootstrap([1.0], [1.0], [1.0], M.mse, n_boot=10**9), ValueError, "n_boot must be <= 1000000"),
        (lambda: M.paired_bootstrap([1.0], [1.0], [1.0], M.mse, seed=-1), ValueError, "seed must be >= 0"),
        (lambda: M.r2_score([2.0, 2.0], [1.0, 2.0]), ValueError, "all targets are equal"),
        (lambda: M.roc_auc([1, 1, 1], [0.2, 0.5, 0.9]), ValueError, "only one class"),
        (lambda: M.roc_curve([0, 1, 2], [0.2, 0.5, 0.9]), ValueError, "two classes"),
        (lambda: M.precision([0, 1, 2], [0, 1, 2]), ValueError, "average='macro'"),
        (lambda: M.recall([0, 1], [0, 1], average="mean"), ValueError, "average must be one of"),
        (lambda: M.cross_entropy([0, 1], [[0.5, 0.6], [0.5, 0.5]]), ValueError, "sum to 1"),
        (lambda: M.cross_entropy([0, 3], [[0.5, 0.5], [0.5, 0.5]]), ValueError, r"labels in 0\.\.1"),
        (lambda: M.cross_entropy([0], [[0.5, 0.5], [0.5, 0.5]]), ValueError, "same number of samples"),
        (lambda: M.cross_entropy([[1, 1]], [[0.5, 0.5]]), ValueError, "exactly one 1"),
        (lambda: M.cross_entropy([0], [[1.5, -0.5]]), ValueError, r"in \[0, 1\]"),
        (lambda: M.cross_entropy([0], [[0.5, 0.5]], reduction="max"), ValueError, "reduction"),
        (lambda: M.kl_divergence([0.5, 0.5], [0.3, 0.3, 0.4]), ValueError, "same shape"),
        (lambda: M.kl_divergence([0.5, 0.6], [0.5, 0.5]), ValueError, "p must sum to 1"),
        (lambda: M.confusion_matrix([0, 1], [0, 1], labels=[5, 6]), ValueError, "none of the labels"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ----------------------------------------------------------------- widget
def test_threshold_explorer_recomputes_when_the_slider_moves():
    from dlcourse.widgets import threshold_explorer, threshold_figure, threshold_metrics

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 80)
    s = np.clip(0.35 * y + rng.normal(0.35, 0.2, 80), 0, 1)
    w = threshold_explorer(y, s, threshold=0.5)
    for t in (0.3, 0.62):
        w.controls["threshold"].value = t
        r = w.result
        pred = (s >= w.controls["threshold"].value).astype(int)
        assert r["counts"] == M.confusion_counts(y, pred)
        assert r["precision"] == pytest.approx(skm.precision_score(y, pred, zero_division=0.0), **AP)
        assert r["recall"] == pytest.approx(skm.recall_score(y, pred), **AP)
        assert r["f1"] == pytest.approx(skm.f1_score(y, pred), **AP)
        assert r["tpr"] == r["recall"] and r["fpr"] == pytest.approx(1 - r["specificity"], abs=1e-15)
        # the operating point lies on the ROC curve
        assert any(np.isclose(r["fpr"], r["roc_fpr"]) & np.isclose(r["tpr"], r["roc_tpr"]))
    assert "TP" in w.html.value and w.image.value[:4] == b"\x89PNG"
    low = threshold_metrics(y, s, 0.0)
    assert low["recall"] == 1.0 and low["specificity"] == 0.0  # everything predicted positive
    fig = threshold_figure(y, s, thresholds=(0.2, 0.8))
    assert len(fig.axes) == 2
    import matplotlib.pyplot as plt
    plt.close(fig)
    with pytest.raises(ValueError, match="only one class"):
        threshold_explorer([1, 1], [0.2, 0.4])


# ----------------------------------------------------------------- paired bootstrap
def test_paired_bootstrap_matches_a_hand_loop_and_detects_a_clear_difference():
    rng = np.random.default_rng(1)
    y = rng.normal(size=60)
    good, bad = y + 0.1 * rng.normal(size=60), y + 1.0 * rng.normal(size=60)
    r = M.paired_bootstrap(y, good, bad, M.mse, n_boot=300, seed=3)
    # the same resamples by hand
    g = np.random.default_rng(3)
    diffs = []
    for _ in range(300):
        i = g.integers(0, 60, size=60)
        diffs.append(M.mse(y[i], good[i]) - M.mse(y[i], bad[i]))
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    assert r["low"] == pytest.approx(lo, abs=1e-12) and r["high"] == pytest.approx(hi, abs=1e-12)
    assert r["diff"] == pytest.approx(M.mse(y, good) - M.mse(y, bad), abs=1e-12)
    assert r["high"] < 0 and r["p_below_zero"] == 1.0


def test_paired_bootstrap_interval_contains_zero_for_identical_models():
    y = np.array([0, 1, 1, 0, 1, 0, 1, 1])
    r = M.paired_bootstrap(y, y, y.copy(), M.f1_score, n_boot=50)
    assert r["diff"] == 0.0 and r["low"] == 0.0 and r["high"] == 0.0


def test_paired_bootstrap_bad_input():
    with pytest.raises(ValueError, match=r"pred_a must start with N = 3 entries.*got shape \(4,\)"):
        M.paired_bootstrap(np.zeros(3), np.zeros(4), np.zeros(3), M.mse)


@pytest.mark.parametrize("seed", range(3))
def test_averaged_scores_with_a_subset_of_labels_match_sklearn(seed):
    # predictions outside `labels` still count as misses (false negatives), as in scikit-learn
    import warnings

    from sklearn import metrics as S

    rng = np.random.default_rng(seed)
    cases = 0
    for _ in range(40):
        n = int(rng.integers(1, 12))
        t, p = rng.integers(0, 4, n), rng.integers(0, 4, n)
        labels = sorted(rng.choice(4, size=int(rng.integers(1, 4)), replace=False).tolist())
        if not np.isin(t, labels).any():
            continue
        cases += 1
        for average in ("macro", "micro", "weighted", None):
            for zd in (0.0, 1.0):
                for ours, theirs in ((M.precision, S.precision_score), (M.recall, S.recall_score),
                                     (M.f1_score, S.f1_score)):
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")  # scikit-learn's notes on labels absent from y_pred
                        ref = theirs(t, p, labels=labels, average=average, zero_division=zd)
                    np.testing.assert_allclose(ours(t, p, labels=labels, average=average, zero_division=zd), ref,
                                               rtol=0, atol=1e-12)
    assert cases >= 20
