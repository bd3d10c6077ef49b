"""core.engine.Engine: the facade every view uses, and the one ranking path behind it.

On the bundled bilingual demo (300 items, real USE encoder): the engine builds its artefacts once,
recommends through :class:`core.ranking.ranker.Ranker`, and the same query with the same weights gives
the same list whether it comes from the page path (``Engine.recommend``), the CLI (``python -m core
interests --top``, ``recommend``) or offline evaluation (``Ranker.rank_many`` over many users).
"""

from __future__ import annotations

import json
from dataclasses import replace

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
    assert set(result.dropped) == {"history", "mf", "item_knn"}  # no user: the collaborative channels drop out
    assert result.dropped["mf"] == "no_user"
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
