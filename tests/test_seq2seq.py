"""Tests of dlcourse.seq2seq and the decoding widget (the chapter-9 data generators: test_data)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from dlcourse.data import (
    EOS,
    PAD,
    SOS,
    reversal_task,
    source_keys,
)
from dlcourse.seq2seq import (
    BOTTLENECK,
    Decoder,
    Encoder,
    SeedStack,
    Seq2Seq,
    accuracy_by_length,
    accuracy_by_position,
    bottleneck_data,
    corpus_bleu,
    evaluate_seq2seq,
    exact_match,
    greedy_decode,
    lengths_to_mask,
    make_bottleneck_model,
    sequence_log_prob,
    sequence_loss,
    strip_special,
    token_accuracy,
    train_seq2seq,
)


def _batch(n=5, seed=0, min_len=2, max_len=7):
    pairs = reversal_task(n, min_len=min_len, max_len=max_len, seed=seed)
    return pairs.src, pairs.src_lengths, pairs.tgt


# ----------------------------------------------------------------------------- encoder


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_encoder_matches_torch_rnn_run_on_each_unpadded_row(cell, num_layers):
    torch.manual_seed(0)
    enc = Encoder(13, 6, 8, cell=cell, num_layers=num_layers).double()
    src, lengths, _ = _batch()
    outputs, state = enc(src, lengths)
    assert outputs.shape == (5, src.shape[1], 8)
    for b in range(5):
        n = int(lengths[b])
        out_b, state_b = enc.rnn(enc.embedding(src[b : b + 1, :n]))  # oracle: no padding at all
        torch.testing.assert_close(outputs[b, :n], out_b[0], rtol=0, atol=1e-12)
        assert float(outputs[b, n:].detach().abs().sum()) == 0.0  # zeros at padded positions
        if cell == "gru":
            torch.testing.assert_close(state[:, b], state_b[:, 0], rtol=0, atol=1e-12)
        else:
            assert isinstance(state, tuple) and len(state) == 2
            torch.testing.assert_close(state[0][:, b], state_b[0][:, 0], rtol=0, atol=1e-12)
            torch.testing.assert_close(state[1][:, b], state_b[1][:, 0], rtol=0, atol=1e-12)


def test_encoder_is_blind_to_extra_padding_columns():
    torch.manual_seed(0)
    enc = Encoder(13, 6, 8)
    src, lengths, _ = _batch()
    wider = torch.cat([src, torch.zeros(5, 4, dtype=torch.long)], 1)
    out1, h1 = enc(src, lengths)
    out2, h2 = enc(wider, lengths)
    torch.testing.assert_close(out2[:, : src.shape[1]], out1, rtol=0, atol=0)
    torch.testing.assert_close(h2, h1, rtol=0, atol=0)


# ----------------------------------------------------------------------------- seq2seq


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_teacher_forced_forward_equals_one_torch_rnn_call_over_the_shifted_target(cell):
    torch.manual_seed(1)
    enc, dec = Encoder(13, 6, 8, cell=cell).double(), Decoder(13, 6, 8, cell=cell).double()
    model = Seq2Seq(enc, dec, teacher_forcing_ratio=1.0)
    src, lengths, tgt = _batch()
    logits = model(src, lengths, tgt)
    assert logits.shape == (5, tgt.shape[1] - 1, 13)
    _, state = enc(src, lengths)
    out, _ = dec.rnn(dec.embedding(tgt[:, :-1]), state)  # oracle: the whole shifted target at once
    torch.testing.assert_close(logits, dec.out(out), rtol=0, atol=1e-12)
    assert model.last_attention is None
    assert model.last_teacher_forced == [True] * (tgt.shape[1] - 2)


class _Recorder(nn.Module):
    """A decoder that records the tokens it is fed and outputs a fixed script of tokens."""

    def __init__(self, script, vocab=13, hidden=4):
        super().__init__()
        self.script, self.vocab, self.hidden_size = script, vocab, hidden
        self.fed, self.dummy = [], nn.Parameter(torch.zeros(()))

    def forward_step(self, token, state, encoder_outputs, src_mask):
        step = len(self.fed)
        self.fed.append(token.clone())
        logits = torch.full((token.shape[0], self.vocab), -10.0) + self.dummy
        for b, row in enumerate(self.script):
            logits[b, row[min(step, len(row) - 1)]] = 10.0
        weights = src_mask.float() / src_mask.float().sum(1, keepdim=True)
        return logits, state, weights


def test_teacher_forcing_zero_feeds_the_models_own_predictions_and_keeps_attention():
    torch.manual_seed(0)
    src, lengths, tgt = _batch(2)
    dec = _Recorder([[5, 6, 7, 8, 9, 10, 11, 12, 3], [9, 9, 9, 9, 9, 9, 9, 9, 9]])
    model = Seq2Seq(Encoder(13, 4, 4), dec, teacher_forcing_ratio=0.0)
    model(src, lengths, tgt)
    fed = torch.stack(dec.fed, 1)  # (B, T-1)
    assert fed[:, 0].tolist() == [SOS, SOS]
    assert fed[0, 1:4].tolist() == [5, 6, 7] and fed[1, 1:4].tolist() == [9, 9, 9]
    assert model.last_attention.shape == (2, tgt.shape[1] - 1, src.shape[1])
    torch.testing.assert_close(model.last_attention.sum(-1), torch.ones(2, tgt.shape[1] - 1))


def test_teacher_forcing_coin_uses_torchs_rng_and_is_reproducible():
    src, lengths, tgt = _batch(3, max_len=10)
    model = Seq2Seq(Encoder(13, 4, 6), Decoder(13, 4, 6), teacher_forcing_ratio=0.5)
    torch.manual_seed(3)
    model(src, lengths, tgt)
    first = list(model.last_teacher_forced)
    torch.manual_seed(3)
    model(src, lengths, tgt)
    assert model.last_teacher_forced == first
    assert 0 < sum(first) < len(first) or len(first) < 4


def test_greedy_decode_stops_each_row_at_its_first_eos():
    dec = _Recorder([[5, 6, EOS, 7, 8], [4, EOS, 9, 9, 9], [7, 7, 7, 7, 7]])
    model = Seq2Seq(Encoder(13, 4, 4), dec)
    src, lengths, _ = _batch(3)
    out, weights = greedy_decode(model, src, lengths, max_len=4)
    assert out == [[5, 6], [4], [7, 7, 7, 7]]  # the third never emits EOS: cut at max_len
    assert weights.shape == (3, 4, src.shape[1])
    assert float(weights[1, 2:].abs().sum()) == 0.0  # a finished row keeps zeros
    dec2 = _Recorder([[5, EOS], [EOS, 4]])
    out2, _ = greedy_decode(Seq2Seq(Encoder(13, 4, 4), dec2), src[:2], lengths[:2], max_len=10)
    assert out2 == [[5], []] and len(dec2.fed) == 2  # stops as soon as every row is done


def test_greedy_decode_matches_teacher_forcing_when_fed_its_own_output():
    torch.manual_seed(0)
    model = Seq2Seq(Encoder(13, 6, 8), Decoder(13, 6, 8))
    src, lengths, _ = _batch(1)
    out, _ = greedy_decode(model, src, lengths, max_len=6)
    out = out[0]
    forced = torch.tensor([[SOS] + out + [EOS]])
    with torch.no_grad():
        logits = model(src, lengths, forced)
    assert logits.argmax(-1)[0, : len(out)].tolist() == out


# ----------------------------------------------------------------------------- loss and masking


def test_sequence_loss_equals_cross_entropy_on_real_tokens_and_ignores_padding():
    torch.manual_seed(0)
    logits = torch.randn(3, 5, 7, dtype=torch.float64, requires_grad=True)
    targets = torch.tensor([[3, 4, 2, 0, 0], [5, 2, 0, 0, 0], [3, 3, 3, 4, 2]])
    loss = sequence_loss(logits, targets)
    mask = targets != PAD
    manual = nn.functional.cross_entropy(logits[mask], targets[mask])
    torch.testing.assert_close(loss, manual, rtol=0, atol=1e-12)
    loss.backward()
    assert float(logits.grad[~mask].abs().sum()) == 0.0  # no gradient through padding
    changed = logits.detach().clone()
    changed[~mask] = 1e3 * torch.randn_like(changed[~mask])
    torch.testing.assert_close(sequence_loss(changed, targets), loss.detach(), rtol=0, atol=0)


def test_model_loss_is_unchanged_by_padding_the_batch_wider():
    torch.manual_seed(0)
    model = Seq2Seq(Encoder(13, 6, 8), Decoder(13, 6, 8)).double()
    src, lengths, tgt = _batch()
    loss1 = sequence_loss(model(src, lengths, tgt), tgt[:, 1:])
    src2 = torch.cat([src, torch.zeros(5, 3, dtype=torch.long)], 1)
    tgt2 = torch.cat([tgt, torch.zeros(5, 3, dtype=torch.long)], 1)
    loss2 = sequence_loss(model(src2, lengths, tgt2), tgt2[:, 1:])
    torch.testing.assert_close(loss2, loss1, rtol=0, atol=1e-12)


def test_lengths_to_mask():
    assert lengths_to_mask(torch.tensor([3, 1]), 4).tolist() == [[True, True, True, False], [True, False, False, False]]
    assert lengths_to_mask(torch.tensor([2, 0])).tolist() == [[True, True], [False, False]]  # max_len = longest
    assert lengths_to_mask(torch.tensor([], dtype=torch.long)).shape == (0, 0)


# ----------------------------------------------------------------------------- metrics


def test_token_accuracy_and_exact_match_worked_numbers():
    hyps, refs = [[1, 2, 3], [4], [7, 8]], [[1, 2, 4], [4, 5], [7, 8]]
    assert token_accuracy(hyps, refs) == pytest.approx(5 / 7)
    assert exact_match(hyps, refs) == pytest.approx(1 / 3)
    assert strip_special([SOS, 5, 6, EOS, PAD]) == [5, 6]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(3, 8), min_size=0, max_size=12),
                          st.lists(st.integers(3, 8), min_size=1, max_size=12)), min_size=1, max_size=8))
def test_corpus_bleu_equals_sacrebleu(rows):
    import sacrebleu

    hyps = [h for h, _ in rows]
    refs = [r for _, r in rows]
    expected = sacrebleu.corpus_bleu(
        [" ".join(map(str, h)) for h in hyps], [[" ".join(map(str, r)) for r in refs]], tokenize="none"
    ).score
    assert corpus_bleu(hyps, refs) == pytest.approx(expected, abs=1e-9)


def test_corpus_bleu_without_smoothing_equals_sacrebleu_and_perfect_is_100():
    import sacrebleu

    hyps = [["the", "cat", "sat", "on", "the", "mat"], ["a", "b", "c"]]
    refs = [["the", "cat", "sat", "on", "a", "mat"], ["a", "b", "d", "e"]]
    expected = sacrebleu.corpus_bleu([" ".join(h) for h in hyps], [[" ".join(r) for r in refs]],
                                     tokenize="none", smooth_method="none").score
    assert corpus_bleu(hyps, refs, smooth="none") == pytest.approx(expected, abs=1e-9)
    assert corpus_bleu(refs, refs) == pytest.approx(100.0)


def test_metrics_bad_input():
    with pytest.raises(ValueError, match="same number"):
        token_accuracy([[1]], [[1], [2]])
    with pytest.raises(ValueError, match="at least one"):
        exact_match([], [])
    with pytest.raises(ValueError, match="smooth"):
        corpus_bleu([[1]], [[1]], smooth="add-k")


# ----------------------------------------------------------------------------- training and the experiment


@pytest.fixture
def one_thread():
    """Tiny models train fastest on one thread (and a busy 2-core machine punishes more)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_train_seq2seq_learns_a_tiny_reversal_task_and_is_reproducible(one_thread):
    pairs = reversal_task(500, min_len=2, max_len=4, vocab_size=6, seed=0)
    results = []
    for steps in (120, 20):
        torch.manual_seed(0)
        model = Seq2Seq(Encoder(6, 8, 32), Decoder(6, 8, 32), teacher_forcing_ratio=0.5)
        results.append(train_seq2seq(model, pairs, steps=steps, batch_size=32, lr=1e-2, seed=0))
    assert results[0][:20] == results[1]  # same seed, same batches, same coins, same losses
    losses = results[0]
    assert len(losses) == 120 and np.mean(losses[-10:]) < 0.5 * np.mean(losses[:10])
    torch.manual_seed(0)
    model = Seq2Seq(Encoder(6, 8, 32), Decoder(6, 8, 32))
    train_seq2seq(model, pairs, steps=120, batch_size=32, lr=1e-2, seed=0)
    by_length = accuracy_by_length(model, pairs)
    assert set(by_length) == {2, 3, 4} and all(0 <= v <= 1 for v in by_length.values())
    metrics = evaluate_seq2seq(model, pairs)
    assert set(metrics) == {"token_accuracy", "exact_match", "bleu"} and metrics["token_accuracy"] > 0.5


def test_bottleneck_settings_and_identical_models_for_chapter_10():
    for key in ("task", "task_kwargs", "n_train", "n_test", "embedding_dim", "hidden_size", "cell",
                "steps", "batch_size", "lr", "seed"):
        assert key in BOTTLENECK
    a, b = make_bottleneck_model(), make_bottleneck_model()
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)
    train, test = bottleneck_data({"n_train": 300, "n_test": 50})
    assert not set(source_keys(train)) & set(source_keys(test))
    assert int(train.src_lengths.max()) <= BOTTLENECK["task_kwargs"]["max_len"]


def _model(**kwargs):
    return Seq2Seq(Encoder(13, 4, 4, **kwargs), Decoder(13, 4, 4, **kwargs))


def _call(method, *args):
    """Call ``method`` on a fresh small model with a batch ``(src, lengths, tgt)`` changed by ``args``."""
    def run():
        torch.manual_seed(0)
        model = _model()
        src, lengths, tgt = _batch(2)
        return method(model, src, lengths, tgt, *args)
    return run


SEQ2SEQ_BAD_INPUT = [
    (lambda: Encoder(13, 4, 4, cell="rnn"), ValueError, "cell must be one of"),
    (lambda: Seq2Seq(Encoder(13, 4, 4), nn.Linear(3, 3)), TypeError, "forward_step"),
    (lambda: Seq2Seq(Encoder(13, 4, 4), Decoder(13, 4, 5)), ValueError, "decoder.hidden_size must equal"),
    (lambda: Seq2Seq(Encoder(13, 4, 4), Decoder(13, 4, 4), teacher_forcing_ratio=1.5), ValueError,
     "teacher_forcing_ratio must be <= 1"),
    (lambda: Encoder(13, 4, 4, num_layers=10**12), ValueError, r"num_layers must be at most 1000 .*To fix"),
    (lambda: Decoder(10**9, 4, 4), ValueError, r"Decoder would have about .* parameters .*To fix: reduce"),
    (lambda: Encoder(13, 4, 10**6, num_layers=2), ValueError, r"Encoder would have about"),
    (_call(lambda m, s, l, t: m(s.float(), l, t)), TypeError, "int64"),
    (_call(lambda m, s, l, t: m(s, l[:1], t)), ValueError, "one length per row"),
    (_call(lambda m, s, l, t: m(s, l + 50, t)), ValueError, "src_lengths must lie"),
    (_call(lambda m, s, l, t: m(s, l, t[:, :1])), ValueError, "tgt must have shape"),
    (_call(lambda m, s, l, t: m(s + 13, l, t)), ValueError,
     r"src must hold token ids in 0..12 \(the vocabulary has 13 tokens\); got \d+ at index \(0, 0\)"),
    (_call(lambda m, s, l, t: m(s, l, t.index_fill(1, torch.tensor([1]), 99))), ValueError,
     r"tgt must hold token ids in 0..12 \(the vocabulary has 13 tokens\); got 99 at index \(0, 1\)"),
    (_call(lambda m, s, l, t: m.decoder.forward_step(torch.tensor([1, 40]), torch.zeros(1, 2, 4))), ValueError,
     r"token must hold token ids in 0..12 \(the vocabulary has 13 tokens\); got 40 at index \(1,\)"),
    (_call(lambda m, s, l, t: m.decoder.forward_step(torch.tensor([1.0, 2.0]), torch.zeros(1, 2, 4))), TypeError,
     "token must be an int64"),
    (_call(lambda m, s, l, t: m.decoder.forward_step(torch.tensor([[1, 2]]), torch.zeros(1, 2, 4))), ValueError,
     r"token must be 1-dimensional \(batch,\)"),
    (_call(lambda m, s, l, t: m.decoder.forward_sequence(t - 1, torch.zeros(1, 2, 4))), ValueError,
     r"tokens must hold token ids in 0..12 .*got -1"),
    (_call(lambda m, s, l, t: greedy_decode(m, s, l, max_len=0)), ValueError, "max_len must be >= 1"),
    (_call(lambda m, s, l, t: greedy_decode(m, s, l - l, max_len=3)), ValueError, "src_lengths must lie in 1.."),
    (lambda: sequence_loss(torch.zeros(2, 3, 5), torch.zeros(2, 4, dtype=torch.long)), ValueError,
     "targets must have shape"),
    (lambda: sequence_loss(torch.zeros(2, 3, 5), torch.zeros(2, 3, dtype=torch.long)), ValueError, "only padding"),
    (lambda: lengths_to_mask(torch.tensor([3, 1]), 2), ValueError,
     r"max_len must be at least the longest length = 3 .*got max_len = 2"),
    (lambda: lengths_to_mask(torch.tensor([3.0, 1.0])), TypeError, "lengths must be an integer tensor"),
    (lambda: lengths_to_mask(torch.tensor([3, -1])), ValueError, "lengths must be >= 0; got -1"),
    (lambda: lengths_to_mask([3, 1]), TypeError, "lengths must be Tensor"),
    (lambda: lengths_to_mask(torch.tensor([3, 1]), 2.5), TypeError, "max_len must be an integer"),
    (_call(lambda m, s, l, t: sequence_log_prob(m, s, l, [[3]])), ValueError,
     "outputs must hold one sequence per source row = 2; got 1"),
    (lambda: token_accuracy([[], []], [[], []]), ValueError, "references must contain at least one token"),
    (lambda: SeedStack([]), ValueError, "models must hold at least one Seq2Seq"),
    (lambda: Seq2Seq(None, Decoder(13, 4, 4)), TypeError, "encoder must be Module"),
    (lambda: accuracy_by_position([[1]], [[1, 2]], max_position=10**12), ValueError,
     r"max_position must be at most 100 times the longest reference \(2 tokens\)"),
    (lambda: BOTTLENECK.replace(task_kwargs={"depth": 3}), ValueError,
     r"task_kwargs may set min_len, max_len and vocab_size; got \['depth'\]"),
    # issue 29: every argument named, nothing accepted silently, no allocator errors
    (_call(lambda m, s, l, t: m(None, l, t)), TypeError, "src must be Tensor"),
    (_call(lambda m, s, l, t: m(s[:1], l, t)), ValueError, r"src_lengths must have shape \(1,\): one length per row of src"),
    (_call(lambda m, s, l, t: m.decoder.forward_step(t[:, 0], torch.zeros(1, 3, 4))), ValueError,
     r"state must have shape \(num_layers, batch, hidden_size\) = \(1, 2, 4\), the batch size taken from token"),
    (_call(lambda m, s, l, t: m.decoder.forward_step(t[:, 0], torch.zeros(1, 2, 4).double())), TypeError,
     "state must have the model's dtype torch.float32; got torch.float64"),
    (_call(lambda m, s, l, t: m.decoder.forward_sequence(t, "abc")), TypeError, "state must be None or a torch.Tensor"),
    (lambda: Decoder(13, 4, 4, cell="lstm").forward_step(torch.tensor([1]), torch.zeros(1, 1, 4)), TypeError,
     r"state must be None or the LSTM pair \(h, c\)"),
    (_call(lambda m, s, l, t: greedy_decode("model", s, l, 3)), TypeError, "model must be a Seq2Seq"),
    (_call(lambda m, s, l, t: sequence_log_prob(m, s, l, [[3]] * 2, eos="no")), TypeError, "eos must be bool"),
    (_call(lambda m, s, l, t: sequence_log_prob(m, s, l, [[3], [40]])), ValueError,
     r"outputs\[1\] must hold token ids in 0..12"),
    (_call(lambda m, s, l, t: sequence_log_prob(m, s, l, [None, [3]])), TypeError, r"outputs\[0\] must be a sequence"),
    (lambda: sequence_loss(torch.zeros(2, 3, 4), torch.tensor([[1, 2, 0], [3, 4, 2]])), ValueError,
     r"targets must hold class ids in 0..3 at the real positions \(K = logits.shape\[-1\] = 4\)"),
    (lambda: sequence_loss(torch.zeros(2, 3, 5).numpy(), torch.ones(2, 3, dtype=torch.long)), TypeError,
     "logits must be Tensor"),
    (lambda: sequence_loss(torch.zeros(2, 3, 5), torch.ones(2, 3, dtype=torch.long), pad=None), TypeError,
     "pad must be an integer"),
    (lambda: lengths_to_mask(torch.tensor([3, 1]), 10**12), ValueError, r"the mask \(batch x max_len"),
    (lambda: strip_special(None), TypeError, "tokens must be a sequence of integer token ids"),
    (lambda: strip_special([1, "x"]), TypeError, r"tokens\[1\] must be an integer token id"),
    (lambda: token_accuracy(None, [[1]]), TypeError, "hypotheses must be a list of token sequences"),
    (lambda: exact_match([[1]], [None]), TypeError, r"references\[0\] must be a sequence of tokens"),
    (lambda: BOTTLENECK.replace(n_train=True), TypeError, "n_train must be an integer"),
    (lambda: BOTTLENECK.replace(task="zzz"), ValueError, "task must be one of 'reversal_task', 'copy_task'"),
    (lambda: BOTTLENECK.replace(max_len=10**12), ValueError, r"the data \(n_train \+ n_test"),
    (lambda: BOTTLENECK.replace(batch_size=10**12), ValueError, r"a batch \(batch_size x"),
    (lambda: train_seq2seq(_model(), reversal_task(4), steps=1, batch_size=2, lr=0.1, seed=0, progress="no"),
     TypeError, "progress must be bool"),
    (lambda: train_seq2seq(None, reversal_task(4), steps=1, batch_size=2, lr=0.1, seed=0), TypeError,
     "model must be a Seq2Seq"),
]


@pytest.mark.parametrize("call,error,message", SEQ2SEQ_BAD_INPUT, ids=[f"case{i}" for i in range(len(SEQ2SEQ_BAD_INPUT))])
def test_seq2seq_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_bleu_of_an_order_no_hypothesis_reaches_is_zero_without_allocating():
    assert corpus_bleu([[3, 4]], [[3, 4]], max_order=10**12) == 0.0  # as sacrebleu: no 3-gram, precision 0
    assert corpus_bleu([[3, 4]], [[3, 4]], max_order=2) == 100.0


# ----------------------------------------------------------------------------- widget


def test_decoding_widget_driven_from_code():
    from dlcourse.widgets import decode_trace, decoding_explorer, decoding_figure

    torch.manual_seed(0)
    model = Seq2Seq(Encoder(13, 6, 8), Decoder(13, 6, 8))
    pairs = reversal_task(1, min_len=4, max_len=4, seed=2)
    src = pairs.src[0].tolist()
    tgt = pairs.tgt[0].tolist()
    explorer = decoding_explorer(model, src, tgt, top_k=3)
    assert explorer.result["step"] == 0 and explorer.result["input"] == SOS
    explorer.controls["step"].value = 2
    r = explorer.result
    assert r["input"] == tgt[2] and r["target"] == tgt[3]  # teacher forcing feeds the truth
    with torch.no_grad():
        logits = model(pairs.src, pairs.src_lengths, pairs.tgt)[0, 2]
    np.testing.assert_allclose(r["top_probabilities"], torch.softmax(logits.double(), -1).sort(descending=True).values[:3].numpy(), atol=1e-6)
    assert r["chosen"] == int(logits.argmax())
    explorer.controls["mode"].value = "greedy"
    explorer.controls["step"].value = 0
    out, _ = greedy_decode(model, pairs.src, pairs.src_lengths, max_len=11)
    trace = decode_trace(model, src, tgt, mode="greedy")
    assert [t for t in trace["chosen"] if t != EOS] == out[0]
    assert trace["inputs"][1:] == trace["chosen"][:-1]  # greedy feeds its own choice
    assert len(explorer.image.value) > 0 and "fed so far" in explorer.html.value
    import matplotlib.pyplot as plt

    fig = decoding_figure(model, src, tgt, steps=(0, 1))
    assert len(fig.axes) == 2
    plt.close(fig)
    with pytest.raises(ValueError, match="mode"):
        decode_trace(model, src, tgt, mode="beam")


# ----------------------------------------------------------------------------- the frozen config


def test_bottleneck_config_is_frozen_and_replace_makes_a_changed_copy():
    import dataclasses

    from dlcourse.seq2seq import BottleneckConfig

    assert isinstance(BOTTLENECK, BottleneckConfig)
    with pytest.raises(dataclasses.FrozenInstanceError):
        BOTTLENECK.hidden_size = 5  # type: ignore[misc]
    bigger = BOTTLENECK.replace(hidden_size=2 * BOTTLENECK.hidden_size, task_kwargs={"max_len": 9})
    assert bigger.hidden_size == 2 * BOTTLENECK["hidden_size"] and bigger.max_len == 9
    assert bigger.min_len == BOTTLENECK.min_len and BOTTLENECK.max_len != 9  # the original is unchanged
    kwargs = BOTTLENECK.task_kwargs
    kwargs["max_len"] = 99  # a fresh dict: changing it changes nothing
    assert BOTTLENECK.task_kwargs["max_len"] == BOTTLENECK.max_len
    with pytest.raises(ValueError, match="unknown setting"):
        BOTTLENECK.replace(hiden_size=3)
    with pytest.raises(KeyError):
        BOTTLENECK["nope"]
    # a dict of changes still works where a config is expected (older code passes one)
    small = make_bottleneck_model(settings={"embedding_dim": 4, "hidden_size": 6})
    assert small.encoder.hidden_size == 6 and small.decoder.embedding_dim == 4
    with pytest.raises(TypeError, match="BottleneckConfig"):
        bottleneck_data(settings=3)


# ----------------------------------------------------------------------------- decoding contract


def test_greedy_decode_restores_training_mode_even_when_the_decoder_fails():
    torch.manual_seed(0)
    model = Seq2Seq(Encoder(13, 4, 6), Decoder(13, 4, 6))
    src, lengths, _ = _batch()
    for mode in (True, False):
        model.train(mode)
        greedy_decode(model, src, lengths, 5)
        assert model.training is mode

    def broken(*args, **kwargs):
        assert not model.training  # decoding runs in evaluation mode
        raise RuntimeError("decoder failed")

    model.train()
    model.decoder.forward_step = broken
    with pytest.raises(RuntimeError, match="decoder failed"):
        greedy_decode(model, src, lengths, 5)
    assert model.training  # restored by the finally clause


def _tiny_model(seed=0, cell="gru"):
    torch.manual_seed(seed)
    # vocabulary of 5: PAD, SOS, EOS and two symbols; large random weights make the choice matter
    model = Seq2Seq(Encoder(5, 3, 4, cell=cell), Decoder(5, 3, 4, cell=cell)).double()
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(3.0)
    return model


def _exhaustive(model, src, lengths, max_len, alpha=0.0):
    """Score every output sequence (symbols 0..4 allowed, EOS ends it, at most max_len steps)."""
    import itertools

    from dlcourse.seq2seq import sequence_log_prob

    best = (float("-inf"), None)
    tokens = [t for t in range(5) if t != EOS]
    for n in range(0, max_len + 1):
        eos = n < max_len  # shorter outputs end with a scored EOS; those of max_len steps stop without one
        for seq in itertools.product(tokens, repeat=n):
            logp = sequence_log_prob(model, src, lengths, [list(seq)], eos=eos)[0]
            score = logp / (n + int(eos)) ** alpha
            if score > best[0]:
                best = (score, list(seq))
    return best


@pytest.mark.parametrize("alpha", [0.0, 1.0])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_beam_search_finds_the_best_sequence_when_the_beam_is_wide_enough(seed, alpha):
    from dlcourse.seq2seq import beam_search

    model = _tiny_model(seed)
    src = torch.tensor([[3, 4, 4]])
    lengths = torch.tensor([3])
    max_len = 4
    score, best = _exhaustive(model, src, lengths, max_len, alpha)
    hyps, scores = beam_search(model, src, lengths, max_len, beam_size=4**max_len, length_penalty=alpha)
    assert hyps[0] == best
    assert scores[0] == pytest.approx(score, abs=1e-9)


def test_beam_search_of_width_one_is_greedy_and_wider_beams_never_score_lower():
    from dlcourse.seq2seq import beam_search, sequence_log_prob

    for seed in range(4):
        model = _tiny_model(seed, cell="lstm")
        src, lengths = torch.tensor([[3, 4, 3, 3], [4, 4, 3, 0]]), torch.tensor([4, 3])
        greedy, _ = greedy_decode(model, src, lengths, 6)
        beam1, _ = beam_search(model, src, lengths, 6, beam_size=1)
        assert beam1 == greedy
        g_scores = sequence_log_prob(model, src, lengths, greedy, eos=True)
        wide, w_scores = beam_search(model, src, lengths, 6, beam_size=64)
        for b in range(2):
            if len(greedy[b]) < 6:  # the greedy output ended with EOS: a complete hypothesis of the beam
                assert w_scores[b] >= g_scores[b] - 1e-12


def test_beam_search_restores_training_mode_and_checks_arguments():
    from dlcourse.seq2seq import beam_search

    model = _tiny_model()
    model.train()
    src, lengths = torch.tensor([[3, 4]]), torch.tensor([2])
    beam_search(model, src, lengths, 3, beam_size=2)
    assert model.training
    with pytest.raises(ValueError, match="beam_size"):
        beam_search(model, src, lengths, 3, beam_size=0)
    with pytest.raises(ValueError, match="length_penalty"):
        beam_search(model, src, lengths, 3, length_penalty=-1.0)


# ----------------------------------------------------------------------------- metrics by position and teacher forcing


def test_accuracy_by_position_and_teacher_forced_accuracy():
    from dlcourse.seq2seq import accuracy_by_position, teacher_forced_accuracy

    acc = accuracy_by_position([[1, 2, 3], [4], []], [[1, 2, 4], [4, 5], [7, 7, 7, 7]], max_position=5)
    assert acc[:4] == [2 / 3, 1 / 3, 0.0, 0.0] and np.isnan(acc[4])
    torch.manual_seed(0)
    pairs = reversal_task(40, min_len=2, max_len=5, seed=0)
    model = Seq2Seq(Encoder(13, 4, 8), Decoder(13, 4, 8), teacher_forcing_ratio=0.3)
    model.teacher_forcing_ratio = 1.0
    with torch.no_grad():
        logits = model(pairs.src, pairs.src_lengths, pairs.tgt)
    target = pairs.tgt[:, 1:]
    real = (target != PAD) & (target != EOS)
    expected = float(((logits.argmax(-1) == target) & real).sum()) / float(real.sum())
    model.teacher_forcing_ratio = 0.3
    assert teacher_forced_accuracy(model, pairs, batch_size=7) == pytest.approx(expected)
    assert model.teacher_forcing_ratio == 0.3


# ----------------------------------------------------------------------------- seeds trained as one


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("decoder", ["plain", "dot", "general", "additive", "bahdanau"])
def test_seed_stack_equals_separate_models_forward_and_training(cell, decoder):
    from dlcourse.attention import BahdanauAttentionDecoder, LuongAttentionDecoder
    from dlcourse.seq2seq import SeedStack, train_seed_stack

    cls, kw = {"plain": (Decoder, {}), "bahdanau": (BahdanauAttentionDecoder, {})}.get(
        decoder, (LuongAttentionDecoder, {"score": decoder}))
    cfg = BOTTLENECK.replace(min_len=2, max_len=7, n_train=300, n_test=20, embedding_dim=5, hidden_size=6, cell=cell)
    train, _ = bottleneck_data(cfg)
    models = [make_bottleneck_model(cls, cfg.replace(seed=s), **kw).double() for s in (0, 1, 2)]
    stack = SeedStack(models)
    src, lengths, tgt = train.src[:6], train.src_lengths[:6], train.tgt[:6]
    batched = stack(torch.stack([src] * 3), torch.stack([lengths] * 3), torch.stack([tgt] * 3))
    for k in range(3):
        torch.testing.assert_close(batched[k], models[k](src, lengths, tgt), rtol=0, atol=1e-12)
    losses = train_seed_stack(stack, train, steps=4, batch_size=9, lr=1e-2, seeds=[0, 1, 2], clip=0.3)
    assert losses.shape == (4, 3)
    for k, m in enumerate(models):
        single = train_seq2seq(m, train, steps=4, batch_size=9, lr=1e-2, seed=k, clip=0.3)
        np.testing.assert_allclose(losses[:, k], single, rtol=0, atol=1e-10)
    for k, m in enumerate(stack.unstack()):
        for pa, pb in zip(m.parameters(), models[k].parameters()):
            torch.testing.assert_close(pa, pb, rtol=0, atol=1e-10)


def test_seed_stack_rejects_mixed_or_unsupported_models():
    from dlcourse.seq2seq import SeedStack, train_seed_stack

    a = Seq2Seq(Encoder(13, 4, 6), Decoder(13, 4, 6))
    b = Seq2Seq(Encoder(13, 4, 8), Decoder(13, 4, 8))
    with pytest.raises(ValueError, match="same architecture"):
        SeedStack([a, b])
    with pytest.raises(ValueError, match="one-layer"):
        SeedStack([Seq2Seq(Encoder(13, 4, 6, num_layers=2), Decoder(13, 4, 6, num_layers=2))])
    with pytest.raises(ValueError, match="one seed per member"):
        train_seed_stack(SeedStack([a]), reversal_task(20, seed=0), steps=1, batch_size=4, lr=1e-3, seeds=[0, 1])
