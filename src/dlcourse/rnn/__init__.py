"""Recurrent networks (chapter 6; chapter 7 adds LSTM and GRU modules beside these).

- :mod:`dlcourse.rnn.numpy_rnn`: the vanilla RNN in NumPy with hand-written
  backpropagation through time (full and truncated) and gradient clipping.
- :mod:`dlcourse.rnn.torch_rnn`: :class:`RNNCell` and :class:`RNN` from scratch in
  PyTorch (layers, bidirectional, ``batch_first``), equal to :class:`torch.nn.RNN`.
- :mod:`dlcourse.rnn.charlm`: a character-level language model with sampling at a
  temperature and perplexity.
- :mod:`dlcourse.rnn.language_model`: padding, masks and the masked loss for batches of
  different lengths; :class:`RecurrentLM` (RNN, LSTM or GRU) and :func:`train_lms`, which trains
  several language models on the same batches (chapter 7's comparison on real text).
- :mod:`dlcourse.rnn.gradient_flow`: norms of :math:`\\partial h_T / \\partial h_k`.
- :mod:`dlcourse.rnn.gates_numpy` (chapter 7): one LSTM or GRU step in NumPy returning
  every gate and state, for worked tables and widgets.
- :mod:`dlcourse.rnn.lstm` and :mod:`dlcourse.rnn.gru` (chapter 7): :class:`LSTMCell`,
  :class:`PeepholeLSTMCell`, :class:`LSTM`, :class:`GRUCell`, :class:`GRU` from scratch,
  equal to :class:`torch.nn.LSTM` and :class:`torch.nn.GRU`. :class:`RNN`, :class:`LSTM` and
  :class:`GRU` share one loop over time, layers and directions (``dlcourse.rnn._stacked``), with
  torch's time-first shapes unless ``batch_first=True``.
- :mod:`dlcourse.rnn.parameters`: :func:`count_parameters` of an RNN, GRU or LSTM stack, by
  formula (also importable from ``dlcourse.rnn.gru``, its former home).
"""
from .charlm import CharLM, fit_char_lm, unigram_perplexity
from .gates_numpy import (
    GRU_CONVENTIONS,
    gru_step,
    gru_update,
    init_gru_params,
    init_lstm_params,
    lstm_cell_update,
    lstm_step,
    sigmoid,
)
from .gradient_flow import gradient_flow
from .gru import GRU, GRUCell
from .language_model import (
    RecurrentLM,
    char_vocab,
    last_states,
    lengths_to_mask,
    masked_cross_entropy,
    pad_sequences,
    stream_perplexity,
    train_lms,
)
from .lstm import LSTM, LSTMCell, PeepholeLSTMCell
from .numpy_rnn import (
    RNNCache,
    clip_grad_norm,
    init_rnn_params,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
)
from .parameters import count_parameters
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
    "pad_sequences",
    "lengths_to_mask",
    "masked_cross_entropy",
    "last_states",
    "char_vocab",
    "RecurrentLM",
    "train_lms",
    "stream_perplexity",
    "sigmoid",
    "init_lstm_params",
    "init_gru_params",
    "lstm_cell_update",
    "lstm_step",
    "gru_update",
    "gru_step",
    "GRU_CONVENTIONS",
    "LSTMCell",
    "PeepholeLSTMCell",
    "LSTM",
    "GRUCell",
    "GRU",
    "count_parameters",
]
