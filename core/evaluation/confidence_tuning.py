"""Choose the interaction transform (:class:`core.data.confidence.Confidence`) per dataset on validation users.

Issue 20: how the value column becomes the matrix the collaborative models learn from is chosen per
dataset, on validation users only, and recorded in the run. :func:`choose_confidence` fits the ``mf``
channel alone (ALS, the model the transform matters most to) once per candidate transform of the
dataset's signal kind (:data:`CANDIDATES`) on the validation split's training part, scores each on the
validation users (NDCG@k), and keeps the signal's default (:func:`core.data.confidence.default_confidence`)
unless the best candidate beats it per user with a Wilcoxon signed-rank p below :data:`ALPHA` -- the same
rule the fusion weights' guard applies (:mod:`core.evaluation.guarded_tuning`), so a transform that wins by
noise on a few hundred users is not adopted.

The chosen transform then prepares the matrix of the ``mf`` channel and of the ALS and BPR baselines
(:func:`apply_confidence`), so the channel and its baseline stay one model on one matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.common.progress import ProgressFn, report
from core.data.confidence import Confidence, default_confidence
from core.data.splits import Split
from core.evaluation import metrics as M
from core.evaluation.statistics import paired_comparison
from core.evaluation.tuning import channel_recommendations
from core.ranking.base import ChannelContext
from core.ranking.channels.mf import resolved_confidence
from core.ranking.registry import ChannelParams, make_channels

ALPHA = 0.05
"""A candidate replaces the signal's default only with a per-user Wilcoxon p below this (and a higher mean)."""

CANDIDATES: dict[str, tuple[Confidence, ...]] = {
    "count": (
        Confidence("log", alpha=1.0, eps=1.0), Confidence("log", alpha=4.0, eps=1.0),
        Confidence("binary", alpha=1.0), Confidence("bm25", alpha=1.0), Confidence("tfidf", alpha=1.0),
    ),
    "duration": (
        Confidence("log", alpha=1.0, eps=1.0), Confidence("log", alpha=4.0, eps=1.0),
        Confidence("binary", alpha=1.0), Confidence("bm25", alpha=1.0),
    ),
    "explicit": (
        Confidence("binary", alpha=1.0), Confidence("log", alpha=1.0, eps=1.0),
        Confidence("centred", alpha=1.0), Confidence("threshold", alpha=1.0),
    ),
    "binary": (Confidence("binary", alpha=1.0),),
}
"""Transforms tried per signal kind; the first is the kind's default (:func:`default_confidence`). The
explicit ``threshold`` candidate uses the split's relevance threshold when it has one."""

CONSUMERS: tuple[str, ...] = ("als", "bpr")
"""Baselines that learn from the prepared matrix (the ``mf`` channel does too)."""


@dataclass
class ConfidenceChoice:
    """The transform chosen on validation, every candidate's score and the reason for the choice."""

    chosen: Confidence
    default: Confidence
    signal: str
    scores: list[dict[str, Any]] = field(default_factory=list)  # label, kind, params, validation NDCG
    adopted: bool = False
    p_value: float = float("nan")
    n_users: int = 0
    metric: str = "ndcg@10"

    @property
    def reason(self) -> str:
        """Why this transform: one English sentence (the UI builds its own from the fields)."""
        if len(self.scores) <= 1:
            return f"{self.chosen.label()}: the only transform for {self.signal} data"
        if self.adopted:
            return (f"{self.chosen.label()} beat the default {self.default.label()} on {self.n_users} validation "
                    f"users (Wilcoxon p = {self.p_value:.2g} < {ALPHA})")
        return (f"kept the default {self.default.label()}: no candidate beat it on {self.n_users} validation "
                f"users at p < {ALPHA}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record of the choice (kept in the run's report)."""
        return {"chosen": self.chosen.to_dict(), "chosen_label": self.chosen.label(),
                "default": self.default.to_dict(), "default_label": self.default.label(), "signal": self.signal,
                "adopted": self.adopted, "p_value": None if not np.isfinite(self.p_value) else self.p_value,
                "n_users": self.n_users, "metric": self.metric, "alpha": ALPHA, "scores": self.scores,
                "reason": self.reason}

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> ConfidenceChoice:
        """Read back :meth:`to_dict` (a resumed run's checkpoint)."""
        p = doc.get("p_value")
        return cls(chosen=Confidence.from_dict(doc["chosen"]), default=Confidence.from_dict(doc["default"]),
                   signal=str(doc["signal"]), scores=list(doc.get("scores", [])), adopted=bool(doc["adopted"]),
                   p_value=float("nan") if p is None else float(p), n_users=int(doc.get("n_users", 0)),
                   metric=str(doc.get("metric", "ndcg@10")))


def candidates_for(signal: str, relevance_threshold: float | None = None) -> tuple[Confidence, ...]:
    """The transforms tried for a signal kind, the default first (``threshold`` at the split's threshold)."""
    default = default_confidence(signal)
    out = [default]
    for conf in CANDIDATES.get(signal, ()):
        if conf.kind == "threshold" and relevance_threshold is not None:
            conf = Confidence("threshold", alpha=conf.alpha, threshold=float(relevance_threshold))
        if conf not in out:
            out.append(conf)
    return tuple(out)


def per_user_ndcg(validation: Split, users: np.ndarray, base: ChannelParams, conf: Confidence, k: int,
                  ctx: ChannelContext) -> np.ndarray:
    """Per-user NDCG@k of the ``mf`` channel alone, fitted with transform ``conf`` on the validation training part."""
    params = base.with_channel("mf", confidence=conf)
    channel = make_channels(params)["mf"].fit(ctx)
    lists = channel_recommendations(channel, validation, users, k)
    return M.accuracy_per_user(lists, validation.relevant_sets(users), k, ("ndcg",))["ndcg"]


def choose_confidence(
    validation: Split, users: np.ndarray, *, base: ChannelParams | None = None, k: int = 10,
    relevance_threshold: float | None = None, progress: ProgressFn | None = None,
) -> ConfidenceChoice:
    """Try every candidate transform of the dataset's signal on validation ``users``; keep the default unless
    the best beats it (higher mean NDCG@k, Wilcoxon p < :data:`ALPHA`)."""
    params = base or ChannelParams()
    signal = validation.train.signal.kind
    default = resolved_confidence(params.get("mf"), validation.train)  # the mf setting, else the signal's default
    todo = candidates_for(signal, relevance_threshold)
    if default not in todo:
        todo = (default, *todo)
    metric = f"ndcg@{k}"
    choice = ConfidenceChoice(chosen=default, default=default, signal=signal, n_users=len(users), metric=metric)
    if len(todo) == 1 or len(users) == 0:
        choice.scores = [{"label": default.label(), **default.to_dict(), "validation_ndcg": None}]
        return choice
    ctx = ChannelContext(validation.train, random_state=params.random_state, num_threads=params.num_threads)
    per_user: list[np.ndarray] = []
    for i, conf in enumerate(todo):
        report(progress, i / len(todo), f"interaction transform {i + 1}/{len(todo)}: {conf.label()}")
        values = per_user_ndcg(validation, users, params, conf, k, ctx)
        per_user.append(values)
        choice.scores.append({"label": conf.label(), **conf.to_dict(),
                              "validation_ndcg": round(float(values.mean()), 6)})
    report(progress, 1.0, "interaction transform chosen")
    best = int(np.argmax([v.mean() for v in per_user]))
    if best != 0:
        cmp = paired_comparison(per_user[best], per_user[0], names=(todo[best].label(), default.label()),
                                metric=metric, n_boot=200)
        choice.p_value = cmp.wilcoxon_p
        if cmp.difference > 0 and np.isfinite(cmp.wilcoxon_p) and cmp.wilcoxon_p < ALPHA:
            choice.chosen, choice.adopted = todo[best], True
    return choice


def apply_confidence(choice: Confidence, channel_params: ChannelParams,
                     baseline_params: dict[str, dict[str, Any]]) -> ChannelParams:
    """Make the ``mf`` channel and the ALS / BPR baselines learn from ``choice``'s matrix.

    ``baseline_params`` (name -> fixed parameters) is updated in place; returns the new channel parameters.
    """
    for name in CONSUMERS:
        fixed = baseline_params.setdefault(name, {})
        fixed["confidence"] = choice.to_dict()
        if name == "als":
            fixed["alpha"] = choice.alpha
    return channel_params.with_channel("mf", confidence=choice)
