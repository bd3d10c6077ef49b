"""``python -m core prepare``: build a dataset's artefacts once, before anyone opens the dashboard.

``--data`` is a demo or the analyst's own file (:mod:`core.cli.data_source`: ``--items``, ``--user-tags``,
``--column-map`` and ingest's other reading flags). A file is loaded and named as the Data page loads and
names the same upload, so its fingerprint -- the key of every artefact -- is the one the dashboard computes:
uploading that file later finds everything built (``--register`` also lists it in the workspace, so it is in
the sidebar at once). ``./dev.sh app`` runs ``prepare --data demo:movielens --map`` as part of its first-run
set-up: item vectors
(the vector cache), the item and user indexes, every channel (the learned channel's model too, so giving it a
weight later is instant) and the map land in the workspace's artefact cache (``core.common.config.cache_dir``),
which is where the app reads them. Each of :data:`core.engine.STAGES` is printed on stderr as it starts, with
the seconds it took. A stamp in the same cache (kind ``prepared``) remembers a finished run: the next call
checks it and returns at once (``--force`` runs anyway); deleting the cache deletes the stamp with it.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from core.cli.args import UsageError
from core.cli.common import add_out_argument, emit_json, emit_text

STAMP_VERSION = 1
"""Bumped when what ``prepare`` builds changes (older stamps then no longer count)."""


@dataclass
class StagePrinter:
    """A progress callback printing each named stage as it starts (and the time the previous one took)."""

    total: int = 0
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    quiet: bool = False
    started: float = field(default_factory=time.perf_counter)
    stages: list[tuple[str, float]] = field(default_factory=list)
    _stage_start: float = 0.0
    _last_detail: float = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        """Record ``message``; a stage name opens a new line, other messages update the current one."""
        from core.engine import STAGES

        now = time.perf_counter()
        if message in STAGES.values() or message == "ready":
            self._close(now)
            if message != "ready":
                self.stages.append((message, 0.0))
                self._stage_start = now
                of = f"/{self.total}" if self.total else ""
                self._write(f"==> [{len(self.stages)}{of}] {message} ({fraction:.0%})\n")
        elif self.stream.isatty() and now - self._last_detail > 0.5:
            self._last_detail = now
            self._write(f"    {message[:60]:<60} {fraction:.0%}\r")

    def _close(self, now: float) -> None:
        if self.stages and self.stages[-1][1] == 0.0:
            name = self.stages[-1][0]
            self.stages[-1] = (name, max(1e-6, now - self._stage_start))

    def _write(self, text: str) -> None:
        if not self.quiet:
            self.stream.write(text)
            self.stream.flush()

    def summary(self) -> dict[str, float]:
        """Seconds per stage, in order."""
        self._close(time.perf_counter())
        return {name: round(seconds, 3) for name, seconds in self.stages}


def stamp_path(dataset_fp: str, model: str, with_map: bool, deferred: bool) -> Path:
    """Where a finished ``prepare`` of (dataset, model, options) is recorded, in the artefact cache."""
    from core.common.artefacts import artefact_path

    return artefact_path("prepared", dataset_fp, model,
                         {"version": STAMP_VERSION, "map": with_map, "deferred": deferred}, ".json")


def demo_key(text: str) -> str:
    """``demo:movielens`` or ``movielens`` -> ``movielens``."""
    return text.split(":", 1)[1] if text.startswith("demo:") else text


def _register(args: argparse.Namespace, dataset: Any) -> str | None:
    """List a file's dataset in the workspace (the dashboard's sidebar) when ``--register``; its key."""
    from core.cli.data_source import data_spec, parse_map

    spec = data_spec(args)
    if not args.register:
        return None
    if spec.demo is not None:
        raise UsageError(f"--register lists a file's dataset in the workspace; {spec.demo} is a bundled demo, "
                         "always in the sidebar")
    from core.workspace.store import default_workspace

    sources = [Path(p).name for p in (spec.path, args.items) if p]  # as the Data page records an upload
    mapping = {"interactions": parse_map(args.column_map), "items": parse_map(args.item_map, "--item-map")}
    return default_workspace().register(dataset, source_files=sources, mapping=mapping)


def _cmd_prepare(args: argparse.Namespace) -> int:
    """Build vectors, indexes, channels (and the map) of a dataset once; skip when stamped."""
    import json

    from core.cli.data_source import data_label, data_spec, load_data_source
    from core.common.artefacts import atomic_write_json

    dataset = load_data_source(args)
    key = data_label(dataset, data_spec(args))
    registered = _register(args, dataset)
    deferred = not args.lazy_channels
    stamp = stamp_path(dataset.fingerprint, args.model, args.map, deferred)
    if stamp.is_file() and not args.force:
        payload: dict[str, Any] = {"dataset": key, "fingerprint": dataset.fingerprint, "model": args.model,
                                   "skipped": True, "stamp": str(stamp), "workspace_key": registered}
        try:
            payload["prepared"] = json.loads(stamp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            payload["prepared"] = None
        _emit(args, payload, f"{key} is already prepared (stamp {stamp}); --force prepares it again\n")
        return 0

    from core.engine import Engine

    started = time.perf_counter()
    printer = StagePrinter(total=6 + int(deferred) + int(args.map), quiet=args.quiet)
    engine = Engine(dataset, args.model)
    engine.prepare(printer if not args.map else _until(printer, 0.8), channels=True, deferred=deferred)
    result = engine.projection_map(progress=_from(printer, 0.8)) if args.map else None
    printer(1.0, "ready")
    seconds = round(time.perf_counter() - started, 3)
    embed = engine.last_embed
    payload = {
        "dataset": key, "fingerprint": dataset.fingerprint, "model": args.model, "skipped": False,
        "seconds": seconds, "stages": printer.summary(),
        "items": dataset.n_items, "encoded": embed.n_encoded if embed is not None else 0,
        "cached": embed.n_cached if embed is not None else dataset.n_items,
        "map": None if result is None else {"from_cache": result.from_cache, "seconds": round(result.seconds, 3)},
        "pending_channels": engine.pending_channels(),
        "cache_notices": [notice.as_dict() for notice in engine.take_cache_notices()],
        "stamp": str(stamp), "workspace_key": registered,
    }
    atomic_write_json(stamp, {k: v for k, v in payload.items() if k not in ("stamp", "skipped", "workspace_key")})
    _emit(args, payload, f"prepared {key} ({args.model}) in {seconds:.1f} s: {dataset.n_items} items"
                         f"{', map cached' if result is not None else ''}\n")
    return 0


def _until(progress: Any, end: float) -> Any:
    from core.common.progress import scaled

    return scaled(progress, 0.0, end)


def _from(progress: Any, start: float) -> Any:
    from core.common.progress import scaled

    return scaled(progress, start, 1.0)


def _emit(args: argparse.Namespace, payload: dict[str, Any], line: str) -> None:
    if args.json:
        emit_json(payload, args.out)
    else:
        emit_text(line, args.out)


def add_prepare(sub: Any) -> None:
    """Register ``prepare``."""
    from core.cli.data_source import add_data_arguments
    from core.vectors.encoders import DEFAULT_MODEL

    p = sub.add_parser("prepare", help="build a dataset's vectors, indexes, channels (and map) once, so the "
                                       "dashboard opens ready (run by ./dev.sh app's set-up); a demo or your file")
    add_data_arguments(p, default="demo:movielens", short_map=False)  # --map lays out the map here
    p.add_argument("--register", action="store_true",
                   help="also list a file's dataset in the workspace, so the dashboard's sidebar offers it")
    p.add_argument("--model", default=DEFAULT_MODEL,
                   help="use-m3 (default, zh+en), minilm (English only), or a sentence-transformers folder")
    p.add_argument("--map", action="store_true", help="also lay out the Map page's default map")
    p.add_argument("--lazy-channels", action="store_true",
                   help="leave the channels that are off by default (learned) to their first use")
    p.add_argument("--force", action="store_true", help="prepare again even when a stamp says it is done")
    p.add_argument("--quiet", action="store_true", help="no stage lines on stderr")
    p.add_argument("--json", action="store_true", help="print one JSON document (default: one line of text)")
    add_out_argument(p)
    p.set_defaults(func=_cmd_prepare)

