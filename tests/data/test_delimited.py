"""core.data.delimited: delimiter sniffing, headers, exact line numbers, malformed and unclosed records."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from core.common.errors import DataError
from core.data import delimited
from core.data.dataset import INTERACTION_COLUMNS
from core.data.delimited import read_delimited, sniff_delimiter
from core.data.loaders import load_interactions, load_items
from core.data.read_options import ReadOptions
from core.data.report import IngestError
from tests.data.test_report import FIXTURES, codes, csv_bytes


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


@pytest.mark.parametrize("data", [b"user_id,item_id,rating,timestamp\n", b"user,item", b"user,item\r\n\r\n"])
def test_header_only(data: bytes) -> None:
    with pytest.raises(DataError, match="header but no data rows") as info:
        load_interactions(data, name="h.csv")
    assert info.value.code == "no_rows"  # type: ignore[attr-defined]


def test_header_only_fixture() -> None:
    with pytest.raises(DataError, match=r"header_only\.csv"):
        load_interactions(FIXTURES / "header_only.csv")


def test_unclosed_quote_is_refused_instead_of_swallowing_rows() -> None:
    with pytest.raises(DataError, match=r"line 2.*never closed"):
        load_interactions(FIXTURES / "unclosed_quote.csv")


def test_sniffer_prefers_the_extension_default_when_it_splits_as_well() -> None:
    lines = ["user\titem\ttitle", "1\t2\ta,b", "3\t4\tc,d"]
    assert sniff_delimiter(lines, ".tsv") == "\t"
    assert sniff_delimiter(["a::b::c", "1::2::3"], ".dat") == "::"
    assert sniff_delimiter(["just one column", "x"], ".csv") == ","


# --- the budget while decoding (issue 16) -----------------------------------------------------------


def _rows(n: int) -> bytes:
    return b"user,item,rating\n" + b"".join(b"u%d,i%d,%d\n" % (i % 97, i, 1 + i % 5) for i in range(n))


def test_more_lines_than_the_row_limit_are_streamed_and_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def whole_file(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the whole file was parsed at once")

    monkeypatch.setattr(delimited.pacsv, "read_csv", whole_file)
    monkeypatch.setattr(delimited, "_STREAM_BLOCK", 4096)  # many small blocks: stops at the first one over
    with pytest.raises(IngestError, match=r"r\.csv: more than 1,000 rows; the limit is 1,000 rows") as info:
        read_delimited(_rows(5000), "r.csv", "utf-8", ".csv", ReadOptions(max_rows=1000))
    assert info.value.code == "too_many_rows"


def test_records_not_lines_are_counted() -> None:
    data = b"user,item,note\n" + b"".join(b'u%d,i%d,"two\nlines"\n' % (i, i) for i in range(900))
    raw = read_delimited(data, "q.csv", "utf-8", ".csv", ReadOptions(max_rows=1000))  # 1,801 lines, 900 records
    assert raw.n_rows == 900 and raw.line_numbers()[:3].tolist() == [2, 4, 6]
    with pytest.raises(IngestError, match="more than 899 rows"):
        read_delimited(data, "q.csv", "utf-8", ".csv", ReadOptions(max_rows=899))


def test_the_byte_budget_is_checked_while_streaming() -> None:
    data = b"user,item,note\n" + b"".join(b"u%d,i%d,%s\n" % (i, i, b"x" * 500) for i in range(4000))  # 2 MB
    with pytest.raises(IngestError, match=r"its cells decode to more than 1 MB") as info:
        read_delimited(data, "w.csv", "utf-8", ".csv", ReadOptions(max_table_mb=1))
    assert info.value.code == "table_too_large"
    assert read_delimited(data, "w.csv", "utf-8", ".csv", ReadOptions(max_table_mb=3)).n_rows == 4000


def test_the_csv_module_path_keeps_the_budget_and_builds_arrow_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delimited, "_CHUNK_ROWS", 100)
    data = _rows(450) + b"bad,row,with,too,many\n"
    raw = read_delimited(data, "p.csv", "utf-8", ".csv", ReadOptions())
    assert raw.n_rows == 450 and raw.rows_total == 451 and raw.frame["item"].iloc[449] == "i449"
    assert raw.line_numbers()[-1] == 451 and [(p.row, p.code) for p in raw.parse_problems] == [(452, "bad_field_count")]
    with pytest.raises(IngestError, match="more than 300 rows"):
        read_delimited(data, "p.csv", "utf-8", ".csv", ReadOptions(max_rows=300))


def test_a_file_within_the_budget_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_streaming(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("streamed a file that fits")

    monkeypatch.setattr(delimited.pacsv, "open_csv", no_streaming)
    assert read_delimited(_rows(3000), "f.csv", "utf-8", ".csv", ReadOptions(max_rows=3000)).n_rows == 3000
