"""One small local Ray runtime per test module (2 CPUs, no dashboard), shut down after the module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    """A local Ray runtime for the module's tests, started through the project's own :func:`connect`."""
    import ray

    from core.distributed.backend import Backend, connect, shutdown

    if ray.is_initialized():
        ray.shutdown()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=300 * 2**20)
    connect(Backend("ray"))  # already initialised: registers the serializers, quiets Ray Data
    yield
    shutdown()
