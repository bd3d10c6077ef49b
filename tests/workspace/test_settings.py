"""core.workspace.settings: JSON values by key."""

from __future__ import annotations

from core.workspace.store import Workspace


def test_settings_hold_json_values(ws: Workspace) -> None:
    assert ws.get_setting("language") is None and ws.get_setting("language", "zh") == "zh"
    ws.set_setting("language", "en")
    ws.set_setting("language", "zh")
    ws.set_setting("recent", {"datasets": ["a", "b"], "k": 10, "ratio": 0.5, "on": True})
    assert ws.get_setting("language") == "zh"
    assert ws.get_setting("recent") == {"datasets": ["a", "b"], "k": 10, "ratio": 0.5, "on": True}

