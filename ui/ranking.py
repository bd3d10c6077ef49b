"""From typed page state to ranked lists: every list a page shows comes from ``Engine.recommend``.

The Interests page, the Tuning page and the Map build their :class:`~core.ranking.channels.Query` here
and rank it with the shared :class:`~ui.state.FusionState` (one ``FusionConfig``, item filter, user), so
the same typed profile with the same weights gives the same list on every page.
"""

from __future__ import annotations

import numpy as np

from core.engine import Engine
from core.interests.profile import InterestProfile, InterestTag
from core.ranking.query import Query
from core.ranking.ranker import Recommendation
from ui.resources import ensure_fitted
from ui.state import FusionState, InterestsState


def history_for(engine: Engine, user_id: str) -> list[InterestTag]:
    """The user's history interests (:meth:`core.engine.Engine.history_interests`), heaviest first."""
    return engine.history_interests(str(user_id))


def effective_profile(engine: Engine, interests: InterestsState, user_id: str | None) -> InterestProfile | None:
    """The typed profile, mixed with the user's history interests (share ``interests.alpha``) when a user is
    selected (:meth:`core.engine.Engine.profile_for`); None when there is nothing to search for."""
    return engine.profile_for(interests.profile, user_id, interests.alpha)


def interests_query(engine: Engine, interests: InterestsState, fusion: FusionState) -> Query | None:
    """The query of the Interests page: the effective profile, its composition mode and the shared user."""
    profile = effective_profile(engine, interests, fusion.user_id)
    if profile is None:
        return None
    return Query(user_id=fusion.user_id, profile=profile, composition=interests.composition)


def recommend(
    engine: Engine, query: Query, fusion: FusionState, k: int, *, explain: bool = True
) -> Recommendation:
    """The fused top-``k`` of ``query`` with the shared fusion configuration and item filter (deferred channels
    the weights use are fitted first, with progress on the page: :func:`ui.resources.ensure_fitted`)."""
    ensure_fitted(engine, fusion.config)
    return engine.recommend(query, fusion.config, k=k, item_filter=fusion.item_filter, explain=explain)


def fused_scores(engine: Engine, query: Query, fusion: FusionState) -> np.ndarray:
    """The fused score of every item for ``query`` (NaN for seen or filtered-out items), without MMR."""
    ensure_fitted(engine, fusion.config)
    return engine.fused_scores(query, fusion.config, fusion.item_filter)
