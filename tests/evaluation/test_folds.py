"""Validation folds: per user, disjoint held-out items; seeded; fold 0 is the usual validation split."""

from __future__ import annotations

import pytest

from core.data.splits import Split, SplitParams, tuning_splits
from core.evaluation.folds import fold_users, validation_folds
from tests.evaluation.conftest import clustered


def _pairs(fold: Split) -> set[tuple[str, str, float]]:
    held = fold.held_out
    return set(zip(held["user_id"], held["item_id"], held["timestamp"], strict=True))


@pytest.mark.parametrize("kind", ["random", "leave_last", "temporal"])
def test_folds_are_disjoint_per_user_and_deterministic(kind: str) -> None:
    ds = clustered(with_text=False)
    params = SplitParams(kind=kind, n_last=2, test_ratio=0.15, relevance_threshold=4.0, seed=11)
    test, val = tuning_splits(ds, params)
    folds = validation_folds(test.train, params, 3, first=val)
    assert len(folds) == 3 and folds[0] is val
    test_held = _pairs(test)
    for i, a in enumerate(folds):
        assert a.relevant and not _pairs(a) & test_held  # never a test item
        for b in folds[i + 1:]:
            assert not _pairs(a) & _pairs(b)  # disjoint held-out interactions
    if kind == "random":  # every fold trains on the whole parent except its own held-out rows
        for fold in folds:
            assert len(fold.train.interactions) + len(fold.held_out) == len(test.train.interactions)
            sizes = fold.held_out.groupby("user_id").size()
            assert sizes.max() <= val.held_out.groupby("user_id").size().max()
    again = validation_folds(test.train, params, 3)
    assert [_pairs(f) for f in again] == [_pairs(f) for f in folds]  # seeded; fold 0 = tuning_splits'


def test_fold_users_selects_by_id() -> None:
    ds = clustered(with_text=False)
    params = SplitParams(kind="random", relevance_threshold=4.0, seed=2)
    test, val = tuning_splits(ds, params)
    folds = validation_folds(test.train, params, 2, first=val)
    ids = {str(u) for u in val.train.user_ids[val.users[:5]]}
    for fold in folds:
        chosen = fold_users(fold, ids)
        assert set(fold.train.user_ids[chosen].astype(str)) <= ids
    assert len(fold_users(folds[0], None)) == len(val.users)
