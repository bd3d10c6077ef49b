"""core.vectors.encoders: the bundled offline encoders and fail-fast loading of unknown models."""

from __future__ import annotations

import numpy as np
import pytest

from core.common.errors import ModelUnavailableError
from core.vectors.encoders import Encoder, load_encoder

PAIRS = [
    ("科幻电影", "science fiction movies"),
    ("我喜欢听流行音乐", "I like listening to pop music"),
    ("恐怖片", "horror films"),
    ("爱情喜剧", "romantic comedy"),
    ("足球比赛", "a football match"),
]


def test_default_encoder_contract(use_encoder: Encoder) -> None:
    assert isinstance(use_encoder, Encoder)
    assert use_encoder.model_id == "use-m3" and use_encoder.dim == 512
    vecs = use_encoder.encode(["", "hello", "你好"], batch_size=2)
    assert vecs.shape == (3, 512) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_default_encoder_aligns_chinese_and_english(use_encoder: Encoder) -> None:
    zh = use_encoder.encode([p[0] for p in PAIRS])
    en = use_encoder.encode([p[1] for p in PAIRS])
    sims = zh @ en.T
    for i, (a, b) in enumerate(PAIRS):
        unrelated = np.delete(sims[i], i)
        assert sims[i, i] > unrelated.max() + 0.1, (a, b, sims[i])
        assert sims[i, i] > np.delete(sims[:, i], i).max() + 0.1
    assert np.diag(sims).mean() > 0.6 > np.median(sims[~np.eye(len(PAIRS), dtype=bool)]) + 0.3


def test_minilm_is_bundled_and_english() -> None:
    enc = load_encoder("minilm")
    assert enc.dim == 384 and enc.model_id == "minilm"
    vecs = enc.encode(["horror films", "scary movies", "tax law"])
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2


@pytest.mark.timeout(120)  # a hang guard (a network wait would block far longer), not a speed assertion
@pytest.mark.parametrize("name", ["no-such-org/no-such-model-xyz", "/nonexistent/folder/model"])
def test_unavailable_model_fails_fast(name: str) -> None:
    with pytest.raises(ModelUnavailableError, match=r"(?i)not available offline|could not load"):
        load_encoder(name)
