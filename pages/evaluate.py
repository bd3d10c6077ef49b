"""Evaluate page: offline evaluation of baselines, single channels, default and tuned fusion.

Everything is computed by :func:`core.evaluation.protocol.evaluate_dataset` (splits, metrics over the full
catalogue, bootstrap intervals, paired tests, Optuna tuning on the validation split) and
:func:`core.evaluation.protocol.weight_sweep`; tables and figures come from :mod:`ui.evaluate_views`. This
page collects the settings, shows progress, draws, and stores every run in the workspace
(``Workspace.record_run``) so runs can be compared later.

Session state (all keys start with ``eval_``): the form widgets, ``eval_report`` (the last
``EvaluationReport``), ``eval_report_fp`` (its dataset fingerprint), ``eval_sweep`` (the last weight sweep),
``eval_session_runs`` (runs kept in memory when the workspace cannot be written).

Two tabs: "Users' histories" (the above) and "Typed interests" (:mod:`ui.typed_eval_panel`: a cases file
evaluated as ``python -m core evaluate-interests`` does; its session keys start with ``eval_typed_``).
"""

from __future__ import annotations

import json
import time

import streamlit as st

from core.common.errors import InterestLensError
from core.data.dataset import Dataset
from core.data.splits import SPLIT_KINDS, SplitParams, split_dataset
from core.evaluation.baselines import BASELINES
from core.evaluation.compare import ConfigComparison, compare_configurations, item_vectors_needed
from core.evaluation.metrics import ACCURACY_METRICS, ALL_METRICS, BEYOND_METRICS
from core.evaluation.options import benchmark_options, item_vectors_for
from core.evaluation.protocol import EvaluationReport, evaluate_dataset, run_checkpoint, runs_table
from core.ranking.registry import CHANNELS
from ui import compare_views as cv
from ui import evaluate_views as ev
from ui.evaluate_labels import runs_display
from ui.evaluate_panels import draw_sweep, draw_tuning, draw_typed
from ui.evaluate_progress import EvalProgress
from ui.i18n import current_lang, fmt_date, t
from ui.inspector_views import draw_inspector
from ui.resources import get_dataset, get_engine, workspace
from ui.safe import md_escape
from ui.shell import ensure_app_shell
from ui.slices_views import draw_breakdown
from ui.state import get_fusion, has_fusion
from ui.typed_eval_panel import draw_typed_cases_tab
from ui.widgets import dataset_label

ensure_app_shell()


def _metric_label(metric: str, lang: str) -> str:
    return t(f"evaluate.metric.{metric}", lang)


def _load_benchmark_settings() -> None:
    """Button callback: put :func:`core.evaluation.options.benchmark_options` into the form widgets."""
    st.session_state.update({**ev.form_values(benchmark_options()), "eval_name": t("evaluate.bench_run_name")})


def _draw_form() -> bool:
    """The settings form; True when the run button was pressed."""
    lang = current_lang()  # format functions may run outside the script run (AppTest)
    st.button(t("evaluate.bench_settings"), on_click=_load_benchmark_settings, help=t("evaluate.bench_help"),
              key="eval_bench_button")
    with st.form("eval_form"):
        c1, c2, c3 = st.columns(3)
        with c1:
            st.markdown(f"**{t('evaluate.split_section')}**")
            st.selectbox(t("evaluate.split"), SPLIT_KINDS, format_func=lambda k: t(f"evaluate.split.{k}", lang),
                         key="eval_split", help=t("evaluate.split_help"), placeholder=t("app.choose_one"))
            st.slider(t("evaluate.ratio"), 0.05, 0.5, step=0.05, key="eval_ratio")
            st.number_input(t("evaluate.n_last"), 1, 100, step=1, key="eval_n_last")
            st.text_input(t("evaluate.threshold"), key="eval_threshold", help=t("evaluate.threshold_help"))
            st.number_input(t("evaluate.seed"), 0, 2**31 - 1, step=1, key="eval_seed")
        with c2:
            st.markdown(f"**{t('evaluate.measure_section')}**")
            st.number_input(t("evaluate.k"), 1, 100, step=1, key="eval_k")
            st.multiselect(t("evaluate.metrics"), ALL_METRICS, format_func=lambda m: t(f"evaluate.metric.{m}", lang),
                           key="eval_metrics", placeholder=t("app.choose_many"))
            st.number_input(t("evaluate.max_users"), 0, 1_000_000, step=50, key="eval_max_users",
                            help=t("evaluate.max_users_help"))
            st.text_input(t("evaluate.run_name"), key="eval_name", placeholder=t("evaluate.run_name_hint"))
        with c3:
            st.markdown(f"**{t('evaluate.config_section')}**")
            st.multiselect(t("evaluate.baselines"), BASELINES, key="eval_baselines",
                           format_func=lambda b: t(f"evaluate.baseline.{b}", lang), placeholder=t("app.choose_many"))
            st.multiselect(t("evaluate.channels"), CHANNELS, format_func=lambda c: t(f"tuning.channel.{c}", lang),
                           key="eval_channels", help=t("evaluate.channels_help"), placeholder=t("app.choose_many"))
            st.checkbox(t("evaluate.fused"), key="eval_fused", help=t("evaluate.fused_help"))
            st.checkbox(t("evaluate.tune"), key="eval_tune", help=t("evaluate.tune_help"))
            st.number_input(t("evaluate.trials"), 1, 1000, step=5, key="eval_trials")
            st.checkbox(t("evaluate.tune_baselines"), key="eval_tune_baselines", help=t("evaluate.tune_baselines_help"))
            st.checkbox(t("evaluate.tune_channels"), key="eval_tune_channels", help=t("evaluate.tune_channels_help"))
            st.checkbox(t("evaluate.typed"), key="eval_typed", help=t("evaluate.typed_help"))
        return st.form_submit_button(t("evaluate.run"), type="primary")


def _run(dataset: Dataset) -> None:
    """Run the evaluation with a progress bar, keep it in session state and record it in the workspace."""
    try:
        values = {key: st.session_state[key] for key in ev.FORM_DEFAULTS}
        opts = ev.options_from_values(values, dataset, str(st.session_state.get("model", "use-m3")))
    except InterestLensError as exc:
        st.error(t("evaluate.bad_settings", reason=md_escape(exc)))
        return
    bar = st.progress(0.0, text=t("evaluate.progress.start"))
    narrator = EvalProgress.for_options(opts, t)

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(1.0, fraction), text=narrator.text(fraction, message))

    started = time.perf_counter()
    try:
        result = evaluate_dataset(dataset, opts, progress=progress, checkpoint=run_checkpoint(dataset, opts))
    except InterestLensError as exc:
        bar.empty()
        st.error(t("evaluate.failed", reason=md_escape(exc)))
        return
    bar.progress(1.0, text=t("evaluate.done", seconds=f"{time.perf_counter() - started:.1f}"))
    st.session_state.update({"eval_report": result, "eval_report_fp": dataset.fingerprint})
    for key in ("eval_sweep", "eval_compare"):  # compare the newest runs by default
        st.session_state.pop(key, None)
    split = opts.split.kind if opts.split is not None else "random"
    name = str(st.session_state.get("eval_name") or "").strip() or t(
        "evaluate.default_run_name", split=t(f"evaluate.split.{split}"), k=opts.k)
    payload = result.to_dict()
    try:
        run_id = workspace().record_run(name, dataset.fingerprint, ev.options_record(opts), payload)
        st.success(t("evaluate.saved", id=run_id, name=md_escape(name)))
    except (InterestLensError, OSError) as exc:
        runs = st.session_state.setdefault("eval_session_runs", [])
        runs.append({"name": name, "fp": dataset.fingerprint, "results": payload, "created": time.time()})
        st.warning(t("evaluate.not_saved", reason=md_escape(exc)))


def _draw_results(result: EvaluationReport, dataset: Dataset) -> None:
    exp = result.experiment
    stats = exp.split_stats
    st.subheader(t("evaluate.results"))
    st.caption(t("evaluate.split_stats", users=len(exp.users), held=stats.get("n_users_with_held_out", 0),
                 no_rel=stats.get("n_skipped_no_relevant", 0), cold=stats.get("n_skipped_cold", 0),
                 relevant=stats.get("n_relevant", 0), seconds=f"{result.seconds:.0f}"))
    wanted = st.session_state.get("eval_metrics", exp.metrics)
    metrics = [m for m in exp.metrics if m in wanted] or list(exp.metrics)
    st.dataframe(ev.results_table(result, metrics, t), width="stretch", key="eval_table")
    st.caption(t("evaluate.table_note"))
    for name, reason in ev.not_evaluated(result, t):
        st.caption(t("evaluate.dropped", name=md_escape(name), reason=md_escape(reason)))
    if exp.comparisons:
        st.markdown(f"**{t('evaluate.significance')}**")
        st.dataframe(ev.significance_frame(result, t), width="stretch", hide_index=True)
        for verdict in ev.verdicts(result, t):
            st.caption(verdict)
    lang = current_lang()  # format functions may run outside the script run (AppTest)
    c1, c2 = st.columns(2)
    chosen = c1.selectbox(t("evaluate.chart_metric"), [m for m in metrics if m in ACCURACY_METRICS] or ["ndcg"],
                          format_func=lambda m: _metric_label(m, lang), key="eval_chart_metric",
                          placeholder=t("app.choose_one"))
    x_metric = c2.selectbox(t("evaluate.chart_x"), [m for m in metrics if m in BEYOND_METRICS] or ["coverage"],
                            format_func=lambda m: _metric_label(m, lang), key="eval_chart_x",
                            placeholder=t("app.choose_one"))
    st.plotly_chart(ev.metric_chart(result, chosen, t), key="eval_chart_bar")
    st.plotly_chart(ev.tradeoff_chart(result, x_metric, chosen, t), key="eval_chart_tradeoff")
    st.caption(t("evaluate.chart.legend_hint"))
    draw_breakdown(result)
    draw_sweep(result)
    draw_tuning(result, dataset)
    draw_typed(result, dataset.user_tags is not None and len(dataset.user_tags) > 0)
    c1, c2, c3 = st.columns(3)
    exports_help = t("evaluate.exports_help")
    c1.download_button(t("evaluate.export_csv"), result.table().to_csv().encode("utf-8-sig"),
                       file_name="evaluation.csv", mime="text/csv", key="eval_dl_csv", help=exports_help)
    c2.download_button(t("evaluate.export_md"), result.to_markdown().encode("utf-8"),
                       file_name="evaluation.md", mime="text/markdown", key="eval_dl_md", help=exports_help)
    c3.download_button(t("evaluate.export_json"), json.dumps(result.to_dict(), ensure_ascii=False, indent=2,
                                                             default=str).encode("utf-8"),
                       file_name="evaluation.json", mime="application/json", key="eval_dl_json", help=exports_help)


def _draw_runs(dataset: Dataset) -> None:
    st.subheader(t("evaluate.runs"))
    runs = ev.stored_runs(dataset, st.session_state.get("eval_session_runs", []), t, fmt_date)
    if not runs:
        st.info(t("evaluate.no_runs"))
        return
    labels = [label for label, _ in runs]
    chosen = st.multiselect(t("evaluate.compare"), labels, default=labels[:2], key="eval_compare",
                            placeholder=t("app.choose_many"))
    if not chosen:
        return
    table = runs_table([r for r in runs if r[0] in chosen])
    st.dataframe(runs_display(table, t), hide_index=True, width="stretch", key="eval_runs_table")
    ndcg = [c for c in table.columns if str(c).startswith("ndcg@")]
    if ndcg:
        st.plotly_chart(ev.runs_chart(table, chosen, ndcg[0], t), key="eval_chart_runs")
    st.download_button(t("evaluate.export_runs"), table.to_csv(index=False).encode("utf-8-sig"),
                       file_name="evaluation_runs.csv", mime="text/csv", key="eval_dl_runs",
                       help=t("evaluate.exports_help"))


def _draw_compare(dataset: Dataset) -> None:
    """Compare two configurations on the form's split (:mod:`core.evaluation.compare`, :mod:`ui.compare_views`)."""
    st.subheader(t("compare.header"))
    st.caption(t("compare.intro"))
    lang = current_lang()  # format functions may run outside the script run (AppTest)

    def tr(key: str, **fmt: object) -> str:
        return t(key, lang, **fmt)

    try:
        saved = {r.name: r.config for r in workspace().list_presets(dataset.fingerprint)}
    except (InterestLensError, OSError):
        saved = {}
    options = cv.choices(sorted(saved), has_fusion())
    c1, c2 = st.columns(2)
    a = c1.selectbox(t("compare.a"), options, index=0, format_func=lambda c: cv.choice_label(c, tr),
                     key="eval_cmp_a", placeholder=t("app.choose_one"))
    b = c2.selectbox(t("compare.b"), options, index=1, format_func=lambda c: cv.choice_label(c, tr),
                     key="eval_cmp_b", placeholder=t("app.choose_one"))
    if st.button(t("compare.run"), key="eval_cmp_run") and a and b:
        model = str(st.session_state.get("model", "use-m3"))
        try:
            opts = ev.options_from_values({key: st.session_state[key] for key in ev.FORM_DEFAULTS}, dataset, model)
            split = split_dataset(dataset, opts.split or SplitParams())
            if opts.max_users:
                split = split.subsample(opts.max_users, seed=opts.seed)
            conf_a = cv.configuration_for(a, saved, get_fusion().config, tr)
            conf_b = cv.configuration_for(b, saved, get_fusion().config, tr)
            with st.spinner(t("compare.running")):
                encoder = vectors = None
                if opts.model and item_vectors_needed(dataset, conf_a, conf_b):
                    encoder = get_engine(dataset).encoder
                    vectors = item_vectors_for(split.train, encoder)
                result = compare_configurations(split, conf_a, conf_b, k=opts.k, item_vectors=vectors,
                                                encoder=encoder, dataset_name=dataset.name, n_boot=opts.n_boot,
                                                seed=opts.seed)
        except InterestLensError as exc:
            st.error(t("compare.failed", reason=md_escape(exc)))
            return
        st.session_state.update({"eval_cmp_result": result, "eval_cmp_fp": dataset.fingerprint})
    shown = st.session_state.get("eval_cmp_result")
    if not isinstance(shown, ConfigComparison) or st.session_state.get("eval_cmp_fp") != dataset.fingerprint:
        return
    result = shown
    st.caption(t("compare.summary", a=md_escape(result.a.label), b=md_escape(result.b.label), k=md_escape(result.k),
                 users=md_escape(result.n_users), seconds=md_escape(f"{result.seconds:.1f}")))
    st.dataframe(cv.delta_frame(result, tr), hide_index=True, width="stretch", key="eval_cmp_table")
    st.plotly_chart(cv.delta_histogram_chart(result, tr), key="eval_cmp_hist")
    st.caption(md_escape(cv.overlap_text(result, tr)))
    for title, cases in ((t("compare.gains"), result.gains), (t("compare.losses"), result.drops)):
        st.markdown(f"**{md_escape(title)}**")
        if not cases:
            st.caption(t("compare.no_cases"))
        for case in cases:
            with st.expander(md_escape(cv.case_label(case, tr))):
                st.dataframe(cv.case_frame(case, tr), hide_index=True, width="stretch")
    st.download_button(t("compare.export_json"), json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
                       .encode("utf-8"), file_name="comparison.json", mime="application/json", key="eval_cmp_dl",
                       help=t("evaluate.exports_help"))


def main() -> None:
    """Draw the page."""
    for key, value in ev.FORM_DEFAULTS.items():
        st.session_state.setdefault(key, value)
    st.header(t("evaluate.header"))
    ds = get_dataset()
    st.caption(t("evaluate.dataset", name=md_escape(dataset_label(ds)), users=ds.n_users, items=ds.n_items))
    history_tab, typed_tab = st.tabs([t("evaluate.tab.history"), t("evaluate.tab.typed")])
    with history_tab:
        st.caption(t("evaluate.intro"))
        st.caption(ev.relevance_note(ds, str(st.session_state.get("eval_threshold", "auto")), t, current_lang()))
        if _draw_form():
            _run(ds)
        report = st.session_state.get("eval_report")
        if isinstance(report, EvaluationReport) and st.session_state.get("eval_report_fp") == ds.fingerprint:
            _draw_results(report, ds)
            draw_inspector(report, ds)
        else:
            st.info(t("evaluate.nothing_yet"))
        _draw_runs(ds)
        _draw_compare(ds)
    with typed_tab:
        draw_typed_cases_tab(ds)


main()
