"""ui.typed_eval_views: translated labels for every method of the run, the methods table's columns, the Recall@k
figure's traces, the paired-comparison table, the unresolved entries and the template (which load_cases reads
back without a single unresolved entry)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from core.data.dataset import Dataset
from core.evaluation.cases import load_cases
from core.evaluation.statistics import bootstrap_ci, paired_comparison
from core.evaluation.typed_cases import (
    ABLATION,
    BASELINE,
    BASELINES,
    FUSED,
    KINDS,
    MethodResult,
    TypedCasesReport,
    metric_names,
    typed_methods,
)
from core.ranking.config import FusionConfig
from ui import typed_eval_views as tv
from ui.i18n import t

EXTRA = "<b>tuned</b>"
"""An extra fused configuration whose label is not in the catalogue (shown as given, escaped in plots)."""


def _tr(lang: str) -> tv.Translate:
    return lambda key, **fmt: t(key, lang, **fmt)


def _report(ks: tuple[int, ...] = (10, 50)) -> TypedCasesReport:
    """A report of four cases with known per-case values, different for every method and metric."""
    names = [("fused", FUSED), (EXTRA, FUSED), *[(f"{k} tags only", ABLATION) for k in KINDS],
             *[(b, BASELINE) for b in BASELINES]]
    methods = []
    for i, (name, group) in enumerate(names):
        per_case = {m: np.array([0.0, 0.1 * i, 0.1 * i, 0.05 * i]) * (j + 1) / 6 % 1.0
                    for j, m in enumerate(metric_names(ks))}
        intervals = {m: bootstrap_ci(v, n_boot=200, seed=0) for m, v in per_case.items()}
        methods.append(MethodResult(name, group, "", per_case, intervals, n_ranked=4 - (i % 2)))
    best = max((m for m in methods if m.group == BASELINE), key=lambda m: m.mean(f"recall@{ks[0]}"))
    comparisons = [paired_comparison(m.per_case[f"recall@{k}"], best.per_case[f"recall@{k}"],
                                     names=(m.name, best.name), metric=f"recall@{k}", n_boot=200)
                   for k in ks for m in methods if m.group == FUSED]
    return TypedCasesReport(
        dataset="demo", source="cases.json", split="test", ks=ks, config=FusionConfig(),
        case_ids=["a", "b", "c", "d"], methods=methods, comparisons=comparisons,
        cases={"n_unresolved": {"targets": 1, "mentioned": 0},
               "unresolved": [{"case": 2, "id": "b", "field": "targets", "value": "=HYPERLINK(\"x\")"}]},
        named={"mean_named": 1.0, "mean_recognised": 0.5, "n_targets_named": 1},
        kinds={k: 2 for k in KINDS}, n_skipped=1, seconds=0.5,
    )


# --- labels ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_method_of_the_run_has_a_translated_label(bilingual: Dataset, lang: str) -> None:
    engine: Any = SimpleNamespace(dataset=bilingual, item_vectors=np.zeros((bilingual.n_items, 4)))
    names = [m.name for m in typed_methods(engine, FusionConfig())]
    assert len(names) == 1 + len(KINDS) + len(BASELINES)
    labels = [tv.method_label(n, _tr(lang)) for n in names]
    assert all(label != name and not label.startswith("[") for label, name in zip(labels, names, strict=True))
    assert len(set(labels)) == len(labels)
    if lang == "zh":
        assert tv.method_label("item tags only", _tr("zh")) == "只用物品标签"
    assert tv.method_label(EXTRA, _tr(lang)) == EXTRA  # an extra configuration keeps its own name


def test_metric_and_stage_labels() -> None:
    en, zh = _tr("en"), _tr("zh")
    assert tv.metric_label("recall@10", en) == "Recall@10" and tv.metric_label("recall@10", zh) == "召回率@10"
    assert tv.metric_label("mrr", en) == "MRR"
    assert tv.stage_text("decomposed 3/10 cases", en) == "Decomposing case texts 3/10"
    assert tv.stage_text("ranked case 2/7", zh) == "正在排序用例 2/7"
    assert tv.stage_text("typed-interest evaluation done", en) == t("evaluate.cases.stage.done", "en")
    assert tv.stage_text("…", en) == t("evaluate.cases.stage.start", "en")
    assert tv.stage_text("something new", en) == "something new"


# --- the report -----------------------------------------------------------------------------------


def test_methods_frame_columns_rows_and_values() -> None:
    report = _report()
    en = _tr("en")
    frame = tv.methods_frame(report, en)
    expected = ["Method", "Group", "Cases ranked"]
    for metric in ["Recall@10", "Recall@50", "NDCG@10", "NDCG@50", "MRR"]:
        expected += [metric, f"{metric} 95% CI"]
    assert list(frame.columns) == expected
    assert list(frame["Method"]) == [tv.method_label(m.name, en) for m in report.methods]
    assert frame["Method"].iat[0] == "Fused (decomposed interests)"
    assert "Whole text as one query" in set(frame["Method"])
    assert list(frame["Group"]).count("baseline") == len(BASELINES)
    for mean, ci, m in zip(frame["Recall@10"], frame["Recall@10 95% CI"], report.methods, strict=True):
        iv = m.intervals["recall@10"]
        assert mean == pytest.approx(iv.mean, abs=1e-4) and ci == f"[{iv.low:.3f}, {iv.high:.3f}]"
    zh = tv.methods_frame(report, _tr("zh"))
    assert "召回率@10" in zh.columns and zh.iat[0, 0] == "融合排序（分解后的兴趣）"


def test_recall_chart_one_trace_per_group_and_k_with_error_bars() -> None:
    report = _report()
    fig = tv.recall_chart(report, _tr("en"))
    assert fig.layout.barmode == "group"
    assert len(fig.data) == len(tv.GROUPS) * len(report.ks)
    by_name = {m.name: m for m in report.methods}
    labels = {tv.method_label(m.name, _tr("en")): m for m in report.methods}
    for trace in fig.data:
        k = int(trace.offsetgroup.removeprefix("k"))
        group = trace.legendgroup
        assert trace.marker.color == tv.GROUP_COLOURS[group]
        assert trace.name.endswith(f"Recall@{k}")
        for x, y, up, down in zip(trace.x, trace.y, trace.error_y.array, trace.error_y.arrayminus, strict=True):
            m = labels.get(x) or by_name[EXTRA]
            iv = m.intervals[f"recall@{k}"]
            assert m.group == group and y == pytest.approx(iv.mean)
            assert up == pytest.approx(iv.high - iv.mean) and down == pytest.approx(iv.mean - iv.low)
            assert up >= 0 and down >= 0
    xs = {x for trace in fig.data for x in trace.x}
    assert "&lt;b&gt;tuned&lt;/b&gt;" in xs and EXTRA not in xs  # the extra label is escaped for plotly
    assert list(fig.layout.xaxis.categoryarray)[:1] == ["Fused (decomposed interests)"]
    assert len(fig.layout.xaxis.categoryarray) == len(report.methods)


def test_comparisons_frame_and_verdicts() -> None:
    report = _report()
    frame = tv.comparisons_frame(report, _tr("en"))
    assert len(frame) == len(report.comparisons) == 4
    assert set(frame[t("evaluate.sig.candidate", "en")]) == {"Fused (decomposed interests)", EXTRA}
    best = report.best_baseline()
    assert best is not None
    assert set(frame[t("evaluate.sig.reference", "en")]) == {tv.method_label(best.name, _tr("en"))}
    assert set(frame[t("evaluate.cases.col.metric", "en")]) == {"Recall@10", "Recall@50"}
    sentences = tv.verdicts(report, _tr("en"))
    assert len(sentences) == 4 and all(tv.method_label(best.name, _tr("en")) in s for s in sentences)
    assert tv.verdicts(report, _tr("en"), metrics=["ndcg@10"]) == []


def test_downloads_are_the_cli_documents() -> None:
    report = _report()
    payload = json.loads(tv.report_json(report))
    assert payload == json.loads(json.dumps(report.to_dict(), default=str))
    assert [m["name"] for m in payload["methods"]][:2] == ["fused", EXTRA]
    assert tv.report_markdown(report).decode("utf-8") == report.to_markdown()
    assert tv.kinds_text(report, _tr("en")) == "Item 2 · Attribute 2 · Free-text 2 · Gist 2"


# --- the cases file -------------------------------------------------------------------------------


def test_unresolved_entries_are_listed_and_escaped_in_the_csv(bilingual: Dataset) -> None:
    item = str(bilingual.item_ids[0])
    data = json.dumps([
        {"id": "a", "text": "something", "targets": [item, "=HYPERLINK(\"http://x\")"], "split": "dev"},
        {"text": "more", "targets": [item], "mentioned": ["no such title at all 12345"]},
    ]).encode("utf-8")
    cases = load_cases(data, bilingual, name="c.json")
    frame = tv.unresolved_frame(cases.summary()["unresolved"], _tr("en"))
    assert list(frame.columns) == ["Case #", "Case id", "Field", "Entry"]
    assert frame.values.tolist() == [[1, "a", "targets", "=HYPERLINK(\"http://x\")"],
                                     [2, "case-2", "mentioned", "no such title at all 12345"]]
    csv = tv.unresolved_csv(frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "no such title at all 12345" in csv
    assert tv.unresolved_frame([], _tr("en")).columns.tolist() == ["Case #", "Case id", "Field", "Entry"]
    assert tv.split_options(cases) == ["all", "dev"]  # the case without a split is only in "all"
    assert tv.split_option_label("all", cases, _tr("en")) == "all (2 cases)"
    assert tv.split_option_label("dev", cases, _tr("zh")) == "dev（1 条）"
    assert tv.splits_text(cases, _tr("en")) == "no split 1 · dev 1"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("demo", ["bilingual", "movielens"])
def test_template_is_a_valid_cases_file_of_real_items(demo: str, lang: str, request: pytest.FixtureRequest) -> None:
    dataset: Dataset = request.getfixturevalue(demo)
    data = tv.template_bytes(dataset, _tr(lang))
    raw = json.loads(data)
    cases = load_cases(data, dataset, name="template.json")
    assert len(cases) == len(raw) == 3 and cases.unresolved == ()
    assert cases.splits() == {"dev": 2, "test": 1}
    assert cases.n_titles >= 2  # titles and ids both appear
    popular = np.argsort(-dataset.item_popularity, kind="stable")
    first = cases.cases[0]
    assert first.mentioned == (int(popular[0]),) and first.targets == (int(popular[1]), int(popular[2]))
    assert dataset.titles([int(popular[0])])[0] in first.text
