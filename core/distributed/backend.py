"""Where the batch steps run: this process (``local``) or a Ray cluster (``ray``, ``ray:ADDRESS``).

:func:`parse_backend` reads the ``--backend`` value; :func:`connect` starts a local Ray runtime
(``ray.init()`` without an address) or joins a running cluster, failing with one sentence within
:data:`CONNECT_TIMEOUT` seconds when the address does not answer (never a hang, never a traceback).

Resources are sized from what the cluster has (:func:`plan_workers`): every worker asks for a *fraction*
of a CPU, so the pool fits next to Ray Data's own read and output tasks. On 2 cores an actor pool asking
for whole CPUs (``concurrency=2``, one CPU each) is backpressured forever with Ray 2.60; fractional CPUs
run. Before a job starts, :func:`ensure_schedulable` reserves one worker's resources with a placement
group and gives up with a message after :data:`SCHEDULE_TIMEOUT` seconds; :func:`ray_map` (Ray tasks over
blocks of work) raises :class:`BackendError` when no task finishes within its stall timeout.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import socket
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from core.common.errors import ConfigError, InterestLensError
from core.common.progress import ProgressFn, report

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a Ray address to accept a connection."""
SCHEDULE_TIMEOUT = 60.0
"""Seconds to wait for the cluster to place one worker before saying the job cannot be scheduled."""
STALL_TIMEOUT = 900.0
"""Seconds without any finished task or batch before a job is declared stuck."""
DRIVER_RESERVE = 0.25
"""Share of the cluster's CPUs (at most one CPU) left to Ray Data's read / output tasks and the driver."""
WORKER_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}
"""Environment of every Ray worker: models load from disk only."""


class BackendError(InterestLensError):
    """Ray could not be reached, or a job could not be scheduled or finished."""


@dataclass(frozen=True)
class Backend:
    """``kind`` ``local`` or ``ray``; ``address``: a Ray cluster (``host:port``, ``ray://host:port``,
    ``auto``) or None for a Ray runtime started in this process."""

    kind: str = "local"
    address: str | None = None

    @property
    def is_ray(self) -> bool:
        """True when work goes to Ray."""
        return self.kind == "ray"

    def describe(self) -> str:
        """``this machine``, ``Ray (local runtime)`` or ``Ray cluster at ADDRESS``."""
        if not self.is_ray:
            return "this machine"
        return f"Ray cluster at {self.address}" if self.address else "Ray (local runtime)"


def parse_backend(text: str | None) -> Backend:
    """``local`` | ``ray`` | ``ray:ADDRESS`` -> :class:`Backend`; anything else raises :class:`ConfigError`."""
    value = (text or "local").strip()
    if value == "local":
        return Backend()
    if value == "ray":
        return Backend("ray")
    if value.startswith("ray:"):
        address = value[4:].strip()
        if not address:
            raise ConfigError("--backend ray: needs an address after the colon, e.g. ray:10.0.0.5:6379")
        if address != "auto":
            _host_port(address)  # validates the form
        return Backend("ray", address)
    raise ConfigError(f"--backend {value!r}: expected local, ray, or ray:ADDRESS (e.g. ray:10.0.0.5:6379)")


def _host_port(address: str) -> tuple[str, int]:
    """(host, port) of ``host:port`` or ``ray://host:port``; :class:`ConfigError` when malformed."""
    bare = address.removeprefix("ray://")
    host, sep, port = bare.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"Ray address {address!r}: expected host:port (e.g. 10.0.0.5:6379) or ray://host:10001")
    return host.strip("[]"), int(port)


def _reachable(address: str, timeout: float) -> None:
    """Raise :class:`BackendError` unless ``address`` accepts a TCP connection within ``timeout``."""
    host, port = _host_port(address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return
    except OSError as exc:
        reason = "timed out" if isinstance(exc, TimeoutError) else (exc.strerror or type(exc).__name__)
        raise BackendError(f"Ray cluster at {address} is not reachable ({reason} after at most {timeout:g} s); "
                           "start one with `ray start --head` and pass the address it prints") from None


def _code_dir() -> Path:
    """The ``core`` package folder (shipped to remote workers)."""
    return Path(__file__).resolve().parent.parent


def connect(backend: Backend, *, num_cpus: int | None = None, timeout: float = CONNECT_TIMEOUT) -> None:
    """Make sure Ray is initialised for ``backend`` (no-op for ``local``; a running Ray session is reused).

    Without an address a local runtime starts (``num_cpus``: its CPUs, default all). With an address the
    ``core`` package travels with the job (``py_modules``), so the cluster needs only the requirements."""
    if not backend.is_ray:
        return
    import ray

    if not ray.is_initialized():
        _init(backend, num_cpus, timeout)
    _quiet_ray_data()
    _register_serializers()


def _init(backend: Backend, num_cpus: int | None, timeout: float) -> None:
    """``ray.init`` for ``backend`` (a local runtime, or the cluster at its address)."""
    import ray

    logging.getLogger("ray").setLevel(logging.WARNING)
    env = {"env_vars": dict(WORKER_ENV)}
    try:
        if backend.address is None:
            ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False,
                     logging_level=logging.WARNING, runtime_env=env)
            return
        if backend.address != "auto":
            _reachable(backend.address, timeout)
        ray.init(address=backend.address, log_to_driver=False, logging_level=logging.WARNING,
                 runtime_env={**env, "py_modules": [str(_code_dir())], "excludes": ["__pycache__", "*.pyc"]})
    except (ConnectionError, TimeoutError, RuntimeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BackendError(f"could not connect to {backend.describe()}: {first}") from None


class LazyEncoder:
    """An encoder shipped to a Ray worker by name: loaded there on first use (a fitted channel suite
    carries its encoder, but scoring known users never encodes, so most workers never load it)."""

    def __init__(self, name: str, model_id: str, dim: int) -> None:
        self.name, self._model_id, self._dim = name, model_id, dim
        self._loaded: Any = None

    @property
    def model_id(self) -> str:
        """The wrapped encoder's cache id."""
        return self._model_id

    @property
    def dim(self) -> int:
        """Vector dimension."""
        return self._dim

    def encode(self, texts: Sequence[str], batch_size: int = 64, progress: ProgressFn | None = None) -> Any:
        """Load the encoder (once per process) and encode."""
        if self._loaded is None:
            from core.vectors.encoders import load_encoder

            self._loaded = load_encoder(self.name)
        return self._loaded.encode(texts, batch_size=batch_size, progress=progress)


def encoder_name(model_id: str) -> str:
    """The :func:`~core.vectors.encoders.load_encoder` name behind a cache id (``st:x`` -> ``x``)."""
    for prefix in ("st:", "path:"):
        if model_id.startswith(prefix):
            return model_id[len(prefix):]
    return model_id


def _register_serializers() -> None:
    """Encoders travel to Ray workers as their name (:class:`LazyEncoder`), never as model weights."""
    import ray.util

    from core.vectors.encoders import SentenceTransformerEncoder

    def to_name(encoder: Any) -> tuple[str, str, int]:
        return encoder_name(encoder.model_id), str(encoder.model_id), int(encoder.dim)

    def from_name(state: tuple[str, str, int]) -> LazyEncoder:
        return LazyEncoder(*state)

    for cls in (SentenceTransformerEncoder, LazyEncoder):
        ray.util.register_serializer(cls, serializer=to_name, deserializer=from_name)


def _quiet_ray_data() -> None:
    """No Ray Data progress bars or info logs: the CLI prints its own progress lines."""
    from ray.data import DataContext

    ctx = DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)


def shutdown() -> None:
    """Stop this process's Ray connection (and the local runtime it started)."""
    import ray

    if ray.is_initialized():
        ray.shutdown()


# --- resources ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerPlan:
    """How many workers a job starts and the CPU share each asks for."""

    workers: int
    cpus_per_worker: float
    cluster_cpus: float

    def describe(self) -> str:
        """``2 workers x 0.75 CPU of 2 CPUs``."""
        return f"{self.workers} worker(s) x {self.cpus_per_worker:g} CPU of {self.cluster_cpus:g} CPUs"


def plan_workers(cluster_cpus: float, workers: int | None = None) -> WorkerPlan:
    """Workers and CPUs per worker for a cluster of ``cluster_cpus``: ``workers`` (default one per whole
    CPU left after :data:`DRIVER_RESERVE`) each ask for the free share, at most one CPU, rounded down to
    0.05; :class:`BackendError` when the cluster has no CPU at all."""
    if not cluster_cpus > 0:
        raise BackendError("the Ray cluster has no CPUs to run workers on (add a worker node with `ray start`)")
    reserve = min(1.0, DRIVER_RESERVE * cluster_cpus)
    free = cluster_cpus - reserve
    n = workers if workers is not None else max(1, math.floor(free + 1e-9))
    if n < 1:
        raise ConfigError(f"workers must be at least 1, got {n}")
    share = math.floor(min(1.0, free / n) * 20) / 20
    return WorkerPlan(n, max(0.05, share), float(cluster_cpus))


def cluster_plan(workers: int | None = None) -> WorkerPlan:
    """:func:`plan_workers` for the connected cluster (``ray.cluster_resources()``)."""
    import ray

    cpus = float(ray.cluster_resources().get("CPU", 0.0))  # type: ignore[no-untyped-call]
    return plan_workers(cpus, workers)


def ensure_schedulable(plan: WorkerPlan, timeout: float = SCHEDULE_TIMEOUT) -> None:
    """Reserve one worker's CPU share with a placement group; :class:`BackendError` if the cluster cannot
    place it within ``timeout`` seconds (the resources are released at once either way)."""
    import ray
    from ray.util.placement_group import placement_group, remove_placement_group

    group = placement_group([{"CPU": plan.cpus_per_worker}])
    try:
        ready = bool(group.wait(timeout_seconds=timeout))
    finally:
        remove_placement_group(group)
    if not ready:
        free = ray.available_resources().get("CPU", 0.0)  # type: ignore[no-untyped-call]
        raise BackendError(f"Ray could not schedule a worker asking for {plan.cpus_per_worker:g} CPU within "
                           f"{timeout:g} s (cluster: {plan.cluster_cpus:g} CPUs, {free:g} free); other jobs "
                           "hold the CPUs, or the cluster has no worker nodes")


# --- tasks over blocks ----------------------------------------------------------------------------------


def _run_block(fn: Callable[..., Any], item: Any, *shared: Any) -> Any:
    """A Ray task's body: ``fn(*shared, item)`` (the shared arguments arrive from the object store)."""
    return fn(*shared, item)


class RayMap:
    """A :data:`core.ranking.base.BlockMap` on Ray: ``fn(*shared, item)`` per item as Ray tasks, results in
    item order. The shared arguments go to the object store once; each task asks for the plan's CPU share;
    at most ``2 x workers`` tasks are in flight."""

    def __init__(self, plan: WorkerPlan | None = None, stall_timeout: float = STALL_TIMEOUT,
                 max_retries: int = 2) -> None:
        self.plan = plan
        self.stall_timeout = stall_timeout
        self.max_retries = max_retries

    def __call__(self, fn: Callable[..., Any], shared: tuple[Any, ...], items: Sequence[Any],
                 progress: ProgressFn | None = None) -> list[Any]:
        """Run every item; raises :class:`BackendError` when nothing finishes for ``stall_timeout`` s."""
        import ray

        plan = self.plan or cluster_plan()
        ensure_schedulable(plan)
        task = ray.remote(_run_block).options(num_cpus=plan.cpus_per_worker, max_retries=self.max_retries)
        shared_refs = [ray.put(value) for value in shared]
        results: list[Any] = [None] * len(items)
        pending: dict[Any, int] = {}
        nxt, done = 0, 0
        limit = max(1, 2 * plan.workers)
        last = time.monotonic()
        while done < len(items):
            while nxt < len(items) and len(pending) < limit:
                pending[task.remote(fn, items[nxt], *shared_refs)] = nxt
                nxt += 1
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=5.0)
            if not ready:
                if time.monotonic() - last > self.stall_timeout:
                    for ref in pending:
                        ray.cancel(ref, force=True)
                    raise BackendError(f"no Ray task finished in {self.stall_timeout:g} s ({done} of {len(items)} "
                                       "done): the cluster cannot run the tasks (see `ray status`)")
                continue
            for ref in ready:
                results[pending.pop(ref)] = _get(ref)
                done += 1
            last = time.monotonic()
            report(progress, done / max(1, len(items)), f"{done}/{len(items)} blocks on Ray")
        return results


def _get(ref: Any) -> Any:
    """``ray.get`` with worker failures turned into :class:`BackendError` (one sentence)."""
    import ray
    from ray.exceptions import RayError, RayTaskError

    try:
        return ray.get(ref)
    except RayTaskError as exc:
        cause = getattr(exc, "cause", None)  # the exception the task raised, as it was raised
        if isinstance(cause, InterestLensError):
            raise cause from None
        raise BackendError(f"a Ray task failed: {_first_line(exc)}") from None
    except RayError as exc:
        raise BackendError(f"a Ray worker died ({type(exc).__name__}); re-run to retry") from None


def _first_line(exc: BaseException) -> str:
    """The last non-empty line of a (possibly multi-line, traceback-carrying) error message."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__


def block_map_for(backend: Backend, workers: int | None = None) -> RayMap | None:
    """A connected :class:`RayMap` for a Ray backend, None for ``local`` (channels then loop in-process)."""
    if not backend.is_ray:
        return None
    connect(backend)
    return RayMap(cluster_plan(workers))


def env_int(name: str) -> int | None:
    """An integer environment variable (None when unset or not a number)."""
    value = os.environ.get(name, "").strip()
    return int(value) if value.lstrip("-").isdigit() else None


# --- the command line -------------------------------------------------------------------------------------


def add_backend_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    """``--backend local|ray|ray:ADDRESS`` and ``--workers N`` (checked when the command runs)."""
    parser.add_argument("--backend", default="local", metavar="local|ray|ray:ADDRESS",
                        help=f"where to run: this process (default), a local Ray runtime (ray), or the Ray cluster "
                             f"at ADDRESS (ray:HOST:6379 from `ray start --head`, or ray:auto): {what}")
    parser.add_argument("--workers", type=int, default=None,
                        help="Ray workers (default: one per free CPU of the cluster, each asking for a CPU share)")


def progress_lines(label: str, every: float = 2.0, stream: TextIO | None = None) -> ProgressFn:
    """A :data:`ProgressFn` printing ``label: 40% 2048 of 5120 texts`` lines on stderr (at most one per
    ``every`` seconds, plus the last): readable in a terminal and in a batch job's log."""
    out = stream or sys.stderr
    state = {"at": -math.inf, "pct": -1}

    def _line(fraction: float, message: str) -> None:
        pct = int(fraction * 100)
        now = time.monotonic()
        if pct == state["pct"] or (now - state["at"] < every and fraction < 1.0):
            return
        state["at"], state["pct"] = now, pct
        out.write(f"{label}: {pct:3d}% {message}\n")
        out.flush()

    return _line
