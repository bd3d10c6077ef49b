"""Editing a profile by hand: weights, polarity, removing and adding tags, applying an edited table.

Every function returns a new :class:`~core.interests.profile.InterestProfile` (profiles are never
mutated) whose weights are re-normalised by :func:`renormalise`: positive weights sum to 1, negative
ones to ``negative_scale``. A tag is named by its position or its text. The notices that follow from
the tags (``"only_negative"``, ``"contradiction"``: :func:`core.interests.profile.refresh_notices`) follow
the edits (set when no positive tag is left or a tag is both wanted and avoided, cleared when that ends).

Tag kinds (``item`` / ``attribute`` / ``text`` / ``gist``, see :class:`~core.interests.profile.InterestTag`)
follow the edits: weight and polarity changes keep a tag's match; :func:`set_match` changes or drops it;
a tag typed by hand (:func:`make_tag`, :func:`add_tag`) or whose text is edited in a table
(:func:`apply_table`) is matched against the catalogue (when one is given) and loses its old match
unless the new text names the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from core.common.errors import InterestLensError
from core.interests.aliases import fold
from core.interests.decompose import GROUNDING_THRESHOLD, grounding_scores
from core.interests.profile import TAG_KINDS, InterestProfile, InterestTag, TextEncoder, refresh_notices
from core.interests.recognise import CatalogueIndex
from core.interests.text import WORD_KINDS, normalise, strip_markup, tokenize


def renormalise(profile: InterestProfile, fixed: int | None = None) -> InterestProfile:
    """Rescale weights so positives sum to 1 and negatives to ``negative_scale``.

    With ``fixed`` (a tag position), that tag keeps its weight (clipped to the group total) and the
    others of its polarity share the remainder in their current proportions.
    """
    tags = list(profile.tags)
    for polarity, total in ((1, 1.0), (-1, profile.negative_scale)):
        idx = [i for i, t in enumerate(tags) if t.polarity == polarity]
        if not idx:
            continue
        weights = np.array([max(0.0, float(tags[i].weight)) for i in idx])
        if fixed is not None and fixed in idx and len(idx) > 1:
            pos = idx.index(fixed)
            keep = min(weights[pos], total)
            others = np.delete(weights, pos)
            rest = total - keep
            others = others / others.sum() * rest if others.sum() > 0 else np.full(len(others), rest / len(others))
            weights = np.insert(others, pos, keep)
        else:
            s = weights.sum()
            weights = weights / s * total if s > 0 else np.full(len(idx), total / len(idx))
        for i, w in zip(idx, weights, strict=True):
            tags[i] = replace(tags[i], weight=float(w))
    return replace(profile, tags=tags)


def _position(profile: InterestProfile, tag: int | str) -> int:
    if isinstance(tag, int):
        if not 0 <= tag < len(profile.tags):
            raise InterestLensError(f"No tag at position {tag} (the profile has {len(profile.tags)}).")
        return tag
    for i, t in enumerate(profile.tags):
        if t.text == tag:
            return i
    raise InterestLensError(f"No tag named '{tag}' in the profile.")


def _with_tags(profile: InterestProfile, tags: list[InterestTag], fixed: int | None = None) -> InterestProfile:
    """``profile`` with ``tags``, the notices that follow from the tags brought up to date, re-normalised."""
    return renormalise(replace(profile, tags=tags, notices=refresh_notices(profile.notices, tags)), fixed=fixed)


def set_weight(profile: InterestProfile, tag: int | str, weight: float) -> InterestProfile:
    """A new profile where ``tag`` has ``weight`` and the other tags of its polarity share the rest."""
    if not math.isfinite(weight) or weight < 0:
        raise InterestLensError(f"A tag weight must be a non-negative number, got {weight}.")
    i = _position(profile, tag)
    tags = list(profile.tags)
    tags[i] = replace(tags[i], weight=float(weight))
    return renormalise(replace(profile, tags=tags), fixed=i)


def set_polarity(profile: InterestProfile, tag: int | str, polarity: int) -> InterestProfile:
    """A new profile with ``tag`` switched to ``polarity`` (+1 / -1), both groups re-normalised."""
    if polarity not in (1, -1):
        raise InterestLensError(f"Polarity must be +1 or -1, got {polarity}.")
    i = _position(profile, tag)
    tags = list(profile.tags)
    source = "edited" if tags[i].polarity != polarity else tags[i].source
    tags[i] = replace(tags[i], polarity=polarity, source=source)
    return _with_tags(profile, tags)


def remove_tag(profile: InterestProfile, tag: int | str) -> InterestProfile:
    """A new profile without ``tag``; the remaining tags are re-normalised."""
    i = _position(profile, tag)
    return _with_tags(profile, [t for j, t in enumerate(profile.tags) if j != i])


def _catalogue_match(
    text: str, catalogue: CatalogueIndex | None, kind: str | None, key: str | None
) -> tuple[str, str | None, str | None, int | None]:
    """(kind, key, label, item position) of a hand-made tag: the given match, or the one its whole text names."""
    if kind in ("text", "gist"):
        return kind, None, None, None
    if key:
        if catalogue is None:
            raise InterestLensError(f"Matching a tag to '{key}' needs the catalogue.")
        if key in catalogue.position and kind in (None, "item"):
            i = catalogue.position[key]
            return "item", key, catalogue.titles[i], i
        try:
            return "attribute", key, catalogue.attribute(key).label, None
        except KeyError:
            raise InterestLensError(f"No catalogue item or attribute '{key}'.") from None
    if catalogue is not None:
        found = catalogue.find(text)
        if len(found) == 1 and fold(found[0].surface) == fold(text):
            m = found[0]
            return m.kind, m.key, m.label, m.item_idx
    return "text", None, None, None


def make_tag(
    text: str,
    encoder: TextEncoder,
    item_vectors: np.ndarray | None,
    *,
    polarity: int = 1,
    weight: float = 0.0,
    source: str = "edited",
    grounding_threshold: float = GROUNDING_THRESHOLD,
    catalogue: CatalogueIndex | None = None,
    kind: str | None = None,
    key: str | None = None,
) -> InterestTag:
    """Embed and ground one tag typed by hand; with ``catalogue`` a text naming one title or attribute
    becomes that item / attribute tag (``kind`` / ``key`` force a match, ``kind="text"`` none)."""
    clean = normalise(strip_markup(str(text))[0])
    if not clean or not any(t.kind in WORD_KINDS for t in tokenize(clean)):
        raise InterestLensError("A tag needs at least one word.")
    if kind is not None and kind not in TAG_KINDS:
        raise InterestLensError(f"A tag kind must be one of {', '.join(TAG_KINDS)}, got '{kind}'.")
    kind, key, label, item = _catalogue_match(clean, catalogue, kind, key)
    if item is not None and item_vectors is not None:
        vec = np.asarray(item_vectors[item : item + 1], dtype=np.float32)
    else:
        vec = np.asarray(encoder.encode([label if kind == "attribute" and label else clean]), dtype=np.float32)
    ground = float(grounding_scores(vec, item_vectors, None)[0])
    return InterestTag(
        text=clean,
        weight=float(weight),
        polarity=1 if polarity >= 0 else -1,
        vector=vec[0],
        source="gist" if kind == "gist" else source,
        grounding=ground,
        grounded=bool(kind != "text" or math.isnan(ground) or ground >= grounding_threshold),
        kind=kind,
        key=key,
        label=label,
    )


def set_match(
    profile: InterestProfile,
    tag: int | str,
    encoder: TextEncoder,
    item_vectors: np.ndarray | None,
    *,
    kind: str,
    key: str | None = None,
    catalogue: CatalogueIndex | None = None,
) -> InterestProfile:
    """A new profile where ``tag`` is matched to ``key`` (kind ``item`` / ``attribute``) or unmatched
    (kind ``text``); its text, weight and polarity stay."""
    i = _position(profile, tag)
    old = profile.tags[i]
    new = make_tag(old.text, encoder, item_vectors, polarity=old.polarity, weight=old.weight,
                   catalogue=catalogue, kind=kind, key=key)
    tags = list(profile.tags)
    tags[i] = new
    return _with_tags(profile, tags, fixed=i)


def add_tag(
    profile: InterestProfile,
    text: str,
    encoder: TextEncoder,
    item_vectors: np.ndarray | None,
    *,
    polarity: int = 1,
    weight: float | None = None,
    catalogue: CatalogueIndex | None = None,
) -> InterestProfile:
    """A new profile with a hand-typed tag (weight default: the mean of its polarity group), re-normalised."""
    same = [t.weight for t in profile.tags if t.polarity == (1 if polarity >= 0 else -1)]
    w = float(weight) if weight is not None else (float(np.mean(same)) if same else 1.0)
    tag = make_tag(text, encoder, item_vectors, polarity=polarity, weight=w, catalogue=catalogue)
    if any(t.text == tag.text and t.polarity == tag.polarity for t in profile.tags):
        return profile
    tags = [*profile.tags, tag]
    return _with_tags(profile, tags, fixed=len(tags) - 1 if weight is not None else None)


def apply_table(
    profile: InterestProfile,
    rows: Sequence[dict[str, Any]],
    encoder: TextEncoder,
    item_vectors: np.ndarray | None,
    catalogue: CatalogueIndex | None = None,
) -> InterestProfile:
    """Apply an edited tag table (rows of ``text``, ``weight``, ``polarity``, optionally ``kind``, ``key``,
    ``label``) as a new profile.

    A row whose text is an existing tag's reuses that tag (vector, kind, match) unless its ``kind`` /
    ``key`` cells differ: then it is rebuilt with them (``kind`` ``"text"`` drops the match). A row with a
    new text (edited or added) is a new tag (source ``"edited"``) matched by its text alone (a stale
    ``kind`` / ``key`` copied from the edited row is ignored). Missing tags are removed; invalid weights
    become 0; weights are re-normalised.
    """
    known = {t.text: t for t in profile.tags}
    old_keys = {t.key for t in profile.tags if t.key is not None}
    tags: list[InterestTag] = []
    seen: set[tuple[str, int]] = set()
    for row in rows:
        text = str(row.get("text") or "").strip()
        if not text:
            continue
        try:
            weight = float(row.get("weight") or 0.0)
        except (TypeError, ValueError):
            weight = 0.0
        weight = weight if math.isfinite(weight) and weight > 0 else 0.0
        try:
            polarity = 1 if int(float(row.get("polarity") or 1)) >= 0 else -1
        except (TypeError, ValueError):
            polarity = 1
        if (text, polarity) in seen:
            continue
        seen.add((text, polarity))
        kind = _cell(row, "kind")
        key = _cell(row, "key")
        if text in known:
            base = known[text]
            if (kind is None or kind == base.kind) and (key is None or key == base.key or kind in ("text", "gist")):
                source = base.source if base.polarity == polarity else "edited"
                tags.append(replace(base, weight=weight, polarity=polarity, source=source))
                continue
        elif key in old_keys or (kind in ("item", "attribute") and key is None):
            kind, key = (kind if kind in ("text", "gist") else None), None
        tags.append(make_tag(text, encoder, item_vectors, polarity=polarity, weight=weight, catalogue=catalogue,
                             kind=kind, key=key))
    return _with_tags(profile, tags)


def _cell(row: dict[str, Any], column: str) -> str | None:
    """A table cell as text, None when absent or empty (NaN / None / "")."""
    value = row.get(column)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None
