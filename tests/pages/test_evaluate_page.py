"""The Evaluate page, driven headlessly with Streamlit's AppTest on the bilingual demo (300 items).

One run with a small tuning budget, the weight sweep, a second run, the stored-run comparison, the
benchmark-settings button and the English UI.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.evaluation.options import benchmark_options
from core.evaluation.protocol import EvaluationReport
from core.workspace.store import default_workspace
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
    table = at.dataframe[0].value  # the results table comes first
    assert "ndcg@10" in table.columns and list(table.index) == names
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
    assert set(compared["run"].str.contains("first")) == {True, False}
    assert {"ndcg@10", "ndcg@5"} <= set(compared.columns)

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
