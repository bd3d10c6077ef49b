"""Event logs: (user, item, timestamp, event type) rows without a value column become one count per pair.

Each event type carries a weight (:data:`DEFAULT_EVENT_WEIGHTS`: view 1, favourite 2, cart 3, purchase 5,
anything else 1) and a pair's value is the sum of its events' weights -- a weighted interaction count,
the implicit signal the collaborative models learn from. Event names are matched case- and
punctuation-insensitively, in English and Chinese (:data:`EVENT_SYNONYMS`: ``pv`` / ``click`` / 浏览 /
点击 are views, ``add_to_cart`` / 加购 are carts, ``buy`` / 购买 / 下单 are purchases, ``fav`` / 收藏 are
favourites). A weight the user sets for a canonical name (``view=2``) applies to all its synonyms; one
set for an exact name (``浏览=2``) to that name only; ``*`` or ``other`` sets the weight of unknown
types. A weight of 0 ignores that event type (pairs left with no weight are dropped).

The favourite weight (2, between a view and a cart) follows the common pv < fav < cart < buy ordering of
e-commerce logs such as Taobao's user-behaviour data; edit it like any other.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.common.errors import ConfigError, DataError

CANONICAL_EVENTS: tuple[str, ...] = ("view", "favourite", "cart", "purchase")
"""Event types with a default weight, weakest first."""

DEFAULT_EVENT_WEIGHTS: dict[str, float] = {"view": 1.0, "favourite": 2.0, "cart": 3.0, "purchase": 5.0, "other": 1.0}
"""Default weight per canonical event type; ``other`` is every type not recognised."""

EVENT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "view": ("view", "views", "viewed", "pv", "pageview", "detail", "detailview", "click", "clicks", "clicked",
             "impression", "play", "plays", "listen", "watch", "visit",
             "浏览", "点击", "查看", "观看", "播放", "访问", "曝光点击"),
    "favourite": ("favourite", "favorite", "fav", "favs", "like", "liked", "wishlist", "bookmark", "save", "saved",
                  "collect", "star", "收藏", "喜欢", "点赞", "关注"),
    "cart": ("cart", "addtocart", "addcart", "carted", "basket", "addtobasket",
             "加购", "加购物车", "加入购物车", "购物车"),
    "purchase": ("purchase", "purchased", "buy", "bought", "order", "ordered", "transaction", "checkout", "sale",
                 "pay", "paid", "购买", "下单", "成交", "支付", "付款", "购买成功"),
}
"""Names (normalised: lower case, no spaces, ``_`` or ``-``) recognised as each canonical event type."""

_CANONICAL_OF: dict[str, str] = {name: canon for canon, names in EVENT_SYNONYMS.items() for name in names}
_OTHER_KEYS = ("other", "others", "*", "其他", "其它")


def normalise_event(name: str) -> str:
    """An event name for matching: lower case, without whitespace, ``_``, ``-`` or ``.``."""
    return re.sub(r"[\s_\-.]+", "", str(name)).lower()


def canonical_event(name: str) -> str | None:
    """The canonical type (view / favourite / cart / purchase) a name stands for; None when unknown."""
    return _CANONICAL_OF.get(normalise_event(name))


def _weight(name: str, value: object) -> float:
    """A weight as a float: finite, 0 to 1,000,000; ConfigError otherwise."""
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(f"event weight for {name!r} must be a number, not {value!r}") from None
    if isinstance(value, bool) or not math.isfinite(out) or not 0.0 <= out <= 1e6:
        raise ConfigError(f"event weight for {name!r} must be a number from 0 to 1,000,000, not {value!r}")
    return out


def parse_event_weights(text: str) -> dict[str, float]:
    """``"view=1,cart=3,purchase=5"`` (also ``;`` / ``，`` separated, ``:`` allowed) -> weights; ConfigError when bad."""
    weights: dict[str, float] = {}
    for part in re.split(r"[,;，；]", str(text)):
        if not part.strip():
            continue
        match = re.fullmatch(r"\s*([^=:：]+?)\s*[=:：]\s*(.+?)\s*", part)
        name, value = (match.group(1), match.group(2)) if match else ("", "")
        if not name or not value:
            raise ConfigError(f"event weights are name=weight pairs separated by commas, got {part.strip()!r}")
        key = name.strip()
        if normalise_event(key) in {normalise_event(k) for k in weights}:
            raise ConfigError(f"event weight for {key!r} is given twice")
        weights[key] = _weight(key, value.strip())
    if not weights:
        raise ConfigError("no event weights given; expected e.g. view=1,cart=3,purchase=5")
    return weights


def check_event_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """Validated user weights (names stripped, values finite 0-1e6); empty for None."""
    return {str(k).strip(): _weight(str(k), v) for k, v in (weights or {}).items() if str(k).strip()}


def event_weight(name: str, weights: Mapping[str, float] | None = None) -> float:
    """The weight of one event type: the user's for this exact name, else for its canonical type, else the
    default of its canonical type, else the user's ``other`` / ``*``, else the default ``other`` (1)."""
    user = {normalise_event(k): float(v) for k, v in (weights or {}).items()}
    norm = normalise_event(name)
    if norm in user:
        return user[norm]
    canon = _CANONICAL_OF.get(norm)
    if canon is not None:
        return user.get(canon, DEFAULT_EVENT_WEIGHTS[canon])
    for key in _OTHER_KEYS:
        if key in user:
            return user[key]
    return DEFAULT_EVENT_WEIGHTS["other"]


@dataclass(frozen=True, eq=False)
class AggregatedEvents:
    """An event log summed per (user, item): ``frame`` has the canonical interaction columns (``rating`` =
    summed weight, ``timestamp`` = the pair's last event, ``event`` = its strongest event type)."""

    frame: pd.DataFrame
    weights: dict[str, float] = field(default_factory=dict)  # weight used per event type found
    n_events: int = 0
    n_pairs: int = 0
    n_dropped_pairs: int = 0  # pairs whose events all weigh 0

    def summary(self) -> dict[str, object]:
        """JSON-ready figures: events, pairs, dropped pairs and the weight of each event type."""
        return {"events": self.n_events, "pairs": self.n_pairs, "dropped_pairs": self.n_dropped_pairs,
                "weights": dict(self.weights)}


def aggregate_events(frame: pd.DataFrame, weights: Mapping[str, float] | None = None) -> AggregatedEvents:
    """Sum an event log (canonical interaction columns; ``rating`` ignored) into one row per user-item pair.

    Raises DataError when every pair weighs 0 (every event type present was given weight 0).
    """
    user_weights = check_event_weights(weights)
    need = {"user_id", "item_id", "timestamp", "event"}
    if not need <= set(frame.columns):
        raise DataError(f"an event log needs the columns {sorted(need)}; it has {sorted(map(str, frame.columns))}")
    events = frame["event"].fillna("").astype(str)
    names = pd.unique(events.to_numpy())
    used = {str(n): event_weight(str(n), user_weights) for n in names}
    w = events.map(used).to_numpy(np.float64)
    work = pd.DataFrame({
        "user_id": frame["user_id"].astype(str).to_numpy(), "item_id": frame["item_id"].astype(str).to_numpy(),
        "rating": w, "timestamp": pd.to_numeric(frame["timestamp"], errors="coerce").to_numpy(np.float64),
        "event": events.to_numpy(),
    })
    # the strongest event type of a pair: sort by weight (ties: the later event) and keep the last row
    order = work.assign(_row=np.arange(len(work))).sort_values(["rating", "timestamp", "_row"], kind="stable",
                                                                na_position="first")
    grouped = order.groupby(["user_id", "item_id"], sort=False)
    out = grouped.agg(rating=("rating", "sum"), timestamp=("timestamp", "max"), event=("event", "last"),
                      first=("_row", "min")).reset_index()
    out = out.sort_values("first", kind="stable").drop(columns="first").reset_index(drop=True)  # file order
    n_pairs = len(out)
    keep = out["rating"].to_numpy() > 0.0
    if n_pairs and not keep.any():
        raise DataError("every event type present has weight 0: no interaction is left")
    out = out.loc[keep].reset_index(drop=True)
    return AggregatedEvents(
        frame=out.loc[:, ["user_id", "item_id", "rating", "timestamp", "event"]], weights=used,
        n_events=len(frame), n_pairs=len(out), n_dropped_pairs=int(n_pairs - len(out)),
    )
