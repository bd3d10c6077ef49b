"""Stage 3, interests: text analysis, decomposition of typed text into weighted tags, editing, composition,
history interests and feedback.

May import: core.common, core.data.ingest, core.vectors.
"""
