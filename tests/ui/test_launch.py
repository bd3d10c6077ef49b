"""The launcher's preload: every listed module imports, and a broken one is reported, not raised."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ui.launch import PRELOAD, preload

ROOT = Path(__file__).resolve().parents[2]


def test_every_preloaded_module_imports() -> None:
    assert preload(PRELOAD) == []


def test_a_module_that_fails_is_named_not_raised() -> None:
    assert preload(("json", "interestlens_no_such_module")) == ["interestlens_no_such_module"]


def test_the_launcher_is_streamlits_command_line() -> None:
    out = subprocess.run([sys.executable, "-m", "ui.launch", "version"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Streamlit, version"), out.stdout
