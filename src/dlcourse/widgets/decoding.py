"""Decoding step-through (chapter 9): what a seq2seq decoder is fed and what it outputs, step by step.

Under *teacher forcing* the decoder's input at step :math:`t` is the true previous token
:math:`y_{t-1}`; under *greedy decoding* it is its own previous choice :math:`\\hat y_{t-1}`.
:func:`decode_trace` runs one source sentence both ways once (pure computation, no
widgets); :func:`decoding_step` picks one step of a trace; the explorer puts a slider
over the steps and a toggle between the two ways of feeding the decoder.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .._validation import check_choice, check_int

__all__ = [
    "token_label",
    "decode_trace",
    "decoding_step",
    "render_decoding",
    "summarize_decoding",
    "decoding_explorer",
    "decoding_figure",
]

MODES = ("teacher forcing", "greedy")


def token_label(token: int, itos: Sequence[str] | Callable[[int], str] | None = None) -> str:
    """Readable name of a token id: ``<pad>``, ``<sos>``, ``<eos>``, else ``itos`` or the id."""
    from ..data.sequences import EOS, PAD, SOS

    token = int(token)
    special = {PAD: "<pad>", SOS: "<sos>", EOS: "<eos>"}
    if token in special:
        return special[token]
    if itos is None:
        return str(token)
    if callable(itos):
        return itos(token)
    return itos[token]


def decode_trace(
    model: Any,
    src: Sequence[int],
    tgt: Sequence[int],
    *,
    mode: str = "teacher forcing",
    max_len: int | None = None,
) -> dict[str, Any]:
    """Run ``model``'s decoder on one source, feeding it the truth or its own predictions.

    Parameters
    ----------
    model:
        A :class:`dlcourse.seq2seq.Seq2Seq` (any decoder with ``forward_step``).
    src:
        The source token ids, without padding.
    tgt:
        The target ids starting with ``SOS`` and ending with ``EOS`` (padding allowed).
    mode:
        ``"teacher forcing"``: step :math:`t` is fed :math:`y_{t-1}`, for as many steps
        as the target has tokens after ``SOS``; ``"greedy"``: it is fed the previous
        arg-max, until the model emits ``EOS`` or after ``max_len`` steps
        (default: target length + 5).

    Returns
    -------
    dict with ``mode``, ``inputs`` (fed token per step), ``targets`` (true token per step
    or ``None`` past the target's end), ``chosen`` (arg-max per step), ``probabilities``
    ``(steps, V)`` (softmax of the logits) and ``steps``.
    """
    import torch

    from ..data.sequences import EOS, PAD, SOS

    check_choice(mode, "mode", MODES)
    src_ids = [int(t) for t in src]
    tgt_ids = [int(t) for t in tgt if int(t) != PAD]
    if not src_ids:
        raise ValueError("src must hold at least one token; got an empty sequence.")
    if len(tgt_ids) < 2 or tgt_ids[0] != SOS:
        raise ValueError(f"tgt must start with SOS = {SOS} and hold at least two tokens; got {tgt_ids[:5]}...")
    true_next = tgt_ids[1:]
    limit = len(true_next) if mode == "teacher forcing" else (max_len or len(true_next) + 5)
    limit = check_int(limit, "max_len", minimum=1)
    dev = next(model.parameters()).device
    was_training = model.training
    model.eval()
    inputs, chosen, probs = [], [], []
    with torch.no_grad():
        src_t = torch.tensor([src_ids], dtype=torch.long, device=dev)  # (1, S)
        lengths = torch.tensor([len(src_ids)], dtype=torch.long, device=dev)
        encoder_outputs, state, src_mask = model.encode(src_t, lengths)
        token = SOS
        for t in range(limit):
            inputs.append(token)
            logits, state, _ = model.decoder.forward_step(
                torch.tensor([token], device=dev), state, encoder_outputs, src_mask
            )
            p = torch.softmax(logits[0].double(), -1).cpu().numpy()  # (V,)
            probs.append(p)
            choice = int(p.argmax())
            chosen.append(choice)
            if mode == "teacher forcing":
                token = true_next[t]
            else:
                token = choice
                if choice == EOS:
                    break
    model.train(was_training)
    steps = len(chosen)
    return {
        "mode": mode,
        "inputs": inputs,
        "targets": [true_next[t] if t < len(true_next) else None for t in range(steps)],
        "chosen": chosen,
        "probabilities": np.stack(probs),
        "steps": steps,
    }


def decoding_step(
    trace: Mapping[str, Any], step: int, *, top_k: int = 5, itos: Sequence[str] | Callable | None = None
) -> dict[str, Any]:
    """One step of a :func:`decode_trace`: fed token, top-``k`` distribution, chosen and true token.

    ``step`` beyond the trace's last step is clipped to the last one (greedy decoding may
    stop before the slider's end). Returns labels too, so rendering needs no vocabulary.
    """
    step = check_int(step, "step", minimum=0)
    top_k = check_int(top_k, "top_k", minimum=1)
    step = min(step, trace["steps"] - 1)
    p = trace["probabilities"][step]
    order = np.argsort(-p, kind="stable")[:top_k]
    target = trace["targets"][step]
    chosen = trace["chosen"][step]
    return {
        "mode": trace["mode"],
        "step": step,
        "steps": trace["steps"],
        "input": trace["inputs"][step],
        "input_label": token_label(trace["inputs"][step], itos),
        "target": target,
        "target_label": None if target is None else token_label(target, itos),
        "chosen": chosen,
        "chosen_label": token_label(chosen, itos),
        "correct": target is not None and chosen == target,
        "top_tokens": [int(i) for i in order],
        "top_labels": [token_label(i, itos) for i in order],
        "top_probabilities": p[order],
        "fed_so_far": [token_label(i, itos) for i in trace["inputs"][: step + 1]],
        "output_so_far": [token_label(i, itos) for i in trace["chosen"][: step + 1]],
    }


def render_decoding(result: Mapping[str, Any], ax: Any) -> None:
    """Horizontal bars of the top-k output probabilities; the chosen token orange, the true one outlined."""
    labels = result["top_labels"][::-1]
    probs = result["top_probabilities"][::-1]
    tokens = result["top_tokens"][::-1]
    colors = ["C1" if t == result["chosen"] else "C0" for t in tokens]
    bars = ax.barh(range(len(probs)), probs, color=colors)
    for bar, t in zip(bars, tokens):
        if t == result["target"]:
            bar.set_edgecolor("black")
            bar.set_linewidth(2)
    for i, value in enumerate(probs):
        ax.text(min(value + 0.02, 0.88), i, f"{value:.2f}", va="center", fontsize=8)
    ax.set_yticks(range(len(probs)))
    ax.set_yticklabels([repr(l) if len(l) == 1 else l for l in labels], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("output probability")
    fed = result["input_label"]
    truth = "-" if result["target_label"] is None else result["target_label"]
    ax.set_title(
        f"{result['mode']}, step {result['step'] + 1}: fed {fed!r}\nchose {result['chosen_label']!r}, truth {truth!r}",
        fontsize=9,
    )


def summarize_decoding(result: Mapping[str, Any]) -> str:
    """HTML lines with the tokens fed so far and the tokens chosen so far."""
    fed = " ".join(result["fed_so_far"])
    out = " ".join(result["output_so_far"])
    verdict = "correct" if result["correct"] else "wrong" if result["target"] is not None else "past the target"
    return (
        f"<p>step {result['step'] + 1} of {result['steps']} ({result['mode']})</p>"
        f"<p>fed so far: <code>{fed}</code></p><p>chosen so far: <code>{out}</code></p>"
        f"<p>this step's choice is {verdict}</p>"
    )


def decoding_explorer(
    model: Any,
    src: Sequence[int],
    tgt: Sequence[int],
    *,
    itos: Sequence[str] | Callable | None = None,
    top_k: int = 5,
) -> Any:
    """A step slider and a teacher-forcing/greedy toggle over one source sentence.

    Both traces are computed once when the widget is built; moving the slider only
    indexes them. ``explorer.controls["step"]`` and ``explorer.controls["mode"]`` can be
    set from code; ``explorer.result`` is the :func:`decoding_step` dict shown.
    """
    import ipywidgets as widgets

    from ._base import Explorer

    traces = {mode: decode_trace(model, src, tgt, mode=mode) for mode in MODES}
    longest = max(t["steps"] for t in traces.values())
    controls = {
        "step": widgets.IntSlider(value=0, min=0, max=longest - 1, description="step (0-based)",
                                  continuous_update=False, style={"description_width": "initial"}),
        "mode": widgets.ToggleButtons(options=list(MODES), value=MODES[0], description="decoder fed",
                                      style={"description_width": "initial"}),
    }

    def compute(step: int, mode: str) -> dict[str, Any]:
        return decoding_step(traces[mode], step, top_k=top_k, itos=itos)

    return Explorer(controls, compute, render_decoding, summarize_decoding, title="Decoding step by step",
                    figsize=(4.8, 3.0))


def decoding_figure(
    model: Any,
    src: Sequence[int],
    tgt: Sequence[int],
    steps: Sequence[int] = (0, 1, 2),
    *,
    mode: str = "greedy",
    itos: Sequence[str] | Callable | None = None,
    top_k: int = 5,
) -> Any:
    """Static companion of :func:`decoding_explorer`: the view at a few steps side by side."""
    from ._base import companion_figure

    trace = decode_trace(model, src, tgt, mode=mode)
    return companion_figure(
        lambda step: decoding_step(trace, step, top_k=top_k, itos=itos),
        render_decoding,
        [{"step": s} for s in steps],
        panel_size=(3.4, 2.9),
    )
