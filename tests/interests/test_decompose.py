"""core.interests.decompose: decomposition, weights, negation, bad input, editing, composition (real encoder)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.common.errors import InterestLensError
from core.data.dataset import Dataset
from core.interests import decompose as it
from core.vectors.embedding import Encoder
from core.vectors.index import HnswIndex

DONE_WHEN = "我喜欢科幻电影和轻松的喜剧，不要恐怖片"


@pytest.fixture(scope="module")
def vectors(movielens_vectors: np.ndarray) -> np.ndarray:
    return movielens_vectors


@pytest.fixture(scope="module")
def index(vectors: np.ndarray) -> HnswIndex:
    return HnswIndex(vectors.shape[1]).build(vectors)


@pytest.fixture(scope="module")
def genres(movielens: Dataset) -> list[frozenset[str]]:
    return [frozenset(t) for t in movielens.items["tags"]]


def _tags(profile: it.InterestProfile) -> dict[str, int]:
    return {t.text: t.polarity for t in profile.tags}


def _top_genres(scores: np.ndarray, genres: list[frozenset[str]], k: int = 20) -> list[frozenset[str]]:
    return [genres[i] for i in it.rank(scores, k)]


# --- the done-when ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["single", "multi"])
def test_done_when_sci_fi_and_comedy_without_horror(
    use_encoder: Encoder, vectors: np.ndarray, index: HnswIndex, genres: list[frozenset[str]], mode: str
) -> None:
    profile = it.decompose(DONE_WHEN, use_encoder, vectors, index)
    tags = _tags(profile)
    assert tags == {"科幻电影": 1, "轻松的喜剧": 1, "恐怖片": -1}
    assert profile.language == "zh" and not profile.notices
    assert all(t.vector is not None and t.grounded and 0 < t.weight <= 1 for t in profile.tags)
    assert sum(t.weight for t in profile.positive()) == pytest.approx(1.0)
    assert sum(t.weight for t in profile.negative()) == pytest.approx(profile.negative_scale)
    top = _top_genres(it.score_items(profile, vectors, mode, index), genres)  # type: ignore[arg-type]
    assert any("Sci-Fi" in g for g in top) and any("Comedy" in g for g in top)
    assert not any("Horror" in g for g in top)
    assert sum(1 for g in top if g & {"Sci-Fi", "Comedy"}) >= 18


def test_whole_text_baseline_is_fooled_by_the_negation(
    use_encoder: Encoder, vectors: np.ndarray, genres: list[frozenset[str]]
) -> None:
    """Why decomposition matters: the whole sentence embeds close to horror films."""
    top = _top_genres(it.whole_text_scores(DONE_WHEN, use_encoder, vectors), genres, 10)
    assert sum(1 for g in top if "Horror" in g) >= 3


def test_english_example(use_encoder: Encoder, vectors: np.ndarray, genres: list[frozenset[str]]) -> None:
    profile = it.decompose("cozy mysteries and space operas but no horror", use_encoder, vectors)
    assert _tags(profile) == {"cozy mysteries": 1, "space operas": 1, "horror": -1}
    assert profile.language == "en"
    top = _top_genres(it.score_items(profile, vectors, "single"), genres)
    assert not any("Horror" in g for g in top)
    assert sum(1 for g in top if g & {"Mystery", "Sci-Fi"}) >= 14


def test_traditional_chinese_gives_the_same_tags(use_encoder: Encoder, vectors: np.ndarray) -> None:
    trad = it.decompose("我喜歡科幻電影和輕鬆的喜劇，不要恐怖片", use_encoder, vectors)
    simp = it.decompose(DONE_WHEN, use_encoder, vectors)
    assert _tags(trad) == _tags(simp)
    assert [t.weight for t in trad.tags] == pytest.approx([t.weight for t in simp.tags])


def test_mixed_language(use_encoder: Encoder, vectors: np.ndarray) -> None:
    profile = it.decompose("我喜欢sci-fi和comedy，不要horror", use_encoder, vectors)
    assert profile.language == "mixed"
    assert _tags(profile) == {"sci-fi": 1, "comedy": 1, "horror": -1}


# --- negation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("不要恐怖片和血腥片", {"恐怖片": -1, "血腥片": -1}),
        ("no horror or gore", {"horror": -1, "gore": -1}),
        ("我不太喜欢战争片，但是喜欢爱情片", {"战争片": -1, "爱情片": 1}),
        ("I don't like romance, give me action and thrillers", {"romance": -1, "action": 1, "thrillers": 1}),
        ("feel-good family comedies without horror", {"feel-good family comedies": 1, "horror": -1}),
        ("除了恐怖片，悬疑片都可以", {"恐怖片": -1, "悬疑片": 1}),
        ("anything but musicals", {"musicals": -1}),
        ("讨厌歌舞片、战争片", {"歌舞片": -1, "战争片": -1}),
        ("特别喜欢动画片", {"动画片": 1}),  # 特别 holds 别 but is not a negation
    ],
)
def test_negation_scope(use_encoder: Encoder, vectors: np.ndarray, text: str, expected: dict[str, int]) -> None:
    assert _tags(it.decompose(text, use_encoder, vectors)) == expected


def test_only_negations_push_items_away(
    use_encoder: Encoder, vectors: np.ndarray, index: HnswIndex, genres: list[frozenset[str]]
) -> None:
    profile = it.decompose("不要恐怖片", use_encoder, vectors, index)
    assert "only_negative" in profile.notices and profile.positive() == []
    assert profile.composed_vector() is None
    for mode in ("single", "multi"):
        scores = it.score_items(profile, vectors, mode, index)  # type: ignore[arg-type]
        assert np.isfinite(scores).all() and scores.max() == 0.0
        bottom = [genres[i] for i in np.argsort(scores)[:50]]
        assert sum(1 for g in bottom if "Horror" in g) >= 40


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t ", "🚀👽🎃", "!!! ??? 123", "a", "我喜欢", "I'd love some"])
def test_bad_input_raises_a_clear_error(use_encoder: Encoder, vectors: np.ndarray, text: str) -> None:
    with pytest.raises(InterestLensError) as err:
        it.decompose(text, use_encoder, vectors)
    message = str(err.value)
    assert len(message) > 20 and "Traceback" not in message


def test_non_text_raises(use_encoder: Encoder, vectors: np.ndarray) -> None:
    with pytest.raises(InterestLensError, match="must be text"):
        it.decompose(None, use_encoder, vectors)  # type: ignore[arg-type]


def test_ten_thousand_characters_are_truncated(use_encoder: Encoder, vectors: np.ndarray) -> None:
    text = "我喜欢科幻电影和轻松的喜剧，不要恐怖片。" * 500
    assert len(text) == 10_000
    profile = it.decompose(text, use_encoder, vectors)
    assert "truncated" in profile.notices and len(profile.text) <= it.MAX_CHARS
    assert _tags(profile) == {"科幻电影": 1, "轻松的喜剧": 1, "恐怖片": -1}


def test_html_and_script_are_removed(use_encoder: Encoder, vectors: np.ndarray) -> None:
    profile = it.decompose("<script>alert('x')</script><b>科幻电影</b> and <i>comedy</i>", use_encoder, vectors)
    assert "markup_removed" in profile.notices
    assert _tags(profile) == {"科幻电影": 1, "comedy": 1}
    assert all("<" not in t.text and "alert" not in t.text for t in profile.tags)
    with pytest.raises(InterestLensError, match="HTML"):
        it.decompose("<script>alert(1)</script>", use_encoder, vectors)


def test_sql_looking_text_is_just_text_and_flagged(use_encoder: Encoder, vectors: np.ndarray) -> None:
    profile = it.decompose("'; DROP TABLE users; --", use_encoder, vectors)
    assert [t.text for t in profile.tags] == ["DROP TABLE users"]
    assert profile.tags[0].grounded is False and "ungrounded" in profile.notices


def test_gibberish_is_kept_but_flagged_ungrounded(use_encoder: Encoder, vectors: np.ndarray) -> None:
    profile = it.decompose("科幻电影，asdfgh qwerty", use_encoder, vectors)
    flags = {t.text: t.grounded for t in profile.tags}
    assert flags == {"科幻电影": True, "asdfgh qwerty": False}
    grounding = {t.text: t.grounding for t in profile.tags}
    assert grounding["科幻电影"] > it.GROUNDING_THRESHOLD > grounding["asdfgh qwerty"]


def test_single_content_character(use_encoder: Encoder, vectors: np.ndarray) -> None:
    profile = it.decompose("猫", use_encoder, vectors)
    assert [t.text for t in profile.tags] == ["猫"]


# --- knobs ----------------------------------------------------------------------------------------


def test_temperature_sharpens_weights(use_encoder: Encoder, vectors: np.ndarray) -> None:
    text = "科幻电影、喜剧、纪录片和西部片"
    sharp = it.decompose(text, use_encoder, vectors, temperature=0.03)
    flat = it.decompose(text, use_encoder, vectors, temperature=2.0)
    assert len(sharp.positive()) == len(flat.positive()) == 4
    assert max(t.weight for t in sharp.tags) > max(t.weight for t in flat.tags)
    assert max(t.weight for t in flat.tags) - min(t.weight for t in flat.tags) < 0.05


def test_max_tags_and_diversity(use_encoder: Encoder, vectors: np.ndarray) -> None:
    text = "科幻电影，科幻片，太空科幻，喜剧，西部片，战争片，纪录片，动画片，音乐剧，犯罪片"
    assert len(it.decompose(text, use_encoder, vectors, max_tags=3).tags) == 3
    redundant = "sci-fi movies, science fiction films, sci-fi flicks"
    loose = it.decompose(redundant, use_encoder, vectors, diversity=0.0)
    strict = it.decompose(redundant, use_encoder, vectors, diversity=0.9)
    assert len(strict.tags) < len(loose.tags)


def test_long_clause_adds_keywords_and_phrases(use_encoder: Encoder, vectors: np.ndarray) -> None:
    zh = it.decompose("我想看那种发生在未来太空站里面的悬疑推理故事", use_encoder, vectors)
    assert any(t.source == "keyword" for t in zh.tags) or len(zh.tags) == 1
    en = it.decompose(
        "a thriller set in 1970s New York with a great soundtrack and a strong female lead", use_encoder, vectors
    )
    assert {t.source for t in en.tags} >= {"clause", "phrase"}


def test_catalogue_terms_stay_whole(use_encoder: Encoder, vectors: np.ndarray) -> None:
    profile = it.decompose("想看星海远航号这种片子", use_encoder, vectors, catalogue_terms=["星海远航号"])
    assert "星海远航号" in {t.text for t in profile.tags}


# --- editing --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(use_encoder: Encoder, vectors: np.ndarray) -> it.InterestProfile:
    return it.decompose("科幻电影、喜剧和纪录片，不要恐怖片", use_encoder, vectors)


def _sums(profile: it.InterestProfile) -> tuple[float, float]:
    return sum(t.weight for t in profile.positive()), sum(t.weight for t in profile.negative())


def test_set_weight_keeps_the_value_and_renormalises(base: it.InterestProfile) -> None:
    before = [t.weight for t in base.tags]
    edited = it.set_weight(base, "喜剧", 0.6)
    assert [t.weight for t in base.tags] == before  # the original is untouched
    assert next(t.weight for t in edited.tags if t.text == "喜剧") == pytest.approx(0.6)
    assert _sums(edited) == pytest.approx((1.0, base.negative_scale))
    others = [t for t in edited.positive() if t.text != "喜剧"]
    old = {t.text: t.weight for t in base.tags}
    assert others[0].weight / others[1].weight == pytest.approx(old[others[0].text] / old[others[1].text])
    with pytest.raises(InterestLensError):
        it.set_weight(base, "喜剧", -1)
    with pytest.raises(InterestLensError):
        it.set_weight(base, "nope", 0.5)


def test_remove_add_and_flip_tags(base: it.InterestProfile, use_encoder: Encoder, vectors: np.ndarray) -> None:
    removed = it.remove_tag(base, "纪录片")
    assert "纪录片" not in _tags(removed) and _sums(removed) == pytest.approx((1.0, base.negative_scale))
    added = it.add_tag(removed, "西部片", use_encoder, vectors)
    tag = next(t for t in added.tags if t.text == "西部片")
    assert tag.source == "edited" and tag.vector is not None and tag.grounded
    assert _sums(added) == pytest.approx((1.0, base.negative_scale))
    flipped = it.set_polarity(added, "西部片", -1)
    assert _tags(flipped)["西部片"] == -1
    assert _sums(flipped) == pytest.approx((1.0, base.negative_scale))
    only_neg = it.remove_tag(it.remove_tag(base, "科幻电影"), "喜剧")
    only_neg = it.remove_tag(only_neg, "纪录片")
    assert "only_negative" in only_neg.notices


def test_apply_table_from_an_edited_grid(base: it.InterestProfile, use_encoder: Encoder, vectors: np.ndarray) -> None:
    rows = [
        {"text": "科幻电影", "weight": 3.0, "polarity": 1},
        {"text": "恐怖片", "weight": 1.0, "polarity": -1},
        {"text": "动画片", "weight": 1.0, "polarity": 1},  # new row
        {"text": "", "weight": 1.0, "polarity": 1},  # blank row ignored
        {"text": "喜剧", "weight": "oops", "polarity": "x"},  # junk values tolerated
    ]
    edited = it.apply_table(base, rows, use_encoder, vectors)
    tags = {t.text: t for t in edited.tags}
    assert set(tags) == {"科幻电影", "恐怖片", "动画片", "喜剧"}
    assert tags["科幻电影"].vector is next(t.vector for t in base.tags if t.text == "科幻电影")
    assert tags["动画片"].source == "edited" and tags["科幻电影"].weight == pytest.approx(0.75, abs=0.01)
    assert _sums(edited) == pytest.approx((1.0, base.negative_scale))


def test_composed_vector_is_the_normalised_signed_sum(base: it.InterestProfile) -> None:
    composed = base.composed_vector()
    assert composed is not None and np.linalg.norm(composed) == pytest.approx(1.0, abs=1e-5)
    manual = sum(t.polarity * t.weight * t.vector for t in base.tags)  # type: ignore[operator]
    np.testing.assert_allclose(composed, manual / np.linalg.norm(manual), atol=1e-5)


def test_as_dict_is_json_ready(base: it.InterestProfile) -> None:
    payload = json.loads(json.dumps(base.as_dict(), ensure_ascii=False))
    assert {"text", "weight", "polarity", "source", "grounding", "grounded"} <= set(payload["tags"][0])


# --- composition ----------------------------------------------------------------------------------


def test_score_items_contract(base: it.InterestProfile, vectors: np.ndarray, index: HnswIndex) -> None:
    single = it.score_items(base, vectors, "single")
    multi = it.score_items(base, vectors, "multi", index, k=100)
    for scores in (single, multi):
        assert scores.dtype == np.float64 and scores.shape == (len(vectors),) and np.isfinite(scores).all()
    composed = base.composed_vector()
    assert composed is not None
    expected = vectors @ composed - it.negative_penalty(base, vectors)
    np.testing.assert_allclose(single, expected, atol=1e-5)
    penalty = it.negative_penalty(base, vectors)
    retrieved = (multi + penalty) != it.MULTI_FLOOR
    assert 100 <= retrieved.sum() <= 3 * 100  # k items per positive tag, some shared
    assert (multi[~retrieved] <= it.MULTI_FLOOR).all() and (multi[retrieved] > -1).all()
    with pytest.raises(InterestLensError):
        it.score_items(base, vectors, "both")  # type: ignore[arg-type]


def test_multi_with_hnsw_matches_exact_search(base: it.InterestProfile, vectors: np.ndarray, index: HnswIndex) -> None:
    exact = set(it.rank(it.score_items(base, vectors, "multi", None), 20).tolist())
    approx = set(it.rank(it.score_items(base, vectors, "multi", index), 20).tolist())
    assert len(exact & approx) >= 17


def test_multi_gives_every_interest_its_share(
    use_encoder: Encoder, vectors: np.ndarray, index: HnswIndex, genres: list[frozenset[str]]
) -> None:
    profile = it.decompose("西部片和动画片", use_encoder, vectors, index)
    top = _top_genres(it.score_items(profile, vectors, "multi", index), genres, 10)
    assert sum(1 for g in top if "Western" in g) >= 3 and sum(1 for g in top if "Animation" in g) >= 3


def test_rank_excludes_and_orders() -> None:
    scores = np.array([0.1, 0.9, 0.5, 0.9, -1.0])
    assert it.rank(scores, 3).tolist() == [1, 3, 2]
    assert it.rank(scores, 3, exclude=[1]).tolist() == [3, 2, 0]
    assert it.rank(np.array([-np.inf, 1.0]), 5).tolist() == [1]


def test_softmax_is_stable() -> None:
    w = it.softmax(np.array([1000.0, 999.0]), 0.1)
    assert np.isfinite(w).all() and w.sum() == pytest.approx(1.0) and w[0] > w[1]


# --- CLI ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_interests_prints_the_profile(capsys: pytest.CaptureFixture[str], movielens_vectors: np.ndarray) -> None:
    from core.cli.commands import main

    assert main(["interests", DONE_WHEN, "--data", "movielens"]) == 0
    payload = json.loads(capsys.readouterr().out)
    tags = {t["text"]: t["polarity"] for t in payload["tags"]}
    assert tags == {"科幻电影": 1, "轻松的喜剧": 1, "恐怖片": -1}
    assert all({"text", "weight", "polarity", "grounding", "source"} <= set(t) for t in payload["tags"])
    assert main(["interests", "   "]) == 2
    assert "error:" in capsys.readouterr().err
