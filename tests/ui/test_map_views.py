"""Whose recommendations the Map draws (ui.map_views.recs_source): the typed interests as the Interests page
ranks them, a user picked on the map, or nobody when nothing is typed (never a stale user's list)."""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from core.engine import Engine
from core.interests.profile import InterestProfile, InterestTag
from ui import map_views as mv
from ui.i18n import t
from ui.state import FusionState, InterestsState


class _Engine:
    """Stands in for Engine.profile_for (the only engine call on this path): history mixed in with a user."""

    def profile_for(self, typed: InterestProfile | None, user_id: str | None, alpha: float) -> InterestProfile | None:
        if user_id is None:
            return typed if typed is not None and typed.tags else None
        history = InterestTag(f"history of {user_id}", 1.0, vector=np.ones(4, dtype=np.float32))
        tags = [*(typed.tags if typed is not None else []), history]
        return InterestProfile(typed.text if typed is not None else "", tags)


ENGINE = cast(Engine, _Engine())
TYPED = InterestProfile("科幻和喜剧", [InterestTag("科幻", 0.6, vector=np.ones(4, dtype=np.float32)),
                                      InterestTag("喜剧", 0.4, vector=np.ones(4, dtype=np.float32))])


def _tr(lang: str) -> Any:
    return lambda key, **kw: t(key, lang, **kw)


def test_typed_interests_are_the_default_list() -> None:
    source = mv.recs_source(ENGINE, InterestsState(profile=TYPED, composition="multi"), FusionState(), None)
    assert source.who == "typed" and source.query is not None
    assert source.query.profile is TYPED and source.query.user_id is None
    assert source.query.composition == "multi"  # the Interests page's composition mode
    assert mv.recs_label(source, _tr("en")) == "Recommended · your interests"
    assert "Interests page" in mv.recs_caption(source, 10, _tr("en"))


def test_the_shared_user_is_mixed_in_and_named() -> None:
    source = mv.recs_source(ENGINE, InterestsState(profile=TYPED), FusionState(user_id="42"), None)
    assert source.who == "typed_user" and source.user_id == "42" and source.query is not None
    assert source.query.user_id == "42" and source.query.profile is not None
    assert [tag.text for tag in source.query.profile.tags][-1] == "history of 42"
    assert mv.recs_label(source, _tr("zh")) == "推荐 · 你的兴趣 + 用户 42"


def test_a_picked_user_replaces_the_list_and_the_legend_says_so() -> None:
    source = mv.recs_source(ENGINE, InterestsState(profile=TYPED), FusionState(), "7")
    assert source.who == "user" and source.query is not None
    assert source.query.user_id == "7" and source.query.profile is None
    assert mv.recs_label(source, _tr("en")) == "Recommended · user 7"
    # user ids are data: Markdown in them is shown literally in the caption
    hostile = mv.recs_source(ENGINE, InterestsState(), FusionState(), "**x**")
    assert "\\*\\*x\\*\\*" in mv.recs_caption(hostile, 5, _tr("en"))


def test_nothing_typed_draws_no_list_even_with_a_shared_user() -> None:
    for interests in (InterestsState(), InterestsState(profile=InterestProfile("", []))):
        for fusion in (FusionState(), FusionState(user_id="1")):
            source = mv.recs_source(ENGINE, interests, fusion, None)
            assert source.who == "none" and source.query is None
    none = mv.RecsSource("none")
    assert mv.recs_caption(none, 0, _tr("zh")).startswith("还没有输入兴趣")
    assert mv.recs_caption(none, 0, _tr("en")).startswith("No interests typed yet")
