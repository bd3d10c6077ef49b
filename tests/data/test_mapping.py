"""core.data.mapping: guessed roles (English and Chinese names), overrides and mapping errors."""

from __future__ import annotations

import pytest

from core.common.errors import DataError
from core.data.loaders import load_interactions, load_items
from core.data.mapping import _SYNONYMS, ROLES, guess_mapping
from tests.data.test_report import FIXTURES


@pytest.mark.parametrize(
    "columns,expected",
    [
        (
            ["userId", "movieId", "rating", "timestamp"],
            {"user": "userId", "item": "movieId", "rating": "rating", "timestamp": "timestamp"},
        ),
        (
            ["user_id", "item_id", "score", "date", "action"],
            {"user": "user_id", "item": "item_id", "rating": "score", "timestamp": "date", "event": "action"},
        ),
        (
            ["uid", "product", "weight", "time", "behavior"],
            {"user": "uid", "item": "product", "rating": "weight", "timestamp": "time", "event": "behavior"},
        ),
        (
            ["用户", "商品", "评分", "时间", "行为"],
            {"user": "用户", "item": "商品", "rating": "评分", "timestamp": "时间", "event": "行为"},
        ),
        (
            ["用户编号", "电影", "打分", "日期", "事件"],
            {"user": "用户编号", "item": "电影", "rating": "打分", "timestamp": "日期", "event": "事件"},
        ),
        (["用户ID", "物品ID", "分数"], {"user": "用户ID", "item": "物品ID", "rating": "分数"}),
        (
            ["user_id:token", "item_id:token", "rating:float"],
            {"user": "user_id:token", "item": "item_id:token", "rating": "rating:float"},
        ),
        (
            ["Customer ID", "Product-ID", "Rating Time"],
            {"user": "Customer ID", "item": "Product-ID", "timestamp": "Rating Time"},
        ),
        (
            ["column_1", "column_2", "column_3"],
            {"user": "column_1", "item": "column_2", "rating": "column_3"},
        ),
        (["foo", "bar"], {}),
    ],
)
def test_guess_interaction_mapping(columns: list[str], expected: dict[str, str]) -> None:
    assert guess_mapping(columns, "interactions") == expected


@pytest.mark.parametrize(
    "columns,expected",
    [
        (["movieId", "title", "genres"], {"item": "movieId", "title": "title", "genres": "genres"}),
        (
            ["item", "name", "desc", "tags", "category", "year"],
            {
                "item": "item",
                "title": "name",
                "description": "desc",
                "tags": "tags",
                "category": "category",
                "year": "year",
            },
        ),
        (
            ["商品ID", "名称", "描述", "标签", "分类", "年份"],
            {
                "item": "商品ID",
                "title": "名称",
                "description": "描述",
                "tags": "标签",
                "category": "分类",
                "year": "年份",
            },
        ),
        (
            ["物品", "片名", "简介", "类型"],
            {"item": "物品", "title": "片名", "description": "简介", "genres": "类型"},
        ),
        (["电影ID", "电影名称"], {"item": "电影ID", "title": "电影名称"}),
    ],
)
def test_guess_item_mapping(columns: list[str], expected: dict[str, str]) -> None:
    assert guess_mapping(columns, "items") == expected


def test_chinese_item_headers_of_the_bilingual_catalogue() -> None:
    cols = ["物品ID", "标题", "英文标题", "简介", "标签", "类别", "年份"]
    assert guess_mapping(cols, "items") == {
        "item": "物品ID",
        "title": "标题",
        "description": "简介",
        "tags": "标签",
        "category": "类别",
        "year": "年份",
        "title_en": "英文标题",
    }
    rep = load_items(
        "物品ID,标题,英文标题,简介,标签,类别,年份\nI1,星海,Star Sea,简介,太空|space,科幻,2019\n".encode(),
        name="i.csv",
    )
    row = rep.frame.iloc[0]
    assert (row["title"], row["title_en"], row["year"], row["tags"]) == (
        "星海",
        "Star Sea",
        2019.0,
        ("太空", "space"),
    )


@pytest.mark.parametrize(
    "columns,people",
    [
        (["movieId", "title", "director"], "director"),
        (["item_id", "name", "Cast"], "Cast"),
        (["asin", "title", "author"], "author"),
        (["track_id", "song_name", "artist"], "artist"),
        (["物品ID", "标题", "主演"], "主演"),
        (["电影ID", "片名", "导演"], "导演"),
        (["图书ID", "书名", "作者"], "作者"),
        (["歌曲ID", "歌名", "歌手"], "歌手"),
        (["物品ID", "标题", "导演", "主演"], "主演"),  # one column plays people: the cast before the director
        (["id", "title", "director", "starring"], "starring"),
    ],
)
def test_people_columns_in_english_and_chinese(columns: list[str], people: str) -> None:
    guessed = guess_mapping(columns, "items")
    assert guessed["people"] == people and guessed["title"] == columns[1]


def test_no_column_name_is_a_synonym_of_two_roles_of_one_kind() -> None:
    for kind, roles in ROLES.items():
        seen: dict[str, str] = {}
        for role in roles:
            for word in _SYNONYMS[role]:
                shared = (kind, word) == ("user_tags", "内容")  # the one known overlap: 内容 is an item or a tag
                assert seen.setdefault(word, role) == role or shared, (kind, word, role, seen[word])
    assert set(_SYNONYMS["people"]) >= {"director", "cast", "author", "artist", "导演", "主演", "作者", "歌手"}


def test_mapping_override_unmap_and_errors() -> None:
    data = b"a,b,c,d\n1,2,3,4\n"
    rep = load_interactions(data, name="m.csv", mapping={"user": "b", "item": "a", "rating": "d"})
    assert rep.frame.iloc[0][["user_id", "item_id", "rating"]].tolist() == ["2", "1", 4.0]
    guessed = load_interactions(b"user,item,rating\n1,2,3\n", name="m.csv", mapping={"rating": None})
    assert "rating" not in guessed.mapping and guessed.frame["rating"].tolist() == [1.0]
    with pytest.raises(DataError, match=r"column 'zz'.*not in the file") as info:
        load_interactions(data, name="m.csv", mapping={"user": "zz", "item": "a"})
    assert info.value.code == "unknown_column"  # type: ignore[attr-defined]
    with pytest.raises(DataError, match="mapped to both") as info:
        load_interactions(data, name="m.csv", mapping={"user": "a", "item": "a"})
    with pytest.raises(DataError, match="unknown role"):
        load_interactions(data, name="m.csv", mapping={"colour": "a"})


def test_user_override_takes_a_column_away_from_a_guessed_role() -> None:
    rep = load_interactions(b"user,item,score,rating\n1,2,3,4\n", name="m.csv", mapping={"rating": "score"})
    assert rep.mapping == {"user": "user", "item": "item", "rating": "score"}


def test_recbole_mapping_may_name_typed_columns() -> None:
    rep = load_interactions(FIXTURES / "recbole.inter", mapping={"rating": "rating:float"})
    assert rep.mapping["rating"] == "rating"


def test_missing_required_column_names_file_and_role() -> None:
    with pytest.raises(DataError) as info:
        load_interactions(FIXTURES / "missing_item_column.csv")
    msg = str(info.value)
    assert (
        "missing_item_column.csv" in msg and "no item column" in msg and "user_id, rating, timestamp" in msg
    )
    assert info.value.code == "missing_column" and info.value.params["role"] == "item"  # type: ignore[attr-defined]


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        guess_mapping(["a"], "ratings")  # type: ignore[arg-type]
