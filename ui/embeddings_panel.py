"""The Data page's "Embeddings" step: choose a model, compute item vectors with progress, browse an
item's nearest neighbours. Streamlit only draws here: the vectors and the neighbour index are the
engine's (:func:`ui.resources.get_engine`), the same ones every other page uses.

Every data string (titles, categories, item texts) is untrusted: it reaches the page only through
``st.text``, ``st.dataframe`` and widget labels that Streamlit renders as plain text.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.common.errors import InterestLensError
from core.data.dataset import Dataset
from core.engine import Engine
from core.vectors.documents import DEFAULT_TEMPLATE
from core.vectors.encoders import BUNDLED_MODELS, DEFAULT_MODEL
from core.vectors.vector_cache import VectorCache, cache_coverage
from ui.i18n import fmt_number, t
from ui.resources import get_engine, progress_bar, show_cache_notices
from ui.safe import md_escape

MODEL_KEY = "emb_model"
"""Session-state key of the model picked in the panel."""
READY_KEY = "emb_ready"
"""Session-state key: {(dataset fingerprint, model): EmbedSummary} of computed vector sets."""
N_NEIGHBOURS = 10


@dataclass(frozen=True)
class EmbedSummary:
    """What computing a dataset's item vectors took: the counts the panel shows."""

    items: int
    cached: int
    """Distinct item documents served from the vector cache."""
    encoded: int
    """Distinct item documents that went through the encoder."""
    seconds: float
    dim: int


def selected_model() -> str:
    """The embedding model picked in the panel (default ``use-m3``)."""
    model = st.session_state.get(MODEL_KEY, DEFAULT_MODEL)
    return str(model) if model in {m.key for m in BUNDLED_MODELS} else DEFAULT_MODEL


def _coverage(engine: Engine, model: str) -> tuple[int, int]:
    """(item documents already in the vector cache, distinct item documents); loads no model."""
    return cache_coverage(engine.documents, VectorCache.default(model))


def _ready(dataset: Dataset, model: str) -> EmbedSummary | None:
    ready: dict[tuple[str, str], EmbedSummary] = st.session_state.get(READY_KEY, {})
    return ready.get((dataset.fingerprint, model))


def _compute(engine: Engine) -> EmbedSummary | None:
    """Build the engine's item vectors and index with a progress bar; remember and return the summary
    (None on error). An engine already built in this server process reports every text as cached."""
    started = time.perf_counter()
    was_ready = engine.ready(channels=False)
    slot = st.empty()
    with slot.container():
        progress = progress_bar(lambda message: t("emb.progress", message=message))
    try:
        engine.prepare(progress, channels=False)
    except InterestLensError as exc:
        slot.empty()
        st.error(md_escape(exc))
        return None
    slot.empty()
    show_cache_notices(engine.take_cache_notices())
    vectors, result = engine.item_vectors, engine.last_embed
    if was_ready or result is None:
        distinct = len(set(engine.documents))
        summary = EmbedSummary(len(vectors), distinct, 0, time.perf_counter() - started, vectors.shape[1])
    else:
        summary = EmbedSummary(result.n_texts, result.n_cached, result.n_encoded, result.seconds, result.dim)
    st.session_state.setdefault(READY_KEY, {})[(engine.dataset.fingerprint, engine.model)] = summary
    return summary


def _compute_on_ray(engine: Engine, address: str) -> EmbedSummary | None:
    """Encode the missing item documents on Ray (:func:`core.distributed.embedding.embed_texts_ray`, every
    batch written to the vector cache), then load the engine's vectors from the cache; None on error."""
    from core.distributed.backend import Backend, parse_backend
    from core.distributed.embedding import embed_texts_ray

    slot = st.empty()
    with slot.container():
        progress = progress_bar(lambda message: t("emb.ray_progress", message=message))
    try:
        backend = parse_backend(f"ray:{address}") if address else Backend("ray")
        result = embed_texts_ray(engine.documents, engine.model, VectorCache.default(engine.model), backend,
                                 progress=progress)
    except InterestLensError as exc:
        slot.empty()
        st.error(md_escape(exc))
        return None
    slot.empty()
    where = md_escape(address) if address else t("emb.ray_local")
    st.info(t("emb.ray_done", encoded=fmt_number(result.n_encoded), where=where))
    if _compute(engine) is None:  # every text is cached now: the engine loads its vectors from disk
        return None
    summary = EmbedSummary(result.n_texts, result.n_cached, result.n_encoded, result.seconds, result.dim)
    st.session_state.setdefault(READY_KEY, {})[(engine.dataset.fingerprint, engine.model)] = summary
    return summary


def _where() -> str | None:
    """The radio "this machine / Ray cluster" and the address box: None for this machine, else the Ray
    address (empty: a Ray runtime on this machine)."""
    options = [t("emb.where.local"), t("emb.where.ray")]
    choice = st.radio(t("emb.where"), options, key="emb_where", horizontal=True, help=t("emb.where_help"))
    if choice != options[1]:
        return None
    address = st.text_input(t("emb.ray_address"), key="emb_ray_address", help=t("emb.ray_address_help"))
    return str(address or "").strip()


def _show_summary(summary: EmbedSummary) -> None:
    cols = st.columns(5)
    cols[0].metric(t("emb.items"), fmt_number(summary.items))
    cols[1].metric(t("emb.cached"), fmt_number(summary.cached))
    cols[2].metric(t("emb.encoded"), fmt_number(summary.encoded))
    cols[3].metric(t("emb.seconds"), f"{summary.seconds:.2f}")
    cols[4].metric(t("emb.dim"), str(summary.dim))


def render_embeddings_panel(dataset: Dataset) -> None:
    """Model choice, cache coverage, a compute button with progress, and cached/encoded/elapsed counts."""
    st.subheader(t("emb.header"))
    st.caption(t("emb.intro"))
    keys = [m.key for m in BUNDLED_MODELS]
    labels = [t(f"emb.model.{k}") for k in keys]  # plain options, no format_func: AppTest can replay them
    choice = st.selectbox(t("emb.model"), labels, index=keys.index(selected_model()), placeholder=t("app.choose_one"))
    model = keys[labels.index(choice)] if choice in labels else DEFAULT_MODEL
    st.session_state[MODEL_KEY] = model
    info = next(m for m in BUNDLED_MODELS if m.key == model)
    if not info.multilingual:
        st.warning(t("emb.english_only"))
    with st.expander(t("emb.template")):
        st.code(DEFAULT_TEMPLATE, language=None)
    engine = get_engine(dataset, model)
    summary = _ready(dataset, model)
    if summary is None:  # before computing: how much the disk cache already holds
        cached, total = _coverage(engine, model)
        st.caption(t("emb.coverage", cached=fmt_number(cached), total=fmt_number(total)))
    address = _where()
    if st.button(t("emb.compute"), key="emb_compute", type="primary" if summary is None else "secondary"):
        summary = _compute(engine) if address is None else _compute_on_ray(engine, address)
        if summary is not None:
            st.success(t("emb.done"))
    if summary is not None:
        _show_summary(summary)


def render_item_neighbours(dataset: Dataset) -> None:
    """An item picker (searchable by title) and a table of its 10 nearest items by cosine similarity,
    from the engine's item index (:meth:`core.engine.Engine.neighbours`)."""
    st.subheader(t("emb.neighbours_header"))
    model = selected_model()
    engine = get_engine(dataset, model)
    if _ready(dataset, model) is None:
        cached, total = _coverage(engine, model)
        if cached < total or total == 0:  # nothing to show without encoding: leave that to the button
            st.info(t("emb.compute_first"))
            return
        if _compute(engine) is None:  # everything is on disk: loading is quick
            return
    titles = dataset.items["title"].astype(str).tolist()
    choice = st.selectbox(t("emb.pick_item"), range(dataset.n_items), key="emb_item",
                          format_func=lambda i: titles[i], placeholder=t("app.choose_one"))
    if choice is None:
        return
    item = int(choice)
    st.caption(t("emb.document"))
    st.text(engine.documents[item])
    ids, sims = engine.neighbours(engine.item_vectors[item], k=N_NEIGHBOURS, exclude={item})
    keep = ids[0] >= 0
    if not keep.any():
        st.info(t("emb.no_neighbours"))
        return
    found = ids[0][keep]
    table = pd.DataFrame({
        t("emb.col.rank"): range(1, len(found) + 1),
        t("emb.col.title"): [titles[i] for i in found],
        t("emb.col.category"): dataset.items["category"].astype(str).to_numpy()[found],
        t("emb.col.score"): sims[0][keep].astype(float).round(3),
    })
    st.caption(t("emb.neighbours_caption", k=len(found)))
    st.dataframe(table, hide_index=True, width="stretch")
