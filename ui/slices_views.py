"""The Evaluate page's breakdown of a finished run: slices, popularity bias and calibration.

:func:`draw_breakdown` takes the page's :class:`~core.evaluation.protocol.EvaluationReport` (kept in session
state), computes :func:`core.evaluation.breakdown.breakdown` once from its lists and the split it ran on
(cached in ``report.runtime``; nothing is re-ranked) and draws one tab per slice dimension (thresholds
stated), the popularity-bias chart and the miscalibration per configuration. The other functions build
tables, sentences and figures and draw nothing. Category names are the user's data: they only reach
dataframe headers (plain text).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.evaluation.bias import PopularityBias
from core.evaluation.breakdown import Breakdown, breakdown
from core.evaluation.calibration import CalibrationReport
from core.evaluation.protocol import EvaluationReport
from core.evaluation.slices import SliceReport, Slicing
from ui.evaluate_labels import config_label, metric_label
from ui.i18n import current_lang, t
from ui.safe import md_escape, plot_text

Translate = Callable[..., str]
CODED_DIMENSIONS = ("activity", "popularity", "language")
"""Dimensions whose slice labels are codes shown in the UI language (category labels are the data's own)."""
INTERACTIONS_COLOUR = "#BAB0AC"
CONFIG_COLOURS = ("#F58518", "#4C78A8", "#E45756", "#54A24B", "#B279A2", "#72B7B2", "#EECA3B", "#9D755D")


def slice_label(slicing: Slicing, label: str, translate: Translate) -> str:
    """A slice's name as shown: tiers and languages translated, categories as they are."""
    if slicing.dimension in CODED_DIMENSIONS:
        return translate(f"evaluate.slices.slice.{label}")
    return label


def _pct(value: float) -> str:
    return f"{value:.0%}"


def thresholds_text(slicing: Slicing, translate: Translate) -> str:
    """One sentence saying how ``slicing`` was cut (numbers only; no user text)."""
    th = slicing.thresholds
    if slicing.dimension == "activity":
        rule = translate("evaluate.slices.rule.fixed" if th.get("fixed") else "evaluate.slices.rule.terciles")
        return translate("evaluate.slices.th.activity", rule=rule, cold=th["cold_max"], light=th["light_max"],
                         min=th["min"], max=th["max"])
    if slicing.dimension == "popularity":
        return translate("evaluate.slices.th.popularity", head_pct=_pct(th["head_share"]),
                         tail_pct=_pct(th["tail_share"]), head_min=th["head_min"], head_items=th["head_items"],
                         head_share=_pct(th["head_interaction_share"]), tail_max=th["tail_max"],
                         tail_items=th["tail_items"], tail_share=_pct(th["tail_interaction_share"]),
                         mid_items=th["mid_items"])
    if slicing.dimension == "category":
        return translate("evaluate.slices.th.category", shown=th["shown"], total=th["n_categories"])
    shares = th.get("item_shares", {})
    return translate("evaluate.slices.th.language", zh=_pct(shares.get("zh", 0.0)), en=_pct(shares.get("en", 0.0)),
                     mixed=_pct(shares.get("mixed", 0.0)))


def _header(slicing: Slicing, label: str, n: int, small: bool, translate: Translate) -> str:
    key = "evaluate.slices.header_small" if small else "evaluate.slices.header_n"
    return translate(key, label=slice_label(slicing, label, translate), n=n)


def slice_frame(report: SliceReport, dimension: str, metric: str, translate: Translate) -> pd.DataFrame:
    """Configurations as rows, slices as columns ("slice (n users)"), the mean of ``metric`` in each cell."""
    slicing = report.slicing(dimension)
    stats = [s for s in report.stats if s.dimension == dimension]
    columns: dict[str, str] = {}
    for label in slicing.labels:
        first = next((s for s in stats if s.slice == label), None)
        if first is not None:
            columns[label] = _header(slicing, label, first.n_users, first.small, translate)
    rows: dict[str, dict[str, float]] = {}
    for s in stats:
        if s.slice in columns:
            row = rows.setdefault(config_label(s.config, translate), {})
            row[columns[s.slice]] = s.means.get(metric, float("nan"))
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(columns.values()))
    frame.index.name = translate("evaluate.slices.col.config")
    return frame


def interval_frame(report: SliceReport, dimension: str, metric: str, translate: Translate) -> pd.DataFrame:
    """Long form: slice, configuration, users, mean and the 95% bootstrap interval of ``metric``."""
    slicing = report.slicing(dimension)
    rows = []
    for s in report.stats:
        if s.dimension != dimension:
            continue
        iv = s.intervals.get(metric)
        rows.append({
            translate("evaluate.slices.col.slice"): slice_label(slicing, s.slice, translate),
            translate("evaluate.slices.col.config"): config_label(s.config, translate),
            translate("evaluate.slices.col.users"): s.n_users,
            translate("evaluate.slices.col.mean"): s.means.get(metric, float("nan")),
            translate("evaluate.slices.col.low"): iv.low if iv is not None else float("nan"),
            translate("evaluate.slices.col.high"): iv.high if iv is not None else float("nan"),
        })
    return pd.DataFrame(rows)


def default_bias_configs(result: EvaluationReport) -> list[str]:
    """The fused configurations and the best baseline / single channel by NDCG (what an analyst compares)."""
    results = result.experiment.results
    chosen = [r.name for r in results if r.group in ("fused", "tuned")]
    refs = [r for r in results
            if r.group in ("baseline", "channel") and math.isfinite(r.aggregate.get("ndcg", math.nan))]
    if refs:
        chosen.append(max(refs, key=lambda r: r.aggregate["ndcg"]).name)
    return chosen or [r.name for r in results[:2]]


def bias_chart(bias: PopularityBias, configs: Sequence[str], translate: Translate) -> go.Figure:
    """Grouped bars per popularity decile: the share of training interactions and each configuration's share
    of recommendations."""
    deciles = [str(d + 1) for d in range(bias.n_bins)]
    fig = go.Figure()
    inter_name = plot_text(translate("evaluate.bias.interactions"))
    fig.add_trace(go.Bar(x=deciles, y=bias.interaction_share, name=inter_name, marker_color=INTERACTIONS_COLOUR,
                         hovertemplate=f"{inter_name}: %{{y:.1%}}<extra></extra>"))
    for i, name in enumerate(c for c in configs if c in bias.recommended_share):
        label = plot_text(config_label(name, translate))
        fig.add_trace(go.Bar(x=deciles, y=bias.recommended_share[name], name=label,
                             marker_color=CONFIG_COLOURS[i % len(CONFIG_COLOURS)],
                             hovertemplate=f"{label}: %{{y:.1%}}<extra></extra>"))
    fig.update_layout(barmode="group", title=translate("evaluate.bias.title"),
                      xaxis_title=translate("evaluate.bias.axis_x"), yaxis_title=translate("evaluate.bias.axis_y"),
                      yaxis={"tickformat": ".0%"}, legend={"orientation": "h", "y": -0.2}, margin={"t": 50})
    return fig


def bias_frame(bias: PopularityBias, configs: Sequence[str], translate: Translate, k: int) -> pd.DataFrame:
    """Per configuration: long-tail share, average recommended popularity and catalogue coverage."""
    rows = [{
        translate("evaluate.slices.col.config"): config_label(name, translate),
        translate("evaluate.bias.col.tail"): bias.tail_share[name],
        metric_label(f"arp@{k}", translate): bias.average_popularity[name],
        metric_label(f"coverage@{k}", translate): bias.coverage[name],
    } for name in configs if name in bias.recommended_share]
    return pd.DataFrame(rows)


def calibration_frame(cal: CalibrationReport, translate: Translate) -> pd.DataFrame:
    """Per configuration: mean miscalibration (KL) and the users it averages over, best (lowest) first."""
    rows = [{translate("evaluate.slices.col.config"): config_label(name, translate),
             translate("evaluate.calib.col.score"): cal.mean(name),
             translate("evaluate.calib.col.users"): cal.n_users(name)} for name in cal.per_user]
    frame = pd.DataFrame(rows)
    return frame.sort_values(translate("evaluate.calib.col.score"), kind="stable") if len(frame) else frame


def breakdown_for(result: EvaluationReport) -> Breakdown | None:
    """The report's breakdown, computed on first use and kept in ``result.runtime``; None without its split."""
    cached = result.runtime.get("breakdown")
    if isinstance(cached, Breakdown):
        return cached
    split = result.runtime.get("split")
    if split is None:
        return None
    with st.spinner(t("evaluate.slices.computing")):
        parts = breakdown(result.experiment, split, n_boot=min(result.options.n_boot, 1000), seed=result.options.seed)
    result.runtime["breakdown"] = parts
    return parts


def _draw_dimension(report: SliceReport, dimension: str, metric: str, translate: Translate) -> None:
    slicing = report.slicing(dimension)
    st.caption(md_escape(thresholds_text(slicing, translate)))
    st.dataframe(slice_frame(report, dimension, metric, translate), width="stretch", key=f"eval_slices_{dimension}")
    with st.expander(translate("evaluate.slices.intervals")):
        st.dataframe(interval_frame(report, dimension, metric, translate), hide_index=True, width="stretch")


def draw_breakdown(result: EvaluationReport) -> None:
    """Slices per dimension, the popularity-bias chart and calibration of the shown run."""
    st.markdown(f"**{t('evaluate.slices.header')}**")
    st.caption(t("evaluate.slices.intro"))
    parts = breakdown_for(result)
    if parts is None:
        st.info(t("evaluate.slices.unavailable"))
        return
    lang = current_lang()  # format functions may run outside the script run (AppTest)

    def translate(key: str, **fmt: Any) -> str:
        return t(key, lang, **fmt)

    report = parts.slices
    dims = [s.dimension for s in report.slicings]
    tabs = st.tabs([translate(f"evaluate.slices.dim.{d}") for d in dims]
                   + [translate("evaluate.bias.tab"), translate("evaluate.calib.tab")])
    metrics = list(report.metrics) or ["ndcg"]
    for tab, dim in zip(tabs, dims, strict=False):
        with tab:
            start = metrics.index("ndcg") if "ndcg" in metrics else 0
            metric = st.selectbox(translate("evaluate.slices.metric"), metrics, index=start,
                                  key=f"eval_slices_metric_{dim}", placeholder=translate("app.choose_one"),
                                  format_func=lambda m: metric_label(f"{m}@{report.k}", translate))
            _draw_dimension(report, dim, metric or metrics[0], translate)
    for dim, code in report.skipped.items():
        st.caption(translate(f"evaluate.slices.skipped.{code}", dimension=translate(f"evaluate.slices.dim.{dim}")))
    st.caption(translate("evaluate.slices.small_note", n=int(report.min_users)))
    names = [r.name for r in result.experiment.results]
    with tabs[len(dims)]:
        chosen = st.multiselect(translate("evaluate.bias.configs"), names, default=default_bias_configs(result),
                                format_func=lambda n: config_label(n, translate), key="eval_bias_configs",
                                placeholder=translate("app.choose_many"))
        st.plotly_chart(bias_chart(parts.bias, chosen, translate), key="eval_chart_bias")
        st.caption(translate("evaluate.bias.caption"))
        st.dataframe(bias_frame(parts.bias, chosen, translate, result.experiment.k), hide_index=True, width="stretch")
    with tabs[len(dims) + 1]:
        cal = parts.calibration
        if cal is None:
            st.info(translate("evaluate.calib.none"))
        else:
            st.caption(translate("evaluate.calib.caption", alpha=float(cal.alpha), keep=float(1 - cal.alpha),
                                 source=translate(f"evaluate.calib.source.{cal.source}"), genres=len(cal.genres)))
            st.dataframe(calibration_frame(cal, translate), hide_index=True, width="stretch", key="eval_calibration")
