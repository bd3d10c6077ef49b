"""The interaction transform an evaluation chose, used on the other pages: kept per dataset, keyed into the
shared engine, offered (and taken back) on the Evaluate page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.data.confidence import Confidence
from core.data.demos import load_demo
from core.workspace.store import default_workspace
from ui.transform_setting import (
    SETTING_PREFIX,
    engine_channel_params,
    store_transform,
    stored_transform,
    transform_key,
)


def test_a_kept_transform_round_trips_and_keys_the_engine(tmp_workspace: Path) -> None:
    fp = load_demo("bilingual").fingerprint
    assert stored_transform(fp) is None and transform_key(fp) == "" and engine_channel_params("") is None
    chosen = Confidence("bm25", alpha=2.0)
    store_transform(fp, chosen)
    assert stored_transform(fp) == chosen
    params = engine_channel_params(transform_key(fp))
    assert params is not None and params.get("mf").confidence == chosen
    assert stored_transform("another-dataset") is None  # per dataset
    store_transform(fp, None)
    assert stored_transform(fp) is None and transform_key(fp) == ""
    default_workspace().set_setting(SETTING_PREFIX + fp, "{not json")  # damaged: the default, no crash
    assert stored_transform(fp) is None


def test_get_engine_builds_the_mf_channel_with_the_kept_transform(tmp_workspace: Path) -> None:
    def script() -> None:
        import streamlit as st

        from core.data.demos import load_demo
        from ui.resources import get_engine

        engine = get_engine(load_demo("bilingual"), "use-m3")
        conf = engine.channel_params.get("mf").confidence
        st.write("none" if conf is None else conf.kind)

    at = AppTest.from_function(script, default_timeout=60)
    at.run()
    assert not at.exception and at.markdown[0].value == "none"
    store_transform(load_demo("bilingual").fingerprint, Confidence("tfidf"))
    at.run()
    assert not at.exception and at.markdown[0].value == "tfidf"


def test_the_evaluate_page_offers_the_chosen_transform_and_takes_it_back(tmp_workspace: Path) -> None:
    def script() -> None:
        from core.data.confidence import Confidence
        from core.data.demos import load_demo
        from core.evaluation.confidence_tuning import ConfidenceChoice
        from ui.transform_setting import draw_apply_transform

        choice = ConfidenceChoice(chosen=Confidence("log"), default=Confidence("binary"), signal="explicit",
                                  adopted=True, p_value=0.001, n_users=100)
        draw_apply_transform(choice, load_demo("bilingual"))

    fp = load_demo("bilingual").fingerprint
    at = AppTest.from_function(script, default_timeout=60)
    at.run()
    assert not at.exception
    at.button(key="eval_transform_apply").click().run()
    assert stored_transform(fp) == Confidence("log")
    assert not at.exception and "eval_transform_apply" not in [b.key for b in at.button]
    at.button(key="eval_transform_reset").click().run()
    assert stored_transform(fp) is None
