"""Stage 1, data: read files, map columns, validate with reasons, the Dataset, splits and demo datasets.

May import: core.common.
"""
