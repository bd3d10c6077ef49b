"""Typed interests in the evaluation: history only vs history + the users' own free-text tags.

Typed interests are each evaluated user's most frequent free-text tags written on *training* items
(:func:`user_tag_text`; tags on held-out items were removed by the split), decomposed into an interest
profile with :func:`core.interests.decompose.decompose` (:func:`typed_profiles`).
:func:`typed_interest_evaluation` compares, per fusion config and on the same test users, the lists
from history only with those from history + typed interests; :func:`typed_markdown` renders the
comparison for the report.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from core.common.errors import InterestLensError
from core.common.progress import ProgressFn, report, scaled
from core.data.dataset import Dataset
from core.data.splits import Split
from core.evaluation import metrics as M
from core.evaluation.statistics import format_p, p_or_none, paired_comparison
from core.evaluation.suite import ChannelSuite
from core.evaluation.tuning import with_weight
from core.interests.decompose import decompose
from core.interests.profile import InterestProfile
from core.interests.text import add_user_terms, catalogue_terms
from core.ranking.config import FusionConfig
from core.ranking.fusion import channel_only_config
from core.vectors.encoders import Encoder


def user_tag_text(dataset: Dataset, max_tags: int = 8) -> dict[int, str]:
    """Per training user with free-text tags: their most frequent distinct tags joined by ", "."""
    tags = dataset.user_tags
    if tags is None or len(tags) == 0 or not {"user_id", "tag"} <= set(tags.columns):
        return {}
    frame = pd.DataFrame({"user_id": tags["user_id"].astype(str), "tag": tags["tag"].astype(str).str.strip()})
    frame = frame[(frame["tag"] != "") & frame["user_id"].isin(dataset.user_index)]
    frame["key"] = frame["tag"].str.casefold()
    grouped = frame.groupby(["user_id", "key"], sort=False)
    counts = grouped.agg(n=("tag", "size"), tag=("tag", "first")).reset_index()
    counts = counts.sort_values(["user_id", "n", "key"], ascending=[True, False, True], kind="stable")
    out: dict[int, str] = {}
    for uid, group in counts.groupby("user_id", sort=False):
        out[dataset.user_index[str(uid)]] = ", ".join(group["tag"].head(max_tags))
    return out


TYPED_WEIGHTS: tuple[float, ...] = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 1.0)
"""Weights of the typed-interest channels (:data:`TYPED_CHANNELS`, each) tried on validation users when
adding typed interests to a fusion config."""
TYPED_CHANNELS: tuple[str, ...] = ("semantic", "gist")
"""The channels that score only typed text (the others score history, or named items as history)."""


def with_typed_weight(config: FusionConfig, weight: float) -> FusionConfig:
    """``config`` with every typed-interest channel's weight set to ``weight``."""
    for channel in TYPED_CHANNELS:
        config = with_weight(config, channel, weight)
    return config


def typed_profiles(
    split: Split, encoder: Encoder, item_vectors: np.ndarray | None, max_tags: int = 8,
    progress: ProgressFn | None = None,
) -> tuple[dict[int, InterestProfile], dict[int, str], int]:
    """Interest profiles decomposed from each evaluated user's own free-text tags (training part only)."""
    texts = user_tag_text(split.train, max_tags)
    candidates = sorted(u for u in texts if u in split.relevant)
    # the same catalogue terms the dashboard's Engine.decompose uses (Chinese titles / tags kept whole)
    items = split.train.items
    terms = catalogue_terms(items["title"].tolist(), [t for tags in items["tags"] for t in tags])
    add_user_terms(terms)
    profiles: dict[int, InterestProfile] = {}
    for i, u in enumerate(candidates):
        try:
            profiles[u] = decompose(texts[u], encoder, item_vectors, max_tags=max_tags, catalogue_terms=terms)
        except InterestLensError:
            continue  # tags without any usable words (symbols only): no typed interests
        report(progress, (i + 1) / max(1, len(candidates)),
               f"decomposing typed interests {i + 1}/{len(candidates)}")
    return profiles, texts, len(candidates)


def typed_interest_evaluation(
    suite: ChannelSuite, split: Split, encoder: Encoder, configs: dict[str, FusionConfig], *, k: int = 10,
    max_tags: int = 8, validation_suite: ChannelSuite | None = None, validation: Split | None = None,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """History-only vs history + typed interests (the users' own free-text tags), same test users.

    Typed interests are each user's most frequent free-text tags written on *training* items (tags on
    held-out items were removed by the split), decomposed with :func:`core.interests.decompose.decompose`. For
    every fusion config three lists are compared on the users who have such tags: history only; history
    + typed with the config's own weights; and the choice made on the validation split's tagged users
    (never on test users) between history alone (``chosen_typed_weight`` None: typed interests left out,
    since they also move the graph walk and name items as pseudo-history whatever the weights) and history +
    typed with the typed-interest channels (:data:`TYPED_CHANNELS`) at each weight of :data:`TYPED_WEIGHTS`.
    """
    profiles, texts, n_tagged = typed_profiles(split, encoder, suite.item_vectors, max_tags,
                                               scaled(progress, 0.0, 0.3))
    users = np.array(sorted(profiles), dtype=np.int64)
    result: dict[str, Any] = {"n_users": len(users), "n_users_with_tags": n_tagged, "rows": [],
                              "weights_tried": list(TYPED_WEIGHTS)}
    if len(users) == 0:
        return result
    chosen: dict[str, float | None] = {}
    if validation_suite is not None and validation is not None:
        val_profiles, _, _ = typed_profiles(validation, encoder, validation_suite.item_vectors, max_tags,
                                            scaled(progress, 0.3, 0.45))
        val_users = np.array(sorted(val_profiles), dtype=np.int64)
        if len(val_users):
            sweep = validation_suite.with_profiles(val_profiles)
            off = validation_suite.with_profiles({})
            for name, config in configs.items():
                off.register(name, config)
                for w in TYPED_WEIGHTS:
                    sweep.register(f"{name}|{w}", with_typed_weight(config, w))
            lists = sweep.recommend_all(val_users, k, scaled(progress, 0.45, 0.55))
            history_only = off.recommend_all(val_users, k, scaled(progress, 0.55, 0.6))
            rel = validation.relevant_sets(val_users)
            for name in configs:
                values: dict[float | None, float] = {w: M.mean_accuracy(lists[f"{name}|{w}"], rel, k)
                                                     for w in TYPED_WEIGHTS}
                values[None] = M.mean_accuracy(history_only[name], rel, k)
                # ties go to history only, then to the smaller weight
                chosen[name] = max(values, key=lambda w: (values[w], w is None, -(w or 0.0)))
            result["n_validation_users"] = len(val_users)
    plain = suite.with_profiles({})
    typed = suite.with_profiles(profiles)
    for name, config in configs.items():
        plain.register(name, config)
        typed.register(name, config)
        weight = chosen.get(name)
        if weight is not None:
            typed.register(f"{name}|chosen", with_typed_weight(config, weight))
    typed.register("channel:semantic (typed only)", channel_only_config("semantic"))
    before = plain.recommend_all(users, k, scaled(progress, 0.6, 0.8))
    after = typed.recommend_all(users, k, scaled(progress, 0.8, 1.0))
    relevant = split.relevant_sets(users)

    def scores(recs: np.ndarray) -> dict[str, np.ndarray]:
        return M.accuracy_per_user(recs, relevant, k, ("ndcg", "recall"))

    for name, config in configs.items():
        a = scores(before[name])
        b = scores(after[name])
        row: dict[str, Any] = {
            "name": name, "semantic_weight": float(config.weights.semantic),
            "ndcg_history": float(a["ndcg"].mean()), "ndcg_typed": float(b["ndcg"].mean()),
            "recall_history": float(a["recall"].mean()), "recall_typed": float(b["recall"].mean()),
            "wilcoxon_p": p_or_none(paired_comparison(b["ndcg"], a["ndcg"], names=("typed", name),
                                                       metric="ndcg").wilcoxon_p),
        }
        if name in chosen:
            c = scores(after[f"{name}|chosen"] if chosen[name] is not None else before[name])
            comp = paired_comparison(c["ndcg"], a["ndcg"], names=("typed tuned", name), metric="ndcg")
            row.update({
                "chosen_typed_weight": chosen[name], "ndcg_typed_tuned": float(c["ndcg"].mean()),
                "recall_typed_tuned": float(c["recall"].mean()),
                "wilcoxon_p_tuned": p_or_none(comp.wilcoxon_p),
            })
        result["rows"].append(row)
    only = scores(after["channel:semantic (typed only)"])
    result["typed_only"] = {"ndcg": float(only["ndcg"].mean()), "recall": float(only["recall"].mean())}
    result["examples"] = [{"user_id": str(split.train.user_ids[u]), "text": texts[u],
                           "tags": [t.text for t in profiles[u].tags]} for u in users[:3]]
    report(progress, 1.0, "typed interests done")
    return result


def _weight(row: dict[str, Any]) -> str:
    if "chosen_typed_weight" not in row:
        return "—"
    w = row["chosen_typed_weight"]
    return "off (history only)" if w is None else f"{w:g}"


def typed_markdown(typed: dict[str, Any], digits: int = 4) -> list[str]:
    """Markdown lines of the typed-interest comparison (:func:`typed_interest_evaluation`'s result)."""
    if not typed.get("rows"):
        return []
    parts = [
        f"\nTyped interests ({typed['n_users']} test users with their own free-text tags; the weight "
        "of the typed-interest channels (semantic, gist) either the configuration's own or chosen on validation "
        "users):\n\n"
        "| configuration | ndcg history | ndcg + typed (own w) | ndcg + typed (chosen w) | w chosen "
        "| recall history | recall + typed (chosen w) | Wilcoxon p (chosen vs history) |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|"
    ]

    def num(value: float | None) -> str:
        return "—" if value is None else f"{float(value):.{digits}f}"

    for row in typed["rows"]:
        p = row.get("wilcoxon_p_tuned")
        parts.append(
            f"| {row['name']} | {num(row['ndcg_history'])} | {num(row['ndcg_typed'])} | "
            f"{num(row.get('ndcg_typed_tuned'))} | {_weight(row)} | "
            f"{num(row['recall_history'])} | {num(row.get('recall_typed_tuned'))} | "
            f"{format_p(p if p is not None else float('nan'))} |"
        )
    only = typed.get("typed_only", {})
    parts.append(f"\nTyped interests alone (semantic channel only): ndcg {num(only.get('ndcg'))}, "
                 f"recall {num(only.get('recall'))}.\n")
    return parts
