"""The Embeddings step of the Data page, driven headlessly with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.i18n import t


def _panel_script() -> None:
    import pandas as pd

    from core.data.dataset import Dataset
    from ui.embeddings_panel import render_embeddings_panel, render_item_neighbours

    titles = ["星际穿越", "Interstellar", "流浪地球", "The Martian", "泰坦尼克号", "Titanic", "恐怖游轮",
              "The Shining", "功夫", "Kung Fu Hustle", "Toy Story", "<b>玩具总动员</b>"]
    categories = ["科幻", "Sci-Fi", "科幻", "Sci-Fi", "爱情", "Romance", "恐怖", "Horror",
                  "喜剧", "Comedy", "Animation", "动画"]
    items = pd.DataFrame({"item_id": [f"i{k}" for k in range(12)], "title": titles, "category": categories})
    inter = pd.DataFrame({"user_id": ["u1", "u1", "u2"], "item_id": ["i0", "i1", "i5"],
                          "rating": [5.0, 4.0, 3.0], "timestamp": [1.0, 2.0, 3.0], "event": ["", "", ""]})
    dataset = Dataset.from_frames("panel-test", inter, items)
    render_embeddings_panel(dataset)
    render_item_neighbours(dataset)


@pytest.mark.slow
def test_embeddings_panel_compute_and_neighbours(tmp_workspace: Path) -> None:
    at = AppTest.from_function(_panel_script, default_timeout=120)
    at.run()
    assert not at.exception
    assert [s.value for s in at.subheader] == [t("emb.header", "zh"), t("emb.neighbours_header", "zh")]
    assert any(i.value == t("emb.compute_first", "zh") for i in at.info)
    assert any("0 / 12" in c.value for c in at.caption)

    at.button(key="emb_compute").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("emb.items", "zh")] == "12"
    assert metrics[t("emb.encoded", "zh")] == "12" and metrics[t("emb.cached", "zh")] == "0"
    assert metrics[t("emb.dim", "zh")] == "512"

    frame = at.dataframe[0].value
    assert len(frame) == 10
    assert "星际穿越" not in frame[t("emb.col.title", "zh")].tolist()  # not its own neighbour
    scores = frame[t("emb.col.score", "zh")].tolist()
    assert scores == sorted(scores, reverse=True)
    assert frame[t("emb.col.title", "zh")].iloc[0] in {"Interstellar", "流浪地球", "The Martian"}

    at.selectbox(key="emb_item").set_value(7).run()  # The Shining
    frame = at.dataframe[0].value
    assert frame[t("emb.col.title", "zh")].iloc[0] == "恐怖游轮"
    assert any(el.value == "The Shining. Horror" for el in at.text)

    model_box = next(s for s in at.selectbox if s.label == t("emb.model", "zh"))
    model_box.set_value(t("emb.model.minilm", "zh")).run()
    assert any(w.value == t("emb.english_only", "zh") for w in at.warning)

    again = AppTest.from_function(_panel_script, default_timeout=120)  # a new browser session
    again.run()
    assert any("12 / 12" in c.value for c in again.caption)  # everything is on disk now
    again.button(key="emb_compute").click().run()
    metrics = {m.label: m.value for m in again.metric}
    assert metrics[t("emb.encoded", "zh")] == "0" and metrics[t("emb.cached", "zh")] == "12"


def test_ray_choice_shows_the_address_and_an_unreachable_cluster_is_one_error(tmp_workspace: Path) -> None:
    at = AppTest.from_function(_panel_script, default_timeout=120)
    at.run()
    assert not at.exception and not at.text_input  # this machine by default: no address box
    at.radio(key="emb_where").set_value(t("emb.where.ray", "zh")).run()
    assert [ti.label for ti in at.text_input] == [t("emb.ray_address", "zh")]
    at.text_input(key="emb_ray_address").set_value("127.0.0.1:9").run()
    at.button(key="emb_compute").click().run()
    assert not at.exception and not at.metric
    assert len(at.error) == 1 and "is not reachable" in at.error[0].value and "9 is not" in at.error[0].value


@pytest.mark.slow
def test_ray_compute_fills_the_cache_and_the_panel_shows_the_counts(tmp_workspace: Path) -> None:
    import ray

    from core.distributed.backend import shutdown

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=300 * 2**20)
    try:
        at = AppTest.from_function(_panel_script, default_timeout=300)
        at.run()
        at.radio(key="emb_where").set_value(t("emb.where.ray", "zh")).run()
        at.button(key="emb_compute").click().run()  # empty address: the Ray runtime of this machine
        assert not at.exception and not at.error
        metrics = {m.label: m.value for m in at.metric}
        assert metrics[t("emb.encoded", "zh")] == "12" and metrics[t("emb.cached", "zh")] == "0"
        assert any(t("emb.ray_local", "zh") in i.value for i in at.info)
        assert len(at.dataframe[0].value) == 10  # the neighbours come from the vectors Ray wrote
    finally:
        shutdown()
