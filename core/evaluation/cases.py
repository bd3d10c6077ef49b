"""Typed-interest cases: what a person typed, and the items they were then recommended (the ground truth).

A cases file is a JSON list of objects (or ``{"cases": [...]}``)::

    [{"text": "something like A Clockwork Orange, I liked that it was Kubrick",
      "targets": ["1222", "Full Metal Jacket (1987)"],        # item ids or titles
      "mentioned": ["A Clockwork Orange"],                    # optional: items the person named
      "id": "dev-17", "split": "dev"}]                        # optional

:func:`load_cases` reads and checks it against a :class:`~core.data.dataset.Dataset`:

- ``targets`` / ``mentioned`` entries are item ids (text or integers) or titles. An entry that is an
  item id of the dataset is that item; any other text is looked up as a title through the catalogue's
  title matcher (:meth:`core.interests.recognise.CatalogueIndex.resolve_title`: case, punctuation,
  years, leading articles and small typos folded). Entries that resolve to nothing are **kept in the
  result** (:attr:`CaseSet.unresolved`, with case and field), never dropped silently;
- malformed input raises :class:`~core.common.errors.ConfigError` with one readable sentence naming the
  case (its 1-based position and its id) and the field: not JSON, wrong types, empty ``text``, no
  resolvable target, a file over :data:`MAX_BYTES`, more than :data:`MAX_CASES` cases or
  :data:`MAX_REFS` entries in one field, a repeated ``id``;
- text encodings are sniffed like uploaded tables: UTF-8 with or without BOM, UTF-16 with BOM,
  GBK / GB18030.

Unknown keys in a case are ignored (published datasets carry extra columns).
"""

from __future__ import annotations

import codecs
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from core.common.errors import ConfigError
from core.common.files import read_bounded
from core.data.dataset import Dataset

MAX_BYTES = 20 * 2**20
"""Largest cases file read (20 MiB)."""
MAX_CASES = 20_000
"""Most cases in one file."""
MAX_REFS = 1_000
"""Most entries in one case's ``targets`` or ``mentioned``."""
MAX_TEXT_CHARS = 20_000
"""Longest ``text`` of one case (the decomposer reads only the first 1,000 characters anyway)."""
REF_FIELDS: tuple[str, ...] = ("targets", "mentioned")


class Match(Protocol):
    """A resolved title (``core.interests.recognise.Match``): ``key`` is the item id."""

    @property
    def key(self) -> str:
        """The matched item's id."""
        ...


class TitleResolver(Protocol):
    """Anything that resolves a title to an item (``core.interests.recognise.CatalogueIndex``)."""

    def resolve_title(self, title: str) -> Match | None:
        """The best catalogue match of ``title``, or None."""
        ...


@dataclass(frozen=True)
class Unresolved:
    """A ``targets`` / ``mentioned`` entry that names no item of the dataset."""

    case_index: int
    """0-based position of the case in the file."""
    case_id: str
    field: str
    value: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly view."""
        return {"case": self.case_index + 1, "id": self.case_id, "field": self.field, "value": self.value}


@dataclass(frozen=True)
class TypedCase:
    """One checked case; ``targets`` / ``mentioned`` are item positions (``item_idx``), file order, unique."""

    index: int
    """0-based position in the file."""
    id: str
    """The given ``id``, or ``case-<position>`` (1-based) when the file has none."""
    text: str
    targets: tuple[int, ...]
    mentioned: tuple[int, ...] = ()
    split: str | None = None


@dataclass(frozen=True)
class CaseSet:
    """The cases of one file, checked against one dataset, with every entry that did not resolve."""

    cases: tuple[TypedCase, ...]
    unresolved: tuple[Unresolved, ...] = ()
    source: str = "cases"
    n_titles: int = 0
    """Entries that were resolved as titles (not as item ids)."""

    def __len__(self) -> int:
        return len(self.cases)

    def splits(self) -> dict[str, int]:
        """Number of cases per ``split`` value (cases without one under ``""``)."""
        return dict(Counter(c.split or "" for c in self.cases))

    def select(self, split: str | None) -> CaseSet:
        """The cases of one split (None or ``"all"``: every case); unresolved entries follow their cases.

        Raises ConfigError when no case has that split."""
        if split is None or split == "all":
            return self
        chosen = tuple(c for c in self.cases if c.split == split)
        if not chosen:
            have = ", ".join(repr(s) for s in sorted(self.splits())) or "none"
            raise ConfigError(f"{self.source}: no case has split {split!r} (splits present: {have})")
        keep = {c.index for c in chosen}
        return replace(self, cases=chosen, unresolved=tuple(u for u in self.unresolved if u.case_index in keep))

    def summary(self) -> dict[str, Any]:
        """Counts for reports: cases, splits, entries resolved as titles, unresolved entries by field."""
        by_field = Counter(u.field for u in self.unresolved)
        return {"source": self.source, "n_cases": len(self.cases), "splits": self.splits(),
                "n_titles_resolved": self.n_titles,
                "n_unresolved": {f: int(by_field.get(f, 0)) for f in REF_FIELDS},
                "unresolved": [u.as_dict() for u in self.unresolved]}


# --- reading ---------------------------------------------------------------------------------------


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GBK / GB18030 bytes as text; else ConfigError."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ConfigError(f"{source}: the text encoding could not be recognised; save the file as UTF-8")


def read_cases_document(source: Path | str | bytes, name: str = "") -> tuple[Any, str]:
    """The parsed JSON of a cases file (a path, or the file's bytes) and a label for messages."""
    if isinstance(source, bytes):
        label = name or "cases"
        data = source
    else:
        path = Path(source)
        label = name or path.name
        data = read_bounded(path, MAX_BYTES, label, what="cases file")
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{label}: file is {len(data):,} bytes; the limit is {MAX_BYTES:,} bytes")
    text = decode_text(data, label).lstrip("\ufeff")
    if not text.strip():
        raise ConfigError(f"{label}: the file is empty; expected a JSON list of cases")
    try:
        return json.loads(text), label
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{label}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (RecursionError, ValueError) as exc:
        raise ConfigError(f"{label}: not a usable JSON document ({type(exc).__name__})") from None


# --- checking ----------------------------------------------------------------------------------------


def _where(index: int, case_id: str | None) -> str:
    return f"case {index + 1}" + (f" (id {case_id!r})" if case_id else "")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null",
            float: "a number with a fraction", int: "an integer"}.get(type(value), type(value).__name__)


class _Resolver:
    """Item ids first, then titles through the catalogue matcher; remembers what it could not resolve."""

    def __init__(self, dataset: Dataset, titles: TitleResolver | None) -> None:
        self.index = dataset.item_index
        self.titles = titles
        self.n_titles = 0

    def __call__(self, value: str) -> int | None:
        key = value.strip()
        if key in self.index:
            return int(self.index[key])
        if self.titles is None or not key:
            return None
        match = self.titles.resolve_title(key)
        if match is None or str(match.key) not in self.index:
            return None
        self.n_titles += 1
        return int(self.index[str(match.key)])


def _refs(
    case: Mapping[str, Any], field: str, where: str, label: str, resolve: _Resolver, index: int, case_id: str,
    required: bool,
) -> tuple[tuple[int, ...], list[Unresolved]]:
    raw = case.get(field)
    if raw is None and not required:
        return (), []
    if not isinstance(raw, list):
        raise ConfigError(f"{label}: {where}: field {field!r} must be a list of item ids or titles, "
                          f"got {_kind(raw)}")
    if required and not raw:
        raise ConfigError(f"{label}: {where}: field {field!r} is empty; give at least one item id or title")
    if len(raw) > MAX_REFS:
        raise ConfigError(f"{label}: {where}: field {field!r} has {len(raw):,} entries; the limit is {MAX_REFS:,}")
    found: list[int] = []
    missing: list[Unresolved] = []
    for pos, value in enumerate(raw):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ConfigError(f"{label}: {where}: {field}[{pos}] must be an item id or a title (text or an "
                              f"integer), got {_kind(value)}")
        text = str(value)
        if not text.strip():
            raise ConfigError(f"{label}: {where}: {field}[{pos}] is empty text")
        item = resolve(text)
        if item is None:
            missing.append(Unresolved(index, case_id, field, text))
        elif item not in found:
            found.append(item)
    return tuple(found), missing


def _text_field(case: Mapping[str, Any], field: str, where: str, label: str) -> str | None:
    value = case.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ConfigError(f"{label}: {where}: field {field!r} must be text, got {_kind(value)}")
    return str(value).strip() or None


def parse_cases(
    document: Any, dataset: Dataset, *, titles: TitleResolver | None = None, source: str = "cases"
) -> CaseSet:
    """Check a parsed cases document against ``dataset`` (see the module docstring); raises ConfigError."""
    items = document.get("cases") if isinstance(document, dict) else document
    if not isinstance(items, list):
        got = f"an object whose 'cases' is {_kind(items)}" if isinstance(document, dict) else _kind(document)
        raise ConfigError(f"{source}: expected a JSON list of cases (or an object with a \"cases\" list), "
                          f"got {got}")
    if not items:
        raise ConfigError(f"{source}: the file holds no cases")
    if len(items) > MAX_CASES:
        raise ConfigError(f"{source}: {len(items):,} cases; the limit is {MAX_CASES:,}")
    resolve = _Resolver(dataset, titles)
    cases: list[TypedCase] = []
    unresolved: list[Unresolved] = []
    seen_ids: dict[str, int] = {}
    for index, case in enumerate(items):
        if not isinstance(case, dict):
            raise ConfigError(f"{source}: {_where(index, None)}: expected an object with \"text\" and "
                              f"\"targets\", got {_kind(case)}")
        given = _text_field(case, "id", _where(index, None), source)
        where = _where(index, given)
        if given is not None and given in seen_ids:
            raise ConfigError(f"{source}: {where}: field 'id' repeats the id of case {seen_ids[given] + 1}")
        case_id = given or f"case-{index + 1}"
        seen_ids[case_id] = index
        text = case.get("text")
        if not isinstance(text, str):
            raise ConfigError(f"{source}: {where}: field 'text' must be text, got "
                              f"{'nothing' if 'text' not in case else _kind(text)}")
        if not text.strip():
            raise ConfigError(f"{source}: {where}: field 'text' is empty")
        if len(text) > MAX_TEXT_CHARS:
            raise ConfigError(f"{source}: {where}: field 'text' has {len(text):,} characters; "
                              f"the limit is {MAX_TEXT_CHARS:,}")
        split = _text_field(case, "split", where, source)
        targets, miss_t = _refs(case, "targets", where, source, resolve, index, case_id, required=True)
        if not targets:
            shown = ", ".join(repr(u.value) for u in miss_t[:3]) + (", ..." if len(miss_t) > 3 else "")
            raise ConfigError(f"{source}: {where}: field 'targets': no entry names an item of the dataset "
                              f"({shown})")
        mentioned, miss_m = _refs(case, "mentioned", where, source, resolve, index, case_id, required=False)
        cases.append(TypedCase(index=index, id=case_id, text=text.strip(), targets=targets,
                               mentioned=mentioned, split=split))
        unresolved += miss_t + miss_m
    return CaseSet(cases=tuple(cases), unresolved=tuple(unresolved), source=source, n_titles=resolve.n_titles)


def load_cases(
    source: Path | str | bytes, dataset: Dataset, *, titles: TitleResolver | None = None, name: str = ""
) -> CaseSet:
    """Read and check a cases file (a path or its bytes) against ``dataset``; raises ConfigError.

    ``titles`` resolves title entries (default: the dataset's :func:`title_resolver`)."""
    document, label = read_cases_document(source, name)
    return parse_cases(document, dataset, titles=titles if titles is not None else title_resolver(dataset),
                       source=label)


def title_resolver(dataset: Dataset) -> TitleResolver:
    """The catalogue's title matcher (:func:`core.interests.recognise.catalogue_index`, cached per dataset):
    the same one decomposition uses to recognise titles in typed text."""
    from core.interests.recognise import catalogue_index

    resolver: TitleResolver = catalogue_index(dataset)
    return resolver
