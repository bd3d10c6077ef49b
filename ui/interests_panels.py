"""Sections of the Interests page drawn with Streamlit: the tag editor with its weight chart, and the user
picker with the user's history interests. Helpers that only compute are in :mod:`ui.interests_views`.
"""

from __future__ import annotations

import streamlit as st

from core.common.errors import InterestLensError
from core.engine import Engine
from core.interests.editing import apply_table, set_weight
from ui import state
from ui.i18n import CATALOGUE, t
from ui.interests_views import (
    editor_rows,
    fill_missing_weights,
    history_frame,
    notice_text,
    profile_frame,
    signature,
    single_weight_edit,
    tag_columns,
    weight_chart,
)
from ui.ranking import history_for
from ui.safe import md_escape
from ui.widgets import user_picker


def _reset_edits() -> None:
    work = state.get_work()
    if work is not None:
        state.update_work(work, work.base)
    st.session_state.pop("interests_feedback_msg", None)


def tag_section(engine: Engine, work: state.InterestsWork) -> None:
    """Notices, the editable tag table (an edit updates the working profile and reruns) and the weight chart."""
    profile = work.profile
    st.subheader(t("interests.tags"))
    if profile is None:
        return
    for code in profile.notices:
        warn = code in ("ungrounded", "only_negative", "truncated")
        (st.warning if warn else st.info)(notice_text(code, t, CATALOGUE))
    frame = profile_frame(profile)
    table, chart = st.columns([1, 1], gap="large")
    with table:
        edited = st.data_editor(frame, key=f"interests_table_{work.version}", num_rows="dynamic", hide_index=True,
                                width="stretch", disabled=["grounded", "grounding", "source"],
                                column_config=tag_columns(t))
        rows, before = editor_rows(edited), editor_rows(frame)
        if signature(rows) != signature(before):
            try:
                updated = apply_table(profile, fill_missing_weights(rows, profile), engine.encoder,
                                      engine.item_vectors)
                pinned = single_weight_edit(before, rows)
                if pinned is not None and len(updated.tags) == len(rows):
                    updated = set_weight(updated, pinned[0], pinned[1])
            except InterestLensError as exc:
                st.error(t("interests.edit_error", error=md_escape(exc)))
            else:
                state.update_work(work, updated)
                st.rerun()
        st.caption(t("interests.table_help"))
        st.button(t("interests.reset"), key="interests_reset", on_click=_reset_edits,
                  disabled=profile is work.base)
    with chart:
        if profile.tags:
            st.plotly_chart(weight_chart(profile, t("interests.chart_title"), t("interests.chart_axis"),
                                         t("interests.ungrounded_mark")),
                            key="interests_chart", config={"displayModeBar": False})
        ungrounded = [tag.text for tag in profile.tags if not tag.grounded]
        if ungrounded:
            st.warning(t("interests.ungrounded_tags", tags=md_escape("、".join(ungrounded))))


def history_section(engine: Engine) -> None:
    """The shared user picker, the user's history interests and the typed/history mix slider."""
    st.subheader(t("interests.history"))
    user = user_picker(engine.dataset, "interests_user", "interests")
    if user is None:
        return
    history = history_for(engine, user)
    if not history:
        st.info(t("interests.no_history"))
        return
    st.dataframe(history_frame(engine.dataset, history, t), hide_index=True, key="interests_history_table",
                 width="stretch")
    st.caption(t("interests.history_help"))
    st.slider(t("interests.alpha"), 0.0, 1.0, step=0.05, key="interests_alpha", help=t("interests.alpha_help"))
