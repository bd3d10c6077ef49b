"""Experiment runner, baselines, fusion-as-recommender, tuning, the whole evaluation, and the CLI.

Everything runs on a small clustered synthetic dataset (users like the items of "their" genre), so
collaborative baselines must beat popularity and tuned fusion must not lose to the default on
validation; all of it takes a few seconds.
"""

from __future__ import annotations

import io
import json
import math
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from core.common.config import FusionConfig, FusionWeights
from core.data.dataset import Dataset
from core.data.splits import SplitParams, split_dataset, tuning_splits
from core.evaluation import metrics as M
from core.evaluation.evaluate import (
    BASELINES,
    ChannelSuite,
    ConfigSpec,
    EvalOptions,
    ImplicitALS,
    ImplicitBPR,
    ItemKNN,
    MeanVectorCosine,
    MostPopular,
    Recommender,
    evaluate_dataset,
    has_item_text,
    mask_seen,
    paired_comparison,
    run_experiment,
    top_k,
    tune_baseline,
    user_tag_text,
)
from core.evaluation.tuning import tune_fusion

N_GENRES = 4
ITEMS_PER_GENRE = 20


def clustered(n_users: int = 80, seed: int = 0, with_text: bool = True) -> Dataset:
    """Users each prefer one genre (10 of 13 items from it, skewed to its head items)."""
    rng = np.random.default_rng(seed)
    n_items = N_GENRES * ITEMS_PER_GENRE
    rows = []
    t = 1.6e9
    for u in range(n_users):
        genre = u % N_GENRES
        own = genre * ITEMS_PER_GENRE + np.arange(ITEMS_PER_GENRE)
        p = 1.0 / np.arange(1, ITEMS_PER_GENRE + 1) ** 0.7
        liked = rng.choice(own, size=10, replace=False, p=p / p.sum())
        other = rng.choice(np.setdiff1d(np.arange(n_items), own), size=3, replace=False)
        for i in rng.permutation(np.concatenate([liked, other])):
            t += float(rng.integers(60, 6000))
            rating = float(rng.choice([4.0, 4.5, 5.0])) if i in liked else float(rng.choice([1.0, 2.0, 3.0]))
            rows.append((f"u{u}", f"m{i}", rating, t, ""))
    inter = pd.DataFrame(rows, columns=["user_id", "item_id", "rating", "timestamp", "event"])
    genres = ["space opera", "cozy mystery", "romantic comedy", "horror"]
    if with_text:
        items = pd.DataFrame({
            "item_id": [f"m{i}" for i in range(n_items)],
            "title": [f"{genres[i // ITEMS_PER_GENRE].title()} story {i}" for i in range(n_items)],
            "category": [genres[i // ITEMS_PER_GENRE] for i in range(n_items)],
            "tags": [(genres[i // ITEMS_PER_GENRE], f"mood{i % 3}") for i in range(n_items)],
            "year": [1990 + i % 30 for i in range(n_items)],
        })
        tagged = inter.groupby("user_id").head(2)
        user_tags = pd.DataFrame({
            "user_id": tagged["user_id"], "item_id": tagged["item_id"],
            "tag": [genres[int(str(u)[1:]) % N_GENRES] for u in tagged["user_id"]],
            "timestamp": tagged["timestamp"],
        })
        return Dataset.from_frames("clustered", inter, items, user_tags=user_tags)
    ids_only = pd.DataFrame({"item_id": [f"m{i}" for i in range(n_items)]})
    return Dataset.from_frames("clustered-ids", inter, ids_only)


def genre_vectors(ds: Dataset, seed: int = 1, noise: float = 0.6) -> np.ndarray:
    """Synthetic item vectors: genre centroid + noise, L2-normalised (16-d)."""
    rng = np.random.default_rng(seed)
    centroids = rng.normal(size=(N_GENRES, 16))
    genre = np.array([int(str(i)[1:]) // ITEMS_PER_GENRE for i in ds.item_ids])
    vecs = centroids[genre] + noise * rng.normal(size=(ds.n_items, 16))
    return (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def data() -> Dataset:
    return clustered()


@pytest.fixture(scope="module")
def split(data: Dataset):  # type: ignore[no-untyped-def]
    return split_dataset(data, SplitParams(kind="leave_last", n_last=3, relevance_threshold=4.0))


# --- helpers -----------------------------------------------------------------------------------


def test_top_k_ties_padding_and_mask() -> None:
    scores = np.array([[0.5, 0.9, 0.9, -np.inf, 0.1], [-np.inf] * 5])
    np.testing.assert_array_equal(top_k(scores, 3), [[1, 2, 0], [-1, -1, -1]])
    np.testing.assert_array_equal(top_k(scores, 7)[0], [1, 2, 0, 4, -1, -1, -1])
    from scipy import sparse

    seen = sparse.csr_matrix(np.array([[0, 1, 0, 0, 0], [1, 0, 0, 0, 1]], dtype=np.float32))
    masked = mask_seen(np.zeros((2, 5)), seen, np.array([0, 1]))
    assert np.isneginf(masked[0, 1]) and np.isneginf(masked[1, 0]) and np.isneginf(masked[1, 4])
    assert np.isfinite(masked).sum() == 7


def test_has_item_text(data: Dataset) -> None:
    assert has_item_text(data)
    assert not has_item_text(clustered(with_text=False))


# --- the Recommender contract, for every baseline -------------------------------------------------


def _baselines(ds: Dataset) -> list[Recommender]:
    return [MostPopular(), ItemKNN(20), ImplicitALS(factors=16, iterations=10), ImplicitBPR(factors=16),
            MeanVectorCosine(genre_vectors(ds))]


@pytest.mark.parametrize("index", range(5))
def test_recommender_contract(split, index: int) -> None:  # type: ignore[no-untyped-def]
    train = split.train
    model = _baselines(train)[index].fit(train)
    assert isinstance(model, Recommender)
    users = split.users
    assert len(users) > 40
    recs = model.recommend(users, 10)
    assert recs.shape == (len(users), 10) and recs.dtype == np.int64
    assert ((recs >= -1) & (recs < train.n_items)).all()
    for row, u in zip(recs, users, strict=True):
        valid = row[row >= 0]
        assert len(set(valid.tolist())) == len(valid), "duplicates in a list"
        seen = set(train.matrix[int(u)].indices.tolist())
        assert not (set(valid.tolist()) & seen), "seen item recommended"
    again = _baselines(train)[index].fit(train).recommend(users, 10)
    np.testing.assert_array_equal(recs, again)  # seeded: same lists every time
    # k beyond the catalogue pads with -1 instead of failing
    wide = model.recommend(users[:2], train.n_items + 5)
    assert wide.shape == (2, train.n_items + 5) and (wide[:, -5:] == -1).all()


def test_most_popular_by_hand() -> None:
    inter = pd.DataFrame({"user_id": ["a", "b", "b", "c", "c", "c"],
                          "item_id": ["x", "x", "y", "x", "y", "z"],
                          "rating": 1.0, "timestamp": np.nan, "event": ""})
    ds = Dataset.from_frames("pop", inter)
    recs = MostPopular().fit(ds).recommend(np.array([0, 1, 2]), 3)
    ix = ds.item_index
    np.testing.assert_array_equal(recs[0], [ix["y"], ix["z"], -1])  # a saw x
    np.testing.assert_array_equal(recs[1], [ix["z"], -1, -1])
    np.testing.assert_array_equal(recs[2], [-1, -1, -1])


def test_mean_vector_cosine_by_hand() -> None:
    inter = pd.DataFrame({"user_id": ["a", "a"], "item_id": ["i0", "i1"], "rating": [5.0, 1.0],
                          "timestamp": np.nan, "event": ""})
    items = pd.DataFrame({"item_id": ["i0", "i1", "i2", "i3"]})
    ds = Dataset.from_frames("vec", inter, items)
    vecs = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1]], dtype=np.float32)
    model = MeanVectorCosine(vecs).fit(ds)
    # plain mean of i0 and i1 (ratings ignored) is (1,1,0)/sqrt2: cosine 1 with i2, 0 with i3
    expected = [1 / math.sqrt(2), 1 / math.sqrt(2), 1, 0]
    np.testing.assert_allclose(model.score_users(np.array([0]))[0], expected, atol=1e-6)
    np.testing.assert_array_equal(model.recommend(np.array([0]), 2)[0], [2, 3])


def test_collaborative_baselines_beat_popularity(split) -> None:  # type: ignore[no-untyped-def]
    specs = [ConfigSpec("pop", "baseline", lambda _t: MostPopular()),
             ConfigSpec("knn", "baseline", lambda _t: ItemKNN(20)),
             ConfigSpec("als", "baseline", lambda _t: ImplicitALS(factors=16, iterations=10))]
    res = run_experiment(split, specs, k=10, n_boot=200)
    ndcg = {r.name: r.aggregate["ndcg"] for r in res.results}
    assert ndcg["knn"] > ndcg["pop"] and ndcg["als"] > ndcg["pop"]


# --- experiment table, CIs, significance ---------------------------------------------------------


def test_run_experiment_table_and_exports(split) -> None:  # type: ignore[no-untyped-def]
    specs = [ConfigSpec("pop", "baseline", lambda _t: MostPopular()),
             ConfigSpec("knn", "baseline", lambda _t: ItemKNN(20))]
    calls: list[float] = []
    res = run_experiment(split, specs, k=5, item_vectors=genre_vectors(split.train), n_boot=300,
                         progress=lambda f, _m: calls.append(f))
    assert calls[-1] == 1.0 and all(0 <= f <= 1 for f in calls)
    table = res.table()
    assert list(table.index) == ["pop", "knn"]
    for col in ("precision@5", "recall@5", "ndcg@5", "map@5", "mrr@5", "hit_rate@5", "coverage@5",
                "gini@5", "novelty@5", "ild@5", "arp@5", "ndcg@5 low", "ndcg@5 high"):
        assert col in table.columns, col
    for name in table.index:
        assert table.loc[name, "ndcg@5 low"] <= table.loc[name, "ndcg@5"] <= table.loc[name, "ndcg@5 high"]
    # the mean in the table is the mean of the per-user values, recomputed independently here
    knn = res.result("knn")
    manual = np.mean([M.ndcg_at_k(r, rel, 5) for r, rel in zip(knn.recommendations, split.relevant_sets(),
                                                                 strict=True)])
    assert table.loc["knn", "ndcg@5"] == pytest.approx(manual)
    best = res.best()
    assert best["ndcg@5"] == table["ndcg@5"].idxmax()
    assert best["gini@5"] == table["gini@5"].idxmin()  # lower is better
    payload = json.loads(json.dumps(res.to_dict()))
    assert {r["name"] for r in payload["results"]} == {"pop", "knn"}
    assert payload["results"][0]["ci95"]["ndcg@5"][0] <= payload["results"][0]["ndcg@5"]
    md = res.to_markdown()
    assert md.startswith("| configuration |") and "**" in md


def test_paired_comparison_matches_scipy() -> None:
    rng = np.random.default_rng(5)
    b = rng.random(200)
    a = b + rng.normal(0.05, 0.1, 200)
    comp = paired_comparison(a, b, names=("a", "b"), metric="ndcg", n_boot=500)
    assert comp.wilcoxon_p == pytest.approx(stats.wilcoxon(a, b).pvalue)
    assert comp.ttest_p == pytest.approx(stats.ttest_rel(a, b).pvalue)
    assert comp.difference == pytest.approx(float((a - b).mean()))
    assert comp.relative == pytest.approx(float((a - b).mean() / b.mean()))
    assert comp.diff_low < comp.difference < comp.diff_high
    same = paired_comparison(b, b, names=("b", "b"), metric="ndcg")
    assert math.isnan(same.wilcoxon_p) and same.as_dict()["wilcoxon_p"] is None
    with pytest.raises(ValueError):
        paired_comparison(a, b[:-1], names=("a", "b"), metric="ndcg")


# --- the dashboard's channels and fusion as recommenders -------------------------------------------


@pytest.fixture(scope="module")
def suite(split):  # type: ignore[no-untyped-def]
    from core.ranking.channels import ChannelParams

    params = ChannelParams(mf_factors=16, num_threads=1)
    return ChannelSuite(split.train, genre_vectors(split.train), params=params).fit()


def test_batched_fusion_equals_fuse(suite, split) -> None:  # type: ignore[no-untyped-def]
    users = split.users
    batch = suite.batch(users)
    rng = np.random.default_rng(3)
    configs = {"default": FusionConfig()}
    for i, norm in enumerate(("minmax", "zscore", "rank", "minmax", "zscore")):
        weights = {c: float(rng.choice([0.0, rng.random()])) for c in ("history", "mf", "item_knn",
                                                                      "popularity", "recency", "graph")}
        weights["mf"] = max(weights["mf"], 0.1)
        configs[f"c{i}"] = FusionConfig(weights=FusionWeights.from_dict(weights), normalisation=norm)
    for name, config in configs.items():
        suite.register(name, config)
    lists = suite.recommend_all(users, 10)  # the real fuse(), user by user
    for name, config in configs.items():
        np.testing.assert_array_equal(batch.top_k(config, 10), lists[name], err_msg=name)


def test_recommend_all_batched_scoring_equals_one_by_one(suite, split) -> None:  # type: ignore[no-untyped-def]
    """recommend_all scores users in batches (score_batch); the lists equal score_all + fuse per user."""
    from core.ranking.channels import score_all, user_row
    from core.ranking.fusion import ScoreTable, fuse

    users = split.users
    config = FusionConfig()
    other = ChannelSuite(suite.train, suite.item_vectors, params=suite.params)
    other.channels_ = suite.channels_
    other.register("default", config)
    lists = other.recommend_all(users, 10)["default"]
    for row, u in enumerate(users):
        q = other.query(int(u))
        scored = score_all(suite.channels_, q)
        seen, _ = user_row(suite.train, q.user_id)
        items = fuse(ScoreTable(scored.scores, scored.dropped), config, k=10, seen=seen).items
        np.testing.assert_array_equal(lists[row, : len(items)], items)


def test_fuse_without_baseline_same_ranking(suite, split) -> None:  # type: ignore[no-untyped-def]
    from core.ranking.channels import score_all
    from core.ranking.fusion import fuse

    scored = score_all(suite.channels_, suite.query(int(split.users[0])))
    full = fuse(scored.scores, FusionConfig(), k=10)
    lean = fuse(scored.scores, FusionConfig(), k=10, with_baseline=False)
    np.testing.assert_array_equal(full.items, lean.items)
    np.testing.assert_array_equal(full.contributions, lean.contributions)
    assert full.baseline is not None and lean.baseline is None
    np.testing.assert_array_equal(lean.lift, lean.contributions)


def test_scoring_batch_size_is_bounded() -> None:
    from core.evaluation.evaluate import scoring_batch_size

    assert scoring_batch_size(10) == 256 and scoring_batch_size(10_000_000) == 8
    assert 8 <= scoring_batch_size(100_000) <= 256


def test_channel_suite_reports_dropped_channels(suite, split) -> None:  # type: ignore[no-untyped-def]
    share = suite.applicable(split.users)
    assert share["semantic"] == 0.0  # no typed interests in a history-only evaluation
    assert share["mf"] == 1.0 and share["history"] == 1.0
    assert "semantic" in suite.drop_reasons(split.users)


# --- tuning ----------------------------------------------------------------------------------------


def test_tune_fusion_finds_a_known_optimum() -> None:
    target = {"mf": 0.8, "item_knn": 0.2, "popularity": 0.0}

    def objective(config: FusionConfig) -> float:
        w = config.weights.as_dict()
        bonus = 0.05 if config.normalisation == "rank" else 0.0
        return bonus - sum((w[c] - v) ** 2 for c, v in target.items())

    seen: list[float] = []
    res = tune_fusion(objective, list(target), n_trials=60, seed=7, progress=lambda f, _m: seen.append(f))
    again = tune_fusion(objective, list(target), n_trials=60, seed=7)
    assert res.n_trials == 60 and seen[-1] == 1.0
    assert res.best_config.normalisation == "rank"
    assert res.best_value > -0.02 + 0.05
    assert res.best_value >= res.base_value  # warm start: never worse than the default on this objective
    assert again.best_config == res.best_config  # seeded
    assert set(res.trials.columns) >= {"trial", "value", "w_mf", "normalisation"}


def test_tuned_fusion_beats_default_on_validation_and_uses_only_validation(data: Dataset) -> None:
    test_split, val = tuning_splits(data, SplitParams(kind="leave_last", n_last=3, relevance_threshold=4.0))
    from core.ranking.channels import ChannelParams

    val_suite = ChannelSuite(val.train, genre_vectors(val.train), params=ChannelParams(mf_factors=16)).fit()
    batch = val_suite.batch(val.users, ("minmax",))
    calls: list[int] = []

    def objective(config: FusionConfig) -> float:
        calls.append(1)
        recs = batch.top_k(config, 10)
        return float(M.accuracy_per_user(recs, val.relevant_sets(), 10, ("ndcg",))["ndcg"].mean())

    res = tune_fusion(objective, ["history", "mf", "item_knn", "popularity"], n_trials=12, seed=1,
                      tune_normalisation=False)
    assert len(calls) == 12 and res.best_value >= res.base_value
    # the validation training data never contains a test-split interaction
    held = set(zip(test_split.held_out["user_id"], test_split.held_out["item_id"], strict=True))
    val_train = val.train.interactions
    assert not held & set(zip(val_train["user_id"], val_train["item_id"], strict=True))


def test_tune_baseline(data: Dataset) -> None:
    _, val = tuning_splits(data, SplitParams(kind="leave_last", n_last=3))
    out = tune_baseline("item_knn_cf", val, n_trials=4, seed=0)
    assert out["validation_ndcg"] >= out["default_validation_ndcg"]
    assert 10 <= out["params"]["neighbours"] <= 400


# --- the whole evaluation ----------------------------------------------------------------------------


def test_evaluate_dataset_without_item_text() -> None:
    ds = clustered(with_text=False)
    opts = EvalOptions(split=SplitParams(kind="random", relevance_threshold=4.0, seed=3), n_trials=6,
                       tune_users=50, n_boot=100, model="use-m3")
    report = evaluate_dataset(ds, opts)
    names = [r.name for r in report.experiment.results]
    expected = {"most_popular", "item_knn_cf", "als", "bpr", "channel:mf", "fused_default", "fused_tuned"}
    assert expected <= set(names)
    assert "mean_vector" not in names and "mean_vector" in report.experiment.extra["skipped"]
    assert {"semantic", "history"} <= set(report.dropped_channels)
    assert report.typed is None and report.tuning is not None and report.tuning.n_trials == 6
    payload = json.loads(json.dumps(report.to_dict()))
    for row in payload["results"]:
        for col in ("ndcg@10", "recall@10", "precision@10", "coverage@10"):
            assert col in row
    assert payload["significance"] and payload["significance"][0]["reference"] in BASELINES + tuple(
        f"channel:{c}" for c in ("mf", "item_knn", "popularity", "recency", "graph"))
    assert "fused_tuned" in report.to_markdown()


def test_user_tag_text(data: Dataset) -> None:
    texts = user_tag_text(data)
    assert texts[data.user_index["u1"]] == "cozy mystery"


@pytest.mark.slow
def test_evaluate_dataset_with_text_and_typed_interests(use_encoder) -> None:  # type: ignore[no-untyped-def]
    ds = clustered(n_users=60)
    opts = EvalOptions(split=SplitParams(kind="leave_last", n_last=3, relevance_threshold=4.0), n_trials=5,
                       tune_users=40, n_boot=100)
    seen: list[float] = []
    report = evaluate_dataset(ds, opts, encoder=use_encoder, progress=lambda f, _m: seen.append(f))
    names = [r.name for r in report.experiment.results]
    assert "mean_vector" in names and "channel:history" in names
    assert report.typed is not None and report.typed["n_users"] > 0
    row = report.typed["rows"][0]
    assert {"ndcg_history", "ndcg_typed", "ndcg_typed_tuned", "chosen_semantic_weight"} <= set(row)
    assert not math.isnan(report.experiment.result("mean_vector").aggregate["ild"])
    assert seen[-1] == 1.0 and seen == sorted(seen)


# --- CLI ----------------------------------------------------------------------------------------------


def _run_cli(argv: list[str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    from core.cli.commands import main

    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(argv)
    return code, json.loads(buf.getvalue()) if buf.getvalue().strip() else {}


def test_cli_evaluate_and_tune_on_a_csv(tmp_path: Path) -> None:
    ds = clustered(with_text=False)
    path = tmp_path / "ratings.csv"
    ds.interactions[["user_id", "item_id", "rating", "timestamp"]].to_csv(path, index=False)
    code, out = _run_cli(["evaluate", "--data", str(path), "--k", "5", "--split", "leave_last", "--json",
                          "--trials", "4", "--bootstrap", "50"])
    assert code == 0
    names = {r["name"] for r in out["results"]}
    assert {"most_popular", "als", "fused_default", "fused_tuned"} <= names
    assert all({"ndcg@5", "recall@5", "precision@5", "coverage@5"} <= set(r) for r in out["results"])
    code, tuned = _run_cli(["tune", "--data", str(path), "--trials", "4", "--json"])
    assert code == 0 and set(tuned["best_weights"]) >= {"mf", "item_knn"} and tuned["n_trials"] == 4
    code, _ = _run_cli(["evaluate", "--data", str(tmp_path / "missing.csv"), "--json"])
    assert code == 2


@pytest.mark.slow
def test_movielens_collaborative_fusion_beats_popularity(movielens) -> None:  # type: ignore[no-untyped-def]
    """A small real run: 150 MovieLens test users, ids and ratings only (no encoder), 6 tuning trials."""
    opts = EvalOptions(split=SplitParams(kind="random", relevance_threshold=4.0, seed=1), model=None,
                       baselines=("most_popular", "als"), channels=("mf", "item_knn", "popularity"),
                       n_trials=6, tune_users=150, max_users=150, typed=False, n_boot=200)
    report = evaluate_dataset(movielens, opts)
    ndcg = {r.name: r.aggregate["ndcg"] for r in report.experiment.results}
    assert report.experiment.split_stats["n_eval_users"] == 150
    assert ndcg["als"] > 1.2 * ndcg["most_popular"]
    assert ndcg["fused_default"] > ndcg["most_popular"] and ndcg["fused_tuned"] > ndcg["most_popular"]
    cover = {r.name: r.aggregate["coverage"] for r in report.experiment.results}
    assert cover["als"] > cover["most_popular"]  # personalised lists reach more of the catalogue
