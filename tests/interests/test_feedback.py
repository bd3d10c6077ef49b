"""core.interests.feedback: match strength, like / dislike / click steps, decay toward the original, bounds,
tags added for unmatched items (synthetic unit vectors, no encoder); the item itself named as liked / avoided
and what an event changed in a list (``list_change``); and on the bilingual demo through the real engine: a
👍 takes the item out of the list and lifts its item-kNN neighbours, a 👎 removes it at once, a film named as
liked in the text is not recommended."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pytest

from core.common.errors import InterestLensError
from core.data.dataset import Dataset
from core.engine import Engine
from core.interests import feedback as fb
from core.interests.editing import renormalise
from core.interests.profile import InterestProfile, InterestTag
from core.ranking.config import FusionConfig
from core.ranking.query import Query

DIM = 8
E = np.eye(DIM, dtype=np.float32)


def _profile() -> InterestProfile:
    """Wanted a (e0, 0.6) and b (e1, 0.4); avoided x (e2) and y (e3), 0.25 each (negative scale 0.5)."""
    tags = [
        InterestTag("a", 0.6, 1, E[0]),
        InterestTag("b", 0.4, 1, E[1]),
        InterestTag("x", 0.25, -1, E[2]),
        InterestTag("y", 0.25, -1, E[3]),
    ]
    return InterestProfile("a and b, no x or y", tags, negative_scale=0.5)


def _w(profile: InterestProfile) -> dict[tuple[str, int], float]:
    return {(t.text, t.polarity): t.weight for t in profile.tags}


def _assert_normalised(profile: InterestProfile) -> None:
    weights = [t.weight for t in profile.tags]
    assert all(math.isfinite(w) and w > 0 for w in weights)
    assert sum(t.weight for t in profile.positive()) == pytest.approx(1.0)
    assert sum(t.weight for t in profile.negative()) == pytest.approx(profile.negative_scale)


# --- match strength -------------------------------------------------------------------------------


def test_match_strength_without_a_catalogue_ramps_from_the_threshold() -> None:
    profile = _profile()
    half = 0.35 + 0.5 * 0.65  # halfway between the threshold and a perfect match
    item = half * E[0] + math.sqrt(1 - half**2) * E[4]
    strength = fb.match_strength(profile, item)
    assert strength == pytest.approx([0.5, 0.0, 0.0, 0.0])
    assert fb.match_strength(profile, 3.0 * E[1]).tolist() == [0.0, 1.0, 0.0, 0.0]  # the item norm does not matter
    assert fb.match_strength(profile, np.zeros(DIM)).tolist() == [0.0] * 4
    assert fb.match_strength(profile, E[0], threshold=0.99).tolist() == [1.0, 0.0, 0.0, 0.0]


def test_match_strength_with_a_catalogue_needs_the_item_to_stand_out() -> None:
    rng = np.random.default_rng(0)
    catalogue = rng.standard_normal((400, DIM)).astype(np.float32)
    catalogue /= np.linalg.norm(catalogue, axis=1, keepdims=True)
    profile = _profile()
    sims = catalogue @ E[0]
    med, std = float(np.median(sims)), float(sims.std())
    # an item at z = 1.5 for tag a gets half strength; a typical catalogue item gets none
    cos = med + 1.5 * std
    item = cos * E[0] + math.sqrt(1 - cos**2) * E[5]
    strength = fb.match_strength(profile, item, catalogue)
    assert strength[0] == pytest.approx(0.5, abs=1e-3) and strength[1:].tolist() == [0.0, 0.0, 0.0]
    assert fb.match_strength(profile, E[0], catalogue)[0] == 1.0
    typical = catalogue[int(np.argsort(sims)[len(sims) // 2])]
    assert fb.match_strength(profile, typical, catalogue)[0] == 0.0
    # the same cosine without the catalogue is judged by the absolute threshold instead
    assert fb.match_strength(profile, item)[0] != pytest.approx(0.5, abs=1e-3)


def test_tags_without_a_vector_never_match() -> None:
    profile = InterestProfile("t", [InterestTag("no vector", 1.0, 1, None), InterestTag("a", 0.0, 1, E[0])])
    assert fb.match_strength(profile, E[0]).tolist() == [0.0, 1.0]


# --- one event ------------------------------------------------------------------------------------


def test_like_raises_the_matching_tag_and_keeps_the_others_ratios() -> None:
    profile = _profile()
    liked = fb.apply_feedback(profile, E[0], "like")
    w = _w(liked)
    # a: 0.6 * e^0.5 against b: 0.4 (unmatched), re-normalised
    grown = 0.6 * math.exp(0.5)
    assert w[("a", 1)] == pytest.approx(grown / (grown + 0.4))
    assert w[("x", -1)] == pytest.approx(0.25) and w[("y", -1)] == pytest.approx(0.25)
    _assert_normalised(liked)
    assert [t.weight for t in profile.tags] == [0.6, 0.4, 0.25, 0.25]  # the input is untouched


def test_dislike_lowers_the_matching_tag_and_click_is_a_weak_like() -> None:
    profile = _profile()
    disliked = _w(fb.apply_feedback(profile, E[0], "dislike"))
    clicked = _w(fb.apply_feedback(profile, E[0], "click"))
    liked = _w(fb.apply_feedback(profile, E[0], "like"))
    assert disliked[("a", 1)] < 0.6 < clicked[("a", 1)] < liked[("a", 1)]
    shrunk = 0.6 * math.exp(-0.5)
    assert disliked[("a", 1)] == pytest.approx(shrunk / (shrunk + 0.4))


def test_feedback_on_an_avoided_theme_moves_the_avoidance() -> None:
    profile = _profile()
    disliked = _w(fb.apply_feedback(profile, E[2], "dislike"))  # near x: avoid x more
    liked = _w(fb.apply_feedback(profile, E[2], "like"))  # near x: avoid x less
    assert disliked[("x", -1)] > 0.25 > liked[("x", -1)]
    assert disliked[("x", -1)] + disliked[("y", -1)] == pytest.approx(0.5)
    assert disliked[("a", 1)] == pytest.approx(0.6) and liked[("b", 1)] == pytest.approx(0.4)


@pytest.mark.parametrize("seed", range(5))
def test_best_match_share_moves_in_the_documented_direction(seed: int) -> None:
    rng = np.random.default_rng(seed)
    vecs = rng.standard_normal((5, DIM)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    tags = [InterestTag(f"t{i}", float(w), 1 if i < 3 else -1, vecs[i])
            for i, w in enumerate(rng.uniform(0.1, 1.0, 5))]
    profile = InterestProfile("random", tags, negative_scale=0.5)
    profile = renormalise(profile)
    checked = 0
    for _ in range(10):
        item = rng.standard_normal(DIM).astype(np.float32)
        item /= np.linalg.norm(item)
        strength = fb.match_strength(profile, item)
        best = int(np.argmax(strength[:3]))
        params = fb.FeedbackParams(add_unmatched=False)
        liked = fb.apply_feedback(profile, item, "like", params=params)
        disliked = fb.apply_feedback(profile, item, "dislike", params=params)
        assert liked.tags[best].weight >= profile.tags[best].weight - 1e-12
        assert disliked.tags[best].weight <= profile.tags[best].weight + 1e-12
        unmatched = [i for i in range(3) if strength[i] == 0.0]
        for i, j in pairwise(unmatched):  # unmatched tags keep their ratios
            checked += 1
            before = profile.tags[i].weight / profile.tags[j].weight
            assert liked.tags[i].weight / liked.tags[j].weight == pytest.approx(before)
        _assert_normalised(liked)
        _assert_normalised(disliked)
    assert checked > 0


# --- decay and bounds -----------------------------------------------------------------------------


def test_decay_pulls_back_toward_the_original() -> None:
    original = _profile()
    full = fb.apply_feedback(original, E[0], "like", original=original, params=fb.FeedbackParams(decay=1.0))
    assert [t.weight for t in full.tags] == pytest.approx([0.6, 0.4, 0.25, 0.25])  # decay 1: back at once
    undecayed = fb.apply_feedback(original, E[0], "like")
    decayed = fb.apply_feedback(original, E[0], "like", original=original)  # default decay 0.1
    assert 0.6 < _w(decayed)[("a", 1)] < _w(undecayed)[("a", 1)]
    drifted = undecayed
    for _ in range(5):
        drifted = fb.apply_feedback(drifted, E[0], "like")
    one = fb.decay_toward(drifted, original)
    assert abs(_w(one)[("a", 1)] - 0.6) < abs(_w(drifted)[("a", 1)] - 0.6)
    settled = fb.decay_toward(drifted, original, steps=300)
    assert [t.weight for t in settled.tags] == pytest.approx([0.6, 0.4, 0.25, 0.25], abs=1e-9)
    assert fb.decay_toward(drifted, original, steps=0).tags[0].weight == pytest.approx(drifted.tags[0].weight)
    with pytest.raises(InterestLensError, match="decay"):
        fb.decay_toward(drifted, original, decay=1.5)


def test_repeated_dislikes_floor_a_weight_but_never_delete_the_tag() -> None:
    profile = _profile()
    for _ in range(60):
        profile = fb.apply_feedback(profile, E[0], "dislike")
    a = _w(profile)[("a", 1)]
    assert 0 < a < 0.02 and len(profile.tags) == 4
    _assert_normalised(profile)
    floored = fb.apply_feedback(profile, E[0], "dislike", params=fb.FeedbackParams(min_weight=0.2))
    assert _w(floored)[("a", 1)] == pytest.approx(0.2 / (0.2 + _w(profile)[("b", 1)]))


def test_invalid_events_and_parameters_are_refused() -> None:
    profile = _profile()
    with pytest.raises(InterestLensError, match="Unknown feedback event"):
        fb.apply_feedback(profile, E[0], "love")  # type: ignore[arg-type]
    with pytest.raises(InterestLensError, match="learning rate"):
        fb.apply_feedback(profile, E[0], "like", params=fb.FeedbackParams(learning_rate=-1.0))
    with pytest.raises(InterestLensError, match="decay"):
        fb.apply_feedback(profile, E[0], "like", params=fb.FeedbackParams(decay=2.0))


# --- unmatched items ------------------------------------------------------------------------------


def test_liking_an_unmatched_item_adds_it_as_a_wanted_tag() -> None:
    profile = _profile()
    liked = fb.apply_feedback(profile, 2.0 * E[5], "like", item_label="星际穿越")
    added = liked.tags[-1]
    assert (added.text, added.polarity, added.source) == ("星际穿越", 1, "feedback")
    np.testing.assert_allclose(added.vector, E[5])  # type: ignore[arg-type]
    start = 0.5 * np.mean([0.6, 0.4])  # learning rate x the mean wanted weight, then re-normalised
    assert added.weight == pytest.approx(start / (1.0 + start))
    _assert_normalised(liked)
    again = fb.apply_feedback(liked, E[5], "like", item_label="星际穿越")  # now it matches its own tag
    assert [t.text for t in again.tags].count("星际穿越") == 1 and again.tags[-1].weight > added.weight


def test_disliking_an_unmatched_item_adds_an_avoided_tag_and_a_click_adds_nothing() -> None:
    profile = _profile()
    disliked = fb.apply_feedback(profile, E[6], "dislike", item_label="item 6")
    assert (disliked.tags[-1].text, disliked.tags[-1].polarity) == ("item 6", -1)
    _assert_normalised(disliked)
    clicked = fb.apply_feedback(profile, E[6], "click", item_label="item 6")
    assert [t.text for t in clicked.tags] == ["a", "b", "x", "y"]
    off = fb.apply_feedback(profile, E[6], "like", params=fb.FeedbackParams(add_unmatched=False))
    assert [t.weight for t in off.tags] == pytest.approx([0.6, 0.4, 0.25, 0.25])
    unnamed = fb.apply_feedback(profile, E[6], "like")
    assert unnamed.tags[-1].text == "item"


def test_at_most_max_feedback_tags_are_kept() -> None:
    profile = _profile()
    params = fb.FeedbackParams(max_feedback_tags=2)
    for k in (4, 5, 6, 7):
        profile = fb.apply_feedback(profile, E[k], "like", item_label=f"f{k}", params=params)
    fed = [t.text for t in profile.tags if t.source == "feedback"]
    assert len(fed) == 2 and "f7" in fed
    assert [t.text for t in profile.tags[:4]] == ["a", "b", "x", "y"]  # typed tags are never replaced


def test_replaying_feedback_is_applying_it_step_by_step() -> None:
    def tag(text: str, weight: float, polarity: int = 1) -> InterestTag:
        return InterestTag(text=text, weight=weight, polarity=polarity, vector=np.ones(4, dtype=np.float32) / 2)

    profile = InterestProfile(text="x", tags=[tag("a", 0.6), tag("b", 0.4), tag("c", 0.5, -1)])
    items = np.eye(4, dtype=np.float32)
    steps: list[fb.FeedbackStep] = [(0, "like", "one"), (2, "dislike", "three")]
    replayed = fb.replay(profile, steps, items)
    by_hand = profile
    for item, event, title in steps:
        by_hand = fb.apply_feedback(by_hand, items[item], event, original=profile, item_vectors=items,
                                    item_label=title)
    assert [(t.text, t.weight, t.polarity) for t in replayed.tags] == [
        (t.text, t.weight, t.polarity) for t in by_hand.tags]
    assert fb.replay(profile, [], items) is profile


def test_a_dislike_with_the_item_id_names_the_item_as_avoided() -> None:
    profile = _profile()
    out = fb.apply_feedback(profile, E[0], "dislike", item_label="Titanic (1997)", item_key="1721")
    assert _w(out)[("a", 1)] < 0.6  # the matching tag still moves
    named = [t for t in out.tags if t.kind == "item"]
    assert [(t.key, t.label, t.polarity, t.source) for t in named] == [("1721", "Titanic (1997)", -1, "feedback")]
    _assert_normalised(out)
    again = fb.apply_feedback(out, E[0], "dislike", item_label="Titanic (1997)", item_key="1721")
    assert [t.key for t in again.tags if t.kind == "item"] == ["1721"]  # not added twice
    # replay passes the catalogue's ids through; without them nothing is named
    items = np.eye(DIM, dtype=np.float32)
    ids = [f"id{i}" for i in range(DIM)]
    replayed = fb.replay(profile, [(0, "dislike", "zero")], items, item_ids=ids)
    assert [t.key for t in replayed.tags if t.kind == "item"] == ["id0"]
    assert not [t for t in fb.replay(profile, [(0, "dislike", "zero")], items).tags if t.kind == "item"]


def test_a_disliked_item_leaves_the_list() -> None:
    """Through the one ranking path: the named, avoided item is among the items every list rules out."""
    from core.ranking.query import Query
    from core.ranking.ranker import Ranker
    from tests.ranking.test_channels import make_world

    world = make_world()
    profile = world.profile("Sci-Fi", "Comedy", gist=True)
    ranker = Ranker(world.dataset, {}, world.item_vectors)
    top = 5
    disliked = fb.apply_feedback(profile, world.item_vectors[top], "dislike", item_label="five",
                                 item_key=str(world.dataset.item_ids[top]))
    assert top not in ranker.avoided_items(Query(profile=profile))
    assert top in ranker.avoided_items(Query(profile=disliked))


# --- the item itself: liked / avoided -------------------------------------------------------------


def _items_named(profile: InterestProfile) -> list[tuple[str | None, int, str]]:
    return [(t.key, t.polarity, t.source) for t in profile.tags if t.kind == "item"]


def test_a_like_with_the_item_id_names_the_item_as_liked_and_still_moves_weights() -> None:
    profile = _profile()
    out = fb.apply_feedback(profile, E[0], "like", item_label="Heat (1995)", item_key="6")
    added = out.tags[-1]
    assert (added.kind, added.key, added.label, added.text) == ("item", "6", "Heat (1995)", "Heat (1995)")
    assert (added.polarity, added.source, added.grounded) == (1, "feedback", True)
    np.testing.assert_allclose(added.vector, E[0])  # type: ignore[arg-type]
    grown = 0.6 * math.exp(0.5)  # the matching tag still moves (step 2)
    start = 0.5 * np.mean([grown, 0.4])  # learning rate x the mean wanted weight (after step 2), re-normalised
    assert _w(out)[("a", 1)] == pytest.approx(grown / (grown + 0.4 + start))
    assert added.weight == pytest.approx(start / (grown + 0.4 + start))
    assert _w(out)[("a", 1)] / _w(out)[("b", 1)] > 0.6 / 0.4
    _assert_normalised(out)
    # an item no tag matches is named the same way (not as a free-text tag)
    unmatched = fb.apply_feedback(profile, E[6], "like", item_label="six", item_key="i6")
    assert _items_named(unmatched) == [("i6", 1, "feedback")] and len(unmatched.tags) == 5
    # a click names nothing
    assert _items_named(fb.apply_feedback(profile, E[6], "click", item_label="six", item_key="i6")) == []


def test_repeated_likes_add_no_duplicates_and_a_change_of_mind_replaces_the_feedback_tag() -> None:
    profile = _profile()
    once = fb.apply_feedback(profile, E[5], "like", item_label="five", item_key="i5")
    twice = fb.apply_feedback(once, E[5], "like", item_label="five", item_key="i5")
    assert _items_named(twice) == [("i5", 1, "feedback")] and len(twice.tags) == len(once.tags)
    assert twice.tags[-1].weight > once.tags[-1].weight  # the item now matches its own tag: it grows
    replayed = fb.replay(profile, [(5, "like", "five")] * 3, E, item_ids=[f"i{i}" for i in range(DIM)])
    assert _items_named(replayed) == [("i5", 1, "feedback")]
    changed = fb.apply_feedback(twice, E[5], "dislike", item_label="five", item_key="i5")
    assert _items_named(changed) == [("i5", -1, "feedback")]
    assert not changed.contradictions()


def test_an_item_the_text_already_names_is_not_named_again() -> None:
    typed = InterestTag("Heat", 0.3, 1, E[4], source="match", kind="item", key="6", label="Heat (1995)")
    avoided = InterestTag("Titanic", 0.5, -1, E[5], source="match", kind="item", key="1721", label="Titanic")
    profile = renormalise(InterestProfile("Heat, not Titanic", [*_profile().tags[:2], typed, avoided],
                                          negative_scale=0.5))
    liked = fb.apply_feedback(profile, E[4], "like", item_label="Heat (1995)", item_key="6")
    assert _items_named(liked) == [("6", 1, "match"), ("1721", -1, "match")]
    # feedback of the other polarity on a typed title adds its own tag: typed tags are never removed
    both = fb.apply_feedback(profile, E[5], "like", item_label="Titanic", item_key="1721")
    assert ("1721", -1, "match") in _items_named(both) and ("1721", 1, "feedback") in _items_named(both)
    assert "contradiction" in both.notices


def test_at_most_max_item_tags_of_each_polarity_are_kept_oldest_first() -> None:
    params = fb.FeedbackParams(max_item_tags=2)
    profile = _profile()
    for k in (4, 5, 6):
        profile = fb.apply_feedback(profile, E[k], "like", item_label=f"f{k}", item_key=f"i{k}", params=params)
    profile = fb.apply_feedback(profile, E[7], "dislike", item_label="f7", item_key="i7", params=params)
    assert _items_named(profile) == [("i5", 1, "feedback"), ("i6", 1, "feedback"), ("i7", -1, "feedback")]
    assert [t.text for t in profile.tags[:4]] == ["a", "b", "x", "y"]
    _assert_normalised(profile)


def test_a_like_on_a_profile_with_only_things_to_avoid_gives_it_something_to_search_towards() -> None:
    avoid_only = InterestProfile("no x", [InterestTag("x", 0.5, -1, E[2])], notices=("only_negative",))
    liked = fb.apply_feedback(avoid_only, E[0], "like", item_label="zero", item_key="i0")
    assert "only_negative" not in liked.notices and liked.positive()[0].key == "i0"
    assert liked.positive()[0].weight == pytest.approx(1.0)


def test_a_liked_item_is_seen_by_the_ranker_and_an_avoided_one_ruled_out() -> None:
    """Through the one ranking path: a liked item is among the items a list leaves out as seen (and seeds
    the collaborative channels as a named item); a disliked one is ruled out whatever the config."""
    from core.ranking.base import named_items
    from core.ranking.ranker import Ranker
    from tests.ranking.test_channels import make_world

    world = make_world()
    profile = world.profile("Sci-Fi", "Comedy", gist=True)
    ranker = Ranker(world.dataset, {}, world.item_vectors)
    ids = world.dataset.item_ids
    liked = fb.replay(profile, [(5, "like", "five")], world.item_vectors, item_ids=ids)
    assert 5 not in ranker.known_items(Query(profile=profile))
    assert 5 in ranker.known_items(Query(profile=liked)) and 5 not in ranker.avoided_items(Query(profile=liked))
    assert named_items(world.dataset, Query(profile=liked))[0].tolist() == [5]
    disliked = fb.replay(profile, [(5, "dislike", "five")], world.item_vectors, item_ids=ids)
    assert 5 in ranker.avoided_items(Query(profile=disliked))


# --- what an event changed in the list ------------------------------------------------------------


def test_list_change_compares_the_other_items_without_the_one_acted_on() -> None:
    liked = fb.list_change([1, 2, 3, 4, 5], [2, 3, 9, 4, 8], 1, "like")
    assert (liked.rank_before, liked.rank_after, liked.removed) == (1, None, True)
    # 2, 3 and 4 moving up a place as 1 left, or 4 staying below the new 9, is not a move; 5 dropped out
    assert (liked.entered, liked.left, liked.moved_up, liked.moved_down) == ((9, 8), (5,), (), ())
    # among the items in both lists, order is what counts: 2 pushed below 3 and 4 is a move down
    pushed = fb.list_change([1, 2, 3, 4, 5], [3, 4, 2, 6, 5], 1, "dislike")
    assert (pushed.moved_up, pushed.moved_down, pushed.entered, pushed.left) == ((3, 4), (2,), (6,), ())
    assert not liked.others_unchanged and not liked.unchanged
    moved = fb.list_change([1, 2, 3, 4], [4, 2, 3, 1], 3, "dislike")
    assert (moved.rank_before, moved.rank_after, moved.removed) == (3, 3, False)
    assert (moved.moved_up, moved.moved_down, moved.entered, moved.left) == ((4,), (1,), (), ())
    same = fb.list_change([1, 2, 3], [1, 2, 3], 2, "like")
    assert same.unchanged and same.others_unchanged and not same.removed
    only_item = fb.list_change([1, 2, 3], [1, 3], 2, "dislike")
    assert only_item.removed and only_item.others_unchanged and not only_item.unchanged
    assert fb.list_change([], [7], 7, "like").rank_before is None


# --- on the bilingual demo, through the real engine -----------------------------------------------

DEMO_TEXTS = ("我喜欢科幻电影和轻松的喜剧，不要恐怖片",
              "dark psychological thrillers and animated films for kids, no romance")


@pytest.fixture(scope="module")
def demo(bilingual: Dataset) -> Engine:
    """The bilingual demo's engine with every channel fitted."""
    return Engine(bilingual).prepare()


def _full_ranks(engine: Engine, profile: InterestProfile) -> dict[int, int]:
    """Each eligible item's place in the whole fused ranking (0 = first)."""
    scores = engine.fused_scores(Query(profile=profile), FusionConfig())
    order = np.argsort(-np.where(np.isfinite(scores), scores, -np.inf), kind="stable")
    return {int(i): r for r, i in enumerate(order) if np.isfinite(scores[i])}


def _event(engine: Engine, profile: InterestProfile, item: int, event: fb.Event) -> InterestProfile:
    title = engine.dataset.titles([item])[0]
    return fb.replay(profile, [(item, event, title)], engine.item_vectors, original=profile,
                     item_ids=engine.dataset.item_ids)


@pytest.mark.parametrize("text", DEMO_TEXTS)
def test_on_the_demo_a_like_takes_the_item_out_and_lifts_items_like_it(demo: Engine, text: str) -> None:
    profile = demo.decompose(text)
    before = demo.recommend(Query(profile=profile), FusionConfig(), k=10).result.items.tolist()
    ranks = _full_ranks(demo, profile)
    similarity = demo.ranker.channels["item_knn"].similarity_  # type: ignore[attr-defined]
    assert len(before) == 10
    for item in before:  # every 👍 on the list
        liked = _event(demo, profile, item, "like")
        assert [(t.key, t.polarity) for t in liked.tags if t.kind == "item"] == [(str(demo.dataset.item_ids[item]), 1)]
        after = demo.recommend(Query(profile=liked), FusionConfig(), k=10).result.items.tolist()
        assert item not in after, "a liked item is seen: it leaves the list (never kept lower down)"
        change = fb.list_change(before, after, item, "like")
        assert change.removed and change.entered, "something new comes in"
        new_ranks = _full_ranks(demo, liked)
        assert item not in new_ranks
        neighbours = [int(j) for j in similarity[item].indices if int(j) != item and int(j) in ranks]
        up = sum(new_ranks[j] < ranks[j] for j in neighbours)
        down = sum(new_ranks[j] > ranks[j] for j in neighbours)
        assert up > 0 and up > 2 * down, (item, up, down)  # more items like it: its neighbours rise


@pytest.mark.parametrize("text", DEMO_TEXTS)
def test_on_the_demo_a_dislike_removes_the_item_at_once(demo: Engine, text: str) -> None:
    profile = demo.decompose(text)
    before = demo.recommend(Query(profile=profile), FusionConfig(), k=10).result.items.tolist()
    for item in before:
        disliked = _event(demo, profile, item, "dislike")
        after = demo.recommend(Query(profile=disliked), FusionConfig(), k=10).result.items.tolist()
        assert item not in after and item not in _full_ranks(demo, disliked)
        change = fb.list_change(before, after, item, "dislike")
        assert change.removed and len(after) == 10 and change.entered
        assert [(t.key, t.polarity) for t in disliked.tags if t.kind == "item"] == \
            [(str(demo.dataset.item_ids[item]), -1)]


def test_on_the_demo_a_film_named_as_liked_is_not_recommended(demo: Engine) -> None:
    ds = demo.dataset
    star_sea = ds.item_index["I0001"]
    for text in ("我很喜欢《星海远航》，还想看科幻片", "I loved 星海远航, more sci-fi please"):
        profile = demo.decompose(text)
        named = [(t.kind, t.key, t.polarity) for t in profile.tags if t.kind == "item"]
        assert named == [("item", "I0001", 1)], profile.as_dict()  # shown as a recognised tag
        assert star_sea not in demo.recommend(Query(profile=profile), FusionConfig(), k=ds.n_items).result.items
        assert np.isnan(demo.fused_scores(Query(profile=profile), FusionConfig())[star_sea])
        # without the name, the same text does rank it: leaving it out is the seen rule, not chance
        plain = demo.decompose(text.replace("《星海远航》", "").replace("星海远航, ", ""))
        assert star_sea in demo.recommend(Query(profile=plain), FusionConfig(), k=ds.n_items).result.items
