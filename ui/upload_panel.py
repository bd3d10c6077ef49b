"""The Data page's upload widgets and validation reports, drawn with Streamlit.

Parsing is :func:`core.data.readers.read_table` (once per upload, kept in the session), column roles are
guessed by :func:`core.data.mapping.guess_mapping`; translations and tables come from :mod:`ui.data_views`.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from core.common.errors import DataError
from core.data.mapping import ROLES, guess_mapping
from core.data.readers import read_table
from core.data.table import RawTable
from ui.data_views import (
    MAX_PROBLEMS_SHOWN,
    counts_table,
    delimiter_label,
    error_text,
    guessed_index,
    problems_table,
    rejected_csv,
    role_label,
)
from ui.i18n import fmt_number, t
from ui.safe import md_escape

PREVIEW_ROWS = 10
_RAW_CACHE = "_data_raw_tables"  # file key -> RawTable | error text (only the current uploads are kept)


def file_key(upload: UploadedFile) -> str:
    """Identity of one upload (a re-upload of the same file is a new one)."""
    return f"{getattr(upload, 'file_id', '')}:{upload.name}:{upload.size}"


def raw_table(upload: UploadedFile, keep: set[str]) -> RawTable | str:
    """Parse an uploaded file once per upload; the error text in the UI language if it cannot be read."""
    cache: dict[str, RawTable | str] = st.session_state.setdefault(_RAW_CACHE, {})
    key = file_key(upload)
    if key not in cache:
        with st.spinner(t("data.reading", name=upload.name)):
            try:
                cache[key] = read_table(upload.getvalue(), name=upload.name)
            except DataError as exc:
                cache[key] = error_text(exc)
    for old in [k for k in cache if k not in keep | {key}]:
        del cache[old]
    return cache[key]


def file_summary(raw: RawTable) -> None:
    """Format, encoding, delimiter, size, and a preview of the first rows."""
    st.caption(
        t(
            "data.file_info",
            fmt=raw.file_format,
            enc=raw.encoding,
            delim=delimiter_label(raw.delimiter),
            rows=fmt_number(raw.rows_total),
            cols=len(raw.columns),
        )
    )
    with st.expander(t("data.preview", n=PREVIEW_ROWS)):
        st.dataframe(raw.frame.head(PREVIEW_ROWS), hide_index=True)


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
                )
                or ""
            )
    return chosen


def show_report(view: dict[str, Any], idx: int) -> None:
    """One file's validation report: counts, problems by reason, the problem rows, the rejected-rows download."""
    st.markdown(f"**{t('data.kind.' + view['kind'])}**: {md_escape(view['name'])}")
    cols = st.columns(3)
    cols[0].metric(t("data.rows_total"), fmt_number(view["rows_total"]))
    cols[1].metric(t("data.rows_loaded"), fmt_number(view["rows_loaded"]))
    cols[2].metric(t("data.rows_rejected"), fmt_number(view["rows_rejected"]))
    problems = view["problems"]
    if not problems:
        st.success(t("data.no_problems"))
        return
    left, right = st.columns([1, 2])
    with left:
        st.caption(t("data.problem_counts"))
        st.dataframe(counts_table(problems), hide_index=True)
        if view["rejected_csv"]:
            stem = view["name"].rsplit(".", 1)[0] or "data"
            st.download_button(
                t("data.download_rejected"),
                rejected_csv(view),
                file_name=f"{stem}_rejected.csv",
                mime="text/csv",
                key=f"download_rejected_{idx}",
                on_click="ignore",
            )
    with right:
        st.caption(t("data.problems"))
        st.dataframe(problems_table(problems), hide_index=True)
        if len(problems) > MAX_PROBLEMS_SHOWN:
            st.caption(
                t("data.problems_shown", n=fmt_number(MAX_PROBLEMS_SHOWN), total=fmt_number(len(problems)))
            )
