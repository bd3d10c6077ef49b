"""One ranking path: the Interests and Tuning pages show the same list for the same profile and weights.

One AppTest session runs the page named in ``_page``, so the pages share one session state as in the
browser, and a widget a run does not draw loses its state as on a page switch. (AppTest's ``switch_page``
on ``app.py`` resets the sidebar's dataset picker to the default dataset, so the pages are run directly.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.data.dataset import Dataset
from core.ranking.config import FusionConfig
from ui import state
from ui.i18n import t

ROOT = Path(__file__).resolve().parents[2]
PAGES = f"""
import runpy, sys
import streamlit as st
sys.path.insert(0, {str(ROOT)!r})
runpy.run_path({str(ROOT / "pages")!r} + "/" + st.session_state["_page"] + ".py", run_name="__page__")
"""


def _errors(at: AppTest) -> str:
    return "\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in at.exception)


def _visit(at: AppTest, page: str) -> state.RankedList:
    at.session_state["_page"] = page
    at.run()
    assert not at.exception, _errors(at)
    ranked = at.session_state[state.RANKED_KEY]
    assert isinstance(ranked, state.RankedList)
    return ranked


def _top10(ranked: state.RankedList) -> list[int]:
    return [int(i) for i in ranked.items[:10]]


@pytest.mark.slow
def test_interests_and_tuning_pages_show_the_same_top_10(tmp_workspace: Path, bilingual: Dataset) -> None:
    at = AppTest.from_string(PAGES, default_timeout=600)
    at.session_state["lang"] = "zh"
    at.session_state["dataset_key"] = "demo:bilingual"

    # the default example, cold (no user), default weights
    on_interests = _visit(at, "interests")
    assert len(on_interests.items) == 10 and on_interests.query.user_id is None
    on_tuning = _visit(at, "tuning")
    assert on_tuning.query.profile is on_interests.query.profile
    assert on_tuning.query.composition == on_interests.query.composition == "single"
    assert on_tuning.query.user_id is None, "the Interests page chose no user: the Tuning page keeps that"
    assert _top10(on_tuning) == _top10(on_interests)
    assert at.session_state[state.FUSION_KEY].config == FusionConfig()

    # weights moved on the Tuning page rank the Interests page's list too
    at.slider(key="tuning_w_graph").set_value(1.5)
    at.slider(key="tuning_w_popularity").set_value(1.0).run()
    assert not at.exception, _errors(at)
    moved = at.session_state[state.RANKED_KEY]
    assert _top10(moved) != _top10(on_tuning), "the new weights change the list"
    again = _visit(at, "interests")
    assert _top10(again) == _top10(moved)
    weights = at.session_state[state.FUSION_KEY].config.weights
    assert weights.graph == 1.5 and weights.popularity == 1.0
    note = t("interests.weights_note", "zh", weights="\x00").split("\x00")[0]
    assert any(c.value.startswith(note) and "1.50" in c.value for c in at.caption)

    # a user picked on the Interests page (history mixed in, seen items left out): same list on Tuning
    user = str(bilingual.user_ids[0])
    at.selectbox(key="interests_user").set_value(user).run()
    assert not at.exception, _errors(at)
    with_user = at.session_state[state.RANKED_KEY]
    assert with_user.query.user_id == user
    on_tuning = _visit(at, "tuning")
    assert at.session_state["tuning_user"] == user
    assert _top10(on_tuning) == _top10(with_user)
