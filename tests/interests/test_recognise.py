"""core.interests.recognise / aliases: titles, attributes and people named in text (no encoder needed)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from core.data.dataset import Dataset
from core.interests.aliases import fold, parse_title, title_aliases
from core.interests.decompose import decompose
from core.interests.recognise import CatalogueIndex, Match, catalogue_index
from tests.data.zh_films import STEPHEN_CHOW, zh_films


@pytest.fixture(scope="module")
def ml(movielens: Dataset) -> CatalogueIndex:
    """The MovieLens catalogue index."""
    return catalogue_index(movielens)


@pytest.fixture(scope="module")
def bi(bilingual: Dataset) -> CatalogueIndex:
    """The bilingual demo's catalogue index."""
    return catalogue_index(bilingual)


def _found(index: CatalogueIndex, text: str) -> list[tuple[str, str, str]]:
    """(surface, kind, key) of every match, in text order."""
    return [(m.surface, m.kind, m.key) for m in index.find(text)]


# --- folding and title parsing --------------------------------------------------------------------


def test_fold_cases_accents_apostrophes_and_traditional_chinese() -> None:
    assert fold("Léon: The Professional") == "leon the professional"
    assert fold("Schindler's List & Co.") == "schindler list and co"
    assert fold("Amélie") == fold("AMELIE") == "amelie"
    assert fold("星際小隊") == "星际小队"
    assert fold("Schindler’s List") == fold("Schindler's List")  # the ASCII fast path and the mapped path agree


def test_parse_title_moves_articles_and_keeps_the_year() -> None:
    assert parse_title("Matrix, The (1999)") == (["The Matrix", "Matrix"], [], 1999)
    assert parse_title("Seven (a.k.a. Se7en) (1995)") == (["Seven"], ["Se7en"], 1995)
    main, alts, year = parse_title("City of Lost Children, The (Cité des enfants perdus, La) (1995)")
    assert main == ["The City of Lost Children", "City of Lost Children"] and year == 1995
    assert alts == ["La Cité des enfants perdus", "Cité des enfants perdus"]
    aliases, _year = title_aliases("Star Wars: Episode IV - A New Hope (1977)")
    assert {"star wars episode iv a new hope", "star wars", "a new hope", "new hope"} <= set(aliases)
    assert {"bad boys ii", "bad boys 2"} <= set(title_aliases("Bad Boys II (2003)")[0])
    assert {"spider man", "spiderman"} <= set(title_aliases("Spider-Man (2002)")[0])


# --- MovieLens: a hand-made fixture of realistic sentences ---------------------------------------

SENTENCES: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("something like A Clockwork Orange, I liked that it was Kubrick",
     [("A Clockwork Orange", "item", "1206"), ("Kubrick", "attribute", "user_tags:Stanley Kubrick")]),
    ("I love the Matrix", [("the Matrix", "item", "2571")]),
    ("Matrix", [("Matrix", "item", "2571")]),  # a title typed alone
    ("I love Tom Hanks", [("Tom Hanks", "attribute", "user_tags:Tom Hanks")]),
    ("no horror", [("horror", "attribute", "tags:Horror")]),
    ("Shawshank Redmption was great", [("Shawshank Redmption", "item", "318")]),
    ("I loved Toy Story 3 (2010) and Toy Story", [("Toy Story 3 (2010)", "item", "78499"), ("Toy Story", "item", "1")]),
    ("my favourites are Silence Of The Lambs and The Greatest Showman",
     [("Silence Of The Lambs", "item", "593"), ("The Greatest Showman", "item", "180985")]),
    ("i believe inception and Mirrors", [("inception", "item", "79132"), ("Mirrors", "item", "61262")]),
    ("Jim Carey movies, maybe ace ventura", [("Jim Carey", "attribute", "user_tags:Jim Carrey"),
                                            ("ace ventura", "item", "344")]),
    ("I liked Up and Her", [("Up", "item", "68954"), ("Her", "item", "106920")]),  # Title Case mid-sentence
    ('I want to see "It"', [("It", "item", "175303")]),  # quoted
    ("我想看科幻片和黑色电影", [("科幻片", "attribute", "tags:Sci-Fi"), ("黑色电影", "attribute", "tags:Film-Noir")]),
    ("I love romance but Romance (1999) was dull",
     [("romance", "attribute", "tags:Romance"), ("Romance (1999)", "item", "2894")]),  # a year marks the film
    # no film here: common words, pronouns, a sequel the catalogue lacks, names inside longer names
    ("Can you help me? I could use some help", []),
    ("up for anything", []),
    ("It is good. It was great", []),
    ("Frozen 2 was fine", []),
    ("It had Michael Douglas in it", []),
    ("last night I watched something", []),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES)
def test_movielens_sentences(ml: CatalogueIndex, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _found(ml, text) == expected


def test_match_fields_and_spans(ml: CatalogueIndex, movielens: Dataset) -> None:
    text = "something like A Clockwork Orange, I liked that it was Kubrick"
    item, person = ml.find(text)
    assert isinstance(item, Match) and text[item.start : item.end] == item.surface
    assert item.label == "Clockwork Orange, A (1971)" and item.score == 1.0 and item.how == "exact"
    assert item.item_idx == movielens.item_index["1206"] and item.facet == "item"
    assert person.facet == "person" and person.how == "surname" and person.label == "Stanley Kubrick"
    assert person.item_idx is None and person.score < 1.0
    fuzzy = ml.find("Shawshank Redmption")[0]
    assert fuzzy.how == "fuzzy" and 0.9 <= fuzzy.score < 1.0


def test_genre_words_map_to_attributes_not_to_films(ml: CatalogueIndex) -> None:
    # "The War (1994)" and "Children, The (2008)" exist, yet the words are genres unless marked as titles
    assert _found(ml, "war films for children") == [("war", "attribute", "tags:War"),
                                                      ("children", "attribute", "tags:Children")]
    assert _found(ml, "I watched The War (1994)") == [("The War (1994)", "item", "340")]


def test_ambiguous_titles_go_to_the_year_then_the_most_popular(ml: CatalogueIndex, movielens: Dataset) -> None:
    assert _found(ml, "Hamlet (1948)") == [("Hamlet (1948)", "item", "1941")]
    assert _found(ml, "I saw Hamlet 1990 again") == [("Hamlet 1990", "item", "3723")]
    hamlets = [i for i, t in enumerate(movielens.items["title"]) if t.startswith("Hamlet (")]
    most_popular = max(hamlets, key=lambda i: movielens.item_popularity[i])
    assert ml.find("I like Hamlet")[0].item_idx == most_popular


def test_hyphenated_words_are_not_split(ml: CatalogueIndex) -> None:
    assert _found(ml, "all the Spider-Man movies") == [("Spider-Man", "item", "5349")]


def test_resolve_title(ml: CatalogueIndex) -> None:
    def key(title: str) -> str | None:
        found = ml.resolve_title(title)
        return found.key if found else None

    assert key("The Matrix") == key("Matrix, The (1999)") == key("matrix") == "2571"
    assert key("Shawshank Redmption") == "318" and key("Se7en") == key("Seven") == "47"
    assert key("Hamlet (1990)") == "3723" and key("Toy Story 2") == "3114"
    assert key("A Completely Unknown Film") is None and key("") is None
    found = ml.resolve_title("Matrix, The (1999)")
    assert found is not None and found.start == 0 and found.end == len("Matrix, The (1999)")


def test_attributes_know_their_items(ml: CatalogueIndex, movielens: Dataset) -> None:
    sci_fi = ml.attribute("tags:Sci-Fi")
    expected = [i for i, tags in enumerate(movielens.items["tags"]) if "Sci-Fi" in tags]
    assert sci_fi.facet == "tag" and sci_fi.label == "Sci-Fi"
    np.testing.assert_array_equal(sci_fi.items, expected)
    np.testing.assert_array_equal(ml.items_for("2571"), [movielens.item_index["2571"]])
    kubrick = ml.attribute("user_tags:Stanley Kubrick")
    assert kubrick.facet == "person" and len(kubrick.items) >= 2
    with pytest.raises(KeyError):
        ml.items_for("tags:No Such Genre")


def test_judging_user_tags_are_not_attributes(ml: CatalogueIndex) -> None:
    assert _found(ml, "it was bad, a classic") == []


def test_catalogue_index_is_cached_by_fingerprint(movielens: Dataset, ml: CatalogueIndex) -> None:
    assert catalogue_index(movielens) is ml and ml.fingerprint == movielens.fingerprint


# --- the bilingual demo: Chinese is equal ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("想看《星际小队》这样的", [("星际小队", "item", "I0158")]),
        ("我喜欢星际小队", [("星际小队", "item", "I0158")]),  # bare
        ("我喜歡星際小隊", [("星際小隊", "item", "I0158")]),  # traditional characters
        ("I loved The Star Squad", [("The Star Squad", "item", "I0158")]),  # the English title column
        ("星海远航和Interstellar Mailman", [("星海远航", "item", "I0001"), ("Interstellar Mailman", "item", "I0019")]),
        ("不要恐怖片", [("恐怖片", "attribute", "category:恐怖 / Horror")]),
        ("喜歡科幻電影", [("科幻電影", "attribute", "category:科幻 / Sci-Fi")]),
        ("no horror, more sci-fi comedies", [("horror", "attribute", "category:恐怖 / Horror"),
                                             ("sci-fi", "attribute", "category:科幻 / Sci-Fi"),
                                             ("comedies", "attribute", "category:喜剧 / Comedy")]),
        ("mystery and crime", [("mystery and crime", "attribute", "category:悬疑推理 / Mystery & Crime")]),
        ("我喜欢历史", [("历史", "attribute", "tags:历史")]),
        ("《蜂群》很好看", [("蜂群", "item", "I0014")]),
        ("我喜欢蜂群", []),  # a two-character title needs 《》 or quotes
    ],
)
def test_bilingual_sentences(bi: CatalogueIndex, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _found(bi, text) == expected


def test_bilingual_labels_answer_to_both_names(bi: CatalogueIndex) -> None:
    zh, en = bi.find("科幻")[0], bi.find("Sci-Fi")[0]
    assert zh.key == en.key == "category:科幻 / Sci-Fi" and zh.label == "科幻 / Sci-Fi"
    assert bi.resolve_title("The Star Squad") is not None and bi.resolve_title("星際小隊") is not None


# --- the items' people column: a real Chinese catalogue (tests/data/zh_films.py) --------------------


class CharEncoder:
    """A tiny deterministic encoder (hashed characters) so :func:`decompose` runs without a model."""

    def encode(self, texts: Sequence[str], batch_size: int = 64, progress: Any = None) -> np.ndarray:
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for ch in str(text):
                out[row, zlib.crc32(ch.encode()) % 64] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)


@pytest.fixture(scope="module")
def films() -> Dataset:
    """The Chinese film catalogue with its 主创 (people) column, loaded from GBK bytes."""
    return zh_films("gbk")


@pytest.fixture(scope="module")
def zh(films: Dataset) -> CatalogueIndex:
    """Its catalogue index."""
    return catalogue_index(films)


CHOW = "people:周星驰 / Stephen Chow"
NOLAN = "people:克里斯托弗·诺兰 / Christopher Nolan"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我喜欢周星驰的喜剧", [("周星驰", "attribute", CHOW), ("喜剧", "attribute", "tags:喜剧")]),
        ("我喜歡周星馳的喜劇", [("周星馳", "attribute", CHOW), ("喜劇", "attribute", "tags:喜剧")]),  # traditional
        ("I love Stephen Chow", [("Stephen Chow", "attribute", CHOW)]),
        ("anything with Chow in it", [("Chow", "attribute", CHOW)]),  # the surname alone
        ("我喜欢诺兰的电影", [("诺兰", "attribute", NOLAN)]),  # the last part of a transliterated name
        ("Nolan or Kubrick", [("Nolan", "attribute", NOLAN),
                              ("Kubrick", "attribute", "people:斯坦利·库布里克 / Stanley Kubrick")]),
        ("张艺谋的武侠片", [("张艺谋", "attribute", "people:张艺谋"), ("武侠片", "attribute", "tags:武侠")]),
        ("梁朝伟和张曼玉", [("梁朝伟", "attribute", "people:梁朝伟"), ("张曼玉", "attribute", "people:张曼玉")]),
        ("《星际穿越》那样的", [("星际穿越", "item", "Z09")]),
        ("像星际穿越那样的", [("星际穿越", "item", "Z09")]),
        ("不要恐怖片", [("恐怖片", "attribute", "tags:恐怖")]),
        ("I loved Hero", [("Hero", "item", "Z06")]),
        # a name inside a title, or a title that is a name, never shadows the film
        ("我喜欢李小龙", [("李小龙", "attribute", "people:李小龙 / Bruce Lee")]),
        ("I love Bruce Lee", [("Bruce Lee", "attribute", "people:李小龙 / Bruce Lee")]),
        ("《李小龙我的兄弟》和Bruce Lee, My Brother", [("李小龙我的兄弟", "item", "Z21"),
                                                    ("Bruce Lee, My Brother", "item", "Z21")]),
        ("我想看阮玲玉", [("阮玲玉", "item", "Z22")]),  # the 1991 film, though she is also in the cast of 神女
    ],
)
def test_people_of_a_chinese_catalogue(zh: CatalogueIndex, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _found(zh, text) == expected


def test_people_are_person_attributes_of_their_films(zh: CatalogueIndex, films: Dataset) -> None:
    chow = zh.attribute(CHOW)
    assert (chow.field, chow.facet, chow.label) == ("people", "person", "周星驰 / Stephen Chow")
    assert [films.item_ids[i] for i in chow.items] == list(STEPHEN_CHOW)
    match = zh.find("Chow")[0]
    assert (match.facet, match.how, match.label) == ("person", "surname", "周星驰 / Stephen Chow")
    assert zh.attribute("people:姜文").items.tolist() == [films.item_index["Z18"]]  # director and lead: once
    assert zh.attribute("people:阮玲玉").facet == "person"  # still an attribute, only not by that bare span


def test_a_surname_several_people_share_must_be_capitalised_or_marked(films: Dataset) -> None:
    people = [(*p, "乔纳森·诺兰 / Jonathan Nolan") if i == "Z09" else p
              for i, p in zip(films.items["item_id"], films.items["people"], strict=True)]
    index = CatalogueIndex.build(Dataset.from_frames("nolans", films.interactions, films.items.assign(people=people)))
    assert _found(index, "I like nolan films") == [] and _found(index, "我喜欢诺兰的电影") == []
    assert _found(index, "I like Nolan films") == [("Nolan", "attribute", NOLAN)]  # the one with more films
    assert _found(index, "我喜欢“诺兰”") == [("诺兰", "attribute", NOLAN)]
    assert _found(index, "Jonathan Nolan") == [("Jonathan Nolan", "attribute", "people:乔纳森·诺兰 / Jonathan Nolan")]


def test_a_users_tag_that_spells_a_person_adds_no_second_alias(films: Dataset) -> None:
    tagged = [*STEPHEN_CHOW, "Z18"]  # on more films than the people column gives him: it would win the alias
    tags = pd.DataFrame({"user_id": ["comedy0"] * len(tagged), "item_id": tagged,
                         "tag": ["Stephen Chow", "stephen chow", "Stephen Chow", "Stephen Chow", "Stephen Chow",
                                 "Stephen Chow"], "timestamp": [np.nan] * len(tagged)})
    index = CatalogueIndex.build(Dataset.from_frames("tagged", films.interactions, films.items, tags))
    assert len(index.attribute("user_tags:Stephen Chow").items) == 6
    assert index.attribute("user_tags:Stephen Chow").facet == "user_tag"  # kept, but not a second person
    assert _found(index, "I love Stephen Chow") == [("Stephen Chow", "attribute", CHOW)]


def test_negation_and_kinds_of_the_recognised_tags(zh: CatalogueIndex) -> None:
    def tags(text: str) -> list[tuple[str, str, str | None, int]]:
        profile = decompose(text, CharEncoder(), None, catalogue=zh)
        return [(t.text, t.kind, t.key, t.polarity) for t in profile.tags if t.kind in ("item", "attribute")]

    both = [("周星驰", "attribute", CHOW, 1), ("喜剧", "attribute", "tags:喜剧", 1)]
    assert sorted(tags("我喜欢周星驰的喜剧")) == both
    assert tags("《星际穿越》那样的") == [("星际穿越", "item", "Z09", 1)]
    assert tags("不要恐怖片") == [("恐怖片", "attribute", "tags:恐怖", -1)]
    assert sorted(tags("I love Stephen Chow, no horror")) == [("Stephen Chow", "attribute", CHOW, 1),
                                                              ("horror", "attribute", "tags:恐怖", -1)]
