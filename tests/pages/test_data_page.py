"""The app shell and the Data page under Streamlit's AppTest, plus the page's helper functions."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from core.common.errors import DataError
from core.data.dataset import Dataset
from core.data.loaders import load_dataset, load_interactions
from core.data.report import IngestError, NothingLoadedError, Problem
from core.workspace.store import default_workspace
from ui import data_views as dv
from ui import state
from ui.safe import md_escape

ROOT = Path(__file__).parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 300


def _app(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    return at


# AppTest's switch_page runs the page script alone; to see the sidebar react to an upload, run the
# sidebar and the page together the way app.py's navigation does.
_SIDEBAR_AND_DATA_PAGE = f"""
import runpy, sys
sys.path.insert(0, {str(ROOT)!r})
from ui.sidebar import render_sidebar
render_sidebar()
runpy.run_path({str(ROOT / "pages" / "data.py")!r}, run_name="__page__")
"""


def _data_page(lang: str = "en") -> AppTest:
    at = AppTest.from_string(_SIDEBAR_AND_DATA_PAGE, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    return at


def test_home_runs() -> None:
    at = _app("zh")
    at.run()
    assert not at.exception
    assert len(at.metric) >= 4


def test_data_page_runs_with_statistics() -> None:
    at = _app("en")
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "Interactions" in labels and "Users" in labels
    assert len(at.get("plotly_chart")) == 6
    assert len(at.file_uploader) == 2
    assert "200 MB" in (at.file_uploader[0].help or "")


def test_upload_validate_load_and_select() -> None:
    at = _data_page("en")
    data = "用户ID,物品ID,评分,时间\nu1,i1,5,2024-01-01\nu1,i2,abc,2024-01-02\nu2,i1,4,1699999999\n,i3,3,\n"
    at.file_uploader(key="data_inter_file").set_value(("中文交互.csv", data.encode("gbk"), "text/csv"))
    at.run()
    assert not at.exception
    user_box = at.selectbox(key=next(k for k in _keys(at) if k.startswith("map:interactions:user:")))
    assert user_box.value == "用户ID"
    at.button(key="data_load").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    key = at.session_state["dataset_key"]
    assert key.startswith("ws:")  # registered in the workspace store: it survives a restart
    ds = default_workspace().load_dataset(key.removeprefix("ws:"))
    assert isinstance(ds, Dataset) and len(ds.interactions) == 2 and ds.name == "中文交互.csv"
    assert any("Saved to the workspace" in c.value for c in at.caption)
    assert at.selectbox(key="dataset_picker").value == key  # the sidebar follows the new dataset
    assert any("Current dataset" in s.value and "中文交互" in s.value for s in at.subheader)
    assert len(at.get("download_button")) == 1
    frames = [df.value for df in at.dataframe]
    problems = next(f for f in frames if "Reason" in f.columns and "Value" in f.columns)
    assert problems["Line"].tolist() == [3, 5, 5]
    assert problems["Reason"].tolist() == ["Rating is not a number", "User id is missing", "Timestamp is empty"]
    rejected = next(f for f in frames if "Reason" in f.columns and "评分" in f.columns)  # the rejected rows
    assert rejected["Line"].tolist() == [3, 5] and rejected["评分"].tolist() == ["abc", "3"]


def test_unreadable_upload_shows_a_translated_error() -> None:
    at = _data_page("zh")
    at.file_uploader(key="data_inter_file").set_value(("空.csv", b"", "text/csv"))
    at.run()
    assert not at.exception
    assert any(f"{md_escape('空.csv')} 是空文件" in e.value for e in at.error)


def test_all_rows_rejected_shows_the_report() -> None:
    at = _data_page("en")
    at.file_uploader(key="data_inter_file").set_value(("bad.csv", b"user,item,rating\n1,2,x\n", "text/csv"))
    at.run()
    at.button(key="data_load").click()
    at.run()
    assert not at.exception
    assert any(f"All 1 rows of {md_escape('bad.csv')} were rejected" in e.value for e in at.error)
    assert at.session_state["dataset_key"] == "demo:movielens"


def _keys(at: AppTest) -> list[str]:
    return [w.key for w in at.selectbox if w.key]


# --- helpers (no Streamlit run needed) ------------------------------------------------------------


def test_reason_text_translates_by_code() -> None:
    rep = load_interactions(b"u,i,r\n,1,2\n1,2,x\n1,3,4\n1,3,4\n", name="x.csv")
    zh = [dv.reason_text(p, "zh") for p in rep.problems]
    en = [dv.reason_text(p, "en") for p in rep.problems]
    assert zh == ["缺少用户 ID", "评分不是数字", "与第 4 行重复（用户、物品、时间都相同）"]
    assert en == [
        "User id is missing",
        "Rating is not a number",
        "Duplicate of line 4 (same user, item and timestamp)",
    ]
    assert dv.reason_text(Problem(1, "c", "v", "something new", "no_such_code"), "zh") == "something new"
    assert dv.reason_text(rep.problems[0].to_dict(), "en") == "User id is missing"


def test_error_text_translates_by_code() -> None:
    with pytest.raises(DataError) as info:
        load_interactions(b"a,b\n1,2\n", name="x.csv")
    assert dv.error_text(info.value, "zh").startswith("x.csv 中找不到“用户 ID”列")
    assert dv.error_text(info.value, "en").startswith("x.csv has no “User id” column")
    assert dv.error_text(DataError("plain"), "zh") == "plain"
    assert (
        dv.error_text(IngestError("m", "binary_file"), "en") == "m"
    )  # no file name to fill in: keep the message
    assert dv.error_text(IngestError("m", "binary_file", name="a.xlsx"), "zh").startswith(
        "a.xlsx 看起来是二进制文件"
    )


def test_problems_and_counts_tables() -> None:
    rep = load_interactions(b"u,i,r\n1,2,x\n1,3,y\n,4,1\n", name="x.csv")
    table = dv.problems_table(rep.problems, "en")
    assert list(table.columns) == ["Line", "Column", "Value", "Reason"]
    assert table["Line"].tolist() == [2, 3, 4]
    counts = dv.counts_table(rep.tally(), "en")
    assert counts.iloc[0].tolist() == ["Rating is not a number", 2]
    assert dv.counts_table(rep.problems, "en").equals(counts)  # a list of problems counts the same way
    assert len(dv.problems_table(rep.problems, "en", limit=1)) == 1


def test_report_view_and_translated_rejected_rows() -> None:
    _, inter, _ = load_dataset(b"u,i,r\n1,2,3\n1,3,x\n", name="up.csv")
    view = dv.report_view(inter)
    assert view["rows_rejected"] == 1 and view["rejected_file"] is None  # one row: kept in memory, no file
    assert dv.rejected_csv(view, "en").startswith(b"\xef\xbb\xbf")
    assert dv.rejected_csv(view, "en") == inter.rejected_csv()
    zh = dv.rejected_csv(view, "zh").decode("utf-8-sig")
    assert zh.splitlines() == ["u,i,r,line,reason", "1,3,x,3,评分不是数字"]


def test_nothing_loaded_reports_can_be_viewed() -> None:
    with pytest.raises(NothingLoadedError) as info:
        load_dataset(b"u,i,r\n1,2,x\n", name="bad.csv")
    views = [dv.report_view(r) for r in info.value.reports]
    assert views[0]["rows_loaded"] == 0 and len(views[0]["problems"]) == 1


def test_stats_figures(movielens: Dataset) -> None:
    figs = dv.stats_figures(movielens, "en")
    assert set(figs) == {"per_user", "per_item", "ratings", "activity", "categories", "tags"}
    assert all(isinstance(f, go.Figure) for f in figs.values())
    assert figs["per_user"].layout.xaxis.type == "log" and figs["per_user"].layout.yaxis.type == "log"
    # the category with the most interactions is drawn last (top of the chart): Action, 30,635 of 100,836
    assert list(figs["categories"].data[0].y)[-3:] == ["Drama", "Comedy", "Action"]
    assert list(figs["categories"].data[0].x)[-1] == 30_635


def test_stats_figures_explain_missing_data() -> None:
    ds, _, _ = load_dataset(b"u,i\n1,a\n2,b\n", name="implicit.csv")
    figs = dv.stats_figures(ds, "en")
    assert isinstance(figs["ratings"], str) and "implicit" in figs["ratings"]
    assert isinstance(figs["activity"], str) and "no timestamps" in figs["activity"]
    assert isinstance(figs["categories"], str) and isinstance(figs["tags"], str)


def test_chart_labels_are_escaped() -> None:
    ds, _, _ = load_dataset(
        b"u,i\n1,a\n",
        b'id,title,category,tags\na,A,<b>x</b>,"<img src=x onerror=alert(1)>"\n',
        name="html.csv",
    )
    figs = dv.stats_figures(ds, "en")
    assert figs["categories"].data[0].y[0] == "&lt;b&gt;x&lt;/b&gt;"
    assert "<img" not in figs["tags"].data[0].y[0]


# --- issue 16: privacy on the page, bounded reject lists ----------------------------------------------

BOB = "bob.k9zq@example.com"


def _page_text(at: AppTest) -> str:
    """Everything the page shows as text: Markdown, captions, messages, metrics and every table cell."""
    parts = [str(e.value) for kind in ("markdown", "caption", "error", "warning", "success", "info", "subheader")
             for e in at.get(kind)]  # fmt: skip
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [df.value.to_csv(index=False) + " ".join(map(str, df.value.columns)) for df in at.dataframe]
    return "\n".join(parts)


def test_pseudonymised_upload_shows_no_raw_id_anywhere() -> None:
    at = _data_page("en")
    data = (f"user,item,rating,timestamp\nalice,1,4,1600000000\n{BOB},2,4,1600000000,extra\n{BOB},3,x,1600000000\n"
            f"{BOB},4,4,\nalice,5,4,1600000001\n").encode()  # fmt: skip
    at.file_uploader(key="data_inter_file").set_value(("private.csv", data, "text/csv"))
    at.run()
    assert BOB in _page_text(at)  # the preview shows the file as uploaded until pseudonymisation is on
    at.checkbox(key="data_pseudonymise").check()
    at.run()
    assert "k9zq" not in _page_text(at) and "••••" in _page_text(at)  # no key yet: the preview masks the ids
    at.text_input(key="data_pseudonymise_key").input("s3cret")
    at.run()
    at.button(key="data_load").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = _page_text(at)
    assert "k9zq" not in text and "example.com" not in text
    assert "Timestamp is empty" in text and "hidden: may contain a raw user id" in text  # the rows were reported
    (button,) = at.get("download_button")
    assert button.proto.label == "Download all 3 rejected rows (CSV)"


def test_a_junk_upload_shows_the_first_rows_of_many_and_offers_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERESTLENS_MAX_PROBLEMS", "5")
    at = _data_page("en")
    rows = "".join(f"u{i},i{i},{'x' if i % 2 else '4'}\n" for i in range(40))
    at.file_uploader(key="data_inter_file").set_value(("junk.csv", f"user,item,rating\n{rows}".encode(), "text/csv"))
    at.run()
    at.button(key="data_load").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value for c in at.caption]
    assert "Showing the first 5 of 20 rejected rows; the download has all of them." in captions
    assert "Showing the first 5 of 20; download the rejected rows for all of them." in captions
    frames = [df.value for df in at.dataframe]
    problems = next(f for f in frames if "Value" in f.columns)
    assert problems["Line"].tolist() == [3, 5, 7, 9, 11]
    counts = next(f for f in frames if "Count" in f.columns)
    assert counts["Count"].tolist() == [20]  # exact, not the 5 shown
    view = at.session_state[state.LOAD_KEY].reports[0]
    assert len(view["problems"]) == 5 and len(view["rejected"]) == 5  # what the session keeps
    assert Path(view["rejected_file"]).read_bytes().decode("utf-8-sig").count("\n") == 21  # header + all 20


def test_the_upload_form_shows_the_signal_guess_and_the_event_weights() -> None:
    at = _data_page("zh")
    data = ("用户,物品,时间,行为\nu1,a,2024-01-01 10:00:00,浏览\nu1,a,2024-01-01 10:05:00,加购\n"
            "u1,a,2024-01-01 10:09:00,购买\nu2,a,2024-01-02 09:00:00,浏览\nu2,b,2024-01-03 09:00:00,收藏\n")
    at.file_uploader(key="data_inter_file").set_value(("行为日志.csv", data.encode("utf-8"), "text/csv"))
    at.run()
    assert not at.exception
    box = at.selectbox(key=next(k for k in _keys(at) if k.startswith("signal:")))
    assert box.value == "count" and box.label == "数值列的含义"
    assert any("没有数值列：5 条行为（4 种）" in c.value for c in at.caption)
    weights = at.text_input(key=next(w.key for w in at.text_input if (w.key or "").startswith("event_weights:")))
    assert weights.value == "view=1,favourite=2,cart=3,purchase=5"
    weights.set_value("浏览=1,加购=3,购买=10")
    at.run()
    at.button(key="data_load").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    ds = default_workspace().load_dataset(at.session_state["dataset_key"].removeprefix("ws:"))
    assert ds.signal.kind == "count" and ds.signal.reason == "events_aggregated"
    assert ds.matrix[ds.user_index["u1"], ds.item_index["a"]] == 14.0  # 1 + 3 + 10


def test_a_declared_signal_is_kept() -> None:
    at = _data_page("en")
    data = "user,item,rating\n" + "".join(f"u{u},i{i},{(u + i) % 5 + 1}\n" for u in range(4) for i in range(6))
    at.file_uploader(key="data_inter_file").set_value(("scores.csv", data.encode(), "text/csv"))
    at.run()
    box = at.selectbox(key=next(k for k in _keys(at) if k.startswith("signal:")))
    assert box.value == "explicit"
    assert any(c.value.startswith("Guess: Explicit ratings") and "5 distinct values on a 1 grid" in c.value
               for c in at.caption)
    assert not any((w.key or "").startswith("event_weights:") for w in at.text_input)
    box.set_value("count")
    at.run()
    at.button(key="data_load").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    ds = default_workspace().load_dataset(at.session_state["dataset_key"].removeprefix("ws:"))
    assert (ds.signal.kind, ds.signal.guessed) == ("count", False)
