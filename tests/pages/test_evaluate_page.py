"""The Evaluate page, driven headlessly with Streamlit's AppTest on the bilingual demo (300 items).

One run with a small tuning budget, the weight sweep, a second run, the stored-run comparison, the
benchmark-settings button and the English UI; a quick English run whose rendered text (markdown,
captions, tables, options, charts) holds none of the core's ids.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from core.evaluation.options import benchmark_options
from core.evaluation.protocol import EvaluationReport
from core.workspace.store import default_workspace
from ui.evaluate_labels import config_label
from ui.i18n import t

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "evaluate.py")


def _errors(at: AppTest) -> str:
    return "\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in at.exception)


def _button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}"
    return matches[0]


def _configure(at: AppTest, *, k: int, name: str) -> None:
    at.selectbox(key="eval_split").set_value("leave_last")
    at.number_input(key="eval_n_last").set_value(3)
    at.number_input(key="eval_k").set_value(k)
    at.multiselect(key="eval_baselines").set_value(["most_popular", "als"])
    at.multiselect(key="eval_channels").set_value(["history", "mf", "item_knn", "popularity"])
    at.number_input(key="eval_trials").set_value(4)
    at.checkbox(key="eval_typed").uncheck()
    at.text_input(key="eval_name").set_value(name)


@pytest.mark.slow
def test_run_sweep_store_and_compare(tmp_workspace: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=900)
    at.session_state["dataset_key"] = "demo:bilingual"
    at.run()
    assert not at.exception, _errors(at)
    assert any(i.value == t("evaluate.nothing_yet", "zh") for i in at.info)

    _configure(at, k=10, name="first")
    _button(at, t("evaluate.run", "zh")).click().run()
    assert not at.exception, _errors(at)
    report = at.session_state["eval_report"]
    assert isinstance(report, EvaluationReport)
    names = [r.name for r in report.experiment.results]
    assert names[:2] == ["most_popular", "als"]
    assert {"channel:mf", "fused_default", "fused_tuned"} <= set(names)
    assert report.tuning is not None and report.tuning.n_trials == 4
    table = at.dataframe[0].value  # the results table comes first, every name in the UI language
    assert "NDCG@10" in table.columns and list(table.index) == [config_label(n, t) for n in names]
    assert len(at.get("plotly_chart")) >= 2  # metric bars with CIs + the trade-off scatter
    runs = default_workspace().list_runs()
    assert [r.name for r in runs] == ["first"]
    assert {r["name"] for r in runs[0].results["results"]} == set(names)

    at.selectbox(key="eval_sweep_channel").set_value("mf")
    at.button(key="eval_sweep_run").click().run()
    assert not at.exception, _errors(at)
    channel, sweep = at.session_state["eval_sweep"]
    assert channel == "mf" and list(sweep["weight"]) == [round(0.1 * i, 1) for i in range(11)]
    assert sweep["ndcg@10"].between(0, 1).all()

    _configure(at, k=5, name="second")
    _button(at, t("evaluate.run", "zh")).click().run()
    assert not at.exception, _errors(at)
    assert [r.name for r in default_workspace().list_runs()] == ["second", "first"]
    compared = at.dataframe[-1].value  # the stored-run comparison comes last
    assert set(compared[t("evaluate.col.run", "zh")].str.contains("first")) == {True, False}
    assert {"NDCG@10", "NDCG@5"} <= set(compared.columns)

    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, _errors(at)
    assert at.header[0].value == t("evaluate.header", "en")


def test_benchmark_settings_button(tmp_workspace: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.session_state["dataset_key"] = "demo:bilingual"
    at.run()
    assert not at.exception, _errors(at)
    _button(at, t("evaluate.bench_settings", "zh")).click().run()
    assert not at.exception, _errors(at)
    bench = benchmark_options()
    assert at.session_state["eval_split"] == bench.split.kind
    assert at.session_state["eval_threshold"] == str(bench.split.relevance_threshold)
    assert at.session_state["eval_trials"] == bench.n_trials
    assert at.session_state["eval_tune_baselines"] is True and at.session_state["eval_tune_channels"] is True


RAW_IDS = re.compile(r"\b(most_popular|item_knn_cf|mean_vector|fused_default|fused_tuned|channel:\w+|"
                     r"(?<!Catalogue )(precision|recall|ndcg|map|mrr|hit_rate|coverage|gini|novelty|ild|arp)@\d+)")
RAW_WORDS = {"als", "bpr", "group", "run", "name", "baseline", "channel", "fused", "tuned", "minmax", "zscore",
             "rank", "use-m3"}
MISSING_KEY = re.compile(r"\[[a-z_]+\.[\w.]+\]")


def _strings(node: Any) -> list[str]:
    """Every string inside a plotly figure's JSON except its technical fields (types, colours, groups)."""
    if isinstance(node, dict):
        return [s for k, v in node.items() if k not in ("type", "mode", "legendgroup", "color", "symbol",
                                                        "orientation", "groupclick", "barmode")
                for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


def _rendered_text(at: AppTest) -> list[str]:
    """What a person reads on the page: texts, labels, options, table headers and cells, chart texts."""
    out: list[str] = []
    for kind in ("header", "subheader", "markdown", "caption", "info", "warning", "success", "error"):
        out += [str(e.value) for e in getattr(at, kind)]
    for kind in ("button", "checkbox", "number_input", "text_input", "slider", "download_button"):
        out += [str(e.label) for e in getattr(at, kind)]
    for kind in ("selectbox", "multiselect"):
        for e in getattr(at, kind):
            out += [str(e.label), *map(str, e.options)]
    out += [str(e.label) for e in at.expander] + [str(e.label) for e in at.tabs]
    for frame in at.dataframe:
        value = frame.value
        out += [*map(str, value.columns), *map(str, value.index), str(value.index.name or "")]
        out += [v for v in value.to_numpy().ravel() if isinstance(v, str)]
    for chart in at.get("plotly_chart"):
        out += _strings(json.loads(chart.proto.spec))
    return out


def test_english_quick_run_shows_no_raw_ids(tmp_workspace: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=600)
    at.session_state["dataset_key"] = "demo:bilingual"
    at.session_state["lang"] = "en"
    at.run()
    at.number_input(key="eval_k").set_value(5)
    at.number_input(key="eval_max_users").set_value(60)
    at.multiselect(key="eval_baselines").set_value(["most_popular", "item_knn_cf", "als"])
    at.multiselect(key="eval_channels").set_value(["mf", "recency", "semantic"])
    at.number_input(key="eval_trials").set_value(2)
    _button(at, t("evaluate.run", "en")).click().run()
    assert not at.exception, _errors(at)
    report = at.session_state["eval_report"]
    assert isinstance(report, EvaluationReport) and "fused_tuned" in [r.name for r in report.experiment.results]
    texts = _rendered_text(at)
    assert "NDCG@5" in texts and "Fusion, tuned weights" in texts and "Item kNN (implicit)" in texts
    raw = [s for s in texts if RAW_IDS.search(s) or s.strip() in RAW_WORDS or MISSING_KEY.search(s)]
    assert not raw, raw
    # the bilingual demo has no user-written tags: the typed-interest section says so instead of 0.0000
    assert t("evaluate.typed_no_dataset_tags", "en") in [i.value for i in at.info]
    assert not any("0.0000" in s for s in texts if "Typed interests alone" in s)
