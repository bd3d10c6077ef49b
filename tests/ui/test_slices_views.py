"""ui.slices_views: slice tables, threshold sentences, the popularity-bias chart and calibration table."""

from __future__ import annotations

import pytest

from core.data.dataset import Dataset
from core.data.splits import SplitParams, resolve_threshold
from core.evaluation.breakdown import Breakdown, breakdown
from core.evaluation.options import EvalOptions
from core.evaluation.protocol import EvaluationReport, evaluate_dataset
from ui import slices_views as sv
from ui.evaluate_labels import config_label
from ui.i18n import t


def _tr(lang: str):  # type: ignore[no-untyped-def]
    return lambda key, **fmt: t(key, lang, **fmt)


def small_report(dataset: Dataset) -> EvaluationReport:
    """A quick evaluation of the bilingual demo: two baselines, two channels and the default fusion."""
    opts = EvalOptions(split=SplitParams(relevance_threshold=resolve_threshold(dataset, "auto"), seed=3),
                       k=5, baselines=("most_popular", "item_knn_cf"), channels=("mf", "popularity"),
                       tune=False, typed=False, model=None, n_boot=50, max_users=120)
    return evaluate_dataset(dataset, opts)


@pytest.fixture(scope="module")
def report(bilingual: Dataset) -> EvaluationReport:
    return small_report(bilingual)


@pytest.fixture(scope="module")
def parts(report: EvaluationReport) -> Breakdown:
    return breakdown(report.experiment, report.runtime["split"], n_boot=50)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tables_and_sentences(parts: Breakdown, report: EvaluationReport, lang: str) -> None:
    tr = _tr(lang)
    dims = [s.dimension for s in parts.slices.slicings]
    assert dims == ["activity", "popularity", "category", "language"]  # the bilingual demo has all four
    act = sv.slice_frame(parts.slices, "activity", "ndcg", tr)
    names = [r.name for r in report.experiment.results]
    assert list(act.index) == [config_label(n, tr) for n in names]
    assert len(act.columns) == 3 and t("evaluate.slices.slice.cold", lang) in act.columns[0]
    assert act.notna().all().all()
    th = parts.slices.slicing("activity").thresholds
    sentence = sv.thresholds_text(parts.slices.slicing("activity"), tr)
    assert str(th["cold_max"]) in sentence and str(th["light_max"]) in sentence and "[" not in sentence
    for dim in dims:
        assert "[" not in sv.thresholds_text(parts.slices.slicing(dim), tr)  # every key exists
    cat = sv.slice_frame(parts.slices, "category", "recall", tr)
    assert any("/" in c for c in cat.columns)  # the data's own bilingual category names
    intervals = sv.interval_frame(parts.slices, "popularity", "ndcg", tr)
    assert len(intervals) == 3 * len(names)
    assert (intervals[t("evaluate.slices.col.low", lang)] <= intervals[t("evaluate.slices.col.mean", lang)]).all()


def test_bias_chart_and_calibration(parts: Breakdown, report: EvaluationReport) -> None:
    tr = _tr("en")
    chosen = sv.default_bias_configs(report)
    assert chosen[0] == "fused_default" and len(chosen) == 2  # the fusion and the best reference
    fig = sv.bias_chart(parts.bias, chosen, tr)
    assert [tr_.name for tr_ in fig.data] == [t("evaluate.bias.interactions", "en"),
                                              *[config_label(n, tr) for n in chosen]]
    assert all(len(trace.x) == 10 for trace in fig.data)
    assert abs(sum(fig.data[1].y) - 1.0) < 1e-9
    frame = sv.bias_frame(parts.bias, chosen, tr, report.experiment.k)
    assert len(frame) == 2 and frame[t("evaluate.bias.col.tail", "en")].between(0, 1).all()
    assert parts.calibration is not None
    cal = sv.calibration_frame(parts.calibration, tr)
    scores = cal[t("evaluate.calib.col.score", "en")]
    assert scores.is_monotonic_increasing and (scores >= 0).all()


def test_skipped_dimension_labels() -> None:
    for code in ("no_categories", "monolingual"):
        for lang in ("zh", "en"):
            text = t(f"evaluate.slices.skipped.{code}", lang, dimension=t("evaluate.slices.dim.language", lang))
            assert "[" not in text and "{" not in text
