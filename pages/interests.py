"""Interests page: typed text → weighted, grounded interest tags → the fused list for them.

The engine decomposes the text (``Engine.decompose``); the tags are edited in a table
(``core.interests.editing``); the list is ``Engine.recommend`` for the profile with the shared fusion state
(:mod:`ui.ranking`): the Tuning page's weights, cold unless a user is selected (then mixed with the user's
history interests). 👍 adds the item to the typed profile as a liked item (it then drives the collaborative
channels like a watched film and, being seen, leaves the list), 👎 as an avoided one (left out, its neighbours
pushed down); the matching tags' weights move too (``core.interests.feedback``). The message after each says
what changed between the list shown and the new one (``ui.interests_panels.feedback_notice``). Events are
kept in the workspace (:mod:`ui.feedback`), so a reload replays them.

State (:mod:`ui.state`): ``InterestsState`` (text, knobs, composition, typed profile), the user in
``FusionState``, the working profile in ``InterestsWork``, the shown list in ``RankedList``.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from core.common.errors import InterestLensError
from core.engine import Engine
from core.interests.feedback import Event, replay
from core.interests.profile import InterestProfile
from ui import feedback, state
from ui.i18n import current_lang, t
from ui.interests_panels import FEEDBACK_KEY, FeedbackDone, feedback_notice, history_section, tag_section
from ui.interests_views import (
    EXAMPLES,
    result_records,
    weights_text,
)
from ui.ranking import effective_profile, interests_query, recommend
from ui.reasons import explanation_text
from ui.resources import ensure_ready, get_dataset, get_engine
from ui.safe import md_escape
from ui.shell import ensure_app_shell

ensure_app_shell()

# The text box accepts MAX_INPUT characters; decompose itself keeps the first 1,000 (with a notice).
MAX_INPUT = 10_000
# widget key -> field of InterestsState
WIDGETS = {"interests_text": "text", "interests_temperature": "temperature", "interests_diversity": "diversity",
           "interests_max_tags": "max_tags", "interests_mode": "composition", "interests_k": "k",
           "interests_alpha": "alpha"}


def _widget_values() -> state.InterestsState:
    """The stored choices put back into missing widgets, then the widgets' values stored."""
    saved = state.get_interests()
    for key, name in WIDGETS.items():
        st.session_state.setdefault(key, getattr(saved, name))
    values = {name: st.session_state[key] for key, name in WIDGETS.items()}
    return dataclasses.replace(saved, **values)


def _use_example(text: str) -> None:
    st.session_state["interests_text"] = text


def _clear_feedback(engine: Engine) -> None:
    """on_click of "clear feedback": forget the session's feedback, here and in the workspace."""
    work = state.get_work()
    if work is not None:
        feedback.clear(engine.dataset, work.key[1])
        state.update_work(work, work.original, base=work.original, n_feedback=0)
    st.session_state.pop(FEEDBACK_KEY, None)


def _feedback(engine: Engine, item: int, event: Event, title: str) -> None:
    """on_click of 👍 / 👎: the item joins the profile as liked / avoided and the matching weights move; the
    event is kept in the workspace, and the list shown now is kept to say what changed."""
    work = state.get_work()
    if work is None or work.profile is None:
        return
    profile = replay(work.profile, [(item, event, title)], engine.item_vectors, original=work.original,
                     item_ids=engine.dataset.item_ids)
    saved = feedback.record(engine.dataset, work.key[1], item, event, state.get_fusion().user_id)
    state.update_work(work, profile, n_feedback=work.n_feedback + 1)
    shown = state.get_ranked()
    before = tuple(int(i) for i in shown.items) if shown is not None else ()
    st.session_state[FEEDBACK_KEY] = FeedbackDone(event, item, title, saved, before)


def _decomposed(engine: Engine, wanted: state.InterestsState) -> state.InterestsWork:
    """The working profile; the text is decomposed again only when it or a knob changed."""
    key = (engine.key, wanted.text, float(wanted.temperature), float(wanted.diversity), int(wanted.max_tags))
    work = state.get_work()
    if work is not None and work.key == key:
        return work
    original: InterestProfile | None = None
    error: str | None = None
    if wanted.text.strip():
        try:
            original = engine.decompose(wanted.text, temperature=key[2], diversity=key[3], max_tags=key[4])
        except InterestLensError as exc:
            error = str(exc)
    steps = feedback.session_steps(engine.dataset, wanted.text) if original is not None else []
    base = (replay(original, steps, engine.item_vectors, item_ids=engine.dataset.item_ids)
            if original is not None else None)
    work = state.InterestsWork(key, original, base, base, error, work.version + 1 if work else 0, len(steps))
    state.set_work(work)
    st.session_state.pop(FEEDBACK_KEY, None)
    return work


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


def _results_section(engine: Engine, wanted: state.InterestsState, work: state.InterestsWork) -> None:
    st.subheader(t("interests.results"))
    fusion = state.get_fusion()
    left, right = st.columns([1, 1])
    lang = current_lang()  # format functions may be called outside the script run (AppTest)
    left.radio(t("interests.mode"), list(state.COMPOSITIONS), key="interests_mode", horizontal=True,
               format_func=lambda m: t(f"interests.mode.{m}", lang), help=t("interests.mode_help"))
    right.slider(t("interests.k"), 5, 30, step=1, key="interests_k")
    st.caption(t("interests.weights_note", weights=weights_text(fusion.config, lambda c: t(f"tuning.channel.{c}"))))
    query = interests_query(engine, wanted, fusion)
    assert query is not None  # main() returns before this section when there is nothing to search for
    rec = recommend(engine, query, fusion, int(wanted.k))
    state.set_ranked(state.RankedList(query, rec.result.items, rec.result.score))
    records = result_records(engine.dataset, rec.result.items, rec.result.score)
    reasons = [explanation_text(e, lang) for e in rec.explanations]
    feedback_notice(engine.dataset, rec.result.items.tolist())
    if not records:
        st.info(t("interests.no_results"))
        return
    if fusion.user_id is not None:
        st.caption(t("interests.seen_excluded", n=len(engine.seen_items(fusion.user_id))))
    for rec_row, reason in zip(records, reasons, strict=False):
        text, like, dislike = st.columns([10, 1, 1], vertical_alignment="center")
        meta = " · ".join(md_escape(part) for part in (rec_row["category"], rec_row["tags"]) if part)
        text.markdown(f"**{rec_row['rank']}. {md_escape(rec_row['title'])}** — {meta} · `{rec_row['score']:.3f}`")
        text.caption(md_escape(reason))
        item = rec_row["item_idx"]
        like.button("👍", key=f"interests_like_{item}", help=t("interests.like"),
                    on_click=_feedback, args=(engine, item, "like", rec_row["title"]))
        dislike.button("👎", key=f"interests_dislike_{item}", help=t("interests.dislike"),
                       on_click=_feedback, args=(engine, item, "dislike", rec_row["title"]))
    st.caption(t("interests.feedback_help"))
    if work.n_feedback:
        note, button = st.columns([4, 1], vertical_alignment="center")
        note.caption(t("interests.feedback_kept", n=work.n_feedback))
        button.button(t("interests.clear_feedback"), key="interests_clear_feedback", on_click=_clear_feedback,
                      args=(engine,))


def main() -> None:
    """Draw the page."""
    st.header(t("interests.header"))
    st.caption(t("interests.intro"))
    engine = ensure_ready(get_engine(get_dataset()), channels=True)
    wanted = _widget_values()
    _input_section()
    work = _decomposed(engine, wanted)
    if work.error:
        st.warning(t("interests.decompose_error", error=md_escape(work.error)))
    elif work.original is None:
        st.info(t("interests.empty"))
    tag_section(engine, work)
    wanted = dataclasses.replace(wanted, profile=work.profile)
    state.set_interests(wanted)
    history_section(engine)
    if effective_profile(engine, wanted, state.get_fusion().user_id) is None:
        st.info(t("interests.need_input"))
        return
    _results_section(engine, wanted, work)


main()
