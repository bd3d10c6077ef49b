"""How channel scores become one ranking: :class:`FusionWeights` and :class:`FusionConfig`.

Both are immutable and hashable (cache keys), compare by value (presets) and serialise to JSON. The
channels and their default weights come from :mod:`core.ranking.registry`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.ranking.registry import CHANNELS, DEFAULT_WEIGHTS


class FusionWeights(Mapping[str, float]):
    """One weight per registered channel; a weight of 0 switches the channel off.

    ``FusionWeights(mf=2.0)`` changes one weight and keeps the defaults of the others;
    :meth:`from_dict` sets every weight not given to 0. Unknown channel names raise ``ValueError``.
    Weights are read as ``weights["mf"]`` or ``weights.mf``.
    """

    __slots__ = ("_values",)
    _values: tuple[tuple[str, float], ...]

    def __init__(self, **weights: float) -> None:
        unknown = set(weights) - set(CHANNELS)
        if unknown:
            raise ValueError(f"unknown channel(s) {sorted(unknown)}; expected some of {list(CHANNELS)}")
        values = tuple((c, float(weights.get(c, DEFAULT_WEIGHTS[c]))) for c in CHANNELS)
        object.__setattr__(self, "_values", values)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FusionWeights is immutable; use with_(...)")

    def __getattr__(self, name: str) -> float:
        for key, value in object.__getattribute__(self, "_values"):
            if key == name:
                return float(value)
        raise AttributeError(name)

    def __getitem__(self, name: str) -> float:
        for key, value in self._values:
            if key == name:
                return value
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FusionWeights) and self._values == other._values

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return "FusionWeights(" + ", ".join(f"{k}={v:g}" for k, v in self._values) + ")"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_weights_from_items, (self._values,))

    def as_dict(self) -> dict[str, float]:
        """Weights keyed by channel name, in registry order."""
        return dict(self._values)

    def with_(self, **changes: float) -> FusionWeights:
        """A copy with some weights changed."""
        return FusionWeights(**(self.as_dict() | {k: float(v) for k, v in changes.items()}))

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> FusionWeights:
        """Build from a mapping; unknown keys raise ``ValueError``, missing keys default to 0."""
        unknown = set(values) - set(CHANNELS)
        if unknown:
            raise ValueError(f"unknown channel(s) {sorted(unknown)}; expected some of {list(CHANNELS)}")
        return cls(**{name: float(values.get(name, 0.0)) for name in CHANNELS})


def _weights_from_items(items: tuple[tuple[str, float], ...]) -> FusionWeights:
    return FusionWeights(**{k: v for k, v in items if k in CHANNELS})


@dataclass(frozen=True)
class FusionConfig:
    """How channel scores become one ranking (see :mod:`core.ranking.fusion`)."""

    weights: FusionWeights = field(default_factory=FusionWeights)
    normalisation: str = "minmax"  # "minmax" | "zscore" | "rank"
    method: str = "weighted"  # "weighted" | "rrf"
    rrf_k: int = 60
    mmr_lambda: float = 1.0  # 1.0 = no diversity re-rank
    exclude_seen: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {"weights": self.weights.as_dict(), "normalisation": self.normalisation, "method": self.method,
                "rrf_k": self.rrf_k, "mmr_lambda": self.mmr_lambda, "exclude_seen": self.exclude_seen}
