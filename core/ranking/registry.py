"""The list of scoring channels, their parameters, and fitting them all.

Adding a channel: write one module under :mod:`core.ranking.channels` (copy
:mod:`~core.ranking.channels.popularity`) and add its class to :data:`CHANNEL_TYPES`. Its name, default
fusion weight and parameters then reach fusion, presets, evaluation and the Tuning page from here; the
UI needs its label in ``ui/i18n`` (``tuning.channel.<name>``) and its evidence sentences
(``explain.<code>``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from core.common.errors import ConfigError
from core.common.progress import ProgressFn, report
from core.ranking.base import Channel, ChannelContext
from core.ranking.channels.ease import EASEChannel
from core.ranking.channels.gist import GistChannel
from core.ranking.channels.graph import GraphChannel
from core.ranking.channels.history import HistoryChannel
from core.ranking.channels.item_knn import ItemKNNChannel
from core.ranking.channels.learned import LearnedChannel
from core.ranking.channels.mf import MFChannel
from core.ranking.channels.popularity import PopularityChannel
from core.ranking.channels.recency import RecencyChannel
from core.ranking.channels.rp3beta import RP3betaChannel
from core.ranking.channels.semantic import SemanticChannel

CHANNEL_TYPES: tuple[Any, ...] = (
    SemanticChannel,
    GistChannel,
    HistoryChannel,
    MFChannel,
    ItemKNNChannel,
    EASEChannel,
    RP3betaChannel,
    PopularityChannel,
    RecencyChannel,
    GraphChannel,
    LearnedChannel,
)
"""Every channel class, in display order."""

CHANNELS: tuple[str, ...] = tuple(c.name for c in CHANNEL_TYPES)
"""Channel names, in display order."""

DEFAULT_WEIGHTS: dict[str, float] = {c.name: float(c.default_weight) for c in CHANNEL_TYPES}
"""Each channel's fusion weight in the default configuration."""

_BY_NAME: dict[str, Any] = {c.name: c for c in CHANNEL_TYPES}


def channel_type(name: str) -> Any:
    """The channel class registered under ``name``."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ConfigError(f"unknown channel {name!r}; expected one of {list(CHANNELS)}") from None


@dataclass(frozen=True)
class ChannelParams:
    """Every channel's parameters (hashable, so usable as a cache key).

    ``channels`` pairs a channel name with its ``Params`` instance; a channel not listed uses its
    defaults. ``random_state`` / ``num_threads`` reach the channels that train models. Build one with
    :meth:`of`: ``ChannelParams.of(mf={"factors": 16}, item_knn={"k": 20})``.
    """

    channels: tuple[tuple[str, Any], ...] = ()
    random_state: int = 42
    num_threads: int = 2

    @classmethod
    def of(cls, *, random_state: int = 42, num_threads: int = 2, **by_channel: Any) -> ChannelParams:
        """Parameters from ``name=dict(...)`` or ``name=Params(...)`` per channel."""
        out = cls(random_state=random_state, num_threads=num_threads)
        for name, value in by_channel.items():
            out = out.with_channel(name, **(dict(value) if isinstance(value, Mapping) else _asdict(value)))
        return out

    def get(self, name: str) -> Any:
        """The ``Params`` of channel ``name`` (its defaults when not set)."""
        for key, value in self.channels:
            if key == name:
                return value
        return channel_type(name).Params()

    def with_channel(self, name: str, **changes: Any) -> ChannelParams:
        """A copy with some of channel ``name``'s parameters changed (unknown names raise ConfigError)."""
        current = self.get(name)
        known = {f.name for f in fields(current)}
        unknown = set(changes) - known
        if unknown:
            raise ConfigError(f"channel {name!r} has no parameter(s) {sorted(unknown)}; it has {sorted(known)}")
        updated = replace(current, **changes)
        rest = tuple((k, v) for k, v in self.channels if k != name)
        order = {c: i for i, c in enumerate(CHANNELS)}
        return replace(self, channels=tuple(sorted((*rest, (name, updated)), key=lambda kv: order[kv[0]])))


def _asdict(params: Any) -> dict[str, Any]:
    return {f.name: getattr(params, f.name) for f in fields(params)}


def make_channels(params: ChannelParams | None = None) -> dict[str, Channel]:
    """Unfitted channels in :data:`CHANNELS` order, configured from ``params``."""
    p = params or ChannelParams()
    return {c.name: c(p.get(c.name)) for c in CHANNEL_TYPES}


def build_channels(
    ctx: ChannelContext, params: ChannelParams | None = None, progress: ProgressFn | None = None,
    only: Collection[str] | None = None,
) -> dict[str, Channel]:
    """Fit every channel (or those in ``only``) on ``ctx`` (in :data:`CHANNELS` order); return them by name."""
    p = params or ChannelParams()
    ctx = replace(ctx, random_state=p.random_state, num_threads=p.num_threads)
    channels = {n: c for n, c in make_channels(p).items() if only is None or n in only}
    for i, (name, channel) in enumerate(channels.items()):
        report(progress, i / len(channels), f"fitting {name}")
        channel.fit(ctx)
    report(progress, 1.0, "channels ready")
    return channels
