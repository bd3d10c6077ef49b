"""Arguments that fail as one line and exit code 2, never a traceback: the parser, bounded numbers,
argv bytes that are not UTF-8, and input / output paths checked before any work starts.

- :class:`CliParser` turns every argparse error into :class:`UsageError` (one line, long values shortened);
  ``main`` prints it as ``error: ...`` and returns 2.
- :func:`int_in` / :func:`float_in` are argparse types with bounds: ``--k 0``, ``--temperature nan``,
  ``--bootstrap 1e9`` or a 4,300-digit number are refused with the allowed range.
- :func:`clean_text_arguments`: Python decodes argv with ``surrogateescape``, so a byte that is not UTF-8
  (``$'horror \\xff comedy'``) arrives as a lone surrogate that later crashes any encoder. In text arguments
  those bytes are dropped with a note naming them; in path arguments (:data:`PATH_DESTS`) they are kept,
  because the operating system needs them to find the file.
- :func:`check_paths`: input files (:data:`INPUT_DESTS`) must exist and output files (:data:`OUTPUT_DESTS`)
  must be creatable (their folder exists and is writable) before a command loads or computes anything.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from core.common.errors import InterestLensError

PATH_DESTS: frozenset[str] = frozenset(
    {"interactions", "items", "user_tags", "cases", "preset", "data", "model", "rejected", "out", "extra"}
)
"""Arguments that name files or folders (or are passed on verbatim): undecodable bytes are kept."""
INPUT_DESTS: frozenset[str] = frozenset({"interactions", "items", "user_tags", "cases"})
"""Arguments that must name an existing file."""
OUTPUT_DESTS: frozenset[str] = frozenset({"rejected", "out"})
"""Arguments naming a file the command will write ("-" = standard output)."""

_SURROGATES = re.compile("[\udc80-\udcff]+")


class UsageError(InterestLensError):
    """A command line that cannot be run: a bad option, value or path (exit code 2)."""


def shorten(text: str, limit: int = 60) -> str:
    """``text`` for a message: lone surrogates shown as U+FFFD, one line, long values cut with their length."""
    text = _SURROGATES.sub(lambda m: "\ufffd" * len(m.group()), " ".join(str(text).split()))
    if len(text) <= limit:
        return text
    return f"{text[: limit - 20]}…{text[-8:]} ({len(text):,} characters)"


def _shorten_message(message: str) -> str:
    """Shorten every quoted value in an argparse message (a 4,300-digit number is not echoed whole)."""
    quoted = re.sub(r"'([^']{61,})'", lambda m: f"'{shorten(m.group(1))}'", message)
    return shorten(quoted, limit=400)


class CliParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise :class:`UsageError` (one line) instead of printing the usage and
    exiting; sub-command parsers are of the same class."""

    def error(self, message: str) -> NoReturn:
        """Raise the error as one line naming the command and where to read its usage."""
        raise UsageError(f"{_shorten_message(message)} (see: {self.prog} --help)")


def int_in(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        raw = text.strip().replace("_", "")
        digits = raw.lstrip("+-")
        if not digits.isascii() or not digits.isdigit():
            raise argparse.ArgumentTypeError(f"expected a whole number from {low:,} to {high:,}, "
                                             f"got '{shorten(text)}'")
        if len(digits) > 30 or not low <= int(raw) <= high:
            raise argparse.ArgumentTypeError(f"{shorten(text)} is out of range; expected {low:,} to {high:,}")
        return int(raw)

    parse.__name__ = "whole number"
    return parse


def float_in(low: float, high: float, *, low_open: bool = False, high_open: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number in the interval from ``low`` to ``high`` (open ends optional)."""
    interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"

    def parse(text: str) -> float:
        raw = text.strip()
        try:
            value = float(raw) if len(raw) <= 40 else math.inf
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number in {interval}, got '{shorten(text)}'") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{shorten(text)} is not a finite number; expected one in {interval}")
        below = value <= low if low_open else value < low
        above = value >= high if high_open else value > high
        if below or above:
            raise argparse.ArgumentTypeError(f"{shorten(text)} is out of range; expected a number in {interval}")
        return value

    parse.__name__ = "number"
    return parse


def _option_name(parser: argparse.ArgumentParser, dest: str) -> str:
    """``--rejected`` for an option's dest, the metavar / dest for a positional."""
    for action in parser._actions:
        if action.dest == dest:
            return action.option_strings[-1] if action.option_strings else dest
    return dest


def _dropped_bytes(text: str) -> list[int]:
    return [ord(ch) - 0xDC00 for ch in text if 0xDC80 <= ord(ch) <= 0xDCFF]


def clean_text_arguments(args: argparse.Namespace, parser: argparse.ArgumentParser) -> list[str]:
    """Drop undecodable argv bytes from text arguments (in place); one note per argument changed."""
    notes: list[str] = []
    for dest, value in vars(args).items():
        if dest in PATH_DESTS or dest == "func":
            continue
        if isinstance(value, str) and _SURROGATES.search(value):
            cleaned = _SURROGATES.sub("", value)
            setattr(args, dest, cleaned)
            notes.append(_note(parser, dest, value, cleaned))
        elif isinstance(value, list) and any(isinstance(v, str) and _SURROGATES.search(v) for v in value):
            cleaned_list = [_SURROGATES.sub("", v) if isinstance(v, str) else v for v in value]
            setattr(args, dest, cleaned_list)
            notes.append(_note(parser, dest, " ".join(map(str, value)), " ".join(map(str, cleaned_list))))
    return notes


def _note(parser: argparse.ArgumentParser, dest: str, value: str, cleaned: str) -> str:
    dropped = " ".join(f"0x{b:02x}" for b in _dropped_bytes(value)[:12])
    return (f"note: {_option_name(parser, dest)}: dropped byte(s) that are not UTF-8 ({dropped}); "
            f"using '{shorten(cleaned, 80)}'")


def check_input_file(path: str, option: str) -> None:
    """Raise :class:`UsageError` unless ``path`` is an existing, readable file."""
    target = Path(path)
    if not target.exists():
        raise UsageError(f"{option}: file not found: {shorten(path, 120)}")
    if not target.is_file():
        raise UsageError(f"{option}: not a file: {shorten(path, 120)}")
    if not os.access(target, os.R_OK):
        raise UsageError(f"{option}: cannot be read (permission denied): {shorten(path, 120)}")


def check_output_file(path: str, option: str) -> None:
    """Raise :class:`UsageError` unless ``path`` can be written: its folder exists and accepts a new file,
    and the path is not a folder nor a read-only file. Checked by creating (and removing) a temporary file."""
    if path == "-":
        return
    target = Path(path)
    shown = shorten(path, 120)
    if target.is_dir():
        raise UsageError(f"{option}: {shown} is a folder; give a file name")
    folder = target.parent
    if not folder.exists():
        raise UsageError(f"{option}: cannot write {shown}: the folder {shorten(str(folder), 80)} does not exist")
    if not folder.is_dir():
        raise UsageError(f"{option}: cannot write {shown}: {shorten(str(folder), 80)} is not a folder")
    if target.exists() and not os.access(target, os.W_OK):
        raise UsageError(f"{option}: cannot write {shown}: the file is read-only")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".interestlens-write-check-"):
            pass
    except OSError as exc:
        raise UsageError(f"{option}: cannot write {shown}: {exc.strerror or exc}") from None


def check_paths(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Check every input and output path argument of a parsed command line before the command runs."""
    for dest in sorted(INPUT_DESTS):
        value = getattr(args, dest, None)
        if isinstance(value, str) and value:
            check_input_file(value, _option_name(parser, dest))
    for dest in sorted(OUTPUT_DESTS):
        value = getattr(args, dest, None)
        if isinstance(value, str) and value:
            check_output_file(value, _option_name(parser, dest))


def subcommand_parser(parser: argparse.ArgumentParser, name: str | None) -> argparse.ArgumentParser:
    """The parser of sub-command ``name`` (for option names in messages); ``parser`` if there is none."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and name in action.choices:
            chosen: argparse.ArgumentParser = action.choices[name]
            return chosen
    return parser


def printable(text: str) -> str:
    """``text`` safe to write to a strict UTF-8 stream: lone surrogates (undecodable bytes) become U+FFFD."""
    return _SURROGATES.sub(lambda m: "\ufffd" * len(m.group()), text)


def write_stderr(line: str) -> None:
    """One line to stderr (never raises on undecodable characters)."""
    sys.stderr.write(printable(line).rstrip("\n") + "\n")


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> tuple[argparse.Namespace | None, int]:
    """Parse ``argv``: (namespace, 0), or (None, exit code) after ``--help`` (0) or an error (2, printed)."""
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        write_stderr(f"error: {exc}")
        return None, 2
    except SystemExit as exc:  # --help and friends print and "exit"
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
        return None, code
    sub = subcommand_parser(parser, getattr(args, "command", None))
    for note in clean_text_arguments(args, sub):
        write_stderr(note)
    return args, 0
