"""core.vectors.users: interaction weights (rating centred per user, time decay) and user vectors."""

from __future__ import annotations

import numpy as np
import pytest

from core.vectors.users import interaction_weights, user_vectors
from tests.vectors.test_documents import small_dataset


def test_interaction_weights_rating_and_decay() -> None:
    ds = small_dataset()
    w = interaction_weights(ds, half_life_days=180.0, use_rating=True)
    # u1 ratings 5, 5, 2 (mean 4): centred+clipped 1, 1, 0; b is 180 days older: x0.5.
    # u2 rates everything 3: uniform 1; c is 360 days older: x0.25. u3: one item, no timestamp.
    np.testing.assert_allclose(w, [1.0, 0.5, 0.0, 1.0, 0.25, 1.0])
    np.testing.assert_allclose(interaction_weights(ds, None, False), np.ones(6))
    with pytest.raises(ValueError):
        interaction_weights(ds, half_life_days=0)


def test_user_vectors_weighted_mean_and_no_vector_users() -> None:
    ds = small_dataset()
    eye = np.eye(4, 5, dtype=np.float32)  # item i -> unit vector e_i; item d gets e_3
    vecs, has = user_vectors(ds, eye, half_life_days=180.0)
    u1, u2, u3 = (ds.user_index[u] for u in ("u1", "u2", "u3"))
    expected_u1 = np.array([1.0, 0.5, 0, 0, 0]) / np.linalg.norm([1.0, 0.5])
    expected_u2 = np.array([1.0, 0, 0.25, 0, 0]) / np.linalg.norm([1.0, 0.25])
    np.testing.assert_allclose(vecs[u1], expected_u1, atol=1e-6)
    np.testing.assert_allclose(vecs[u2], expected_u2, atol=1e-6)
    assert has.tolist() == [True, True, True] and vecs.dtype == np.float32

    plain, _ = user_vectors(ds, eye, half_life_days=None, use_rating=False)
    np.testing.assert_allclose(plain[u1], np.array([1, 1, 1, 0, 0]) / np.sqrt(3), atol=1e-6)

    no_d = eye.copy()
    no_d[3] = 0.0  # item d has no vector: u3 has nothing to average
    vecs, has = user_vectors(ds, no_d)
    assert not has[u3] and not vecs[u3].any()
    assert np.allclose(np.linalg.norm(vecs[has], axis=1), 1.0)
    with pytest.raises(ValueError):
        user_vectors(ds, eye[:3])
