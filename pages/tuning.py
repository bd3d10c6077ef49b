"""Tuning page: channel-weight sliders, the fused list, contributions, what-if ranks, reasons, rank movement
and named weight presets.

The query (user and/or typed interests) is chosen outside the fragment; everything that reacts to a
slider lives in one ``@st.fragment``, so a slider move reruns only that part, and ``Engine.recommend``
only re-weights the channel scores it cached for the query. The controls are :mod:`ui.tuning_panels`.

State (:mod:`ui.state`): the weights are the shared ``FusionState.config`` (the Interests page ranks with
them too), the user is ``FusionState.user_id``; with "use the Interests page's interests" on, the query is
the Interests page's (same profile, composition and history mix), so both pages show the same list. The
list shown is stored as ``RankedList`` for the Map. Widget keys start with ``tuning_``.
"""

from __future__ import annotations

import dataclasses
import time

import streamlit as st

from core.common.errors import InterestLensError
from core.engine import Engine
from core.interests.profile import InterestProfile
from core.ranking.query import Query
from ui import state
from ui.i18n import current_lang, t
from ui.ranking import effective_profile, recommend
from ui.reasons import records as reason_records
from ui.resources import ensure_ready, get_dataset, get_engine
from ui.safe import md_escape
from ui.shell import ensure_app_shell
from ui.tuning_panels import controls_panel, refused_panel, weights_problem, widget_config
from ui.tuning_views import RankMemory, contribution_chart, remember, results_frame, tags_text
from ui.widgets import user_picker

ensure_app_shell()

MEMORY = "tuning_memory"


@st.fragment
def tuning_panel(engine: Engine, query: Query) -> None:
    """Sliders + the fused list; reruns alone when a control inside it changes."""
    dataset = engine.dataset
    config = widget_config()
    problem = weights_problem(config)
    if problem is not None:  # refused weights rank nothing and are not shared with the other pages
        refused_panel(problem, dataset.fingerprint)
        return
    fusion = dataclasses.replace(state.get_fusion(), config=config)
    state.set_fusion(fusion)
    started = time.perf_counter()
    rec = recommend(engine, query, fusion, int(st.session_state.get("tuning_k", 20)))
    elapsed_ms = (time.perf_counter() - started) * 1e3
    state.set_ranked(state.RankedList(query, rec.result.items, rec.result.score))
    memory = st.session_state.get(MEMORY)
    memory, moves = remember(memory if isinstance(memory, RankMemory) else None, query.key(), config,
                             rec.result.items.tolist())
    st.session_state[MEMORY] = memory

    controls, output = st.columns([1, 2.6], gap="large")
    with controls:
        controls_panel(rec.scores.dropped[0], dataset.fingerprint)
    with output:
        st.subheader(t("tuning.results"))
        if not len(rec.result.items):
            st.info(t("tuning.no_results"))
            return
        st.caption(t("tuning.timing", n=f"{dataset.n_items:,}", ms=f"{elapsed_ms:.1f}"))
        records = reason_records(rec, dataset, current_lang())
        st.plotly_chart(contribution_chart(rec, [r["title"] for r in records], t), key="tuning_chart",
                        config={"displayModeBar": False})
        st.dataframe(results_frame(rec, records, moves, t), hide_index=True, key="tuning_table", width="stretch")
        st.caption(t("tuning.whatif"))


def _typed_profile(engine: Engine) -> InterestProfile | None:
    """Interests typed on this page (kept across page switches), decomposed once per text."""
    if "tuning_interests" not in st.session_state:  # widget state is dropped while another page shows
        st.session_state["tuning_interests"] = st.session_state.get("tuning_interests_kept", "")
    text = st.text_input(t("tuning.interests_input"), key="tuning_interests", max_chars=500,
                         placeholder=t("tuning.interests_help")).strip()
    st.session_state["tuning_interests_kept"] = text
    if not text:
        return None
    cache: dict[tuple[str, str], InterestProfile] = st.session_state.setdefault("tuning_profiles", {})
    if (engine.key, text) not in cache:
        cache[(engine.key, text)] = engine.decompose(text)
    return cache[(engine.key, text)]


def _query(engine: Engine, user: str | None) -> Query | None:
    """The Interests page's query when its interests are used, else this page's user and typed text."""
    interests = state.get_interests()
    if interests.profile is not None and st.toggle(t("tuning.use_page_interests"), value=True,
                                                   key="tuning_use_page_profile"):
        profile = effective_profile(engine, interests, user)
        composition = interests.composition
    else:
        try:
            profile = _typed_profile(engine)
        except InterestLensError as exc:
            st.error(md_escape(exc))
            profile = None
        composition = None
    if profile is not None:
        st.text(t("tuning.tags", tags=tags_text(profile.tags)))
    if user is None and profile is None:
        return None
    return Query(user_id=user, profile=profile, composition=composition)


def main() -> None:
    """Draw the page."""
    st.header(t("tuning.header"))
    st.caption(t("tuning.intro"))
    dataset = get_dataset()
    engine = ensure_ready(get_engine(dataset))
    left, right = st.columns([1, 2])
    with left:
        first = str(dataset.user_ids[0]) if dataset.n_users else None
        user = user_picker(dataset, "tuning_user", "tuning", default=first)
    with right:
        query = _query(engine, user)
    if query is None:
        st.info(t("tuning.need_query"))
        return
    tuning_panel(engine, query)


main()
