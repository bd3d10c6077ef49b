"""Feedback events: the ``feedback`` table (like / dislike / click per session, oldest first).

An event holds what a page needs to replay it: the dataset fingerprint, the session, the item, the
event, when it happened and the typed interest text (``profile_text``) whose profile it moved. The
Interests page records each like / dislike as it applies it, and on a new session (or after a
restart) lists the events of the same dataset, session and text and re-applies them in order with
:func:`core.interests.feedback.apply_feedback`.
"""

from __future__ import annotations

import math
import time
from typing import Any

from core.interests.feedback import Event
from core.workspace.database import Database
from core.workspace.records import FEEDBACK_ACTIONS, FeedbackEvent

_COLUMNS = "id, session_id, dataset_fp, user_id, item_id, action, ts, profile_text"


class FeedbackTables(Database):
    """Record, list and clear feedback events."""

    def record_feedback(
        self,
        session_id: str,
        dataset_fingerprint: str,
        item_id: str,
        action: Event,
        *,
        user_id: str | None = None,
        profile_text: str | None = None,
        ts: float | None = None,
    ) -> int:
        """Append one feedback event (like / dislike / click, on the profile of ``profile_text``); returns its id."""
        if action not in FEEDBACK_ACTIONS:
            raise ValueError(f"feedback action must be one of {FEEDBACK_ACTIONS}, got {action!r}")
        when = time.time() if ts is None else float(ts)
        if not math.isfinite(when):
            raise ValueError("feedback timestamp must be finite")
        uid = None if user_id is None else str(user_id)
        text = None if profile_text is None else str(profile_text)
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO feedback (session_id, dataset_fp, user_id, item_id, action, ts, profile_text)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (str(session_id), dataset_fingerprint, uid, str(item_id), action, when, text),
            )
            return int(cur.lastrowid or 0)

    def list_feedback(
        self,
        dataset_fingerprint: str | None = None,
        *,
        session_id: str | None = None,
        user_id: str | None = None,
        profile_text: str | None = None,
        since: float | None = None,
    ) -> list[FeedbackEvent]:
        """Feedback events matching every given filter, oldest first (the order to replay them in)."""
        clauses: list[str] = []
        args: list[Any] = []
        filters = (
            ("dataset_fp", dataset_fingerprint),
            ("session_id", session_id),
            ("user_id", user_id),
            ("profile_text", profile_text),
        )
        for column, value in filters:
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        if since is not None:
            clauses.append("ts >= ?")
            args.append(float(since))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._read() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM feedback{where} ORDER BY ts, id", args).fetchall()
        return [
            FeedbackEvent(int(r[0]), r[1], r[2], r[3], r[4], r[5], float(r[6]), r[7]) for r in rows
        ]

    def clear_feedback(
        self, dataset_fingerprint: str, session_id: str, *, profile_text: str | None = None
    ) -> int:
        """Delete one session's feedback on one dataset (only that on ``profile_text`` when given);
        returns how many events were removed."""
        query = "DELETE FROM feedback WHERE dataset_fp = ? AND session_id = ?"
        args: list[Any] = [dataset_fingerprint, session_id]
        if profile_text is not None:
            query += " AND profile_text = ?"
            args.append(profile_text)
        with self._write() as conn:
            return conn.execute(query, args).rowcount
