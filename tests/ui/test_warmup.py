"""ui.warmup: background preparation jobs run once, report named stages up to 1.0, and share work."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from core.engine import STAGES
from core.vectors.projection import ProjectionParams
from ui.i18n import t
from ui.warmup import CORE_STAGES, Progress, WarmupJob, WarmupJobs, step_text, wait_quietly, warmup_enabled


class FakeEngine:
    """Reports every core stage like core.engine.Engine.prepare; blocks until ``gate`` is set."""

    def __init__(self, fail: bool = False) -> None:
        self.key = "fake-engine"
        self.gate = threading.Event()
        self.prepared: list[bool] = []
        self.maps: list[ProjectionParams | None] = []
        self.fail = fail
        self._ready = False

    def ready(self, channels: bool = True) -> bool:
        return self._ready

    def prepare(self, progress: Any = None, channels: bool = True, deferred: bool = False) -> FakeEngine:
        self.prepared.append(channels)
        for i, stage in enumerate(CORE_STAGES):
            progress(i / len(CORE_STAGES), STAGES[stage])
            if stage == "embed":
                progress(0.2, "5 of 10 texts")
                assert self.gate.wait(10)
        if self.fail:
            raise RuntimeError("disk full")
        self._ready = True
        progress(1.0, "ready")
        return self

    def projection_map(self, params: ProjectionParams | None = None, progress: Any = None) -> str:
        self.maps.append(params)
        progress(0.05, STAGES["map"])
        progress(1.0, "map ready")
        return "the map"


def test_a_second_caller_gets_the_running_job_and_the_work_runs_once() -> None:
    jobs, engine = WarmupJobs(), FakeEngine()
    first = jobs.start(engine, channels=True)  # type: ignore[arg-type]
    second = jobs.start(engine, channels=True)  # type: ignore[arg-type]
    lesser = jobs.start(engine, channels=False)  # type: ignore[arg-type]  # covered by the running job
    assert first is second is lesser and jobs.started == 1
    assert jobs.running(engine, channels=True) is first  # type: ignore[arg-type]
    engine.gate.set()
    assert wait_quietly(first, lambda: engine.ready(), timeout=10)
    first.thread.join(10)
    assert engine.prepared == [True] and not first.running and first.error is None
    assert jobs.running(engine) is None  # type: ignore[arg-type]


def test_progress_names_the_stage_and_reaches_one() -> None:
    engine = FakeEngine()
    job = WarmupJob(engine).start()  # type: ignore[arg-type]
    seen = Progress()
    for _ in range(200):
        seen = job.progress()
        if seen.stage == "embed" and seen.detail:
            break
        job.done.wait(0.01)
    assert seen.stage == "embed" and seen.detail == "5 of 10 texts" and 0.0 < seen.fraction < 1.0
    engine.gate.set()
    job.thread.join(10)
    final = job.progress()
    assert final.fraction == 1.0 and final.stage == "channels"


def test_a_job_with_a_map_hands_the_map_over() -> None:
    engine, got = FakeEngine(), []
    engine.gate.set()
    params = ProjectionParams()
    job = WarmupJobs().start(engine, channels=True, map_params=params,  # type: ignore[arg-type]
                             on_map=lambda e, p, m: got.append((e, p, m)))
    job.thread.join(10)
    assert got == [(engine, params, "the map")] and engine.maps == [params]
    assert job.progress(("engine", "map")).fraction == 1.0 and job.progress(("map",)).stage == "map"


def test_a_running_job_without_channels_or_map_does_not_cover_more() -> None:
    jobs, engine = WarmupJobs(), FakeEngine()
    small = jobs.start(engine, channels=False)  # type: ignore[arg-type]
    assert not small.covers(True) and not small.covers(False, ProjectionParams())
    bigger = jobs.start(engine, channels=True)  # type: ignore[arg-type]
    assert bigger is not small and jobs.started == 2
    engine.gate.set()
    small.thread.join(10)
    bigger.thread.join(10)


def test_a_failure_is_kept_and_the_next_request_starts_again() -> None:
    jobs, engine = WarmupJobs(), FakeEngine(fail=True)
    engine.gate.set()
    job = jobs.start(engine)  # type: ignore[arg-type]
    job.thread.join(10)
    assert job.error == "RuntimeError: disk full" and not wait_quietly(job, lambda: engine.ready())
    assert jobs.latest(engine) is job  # type: ignore[arg-type]
    engine.fail = False
    retry = jobs.start(engine)  # type: ignore[arg-type]
    retry.thread.join(10)
    assert retry is not job and retry.error is None and engine.ready()


def test_step_text_in_both_languages() -> None:
    now = Progress(0.3, "embed", "1024 of 9742 texts")
    en = step_text(now, CORE_STAGES, lambda key, **kw: t(key, "en", **kw))
    zh = step_text(now, CORE_STAGES, lambda key, **kw: t(key, "zh", **kw))
    assert en == "Step 2 of 6: Embedding the item texts — 1,024 of 9,742 items done"
    assert zh.startswith("第 2/6 步：为物品文本生成向量") and "1,024/9,742" in zh
    fitting = step_text(Progress(0.9, "channels", "fitting item_knn"), CORE_STAGES, lambda k, **kw: t(k, "en", **kw))
    assert fitting.endswith("fitting: " + t("tuning.channel.item_knn", "en"))
    assert step_text(Progress(), CORE_STAGES, lambda k, **kw: t(k, "en", **kw)) == t("warmup.starting", "en")


def test_every_stage_has_words_in_both_languages() -> None:
    for stage in STAGES:
        assert t(f"warmup.stage.{stage}", "zh") != t(f"warmup.stage.{stage}", "en")
        assert not t(f"warmup.stage.{stage}", "en").startswith("warmup.")


@pytest.mark.parametrize(("value", "on"), [("0", False), ("off", False), ("1", True), ("", True)])
def test_warmup_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, value: str, on: bool) -> None:
    monkeypatch.setenv("INTERESTLENS_WARMUP", value)
    assert warmup_enabled() is on


def test_no_server_warmup_under_apptest() -> None:
    """AppTest runs app scripts under a mock Runtime: the server's warm-up must not start there."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parents[2]
    at = AppTest.from_string(
        f"import sys\nsys.path.insert(0, {str(root)!r})\nimport streamlit as st\n"
        "from ui.resources import warm_up_default, warmup_jobs\n"
        "before = warmup_jobs().started\n"  # other AppTests in this process may have run page jobs
        "st.write(repr((warm_up_default(), warmup_jobs().started - before)))\n", default_timeout=120).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["(None, 0)"]


def test_a_fit_job_fits_the_deferred_channels_after_the_rest_with_named_progress() -> None:
    class Deferred(FakeEngine):
        def __init__(self) -> None:
            super().__init__()
            self.pending = ["ease", "learned"]
            self.fitted: list[frozenset[str]] = []

        def pending_channels(self) -> list[str]:
            return list(self.pending)

        def fit_deferred(self, names: Any = None, progress: Any = None) -> list[str]:
            self.fitted.append(frozenset(names))
            progress(0.5, "fitting ease")
            self.pending = [n for n in self.pending if n not in names]
            return sorted(names)

    jobs, engine = WarmupJobs(), Deferred()
    plain = jobs.start(engine, channels=True)  # type: ignore[arg-type]
    assert not plain.covers(True, fit=frozenset({"ease"}))  # a job without the fit does not cover it
    fit = jobs.start(engine, channels=True, fit=frozenset({"ease"}))  # type: ignore[arg-type]
    assert fit is not plain and fit.channels
    assert jobs.running(engine, fit=frozenset({"ease"})) is fit  # type: ignore[arg-type]
    engine.gate.set()
    plain.thread.join(10)
    fit.thread.join(10)
    assert fit.error is None and engine.fitted == [frozenset({"ease"})] and engine.pending == ["learned"]
    final = fit.progress()
    assert final.fraction == 1.0 and final.stage == "deferred"
    english = lambda k, **kw: t(k, "en", **kw)  # noqa: E731
    text = step_text(Progress(0.7, "deferred", "fitting ease"), (*CORE_STAGES, "deferred"), english)
    assert text.startswith("Step 7 of 7") and t("tuning.channel.ease", "en") in text
