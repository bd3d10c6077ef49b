"""core.data.demos: the bundled datasets load through core.data.loaders with the documented shape."""

from __future__ import annotations

import numpy as np
import pytest

from core.common.errors import DataError
from core.data.dataset import Dataset
from core.data.demos import DEMOS, load_demo
from core.data.signal import guess_signal
from core.data.splits import relevance_rule


def test_demo_registry() -> None:
    assert set(DEMOS) == {"movielens", "bilingual", "plays"}
    for key, info in DEMOS.items():
        assert info.key == key and info.label_zh and info.label_en and info.description
        assert "interactions" in info.paths


def test_movielens(movielens: Dataset) -> None:
    ds = movielens
    assert len(ds.interactions) == 100_836
    assert ds.n_users == 610 and ds.n_items == 9_742
    assert ds.user_tags is not None and len(ds.user_tags) == 3_683
    assert list(ds.user_tags.columns) == ["user_id", "item_id", "tag", "timestamp"]
    toy = ds.items.iloc[ds.item_index["1"]]
    assert toy["title"] == "Toy Story (1995)" and toy["year"] == 1995.0
    assert toy["tags"] == ("Adventure", "Animation", "Children", "Comedy", "Fantasy")
    assert toy["category"] == "Adventure"
    # item tags are the genres only; the users' free text stays in user_tags
    genres = {g for tags in ds.items["tags"] for g in tags}
    assert len(genres) == 19 and "(no genres listed)" not in genres
    assert ds.interactions["rating"].between(0.5, 5.0).all()
    assert ds.interactions["timestamp"].notna().all()
    assert ds.meta["demo"] == "movielens" and ds.meta["rows_rejected"] == 0
    assert np.isfinite(ds.items["year"]).sum() > 9_700


def test_movielens_is_cached() -> None:
    assert load_demo("movielens") is load_demo("movielens")


def test_bilingual_or_clear_error() -> None:
    info = DEMOS["bilingual"]
    if not all(p.exists() for p in info.paths.values()):
        with pytest.raises(DataError, match="not installed"):
            load_demo("bilingual")
        return
    ds = load_demo("bilingual")
    assert ds.n_items == 300 and ds.n_users == 400
    assert ds.items["title"].str.contains(r"[\u4e00-\u9fff]").all()
    assert "title_en" in ds.items.columns
    assert set(ds.interactions["event"]) - {""}


def test_plays_is_an_implicit_count_demo() -> None:
    ds = load_demo("plays")
    assert ds.meta["demo"] == "plays" and ds.meta["rows_rejected"] == 0
    assert ds.signal.kind == "count" and not ds.signal.guessed and ds.signal.implicit
    assert relevance_rule(ds).threshold is None and relevance_rule(ds).code == "implicit_all"
    assert (ds.n_users, ds.n_items, len(ds.interactions)) == (1_000, 2_500, 39_624)  # as the description says
    plays = ds.interactions["rating"]
    assert plays.min() == 1 and plays.max() == 804 and (plays == plays.round()).all()
    assert f"{len(ds.interactions):,}" in DEMOS["plays"].description
    assert ds.interactions["timestamp"].notna().all()
    for column in ("title", "category", "tags", "people", "description"):
        assert ds.items[column].notna().all(), column
    assert ds.items["category"].nunique() == 12 and all(len(tags) == 3 for tags in ds.items["tags"])
    # the guess agrees with the declaration
    assert guess_signal(plays.to_numpy()).kind == "count"


def test_plays_files_are_small_and_marked_synthetic() -> None:
    folder = DEMOS["plays"].paths["interactions"].parent
    assert sum(f.stat().st_size for f in folder.iterdir()) <= 1_500_000
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in readme.lower()
    assert "python -m bench.synth_plays --users 1000 --items 2500 --seed 0 --out data/plays" in readme


def test_unknown_demo() -> None:
    with pytest.raises(DataError, match="unknown demo"):
        load_demo("nope")
