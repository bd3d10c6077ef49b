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

An edited table's weights are the analyst's own numbers: only their ratios within a polarity group count
(:func:`shares`), so editing one leaves the others as typed. :func:`apply_table` refuses a negative or
infinite weight and a group whose weights are all 0 (:class:`TagWeightError`, with a code the UI translates):
avoiding a tag is its polarity, never a sign on its weight. :func:`table_weights` gives the typed weights of
the tags :func:`apply_table` keeps, in its order.
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


class TagWeightError(InterestLensError):
    """A tag table weight that cannot be applied: ``code`` is ``negative``, ``not_finite`` or ``all_zero``;
    ``text`` the tag (for ``all_zero``, the polarity group's first tag), ``value`` the weight."""

    def __init__(self, code: str, text: str, value: float, polarity: int = 1) -> None:
        messages = {
            "negative": f"Tag '{text}' has a negative weight ({value:g}); weights are 0 or more "
                        "(set its polarity to -1 to avoid it).",
            "not_finite": f"Tag '{text}' has a weight that is not a finite number ({value}).",
            "all_zero": "Every " + ("wanted" if polarity > 0 else "avoided") + " tag has weight 0; "
                        "give one a weight above 0 (or delete the rows).",
        }
        super().__init__(messages[code])
        self.code, self.text, self.value, self.polarity = code, text, value, polarity


def shares(profile: InterestProfile) -> list[float]:
    """Each tag's share (0..1) of its polarity group's total weight (equal shares when the total is 0)."""
    totals: dict[int, float] = {}
    counts: dict[int, int] = {}
    for tag in profile.tags:
        totals[tag.polarity] = totals.get(tag.polarity, 0.0) + max(0.0, float(tag.weight))
        counts[tag.polarity] = counts.get(tag.polarity, 0) + 1
    return [max(0.0, float(tag.weight)) / totals[tag.polarity] if totals[tag.polarity] > 0
            else 1.0 / counts[tag.polarity] for tag in profile.tags]


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


def _row_weight(row: dict[str, Any]) -> float:
    """A row's weight: unreadable or missing counts as 0; negative or infinite raises :class:`TagWeightError`."""
    raw = row.get("weight")
    try:
        weight = float(raw if raw is not None else 0.0)
    except (TypeError, ValueError):
        return 0.0
    if math.isnan(weight):
        return 0.0
    text = str(row.get("text") or "").strip()
    if not math.isfinite(weight):
        raise TagWeightError("not_finite", text, weight)
    if weight < 0:
        raise TagWeightError("negative", text, weight)
    return weight


def _row_polarity(row: dict[str, Any]) -> int:
    try:
        return 1 if int(float(row.get("polarity") or 1)) >= 0 else -1
    except (TypeError, ValueError):
        return 1


def _kept_rows(rows: Sequence[dict[str, Any]]) -> list[tuple[dict[str, Any], str, float, int]]:
    """(row, text, weight, polarity) of the rows :func:`apply_table` turns into tags, in order: blank texts and
    repeated (text, polarity) pairs are skipped; weights are checked (:func:`_row_weight`), and each polarity
    group needs one weight above 0."""
    kept: list[tuple[dict[str, Any], str, float, int]] = []
    seen: set[tuple[str, int]] = set()
    for row in rows:
        text = str(row.get("text") or "").strip()
        if not text:
            continue
        weight, polarity = _row_weight(row), _row_polarity(row)
        if (text, polarity) in seen:
            continue
        seen.add((text, polarity))
        kept.append((row, text, weight, polarity))
    for polarity in (1, -1):
        group = [(text, weight) for _, text, weight, p in kept if p == polarity]
        if group and not any(weight > 0 for _, weight in group):
            raise TagWeightError("all_zero", group[0][0], 0.0, polarity)
    return kept


def table_weights(rows: Sequence[dict[str, Any]]) -> list[float]:
    """The typed weights of the tags :func:`apply_table` makes of ``rows``, in the order of its tags."""
    return [weight for _, _, weight, _ in _kept_rows(rows)]


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
    ``kind`` / ``key`` copied from the edited row is ignored). Missing tags are removed. The weights are the
    analyst's: each group is re-normalised in their proportions (an unreadable weight counts as 0; a
    negative or infinite one, or a group of zeros, raises :class:`TagWeightError`).
    """
    known = {t.text: t for t in profile.tags}
    old_keys = {t.key for t in profile.tags if t.key is not None}
    tags: list[InterestTag] = []
    for row, text, weight, polarity in _kept_rows(rows):
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
