"""Interactive widgets of the book, all built on the :class:`Explorer` pattern.

See :mod:`dlcourse.widgets._base` for the pattern (pure ``compute``, ``render`` on an
Axes, optional ``summary``) and :mod:`dlcourse.widgets.softmax` for the complete example.
Builders are named ``*_explorer`` and return the widget without displaying it.
"""
from __future__ import annotations

import importlib
from typing import Any

# Every public name and the module that defines it. Importing ``dlcourse.widgets`` loads
# none of them: each module (some need torch, statsmodels or captum) is imported on first
# use, so a chapter pays only for its own widgets and the softmax example runs with
# numpy, matplotlib and ipywidgets alone (the ipywidgets 7 test environment has no torch).
_EXPORTS: dict[str, tuple[str, ...]] = {
    "_base": ("companion_figure", "render_png"),
    "attention": ("DEMO_KEYS", "attention_explorer", "attention_figure", "attention_weights_2d", "render_attention", "summarize_attention"),
    "rnn": ("char_sampling", "gradient_flow_explorer", "gradient_flow_figure", "render_char_sampling", "render_gradient_flow", "sampling_explorer", "sampling_figure"),
    "embeddings": ("analogy_explorer", "analogy_figure", "analogy_view", "render_analogy", "render_window_pairs", "summarize_analogy", "summarize_window_pairs", "window_explorer", "window_figure", "window_pairs_view"),
    "tokenizer": ("render_tokens", "summarize_tokens", "tokenize_sentence", "tokenizer_explorer", "tokenizer_figure"),
    "convolution": ("KERNELS", "convolution_explorer", "convolution_figure", "convolve_image", "demo_image", "render_convolution", "summarize_convolution"),
    "decoding": ("decode_trace", "decoding_explorer", "decoding_figure", "decoding_step", "render_decoding", "summarize_decoding", "token_label"),
    "softmax": ("render_softmax", "softmax_explorer", "softmax_figure", "softmax_temperature", "summarize_softmax"),
    "linefit": ("line_fit", "line_fit_explorer", "line_fit_figure", "render_line_fit", "summarize_line_fit"),
    "threshold": ("render_threshold", "summarize_threshold", "threshold_explorer", "threshold_figure", "threshold_metrics"),
    "learning_rate": ("learning_rate_descent", "learning_rate_explorer", "learning_rate_figure", "render_learning_rate"),
    "optimizers": ("optimizer_explorer", "optimizer_figure", "optimizer_paths", "render_optimizers"),
    "vanishing": ("render_vanishing", "vanishing_explorer", "vanishing_figure", "vanishing_gradients"),
    "transformer": ("ATTENTION_KINDS", "attention_head", "attention_head_explorer", "attention_head_figure", "positional_encoding_explorer", "positional_encoding_figure", "positional_encoding_view", "render_attention_head", "render_positional_encoding"),
    "gates": ("WORKED_LSTM", "gru_gate_arithmetic", "gru_gate_explorer", "gru_gate_figure", "lstm_gate_explorer", "lstm_gate_figure", "render_gru_gates", "render_lstm_gates", "summarize_gru_gates", "summarize_lstm_gates"),
    "arma": ("arma_explore", "arma_explorer", "arma_figure", "render_arma", "summarize_arma"),
    "xai": ("explain_image", "render_explanation", "summarize_explanation", "xai_explorer", "xai_figure"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
_WHERE["Explorer"] = "_base"

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'dlcourse.widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
