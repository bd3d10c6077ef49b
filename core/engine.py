"""The facade the dashboard and the CLI share: one dataset + one encoder, everything else derived lazily.

``Engine(dataset)`` computes, on first use and then keeps (thread-safe, one build per artefact):

- ``item_vectors``: item documents encoded by the chosen model, through the on-disk vector cache;
- ``item_index`` / ``user_index``: hnswlib indexes (cached on disk by vector fingerprint);
- ``user_vectors`` + ``has_user_vector``: rating- and time-weighted mean item vectors;
- ``channels``: every scoring channel fitted on the dataset.

and answers questions: :meth:`decompose` typed text into interests, :meth:`channel_scores` for a query
(cached per query, so moving a fusion slider only re-weights arrays), :meth:`recommend` (fusion +
what-if ranks + explanations), :meth:`similar_items`. Call :meth:`prepare` with a progress callback to
build everything up front with visible progress.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from core.common.config import FusionConfig, IndexParams, cache_dir
from core.common.progress import ProgressFn, report, scaled
from core.data.dataset import Dataset
from core.interests.decompose import InterestProfile, decompose
from core.interests.text import add_user_terms, catalogue_terms
from core.ranking.channels import ChannelContext, ChannelParams, ChannelScores, Query, build_channels, score_all
from core.ranking.explain import Explainer, Explanation
from core.ranking.fusion import FusionResult, ItemFilter, ScoreTable, fuse, what_if
from core.vectors.embedding import (
    DEFAULT_MODEL,
    DEFAULT_TEMPLATE,
    EmbedResult,
    Encoder,
    VectorCache,
    embed_texts,
    item_documents,
    load_encoder,
    safe_model_id,
    user_vectors,
)
from core.vectors.index import NeighbourIndex, build_item_index


@dataclass(frozen=True)
class Recommendation:
    """A fused top-k list with everything the UI shows next to it."""

    result: FusionResult
    what_if: np.ndarray
    """(k, n_channels) rank of each item if that channel's weight were zero (see core.ranking.fusion.what_if)."""
    explanations: list[Explanation]
    scores: ChannelScores

    def to_records(self, dataset: Dataset, lang: str = "en") -> list[dict[str, Any]]:
        """JSON-friendly rows: item_id, title, score, rank, contributions by channel, reason."""
        rows: list[dict[str, Any]] = []
        for row, item in enumerate(self.result.items.tolist()):
            rows.append({
                "item_id": str(dataset.item_ids[item]),
                "title": dataset.titles([item])[0],
                "category": str(dataset.items["category"].iat[item]),
                "score": round(float(self.result.score[row]), 6),
                "rank": int(self.result.rank[row]),
                "contributions": {k: round(v, 6) for k, v in self.result.contribution_dict(row).items()},
                "reason": self.explanations[row].text(lang) if row < len(self.explanations) else "",
            })
        return rows


class Engine:
    """Lazily built recommender state for one dataset and one encoder (see the module docstring)."""

    def __init__(
        self,
        dataset: Dataset,
        model: str = DEFAULT_MODEL,
        *,
        template: str = DEFAULT_TEMPLATE,
        index_params: IndexParams | None = None,
        channel_params: ChannelParams | None = None,
        user_half_life_days: float | None = 180.0,
        score_cache_size: int = 64,
    ) -> None:
        self.dataset = dataset
        self.model = model
        self.template = template
        self.index_params = index_params or IndexParams()
        self.channel_params = channel_params or ChannelParams()
        self.user_half_life_days = user_half_life_days
        self._lock = threading.RLock()
        self._score_cache: OrderedDict[tuple[Any, ...], ChannelScores] = OrderedDict()
        self._score_cache_size = score_cache_size
        self._progress: ProgressFn | None = None
        self.last_embed: EmbedResult | None = None

    # --- building blocks (each computed once, under the lock) -------------------------------------

    @property
    def key(self) -> str:
        """Identity of this engine's artefacts: dataset fingerprint + model."""
        return f"{self.dataset.fingerprint}-{safe_model_id(self.model)}"

    @cached_property
    def encoder(self) -> Encoder:
        """The text encoder (never downloads; see core.vectors.embedding.load_encoder)."""
        return load_encoder(self.model)

    @cached_property
    def documents(self) -> list[str]:
        """The text encoded for each item (row i = item index i)."""
        return item_documents(self.dataset, self.template)

    @cached_property
    def item_vectors(self) -> np.ndarray:
        """(n_items, d) float32 L2-normalised item vectors, via the on-disk vector cache."""
        with self._lock:
            enc = self.encoder
            result = embed_texts(enc, self.documents, VectorCache.default(enc.model_id), self._progress)
            self.last_embed = result
            return result.vectors

    @cached_property
    def item_index(self) -> NeighbourIndex:
        """hnswlib index over item vectors (ids = item indices), cached on disk."""
        with self._lock:
            path = cache_dir("index") / f"{self.key}-items.hnsw"
            return build_item_index(self.item_vectors, "hnsw", self.index_params, cache_path=path)

    @cached_property
    def _users(self) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            return user_vectors(self.dataset, self.item_vectors, self.user_half_life_days)

    @property
    def user_vectors(self) -> np.ndarray:
        """(n_users, d) float32 user profiles; rows without history are zero (see has_user_vector)."""
        return self._users[0]

    @property
    def has_user_vector(self) -> np.ndarray:
        """Bool mask of users that have a profile vector."""
        return self._users[1]

    @cached_property
    def user_index(self) -> NeighbourIndex:
        """hnswlib index over user vectors; ids are user indices (users without a vector are absent)."""
        with self._lock:
            vecs = self.user_vectors.copy()
            vecs[~self.has_user_vector] = 0.0
            path = cache_dir("index") / f"{self.key}-users.hnsw"
            return build_item_index(vecs, "hnsw", self.index_params, cache_path=path)

    @cached_property
    def channels(self) -> dict[str, Any]:
        """Every scoring channel fitted on the dataset, by name."""
        with self._lock:
            ctx = ChannelContext(
                dataset=self.dataset,
                item_vectors=self.item_vectors,
                user_vectors=self.user_vectors,
                has_vector=self.has_user_vector,
                encoder=self.encoder,
            )
            return dict(build_channels(ctx, self.channel_params, self._progress))

    @cached_property
    def explainer(self) -> Explainer:
        """Builds zh/en reasons from fusion results."""
        return Explainer(self.dataset, self.channels, self.item_vectors)

    @cached_property
    def _catalogue_terms(self) -> list[str]:
        tags = [t for tags in self.dataset.items["tags"] for t in tags]
        terms = catalogue_terms(self.dataset.items["title"].tolist(), tags)
        add_user_terms(terms)
        return terms

    def ready(self, channels: bool = True) -> bool:
        """True when vectors and indexes (and, with ``channels``, the fitted channels) are built."""
        return "channels" in self.__dict__ if channels else "item_index" in self.__dict__

    def prepare(self, progress: ProgressFn | None = None, channels: bool = True) -> Engine:
        """Build vectors, indexes and (optionally) channels now, reporting progress."""
        with self._lock:
            try:
                self._progress = scaled(progress, 0.0, 0.6)
                report(progress, 0.0, "embedding items")
                _ = self.item_vectors
                report(progress, 0.6, "building the item index")
                _ = self.item_index
                report(progress, 0.7, "user profiles")
                _ = self.user_vectors
                if channels:
                    self._progress = scaled(progress, 0.75, 1.0)
                    _ = self.channels
                report(progress, 1.0, "ready")
            finally:
                self._progress = None
        return self

    # --- questions ---------------------------------------------------------------------------------

    def decompose(self, text: str, **knobs: Any) -> InterestProfile:
        """Typed text -> weighted interest tags grounded in this catalogue (see core.interests.decompose.decompose)."""
        return decompose(text, self.encoder, self.item_vectors, self.item_index,
                         catalogue_terms=self._catalogue_terms, **knobs)

    def channel_scores(self, query: Query) -> ChannelScores:
        """Every channel's scores for ``query`` (LRU-cached by the query's key)."""
        key = query.key()
        with self._lock:
            hit = self._score_cache.get(key)
            if hit is not None:
                self._score_cache.move_to_end(key)
                return hit
        scores = score_all(self.channels, query)
        with self._lock:
            self._score_cache[key] = scores
            while len(self._score_cache) > self._score_cache_size:
                self._score_cache.popitem(last=False)
        return scores

    def seen_items(self, user_id: str | None) -> np.ndarray:
        """Item indices the user already interacted with (empty for None / unknown users)."""
        if user_id is None or str(user_id) not in self.dataset.user_index:
            return np.zeros(0, dtype=np.int64)
        row = self.dataset.user_index[str(user_id)]
        return np.asarray(self.dataset.matrix[row].indices, dtype=np.int64)

    def recommend(
        self,
        query: Query,
        config: FusionConfig | None = None,
        k: int = 20,
        item_filter: ItemFilter | None = None,
        explain: bool = True,
    ) -> Recommendation:
        """Fuse the channel scores of ``query`` into a top-k list with what-if ranks and reasons."""
        config = config or FusionConfig()
        scores = self.channel_scores(query)
        table = ScoreTable.from_channel_scores(scores)
        seen = self.seen_items(query.user_id)
        allowed = item_filter.mask(self.dataset) if item_filter is not None and not item_filter.is_empty() else None
        vectors = self.item_vectors if config.mmr_lambda < 1.0 else None
        result = fuse(table, config, k=k, seen=seen, allowed=allowed, item_vectors=vectors)
        ranks = what_if(table, result, seen=seen, allowed=allowed)
        reasons = self.explainer.explain(result, query) if explain else []
        return Recommendation(result, ranks, reasons, scores)

    def similar_items(self, item_idx: int, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest items of an item in embedding space (ids, cosine similarities), itself excluded."""
        ids, sims = self.item_index.query(self.item_vectors[[item_idx]], k, exclude=[item_idx])
        keep = ids[0] >= 0
        return ids[0][keep], sims[0][keep]

    def nearest_items(self, vector: np.ndarray, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest items of any vector (e.g. a composed interest)."""
        ids, sims = self.item_index.query(np.asarray(vector, dtype=np.float32).reshape(1, -1), k)
        keep = ids[0] >= 0
        return ids[0][keep], sims[0][keep]


_ENGINES: dict[tuple[str, str], Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(dataset: Dataset, model: str = DEFAULT_MODEL) -> Engine:
    """A process-wide shared Engine per (dataset fingerprint, model) — for the CLI and benchmarks."""
    key = (dataset.fingerprint, model)
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = Engine(dataset, model)
        return _ENGINES[key]
