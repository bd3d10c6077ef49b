"""core.data.jsonl: JSON Lines and JSON arrays decoded chunk by chunk within the budget."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.data import jsonl
from core.data.jsonl import read_json
from core.data.read_options import ReadOptions
from core.data.readers import read_table
from core.data.report import IngestError


def _lines(n: int, late_key_at: int = 25) -> bytes:
    rows = []
    for i in range(n):
        rec: dict[str, Any] = {"user": f"u{i}", "item": i, "score": i / 2}
        if i == late_key_at:
            rec["note"] = "late"
        rows.append(json.dumps(rec))
    return ("\n".join(rows) + "\n").encode()


def test_chunks_keep_columns_in_order_of_first_appearance_and_blank_the_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "CHUNK_ROWS", 10)
    data = b"\n" + _lines(35).replace(b'{"user": "u3"', b'not json\n{"user": "u3"', 1)
    raw = read_json(data, "e.jsonl", "utf-8", True, ReadOptions())
    assert raw is not None and raw.columns == ["user", "item", "score", "note"]
    assert raw.n_rows == 35 and raw.frame["note"].tolist() == [""] * 25 + ["late"] + [""] * 9
    assert raw.frame["score"].iloc[:3].tolist() == ["0", "0.5", "1"]
    lines = raw.line_numbers().tolist()
    assert lines[:5] == [2, 3, 4, 6, 7]  # a blank first line, a broken line 5
    assert [(p.row, p.code) for p in raw.parse_problems] == [(5, "bad_json")]


def test_json_lines_over_the_row_limit_are_refused_before_the_file_is_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "CHUNK_ROWS", 10)
    parsed = []
    original = json.loads

    def counting(text: str) -> Any:
        parsed.append(1)
        return original(text)

    monkeypatch.setattr(jsonl.json, "loads", counting)
    with pytest.raises(IngestError, match=r"events\.jsonl: more than 20 rows; the limit is 20 rows") as info:
        read_table(_lines(1000), name="events.jsonl", options=ReadOptions(max_rows=20))
    assert info.value.code == "too_many_rows"
    assert len(parsed) <= 30  # stopped at the first chunk over the limit, not at the end of the file


def test_a_json_array_is_read_object_by_object(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "CHUNK_ROWS", 4)
    doc = json.dumps([{"user": f"u{i}", "item": [i, i + 1]} for i in range(9)]).encode()
    raw = read_table(doc, name="a.json")
    assert raw.file_format == "json" and raw.n_rows == 9
    assert raw.frame["item"].iloc[2] == "2|3" and raw.line_numbers().tolist() == list(range(2, 11))
    with pytest.raises(IngestError, match="more than 5 rows"):
        read_table(doc, name="a.json", options=ReadOptions(max_rows=5))


@pytest.mark.parametrize(
    "doc,match",
    [(b"[]", "empty"), (b'[{"a": 1}, 2]', "array of objects"), (b'[{"a": 1} {"a": 2}]', "not valid JSON"),
     (b'[{"a": 1}] trailing', "not valid JSON")],
)
def test_bad_json_arrays_are_one_readable_error(doc: bytes, match: str) -> None:
    with pytest.raises(IngestError, match=match):
        read_table(doc, name="bad.json")


def test_text_that_only_starts_like_json_is_read_as_csv() -> None:
    raw = read_table(b"[user],[item]\nu1,i1\n", name="odd.csv")
    assert raw.file_format == "csv" and raw.columns == ["[user]", "[item]"]


def test_a_line_separator_inside_a_json_string_does_not_split_the_record() -> None:
    data = '{"user": "u1", "item": "a\u2028b"}\n{"user": "u2", "item": "c"}\n'.encode()
    raw = read_table(data, name="s.jsonl")
    assert raw.n_rows == 2 and raw.frame["item"].tolist() == ["a\u2028b", "c"] and not raw.parse_problems
