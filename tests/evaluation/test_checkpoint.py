"""Checkpoints of an evaluation run (:mod:`core.evaluation.checkpoint`): an interrupted run resumes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.data.splits import SplitParams
from core.evaluation.checkpoint import Checkpoint
from core.evaluation.options import EvalOptions
from core.evaluation.protocol import evaluate_dataset, run_checkpoint
from tests.evaluation.conftest import clustered


def test_stages_and_lists_round_trip_and_bad_files_count_as_missing(tmp_path: Path) -> None:
    cp = Checkpoint(tmp_path / "run")
    assert cp.load_json("fusion_tuning") is None and cp.n_saved() == 0
    cp.save_json("fusion_tuning", {"best_value": 0.25, "weights": {"mf": 1.0}})
    assert cp.load_json("fusion_tuning") == {"best_value": 0.25, "weights": {"mf": 1.0}}
    lists = np.arange(12, dtype=np.int64).reshape(4, 3)
    cp.save_lists("lists:als", lists, 1.5, 0.25)
    got = cp.load_lists("lists:als", (4, 3))
    assert got is not None and np.array_equal(got[0], lists) and got[1:] == (1.5, 0.25)
    assert cp.load_lists("lists:als", (5, 3)) is None  # another set of users: run it again
    assert cp.n_saved() == 2
    for path in cp.folder.iterdir():  # damaged files are ignored, never trusted
        path.write_bytes(b"\x00garbage")
    assert cp.load_json("fusion_tuning") is None and cp.load_lists("lists:als", (4, 3)) is None
    cp.clear()
    assert not cp.folder.exists()


class _Stop(Exception):
    pass


def _opts() -> EvalOptions:
    return EvalOptions(split=SplitParams(kind="random", relevance_threshold=4.0, seed=3), n_trials=5,
                       tune_users=40, n_boot=50, model="use-m3", typed=False)


def test_an_interrupted_evaluation_resumes_and_gives_the_same_table(tmp_workspace: Path) -> None:
    ds = clustered(with_text=False)
    opts = _opts()
    whole = evaluate_dataset(ds, opts)

    cp = run_checkpoint(ds, opts)
    seen: list[str] = []

    def stop_at_fused(_fraction: float, message: str) -> None:
        seen.append(message)
        if message.startswith("fused_default: fit"):
            raise _Stop  # a page switch, a crash, Ctrl-C: after tuning and several configurations

    with pytest.raises(_Stop):
        evaluate_dataset(ds, opts, progress=stop_at_fused, checkpoint=cp)
    assert cp.n_saved() >= 3, "tuning and the finished configurations were kept as they ended"

    messages: list[str] = []
    resumed = evaluate_dataset(ds, opts, progress=lambda _f, m: messages.append(m), checkpoint=cp)
    assert "fusion tuning resumed from the interrupted run" in messages
    assert "most_popular" in resumed.experiment.extra["resumed"]
    assert "fused_default" not in resumed.experiment.extra["resumed"]  # it had not finished
    assert not cp.folder.exists(), "a completed run removes its checkpoint"
    assert resumed.tuning is not None and whole.tuning is not None
    assert resumed.tuning.best_config == whole.tuning.best_config
    for a, b in zip(whole.experiment.results, resumed.experiment.results, strict=True):
        assert a.name == b.name
        np.testing.assert_array_equal(a.recommendations, b.recommendations)
        assert a.aggregate == pytest.approx(b.aggregate, nan_ok=True)


def test_other_options_do_not_resume_from_this_checkpoint() -> None:
    ds = clustered(with_text=False)
    assert run_checkpoint(ds, _opts()).folder != run_checkpoint(ds, EvalOptions(n_trials=6)).folder
    assert run_checkpoint(ds, _opts()).folder == run_checkpoint(ds, _opts()).folder
