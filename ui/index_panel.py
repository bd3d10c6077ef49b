"""The Data page's neighbour-index setting: hnswlib in this process (default), a Qdrant folder or a Qdrant
server, chosen as an index URI (:mod:`core.vectors.index_uri`, the CLI's ``--index``).

The choice is a deployment setting: it is kept in the workspace (``settings`` key :data:`SETTING_KEY`), so
every page and the next server start use it. A new choice is checked before it is kept: the URI must parse
and the folder or server must open (a server gets a few seconds), so a typo never breaks the pages.
"""

from __future__ import annotations

import streamlit as st

from core.common.errors import InterestLensError
from core.vectors.index_uri import IndexUri, parse_index_uri
from ui.i18n import t
from ui.safe import md_escape

SETTING_KEY = "index_uri"
"""Workspace setting holding the index URI (a string; absent = ``hnsw``)."""
KINDS = ("hnsw", "folder", "server")


def stored_index_uri() -> IndexUri:
    """The workspace's index choice; ``hnsw`` when none is kept or the kept one no longer parses."""
    from ui.resources import workspace

    try:
        return parse_index_uri(str(workspace().get_setting(SETTING_KEY, "hnsw") or "hnsw"))
    except (InterestLensError, OSError, ValueError):
        return IndexUri()


def _kind_of(uri: IndexUri) -> str:
    return "hnsw" if uri.backend == "hnsw" else ("server" if uri.is_url else "folder")


def check_index_uri(text: str) -> IndexUri:
    """Parse ``text`` and open the folder or reach the server it names (raises InterestLensError)."""
    uri = parse_index_uri(text)
    if uri.backend == "qdrant":
        from core.vectors.qdrant_index import client_for

        client_for(uri.location)
    return uri


def render_index_setting() -> None:
    """The setting: current choice, a kind picker, the folder or URL, and a button that checks and keeps it."""
    current = stored_index_uri()
    with st.expander(t("index.header")):
        st.caption(t("index.intro"))
        st.caption(t("index.current", uri=md_escape(str(current))))
        labels = [t(f"index.kind.{k}") for k in KINDS]
        choice = st.radio(t("index.kind"), labels, index=KINDS.index(_kind_of(current)), key="index_kind")
        kind = KINDS[labels.index(choice)] if choice in labels else "hnsw"
        location = ""
        if kind != "hnsw":
            default = current.location if _kind_of(current) == kind else ""
            placeholder = "http://localhost:6333" if kind == "server" else "workspace/qdrant"
            location = st.text_input(t(f"index.location.{kind}"), value=default, placeholder=placeholder,
                                     key=f"index_location_{kind}").strip()
            st.caption(t(f"index.help.{kind}"))
        if st.button(t("index.apply"), key="index_apply"):
            text = "hnsw" if kind == "hnsw" else f"qdrant:{location}"
            try:
                uri = check_index_uri(text)
            except InterestLensError as exc:
                st.error(t("index.invalid", detail=md_escape(str(exc))))
                return
            from ui.resources import workspace

            try:
                workspace().set_setting(SETTING_KEY, str(uri))
            except (InterestLensError, OSError) as exc:
                st.error(t("index.not_saved", detail=md_escape(str(exc))))
                return
            st.success(t("index.saved", uri=md_escape(str(uri))))
