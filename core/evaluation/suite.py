"""The dashboard's channels and fusion as evaluated recommenders: one channel suite per training Dataset.

:class:`ChannelSuite` fits every channel once on a training Dataset and ranks users through the
engine's one ranking path (:class:`core.ranking.ranker.Ranker`: channels score a batch of users, one
fusion implementation ranks them), every registered fusion config in the same scoring pass.
:class:`BatchScores` keeps the normalised channel scores of many users in memory (float32) so tuning
can fuse many configurations quickly, with the same :mod:`core.ranking.fusion` functions;
:class:`SuiteRecommender` exposes one registered config as a
:class:`~core.evaluation.baselines.Recommender`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Self

import numpy as np
from scipy import sparse

from core.common.progress import ProgressFn, report
from core.data.dataset import Dataset
from core.interests.profile import InterestProfile
from core.ranking.base import DROP_REASONS, BlockMap, Channel, ChannelContext
from core.ranking.config import FusionConfig
from core.ranking.fusion import components, fused_scores, rank_batch
from core.ranking.query import Query
from core.ranking.ranker import Ranker, scoring_batch_size
from core.ranking.registry import ChannelParams, build_channels
from core.ranking.scoring import ScoreBatch
from core.vectors.encoders import Encoder
from core.vectors.users import user_vectors

__all__ = ["BatchScores", "ChannelSuite", "SuiteRecommender", "scoring_batch_size"]


class ChannelSuite:
    """The dashboard's channels fitted once on one training Dataset, shared by every channel/fused config.

    ``profiles`` (training ``user_idx`` -> interest profile) add typed interests to those users' queries.
    """

    def __init__(
        self,
        train: Dataset,
        item_vectors: np.ndarray | None = None,
        *,
        params: ChannelParams | None = None,
        encoder: Encoder | None = None,
        profiles: dict[int, InterestProfile] | None = None,
        map_blocks: BlockMap | None = None,
    ) -> None:
        self.train = train
        self.map_blocks = map_blocks  # where item-kNN / RP3beta similarity blocks run (None: this process)
        self.item_vectors = item_vectors
        self.params = params
        self.encoder = encoder
        self.profiles: dict[int, InterestProfile] = dict(profiles or {})
        self.configs: dict[str, FusionConfig] = {}
        self._memo: dict[tuple[bytes, int], dict[str, np.ndarray]] = {}
        self.scoring_seconds = 0.0

    def __getstate__(self) -> dict[str, object]:
        """Pickled without ``map_blocks`` (a suite sent to workers for sharded scoring does not fit again)."""
        return {**self.__dict__, "map_blocks": None}

    def fit(self, progress: ProgressFn | None = None, only: Sequence[str] | None = None) -> Self:
        """Compute user vectors (when item vectors exist) and fit every channel (or those in ``only``)."""
        t0 = time.perf_counter()
        user_vecs = has_vector = None
        if self.item_vectors is not None:
            user_vecs, has_vector = user_vectors(self.train, self.item_vectors)
        ctx = ChannelContext(self.train, self.item_vectors, user_vecs, has_vector, self.encoder,
                             map_blocks=self.map_blocks)
        self.channels_: dict[str, Channel] = build_channels(ctx, self.params, progress, only=only)
        self.ranker_ = Ranker(self.train, self.channels_, self.item_vectors)
        self.fit_seconds_ = time.perf_counter() - t0
        return self

    def with_profiles(self, profiles: dict[int, InterestProfile]) -> ChannelSuite:
        """A suite sharing these fitted channels whose queries carry the given typed interests."""
        other = ChannelSuite(self.train, self.item_vectors, params=self.params, encoder=self.encoder,
                             profiles=profiles)
        other.channels_ = self.channels_
        other.ranker_ = self.ranker_
        other.fit_seconds_ = 0.0
        return other

    def query(self, user: int) -> Query:
        """The query of one training user (with typed interests when the suite has them)."""
        return Query(user_id=str(self.train.user_ids[int(user)]), profile=self.profiles.get(int(user)))

    def queries(self, users: np.ndarray) -> list[Query]:
        """The queries of many training users."""
        return [self.query(int(u)) for u in np.asarray(users, dtype=np.int64)]

    def applicable(self, users: np.ndarray) -> dict[str, float]:
        """Per channel, the share of ``users`` it can score (0 = the channel drops out everywhere)."""
        counts = dict.fromkeys(self.channels_, 0)
        for q in self.queries(users):
            for name, channel in self.channels_.items():
                counts[name] += channel.why_not(q) is None
        return {name: c / max(1, len(users)) for name, c in counts.items()}

    def drop_reasons(self, users: np.ndarray) -> dict[str, str]:
        """For channels that apply to none of ``users``: the English reason (from the first user)."""
        out: dict[str, str] = {}
        for name, s in self.applicable(users).items():
            if s == 0 and len(users):
                code = self.channels_[name].why_not(self.query(int(users[0]))) or "unknown"
                out[name] = DROP_REASONS.get(code, code)
        return out

    def register(self, name: str, config: FusionConfig) -> None:
        """Add a fusion config to evaluate in the shared pass."""
        if self.configs.get(name) == config:
            return
        self.configs[name] = config
        self._memo.clear()

    def recommend_all(
        self, users: np.ndarray, k: int, progress: ProgressFn | None = None
    ) -> dict[str, np.ndarray]:
        """Top-k lists of every registered config for ``users`` (:meth:`Ranker.rank_many`, memoised)."""
        users = np.asarray(users, dtype=np.int64)
        key = (users.tobytes(), k)
        if key in self._memo:
            return self._memo[key]
        t0 = time.perf_counter()
        out = self.ranker_.rank_many(self.queries(users), self.configs, k, progress)
        self.scoring_seconds = time.perf_counter() - t0
        self._memo = {key: out}
        return out

    def batch(self, users: np.ndarray, normalisations: Sequence[str] = ("minmax", "zscore", "rank"),
              progress: ProgressFn | None = None, channels: Sequence[str] | None = None) -> BatchScores:
        """Normalised channel scores of ``users`` held in memory, for fast repeated fusion (tuning).

        ``channels`` limits what is kept (default: every channel); leave out only channels that apply
        to none of ``users``, else fusion would differ from the ranking path's.
        """
        return BatchScores.build(self, users, normalisations, progress, channels)


class BatchScores:
    """Channel scores of many users, normalised once per method and kept as float32, fused per
    configuration by :func:`core.ranking.fusion.fused_scores` / :func:`~core.ranking.fusion.rank_batch`
    (the one fusion implementation). Up to float32 rounding of the normalised scores, the lists equal
    :meth:`ChannelSuite.recommend_all`'s (tested)."""

    def __init__(self, users: np.ndarray, scores: ScoreBatch, seen: sparse.csr_matrix) -> None:
        self.users = users
        self.scores = scores
        self.names = scores.names
        self.seen = seen

    @classmethod
    def build(cls, suite: ChannelSuite, users: np.ndarray, normalisations: Sequence[str],
              progress: ProgressFn | None = None, channels: Sequence[str] | None = None) -> BatchScores:
        """Score ``users`` with the channels of ``suite`` (all, or ``channels``) and normalise each row."""
        users = np.asarray(users, dtype=np.int64)
        names = tuple(c for c in suite.channels_ if channels is None or c in channels)
        n_items = suite.train.n_items
        raw = np.zeros((len(names), len(users), n_items), dtype=np.float32)
        applies = np.zeros((len(names), len(users)), dtype=bool)
        cubes = {m: np.zeros((len(names), len(users), n_items), dtype=np.float32) for m in normalisations}
        dropped: list[dict[str, str]] = []
        step = scoring_batch_size(n_items)
        for start in range(0, len(users), step):
            chunk = users[start : start + step]
            batch = suite.ranker_.score(suite.queries(chunk), only=names)
            rows = slice(start, start + len(chunk))
            at = [names.index(c) for c in batch.names]
            raw[at, rows] = batch.raw
            applies[at, rows] = batch.applies
            for method, cube in cubes.items():
                cube[at, rows] = components(batch, FusionConfig(normalisation=method))
            dropped.extend(batch.dropped)
            report(progress, min(1.0, (start + len(chunk)) / max(1, len(users))),
                   f"scored users {start + len(chunk)}/{len(users)}")
        scores = ScoreBatch(names, raw, applies, dropped, n_items)
        for method, cube in cubes.items():
            scores.cache[("norm", method)] = cube
        report(progress, 1.0, "scores ready")
        return cls(users, scores, suite.train.matrix[users])

    def fused(self, config: FusionConfig) -> np.ndarray:
        """Fused scores (n_users, n_items) float64 under ``config``; ineligible items -inf."""
        return fused_scores(self.scores, config, self.seen)

    def top_k(self, config: FusionConfig, k: int) -> np.ndarray:
        """Top-k item positions per user under ``config`` (``-1`` padded)."""
        return rank_batch(self.scores, replace(config, mmr_lambda=1.0), k, seen=self.seen)


class SuiteRecommender:
    """One registered fusion config of a :class:`ChannelSuite` as a :class:`Recommender`."""

    def __init__(self, suite: ChannelSuite, name: str, config: FusionConfig) -> None:
        self.suite = suite
        self.name = name
        self.config = config
        suite.register(name, config)

    def fit(self, train: Dataset) -> Self:
        """The suite is fitted once up front; ``train`` must be its training Dataset."""
        if train is not self.suite.train:
            raise ValueError("the channel suite was fitted on a different training dataset")
        return self

    def recommend(self, users: np.ndarray, k: int, exclude_seen: bool = True) -> np.ndarray:
        """This config's lists from the suite's shared scoring pass."""
        return self.suite.recommend_all(users, k)[self.name]
