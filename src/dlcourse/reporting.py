"""Named results a chapter quotes in its prose, stored in the notebook's outputs.

A chapter's text may report a number its code computed ("test accuracy 0.973").
To keep the text and the outputs from drifting apart, the code records the value
under a name, and the prose marks the number with that name in an HTML comment,
invisible in every renderer::

    record("mlp.test_acc", acc)                  # in a code cell
    ... reaches a test accuracy of 0.973<!--r:mlp.test_acc--> ...   # in markdown

``tools/prose_numbers.py`` (run by ``make test``) reads the executed notebook and
fails when a marked number is not the recorded value rounded to the digits the
prose shows. The stored output uses the same format as myst-nb's ``glue`` with
``display=False``: the book, JupyterLab and Colab show nothing for it.
"""
from __future__ import annotations

import math
import numbers
import re
from typing import Any

__all__ = ["record", "MIME_PREFIX", "KEY_PATTERN"]

#: The MIME prefix of a recorded value (myst-nb's glue prefix, hidden by the book).
MIME_PREFIX = "application/papermill.record/"
#: A result name: letters, digits, ``_``, ``.`` and ``-``, starting with a letter.
KEY_PATTERN = r"[A-Za-z][A-Za-z0-9_.\-]*"


def _plain(value: Any) -> float | int | str:
    """The value as a Python number or string (NumPy/torch scalars unwrapped)."""
    if hasattr(value, "item") and callable(value.item):
        try:
            value = value.item()
        except (TypeError, ValueError):
            pass
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        return value
    raise TypeError(
        f"value must be a real number (int, float, NumPy or torch scalar) or a string; "
        f"got {type(value).__name__}. Record one number per name, e.g. record('acc', float(acc))."
    )


def record(name: str, value: Any) -> float | int | str:
    """Store ``value`` under ``name`` in the current cell's outputs, invisibly.

    Parameters
    ----------
    name:
        The result's name, e.g. ``"mlp.test_acc"`` (letters, digits, ``_ . -``).
    value:
        A real number or a string. Record it in the unit the prose uses
        (a percentage as ``97.3``, not ``0.973``, if the text writes ``97.3%``).

    Returns
    -------
    The value as a plain Python number or string.

    Outside a notebook (no IPython kernel) nothing is displayed.

    Example
    -------
    >>> record("demo.answer", 42)
    42
    """
    if not isinstance(name, str) or not re.fullmatch(KEY_PATTERN, name):
        raise ValueError(
            f"name must be a string of letters, digits, '_', '.' or '-' starting with a letter; "
            f"got {name!r}. Use a name like 'mlp.test_acc'."
        )
    plain = _plain(value)
    if isinstance(plain, float) and not math.isfinite(plain):
        raise ValueError(f"value must be finite to be quoted in the text; got {plain!r} for {name!r}.")
    if "." not in name.strip("."):
        raise ValueError(
            f"name must be '<chapter-topic>.<what>', with a dot between topic and result; got {name!r}. "
            "Use a name like 'mlp.test_acc', so that names of different chapters cannot collide."
        )
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency of the book, not of the package
        return plain
    if get_ipython() is None:
        return plain
    display(
        {MIME_PREFIX + "text/plain": repr(plain)},
        raw=True,
        metadata={"scrapbook": {"name": name, "mime_prefix": MIME_PREFIX}},
    )
    return plain
