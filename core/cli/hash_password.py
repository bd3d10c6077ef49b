"""``python -m core hash-password``: make the ``password_hash`` line for ``.streamlit/secrets.toml``.

The password is read without echo from the terminal (asked twice), or as one line from standard input with
``--stdin`` (for scripts: ``printf '%s\\n' "$PW" | python -m core hash-password --stdin``); it is never an
argument, which would leave it in the shell history and the process list. The output is the TOML line to
paste under ``[interestlens]``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from core.cli.args import UsageError, int_in
from core.cli.common import emit_text

MIN_LENGTH = 8


def _read_password(args: argparse.Namespace) -> str:
    if args.stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    import getpass

    first = getpass.getpass("New access password: ")
    second = getpass.getpass("Repeat it: ")
    if first != second:
        raise UsageError("the two passwords differ; nothing was written")
    return first


def _cmd_hash_password(args: argparse.Namespace) -> int:
    """Read a password and print ``password_hash = "scrypt$..."``."""
    from core.common.passwords import hash_password

    password = _read_password(args)
    if not password:
        raise UsageError("no password given (empty input)")
    if len(password) < MIN_LENGTH:
        raise UsageError(f"the password is {len(password)} characters; use at least {MIN_LENGTH}")
    if any(0xDC80 <= ord(ch) <= 0xDCFF for ch in password):
        raise UsageError("the password holds bytes that are not UTF-8; type it in a UTF-8 terminal")
    stored = hash_password(password, n=2**args.log2_n)
    emit_text(f'password_hash = "{stored}"\n', args.out)
    return 0


def add_hash_password(sub: Any) -> None:
    """Register ``hash-password``."""
    p = sub.add_parser("hash-password",
                       help="make a salted scrypt password_hash for .streamlit/secrets.toml (access control)")
    p.add_argument("--stdin", action="store_true",
                   help="read the password as one line from standard input (default: ask twice, no echo)")
    p.add_argument("--log2-n", type=int_in(10, 20), default=15, metavar="K",
                   help="scrypt cost n = 2**K (default 15: about 32 MiB and 0.1 s per check)")
    p.add_argument("--out", default="", metavar="FILE", help="write the line to this file instead of stdout")
    p.set_defaults(func=_cmd_hash_password)
