"""The Interests page's 👍 / 👎 kept in the workspace (``Workspace.record_feedback``), per feedback session
and typed text.

A feedback session is this browser session's id (:func:`ui.state.feedback_session`, mirrored into the URL),
so a reload of the page reads the same events back and replays them onto the profile decomposed from the
same text (:func:`core.interests.feedback.replay`, with the catalogue's item ids, so each 👍 / 👎 names its item
again: liked items stay out of the list, disliked ones ruled out); feedback given on another text stays with
that text.
When the workspace cannot be written, the events still move the weights for this session; the caller is
told so.
"""

from __future__ import annotations

import logging

from core.common.errors import InterestLensError
from core.data.dataset import Dataset
from core.interests.feedback import Event, FeedbackStep
from ui.resources import workspace
from ui.state import feedback_session

log = logging.getLogger(__name__)
_STORE_ERRORS = (InterestLensError, OSError, ValueError)
_EVENTS: dict[str, Event] = {"like": "like", "dislike": "dislike", "click": "click"}


def record(dataset: Dataset, text: str, item: int, event: Event, user_id: str | None) -> bool:
    """Append one event on the profile of ``text`` for item position ``item``; False when the workspace
    could not store it."""
    session = feedback_session(create=True)
    assert session is not None
    try:
        workspace().record_feedback(session, dataset.fingerprint, str(dataset.item_ids[item]), event,
                                    user_id=user_id, profile_text=text)
    except _STORE_ERRORS as exc:
        log.warning("feedback not saved: %s", exc)
        return False
    return True


def session_steps(dataset: Dataset, text: str) -> list[FeedbackStep]:
    """This session's stored events on ``dataset`` and the profile of ``text``, oldest first, as (item
    position, event, title); events on items the dataset no longer has are skipped."""
    session = feedback_session()
    if session is None:
        return []
    try:
        events = workspace().list_feedback(dataset.fingerprint, session_id=session, profile_text=text)
    except _STORE_ERRORS as exc:
        log.warning("feedback not readable: %s", exc)
        return []
    steps: list[FeedbackStep] = []
    for event in events:
        item = dataset.item_index.get(str(event.item_id))
        action = _EVENTS.get(event.action)
        if item is not None and action is not None:
            steps.append((item, action, dataset.titles([item])[0]))
    return steps


def clear(dataset: Dataset, text: str) -> None:
    """Delete this session's stored events on ``dataset`` and the profile of ``text``."""
    session = feedback_session()
    if session is None:
        return
    try:
        workspace().clear_feedback(dataset.fingerprint, session, profile_text=text)
    except _STORE_ERRORS as exc:
        log.warning("feedback not cleared: %s", exc)
