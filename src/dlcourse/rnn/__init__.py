"""Recurrent networks (chapter 6; chapter 7 adds LSTM and GRU modules beside these).

- :mod:`dlcourse.rnn.numpy_rnn`: the vanilla RNN in NumPy with hand-written
  backpropagation through time (full and truncated) and gradient clipping.
- :mod:`dlcourse.rnn.torch_rnn`: :class:`RNNCell` and :class:`RNN` from scratch in
  PyTorch (layers, bidirectional, ``batch_first``), equal to :class:`torch.nn.RNN`.
- :mod:`dlcourse.rnn.charlm`: a character-level language model with sampling at a
  temperature and perplexity.
- :mod:`dlcourse.rnn.gradient_flow`: norms of :math:`\\partial h_T / \\partial h_k`.
"""
from .charlm import CharLM, fit_char_lm, unigram_perplexity
from .gradient_flow import gradient_flow
from .numpy_rnn import (
    RNNCache,
    clip_grad_norm,
    init_rnn_params,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
)
from .torch_rnn import RNN, RNNCell

__all__ = [
    "RNNCache",
    "init_rnn_params",
    "rnn_step_forward",
    "rnn_step_backward",
    "rnn_forward",
    "rnn_backward",
    "clip_grad_norm",
    "RNNCell",
    "RNN",
    "CharLM",
    "fit_char_lm",
    "unigram_perplexity",
    "gradient_flow",
]
