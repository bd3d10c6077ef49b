"""core.workspace.store: the Workspace facade, the default workspace, reopening a moved folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from core.ranking.config import FusionConfig, FusionWeights
from core.workspace.schema import DB_NAME
from core.workspace.store import Workspace, default_workspace
from tests.workspace.test_datasets import _frames


def test_default_workspace_follows_the_environment(tmp_workspace: Path) -> None:
    ws = default_workspace()
    assert ws.root == tmp_workspace.resolve()
    assert default_workspace() is ws


def test_reopening_the_folder_finds_everything_even_after_moving_it(tmp_path: Path) -> None:
    first = Workspace(tmp_path / "a")
    inter, items = _frames()
    key = first.register_dataset(inter, items, "kept")
    first.save_preset("kept preset", FusionConfig(weights=FusionWeights(graph=2.0)))
    run_id = first.record_run("kept run", "fp", {"k": 5}, {"ndcg": 0.5})
    first.record_feedback("s", "fp", "i1", "like", profile_text="太空歌剧", ts=1.0)
    first.set_setting("language", "en")
    first.close()  # the WAL is folded into the database file: the folder is self-contained
    assert not (tmp_path / "a" / f"{DB_NAME}-wal").exists()
    del first
    shutil.move(tmp_path / "a", tmp_path / "b")  # like a restart on another machine / folder

    again = Workspace(tmp_path / "b")
    assert [d.key for d in again.list_datasets()] == [key]
    pd.testing.assert_frame_equal(again.load_dataset_frames(key).interactions, inter)
    assert again.load_preset("kept preset").weights.graph == 2.0
    assert again.get_run(run_id).results == {"ndcg": 0.5}
    assert [(e.item_id, e.profile_text) for e in again.list_feedback("fp")] == [("i1", "太空歌剧")]
    assert again.get_setting("language") == "en"
