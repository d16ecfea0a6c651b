"""Date normalisation: a small, realistic translation task generated offline (chapter 9).

A source is a date written the way people write it, in one of several formats; the
target is the same date in ISO 8601 form, character by character::

    "25 June 2009"   -> "2009-06-25"
    "June 25th, 09"  -> "2009-06-25"
    "2009/06/25"     -> "2009-06-25"
    "25.06.2009"     -> "2009-06-25"
    "Jun 25, 2009"   -> "2009-06-25"

Like translation, the output length differs from the input length, the order of the
parts changes (day-month-year becomes year-month-day), a word maps to digits
("June" -> "06"), and some information must be inferred (the century of "09": years
are drawn from 1950-2049, so a two-digit year ``yy < 50`` means ``20yy``).

Tokens are characters: ids 0, 1, 2 are ``PAD``, ``SOS``, ``EOS`` as in
:mod:`dlcourse.data.sequences`, then one id per character of :data:`DATE_CHARS`.
"""
from __future__ import annotations

import datetime as _dt
import numbers
from typing import Any, Callable, Sequence

import numpy as np

from .._validation import check_int
from .sequences import EOS, N_SPECIAL, PAD, SOS, SequencePairs

__all__ = [
    "MONTHS",
    "DATE_FORMATS",
    "DATE_CHARS",
    "DATE_VOCAB_SIZE",
    "format_date",
    "encode_chars",
    "decode_chars",
    "date_task",
    "date_splits",
]

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    return str(day) + {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


DATE_FORMATS: dict[str, Callable[[_dt.date], str]] = {
    "d Month yyyy": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "Month dth, yy": lambda d: f"{MONTHS[d.month - 1]} {_ordinal(d.day)}, {d.year % 100:02d}",
    "yyyy/mm/dd": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    "dd.mm.yyyy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "Mon d, yyyy": lambda d: f"{MONTHS[d.month - 1][:3]} {d.day}, {d.year}",
}
"""The source formats, by name: each maps a :class:`datetime.date` to a string."""

DATE_CHARS = "".join(sorted(set("0123456789 ,./-" + "".join(MONTHS) + "stndrh")))
"""Every character a source or target can contain; character ``DATE_CHARS[i]`` has id ``3 + i``."""

DATE_VOCAB_SIZE = N_SPECIAL + len(DATE_CHARS)
"""Number of token ids of the date task (special tokens included)."""

_FIRST = _dt.date(1950, 1, 1)
#: The most date pairs one call draws (each a row of about 40 ids); the book uses a few thousand.
MAX_DATES = 10**6
_N_DAYS = (_dt.date(2049, 12, 31) - _FIRST).days + 1  # 36,524 dates from 1950 to 2049


def format_date(date: _dt.date, fmt: str) -> str:
    """Write ``date`` in the source format ``fmt`` (a key of :data:`DATE_FORMATS`).

    >>> format_date(_dt.date(2009, 6, 25), "Month dth, yy")
    'June 25th, 09'
    """
    if not isinstance(date, _dt.date):
        raise TypeError(
            f"date must be a datetime.date; got {type(date).__name__} ({date!r:.40}). "
            f"Pass e.g. datetime.date(2009, 6, 25)."
        )
    if fmt not in DATE_FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(map(repr, DATE_FORMATS))}; got {fmt!r}.")
    return DATE_FORMATS[fmt](date)


def encode_chars(text: str) -> list[int]:
    """Token ids of the characters of ``text`` (no ``SOS``/``EOS``).

    >>> decode_chars(encode_chars("2009-06-25"))
    '2009-06-25'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str of date characters; got {type(text).__name__} ({text!r:.40}).")
    ids = []
    for ch in text:
        index = DATE_CHARS.find(ch)
        if index < 0:
            raise ValueError(f"text may only contain the characters {DATE_CHARS!r}; got {ch!r} in {text!r}.")
        ids.append(N_SPECIAL + index)
    return ids


def _as_id(value: Any, name: str) -> int:
    """``value`` (a Python, NumPy or 0-d torch integer) as an ``int``; anything else is rejected."""
    if isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, bool):
        return int(value)
    if (hasattr(value, "is_floating_point") and getattr(value, "ndim", 1) == 0 and not value.is_floating_point()
            and not value.is_complex() and str(getattr(value, "dtype", "")) != "torch.bool"):
        return int(value)  # a 0-d integer tensor (iterating over a row of ids)
    raise TypeError(f"{name} must be an integer token id; got {type(value).__name__} ({value!r:.30}).")


def decode_chars(ids: Sequence[int]) -> str:
    """The string of token ids ``ids``; ``SOS`` is skipped and decoding stops at ``EOS``/``PAD``."""
    if isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__"):
        raise TypeError(f"ids must be a sequence of integer token ids; got {type(ids).__name__} ({ids!r:.40}).")
    values = [_as_id(t, f"ids[{k}]") for k, t in enumerate(ids)]
    out = []
    for i in values:
        if i == SOS:
            continue
        if i in (EOS, PAD):
            break
        if not N_SPECIAL <= i < DATE_VOCAB_SIZE:
            raise ValueError(f"ids must lie in 0..{DATE_VOCAB_SIZE - 1}; got {i}.")
        out.append(DATE_CHARS[i - N_SPECIAL])
    return "".join(out)


def _encode_rows(dates: Sequence[_dt.date], fmts: Sequence[str]) -> SequencePairs:
    import torch

    sources = [encode_chars(format_date(d, f)) for d, f in zip(dates, fmts)]
    targets = [encode_chars(d.isoformat()) for d in dates]
    n, width = len(sources), max(len(s) for s in sources)
    src = np.full((n, width), PAD, dtype=np.int64)
    tgt = np.full((n, 12), PAD, dtype=np.int64)  # SOS + 10 characters + EOS
    for row, (s, t) in enumerate(zip(sources, targets)):
        src[row, : len(s)] = s
        tgt[row, 0], tgt[row, 1:11], tgt[row, 11] = SOS, t, EOS
    return SequencePairs(
        src=torch.from_numpy(src),
        src_lengths=torch.tensor([len(s) for s in sources], dtype=torch.long),
        tgt=torch.from_numpy(tgt),
        tgt_lengths=torch.full((n,), 12, dtype=torch.long),
        vocab_size=DATE_VOCAB_SIZE,
    )


def _draw(rng: np.random.Generator, days: np.ndarray, formats: Sequence[str]) -> SequencePairs:
    dates = [_FIRST + _dt.timedelta(days=int(k)) for k in days]
    fmts = [formats[int(i)] for i in rng.integers(0, len(formats), size=len(days))]
    return _encode_rows(dates, fmts)


def _check_formats(formats: Sequence[str] | None) -> list[str]:
    formats = list(DATE_FORMATS) if formats is None else list(formats)
    unknown = [f for f in formats if f not in DATE_FORMATS]
    if not formats or unknown:
        raise ValueError(f"formats must be a non-empty list of {', '.join(map(repr, DATE_FORMATS))}; got {formats!r}.")
    return formats


def date_task(n: int, *, seed: int = 0, formats: Sequence[str] | None = None) -> SequencePairs:
    """``n`` random dates from 1950-2049, each written in a random format, with ISO targets.

    >>> pairs = date_task(3, seed=0)
    >>> pairs.tgt.shape, pairs.vocab_size == DATE_VOCAB_SIZE
    (torch.Size([3, 12]), True)
    """
    n = check_int(n, "n", minimum=1, maximum=MAX_DATES)
    seed = check_int(seed, "seed", minimum=0)
    formats = _check_formats(formats)
    rng = np.random.default_rng(seed)
    return _draw(rng, rng.integers(0, _N_DAYS, size=n), formats)


def date_splits(
    n_train: int, n_test: int, *, seed: int = 0, formats: Sequence[str] | None = None
) -> tuple[SequencePairs, SequencePairs]:
    """Train and test date pairs whose *calendar dates* never overlap.

    The 36,524 days of 1950-2049 are shuffled with ``seed``; the first ``n_test`` are the
    test dates (each once) and training rows are drawn from the others. A test date is
    therefore new to the model in every format, not only in the one it is shown in.
    """
    n_train = check_int(n_train, "n_train", minimum=1, maximum=MAX_DATES)
    n_test = check_int(n_test, "n_test", minimum=1, maximum=_N_DAYS - 1)
    seed = check_int(seed, "seed", minimum=0)
    formats = _check_formats(formats)
    rng = np.random.default_rng(seed)
    days = rng.permutation(_N_DAYS)
    test_days, train_pool = days[:n_test], days[n_test:]
    train = _draw(rng, rng.choice(train_pool, size=n_train, replace=True), formats)
    test = _draw(rng, test_days, formats)
    return train, test
