"""Composition: an interest profile scores every catalogue item (tags -> one score per item).

- ``"single"`` (the seed design): one vector, ``composed = normalise(Σ w⁺·v⁺ − Σ w⁻·v⁻)``
  (:meth:`~core.interests.profile.InterestProfile.composed_vector`) and ``score = item_vectors @ composed``.
- ``"multi"`` (PinnerSage / ComiRec style): each positive tag retrieves its ``k`` nearest items from
  the index; an item's score is ``Σ_t (w_t / Σw) · (RRF_C + 1) / (RRF_C + 1 + rank_t(item))`` over the
  tags that retrieved it (a reciprocal-rank merge), so items that several interests agree on rise, and
  every interest brings its own neighbourhood instead of one averaged point between them. Items no
  tag retrieved get :data:`MULTI_FLOOR` (0.0).
- Both modes then subtract the **negative penalty**: for each negative tag, an item's similarity is
  standardised over the catalogue, ``z = (sim - median) / std``; items with ``z > NEG_Z0`` are
  penalised ``w⁻/negative_scale · NEG_STRENGTH · min(1, (z - NEG_Z0) / (NEG_Z1 - NEG_Z0))``,
  so items clearly near an unwanted theme fall to the bottom, while items merely unrelated to it are
  untouched.

:func:`rank` cuts a score array to the top ``k``; :func:`whole_text_scores` is the baseline that embeds
the whole text as one query (no decomposition).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from core.common.errors import InterestLensError
from core.interests.profile import InterestProfile, InterestTag, ItemIndex, TextEncoder
from core.interests.text import normalise, strip_markup

MULTI_FLOOR = 0.0
"""Score of items that no positive tag retrieved in ``multi`` mode."""
NEG_Z0 = 1.0
NEG_Z1 = 2.0
NEG_STRENGTH = 1.0
NEG_EXCLUDE = 0.5
"""In ``multi`` mode items with a negative penalty >= this are not retrieved at all (so the k
neighbours of each tag are k *acceptable* items, not k items of which many are then pushed down)."""
RRF_C = 20.0
"""Reciprocal-rank constant of the ``multi`` merge: a tag's r-th neighbour (0-based) adds
``(RRF_C + 1) / (RRF_C + 1 + r)`` times the tag's weight share."""

Mode = Literal["single", "multi"]

def negative_penalty(profile: InterestProfile, item_vectors: np.ndarray) -> np.ndarray:
    """Per-item penalty (float64, >= 0) for closeness to the profile's negative tags (module docstring)."""
    pen = np.zeros(len(item_vectors), dtype=np.float64)
    scale = profile.negative_scale if profile.negative_scale > 0 else 1.0
    for tag in profile.negative():
        if tag.vector is None or tag.weight <= 0:
            continue
        sims = np.asarray(item_vectors, dtype=np.float32) @ np.asarray(tag.vector, dtype=np.float32)
        sims = sims.astype(np.float64)
        std = float(sims.std())
        if std <= 1e-9:
            continue
        z = (sims - float(np.median(sims))) / std
        ramp = np.clip((z - NEG_Z0) / (NEG_Z1 - NEG_Z0), 0.0, 1.0)
        pen += min(1.0, float(tag.weight) / scale) * NEG_STRENGTH * ramp
    return pen


def score_items(
    profile: InterestProfile,
    item_vectors: np.ndarray,
    mode: Mode = "single",
    item_index: ItemIndex | None = None,
    k: int = 200,
) -> np.ndarray:
    """Score every item for the profile: float64 ``(n_items,)``, higher is better, finite.

    ``single``: cosine to :meth:`InterestProfile.composed_vector`; ``multi``: per-positive-tag
    neighbours (``k`` each, from ``item_index`` or exact search) merged by tag weight, items not
    retrieved get :data:`MULTI_FLOOR`. Both subtract :func:`negative_penalty`. A profile with no
    positive tag scores ``-penalty`` (everything else ties at 0).
    """
    vectors = np.asarray(item_vectors, dtype=np.float32)
    n = len(vectors)
    if mode not in ("single", "multi"):
        raise InterestLensError(f"Unknown composition mode '{mode}': use 'single' or 'multi'.")
    base = np.zeros(n, dtype=np.float64)
    positives = [t for t in profile.positive() if t.vector is not None and t.weight > 0]
    if n and positives:
        if mode == "single":
            composed = profile.composed_vector()
            if composed is not None:
                base = (vectors @ composed).astype(np.float64)
        else:
            penalty = negative_penalty(profile, vectors)
            excluded = np.flatnonzero(penalty >= NEG_EXCLUDE)
            multi: np.ndarray = _multi_scores(positives, vectors, item_index, k, excluded) - penalty
            return multi
    if n == 0:
        return base
    out: np.ndarray = base - negative_penalty(profile, vectors)
    return out


def _multi_scores(
    tags: Sequence[InterestTag], vectors: np.ndarray, item_index: ItemIndex | None, k: int, excluded: np.ndarray
) -> np.ndarray:
    n = len(vectors)
    k = max(1, min(int(k), n - len(excluded)))
    q = np.stack([np.asarray(t.vector, dtype=np.float32) for t in tags])
    if item_index is not None:
        ids, sims = item_index.query(q, k, exclude=excluded.tolist() if len(excluded) else None)
    else:
        all_sims = q @ vectors.T
        if len(excluded):
            all_sims[:, excluded] = -np.inf
        ids = np.argpartition(-all_sims, k - 1, axis=1)[:, :k]
        sims = np.take_along_axis(all_sims, ids, axis=1)
        order = np.argsort(-sims, axis=1, kind="stable")
        ids, sims = np.take_along_axis(ids, order, axis=1), np.take_along_axis(sims, order, axis=1)
    total = sum(float(t.weight) for t in tags)
    out = np.full(n, MULTI_FLOOR, dtype=np.float64)
    for row, tag in enumerate(tags):
        valid = (ids[row] >= 0) & np.isfinite(sims[row])
        rid = np.asarray(ids[row][valid], dtype=np.int64)
        contrib = (RRF_C + 1.0) / (RRF_C + 1.0 + np.arange(len(rid), dtype=np.float64))
        out[rid] += float(tag.weight) / total * contrib
    return out


def whole_text_scores(text: str, encoder: TextEncoder, item_vectors: np.ndarray) -> np.ndarray:
    """Baseline: cosine of every item to the embedding of the whole (normalised) text."""
    clean = normalise(strip_markup(text)[0])
    vec = np.asarray(encoder.encode([clean or " "]), dtype=np.float32)[0]
    scores: np.ndarray = (np.asarray(item_vectors, dtype=np.float32) @ vec).astype(np.float64)
    return scores
