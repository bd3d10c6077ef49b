"""The EASE^R benchmark's size limit: the largest catalogue whose estimated memory fits, capped by max_items."""

from __future__ import annotations

from bench.bench_ease import largest_catalogue
from core.ranking.channels.ease import EASEParams, ease_bytes, memory_check


def test_largest_catalogue_is_the_guards_boundary() -> None:
    for n in (10, 1_000, 9_742):
        limit = ease_bytes(n)
        assert largest_catalogue(limit, 10**9) == n
        assert largest_catalogue(limit - 1, 10**9) == n - 1
        assert memory_check(n, EASEParams(memory_limit_mb=limit / 2**20)).fits
        assert not memory_check(n + 1, EASEParams(memory_limit_mb=limit / 2**20)).fits
    assert largest_catalogue(ease_bytes(50_000), 20_000) == 20_000
    assert largest_catalogue(0, 20_000) == 0
