"""Preset / configuration JSON: round trips, schema, and hostile input that must end in ConfigError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from core.common.errors import ConfigError
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.presets import (
    MAX_BYTES,
    MAX_NAME_LENGTH,
    PRESET_SCHEMA,
    config_from_json,
    config_to_dict,
    preset_from_json,
    preset_to_json,
    read_preset_file,
)
from core.ranking.registry import CHANNELS

CUSTOM = FusionConfig(
    weights=FusionWeights(
        semantic=2.5, history=0.0, mf=10.0, item_knn=0.25, popularity=0.0, recency=1.0, graph=3.0
    ),
    normalisation="rank",
    method="rrf",
    rrf_k=1000,
    mmr_lambda=0.0,
    exclude_seen=False,
)


def _doc(**overrides: object) -> str:
    doc: dict[str, object] = {"name": "p", "weights": {"semantic": 1.0}}
    doc.update(overrides)
    return json.dumps(doc)


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(PRESET_SCHEMA)
    assert set(PRESET_SCHEMA["properties"]["weights"]["properties"]) == set(CHANNELS)


@pytest.mark.parametrize("config", [FusionConfig(), CUSTOM])
@pytest.mark.parametrize(
    "name", ["Cold start", "冷启动：少看恐怖片", "<script>alert(1)</script>", "x" * MAX_NAME_LENGTH]
)
def test_round_trip_keeps_name_verbatim_and_config_equal(name: str, config: FusionConfig) -> None:
    text = preset_to_json(name, config)
    assert json.loads(text)["format"] == "interestlens-preset"
    got_name, got = preset_from_json(text)
    assert got_name == name  # names are data: HTML stays literal text, never stripped or rendered
    assert got == config
    assert preset_from_json(text.encode("utf-8"))[1] == config


def test_utf8_bom_and_chinese_text_are_accepted() -> None:
    text = preset_to_json("科幻优先", CUSTOM)
    assert "科幻优先" in text  # kept readable, not \\u-escaped
    assert preset_from_json(b"\xef\xbb\xbf" + text.encode("utf-8")) == ("科幻优先", CUSTOM)


def test_config_document_needs_only_weights_and_defaults_the_rest() -> None:
    config = config_from_json('{"weights": {"semantic": 2, "mf": 0.5}}')
    assert config.weights == FusionWeights(semantic=2.0, gist=0.0, history=0.0, mf=0.5, item_knn=0.0,
                                           popularity=0.0, recency=0.0, graph=0.0)
    default = FusionConfig()
    assert (config.normalisation, config.method, config.rrf_k, config.mmr_lambda, config.exclude_seen) == (
        default.normalisation, default.method, default.rrf_k, default.mmr_lambda, default.exclude_seen)
    assert config_from_json(json.dumps(config_to_dict(CUSTOM))) == CUSTOM
    with pytest.raises(ConfigError, match=r"\$: 'name' is required"):
        preset_from_json('{"weights": {}}')


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty document"),
        ("   \n", "empty document"),
        ("42", "$: expected a JSON object"),
        ('["a"]', "$: expected a JSON object"),
        ('{"name": "p", "weights": {"mf": 1,}', "not valid JSON"),
        ("{'name': 'p'}", "not valid JSON"),
        (_doc(weights={"mf": "1"}), "$.weights.mf: expected a number, got the text '1'"),
        (_doc(weights={"mf": True}), "$.weights.mf: expected a number, got the boolean true"),
        (_doc(weights={"mf": None}), "$.weights.mf: expected a number, got null"),
        (_doc(weights=[1, 2]), "$.weights: expected an object, got an array"),
        (_doc(weights={"mf": 10.5}), "$.weights.mf: 10.5 is out of range; must be at most 10"),
        (_doc(weights={"graph": -0.1}), "$.weights.graph: -0.1 is out of range; must be at least 0"),
        (_doc(weights={"deep_learning": 1}), "$.weights: unknown key 'deep_learning'"),
        (_doc(colour="red"), "$: unknown key 'colour'"),
        (_doc(**{"<img src=x onerror=alert(1)>": 1}), "$: unknown key '<img src=x onerror=alert(1)>'"),
        (_doc(normalisation="l2"), "$.normalisation: 'l2' is not one of minmax, zscore, rank"),
        (_doc(method="borda"), "$.method: 'borda' is not one of weighted, rrf"),
        (_doc(rrf_k=0), "$.rrf_k: 0 is out of range; must be at least 1"),
        (_doc(rrf_k=1001), "$.rrf_k: 1001 is out of range; must be at most 1000"),
        (_doc(rrf_k=60.5), "$.rrf_k: expected an integer, got the number 60.5"),
        (_doc(mmr_lambda=1.5), "$.mmr_lambda: 1.5 is out of range; must be at most 1"),
        (_doc(exclude_seen="yes"), "$.exclude_seen: expected true or false"),
        (_doc(format="something-else"), '$.format: \'something-else\' must be "interestlens-preset"'),
        (_doc(version=2), "$.version: 2 must be 1"),
        (_doc(name=""), "$.name: must not be empty"),
        (_doc(name="   "), "$.name: must not be blank"),
        (_doc(name="a\nb"), "$.name: must not contain control characters"),
        (_doc(name="nul\u0000"), "$.name: must not contain control characters"),
        (_doc(name="x" * (MAX_NAME_LENGTH + 1)), f"$.name: text of {MAX_NAME_LENGTH + 1} characters"),
        (_doc(name=7), "$.name: expected text, got the number 7"),
        ('{"name": "p", "weights": {"mf": NaN}}', "$.weights.mf: NaN is not allowed"),
        ('{"name": "p", "weights": {"mf": Infinity}}', "$.weights.mf: Infinity is not allowed"),
        ('{"name": "p", "weights": {"mf": -Infinity}}', "$.weights.mf: -Infinity is not allowed"),
        ('{"name": "p", "weights": {"mf": 1e999}}', "$.weights.mf: number is too large"),
        ('{"name": "p", "weights": {"mf": ' + "9" * 5000 + "}}", "$.weights.mf: integer with 5000 digits"),
        ('{"name": "p", "rrf_k": 123456789012345678901234567890, "weights": {}}', "$.rrf_k: 12345678901234"),
        ('{"name": "a", "name": "b", "weights": {}}', "key 'name' appears twice"),
        ('{"name": "p", "weights": {"mf": ' + "[" * 40 + "]" * 40 + "}}", "nested deeper than 8 levels"),
    ],
)
def test_bad_documents_raise_config_error_saying_what_and_where(text: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        preset_from_json(text, source="team.json")
    message = str(info.value)
    assert message.startswith("team.json: ")
    assert fragment in message
    assert len(message) < 400


def test_several_problems_report_the_first_and_count_the_rest() -> None:
    with pytest.raises(ConfigError, match=r"\(and 2 more problems\)"):
        preset_from_json(_doc(weights={"mf": 99}, method="x", rrf_k=0))


def test_deep_nesting_is_rejected_without_recursion_error() -> None:
    with pytest.raises(ConfigError, match="nested"):
        preset_from_json("[" * 60_000)
    with pytest.raises(ConfigError, match="nested"):
        preset_from_json('{"name": "p", "weights": {}, "x": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}")


def test_size_limit_for_text_bytes_and_files(tmp_path: Path) -> None:
    padding = " " * (MAX_BYTES + 1)
    with pytest.raises(ConfigError, match="limit is 65,536 bytes"):
        preset_from_json(_doc() + padding)
    with pytest.raises(ConfigError, match="limit is 65,536 bytes"):
        preset_from_json((_doc() + padding).encode())
    # Just under the limit is fine (whitespace is valid JSON).
    assert preset_from_json(_doc() + " " * (MAX_BYTES - len(_doc())))[0] == "p"
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (10 * MAX_BYTES))
    with pytest.raises(ConfigError, match=r"big\.json: file is 655,360 bytes"):
        read_preset_file(big)
    with pytest.raises(ConfigError, match=r"missing\.json: cannot read the preset file"):
        read_preset_file(tmp_path / "missing.json")
    good = tmp_path / "good.json"
    good.write_text(preset_to_json("文件预设", CUSTOM), encoding="utf-8")
    assert read_preset_file(good) == ("文件预设", CUSTOM)


def test_non_utf8_input_is_rejected_with_the_offset() -> None:
    gbk = '{"name": "冷启动", "weights": {}}'.encode("gbk")
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(invalid byte 0x[0-9a-f]{2} at offset \d+\)"):
        preset_from_json(gbk)
    with pytest.raises(ConfigError, match="not UTF-8"):
        preset_from_json(b"\xff\xfe{\x00}\x00")
    with pytest.raises(ConfigError, match="surrogate"):
        preset_from_json(_doc(name="a") + "\ud800")


@pytest.mark.parametrize(
    "config",
    [
        FusionConfig(weights=FusionWeights(mf=11.0)),
        FusionConfig(weights=FusionWeights(semantic=float("nan"))),
        FusionConfig(weights=FusionWeights(graph=float("inf"))),
        FusionConfig(method="magic"),
        FusionConfig(normalisation="none"),
        FusionConfig(rrf_k=0),
        FusionConfig(mmr_lambda=-0.5),
    ],
)
def test_serialising_an_invalid_config_raises(config: FusionConfig) -> None:
    with pytest.raises(ConfigError):
        preset_to_json("bad", config)


@pytest.mark.parametrize("weights", ['{}', '{"mf": 0}', '{"mf": 0, "semantic": 0.0, "graph": 0}'])
def test_all_zero_weights_are_refused_like_everywhere_else(weights: str) -> None:
    """Presets share the CLI's and the sliders' check (core.ranking.config.check_weights)."""
    with pytest.raises(ConfigError, match=r"^team\.json: \$\.weights: every channel weight is 0"):
        preset_from_json('{"name": "p", "weights": ' + weights + "}", source="team.json")
    with pytest.raises(ConfigError, match="every channel weight is 0"):
        config_from_json('{"weights": ' + weights + "}")
    with pytest.raises(ConfigError, match="every channel weight is 0"):
        preset_to_json("zero", FusionConfig(weights=FusionWeights.from_dict({})))


def test_presets_cap_is_the_shared_cap() -> None:
    from core.ranking import presets
    from core.ranking.config import MAX_WEIGHT

    assert presets.MAX_WEIGHT == MAX_WEIGHT
    assert PRESET_SCHEMA["properties"]["weights"]["properties"]["mf"]["maximum"] == MAX_WEIGHT


@pytest.mark.parametrize("name", ["", " ", "tab\there", "x" * (MAX_NAME_LENGTH + 1)])
def test_serialising_an_invalid_name_raises(name: str) -> None:
    with pytest.raises(ConfigError, match=r"\$\.name"):
        preset_to_json(name, FusionConfig())
    with pytest.raises(ConfigError, match="must be text"):
        preset_to_json(123, FusionConfig())  # type: ignore[arg-type]


weights_st = st.fixed_dictionaries(
    {}, optional={c: st.floats(min_value=0, max_value=10, allow_nan=False) for c in CHANNELS}
).filter(lambda w: any(v > 0 for v in w.values()))  # all-zero weights are refused (tested below)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=MAX_NAME_LENGTH)
    .filter(lambda s: s.strip() != ""),
    weights=weights_st,
    normalisation=st.sampled_from(["minmax", "zscore", "rank"]),
    method=st.sampled_from(["weighted", "rrf"]),
    rrf_k=st.integers(1, 1000),
    mmr_lambda=st.floats(0, 1),
)
def test_property_valid_presets_round_trip(
    name: str, weights: dict[str, float], normalisation: str, method: str, rrf_k: int, mmr_lambda: float
) -> None:
    config = FusionConfig(FusionWeights.from_dict(weights), normalisation, method, rrf_k, mmr_lambda)
    assert preset_from_json(preset_to_json(name, config)) == (name, config)


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=20),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=12), kids, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    doc=json_values,
    extra_weights=st.dictionaries(st.sampled_from([*CHANNELS, "x"]), json_values, max_size=4),
)
def test_property_random_json_either_loads_or_raises_config_error(
    doc: object, extra_weights: dict[str, object]
) -> None:
    for candidate in (doc, {"name": "p", "weights": extra_weights}):
        try:
            name, config = preset_from_json(json.dumps(candidate))
        except ConfigError as exc:
            assert str(exc).startswith("preset: ")
        else:
            assert name == "p" and all(0 <= v <= 10 for v in config.weights.as_dict().values())


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300) | st.text(max_size=300))
def test_property_random_bytes_and_text_only_raise_config_error(data: bytes | str) -> None:
    try:
        name, config = preset_from_json(data)
    except ConfigError as exc:
        assert str(exc).startswith("preset: ") and len(str(exc)) < 400
    else:  # the rare random document that is a valid preset
        assert isinstance(name, str) and isinstance(config, FusionConfig)


def test_bundled_presets_are_valid_and_name_what_they_are() -> None:
    from core.ranking.presets import BUNDLED, bundled_presets

    presets = bundled_presets()
    assert set(presets) == set(BUNDLED)
    name, config = presets["typed_cold_start"]
    assert name == "typed interests, no history"
    assert config.weights.gist > 0 and config.weights.semantic > 0  # the typed channels are on
