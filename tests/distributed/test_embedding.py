"""Embedding over Ray Data against a real local Ray runtime and the real default encoder: the vectors are
the in-process ones, every batch lands in the vector cache as a whole shard, a killed worker leaves nothing
corrupt and the re-run encodes only what is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.distributed.backend import Backend, BackendError
from core.distributed.embedding import EXIT_AFTER_ENV, embed_texts_ray, model_id_for
from core.vectors.vector_cache import VectorCache

ROOT = Path(__file__).parent.parent.parent
TEXTS = [f"film {i}: a {['quiet', 'loud', 'slow', '温柔的'][i % 4]} story about {i * 7 % 31} friends"
         for i in range(120)]
BATCH = 20


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def test_model_id_for_names_the_cache_without_loading_the_model(tmp_path: Path) -> None:
    assert model_id_for("use-m3") == "use-m3" and model_id_for("minilm") == "minilm"
    assert model_id_for(str(tmp_path)) == f"path:{tmp_path.resolve()}"
    assert model_id_for("some/hub-model") == "st:some/hub-model"


def test_a_cache_of_another_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="cache is for model 'minilm'"):
        embed_texts_ray(TEXTS, "use-m3", VectorCache(tmp_path, "minilm"))


@pytest.mark.usefixtures("ray_session")
def test_a_killed_worker_leaves_whole_shards_and_the_rerun_encodes_only_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_encoder  # type: ignore[no-untyped-def]
) -> None:
    texts = TEXTS + TEXTS[:15]  # duplicates are encoded once
    monkeypatch.setenv(EXIT_AFTER_ENV, "4")  # each worker dies (os._exit) at its fifth batch
    lines: list[str] = []
    with pytest.raises(BackendError, match=r"worker died.*re-run"):
        embed_texts_ray(texts, "use-m3", VectorCache(tmp_path, "use-m3"), Backend("ray"), workers=1,
                        batch_texts=BATCH, max_restarts=0, stall_timeout=300,
                        progress=lambda _f, m: lines.append(m))
    folder = VectorCache(tmp_path, "use-m3").path
    shards = sorted(p for p in folder.glob("shard-*.npz"))
    assert all(name.startswith("shard-") or name.endswith(".lock") for name in _files(folder))  # no temp files
    fresh = VectorCache(tmp_path, "use-m3")
    written = len(fresh)
    assert fresh.take_notices() == []  # every shard on disk is whole and verified
    assert written == BATCH * len(shards) and 0 < written < len(TEXTS)
    monkeypatch.delenv(EXIT_AFTER_ENV)
    result = embed_texts_ray(texts, "use-m3", VectorCache(tmp_path, "use-m3"), Backend("ray"), workers=1,
                             batch_texts=BATCH, stall_timeout=300)
    assert (result.n_cached, result.n_encoded) == (written, len(TEXTS) - written)
    assert result.vectors.shape == (len(texts), 512) and result.notices == []
    local = use_encoder.encode(texts, batch_size=256)
    assert float(np.abs(result.vectors - local).max()) <= 1e-6
    again = embed_texts_ray(texts, "use-m3", VectorCache(tmp_path, "use-m3"))  # all cached: Ray is not needed
    assert (again.n_cached, again.n_encoded) == (len(TEXTS), 0)
    assert np.array_equal(again.vectors, result.vectors)
    assert any("of" in m and "texts" in m for m in lines)


@pytest.mark.usefixtures("ray_session")
def test_ray_data_restarts_a_killed_worker_and_the_job_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(EXIT_AFTER_ENV, "3")
    texts = TEXTS[:100]
    result = embed_texts_ray(texts, "use-m3", VectorCache(tmp_path, "use-m3"), Backend("ray"), workers=1,
                             batch_texts=BATCH, max_restarts=3, stall_timeout=300)
    assert (result.n_cached, result.n_encoded) == (0, len(texts))  # 5 batches: the worker died once
    assert len(VectorCache(tmp_path, "use-m3")) == len(texts)


def test_cli_embed_on_ray_writes_the_cache_the_local_run_then_finds(tmp_path: Path) -> None:
    """``python -m core embed --data FILE --backend ray``: progress lines on stderr, JSON on stdout, and a
    local re-run finds every text cached."""
    data = tmp_path / "ratings.csv"
    items = tmp_path / "items.csv"
    data.write_text("user,item,rating\n" + "".join(f"u{i % 7},i{i},4\n" for i in range(30)), encoding="utf-8")
    items.write_text("item,title\n" + "".join(f"i{i},{TEXTS[i]}\n" for i in range(30)), encoding="utf-8")
    env = {**os.environ, "INTERESTLENS_WORKSPACE": str(tmp_path / "ws")}
    base = [sys.executable, "-m", "core", "embed", "--data", str(data), "--items", str(items), "--json"]
    proc = subprocess.run([*base, "--backend", "ray", "--workers", "1"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    payload = json.loads(proc.stdout)
    assert payload["encoded"] == 30 and payload["backend"] == "Ray (local runtime)"
    assert any(line.startswith("embed ") and "100%" in line for line in proc.stderr.splitlines())
    local = subprocess.run(base, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert local.returncode == 0, local.stderr[-2000:]
    assert (json.loads(local.stdout)["cached"], json.loads(local.stdout)["encoded"]) == (30, 0)
