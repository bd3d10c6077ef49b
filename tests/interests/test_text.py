"""core.interests.text: normalisation, scripts, tokens, jieba set-up, keywords and clause splitting (no encoder)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.interests import text as tx


def test_traditional_chinese_becomes_simplified() -> None:
    assert tx.normalise("我喜歡科幻電影，也想看點輕鬆的喜劇") == "我喜欢科幻电影,也想看点轻松的喜剧"
    assert tx.to_simplified("恐怖片") == "恐怖片"  # simplified text is left alone
    assert tx.to_simplified("space opera") == "space opera"


def test_normalise_full_width_quotes_controls_and_spaces() -> None:
    assert tx.normalise("ＳＦ\u3000movies\x00  and\tcomedy") == "SF movies and comedy"
    assert tx.normalise("I\u2019d love it") == "I'd love it"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("我喜欢科幻电影", "zh"),
        ("cozy mysteries and space operas", "en"),
        ("我喜欢sci-fi和comedy", "mixed"),
        ("我非常喜欢看科幻电影和喜剧片 ok", "zh"),  # one short English word in a Chinese sentence stays zh
        ("🚀👽 !!!", "unknown"),
        ("", "unknown"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert tx.detect_language(text) == lang


def test_script_segments_split_by_script() -> None:
    segs = tx.script_segments("我喜欢Marvel的superhero movies😀")
    assert [(s.text, s.lang) for s in segs] == [
        ("我喜欢", "zh"), ("Marvel", "en"), ("的", "zh"), ("superhero movies", "en"), ("😀", "other"),
    ]


def test_tokenize_keeps_spans_contractions_and_hyphens() -> None:
    text = "I don't like Sci-Fi, 但是喜欢科幻电影"
    toks = tx.tokenize(text)
    assert all(text[t.start : t.end] == t.text for t in toks)
    words = [t.text for t in toks]
    assert "don't" in words and "Sci-Fi" in words and "科幻电影" in words
    assert [t.kind for t in toks if t.text == ","] == ["punct"]


def test_jieba_cache_lives_in_the_workspace() -> None:
    import jieba

    tx.tokenize("科幻")  # jieba is configured on first use, under the session workspace
    folder = Path(jieba.dt.tmp_dir)
    assert folder == tx.cache_dir("jieba")
    assert (folder / "jieba.default.cache").is_file()


def test_user_terms_stay_whole() -> None:
    sentence = "我想看星海远航号和赤色沙丘之下"
    fresh = not ({"星海远航号", "赤色沙丘之下"} & tx.user_terms())  # other tests may have added catalogue terms
    if fresh:
        assert "星海远航号" not in [t.text for t in tx.tokenize(sentence)]
    added = tx.add_user_terms(["星海远航号", "Beneath the Red Dunes 赤色沙丘之下", "x"])
    if fresh:
        assert added == 2
    after = [t.text for t in tx.tokenize(sentence)]
    assert "星海远航号" in after and "赤色沙丘之下" in after
    assert tx.add_user_terms(["星海远航号"]) == 0  # once per process
    assert {"星海远航号", "赤色沙丘之下"} <= tx.user_terms()


def test_catalogue_terms_keep_only_chinese_bearing_terms() -> None:
    terms = tx.catalogue_terms(["Toy Story (1995)", "星海远航", "星海远航"], ["科幻", "Sci-Fi"])
    assert terms == ["星海远航", "科幻"]


def test_split_clauses_on_punctuation_and_conjunction_tokens() -> None:
    text = tx.normalise("我喜欢科幻电影，也想看点轻松的喜剧，不要恐怖片")
    clauses = tx.split_clauses(text)
    assert [c.text for c in clauses] == ["我喜欢科幻电影", "想看点轻松的喜剧", "不要恐怖片"]
    assert [c.separator for c in clauses] == ["", "也", ","]


def test_split_clauses_english_and_enumeration_flags() -> None:
    clauses = tx.split_clauses("cozy mysteries and space operas but no horror or gore")
    assert [c.text for c in clauses] == ["cozy mysteries", "space operas", "no horror", "gore"]
    assert [c.enumerates for c in clauses] == [False, True, False, True]


def test_conjunction_characters_inside_words_are_not_cut() -> None:
    clauses = tx.split_clauses("和平年代的故事，也许还有爱情")
    texts = [c.text for c in clauses]
    assert texts[0] == "和平年代的故事" and "也许" in "".join(texts)


def test_stop_words_and_content_words() -> None:
    assert tx.is_stop_word("的") and tx.is_stop_word("The") and not tx.is_stop_word("war")
    words = tx.content_words("The Matrix (1999). Action, Sci-Fi. 我喜欢黑客帝国这部电影")
    assert "matrix" in words and "sci-fi" in words and "黑客帝国" in words
    assert "the" not in words and "电影" not in words and "我" not in words


def test_keywords_drop_fillers_and_negation_words() -> None:
    words = [w for w, _ in tx.keywords("我喜欢科幻电影，也想看点轻松的喜剧，不要恐怖片", top_k=5)]
    assert "恐怖片" in words and "科幻电影" in words
    assert not {"喜欢", "不要", "看点", "电影"} & set(words)
    assert tx.keywords("only English here") == []
    ranked = tx.keywords("最近想看一些烧脑的悬疑推理片还有浪漫爱情片", method="textrank")
    assert all(w not in tx.STOP_WORDS_ZH for w, _ in ranked)


def test_strip_markup() -> None:
    cleaned, found = tx.strip_markup("<script>alert('x')</script><b>科幻</b> &amp; comedy")
    assert found and "alert" not in cleaned and "<" not in cleaned and "& comedy" in cleaned
    assert tx.strip_markup("plain text") == ("plain text", False)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_tokenize_and_split_never_crash(text: str) -> None:
    norm = tx.normalise(text)
    toks = tx.tokenize(norm)
    assert all(0 <= t.start < t.end <= len(norm) and norm[t.start : t.end] == t.text for t in toks)
    assert all(a.start <= b.start for a, b in itertools.pairwise(toks))
    for clause in tx.split_clauses(norm, toks):
        assert clause.text == norm[clause.start : clause.end] and clause.text.strip()
    assert tx.detect_language(norm) in ("zh", "en", "mixed", "other", "unknown")


# --- other scripts (issue 16: Arabic and Hebrew were refused as "only symbols") ------------------------

SCRIPTS = {
    "arabic": ("أحب أفلام الرعب", ["أحب", "أفلام", "الرعب"]),
    "hebrew": ("אני אוהב סרטי אימה", ["אני", "אוהב", "סרטי", "אימה"]),
    "cyrillic": ("Люблю фильмы ужасов", ["Люблю", "фильмы", "ужасов"]),
    "greek": ("Μου αρέσουν οι ταινίες τρόμου", ["Μου", "αρέσουν", "οι", "ταινίες", "τρόμου"]),
    "thai": ("ชอบหนังสยองขวัญ", ["ชอบหนังสยองขวัญ"]),  # written without spaces: one run
    "devanagari": ("मुझे डरावनी फिल्में पसंद हैं", ["मुझे", "डरावनी", "फिल्में", "पसंद", "हैं"]),  # vowel signs kept
    "korean": ("공포 영화를 좋아해요", ["공포", "영화를", "좋아해요"]),
    "kana": ("ホラーがすき", ["ホラーがすき"]),
    "persian_zwnj": ("فیلم‌های ترسناک", ["فیلم‌های", "ترسناک"]),  # the joiner stays inside the word
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_other_scripts_are_words(script: str) -> None:
    text, words = SCRIPTS[script]
    norm = tx.normalise(text)
    toks = tx.tokenize(norm)
    assert [t.text for t in toks] == words
    assert {t.kind for t in toks} == {"word"}
    assert all(norm[t.start : t.end] == t.text for t in toks)
    assert tx.detect_language(norm) == "other"
    assert [s.lang for s in tx.script_segments(norm)] == ["word"]


def test_japanese_mixes_kana_words_and_han_tokens() -> None:
    toks = tx.tokenize(tx.normalise("ホラー映画が好き"))
    assert [(t.text, t.kind) for t in toks][:2] == [("ホラー", "word"), ("映画", "zh")]
    assert {t.kind for t in toks} == {"word", "zh"}


@pytest.mark.parametrize("text", ["🚀👽 !!!", "❤️ ✨", "1️⃣ 2️⃣", "👨\u200d👩\u200d👧", "١٢٣ ٤٥", "\ufe0f\u200d", "★☆ → ←"])
def test_symbols_emoji_digits_and_selectors_are_not_words(text: str) -> None:
    toks = tx.tokenize(tx.normalise(text))
    assert toks and not [t for t in toks if t.kind in tx.WORD_KINDS]
    assert tx.detect_language(tx.normalise(text)) in ("unknown", "en")  # an ASCII digit counts as Latin


def test_other_script_digits_alone_are_numbers() -> None:
    assert [(t.text, t.kind) for t in tx.tokenize("١٢٣ фильм")] == [("١٢٣", "num"), ("фильм", "word")]


def test_accented_latin_words_stay_whole() -> None:
    toks = tx.tokenize(tx.normalise("Amélie et phim kinh dị, señor"))
    assert [(t.text, t.kind) for t in toks if t.kind == "en"] == [
        ("Amélie", "en"), ("et", "en"), ("phim", "en"), ("kinh", "en"), ("dị", "en"), ("señor", "en")]
    assert tx.char_script("×") == "other" and tx.char_script("é") == "en"  # × sits among Latin letters


def test_mixed_scripts_detect_the_dominant_one() -> None:
    assert tx.detect_language("Люблю фильмы ужасов and sci-fi") == "other"
    assert tx.detect_language("cozy mysteries and space operas, фильмы") == "en"
    assert tx.detect_language("我喜欢科幻电影 фильм") == "zh"


def test_arabic_and_devanagari_punctuation_split_clauses() -> None:
    clauses = tx.split_clauses(tx.normalise("أفلام الرعب، أفلام الخيال العلمي؛ الكوميديا"))
    assert [c.text for c in clauses] == ["أفلام الرعب", "أفلام الخيال العلمي", "الكوميديا"]
    assert len(tx.split_clauses("डरावनी फिल्में। कॉमेडी")) == 2


def test_normalise_drops_lone_surrogates() -> None:
    """What undecodable bytes of a command line become (surrogateescape) never reaches jieba or the encoder."""
    norm = tx.normalise("horror \udcff comedy 恐怖\udc80片")
    assert norm == "horror comedy 恐怖 片"
    norm.encode("utf-8")  # would raise UnicodeEncodeError with a surrogate left
    assert [t.text for t in tx.tokenize(norm)][:2] == ["horror", "comedy"]


def test_content_words_keep_other_scripts() -> None:
    assert tx.content_words("Фильмы ужасов, The Matrix") == ["фильмы", "ужасов", "matrix"]
