"""Size limits and renamed arguments of the sequence models (chapters 9-11), re-exported.

The sequence models check their size *before* building, so a mistyped
``num_layers=10**12`` raises at once instead of allocating layers until memory runs out.
Everything here lives in :mod:`dlcourse._validation` (one place for each check); this
module keeps the names importable for the modules that import them from here.
"""
from __future__ import annotations

from .._validation import (
    MAX_ELEMENTS,
    MAX_LAYERS,
    MAX_PARAMETERS,
    check_num_elements,
    check_num_layers,
    check_num_parameters,
    renamed,
)

__all__ = ["MAX_LAYERS", "MAX_PARAMETERS", "MAX_ELEMENTS", "check_num_layers", "check_num_parameters",
           "check_num_elements", "renamed"]
