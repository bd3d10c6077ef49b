"""core.engine.Engine: the facade every view uses, and the one ranking path behind it.

On the bundled bilingual demo (300 items, real USE encoder): the engine builds its artefacts once,
recommends through :class:`core.ranking.ranker.Ranker`, and the same query with the same weights gives
the same list whether it comes from the page path (``Engine.recommend``), the CLI (``python -m core
interests --top``, ``recommend``) or offline evaluation (``Ranker.rank_many`` over many users).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from core.cli.commands import main as cli_main
from core.data.dataset import Dataset
from core.engine import Engine
from core.evaluation.suite import ChannelSuite
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.fusion import ItemFilter
from core.ranking.query import Query
from core.ranking.registry import CHANNELS

TYPED = "我喜欢科幻电影，也想看点轻松的喜剧，不要恐怖片"


@pytest.fixture(scope="module")
def engine(bilingual: Dataset) -> Engine:
    return Engine(bilingual).prepare()


def test_prepare_builds_everything_once(engine: Engine) -> None:
    assert engine.ready(channels=True) and engine.ready(channels=False)
    assert engine.item_vectors.shape == (engine.dataset.n_items, 512)
    assert np.allclose(np.linalg.norm(engine.item_vectors, axis=1), 1.0, atol=1e-3)
    assert tuple(engine.channels) == CHANNELS
    assert engine.ranker is engine.ranker  # built once
    assert engine.ranker.channels == engine.channels


def test_cold_profile_recommendation(engine: Engine) -> None:
    profile = engine.decompose(TYPED)
    assert any(t.polarity < 0 for t in profile.tags) and any(t.polarity > 0 for t in profile.tags)
    rec = engine.recommend(Query(profile=profile), FusionConfig(), k=10)
    result = rec.result
    assert len(result) == 10 and len(set(result.items.tolist())) == 10
    # no user: the collaborative channels drop out; learned (weight 0 by default) is not even fitted
    assert set(result.dropped) == {"history", "mf", "item_knn", "ease", "rp3beta", "learned"}
    assert result.dropped["mf"] == "no_user" and result.dropped["learned"] == "on_first_use"
    assert "semantic" in result.channels
    np.testing.assert_allclose(result.contributions.sum(axis=1), result.score, atol=1e-9)
    assert np.all(np.diff(result.score) <= 1e-12)  # best first
    assert rec.what_if.shape == (10, len(result.channels))
    assert len(rec.explanations) == 10
    assert all(r.code for e in rec.explanations for r in e.reasons)


def test_user_recommendation_excludes_seen_and_filters(engine: Engine) -> None:
    ds = engine.dataset
    user = str(ds.user_ids[0])
    seen = set(engine.seen_items(user).tolist())
    assert seen
    rec = engine.recommend(Query(user_id=user), FusionConfig(), k=20)
    assert not seen & set(rec.result.items.tolist())
    kept = replace(FusionConfig(), exclude_seen=False)
    assert seen & set(engine.recommend(Query(user_id=user), kept, k=300).result.items.tolist())
    category = str(ds.items["category"].iat[int(rec.result.items[0])])
    filtered = engine.recommend(Query(user_id=user), FusionConfig(), k=10,
                                item_filter=ItemFilter(categories=frozenset([category])))
    assert len(filtered.result) > 0
    assert set(ds.items["category"].to_numpy()[filtered.result.items]) == {category}


def test_reweighting_reuses_the_cached_scores(engine: Engine) -> None:
    query = Query(profile=engine.decompose("space opera and robots"))
    first = engine.recommend(query, FusionConfig(), k=10)
    heavy = FusionConfig(weights=FusionWeights(popularity=5.0))
    second = engine.recommend(query, heavy, k=10)
    assert second.scores is first.scores  # same ScoreBatch object: only the weighted sum was redone
    assert second.result.items.tolist() != first.result.items.tolist()


def test_same_list_from_page_cli_and_evaluation_paths(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """One profile and one set of weights: the Interests/Tuning pages (Engine.recommend), the CLI and the
    evaluation path (Ranker.rank_many, a batch) return the same top-10."""
    ds = engine.dataset
    config = FusionConfig()
    profile = engine.decompose(TYPED)
    page = engine.recommend(Query(profile=profile, composition="multi"), config, k=10, explain=False)
    batch = engine.ranker.rank_many([Query(profile=profile, composition="multi")], {"default": config}, 10)
    assert batch["default"][0].tolist() == page.result.items.tolist()

    assert cli_main(["interests", TYPED, "--data", "bilingual", "--top", "10", "--quiet"]) == 0
    cli_items = [row["item_id"] for row in json.loads(capsys.readouterr().out)["items"]]
    assert cli_items == [str(ds.item_ids[i]) for i in page.result.items]

    users = [str(u) for u in ds.user_ids[:12]]
    one_by_one = [engine.recommend(Query(user_id=u), config, k=10, explain=False).result.items.tolist()
                  for u in users]
    together = engine.ranker.rank_many([Query(user_id=u) for u in users], {"default": config}, 10)["default"]
    assert together.tolist() == one_by_one

    suite = ChannelSuite(ds, engine.item_vectors).fit()
    suite.register("default", config)
    rows = np.array([ds.user_index[u] for u in users])
    assert suite.recommend_all(rows, 10)["default"].tolist() == one_by_one


def test_neighbours_come_from_the_engine_index(engine: Engine) -> None:
    ids, sims = engine.neighbours(engine.item_vectors[[0, 1]], k=5, exclude=[0])
    assert ids.shape == (2, 5) and 0 not in ids[0].tolist()
    assert np.all(np.diff(sims, axis=1) <= 1e-6)


# --- channels fitted on first use, preparing in stages ----------------------------------------------


def test_deferred_channel_is_fitted_when_a_weight_asks_for_it(bilingual: Dataset) -> None:
    fresh = Engine(bilingual).prepare()
    assert fresh.pending_channels() == ["ease", "rp3beta", "learned"]
    query = Query(profile=fresh.decompose("space opera and robots"))
    first = fresh.recommend(query, FusionConfig(), k=10)
    assert first.result.dropped["learned"] == "on_first_use" and len(fresh.pending_channels()) == 3
    weighted = fresh.recommend(query, FusionConfig(weights=FusionWeights(learned=1.0)), k=10)
    assert fresh.pending_channels() == ["ease", "rp3beta"]
    assert "learned" in weighted.result.channels and "learned" not in weighted.result.dropped
    assert weighted.scores is not first.scores  # the cached scores without the channel were dropped
    assert fresh.ranker.channels["learned"] is fresh.channels["learned"]
    again = fresh.recommend(query, FusionConfig(), k=10)  # weight 0 again: scored, contributes nothing
    assert again.result.items.tolist() == first.result.items.tolist()


def test_concurrent_callers_fit_a_deferred_channel_once(bilingual: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from core.ranking.channels.learned import LearnedChannel

    fresh = Engine(bilingual).prepare()
    calls: list[int] = []
    gate = threading.Event()
    original = LearnedChannel.fit

    def slow_fit(self: LearnedChannel, ctx: object, progress: object = None) -> LearnedChannel:
        calls.append(1)
        gate.wait(10)
        return original(self, ctx, progress)  # type: ignore[arg-type]

    monkeypatch.setattr(LearnedChannel, "fit", slow_fit)
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append(fresh.fit_deferred(["learned"]))) for _ in range(3)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(60)
    assert len(calls) == 1
    assert sorted(map(tuple, results)) == [(), (), ("learned",)]
    assert fresh.pending_channels() == ["ease", "rp3beta"]


def test_prepare_reports_the_named_stages_in_order(bilingual: Dataset) -> None:
    from core.engine import STAGES

    seen: list[tuple[float, str]] = []
    fresh = Engine(bilingual).prepare(lambda f, m: seen.append((f, m)), deferred=True)
    # only the channel whose model the cache keeps is fitted ahead; EASE^R and RP3beta wait for first use
    assert fresh.ready(channels=True) and fresh.pending_channels() == ["ease", "rp3beta"]
    stages = [m for _, m in seen if m in STAGES.values()]
    assert stages == [STAGES[s] for s in ("model", "embed", "index", "users", "catalogue", "channels", "deferred")]
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and seen[-1][1] == "ready"


def test_learned_reuses_the_mf_channels_factors(engine: Engine, tmp_workspace: object,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """With the same ALS settings, learned trains its text map on the mf channel's item factors instead of
    training ALS a second time (fresh workspace: nothing cached)."""
    from core.ranking.base import ChannelContext
    from core.ranking.channels.learned import LearnedChannel, LearnedParams
    from core.ranking.channels.mf import MFChannel

    real_fit = MFChannel.fit
    ctx = ChannelContext(dataset=engine.dataset, item_vectors=engine.item_vectors)
    mf = MFChannel().fit(ctx)
    fits: list[int] = []

    def counted(self: MFChannel, c: ChannelContext) -> MFChannel:
        fits.append(1)
        return real_fit(self, c)

    monkeypatch.setattr(MFChannel, "fit", counted)
    learned = LearnedChannel(LearnedParams(epochs=2, user_tags="off")).fit(ctx)
    assert fits == [] and learned.map_ is not None and not learned.from_cache_
    assert mf.item_factors_ is not None
    assert learned.map_.item_factors.tobytes() == mf.item_factors_.tobytes()
    other = ChannelContext(dataset=engine.dataset, item_vectors=engine.item_vectors)
    MFChannel(factors=8).fit(other)  # different settings: their factors are not the ones learned needs
    assert fits == [1]
    LearnedChannel(LearnedParams(epochs=3, user_tags="off")).fit(other)  # not in the cache either
    assert fits == [1, 1]


def test_a_qdrant_index_uri_puts_the_indexes_in_collections(
    engine: Engine, bilingual: Dataset, tmp_path: Path
) -> None:
    from core.vectors.qdrant_index import QdrantIndex, close_client

    folder = tmp_path / "qdrant"
    try:
        other = Engine(bilingual, index_uri=f"qdrant:{folder}#eng")
        assert isinstance(other.item_index, QdrantIndex) and other.item_index.collection == "eng_items"
        assert isinstance(other.user_index, QdrantIndex) and len(other.user_index) == bilingual.n_users
        ids, sims = other.neighbours(engine.item_vectors[[0, 1]], k=5, exclude=[0])
        want, want_sims = engine.neighbours(engine.item_vectors[[0, 1]], k=5, exclude=[0])
        np.testing.assert_array_equal(ids, want)  # 300 items: the HNSW graph is exact here too
        np.testing.assert_allclose(sims, want_sims, atol=1e-5)
        assert other.projection_map().coords.shape[0] > 0  # the map builds its own graph instead
    finally:
        close_client(str(folder))
