"""One user under the microscope: history, typed interests, the fused list and every channel's own list.

:func:`inspect_user` takes what an evaluation keeps (the :class:`~core.data.splits.Split`, the fitted
:class:`~core.evaluation.suite.ChannelSuite`, the chosen fusion config and ``k``) and returns a
:class:`UserInspection` of one training user:

- ``history``: the training interactions (what the models saw), newest first, with title, value and time;
- ``held_out``: the held-out interactions, each flagged ``relevant`` when it counts as a hit (the split's
  relevance rule, minus items already in training);
- ``tags``: the user's own free-text tags kept in training (the dataset's ``user_tags``; tags on held-out
  items are dropped by the split) and ``typed_texts``: interest texts typed for this user elsewhere (the
  caller passes them, e.g. the workspace's feedback events);
- ``fused``: the chosen configuration's top-k with each positive-weight channel's contribution to every
  item (:func:`core.evaluation.compare.list_entries`, the code compare's largest gains / losses use);
- ``channels``: each channel's own top-k (a config with only that channel weighted,
  :func:`~core.ranking.fusion.channel_only_config`, as evaluation's ``channel:<name>`` rows), or the reason
  the channel cannot score this user (:data:`~core.ranking.base.DROP_REASONS` code);
- per list, the user's accuracy metrics at ``k`` (:func:`core.evaluation.metrics.accuracy_per_user`).

Every list comes from one :meth:`~core.ranking.ranker.Ranker.rank_many` call (one scoring pass for all of
them), the path evaluation ranks through, so the fused list is the one the evaluation scored for this user.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.common.errors import ConfigError
from core.data.splits import Split
from core.evaluation import metrics as M
from core.evaluation.compare import ListEntry, list_entries
from core.evaluation.suite import ChannelSuite
from core.ranking.config import FusionConfig
from core.ranking.fusion import channel_only_config
from core.ranking.registry import CHANNELS

FUSED = "fused"
"""Name of the chosen configuration's list in :meth:`UserInspection.lists`."""
INSPECT_METRICS: tuple[str, ...] = ("ndcg", "recall", "precision", "hit_rate", "mrr", "map")
"""Per-user metrics of every list."""


@dataclass(frozen=True)
class HistoryRow:
    """One interaction of the user: item, title, value (rating, count …), time (NaN unknown), event."""

    item_id: str
    title: str
    value: float
    timestamp: float
    event: str = ""


@dataclass(frozen=True)
class HeldOutRow:
    """One held-out interaction; ``relevant``: it counts as a hit when listed."""

    item_id: str
    title: str
    value: float
    timestamp: float
    relevant: bool


@dataclass(frozen=True)
class TagRow:
    """A free-text tag the user wrote on an item (the dataset's ``user_tags``)."""

    tag: str
    item_id: str
    title: str
    timestamp: float


@dataclass(frozen=True)
class UserList:
    """One ranked list for the user: ``name`` (:data:`FUSED` or ``channel:<name>``), its config, the entries
    (held-out relevant items marked; contributions on the fused list), per-user metrics at k, or ``reason``
    (a drop-reason code) when the channel cannot score this user and there is no list."""

    name: str
    config: FusionConfig
    entries: tuple[ListEntry, ...]
    metrics: dict[str, float]
    reason: str | None = None

    @property
    def hits(self) -> int:
        """How many listed items are held-out relevant items."""
        return sum(e.held_out for e in self.entries)

    @property
    def channel(self) -> str | None:
        """The channel of a ``channel:<name>`` list (None for the fused list)."""
        return self.name.split(":", 1)[1] if self.name.startswith("channel:") else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = {"name": self.name, "hits": self.hits,
                               "metrics": {m: _num(v) for m, v in self.metrics.items()},
                               "items": [_entry_dict(e) for e in self.entries]}
        if self.reason is not None:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class UserInspection:
    """Everything :func:`inspect_user` found for one user (see the module doc)."""

    user_id: str
    k: int
    label: str
    history: tuple[HistoryRow, ...]
    held_out: tuple[HeldOutRow, ...]
    tags: tuple[TagRow, ...]
    fused: UserList
    channels: tuple[UserList, ...]
    typed_texts: tuple[str, ...] = field(default_factory=tuple)

    @property
    def relevant_ids(self) -> frozenset[str]:
        """Item ids of the held-out relevant items (the hits)."""
        return frozenset(r.item_id for r in self.held_out if r.relevant)

    @property
    def evaluated(self) -> bool:
        """Whether the user has held-out relevant items (is one of the split's evaluated users)."""
        return any(r.relevant for r in self.held_out)

    def lists(self) -> tuple[UserList, ...]:
        """The fused list, then every channel's."""
        return (self.fused, *self.channels)

    def to_dict(self) -> dict[str, Any]:
        """One JSON-ready object (non-finite numbers become null)."""
        return {
            "user_id": self.user_id, "k": self.k, "configuration": self.label,
            "fusion": self.fused.config.to_dict(),
            "history": [{"item_id": h.item_id, "title": h.title, "value": _num(h.value),
                         "timestamp": _num(h.timestamp), "event": h.event} for h in self.history],
            "held_out": [{"item_id": h.item_id, "title": h.title, "value": _num(h.value),
                          "timestamp": _num(h.timestamp), "relevant": h.relevant} for h in self.held_out],
            "tags": [{"tag": g.tag, "item_id": g.item_id, "title": g.title, "timestamp": _num(g.timestamp)}
                     for g in self.tags],
            "typed_texts": list(self.typed_texts),
            "lists": [lst.as_dict() for lst in self.lists()],
        }


def _num(value: float, digits: int = 6) -> float | None:
    return round(float(value), digits) if math.isfinite(value) else None


def _entry_dict(entry: ListEntry) -> dict[str, Any]:
    out: dict[str, Any] = {"rank": entry.rank, "item_id": entry.item_id, "title": entry.title,
                           "held_out": entry.held_out}
    if entry.contributions is not None:
        out["contributions"] = {c: _num(v) for c, v in entry.contributions}
    return out


def _user_position(split: Split, user: str | int) -> int:
    """The training ``user_idx`` of a user id (text) or position (int); ConfigError for an unknown one."""
    train = split.train
    if isinstance(user, (int, np.integer)) and not isinstance(user, bool):
        if not 0 <= int(user) < train.n_users:
            raise ConfigError(f"user position {int(user)} is outside the training data (0-{train.n_users - 1})")
        return int(user)
    idx = train.user_index.get(str(user))
    if idx is None:
        raise ConfigError(f"user {str(user)[:60]!r} has no training interactions in this split")
    return int(idx)


def _frame_rows(frame: pd.DataFrame, titles: list[str]) -> list[tuple[str, str, float, float, str]]:
    """(item id, title, value, time, event) per row of an interaction frame, newest first (stable)."""
    ts = frame["timestamp"].to_numpy(dtype=np.float64)
    order = np.argsort(-np.nan_to_num(ts, nan=-np.inf), kind="stable")
    ids, values = frame["item_id"].astype(str).to_numpy(), frame["rating"].to_numpy(dtype=np.float64)
    events = frame["event"].astype(str).to_numpy() if "event" in frame else np.full(len(frame), "")
    return [(str(ids[i]), titles[i], float(values[i]), float(ts[i]), str(events[i])) for i in order]


def user_history(split: Split, user: str | int) -> tuple[tuple[HistoryRow, ...], tuple[HeldOutRow, ...]]:
    """The user's training interactions and held-out interactions (``relevant`` marked), newest first."""
    train = split.train
    u = _user_position(split, user)
    uid = str(train.user_ids[u])
    hist = train.user_history(uid)
    history = tuple(HistoryRow(*row) for row in _frame_rows(hist, train.titles(hist["item_idx"].to_numpy())))
    held = split.held_out[split.held_out["user_id"].astype(str) == uid]
    relevant = split.relevant.get(u, frozenset())
    rel_ids = {str(train.item_ids[i]) for i in relevant}
    held_rows = tuple(HeldOutRow(i, t, v, ts, i in rel_ids)
                      for i, t, v, ts, _ in _frame_rows(held, train.titles(held["item_idx"].to_numpy())))
    return history, held_rows


def user_tags(split: Split, user: str | int) -> tuple[TagRow, ...]:
    """The user's free-text tags in the training data, newest first (none when the dataset has no tags)."""
    train = split.train
    tags = train.user_tags
    if tags is None or len(tags) == 0:
        return ()
    uid = str(train.user_ids[_user_position(split, user)])
    mine = tags[tags["user_id"].astype(str) == uid]
    ts = (mine["timestamp"].to_numpy(dtype=np.float64) if "timestamp" in mine
          else np.full(len(mine), np.nan))
    order = np.argsort(-np.nan_to_num(ts, nan=-np.inf), kind="stable")
    items = mine["item_id"].astype(str).to_numpy()
    texts = mine["tag"].astype(str).to_numpy()
    positions = [train.item_index.get(str(i)) for i in items]
    titles = [train.titles([p])[0] if p is not None else "" for p in positions]
    return tuple(TagRow(str(texts[i]), str(items[i]), titles[i], float(ts[i])) for i in order)


def default_channels(suite: ChannelSuite, config: FusionConfig) -> list[str]:
    """The channels whose own lists are shown by default: the fitted ones the config gives a weight."""
    return [c for c in CHANNELS if c in suite.channels_ and config.weights.get(c, 0.0) > 0]


def inspect_user(
    split: Split,
    suite: ChannelSuite,
    config: FusionConfig,
    user: str | int,
    *,
    k: int = 10,
    channels: Sequence[str] | None = None,
    channel_base: FusionConfig | None = None,
    label: str = FUSED,
    typed_texts: Sequence[str] = (),
    metrics: Sequence[str] = INSPECT_METRICS,
) -> UserInspection:
    """One user's history, typed interests, the fused list of ``config`` and each channel's own list.

    ``suite`` must be fitted on ``split.train``; ``user`` is a user id (text) or training position.
    ``channels`` (default :func:`default_channels`) are ranked alone with
    ``channel_only_config(name, channel_base or config)`` -- pass the evaluation's base config to get its
    ``channel:<name>`` lists exactly. ``label`` names the fused configuration in the result."""
    if k < 1:
        raise ConfigError("k must be at least 1")
    if suite.train is not split.train:
        raise ConfigError("the channel suite was fitted on a different training dataset than the split's")
    u = _user_position(split, user)
    wanted = list(channels) if channels is not None else default_channels(suite, config)
    unknown = [c for c in wanted if c not in CHANNELS]
    if unknown:
        raise ConfigError(f"unknown channel(s) {', '.join(map(str, unknown))}; expected some of {', '.join(CHANNELS)}")
    query = suite.query(u)
    reasons: dict[str, str] = {}
    for name in wanted:
        channel = suite.channels_.get(name)
        reason = "not_fitted" if channel is None else channel.why_not(query)
        if reason is not None:
            reasons[name] = reason
    base = channel_base or config
    configs = {FUSED: config} | {f"channel:{c}": channel_only_config(c, base) for c in wanted if c not in reasons}
    ranked = suite.ranker_.rank_many([query], configs, k)
    relevant = split.relevant.get(u, frozenset())
    names = list(configs)
    per_user = M.accuracy_per_user(np.vstack([ranked[n] for n in names]), [relevant] * len(names), k,
                                   tuple(metrics))
    scores = {n: {m: float(per_user[m][row]) for m in metrics} for row, n in enumerate(names)}
    train = split.train
    fused = UserList(FUSED, config, list_entries(train, ranked[FUSED][0], relevant, suite=suite, user=u,
                                                 config=config, k=k), scores[FUSED])
    lists = []
    for name in wanted:
        key = f"channel:{name}"
        if name in reasons:
            lists.append(UserList(key, channel_only_config(name, base), (), {}, reasons[name]))
        else:
            lists.append(UserList(key, configs[key], list_entries(train, ranked[key][0], relevant), scores[key]))
    history, held_out = user_history(split, u)
    texts = tuple(dict.fromkeys(s.strip() for s in typed_texts if s and s.strip()))
    return UserInspection(user_id=str(train.user_ids[u]), k=k, label=label, history=history, held_out=held_out,
                          tags=user_tags(split, u), fused=fused, channels=tuple(lists), typed_texts=texts)
