"""core.data.rejects: malformed records kept compactly, the rejected-rows file (written in chunks, formulas
escaped, never half-written) and where it lives in the workspace."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from core.data.pseudonyms import user_hider
from core.data.rejects import (
    LINE,
    RAW,
    REASON,
    Malformed,
    RejectedWriter,
    default_max_kept,
    extra_names,
    new_rejected_path,
    prune_rejected,
    rejected_dir,
)
from core.data.report import IngestError


def _malformed(n: int, keep: int = 5) -> Malformed:
    bag = Malformed(keep=keep)
    for i in range(n):
        cells = [f"u{i}", f"i{i}", "4", "extra"]
        bag.add(10 + i, ",".join(cells), cells, "bad_field_count", found=4, expected=3)
    return bag


def test_malformed_records_are_counted_exactly_and_kept_as_problems_only_up_to_keep() -> None:
    bag = _malformed(20_000, keep=5)  # more than one Arrow chunk
    assert bag.count == 20_000 and len(bag.problems) == 5
    rows = bag.rejected(["user", "item", "rating"])
    assert rows is not None and rows.count == len(rows) == 20_000
    assert rows.lines().tolist() == list(range(10, 20_010))
    assert rows.code_counts() == {"bad_field_count": 20_000}
    assert rows.reason_counts() == {("bad_field_count", "", "row has 4 fields but the header has 3"): 20_000}
    assert Malformed().rejected(["a"]) is None


def test_malformed_rows_read_back_padded_or_cut_to_the_header() -> None:
    bag = Malformed()
    bag.add(2, "a,b,c,d", ["a", "b", "c", "d"], "bad_field_count", found=4, expected=3)
    bag.add(3, "a", ["a"], "bad_field_count", found=1, expected=3)
    bag.add(4, '{"user": "a"', [], "bad_json")
    rows = bag.rejected(["user", "item", "rating"])
    assert rows is not None
    cols = rows.columns(np.arange(3), None, with_raw=True)
    assert cols["user"] == ["a", "a", ""] and cols["item"] == ["b", "", ""] and cols["rating"] == ["c", "", ""]
    assert cols[RAW] == ["a,b,c,d", "a", '{"user": "a"'] and cols[LINE] == [2, 3, 4]
    problems = rows.problems(np.array([2]))
    assert problems[0].value == '{"user": "a"' and problems[0].code == "bad_json" and not problems[0].redacted


def test_malformed_rows_under_pseudonymisation() -> None:
    bag = Malformed()
    bag.add(2, "bob,1,4,x", ["bob", "1", "4", "x"], "bad_field_count", found=4, expected=3)
    bag.add(3, "bob,\x00,4", ["bob", "\u2400", "4"], "nul_byte", column="item")
    rows = bag.rejected(["user", "item", "rating"])
    hide = user_hider("user", "k")
    assert rows is not None and hide is not None
    cols = rows.columns(np.arange(2), hide, with_raw=True)
    assert cols["user"] == [hide.value("bob")] * 2
    assert cols["item"] == ["", "\u2400"] and cols["rating"] == ["", "4"]  # unsplittable record: cells blanked
    assert cols[RAW] == ["", ""]
    first, second = rows.problems(np.arange(2), hide)
    assert first.redacted and first.value == "" and not second.redacted and second.value == "\u2400"


def test_default_max_kept_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTERESTLENS_MAX_PROBLEMS", raising=False)
    assert default_max_kept() == 1000
    monkeypatch.setenv("INTERESTLENS_MAX_PROBLEMS", "25_000")
    assert default_max_kept() == 25_000 and Malformed().keep == 25_000
    for bad in ("0", "-5", "lots", "9" * 40, "2000000"):
        monkeypatch.setenv("INTERESTLENS_MAX_PROBLEMS", bad)
        assert default_max_kept() == 1000, bad


def test_extra_columns_never_take_a_name_the_file_uses() -> None:
    assert extra_names(["user", "item"]) == {RAW: "raw", LINE: "line", REASON: "reason"}
    assert extra_names(["line", "_line", "reason"]) == {RAW: "raw", LINE: "__line", REASON: "_reason"}


def test_writer_escapes_formulas_and_writes_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    with RejectedWriter(path, ["=user", "item", "line", "reason"], numeric=["line"]) as writer:
        writer.write({"=user": ["=HYPERLINK(1)", "-1"], "item": ["@SUM(A1)", "a,b"], "line": [2, 3],
                      "reason": ["x", "y"]})  # fmt: skip
        writer.write({"=user": [], "item": [], "line": [], "reason": []})
    assert writer.rows == 2
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == [
        "'=user,item,line,reason",
        "'=HYPERLINK(1),'@SUM(A1),2,x",
        '-1,"a,b",3,y',
    ]


def test_writer_leaves_no_half_written_file_and_reports_an_unwritable_path(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    with pytest.raises(KeyError), RejectedWriter(path, ["a", "b"]) as writer:
        writer.write({"a": ["1"]})  # column "b" missing
    assert not path.exists()
    with pytest.raises(IngestError) as info, RejectedWriter(tmp_path / "no" / "such" / "dir.csv", ["a"]):
        pass
    assert info.value.code == "rejected_unwritable" and "no/such/dir.csv" in str(info.value)


def test_rejected_files_live_in_the_workspace_and_old_ones_are_pruned(tmp_workspace: Path) -> None:
    old = new_rejected_path("old upload.csv")
    assert old.parent == tmp_workspace / "rejected" == rejected_dir()
    assert old.name.startswith("rejected-old_upload-") and old.suffix == ".csv"
    stale = time.time() - 2 * 86_400
    os.utime(old, (stale, stale))
    fresh = new_rejected_path("x.csv")  # creating one prunes files older than a day
    assert not old.exists() and fresh.exists()
    assert prune_rejected(max_age=0.0, now=time.time() + 10) == 1 and not fresh.exists()
