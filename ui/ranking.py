"""From typed page state to ranked lists: every list a page shows comes from ``Engine.recommend``.

The Interests page, the Tuning page and the Map build their :class:`~core.ranking.channels.Query` here
and rank it with the shared :class:`~ui.state.FusionState` (one ``FusionConfig``, item filter, user), so
the same typed profile with the same weights gives the same list on every page.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

from core.engine import Engine
from core.interests.history import combine, history_interests
from core.interests.profile import InterestProfile, InterestTag
from core.ranking.query import Query
from core.ranking.ranker import Recommendation
from ui.state import FusionState, InterestsState


@st.cache_resource(show_spinner=False, max_entries=64)
def _history(_engine: Engine, engine_key: str, user_id: str) -> list[InterestTag]:
    return history_interests(_engine.dataset, _engine.item_vectors, user_id, documents=_engine.documents)


def history_for(engine: Engine, user_id: str) -> list[InterestTag]:
    """The user's history interests (``core.interests.history``), heaviest first; cached per engine and user."""
    return list(_history(engine, engine.key, str(user_id)))


def effective_profile(engine: Engine, interests: InterestsState, user_id: str | None) -> InterestProfile | None:
    """The typed profile, mixed with the user's history interests (share ``interests.alpha``) when a user is
    selected; None when there is nothing to search for."""
    typed = interests.profile
    profile = typed
    if user_id is not None:
        history = history_for(engine, user_id)
        if history:
            profile = combine(typed, history, interests.alpha, text=typed.text if typed is not None else "")
    return profile if profile is not None and profile.tags else None


def interests_query(engine: Engine, interests: InterestsState, fusion: FusionState) -> Query | None:
    """The query of the Interests page: the effective profile, its composition mode and the shared user."""
    profile = effective_profile(engine, interests, fusion.user_id)
    if profile is None:
        return None
    return Query(user_id=fusion.user_id, profile=profile, composition=interests.composition)


def recommend(
    engine: Engine, query: Query, fusion: FusionState, k: int, *, explain: bool = True
) -> Recommendation:
    """The fused top-``k`` of ``query`` with the shared fusion configuration and item filter."""
    return engine.recommend(query, fusion.config, k=k, item_filter=fusion.item_filter, explain=explain)


def fused_scores(engine: Engine, query: Query, fusion: FusionState) -> np.ndarray:
    """The fused score of every item for ``query`` (NaN for seen or filtered-out items), without MMR."""
    plain = dataclasses.replace(fusion, config=dataclasses.replace(fusion.config, mmr_lambda=1.0))
    n_items = engine.dataset.n_items
    result = recommend(engine, query, plain, n_items, explain=False).result
    out = np.full(n_items, np.nan)
    finite = np.isfinite(result.score)
    out[result.items[finite]] = result.score[finite]
    return out
