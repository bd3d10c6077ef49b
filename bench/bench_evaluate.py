"""The evaluation table on a bundled demo: baselines, single channels, default and tuned fusion, one split.

Run from the repo root::

    python -m bench.bench_evaluate                # MovieLens, the full table (a few minutes on 2 cores)
    python -m bench.bench_evaluate --data plays   # the synthetic play-count demo (implicit feedback)
    python -m bench.bench_evaluate --data my_plays.csv --items my_items.csv   # your own data (any format
                                      # `ingest` reads; --signal / --map as in every command)
    python -m bench.bench_evaluate --quick        # smaller budgets, 200 test users (smoke run)

Settings are :func:`core.evaluation.options.benchmark_options` (the Evaluate page's "benchmark settings"
button loads the same ones): per-user random 80/20 split (seed 42), k = 10, full-catalogue ranking;
relevance follows the dataset's signal (:func:`core.data.splits.relevance_rule`: rating >= 4 on MovieLens'
0.5-5 stars, every held-out item on play counts). A validation split is carved out of the training part;
on it, and only on it, the item-kNN / ALS / BPR baselines, the mf / item_knn channels, the interaction
transform (count data) and then the fusion weights + normalisation are tuned with seeded Optuna TPE.
Everything is then fitted on the training part and scored once on the test split, with 95% bootstrap
intervals per user and paired Wilcoxon / t-tests of the fused configurations against the best single
baseline. Typed interests are evaluated only where users wrote free-text tags (MovieLens).

Targets, written whatever the outcome:

- issue 6: the tuned fusion beats the best single baseline (any baseline or single channel) on NDCG@10
  by >= 10% relative on the test split;
- issue 20: the tuned fusion >= 1.05 x the best single baseline, and the mf channel alone within 2% of
  the ALS baseline (channel:mf >= 0.98 x als; both follow the signal's confidence, so untuned they are
  the same model).

Results: ``bench/results/bench_evaluate.json`` (MovieLens; ``bench_evaluate_<demo>.json`` for another
demo: ``targets`` + the whole ``evaluation`` payload, the same JSON the CLI ``evaluate --json`` prints)
and the ``.md`` beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from core.cli.data_source import add_data_arguments, data_spec, load_data_source
from core.common.errors import InterestLensError
from core.common.progress import cli_progress
from core.data.demos import DEMOS
from core.data.splits import SplitParams, relevance_rule
from core.evaluation.options import benchmark_options
from core.evaluation.protocol import EvaluationReport, evaluate_dataset
from core.evaluation.statistics import Comparison, paired_comparison

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RELATIVE_TARGET = 0.10
FUSED_FACTOR = 1.05
MF_FACTOR = 0.98
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


def _ratio_row(name: str, comp: Comparison, factor: float, **extra: Any) -> dict[str, Any]:
    """One issue-20 target row: candidate / reference NDCG against ``factor``."""
    ratio = comp.candidate_mean / comp.reference_mean if comp.reference_mean else float("nan")
    return {"name": name, "candidate_ndcg": round(comp.candidate_mean, 6),
            "reference_ndcg": round(comp.reference_mean, 6), "ratio": round(ratio, 6), "target": f">= {factor:g}",
            "met": bool(ratio >= factor),
            "wilcoxon_p": comp.wilcoxon_p, **extra}


def issue20_rows(report: EvaluationReport) -> list[dict[str, Any]]:
    """Issue 20's targets: tuned fusion >= 1.05 x the best single baseline; channel:mf >= 0.98 x the ALS baseline."""
    exp = report.experiment
    rows = [_ratio_row(f"fused_tuned >= {FUSED_FACTOR:g} x best single baseline ({comp.reference}), NDCG@{exp.k}",
                       comp, FUSED_FACTOR)
            for comp in exp.comparisons if comp.candidate == "fused_tuned"]
    if {"channel:mf", "als"} <= {r.name for r in exp.results}:
        mf, als = exp.result("channel:mf"), exp.result("als")
        comp = paired_comparison(mf.per_user["ndcg"], als.per_user["ndcg"], names=("channel:mf", "als"),
                                 metric="ndcg", n_boot=report.options.n_boot, seed=report.options.seed)
        rows.append(_ratio_row(f"channel:mf >= {MF_FACTOR:g} x ALS baseline, NDCG@{exp.k}", comp, MF_FACTOR,
                               mf_params=mf.params, als_params=als.params))
    return rows


def _relevance(report: EvaluationReport) -> str:
    """The relevance the run used, in words."""
    threshold = report.options.split.relevance_threshold if report.options.split is not None else None
    return "relevant = every held-out item" if threshold is None else f"relevant = rating >= {threshold:g}"


def markdown(report: EvaluationReport, targets: list[dict[str, Any]], issue20: list[dict[str, Any]],
             seconds: float, command: str, title: str) -> str:
    """The Markdown file: command, verdicts, the table, tuning and typed-interest sections."""
    lines = [
        f"# {title} offline evaluation" + (" (quick smoke run)" if "--quick" in command else ""),
        "",
        f"Reproduce: `{command}` (from the repo root; {seconds:.0f} s on this machine, {os.cpu_count()} CPUs). "
        "Settings: `core.evaluation.options.benchmark_options()` with relevance from the dataset's signal "
        f"({_relevance(report)}); the Evaluate page's \"benchmark settings\" button runs the same.",
        "",
        "## Targets (issue 20)",
        "",
    ]
    for row in issue20:
        verdict = "MET" if row["met"] else "NOT MET"
        lines.append(f"- {row['name']}: {row['candidate_ndcg']:.4f} vs {row['reference_ndcg']:.4f} = "
                     f"{row['ratio']:.3f} x; target {row['target']}: **{verdict}** "
                     f"(Wilcoxon p = {row['wilcoxon_p']:.2g}).")
    lines += ["", "## Target (issue 6)", ""]
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


def _stem_of(path: Path | None) -> str:
    """A results-file stem for the analyst's own file: its name, letters / digits / ``-`` / ``_`` only."""
    name = path.stem if path is not None else "data"
    return "file_" + ("".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:60] or "data")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write bench/results/bench_evaluate.{json,md}."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_data_arguments(parser)  # a demo key or the analyst's own file, exactly as every `python -m core` command
    parser.add_argument("--quick", action="store_true", help="small budgets and 200 test users (smoke run)")
    parser.add_argument("--out", default=str(RESULTS), help="folder for the results")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        spec = data_spec(args)
        dataset = load_data_source(args)
    except InterestLensError as exc:  # an unknown demo, a missing or unreadable file: one line, exit 2
        sys.stderr.write(f"error: {exc}\n")
        return 2
    key = spec.demo if spec.demo is not None else _stem_of(spec.path)
    options = benchmark_options()
    rule = relevance_rule(dataset)
    has_user_tags = dataset.user_tags is not None and len(dataset.user_tags) > 0
    options = replace(options, split=replace(options.split or SplitParams(), relevance_threshold=rule.threshold),
                      typed=options.typed and has_user_tags)
    if args.quick:
        options = replace(options, n_trials=10, baseline_trials=3, channel_trials=3, max_users=200,
                          n_boot=200)
    report = evaluate_dataset(dataset, options, progress=cli_progress("bench_evaluate"))
    seconds = time.perf_counter() - started
    targets = target_rows(report)
    issue20 = issue20_rows(report)
    command = COMMAND + ("" if key == "movielens" else f" --data {shlex.quote(str(args.data))}")
    command += " --quick" if args.quick else ""
    payload = {
        "benchmark": "bench_evaluate",
        "command": command,
        "quick": bool(args.quick),
        "dataset": {"name": dataset.name, "demo": spec.demo, "file": None if spec.path is None else str(spec.path),
                    "signal": dataset.signal.to_dict(),
                    "relevance": rule.describe(),
                    **{k: v for k, v in dataset.stats().items() if k in ("interactions", "users", "items")}},
        "targets": targets,
        "issue20_targets": issue20,
        "seconds": round(seconds, 1),
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "evaluation": report.to_dict(),
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = "bench_evaluate" + ("" if key == "movielens" else f"_{key}") + ("_quick" if args.quick else "")
    text = json.dumps(payload, ensure_ascii=False, indent=2, default=str)
    (out / f"{stem}.json").write_text(text + "\n", encoding="utf-8")
    title = "MovieLens" if key == "movielens" else DEMOS[key].label_en if key in DEMOS else dataset.name
    (out / f"{stem}.md").write_text(markdown(report, targets, issue20, seconds, command, title), encoding="utf-8")
    for row in targets:
        sys.stderr.write(f"{row['name']}: {row['relative']:+.1%} (target {row['target']}, "
                         f"{'met' if row['met'] else 'not met'}; Wilcoxon p={row['wilcoxon_p']:.2g})\n")
    for row in issue20:
        sys.stderr.write(f"{row['name']}: {row['ratio']:.3f} x (target {row['target']}, "
                         f"{'met' if row['met'] else 'not met'})\n")
    sys.stderr.write(f"wrote {out / stem}.json and .md in {seconds:.0f} s\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
