"""core.data.readers: sources, encodings, Parquet / JSON / frames, and files that are not tables."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from core.common.errors import DataError
from core.data.loaders import load_interactions, load_items
from core.data.read_options import ReadOptions
from core.data.readers import read_table, source_label
from core.data.report import IngestError
from tests.data.test_report import FIXTURES, NOW, codes
from tests.fixtures.hostile_files import junk_csv, nul_cell_csv, oversized_cell_csv

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
    assert codes(rep) == [(3, "", "bad_json"), (4, "item", "missing_id"), (4, "ts", "timestamp_missing")]
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


# --- a bad cell costs its row, not the file (issue 16) -----------------------------------------------


def test_a_nul_byte_in_one_cell_rejects_that_row_and_the_good_rows_load(tmp_path: Path) -> None:
    path = nul_cell_csv(tmp_path / "nul.csv", rows=300, nul_rows=(3, 50))
    rep = load_interactions(path)
    assert rep.rows_total == 300 and rep.rows_loaded == 298 and rep.rows_rejected == 2
    assert codes(rep) == [(5, "item", "nul_byte"), (52, "item", "nul_byte")]
    assert rep.problems[0].reason == "cell contains a NUL byte (binary data)"
    assert rep.problems[0].value == "u3,i\u2400i3,4,1600000003"  # the NUL shown as ␀
    assert rep.rejected["line"].tolist() == [5, 52] and rep.rejected["item"].tolist() == ["i\u2400i3", "i\u2400i0"]
    assert "\x00" not in rep.frame["item_id"].str.cat()


def test_a_nul_byte_in_a_non_utf8_file_costs_its_row_only() -> None:
    text = "用户,物品,评分\n" + "".join(f"张{i},电影{i},4\n" for i in range(40)) + "李,电\x00影,3\n"
    rep = load_interactions(text.encode("gbk"), name="gbk.csv")
    assert rep.encoding == "gbk" and rep.rows_loaded == 40 and codes(rep) == [(42, "物品", "nul_byte")]


@pytest.mark.parametrize("data", [b"u,i\n" + b"\x00\x01\x02\x03" * 400, b"u,i\n1,2\n" + bytes(range(32)) * 50])
def test_a_file_that_is_mostly_control_bytes_is_still_refused_as_binary(data: bytes) -> None:
    with pytest.raises(DataError) as info:
        read_table(data, name="b.csv")
    assert info.value.code == "binary_file"  # type: ignore[attr-defined]


def _line_of(path: Path, prefix: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text[: text.index("\n" + prefix)].count("\n") + 2


@pytest.mark.parametrize("ragged", [True, False])  # through the csv module / through pyarrow
def test_an_oversized_quoted_cell_rejects_its_row_with_its_line(tmp_path: Path, ragged: bool) -> None:
    path = oversized_cell_csv(tmp_path / "big.csv", rows=100, cell_bytes=200_000, big_row=5,
                              ragged_row=20 if ragged else -1)
    rep = load_interactions(path)
    expected = [(7, "comment", "cell_too_large")]
    if ragged:
        expected.append((_line_of(path, "u7,i20,"), "", "bad_field_count"))
    assert codes(rep) == expected
    assert rep.rows_loaded == 100 - len(expected)
    assert rep.problems[0].reason == "cell is 200,000 bytes, over the limit of 131,072 bytes"
    assert rep.rejected["comment"].iloc[0].endswith("… (200,000 bytes)")  # cut in the rejected row
    lines = dict(zip(rep.frame["item_id"], rep.frame.index, strict=True))
    assert "i5" not in lines and "i6" in lines


def test_the_cell_limit_is_a_setting(tmp_path: Path) -> None:
    rep = load_interactions(
        read_table(b"u,i,note\n1,a,short\n2,b,a bit too long\n", name="n.csv", options=ReadOptions(max_cell_bytes=10))
    )
    assert codes(rep) == [(3, "note", "cell_too_large")] and rep.rows_loaded == 1


def test_junk_lines_cost_their_rows_and_every_good_row_loads(tmp_path: Path) -> None:
    path, good = junk_csv(tmp_path / "junk.csv", size=300_000, good_every=50)
    rep = load_interactions(path)
    assert good > 50 and rep.rows_loaded == good
    assert rep.rows_loaded + rep.rows_rejected == rep.rows_total


# --- the budget while decoding ---------------------------------------------------------------------


def test_a_text_file_too_large_for_the_budget_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_bytes(b"u,i\n" + b"1,2\n" * 600_000)  # 2.4 MB
    with pytest.raises(IngestError, match=r"huge\.csv: the file is 2 MB, too large .* 1 MB") as info:
        read_table(path, options=ReadOptions(max_table_mb=1))
    assert info.value.code == "table_too_large"


def test_uploads_follow_the_deployment_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERESTLENS_MAX_ROWS", "5")
    with pytest.raises(IngestError, match="limit is 5 rows"):
        read_table(b"u,i\n" + b"1,2\n" * 6, name="upload.csv")
    assert read_table(b"u,i\n" + b"1,2\n" * 5, name="upload.csv").n_rows == 5


def test_frames_are_held_to_the_row_limit() -> None:
    with pytest.raises(IngestError, match=r"<frame>: 3 rows; the limit is 2"):
        read_table(pd.DataFrame({"u": [1, 2, 3]}), options=ReadOptions(max_rows=2))


def test_the_date_format_setting_travels_with_the_table() -> None:
    assert read_table(b"u,i\n1,2\n", name="d.csv", options=ReadOptions(date_format="dmy")).date_format == "dmy"


def test_many_nul_cells_in_valid_utf8_cost_their_rows_only() -> None:
    rows = "".join(f"u{i},{'i' + chr(0) if i % 2 else 'i'}{i},4\n" for i in range(200))  # ~4% NUL bytes
    rep = load_interactions(("u,i,r\n" + rows).encode(), name="many.csv")
    assert rep.rows_loaded == 100 and rep.rows_rejected == 100
    assert {p.code for p in rep.problems} == {"nul_byte"} and rep.problems[0].row == 3
