"""core.cli.args: one-line usage errors, bounded numbers, undecodable argv bytes, paths checked up front."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from core.cli import args as cli_args


def test_parser_errors_are_one_line_and_shorten_long_values() -> None:
    parser = cli_args.CliParser(prog="prog")
    parser.add_argument("--k", type=cli_args.int_in(1, 10))
    with pytest.raises(cli_args.UsageError) as info:
        parser.parse_args(["--k", "9" * 4300])
    message = str(info.value)
    assert "\n" not in message and len(message) < 300
    assert "4,300 characters" in message and "(see: prog --help)" in message
    with pytest.raises(cli_args.UsageError, match="unrecognized arguments: --nope"):
        parser.parse_args(["--nope"])


@pytest.mark.parametrize(("text", "ok"), [
    ("1", 1), ("10", 10), (" 7 ", 7), ("1_0", 10), ("0", None), ("11", None), ("-3", None), ("1.5", None),
    ("1e3", None), ("", None), ("x", None), ("٣", None), ("9" * 4300, None),
])
def test_int_in(text: str, ok: int | None) -> None:
    parse = cli_args.int_in(1, 10)
    if ok is None:
        with pytest.raises(argparse.ArgumentTypeError, match=r"1 to 10|whole number"):
            parse(text)
    else:
        assert parse(text) == ok


@pytest.mark.parametrize(("text", "ok"), [
    ("0.5", 0.5), ("0", None), ("1", 1.0), ("1.0000001", None), ("nan", None), ("inf", None), ("-inf", None),
    ("1e308", None), ("1e999", None), ("x", None), ("", None), ("0." + "1" * 5000, None),
])
def test_float_in_with_an_open_low_end(text: str, ok: float | None) -> None:
    parse = cli_args.float_in(0, 1, low_open=True)
    if ok is None:
        with pytest.raises(argparse.ArgumentTypeError, match=r"\(0, 1\]"):
            parse(text)
    else:
        assert parse(text) == ok


def test_undecodable_bytes_are_dropped_from_text_and_kept_in_paths() -> None:
    parser = cli_args.CliParser(prog="prog")
    parser.add_argument("text")
    parser.add_argument("--items")
    parser.add_argument("--category", action="append", default=[])
    raw = os.fsdecode(b"horror \xff comedy")  # what Python makes of these argv bytes
    assert raw == "horror \udcff comedy"
    args = parser.parse_args([raw, "--items", os.fsdecode(b"\xfe.csv"), "--category", os.fsdecode(b"a\xfcb")])
    notes = cli_args.clean_text_arguments(args, parser)
    assert args.text == "horror  comedy" and args.category == ["ab"]
    assert os.fsencode(args.items) == b"\xfe.csv"  # the operating system still finds the file
    assert notes == ["note: text: dropped byte(s) that are not UTF-8 (0xff); using 'horror comedy'",
                     "note: --category: dropped byte(s) that are not UTF-8 (0xfc); using 'ab'"]


def test_printable_and_shorten_never_carry_surrogates() -> None:
    assert cli_args.printable("a\udcffb") == "a\ufffdb"
    assert cli_args.shorten("a\udcff\nb") == "a\ufffd b"
    cli_args.printable("x\udcff").encode("utf-8")  # strict UTF-8 works


def test_input_files_are_checked(tmp_path: Path) -> None:
    present = tmp_path / "a.csv"
    present.write_text("x")
    cli_args.check_input_file(str(present), "--items")
    with pytest.raises(cli_args.UsageError, match="--items: file not found"):
        cli_args.check_input_file(str(tmp_path / "missing.csv"), "--items")
    with pytest.raises(cli_args.UsageError, match="--items: not a file"):
        cli_args.check_input_file(str(tmp_path), "--items")


def test_output_files_are_checked_before_work(tmp_path: Path) -> None:
    cli_args.check_output_file(str(tmp_path / "new.csv"), "--out")
    cli_args.check_output_file("-", "--out")
    assert [p.name for p in tmp_path.iterdir()] == []  # the check leaves nothing behind
    with pytest.raises(cli_args.UsageError, match=r"the folder .* does not exist"):
        cli_args.check_output_file("/nonexistent/dir/x.csv", "--rejected")
    with pytest.raises(cli_args.UsageError, match="is a folder"):
        cli_args.check_output_file(str(tmp_path), "--out")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(cli_args.UsageError, match="is not a folder"):
        cli_args.check_output_file(str(blocker / "x.csv"), "--out")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_folders_and_files_are_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "old.csv").write_text("x")
    (locked / "old.csv").chmod(0o444)
    locked.chmod(0o555)
    try:
        with pytest.raises(cli_args.UsageError, match="cannot write"):
            cli_args.check_output_file(str(locked / "new.csv"), "--out")
        with pytest.raises(cli_args.UsageError, match="read-only"):
            cli_args.check_output_file(str(locked / "old.csv"), "--out")
    finally:
        locked.chmod(0o755)


def test_read_only_file_is_refused_even_for_root(tmp_path: Path) -> None:
    """Root bypasses permission bits, but a file system mounted read-only refuses everyone: /proc."""
    with pytest.raises(cli_args.UsageError, match="cannot write"):
        cli_args.check_output_file("/proc/interestlens-check.json", "--out")
