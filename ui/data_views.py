"""Helpers of the Data page that need no running Streamlit script: translations of validation problems
and errors, report views (bounded: the first problems and rejected rows a report kept, the exact counts,
and the file with every rejected row), the privacy-aware upload preview and the dataset-statistics
charts (plotly).

Kept out of ``pages/data.py`` so tests can call them directly.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import string
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.common.csv_safe import csv_bytes
from core.data.dataset import Dataset
from core.data.pseudonyms import user_hider
from core.data.rejects import rejected_dir
from core.data.report import REASONS, IngestError, LoadReport, Problem, Tally
from ui.i18n import CATALOGUE, current_lang, t
from ui.safe import plot_text

INTERACTION_TYPES = ["csv", "tsv", "txt", "dat", "tab", "inter", "parquet", "jsonl", "ndjson", "json"]
ITEM_TYPES = ["csv", "tsv", "txt", "dat", "tab", "item", "parquet", "jsonl", "ndjson", "json"]
TOP_N = 20
HIDDEN_ID = "••••"
"""What the upload preview shows in the user column while pseudonymisation is on but has no key yet."""


# --- translation of core messages -----------------------------------------------------------------


def role_label(role: str, lang: str | None = None) -> str:
    """The translated name of a column role (user, item, rating, ...)."""
    key = f"data.role.{role}"
    return t(key, lang) if key in CATALOGUE else role


@functools.lru_cache(maxsize=4)
def _reason_patterns(templates: tuple[tuple[str, str], ...]) -> list[tuple[str, re.Pattern[str]]]:
    """(code, regex) of each English reason template, placeholders as named groups, fixed texts first."""
    out: list[tuple[int, str, re.Pattern[str]]] = []
    for code, template in templates:
        parts: list[str] = []
        seen: set[str] = set()
        for literal, name, _spec, _conv in string.Formatter().parse(template):
            parts.append(re.escape(literal))
            if name is not None:
                value = r"(?:(?!; ).)+?"  # a value never holds the "; " that joins a row's reasons
                parts.append(value if name in seen else f"(?P<{name}>{value})")
                seen.add(name)
        out.append((len(seen), code, re.compile("".join(parts) + r"\Z", re.DOTALL)))
    out.sort(key=lambda item: item[0])
    return [(code, pattern) for _n, code, pattern in out]


def parse_reason(text: str) -> tuple[str, dict[str, str]] | None:
    """(code, params) of one English reason (``"user id is missing"`` -> ``("missing_id", {"role": "user"})``)."""
    for code, pattern in _reason_patterns(tuple(REASONS.items())):
        match = pattern.match(text)
        if match:
            return code, match.groupdict()
    return None


def _translated(code: str, params: dict[str, Any], english: str, lang: str | None) -> str:
    key = f"data.reason.{code}"
    if key not in CATALOGUE:
        return english
    fmt = dict(params)
    if "role" in fmt:
        fmt["role"] = role_label(str(fmt["role"]), lang)
    fmt.setdefault("ref", "…")
    try:
        return t(key, lang, **fmt)
    except (KeyError, IndexError, ValueError):
        return english


def translate_reasons(text: str, lang: str | None = None) -> str:
    """A rejected row's ``reason`` cell (English reasons joined by "; ") in the UI language."""
    pieces = text.split("; ") if text else []
    out = []
    i = 0
    while i < len(pieces):  # a reason may itself hold "; ": take the shortest run of pieces that is one
        for j in range(i + 1, len(pieces) + 1):
            english = "; ".join(pieces[i:j])
            found = parse_reason(english)
            if found:
                out.append(_translated(found[0], found[1], english, lang))
                i = j
                break
        else:
            out.append(pieces[i])
            i += 1
    return "; ".join(out)


def notice_text(notice: dict[str, Any], lang: str | None = None) -> str:
    """A report notice (``Notice.to_dict()``: which date order was assumed and why, ...) in the UI language,
    by its stable code; its English message when the catalogue has no entry. Plain text: escape it to draw."""
    key = f"data.notice.{notice.get('code', '')}"
    params = dict(notice.get("params") or {})
    if key not in CATALOGUE:
        return str(notice.get("message", ""))
    order_key = f"data.date_order.{params.get('order', '')}"
    if order_key in CATALOGUE:
        params["order"] = t(order_key, lang)
    try:
        return t(key, lang, **params)
    except (KeyError, IndexError, ValueError):
        return str(notice.get("message", ""))


def reason_text(problem: Problem | Tally | dict[str, Any], lang: str | None = None) -> str:
    """A problem's reason in the UI language, looked up by its stable code (English reason as fallback)."""
    get = problem.get if isinstance(problem, dict) else lambda k, d=None: getattr(problem, k, d)
    code = str(get("code", "") or "")
    english = str(get("reason", "") or "")
    found = parse_reason(english)
    params: dict[str, Any] = dict(found[1]) if found is not None and found[0] == code else {}
    if "role" not in params and code == "missing_id":
        params["role"] = english.split(" ", 1)[0]  # "user id is missing" -> "user"
    ref = get("ref_row", None)
    if ref is not None:
        params["ref"] = ref
    return _translated(code, params, english, lang)


def error_text(err: BaseException, lang: str | None = None) -> str:
    """A DataError in the UI language when it carries a known code, else its (English) message."""
    code = getattr(err, "code", None)
    key = f"data.error.{code}"
    if isinstance(err, IngestError) and key in CATALOGUE:
        params = dict(err.params)
        for name in ("role", "other"):
            if name in params:
                params[name] = role_label(str(params[name]), lang)
        if "name" not in params:
            return str(err)
        try:
            return t(key, lang, **params)
        except (KeyError, IndexError, ValueError):
            return str(err)
    return str(err)


# --- reports --------------------------------------------------------------------------------------


def report_view(report: LoadReport) -> dict[str, Any]:
    """What the page keeps of a report between reruns: bounded (no frame of good rows; the problems and
    rejected rows the report kept -- at most its ``max_kept`` each -- and the path of the file with all)."""
    return {
        "kind": report.kind,
        "name": report.name,
        "rows_total": report.rows_total,
        "rows_loaded": report.rows_loaded,
        "rows_rejected": report.rows_rejected,
        "file_format": report.file_format,
        "encoding": report.encoding,
        "delimiter": report.delimiter,
        "mapping": dict(report.mapping),
        "problems": list(report.problems),
        "problems_total": report.problems_total,
        "counts": report.problem_counts(),
        "tally": report.tally(),
        "rejected": report.rejected if report.rows_rejected else None,
        "rejected_file": str(report.rejected_file) if report.rejected_file is not None else None,
        "pseudonymised": report.pseudonymised,
        "notices": [n.to_dict() for n in report.notices],
    }


def forget_rejected_files(views: Iterable[dict[str, Any]]) -> int:
    """Delete the workspace rejected-rows files of ``views`` (a page's previous load); how many were deleted.
    Files outside the workspace's rejected folder (a path someone chose) are never touched."""
    root = rejected_dir().resolve()
    removed = 0
    for view in views:
        path = view.get("rejected_file")
        if path and Path(path).resolve().parent == root:
            try:
                Path(path).unlink()
                removed += 1
            except OSError:
                continue
    return removed


def _translate_csv(data: Iterable[str], out: io.StringIO, lang: str | None) -> None:
    """Copy a rejected-rows CSV, translating its last column (the reasons); cells stay as they are."""
    reader = csv.reader(data)
    writer = csv.writer(out, lineterminator="\n")
    header = next(reader, None)
    if header is None:
        return
    writer.writerow(header)
    for row in reader:
        if row:
            row[-1] = translate_reasons(row[-1], lang)
        writer.writerow(row)


def rejected_csv(view: dict[str, Any], lang: str | None = None) -> bytes:
    """Every rejected row as UTF-8-with-BOM CSV (formulas escaped), the reasons in the UI language: the
    report's file when it wrote one (all rows), else its kept rows (then they are all of them)."""
    lang = lang or current_lang()
    path = view.get("rejected_file")
    if path:
        try:
            if lang == "en":
                return Path(path).read_bytes()
            out = io.StringIO()
            with open(path, encoding="utf-8-sig", newline="") as fh:
                _translate_csv(fh, out, lang)
            return out.getvalue().encode("utf-8-sig")
        except OSError:
            pass  # the workspace file is gone (pruned): fall back to the kept rows
    rejected = view.get("rejected")
    if rejected is None or not len(rejected):
        return b""
    frame = rejected.copy()
    if lang != "en":
        reason = frame.columns[-1]
        frame[reason] = [translate_reasons(str(v), lang) for v in frame[reason]]
    return csv_bytes(frame)


def rejected_table(view: dict[str, Any], lang: str | None = None) -> pd.DataFrame:
    """The rejected rows the report kept, for display: their own columns, then line and translated reason."""
    rejected = view.get("rejected")
    if rejected is None:
        return pd.DataFrame()
    frame = rejected.copy()
    line, reason = frame.columns[-2], frame.columns[-1]
    frame[reason] = [translate_reasons(str(v), lang) for v in frame[reason]]
    names = {line: t("data.col.line", lang), reason: t("data.col.reason", lang)}
    names = {old: new for old, new in names.items() if new not in frame.columns}  # never two equal headers
    return pd.DataFrame(frame[[line, *frame.columns[:-2], reason]].rename(columns=names))


def shown_caption(view: dict[str, Any], lang: str | None = None) -> str | None:
    """"Showing the first N of M rejected rows …" when the report kept fewer rows than it rejected, else None."""
    rejected = view.get("rejected")
    kept = 0 if rejected is None else len(rejected)
    total = int(view.get("rows_rejected", 0))
    if kept >= total:
        return None
    return t("data.rejected_shown", lang, n=f"{kept:,}", total=f"{total:,}")


def problems_table(problems: list[Problem], lang: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Problems as a display table with translated headers and reasons (a withheld value says so)."""
    shown = problems if limit is None else problems[:limit]
    hidden = t("data.value_hidden", lang)
    return pd.DataFrame(
        {
            t("data.col.line", lang): [p.row for p in shown],
            t("data.col.column", lang): [p.column for p in shown],
            t("data.col.value", lang): [hidden if p.redacted else p.value for p in shown],
            t("data.col.reason", lang): [reason_text(p, lang) for p in shown],
        }
    )


def counts_table(tally: list[Tally] | list[Problem], lang: str | None = None) -> pd.DataFrame:
    """Number of problems per translated reason (exact, from the report's tally), most frequent first."""
    counts: dict[str, int] = {}
    for entry in tally:
        if isinstance(entry, Problem):
            label = reason_text(Problem(0, entry.column, "", entry.reason, entry.code, None), lang)
            n = 1
        else:
            label = reason_text(entry, lang)
            n = entry.count
        counts[label] = counts.get(label, 0) + n
    rows = sorted(counts.items(), key=lambda kv: -kv[1])
    return pd.DataFrame(
        {t("data.col.reason", lang): [r[0] for r in rows], t("data.col.count", lang): [r[1] for r in rows]}
    )


def preview_frame(frame: pd.DataFrame, user_column: str | None, key: str | None) -> pd.DataFrame:
    """The upload preview with the user column hidden when pseudonymisation is on (``user_column`` set):
    pseudonyms under ``key``, or ``••••`` while no key is typed."""
    if not user_column or user_column not in frame.columns:
        return frame
    out = frame.copy()
    values = [str(v) for v in out[user_column]]
    hide = user_hider(user_column, key) if key else None
    out[user_column] = hide(user_column, values) if hide is not None else [HIDDEN_ID] * len(values)
    return out


def guessed_index(options: list[str], guess: str | None) -> int:
    """Position of the guessed column in a selectbox whose first option is "" (not used)."""
    return options.index(guess) if guess in options else 0


def delimiter_label(delimiter: str | None) -> str:
    """A visible name for a delimiter (tab, space) or "—"."""
    names = {"\t": "TAB", " ": "SPACE", None: "—"}
    return names.get(delimiter, delimiter or "—")


# --- statistics charts ----------------------------------------------------------------------------


def _layout(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(title=title, margin={"l": 10, "r": 10, "t": 40, "b": 10}, height=320, showlegend=False)
    return fig


def _degree_figure(counts: np.ndarray, title: str, x_label: str, y_label: str) -> go.Figure:
    values, freq = np.unique(counts[counts > 0], return_counts=True)
    fig = go.Figure(go.Scatter(x=values, y=freq, mode="markers", marker={"size": 6, "opacity": 0.7}))
    fig.update_xaxes(type="log", title=x_label)
    fig.update_yaxes(type="log", title=y_label)
    return _layout(fig, title)


def figure_per_user(ds: Dataset, lang: str | None = None) -> go.Figure:
    """How many users have k interactions, log–log."""
    counts = np.bincount(ds.interactions["user_idx"].to_numpy(), minlength=ds.n_users)
    return _degree_figure(
        counts,
        t("data.chart.per_user", lang),
        t("data.chart.per_user_x", lang),
        t("data.chart.per_user_y", lang),
    )


def figure_per_item(ds: Dataset, lang: str | None = None) -> go.Figure:
    """How many items have k interactions, log–log."""
    counts = np.bincount(ds.interactions["item_idx"].to_numpy(), minlength=ds.n_items)
    return _degree_figure(
        counts,
        t("data.chart.per_item", lang),
        t("data.chart.per_user_x", lang),
        t("data.chart.per_item_y", lang),
    )


def figure_ratings(ds: Dataset, lang: str | None = None) -> go.Figure | str:
    """Bar chart of rating values (or a message when every weight is the same)."""
    ratings = ds.interactions["rating"]
    if ratings.nunique() <= 1:
        value = float(ratings.iloc[0]) if len(ratings) else 1.0
        return t("data.chart.implicit", lang, value=f"{value:g}")
    if ratings.nunique() > 40:
        fig = go.Figure(go.Histogram(x=ratings.to_numpy(), nbinsx=40))
    else:
        counts = ratings.value_counts().sort_index()
        fig = go.Figure(go.Bar(x=[f"{v:g}" for v in counts.index], y=counts.to_numpy()))
        fig.update_xaxes(type="category")
    fig.update_xaxes(title=t("data.chart.rating_x", lang))
    fig.update_yaxes(title=t("data.chart.count", lang))
    return _layout(fig, t("data.chart.rating", lang))


def figure_activity(ds: Dataset, lang: str | None = None) -> go.Figure | str:
    """Interactions per month (per day when the data spans less than ~3 months)."""
    ts = ds.interactions["timestamp"].dropna()
    if ts.empty:
        return t("data.chart.no_timestamps", lang)
    when = pd.to_datetime(ts.to_numpy(), unit="s", utc=True)
    freq = "D" if (ts.max() - ts.min()) < 90 * 86400 else "MS"
    series = pd.Series(1, index=when).resample(freq).sum()
    fig = go.Figure(go.Scatter(x=pd.DatetimeIndex(series.index).tz_localize(None), y=series.to_numpy(), mode="lines"))
    fig.update_xaxes(title=t("data.chart.activity_x", lang))
    fig.update_yaxes(title=t("data.chart.count", lang))
    return _layout(fig, t("data.chart.activity", lang))


def _bar_top(labels: list[str], values: list[int], title: str, lang: str | None) -> go.Figure:
    fig = go.Figure(go.Bar(x=values[::-1], y=[plot_text(v, 60) for v in labels[::-1]], orientation="h"))
    fig.update_xaxes(title=t("data.chart.count", lang))
    fig.update_layout(height=max(320, 22 * len(labels) + 80))
    return _layout(fig, title).update_layout(height=max(320, 22 * len(labels) + 80))


def figure_top_categories(ds: Dataset, lang: str | None = None) -> go.Figure | str:
    """The categories with the most interactions."""
    category = ds.items["category"].to_numpy(dtype=object)
    per_item = np.bincount(ds.interactions["item_idx"].to_numpy(), minlength=ds.n_items)
    frame = pd.DataFrame({"category": category, "n": per_item})
    frame = frame[frame["category"].astype(str).str.strip() != ""]
    if frame.empty:
        return t("data.chart.no_categories", lang)
    top = frame.groupby("category")["n"].sum().sort_values(ascending=False).head(TOP_N)
    return _bar_top(
        [str(c) for c in top.index], [int(v) for v in top], t("data.chart.top_categories", lang), lang
    )


def figure_top_tags(ds: Dataset, lang: str | None = None) -> go.Figure | str:
    """The item tags with the most interactions (each interaction counts for every tag of its item)."""
    per_item = np.bincount(ds.interactions["item_idx"].to_numpy(), minlength=ds.n_items)
    totals: dict[str, int] = {}
    for tags, n in zip(ds.items["tags"].tolist(), per_item.tolist(), strict=True):
        for tag in tags:
            totals[tag] = totals.get(tag, 0) + n
    if not totals:
        return t("data.chart.no_tags", lang)
    top = sorted(totals.items(), key=lambda kv: -kv[1])[:TOP_N]
    return _bar_top([k for k, _ in top], [v for _, v in top], t("data.chart.top_tags", lang), lang)


def stats_figures(ds: Dataset, lang: str | None = None) -> dict[str, go.Figure | str]:
    """Every statistics chart of the Data page (a string where a chart does not apply)."""
    return {
        "per_user": figure_per_user(ds, lang),
        "per_item": figure_per_item(ds, lang),
        "ratings": figure_ratings(ds, lang),
        "activity": figure_activity(ds, lang),
        "categories": figure_top_categories(ds, lang),
        "tags": figure_top_tags(ds, lang),
    }
