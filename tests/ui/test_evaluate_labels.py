"""ui.evaluate_labels: every configuration, metric, column, group and known reason the core names by id
reads as words in both languages; unknown names pass through as data."""

from __future__ import annotations

import pandas as pd
import pytest

from core.evaluation.baselines import BASELINES
from core.ranking.base import DROP_REASONS
from core.ranking.registry import CHANNELS
from ui import evaluate_labels as el
from ui.i18n import LANGS, t


def _tr(lang: str):  # type: ignore[no-untyped-def]
    return lambda key, **kw: t(key, lang, **kw)


CONFIGS = [*BASELINES, *(f"channel:{c}" for c in CHANNELS), "fused_default", "fused_tuned"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_configuration_has_a_distinct_label_without_its_id(lang: str) -> None:
    labels = [el.config_label(name, _tr(lang)) for name in CONFIGS]
    assert len(set(labels)) == len(labels), "two configurations would read the same"
    for name, label in zip(CONFIGS, labels, strict=True):
        assert not label.startswith("["), f"{name} is missing from the catalogue"
        assert name not in label and "_" not in label and "channel:" not in label
    assert el.config_label("channel:mf", _tr("en")) == "Matrix factorisation alone"
    assert el.config_label("channel:mf", _tr("zh")) == "仅矩阵分解"
    assert el.config_label("fused_tuned", _tr("en")) == "Fusion, tuned weights"


def test_unknown_names_are_data() -> None:
    en = _tr("en")
    assert el.config_label("my_experiment", en) == "my_experiment"
    assert el.config_label("channel:nonexistent", en) == "channel:nonexistent"
    assert el.metric_label("foo@10", en) == "foo@10" and el.group_label("other", en) == "other"


@pytest.mark.parametrize(("column", "en", "zh"), [
    ("ndcg@10", "NDCG@10", "NDCG@10"), ("coverage@10", "Catalogue coverage@10", "目录覆盖率@10"),
    ("precision@5", "Precision@5", "精确率@5"), ("map", "MAP", "MAP"), ("run", "Run", "运行"),
    ("group", "Group", "类别"), ("name", "Configuration", "配置"), ("fit s", "Fit time (s)", "训练用时（秒）"),
])
def test_column_labels(column: str, en: str, zh: str) -> None:
    assert el.column_label(column, _tr("en")) == en and el.column_label(column, _tr("zh")) == zh


def test_reasons_are_translated_when_known() -> None:
    for code, english in DROP_REASONS.items():
        assert el.reason_text(english, _tr("zh")) == t(f"tuning.reason.{code}", "zh")
    needs = el.reason_text("needs item vectors (no item text or no encoder)", _tr("zh"))
    assert needs == t("evaluate.reason.needs_vectors", "zh")
    assert el.reason_text("ALS failed: singular matrix", _tr("zh")) == "ALS failed: singular matrix"
    too_large = ("EASE^R needs about 3,505 MB for its 30,000 x 30,000 item matrix; 954 MB may be used and at most "
                 "20,000 items")
    for lang in LANGS:
        text = el.reason_text(too_large, _tr(lang))
        assert text == t("evaluate.reason.too_large", lang, need_mb="3,505", n_items="30,000", limit_mb="954",
                         max_items="20,000")
        assert "3,505" in text and "30,000" in text and "954" in text


def test_param_text() -> None:
    text = el.param_text({"factors": 64, "regularization": 0.012345, "knn_use_rating": True, "odd": "x"},
                         _tr("en"))
    assert text == "Factors 64 · Regularisation 0.0123 · Use ratings yes · odd x"


@pytest.mark.parametrize("lang", LANGS)
def test_runs_display_translates_names_groups_and_headers_but_not_run_labels(lang: str) -> None:
    table = pd.DataFrame({"run": ["#1 mine", "#1 mine"], "name": ["item_knn_cf", "fused_tuned"],
                          "group": ["baseline", "tuned"], "ndcg@10": [0.1, 0.2]})
    shown = el.runs_display(table, _tr(lang))
    tr = _tr(lang)
    assert list(shown.columns) == [tr("evaluate.col.run"), tr("evaluate.col.configuration"),
                                   tr("evaluate.col.group"), "NDCG@10"]
    assert shown.iloc[:, 0].tolist() == ["#1 mine", "#1 mine"]
    assert shown.iloc[:, 1].tolist() == [tr("evaluate.baseline.item_knn_cf"), tr("evaluate.config.fused_tuned")]
    assert shown.iloc[:, 2].tolist() == [tr("evaluate.group.baseline"), tr("evaluate.group.tuned")]
    assert list(table.columns) == ["run", "name", "group", "ndcg@10"], "the export table keeps its ids"
