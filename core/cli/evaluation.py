"""``python -m core evaluate`` / ``tune`` (offline evaluation of the whole engine) and
``evaluate-interests`` (typed-interest cases files)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from core.cli.args import float_in, int_in
from core.cli.common import add_out_argument, emit_json, emit_text, fail, parse_weights
from core.common.errors import InterestLensError
from core.data.demos import DEMOS

# --- evaluate / tune (issue 6) ---------------------------------------------------------------------


def _eval_dataset(args: argparse.Namespace) -> Any:
    """The Dataset ``--data`` names (a demo or the user's files, :func:`core.cli.data_source.load_data_source`;
    ``--demo`` is its deprecated alias); the signal and its relevance default go to stderr."""
    from core.cli.data_source import load_data_source

    dataset = load_data_source(args)
    if not args.quiet:
        from core.data.splits import relevance_rule

        how = "guessed" if dataset.signal.guessed else "declared"
        sys.stderr.write(f"signal: {dataset.signal.kind} ({how}): {dataset.signal.describe()}\n"
                         f"relevance (--threshold auto): {relevance_rule(dataset).describe()}\n")
    return dataset


def _eval_options(args: argparse.Namespace, dataset: Any) -> Any:
    """EvalOptions from the shared evaluate / tune arguments."""
    from core.data.splits import SplitParams, resolve_threshold
    from core.evaluation.baselines import BASELINES
    from core.evaluation.options import EvalOptions
    from core.ranking.registry import CHANNELS

    def names(value: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
        chosen = tuple(v.strip() for v in value.split(",") if v.strip()) if value != "all" else allowed
        unknown = sorted(set(chosen) - set(allowed))
        if unknown:
            raise InterestLensError(f"unknown {what} {unknown}; expected some of {list(allowed)}")
        return chosen

    split = SplitParams(kind=args.split, test_ratio=args.test_ratio, n_last=args.n_last,
                        relevance_threshold=resolve_threshold(dataset, args.threshold), seed=args.seed)
    return EvalOptions(
        split=split, k=args.k, baselines=names(getattr(args, "baselines", "all"), BASELINES, "baseline(s)"),
        channels=names(args.channels, CHANNELS, "channel(s)"), tune=not getattr(args, "no_tune", False),
        n_trials=args.trials, timeout=args.timeout, tune_users=args.tune_users,
        tune_baselines=getattr(args, "tune_baselines", False),
        baseline_trials=getattr(args, "baseline_trials", 8),
        tune_folds=getattr(args, "tune_folds", 3), tune_penalty=getattr(args, "tune_penalty", 0.05),
        tune_confidence=not getattr(args, "no_tune_confidence", False),
        tune_channels=getattr(args, "tune_channels", False), channel_trials=getattr(args, "channel_trials", 10),
        typed=not getattr(args, "no_typed", False), model=None if args.model == "none" else args.model,
        n_boot=getattr(args, "bootstrap", 1000), seed=args.seed, max_users=getattr(args, "max_users", None),
    )


def _cmd_evaluate(args: argparse.Namespace) -> int:
    """Evaluate baselines, single channels and fusion (default + tuned) on one split; print the table."""
    from core.common.progress import cli_progress
    from core.distributed.backend import block_map_for, parse_backend
    from core.evaluation.protocol import evaluate_dataset, run_checkpoint

    map_shards = block_map_for(parse_backend(args.backend), args.workers)  # a bad address fails first
    dataset = _eval_dataset(args)
    options = _eval_options(args, dataset)
    progress = None if args.quiet else cli_progress("evaluate")
    checkpoint = None if getattr(args, "no_resume", False) else run_checkpoint(dataset, options)
    if checkpoint is not None and checkpoint.n_saved() and not args.quiet:
        sys.stderr.write(f"resuming an interrupted run: {checkpoint.n_saved()} finished stage(s) kept in "
                         f"{checkpoint.folder}\n")
    report = evaluate_dataset(dataset, options, progress=progress, checkpoint=checkpoint, map_shards=map_shards)
    parts = None
    if not getattr(args, "no_slices", False) and report.runtime.get("split") is not None:
        from core.evaluation.breakdown import breakdown

        parts = breakdown(report.experiment, report.runtime["split"], n_boot=options.n_boot, seed=options.seed)
    if args.json:
        emit_json({**report.to_dict(), **(parts.to_dict() if parts is not None else {})}, args.out)
    elif args.csv:
        emit_text(report.table().to_csv(), args.out)
    else:
        emit_text(report.to_markdown() + (parts.to_markdown() if parts is not None else ""), args.out)
    return 0


def _cmd_tune(args: argparse.Namespace) -> int:
    """Tune fusion weights on the validation split; print the best configuration."""
    from core.common.progress import cli_progress
    from core.evaluation.protocol import tune_dataset

    dataset = _eval_dataset(args)
    options = _eval_options(args, dataset)
    progress = None if args.quiet else cli_progress("tune")
    result, validation = tune_dataset(dataset, options, progress=progress)
    if result is None:
        return fail("no fusion channel applies to this dataset's validation users; nothing to tune")
    best = result.best_config
    payload = {
        "dataset": dataset.name, "split": options.split.as_dict(), "validation_split": validation.stats,
        **result.as_dict(),
        "config": {"weights": best.weights.as_dict(), "normalisation": best.normalisation,
                   "method": best.method},
        "trials": result.trials.to_dict(orient="records"),
    }
    if args.json:
        emit_json(payload, args.out)
    else:
        weights = ", ".join(f"{c}={w:.3f}" for c, w in payload["best_weights"].items())
        emit_text(f"best {payload['metric']} on validation: {payload['best_value']} "
                  f"(default {payload['base_value']}); normalisation {payload['best_normalisation']}; "
                  f"weights {weights}\n", args.out)
    return 0


def _add_eval_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments shared by ``evaluate`` and ``tune``."""
    from core.cli.data_source import add_data_arguments

    add_data_arguments(p, default=None)  # required, or --demo
    p.add_argument("--demo", choices=list(DEMOS), help="deprecated: the same as --data demo:NAME")
    p.add_argument("--k", type=int_in(1, 1000), default=10, help="list length for every metric, 1-1000 (default 10)")
    p.add_argument("--split", choices=["random", "leave_last", "temporal"], default="random",
                   help="per-user random ratio (default), per-user leave-last-N, or one global time cut")
    p.add_argument("--test-ratio", type=float_in(0, 1, low_open=True, high_open=True), default=0.2,
                   help="held-out share (random, temporal), between 0 and 1")
    p.add_argument("--n-last", type=int_in(1, 10_000), default=5, help="held-out interactions per user (leave_last)")
    p.add_argument("--threshold", default="auto",
                   help="relevance: rating >= this; 'auto' (default) follows the signal: every held-out item "
                        "for counts / binary / durations, 80%% of the rating scale's top for ratings; "
                        "'none' = all held out")
    p.add_argument("--channels", default="all", help="comma-separated channels to evaluate alone and to tune")
    p.add_argument("--trials", type=int_in(1, 100_000), default=40, help="Optuna trials for the fusion weights")
    p.add_argument("--timeout", type=float_in(0, 1e7, low_open=True), default=None,
                   help="stop tuning after this many seconds")
    p.add_argument("--tune-users", type=int_in(1, 10_000_000), default=300, help="validation users sampled for tuning")
    p.add_argument("--tune-folds", type=int_in(1, 20), default=3,
                   help="validation folds; tuned weights are adopted only if they win out of fold (default 3)")
    p.add_argument("--tune-penalty", type=float_in(0, 100), default=0.05,
                   help="pull of the tuned weights toward the defaults (default 0.05; 0 = none)")
    p.add_argument("--model", default="use-m3", help="item text encoder, or 'none' to skip content channels")
    p.add_argument("--seed", type=int_in(0, 2**32 - 1), default=42, help="seed for splits, models and the tuner")
    p.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_out_argument(p)


def add_evaluate(sub: Any) -> None:
    """Register ``evaluate``."""
    from core.distributed.backend import add_backend_arguments

    p = sub.add_parser("evaluate", help="offline evaluation: baselines, channels, fused and tuned fusion")
    _add_eval_arguments(p)
    p.add_argument("--baselines", default="all", help="comma-separated baselines (default all)")
    p.add_argument("--no-tune", action="store_true", help="skip tuning (no fused_tuned row)")
    p.add_argument("--no-resume", action="store_true",
                   help="start afresh instead of resuming an interrupted run of the same data and settings")
    p.add_argument("--tune-baselines", action="store_true", help="also tune item-kNN, ALS, BPR on validation")
    p.add_argument("--baseline-trials", type=int_in(1, 10_000), default=8, help="Optuna trials per tuned baseline")
    p.add_argument("--tune-channels", action="store_true",
                   help="also tune the mf / item_knn channels' own settings on validation")
    p.add_argument("--channel-trials", type=int_in(1, 10_000), default=10, help="Optuna trials per tuned channel")
    p.add_argument("--no-tune-confidence", action="store_true",
                   help="keep the signal's default interaction transform instead of choosing one on validation")
    p.add_argument("--no-typed", action="store_true", help="skip the typed-interest comparison")
    p.add_argument("--bootstrap", type=int_in(0, 100_000), default=1000,
                   help="bootstrap resamples for the 95%% intervals (0 = none)")
    p.add_argument("--max-users", type=int_in(1, 100_000_000), default=None,
                   help="evaluate a seeded sample of test users")
    p.add_argument("--csv", action="store_true", help="print the table as CSV instead of Markdown")
    p.add_argument("--no-slices", action="store_true",
                   help="leave out the breakdown by user activity, item popularity, category and language, "
                        "the popularity-bias deciles and the genre calibration (JSON and Markdown)")
    add_backend_arguments(p, "the test users' recommend + per-user metric step runs in user shards as Ray tasks")
    p.set_defaults(func=_cmd_evaluate)


def add_tune(sub: Any) -> None:
    """Register ``tune``."""
    p = sub.add_parser("tune", help="tune fusion weights and normalisation on a validation split (Optuna)")
    _add_eval_arguments(p)
    p.set_defaults(func=_cmd_tune)


# --- evaluate-interests (issue 15) -----------------------------------------------------------------


def _cmd_evaluate_interests(args: argparse.Namespace) -> int:
    """Evaluate typed interests on a cases file: fused ranking, tag-kind ablations, baselines, one table."""
    from core.cli.data_source import load_data_source
    from core.common.progress import cli_progress
    from core.engine import Engine
    from core.evaluation.cases import load_cases
    from core.evaluation.typed_cases import evaluate_typed_cases
    from core.ranking.config import FusionConfig

    weights = parse_weights(args.weights)
    config = FusionConfig() if weights is None else FusionConfig(weights=weights)
    dataset = load_data_source(args)
    cases = load_cases(args.cases, dataset).select(args.split)
    if not args.quiet:
        sys.stderr.write(f"{len(cases)} cases ({args.split}) from {cases.source}; "
                         f"{len(cases.unresolved)} entries did not resolve to an item\n")
    engine = Engine(dataset, args.model)
    engine.prepare(None if args.quiet else cli_progress("prepare"))
    report = evaluate_typed_cases(engine, cases, k=args.k, config=config, split=args.split,
                                  n_boot=args.bootstrap,
                                  progress=None if args.quiet else cli_progress("evaluate-interests"))
    if args.json:
        emit_json(report.to_dict(), args.out)
    else:
        emit_text(report.to_markdown(), args.out)
    return 0


def add_evaluate_interests(sub: Any) -> None:
    """Register ``evaluate-interests``."""
    from core.vectors.encoders import DEFAULT_MODEL

    p = sub.add_parser("evaluate-interests",
                       help="evaluate typed interests on a cases file (text -> targets): fused ranking, "
                            "ablations per tag kind and baselines, with bootstrap intervals")
    p.add_argument("cases", help='JSON list of {"text", "targets", "mentioned"?, "id"?, "split"?} '
                                 "(targets / mentioned: item ids or titles)")
    from core.cli.data_source import add_data_arguments

    add_data_arguments(p)  # the cases' targets and mentions resolve against this dataset's items
    p.add_argument("--k", type=int_in(1, 1000), nargs="+", default=[10, 50],
                   help="list lengths, 1-1000 (default 10 50)")
    p.add_argument("--split", default="all", help="only the cases of this split, e.g. dev or test (default all)")
    p.add_argument("--weights", default=None, metavar="JSON",
                   help="fusion weights of the fused ranking (missing channels get 0; default: the default fusion)")
    p.add_argument("--bootstrap", type=int_in(0, 100_000), default=1000,
                   help="bootstrap resamples for the 95%% intervals (0 = none)")
    p.add_argument("--model", default=DEFAULT_MODEL, help="text encoder (default use-m3)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--json", action="store_true", help="print one JSON document (default: a Markdown report)")
    add_out_argument(p)
    p.set_defaults(func=_cmd_evaluate_interests)
