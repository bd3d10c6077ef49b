"""Embedding over Ray Data into the one vector cache (``python -m core embed --backend ray[:ADDRESS]``).

:func:`embed_texts_ray` looks the distinct texts up in the :class:`~core.vectors.vector_cache.VectorCache`
first and sends only the missing ones through ``map_batches`` with an actor pool: each worker
(:class:`EncodeWorker`) loads the project's encoder (:func:`core.vectors.encoders.load_encoder`) once and
encodes batch after batch. The driver writes every batch the pool returns as one cache shard, atomically
(:meth:`VectorCache.put`: temp file, fsync, ``os.replace``), as soon as it arrives, so

- a re-run, the dashboard and local :func:`~core.vectors.vector_cache.embed_texts` find every text;
- a killed worker is restarted by Ray Data and its batch retried (``max_restarts``); when the job fails
  anyway (restarts exhausted, Ctrl-C, the driver killed) every shard written so far is complete and the
  next run encodes only the rest. Nothing half-written is ever visible.

Workers never touch the cache folder, so the cluster needs no shared file system. The pool asks for a
fractional CPU per worker (:func:`core.distributed.backend.plan_workers`), and a job whose workers cannot be
placed, or that returns no batch for ``stall_timeout`` seconds, stops with a :class:`BackendError`.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from core.common.progress import ProgressFn, report
from core.distributed.backend import (
    STALL_TIMEOUT,
    Backend,
    BackendError,
    WorkerPlan,
    cluster_plan,
    connect,
    ensure_schedulable,
    env_int,
)
from core.vectors.vector_cache import EmbedResult, VectorCache, text_key

BATCH_TEXTS = 512
"""Texts per Ray batch, and so per cache shard (about 1 s of USE m3 on one idle core)."""
EXIT_AFTER_ENV = "INTERESTLENS_RAY_EXIT_AFTER"
"""Test hook: a worker whose driver has this variable set to N exits hard (``os._exit``) after N batches,
as a killed process would."""


class EncodeWorker:
    """A Ray Data actor: the encoder loaded once per worker, then one ``__call__`` per batch."""

    def __init__(self, model: str, model_id: str, encode_batch: int = 256, exit_after: int | None = None) -> None:
        from core.vectors.encoders import load_encoder

        self.encoder = load_encoder(model)
        if self.encoder.model_id != model_id:  # another model under that name on this node: never mix caches
            raise BackendError(f"worker loaded {self.encoder.model_id!r} for {model!r}, the cache expects {model_id!r}")
        self.encode_batch = encode_batch
        self.exit_after = exit_after
        self.batches = 0

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """``{"row", "text"}`` -> ``{"row", "vector"}`` (float32, L2-normalised rows)."""
        if self.exit_after is not None and self.batches >= self.exit_after:
            os._exit(1)  # the test hook: die like a killed worker, without cleaning up
        texts = [str(t) for t in batch["text"]]
        vectors = np.asarray(self.encoder.encode(texts, batch_size=self.encode_batch), dtype=np.float32)
        self.batches += 1
        return {"row": np.asarray(batch["row"], dtype=np.int64), "vector": vectors}


def _batches_of(dataset: Any, stall_timeout: float) -> Iterator[dict[str, np.ndarray]]:
    """The dataset's output batches as they finish; :class:`BackendError` when none comes for
    ``stall_timeout`` seconds or the job fails (iteration runs in a helper thread, the caller's thread
    stays interruptible)."""
    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=8)

    def pump() -> None:
        try:
            for batch in dataset.iter_batches(batch_size=None, batch_format="numpy", prefetch_batches=1):
                box.put(("batch", batch))
            box.put(("end", None))
        except BaseException as exc:  # handed to the caller's thread
            box.put(("error", exc))

    threading.Thread(target=pump, name="ray-embed-results", daemon=True).start()
    while True:
        try:
            kind, value = box.get(timeout=stall_timeout)
        except queue.Empty:
            raise BackendError(f"no embedding batch finished in {stall_timeout:g} s: the Ray workers could not "
                               "start or are stuck (see `ray status`); what was written so far is kept") from None
        if kind == "end":
            return
        if kind == "error":
            raise _job_error(value)
        yield value


def _job_error(exc: BaseException) -> BaseException:
    """A failed Ray Data job as one sentence (Ctrl-C passes through)."""
    if isinstance(exc, KeyboardInterrupt | BackendError):
        return exc
    cause = getattr(exc, "cause", None)  # a worker's own error (e.g. another model under that name)
    if isinstance(cause, BackendError):
        return cause
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    died = any(word in str(exc) for word in ("ActorDiedError", "died", "WorkerCrashedError", "ActorUnavailable"))
    what = "a Ray worker died" if died else f"the Ray job failed ({type(exc).__name__})"
    detail = f": {lines[-1][:200]}" if lines and not died else ""
    return BackendError(f"{what}{detail}; every finished batch is in the cache, re-run to encode the rest")


def embed_texts_ray(
    texts: Sequence[str],
    model: str,
    cache: VectorCache,
    backend: Backend | None = None,
    *,
    workers: int | None = None,
    batch_texts: int = BATCH_TEXTS,
    max_restarts: int = 3,
    stall_timeout: float = STALL_TIMEOUT,
    progress: ProgressFn | None = None,
) -> EmbedResult:
    """Encode ``texts`` with encoder ``model`` on Ray, writing each batch to ``cache`` (see the module
    docstring); returns the same :class:`EmbedResult` as local embedding. ``workers``: actors in the pool
    (default one per free CPU); ``max_restarts``: times Ray restarts a dead worker before the job fails."""
    started = time.perf_counter()
    if cache.model_id != model_id_for(model):
        raise BackendError(f"cache is for model {cache.model_id!r}, not {model!r}")
    texts = [str(t) for t in texts]
    keys = [text_key(t) for t in texts]
    first: dict[bytes, int] = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    ukeys = list(first)
    report(progress, 0.0, "cache lookup")
    _, found = cache.get(ukeys)
    missing = np.flatnonzero(~found)
    n_cached = len(ukeys) - len(missing)
    n_written = 0
    if len(missing):
        connect(backend or Backend("ray"))
        plan = cluster_plan(workers)
        report(progress, 0.01, f"{len(missing)} texts to encode on {plan.describe()}")
        ensure_schedulable(plan)
        out = _pipeline([texts[first[ukeys[r]]] for r in missing], model, plan, batch_texts, max_restarts)
        for batch in _batches_of(out, stall_timeout):
            rows = np.asarray(batch["row"], dtype=np.int64)
            cache.put([ukeys[missing[r]] for r in rows], np.asarray(batch["vector"], np.float32), compact=False)
            n_written += len(rows)
            report(progress, 0.02 + 0.96 * n_written / len(missing), f"{n_written} of {len(missing)} texts")
        cache.compact_if_needed()
    vectors, hit = cache.get(keys) if keys else (np.zeros((0, 0), np.float32), np.zeros(0, bool))
    if not hit.all():
        raise BackendError(f"{int((~hit).sum())} texts are missing from the cache after the Ray job")
    report(progress, 1.0, f"{len(ukeys)} texts")
    return EmbedResult(vectors=vectors, n_cached=n_cached, n_encoded=n_written,
                       seconds=time.perf_counter() - started, notices=cache.take_notices())


def model_id_for(model: str) -> str:
    """The cache model id ``load_encoder(model)`` reports, without loading it (bundled keys are their own
    id); each worker checks it against the encoder it loaded."""
    from pathlib import Path

    from core.vectors.encoders import BUNDLED_MODELS

    if model in {m.key for m in BUNDLED_MODELS}:
        return model
    path = Path(model).expanduser()
    return f"path:{path.resolve()}" if path.is_dir() else f"st:{model}"


def _pipeline(texts: list[str], model: str, plan: WorkerPlan, batch_texts: int, max_restarts: int) -> Any:
    """The Ray Data dataset: texts in blocks of ``batch_texts`` -> the actor pool -> rows and vectors."""
    import pandas as pd
    import ray.data

    frames = [pd.DataFrame({"row": np.arange(a, min(a + batch_texts, len(texts)), dtype=np.int64),
                            "text": texts[a : a + batch_texts]}) for a in range(0, len(texts), batch_texts)]
    with warnings.catch_warnings():  # Ray 2.60 deprecates restarts as remote args (no named parameter yet)
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = ray.data.from_pandas(frames)
        return _map(dataset, model, plan, batch_texts, max_restarts, min(plan.workers, len(frames)))


def _map(dataset: Any, model: str, plan: WorkerPlan, batch_texts: int, max_restarts: int, workers: int) -> Any:
    """``map_batches`` with the :class:`EncodeWorker` pool (``workers`` actors of the plan's CPU share)."""
    import ray.data

    return dataset.map_batches(
        EncodeWorker,
        fn_constructor_kwargs={"model": model, "model_id": model_id_for(model), "exit_after": env_int(EXIT_AFTER_ENV)},
        batch_size=batch_texts,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=plan.cpus_per_worker,
        max_restarts=max_restarts,
        max_task_retries=max_restarts if max_restarts else 0,
    )
