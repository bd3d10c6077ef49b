"""Workspace locations and the neighbour-index parameters shared by every stage.

Settings are frozen dataclasses so they can be hashed (cache keys), compared and serialised. The fusion
settings live with the ranking stage (:mod:`core.ranking.config`), the channels' own parameters in
their modules (:mod:`core.ranking.channels`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


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
