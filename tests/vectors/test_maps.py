"""core.vectors.maps: joint item + user maps, their artefact cache, and the graph from the engine's indexes."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.common.artefacts import ArtefactCache, fingerprint
from core.common.integrity import CacheNotice, file_checksum, library_versions
from core.vectors import maps
from core.vectors.maps import build_map, joint_knn_graph, load_cached, map_path, save_cached
from core.vectors.projection import ProjectionParams, Projector


@pytest.mark.slow
def test_build_map_caches_on_disk(movie_vectors: tuple[np.ndarray, pd.DataFrame], tmp_path: Path) -> None:
    vectors, _ = movie_vectors
    items, users = vectors[:600], vectors[600:700]
    mask = np.ones(100, bool)
    mask[::10] = False
    params = ProjectionParams(n_neighbors=10)
    seen: list[tuple[float, str]] = []
    first = build_map(items, users, mask, fingerprint="fp", model_id="use-m3", params=params,
                      cache_root=tmp_path, progress=lambda f, m: seen.append((f, m)))
    assert not first.from_cache
    assert first.coords.shape == (600 + 90, 2)
    assert first.item_coords.shape == (600, 2) and first.user_coords.shape == (90, 2)
    assert list(first.user_idx) == [i for i in range(100) if i % 10]
    assert first.user_row()[1] == 0
    assert 0.8 <= first.trustworthiness <= 1.0
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    stacked = np.ascontiguousarray(np.concatenate([items, users[mask]]), dtype=np.float32)
    path = map_path(ArtefactCache(tmp_path), "fp", "use-m3", params, fingerprint(stacked))
    assert path.stem == first.key and path.parent == tmp_path / "maps" / "fp"
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == [f"{first.key}.json", f"{first.key}.npy"]  # no temp files left behind
    meta = json.loads(path.with_suffix(".json").read_text())
    assert meta["n_items"] == 600 and meta["n_users"] == 90 and meta["model_id"] == "use-m3"

    second = build_map(items, users, mask, fingerprint="fp", model_id="use-m3", params=params,
                       cache_root=tmp_path)
    assert second.from_cache and second.key == first.key
    assert np.array_equal(second.coords, first.coords)
    assert second.trustworthiness == pytest.approx(first.trustworthiness)
    # the rebuilt projector places points like the fitted one (both use exact/hnsw neighbours)
    probe = vectors[700:720]
    same = np.isclose(second.transform(probe), first.transform(probe), atol=1e-4).all(axis=1)
    assert same.mean() >= 0.9  # hnswlib (first) and exact search (second) may differ on a rare tie

    # anything that changes the map changes the file
    cache = ArtefactCache(tmp_path)
    base = map_path(cache, "fp", "use-m3", params, "x")
    assert map_path(cache, "fp", "use-m3", ProjectionParams(n_neighbors=12), "x") != base
    assert map_path(cache, "fp2", "use-m3", params, "x") != base
    assert map_path(cache, "fp", "minilm", params, "x") != base
    assert map_path(cache, "fp", "use-m3", params, "y") != base

    # a corrupt entry is ignored (recomputed), never trusted
    path.with_suffix(".json").write_text("{not json")
    assert load_cached(path) is None
    third = build_map(items, users, mask, fingerprint="fp", model_id="use-m3", params=params,
                      cache_root=tmp_path)
    assert not third.from_cache
    assert load_cached(path) is not None


@pytest.mark.slow
def test_build_map_reuses_the_engines_indexes(
    movie_vectors: tuple[np.ndarray, pd.DataFrame], tmp_path: Path
) -> None:
    from core.vectors.index import HnswIndex

    vectors, _ = movie_vectors
    items, users = vectors[:900], vectors[900:1000].copy()
    mask = np.ones(100, bool)
    mask[::7] = False
    users_in_index = users.copy()
    users_in_index[~mask] = 0.0  # as the engine's user index: users without a profile are zero rows
    item_index = HnswIndex(512).build(items)
    user_index = HnswIndex(512).build(users_in_index)
    params = ProjectionParams(n_neighbors=10)
    reused = build_map(items, users, mask, fingerprint="fp", model_id="m", params=params, cache_root=tmp_path,
                       item_index=item_index, user_index=user_index, use_cache=False)
    own = build_map(items, users, mask, fingerprint="fp", model_id="m", params=params, cache_root=tmp_path,
                    use_cache=False)
    assert reused.coords.shape == own.coords.shape == (900 + int(mask.sum()), 2)
    assert reused.trustworthiness >= own.trustworthiness - 0.02
    assert reused.trustworthiness >= 0.85
    assert reused.timings["knn"] > 0


def test_joint_graph_from_two_indexes_matches_exact_search() -> None:
    from core.vectors.index import ExactIndex, HnswIndex

    rng = np.random.default_rng(5)
    centres = rng.normal(size=(8, 32))
    items = (np.repeat(centres, 50, axis=0) + 0.4 * rng.normal(size=(400, 32))).astype(np.float32)
    users = (centres[rng.integers(0, 8, 60)] + 0.4 * rng.normal(size=(60, 32))).astype(np.float32)
    mask = np.ones(60, bool)
    mask[[3, 10, 11]] = False  # users without a profile: zero rows in the user index, not on the map
    in_index = users.copy()
    in_index[~mask] = 0.0
    user_idx = np.flatnonzero(mask)
    stacked = np.concatenate([items, users[user_idx]])
    ids, dists = joint_knn_graph(stacked, 400, user_idx, HnswIndex(32).build(items),
                                 HnswIndex(32).build(in_index), 12)
    assert ids.shape == dists.shape == (len(stacked), 12)
    assert (ids[:, 0] == np.arange(len(stacked))).all() and np.allclose(dists[:, 0], 0.0)
    assert ids.max() < len(stacked) and ids.min() >= 0  # only mapped rows
    assert (ids >= 400).any()  # user rows do appear as neighbours
    exact_ids, _ = ExactIndex(32).build(stacked).query(stacked, 12)
    hits = np.mean([len(set(a) & set(b)) / 12 for a, b in zip(ids, exact_ids, strict=True)])
    assert hits >= 0.95
    assert np.all(np.diff(dists[:, 1:], axis=1) >= -1e-6)  # sorted by distance
    with pytest.raises(ValueError, match="user index"):
        joint_knn_graph(stacked, 400, user_idx, HnswIndex(32).build(items), None, 12)
    with pytest.raises(ValueError, match="item index holds"):
        joint_knn_graph(stacked, 401, user_idx, HnswIndex(32).build(items), None, 12)


# --- cached maps are verified, not trusted (issue 16) ---------------------------------------------


class _FakeFit:
    """Stands in for the UMAP fit (deterministic coordinates, counted calls) so these tests stay fast."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, stacked: np.ndarray, *args: object) -> tuple[Projector, float, dict[str, float]]:
        self.calls += 1
        time.sleep(0.2)  # long enough for concurrent callers to arrive while it runs
        coords = np.asarray(stacked[:, :2] * 10, np.float32)
        return Projector.from_embedding(stacked, coords, ProjectionParams()), 0.9, {"umap": 0.2}


def _vectors() -> np.ndarray:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 16)).astype(np.float32)
    unit: np.ndarray = x / np.linalg.norm(x, axis=1, keepdims=True)
    return unit


def _flip_middle(path: Path, n: int = 64) -> None:
    data = bytearray(path.read_bytes())
    mid = len(data) // 2 - n // 2
    data[mid : mid + n] = bytes(b ^ 0x3C for b in data[mid : mid + n])
    path.write_bytes(bytes(data))


def test_a_damaged_cached_map_is_refitted_with_a_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fit = _FakeFit()
    monkeypatch.setattr(maps, "_fit_map", fit)
    x = _vectors()

    def build() -> maps.ProjectionMap:
        return build_map(x, fingerprint="fp", model_id="m", cache_root=tmp_path)

    first = build()
    assert not first.from_cache and first.notices == [] and fit.calls == 1
    path = next((tmp_path / "maps" / "fp").glob("*.npy"))
    meta = json.loads(path.with_suffix(".json").read_text())
    assert meta["blake2b"] == file_checksum(path) and meta["bytes"] == path.stat().st_size
    assert meta["built_with"] == library_versions() and meta["params"] == ProjectionParams().as_dict()
    assert build().from_cache and fit.calls == 1

    size = path.stat().st_size
    _flip_middle(path)
    assert path.stat().st_size == size
    second = build()
    assert not second.from_cache and fit.calls == 2
    assert [(n.kind, n.code) for n in second.notices] == [("map", "corrupt")]
    np.testing.assert_array_equal(second.coords, first.coords)
    third = build()
    assert third.from_cache and third.notices == []


def test_other_umap_version_missing_checksum_or_bad_metadata_refit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(maps, "_fit_map", _FakeFit())
    x = _vectors()
    build_map(x, fingerprint="fp", model_id="m", cache_root=tmp_path)
    path = next((tmp_path / "maps" / "fp").glob("*.npy"))
    js = path.with_suffix(".json")

    def codes_after(
        change: dict[str, object] | None = None, drop: str | None = None, raw: str | None = None
    ) -> list[str]:
        meta = json.loads(js.read_text())
        meta.update(change or {})
        if drop:
            meta.pop(drop)
        js.write_text(raw if raw is not None else json.dumps(meta))
        result = build_map(x, fingerprint="fp", model_id="m", cache_root=tmp_path)
        assert not result.from_cache
        return [n.code for n in result.notices]

    assert codes_after({"built_with": {**library_versions(), "umap-learn": "0.4.0"}}) == ["versions"]
    assert codes_after(drop="blake2b") == ["unverified"]
    assert codes_after(raw="[1, 2") == ["corrupt"]
    assert build_map(x, fingerprint="fp", model_id="m", cache_root=tmp_path).from_cache


def test_load_cached_deletes_a_bad_entry(tmp_path: Path) -> None:
    path = tmp_path / "m.npy"
    save_cached(path, np.ones((10, 2), np.float32), {"n_rows": 10, "trustworthiness": 1.0})
    assert load_cached(path) is not None
    save_cached(path, np.ones((10, 2), np.float32), {"n_rows": 11, "trustworthiness": 1.0})  # wrong shape
    notices: list[CacheNotice] = []
    assert load_cached(path, notices) is None
    assert [n.code for n in notices] == ["corrupt"] and not path.exists() and not path.with_suffix(".json").exists()
    assert load_cached(path, notices) is None and len(notices) == 1  # absent: nothing to report


def test_concurrent_requests_for_the_same_map_fit_it_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fit = _FakeFit()
    monkeypatch.setattr(maps, "_fit_map", fit)
    x = _vectors()
    results: list[maps.ProjectionMap] = []
    barrier = threading.Barrier(3)

    def run() -> None:
        barrier.wait()
        results.append(build_map(x, fingerprint="fp", model_id="m", cache_root=tmp_path))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert fit.calls == 1 and len(results) == 3
    assert sorted(r.from_cache for r in results) == [False, True, True]
    assert sorted(p.suffix for p in (tmp_path / "maps" / "fp").iterdir()) == [".json", ".npy"]
