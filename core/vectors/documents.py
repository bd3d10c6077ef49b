"""Item documents: the text each item is encoded from, built from a template over its metadata.

The default template joins title, category, tags (MovieLens genres), the users' own free-text tags (most
frequent first) and the description; empty fields drop out with their separators.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from core.common.errors import ConfigError

if TYPE_CHECKING:
    from core.data.dataset import Dataset

DEFAULT_TEMPLATE = "{title}. {category}. {tags}. {user_tags}. {description}"
"""Default item document: title, category, tags (MovieLens genres), users' free-text tags, description."""

PEOPLE_TEMPLATE = "{title}. {category}. {tags}. {people}. {user_tags}. {description}"
"""The default for catalogues with a ``people`` column (directors, cast …): the names join the document."""

TEMPLATE_FIELDS: tuple[str, ...] = ("title", "category", "tags", "people", "user_tags", "description", "year")
"""Placeholders an item-document template may use."""


def default_template(dataset: Dataset) -> str:
    """:data:`PEOPLE_TEMPLATE` when the items have a ``people`` column, else :data:`DEFAULT_TEMPLATE` (so the
    documents, and their cached vectors, of catalogues without people never change)."""
    return PEOPLE_TEMPLATE if "people" in dataset.items.columns else DEFAULT_TEMPLATE

MAX_USER_TAGS = 8
"""How many of an item's user-written tags (most frequent first) go into its document."""

_IGNORED_TAGS = frozenset({"(no genres listed)"})
_LEADING_JUNK = re.compile(r"^[\s.,;:|·，。；、\-]+")


_CLOSERS = ")]}）】」》"


def _parse_template(
    template: str, allowed: Sequence[str] = TEMPLATE_FIELDS
) -> list[tuple[str, str | None, str]]:
    """Split a template into (prefix, field, suffix) pieces; raise ConfigError on unknown fields.

    The literal text before a field is its prefix, except closing brackets at the start of that text,
    which are the previous field's suffix (so ``"({year})"`` keeps its ``)`` with the year).
    """
    pieces: list[tuple[str, str | None, str]] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ConfigError(f"Item document template is malformed: {exc}") from exc
    for literal, field_name, spec, conversion in parsed:
        if field_name is not None and field_name not in allowed:
            raise ConfigError(
                f"Unknown field '{{{field_name}}}' in the item document template; "
                f"use some of {', '.join('{' + f + '}' for f in allowed)}."
            )
        if spec or conversion:
            raise ConfigError("Item document template fields take no format spec or conversion.")
        prefix = literal
        if pieces and pieces[-1][1] is not None:
            closing = len(literal) - len(literal.lstrip(_CLOSERS))
            prev_prefix, prev_field, prev_suffix = pieces[-1]
            pieces[-1] = (prev_prefix, prev_field, prev_suffix + literal[:closing])
            prefix = literal[closing:]
        pieces.append((prefix, field_name or None, ""))
    if not any(name for _, name, _ in pieces):
        raise ConfigError("The item document template must contain at least one field such as {title}.")
    return pieces


def aggregate_user_tags(dataset: Dataset, max_tags: int = MAX_USER_TAGS) -> list[list[str]]:
    """Per item (by index): the users' free-text tags, most frequent first (ties alphabetical), capped.

    Tags are compared case-insensitively after trimming; the first spelling seen is shown.
    """
    out: list[list[str]] = [[] for _ in range(dataset.n_items)]
    frame = dataset.user_tags
    if frame is None or len(frame) == 0 or max_tags <= 0:
        return out
    if not {"item_id", "tag"} <= set(frame.columns):
        return out
    item_idx = frame["item_id"].astype(str).map(dataset.item_index)
    tags = frame["tag"].fillna("").astype(str).str.strip()
    ok = item_idx.notna() & (tags != "")
    work = pd.DataFrame({"item": item_idx[ok].astype(int), "tag": tags[ok]})
    work["key"] = work["tag"].str.casefold()
    grouped = work.groupby(["item", "key"], sort=False)
    counts = grouped.agg(n=("tag", "size"), tag=("tag", "first")).reset_index()
    counts = counts.sort_values(["item", "n", "key"], ascending=[True, False, True], kind="stable")
    for item, group in counts.groupby("item", sort=False):
        out[int(str(item))] = group["tag"].head(max_tags).tolist()
    return out


def item_documents(
    dataset: Dataset, template: str = DEFAULT_TEMPLATE, max_user_tags: int = MAX_USER_TAGS
) -> list[str]:
    """One text per item (in item-index order) built from ``template``.

    Placeholders: ``{title}``, ``{category}``, ``{tags}`` (comma-joined; for MovieLens the genres),
    ``{people}`` (comma-joined names of the ``people`` column, empty without one),
    ``{user_tags}`` (users' free-text tags, most frequent first, at most ``max_user_tags``),
    ``{description}``, ``{year}``. The literal text before an empty field is dropped with it (closing
    brackets right after a field belong to that field), so "{title}. {category}. {tags}" or
    "{title} ({year})" never yield stray separators. When the template also holds
    ``{category}``, a tag equal to the category is not repeated in ``{tags}``. Any other text column of
    ``dataset.items`` (e.g. the bilingual demo's ``title_en``) may be used as a field too.
    """
    extra = [c for c in dataset.items.columns if isinstance(c, str) and c not in TEMPLATE_FIELDS
             and c.isidentifier() and (pd.api.types.is_string_dtype(dataset.items[c])
                                       or dataset.items[c].dtype == object)]
    pieces = _parse_template(template, (*TEMPLATE_FIELDS, *extra))
    used = {name for _, name, _ in pieces if name is not None}
    items = dataset.items
    titles = items["title"].astype(str).tolist()
    categories = items["category"].astype(str).tolist()
    descriptions = items["description"].astype(str).tolist()
    tag_lists = items["tags"].tolist()
    people = items["people"].tolist() if "people" in items.columns else [()] * dataset.n_items
    years = items["year"].to_numpy(dtype=np.float64)
    user_tags = aggregate_user_tags(dataset, max_user_tags) if "user_tags" in used else None
    extra_values = {
        name: ["" if pd.isna(v) else str(v).strip() for v in items[name].tolist()]
        for name in used if name in extra
    }
    docs: list[str] = []
    for i in range(dataset.n_items):
        category = categories[i].strip()
        tags = [s for s in (str(t).strip() for t in tag_lists[i]) if s and s not in _IGNORED_TAGS]
        if "category" in used and category:
            tags = [t for t in tags if t.casefold() != category.casefold()]
        values = {
            "title": titles[i].strip(),
            "category": "" if category in _IGNORED_TAGS else category,
            "tags": ", ".join(dict.fromkeys(tags)),
            "people": ", ".join(dict.fromkeys(s for s in (str(p).strip() for p in people[i] or ()) if s)),
            "user_tags": ", ".join(user_tags[i]) if user_tags is not None else "",
            "description": descriptions[i].strip(),
            "year": str(int(years[i])) if np.isfinite(years[i]) else "",
        }
        for column_name, column in extra_values.items():
            values[column_name] = column[i]
        parts: list[str] = []
        for prefix, name, suffix in pieces:
            if name is None:
                parts.append(prefix)
            elif values[name]:
                parts.append(prefix + values[name] + suffix)
        text = _LEADING_JUNK.sub("", "".join(parts)).strip()
        docs.append(text or titles[i])
    return docs
