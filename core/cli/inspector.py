"""``python -m core inspect --data DATA --user ID``: one user's history, interests and lists on one split.

The split is made as ``compare`` makes it (``--split``, ``--test-ratio``, ``--threshold``, ``--seed``); the
channels the configuration weights and those named by ``--channels`` are fitted on its training part and
:func:`core.evaluation.inspector.inspect_user` ranks the user's fused list (``--config``: ``default``, a
bundled or saved preset, a JSON configuration file) and every channel's own list in one pass. Output: a
plain-text report (metrics per list, the fused list with channel contributions, each channel's list,
held-out items, history, tags; ``*`` marks a held-out relevant item) or, with ``--json``,
:meth:`~core.evaluation.inspector.UserInspection.to_dict`.
"""

from __future__ import annotations

import argparse
import math
from datetime import UTC, datetime
from typing import Any

from core.cli.args import UsageError, int_in, shorten
from core.cli.common import add_out_argument, emit_json, emit_text
from core.cli.compare import _saved_presets, add_split_arguments, split_from_args
from core.cli.data_source import add_data_arguments, load_data_source


def _when(ts: float) -> str:
    return "-" if not math.isfinite(ts) else datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%d %H:%M")


def _cmd_inspect(args: argparse.Namespace) -> int:
    """Inspect one user of one split; print a text report or JSON."""
    from core.evaluation.compare import TEXT_CHANNELS, fit_suite, resolve_configuration
    from core.evaluation.inspector import inspect_user
    from core.evaluation.options import has_item_text, item_vectors_for
    from core.ranking.registry import CHANNELS, ChannelParams
    from core.vectors.encoders import load_encoder

    dataset = load_data_source(args)
    conf = resolve_configuration(args.config, _saved_presets(dataset))
    if conf.config is None:
        raise UsageError(f"--config {shorten(args.config)!r} is a baseline; give a fusion configuration "
                         "(default, a preset, a .json file or channel:<name>)")
    wanted = [c.strip() for c in args.channels.split(",") if c.strip()] if args.channels else list(conf.channels())
    unknown = [c for c in wanted if c not in CHANNELS]
    if unknown:
        raise UsageError(f"--channels: unknown channel {shorten(unknown[0])!r}; expected some of {', '.join(CHANNELS)}")
    split = split_from_args(dataset, args)
    if str(args.user) not in split.train.user_index:
        raise UsageError(f"--user {shorten(args.user)!r} has no training interactions in this split")
    fitted = sorted({*conf.channels(), *wanted})
    encoder = vectors = None
    if args.model != "none" and any(c in TEXT_CHANNELS for c in fitted) and has_item_text(dataset):
        encoder = load_encoder(args.model)
        vectors = item_vectors_for(split.train, encoder)
    suite = fit_suite(split.train, fitted, vectors, params=ChannelParams(random_state=args.seed), encoder=encoder)
    result = inspect_user(split, suite, conf.config, str(args.user), k=args.k, channels=wanted, label=conf.label)
    if args.json:
        emit_json(result.to_dict(), args.out)
    else:
        emit_text(render_text(result, args.history), args.out)
    return 0


def render_text(result: Any, history: int = 20) -> str:
    """The inspection as a plain-text report (``*`` = held-out relevant item)."""
    k = result.k
    relevant = sum(r.relevant for r in result.held_out)
    lines = [f"user {result.user_id}: {len(result.history)} training interactions, {len(result.held_out)} held out "
             f"({relevant} relevant), k = {k}, configuration {result.label}", ""]
    metrics = list(result.fused.metrics)
    lines.append(f"{'list':<24}{'hits':>6}" + "".join(f"{m + '@' + str(k):>12}" for m in metrics))
    for lst in result.lists():
        name = result.label if lst.channel is None else lst.name
        if lst.reason is not None:
            lines.append(f"{name[:23]:<24}  cannot rank this user: {lst.reason}")
            continue
        lines.append(f"{name[:23]:<24}{lst.hits:>6}" + "".join(f"{lst.metrics[m]:>12.4f}" for m in metrics))
    lines += ["", f"fused list ({result.label}; channel contributions, largest first):"]
    for e in result.fused.entries:
        parts = sorted(e.contributions or (), key=lambda cv: -cv[1])
        why = ", ".join(f"{c} {v:.3f}" for c, v in parts if v > 0)
        lines.append(f"  {e.rank:>3} {'*' if e.held_out else ' '} {e.item_id} {e.title[:48]}  [{why}]")
    for lst in result.channels:
        if lst.reason is not None:
            continue
        lines += ["", f"{lst.name} alone:"]
        lines += [f"  {e.rank:>3} {'*' if e.held_out else ' '} {e.item_id} {e.title[:60]}" for e in lst.entries]
    lines += ["", "held out (* = relevant), newest first:"]
    lines += [f"  {'*' if h.relevant else ' '} {_when(h.timestamp)}  {h.value:g}  {h.item_id} {h.title[:60]}"
              for h in result.held_out]
    lines += ["", f"history, newest first ({min(history, len(result.history))} of {len(result.history)}):"]
    lines += [f"  {_when(h.timestamp)}  {h.value:g}  {h.item_id} {h.title[:60]}" for h in result.history[:history]]
    if result.tags:
        lines += ["", "tags the user wrote:"]
        lines += [f"  {_when(g.timestamp)}  {g.tag[:40]}  on {g.item_id} {g.title[:40]}" for g in result.tags]
    return "\n".join(lines) + "\n"


def add_inspect(sub: Any) -> None:
    """Register ``inspect``."""
    from core.vectors.encoders import DEFAULT_MODEL

    p = sub.add_parser("inspect", help="one user's history, tags, fused list (with channel contributions) and "
                                       "each channel's own list on a split, held-out items marked")
    add_data_arguments(p, default=None, required=True)
    p.add_argument("--user", required=True, help="the user id to inspect")
    p.add_argument("--config", default="default",
                   help="the fused configuration: default, a preset (bundled key/name, saved, or .json file) or "
                        "channel:<name>")
    p.add_argument("--channels", default="",
                   help="comma-separated channels to list alone (default: those the configuration weights)")
    p.add_argument("--k", type=int_in(1, 1000), default=10, help="list length, 1-1000 (default 10)")
    p.add_argument("--seed", type=int_in(0, 2**32 - 1), default=42, help="seed of the split and the models")
    add_split_arguments(p)
    p.add_argument("--history", type=int_in(0, 1_000_000), default=20,
                   help="history rows in the text report (default 20; --json has them all)")
    p.add_argument("--model", default=DEFAULT_MODEL, help="item text encoder, or 'none' to skip text channels")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_out_argument(p)
    p.set_defaults(func=_cmd_inspect)
