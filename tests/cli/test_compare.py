"""``python -m core compare``: argument errors are one line and exit 2; JSON parses; runs on the bilingual demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli.commands import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["compare", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("args, needle", [
    (["default", "nothing", "--data", "demo:bilingual"], "unknown configuration"),
    (["default", "channel:nope", "--data", "demo:bilingual"], "unknown channel"),
    (["default", "channel:mf", "--data", "demo:nowhere"], "unknown demo"),
    (["default", "channel:mf", "--data", "no/such/file.csv"], "neither a demo"),
    (["default", "channel:mf", "--data", "demo:bilingual", "--k", "0"], "--k"),
    (["default", "channel:mf", "--data", "demo:bilingual", "--max-users", "x"], "--max-users"),
    (["default", "channel:mf", "--data", "demo:bilingual", "--seed", "-1"], "--seed"),
    (["default", "channel:mf"], "--data"),
    (["default", "--data", "demo:bilingual"], "b"),
    (["default", "channel:mf", "--data", "demo:bilingual", "--out", "/no/such/dir/x.json"], "--out"),
])
def test_argument_errors_are_one_line_and_exit_2(
        capsys: pytest.CaptureFixture[str], tmp_workspace: Path, args: list[str], needle: str) -> None:
    code, out, err = _run(capsys, *args)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0]


def test_bad_configuration_file_is_one_line(capsys: pytest.CaptureFixture[str], tmp_workspace: Path) -> None:
    bad = tmp_workspace / "bad.json"
    bad.write_text('{"weights": {"mf": "a lot"}}', encoding="utf-8")
    code, _, err = _run(capsys, "default", str(bad), "--data", "demo:bilingual", "--model", "none", "--quiet")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "bad.json" in err


def test_json_on_the_bilingual_demo(capsys: pytest.CaptureFixture[str], tmp_workspace: Path) -> None:
    code, out, err = _run(capsys, "default", "channel:mf", "--data", "demo:bilingual", "--model", "none",
                          "--max-users", "80", "--bootstrap", "100", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["n_users"] == 80 and doc["k"] == 10 and doc["a"]["label"] == "default"
    assert doc["b"]["kind"] == "channel"
    users = doc["ndcg_users"]
    assert users["wins"] + users["ties"] + users["losses"] == 80
    assert sum(users["delta_histogram"]["counts"]) == 80
    assert 0.0 <= doc["overlap"]["rbo_mean"] <= 1.0
    for name in ("splitting the data", "fitting the compared models", "ranking both configurations",
                 "per-user metrics and paired tests", "largest gains and losses"):
        assert f"==> {name}" in err


def test_text_report_and_out_file(capsys: pytest.CaptureFixture[str], tmp_workspace: Path) -> None:
    target = tmp_workspace / "report.txt"
    code, out, err = _run(capsys, "channel:item_knn", "most_popular", "--data", "bilingual", "--model", "none",
                          "--max-users", "60", "--bootstrap", "50", "--k", "5", "--quiet", "--out", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert "B = most_popular vs A = channel:item_knn, k = 5, 60 test users" in text
    assert "ndcg@5" in text and "Wilcoxon p" in text and "largest gains" in text and "RBO" in text
    assert "==>" not in err and out == ""


def test_compare_scores_the_same_test_split_as_evaluate() -> None:
    """``compare`` and ``evaluate`` with the same split settings hold out the same interactions."""
    import argparse

    from core.cli.compare import split_from_args
    from core.data.demos import load_demo
    from core.data.splits import SplitParams, resolve_threshold, tuning_splits

    ds = load_demo("bilingual")
    args = argparse.Namespace(split="random", test_ratio=0.2, threshold="auto", seed=7)
    compared = split_from_args(ds, args)
    evaluated, _ = tuning_splits(ds, SplitParams(kind="random", test_ratio=0.2, seed=7,
                                                 relevance_threshold=resolve_threshold(ds, "auto")))
    assert (compared.train.matrix != evaluated.train.matrix).nnz == 0
    assert compared.relevant == evaluated.relevant
