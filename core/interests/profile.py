"""The interest profile: weighted tags (:class:`InterestTag`) grouped into an :class:`InterestProfile`.

A profile is what every later step works on: :mod:`core.interests.decompose` builds one from typed
text, :mod:`core.interests.editing` and :mod:`core.interests.feedback` return edited copies,
:mod:`core.interests.history` builds tags from a user's history, and the ranking stage scores items
for it (it depends only on the shape, see ``core.ranking.query.ProfileLike``).

Weights are magnitudes; ``polarity`` says whether a tag is wanted (+1) or avoided (-1). Positive
weights sum to 1 and negative weights to ``negative_scale`` (:data:`NEGATIVE_SCALE` by default), so
one unwanted theme never outweighs everything the person does want. Profiles and tags are frozen:
every change returns a new object.

Two notices follow from the tags themselves and are brought up to date by :func:`refresh_notices` whenever
the tags change (decomposition, editing, feedback, the history mix): ``only_negative`` (only things to
avoid: nothing to search towards) and ``contradiction`` (the same title, attribute or text is both wanted
and avoided, "I like horror, no horror": both tags are kept and reported, never silently resolved; see
:meth:`InterestProfile.contradictions`).

The two collaborators the stage needs from :mod:`core.vectors` are narrowed to protocols here
(:class:`TextEncoder`, :class:`ItemIndex`), so tests can hand in small fakes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

MAX_CHARS = 1000
"""Longer input is truncated at a clause boundary (notice ``"truncated"``)."""
NEGATIVE_SCALE = 0.5
"""Negative tag weights sum to this (positive ones to 1)."""

Source = Literal["clause", "keyword", "phrase", "history", "edited", "feedback", "match", "fuzzy", "gist"]
TAG_KINDS: tuple[str, ...] = ("item", "attribute", "text", "gist")
"""What a tag is: a catalogue item named in the text (``key`` = its item id), an attribute (genre, tag,
person …; ``key`` = :class:`core.interests.recognise.Attribute` key), free text, or the gist (the whole text)."""

NOTICE_MESSAGES: dict[str, str] = {
    "truncated": f"The text was longer than {MAX_CHARS} characters; only the beginning was used.",
    "markup_removed": "HTML markup was removed from the text.",
    "ungrounded": "Some tags match nothing in the catalogue (flagged as ungrounded).",
    "only_negative": "Only things to avoid were found; nothing to search towards.",
    "contradiction": "Something is both wanted and avoided; both tags are kept: remove the one you do not mean.",
    "fallback_whole_text": "No separate interests were found; the whole text is used as one tag.",
    "no_catalogue": "No catalogue vectors were given, so grounding was not measured.",
}
"""English text for each notice code (the UI translates the codes through ui.i18n)."""


DERIVED_NOTICES: tuple[str, ...] = ("only_negative", "contradiction")
"""Notices computed from the tags (:func:`refresh_notices`), not from the text."""


class TextEncoder(Protocol):
    """What the stage needs of an encoder (``core.vectors.encoders.Encoder``): texts to unit vectors."""

    def encode(self, texts: Sequence[str], batch_size: int = ..., progress: Any = ...) -> np.ndarray:
        """A float32 array (len(texts), dim), rows L2-normalised."""
        ...


class ItemIndex(Protocol):
    """What the stage needs of a neighbour index (``core.vectors.index.NeighbourIndex``)."""

    def query(self, vectors: np.ndarray, k: int, exclude: Any = ...) -> tuple[np.ndarray, np.ndarray]:
        """k nearest ids (-1 padded) and cosine similarities (-inf padded) per query row."""
        ...


@dataclass(frozen=True, eq=False)
class InterestTag:
    """One weighted interest. ``weight`` is a magnitude; ``polarity`` +1 (want) or -1 (avoid).

    ``vector`` is the L2-normalised embedding (an item tag's is the item's own vector); ``grounding`` the
    catalogue support (see :mod:`core.interests.decompose`; NaN when unmeasured); ``relevance`` the cosine
    to the whole text. ``kind`` is one of :data:`TAG_KINDS`; a recognised tag (kind ``"item"`` or
    ``"attribute"``) carries the ``key`` it matched (item id / attribute key) and its ``label`` (the
    catalogue's text: ``"Clockwork Orange, A (1971)"``, ``"Sci-Fi"``), ``text`` being what the person wrote.
    History tags also carry their cluster's ``medoid_item`` and ``item_ids``.
    """

    text: str
    weight: float
    polarity: int = 1
    vector: np.ndarray | None = None
    source: str = "clause"
    grounding: float = float("nan")
    grounded: bool = True
    relevance: float = float("nan")
    score: float = float("nan")
    medoid_item: str | None = None
    item_ids: tuple[str, ...] = ()
    kind: str = "text"
    key: str | None = None
    label: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly view (no vector)."""
        out: dict[str, Any] = {
            "text": self.text,
            "weight": round(float(self.weight), 6),
            "polarity": int(self.polarity),
            "source": self.source,
            "grounding": None if math.isnan(self.grounding) else round(float(self.grounding), 4),
            "grounded": bool(self.grounded),
            "kind": self.kind,
        }
        if self.key is not None:
            out["key"] = self.key
        if self.label is not None:
            out["label"] = self.label
        if not math.isnan(self.relevance):
            out["relevance"] = round(float(self.relevance), 4)
        if self.medoid_item is not None:
            out["medoid_item"] = self.medoid_item
            out["n_items"] = len(self.item_ids)
        return out


@dataclass(frozen=True)
class Contradiction:
    """A title, attribute or text that tags of both polarities name: ``label`` (the catalogue's label, or
    the text), the tag ``kind`` and ``key`` (None for text), and the texts of the wanted and avoided tags."""

    label: str
    kind: str
    key: str | None
    wanted: tuple[str, ...]
    avoided: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly view."""
        return {"label": self.label, "kind": self.kind, "key": self.key, "wanted": list(self.wanted),
                "avoided": list(self.avoided)}


def _same(text: str) -> str:
    return " ".join(str(text).casefold().split())


def contradictions(tags: Sequence[InterestTag]) -> list[Contradiction]:
    """What ``tags`` both want and avoid (weight > 0; the gist is never counted): item / attribute tags with
    the same ``key``, text tags with the same words (case and spacing aside), in the order first named."""
    groups: dict[tuple[str, str], list[InterestTag]] = {}
    for tag in tags:
        if tag.kind == "gist" or not tag.weight > 0:
            continue
        matched = tag.kind in ("item", "attribute") and tag.key is not None
        group = ("match", str(tag.key)) if matched else ("text", _same(tag.text))
        groups.setdefault(group, []).append(tag)
    out: list[Contradiction] = []
    for (how, key), members in groups.items():
        wanted = tuple(dict.fromkeys(t.text for t in members if t.polarity > 0))
        avoided = tuple(dict.fromkeys(t.text for t in members if t.polarity < 0))
        if wanted and avoided:
            first = members[0]
            label = first.label if how == "match" and first.label else first.text
            out.append(Contradiction(str(label), first.kind if how == "match" else "text",
                                     key if how == "match" else None, wanted, avoided))
    return out


def refresh_notices(notices: Sequence[str], tags: Sequence[InterestTag]) -> tuple[str, ...]:
    """``notices`` with :data:`DERIVED_NOTICES` brought up to date for ``tags``: ``only_negative`` when there
    are tags and none is wanted, ``contradiction`` when :func:`contradictions` finds any."""
    out = [n for n in notices if n not in DERIVED_NOTICES]
    if tags and not any(t.polarity > 0 for t in tags):
        out.append("only_negative")
    if contradictions(tags):
        out.append("contradiction")
    return tuple(out)


@dataclass(frozen=True, eq=False)
class InterestProfile:
    """A decomposed interest statement: its tags, language and notices (codes of :data:`NOTICE_MESSAGES`).

    Positive tag weights sum to 1; negative weights sum to ``negative_scale`` (when there are any).
    """

    text: str
    tags: list[InterestTag]
    language: str = "unknown"
    notices: tuple[str, ...] = ()
    negative_scale: float = NEGATIVE_SCALE
    params: dict[str, Any] = field(default_factory=dict)

    def positive(self) -> list[InterestTag]:
        """Tags to search towards."""
        return [t for t in self.tags if t.polarity > 0]

    def negative(self) -> list[InterestTag]:
        """Tags to push away."""
        return [t for t in self.tags if t.polarity < 0]

    def contradictions(self) -> list[Contradiction]:
        """What the profile both wants and avoids (:func:`contradictions`)."""
        return contradictions(self.tags)

    def avoided_texts(self) -> list[str]:
        """The texts of the tags to avoid (weight > 0), distinct, in the order the text names them."""
        texts = list(dict.fromkeys(t.text for t in self.negative() if t.weight > 0))
        written = self.text.casefold()
        return sorted(texts, key=lambda x: written.find(x.casefold()) % (len(written) + 1))

    def composed_vector(self) -> np.ndarray | None:
        """``normalise(Σ w⁺·v⁺ − Σ w⁻·v⁻)`` (float32); None when no positive tag has a vector."""
        pos = [t for t in self.positive() if t.vector is not None and t.weight > 0]
        if not pos:
            return None
        acc = np.zeros_like(np.asarray(pos[0].vector, dtype=np.float64))
        for tag in self.tags:
            if tag.vector is None:
                continue
            acc += tag.polarity * float(tag.weight) * np.asarray(tag.vector, dtype=np.float64)
        norm = float(np.linalg.norm(acc))
        if norm == 0.0 or not np.isfinite(norm):
            return None
        return (acc / norm).astype(np.float32)

    def notice_details(self, code: str) -> dict[str, Any]:
        """A notice as data: its code, an English message naming the tags it is about, and those tags."""
        out: dict[str, Any] = {"code": code, "message": NOTICE_MESSAGES.get(code, code)}
        if code == "only_negative":
            avoided = self.avoided_texts()
            out["avoided"] = avoided
            if avoided:
                out["message"] = ("Only things to avoid were found; nothing to search towards: the list shows what "
                                  "the other signals rank highest outside " + ", ".join(avoided) + ".")
        elif code == "contradiction":
            found = self.contradictions()
            out["contradictions"] = [c.as_dict() for c in found]
            if found:
                parts = [f"'{c.label}' (wanted as {', '.join(repr(w) for w in c.wanted)}, avoided as "
                         f"{', '.join(repr(a) for a in c.avoided)})" for c in found]
                out["message"] = ("Both wanted and avoided: " + "; ".join(parts)
                                  + ". Both tags are kept and their items are not ruled out; remove the one you do "
                                  "not mean.")
        return out

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly view: text, language, notices (code, message, the tags concerned) and tags."""
        return {
            "text": self.text,
            "language": self.language,
            "notices": [self.notice_details(c) for c in self.notices],
            "tags": [t.as_dict() for t in self.tags],
        }
