"""Stage 4, ranking: scoring channels, fusion into ranked lists, explanations, presets.

May import: core.common, core.data, core.vectors, core.interests.decompose.
"""
