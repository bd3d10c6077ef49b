"""Tuning on the validation split with Optuna (seeded TPE): fusion weights, baselines, channel parameters.

Every search maximises mean NDCG@k on **validation** users (a split carved out of the test split's
training part, :func:`core.data.splits.tuning_splits`), so tuned values never see the test split.

- :func:`tune_fusion`: one weight in ``[0, 1]`` per tunable channel and, optionally, the normalisation
  (``minmax`` / ``zscore`` / ``rank``), for any ``FusionConfig -> float`` objective, optionally
  regularised toward the base weights, with the parameters' fANOVA importances.
  :func:`core.evaluation.guarded_tuning.tune_fusion_on_validation` runs it over validation folds and keeps
  the defaults unless the tuned weights win out of fold.
- :func:`tune_baseline`: the hyper-parameters of the item-kNN / ALS / BPR baselines.
- :func:`tune_channel_params`: the mf / item_knn channels' own hyper-parameters, each channel alone, so
  fusion does not win merely because its components were tuned and the baselines were not.

Warm start (documented search, not luck): the fusion study first evaluates the given ``base``
configuration and every tunable channel alone (weight 1, others 0), so the tuned result is never worse
*on validation* than the default fusion or the best single channel; baseline and channel studies first
evaluate their defaults. TPE then runs its own seeded start-up trials and model-guided trials until
``n_trials`` (or ``timeout``) is reached. Same seed + same objective = same trials.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import optuna
import pandas as pd

from core.common.errors import ConfigError
from core.common.progress import ProgressFn, report, scaled
from core.common.selection import top_k_rows
from core.data.splits import Split
from core.evaluation import metrics as M
from core.evaluation.baselines import BASELINE_DEFAULTS, make_baseline, mask_seen
from core.evaluation.options import EvalOptions, item_vectors_for
from core.evaluation.suite import ChannelSuite
from core.ranking.base import Channel, ChannelContext
from core.ranking.channels.mf import resolved_confidence
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.fusion import NORMALISATIONS
from core.ranking.presets import config_from_json, config_to_dict
from core.ranking.query import Query
from core.ranking.registry import CHANNELS, ChannelParams, make_channels
from core.vectors.encoders import Encoder


@dataclass
class TuningResult:
    """The best configuration found on validation, and every trial."""

    best_config: FusionConfig
    best_value: float
    base_value: float
    metric: str
    trials: pd.DataFrame
    seconds: float
    seed: int
    context: dict[str, Any] = field(default_factory=dict)
    """Facts about how the tuning ran (e.g. ``n_validation_users``), added by the caller."""
    importances: dict[str, float] = field(default_factory=dict)
    """Optuna fANOVA importance per searched parameter (channel name or ``normalisation``), summing to 1."""
    decision: dict[str, Any] = field(default_factory=dict)
    """The guard's verdict (:mod:`core.evaluation.guarded_tuning`): adopted or kept the defaults, and why."""
    candidate_config: FusionConfig | None = None
    """What the search found, when the guard kept the defaults (``best_config`` is then the default)."""

    @property
    def n_trials(self) -> int:
        """Number of completed trials."""
        return len(self.trials)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary (best weights, normalisation, values, trial count)."""
        return {
            "metric": self.metric,
            "best_value": _finite(self.best_value),
            "base_value": _finite(self.base_value),
            "best_weights": self.best_config.weights.as_dict(),
            "best_normalisation": self.best_config.normalisation,
            "n_trials": self.n_trials,
            "seconds": round(self.seconds, 2),
            "seed": self.seed,
            **self.context,
            **({"importances": self.importances} if self.importances else {}),
            **({"decision": self.decision} if self.decision else {}),
            **({"candidate_weights": self.candidate_config.weights.as_dict(),
                "candidate_normalisation": self.candidate_config.normalisation}
               if self.candidate_config is not None else {}),
        }


def _finite(value: float) -> float | None:
    return round(float(value), 6) if math.isfinite(value) else None


def tuning_to_dict(result: TuningResult) -> dict[str, Any]:
    """Everything in a :class:`TuningResult`, JSON-ready (for checkpoints; :func:`tuning_from_dict` reads it)."""
    trials = result.trials.astype(object).where(result.trials.notna(), None)
    return {"config": config_to_dict(result.best_config), "best_value": _finite(result.best_value),
            "base_value": _finite(result.base_value), "metric": result.metric, "seconds": result.seconds,
            "seed": result.seed, "context": result.context, "trials": trials.to_dict("records"),
            "importances": result.importances, "decision": result.decision,
            "candidate": None if result.candidate_config is None else config_to_dict(result.candidate_config)}


def tuning_from_dict(doc: dict[str, Any]) -> TuningResult | None:
    """The :class:`TuningResult` of :func:`tuning_to_dict`'s document, or None when it does not validate."""
    try:
        config = config_from_json(json.dumps(doc["config"]), source="checkpoint")
        return TuningResult(
            best_config=config, best_value=float(doc["best_value"] if doc["best_value"] is not None else "nan"),
            base_value=float(doc["base_value"] if doc["base_value"] is not None else "nan"),
            metric=str(doc["metric"]), trials=pd.DataFrame(list(doc["trials"])), seconds=float(doc["seconds"]),
            seed=int(doc["seed"]), context=dict(doc.get("context") or {}),
            importances={str(k): float(v) for k, v in dict(doc.get("importances") or {}).items()},
            decision=dict(doc.get("decision") or {}),
            candidate_config=(config_from_json(json.dumps(doc["candidate"]), source="checkpoint")
                              if doc.get("candidate") else None),
        )
    except (KeyError, TypeError, ValueError, ConfigError):
        return None


def config_from_params(params: dict[str, Any], base: FusionConfig, channels: Sequence[str]) -> FusionConfig:
    """A FusionConfig from an Optuna parameter dict (``w_<channel>``, ``normalisation``)."""
    weights = base.weights.as_dict()
    for name in CHANNELS:
        if name in channels:
            weights[name] = float(params.get(f"w_{name}", 0.0))
    return replace(
        base,
        weights=FusionWeights.from_dict(weights),
        normalisation=str(params.get("normalisation", base.normalisation)),
    )


def with_weight(config: FusionConfig, channel: str, weight: float) -> FusionConfig:
    """``config`` with one channel's weight replaced."""
    return config_from_params({f"w_{channel}": weight}, config, (channel,))


def tune_fusion(
    objective: Callable[[FusionConfig], float],
    channels: Sequence[str],
    *,
    base: FusionConfig | None = None,
    n_trials: int = 60,
    timeout: float | None = None,
    seed: int = 42,
    tune_normalisation: bool = True,
    n_startup: int = 10,
    metric: str = "ndcg@10",
    penalty: float = 0.0,
    progress: ProgressFn | None = None,
) -> TuningResult:
    """Maximise ``objective`` over the weights of ``channels`` (others keep ``base``'s) with Optuna TPE.

    ``penalty`` > 0 regularises toward ``base``: a trial scores ``objective - penalty * |base objective| *
    RMS distance of its weights from base's`` (the trials' ``value`` column keeps the raw objective,
    ``penalised`` what the search maximised). Parameter importances (fANOVA, seeded) are recorded.
    """
    base = base or FusionConfig()
    channels = [c for c in CHANNELS if c in set(channels)]
    if not channels:
        raise ConfigError("nothing to tune: no channel applies to this dataset")
    if n_trials < 1:
        raise ConfigError("n_trials must be at least 1")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=n_startup, multivariate=True)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    base_weights = base.weights.as_dict()
    norm = base.normalisation if base.normalisation in NORMALISATIONS else "minmax"
    warm: list[dict[str, Any]] = [{f"w_{c}": min(1.0, max(0.0, base_weights[c])) for c in channels}]
    for c in channels:
        warm.append({f"w_{o}": 1.0 if o == c else 0.0 for o in channels})
    for params in warm[:n_trials]:
        if tune_normalisation:
            params["normalisation"] = norm
        study.enqueue_trial(params)
    started = time.perf_counter()
    seconds: list[float] = []
    raw: list[float] = []
    anchor = np.array([min(1.0, max(0.0, base_weights[c])) for c in channels])
    scale: list[float] = []

    def _objective(trial: optuna.Trial) -> float:
        t0 = time.perf_counter()
        params: dict[str, Any] = {f"w_{c}": trial.suggest_float(f"w_{c}", 0.0, 1.0) for c in channels}
        if tune_normalisation:
            params["normalisation"] = trial.suggest_categorical("normalisation", list(NORMALISATIONS))
        config = config_from_params(params, base, channels)
        active = sum(config.weights.as_dict()[c] for c in channels) > 0
        value = float(objective(config)) if active else 0.0  # all weights zero: nothing to rank by
        raw.append(value)
        if not scale:  # the first trial is the base configuration (warm start)
            scale.append(abs(value))
        w = np.array([params[f"w_{c}"] for c in channels])
        distance = float(np.sqrt(np.mean((w - anchor) ** 2)))
        seconds.append(time.perf_counter() - t0)
        return value - penalty * scale[0] * distance

    def _callback(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        done = len(study.trials)
        best = study.best_value if study.best_trial is not None else float("nan")
        frac = done / n_trials
        if timeout:
            frac = max(frac, (time.perf_counter() - started) / timeout)
        report(progress, min(frac, 0.999), f"trial {done}/{n_trials}: best {metric} {best:.4f}")

    study.optimize(_objective, n_trials=n_trials, timeout=timeout, callbacks=[_callback])
    completed = [t for t in study.trials if t.value is not None]
    rows = []
    for t, value, secs in zip(completed, raw, seconds, strict=False):
        rows.append({"trial": t.number, "value": value, "penalised": float(t.value or 0.0), **t.params,
                     "seconds": secs})
    trials = pd.DataFrame(rows)
    best = study.best_trial
    best_raw = raw[best.number] if best.number < len(raw) else float(best.value or 0.0)
    report(progress, 1.0, f"best {metric} {best_raw:.4f}")
    return TuningResult(
        best_config=config_from_params(best.params, base, channels),
        best_value=best_raw,
        base_value=raw[0] if raw else float("nan"),
        metric=metric,
        trials=trials,
        seconds=time.perf_counter() - started,
        seed=seed,
        importances=param_importances(study, seed),
    )


def param_importances(study: optuna.Study, seed: int = 42) -> dict[str, float]:
    """fANOVA importance of each searched parameter (``w_mf`` -> ``mf``), summing to 1; {} when undefined.

    Undefined: fewer than two completed trials, or every trial scored the same (nothing to explain).
    """
    completed = [t for t in study.trials if t.value is not None]
    if len(completed) < 2 or len({t.value for t in completed}) < 2:
        return {}
    try:
        found = optuna.importance.get_param_importances(
            study, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=seed), normalize=True)
    except (RuntimeError, ValueError):  # e.g. a parameter with a single value in every trial
        return {}
    total = sum(found.values())
    if not total or not math.isfinite(total):
        return {}
    return {name.removeprefix("w_"): float(v) / total for name, v in found.items()}


BATCH_MEMORY = 768 * 2**20
"""Bytes the tuner may hold as normalised score cubes (users x channels x items x normalisations)."""


def tuning_users(validation: Split, options: EvalOptions) -> np.ndarray:
    """Validation users to tune on: all, or a seeded sample of ``options.tune_users``."""
    if options.tune_users is None or options.tune_users <= 0:
        return validation.users
    return validation.subsample(options.tune_users, seed=options.seed).users


def validation_suite(
    validation: Split,
    *,
    options: EvalOptions | None = None,
    encoder: Encoder | None = None,
    channel_params: ChannelParams | None = None,
    progress: ProgressFn | None = None,
    only: Sequence[str] | None = None,
) -> ChannelSuite:
    """The channels (all, or those in ``only``) fitted on ``validation.train`` (item vectors from its own item
    documents when an encoder is given): what fusion tuning scores, and what the typed-interest choice and the
    weight sweep reuse."""
    opts = options or EvalOptions()
    report(progress, 0.0, "fitting channels on the validation split's training data")
    vectors = item_vectors_for(validation.train, encoder)
    params = channel_params or ChannelParams(random_state=opts.seed)
    suite = ChannelSuite(validation.train, vectors, params=params, encoder=encoder)
    suite.fit(progress, only=only)
    return suite


def _search(
    objective: Callable[[optuna.Trial], float], defaults: dict[str, Any], *, label: str, n_trials: int,
    seed: int, progress: ProgressFn | None,
) -> dict[str, Any]:
    """Maximise ``objective`` with seeded TPE, ``defaults`` first; best params, best and default value."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.enqueue_trial(defaults)

    def run(trial: optuna.Trial) -> float:
        value = objective(trial)
        report(progress, (trial.number + 1) / n_trials, f"{label}: trial {trial.number + 1}/{n_trials}")
        return value

    study.optimize(run, n_trials=n_trials)
    return {"params": dict(study.best_params), "validation_ndcg": round(float(study.best_value), 6),
            "default_validation_ndcg": round(float(study.trials[0].value or 0.0), 6), "n_trials": n_trials}


def _baseline_space(name: str, trial: optuna.Trial) -> dict[str, Any]:
    """Optuna search space of one baseline's hyper-parameters (the keys of ``BASELINE_DEFAULTS``)."""
    if name == "item_knn_cf":
        return {"neighbours": trial.suggest_int("neighbours", 10, 400, log=True)}
    if name == "als":
        return {
            "factors": trial.suggest_categorical("factors", [32, 64, 128]),
            "regularization": trial.suggest_float("regularization", 1e-3, 1.0, log=True),
            "alpha": trial.suggest_float("alpha", 0.5, 40.0, log=True),
        }
    if name == "bpr":
        return {
            "factors": trial.suggest_categorical("factors", [32, 64, 128]),
            "learning_rate": trial.suggest_float("learning_rate", 0.005, 0.2, log=True),
            "regularization": trial.suggest_float("regularization", 1e-4, 0.1, log=True),
            "iterations": trial.suggest_int("iterations", 50, 300, step=50),
        }
    raise ValueError(f"baseline {name!r} has no hyper-parameters to tune")


def tune_baseline(
    name: str, validation: Split, *, k: int = 10, n_trials: int = 8, seed: int = 42,
    users: np.ndarray | None = None, progress: ProgressFn | None = None, fixed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Tune one baseline's hyper-parameters on the validation split (Optuna TPE, seeded); best params.

    ``fixed`` parameters (e.g. the interaction transform chosen on validation) hold in every trial, seed the
    first trial where they are searched too, and are part of the returned ``params``.
    """
    if name not in BASELINE_DEFAULTS:
        raise ValueError(f"baseline {name!r} has no hyper-parameters to tune")
    chosen = validation.users if users is None else users
    relevant = validation.relevant_sets(chosen)
    held = dict(fixed or {})

    def objective(trial: optuna.Trial) -> float:
        model = make_baseline(name, {**held, **_baseline_space(name, trial)}).fit(validation.train)
        return M.mean_accuracy(model.recommend(chosen, k), relevant, k)

    result = _search(objective, {**BASELINE_DEFAULTS[name], **held}, label=name, n_trials=n_trials, seed=seed,
                     progress=progress)
    result["params"] = {**held, **result["params"]}
    return result


TUNABLE_CHANNELS: dict[str, dict[str, str]] = {
    "mf": {"mf_factors": "factors", "mf_regularization": "regularization", "mf_alpha": "confidence.alpha"},
    "item_knn": {"knn_neighbours": "k", "knn_use_rating": "use_rating"},
}
"""Channels :func:`tune_channel_params` tunes: search parameter name -> field of the channel's ``Params``
(``a.b``: field ``b`` of the frozen dataclass in field ``a``, e.g. the mf confidence's alpha)."""


SHARED_TUNING: dict[str, tuple[str, dict[str, str]]] = {
    "mf": ("als", {"mf_factors": "factors", "mf_regularization": "regularization", "mf_alpha": "alpha"}),
}
"""Channels that are the same model as a baseline (one implementation, issue 20): when that baseline was tuned
on validation, the channel takes its parameters instead of a second, separate search (channel search name ->
baseline parameter name)."""


def shared_channel_tuning(baseline_tuning: dict[str, dict[str, Any]],
                          channels: Sequence[str]) -> dict[str, dict[str, Any]]:
    """For each of ``channels`` whose baseline twin (:data:`SHARED_TUNING`) was tuned: the twin's result with
    the parameters renamed for the channel and ``shared_with`` naming the baseline."""
    out: dict[str, dict[str, Any]] = {}
    for channel in channels:
        if channel not in SHARED_TUNING or SHARED_TUNING[channel][0] not in baseline_tuning:
            continue
        twin, names = SHARED_TUNING[channel]
        tuned = baseline_tuning[twin]
        params = {key: tuned["params"][name] for key, name in names.items() if name in tuned["params"]}
        out[channel] = {**tuned, "params": params, "shared_with": twin}
    return out


def channel_value(params: Any, field_path: str) -> Any:
    """The value of a (dotted) field of a channel's ``Params``."""
    for part in field_path.split("."):
        params = getattr(params, part)
    return params


def with_channel_values(params: ChannelParams, name: str, values: dict[str, Any]) -> ChannelParams:
    """``params`` with channel ``name``'s fields set from searched values (keys of :data:`TUNABLE_CHANNELS`)."""
    fields = TUNABLE_CHANNELS[name]
    current = params.get(name)
    changes: dict[str, Any] = {}
    for key, value in values.items():
        head, _, tail = fields[key].partition(".")
        changes[head] = replace(changes.get(head, getattr(current, head)), **{tail: value}) if tail else value
    return params.with_channel(name, **changes)


def _channel_space(name: str, trial: optuna.Trial) -> dict[str, Any]:
    """Optuna search space of one channel's parameters (named as in :data:`TUNABLE_CHANNELS`)."""
    if name == "mf":
        return {
            "mf_factors": trial.suggest_categorical("mf_factors", [32, 64, 128]),
            "mf_regularization": trial.suggest_float("mf_regularization", 1e-3, 10.0, log=True),
            "mf_alpha": trial.suggest_float("mf_alpha", 0.1, 50.0, log=True),
        }
    if name == "item_knn":
        return {
            "knn_neighbours": trial.suggest_int("knn_neighbours", 10, 400, log=True),
            "knn_use_rating": trial.suggest_categorical("knn_use_rating", [False, True]),
        }
    raise ValueError(f"channel {name!r} has no hyper-parameters to tune")


def channel_recommendations(channel: Channel, split: Split, users: np.ndarray, k: int) -> np.ndarray:
    """Top-k lists (users x k item indices) of one fitted channel used alone, seen items excluded."""
    queries = [Query(user_id=str(split.train.user_ids[int(u)])) for u in users]
    scores = np.asarray(channel.score(queries), dtype=np.float64)
    mask_seen(scores, split.train.matrix, users)
    return top_k_rows(scores, k)


def channel_ndcg(channel: Channel, split: Split, users: np.ndarray, k: int) -> float:
    """Mean NDCG@k of one fitted channel used alone (seen items excluded) on ``split``'s ``users``."""
    return M.mean_accuracy(channel_recommendations(channel, split, users, k), split.relevant_sets(users), k)


def tune_channel_params(
    validation: Split, users: np.ndarray, *, base: ChannelParams, channels: Sequence[str] = tuple(TUNABLE_CHANNELS),
    k: int = 10, n_trials: int = 10, seed: int = 42, progress: ProgressFn | None = None,
    baseline_tuning: dict[str, dict[str, Any]] | None = None,
) -> tuple[ChannelParams, dict[str, dict[str, Any]]]:
    """Tune the mf / item_knn channels' own hyper-parameters alone on validation (Optuna TPE, seeded).

    The same treatment :func:`tune_baseline` gives the baselines; a channel whose baseline twin is in
    ``baseline_tuning`` takes the twin's parameters instead (:func:`shared_channel_tuning`). Returns the updated
    :class:`core.ranking.registry.ChannelParams` and, per channel, the best parameters with the
    default's and the best validation NDCG.
    """
    ctx = ChannelContext(validation.train, random_state=base.random_state, num_threads=base.num_threads)
    if "mf" in channels and base.get("mf").confidence is None:  # the signal's default, so its alpha can be tuned
        base = base.with_channel("mf", confidence=resolved_confidence(base.get("mf"), validation.train))
    params = base
    summary: dict[str, dict[str, Any]] = shared_channel_tuning(baseline_tuning or {}, channels)
    for name, shared in summary.items():
        params = with_channel_values(params, name, shared["params"])
    todo = [c for c in channels if c in TUNABLE_CHANNELS and c not in summary]
    for i, name in enumerate(todo):

        def objective(trial: optuna.Trial, name: str = name, start: ChannelParams = params) -> float:
            channel = make_channels(with_channel_values(start, name, _channel_space(name, trial)))[name].fit(ctx)
            return channel_ndcg(channel, validation, users, k)

        defaults = {key: channel_value(base.get(name), field) for key, field in TUNABLE_CHANNELS[name].items()}
        summary[name] = _search(objective, defaults, label=f"channel {name}", n_trials=n_trials, seed=seed,
                                progress=scaled(progress, i / len(todo), (i + 1) / len(todo)))
        params = with_channel_values(params, name, summary[name]["params"])
    return params, summary
