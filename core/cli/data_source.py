"""``--data``: one way for every command to name its data -- a bundled demo or the analyst's own file.

``--data`` is a demo name (``movielens``, ``demo:movielens``: any key of :data:`core.data.demos.DEMOS`) or a
path to an interaction file in any format ``ingest`` accepts (CSV / TSV / any delimiter, Parquet, JSON Lines,
RecBole ``.inter``; encoding and delimiter sniffed). An existing file wins over a demo of the same name;
the ``demo:`` prefix forces a demo. With a file come ``--items``, ``--user-tags`` and ingest's reading
flags (:func:`add_reading_arguments`: ``--map``, ``--item-map``, ``--name``, ``--pseudonymise-env``,
``--max-rows``, ``--date-format``, ``--signal``, ``--event-weights``), and :func:`load_data_source` loads it
exactly as ``ingest`` and the Data page do (:func:`core.data.loaders.load_dataset`): the dataset is named
after the file (as the Data page names an upload), so the fingerprint -- and every cached artefact keyed by
it -- is the one the dashboard finds for the same upload. Rejected rows are counted, and a one-line note on
stderr says how many and how to list them (``ingest --rejected``).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.cli.args import UsageError, shorten
from core.cli.common import add_signal_arguments
from core.common.progress import ProgressFn
from core.data.dataset import Dataset

DEMO_PREFIX = "demo:"
"""Forces ``--data`` to name a bundled demo, even when a file of that name exists."""
FILE_ONLY = ("items", "user_tags", "column_map", "item_map", "name", "pseudonymise_env", "max_rows", "date_format")
"""Reading flags that apply to a file given as ``--data`` only (a demo brings its own files and mapping)."""


@dataclass(frozen=True)
class DataSpec:
    """What ``--data`` named: a bundled demo (``demo`` = its key) or a file (``path``)."""

    demo: str | None = None
    path: Path | None = None

    @property
    def label(self) -> str:
        """The demo key or the file path, as the user wrote it (for messages and JSON reports)."""
        return self.demo if self.demo is not None else str(self.path)


def _demo_list() -> str:
    from core.data.demos import DEMOS

    return ", ".join(DEMOS)


def resolve_data(text: str) -> DataSpec:
    """Tell a demo name from a file path: ``demo:`` forces a demo, an existing path is a file, else a demo
    key; anything else (an unknown name, a missing file, a folder) raises one-line :class:`UsageError`."""
    from core.data.demos import DEMOS

    shown = shorten(text, 120)
    if text.startswith(DEMO_PREFIX):
        key = text[len(DEMO_PREFIX):]
        if key not in DEMOS:
            raise UsageError(f"--data: unknown demo {shorten(key)!r}; the demos are "
                             f"{', '.join(DEMO_PREFIX + d for d in DEMOS)}")
        return DataSpec(demo=key)
    path = Path(text)
    if path.is_dir():
        raise UsageError(f"--data: {shown} is a folder; give an interaction file (CSV, TSV, Parquet, JSON Lines)")
    if path.exists():
        return DataSpec(path=path)
    if text in DEMOS:
        return DataSpec(demo=text)
    raise UsageError(f"--data: {shown!r} is neither a demo ({_demo_list()}; or demo:NAME) nor an existing file "
                     "(no such file)")


def data_spec(args: argparse.Namespace) -> DataSpec:
    """The :class:`DataSpec` of a parsed command line (``evaluate``'s deprecated ``--demo`` included)."""
    demo = getattr(args, "demo", None)
    if demo:
        if getattr(args, "data", None):
            raise UsageError("give --data or --demo (deprecated), not both")
        return resolve_data(DEMO_PREFIX + demo)
    if not getattr(args, "data", None):
        raise UsageError(f"--data is required: a demo ({_demo_list()}) or your interaction file")
    return resolve_data(args.data)


def parse_map(pairs: list[str], option: str = "--map") -> dict[str, str]:
    """``role=column`` pairs (an empty column unmaps the role)."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        role, sep, column = pair.partition("=")
        if not sep or not role.strip():
            raise UsageError(f"{option} expects role=column, got {shorten(pair)!r}")
        mapping[role.strip()] = column.strip()
    return mapping


def date_format_arg(text: str) -> str:
    """An argparse type: a ``--date-format`` (auto, dmy, mdy, ymd or a strftime pattern)."""
    from core.data.read_options import normalise_date_format

    try:
        return normalise_date_format(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_reading_arguments(p: argparse.ArgumentParser, *, short_map: bool = True) -> None:
    """The flags that say how a file is read and mapped, shared by ``ingest`` and every ``--data`` command:
    ``--items``, ``--user-tags``, ``--map`` (also ``--column-map``; only that where ``--map`` means something
    else, as in ``prepare``), ``--item-map``, ``--name``, ``--pseudonymise-env``, ``--max-rows``,
    ``--date-format``, ``--signal`` and ``--event-weights``."""
    from core.cli.args import int_in

    p.add_argument("--items", default=None, metavar="PATH",
                   help="item file (id, title, description, tags, category, ...): titles and the content channels")
    p.add_argument("--user-tags", default=None, metavar="PATH",
                   help="users' free-text tags about items (user, item, tag[, timestamp])")
    p.add_argument(*(("--map", "--column-map") if short_map else ("--column-map",)), dest="column_map",
                   action="append", default=[], metavar="ROLE=COLUMN",
                   help="override a guessed interaction column: user, item, rating, timestamp, event")
    p.add_argument("--item-map", action="append", default=[], metavar="ROLE=COLUMN",
                   help="override an item column: item, title, description, tags, genres, category, year")
    p.add_argument("--name", default="",
                   help="dataset name (default: the file's name, as the Data page names an upload; it is part "
                        "of the dataset's fingerprint, so cached artefacts are shared with the same upload)")
    p.add_argument("--pseudonymise-env", default="", metavar="VAR",
                   help="replace user ids by HMAC-SHA256 keyed with this environment variable's value")
    p.add_argument("--max-rows", type=int_in(1, 10**12), default=None, metavar="N",
                   help="refuse a file of more than N rows while decoding it (default: max_rows, 2,000,000, "
                        "or $INTERESTLENS_MAX_ROWS)")
    p.add_argument("--date-format", type=date_format_arg, default=None, metavar="FORMAT",
                   help="how dates such as 04/03/2021 are read: auto (default: detected per column and reported), "
                        "dmy (day-first), mdy (month-first), ymd, or a strftime pattern such as %%d.%%m.%%Y")
    add_signal_arguments(p)


def add_data_arguments(p: argparse.ArgumentParser, *, default: str | None = "movielens",
                       required: bool = False, short_map: bool = True) -> None:
    """``--data`` (a demo name or the user's interaction file) plus :func:`add_reading_arguments`."""
    where = " (required)" if required else f" (default {default})" if default else ""
    p.add_argument("--data", default=default, required=required, metavar="DEMO_OR_FILE",
                   help=f"a bundled demo ({_demo_list()}, or demo:NAME) or your interaction file in any format "
                        f"`ingest` accepts; an existing file wins over a demo name{where}")
    add_reading_arguments(p, short_map=short_map)


def read_options(args: argparse.Namespace) -> Any:
    """The deployment's read budget (``INTERESTLENS_*``) with this run's ``--max-rows`` / ``--date-format``."""
    from core.data.read_options import ReadOptions

    try:
        return ReadOptions.from_env(max_rows=getattr(args, "max_rows", None),
                                    date_format=getattr(args, "date_format", None))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def pseudonymise_key(args: argparse.Namespace) -> str | None:
    """The pseudonymisation key named by ``--pseudonymise-env`` (None without it); an unset variable fails."""
    import os

    var = getattr(args, "pseudonymise_env", "")
    if not var:
        return None
    key = os.environ.get(var)
    if not key:
        raise UsageError(f"environment variable {var} is not set (pseudonymisation key)")
    return key


def _custom_signal(args: argparse.Namespace) -> bool:
    return getattr(args, "signal", "auto") != "auto" or getattr(args, "event_weights", None) is not None


def _load_demo(key: str, args: argparse.Namespace, progress: ProgressFn | None) -> Dataset:
    """A bundled demo; with ``--signal`` / ``--event-weights`` its files are loaded again with them."""
    from core.data.demos import DEMOS, load_demo
    from core.data.loaders import load_dataset

    given = [f"--{dest.replace('_', '-')}" for dest in FILE_ONLY if getattr(args, dest, None)]
    if given:
        raise UsageError(f"{', '.join(given)} appl{'ies' if len(given) == 1 else 'y'} to an interaction file "
                         f"given as --data; {key} is a bundled demo with its own files")
    if not _custom_signal(args):
        return load_demo(key)
    paths = DEMOS[key].paths
    dataset, _, _ = load_dataset(paths["interactions"], paths.get("items"), name=DEMOS[key].label_en,
                                 user_tags=paths.get("user_tags"), progress=progress, signal=args.signal,
                                 event_weights=args.event_weights)
    dataset.meta["demo"] = key
    return dataset


def load_data_source(args: argparse.Namespace, progress: ProgressFn | None = None) -> Dataset:
    """The Dataset ``--data`` names: a demo, or the user's file (+ ``--items`` / ``--user-tags``) read and
    validated exactly as ``ingest`` does; a note on stderr counts the rejected rows and says how to list them."""
    from core.data.loaders import load_dataset
    from core.data.readers import read_table

    spec = data_spec(args)
    if spec.demo is not None:
        return _load_demo(spec.demo, args, progress)
    assert spec.path is not None
    options = read_options(args)
    key = pseudonymise_key(args)
    paths = {"items": getattr(args, "items", None), "user_tags": getattr(args, "user_tags", None)}
    inter_raw = read_table(spec.path, options=options)  # within the row / memory budget, like ingest
    items_raw = read_table(paths["items"], options=options) if paths["items"] else None
    tags_raw = read_table(paths["user_tags"], options=options) if paths["user_tags"] else None
    dataset, inter, items = load_dataset(
        inter_raw, items_raw, name=getattr(args, "name", "") or spec.path.name,
        interaction_mapping=parse_map(getattr(args, "column_map", [])) or None,
        item_mapping=parse_map(getattr(args, "item_map", []), "--item-map") or None,
        user_tags=tags_raw, pseudonymise_key=key, progress=progress,
        signal=getattr(args, "signal", "auto"), event_weights=getattr(args, "event_weights", None),
    )
    note = rejected_note(args, spec, [inter, items], dataset.meta.get("user_tags_report"))
    if note:
        sys.stderr.write(note + "\n")
    return dataset


def rejected_note(args: argparse.Namespace, spec: DataSpec, reports: list[Any],
                  tags_summary: dict[str, Any] | None = None) -> str:
    """One line counting each file's rejected rows and naming the ``ingest`` command that lists them
    (``""`` when nothing was rejected)."""
    parts: list[str] = []
    written: list[str] = []
    for rep in reports:
        if rep is None or not rep.rows_rejected:
            continue
        counts = sorted(rep.problem_counts().items(), key=lambda kv: -kv[1])[:3]
        top = ", ".join(f"{n:,} × {code}" for code, n in counts)
        parts.append(f"{shorten(rep.name, 80)}: {rep.rows_rejected:,} of {rep.rows_total:,} rows rejected ({top})")
        if rep.rejected_file is not None:
            written.append(str(rep.rejected_file))
    if tags_summary and tags_summary.get("rows_rejected"):
        parts.append(f"{shorten(str(tags_summary.get('file', 'user tags')), 80)}: {tags_summary['rows_rejected']:,} "
                     f"of {tags_summary.get('rows_total', 0):,} rows rejected")
    if not parts:
        return ""
    command = ["python", "-m", "core", "ingest", str(spec.path)]
    for dest in ("items", "user_tags"):
        if getattr(args, dest, None):
            command += [f"--{dest.replace('_', '-')}", str(getattr(args, dest))]
    command += [f"--map={m}" for m in getattr(args, "column_map", [])]
    command += [f"--item-map={m}" for m in getattr(args, "item_map", [])]
    command += ["--rejected", "rejected.csv"]
    where = f"; all of them are in {', '.join(written)}" if written else ""
    return f"note: {'; '.join(parts)}{where}; list them with: {shlex.join(command)}"


def data_label(dataset: Dataset, spec: DataSpec | None = None) -> str:
    """How reports name the data: the demo's key, else the path given (else the dataset's name)."""
    demo = dataset.meta.get("demo")
    if isinstance(demo, str):
        return demo
    return spec.label if spec is not None else dataset.name
