"""ui.upload_panel: the signal guess shown on the upload form, in both languages."""

from __future__ import annotations

import re

import numpy as np
import pytest

from core.data.readers import read_table
from core.data.signal import REASONS, Signal, guess_signal
from ui.i18n import CATALOGUE, LANGS
from ui.upload_panel import signal_preview, signal_text


def test_every_reason_and_kind_has_both_languages() -> None:
    for code in REASONS:
        entry = CATALOGUE[f"data.signal.reason.{code}"]
        assert len(entry) == len(LANGS) and all(entry)
        fields = [set(re.findall(r"\{(\w+)", text)) for text in entry]
        assert fields[0] == fields[1] == set(re.findall(r"\{(\w+)", REASONS[code])), code
    for kind in ("explicit", "count", "binary", "duration"):
        assert all(CATALOGUE[f"data.signal.kind.{kind}"])


@pytest.mark.parametrize("values", [
    [0.5, 1.0, 4.5, 5.0], [1, 1, 1, 2, 3], list(range(1, 400)), [0, 1], [7.0], np.linspace(20.5, 9000.0, 50),
    [-1, 0, 1], [0.1, 0.7], [2.3, 4.1],
])
def test_the_guess_formats_in_both_languages(values: list[float]) -> None:
    signal = guess_signal(values)
    zh, en = signal_text(signal, "zh"), signal_text(signal, "en")
    assert zh.startswith("推测：") and en.startswith("Guess: ") and "{" not in zh + en
    assert re.search(r"[\u4e00-\u9fff]", zh)


def test_preview_from_a_raw_table() -> None:
    raw = read_table(b"user,item,rating,event\n1,a,4.5,view\n1,b,x,cart\n2,a,3,buy\n", name="r.csv")
    preview = signal_preview(raw, {"user": "user", "item": "item", "rating": "rating", "event": "event"})
    assert isinstance(preview, Signal) and preview.kind == "explicit" and preview.figure_map()["n"] == 2
    events = signal_preview(raw, {"user": "user", "item": "item", "rating": "", "event": "event"})
    assert events == {"events": 3, "types": 3}
    assert signal_text(events, "en").startswith("No value column: 3 events of 3 type(s)")
    bare = signal_preview(raw, {"user": "user", "item": "item"})
    assert isinstance(bare, Signal) and bare.reason == "no_value_column"
