r"""Several seeds trained as one: every parameter gets a leading *seed* dimension.

A comparison needs several training runs (seeds). For the small models of chapters
9-10 most of the time of a training step is spent launching many tiny operations,
not computing, so :class:`SeedStack` runs :math:`K` copies of a
:class:`~dlcourse.seq2seq.Seq2Seq` as one model: each weight matrix of shape
``(out, in)`` becomes ``(K, out, in)`` and every product a batched product
(``torch.bmm``). Member :math:`k` sees its own mini-batches (drawn exactly as
:func:`~dlcourse.seq2seq.train_seq2seq` draws them for seed :math:`k`), its own loss,
its own gradient-norm clipping and, since Adam works element by element, its own
optimiser: the members never interact, and the tests check that a stack trains to
the same weights as separate runs.

Supported: one-layer GRU or LSTM encoders and decoders, the plain
:class:`~dlcourse.seq2seq.Decoder`, :class:`~dlcourse.attention.LuongAttentionDecoder`
with the dot, scaled-dot, general or additive score, and
:class:`~dlcourse.attention.BahdanauAttentionDecoder`. :meth:`SeedStack.unstack` returns
ordinary models, so everything else (decoding, metrics, heatmaps) uses the usual API.
"""
from __future__ import annotations

import copy
import math
from typing import Any, Callable, Sequence, cast

import numpy as np
import torch
from torch import nn

from .._validation import check_choice, check_float, check_int, check_num_elements, check_type
from ..data.sequences import PAD, SequencePairs
from ._checks import check_batch, check_stack_step, check_target
from .model import Decoder, Encoder, Seq2Seq

__all__ = ["SeedStack", "train_seed_stack"]


def _kind(model: Seq2Seq) -> tuple[str, str]:
    enc, dec = model.encoder, model.decoder
    if type(enc) is not Encoder or enc.num_layers != 1 or dec.num_layers != 1 or enc.cell != dec.cell:
        raise ValueError("SeedStack supports one-layer Encoder/decoder pairs with the same cell.")
    if type(dec) is Decoder:
        return "plain", ""
    # The attention decoders name their kind on their own class (a subclass, which may compute
    # something else, does not inherit it), so this package need not import dlcourse.attention,
    # which is built on it.
    kind = vars(type(dec)).get("seed_stack_kind")
    if kind == "luong":
        if dec.score not in ("dot", "scaled_dot", "general", "additive"):
            raise ValueError(f"SeedStack supports the dot, scaled_dot, general and additive scores; got {dec.score!r}.")
        return "luong", dec.score
    if kind == "bahdanau":
        return "bahdanau", "additive"
    raise ValueError(f"SeedStack does not support the decoder {type(dec).__name__}.")


def _linear(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | None = None) -> torch.Tensor:
    """``x (K, ..., in)`` times ``w (K, out, in)`` transposed, plus ``b (K, out)``."""
    shape = x.shape
    flat = x.reshape(shape[0], -1, shape[-1])  # (K, N, in)
    out = torch.bmm(flat, w.transpose(1, 2)) if b is None else torch.baddbmm(b[:, None], flat, w.transpose(1, 2))
    return out.reshape(*shape[:-1], w.shape[1])


class SeedStack(nn.Module):
    """``K`` :class:`~dlcourse.seq2seq.Seq2Seq` models of one architecture, run as one.

    ``SeedStack(models)`` copies the models' weights into stacked parameters (leading
    dimension ``K = len(models)``); :meth:`unstack` copies them back into ``K`` ordinary
    models. :meth:`forward` takes ``src (K, B, S)``, ``src_lengths (K, B)`` and ``tgt (K,
    B, T)`` and returns logits ``(K, B, T-1, V)``: member ``k`` is model ``k`` applied to
    batch ``k``.
    """

    def __init__(self, models: Sequence[Seq2Seq]) -> None:
        super().__init__()
        check_type(models, "models", (list, tuple))
        if len(models) < 1:
            raise ValueError("models must hold at least one Seq2Seq.")
        for m in models:
            check_type(m, "models[i]", Seq2Seq)
        self.kind, self.score = _kind(models[0])
        for m in models[1:]:
            if _kind(m) != (self.kind, self.score) or [p.shape for p in m.parameters()] != [
                    p.shape for p in models[0].parameters()]:
                raise ValueError("all models of a SeedStack must have the same architecture.")
        # a plain attribute, not a submodule: its parameters must not join the stack's
        self.__dict__["_template"] = copy.deepcopy(models[0]).cpu()
        self.cell: str = str(models[0].encoder.cell)
        self.teacher_forcing_ratio = [float(m.teacher_forcing_ratio) for m in models]
        names = [n for n, _ in models[0].named_parameters()]
        self._names = names
        self.stacked = nn.ParameterList(
            [nn.Parameter(torch.stack([dict(m.named_parameters())[n].detach().clone() for m in models])) for n in names]
        )

    def __len__(self) -> int:
        return self.stacked[0].shape[0]

    def p(self, name: str) -> torch.Tensor:
        """The stacked parameter of the original name, e.g. ``"decoder.out.weight"`` -> ``(K, V, H)``."""
        try:
            return self.stacked[self._names.index(name)]
        except ValueError:  # checked only on failure: p() runs many times per training step
            check_choice(name, "name", self._names)
            raise

    def unstack(self) -> list[Seq2Seq]:
        """``K`` ordinary models with the stack's current weights (on the stack's device)."""
        dev = self.stacked[0].device
        models = []
        for k in range(len(self)):
            template = cast(Seq2Seq, self.__dict__["_template"])
            model = copy.deepcopy(template).to(dev)
            with torch.no_grad():
                params = dict(model.named_parameters())
                for name, stacked in zip(self._names, self.stacked):
                    params[name].copy_(stacked[k])
            model.teacher_forcing_ratio = self.teacher_forcing_ratio[k]
            models.append(model)
        return models

    # ------------------------------------------------------------------ recurrent pieces
    def _embed(self, which: str, tokens: torch.Tensor) -> torch.Tensor:
        table = self.p(f"{which}.embedding.weight")  # (K, V, E)
        k = torch.arange(table.shape[0], device=tokens.device).view(-1, *([1] * (tokens.ndim - 1)))
        return table[k, tokens]  # (K, ..., E)

    def _hh(self, which: str) -> tuple[torch.Tensor, torch.Tensor]:
        """``W_hh`` transposed ``(K, H, G*H)`` and ``b_hh`` ``(K, 1, G*H)``, taken once per sequence.

        Made once, not at every step: each view is a node of the autograd graph, and on
        models this small the number of nodes, not the arithmetic, sets the time.
        """
        return (self.p(f"{which}.rnn.weight_hh_l0").transpose(1, 2),
                self.p(f"{which}.rnn.bias_hh_l0")[:, None])

    def _cell(self, xp_t: torch.Tensor, state: tuple[torch.Tensor, ...],
              hh: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, ...]:
        """One step given the input projection ``xp_t (K, B, G*H)`` (biases b_ih included)."""
        h = state[0]
        gh = torch.baddbmm(hh[1], h, hh[0])  # (K, B, G*H): h @ W_hh.T + b_hh, member by member
        if self.cell == "gru":
            H = h.shape[-1]
            gh_rz, gh_n = gh.split([2 * H, H], -1)
            xp_rz, xp_n = xp_t.split([2 * H, H], -1)
            r, z = torch.sigmoid(xp_rz + gh_rz).chunk(2, -1)
            n = torch.tanh(torch.addcmul(xp_n, r, gh_n))
            return (torch.lerp(n, h, z),)  # n + z * (h - n) = (1 - z) * n + z * h
        i, f, g, o = (xp_t + gh).chunk(4, -1)
        c = torch.addcmul(torch.sigmoid(f) * state[1], torch.sigmoid(i), torch.tanh(g))
        return (torch.sigmoid(o) * torch.tanh(c), c)

    def _run(self, which: str, x: torch.Tensor, state: tuple[torch.Tensor, ...], lengths: torch.Tensor | None = None
             ) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """The RNN over ``x (K, B, T, In)``. With ``lengths (K, B)`` the returned state is the
        state after each row's last real step and the outputs after it are 0 (as packing gives)."""
        xp = _linear(x, self.p(f"{which}.rnn.weight_ih_l0"), self.p(f"{which}.rnn.bias_ih_l0"))  # (K, B, T, G*H)
        hh = self._hh(which)
        steps = []
        for xp_t in xp.unbind(2):  # one autograd node for all steps
            state = self._cell(xp_t, state, hh)
            steps.append(state)
        outputs = torch.stack([s[0] for s in steps], 2)  # (K, B, T, H)
        if lengths is None:
            return outputs, state
        last = (lengths - 1).clamp_min(0)[..., None, None].expand(-1, -1, 1, outputs.shape[-1])  # (K, B, 1, H)
        final: tuple[torch.Tensor, ...] = (outputs.gather(2, last)[:, :, 0],)
        if len(state) == 2:  # the LSTM's cell state
            final += (torch.stack([s[1] for s in steps], 2).gather(2, last)[:, :, 0],)
        mask = torch.arange(x.shape[2], device=x.device) < lengths[..., None]  # (K, B, T)
        return outputs * mask[..., None], final

    # ------------------------------------------------------------------ encoder and decoders
    def encode(self, src: torch.Tensor, src_lengths: torch.Tensor) -> tuple[torch.Tensor, tuple, torch.Tensor]:
        """``src (K, B, S)`` -> encoder outputs ``(K, B, S, H)``, final state, mask ``(K, B, S)``."""
        check_batch(src, src_lengths, self.p("encoder.embedding.weight").shape[1], members=len(self))
        K, B, S = src.shape
        H = self.stacked[self._names.index("encoder.rnn.weight_hh_l0")].shape[-1]
        mask = torch.arange(S, device=src.device) < src_lengths[..., None]  # (K, B, S)
        zeros = src.new_zeros((K, B, H), dtype=self.stacked[0].dtype)
        state: tuple[torch.Tensor, ...] = (zeros,) if self.cell == "gru" else (zeros, zeros.clone())
        outputs, state = self._run("encoder", self._embed("encoder", src), state, src_lengths)
        return outputs, state, mask

    def _attend(self, query: torch.Tensor, enc: torch.Tensor, mask: torch.Tensor, keys_proj: Any
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """Queries ``(K, B, T, H)`` against ``enc (K, B, S, H)``: context ``(K, B, T, H)``, weights ``(K, B, T, S)``."""
        if self.kind == "bahdanau":
            q = _linear(query, self.p("decoder.W_s.weight"))  # (K, B, T, A)
            v = self.p("decoder.v_a.weight")[:, 0]  # (K, A)
            scores = torch.einsum("kbtsa,ka->kbts", torch.tanh(q[:, :, :, None] + keys_proj[:, :, None]), v)
        elif self.score in ("dot", "scaled_dot"):
            scores = torch.einsum("kbth,kbsh->kbts", query, enc)
            if self.score == "scaled_dot":
                scores = scores / math.sqrt(query.shape[-1])
        elif self.score == "general":
            scores = torch.einsum("kbth,kbsh->kbts", _linear(query, self.p("decoder.W_a").transpose(1, 2)), enc)
        else:  # additive, W_a = [W_q W_k] of shape (K, H, 2H)
            W = self.p("decoder.W_a")
            H = query.shape[-1]
            q = _linear(query, W[:, :, :H])
            v = self.p("decoder.v_a")  # (K, H)
            scores = torch.einsum("kbtsa,ka->kbts", torch.tanh(q[:, :, :, None] + keys_proj[:, :, None]), v)
        scores = scores.masked_fill(~mask[:, :, None, :], float("-inf"))
        weights = torch.softmax(scores, -1)
        return weights @ enc, weights

    def _keys_proj(self, enc: torch.Tensor) -> torch.Tensor | None:
        if self.kind == "bahdanau":
            return _linear(enc, self.p("decoder.W_h.weight"))
        if self.kind == "luong" and self.score == "additive":
            W = self.p("decoder.W_a")
            return _linear(enc, W[:, :, W.shape[-1] // 2:])
        return None

    def _output(self, s: torch.Tensor, enc: torch.Tensor, mask: torch.Tensor, keys_proj: Any
                ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits from top states ``s (K, B, T, H)`` for the plain and Luong decoders."""
        if self.kind == "plain":
            return _linear(s, self.p("decoder.out.weight"), self.p("decoder.out.bias")), None
        a, weights = self._attend(s, enc, mask, keys_proj)
        s_tilde = torch.tanh(_linear(torch.cat([a, s], -1), self.p("decoder.combine.weight"), self.p("decoder.combine.bias")))
        return _linear(s_tilde, self.p("decoder.out.weight"), self.p("decoder.out.bias")), weights

    def step(self, token: torch.Tensor, state: tuple, enc: torch.Tensor, mask: torch.Tensor, keys_proj: Any
             ) -> tuple[torch.Tensor, tuple, torch.Tensor | None]:
        """One decoder step for every member: ``token (K, B)`` -> logits ``(K, B, V)``, state, weights ``(K, B, S)``."""
        table = self.p("decoder.embedding.weight")  # (K, V, E)
        check_stack_step(token, state, members=len(self), vocab_size=table.shape[1], cell=self.cell,
                         hidden_size=self.p("decoder.rnn.weight_hh_l0").shape[-1], dtype=table.dtype)
        return self._step(token, state, enc, mask, keys_proj)

    def _step(self, token: torch.Tensor, state: tuple, enc: torch.Tensor, mask: torch.Tensor, keys_proj: Any
              ) -> tuple[torch.Tensor, tuple, torch.Tensor | None]:
        """:meth:`step` without the checks: forward's loop calls it once per time step."""
        emb = self._embed("decoder", token)  # (K, B, E)
        if self.kind == "bahdanau":
            c, weights = self._attend(state[0][:, :, None], enc, mask, keys_proj)  # (K, B, 1, H), (K, B, 1, S)
            x = torch.cat([emb, c[:, :, 0]], -1)
            xp = _linear(x, self.p("decoder.rnn.weight_ih_l0"), self.p("decoder.rnn.bias_ih_l0"))
            state = self._cell(xp, state, self._hh("decoder"))
            logits = _linear(torch.cat([state[0], c[:, :, 0]], -1), self.p("decoder.out.weight"), self.p("decoder.out.bias"))
            return logits, state, weights[:, :, 0]
        xp = _linear(emb, self.p("decoder.rnn.weight_ih_l0"), self.p("decoder.rnn.bias_ih_l0"))
        state = self._cell(xp, state, self._hh("decoder"))
        logits, out_weights = self._output(state[0][:, :, None], enc, mask, keys_proj)
        return logits[:, :, 0], state, None if out_weights is None else out_weights[:, :, 0]

    def forward(self, src: torch.Tensor, src_lengths: torch.Tensor, tgt: torch.Tensor,
                generator: torch.Generator | None = None) -> torch.Tensor:
        """Logits ``(K, B, T-1, V)`` for ``tgt[..., 1:]``, each member with its own teacher-forcing ratio.

        Members whose ratio is below 1 throw one coin per step (with ``generator``) and,
        when it comes up "free", are fed their own previous arg-max.
        """
        enc, state, mask = self.encode(src, src_lengths)
        check_target(tgt, src, self.p("decoder.embedding.weight").shape[1])
        keys_proj = self._keys_proj(enc)
        ratios = torch.tensor(self.teacher_forcing_ratio, device=src.device)
        if bool((ratios >= 1).all()):  # every input is the true token: no step waits for an arg-max
            if self.kind != "bahdanau":
                s, _ = self._run("decoder", self._embed("decoder", tgt[:, :, :-1]), state)  # all steps at once
                return self._output(s, enc, mask, keys_proj)[0]
            return self._bahdanau_forced(tgt, state, enc, mask, cast(torch.Tensor, keys_proj))
        if self.kind == "bahdanau":
            def step(token: torch.Tensor, state: tuple) -> tuple[torch.Tensor, tuple]:
                return self._step(token, state, enc, mask, keys_proj)[:2]
        else:
            # every token's input projection at once, (K, V, G*H): a step picks its rows
            table_proj = _linear(self.p("decoder.embedding.weight"), self.p("decoder.rnn.weight_ih_l0"),
                                 self.p("decoder.rnn.bias_ih_l0"))
            members = torch.arange(len(self), device=src.device)[:, None]  # (K, 1)
            hh = self._hh("decoder")
            out_w, out_b = self.p("decoder.out.weight").transpose(1, 2), self.p("decoder.out.bias")[:, None]

            def step(token: torch.Tensor, state: tuple) -> tuple[torch.Tensor, tuple]:
                state = self._cell(table_proj[members, token], state, hh)
                if self.kind == "plain":
                    return torch.baddbmm(out_b, state[0], out_w), state  # (K, B, V)
                return self._output(state[0][:, :, None], enc, mask, keys_proj)[0][:, :, 0], state
        token = tgt[:, :, 0]
        logits_all = []
        for t in range(1, tgt.shape[2]):
            logits, state = step(token, state)
            logits_all.append(logits)
            if t < tgt.shape[2] - 1:
                coin = torch.rand(len(ratios), generator=generator).to(src.device)
                forced = (ratios >= 1) | ((ratios > 0) & (coin < ratios))  # (K,)
                token = torch.where(forced[:, None], tgt[:, :, t], logits.argmax(-1))
        return torch.stack(logits_all, 2)

    def _bahdanau_forced(self, tgt: torch.Tensor, state: tuple, enc: torch.Tensor, mask: torch.Tensor,
                         keys_proj: torch.Tensor) -> torch.Tensor:
        """Bahdanau's decoder fed the true tokens: what does not depend on the state is computed
        for all steps at once (the embeddings' share of the input projection, the output layer)."""
        E = self.p("decoder.embedding.weight").shape[-1]
        w_ih = self.p("decoder.rnn.weight_ih_l0")  # (K, G*H, E + H): [embedding, context] columns
        xp_emb = _linear(self._embed("decoder", tgt[:, :, :-1]), w_ih[:, :, :E],
                         self.p("decoder.rnn.bias_ih_l0"))  # (K, B, T-1, G*H)
        w_ctx = w_ih[:, :, E:].transpose(1, 2)  # (K, H, G*H)
        w_s = self.p("decoder.W_s.weight").transpose(1, 2)  # (K, H, A)
        v = self.p("decoder.v_a.weight").transpose(1, 2)  # (K, A, 1)
        hh = self._hh("decoder")
        K, B, S, A = keys_proj.shape
        padding = ~mask  # (K, B, S)
        tops, contexts = [], []
        for xp_t in xp_emb.unbind(2):
            e = torch.tanh(torch.bmm(state[0], w_s)[:, :, None] + keys_proj)  # (K, B, S, A)
            scores = torch.bmm(e.reshape(K, B * S, A), v).view(K, B, S).masked_fill(padding, float("-inf"))
            c = torch.matmul(torch.softmax(scores, -1)[:, :, None], enc)[:, :, 0]  # (K, B, H)
            state = self._cell(torch.baddbmm(xp_t, c, w_ctx), state, hh)
            tops.append(state[0])
            contexts.append(c)
        top = torch.cat([torch.stack(tops, 2), torch.stack(contexts, 2)], -1)  # (K, B, T-1, 2H)
        return _linear(top, self.p("decoder.out.weight"), self.p("decoder.out.bias"))


def train_seed_stack(
    stack: SeedStack,
    pairs: SequencePairs,
    *,
    steps: int,
    batch_size: int,
    lr: float,
    seeds: Sequence[int],
    clip: float | None = 1.0,
    callback: Callable[[int, SeedStack], None] | None = None,
) -> np.ndarray:
    """Train every member of ``stack`` as :func:`~dlcourse.seq2seq.train_seq2seq` trains one model.

    Member ``k`` draws its mini-batches with a ``torch.Generator`` seeded by
    ``seeds[k]`` (the same batches ``train_seq2seq(..., seed=seeds[k])`` draws), its
    loss is the masked cross-entropy of its own batch, its gradient norm is clipped at
    ``clip`` on its own, and Adam (element-wise) updates it on its own. Teacher-forcing
    coins come from a generator seeded by ``seeds[0]``. ``callback(step, stack)`` is
    called after steps ``0 .. steps - 1`` (e.g. to evaluate at checkpoints).

    Returns the training losses, shape ``(steps, K)``.
    """
    check_type(stack, "stack", SeedStack)
    check_type(pairs, "pairs", SequencePairs)
    steps = check_int(steps, "steps", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    lr = check_float(lr, "lr", minimum=0.0, strict_minimum=True)
    check_type(seeds, "seeds", (list, tuple))
    seeds = [check_int(s, "seeds[i]", minimum=0) for s in seeds]
    width = pairs.src.shape[1] + pairs.tgt.shape[1]
    check_num_elements(len(stack) * batch_size * width, f"the batches (members x batch_size x (src_len + tgt_len) = "
                       f"{len(stack)} x {batch_size} x {width})", "pass a smaller batch_size")
    K = len(stack)
    if len(seeds) != K:
        raise ValueError(f"seeds must hold one seed per member of the stack = {K}; got {len(seeds)}.")
    if clip is not None:
        clip = check_float(clip, "clip", minimum=0.0, strict_minimum=True)
    dev = stack.stacked[0].device
    generators = [torch.Generator().manual_seed(s) for s in seeds]
    coins = torch.Generator().manual_seed(seeds[0])
    optimizer = torch.optim.Adam(stack.parameters(), lr=lr)
    losses = np.zeros((steps, K))
    stack.train()
    for step in range(steps):
        idx = torch.stack([torch.randint(len(pairs), (batch_size,), generator=g) for g in generators])  # (K, B)
        src_lengths, tgt_lengths = pairs.src_lengths[idx], pairs.tgt_lengths[idx]
        src = pairs.src[idx][:, :, : int(src_lengths.max())].to(dev)  # (K, B, S)
        tgt = pairs.tgt[idx][:, :, : int(tgt_lengths.max())].to(dev)  # (K, B, T)
        logits = stack(src, src_lengths.to(dev), tgt, coins)  # (K, B, T-1, V)
        target = tgt[:, :, 1:]
        nll = nn.functional.cross_entropy(logits.flatten(0, 2), target.flatten(), ignore_index=PAD, reduction="none")
        real = (target != PAD).flatten(1).float()  # (K, B*(T-1))
        per_member = (nll.view(K, -1) * real).sum(1) / real.sum(1)  # (K,)
        optimizer.zero_grad()
        per_member.sum().backward()  # members share no parameter: each gets its own gradient
        if clip is not None:
            with torch.no_grad():
                grads = [p.grad for p in stack.parameters() if p.grad is not None]
                norms = torch.sqrt(torch.stack([g.pow(2).flatten(1).sum(1) for g in grads]).sum(0))  # (K,)
                coef = torch.clamp(clip / (norms + 1e-6), max=1.0)
                for g in grads:
                    g.mul_(coef.view(-1, *([1] * (g.ndim - 1))))
        optimizer.step()
        losses[step] = per_member.detach().cpu().numpy()
        if callback is not None:
            callback(step, stack)
    return losses
