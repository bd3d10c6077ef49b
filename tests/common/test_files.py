"""core.common.files.read_bounded: size limits checked before and while reading, errors name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.common.errors import ConfigError
from core.common.files import read_bounded


def test_reads_a_small_file(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"{}")
    assert read_bounded(path, 10) == b"{}"


def test_refuses_an_oversized_file_by_name(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * 11)
    with pytest.raises(ConfigError, match=r"^big\.json: file is 11 bytes; the limit is 10 bytes"):
        read_bounded(path, 10)
    with pytest.raises(ConfigError, match=r"^upload: file is 11 bytes"):
        read_bounded(path, 10, label="upload")


def test_missing_file_says_what_could_not_be_read(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^gone\.json: cannot read the cases file"):
        read_bounded(tmp_path / "gone.json", 10, what="cases file")
