"""The Evaluate page's "Typed interests" tab: a cases file in, the ``evaluate-interests`` report out.

The file is read with :func:`core.evaluation.cases.load_cases` (a malformed file: its ConfigError, which
names the case and field; entries naming no item: listed and downloadable, never dropped silently). The run
is :func:`core.evaluation.typed_cases.evaluate_typed_cases` on the shared engine
(:func:`ui.resources.get_engine` + :func:`~ui.resources.ensure_ready`) with the fusion configuration the
Interests and Tuning pages share (:func:`ui.state.get_fusion`). Tables and the figure come from
:mod:`ui.typed_eval_views`.

Session state (keys start with ``eval_typed_``): the widgets (``_file``, ``_split``, ``_k``), ``_loaded``
(the last file read: digest, dataset fingerprint, CaseSet or error) and ``_report`` (a
:class:`ui.typed_eval_views.StoredRun`, shown again when the page is opened later on the same dataset).
"""

from __future__ import annotations

import hashlib
import time

import streamlit as st

from core.common.errors import InterestLensError
from core.data.dataset import Dataset
from core.evaluation.cases import CaseSet, load_cases
from core.evaluation.typed_cases import TypedCasesReport, evaluate_typed_cases
from ui import state
from ui import typed_eval_views as tv
from ui.i18n import current_lang, t
from ui.interests_views import weights_text
from ui.resources import ensure_ready, get_engine, progress_bar
from ui.safe import md_escape

PREFIX = "eval_typed_"
FILE_KEY = PREFIX + "file"
SPLIT_KEY = PREFIX + "split"
K_KEY = PREFIX + "k"
LOADED_KEY = PREFIX + "loaded"
REPORT_KEY = PREFIX + "report"


@st.cache_data(show_spinner=False, max_entries=8)
def _template(_dataset: Dataset, fingerprint: str, lang: str) -> bytes:
    """The template file of a dataset in a language (building the title matcher takes a second or two)."""
    return tv.template_bytes(_dataset, lambda key, **fmt: t(key, lang, **fmt))


def _load(data: bytes, name: str, dataset: Dataset) -> CaseSet | None:
    """The uploaded file checked against the dataset (read again only when the file or dataset changes);
    a ConfigError is shown as an error and gives None."""
    digest = (hashlib.sha1(data).hexdigest(), dataset.fingerprint, name)
    saved = st.session_state.get(LOADED_KEY)
    if not (isinstance(saved, tuple) and saved[0] == digest):
        try:
            saved = (digest, load_cases(data, dataset, name=name), None)
        except InterestLensError as exc:
            saved = (digest, None, str(exc))
        st.session_state[LOADED_KEY] = saved
    _, cases, error = saved
    if error is not None:
        st.error(t("evaluate.cases.bad_file", reason=md_escape(error)))
    return cases if isinstance(cases, CaseSet) else None


def _draw_unresolved(entries: list[dict[str, object]], key: str) -> None:
    """The entries that named no item: a table and its CSV download."""
    frame = tv.unresolved_frame(entries, t)
    st.dataframe(frame, hide_index=True, width="stretch", key=f"{PREFIX}{key}_table")
    st.download_button(t("evaluate.cases.export_unresolved"), tv.unresolved_csv(frame),
                       file_name="unresolved_entries.csv", mime="text/csv", key=f"{PREFIX}{key}_csv")


def _draw_loaded(cases: CaseSet) -> None:
    """What the file holds: cases per split, titles resolved, unresolved entries."""
    summary = cases.summary()
    st.caption(t("evaluate.cases.loaded", n=len(cases), splits=md_escape(tv.splits_text(cases, t)),
                 titles=summary["n_titles_resolved"]))
    if not cases.unresolved:
        st.caption(t("evaluate.cases.all_resolved"))
        return
    by_field = summary["n_unresolved"]
    st.warning(t("evaluate.cases.unresolved", n=len(cases.unresolved), targets=by_field["targets"],
                 mentioned=by_field["mentioned"]))
    _draw_unresolved(summary["unresolved"], "file_unresolved")


def _draw_controls(cases: CaseSet) -> bool:
    """Split and list lengths; True when the run button was pressed."""
    options = tv.split_options(cases)
    if st.session_state.get(SPLIT_KEY) not in options:
        st.session_state[SPLIT_KEY] = tv.ALL_SPLITS
    st.session_state.setdefault(K_KEY, list(tv.DEFAULT_KS))
    lang = current_lang()  # format functions may run outside the script run (AppTest)
    c1, c2 = st.columns(2)
    c1.selectbox(t("evaluate.cases.split"), options, key=SPLIT_KEY, help=t("evaluate.cases.split_help"),
                 format_func=lambda s: tv.split_option_label(s, cases, lambda key, **f: t(key, lang, **f)),
                 placeholder=t("app.choose_one"))
    c2.multiselect(t("evaluate.cases.k"), list(tv.K_CHOICES), key=K_KEY, help=t("evaluate.cases.k_help"),
                   placeholder=t("app.choose_many"))
    st.caption(t("evaluate.cases.weights", weights=weights_text(state.get_fusion().config,
                                                                 lambda c: t(f"tuning.channel.{c}"))))
    return st.button(t("evaluate.cases.run"), type="primary", key=PREFIX + "run")


def _run(dataset: Dataset, cases: CaseSet) -> None:
    """Evaluate the chosen split with a progress bar and keep the report in session state."""
    ks = sorted(int(k) for k in st.session_state.get(K_KEY) or [])
    if not ks:
        st.error(t("evaluate.cases.need_k"))
        return
    split = str(st.session_state.get(SPLIT_KEY) or tv.ALL_SPLITS)
    try:
        chosen = cases.select(split)
    except InterestLensError as exc:
        st.error(t("evaluate.cases.bad_file", reason=md_escape(str(exc))))
        return
    engine = ensure_ready(get_engine(dataset), channels=True)
    progress = progress_bar(lambda message: tv.stage_text(message, t))
    started = time.perf_counter()
    try:
        report = evaluate_typed_cases(engine, chosen, k=ks, config=state.get_fusion().config, split=split,
                                      progress=progress)
    except InterestLensError as exc:
        st.error(t("evaluate.failed", reason=md_escape(str(exc))))
        return
    st.success(t("evaluate.done", seconds=f"{time.perf_counter() - started:.1f}"))
    st.session_state[REPORT_KEY] = tv.StoredRun(dataset.fingerprint, report)


def _draw_report(report: TypedCasesReport) -> None:
    """The methods table, the Recall@k chart, the paired comparisons, the bookkeeping and the downloads."""
    st.subheader(t("evaluate.cases.results", n=report.n_cases, split=md_escape(tv.split_name(report.split, t))))
    st.caption(t("evaluate.cases.source", source=md_escape(report.source), seconds=f"{report.seconds:.1f}"))
    st.caption(t("evaluate.cases.weights", weights=weights_text(report.config, lambda c: t(f"tuning.channel.{c}"))))
    st.dataframe(tv.methods_frame(report, t), hide_index=True, width="stretch", key=PREFIX + "table")
    st.caption(t("evaluate.cases.table_note", k=max(report.ks)))
    st.plotly_chart(tv.recall_chart(report, t), key=PREFIX + "chart")
    if report.comparisons:
        st.markdown(f"**{t('evaluate.cases.comparisons')}**")
        st.dataframe(tv.comparisons_frame(report, t), hide_index=True, width="stretch", key=PREFIX + "comparisons")
        for verdict in tv.verdicts(report, t):
            st.caption(verdict)
    named = report.named
    st.caption(t("evaluate.cases.counts", cases=report.n_cases, skipped=report.n_skipped,
                 named=f"{named.get('mean_named', 0.0):.2f}", recognised=f"{named.get('mean_recognised', 0.0):.2f}",
                 removed=named.get("n_targets_named", 0)))
    st.caption(t("evaluate.cases.kinds", counts=tv.kinds_text(report, t)))
    if report.undecomposed:
        st.caption(t("evaluate.cases.undecomposed", n=len(report.undecomposed)))
    unresolved = report.cases.get("unresolved", [])
    if unresolved:
        with st.expander(t("evaluate.cases.unresolved_run", n=len(unresolved))):
            _draw_unresolved(unresolved, "run_unresolved")
    c1, c2 = st.columns(2)
    c1.download_button(t("evaluate.cases.export_json"), tv.report_json(report), file_name="typed_interests.json",
                       mime="application/json", key=PREFIX + "dl_json")
    c2.download_button(t("evaluate.cases.export_md"), tv.report_markdown(report), file_name="typed_interests.md",
                       mime="text/markdown", key=PREFIX + "dl_md")


def draw_typed_cases_tab(dataset: Dataset) -> None:
    """Draw the tab: upload + template, the loaded file's bookkeeping, settings and run, the last report."""
    st.caption(t("evaluate.cases.intro"))
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    uploaded = c1.file_uploader(t("evaluate.cases.file"), type=["json"], key=FILE_KEY,
                                help=t("evaluate.cases.file_help"))
    c2.download_button(t("evaluate.cases.template"), _template(dataset, dataset.fingerprint, current_lang()),
                       file_name="cases_template.json", mime="application/json", key=PREFIX + "template",
                       help=t("evaluate.cases.template_help"))
    cases = _load(uploaded.getvalue(), uploaded.name, dataset) if uploaded is not None else None
    if cases is not None:
        _draw_loaded(cases)
        if _draw_controls(cases):
            _run(dataset, cases)
    saved = st.session_state.get(REPORT_KEY)
    if isinstance(saved, tv.StoredRun) and saved.dataset_fp == dataset.fingerprint:
        _draw_report(saved.report)
    elif uploaded is None:
        st.info(t("evaluate.cases.need_file"))
