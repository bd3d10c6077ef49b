"""Stage 2, vectors: text encoders, item documents, the vector cache, user vectors, neighbour indexes, 2-D maps.

May import: core.common, core.data.ingest.
"""
