"""core.interests.profile: positive / negative tags, the composed vector, JSON views."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.interests.profile import NOTICE_MESSAGES, InterestProfile, InterestTag


def test_composed_vector_is_the_normalised_signed_sum(base: InterestProfile) -> None:
    composed = base.composed_vector()
    assert composed is not None and np.linalg.norm(composed) == pytest.approx(1.0, abs=1e-5)
    manual = sum(t.polarity * t.weight * t.vector for t in base.tags)  # type: ignore[operator]
    np.testing.assert_allclose(composed, manual / np.linalg.norm(manual), atol=1e-5)


def test_as_dict_is_json_ready(base: InterestProfile) -> None:
    payload = json.loads(json.dumps(base.as_dict(), ensure_ascii=False))
    assert {"text", "weight", "polarity", "source", "grounding", "grounded"} <= set(payload["tags"][0])


def test_composed_vector_needs_a_wanted_tag_with_a_vector() -> None:
    e = np.eye(3, dtype=np.float32)
    wanted, avoided = InterestTag("a", 1.0, 1, e[0]), InterestTag("x", 0.5, -1, e[1])
    profile = InterestProfile("t", [wanted, avoided])
    assert profile.positive() == [wanted] and profile.negative() == [avoided]
    composed = profile.composed_vector()
    assert composed is not None and composed.dtype == np.float32
    np.testing.assert_allclose(composed, np.array([1.0, -0.5, 0.0]) / np.sqrt(1.25), atol=1e-6)
    assert InterestProfile("t", [avoided]).composed_vector() is None
    assert InterestProfile("t", [InterestTag("a", 1.0, 1, None)]).composed_vector() is None
    assert InterestProfile("t", [InterestTag("a", 0.0, 1, e[0])]).composed_vector() is None
    cancel = InterestProfile("t", [InterestTag("a", 0.5, 1, e[0]), InterestTag("x", 0.5, -1, e[0])])
    assert cancel.composed_vector() is None  # the sum is zero: no direction to search


def test_notices_carry_their_english_message() -> None:
    tag = InterestTag("太空", 1.0, 1, relevance=0.123456, medoid_item="i1", item_ids=("i1", "i2"))
    payload = InterestProfile("t", [tag], notices=("ungrounded", "unknown_code")).as_dict()
    assert payload["notices"] == [{"code": "ungrounded", "message": NOTICE_MESSAGES["ungrounded"]},
                                  {"code": "unknown_code", "message": "unknown_code"}]
    assert payload["tags"][0] == {"text": "太空", "weight": 1.0, "polarity": 1, "source": "clause",
                                  "grounding": None, "grounded": True, "kind": "text", "relevance": 0.1235,
                                  "medoid_item": "i1", "n_items": 2}
