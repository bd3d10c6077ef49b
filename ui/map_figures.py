"""Plotly figures for the Map page, drawn from precomputed 2-D coordinates (as BERTopic's plots are).

Nothing here computes a projection: callers pass coordinates from :mod:`core.vectors.projection` and the
texts to show. Every text that comes from the data (titles, categories, tags, typed interests) goes
through :func:`escape` before it reaches plotly, because plotly renders a subset of HTML in hover
labels and text. Points carry ``customdata[0]`` = a key (``"i:<item idx>"``, ``"u:<user idx>"``) so a
click or a lasso selection can be mapped back to items and users (:func:`selected_keys`).

Large layers use ``go.Scattergl`` (WebGL); the few overlay points (interests, neighbours,
recommendations) use ``go.Scatter`` so they can carry text labels and draw on top. Items are the readable
layer: users are small, pale, translucent diamonds that do not hide the items around them. Typed interests
are labelled with annotations (white box, coloured border, short arrow) placed by :mod:`ui.map_labels` so
they stay legible and apart; the legend runs horizontally under the map, clear of the colour bar.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative

from ui.map_labels import FONT_SIZE, PAD, PLOT_SIZE, label_size, pixel_positions, place_labels
from ui.safe import plot_text

MAX_CATEGORIES = 12
"""Categorical colouring shows the largest categories by name; the rest share one "other" colour."""
MAX_HOVER_CHARS = 90
PALETTE: tuple[str, ...] = tuple(qualitative.D3) + tuple(qualitative.Set2)
OTHER_COLOUR = "#bdbdbd"
USER_COLOUR = "#607d8b"
"""Users: pale blue-grey, small and translucent (``USER_OPACITY``), so the items stay readable."""
USER_OPACITY = 0.45
RECOMMENDED_COLOUR = "#6a1b9a"
LABEL_CHARS = 28
"""Typed-interest labels are cut to this many characters on the map (the hover shows the whole text)."""
LABEL_FONT = "Open Sans, Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"
INTEREST_STYLES: dict[str, tuple[str, str, int, str]] = {
    # kind: (marker symbol, marker colour, marker size, label text colour)
    "positive": ("star", "#f9a825", 20, "#4e342e"),
    "negative": ("star", "#c62828", 18, "#b71c1c"),
    "composed": ("star-diamond", "#000000", 24, "#000000"),
}
ColourMode = Literal["categorical", "continuous", "none"]
MarkerKind = Literal["positive", "negative", "composed"]


def escape(text: object, limit: int = MAX_HOVER_CHARS) -> str:
    """Plain text safe for plotly hover/text: HTML-escaped, one line, cut to ``limit`` characters."""
    return plot_text(text, limit)


def item_key(idx: int) -> str:
    """Selection key of item index ``idx``."""
    return f"i:{int(idx)}"


def user_key(idx: int) -> str:
    """Selection key of user index ``idx``."""
    return f"u:{int(idx)}"


def parse_key(key: str) -> tuple[str, int] | None:
    """``("item" | "user", index)`` of a key from :func:`item_key` / :func:`user_key`, else None."""
    kind, _, num = str(key).partition(":")
    if kind not in ("i", "u") or not num.lstrip("-").isdigit():
        return None
    return ("item" if kind == "i" else "user", int(num))


@dataclass
class Layer:
    """Points of one kind: keys, (n, 2) coordinates, hover texts (raw; escaped when drawn), colour values.

    ``colour`` holds category labels (categorical mode) or numbers (continuous mode); ``None`` = plain.
    """

    keys: list[str]
    xy: np.ndarray
    title: list[str]
    category: list[str]
    tags: list[str]
    colour: Sequence[Any] | np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def take(self, rows: np.ndarray | Sequence[int]) -> Layer:
        """The sub-layer of the given rows."""
        idx = np.asarray(rows, dtype=np.int64)
        colour = None if self.colour is None else np.asarray(self.colour, dtype=object)[idx]
        return Layer([self.keys[i] for i in idx], self.xy[idx], [self.title[i] for i in idx],
                     [self.category[i] for i in idx], [self.tags[i] for i in idx],
                     None if colour is None else list(colour))


@dataclass
class InterestMarker:
    """A typed interest placed on the map: a tag (``positive`` / ``negative``) or the ``composed`` vector."""

    x: float
    y: float
    label: str
    kind: MarkerKind
    weight: float = 1.0


@dataclass
class Overlay:
    """What is drawn on top of the points: a selected point, its neighbours, recommendations, interests."""

    selected: Layer | None = None
    neighbours: Layer | None = None
    neighbour_sims: Sequence[float] = ()
    recommended: Layer | None = None
    recommended_rank: Sequence[int] = ()
    interests: list[InterestMarker] = field(default_factory=list)


def _customdata(layer: Layer) -> np.ndarray:
    rows = [[k, escape(t), escape(c) if c else "—", escape(g) if g else "—"]
            for k, t, c, g in zip(layer.keys, layer.title, layer.category, layer.tags, strict=True)]
    return np.array(rows, dtype=object).reshape(len(rows), 4)


def hover_template(labels: Mapping[str, str], extra: str = "") -> str:
    """Hover: bold title, category and tags lines (values from customdata, labels escaped too)."""
    return (f"<b>%{{customdata[1]}}</b><br>{escape(labels.get('category', 'category'))}: %{{customdata[2]}}"
            f"<br>{escape(labels.get('tags', 'tags'))}: %{{customdata[3]}}{extra}<extra></extra>")


def _points(layer: Layer, name: str, labels: Mapping[str, str], **marker: Any) -> go.Scattergl:
    return go.Scattergl(
        x=layer.xy[:, 0], y=layer.xy[:, 1], mode="markers", name=escape(name), customdata=_customdata(layer),
        hovertemplate=hover_template(labels), marker=marker, showlegend=True,
    )


def _category_order(values: Sequence[str]) -> list[str]:
    labels, counts = np.unique(np.asarray([str(v) for v in values], dtype=str), return_counts=True)
    order = np.lexsort((labels, -counts))
    return [str(labels[i]) for i in order]


def map_figure(
    items: Layer,
    users: Layer | None = None,
    *,
    colour_mode: ColourMode = "categorical",
    colour_title: str = "",
    labels: Mapping[str, str] | None = None,
    overlay: Overlay | None = None,
    background: str | None = None,
    height: int = 720,
) -> go.Figure:
    """The map: items coloured by ``colour_mode``, users as pale small diamonds, then the overlay on top.

    In categorical mode, items whose label equals ``background`` are drawn first, small and grey
    (e.g. "not in this user's history" when colouring by history cluster).

    ``labels`` holds the (translated) names: ``items``, ``users``, ``other``, ``category``, ``tags``,
    ``neighbours``, ``recommended``, ``selected``, ``interest``, ``avoid``, ``composed``, ``similarity``,
    ``rank``, ``none``.
    """
    lab = dict(labels or {})
    fig = go.Figure()
    base_size = 5 if len(items) > 3000 else 7
    if colour_mode == "categorical" and items.colour is not None:
        colours = [str(c) for c in items.colour]
        order = [c for c in _category_order(colours) if c != background]
        shown = order[:MAX_CATEGORIES]
        palette = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(shown)}
        groups: dict[str, list[int]] = {}
        for i, c in enumerate(colours):
            groups.setdefault(c if c in palette or c == background else "\x00other", []).append(i)
        if background is not None and background in groups:
            fig.add_trace(_points(items.take(groups.pop(background)), background, lab,
                                  size=max(3, base_size - 2), color=OTHER_COLOUR, opacity=0.45))
        for c in [*shown, "\x00other"]:
            if c not in groups:
                continue
            name = lab.get("other", "other") if c == "\x00other" else (c or lab.get("none", "—"))
            colour = OTHER_COLOUR if c == "\x00other" else palette[c]
            fig.add_trace(_points(items.take(groups[c]), name, lab, size=base_size, color=colour,
                                  opacity=0.75))
    elif colour_mode == "continuous" and items.colour is not None:
        values = np.asarray(items.colour, dtype=np.float64)
        finite = np.isfinite(values)
        if (~finite).any():
            fig.add_trace(_points(items.take(np.flatnonzero(~finite)), lab.get("other", "other"), lab,
                                  size=base_size, color=OTHER_COLOUR, opacity=0.5))
        sub = items.take(np.flatnonzero(finite))
        fig.add_trace(_points(sub, lab.get("items", "items"), lab, size=base_size, color=values[finite],
                              colorscale="Viridis", showscale=True, opacity=0.85,
                              colorbar={"title": {"text": escape(colour_title)}, "thickness": 12}))
    else:
        fig.add_trace(_points(items, lab.get("items", "items"), lab, size=base_size, color="#1f77b4",
                              opacity=0.7))
    if users is not None and len(users):
        fig.add_trace(_points(users, lab.get("users", "users"), lab, size=max(4, base_size - 1),
                              color=USER_COLOUR, symbol="diamond", opacity=USER_OPACITY))
    if overlay is not None:
        _draw_overlay(fig, overlay, lab)
        extent = np.concatenate([items.xy, users.xy if users is not None and len(users) else items.xy[:0]])
        fig.update_layout(annotations=interest_annotations(overlay.interests, extent))
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 20, "b": 10}, hovermode="closest",
        # "pan", not "lasso": Streamlit turns click-to-select off while a box/lasso tool is active, so a
        # lasso default would make clicking a point do nothing (lasso and box stay in the mode bar)
        dragmode="pan",
        # a horizontal legend under the map: the colour bar (continuous colouring) keeps the right edge
        legend={"itemsizing": "constant", "orientation": "h", "x": 0.0, "xanchor": "left", "y": -0.01,
                "yanchor": "top", "font": {"size": 12}},
        uirevision="map", font={"family": LABEL_FONT},
        xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"},
    )
    return fig


def _draw_overlay(fig: go.Figure, overlay: Overlay, lab: Mapping[str, str]) -> None:
    sel = overlay.selected
    if sel is not None and len(sel) and overlay.neighbours is not None and len(overlay.neighbours):
        nb = overlay.neighbours
        x0, y0 = float(sel.xy[0, 0]), float(sel.xy[0, 1])
        xs: list[float | None] = []
        ys: list[float | None] = []
        for x, y in nb.xy:
            xs += [x0, float(x), None]
            ys += [y0, float(y), None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"width": 1.2, "color": "#e65100"},
                                 hoverinfo="skip", name=escape(lab.get("neighbours", "neighbours")),
                                 showlegend=False))
        sims = [f"{s:.3f}" for s in overlay.neighbour_sims] or [""] * len(nb)
        data = _customdata(nb)
        data = np.concatenate([data, np.array(sims, dtype=object).reshape(-1, 1)], axis=1)
        ring = {"size": 12, "color": "rgba(0,0,0,0)", "line": {"width": 2, "color": "#e65100"}}
        sim_line = f"<br>{escape(lab.get('similarity', 'cos'))}: %{{customdata[4]}}"
        fig.add_trace(go.Scatter(
            x=nb.xy[:, 0], y=nb.xy[:, 1], mode="markers", name=escape(lab.get("neighbours", "neighbours")),
            customdata=data, marker=ring, hovertemplate=hover_template(lab, sim_line),
        ))
    rec = overlay.recommended
    if rec is not None and len(rec):
        ranks = [str(r) for r in overlay.recommended_rank] or [str(i + 1) for i in range(len(rec))]
        data = np.concatenate([_customdata(rec), np.array(ranks, dtype=object).reshape(-1, 1)], axis=1)
        fig.add_trace(go.Scatter(
            x=rec.xy[:, 0], y=rec.xy[:, 1], mode="markers+text", text=ranks, textposition="top center",
            name=escape(lab.get("recommended", "recommended")), customdata=data,
            marker={"size": 13, "symbol": "square-open", "color": RECOMMENDED_COLOUR, "line": {"width": 2}},
            textfont={"size": 11, "color": RECOMMENDED_COLOUR},
            hovertemplate=hover_template(lab, f"<br>{escape(lab.get('rank', 'rank'))}: %{{customdata[4]}}"),
        ))
    if sel is not None and len(sel):
        fig.add_trace(go.Scatter(
            x=sel.xy[:, 0], y=sel.xy[:, 1], mode="markers", name=escape(lab.get("selected", "selected")),
            customdata=_customdata(sel), hovertemplate=hover_template(lab),
            marker={"size": 20, "symbol": "circle-open", "color": "#d50000", "line": {"width": 3}},
        ))
    for kind, (symbol, colour, size, _) in INTEREST_STYLES.items():
        marks = [m for m in overlay.interests if m.kind == kind]
        if not marks:
            continue
        name = lab.get({"positive": "interest", "negative": "avoid", "composed": "composed"}[kind], kind)
        texts = [escape(m.label) for m in marks]
        fig.add_trace(go.Scatter(
            x=[m.x for m in marks], y=[m.y for m in marks], mode="markers", name=escape(name),
            customdata=np.array([[f"t:{kind}:{i}", t, f"{m.weight:.2f}"] for i, (m, t) in
                                 enumerate(zip(marks, texts, strict=True))], dtype=object).reshape(-1, 3),
            hovertemplate=f"<b>%{{customdata[1]}}</b><br>w = %{{customdata[2]}}<extra>{escape(name)}</extra>",
            marker={"size": size, "symbol": symbol, "color": colour,
                    "line": {"width": 1.5, "color": "white"}},
        ))


def interest_annotations(marks: Sequence[InterestMarker], extent: np.ndarray,
                         plot_size: tuple[float, float] = PLOT_SIZE) -> list[dict[str, Any]]:
    """One label per typed interest: escaped text in a white box bordered in its star's colour, with a short
    arrow to the star, placed apart from the other labels (:func:`ui.map_labels.place_labels`).

    ``extent`` holds the coordinates of every drawn point (it sets the pixel scale). The composed interest is
    placed first, then tags by weight, heaviest first.
    """
    if not marks:
        return []
    texts = [escape(m.label, LABEL_CHARS) for m in marks]
    xy = np.array([[m.x, m.y] for m in marks], dtype=np.float64)
    pts = pixel_positions(xy, np.concatenate([np.asarray(extent, dtype=np.float64).reshape(-1, 2), xy]),
                          plot_size)
    order = sorted(range(len(marks)), key=lambda i: (marks[i].kind != "composed", -marks[i].weight, i))
    spots = place_labels(pts, [label_size(html.unescape(t)) for t in texts], order)
    notes = []
    for m, text, spot in zip(marks, texts, spots, strict=True):
        _, colour, size, ink = INTEREST_STYLES[m.kind]
        notes.append({
            "x": m.x, "y": m.y, "xref": "x", "yref": "y", "text": text, "showarrow": True,
            "ax": round(spot.ax, 1), "ay": round(spot.ay, 1), "axref": "pixel", "ayref": "pixel",
            "arrowhead": 0, "arrowwidth": 1.2, "arrowcolor": colour, "standoff": size / 2,
            "bgcolor": "rgba(255,255,255,0.92)", "bordercolor": colour, "borderwidth": 1.5, "borderpad": PAD,
            "font": {"size": FONT_SIZE, "color": ink, "family": LABEL_FONT}, "captureevents": False,
            "name": f"interest:{m.kind}",
        })
    return notes


def selected_keys(
    selection: Mapping[str, Any] | None, trace_keys: Sequence[Sequence[str]] | None = None
) -> list[str]:
    """Item/user keys of the points in a ``st.plotly_chart`` selection, in selection order, unique.

    Uses each point's ``customdata[0]``; when a point lacks customdata, ``trace_keys[curve][index]``.
    Interest markers and lines are ignored.
    """
    if not selection:
        return []
    points = selection.get("points", []) or []
    out: dict[str, None] = {}
    for point in points:
        key: str | None = None
        data = point.get("customdata") if isinstance(point, Mapping) else None
        if isinstance(data, (list, tuple)) and data:
            key = str(data[0])
        elif isinstance(data, str):
            key = data
        elif trace_keys is not None and isinstance(point, Mapping):
            curve = point.get("curve_number")
            index = point.get("point_index", point.get("point_number"))
            if isinstance(curve, int) and isinstance(index, int) and 0 <= curve < len(trace_keys):
                keys = trace_keys[curve]
                key = keys[index] if 0 <= index < len(keys) else None
        if key is not None and parse_key(key) is not None:
            out[key] = None
    return list(out)


def trace_keys(fig: go.Figure) -> list[list[str]]:
    """Per trace, the point keys (``customdata[0]``) — the fallback map for :func:`selected_keys`."""
    keys: list[list[str]] = []
    for trace in fig.data:
        data = getattr(trace, "customdata", None)
        keys.append([str(row[0]) for row in data] if data is not None else [])
    return keys
