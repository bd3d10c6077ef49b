"""Bundled demo datasets, loaded through :func:`core.data.loaders.load_dataset` so the demo exercises the upload path.

- ``movielens``: GroupLens MovieLens latest-small (``data/ml-latest-small``): ratings, movies (genres
  become tags, the first genre the category, the year comes from "(1995)" in the title) and the free
  text users wrote (``tags.csv`` -> ``Dataset.user_tags``). Item tags stay the genres only.
- ``bilingual``: the synthetic zh/en catalogue in ``data/bilingual`` (Chinese column headers).
- ``plays``: a synthetic music-streaming log in ``data/plays`` (``user,item,plays,timestamp``; tracks with
  title, artist, genre category, style / mood tags), written by ``bench.synth_plays``: implicit feedback.

Each demo declares its signal (:mod:`core.data.signal`): MovieLens holds explicit 0.5-5 star ratings; the
bilingual demo's 评分 column holds explicit 1-5 ratings (its 行为 column -- 浏览 / 点击 / 收藏 / 购买 --
says how the item was met, the rating is the value); the plays demo's values are play counts, so relevance
is every held-out item and the collaborative models read log-scaled confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from core.common.config import data_dir
from core.common.errors import DataError
from core.data.dataset import Dataset
from core.data.loaders import load_dataset
from core.data.signal import Signal, declared


@dataclass(frozen=True)
class DemoInfo:
    """A bundled dataset: its key, labels in both languages, files and a one-line description."""

    key: str
    label_zh: str
    label_en: str
    paths: dict[str, Path] = field(hash=False)  # "interactions", "items", optional "user_tags"
    description: str = ""
    signal: Signal | None = None  # the declared signal (None: guessed)


def _ml(name: str) -> Path:
    return data_dir() / "ml-latest-small" / name


def _bi(name: str) -> Path:
    return data_dir() / "bilingual" / name


def _pl(name: str) -> Path:
    return data_dir() / "plays" / name


DEMOS: dict[str, DemoInfo] = {
    "movielens": DemoInfo(
        key="movielens",
        label_zh="MovieLens 电影（演示）",
        label_en="MovieLens movies (demo)",
        paths={"interactions": _ml("ratings.csv"), "items": _ml("movies.csv"), "user_tags": _ml("tags.csv")},
        description="GroupLens MovieLens latest-small: 100,836 ratings by 610 users of 9,742 movies, "
        "with 3,683 free-text user tags (see data/ml-latest-small/README.txt for the licence).",
        signal=declared("explicit", (0.5, 5.0)),
    ),
    "bilingual": DemoInfo(
        key="bilingual",
        label_zh="中英双语目录（合成演示）",
        label_en="Bilingual catalogue (synthetic demo)",
        paths={"interactions": _bi("interactions.csv"), "items": _bi("items.csv")},
        description="A synthetic catalogue of 300 items with Chinese and English titles, descriptions and "
        "tags, and seeded random interactions of 400 invented users (see data/bilingual/README.md).",
        signal=declared("explicit", (1.0, 5.0)),
    ),
    "plays": DemoInfo(
        key="plays",
        label_zh="音乐播放次数（合成隐式演示）",
        label_en="Music play counts (synthetic implicit demo)",
        paths={"interactions": _pl("interactions.csv"), "items": _pl("items.csv")},
        description="A synthetic music-streaming log: 39,624 play counts (1-804 plays per pair) of 1,000 "
        "invented users over 2,500 invented tracks with artist, genre and style / mood tags (see "
        "data/plays/README.md).",
        signal=declared("count"),
    ),
}
"""The bundled datasets, keyed as the sidebar shows them (``demo:<key>``)."""


@cache
def load_demo(key: str) -> Dataset:
    """Load a bundled dataset by key (cached in-process); raises :class:`DataError` if it is missing."""
    info = DEMOS.get(key)
    if info is None:
        raise DataError(f"unknown demo dataset {key!r}; available: {', '.join(DEMOS)}")
    missing = [str(p) for p in info.paths.values() if not p.is_file()]
    if missing:
        raise DataError(f"demo dataset {key!r} is not installed: missing {', '.join(missing)}")
    dataset, _, _ = load_dataset(
        info.paths["interactions"],
        info.paths.get("items"),
        name=info.label_en,
        user_tags=info.paths.get("user_tags"),
        signal=info.signal,
    )
    dataset.meta["demo"] = key
    return dataset
