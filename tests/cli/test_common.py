"""core.cli.common: ``--weights`` is checked exactly like the sliders and presets; ``--out`` writes files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli.args import UsageError
from core.cli.common import emit_json, emit_text, fail, parse_weights
from core.common.errors import InterestLensError
from core.ranking import config, presets


def test_weights_parse_and_missing_channels_get_zero() -> None:
    weights = parse_weights('{"mf": 1, "semantic": 0.5}')
    assert weights is not None and weights["mf"] == 1.0 and weights["semantic"] == 0.5 and weights["graph"] == 0.0
    assert parse_weights(None) is None


def test_the_cap_is_the_presets_cap() -> None:
    cap = config.MAX_WEIGHT
    assert presets.PRESET_SCHEMA["properties"]["weights"]["properties"]["mf"]["maximum"] == cap
    assert parse_weights(json.dumps({"mf": cap}))["mf"] == cap  # type: ignore[index]
    with pytest.raises(config.WeightsError, match=f"between 0 and {cap:g}"):
        parse_weights(json.dumps({"mf": cap + 0.001}))


@pytest.mark.parametrize(("text", "match"), [
    ('{"mf": 1e308}', "between 0 and 10"),
    ('{"mf": 1e999}', "finite"),
    ('{"mf": ' + "9" * 4300 + "}", "4,300 digits"),
    ('{"mf": -' + "9" * 5000 + "}", "between 0 and 10"),
    ('{"mf": NaN}', "finite"),
    ('{"mf": Infinity}', "finite"),
    ('{"mf": -1}', "between 0 and 10"),
    ('{"mf": 0}', "every channel weight is 0"),
    ("{}", "every channel weight is 0"),
    ('{"mf": "1"}', "must be a number"),
    ('{"mf": true}', "must be a number"),
    ('{"nope": 1}', "unknown channel"),
    ('{"mf": 1, "mf": 2}', "given twice"),
    ("[1, 2]", "must be a JSON object"),
    ("mf=1", "not valid JSON"),
    ("[" * 50_000, "nested too deeply"),
    ("{" + " " * 70_000 + "}", "the limit is"),
])
def test_bad_weights_are_refused_with_a_message(text: str, match: str) -> None:
    with pytest.raises(InterestLensError, match=match) as info:
        parse_weights(text)
    assert "\n" not in str(info.value) and len(str(info.value)) < 300


def test_emit_to_stdout_or_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    emit_json({"a": "中文 \udcff"})
    assert json.loads(capsys.readouterr().out) == {"a": "中文 \ufffd"}  # undecodable bytes never crash output
    target = tmp_path / "out.json"
    emit_json({"a": 1}, str(target))
    assert json.loads(target.read_text(encoding="utf-8")) == {"a": 1}
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == f"wrote {target}\n"
    emit_text("x\n", "-")
    assert capsys.readouterr().out == "x\n"


def test_fail_prints_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert fail("two\nlines \udcff", 2) == 2
    assert capsys.readouterr().err == "error: two lines \ufffd\n"


def test_usage_error_is_an_interestlens_error() -> None:
    assert issubclass(UsageError, InterestLensError)
