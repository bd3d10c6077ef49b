"""``semantic``: typed interests against item text vectors.

Two compositions (``Params.mode``, or per query ``Query.composition``), both implemented once in
:func:`core.interests.composition.score_items` (the profile's own scoring):

- ``single``: cosine of every item to the profile's composed vector;
- ``multi``: one neighbour list per positive tag (the engine's HNSW index when available, exact
  search otherwise), merged by tag weight, so a profile of two unrelated interests gets items of both.

Both subtract the penalty of the avoided (negative) tags.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Self

import numpy as np

from core.common.errors import ConfigError
from core.interests.composition import score_items
from core.interests.profile import InterestProfile, InterestTag
from core.ranking.base import (
    ChannelContext,
    Evidence,
    as_item_vectors,
    clean_scores,
    ensure_applicable,
    unit_vector,
)
from core.ranking.query import ProfileLike, Query, positive_tags


@dataclass(frozen=True)
class SemanticParams:
    """``mode``: how tags are composed unless the query says otherwise."""

    mode: Literal["single", "multi"] = "multi"


class SemanticChannel:
    """Typed interests vs item text vectors (cosine)."""

    name: ClassVar[str] = "semantic"
    default_weight: ClassVar[float] = 1.0
    Params: ClassVar[type[SemanticParams]] = SemanticParams

    def __init__(self, params: SemanticParams | None = None, **knobs: Any) -> None:
        self.params = params or SemanticParams(**knobs)
        if self.params.mode not in ("single", "multi"):
            raise ConfigError(f"semantic mode must be 'single' or 'multi', not {self.params.mode!r}")

    def fit(self, ctx: ChannelContext) -> Self:
        """Keep the (unit-norm) item vectors and the neighbour index over them."""
        self.item_vectors_ = as_item_vectors(ctx.item_vectors, ctx.dataset.n_items)
        self.item_index_ = ctx.item_index
        self.n_items_ = ctx.dataset.n_items
        return self

    def why_not(self, query: Query) -> str | None:
        """Needs item vectors and a profile with at least one tag vector."""
        if not hasattr(self, "n_items_"):
            return "not_fitted"
        if self.item_vectors_ is None:
            return "no_item_vectors"
        if query.profile is None or not list(query.profile.tags):
            return "no_profile"
        profile = query.profile
        if not any(t.vector is not None for t in profile.tags) and profile.composed_vector() is None:
            return "profile_without_vectors"
        return None

    def score(self, queries: list[Query]) -> np.ndarray:
        """One row per query: :func:`~core.interests.composition.score_items` in the query's composition."""
        ensure_applicable(self, queries)
        assert self.item_vectors_ is not None
        out = np.zeros((len(queries), self.n_items_), dtype=np.float64)
        for i, query in enumerate(queries):
            assert query.profile is not None
            mode = query.composition or self.params.mode
            out[i] = score_items(as_profile(query.profile), self.item_vectors_, mode, self.item_index_)
        return clean_scores(out)

    def explain(self, query: Query, item: int) -> Evidence | None:
        """The positive tag whose vector is closest to the item."""
        if query.profile is None or self.item_vectors_ is None:
            return None
        best, best_sim = None, -np.inf
        for tag in positive_tags(query.profile):
            vec = unit_vector(np.asarray(tag.vector)) if tag.vector is not None else None
            if vec is None or vec.shape[0] != self.item_vectors_.shape[1]:
                continue
            sim = float(self.item_vectors_[item] @ vec)
            if sim > best_sim:
                best, best_sim = tag, sim
        return Evidence("semantic", {"tag": str(best.text)}) if best is not None else None


def as_profile(profile: ProfileLike) -> InterestProfile:
    """The interests stage's profile class (a profile built elsewhere is copied tag by tag)."""
    if isinstance(profile, InterestProfile):
        return profile
    tags = [InterestTag(text=str(t.text), weight=float(t.weight), polarity=int(t.polarity), vector=t.vector)
            for t in profile.tags]
    return InterestProfile(text="", tags=tags, language="en")
