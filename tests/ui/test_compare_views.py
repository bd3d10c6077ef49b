"""The Compare section's helpers: choices and their configurations, the delta table, histogram and cases."""

from __future__ import annotations

import pytest

from core.data.dataset import Dataset
from core.data.splits import SplitParams, resolve_threshold, split_dataset
from core.evaluation.compare import ConfigComparison, compare_configurations
from core.ranking.config import FusionConfig, FusionWeights
from ui import compare_views as cv
from ui.i18n import t


def _tr(lang: str):  # type: ignore[no-untyped-def]
    return lambda key, **fmt: t(key, lang, **fmt)


@pytest.fixture(scope="module")
def result(bilingual: Dataset) -> ConfigComparison:
    split = split_dataset(bilingual, SplitParams(relevance_threshold=resolve_threshold(bilingual, "auto"), seed=1))
    a = cv.configuration_for("channel:mf", {}, FusionConfig(), _tr("en"))
    b = cv.configuration_for("baseline:most_popular", {}, FusionConfig(), _tr("en"))
    return compare_configurations(split.subsample(80, seed=1), a, b, k=5, n_boot=50, n_cases=3)


def test_choices_and_configurations() -> None:
    options = cv.choices(["mine"], has_current=True)
    assert options[:2] == ["default", "current"] and "bundled:typed_cold_start" in options
    assert "saved:mine" in options and "channel:ease" in options and "baseline:ease" in options
    assert "current" not in cv.choices([], has_current=False)
    current = FusionConfig(weights=FusionWeights.from_dict({"graph": 2.0}))
    saved = {"mine": FusionConfig(weights=FusionWeights.from_dict({"mf": 1.0}))}
    tr = _tr("en")
    assert cv.configuration_for("current", saved, current, tr).config == current
    assert cv.configuration_for("saved:mine", saved, current, tr).config == saved["mine"]
    assert cv.configuration_for("default", saved, current, tr).config == FusionConfig()
    assert cv.configuration_for("channel:mf", saved, current, tr).channels() == ("mf",)
    base = cv.configuration_for("baseline:ease", saved, current, tr)
    assert base.kind == "baseline" and base.baseline == "ease"
    for option in options:  # every label is translated in both languages (no "[key]" gaps)
        for lang in ("zh", "en"):
            assert not cv.choice_label(option, _tr(lang)).startswith("[")
    assert cv.choice_label("saved:<b>x</b>", tr) == "Saved preset: <b>x</b>"  # data, escaped by the page


def test_tables_and_figures(result: ConfigComparison) -> None:
    tr = _tr("zh")
    frame = cv.delta_frame(result, tr)
    assert len(frame) == len(result.metrics) and list(frame.columns)[1:3] == ["A", "B"]
    assert frame.iloc[0, 0] == "NDCG@5"
    fig = cv.delta_histogram_chart(result, tr)
    assert sum(fig.data[0].y) == result.n_users
    assert str(result.wins) in fig.layout.title.text
    colours = list(fig.data[0].marker.color)
    assert colours[len(colours) // 2] == cv.TIE and colours[0] == cv.LOSS and colours[-1] == cv.WIN
    text = cv.overlap_text(result, _tr("en"))
    assert "Jaccard@5" in text and "RBO" in text
    case = (result.gains or result.drops)[0]
    table = cv.case_frame(case, tr)
    assert len(table) == max(len(case.list_a), len(case.list_b))
    held = [e for e in case.list_a if e.held_out]
    column = t("compare.col.list_a", "zh")
    assert sum(str(v).startswith("✓") for v in table[column]) == len(held)
    assert case.user_id in cv.case_label(case, tr)
