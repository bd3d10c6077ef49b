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


def test_the_date_order_choice_reads_ambiguous_dates_that_way() -> None:
    """03/04/2020 is 3 April day-first and 4 March month-first; the choice reaches the loaded timestamps, and the
    cached upload itself is left as it was parsed."""
    from datetime import UTC, datetime

    from streamlit.testing.v1 import AppTest

    from core.data.loaders import load_dataset

    raw = read_table(b"user,item,rating,when\nu1,a,4,03/04/2020\nu2,b,5,05/06/2020\n", name="d.csv")
    mapping = {"user": "user", "item": "item", "rating": "rating", "timestamp": "when"}

    def script() -> None:
        import streamlit as st

        from ui.upload_panel import date_order_widget

        chosen = date_order_widget(st.session_state["raw"], st.session_state["map"], "k")
        st.session_state["chosen"] = chosen

    at = AppTest.from_function(script, default_timeout=30)
    at.session_state["raw"], at.session_state["map"] = raw, mapping
    at.run()
    assert not at.exception and at.session_state["chosen"] is raw  # detected by default: the upload as parsed
    months = {}
    for order in ("dmy", "mdy"):
        at.selectbox(key="date_order:k").set_value(order).run()
        chosen = at.session_state["chosen"]
        assert chosen.date_format == order and raw.date_format == "auto"
        dataset, _, _ = load_dataset(chosen, name="d.csv", interaction_mapping=mapping)
        first = dataset.interactions.loc[dataset.interactions["user_idx"] == 0, "timestamp"].iloc[0]
        months[order] = datetime.fromtimestamp(float(first), tz=UTC).month
    assert months == {"dmy": 4, "mdy": 3}
    no_time = {k: v for k, v in mapping.items() if k != "timestamp"}
    at.session_state["map"] = no_time
    at.run()
    assert not at.selectbox and at.session_state["chosen"] is raw  # no timestamp column: nothing to choose
