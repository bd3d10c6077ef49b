"""Stage 5, evaluation: metrics, protocol, baselines, statistics, tuning and reports.

May import: core.common, core.data.ingest, core.vectors, core.interests.decompose, core.ranking.
"""
