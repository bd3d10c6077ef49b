"""Fusion-weight presets and configuration files: JSON validated against a JSON Schema.

A preset is a small JSON document::

    {"format": "interestlens-preset", "version": 1, "name": "Cold start",
     "weights": {"semantic": 1.0, "popularity": 0.5},
     "normalisation": "minmax", "method": "weighted", "rrf_k": 60, "mmr_lambda": 0.8,
     "exclude_seen": true}

Only ``weights`` is required in a configuration file (``name`` too in a preset); a channel missing from
``weights`` gets weight 0 (as :meth:`core.common.config.FusionWeights.from_dict`), other missing keys take the
:class:`core.common.config.FusionConfig` defaults. Unknown keys are errors, not silently ignored.

Input is untrusted (users upload presets and share them). Parsing never evaluates anything (no pickle,
no joblib, no YAML tags): bytes are checked for size (<= 64 KB) and UTF-8, parsed with the standard
``json`` module with NaN / Infinity literals, duplicate keys, oversized integers and deep nesting turned
into errors, then validated against :data:`PRESET_SCHEMA`. Every failure raises
:class:`core.common.errors.ConfigError` whose message says what is wrong and where (a JSON path such as
``$.weights.mf``). Names are kept verbatim as data (HTML in a name stays text; the UI escapes on
output), limited to :data:`MAX_NAME_LENGTH` characters without control characters.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from core.common.config import data_dir
from core.common.errors import ConfigError
from core.common.files import read_bounded
from core.ranking.config import MAX_WEIGHT, FusionConfig, FusionWeights, check_weights
from core.ranking.registry import CHANNELS

MAX_BYTES = 64 * 1024
"""Largest preset / configuration document accepted, in bytes of UTF-8."""
MAX_NAME_LENGTH = 100
"""Longest preset name, in characters."""
MAX_DEPTH = 8
"""Deepest nesting of objects / arrays accepted before schema validation (a valid preset has 2)."""
FORMAT = "interestlens-preset"
VERSION = 1
NORMALISATIONS: tuple[str, ...] = ("minmax", "zscore", "rank")
METHODS: tuple[str, ...] = ("weighted", "rrf")

_CONTROL_CHARS = "[\u0000-\u001f\u007f]"

PRESET_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://interestlens.invalid/schemas/preset-v1.json",
    "title": "InterestLens fusion preset / configuration",
    "type": "object",
    "additionalProperties": False,
    "required": ["weights"],
    "properties": {
        "format": {"const": FORMAT},
        "version": {"const": VERSION},
        "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_NAME_LENGTH,
            "pattern": "\\S",  # not blank
            "not": {"type": "string", "pattern": _CONTROL_CHARS},
        },
        "description": {"type": "string", "maxLength": 2000},
        "weights": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                channel: {"type": "number", "minimum": 0, "maximum": MAX_WEIGHT} for channel in CHANNELS
            },
        },
        "normalisation": {"enum": list(NORMALISATIONS)},
        "method": {"enum": list(METHODS)},
        "rrf_k": {"type": "integer", "minimum": 1, "maximum": 1000},
        "mmr_lambda": {"type": "number", "minimum": 0, "maximum": 1},
        "exclude_seen": {"type": "boolean"},
    },
}
"""JSON Schema (draft 2020-12) of a preset / configuration document."""

_VALIDATOR = Draft202012Validator(PRESET_SCHEMA)
_PRESET_VALIDATOR = Draft202012Validator({**PRESET_SCHEMA, "required": ["name", "weights"]})


class _Huge:
    """Placeholder for an integer literal too long to convert safely (reported with its path)."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


class _Literal:
    """Placeholder for a NaN / Infinity literal (not JSON; Python's parser accepts it by default)."""

    def __init__(self, literal: str) -> None:
        self.literal = literal


def _parse_int(text: str) -> int | _Huge:
    return int(text) if len(text) <= 30 else _Huge(len(text))


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _short(value: object, limit: int = 40) -> str:
    """A bounded repr for messages (user text may be long or hostile; it stays quoted data)."""
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "an array"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _path(parts: Iterator[str | int] | list[str | int]) -> str:
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}"
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)[:40]}]"
    return out


def _decode(data: str | bytes, source: str) -> str:
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise ConfigError(f"{source}: file is {len(data):,} bytes; the limit is {MAX_BYTES:,} bytes")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{source}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                "save the preset as UTF-8 JSON"
            ) from None
    try:
        size = len(data.encode("utf-8"))
    except UnicodeEncodeError:
        raise ConfigError(f"{source}: text holds unpaired surrogate characters; not valid UTF-8") from None
    if size > MAX_BYTES:
        raise ConfigError(f"{source}: text is {size:,} bytes; the limit is {MAX_BYTES:,} bytes")
    return data.removeprefix("\ufeff")


def _parse(text: str, source: str) -> Any:
    if not text.strip():
        raise ConfigError(f"{source}: empty document; expected a JSON object with a \"weights\" object")
    try:
        return json.loads(text, parse_int=_parse_int, parse_constant=_Literal, object_pairs_hook=_pairs)
    except _DuplicateKeyError as exc:
        raise ConfigError(f"{source}: key {_short(exc.key)} appears twice in one object") from None
    except RecursionError:
        raise ConfigError(f"{source}: nested more than {MAX_DEPTH} levels deep") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise ConfigError(f"{source}: not valid JSON: {exc.msg} at {where}") from None
    except ValueError as exc:  # e.g. an integer beyond Python's digit limit slipping through
        raise ConfigError(f"{source}: not valid JSON: {str(exc)[:80]}") from None


def _check_values(doc: Any, source: str) -> None:
    """Iteratively reject deep nesting, oversized integers and non-finite floats, with their path."""
    stack: list[tuple[Any, list[str | int]]] = [(doc, [])]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise ConfigError(f"{source}: {_path(path[:MAX_DEPTH])}: nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, _Literal):
            raise ConfigError(f"{source}: {_path(path)}: {value.literal} is not allowed (must be finite)")
        if isinstance(value, _Huge):
            raise ConfigError(f"{source}: {_path(path)}: integer with {value.digits} digits is too large")
        if isinstance(value, float) and not math.isfinite(value):
            what = "NaN is not a number" if math.isnan(value) else "number is too large (not finite)"
            raise ConfigError(f"{source}: {_path(path)}: {what}")
        if isinstance(value, dict):
            stack.extend((v, [*path, k]) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, [*path, i]) for i, v in enumerate(value))


_KIND_NAMES = {"number": "a number", "integer": "an integer", "string": "text", "boolean": "true or false",
               "object": "an object", "array": "an array"}


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the text {_short(value)}"
    if isinstance(value, (int, float)):
        return f"the number {_short(value)}"
    return _short(value)


def _describe(error: ValidationError) -> str:
    """One readable sentence for a schema error, with its JSON path; never echoes large instances."""
    where = _path(list(error.absolute_path))
    value = error.instance
    kind = error.validator
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extra = sorted(set(value) - set(allowed)) if isinstance(value, dict) else []
        names = ", ".join(_short(k) for k in extra[:3]) + (" ..." if len(extra) > 3 else "")
        return f"{where}: unknown key {names}; expected some of {', '.join(allowed)}"
    if kind == "required":
        return f"{where}: {error.message.split(' is a required')[0]} is required"
    if kind == "type":
        expected = error.validator_value
        return f"{where}: expected {_KIND_NAMES.get(str(expected), expected)}, got {_kind(value)}"
    if kind in {"minimum", "maximum"}:
        bound = "at least" if kind == "minimum" else "at most"
        return f"{where}: {_short(value)} is out of range; must be {bound} {error.validator_value}"
    if kind == "enum":
        options = ", ".join(str(o) for o in error.validator_value)
        return f"{where}: {_short(value)} is not one of {options}"
    if kind == "const":
        return f"{where}: {_short(value)} must be {json.dumps(error.validator_value)}"
    if kind == "maxLength":
        return f"{where}: text of {len(value)} characters is longer than {error.validator_value}"
    if kind == "minLength":
        return f"{where}: must not be empty"
    if kind == "pattern":
        return f"{where}: must not be blank"
    if kind == "not":
        return f"{where}: must not contain control characters (line breaks, tabs, NUL)"
    return f"{where}: {kind} check failed"


def _error_order(error: ValidationError) -> tuple[list[str], bool, str]:
    """Errors by path; at one path a wrong type first (it explains the other failures)."""
    return [str(p) for p in error.absolute_path], error.validator != "type", str(error.validator)


def _validate(doc: Any, source: str, validator: Draft202012Validator) -> None:
    _check_values(doc, source)
    if not isinstance(doc, dict):
        raise ConfigError(f"{source}: $: expected a JSON object, got {_short(doc)}")
    errors = sorted(validator.iter_errors(doc), key=_error_order)
    if errors:
        extra = len(errors) - 1
        more = f" (and {extra} more problem{'s' if extra > 1 else ''})" if extra else ""
        raise ConfigError(f"{source}: {_describe(errors[0])}{more}")
    check_weights(doc["weights"], what=f"{source}: $.weights")  # the shared check: also refuses all zeros


def _to_config(doc: dict[str, Any]) -> FusionConfig:
    defaults = FusionConfig()
    return FusionConfig(
        weights=FusionWeights.from_dict({k: float(v) for k, v in doc["weights"].items()}),
        normalisation=str(doc.get("normalisation", defaults.normalisation)),
        method=str(doc.get("method", defaults.method)),
        rrf_k=int(doc.get("rrf_k", defaults.rrf_k)),
        mmr_lambda=float(doc.get("mmr_lambda", defaults.mmr_lambda)),
        exclude_seen=bool(doc.get("exclude_seen", defaults.exclude_seen)),
    )


def config_to_dict(config: FusionConfig, name: str | None = None) -> dict[str, Any]:
    """The JSON-ready document of ``config`` (with ``name`` when given); validated, else ConfigError."""
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if name is not None:
        doc["name"] = name
    doc.update(
        {
            "weights": config.weights.as_dict(),
            "normalisation": config.normalisation,
            "method": config.method,
            "rrf_k": config.rrf_k,
            "mmr_lambda": float(config.mmr_lambda),
            "exclude_seen": bool(config.exclude_seen),
        }
    )
    source = "config" if name is None else f"preset {_short(name)}"
    _validate(doc, source, _VALIDATOR if name is None else _PRESET_VALIDATOR)
    return doc


def preset_to_json(name: str, config: FusionConfig) -> str:
    """Serialise a named preset to readable JSON text; invalid names or values raise ConfigError."""
    if not isinstance(name, str):
        raise ConfigError(f"preset name must be text, got {type(name).__name__}")
    return json.dumps(config_to_dict(config, name), ensure_ascii=False, indent=2)


def preset_from_json(data: str | bytes, *, source: str = "preset") -> tuple[str, FusionConfig]:
    """Parse and validate a preset document; returns ``(name, config)`` or raises ConfigError."""
    doc = _parse(_decode(data, source), source)
    _validate(doc, source, _PRESET_VALIDATOR)
    return str(doc["name"]), _to_config(doc)


def config_from_json(data: str | bytes, *, source: str = "config") -> FusionConfig:
    """Parse and validate a configuration document (``name`` optional); raises ConfigError."""
    doc = _parse(_decode(data, source), source)
    _validate(doc, source, _VALIDATOR)
    return _to_config(doc)


def read_preset_file(path: Path) -> tuple[str, FusionConfig]:
    """Read a preset file, refusing files over the size limit before reading them; raises ConfigError."""
    return preset_from_json(read_bounded(path, MAX_BYTES, what="preset file"), source=path.name)


BUNDLED: tuple[str, ...] = ("typed_cold_start",)
"""Presets shipped in ``data/presets/<key>.json``. ``typed_cold_start``: "typed interests, no history", the
weights ``python -m bench.bench_typed`` tuned on the INSPIRED ``dev`` dialogues over the MovieLens
catalogue (Optuna, objective chosen by cross-validation within ``dev``; ``bench/results/bench_typed.md``)."""


def bundled_presets() -> dict[str, tuple[str, FusionConfig]]:
    """Every bundled preset by key: ``(name, config)``, read and validated like any preset file."""
    return {key: read_preset_file(data_dir() / "presets" / f"{key}.json") for key in BUNDLED}
