"""The Evaluate page's progress text: which stage the run is in and how much of it is left, in zh/en.

:func:`core.evaluation.protocol.evaluate_dataset` reports a fraction and the innermost step's English
message ("tuning baseline als", "als: fit", "scored users 256/593", "trial 3/40: best ndcg@10 0.31",
"decomposing typed interests 12/80"). :class:`EvalProgress` remembers the stage the last stage message
opened (detail messages such as "scored users …" occur in several stages), numbers the stages this run
will go through ("step 3 of 6") and turns counts into "256 of 593". Messages it does not know add no
detail: the stage is still named and no English developer text reaches the screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from core.evaluation.baselines import TUNABLE_BASELINES
from core.evaluation.options import EvalOptions
from core.evaluation.tuning import TUNABLE_CHANNELS
from ui.evaluate_labels import channel_label, config_label, metric_label

Translate = Callable[..., str]
_N = r"(?P<i>\d+)/(?P<n>\d+)"
STAGE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^splitting$"), "split"),
    (re.compile(r"^loading encoder "), "embed"),
    (re.compile(r"^embedding items$"), "embed"),
    (re.compile(r"^tuning baseline (?P<name>\S+)$"), "tune_baselines"),
    (re.compile(r"^baseline (?P<name>\S+): tuning resumed"), "tune_baselines"),
    (re.compile(rf"^channel (?P<name>\S+): trial {_N}$"), "tune_channels"),
    (re.compile(r"^tuning fusion weights"), "tune_fusion"),
    (re.compile(r"^fusion tuning resumed"), "tune_fusion"),
    (re.compile(r"^fitting channels on the test split"), "fit"),
    (re.compile(r"^(?P<config>\S+): (fit|recommend|resumed from the interrupted run)$"), "configs"),
    (re.compile(rf"^decomposing typed interests( {_N})?$"), "typed"),
    (re.compile(r"^(typed interests done|evaluation done|sweep done)$"), "done"),
)
"""A message that opens a stage -> the stage (``evaluate.progress.stage.<stage>``)."""
DETAIL_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(cache lookup|\d+ texts)$"), "cache"),
    (re.compile(r"^(?P<i>\d+) of (?P<n>\d+) texts$"), "texts"),
    (re.compile(rf"^{_N}$"), "texts"),
    (re.compile(r"^fitting channels on the validation split"), "fit_validation"),
    (re.compile(r"^fitting (?P<channel>\w+)$"), "fit_channel"),
    (re.compile(r"^item neighbours$"), "item_neighbours"),
    (re.compile(rf"^learned text map: epoch {_N}$"), "learned_epoch"),
    (re.compile(r"^learned text map"), "learned"),
    (re.compile(rf"^scored (users|queries) {_N}$"), "scored"),
    (re.compile(rf"^trial {_N}: best (?P<metric>\S+) (?P<value>[-\d.]+)$"), "trial_best"),
    (re.compile(rf"^(?P<name>\S+): trial {_N}$"), "trial"),
    (re.compile(rf"^decomposing typed interests {_N}$"), "typed_users"),
    (re.compile(r"resumed"), "resumed"),
)
"""A message that tells how far the current stage is -> its detail (``evaluate.progress.detail.<kind>``)."""


def expected_configs(opts: EvalOptions) -> list[str]:
    """The configurations a run with ``opts`` evaluates, in the core's order (dropped channels included)."""
    names = [*opts.baselines, *(f"channel:{c}" for c in opts.channels)]
    if opts.fused:
        names.append("fused_default")
        if opts.tune:
            names.append("fused_tuned")
    return names


def planned_stages(opts: EvalOptions) -> list[str]:
    """The stages a run with ``opts`` goes through, in order (the typed stage when it may run)."""
    stages = ["split", "embed"]
    if opts.tune_baselines and any(b in TUNABLE_BASELINES for b in opts.baselines):
        stages.append("tune_baselines")
    if opts.tune_channels and any(c in TUNABLE_CHANNELS for c in opts.channels):
        stages.append("tune_channels")
    if opts.tune and opts.fused:
        stages.append("tune_fusion")
    if opts.channels or opts.fused:
        stages.append("fit")
    stages.append("configs")
    if opts.typed and opts.fused:
        stages.append("typed")
    return stages


@dataclass
class EvalProgress:
    """Turns the core's progress messages of one evaluation run into the progress bar's text."""

    translate: Translate
    stages: Sequence[str] = ()
    configs: Sequence[str] = ()
    stage: str = "split"
    groups: dict[str, str] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)
    """Expected configurations the run went past without evaluating (a channel that applies to nobody)."""
    _seen: set[str] = field(default_factory=set)

    @classmethod
    def for_options(cls, opts: EvalOptions, translate: Translate) -> EvalProgress:
        """A narrator for a run with ``opts``."""
        return cls(translate, planned_stages(opts), expected_configs(opts))

    def text(self, fraction: float, message: str) -> str:
        """"Step 3 of 6: Tuning fusion weights — trial 12 of 40 (best NDCG@10 0.3120) · 47%"."""
        tr = self.translate
        detail = self._stage_detail(message) if self._open_stage(message) else self._detail(message)
        if self.stage == "done":
            return tr("evaluate.progress.finishing")
        head = tr(f"evaluate.progress.stage.{self.stage}")
        if self.stage in self.stages:
            head = tr("evaluate.progress.step", i=list(self.stages).index(self.stage) + 1, n=len(self.stages),
                      stage=head)
        body = f"{head} — {detail}" if detail else head
        return tr("evaluate.progress.line", text=body, pct=int(100 * min(1.0, max(0.0, fraction))))

    def _open_stage(self, message: str) -> bool:
        """Move to the stage ``message`` opens; False when it is a detail of the current stage."""
        for pattern, stage in STAGE_MESSAGES:
            found = pattern.match(message)
            if found is None:
                continue
            if stage == "typed" and self.stage == "typed":
                return False  # a count inside the typed stage
            self.stage = stage
            self.groups = {k: v for k, v in found.groupdict().items() if v is not None}
            return True
        return False

    def _stage_detail(self, message: str) -> str:
        """The detail a stage-opening message carries (configuration n of N, which baseline, trial i of n)."""
        tr = self.translate
        g = self.groups
        if "config" in g:
            return self._config_detail(g["config"])
        if self.stage == "tune_channels":
            return tr("evaluate.progress.detail.trial_of", name=channel_label(g["name"], tr), i=g["i"], n=g["n"])
        if self.stage == "tune_baselines":
            label = config_label(g["name"], tr)
            return tr("evaluate.progress.detail.resumed_of", name=label) if "resumed" in message else label
        if self.stage == "embed" and message.startswith("loading encoder"):
            return tr("evaluate.progress.detail.encoder")
        return self._detail(message) if self.stage == "typed" or "resumed" in message else ""

    def _config_detail(self, name: str) -> str:
        """"configuration 3 of 12: ALS (implicit)"; expected configurations passed over without a message
        (skipped by the core) leave the count, so the last one reads "12 of 12"."""
        label = config_label(name, self.translate)
        if name not in self.configs:
            return label
        at = list(self.configs).index(name)
        self.skipped |= {c for c in self.configs[:at] if c not in self._seen}
        self._seen.add(name)
        before = [c for c in self.configs[:at] if c not in self.skipped]
        return self.translate("evaluate.progress.detail.config", i=len(before) + 1,
                              n=len(self.configs) - len(self.skipped), name=label)

    def _detail(self, message: str) -> str:
        """How far the current stage is, from a detail message ("" for a message without one)."""
        tr = self.translate
        for pattern, kind in DETAIL_MESSAGES:
            found = pattern.search(message) if kind == "resumed" else pattern.match(message)
            if found is None:
                continue
            groups = {k: v for k, v in found.groupdict().items() if v is not None}
            if kind == "fit_channel":
                groups["channel"] = channel_label(groups["channel"], tr)
            elif kind == "trial_best":
                groups["metric"] = metric_label(groups["metric"], tr)
            elif kind == "trial":
                groups["name"] = config_label(groups["name"], tr)
                return tr("evaluate.progress.detail.trial_of", **groups)
            return tr(f"evaluate.progress.detail.{kind}", **groups)
        return ""
