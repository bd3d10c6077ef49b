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

# --- embed (issue 3) -----------------------------------------------------------------------------


def _cmd_embed(args: argparse.Namespace) -> int:
    """Embed a demo dataset's item documents through the on-disk vector cache and report the counts."""
    from core.demo import load_demo
    from core.embedding import VectorCache, embed_texts, item_documents, load_encoder
    from core.progress import cli_progress

    dataset = load_demo(args.data)
    encoder = load_encoder(args.model)
    docs = item_documents(dataset, args.template)
    cache = None if args.no_cache else VectorCache.default(encoder.model_id)
    progress = None if args.quiet else cli_progress(f"embed {args.data}")
    result = embed_texts(encoder, docs, cache, progress)
    payload = {
        "dataset": args.data,
        "model": encoder.model_id,
        "items": result.n_texts,
        "duplicates": result.n_texts - result.n_cached - result.n_encoded,
        "cached": result.n_cached,
        "encoded": result.n_encoded,
        "seconds": round(result.seconds, 3),
        "dim": result.dim,
        "cache_dir": str(cache.path) if cache is not None else None,
    }
    if args.json:
        emit_json(payload)
    else:
        sys.stdout.write(
            f"{payload['items']} items of {args.data} with {payload['model']} ({payload['dim']}-d): "
            f"{payload['cached']} cached, {payload['encoded']} encoded in {payload['seconds']} s\n"
        )
    return 0


def _add_embed(sub: Any) -> None:
    """Register ``embed``."""
    from core.embedding import DEFAULT_MODEL, DEFAULT_TEMPLATE

    p = sub.add_parser("embed", help="embed a demo dataset's items (cached on disk) and print the counts")
    p.add_argument("--data", default="movielens", choices=["movielens", "bilingual"], help="demo dataset")
    p.add_argument("--model", default=DEFAULT_MODEL,
                   help="use-m3 (default, zh+en), minilm (English only), or a sentence-transformers folder")
    p.add_argument("--template", default=DEFAULT_TEMPLATE, help="item document template")
    p.add_argument("--no-cache", action="store_true", help="encode everything, bypass the cache")
    p.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    p.add_argument("--json", action="store_true", help="print one JSON document (default: one line of text)")
    p.set_defaults(func=_cmd_embed)


# --- ingest (issue 2) ----------------------------------------------------------------------------


def _parse_map(pairs: list[str]) -> dict[str, str]:
    """``role=column`` pairs (an empty column unmaps the role)."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        role, sep, column = pair.partition("=")
        if not sep or not role.strip():
            raise InterestLensError(f"--map expects role=column, got {pair!r}")
        mapping[role.strip()] = column.strip()
    return mapping


def _cmd_ingest(args: argparse.Namespace) -> int:
    """Load an interaction file (+ items) through core.data and print the validation report as JSON."""
    import os

    from core.data import NothingLoadedError, load_dataset

    key = None
    if args.pseudonymise_env:
        key = os.environ.get(args.pseudonymise_env)
        if not key:
            return fail(f"environment variable {args.pseudonymise_env} is not set (pseudonymisation key)")
    inter_map = _parse_map(args.map)
    item_map = _parse_map(args.item_map)
    empty: dict[str, Any] = {"rows_loaded": 0, "rows_rejected": 0, "users": 0, "items": 0, "problems": []}
    try:
        dataset, inter, items = load_dataset(
            args.interactions, args.items, name=args.name or args.interactions,
            interaction_mapping=inter_map or None, item_mapping=item_map or None, pseudonymise_key=key,
        )
    except NothingLoadedError as exc:
        payload = dict(empty, error=str(exc), code=exc.code)
        for rep in exc.reports:
            if rep.kind == "interactions":
                payload.update(rep.summary())
            else:
                payload["items_report"] = rep.summary()
        payload["rows_loaded"] = 0
        emit_json(payload)
        return fail(str(exc), 2)
    except InterestLensError as exc:
        emit_json(dict(empty, error=str(exc), code=getattr(exc, "code", "data_error")))
        return fail(str(exc), 2)
    payload = inter.summary()
    payload.update(users=dataset.n_users, items=dataset.n_items, fingerprint=dataset.fingerprint)
    if items is not None:
        payload["items_report"] = items.summary()
    if args.rejected:
        with open(args.rejected, "wb") as fh:
            fh.write(inter.rejected_csv())
    emit_json(payload)
    return 0 if inter.rows_loaded > 0 else 2


def _add_ingest(sub: Any) -> None:
    """Register ``ingest``."""
    p = sub.add_parser("ingest", help="load and validate an interaction file (+ item file); print a JSON report")
    p.add_argument("interactions", help="interaction file: CSV/TSV/any delimiter, Parquet, JSON Lines, RecBole .inter")
    p.add_argument("--items", default=None, help="item metadata file (id, title, description, tags, category)")
    p.add_argument("--map", action="append", default=[], metavar="ROLE=COLUMN",
                   help="override the guessed interaction column for a role: user, item, rating, timestamp, event")
    p.add_argument("--item-map", action="append", default=[], metavar="ROLE=COLUMN",
                   help="override an item column: item, title, description, tags, genres, category, year")
    p.add_argument("--name", default="", help="dataset name (default: the file path)")
    p.add_argument("--pseudonymise-env", default="", metavar="VAR",
                   help="replace user ids by HMAC-SHA256 keyed with the value of this environment variable")
    p.add_argument("--rejected", default="", metavar="CSV", help="also write the rejected rows to this CSV file")
    p.set_defaults(func=_cmd_ingest)


# --- registry ------------------------------------------------------------------------------------

COMMANDS: list[Callable[[Any], None]] = [_add_ingest, _add_embed]


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
