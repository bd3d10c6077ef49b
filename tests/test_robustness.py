"""Robustness: fuzzed loaders and interest parser, and artefacts that survive a SIGKILL mid-write.

- Loaders (``core.data.loaders``): random bytes, random CSV-like text in several encodings, delimiters and line
  endings, and random item files: the only exception allowed is the documented ``DataError`` (an
  ``InterestLensError``), and a successful load keeps its row accounting straight.
- Interest parser (``core.interests.decompose.decompose``) with the real multilingual encoder on random Unicode
  (CJK, emoji, HTML, control characters, negations): only ``InterestLensError``; a profile that comes
  back is well-formed (weights normalised, finite vectors).
- A child process writes the vector cache, the HNSW index and workspace datasets in a loop and is
  SIGKILLed at random moments, several times; afterwards every artefact on disk loads, or is cleanly
  absent and rebuilt — never half-written.

Together the fuzz tests run ~2,200 generated cases (tuned to keep this file around a minute on 2 cores).
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.common.errors import DataError, InterestLensError
from core.data.loaders import load_dataset, load_interactions, load_items
from core.data.readers import read_table

ROOT = Path(__file__).resolve().parent.parent
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- loader fuzz ------------------------------------------------------------------------------------

MAGIC = st.sampled_from([b"", b"PAR1", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"{\"",
                         b"[", b"\x00\x00", b"%PDF-1.4\n", b"\x1f\x8b\x08", b"user_id,item_id\n"])
HEADERS = st.sampled_from([
    "user_id", "item_id", "rating", "timestamp", "用户ID", "物品ID", "评分", "时间", "userId", "movieId",
    "user:token", "item:token", "rating:float", "event", "行为", "", " ", "user_id", "\"quoted\"", "a,b",
])
CELLS = st.one_of(
    st.sampled_from(["", "nan", "NaN", "inf", "-inf", "1e309", "-1", "0", "5", "3.5", "2024-01-01",
                     "2024-13-45", "1699999999", "1699999999999", "9" * 30, "null", "None", "\"", "\"\"",
                     "'", "=cmd|' /C calc'!A0", "<script>x</script>", "用户", "😀", "\x00", "a\nb", "1,5"]),
    st.text(max_size=12),
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@st.composite
def csv_like(draw: st.DrawFn) -> tuple[bytes, str]:
    """A table-shaped text: a header, 0-25 rows of awkward cells, a delimiter, an encoding, line endings."""
    delim = draw(st.sampled_from([",", ";", "\t", "|", " ", ":", "，"]))
    n_cols = draw(st.integers(1, 6))
    header = [draw(HEADERS) for _ in range(n_cols)]
    n_rows = draw(st.integers(0, 25))
    rows = [[draw(CELLS) for _ in range(draw(st.integers(0, n_cols + 1)))] for _ in range(n_rows)]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    quote = draw(st.booleans())

    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if quote and draw(st.booleans()) else value

    text = newline.join(delim.join(cell(c) for c in row) for row in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]  # a truncated upload
    return data, draw(st.sampled_from(["x.csv", "x.tsv", "x.txt", "x.inter", "x.jsonl", "x.parquet", "x"]))


def _check_report(report: Any) -> None:
    assert report.rows_loaded >= 0 and report.rows_rejected >= 0
    assert report.rows_loaded == len(report.frame)
    assert report.rows_loaded + report.rows_rejected <= max(report.rows_total, report.rows_loaded)
    assert isinstance(report.rejected_csv(), bytes)
    assert {"user_id", "item_id"} <= set(report.frame.columns) if report.kind == "interactions" else True


@settings(FUZZ, max_examples=500)
@given(MAGIC, st.binary(max_size=1500))
def test_read_table_random_bytes_raise_only_data_errors(magic: bytes, body: bytes) -> None:
    try:
        raw = read_table(magic + body, name="fuzz.csv")
    except DataError:
        return
    assert raw.rows_total >= 0 and len(raw.columns) >= 1


@settings(FUZZ, max_examples=600)
@given(csv_like())
def test_load_interactions_on_csv_like_text(case: tuple[bytes, str]) -> None:
    data, name = case
    try:
        report = load_interactions(data, name=name)
    except InterestLensError:
        return
    _check_report(report)


@settings(FUZZ, max_examples=300)
@given(csv_like(), st.dictionaries(st.sampled_from(["user", "item", "rating", "timestamp"]),
                                   st.sampled_from(["user_id", "item_id", "rating", "nope", "用户ID"]),
                                   max_size=4))
def test_load_interactions_with_random_mappings(case: tuple[bytes, str], mapping: dict[str, str]) -> None:
    data, name = case
    try:
        report = load_interactions(data, mapping=mapping, name=name)
    except InterestLensError:
        return
    _check_report(report)


@settings(FUZZ, max_examples=300)
@given(csv_like())
def test_load_items_on_csv_like_text(case: tuple[bytes, str]) -> None:
    data, name = case
    try:
        report = load_items(data, name=name)
    except InterestLensError:
        return
    _check_report(report)
    assert report.frame["item_id"].is_unique


@settings(FUZZ, max_examples=150)
@given(csv_like(), csv_like(), st.none() | st.text(min_size=1, max_size=8))
def test_load_dataset_end_to_end(inter: tuple[bytes, str], items: tuple[bytes, str], key: str | None) -> None:
    try:
        dataset, _, _ = load_dataset(inter[0], items[0], name="fuzz", pseudonymise_key=key)
    except InterestLensError:
        return
    assert dataset.n_items >= 1 and len(dataset.interactions) >= 1
    assert dataset.matrix.shape == (dataset.n_users, dataset.n_items)


# --- interest parser fuzz ---------------------------------------------------------------------------

CATALOGUE_TITLES = [
    "星际穿越 Interstellar space travel", "科幻电影 science fiction", "轻松的喜剧 light comedy",
    "恐怖片 horror", "悬疑推理小说 cozy mystery", "太空歌剧 space opera", "浪漫爱情 romance",
    "纪录片 nature documentary", "动画电影 animation for kids", "武侠 martial arts", "摇滚音乐 rock music",
    "爵士乐 jazz", "烹饪节目 cooking show", "历史剧 historical drama", "侦探 detective noir",
    "战争片 war film", "音乐剧 musical", "青春校园 coming of age", "犯罪惊悚 crime thriller", "旅行 travel",
]
FRAGMENTS = st.sampled_from([
    "我喜欢", "不要", "不喜欢", "但是", "还有", "和", "以及", "，", "。", "、", "I like", "but not", "no ",
    "except", " and ", "cozy mysteries", "space operas", "科幻电影", "轻松的喜剧", "恐怖片",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))", "&amp;",
    "😀🎬🚀", "\u200b", "\u202e", "\x00", "\t", "\n", "  ", "!!!", "???", "…", "——", "ＡＢＣ", "ﾃｽﾄ",
])
UNICODE = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK
        st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=60,
)
INTEREST_TEXT = st.lists(st.one_of(FRAGMENTS, UNICODE), max_size=8).map("".join) | st.text(max_size=200)


@pytest.fixture(scope="module")
def small_catalogue(use_encoder: Any) -> tuple[Any, np.ndarray, Any]:
    """The real encoder, 20 item vectors and an exact index over them."""
    from core.vectors.index import ExactIndex

    vectors = use_encoder.encode(CATALOGUE_TITLES)
    return use_encoder, vectors, ExactIndex(vectors.shape[1]).build(vectors)


def _check_profile(profile: Any) -> None:
    assert profile.tags, "a profile without tags should have been an InterestLensError"
    for tag in profile.tags:
        assert tag.polarity in (1, -1) and np.isfinite(tag.weight) and tag.weight >= 0
        assert tag.text.strip()
        if tag.vector is not None:
            assert np.isfinite(tag.vector).all()
    positive = [tag.weight for tag in profile.positive()]
    if positive:
        assert abs(sum(positive) - 1.0) < 1e-4
    composed = profile.composed_vector()
    if composed is not None:
        assert np.isfinite(composed).all() and abs(float(np.linalg.norm(composed)) - 1.0) < 1e-3


@settings(FUZZ, max_examples=250)
@given(text=INTEREST_TEXT, with_index=st.booleans(), max_tags=st.integers(1, 10))
def test_decompose_random_unicode(
    small_catalogue: tuple[Any, np.ndarray, Any], text: str, with_index: bool, max_tags: int
) -> None:
    from core.interests.decompose import decompose

    encoder, vectors, index = small_catalogue
    try:
        profile = decompose(text, encoder, vectors, index if with_index else None, max_tags=max_tags)
    except InterestLensError:
        return
    _check_profile(profile)
    assert len(profile.tags) <= max_tags * 2  # positives and negatives are each capped


@settings(FUZZ, max_examples=60)
@given(text=st.text(min_size=1, max_size=40))
def test_decompose_without_catalogue(small_catalogue: tuple[Any, np.ndarray, Any], text: str) -> None:
    """No item vectors yet (empty catalogue): still only InterestLensError."""
    from core.interests.decompose import decompose

    encoder, _, _ = small_catalogue
    with contextlib.suppress(InterestLensError):
        _check_profile(decompose("我喜欢 " + text, encoder, None))


def test_decompose_handles_the_documented_chinese_example(
    small_catalogue: tuple[Any, np.ndarray, Any],
) -> None:
    from core.interests.decompose import decompose

    encoder, vectors, index = small_catalogue
    profile = decompose("我喜欢科幻电影和轻松的喜剧，不要恐怖片", encoder, vectors, index)
    _check_profile(profile)
    assert profile.positive() and profile.negative()
    assert any("恐怖" in tag.text for tag in profile.negative())


# --- SIGKILL during artefact writes -----------------------------------------------------------------

WRITER = r'''
import os, sys, time, zlib
import numpy as np
import pandas as pd
sys.path.insert(0, sys.argv[2])
from core.vectors.vector_cache import VectorCache, text_key
from core.vectors.index import HnswIndex
from core.workspace.store import Workspace

root = sys.argv[1]
rng = np.random.default_rng(int(sys.argv[3]))
cache = VectorCache(os.path.join(root, "vectors"), "fuzz-model", max_shards=4)
ws = Workspace(os.path.join(root, "ws"))
print("ready", flush=True)
i = 0
while True:
    i += 1
    texts = [f"text {i}-{j}" for j in range(200)]
    vecs = np.stack([np.full(32, zlib.crc32(t.encode()) % 997 / 997.0, dtype=np.float32) for t in texts])
    cache.put([text_key(t) for t in texts], vecs)
    n = int(rng.integers(200, 1500))
    data = rng.standard_normal((n, 32)).astype(np.float32)
    index = HnswIndex(32).build(data)
    index.save(os.path.join(root, "index", "items.hnsw"))
    frame = pd.DataFrame({"user_id": [f"u{k % 50}" for k in range(n)], "item_id": [f"i{k}" for k in range(n)],
                          "rating": rng.random(n), "timestamp": np.arange(n, dtype=float), "event": "view"})
    ws.register_dataset(frame, None, f"run {i}")
'''


def _expected_vector(text: str) -> float:
    return zlib.crc32(text.encode()) % 997 / 997.0


def _verify_artefacts(root: Path) -> dict[str, int]:
    """Everything on disk is either complete and loadable, or absent; returns what was found."""
    from core.vectors.index import HnswIndex, build_item_index, read_meta
    from core.vectors.vector_cache import VectorCache, text_key
    from core.workspace.store import Workspace

    found = {"shards": 0, "vectors": 0, "index": 0, "datasets": 0}
    cache = VectorCache(root / "vectors", "fuzz-model")
    for shard in sorted(cache.path.glob("shard-*.npz")) if cache.path.exists() else []:
        with np.load(shard, allow_pickle=False) as data:  # a visible shard is always complete
            keys, vectors = np.asarray(data["keys"]), np.asarray(data["vectors"])
        assert keys.shape == (len(vectors), 20) and vectors.shape[1] == 32 and np.isfinite(vectors).all()
        found["shards"] += 1
    found["vectors"] = len(cache)
    if found["vectors"]:
        # the values are deterministic per text, so check a sample of the texts the writer produced
        probe = [f"text {i}-{j}" for i in range(1, 40) for j in (0, 99, 199)]
        got, mask = cache.get([text_key(t) for t in probe])
        expected = np.array([_expected_vector(t) for t, m in zip(probe, mask, strict=True) if m], np.float32)
        assert np.allclose(got[:, 0], expected) and np.allclose(got, got[:, :1])

    path = root / "index" / "items.hnsw"
    meta = read_meta(path)
    if meta is not None:  # metadata present => the graph next to it is complete and matches it
        index = HnswIndex.load(path)
        assert len(index) == int(meta["count"])
        ids, sims = index.query(np.ones((1, 32), np.float32), k=5)
        assert (ids >= 0).all() and np.isfinite(sims).all()
        found["index"] = 1
    # whatever state the cache is in, the high-level builder returns a working index
    fresh = np.random.default_rng(0).standard_normal((300, 32)).astype(np.float32)
    rebuilt = build_item_index(fresh, cache_path=path)
    assert len(rebuilt) == 300 and int(rebuilt.query(fresh[:1], k=1)[0][0, 0]) == 0

    if (root / "ws").exists():
        ws = Workspace(root / "ws")
        for record in ws.list_datasets():  # a listed dataset always has all its files
            dataset = ws.load_dataset(record.key)
            assert len(dataset.interactions) == record.n_interactions
            found["datasets"] += 1
        ws.close()
    return found


def test_sigkill_during_cache_index_and_workspace_writes_leaves_no_corrupt_artefact(tmp_path: Path) -> None:
    rng = random.Random(2024)
    env = dict(os.environ, OMP_NUM_THREADS="1")
    totals = {"shards": 0, "vectors": 0, "index": 0, "datasets": 0}
    for round_ in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), str(ROOT), str(round_)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()  # imports done, writes about to start
        assert line.strip() == b"ready", proc.stderr.read() if proc.stderr else line
        time.sleep(rng.uniform(0.3, 2.5))
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else "writer died on its own"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        found = _verify_artefacts(tmp_path)
        totals = {k: max(totals[k], v) for k, v in found.items()}
    # the writer got far enough to leave artefacts of every kind at least once
    assert totals["shards"] >= 1 and totals["vectors"] >= 200 and totals["datasets"] >= 1, totals
