"""RP3beta: the walk matrix equals dense transition-matrix products written as explicit loops (Dacrema et
al.'s steps: alpha powers, popularity discount, top k per row, L1 rows), named items seed the scores, and the
evidence names the seed item with the largest weight."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from core.common.errors import ConfigError
from core.engine import DEFERRED_CHANNELS
from core.ranking.channels.rp3beta import RP3betaChannel, rp3beta_weights
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.query import Query
from core.ranking.ranker import Ranker
from tests.ranking.test_channels import World, make_world
from tests.ranking.test_named_items import Profile, Tag


def _random_matrix(n_users: int = 30, n_items: int = 12, seed: int = 0) -> sparse.csr_matrix:
    rng = np.random.default_rng(seed)
    dense = (rng.random((n_users, n_items)) < rng.uniform(0.1, 0.6, n_items)).astype(np.float64)
    dense *= rng.integers(1, 6, dense.shape)  # ratings: RP3beta binarises them
    dense[:, -1] = 0.0  # an item nobody used
    return sparse.csr_matrix(dense)


def _walk(matrix: sparse.csr_matrix, alpha: float, beta: float) -> np.ndarray:
    """W before the top-k cut, with explicit loops: W[i, j] = sum_u Piu[i, u]^a Pui[u, j]^a deg_j^-b."""
    x = (matrix.toarray() > 0).astype(np.float64)
    n_users, n_items = x.shape
    user_deg = x.sum(axis=1)
    item_deg = x.sum(axis=0)
    w = np.zeros((n_items, n_items))
    for i in range(n_items):
        for j in range(n_items):
            if i == j or item_deg[j] == 0:
                continue
            total = 0.0
            for u in range(n_users):
                if x[u, i] and x[u, j]:
                    total += (1.0 / item_deg[i]) ** alpha * (1.0 / user_deg[u]) ** alpha
            w[i, j] = total * item_deg[j] ** -beta
    return w


def _normalised(w: np.ndarray) -> np.ndarray:
    sums = w.sum(axis=1, keepdims=True)
    return np.divide(w, sums, out=np.zeros_like(w), where=sums > 0)


@pytest.mark.parametrize(("alpha", "beta", "seed"), [(1.0, 0.0, 0), (0.8, 0.3, 1), (0.5, 0.9, 2)])
def test_every_neighbour_kept_equals_the_loops(alpha: float, beta: float, seed: int) -> None:
    matrix = _random_matrix(seed=seed)
    w = rp3beta_weights(matrix, alpha, beta, k=matrix.shape[1])
    np.testing.assert_allclose(w.toarray(), _normalised(_walk(matrix, alpha, beta)), atol=1e-6)
    assert np.allclose(np.asarray(w.sum(axis=1)).ravel()[:-1], 1.0, atol=1e-6)  # rows sum to 1 ...
    assert w[-1].nnz == 0 and w[:, -1].nnz == 0  # ... except the unused item's, which has no neighbour


def test_alpha_one_beta_zero_is_the_plain_three_step_walk() -> None:
    """With alpha 1 and beta 0 the unnormalised W is P_iu P_ui (a transition matrix: rows sum to 1 before
    the diagonal is cut)."""
    matrix = _random_matrix(seed=5)
    x = (matrix.toarray() > 0).astype(np.float64)
    p_ui = x / np.maximum(x.sum(axis=1, keepdims=True), 1)
    p_iu = x.T / np.maximum(x.T.sum(axis=1, keepdims=True), 1)
    step = p_iu @ p_ui
    np.fill_diagonal(step, 0.0)
    np.testing.assert_allclose(rp3beta_weights(matrix, 1.0, 0.0, k=100).toarray(), _normalised(step), atol=1e-6)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_top_k_keeps_the_largest_weights_per_row(k: int) -> None:
    matrix = _random_matrix(40, 14, seed=7)
    full = _walk(matrix, 0.8, 0.3)
    w = rp3beta_weights(matrix, 0.8, 0.3, k=k).toarray()
    for i in range(full.shape[0]):
        positive = np.sort(full[i][full[i] > 0])[::-1][:k]
        kept = np.flatnonzero(w[i])
        assert len(kept) == len(positive)
        np.testing.assert_allclose(np.sort(full[i, kept])[::-1], positive, rtol=1e-5)  # the k largest ...
        if len(kept):
            np.testing.assert_allclose(w[i, kept], full[i, kept] / full[i, kept].sum(), atol=1e-6)  # ... L1


def test_parameters_are_checked() -> None:
    for bad in ({"alpha": 0.0}, {"beta": -0.1}, {"k": 0}):
        with pytest.raises(ConfigError):
            rp3beta_weights(_random_matrix(), **bad)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def world() -> World:
    return make_world(seed=3)


@pytest.fixture(scope="module")
def channel(world: World) -> RP3betaChannel:
    return RP3betaChannel(k=30).fit(world.ctx())


def test_scores_are_history_times_walk(world: World, channel: RP3betaChannel) -> None:
    ds = world.dataset
    weights = channel.weights_
    assert weights is not None and weights.dtype == np.float32
    x = (ds.matrix.toarray() > 0).astype(np.float64)
    users = ["u3", "u5"]
    expected = np.stack([x[ds.user_index[u]] for u in users]) @ weights.toarray()
    np.testing.assert_allclose(channel.score([Query(user_id=u) for u in users]), expected, atol=1e-6)


def test_named_items_seed_and_avoided_ones_subtract(world: World, channel: RP3betaChannel) -> None:
    assert channel.weights_ is not None
    w = channel.weights_.toarray()
    cold = Query(profile=Profile([Tag("film 3", 0.5, 1, None, "item", "i3"),
                                  Tag("film 7", 0.5, 1, None, "item", "i7")]))
    assert channel.why_not(cold) is None
    np.testing.assert_allclose(channel.score([cold])[0], w[3] + w[7], atol=1e-6)
    avoided = Query(profile=Profile([Tag("film 3", 1.0, 1, None, "item", "i3"),
                                     Tag("not film 9", 1.0, -1, None, "item", "i9")]))
    np.testing.assert_allclose(channel.score([avoided])[0], w[3] - w[9], atol=1e-6)


def test_evidence_and_fusion(world: World, channel: RP3betaChannel) -> None:
    assert channel.weights_ is not None
    w = channel.weights_.toarray()
    ds = world.dataset
    assert FusionWeights().rp3beta == 0.0 and "rp3beta" in DEFERRED_CHANNELS
    rec = Ranker(ds, {"rp3beta": channel}).recommend(
        Query(user_id="u3"), FusionConfig(weights=FusionWeights.from_dict({"rp3beta": 1.0})), k=5)
    seen = np.sort(ds.matrix[ds.user_index["u3"]].indices)
    for item, explanation in zip(rec.result.items, rec.explanations, strict=True):
        assert int(item) not in seen
        reason = explanation.reasons[0]
        best = int(seen[np.argmax(w[seen, int(item)])])
        assert reason.channel == "rp3beta" and reason.code == "co_liked" and reason.args["item_idx"] == best
    named = Query(profile=Profile([Tag("film 3", 1.0, 1, None, "item", "i3")]))
    target = int(np.argmax(w[3]))
    ev = channel.explain(named, target)
    assert ev is not None and ev.code == "named_item" and ev.args["item_idx"] == 3
    outside = int(np.flatnonzero(w[3] == 0)[-1])
    ev_none = channel.explain(named, outside)
    assert ev_none is not None and ev_none.code == "similar_users"
