"""The one path from queries to ranked lists: :class:`Ranker` (fitted channels + fusion + reasons).

Every view gets its lists here: the pages and the CLI through :class:`core.engine.Engine` (a batch of
one query, cached so a slider move only re-weights), offline evaluation and tuning with many users at
once (:meth:`Ranker.rank_many`: one scoring pass for every configuration).

What the typed text rules out is left out of every list (:meth:`Ranker.avoided_items`): the titles it
avoids ("not Titanic") and every item of an attribute it avoids ("no horror": the catalogue's items of
that genre, tag or person, :meth:`core.interests.recognise.CatalogueIndex.items_for`), unless the same text
also wants that title or attribute (a contradiction the profile reports; nothing is silently dropped).
Weights given to :meth:`Ranker.recommend` / :meth:`Ranker.fused_scores` pass
:func:`core.ranking.config.check_weights` (the check the CLI, the sliders and presets share).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import sparse
from threadpoolctl import ThreadpoolController

from core.common.progress import ProgressFn, report
from core.data.dataset import Dataset
from core.interests.recognise import CatalogueIndex, catalogue_index
from core.ranking.base import Channel, named_items, tag_kind
from core.ranking.config import FusionConfig, check_weights
from core.ranking.explain import Explanation, explain
from core.ranking.fusion import FusionResult, ItemFilter, fuse_batch, fused_scores, rank_batch, what_if
from core.ranking.query import Query, negative_tags, positive_tags
from core.ranking.scoring import ScoreBatch, score_queries

SCORING_BATCH_BYTES = 48 * 2**20
"""Queries scored together keep one channel's block near this size (see :func:`scoring_batch_size`)."""


def scoring_batch_size(n_items: int) -> int:
    """Queries scored together: one channel's block stays near :data:`SCORING_BATCH_BYTES` (8..256)."""
    return int(min(256, max(8, SCORING_BATCH_BYTES // (8 * max(1, n_items)))))


@lru_cache(maxsize=1)
def _blas_controller() -> ThreadpoolController:
    return ThreadpoolController()


def _one_blas_thread() -> AbstractContextManager[object]:
    """BLAS limited to one thread. A single query's matrix-vector products are small: on a shared 2-core
    machine a multi-threaded BLAS waits milliseconds for a busy core (1 x 512 by 512 x 9,742: 8 ms with two
    threads under load, 1.3 ms with one), so single queries run single-threaded; batches keep every thread."""
    limit: AbstractContextManager[object] = _blas_controller().limit(limits=1, user_api="blas")
    return limit


@dataclass(frozen=True)
class Recommendation:
    """A fused top-k list with everything the UI shows next to it."""

    result: FusionResult
    what_if: np.ndarray
    """(k, n_channels) rank of each item if that channel's weight were zero (see core.ranking.fusion.what_if)."""
    explanations: list[Explanation]
    scores: ScoreBatch
    """The query's channel scores (a batch of one)."""


class Ranker:
    """Fitted channels of one dataset, and the one fusion, behind a batch-first API.

    ``channels`` come from :func:`core.ranking.registry.build_channels`; ``item_vectors`` are needed only
    for the MMR diversity re-rank. Single-query scores are kept in an LRU cache (``cache_size``), so
    re-weighting the same query only redoes the weighted sum. ``catalogue`` (the dataset's
    :class:`~core.interests.recognise.CatalogueIndex`) resolves avoided attributes to their items; it is
    built on first need when not given.
    """

    def __init__(
        self,
        dataset: Dataset,
        channels: Mapping[str, Channel],
        item_vectors: np.ndarray | None = None,
        cache_size: int = 64,
        catalogue: CatalogueIndex | None = None,
    ) -> None:
        self.dataset = dataset
        self.channels = dict(channels)
        self.item_vectors = item_vectors
        self._catalogue = catalogue
        self._cache: OrderedDict[tuple[Any, ...], ScoreBatch] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without its lock and score cache (a Ray worker gets the fitted channels, fresh state)."""
        state = dict(self.__dict__)
        state["_cache"] = OrderedDict()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore the channels and create a new lock."""
        self.__dict__.update(state)
        self._lock = threading.Lock()

    # --- scoring ---------------------------------------------------------------------------------

    def score(self, queries: Sequence[Query], only: Sequence[str] | None = None) -> ScoreBatch:
        """Every channel's scores for ``queries`` (a batch of one is cached by the query's key)."""
        queries = list(queries)
        if len(queries) != 1 or only is not None:
            return score_queries(self.channels, queries, only, n_items=self.dataset.n_items)
        key = queries[0].key()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        with _one_blas_thread():  # one query: small products, where a waiting BLAS thread costs the most
            batch = score_queries(self.channels, queries, n_items=self.dataset.n_items)
        with self._lock:
            self._cache[key] = batch
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return batch

    def clear_cache(self) -> None:
        """Forget every cached score batch (the next :meth:`score` of any query computes afresh)."""
        with self._lock:
            self._cache.clear()

    def seen(self, queries: Sequence[Query]) -> sparse.csr_matrix:
        """(n_queries, n_items) sparse matrix of :meth:`known_items` per query."""
        return self._rows([self.known_items(q) for q in queries])

    def known_items(self, query: Query) -> np.ndarray:
        """Items a list for ``query`` leaves out when the config excludes seen items: the user's history and
        the items the typed text names as wanted ("like Heat": seen). Avoided ones: :meth:`avoided_items`."""
        seen = self.seen_items(query.user_id)
        named = named_items(self.dataset, query, 1)[0]
        if not named.size:
            return seen
        return np.unique(np.concatenate([seen, named]))

    @property
    def catalogue(self) -> CatalogueIndex:
        """The dataset's titles and attributes (:func:`core.interests.recognise.catalogue_index`, cached)."""
        if self._catalogue is None:
            self._catalogue = catalogue_index(self.dataset)
        return self._catalogue

    def avoided_items(self, query: Query) -> np.ndarray:
        """Sorted item positions the query's typed text rules out, left out of its lists whatever the config:
        the titles it avoids and the items of the attributes it avoids (genre, tag, person …). A title or
        attribute the text also wants is not ruled out (the profile reports the contradiction); a key the
        catalogue does not know rules out nothing."""
        return self.ruled_out(query)[0]

    def ruled_out(self, query: Query) -> tuple[np.ndarray, list[str]]:
        """:meth:`avoided_items` and the texts of the tags that ruled them out, in the order written."""
        none = np.zeros(0, dtype=np.int64)
        if query.profile is None:
            return none, []
        avoided = [t for t in negative_tags(query.profile) if tag_kind(t) in ("item", "attribute")
                   and getattr(t, "key", None) is not None]
        if not avoided:
            return none, []
        wanted = {str(getattr(t, "key", None)) for t in positive_tags(query.profile)
                  if tag_kind(t) in ("item", "attribute")}
        parts: list[np.ndarray] = []
        texts: list[str] = []
        for tag in avoided:
            key = str(getattr(tag, "key", None))
            if key in wanted:
                continue
            if tag_kind(tag) == "item":
                idx = self.dataset.item_index.get(key)
                found = none if idx is None else np.array([int(idx)], dtype=np.int64)
            else:
                try:
                    found = np.asarray(self.catalogue.items_for(key), dtype=np.int64)
                except KeyError:
                    found = none
            if found.size:
                parts.append(found)
                if str(tag.text) not in texts:
                    texts.append(str(tag.text))
        written = str(getattr(query.profile, "text", "")).casefold()
        texts.sort(key=lambda x: (written.find(x.casefold()) % (len(written) + 1)))  # in the order written
        return (np.unique(np.concatenate(parts)) if parts else none), texts

    def avoided(self, queries: Sequence[Query]) -> sparse.csr_matrix:
        """(n_queries, n_items) sparse matrix of :meth:`avoided_items` per query (fusion's ``avoid``)."""
        return self._rows([self.avoided_items(q) for q in queries])

    def _rows(self, parts: list[np.ndarray]) -> sparse.csr_matrix:
        indptr = np.cumsum([0] + [len(p) for p in parts])
        indices = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        data = np.ones(len(indices), dtype=bool)
        return sparse.csr_matrix((data, indices, indptr), shape=(len(parts), self.dataset.n_items))

    def seen_items(self, user_id: str | None) -> np.ndarray:
        """Item indices the user already interacted with (empty for None / unknown users)."""
        if user_id is None or str(user_id) not in self.dataset.user_index:
            return np.zeros(0, dtype=np.int64)
        row = self.dataset.user_index[str(user_id)]
        return np.asarray(self.dataset.matrix[row].indices, dtype=np.int64)

    def allowed(self, item_filter: ItemFilter | None) -> np.ndarray | None:
        """The filter's mask of allowed items (None when there is no restriction)."""
        return item_filter.mask(self.dataset) if item_filter is not None and not item_filter.is_empty() else None

    # --- lists ----------------------------------------------------------------------------------

    def rank_many(
        self,
        queries: Sequence[Query],
        configs: Mapping[str, FusionConfig],
        k: int,
        progress: ProgressFn | None = None,
    ) -> dict[str, np.ndarray]:
        """Top-k lists of every config for ``queries``: ``{name: (n_queries, k)}``, ``-1`` padded.

        Queries are scored in batches (:func:`scoring_batch_size`), once for all configs."""
        queries = list(queries)
        out = {name: np.full((len(queries), k), -1, dtype=np.int64) for name in configs}
        step = scoring_batch_size(self.dataset.n_items)
        for start in range(0, len(queries), step):
            chunk = queries[start : start + step]
            batch = score_queries(self.channels, chunk, n_items=self.dataset.n_items)
            seen = self.seen(chunk)
            avoid = self.avoided(chunk)
            for name, config in configs.items():
                out[name][start : start + len(chunk)] = rank_batch(
                    batch, config, k, seen=seen, item_vectors=self.item_vectors, avoid=avoid)
            report(progress, min(1.0, (start + len(chunk)) / max(1, len(queries))),
                   f"scored queries {start + len(chunk)}/{len(queries)}")
        return out

    def recommend(
        self,
        query: Query,
        config: FusionConfig | None = None,
        k: int = 20,
        item_filter: ItemFilter | None = None,
        with_reasons: bool = True,
    ) -> Recommendation:
        """One query's fused top-k list with what-if ranks and reasons; weights that
        :func:`~core.ranking.config.check_weights` refuses (all zero, above the cap) raise its WeightsError."""
        config = config or FusionConfig()
        check_weights(config.weights)
        batch = self.score([query])
        seen = self.known_items(query)
        avoid, avoided_texts = self.ruled_out(query)
        allowed = self.allowed(item_filter)
        vectors = self.item_vectors if config.mmr_lambda < 1.0 else None
        result = fuse_batch(batch, config, k=k, seen=seen, allowed=allowed, item_vectors=vectors, avoid=avoid)[0]
        ranks = what_if(batch, result, seen=seen, allowed=allowed, avoid=avoid)
        # nothing to search towards: say that each item is one outside what the text avoids
        outside = [] if query.profile is None or positive_tags(query.profile) else avoided_texts
        reasons = explain(result, query, self.channels, outside=outside) if with_reasons else []
        return Recommendation(result, ranks, reasons, batch)

    def fused_scores(
        self, query: Query, config: FusionConfig | None = None, item_filter: ItemFilter | None = None
    ) -> np.ndarray:
        """The fused score of every item for one query (the ranking before top-k and MMR); NaN for items
        that are not eligible (seen, filtered out, excluded by a channel)."""
        config = config or FusionConfig()
        check_weights(config.weights)
        batch = self.score([query])
        allowed = self.allowed(item_filter)
        scores = fused_scores(batch, config, self.known_items(query), allowed, self.avoided_items(query))[0]
        return np.where(np.isfinite(scores), scores, np.nan)
