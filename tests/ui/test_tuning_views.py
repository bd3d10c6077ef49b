"""ui.tuning_views: rank movement between weight changes, and escaped chart labels."""

from __future__ import annotations

from core.ranking.config import FusionConfig, FusionWeights
from ui.tuning_views import movement_text, plot_label, remember

QUERY = ("U1", None, None, ())
OTHER = ("U2", None, None, ())
BASE = FusionConfig()
MOVED = FusionConfig(weights=FusionWeights(popularity=2.0))


def test_movement_is_measured_from_the_list_before_the_last_weight_change() -> None:
    memory, moves = remember(None, QUERY, BASE, [1, 2, 3])
    assert moves == [0, 0, 0], "a first list has nothing to move from"
    memory, moves = remember(memory, QUERY, MOVED, [3, 1, 4])
    assert moves == [2, -1, None]  # 3 rose two places, 1 fell one, 4 is new
    memory, again = remember(memory, QUERY, MOVED, [3, 1, 4])
    assert again == moves, "a rerun with the same weights keeps the arrows"
    _, fresh = remember(memory, OTHER, MOVED, [9, 8])
    assert fresh == [0, 0], "another query starts without arrows"


def test_movement_text_and_labels() -> None:
    def tr(key: str, **fmt: object) -> str:
        return f"{key}:{fmt.get('n', '')}"

    assert [movement_text(m, tr) for m in (None, 2, -1, 0)] == [
        "tuning.move.new:", "tuning.move.up:2", "tuning.move.down:1", "tuning.move.same:"]
    assert plot_label(3, "<b>Heat</b> & more") == "3. &lt;b&gt;Heat&lt;/b&gt; &amp; more"
    assert plot_label(1, "x" * 100) == "1. " + "x" * 41 + "…"
