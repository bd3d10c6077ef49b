"""core.interests.decompose: clauses, negation, candidates, tag selection, weights, bad input (real encoder)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.common.errors import InterestLensError
from core.common.selection import top_k
from core.data.dataset import Dataset
from core.interests import decompose as it
from core.interests.candidates import Candidate
from core.interests.composition import score_items
from core.interests.decompose import _select
from core.interests.profile import MAX_CHARS, InterestProfile, InterestTag
from core.interests.recognise import CatalogueIndex, catalogue_index
from core.vectors.encoders import Encoder
from core.vectors.index import HnswIndex
from core.vectors.vector_cache import embed_items

DONE_WHEN = "我喜欢科幻电影和轻松的喜剧，不要恐怖片"


def _decomposed(profile: InterestProfile) -> list[InterestTag]:
    """The profile's tags without the gist."""
    return [t for t in profile.tags if t.kind != "gist"]


def _tags(profile: InterestProfile) -> dict[str, int]:
    """Decomposed tags (text -> polarity); the gist tag, the whole text, is checked on its own."""
    return {t.text: t.polarity for t in profile.tags if t.kind != "gist"}


def _top_genres(scores: np.ndarray, genres: list[frozenset[str]], k: int = 20) -> list[frozenset[str]]:
    return [genres[i] for i in top_k(scores, k)]


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
    top = _top_genres(score_items(profile, vectors, mode, index), genres)  # type: ignore[arg-type]
    assert any("Sci-Fi" in g for g in top) and any("Comedy" in g for g in top)
    assert not any("Horror" in g for g in top)
    assert sum(1 for g in top if g & {"Sci-Fi", "Comedy"}) >= 18


def test_english_example(use_encoder: Encoder, vectors: np.ndarray, genres: list[frozenset[str]]) -> None:
    profile = it.decompose("cozy mysteries and space operas but no horror", use_encoder, vectors)
    assert _tags(profile) == {"cozy mysteries": 1, "space operas": 1, "horror": -1}
    assert profile.language == "en"
    top = _top_genres(score_items(profile, vectors, "single"), genres)
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
        scores = score_items(profile, vectors, mode, index)  # type: ignore[arg-type]
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
    assert "truncated" in profile.notices and len(profile.text) <= MAX_CHARS
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
    flags = {t.text: t.grounded for t in _decomposed(profile)}
    assert flags == {"科幻电影": True, "asdfgh qwerty": False}
    grounding = {t.text: t.grounding for t in _decomposed(profile)}
    assert grounding["科幻电影"] > it.GROUNDING_THRESHOLD > grounding["asdfgh qwerty"]


def test_single_content_character(use_encoder: Encoder, vectors: np.ndarray) -> None:
    profile = it.decompose("猫", use_encoder, vectors)
    assert [t.text for t in profile.tags] == ["猫"]


# --- knobs ----------------------------------------------------------------------------------------


def test_temperature_sharpens_weights(use_encoder: Encoder, vectors: np.ndarray) -> None:
    text = "科幻电影、喜剧、纪录片和西部片"
    sharp = it.decompose(text, use_encoder, vectors, temperature=0.03)
    flat = it.decompose(text, use_encoder, vectors, temperature=2.0)
    sharp_tags, flat_tags = _decomposed(sharp), _decomposed(flat)  # the gist's share does not follow T
    assert len(sharp_tags) == len(flat_tags) == 4 and all(t.polarity > 0 for t in sharp_tags)
    assert max(t.weight for t in sharp_tags) > max(t.weight for t in flat_tags)
    assert max(t.weight for t in flat_tags) - min(t.weight for t in flat_tags) < 0.05


def test_max_tags_and_diversity(use_encoder: Encoder, vectors: np.ndarray) -> None:
    text = "科幻电影，科幻片，太空科幻，喜剧，西部片，战争片，纪录片，动画片，音乐剧，犯罪片"
    assert len(_decomposed(it.decompose(text, use_encoder, vectors, max_tags=3))) == 3  # the gist comes on top
    redundant = "sci-fi movies, science fiction films, sci-fi flicks"
    loose = it.decompose(redundant, use_encoder, vectors, diversity=0.0)
    strict = it.decompose(redundant, use_encoder, vectors, diversity=0.9)
    assert len(_decomposed(strict)) < len(_decomposed(loose))


def test_long_clause_adds_keywords_and_phrases(use_encoder: Encoder, vectors: np.ndarray) -> None:
    zh = it.decompose("我想看那种发生在未来太空站里面的悬疑推理故事", use_encoder, vectors)
    # the long clause stays whole and jieba keywords from it come beside it
    assert zh.tags[0].source == "clause" and zh.tags[0].text == "发生在未来太空站里面的悬疑推理故事"
    assert {t.source for t in _decomposed(zh)[1:]} == {"keyword"} and "太空站" in {t.text for t in zh.tags}
    en = it.decompose(
        "a thriller set in 1970s New York with a great soundtrack and a strong female lead", use_encoder, vectors
    )
    assert {t.source for t in en.tags} >= {"clause", "phrase"}


def test_catalogue_terms_stay_whole(use_encoder: Encoder, vectors: np.ndarray) -> None:
    profile = it.decompose("想看星海远航号这种片子", use_encoder, vectors, catalogue_terms=["星海远航号"])
    assert "星海远航号" in {t.text for t in profile.tags}


def test_softmax_is_stable() -> None:
    w = it.softmax(np.array([1000.0, 999.0]), 0.1)
    assert np.isfinite(w).all() and w.sum() == pytest.approx(1.0) and w[0] > w[1]


# --- recognition: item / attribute tags, the gist ------------------------------------------------


@pytest.fixture(scope="module")
def ml_catalogue(movielens: Dataset) -> CatalogueIndex:
    return catalogue_index(movielens)


@pytest.fixture(scope="module")
def bi_vectors(bilingual: Dataset, use_encoder: Encoder) -> np.ndarray:
    return embed_items(bilingual, use_encoder).vectors


def _kinds(profile: InterestProfile) -> dict[str, tuple[str, str | None, int]]:
    return {t.text: (t.kind, t.key, t.polarity) for t in _decomposed(profile)}


def test_named_film_and_person_become_item_and_attribute_tags(
    use_encoder: Encoder, vectors: np.ndarray, index: HnswIndex, ml_catalogue: CatalogueIndex, movielens: Dataset
) -> None:
    text = "something like A Clockwork Orange, I liked that it was Kubrick"
    profile = it.decompose(text, use_encoder, vectors, index, catalogue=ml_catalogue)
    assert _kinds(profile) == {"A Clockwork Orange": ("item", "1206", 1),
                               "Kubrick": ("attribute", "user_tags:Stanley Kubrick", 1)}
    item = next(t for t in profile.tags if t.kind == "item")
    assert item.label == "Clockwork Orange, A (1971)" and item.source == "match" and item.grounded
    np.testing.assert_allclose(item.vector, vectors[movielens.item_index["1206"]], atol=1e-6)  # the item's own
    assert not any("clockwork" in t.text.lower() for t in profile.tags if t.kind == "text")  # span removed
    gist = [t for t in profile.tags if t.kind == "gist"]
    assert len(gist) == 1 and gist[0].text == text and gist[0].source == "gist"
    assert gist[0].weight == pytest.approx(it.GIST_WEIGHT)
    assert sum(t.weight for t in profile.positive()) == pytest.approx(1.0)
    assert item.weight > max(t.weight for t in _decomposed(profile) if t.kind == "attribute")
    payload = profile.as_dict()["tags"]
    assert {"kind": "item", "key": "1206", "label": "Clockwork Orange, A (1971)"}.items() <= payload[0].items()


def test_negation_applies_to_every_kind(
    use_encoder: Encoder, vectors: np.ndarray, ml_catalogue: CatalogueIndex
) -> None:
    profile = it.decompose("I love the Matrix, but not Titanic and no horror", use_encoder, vectors,
                           catalogue=ml_catalogue)
    assert _kinds(profile) == {"the Matrix": ("item", "2571", 1), "Titanic": ("item", "1721", -1),
                               "horror": ("attribute", "tags:Horror", -1)}
    assert sum(t.weight for t in profile.negative()) == pytest.approx(profile.negative_scale)
    gist = next(t for t in profile.tags if t.kind == "gist")
    assert gist.text == "I love the Matrix" and gist.polarity == 1  # the negated parts are left out
    only_negative = it.decompose("no horror", use_encoder, vectors, catalogue=ml_catalogue)
    assert _kinds(only_negative) == {"horror": ("attribute", "tags:Horror", -1)}
    assert [t.kind for t in only_negative.tags] == ["attribute"] and "only_negative" in only_negative.notices


def test_recognised_spans_leave_the_rest_as_free_text(
    use_encoder: Encoder, vectors: np.ndarray, ml_catalogue: CatalogueIndex
) -> None:
    profile = it.decompose(DONE_WHEN, use_encoder, vectors, catalogue=ml_catalogue)
    # 轻松的喜剧 = the genre Comedy + the free-text modifier 轻松 (a deliberate change from one text tag)
    assert _kinds(profile) == {"科幻电影": ("attribute", "tags:Sci-Fi", 1), "喜剧": ("attribute", "tags:Comedy", 1),
                               "轻松": ("text", None, 1), "恐怖片": ("attribute", "tags:Horror", -1)}
    labels = {t.text: t.label for t in profile.tags}
    assert labels["科幻电影"] == "Sci-Fi" and labels["恐怖片"] == "Horror"


def test_chinese_titles_and_negated_genres_on_the_bilingual_demo(
    use_encoder: Encoder, bi_vectors: np.ndarray, bilingual: Dataset
) -> None:
    catalogue = catalogue_index(bilingual)
    simp = it.decompose("想看《星际小队》这样的，不要恐怖片", use_encoder, bi_vectors, catalogue=catalogue)
    trad = it.decompose("想看《星際小隊》這樣的，不要恐怖片", use_encoder, bi_vectors, catalogue=catalogue)
    expected = {"星际小队": ("item", "I0158", 1), "恐怖片": ("attribute", "category:恐怖 / Horror", -1)}
    assert _kinds(simp) == _kinds(trad) == expected
    item = next(t for t in simp.tags if t.kind == "item")
    np.testing.assert_allclose(item.vector, bi_vectors[bilingual.item_index["I0158"]], atol=1e-6)
    english = it.decompose("I loved The Star Squad, no horror", use_encoder, bi_vectors, catalogue=catalogue)
    assert _kinds(english) == {"The Star Squad": ("item", "I0158", 1),
                               "horror": ("attribute", "category:恐怖 / Horror", -1)}


def test_without_a_catalogue_only_text_and_gist(use_encoder: Encoder, vectors: np.ndarray) -> None:
    text = "西部片、动画片、纪录片和黑色电影"
    cut = it.decompose(text, use_encoder, vectors, max_tags=2)  # two tags cannot say all four: the gist can
    assert [t.kind for t in cut.tags] == ["text", "text", "gist"] and all(t.key is None for t in cut.tags)
    assert cut.tags[-1].text == text and cut.tags[-1].weight == pytest.approx(it.GIST_WEIGHT)
    assert [t.kind for t in it.decompose(text, use_encoder, vectors).tags] == ["text"] * 4  # they say it all
    no_gist = it.decompose(text, use_encoder, vectors, max_tags=2, gist_weight=0.0)
    assert [t.kind for t in no_gist.tags] == ["text", "text"]
    assert sum(t.weight for t in no_gist.tags) == pytest.approx(1.0)
    with pytest.raises(InterestLensError, match="gist_weight"):
        it.decompose("科幻", use_encoder, vectors, gist_weight=1.0)


# --- tag selection (MMR with redundancy rules), no encoder -----------------------------------------


def _cands(*specs: tuple[str, int, str, bool]) -> list[Candidate]:
    return [Candidate(text, pol, source, order, short) for order, (text, pol, source, short) in enumerate(specs)]  # type: ignore[arg-type]


def _unit(*rows: list[float]) -> np.ndarray:
    vecs = np.array(rows, dtype=np.float32)
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def test_select_drops_near_duplicates_of_the_same_polarity_only() -> None:
    cands = _cands(("sci-fi", 1, "clause", True), ("science fiction", 1, "clause", True),
                   ("no sci-fi horror", -1, "clause", True), ("comedy", 1, "clause", True))
    vecs = _unit([1, 0, 0], [0.95, 0.31, 0], [0.95, 0.31, 0], [0, 0, 1])  # cos(0, 1) = cos(0, 2) = 0.95
    scores = np.array([0.9, 0.8, 0.7, 0.6])
    # 1 is redundant with 0 (0.95 >= 1 - 0.5 * 0.3); 2 is as close to 0 but avoided, so it is kept
    assert _select(cands, vecs, scores, 0.3, 8) == [0, 2, 3]
    assert _select(cands, vecs, scores, 0.0, 8) == [0, 1, 2, 3]  # diversity 0: only identical vectors go
    assert _select(cands, vecs, scores, 0.3, 2) == [0, 2]  # max_tags


def test_select_drops_contained_texts_and_weak_keywords() -> None:
    cands = _cands(("space opera", 1, "clause", True), ("opera", 1, "keyword", True),
                   ("long clause about heists", 1, "clause", False), ("heists", 1, "keyword", True),
                   ("noir", 1, "keyword", True))
    vecs = _unit([1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0.5, 1], [0, 0, 0, 1])
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.2])
    # "opera" is inside the selected short tag "space opera"; "heists" is inside a *long* clause (kept);
    # "noir" is a keyword below MIN_KEYWORD_SCORE
    assert it.MIN_KEYWORD_SCORE > 0.2
    assert _select(cands, vecs, scores, 0.3, 8) == [0, 2, 3]


def test_select_trades_relevance_for_diversity() -> None:
    cands = _cands(("a", 1, "clause", True), ("b", 1, "clause", True), ("c", 1, "clause", True))
    vecs = _unit([1, 0], [0.7, 0.714], [0, 1])  # b is close to a (0.7), c is far from a (0)
    scores = np.array([1.0, 0.9, 0.8])
    assert _select(cands, vecs, scores, 0.0, 3) == [0, 1, 2]  # relevance order
    # diversity 0.5: b gains 0.5 * 0.9 - 0.5 * 0.7 = 0.1 < c's 0.5 * 0.8 - 0; b stays below 0.75 redundancy
    assert _select(cands, vecs, scores, 0.5, 3) == [0, 2, 1]


# --- CLI ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_interests_prints_the_profile(capsys: pytest.CaptureFixture[str], movielens_vectors: np.ndarray) -> None:
    from core.cli.commands import main

    assert main(["interests", DONE_WHEN, "--data", "movielens"]) == 0
    payload = json.loads(capsys.readouterr().out)
    tags = {t["text"]: (t["kind"], t.get("label"), t["polarity"]) for t in payload["tags"] if t["kind"] != "gist"}
    # the engine recognises the catalogue's genres: 轻松的喜剧 is the genre Comedy plus the free text 轻松
    assert tags == {"科幻电影": ("attribute", "Sci-Fi", 1), "喜剧": ("attribute", "Comedy", 1),
                    "轻松": ("text", None, 1), "恐怖片": ("attribute", "Horror", -1)}
    assert all({"text", "weight", "polarity", "grounding", "source", "kind"} <= set(t) for t in payload["tags"])
    assert main(["interests", "   "]) == 2
    assert "error:" in capsys.readouterr().err


# --- issue 16: only avoidances, contradictions, other scripts ---------------------------------------------


def test_only_avoided_genres_are_three_negative_attributes_and_say_so(
    use_encoder: Encoder, vectors: np.ndarray, ml_catalogue: CatalogueIndex
) -> None:
    profile = it.decompose("no horror, no comedy, no drama", use_encoder, vectors, catalogue=ml_catalogue)
    assert _kinds(profile) == {"horror": ("attribute", "tags:Horror", -1), "comedy": ("attribute", "tags:Comedy", -1),
                               "drama": ("attribute", "tags:Drama", -1)}
    assert profile.notices == ("only_negative",)
    assert sorted(profile.avoided_texts()) == ["comedy", "drama", "horror"]


@pytest.mark.parametrize(("text", "label"), [
    ("I like horror, no horror", "Horror"),
    ("我喜欢恐怖片，不要恐怖片", "Horror"),
    ("I love Titanic but not Titanic", "Titanic (1997)"),
])
def test_a_contradiction_keeps_both_tags_and_is_a_notice(
    use_encoder: Encoder, vectors: np.ndarray, ml_catalogue: CatalogueIndex, text: str, label: str
) -> None:
    profile = it.decompose(text, use_encoder, vectors, catalogue=ml_catalogue)
    assert "contradiction" in profile.notices and "only_negative" not in profile.notices
    [found] = profile.contradictions()
    assert found.label == label and found.wanted and found.avoided
    named = [t for t in profile.tags if t.key == found.key]
    assert sorted(t.polarity for t in named) == [-1, 1]  # neither side silently dropped


def test_a_contradiction_in_free_text_keeps_both_tags(use_encoder: Encoder, vectors: np.ndarray) -> None:
    profile = it.decompose("I like gore, no gore", use_encoder, vectors)  # no catalogue: free-text tags
    assert sorted((t.text, t.polarity) for t in _decomposed(profile)) == [("gore", -1), ("gore", 1)]
    assert "contradiction" in profile.notices
    assert [(c.label, c.kind) for c in profile.contradictions()] == [("gore", "text")]
    assert not it.decompose("I like gore and splatter", use_encoder, vectors).contradictions()


OTHER_SCRIPTS = {
    "arabic": "أحب أفلام الرعب",
    "hebrew": "אני אוהב סרטי אימה",
    "cyrillic": "Люблю фильмы ужасов",
    "greek": "Μου αρέσουν οι ταινίες τρόμου",
    "thai": "ชอบหนังสยองขวัญ",
    "devanagari": "मुझे डरावनी फिल्में पसंद हैं",
    "korean": "공포 영화를 좋아해요",
    "kana": "ホラーがすき",
}


@pytest.mark.parametrize("script", sorted(OTHER_SCRIPTS))
def test_other_scripts_are_accepted_and_embedded(
    use_encoder: Encoder, vectors: np.ndarray, script: str
) -> None:
    text = OTHER_SCRIPTS[script]
    profile = it.decompose(text, use_encoder, vectors)
    assert profile.language == "other"
    assert profile.positive() and all(t.vector is not None for t in profile.tags)
    assert all(np.isfinite(t.vector).all() and abs(float(np.linalg.norm(t.vector)) - 1) < 1e-3  # type: ignore[arg-type]
               for t in profile.tags)
    assert "".join(t.text for t in _decomposed(profile)).replace(" ", "") in text.replace(" ", "")


def test_arabic_horror_reaches_horror_films(
    use_encoder: Encoder, vectors: np.ndarray, genres: list[frozenset[str]]
) -> None:
    """Arabic is among the encoder's languages: 'I love horror films' finds horror films."""
    profile = it.decompose(OTHER_SCRIPTS["arabic"], use_encoder, vectors)
    top = _top_genres(score_items(profile, vectors, "single"), genres)  # type: ignore[arg-type]
    assert sum(1 for g in top if "Horror" in g) >= 12


@pytest.mark.parametrize("text", ["🚀👽🎃", "❤️✨ 1️⃣", "👨\u200d👩\u200d👧", "١٢٣ ٤٥٦", "★ → ☆"])
def test_symbol_only_text_keeps_its_message(use_encoder: Encoder, vectors: np.ndarray, text: str) -> None:
    with pytest.raises(InterestLensError, match="only symbols, numbers or emoji"):
        it.decompose(text, use_encoder, vectors)
