"""core.interests.profile: positive / negative tags, the composed vector, JSON views."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.interests.profile import (
    DERIVED_NOTICES,
    NOTICE_MESSAGES,
    InterestProfile,
    InterestTag,
    refresh_notices,
)


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


# --- notices that follow from the tags (issue 16) --------------------------------------------------------


def _attr(text: str, polarity: int, key: str = "tags:Horror", weight: float = 0.5) -> InterestTag:
    return InterestTag(text, weight, polarity, kind="attribute", key=key, label=key.split(":", 1)[1])


def test_contradictions_name_the_tag_and_both_polarities() -> None:
    tags = [_attr("horror", 1), InterestTag("I like horror", 0.3, 1, kind="gist"), _attr("恐怖片", -1),
            InterestTag("Gore", 0.2, 1), InterestTag("gore ", 0.2, -1), _attr("comedy", -1, "tags:Comedy")]
    found = InterestProfile("t", tags).contradictions()
    assert [(c.label, c.kind, c.key, c.wanted, c.avoided) for c in found] == [
        ("Horror", "attribute", "tags:Horror", ("horror",), ("恐怖片",)),
        ("Gore", "text", None, ("Gore",), ("gore ",)),
    ]
    assert found[0].as_dict() == {"label": "Horror", "kind": "attribute", "key": "tags:Horror",
                                  "wanted": ["horror"], "avoided": ["恐怖片"]}


def test_no_contradiction_without_both_polarities_or_with_a_weightless_tag() -> None:
    assert InterestProfile("t", [_attr("horror", 1), _attr("comedy", -1, "tags:Comedy")]).contradictions() == []
    off = _attr("horror", -1, weight=0.0)
    assert InterestProfile("t", [_attr("horror", 1), off]).contradictions() == []
    gist = InterestTag("horror", 0.3, 1, kind="gist")  # the gist is the whole text, not a named thing
    assert InterestProfile("t", [gist, InterestTag("horror", 0.5, -1)]).contradictions() == []
    same_text_other_match = [_attr("horror", 1), InterestTag("horror", 0.5, -1)]  # matched vs free text
    assert InterestProfile("t", same_text_other_match).contradictions() == []


def test_refresh_notices_keeps_the_others_and_recomputes_the_derived_ones() -> None:
    both = [_attr("horror", 1), _attr("horror", -1)]
    assert refresh_notices(("truncated", "only_negative"), both) == ("truncated", "contradiction")
    assert refresh_notices(("contradiction",), [_attr("horror", -1)]) == ("only_negative",)
    assert refresh_notices(("ungrounded", "contradiction", "only_negative"), []) == ("ungrounded",)
    assert set(DERIVED_NOTICES) <= set(NOTICE_MESSAGES)


def test_notice_details_say_which_tags() -> None:
    only = InterestProfile("no horror, no comedy", [_attr("horror", -1), _attr("comedy", -1, "tags:Comedy")],
                           notices=("only_negative",))
    detail = only.as_dict()["notices"][0]
    assert detail["code"] == "only_negative" and detail["avoided"] == ["horror", "comedy"]
    assert "outside horror, comedy" in detail["message"] and "nothing to search towards" in detail["message"]
    both = InterestProfile("I like horror, no horror", [_attr("horror", 1), _attr("horror", -1)],
                           notices=("contradiction",))
    detail = both.as_dict()["notices"][0]
    assert detail["contradictions"] == [{"label": "Horror", "kind": "attribute", "key": "tags:Horror",
                                         "wanted": ["horror"], "avoided": ["horror"]}]
    assert "Both wanted and avoided: 'Horror'" in detail["message"]
    json.dumps(both.as_dict(), ensure_ascii=False)
