"""core.data.cells: trimming, numbers, timestamps and tag lists parsed from raw cells."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from core.data.cells import item_people, item_tags, parse_numbers, parse_timestamps, read_timestamps
from core.data.loaders import load_interactions, load_items


@pytest.mark.parametrize(
    "value,expected",
    [
        ("964982703", 964982703.0),
        ("964982703000", 964982703.0),  # milliseconds
        ("964982703000000", 964982703.0),  # microseconds
        ("2000-07-30T18:45:03Z", 964982703.0),
        ("2000-07-30 18:45:03", 964982703.0),
        ("2000-07-30T20:45:03+02:00", 964982703.0),
        ("2000年7月30日 18时45分03秒", 964982703.0),
        ("2000年7月30日", 964915200.0),
        ("20000730", 964915200.0),
        ("2000/07/30", 964915200.0),
    ],
)
def test_timestamp_parsing(value: str, expected: float) -> None:
    rep = load_interactions(f"u,i,time\n1,2,{value}\n".encode(), name="t.csv")
    got = rep.frame["timestamp"].iloc[0]
    assert got == pytest.approx(expected)  # (an empty cell rejects its row: tests/data/test_validation.py)


def test_whitespace_around_cells_is_trimmed() -> None:
    rep = load_interactions(b"user , item ,rating\n  u1 ,\ti1\t, 4 \n", name="w.csv")
    assert rep.mapping == {"user": "user", "item": "item", "rating": "rating"}
    assert rep.frame.iloc[0][["user_id", "item_id", "rating"]].tolist() == ["u1", "i1", 4.0]


def test_item_tags_split_on_every_separator_and_deduplicated() -> None:
    rep = load_items('物品,标签\n1,"科幻、太空，冒险|科幻; space,  drama "\n'.encode(), name="i.csv")
    assert rep.frame["tags"].iloc[0] == ("科幻", "太空", "冒险", "space", "drama")


def test_fullwidth_slash_splits_tags_but_keeps_a_bilingual_pair() -> None:
    tags, _ = item_tags(None, pa.array(["剧情／喜剧、爱情", "科幻／Sci-Fi", "24/7|AC/DC"], pa.large_string()), 3)
    assert tags.tolist() == [("剧情", "喜剧", "爱情"), ("科幻／Sci-Fi",), ("24/7", "AC/DC")]  # ASCII / is a tag's own


def test_item_people_split_at_every_separator_and_slashes() -> None:
    cells = ["周星驰|吴孟达、赵薇", "刘伟强 / 麦兆辉 / 刘德华", "张艺谋／章子怡", " 姜文 ,姜文; 葛优 ",
             "周星驰 / Stephen Chow|无", "克里斯托弗·诺兰 / Christopher Nolan / 马修·麦康纳", "", "-"]
    people = item_people(pa.array(cells, pa.large_string()), len(cells))
    assert people.tolist() == [
        ("周星驰", "吴孟达", "赵薇"),
        ("刘伟强", "麦兆辉", "刘德华"),  # Douban's " / "
        ("张艺谋", "章子怡"),
        ("姜文", "葛优"),  # trimmed, a director who also acts is listed once
        ("周星驰 / Stephen Chow",),  # one person, a Chinese and an English name; the placeholder dropped
        ("克里斯托弗·诺兰", "Christopher Nolan", "马修·麦康纳"),  # three sides: no pair to keep
        (),
        (),
    ]
    assert item_people(None, 2).tolist() == [(), ()]


def test_parse_numbers_masks() -> None:
    num = parse_numbers(pa.array(["1", "", "NaN", "x", "-2.5", "null", "+nan"], pa.large_string()))
    assert num.missing.tolist() == [False, True, True, False, False, True, False]
    assert num.nan_token.tolist() == [False, False, True, False, False, False, False]
    assert num.not_numeric.tolist() == [False, False, False, True, False, False, False]
    assert num.values[0] == 1.0 and num.values[4] == -2.5 and np.isnan(num.values[[1, 2, 3, 5, 6]]).all()


def test_item_tags_merge_genres_first_then_new_tags() -> None:
    genres = pa.array(["Drama|Comedy", "", "Drama|Comedy"], pa.large_string())
    tags = pa.array(["comedy;Drama;cosy", "x", ""], pa.large_string())
    merged, first = item_tags(genres, tags, 3)
    assert merged.tolist() == [("Drama", "Comedy", "comedy", "cosy"), ("x",), ("Drama", "Comedy")]
    assert first is not None and first.to_pylist() == ["Drama", "", "Drama"]
    only_tags, no_genre = item_tags(None, pa.array(["a b", "c"], pa.large_string()), 2, tags_seq=True)
    assert only_tags.tolist() == [("a", "b"), ("c",)] and no_genre is None
    assert item_tags(None, None, 2)[0].tolist() == [(), ()]


def test_read_timestamps_masks_and_notices() -> None:
    cells = pa.array(["964982703", "", "NaN", "yesterday", "13/01/2021", "01/13/2021", "14/01/2021"], pa.large_string())
    parsed = read_timestamps(cells, column="t", lines=lambda: np.arange(2, 9))
    assert parsed.missing.tolist() == [False, True, True, False, False, False, False]
    assert parsed.nan_token.tolist() == [False, False, True, False, False, False, False]
    assert parsed.unparseable.tolist() == [False, False, False, True, False, False, False]
    assert parsed.misordered.tolist() == [False, False, False, False, False, True, False]
    assert parsed.order == "dmy" and [n.code for n in parsed.notices] == ["dates_conflict"]
    assert parsed.seconds[0] == 964982703.0 and np.isnan(parsed.seconds[1:4]).all() and np.isnan(parsed.seconds[5])
    seconds, bad = parse_timestamps(cells)  # the short form: every present-but-unusable cell together
    assert bad.tolist() == [False, False, False, True, False, True, False]
    assert seconds[4] == parsed.seconds[4]
