"""Frozen configuration objects and workspace locations shared by the engine.

Every knob the UI exposes lives here as a frozen dataclass so a setting can be hashed (cache keys),
compared (presets) and serialised (JSON) without surprises.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

CHANNELS: tuple[str, ...] = ("semantic", "history", "mf", "item_knn", "popularity", "recency", "graph")
"""Channel names, in display order. The CLI and presets use exactly these keys."""


def workspace_dir() -> Path:
    """Root of persisted state: ``$INTERESTLENS_WORKSPACE`` or ``./workspace``; created on demand."""
    root = Path(os.environ.get("INTERESTLENS_WORKSPACE", "workspace")).resolve()
    root.mkdir(parents=True, exist_ok=True)
    return root


def cache_dir(*parts: str) -> Path:
    """A sub-folder of the workspace cache (``workspace/cache/<parts>``), created on demand."""
    path = workspace_dir().joinpath("cache", *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def project_root() -> Path:
    """The repository root (the folder holding ``core/``)."""
    return Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """Bundled demo data folder."""
    return project_root() / "data"


@dataclass(frozen=True)
class IndexParams:
    """hnswlib parameters (see hnswlib's ALGO_PARAMS.md).

    - ``M``: graph degree. 16 balances memory (~M*2*4 bytes/element of links) and recall for 512-d text
      vectors; higher helps high intrinsic dimension.
    - ``ef_construction``: build-time beam width; 200 gives near-saturated graph quality at our sizes.
    - ``ef``: query-time beam width; must be >= k. 128 keeps recall@10 >= 0.98 at 100k vectors (0.994 at
      ~0.4 ms/query, 127x faster than exact search); 64 drops to 0.976 there (bench/results/bench_ann.md).
    """

    M: int = 16
    ef_construction: int = 200
    ef: int = 128
    seed: int = 42


@dataclass(frozen=True)
class FusionWeights:
    """One weight per scoring channel; a weight of 0 switches the channel off."""

    semantic: float = 1.0
    history: float = 0.5
    mf: float = 1.0
    item_knn: float = 0.5
    popularity: float = 0.2
    recency: float = 0.0
    graph: float = 0.3

    def as_dict(self) -> dict[str, float]:
        """Weights keyed by channel name."""
        return {k: float(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> FusionWeights:
        """Build from a mapping; unknown keys raise ``ValueError``, missing keys default to 0."""
        unknown = set(values) - set(CHANNELS)
        if unknown:
            raise ValueError(f"unknown channel(s) {sorted(unknown)}; expected some of {list(CHANNELS)}")
        return cls(**{name: float(values.get(name, 0.0)) for name in CHANNELS})


@dataclass(frozen=True)
class FusionConfig:
    """How channel scores become one ranking."""

    weights: FusionWeights = field(default_factory=FusionWeights)
    normalisation: str = "minmax"  # "minmax" | "zscore" | "rank"
    method: str = "weighted"  # "weighted" | "rrf"
    rrf_k: int = 60
    mmr_lambda: float = 1.0  # 1.0 = no diversity re-rank
    exclude_seen: bool = True
