"""Preparing engines and maps in process-wide background jobs, and showing their progress on any page.

The work of getting an :class:`~core.engine.Engine` ready (text model, item vectors, indexes, user profiles,
catalogue, channels) and of laying out a map runs in a daemon thread owned by a :class:`WarmupJobs`
registry that lives as long as the server process, never in a page's script run: leaving a page (which
stops its script) stops only the page's view of the progress, not the work. A second caller asking for
the same work while it runs gets the running job and waits for it (:meth:`WarmupJobs.start`), so nothing is
built twice. :func:`wait_for` draws the job's named stages (``warmup.stage.<id>`` in ``ui/i18n``) with a
progress bar refreshed every half second until what the page needs is there.

``app.py`` starts the default demo's job (engine and default map) once per server process, right after the
first page is drawn (:func:`ui.resources.warm_up_default`); ``INTERESTLENS_WARMUP=0`` turns that off (the
benchmark's cold baseline).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from core.common.progress import scaled
from core.engine import STAGES, Engine
from core.vectors.maps import ProjectionMap
from core.vectors.projection import ProjectionParams

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
"""How often a waiting page redraws the progress."""
CORE_STAGES: tuple[str, ...] = ("model", "embed", "index", "users", "catalogue", "channels")
"""The stages a page waits for before it can rank (the map adds ``map``)."""
_STAGE_OF: dict[str, str] = {message: stage for stage, message in STAGES.items()}
_TEXTS = re.compile(r"^(\d+) of (\d+) texts$")
_FITTING = re.compile(r"^fitting ([a-z_]+)$")


def warmup_enabled() -> bool:
    """False when ``$INTERESTLENS_WARMUP`` is ``0`` / ``false`` / ``off`` / ``no``."""
    return os.environ.get("INTERESTLENS_WARMUP", "1").strip().lower() not in ("0", "false", "off", "no")


@dataclass(frozen=True)
class Progress:
    """Where one phase of a job is: fraction in [0, 1], the stage id (a key of ``STAGES``), the last detail."""

    fraction: float = 0.0
    stage: str | None = None
    detail: str = ""


class WarmupJob:
    """Prepare one engine (core stages, with or without channels) and optionally lay out one map, in a
    daemon thread; progress per phase (``"engine"``, ``"map"``) can be read at any time."""

    def __init__(
        self,
        engine: Engine,
        channels: bool = True,
        map_params: ProjectionParams | None = None,
        on_map: Callable[[Engine, ProjectionParams, ProjectionMap], None] | None = None,
        fit: frozenset[str] = frozenset(),
    ) -> None:
        self.engine = engine
        self.channels = channels or bool(fit)
        self.fit = fit  # deferred channels (core.engine.DEFERRED_CHANNELS) to fit after the channels
        self.map_params = map_params
        self.on_map = on_map
        self.error: str | None = None
        self.result: ProjectionMap | None = None
        self.done = threading.Event()
        self._lock = threading.Lock()
        self._phases: dict[str, Progress] = {"engine": Progress()}
        if map_params is not None:
            self._phases["map"] = Progress()
        self.thread = threading.Thread(target=self._run, name=f"warmup-{engine.key[:12]}", daemon=True)

    @property
    def running(self) -> bool:
        """True until the job has finished (successfully or not)."""
        return not self.done.is_set()

    def start(self) -> WarmupJob:
        """Start the thread (once)."""
        if not self.thread.is_alive() and not self.done.is_set():
            self.thread.start()
        return self

    def covers(self, channels: bool, map_params: ProjectionParams | None = None,
               fit: frozenset[str] = frozenset()) -> bool:
        """True when this job builds at least what is asked (channels, the map with ``map_params``, the deferred
        channels in ``fit``)."""
        return ((self.channels or not channels) and (map_params is None or map_params == self.map_params)
                and fit <= self.fit)

    def recorder(self, phase: str) -> Callable[[float, str], None]:
        """A progress callback that records ``phase``'s fraction, current stage and last detail."""

        def _record(fraction: float, message: str) -> None:
            with self._lock:
                old = self._phases.get(phase, Progress())
                stage = _STAGE_OF.get(message, old.stage)
                detail = "" if message in _STAGE_OF else message
                self._phases[phase] = Progress(max(old.fraction, min(1.0, max(0.0, fraction))), stage, detail)

        return _record

    def progress(self, phases: tuple[str, ...] = ("engine",)) -> Progress:
        """The combined progress of ``phases`` (the mean fraction; stage and detail of the first unfinished)."""
        with self._lock:
            parts = [self._phases.get(p, Progress(1.0)) for p in phases]
        current = next((p for p in parts if p.fraction < 1.0), parts[-1])
        return Progress(sum(p.fraction for p in parts) / len(parts), current.stage, current.detail)

    def _run(self) -> None:
        try:
            if self.fit:
                record = self.recorder("engine")
                self.engine.prepare(scaled(record, 0.0, 0.5), channels=True)
                record(0.5, STAGES["deferred"])
                self.engine.fit_deferred(self.fit, progress=scaled(record, 0.5, 1.0))
            else:
                self.engine.prepare(self.recorder("engine"), channels=self.channels)
            self.recorder("engine")(1.0, "ready")
            if self.map_params is not None:
                self.result = self.engine.projection_map(self.map_params, self.recorder("map"))
                if self.on_map is not None:
                    self.on_map(self.engine, self.map_params, self.result)
                self.recorder("map")(1.0, "ready")
        except Exception as exc:  # reported to every waiting page; a later request starts a new job
            log.exception("preparing %s failed", self.engine.key)
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.done.set()


class WarmupJobs:
    """The process's jobs: at most one running per engine and map parameters; finished ones are kept so a
    page can tell a failure, and replaced by the next request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: list[WarmupJob] = []
        self.started: int = 0
        """Jobs started so far (tests check that concurrent callers share one)."""

    def running(self, engine: Engine, channels: bool = False, map_params: ProjectionParams | None = None,
                fit: frozenset[str] = frozenset()) -> WarmupJob | None:
        """A running job for ``engine`` that builds what is asked, if there is one."""
        with self._lock:
            return next((j for j in self._jobs if j.engine is engine and j.running
                         and j.covers(channels, map_params, fit)), None)

    def start(
        self,
        engine: Engine,
        channels: bool = True,
        map_params: ProjectionParams | None = None,
        on_map: Callable[[Engine, ProjectionParams, ProjectionMap], None] | None = None,
        fit: frozenset[str] = frozenset(),
    ) -> WarmupJob:
        """The running job that builds what is asked, or a new one started now (never two at once)."""
        with self._lock:
            for job in self._jobs:
                if job.engine is engine and job.running and job.covers(channels, map_params, fit):
                    return job
            self._jobs = [j for j in self._jobs if j.running or j.engine is not engine][-32:]
            job = WarmupJob(engine, channels, map_params, on_map, fit)
            self._jobs.append(job)
            self.started += 1
            return job.start()

    def latest(self, engine: Engine) -> WarmupJob | None:
        """The most recent job of ``engine`` (running or finished)."""
        with self._lock:
            return next((j for j in reversed(self._jobs) if j.engine is engine), None)


# --- drawing the progress (streamlit) ----------------------------------------------------------------


def step_text(progress: Progress, stages: tuple[str, ...], translate: Callable[..., str]) -> str:
    """"Step 2 of 6: Embedding the item texts — 1,024 of 9,742 items" in the catalogue's words."""
    from ui.i18n import fmt_number

    if progress.stage is None or progress.stage not in stages:
        return translate("warmup.starting")
    text = translate("warmup.step", i=stages.index(progress.stage) + 1, n=len(stages),
                     stage=translate(f"warmup.stage.{progress.stage}"))
    detail = ""
    if (m := _TEXTS.match(progress.detail)) is not None:
        detail = translate("warmup.detail.texts", done=fmt_number(int(m.group(1))), total=fmt_number(int(m.group(2))))
    elif (m := _FITTING.match(progress.detail)) is not None:
        detail = translate("warmup.detail.fitting", channel=translate(f"tuning.channel.{m.group(1)}"))
    return f"{text} — {detail}" if detail else text


def wait_for(job: WarmupJob, until: Callable[[], bool], label: str, phases: tuple[str, ...] = ("engine",)) -> None:
    """Show ``job``'s named stages and progress in ``st.status`` until ``until()`` holds or the job ends
    (the work goes on in the job's thread whatever happens to this page); a failure is shown as an error."""
    import streamlit as st

    from ui.i18n import t
    from ui.safe import md_escape

    stages = CORE_STAGES + (("deferred",) if job.fit else ()) + (("map",) if "map" in phases else ())
    if until() and not job.error:
        return
    with st.status(md_escape(label), expanded=True) as status:
        bar = st.progress(0.0, text=t("warmup.starting"))
        while not until() and job.running:
            now = job.progress(phases)
            bar.progress(now.fraction, text=md_escape(step_text(now, stages, t)))
            job.done.wait(POLL_SECONDS)
        if job.error and not until():
            status.update(label=t("warmup.failed", error=md_escape(job.error)), state="error", expanded=True)
            return
        bar.progress(1.0, text=t("app.ready"))
        status.update(label=t("app.ready"), state="complete", expanded=False)


def wait_quietly(job: WarmupJob, until: Callable[[], bool], timeout: float | None = None) -> bool:
    """Block (no UI) until ``until()`` holds or the job ends; True when ``until()`` holds."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while not until() and job.running:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            break
        job.done.wait(POLL_SECONDS if left is None else min(POLL_SECONDS, left))
    return until()

