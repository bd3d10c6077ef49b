"""What every command shares: JSON output, one-line failures, ``--weights`` parsing."""

from __future__ import annotations

import json
import sys
from typing import Any

from core.common.errors import InterestLensError


def emit_json(payload: Any) -> None:
    """Print one JSON document to stdout (UTF-8, non-ASCII kept readable)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(message: str, code: int = 2) -> int:
    """Print an error message to stderr and return the exit code."""
    sys.stderr.write(f"error: {message}\n")
    return code


def parse_weights(text: str | None) -> dict[str, float] | None:
    """``--weights`` JSON: an object mapping channel names to non-negative numbers."""
    from core.ranking.registry import CHANNELS

    if text is None:
        return None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InterestLensError(f"--weights is not valid JSON: {exc.msg} (at character {exc.pos})") from None
    if not isinstance(doc, dict):
        raise InterestLensError('--weights must be a JSON object such as {"mf": 1, "semantic": 0.5}')
    unknown = sorted(set(doc) - set(CHANNELS))
    if unknown:
        raise InterestLensError(f"--weights has unknown channel(s) {unknown}; use {list(CHANNELS)}")
    out: dict[str, float] = {}
    for name, value in doc.items():
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not number or not 0 <= value < float("inf"):
            raise InterestLensError(f"--weights: the weight of {name!r} must be a finite number >= 0")
        out[name] = float(value)
    return out
