"""Benchmarks and the scale-up data generator (run from the repo root: python -m bench.<name>)."""
