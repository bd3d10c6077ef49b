"""Train / held-out splits for offline evaluation, seeded and leakage-aware.

Three strategies (:class:`SplitParams` ``kind``):

- ``temporal``: one global cut-off time at the ``1 - test_ratio`` quantile of all timestamps; later
  interactions are held out (the most realistic: the model never sees the future). Needs timestamps.
- ``leave_last``: per user, the ``n_last`` most recent interactions are held out (file order when the
  data has no timestamps); every user keeps at least one training interaction.
- ``random``: per user, a seeded random ``test_ratio`` share of interactions is held out (rounded,
  at least one kept for training; users with a single interaction stay in training).

The training part is a new :class:`~core.data.dataset.Dataset` built with the **full item table**, so item
positions (``item_idx``) and therefore item vectors are identical to the full dataset's; user
positions are the training dataset's own. Held-out interactions become per-user sets of *relevant*
items: rating ``>= relevance_threshold`` (every held-out item when the threshold is ``None``), minus
items the user already has in training (they are excluded from recommendations, so they could never
be hit). Users left with no relevant item, and users with no training interaction at all (cold
users: nothing to recommend from), are skipped and counted in :attr:`Split.stats`.

Free-text user tags written about a held-out item (or after the temporal cut-off) are dropped from the
training dataset: a tag like "Pixar" on the very film being predicted would leak the answer.

:func:`tuning_splits` carves a validation split out of the training part with the same strategy and
a different seed, so weights are tuned on validation users and only then scored on the test split.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from core.common.errors import ConfigError
from core.data.dataset import INTERACTION_COLUMNS, Dataset

SplitKind = Literal["temporal", "leave_last", "random"]
SPLIT_KINDS: tuple[str, ...] = ("temporal", "leave_last", "random")


@dataclass(frozen=True)
class SplitParams:
    """How to split: strategy, sizes, relevance threshold and seed."""

    kind: str = "random"
    test_ratio: float = 0.2
    n_last: int = 5
    relevance_threshold: float | None = None
    seed: int = 42

    def validate(self) -> None:
        """Raise :class:`ConfigError` for values that cannot work."""
        if self.kind not in SPLIT_KINDS:
            raise ConfigError(f"unknown split {self.kind!r}; expected one of {list(SPLIT_KINDS)}")
        if not 0.0 < self.test_ratio < 1.0:
            raise ConfigError(f"test_ratio must be between 0 and 1 (exclusive), got {self.test_ratio}")
        if self.n_last < 1:
            raise ConfigError(f"n_last must be at least 1, got {self.n_last}")

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        return asdict(self)


@dataclass(frozen=True, eq=False)
class Split:
    """A training Dataset plus, per evaluated training user, the set of relevant held-out items."""

    train: Dataset
    relevant: dict[int, frozenset[int]]
    held_out: pd.DataFrame
    params: SplitParams
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def users(self) -> np.ndarray:
        """Evaluated users (training ``user_idx``), sorted (int64)."""
        return np.array(sorted(self.relevant), dtype=np.int64)

    def relevant_sets(self, users: np.ndarray | None = None) -> list[frozenset[int]]:
        """Relevant item sets aligned with ``users`` (default: :attr:`users`)."""
        chosen = self.users if users is None else users
        return [self.relevant[int(u)] for u in chosen]

    def subsample(self, max_users: int, seed: int = 0) -> Split:
        """The same split restricted to at most ``max_users`` evaluated users (seeded choice)."""
        if len(self.relevant) <= max_users:
            return self
        rng = np.random.default_rng(seed)
        keep = rng.choice(self.users, size=max_users, replace=False)
        relevant = {int(u): self.relevant[int(u)] for u in sorted(keep)}
        stats = {**self.stats, "n_eval_users": len(relevant), "subsampled_from": len(self.relevant)}
        return replace(self, relevant=relevant, stats=stats)


@dataclass(frozen=True)
class RelevanceRule:
    """What counts as a relevant held-out item by default, and why (``code`` + ``figures`` for the UI).

    Codes: ``implicit_all`` (counts, binary events, durations: every held-out item; figures ``kind``),
    ``explicit_threshold`` (ratings: rating >= ``threshold``, 80 % of the scale's top; figures
    ``threshold``, ``scale_min``, ``scale_max``), ``explicit_flat`` (ratings that are all equal: every
    held-out item).
    """

    threshold: float | None
    code: str
    figures: tuple[tuple[str, float | str], ...] = ()

    def describe(self) -> str:
        """English sentence for logs and the CLI."""
        f = dict(self.figures)
        if self.code == "explicit_threshold":
            return (f"explicit ratings on a {f['scale_min']:g}-{f['scale_max']:g} scale: relevant = rating >= "
                    f"{f['threshold']:g} (80 % of the top)")
        if self.code == "explicit_flat":
            return "explicit ratings that are all equal: every held-out item is relevant"
        return f"implicit signal ({f.get('kind', '?')}): every held-out item is relevant"


def relevance_rule(dataset: Dataset) -> RelevanceRule:
    """The default relevance for ``dataset``'s signal: implicit -> every held-out item; explicit -> rating >=
    80 % of the rating scale's top (4.0 on MovieLens' 0.5-5 stars)."""
    signal = dataset.signal
    if signal.implicit:
        return RelevanceRule(None, "implicit_all", (("kind", signal.kind),))
    ratings = dataset.interactions["rating"]
    if signal.scale is not None:
        low, high = signal.scale
    elif len(ratings):
        low, high = float(ratings.min()), float(ratings.max())
    else:
        low = high = 0.0
    if high <= low or len(ratings) == 0 or float(ratings.min()) == float(ratings.max()):
        return RelevanceRule(None, "explicit_flat", (("scale_min", low), ("scale_max", high)))
    threshold = round(0.8 * high, 6)
    if float(ratings.max()) < threshold:  # nobody used the top of the scale: keep the rule satisfiable
        threshold = round(0.8 * float(ratings.max()), 6)
    return RelevanceRule(threshold, "explicit_threshold",
                         (("threshold", threshold), ("scale_min", low), ("scale_max", high)))


def resolve_threshold(dataset: Dataset, threshold: float | str | None) -> float | None:
    """Turn ``"auto"`` into the signal's default (:func:`relevance_rule`): ``None`` (every held-out item
    relevant) for implicit data, else 80 % of the rating scale's top (4.0 on 0.5-5 stars).

    Numbers and ``None`` pass through; a number above every rating raises :class:`ConfigError`.
    """
    ratings = dataset.interactions["rating"]
    if threshold is None:
        return None
    if isinstance(threshold, str):
        if threshold.strip().lower() in ("auto", ""):
            return relevance_rule(dataset).threshold
        if threshold.strip().lower() == "none":
            return None
        try:
            threshold = float(threshold)
        except ValueError as exc:
            raise ConfigError(
                f"relevance threshold must be a number, 'auto' or 'none', got {threshold!r}"
            ) from exc
    value = float(threshold)
    if len(ratings) and value > float(ratings.max()):
        raise ConfigError(f"relevance threshold {value} is above every rating (max {float(ratings.max())})")
    return value


def _ordered(inter: pd.DataFrame) -> pd.DataFrame:
    """Interactions with a stable per-user time order (timestamp, then file order)."""
    frame = inter.assign(_row=np.arange(len(inter)))
    frame["_ts"] = frame["timestamp"].fillna(-np.inf)
    return frame.sort_values(["user_idx", "_ts", "_row"], kind="stable")


def _held_out_mask(dataset: Dataset, params: SplitParams) -> tuple[np.ndarray, dict[str, Any]]:
    """Boolean mask over ``dataset.interactions`` rows: True = held out."""
    inter = dataset.interactions
    n = len(inter)
    info: dict[str, Any] = {}
    if params.kind == "temporal":
        ts = inter["timestamp"].to_numpy(np.float64)
        if not np.isfinite(ts).any():
            raise ConfigError(
                "the temporal split needs timestamps; this dataset has none (use leave_last or random)"
            )
        cutoff = float(np.quantile(ts[np.isfinite(ts)], 1.0 - params.test_ratio))
        info["cutoff"] = cutoff
        return np.isfinite(ts) & (ts > cutoff), info
    ordered = _ordered(inter)
    user = ordered["user_idx"].to_numpy()
    counts = np.bincount(user, minlength=dataset.n_users)
    size = counts[user]
    if params.kind == "leave_last":
        position_from_end = ordered.groupby("user_idx", sort=False).cumcount(ascending=False).to_numpy()
        n_test = np.minimum(params.n_last, size - 1)
        picked = position_from_end < n_test
    else:  # random
        rng = np.random.default_rng(params.seed)
        key = rng.random(n)
        shuffled = ordered.assign(_key=key).sort_values(["user_idx", "_key"], kind="stable")
        rank = shuffled.groupby("user_idx", sort=False).cumcount().to_numpy()
        sizes = counts[shuffled["user_idx"].to_numpy()]
        n_test = np.minimum(np.floor(sizes * params.test_ratio + 0.5), sizes - 1)
        mask = np.zeros(n, dtype=bool)
        mask[shuffled["_row"].to_numpy()] = rank < n_test
        return mask, info
    mask = np.zeros(n, dtype=bool)
    mask[ordered["_row"].to_numpy()] = picked
    return mask, info


def held_out_mask(dataset: Dataset, params: SplitParams) -> np.ndarray:
    """Boolean mask over ``dataset.interactions`` rows that :func:`split_dataset` holds out with ``params``."""
    params.validate()
    return _held_out_mask(dataset, params)[0]


def _filter_user_tags(
    user_tags: pd.DataFrame | None, held: pd.DataFrame, cutoff: float | None
) -> pd.DataFrame | None:
    """Drop tags on held-out (user, item) pairs and, for a temporal split, tags after the cut-off."""
    if user_tags is None or len(user_tags) == 0 or not {"user_id", "item_id"} <= set(user_tags.columns):
        return user_tags
    tags = user_tags.copy()
    pair = tags["user_id"].astype(str) + "\x1f" + tags["item_id"].astype(str)
    held_pairs = set(held["user_id"].astype(str) + "\x1f" + held["item_id"].astype(str))
    keep = ~pair.isin(held_pairs)
    if cutoff is not None and "timestamp" in tags.columns:
        ts = pd.to_numeric(tags["timestamp"], errors="coerce")
        keep &= ~(ts > cutoff)
    return tags.loc[keep].reset_index(drop=True)


def split_dataset(
    dataset: Dataset, params: SplitParams | None = None, *, held_out: np.ndarray | None = None
) -> Split:
    """Split ``dataset`` into a training Dataset and per-user relevant held-out items (see module doc).

    ``held_out`` (a boolean mask over ``dataset.interactions`` rows) replaces the strategy's own choice of
    held-out rows (validation folds, :mod:`core.evaluation.folds`); relevance and skipping work as usual.
    """
    params = params or SplitParams()
    params.validate()
    inter = dataset.interactions
    if len(inter) == 0:
        raise ConfigError("cannot split an empty dataset")
    if held_out is not None:
        mask, info = np.asarray(held_out, dtype=bool), dict[str, Any]()
        if mask.shape != (len(inter),):
            raise ConfigError("the held-out mask must have one entry per interaction")
    else:
        mask, info = _held_out_mask(dataset, params)
    train_rows = inter.loc[~mask]
    held = inter.loc[mask]
    if len(train_rows) == 0:
        raise ConfigError("the split left no training interactions; lower test_ratio")
    user_tags = _filter_user_tags(dataset.user_tags, held, info.get("cutoff"))
    train = Dataset.from_frames(
        f"{dataset.name} [train]",
        train_rows.loc[:, list(INTERACTION_COLUMNS)],
        items=dataset.items,
        user_tags=user_tags,
        meta={**dataset.meta, "split": params.as_dict(), "parent_fingerprint": dataset.fingerprint},
        signal=dataset.signal,
    )
    if not np.array_equal(train.item_ids, dataset.item_ids):  # pragma: no cover - guarded invariant
        raise AssertionError("training dataset changed the item index space")

    threshold = params.relevance_threshold
    pairs = held.groupby(["user_id", "item_idx"], sort=False)["rating"].max().reset_index()
    n_held_users = int(pairs["user_id"].nunique())
    if threshold is not None:
        pairs = pairs[pairs["rating"] >= threshold]
    in_train = train.user_index
    cold_users = set(pairs["user_id"]) - set(in_train)
    pairs = pairs[pairs["user_id"].isin(in_train)]
    tr = train.interactions
    train_pairs = set(zip(tr["user_idx"].tolist(), tr["item_idx"].tolist(), strict=True))
    relevant: dict[int, set[int]] = {}
    n_removed_seen = 0
    for uid, item in zip(pairs["user_id"].to_numpy(), pairs["item_idx"].to_numpy(), strict=True):
        u = in_train[str(uid)]
        if (u, int(item)) in train_pairs:
            n_removed_seen += 1
            continue
        relevant.setdefault(u, set()).add(int(item))
    frozen = {u: frozenset(items) for u, items in sorted(relevant.items())}
    n_relevant = sum(len(v) for v in frozen.values())
    stats: dict[str, Any] = {
        "kind": params.kind,
        "n_train_interactions": len(train_rows),
        "n_held_out_interactions": len(held),
        "n_users_with_held_out": n_held_users,
        "n_eval_users": len(frozen),
        "n_skipped_no_relevant": n_held_users - len(frozen) - len(cold_users),
        "n_skipped_cold": len(cold_users),
        "n_removed_seen": n_removed_seen,
        "n_relevant": n_relevant,
        "mean_relevant_per_user": n_relevant / len(frozen) if frozen else math.nan,
        "relevance_threshold": threshold,
        **info,
    }
    held = held.reset_index(drop=True)
    return Split(train=train, relevant=frozen, held_out=held, params=params, stats=stats)


def tuning_splits(dataset: Dataset, params: SplitParams | None = None) -> tuple[Split, Split]:
    """``(test_split, validation_split)``, the validation split carved out of the test split's training part.

    Same strategy, seed + 1; tune on ``validation_split`` (fit on its ``train``), then fit on
    ``test_split.train`` and score on ``test_split`` only.
    """
    params = params or SplitParams()
    test = split_dataset(dataset, params)
    validation = split_dataset(test.train, replace(params, seed=params.seed + 1))
    return test, validation
