"""The channel contract (``core.ranking.base``), run against every channel in the registry.

A channel added to :data:`core.ranking.registry.CHANNEL_TYPES` is picked up here automatically; it only
needs an entry in :data:`APPLICABLE` (a query it can score) and :data:`NOT_APPLICABLE` (contexts and
queries it cannot score, with the reason code), which :func:`test_every_channel_has_contract_fixtures`
demands.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from core.data.dataset import Dataset
from core.ranking.base import DROP_REASONS, Channel, ChannelContext, ChannelNotApplicable, Evidence
from core.ranking.explain import Reason
from core.ranking.query import Query
from core.ranking.registry import (
    CHANNEL_TYPES,
    CHANNELS,
    DEFAULT_WEIGHTS,
    ChannelParams,
    build_channels,
    make_channels,
)
from core.ranking.scoring import score_queries
from tests.ranking.test_channels import PARAMS, World, make_world
from ui.i18n import CATALOGUE
from ui.reasons import reason_text

QueryFn = Callable[[World], Query]

APPLICABLE: dict[str, QueryFn] = {
    "semantic": lambda w: Query(profile=w.profile("Sci-Fi")),
    "gist": lambda w: Query(profile=w.profile("Sci-Fi", "Comedy", gist=True)),
    "history": lambda w: Query(user_id="u3"),
    "mf": lambda w: Query(user_id="u3"),
    "item_knn": lambda w: Query(user_id="u3"),
    "ease": lambda w: Query(user_id="u3"),
    "rp3beta": lambda w: Query(user_id="u3"),
    "popularity": lambda w: Query(),
    "recency": lambda w: Query(),
    "graph": lambda w: Query(user_id="u3"),
    "learned": lambda w: Query(profile=w.profile("Sci-Fi")),
}
"""Per channel: a query it can score in the toy world."""

NOT_APPLICABLE: dict[str, list[tuple[str, QueryFn, str]]] = {
    "semantic": [("world", lambda w: Query(user_id="u3"), "no_profile"),
                 ("no_vectors", lambda w: Query(profile=w.profile("Sci-Fi")), "no_item_vectors")],
    "gist": [("world", lambda w: Query(user_id="u3"), "no_profile"),
             ("world", lambda w: Query(profile=w.profile("Sci-Fi")), "no_gist"),
             ("no_vectors", lambda w: Query(profile=w.profile("Sci-Fi", gist=True)), "no_item_vectors")],
    "history": [("world", lambda w: Query(profile=w.profile("Sci-Fi")), "no_user"),
                ("world", lambda w: Query(user_id="nobody"), "unknown_user"),
                ("no_vectors", lambda w: Query(user_id="u3"), "no_item_vectors")],
    "mf": [("world", lambda w: Query(profile=w.profile("Sci-Fi")), "no_user"),
           ("world", lambda w: Query(user_id="nobody"), "unknown_user")],
    "item_knn": [("world", lambda w: Query(), "no_user"),
                 ("world", lambda w: Query(user_id="nobody"), "unknown_user")],
    "ease": [("world", lambda w: Query(), "no_user"),
             ("world", lambda w: Query(user_id="nobody"), "unknown_user"),
             ("empty", lambda w: Query(user_id="u3"), "no_interactions")],
    "rp3beta": [("world", lambda w: Query(), "no_user"),
                ("world", lambda w: Query(user_id="nobody"), "unknown_user"),
                ("empty", lambda w: Query(user_id="u3"), "no_interactions")],
    "popularity": [("empty", lambda w: Query(), "no_interactions")],
    "recency": [("timeless", lambda w: Query(), "no_time")],
    "graph": [("world", lambda w: Query(), "no_seed"),
              ("bare", lambda w: Query(user_id="u3"), "no_attributes")],
    "learned": [("world", lambda w: Query(user_id="u3"), "no_profile"),
                ("no_vectors", lambda w: Query(profile=w.profile("Sci-Fi")), "no_item_vectors"),
                ("empty", lambda w: Query(profile=w.profile("Sci-Fi")), "no_interactions")],
}
"""Per channel: (context kind, query, expected reason code) it cannot score."""


def query_pool(w: World) -> list[Query]:
    """Varied queries: users, typed interests (with negatives, both compositions), both, explicit times."""
    return [
        Query(user_id="u3"),
        Query(user_id="u5"),
        Query(user_id="u10"),
        Query(user_id="u21"),
        Query(user_id="u3", now=1.6e9),
        Query(profile=w.profile("Sci-Fi")),
        Query(profile=w.profile("Comedy", "Drama", negative=("Horror",))),
        Query(profile=w.profile("Romance"), composition="single"),
        Query(profile=w.profile("Sci-Fi", "Comedy"), composition="multi"),
        Query(profile=w.profile("Comedy", "Drama", negative=("Horror",), gist=True)),
        Query(profile=w.profile("Horror", gist=True), composition="single"),
        Query(user_id="u5", profile=w.profile("Romance", "Sci-Fi", gist=True)),
        Query(user_id="u7", profile=w.profile("Documentary")),
        Query(now=1_500_000_000.0 + 5 * 86_400.0),
        Query(),
        Query(user_id="nobody"),
    ]


def _context(kind: str, world: World) -> ChannelContext:
    if kind == "world":
        return world.ctx()
    if kind == "no_vectors":
        return ChannelContext(world.dataset)
    if kind == "empty":
        empty = pd.DataFrame(columns=["user_id", "item_id", "rating", "timestamp", "event"])
        return ChannelContext(Dataset.from_frames("empty", empty, world.dataset.items[["item_id", "title"]]))
    if kind == "timeless":
        return make_world(timestamps=False, years=False).ctx()
    if kind == "bare":
        return make_world(genres=False, years=False).ctx()
    raise AssertionError(kind)


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


@pytest.fixture(scope="module")
def fitted(world: World) -> dict[str, Channel]:
    return build_channels(world.ctx(), PARAMS)


def test_every_channel_has_contract_fixtures() -> None:
    assert tuple(c.name for c in CHANNEL_TYPES) == CHANNELS
    assert len(set(CHANNELS)) == len(CHANNELS), "channel names must be unique"
    assert set(APPLICABLE) == set(CHANNELS)
    assert set(NOT_APPLICABLE) == set(CHANNELS)
    assert all(NOT_APPLICABLE[name] for name in CHANNELS)


def test_every_drop_reason_is_translated() -> None:
    missing = [code for code in DROP_REASONS if f"tuning.reason.{code}" not in CATALOGUE]
    assert missing == []


def _id(cls: Any) -> str:
    return str(cls.name)


@pytest.mark.parametrize("cls", CHANNEL_TYPES, ids=_id)
class TestChannelContract:
    """Every registered channel: parameters, construction, fit, ``why_not``, batch scores, evidence."""

    def test_class_attributes(self, cls: Any, fitted: dict[str, Channel]) -> None:
        assert isinstance(cls.name, str) and cls.name in CHANNELS
        assert isinstance(cls.default_weight, float) and cls.default_weight >= 0.0
        assert DEFAULT_WEIGHTS[cls.name] == cls.default_weight
        channel = fitted[cls.name]
        assert type(channel) is cls
        assert isinstance(channel, Channel)

    def test_params_is_a_frozen_dataclass(self, cls: Any) -> None:
        params_type = cls.Params
        assert dataclasses.is_dataclass(params_type) and isinstance(params_type, type)
        assert params_type.__dataclass_params__.frozen  # type: ignore[attr-defined]
        params = params_type()
        fields = dataclasses.fields(params)
        assert fields, "a channel without parameters should still say so with an empty Params"
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(params, fields[0].name, getattr(params, fields[0].name))
        assert hash(params) == hash(params_type()) and params == params_type()

    def test_constructor_stores_params_only(self, cls: Any) -> None:
        channel = cls()
        assert vars(channel) == {"params": cls.Params()}
        params = cls.Params()
        assert cls(params).params is params
        first = dataclasses.fields(params)[0]
        by_keyword = cls(**{first.name: getattr(params, first.name)})
        assert vars(by_keyword) == {"params": params}
        with pytest.raises(TypeError):
            cls(no_such_parameter=1)
        made = make_channels(ChannelParams())[cls.name]
        assert type(made) is cls and vars(made) == {"params": params}

    def test_fit_returns_self_and_learns_trailing_underscore_attributes(self, cls: Any, world: World) -> None:
        channel = cls(PARAMS.get(cls.name))
        assert channel.fit(world.ctx()) is channel
        public = [k for k in vars(channel) if not k.startswith("_") and k != "params"]
        assert public, "fit learned nothing"
        assert [k for k in public if not k.endswith("_")] == []

    def test_unfitted_says_so(self, cls: Any, world: World) -> None:
        channel = cls()
        query = APPLICABLE[cls.name](world)
        assert channel.why_not(query) == "not_fitted"
        with pytest.raises(ChannelNotApplicable) as err:
            channel.score([query])
        assert err.value.code == "not_fitted"

    def test_why_not_reasons(self, cls: Any, world: World) -> None:
        for kind, make_query, expected in NOT_APPLICABLE[cls.name]:
            assert expected in DROP_REASONS
            channel = make_channels(ChannelParams.of(mf={"factors": 8}))[cls.name].fit(_context(kind, world))
            query = make_query(world)
            assert channel.why_not(query) == expected, (kind, expected)
            with pytest.raises(ChannelNotApplicable) as err:
                channel.score([query])
            assert err.value.code == expected
            assert err.value.channel == cls.name

    def test_batch_scores_shape_dtype_and_rows(self, cls: Any, world: World, fitted: dict[str, Channel]) -> None:
        channel = fitted[cls.name]
        queries = [q for q in query_pool(world) if channel.why_not(q) is None]
        assert len(queries) >= 3
        block = channel.score(queries)
        assert isinstance(block, np.ndarray)
        assert block.shape == (len(queries), world.dataset.n_items)
        assert block.dtype == np.float64
        assert not np.isnan(block).any()
        assert not np.isposinf(block).any()
        for i, query in enumerate(queries):
            one = channel.score([query])
            assert one.shape == (1, world.dataset.n_items) and one.dtype == np.float64
            np.testing.assert_allclose(block[i], one[0], rtol=1e-6, atol=1e-6, err_msg=f"row {i}: {query}")

    def test_scores_say_something(self, cls: Any, world: World, fitted: dict[str, Channel]) -> None:
        scores = fitted[cls.name].score([APPLICABLE[cls.name](world)])[0]
        assert np.isfinite(scores).sum() > 0.9 * scores.size
        assert np.ptp(scores[np.isfinite(scores)]) > 0, "a channel that scores everything equal says nothing"

    def test_deterministic_across_calls_and_refits(
        self, cls: Any, world: World, fitted: dict[str, Channel]
    ) -> None:
        query = APPLICABLE[cls.name](world)
        first = fitted[cls.name].score([query])[0]
        np.testing.assert_array_equal(first, fitted[cls.name].score([query])[0])
        refit = make_channels(PARAMS)[cls.name].fit(world.ctx())
        np.testing.assert_allclose(refit.score([query])[0], first, rtol=1e-5, atol=1e-6)

    def test_explain_gives_translated_evidence(self, cls: Any, world: World, fitted: dict[str, Channel]) -> None:
        channel = fitted[cls.name]
        given = 0
        for query in query_pool(world):
            if channel.why_not(query) is not None:
                continue
            scores = channel.score([query])[0]
            for item in np.argsort(-scores, kind="stable")[:5].tolist():
                evidence = channel.explain(query, int(item))
                if evidence is None:
                    continue
                assert isinstance(evidence, Evidence)
                assert f"explain.{evidence.code}" in CATALOGUE, evidence.code
                for lang in ("zh", "en"):  # the arguments fill the sentence (a missing one raises)
                    text = reason_text(Reason(cls.name, evidence.code, dict(evidence.args)), lang)
                    assert text and not text.startswith("["), text
                given += 1
        assert given > 0, "the channel never explained any of its own top items"

    def test_has_a_tuning_label(self, cls: Any) -> None:
        assert f"tuning.channel.{cls.name}" in CATALOGUE

    def test_score_queries_drops_visibly(self, cls: Any, world: World) -> None:
        kind, make_query, expected = NOT_APPLICABLE[cls.name][0]
        channels = build_channels(_context(kind, world), ChannelParams.of(mf={"factors": 8}))
        batch = score_queries(channels, [make_query(world)])
        assert batch.dropped[0][cls.name] == expected
        assert cls.name not in batch.scores(0)
        assert batch.reason(cls.name) == DROP_REASONS[expected]
        assert set(batch.scores(0)) | set(batch.dropped[0]) == set(CHANNELS)
        assert not set(batch.scores(0)) & set(batch.dropped[0])


WORLD_REJECTS = [(name, make_query, code) for name, cases in NOT_APPLICABLE.items()
                 for kind, make_query, code in cases if kind == "world"]
"""Queries the fully fitted toy world still cannot score (popularity and recency score every query)."""


@pytest.mark.parametrize(("name", "make_query", "code"), WORLD_REJECTS, ids=[f"{n}-{c}" for n, _, c in WORLD_REJECTS])
def test_a_rejected_query_fails_the_whole_batch(
    name: str, make_query: QueryFn, code: str, world: World, fitted: dict[str, Channel]
) -> None:
    good = APPLICABLE[name](world)
    with pytest.raises(ChannelNotApplicable) as err:
        fitted[name].score([good, make_query(world), good])
    assert err.value.code == code
