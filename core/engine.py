"""The facade the dashboard and the CLI share: one dataset + one encoder, everything else derived lazily.

``Engine(dataset)`` computes, on first use and then keeps (thread-safe, one build per artefact):

- ``item_vectors``: item documents encoded by the chosen model, through the on-disk vector cache;
- ``item_index`` / ``user_index``: hnswlib indexes (in the artefact cache of ``core.common.artefacts``,
  checked against the vectors' fingerprint on load), or Qdrant collections when ``index_uri`` names one
  (:mod:`core.vectors.index_uri`);
- ``user_vectors`` + ``has_user_vector``: rating- and time-weighted mean item vectors;
- ``channels``: every scoring channel fitted on the dataset;
- ``cache_notices``: cached files that failed verification on the way and were rebuilt
  (:class:`core.common.integrity.CacheNotice`; pages show them via :meth:`take_cache_notices`).

and answers questions: :meth:`decompose` typed text into interests, :meth:`recommend` (the one
ranking path, :class:`core.ranking.ranker.Ranker`: channel scores cached per query, so moving a fusion
slider only re-weights arrays; fusion, what-if ranks and reasons), :meth:`neighbours` (nearest items
of any vectors), :meth:`projection_map` (the joint item + user map). Call :meth:`prepare` with a
progress callback to build everything up front in the named :data:`STAGES`, with visible progress.

Channels in :data:`DEFERRED_CHANNELS` (they train a model and carry no weight by default) are fitted on
first use: when a configuration gives one a weight (:meth:`recommend` / :meth:`fused_scores` fit it first;
until then it reports ``on_first_use`` and is left out of the scores) or when :meth:`prepare` is asked for
them (``deferred=True``, the set-up's ``python -m core prepare``).
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np

from core.common.artefacts import artefact_path, safe_name
from core.common.config import IndexParams
from core.common.integrity import CacheNotice
from core.common.progress import ProgressFn, report, scaled
from core.data.dataset import Dataset
from core.interests.decompose import decompose
from core.interests.history import combine, history_interests
from core.interests.profile import InterestProfile, InterestTag
from core.interests.recognise import CatalogueIndex, catalogue_index
from core.interests.text import add_user_terms, catalogue_terms
from core.ranking.base import Channel, ChannelContext, ChannelNotApplicable, Evidence
from core.ranking.config import FusionConfig
from core.ranking.fusion import ItemFilter
from core.ranking.query import Query
from core.ranking.ranker import Ranker, Recommendation
from core.ranking.registry import ChannelParams, channel_type, make_channels
from core.vectors.documents import default_template, item_documents
from core.vectors.encoders import DEFAULT_MODEL, Encoder, load_encoder
from core.vectors.index import HnswIndex, NeighbourIndex
from core.vectors.index_uri import IndexUri, build_index, parse_index_uri
from core.vectors.maps import ProjectionMap, build_map
from core.vectors.projection import ProjectionParams
from core.vectors.users import user_vectors
from core.vectors.vector_cache import EmbedResult, VectorCache, embed_texts

STAGES: dict[str, str] = {
    "model": "loading the text model",
    "embed": "embedding items",
    "index": "building the item index",
    "users": "user profiles",
    "catalogue": "title and attribute index",
    "channels": "fitting the channels",
    "deferred": "training the optional channels",
    "map": "laying out the map",
}
"""The named stages of getting an engine ready, id -> the progress message that opens it (the set-up CLI
prints them, the pages translate them: ``ui/i18n`` ``warmup.stage.<id>``)."""

DEFERRED_CHANNELS: frozenset[str] = frozenset({"learned", "ease", "rp3beta"})
"""Channels fitted on first use (see the module docstring): they train a model (tens of seconds on
MovieLens; EASE^R inverts a dense item x item matrix) and their default fusion weight is 0."""
PREPARED_CHANNELS: frozenset[str] = frozenset({"learned"})
"""The deferred channels :meth:`Engine.prepare` fits ahead with ``deferred=True``: those whose model is kept
in the artefact cache, so a later process loads it. The others (``ease``, ``rp3beta``) live in memory only:
fitting them ahead in the set-up process would be thrown away, so they wait for their first use."""

_SPANS: tuple[tuple[str, float], ...] = (("model", 0.08), ("embed", 0.6), ("index", 0.68), ("users", 0.7),
                                         ("catalogue", 0.75), ("channels", 1.0))
"""Each core stage's end on the [0, 1] progress of :meth:`Engine.prepare` (without deferred channels)."""


class Engine:
    """Lazily built recommender state for one dataset and one encoder (see the module docstring)."""

    def __init__(
        self,
        dataset: Dataset,
        model: str = DEFAULT_MODEL,
        *,
        template: str | None = None,
        index_params: IndexParams | None = None,
        channel_params: ChannelParams | None = None,
        user_half_life_days: float | None = 180.0,
        score_cache_size: int = 64,
        index_uri: IndexUri | str | None = None,
    ) -> None:
        self.dataset = dataset
        self.index_uri = index_uri if isinstance(index_uri, IndexUri) else parse_index_uri(index_uri)
        """Where the neighbour indexes live (:mod:`core.vectors.index_uri`): ``hnsw`` or a Qdrant collection."""
        self.model = model
        self.template = template or default_template(dataset)
        self.index_params = index_params or IndexParams()
        self.channel_params = channel_params or ChannelParams()
        self.user_half_life_days = user_half_life_days
        self._lock = threading.RLock()
        self._deferred_lock = threading.Lock()
        self._score_cache_size = score_cache_size
        self._history: dict[str, list[InterestTag]] = {}
        self._progress: ProgressFn | None = None
        self.last_embed: EmbedResult | None = None
        self.cache_notices: list[CacheNotice] = []
        """Cached files (vector shards, indexes) that failed verification and were rebuilt; see
        :meth:`take_cache_notices`."""

    # --- building blocks (each computed once, under the lock) -------------------------------------

    @property
    def key(self) -> str:
        """Identity of this engine's artefacts: dataset fingerprint + model."""
        return f"{self.dataset.fingerprint}-{safe_name(self.model)}"

    @cached_property
    def encoder(self) -> Encoder:
        """The text encoder (never downloads; see core.vectors.encoders.load_encoder)."""
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
            self.cache_notices.extend(result.notices)
            return result.vectors

    @cached_property
    def item_index(self) -> NeighbourIndex:
        """hnswlib index over item vectors (ids = item indices), in the artefact cache (kind ``index``).

        The only index over these vectors: the pages' neighbour panels and the map use it too.
        """
        with self._lock:
            path = self._index_path("items", {"template": self.template})
            return self._build_index("items", self.item_vectors, path)

    def take_cache_notices(self) -> list[CacheNotice]:
        """The cache notices gathered so far, emptied (so a page shows each one once)."""
        with self._lock:
            notices, self.cache_notices = self.cache_notices, []
            return notices

    def _index_path(self, of: str, params: dict[str, Any]) -> Path:
        """Artefact-cache file of an index over this engine's ``of`` vectors (the loader checks that the
        file's vector fingerprint matches, so a stale file is rebuilt, never trusted)."""
        key = {"of": of, "index": self.index_params, **params}
        return artefact_path("index", self.dataset.fingerprint, self.model, key, ".hnsw")

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
            path = self._index_path("users", {"template": self.template,
                                              "half_life_days": self.user_half_life_days})
            return self._build_index("users", vecs, path)

    def _build_index(self, of: str, vectors: np.ndarray, path: Path) -> NeighbourIndex:
        """The ``of`` index on the configured backend: the hnswlib file ``path`` or a Qdrant collection."""
        return build_index(self.index_uri, vectors, of=of, default_prefix=self.key, model=self.model,
                           params=self.index_params, cache_path=path, notices=self.cache_notices)

    @cached_property
    def _context(self) -> ChannelContext:
        """What the channels learn from (shared by the first fit and the deferred ones)."""
        with self._lock:
            return ChannelContext(
                dataset=self.dataset,
                item_vectors=self.item_vectors,
                user_vectors=self.user_vectors,
                has_vector=self.has_user_vector,
                encoder=self.encoder,
                item_index=self.item_index,
                random_state=self.channel_params.random_state,
                num_threads=self.channel_params.num_threads,
            )

    @cached_property
    def channels(self) -> dict[str, Channel]:
        """Every scoring channel by name; all fitted except the :data:`DEFERRED_CHANNELS` not used yet."""
        with self._lock:
            ctx = self._context
            channels = make_channels(self.channel_params)
            eager = [name for name in channels if name not in DEFERRED_CHANNELS]
            for i, name in enumerate(eager):
                report(self._progress, i / len(eager), f"fitting {name}")
                channels[name].fit(ctx)
            for name in DEFERRED_CHANNELS & set(channels):
                channels[name] = cast(Channel, _OnFirstUse(channels[name]))
            report(self._progress, 1.0, "channels ready")
            return channels

    def pending_channels(self) -> list[str]:
        """Deferred channels not fitted yet (an empty list once every channel is fitted)."""
        with self._lock:
            return [name for name, channel in self.channels.items() if isinstance(channel, _OnFirstUse)]

    def fit_deferred(self, names: Collection[str] | None = None, progress: ProgressFn | None = None) -> list[str]:
        """Fit the deferred channels in ``names`` (default: all) that are not fitted yet; returns those
        fitted now. Concurrent callers take turns: the second waits and finds the work done."""
        _ = self.channels
        wanted = [n for n in self.pending_channels() if names is None or n in names]
        if not wanted:
            return []
        done: list[str] = []
        with self._deferred_lock:
            for i, name in enumerate(n for n in self.pending_channels() if n in wanted):
                report(progress, i / len(wanted), f"fitting {name}")
                channel = channel_type(name)(self.channel_params.get(name))
                sub = scaled(progress, i / len(wanted), (i + 1) / len(wanted))
                if _takes_progress(channel.fit):
                    channel.fit(self._context, sub)  # type: ignore[call-arg]
                else:
                    channel.fit(self._context)
                with self._lock:
                    self.channels[name] = channel  # a fresh object swapped in whole: readers never see half a fit
                    if "ranker" in self.__dict__:
                        self.ranker.channels[name] = channel
                        self.ranker.clear_cache()  # cached score batches lack this channel
                done.append(name)
        report(progress, 1.0, "channels ready")
        return done

    def _fit_used(self, config: FusionConfig | None) -> None:
        """Fit the deferred channels ``config`` gives a weight (the default configuration gives none)."""
        weights = (config or FusionConfig()).weights
        used = [n for n in self.pending_channels() if float(weights.get(n, 0.0)) > 0]
        if used:
            self.fit_deferred(used)

    @cached_property
    def ranker(self) -> Ranker:
        """The one ranking path (channels + fusion + reasons) over this engine's fitted channels."""
        with self._lock:
            return Ranker(self.dataset, self.channels, self.item_vectors, cache_size=self._score_cache_size)

    @cached_property
    def _catalogue_terms(self) -> list[str]:
        tags = [t for tags in self.dataset.items["tags"] for t in tags]
        terms = catalogue_terms(self.dataset.items["title"].tolist(), tags)
        add_user_terms(terms)
        return terms

    def ready(self, channels: bool = True) -> bool:
        """True when the item vectors and index (and, with ``channels``, the fitted channels) are built."""
        return "channels" in self.__dict__ if channels else "item_index" in self.__dict__

    def prepare(self, progress: ProgressFn | None = None, channels: bool = True, deferred: bool = False) -> Engine:
        """Build the text model, vectors, the item index, user vectors, the catalogue index and (optionally)
        the channels now, reporting each of :data:`STAGES` as it starts; ``deferred`` also fits the
        :data:`PREPARED_CHANNELS`. Another thread calling meanwhile waits for this one and finds the work done.

        ``last_embed`` then tells how many item documents came from the vector cache and how many were
        encoded (only on the call that embedded them).
        """
        last = 1.0 if channels else dict(_SPANS)["catalogue"]  # where the stages built here end on _SPANS
        end = 0.9 if channels and deferred else 1.0  # ... and where they end on the caller's progress
        spans = {stage: (0.0 if i == 0 else _SPANS[i - 1][1], stop) for i, (stage, stop) in enumerate(_SPANS)}

        def stage(name: str) -> None:
            start, stop = (edge / last * end for edge in spans[name])
            report(progress, start, STAGES[name])
            self._progress = scaled(progress, start, stop)

        with self._lock:
            try:
                stage("model")
                _ = self.encoder
                stage("embed")
                _ = self.item_vectors
                stage("index")
                _ = self.item_index
                stage("users")
                _ = self.user_vectors
                stage("catalogue")
                _ = self.catalogue
                if channels:
                    stage("channels")
                    _ = self.channels
            finally:
                self._progress = None
        if channels and deferred:
            report(progress, end, STAGES["deferred"])
            self.fit_deferred(PREPARED_CHANNELS, progress=scaled(progress, end, 1.0))
        report(progress, 1.0, "ready")
        return self

    def projection_map(
        self, params: ProjectionParams | None = None, progress: ProgressFn | None = None
    ) -> ProjectionMap:
        """The joint item + user map (:func:`core.vectors.maps.build_map`: from the artefact cache when it
        is there, else fitted on the engine's hnswlib indexes and cached)."""
        if not self.ready(channels=False):
            self.prepare(scaled(progress, 0.0, 0.05), channels=False)
        report(progress, 0.05, STAGES["map"])
        items, users = self._map_indexes()
        result = build_map(self.item_vectors, self.user_vectors, self.has_user_vector,
                           fingerprint=self.dataset.fingerprint, model_id=self.model, params=params,
                           progress=scaled(progress, 0.05, 1.0), item_index=items, user_index=users)
        return result  # damaged cache files it rebuilt are in result.notices

    def _map_indexes(self) -> tuple[NeighbourIndex | None, NeighbourIndex | None]:
        """The indexes the map may reuse for its neighbour graph: hnswlib ones only (the map asks every
        point for its neighbours; a vector database answers one request per point, so the map builds its
        own hnswlib graph instead)."""
        items, users = self.item_index, self.user_index
        if isinstance(items, HnswIndex) and isinstance(users, HnswIndex):
            return items, users
        return None, None

    # --- questions ---------------------------------------------------------------------------------

    @cached_property
    def catalogue(self) -> CatalogueIndex:
        """The titles, attributes and people typed text can name (:mod:`core.interests.recognise`)."""
        with self._lock:
            return catalogue_index(self.dataset)

    def decompose(self, text: str, **knobs: Any) -> InterestProfile:
        """Typed text -> weighted interest tags grounded in this catalogue: named titles become item tags,
        genres / tags / people attribute tags, the rest free-text tags, plus the gist (the whole text);
        see :func:`core.interests.decompose.decompose`."""
        return decompose(text, self.encoder, self.item_vectors, self.item_index,
                         catalogue_terms=self._catalogue_terms, catalogue=self.catalogue, **knobs)

    def recommend(
        self,
        query: Query,
        config: FusionConfig | None = None,
        k: int = 20,
        item_filter: ItemFilter | None = None,
        explain: bool = True,
    ) -> Recommendation:
        """The fused top-k list of one query with what-if ranks and reasons (:meth:`Ranker.recommend`)."""
        self._fit_used(config)
        return self.ranker.recommend(query, config, k, item_filter, with_reasons=explain)

    def fused_scores(
        self, query: Query, config: FusionConfig | None = None, item_filter: ItemFilter | None = None
    ) -> np.ndarray:
        """Every item's fused score for ``query`` (NaN where not eligible): the Map's colour by score."""
        self._fit_used(config)
        return self.ranker.fused_scores(query, config, item_filter)

    def history_interests(self, user_id: str) -> list[InterestTag]:
        """The user's history interests (:func:`core.interests.history.history_interests`), kept per user."""
        key = str(user_id)
        with self._lock:
            hit = self._history.get(key)
        if hit is None:
            hit = history_interests(self.dataset, self.item_vectors, key, documents=self.documents)
            with self._lock:
                self._history[key] = hit
                while len(self._history) > 64:
                    self._history.pop(next(iter(self._history)))
        return list(hit)

    def profile_for(
        self, typed: InterestProfile | None, user_id: str | None, alpha: float = 0.5
    ) -> InterestProfile | None:
        """The typed profile mixed with the user's history interests (share ``alpha``) when a user is given
        (:func:`core.interests.history.combine`); None when there is nothing to search for."""
        profile = typed
        if user_id is not None:
            history = self.history_interests(user_id)
            if history:
                profile = combine(typed, history, alpha, text=typed.text if typed is not None else "")
        return profile if profile is not None and profile.tags else None

    def seen_items(self, user_id: str | None) -> np.ndarray:
        """Item indices the user already interacted with (empty for None / unknown users)."""
        return self.ranker.seen_items(user_id)

    def neighbours(
        self,
        vectors: np.ndarray,
        k: int = 10,
        exclude: Collection[int] | None = None,
        of: Literal["items", "users"] = "items",
    ) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest items (or users, ``of="users"``) of each row of ``vectors`` (an item's own vector, a
        composed interest, a user profile) from the engine's index: ``(ids int64 (q, k), cosine float32
        (q, k))``, best first, ``-1`` / ``-inf`` padded; ``exclude`` removes ids (e.g. the point itself).
        Users without a profile vector are never returned."""
        index = self.item_index if of == "items" else self.user_index
        return index.query(np.asarray(vectors, dtype=np.float32), k, exclude)


class _OnFirstUse:
    """Stands in for a deferred channel until it is fitted: scores nothing, says why (``on_first_use``)."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.name = channel.name
        self.default_weight = channel.default_weight

    def fit(self, ctx: ChannelContext) -> _OnFirstUse:
        """Nothing to learn (:meth:`Engine.fit_deferred` fits the real channel)."""
        return self

    def why_not(self, query: Query) -> str | None:
        """Always ``on_first_use``."""
        return "on_first_use"

    def score(self, queries: list[Query]) -> np.ndarray:
        """Never scores (the scorer asks :meth:`why_not` first)."""
        raise ChannelNotApplicable(self.name, "on_first_use")

    def explain(self, query: Query, item: int) -> Evidence | None:
        """Nothing to explain."""
        return None


def _takes_progress(fit: Any) -> bool:
    """True when a channel's ``fit`` accepts a progress callback as its second argument."""
    import inspect

    try:
        return len(inspect.signature(fit).parameters) >= 2
    except (TypeError, ValueError):
        return False
