"""``python -m core prepare``: builds the artefacts once, stamps the run, and skips when stamped."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from core.cli.commands import main
from core.cli.prepare import StagePrinter, demo_key, stamp_path
from core.data.demos import load_demo
from core.engine import STAGES


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    code = main(["prepare", "--data", "demo:bilingual", "--json", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else {}, captured.err


def test_prepare_is_idempotent(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, first, err = _run(capsys, "--map", "--lazy-channels")
    assert code == 0 and first["skipped"] is False
    assert list(first["stages"]) == [STAGES[s] for s in ("model", "embed", "index", "users", "catalogue",
                                                          "channels", "map")]
    assert "==> [1/7] loading the text model" in err and "==> [7/7] laying out the map" in err
    assert first["pending_channels"] == ["ease", "rp3beta", "learned"] and first["map"] is not None
    stamp = Path(first["stamp"])
    assert stamp.is_file() and json.loads(stamp.read_text())["items"] == first["items"]

    import core.engine

    def no_engine(*args: object, **kwargs: object) -> None:
        raise AssertionError("a stamped prepare must not build anything")

    monkeypatch.setattr(core.engine, "Engine", no_engine)
    code, second, _ = _run(capsys, "--map", "--lazy-channels")
    assert code == 0 and second["skipped"] is True and second["prepared"]["items"] == first["items"]


def test_the_map_that_prepare_lays_out_is_the_one_the_app_loads(capsys: pytest.CaptureFixture[str]) -> None:
    from core.engine import Engine
    from core.vectors.projection import ProjectionParams

    code, _, _ = _run(capsys, "--map", "--lazy-channels")
    assert code == 0
    engine = Engine(load_demo("bilingual")).prepare(channels=False)
    assert engine.projection_map(ProjectionParams()).from_cache  # same artefact cache, same key


def test_a_different_option_set_has_its_own_stamp() -> None:
    fp = load_demo("bilingual").fingerprint
    paths = {stamp_path(fp, "use-m3", m, d) for m in (True, False) for d in (True, False)}
    assert len(paths) == 4


def test_bad_data_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prepare", "--data", "demo:nope"]) == 2
    err = capsys.readouterr().err
    assert "demo:movielens" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_stage_printer_times_each_stage() -> None:
    out = io.StringIO()
    printer = StagePrinter(total=2, stream=out)
    printer(0.0, STAGES["model"])
    printer(0.5, "3 of 10 texts")  # detail: not a new line (not a terminal)
    printer(0.5, STAGES["embed"])
    printer(1.0, "ready")
    assert out.getvalue().splitlines() == ["==> [1/2] loading the text model (0%)", "==> [2/2] embedding items (50%)"]
    assert list(printer.summary()) == [STAGES["model"], STAGES["embed"]]
    assert all(seconds > 0 for _, seconds in printer.stages)
    assert demo_key("demo:movielens") == demo_key("movielens") == "movielens"
