"""``gist``: the whole typed text against item text vectors, as one smooth cosine score.

Decomposition keeps the whole text (negated parts removed) as a **gist** tag
(:mod:`core.interests.decompose`). The semantic channel merges it with the other tags by their
neighbour lists; this channel scores it on its own: the cosine of every item to the gist vector (the
weighted mean of the profile's wanted gist tags, renormalised). So fusion can weigh "what the text says
as a whole" against the named items, attributes and phrases, and a typed profile can always fall back
to the whole-text ranking — the baseline real people's words are measured against
(``bench/results/bench_typed.md``: the "gist tags only" row against "whole text").

The gist text leaves the negated parts out; subtracting the avoided tags' penalty as the semantic channel
does (:func:`core.interests.composition.negative_penalty`) is an option (``penalise_negatives``). A profile
without a wanted gist tag (the gist was removed, or the text named one thing only) is not scored
(reason ``no_gist``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np

from core.interests.composition import negative_penalty
from core.ranking.base import (
    ChannelContext,
    Evidence,
    as_item_vectors,
    clean_scores,
    ensure_applicable,
    tag_kind,
    unit_vector,
)
from core.ranking.channels.semantic import as_profile
from core.ranking.query import ProfileLike, Query, positive_tags


@dataclass(frozen=True)
class GistParams:
    """``penalise_negatives``: also subtract the avoided tags' penalty (as the semantic channel does). Off by
    default: the gist already leaves the negated parts out, the semantic and graph channels push avoided
    themes down, and on INSPIRED ``dev`` the extra penalty cost Recall@10 (default fusion 0.058 -> 0.043)."""

    penalise_negatives: bool = False


class GistChannel:
    """The whole typed text vs item text vectors (cosine)."""

    name: ClassVar[str] = "gist"
    default_weight: ClassVar[float] = 1.0
    Params: ClassVar[type[GistParams]] = GistParams

    def __init__(self, params: GistParams | None = None, **knobs: Any) -> None:
        self.params = params or GistParams(**knobs)

    def fit(self, ctx: ChannelContext) -> Self:
        """Keep the (unit-norm) item vectors."""
        self.item_vectors_ = as_item_vectors(ctx.item_vectors, ctx.dataset.n_items)
        self.n_items_ = ctx.dataset.n_items
        return self

    def why_not(self, query: Query) -> str | None:
        """Needs item vectors and a wanted gist tag with a vector of the items' dimension."""
        if not hasattr(self, "n_items_"):
            return "not_fitted"
        if self.item_vectors_ is None:
            return "no_item_vectors"
        if query.profile is None:
            return "no_profile"
        if gist_vector(query.profile, self.item_vectors_.shape[1]) is None:
            return "no_gist"
        return None

    def score(self, queries: list[Query]) -> np.ndarray:
        """One row per query: cosine of every item to the query's gist vector."""
        ensure_applicable(self, queries)
        assert self.item_vectors_ is not None
        dim = self.item_vectors_.shape[1]
        out = np.zeros((len(queries), self.n_items_), dtype=np.float64)
        for i, query in enumerate(queries):
            vec = gist_vector(query.profile, dim)
            assert vec is not None and query.profile is not None  # ensure_applicable checked both
            out[i] = (self.item_vectors_ @ vec).astype(np.float64)
            if self.params.penalise_negatives:
                out[i] -= negative_penalty(as_profile(query.profile), self.item_vectors_)
        return clean_scores(out)

    def explain(self, query: Query, item: int) -> Evidence | None:
        """The gist's text (what the person wrote, as a whole)."""
        if query.profile is None:
            return None
        tags = [t for t in positive_tags(query.profile) if tag_kind(t) == "gist"]
        return Evidence("gist", {"tag": str(tags[0].text)}) if tags else None


def gist_vector(profile: ProfileLike | None, dim: int) -> np.ndarray | None:
    """The weight-averaged, unit-norm vector of the profile's wanted gist tags (float32), or None."""
    if profile is None:
        return None
    acc = np.zeros(dim, dtype=np.float64)
    found = False
    for tag in positive_tags(profile):
        if tag_kind(tag) != "gist" or tag.vector is None:
            continue
        vec = np.asarray(tag.vector, dtype=np.float64).ravel()
        if vec.shape[0] != dim:
            continue
        acc += max(float(tag.weight), 1e-12) * vec
        found = True
    return unit_vector(acc) if found else None
