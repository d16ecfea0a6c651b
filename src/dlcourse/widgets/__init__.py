"""Interactive widgets of the book, all built on the :class:`Explorer` pattern.

See :mod:`dlcourse.widgets._base` for the pattern (pure ``compute``, ``render`` on an
Axes, optional ``summary``) and :mod:`dlcourse.widgets.softmax` for the complete example.
Builders are named ``*_explorer`` and return the widget without displaying it.
"""
from __future__ import annotations

from typing import Any

from ._base import companion_figure, render_png
from .tokenizer import render_tokens, summarize_tokens, tokenize_sentence, tokenizer_explorer, tokenizer_figure
from .softmax import render_softmax, softmax_explorer, softmax_figure, softmax_temperature, summarize_softmax

__all__ = [
    "Explorer",
    "companion_figure",
    "render_png",
    "softmax_temperature",
    "render_softmax",
    "summarize_softmax",
    "softmax_explorer",
    "softmax_figure",
    "tokenize_sentence",
    "render_tokens",
    "summarize_tokens",
    "tokenizer_explorer",
    "tokenizer_figure",
]


def __getattr__(name: str) -> Any:
    if name == "Explorer":
        from . import _base

        return _base.Explorer
    raise AttributeError(f"module 'dlcourse.widgets' has no attribute {name!r}")
