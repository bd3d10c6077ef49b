"""``--index``: which neighbour index ``recommend`` and ``interests`` rank with, named by an index URI.

The URI is parsed by :func:`core.vectors.index_uri.parse_index_uri` (``hnsw``, the default, or
``qdrant:PATH`` / ``qdrant::memory:`` / ``qdrant:http://HOST:6333``), so a malformed one is a one-line usage
error before any work. :func:`engine_index_options` is the one place that turns the parsed URI into the
engine's keyword arguments (:class:`core.engine.Engine`'s ``index_uri``).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from core.common.errors import InterestLensError

if TYPE_CHECKING:
    from core.vectors.index_uri import IndexUri


def index_arg(text: str) -> IndexUri:
    """An argparse type: an index URI (a bad one: a one-line usage error naming the accepted forms)."""
    from core.vectors.index_uri import parse_index_uri  # imported on use: the parser starts fast

    try:
        return parse_index_uri(text)
    except InterestLensError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_index_argument(p: argparse.ArgumentParser) -> None:
    """``--index URI`` (default ``hnsw``; argparse passes the default string through :func:`index_arg` too)."""
    p.add_argument("--index", type=index_arg, default="hnsw", metavar="URI",
                   help="neighbour index: hnsw (default: the in-process hnswlib graph, cached in the workspace), "
                        "qdrant:PATH (Qdrant's local mode in a folder), qdrant::memory: or "
                        "qdrant:http://HOST:6333 (a Qdrant server; key in $QDRANT_API_KEY); #NAME names the "
                        "collections")


def engine_index_options(uri: IndexUri) -> dict[str, Any]:
    """The :class:`core.engine.Engine` keyword arguments for ``uri``: its item and user indexes live there."""
    return {"index_uri": uri}
