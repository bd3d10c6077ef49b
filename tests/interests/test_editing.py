"""core.interests.editing: weights, polarity, removing / adding tags, edited tables, the only_negative notice."""

from __future__ import annotations

import numpy as np
import pytest

from core.common.errors import InterestLensError
from core.data.dataset import Dataset
from core.interests import editing as ed
from core.interests.decompose import decompose
from core.interests.profile import InterestProfile, InterestTag
from core.interests.recognise import CatalogueIndex, catalogue_index
from core.vectors.encoders import Encoder
from tests.interests.test_decompose import _tags


def _sums(profile: InterestProfile) -> tuple[float, float]:
    return sum(t.weight for t in profile.positive()), sum(t.weight for t in profile.negative())


def test_set_weight_keeps_the_value_and_renormalises(base: InterestProfile) -> None:
    before = [t.weight for t in base.tags]
    edited = ed.set_weight(base, "喜剧", 0.6)
    assert [t.weight for t in base.tags] == before  # the original is untouched
    assert next(t.weight for t in edited.tags if t.text == "喜剧") == pytest.approx(0.6)
    assert _sums(edited) == pytest.approx((1.0, base.negative_scale))
    others = [t for t in edited.positive() if t.text != "喜剧"]
    old = {t.text: t.weight for t in base.tags}
    assert others[0].weight / others[1].weight == pytest.approx(old[others[0].text] / old[others[1].text])
    with pytest.raises(InterestLensError):
        ed.set_weight(base, "喜剧", -1)
    with pytest.raises(InterestLensError):
        ed.set_weight(base, "nope", 0.5)


def test_remove_add_and_flip_tags(base: InterestProfile, use_encoder: Encoder, vectors: np.ndarray) -> None:
    removed = ed.remove_tag(base, "纪录片")
    assert "纪录片" not in _tags(removed) and _sums(removed) == pytest.approx((1.0, base.negative_scale))
    added = ed.add_tag(removed, "西部片", use_encoder, vectors)
    tag = next(t for t in added.tags if t.text == "西部片")
    assert tag.source == "edited" and tag.vector is not None and tag.grounded
    assert _sums(added) == pytest.approx((1.0, base.negative_scale))
    flipped = ed.set_polarity(added, "西部片", -1)
    assert _tags(flipped)["西部片"] == -1
    assert _sums(flipped) == pytest.approx((1.0, base.negative_scale))
    only_neg = ed.remove_tag(ed.remove_tag(base, "科幻电影"), "喜剧")
    only_neg = ed.remove_tag(only_neg, "纪录片")
    assert "only_negative" in only_neg.notices


def test_apply_table_from_an_edited_grid(base: InterestProfile, use_encoder: Encoder, vectors: np.ndarray) -> None:
    rows = [
        {"text": "科幻电影", "weight": 3.0, "polarity": 1},
        {"text": "恐怖片", "weight": 1.0, "polarity": -1},
        {"text": "动画片", "weight": 1.0, "polarity": 1},  # new row
        {"text": "", "weight": 1.0, "polarity": 1},  # blank row ignored
        {"text": "喜剧", "weight": "oops", "polarity": "x"},  # junk values tolerated
    ]
    edited = ed.apply_table(base, rows, use_encoder, vectors)
    tags = {t.text: t for t in edited.tags}
    assert set(tags) == {"科幻电影", "恐怖片", "动画片", "喜剧"}
    assert tags["科幻电影"].vector is next(t.vector for t in base.tags if t.text == "科幻电影")
    assert tags["动画片"].source == "edited" and tags["科幻电影"].weight == pytest.approx(0.75, abs=0.01)
    assert _sums(edited) == pytest.approx((1.0, base.negative_scale))


# --- without an encoder ---------------------------------------------------------------------------


def _profile(*specs: tuple[str, float, int]) -> InterestProfile:
    tags = [InterestTag(text, weight, polarity, np.eye(4, dtype=np.float32)[i]) for i, (text, weight, polarity)
            in enumerate(specs)]
    return InterestProfile("typed", tags, negative_scale=0.5)


def test_renormalise_fixed_tag_keeps_its_weight_and_others_keep_their_ratios() -> None:
    profile = _profile(("a", 2.0, 1), ("b", 1.0, 1), ("c", 1.0, 1), ("x", 3.0, -1))
    plain = ed.renormalise(profile)
    assert [t.weight for t in plain.tags] == pytest.approx([0.5, 0.25, 0.25, 0.5])
    fixed = ed.renormalise(profile, fixed=1)  # b keeps 1.0 (the whole group total): a and c get nothing
    assert [t.weight for t in fixed.tags] == pytest.approx([0.0, 1.0, 0.0, 0.5])
    zero = ed.renormalise(_profile(("a", 0.0, 1), ("b", 0.0, 1)))  # all zero: shared equally
    assert [t.weight for t in zero.tags] == pytest.approx([0.5, 0.5])


def test_only_negative_notice_follows_the_edits() -> None:
    profile = _profile(("a", 1.0, 1), ("x", 0.5, -1))
    flipped = ed.set_polarity(profile, "a", -1)
    assert "only_negative" in flipped.notices and flipped.tags[0].source == "edited"
    back = ed.set_polarity(flipped, 0, 1)
    assert "only_negative" not in back.notices
    assert "only_negative" in ed.remove_tag(profile, "a").notices
    assert ed.remove_tag(ed.remove_tag(profile, "a"), "x").notices == ()  # no tags left: nothing to say
    with pytest.raises(InterestLensError, match="position 5"):
        ed.remove_tag(profile, 5)
    with pytest.raises(InterestLensError, match="Polarity"):
        ed.set_polarity(profile, "a", 0)


def test_contradiction_notice_follows_the_edits() -> None:
    profile = _profile(("gore", 0.6, 1), ("Gore", 0.4, 1), ("comedy", 0.5, -1))
    assert "contradiction" not in profile.notices
    both = ed.set_polarity(profile, "Gore", -1)
    assert "contradiction" in both.notices and "only_negative" not in both.notices
    assert [(c.label, c.wanted, c.avoided) for c in both.contradictions()] == [("gore", ("gore",), ("Gore",))]
    resolved = ed.remove_tag(both, "Gore")
    assert "contradiction" not in resolved.notices


def test_a_tag_in_another_script_can_be_typed_by_hand(use_encoder: Encoder, vectors: np.ndarray) -> None:
    tag = ed.make_tag("أفلام الرعب", use_encoder, vectors)
    assert tag.text == "أفلام الرعب" and tag.vector is not None
    with pytest.raises(InterestLensError, match="at least one word"):
        ed.make_tag("🎃 ١٢٣", use_encoder, vectors)


# --- kinds and matches ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def named(use_encoder: Encoder, vectors: np.ndarray, movielens: Dataset) -> tuple[InterestProfile, CatalogueIndex]:
    """A profile with an item, a person and a gist tag, and its catalogue."""
    catalogue = catalogue_index(movielens)
    text = "something like A Clockwork Orange, I liked that it was Kubrick"
    return decompose(text, use_encoder, vectors, catalogue=catalogue), catalogue


def test_hand_made_tags_are_matched_against_the_catalogue(
    use_encoder: Encoder, vectors: np.ndarray, movielens: Dataset
) -> None:
    catalogue = catalogue_index(movielens)
    film = ed.make_tag("Blade Runner", use_encoder, vectors, catalogue=catalogue)
    assert (film.kind, film.key, film.label) == ("item", "541", "Blade Runner (1982)") and film.grounded
    np.testing.assert_allclose(film.vector, vectors[movielens.item_index["541"]], atol=1e-6)
    genre = ed.make_tag("恐怖片", use_encoder, vectors, catalogue=catalogue, polarity=-1)
    assert (genre.kind, genre.key, genre.label, genre.polarity) == ("attribute", "tags:Horror", "Horror", -1)
    plain = ed.make_tag("Blade Runner and inventive plots", use_encoder, vectors, catalogue=catalogue)
    assert (plain.kind, plain.key) == ("text", None)  # names a film but is more than its title
    assert ed.make_tag("Blade Runner", use_encoder, vectors).kind == "text"  # no catalogue: no match
    with pytest.raises(InterestLensError, match="kind"):
        ed.make_tag("Blade Runner", use_encoder, vectors, kind="film")
    with pytest.raises(InterestLensError, match="No catalogue item"):
        ed.make_tag("Blade Runner", use_encoder, vectors, catalogue=catalogue, kind="item", key="nope")


def test_apply_table_keeps_changes_and_drops_matches(
    named: tuple[InterestProfile, CatalogueIndex], use_encoder: Encoder, vectors: np.ndarray
) -> None:
    profile, catalogue = named
    rows = [dict(t) for t in profile.as_dict()["tags"]]  # the tag table as the page shows it
    untouched = ed.apply_table(profile, rows, use_encoder, vectors, catalogue)
    assert [(t.text, t.kind, t.key) for t in untouched.tags] == [(t.text, t.kind, t.key) for t in profile.tags]
    item_row = next(r for r in rows if r["kind"] == "item")
    person_row = next(r for r in rows if r["kind"] == "attribute")
    item_row["text"] = "inventive plots"  # edited text, stale kind / key cells: the match goes
    person_row["kind"] = "text"  # the analyst drops a wrong match
    edited = ed.apply_table(profile, rows, use_encoder, vectors, catalogue)
    kinds = {t.text: (t.kind, t.key) for t in edited.tags}
    assert kinds["inventive plots"] == ("text", None) and kinds["Kubrick"] == ("text", None)
    item_row["text"] = "Blade Runner"  # edited to another title: matched anew
    rematched = {t.text: (t.kind, t.key) for t in ed.apply_table(profile, rows, use_encoder, vectors, catalogue).tags}
    assert rematched["Blade Runner"] == ("item", "541")
    assert _sums(edited) == pytest.approx((1.0, 0.0))  # nothing avoided


def test_set_match_changes_or_drops_a_match(
    named: tuple[InterestProfile, CatalogueIndex], use_encoder: Encoder, vectors: np.ndarray
) -> None:
    profile, catalogue = named
    weight = next(t.weight for t in profile.tags if t.text == "Kubrick")
    dropped = ed.set_match(profile, "Kubrick", use_encoder, vectors, kind="text")
    tag = next(t for t in dropped.tags if t.text == "Kubrick")
    assert (tag.kind, tag.key, tag.label) == ("text", None, None) and tag.weight == pytest.approx(weight)
    film = ed.set_match(profile, "Kubrick", use_encoder, vectors, kind="item", key="2571", catalogue=catalogue)
    tag = next(t for t in film.tags if t.text == "Kubrick")
    assert (tag.kind, tag.key, tag.label) == ("item", "2571", "Matrix, The (1999)")
    flipped = ed.set_polarity(profile, "A Clockwork Orange", -1)  # weight / polarity edits keep the match
    assert next(t for t in flipped.tags if t.text == "A Clockwork Orange").key == "1206"


def test_edited_table_keeps_the_typed_numbers_as_ratios() -> None:
    # setting one weight to 0.9 once forced another from 0.59 to 0.10: typed numbers are ratios now
    profile = _profile(("a", 0.59, 1), ("b", 0.41, 1), ("x", 0.5, -1))
    rows = [{"text": "a", "weight": 0.59, "polarity": 1}, {"text": "b", "weight": 0.9, "polarity": 1},
            {"text": "x", "weight": 0.5, "polarity": -1}]
    edited = ed.apply_table(profile, rows, None, None)  # type: ignore[arg-type]  # known texts need no encoder
    assert [t.weight for t in edited.tags] == pytest.approx([0.59 / 1.49, 0.9 / 1.49, 0.5])
    assert ed.shares(edited) == pytest.approx([0.59 / 1.49, 0.9 / 1.49, 1.0])
    assert ed.table_weights(rows) == [0.59, 0.9, 0.5], "the numbers the table keeps showing"
    # a polarity change leaves every other tag's number alone; only the shares follow
    flipped_rows = [{**rows[0], "polarity": -1}, rows[1], rows[2]]
    flipped = ed.apply_table(profile, flipped_rows, None, None)  # type: ignore[arg-type]
    assert ed.table_weights(flipped_rows) == [0.59, 0.9, 0.5]
    assert [(t.text, t.polarity) for t in flipped.tags] == [("a", -1), ("b", 1), ("x", -1)]
    assert ed.shares(flipped) == pytest.approx([0.59 / 1.09, 1.0, 0.5 / 1.09])
    # skipped rows (blank, repeated) have no typed weight either
    assert ed.table_weights([{"text": " ", "weight": 1}, *rows, rows[0]]) == [0.59, 0.9, 0.5]


@pytest.mark.parametrize(("weight", "code"), [(-0.5, "negative"), (float("inf"), "not_finite")])
def test_a_negative_or_infinite_table_weight_is_refused(weight: float, code: str) -> None:
    profile = _profile(("a", 0.5, 1), ("b", 0.5, 1))
    rows = [{"text": "a", "weight": weight, "polarity": 1}, {"text": "b", "weight": 0.5, "polarity": 1}]
    with pytest.raises(ed.TagWeightError) as caught:
        ed.apply_table(profile, rows, None, None)  # type: ignore[arg-type]
    assert caught.value.code == code and caught.value.text == "a" and caught.value.polarity == 1
    assert isinstance(caught.value, InterestLensError)
    if code == "negative":
        assert "polarity" in str(caught.value)


def test_a_group_of_zero_weights_is_refused_not_spread_evenly() -> None:
    profile = _profile(("a", 0.5, 1), ("x", 0.3, -1), ("y", 0.2, -1))
    rows = [{"text": "a", "weight": 1.0, "polarity": 1}, {"text": "x", "weight": 0, "polarity": -1},
            {"text": "y", "weight": 0.0, "polarity": -1}]
    with pytest.raises(ed.TagWeightError) as caught:
        ed.apply_table(profile, rows, None, None)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.polarity, caught.value.text) == ("all_zero", -1, "x")
    one_zero = ed.apply_table(profile, [rows[0], rows[1], {**rows[2], "weight": 0.2}], None, None)  # type: ignore[arg-type]
    assert ed.shares(one_zero) == pytest.approx([1.0, 0.0, 1.0]), "a zero weight alone is kept: the tag counts 0"


def test_shares_of_an_all_zero_group_are_equal() -> None:
    profile = InterestProfile("t", [InterestTag("a", 0.0, 1), InterestTag("b", 0.0, 1), InterestTag("c", 0.2, -1)])
    assert ed.shares(profile) == pytest.approx([0.5, 0.5, 1.0])
