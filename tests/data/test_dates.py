"""core.data.dates: one day/month order per column, decided from the file (or the date_format setting)
and reported, never mixed row by row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.data.dates import parse_text_dates
from core.data.loaders import load_interactions
from core.data.read_options import ReadOptions
from core.data.readers import read_table
from tests.fixtures.hostile_files import dates_csv

LINES = np.arange(2, 100)


def _day(text: str) -> float:
    return pd.Timestamp(text, tz="UTC").timestamp()


def test_a_day_above_twelve_makes_the_column_day_first_and_says_where() -> None:
    parsed = parse_text_dates(["04/03/2021", "13/03/2021", "01.12.2020"], column="date", lines=lambda: LINES[:3])
    assert parsed.seconds.tolist() == [_day("2021-03-04"), _day("2021-03-13"), _day("2020-12-01")]
    assert parsed.order == "dmy" and not parsed.misordered.any()
    (notice,) = parsed.notices
    assert notice.code == "dates_day_first"
    assert notice.params == {"column": "date", "order": "dmy", "line": 3, "value": "13/03/2021"}
    assert notice.message == (
        'column date: dates read day-first (dd/mm/yyyy) because the first number is above 12 on line 3 ("13/03/2021")'
    )


def test_a_month_in_second_place_above_twelve_makes_it_month_first() -> None:
    parsed = parse_text_dates(["04/03/2021", "12/25/2020 18:30"], column="t", lines=lambda: LINES[:2])
    assert parsed.seconds.tolist() == [_day("2021-04-03"), _day("2020-12-25 18:30")]
    assert [n.code for n in parsed.notices] == ["dates_month_first"] and parsed.notices[0].params["line"] == 3


def test_when_nothing_tells_month_first_is_assumed_and_reported() -> None:
    parsed = parse_text_dates(["04/03/2021", "05/06/2021", "07/07/2021"], column="t", lines=lambda: LINES[:3])
    assert parsed.seconds.tolist() == [_day("2021-04-03"), _day("2021-05-06"), _day("2021-07-07")]
    (notice,) = parsed.notices
    assert notice.code == "dates_ambiguous" and notice.params["count"] == 2  # 07/07 reads the same either way
    assert "--date-format dmy" in notice.message and notice.params["value"] == "04/03/2021"


def test_unambiguous_dates_need_no_notice() -> None:
    parsed = parse_text_dates(["07/07/2021", "2021-03-04", "2021/03/04 10:00", "2021年3月4日"])
    assert parsed.notices == []
    assert parsed.seconds.tolist() == [_day("2021-07-07"), _day("2021-03-04"), _day("2021-03-04 10:00"),
                                       _day("2021-03-04")]


def test_year_first_dates_stay_year_month_day_beside_day_first_ones() -> None:
    parsed = parse_text_dates(["2021/03/04", "04/03/2021", "25/12/2021"])
    assert parsed.seconds.tolist() == [_day("2021-03-04"), _day("2021-03-04"), _day("2021-12-25")]


def test_both_orders_in_one_column_keep_the_majority_and_reject_the_rest() -> None:
    texts = ["13/01/2021", "14/01/2021", "01/15/2021", "02/03/2021"]
    parsed = parse_text_dates(texts, column="d", lines=lambda: LINES[:4])
    assert parsed.order == "dmy"
    assert parsed.misordered.tolist() == [False, False, True, False]
    assert np.isnan(parsed.seconds[2]) and parsed.seconds[3] == _day("2021-03-02")
    (notice,) = parsed.notices
    assert notice.code == "dates_conflict"
    assert (notice.params["day_first"], notice.params["month_first"], notice.params["rejected"]) == (2, 1, 1)
    assert (notice.params["month_line"], notice.params["month_value"]) == (4, "01/15/2021")


@pytest.mark.parametrize(
    "fmt,expected,misordered",
    [("dmy", ["2021-03-04", None], [False, True]), ("mdy", ["2021-04-03", "2021-12-25"], [False, False])],
)
def test_an_explicit_order_wins_and_dates_that_contradict_it_are_rejected(
    fmt: str, expected: list[str | None], misordered: list[bool]
) -> None:
    parsed = parse_text_dates(["04/03/2021", "12/25/2021"], fmt, column="d")
    want = [np.nan if e is None else _day(e) for e in expected]
    np.testing.assert_array_equal(parsed.seconds, want)
    assert parsed.misordered.tolist() == misordered
    assert [n.code for n in parsed.notices] == ["dates_explicit"]


def test_year_first_promised_rejects_day_month_year_dates() -> None:
    parsed = parse_text_dates(["2021/03/04", "04/03/2021"], "ymd")
    assert parsed.seconds[0] == _day("2021-03-04") and parsed.misordered.tolist() == [False, True]


def test_a_strftime_pattern_reads_every_date_with_it() -> None:
    parsed = parse_text_dates(["04.03.2021", "2021-03-04", "31.12.1999"], "%d.%m.%Y", column="d")
    assert parsed.seconds[0] == _day("2021-03-04") and np.isnan(parsed.seconds[1])
    assert parsed.seconds[2] == _day("1999-12-31") and parsed.notices[0].code == "dates_format"


def test_two_digit_years_and_impossible_dates() -> None:
    parsed = parse_text_dates(["13/03/21", "01/01/70", "31/02/2021"])
    assert parsed.seconds[0] == _day("2021-03-13") and parsed.seconds[1] == _day("1970-01-01")
    assert np.isnan(parsed.seconds[2]) and not parsed.misordered[2]  # not a date: unparseable, not misordered


# --- through the loader: the report says which order was used, and rejects what contradicts it ---------


def test_the_report_carries_the_notice_and_rejects_misordered_dates(tmp_path: Path) -> None:
    path = dates_csv(tmp_path / "d.csv", ["13/01/2021", "14/01/2021", "01/15/2021", "2021/03/04", "04/03/2021"])
    rep = load_interactions(path)
    assert [(p.row, p.column, p.code) for p in rep.problems] == [(4, "date", "date_order")]
    assert rep.problems[0].reason == "date does not fit the day/month order of the rest of the column (dd/mm/yyyy)"
    assert rep.frame["timestamp"].tolist()[-2:] == [_day("2021-03-04"), _day("2021-03-04")]
    (notice,) = rep.notices
    assert notice.code == "dates_conflict" and notice.params["month_line"] == 4
    assert rep.summary()["notices"][0]["code"] == "dates_conflict"


def test_the_date_format_option_reaches_validation(tmp_path: Path) -> None:
    path = dates_csv(tmp_path / "d.csv", ["04/03/2021", "05/03/2021"])
    auto = load_interactions(path)
    assert auto.frame["timestamp"].iloc[0] == _day("2021-04-03") and auto.notices[0].code == "dates_ambiguous"
    day_first = load_interactions(read_table(path, options=ReadOptions(date_format="dmy")))
    assert day_first.frame["timestamp"].tolist() == [_day("2021-03-04"), _day("2021-03-05")]
    assert [n.code for n in day_first.notices] == ["dates_explicit"]


def test_numeric_timestamps_need_no_notice() -> None:
    assert load_interactions(b"u,i,t\n1,2,964982703\n", name="n.csv").notices == []
