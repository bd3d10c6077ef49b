"""The MovieLens evaluation table: baselines, single channels, default and tuned fusion, one split.

Run from the repo root::

    python -m bench.bench_evaluate            # the full table (a few minutes on 2 cores)
    python -m bench.bench_evaluate --quick    # smaller budgets, 200 test users (smoke run)

Settings are :func:`core.evaluation.options.benchmark_options` (the Evaluate page's "benchmark settings"
button loads the same ones): MovieLens latest-small, per-user random 80/20 split (seed 42),
relevant = rating >= 4, k = 10, full-catalogue ranking. A validation split is carved out of the
training part; on it, and only on it, the item-kNN / ALS / BPR baselines, the mf / item_knn channels
and then the fusion weights + normalisation are tuned with seeded Optuna TPE. Everything is then
fitted on the training part and scored once on the test split, with 95% bootstrap intervals per
user and paired Wilcoxon / t-tests of the fused configurations against the best single baseline.

Target (issue 6): the tuned fusion beats the best single baseline (any baseline or single channel)
on NDCG@10 by >= 10% relative on the test split. The verdict, the relative gain with its bootstrap
interval and both p-values are written whatever the outcome.

Results: ``bench/results/bench_evaluate.json`` (``targets`` + the whole ``evaluation`` payload, the
same JSON the CLI ``evaluate --json`` prints) and ``bench/results/bench_evaluate.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from core.common.progress import cli_progress
from core.data.demos import load_demo
from core.evaluation.options import benchmark_options
from core.evaluation.protocol import EvaluationReport, evaluate_dataset

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RELATIVE_TARGET = 0.10
COMMAND = "python -m bench.bench_evaluate"


def target_rows(report: EvaluationReport) -> list[dict[str, Any]]:
    """The issue's target: tuned (and, for context, default) fusion vs the best single baseline."""
    rows = []
    for comp in report.experiment.comparisons:
        rows.append({
            "name": f"{comp.candidate} vs best single baseline ({comp.reference}), "
                    f"NDCG@{report.experiment.k}",
            "candidate": comp.candidate,
            "reference": comp.reference,
            "candidate_ndcg": round(comp.candidate_mean, 6),
            "reference_ndcg": round(comp.reference_mean, 6),
            "relative": round(comp.relative, 6),
            "relative_ci95": [round(comp.diff_low / comp.reference_mean, 6),
                              round(comp.diff_high / comp.reference_mean, 6)],
            "target": f">= {RELATIVE_TARGET:.0%} relative",
            "met": bool(comp.relative >= RELATIVE_TARGET),
            "wilcoxon_p": comp.wilcoxon_p,
            "ttest_p": comp.ttest_p,
            "significant_at_0.05": bool(comp.wilcoxon_p < 0.05 and comp.difference > 0),
            "n_users": comp.n_users,
            "is_issue_target": comp.candidate == "fused_tuned",
        })
    return rows


def markdown(report: EvaluationReport, targets: list[dict[str, Any]], seconds: float, quick: bool) -> str:
    """The Markdown file: command, verdict, the table, tuning and typed-interest sections."""
    lines = [
        "# MovieLens offline evaluation" + (" (quick smoke run)" if quick else ""),
        "",
        f"Reproduce: `{COMMAND}{' --quick' if quick else ''}` (from the repo root; {seconds:.0f} s on this "
        f"machine, {os.cpu_count()} CPUs). Settings: `core.evaluation.options.benchmark_options()`; the Evaluate "
        "page's \"benchmark settings\" button runs the same.",
        "",
        "## Target",
        "",
    ]
    for row in targets:
        verdict = "MET" if row["met"] else "NOT MET"
        if row["significant_at_0.05"]:
            sig = "significantly better"
        elif row["wilcoxon_p"] < 0.05 and row["relative"] < 0:
            sig = "significantly worse"
        else:
            sig = "not significant"
        bold = "**" if row["is_issue_target"] else ""
        low, high = row["relative_ci95"]
        lines.append(
            f"- {bold}{row['candidate']}{bold}"
            f" vs {row['reference']}: NDCG@10 {row['candidate_ndcg']:.4f} vs {row['reference_ndcg']:.4f}, "
            f"{row['relative']:+.1%} (95% CI {low:+.1%} .. {high:+.1%}); "
            f"target {row['target']}: **{verdict}**; Wilcoxon p = {row['wilcoxon_p']:.2g}, "
            f"paired t p = {row['ttest_p']:.2g} ({sig})."
        )
    lines += ["", report.to_markdown(), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write bench/results/bench_evaluate.{json,md}."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small budgets and 200 test users (smoke run)")
    parser.add_argument("--out", default=str(RESULTS), help="folder for the results")
    args = parser.parse_args(argv)

    options = benchmark_options()
    if args.quick:
        options = replace(options, n_trials=10, baseline_trials=3, channel_trials=3, max_users=200,
                          n_boot=200)
    started = time.perf_counter()
    dataset = load_demo("movielens")
    report = evaluate_dataset(dataset, options, progress=cli_progress("bench_evaluate"))
    seconds = time.perf_counter() - started
    targets = target_rows(report)
    payload = {
        "benchmark": "bench_evaluate",
        "command": COMMAND + (" --quick" if args.quick else ""),
        "quick": bool(args.quick),
        "dataset": {"name": dataset.name, **{k: v for k, v in dataset.stats().items()
                                             if k in ("interactions", "users", "items")}},
        "targets": targets,
        "seconds": round(seconds, 1),
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "evaluation": report.to_dict(),
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = "bench_evaluate_quick" if args.quick else "bench_evaluate"
    text = json.dumps(payload, ensure_ascii=False, indent=2, default=str)
    (out / f"{stem}.json").write_text(text + "\n", encoding="utf-8")
    (out / f"{stem}.md").write_text(markdown(report, targets, seconds, args.quick), encoding="utf-8")
    for row in targets:
        sys.stderr.write(f"{row['name']}: {row['relative']:+.1%} (target {row['target']}, "
                         f"{'met' if row['met'] else 'not met'}; Wilcoxon p={row['wilcoxon_p']:.2g})\n")
    sys.stderr.write(f"wrote {out / stem}.json and .md in {seconds:.0f} s\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
