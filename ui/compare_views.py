"""Helpers of the Evaluate page's "Compare two configurations" section: choices, tables and figures.

Nothing here draws. The page lets the analyst pick A and B among :func:`choices` (the default fusion, the
Tuning page's current sliders, bundled and saved presets, each channel alone, each baseline), turns them
into :class:`core.evaluation.compare.Configuration` with :func:`configuration_for`, runs
:func:`core.evaluation.compare.compare_configurations` and shows what these functions build from its
:class:`~core.evaluation.compare.ConfigComparison`. User-given names (saved presets, item titles) only reach
dataframes (plain text); the page escapes them for Markdown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.evaluation.baselines import BASELINES
from core.evaluation.compare import ConfigComparison, Configuration, ListEntry, UserCase
from core.evaluation.statistics import format_p
from core.ranking.config import FusionConfig
from core.ranking.fusion import channel_only_config
from core.ranking.presets import bundled_presets
from core.ranking.registry import CHANNELS

Translate = Callable[..., str]
WIN, TIE, LOSS = "#54A24B", "#BAB0AC", "#E45756"


def choices(saved: Sequence[str], has_current: bool) -> list[str]:
    """Option keys: ``default``, ``current`` (the sliders), ``bundled:<key>``, ``saved:<name>``,
    ``channel:<name>``, ``baseline:<name>``."""
    out = ["default"] + (["current"] if has_current else [])
    out += [f"bundled:{key}" for key in bundled_presets()]
    out += [f"saved:{name}" for name in saved]
    out += [f"channel:{c}" for c in CHANNELS] + [f"baseline:{b}" for b in BASELINES]
    return out


def choice_label(choice: str, translate: Translate) -> str:
    """A readable name of an option key, in the page's language."""
    kind, _, name = choice.partition(":")
    if kind in ("default", "current"):
        return translate(f"compare.choice.{kind}")
    if kind == "bundled":
        return translate("compare.choice.bundled", name=bundled_presets()[name][0])
    if kind == "saved":
        return translate("compare.choice.saved", name=name)
    if kind == "channel":
        return translate("compare.choice.channel", name=translate(f"tuning.channel.{name}"))
    return translate("compare.choice.baseline", name=translate(f"evaluate.baseline.{name}"))


def configuration_for(choice: str, saved: Mapping[str, FusionConfig], current: FusionConfig,
                      translate: Translate) -> Configuration:
    """The :class:`Configuration` an option key stands for (labelled with :func:`choice_label`)."""
    kind, _, name = choice.partition(":")
    label = choice_label(choice, translate)
    if kind == "default":
        return Configuration(label, "fused", FusionConfig())
    if kind == "current":
        return Configuration(label, "fused", current)
    if kind == "bundled":
        return Configuration(label, "fused", bundled_presets()[name][1])
    if kind == "saved":
        return Configuration(label, "fused", saved[name])
    if kind == "channel":
        return Configuration(label, "channel", channel_only_config(name))
    return Configuration(label, "baseline", baseline=name)


def delta_frame(result: ConfigComparison, translate: Translate) -> pd.DataFrame:
    """One row per metric: A, B, Δ (B - A), relative change, 95% interval of Δ, Wilcoxon p."""
    rows = []
    for m in result.metrics:
        rows.append({
            translate("compare.col.metric"): translate(f"evaluate.metric.{m.metric}") + f"@{result.k}",
            "A": round(m.mean_a, 4), "B": round(m.mean_b, 4), translate("compare.col.delta"): round(m.delta, 4),
            translate("compare.col.relative"): f"{m.relative:+.1%}" if np.isfinite(m.relative) else "—",
            translate("compare.col.ci"): f"[{m.low:+.4f}, {m.high:+.4f}]",
            translate("compare.col.p"): format_p(m.wilcoxon_p),
        })
    return pd.DataFrame(rows)


def delta_histogram_chart(result: ConfigComparison, translate: Translate) -> go.Figure:
    """Bars of how many users' NDCG@k moved by how much (green: B better, grey: around 0, red: worse)."""
    h = result.delta_histogram
    edges = np.asarray(h.edges)
    centres = (edges[:-1] + edges[1:]) / 2
    width = float(edges[1] - edges[0]) if len(edges) > 1 else 1.0
    colours = [TIE if lo <= 0 <= hi else WIN if lo > 0 else LOSS for lo, hi in pairwise(edges)]
    fig = go.Figure(go.Bar(x=centres, y=list(h.counts), width=width * 0.95, marker_color=colours,
                           hovertemplate="Δ %{x:+.3f}: %{y}<extra></extra>"))
    fig.update_layout(
        title=translate("compare.hist.title", k=result.k, wins=result.wins, ties=result.ties, losses=result.losses),
        xaxis_title=translate("compare.hist.x", k=result.k), yaxis_title=translate("compare.hist.y"),
        height=320, margin={"t": 50, "b": 10}, bargap=0.02)
    return fig


def case_label(case: UserCase, translate: Translate) -> str:
    """``user 42: 0.12 → 0.55 (+0.43)``."""
    return translate("compare.case", user=case.user_id, a=f"{case.ndcg_a:.3f}", b=f"{case.ndcg_b:.3f}",
                     delta=f"{case.delta:+.3f}")


def _entry_text(entry: ListEntry | None) -> str:
    if entry is None:
        return ""
    return ("✓ " if entry.held_out else "") + f"{entry.title} ({entry.item_id})"


def _contrib_text(entry: ListEntry | None, translate: Translate) -> str:
    if entry is None or not entry.contributions:
        return ""
    parts = sorted(entry.contributions, key=lambda cv: -cv[1])[:3]
    return ", ".join(f"{translate(f'tuning.channel.{c}')} {v:.2f}" for c, v in parts)


def case_frame(case: UserCase, translate: Translate) -> pd.DataFrame:
    """Both lists side by side: rank, A's item (✓ = held-out relevant), its top channels, B's, its top channels."""
    n = max(len(case.list_a), len(case.list_b))
    rows = []
    for i in range(n):
        a = case.list_a[i] if i < len(case.list_a) else None
        b = case.list_b[i] if i < len(case.list_b) else None
        rows.append({translate("compare.col.rank"): i + 1,
                     translate("compare.col.list_a"): _entry_text(a),
                     translate("compare.col.why_a"): _contrib_text(a, translate),
                     translate("compare.col.list_b"): _entry_text(b),
                     translate("compare.col.why_b"): _contrib_text(b, translate)})
    return pd.DataFrame(rows)


def overlap_text(result: ConfigComparison, translate: Translate) -> str:
    """One sentence on list overlap (Jaccard@k and RBO means and medians)."""
    o = result.overlap
    return translate("compare.overlap", k=result.k, jaccard=f"{o.jaccard_mean:.2f}",
                     jaccard_median=f"{o.jaccard_median:.2f}", rbo=f"{o.rbo_mean:.2f}",
                     rbo_median=f"{o.rbo_median:.2f}", p=f"{o.p:g}", identical=o.identical, users=result.n_users)
