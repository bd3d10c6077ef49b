"""The inspector's frames: lists side by side with hits marked, contributions, history, held-out items, tags."""

from __future__ import annotations

import numpy as np
import pytest

from core.data.splits import SplitParams, split_dataset
from core.evaluation.compare import fit_suite
from core.evaluation.inspector import UserInspection, inspect_user
from core.ranking.config import FusionConfig, FusionWeights
from tests.evaluation.conftest import clustered
from ui.i18n import t
from ui.inspector_views import (
    HELD,
    HIT,
    contributions_frame,
    entry_text,
    held_out_frame,
    history_frame,
    lists_frame,
    mark,
    metrics_frame,
    tags_frame,
)

K = 6


def tr(key: str, **fmt: object) -> str:
    return t(key, "en", **fmt)


@pytest.fixture(scope="module")
def inspection() -> UserInspection:
    split = split_dataset(clustered(), SplitParams(kind="leave_last", n_last=4, relevance_threshold=4.0))
    suite = fit_suite(split.train, ["item_knn", "popularity"])
    config = FusionConfig(weights=FusionWeights.from_dict({"item_knn": 1.0, "popularity": 0.4}))
    held = split.held_out.groupby("user_id").size()
    best = next(int(u) for u in split.users  # a user with hits to find and a low-rated held-out item
                if held[str(split.train.user_ids[int(u)])] > len(split.relevant[int(u)]) >= 2)
    return inspect_user(split, suite, config, int(best), k=K, channels=["item_knn", "popularity", "semantic"],
                        label="fused_default")


def test_lists_side_by_side_with_hits_marked(inspection: UserInspection) -> None:
    frame = lists_frame(inspection, tr)

    def header(name: str, hits: int) -> str:
        return tr("inspect.col.list", name=name, hits=hits)

    alone = [tr("evaluate.config.channel", channel=tr(f"tuning.channel.{c}")) for c in ("item_knn", "popularity")]
    fused = header(tr("evaluate.config.fused_default"), inspection.fused.hits)
    channels = [header(a, lst.hits) for a, lst in zip(alone, inspection.channels[:2], strict=True)]
    assert list(frame.columns) == [tr("compare.col.rank"), fused, *channels]  # semantic (not fitted): no column
    assert len(frame) == K
    cells = frame.iloc[:, 1:].to_numpy().ravel()
    assert sum(str(c).startswith(HIT) for c in cells) == sum(lst.hits for lst in inspection.lists()) > 0
    first = inspection.fused.entries[0]
    assert frame.iloc[0, 1] == entry_text(first, inspection) and first.title in frame.iloc[0, 1]


def test_marks_tell_hits_from_other_held_out_items(inspection: UserInspection) -> None:
    assert {r.relevant for r in inspection.held_out} == {True, False}
    for row in inspection.held_out:
        assert mark(row.item_id, inspection) == (HIT if row.relevant else HELD)
    assert mark(inspection.history[0].item_id, inspection) == ""


def test_contributions_frame_sums_to_the_fused_score(inspection: UserInspection) -> None:
    frame = contributions_frame(inspection, tr)
    channels = [tr("tuning.channel.item_knn"), tr("tuning.channel.popularity")]
    assert set(channels) <= set(frame.columns) and len(frame) == len(inspection.fused.entries)
    np.testing.assert_allclose(frame[channels].sum(axis=1), frame[tr("inspect.col.score")], atol=2e-4)


def test_metrics_frame_has_one_row_per_ranked_list(inspection: UserInspection) -> None:
    frame = metrics_frame(inspection, tr)
    assert len(frame) == 3 and "NDCG@6" in frame.columns
    assert list(frame[tr("inspect.col.hits")]) == [lst.hits for lst in inspection.lists() if lst.reason is None]


def test_history_held_out_and_tags_frames(inspection: UserInspection) -> None:
    history = history_frame(inspection, tr)
    assert len(history) == len(inspection.history) and tr("inspect.col.event") not in history.columns  # no events
    assert list(history[tr("inspect.col.time")]) == sorted(history[tr("inspect.col.time")], reverse=True)
    held = held_out_frame(inspection, tr)
    assert (held[tr("inspect.col.relevant")] == HIT).sum() == len(inspection.relevant_ids)
    tags = tags_frame(inspection, tr)
    assert len(tags) == len(inspection.tags) > 0
    assert set(tags[tr("inspect.col.tag")]) == {g.tag for g in inspection.tags}
