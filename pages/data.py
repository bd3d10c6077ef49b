"""Data page: upload interactions (+ item metadata), map columns, validate, load; statistics of the
current dataset. All parsing and validation is :mod:`core.data.loaders` (the CLI's ``ingest`` runs the same code).
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from core.common.errors import ConfigError, DataError
from core.data.dataset import Dataset
from core.data.loaders import load_dataset
from core.data.mapping import guess_mapping
from core.data.report import NothingLoadedError
from core.data.table import RawTable
from ui import state
from ui.data_views import (
    INTERACTION_TYPES,
    ITEM_TYPES,
    error_text,
    forget_rejected_files,
    report_view,
    role_label,
    stats_figures,
)
from ui.embeddings_panel import render_embeddings_panel, render_item_neighbours
from ui.i18n import current_lang, fmt_date, fmt_number, t
from ui.index_panel import render_index_setting
from ui.resources import get_dataset, register_dataset
from ui.safe import md_escape
from ui.shell import ensure_app_shell
from ui.upload_panel import (
    date_order_widget,
    file_key,
    file_summary,
    mapping_widgets,
    raw_table,
    show_report,
    signal_text,
    signal_widgets,
)
from ui.widgets import dataset_label

ensure_app_shell()


def _load(
    raw_inter: RawTable,
    raw_items: RawTable | None,
    inter_map: dict[str, str],
    item_map: dict[str, str] | None,
    name: str,
    pseudonymise_key: str | None = None,
    signal: str = "auto",
    event_weights: dict[str, float] | None = None,
) -> None:
    """Run core.data.loaders.load_dataset with a progress bar; register the dataset in the workspace (it survives
    restarts); keep the reports (bounded views; the previous load's rejected-rows files are deleted)."""
    previous = state.get_load()
    if previous is not None:
        forget_rejected_files(previous.reports)
    with st.status(t("data.loading"), expanded=True) as status:
        bar = st.progress(0.0, text=t("data.progress", pct=0))

        def _progress(fraction: float, message: str) -> None:
            bar.progress(fraction, text=t("data.progress", pct=int(fraction * 100)))

        try:
            dataset, inter_report, item_report = load_dataset(
                raw_inter,
                raw_items,
                name=name,
                interaction_mapping=inter_map,
                item_mapping=item_map,
                pseudonymise_key=pseudonymise_key,
                progress=_progress,
                signal=signal,
                event_weights=event_weights,
            )
        except NothingLoadedError as exc:
            state.set_load(state.LoadOutcome(error_text(exc), tuple(report_view(r) for r in exc.reports)))
            status.update(label=t("data.load_failed"), state="error")
            return
        except (DataError, ConfigError) as exc:
            state.set_load(state.LoadOutcome(error_text(exc)))
            status.update(label=t("data.load_failed"), state="error")
            return
        views = [report_view(inter_report)] + ([report_view(item_report)] if item_report is not None else [])
        sources = [raw_inter.name] + ([raw_items.name] if raw_items is not None else [])
        register_dataset(dataset, source_files=sources, mapping={"interactions": inter_map, "items": item_map})
        save_error = st.session_state.get("dataset_saved")
        message = t("data.loaded", rows=fmt_number(dataset.interactions.shape[0]), users=fmt_number(dataset.n_users),
                    items=fmt_number(dataset.n_items))
        saved = t("ws.save_failed", error=md_escape(save_error)) if save_error else t("ws.saved")
        state.set_load(state.LoadOutcome(None, tuple(views), message, saved, not save_error))
        status.update(label=message, state="complete")
    st.rerun()


def _upload_section() -> None:
    limit = st.get_option("server.maxUploadSize")
    left, right = st.columns(2)
    inter_file = left.file_uploader(
        t("data.inter_file"),
        type=INTERACTION_TYPES,
        help=t("data.upload_help", mb=limit),
        key="data_inter_file",
    )
    items_file = right.file_uploader(
        t("data.items_file"), type=ITEM_TYPES, help=t("data.upload_help", mb=limit), key="data_items_file"
    )
    keep = {file_key(f) for f in (inter_file, items_file) if f is not None}
    raw_inter = raw_table(inter_file, keep) if inter_file is not None else None
    raw_items = raw_table(items_file, keep) if items_file is not None else None
    with left:
        if isinstance(raw_inter, str):
            st.error(md_escape(raw_inter))
        elif raw_inter is not None and inter_file is not None:
            # the privacy choice is drawn below the preview: read it (and the user column) from the last run
            hidden = None
            if st.session_state.get("data_pseudonymise"):
                user_key = f"map:interactions:user:{file_key(inter_file)}"
                hidden = st.session_state.get(user_key, guess_mapping(raw_inter.columns, "interactions").get("user"))
            file_summary(raw_inter, hidden, st.session_state.get("data_pseudonymise_key") or None)
    with right:
        if isinstance(raw_items, str):
            st.error(md_escape(raw_items))
        elif raw_items is not None:
            file_summary(raw_items)

    if isinstance(raw_inter, RawTable) and inter_file is not None:
        st.subheader(t("data.mapping"))
        st.caption(t("data.mapping_help"))
        st.markdown(f"**{t('data.mapping_inter')}**")
        inter_map = mapping_widgets(raw_inter, "interactions", file_key(inter_file))
        item_map = None
        if isinstance(raw_items, RawTable) and items_file is not None:
            st.markdown(f"**{t('data.mapping_items')}**")
            item_map = mapping_widgets(raw_items, "items", file_key(items_file))
        missing = [r for r in ("user", "item") if not inter_map.get(r)]
        if item_map is not None and not item_map.get("item"):
            missing.append("item")
        for role in missing:
            st.warning(t("data.required_missing", role=role_label(role)))
        signal, event_weights, weights_ok = signal_widgets(raw_inter, inter_map, file_key(inter_file))
        to_load = date_order_widget(raw_inter, inter_map, file_key(inter_file))
        pseudonymise = st.checkbox(
            t("privacy.pseudonymise"), key="data_pseudonymise", help=t("privacy.pseudonymise_help")
        )
        secret = ""
        if pseudonymise:
            secret = st.text_input(
                t("privacy.key"), type="password", key="data_pseudonymise_key", help=t("privacy.key_help")
            )
            if not secret:
                st.warning(t("privacy.key_missing"))
        items_ok = raw_items is None or isinstance(raw_items, RawTable)
        blocked = bool(missing) or not items_ok or (pseudonymise and not secret) or not weights_ok
        if st.button(t("data.load"), type="primary", disabled=blocked, key="data_load"):
            _load(
                to_load,
                raw_items if isinstance(raw_items, RawTable) else None,
                inter_map,
                item_map,
                inter_file.name,
                pseudonymise_key=secret if pseudonymise else None,
                signal=signal,
                event_weights=event_weights,
            )

    last = state.get_load()
    if last is not None:
        st.subheader(t("data.report_header"))
        if last.error:
            st.error(md_escape(last.error))  # error_text quotes file and column names
        elif last.message:
            st.success(last.message)
            if last.saved:
                (st.caption if last.saved_ok else st.warning)(last.saved)
        for i, view in enumerate(last.reports):
            show_report(view, i)


@st.cache_data(show_spinner=False, max_entries=8)
def _figures(fingerprint: str, lang: str, _dataset: Dataset) -> dict[str, go.Figure | str]:
    return stats_figures(_dataset, lang)


def _stats_section() -> None:
    with st.spinner(t("app.loading_dataset")):
        ds = get_dataset()
    st.subheader(t("data.stats_header", name=md_escape(dataset_label(ds))))
    st.caption(md_escape(signal_text(ds.signal, template="data.stats.signal")))
    stats = ds.stats()
    cols = st.columns(5)
    cols[0].metric(t("data.stats.interactions"), fmt_number(stats["interactions"]))
    cols[1].metric(t("data.stats.users"), fmt_number(stats["users"]))
    cols[2].metric(t("data.stats.items"), fmt_number(stats["items"]))
    cols[3].metric(t("data.stats.density"), f"{stats['density']:.3%}")
    span = (
        "—"
        if stats["time_min"] != stats["time_min"]
        else (f"{fmt_date(stats['time_min'])} – {fmt_date(stats['time_max'])}")
    )
    cols[4].metric(t("data.stats.span"), span)
    figures = _figures(ds.fingerprint, current_lang(), ds)
    for left_key, right_key in (("per_user", "per_item"), ("ratings", "activity"), ("categories", "tags")):
        left, right = st.columns(2)
        for col, key in ((left, left_key), (right, right_key)):
            with col:
                fig = figures[key]
                if isinstance(fig, str):
                    st.info(fig)
                else:
                    st.plotly_chart(fig, key=f"data_chart_{key}")


def main() -> None:
    """Draw the page."""
    st.header(t("data.header"))
    st.caption(t("data.intro"))
    tab_upload, tab_stats, tab_emb = st.tabs([t("data.tab_upload"), t("data.tab_stats"), t("data.tab_embeddings")])
    with tab_upload:
        _upload_section()
    with tab_stats:
        _stats_section()
    with tab_emb:
        dataset = get_dataset()
        render_embeddings_panel(dataset)
        render_index_setting()
        render_item_neighbours(dataset)


main()
