"""Command-line interface: ``python -m core <command>``.

Each command is one ``_cmd_<name>(args) -> int`` function plus one ``_add_<name>(subparsers)``
registration function, listed in ``COMMANDS``. Output is JSON (or CSV) on stdout; progress bars and
messages go to stderr. Exit codes: 0 success, 2 bad input (nothing usable), 1 unexpected failure.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from core.errors import InterestLensError


def emit_json(payload: Any) -> None:
    """Print one JSON document to stdout (UTF-8, non-ASCII kept readable)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(message: str, code: int = 2) -> int:
    """Print an error message to stderr and return the exit code."""
    sys.stderr.write(f"error: {message}\n")
    return code


# --- commands (each section owned by one module; add yours below, keep them independent) ---------

# --- registry ------------------------------------------------------------------------------------

COMMANDS: list[Callable[[Any], None]] = []


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser with every registered sub-command."""
    parser = argparse.ArgumentParser(prog="python -m core", description="InterestLens engine CLI")
    sub = parser.add_subparsers(dest="command", required=True)
    for register in COMMANDS:
        register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the chosen command; InterestLensError becomes exit code 2."""
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
        return result
    except InterestLensError as exc:
        return fail(str(exc), 2)
