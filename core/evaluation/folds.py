"""Validation folds for tuning: K splits of the test split's training part whose held-out items are disjoint.

Tuning on one validation split lets the search fit the noise of a few hundred users' held-out items.
:func:`validation_folds` gives K splits of the same training part (the *parent*: ``test_split.train``),
fold 0 being the usual validation split (:func:`core.data.splits.tuning_splits`), so an objective averaged
over the folds and a guard that scores each fold with weights tuned on the others
(:mod:`core.evaluation.tuning`) measure what carries over to new held-out items of the same users, which is
what the test split asks.

- ``random``: fold ``f >= 1`` holds out, per user, as many of the user's interactions as fold 0 does, drawn
  (seeded) from the interactions no earlier fold held out; every fold trains on the rest of the parent.
- ``leave_last`` / ``temporal`` (time order matters): rolling origin; fold ``f`` splits fold ``f - 1``'s
  training part with the same strategy, so each fold predicts the period just before the previous one and
  never trains on its own future.

Held-out interactions of different folds are disjoint for every user (tested).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from core.common.errors import ConfigError
from core.data.dataset import Dataset
from core.data.splits import Split, SplitParams, held_out_mask, split_dataset

DEFAULT_FOLDS = 3
"""Validation folds of the benchmark protocol."""


def validation_folds(parent: Dataset, params: SplitParams, n_folds: int = DEFAULT_FOLDS,
                     first: Split | None = None) -> list[Split]:
    """``n_folds`` splits of ``parent`` with per-user disjoint held-out items; fold 0 = ``first`` or the
    validation split :func:`~core.data.splits.tuning_splits` carves (same strategy, seed + 1).

    Folds that leave no user with a relevant held-out item are left out, so fewer may come back.
    """
    if n_folds < 1:
        raise ConfigError("n_folds must be at least 1")
    val_params = replace(params, seed=params.seed + 1)
    folds = [first if first is not None else split_dataset(parent, val_params)]
    if params.kind == "random":
        taken = held_out_mask(parent, val_params)
        for f, mask in enumerate(_random_blocks(parent, taken, n_folds - 1, params.seed + 1), start=1):
            fold = split_dataset(parent, replace(val_params, seed=params.seed + 1 + f), held_out=mask)
            if fold.relevant:
                folds.append(fold)
        return folds
    for _ in range(1, n_folds):
        try:
            fold = split_dataset(folds[-1].train, val_params)
        except ConfigError:  # too little history left for an earlier period
            break
        if not fold.relevant:
            break
        folds.append(fold)
    return folds


def _random_blocks(parent: Dataset, taken: np.ndarray, n_blocks: int, seed: int) -> list[np.ndarray]:
    """Per user, ``n_blocks`` disjoint seeded draws of fold 0's size from the rows fold 0 did not hold out."""
    if n_blocks <= 0:
        return []
    inter = parent.interactions
    user = inter["user_idx"].to_numpy(np.int64)
    size = np.bincount(user[taken], minlength=parent.n_users)  # fold 0's held-out count per user
    rows = np.flatnonzero(~taken)
    key = np.random.default_rng(seed).random(len(rows))
    order = np.lexsort((key, user[rows]))  # by user, then seeded random key
    rows = rows[order]
    users = user[rows]
    starts = np.searchsorted(users, users, side="left")
    rank = np.arange(len(rows)) - starts
    h = size[users]
    block = np.where(h > 0, rank // np.maximum(h, 1), -1)
    out = []
    for b in range(n_blocks):
        mask = np.zeros(len(inter), dtype=bool)
        mask[rows[block == b]] = True
        out.append(mask)
    return out


def fold_users(fold: Split, user_ids: set[str] | None) -> np.ndarray:
    """Evaluated users of ``fold`` (its own ``user_idx``) whose id is in ``user_ids`` (all when None)."""
    users = fold.users
    if user_ids is None:
        return users
    ids = fold.train.user_ids[users]
    return users[np.isin(ids.astype(str), np.array(sorted(user_ids), dtype=str))]
