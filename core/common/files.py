"""Reading a user-supplied file with a size limit, refusing an oversized file before reading it."""

from __future__ import annotations

from pathlib import Path

from core.common.errors import ConfigError


def read_bounded(path: Path, limit: int, label: str | None = None, what: str = "file") -> bytes:
    """The bytes of ``path``; raises :class:`ConfigError` naming ``label`` (default: the file name) when the
    file is larger than ``limit`` bytes or cannot be read. Reads at most ``limit + 1`` bytes, so a file
    that grows while being read is caught too."""
    name = label or path.name
    try:
        size = path.stat().st_size
        if size > limit:
            raise ConfigError(f"{name}: file is {size:,} bytes; the limit is {limit:,} bytes")
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read the {what} ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise ConfigError(f"{name}: file is {len(data):,} bytes; the limit is {limit:,} bytes")
    return data
