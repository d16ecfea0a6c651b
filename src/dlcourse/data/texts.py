"""Small texts written for the book and shipped with the package (no download).

``lighthouse``: *The Keeper of the North Light*, an original short story of about 6 KB
in plain English, written for the character-level language model of chapter 6.
"""
from __future__ import annotations

from importlib import resources

from .._validation import check_choice

__all__ = ["TEXTS", "load_text"]

TEXTS = {"lighthouse": "lighthouse.txt"}


def load_text(name: str = "lighthouse") -> str:
    """Return the shipped text ``name`` as one string (UTF-8, ``\\n`` line ends).

    Example
    -------
    >>> load_text("lighthouse").splitlines()[0]
    'The Keeper of the North Light'
    """
    check_choice(name, "name", TEXTS)
    return resources.files("dlcourse.data").joinpath("files", TEXTS[name]).read_text(encoding="utf-8")
