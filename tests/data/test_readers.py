"""core.data.readers: sources, encodings, Parquet / JSON / frames, and files that are not tables."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from core.common.errors import DataError
from core.data.loaders import load_interactions, load_items
from core.data.readers import read_table, source_label
from core.data.report import IngestError
from tests.data.test_report import FIXTURES, NOW, codes

# --- formats --------------------------------------------------------------------------------------


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


def test_source_labels() -> None:
    assert source_label(b"x") == "<upload>" and source_label(b"x", "a.csv") == "a.csv"
    assert source_label(Path("/tmp/r.csv")) == "r.csv" and source_label("/tmp/r.csv") == "r.csv"
    assert source_label(pd.DataFrame({"name": ["x"]})) == "<frame>"  # not the "name" column
    buf = io.BytesIO(b"")
    buf.name = "up.csv"
    assert source_label(buf) == "up.csv"


# --- encodings ------------------------------------------------------------------------------------


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
