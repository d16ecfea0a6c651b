r"""Attention: scores, weights, context vectors and alignment (chapter 10).

At every output step a decoder with attention compares its current state (the
*query*) with every encoder state (the *keys*), turns the comparisons into a
probability distribution (the *attention weights*) and reads out the weighted
average of the encoder states (the *values*): the *context vector*.

.. math::
    e_i = \operatorname{score}(q, k_i), \qquad
    \alpha = \operatorname{softmax}(e), \qquad
    c = \sum_{i=1}^{S} \alpha_i v_i

where :math:`q \in \mathbb{R}^{d_q}` is the query, :math:`k_i \in \mathbb{R}^{d_k}`
and :math:`v_i \in \mathbb{R}^{d_v}` the key and value of source position
:math:`i`, :math:`S` the number of source positions, :math:`e_i` the score,
:math:`\alpha_i` the weight and :math:`c` the context vector.

Contents

- Score functions with one calling convention, ``score(query, keys, **params)``:
  :func:`dot_score`, :func:`scaled_dot_score`, :func:`general_score`,
  :func:`additive_score`, :func:`location_score`.
- :func:`apply_mask` (:mod:`.masks`): the one mask convention of chapters 10 and 11 -
  boolean True = may attend (as :func:`torch.nn.functional.scaled_dot_product_attention`),
  floating point = added to the scores, and a query with no allowed key raises
  ``ValueError`` naming it instead of producing NaN.
- :func:`attention` (global attention, any score, optional mask) and
  :func:`local_attention` (Luong's local-p window with a Gaussian).
- :func:`softmax_saturation`: how peaked the softmax of dot-product scores gets as
  the dimension grows, with and without the :math:`1/\sqrt{d}` scaling.
- :class:`LuongAttentionDecoder` and :class:`BahdanauAttentionDecoder`: decoders
  with attention that plug into :class:`dlcourse.seq2seq.Seq2Seq`.

Shapes. A *single* query has one dimension fewer than the keys: ``query (..., d_q)``
with ``keys (..., S, d_k)`` gives scores ``(..., S)`` (a decoder step: ``(B, H)``
against ``(B, S, H)``). A *matrix* of queries has as many dimensions as the keys:
``query (..., T, d_q)`` gives scores ``(..., T, S)`` (the matrix form
:math:`\operatorname{softmax}(QK^\top)V`). Leading batch dimensions broadcast.
"""
from __future__ import annotations

from .core import attention, local_attention, softmax_saturation
from .decoders import BahdanauAttentionDecoder, LuongAttentionDecoder
from .masks import apply_mask
from .scores import SCORES, additive_score, dot_score, general_score, location_score, scaled_dot_score

__all__ = [
    "dot_score",
    "scaled_dot_score",
    "general_score",
    "additive_score",
    "location_score",
    "SCORES",
    "apply_mask",
    "attention",
    "local_attention",
    "softmax_saturation",
    "LuongAttentionDecoder",
    "BahdanauAttentionDecoder",
]
