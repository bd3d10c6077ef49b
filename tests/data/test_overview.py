"""The Overview's summaries (core.data.overview) on small hand-counted fixtures: counts, shares, months;
a dataset without timestamps, without categories, with one user; and the bounded shapes on larger data."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from core.data.dataset import Dataset
from core.data.overview import (
    CURVE_POINTS,
    activity_edges,
    category_mix,
    category_sources,
    compute_overview,
    event_mix,
    long_tail,
    rating_distribution,
    time_unit,
    timeline,
    top_share,
    user_activity,
)
from core.data.signal import declared


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


# item -> interactions: i1 4, i2 2, i3 1, i4 1, i5 1; i6..i10 none (10 items, 9 interactions)
ROWS = [
    ("u1", "i1", 5.0, "2022-01-10T08:00:00", "购买"),
    ("u1", "i2", 4.0, "2022-01-31T23:59:59", "浏览"),
    ("u1", "i3", 3.0, "2022-03-01T00:00:00", "浏览"),
    ("u1", "i4", 4.0, "2023-06-15T12:00:00", ""),
    ("u1", "i5", 2.0, "2024-03-05T00:00:00", "浏览"),
    ("u2", "i1", 5.0, "2024-03-01T00:00:00", "view"),
    ("u2", "i2", 1.0, "2024-03-02T00:00:00", "浏览"),
    ("u2", "i1", 4.0, "2024-03-03T00:00:00", "浏览"),
    ("u3", "i1", 5.0, "2022-02-02T00:00:00", "购买"),
]
ITEMS = pd.DataFrame({
    "item_id": [f"i{k}" for k in range(1, 11)],
    "title": ["星海远航", "Heat (1995)", "Comedy Night", "D", "E", "F", "G", "H", "I", "J"],
    "category": ["科幻 / Sci-Fi", "科幻 / Sci-Fi", "Comedy", "", "", "", "", "", "", ""],
    "tags": [("太空", "space"), ("太空",), ("funny", " funny "), (), (), (), (), (), (), ()],
})


def _dataset(rows: list[tuple[str, str, float, str | None, str]] = ROWS, items: pd.DataFrame | None = ITEMS,
             name: str = "fixture") -> Dataset:
    frame = pd.DataFrame({
        "user_id": [r[0] for r in rows], "item_id": [r[1] for r in rows], "rating": [r[2] for r in rows],
        "timestamp": [_epoch(r[3]) if r[3] else np.nan for r in rows], "event": [r[4] for r in rows],
    })
    return Dataset.from_frames(name, frame, items)


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return _dataset()


# --- time ------------------------------------------------------------------------------------------


def test_months_are_counted_and_empty_months_kept(ds: Dataset) -> None:
    tl = timeline(ds)
    assert tl is not None and tl.unit == "month"  # 2022-01 .. 2024-03: more than two years
    counts = dict(zip(tl.counts["start"].dt.strftime("%Y-%m"), tl.counts["interactions"], strict=True))
    assert len(counts) == 27, "every month from the first to the last, empty ones included"
    assert counts["2022-01"] == 2, "23:59:59 UTC on the 31st still belongs to January"
    assert counts["2022-02"] == 1 and counts["2022-03"] == 1 and counts["2023-06"] == 1
    assert counts["2024-03"] == 4 and counts["2022-04"] == 0
    assert sum(counts.values()) == 9 and tl.dated == 9 and tl.undated == 0
    assert tl.busiest == pd.Timestamp("2024-03-01")
    assert tl.first == _epoch("2022-01-10T08:00:00") and tl.last == _epoch("2024-03-05T00:00:00")


def test_weeks_start_on_monday() -> None:
    rows = [("u1", "i1", 1.0, "2024-01-03T10:00:00", ""),   # Wednesday
            ("u1", "i2", 1.0, "2024-01-07T23:00:00", ""),   # Sunday, same week
            ("u1", "i3", 1.0, "2024-01-08T00:00:00", ""),   # Monday, next week
            ("u2", "i1", 1.0, "2024-06-30T00:00:00", ""),   # 180 days later: weeks
            ("u2", "i2", 1.0, None, "")]
    tl = timeline(_dataset(rows, items=None))
    assert tl is not None and tl.unit == "week"
    starts = tl.counts["start"]
    assert (starts.dt.dayofweek == 0).all(), "every week starts on a Monday"
    assert starts.iloc[0] == pd.Timestamp("2024-01-01")
    assert tl.counts["interactions"].iloc[:2].tolist() == [2, 1]
    assert tl.counts["interactions"].sum() == 4 and tl.undated == 1
    assert (starts.diff().dropna() == pd.Timedelta(days=7)).all()


def test_time_unit_follows_the_span() -> None:
    day = 86_400
    assert time_unit(0, 30 * day) == "day"
    assert time_unit(0, 400 * day) == "week"
    assert time_unit(0, 20 * 365 * day) == "month"
    assert time_unit(0, 80 * 365 * day) == "year"
    tl = timeline(_dataset([("u1", "i1", 1.0, "1950-01-01T00:00:00", ""), ("u1", "i2", 1.0, "2030-06-01T00:00:00", "")],
                           items=None))
    assert tl is not None and tl.unit == "year"
    assert len(tl.counts) == 81 and tl.counts["start"].iloc[0] == pd.Timestamp("1950-01-01")


def test_no_timestamps_gives_no_timeline() -> None:
    rows = [(u, i, r, None, e) for u, i, r, _, e in ROWS]
    assert timeline(_dataset(rows)) is None
    overview = compute_overview(_dataset(rows))
    assert overview.timeline is None and math.isnan(overview.headline.time_min)


# --- items -----------------------------------------------------------------------------------------


def test_long_tail_counts_and_shares(ds: Dataset) -> None:
    tail = long_tail(ds)
    assert tail.items == 10 and tail.total == 9 and tail.items_without == 5
    assert tail.top10_share == pytest.approx(4 / 9)   # top 1 item of 10
    assert tail.top20_share == pytest.approx(6 / 9)   # top 2 items
    assert tail.half_share == pytest.approx(0.2)      # 4/9 < 0.5 <= 6/9
    assert tail.curve["interactions"].tolist() == [4, 2, 1, 1, 1, 0, 0, 0, 0, 0]
    assert tail.curve["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    assert tail.curve["catalogue_share"].tolist() == pytest.approx([k / 10 for k in range(1, 11)])
    top = tail.top
    assert top["title"].tolist()[:2] == ["星海远航", "Heat (1995)"]
    assert len(top) == 5, "only items with interactions are listed"
    assert top["interactions"].tolist()[:2] == [4, 2] and top["users"].tolist()[:2] == [3, 2]
    assert top["share"].iloc[0] == pytest.approx(4 / 9)


def test_top_share_matches_sorting() -> None:
    rng = np.random.default_rng(3)
    for n in (1, 7, 10, 101, 999):
        counts = rng.integers(0, 50, n)
        for fraction in (0.1, 0.2, 0.5):
            k = max(1, math.ceil(fraction * n))
            expected = np.sort(counts)[::-1][:k].sum() / max(counts.sum(), 1)
            assert top_share(counts, fraction) == pytest.approx(expected)
    assert top_share(np.zeros(5, dtype=np.int64), 0.1) == 0.0
    assert top_share(np.zeros(0, dtype=np.int64), 0.1) == 0.0


def test_long_tail_curve_is_bounded_on_a_large_catalogue() -> None:
    rng = np.random.default_rng(0)
    n_items = 20_000
    items = rng.zipf(1.6, 60_000) % n_items
    frame = pd.DataFrame({"user_id": (np.arange(60_000) % 900).astype(str), "item_id": items.astype(str),
                          "rating": 1.0, "timestamp": np.nan, "event": ""})
    catalogue = pd.DataFrame({"item_id": np.arange(n_items).astype(str)})
    big = Dataset.from_frames("big", frame, catalogue)
    tail = long_tail(big)
    curve = tail.curve
    assert len(curve) <= CURVE_POINTS and curve["rank"].iloc[0] == 1 and curve["rank"].iloc[-1] == n_items
    assert (np.diff(curve["interactions"].to_numpy()) <= 0).all(), "sorted by interactions, most first"
    assert curve["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    per_item = np.sort(np.bincount(items, minlength=n_items))[::-1]
    assert tail.top10_share == pytest.approx(per_item[:2_000].sum() / 60_000)


def test_category_mix_counts_items_and_interactions(ds: Dataset) -> None:
    mix = category_mix(ds, "category")
    assert mix is not None and not mix.multi_valued
    rows = mix.table.set_index("value")
    assert list(mix.table["value"]) == ["科幻 / Sci-Fi", "Comedy"], "most interactions first"
    assert rows.loc["科幻 / Sci-Fi", "items"] == 2 and rows.loc["科幻 / Sci-Fi", "interactions"] == 6
    assert rows.loc["Comedy", "items"] == 1 and rows.loc["Comedy", "interactions"] == 1
    assert rows.loc["科幻 / Sci-Fi", "item_share"] == pytest.approx(0.2)
    assert rows.loc["科幻 / Sci-Fi", "interaction_share"] == pytest.approx(6 / 9)
    assert mix.values == 2 and mix.items_with_value == 3 and mix.items == 10


def test_tag_mix_counts_each_value_once_per_item(ds: Dataset) -> None:
    mix = category_mix(ds, "tags")
    assert mix is not None and mix.multi_valued
    rows = mix.table.set_index("value")
    assert rows.loc["太空", "items"] == 2 and rows.loc["太空", "interactions"] == 6
    assert rows.loc["space", "items"] == 1 and rows.loc["space", "interactions"] == 4
    assert rows.loc["funny", "items"] == 1 and rows.loc["funny", "interactions"] == 1, "' funny ' is 'funny'"
    assert mix.values == 3 and mix.items_with_value == 3


def test_top_values_are_limited_and_genre_like_tags_come_first(ds: Dataset) -> None:
    sources = category_sources(ds)
    assert [m.source for m in sources] == ["tags", "category"], "few distinct tags read like genres"
    many = ITEMS.copy()
    many["tags"] = [tuple(f"tag{k}-{j}" for j in range(8)) for k in range(10)]  # 80 distinct free-text tags
    ds_many = _dataset(items=many)
    assert [m.source for m in category_sources(ds_many)] == ["category", "tags"]
    assert len(category_mix(ds_many, "tags", top=5).table) == 5  # type: ignore[union-attr]


def test_no_categories() -> None:
    bare = _dataset(items=pd.DataFrame({"item_id": [f"i{k}" for k in range(1, 6)]}))
    assert category_mix(bare, "category") is None and category_mix(bare, "tags") is None
    assert category_sources(bare) == ()
    assert compute_overview(bare).categories == ()


# --- users, ratings, events ------------------------------------------------------------------------


def test_user_activity(ds: Dataset) -> None:
    act = user_activity(ds)
    assert act.users == 3 and act.median == 3 and act.maximum == 5 and act.single == 1
    assert act.mean == pytest.approx(3.0)
    hist = act.histogram
    assert hist["low"].tolist() == [1, 2, 3, 4, 5] and hist["users"].tolist() == [1, 0, 1, 0, 1]


def test_activity_bins_cover_every_count() -> None:
    for maximum in (1, 9, 10, 11, 57, 1_000, 123_456):
        starts = activity_edges(maximum)
        assert starts[0] == 1 and (np.diff(starts) > 0).all() and starts[-1] <= maximum
        assert len(starts) <= 60
    rng = np.random.default_rng(1)
    sizes = np.concatenate([[1, 2, 10, 11, 2_698], rng.lognormal(4.4, 1.1, 500).astype(int) + 1])
    users = np.repeat(np.arange(len(sizes)), sizes).astype(str)
    frame = pd.DataFrame({"user_id": users, "item_id": "x", "rating": 1.0, "timestamp": np.nan, "event": ""})
    act = user_activity(Dataset.from_frames("sizes", frame))
    hist = act.histogram
    assert hist["users"].sum() == len(sizes) and hist["high"].iloc[-1] == sizes.max()
    for size in sizes:
        inside = (hist["low"] <= size) & (size <= hist["high"])
        assert inside.sum() == 1
    assert act.median == np.median(sizes)


def test_one_user() -> None:
    rows = [("solo", f"i{k}", 1.0, f"2024-05-0{k}T00:00:00", "") for k in range(1, 4)]
    overview = compute_overview(_dataset(rows, items=None))
    act = overview.activity
    assert act.users == 1 and act.median == 3 and act.maximum == 3 and act.single == 0
    assert act.histogram["users"].sum() == 1
    assert overview.timeline is not None and overview.timeline.unit == "day"
    assert overview.timeline.counts["interactions"].tolist() == [1, 1, 1]
    assert overview.tail.top10_share == pytest.approx(1 / 3) and overview.tail.items_without == 0
    assert overview.ratings is None, "one rating value: implicit feedback"
    assert overview.headline.users == 1 and overview.headline.rating_min == 1.0


def test_ratings(ds: Dataset) -> None:
    dist = rating_distribution(ds)
    assert dist is not None and not dist.binned
    assert dict(zip(dist.table["low"], dist.table["interactions"], strict=True)) == \
        {1.0: 1, 2.0: 1, 3.0: 1, 4.0: 3, 5.0: 3}
    assert dist.median == 4.0 and dist.mean == pytest.approx(33 / 9)
    values = np.linspace(0, 100, 500)
    frame = pd.DataFrame({"user_id": "u", "item_id": np.arange(500).astype(str), "rating": values,
                          "timestamp": np.nan, "event": ""})
    binned = rating_distribution(Dataset.from_frames("many", frame))
    assert binned is not None and binned.binned and len(binned.table) == 20
    assert binned.table["interactions"].sum() == 500


def test_counts_are_binned_in_doubling_whole_number_bins() -> None:
    plays = np.array([1] * 50 + list(range(2, 30)) + [100, 804])  # more distinct values than RATING_VALUES
    frame = pd.DataFrame({"user_id": "u", "item_id": np.arange(len(plays)).astype(str), "rating": plays.astype(float),
                          "timestamp": np.nan, "event": ""})
    dist = rating_distribution(Dataset.from_frames("plays", frame, signal=declared("count")))
    assert dist is not None
    assert list(dist.table["low"]) == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    assert list(dist.table["high"]) == [1, 3, 7, 15, 31, 63, 127, 255, 511, 804]
    assert dist.binned and dist.kind == "count"
    assert list(dist.table["interactions"]) == [50, 2, 4, 8, 14, 0, 1, 0, 0, 1]
    # explicit ratings over the same values keep equal-width bins (most of the mass in the first)
    explicit = rating_distribution(Dataset.from_frames("plays", frame, signal=declared("explicit")))
    assert explicit is not None and len(explicit.table) == 20 and explicit.table["interactions"].iloc[0] == 78
    durations = np.geomspace(1, 10_000, 400)
    frame = pd.DataFrame({"user_id": "u", "item_id": np.arange(400).astype(str), "rating": durations,
                          "timestamp": np.nan, "event": ""})
    dist = rating_distribution(Dataset.from_frames("watch", frame, signal=declared("duration")))
    assert dist is not None and dist.kind == "duration" and len(dist.table) == 20
    assert dist.table["interactions"].sum() == 400 and dist.table["interactions"].max() <= 21  # log-spaced


def test_events(ds: Dataset) -> None:
    events = event_mix(ds)
    assert events is not None
    assert events["event"].tolist() == ["浏览", "购买", "view"]
    assert events["interactions"].tolist() == [5, 2, 1]
    assert events["share"].iloc[0] == pytest.approx(5 / 9)
    rows = [(u, i, r, ts, "") for u, i, r, ts, _ in ROWS]
    assert event_mix(_dataset(rows)) is None


def test_overview_on_the_bilingual_demo(bilingual: Dataset) -> None:
    overview = compute_overview(bilingual)
    assert overview.fingerprint == bilingual.fingerprint
    assert overview.headline.interactions == len(bilingual.interactions)
    assert overview.timeline is not None and overview.timeline.counts["interactions"].sum() == len(
        bilingual.interactions)
    first = overview.categories[0]
    assert first.source == "category" and any("/" in v for v in first.table["value"])  # "科幻 / Sci-Fi"
    assert overview.activity.histogram["users"].sum() == bilingual.n_users
    assert overview.events is not None and set(overview.events["event"]) <= set(bilingual.interactions["event"])
