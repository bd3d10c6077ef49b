"""Helpers of the Data page that need no running Streamlit script: translations of validation problems
and errors, report views and the dataset-statistics charts (plotly).

Kept out of ``pages/data.py`` so tests can call them directly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.common.csv_safe import csv_bytes
from core.data.dataset import Dataset
from core.data.report import IngestError, LoadReport, Problem
from ui.i18n import CATALOGUE, current_lang, t
from ui.safe import plot_text

INTERACTION_TYPES = ["csv", "tsv", "txt", "dat", "tab", "inter", "parquet", "jsonl", "ndjson", "json"]
ITEM_TYPES = ["csv", "tsv", "txt", "dat", "tab", "item", "parquet", "jsonl", "ndjson", "json"]
MAX_PROBLEMS_SHOWN = 2000
TOP_N = 20


# --- translation of core messages -----------------------------------------------------------------


def role_label(role: str, lang: str | None = None) -> str:
    """The translated name of a column role (user, item, rating, ...)."""
    key = f"data.role.{role}"
    return t(key, lang) if key in CATALOGUE else role


def reason_text(problem: Problem | dict[str, Any], lang: str | None = None) -> str:
    """A problem's reason in the UI language, looked up by its stable code (English reason as fallback)."""
    get = problem.get if isinstance(problem, dict) else lambda k, d=None: getattr(problem, k, d)
    code = str(get("code", "") or "")
    key = f"data.reason.{code}"
    if key not in CATALOGUE:
        return str(get("reason", ""))
    role = str(get("reason", "") or "").split(" ", 1)[0]  # "user id is missing" -> "user"
    ref = get("ref_row", None)
    try:
        return t(key, lang, role=role_label(role, lang), ref="…" if ref is None else ref)
    except (KeyError, IndexError, ValueError):
        return str(get("reason", ""))


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
    """What the page keeps of a report between reruns (no data frames of good rows)."""
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
        "counts": report.problem_counts(),
        "rejected_csv": report.rejected_csv() if report.rows_rejected else b"",
        "rejected": report.rejected if report.rows_rejected else None,
    }


def rejected_csv(view: dict[str, Any], lang: str | None = None) -> bytes:
    """The rejected rows as UTF-8-with-BOM CSV (formulas escaped), the ``reason`` column in the UI language."""
    rejected = view.get("rejected")
    if rejected is None or (lang or current_lang()) == "en":
        return bytes(view.get("rejected_csv", b""))
    by_line: dict[int, list[str]] = {}
    for problem in view["problems"]:
        by_line.setdefault(int(problem.row), []).append(reason_text(problem, lang))
    frame = rejected.copy()
    frame["reason"] = ["; ".join(by_line.get(int(line), [])) for line in frame["line"]]
    return csv_bytes(frame)


def problems_table(
    problems: list[Problem], lang: str | None = None, limit: int | None = MAX_PROBLEMS_SHOWN
) -> pd.DataFrame:
    """Problems as a display table with translated headers and reasons."""
    shown = problems if limit is None else problems[:limit]
    return pd.DataFrame(
        {
            t("data.col.line", lang): [p.row for p in shown],
            t("data.col.column", lang): [p.column for p in shown],
            t("data.col.value", lang): [p.value for p in shown],
            t("data.col.reason", lang): [reason_text(p, lang) for p in shown],
        }
    )


def counts_table(problems: list[Problem], lang: str | None = None) -> pd.DataFrame:
    """Number of problems per translated reason, most frequent first."""
    counts: dict[str, int] = {}
    for p in problems:
        label = reason_text(Problem(0, p.column, "", p.reason, p.code, None), lang)
        counts[label] = counts.get(label, 0) + 1
    rows = sorted(counts.items(), key=lambda kv: -kv[1])
    return pd.DataFrame(
        {t("data.col.reason", lang): [r[0] for r in rows], t("data.col.count", lang): [r[1] for r in rows]}
    )


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
