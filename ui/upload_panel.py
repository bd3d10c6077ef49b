"""The Data page's upload widgets and validation reports, drawn with Streamlit.

Parsing is :func:`core.data.readers.read_table` (once per upload, kept in the session), column roles are
guessed by :func:`core.data.mapping.guess_mapping`; translations and tables come from :mod:`ui.data_views`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from core.common.errors import DataError, InterestLensError
from core.data.cells import parse_numbers, trimmed_cells
from core.data.confidence import SIGNAL_KINDS
from core.data.events import parse_event_weights
from core.data.mapping import ROLES, guess_mapping
from core.data.readers import read_table
from core.data.signal import Signal, guess_signal
from core.data.table import RawTable
from ui.data_views import (
    counts_table,
    delimiter_label,
    error_text,
    guessed_index,
    notice_text,
    preview_frame,
    problems_table,
    rejected_csv,
    rejected_table,
    role_label,
    shown_caption,
)
from ui.i18n import current_lang, fmt_number, t
from ui.safe import md_escape

PREVIEW_ROWS = 10
DEFAULT_EVENT_WEIGHTS_TEXT = "view=1,favourite=2,cart=3,purchase=5"
_SIGNAL_CACHE = "_data_signal_guesses"  # (file key, value column, event column) -> preview
_RAW_CACHE = "_data_raw_tables"  # file key -> RawTable | error text (only the current uploads are kept)


def file_key(upload: UploadedFile) -> str:
    """Identity of one upload (a re-upload of the same file is a new one)."""
    return f"{getattr(upload, 'file_id', '')}:{upload.name}:{upload.size}"


def raw_table(upload: UploadedFile, keep: set[str]) -> RawTable | str:
    """Parse an uploaded file once per upload; the error text in the UI language if it cannot be read."""
    cache: dict[str, RawTable | str] = st.session_state.setdefault(_RAW_CACHE, {})
    key = file_key(upload)
    if key not in cache:
        with st.spinner(t("data.reading", name=md_escape(upload.name))):
            try:
                cache[key] = read_table(upload.getvalue(), name=upload.name)
            except DataError as exc:
                cache[key] = error_text(exc)
    for old in [k for k in cache if k not in keep | {key}]:
        del cache[old]
    return cache[key]


def file_summary(raw: RawTable, user_column: str | None = None, key: str | None = None) -> None:
    """Format, encoding, delimiter, size, and a preview of the first rows; with ``user_column`` (pseudonymisation
    on) that column shows pseudonyms under ``key`` (or a mask while there is no key)."""
    st.caption(
        t(
            "data.file_info",
            fmt=raw.file_format,
            enc=md_escape(raw.encoding),
            delim=md_escape(delimiter_label(raw.delimiter)),
            rows=fmt_number(raw.rows_total),
            cols=len(raw.columns),
        )
    )
    with st.expander(t("data.preview", n=PREVIEW_ROWS)):
        head = raw.table.slice(0, PREVIEW_ROWS).to_pandas()
        head.columns = pd.Index(raw.columns, dtype=object)
        if user_column:
            st.caption(t("data.preview_hidden"))
        st.dataframe(preview_frame(head, user_column, key), hide_index=True)


def mapping_widgets(raw: RawTable, kind: str, file_key: str) -> dict[str, str]:
    """One selectbox per role, prefilled by guess_mapping; returns role -> column ("" = not used)."""
    guess = guess_mapping(raw.columns, kind)  # type: ignore[arg-type]
    options = ["", *raw.columns]
    roles = ROLES[kind]
    chosen: dict[str, str] = {}
    none_label = t("data.none")  # resolved now: format_func may be called outside this run
    cols = st.columns(min(len(roles), 5))
    for i, role in enumerate(roles):
        with cols[i % len(cols)]:
            chosen[role] = (
                st.selectbox(
                    role_label(role),
                    options,
                    index=guessed_index(options, guess.get(role)),
                    format_func=lambda c: none_label if c == "" else c,
                    key=f"map:{kind}:{role}:{file_key}",
                    placeholder=t("app.choose_one"),
                )
                or ""
            )
    return chosen


def show_report(view: dict[str, Any], idx: int) -> None:
    """One file's validation report: counts, problems by reason, the problems and rejected rows the report kept
    (with "showing the first N of M" when it kept fewer), and the download of every rejected row."""
    st.markdown(f"**{t('data.kind.' + view['kind'])}**: {md_escape(view['name'])}")
    cols = st.columns(3)
    cols[0].metric(t("data.rows_total"), fmt_number(view["rows_total"]))
    cols[1].metric(t("data.rows_loaded"), fmt_number(view["rows_loaded"]))
    cols[2].metric(t("data.rows_rejected"), fmt_number(view["rows_rejected"]))
    for notice in view.get("notices", ()):  # e.g. which day/month order the dates were read in, and why
        st.info(md_escape(notice_text(notice)))
    problems = view["problems"]
    if not problems and not view["rows_rejected"]:
        st.success(t("data.no_problems"))
        return
    shown = shown_caption(view)
    if shown:
        st.caption(shown)
    left, right = st.columns([1, 2])
    with left:
        st.caption(t("data.problem_counts"))
        st.dataframe(counts_table(view["tally"]), hide_index=True)
        if view["rows_rejected"]:
            stem = view["name"].rsplit(".", 1)[0] or "data"
            lang = current_lang()
            st.download_button(
                t("data.download_rejected_all", total=f"{view['rows_rejected']:,}"),
                lambda: rejected_csv(view, lang),  # built when clicked: the file may hold millions of rows
                file_name=f"{stem}_rejected.csv",
                mime="text/csv",
                key=f"download_rejected_{idx}",
                on_click="ignore",
            )
    with right:
        st.caption(t("data.problems"))
        st.dataframe(problems_table(problems), hide_index=True)
        if view["problems_total"] > len(problems):
            st.caption(t("data.problems_shown", n=f"{len(problems):,}", total=f"{view['problems_total']:,}"))
    if view["rows_rejected"]:
        with st.expander(t("data.rejected_rows")):
            if shown:
                st.caption(shown)
            st.dataframe(rejected_table(view), hide_index=True)


SignalPreview = Signal | dict[str, int]
"""What the upload form shows before loading: the guessed :class:`Signal` of the value column, or for an
event log (no value column, an event type column) its figures (``events``, ``types``)."""


def signal_preview(raw: RawTable, inter_map: dict[str, str]) -> SignalPreview:
    """The signal guessed from the mapped value column (unparseable cells left out), or an event log's figures."""
    rating, event = inter_map.get("rating") or "", inter_map.get("event") or ""
    if rating and rating in raw.columns:
        numbers = parse_numbers(trimmed_cells(raw, rating))
        return guess_signal(numbers.values)
    if event and event in raw.columns:
        types = trimmed_cells(raw, event)
        return {"events": int(raw.n_rows), "types": len(pd.unique(types.to_numpy(zero_copy_only=False)))}
    return guess_signal(None)


def signal_text(preview: SignalPreview, lang: str | None = None, template: str = "data.signal.guess") -> str:
    """The guess and its reason in the UI language, e.g. "Guessed Explicit ratings: 10 distinct values …"
    (``template``: the catalogue sentence with ``{kind}`` and ``{why}``, e.g. the loaded dataset's)."""
    if not isinstance(preview, Signal):
        return t("data.signal.events_preview", lang, **preview)
    why = t(f"data.signal.reason.{preview.reason}", lang, **preview.figure_map())
    if preview.scale is not None:
        low, high = preview.scale
        why += "；" if (lang or current_lang()) == "zh" else "; "
        why += t("data.signal.scale", lang, low=f"{low:g}", high=f"{high:g}")
    return t(template, lang, kind=t(f"data.signal.kind.{preview.kind}", lang), why=why)


def signal_widgets(
    raw: RawTable, inter_map: dict[str, str], file_key: str
) -> tuple[str, dict[str, float] | None, bool]:
    """The value column's kind (defaulting to the guess, its reason shown) and, for an event log, the event type
    weights; returns (signal for ``load_dataset``: ``auto`` or a kind, weights or None, whether they are usable)."""
    cache: dict[tuple[str, str, str, str], SignalPreview] = st.session_state.setdefault(_SIGNAL_CACHE, {})
    key = (file_key, inter_map.get("rating") or "", inter_map.get("event") or "", str(raw.n_rows))
    if key not in cache:
        cache.clear()  # one upload at a time
        cache[key] = signal_preview(raw, inter_map)
    preview = cache[key]
    guessed = preview.kind if isinstance(preview, Signal) else "count"
    labels = {k: t(f"data.signal.kind.{k}") for k in SIGNAL_KINDS}
    labels[guessed] = t("data.signal.guessed", kind=labels[guessed])
    chosen = st.selectbox(
        t("data.signal"), list(SIGNAL_KINDS), index=list(SIGNAL_KINDS).index(guessed),
        format_func=lambda k: labels.get(k, k), help=t("data.signal_help"),
        key=f"signal:{file_key}:{key[1]}:{key[2]}", placeholder=t("app.choose_one"),
    ) or guessed
    st.caption(md_escape(signal_text(preview)))
    weights: dict[str, float] | None = None
    ok = True
    if not isinstance(preview, Signal):
        text = st.text_input(t("data.event_weights"), value=DEFAULT_EVENT_WEIGHTS_TEXT,
                             help=t("data.event_weights_help"), key=f"event_weights:{file_key}")
        try:
            weights = parse_event_weights(text)
        except InterestLensError as exc:
            st.warning(t("data.event_weights_bad", error=md_escape(str(exc))))
            ok = False
    return ("auto" if chosen == guessed else chosen), weights, ok


DATE_ORDER_CHOICES: tuple[str, ...] = ("auto", "dmy", "mdy", "ymd")
"""How text dates in the timestamp column are read: detected per column, day-first, month-first, year-first."""


def date_order_widget(raw: RawTable, inter_map: dict[str, str], file_key: str) -> RawTable:
    """When a timestamp column is mapped, the date order to read it with (default: detected, the same as the CLI's
    ``--date-format``); returns ``raw`` set to read dates that way (a copy: the parsed upload stays cached as is)."""
    if not inter_map.get("timestamp"):
        return raw
    labels = {k: t(f"data.date_choice.{k}") for k in DATE_ORDER_CHOICES}  # in this run's language, resolved now
    order = st.selectbox(
        t("data.date_order"), list(DATE_ORDER_CHOICES), format_func=lambda k: labels.get(k, k),
        help=t("data.date_order_help"), key=f"date_order:{file_key}", placeholder=t("app.choose_one"),
    ) or "auto"
    return raw if order == raw.date_format else replace(raw, date_format=order)
