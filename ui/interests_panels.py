"""Sections of the Interests page drawn with Streamlit: the tag editor (kind and match of each tag) with its
weight chart and the control that corrects a match, the user picker with the user's history interests, and
the message that says what a 👍 / 👎 changed in the list (:func:`feedback_notice`).
Helpers that only compute are in :mod:`ui.interests_views`.

Every edit goes through :mod:`core.interests.editing` (``apply_table``, ``set_match``) into the working profile
(``state.update_work``), so the list below is ranked again by ``Engine.recommend``. The table's weights are the
analyst's own numbers (kept as ``InterestsWork.raw``): an edit changes the edited number only, and the Share
column and the chart show what each tag weighs in its polarity. A negative weight is refused with a message
that points to Polarity (as :func:`ui.interests_views.weight_refusal` words it), and the table goes back to its numbers.

The notices above the table name what they are about (:func:`notice_messages`): with only things to avoid,
what the list is instead ("popular items outside horror, comedy, drama": the avoided genres, tags, people
and titles are left out of the list by the ranking itself, ``Ranker.ruled_out``; free-text ones only
pushed down), and each title, attribute or text that is both wanted and avoided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.common.errors import InterestLensError
from core.data.dataset import Dataset
from core.engine import Engine
from core.interests.editing import TagWeightError, apply_table, set_match, table_weights
from core.interests.feedback import Event, list_change
from core.interests.profile import TAG_KINDS, InterestProfile
from core.ranking.config import FusionConfig
from core.ranking.query import Query
from ui import state
from ui.i18n import CATALOGUE, current_lang, t
from ui.interests_views import (
    attribute_choices,
    attribute_text,
    editor_rows,
    feedback_message,
    fill_missing_weights,
    history_frame,
    item_choices,
    kind_label,
    missed_kinds,
    notice_text,
    profile_frame,
    signature,
    tag_columns,
    tag_option,
    weight_chart,
    with_match_keys,
)
from ui.ranking import history_for
from ui.reasons import name_list
from ui.safe import md_escape
from ui.widgets import user_picker

MISSED_KEY = "interests_fix_missed"
"""Session key of the kinds the last table edit asked for but found nothing of: (table version, [(text, kind)])."""
REFUSED_KEY = "interests_weight_refused"
"""Session key of the last refused table edit: (table version it is shown with, the TagWeightError)."""
PICKED_KEY = "interests_fix_last"
"""Session key of the tag position last picked in the correction control (kept across table versions)."""
FEEDBACK_KEY = "interests_feedback_msg"
"""Session key of the 👍 / 👎 just given (:class:`FeedbackDone`), until the list after it is drawn."""


@dataclass(frozen=True)
class FeedbackDone:
    """A 👍 / 👎 just given: the event, the item (position) and its title, whether the workspace kept it, and
    the list shown when it was given (item positions, best first)."""

    event: Event
    item: int
    title: str
    saved: bool
    before: tuple[int, ...]


def feedback_notice(dataset: Dataset, after: Sequence[int]) -> None:
    """Say what the 👍 / 👎 just given changed, comparing the list it was given on with ``after`` (the list now
    shown): a success message when the list changed, an information when it did not (never silent); once."""
    done = st.session_state.pop(FEEDBACK_KEY, None)
    if not isinstance(done, FeedbackDone):
        return
    change = list_change(done.before, after, done.item, done.event)
    lang = current_lang()
    message = feedback_message(change, done.title, lambda items: dataset.titles(list(items)),
                               lambda key, **fmt: t(key, lang, **fmt), lang)
    (st.info if change.unchanged else st.success)(message)
    if not done.saved:
        st.warning(t("interests.feedback_not_saved"))


WARNING_NOTICES = ("ungrounded", "only_negative", "truncated", "contradiction")
"""Notices drawn as warnings (the others as information)."""


def _names(names: list[str], lang: str) -> str:
    return name_list([md_escape(n) for n in names], lang)


def notice_messages(
    profile: InterestProfile, ruled_out: list[str], config: FusionConfig, user_selected: bool, lang: str
) -> list[tuple[str, str]]:
    """``(code, text)`` of each notice of ``profile`` in ``lang``, user text escaped for Markdown.

    ``ruled_out``: the avoided tags whose items the ranking leaves out (``Ranker.ruled_out``); the other
    avoided tags (free text) only push items down. ``only_negative`` says what the list shows instead
    (popular items, or the selected user's, outside what is avoided), ``contradiction`` names each title,
    attribute or text both wanted and avoided."""
    out: list[tuple[str, str]] = []
    for code in profile.notices:
        if code == "only_negative":
            pushed = [x for x in profile.avoided_texts() if x not in ruled_out]
            if ruled_out:
                how = "user" if user_selected else "popular" if config.weights["popularity"] > 0 else "other"
                text = t(f"interests.notice.only_negative_{how}", lang, avoided=_names(ruled_out, lang))
            else:
                text = t("interests.notice.only_negative", lang)
            if pushed:
                away = t("interests.notice.away_from", lang, avoided=_names(pushed, lang))
                text += away if lang == "zh" else " " + away
            out.append((code, text))
        elif code == "contradiction":
            for c in profile.contradictions():
                out.append((code, t("interests.notice.contradiction_tag", lang, label=md_escape(c.label),
                                    wanted=_names(list(c.wanted), lang), avoided=_names(list(c.avoided), lang))))
        else:
            out.append((code, notice_text(code, lambda key, **fmt: t(key, lang, **fmt), CATALOGUE)))
    return out


def _notices(engine: Engine, profile: InterestProfile) -> None:
    """Draw the profile's notices (see :func:`notice_messages`)."""
    ruled_out = engine.ranker.ruled_out(Query(profile=profile))[1] if "only_negative" in profile.notices else []
    fusion = state.get_fusion()
    for code, text in notice_messages(profile, ruled_out, fusion.config, fusion.user_id is not None, current_lang()):
        (st.warning if code in WARNING_NOTICES else st.info)(text)


def _reset_edits() -> None:
    work = state.get_work()
    if work is not None:
        state.update_work(work, work.base)
    st.session_state.pop(FEEDBACK_KEY, None)


def _apply_rows(engine: Engine, work: state.InterestsWork, rows: list[dict[str, Any]]) -> None:
    """Apply an edited tag table to the working profile (kind changes get the best match of their kind); the
    typed weights are kept as they are. Refused weights redraw the table as it was, with the reason."""
    profile = work.profile
    if profile is None:
        return
    try:
        wanted = with_match_keys(fill_missing_weights(rows), profile, engine.catalogue)
        updated = apply_table(profile, wanted, engine.encoder, engine.item_vectors, catalogue=engine.catalogue)
        raw = tuple(table_weights(wanted))
    except TagWeightError as exc:
        st.session_state[REFUSED_KEY] = (work.version + 1, exc)
        state.update_work(work, profile, raw=work.raw)  # a new table key: the grid drops the refused edit
        st.rerun()
        return
    except InterestLensError as exc:
        st.error(t("interests.edit_error", error=md_escape(exc)))
        return
    st.session_state.pop(REFUSED_KEY, None)
    st.session_state[MISSED_KEY] = (work.version + 1, missed_kinds(rows, updated))  # shown with the new table
    state.update_work(work, updated, raw=raw)
    st.rerun()


def tag_section(engine: Engine, work: state.InterestsWork) -> None:
    """Notices, the editable tag table with each tag's kind and match (an edit updates the working profile and
    reruns), the weight chart, and the control that corrects a match."""
    profile = work.profile
    st.subheader(t("interests.tags"))
    if profile is None:
        return
    _notices(engine, profile)
    lang = current_lang()  # format functions may be called outside the script run (AppTest)
    frame = profile_frame(profile, lambda key, **fmt: t(key, lang, **fmt), engine.catalogue, raw=work.raw)
    table, chart = st.columns([3, 2], gap="large")
    with table:
        edited = st.data_editor(frame, key=f"interests_table_{work.version}", num_rows="dynamic", hide_index=True,
                                width="stretch", disabled=["share", "match", "grounded", "grounding", "source"],
                                column_config=tag_columns(lambda key, **fmt: t(key, lang, **fmt)))
        rows, before = editor_rows(edited), editor_rows(frame)
        if signature(rows) != signature(before):
            _apply_rows(engine, work, rows)
        refused = st.session_state.get(REFUSED_KEY)
        if refused and refused[0] == work.version and isinstance(refused[1], TagWeightError):
            error = refused[1]
            group = t("interests.group.avoid" if error.polarity < 0 else "interests.group.want")
            st.error(t(f"interests.weight_refused.{error.code}", tag=md_escape(error.text), value=f"{error.value:g}",
                       group=group))
        missed = st.session_state.get(MISSED_KEY)
        for text, kind in missed[1] if missed and missed[0] == work.version else []:
            st.info(t("interests.fix.missed", text=md_escape(text), kind=kind_label(kind, t)))
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
    if profile.tags:
        match_section(engine, work, profile)


def _set_match(engine: Engine, version: int, pos: int, kind_key: str, match_key: str | None,
               drop: bool = False) -> None:
    """on_click of "apply" / "drop the match": ``set_match`` on the working profile with the widgets' values."""
    work = state.get_work()
    if work is None or work.profile is None or work.version != version or pos >= len(work.profile.tags):
        return
    kind = "text" if drop else str(st.session_state.get(kind_key, "text"))
    key = None if drop or match_key is None or kind not in ("item", "attribute") else st.session_state.get(match_key)
    try:
        updated = set_match(work.profile, pos, engine.encoder, engine.item_vectors, kind=kind,
                            key=None if key is None else str(key), catalogue=engine.catalogue)
    except InterestLensError as exc:
        st.session_state["interests_fix_error"] = str(exc)
        return
    state.update_work(work, updated, raw=work.raw)  # a new match keeps every tag's place and typed weight


def match_section(engine: Engine, work: state.InterestsWork, profile: InterestProfile) -> None:
    """Pick a tag; match it to another item or attribute (searchable lists), or drop its match (free text)."""
    catalogue = engine.catalogue
    tags = profile.tags
    lang = current_lang()

    def tr(key: str, **fmt: object) -> str:
        return t(key, lang, **fmt)

    st.markdown(f"**{t('interests.fix.title')}**")
    st.caption(t("interests.fix.help"))
    error = st.session_state.pop("interests_fix_error", None)
    if error:
        st.error(t("interests.edit_error", error=md_escape(error)))
    pick, kind_col, match_col = st.columns([3, 2, 5], vertical_alignment="bottom")
    last = int(st.session_state.get(PICKED_KEY, 0))
    pos = int(pick.selectbox(t("interests.fix.tag"), list(range(len(tags))), index=min(max(last, 0), len(tags) - 1),
                             key=f"interests_fix_tag_{work.version}",
                             format_func=lambda i: tag_option(tags[i], catalogue, tr), placeholder=t("app.choose_one")))
    st.session_state[PICKED_KEY] = pos
    tag = tags[pos]
    kinds = list(TAG_KINDS)
    kind_key = f"interests_fix_kind_{work.version}_{pos}"
    kind = kind_col.selectbox(t("interests.fix.kind"), kinds, index=kinds.index(tag.kind) if tag.kind in kinds else 2,
                              key=kind_key, format_func=lambda k: kind_label(k, tr), placeholder=t("app.choose_one"))
    match_key: str | None = None
    key: str | None = None
    if kind == "item":
        match_key = f"interests_fix_item_{work.version}_{pos}"
        titles = catalogue.titles
        key = match_col.selectbox(t("interests.fix.item"), item_choices(catalogue, tag), key=match_key,
                                  format_func=lambda k: titles[catalogue.position[k]], placeholder=t("app.choose_one"))
    elif kind == "attribute":
        match_key = f"interests_fix_attribute_{work.version}_{pos}"
        key = match_col.selectbox(t("interests.fix.attribute"), attribute_choices(catalogue, tag), key=match_key,
                                  format_func=lambda k: attribute_text(catalogue.attribute(k), tr),
                                  placeholder=t("app.choose_one"))
    else:
        match_col.caption(t("interests.fix.no_match"))
    apply, drop, _ = st.columns([1, 2, 4])
    unchanged = kind == tag.kind and (kind not in ("item", "attribute") or key == tag.key)
    apply.button(t("interests.fix.apply"), key="interests_fix_apply", type="primary", disabled=unchanged,
                 on_click=_set_match, args=(engine, work.version, pos, kind_key, match_key))
    drop.button(t("interests.fix.drop"), key="interests_fix_drop", help=t("interests.fix.drop_help"),
                disabled=tag.kind not in ("item", "attribute"),
                on_click=_set_match, args=(engine, work.version, pos, kind_key, None, True))


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
