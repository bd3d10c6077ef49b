"""Deterministic, template-based reasons for recommended items, in Chinese and English.

For each item of a :class:`~core.ranking.fusion.FusionResult` the channels that lifted it most are turned into
short clauses with concrete evidence. *Lift* is a channel's contribution minus what it adds to a
typical (median) item (:attr:`core.ranking.fusion.FusionResult.lift`): a channel that gives every item about
the same score explains nothing. At most ``max_reasons`` clauses, largest lift first, each at least
``min_share`` of the item's total positive lift:

=============  ==========================================================================================
channel        clause (evidence)
=============  ==========================================================================================
semantic       matches your interest “tag” (the positive tag whose vector is closest to the item)
history        because you rated “X” highly (the highly-rated history item closest in vector space)
item_knn       people who liked “X” also liked this (the history item with the largest neighbour weight)
mf             people with similar taste liked it
popularity     popular: N people interacted with it (in the last D days)
recency        recent: from YEAR / new: first seen DATE
graph          shares “A” and “B” with what you like (the item's attributes carrying most PageRank mass)
=============  ==========================================================================================

No language model, no randomness: the same inputs always give the same strings. The strings are plain
text (titles are quoted, never marked up); the UI must still render them as text, not HTML.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from core.data.dataset import Dataset
from core.ranking.channels import (
    Channel,
    GraphChannel,
    ItemKNNChannel,
    PopularityChannel,
    Query,
    RecencyChannel,
    TagLike,
    positive_tags,
    unit_vector,
)
from core.ranking.fusion import FusionResult


@dataclass(frozen=True)
class Reason:
    """One clause: which channel, what kind of evidence, the text in both languages, and the evidence."""

    channel: str
    kind: str
    zh: str
    en: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Explanation:
    """The reason for one recommended item (full sentences in both languages plus their clauses)."""

    item_idx: int
    zh: str
    en: str
    reasons: tuple[Reason, ...]

    def text(self, lang: str = "en") -> str:
        """The sentence in ``lang`` ("zh" or "en")."""
        return self.zh if lang == "zh" else self.en


def _short(title: str, limit: int = 60) -> str:
    title = " ".join(str(title).split())
    return title if len(title) <= limit else title[: limit - 1] + "…"


@dataclass
class _History:
    items: np.ndarray  # item indices, best-rated first
    ratings: np.ndarray
    liked: np.ndarray  # subset of items considered "rated highly" / liked
    explicit: bool  # ratings vary, so "rated highly" is meaningful


def _history(dataset: Dataset, user_id: str | None) -> _History | None:
    if user_id is None or str(user_id) not in dataset.user_index:
        return None
    hist = dataset.user_history(str(user_id))
    if hist.empty:
        return None
    best = hist.groupby("item_idx", sort=True)["rating"].max()
    items = best.index.to_numpy(np.int64)
    ratings = best.to_numpy(np.float64)
    order = np.lexsort((items, -ratings))
    items, ratings = items[order], ratings[order]
    explicit = bool(np.ptp(ratings) > 0)
    if explicit:
        cut = max(float(np.mean(ratings)), float(np.quantile(ratings, 0.5)))
        liked = items[ratings >= cut]
    else:
        liked = items
    return _History(items, ratings, liked if liked.size else items, explicit)


class Explainer:
    """Builds :class:`Explanation` objects for one query from a fusion result.

    ``channels`` (fitted, as from :func:`core.ranking.channels.build_channels`) supply channel-specific evidence
    (graph attributes, item neighbours, windowed popularity); without them the clauses fall back to
    what the dataset and item vectors alone can say.
    """

    def __init__(
        self,
        dataset: Dataset,
        channels: Mapping[str, Channel] | None = None,
        item_vectors: np.ndarray | None = None,
    ) -> None:
        self.dataset = dataset
        self.channels = dict(channels or {})
        vecs = None if item_vectors is None else np.asarray(item_vectors, dtype=np.float32)
        if vecs is not None:
            norms = np.linalg.norm(vecs, axis=1, keepdims=True)
            vecs = np.divide(vecs, norms, out=np.zeros_like(vecs), where=norms > 0)
        self.item_vectors = vecs
        # per-item columns as plain arrays: indexing a pandas (Arrow) column converts all of it per call
        self._titles = dataset.items["title"].astype(str).to_numpy(dtype=object)
        self._years = dataset.items["year"].to_numpy(dtype=np.float64)
        self._history_cache: OrderedDict[str, _History | None] = OrderedDict()

    def _title(self, item: int) -> str:
        return str(self._titles[item])

    def history(self, user_id: str | None) -> _History | None:
        """The user's history summary, cached per user (a slider move re-explains the same user)."""
        if user_id is None:
            return None
        key = str(user_id)
        if key in self._history_cache:
            self._history_cache.move_to_end(key)
            return self._history_cache[key]
        value = _history(self.dataset, key)
        self._history_cache[key] = value
        while len(self._history_cache) > 64:
            self._history_cache.popitem(last=False)
        return value

    # --- evidence finders ---------------------------------------------------------------------

    def matched_tag(self, query: Query, item: int) -> tuple[TagLike, float] | None:
        """The positive interest tag closest to the item (cosine), or one whose text the item carries."""
        if query.profile is None:
            return None
        tags = positive_tags(query.profile)
        if not tags:
            return None
        if self.item_vectors is not None:
            best: tuple[TagLike, float] | None = None
            for tag in tags:
                vec = unit_vector(np.asarray(tag.vector)) if tag.vector is not None else None
                if vec is None or vec.shape[0] != self.item_vectors.shape[1]:
                    continue
                sim = float(self.item_vectors[item] @ vec)
                if best is None or sim > best[1] + 1e-12:
                    best = (tag, sim)
            if best is not None:
                return best
        row = self.dataset.items.iloc[item]
        words = " ".join([str(row["title"]), str(row["category"]), *map(str, row["tags"])]).lower()
        for tag in tags:
            if str(tag.text).strip() and str(tag.text).strip().lower() in words:
                return (tag, 1.0)
        return None

    def closest_history(self, history: _History, item: int) -> tuple[int, float] | None:
        """The liked history item whose vector is closest to ``item`` (ties: better rating first)."""
        if self.item_vectors is None or history.liked.size == 0:
            return None
        sims = self.item_vectors[history.liked] @ self.item_vectors[item]
        j = int(np.argmax(sims))
        return int(history.liked[j]), float(sims[j])

    def knn_source(self, history: _History, item: int) -> tuple[int, float] | None:
        """The history item with the largest item-kNN similarity to ``item``."""
        channel = self.channels.get("item_knn")
        if not isinstance(channel, ItemKNNChannel):
            return None
        return channel.neighbours_in(item, history.items)

    # --- clauses ------------------------------------------------------------------------------

    def _clause(self, name: str, item: int, query: Query, history: _History | None) -> Reason | None:
        if name == "semantic":
            return self._semantic_clause(item, query)
        if name == "history" and history is not None:
            return self._history_clause(item, history)
        if name == "item_knn" and history is not None:
            return self._knn_clause(item, history)
        if name == "mf":
            return Reason(name, "similar_users", "和你口味相似的人也喜欢它",
                          "people with similar taste liked it")
        if name == "popularity":
            return self._popularity_clause(item, query)
        if name == "recency":
            return self._recency_clause(item)
        if name == "graph":
            return self._graph_clause(item, query, history)
        return None

    def _semantic_clause(self, item: int, query: Query) -> Reason:
        hit = self.matched_tag(query, item)
        if hit is None:
            return Reason("semantic", "interest", "符合你输入的兴趣", "matches your typed interests")
        tag, sim = hit
        text = _short(tag.text, 30)
        return Reason("semantic", "interest", f"符合你的兴趣「{text}」", f"matches your interest “{text}”",
                      {"tag": tag.text, "similarity": sim})

    def _history_clause(self, item: int, history: _History) -> Reason | None:
        hit = self.closest_history(history, item)
        if hit is None:
            return None
        j, sim = hit
        title = _short(self._title(j))
        evidence = {"item_idx": j, "similarity": sim}
        if history.explicit:
            zh = f"因为你给《{title}》打了高分"
            return Reason("history", "history", zh, f"because you rated “{title}” highly", evidence)
        zh = f"因为你喜欢《{title}》"
        return Reason("history", "history", zh, f"because you liked “{title}”", evidence)

    def _knn_clause(self, item: int, history: _History) -> Reason:
        hit = self.knn_source(history, item)
        if hit is None:
            return Reason("item_knn", "similar_users", "和你口味相似的人也喜欢它",
                          "people with similar taste liked it")
        j, sim = hit
        title = _short(self._title(j))
        return Reason("item_knn", "co_liked", f"喜欢《{title}》的人也喜欢它",
                      f"people who liked “{title}” also liked this", {"item_idx": j, "similarity": sim})

    def _popularity_clause(self, item: int, query: Query) -> Reason:
        channel = self.channels.get("popularity")
        window = None
        if isinstance(channel, PopularityChannel):
            count = int(channel.counts(query.now)[item])
            window = channel.window_days if channel.t_max_ is not None else None
        else:
            count = int(self.dataset.item_popularity[item])
        if window is not None:
            days = round(window)
            return Reason("popularity", "popular", f"近 {days} 天有 {count} 位用户与它互动",
                          f"popular: {count} people interacted with it in the last {days} days",
                          {"count": count, "window_days": days})
        return Reason("popularity", "popular", f"热门：{count} 位用户与它互动过",
                      f"popular: {count} people interacted with it", {"count": count})

    def _graph_clause(self, item: int, query: Query, history: _History | None) -> Reason | None:
        channel = self.channels.get("graph")
        attrs = channel.shared_attributes(query, item) if isinstance(channel, GraphChannel) else []
        if not attrs:
            return None
        zh_attrs = "".join(f"「{_short(a, 24)}」" for a in attrs)
        en_attrs = " and ".join(f"“{_short(a, 24)}”" for a in attrs)
        target_zh = "你喜欢的内容" if history is not None else "你的兴趣"
        target_en = "what you like" if history is not None else "your interests"
        return Reason("graph", "attributes", f"与{target_zh}同属{zh_attrs}",
                      f"shares {en_attrs} with {target_en}", {"attributes": list(attrs)})

    def _recency_clause(self, item: int) -> Reason | None:
        channel = self.channels.get("recency")
        year = float(self._years[item])
        basis = channel.basis_ if isinstance(channel, RecencyChannel) else "year"
        if basis == "year" and math.isfinite(year):
            y = int(year)
            return Reason("recency", "fresh", f"较新的作品（{y} 年）", f"recent: from {y}", {"year": y})
        if isinstance(channel, RecencyChannel) and math.isfinite(float(channel.item_time_[item])):
            when = datetime.fromtimestamp(float(channel.item_time_[item]), tz=UTC)
            return Reason("recency", "fresh", f"新近上架（{when.year}年{when.month}月{when.day}日）",
                          f"new: first seen {when:%d %b %Y}", {"time": float(channel.item_time_[item])})
        return None

    # --- the public entry point -----------------------------------------------------------------

    def explain(
        self,
        result: FusionResult,
        query: Query,
        max_reasons: int = 2,
        min_share: float = 0.15,
    ) -> list[Explanation]:
        """One :class:`Explanation` per item of ``result``, in rank order."""
        history = self.history(query.user_id)
        out: list[Explanation] = []
        lift = result.lift
        for row, item in enumerate(result.items.tolist()):
            # order channels by how far they lifted this item above a typical item (contribution minus
            # the channel's median contribution), so a channel that gives everything the same does not
            # claim the credit
            up = np.asarray(lift[row], dtype=np.float64)
            total = float(np.clip(up, 0.0, None).sum())
            order = sorted(range(len(result.channels)), key=lambda j: (-up[j], j))
            reasons: list[Reason] = []
            for j in order:
                if len(reasons) >= max_reasons or up[j] <= 1e-12:
                    break
                if reasons and up[j] / total < min_share:
                    break
                reason = self._clause(result.channels[j], int(item), query, history)
                if reason is not None and all(r.kind != reason.kind or r.zh != reason.zh for r in reasons):
                    reasons.append(reason)
            out.append(_sentence(int(item), reasons))
        return out


def _sentence(item: int, reasons: Sequence[Reason]) -> Explanation:
    if not reasons:
        return Explanation(item, "综合各项信号排序靠前。", "Ranked high by the combined signals.", ())
    zh = "；".join(r.zh for r in reasons) + "。"
    en = "; ".join(r.en for r in reasons)
    en = en[:1].upper() + en[1:] + "."
    return Explanation(item, zh, en, tuple(reasons))


def explain(
    result: FusionResult,
    query: Query,
    dataset: Dataset,
    channels: Mapping[str, Channel] | None = None,
    item_vectors: np.ndarray | None = None,
    max_reasons: int = 2,
) -> list[Explanation]:
    """Reasons for every item of ``result`` (see :class:`Explainer`)."""
    return Explainer(dataset, channels, item_vectors).explain(result, query, max_reasons=max_reasons)
