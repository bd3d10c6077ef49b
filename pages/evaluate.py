"""Evaluate page: offline evaluation of baselines, single channels, default and tuned fusion.

Everything is computed by :func:`core.evaluation.protocol.evaluate_dataset` (splits, metrics over the full
catalogue, bootstrap intervals, paired tests, Optuna tuning on the validation split) and
:func:`core.evaluation.protocol.weight_sweep`; this page only collects the settings, shows progress, draws the
results and stores every run in the workspace (``Workspace.record_run``) so runs can be compared later.

Session state it writes (all keys start with ``eval_``): the form widgets, ``eval_report`` (the last
:class:`~core.evaluation.protocol.EvaluationReport`), ``eval_report_fp`` (its dataset fingerprint),
``eval_sweep`` (the last weight sweep), ``eval_session_runs`` (runs kept in memory when the
workspace cannot be written).
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.common.config import project_root
from core.common.errors import InterestLensError
from core.data.splits import SPLIT_KINDS, SplitParams, resolve_threshold
from core.evaluation.baselines import BASELINES
from core.evaluation.metrics import ACCURACY_METRICS, ALL_METRICS, BEYOND_METRICS, HIGHER_IS_BETTER
from core.evaluation.options import EvalOptions, benchmark_options
from core.evaluation.protocol import EvaluationReport, evaluate_dataset, runs_table, weight_sweep
from core.ranking.registry import CHANNELS
from ui.i18n import fmt_date, t
from ui.resources import get_dataset, workspace
from ui.safe import md_escape
from ui.shell import ensure_app_shell

ensure_app_shell()

GROUP_COLOURS = {"baseline": "#9E9E9E", "channel": "#4C78A8", "fused": "#F58518", "tuned": "#E45756"}
BENCH_FILE = project_root() / "bench" / "results" / "bench_evaluate.json"
DEFAULTS: dict[str, Any] = {
    "eval_split": "random", "eval_ratio": 0.2, "eval_n_last": 5, "eval_threshold": "auto", "eval_k": 10,
    "eval_metrics": list(ALL_METRICS), "eval_baselines": list(BASELINES), "eval_channels": list(CHANNELS),
    "eval_fused": True, "eval_tune": True, "eval_trials": 40, "eval_tune_baselines": False,
    "eval_tune_channels": False, "eval_typed": True, "eval_max_users": 0, "eval_seed": 42, "eval_name": "",
}


def _init_state() -> None:
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)


def _load_benchmark_settings() -> None:
    """Button callback: put :func:`core.evaluation.options.benchmark_options` into the form widgets."""
    opts = benchmark_options()
    split = opts.split or SplitParams()
    st.session_state.update({
        "eval_split": split.kind, "eval_ratio": float(split.test_ratio), "eval_n_last": int(split.n_last),
        "eval_threshold": "none" if split.relevance_threshold is None else str(split.relevance_threshold),
        "eval_k": int(opts.k), "eval_metrics": list(opts.metrics), "eval_baselines": list(opts.baselines),
        "eval_channels": list(opts.channels), "eval_fused": opts.fused, "eval_tune": opts.tune,
        "eval_trials": int(opts.n_trials), "eval_tune_baselines": opts.tune_baselines,
        "eval_tune_channels": opts.tune_channels, "eval_typed": opts.typed,
        "eval_max_users": int(opts.max_users or 0), "eval_seed": int(opts.seed),
        "eval_name": t("evaluate.bench_run_name"),
    })


def _options_from_state(dataset: Any) -> EvalOptions:
    """EvalOptions from the widgets (raises InterestLensError for an unusable threshold)."""
    s = st.session_state
    bench = benchmark_options()
    split = SplitParams(
        kind=str(s["eval_split"]), test_ratio=float(s["eval_ratio"]), n_last=int(s["eval_n_last"]),
        relevance_threshold=resolve_threshold(dataset, str(s["eval_threshold"])), seed=int(s["eval_seed"]),
    )
    return EvalOptions(
        split=split, k=int(s["eval_k"]), metrics=tuple(s["eval_metrics"]) or ("ndcg",),
        baselines=tuple(s["eval_baselines"]), channels=tuple(s["eval_channels"]), fused=bool(s["eval_fused"]),
        tune=bool(s["eval_tune"]), n_trials=int(s["eval_trials"]),
        tune_baselines=bool(s["eval_tune_baselines"]),
        baseline_trials=bench.baseline_trials, tune_channels=bool(s["eval_tune_channels"]),
        channel_trials=bench.channel_trials, typed=bool(s["eval_typed"]), seed=int(s["eval_seed"]),
        max_users=int(s["eval_max_users"]) or None, tune_users=bench.tune_users, n_boot=bench.n_boot,
        model=st.session_state.get("model", "use-m3"),
    )


def _options_record(opts: EvalOptions) -> dict[str, Any]:
    split = opts.split or SplitParams()
    return {
        "split": split.as_dict(), "k": opts.k, "metrics": list(opts.metrics),
        "baselines": list(opts.baselines),
        "channels": list(opts.channels), "fused": opts.fused, "tune": opts.tune, "n_trials": opts.n_trials,
        "tune_baselines": opts.tune_baselines, "tune_channels": opts.tune_channels, "typed": opts.typed,
        "max_users": opts.max_users, "seed": opts.seed, "model": opts.model,
    }


# --- the form ------------------------------------------------------------------------------------


def _metric_label(metric: str) -> str:
    return t(f"evaluate.metric.{metric}")


def _draw_form() -> bool:
    """The settings form; True when the run button was pressed."""
    st.button(t("evaluate.bench_settings"), on_click=_load_benchmark_settings, help=t("evaluate.bench_help"),
              key="eval_bench_button")
    with st.form("eval_form"):
        c1, c2, c3 = st.columns(3)
        with c1:
            st.markdown(f"**{t('evaluate.split_section')}**")
            st.selectbox(t("evaluate.split"), SPLIT_KINDS, format_func=lambda k: t(f"evaluate.split.{k}"),
                         key="eval_split", help=t("evaluate.split_help"))
            st.slider(t("evaluate.ratio"), 0.05, 0.5, step=0.05, key="eval_ratio")
            st.number_input(t("evaluate.n_last"), 1, 100, step=1, key="eval_n_last")
            st.text_input(t("evaluate.threshold"), key="eval_threshold", help=t("evaluate.threshold_help"))
            st.number_input(t("evaluate.seed"), 0, 2**31 - 1, step=1, key="eval_seed")
        with c2:
            st.markdown(f"**{t('evaluate.measure_section')}**")
            st.number_input(t("evaluate.k"), 1, 100, step=1, key="eval_k")
            st.multiselect(t("evaluate.metrics"), ALL_METRICS, format_func=_metric_label, key="eval_metrics")
            st.number_input(t("evaluate.max_users"), 0, 1_000_000, step=50, key="eval_max_users",
                            help=t("evaluate.max_users_help"))
            st.text_input(t("evaluate.run_name"), key="eval_name", placeholder=t("evaluate.run_name_hint"))
        with c3:
            st.markdown(f"**{t('evaluate.config_section')}**")
            st.multiselect(t("evaluate.baselines"), BASELINES, key="eval_baselines",
                           format_func=lambda b: t(f"evaluate.baseline.{b}"))
            st.multiselect(t("evaluate.channels"), CHANNELS, format_func=lambda c: t(f"tuning.channel.{c}"),
                           key="eval_channels", help=t("evaluate.channels_help"))
            st.checkbox(t("evaluate.fused"), key="eval_fused")
            st.checkbox(t("evaluate.tune"), key="eval_tune", help=t("evaluate.tune_help"))
            st.number_input(t("evaluate.trials"), 1, 1000, step=5, key="eval_trials")
            st.checkbox(t("evaluate.tune_baselines"), key="eval_tune_baselines")
            st.checkbox(t("evaluate.tune_channels"), key="eval_tune_channels")
            st.checkbox(t("evaluate.typed"), key="eval_typed", help=t("evaluate.typed_help"))
        return st.form_submit_button(t("evaluate.run"), type="primary")


def _run(dataset: Any) -> None:
    """Run the evaluation with a progress bar, keep it in session state and record it in the workspace."""
    try:
        opts = _options_from_state(dataset)
    except InterestLensError as exc:
        st.error(t("evaluate.bad_settings", reason=str(exc)))
        return
    bar = st.progress(0.0, text=t("evaluate.running", pct=0))

    def progress(fraction: float, _message: str) -> None:
        bar.progress(min(1.0, fraction), text=t("evaluate.running", pct=int(100 * fraction)))

    started = time.perf_counter()
    try:
        result = evaluate_dataset(dataset, opts, progress=progress)
    except InterestLensError as exc:
        bar.empty()
        st.error(t("evaluate.failed", reason=str(exc)))
        return
    bar.progress(1.0, text=t("evaluate.done", seconds=f"{time.perf_counter() - started:.1f}"))
    st.session_state["eval_report"] = result
    st.session_state["eval_report_fp"] = dataset.fingerprint
    st.session_state.pop("eval_sweep", None)
    kind = (opts.split or SplitParams()).kind
    name = str(st.session_state.get("eval_name") or "").strip() or t(
        "evaluate.default_run_name", split=t(f"evaluate.split.{kind}"), k=opts.k)
    payload = result.to_dict()
    st.session_state.pop("eval_compare", None)  # compare the newest runs by default
    try:
        run_id = workspace().record_run(name, dataset.fingerprint, _options_record(opts), payload)
        st.success(t("evaluate.saved", id=run_id, name=name))
    except (InterestLensError, OSError) as exc:
        runs = st.session_state.setdefault("eval_session_runs", [])
        runs.append({"name": name, "fp": dataset.fingerprint, "results": payload, "created": time.time()})
        st.warning(t("evaluate.not_saved", reason=str(exc)))


# --- results -------------------------------------------------------------------------------------


def _display_table(result: EvaluationReport, metrics: list[str]) -> pd.DataFrame:
    table = result.table(with_ci=False)
    k = result.experiment.k
    cols = [f"{m}@{k}" for m in metrics if f"{m}@{k}" in table.columns]
    frame = table[["group", *cols]].copy()
    frame["group"] = [t(f"evaluate.group.{g}") for g in frame["group"]]
    return frame


def _style_best(frame: pd.DataFrame, k: int) -> Any:
    """Bold + tint the best value of every metric column (direction-aware)."""

    def mark(col: pd.Series) -> list[str]:
        metric = str(col.name).split("@")[0]
        values = pd.to_numeric(col, errors="coerce")
        if values.notna().sum() == 0:
            return [""] * len(col)
        best = values.max() if HIGHER_IS_BETTER.get(metric, True) else values.min()
        style = "font-weight: bold; background-color: rgba(245,133,24,0.25)"
        return [style if v == best else "" for v in values]

    metric_cols = [c for c in frame.columns if "@" in str(c)]
    return frame.style.apply(mark, subset=metric_cols).format("{:.4f}", subset=metric_cols, na_rep="—")


def _metric_chart(result: EvaluationReport, metric: str) -> go.Figure:
    """Bar per configuration with its 95% bootstrap interval (accuracy metrics)."""
    fig = go.Figure()
    for res in result.experiment.results:
        mean = res.aggregate.get(metric, float("nan"))
        iv = res.intervals.get(metric)
        error = None
        if iv is not None and math.isfinite(iv.low):
            error = {"type": "data", "symmetric": False, "array": [iv.high - mean],
                     "arrayminus": [mean - iv.low]}
        fig.add_trace(go.Bar(x=[res.name], y=[mean], name=t(f"evaluate.group.{res.group}"), error_y=error,
                             marker_color=GROUP_COLOURS.get(res.group, "#888"), legendgroup=res.group,
                             showlegend=False))
    k = result.experiment.k
    fig.update_layout(title=t("evaluate.chart.metric", metric=f"{_metric_label(metric)}@{k}"),
                      yaxis_title=f"{metric}@{k}", height=420, margin={"t": 50, "b": 10})
    return fig


def _tradeoff_chart(result: EvaluationReport, x_metric: str, y_metric: str) -> go.Figure:
    """Accuracy against a beyond-accuracy metric, one point per configuration."""
    fig = go.Figure()
    for group in ("baseline", "channel", "fused", "tuned"):
        rows = [r for r in result.experiment.results if r.group == group]
        if not rows:
            continue
        fig.add_trace(go.Scatter(
            x=[r.aggregate.get(x_metric, float("nan")) for r in rows],
            y=[r.aggregate.get(y_metric, float("nan")) for r in rows], mode="markers+text",
            text=[r.name for r in rows], textposition="top center", name=t(f"evaluate.group.{group}"),
            marker={"size": 12, "color": GROUP_COLOURS[group]},
        ))
    k = result.experiment.k
    fig.update_layout(title=t("evaluate.chart.tradeoff"), xaxis_title=f"{_metric_label(x_metric)}@{k}",
                      yaxis_title=f"{_metric_label(y_metric)}@{k}", height=420, margin={"t": 50})
    return fig


def _sweep_chart(sweep: pd.DataFrame, channel: str, k: int, current: float | None) -> go.Figure:
    fig = go.Figure()
    for col, colour in ((f"ndcg@{k}", "#E45756"), (f"recall@{k}", "#4C78A8")):
        fig.add_trace(go.Scatter(x=sweep["weight"], y=sweep[col], mode="lines+markers", name=col,
                                 line={"color": colour}))
    if current is not None:
        fig.add_vline(x=current, line_dash="dash", line_color="#888",
                      annotation_text=t("evaluate.sweep_current"))
    fig.update_layout(title=t("evaluate.chart.sweep", channel=t(f"tuning.channel.{channel}")),
                      xaxis_title=t("evaluate.sweep_weight"), yaxis_title=t("evaluate.sweep_value"),
                      height=380, margin={"t": 50})
    return fig


def _significance_frame(result: EvaluationReport) -> pd.DataFrame:
    rows = []
    for c in result.experiment.comparisons:
        rows.append({
            t("evaluate.sig.candidate"): c.candidate, t("evaluate.sig.reference"): c.reference,
            t("evaluate.sig.delta"): c.difference, t("evaluate.sig.relative"): f"{c.relative:+.1%}",
            t("evaluate.sig.ci"): f"[{c.diff_low:+.4f}, {c.diff_high:+.4f}]",
            t("evaluate.sig.wilcoxon"): c.wilcoxon_p, t("evaluate.sig.ttest"): c.ttest_p,
            t("evaluate.sig.users"): c.n_users,
        })
    return pd.DataFrame(rows)


def _draw_results(result: EvaluationReport) -> None:
    exp = result.experiment
    k = exp.k
    stats = exp.split_stats
    st.subheader(t("evaluate.results"))
    st.caption(t("evaluate.split_stats", users=len(exp.users), held=stats.get("n_users_with_held_out", 0),
                 no_rel=stats.get("n_skipped_no_relevant", 0), cold=stats.get("n_skipped_cold", 0),
                 relevant=stats.get("n_relevant", 0), seconds=f"{result.seconds:.0f}"))
    wanted = st.session_state.get("eval_metrics", exp.metrics)
    metrics = [m for m in exp.metrics if m in wanted] or list(exp.metrics)
    frame = _display_table(result, metrics)
    st.dataframe(_style_best(frame, k), width="stretch", key="eval_table")
    st.caption(t("evaluate.table_note"))
    for name, reason in {**exp.extra.get("skipped", {}), **result.dropped_channels}.items():
        st.caption(t("evaluate.dropped", name=name, reason=reason))

    if exp.comparisons:
        st.markdown(f"**{t('evaluate.significance')}**")
        st.dataframe(_significance_frame(result), width="stretch", hide_index=True)
        for c in exp.comparisons:
            significant = math.isfinite(c.wilcoxon_p) and c.wilcoxon_p < 0.05 and c.difference > 0
            verdict = "evaluate.sig_yes" if significant else "evaluate.sig_no"
            st.caption(t(verdict, candidate=c.candidate, reference=c.reference, rel=f"{c.relative:+.1%}",
                         p=f"{c.wilcoxon_p:.3g}" if math.isfinite(c.wilcoxon_p) else "—"))

    acc = [m for m in metrics if m in ACCURACY_METRICS] or ["ndcg"]
    beyond = [m for m in metrics if m in BEYOND_METRICS] or ["coverage"]
    c1, c2 = st.columns(2)
    with c1:
        chosen = st.selectbox(t("evaluate.chart_metric"), acc, format_func=_metric_label,
                              key="eval_chart_metric")
        st.plotly_chart(_metric_chart(result, chosen), key="eval_chart_bar")
    with c2:
        x_metric = st.selectbox(t("evaluate.chart_x"), beyond, format_func=_metric_label, key="eval_chart_x")
        st.plotly_chart(_tradeoff_chart(result, x_metric, chosen), key="eval_chart_tradeoff")

    _draw_sweep(result)
    _draw_tuning(result)
    _draw_typed(result)
    _draw_exports(result)


def _draw_sweep(result: EvaluationReport) -> None:
    st.markdown(f"**{t('evaluate.sweep')}**")
    st.caption(t("evaluate.sweep_help"))
    if result.runtime.get("validation") is None:
        st.info(t("evaluate.sweep_unavailable"))
        return
    usable = [c for c in CHANNELS if c not in result.dropped_channels]
    c1, c2 = st.columns([3, 1])
    channel = c1.selectbox(t("evaluate.sweep_channel"), usable, key="eval_sweep_channel",
                           format_func=lambda c: t(f"tuning.channel.{c}"))
    if c2.button(t("evaluate.sweep_run"), key="eval_sweep_run"):
        bar = st.progress(0.0, text=t("evaluate.sweep_running"))
        try:
            sweep = weight_sweep(result, channel, progress=lambda f, _m: bar.progress(min(1.0, f)))
        except InterestLensError as exc:
            st.error(t("evaluate.failed", reason=str(exc)))
            return
        bar.empty()
        st.session_state["eval_sweep"] = (channel, sweep)
    saved = st.session_state.get("eval_sweep")
    if saved is not None:
        name, sweep = saved
        base = result.tuning.best_config if result.tuning is not None else None
        current = float(base.weights.as_dict()[name]) if base is not None else None
        st.plotly_chart(_sweep_chart(sweep, name, result.experiment.k, current), key="eval_chart_sweep")


def _draw_tuning(result: EvaluationReport) -> None:
    if result.tuning is None and not result.baseline_tuning and not result.channel_tuning:
        return
    with st.expander(t("evaluate.tuning"), expanded=False):
        tuning = result.tuning
        if tuning is not None:
            st.write(t("evaluate.tuning_summary", trials=tuning.n_trials, base=f"{tuning.base_value:.4f}",
                       best=f"{tuning.best_value:.4f}", norm=tuning.best_config.normalisation,
                       metric=tuning.metric))
            weights = pd.DataFrame({
                t("evaluate.col.channel"): [t(f"tuning.channel.{c}") for c in CHANNELS],
                t("evaluate.col.weight"): [tuning.best_config.weights.as_dict()[c] for c in CHANNELS],
            })
            st.dataframe(weights, hide_index=True, width="stretch")
            if len(tuning.trials):
                trials = tuning.trials.sort_values("trial")
                fig = go.Figure()
                fig.add_trace(go.Scatter(x=trials["trial"], y=trials["value"], mode="markers",
                                         name=t("evaluate.trial_value")))
                fig.add_trace(go.Scatter(x=trials["trial"], y=trials["value"].cummax(), mode="lines",
                                         name=t("evaluate.trial_best")))
                fig.update_layout(title=t("evaluate.chart.trials"), xaxis_title=t("evaluate.trial"),
                                  yaxis_title=tuning.metric, height=320, margin={"t": 50})
                st.plotly_chart(fig, key="eval_chart_trials")
        for label, part in ((t("evaluate.baseline_tuning"), result.baseline_tuning),
                            (t("evaluate.channel_tuning"), result.channel_tuning)):
            if part:
                st.markdown(f"**{label}**")
                st.dataframe(pd.DataFrame([
                    {t("evaluate.col.name"): name, t("evaluate.col.default"): v["default_validation_ndcg"],
                     t("evaluate.col.tuned"): v["validation_ndcg"],
                     t("evaluate.col.params"): json.dumps(v["params"])}
                    for name, v in part.items()
                ]), hide_index=True, width="stretch")


def _draw_typed(result: EvaluationReport) -> None:
    typed = result.typed
    if typed is None:
        return
    st.markdown(f"**{t('evaluate.typed_section')}**")
    if not typed.get("rows"):
        st.info(t("evaluate.typed_none"))
        return
    st.caption(t("evaluate.typed_caption", n=typed["n_users"]))
    rows = []
    for row in typed["rows"]:
        rows.append({
            t("evaluate.col.name"): row["name"], t("evaluate.typed.ndcg_history"): row["ndcg_history"],
            t("evaluate.typed.ndcg_typed"): row["ndcg_typed"],
            t("evaluate.typed.ndcg_tuned"): row.get("ndcg_typed_tuned"),
            t("evaluate.typed.weight"): row.get("chosen_semantic_weight"),
            t("evaluate.typed.recall_history"): row["recall_history"],
            t("evaluate.typed.recall_tuned"): row.get("recall_typed_tuned"),
            t("evaluate.typed.p"): row.get("wilcoxon_p_tuned"),
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    only = typed.get("typed_only", {})
    st.caption(t("evaluate.typed_only", ndcg=f"{only.get('ndcg', float('nan')):.4f}",
                 recall=f"{only.get('recall', float('nan')):.4f}"))


def _draw_exports(result: EvaluationReport) -> None:
    c1, c2, c3 = st.columns(3)
    c1.download_button(t("evaluate.export_csv"), result.table().to_csv().encode("utf-8-sig"),
                       file_name="evaluation.csv", mime="text/csv", key="eval_dl_csv")
    c2.download_button(t("evaluate.export_md"), result.to_markdown().encode("utf-8"),
                       file_name="evaluation.md", mime="text/markdown", key="eval_dl_md")
    payload = json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str)
    c3.download_button(t("evaluate.export_json"), payload.encode("utf-8"), file_name="evaluation.json",
                       mime="application/json", key="eval_dl_json")


# --- stored runs ---------------------------------------------------------------------------------


def _stored_runs(dataset: Any) -> list[tuple[str, dict[str, Any]]]:
    """(label, results payload) of every run of this dataset: workspace, session, and the benchmark file."""
    runs: list[tuple[str, dict[str, Any]]] = []
    try:
        for rec in workspace().list_runs(dataset.fingerprint):
            runs.append((f"#{rec.id} {rec.name} ({fmt_date(rec.created_at)})", rec.results))
    except (InterestLensError, OSError):
        pass
    for i, run in enumerate(st.session_state.get("eval_session_runs", [])):
        if run["fp"] == dataset.fingerprint:
            runs.append((f"S{i + 1} {run['name']}", run["results"]))
    if dataset.meta.get("demo") == "movielens" and BENCH_FILE.exists():
        try:
            payload = json.loads(BENCH_FILE.read_text(encoding="utf-8"))
            runs.append((t("evaluate.bench_run"), payload.get("evaluation", payload)))
        except (OSError, ValueError):
            pass
    return runs


def _draw_runs(dataset: Any) -> None:
    st.subheader(t("evaluate.runs"))
    runs = _stored_runs(dataset)
    if not runs:
        st.info(t("evaluate.no_runs"))
        return
    labels = [label for label, _ in runs]
    chosen = st.multiselect(t("evaluate.compare"), labels, default=labels[:2], key="eval_compare")
    if not chosen:
        return
    table = runs_table([r for r in runs if r[0] in chosen])
    metric_cols = [c for c in table.columns if "@" in str(c)]
    st.dataframe(table, hide_index=True, width="stretch", key="eval_runs_table")
    ndcg_cols = [c for c in metric_cols if c.startswith("ndcg@")]
    if ndcg_cols:
        col = ndcg_cols[0]
        fig = go.Figure()
        for label in chosen:
            part = table[table["run"] == label]
            fig.add_trace(go.Bar(x=part["name"], y=part[col], name=label))
        fig.update_layout(barmode="group", title=t("evaluate.chart.runs", metric=col), height=400,
                          margin={"t": 50}, legend={"orientation": "h"})
        st.plotly_chart(fig, key="eval_chart_runs")
    st.download_button(t("evaluate.export_runs"), table.to_csv(index=False).encode("utf-8-sig"),
                       file_name="evaluation_runs.csv", mime="text/csv", key="eval_dl_runs")


# --- page ----------------------------------------------------------------------------------------

_init_state()
st.header(t("evaluate.header"))
st.caption(t("evaluate.intro"))
ds = get_dataset()
st.caption(t("evaluate.dataset", name=md_escape(ds.name), users=ds.n_users, items=ds.n_items))
if _draw_form():
    _run(ds)
report = st.session_state.get("eval_report")
if isinstance(report, EvaluationReport) and st.session_state.get("eval_report_fp") == ds.fingerprint:
    _draw_results(report)
else:
    st.info(t("evaluate.nothing_yet"))
_draw_runs(ds)
