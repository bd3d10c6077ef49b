"""core.evaluation.cases + core.evaluation.typed_cases: loading typed-interest cases, the evaluation run, the CLI.

No INSPIRED data here: a tiny hand-made catalogue for loading and hand-computed metrics (with a fake engine
whose rankings are fixed), the clustered synthetic dataset of ``tests/evaluation/conftest.py`` for the real
engine, and the bilingual demo with ``tests/fixtures/typed_cases_bilingual.json`` for the CLI.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from core.cli.commands import main as cli_main
from core.common.errors import ConfigError, InterestLensError
from core.data.dataset import Dataset
from core.engine import Engine
from core.evaluation import cases as cases_module
from core.evaluation.cases import CaseSet, load_cases, parse_cases
from core.evaluation.typed_cases import (
    BASELINE,
    FUSED,
    case_metrics,
    evaluate_typed_cases,
    prepare_cases,
    without_named,
)
from core.evaluation.typed_tuning import CaseScores, cross_validate_tuning, tune_typed_fusion
from core.interests.profile import InterestProfile, InterestTag
from core.ranking.config import FusionConfig
from core.ranking.fusion import channel_only_config
from core.ranking.query import Query
from tests.evaluation.conftest import clustered

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "typed_cases_bilingual.json"


def tiny() -> Dataset:
    """Six items with ids "1".."6"; a few users so popularity is defined."""
    items = pd.DataFrame({"item_id": [str(i) for i in range(1, 7)],
                          "title": ["Alpha (1999)", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"]})
    rows = [(f"u{u}", str(i), 4.0, 1.6e9 + u * 10 + i, "") for u in range(4) for i in range(1, 7) if (u + i) % 2]
    inter = pd.DataFrame(rows, columns=["user_id", "item_id", "rating", "timestamp", "event"])
    return Dataset.from_frames("tiny", inter, items)


@dataclass(frozen=True)
class FakeMatch:
    key: str


class FakeTitles:
    """Resolves exact titles of a dict (stands in for the catalogue's title matcher)."""

    def __init__(self, titles: dict[str, str]) -> None:
        self.titles = titles

    def resolve_title(self, title: str) -> FakeMatch | None:
        key = self.titles.get(title.strip().casefold())
        return FakeMatch(key) if key is not None else None


TITLES = FakeTitles({"gamma": "3", "the delta": "4"})


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return tiny()


# --- loading and validation ------------------------------------------------------------------------


def test_ids_and_titles_resolve_and_unresolved_entries_are_listed(ds: Dataset) -> None:
    doc = [
        {"id": "a", "split": "dev", "text": " I like Gamma ", "targets": ["3", 5, "The Delta", "3", "Nope"],
         "mentioned": ["Gamma", "Missing Film"], "unknown_key": [1, 2]},
        {"text": "second", "targets": ["Gamma"]},
    ]
    result = parse_cases(doc, ds, titles=TITLES, source="t.json")
    a, b = result.cases
    assert (a.id, a.split, a.text) == ("a", "dev", "I like Gamma")
    assert a.targets == (2, 4, 3)  # "3", 5, "The Delta" -> positions; the repeated "3" once
    assert a.mentioned == (2,)
    assert (b.id, b.split, b.targets, b.mentioned) == ("case-2", None, (2,), ())
    assert [(u.case_index, u.case_id, u.field, u.value) for u in result.unresolved] == [
        (0, "a", "targets", "Nope"), (0, "a", "mentioned", "Missing Film")]
    assert result.n_titles == 3  # "The Delta", "Gamma" (mentioned), "Gamma" (case 2)
    summary = result.summary()
    assert summary["n_unresolved"] == {"targets": 1, "mentioned": 1}
    assert summary["unresolved"][0] == {"case": 1, "id": "a", "field": "targets", "value": "Nope"}
    assert summary["splits"] == {"dev": 1, "": 1}


def test_titles_resolve_through_the_catalogue_matcher_by_default(ds: Dataset) -> None:
    result = load_cases(b'[{"text": "x", "targets": ["alpha (1999)", "Zeta", "No Such Film"]}]', ds, name="c")
    assert result.cases[0].targets == (0, 5)
    assert result.n_titles == 2 and [u.value for u in result.unresolved] == ["No Such Film"]


def test_without_a_title_matcher_titles_are_unresolved_not_dropped(ds: Dataset) -> None:
    result = parse_cases([{"text": "x", "targets": ["1", "Gamma"]}], ds, titles=None)
    assert result.cases[0].targets == (0,)
    assert [u.value for u in result.unresolved] == ["Gamma"]


def test_object_form_and_split_selection(ds: Dataset) -> None:
    doc = {"cases": [{"text": "a", "targets": ["1", "zz"], "split": "dev"},
                     {"text": "b", "targets": ["2"], "split": "test"}]}
    result = parse_cases(doc, ds, source="c.json")
    dev = result.select("dev")
    assert [c.text for c in dev.cases] == ["a"] and len(dev.unresolved) == 1
    test = result.select("test")
    assert [c.text for c in test.cases] == ["b"] and test.unresolved == ()
    assert result.select("all") is result
    with pytest.raises(ConfigError, match=r"c\.json: no case has split 'train' \(splits present: 'dev', 'test'\)"):
        result.select("train")


BAD: list[tuple[Any, str]] = [
    (42, r"expected a JSON list of cases"),
    ({"items": []}, r"expected a JSON list of cases .* got an object whose 'cases' is null"),
    ([], r"the file holds no cases"),
    ([{"text": "ok", "targets": ["1"]}, "just text"], r"case 2: expected an object"),
    ([{"id": "a", "targets": ["1"]}], r"case 1 \(id 'a'\): field 'text' must be text, got nothing"),
    ([{"id": "a", "text": 5, "targets": ["1"]}], r"case 1 \(id 'a'\): field 'text' must be text, got an integer"),
    ([{"id": "a", "text": "  ", "targets": ["1"]}], r"case 1 \(id 'a'\): field 'text' is empty"),
    ([{"text": "x", "targets": "1"}], r"case 1: field 'targets' must be a list of item ids or titles, got text"),
    ([{"text": "x"}], r"case 1: field 'targets' must be a list .* got null"),
    ([{"text": "x", "targets": []}], r"case 1: field 'targets' is empty"),
    ([{"text": "x", "targets": ["1", 2.5]}], r"case 1: targets\[1\] must be an item id or a title .* got a number"),
    ([{"text": "x", "targets": [True]}], r"case 1: targets\[0\] must be .* got true/false"),
    ([{"text": "x", "targets": ["1", " "]}], r"case 1: targets\[1\] is empty text"),
    ([{"text": "x", "targets": ["1"], "mentioned": {"a": 1}}], r"case 1: field 'mentioned' must be a list .* object"),
    ([{"text": "x", "targets": ["1"], "mentioned": [None]}], r"case 1: mentioned\[0\] must be .* got null"),
    ([{"text": "ok", "targets": ["1"]}, {"id": "b", "text": "x", "targets": ["Nope", "99", "?", "!"]}],
     r"case 2 \(id 'b'\): field 'targets': no entry names an item of the dataset \('Nope', '99', '\?', \.\.\.\)"),
    ([{"id": "a", "text": "x", "targets": ["1"]}, {"id": "a", "text": "y", "targets": ["2"]}],
     r"case 2 \(id 'a'\): field 'id' repeats the id of case 1"),
    ([{"id": ["a"], "text": "x", "targets": ["1"]}], r"case 1: field 'id' must be text, got a list"),
    ([{"text": "x", "targets": ["1"], "split": 1.5}], r"case 1: field 'split' must be text"),
]


@pytest.mark.parametrize(("doc", "message"), BAD)
def test_malformed_documents_name_the_case_and_field(ds: Dataset, doc: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=r"^bad\.json: " + message):
        parse_cases(doc, ds, titles=TITLES, source="bad.json")


def test_limits(ds: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cases_module, "MAX_CASES", 2)
    with pytest.raises(ConfigError, match=r"3 cases; the limit is 2"):
        parse_cases([{"text": "x", "targets": ["1"]}] * 3, ds, source="c")
    monkeypatch.setattr(cases_module, "MAX_REFS", 2)
    with pytest.raises(ConfigError, match=r"case 1: field 'targets' has 3 entries; the limit is 2"):
        parse_cases([{"text": "x", "targets": ["1", "2", "3"]}], ds, source="c")
    monkeypatch.setattr(cases_module, "MAX_TEXT_CHARS", 5)
    with pytest.raises(ConfigError, match=r"case 1: field 'text' has 6 characters; the limit is 5"):
        parse_cases([{"text": "abcdef", "targets": ["1"]}], ds, source="c")
    monkeypatch.setattr(cases_module, "MAX_BYTES", 10)
    with pytest.raises(ConfigError, match=r"^c: file is 3\d bytes; the limit is 10 bytes"):
        load_cases(b'[{"text": "x", "targets": ["1"]}]', ds, name="c")


@pytest.mark.parametrize(("encoding", "prefix"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""),
                                                   ("utf-16", b"")])
def test_encodings_are_sniffed(ds: Dataset, tmp_path: Path, encoding: str, prefix: bytes) -> None:
    text = json.dumps([{"text": "我喜欢科幻电影", "targets": ["1"], "id": "中文"}], ensure_ascii=False)
    path = tmp_path / "cases.json"
    path.write_bytes(prefix + text.encode(encoding))  # Python's utf-16 codec writes a BOM
    result = load_cases(path, ds, titles=TITLES)
    assert result.cases[0].text == "我喜欢科幻电影" and result.cases[0].id == "中文"
    assert result.source == "cases.json"


def test_unreadable_or_not_json_files(ds: Dataset, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^missing\.json: cannot read the cases file"):
        load_cases(tmp_path / "missing.json", ds)
    (tmp_path / "bad.json").write_text('[{"text": "x", "targets": ["1"]},\n oops]', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^bad\.json: not valid JSON: .* at line 2 column 2"):
        load_cases(tmp_path / "bad.json", ds)
    (tmp_path / "empty.json").write_bytes(b"\xef\xbb\xbf  \n")
    with pytest.raises(ConfigError, match=r"^empty\.json: the file is empty"):
        load_cases(tmp_path / "empty.json", ds)
    with pytest.raises(ConfigError, match=r"text encoding could not be recognised"):
        load_cases(bytes(range(128, 256)) * 4, ds, name="binary")


# --- metrics by hand ---------------------------------------------------------------------------------


def test_metrics_match_hand_computed_values() -> None:
    lists = np.array([[5, 3, 7, -1], [1, 2, 3, 4]])
    relevant = [frozenset({3, 9}), frozenset({8})]
    got = case_metrics(lists, relevant, (2, 4))
    idcg2 = 1 + 1 / math.log2(3)
    assert got["recall@2"].tolist() == [0.5, 0.0]
    assert got["recall@4"].tolist() == [0.5, 0.0]
    np.testing.assert_allclose(got["ndcg@2"], [(1 / math.log2(3)) / idcg2, 0.0])
    np.testing.assert_allclose(got["ndcg@4"], [(1 / math.log2(3)) / idcg2, 0.0])
    assert got["mrr"].tolist() == [0.5, 0.0]


def test_without_named_removes_before_cutting() -> None:
    out = without_named(np.array([4, 1, 7, 2, 9, -1]), np.array([1, 2]), 3)
    assert out.tolist() == [4, 7, 9]
    assert without_named(np.array([1, 5]), np.array([1]), 3).tolist() == [5, -1, -1]


class FakeEncoder:
    def encode(self, texts: Any, batch_size: int = 64, progress: Any = None) -> np.ndarray:
        return np.tile(np.array([1.0, 0.0], dtype=np.float32), (len(texts), 1))


def _unit(xs: list[float]) -> np.ndarray:
    return np.array([[x, math.sqrt(1 - x * x)] for x in xs], dtype=np.float32)


class FakeEngine:
    """Fixed rankings per method, so the metrics can be computed by hand."""

    FUSED = (1, 2, 0, 4, 3, 5)
    POPULAR = (1, 0, 2, 3, 4, 5)
    SEED = (5, 4, 3, 2, 1, 0)
    KNN = (3, 2, 1, 0, 4, 5)

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.encoder = FakeEncoder()
        # whole-text order (cosine to [1, 0]): 1, 0, 3, 2, 4, 5
        self.item_vectors = _unit([0.8, 0.9, 0.6, 0.7, 0.5, 0.4])
        self.calls: list[tuple[str, int]] = []
        self.queries: list[tuple[Query, str]] = []

    def decompose(self, text: str) -> InterestProfile:
        if text == "???":
            raise InterestLensError("No words found in the interest text")
        tag = InterestTag(text=text, weight=1.0, vector=np.array([1.0, 0.0], dtype=np.float32))
        return InterestProfile(text=text, tags=[tag])

    def recommend(self, query: Query, config: FusionConfig | None = None, k: int = 20, item_filter: Any = None,
                  explain: bool = True) -> Any:
        on = sorted(c for c, w in (config or FusionConfig()).weights.items() if w > 0)
        if on == ["popularity"]:
            items = self.POPULAR
        elif on == ["item_knn"]:
            items = self.KNN
        elif on == ["semantic"] and query.composition == "single":
            items = self.SEED
        else:
            items = self.FUSED
        self.calls.append((",".join(on), k))
        self.queries.append((query, ",".join(on)))
        return SimpleNamespace(result=SimpleNamespace(items=np.array(items[:k])))


def test_run_matches_hand_computed_metrics(ds: Dataset) -> None:
    doc = [{"id": "A", "text": "alpha", "targets": ["3", "5"], "mentioned": ["2"]},
           {"id": "B", "text": "beta", "targets": ["2"], "mentioned": ["2"]}]  # its only target is named
    cs = parse_cases(doc, ds, titles=TITLES, source="toy")
    engine = FakeEngine(ds)
    report = evaluate_typed_cases(engine, cs, k=(1, 3), n_boot=50)  # type: ignore[arg-type]
    assert report.n_cases == 1 and report.n_skipped == 1 and report.case_ids == ["A"]
    assert report.named["n_targets_named"] == 1
    assert all(k == 3 + 1 for _, k in engine.calls)  # each list asked for k + the one named item
    idcg3 = 1 + 1 / math.log2(3)
    # relevant = positions {2, 4}; named = {1}
    expected = {
        # fused [1,2,0,4,...] -> [2,0,4]: hits at ranks 1 and 3
        "fused": {"recall@1": 0.5, "recall@3": 1.0, "ndcg@1": 1.0, "ndcg@3": 1.5 / idcg3, "mrr": 1.0},
        # whole text [1,0,3,2,...] -> [0,3,2]: hit at rank 3
        "whole text": {"recall@1": 0.0, "recall@3": 0.5, "ndcg@1": 0.0, "ndcg@3": 0.5 / idcg3, "mrr": 1 / 3},
        # popularity [1,0,2,...] -> [0,2,3]: hit at rank 2
        "most popular": {"recall@1": 0.0, "recall@3": 0.5, "ndcg@3": (1 / math.log2(3)) / idcg3, "mrr": 0.5},
        # seed [5,4,3,...]: hit at rank 2
        "seed recipe (mean tag vector)": {"recall@3": 0.5, "mrr": 0.5},
        # item-kNN from the named item [3,2,1,0,...] -> [3,2,0]: hit at rank 2
        "item-kNN (named items)": {"recall@1": 0.0, "recall@3": 0.5, "mrr": 0.5},
        # the profile's tags have no kind: they count as text
        "text tags only": {"recall@1": 0.5, "recall@3": 1.0, "mrr": 1.0},
        "gist tags only": {"recall@3": 0.0, "mrr": 0.0},
    }
    for name, values in expected.items():
        method = report.method(name)
        for metric, value in values.items():
            assert method.mean(metric) == pytest.approx(value), (name, metric)
    assert report.method("fused").lists.tolist() == [[2, 0, 4]]
    knn_queries = [q for q, on in engine.queries if on == "item_knn"]
    assert [[(t.kind, t.key, t.text) for t in q.profile.tags] for q in knn_queries] == [[("item", "2", "Beta")]]
    assert report.method("gist tags only").n_ranked == 0
    assert report.kinds["text"] == 1 and report.kinds["item"] == 0
    best = report.best_baseline()
    assert best is not None and best.group == BASELINE
    assert best.name in {"whole text", "most popular", "seed recipe (mean tag vector)", "item-kNN (named items)"}
    assert {c.candidate for c in report.comparisons} == {"fused"}
    doc_out = json.loads(json.dumps(report.to_dict(per_case=True)))
    assert doc_out["lists"]["fused"] == [["3", "1", "5"]]
    assert doc_out["per_case"]["whole text"]["recall@3"] == [0.5]
    md = report.to_markdown()
    assert "| fused | fused | 1 |" in md and "whole text" in md


def test_a_text_that_cannot_be_decomposed_is_a_miss_for_typed_methods(ds: Dataset) -> None:
    cs = parse_cases([{"id": "q", "text": "???", "targets": ["3"]}, {"text": "alpha", "targets": ["3"]}], ds,
                     source="toy")
    report = evaluate_typed_cases(FakeEngine(ds), cs, k=3, n_boot=10)  # type: ignore[arg-type]
    assert report.undecomposed == [{"id": "q", "reason": "No words found in the interest text"}]
    assert report.method("fused").lists[0].tolist() == [-1, -1, -1]
    assert report.method("fused").n_ranked == 1
    assert report.method("seed recipe (mean tag vector)").n_ranked == 1
    assert report.method("most popular").n_ranked == 2 and report.method("whole text").n_ranked == 2


def test_extra_configs_and_unique_names(ds: Dataset) -> None:
    cs = parse_cases([{"text": "alpha", "targets": ["3"]}], ds, source="toy")
    engine = FakeEngine(ds)
    report = evaluate_typed_cases(engine, cs, k=3, name="tuned",  # type: ignore[arg-type]
                                  extra_configs={"default": FusionConfig()}, n_boot=10)
    assert [m.name for m in report.methods if m.group == FUSED] == ["tuned", "default"]
    with pytest.raises(ConfigError, match="unique"):
        evaluate_typed_cases(engine, cs, extra_configs={"whole text": FusionConfig()})  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="positive"):
        evaluate_typed_cases(engine, cs, k=(0, 10))  # type: ignore[arg-type]


# --- the real engine -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_engine() -> Engine:
    return Engine(clustered(n_users=60)).prepare()


def _clustered_cases(engine: Engine) -> CaseSet:
    ds = engine.dataset
    popular = [str(ds.item_ids[i]) for i in np.argsort(-ds.item_popularity, kind="stable")[:4]]
    doc = [
        {"id": "space", "split": "dev", "text": "space opera adventures among the stars",
         "targets": ["m3", "m5", "m7"], "mentioned": [popular[0], popular[1]]},
        {"id": "mystery", "split": "dev", "text": "a cozy mystery, please, no horror",
         "targets": ["m21", "m25"], "mentioned": [popular[2], "m22"]},
        {"id": "romance", "split": "test", "text": "romantic comedy with a happy end",
         "targets": ["m41", "m44", "m50"], "mentioned": [popular[3]]},
        {"id": "horror", "split": "test", "text": "scary horror stories", "targets": ["m61", "m70"],
         "mentioned": ["m62", "m63"]},
    ]
    return parse_cases(doc, ds, titles=None, source="clustered")


def test_named_items_never_appear_in_any_list(real_engine: Engine) -> None:
    cs = _clustered_cases(real_engine)
    report = evaluate_typed_cases(real_engine, cs, k=(5, 20), n_boot=50)
    prepared = prepare_cases(real_engine, cs.cases)
    named = {p.case.id: set(p.named.tolist()) for p in prepared}
    assert all(named.values())
    for method in report.methods:
        assert method.lists.shape == (4, 20)
        for case_id, row in zip(report.case_ids, method.lists, strict=True):
            assert not named[case_id] & set(row.tolist()), (method.name, case_id)
    # not vacuous: without the rule the popularity baseline would list the named popular items
    top = real_engine.recommend(Query(profile=prepared[0].profile), channel_only_config("popularity"), k=5,
                                explain=False).result.items.tolist()
    assert named["space"] & set(top)
    assert report.method("most popular").n_ranked == 4
    assert report.method("item-kNN (named items)").n_ranked == 4  # every case names an item
    assert report.method("fused").n_ranked == 4


def test_tuned_value_is_reproduced_by_the_engine_path(real_engine: Engine) -> None:
    cs = _clustered_cases(real_engine)
    scores = CaseScores.build(real_engine, cs)
    assert len(scores) == 4 and "semantic" in scores.applicable
    result = tune_typed_fusion(scores, k=5, n_trials=6, seed=3)
    assert result.best_value >= result.base_value
    assert result.context["n_cases"] == 4 and result.context["tuned_channels"] == scores.applicable
    report = evaluate_typed_cases(real_engine, cs, k=(5,), config=result.best_config, n_boot=10)
    np.testing.assert_array_equal(scores.lists(result.best_config, 5), report.method("fused").lists)
    assert report.method("fused").mean("recall@5") == pytest.approx(result.best_value, abs=1e-12)
    with pytest.raises(ConfigError, match="unknown tuning metric"):
        tune_typed_fusion(scores, metric="map")


def test_cross_validation_tunes_on_the_other_folds(real_engine: Engine) -> None:
    scores = CaseScores.build(real_engine, _clustered_cases(real_engine))
    sub = scores.subset([2, 0])
    assert [p.case.id for p in sub.prepared] == ["romance", "space"]
    np.testing.assert_array_equal(sub.lists(FusionConfig(), 5), scores.lists(FusionConfig(), 5)[[2, 0]])
    cv = cross_validate_tuning(scores, folds=2, k=5, n_trials=3, report_k=(5, 20))
    assert cv["folds"] == 2 and [f["n_cases"] for f in cv["per_fold"]] == [2, 2]
    for which in ("tuned", "base"):
        assert set(cv[which]) == {"recall@5", "recall@20"}
        assert cv[which]["recall@20"] == pytest.approx(np.mean([f[which]["recall@20"] for f in cv["per_fold"]]),
                                                       abs=1e-6)
    with pytest.raises(ConfigError, match="folds must be between 2"):
        cross_validate_tuning(scores, folds=5)


# --- the CLI -----------------------------------------------------------------------------------------


def test_cli_runs_end_to_end_on_the_bilingual_demo(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main(["evaluate-interests", str(FIXTURE), "--data", "bilingual", "--k", "5", "10", "--json",
                     "--quiet", "--bootstrap", "50"])
    out = capsys.readouterr().out
    assert code == 0
    doc = json.loads(out)
    assert doc["n_cases"] == 4 and doc["k"] == [5, 10] and doc["split"] == "all"
    names = [m["name"] for m in doc["methods"]]
    assert names[0] == "fused" and {"most popular", "whole text", "item-kNN (named items)",
                                     "seed recipe (mean tag vector)"} <= set(names)
    assert [u["value"] for u in doc["cases"]["unresolved"]] == ["A Film That Does Not Exist"]
    assert doc["cases"]["n_titles_resolved"] == 1  # 太极宗师传, through the catalogue's title matcher
    assert {"recall@5", "recall@10", "ndcg@5", "ndcg@10", "mrr"} == set(doc["methods"][0]["metrics"])
    fused = doc["methods"][0]["metrics"]["recall@10"]
    assert fused["low"] <= fused["mean"] <= fused["high"]

    code = cli_main(["evaluate-interests", str(FIXTURE), "--data", "bilingual", "--split", "test", "--quiet",
                     "--weights", '{"semantic": 1, "popularity": 0.1}', "--bootstrap", "20"])
    out = capsys.readouterr().out
    assert code == 0
    assert "# Typed interests on 2 cases (test)" in out and "| fused | fused |" in out


def test_cli_bad_input_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "cases.json"
    bad.write_text(json.dumps([{"id": "x1", "text": "科幻", "targets": "I0001"}]), encoding="utf-8")
    code = cli_main(["evaluate-interests", str(bad), "--data", "bilingual", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("error: cases.json: case 1 (id 'x1'): field 'targets' must be a list")
    assert cli_main(["evaluate-interests", str(FIXTURE), "--data", "no-such-demo", "--quiet"]) == 2
    assert "neither a demo" in capsys.readouterr().err
    assert cli_main(["evaluate-interests", str(FIXTURE), "--data", "bilingual", "--split", "train", "--quiet"]) == 2
    assert "no case has split 'train'" in capsys.readouterr().err
