"""Auto-tuning of fusion weights and normalisation with Optuna (seeded TPE, trial budget, timeout).

The search space: one weight in ``[0, 1]`` per tunable channel and, optionally, the normalisation
(``minmax`` / ``zscore`` / ``rank``). The objective is any ``FusionConfig -> float`` (higher is
better); :func:`core.evaluation.evaluate.tune_on_validation` passes mean NDCG@k on the **validation** split,
so the tuned weights never see the test split.

Warm start (documented search, not luck): before TPE samples anything, the study evaluates the given
``base`` configuration and every tunable channel alone (weight 1, others 0), so the tuned result is
never worse *on validation* than the default fusion or the best single channel. TPE then runs its
own seeded random start-up trials (``n_startup``) and model-guided trials until ``n_trials`` or
``timeout`` is reached. Same seed + same objective = same trials.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from core.common.config import CHANNELS, FusionConfig, FusionWeights
from core.common.errors import ConfigError
from core.common.progress import ProgressFn, report

NORMALISATIONS: tuple[str, ...] = ("minmax", "zscore", "rank")


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
        }


def _finite(value: float) -> float | None:
    return round(float(value), 6) if math.isfinite(value) else None


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
    progress: ProgressFn | None = None,
) -> TuningResult:
    """Maximise ``objective`` over the weights of ``channels`` (others keep ``base``'s) with Optuna TPE."""
    import optuna

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

    def _objective(trial: optuna.Trial) -> float:
        t0 = time.perf_counter()
        params: dict[str, Any] = {f"w_{c}": trial.suggest_float(f"w_{c}", 0.0, 1.0) for c in channels}
        if tune_normalisation:
            params["normalisation"] = trial.suggest_categorical("normalisation", list(NORMALISATIONS))
        config = config_from_params(params, base, channels)
        active = sum(config.weights.as_dict()[c] for c in channels) > 0
        value = float(objective(config)) if active else 0.0  # all weights zero: nothing to rank by
        seconds.append(time.perf_counter() - t0)
        return value

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
    for t, secs in zip(completed, seconds, strict=False):
        rows.append({"trial": t.number, "value": float(t.value or 0.0), **t.params, "seconds": secs})
    trials = pd.DataFrame(rows)
    best = study.best_trial
    report(progress, 1.0, f"best {metric} {best.value:.4f}")
    return TuningResult(
        best_config=config_from_params(best.params, base, channels),
        best_value=float(best.value or 0.0),
        base_value=float(completed[0].value or 0.0) if completed else float("nan"),
        metric=metric,
        trials=trials,
        seconds=time.perf_counter() - started,
        seed=seed,
    )
