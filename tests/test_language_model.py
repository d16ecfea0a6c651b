"""Padding, masking and the recurrent language models of chapters 6 and 7 (dlcourse.rnn.language_model)."""
from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from dlcourse.rnn import (
    CharLM,
    RecurrentLM,
    char_vocab,
    fit_char_lm,
    last_states,
    lengths_to_mask,
    masked_cross_entropy,
    pad_sequences,
    stream_perplexity,
    train_lms,
)

SEQS = [[3, 4, 5, 6], [7], [8, 9, 2]]


def test_pad_sequences_and_mask():
    x, lengths = pad_sequences(SEQS, pad_id=0)
    assert x.tolist() == [[3, 4, 5, 6], [7, 0, 0, 0], [8, 9, 2, 0]]
    assert lengths.tolist() == [4, 1, 3]
    mask = lengths_to_mask(lengths)
    assert mask.dtype == torch.bool
    assert mask.int().tolist() == [[1, 1, 1, 1], [1, 0, 0, 0], [1, 1, 1, 0]]
    assert lengths_to_mask(lengths, max_len=6).shape == (3, 6)
    x1, _ = pad_sequences(SEQS, pad_id=1)
    assert x1[1].tolist() == [7, 1, 1, 1]


def _batch(seed=0, K=11, H=6):
    torch.manual_seed(seed)
    emb, rnn, head = nn.Embedding(K, 5, padding_idx=0), nn.GRU(5, H, batch_first=True), nn.Linear(H, K)
    return emb, rnn, head


def test_masked_loss_equals_sequences_one_at_a_time_and_pads_get_no_gradient():
    emb, rnn, head = _batch()
    x, lengths = pad_sequences(SEQS)
    inp, tgt, n_pred = x[:, :-1], x[:, 1:], lengths - 1
    keep = n_pred > 0
    inp, tgt, n_pred = inp[keep], tgt[keep], n_pred[keep]
    mask = lengths_to_mask(n_pred, max_len=inp.shape[1])
    logits = head(rnn(emb(inp))[0])
    logits.retain_grad()
    loss = masked_cross_entropy(logits, tgt, mask)
    ref = sum(
        nn.functional.cross_entropy(head(rnn(emb(torch.tensor(s[:-1])[None]))[0])[0], torch.tensor(s[1:]), reduction="sum")
        for s in SEQS if len(s) > 1
    ) / n_pred.sum()
    assert abs(loss.item() - ref.item()) < 1e-6
    summed = masked_cross_entropy(logits, tgt, mask, reduction="sum")
    assert abs(summed.item() - ref.item() * n_pred.sum().item()) < 1e-5
    loss.backward()
    assert logits.grad[~mask].abs().max().item() == 0.0
    assert logits.grad[mask].abs().max().item() > 0.0
    # the pad targets' ids do not matter
    tgt2 = tgt.clone()
    tgt2[~mask] = 5
    assert abs(masked_cross_entropy(logits.detach(), tgt2, mask).item() - loss.item()) < 1e-7


def test_last_states_and_packing_match_one_sequence_at_a_time():
    emb, rnn, head = _batch(1)
    x, lengths = pad_sequences(SEQS)
    with torch.no_grad():
        alone = torch.stack([rnn(emb(torch.tensor(s)[None]))[1][-1, 0] for s in SEQS])
        out, h_pad = rnn(emb(x))
        packed = nn.utils.rnn.pack_padded_sequence(emb(x), lengths, batch_first=True, enforce_sorted=False)
        _, h_packed = rnn(packed)
    assert (h_pad[-1] - alone).abs().max() > 1e-3  # the padded batch's h_n has read the pads
    torch.testing.assert_close(last_states(out, lengths), alone, rtol=0, atol=1e-6)
    torch.testing.assert_close(h_packed[-1], alone, rtol=0, atol=1e-6)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_recurrent_lm_shapes_packing_and_sampling(kind):
    torch.manual_seed(0)
    lm = RecurrentLM(12, kind, embedding_dim=4, hidden_size=8)
    x, lengths = pad_sequences([[1, 2, 3, 4], [5, 6]])
    logits, state = lm(x)
    assert logits.shape == (2, 4, 12)
    h = state[0] if kind == "lstm" else state
    assert h.shape == (1, 2, 8)
    logits_p, state_p = lm(x, lengths=lengths)
    alone_logits, alone_state = lm(torch.tensor([[5, 6]]))
    torch.testing.assert_close(logits_p[1, :2], alone_logits[0], rtol=0, atol=1e-6)
    # after the end of a packed sequence the recurrent output is zero, so the logits are the read-out's bias
    torch.testing.assert_close(logits_p[1, 2:], lm.head.bias.expand(2, -1), rtol=0, atol=0)
    h_p = state_p[0] if kind == "lstm" else state_p
    h_a = alone_state[0] if kind == "lstm" else alone_state
    torch.testing.assert_close(h_p[:, 1], h_a[:, 0], rtol=0, atol=1e-6)
    ids = lm.sample([1, 2], 10, temperature=0.8, seed=3)
    assert len(ids) == 10 and all(0 <= i < 12 for i in ids)
    assert ids == lm.sample([1, 2], 10, temperature=0.8, seed=3)
    assert lm.n_parameters() == sum(p.numel() for p in lm.parameters())


def test_stream_perplexity_of_an_untrained_uniform_model_is_the_vocabulary_size():
    lm = RecurrentLM(7, "gru", embedding_dim=3, hidden_size=4)
    with torch.no_grad():
        lm.head.weight.zero_()
        lm.head.bias.zero_()
    ids = torch.randint(0, 7, (500,))
    assert abs(stream_perplexity(lm, ids, seq_len=16, batch_size=4) - 7.0) < 1e-9


def test_train_lms_learns_a_repetitive_text_and_keeps_the_best_validation_weights():
    text = "abcd" * 400
    vocab = char_vocab(text)
    ids = torch.tensor([vocab.index(c) for c in text])
    models = {}
    for kind in ("rnn", "gru"):
        torch.manual_seed(0)
        models[kind] = RecurrentLM(len(vocab), kind, embedding_dim=4, hidden_size=16)
    before = {k: stream_perplexity(m, ids[:200], seq_len=16, batch_size=4) for k, m in models.items()}
    hist = train_lms(models, ids[:1200], ids[1200:1400], steps=60, seq_len=16, batch_size=8, lr=1e-2, eval_every=20, seed=0)
    for k, m in models.items():
        h = hist[k]
        assert h["step"] == [20, 40, 60]
        assert len(h["val_ppl"]) == len(h["train_ppl"]) == 3
        best = min(h["val_ppl"])
        assert h["best_step"][0] == h["step"][h["val_ppl"].index(best)]
        after = stream_perplexity(m, ids[1200:1400])
        assert abs(after - best) < 1e-6 * best  # the model ends with its best validation weights
        assert after < 1.5 < before[k]


def test_char_vocab():
    assert char_vocab("banana") == "abn"


_L, _T, _M = torch.zeros(2, 3, 4), torch.zeros(2, 3, dtype=torch.long), torch.ones(2, 3, dtype=torch.bool)

BAD_INPUT = [
    (lambda: pad_sequences([]), ValueError, "sequences must hold at least one sequence"),
    (lambda: pad_sequences([[1, 2], []]), ValueError, r"sequences\[1\] is empty"),
    (lambda: lengths_to_mask([5, 2], max_len=3), ValueError, "max_len must be at least the longest length 5; got"),
    (lambda: masked_cross_entropy(_L, _T, torch.ones(2, 4, dtype=torch.bool)), ValueError,
     r"mask \(B, T\); got \(2, 3, 4\), \(2, 3\), \(2, 4\)"),
    (lambda: masked_cross_entropy(_L, _T, torch.zeros(2, 3, dtype=torch.bool)), ValueError,
     "mask must select at least one token"),
    (lambda: masked_cross_entropy(_L, _T, _M, reduction="max"), ValueError, "reduction must be 'mean' or 'sum'; got 'max'"),
    (lambda: last_states(torch.zeros(3, 4, 6), torch.tensor([5, 1, 1])), ValueError,
     r"lengths must lie in 1..T = 1..4 .* from 1 to 5"),
    (lambda: RecurrentLM(12, "transformer"), ValueError, "kind must be one of 'gru', 'lstm', 'rnn'; got 'transformer'"),
    (lambda: RecurrentLM(12, "gru", num_layers=10**12), ValueError, "num_layers must be at most 1000"),
    (lambda: RecurrentLM(12, "gru")(torch.tensor([[1, 12]])), ValueError,
     r"idx must hold token ids in 0..11 \(the vocabulary has 12 tokens\); got 12 at index \(0, 1\)"),
    (lambda: RecurrentLM(12, "gru")(torch.zeros(1, 2)), TypeError, "idx must hold integer token ids"),
    (lambda: RecurrentLM(12, "gru").sample([], 3), ValueError, "prefix_ids must hold at least one token id"),
    (lambda: stream_perplexity(RecurrentLM(7, "gru"), torch.arange(3), batch_size=5), ValueError,
     r"ids must hold at least batch_size \+ 1 = 6 ids"),
    (lambda: char_vocab(""), ValueError, "text must be a non-empty string"),
    (lambda: masked_cross_entropy(_L.long(), _T, _M), TypeError, "logits must be a floating-point tensor"),
    (lambda: masked_cross_entropy(_L, _T.float(), _M), TypeError, "targets must hold integer class ids"),
    (lambda: masked_cross_entropy(_L, _T, _M.numpy()), TypeError, "mask must be a torch.Tensor; got ndarray"),
    (lambda: lengths_to_mask(torch.tensor([3.5, 1.5])), TypeError, "lengths must be a non-empty 1-D sequence of whole"),
    (lambda: lengths_to_mask(torch.tensor([[3, 1]])), TypeError, r"shape \(1, 2\)"),
    (lambda: lengths_to_mask([3, 0]), ValueError, "lengths must all be >= 1; got 0"),
    (lambda: RecurrentLM(12, "gru")(torch.zeros(2, 3, dtype=torch.long), lengths=torch.tensor([3.5, 2.5])), TypeError,
     "lengths must be a non-empty 1-D sequence"),
    (lambda: RecurrentLM(12, "gru")(torch.zeros(2, 3, dtype=torch.long), lengths=[4, 1]), ValueError,
     r"lengths must hold one length in 1..3 per row of idx \(2, 3\)"),
    (lambda: RecurrentLM(12, "gru")(torch.zeros(1, 2, 3, dtype=torch.long)), ValueError, "idx must be 2-dimensional"),
    (lambda: train_lms({"gru": RecurrentLM(5, "gru")}, torch.arange(3000) % 5, torch.arange(300) % 5, clip="1"),
     TypeError, "clip must be a real number"),
    (lambda: last_states(torch.zeros(3, 4), [1, 1, 1]), ValueError, r"expected outputs \(B, T, H\)"),
    (lambda: train_lms({"gru": RecurrentLM(5, "gru")}, torch.arange(5) % 5, torch.arange(5) % 5), ValueError,
     r"train_ids must hold at least batch_size \* \(seq_len \+ 1\) \+ 1 = 2081 ids; got 5"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT, ids=[f"case{i}" for i in range(len(BAD_INPUT))])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_fit_char_lm_calls_back_after_every_epoch():
    text = "the keeper climbed the stairs. " * 20
    lm = CharLM(sorted(set(text)), embedding_dim=4, hidden_size=8)
    seen = []
    hist = fit_char_lm(lm, text, seq_len=16, batch_size=4, epochs=3, callback=lambda e, loss: seen.append((e, loss)))
    assert [e for e, _ in seen] == [1, 2, 3]
    assert [loss for _, loss in seen] == hist
    assert all(math.isfinite(v) for v in hist)


# --- issue 29: ids, lengths, states and sizes name the argument ----------------------------
BAD_INPUT_29 = [
    (lambda: pad_sequences(None), TypeError, "sequences must be a list of token-id sequences"),
    (lambda: pad_sequences([[1.5, 2]]), TypeError, r"sequences\[0\] must hold integer token ids"),
    (lambda: lengths_to_mask(None), TypeError, "lengths must be a non-empty 1-D sequence"),
    (lambda: lengths_to_mask(object()), TypeError, "lengths must be a non-empty 1-D sequence"),
    (lambda: lengths_to_mask([3, 1], 10**12), ValueError, r"the mask \(batch x max_len = 2 x 1,000,000,000,000\) would hold"),
    (lambda: masked_cross_entropy(_L, torch.full((2, 3), 4), _M), ValueError,
     r"targets must hold class ids in 0..3 .*got 4 at index \(0, 0\)"),
    (lambda: last_states(torch.zeros(2, 3, 4).numpy(), [1, 1]), TypeError, "outputs must be a torch.Tensor"),
    (lambda: stream_perplexity(RecurrentLM(7, "gru"), torch.arange(20.0)), TypeError,
     "ids must hold integer token ids"),
    (lambda: stream_perplexity(RecurrentLM(7, "gru"), torch.arange(20)), ValueError, r"ids must hold token ids in 0..6"),
    (lambda: stream_perplexity(RecurrentLM(7, "gru"), torch.zeros(2, 9, dtype=torch.long)), ValueError,
     r"ids must be one flat sequence of ids \(1-D\)"),
    (lambda: stream_perplexity("model", torch.arange(3)), TypeError, "model must be RecurrentLM"),
    (lambda: train_lms([], torch.arange(3000) % 5, torch.arange(300) % 5), TypeError, "models must be a non-empty dict"),
    (lambda: train_lms({"gru": RecurrentLM(5, "gru")}, torch.arange(3000) % 5, torch.arange(30) % 5), ValueError,
     "val_ids must hold at least 65 ids"),
    (lambda: RecurrentLM(12, "gru")(torch.zeros(2, 3, dtype=torch.long), "abc"), TypeError,
     "state must be a torch.Tensor"),
    (lambda: RecurrentLM(12, "lstm")(torch.zeros(2, 3, dtype=torch.long), torch.zeros(1, 2, 64)), TypeError,
     r"state must be None or the pair \(h, c\)"),
    (lambda: RecurrentLM(12, "gru").sample([1, None], 3), TypeError, "prefix_ids must hold integer token ids"),
    (lambda: RecurrentLM(12, "gru").sample([1, 12], 3), ValueError, r"prefix_ids must hold token ids in 0..11"),
    (lambda: RecurrentLM(10**9, "gru"), ValueError, "RecurrentLM would have about .*vocab_size"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT_29, ids=[f"case{i}" for i in range(len(BAD_INPUT_29))])
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
