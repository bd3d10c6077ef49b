"""The Tuning page, driven headlessly with Streamlit's AppTest on the bilingual demo (300 items).

The page's state is read through :mod:`ui.state` (``FusionState``: the shared weights and user;
``RankedList``: the list shown).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.data.dataset import Dataset
from core.ranking.config import FusionConfig
from ui import state
from ui.i18n import t

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "tuning.py")


def _errors(at: AppTest) -> str:
    """The page's exceptions with their stack traces (the app config redacts messages in the UI)."""
    return "\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in at.exception)


def _titles(at: AppTest) -> list[str]:
    frame = at.dataframe[0].value
    return list(frame[t("tuning.col.title", "zh")])


@pytest.fixture
def page(tmp_workspace: Path) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=600)
    at.session_state["dataset_key"] = "demo:bilingual"
    at.run()
    assert not at.exception, _errors(at)
    return at


@pytest.mark.slow
def test_slider_reorders_the_list(page: AppTest, bilingual: Dataset) -> None:
    at = page
    before = _titles(at)
    assert len(before) == 20
    assert at.session_state["tuning_user"] is not None
    chart = at.get("plotly_chart")
    assert chart, "the contribution chart is drawn"

    assert at.slider(key="tuning_w_semantic").disabled  # no typed interests: the channel is off
    for name in ("history", "mf", "item_knn", "graph"):
        at.slider(key=f"tuning_w_{name}").set_value(0.0)
    at.slider(key="tuning_w_popularity").set_value(2.0).run()
    assert not at.exception, _errors(at)
    after = _titles(at)
    assert after != before
    moves = list(at.dataframe[0].value[t("tuning.col.move", "zh")])
    assert any(m != t("tuning.move.same", "zh") for m in moves), "an arrow (or 'new') marks what moved"

    fusion = at.session_state[state.FUSION_KEY]
    assert isinstance(fusion, state.FusionState)
    assert fusion.config.weights.popularity == 2.0 and fusion.config.weights.mf == 0.0
    ranked = at.session_state[state.RANKED_KEY]
    assert ranked.query.user_id == at.session_state["tuning_user"] == fusion.user_id
    assert bilingual.titles(ranked.items) == after
    # popularity alone: the list is ordered by popularity
    counts = bilingual.item_popularity[ranked.items].tolist()
    assert counts == sorted(counts, reverse=True)
    assert set(ranked.items.tolist()).isdisjoint(bilingual.user_history(fusion.user_id)["item_idx"].tolist())

    at.toggle(key="tuning_rrf").set_value(True).run()
    assert not at.exception, _errors(at)
    assert at.session_state[state.FUSION_KEY].config.method == "rrf"
    at.slider(key="tuning_mmr").set_value(0.5).run()
    assert not at.exception, _errors(at)


@pytest.mark.slow
def test_cold_start_interests_and_presets(page: AppTest) -> None:
    at = page
    at.selectbox(key="tuning_user").set_value(None).run()  # no user
    assert any(i.value == t("tuning.need_query", "zh") for i in at.info)
    at.text_input(key="tuning_interests").input("科幻电影和太空冒险").run()
    assert not at.exception, _errors(at)
    assert len(_titles(at)) == 20
    captions = [c.value for c in at.caption]
    assert any(t("tuning.reason.no_user", "zh") in c for c in captions), "dropped channels say why"
    assert at.slider(key="tuning_w_mf").disabled and not at.slider(key="tuning_w_semantic").disabled

    at.slider(key="tuning_w_graph").set_value(1.5).run()
    at.text_input(key="tuning_preset_name").input("<b>冷启动</b>").run()
    at.button(key="tuning_save").click().run()
    assert not at.exception, _errors(at)
    assert any("冷启动" in s.value for s in at.success)
    at.button(key="tuning_reset").click().run()
    assert at.slider(key="tuning_w_graph").value == FusionConfig().weights.graph
    at.selectbox(key="tuning_preset_pick").set_value("<b>冷启动</b>")
    at.button(key="tuning_load").click().run()
    assert not at.exception, _errors(at)
    assert at.slider(key="tuning_w_graph").value == 1.5

    # the bundled cold-start preset sets every slider to its tuned weight
    from core.ranking.presets import bundled_presets

    _name, tuned = bundled_presets()["typed_cold_start"]
    at.button(key="tuning_apply_bundled").click().run()
    assert not at.exception, _errors(at)
    assert at.slider(key="tuning_w_gist").value == pytest.approx(tuned.weights.gist)
    assert at.selectbox(key="tuning_norm").value == tuned.normalisation
    assert any(t("tuning.bundled.typed_cold_start", "zh") in s.value for s in at.success)


@pytest.mark.slow
def test_typed_interests_survive_a_page_switch(page: AppTest) -> None:
    page.text_input(key="tuning_interests").input("科幻电影").run()
    assert page.session_state["tuning_interests_kept"] == "科幻电影"
    # Coming back from another page: Streamlit has dropped the widget's state, the kept copy remains.
    back = AppTest.from_file(PAGE, default_timeout=600)
    back.session_state["dataset_key"] = "demo:bilingual"
    back.session_state["tuning_interests_kept"] = "科幻电影"
    back.run()
    assert not back.exception, _errors(back)
    assert back.text_input(key="tuning_interests").value == "科幻电影"
