"""Cached files are verified, not trusted: checksums, the library versions a file was built with, and
the notice a caller shows when a damaged or outdated cache file was thrown away and rebuilt.

Every derived file in the artefact cache records, in its JSON metadata, the blake2b digest of its
bytes (:func:`file_checksum`, taken from the temp file *before* :func:`core.common.artefacts.atomic_write`
moves it into place, so the digest describes exactly the bytes that land), its size, the parameters it
was built with and the versions of the libraries that wrote it (:func:`library_versions`). Vector shards
carry the digest of their arrays inside the ``.npz`` itself (one atomic file).

On load, :func:`verify_file` checks size, digest and the versions that matter for that kind of file
*before* any library parses the bytes: a file of the right size with damaged bytes never reaches
hnswlib, whose loader trusts its input (a corrupted graph segfaults on the first query). Any failure
raises :class:`CacheCheckFailed`; the caller then calls :func:`discard`, which deletes the file (and
its sidecars), logs a warning and returns a :class:`CacheNotice` to hand up to whoever can show it
(the engine keeps them in ``Engine.cache_notices``, maps in ``ProjectionMap.notices``, embeddings in
``EmbedResult.notices``; the UI renders them through ``ui.resources.show_cache_notices``).

Codes (``CacheNotice.code``; the UI has one sentence per code):

- ``corrupt``: the bytes differ from what was written (checksum or size mismatch, unreadable file);
- ``unverified``: the file carries no checksum (written by an older InterestLens) and is not trusted;
- ``versions``: the file was built by another version of a library whose output it depends on.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

log = logging.getLogger(__name__)

CHECKSUM_FIELD = "blake2b"
"""Metadata field holding a file's digest (hex, 32-byte blake2b)."""
VERSIONS_FIELD = "built_with"
"""Metadata field holding ``{library: version}`` of the libraries that wrote the file."""
BUILD_LIBRARIES: tuple[str, ...] = ("numpy", "hnswlib", "umap-learn")
"""Libraries whose versions every cached artefact records."""
_CHUNK = 1 << 20

NoticeCode = Literal["corrupt", "unverified", "versions"]
CacheKind = Literal["index", "vectors", "map"]


def new_hasher() -> Any:
    """The digest every cache checksum uses: blake2b with a 32-byte digest."""
    return hashlib.blake2b(digest_size=32)


def file_checksum(path: Path | str) -> str:
    """Hex blake2b digest of a file's bytes, read in 1 MiB chunks."""
    digest = new_hasher()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return str(digest.hexdigest())


def bytes_checksum(*parts: bytes | memoryview) -> str:
    """Hex blake2b digest of byte strings, each prefixed with its length (so the split is part of it)."""
    digest = new_hasher()
    for part in parts:
        view = memoryview(part).cast("B")
        digest.update(len(view).to_bytes(8, "little"))
        digest.update(view)
    return str(digest.hexdigest())


@cache
def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def library_versions(names: Iterable[str] = BUILD_LIBRARIES) -> dict[str, str]:
    """``{distribution name: installed version}`` ("absent" when not installed)."""
    return {name: _version(name) for name in names}


def build_record(checksum: str, size: int, libraries: Iterable[str] = BUILD_LIBRARIES) -> dict[str, Any]:
    """The integrity fields an artefact's metadata carries: digest, byte size and library versions."""
    return {CHECKSUM_FIELD: checksum, "bytes": int(size), VERSIONS_FIELD: library_versions(libraries)}


class CacheCheckFailed(ValueError):
    """A cache file failed verification; ``code`` is a :data:`NoticeCode`, ``detail`` says why."""

    def __init__(self, path: Path | str, code: NoticeCode, detail: str) -> None:
        self.path = str(path)
        self.code: NoticeCode = code
        self.detail = detail
        super().__init__(f"cache file {self.path} is damaged or unusable ({code}): {detail}")


@dataclass(frozen=True)
class CacheNotice:
    """What happened to one cache file that was not trusted: it was removed and is rebuilt."""

    kind: CacheKind
    """``index`` (neighbour index), ``vectors`` (a vector-cache shard) or ``map`` (2-D coordinates)."""
    path: str
    code: NoticeCode
    detail: str

    @property
    def file_name(self) -> str:
        """The file's name without its folder."""
        return Path(self.path).name

    @property
    def message(self) -> str:
        """One English sentence for logs and the CLI (the UI translates ``code`` instead)."""
        what = {"corrupt": "was damaged", "unverified": "carried no checksum",
                "versions": "was built by other library versions"}[self.code]
        redo = "its texts are encoded again" if self.kind == "vectors" else "rebuilt"
        return f"The cached {self.kind} file {self.file_name} {what} ({self.detail}); it was removed and {redo}."

    def as_dict(self) -> dict[str, str]:
        """JSON-ready form (the CLI's ``--json`` output)."""
        return {"kind": self.kind, "file": self.path, "code": self.code, "detail": self.detail,
                "message": self.message}


def verify_file(
    path: Path | str, meta: Mapping[str, Any], check_versions: Iterable[str] = ()
) -> os.stat_result:
    """Check ``path`` against its metadata before anything parses it; returns its ``stat`` (for
    :func:`unchanged`). Raises :class:`CacheCheckFailed`: no recorded digest (``unverified``), a size or
    digest mismatch (``corrupt``), or another installed version of a library in ``check_versions``
    (``versions``)."""
    path = Path(path)
    expected = meta.get(CHECKSUM_FIELD)
    if not isinstance(expected, str) or not expected:
        raise CacheCheckFailed(path, "unverified", "no checksum recorded (written by an older version)")
    recorded = meta.get(VERSIONS_FIELD)
    recorded = recorded if isinstance(recorded, Mapping) else {}
    for name in check_versions:
        if str(recorded.get(name)) != _version(name):
            raise CacheCheckFailed(path, "versions", f"{name} {recorded.get(name, '?')} → {_version(name)}")
    try:
        before = path.stat()
        size = meta.get("bytes")
        if size is not None and before.st_size != int(size):
            raise CacheCheckFailed(path, "corrupt", f"{before.st_size:,} bytes, expected {int(size):,}")
        actual = file_checksum(path)
    except OSError as exc:
        raise CacheCheckFailed(path, "corrupt", f"cannot be read: {exc.strerror or exc}") from None
    if actual != expected:
        raise CacheCheckFailed(path, "corrupt", "checksum mismatch: the bytes changed after they were written")
    return before


def unchanged(before: os.stat_result, path: Path | str) -> bool:
    """True when ``path`` is still the file ``before`` describes (same inode, size and modification time):
    checked after a library has read a verified file, so bytes swapped in between are never used."""
    try:
        now = Path(path).stat()
    except OSError:
        return False
    return (now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns) == (
        before.st_dev, before.st_ino, before.st_size, before.st_mtime_ns)


def discard(kind: CacheKind, failure: CacheCheckFailed, *companions: Path) -> CacheNotice:
    """Delete a file that failed verification (and its sidecars ``companions``), log it and return the
    notice for the caller to show."""
    for target in (Path(failure.path), *companions):
        try:
            target.unlink(missing_ok=True)
        except OSError as exc:  # e.g. a read-only cache: the rebuilt file is then not saved either
            log.warning("cannot remove %s: %s", target, exc.strerror or exc)
    notice = CacheNotice(kind=kind, path=failure.path, code=failure.code, detail=failure.detail)
    log.warning("%s", notice.message)
    return notice
