"""core.evaluation.slices: tiers by hand, slice means against the per-user arrays, item slices rescored."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.dataset import INTERACTION_COLUMNS, Dataset
from core.data.splits import Split, SplitParams
from core.evaluation import metrics as M
from core.evaluation.experiment import ConfigResult, ExperimentResult, baseline_spec, run_experiment
from core.evaluation.slices import (
    activity_slicing,
    category_slicing,
    language_slicing,
    popularity_tiers,
    slice_experiment,
    slicings_for,
)


def small_split() -> Split:
    """6 users with 1..6 training items over 8 items; relevant held-out sets chosen by hand."""
    rows = []
    for u in range(6):
        for i in range(u + 1):  # user u has items 0..u: item 0 is the most popular, item 5 the least
            rows.append((f"u{u}", f"i{i}", 5.0, 1e9 + u * 100 + i, ""))
    inter = pd.DataFrame(rows, columns=["user_id", "item_id", "rating", "timestamp", "event"])
    items = pd.DataFrame({
        "item_id": [f"i{i}" for i in range(8)],
        "title": ["星海", "Star Sea", "星海 Star Sea 远航 voyage", "夜行", "Night", "Moon", "月亮", "Sun"],
        "category": ["drama", "drama", "comedy", "comedy", "comedy", "", "horror", "drama"],
    })
    train = Dataset.from_frames("small", inter, items)
    pos = {iid: i for i, iid in enumerate(train.item_ids)}
    upos = {uid: i for i, uid in enumerate(train.user_ids)}
    relevant = {
        upos["u0"]: frozenset({pos["i6"], pos["i7"]}),
        upos["u1"]: frozenset({pos["i5"]}),
        upos["u2"]: frozenset({pos["i7"]}),
        upos["u3"]: frozenset({pos["i6"], pos["i7"]}),
        upos["u4"]: frozenset({pos["i6"]}),
        upos["u5"]: frozenset({pos["i7"], pos["i6"]}),
    }
    return Split(train, relevant, pd.DataFrame(), SplitParams())


def experiment_on(split: Split, lists: dict[str, np.ndarray], k: int = 2) -> ExperimentResult:
    users = split.users
    results = []
    for name, recs in lists.items():
        per_user = M.accuracy_per_user(recs, split.relevant_sets(users), k)
        results.append(ConfigResult(name, "baseline", recs, per_user,
                                    {m: float(v.mean()) for m, v in per_user.items()}, {}, 0.0, 0.0))
    return ExperimentResult(k, M.ACCURACY_METRICS, users, results, [], {}, 0.0)


def test_popularity_tiers_by_hand() -> None:
    pop = np.array([50, 30, 10, 5, 3, 1, 1, 0])  # 100 interactions
    tier, th = popularity_tiers(pop, 0.2, 0.2)
    # head: the first item alone makes 50 % >= 20 %; tail: from the bottom 0+1+1+3+5+10 = 20 % -> popularity <= 10
    np.testing.assert_array_equal(tier, [0, 1, 2, 2, 2, 2, 2, 2])
    assert th["head_min"] == 50 and th["tail_max"] == 10
    assert (th["head_items"], th["mid_items"], th["tail_items"]) == (1, 1, 6)
    assert th["head_interaction_share"] == pytest.approx(0.5)
    assert th["tail_interaction_share"] == pytest.approx(0.2)
    # equal popularity never straddles two tiers; a flat catalogue is all head
    flat, th_flat = popularity_tiers(np.array([10, 10, 10, 10]))
    assert set(flat.tolist()) == {0} and th_flat["tail_max"] < th_flat["head_min"]
    # nobody interacted: everything is tail
    assert set(popularity_tiers(np.zeros(5, dtype=int))[0].tolist()) == {2}
    with pytest.raises(ValueError):
        popularity_tiers(pop, 0.7, 0.5)


def test_activity_terciles_and_fixed_cuts() -> None:
    split = small_split()
    users = split.users
    counts = np.diff(split.train.matrix.indptr)[users]
    s = activity_slicing(split.train, users)
    q1, q2 = np.floor(np.quantile(counts, [1 / 3, 2 / 3]))
    assert (s.thresholds["cold_max"], s.thresholds["light_max"]) == (q1, q2)
    expected = np.where(counts <= q1, 0, np.where(counts <= q2, 1, 2))
    np.testing.assert_array_equal(s.assign, expected)
    assert sorted(np.bincount(s.assign).tolist()) == [2, 2, 2]  # 1..6 items: two users per tier
    fixed = activity_slicing(split.train, users, cuts=(1, 5))
    assert fixed.thresholds["fixed"] and np.bincount(fixed.assign).tolist() == [1, 4, 1]
    with pytest.raises(ValueError):
        activity_slicing(split.train, users, cuts=(5, 1))


def test_user_and_item_slices_against_the_per_user_arrays() -> None:
    split = small_split()
    pos = {iid: i for i, iid in enumerate(split.train.item_ids)}
    n = len(split.users)
    good = np.tile([pos["i7"], pos["i6"]], (n, 1))
    bad = np.tile([pos["i0"], pos["i1"]], (n, 1))
    result = experiment_on(split, {"good": good, "bad": bad})
    report = slice_experiment(result, split, min_users=3, n_boot=50)
    # user slices: means of the experiment's own per-user arrays
    act = report.slicing("activity")
    for st in (s for s in report.stats if s.dimension == "activity"):
        rows = act.assign == act.labels.index(st.slice)
        res = result.result(st.config)
        assert st.n_users == rows.sum()
        assert st.means["ndcg"] == pytest.approx(res.per_user["ndcg"][rows].mean())
        assert st.intervals["ndcg"].low <= st.means["ndcg"] <= st.intervals["ndcg"].high
    # the slice sizes add up to every user, weighted means give back the overall mean
    act_good = [s for s in report.stats if s.dimension == "activity" and s.config == "good"]
    assert sum(s.n_users for s in act_good) == n
    weighted = sum(s.n_users * s.means["recall"] for s in act_good) / n
    assert weighted == pytest.approx(result.result("good").aggregate["recall"])
    # item slices by category: horror = i6 only (users u0, u3, u4, u5); drama = i7 (u0, u2, u3, u5)
    cat = {(s.slice, s.config): s for s in report.stats if s.dimension == "category"}
    horror, drama = cat[("horror", "good")], cat[("drama", "good")]
    assert horror.n_users == 4 and drama.n_users == 4
    assert horror.means["recall"] == pytest.approx(1.0)  # i6 is in every "good" list
    # precision counts only the slice's hits: one horror item in two slots
    assert horror.means["precision"] == pytest.approx(0.5)
    # ndcg restricted to horror: i6 at rank 2 -> (1/log2(3)) / 1
    assert horror.means["ndcg"] == pytest.approx(1 / np.log2(3))
    assert cat[("horror", "bad")].means["recall"] == 0.0
    # "" is no category, so u1 (relevant i5 only) is in no category slice; comedy has no relevant item
    assert {s.slice for s in report.stats if s.dimension == "category"} == {"horror", "drama"}
    # small slices are flagged
    assert all(s.small == (s.n_users < 3) for s in report.stats)
    text = report.to_markdown()
    assert "activity" in text and "horror (n=4)" in text
    payload = report.to_dict()
    assert payload["dimensions"]["popularity"]["thresholds"]["head_min"] >= 1
    assert {r["config"] for r in payload["dimensions"]["category"]["rows"]} == {"good", "bad"}


def test_category_slices_take_the_largest_and_skip_without_categories() -> None:
    split = small_split()
    s = category_slicing(split.train, split, split.users, max_categories=1)
    assert s is not None and s.labels in (("horror",), ("drama",))  # both hold 4 relevant items
    assert s.thresholds["n_categories"] == 3 and s.thresholds["shown"] == 1
    bare = Dataset.from_frames("bare", split.train.interactions[list(INTERACTION_COLUMNS)],
                               pd.DataFrame({"item_id": list(split.train.item_ids)}))
    no_cat = Split(bare, split.relevant, pd.DataFrame(), SplitParams())
    slicings, skipped = slicings_for(no_cat, no_cat.users, ("category", "language"))
    assert slicings == [] and skipped == {"category": "no_categories", "language": "monolingual"}
    with pytest.raises(ValueError):
        slicings_for(no_cat, no_cat.users, ("genre",))


def test_language_only_on_bilingual_catalogues() -> None:
    split = small_split()
    lang = language_slicing(split.train)
    assert lang is not None and lang.labels == ("zh", "en", "mixed")
    pos = {iid: i for i, iid in enumerate(split.train.item_ids)}
    assert lang.assign[pos["i0"]] == 0 and lang.assign[pos["i1"]] == 1 and lang.assign[pos["i2"]] == 2
    english = split.train.items.assign(title=[f"Film {i}" for i in range(len(split.train.items))])
    mono = Dataset.from_frames("mono", split.train.interactions[list(INTERACTION_COLUMNS)], english)
    assert language_slicing(mono) is None


def test_slices_of_a_real_experiment(split: Split) -> None:
    specs = [baseline_spec("most_popular"), baseline_spec("item_knn_cf")]
    result = run_experiment(split, [s for s in specs if s is not None], k=5, n_boot=0)
    report = slice_experiment(result, split, n_boot=0)
    assert [s.dimension for s in report.slicings] == ["activity", "popularity", "category"]
    assert report.skipped == {"language": "monolingual"}
    pop = [s for s in report.stats if s.dimension == "popularity" and s.config == "most_popular"]
    # most_popular only ever lists head items: nothing found in the tail
    tail = next(s for s in pop if s.slice == "tail")
    assert tail.n_users == 0 or tail.means["recall"] == 0.0
    frame = report.frame("activity")
    assert set(frame["config"]) == {"most_popular", "item_knn_cf"} and "ndcg" in frame
    assert not report.stats[0].intervals  # n_boot 0: no intervals
