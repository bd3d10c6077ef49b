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
    assert at.session_state["tuning_user"] is None, "no user until the analyst picks one"
    assert any(i.value == t("tuning.need_query", "zh") for i in at.info)
    at.selectbox(key="tuning_user").set_value(str(bilingual.user_ids[0])).run()
    assert not at.exception, _errors(at)
    before = _titles(at)
    assert len(before) == 20
    assert any(i.value.startswith(t("tuning.mix.title", "zh", user="\x00").split("\x00")[0]) for i in at.info), \
        "a picked user's history is explained"
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
    assert at.session_state["tuning_user"] is None  # no user
    assert any(i.value == t("tuning.need_query", "zh") for i in at.info)
    assert at.slider(key="tuning_w_popularity") is not None, "the sliders are drawn before anything is ranked"
    assert at.button(key="tuning_save") is not None and not at.get("plotly_chart"), "presets, no list yet"
    at.text_input(key="tuning_interests").input("科幻电影和太空冒险").run()
    assert not at.exception, _errors(at)
    assert len(_titles(at)) == 20
    captions = [c.value for c in at.caption]
    assert any(t("tuning.reason.no_user", "zh") in c for c in captions), "dropped channels say why"
    assert t("tuning.mix.none", "zh") in captions, "without a user the page says the list is the typed interests'"
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


@pytest.mark.slow
def test_a_picked_user_is_mixed_as_the_page_says_and_settings_survive_a_reload(
    page: AppTest, bilingual: Dataset
) -> None:
    at = page
    at.text_input(key="tuning_interests").input("科幻电影和轻松的喜剧").run()
    at.selectbox(key="tuning_user").set_value(str(bilingual.user_ids[0])).run()
    assert not at.exception, _errors(at)
    ranked = at.session_state[state.RANKED_KEY]
    profile = ranked.query.profile
    history = sum(tag.weight for tag in profile.positive() if tag.source == "history")
    assert history == pytest.approx(0.5, abs=1e-6), "typed interests are mixed with the history interests"
    info = next(i.value for i in at.info if i.value.startswith(t("tuning.mix.title", "zh", user="\x00")[:4]))
    assert t("tuning.mix.tags", "zh", history="50", typed="50") in info
    at.slider(key="tuning_alpha").set_value(0.2).run()
    assert not at.exception, _errors(at)
    profile = at.session_state[state.RANKED_KEY].query.profile
    assert sum(tag.weight for tag in profile.positive() if tag.source == "history") == pytest.approx(0.2, abs=1e-6)
    assert at.session_state[state.INTERESTS_KEY].alpha == pytest.approx(0.2), "the Interests page mixes the same"
    assert any(t("tuning.mix.tags", "zh", history="20", typed="80") in i.value for i in at.info)

    # the table spans the page with a what-if column per weighted channel, and one item can be read in full
    frame = at.dataframe[0].value
    weights = at.session_state[state.FUSION_KEY].config.weights.as_dict()
    withouts = [c for c in frame.columns if c.startswith("去掉")]
    assert len(withouts) == sum(1 for w in weights.values() if w > 0)
    at.selectbox(key="tuning_detail").set_value(1).run()
    assert not at.exception, _errors(at)
    assert len(at.dataframe) == 2, "the detail table of the picked item"

    # slider positions go into the URL; a reload (new session, same URL) puts them back
    at.slider(key="tuning_w_popularity").set_value(1.5)
    at.slider(key="tuning_k").set_value(30).run()
    assert not at.exception, _errors(at)
    params = {key: at.query_params[key] for key in at.query_params}
    assert "popularity:1.5" in str(params["tw"]) and str(params["tk"]) in ("30", "['30']")
    reloaded = AppTest.from_file(PAGE, default_timeout=600)
    reloaded.session_state["dataset_key"] = "demo:bilingual"
    reloaded.session_state["tuning_interests_kept"] = "科幻电影和轻松的喜剧"
    for key, value in params.items():
        reloaded.query_params[key] = value
    reloaded.run()
    assert not reloaded.exception, _errors(reloaded)
    assert reloaded.slider(key="tuning_w_popularity").value == pytest.approx(1.5)
    assert reloaded.slider(key="tuning_k").value == 30
    assert reloaded.session_state["tuning_user"] is None, "the user is not kept in the URL"


@pytest.mark.slow
def test_a_deferred_channel_is_fitted_with_named_progress_when_its_weight_rises(page: AppTest,
                                                                               bilingual: Dataset) -> None:
    """EASE^R has weight 0 by default and is fitted on first use: raising its slider shows the fitting as a named
    stage (not a silent pause), then ranks with it."""
    at = page
    at.selectbox(key="tuning_user").set_value(str(bilingual.user_ids[0])).run()
    assert not at.exception, _errors(at)
    from ui.resources import get_engine

    engine = get_engine(bilingual, "use-m3")
    assert "ease" in engine.pending_channels()
    at.slider(key="tuning_w_ease").set_value(1.0).run()
    assert not at.exception, _errors(at)
    assert "ease" not in engine.pending_channels()

    def statuses(node: object) -> list[str]:
        found = [str(node.label)] if type(node).__name__ == "Status" else []  # type: ignore[attr-defined]
        for child in getattr(node, "children", {}).values():
            found += statuses(child)
        return found

    assert t("app.ready", "zh") in statuses(at.main)  # the fitting's status box, closed once done
    assert len(_titles(at)) == 20
