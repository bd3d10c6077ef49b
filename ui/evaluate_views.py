"""Helpers of the Evaluate page: form values <-> ``EvalOptions``, result tables and figures, stored runs.

Nothing here draws; the page (``pages/evaluate.py``) collects the settings, runs
:func:`core.evaluation.protocol.evaluate_dataset` with a progress bar and draws what these functions build
from the precomputed :class:`~core.evaluation.protocol.EvaluationReport`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from pandas.io.formats.style import Styler

from core.common.config import project_root
from core.common.errors import InterestLensError
from core.data.dataset import Dataset
from core.data.splits import SplitParams, relevance_rule, resolve_threshold
from core.evaluation.baselines import BASELINES
from core.evaluation.confidence_tuning import ConfidenceChoice
from core.evaluation.metrics import ALL_METRICS, HIGHER_IS_BETTER
from core.evaluation.options import EvalOptions, benchmark_options
from core.evaluation.protocol import EvaluationReport
from core.evaluation.statistics import format_p
from core.evaluation.tuning import TuningResult
from core.ranking.fusion import NORMALISATIONS
from core.ranking.registry import CHANNELS
from ui.evaluate_labels import (
    channel_label,
    column_label,
    config_label,
    group_label,
    metric_label,
    param_text,
    reason_text,
    transform_label,
)
from ui.resources import workspace
from ui.safe import md_escape, plot_text

Translate = Callable[..., str]
GROUPS = ("baseline", "channel", "fused", "tuned")
GROUP_COLOURS = {"baseline": "#9E9E9E", "channel": "#4C78A8", "fused": "#F58518", "tuned": "#E45756"}
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x", "star", "pentagon", "hexagon")
"""Marker shape of the n-th configuration of a group in the trade-off chart (colour = group)."""
SMALL_TYPED_SAMPLE = 30
"""Below this many users with tags the typed-interest figures get a "noisy" warning."""
BENCH_FILE = project_root() / "bench" / "results" / "bench_evaluate.json"
FORM_DEFAULTS: dict[str, Any] = {
    "eval_split": "random", "eval_ratio": 0.2, "eval_n_last": 5, "eval_threshold": "auto", "eval_k": 10,
    "eval_metrics": list(ALL_METRICS), "eval_baselines": list(BASELINES), "eval_channels": list(CHANNELS),
    "eval_fused": True, "eval_tune": True, "eval_trials": 40, "eval_tune_baselines": False,
    "eval_tune_channels": False, "eval_typed": True, "eval_max_users": 0, "eval_seed": 42, "eval_name": "",
}
"""The settings form's widget keys and their values in a new session."""


# --- the form -------------------------------------------------------------------------------------


def form_values(opts: EvalOptions) -> dict[str, Any]:
    """The form's widget values that reproduce ``opts`` (e.g. :func:`benchmark_options`)."""
    split = opts.split or SplitParams()
    return {
        "eval_split": split.kind, "eval_ratio": float(split.test_ratio), "eval_n_last": int(split.n_last),
        "eval_threshold": "none" if split.relevance_threshold is None else str(split.relevance_threshold),
        "eval_k": int(opts.k), "eval_metrics": list(opts.metrics), "eval_baselines": list(opts.baselines),
        "eval_channels": list(opts.channels), "eval_fused": opts.fused, "eval_tune": opts.tune,
        "eval_trials": int(opts.n_trials), "eval_tune_baselines": opts.tune_baselines,
        "eval_tune_channels": opts.tune_channels, "eval_typed": opts.typed,
        "eval_max_users": int(opts.max_users or 0), "eval_seed": int(opts.seed),
    }


def options_from_values(values: Mapping[str, Any], dataset: Dataset, model: str) -> EvalOptions:
    """``EvalOptions`` from the form's widget values (raises InterestLensError for an unusable threshold);
    what the form does not show (trial budgets of baselines and channels, bootstrap size) is the benchmark's."""
    bench = benchmark_options()
    split = SplitParams(
        kind=str(values["eval_split"]), test_ratio=float(values["eval_ratio"]), n_last=int(values["eval_n_last"]),
        relevance_threshold=resolve_threshold(dataset, str(values["eval_threshold"])),
        seed=int(values["eval_seed"]),
    )
    return EvalOptions(
        split=split, k=int(values["eval_k"]), metrics=tuple(values["eval_metrics"]) or ("ndcg",),
        baselines=tuple(values["eval_baselines"]), channels=tuple(values["eval_channels"]),
        fused=bool(values["eval_fused"]), tune=bool(values["eval_tune"]), n_trials=int(values["eval_trials"]),
        tune_baselines=bool(values["eval_tune_baselines"]), baseline_trials=bench.baseline_trials,
        tune_channels=bool(values["eval_tune_channels"]), channel_trials=bench.channel_trials,
        typed=bool(values["eval_typed"]), seed=int(values["eval_seed"]),
        max_users=int(values["eval_max_users"]) or None, tune_users=bench.tune_users, n_boot=bench.n_boot,
        model=model,
    )


def options_record(opts: EvalOptions) -> dict[str, Any]:
    """The settings of a run as stored with it in the workspace (JSON-friendly)."""
    split = opts.split or SplitParams()
    return {
        "split": split.as_dict(), "k": opts.k, "metrics": list(opts.metrics), "baselines": list(opts.baselines),
        "channels": list(opts.channels), "fused": opts.fused, "tune": opts.tune, "n_trials": opts.n_trials,
        "tune_baselines": opts.tune_baselines, "tune_channels": opts.tune_channels, "typed": opts.typed,
        "max_users": opts.max_users, "seed": opts.seed, "model": opts.model,
    }


# --- tables ---------------------------------------------------------------------------------------


def display_table(result: EvaluationReport, metrics: Sequence[str], translate: Translate) -> pd.DataFrame:
    """One row per configuration (its name as index) with its group and the chosen metric columns, every
    name and header in the UI language (the ids stay in the exports)."""
    table = result.table(with_ci=False)
    k = result.experiment.k
    cols = [f"{m}@{k}" for m in metrics if f"{m}@{k}" in table.columns]
    frame = table[["group", *cols]].copy()
    frame["group"] = [group_label(str(g), translate) for g in frame["group"]]
    frame.index = pd.Index([config_label(str(n), translate) for n in frame.index],
                           name=translate("evaluate.col.configuration"))
    return frame.rename(columns={c: column_label(str(c), translate) for c in frame.columns})


def metric_directions(metrics: Sequence[str], k: int, translate: Translate) -> dict[str, bool]:
    """The displayed header of every ``metric@k`` column -> True when higher is better."""
    return {metric_label(f"{m}@{k}", translate): HIGHER_IS_BETTER.get(m, True) for m in metrics}


def style_best(frame: pd.DataFrame, higher: Mapping[str, bool]) -> Styler:
    """Bold + tint the best value of every metric column named in ``higher`` (direction-aware), 4 decimals."""

    def mark(col: pd.Series) -> list[str]:
        values = pd.to_numeric(col, errors="coerce")
        if values.notna().sum() == 0:
            return [""] * len(col)
        best = values.max() if higher.get(str(col.name), True) else values.min()
        style = "font-weight: bold; background-color: rgba(245,133,24,0.25)"
        return [style if v == best else "" for v in values]

    metric_cols: list[Any] = [c for c in frame.columns if str(c) in higher]
    return frame.style.apply(mark, subset=metric_cols).format("{:.4f}", subset=metric_cols, na_rep="—")


def results_table(result: EvaluationReport, metrics: Sequence[str], translate: Translate) -> Styler:
    """The results table as shown: :func:`display_table` with the best value of each column marked."""
    frame = display_table(result, metrics, translate)
    return style_best(frame, metric_directions(metrics, result.experiment.k, translate))


def significance_frame(result: EvaluationReport, translate: Translate) -> pd.DataFrame:
    """The paired comparisons: difference, relative change, its interval and both tests' p-values."""
    return pd.DataFrame([{
        translate("evaluate.sig.candidate"): config_label(c.candidate, translate),
        translate("evaluate.sig.reference"): config_label(c.reference, translate),
        translate("evaluate.sig.delta"): c.difference, translate("evaluate.sig.relative"): f"{c.relative:+.1%}",
        translate("evaluate.sig.ci"): f"[{c.diff_low:+.4f}, {c.diff_high:+.4f}]",
        translate("evaluate.sig.wilcoxon"): c.wilcoxon_p, translate("evaluate.sig.ttest"): c.ttest_p,
        translate("evaluate.sig.users"): c.n_users,
    } for c in result.experiment.comparisons])


def verdicts(result: EvaluationReport, translate: Translate) -> list[str]:
    """One sentence per comparison: significantly better (Wilcoxon p < 0.05 and a gain) or not."""
    out = []
    for c in result.experiment.comparisons:
        significant = math.isfinite(c.wilcoxon_p) and c.wilcoxon_p < 0.05 and c.difference > 0
        out.append(translate("evaluate.sig_yes" if significant else "evaluate.sig_no",
                             candidate=config_label(c.candidate, translate),
                             reference=config_label(c.reference, translate), rel=f"{c.relative:+.1%}",
                             p=f"{c.wilcoxon_p:.3g}" if math.isfinite(c.wilcoxon_p) else "—"))
    return out


def not_evaluated(result: EvaluationReport, translate: Translate) -> list[tuple[str, str]]:
    """(configuration, reason) of every configuration the run skipped or whose channel (one of those chosen
    to be evaluated alone) applied to none of the test users."""
    out = [(config_label(name, translate), reason_text(reason, translate))
           for name, reason in result.experiment.extra.get("skipped", {}).items()]
    out += [(config_label(f"channel:{name}", translate), reason_text(reason, translate))
            for name, reason in result.dropped_channels.items() if name in result.options.channels]
    return out


def tuning_summary(tuning: TuningResult, translate: Translate) -> str:
    """"40 trials: validation NDCG@10 0.3100 (default) → 0.3300; normalisation Min-max."."""
    norm = tuning.best_config.normalisation
    return translate("evaluate.tuning_summary", trials=tuning.n_trials, base=f"{tuning.base_value:.4f}",
                     best=f"{tuning.best_value:.4f}", metric=metric_label(tuning.metric, translate),
                     norm=translate(f"tuning.norm.{norm}") if norm in NORMALISATIONS else norm)


def guard_text(tuning: TuningResult, translate: Translate) -> str | None:
    """The tuning guard's verdict in words (adopted / kept the defaults, with the figures); None without one."""
    decision = tuning.decision
    if not decision:
        return None
    reason = str(decision.get("reason", ""))
    key = {"significant_gain": "adopted", "in_sample": "in_sample", "identical": "identical"}.get(reason, "kept")
    rel = decision.get("relative")
    p = decision.get("wilcoxon_p")
    text = translate(f"evaluate.guard.{key}", rel="—" if rel is None else f"{float(rel):+.1%}",
                     p="—" if p is None else format_p(float(p)), n=decision.get("n_users", 0),
                     folds=decision.get("n_folds", 1))
    tuned = decision.get("tuned_channels") or []
    fixed = decision.get("fixed_channels") or []
    if tuned:
        names = [", ".join(translate(f"tuning.channel.{c}") for c in part) or "—" for part in (tuned, fixed)]
        text += " " + translate("evaluate.guard.tuned_channels", tuned=names[0], fixed=names[1])
    return text


def relevance_note(dataset: Dataset, chosen: str, translate: Translate, lang: str) -> str:
    """Which relevance rule ``threshold = auto`` applies to ``dataset`` and why (:func:`relevance_rule`), plus a
    note when the form's threshold field (``chosen``, user text: escaped) overrides it."""
    rule = relevance_rule(dataset)
    figures = dict(rule.figures)
    kind = translate(f"data.signal.kind.{dataset.signal.kind}")
    text = translate(f"evaluate.relevance.{rule.code}", kind=kind[:1].lower() + kind[1:] if lang == "en" else kind,
                     low=f"{float(figures.get('scale_min', 0)):g}", high=f"{float(figures.get('scale_max', 0)):g}",
                     threshold=f"{float(figures.get('threshold', 0)):g}")
    if chosen.strip().lower() not in ("", "auto"):
        text += " " + translate("evaluate.relevance.override", value=md_escape(chosen.strip()))
    return text


def transform_text(choice: ConfidenceChoice, translate: Translate) -> str:
    """Which interaction transform the run used and why (adopted on validation, kept the default, only one)."""
    chosen = transform_label(choice.chosen.to_dict(), translate)
    default = transform_label(choice.default.to_dict(), translate)
    signal = translate(f"data.signal.kind.{choice.signal}")
    if len(choice.scores) <= 1:
        return translate("evaluate.transform.only", chosen=chosen, signal=signal)
    key = "evaluate.transform.adopted" if choice.adopted else "evaluate.transform.kept"
    p = "—" if not math.isfinite(choice.p_value) else format_p(choice.p_value)
    return translate(key, chosen=chosen, default=default, signal=signal, n=choice.n_users, p=p)


def transform_frame(choice: ConfidenceChoice, translate: Translate) -> pd.DataFrame:
    """Every transform tried: its validation NDCG (the mf channel alone) and which one the run used."""
    used = choice.chosen.to_dict()
    return pd.DataFrame([{
        translate("evaluate.col.transform"): transform_label(row, translate),
        metric_label(choice.metric, translate): row.get("validation_ndcg"),
        translate("evaluate.col.used"): "✓" if all(row.get(k) == v for k, v in used.items()) else "",
    } for row in choice.scores])


def importance_chart(tuning: TuningResult, translate: Translate) -> go.Figure | None:
    """Horizontal bars: each searched weight's share of the trials' variance (fANOVA); None without any."""
    if not tuning.importances:
        return None
    ranked = sorted(tuning.importances.items(), key=lambda kv: kv[1])
    labels = [translate("evaluate.importance.normalisation") if name == "normalisation"
              else translate(f"tuning.channel.{name}") if name in CHANNELS else plot_text(name)
              for name, _ in ranked]
    fig = go.Figure(go.Bar(x=[v for _, v in ranked], y=labels, orientation="h",
                           text=[f"{v:.0%}" for _, v in ranked], textposition="auto"))
    fig.update_layout(title=translate("evaluate.chart.importance"), xaxis_title=translate("evaluate.importance"),
                      xaxis={"tickformat": ".0%", "range": [0, 1]}, height=120 + 28 * len(ranked),
                      margin={"t": 50, "l": 10})
    return fig


def tuned_weights_frame(tuning: TuningResult, translate: Translate, dropped: Collection[str] = ()) -> pd.DataFrame:
    """The tuned weight of every channel that took part (``dropped``: channels that scored nobody, left out)."""
    weights = tuning.best_config.weights.as_dict()
    shown = [c for c in CHANNELS if c not in dropped]
    return pd.DataFrame({translate("evaluate.col.channel"): [translate(f"tuning.channel.{c}") for c in shown],
                         translate("evaluate.col.weight"): [weights[c] for c in shown]})


def component_tuning_frame(part: Mapping[str, Mapping[str, Any]], translate: Translate,
                           kind: str = "baseline") -> pd.DataFrame:
    """Baseline (``kind`` "baseline") or channel ("channel") tuning: default and tuned validation NDCG and
    the chosen parameters."""
    label = config_label if kind == "baseline" else channel_label
    return pd.DataFrame([{
        translate("evaluate.col.name"): label(name, translate),
        translate("evaluate.col.default"): v["default_validation_ndcg"],
        translate("evaluate.col.tuned"): v["validation_ndcg"],
        translate("evaluate.col.params"): param_text(v["params"], translate),
    } for name, v in part.items()])


def _typed_weight(row: Mapping[str, Any], translate: Translate) -> str:
    """The chosen typed-interest weight as text (one type per column): "off" when history alone won."""
    if "chosen_typed_weight" not in row:
        return "—"
    weight = row["chosen_typed_weight"]
    return translate("evaluate.typed.off") if weight is None else f"{float(weight):g}"


def typed_frame(typed: Mapping[str, Any], translate: Translate) -> pd.DataFrame:
    """The typed-interest comparison: per configuration, NDCG / recall from history vs typed interests."""
    return pd.DataFrame([{
        translate("evaluate.col.configuration"): config_label(str(row["name"]), translate),
        translate("evaluate.typed.ndcg_history"): row["ndcg_history"],
        translate("evaluate.typed.ndcg_typed"): row["ndcg_typed"],
        translate("evaluate.typed.ndcg_tuned"): row.get("ndcg_typed_tuned"),
        translate("evaluate.typed.weight"): _typed_weight(row, translate),
        translate("evaluate.typed.recall_history"): row["recall_history"],
        translate("evaluate.typed.recall_tuned"): row.get("recall_typed_tuned"),
        translate("evaluate.typed.p"): row.get("wilcoxon_p_tuned"),
    } for row in typed["rows"]])


def typed_empty_text(typed: Mapping[str, Any], *, n_users: int, max_users: int | None, has_tags: bool,
                     translate: Translate) -> str:
    """Why a run has no typed-interest comparison: the dataset has no user tags, no test user of this run
    wrote any (and the run was limited to ``max_users``), or their tags held no usable words."""
    if not has_tags:
        return translate("evaluate.typed_no_dataset_tags")
    with_tags = int(typed.get("n_users_with_tags", 0))
    if with_tags > 0:
        return translate("evaluate.typed_unusable", n=with_tags)
    text = translate("evaluate.typed_no_tags", users=n_users)
    return f"{text} {translate('evaluate.typed_sampled', max=max_users)}" if max_users else text


def typed_only_text(typed: Mapping[str, Any], k: int, translate: Translate) -> str:
    """Typed interests alone (semantic channel only): the figures, or why they are 0 (none of the users'
    held-out items in their top k), with a warning when few users carry the figures."""
    only = typed.get("typed_only", {})
    ndcg, recall = float(only.get("ndcg", float("nan"))), float(only.get("recall", float("nan")))
    n = int(typed.get("n_users", 0))
    if ndcg == 0.0 and recall == 0.0:
        text = translate("evaluate.typed_only_zero", n=n, k=k)
    else:
        text = translate("evaluate.typed_only", ndcg=f"{ndcg:.4f}", recall=f"{recall:.4f}")
    return f"{text} {translate('evaluate.typed_small', n=n)}" if 0 < n < SMALL_TYPED_SAMPLE else text


# --- figures --------------------------------------------------------------------------------------


def metric_chart(result: EvaluationReport, metric: str, translate: Translate) -> go.Figure:
    """One horizontal bar per configuration (readable names) with its 95% bootstrap interval."""
    k = result.experiment.k
    label = metric_label(f"{metric}@{k}", translate)
    fig = go.Figure()
    for res in result.experiment.results:
        mean = res.aggregate.get(metric, float("nan"))
        iv = res.intervals.get(metric)
        error = None
        if iv is not None and math.isfinite(iv.low):
            error = {"type": "data", "symmetric": False, "array": [iv.high - mean], "arrayminus": [mean - iv.low]}
        name = config_label(res.name, translate)
        fig.add_trace(go.Bar(y=[name], x=[mean], orientation="h", name=group_label(res.group, translate),
                             error_x=error, marker_color=GROUP_COLOURS.get(res.group, "#888"),
                             legendgroup=res.group, showlegend=False,
                             hovertemplate=f"{plot_text(name)}<br>{plot_text(label)}: %{{x:.4f}}<extra></extra>"))
    fig.update_layout(title=translate("evaluate.chart.metric", metric=label), xaxis_title=label,
                      yaxis={"autorange": "reversed", "automargin": True},
                      height=max(320, 60 + 28 * len(result.experiment.results)), margin={"t": 50, "b": 10})
    return fig


def tradeoff_chart(result: EvaluationReport, x_metric: str, y_metric: str, translate: Translate) -> go.Figure:
    """Accuracy against a beyond-accuracy metric: one point per configuration, named in the legend (grouped,
    one marker shape per configuration within its group) and on hover, so no label overlaps another."""
    k = result.experiment.k
    x_label, y_label = metric_label(f"{x_metric}@{k}", translate), metric_label(f"{y_metric}@{k}", translate)
    fig = go.Figure()
    for group in GROUPS:
        rows = [r for r in result.experiment.results if r.group == group]
        for i, r in enumerate(rows):
            name = config_label(r.name, translate)
            fig.add_trace(go.Scatter(
                x=[r.aggregate.get(x_metric, float("nan"))], y=[r.aggregate.get(y_metric, float("nan"))],
                mode="markers", name=plot_text(name), legendgroup=group,
                legendgrouptitle_text=group_label(group, translate) if i == 0 else None,
                marker={"size": 13, "color": GROUP_COLOURS[group], "symbol": SYMBOLS[i % len(SYMBOLS)],
                        "line": {"width": 1, "color": "white"}},
                hovertemplate=(f"<b>{plot_text(name)}</b><br>{plot_text(x_label)}: %{{x:.4f}}<br>"
                               f"{plot_text(y_label)}: %{{y:.4f}}<extra></extra>"),
            ))
    fig.update_layout(title=translate("evaluate.chart.tradeoff"), xaxis_title=x_label, yaxis_title=y_label,
                      height=480, margin={"t": 50}, legend={"groupclick": "toggleitem"})
    return fig


def sweep_chart(sweep: pd.DataFrame, channel: str, k: int, current: float | None, translate: Translate) -> go.Figure:
    """NDCG and recall against one channel's weight, with the tuned weight marked."""
    fig = go.Figure()
    for col, colour in ((f"ndcg@{k}", "#E45756"), (f"recall@{k}", "#4C78A8")):
        fig.add_trace(go.Scatter(x=sweep["weight"], y=sweep[col], mode="lines+markers",
                                 name=metric_label(col, translate), line={"color": colour}))
    if current is not None:
        fig.add_vline(x=current, line_dash="dash", line_color="#888",
                      annotation_text=translate("evaluate.sweep_current"))
    fig.update_layout(title=translate("evaluate.chart.sweep", channel=channel_label(channel, translate)),
                      xaxis_title=translate("evaluate.sweep_weight"), yaxis_title=translate("evaluate.sweep_value"),
                      height=380, margin={"t": 50})
    return fig


def trials_chart(tuning: TuningResult, translate: Translate) -> go.Figure:
    """Every tuning trial's validation value and the best so far."""
    trials = tuning.trials.sort_values("trial")
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=trials["trial"], y=trials["value"], mode="markers",
                             name=translate("evaluate.trial_value")))
    fig.add_trace(go.Scatter(x=trials["trial"], y=trials["value"].cummax(), mode="lines",
                             name=translate("evaluate.trial_best")))
    fig.update_layout(title=translate("evaluate.chart.trials"), xaxis_title=translate("evaluate.trial"),
                      yaxis_title=metric_label(tuning.metric, translate), height=320, margin={"t": 50})
    return fig


def runs_chart(table: pd.DataFrame, chosen: Sequence[str], metric: str, translate: Translate) -> go.Figure:
    """Grouped bars of one metric (a ``runs_table`` column), one group per configuration, one bar per run."""
    fig = go.Figure()
    for label in chosen:
        part = table[table["run"] == label]
        fig.add_trace(go.Bar(x=[config_label(str(n), translate) for n in part["name"]], y=part[metric],
                             name=plot_text(label)))
    fig.update_layout(barmode="group", title=translate("evaluate.chart.runs", metric=metric_label(metric, translate)),
                      height=400, margin={"t": 50}, legend={"orientation": "h"})
    return fig


# --- stored runs ----------------------------------------------------------------------------------


def benchmark_run() -> dict[str, Any] | None:
    """The recorded MovieLens benchmark (``bench/results/bench_evaluate.json``), or None when absent."""
    try:
        payload = json.loads(BENCH_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    results = payload.get("evaluation", payload) if isinstance(payload, dict) else None
    return results if isinstance(results, dict) else None


def stored_runs(
    dataset: Dataset, session_runs: Sequence[Mapping[str, Any]], translate: Translate, date: Callable[[float], str]
) -> list[tuple[str, dict[str, Any]]]:
    """(label, results payload) of every run of this dataset: workspace, this session, and the benchmark."""
    runs: list[tuple[str, dict[str, Any]]] = []
    try:
        for rec in workspace().list_runs(dataset.fingerprint):
            runs.append((f"#{rec.id} {rec.name} ({date(rec.created_at)})", rec.results))
    except (InterestLensError, OSError):
        pass
    for i, run in enumerate(session_runs):
        if run["fp"] == dataset.fingerprint:
            runs.append((f"S{i + 1} {run['name']}", run["results"]))
    bench = benchmark_run() if dataset.meta.get("demo") == "movielens" else None
    if bench is not None:
        runs.append((translate("evaluate.bench_run"), bench))
    return runs
