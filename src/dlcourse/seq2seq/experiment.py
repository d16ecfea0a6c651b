"""The bottleneck experiment: chapter 9's baseline, reused unchanged by chapter 10.

:class:`BottleneckConfig` is a frozen dataclass (like nanoGPT's ``GPTConfig``): the
settings cannot be changed by accident, and a variant is a new object,
``BOTTLENECK.replace(hidden_size=128)``. :func:`bottleneck_data`,
:func:`make_bottleneck_model` and :func:`run_bottleneck` rebuild the experiment from a
config (or from a dict of overrides of :data:`BOTTLENECK`), with any decoder class, so
chapter 10 compares like with like.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import torch
from torch import nn

from .._validation import (
    check_choice,
    check_float,
    check_int,
    check_num_elements,
    check_num_layers,
    check_probability,
    check_type,
)
from ..data.sequences import N_SPECIAL, SequencePairs
from .metrics import accuracy_by_length, evaluate_seq2seq
from .model import Decoder, Encoder, Seq2Seq
from .training import train_seq2seq

__all__ = ["BottleneckConfig", "BOTTLENECK", "bottleneck_data", "make_bottleneck_model", "run_bottleneck"]

#: The generators of :mod:`dlcourse.data` a :class:`BottleneckConfig` may name as its ``task``.
TASKS = ("reversal_task", "copy_task")


@dataclass(frozen=True)
class BottleneckConfig:
    """Exact settings of the bottleneck experiment (chapter 9) that chapter 10 repeats with attention.

    Data: ``task`` (a generator in :mod:`dlcourse.data`) with sources of ``min_len`` to
    ``max_len`` symbols over ``vocab_size`` token ids (3 of them special), ``n_train``
    training and ``n_test`` test pairs drawn with ``data_seed`` (no source in both).
    Model: embeddings of ``embedding_dim``, a ``cell`` RNN of ``num_layers`` layers and
    ``hidden_size`` units. Training: ``steps`` Adam steps of ``batch_size`` pairs at
    learning rate ``lr``, gradient norm clipped at ``clip``, ``teacher_forcing_ratio``,
    initialisation and batch order from ``seed``.

    Read a field as an attribute (``BOTTLENECK.hidden_size``) or, as older code does, by
    name (``BOTTLENECK["hidden_size"]``); :meth:`replace` returns a changed copy.
    """

    task: str = "reversal_task"
    min_len: int = 4
    max_len: int = 12
    vocab_size: int = 13
    n_train: int = 20000
    n_test: int = 900
    data_seed: int = 0
    embedding_dim: int = 16
    hidden_size: int = 32
    cell: str = "gru"
    num_layers: int = 1
    teacher_forcing_ratio: float = 1.0
    steps: int = 600
    batch_size: int = 64
    lr: float = 3e-3
    clip: float | None = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        """Check every setting when the config is made (a wrong one fails here, not steps later)."""
        check_choice(self.task, "task", TASKS)
        for name in ("min_len", "max_len", "n_train", "n_test", "embedding_dim", "hidden_size", "steps", "batch_size"):
            check_int(getattr(self, name), name, minimum=1)
        check_int(self.vocab_size, "vocab_size", minimum=N_SPECIAL + 1)
        if self.max_len < self.min_len:
            raise ValueError(f"max_len must be >= min_len = {self.min_len}; got max_len = {self.max_len}.")
        for name in ("data_seed", "seed"):
            check_int(getattr(self, name), name, minimum=0)
        n, width = self.n_train + self.n_test, 2 * self.max_len + 2  # source and target columns of a pair
        check_num_elements(n * width, f"the data (n_train + n_test = {n:,} pairs x {width} tokens for max_len = "
                           f"{self.max_len:,})", "ask for fewer pairs or a smaller max_len")
        check_num_elements(self.batch_size * width, f"a batch (batch_size x {width} tokens for max_len = "
                           f"{self.max_len:,})", "pass a smaller batch_size")
        check_choice(self.cell, "cell", ("gru", "lstm"))
        check_num_layers(self.num_layers)
        check_probability(self.teacher_forcing_ratio, "teacher_forcing_ratio")
        check_float(self.lr, "lr", minimum=0.0, strict_minimum=True)
        if self.clip is not None:
            check_float(self.clip, "clip", minimum=0.0, strict_minimum=True)

    @property
    def task_kwargs(self) -> dict[str, int]:
        """Keyword arguments of the task generator (a fresh dict each time)."""
        return {"min_len": self.min_len, "max_len": self.max_len, "vocab_size": self.vocab_size}

    def __getitem__(self, key: str) -> Any:
        if key == "task_kwargs" or key in self.__dataclass_fields__:
            return getattr(self, key)
        raise KeyError(f"BottleneckConfig has no setting {key!r}; settings: {sorted(self.__dataclass_fields__)}.")

    def __contains__(self, key: object) -> bool:
        return key == "task_kwargs" or key in self.__dataclass_fields__

    def keys(self) -> list[str]:
        """The setting names (so ``dict(config)`` works)."""
        return list(self.__dataclass_fields__)

    def replace(self, **changes: Any) -> "BottleneckConfig":
        """A copy with ``changes``; ``task_kwargs={...}`` sets ``min_len``/``max_len``/``vocab_size``."""
        changes = dict(changes)
        task_kwargs = changes.pop("task_kwargs", None)
        if task_kwargs is not None:
            unknown = set(task_kwargs) - {"min_len", "max_len", "vocab_size"}
            if unknown:
                raise ValueError(f"task_kwargs may set min_len, max_len and vocab_size; got {sorted(unknown)}.")
            changes = {**task_kwargs, **changes}
        unknown = set(changes) - set(self.__dataclass_fields__)
        if unknown:
            raise ValueError(
                f"unknown setting(s) {sorted(unknown)}; BottleneckConfig has {sorted(self.__dataclass_fields__)}."
            )
        return dataclasses.replace(self, **changes)


BOTTLENECK = BottleneckConfig()
"""The shipped settings of the bottleneck experiment (chapter 9), repeated by chapter 10."""


def _config(settings: BottleneckConfig | Mapping[str, Any] | None) -> BottleneckConfig:
    if settings is None:
        return BOTTLENECK
    if isinstance(settings, BottleneckConfig):
        return settings
    if isinstance(settings, Mapping):
        return BOTTLENECK.replace(**settings)
    raise TypeError(
        f"settings must be a BottleneckConfig, a dict of changes to BOTTLENECK or None; got {type(settings).__name__}."
    )


def bottleneck_data(
    settings: BottleneckConfig | Mapping[str, Any] | None = None,
) -> tuple[SequencePairs, SequencePairs]:
    """The train and test :class:`SequencePairs` of the bottleneck experiment; no source is in both."""
    from .. import data as _data
    from ..data.splits import split_pairs

    cfg = _config(settings)
    task = getattr(_data, cfg.task)
    pairs = task(cfg.n_train + cfg.n_test, seed=cfg.data_seed, **cfg.task_kwargs)
    return split_pairs(pairs, cfg.n_test, seed=cfg.data_seed)


def make_bottleneck_model(
    decoder_cls: Callable[..., nn.Module] = Decoder,
    settings: BottleneckConfig | Mapping[str, Any] | None = None,
    **decoder_kwargs: Any,
) -> Seq2Seq:
    """Build the bottleneck experiment's :class:`Seq2Seq` with ``decoder_cls`` as the decoder.

    ``torch.manual_seed(settings.seed)`` is set first, so two calls give identical
    encoders. ``decoder_cls(vocab_size, embedding_dim, hidden_size, cell=..., num_layers=...,
    **decoder_kwargs)`` is how the decoder is built.
    """
    cfg = _config(settings)
    if not callable(decoder_cls):
        raise TypeError(
            f"decoder_cls must be a decoder class such as Decoder or LuongAttentionDecoder; got "
            f"{type(decoder_cls).__name__}."
        )
    torch.manual_seed(cfg.seed)
    encoder = Encoder(cfg.vocab_size, cfg.embedding_dim, cfg.hidden_size, cell=cfg.cell, num_layers=cfg.num_layers)
    decoder = decoder_cls(
        cfg.vocab_size, cfg.embedding_dim, cfg.hidden_size, cell=cfg.cell, num_layers=cfg.num_layers, **decoder_kwargs
    )
    return Seq2Seq(encoder, decoder, teacher_forcing_ratio=cfg.teacher_forcing_ratio)


def run_bottleneck(
    decoder_cls: Callable[..., nn.Module] = Decoder,
    settings: BottleneckConfig | Mapping[str, Any] | None = None,
    *,
    device: Any = None,
    progress: bool = False,
    **decoder_kwargs: Any,
) -> dict[str, Any]:
    """Train and evaluate the bottleneck experiment once; return model, losses and accuracy by length.

    Returns ``{"model", "losses", "by_length", "test": evaluate_seq2seq(...)}``. For
    several seeds at once see :func:`dlcourse.seq2seq.train_seed_stack`.
    """
    cfg = _config(settings)
    check_type(progress, "progress", bool)
    train, test = bottleneck_data(cfg)
    model = make_bottleneck_model(decoder_cls, cfg, **decoder_kwargs)
    if device is not None:
        model = model.to(device)
    losses = train_seq2seq(
        model, train, steps=cfg.steps, batch_size=cfg.batch_size, lr=cfg.lr, seed=cfg.seed,
        clip=cfg.clip, progress=progress,
    )
    return {
        "model": model,
        "losses": losses,
        "by_length": accuracy_by_length(model, test),
        "test": evaluate_seq2seq(model, test),
    }
