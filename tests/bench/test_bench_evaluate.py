"""bench.bench_evaluate's issue-20 target rows: the ratios, the verdicts and the paired mf-vs-ALS test."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from bench.bench_evaluate import FUSED_FACTOR, MF_FACTOR, issue20_rows, main
from core.evaluation.statistics import paired_comparison


def _report(fused: np.ndarray, best: np.ndarray, mf: np.ndarray | None, als: np.ndarray) -> Any:
    results = [SimpleNamespace(name="ease", per_user={"ndcg": best}, params={}),
               SimpleNamespace(name="als", per_user={"ndcg": als}, params={"confidence": "auto"})]
    if mf is not None:
        results.append(SimpleNamespace(name="channel:mf", per_user={"ndcg": mf}, params={}))
    comparisons = [paired_comparison(fused, best, names=("fused_tuned", "ease"), metric="ndcg", n_boot=50)]
    experiment = SimpleNamespace(k=10, results=results, comparisons=comparisons,
                                 result=lambda name: next(r for r in results if r.name == name))
    return SimpleNamespace(experiment=experiment, options=SimpleNamespace(n_boot=50, seed=0))


def test_issue20_rows_measure_ratios_against_the_factors() -> None:
    rng = np.random.default_rng(0)
    best = rng.random(200)
    als = rng.random(200)
    rows = issue20_rows(_report(best * 1.06, best, als * 0.99, als))
    fused, mf = rows
    assert fused["ratio"] == pytest.approx(1.06) and fused["met"] and fused["target"] == f">= {FUSED_FACTOR:g}"
    assert mf["ratio"] == pytest.approx(0.99) and mf["met"] and mf["target"] == f">= {MF_FACTOR:g}"
    assert mf["als_params"] == {"confidence": "auto"}
    low_fused, low_mf = issue20_rows(_report(best * 1.04, best, als * 0.97, als))
    assert not low_fused["met"] and not low_mf["met"]


def test_without_an_mf_channel_only_the_fusion_row() -> None:
    best = np.linspace(0.1, 1.0, 50)
    rows = issue20_rows(_report(best, best, None, best))
    assert len(rows) == 1 and rows[0]["ratio"] == pytest.approx(1.0) and not rows[0]["met"]


def test_data_must_be_a_demo_or_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", "no_such_demo"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "movielens" in err


def _fake_evaluation(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replace the evaluation by a canned report; returns where the options it was given are kept."""
    import bench.bench_evaluate as be

    seen: dict[str, Any] = {}
    best = np.linspace(0.1, 1.0, 40)

    def fake(dataset: Any, options: Any, progress: Any = None) -> Any:
        seen["options"], seen["dataset"] = options, dataset
        report = _report(best * 1.1, best, best, best)
        report.options = options
        report.to_dict = lambda: {"fake": True}
        report.to_markdown = lambda: "| table |"
        return report

    monkeypatch.setattr(be, "evaluate_dataset", fake)
    return seen


def test_main_on_movielens_keeps_its_settings_and_file_names(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _fake_evaluation(monkeypatch)
    assert main(["--quick", "--out", str(tmp_path)]) == 0
    assert seen["options"].split.relevance_threshold == 4.0 and seen["options"].typed is True
    payload = json.loads((tmp_path / "bench_evaluate_quick.json").read_text())
    assert payload["command"] == "python -m bench.bench_evaluate --quick"
    assert "(relevant = rating >= 4)" in (tmp_path / "bench_evaluate_quick.md").read_text()


def test_main_on_the_plays_demo_uses_the_count_rule_and_writes_its_own_files(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """--data plays: relevance = every held-out item, no typed part (no user tags), bench_evaluate_plays.*."""
    seen = _fake_evaluation(monkeypatch)
    assert main(["--data", "plays", "--quick", "--out", str(tmp_path)]) == 0
    options = seen["options"]
    assert options.split.relevance_threshold is None and options.typed is False and options.max_users == 200
    payload = json.loads((tmp_path / "bench_evaluate_plays_quick.json").read_text())
    assert payload["command"] == "python -m bench.bench_evaluate --data plays --quick"
    assert payload["dataset"]["signal"]["kind"] == "count" and "every held-out item" in payload["dataset"]["relevance"]
    assert [row["met"] for row in payload["issue20_targets"]] == [True, True]
    text = (tmp_path / "bench_evaluate_plays_quick.md").read_text()
    assert text.startswith("# Music play counts (synthetic implicit demo) offline evaluation (quick smoke run)")
    assert "**MET**" in text and "| table |" in text and "(relevant = every held-out item)" in text


def test_main_on_the_analysts_own_file_guesses_its_signal(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """--data FILE: the file is loaded like every command loads it (play counts guessed as counts), the results
    are named after it, and the command to reproduce them is recorded."""
    rng = np.random.default_rng(0)
    rows = [f"u{u},a{rng.integers(0, 60)},{int(rng.zipf(1.6))}" for u in range(80) for _ in range(12)]
    data = tmp_path / "my plays.csv"
    data.write_text("user,item,plays\n" + "\n".join(rows) + "\n", encoding="utf-8")
    seen = _fake_evaluation(monkeypatch)
    assert main(["--data", str(data), "--quick", "--out", str(tmp_path)]) == 0
    assert seen["dataset"].signal.kind == "count" and seen["options"].split.relevance_threshold is None
    payload = json.loads((tmp_path / "bench_evaluate_file_my_plays_quick.json").read_text())
    assert payload["dataset"]["file"] == str(data) and payload["dataset"]["demo"] is None
    assert payload["command"].endswith(f"--data '{data}' --quick")
