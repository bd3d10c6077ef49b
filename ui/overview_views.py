"""Figures and small tables of the Overview page, built from :mod:`core.data.overview` summaries.

No Streamlit here: every function takes a summary and a language and returns a plotly figure, a frame or
a text, so tests call them directly. Every title, axis, legend and hover word comes from the ``home.*``
keys of the catalogue; values from the data (categories, titles, event names) pass through
:func:`ui.safe.plot_text`. The font list puts a CJK face behind the Latin one so Chinese labels never
fall back to boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.data.overview import CategoryMix, LongTail, RatingDistribution, Timeline, UserActivity
from ui.i18n import current_lang, fmt_date, fmt_number, t
from ui.safe import plot_text

FONT_FAMILY = ('"Source Sans Pro", "Source Sans 3", "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", '
               '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif')
"""Latin face first, then CJK faces common on Linux, macOS and Windows."""
BLUE, ORANGE, GREY = "#4C78A8", "#F58518", "#9DA5B4"
LABEL_LIMIT = 40
"""Longest category / event label on an axis (the hover keeps up to ``plot_text``'s default)."""


@dataclass(frozen=True)
class GuideStep:
    """One step of the first-visit path: the page it opens, its icon and its ``home.guide.<key>.*`` texts."""

    key: str
    page: str
    icon: str


GUIDE: tuple[GuideStep, ...] = (
    GuideStep("step1", "pages/interests.py", "💬"),
    GuideStep("step2", "pages/interests.py", "💡"),
    GuideStep("step3", "pages/tuning.py", "🎚️"),
    GuideStep("step4", "pages/evaluate.py", "📊"),
)
UPLOAD_PAGE = "pages/data.py"


def pct(value: float, digits: int = 0) -> str:
    """A share (0..1) as a percentage, e.g. ``0.601 -> "60%"``."""
    return f"{100 * value:.{digits}f}%"


def _layout(fig: go.Figure, title: str, height: int = 340) -> go.Figure:
    """Shared look: title, CJK-safe font, tight margins, legend above the plot area."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": FONT_FAMILY},
        margin={"l": 10, "r": 10, "t": 56, "b": 10},
        height=height,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        bargap=0.15,
    )
    return fig


def sentences(parts: list[str], lang: str | None = None) -> str:
    """Sentences run together: separated by a space in English, directly after each other in Chinese."""
    return ("" if (lang or current_lang()) == "zh" else " ").join(p for p in parts if p)


def period_label(start: pd.Timestamp, unit: str, lang: str | None = None) -> str:
    """The period beginning at ``start`` in words: a date for a day / week, "2017年5月" / "May 2017", a year."""
    if unit == "month":
        chinese = (lang or current_lang()) == "zh"
        return t("home.period.month", lang, year=start.year, month=start.month if chinese else start.strftime("%B"))
    if unit == "year":
        return t("home.period.year", lang, year=start.year)
    return fmt_date(start.timestamp(), lang)


# --- figures ---------------------------------------------------------------------------------------


def timeline_figure(timeline: Timeline, lang: str | None = None) -> go.Figure:
    """Bar chart of interactions per day / week / month / year."""
    unit = t(f"home.unit.{timeline.unit}", lang)
    frame = timeline.counts
    hover = [f"{period_label(pd.Timestamp(s), timeline.unit, lang)} · {fmt_number(int(n), lang=lang)}"
             for s, n in zip(frame["start"], frame["interactions"], strict=True)]
    fig = go.Figure(go.Bar(x=frame["start"], y=frame["interactions"], marker_color=BLUE,
                           hovertext=hover, hoverinfo="text", name=t("home.axis.interactions", lang)))
    fig.update_xaxes(title=t("home.axis.time", lang))
    fig.update_yaxes(title=t("home.axis.interactions", lang))
    _layout(fig, t("home.timeline.title", lang, unit=unit), height=300)
    return fig.update_layout(showlegend=False)


def timeline_caption(timeline: Timeline, lang: str | None = None) -> str:
    """First and last date, the busiest period and how many interactions have no time."""
    busiest = timeline.busiest
    count = int(timeline.counts["interactions"].max())
    text = t("home.timeline.caption", lang, first=fmt_date(timeline.first, lang), last=fmt_date(timeline.last, lang),
             unit=t(f"home.unit.{timeline.unit}", lang), busiest=period_label(busiest, timeline.unit, lang),
             count=fmt_number(count, lang=lang))
    undated = t("home.timeline.undated", lang, n=fmt_number(timeline.undated, lang=lang)) if timeline.undated else ""
    return sentences([text, undated], lang)


def tail_figure(tail: LongTail, lang: str | None = None) -> go.Figure:
    """Interactions per item by popularity rank (log scale) with the cumulative share on a second axis and
    the top 10 % / 20 % of the catalogue marked."""
    curve = tail.curve
    hover = [t("home.tail.hover", lang, rank=fmt_number(int(r), lang=lang), count=fmt_number(int(c), lang=lang),
               cum=pct(float(s), 1))
             for r, c, s in zip(curve["rank"], curve["interactions"], curve["cumulative_share"], strict=True)]
    positive = curve["interactions"].to_numpy() > 0  # a log axis cannot show items without interactions
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=curve["catalogue_share"][positive], y=curve["interactions"][positive], mode="lines",
        line={"color": BLUE, "width": 2}, name=t("home.tail.per_item", lang),
        hovertext=np.asarray(hover, dtype=object)[positive], hoverinfo="text",
    ))
    fig.add_trace(go.Scatter(
        x=curve["catalogue_share"], y=curve["cumulative_share"], mode="lines", yaxis="y2",
        line={"color": ORANGE, "width": 2, "dash": "dot"}, name=t("home.tail.cumulative", lang),
        hovertext=hover, hoverinfo="text",
    ))
    for fraction, share in ((0.1, tail.top10_share), (0.2, tail.top20_share)):
        fig.add_vline(x=fraction, line={"color": GREY, "dash": "dash", "width": 1})
        fig.add_annotation(x=fraction, y=share, yref="y2", xanchor="left", yanchor="top", showarrow=False,
                           text=t("home.tail.mark", lang, pct=int(fraction * 100), share=pct(share)),
                           font={"size": 12, "color": ORANGE}, bgcolor="rgba(255,255,255,0.7)")
    fig.update_xaxes(title=t("home.tail.x", lang), tickformat=".0%", range=[0, 1])
    fig.update_layout(
        yaxis={"title": {"text": t("home.tail.y", lang)}, "type": "log", "dtick": 1},  # 1, 10, 100, ...
        yaxis2={"title": {"text": t("home.tail.y2", lang)}, "overlaying": "y", "side": "right",
                "range": [0, 1.02], "tickformat": ".0%", "tickmode": "linear", "tick0": 0, "dtick": 0.2,
                "showgrid": False},
    )
    _layout(fig, t("home.tail.title", lang), height=380)
    # legend under the axis: a long title (English) would run into it at the top
    return fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.22, "xanchor": "left", "x": 0},
                             margin={"b": 20})


def tail_caption(tail: LongTail, lang: str | None = None) -> str:
    """How concentrated interactions are (the share of items holding half of them) and the items without any."""
    text = t("home.tail.caption", lang, half=pct(tail.half_share, 1))
    without = t("home.tail.without", lang, without=fmt_number(tail.items_without, lang=lang)) \
        if tail.items_without else ""
    return sentences([text, without], lang)


def top_items_columns(lang: str | None = None) -> dict[str, Literal["small", "medium", "large"]]:
    """Display width of each column of :func:`top_items_table` (the title narrower, so every column fits)."""
    return {t("home.col.title", lang): "medium"}


def top_items_table(tail: LongTail, lang: str | None = None) -> pd.DataFrame:
    """The most popular items with translated column names (titles are data: shown by st.dataframe); the
    distinct-user count only when some item was interacted with more than once by the same person."""
    top = tail.top
    columns = {
        t("home.col.title", lang): top["title"].astype(str).to_numpy(),
        t("home.col.interactions", lang): top["interactions"].to_numpy(),
        t("home.col.users", lang): top["users"].to_numpy(),
        t("home.col.share", lang): [pct(float(s), 1) for s in top["share"]],
    }
    if (top["users"] == top["interactions"]).all():
        del columns[t("home.col.users", lang)]
    return pd.DataFrame(columns)


def _unique_labels(values: list[str], limit: int) -> list[str]:
    """Axis labels from data: escaped, shortened, and made distinct (two values cut to the same text
    would otherwise merge into one bar)."""
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        label = base = plot_text(value, limit)
        n = 2
        while label in seen:
            label, n = f"{base} ({n})", n + 1
        seen.add(label)
        out.append(label)
    return out


def category_figure(mix: CategoryMix, lang: str | None = None) -> go.Figure:
    """Share of items and share of interactions per attribute value (grouped horizontal bars, most first)."""
    table = mix.table
    labels = _unique_labels([str(v) for v in table["value"]], LABEL_LIMIT)
    hover = [f"{plot_text(v)} · " + t("home.cat.hover", lang, items=fmt_number(int(i), lang=lang),
                                      interactions=fmt_number(int(n), lang=lang))
             for v, i, n in zip(table["value"], table["items"], table["interactions"], strict=True)]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=labels, x=table["item_share"], orientation="h", marker_color=GREY,
                         name=t("home.cat.items_share", lang), hovertext=hover, hoverinfo="text"))
    fig.add_trace(go.Bar(y=labels, x=table["interaction_share"], orientation="h", marker_color=BLUE,
                         name=t("home.cat.inter_share", lang), hovertext=hover, hoverinfo="text"))
    fig.update_xaxes(title=t("home.cat.x", lang), tickformat=".0%")
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    fig.update_layout(barmode="group")
    height = max(300, 30 * len(labels) + 110)
    return _layout(fig, t("home.cat.title", lang, n=len(labels)), height=height)


def category_caption(mix: CategoryMix, lang: str | None = None) -> str:
    """How many items have the attribute and how many distinct values it has (+ the multi-value note)."""
    text = t("home.cat.caption", lang, with_value=fmt_number(mix.items_with_value, lang=lang),
             items=fmt_number(mix.items, lang=lang), values=fmt_number(mix.values, lang=lang))
    return sentences([text, t("home.cat.multi", lang) if mix.multi_valued else ""], lang)


def activity_labels(histogram: pd.DataFrame) -> list[str]:
    """Bin labels: ``"7"`` for a single count, ``"12–15"`` for a range."""
    return [str(lo) if lo == hi else f"{lo}–{hi}"
            for lo, hi in zip(histogram["low"].astype(int), histogram["high"].astype(int), strict=True)]


def _visible_bins(histogram: pd.DataFrame) -> pd.DataFrame:
    """The histogram from its first non-empty bin (users below the dataset's minimum would be all zeros)."""
    users = histogram["users"].to_numpy()
    first = int(np.flatnonzero(users)[0]) if users.any() else 0
    return histogram.iloc[first:].reset_index(drop=True)


def activity_figure(activity: UserActivity, lang: str | None = None) -> go.Figure:
    """Histogram of interactions per user (log-spaced bins); the bin holding the median is highlighted."""
    hist = _visible_bins(activity.histogram)
    labels = activity_labels(hist)
    median_bin = ((hist["low"] <= activity.median) & (activity.median <= hist["high"] + 0.5)).to_numpy()
    colours = [ORANGE if m else BLUE for m in median_bin]
    fig = go.Figure(go.Bar(x=labels, y=hist["users"], marker_color=colours,
                           name=t("home.users.y", lang), hovertemplate="%{x}: %{y}<extra></extra>"))
    if median_bin.any():
        at = labels[int(np.flatnonzero(median_bin)[0])]
        fig.add_annotation(x=at, y=int(hist["users"].max()), yanchor="bottom", showarrow=False,
                           text=t("home.users.median_mark", lang, median=f"{activity.median:g}"),
                           font={"color": ORANGE, "size": 12})
    fig.update_xaxes(title=t("home.users.x", lang), type="category")
    fig.update_yaxes(title=t("home.users.y", lang))
    _layout(fig, t("home.users.title", lang), height=340)
    return fig.update_layout(showlegend=False)


def activity_caption(activity: UserActivity, lang: str | None = None) -> str:
    """Median, mean, 90th percentile and maximum (and the users with a single interaction, if any)."""
    text = t("home.users.caption", lang, median=f"{activity.median:g}", mean=f"{activity.mean:.1f}",
             p90=f"{activity.p90:.0f}", max=fmt_number(activity.maximum, lang=lang))
    single = t("home.users.single", lang, single=fmt_number(activity.single, lang=lang)) if activity.single else ""
    return sentences([text, single], lang)


def rating_figure(ratings: RatingDistribution, lang: str | None = None) -> go.Figure:
    """Interactions per rating value (or per bin); counts and durations are titled as such (doubling bins)."""
    table = ratings.table
    if ratings.binned:
        labels = [f"{lo:.3g}" if lo == hi else f"{lo:.3g}–{hi:.3g}"
                  for lo, hi in zip(table["low"], table["high"], strict=True)]
    else:
        labels = [f"{v:g}" for v in table["low"]]
    fig = go.Figure(go.Bar(x=labels, y=table["interactions"], marker_color=BLUE,
                           name=t("home.axis.interactions", lang), hovertemplate="%{x}: %{y}<extra></extra>"))
    prefix = "home.values" if ratings.kind in ("count", "duration") else "home.ratings"
    suffix = f".{ratings.kind}" if prefix == "home.values" else ""
    fig.update_xaxes(title=t(f"{prefix}.x{suffix}", lang), type="category")
    fig.update_yaxes(title=t("home.axis.interactions", lang))
    _layout(fig, t(f"{prefix}.title{suffix}", lang), height=340)
    return fig.update_layout(showlegend=False)


def rating_caption(ratings: RatingDistribution, lang: str | None = None) -> str:
    """Mean and median rating."""
    return t("home.ratings.caption", lang, mean=f"{ratings.mean:.2f}", median=f"{ratings.median:g}")


def event_figure(events: pd.DataFrame, lang: str | None = None) -> go.Figure:
    """Interactions per event type (horizontal bars, most first)."""
    labels = _unique_labels([str(v) for v in events["event"]], LABEL_LIMIT)
    hover = [f"{lab} · {fmt_number(int(n), lang=lang)} · {pct(float(s), 1)}"
             for lab, n, s in zip(labels, events["interactions"], events["share"], strict=True)]
    fig = go.Figure(go.Bar(y=labels, x=events["interactions"], orientation="h", marker_color=BLUE,
                           name=t("home.axis.interactions", lang), hovertext=hover, hoverinfo="text"))
    fig.update_xaxes(title=t("home.axis.interactions", lang))
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    _layout(fig, t("home.events.title", lang), height=max(220, 36 * len(labels) + 110))
    return fig.update_layout(showlegend=False)
