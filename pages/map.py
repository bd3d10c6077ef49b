"""Map page: items, users and typed interests on one UMAP map, linked to hnswlib neighbours.

The projection comes from ``ui.resources.get_projection_map``; layers, neighbours, interest markers, colour
values, the display sample and the tables from :mod:`ui.map_views`; ranked lists from ``Engine.recommend``
(:mod:`ui.ranking`) with the shared fusion state. This page picks what to show and draws it.

State: reads ``InterestsState`` (typed interests to place, and to rank: the recommendations layer is the list
the Interests page's current interests produce, ranked here through the same ``ui.ranking`` path with the same
k) and ``FusionState`` (weights, filter, shared user) from :mod:`ui.state`; a user picked on the map shows that
user's list instead, and the legend says whose list it is. Its own keys: ``map_pick`` (the clicked point's key),
``map_lasso`` (keys of a box/lasso selection) and the widgets (``map_``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import streamlit as st

from core.common.errors import InterestLensError
from core.engine import Engine
from core.vectors.projection import TRUST_NEIGHBOURS, TRUST_SAMPLE, ProjectionParams
from ui import map_views as mv
from ui import state
from ui.i18n import fmt_number, t
from ui.map_figures import (
    ColourMode,
    Layer,
    Overlay,
    item_key,
    map_figure,
    selected_keys,
    trace_keys,
)
from ui.map_panels import LASSO, PICK, View, controls_panel, tables_panel
from ui.ranking import fused_scores, recommend
from ui.resources import ensure_ready, get_dataset, get_engine, get_projection_map
from ui.safe import md_escape
from ui.shell import ensure_app_shell

ensure_app_shell()

CHART, TRACE_KEYS = "map_chart", "_map_trace_keys"
LEGEND = ("items", "users", "other", "category", "tags", "neighbours", "selected", "interest",
          "avoid", "composed", "similarity", "rank", "none")


def _on_select() -> None:
    """Copy the chart's selection into our own state (the chart's state resets when its figure changes)."""
    chart = st.session_state.get(CHART)
    selection = chart.get("selection") if isinstance(chart, Mapping) else None
    if not selection:
        return
    keys = selected_keys(selection, st.session_state.get(TRACE_KEYS))
    if selection.get("box") or selection.get("lasso"):
        st.session_state[LASSO] = keys
    elif keys:
        st.session_state[PICK] = keys[0]


def _shown_list(engine: Engine, view: View, source: mv.RecsSource) -> np.ndarray:
    """The recommendations to draw: ``source``'s top k (k of the Interests page) from ``Engine.recommend``."""
    if not view.show_recs or source.query is None:
        return np.zeros(0, dtype=np.int64)
    with st.spinner(t("map.recs_computing")):
        rec = recommend(ensure_ready(engine), source.query, state.get_fusion(), int(state.get_interests().k),
                        explain=False)
    return np.asarray(rec.result.items, dtype=np.int64)


def _colour(engine: Engine, items: Layer, view: View, picked_user: str | None, source: mv.RecsSource
            ) -> tuple[ColourMode, str, list[int]]:
    """Set ``items.colour``; returns (colour mode, colour-bar title, items that must be drawn)."""
    ds = engine.dataset
    if view.colour == "cluster" and picked_user is not None:
        with st.spinner(t("map.clusters_computing")):
            items.colour, members = mv.cluster_labels(engine, picked_user, t("map.cluster_outside"))
        return "categorical", t("map.colour.cluster"), members
    if view.colour == "cluster":
        st.info(t("map.cluster_unavailable"))
    if view.colour == "popularity":
        items.colour = np.log1p(ds.item_popularity.astype(float))
        return "continuous", t("map.colour.popularity"), []
    if view.colour == "score" and source.query is not None:
        with st.spinner(t("map.recs_computing")):
            items.colour = fused_scores(ensure_ready(engine), source.query, state.get_fusion())
        return "continuous", t("map.colour.score"), []
    if view.colour == "score":
        st.info(t("map.score_unavailable"))
    items.colour = ds.items["category"].astype(str).tolist()
    return "categorical", t("map.colour.category"), []


def main() -> None:
    """Draw the page."""
    st.header(t("map.header"))
    st.caption(t("map.intro"))
    ds = get_dataset()
    if ds.n_items < 2 * TRUST_NEIGHBOURS + 2:
        st.warning(t("map.too_small", n=2 * TRUST_NEIGHBOURS + 2))
        return
    engine = ensure_ready(get_engine(ds), channels=False)
    with st.expander(t("map.settings")):
        c1, c2 = st.columns(2)
        n_neighbors = c1.slider(t("map.n_neighbors"), 5, 50, 15, help=t("map.n_neighbors_help"), key="map_n_neighbors")
        min_dist = c2.slider(t("map.min_dist"), 0.0, 0.9, 0.1, 0.05, help=t("map.min_dist_help"), key="map_min_dist")
    params = ProjectionParams(n_neighbors=int(n_neighbors), min_dist=float(min_dist))
    try:
        pm = get_projection_map(engine, params)
    except (InterestLensError, ValueError) as exc:
        st.error(t("map.error", err=md_escape(exc)))
        return

    summary = mv.user_summary(ds, ds.fingerprint)
    items, users = mv.layers(ds, pm, summary, t)
    st.session_state.setdefault(PICK, None)
    st.session_state.setdefault(LASSO, [])
    view = controls_panel(ds, pm, items, summary["user_id"].tolist())
    pick = st.session_state.get(PICK)
    parsed = mv.on_map(pick, ds, pm)
    picked_user = str(ds.user_ids[parsed[1]]) if parsed is not None and parsed[0] == "user" else None

    overlay = Overlay()
    nb_keys: list[str] = []
    nb_sims = np.zeros(0)
    if parsed is not None and pick is not None:
        overlay.selected = mv.rows_for([pick], items, users, pm)
        nb_keys, nb_sims = mv.neighbours(engine, pm, parsed[0], parsed[1], view.k, view.pool)
        overlay.neighbours, overlay.neighbour_sims = mv.rows_for(nb_keys, items, users, pm), list(nb_sims)
    source = mv.recs_source(engine, state.get_interests(), state.get_fusion(), picked_user)
    shown = _shown_list(engine, view, source)
    if len(shown):
        overlay.recommended = mv.rows_for([item_key(i) for i in shown], items, users, pm)
        overlay.recommended_rank = list(range(1, len(shown) + 1))
    overlay.interests = mv.interest_markers(state.get_interests().profile, pm, t("map.composed_label"))
    colour_mode, colour_title, coloured = _colour(engine, items, view, picked_user, source)

    lasso = list(st.session_state.get(LASSO, []))
    rec_keys = overlay.recommended.keys if overlay.recommended is not None else []
    sample = mv.display_sample(ds, pm, summary, view.n_items, view.n_users, [pick or "", *nb_keys, *lasso, *rec_keys],
                               coloured)
    fig = map_figure(items.take(sample.item_rows), users.take(sample.user_rows) if len(sample.user_rows) else None,
                     colour_mode=colour_mode, colour_title=colour_title, overlay=overlay,
                     labels={**{k: t(f"map.legend.{k}") for k in LEGEND}, "recommended": mv.recs_label(source, t)},
                     background=t("map.cluster_outside") if coloured else None)
    st.session_state[TRACE_KEYS] = trace_keys(fig)
    st.plotly_chart(fig, key=CHART, on_select=_on_select, selection_mode=("points", "box", "lasso"),
                    config={"scrollZoom": True, "displaylogo": False})
    st.caption(t("map.sample_caption", items=fmt_number(len(sample.item_rows)), n_items=fmt_number(ds.n_items),
                 users=fmt_number(len(sample.user_rows)), n_users=fmt_number(len(pm.user_idx)), strata=sample.strata))
    st.caption(t("map.interests_caption") if overlay.interests else t("map.no_interests"))
    if view.show_recs:  # with nothing typed the layer says so (an info box), never a stale list
        (st.info if source.query is None else st.caption)(mv.recs_caption(source, len(shown), t))
    m1, m2 = st.columns([1, 3])
    trust = pm.trustworthiness
    m1.metric(t("map.trust"), "—" if trust != trust else f"{trust:.3f}", help=t("map.trust_help"))
    m2.caption(t("map.trust_caption", n=fmt_number(min(TRUST_SAMPLE, len(pm.coords))), k=TRUST_NEIGHBOURS))
    m2.caption(t("map.params_caption", n=params.n_neighbors, d=params.min_dist, knn=params.knn,
                 s=f"{pm.timings.get('total', pm.seconds):.1f}"))
    tables_panel(ds, pm, items, overlay, nb_keys, nb_sims, lasso)


main()
