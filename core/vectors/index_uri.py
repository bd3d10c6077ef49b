"""Which neighbour index the engine uses, named by an index URI, and the factory that builds it.

Accepted URIs (:func:`parse_index_uri`; the CLI's ``--index`` and the dashboard's index setting):

``hnsw`` (the default; also ``None`` or ``""``)
    the in-process hnswlib graph, saved in the workspace's artefact cache (:mod:`core.vectors.index`).
``qdrant:PATH``
    Qdrant's local in-process mode, persisted in the folder ``PATH`` (``~`` expanded, relative paths
    resolved against the current directory; the folder is created on first use). Local mode searches
    by brute force (exact answers, no HNSW graph): right for tests and catalogues up to ~100k items.
``qdrant::memory:``
    Qdrant's local mode held in memory (nothing persisted; for tests and one-off runs).
``qdrant:http://HOST:PORT`` / ``qdrant:https://HOST:PORT``
    a Qdrant server (its REST port, 6333 by default); the server builds an HNSW graph per collection.
    The API key, when the server needs one, comes from the ``QDRANT_API_KEY`` environment variable.

Any Qdrant URI may end in ``#NAME`` to name the collections (``NAME_items`` and ``NAME_users``); without
it each dataset and model gets its own (``il_<dataset fingerprint>_<model>_items``). A collection records
the model and dimension that built it: opening it with another one is an error, never an overwrite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import numpy as np

from core.common.config import IndexParams
from core.common.errors import ConfigError
from core.common.integrity import CacheNotice
from core.vectors.index import NeighbourIndex, build_item_index

Backend = Literal["hnsw", "qdrant"]
DEFAULT_INDEX_URI = "hnsw"
MEMORY = ":memory:"
_COLLECTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
_FORMS = "'hnsw', 'qdrant:PATH', 'qdrant::memory:' or 'qdrant:http://HOST:6333'"


@dataclass(frozen=True)
class IndexUri:
    """A parsed index URI: the backend, where it lives and an optional collection-name prefix."""

    backend: Backend = "hnsw"
    location: str = ""
    """``""`` for hnsw; for qdrant an absolute folder path, ``":memory:"`` or an ``http(s)://`` URL."""
    collection: str | None = None

    @property
    def is_url(self) -> bool:
        """True for a Qdrant server reached over HTTP(S)."""
        return self.location.startswith(("http://", "https://"))

    @property
    def is_memory(self) -> bool:
        """True for Qdrant's in-memory local mode."""
        return self.location == MEMORY

    @property
    def path(self) -> Path | None:
        """The local-mode folder, or None (hnsw, memory, server)."""
        if self.backend != "qdrant" or self.is_url or self.is_memory:
            return None
        return Path(self.location)

    def __str__(self) -> str:
        """The canonical URI (``parse_index_uri(str(uri)) == uri``)."""
        if self.backend == "hnsw":
            return "hnsw"
        tail = f"#{self.collection}" if self.collection else ""
        return f"qdrant:{self.location}{tail}"


def parse_index_uri(text: str | None) -> IndexUri:
    """Parse ``"hnsw"`` | ``"qdrant:PATH"`` | ``"qdrant::memory:"`` | ``"qdrant:http(s)://HOST[:PORT]"``
    (optionally ``#COLLECTION``) into an :class:`IndexUri`; ``None`` or ``""`` means ``hnsw``.

    Raises :class:`~core.common.errors.ConfigError` (an ``InterestLensError``) with a readable sentence for
    anything else: an unknown backend, a missing location, a malformed URL or port, a bad collection name,
    or a local path that exists and is a file. Nothing is opened or contacted here.
    """
    raw = (text or "").strip()
    if raw == "" or raw.lower() == "hnsw":
        return IndexUri()
    scheme, sep, rest = raw.partition(":")
    if not sep or scheme.lower() != "qdrant":
        raise ConfigError(f"unknown index {raw!r}: use {_FORMS}")
    location, collection = _split_collection(rest.strip())
    if location == "":
        raise ConfigError(f"index {raw!r} names no Qdrant location: use {_FORMS}")
    if location.startswith("//"):
        raise ConfigError(f"index {raw!r}: write a Qdrant server as 'qdrant:http:{location}'")
    if location == MEMORY:
        return IndexUri("qdrant", MEMORY, collection)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", location):
        return IndexUri("qdrant", _check_url(location, raw), collection)
    return IndexUri("qdrant", str(_check_path(location, raw)), collection)


def _split_collection(rest: str) -> tuple[str, str | None]:
    """(location, collection prefix or None) from ``LOCATION[#NAME]``."""
    location, sep, name = rest.rpartition("#")
    if not sep:
        return rest, None
    if not _COLLECTION_NAME.match(name):
        raise ConfigError(f"collection name {name!r} may hold only letters, digits, '_' and '-' (1-200)")
    return location.strip(), name


def _check_url(location: str, raw: str) -> str:
    """The server URL without a trailing slash, after checking its scheme, host and port."""
    parts = urlsplit(location)
    if parts.scheme.lower() not in ("http", "https"):
        raise ConfigError(f"index {raw!r}: a Qdrant server is reached over http:// or https://")
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"index {raw!r}: the port is not a number between 0 and 65535") from None
    if not parts.hostname:
        raise ConfigError(f"index {raw!r}: the URL names no host")
    if port == 0:
        raise ConfigError(f"index {raw!r}: port 0 is not a server port")
    if parts.query or parts.fragment:
        raise ConfigError(f"index {raw!r}: a Qdrant URL takes no query string")
    return location.rstrip("/")


def _check_path(location: str, raw: str) -> Path:
    """The absolute local-mode folder; an existing file there is an error."""
    path = Path(location).expanduser()
    path = path if path.is_absolute() else Path.cwd() / path
    if path.exists() and not path.is_dir():
        raise ConfigError(f"index {raw!r}: {path} is a file; Qdrant's local mode needs a folder")
    return path


def collection_name(uri: IndexUri, of: str, default_prefix: str) -> str:
    """The collection holding the ``of`` vectors (``"items"``/``"users"``) under ``uri``."""
    prefix = uri.collection or "il_" + re.sub(r"[^A-Za-z0-9_-]", "_", default_prefix)[:180]
    return f"{prefix}_{of}"


def build_index(
    uri: IndexUri | str | None,
    vectors: np.ndarray,
    *,
    of: str,
    default_prefix: str,
    model: str,
    params: IndexParams | None = None,
    cache_path: Path | None = None,
    notices: list[CacheNotice] | None = None,
) -> NeighbourIndex:
    """The engine's index over ``vectors`` (ids = row positions) on the backend ``uri`` names.

    ``hnsw``: :func:`core.vectors.index.build_item_index` with the artefact-cache file ``cache_path``.
    ``qdrant``: the collection :func:`collection_name` gives, reused when it already holds exactly these
    vectors (same fingerprint), rebuilt when it holds other vectors of the same model, refused
    (:class:`~core.vectors.qdrant_index.IndexBackendError`) when another model or dimension built it or
    the server cannot be reached.
    """
    parsed = uri if isinstance(uri, IndexUri) else parse_index_uri(uri)
    if parsed.backend == "hnsw":
        return build_item_index(vectors, "hnsw", params, cache_path=cache_path, notices=notices)
    from core.vectors.qdrant_index import QdrantIndex

    name = collection_name(parsed, of, default_prefix)
    return QdrantIndex.build_or_reuse(parsed.location, name, vectors, model=model, params=params)
