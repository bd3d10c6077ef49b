"""ui.evaluate_views: the settings form round-trips EvalOptions; stored runs include the benchmark only
for the MovieLens demo; tables, charts and sentences name configurations, metrics and columns in zh/en
(a real small run without a language model), exports keep the ids; empty typed-interest results are
explained."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from core.data.dataset import Dataset
from core.data.splits import SplitParams
from core.evaluation.options import EvalOptions, benchmark_options
from core.evaluation.protocol import EvaluationReport, evaluate_dataset
from ui import evaluate_labels as el
from ui import evaluate_views as ev
from ui.i18n import t


def test_benchmark_settings_round_trip_through_the_form(movielens: Dataset) -> None:
    bench = benchmark_options()
    values = ev.form_values(bench)
    assert set(values) == set(ev.FORM_DEFAULTS) - {"eval_name"}
    back = ev.options_from_values(values, movielens, "use-m3")
    assert back == bench


def test_form_defaults_give_usable_options(bilingual: Dataset) -> None:
    opts = ev.options_from_values(ev.FORM_DEFAULTS, bilingual, "use-m3")
    assert opts.k == 10 and opts.split is not None and opts.split.kind == "random"
    record = ev.options_record(opts)
    assert record["split"]["kind"] == "random" and record["model"] == "use-m3"


def test_stored_runs_list_the_benchmark_for_movielens_only(
    tmp_workspace: Path, movielens: Dataset, bilingual: Dataset
) -> None:
    def tr(key: str, **_: object) -> str:
        return key

    session = [{"name": "mine", "fp": bilingual.fingerprint, "results": {"results": []}}]
    assert [label for label, _ in ev.stored_runs(bilingual, session, tr, str)] == ["S1 mine"]
    assert ev.BENCH_FILE.exists(), "the recorded MovieLens benchmark ships in bench/results"
    runs = ev.stored_runs(movielens, session, tr, str)
    assert [label for label, _ in runs] == ["evaluate.bench_run"]
    assert runs[0][1]["results"], "the benchmark's evaluation payload (runs_table reads its results)"


def test_typed_frame_says_off_when_history_alone_was_chosen() -> None:
    from ui.i18n import t

    rows = [{"name": "fused_default", "ndcg_history": 0.28, "ndcg_typed": 0.20, "ndcg_typed_tuned": 0.28,
             "chosen_typed_weight": None, "recall_history": 0.11, "recall_typed_tuned": 0.11,
             "wilcoxon_p_tuned": None},
            {"name": "fused_tuned", "ndcg_history": 0.29, "ndcg_typed": 0.21, "ndcg_typed_tuned": 0.30,
             "chosen_typed_weight": 0.05, "recall_history": 0.11, "recall_typed_tuned": 0.12,
             "wilcoxon_p_tuned": 0.2}]
    frame = ev.typed_frame({"rows": rows}, lambda key, **kw: t(key, "en", **kw))
    assert frame[t("evaluate.typed.weight", "en")].tolist() == ["off (history only)", "0.05"]


# --- words for people: every id the core uses reads as a label on screen, the exports keep the ids --------

RAW = re.compile(r"\b(most_popular|item_knn_cf|mean_vector|fused_default|fused_tuned|channel:\w+|"
                 r"(?<!Catalogue )(precision|recall|ndcg|map|mrr|hit_rate|coverage|gini|novelty|ild|arp)@\d+)")
MISSING_KEY = re.compile(r"^\[[\w.]+\]$")
RAW_WORDS = {"als", "bpr", "group", "run", "name", "baseline", "channel", "fused", "tuned", "ndcg", "minmax",
             "zscore", "rank"}


def _tr(lang: str):  # type: ignore[no-untyped-def]
    return lambda key, **kw: t(key, lang, **kw)


def _shown(strings: list[str]) -> list[str]:
    """The strings among ``strings`` that show a raw id."""
    return [s for s in strings if RAW.search(s) or s.strip() in RAW_WORDS or MISSING_KEY.match(s)]


def _frame_strings(frame: pd.DataFrame) -> list[str]:
    cells = [str(v) for v in frame.to_numpy().ravel() if isinstance(v, str)]
    return [*map(str, frame.columns), *map(str, frame.index), str(frame.index.name or ""), *cells]


def _figure_strings(fig: go.Figure) -> list[str]:
    out: list[str] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in ("legendgroup", "type", "mode", "orientation", "color", "symbol", "groupclick"):
                    walk(v, k)
        elif isinstance(node, list | tuple):
            for v in node:
                walk(v, key)
        elif isinstance(node, str):
            out.append(node)

    walk(fig.to_plotly_json())
    return out


@pytest.fixture(scope="module")
def report(bilingual: Dataset) -> EvaluationReport:
    """A small real run without a language model: two baselines (the mean-vector one is skipped: no item
    vectors), two channels (the semantic one drops out: no typed interests), default and tuned fusion."""
    opts = EvalOptions(split=SplitParams(kind="leave_last", n_last=2), k=5,
                       baselines=("most_popular", "item_knn_cf", "mean_vector"), channels=("mf", "recency", "semantic"),
                       n_trials=2, typed=False, model=None, n_boot=50, max_users=80)
    return evaluate_dataset(bilingual, opts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_results_table_shows_labels_and_the_export_keeps_ids(report: EvaluationReport, lang: str) -> None:
    tr = _tr(lang)
    metrics = ["precision", "ndcg", "coverage", "gini"]
    frame = ev.display_table(report, metrics, tr)
    assert not _shown(_frame_strings(frame)), _shown(_frame_strings(frame))
    names = [r.name for r in report.experiment.results]
    assert list(frame.index) == [el.config_label(n, tr) for n in names]
    assert frame.index.name == tr("evaluate.col.configuration")
    assert list(frame.columns) == [tr("evaluate.col.group"), *(el.metric_label(f"{m}@5", tr) for m in metrics)]
    assert "NDCG@5" in frame.columns
    # the best value is marked per column, lower being better for the Gini of exposure
    css = ev.results_table(report, metrics, tr).to_html().split("</style>")[0]
    marked = {(int(r), int(c)) for r, c in re.findall(r"_row(\d+)_col(\d+)", css)}
    for col, metric in enumerate(metrics, start=1):
        values = frame.iloc[:, col].to_numpy()
        best = values.min() if metric == "gini" else values.max()
        assert {r for r, c in marked if c == col} == {r for r, v in enumerate(values) if v == best}, metric
    higher = ev.metric_directions(metrics, 5, tr)
    assert higher[el.metric_label("gini@5", tr)] is False and higher["NDCG@5"] is True
    # the exports keep the ids
    assert list(report.table().index) == names and "ndcg@5" in report.table().columns
    assert {r["name"] for r in report.to_dict()["results"]} == set(names)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_charts_and_comparisons_show_labels(report: EvaluationReport, lang: str) -> None:
    tr = _tr(lang)
    for fig in (ev.metric_chart(report, "ndcg", tr), ev.tradeoff_chart(report, "coverage", "ndcg", tr)):
        assert not _shown(_figure_strings(fig)), _shown(_figure_strings(fig))
    assert not _shown(_frame_strings(ev.significance_frame(report, tr)))
    assert report.experiment.comparisons and not _shown(ev.verdicts(report, tr))
    assert report.tuning is not None
    assert not _shown(_figure_strings(ev.trials_chart(report.tuning, tr)))
    summary = ev.tuning_summary(report.tuning, tr)
    assert "NDCG@5" in summary and report.tuning.best_config.normalisation not in summary


def test_tradeoff_points_are_named_in_the_legend_not_on_the_plot(report: EvaluationReport) -> None:
    fig = ev.tradeoff_chart(report, "coverage", "ndcg", _tr("en"))
    assert len(fig.data) == len(report.experiment.results)
    assert all(trace.mode == "markers" and trace.text is None for trace in fig.data), "no text drawn on the plot"
    assert [trace.name for trace in fig.data][:2] == ["Most popular", "Item kNN (implicit)"]
    assert {trace.legendgrouptitle.text for trace in fig.data} >= {"Baseline", "Fusion (tuned)"}
    # configurations of one group differ by marker shape
    symbols = [trace.marker.symbol for trace in fig.data if trace.legendgroup == "baseline"]
    assert len(set(symbols)) == len(symbols) == 2
    assert "Most popular" in fig.data[0].hovertemplate and "NDCG@5" in fig.data[0].hovertemplate


def test_not_evaluated_reasons_are_translated(report: EvaluationReport) -> None:
    zh = _tr("zh")
    pairs = ev.not_evaluated(report, zh)
    assert [name for name, _ in pairs] == [t("evaluate.baseline.mean_vector", "zh"), "仅语义（兴趣）"], \
        "the skipped baseline and the chosen channel that applies to nobody; unchosen channels are not listed"
    for name, reason in pairs:
        assert not _shown([name]) and re.search(r"[\u4e00-\u9fff]", reason), (name, reason)


def test_component_tuning_frame_labels_names_and_parameters() -> None:
    part = {"als": {"default_validation_ndcg": 0.1, "validation_ndcg": 0.2,
                    "params": {"factors": 64, "regularization": 0.05}}}
    frame = ev.component_tuning_frame(part, _tr("en"), "baseline")
    row = frame.iloc[0].tolist()
    assert row[0] == "ALS (implicit)" and row[-1] == "Factors 64 · Regularisation 0.05"
    channels = ev.component_tuning_frame({"mf": {**part["als"], "params": {"mf_factors": 32}}}, _tr("zh"), "channel")
    assert channels.iloc[0].tolist()[0] == "矩阵分解" and channels.iloc[0].tolist()[-1] == "隐因子数 32"


def test_empty_typed_results_are_explained() -> None:
    en = _tr("en")
    empty = {"n_users": 0, "n_users_with_tags": 0, "rows": []}
    assert ev.typed_empty_text(empty, n_users=80, max_users=None, has_tags=False, translate=en).startswith(
        "This dataset has no tags written by its users")
    sampled = ev.typed_empty_text(empty, n_users=80, max_users=80, has_tags=True, translate=en)
    assert sampled.startswith("None of the 80 test users of this run wrote tags") and "only 80 users" in sampled
    assert "only" not in ev.typed_empty_text(empty, n_users=80, max_users=None, has_tags=True, translate=en)
    unusable = {**empty, "n_users_with_tags": 4}
    assert ev.typed_empty_text(unusable, n_users=80, max_users=None, has_tags=True, translate=en).startswith("4 test")


def test_typed_only_zero_is_explained_not_printed_as_zeros() -> None:
    en = _tr("en")
    zero = {"n_users": 12, "typed_only": {"ndcg": 0.0, "recall": 0.0}}
    text = ev.typed_only_text(zero, 10, en)
    assert "0.0000" not in text and "none of the 12 users' held-out items in their top 10" in text
    assert "Only 12 users with tags" in text
    some = {"n_users": 300, "typed_only": {"ndcg": 0.0123, "recall": 0.05}}
    assert ev.typed_only_text(some, 10, en) == (
        "Typed interests alone (semantic channel only): NDCG 0.0123, recall 0.0500.")
    zh = ev.typed_only_text(zero, 10, _tr("zh"))
    assert "0.0000" not in zh and "12 个用户" in zh


def test_typed_frame_names_configurations() -> None:
    rows = [{"name": "fused_tuned", "ndcg_history": 0.29, "ndcg_typed": 0.21, "recall_history": 0.11}]
    frame = ev.typed_frame({"rows": rows}, _tr("en"))
    assert frame.iloc[0, 0] == "Fusion, tuned weights" and not _shown(_frame_strings(frame))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tuning_guard_and_weight_importance_are_labelled(report: EvaluationReport, lang: str) -> None:
    tr = _tr(lang)
    tuning = report.tuning
    assert tuning is not None and tuning.decision
    text = ev.guard_text(tuning, tr)
    assert text and not _shown([text]) and str(tuning.decision["reason"]) not in text
    assert ev.guard_text(type(tuning)(tuning.best_config, 0.1, 0.1, "ndcg@5", tuning.trials, 1.0, 0), tr) is None
    fig = ev.importance_chart(tuning, tr)
    if tuning.importances:
        assert fig is not None and not _shown(_figure_strings(fig))
        assert abs(sum(fig.data[0].x) - 1.0) < 1e-6 and len(fig.data[0].y) == len(tuning.importances)
    else:
        assert fig is None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_interaction_transform_is_named_with_its_reason(report: EvaluationReport, lang: str) -> None:
    from core.data.confidence import Confidence
    from core.evaluation.confidence_tuning import ConfidenceChoice

    tr = _tr(lang)
    assert report.confidence is not None  # chosen on validation by default
    frame = ev.transform_frame(report.confidence, tr)
    assert len(frame) == len(report.confidence.scores) and frame[tr("evaluate.col.used")].tolist().count("✓") == 1
    assert not _shown(_frame_strings(frame)), _shown(_frame_strings(frame))
    text = ev.transform_text(report.confidence, tr)
    assert tr(f"data.signal.kind.{report.confidence.signal}") in text
    adopted = ConfidenceChoice(chosen=Confidence("bm25", alpha=2.0), default=Confidence("log"), signal="count",
                               scores=[{"label": "a", **Confidence("log").to_dict(), "validation_ndcg": 0.1},
                                       {"label": "b", **Confidence("bm25", alpha=2.0).to_dict(),
                                        "validation_ndcg": 0.2}],
                               adopted=True, p_value=0.001, n_users=300)
    text = ev.transform_text(adopted, tr)
    assert el.transform_label(Confidence("bm25", alpha=2.0).to_dict(), tr) in text and "300" in text
    assert "K1 100" in el.transform_label(Confidence("bm25").to_dict(), tr)
    assert el.param_text({"confidence": Confidence("log").to_dict()}, tr).startswith(tr("evaluate.param.confidence"))


def test_tuned_weights_leave_out_channels_that_scored_nobody(report: EvaluationReport) -> None:
    assert report.tuning is not None and "semantic" in report.dropped_channels
    tr = _tr("en")
    shown = ev.tuned_weights_frame(report.tuning, tr, report.dropped_channels)[tr("evaluate.col.channel")].tolist()
    assert tr("tuning.channel.semantic") not in shown and tr("tuning.channel.mf") in shown
    assert "semantic " not in report.to_markdown().split("weights ", 1)[-1].split("\n", 1)[0]
