"""Interactive widgets of the book, all built on the :class:`Explorer` pattern.

See :mod:`dlcourse.widgets._base` for the pattern (pure ``compute``, ``render`` on an
Axes, optional ``summary``) and :mod:`dlcourse.widgets.softmax` for the complete example.
Builders are named ``*_explorer`` and return the widget without displaying it.
"""
from __future__ import annotations

from typing import Any

from ._base import companion_figure, render_png
from .attention import (
    DEMO_KEYS,
    attention_explorer,
    attention_figure,
    attention_weights_2d,
    render_attention,
    summarize_attention,
)
from .rnn import (
    char_sampling,
    gradient_flow_explorer,
    gradient_flow_figure,
    render_char_sampling,
    render_gradient_flow,
    sampling_explorer,
    sampling_figure,
)
from .embeddings import (
    analogy_explorer,
    analogy_figure,
    analogy_view,
    render_analogy,
    render_window_pairs,
    summarize_analogy,
    summarize_window_pairs,
    window_explorer,
    window_figure,
    window_pairs_view,
)
from .tokenizer import render_tokens, summarize_tokens, tokenize_sentence, tokenizer_explorer, tokenizer_figure
from .convolution import (
    KERNELS,
    convolution_explorer,
    convolution_figure,
    convolve_image,
    demo_image,
    render_convolution,
    summarize_convolution,
)
from .decoding import (
    decode_trace,
    decoding_explorer,
    decoding_figure,
    decoding_step,
    render_decoding,
    summarize_decoding,
    token_label,
)
from .softmax import render_softmax, softmax_explorer, softmax_figure, softmax_temperature, summarize_softmax
from .linefit import line_fit, line_fit_explorer, line_fit_figure, render_line_fit, summarize_line_fit
from .threshold import render_threshold, summarize_threshold, threshold_explorer, threshold_figure, threshold_metrics
from .learning_rate import learning_rate_descent, learning_rate_explorer, learning_rate_figure, render_learning_rate
from .optimizers import optimizer_explorer, optimizer_figure, optimizer_paths, render_optimizers
from .vanishing import render_vanishing, vanishing_explorer, vanishing_figure, vanishing_gradients
from .transformer import (
    ATTENTION_KINDS,
    attention_head,
    attention_head_explorer,
    attention_head_figure,
    positional_encoding_explorer,
    positional_encoding_figure,
    positional_encoding_view,
    render_attention_head,
    render_positional_encoding,
)
from .gates import (
    WORKED_LSTM,
    gru_gate_arithmetic,
    gru_gate_explorer,
    gru_gate_figure,
    lstm_gate_explorer,
    lstm_gate_figure,
    render_gru_gates,
    render_lstm_gates,
    summarize_gru_gates,
    summarize_lstm_gates,
)
from .arma import arma_explore, arma_explorer, arma_figure, render_arma, summarize_arma
from .xai import explain_image, render_explanation, summarize_explanation, xai_explorer, xai_figure

__all__ = [
    "Explorer",
    "companion_figure",
    "render_png",
    "DEMO_KEYS",
    "attention_weights_2d",
    "render_attention",
    "summarize_attention",
    "attention_explorer",
    "attention_figure",
    "decode_trace",
    "decoding_step",
    "render_decoding",
    "summarize_decoding",
    "decoding_explorer",
    "decoding_figure",
    "token_label",
    "softmax_temperature",
    "render_softmax",
    "summarize_softmax",
    "softmax_explorer",
    "softmax_figure",
    "line_fit",
    "render_line_fit",
    "summarize_line_fit",
    "line_fit_explorer",
    "line_fit_figure",
    "threshold_metrics",
    "render_threshold",
    "summarize_threshold",
    "threshold_explorer",
    "threshold_figure",
    "window_pairs_view",
    "render_window_pairs",
    "summarize_window_pairs",
    "window_explorer",
    "window_figure",
    "analogy_view",
    "render_analogy",
    "summarize_analogy",
    "analogy_explorer",
    "analogy_figure",
    "tokenize_sentence",
    "render_tokens",
    "summarize_tokens",
    "tokenizer_explorer",
    "tokenizer_figure",
    "learning_rate_descent",
    "render_learning_rate",
    "learning_rate_explorer",
    "learning_rate_figure",
    "optimizer_paths",
    "render_optimizers",
    "optimizer_explorer",
    "optimizer_figure",
    "vanishing_gradients",
    "render_vanishing",
    "vanishing_explorer",
    "vanishing_figure",
    "KERNELS",
    "demo_image",
    "convolve_image",
    "render_convolution",
    "summarize_convolution",
    "convolution_explorer",
    "convolution_figure",
    "explain_image",
    "render_explanation",
    "summarize_explanation",
    "xai_explorer",
    "xai_figure",
    "arma_explore",
    "render_arma",
    "summarize_arma",
    "arma_explorer",
    "arma_figure",
    "WORKED_LSTM",
    "render_lstm_gates",
    "summarize_lstm_gates",
    "lstm_gate_explorer",
    "lstm_gate_figure",
    "gru_gate_arithmetic",
    "render_gru_gates",
    "summarize_gru_gates",
    "gru_gate_explorer",
    "gru_gate_figure",
    "positional_encoding_view",
    "render_positional_encoding",
    "positional_encoding_explorer",
    "positional_encoding_figure",
    "ATTENTION_KINDS",
    "attention_head",
    "render_attention_head",
    "attention_head_explorer",
    "attention_head_figure",
]


def __getattr__(name: str) -> Any:
    if name == "Explorer":
        from . import _base

        return _base.Explorer
    raise AttributeError(f"module 'dlcourse.widgets' has no attribute {name!r}")
