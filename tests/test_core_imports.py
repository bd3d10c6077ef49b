"""The engine is UI-free: importing every core module never imports streamlit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def core_modules() -> list[str]:
    out = []
    for p in (ROOT / "core").rglob("*.py"):
        if p.stem == "__main__":
            continue
        parts = p.relative_to(ROOT).with_suffix("").parts
        out.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(out)


def test_core_modules_do_not_import_streamlit() -> None:
    modules = core_modules()
    assert "core.data.loaders" in modules and "core.data.demos" in modules
    code = (
        "import importlib, json, sys\n"
        f"mods = {modules!r}\n"
        "for m in mods: importlib.import_module(m)\n"
        "loaded = [k for k in sys.modules if k == 'streamlit' or k.startswith('streamlit.')]\n"
        "print(json.dumps(sorted(loaded)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []


def test_cli_help_does_not_import_streamlit() -> None:
    code = "import sys; from core.cli.commands import build_parser; build_parser(); print('streamlit' in sys.modules)"
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "False"
