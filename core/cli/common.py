"""What every command shares: output (stdout or ``--out FILE``), one-line failures, ``--weights`` parsing."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from core.cli.args import UsageError, printable, shorten, write_stderr
from core.ranking.config import FusionWeights

_MAX_WEIGHTS_TEXT = 64 * 1024
_MAX_DIGITS = 4000  # below Python's int-from-text limit (4,300 digits)


def add_out_argument(p: argparse.ArgumentParser) -> None:
    """``--out FILE``: write the command's result to a file instead of stdout (checked before work starts)."""
    p.add_argument("--out", default="", metavar="FILE",
                   help="write the result to this file instead of standard output (its folder must exist)")


def emit_text(text: str, out: str | None = None) -> None:
    """Write the command's result: to ``out`` (atomically) when given, else to stdout."""
    text = printable(text)
    if out and out != "-":
        from core.common.artefacts import atomic_write_bytes

        atomic_write_bytes(out, text.encode("utf-8"))
        write_stderr(f"wrote {shorten(out, 200)}")
    else:
        sys.stdout.write(text)


def emit_json(payload: Any, out: str | None = None) -> None:
    """Print one JSON document (UTF-8, non-ASCII kept readable) to stdout or ``out``."""
    emit_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n", out)


def fail(message: str, code: int = 2) -> int:
    """Print an error message (one line) to stderr and return the exit code."""
    write_stderr(f"error: {' '.join(str(message).split())}")
    return code


def _parse_int(text: str) -> int:
    """JSON integers of any length without Python's 4,300-digit conversion error: a longer one becomes a
    number with as many digits (only its size matters: it is refused as out of range)."""
    digits = text.lstrip("-")
    if len(digits) <= _MAX_DIGITS:
        return int(text)
    value: int = 10 ** (len(digits) - 1)
    return -value if text.startswith("-") else value


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise UsageError(f"--weights: channel {shorten(repr(key))} is given twice")
        out[key] = value
    return out


def parse_weights(text: str | None) -> FusionWeights | None:
    """``--weights`` JSON: an object mapping channel names to numbers, checked exactly like the Tuning page's
    sliders and presets (:func:`core.ranking.config.check_weights`: finite, between 0 and the presets' cap,
    not all zero); channels not given get 0."""
    from core.ranking.config import check_weights

    if text is None:
        return None
    if len(text) > _MAX_WEIGHTS_TEXT:
        raise UsageError(f"--weights is {len(text):,} characters long; the limit is {_MAX_WEIGHTS_TEXT:,}")
    try:
        doc = json.loads(text, parse_int=_parse_int, object_pairs_hook=_unique)
    except json.JSONDecodeError as exc:
        raise UsageError(f"--weights is not valid JSON: {exc.msg} (at character {exc.pos})") from None
    except RecursionError:
        raise UsageError("--weights is nested too deeply; expected an object such as {\"mf\": 1}") from None
    if not isinstance(doc, dict):
        raise UsageError('--weights must be a JSON object such as {"mf": 1, "semantic": 0.5}')
    return check_weights(doc, what="--weights")


SIGNAL_CHOICES: tuple[str, ...] = ("auto", "rating", "count", "binary", "duration")
"""``--signal`` values: what the value column is (``auto``: guessed, the reason printed)."""


def event_weights_arg(text: str) -> dict[str, float]:
    """An argparse type: ``--event-weights view=1,cart=3,purchase=5`` (bad pairs: a one-line usage error)."""
    from core.common.errors import InterestLensError
    from core.data.events import parse_event_weights

    try:
        return parse_event_weights(text)
    except InterestLensError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_signal_arguments(p: Any) -> None:
    """``--signal`` and ``--event-weights``, for every command that loads a dataset from files."""
    p.add_argument("--signal", default="auto", choices=list(SIGNAL_CHOICES),
                   help="what the value column is: auto (default: guessed from the values, reason reported), "
                        "rating (explicit, scale from the values), count (plays, clicks), binary, duration")
    p.add_argument("--event-weights", type=event_weights_arg, default=None, metavar="NAME=W,...",
                   help="sum an event log without a value column into weighted counts per user-item pair "
                        "(default view=1,favourite=2,cart=3,purchase=5, others 1; Chinese names such as "
                        "浏览/收藏/加购/购买 are recognised; 0 ignores a type)")


def signal_payload(dataset: Any) -> dict[str, Any]:
    """The dataset's signal for a JSON report: kind, scale, reason code, figures, English text, relevance."""
    from core.data.splits import relevance_rule

    rule = relevance_rule(dataset)
    return {**dataset.signal.to_dict(), "text": dataset.signal.describe(),
            "relevance": {"threshold": rule.threshold, "code": rule.code, "figures": dict(rule.figures),
                          "text": rule.describe()}}
