"""The signal: what a dataset's value column (``rating``) measures, declared by the user or guessed.

Four kinds (:data:`core.data.confidence.SIGNAL_KINDS`):

============  ======================================================================================
``explicit``  a rating on a bounded scale (MovieLens 0.5-5 stars, 1-10 scores); :attr:`Signal.scale`
``count``     an implicit count: plays, clicks, purchases (non-negative integers, heavy-tailed)
``binary``    an event happened (every value 1, or 0/1); no value column at all is binary too
``duration``  watch / listen time (non-negative numbers on a wide, continuous range)
============  ======================================================================================

:func:`guess_signal` reads the values and returns the kind with a stable reason ``code`` and the figures
behind it (the UI translates the code; :meth:`Signal.describe` is the English sentence, e.g. "integers
1-13,883, median 3, 98 % <= 50 -> counts"). Rules, first match wins:

1. no value column -> binary (``no_value_column``); no finite value -> binary (``no_values``)
2. one distinct value, or only 0 and 1 -> binary (``one_value`` / ``zero_one``)
3. any negative value -> explicit on the observed range (``negative_values``: like/dislike scores)
4. integers up to at most 10 whose most frequent value is the smallest and whose frequencies fall as
   the value grows, with more than half at the smallest -> count (``small_counts``)
5. a grid of whole or half steps within 0-10 (at most 21 distinct values) -> explicit with the scale
   snapped to 5 or 10 (``rating_grid``)
6. other non-negative integers (max above 10) -> count (``integer_counts``)
7. numbers within 0-1 -> explicit with the scale 0-1 (``fractions``); other numbers within 0-10 ->
   explicit, scale snapped to 5 or 10 (``bounded_numbers``)
8. anything else (non-negative numbers beyond 10) -> duration (``continuous``)

The evaluation default (:func:`core.data.splits.relevance_rule`) and the mf channel's confidence default
(:func:`core.data.confidence.default_confidence`) follow the kind.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.common.errors import ConfigError
from core.data.confidence import SIGNAL_KINDS

Figure = tuple[str, float | int | str]

REASONS: dict[str, str] = {
    "declared": "declared with the dataset",
    "no_value_column": "no value column: every interaction counts once",
    "no_values": "no numeric value",
    "one_value": "every value is {value:g}",
    "zero_one": "only 0 and 1 ({share_one:.0%} ones)",
    "negative_values": "values from {min:g} to {max:g}, some negative: a like/dislike scale",
    "small_counts": "integers {min:g}-{max:g}, {share_min:.0%} at {min:g} and fewer at each higher value: counts",
    "rating_grid": "{distinct} distinct values on a {step:g} grid from {min:g} to {max:g}: a rating scale",
    "integer_counts": "integers {min:,.0f}-{max:,.0f}, median {median:,.0f}, {share_le_50:.0%} <= 50: counts",
    "fractions": "numbers between {min:g} and {max:g}: scores on a 0-1 scale",
    "bounded_numbers": "numbers between {min:g} and {max:g}: scores on a bounded scale",
    "continuous": "numbers {min:,.4g}-{max:,.4g}, median {median:,.4g}, {distinct_share:.0%} distinct: durations",
    "events_aggregated": "{events:,} events of {types} type(s) summed into {pairs:,} user-item pairs",
}
"""Stable reason codes and their English templates (figures fill the fields; the UI translates by code)."""

KIND_LABELS: dict[str, str] = {
    "explicit": "explicit ratings", "count": "implicit counts", "binary": "binary events", "duration": "durations",
}
"""English names of the kinds (the UI has its own zh/en catalogue)."""

SAMPLE = 1_000_000
"""Distinct-value statistics are taken on at most this many values (a seeded sample); min, max and the
integer / negative checks always read every value."""


@dataclass(frozen=True)
class Signal:
    """What the value column measures: ``kind`` (explicit / count / binary / duration), the rating ``scale``
    (min, max) for explicit ratings, and why (``reason`` code of :data:`REASONS` and its ``figures``).

    ``guessed`` is True when :func:`guess_signal` chose it, False when the user declared it.
    """

    kind: str
    scale: tuple[float, float] | None = None
    reason: str = "declared"
    figures: tuple[Figure, ...] = ()
    guessed: bool = False

    def __post_init__(self) -> None:
        if self.kind not in SIGNAL_KINDS:
            raise ConfigError(f"unknown signal kind {self.kind!r}; expected one of {list(SIGNAL_KINDS)}")
        if self.scale is not None:
            low, high = (float(v) for v in self.scale)
            if not (math.isfinite(low) and math.isfinite(high) and low < high):
                raise ConfigError(f"a rating scale needs finite min < max, not {self.scale!r}")
            object.__setattr__(self, "scale", (low, high))
        if self.kind != "explicit" and self.scale is not None:
            raise ConfigError(f"only explicit ratings have a scale; {self.kind} was given {self.scale!r}")
        if self.reason not in REASONS:
            raise ConfigError(f"unknown signal reason {self.reason!r}")

    @property
    def implicit(self) -> bool:
        """True for counts, binary events and durations (every held-out item is relevant)."""
        return self.kind != "explicit"

    def figure_map(self) -> dict[str, float | int | str]:
        """The figures as a dict (name -> value)."""
        return dict(self.figures)

    def describe(self) -> str:
        """English sentence: the reason with its figures, then the kind, e.g. "integers 1-13,883, ... -> counts"."""
        try:
            why = REASONS[self.reason].format(**self.figure_map())
        except (KeyError, ValueError, IndexError):
            why = REASONS[self.reason]
        scale = f" {self.scale[0]:g}-{self.scale[1]:g}" if self.scale else ""
        return f"{why} -> {KIND_LABELS[self.kind]}{scale}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (:meth:`from_dict` reads it back)."""
        return {"kind": self.kind, "scale": list(self.scale) if self.scale else None, "reason": self.reason,
                "figures": {k: v for k, v in self.figures}, "guessed": self.guessed}

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Signal:
        """A Signal from :meth:`to_dict`'s mapping; ConfigError when it is not one."""
        if not isinstance(doc, Mapping) or "kind" not in doc:
            raise ConfigError("a stored signal is an object with a 'kind'")
        scale = doc.get("scale")
        figures = doc.get("figures") or {}
        if not isinstance(figures, Mapping):
            raise ConfigError("a stored signal's figures are an object")
        if scale is not None and (not isinstance(scale, (list, tuple)) or len(scale) != 2):
            raise ConfigError(f"a stored signal's scale is [min, max], not {scale!r}")
        return cls(kind=str(doc["kind"]), scale=None if scale is None else (float(scale[0]), float(scale[1])),
                   reason=str(doc.get("reason", "declared")), figures=tuple(figures.items()),
                   guessed=bool(doc.get("guessed", False)))


def declared(kind: str, scale: tuple[float, float] | None = None) -> Signal:
    """A signal the user chose (explicit ratings without a scale get none; :func:`with_scale` fills one in)."""
    return Signal(kind=kind, scale=scale if kind == "explicit" else None, reason="declared")


def _snap_high(high: float) -> float:
    """The top of the usual scale holding ``high``: 1, 5 or 10 (else ``high`` itself)."""
    for top in (1.0, 5.0, 10.0):
        if high <= top:
            return top
    return high


def _snap_low(low: float) -> float:
    """The bottom of the usual scale holding ``low``: 0, 0.5 or 1 (else ``low`` itself)."""
    for bottom in (1.0, 0.5, 0.0):
        if low >= bottom:
            return bottom
    return low


def _figure(value: float) -> float | int:
    """A JSON-friendly figure: whole numbers as int, others rounded to 6 significant digits."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(f"{value:.6g}")


def guess_signal(values: Any) -> Signal:
    """Guess the kind of a value column (array-like; None = no value column) with its reason and figures."""
    if values is None:
        return Signal("binary", reason="no_value_column", guessed=True)
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return Signal("binary", reason="no_values", guessed=True)
    low, high = float(v.min()), float(v.max())
    figs: dict[str, float | int | str] = {"min": _figure(low), "max": _figure(high), "n": int(v.size)}
    if low == high:
        return Signal("binary", reason="one_value", figures=(("value", _figure(low)), ("n", int(v.size))), guessed=True)
    if low == 0.0 and high == 1.0 and bool(np.all((v == 0.0) | (v == 1.0))):
        share = float(np.mean(v == 1.0))
        return Signal("binary", reason="zero_one", figures=(("share_one", round(share, 4)), ("n", int(v.size))),
                      guessed=True)
    if low < 0.0:
        return Signal("explicit", scale=(low, high), reason="negative_values", figures=tuple(figs.items()),
                      guessed=True)
    sample = v if v.size <= SAMPLE else np.random.default_rng(0).choice(v, SAMPLE, replace=False)
    distinct, counts = np.unique(sample, return_counts=True)
    integers = bool(np.all(v == np.floor(v)))
    halves = integers or bool(np.all(v * 2.0 == np.floor(v * 2.0)))
    figs["distinct"] = int(distinct.size)
    if integers and high <= 10.0:
        shares = counts / counts.sum()
        falling = bool(np.all(np.diff(counts) <= 0)) and distinct[0] == low
        if falling and shares[0] > 0.5:
            figs["share_min"] = round(float(shares[0]), 4)
            return Signal("count", reason="small_counts", figures=tuple(figs.items()), guessed=True)
    if halves and high <= 10.0 and distinct.size <= 21:
        figs["step"] = 1 if integers else 0.5
        scale = (_snap_low(low), _snap_high(high))
        return Signal("explicit", scale=scale, reason="rating_grid", figures=tuple(figs.items()), guessed=True)
    median = float(np.median(sample))
    if integers:
        figs["median"] = _figure(median)
        figs["share_le_50"] = round(float(np.mean(sample <= 50.0)), 4)
        return Signal("count", reason="integer_counts", figures=tuple(figs.items()), guessed=True)
    if high <= 1.0:
        return Signal("explicit", scale=(0.0, 1.0), reason="fractions", figures=tuple(figs.items()), guessed=True)
    if high <= 10.0:
        scale = (_snap_low(low), _snap_high(high))
        return Signal("explicit", scale=scale, reason="bounded_numbers", figures=tuple(figs.items()), guessed=True)
    figs["median"] = _figure(median)
    figs["distinct_share"] = round(distinct.size / sample.size, 4)
    return Signal("duration", reason="continuous", figures=tuple(figs.items()), guessed=True)


def with_scale(signal: Signal, values: Any) -> Signal:
    """``signal`` with a rating scale when it is explicit without one (the observed range, snapped to 5 / 10)."""
    if signal.kind != "explicit" or signal.scale is not None:
        return signal
    v = np.asarray(values if values is not None else [], dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return signal
    low, high = float(v.min()), float(v.max())
    if low < 0.0:
        scale = (low, high) if low < high else (low, low + 1.0)
    else:
        scale = (_snap_low(low), _snap_high(high))
    return Signal("explicit", scale=scale, reason=signal.reason, figures=signal.figures, guessed=signal.guessed)


def resolve_signal(choice: str | Signal | None, values: Any) -> Signal:
    """The dataset's signal: ``None`` / ``"auto"`` -> :func:`guess_signal`; a kind name (``rating`` is an alias of
    ``explicit``) or a :class:`Signal` -> declared (an explicit one gets the observed scale)."""
    if isinstance(choice, Signal):
        return with_scale(choice, values)
    if choice is None or str(choice).strip().lower() in ("", "auto"):
        return guess_signal(values)
    name = str(choice).strip().lower()
    kind = {"rating": "explicit", "ratings": "explicit", "counts": "count", "implicit": "count"}.get(name, name)
    if kind not in SIGNAL_KINDS:
        raise ConfigError(f"unknown signal {choice!r}; expected auto, rating, count, binary or duration")
    return with_scale(declared(kind), values)
