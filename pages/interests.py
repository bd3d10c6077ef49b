"""Interests page: typed text → weighted, grounded interest tags → composed recommendations.

The text is decomposed by the engine (``core.interests.decompose.decompose``: temperature and diversity knobs),
the tags are edited in a table (``core.interests.decompose.apply_table``), a weight chart shows wanted tags to the
right and avoided ones to the left, the recommendations come from ``core.interests.decompose.score_items`` (one
composed vector, or one neighbourhood per interest), and 👍 / 👎 on a result moves the tag weights
(``core.interests.feedback.apply_feedback``, pulled back toward the decomposed profile) and re-ranks at once.
For a chosen user, their history interests (``core.interests.history.history_interests``) are mixed in with a
slider (``core.interests.history.combine``).

Session state it writes for other pages: ``interest_profile`` (the :class:`InterestProfile` the
recommendations use: typed tags after edits and feedback, mixed with history when a user is chosen;
None when there is none). Its own keys start with ``interests_``: ``interests_work`` (dict: ``key``,
``original``, ``profile``, ``error``, ``version``), ``interests_results`` (the shown result rows).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core.common.errors import InterestLensError
from core.interests.decompose import InterestProfile, apply_table, set_weight
from core.interests.feedback import apply_feedback
from core.interests.history import combine, history_interests
from ui.i18n import CATALOGUE, current_lang, t
from ui.interests_views import (
    EXAMPLES,
    editor_rows,
    fill_missing_weights,
    history_rows,
    notice_text,
    profile_frame,
    recommend,
    result_records,
    signature,
    single_weight_edit,
    weight_chart,
)
from ui.resources import ensure_ready, get_dataset, get_engine
from ui.safe import md_escape
from ui.shell import ensure_app_shell

ensure_app_shell()

MAX_INPUT = 10_000
"""The text box accepts this much; decompose itself keeps the first 1,000 characters (with a notice)."""
DEFAULTS: dict[str, Any] = {
    "interests_text": EXAMPLES[0],
    "interests_temperature": 0.15,
    "interests_diversity": 0.3,
    "interests_max_tags": 8,
    "interests_mode": "single",
    "interests_k": 10,
    "interests_alpha": 0.5,
    "interests_user": None,
}


def _init_state() -> None:
    """Widget values, restored from ``interests_saved`` (Streamlit drops widget state on a page switch)."""
    saved = st.session_state.get("interests_saved") or {}
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, saved.get(key, value))


def _save_state() -> None:
    st.session_state["interests_saved"] = {k: st.session_state[k] for k in DEFAULTS if k in st.session_state}


def _use_example(text: str) -> None:
    st.session_state["interests_text"] = text


def _work() -> dict[str, Any]:
    work: dict[str, Any] = st.session_state["interests_work"]
    return work


def _set_profile(profile: InterestProfile | None) -> None:
    work = _work()
    work["profile"] = profile
    work["version"] = int(work.get("version", 0)) + 1


def _reset_edits() -> None:
    _set_profile(_work().get("original"))
    st.session_state.pop("interests_feedback_msg", None)


def _feedback(engine: Any, item: int, event: str, title: str) -> None:
    """on_click of 👍 / 👎: move the typed profile's weights toward / away from the item (core.interests.feedback)."""
    work = _work()
    profile = work.get("profile") or InterestProfile(text="", tags=[], language="unknown")
    updated = apply_feedback(profile, engine.item_vectors[item], event,  # type: ignore[arg-type]
                             original=work.get("original"), item_vectors=engine.item_vectors, item_label=title)
    _set_profile(updated)
    st.session_state["interests_feedback_msg"] = (event, title)


# --- sections -----------------------------------------------------------------------------------


def _input_section() -> None:
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.text_area(t("interests.input"), key="interests_text", max_chars=MAX_INPUT, height=110,
                     placeholder=t("interests.placeholder"), help=t("interests.input_help"))
        st.caption(t("interests.examples"))
        cols = st.columns(2)
        for i, example in enumerate(EXAMPLES):
            cols[i % 2].button(example, key=f"interests_ex_{i}", on_click=_use_example, args=(example,),
                               width="stretch")
    with right:
        st.slider(t("interests.temperature"), 0.02, 1.0, step=0.01, key="interests_temperature",
                  help=t("interests.temperature_help"))
        st.slider(t("interests.diversity"), 0.0, 1.0, step=0.05, key="interests_diversity",
                  help=t("interests.diversity_help"))
        st.slider(t("interests.max_tags"), 1, 12, step=1, key="interests_max_tags")


def _decomposed(engine: Any) -> dict[str, Any]:
    """The page's working state; the text is decomposed again only when it or a knob changed."""
    state = st.session_state
    text = str(state.get("interests_text") or "")
    temperature = float(state["interests_temperature"])
    diversity = float(state["interests_diversity"])
    max_tags = int(state["interests_max_tags"])
    key = (engine.key, text, temperature, diversity, max_tags)
    work = state.get("interests_work")
    if isinstance(work, dict) and work.get("key") == key:
        return work
    original: InterestProfile | None = None
    error: str | None = None
    if text.strip():
        try:
            original = engine.decompose(text, temperature=temperature, diversity=diversity, max_tags=max_tags)
        except InterestLensError as exc:
            error = str(exc)
    version = int(work.get("version", 0)) + 1 if isinstance(work, dict) else 0
    work = {"key": key, "original": original, "profile": original, "error": error, "version": version}
    state["interests_work"] = work
    state.pop("interests_feedback_msg", None)
    return work


def _notices(profile: InterestProfile) -> None:
    for code in profile.notices:
        message = notice_text(code, t, CATALOGUE)
        if code in ("ungrounded", "only_negative", "truncated"):
            st.warning(message)
        else:
            st.info(message)


def _tag_section(engine: Any, work: dict[str, Any]) -> None:
    profile: InterestProfile | None = work.get("profile")
    st.subheader(t("interests.tags"))
    if profile is None:
        return
    _notices(profile)
    frame = profile_frame(profile)
    table, chart = st.columns([1, 1], gap="large")
    with table:
        edited = st.data_editor(
            frame, key=f"interests_table_{work['version']}", num_rows="dynamic", hide_index=True,
            width="stretch", disabled=["grounded", "grounding", "source"],
            column_config={
                "text": st.column_config.TextColumn(t("interests.col.text"), required=True, max_chars=200),
                "weight": st.column_config.NumberColumn(t("interests.col.weight"), min_value=0.0, max_value=1.0,
                                                        step=0.01, format="%.3f",
                                                        help=t("interests.col.weight_help")),
                "polarity": st.column_config.SelectboxColumn(t("interests.col.polarity"), options=[1, -1],
                                                             help=t("interests.col.polarity_help")),
                "grounded": st.column_config.CheckboxColumn(t("interests.col.grounded"),
                                                            help=t("interests.col.grounded_help")),
                "grounding": st.column_config.NumberColumn(t("interests.col.grounding"), format="%.3f"),
                "source": st.column_config.TextColumn(t("interests.col.source")),
            },
        )
        rows, base = editor_rows(edited), editor_rows(frame)
        if signature(rows) != signature(base):
            try:
                updated = apply_table(profile, fill_missing_weights(rows, profile), engine.encoder,
                                      engine.item_vectors)
                pinned = single_weight_edit(base, rows)
                if pinned is not None and len(updated.tags) == len(rows):
                    updated = set_weight(updated, pinned[0], pinned[1])
            except InterestLensError as exc:
                st.error(t("interests.edit_error", error=md_escape(exc)))
            else:
                _set_profile(updated)
                st.rerun()
        st.caption(t("interests.table_help"))
        st.button(t("interests.reset"), key="interests_reset", on_click=_reset_edits,
                  disabled=profile is work.get("original"))
    with chart:
        if profile.tags:
            st.plotly_chart(weight_chart(profile, t("interests.chart_title"), t("interests.chart_axis"),
                                         t("interests.ungrounded_mark")),
                            key="interests_chart", config={"displayModeBar": False})
        ungrounded = [tag.text for tag in profile.tags if not tag.grounded]
        if ungrounded:
            st.warning(t("interests.ungrounded_tags", tags=md_escape("、".join(ungrounded))))


def _user_picker(dataset: Any) -> str | None:
    counts = dataset.interactions["user_id"].value_counts()
    options: list[str | None] = [None, *[str(u) for u in dataset.user_ids]]
    if st.session_state.get("interests_user") not in options:
        st.session_state["interests_user"] = None

    lang = current_lang()  # format functions may be called outside the script run (AppTest)

    def _label(user: str | None) -> str:
        if user is None:
            return t("interests.no_user", lang)
        return t("interests.user_option", lang, id=user, n=int(counts.get(user, 0)))

    picked: str | None = st.selectbox(t("interests.user"), options, key="interests_user", format_func=_label,
                                      help=t("interests.user_help"))
    return picked


def _history(engine: Any, user: str) -> list[Any]:
    cache: dict[tuple[str, str], list[Any]] = st.session_state.setdefault("interests_history_cache", {})
    key = (engine.key, user)
    if key not in cache:
        if len(cache) > 16:
            cache.clear()
        cache[key] = history_interests(engine.dataset, engine.item_vectors, user, documents=engine.documents)
    return cache[key]


def _history_section(engine: Any, typed: InterestProfile | None) -> tuple[str | None, InterestProfile | None]:
    """User picker, their history interests and the typed/history mix; returns (user, effective profile)."""
    st.subheader(t("interests.history"))
    user = _user_picker(engine.dataset)
    if user is None:
        return None, typed
    hist = _history(engine, user)
    if not hist:
        st.info(t("interests.no_history"))
        return user, typed
    rows = history_rows(engine.dataset, hist)
    st.dataframe(
        pd.DataFrame({
            t("interests.hcol.label"): [r["label"] for r in rows],
            t("interests.hcol.weight"): [r["weight"] for r in rows],
            t("interests.hcol.medoid"): [r["medoid"] for r in rows],
            t("interests.hcol.items"): [r["n_items"] for r in rows],
            t("interests.hcol.cohesion"): [r["cohesion"] for r in rows],
        }),
        hide_index=True, key="interests_history_table", width="stretch",
    )
    st.caption(t("interests.history_help"))
    alpha = st.slider(t("interests.alpha"), 0.0, 1.0, step=0.05, key="interests_alpha",
                      help=t("interests.alpha_help"))
    _save_state()
    return user, combine(typed, hist, float(alpha), text=typed.text if typed is not None else "")


def _results_section(engine: Any, user: str | None, profile: InterestProfile) -> None:
    st.subheader(t("interests.results"))
    left, right = st.columns([1, 1])
    with left:
        lang = current_lang()  # format functions may be called outside the script run (AppTest)
        mode = st.radio(t("interests.mode"), ["single", "multi"], key="interests_mode", horizontal=True,
                        format_func=lambda m: t(f"interests.mode.{m}", lang), help=t("interests.mode_help"))
    with right:
        k = st.slider(t("interests.k"), 5, 30, step=1, key="interests_k")
    _save_state()
    exclude = engine.seen_items(user) if user is not None else []
    top, scores = recommend(profile, engine.item_vectors, engine.item_index, mode, int(k), exclude)
    records = result_records(engine.dataset, top, scores)
    st.session_state["interests_results"] = records
    msg = st.session_state.pop("interests_feedback_msg", None)
    if msg:
        st.success(t(f"interests.feedback.{msg[0]}", title=md_escape(msg[1])))
    if not records:
        st.info(t("interests.no_results"))
        return
    if user is not None:
        st.caption(t("interests.seen_excluded", n=len(exclude)))
    for rec in records:
        text, like, dislike = st.columns([10, 1, 1], vertical_alignment="center")
        meta = " · ".join(md_escape(part) for part in (rec["category"], rec["tags"]) if part)
        text.markdown(f"**{rec['rank']}. {md_escape(rec['title'])}** — {meta} · `{rec['score']:.3f}`")
        item = rec["item_idx"]
        like.button("👍", key=f"interests_like_{item}", help=t("interests.like"),
                    on_click=_feedback, args=(engine, item, "like", rec["title"]))
        dislike.button("👎", key=f"interests_dislike_{item}", help=t("interests.dislike"),
                       on_click=_feedback, args=(engine, item, "dislike", rec["title"]))
    st.caption(t("interests.feedback_help"))


# --- page ---------------------------------------------------------------------------------------


def main() -> None:
    """Draw the page."""
    st.header(t("interests.header"))
    st.caption(t("interests.intro"))
    dataset = get_dataset()
    engine = ensure_ready(get_engine(dataset), channels=False)
    _init_state()
    _input_section()
    _save_state()
    work = _decomposed(engine)
    if work.get("error"):
        st.warning(t("interests.decompose_error", error=md_escape(work["error"])))
    elif work.get("original") is None:
        st.info(t("interests.empty"))
    _tag_section(engine, work)
    user, profile = _history_section(engine, work.get("profile"))
    if profile is None or not profile.tags:
        st.session_state["interest_profile"] = None
        st.info(t("interests.need_input"))
        return
    st.session_state["interest_profile"] = profile
    _results_section(engine, user, profile)


main()
