"""``python -m core hash-password``: a salted scrypt line for secrets.toml that the app's gate accepts."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest

from core.cli.commands import main
from core.common.passwords import verify_password


def _run(monkeypatch: pytest.MonkeyPatch, stdin: str, *argv: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["hash-password", "--stdin", "--log2-n", "10", *argv])


def test_prints_a_toml_line_the_gate_accepts(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(monkeypatch, "correct horse battery\n") == 0
    line = capsys.readouterr().out
    stored = tomllib.loads(line)["password_hash"]
    assert stored.startswith("scrypt$1024$8$1$")
    assert verify_password("correct horse battery", stored) and not verify_password("correct horse", stored)


def test_writes_to_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "line.toml"
    assert _run(monkeypatch, "correct horse battery\n", "--out", str(target)) == 0
    assert verify_password("correct horse battery", tomllib.loads(target.read_text())["password_hash"])


@pytest.mark.parametrize(("stdin", "argv", "message"), [
    ("", (), "no password given"),
    ("short\n", (), "at least 8"),
    ("correct horse battery\n", ("--log2-n", "30"), "--log2-n"),
    ("correct horse battery\n", ("--out", "/nonexistent/dir/x.toml"), "does not exist"),
])
def test_bad_input_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                          stdin: str, argv: tuple[str, ...], message: str) -> None:
    assert _run(monkeypatch, stdin, *argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and message in captured.err
