"""Kept for the modules that import :func:`renamed` from here (:mod:`dlcourse.transformer`).

Every size limit and the renamed-argument helper live in :mod:`dlcourse._validation`
(``check_num_layers``, ``check_num_parameters``, ``check_num_elements``, ``renamed``);
import them from there.
"""
from __future__ import annotations

from .._validation import renamed

__all__ = ["renamed"]
