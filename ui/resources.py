"""Cached access to datasets, engines and maps for the pages (st.cache_resource / st.cache_data).

Derived data has one owner: the :class:`~core.engine.Engine` of a (dataset, model) holds the item
vectors, the neighbour indexes and the fitted channels, on disk in the artefact cache of
:mod:`core.common.artefacts`. Pages reach them through :func:`get_engine`, never build their own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from core.common.errors import InterestLensError
from core.common.integrity import CacheNotice
from core.common.progress import ProgressFn
from core.data.dataset import Dataset
from core.data.demos import DEMOS, load_demo
from core.engine import Engine
from core.ranking.config import FusionConfig
from core.vectors.encoders import DEFAULT_MODEL
from core.vectors.maps import ProjectionMap
from core.vectors.projection import ProjectionParams
from core.workspace.store import Workspace, default_workspace
from ui.i18n import fmt_number, t
from ui.index_panel import stored_index_uri
from ui.safe import md_escape
from ui.transform_setting import engine_channel_params, transform_key
from ui.warmup import WarmupJob, WarmupJobs, wait_for, warmup_enabled

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
        st.session_state["workspace_error"] = None
    except (InterestLensError, OSError) as exc:  # unusable workspace: the demos still work, and we say so
        records = []
        st.session_state["workspace_error"] = str(exc)
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


# --- the engine: the one owner of vectors, indexes and channels -----------------------------------


@st.cache_resource(show_spinner=False, max_entries=8)
def _engine_cached(_dataset: Dataset, fingerprint: str, model: str, index_uri: str = "hnsw",
                   transform: str = "") -> Engine:
    return Engine(_dataset, model, index_uri=index_uri, channel_params=engine_channel_params(transform))


def get_engine(dataset: Dataset | None = None, model: str | None = None) -> Engine:
    """The shared, read-only Engine for a dataset and model; built lazily, so this call is cheap.

    Pages call :func:`ensure_ready` right after, which builds vectors, indexes and channels once per
    server process with a visible progress bar. The indexes live where the workspace's index setting says
    (:mod:`ui.index_panel`); the mf channel learns from the interaction transform kept for the dataset
    (:mod:`ui.transform_setting`). Changing either gives a new engine.
    """
    ds = dataset or get_dataset()
    chosen = model or st.session_state.get("model", "use-m3")
    return _engine_cached(ds, ds.fingerprint, chosen, str(stored_index_uri()), transform_key(ds.fingerprint))


def progress_bar(label: Callable[[str], str] = md_escape) -> ProgressFn:
    """A new ``st.progress`` bar as a core progress callback; ``label`` turns a core message into its text."""
    bar = st.progress(0.0, text=label("…"))

    def _progress(fraction: float, message: str) -> None:
        bar.progress(min(1.0, max(0.0, fraction)), text=label(message))

    return _progress


def show_cache_notices(notices: Sequence[CacheNotice]) -> None:
    """Tell the user which cached files failed verification and were rebuilt (damage: a warning)."""
    for notice in notices:
        text = t(f"cache.notice.{notice.code}", kind=t(f"cache.kind.{notice.kind}"),
                 file=md_escape(notice.file_name), detail=md_escape(notice.detail))
        (st.warning if notice.code == "corrupt" else st.info)(text)


@st.cache_resource(show_spinner=False)
def warmup_jobs() -> WarmupJobs:
    """The process's background preparation jobs (:mod:`ui.warmup`)."""
    return WarmupJobs()


def ensure_ready(engine: Engine, channels: bool = True) -> Engine:
    """Make sure the engine's artefacts are built: instant when they are; otherwise the work runs in a
    process-wide background job (the one already running, e.g. the server's warm-up, or a new one) and this
    page shows its named stages with progress until it is done. Leaving the page does not stop the work.
    Cache files found damaged on the way (and rebuilt) are reported once."""
    if not engine.ready(channels=channels):
        jobs = warmup_jobs()
        job = jobs.running(engine, channels) or jobs.start(engine, channels=channels)
        wait_for(job, lambda: engine.ready(channels=channels), t("app.preparing"))
        if not engine.ready(channels=channels):
            if job.error:
                st.stop()
            job = jobs.start(engine, channels=channels)  # the job that ran built less than this page needs
            wait_for(job, lambda: engine.ready(channels=channels), t("app.preparing"))
            if not engine.ready(channels=channels):
                st.stop()
    show_cache_notices(engine.take_cache_notices())
    return engine


def ensure_fitted(engine: Engine, config: FusionConfig | None) -> Engine:
    """Fit the deferred channels (EASE^R, RP3beta, the learned channel) that ``config`` gives a weight, in a
    background job whose named stages and progress this page shows (instead of a silent pause on the first
    ranking that needs them); instant when they are fitted."""
    weights = (config or FusionConfig()).weights
    wanted = frozenset(n for n in engine.pending_channels() if float(weights.get(n, 0.0)) > 0)
    if not wanted:
        return engine

    def fitted() -> bool:
        return not wanted & set(engine.pending_channels())

    job = warmup_jobs().start(engine, channels=True, fit=wanted)
    wait_for(job, fitted, t("app.fitting_channels"))
    if not fitted():
        st.stop()
    return engine


# --- projection map --------------------------------------------------------------------------------


class _MapStore:
    """Fitted maps per (dataset fingerprint, model, parameters), at most ``limit``, oldest dropped."""

    def __init__(self, limit: int = 6) -> None:
        self.lock = threading.Lock()
        self.limit = limit
        self.maps: dict[tuple[str, str, ProjectionParams], ProjectionMap] = {}

    def put(self, engine: Engine, params: ProjectionParams, result: ProjectionMap) -> None:
        """Keep ``result`` as the map of (engine, params)."""
        with self.lock:
            self.maps[(engine.dataset.fingerprint, engine.model, params)] = result
            while len(self.maps) > self.limit:
                self.maps.pop(next(iter(self.maps)))

    def get(self, engine: Engine, params: ProjectionParams) -> ProjectionMap | None:
        """The kept map of (engine, params), if any."""
        with self.lock:
            return self.maps.get((engine.dataset.fingerprint, engine.model, params))


@st.cache_resource(show_spinner=False)
def _map_store() -> _MapStore:
    """Process-wide store of maps (the work runs in a background job that fills it)."""
    return _MapStore()


def get_projection_map(engine: Engine, params: ProjectionParams | None = None) -> ProjectionMap:
    """The joint item + user UMAP map of the engine's vectors, from memory, the disk cache, or fitted now.

    Fitting (cold: ~10-30 s on MovieLens) runs in a background job (the server's warm-up fits the default
    map; a page asking for the same one waits for it) while this page shows its stages and progress; a
    map found in the artefact cache (``core.vectors.maps.build_map``) loads in well under a second.
    """
    params = params or ProjectionParams()
    store = _map_store()
    hit = store.get(engine, params)
    if hit is not None:
        return hit
    jobs = warmup_jobs()
    job = jobs.running(engine, map_params=params) or jobs.start(engine, channels=False, map_params=params,
                                                                  on_map=store.put)
    wait_for(job, lambda: store.get(engine, params) is not None, t("map.computing"), phases=("engine", "map"))
    result = store.get(engine, params)
    if result is None:
        st.stop()
    show_cache_notices(result.notices)
    return result


# --- the server's warm-up --------------------------------------------------------------------------

DEFAULT_DEMO = "movielens"
"""The demo the dashboard opens on (the sidebar's first choice), prepared when the server starts."""


def warm_up_default() -> WarmupJob | None:
    """Start preparing the default demo's engine and map in the background, once per server process (and
    not at all under AppTest, which runs no server, or with ``INTERESTLENS_WARMUP=0``)."""
    if not warmup_enabled() or not _served():
        return None
    try:
        return _warm_up_once()
    except Exception:  # e.g. the demo data is missing: the pages say so when they need it; the app goes on
        logging.getLogger(__name__).exception("the background warm-up could not start")
        return None


def _served() -> bool:
    """True inside a real ``streamlit run`` server (AppTest runs scripts under a mock Runtime)."""
    from streamlit.runtime import Runtime

    return st.runtime.exists() and type(st.runtime.get_instance()) is Runtime


@st.cache_resource(show_spinner=False)
def _warm_up_once() -> WarmupJob | None:
    engine = get_engine(_demo_dataset(DEFAULT_DEMO), DEFAULT_MODEL)
    if engine.ready(channels=True) and _map_store().get(engine, ProjectionParams()) is not None:
        return None
    return warmup_jobs().start(engine, channels=True, map_params=ProjectionParams(), on_map=_map_store().put)
