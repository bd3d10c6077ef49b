"""core.data.ingest: every reader path, every bad input, exact problem rows and reasons, no good row lost."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.data.ingest import (
    IngestError,
    LoadReport,
    NothingLoadedError,
    Problem,
    guess_mapping,
    load_dataset,
    load_interactions,
    load_items,
    load_user_tags,
    read_table,
)
from core.data.dataset import INTERACTION_COLUMNS, Dataset
from core.common.errors import DataError

FIXTURES = Path(__file__).parents[1] / "fixtures"
NOW = 1_750_000_000.0  # a fixed "now" (June 2025) so future-date tests do not age


def codes(report: LoadReport) -> list[tuple[int, str, str]]:
    """(row, column, code) of every problem, in report order."""
    return [(p.row, p.column, p.code) for p in report.problems]


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


# --- formats and delimiters -------------------------------------------------------------------------


def test_plain_csv_loads_canonical_frame() -> None:
    rep = load_interactions(
        csv_bytes("userId,movieId,rating,timestamp\n1,10,4.5,964982703\n2,11,3,964982704\n"), name="r.csv"
    )
    assert rep.rows_total == 2 and rep.rows_loaded == 2 and rep.rows_rejected == 0 and rep.problems == []
    assert rep.mapping == {"user": "userId", "item": "movieId", "rating": "rating", "timestamp": "timestamp"}
    assert list(rep.frame.columns) == list(INTERACTION_COLUMNS)
    assert rep.frame["user_id"].tolist() == ["1", "2"] and rep.frame["item_id"].tolist() == ["10", "11"]
    assert rep.frame["rating"].dtype == np.float64 and rep.frame["rating"].tolist() == [4.5, 3.0]
    assert rep.frame["timestamp"].tolist() == [964982703.0, 964982704.0]
    assert rep.frame["event"].tolist() == ["", ""]
    assert (rep.file_format, rep.encoding, rep.delimiter) == ("csv", "utf-8", ",")


@pytest.mark.parametrize("delimiter", ["\t", ";", "|", ","])
def test_delimiters_are_sniffed(delimiter: str) -> None:
    text = (
        delimiter.join(["user", "item", "rating"])
        + "\n"
        + "\n".join(delimiter.join([str(u), f"i{u}", "3"]) for u in range(20))
        + "\n"
    )
    rep = load_interactions(text.encode(), name="x.txt")
    assert rep.delimiter == delimiter
    assert rep.rows_loaded == 20 and rep.frame["item_id"].iloc[3] == "i3"


def test_ids_keep_leading_zeros_and_values_with_commas_in_quotes() -> None:
    rep = load_interactions(b'user,item\n007,"a, b"\n0008,"x ""quoted"" y"\n', name="q.csv")
    assert rep.frame["user_id"].tolist() == ["007", "0008"]
    assert rep.frame["item_id"].tolist() == ["a, b", 'x "quoted" y']
    assert rep.frame["rating"].tolist() == [1.0, 1.0]  # no rating column: implicit weight 1.0


def test_double_colon_headerless_movielens_1m_style() -> None:
    rep = load_interactions(b"1::1193::5::978300760\n1::661::3::978302109\n", name="ratings.dat")
    assert rep.delimiter == "::"
    assert rep.mapping == {
        "user": "column_1",
        "item": "column_2",
        "rating": "column_3",
        "timestamp": "column_4",
    }
    assert rep.frame["item_id"].tolist() == ["1193", "661"]
    assert rep.frame["rating"].tolist() == [5.0, 3.0]


def test_headerless_tab_file_rows_start_at_line_one() -> None:
    rep = load_interactions(b"196\t242\t3\t881250949\n186\t302\t-3\t891717742\n", name="u.data")
    assert rep.delimiter == "\t" and rep.rows_loaded == 1
    assert codes(rep) == [(2, "column_3", "rating_negative")]


def test_wrong_delimiter_rows_are_rejected_with_exact_lines_and_good_rows_kept() -> None:
    rep = load_interactions(FIXTURES / "wrong_delimiter.csv")
    assert rep.rows_total == 4
    assert rep.frame["user_id"].tolist() == ["1", "4"]
    assert codes(rep) == [(3, "", "bad_field_count"), (4, "", "bad_field_count")]
    assert rep.problems[0].value == "2;11;3"
    assert rep.problems[0].reason == "row has 1 fields but the header has 3"
    assert rep.problems[1].value == "3,12,5,extra"
    rejected = rep.rejected
    assert rejected["line"].tolist() == [3, 4]
    assert rejected["raw"].tolist() == ["2;11;3", "3,12,5,extra"]


def test_semicolon_file_with_comma_decimals_in_quotes_is_not_confused() -> None:
    rep = load_interactions(b'user;item;title\n1;10;"Hello, world"\n2;11;"a, b, c"\n', name="eu.csv")
    assert rep.delimiter == ";" and rep.rows_loaded == 2


def test_quoted_newlines_and_blank_lines_keep_exact_line_numbers() -> None:
    data = b'user,item,rating\n\n1,"multi\nline item",4\n\n2,20,oops\r\n3,30,5\n'
    rep = load_interactions(data, name="q.csv")
    assert rep.frame["item_id"].tolist() == ["multi\nline item", "30"]
    assert codes(rep) == [(6, "rating", "rating_not_numeric")]


def test_blank_lines_without_quotes_keep_exact_line_numbers() -> None:
    rep = load_interactions(b"\n\nuser,item,rating\r\n1,2,3\r\n\r\n4,5,x\r\n", name="b.csv")
    assert codes(rep) == [(6, "rating", "rating_not_numeric")]
    assert rep.rejected["line"].tolist() == [6]


def test_recbole_atomic_files() -> None:
    inter = load_interactions(FIXTURES / "recbole.inter")
    assert inter.file_format == "recbole" and inter.delimiter == "\t"
    assert inter.mapping == {
        "user": "user_id",
        "item": "item_id",
        "rating": "rating",
        "timestamp": "timestamp",
    }
    assert inter.frame["rating"].tolist() == [4.0, 3.0]
    items = load_items(FIXTURES / "recbole.item")
    assert items.mapping["title"] == "movie_title" and items.mapping["year"] == "release_year"
    row = items.frame.iloc[0]
    assert row["title"] == "Toy Story" and row["year"] == 1995.0
    # "class:token_seq" is a space-separated genre list: tags, first one = category
    assert row["tags"] == ("Animation", "Children", "Comedy") and row["category"] == "Animation"


def test_recbole_mapping_may_name_typed_columns() -> None:
    rep = load_interactions(FIXTURES / "recbole.inter", mapping={"rating": "rating:float"})
    assert rep.mapping["rating"] == "rating"


def test_parquet(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "user_id": [1, 2, None, 4],
            "item_id": ["a", "b", "c", "d"],
            "rating": [4.5, float("inf"), 3.0, -2.0],
            "time": pd.to_datetime(
                ["2020-01-01 00:00", "2021-06-01 12:00", "2022-01-01 00:00", "2023-01-01 00:00"]
            ),
        }
    )
    path = tmp_path / "inter.parquet"
    frame.to_parquet(path)
    rep = load_interactions(path)
    assert rep.file_format == "parquet"
    assert rep.frame["user_id"].tolist() == ["1"]  # float ids with nulls print without ".0"
    assert rep.frame["timestamp"].tolist() == [pd.Timestamp("2020-01-01", tz="UTC").timestamp()]
    # Parquet rows are numbered as the same table saved as CSV would be (header = line 1)
    assert codes(rep) == [
        (3, "rating", "rating_infinite"),
        (4, "user_id", "missing_id"),
        (5, "rating", "rating_negative"),
    ]


def test_parquet_items_with_list_tags(tmp_path: Path) -> None:
    path = tmp_path / "items.parquet"
    pd.DataFrame({"item": ["a", "b"], "title": ["A", "B"], "tags": [["x", "y"], []]}).to_parquet(path)
    rep = load_items(path)
    assert rep.frame["tags"].tolist() == [("x", "y"), ()]


def test_json_lines_with_a_broken_line() -> None:
    rep = load_interactions(FIXTURES / "events.jsonl")
    assert rep.file_format == "jsonl"
    assert rep.mapping == {"user": "user", "item": "item", "timestamp": "ts", "event": "event"}
    assert rep.frame["event"].tolist() == ["click", "buy"]
    assert rep.frame["timestamp"].tolist() == [1704103200.0, 1704103200.0]
    assert codes(rep) == [(3, "", "bad_json"), (4, "item", "missing_id")]
    assert rep.rows_total == 4 and rep.rows_rejected == 2


def test_json_array_of_objects() -> None:
    data = json.dumps(
        [{"user": 1, "item": "x", "rating": 2.5}, {"user": 2, "item": "y", "rating": None}]
    ).encode()
    rep = load_interactions(data, name="a.json")
    assert rep.file_format == "json" and rep.frame["user_id"].tolist() == ["1"]
    assert codes(rep) == [(3, "rating", "rating_missing")]


def test_dataframe_source() -> None:
    rep = load_interactions(pd.DataFrame({"user": [1, 2], "item": ["a", "b"], "score": [1.0, 2.0]}))
    assert rep.file_format == "frame" and rep.frame["rating"].tolist() == [1.0, 2.0]


def test_file_like_source_uses_its_name() -> None:
    buf = io.BytesIO(b"user,item\n1,2\n")
    buf.name = "upload.csv"
    assert load_interactions(buf).name == "upload.csv"


# --- encodings ----------------------------------------------------------------------------------


def test_gbk_chinese_file_is_detected() -> None:
    rep = load_interactions(FIXTURES / "chinese_gbk.csv", now=NOW)
    assert rep.encoding == "gbk"
    assert rep.mapping == {"user": "用户ID", "item": "物品ID", "rating": "评分", "timestamp": "时间"}
    assert rep.frame["user_id"].tolist() == ["张三", "李四"]
    assert rep.frame["item_id"].tolist() == ["电影一", "电影二"]
    assert rep.frame["timestamp"].tolist() == [
        pd.Timestamp("2024-03-05", tz="UTC").timestamp(),
        pd.Timestamp("2024-03-06 10:00", tz="UTC").timestamp(),
    ]


def test_gb18030_only_characters_are_detected() -> None:
    text = "用户,物品\n甲,𠀀字\n乙,中文\n"  # U+20000 exists in GB18030 but not in GBK
    rep = load_interactions(text.encode("gb18030"), name="x.csv")
    assert rep.encoding == "gb18030"
    assert rep.frame["item_id"].tolist() == ["𠀀字", "中文"]


def test_utf8_bom_header_is_clean() -> None:
    rep = load_interactions(FIXTURES / "chinese_utf8_bom.csv")
    assert rep.encoding == "utf-8-sig"
    assert rep.mapping == {"user": "用户", "item": "商品", "rating": "分数"}
    assert rep.frame["user_id"].tolist() == ["u1", "u2"]


def test_utf16_with_bom_excel_unicode_text() -> None:
    rep = load_interactions("user\titem\n1\t文\n".encode("utf-16"), name="excel.txt")
    assert rep.encoding == "utf-16" and rep.frame["item_id"].tolist() == ["文"]


def test_latin1_file_falls_back_to_detection() -> None:
    rep = load_interactions("user,item\nJosé,Café crème\nRené,Crêpe\n".encode("latin-1"), name="l.csv")
    assert rep.frame["user_id"].tolist() == ["José", "René"]


# --- files that are not tables --------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\r\n  ", b"\xef\xbb\xbf"])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(DataError, match=r"empty\.csv is empty") as info:
        load_interactions(data, name="empty.csv")
    assert isinstance(info.value, IngestError) and info.value.code == "empty_file"


def test_empty_fixture_file_names_the_file() -> None:
    with pytest.raises(DataError, match=r"empty\.csv"):
        read_table(FIXTURES / "empty.csv")


@pytest.mark.parametrize("data", [b"user_id,item_id,rating,timestamp\n", b"user,item", b"user,item\r\n\r\n"])
def test_header_only(data: bytes) -> None:
    with pytest.raises(DataError, match="header but no data rows") as info:
        load_interactions(data, name="h.csv")
    assert info.value.code == "no_rows"  # type: ignore[attr-defined]


def test_header_only_fixture() -> None:
    with pytest.raises(DataError, match=r"header_only\.csv"):
        load_interactions(FIXTURES / "header_only.csv")


@pytest.mark.parametrize(
    "data",
    [
        bytes((i * 37 + 11) % 256 for i in range(2048)),
        b"\x89PNG\r\n\x1a\n" + bytes(100),
        b"PK\x03\x04" + bytes(200),
        b"\x1f\x8b\x08\x00" + bytes(50),
        b"abc\x00def\x00",
    ],
)
def test_binary_garbage(data: bytes) -> None:
    with pytest.raises(DataError, match=r"binary|not a text table") as info:
        load_interactions(data, name="garbage.csv")
    assert info.value.code == "binary_file"  # type: ignore[attr-defined]


def test_binary_fixture() -> None:
    with pytest.raises(DataError, match=r"binary_garbage\.csv"):
        load_interactions(FIXTURES / "binary_garbage.csv")


def test_missing_required_column_names_file_and_role() -> None:
    with pytest.raises(DataError) as info:
        load_interactions(FIXTURES / "missing_item_column.csv")
    msg = str(info.value)
    assert (
        "missing_item_column.csv" in msg and "no item column" in msg and "user_id, rating, timestamp" in msg
    )
    assert info.value.code == "missing_column" and info.value.params["role"] == "item"  # type: ignore[attr-defined]


def test_unclosed_quote_is_refused_instead_of_swallowing_rows() -> None:
    with pytest.raises(DataError, match=r"line 2.*never closed"):
        load_interactions(FIXTURES / "unclosed_quote.csv")


def test_missing_file() -> None:
    with pytest.raises(DataError, match="not found"):
        read_table("/nonexistent/ratings.csv")


def test_excel_sheet_has_a_helpful_message() -> None:
    with pytest.raises(DataError, match="Excel"):
        read_table(b"PK\x03\x04rest-of-zip", name="book.xlsx")


def test_parser_errors_are_wrapped(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1 this is not parquet PAR1")
    with pytest.raises(DataError, match=r"bad\.parquet"):
        read_table(path)


# --- row validation: exact problems ---------------------------------------------------------------


def test_bad_ratings_each_with_reason() -> None:
    rep = load_interactions(FIXTURES / "bad_ratings.csv")
    assert rep.frame["user_id"].tolist() == ["1", "8"]
    assert codes(rep) == [
        (3, "rating", "rating_infinite"),
        (4, "rating", "rating_negative"),
        (5, "rating", "rating_too_large"),
        (6, "rating", "rating_nan"),
        (7, "rating", "rating_not_numeric"),
        (8, "rating", "rating_missing"),
    ]
    assert [p.value for p in rep.problems] == ["inf", "-1", "5000000", "NaN", "four", ""]
    assert rep.problems[0].reason == "rating is infinite"


@pytest.mark.parametrize(
    "value,code",
    [
        ("-inf", "rating_infinite"),
        ("1e400", "rating_infinite"),
        ("Infinity", "rating_infinite"),
        ("-0.5", "rating_negative"),
        ("1000001", "rating_too_large"),
        ("nan", "rating_nan"),
        ("null", "rating_missing"),
        ('"4,5"', "rating_not_numeric"),
        ("五", "rating_not_numeric"),
    ],
)
def test_single_bad_rating(value: str, code: str) -> None:
    rep = load_interactions(f"u,i,rating\n1,2,3\n1,3,{value}\n".encode(), name="r.csv")
    assert codes(rep) == [(3, "rating", code)] and rep.rows_loaded == 1


def test_zero_and_large_but_allowed_ratings_load() -> None:
    rep = load_interactions(b"u,i,rating\n1,2,0\n1,3,1000000\n1,4, 2.5 \n", name="r.csv")
    assert rep.frame["rating"].tolist() == [0.0, 1e6, 2.5] and not rep.problems


def test_nan_and_missing_ids() -> None:
    rep = load_interactions(FIXTURES / "bad_ids.csv")
    assert rep.frame["user_id"].tolist() == ["1", "5"]
    assert codes(rep) == [
        (3, "user", "missing_id"),
        (4, "user", "missing_id"),
        (5, "item", "missing_id"),
        (6, "item", "missing_id"),
    ]
    assert [p.reason for p in rep.problems] == ["user id is missing"] * 2 + ["item id is missing"] * 2


def test_mixed_types() -> None:
    rep = load_interactions(FIXTURES / "mixed_types.csv")
    assert rep.frame["user_id"].tolist() == ["1", "alice", "4.0"]
    assert rep.frame["item_id"].tolist() == ["10", "item-7", "13"]
    assert rep.frame["rating"].tolist() == [4.0, 3.5, 1.0]
    assert codes(rep) == [(4, "rating", "rating_not_numeric"), (5, "rating", "rating_missing")]


def test_timestamps_formats_and_rejections() -> None:
    rep = load_interactions(FIXTURES / "bad_timestamps.csv", now=NOW)
    assert rep.frame["user_id"].tolist() == ["1", "6", "7"]
    assert rep.frame["timestamp"].tolist() == [
        964982703.0,
        1700000000.0,
        pd.Timestamp("2024-03-05", tz="UTC").timestamp(),
    ]
    assert codes(rep) == [
        (3, "timestamp", "timestamp_before_1970"),
        (4, "timestamp", "timestamp_before_1970"),
        (5, "timestamp", "timestamp_future"),
        (6, "timestamp", "timestamp_unparseable"),
    ]
    assert rep.problems[2].reason == "timestamp is in the future"


def test_future_is_now_plus_one_day() -> None:
    rep = load_interactions(
        f"u,i,t\n1,1,{NOW + 3600:.0f}\n1,2,{NOW + 2 * 86400:.0f}\n".encode(), name="t.csv", now=NOW
    )
    assert codes(rep) == [(3, "t", "timestamp_future")]


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
        ("", float("nan")),
    ],
)
def test_timestamp_parsing(value: str, expected: float) -> None:
    rep = load_interactions(f"u,i,time\n1,2,{value}\n".encode(), name="t.csv")
    got = rep.frame["timestamp"].iloc[0]
    assert (np.isnan(got) and np.isnan(expected)) or got == pytest.approx(expected)


def test_exact_duplicates_point_to_the_first_row() -> None:
    data = b"u,i,r,t\n1,2,4,100000\n1,2,5,100000\n1,2,4,100001\n3,4,1,\n3,4,2,\n1,2,4,100000\n"
    rep = load_interactions(data, name="d.csv")
    assert rep.frame["rating"].tolist() == [4.0, 4.0, 1.0]
    assert codes(rep) == [(3, "u", "duplicate"), (6, "u", "duplicate"), (7, "u", "duplicate")]
    assert [p.ref_row for p in rep.problems] == [2, 5, 2]
    assert rep.problems[0].reason == "duplicate of line 2 (same user, item and timestamp)"


def test_duplicates_are_judged_on_cleaned_values_and_bad_rows_do_not_count() -> None:
    rep = load_interactions(b"u,i,r\n1,2,x\n 1 ,2,3\n1, 2,4\n", name="d.csv")
    assert codes(rep) == [(2, "r", "rating_not_numeric"), (4, "u", "duplicate")]
    assert rep.problems[1].ref_row == 3


def test_event_type_is_part_of_the_duplicate_key() -> None:
    rep = load_interactions(b"u,i,t,action\n1,2,100,view\n1,2,100,buy\n", name="e.csv")
    assert rep.rows_loaded == 2 and rep.frame["event"].tolist() == ["view", "buy"]


def test_unknown_items_when_an_item_table_is_given() -> None:
    rep = load_interactions(b"u,i\n1,a\n1,zz\n2,b\n", name="u.csv", known_items={"a", "b"})
    assert codes(rep) == [(3, "i", "unknown_item")] and rep.frame["item_id"].tolist() == ["a", "b"]


def test_every_problem_of_a_row_is_reported_and_the_row_rejected_once() -> None:
    rep = load_interactions(b"u,i,r,t\n,,x,yesterday\n1,2,3,4\n", name="m.csv")
    assert codes(rep) == [
        (2, "u", "missing_id"),
        (2, "i", "missing_id"),
        (2, "r", "rating_not_numeric"),
        (2, "t", "timestamp_unparseable"),
    ]
    assert rep.rows_rejected == 1
    assert rep.rejected["reason"].iloc[0] == (
        "user id is missing; item id is missing; rating is not a number; "
        "timestamp is neither a date nor a Unix time"
    )


def test_long_values_are_truncated_to_200_chars() -> None:
    rep = load_interactions(f"u,i,r\n1,2,{'x' * 500}\n".encode(), name="l.csv")
    assert len(rep.problems[0].value) == 200


def test_rejected_csv_is_excel_friendly_and_complete() -> None:
    rep = load_interactions(FIXTURES / "bad_ratings.csv")
    data = rep.rejected_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == ["user", "item", "rating", "line", "reason"]
    assert back["line"].tolist() == ["3", "4", "5", "6", "7", "8"]
    assert back["rating"].tolist() == ["inf", "-1", "5000000", "NaN", "four", ""]
    assert back["reason"].iloc[0] == "rating is infinite"


def test_problem_to_dict_has_the_contract_fields() -> None:
    d = Problem(3, "rating", "x", "rating is not a number", "rating_not_numeric").to_dict()
    assert {"row", "column", "value", "reason"} <= set(d) and d["code"] == "rating_not_numeric"


def test_whitespace_around_cells_is_trimmed() -> None:
    rep = load_interactions(b"user , item ,rating\n  u1 ,\ti1\t, 4 \n", name="w.csv")
    assert rep.mapping == {"user": "user", "item": "item", "rating": "rating"}
    assert rep.frame.iloc[0][["user_id", "item_id", "rating"]].tolist() == ["u1", "i1", 4.0]


# --- no good row is lost ------------------------------------------------------------------------


def test_200k_rows_with_scattered_bad_rows() -> None:
    rng = np.random.default_rng(7)
    n = 200_000
    users = rng.integers(0, 5000, n)
    items = rng.integers(0, 20000, n)
    ratings = rng.integers(1, 11, n) / 2
    stamps = 1_000_000_000 + np.arange(n)  # distinct, so no accidental duplicates
    lines = [f"{u},{i},{r},{t}" for u, i, r, t in zip(users, items, ratings, stamps, strict=True)]
    bad = {17: "17,1,abc,1000000017", 5000: ",5,3,1000005000", 199_999: "9,9,-4,1000199999"}
    for pos, line in bad.items():
        lines[pos] = line
    data = ("user_id,item_id,rating,timestamp\n" + "\n".join(lines) + "\n").encode()
    rep = load_interactions(data, name="big.csv", now=NOW)
    assert rep.rows_total == n and rep.rows_loaded == n - 3 and rep.rows_rejected == 3
    assert [p.row for p in rep.problems] == [19, 5002, 200_001]
    good = np.ones(n, bool)
    good[list(bad)] = False
    assert rep.frame["timestamp"].to_numpy().astype(np.int64).tolist() == stamps[good].tolist()


def test_counts_add_up_on_every_fixture() -> None:
    for path in [*sorted(FIXTURES.glob("*.csv")), FIXTURES / "events.jsonl"]:
        try:
            rep = load_interactions(path, now=NOW)
        except DataError:
            continue
        assert rep.rows_loaded + rep.rows_rejected == rep.rows_total, path.name
        assert sorted(rep.rejected["line"].tolist()) == sorted({p.row for p in rep.problems}), path.name


# --- items ----------------------------------------------------------------------------------------


def test_items_html_kept_as_data_and_tags_split() -> None:
    rep = load_items(FIXTURES / "items_html.csv")
    assert rep.frame["title"].iloc[0] == "<script>alert(1)</script>Evil"
    assert rep.frame["description"].iloc[0] == "<b>bold</b> text"
    assert rep.frame["tags"].tolist() == [("a", "b"), ("c", "d", "e")]


def test_item_tags_split_on_every_separator_and_deduplicated() -> None:
    rep = load_items('物品,标签\n1,"科幻、太空，冒险|科幻; space,  drama "\n'.encode(), name="i.csv")
    assert rep.frame["tags"].iloc[0] == ("科幻", "太空", "冒险", "space", "drama")


def test_movielens_style_genres_year_from_title() -> None:
    data = (
        b'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n2,"City, The (2001) ",Drama\n'
        b"3,No Year,(no genres listed)\n"
    )
    rep = load_items(data, name="movies.csv")
    frame = rep.frame
    assert rep.mapping == {"item": "movieId", "title": "title", "genres": "genres"}
    assert frame["tags"].tolist() == [("Adventure", "Animation"), ("Drama",), ()]
    assert frame["category"].tolist() == ["Adventure", "Drama", ""]
    assert frame["year"].iloc[:2].tolist() == [1995.0, 2001.0] and np.isnan(frame["year"].iloc[2])


def test_items_duplicate_and_missing_ids() -> None:
    rep = load_items(b"id,title\nA,first\n,none\nA,second\nB,b\n", name="i.csv")
    assert rep.frame["title"].tolist() == ["first", "b"]
    assert codes(rep) == [(3, "id", "missing_id"), (4, "id", "duplicate_item")]
    assert rep.problems[1].ref_row == 2


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


def test_item_without_title_falls_back_to_english_title_then_id() -> None:
    rep = load_items(b"item,title_en\na,Alpha\nb,\n", name="i.csv")
    ds = Dataset.from_frames(
        "x",
        pd.DataFrame(
            {"user_id": ["u"], "item_id": ["a"], "rating": [1.0], "timestamp": [np.nan], "event": [""]}
        ),
        rep.frame,
    )
    assert ds.items["title"].tolist() == ["Alpha", "b"]


# --- mapping ------------------------------------------------------------------------------------


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


# --- datasets, user tags, pseudonymisation ------------------------------------------------------


def test_load_dataset_with_items_and_unknown_items() -> None:
    ds, inter, items = load_dataset(
        b"u,i,r\n1,a,5\n2,b,3\n2,zz,1\n", b"id,title\na,Alpha\nb,Beta\nc,Gamma\n", name="ds"
    )
    assert isinstance(ds, Dataset) and items is not None
    assert ds.n_users == 2 and ds.n_items == 3 and len(ds.interactions) == 2
    assert codes(inter) == [(4, "i", "unknown_item")]
    assert ds.meta["rows_rejected"] == 1


def test_load_dataset_nothing_loaded_keeps_the_reports() -> None:
    with pytest.raises(NothingLoadedError) as info:
        load_dataset(b"u,i,r\n1,2,x\n3,4,y\n", name="bad")
    err = info.value
    assert isinstance(err, DataError) and err.code == "nothing_loaded"
    assert "all 2 were rejected" in str(err) and "line 2" in str(err)
    assert [len(r.problems) for r in err.reports] == [2]


def test_load_dataset_all_items_bad() -> None:
    with pytest.raises(NothingLoadedError, match=r"items\.csv"):
        load_dataset(b"u,i\n1,2\n", io_named(b"id,title\n,x\n", "items.csv"), name="x")


def io_named(data: bytes, name: str) -> io.BytesIO:
    buf = io.BytesIO(data)
    buf.name = name
    return buf


def test_user_tags() -> None:
    rep = load_user_tags(
        b"userId,movieId,tag,timestamp\n1,10,funny,1445714994\n2,11,,1445714995\n3,99,x,1\n",
        name="tags.csv",
        known_items={"10", "11"},
    )
    assert rep.frame.to_dict("list") == {
        "user_id": ["1"],
        "item_id": ["10"],
        "tag": ["funny"],
        "timestamp": [1445714994.0],
    }
    assert codes(rep) == [(3, "tag", "tag_missing"), (4, "movieId", "unknown_item")]


def test_pseudonymisation_replaces_user_ids_everywhere() -> None:
    key = "s3cret"
    data = b"user,item,rating\nalice,1,4\nbob,2,x\nalice,3,5\n"
    rep = load_interactions(data, name="p.csv", pseudonymise_key=key)
    expected = hmac.new(key.encode(), b"alice", hashlib.sha256).hexdigest()[:16]
    assert rep.frame["user_id"].tolist() == [expected, expected]
    assert "bob" not in rep.rejected_csv().decode("utf-8-sig")
    ds, _, _ = load_dataset(data, name="p", pseudonymise_key=key)
    assert list(ds.user_ids) == [expected] and ds.meta["pseudonymised"] is True
    other = load_interactions(data, name="p.csv", pseudonymise_key="other")
    assert other.frame["user_id"].iloc[0] != expected


# --- bilingual demo files (written by scripts/make_bilingual.py) ------------------------------------


def test_bilingual_files_map_and_load_cleanly() -> None:
    root = Path(__file__).parents[2] / "data" / "bilingual"
    if not (root / "interactions.csv").exists():
        pytest.skip("bilingual demo files not generated")
    _, inter, items = load_dataset(root / "interactions.csv", root / "items.csv", name="bi")
    assert inter.mapping == {
        "user": "用户ID",
        "item": "物品ID",
        "rating": "评分",
        "timestamp": "时间",
        "event": "行为",
    }
    assert items is not None and items.mapping["title_en"] == "英文标题"
    assert inter.rows_rejected == 0 and items.rows_rejected == 0
    gbk = load_items(root / "items_gbk.csv")
    assert gbk.encoding in ("gbk", "gb18030")
    pd.testing.assert_frame_equal(gbk.frame, items.frame)


# --- property: anything either loads or raises DataError ------------------------------------------

_TOKENS = [
    *'abc123,;\t|"\n\r :.-用户物品评分时间年月日\x00\ufeff',
    "user",
    "item",
    "rating",
    "NaN",
    "inf",
    "2024-01-01",
    "\n",
]
CSVISH = st.lists(st.sampled_from(_TOKENS), max_size=120).map("".join)


def _either_loads_or_data_error(data: bytes) -> None:
    try:
        ds, rep, _ = load_dataset(data, name="fuzz.csv")
    except DataError as exc:
        assert str(exc)
        return
    assert rep.rows_loaded + rep.rows_rejected == rep.rows_total
    assert len(ds.interactions) == rep.rows_loaded > 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_load_or_raise_data_error(data: bytes) -> None:
    _either_loads_or_data_error(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CSVISH, st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]))
def test_random_csv_like_text_loads_or_raises_data_error(text: str, encoding: str) -> None:
    _either_loads_or_data_error(text.encode(encoding, errors="replace"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["1", "2", "", "x", " 3 "]),
            st.sampled_from(["a", "b", "", "NaN"]),
            st.sampled_from(["4", "-1", "inf", "", "abc", "2.5", "nan"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_good_rows_are_never_lost(rows: list[tuple[str, str, str]]) -> None:
    data = ("user,item,rating\n" + "\n".join(",".join(r) for r in rows) + "\n").encode()
    try:
        rep = load_interactions(data, name="p.csv")
    except DataError:
        assert all(not "".join(r).strip(",") for r in rows)  # only an all-blank body may fail to parse
        return
    expected = []
    seen: set[tuple[str, str]] = set()
    for u, i, r in rows:
        u, i, r = u.strip(), i.strip(), r.strip()
        if u in ("", "NaN") or i in ("", "NaN"):
            continue
        try:
            value = float(r)
        except ValueError:
            continue
        if not np.isfinite(value) or value < 0 or (u, i) in seen:
            continue
        seen.add((u, i))
        expected.append((u, i, value))
    got = list(zip(rep.frame["user_id"], rep.frame["item_id"], rep.frame["rating"], strict=True))
    assert got == expected
    assert rep.rows_loaded + rep.rows_rejected == rep.rows_total


# --- CLI: python -m core ingest ----------------------------------------------------------------------


def test_cli_ingest_movielens_style(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.cli.commands import main

    inter = tmp_path / "r.csv"
    inter.write_bytes(
        b"userId,movieId,rating,timestamp\n1,10,4,964982703\n1,11,x,964982704\n2,99,3,964982705\n"
    )
    items = tmp_path / "m.csv"
    items.write_bytes(b"movieId,title,genres\n10,A (1999),Drama\n11,B (2000),Comedy\n")
    rejected = tmp_path / "rejected.csv"
    code = main(["ingest", str(inter), "--items", str(items), "--rejected", str(rejected)])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (out["rows_loaded"], out["rows_rejected"], out["users"], out["items"]) == (1, 2, 1, 2)
    assert [(p["row"], p["column"], p["reason"]) for p in out["problems"]] == [
        (3, "rating", "rating is not a number"),
        (4, "movieId", "item is not in the item table"),
    ]
    assert {"row", "column", "value", "reason"} <= set(out["problems"][0])
    assert out["items_report"]["rows_loaded"] == 2
    assert rejected.read_bytes().startswith(b"\xef\xbb\xbf")


def test_cli_ingest_map_override(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.cli.commands import main

    inter = tmp_path / "x.csv"
    inter.write_bytes(b"a,b,c\n1,2,3\n")
    assert main(["ingest", str(inter), "--map", "user=a", "--map", "item=b", "--map", "rating=c"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["mapping"] == {"user": "a", "item": "b", "rating": "c"} and out["rows_loaded"] == 1


def test_cli_ingest_nothing_loaded_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.cli.commands import main

    inter = tmp_path / "bad.csv"
    inter.write_bytes(b"user,item,rating\n1,2,x\n")
    assert main(["ingest", str(inter)]) == 2
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["rows_loaded"] == 0 and out["rows_rejected"] == 1 and out["problems"][0]["row"] == 2
    assert "no usable rows" in captured.err


@pytest.mark.parametrize("name,content", [("empty.csv", b""), ("cols.csv", b"foo,bar\n1,2\n")])
def test_cli_ingest_unreadable_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes
) -> None:
    from core.cli.commands import main

    path = tmp_path / name
    path.write_bytes(content)
    assert main(["ingest", str(path)]) == 2
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["rows_loaded"] == 0 and out["problems"] == [] and name in out["error"]
    assert name in captured.err and "Traceback" not in captured.err


def test_cli_ingest_subprocess_real_movielens() -> None:
    import subprocess
    import sys

    root = Path(__file__).parents[2]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "core",
            "ingest",
            "data/ml-latest-small/ratings.csv",
            "--items",
            "data/ml-latest-small/movies.csv",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["rows_loaded"], out["rows_rejected"], out["users"], out["items"]) == (100_836, 0, 610, 9_742)


def test_cli_ingest_pseudonymises_from_an_environment_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.cli.commands import main

    inter = tmp_path / "p.csv"
    inter.write_bytes(b"user,item\nalice,1\n")
    assert main(["ingest", str(inter), "--pseudonymise-env", "IL_TEST_KEY"]) == 2  # variable not set
    capsys.readouterr()
    monkeypatch.setenv("IL_TEST_KEY", "k")
    assert main(["ingest", str(inter), "--pseudonymise-env", "IL_TEST_KEY"]) == 0
    out = capsys.readouterr().out
    assert "alice" not in out and json.loads(out)["users"] == 1
