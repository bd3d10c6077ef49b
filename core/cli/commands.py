"""Command-line interface: ``python -m core <command>``.

Each command is one ``_cmd_<name>(args) -> int`` function plus one ``_add_<name>(subparsers)``
registration function, listed in ``COMMANDS``. Output is JSON (or CSV) on stdout, or in ``--out FILE``;
progress bars and messages go to stderr. Exit codes: 0 success, 2 bad input (nothing usable; one line on
stderr, never a traceback: see :func:`main`), 1 unexpected failure, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.cli.args import CliParser, check_paths, float_in, int_in, subcommand_parser
from core.cli.args import parse as parse_argv
from core.cli.common import (
    add_out_argument,
    emit_json,
    emit_text,
    fail,
    parse_weights,
    signal_payload,
)
from core.cli.compare import add_compare
from core.cli.evaluation import add_evaluate, add_evaluate_interests, add_tune
from core.cli.hash_password import add_hash_password
from core.cli.inspector import add_inspect
from core.cli.prepare import add_prepare
from core.common.errors import InterestLensError

# --- commands (each section owned by one module; add yours below, keep them independent) ---------

# --- embed (issue 3) -----------------------------------------------------------------------------


def _cmd_embed(args: argparse.Namespace) -> int:
    """Embed a dataset's item documents (a demo or the user's files) through the on-disk vector cache and
    report the counts."""
    from core.cli.data_source import data_label, data_spec, load_data_source
    from core.common.progress import cli_progress
    from core.distributed.backend import connect, parse_backend, progress_lines
    from core.vectors.documents import default_template, item_documents
    from core.vectors.encoders import load_encoder
    from core.vectors.vector_cache import VectorCache, embed_texts

    backend = parse_backend(args.backend)
    connect(backend)  # an unreachable Ray address fails before any work
    dataset = load_data_source(args)
    label = data_label(dataset, data_spec(args))
    docs = item_documents(dataset, args.template or default_template(dataset))  # a bad template fails first
    cache: VectorCache | None
    if backend.is_ray:  # Ray Data workers load the encoder; the driver only writes the cache
        from core.distributed.embedding import embed_texts_ray, model_id_for

        if args.no_cache:
            raise InterestLensError("--backend ray writes into the vector cache: drop --no-cache")
        model_id = model_id_for(args.model)
        cache = VectorCache.default(model_id)
        result = embed_texts_ray(docs, args.model, cache, backend, workers=args.workers,
                                 progress=None if args.quiet else progress_lines(f"embed {label}"))
    else:
        encoder = load_encoder(args.model)
        model_id = encoder.model_id
        cache = None if args.no_cache else VectorCache.default(encoder.model_id)
        result = embed_texts(encoder, docs, cache, None if args.quiet else cli_progress(f"embed {label}"))
    payload = {
        "dataset": label,
        "fingerprint": dataset.fingerprint,
        "model": model_id,
        "backend": backend.describe(),
        "items": result.n_texts,
        "duplicates": result.n_texts - result.n_cached - result.n_encoded,
        "cached": result.n_cached,
        "encoded": result.n_encoded,
        "seconds": round(result.seconds, 3),
        "dim": result.dim,
        "cache_dir": str(cache.path) if cache is not None else None,
        "cache_notices": [notice.as_dict() for notice in result.notices],
    }
    if args.json:
        emit_json(payload, args.out)
    else:
        emit_text(
            f"{payload['items']} items of {label} with {payload['model']} ({payload['dim']}-d): "
            f"{payload['cached']} cached, {payload['encoded']} encoded in {payload['seconds']} s\n", args.out
        )
    return 0


def _add_embed(sub: Any) -> None:
    """Register ``embed``."""
    from core.cli.data_source import add_data_arguments
    from core.distributed.backend import add_backend_arguments
    from core.vectors.encoders import DEFAULT_MODEL

    p = sub.add_parser("embed", help="embed a dataset's items (a demo or your files; cached on disk) and print "
                                     "the counts")
    add_data_arguments(p)
    p.add_argument("--model", default=DEFAULT_MODEL,
                   help="use-m3 (default, zh+en), minilm (English only), or a sentence-transformers folder")
    p.add_argument("--template", default=None,
                   help="item document template (default: the dashboard's, with {people} when the items have it)")
    p.add_argument("--no-cache", action="store_true", help="encode everything, bypass the cache")
    add_backend_arguments(p, "encode on Ray Data, one encoder per worker, each batch written to the cache")
    p.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    p.add_argument("--json", action="store_true", help="print one JSON document (default: one line of text)")
    add_out_argument(p)
    p.set_defaults(func=_cmd_embed)


# --- ingest (issue 2) ----------------------------------------------------------------------------


def _positive_count(text: str) -> int:
    """An argparse type: a whole number from 1 to 1,000,000."""
    if not text.strip().isdigit() or len(text.strip()) > 7 or not 1 <= int(text) <= 1_000_000:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 1,000,000, not {text!r}")
    return int(text)


def _cmd_ingest(args: argparse.Namespace) -> int:
    """Load an interaction file (+ items) through core.data.loaders and print the validation report as JSON."""
    from core.cli.data_source import parse_map, pseudonymise_key, read_options
    from core.data.loaders import load_dataset
    from core.data.readers import read_table
    from core.data.report import NothingLoadedError

    options = read_options(args)  # the deployment's INTERESTLENS_* settings, then --max-rows / --date-format
    key = pseudonymise_key(args)
    inter_map = parse_map(args.column_map)
    item_map = parse_map(args.item_map, "--item-map")
    empty: dict[str, Any] = {"rows_loaded": 0, "rows_rejected": 0, "users": 0, "items": 0, "problems": []}
    try:
        inter_raw = read_table(args.interactions, options=options)  # within the row / memory budget
        items_raw = read_table(args.items, options=options) if args.items else None
        tags_raw = read_table(args.user_tags, options=options) if args.user_tags else None
        dataset, inter, items = load_dataset(  # named like a Data-page upload: the same fingerprint
            inter_raw, items_raw, name=args.name or Path(args.interactions).name,
            interaction_mapping=inter_map or None, item_mapping=item_map or None, pseudonymise_key=key,
            max_kept=args.max_problems, rejected_path=args.rejected or None,  # every rejected row, written as read
            user_tags=tags_raw, signal=args.signal, event_weights=args.event_weights,
        )
    except NothingLoadedError as exc:
        payload = dict(empty, error=str(exc), code=exc.code)
        for rep in exc.reports:
            if rep.kind == "interactions":
                payload.update(rep.summary())
            else:
                payload["items_report"] = rep.summary()
        payload["rows_loaded"] = 0
        emit_json(payload, args.out)
        return fail(str(exc), 2)
    except InterestLensError as exc:
        emit_json(dict(empty, error=str(exc), code=getattr(exc, "code", "data_error")), args.out)
        return fail(str(exc), 2)
    payload = inter.summary()
    payload.update(users=dataset.n_users, items=dataset.n_items, fingerprint=dataset.fingerprint,
                   pairs=int(dataset.matrix.nnz), signal=signal_payload(dataset))
    if "events" in dataset.meta:
        payload["events"] = dataset.meta["events"]
    if not args.quiet_signal:
        sys.stderr.write(f"signal: {dataset.signal.kind} ({'guessed' if dataset.signal.guessed else 'declared'}): "
                         f"{dataset.signal.describe()}\n")
    if items is not None:
        payload["items_report"] = items.summary()
    if "user_tags_report" in dataset.meta:
        payload["user_tags_report"] = dataset.meta["user_tags_report"]
    emit_json(payload, args.out)
    return 0 if inter.rows_loaded > 0 else 2


def _add_ingest(sub: Any) -> None:
    """Register ``ingest``."""
    p = sub.add_parser("ingest", help="load and validate an interaction file (+ items); print a JSON report")
    from core.cli.data_source import add_reading_arguments

    p.add_argument("interactions", help="CSV/TSV/any delimiter, Parquet, JSON Lines or RecBole .inter file")
    add_reading_arguments(p)  # --items, --user-tags, --map, --item-map, --name, --max-rows, --date-format, --signal ...
    p.add_argument("--rejected", default="", metavar="CSV",
                   help="write every rejected row to this CSV (default: a workspace file when there are more "
                        "than --max-problems; the JSON's rejected_file names it)")
    p.add_argument("--max-problems", type=_positive_count, default=None, metavar="N",
                   help="problems and rejected rows listed in the JSON (default 1000 or $INTERESTLENS_MAX_PROBLEMS; "
                        "all are counted)")
    p.add_argument("--quiet-signal", action="store_true", help="do not print the signal line on stderr")
    add_out_argument(p)
    p.set_defaults(func=_cmd_ingest)


# --- recommend (issue 5) ---------------------------------------------------------------------------


def _cmd_recommend(args: argparse.Namespace) -> int:
    """Fuse every channel for a user and/or typed interests; print the ranked items with contributions."""
    from dataclasses import replace

    from core.cli.data_source import data_label, data_spec, load_data_source
    from core.cli.index_option import engine_index_options
    from core.common.progress import cli_progress
    from core.engine import Engine
    from core.ranking.base import DROP_REASONS
    from core.ranking.config import FusionConfig
    from core.ranking.fusion import ItemFilter
    from core.ranking.presets import bundled_presets, read_preset_file
    from core.ranking.query import Query
    from ui.reasons import records  # the CLI, like the pages, renders reason codes through ui's catalogue

    weights = parse_weights(args.weights)
    user = None if args.user is None else str(args.user)
    if user is None and not (args.interests or "").strip():
        return fail("give --user, --interests, or both")
    if args.year_min is not None and args.year_max is not None and args.year_min > args.year_max:
        return fail(f"--year-min {args.year_min:g} is after --year-max {args.year_max:g}")
    index_options = engine_index_options(args.index)
    dataset = load_data_source(args)
    label = data_label(dataset, data_spec(args))
    if user is not None and user not in dataset.user_index:
        return fail(f"user {user!r} does not appear in the {label} interactions")
    config = FusionConfig(normalisation=args.normalisation, method="rrf" if args.rrf else "weighted",
                          rrf_k=args.rrf_k, mmr_lambda=args.mmr_lambda, exclude_seen=not args.include_seen)
    if args.preset is not None:  # a bundled preset's key, or a file the Tuning page exported (validated JSON)
        bundled = bundled_presets()
        config = bundled[args.preset][1] if args.preset in bundled else read_preset_file(Path(args.preset))[1]
    if weights is not None:
        config = replace(config, weights=weights)
    engine = Engine(dataset, args.model, **index_options)
    engine.prepare(None if args.quiet else cli_progress("prepare"))
    profile = engine.decompose(args.interests) if (args.interests or "").strip() else None
    item_filter = None
    if args.category or args.year_min is not None or args.year_max is not None:
        item_filter = ItemFilter(categories=frozenset(args.category) if args.category else None,
                                 year_min=args.year_min, year_max=args.year_max)
    rec = engine.recommend(Query(user_id=user, profile=profile), config, k=args.k, item_filter=item_filter)
    items = records(rec, dataset, args.lang)
    payload: dict[str, Any] = {
        "dataset": label,
        "index": str(args.index),
        "user": user,
        "interests": profile.as_dict() if profile is not None else None,
        "config": config.to_dict(),
        "channels": list(rec.result.channels),
        "dropped": {name: {"code": code, "reason": DROP_REASONS.get(code, code)}
                    for name, code in rec.result.dropped.items()},
        "items": items,
    }
    if args.json:
        emit_json(payload, args.out)
    else:
        lines = [f"{record['rank']:>3}  {record['score']:.4f}  {record['item_id']}  {record['title']}  — "
                 f"{record['reason']}\n" for record in items]
        lines += [f"(channel {name} dropped: {info['reason']})\n" for name, info in payload["dropped"].items()]
        emit_text("".join(lines), args.out)
    return 0


def _add_recommend(sub: Any) -> None:
    """Register ``recommend``."""
    from core.cli.data_source import add_data_arguments
    from core.cli.index_option import add_index_argument
    from core.ranking.registry import CHANNELS
    from core.vectors.encoders import DEFAULT_MODEL

    p = sub.add_parser("recommend", help="fused recommendations with per-channel contributions and reasons")
    add_data_arguments(p)
    add_index_argument(p)
    p.add_argument("--user", default=None, help="user id (as in the interaction file)")
    p.add_argument("--interests", default=None, help="typed interests, Chinese or English")
    p.add_argument("--weights", default=None, metavar="JSON",
                   help=f"channel weights, e.g. '{{\"mf\": 1, \"semantic\": 0.5}}' (missing channels get 0); "
                        f"channels: {', '.join(CHANNELS)}")
    p.add_argument("--preset", default=None, metavar="FILE_OR_KEY",
                   help="fusion settings from a preset file (as the Tuning page exports) or a bundled preset "
                        "(typed_cold_start); --weights overrides")
    p.add_argument("--k", type=int_in(1, 1000), default=10, help="number of items, 1-1000 (default 10)")
    p.add_argument("--normalisation", default="minmax", choices=["minmax", "zscore", "rank"])
    p.add_argument("--rrf", action="store_true", help="reciprocal rank fusion instead of the weighted sum")
    p.add_argument("--rrf-k", type=int_in(1, 1000), default=60, help="RRF constant k, 1-1000 (default 60)")
    p.add_argument("--mmr-lambda", type=float_in(0, 1), default=1.0,
                   help="MMR diversity re-rank lambda in [0, 1] (1 = off)")
    p.add_argument("--include-seen", action="store_true", help="keep items the user already interacted with")
    p.add_argument("--category", action="append", default=[], help="only items of this category (repeatable)")
    p.add_argument("--year-min", type=float_in(-9999, 9999), default=None, help="only items from this year on")
    p.add_argument("--year-max", type=float_in(-9999, 9999), default=None, help="only items up to this year")
    p.add_argument("--lang", default="en", choices=["zh", "en"], help="language of the reasons")
    p.add_argument("--model", default=DEFAULT_MODEL, help="text encoder (default use-m3)")
    p.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    p.add_argument("--json", action="store_true", help="print one JSON document (default: lines of text)")
    add_out_argument(p)
    p.set_defaults(func=_cmd_recommend)


# --- interests (issue 4) ---------------------------------------------------------------------------


def _cmd_interests(args: argparse.Namespace) -> int:
    """Decompose typed interests (and optionally a user's history interests) and print the profile as JSON."""
    from core.cli.data_source import data_label, data_spec, load_data_source
    from core.cli.index_option import engine_index_options
    from core.common.progress import cli_progress
    from core.engine import Engine
    from core.interests.history import combine, history_interests
    from core.ranking.config import FusionConfig
    from core.ranking.query import Query

    if not args.text.strip() and args.user is None:
        return fail("type some interests, e.g. python -m core interests \"我喜欢科幻电影，不要恐怖片\"")
    weights = parse_weights(args.weights)  # checked before any work, used with --top
    index_options = engine_index_options(args.index)
    dataset = load_data_source(args)
    label = data_label(dataset, data_spec(args))
    if args.user is not None and str(args.user) not in dataset.user_index:
        return fail(f"user {args.user!r} does not appear in the {label} interactions")
    engine = Engine(dataset, args.model, **index_options)
    engine.prepare(None if args.quiet else cli_progress("prepare"), channels=False)
    knobs = {"temperature": args.temperature, "diversity": args.diversity, "max_tags": args.max_tags}
    profile = engine.decompose(args.text, **knobs) if args.text.strip() else None
    if args.user is not None:
        hist = history_interests(dataset, engine.item_vectors, str(args.user), documents=engine.documents)
        profile = combine(profile, hist, args.alpha, text=args.text)
    assert profile is not None
    payload = profile.as_dict()
    payload["dataset"] = label
    payload["index"] = str(args.index)
    if args.user is not None:
        payload["user"] = str(args.user)
        for tag in payload["tags"]:
            if "medoid_item" in tag:
                tag["medoid_title"] = dataset.titles([dataset.item_index[tag["medoid_item"]]])[0]
    if args.top > 0:  # the Interests page's list: the profile alone (no user) through the one ranking path
        config = FusionConfig() if weights is None else FusionConfig(weights=weights)
        engine.prepare(None if args.quiet else cli_progress("channels"))
        rec = engine.recommend(Query(profile=profile, composition=args.mode), config, k=args.top, explain=False)
        payload["mode"] = args.mode
        payload["config"] = config.to_dict()
        payload["items"] = [
            {"item_id": str(dataset.item_ids[i]), "title": title,
             "category": str(dataset.items["category"].iat[i]), "score": round(float(score), 6)}
            for i, title, score in zip(rec.result.items.tolist(), dataset.titles(rec.result.items),
                                       rec.result.score.tolist(), strict=True)
        ]
    emit_json(payload, args.out)
    return 0


def _add_interests(sub: Any) -> None:
    """Register ``interests``."""
    from core.vectors.encoders import DEFAULT_MODEL

    p = sub.add_parser("interests", help="decompose typed interests into weighted tags (JSON)")
    from core.cli.data_source import add_data_arguments
    from core.cli.index_option import add_index_argument

    p.add_argument("text", help="typed interests, Chinese, English or mixed (may be '' with --user)")
    add_data_arguments(p)
    add_index_argument(p)
    p.add_argument("--temperature", type=float_in(0.01, 10), default=0.15,
                   help="softmax temperature of the weights, 0.01-10 (default 0.15)")
    p.add_argument("--diversity", type=float_in(0, 1), default=0.3, help="MMR diversity in [0, 1]")
    p.add_argument("--max-tags", type=int_in(1, 50), default=8, help="at most this many tags, 1-50")
    p.add_argument("--user", default=None, help="also mix in this user's history interests")
    p.add_argument("--alpha", type=float_in(0, 1), default=0.5,
                   help="history share of the positive weight (--user), in [0, 1]")
    p.add_argument("--top", type=int_in(0, 1000), default=0,
                   help="also list the top N items for these interests (the Interests page's list)")
    p.add_argument("--mode", default="multi", choices=["single", "multi"], help="composition for --top")
    p.add_argument("--weights", default=None, metavar="JSON",
                   help="fusion weights for --top (default: the default fusion, as on the Interests page)")
    p.add_argument("--model", default=DEFAULT_MODEL, help="text encoder (default use-m3)")
    p.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    add_out_argument(p)
    p.set_defaults(func=_cmd_interests)


# --- bench ---------------------------------------------------------------------------------------

BENCHMARKS: dict[str, str] = {
    "ingest": "validated load vs bare pandas.read_csv (issue 2)",
    "embedding": "encoder throughput, cached reload vs re-encode (issue 3)",
    "ann": "hnswlib vs exact search: recall@10, latency, build, size (issue 3)",
    "interests": "genre precision of decomposed vs whole-text interests; parse latency (issue 4)",
    "fusion": "slider re-rank over cached channel scores vs one numpy pass (issue 5)",
    "evaluate": "the MovieLens evaluation table: baselines, channels, tuned fusion (issue 6)",
    "projection": "UMAP map: cold, cached, default kNN vs reused hnswlib graph (issue 7)",
    "scale": "whole pipeline at 100k / 1M / 5M synthetic interactions (issue 9)",
    "typed": "typed interests on INSPIRED dialogues: fused vs baselines, preset tuned on dev (issue 15)",
    "learned": "learned text -> item channel vs whole-text embedding on users' own tags; training time (issue 15)",
    "hostile": "peak memory and time to refusal on hostile files: Parquet bombs, junk CSV, NUL / huge cells (issue 16)",
    "first_run": "the real app in Chromium on a fresh workspace: set-up warm-up, first Interests / map (issue 17)",
}
"""Benchmark name -> what it measures; each is ``bench/bench_<name>.py`` writing ``bench/results/``."""


def _cmd_bench(args: argparse.Namespace) -> int:
    """Run one benchmark script (``python -m bench.bench_<name>``) with any extra arguments."""
    import subprocess
    from pathlib import Path

    if args.name == "list":
        emit_json(BENCHMARKS)
        return 0
    root = Path(__file__).resolve().parents[2]
    if not (root / "bench" / f"bench_{args.name}.py").is_file():
        return fail(f"benchmark scripts live in {root / 'bench'}, which this checkout does not have", 2)
    cmd = [sys.executable, "-m", f"bench.bench_{args.name}", *args.extra]
    sys.stderr.write("==> " + " ".join(cmd) + "\n")
    return subprocess.call(cmd, cwd=root)


def _add_bench(sub: Any) -> None:
    """Register ``bench``."""
    p = sub.add_parser("bench", help="run a benchmark (results go to bench/results/); 'list' names them")
    p.add_argument("name", choices=["list", *BENCHMARKS], help="benchmark to run, or 'list'")
    p.add_argument("extra", nargs=argparse.REMAINDER, help="arguments passed to the benchmark (e.g. --quick)")
    p.set_defaults(func=_cmd_bench)


# --- registry ------------------------------------------------------------------------------------

COMMANDS: list[Callable[[Any], None]] = [_add_ingest, _add_embed, add_evaluate, add_tune, _add_recommend]
COMMANDS.append(_add_interests)
COMMANDS.append(add_evaluate_interests)
COMMANDS.append(_add_bench)
COMMANDS.append(add_hash_password)
COMMANDS.append(add_prepare)
COMMANDS.append(add_compare)
COMMANDS.append(add_inspect)


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser with every registered sub-command."""
    parser = CliParser(prog="python -m core", description="InterestLens engine CLI")
    sub = parser.add_subparsers(dest="command", required=True)
    for register in COMMANDS:
        register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the chosen command. Every failure is one line on stderr and an exit code,
    never a traceback: 2 for bad input (arguments, paths, data; :class:`InterestLensError`), 1 for an
    unexpected failure (set ``INTERESTLENS_DEBUG=1`` to see its traceback), 130 when interrupted."""
    import os

    parser = build_parser()
    args, code = parse_argv(parser, argv)
    if args is None:
        return code
    try:
        check_paths(args, subcommand_parser(parser, args.command))
        result: int = args.func(args)
        return result
    except InterestLensError as exc:
        return fail(str(exc), 2)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly, without a second error at exit
        import contextlib

        with contextlib.suppress(OSError, ValueError):  # stdout is not a file (tests): nothing to silence
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except MemoryError:
        return fail("out of memory; try a smaller file or sample (e.g. ingest --max-rows)", 1)
    except Exception as exc:  # a bug, not bad input: still one line unless asked for the traceback
        if os.environ.get("INTERESTLENS_DEBUG"):
            raise
        return fail(f"unexpected {type(exc).__name__}: {exc} (this is a bug; INTERESTLENS_DEBUG=1 shows the "
                    "traceback)", 1)
