"""The Evaluate page's "Typed interests" tab under Streamlit's AppTest, on the MovieLens demo.

A small valid cases file is uploaded, evaluated (the run of ``python -m core evaluate-interests``) and shown:
the methods table with the fused and the baseline rows, the Recall@k chart, the paired comparisons, the
unresolved entry listed. A malformed file gets an error naming the case and the field. The report stays in
session state when the file is gone (as after visiting another page).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.data.dataset import Dataset
from ui import typed_eval_panel as panel
from ui import typed_eval_views as tv
from ui.i18n import t

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "evaluate.py")
TIMEOUT = 900


def _errors(at: AppTest) -> str:
    """The page's exceptions with their stack traces (the app config redacts messages in the UI)."""
    return "\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in at.exception)


def _page(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state["dataset_key"] = "demo:movielens"
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, _errors(at)
    return at


# Chinese, the default language: the history tab's selectboxes format their options with the session's
# language, which AppTest cannot see when it collects widget values after an upload (Chinese then).


def _upload(at: AppTest, name: str, data: bytes) -> None:
    at.file_uploader(key=panel.FILE_KEY).set_value((name, data, "application/json"))
    at.run()
    assert not at.exception, _errors(at)


def _frame_with(at: AppTest, column: str) -> pd.DataFrame:
    frames = [df.value for df in at.dataframe if column in df.value.columns]
    assert frames, f"no table with a {column!r} column"
    return frames[0]


def test_tabs_and_a_malformed_file_named_by_case_and_field() -> None:
    at = _page()
    assert [tab.label for tab in at.tabs] == ["用户历史", "输入的兴趣"]
    assert any(i.value == t("evaluate.cases.need_file", "zh") for i in at.info)
    assert any(b.label == t("evaluate.cases.template", "zh") for b in at.get("download_button"))

    bad = json.dumps([{"id": "ok", "text": "like The Matrix", "targets": ["2571"]},
                      {"id": "broken", "targets": ["1"]}]).encode("utf-8")
    _upload(at, "bad.json", bad)
    errors = [e.value for e in at.error]
    assert len(errors) == 1, errors
    assert "case 2" in errors[0] and "'text'" in errors[0] and "broken" in errors[0], errors[0]
    assert panel.REPORT_KEY not in at.session_state
    assert not [b for b in at.button if b.label == t("evaluate.cases.run", "zh")]  # nothing to run

    _upload(at, "not_json.json", b"[{\"text\": ")
    assert len(at.error) == 1 and "not valid JSON" in at.error[0].value


def test_unresolved_entries_are_listed_before_the_run() -> None:
    at = _page()
    cases = [{"id": "a", "text": "像《黑客帝国》那样的", "targets": ["2571", "No Such Film At All (1899)"]},
             {"id": "b", "text": "I love Tom Hanks", "targets": ["356"], "mentioned": ["Zzzz Qqqq"],
              "split": "dev"}]
    _upload(at, "cases.json", json.dumps(cases, ensure_ascii=False).encode("utf-8"))
    assert not at.error
    assert [w.value for w in at.warning] == [t("evaluate.cases.unresolved", "zh", n=2, targets=1, mentioned=1)]
    table = _frame_with(at, t("evaluate.cases.col.value", "zh"))
    assert table[t("evaluate.cases.col.value", "zh")].tolist() == ["No Such Film At All (1899)", "Zzzz Qqqq"]
    assert table[t("evaluate.cases.col.field", "zh")].tolist() == ["目标", "提到的"]
    assert at.selectbox(key=panel.SPLIT_KEY).options == ["全部（2 条）", "dev（1 条）"]
    assert any(b.label == t("evaluate.cases.export_unresolved", "zh") for b in at.get("download_button"))


@pytest.mark.slow
def test_run_on_movielens_shows_methods_side_by_side(movielens: Dataset) -> None:
    at = _page()
    cases = [
        {"id": "matrix", "split": "test", "text": "Something like The Matrix, I love sci-fi action",
         "mentioned": ["2571"], "targets": ["Terminator 2: Judgment Day (1991)", "1240", "Nonexistent Film 9999"]},
        {"id": "hanks", "split": "test", "text": "I loved Forrest Gump and Toy Story, more like those please",
         "targets": ["Cast Away (2000)", "3114", "1"]},
        {"id": "horror", "split": "dev", "text": "scary horror films", "targets": ["1258"]},
    ]
    _upload(at, "movielens_cases.json", json.dumps(cases).encode("utf-8"))
    at.selectbox(key=panel.SPLIT_KEY).set_value("test")
    at.multiselect(key=panel.K_KEY).set_value([10, 50])
    [run] = [b for b in at.button if b.label == t("evaluate.cases.run", "zh")]
    run.click().run()
    assert not at.exception, _errors(at)
    assert not at.error, [e.value for e in at.error]

    saved = at.session_state[panel.REPORT_KEY]
    assert isinstance(saved, tv.StoredRun) and saved.dataset_fp == movielens.fingerprint
    report = saved.report
    assert report.split == "test" and report.ks == (10, 50) and report.n_cases == 2
    assert report.cases["n_unresolved"]["targets"] == 1

    table = _frame_with(at, "方法")
    methods = table["方法"].tolist()
    assert "融合排序（分解后的兴趣）" in methods
    assert "整段文字作为一个查询" in methods and "最热门" in methods
    assert {"召回率@10", "召回率@50", "NDCG@10", "MRR", "召回率@10 95% 区间"} <= set(table.columns)
    assert table["召回率@10"].between(0, 1).all()
    assert table["召回率@10"].iat[0] == pytest.approx(report.method("fused").mean("recall@10"), abs=1e-4)
    charts = at.get("plotly_chart")
    assert charts, "the Recall@k chart"
    assert len(_frame_with(at, t("evaluate.sig.reference", "zh"))) == len(report.comparisons) > 0
    assert any(b.label == t("evaluate.cases.export_md", "zh") for b in at.get("download_button"))

    at.file_uploader(key=panel.FILE_KEY).set_value(None)  # the file is gone, as after visiting another page
    at.run()
    assert not at.exception, _errors(at)
    assert _frame_with(at, "方法")["方法"].tolist() == methods
