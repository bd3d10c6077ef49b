"""core.workspace.feedback: events recorded, filtered, replayed in order and cleared."""

from __future__ import annotations

import numpy as np
import pytest

from core.interests.feedback import apply_feedback
from core.interests.profile import InterestProfile, InterestTag
from core.workspace.records import FEEDBACK_ACTIONS
from core.workspace.store import Workspace


def test_feedback_events_filters_and_clearing(ws: Workspace) -> None:
    ws.record_feedback("s1", "fpA", "I0001", "like", user_id="U0001", ts=100.0)
    ws.record_feedback("s1", "fpA", "I0002", "dislike", ts=50.0)
    ws.record_feedback("s2", "fpA", "I0001", "click", ts=75.0)
    ws.record_feedback("s1", "fpB", "I0003", "like", ts=10.0)
    events = ws.list_feedback("fpA")
    assert [(e.item_id, e.action, e.ts) for e in events] == [
        ("I0002", "dislike", 50.0), ("I0001", "click", 75.0), ("I0001", "like", 100.0)]
    assert [e.item_id for e in ws.list_feedback("fpA", session_id="s1")] == ["I0002", "I0001"]
    assert [e.user_id for e in ws.list_feedback(user_id="U0001")] == ["U0001"]
    assert len(ws.list_feedback("fpA", since=60.0)) == 2 and len(ws.list_feedback()) == 4
    with pytest.raises(ValueError, match="like"):
        ws.record_feedback("s1", "fpA", "I0001", "love")
    with pytest.raises(ValueError, match="finite"):
        ws.record_feedback("s1", "fpA", "I0001", "like", ts=float("nan"))
    assert ws.clear_feedback("fpA", "s1") == 2
    assert [e.session_id for e in ws.list_feedback("fpA")] == ["s2"]


def test_feedback_keeps_the_profile_text_it_applied_to(ws: Workspace) -> None:
    assert FEEDBACK_ACTIONS == ("like", "dislike", "click")
    ws.record_feedback("s1", "fpA", "i1", "like", profile_text="科幻电影，不要恐怖片", ts=1.0)
    ws.record_feedback("s1", "fpA", "i2", "dislike", profile_text="cozy mysteries", ts=2.0)
    ws.record_feedback("s1", "fpA", "i3", "dislike", profile_text="科幻电影，不要恐怖片", ts=3.0)
    ws.record_feedback("s1", "fpA", "i4", "click", ts=4.0)
    events = ws.list_feedback("fpA", session_id="s1", profile_text="科幻电影，不要恐怖片")
    assert [(e.item_id, e.action, e.profile_text) for e in events] == [
        ("i1", "like", "科幻电影，不要恐怖片"), ("i3", "dislike", "科幻电影，不要恐怖片")]
    assert ws.list_feedback("fpA")[-1].profile_text is None
    assert ws.clear_feedback("fpA", "s1", profile_text="cozy mysteries") == 1
    assert [e.item_id for e in ws.list_feedback("fpA")] == ["i1", "i3", "i4"]
    assert ws.clear_feedback("fpA", "s1") == 3 and ws.list_feedback() == []


def test_stored_events_replay_to_the_same_profile(ws: Workspace) -> None:
    """What the Interests page does after a restart: list the session's events and apply them in order."""
    e = np.eye(6, dtype=np.float32)
    item_vectors = {"i0": e[0], "i1": e[1], "i5": e[5]}
    typed = InterestProfile("a and b", [InterestTag("a", 0.5, 1, e[0]), InterestTag("b", 0.5, 1, e[1])])
    live = typed
    for ts, (item, action) in enumerate([("i0", "like"), ("i5", "like"), ("i1", "dislike"), ("i0", "click")]):
        live = apply_feedback(live, item_vectors[item], action, original=typed, item_label=item)  # type: ignore[arg-type]
        ws.record_feedback("s", "fp", item, action, profile_text=typed.text, ts=float(ts))  # type: ignore[arg-type]
    replayed = typed
    for event in ws.list_feedback("fp", session_id="s", profile_text=typed.text):
        replayed = apply_feedback(replayed, item_vectors[event.item_id], event.action, original=typed,
                                  item_label=event.item_id)
    assert [t.text for t in replayed.tags] == [t.text for t in live.tags] == ["a", "b", "i5"]
    assert [t.weight for t in replayed.tags] == pytest.approx([t.weight for t in live.tags])
