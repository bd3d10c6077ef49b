"""Stage 2, vectors: from item metadata to vectors, neighbours and 2-D maps.

Modules: ``encoders`` (the Encoder protocol, bundled offline models), ``documents`` (item texts from a
template), ``vector_cache`` (the per-text vector cache, embedding through it), ``users`` (user vectors),
``index`` (the NeighbourIndex protocol: exact and hnswlib), ``qdrant_index`` (the same protocol in a Qdrant
collection), ``index_uri`` (``hnsw`` | ``qdrant:PATH|URL``: parsing and the factory), ``projection`` (the UMAP
projector and placement of new points), ``maps`` (joint item + user maps in the artefact cache), ``sampling``
(balanced display samples). Derived files go through ``core.common.artefacts``.

May import: core.common, core.data.
"""
