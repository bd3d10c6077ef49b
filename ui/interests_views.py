"""Helpers of the Interests page: the tag table (kind and match of each tag), the choices offered to correct a
match, the weight chart, result rows and the message that says what a 👍 / 👎 changed in the list.

Nothing here draws (so it can be tested directly); the page (``pages/interests.py``) draws.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.data.dataset import Dataset
from core.interests.aliases import fold
from core.interests.editing import TagWeightError, shares
from core.interests.feedback import ListChange
from core.interests.profile import MAX_CHARS, NOTICE_MESSAGES, TAG_KINDS, InterestProfile, InterestTag
from core.interests.recognise import Attribute, CatalogueIndex
from core.ranking.config import FusionConfig
from core.ranking.registry import CHANNELS
from ui.reasons import name_list
from ui.safe import md_escape, plot_text

EXAMPLES: tuple[str, ...] = (
    "我喜欢科幻电影和轻松的喜剧，不要恐怖片",
    "dark psychological thrillers and animated films for kids, no romance",
    "想看烧脑的悬疑推理片，还有浪漫的爱情片",
    "我喜欢sci-fi和comedy，不要horror",
)
"""Example queries offered as buttons (Chinese, English, mixed); content, not UI labels."""

POSITIVE_COLOUR = "#4C78A8"
NEGATIVE_COLOUR = "#E45756"
TABLE_COLUMNS = ("text", "weight", "share", "polarity", "kind", "match", "grounded", "grounding", "source")
"""Weight stays the second column (the browser test edits it there); the share (read-only) beside it."""
SHARE_DECIMALS = 1
"""Decimals of a share in percent, in the table and the chart alike."""
FACETS: tuple[str, ...] = ("tag", "category", "user_tag", "person")
"""Attribute facets with a catalogue label (``interests.facet.<facet>``); another facet is a column name."""
PLAIN_FACETS = frozenset({"tag", "category"})
"""Facets whose label reads plainly in the match column (``科幻 → Sci-Fi``); others are prefixed (``person: …``)."""
SUGGESTIONS = 12
"""How many suggested items / attributes head the "match a different …" choices."""
SUGGEST_CUTOFF = 70.0
"""rapidfuzz ``token_set_ratio`` a catalogue label (a title without its year) needs to be suggested for a text."""
_YEAR = re.compile(r"\s*\(\d{4}\)\s*$")

Translate = Callable[..., str]


def kind_label(kind: str, translate: Translate) -> str:
    """The translated name of a tag kind (``interests.kind.<kind>``)."""
    return translate(f"interests.kind.{kind}") if kind in TAG_KINDS else kind


def facet_label(facet: str, translate: Translate) -> str:
    """The translated name of an attribute facet; a dataset column's facet is its column name."""
    return translate(f"interests.facet.{facet}") if facet in FACETS else facet


def _facet(catalogue: CatalogueIndex | None, key: str | None) -> str | None:
    if catalogue is None or key is None:
        return None
    try:
        return catalogue.attribute(key).facet
    except KeyError:
        return None


def attribute_text(attribute: Attribute, translate: Translate, prefix: bool = True) -> str:
    """An attribute as the analyst reads it: ``person: Stanley Kubrick`` (``prefix``), or plain ``Sci-Fi``."""
    if not prefix:
        return attribute.label
    return translate("interests.match.attribute", facet=facet_label(attribute.facet, translate),
                     label=attribute.label)


def match_text(tag: InterestTag, catalogue: CatalogueIndex | None, translate: Translate) -> str:
    """What a tag matched in the catalogue: the item's title, the attribute (``person: Stanley Kubrick``; a
    genre / category plainly, ``Sci-Fi``), or "" for free-text and gist tags."""
    if tag.kind == "item":
        if tag.label:
            return str(tag.label)
        if catalogue is not None and tag.key in catalogue.position:
            return catalogue.titles[catalogue.position[str(tag.key)]]
        return str(tag.key or "")
    if tag.kind != "attribute":
        return ""
    if catalogue is not None and tag.key is not None:
        try:
            attribute = catalogue.attribute(tag.key)
        except KeyError:
            pass
        else:
            return attribute_text(attribute, translate, prefix=attribute.facet not in PLAIN_FACETS)
    return str(tag.label or tag.key or "")


def tag_option(tag: InterestTag, catalogue: CatalogueIndex | None, translate: Translate, width: int = 60) -> str:
    """A tag in the "pick a tag" box: ``A Clockwork Orange → Clockwork Orange, A (1971)``, or the text and its
    kind (``inventive (free text)``); long texts shortened."""
    text = str(tag.text) if len(str(tag.text)) <= width else str(tag.text)[: width - 1] + "…"
    sign = "−" if tag.polarity < 0 else ""
    matched = match_text(tag, catalogue, translate)
    return f"{sign}{text} → {matched}" if matched else f"{sign}{text} ({kind_label(tag.kind, translate)})"


def share_percents(profile: InterestProfile) -> list[float]:
    """Each tag's share of its polarity group in percent, rounded as the table and the chart both show it."""
    return [round(100.0 * s, SHARE_DECIMALS) for s in shares(profile)]


def share_label(percent: float, polarity: int) -> str:
    """A share as the chart writes it: ``+55.0%`` (wanted) / ``−40.0%`` (avoided), the table's rounding."""
    return f"{'−' if polarity < 0 else '+'}{abs(percent):.{SHARE_DECIMALS}f}%"


def shown_weights(profile: InterestProfile, raw: Sequence[float] | None) -> list[float]:
    """The weights the table shows: the analyst's typed numbers (``raw``, one per tag) when they fit the profile,
    else each tag's share (0..1) — a fresh decomposition's weights, summing to 1 per polarity."""
    if raw is not None and len(raw) == len(profile.tags):
        return [round(float(w), 4) for w in raw]
    return [round(s, 4) for s in shares(profile)]


def profile_frame(
    profile: InterestProfile | None, translate: Translate, catalogue: CatalogueIndex | None = None,
    raw: Sequence[float] | None = None,
) -> pd.DataFrame:
    """One row per tag: text, weight (:func:`shown_weights`), share (% of its polarity, :func:`share_percents`),
    polarity (+1 / -1), kind (a :data:`TAG_KINDS` value), match (:func:`match_text`), grounded, grounding
    (NaN: unmeasured), source."""
    tags = profile.tags if profile is not None else []
    return pd.DataFrame(
        {
            "text": [str(tag.text) for tag in tags],
            "kind": [str(tag.kind) for tag in tags],
            "match": [match_text(tag, catalogue, translate) for tag in tags],
            "weight": shown_weights(profile, raw) if profile is not None else [],
            "share": share_percents(profile) if profile is not None else [],
            "polarity": [1 if tag.polarity > 0 else -1 for tag in tags],
            "grounded": [bool(tag.grounded) for tag in tags],
            "grounding": [None if math.isnan(tag.grounding) else round(float(tag.grounding), 3) for tag in tags],
            "source": [str(tag.source) for tag in tags],
        },
        columns=list(TABLE_COLUMNS),
    )


def _number(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _kind(value: Any) -> str | None:
    return value if isinstance(value, str) and value in TAG_KINDS else None


def editor_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The editable part of an (edited) tag table as rows of ``text``, ``weight``, ``polarity``, ``kind``.

    Blank texts are dropped; a missing weight stays None (see :func:`fill_missing_weights`); a missing or
    unreadable polarity counts as +1; a missing kind (a row just added) stays None (the text is matched).
    """
    rows: list[dict[str, Any]] = []
    for record in frame.to_dict("records"):
        raw = record.get("text")
        text = "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw).strip()
        if not text:
            continue
        polarity = _number(record.get("polarity"))
        rows.append({
            "text": text,
            "weight": _number(record.get("weight")),
            "polarity": -1 if polarity is not None and polarity < 0 else 1,
            "kind": _kind(record.get("kind")),
        })
    return rows


def signature(rows: Sequence[dict[str, Any]]) -> tuple[tuple[str, float | None, int, str | None], ...]:
    """Comparable form of table rows (weights rounded), to detect edits."""
    return tuple(
        (str(r["text"]), None if r["weight"] is None else round(float(r["weight"]), 4), int(r["polarity"]),
         r.get("kind"))
        for r in rows
    )


def with_match_keys(
    rows: Sequence[dict[str, Any]], profile: InterestProfile | None, catalogue: CatalogueIndex | None
) -> list[dict[str, Any]]:
    """Rows where a tag switched to kind ``item`` / ``attribute`` in the table gets the best suggestion of that
    kind as its ``key`` (:func:`item_suggestions`, :func:`attribute_suggestions`; none: matched by its text)."""
    known = {t.text: t for t in profile.tags} if profile is not None else {}
    out: list[dict[str, Any]] = []
    for row in rows:
        tag = known.get(row["text"])
        kind = row.get("kind")
        if catalogue is not None and tag is not None and kind in ("item", "attribute") and kind != tag.kind:
            found = (item_suggestions(catalogue, tag.text, 1) if kind == "item"
                     else attribute_suggestions(catalogue, tag.text, 1))
            if found:
                row = {**row, "key": found[0]}
        out.append(row)
    return out


def missed_kinds(rows: Sequence[dict[str, Any]], profile: InterestProfile) -> list[tuple[str, str]]:
    """(text, wanted kind) of the rows asking for kind ``item`` / ``attribute`` whose tag did not get it
    (nothing of that kind was found for the text)."""
    got = {(t.text, t.polarity): t.kind for t in profile.tags}
    return [(str(r["text"]), str(r["kind"])) for r in rows
            if r.get("kind") in ("item", "attribute") and got.get((r["text"], r["polarity"]), r["kind"]) != r["kind"]]


# --- what a tag can be matched to ----------------------------------------------------------------------

_ORDERS: dict[tuple[str, str], Any] = {}
_ORDERS_LOCK = threading.Lock()


def _cached(catalogue: CatalogueIndex, what: str, build: Callable[[], Any]) -> Any:
    """A per-catalogue value (folded labels, sort orders), kept for the last few catalogues."""
    key = (catalogue.fingerprint, what)
    with _ORDERS_LOCK:
        if key in _ORDERS:
            return _ORDERS[key]
    value = build()
    with _ORDERS_LOCK:
        _ORDERS[key] = value
        while len(_ORDERS) > 16:
            _ORDERS.pop(next(iter(_ORDERS)))
    return value


def _close(query: str, labels: list[str], limit: int) -> list[tuple[float, int]]:
    """(score, position) of the (folded) labels close to ``query``: rapidfuzz ``token_set_ratio`` >=
    :data:`SUGGEST_CUTOFF` (word order and extra words do not count against a label: ``Clockwork`` finds
    ``Clockwork Orange, A``)."""
    from rapidfuzz import fuzz, process

    folded = fold(query)
    if not folded:
        return []
    hits = process.extract(folded, labels, scorer=fuzz.token_set_ratio, score_cutoff=SUGGEST_CUTOFF, limit=limit)
    return [(float(score), int(pos)) for _, score, pos in hits]


def _unique(keys: Sequence[str], limit: int | None = None) -> list[str]:
    out = list(dict.fromkeys(keys))
    return out if limit is None else out[:limit]


def item_suggestions(catalogue: CatalogueIndex, text: str, limit: int = SUGGESTIONS) -> list[str]:
    """Item ids a tag's text may name, best first: the title recognition resolves (``resolve_title``, ``find``),
    then titles close to the text (rapidfuzz; ties to the more popular item)."""
    keys: list[str] = []
    resolved = catalogue.resolve_title(text)
    if resolved is not None:
        keys.append(resolved.key)
    keys += [m.key for m in catalogue.find(text) if m.kind == "item"]
    titles = _cached(catalogue, "titles", lambda: [fold(_YEAR.sub("", t)) for t in catalogue.titles])
    close = _close(text, titles, 3 * limit)
    close.sort(key=lambda hit: (-hit[0], -float(catalogue.popularity[hit[1]]), hit[1]))
    keys += [catalogue.item_ids[pos] for _, pos in close]
    return _unique(keys, limit)


def attribute_suggestions(catalogue: CatalogueIndex, text: str, limit: int = SUGGESTIONS) -> list[str]:
    """Attribute keys a tag's text may name, best first: what recognition finds in it, then attributes whose
    label is close to the text (rapidfuzz; ties to the attribute on more items)."""
    keys = [m.key for m in catalogue.find(text) if m.kind == "attribute"]
    labels = _cached(catalogue, "attributes", lambda: [fold(a.label) for a in catalogue.attributes])
    close = _close(text, labels, 3 * limit)
    close.sort(key=lambda hit: (-hit[0], -len(catalogue.attributes[hit[1]].items), hit[1]))
    keys += [catalogue.attributes[pos].key for _, pos in close]
    return _unique(keys, limit)


def item_choices(catalogue: CatalogueIndex, tag: InterestTag) -> list[str]:
    """Every item id, for the "match a different item" box: the tag's current item, the suggestions for its
    text, then the whole catalogue by title (the box filters as the analyst types)."""
    by_title = _cached(catalogue, "item order",
                       lambda: [catalogue.item_ids[i] for i in np.argsort(
                           np.array([fold(t) for t in catalogue.titles], dtype=object), kind="stable")])
    current = [str(tag.key)] if tag.kind == "item" and tag.key in catalogue.position else []
    return _unique([*current, *item_suggestions(catalogue, tag.text), *by_title])


def attribute_choices(catalogue: CatalogueIndex, tag: InterestTag) -> list[str]:
    """Every attribute key, for the "match a different attribute" box: the tag's current attribute, the
    suggestions for its text, then all attributes by facet and label."""
    ordered = _cached(catalogue, "attribute order",
                      lambda: [a.key for a in sorted(catalogue.attributes, key=lambda a: (a.facet, fold(a.label)))])
    current = [str(tag.key)] if tag.kind == "attribute" and _facet(catalogue, tag.key) is not None else []
    return _unique([*current, *attribute_suggestions(catalogue, tag.text), *ordered])


def fill_missing_weights(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows where a missing weight (a row just added) becomes the mean of the typed weights of its polarity
    (1.0 when it is the first of its polarity)."""
    out: list[dict[str, Any]] = []
    for row in rows:
        if row["weight"] is None:
            same = [float(r["weight"]) for r in rows if r["polarity"] == row["polarity"] and r["weight"] is not None
                    and math.isfinite(float(r["weight"])) and float(r["weight"]) >= 0]
            row = {**row, "weight": float(np.mean(same)) if same else 1.0}
        out.append(row)
    return out


def weight_refusal(error: TagWeightError, translate: Translate) -> str:
    """Why a table edit's weights were not applied, in the UI language (the tag text escaped for Markdown); the
    page draws the same sentence (``ui.interests_panels.tag_section``)."""
    group = translate("interests.group.avoid" if error.polarity < 0 else "interests.group.want")
    return translate(f"interests.weight_refused.{error.code}", tag=md_escape(error.text),
                     value=f"{error.value:g}", group=group)


def weight_chart(profile: InterestProfile, title: str, axis: str, ungrounded_mark: str) -> go.Figure:
    """Horizontal bars of each tag's share of its polarity (:func:`share_percents`, the table's numbers): wanted
    tags to the right, avoided ones to the left in another colour.

    Ungrounded tags get ``ungrounded_mark`` after their label and a hatched bar.
    """
    tags = profile.tags
    labels = [plot_text(tag.text, 40) + ("" if tag.grounded else f" {ungrounded_mark}") for tag in tags]
    # the same text can be both wanted and avoided: keep the y categories distinct
    seen: dict[str, int] = {}
    for i, label in enumerate(labels):
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            labels[i] = f"{label} ({seen[label]})"
    percents = share_percents(profile)
    values = [p * (1 if tag.polarity > 0 else -1) for p, tag in zip(percents, tags, strict=True)]
    colours = [POSITIVE_COLOUR if tag.polarity > 0 else NEGATIVE_COLOUR for tag in tags]
    patterns = ["" if tag.grounded else "/" for tag in tags]
    fig = go.Figure(go.Bar(
        x=values, y=labels, orientation="h", marker={"color": colours, "pattern": {"shape": patterns}},
        text=[share_label(p, tag.polarity) for p, tag in zip(percents, tags, strict=True)], textposition="auto",
        hovertemplate="%{y}<br>%{text}<extra></extra>",
    ))
    fig.update_layout(
        title=title, xaxis_title=axis, height=120 + 32 * max(1, len(tags)),
        margin={"l": 10, "r": 10, "t": 40, "b": 10}, yaxis={"autorange": "reversed", "type": "category"},
        showlegend=False,
    )
    fig.add_vline(x=0.0, line_width=1, line_color="#888")
    return fig


def _tag_text(tags: Any) -> str:
    if tags is None or isinstance(tags, float):
        return ""
    if isinstance(tags, str):
        return tags
    return ", ".join(str(t) for t in tags)


def result_records(dataset: Dataset, top: np.ndarray, scores: np.ndarray) -> list[dict[str, Any]]:
    """Rows for the result list: rank, item index and id, title, category, tags, score."""
    items = dataset.items
    out: list[dict[str, Any]] = []
    for pos, (item, score) in enumerate(zip(top.tolist(), scores.tolist(), strict=True), start=1):
        out.append({
            "rank": pos,
            "item_idx": int(item),
            "item_id": str(dataset.item_ids[item]),
            "title": str(items["title"].iat[item]),
            "category": str(items["category"].iat[item]) if "category" in items else "",
            "tags": _tag_text(items["tags"].iat[item]) if "tags" in items else "",
            "score": round(float(score), 4),
        })
    return out


FEEDBACK_NAMES = 3
"""Titles named per part of the feedback message (then how many more)."""


def feedback_message(change: ListChange, title: str, titles: Callable[[Sequence[int]], Sequence[str]],
                     translate: Translate, lang: str) -> str:
    """What one 👍 / 👎 did, from the lists before and after it (:func:`core.interests.feedback.list_change`):
    the item added to the interests, whether it left the list, which items entered, dropped out or moved, or
    that nothing changed. Titles are escaped for Markdown."""

    def names(items: Sequence[int]) -> str:
        return name_list([md_escape(x) for x in titles(list(items))], lang, limit=FEEDBACK_NAMES)

    parts = [translate(f"interests.feedback.{change.event}", title=md_escape(title))]
    if change.unchanged:
        parts.append(translate("interests.feedback.no_change"))
    else:
        if change.removed:
            parts.append(translate(f"interests.feedback.left_{change.event}"))
        elif change.rank_after is not None:
            parts.append(translate("interests.feedback.still_listed", rank=change.rank_after))
        for key, items in (("entered", change.entered), ("moved_up", change.moved_up),
                           ("moved_down", change.moved_down), ("dropped", change.left)):
            if items:
                parts.append(translate(f"interests.feedback.{key}", n=len(items), names=names(items)))
        if change.others_unchanged:
            parts.append(translate("interests.feedback.rest_unchanged"))
    return translate("interests.feedback.sep").join(parts) + translate("interests.feedback.end")


def history_rows(dataset: Dataset, tags: Sequence[InterestTag]) -> list[dict[str, Any]]:
    """One row per history interest: label, weight, medoid item's title, number of items, cohesion."""
    rows: list[dict[str, Any]] = []
    for tag in tags:
        medoid = tag.medoid_item
        title = ""
        if medoid is not None and medoid in dataset.item_index:
            title = str(dataset.items["title"].iat[dataset.item_index[medoid]])
        rows.append({
            "label": str(tag.text),
            "weight": round(float(tag.weight), 3),
            "medoid": title,
            "n_items": len(tag.item_ids),
            "cohesion": None if math.isnan(tag.grounding) else round(float(tag.grounding), 3),
        })
    return rows


def history_frame(dataset: Dataset, tags: Sequence[InterestTag], translate: Translate) -> pd.DataFrame:
    """The history-interest table with translated headers (rows from :func:`history_rows`)."""
    rows = history_rows(dataset, tags)
    columns = {"label": "label", "weight": "weight", "medoid": "medoid", "n_items": "items", "cohesion": "cohesion"}
    return pd.DataFrame({translate(f"interests.hcol.{name}"): [r[field] for r in rows]
                         for field, name in columns.items()})


def tag_columns(translate: Translate) -> dict[str, Any]:
    """``st.data_editor`` column configuration of the tag table (:func:`profile_frame`)."""
    col = st.column_config
    return {
        "text": col.TextColumn(translate("interests.col.text"), required=True, max_chars=200),
        "kind": col.SelectboxColumn(translate("interests.col.kind"), options=list(TAG_KINDS),
                                    format_func=lambda kind: kind_label(str(kind), translate),
                                    help=translate("interests.col.kind_help")),
        "match": col.TextColumn(translate("interests.col.match"), help=translate("interests.col.match_help")),
        # no min_value: the grid would drop a typed "-" silently; a negative weight is refused with a message
        "weight": col.NumberColumn(translate("interests.col.weight"), step=0.01, format="%.3f",
                                   help=translate("interests.col.weight_help")),
        "share": col.NumberColumn(translate("interests.col.share"), format=f"%.{SHARE_DECIMALS}f%%",
                                  help=translate("interests.col.share_help")),
        "polarity": col.SelectboxColumn(translate("interests.col.polarity"), options=[1, -1],
                                        format_func=lambda p: translate("interests.polarity.avoid" if int(p) < 0
                                                                        else "interests.polarity.want"),
                                        help=translate("interests.col.polarity_help")),
        "grounded": col.CheckboxColumn(translate("interests.col.grounded"),
                                       help=translate("interests.col.grounded_help")),
        "grounding": col.NumberColumn(translate("interests.col.grounding"), format="%.3f"),
        "source": col.TextColumn(translate("interests.col.source")),
    }


def notice_text(code: str, translate: Translate, catalogue: Mapping[str, object]) -> str:
    """The notice in the UI language when the catalogue has it, else core's English message."""
    key = f"interests.notice.{code}"
    if key in catalogue:
        return translate(key, n=f"{MAX_CHARS:,}")
    return NOTICE_MESSAGES.get(code, code)


def weights_text(config: FusionConfig, channel_label: Callable[[str], str]) -> str:
    """The non-zero channel weights of a fusion configuration, e.g. ``semantic 1.00 · graph 0.30``."""
    weights = config.weights.as_dict()
    parts = [f"{channel_label(name)} {weights[name]:.2f}" for name in CHANNELS if weights[name] > 0]
    if config.method == "rrf":
        parts.append(f"RRF k={config.rrf_k}")
    if config.mmr_lambda < 1.0:
        parts.append(f"MMR λ={config.mmr_lambda:.2f}")
    return " · ".join(parts) or "—"
