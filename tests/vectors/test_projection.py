"""core.vectors.projection and core.vectors.sampling: map quality on real USE vectors, placement, cache, sampling.

Quality is asserted the way umap-learn's own tests do it (trustworthiness above a threshold), not by
exact coordinates. The UMAP tests fit ~2,000 real MovieLens title vectors a few times (numba
compilation included, ~1 min on 2 busy cores) and are marked slow.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from core.common.config import data_dir
from core.vectors.projection import (
    ProjectionParams,
    Projector,
    build_map,
    exact_neighbours,
    joint_knn_graph,
    load_cached,
    map_key,
    membership_weights,
    place_by_neighbours,
    trustworthiness,
    vectors_checksum,
)
from core.vectors.sampling import allocate, stratified_sample

N_REAL = 2000


@pytest.fixture(scope="module")
def movie_vectors(use_encoder: Any) -> tuple[np.ndarray, pd.DataFrame]:
    """USE vectors of a seeded sample of 2,000 MovieLens movies ("title. genre, genre")."""
    movies = pd.read_csv(data_dir() / "ml-latest-small" / "movies.csv")
    rows = np.sort(np.random.default_rng(7).choice(len(movies), N_REAL, replace=False))
    sample = movies.iloc[rows].reset_index(drop=True)
    texts = (sample["title"] + ". " + sample["genres"].str.replace("|", ", ")).tolist()
    vectors = np.asarray(use_encoder.encode(texts, batch_size=256), dtype=np.float32)
    return vectors, sample


@pytest.fixture(scope="module")
def hnsw_map(movie_vectors: tuple[np.ndarray, pd.DataFrame]) -> Projector:
    """A map of the 2,000 movies over the reused hnswlib graph."""
    return Projector(n_neighbors=10, knn="hnsw", random_state=42).fit(movie_vectors[0])


# --- quality on real vectors ---------------------------------------------------------------------


@pytest.mark.slow
def test_hnsw_map_is_trustworthy(movie_vectors: tuple[np.ndarray, pd.DataFrame], hnsw_map: Projector) -> None:
    vectors, _ = movie_vectors
    assert hnsw_map.embedding_.shape == (N_REAL, 2)
    assert np.isfinite(hnsw_map.embedding_).all()
    trust = trustworthiness(vectors, hnsw_map.embedding_, n_neighbors=10)
    assert trust >= 0.85
    # a random layout is far less trustworthy: the threshold is not trivially met
    random_layout = np.random.default_rng(0).normal(size=(N_REAL, 2))
    assert trustworthiness(vectors, random_layout, n_neighbors=10) < 0.6


@pytest.mark.slow
def test_hnsw_graph_as_trustworthy_as_umaps_own_search(
    movie_vectors: tuple[np.ndarray, pd.DataFrame], hnsw_map: Projector
) -> None:
    vectors, _ = movie_vectors
    default = Projector(n_neighbors=10, knn="umap", random_state=42).fit(vectors)
    assert default.knn_indices_ is None and hnsw_map.knn_indices_ is not None
    t_default = trustworthiness(vectors, default.embedding_, n_neighbors=10)
    t_hnsw = trustworthiness(vectors, hnsw_map.embedding_, n_neighbors=10)
    assert t_hnsw >= t_default - 0.02


@pytest.mark.slow
def test_hnsw_graph_matches_exact_neighbours(
    hnsw_map: Projector,
) -> None:
    assert hnsw_map.knn_indices_ is not None and hnsw_map.knn_dists_ is not None
    assert (hnsw_map.knn_indices_[:, 0] == np.arange(N_REAL)).all()  # each point is its own 1st neighbour
    assert np.allclose(hnsw_map.knn_dists_[:, 0], 0.0)
    exact_ids, _ = exact_neighbours(hnsw_map.vectors_, hnsw_map.vectors_, 10)
    hits = [len(set(a) & set(b)) for a, b in zip(hnsw_map.knn_indices_, exact_ids, strict=True)]
    assert np.mean(hits) / 10 >= 0.95


@pytest.mark.slow
def test_fit_is_deterministic(movie_vectors: tuple[np.ndarray, pd.DataFrame], hnsw_map: Projector) -> None:
    again = Projector(n_neighbors=10, knn="hnsw", random_state=42).fit(movie_vectors[0])
    assert np.array_equal(again.embedding_, hnsw_map.embedding_)


@pytest.mark.slow
def test_transform_puts_duplicates_next_to_their_item(
    movie_vectors: tuple[np.ndarray, pd.DataFrame], hnsw_map: Projector
) -> None:
    vectors, _ = movie_vectors
    before = hnsw_map.embedding_.copy()
    rng = np.random.default_rng(3)
    picked = rng.choice(N_REAL, 100, replace=False)
    # exact duplicates land exactly on their item (as UMAP's init_graph_transform does)
    exact = hnsw_map.transform(vectors[picked])
    assert np.allclose(exact, hnsw_map.embedding_[picked])
    # near-duplicates (cosine ~0.97) take the weighted path and still land among the item's neighbours
    noisy = vectors[picked] + rng.normal(0.0, 0.01, size=(100, vectors.shape[1])).astype(np.float32)
    placed = hnsw_map.transform(noisy)
    dist = np.linalg.norm(placed[:, None, :] - hnsw_map.embedding_[None, :, :], axis=2)
    rank = (dist < dist[np.arange(100), picked][:, None]).sum(1)  # map points closer than the item
    assert np.median(rank) <= 2
    assert np.mean(rank < 10) >= 0.8
    spread = np.linalg.norm(hnsw_map.embedding_ - hnsw_map.embedding_.mean(0), axis=1).mean()
    assert np.median(dist[np.arange(100), picked]) < 0.1 * spread
    assert np.array_equal(hnsw_map.embedding_, before)  # transform never refits


@pytest.mark.slow
def test_placement_of_held_out_points_keeps_their_neighbourhoods(
    movie_vectors: tuple[np.ndarray, pd.DataFrame],
) -> None:
    vectors, _ = movie_vectors
    perm = np.random.default_rng(11).permutation(N_REAL)
    fit_rows, held = perm[:1800], perm[1800:]
    proj = Projector(n_neighbors=15, random_state=42).fit(vectors[fit_rows])
    placed = proj.transform(vectors[held])
    assert np.isfinite(placed).all()
    true_ids, _ = exact_neighbours(proj.vectors_, proj.vectors_, 1)  # sanity of the helper
    assert (true_ids[:, 0] == np.arange(1800)).all()
    nb_ids, _ = exact_neighbours(vectors[held], proj.vectors_, 10)
    d = np.linalg.norm(placed[:, None, :] - proj.embedding_[None, :, :], axis=2)
    map_ids = np.argsort(d, axis=1)[:, :10]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(nb_ids, map_ids, strict=True)])
    assert recall >= 0.10  # random placement gives 10/1800 ~ 0.006; fitted points themselves ~0.18


@pytest.mark.slow
def test_build_map_caches_on_disk(movie_vectors: tuple[np.ndarray, pd.DataFrame], tmp_path: Path) -> None:
    vectors, _ = movie_vectors
    items, users = vectors[:600], vectors[600:700]
    mask = np.ones(100, bool)
    mask[::10] = False
    params = ProjectionParams(n_neighbors=10)
    seen: list[tuple[float, str]] = []
    first = build_map(items, users, mask, fingerprint="fp", model_id="use-m3", params=params,
                      cache_root=tmp_path, progress=lambda f, m: seen.append((f, m)))
    assert not first.from_cache
    assert first.coords.shape == (600 + 90, 2)
    assert first.item_coords.shape == (600, 2) and first.user_coords.shape == (90, 2)
    assert list(first.user_idx) == [i for i in range(100) if i % 10]
    assert first.user_row()[1] == 0
    assert 0.8 <= first.trustworthiness <= 1.0
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [f"{first.key}.json", f"{first.key}.npy"]  # no temp files left behind
    meta = json.loads((tmp_path / f"{first.key}.json").read_text())
    assert meta["n_items"] == 600 and meta["n_users"] == 90 and meta["model_id"] == "use-m3"

    second = build_map(items, users, mask, fingerprint="fp", model_id="use-m3", params=params,
                       cache_root=tmp_path)
    assert second.from_cache and second.key == first.key
    assert np.array_equal(second.coords, first.coords)
    assert second.trustworthiness == pytest.approx(first.trustworthiness)
    # the rebuilt projector places points like the fitted one (both use exact/hnsw neighbours)
    probe = vectors[700:720]
    same = np.isclose(second.transform(probe), first.transform(probe), atol=1e-4).all(axis=1)
    assert same.mean() >= 0.9  # hnswlib (first) and exact search (second) may differ on a rare tie

    # anything that changes the map changes the key
    other = map_key("fp", "use-m3", ProjectionParams(n_neighbors=12), vectors_checksum(items))
    assert other != first.key
    assert map_key("fp2", "use-m3", params, "x") != map_key("fp", "use-m3", params, "x")
    assert map_key("fp", "minilm", params, "x") != map_key("fp", "use-m3", params, "x")

    # a corrupt entry is ignored (recomputed), never trusted
    (tmp_path / f"{first.key}.json").write_text("{not json")
    assert load_cached(tmp_path, first.key) is None
    third = build_map(items, users, mask, fingerprint="fp", model_id="use-m3", params=params,
                      cache_root=tmp_path)
    assert not third.from_cache
    assert load_cached(tmp_path, first.key) is not None


@pytest.mark.slow
def test_build_map_reuses_the_engines_indexes(
    movie_vectors: tuple[np.ndarray, pd.DataFrame], tmp_path: Path
) -> None:
    from core.vectors.index import HnswIndex

    vectors, _ = movie_vectors
    items, users = vectors[:900], vectors[900:1000].copy()
    mask = np.ones(100, bool)
    mask[::7] = False
    users_in_index = users.copy()
    users_in_index[~mask] = 0.0  # as the engine's user index: users without a profile are zero rows
    item_index = HnswIndex(512).build(items)
    user_index = HnswIndex(512).build(users_in_index)
    params = ProjectionParams(n_neighbors=10)
    reused = build_map(items, users, mask, fingerprint="fp", model_id="m", params=params, cache_root=tmp_path,
                       item_index=item_index, user_index=user_index, use_cache=False)
    own = build_map(items, users, mask, fingerprint="fp", model_id="m", params=params, cache_root=tmp_path,
                    use_cache=False)
    assert reused.coords.shape == own.coords.shape == (900 + int(mask.sum()), 2)
    assert reused.trustworthiness >= own.trustworthiness - 0.02
    assert reused.trustworthiness >= 0.85
    assert reused.timings["knn"] > 0


# --- pure placement maths (fast) -----------------------------------------------------------------


def test_joint_graph_from_two_indexes_matches_exact_search() -> None:
    from core.vectors.index import ExactIndex, HnswIndex

    rng = np.random.default_rng(5)
    centres = rng.normal(size=(8, 32))
    items = (np.repeat(centres, 50, axis=0) + 0.4 * rng.normal(size=(400, 32))).astype(np.float32)
    users = (centres[rng.integers(0, 8, 60)] + 0.4 * rng.normal(size=(60, 32))).astype(np.float32)
    mask = np.ones(60, bool)
    mask[[3, 10, 11]] = False  # users without a profile: zero rows in the user index, not on the map
    in_index = users.copy()
    in_index[~mask] = 0.0
    user_idx = np.flatnonzero(mask)
    stacked = np.concatenate([items, users[user_idx]])
    ids, dists = joint_knn_graph(stacked, 400, user_idx, HnswIndex(32).build(items),
                                 HnswIndex(32).build(in_index), 12)
    assert ids.shape == dists.shape == (len(stacked), 12)
    assert (ids[:, 0] == np.arange(len(stacked))).all() and np.allclose(dists[:, 0], 0.0)
    assert ids.max() < len(stacked) and ids.min() >= 0  # only mapped rows
    assert (ids >= 400).any()  # user rows do appear as neighbours
    exact_ids, _ = ExactIndex(32).build(stacked).query(stacked, 12)
    hits = np.mean([len(set(a) & set(b)) / 12 for a, b in zip(ids, exact_ids, strict=True)])
    assert hits >= 0.95
    assert np.all(np.diff(dists[:, 1:], axis=1) >= -1e-6)  # sorted by distance
    with pytest.raises(ValueError, match="user index"):
        joint_knn_graph(stacked, 400, user_idx, HnswIndex(32).build(items), None, 12)
    with pytest.raises(ValueError, match="item index holds"):
        joint_knn_graph(stacked, 401, user_idx, HnswIndex(32).build(items), None, 12)



def test_membership_weights_match_umaps_target() -> None:
    dists = np.array([[0.1, 0.2, 0.3, 0.5, 0.8], [0.3, 0.3, 0.3, 0.3, np.inf]])
    w = membership_weights(dists)
    assert w.shape == dists.shape
    assert w[0].sum() == pytest.approx(np.log2(5), rel=1e-3)
    assert w[1, 4] == 0.0  # padding
    assert w[1, :4].sum() == pytest.approx(np.log2(4), rel=1e-3)
    assert (np.diff(w[0]) < 0).all()  # closer neighbours weigh more


def test_place_by_neighbours_moves_to_the_dense_group() -> None:
    emb = np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [0.1, 0.1], [10.0, 10.0]], dtype=np.float32)
    ids = np.array([[0, 1, 2, 3, 4], [4, 0, 1, -1, -1], [-1, -1, -1, -1, -1], [2, 0, 1, 3, 4]])
    dists = np.array(
        [[0.2, 0.2, 0.2, 0.2, 0.2], [0.1, 0.3, 0.3, 0.0, 0.0], [0.0] * 5, [0.0, 0.2, 0.2, 0.2, 0.2]]
    )
    plain = place_by_neighbours(emb, ids, dists, refine_steps=0)
    refined = place_by_neighbours(emb, ids, dists, refine_steps=10)
    assert np.linalg.norm(plain[0] - [2.04, 2.04]) < 0.05  # the plain mean sits between the groups
    assert np.linalg.norm(refined[0] - [0.05, 0.05]) < 0.1  # mean-shift settles on the 4-point group
    assert np.isfinite(refined[1]).all()  # -1 padding ignored
    assert np.isnan(refined[2]).all()  # no neighbours at all
    assert np.allclose(refined[3], emb[2])  # distance 0: exactly on that point


def test_projector_validates_input() -> None:
    vectors = np.random.default_rng(0).normal(size=(30, 8)).astype(np.float32)
    with pytest.raises(ValueError, match="cosine"):
        Projector(metric="euclidean", knn="hnsw").fit(vectors)
    with pytest.raises(ValueError, match="knn"):
        Projector(knn="faiss").fit(vectors)  # type: ignore[arg-type]
    zero = vectors.copy()
    zero[3] = 0.0
    with pytest.raises(ValueError, match="non-zero"):
        Projector().fit(zero)
    with pytest.raises(ValueError, match="at least 4"):
        Projector().fit(vectors[:3])
    with pytest.raises(RuntimeError, match="not fitted"):
        Projector().transform(vectors[:1])
    with pytest.raises(ValueError, match="embedding must have shape"):
        Projector.from_embedding(vectors, np.zeros((29, 2)))
    params = Projector(n_neighbors=7, min_dist=0.2).get_params()
    assert params == ProjectionParams(n_neighbors=7, min_dist=0.2)
    assert Projector.from_params(params).get_params() == params


def test_from_embedding_transform_without_umap() -> None:
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(3, 16))
    vectors = np.concatenate([c + 0.05 * rng.normal(size=(20, 16)) for c in centres]).astype(np.float32)
    coords = np.repeat(np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]]), 20, axis=0)
    coords += 0.1 * rng.normal(size=coords.shape)
    proj = Projector.from_embedding(vectors, coords, ProjectionParams(n_neighbors=10))
    probe = centres + 0.05 * rng.normal(size=centres.shape)
    placed = proj.transform(probe.astype(np.float32))
    assert np.allclose(placed, [[0, 0], [5, 0], [0, 5]], atol=0.5)
    assert proj.transform(np.zeros((0, 16), np.float32)).shape == (0, 2)
    assert proj.transform(probe[0].astype(np.float32)).shape == (1, 2)  # a single 1-d vector


# --- balanced display sampling -------------------------------------------------------------------


def test_allocate_is_proportional_with_a_floor() -> None:
    sizes = np.array([1000, 300, 50, 3, 0])
    alloc = allocate(sizes, 200, min_per_stratum=10)
    assert alloc.sum() == 200
    assert (alloc <= sizes).all()
    assert alloc[3] == 3 and alloc[4] == 0  # small strata entirely, empty ones nothing
    assert alloc[2] >= 10  # floor kept although 50/1353*200 ~ 7
    assert alloc[0] > alloc[1] > alloc[2]  # otherwise proportional
    assert alloc[0] / alloc[1] == pytest.approx(1000 / 300, rel=0.1)
    assert list(allocate(sizes, 5000)) == list(sizes)  # more than available: everything
    tight = allocate(np.array([100, 100, 100, 5]), 8, min_per_stratum=10)  # floors exceed the budget
    assert tight.sum() == 8 and (tight >= 1).all()
    assert allocate(sizes, 0).sum() == 0


def test_stratified_sample_is_balanced_seeded_and_not_first_n() -> None:
    labels = np.array(["Drama"] * 600 + ["Comedy"] * 300 + ["Horror"] * 20 + ["Film-Noir"] * 4)
    idx, report = stratified_sample(labels, 100, min_per_stratum=8, seed=1)
    assert len(idx) == 100 and report.total == 100
    assert np.array_equal(idx, np.unique(idx))  # sorted, no repeats
    drawn = dict(zip(report.labels, report.drawn, strict=True))
    picked = pd.Series(labels[idx]).value_counts().to_dict()
    assert picked == {k: v for k, v in drawn.items() if v}
    assert picked["Film-Noir"] == 4 and picked["Horror"] == 8
    assert picked["Drama"] > picked["Comedy"] > picked["Horror"]
    assert not np.array_equal(idx[: picked["Drama"]], np.arange(picked["Drama"]))  # not the first N
    again, _ = stratified_sample(labels, 100, min_per_stratum=8, seed=1)
    assert np.array_equal(idx, again)
    other, _ = stratified_sample(labels, 100, min_per_stratum=8, seed=2)
    assert not np.array_equal(idx, other)


def test_stratified_sample_grows_without_reshuffling_and_pins() -> None:
    labels = ["a"] * 500 + ["b"] * 500 + [None] * 100
    small, _ = stratified_sample(labels, 60, seed=0)
    large, _ = stratified_sample(labels, 200, seed=0)
    assert set(small) <= set(large)  # raising the sample keeps what was on screen
    pinned, report = stratified_sample(labels, 60, seed=0, always=[1099, 5, 5, -1, 5000])
    assert {1099, 5} <= set(pinned)
    assert set(small) <= set(pinned)
    assert report.total == len(pinned) == 60 + report.pinned
    everything, _ = stratified_sample(labels, 10_000)
    assert len(everything) == 1100
