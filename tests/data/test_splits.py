"""Splits: sizes, seeding, no leakage, item index space preserved, skipped users counted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.common.errors import ConfigError
from core.data.dataset import Dataset
from core.data.splits import SplitParams, resolve_threshold, split_dataset, tuning_splits


def make_dataset(n_users: int = 30, n_items: int = 40, per_user: int = 10, seed: int = 0,
                 timestamps: bool = True) -> Dataset:
    """Random ratings (0.5-5 stars) with increasing timestamps and a few unused catalogue items."""
    rng = np.random.default_rng(seed)
    rows = []
    t = 1_000_000.0
    for u in range(n_users):
        items = rng.choice(n_items - 3, size=per_user, replace=False)  # last 3 items never interacted
        for i in items:
            t += float(rng.integers(1, 100))
            rows.append((f"u{u}", f"i{i}", float(rng.integers(1, 11)) / 2, t if timestamps else np.nan, ""))
    inter = pd.DataFrame(rows, columns=["user_id", "item_id", "rating", "timestamp", "event"])
    items = pd.DataFrame({"item_id": [f"i{i}" for i in range(n_items)],
                          "title": [f"T{i}" for i in range(n_items)]})
    tags = pd.DataFrame({"user_id": inter["user_id"], "item_id": inter["item_id"], "tag": "x",
                         "timestamp": inter["timestamp"]})
    return Dataset.from_frames("toy", inter, items, user_tags=tags)


@pytest.fixture(scope="module")
def toy() -> Dataset:
    return make_dataset()


def _pairs(ds: Dataset) -> set[tuple[str, str]]:
    return set(zip(ds.interactions["user_id"], ds.interactions["item_id"], strict=True))


@pytest.mark.parametrize("kind", ["temporal", "leave_last", "random"])
def test_partition_and_item_space(toy: Dataset, kind: str) -> None:
    split = split_dataset(toy, SplitParams(kind=kind, test_ratio=0.2, n_last=2, seed=3))
    # same item index space, same item table
    np.testing.assert_array_equal(split.train.item_ids, toy.item_ids)
    assert split.train.n_items == toy.n_items
    # train + held out = everything, disjoint rows
    assert len(split.train.interactions) + len(split.held_out) == len(toy.interactions)
    held_pairs = set(zip(split.held_out["user_id"], split.held_out["item_id"], strict=True))
    assert not (_pairs(split.train) & held_pairs)
    # relevant items are indices in the training user space and were held out, not trained on
    for u, items in split.relevant.items():
        uid = split.train.user_ids[u]
        held_items = set(split.held_out.loc[split.held_out["user_id"] == uid, "item_idx"])
        assert items <= held_items
        train_items = set(split.train.interactions.loc[split.train.interactions["user_idx"] == u, "item_idx"])
        assert not (items & train_items)
    assert split.stats["n_eval_users"] == len(split.relevant)


def test_leave_last_holds_out_the_most_recent(toy: Dataset) -> None:
    split = split_dataset(toy, SplitParams(kind="leave_last", n_last=3))
    assert len(split.held_out) == 3 * toy.n_users
    for uid, rows in toy.interactions.groupby("user_id"):
        last3 = set(rows.sort_values("timestamp")["item_id"].iloc[-3:])
        assert set(split.held_out.loc[split.held_out["user_id"] == uid, "item_id"]) == last3


def test_leave_last_without_timestamps_uses_file_order() -> None:
    ds = make_dataset(timestamps=False)
    split = split_dataset(ds, SplitParams(kind="leave_last", n_last=1))
    for uid, rows in ds.interactions.groupby("user_id"):
        held = split.held_out.loc[split.held_out["user_id"] == uid, "item_id"]
        assert list(held) == [rows["item_id"].iloc[-1]]
    with pytest.raises(ConfigError, match="timestamps"):
        split_dataset(ds, SplitParams(kind="temporal"))


def test_temporal_cutoff(toy: Dataset) -> None:
    split = split_dataset(toy, SplitParams(kind="temporal", test_ratio=0.25))
    cutoff = split.stats["cutoff"]
    assert split.train.interactions["timestamp"].max() <= cutoff < split.held_out["timestamp"].min()
    assert len(split.held_out) == pytest.approx(0.25 * len(toy.interactions), abs=2)
    # users only seen after the cut-off are cold: counted, not evaluated
    assert split.stats["n_skipped_cold"] >= 0
    assert (split.stats["n_eval_users"] + split.stats["n_skipped_cold"] + split.stats["n_skipped_no_relevant"]
            == split.stats["n_users_with_held_out"])


def test_random_split_ratio_and_seed(toy: Dataset) -> None:
    a = split_dataset(toy, SplitParams(kind="random", test_ratio=0.3, seed=1))
    b = split_dataset(toy, SplitParams(kind="random", test_ratio=0.3, seed=1))
    c = split_dataset(toy, SplitParams(kind="random", test_ratio=0.3, seed=2))
    assert a.relevant == b.relevant
    assert a.relevant != c.relevant
    assert (a.held_out.groupby("user_id").size() == 3).all()  # round(10 * 0.3) per user


def test_random_split_keeps_single_interaction_users_in_train() -> None:
    inter = pd.DataFrame({"user_id": ["a", "b", "b"], "item_id": ["x", "x", "y"], "rating": 1.0,
                          "timestamp": [1.0, 2.0, 3.0], "event": ""})
    split = split_dataset(Dataset.from_frames("tiny", inter), SplitParams(kind="random", test_ratio=0.5))
    assert set(split.train.interactions["user_id"]) == {"a", "b"}
    assert len(split.held_out) == 1


def test_relevance_threshold_and_skipped_users(toy: Dataset) -> None:
    loose = split_dataset(toy, SplitParams(kind="leave_last", n_last=3))
    strict = split_dataset(toy, SplitParams(kind="leave_last", n_last=3, relevance_threshold=4.5))
    assert strict.stats["n_relevant"] < loose.stats["n_relevant"]
    held = strict.held_out
    for u, items in strict.relevant.items():
        uid = strict.train.user_ids[u]
        rows = held[(held["user_id"] == uid) & held["item_idx"].isin(items)]
        assert (rows["rating"] >= 4.5).all()
    no_rel = held.groupby("user_id")["rating"].max() < 4.5
    assert strict.stats["n_skipped_no_relevant"] == int(no_rel.sum())
    assert strict.stats["n_eval_users"] == toy.n_users - int(no_rel.sum())


def test_items_seen_in_training_are_not_relevant() -> None:
    # user a watched x twice: once early (train), once late (held out) -> not a relevant target
    inter = pd.DataFrame({"user_id": ["a", "a", "a", "b", "b"], "item_id": ["x", "y", "x", "x", "z"],
                          "rating": 1.0, "timestamp": [1.0, 2.0, 3.0, 1.0, 4.0], "event": ""})
    split = split_dataset(Dataset.from_frames("re", inter), SplitParams(kind="leave_last", n_last=1))
    assert split.stats["n_removed_seen"] == 1
    b = split.train.user_index["b"]
    assert split.relevant == {b: frozenset({split.train.item_index["z"]})}
    assert split.stats["n_skipped_no_relevant"] == 1


def test_user_tags_on_held_out_items_are_dropped(toy: Dataset) -> None:
    split = split_dataset(toy, SplitParams(kind="leave_last", n_last=2))
    tags = split.train.user_tags
    assert tags is not None
    held_pairs = set(zip(split.held_out["user_id"], split.held_out["item_id"], strict=True))
    assert not (set(zip(tags["user_id"], tags["item_id"], strict=True)) & held_pairs)
    assert len(tags) == len(toy.interactions) - len(split.held_out)


def test_tuning_splits_are_nested_and_separate(toy: Dataset) -> None:
    test, val = tuning_splits(toy, SplitParams(kind="leave_last", n_last=2))
    # validation is carved from the test split's training part: none of its data is test data
    assert len(val.train.interactions) + len(val.held_out) == len(test.train.interactions)
    test_pairs = set(zip(test.held_out["user_id"], test.held_out["item_id"], strict=True))
    assert not (_pairs(val.train) & test_pairs)
    assert not (set(zip(val.held_out["user_id"], val.held_out["item_id"], strict=True)) & test_pairs)
    np.testing.assert_array_equal(val.train.item_ids, toy.item_ids)


def test_subsample(toy: Dataset) -> None:
    split = split_dataset(toy, SplitParams(kind="leave_last", n_last=2))
    sub = split.subsample(10, seed=0)
    assert len(sub.users) == 10 and set(sub.relevant) <= set(split.relevant)
    assert sub.subsample(10) is sub
    assert len(sub.relevant_sets()) == 10


def test_resolve_threshold_and_validation(toy: Dataset) -> None:
    assert resolve_threshold(toy, "auto") == pytest.approx(4.0)
    assert resolve_threshold(toy, None) is None
    assert resolve_threshold(toy, "none") is None
    assert resolve_threshold(toy, "3.5") == 3.5
    implicit = Dataset.from_frames("imp", pd.DataFrame({"user_id": ["a"], "item_id": ["x"], "rating": 1.0,
                                                        "timestamp": np.nan, "event": ""}))
    assert resolve_threshold(implicit, "auto") is None
    with pytest.raises(ConfigError):
        resolve_threshold(toy, 9.0)
    with pytest.raises(ConfigError):
        resolve_threshold(toy, "high")
    for bad in (SplitParams(kind="nope"), SplitParams(test_ratio=1.0), SplitParams(n_last=0)):
        with pytest.raises(ConfigError):
            split_dataset(toy, bad)


def _rated(values: list[float], signal: str | None = None) -> Dataset:
    from core.data.signal import declared

    n = len(values)
    frame = pd.DataFrame({"user_id": [f"u{i % 4}" for i in range(n)], "item_id": [f"i{i}" for i in range(n)],
                          "rating": values, "timestamp": np.nan, "event": ""})
    return Dataset.from_frames("r", frame, signal=None if signal is None else declared(signal))


def test_relevance_default_follows_the_signal() -> None:
    from core.data.splits import relevance_rule

    stars = _rated([0.5, 1.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0] * 3)
    rule = relevance_rule(stars)
    assert (rule.threshold, rule.code) == (4.0, "explicit_threshold")
    assert dict(rule.figures) == {"threshold": 4.0, "scale_min": 0.5, "scale_max": 5.0}
    assert "rating >= 4" in rule.describe()
    # a 1-10 scale nobody rated above 9 still uses 80 % of its top, 8
    ten = _rated([1.0, 3.0, 5.0, 6.0, 7.0, 8.0, 9.0] * 3)
    assert ten.signal.scale == (1.0, 10.0) and resolve_threshold(ten, "auto") == 8.0
    counts = _rated([1.0, 3.0, 120.0, 13883.0, 2.0, 7.0] * 3)
    assert counts.signal.kind == "count"
    assert relevance_rule(counts) == type(rule)(None, "implicit_all", (("kind", "count"),))
    assert resolve_threshold(counts, "auto") is None and resolve_threshold(counts, "50") == 50.0
    # the same values declared as ratings: the threshold comes back (80 % of the observed top)
    as_ratings = _rated([1.0, 3.0, 120.0, 13883.0, 2.0, 7.0] * 3, "explicit")
    assert resolve_threshold(as_ratings, "auto") == pytest.approx(0.8 * 13883.0)
    durations = _rated([1.0, 2.0, 3.0, 4.0], "duration")
    assert relevance_rule(durations).code == "implicit_all" and resolve_threshold(durations, "") is None
    flat = _rated([3.0, 3.0, 3.0], "explicit")
    assert relevance_rule(flat).code == "explicit_flat" and resolve_threshold(flat, "auto") is None
