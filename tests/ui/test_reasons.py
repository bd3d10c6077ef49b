"""Reason codes -> zh/en sentences (``ui.reasons``): the wording of every evidence code, joining two
reasons, the generic sentence, shortening, dates, and plain text. Which code and evidence an item gets
is tested in ``tests/ranking/test_explain.py``."""

from __future__ import annotations

from typing import Any

import pytest

from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.explain import Explanation, Reason
from core.ranking.query import Query
from core.ranking.ranker import Ranker
from core.ranking.registry import build_channels
from tests.ranking.test_channels import PARAMS, make_world
from ui.reasons import explanation_text, name_list, reason_text, records


def sentence(channel: str, code: str, lang: str, **args: Any) -> str:
    return explanation_text(Explanation(0, (Reason(channel, code, args),)), lang)


@pytest.mark.parametrize(("channel", "code", "args", "en", "zh"), [
    ("semantic", "semantic", {"tag": "sci-fi"}, "Matches your interest “sci-fi”.", "符合你的兴趣「sci-fi」。"),
    ("history", "history_rated", {"item_idx": 3, "title": "Heat (1995)"},
     "Because you rated “Heat (1995)” highly.", "因为你给《Heat (1995)》打了高分。"),
    ("history", "history_liked", {"item_idx": 3, "title": "Heat (1995)"},
     "Because you liked “Heat (1995)”.", "因为你喜欢《Heat (1995)》。"),
    ("item_knn", "co_liked", {"item_idx": 3, "title": "Heat (1995)"},
     "People who liked “Heat (1995)” also liked this.", "喜欢《Heat (1995)》的人也喜欢它。"),
    ("mf", "similar_users", {}, "People with similar taste liked it.", "和你口味相似的人也喜欢它。"),
    ("item_knn", "similar_users", {}, "People with similar taste liked it.", "和你口味相似的人也喜欢它。"),
    ("popularity", "popular", {"count": 12}, "Popular: 12 people interacted with it.", "热门：12 位用户与它互动过。"),
    ("popularity", "popular_window", {"count": 5, "days": 3},
     "Popular: 5 people interacted with it in the last 3 days.", "近 3 天有 5 位用户与它互动。"),
    ("recency", "fresh_year", {"year": 1999}, "Recent: from 1999.", "较新的作品（1999 年）。"),
    ("recency", "fresh_seen", {"time": 1_500_000_000.0}, "New: first seen 14 Jul 2017.", "新近上架（2017年7月14日）。"),
    ("graph", "attributes_interests", {"attributes": ["Horror", "1990s"]},
     "Shares “Horror” and “1990s” with your interests.", "与你的兴趣同属「Horror」「1990s」。"),
    ("graph", "attributes_history", {"attributes": ["Sci-Fi"]},
     "Shares “Sci-Fi” with what you like.", "与你喜欢的内容同属「Sci-Fi」。"),
    ("avoided", "outside_avoided", {"avoided": ["horror", "comedy", "drama"]},
     "Outside what you avoid (“horror”, “comedy” and “drama”).", "不属于你要避开的「horror」、「comedy」、「drama」。"),
    ("avoided", "outside_avoided", {"avoided": ["恐怖片"]},
     "Outside what you avoid (“恐怖片”).", "不属于你要避开的「恐怖片」。"),
])
def test_each_code_in_both_languages(channel: str, code: str, args: dict[str, Any], en: str, zh: str) -> None:
    assert sentence(channel, code, "en", **args) == en
    assert sentence(channel, code, "zh", **args) == zh


def test_two_reasons_are_joined() -> None:
    expl = Explanation(4, (Reason("semantic", "semantic", {"tag": "space"}),
                           Reason("popularity", "popular", {"count": 7})))
    assert explanation_text(expl, "en") == "Matches your interest “space”; popular: 7 people interacted with it."
    assert explanation_text(expl, "zh") == "符合你的兴趣「space」；热门：7 位用户与它互动过。"


def test_outside_avoided_leads_and_is_not_a_match_claim() -> None:
    """'no horror, no comedy' ranks by the other channels: the sentence says so, never "matches your interests"."""
    expl = Explanation(4, (Reason("avoided", "outside_avoided", {"avoided": ["horror", "comedy"]}),
                           Reason("popularity", "popular", {"count": 329})))
    en = explanation_text(expl, "en")
    assert en == "Outside what you avoid (“horror” and “comedy”); popular: 329 people interacted with it."
    assert "match" not in en.lower() and "combined signals" not in en
    assert explanation_text(expl, "zh") == "不属于你要避开的「horror」、「comedy」；热门：329 位用户与它互动过。"


def test_name_lists() -> None:
    assert name_list([], "en") == "" and name_list(["a"], "en") == "“a”"
    assert name_list(["a", "b"], "en") == "“a” and “b”"
    assert name_list([str(i) for i in range(9)], "en", limit=3) == "“0”, “1”, “2” and 6 more"
    assert name_list([str(i) for i in range(9)], "zh", limit=2) == "「0」、「1」等 9 项"


def test_no_reason_gives_the_generic_sentence() -> None:
    assert explanation_text(Explanation(0, ()), "en") == "Ranked high by the combined signals."
    assert explanation_text(Explanation(0, ()), "zh") == "综合各项信号排序靠前。"


def test_long_titles_tags_and_attributes_are_shortened() -> None:
    title = "A " * 40 + "very long title"
    clause = reason_text(Reason("history", "history_rated", {"title": title}), "en")
    quoted = clause[clause.index("“") + 1 : clause.index("”")]
    assert len(quoted) == 60 and quoted.endswith("…")
    assert quoted[:-1] == " ".join(title.split())[:59]
    tag = reason_text(Reason("semantic", "semantic", {"tag": "x" * 50}), "zh")
    assert "「" + "x" * 29 + "…」" in tag
    attrs = reason_text(Reason("graph", "attributes_history", {"attributes": ["y" * 40]}), "en")
    assert "“" + "y" * 23 + "…”" in attrs
    # whitespace inside user text collapses to single spaces
    assert "“Heat 1995”" in reason_text(Reason("history", "history_liked", {"title": " Heat \n 1995 "}), "en")


def test_titles_stay_plain_text() -> None:
    title = "<b>Story</b> & co"
    en = sentence("item_knn", "co_liked", "en", title=title)
    zh = sentence("item_knn", "co_liked", "zh", title=title)
    assert "“<b>Story</b> & co”" in en  # verbatim: escaping is the renderer's job
    assert "《<b>Story</b> & co》" in zh


def test_records_of_a_recommendation() -> None:
    world = make_world(seed=2)
    channels = build_channels(world.ctx(), PARAMS)
    ranker = Ranker(world.dataset, channels, world.item_vectors)
    weights = FusionWeights.from_dict({"semantic": 1.0, "history": 0.6, "popularity": 0.05})
    rec = ranker.recommend(Query(user_id="u4", profile=world.profile("Sci-Fi")), FusionConfig(weights=weights), k=5)
    for lang in ("en", "zh"):
        rows = records(rec, world.dataset, lang)
        assert [r["item_id"] for r in rows] == world.dataset.item_ids[rec.result.items].tolist()
        assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
        for row, expl in zip(rows, rec.explanations, strict=True):
            assert row["reason"] == explanation_text(expl, lang)
            assert row["reason_codes"] == [{"channel": r.channel, "code": r.code} for r in expl.reasons]
            assert row["reason_codes"], "every item of this list has a reason"
            assert sum(row["contributions"].values()) == pytest.approx(row["score"], abs=1e-5)
            assert set(row["what_if"]) == set(rec.result.channels)
    # the semantic reason names the Sci-Fi tag
    assert any(r["code"] == "semantic" for row in records(rec, world.dataset, "en") for r in row["reason_codes"])
    assert any("“sci-fi”" in row["reason"] for row in records(rec, world.dataset, "en"))
