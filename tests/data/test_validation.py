"""core.data.validation: every rejection code with its exact line, duplicates, and no good row lost."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.common.errors import DataError
from core.data.loaders import load_interactions
from core.data.readers import read_table
from core.data.report import REASONS
from core.data.validation import Checks, build_report, duplicates
from tests.data.test_report import FIXTURES, NOW, codes


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


def test_exact_duplicates_point_to_the_first_row() -> None:
    data = b"u,i,r,t\n1,2,4,100000\n1,2,5,100000\n1,2,4,100001\n3,4,1,7e5\n3,4,2,7e5\n1,2,4,100000\n"
    rep = load_interactions(data, name="d.csv")
    assert rep.frame["rating"].tolist() == [4.0, 4.0, 1.0]
    assert codes(rep) == [(3, "u", "duplicate"), (6, "u", "duplicate"), (7, "u", "duplicate")]
    assert [p.ref_row for p in rep.problems] == [2, 5, 2]
    assert rep.problems[0].reason == "duplicate of line 2 (same user, item and timestamp)"


def test_without_a_timestamp_column_a_repeated_user_and_item_is_a_duplicate() -> None:
    rep = load_interactions(b"u,i,r\n3,4,1\n3,4,2\n", name="d.csv")
    assert codes(rep) == [(3, "u", "duplicate")] and rep.problems[0].ref_row == 2


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


def test_duplicates_compare_floats_with_nan_equal_and_skip_non_candidates() -> None:
    users = np.array([0, 0, 0, 1, 0], dtype=np.int64)
    stamps = np.array([np.nan, np.nan, 1.0, np.nan, np.nan])
    dup, ref = duplicates([users, stamps], np.array([True, True, True, True, False]))
    assert dup.tolist() == [False, True, False, False, False] and ref[1] == 0


# --- no good row is lost --------------------------------------------------------------------------


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


# --- missing timestamps are treated like missing ratings --------------------------------------------


@pytest.mark.parametrize(
    "cell,code",
    [("", "missing"), ("NULL", "missing"), ("N/A", "missing"), (" ", "missing"),
     ("NaN", "nan"), ("nan", "nan"), ("-nan", "nan"), ("+NaN", "nan")],
)  # fmt: skip
def test_a_missing_timestamp_is_rejected_like_a_missing_rating(cell: str, code: str) -> None:
    times = load_interactions(f"u,i,r,t\n1,2,3,100000\n1,3,4,{cell}\n".encode(), name="t.csv")
    ratings = load_interactions(f"u,i,r,t\n1,2,3,100000\n1,3,{cell},100000\n".encode(), name="r.csv")
    assert codes(times) == [(3, "t", f"timestamp_{code}")] and times.rows_loaded == 1
    assert codes(ratings) == [(3, "r", f"rating_{code}")] and ratings.rows_loaded == 1
    assert times.rejected["reason"].tolist() == [REASONS[f"timestamp_{code}"]]


def test_missing_timestamps_among_dates_are_reported_with_line_and_column() -> None:
    rep = load_interactions(b"u,i,time\n1,a,2024-01-02\n1,b,\n2,c,NaN\n2,d,2024-03-04 10:00\n3,e,soon\n", name="d.csv")
    assert codes(rep) == [
        (3, "time", "timestamp_missing"),
        (4, "time", "timestamp_nan"),
        (6, "time", "timestamp_unparseable"),
    ]
    assert rep.frame["item_id"].tolist() == ["a", "d"] and not rep.frame["timestamp"].isna().any()


def test_without_a_timestamp_column_rows_have_no_time_and_are_kept() -> None:
    rep = load_interactions(b"u,i,r\n1,a,4\n2,b,5\n", name="n.csv")
    assert rep.rows_loaded == 2 and rep.frame["timestamp"].isna().all() and not rep.problems


# --- the reject list is bounded in memory; every rejected row is on disk ----------------------------


def _junk(n: int) -> bytes:
    """``n`` lines cycling through a bad rating, a wrong field count, a good row and a missing item."""
    kinds = ("{i},i{i},x{i}", "{i},i{i},3,extra", "{i},i{i},4", "{i},,5", "=cmd{i},i{i},-{i}")
    lines = ["user,item,rating"] + [kinds[i % len(kinds)].format(i=i) for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def test_the_reject_list_is_capped_and_every_rejected_row_is_written_to_a_file(tmp_workspace: Path) -> None:
    data = _junk(3000)
    capped = load_interactions(data, name="junk.csv", max_kept=100)
    full = load_interactions(data, name="junk.csv", max_kept=1_000_000)  # everything kept in memory
    assert full.rejected_file is None and not full.truncated
    assert capped.truncated and capped.rows_rejected == full.rows_rejected == 2400 and capped.rows_loaded == 600
    assert capped.problem_counts() == full.problem_counts() == {
        "rating_not_numeric": 600, "bad_field_count": 600, "missing_id": 600, "rating_negative": 600,
    }  # fmt: skip
    assert capped.problems_total == 2400 and capped.tally() == full.tally()
    assert capped.problems == full.problems[:100] and len(capped.problems) == 100
    pd.testing.assert_frame_equal(capped.rejected, full.rejected.head(100))
    assert capped.rejected_file is not None and capped.rejected_file.parent == tmp_workspace / "rejected"
    # the file holds every rejected row, byte for byte what the uncapped report's CSV holds
    assert capped.rejected_file.read_bytes() == full.rejected_csv() == capped.rejected_csv()
    back = pd.read_csv(capped.rejected_file, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(back) == 2400 and back["line"].astype(int).is_monotonic_increasing
    assert back["user"].tolist()[3] == "'=cmd4"  # formulas escaped in the file too
    summary = capped.summary()
    assert summary["problems_total"] == 2400 and len(summary["problems"]) == 100
    assert summary["rejected_file"] == str(capped.rejected_file)


def test_a_named_rejected_file_is_written_even_when_everything_fits(tmp_path: Path) -> None:
    path = tmp_path / "out" / "rejected.csv"
    path.parent.mkdir()
    rep = load_interactions(b"u,i,r\n1,2,x\n1,3,4\n", name="s.csv", rejected_path=path)
    assert rep.rejected_file == path and path.read_bytes() == rep.rejected_csv()
    ok = load_interactions(b"u,i,r\n1,3,4\n", name="ok.csv", rejected_path=tmp_path / "none.csv")
    assert (tmp_path / "none.csv").read_bytes().decode("utf-8-sig") == "u,i,r,line,reason\n"
    assert ok.rows_rejected == 0


def test_a_file_with_columns_named_line_and_reason_keeps_them() -> None:
    rep = load_interactions(b"u,i,r,line,reason\n1,2,x,L,R\n", name="c.csv", mapping={"rating": "r"})
    assert list(rep.rejected.columns) == ["u", "i", "r", "line", "reason", "_line", "_reason"]
    assert rep.rejected.iloc[0].tolist() == ["1", "2", "x", "L", "R", 2, "rating is not a number"]


def _peak_report_bytes(n: int) -> int:
    """Peak Python allocations while the report of ``n`` rejected rows is built (and its file written)."""
    raw = read_table(("user,item,rating\n" + "".join(f"u{i},i{i},x{i}\n" for i in range(n))).encode(), name="j.csv")
    checks = Checks(raw.n_rows)
    checks.add(np.ones(n, dtype=bool), "rating", "rating_not_numeric")
    tracemalloc.start()
    try:
        rep = build_report(raw, "interactions", checks, pd.DataFrame(), {"rating": "rating"}, max_kept=1000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(rep.problems) == 1000 and len(rep.rejected) == 1000 and rep.rows_rejected == n
    assert rep.rejected_file is not None and rep.rejected_file.stat().st_size > n * 20
    return peak


def test_memory_of_the_reject_list_does_not_grow_with_the_rejected_rows(tmp_workspace: Path) -> None:
    """Python objects built while the report of 40k vs 160k rejected rows is made: the peak grows by the
    per-row masks and positions (tens of bytes a row), not by a problem or a row object per rejected row
    (hundreds of bytes each); the rows themselves go to the file a chunk at a time."""
    small, large = _peak_report_bytes(40_000), _peak_report_bytes(160_000)
    assert large - small < 120_000 * 100
