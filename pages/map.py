"""Map page: items, users and typed interests on one UMAP map, linked to hnswlib neighbours.

Everything is computed in ``core``: the projection (:mod:`core.vectors.projection`, via
``ui.resources.get_projection_map``), the display sample (:mod:`core.vectors.sampling`), neighbours (the
engine's hnswlib indexes), recommendations and fused scores (the engine). This page only picks what
to draw, draws it with :mod:`ui.map_figures` and lists it in tables.

Session state it reads: ``interest_profile`` (an ``InterestProfile`` from the Interests page),
``last_recommendations`` and ``fusion_config`` (from the Tuning page). Its own: ``map_pick`` (the
clicked point's key), ``map_lasso`` (keys of a box/lasso selection).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from core.common.errors import InterestLensError
from core.data.dataset import Dataset
from core.ranking.config import FusionConfig
from core.ranking.fusion import ScoreTable, fuse
from core.ranking.query import Query
from core.vectors.documents import aggregate_user_tags
from core.vectors.maps import ProjectionMap
from core.vectors.projection import TRUST_NEIGHBOURS, TRUST_SAMPLE, ProjectionParams
from core.vectors.sampling import stratified_sample
from ui.i18n import fmt_number, t
from ui.map_figures import (
    InterestMarker,
    Layer,
    Overlay,
    RecList,
    item_key,
    map_figure,
    parse_key,
    parse_recommendations,
    safe_csv,
    selected_keys,
    trace_keys,
    user_key,
)
from ui.resources import ensure_ready, get_dataset, get_engine, get_projection_map
from ui.safe import md_escape
from ui.shell import ensure_app_shell

ensure_app_shell()

PICK = "map_pick"
LASSO = "map_lasso"
CHART = "map_chart"
TRACE_KEYS = "_map_trace_keys"
DEFAULT_ITEMS_SHOWN = 3000
DEFAULT_USERS_SHOWN = 300
MIN_PER_STRATUM = 10


# --- cached per-dataset texts ----------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=4)
def _item_texts(_ds: Dataset, fingerprint: str) -> tuple[list[str], list[str], list[str]]:
    """Titles, categories and "genres · #user tags" per item (raw text; escaped when drawn)."""
    user_tags = aggregate_user_tags(_ds, 3)
    tags = []
    for genres, mine in zip(_ds.items["tags"], user_tags, strict=True):
        parts = [", ".join(list(genres)[:4])] if len(genres) else []
        if mine:
            parts.append(" ".join(f"#{tag}" for tag in mine))
        tags.append(" · ".join(parts))
    return _ds.items["title"].astype(str).tolist(), _ds.items["category"].astype(str).tolist(), tags


@st.cache_data(show_spinner=False, max_entries=4)
def _user_summary(_ds: Dataset, fingerprint: str) -> pd.DataFrame:
    """Per user index: id, number of interactions, dominant category and top-3 categories."""
    inter = _ds.interactions[["user_idx", "item_idx"]].copy()
    inter["category"] = _ds.items["category"].to_numpy()[inter["item_idx"].to_numpy()]
    counts = inter.groupby("user_idx").size()
    cats = inter[inter["category"] != ""].groupby(["user_idx", "category"]).size().rename("n").reset_index()
    cats = cats.sort_values(["user_idx", "n", "category"], ascending=[True, False, True])
    top = cats.groupby("user_idx")["category"].apply(lambda s: ", ".join(s.head(3)))
    first = cats.groupby("user_idx")["category"].first()
    frame = pd.DataFrame({"user_id": _ds.user_ids.astype(str)})
    frame["n"] = counts.reindex(range(_ds.n_users), fill_value=0).to_numpy()
    frame["top"] = top.reindex(range(_ds.n_users), fill_value="").to_numpy()
    frame["dominant"] = first.reindex(range(_ds.n_users), fill_value="").to_numpy()
    return frame


# --- reading other pages' state --------------------------------------------------------------------


def _fusion_config() -> FusionConfig:
    config = st.session_state.get("fusion_config")
    return config if isinstance(config, FusionConfig) else FusionConfig()


def _fused_scores(engine: Any, query: Query, config: FusionConfig) -> np.ndarray:
    """The fused score of every eligible item for ``query`` (NaN for excluded/seen items)."""
    table = ScoreTable.from_channel_scores(engine.channel_scores(query))
    plain = dataclasses.replace(config, mmr_lambda=1.0)  # MMR only reorders a top list
    result = fuse(table, plain, k=engine.dataset.n_items, seen=engine.seen_items(query.user_id))
    out = np.full(engine.dataset.n_items, np.nan)
    finite = np.isfinite(result.score)
    out[result.items[finite]] = result.score[finite]
    return out


# --- selection handling ----------------------------------------------------------------------------


def _on_select() -> None:
    """Copy the chart's selection into our own state (the chart's state resets when its figure changes)."""
    state = st.session_state.get(CHART)
    selection = state.get("selection") if isinstance(state, Mapping) else None
    if not selection:
        return
    keys = selected_keys(selection, st.session_state.get(TRACE_KEYS))
    if selection.get("box") or selection.get("lasso"):
        st.session_state[LASSO] = keys
    elif keys:
        st.session_state[PICK] = keys[0]


def _on_find() -> None:
    value = st.session_state.get("map_find")
    if value:
        st.session_state[PICK] = value


def _clear() -> None:
    st.session_state[PICK] = None
    st.session_state[LASSO] = []
    st.session_state["map_find"] = None


# --- page -----------------------------------------------------------------------------------------


def _labels() -> dict[str, str]:
    keys = ("items", "users", "other", "category", "tags", "neighbours", "recommended", "selected",
            "interest", "avoid", "composed", "similarity", "rank", "none")
    return {k: t(f"map.legend.{k}") for k in keys}


def _layers(ds: Dataset, pm: ProjectionMap) -> tuple[Layer, Layer]:
    titles, categories, tags = _item_texts(ds, ds.fingerprint)
    items = Layer([item_key(i) for i in range(ds.n_items)], pm.item_coords, titles, categories, tags)
    summary = _user_summary(ds, ds.fingerprint)
    users_idx = pm.user_idx
    users = Layer(
        [user_key(u) for u in users_idx], pm.user_coords,
        [t("map.user_label", id=summary["user_id"].iat[u]) for u in users_idx],
        [str(summary["top"].iat[u]) for u in users_idx],
        [t("map.user_tags", n=int(summary["n"].iat[u])) for u in users_idx],
    )
    return items, users


def _neighbours(engine: Any, pm: ProjectionMap, kind: str, idx: int, k: int, pool: str
                ) -> tuple[list[str], np.ndarray]:
    """Keys and cosine similarities of the k nearest items/users of a picked point (hnswlib indexes)."""
    vector = engine.item_vectors[idx] if kind == "item" else engine.user_vectors[idx]
    if pool == "items":
        exclude = [idx] if kind == "item" else None
        ids, sims = engine.item_index.query(vector[None, :], k, exclude=exclude)
        pairs = [(item_key(i), s) for i, s in zip(ids[0], sims[0], strict=True) if i >= 0]
    else:
        mapped = set(int(u) for u in pm.user_idx)
        exclude = [idx] if kind == "user" else None
        ids, sims = engine.user_index.query(vector[None, :], k + 5, exclude=exclude)
        pairs = [(user_key(i), s) for i, s in zip(ids[0], sims[0], strict=True)
                 if i >= 0 and int(i) in mapped][:k]
    return [p[0] for p in pairs], np.array([p[1] for p in pairs], dtype=float)


def _rows_for(keys: list[str], items: Layer, users: Layer, pm: ProjectionMap) -> Layer:
    """A layer of the given keys (items and users mixed) with their map coordinates."""
    user_row = pm.user_row()
    parts: list[Layer] = []
    for key in keys:
        parsed = parse_key(key)
        if parsed is None:
            continue
        kind, idx = parsed
        if kind == "item" and 0 <= idx < len(items):
            parts.append(items.take([idx]))
        elif kind == "user" and idx in user_row:
            parts.append(users.take([user_row[idx]]))
    if not parts:
        return Layer([], np.zeros((0, 2), np.float32), [], [], [])
    return Layer([k for p in parts for k in p.keys], np.concatenate([p.xy for p in parts]),
                 [x for p in parts for x in p.title], [x for p in parts for x in p.category],
                 [x for p in parts for x in p.tags])


def _interest_markers(pm: ProjectionMap) -> list[InterestMarker]:
    profile = st.session_state.get("interest_profile")
    tags = [tag for tag in getattr(profile, "tags", []) if getattr(tag, "vector", None) is not None]
    vectors = [np.asarray(tag.vector, dtype=np.float32) for tag in tags]
    kinds: list[str] = ["positive" if int(getattr(tag, "polarity", 1)) > 0 else "negative" for tag in tags]
    labels = [str(tag.text) for tag in tags]
    weights = [float(getattr(tag, "weight", 1.0)) for tag in tags]
    composed = profile.composed_vector() if hasattr(profile, "composed_vector") else None
    if composed is not None:
        vectors.append(np.asarray(composed, dtype=np.float32))
        kinds.append("composed")
        labels.append(t("map.composed_label"))
        weights.append(1.0)
    if not vectors:
        return []
    dim = pm.projector.vectors_.shape[1] if pm.projector is not None else None
    if dim is None or any(v.shape != (dim,) for v in vectors):
        return []
    xy = pm.transform(np.stack(vectors))
    return [InterestMarker(float(x), float(y), label, kind, w)  # type: ignore[arg-type]
            for (x, y), label, kind, w in zip(xy, labels, kinds, weights, strict=True) if np.isfinite(x)]


def _indices(keys: list[str], kind: str) -> list[int]:
    """Indices of the keys of one kind ("item" / "user"); other keys are skipped."""
    parsed = [parse_key(k) for k in keys]
    return [p[1] for p in parsed if p is not None and p[0] == kind]


def _on_map(parsed: tuple[str, int], ds: Dataset, pm: ProjectionMap) -> bool:
    """Whether a parsed key names a point of this map (keys outlive a dataset switch)."""
    kind, idx = parsed
    return idx in pm.user_row() if kind == "user" else 0 <= idx < ds.n_items


@dataclasses.dataclass
class _View:
    """What the controls asked for."""

    colour: str
    n_items: int
    n_users: int
    k: int
    pool: str
    show_recs: bool


def _controls(ds: Dataset, pm: ProjectionMap, items: Layer, summary: pd.DataFrame) -> _View:
    n_users_max = len(pm.user_idx)
    c1, c2, c3, c4 = st.columns([1.3, 1, 1, 1])
    # format_func must not read session state (AppTest calls it outside the script run): labels now
    colour_labels = {o: t(f"map.colour.{o}") for o in ("category", "cluster", "popularity", "score")}
    colour = c1.selectbox(t("map.colour"), list(colour_labels), format_func=colour_labels.__getitem__,
                          key="map_colour")
    # the lower bound stays below the item count: a slider whose min equals its max raises (catalogues < 100)
    n_items = c2.slider(t("map.items_shown"), min(100, max(1, ds.n_items // 2)), ds.n_items,
                        min(DEFAULT_ITEMS_SHOWN, ds.n_items), step=max(1, min(100, ds.n_items // 20)),
                        help=t("map.sample_help"), key="map_items_shown")
    n_users = c3.slider(t("map.users_shown"), 0, max(1, n_users_max), min(DEFAULT_USERS_SHOWN, n_users_max),
                        help=t("map.sample_help"), key="map_users_shown", disabled=n_users_max == 0)
    k = c4.slider(t("map.k"), 3, 50, 10, key="map_k")
    c5, c6, c7, c8 = st.columns([2, 1.2, 1, 0.8])
    options = [item_key(i) for i in range(ds.n_items)] + [user_key(int(u)) for u in pm.user_idx]

    user_label = t("map.user_label", id="{id}")
    titles = items.title
    user_ids = summary["user_id"].tolist()

    def _label(key: str) -> str:
        kind, idx = parse_key(key) or ("item", 0)
        return titles[idx] if kind == "item" else user_label.format(id=user_ids[idx])

    c5.selectbox(t("map.find"), options, index=None, format_func=_label, key="map_find", on_change=_on_find,
                 placeholder=t("map.find_placeholder"))
    pool_labels = {p: t(f"map.pool.{p}") for p in ("items", "users")}
    pool = c6.radio(t("map.neighbour_pool"), list(pool_labels), format_func=pool_labels.__getitem__,
                    horizontal=True, key="map_pool", disabled=n_users_max == 0)
    show_recs = c7.toggle(t("map.recs_toggle"), value=True, key="map_show_recs")
    c8.button(t("map.clear"), on_click=_clear, key="map_clear")
    return _View(str(colour), int(n_items), int(n_users), int(k), str(pool or "items"), bool(show_recs))


def _recommendations(engine: Any, view: _View, picked_user: str | None, recs: RecList | None
                     ) -> tuple[RecList | None, str]:
    """The list to draw and whose it is: the Tuning page's, or the picked user's (computed on demand)."""
    if not view.show_recs:
        return None, ""
    if picked_user is not None and (recs is None or recs.user_id != picked_user):
        with st.spinner(t("map.recs_computing")):
            ready = ensure_ready(engine, channels=True)
            rec = ready.recommend(Query(user_id=picked_user), _fusion_config(), k=view.k, explain=False)
        mine = RecList(rec.result.items, rec.result.score, picked_user, None)
        return mine, t("map.recs_for_user", id=picked_user)
    if recs is not None and len(recs.items):
        who = t("map.recs_for_user", id=recs.user_id) if recs.user_id else t("map.recs_for_last")
        return recs, who
    return None, ""


@st.cache_data(show_spinner=False, max_entries=64)
def _history_clusters(
    _engine: Any, fingerprint: str, model: str, user_id: str
) -> list[tuple[str, list[int]]]:
    """The user's history interests (core.interests.history): (label, member item indices), heaviest first."""
    from core.interests.history import history_interests

    ds = _engine.dataset
    tags = history_interests(ds, _engine.item_vectors, user_id, documents=_engine.documents)
    return [(str(tag.text), [ds.item_index[i] for i in tag.item_ids if i in ds.item_index]) for tag in tags]


def _colour(engine: Any, ds: Dataset, items: Layer, view: _View, query: Query | None,
            picked_user: str | None) -> tuple[str, str, list[int]]:
    """Set ``items.colour``; returns (colour mode, colour-bar title, items that must be drawn)."""
    if view.colour == "cluster" and picked_user is not None:
        with st.spinner(t("map.clusters_computing")):
            clusters = _history_clusters(engine, ds.fingerprint, engine.model, picked_user)
        labels = np.full(ds.n_items, t("map.cluster_outside"), dtype=object)
        members: list[int] = []
        for c, (label, idx) in enumerate(clusters, start=1):
            labels[idx] = f"{c}. {label}"
            members += idx
        items.colour = list(labels)
        return "categorical", t("map.colour.cluster"), members
    if view.colour == "cluster":
        st.info(t("map.cluster_unavailable"))
    if view.colour == "popularity":
        items.colour = np.log1p(ds.item_popularity.astype(float))
        return "continuous", t("map.colour.popularity"), []
    if view.colour == "score" and query is not None:
        with st.spinner(t("map.recs_computing")):
            items.colour = _fused_scores(ensure_ready(engine, channels=True), query, _fusion_config())
        return "continuous", t("map.colour.score"), []
    if view.colour == "score":
        st.info(t("map.score_unavailable"))
    items.colour = ds.items["category"].astype(str).tolist()
    return "categorical", t("map.colour.category"), []


def _neighbour_table(ds: Dataset, items: Layer, summary: pd.DataFrame, overlay: Overlay,
                     nb_keys: list[str], nb_sims: np.ndarray) -> None:
    if overlay.selected is None or not len(overlay.selected):
        st.info(t("map.no_pick"))
        return
    st.subheader(t("map.neighbours_header", k=len(nb_keys)))
    st.text(t("map.selected_point", name=overlay.selected.title[0]))
    rows = []
    for rank, (key, sim) in enumerate(zip(nb_keys, nb_sims, strict=True), start=1):
        kind, idx = parse_key(key) or ("item", 0)
        if kind == "item":
            rows.append({"rank": rank, "kind": t("map.kind.item"), "id": str(ds.item_ids[idx]),
                         "title": items.title[idx], "category": items.category[idx],
                         "similarity": round(float(sim), 4)})
        else:
            rows.append({"rank": rank, "kind": t("map.kind.user"), "id": str(ds.user_ids[idx]),
                         "title": t("map.user_label", id=ds.user_ids[idx]),
                         "category": str(summary["top"].iat[idx]), "similarity": round(float(sim), 4)})
    frame = pd.DataFrame(rows, columns=["rank", "kind", "id", "title", "category", "similarity"])
    st.dataframe(frame.rename(columns={c: t(f"map.col.{c}") for c in frame.columns}), hide_index=True,
                 key="map_neighbours_table")


def _selection_table(ds: Dataset, pm: ProjectionMap, lasso_keys: list[str]) -> None:
    chosen_items = _indices(lasso_keys, "item")
    chosen_users = _indices(lasso_keys, "user")
    st.subheader(t("map.lasso_header", n=len(chosen_items)))
    if not chosen_items:
        st.caption(t("map.lasso_hint"))
        return
    sel = ds.items.iloc[chosen_items]
    table = pd.DataFrame({
        "item_id": sel["item_id"].astype(str).to_numpy(),
        "title": sel["title"].astype(str).to_numpy(),
        "category": sel["category"].astype(str).to_numpy(),
        "tags": [", ".join(tags) for tags in sel["tags"]],
        "year": sel["year"].to_numpy(),
        "popularity": ds.item_popularity[chosen_items],
        "x": np.round(pm.item_coords[chosen_items, 0], 4),
        "y": np.round(pm.item_coords[chosen_items, 1], 4),
    })
    st.dataframe(table.rename(columns={c: t(f"map.col.{c}") for c in table.columns}), hide_index=True,
                 key="map_lasso_table")
    st.download_button(t("map.download"), safe_csv(table), file_name="map_selection.csv", mime="text/csv",
                       key="map_download")
    if chosen_users:
        st.caption(t("map.lasso_users", n=len(chosen_users)))


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
        n_neighbors = c1.slider(t("map.n_neighbors"), 5, 50, 15, help=t("map.n_neighbors_help"),
                                key="map_n_neighbors")
        min_dist = c2.slider(t("map.min_dist"), 0.0, 0.9, 0.1, 0.05, help=t("map.min_dist_help"),
                             key="map_min_dist")
    params = ProjectionParams(n_neighbors=int(n_neighbors), min_dist=float(min_dist))
    try:
        pm = get_projection_map(engine, params)
    except (InterestLensError, ValueError) as exc:
        st.error(t("map.error", err=md_escape(exc)))
        return

    items, users = _layers(ds, pm)
    summary = _user_summary(ds, ds.fingerprint)
    st.session_state.setdefault(PICK, None)
    st.session_state.setdefault(LASSO, [])
    view = _controls(ds, pm, items, summary)
    pick = st.session_state.get(PICK)
    parsed = parse_key(pick) if pick else None
    if parsed is not None and not _on_map(parsed, ds, pm):
        parsed = None
    picked_user = str(ds.user_ids[parsed[1]]) if parsed is not None and parsed[0] == "user" else None
    recs = parse_recommendations(st.session_state.get("last_recommendations"), ds)
    query: Query | None = None
    if picked_user is not None:
        query = Query(user_id=picked_user)
    elif recs is not None and (recs.user_id is not None or recs.profile is not None):
        query = Query(user_id=recs.user_id, profile=recs.profile)

    overlay = Overlay()
    nb_keys: list[str] = []
    nb_sims = np.zeros(0)
    if parsed is not None and pick is not None:
        overlay.selected = _rows_for([pick], items, users, pm)
        nb_keys, nb_sims = _neighbours(engine, pm, parsed[0], parsed[1], view.k, view.pool)
        overlay.neighbours = _rows_for(nb_keys, items, users, pm)
        overlay.neighbour_sims = list(nb_sims)
    shown, who = _recommendations(engine, view, picked_user, recs)
    if shown is not None and len(shown.items):
        top = shown.items[: view.k]
        overlay.recommended = _rows_for([item_key(i) for i in top], items, users, pm)
        overlay.recommended_rank = list(range(1, len(top) + 1))
    overlay.interests = _interest_markers(pm)
    colour_mode, colour_title, coloured = _colour(engine, ds, items, view, query, picked_user)

    # balanced display sample; whatever is selected, linked or recommended is always drawn
    lasso_keys = list(st.session_state.get(LASSO, []))
    rec_keys = overlay.recommended.keys if overlay.recommended is not None else []
    pinned_items = _indices([pick or "", *nb_keys, *lasso_keys, *rec_keys], "item") + coloured
    item_rows, item_report = stratified_sample(ds.items["category"].astype(str).to_numpy(), view.n_items,
                                               min_per_stratum=MIN_PER_STRATUM, seed=0, always=pinned_items)
    user_row = pm.user_row()
    linked_users = _indices([pick or "", *nb_keys, *lasso_keys], "user")
    pinned_users = [user_row[u] for u in linked_users if u in user_row]
    user_strata = summary["dominant"].to_numpy()[pm.user_idx]
    user_rows, _ = stratified_sample(user_strata, view.n_users, min_per_stratum=2, seed=0,
                                     always=pinned_users)

    fig = map_figure(items.take(item_rows), users.take(user_rows) if len(user_rows) else None,
                     colour_mode=colour_mode, colour_title=colour_title,  # type: ignore[arg-type]
                     labels=_labels(), overlay=overlay,
                     background=t("map.cluster_outside") if coloured else None)
    st.session_state[TRACE_KEYS] = trace_keys(fig)
    st.plotly_chart(fig, key=CHART, on_select=_on_select, selection_mode=("points", "box", "lasso"),
                    config={"scrollZoom": True, "displaylogo": False})
    st.caption(t("map.sample_caption", items=fmt_number(len(item_rows)), n_items=fmt_number(ds.n_items),
                 users=fmt_number(len(user_rows)), n_users=fmt_number(len(pm.user_idx)),
                 strata=sum(1 for d in item_report.drawn if d)))
    st.caption(t("map.interests_caption") if overlay.interests else t("map.no_interests"))
    if overlay.recommended is not None and len(overlay.recommended):
        st.caption(t("map.recs_caption", who=md_escape(who), k=len(overlay.recommended)))

    m1, m2 = st.columns([1, 3])
    trust = pm.trustworthiness
    m1.metric(t("map.trust"), "—" if trust != trust else f"{trust:.3f}", help=t("map.trust_help"))
    m2.caption(t("map.trust_caption", n=fmt_number(min(TRUST_SAMPLE, len(pm.coords))), k=TRUST_NEIGHBOURS))
    m2.caption(t("map.params_caption", n=params.n_neighbors, d=params.min_dist, knn=params.knn,
                 s=f"{pm.timings.get('total', pm.seconds):.1f}"))

    _neighbour_table(ds, items, summary, overlay, nb_keys, nb_sims)
    _selection_table(ds, pm, lasso_keys)


main()
