"""The Map page's controls and tables, drawn with Streamlit (what they show comes from :mod:`ui.map_views`).

Keys: ``map_pick`` (the clicked or found point's key), ``map_lasso`` (keys of a box / lasso selection) and
the widgets (``map_``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.common.csv_safe import csv_bytes
from core.data.dataset import Dataset
from core.vectors.maps import ProjectionMap
from ui import map_views as mv
from ui.i18n import t
from ui.map_figures import Layer, Overlay, item_key, parse_key, user_key

PICK, LASSO = "map_pick", "map_lasso"
DEFAULT_ITEMS_SHOWN = 3000
DEFAULT_USERS_SHOWN = 300


def _on_find() -> None:
    if st.session_state.get("map_find"):
        st.session_state[PICK] = st.session_state["map_find"]


def _clear() -> None:
    st.session_state[PICK] = None
    st.session_state[LASSO] = []
    st.session_state["map_find"] = None


@dataclass(frozen=True)
class View:
    """What the controls asked for."""

    colour: str
    n_items: int
    n_users: int
    k: int
    pool: str
    show_recs: bool


def controls_panel(ds: Dataset, pm: ProjectionMap, items: Layer, user_ids: list[str]) -> View:
    """Colour, sample sizes, k, find a point, neighbour pool, recommendations on/off, clear (short labels, the
    detail in ``help``; the finder's placeholder comes from the catalogue)."""
    n_users_max = len(pm.user_idx)
    c1, c2, c3, c4 = st.columns([1.3, 1, 1, 1])
    # format_func must not read session state (AppTest calls it outside the script run): labels now
    colour_labels = {o: t(f"map.colour.{o}") for o in ("category", "cluster", "popularity", "score")}
    colour = c1.selectbox(t("map.colour"), list(colour_labels), format_func=colour_labels.__getitem__,
                          placeholder=t("map.colour_placeholder"), key="map_colour")
    # the lower bound stays below the item count: a slider whose min equals its max raises (catalogues < 100)
    n_items = c2.slider(t("map.items_shown"), min(100, max(1, ds.n_items // 2)), ds.n_items,
                        min(DEFAULT_ITEMS_SHOWN, ds.n_items), step=max(1, min(100, ds.n_items // 20)),
                        help=t("map.sample_help"), key="map_items_shown")
    n_users = c3.slider(t("map.users_shown"), 0, max(1, n_users_max), min(DEFAULT_USERS_SHOWN, n_users_max),
                        help=t("map.sample_help"), key="map_users_shown", disabled=n_users_max == 0)
    k = c4.slider(t("map.k"), 3, 50, 10, key="map_k")
    c5, c6, c7, c8 = st.columns([2, 1.2, 1, 0.8])
    options = [item_key(i) for i in range(ds.n_items)] + [user_key(int(u)) for u in pm.user_idx]
    user_label, titles = t("map.user_label", id="{id}"), items.title

    def _label(key: str) -> str:
        kind, idx = parse_key(key) or ("item", 0)
        return titles[idx] if kind == "item" else user_label.format(id=user_ids[idx])

    c5.selectbox(t("map.find"), options, index=None, format_func=_label, key="map_find", on_change=_on_find,
                 placeholder=t("map.find_placeholder"))
    pool_labels = {p: t(f"map.pool.{p}") for p in ("items", "users")}
    pool = c6.radio(t("map.neighbour_pool"), list(pool_labels), format_func=pool_labels.__getitem__,
                    horizontal=True, key="map_pool", disabled=n_users_max == 0)
    show_recs = c7.toggle(t("map.recs_toggle"), value=True, help=t("map.recs_toggle_help"), key="map_show_recs")
    c8.button(t("map.clear"), on_click=_clear, key="map_clear")
    return View(str(colour), int(n_items), int(n_users), int(k), str(pool or "items"), bool(show_recs))


def tables_panel(ds: Dataset, pm: ProjectionMap, items: Layer, overlay: Overlay, nb_keys: list[str],
            nb_sims: np.ndarray, lasso: list[str]) -> None:
    """The picked point's neighbours and the lasso selection (with a formula-safe CSV download)."""
    if overlay.selected is None or not len(overlay.selected):
        st.info(t("map.no_pick"))
    else:
        st.subheader(t("map.neighbours_header", k=len(nb_keys)))
        st.text(t("map.selected_point", name=overlay.selected.title[0]))
        summary = mv.user_summary(ds, ds.fingerprint)
        st.dataframe(mv.neighbour_frame(ds, items, summary, nb_keys, nb_sims, t), hide_index=True,
                     key="map_neighbours_table")
    chosen = mv.indices(lasso, "item")
    st.subheader(t("map.lasso_header", n=len(chosen)))
    if not chosen:
        st.caption(t("map.lasso_hint"))
        return
    table = mv.selection_frame(ds, pm, chosen)
    st.dataframe(table.rename(columns={c: t(f"map.col.{c}") for c in table.columns}), hide_index=True,
                 key="map_lasso_table")
    st.download_button(t("map.download"), csv_bytes(table), file_name="map_selection.csv", mime="text/csv",
                       key="map_download")
    if mv.indices(lasso, "user"):
        st.caption(t("map.lasso_users", n=len(mv.indices(lasso, "user"))))
