"""core.data.parquet: Parquet within the row / memory budget, refused from the footer or before a
dictionary is expanded; row groups read one at a time into the same table pandas would give."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core.data import parquet as parquet_module
from core.data.loaders import load_interactions
from core.data.parquet import read_parquet
from core.data.read_options import ReadOptions
from core.data.readers import read_table
from core.data.report import IngestError
from tests.fixtures.hostile_files import parquet_bomb, wide_dictionary_bomb


def _no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a row group was decoded")

    monkeypatch.setattr(pq.ParquetFile, "read_row_group", refuse)


def test_the_issue_bomb_is_refused_from_the_footer_before_any_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = parquet_bomb(tmp_path / "bomb.parquet", rows=5000)
    _no_decoding(monkeypatch)
    for source in (path, path.read_bytes()):  # a path (the CLI) and an upload's bytes (the Data page)
        with pytest.raises(IngestError) as info:
            read_table(source, name="bomb.parquet", options=ReadOptions(max_rows=1000))
        assert str(info.value).startswith("bomb.parquet: 5,000 rows; the limit is 1,000 rows — raise max_rows")
        assert info.value.code == "too_many_rows"


def test_a_dictionary_bomb_is_refused_before_its_dictionary_is_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = wide_dictionary_bomb(tmp_path / "wide.parquet", rows=200, value_bytes=100_000)  # 20 MB decoded
    assert path.stat().st_size < 50_000

    def no_expansion(arr: Any) -> Any:
        if pa.types.is_dictionary(arr.type):
            raise AssertionError("the dictionary was expanded before it was counted")
        return original(arr)

    original = parquet_module.to_text
    monkeypatch.setattr(parquet_module, "to_text", no_expansion)
    with pytest.raises(IngestError, match=r"wide\.parquet: its cells decode to more than 1 MB") as info:
        read_parquet(path, "wide.parquet", ReadOptions(max_table_mb=1))
    assert info.value.code == "table_too_large"


def test_plain_pages_over_the_budget_are_refused_from_the_footer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plain.parquet"
    table = pa.table({"item": [str(i) for i in range(600)], "text": ["y" * 2000] * 600})
    pq.write_table(table, path, use_dictionary=False, compression="zstd")
    _no_decoding(monkeypatch)
    with pytest.raises(IngestError, match="max_table_mb"):
        read_parquet(path, "plain.parquet", ReadOptions(max_table_mb=1))


def test_row_groups_are_read_one_by_one_into_the_same_cells(tmp_path: Path) -> None:
    n = 2500
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "user": [f"u{i % 37}" for i in range(n)],
            "item": pd.array([i if i % 11 else None for i in range(n)], dtype="Int64"),
            "rating": np.where(np.arange(n) % 13 == 0, np.nan, rng.integers(1, 11, n) / 2),
            "tags": [["a", "b"] if i % 2 else [] for i in range(n)],
            "when": pd.to_datetime(1_600_000_000 + np.arange(n), unit="s"),
        }
    )
    path = tmp_path / "groups.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=300)
    assert pq.ParquetFile(path).metadata.num_row_groups == 9
    raw = read_parquet(path, "groups.parquet", ReadOptions())
    assert raw.n_rows == n and raw.table.column("user").num_chunks == 1
    got = raw.frame
    assert got["user"].tolist() == frame["user"].tolist()
    assert got["item"].tolist() == ["" if i % 11 == 0 else str(i) for i in range(n)]
    assert got["rating"].iloc[:3].tolist() == ["", *(f"{v:g}" for v in frame["rating"].iloc[1:3])]  # NaN -> null
    assert got["tags"].iloc[:2].tolist() == ["", "a|b"]
    assert got["when"].iloc[0].startswith("2020-09-13T12:26:40")
    # a limit between one row group and the whole file: refused while streaming, not from the footer
    with pytest.raises(IngestError, match="2,500 rows; the limit is 1,000"):
        read_parquet(path, "groups.parquet", ReadOptions(max_rows=1000))


def test_a_dictionary_column_within_budget_loads_with_its_line_numbers(tmp_path: Path) -> None:
    path = parquet_bomb(tmp_path / "small.parquet", rows=50, user="someone@example.com", item="42")
    rep = load_interactions(path, name="small.parquet")
    assert rep.rows_total == 50 and rep.rows_loaded == 1  # the other 49 repeat it
    assert rep.frame["user_id"].tolist() == ["someone@example.com"] and rep.frame["item_id"].tolist() == ["42"]
    assert [p.row for p in rep.problems[:2]] == [3, 4] and rep.problems[0].code == "duplicate"


def test_an_empty_or_broken_parquet_file_is_one_readable_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"user": pa.array([], pa.string())}), path)
    with pytest.raises(IngestError, match="no rows"):
        read_parquet(path, "empty.parquet", ReadOptions())
    with pytest.raises(IngestError, match="not a readable Parquet file"):
        read_parquet(b"PAR1 this is not really parquet", "broken.parquet", ReadOptions())
