"""Cached access to datasets and engines for the pages (st.cache_resource / st.cache_data)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from core.common.errors import InterestLensError
from core.data.dataset import Dataset
from core.data.demos import DEMOS, load_demo
from core.workspace.store import Workspace, default_workspace
from ui.i18n import fmt_number, t

WS_PREFIX = "ws:"
"""Sidebar keys of datasets registered in the workspace store: ``ws:<content key>``."""


def workspace() -> Workspace:
    """The workspace of this server process (``$INTERESTLENS_WORKSPACE`` or ``./workspace``)."""
    return default_workspace()


def dataset_choices() -> dict[str, str]:
    """Dataset keys the sidebar offers, mapped to their display labels.

    Bundled demos first, then every dataset registered in the workspace (they survive restarts; oldest
    first so the list does not reshuffle when one is opened), then any kept only in this session.
    """
    choices = {f"demo:{key}": t(f"demo.{key}") for key in DEMOS}
    try:
        records = sorted(workspace().list_datasets(), key=lambda r: r.created_at)
    except (InterestLensError, OSError):  # unreadable workspace: the demos still work
        records = []
    for rec in records:
        label = t("ws.dataset_label", name=rec.name, rows=fmt_number(rec.n_interactions))
        choices[f"{WS_PREFIX}{rec.key}"] = label
    for key, ds in st.session_state.get("uploaded_datasets", {}).items():
        choices[key] = f"⬆ {ds.name}"
    return choices


@st.cache_resource(show_spinner=False)
def _demo_dataset(key: str) -> Dataset:
    return load_demo(key)


@st.cache_resource(show_spinner=False, max_entries=16)
def _workspace_dataset(key: str, root: str) -> Dataset:
    """A registered dataset read back from the workspace (content-addressed key, so never stale)."""
    return default_workspace().load_dataset(key)


def register_dataset(
    dataset: Dataset, *, source_files: Sequence[str] = (), mapping: Mapping[str, Any] | None = None
) -> str:
    """Persist an uploaded dataset in the workspace, select it in the sidebar and return its key.

    When the workspace cannot be written the dataset is kept for this session only (``upload:<fp>``) and
    ``st.session_state["dataset_saved"]`` holds the reason, so the page can say so.
    """
    try:
        key = WS_PREFIX + workspace().register(dataset, source_files=source_files, mapping=mapping)
        st.session_state["dataset_saved"] = None
    except (InterestLensError, OSError) as exc:
        key = f"upload:{dataset.fingerprint}"
        uploaded = st.session_state.get("uploaded_datasets")
        if not isinstance(uploaded, dict):
            uploaded = {}
        uploaded[key] = dataset
        st.session_state["uploaded_datasets"] = uploaded
        st.session_state["dataset_saved"] = str(exc)
    st.session_state["dataset_key"] = key
    return key


def get_dataset(key: str | None = None) -> Dataset:
    """The Dataset behind a sidebar key (default: the one currently picked); the MovieLens demo when the
    key is unknown (e.g. a workspace dataset deleted by someone else)."""
    key = key or st.session_state.get("dataset_key", "demo:movielens")
    if key.startswith("demo:") and key.split(":", 1)[1] in DEMOS:
        return _demo_dataset(key.split(":", 1)[1])
    if key.startswith(WS_PREFIX):
        ws = workspace()
        try:
            return _workspace_dataset(key[len(WS_PREFIX):], str(ws.root))
        except InterestLensError:
            st.session_state["dataset_key"] = "demo:movielens"
            st.warning(t("ws.missing"))
    uploaded: dict[str, Dataset] = st.session_state.get("uploaded_datasets", {})
    if key in uploaded:
        return uploaded[key]
    return _demo_dataset("movielens")


# --- embeddings and item index (issue 3) ---------------------------------------------------------

from core.common.progress import ProgressFn  # noqa: E402
from core.vectors.embedding import EmbedResult  # noqa: E402  (section appended by issue 3)
from core.vectors.index import NeighbourIndex  # noqa: E402


class _VectorStore:
    """Computed item vectors per (dataset fingerprint, model), at most ``limit`` sets, oldest dropped."""

    def __init__(self, limit: int = 8) -> None:
        import threading

        self.lock = threading.Lock()
        self.limit = limit
        self.results: dict[tuple[str, str], EmbedResult] = {}


@st.cache_resource(show_spinner=False)
def _vector_store() -> _VectorStore:
    """The process-wide store. Not a cached *computation*: Streamlit cannot replay a progress bar drawn
    inside a cached function, so the work runs outside the cache and only its result is kept here."""
    return _VectorStore()


def get_item_vectors(
    dataset: Dataset, model: str = "use-m3", progress: ProgressFn | None = None
) -> EmbedResult:
    """Item vectors of ``dataset`` for ``model`` (EmbedResult), kept in memory per (fingerprint, model).

    The first call in a server process embeds through the on-disk VectorCache (``progress`` is fed);
    later calls are served from memory and report every text as cached with the real elapsed time.
    """
    import dataclasses
    import time

    from core.vectors.embedding import embed_items, load_encoder

    store = _vector_store()
    key = (dataset.fingerprint, model)
    started = time.perf_counter()
    hit = store.results.get(key)
    if hit is not None:
        return dataclasses.replace(hit, n_cached=hit.n_cached + hit.n_encoded, n_encoded=0,
                                   seconds=time.perf_counter() - started)
    result = embed_items(dataset, load_encoder(model), progress=progress)
    with store.lock:
        store.results[key] = result
        while len(store.results) > store.limit:
            store.results.pop(next(iter(store.results)))
    return result


@st.cache_resource(show_spinner=False, max_entries=8)
def _item_index_cached(_dataset: Dataset, fingerprint: str, model: str, kind: str) -> object:
    from core.common.config import cache_dir
    from core.vectors.embedding import safe_model_id
    from core.vectors.index import build_item_index

    vectors = get_item_vectors(_dataset, model).vectors
    path = cache_dir("index", fingerprint) / f"items-{safe_model_id(model)}.{kind}"
    return build_item_index(vectors, kind="hnsw" if kind == "hnsw" else "exact", cache_path=path)


def get_item_index(dataset: Dataset, model: str = "use-m3", kind: str = "hnsw") -> NeighbourIndex:
    """The item neighbour index (HNSW by default) over :func:`get_item_vectors`, cached in memory and
    on disk (rebuilt only when the vectors or the index parameters change)."""
    index = _item_index_cached(dataset, dataset.fingerprint, model, kind)
    assert isinstance(index, NeighbourIndex)
    return index


# --- the engine facade (lead) ---------------------------------------------------------------------

from core.engine import Engine  # noqa: E402


@st.cache_resource(show_spinner=False, max_entries=8)
def _engine_cached(_dataset: Dataset, fingerprint: str, model: str) -> Engine:
    return Engine(_dataset, model)


def get_engine(dataset: Dataset | None = None, model: str | None = None) -> Engine:
    """The shared, read-only Engine for a dataset and model; built lazily, so this call is cheap.

    Pages call :func:`ensure_ready` right after, which builds vectors, indexes and channels once per
    server process with a visible progress bar.
    """
    ds = dataset or get_dataset()
    chosen = model or st.session_state.get("model", "use-m3")
    return _engine_cached(ds, ds.fingerprint, chosen)


def ensure_ready(engine: Engine, channels: bool = True) -> Engine:
    """Build the engine's artefacts with st.status + st.progress the first time; instant afterwards."""
    ready = "channels" in engine.__dict__ if channels else "item_index" in engine.__dict__
    if ready:
        return engine
    from ui.i18n import t as _t

    with st.status(_t("app.preparing"), expanded=True) as status:
        bar = st.progress(0.0)

        def _progress(fraction: float, message: str) -> None:
            bar.progress(min(1.0, max(0.0, fraction)), text=message)

        engine.prepare(_progress, channels=channels)
        status.update(label=_t("app.ready"), state="complete", expanded=False)
    return engine


# --- projection map (issue 7) ---------------------------------------------------------------------

from core.vectors.projection import ProjectionMap, ProjectionParams  # noqa: E402


class _MapStore:
    """Fitted maps per (dataset fingerprint, model, parameters), at most ``limit``, oldest dropped."""

    def __init__(self, limit: int = 6) -> None:
        import threading

        self.lock = threading.Lock()
        self.limit = limit
        self.maps: dict[tuple[str, str, ProjectionParams], ProjectionMap] = {}


@st.cache_resource(show_spinner=False)
def _map_store() -> _MapStore:
    """Process-wide store of maps (the work runs outside the cache so its progress bar can be drawn)."""
    return _MapStore()


def get_projection_map(engine: Engine, params: ProjectionParams | None = None) -> ProjectionMap:
    """The joint item + user UMAP map of the engine's vectors, from memory, the disk cache, or fitted now.

    Fitting (cold: ~10-30 s on MovieLens) runs inside ``st.status`` with a progress bar; a map found
    in the on-disk cache (``core.vectors.projection.build_map``) loads in well under a second.
    """
    from ui.i18n import t as _t

    params = params or ProjectionParams()
    store = _map_store()
    key = (engine.dataset.fingerprint, engine.model, params)
    hit = store.maps.get(key)
    if hit is not None:
        return hit
    from core.vectors.projection import build_map

    ensure_ready(engine, channels=False)
    with st.status(_t("map.computing"), expanded=True) as status:
        bar = st.progress(0.0)

        def _progress(fraction: float, message: str) -> None:
            bar.progress(min(1.0, max(0.0, fraction)), text=message)

        # the engine's hnswlib item and user indexes (cached on disk) give UMAP its neighbour graph
        result = build_map(engine.item_vectors, engine.user_vectors, engine.has_user_vector,
                           fingerprint=engine.dataset.fingerprint, model_id=engine.model, params=params,
                           progress=_progress, item_index=engine.item_index, user_index=engine.user_index)
        label = _t("map.loaded_cache", s=f"{result.seconds:.1f}") if result.from_cache \
            else _t("map.computed", s=f"{result.seconds:.1f}")
        status.update(label=label, state="complete", expanded=False)
    with store.lock:
        store.maps[key] = result
        while len(store.maps) > store.limit:
            store.maps.pop(next(iter(store.maps)))
    return result
