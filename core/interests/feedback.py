"""Real-time interest updates: a like / dislike names the item in the profile, and every event moves tag weights.

The update rule (one event on an item with vector ``x``):

1. **Match.** For every tag ``i`` with vector ``v_i`` the cosine ``m_i = x · v_i`` is turned into a match
   strength ``a_i ∈ [0, 1]``. With the catalogue's item vectors at hand the cosine is standardised
   against that tag's similarity to every item, ``z_i = (m_i - median_i) / std_i``, and
   ``a_i = clip((z_i - Z0) / (Z1 - Z0), 0, 1)`` (Z0 = 1, Z1 = 2: an item must stand out among the
   catalogue for this tag — absolute cosines are not comparable between Chinese and English tags).
   Without item vectors, ``a_i = clip((m_i - threshold) / (1 - threshold), 0, 1)``.
2. **Multiplicative step** (exponentiated gradient, so a weight never changes sign): with the event's
   signal ``s`` (like +1, click +0.3, dislike -1) and learning rate ``η``,
   ``w_i ← w_i · exp(η · s · a_i)`` for positive tags and ``w_i ← w_i · exp(-η · s · a_i)`` for negative
   tags (disliking an item near an avoided theme strengthens the avoidance; liking it softens it).
3. **Decay toward the original.** With the profile as first decomposed (``original``) and decay ``δ``,
   ``w_i ← (1 - δ) · w_i + δ · w⁰_i`` (``w⁰ = 0`` for tags that feedback added), so the effect of old
   events fades exponentially, by a factor ``(1 - δ)`` per event; :func:`decay_toward` applies the
   same pull without an event.
4. **Bounds and normalisation.** Every weight is floored at ``min_weight`` (feedback alone never
   deletes a tag; the person can), then positive weights are rescaled to sum to 1 and negative ones
   to ``profile.negative_scale``.
5. **The item itself joins the profile** (with the item's id, ``item_key``). A *like* adds it as a wanted tag
   of kind ``"item"`` (``key`` = the id, ``label`` = its title, ``source="feedback"``), the same kind of tag
   typing "like <title>" produces through recognition: the ranking stage treats it as pseudo-history
   (item-kNN, the graph walk, MF fold-in and the history vector start from it, like a watched film) and as
   seen (it leaves the list, :meth:`core.ranking.ranker.Ranker.known_items`). A *dislike* adds it as an
   avoided tag of kind ``"item"`` (as typing "not <title>" would): the ranking stage leaves it out of every
   list and pushes its neighbours down in every channel. So 👍 and 👎 always act on the item, even when no
   tag weight moves. An item already named with that polarity is not added again; feedback of the other
   polarity on the same item replaces an earlier feedback tag (the person changed their mind; typed tags
   are never removed). At most ``max_item_tags`` feedback item tags of each polarity are kept (the oldest
   goes first). Its initial weight is ``η`` times the mean weight of its polarity.
6. **Unmatched items without an id.** When no ``item_key`` is given and ``a_i = 0`` for every tag, a *like*
   (not a click) adds the item as a free-text tag (its vector the item vector, same initial weight) and a
   *dislike* as an avoided one, so "more like this" / "less like this" work even for interests the text
   never mentioned. At most ``max_feedback_tags`` such tags are kept (the weakest one is replaced).

Tag weights still move as a consequence (steps 1-4); they are not the only effect.

Consequences (tested): a like never lowers the share of the tag that matches the item best and a
dislike never raises it; tags the item does not match keep their ratios to each other; weights stay
finite, positive and normalised; with no further events :func:`decay_toward` converges to the original.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from core.common.errors import InterestLensError
from core.interests.editing import renormalise
from core.interests.profile import InterestProfile, InterestTag, refresh_notices

Event = Literal["like", "dislike", "click"]
EVENT_SIGNAL: dict[str, float] = {"like": 1.0, "click": 0.3, "dislike": -1.0}
Z0 = 1.0
Z1 = 2.0


@dataclass(frozen=True)
class FeedbackParams:
    """Knobs of the update rule (module docstring)."""

    learning_rate: float = 0.5
    decay: float = 0.1
    threshold: float = 0.35
    """Cosine threshold used only when no catalogue vectors are given."""
    min_weight: float = 0.01
    add_unmatched: bool = True
    max_feedback_tags: int = 5
    """Free-text feedback tags kept (step 6)."""
    max_item_tags: int = 50
    """Feedback item tags kept per polarity (step 5): liked / disliked items stay seen / avoided until then."""


def match_strength(
    profile: InterestProfile,
    item_vector: np.ndarray,
    item_vectors: np.ndarray | None = None,
    threshold: float = FeedbackParams.threshold,
) -> np.ndarray:
    """Match strength ``a_i`` in [0, 1] of the item for every tag (0 for tags without a vector)."""
    x = np.asarray(item_vector, dtype=np.float64).ravel()
    nx = float(np.linalg.norm(x))
    out = np.zeros(len(profile.tags), dtype=np.float64)
    if nx == 0.0 or not np.isfinite(nx):
        return out
    x = x / nx
    have = [i for i, t in enumerate(profile.tags) if t.vector is not None]
    if not have:
        return out
    tv = np.stack([np.asarray(profile.tags[i].vector, dtype=np.float64).ravel() for i in have])
    tv = tv / np.maximum(np.linalg.norm(tv, axis=1, keepdims=True), 1e-12)
    cos = tv @ x
    if item_vectors is not None and len(item_vectors) > 1:
        sims = np.asarray(item_vectors, dtype=np.float32) @ tv.astype(np.float32).T  # (n_items, n_tags)
        med = np.median(sims, axis=0).astype(np.float64)
        std = np.maximum(sims.std(axis=0).astype(np.float64), 1e-9)
        strength = np.clip(((cos - med) / std - Z0) / (Z1 - Z0), 0.0, 1.0)
    else:
        strength = np.clip((cos - threshold) / max(1e-9, 1.0 - threshold), 0.0, 1.0)
    out[have] = strength
    return out


def apply_feedback(
    profile: InterestProfile,
    item_vector: np.ndarray,
    event: Event,
    *,
    original: InterestProfile | None = None,
    item_vectors: np.ndarray | None = None,
    item_label: str = "",
    item_key: str | None = None,
    params: FeedbackParams | None = None,
) -> InterestProfile:
    """A new profile after one like / dislike / click on an item (rule in the module docstring).

    ``original`` is the profile the decay pulls back to (None: no decay); ``item_vectors`` calibrate
    the match strengths; ``item_label`` names a tag added for an unmatched item; ``item_key`` (the item's
    id) lets a dislike name the item itself as avoided (step 6).
    """
    p = params or FeedbackParams()
    if event not in EVENT_SIGNAL:
        raise InterestLensError(f"Unknown feedback event '{event}': use like, dislike or click.")
    if not (math.isfinite(p.learning_rate) and p.learning_rate >= 0 and 0.0 <= p.decay <= 1.0):
        raise InterestLensError("Feedback needs a non-negative learning rate and a decay in [0, 1].")
    signal = EVENT_SIGNAL[event]
    strength = match_strength(profile, item_vector, item_vectors, p.threshold)
    tags = list(profile.tags)
    for i, tag in enumerate(tags):
        step = p.learning_rate * signal * strength[i] * (1.0 if tag.polarity > 0 else -1.0)
        tags[i] = replace(tag, weight=float(tag.weight) * math.exp(step))
    if item_key is not None and event != "click":
        tags = _add_named_item(tags, item_vector, 1 if signal > 0 else -1, item_label, item_key, p,
                               profile.negative_scale)
    elif not strength.any() and p.add_unmatched and event != "click":
        tags = _add_item_tag(tags, item_vector, 1 if signal > 0 else -1, item_label, p, profile.negative_scale)
    updated = replace(profile, tags=tags)
    if original is not None and p.decay > 0:
        updated = _pull(updated, original, p.decay)
    bounded = _bounded(updated, p.min_weight)
    return replace(bounded, notices=refresh_notices(bounded.notices, bounded.tags))


def _start_weight(tags: list[InterestTag], polarity: int, p: FeedbackParams, neg_scale: float) -> float:
    """The weight a tag added by feedback starts with: ``η`` times the mean weight of its polarity."""
    same = [t.weight for t in tags if t.polarity == polarity]
    base = float(np.mean(same)) if same else (1.0 if polarity > 0 else neg_scale)
    return max(p.min_weight, p.learning_rate * base)


def _unit(item_vector: np.ndarray) -> np.ndarray:
    vec = np.asarray(item_vector, dtype=np.float32).ravel()
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm > 0 else vec


def _add_named_item(
    tags: list[InterestTag],
    item_vector: np.ndarray,
    polarity: int,
    label: str,
    key: str,
    p: FeedbackParams,
    neg_scale: float,
) -> list[InterestTag]:
    """``tags`` with the item named as wanted / avoided (step 5): nothing is added when a tag of that polarity
    already names it; an earlier feedback tag of the other polarity on it goes; the oldest feedback item tag
    of the polarity makes room beyond ``max_item_tags``."""
    if any(t.kind == "item" and t.key == key and t.polarity == polarity for t in tags):
        return tags
    tags = [t for t in tags if not (t.source == "feedback" and t.kind == "item" and t.key == key)]
    tag = InterestTag(
        text=label or key,
        weight=_start_weight(tags, polarity, p, neg_scale),
        polarity=polarity,
        vector=_unit(item_vector),
        source="feedback",
        grounding=1.0,
        grounded=True,
        kind="item",
        key=key,
        label=label or None,
    )
    fed = [i for i, t in enumerate(tags) if t.source == "feedback" and t.kind == "item" and t.polarity == polarity]
    if len(fed) >= max(1, p.max_item_tags):
        tags = [t for i, t in enumerate(tags) if i != fed[0]]
    return [*tags, tag]


def _add_item_tag(
    tags: list[InterestTag],
    item_vector: np.ndarray,
    polarity: int,
    label: str,
    p: FeedbackParams,
    neg_scale: float,
) -> list[InterestTag]:
    """``tags`` plus an unmatched item as a free-text feedback tag (step 6); the weakest free-text feedback tag
    makes room beyond ``max_feedback_tags``; a tag of the same text is not added twice."""
    tag = InterestTag(
        text=label or "item",
        weight=_start_weight(tags, polarity, p, neg_scale),
        polarity=polarity,
        vector=_unit(item_vector),
        source="feedback",
        grounding=1.0,
        grounded=True,
    )
    if any(t.source == "feedback" and t.polarity == polarity and t.kind != "item" and t.text == tag.text
           for t in tags):
        return tags
    fed = [i for i, t in enumerate(tags) if t.source == "feedback" and t.kind != "item"]
    if len(fed) >= p.max_feedback_tags:
        weakest = min(fed, key=lambda i: tags[i].weight)
        tags = [t for i, t in enumerate(tags) if i != weakest]
    return [*tags, tag]


def _pull(profile: InterestProfile, original: InterestProfile, decay: float) -> InterestProfile:
    """``w ← (1 - decay) · w + decay · w⁰`` tag by tag (matched by text and polarity; w⁰ = 0 if new)."""
    ref = {(t.text, t.polarity): float(t.weight) for t in original.tags}
    tags = [
        replace(t, weight=(1.0 - decay) * float(t.weight) + decay * ref.get((t.text, t.polarity), 0.0))
        for t in profile.tags
    ]
    return replace(profile, tags=tags)


def _bounded(profile: InterestProfile, min_weight: float) -> InterestProfile:
    tags = [
        replace(t, weight=max(min_weight, float(t.weight)) if math.isfinite(t.weight) else min_weight)
        for t in profile.tags
    ]
    return renormalise(replace(profile, tags=tags))


def decay_toward(
    profile: InterestProfile, original: InterestProfile, steps: int = 1, decay: float = FeedbackParams.decay
) -> InterestProfile:
    """Apply the decay of the update rule ``steps`` times without an event (weights drift back)."""
    if not 0.0 <= decay <= 1.0:
        raise InterestLensError("decay must be in [0, 1].")
    out = profile
    for _ in range(max(0, int(steps))):
        out = _pull(out, original, decay)
    return _bounded(out, FeedbackParams.min_weight)


FeedbackStep = tuple[int, Event, str]
"""One feedback event to replay: (item position, like | dislike | click, item title)."""


def replay(
    profile: InterestProfile,
    steps: Sequence[FeedbackStep],
    item_vectors: np.ndarray,
    original: InterestProfile | None = None,
    item_ids: Sequence[str] | np.ndarray | None = None,
) -> InterestProfile:
    """``profile`` after the feedback ``steps`` in order, each one :func:`apply_feedback` pulled back toward
    ``original`` (default: ``profile``, the decomposition); the title names a tag added for an item no tag
    matches, and with ``item_ids`` (the catalogue's ids by position) a dislike names the item itself.
    Replaying the workspace's stored events gives the profile the live session had."""
    anchor = profile if original is None else original
    current = profile
    for item, event, title in steps:
        key = str(item_ids[item]) if item_ids is not None else None
        current = apply_feedback(current, item_vectors[item], event, original=anchor,
                                 item_vectors=item_vectors, item_label=title, item_key=key)
    return current


@dataclass(frozen=True)
class ListChange:
    """What one feedback event on ``item`` changed in the shown list (item positions, best first).

    ``rank_before`` / ``rank_after``: the item's 1-based rank in each list (None: not listed). Of the other
    items, ``entered`` are new in the list and ``left`` dropped out of it; ``moved_up`` / ``moved_down`` are in
    both lists and rank better / worse *among the items in both*: the item leaving (everyone below it moving
    up one place) or a new item coming in above is not counted as a move (each in the order of its list)."""

    item: int
    event: Event
    rank_before: int | None
    rank_after: int | None
    entered: tuple[int, ...]
    left: tuple[int, ...]
    moved_up: tuple[int, ...]
    moved_down: tuple[int, ...]

    @property
    def removed(self) -> bool:
        """The item was listed before and is not any more."""
        return self.rank_before is not None and self.rank_after is None

    @property
    def others_unchanged(self) -> bool:
        """Apart from the item itself, the list holds the same items in the same order."""
        return not (self.entered or self.left or self.moved_up or self.moved_down)

    @property
    def unchanged(self) -> bool:
        """Nothing in the list changed, the item included."""
        return self.others_unchanged and self.rank_before == self.rank_after


def list_change(before: Sequence[int], after: Sequence[int], item: int, event: Event) -> ListChange:
    """The :class:`ListChange` between the list shown before an event on ``item`` and the list after it."""
    old = [int(i) for i in before]
    new = [int(i) for i in after]
    item = int(item)
    old_set, new_set = set(old) - {item}, set(new) - {item}
    kept_old = [i for i in old if i in new_set]
    kept_new = [i for i in new if i in old_set]
    old_rank = {i: r for r, i in enumerate(kept_old)}
    new_rank = {i: r for r, i in enumerate(kept_new)}
    return ListChange(
        item=item,
        event=event,
        rank_before=old.index(item) + 1 if item in old else None,
        rank_after=new.index(item) + 1 if item in new else None,
        entered=tuple(i for i in new if i in new_set and i not in old_set),
        left=tuple(i for i in old if i in old_set and i not in new_set),
        moved_up=tuple(i for i in kept_new if new_rank[i] < old_rank[i]),
        moved_down=tuple(i for i in kept_new if new_rank[i] > old_rank[i]),
    )
