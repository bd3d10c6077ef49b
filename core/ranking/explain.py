"""Why each item was recommended: reason *codes* with evidence, deterministic and language-free.

For each item of a :class:`~core.ranking.fusion.FusionResult` the channels that lifted it most are asked
for their evidence (:meth:`core.ranking.base.Channel.explain`). *Lift* is a channel's contribution minus
what it adds to a typical (median) item (:attr:`~core.ranking.fusion.FusionResult.lift`): a channel that
gives every item about the same score explains nothing. At most ``max_reasons`` reasons, largest lift
first, each at least ``min_share`` of the item's total positive lift.

=============  ==========================  =====================================================
channel        codes                       evidence
=============  ==========================  =====================================================
semantic       ``semantic``                the positive tag whose vector is closest to the item
history        ``history_rated/_liked``    the liked history item closest in vector space
item_knn       ``co_liked``                the history item with the largest neighbour weight
ease, rp3beta  ``co_liked``                the history item with the largest item-item weight
mf             ``similar_users``           (latent factors name no single reason)
popularity     ``popular[_window]``        how many people interacted with it (in the window)
recency        ``fresh_year/_seen``        its year, or when it was first seen
graph          ``attributes_*``            the item's attributes carrying most PageRank mass
(avoided)      ``outside_avoided``         what the typed text rules out and the item is not
=============  ==========================  =====================================================

``outside_avoided`` (channel ``"avoided"``) leads the reasons when the typed text only says what to avoid
("no horror, no comedy"): there is nothing to search towards, the list is what the other channels rank
highest among the items left, and each item says so instead of claiming to match the interests.

The sentences live in the zh/en catalogue (``ui/i18n``: ``explain.<code>``), never here. No language
model, no randomness: the same inputs always give the same reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.ranking.base import Channel, Evidence
from core.ranking.fusion import FusionResult
from core.ranking.query import Query


@dataclass(frozen=True)
class Reason:
    """One channel's evidence for one item."""

    channel: str
    code: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Explanation:
    """The reasons for one recommended item, strongest first (empty: ranked high by the combination)."""

    item_idx: int
    reasons: tuple[Reason, ...]


def explain(
    result: FusionResult,
    query: Query,
    channels: Mapping[str, Channel],
    max_reasons: int = 2,
    min_share: float = 0.15,
    outside: Sequence[str] = (),
) -> list[Explanation]:
    """One :class:`Explanation` per item of ``result``, in rank order; with ``outside`` (the avoided tags
    that ruled items out, when nothing is searched towards) each starts with an ``outside_avoided`` reason."""
    out: list[Explanation] = []
    lead = (Reason("avoided", "outside_avoided", {"avoided": [str(x) for x in outside]}),) if outside else ()
    lift = result.lift
    for row, item in enumerate(result.items.tolist()):
        up = np.asarray(lift[row], dtype=np.float64)
        total = float(np.clip(up, 0.0, None).sum())
        order = sorted(range(len(result.channels)), key=lambda j: (-up[j], j))
        reasons: list[Reason] = []
        for j in order:
            if len(reasons) >= max_reasons or up[j] <= 1e-12:
                break
            if reasons and up[j] / total < min_share:
                break
            name = result.channels[j]
            channel = channels.get(name)
            evidence: Evidence | None = channel.explain(query, int(item)) if channel is not None else None
            if evidence is None:
                continue
            reason = Reason(name, evidence.code, dict(evidence.args))
            if all(r.code != reason.code or r.args != reason.args for r in reasons):
                reasons.append(reason)
        out.append(Explanation(int(item), lead + tuple(reasons)))
    return out
