"""Typed page state: small dataclasses in ``st.session_state`` with one getter and one setter each.

What travels between pages:

- :class:`InterestsState` (written by the Interests page): the typed text, the decomposition knobs, the
  composition mode, the history mix and the typed :class:`InterestProfile` after edits and feedback.
- :class:`FusionState` (written by the Interests and Tuning pages): the one :class:`FusionConfig` both pages
  rank with, the item filter and the selected user. Default: ``FusionConfig()``, no filter, no user.
- :class:`RankedList` (written by whichever page ranked last): the query and the ranked items, for the Map.

Page-local state that needs more than a widget value is typed here too (:class:`InterestsWork`, the Data
page's :class:`LoadOutcome`). Widget values themselves stay under their widget keys; Streamlit drops those
while another page shows, so each page copies them into its dataclass every run and puts them back from it
when the widget key is missing.

The feedback session id (:func:`feedback_session`) lives in the URL (``?fb=``) as well, so a reload of the
page finds the session's feedback in the workspace again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np
import streamlit as st

from core.interests.profile import InterestProfile
from core.ranking.config import FusionConfig
from core.ranking.fusion import ItemFilter
from core.ranking.query import Composition, Query
from ui.interests_views import EXAMPLES

COMPOSITIONS: tuple[Composition, ...] = ("single", "multi")

INTERESTS_KEY = "state_interests"
FUSION_KEY = "state_fusion"
RANKED_KEY = "state_ranked"
WORK_KEY = "state_interests_work"
FEEDBACK_KEY = "state_feedback_session"
LOAD_KEY = "state_data_load"
FEEDBACK_PARAM = "fb"
"""URL parameter that carries the feedback session id across reloads."""


@dataclass(frozen=True)
class InterestsState:
    """The Interests page's choices and the typed profile (tags after table edits and feedback)."""

    text: str = EXAMPLES[0]
    temperature: float = 0.15
    diversity: float = 0.3
    max_tags: int = 8
    composition: Composition = "single"
    k: int = 10
    alpha: float = 0.5
    """History share of the positive weight when a user is selected (``core.interests.history.combine``)."""
    profile: InterestProfile | None = None


@dataclass(frozen=True)
class FusionState:
    """How ranked lists are fused, for whom: shared by the Interests and Tuning pages (and the Map)."""

    config: FusionConfig = field(default_factory=FusionConfig)
    item_filter: ItemFilter | None = None
    user_id: str | None = None


@dataclass(frozen=True, eq=False)
class RankedList:
    """The last ranked list a page showed: its query, item indices (best first) and fused scores."""

    query: Query
    items: np.ndarray
    scores: np.ndarray


@dataclass(frozen=True)
class InterestsWork:
    """The Interests page's working profile for one decomposition of one text with one set of knobs.

    ``original`` is the decomposition, ``base`` the decomposition with the session's feedback replayed,
    ``profile`` the current one (``base`` plus table edits and new feedback); ``version`` changes whenever
    ``profile`` does (it keys the tag table, so the table is redrawn from the new profile).
    """

    key: tuple[str, str, float, float, int]
    original: InterestProfile | None = None
    base: InterestProfile | None = None
    profile: InterestProfile | None = None
    error: str | None = None
    version: int = 0
    n_feedback: int = 0
    """How many of the session's feedback events ``base`` replays."""
    raw: tuple[float, ...] | None = None
    """The weights the analyst typed in the tag table, one per tag of ``profile`` (None: none typed since the
    profile last changed otherwise; the table then shows each tag's share). ``profile``'s weights are these
    re-normalised per polarity, so an edit never rewrites the other numbers."""


@dataclass(frozen=True)
class LoadOutcome:
    """The Data page's last load: an error, or the success message and whether the workspace kept the data;
    and the validation report of each file (views from ``ui.data_views.report_view``)."""

    error: str | None = None
    reports: tuple[dict[str, Any], ...] = ()
    message: str | None = None
    saved: str | None = None
    saved_ok: bool = True


_T = TypeVar("_T")


def _get(key: str, kind: type[_T]) -> _T | None:
    value = st.session_state.get(key)
    return value if isinstance(value, kind) else None


def get_interests() -> InterestsState:
    """The Interests page's state (defaults in a new session)."""
    return _get(INTERESTS_KEY, InterestsState) or InterestsState()


def set_interests(state: InterestsState) -> None:
    """Store the Interests page's state."""
    st.session_state[INTERESTS_KEY] = state


def has_fusion() -> bool:
    """True once a page has stored a fusion state in this session."""
    return _get(FUSION_KEY, FusionState) is not None


def get_fusion() -> FusionState:
    """The shared fusion state (``FusionConfig()``, no filter, no user in a new session)."""
    return _get(FUSION_KEY, FusionState) or FusionState()


def set_fusion(state: FusionState) -> None:
    """Store the shared fusion state."""
    st.session_state[FUSION_KEY] = state


def get_ranked() -> RankedList | None:
    """The last ranked list a page showed, if any."""
    return _get(RANKED_KEY, RankedList)


def set_ranked(ranked: RankedList | None) -> None:
    """Store (or, with None, forget) the last ranked list."""
    st.session_state[RANKED_KEY] = ranked


def get_work() -> InterestsWork | None:
    """The Interests page's working profile, if one was built in this session."""
    return _get(WORK_KEY, InterestsWork)


def set_work(work: InterestsWork) -> None:
    """Store the Interests page's working profile."""
    st.session_state[WORK_KEY] = work


def get_load() -> LoadOutcome | None:
    """The Data page's last load, if any."""
    return _get(LOAD_KEY, LoadOutcome)


def set_load(outcome: LoadOutcome) -> None:
    """Store the Data page's last load."""
    st.session_state[LOAD_KEY] = outcome


def update_work(
    work: InterestsWork,
    profile: InterestProfile | None,
    *,
    base: InterestProfile | None = None,
    n_feedback: int | None = None,
    raw: tuple[float, ...] | None = None,
) -> None:
    """Store ``work`` with a new current profile (and, if given, a new base, feedback count and the typed table
    weights of ``profile``; without ``raw`` the table shows the new profile's shares)."""
    set_work(replace(work, profile=profile, version=work.version + 1, base=work.base if base is None else base,
                     n_feedback=work.n_feedback if n_feedback is None else n_feedback, raw=raw))


def feedback_session(create: bool = False) -> str | None:
    """This browser session's feedback id: from the session, else the URL (``?fb=``), else new if ``create``.

    The id is mirrored into the URL by :func:`keep_feedback_session_in_url`, so reloading the page keeps it.
    """
    current = _get(FEEDBACK_KEY, str)
    if current:
        return current
    from_url = st.query_params.get(FEEDBACK_PARAM)
    if from_url and from_url.isalnum() and len(from_url) <= 64:
        current = str(from_url)
    elif create:
        current = secrets.token_hex(8)
    else:
        return None
    st.session_state[FEEDBACK_KEY] = current
    return current


def keep_feedback_session_in_url() -> None:
    """Put the session's feedback id back into the URL (a page switch drops query parameters)."""
    current = _get(FEEDBACK_KEY, str)
    if current and st.query_params.get(FEEDBACK_PARAM) != current:
        st.query_params[FEEDBACK_PARAM] = current
