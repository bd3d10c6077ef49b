"""core.vectors.projection: map quality on real USE vectors and the placement of new points.

Quality is asserted the way umap-learn's own tests do it (trustworthiness above a threshold), not by
exact coordinates. The UMAP tests fit ~2,000 real MovieLens title vectors a few times (numba
compilation included, ~1 min on 2 busy cores) and are marked slow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.vectors.projection import (
    ProjectionParams,
    Projector,
    exact_neighbours,
    membership_weights,
    place_by_neighbours,
    trustworthiness,
)
from tests.vectors.conftest import N_REAL


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


# --- pure placement maths (fast) -----------------------------------------------------------------


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
