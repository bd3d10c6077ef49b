"""``python -m core ingest`` (core.cli.commands) end to end on files: reports, exit codes, pseudonymisation.

These exercise the CLI command that wraps core.data.loaders; they belong with tests/cli once that package's
tests are split by command.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def test_cli_ingest_movielens_style(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.cli.commands import main

    inter = tmp_path / "r.csv"
    inter.write_bytes(
        b"userId,movieId,rating,timestamp\n1,10,4,964982703\n1,11,x,964982704\n2,99,3,964982705\n"
    )
    items = tmp_path / "m.csv"
    items.write_bytes(b"movieId,title,genres\n10,A (1999),Drama\n11,B (2000),Comedy\n")
    rejected = tmp_path / "rejected.csv"
    code = main(["ingest", str(inter), "--items", str(items), "--rejected", str(rejected)])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (out["rows_loaded"], out["rows_rejected"], out["users"], out["items"]) == (1, 2, 1, 2)
    assert [(p["row"], p["column"], p["reason"]) for p in out["problems"]] == [
        (3, "rating", "rating is not a number"),
        (4, "movieId", "item is not in the item table"),
    ]
    assert {"row", "column", "value", "reason"} <= set(out["problems"][0])
    assert out["items_report"]["rows_loaded"] == 2
    assert rejected.read_bytes().startswith(b"\xef\xbb\xbf")


def test_cli_ingest_map_override(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.cli.commands import main

    inter = tmp_path / "x.csv"
    inter.write_bytes(b"a,b,c\n1,2,3\n")
    assert main(["ingest", str(inter), "--map", "user=a", "--map", "item=b", "--map", "rating=c"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["mapping"] == {"user": "a", "item": "b", "rating": "c"} and out["rows_loaded"] == 1


def test_cli_ingest_nothing_loaded_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.cli.commands import main

    inter = tmp_path / "bad.csv"
    inter.write_bytes(b"user,item,rating\n1,2,x\n")
    assert main(["ingest", str(inter)]) == 2
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["rows_loaded"] == 0 and out["rows_rejected"] == 1 and out["problems"][0]["row"] == 2
    assert "no usable rows" in captured.err


@pytest.mark.parametrize("name,content", [("empty.csv", b""), ("cols.csv", b"foo,bar\n1,2\n")])
def test_cli_ingest_unreadable_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes
) -> None:
    from core.cli.commands import main

    path = tmp_path / name
    path.write_bytes(content)
    assert main(["ingest", str(path)]) == 2
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["rows_loaded"] == 0 and out["problems"] == [] and name in out["error"]
    assert name in captured.err and "Traceback" not in captured.err


def test_cli_ingest_subprocess_real_movielens() -> None:
    import subprocess
    import sys

    root = Path(__file__).parents[2]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "core",
            "ingest",
            "data/ml-latest-small/ratings.csv",
            "--items",
            "data/ml-latest-small/movies.csv",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["rows_loaded"], out["rows_rejected"], out["users"], out["items"]) == (100_836, 0, 610, 9_742)


def test_cli_ingest_pseudonymises_from_an_environment_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.cli.commands import main

    inter = tmp_path / "p.csv"
    inter.write_bytes(b"user,item\nalice,1\n")
    assert main(["ingest", str(inter), "--pseudonymise-env", "IL_TEST_KEY"]) == 2  # variable not set
    capsys.readouterr()
    monkeypatch.setenv("IL_TEST_KEY", "k")
    assert main(["ingest", str(inter), "--pseudonymise-env", "IL_TEST_KEY"]) == 0
    out = capsys.readouterr().out
    assert "alice" not in out and json.loads(out)["users"] == 1


def test_cli_ingest_refuses_a_parquet_bomb_and_max_rows_raises_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.cli.commands import main
    from tests.fixtures.hostile_files import parquet_bomb

    bomb = parquet_bomb(tmp_path / "bomb.parquet", rows=3000)
    monkeypatch.setenv("INTERESTLENS_MAX_ROWS", "1000")
    assert main(["ingest", str(bomb)]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["code"] == "too_many_rows"
    assert "bomb.parquet: 3,000 rows; the limit is 1,000 rows" in captured.err and "--max-rows" in captured.err
    assert main(["ingest", str(bomb), "--max-rows", "3000"]) == 0
    assert json.loads(capsys.readouterr().out)["rows_total"] == 3000


def test_cli_ingest_date_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.cli.commands import main

    inter = tmp_path / "d.csv"
    inter.write_bytes(b"user,item,date\n1,a,04/03/2021\n2,b,05/03/2021\n")
    assert main(["ingest", str(inter), "--date-format", "dmy"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [n["code"] for n in out["notices"]] == ["dates_explicit"]
    assert main(["ingest", str(inter)]) == 0
    assert [n["code"] for n in json.loads(capsys.readouterr().out)["notices"]] == ["dates_ambiguous"]
    assert main(["ingest", str(inter), "--date-format", "european"]) == 2
    assert "unknown date format 'european'" in capsys.readouterr().err


def test_cli_ingest_reports_the_guessed_signal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.cli.commands import main

    plays = tmp_path / "plays.csv"
    rows = [f"u{u},a{a},{(u * 7919 + a * 104729) % 13883 + 1}" for u in range(30) for a in range(10)]
    plays.write_text("user,artist,plays\n" + "\n".join(rows) + "\n")
    assert main(["ingest", str(plays), "--map", "item=artist", "--map", "rating=plays"]) == 0
    captured = capsys.readouterr()
    signal = json.loads(captured.out)["signal"]
    assert (signal["kind"], signal["reason"], signal["guessed"]) == ("count", "integer_counts", True)
    assert signal["figures"]["max"] <= 13883 and "counts" in signal["text"]
    assert signal["relevance"]["code"] == "implicit_all" and signal["relevance"]["threshold"] is None
    assert "signal: count (guessed): integers" in captured.err
    assert main(["ingest", str(plays), "--map", "item=artist", "--map", "rating=plays", "--signal", "rating",
                 "--quiet-signal"]) == 0
    captured = capsys.readouterr()
    signal = json.loads(captured.out)["signal"]
    top = max(int(r.rsplit(",", 1)[1]) for r in rows)
    assert (signal["kind"], signal["scale"], signal["guessed"]) == ("explicit", [1.0, float(top)], False)
    assert signal["relevance"] == {"threshold": round(0.8 * top, 6), "code": "explicit_threshold",
                                   "figures": {"threshold": round(0.8 * top, 6), "scale_min": 1.0,
                                               "scale_max": float(top)},
                                   "text": signal["relevance"]["text"]}
    assert captured.err == ""


def test_cli_ingest_event_log_with_weights(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.cli.commands import main

    log = tmp_path / "log.csv"
    log.write_text("user,item,time,event\n1,a,1700000000,view\n1,a,1700000100,cart\n1,a,1700000200,purchase\n"
                   "2,a,1700000300,view\n2,b,1700000400,view\n", encoding="utf-8")
    assert main(["ingest", str(log), "--event-weights", "view=1,cart=2,purchase=10", "--quiet-signal"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rows_loaded"] == 5 and out["pairs"] == 3
    assert out["events"]["weights"] == {"view": 1.0, "cart": 2.0, "purchase": 10.0}
    assert (out["signal"]["kind"], out["signal"]["reason"]) == ("count", "events_aggregated")


@pytest.mark.parametrize("flags", [["--signal", "stars"], ["--event-weights", "view"],
                                   ["--event-weights", "view=-1"], ["--event-weights", "view=1,view=2"]])
def test_cli_ingest_bad_signal_flags_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str]
) -> None:
    from core.cli.commands import main

    data = tmp_path / "r.csv"
    data.write_text("user,item,rating\n1,a,4\n")
    assert main(["ingest", str(data), *flags]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "Traceback" not in err[0]


def test_cli_ingest_event_weights_on_a_rated_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.cli.commands import main

    data = tmp_path / "r.csv"
    data.write_text("user,item,rating\n1,a,4\n")
    assert main(["ingest", str(data), "--event-weights", "view=1"]) == 2
    captured = capsys.readouterr()
    assert "without a value column" in captured.err and len(captured.err.strip().splitlines()) == 1
