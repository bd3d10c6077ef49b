"""InterestLens engine: data, embeddings, interests, channels, fusion, evaluation.

Nothing in this package imports streamlit; the dashboard in ``pages/`` and the CLI in
``core/__main__.py`` are both thin clients of :mod:`core.engine`.
"""

__version__ = "0.1.0"
