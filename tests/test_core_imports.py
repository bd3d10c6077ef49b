"""The engine is UI-free and layered: importing every core module never imports streamlit, and core
modules import only from their own stage or the stages below it."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent

LAYERS: tuple[str, ...] = (
    "common", "data", "vectors", "interests", "ranking", "evaluation", "distributed", "workspace", "engine", "cli",
)
"""The stages of core, lowest first (``engine`` is the module core/engine.py); imports only go down."""

CLI_UI_MODULES: frozenset[str] = frozenset({"ui.reasons", "ui.i18n"})
"""Presentation modules (streamlit-free) the CLI may use to print reasons in zh/en."""


def core_modules() -> list[str]:
    out = []
    for p in (ROOT / "core").rglob("*.py"):
        if p.stem == "__main__":
            continue
        parts = p.relative_to(ROOT).with_suffix("").parts
        out.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(out)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imported_modules(path: Path, module: str | None = None) -> list[tuple[int, str]]:
    """(line, module) of every import in ``path`` (module level and inside functions), resolved to
    absolute module names; ``from pkg import name`` counts as ``pkg.name`` when that is a module.
    ``module``: the file's own dotted name (default: from its place under the repository root)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    own = module or _module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                out.append((node.lineno, sub if _is_module(sub) else module))
    return out


def layer_of(module: str) -> int | None:
    """Index in :data:`LAYERS` of a core module (``core.__main__`` counts as the CLI); None for ``core``."""
    parts = module.split(".")
    if parts[0] != "core" or len(parts) == 1:
        return None
    stage = "cli" if parts[1] == "__main__" else parts[1]
    assert stage in LAYERS, f"{module}: core.{stage} is not a known stage; add it to LAYERS"
    return LAYERS.index(stage)


def test_every_core_module_belongs_to_a_stage() -> None:
    stages = {p.name for p in (ROOT / "core").iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert stages | {"engine"} == set(LAYERS)
    assert (ROOT / "core" / "engine.py").is_file()
    loose = {p.stem for p in (ROOT / "core").glob("*.py")} - {"__init__", "__main__", "engine"}
    assert loose == set(), "core's top level holds only engine.py: other modules belong in a stage"


def test_core_imports_only_go_down() -> None:
    violations: list[str] = []
    checked = 0
    for path in sorted((ROOT / "core").rglob("*.py")):
        module = _module_name(path) if path.stem != "__main__" else "core.__main__"
        own = layer_of(module)
        for line, target in imported_modules(path):
            top = target.split(".")[0]
            where = f"{path.relative_to(ROOT)}:{line}"
            if top == "core":
                checked += 1
                theirs = layer_of(target)
                if own is not None and theirs is not None and theirs > own:
                    violations.append(f"{where} ({LAYERS[own]}) imports {target} ({LAYERS[theirs]})")
            elif top in ("ui", "pages", "app", "streamlit"):
                allowed = own == LAYERS.index("cli") and target in CLI_UI_MODULES
                if not allowed:
                    violations.append(f"{where} imports {target}")
    assert checked > 100, "the import scan found almost nothing: is the parser broken?"
    assert violations == []


def test_the_layering_check_catches_an_upward_import(tmp_path: Path) -> None:
    """The scanner itself: function-local, relative and ``from package import module`` imports are seen."""
    found = {target for _, target in imported_modules(ROOT / "core" / "ranking" / "fusion.py")}
    assert {"core.common.selection", "core.ranking.scoring", "numpy"} <= found
    assert layer_of("core.ranking.fusion") == LAYERS.index("ranking")
    assert layer_of("core.engine") == LAYERS.index("engine") and layer_of("core.__main__") == LAYERS.index("cli")
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from .. import data\nfrom core.common.errors import ConfigError\n"
        "def f():\n    from core.ranking import fusion\n    from . import errors\n    import core.engine\n",
        encoding="utf-8",
    )
    found_in_probe = sorted(imported_modules(probe, "core.common.probe"))
    assert found_in_probe == [(1, "core.data"), (2, "core.common.errors"), (4, "core.ranking.fusion"),
                              (5, "core.common.errors"), (6, "core.engine")]
    upward = sorted(t for _, t in found_in_probe if (layer_of(t) or 0) > LAYERS.index("common"))
    assert upward == ["core.data", "core.engine", "core.ranking.fusion"]


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


def test_ui_modules_the_cli_uses_do_not_import_streamlit() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for m in {sorted(CLI_UI_MODULES)!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(k for k in sys.modules if k == 'streamlit' or k.startswith('streamlit.'))))\n"
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
