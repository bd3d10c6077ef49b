"""The whole evaluation protocol: split, tune on validation, evaluate on test, report.

:func:`evaluate_dataset` splits a Dataset (and carves a validation split out of the training part when
anything is tuned), embeds the training items when they carry text, tunes baselines, channel
parameters and fusion weights on validation users only (:mod:`core.evaluation.tuning`), runs one
experiment on the test split with every configuration (:mod:`core.evaluation.experiment`: baselines,
every channel alone, default and tuned fusion) and adds the typed-interest comparison
(:mod:`core.evaluation.typed`). The result, :class:`EvaluationReport`, renders to JSON and Markdown.
:func:`tune_dataset` runs only the tuning step; :func:`weight_sweep` moves one channel's weight on the
validation users of a finished run; :func:`runs_table` compares stored runs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.common.errors import ConfigError
from core.common.progress import ProgressFn, report, scaled
from core.data.dataset import Dataset
from core.data.splits import Split, SplitParams, split_dataset, tuning_splits
from core.evaluation import metrics as M
from core.evaluation.baselines import TUNABLE_BASELINES
from core.evaluation.checkpoint import Checkpoint
from core.evaluation.confidence_tuning import CONSUMERS, ConfidenceChoice, apply_confidence, choose_confidence
from core.evaluation.experiment import ConfigSpec, ExperimentResult, baseline_spec, run_experiment, suite_spec
from core.evaluation.guarded_tuning import tune_fusion_on_validation
from core.evaluation.options import EvalOptions, item_vectors_for, prepare_encoder
from core.evaluation.suite import ChannelSuite
from core.evaluation.tuning import (
    TUNABLE_CHANNELS,
    TuningResult,
    tune_baseline,
    tune_channel_params,
    tuning_from_dict,
    tuning_to_dict,
    tuning_users,
    validation_suite,
    with_weight,
)
from core.evaluation.typed import typed_interest_evaluation, typed_markdown
from core.ranking.base import BlockMap
from core.ranking.config import FusionConfig
from core.ranking.fusion import channel_only_config
from core.ranking.registry import CHANNELS, ChannelParams
from core.vectors.encoders import Encoder


@dataclass
class EvaluationReport:
    """The result of :func:`evaluate_dataset`: the test-split table plus tuning and typed-interest parts."""

    experiment: ExperimentResult
    options: EvalOptions
    dataset: str
    tuning: TuningResult | None = None
    baseline_tuning: dict[str, dict[str, Any]] = field(default_factory=dict)
    channel_tuning: dict[str, dict[str, Any]] = field(default_factory=dict)
    confidence: ConfidenceChoice | None = None
    """The interaction transform chosen on validation (None: not chosen, the signal's default)."""
    typed: dict[str, Any] | None = None
    dropped_channels: dict[str, str] = field(default_factory=dict)
    validation_stats: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    runtime: dict[str, Any] = field(default_factory=dict, repr=False)
    """Live objects for follow-up analyses (validation split, fitted suites; ``suite``: the test split's fitted
    :class:`ChannelSuite` with every configuration it ranked, for the per-user inspector); never serialised."""

    def table(self, with_ci: bool = True) -> pd.DataFrame:
        """The experiment table (see :meth:`ExperimentResult.table`)."""
        return self.experiment.table(with_ci)

    def to_dict(self) -> dict[str, Any]:
        """One JSON object: ``results`` (per configuration), ``best``, ``significance``, tuning, typed."""
        out = self.experiment.to_dict()
        split = self.options.split or SplitParams()
        out["dataset"] = self.dataset
        out["split"] = {"params": split.as_dict(), **out["split"]}
        if self.validation_stats:
            out["validation_split"] = self.validation_stats
        if self.tuning is not None:
            out["tuning"] = self.tuning.as_dict()
        if self.baseline_tuning:
            out["baseline_tuning"] = self.baseline_tuning
        if self.channel_tuning:
            out["channel_tuning"] = self.channel_tuning
        if self.confidence is not None:
            out["confidence"] = self.confidence.to_dict()
        if self.typed is not None:
            out["typed_interests"] = self.typed
        if self.dropped_channels:
            out["dropped_channels"] = self.dropped_channels
        out["seconds"] = round(self.seconds, 2)
        return out

    def to_markdown(self, digits: int = 4) -> str:
        """The table and tests as Markdown, plus the tuned weights and the typed-interest comparison."""
        parts = [f"## {self.dataset}: k = {self.experiment.k}, {len(self.experiment.users)} test users\n",
                 self.experiment.to_markdown(digits)]
        if self.tuning is not None:
            weights = ", ".join(f"{c} {w:.3f}" for c, w in self.tuning.best_config.weights.as_dict().items()
                                if c not in self.dropped_channels)  # a channel that scores nobody has no say
            parts.append(
                f"\nTuned on the validation split ({self.tuning.n_trials} trials, seed {self.tuning.seed}): "
                f"{self.tuning.metric} {self.tuning.base_value:.4f} (default) → "
                f"{self.tuning.best_value:.4f}; "
                f"normalisation {self.tuning.best_config.normalisation}; weights {weights}.\n"
            )
            if self.tuning.decision:
                parts.append(f"Guard: {self.tuning.decision.get('message', '')}.\n")
        if self.confidence is not None:
            scores = ", ".join(f"{row['label']} {row['validation_ndcg']:.4f}" for row in self.confidence.scores
                               if row.get("validation_ndcg") is not None)
            where = f"; validation {self.confidence.metric} of the mf channel alone: {scores}" if scores else ""
            parts.append(f"\nInteraction transform ({self.confidence.signal} data): {self.confidence.reason}"
                         f"{where}.\n")
        if self.typed is not None:
            parts.extend(typed_markdown(self.typed, digits))
        if self.dropped_channels:
            parts.append("\nChannels that dropped out: " + "; ".join(
                f"{c} ({r})" for c, r in self.dropped_channels.items()) + "\n")
        return "\n".join(parts)


def tune_dataset(
    dataset: Dataset,
    options: EvalOptions | None = None,
    *,
    encoder: Encoder | None = None,
    progress: ProgressFn | None = None,
) -> tuple[TuningResult | None, Split]:
    """Only the tuning step of :func:`evaluate_dataset`: (TuningResult or None, the validation split).

    The validation split is carved out of the test split's training part exactly as in
    :func:`evaluate_dataset`, so weights tuned here can be evaluated there without leakage.
    """
    opts = options or EvalOptions()
    test, validation = tuning_splits(dataset, opts.split or SplitParams())
    enc = prepare_encoder(dataset, opts, encoder)
    result, _ = tune_fusion_on_validation(validation, options=opts, encoder=enc, parent=test.train,
                                          progress=progress)
    return result, validation


def run_checkpoint(dataset: Dataset, options: EvalOptions) -> Checkpoint:
    """The checkpoint of evaluating ``dataset`` with ``options`` (the same dataset and options resume it)."""
    return Checkpoint.for_run("evaluation", dataset.fingerprint, options)


def evaluate_dataset(
    dataset: Dataset,
    options: EvalOptions | None = None,
    *,
    encoder: Encoder | None = None,
    progress: ProgressFn | None = None,
    checkpoint: Checkpoint | None = None,
    map_shards: BlockMap | None = None,
) -> EvaluationReport:
    """Split ``dataset``, tune on validation, and evaluate baselines, channels and fusion on the test split.

    Steps (progress reported throughout): split (+ a validation split carved out of training when
    tuning); item vectors of the training items (``options.model``; skipped without item text, so
    content channels and the mean-vector baseline drop out with a reason); optional baseline tuning
    and fusion tuning on validation users only; one experiment on the test split with every
    configuration; the typed-interest comparison for users who wrote free-text tags.

    With a ``checkpoint`` (:func:`run_checkpoint`) every baseline's and the fusion's tuning result and every
    configuration's lists are kept as they finish, an interrupted run with the same dataset and options
    resumes from them, and the checkpoint is removed when the run completes. ``map_shards`` (e.g.
    ``core.distributed.backend.RayMap``) runs the test split's recommend + per-user metric step over user
    shards (:func:`~core.evaluation.experiment.run_experiment`); the results are the local run's.
    """
    opts = options or EvalOptions()
    params = opts.split or SplitParams()
    base_config = opts.fusion or FusionConfig()
    started = time.perf_counter()
    report(progress, 0.0, "splitting")
    try:
        split, validation = tuning_splits(dataset, params)
    except ConfigError:  # too little data to carve a validation split: evaluate without tuning
        if opts.tune or opts.tune_baselines or opts.tune_channels:
            raise
        split, validation = split_dataset(dataset, params), None
    if opts.max_users is not None:
        split = split.subsample(opts.max_users, seed=opts.seed)
    if len(split.relevant) == 0:
        raise ConfigError("no user has a relevant held-out item; try another split or a lower threshold")
    report(progress, 0.02, f"loading encoder {opts.model}")
    encoder = prepare_encoder(dataset, opts, encoder)
    report(progress, 0.05, "embedding items")
    item_vectors = item_vectors_for(split.train, encoder, scaled(progress, 0.05, 0.15))
    channel_params = ChannelParams(random_state=opts.seed)
    channel_tuning: dict[str, dict[str, Any]] = {}

    baseline_params: dict[str, dict[str, Any]] = {}
    fixed_baseline: dict[str, dict[str, Any]] = {}  # parameters every trial and the final fit share
    confidence: ConfidenceChoice | None = None
    tuning = None
    val_suite: ChannelSuite | None = None
    validation_stats: dict[str, Any] = {}
    val_users = np.zeros(0, dtype=np.int64)
    if validation is not None:
        validation_stats = dict(validation.stats)
        val_users = tuning_users(validation, opts)
        if opts.tune_confidence and ("mf" in opts.channels or any(b in CONSUMERS for b in opts.baselines)):
            saved = checkpoint.load_json("confidence") if checkpoint is not None else None
            if isinstance(saved, dict):
                confidence = ConfidenceChoice.from_dict(saved)
            else:
                report(progress, 0.15, "choosing the interaction transform on the validation split")
                confidence = choose_confidence(validation, val_users, base=channel_params, k=opts.k,
                                               relevance_threshold=params.relevance_threshold,
                                               progress=scaled(progress, 0.15, 0.2))
                if checkpoint is not None:
                    checkpoint.save_json("confidence", confidence.to_dict())
            channel_params = apply_confidence(confidence.chosen, channel_params, fixed_baseline)
        if opts.tune_baselines:
            todo = [b for b in opts.baselines if b in TUNABLE_BASELINES]
            for i, name in enumerate(todo):
                sub = scaled(progress, 0.2 + 0.1 * i / len(todo), 0.2 + 0.1 * (i + 1) / len(todo))
                saved = checkpoint.load_json(f"baseline_tuning:{name}") if checkpoint is not None else None
                if isinstance(saved, dict):
                    report(sub, 1.0, f"baseline {name}: tuning resumed from the interrupted run")
                    baseline_params[name] = saved
                    continue
                report(sub, 0.0, f"tuning baseline {name}")
                baseline_params[name] = tune_baseline(
                    name, validation, k=opts.k, n_trials=opts.baseline_trials, seed=opts.seed,
                    users=val_users, progress=sub, fixed=fixed_baseline.get(name),
                )
                if checkpoint is not None:
                    checkpoint.save_json(f"baseline_tuning:{name}", baseline_params[name])
        if opts.tune_channels:
            channel_params, channel_tuning = tune_channel_params(
                validation, val_users, base=channel_params,
                channels=[c for c in TUNABLE_CHANNELS if c in opts.channels], k=opts.k,
                n_trials=opts.channel_trials, seed=opts.seed, progress=scaled(progress, 0.3, 0.4),
                baseline_tuning=baseline_params,
            )
        if opts.tune and opts.fused:
            saved = checkpoint.load_json("fusion_tuning") if checkpoint is not None else None
            if isinstance(saved, dict) and (tuning := tuning_from_dict(saved)) is not None:
                report(progress, 0.4, "fusion tuning resumed from the interrupted run")
                val_suite = validation_suite(validation, options=opts, encoder=encoder,
                                             channel_params=channel_params, progress=scaled(progress, 0.4, 0.6))
            else:
                report(progress, 0.4, "tuning fusion weights on the validation split")
                tuning, val_suite = tune_fusion_on_validation(
                    validation, val_users, options=opts, encoder=encoder, channel_params=channel_params,
                    parent=split.train, progress=scaled(progress, 0.4, 0.6),
                )
                if checkpoint is not None and tuning is not None:
                    checkpoint.save_json("fusion_tuning", tuning_to_dict(tuning))

    report(progress, 0.6, "fitting channels on the test split's training data")
    specs: list[ConfigSpec] = []
    skipped: dict[str, str] = {}
    for name in opts.baselines:
        spec = baseline_spec(name, {**fixed_baseline.get(name, {}), **baseline_params.get(name, {}).get("params", {})},
                             item_vectors)
        if spec is None:
            skipped[name] = "needs item vectors (no item text or no encoder)"
        else:
            if name in baseline_params:
                spec.params["tuned_on_validation"] = True
            specs.append(spec)
    dropped: dict[str, str] = {}
    configs_for_typed: dict[str, FusionConfig] = {}
    if opts.channels or opts.fused:
        suite = ChannelSuite(split.train, item_vectors, params=channel_params, encoder=encoder, map_blocks=map_shards)
        suite.fit(scaled(progress, 0.6, 0.65))
        dropped = suite.drop_reasons(split.users)
        for name in opts.channels:
            if name in dropped:
                continue
            only = channel_only_config(name, base_config)
            specs.append(suite_spec(suite, f"channel:{name}", "channel", only))
        if opts.fused:
            specs.append(suite_spec(suite, "fused_default", "fused", base_config))
            configs_for_typed["fused_default"] = base_config
            if tuning is not None:
                specs.append(suite_spec(suite, "fused_tuned", "tuned", tuning.best_config))
                specs[-1].decision = tuning.decision
                configs_for_typed["fused_tuned"] = tuning.best_config
        # register every suite config before the first recommend so one scoring pass serves them all
        for spec in specs:
            if spec.group in ("channel", "fused", "tuned"):
                spec.factory(split.train)
    experiment = run_experiment(
        split, specs, k=opts.k, metrics=opts.metrics, item_vectors=item_vectors, n_boot=opts.n_boot,
        seed=opts.seed, progress=scaled(progress, 0.65, 0.92), checkpoint=checkpoint, map_shards=map_shards,
    )
    if skipped:
        experiment.extra.setdefault("skipped", {}).update(skipped)
    shared = [r for r in experiment.results if r.group in ("channel", "fused", "tuned")]
    if shared:  # one scoring pass served every suite config: split its time evenly (amortised)
        total = sum(r.recommend_seconds for r in shared)
        for r in shared:
            r.recommend_seconds = total / len(shared)
        experiment.extra["channel_fit_seconds"] = round(suite.fit_seconds_, 2)
    typed = None
    if opts.typed and encoder is not None and item_vectors is not None and configs_for_typed:
        typed = typed_interest_evaluation(
            suite, split, encoder, configs_for_typed, k=opts.k, validation_suite=val_suite,
            validation=validation, progress=scaled(progress, 0.92, 1.0),
        )
    report(progress, 1.0, "evaluation done")
    if checkpoint is not None:
        checkpoint.clear()
    return EvaluationReport(
        experiment=experiment, options=opts, dataset=dataset.name, tuning=tuning,
        baseline_tuning=baseline_params, channel_tuning=channel_tuning, confidence=confidence, typed=typed,
        dropped_channels=dropped,
        validation_stats=validation_stats, seconds=time.perf_counter() - started,
        runtime={"validation": validation, "validation_users": val_users, "validation_suite": val_suite,
                 "channel_params": channel_params, "encoder": encoder, "split": split,
                 "suite": suite if (opts.channels or opts.fused) else None},
    )


SWEEP_WEIGHTS: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
"""Default weights of :func:`weight_sweep`."""


def weight_sweep(
    evaluation: EvaluationReport,
    channel: str,
    weights: Sequence[float] = SWEEP_WEIGHTS,
    *,
    base: FusionConfig | None = None,
    progress: ProgressFn | None = None,
) -> pd.DataFrame:
    """NDCG / recall / coverage@k on the **validation** users as one channel's weight moves.

    The other weights stay at ``base`` (default: the tuned config, else the run's fusion config).
    Runs on the validation split, so reading the curve never amounts to tuning on the test split.
    Columns: ``weight``, ``ndcg@k``, ``recall@k``, ``coverage@k``.
    """
    if channel not in CHANNELS:
        raise ConfigError(f"unknown channel {channel!r}")
    validation: Split | None = evaluation.runtime.get("validation")
    if validation is None:
        raise ConfigError("this run has no validation split to sweep on")
    k = evaluation.experiment.k
    if base is None:
        base = evaluation.tuning.best_config if evaluation.tuning is not None else evaluation.options.fusion
    base = base or FusionConfig()
    suite: ChannelSuite | None = evaluation.runtime.get("validation_suite")
    if suite is None:
        encoder = evaluation.runtime.get("encoder")
        vectors = item_vectors_for(validation.train, encoder, None)
        suite = ChannelSuite(validation.train, vectors, params=evaluation.runtime.get("channel_params"),
                             encoder=encoder)
        suite.fit(scaled(progress, 0.0, 0.3))
        evaluation.runtime["validation_suite"] = suite
    users = evaluation.runtime.get("validation_users")
    if users is None or len(users) == 0:
        users = tuning_users(validation, evaluation.options)
    batch = suite.batch(users, (base.normalisation,), scaled(progress, 0.3, 0.9))
    relevant = validation.relevant_sets(users)
    rows = []
    for w in weights:
        recs = batch.top_k(with_weight(base, channel, float(w)), k)
        acc = M.accuracy_per_user(recs, relevant, k, ("ndcg", "recall"))
        rows.append({"weight": float(w), f"ndcg@{k}": float(acc["ndcg"].mean()),
                     f"recall@{k}": float(acc["recall"].mean()),
                     f"coverage@{k}": M.catalogue_coverage(recs, validation.train.n_items, k)})
    report(progress, 1.0, "sweep done")
    return pd.DataFrame(rows)


def runs_table(runs: Sequence[tuple[str, dict[str, Any]]]) -> pd.DataFrame:
    """Compare stored runs: one row per (run, configuration) with every ``metric@k`` column they report.

    ``runs`` holds ``(run label, EvaluationReport.to_dict() payload)`` pairs (what the workspace
    stores). Runs with different ``k`` simply fill different columns.
    """
    rows: list[dict[str, Any]] = []
    for label, payload in runs:
        for entry in payload.get("results", []):
            row: dict[str, Any] = {"run": label, "name": entry.get("name"), "group": entry.get("group")}
            row.update({key: value for key, value in entry.items() if "@" in key})
            rows.append(row)
    if not rows:
        return pd.DataFrame(columns=["run", "name", "group"])
    return pd.DataFrame(rows)
