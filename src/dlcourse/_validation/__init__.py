"""Argument checks shared by every public function of :mod:`dlcourse`.

Each helper raises a :class:`TypeError` or :class:`ValueError` whose message
names the argument, says what was expected, shows what was received and, where
it helps, how to fix it, e.g.::

    ValueError: x must have shape (batch, seq_len, input_size) = (*, *, 8); got (4, 8).

Library code never uses a bare ``assert`` to validate user input: asserts
vanish under ``python -O`` and their messages are rarely helpful.

One module per concept, every name importable from :mod:`dlcourse._validation`:
:mod:`.arguments` (single values), :mod:`.arrays` (arrays, tensors, ids) and :mod:`.sizes`
(bounds on layers, parameters and array sizes). Add a helper to the module of its concept and
name it here.
"""
from __future__ import annotations

from .arguments import (
    check_choice,
    check_float,
    check_int,
    check_probability,
    check_type,
    renamed,
)
from .arrays import (
    as_float_array,
    as_real_array,
    check_class_ids,
    check_finite,
    check_ndim,
    check_shape,
    check_token_ids,
    format_shape,
    to_numpy,
)
from .sizes import (
    MAX_ELEMENTS,
    MAX_LAYERS,
    MAX_PARAMETERS,
    check_num_elements,
    check_num_layers,
    check_num_parameters,
)

__all__ = [
    "check_type",
    "check_int",
    "check_float",
    "check_probability",
    "check_choice",
    "check_shape",
    "check_ndim",
    "check_finite",
    "format_shape",
    "as_float_array",
    "check_token_ids",
    "to_numpy",
    "as_real_array",
    "check_num_layers",
    "check_num_parameters",
    "renamed",
    "MAX_LAYERS",
    "MAX_PARAMETERS",
    "check_num_elements",
    "MAX_ELEMENTS",
    "check_class_ids",
]
