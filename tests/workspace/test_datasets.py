"""core.workspace.datasets: content keys, Parquet round trips, atomic writes, missing files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.common.errors import DataError
from core.data.dataset import Dataset
from core.workspace.datasets import content_key
from core.workspace.records import WorkspaceError
from core.workspace.store import Workspace
from tests.data.zh_films import zh_films


def _frames(n_users: int = 5, n_items: int = 8, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    rows = [(f"u{u}", f"i{i}") for u in range(n_users) for i in rng.choice(n_items, 3, replace=False)]
    inter = pd.DataFrame(
        {
            "user_id": [u for u, _ in rows],
            "item_id": [i for _, i in rows],
            "rating": rng.integers(1, 6, len(rows)).astype("float64"),
            "timestamp": np.where(np.arange(len(rows)) % 4 == 0, np.nan, 1.7e9 + np.arange(len(rows)) * 60.0),
            "event": ["收藏" if k % 2 else "" for k in range(len(rows))],
        }
    )
    items = pd.DataFrame(
        {
            "item_id": [f"i{i}" for i in range(n_items)],
            "title": [f"星海 {i} <b>bold</b>" for i in range(n_items)],
            "description": ["一艘世代飞船 / A generation ship"] * n_items,
            "category": ["科幻 / Sci-Fi", ""] * (n_items // 2),
            "tags": [("太空", "space"), ()] * (n_items // 2),
            "year": [2019.0, np.nan] * (n_items // 2),
        }
    )
    return inter, items


def test_dataset_round_trip_keeps_values_and_types(ws: Workspace) -> None:
    inter, items = _frames()
    key = ws.register_dataset(inter, items, "上传 <script>", source_files=["评分.csv", "items.tsv"],
                              mapping={"user": "用户ID"}, fingerprint="fp1")
    stored = ws.load_dataset_frames(key)
    pd.testing.assert_frame_equal(stored.interactions, inter)
    assert stored.items is not None and stored.user_tags is None
    pd.testing.assert_frame_equal(stored.items, items)
    assert stored.items["tags"].iloc[0] == ("太空", "space")  # list columns come back as tuples
    record = stored.record
    assert (record.key, record.name, record.fingerprint) == (key, "上传 <script>", "fp1")
    assert (record.n_interactions, record.n_items, record.n_user_tags, record.n_users) == (15, 8, 0, 5)
    assert record.source_files == ("评分.csv", "items.tsv") and record.mapping == {"user": "用户ID"}
    files = sorted(p.name for p in (ws.datasets_dir / key).iterdir())
    assert files == ["interactions.parquet", "items.parquet"]  # no temp files left behind


def test_same_content_same_key_different_content_new_key(ws: Workspace) -> None:
    inter, items = _frames()
    key = ws.register_dataset(inter, items, "first")
    assert ws.register_dataset(inter.copy(), items.copy(), "second name") == key
    assert [r.name for r in ws.list_datasets()] == ["first"]
    changed = inter.copy()
    changed.loc[0, "rating"] = 5.5
    key2 = ws.register_dataset(changed, items, "changed")
    assert key2 != key and content_key(changed, items) == key2
    assert ws.register_dataset(inter, None, "no items") not in {key, key2}
    assert len(ws.list_datasets()) == 3
    assert ws.load_dataset_frames(key2).record.name == "changed"
    assert ws.list_datasets()[0].key == key2  # most recently opened first


def test_register_and_rebuild_a_dataset_object_with_the_same_fingerprint(ws: Workspace) -> None:
    inter, items = _frames(n_users=12, n_items=10, seed=3)
    user_tags = pd.DataFrame(
        {"user_id": ["u1"], "item_id": ["i2"], "tag": ["太空歌剧"], "timestamp": [1.7e9]}
    )
    dataset = Dataset.from_frames("demo 数据", inter, items, user_tags)
    key = ws.register(dataset, source_files=["a.csv"])
    again = ws.load_dataset(key)
    assert again.fingerprint == dataset.fingerprint
    assert again.n_users == dataset.n_users and again.n_items == dataset.n_items
    assert again.items["tags"].tolist() == dataset.items["tags"].tolist()
    assert again.user_tags is not None and again.user_tags["tag"].tolist() == ["太空歌剧"]
    assert again.meta["workspace_key"] == key
    assert ws.get_dataset(key).fingerprint == dataset.fingerprint


def test_a_dataset_with_people_survives_save_and_load_unchanged(ws: Workspace) -> None:
    dataset = zh_films()
    key = ws.register(dataset, source_files=["films.csv"])
    again = ws.load_dataset(key)
    assert again.fingerprint == dataset.fingerprint
    pd.testing.assert_frame_equal(again.items, dataset.items)
    assert again.items["people"].iloc[0] == ("周星驰 / Stephen Chow", "元秋", "元华")
    assert {type(p) for p in again.items["people"]} == {tuple}


def test_mixed_type_columns_are_stored_as_text(ws: Workspace) -> None:
    raw = pd.DataFrame({"user": ["a", "b", "c"], "item": [1, "x", 2.5], "extra": [None, {"k": 1}, "v"]})
    key = ws.register_dataset(raw, None, "raw upload")
    back = ws.load_dataset_frames(key).interactions
    assert back["item"].tolist() == ["1", "x", "2.5"]
    assert back["user"].tolist() == ["a", "b", "c"]
    with pytest.raises(DataError, match="lacks canonical columns"):
        ws.load_dataset(key)


def test_missing_dataset_and_missing_files_give_readable_errors(ws: Workspace) -> None:
    with pytest.raises(WorkspaceError, match="no dataset 'nope'"):
        ws.load_dataset_frames("nope")
    inter, items = _frames()
    key = ws.register_dataset(inter, items, "x")
    (ws.datasets_dir / key / "items.parquet").unlink()
    with pytest.raises(DataError, match=r"items\.parquet is missing"):
        ws.load_dataset_frames(key)
    assert ws.delete_dataset(key) is True
    assert not (ws.datasets_dir / key).exists() and ws.list_datasets() == []
    assert ws.delete_dataset(key) is False


def test_failed_parquet_write_registers_nothing_and_leaves_no_temp_files(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    real = pq.write_table
    calls = {"n": 0}

    def crash_on_second(table, where, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        real(table, where, *args, **kwargs)  # the temp file exists now ...
        if calls["n"] == 2:
            raise OSError("disk full")  # ... and the process "dies" before os.replace

    monkeypatch.setattr(pq, "write_table", crash_on_second)
    inter, items = _frames()
    with pytest.raises(OSError, match="disk full"):
        ws.register_dataset(inter, items, "half written")
    assert ws.list_datasets() == []
    folder = ws.datasets_dir / content_key(inter, items)
    assert sorted(p.name for p in folder.iterdir()) == ["interactions.parquet"]  # complete files only
    monkeypatch.setattr(pq, "write_table", real)
    key = ws.register_dataset(inter, items, "retry")  # a retry completes the dataset
    pd.testing.assert_frame_equal(ws.load_dataset_frames(key).items, items)



def test_the_signal_survives_a_restart_and_a_new_declaration_replaces_it(tmp_path: Path) -> None:
    from core.data.signal import declared

    inter, items = _frames()
    guessed = Dataset.from_frames("films", inter, items)
    assert guessed.signal.kind == "explicit" and guessed.signal.scale == (1.0, 5.0)  # integers 1-5
    counts = Dataset.from_frames("films", inter, items, signal=declared("count"))
    assert counts.fingerprint != guessed.fingerprint  # models trained for one signal are not reused for another
    key = Workspace(tmp_path / "ws").register(counts)
    reopened = Workspace(tmp_path / "ws")  # a new process: only the files and the database remain
    assert reopened.get_dataset(key).signal == counts.signal.to_dict()
    loaded = reopened.load_dataset(key)
    assert loaded.signal == counts.signal and loaded.fingerprint == counts.fingerprint
    # registering the same frames with another declared signal keeps one record and the newer signal
    assert reopened.register(guessed) == key
    again = Workspace(tmp_path / "ws").load_dataset(key)
    assert again.signal.kind == "explicit" and again.fingerprint == guessed.fingerprint


def test_a_damaged_stored_signal_is_guessed_again(ws: Workspace) -> None:
    import sqlite3

    inter, items = _frames()
    key = ws.register(Dataset.from_frames("films", inter, items))
    with sqlite3.connect(ws.db_path) as conn:
        conn.execute("UPDATE datasets SET signal = ? WHERE key = ?", ('{"kind": "stars"}', key))
    assert ws.load_dataset(key).signal.kind == "explicit"
