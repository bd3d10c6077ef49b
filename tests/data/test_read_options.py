"""core.data.read_options: the decoding budget, its settings (environment, overrides) and its messages."""

from __future__ import annotations

import pytest

from core.data.read_options import (
    DEFAULT_MAX_ROWS,
    ENV_DATE_FORMAT,
    ENV_MAX_ROWS,
    ENV_MAX_TABLE_MB,
    Budget,
    ReadOptions,
    default_options,
    normalise_date_format,
)
from core.data.report import IngestError


def test_defaults_let_the_promised_sizes_load() -> None:
    options = ReadOptions()
    assert options.max_rows == DEFAULT_MAX_ROWS >= 1_000_000  # 1M interactions / 100k items must load
    assert options.max_table_bytes == options.max_table_mb * 1_000_000
    assert options.max_cell_bytes == 131_072 and options.date_format == "auto"


@pytest.mark.parametrize("field", ["max_rows", "max_table_mb", "max_cell_bytes"])
@pytest.mark.parametrize("value", [0, -5, 1.5, True, "10"])
def test_limits_must_be_whole_numbers_of_at_least_one(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        ReadOptions(**{field: value})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "given,expected",
    [("", "auto"), ("AUTO", "auto"), ("day-first", "dmy"), ("DMY", "dmy"), ("mm/dd/yyyy", "mdy"),
     ("year-first", "ymd"), ("%d.%m.%Y", "%d.%m.%Y"), ("%Y-%j", "%Y-%j")],
)
def test_date_formats(given: str, expected: str) -> None:
    assert normalise_date_format(given) == expected
    assert ReadOptions(date_format=given).date_format == expected


@pytest.mark.parametrize("bad", ["dd-mm", "%Y", "european", "%H:%M"])
def test_unknown_date_formats_are_refused_with_the_choices(bad: str) -> None:
    with pytest.raises(ValueError, match=r"dmy|day and month"):
        normalise_date_format(bad)


def test_environment_settings_and_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_MAX_ROWS, "3_000_000")
    monkeypatch.setenv(ENV_MAX_TABLE_MB, "100")
    monkeypatch.setenv(ENV_DATE_FORMAT, "dmy")
    options = ReadOptions.from_env()
    assert (options.max_rows, options.max_table_mb, options.date_format) == (3_000_000, 100, "dmy")
    assert ReadOptions.from_env(max_rows=10, date_format=None).max_rows == 10  # the CLI flag wins; None = unset
    assert default_options() == options


def test_a_bad_environment_value_is_an_error_for_the_cli_and_the_defaults_for_the_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENV_MAX_ROWS, "lots")
    with pytest.raises(ValueError, match=ENV_MAX_ROWS):
        ReadOptions.from_env()
    assert default_options() == ReadOptions()


def test_row_refusal_says_what_where_and_how_to_raise_it() -> None:
    budget = Budget(ReadOptions(max_rows=1000), "bomb.parquet")
    with pytest.raises(IngestError) as info:
        budget.check_rows(5_000_000)
    assert str(info.value) == (
        "bomb.parquet: 5,000,000 rows; the limit is 1,000 rows — raise max_rows in settings "
        "(INTERESTLENS_MAX_ROWS) or use the CLI with --max-rows"
    )
    assert info.value.code == "too_many_rows"
    assert info.value.params == {"name": "bomb.parquet", "rows": "5,000,000", "limit": "1,000"}
    budget.check_rows(1000)  # at the limit is fine


def test_streaming_count_refuses_the_moment_a_limit_is_passed() -> None:
    budget = Budget(ReadOptions(max_rows=100, max_table_mb=1), "big.csv")
    budget.add(60, 1000)
    with pytest.raises(IngestError, match=r"big\.csv: more than 100 rows") as info:
        budget.add(60, 1000)
    assert info.value.params["rows"] == "> 100"
    budget = Budget(ReadOptions(max_table_mb=1), "wide.csv")
    with pytest.raises(IngestError, match=r"more than 1 MB; the limit is 1 MB — raise max_table_mb") as info:
        budget.add(1, 1_000_001)
    assert info.value.code == "table_too_large"
