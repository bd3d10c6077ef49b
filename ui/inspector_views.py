"""The Evaluate page's "Inspect a user" section: one user's history, interests and every list side by side.

:func:`draw_inspector` draws the section after a run: it picks a user among the run's evaluated users and
one of the configurations the run ranked, calls :func:`core.evaluation.inspector.inspect_user` on the
run's own split and fitted :class:`~core.evaluation.suite.ChannelSuite` (kept in
``EvaluationReport.runtime["suite"]``: nothing is refitted) and shows the frames the other functions here
build. Titles, tags and typed texts reach only dataframes (plain text, never Markdown or HTML).
Session keys start with ``eval_inspect_``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from core.common.errors import InterestLensError
from core.data.dataset import Dataset
from core.evaluation.compare import ListEntry
from core.evaluation.inspector import UserInspection, UserList, inspect_user
from core.evaluation.protocol import EvaluationReport
from core.evaluation.suite import ChannelSuite
from core.ranking.config import FusionConfig
from core.ranking.registry import CHANNELS
from ui.evaluate_labels import FUSED_NAMES, channel_label, config_label, metric_label
from ui.i18n import current_lang, t
from ui.resources import workspace
from ui.safe import md_escape
from ui.widgets import user_counts, user_label

Translate = Callable[..., str]
HIT, HELD = "✓", "○"
"""Marks: a held-out relevant item (a hit), a held-out item below the relevance rule."""
CACHE_KEY = "eval_inspect_cache"


def mark(item_id: str, inspection: UserInspection) -> str:
    """``✓`` for a held-out relevant item, ``○`` for another held-out item, else nothing."""
    if item_id in inspection.relevant_ids:
        return HIT
    if any(r.item_id == item_id for r in inspection.held_out):
        return HELD
    return ""


def entry_text(entry: ListEntry, inspection: UserInspection) -> str:
    """``✓ Title (id)``: one listed item with its held-out mark."""
    flag = mark(entry.item_id, inspection)
    return (f"{flag} " if flag else "") + f"{entry.title} ({entry.item_id})"


def list_name(lst: UserList, inspection: UserInspection, translate: Translate) -> str:
    """A list's name in the UI language: the chosen configuration's, or "<channel> alone"."""
    return config_label(inspection.label if lst.channel is None else lst.name, translate)


def lists_frame(inspection: UserInspection, translate: Translate) -> pd.DataFrame:
    """Every list side by side: rank, then one column per list (the fused list first) headed by its hits."""
    shown = [lst for lst in inspection.lists() if lst.reason is None]
    columns: dict[str, list[str]] = {translate("compare.col.rank"): [str(r) for r in range(1, inspection.k + 1)]}
    for lst in shown:
        texts = [entry_text(e, inspection) for e in lst.entries]
        header = translate("inspect.col.list", name=list_name(lst, inspection, translate), hits=lst.hits)
        columns[header] = texts + [""] * (inspection.k - len(texts))
    return pd.DataFrame(columns)


def contributions_frame(inspection: UserInspection, translate: Translate) -> pd.DataFrame:
    """The fused list with each channel's contribution to every item's score (rows sum to the score)."""
    channels = [c for c in CHANNELS if any(c in dict(e.contributions or ()) for e in inspection.fused.entries)]
    rows = []
    for e in inspection.fused.entries:
        parts = dict(e.contributions or ())
        row: dict[str, object] = {translate("compare.col.rank"): e.rank,
                                  translate("inspect.col.item"): entry_text(e, inspection),
                                  translate("inspect.col.score"): round(sum(parts.values()), 4) if parts else None}
        row.update({channel_label(c, translate): round(parts[c], 4) if c in parts else None for c in channels})
        rows.append(row)
    return pd.DataFrame(rows)


def metrics_frame(inspection: UserInspection, translate: Translate) -> pd.DataFrame:
    """One row per list: its name, hits and the user's metrics at k."""
    rows = []
    for lst in inspection.lists():
        if lst.reason is not None:
            continue
        row: dict[str, object] = {translate("inspect.col.list_name"): list_name(lst, inspection, translate),
                                  translate("inspect.col.hits"): lst.hits}
        row.update({metric_label(f"{m}@{inspection.k}", translate): round(v, 4) for m, v in lst.metrics.items()})
        rows.append(row)
    return pd.DataFrame(rows)


def _when(ts: float) -> str:
    return "—" if not np.isfinite(ts) else pd.Timestamp(ts, unit="s", tz="UTC").strftime("%Y-%m-%d %H:%M")


def history_frame(inspection: UserInspection, translate: Translate) -> pd.DataFrame:
    """The training history, newest first: time, title, item id, value (and the event when the data has one)."""
    rows = [{translate("inspect.col.time"): _when(h.timestamp), translate("inspect.col.title"): h.title,
             translate("inspect.col.item_id"): h.item_id, translate("inspect.col.value"): h.value,
             translate("inspect.col.event"): h.event} for h in inspection.history]
    frame = pd.DataFrame(rows, columns=[translate(f"inspect.col.{c}") for c in ("time", "title", "item_id", "value",
                                                                                 "event")])
    if not any(h.event for h in inspection.history):
        frame = frame.drop(columns=[translate("inspect.col.event")])
    return frame


def held_out_frame(inspection: UserInspection, translate: Translate) -> pd.DataFrame:
    """The held-out interactions, newest first, ``✓`` on the relevant ones (the hits to find)."""
    rows = [{translate("inspect.col.relevant"): HIT if h.relevant else HELD,
             translate("inspect.col.time"): _when(h.timestamp), translate("inspect.col.title"): h.title,
             translate("inspect.col.item_id"): h.item_id, translate("inspect.col.value"): h.value}
            for h in inspection.held_out]
    return pd.DataFrame(rows, columns=[translate(f"inspect.col.{c}") for c in ("relevant", "time", "title", "item_id",
                                                                                "value")])


def tags_frame(inspection: UserInspection, translate: Translate) -> pd.DataFrame:
    """The user's own tags, newest first: time, tag, the item it was written on."""
    rows = [{translate("inspect.col.time"): _when(g.timestamp), translate("inspect.col.tag"): g.tag,
             translate("inspect.col.title"): g.title, translate("inspect.col.item_id"): g.item_id}
            for g in inspection.tags]
    return pd.DataFrame(rows, columns=[translate(f"inspect.col.{c}") for c in ("time", "tag", "title", "item_id")])


def configurations(report: EvaluationReport, suite: ChannelSuite) -> list[str]:
    """The run's configurations the inspector can open: fused ones first (tuned before default), then each
    channel alone, as the suite registered them."""
    fused = [n for n in reversed(FUSED_NAMES) if n in suite.configs]
    return fused + [n for n in suite.configs if n not in fused]


def channels_for(report: EvaluationReport, suite: ChannelSuite, config: FusionConfig) -> list[str]:
    """Channels shown alone by default: those the run evaluated alone and those the config weights."""
    alone = {n.split(":", 1)[1] for n in suite.configs if n.startswith("channel:")}
    return [c for c in CHANNELS if c in suite.channels_ and (c in alone or config.weights.get(c, 0.0) > 0)]


def _typed_texts(dataset: Dataset, user_id: str) -> list[str]:
    """Interest texts typed for this user on the Interests page (the workspace's feedback events)."""
    try:
        events = workspace().list_feedback(dataset.fingerprint, user_id=user_id)
    except (InterestLensError, OSError):
        return []
    return [e.profile_text for e in events if e.profile_text]


def _inspection(report: EvaluationReport, dataset: Dataset, name: str, user_id: str,
                channels: Sequence[str]) -> UserInspection:
    """The inspection of one user, kept in session state until the run, user, config or channels change."""
    key = (name, user_id, tuple(channels))
    cached = st.session_state.get(CACHE_KEY)
    if isinstance(cached, tuple) and cached[0] is report and cached[1] == key:
        found: UserInspection = cached[2]
        return found
    suite: ChannelSuite = report.runtime["suite"]
    result = inspect_user(report.runtime["split"], suite, suite.configs[name], user_id, k=report.experiment.k,
                          channels=channels, channel_base=report.options.fusion or FusionConfig(), label=name,
                          typed_texts=_typed_texts(dataset, user_id))
    st.session_state[CACHE_KEY] = (report, key, result)
    return result


def draw_inspector(report: EvaluationReport, dataset: Dataset) -> None:
    """The "Inspect a user" section of a finished run (see the module doc)."""
    st.subheader(t("inspect.header"))
    st.caption(t("inspect.intro"))
    suite = report.runtime.get("suite")
    split = report.runtime.get("split")
    if not isinstance(suite, ChannelSuite) or split is None or not suite.configs:
        st.info(t("inspect.unavailable"))
        return
    lang = current_lang()  # format functions may run outside the script run (AppTest)

    def tr(key: str, **fmt: object) -> str:
        return t(key, lang, **fmt)

    users = [str(u) for u in split.train.user_ids[report.experiment.users]]
    counts = user_counts(dataset)
    names = configurations(report, suite)
    for widget, options in (("eval_inspect_user", users), ("eval_inspect_config", names)):
        if st.session_state.get(widget) not in options:  # a new run with other users or configurations
            st.session_state.pop(widget, None)
    c1, c2, c3 = st.columns([2, 2, 3])
    user_id = c1.selectbox(t("inspect.user"), users, key="eval_inspect_user", help=t("inspect.user_help"),
                           format_func=lambda u: user_label(u, counts.get(u, 0), lang),
                           placeholder=t("app.choose_one"))
    name = c2.selectbox(t("inspect.config"), names, key="eval_inspect_config",
                        format_func=lambda n: config_label(n, tr), placeholder=t("app.choose_one"))
    if user_id is None or name is None:
        return
    fitted = [c for c in CHANNELS if c in suite.channels_]
    default = channels_for(report, suite, suite.configs[name])
    if any(c not in fitted for c in st.session_state.get("eval_inspect_channels", [])):
        st.session_state.pop("eval_inspect_channels")
    chosen = c3.multiselect(t("inspect.channels"), fitted, default=default, key="eval_inspect_channels",
                            format_func=lambda c: channel_label(c, tr), help=t("inspect.channels_help"),
                            placeholder=t("app.choose_many"))
    try:
        inspection = _inspection(report, dataset, name, str(user_id), chosen)
    except InterestLensError as exc:
        st.error(t("inspect.failed", reason=md_escape(exc)))
        return
    _draw_inspection(inspection, tr)


def _draw_inspection(inspection: UserInspection, tr: Translate) -> None:
    """Metrics, the lists side by side, the fused breakdown, then history, held-out items and interests."""
    relevant = sum(r.relevant for r in inspection.held_out)
    st.caption(t("inspect.summary", user=md_escape(inspection.user_id), history=len(inspection.history),
                 held=len(inspection.held_out), relevant=md_escape(relevant), k=md_escape(inspection.k)))
    st.dataframe(metrics_frame(inspection, tr), hide_index=True, width="stretch", key="eval_inspect_metrics")
    st.markdown(f"**{t('inspect.lists')}**")
    st.caption(t("inspect.legend", hit=HIT, held=HELD))
    st.dataframe(lists_frame(inspection, tr), hide_index=True, width="stretch", key="eval_inspect_lists")
    for lst in inspection.channels:
        if lst.reason is not None:
            st.caption(t("inspect.dropped", channel=md_escape(channel_label(lst.channel or "", tr)),
                         reason=t(f"tuning.reason.{lst.reason}")))
    st.markdown(f"**{t('inspect.contributions')}**")
    st.caption(t("inspect.contributions_help"))
    st.dataframe(contributions_frame(inspection, tr), hide_index=True, width="stretch",
                 key="eval_inspect_contrib")
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('inspect.history')}**")
        st.dataframe(history_frame(inspection, tr), hide_index=True, width="stretch", height=360,
                     key="eval_inspect_history")
    with right:
        st.markdown(f"**{t('inspect.held_out')}**")
        st.dataframe(held_out_frame(inspection, tr), hide_index=True, width="stretch", key="eval_inspect_held")
        st.markdown(f"**{t('inspect.tags')}**")
        if inspection.tags:
            st.dataframe(tags_frame(inspection, tr), hide_index=True, width="stretch", key="eval_inspect_tags")
        else:
            st.caption(t("inspect.no_tags"))
        if inspection.typed_texts:
            st.markdown(f"**{t('inspect.typed')}**")
            st.dataframe(pd.DataFrame({t("inspect.col.text"): list(inspection.typed_texts)}), hide_index=True,
                         width="stretch", key="eval_inspect_typed")
    st.download_button(t("inspect.export_json"), json.dumps(inspection.to_dict(), ensure_ascii=False, indent=2)
                       .encode("utf-8"), file_name="user_inspection.json", mime="application/json",
                       key="eval_inspect_dl", help=t("evaluate.exports_help"))
