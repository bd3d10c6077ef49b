"""Fixtures shared by the workspace tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.workspace.store import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """A fresh workspace in a temporary folder."""
    return Workspace(tmp_path / "ws")
