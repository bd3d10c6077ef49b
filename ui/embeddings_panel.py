"""The Data page's "Embeddings" step: choose a model, compute item vectors with progress, browse an
item's nearest neighbours. Streamlit only draws here; the work is in ``core.vectors.embedding`` / ``core.vectors.index``
behind the caches of :mod:`ui.resources`.

Every data string (titles, categories, item texts) is untrusted: it reaches the page only through
``st.text``, ``st.dataframe`` and widget labels that Streamlit renders as plain text.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.common.errors import InterestLensError
from core.data.dataset import Dataset
from core.vectors.embedding import (
    BUNDLED_MODELS,
    DEFAULT_MODEL,
    DEFAULT_TEMPLATE,
    VectorCache,
    cache_coverage,
    item_documents,
)
from ui.i18n import fmt_number, t
from ui.resources import get_item_index, get_item_vectors

MODEL_KEY = "emb_model"
"""Session-state key of the chosen model (shared with other pages that need item vectors)."""
READY_KEY = "emb_ready"
"""Session-state key: {(dataset fingerprint, model): summary dict} of computed vector sets."""
N_NEIGHBOURS = 10


def selected_model() -> str:
    """The embedding model picked in the panel (default ``use-m3``)."""
    model = st.session_state.get(MODEL_KEY, DEFAULT_MODEL)
    return str(model) if model in {m.key for m in BUNDLED_MODELS} else DEFAULT_MODEL


@st.cache_data(show_spinner=False, max_entries=8)
def _documents(_dataset: Dataset, fingerprint: str) -> list[str]:
    return item_documents(_dataset, DEFAULT_TEMPLATE)


def _coverage(dataset: Dataset, model: str) -> tuple[int, int]:
    return cache_coverage(_documents(dataset, dataset.fingerprint), VectorCache.default(model))


def _ready(dataset: Dataset, model: str) -> dict[str, float] | None:
    ready: dict[tuple[str, str], dict[str, float]] = st.session_state.get(READY_KEY, {})
    return ready.get((dataset.fingerprint, model))


def _compute(dataset: Dataset, model: str) -> dict[str, float] | None:
    """Embed the items with a progress bar; remember and return the summary (None on error)."""
    bar = st.progress(0.0, text=t("emb.progress", message="…"))

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(1.0, max(0.0, fraction)), text=t("emb.progress", message=message))

    try:
        result = get_item_vectors(dataset, model, progress=progress)
    except InterestLensError as exc:
        bar.empty()
        st.error(str(exc))
        return None
    bar.empty()
    summary = {"items": result.n_texts, "cached": result.n_cached, "encoded": result.n_encoded,
               "seconds": result.seconds, "dim": result.dim}
    st.session_state.setdefault(READY_KEY, {})[(dataset.fingerprint, model)] = summary
    return summary


def _show_summary(summary: dict[str, float]) -> None:
    cols = st.columns(5)
    cols[0].metric(t("emb.items"), fmt_number(summary["items"]))
    cols[1].metric(t("emb.cached"), fmt_number(summary["cached"]))
    cols[2].metric(t("emb.encoded"), fmt_number(summary["encoded"]))
    cols[3].metric(t("emb.seconds"), f"{summary['seconds']:.2f}")
    cols[4].metric(t("emb.dim"), str(int(summary["dim"])))


def render_embeddings_panel(dataset: Dataset) -> None:
    """Model choice, cache coverage, a compute button with progress, and cached/encoded/elapsed counts."""
    st.subheader(t("emb.header"))
    st.caption(t("emb.intro"))
    keys = [m.key for m in BUNDLED_MODELS]
    labels = [t(f"emb.model.{k}") for k in keys]  # plain options, no format_func: AppTest can replay them
    choice = st.selectbox(t("emb.model"), labels, index=keys.index(selected_model()))
    model = keys[labels.index(choice)] if choice in labels else DEFAULT_MODEL
    st.session_state[MODEL_KEY] = model
    info = next(m for m in BUNDLED_MODELS if m.key == model)
    if not info.multilingual:
        st.warning(t("emb.english_only"))
    with st.expander(t("emb.template")):
        st.code(DEFAULT_TEMPLATE, language=None)
    summary = _ready(dataset, model)
    if summary is None:  # before computing: how much the disk cache already holds
        cached, total = _coverage(dataset, model)
        st.caption(t("emb.coverage", cached=fmt_number(cached), total=fmt_number(total)))
    if st.button(t("emb.compute"), key="emb_compute", type="primary" if summary is None else "secondary"):
        summary = _compute(dataset, model)
        if summary is not None:
            st.success(t("emb.done"))
    if summary is not None:
        _show_summary(summary)


def render_item_neighbours(dataset: Dataset) -> None:
    """An item picker (searchable by title) and a table of its 10 nearest items by cosine similarity."""
    st.subheader(t("emb.neighbours_header"))
    model = selected_model()
    if _ready(dataset, model) is None:
        cached, total = _coverage(dataset, model)
        if cached < total or total == 0:  # nothing to show without encoding: leave that to the button
            st.info(t("emb.compute_first"))
            return
        if _compute(dataset, model) is None:  # everything is on disk: loading is quick
            return
    vectors = get_item_vectors(dataset, model).vectors
    titles = dataset.items["title"].astype(str).tolist()
    choice = st.selectbox(t("emb.pick_item"), range(dataset.n_items), key="emb_item",
                          format_func=lambda i: titles[i])
    if choice is None:
        return
    item = int(choice)
    st.caption(t("emb.document"))
    st.text(_documents(dataset, dataset.fingerprint)[item])
    index = get_item_index(dataset, model)
    ids, sims = index.query(vectors[item], k=N_NEIGHBOURS, exclude={item})
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
