"""ui.interests_panels: the notices above the tag table say what they are about (issue 16): a profile with only
things to avoid says what the list shows instead and what it leaves out, a contradiction names the tag and
both polarities. Checked on the words (both languages, user text escaped) and on the page under AppTest
(bilingual demo), where the list really leaves the avoided categories out."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.data.dataset import Dataset
from core.interests.profile import InterestProfile, InterestTag
from core.ranking.config import FusionConfig, FusionWeights
from ui import state
from ui.i18n import t
from ui.interests_panels import WARNING_NOTICES, notice_messages

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "interests.py")
TIMEOUT = 600


def _attr(text: str, polarity: int, key: str, weight: float = 0.5) -> InterestTag:
    return InterestTag(text, weight, polarity, kind="attribute", key=key, label=key.split(":", 1)[1])


ONLY_NEGATIVE = InterestProfile(
    "no horror, no comedy, no *gore*",
    [_attr("horror", -1, "tags:Horror"), _attr("comedy", -1, "tags:Comedy"), InterestTag("*gore*", 0.2, -1)],
    notices=("only_negative",),
)


def test_only_negative_names_what_is_left_out_and_what_only_ranks_lower() -> None:
    [(code, en)] = notice_messages(ONLY_NEGATIVE, ["horror", "comedy"], FusionConfig(), False, "en")
    assert code == "only_negative" and code in WARNING_NOTICES
    assert en == ("Only things to avoid were found, so there is nothing to search towards: showing popular items "
                  "outside “horror” and “comedy”. Items close to “\\*gore\\*” are ranked lower (free text cannot be "
                  "excluded exactly).")  # user text escaped for Markdown
    [(_, zh)] = notice_messages(ONLY_NEGATIVE, ["horror", "comedy"], FusionConfig(), False, "zh")
    assert zh.startswith("只找到了要避开的内容") and "「horror」、「comedy」以外的热门作品" in zh
    assert "「\\*gore\\*」" in zh


def test_only_negative_follows_the_weights_and_the_user() -> None:
    no_popularity = FusionConfig(weights=FusionWeights(popularity=0.0, recency=0.5))
    [(_, other)] = notice_messages(ONLY_NEGATIVE, ["horror"], no_popularity, False, "en")
    assert "what the other signals rank highest outside “horror”" in other and "popular" not in other
    [(_, user)] = notice_messages(ONLY_NEGATIVE, ["horror"], FusionConfig(), True, "en")
    assert "follows the selected user's history, outside “horror”" in user
    [(_, nothing)] = notice_messages(ONLY_NEGATIVE, [], FusionConfig(), False, "en")  # no catalogue match
    assert nothing.startswith(t("interests.notice.only_negative", "en")) and "outside" not in nothing


def test_contradiction_names_the_tag_and_both_polarities() -> None:
    profile = InterestProfile("I like horror, no horror", [_attr("horror", 1, "tags:Horror"),
                                                           _attr("scary stuff", -1, "tags:Horror")],
                              notices=("contradiction",))
    [(code, en)] = notice_messages(profile, [], FusionConfig(), False, "en")
    assert code == "contradiction"
    assert en == ("“Horror” is both wanted (“horror”) and avoided (“scary stuff”): both tags are kept and it is not "
                  "excluded; delete the one you do not mean in the table below.")
    [(_, zh)] = notice_messages(profile, [], FusionConfig(), False, "zh")
    assert zh.startswith("「Horror」既是想要的（「horror」）又是要避开的（「scary stuff」）")


def test_other_notices_keep_their_catalogue_text() -> None:
    profile = InterestProfile("t", [InterestTag("x", 1.0, 1)], notices=("ungrounded", "markup_removed"))
    assert notice_messages(profile, [], FusionConfig(), False, "en") == [
        ("ungrounded", t("interests.notice.ungrounded", "en")),
        ("markup_removed", t("interests.notice.markup_removed", "en"))]


# --- the page -----------------------------------------------------------------------------------------


def _page(text: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state["dataset_key"] = "demo:bilingual"
    at.session_state["lang"] = lang
    at.session_state["interests_text"] = text
    at.run()
    assert not at.exception, "\n".join(e.message for e in at.exception)
    return at


def _ranked(at: AppTest) -> state.RankedList:
    ranked = at.session_state[state.RANKED_KEY]
    assert isinstance(ranked, state.RankedList)
    return ranked


def test_page_only_avoidances_leave_them_out_and_say_so(bilingual: Dataset) -> None:
    at = _page("no horror, no comedy")
    warnings = [w.value for w in at.warning]
    assert ("Only things to avoid were found, so there is nothing to search towards: showing popular items "
            "outside “horror” and “comedy”.") in warnings, warnings
    items = [int(i) for i in _ranked(at).items]
    assert len(items) == 10
    categories = set(bilingual.items["category"].iloc[items])
    assert not categories & {"恐怖 / Horror", "喜剧 / Comedy"}, categories
    texts = " ".join(str(m.value) for m in [*at.markdown, *at.caption])  # each result's reason line
    assert texts.count("Outside what you avoid \\(“horror” and “comedy”\\)") == 10  # Markdown-escaped
    assert "matches your interest" not in texts.lower() and "combined signals" not in texts
    zh = _page("no horror, no comedy", lang="zh")
    assert any("「horror」、「comedy」以外的热门作品" in str(w.value) for w in zh.warning)


def test_page_shows_a_contradiction_instead_of_resolving_it() -> None:
    at = _page("I like horror, no horror")
    warnings = [str(w.value) for w in at.warning]
    expected = "“恐怖 / Horror” is both wanted (“horror”) and avoided (“horror”)"
    assert any(w.startswith(expected) for w in warnings), warnings
    profile = at.session_state[state.INTERESTS_KEY].profile
    assert sorted(tag.polarity for tag in profile.tags if tag.kind == "attribute") == [-1, 1]


def test_page_accepts_arabic_and_hebrew() -> None:
    for text in ("أحب أفلام الرعب", "אני אוהב סרטי אימה"):
        at = _page(text)
        assert not [w for w in at.warning if str(w.value).startswith(t("interests.decompose_error", "en", error=""))]
        assert len(_ranked(at).items) == 10
    emoji = _page("🎃👻 ١٢٣")
    assert any("only symbols, numbers or emoji" in str(w.value) for w in emoji.warning)
