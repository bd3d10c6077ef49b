"""Batch steps on a Ray cluster: where they run and with what resources (backend: ``--backend
local|ray|ray:ADDRESS``, RayMap for Ray tasks over blocks) and embedding over Ray Data into the vector
cache (embedding). Nothing below imports it: item-kNN / RP3beta fits and offline evaluation take a
:data:`core.ranking.base.BlockMap`, which a :class:`~core.distributed.backend.RayMap` provides."""
