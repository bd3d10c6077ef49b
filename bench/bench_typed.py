"""Typed interests on real people's words: INSPIRED dialogues ranked over MovieLens, a tuned cold-start preset.

Run from the repo root::

    python -m bench.bench_typed                      # cases from ../shared/datasets/inspired/cases.json
    python -m bench.bench_typed --cases PATH --trials 60 --objectives recall@10,ndcg@10,recall@50

Protocol (issue 15, parts 3 and 4): every INSPIRED case is a cold user (no history) who typed ``text``;
the whole MovieLens latest-small catalogue is ranked through the engine's one path
(:func:`core.evaluation.typed_cases.evaluate_typed_cases`), the films the seeker named (``mentioned`` +
the titles the matcher recognised) are removed from every list, and Recall@10 / Recall@50 / NDCG / MRR of
the films the recommender then suggested (``targets``) are averaged over cases with 95% bootstrap
intervals.

1. **Tune** a "typed interests, no history" preset — the fusion weights of the channels that apply to a
   typed profile and the normalisation — with seeded Optuna TPE
   (:func:`core.evaluation.typed_tuning.tune_typed_fusion`) on the ``dev`` cases **only**. The tuning
   objective is chosen on ``dev`` too: each candidate (``--objectives``, default Recall@10, NDCG@10,
   Recall@50) is cross-validated within ``dev`` (:func:`~core.evaluation.typed_tuning.cross_validate_tuning`,
   ``--folds``), and the one with the best held-out Recall@10 tunes the preset on all ``dev`` cases.
2. **Report** ``test`` and ``dev`` for the tuned preset, the default fusion, each tag-kind ablation (with
   the tuned weights) and every baseline (most popular, whole text, item-kNN from the named films, the
   seed recipe), all in this run, with the paired comparison of each fused ranking against the best
   baseline.
3. **Targets** (``test``): the fused typed ranking reaches Recall@10 >= 0.13 and >= 1.5 x the best baseline,
   Recall@50 >= 0.30.

Results: ``bench/results/bench_typed.json`` (every figure with its target beside it; the tuned preset's
weights under ``"preset"``, its ``"preset_file"`` in the format the Tuning page imports, ready to ship)
and ``bench/results/bench_typed.md``. The cases are read from the shared dataset folder, never copied
into the repository.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from core.common.progress import cli_progress
from core.data.demos import load_demo
from core.engine import Engine
from core.evaluation.cases import load_cases
from core.evaluation.tuning import with_weight
from core.evaluation.typed_cases import (
    BASELINE,
    FUSED,
    TypedCasesReport,
    evaluate_typed_cases,
    markdown_table,
    prepare_cases,
)
from core.evaluation.typed_tuning import CaseScores, cross_validate_tuning, tune_typed_fusion
from core.ranking.config import FusionConfig
from core.ranking.presets import preset_to_json
from core.ranking.query import Query

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_CASES = ROOT.parent / "shared" / "datasets" / "inspired" / "cases.json"
PRESET_NAME = "typed interests, no history"
TUNED = "fused, tuned preset"
DEFAULT = "fused, default weights"
NO_LEARNED = "fused, tuned preset without the learned channel"
TARGET_RECALL_10 = 0.13
TARGET_RATIO = 1.5
TARGET_RECALL_50 = 0.30
TARGET_LATENCY_MS = 100.0
ISSUE_AT_MAIN = {"fused default": (0.074, 0.148), "semantic channel alone": (0.042, 0.131),
                 "whole text": (0.083, 0.168), "item-kNN named": (0.015, 0.078), "most popular": (0.010, 0.035)}
"""Recall@10 / @50 on all 131 cases before issue 15 (the issue's table), for reference."""


def targets(report: TypedCasesReport) -> list[dict[str, Any]]:
    """The issue's targets checked for every fused ranking of the ``test`` report."""
    best = report.best_baseline("recall@10")
    base = best.mean("recall@10") if best is not None else 0.0
    out: list[dict[str, Any]] = []
    for m in report.methods:
        if m.group != FUSED:
            continue
        r10, r50 = m.mean("recall@10"), m.mean("recall@50")
        ratio = r10 / base if base > 0 else float("inf")
        out += [
            {"method": m.name, "figure": "test recall@10", "value": round(r10, 4), "target": f">= {TARGET_RECALL_10}",
             "met": r10 >= TARGET_RECALL_10},
            {"method": m.name, "figure": f"test recall@10 / best baseline ({best.name if best else '-'}: {base:.4f})",
             "value": round(ratio, 3) if ratio != float("inf") else None, "target": f">= {TARGET_RATIO}",
             "met": ratio >= TARGET_RATIO},
            {"method": m.name, "figure": "test recall@50", "value": round(r50, 4), "target": f">= {TARGET_RECALL_50}",
             "met": r50 >= TARGET_RECALL_50},
        ]
    return out


def latency(engine: Engine, texts: list[str], config: FusionConfig, repeats: int = 3) -> dict[str, Any]:
    """Wall time of what the Interests page does for a new text on a warm engine: decompose (recognition
    included) + the first ranking (score cache cleared, so every channel scores), per case; the median
    of ``repeats`` runs per text, then p50 / p90 over texts. The same with reasons (``explain=True``)."""
    per_text: dict[str, list[float]] = {"no_reasons": [], "with_reasons": []}
    for text in texts:
        for label, explain in (("no_reasons", False), ("with_reasons", True)):
            runs = []
            for _ in range(repeats):
                engine.ranker.clear_cache()
                t0 = time.perf_counter()
                profile = engine.decompose(text)
                engine.recommend(Query(profile=profile), config, k=10, explain=explain)
                runs.append((time.perf_counter() - t0) * 1000.0)
            per_text[label].append(statistics.median(runs))
    out: dict[str, Any] = {"n_texts": len(texts), "repeats": repeats, "target_ms": TARGET_LATENCY_MS}
    for label, values in per_text.items():
        arr = np.asarray(values)
        out[label] = {f"p{q}_ms": round(float(np.percentile(arr, q)), 1) for q in (50, 90)}
    out["met"] = out["no_reasons"]["p50_ms"] <= TARGET_LATENCY_MS
    return out


def figure_rows(test: TypedCasesReport, dev: TypedCasesReport) -> list[dict[str, Any]]:
    """One row per method: test and dev means (test with intervals) and the target beside it."""
    rows = []
    for m in test.methods:
        d = dev.method(m.name)
        target = {FUSED: f"test recall@10 >= {TARGET_RECALL_10} and >= {TARGET_RATIO} x best baseline; "
                         f"recall@50 >= {TARGET_RECALL_50}",
                  BASELINE: "baseline (measured in this run)"}.get(m.group, "ablation (no target)")
        rows.append({
            "method": m.name, "group": m.group, "target": target,
            "test": {k: {"mean": round(i.mean, 6), "low": round(i.low, 6), "high": round(i.high, 6)}
                     for k, i in m.intervals.items()},
            "dev": {k: round(i.mean, 6) for k, i in d.intervals.items()},
            "test_cases_ranked": m.n_ranked, "dev_cases_ranked": d.n_ranked,
        })
    return rows


def markdown(result: dict[str, Any], test: TypedCasesReport, dev: TypedCasesReport) -> str:
    """The Markdown summary: the table, the targets (met or not), the preset, the bookkeeping."""
    lines = [
        "# bench_typed — typed interests on INSPIRED dialogues, MovieLens catalogue",
        "",
        f"Command: `{result['command']}` · {result['machine']} · {result['date']} · "
        f"total {result['seconds']:.0f} s ("
        + ", ".join(f"{k} {v:.0f} s" for k, v in result["timings_s"].items()) + ")",
        "",
        f"Cold users (no history), whole catalogue ({result['n_items']:,} films), named films removed from "
        f"every list. `test`: {test.n_cases} cases, `dev`: {dev.n_cases} cases (the preset is tuned on "
        "`dev` only). Means with 95% bootstrap intervals over cases.",
        "",
        "| method | group | test recall@10 | test recall@50 | test ndcg@10 | test mrr | dev recall@10 "
        "| dev recall@50 | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for m in test.methods:
        d = dev.method(m.name)

        def ci(metric: str, res: Any = m) -> str:
            i = res.intervals[metric]
            return f"{i.mean:.4f} [{i.low:.3f}, {i.high:.3f}]"

        target = {FUSED: f">= {TARGET_RECALL_10}, >= {TARGET_RATIO}x best baseline; @50 >= {TARGET_RECALL_50}",
                  BASELINE: "baseline"}.get(m.group, "ablation")
        lines.append(f"| {m.name} | {m.group} | {ci('recall@10')} | {ci('recall@50')} | "
                     f"{m.mean('ndcg@10'):.4f} | {m.mean('mrr'):.4f} | {d.mean('recall@10'):.4f} | "
                     f"{d.mean('recall@50'):.4f} | {target} |")
    lines += ["", "## Targets (test cases)", "", "| method | figure | value | target | met |", "|---|---|---:|---|---|"]
    for t in result["targets"]:
        lines.append(f"| {t['method']} | {t['figure']} | {t['value']} | {t['target']} | "
                     f"{'**yes**' if t['met'] else 'no'} |")
    tuned = [t for t in result["targets"] if t["method"] == TUNED]
    missed = [t for t in tuned if not t["met"]]
    lines += ["", f"In words: the tuned preset meets {len(tuned) - len(missed)} of the {len(tuned)} targets"
              + ("." if not missed else "; it misses: " + "; ".join(
                  f"{t['figure']} = {t['value']} (target {t['target']})" for t in missed) + ".")]
    preset = result["preset"]
    tuning = preset["tuning"]
    cvs = preset["dev_cross_validation"]
    weights = ", ".join(f"{c} {w:.3f}" for c, w in preset["config"]["weights"].items())
    lines += [
        "", "## The tuned preset", "",
        f"`{PRESET_NAME}`: normalisation **{preset['config']['normalisation']}**, weights {weights}. "
        f"Optuna TPE, seed {tuning['seed']}, {tuning['n_trials']} trials in {tuning['seconds']:.0f} s on "
        f"{tuning['n_cases']} `dev` cases, objective {tuning['metric']}: {tuning['best_value']} "
        f"(default weights {tuning['base_value']}); re-ranked through `Engine.recommend` the dev figure is "
        f"{preset['dev_value_via_engine']} (reproduced: {preset['reproduced']}). Tuned channels: "
        f"{', '.join(tuning['tuned_channels'])}.",
        "",
        "The objective was chosen on `dev` alone by cross-validation (tune on the other folds with the same "
        "recipe, measure the held-out fold; best held-out recall@10 wins), never on `test`:",
        "",
        "| objective | held-out recall@10 tuned | default weights | held-out recall@50 tuned | default weights |",
        "|---|---:|---:|---:|---:|",
        *[f"| {o}{' (chosen)' if o == preset['objective'] else ''} | {c['tuned']['recall@10']:.4f} | "
          f"{c['base']['recall@10']:.4f} | {c['tuned']['recall@50']:.4f} | {c['base']['recall@50']:.4f} |"
          for o, c in cvs.items()],
        "", "## Latency (warm engine, test texts)", "",
        "Decompose (recognition included) + the first ranking of a new text through `Engine.recommend`, score "
        f"cache cleared; median of {result['latency']['repeats']} runs per text, then over "
        f"{result['latency']['n_texts']} texts.", "",
        "| figure | p50 | p90 | target |", "|---|---:|---:|---|",
        f"| decompose + first top-10 | {result['latency']['no_reasons']['p50_ms']} ms | "
        f"{result['latency']['no_reasons']['p90_ms']} ms | p50 <= {TARGET_LATENCY_MS:.0f} ms "
        f"({'met' if result['latency']['met'] else 'not met'}) |",
        f"| the same with reasons (what-if ranks, evidence) | {result['latency']['with_reasons']['p50_ms']} ms | "
        f"{result['latency']['with_reasons']['p90_ms']} ms | |",
        "", "## Paired comparisons (test)", "",
        "| candidate | reference | metric | difference [95% CI] | Wilcoxon p |", "|---|---|---|---:|---:|",
    ]
    for c in test.comparisons:
        p = "—" if c.wilcoxon_p != c.wilcoxon_p else f"{c.wilcoxon_p:.4f}"
        lines.append(f"| {c.candidate} | {c.reference} | {c.metric} | {c.difference:+.4f} "
                     f"[{c.diff_low:+.4f}, {c.diff_high:+.4f}] | {p} |")
    cases = result["cases"]
    lines += [
        "", "## Cases and recognition", "",
        f"- {cases['n_cases']} cases ({', '.join(f'{k} {v}' for k, v in cases['splits'].items())}); entries "
        f"resolved as titles {cases['n_titles_resolved']}; unresolved entries: "
        + ", ".join(f"{f} {n}" for f, n in cases["n_unresolved"].items()),
        f"- test: named films per case {test.named['mean_named']:.2f} (mentioned {test.named['mean_mentioned']:.2f}, "
        f"recognised in the text {test.named['mean_recognised']:.2f}); targets removed because named "
        f"{test.named['n_targets_named']}; cases skipped {test.n_skipped}",
        "- test cases with tags of each kind: " + ", ".join(f"{k} {n}" for k, n in test.kinds.items()),
        "- before issue 15 (all 131 cases, the issue's table): "
        + "; ".join(f"{k} {a:.3f} / {b:.3f}" for k, (a, b) in ISSUE_AT_MAIN.items()) + " (recall@10 / @50)",
        "", "## Full test table (all metrics)", "",
    ]
    lines += markdown_table(test.methods, test.metrics)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Tune on dev, evaluate test and dev, write JSON + Markdown results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="cases JSON (default: INSPIRED)")
    parser.add_argument("--trials", type=int, default=60, help="Optuna trials on the dev cases")
    parser.add_argument("--objectives", default="recall@10,ndcg@10,recall@50",
                        help="candidate tuning objectives (metric@k, metric recall or ndcg), chosen by CV on dev")
    parser.add_argument("--seed", type=int, default=42, help="Optuna seed")
    parser.add_argument("--folds", type=int, default=3, help="folds of the cross-validation within dev")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--no-write", action="store_true", help="print only, do not write bench/results")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    timings: dict[str, float] = {}

    def bar(label: str) -> Any:
        timings[label] = time.perf_counter()
        return None if args.quiet else cli_progress(label)

    def done(label: str) -> None:
        timings[label] = round(time.perf_counter() - timings[label], 1)

    dataset = load_demo("movielens")
    engine = Engine(dataset, score_cache_size=256).prepare(bar("prepare the engine"))
    done("prepare the engine")
    cases = load_cases(args.cases, dataset)
    dev, test = cases.select("dev"), cases.select("test")
    ready = {"dev": prepare_cases(engine, dev.cases, bar("decompose")),
             "test": prepare_cases(engine, test.cases)}
    done("decompose")
    scores = CaseScores.build(engine, dev, ready["dev"])
    cvs: dict[str, dict[str, Any]] = {}
    bar("cross-validate on dev")
    for objective in [o.strip() for o in args.objectives.split(",") if o.strip()]:
        metric, _, k = objective.partition("@")
        cvs[objective] = cross_validate_tuning(scores, folds=args.folds, k=int(k or 10), metric=metric,
                                               n_trials=args.trials, seed=args.seed)
    done("cross-validate on dev")
    objective = max(cvs, key=lambda o: (cvs[o]["tuned"]["recall@10"], cvs[o]["tuned"]["recall@50"]))
    metric, _, k = objective.partition("@")
    tuning = tune_typed_fusion(scores, k=int(k or 10), metric=metric, n_trials=args.trials, seed=args.seed,
                               progress=bar("tune on dev"))
    done("tune on dev")
    tuned = tuning.best_config
    reports: dict[str, TypedCasesReport] = {}
    for split, subset in (("test", test), ("dev", dev)):
        reports[split] = evaluate_typed_cases(
            engine, subset, k=(10, 50), config=tuned, name=TUNED,
            extra_configs={DEFAULT: FusionConfig(), NO_LEARNED: with_weight(tuned, "learned", 0.0)},
            split=split, n_boot=args.bootstrap, prepared=ready[split], progress=bar(f"evaluate {split}"))
        done(f"evaluate {split}")
    bar("latency")
    lat = latency(engine, [c.text for c in test.cases], tuned)
    done("latency")
    via_engine = reports["dev"].method(TUNED).mean(tuning.metric)
    result: dict[str, Any] = {
        "command": "python -m bench.bench_typed " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": f"{platform.machine()} {platform.system()} python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "dataset": dataset.name, "n_items": dataset.n_items, "cases": cases.summary(),
        "preset": {"name": PRESET_NAME, "config": tuned.to_dict(), "tuning": tuning.as_dict(),
                   "objective": objective, "dev_cross_validation": cvs,
                   "dev_value_via_engine": round(via_engine, 6),
                   "reproduced": abs(via_engine - tuning.best_value) < 1e-9,
                   "preset_file": json.loads(preset_to_json(PRESET_NAME, tuned))},
        "targets": targets(reports["test"]),
        "latency": lat,
        "figures": figure_rows(reports["test"], reports["dev"]),
        # no case texts in the repository (the dataset's terms): the reports without their examples
        "reports": {split: {k: v for k, v in rep.to_dict().items() if k != "examples"}
                    for split, rep in reports.items()},
        "issue_table_before": {k: {"recall@10": a, "recall@50": b} for k, (a, b) in ISSUE_AT_MAIN.items()},
    }
    result["timings_s"] = timings
    result["seconds"] = round(time.perf_counter() - started, 1)
    md = markdown(result, reports["test"], reports["dev"])
    sys.stdout.write(md)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "bench_typed.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        (RESULTS / "bench_typed.md").write_text(md, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
