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
