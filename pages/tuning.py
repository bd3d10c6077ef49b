"""Tuning page: channel-weight sliders, the fused list, contributions, what-if ranks, reasons, rank movement,
one item's detail and named weight presets.

The query (user and/or typed interests) is chosen outside the fragment; everything that reacts to a
slider lives in one ``@st.fragment``, so a slider move reruns only that part, and ``Engine.recommend``
only re-weights the channel scores it cached for the query. The controls are :mod:`ui.tuning_panels`.

State (:mod:`ui.state`): the weights are the shared ``FusionState.config`` (the Interests page ranks with
them too) and are mirrored into the URL (a reload keeps them), the user is ``FusionState.user_id`` — none
until the analyst picks one, so the page starts with the Interests page's list. With "use the Interests page's
interests" on, the query is the Interests page's (same profile, composition and history mix), so both pages
show the same list; interests typed here are mixed with a picked user's history the same way. When a user is
picked the page says how much of the list comes from the history (:func:`ui.tuning_views.history_mix`). The
list shown is stored as ``RankedList`` for the Map. Widget keys start with ``tuning_``.
"""

from __future__ import annotations

import dataclasses
import time

import streamlit as st

from core.common.errors import InterestLensError
from core.engine import Engine
from core.interests.profile import InterestProfile
from core.ranking.config import FusionConfig
from core.ranking.query import Query
from core.ranking.ranker import Recommendation
from ui import state
from ui.i18n import current_lang, t
from ui.ranking import effective_profile, recommend
from ui.reasons import records as reason_records
from ui.resources import ensure_ready, get_dataset, get_engine
from ui.safe import md_escape
from ui.shell import ensure_app_shell
from ui.tuning_panels import controls_panel, refused_panel, sync_url, weights_problem, widget_config
from ui.tuning_views import (
    RankMemory,
    contribution_chart,
    detail_rows,
    history_mix,
    mix_lines,
    remember,
    results_columns,
    results_frame,
    tags_text,
)
from ui.widgets import user_picker

ensure_app_shell()

MEMORY = "tuning_memory"


def _mix_panel(engine: Engine, query: Query, rec: Recommendation, config: FusionConfig,
               profile: InterestProfile | None, typed: bool) -> None:
    """How the picked user's history and the typed interests make up the list (nothing without a user)."""
    if query.user_id is None:
        st.caption(t("tuning.mix.none"))
        return
    mix = history_mix(rec, config, profile, typed, len(engine.seen_items(query.user_id)))
    lang = current_lang()
    lines = mix_lines(mix, lambda key, **fmt: t(key, lang, **fmt))
    # the lines are catalogue sentences with numbers and channel labels; escaped all the same
    st.info(t("tuning.mix.title", user=md_escape(query.user_id)) + "\n\n"
            + "\n".join(f"- {md_escape(line)}" for line in lines))


def _detail_panel(rec: Recommendation, records: list[dict[str, object]], config: FusionConfig) -> None:
    """One listed item: its whole reason and, per weighted channel, its contribution and its rank without it."""
    titles = [f"{int(r)}. {rec_title}" for r, rec_title in zip(rec.result.rank, (str(x["title"]) for x in records),
                                                                  strict=True)]
    row = st.selectbox(t("tuning.detail.pick"), list(range(len(titles))), key="tuning_detail",
                       format_func=lambda i: titles[i] if 0 <= i < len(titles) else "", placeholder=t("app.choose_one"))
    if row is None or not 0 <= int(row) < len(records):
        return
    st.markdown(md_escape(str(records[int(row)]["reason"])))
    st.dataframe(detail_rows(rec, int(row), config, t), hide_index=True, key="tuning_detail_table", width="stretch")


@st.fragment
def tuning_panel(engine: Engine, query: Query | None, profile: InterestProfile | None, typed: bool) -> None:
    """Sliders + the fused list; reruns alone when a control inside it changes. Without a query the sliders and
    presets are drawn all the same (weights can be set and presets loaded before anything is ranked)."""
    dataset = engine.dataset
    config = widget_config()
    problem = weights_problem(config)
    if problem is not None:  # refused weights rank nothing and are not shared with the other pages
        refused_panel(problem, dataset.fingerprint)
        return
    k = int(st.session_state.get("tuning_k", 20))
    sync_url(config, k)
    fusion = dataclasses.replace(state.get_fusion(), config=config)
    state.set_fusion(fusion)
    if query is None:
        controls, output = st.columns([1, 2.6], gap="large")
        with controls:
            controls_panel({}, dataset.fingerprint)
        with output:
            st.info(t("tuning.need_query"))
        return
    started = time.perf_counter()
    rec = recommend(engine, query, fusion, k)
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
        _mix_panel(engine, query, rec, config, profile, typed)
        if not len(rec.result.items):
            st.info(t("tuning.no_results"))
            return
        st.caption(t("tuning.timing", n=f"{dataset.n_items:,}", ms=f"{elapsed_ms:.1f}"))
        records = reason_records(rec, dataset, current_lang())
        st.plotly_chart(contribution_chart(rec, [r["title"] for r in records], t), key="tuning_chart",
                        config={"displayModeBar": False})
    # the table spans the page: the reason and every "without …" column stay readable
    frame = results_frame(rec, records, moves, t, config)
    st.dataframe(frame, hide_index=True, key="tuning_table", width="stretch", column_config=results_columns(frame, t))
    st.caption(t("tuning.whatif"))
    with st.expander(t("tuning.detail.title"), expanded=False):
        _detail_panel(rec, records, config)


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


def _alpha(user: str | None) -> None:
    """The history share slider (shared with the Interests page's), shown when a user is picked."""
    interests = state.get_interests()
    if user is None:
        return
    st.session_state.setdefault("tuning_alpha", float(interests.alpha))
    alpha = st.slider(t("interests.alpha"), 0.0, 1.0, step=0.05, key="tuning_alpha", help=t("interests.alpha_help"))
    if float(alpha) != float(interests.alpha):
        state.set_interests(dataclasses.replace(interests, alpha=float(alpha)))
        st.session_state.pop("interests_alpha", None)  # the Interests page's slider follows


def _query(engine: Engine, user: str | None) -> tuple[Query | None, InterestProfile | None, bool]:
    """The Interests page's query when its interests are used, else this page's user and typed text (mixed with
    the user's history the same way); its profile, and whether it has typed interests."""
    interests = state.get_interests()
    typed: InterestProfile | None
    if interests.profile is not None and st.toggle(t("tuning.use_page_interests"), value=True,
                                                   key="tuning_use_page_profile"):
        typed = interests.profile
        composition = interests.composition
    else:
        try:
            typed = _typed_profile(engine)
        except InterestLensError as exc:
            st.error(md_escape(exc))
            typed = None
        composition = None
    _alpha(user)
    # typed interests are mixed with the user's history interests as on the Interests page; a user alone is
    # ranked from the history by the channels that read it
    profile = (effective_profile(engine, dataclasses.replace(state.get_interests(), profile=typed), user)
               if typed is not None else None)
    if typed is not None:
        st.text(t("tuning.tags", tags=tags_text(typed.tags)))
    if user is None and profile is None:
        return None, None, False
    query = Query(user_id=user, profile=profile, composition=composition)
    return query, profile, bool(typed is not None and typed.tags)


def main() -> None:
    """Draw the page."""
    st.header(t("tuning.header"))
    st.caption(t("tuning.intro"))
    dataset = get_dataset()
    engine = ensure_ready(get_engine(dataset))
    left, right = st.columns([1, 2])
    with left:
        user = user_picker(dataset, "tuning_user", "tuning")  # no user until the analyst picks one
    with right:
        query, profile, typed = _query(engine, user)
    tuning_panel(engine, query, profile, typed)


main()
