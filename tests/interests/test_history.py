"""core.interests.history: Ward clusters by silhouette, medoids, c-TF-IDF labels, time decay, typed/history mix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.dataset import Dataset
from core.interests import history as hi
from core.interests.profile import InterestProfile, InterestTag

DAY = 86_400.0


def _blobs(
    centres: int, per: int, dim: int = 32, spread: float = 0.05, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    basis = np.eye(dim)[:centres]
    vecs = np.concatenate([basis[c] + spread * rng.standard_normal((per, dim)) for c in range(centres)])
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs.astype(np.float32), np.repeat(np.arange(centres), per)


def _synthetic(groups: list[tuple[str, list[str], float]], per: int = 6) -> tuple[Dataset, np.ndarray]:
    """One user who liked ``per`` items of each group; group = (title stem, tags, age in days)."""
    vecs, _ = _blobs(len(groups), per, seed=1)
    items, inter = [], []
    now = 1_700_000_000.0
    for g, (stem, tags, age) in enumerate(groups):
        for j in range(per):
            iid = f"i{g}_{j}"
            items.append({"item_id": iid, "title": f"{stem} {j}", "tags": tuple(tags), "category": tags[0]})
            ts = now - age * DAY
            inter.append({"user_id": "u1", "item_id": iid, "rating": 5.0, "timestamp": ts, "event": ""})
    inter.append({"user_id": "u2", "item_id": "i0_0", "rating": 1.0, "timestamp": now, "event": ""})
    ds = Dataset.from_frames("synthetic", pd.DataFrame(inter), pd.DataFrame(items))
    order = [ds.item_index[f"i{g}_{j}"] for g in range(len(groups)) for j in range(per)]
    out = np.zeros_like(vecs)
    out[order] = vecs
    return ds, out


def test_choose_clusters_finds_the_planted_number() -> None:
    vecs, truth = _blobs(4, 15)
    labels, silhouette = hi.choose_clusters(vecs, max_clusters=8)
    assert len(np.unique(labels)) == 4 and silhouette > 0.5
    # same partition as the truth (up to label names)
    assert all(len(np.unique(labels[truth == c])) == 1 for c in range(4))


def test_choose_clusters_without_structure_is_one_cluster() -> None:
    rng = np.random.default_rng(3)
    noise = rng.standard_normal((40, 256)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    labels, silhouette = hi.choose_clusters(noise)
    assert silhouette < hi.MIN_SILHOUETTE and (labels == 0).all()
    assert (hi.choose_clusters(noise[:2])[0] == 0).all()


def test_label_clusters_prefers_distinctive_words() -> None:
    terms = [
        {"sci-fi": ("Sci-Fi", 1.0), "space": ("space", 1.0), "drama": ("Drama", 1.0)},
        {"sci-fi": ("Sci-Fi", 1.0), "robots": ("robots", 1.0), "drama": ("Drama", 1.0)},
        {"western": ("Western", 1.0), "horses": ("horses", 1.0), "drama": ("Drama", 1.0)},
        {"western": ("Western", 1.0), "drama": ("Drama", 1.0)},
    ]
    labels = hi.label_clusters(terms, np.array([0, 0, 1, 1]), n_words=1)
    assert labels == ["Sci-Fi", "Western"]
    tied = [{"dusty": ("dusty", 1.0), "western": ("Western", hi.TAG_BOOST)}] * 2
    assert hi.label_clusters(tied, np.array([0, 0]), n_words=1) == ["Western"]


def test_history_interests_on_planted_groups_with_time_decay() -> None:
    ds, vecs = _synthetic([
        ("Star voyage", ["Sci-Fi", "space"], 400.0),
        ("Dusty trail", ["Western", "horses"], 0.0),
        ("Crime story", ["Crime", "heist"], 30.0),
    ])
    tags = hi.history_interests(ds, vecs, "u1", half_life_days=180.0)
    assert len(tags) == 3 and all(t.source == "history" and t.polarity == 1 for t in tags)
    assert sum(t.weight for t in tags) == pytest.approx(1.0)
    by_tag = {name: next(t for t in tags if name in t.text) for name in ("Sci-Fi", "Western", "Crime")}
    assert len({id(t) for t in by_tag.values()}) == 3  # one label per planted group
    # same size, so time decides: the newest group weighs most, the oldest least
    assert by_tag["Western"].weight > by_tag["Crime"].weight > by_tag["Sci-Fi"].weight
    for label, stem in (("Sci-Fi", "i0_"), ("Western", "i1_"), ("Crime", "i2_")):
        tag = by_tag[label]
        assert tag.medoid_item is not None and tag.medoid_item.startswith(stem)
        assert tag.medoid_item in tag.item_ids and len(tag.item_ids) == 6
        assert tag.vector is not None and np.linalg.norm(tag.vector) == pytest.approx(1.0, abs=1e-5)
        assert 0.5 < tag.grounding <= 1.0
    flat = hi.history_interests(ds, vecs, "u1", half_life_days=None)
    assert [t.weight for t in flat] == pytest.approx([1 / 3] * 3)


def test_chinese_labels_use_jieba() -> None:
    ds, vecs = _synthetic([
        ("星际远航", ["科幻", "太空飞船"], 0.0),
        ("江湖恩怨", ["武侠", "江湖"], 0.0),
    ])
    labels = {t.text for t in hi.history_interests(ds, vecs, "u1")}
    assert any("科幻" in label for label in labels) and any("武侠" in label for label in labels)


def test_unknown_user_and_disliked_only() -> None:
    ds, vecs = _synthetic([("Star voyage", ["Sci-Fi"], 0.0), ("Dusty trail", ["Western"], 0.0)])
    assert hi.history_interests(ds, vecs, "nobody") == []
    single = hi.history_interests(ds, vecs, "u2")  # one rating: that item is the whole history
    assert len(single) == 1 and single[0].weight == pytest.approx(1.0) and single[0].medoid_item == "i0_0"


@pytest.mark.slow
def test_movielens_user_history(movielens: Dataset, movielens_vectors: np.ndarray) -> None:
    tags = hi.history_interests(movielens, movielens_vectors, "414", max_clusters=8)
    assert 2 <= len(tags) <= 8
    liked, _ = hi.liked_items(movielens, "414")
    liked_ids = {str(movielens.item_ids[i]) for i in liked}
    for tag in tags:
        assert tag.medoid_item in liked_ids and tag.text and tag.grounded
    genres = {g for t in tags for g in t.text.split(" · ")}
    assert genres & {"Comedy", "Drama", "Thriller", "Action", "Romance", "Sci-Fi", "Documentary"}
    assert len(liked) <= 500


def _tag(text: str, weight: float, polarity: int = 1, source: str = "clause") -> InterestTag:
    vec = np.zeros(4, dtype=np.float32)
    vec[len(text) % 4] = 1.0
    return InterestTag(text=text, weight=weight, polarity=polarity, vector=vec, source=source)


def test_combine_mixes_by_alpha_and_keeps_negatives() -> None:
    typed = InterestProfile("t", [_tag("sci", 0.7), _tag("comedy", 0.3), _tag("horror", 0.5, -1)], "en")
    hist = [_tag("western", 0.6, source="history"), _tag("drama", 0.4, source="history")]
    mixed = hi.combine(typed, hist, 0.25)
    pos = {t.text: t.weight for t in mixed.positive()}
    assert pos["sci"] == pytest.approx(0.75 * 0.7) and pos["western"] == pytest.approx(0.25 * 0.6)
    assert sum(pos.values()) == pytest.approx(1.0)
    assert [t.text for t in mixed.negative()] == ["horror"]
    assert {t.text for t in hi.combine(typed, hist, 0.0).positive()} == {"sci", "comedy"}
    only_hist = hi.combine(typed, hist, 1.0)
    assert {t.text for t in only_hist.positive()} == {"western", "drama"} and only_hist.negative()
    assert {t.text for t in hi.combine(None, hist, 0.1, text="x").positive()} == {"western", "drama"}
    assert {t.text for t in hi.combine(typed, [], 0.9).positive()} == {"sci", "comedy"}
    assert hi.combine(typed, hist, float("nan")).positive()[0].text in {"sci", "comedy"}
    assert typed.tags[0].weight == 0.7  # inputs untouched
