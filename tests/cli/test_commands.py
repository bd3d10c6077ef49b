"""The CLI's registry: every command the issues name exists, and ``bench list`` names the benchmarks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli import commands as cli

ROOT = Path(__file__).resolve().parents[2]


def test_every_documented_command_is_registered() -> None:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert {"ingest", "embed", "interests", "recommend", "evaluate", "tune", "bench"} <= set(sub.choices)


def test_bench_list_names_a_script_for_every_benchmark(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["bench", "list"]) == 0
    names = json.loads(capsys.readouterr().out)
    assert names == cli.BENCHMARKS
    for name in names:
        assert (ROOT / "bench" / f"bench_{name}.py").is_file(), name


def test_unknown_benchmark_is_an_argument_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["bench", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: argument name: invalid choice: 'nope'") and err.count("\n") == 1


def test_recommend_reads_a_preset_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``recommend --preset FILE`` ranks with the preset's settings; a bad file is a one-line error, exit 2."""
    preset = tmp_path / "cold.json"
    preset.write_text(json.dumps({"format": "interestlens-preset", "version": 1, "name": "Cold start",
                                  "weights": {"semantic": 1.0, "popularity": 0.5}, "normalisation": "rank"}),
                      encoding="utf-8")
    assert cli.main(["recommend", "--data", "bilingual", "--interests", "科幻电影", "--preset", str(preset),
                     "--quiet", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["config"]["normalisation"] == "rank"
    assert out["config"]["weights"]["popularity"] == 0.5 and out["config"]["weights"]["mf"] == 0.0
    assert len(out["items"]) == 10
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "weights": {"semantic": "lots"}}', encoding="utf-8")
    assert cli.main(["recommend", "--data", "bilingual", "--interests", "科幻电影", "--preset", str(bad),
                     "--quiet"]) == 2
    assert "bad.json" in capsys.readouterr().err
    # a bundled preset by its key
    assert cli.main(["recommend", "--data", "bilingual", "--interests", "科幻电影", "--preset", "typed_cold_start",
                     "--quiet", "--json"]) == 0
    from core.ranking.presets import bundled_presets

    tuned = bundled_presets()["typed_cold_start"][1]
    assert json.loads(capsys.readouterr().out)["config"]["weights"]["gist"] == pytest.approx(tuned.weights.gist)
