"""``python -m core compare A B --data DATA``: two configurations on the same split and test users.

A and B are each ``default``, a bundled preset (key or name), a preset saved in the workspace, a JSON
configuration file, a baseline (``ease``, ``als`` …) or ``channel:<name>``. ``--data`` is a bundled demo
(``demo:movielens``, ``movielens``) or an interaction file (with ``--items`` / ``--user-tags`` and ingest's
reading flags), loaded by :func:`core.cli.data_source.load_data_source` like every ``--data`` command.
Output: a plain-text report (metric deltas B - A with 95% intervals and paired tests, per-user wins / ties /
losses, list overlap, the users with the largest gains and losses) or, with ``--json``,
:meth:`core.evaluation.compare.ConfigComparison.to_dict`. Named stages go to stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from core.cli.args import int_in
from core.cli.common import add_out_argument, emit_json, emit_text
from core.common.progress import ProgressFn


def stage_printer(quiet: bool) -> ProgressFn | None:
    """A progress callback writing each named stage of :data:`core.evaluation.compare.STAGES` on stderr."""
    if quiet:
        return None
    from core.evaluation.compare import STAGES

    names = set(STAGES.values())
    started = time.perf_counter()

    def _inner(fraction: float, message: str) -> None:
        if message in names:
            sys.stderr.write(f"==> {message} ({time.perf_counter() - started:.1f} s)\n")
            sys.stderr.flush()

    return _inner


def add_split_arguments(p: argparse.ArgumentParser) -> None:
    """``--split``, ``--test-ratio``, ``--threshold``: the split :func:`split_from_args` makes (with ``--seed``)."""
    p.add_argument("--split", choices=["random", "leave_last", "temporal"], default="random",
                   help="per-user random ratio (default), per-user leave-last-N, or one global time cut")
    p.add_argument("--test-ratio", type=float_in_unit(), default=0.2, help="held-out share, between 0 and 1")
    p.add_argument("--threshold", default="auto",
                   help="relevance: rating >= this; 'auto' = 80%% of the max rating, 'none' = all held out")


def split_from_args(dataset: Any, args: argparse.Namespace) -> Any:
    """The :class:`~core.data.splits.Split` of ``dataset`` the split arguments (and ``--seed``) describe."""
    from core.data.splits import SplitParams, resolve_threshold, split_dataset

    return split_dataset(dataset, SplitParams(kind=args.split, test_ratio=args.test_ratio,
                                              relevance_threshold=resolve_threshold(dataset, args.threshold),
                                              seed=args.seed))


def _saved_presets(dataset: Any) -> dict[str, Any]:
    """Presets saved in the workspace for this dataset (or globally), by name; none when there is no store."""
    from core.common.errors import InterestLensError

    try:
        from core.workspace.store import default_workspace

        workspace = default_workspace()
        return {r.name: r.config for r in workspace.list_presets(dataset.fingerprint)}
    except (InterestLensError, OSError):
        return {}


def _cmd_compare(args: argparse.Namespace) -> int:
    """Compare configuration B against A on one split; print a text report or JSON."""
    from core.cli.data_source import load_data_source
    from core.evaluation.compare import STAGES, compare_configurations, item_vectors_needed, resolve_configuration
    from core.evaluation.options import item_vectors_for
    from core.vectors.encoders import load_encoder

    progress = stage_printer(args.quiet)
    dataset = load_data_source(args)
    presets = _saved_presets(dataset)
    a = resolve_configuration(args.a, presets)
    b = resolve_configuration(args.b, presets)
    if progress is not None:
        progress(0.0, STAGES["split"])
    split = split_from_args(dataset, args)
    if args.max_users is not None:
        split = split.subsample(args.max_users, seed=args.seed)
    encoder = vectors = None
    if args.model != "none" and item_vectors_needed(dataset, a, b):
        if progress is not None:
            progress(0.05, STAGES["vectors"])
        encoder = load_encoder(args.model)
        vectors = item_vectors_for(split.train, encoder)
    result = compare_configurations(split, a, b, k=args.k, item_vectors=vectors, encoder=encoder,
                                    dataset_name=dataset.name, n_boot=args.bootstrap, seed=args.seed,
                                    n_cases=args.cases, progress=progress)
    if args.json:
        emit_json(result.to_dict(per_user=not args.no_per_user), args.out)
    else:
        emit_text(render_text(result), args.out)
    return 0


def render_text(result: Any) -> str:
    """The comparison as a plain-text report (tables of fixed-width columns)."""
    from core.evaluation.statistics import format_p

    k = result.k
    lines = [f"{result.dataset}: B = {result.b.label} vs A = {result.a.label}, k = {k}, "
             f"{result.n_users} test users (deltas are B - A)", ""]
    lines.append(f"{'metric':<14}{'A':>9}{'B':>9}{'Δ':>10}{'relative':>10}  {'95% CI of Δ':<22}{'Wilcoxon p':>11}")
    for m in result.metrics:
        rel = f"{m.relative:+.1%}" if m.relative == m.relative else "—"
        ci = f"[{m.low:+.4f}, {m.high:+.4f}]"
        lines.append(f"{m.metric + '@' + str(k):<14}{m.mean_a:>9.4f}{m.mean_b:>9.4f}{m.delta:>+10.4f}{rel:>10}  "
                     f"{ci:<22}{format_p(m.wilcoxon_p):>11}")
    lines += ["", f"NDCG@{k} per user: B better for {result.wins}, tied for {result.ties}, worse for {result.losses}",
              "histogram of per-user Δ NDCG:"]
    h = result.delta_histogram
    top = max(h.counts) if h.counts else 0
    for lo, hi, count in zip(h.edges[:-1], h.edges[1:], h.counts, strict=True):
        bar = "#" * (round(40 * count / top) if top else 0)
        lines.append(f"  [{lo:+.3f}, {hi:+.3f}) {count:>6} {bar}")
    o = result.overlap
    lines += ["", f"list overlap per user: Jaccard@{k} mean {o.jaccard_mean:.3f} (median {o.jaccard_median:.3f}), "
                  f"RBO (p = {o.p:g}) mean {o.rbo_mean:.3f} (median {o.rbo_median:.3f}); "
                  f"identical lists {o.identical}, disjoint {o.disjoint}"]
    for title, cases in (("largest gains", result.gains), ("largest losses", result.drops)):
        lines += ["", f"{title} (NDCG@{k} A → B; * = held-out relevant item):"]
        if not cases:
            lines.append("  none")
        for case in cases:
            lines.append(f"  user {case.user_id}: {case.ndcg_a:.3f} → {case.ndcg_b:.3f} ({case.delta:+.3f}), "
                         f"{case.n_held_out} held out, Jaccard {case.jaccard:.2f}, RBO {case.rbo:.2f}")
            for i in range(max(len(case.list_a), len(case.list_b))):
                left = _entry(case.list_a[i]) if i < len(case.list_a) else ""
                right = _entry(case.list_b[i]) if i < len(case.list_b) else ""
                lines.append(f"    {i + 1:>3}  {left:<46}  {right}")
    for note in result.notes:
        lines.append(f"note: {note}")
    lines.append(f"\n{result.seconds:.1f} s")
    return "\n".join(lines) + "\n"


def _entry(entry: Any) -> str:
    mark = "*" if entry.held_out else " "
    text = f"{mark} {entry.item_id} {entry.title}"
    if entry.contributions:
        best = max(entry.contributions, key=lambda cv: cv[1])
        text = f"{text[:34]} [{best[0]} {best[1]:.2f}]"
    return text[:46]


def add_compare(sub: Any) -> None:
    """Register ``compare``."""
    from core.cli.data_source import add_data_arguments
    from core.vectors.encoders import DEFAULT_MODEL

    p = sub.add_parser("compare", help="compare two configurations (presets, baselines, channel:<name>) on "
                                       "the same split: metric deltas, paired tests, overlap, per-user cases")
    p.add_argument("a", help="reference A: default, a preset (bundled key/name, saved, or .json file), "
                             "a baseline (e.g. ease, als) or channel:<name>")
    p.add_argument("b", help="candidate B (same forms as A); every delta is B - A")
    add_data_arguments(p, default=None, required=True)
    p.add_argument("--k", type=int_in(1, 1000), default=10, help="list length, 1-1000 (default 10)")
    p.add_argument("--max-users", type=int_in(1, 100_000_000), default=None,
                   help="compare on a seeded sample of this many test users")
    p.add_argument("--seed", type=int_in(0, 2**32 - 1), default=42, help="seed of the split, sample and models")
    add_split_arguments(p)
    p.add_argument("--bootstrap", type=int_in(1, 100_000), default=1000, help="bootstrap resamples (default 1000)")
    p.add_argument("--cases", type=int_in(0, 100), default=5, help="users shown with the largest gains / losses")
    p.add_argument("--model", default=DEFAULT_MODEL, help="item text encoder, or 'none' to skip text channels")
    p.add_argument("--no-per-user", action="store_true", help="leave the per-user arrays out of --json")
    p.add_argument("--quiet", action="store_true", help="no stage lines on stderr")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_out_argument(p)
    p.set_defaults(func=_cmd_compare)


def float_in_unit() -> Any:
    """The open interval (0, 1) as an argparse type."""
    from core.cli.args import float_in

    return float_in(0, 1, low_open=True, high_open=True)
