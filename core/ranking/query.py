"""What a ranked list is asked for: a :class:`Query` (a known user, typed interests, or both).

The profile side is a protocol, so the ranking stage depends on the shape of typed interests, not on
the interests stage's classes: :class:`core.interests.profile.InterestProfile` implements it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

Composition = Literal["single", "multi"]


@runtime_checkable
class TagLike(Protocol):
    """One weighted interest tag (``core.interests.profile.InterestTag``)."""

    @property
    def text(self) -> str:
        """The tag as shown to the user."""
        ...

    @property
    def weight(self) -> float:
        """Non-negative weight."""
        ...

    @property
    def polarity(self) -> int:
        """+1 for wanted, -1 for avoided."""
        ...

    @property
    def vector(self) -> np.ndarray | None:
        """The tag's embedding (unit norm), if any."""
        ...


@runtime_checkable
class ProfileLike(Protocol):
    """Typed interests decomposed into tags (``core.interests.profile.InterestProfile``)."""

    @property
    def tags(self) -> Sequence[TagLike]:
        """The tags, positive and negative."""
        ...

    def composed_vector(self) -> np.ndarray | None:
        """Weighted sum of tag vectors (negatives subtract), L2-normalised; None without vectors."""
        ...


@dataclass(frozen=True, eq=False)
class Query:
    """Who or what to recommend for: a known user, typed interests, or both; ``now`` in epoch seconds.

    ``composition`` chooses how the semantic channel composes the profile's tags (``"single"``: one
    composed vector; ``"multi"``: one neighbour list per tag); None uses the channel's parameter.
    """

    user_id: str | None = None
    profile: ProfileLike | None = None
    now: float | None = None
    composition: Composition | None = None

    def key(self) -> tuple[Any, ...]:
        """A hashable identity for caches: user, time, composition and the profile's tags."""
        tags: tuple[tuple[str, float, int, str, str], ...] = ()
        if self.profile is not None:
            tags = tuple((str(t.text), round(float(t.weight), 9), int(t.polarity), str(getattr(t, "kind", "text")),
                          str(getattr(t, "key", None))) for t in self.profile.tags)
        return (self.user_id, self.now, self.composition, tags)


def positive_tags(profile: ProfileLike) -> list[TagLike]:
    """Tags with positive polarity and positive weight."""
    return [t for t in profile.tags if int(t.polarity) >= 0 and float(t.weight) > 0]


def negative_tags(profile: ProfileLike) -> list[TagLike]:
    """Tags with negative polarity (things to avoid) and positive weight."""
    return [t for t in profile.tags if int(t.polarity) < 0 and float(t.weight) > 0]
