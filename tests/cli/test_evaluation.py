"""core.cli.evaluation: the dataset and options behind ``evaluate`` / ``tune`` (signal flags, relevance default)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.cli.commands import build_parser
from core.cli.evaluation import _eval_dataset, _eval_options


def _args(*argv: str) -> object:
    return build_parser().parse_args(["evaluate", *argv, "--quiet"])


def test_threshold_auto_follows_the_signal(tmp_path: Path) -> None:
    data = tmp_path / "plays.csv"
    rows = [f"u{u},i{i},{(u * 31 + i * 17) % 400 + 1}" for u in range(20) for i in range(12)]
    data.write_text("user,item,plays\n" + "\n".join(rows) + "\n")
    args = _args("--data", str(data))
    dataset = _eval_dataset(args)
    assert dataset.signal.kind == "count"
    assert _eval_options(args, dataset).split.relevance_threshold is None  # implicit: every held-out item
    rated = _args("--data", str(data), "--signal", "rating")
    dataset = _eval_dataset(rated)
    assert dataset.signal.kind == "explicit"
    assert _eval_options(rated, dataset).split.relevance_threshold == pytest.approx(0.8 * dataset.signal.scale[1])


def test_demo_with_a_declared_signal(capsys: pytest.CaptureFixture[str]) -> None:
    from core.common.config import data_dir

    if not (data_dir() / "bilingual" / "interactions.csv").is_file():
        pytest.skip("bilingual demo not installed")
    args = build_parser().parse_args(["evaluate", "--demo", "bilingual", "--signal", "count"])
    dataset = _eval_dataset(args)
    assert dataset.signal.kind == "count" and not dataset.signal.guessed
    err = capsys.readouterr().err
    assert "signal: count (declared)" in err and "every held-out item is relevant" in err


def test_evaluate_without_bootstrap_intervals(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """``--bootstrap 0`` (no intervals) reports the means and says "—" for the intervals, never crashes."""
    from core.cli.commands import main

    monkeypatch.setenv("INTERESTLENS_WORKSPACE", str(tmp_path))
    code = main(["evaluate", "--demo", "bilingual", "--bootstrap", "0", "--no-tune", "--model", "none", "--no-typed",
                 "--quiet", "--no-resume", "--max-users", "60"])
    out = capsys.readouterr().out
    assert code == 0
    assert "fused_default" in out and "nan" not in out


def test_evaluate_includes_the_breakdown_unless_told_not_to(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """JSON carries slices (with thresholds), popularity-bias deciles and calibration; ``--no-slices`` drops them."""
    import json

    from core.cli.commands import main

    monkeypatch.setenv("INTERESTLENS_WORKSPACE", str(tmp_path))
    base = ["evaluate", "--demo", "bilingual", "--bootstrap", "20", "--no-tune", "--model", "none", "--no-typed",
            "--quiet", "--no-resume", "--max-users", "60", "--baselines", "most_popular", "--channels", "mf"]
    assert main([*base, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    dims = payload["slices"]["dimensions"]
    assert set(dims) == {"activity", "popularity", "category", "language"}
    assert dims["activity"]["thresholds"]["cold_max"] <= dims["activity"]["thresholds"]["light_max"]
    assert len(payload["popularity_bias"]["deciles"]) == 10
    assert "fused_default" in payload["calibration"]["configs"]
    assert main(base) == 0
    text = capsys.readouterr().out
    assert "### Slices" in text and "### Popularity bias" in text and "### Calibration" in text
    assert main([*base, "--json", "--no-slices"]) == 0
    assert "slices" not in json.loads(capsys.readouterr().out)
