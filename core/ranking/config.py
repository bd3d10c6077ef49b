"""How channel scores become one ranking: :class:`FusionWeights` and :class:`FusionConfig`.

Both are immutable and hashable (cache keys), compare by value (presets) and serialise to JSON. The
channels and their default weights come from :mod:`core.ranking.registry`.

:func:`check_weights` is the one validation of weights a person gives: the CLI's ``--weights``, the Tuning
page's sliders and presets (:mod:`core.ranking.presets`, whose schema uses the same :data:`MAX_WEIGHT`) all
go through it, so the same weights are accepted or refused everywhere, with the same reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.common.errors import ConfigError
from core.ranking.registry import CHANNELS, DEFAULT_WEIGHTS

MAX_WEIGHT = 10.0
"""The largest weight a channel may be given (presets, the CLI's ``--weights``, the sliders)."""

WEIGHT_PROBLEMS: tuple[str, ...] = ("unknown_channel", "not_a_number", "not_finite", "negative", "too_large",
                                    "all_zero")
"""The codes of :class:`WeightsError` (the UI words each one in ``ui/i18n``: ``tuning.weights_error.<code>``)."""


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


class WeightsError(ConfigError):
    """Weights refused by :func:`check_weights`: ``code`` (one of :data:`WEIGHT_PROBLEMS`), the ``channel``
    at fault (None for ``all_zero``) and its ``value`` as short text; ``str()`` is an English sentence."""

    def __init__(self, message: str, code: str, channel: str | None = None, value: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.channel = channel
        self.value = value


def _short(value: object, limit: int = 24) -> str:
    """A bounded text of a user-given value (a 4,300-digit integer is not echoed whole)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**18:
        return f"an integer of about {int(abs(value).bit_length() * math.log10(2)) + 1:,} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_weights(values: Mapping[str, object], *, what: str = "weights") -> FusionWeights:
    """The one check of user-given weights: known channels, each a finite number in [0, MAX_WEIGHT], not
    all zero; channels not given get 0. Returns the :class:`FusionWeights`, else raises :class:`WeightsError`
    whose message starts with ``what`` (e.g. ``"--weights"``)."""
    unknown = sorted(str(k) for k in values if k not in CHANNELS)
    if unknown:
        names = ", ".join(_short(k) for k in unknown[:3]) + (" ..." if len(unknown) > 3 else "")
        raise WeightsError(f"{what}: unknown channel {names}; use some of {', '.join(CHANNELS)}",
                           "unknown_channel", unknown[0], _short(unknown[0]))
    out: dict[str, float] = {}
    for name, value in values.items():
        shown = _short(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise WeightsError(f"{what}: the weight of {name!r} must be a number, got {shown}",
                               "not_a_number", name, shown)
        if isinstance(value, int) and abs(value) > MAX_WEIGHT:  # compared exactly: float() of a huge int overflows
            code = "negative" if value < 0 else "too_large"
            raise WeightsError(f"{what}: the weight of {name!r} is {shown}; it must be between 0 and {MAX_WEIGHT:g}",
                               code, name, shown)
        number = float(value)
        if not math.isfinite(number):
            raise WeightsError(f"{what}: the weight of {name!r} is {shown}; it must be a finite number",
                               "not_finite", name, shown)
        if number < 0 or number > MAX_WEIGHT:
            code = "negative" if number < 0 else "too_large"
            raise WeightsError(f"{what}: the weight of {name!r} is {shown}; it must be between 0 and {MAX_WEIGHT:g}",
                               code, name, shown)
        out[str(name)] = number
    if not any(w > 0 for w in out.values()):
        raise WeightsError(f"{what}: every channel weight is 0, so there is nothing to rank by; "
                           "give at least one channel a weight above 0", "all_zero")
    return FusionWeights.from_dict(out)


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
