"""The Ray backend against a real local Ray runtime: the flag, resource sizing, failures as one sentence,
item-item similarity blocks as Ray tasks (the same matrices as the local fit) and offline evaluation
sharded over users (the same per-user metrics, tables and intervals as the local run)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from core.common.errors import ConfigError
from core.distributed.backend import (
    Backend,
    BackendError,
    RayMap,
    WorkerPlan,
    connect,
    ensure_schedulable,
    parse_backend,
    plan_workers,
    progress_lines,
)

ROOT = Path(__file__).parent.parent.parent


def test_parse_backend_reads_every_form_and_rejects_the_rest() -> None:
    assert parse_backend(None) == Backend() and parse_backend("local") == Backend()
    assert parse_backend("ray") == Backend("ray", None)
    assert parse_backend("ray:10.0.0.5:6379") == Backend("ray", "10.0.0.5:6379")
    assert parse_backend("ray:ray://head:10001").address == "ray://head:10001"
    assert parse_backend("ray:auto").address == "auto"
    for bad in ("spark", "ray:", "ray:head", "ray:head:99999", "ray:head:port"):
        with pytest.raises(ConfigError):
            parse_backend(bad)
    assert Backend("ray", "h:1").describe() == "Ray cluster at h:1" and Backend().describe() == "this machine"


def test_plan_workers_asks_for_fractional_cpus_that_fit_beside_the_read_tasks() -> None:
    two = plan_workers(2.0)
    assert (two.workers, two.cpus_per_worker) == (1, 1.0)  # 2 - 0.5 reserved: one whole worker
    both = plan_workers(2.0, workers=2)
    assert both.workers == 2 and both.cpus_per_worker == 0.75
    assert both.workers * both.cpus_per_worker <= 2.0 - 0.5
    big = plan_workers(64.0)
    assert big.workers == 63 and big.cpus_per_worker == 1.0
    assert plan_workers(1.0, workers=8).cpus_per_worker == 0.05  # never zero: Ray would not limit it
    with pytest.raises(BackendError, match="no CPUs"):
        plan_workers(0.0)


def test_progress_lines_are_throttled_and_end_with_the_last(capsys: pytest.CaptureFixture[str]) -> None:
    import io

    out = io.StringIO()
    line = progress_lines("embed x", every=60.0, stream=out)
    for i in range(101):
        line(i / 100, f"{i} of 100 texts")
    lines = out.getvalue().splitlines()
    assert lines == ["embed x:   0% 0 of 100 texts", "embed x: 100% 100 of 100 texts"]


def test_an_unreachable_address_is_one_line_within_the_timeout() -> None:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "core", "evaluate", "--demo", "movielens", "--backend", "ray:127.0.0.1:9"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 2
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1 and "127.0.0.1:9 is not reachable" in err[0] and "Traceback" not in proc.stderr
    assert time.monotonic() - started < 60
    with pytest.raises(BackendError, match="not reachable"):
        from core.distributed.backend import _reachable

        _reachable("192.0.2.1:6379", timeout=0.5)  # TEST-NET: never answers


def test_a_bad_backend_value_is_one_line() -> None:
    proc = subprocess.run([sys.executable, "-m", "core", "embed", "--data", "movielens", "--backend", "spark"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2 and "expected local, ray, or ray:ADDRESS" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.usefixtures("ray_session")
def test_a_job_the_cluster_cannot_place_says_so_instead_of_hanging() -> None:
    started = time.monotonic()
    with pytest.raises(BackendError, match="could not schedule a worker asking for 3 CPU"):
        ensure_schedulable(WorkerPlan(1, 3.0, 2.0), timeout=1.0)
    assert time.monotonic() - started < 30


def _square(offset: int, item: int) -> int:
    return offset + item * item


def _fails(item: int) -> int:
    from core.common.errors import DataError

    raise DataError(f"block {item} is bad")


@pytest.mark.usefixtures("ray_session")
def test_ray_map_returns_results_in_item_order_and_errors_as_sentences() -> None:
    seen: list[float] = []
    out = RayMap(plan_workers(2.0, workers=2))(_square, (100,), list(range(7)), lambda f, _m: seen.append(f))
    assert out == [100 + i * i for i in range(7)]
    assert seen[-1] == 1.0 and len(seen) == 7
    from core.common.errors import DataError

    with pytest.raises(DataError) as caught:
        RayMap(plan_workers(2.0), max_retries=0)(_fails, (), [0])
    assert str(caught.value) == "block 0 is bad"  # the task's own sentence, no Ray traceback


def _interactions(seed: int, n_users: int = 400, n_items: int = 300, nnz: int = 6000) -> sparse.csr_matrix:
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, n_users, nnz)
    cols = np.minimum(rng.zipf(1.3, nnz) - 1, n_items - 1)  # popular items co-occur a lot: many ties
    vals = rng.integers(1, 6, nnz).astype(np.float32)
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(n_users, n_items))
    m.sum_duplicates()
    return m


@pytest.mark.usefixtures("ray_session")
@pytest.mark.parametrize("dense_limit", [60_000_000, 0])  # dense and sparse block paths
@pytest.mark.parametrize("use_rating", [False, True])
def test_item_knn_on_ray_is_the_local_similarity_matrix(dense_limit: int, use_rating: bool) -> None:
    from core.ranking.channels.item_knn import item_similarity_topk

    matrix = _interactions(1)
    local = item_similarity_topk(matrix, 20, use_rating, dense_limit=dense_limit)
    remote = item_similarity_topk(matrix, 20, use_rating, dense_limit=dense_limit,
                                  map_blocks=RayMap(plan_workers(2.0, workers=2)))
    assert local.nnz > 1000 and remote.dtype == local.dtype == np.float32
    assert np.array_equal(local.indptr, remote.indptr) and np.array_equal(local.indices, remote.indices)
    assert np.array_equal(local.data, remote.data)


@pytest.mark.usefixtures("ray_session")
def test_item_knn_and_rp3beta_channels_fit_on_ray_through_the_context(movielens) -> None:  # type: ignore[no-untyped-def]
    from core.ranking.base import ChannelContext
    from core.ranking.channels.item_knn import ItemKNNChannel
    from core.ranking.channels.rp3beta import RP3betaChannel, rp3beta_weights

    ray_map = RayMap(plan_workers(2.0, workers=2))
    local = ItemKNNChannel().fit(ChannelContext(movielens)).similarity_
    remote = ItemKNNChannel().fit(ChannelContext(movielens, map_blocks=ray_map)).similarity_
    assert local is not None and remote is not None and (local != remote).nnz == 0 and local.nnz > 100_000
    matrix = _interactions(2)
    w_local = rp3beta_weights(matrix, 0.8, 0.3, 25)
    w_ray = rp3beta_weights(matrix, 0.8, 0.3, 25, map_blocks=ray_map)
    assert np.array_equal(w_local.indices, w_ray.indices) and np.array_equal(w_local.data, w_ray.data)
    fitted = RP3betaChannel().fit(ChannelContext(movielens, map_blocks=ray_map)).weights_
    assert fitted is not None and fitted.nnz > 0


@pytest.mark.usefixtures("ray_session")
def test_sharded_evaluation_equals_the_local_run(movielens) -> None:  # type: ignore[no-untyped-def]
    from core.data.splits import SplitParams
    from core.evaluation.options import EvalOptions
    from core.evaluation.protocol import evaluate_dataset

    opts = EvalOptions(split=SplitParams(relevance_threshold=4.0, seed=3), k=10, tune=False, typed=False,
                       baselines=("most_popular", "item_knn_cf", "als"), n_boot=200, seed=3, max_users=300,
                       model=None)
    local = evaluate_dataset(movielens, opts).experiment
    sharded = evaluate_dataset(movielens, opts, map_shards=RayMap(plan_workers(2.0, workers=2))).experiment
    assert [r.name for r in local.results] == [r.name for r in sharded.results]
    assert len(local.results) >= 8  # baselines, single channels, fused_default
    for a, b in zip(local.results, sharded.results, strict=True):
        assert np.array_equal(a.recommendations, b.recommendations), a.name
        assert a.per_user.keys() == b.per_user.keys()
        for metric in a.per_user:
            assert np.array_equal(a.per_user[metric], b.per_user[metric]), (a.name, metric)
        assert a.aggregate.keys() == b.aggregate.keys() and a.intervals == b.intervals
        np.testing.assert_array_equal(list(a.aggregate.values()), list(b.aggregate.values()))  # NaN == NaN
    timing = ["fit s", "recommend s"]
    assert local.table().drop(columns=timing).equals(sharded.table().drop(columns=timing))
    assert local.to_markdown() == sharded.to_markdown()
    assert [c.as_dict() for c in local.comparisons] == [c.as_dict() for c in sharded.comparisons]


@pytest.mark.usefixtures("ray_session")
def test_an_encoder_travels_to_workers_by_name_and_loads_only_when_used(use_encoder) -> None:  # type: ignore[no-untyped-def]
    import ray

    from core.distributed.backend import LazyEncoder

    @ray.remote(num_cpus=0.25)
    def inspect(box: list[object]) -> tuple[str, str, int, bool]:
        enc = box[0]
        assert isinstance(enc, LazyEncoder)
        return type(enc).__name__, enc.model_id, enc.dim, enc._loaded is None

    ref = ray.put([use_encoder])
    assert ray.get(inspect.remote(ref)) == ("LazyEncoder", "use-m3", 512, True)
    lazy = LazyEncoder("use-m3", "use-m3", 512)
    vec = lazy.encode(["hello"])  # loads through load_encoder (cached in this process)
    assert np.allclose(vec, use_encoder.encode(["hello"]), atol=1e-6)


def test_connect_is_a_no_op_for_the_local_backend() -> None:
    connect(Backend())  # nothing to start, nothing raised
