"""The scale-up generator: exact sizes, determinism, MovieLens-shaped distributions, loadable by core.data.loaders."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.synth import SIZES, fit_movielens, generate, parse_size
from bench.synth_plays import PlaysParams, command_line, generate_plays, realised_stats


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "small"
    generate(20_000, 2_000, out, seed=7)
    return out


def test_parse_size() -> None:
    assert parse_size("100k") == 100_000
    assert parse_size("1M") == 1_000_000
    assert parse_size("1_000") == 1000
    assert SIZES["1m"] == (1_000_000, 100_000)


def test_exact_sizes_and_valid_rows(small: Path) -> None:
    inter = pd.read_csv(small / "interactions.csv")
    items = pd.read_csv(small / "items.csv")
    assert list(inter.columns) == ["user_id", "item_id", "rating", "timestamp"]
    assert list(items.columns) == ["item_id", "title", "year", "genres", "description"]
    assert len(inter) == 20_000
    assert len(items) == 2_000 and items["item_id"].is_unique
    assert inter["item_id"].between(1, 2_000).all()
    assert not inter.duplicated(["user_id", "item_id"]).any()
    assert inter.groupby("user_id").size().min() >= 1
    assert set(inter["rating"].unique()) <= {0.5 * i for i in range(1, 11)}
    years = pd.to_datetime(inter["timestamp"], unit="s").dt.year
    assert years.between(1990, 2020).all()
    assert items["description"].str.len().min() > 20
    assert items["genres"].str.split("|").str.len().max() <= 10


def test_deterministic_and_seeded(small: Path, tmp_path: Path) -> None:
    generate(20_000, 2_000, tmp_path / "again", seed=7)
    for name in ("interactions.csv", "items.csv"):
        assert (small / name).read_bytes() == (tmp_path / "again" / name).read_bytes()
    generate(20_000, 2_000, tmp_path / "other", seed=8)
    assert (small / "interactions.csv").read_bytes() != (tmp_path / "other" / "interactions.csv").read_bytes()


def test_catalogue_depends_only_on_items_and_seed(small: Path, tmp_path: Path) -> None:
    generate(30_000, 2_000, tmp_path / "more", seed=7)
    assert (small / "items.csv").read_bytes() == (tmp_path / "more" / "items.csv").read_bytes()


def test_marked_synthetic(small: Path) -> None:
    meta = json.loads((small / "meta.json").read_text())
    assert meta["synthetic"] is True
    assert "SYNTHETIC" in (small / "README.md").read_text()


@pytest.mark.slow
def test_distributions_follow_movielens(tmp_path: Path) -> None:
    """At MovieLens' own size the popularity head, rating marginal and activity match the source."""
    out = tmp_path / "ml_size"
    generate(100_000, 10_000, out, seed=0)
    meta = json.loads((out / "meta.json").read_text())
    realised = meta["realised"]
    for key in ("top_1%", "top_10%"):
        assert realised["head_share"][key] == pytest.approx(realised["movielens_head_share"][key], abs=0.06)
    inter = pd.read_csv(out / "interactions.csv")
    stats = fit_movielens()
    synth = inter["rating"].value_counts(normalize=True).reindex(stats.rating_values, fill_value=0.0)
    total_variation = 0.5 * float(np.abs(synth.to_numpy() - np.asarray(stats.rating_probs)).sum())
    assert total_variation < 0.05
    per_user = inter.groupby("user_id").size()
    assert per_user.median() == pytest.approx(70, rel=0.35)  # MovieLens median: 70.5
    assert per_user.min() >= 20
    # genre taste: users concentrate on some genres (not uniform over the catalogue)
    items = pd.read_csv(out / "items.csv")
    first_genre = items.set_index("item_id")["genres"].str.split("|").str[0]
    shares = inter.assign(g=inter["item_id"].map(first_genre)).groupby("user_id")["g"].agg(
        lambda s: s.value_counts(normalize=True).iloc[0])
    catalogue_top = first_genre.value_counts(normalize=True).iloc[0]
    assert shares.median() > catalogue_top


def test_loads_through_core_data(small: Path) -> None:
    data = pytest.importorskip("core.data.loaders")
    ds, inter_report, item_report = data.load_dataset(small / "interactions.csv", small / "items.csv",
                                                      name="synthetic")
    assert ds.n_items == 2_000
    assert len(ds.interactions) == 20_000
    assert inter_report.rows_rejected == 0
    assert item_report is not None and item_report.rows_rejected == 0
    assert all(len(t) >= 1 for t in ds.items["tags"].head(50))
    assert (ds.items["category"] != "").mean() > 0.95


# --- play counts (bench.synth_plays): the implicit-feedback generator and the plays demo -------------------


@pytest.fixture(scope="module")
def plays(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plays") / "small"
    generate_plays(out, PlaysParams(users=400, items=1_000, seed=3))
    return out


def test_plays_rows_are_valid_counts(plays: Path) -> None:
    inter = pd.read_csv(plays / "interactions.csv")
    items = pd.read_csv(plays / "items.csv")
    assert list(inter.columns) == ["user", "item", "plays", "timestamp"]
    assert list(items.columns) == ["item", "title", "artist", "category", "tags", "year", "description"]
    assert inter["plays"].dtype.kind == "i" and inter["plays"].min() >= 1
    assert not inter.duplicated(["user", "item"]).any()
    assert inter["user"].nunique() == 400 and inter["item"].isin(items["item"]).all()
    assert inter.groupby("user").size().min() >= PlaysParams().min_tracks
    years = pd.to_datetime(inter["timestamp"], unit="s").dt.year
    assert years.between(2023, 2025).all()
    assert items["category"].nunique() == 12 and items["tags"].str.split("|").str.len().eq(3).all()
    assert items["artist"].nunique() < len(items) / 2  # artists have several tracks


def test_plays_are_heavy_tailed_per_pair_user_and_item(plays: Path) -> None:
    inter = pd.read_csv(plays / "interactions.csv")
    counts = inter["plays"]
    median = counts.median()
    assert 2 <= median <= 6
    assert 0.1 < (counts == 1).mean() < 0.4  # many single plays ...
    assert counts.quantile(0.99) >= 8 * median and counts.max() >= 50 * median  # ... and a long right tail
    per_user = inter.groupby("user").size()
    assert per_user.max() >= 5 * per_user.median() and per_user.mean() > 1.2 * per_user.median()
    # the spread of activity is MovieLens' (log-normal sigma fitted on ml-latest-small), up to truncation
    assert np.log(per_user).std() == pytest.approx(fit_movielens().activity_sigma, rel=0.3)
    per_item = inter.groupby("item").size().sort_values(ascending=False)
    assert per_item.head(len(per_item) // 10).sum() / per_item.sum() > 0.3  # a popular head


def test_plays_have_taste_structure(plays: Path) -> None:
    """Users concentrate on a few genres, and better-matched tracks are played more often."""
    inter = pd.read_csv(plays / "interactions.csv")
    genre = pd.read_csv(plays / "items.csv").set_index("item")["category"]
    frame = inter.assign(g=inter["item"].map(genre))
    top_share = frame.groupby("user")["g"].agg(lambda s: s.value_counts(normalize=True).iloc[0])
    assert top_share.median() > 1.5 * frame["g"].value_counts(normalize=True).iloc[0]  # vs all users pooled
    favourite = frame.groupby("user")["g"].agg(lambda s: s.value_counts().index[0])
    in_favourite = frame["g"].to_numpy() == frame["user"].map(favourite).to_numpy()
    assert frame["plays"][in_favourite].mean() > 1.2 * frame["plays"][~in_favourite].mean()


def test_plays_deterministic_and_seeded(plays: Path, tmp_path: Path) -> None:
    generate_plays(tmp_path / "again", PlaysParams(users=400, items=1_000, seed=3))
    generate_plays(tmp_path / "other", PlaysParams(users=400, items=1_000, seed=4))
    for name in ("interactions.csv", "items.csv"):
        assert (plays / name).read_bytes() == (tmp_path / "again" / name).read_bytes()
        assert (plays / name).read_bytes() != (tmp_path / "other" / name).read_bytes()
    meta = json.loads((plays / "meta.json").read_text())
    assert meta["synthetic"] is True and meta["params"]["seed"] == 3
    assert meta["fitted_from_movielens"]["activity_sigma"] == pytest.approx(fit_movielens().activity_sigma)
    assert meta["realised"] == realised_stats(pd.read_csv(plays / "interactions.csv"))
    assert "synthetic" in (plays / "README.md").read_text().lower()


def test_the_plays_demo_is_this_generator_output(tmp_path: Path) -> None:
    """data/plays is exactly what its README's command writes (so nobody edits the CSVs by hand)."""
    demo = Path(__file__).resolve().parents[1] / "data" / "plays"
    readme = (demo / "README.md").read_text(encoding="utf-8")
    assert command_line("data/plays", PlaysParams()) in readme
    generate_plays(tmp_path / "plays", PlaysParams())
    for name in ("interactions.csv", "items.csv", "meta.json"):
        written = (tmp_path / "plays" / name).read_text(encoding="utf-8")
        if name == "meta.json":  # the output folder differs
            written = written.replace(json.dumps(str(tmp_path / "plays")), json.dumps("data/plays"))
        assert written == (demo / name).read_text(encoding="utf-8"), name


def test_plays_load_as_counts(plays: Path) -> None:
    from core.data.loaders import load_dataset

    ds, report, item_report = load_dataset(plays / "interactions.csv", plays / "items.csv", name="plays")
    assert report.rows_rejected == 0 and item_report is not None and item_report.rows_rejected == 0
    assert ds.signal.kind == "count" and ds.signal.guessed
    assert ds.items["people"].map(len).eq(1).all() and ds.items["category"].ne("").all()
