"""What the Map page draws, computed from the engine, the projection map and the dataset (nothing draws here).

Layers of items and users with their hover texts, the neighbours of a picked point (the engine's hnswlib
indexes), typed interests placed on the map, whose recommendations the map draws (:func:`recs_source`), colour
values, the balanced display sample and the tables.
The page (``pages/map.py``) picks what to show and draws it with :func:`ui.map_figures.map_figure`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import streamlit as st

from core.data.dataset import Dataset
from core.engine import Engine
from core.interests.profile import InterestProfile
from core.ranking.query import Query
from core.vectors.documents import aggregate_user_tags
from core.vectors.maps import ProjectionMap
from core.vectors.sampling import stratified_sample
from ui.map_figures import InterestMarker, Layer, MarkerKind, item_key, parse_key, user_key
from ui.ranking import history_for, interests_query
from ui.safe import md_escape
from ui.state import FusionState, InterestsState

MIN_PER_STRATUM = 10
MIN_PER_USER_STRATUM = 2
Translate = Callable[..., str]
RecsWho = Literal["typed", "typed_user", "user", "none"]


@st.cache_data(show_spinner=False, max_entries=4)
def item_texts(_ds: Dataset, fingerprint: str) -> tuple[list[str], list[str], list[str]]:
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
def user_summary(_ds: Dataset, fingerprint: str) -> pd.DataFrame:
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


def layers(ds: Dataset, pm: ProjectionMap, summary: pd.DataFrame, translate: Translate) -> tuple[Layer, Layer]:
    """Every item and every mapped user as map layers (keys, coordinates, hover texts)."""
    titles, categories, tags = item_texts(ds, ds.fingerprint)
    items = Layer([item_key(i) for i in range(ds.n_items)], pm.item_coords, titles, categories, tags)
    users_idx = [int(u) for u in pm.user_idx]
    users = Layer(
        [user_key(u) for u in users_idx], pm.user_coords,
        [translate("map.user_label", id=summary["user_id"].iat[u]) for u in users_idx],
        [str(summary["top"].iat[u]) for u in users_idx],
        [translate("map.user_tags", n=int(summary["n"].to_numpy()[u])) for u in users_idx],
    )
    return items, users


def indices(keys: Sequence[str], kind: str) -> list[int]:
    """Indices of the keys of one kind ("item" / "user"); other keys are skipped."""
    parsed = [parse_key(k) for k in keys]
    return [p[1] for p in parsed if p is not None and p[0] == kind]


def on_map(key: str | None, ds: Dataset, pm: ProjectionMap) -> tuple[str, int] | None:
    """The parsed key when it names a point of this map (keys outlive a dataset switch), else None."""
    parsed = parse_key(key) if key else None
    if parsed is None:
        return None
    kind, idx = parsed
    ok = idx in pm.user_row() if kind == "user" else 0 <= idx < ds.n_items
    return parsed if ok else None


def neighbours(engine: Engine, pm: ProjectionMap, kind: str, idx: int, k: int, pool: str
               ) -> tuple[list[str], np.ndarray]:
    """Keys and cosine similarities of the k nearest items / mapped users of a point (hnswlib indexes)."""
    vector = engine.item_vectors[idx] if kind == "item" else engine.user_vectors[idx]
    if pool == "items":
        ids, sims = engine.neighbours(vector[None, :], k, exclude=[idx] if kind == "item" else None)
        pairs = [(item_key(i), s) for i, s in zip(ids[0], sims[0], strict=True) if i >= 0]
    else:
        mapped = {int(u) for u in pm.user_idx}
        exclude = [idx] if kind == "user" else None
        ids, sims = engine.neighbours(vector[None, :], k + 5, exclude=exclude, of="users")
        pairs = [(user_key(i), s) for i, s in zip(ids[0], sims[0], strict=True) if i >= 0 and int(i) in mapped][:k]
    return [p[0] for p in pairs], np.array([p[1] for p in pairs], dtype=float)


def rows_for(keys: Sequence[str], items: Layer, users: Layer, pm: ProjectionMap) -> Layer:
    """A layer of the given keys (items and users mixed, in order) with their map coordinates."""
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


def interest_markers(profile: InterestProfile | None, pm: ProjectionMap, composed_label: str) -> list[InterestMarker]:
    """The profile's tags (and its composed vector) placed on the map; [] when they cannot be placed."""
    if profile is None or pm.projector is None:
        return []
    tags = [tag for tag in profile.tags if tag.vector is not None]
    vectors = [np.asarray(tag.vector, dtype=np.float32) for tag in tags]
    kinds: list[MarkerKind] = ["positive" if tag.polarity > 0 else "negative" for tag in tags]
    labels = [str(tag.text) for tag in tags]
    weights = [float(tag.weight) for tag in tags]
    composed = profile.composed_vector()
    if composed is not None:
        vectors.append(np.asarray(composed, dtype=np.float32))
        kinds.append("composed")
        labels.append(composed_label)
        weights.append(1.0)
    dim = pm.projector.vectors_.shape[1]
    if not vectors or any(v.shape != (dim,) for v in vectors):
        return []
    xy = pm.transform(np.stack(vectors))
    return [InterestMarker(float(x), float(y), label, kind, w)
            for (x, y), label, kind, w in zip(xy, labels, kinds, weights, strict=True) if np.isfinite(x)]


def cluster_labels(engine: Engine, user_id: str, outside: str) -> tuple[list[str], list[int]]:
    """Per item, "<n>. <label>" of the user's history interest it belongs to (``outside`` for the rest),
    and the member items (``core.interests.history`` via :func:`ui.ranking.history_for`)."""
    ds = engine.dataset
    labels = np.full(ds.n_items, outside, dtype=object)
    members: list[int] = []
    for c, tag in enumerate(history_for(engine, user_id), start=1):
        idx = [ds.item_index[i] for i in tag.item_ids if i in ds.item_index]
        labels[idx] = f"{c}. {tag.text}"
        members += idx
    return [str(x) for x in labels], members


@dataclass(frozen=True)
class RecsSource:
    """Whose recommendations the map draws: the typed interests, ranked as the Interests page ranks them (with
    the shared user's history mixed in when a user is set there: ``typed_user``), a user picked on the map
    (``user``), or nobody (``none``: nothing typed yet, so no stale list is drawn)."""

    who: RecsWho
    query: Query | None = None
    user_id: str | None = None


def recs_source(engine: Engine, interests: InterestsState, fusion: FusionState, picked_user: str | None
                ) -> RecsSource:
    """The query behind the map's recommendations layer (and its colour by fused score)."""
    if picked_user is not None:
        return RecsSource("user", Query(user_id=picked_user), picked_user)
    if interests.profile is None or not interests.profile.tags:
        return RecsSource("none")
    query = interests_query(engine, interests, fusion)
    if query is None:
        return RecsSource("none")
    return RecsSource("typed_user", query, fusion.user_id) if fusion.user_id else RecsSource("typed", query)


def recs_label(source: RecsSource, translate: Translate) -> str:
    """The legend entry of the recommendations layer: whose list it is."""
    return translate(f"map.legend.recommended.{source.who}", id=source.user_id or "")


def recs_caption(source: RecsSource, k: int, translate: Translate) -> str:
    """The sentence under the map that says what the purple squares are (or why there are none)."""
    return translate(f"map.recs_caption.{source.who}", id=md_escape(source.user_id or ""), k=k)


@dataclass(frozen=True)
class Sample:
    """The rows of the item and user layers to draw, and how many item strata were drawn."""

    item_rows: np.ndarray
    user_rows: np.ndarray
    strata: int


def display_sample(ds: Dataset, pm: ProjectionMap, summary: pd.DataFrame, n_items: int, n_users: int,
                   linked: Sequence[str], pinned_items: Sequence[int]) -> Sample:
    """A balanced sample (``core.vectors.sampling``): every category keeps some items, and the linked points
    (picked, neighbours, lasso, recommended) and ``pinned_items`` are always drawn."""
    always = indices(linked, "item") + list(pinned_items)
    item_rows, report = stratified_sample(ds.items["category"].astype(str).to_numpy(), n_items,
                                          min_per_stratum=MIN_PER_STRATUM, seed=0, always=always)
    user_row = pm.user_row()
    pinned_users = [user_row[u] for u in indices(linked, "user") if u in user_row]
    user_strata = summary["dominant"].to_numpy()[pm.user_idx]
    user_rows, _ = stratified_sample(user_strata, n_users, min_per_stratum=MIN_PER_USER_STRATUM, seed=0,
                                     always=pinned_users)
    return Sample(np.asarray(item_rows), np.asarray(user_rows), sum(1 for d in report.drawn if d))


def neighbour_frame(ds: Dataset, items: Layer, summary: pd.DataFrame, keys: Sequence[str], sims: np.ndarray,
                    translate: Translate) -> pd.DataFrame:
    """The neighbour table: rank, kind, id, title, category, similarity (translated headers)."""
    rows = []
    for rank, (key, sim) in enumerate(zip(keys, sims, strict=True), start=1):
        kind, idx = parse_key(key) or ("item", 0)
        if kind == "item":
            row = (translate("map.kind.item"), str(ds.item_ids[idx]), items.title[idx], items.category[idx])
        else:
            row = (translate("map.kind.user"), str(ds.user_ids[idx]), translate("map.user_label", id=ds.user_ids[idx]),
                   str(summary["top"].iat[idx]))
        rows.append({"rank": rank, "kind": row[0], "id": row[1], "title": row[2], "category": row[3],
                     "similarity": round(float(sim), 4)})
    frame = pd.DataFrame(rows, columns=["rank", "kind", "id", "title", "category", "similarity"])
    return frame.rename(columns={c: translate(f"map.col.{c}") for c in frame.columns})


def selection_frame(ds: Dataset, pm: ProjectionMap, chosen: Sequence[int]) -> pd.DataFrame:
    """Metadata and map coordinates of selected items (untranslated column names, for the download)."""
    rows = list(chosen)
    sel = ds.items.iloc[rows]
    return pd.DataFrame({
        "item_id": sel["item_id"].astype(str).to_numpy(),
        "title": sel["title"].astype(str).to_numpy(),
        "category": sel["category"].astype(str).to_numpy(),
        "tags": [", ".join(tags) for tags in sel["tags"]],
        "year": sel["year"].to_numpy(),
        "popularity": ds.item_popularity[rows],
        "x": np.round(pm.item_coords[rows, 0], 4),
        "y": np.round(pm.item_coords[rows, 1], 4),
    })
