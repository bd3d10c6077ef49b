"""The Map's figure (ui.map_figures): items readable on top of pale users, legible typed-interest labels,
a legend clear of the colour bar, and a recommendations layer named after whose list it is."""

from __future__ import annotations

import itertools

import numpy as np
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb

from ui.map_figures import (
    USER_COLOUR,
    USER_OPACITY,
    InterestMarker,
    Layer,
    Overlay,
    interest_annotations,
    map_figure,
)
from ui.map_labels import FONT_SIZE, Placement, label_size, overlaps, pixel_positions


def _layer(n: int, prefix: str = "i", seed: int = 0) -> Layer:
    rng = np.random.default_rng(seed)
    cats = [f"c{i % 3}" for i in range(n)]
    return Layer([f"{prefix}:{i}" for i in range(n)], rng.normal(size=(n, 2)).astype(np.float32),
                 [f"title {i}" for i in range(n)], cats, ["a"] * n, colour=list(cats))


def _luminance(colour: str) -> float:
    r, g, b = hex_to_rgb(colour)
    return float(0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_users_are_pale_small_and_translucent_and_items_come_first() -> None:
    items, users = _layer(400), _layer(300, "u", seed=1)
    fig = map_figure(items, users, colour_mode="categorical", labels={"users": "Users"})
    user_trace = next(tr for tr in fig.data if tr.name == "Users")
    item_traces = [tr for tr in fig.data if tr.name in ("c0", "c1", "c2")]
    assert fig.data[0] in item_traces  # the first trace is items (the browser tests click its first point)
    assert user_trace.marker.opacity == USER_OPACITY <= 0.5
    assert user_trace.marker.color == USER_COLOUR and _luminance(USER_COLOUR) > 0.4  # no dark diamonds
    assert user_trace.marker.size <= min(tr.marker.size for tr in item_traces)
    assert all(tr.marker.opacity > user_trace.marker.opacity for tr in item_traces)
    assert not user_trace.marker.line.width  # no white outline that makes a dark blob of 300 users


def test_legend_runs_under_the_map_clear_of_the_colour_bar() -> None:
    items = _layer(50)
    items.colour = list(np.linspace(0, 1, 50))
    fig = map_figure(items, _layer(10, "u"), colour_mode="continuous", colour_title="Popularity")
    legend = fig.layout.legend
    assert legend.orientation == "h" and legend.y <= 0 and legend.yanchor == "top"  # below the plot area
    bar = next(tr for tr in fig.data if tr.marker.showscale)
    assert bar.marker.colorbar.x is None or bar.marker.colorbar.x >= 1  # the colour bar keeps the right edge
    assert bar.marker.colorbar.title.text == "Popularity"


def test_interest_labels_are_boxed_escaped_and_apart() -> None:
    items = _layer(200)
    marks = [InterestMarker(0.0, 0.0, "科幻电影", "positive", 0.5),
             InterestMarker(0.02, 0.01, "light <b>comedy</b>", "positive", 0.3),
             InterestMarker(-0.01, 0.02, "恐怖片", "negative", 0.2),
             InterestMarker(0.01, -0.02, "合成兴趣", "composed")]
    fig = map_figure(items, colour_mode="none", overlay=Overlay(interests=marks))
    notes = fig.layout.annotations
    assert len(notes) == 4 and [n.text for n in notes][1] == "light &lt;b&gt;comedy&lt;/b&gt;"
    for note, mark in zip(notes, marks, strict=True):
        assert (note.x, note.y) == (mark.x, mark.y) and note.showarrow
        assert note.font.size >= 12 and note.borderwidth > 0
        alpha = float(note.bgcolor.rsplit(",", 1)[1].rstrip(")"))
        assert note.bgcolor.startswith("rgba(255,255,255") and alpha >= 0.85  # a white halo behind the text
        assert "CJK" in note.font.family or "Hei" in note.font.family  # Chinese glyphs have a font
    # the stars' own traces carry no text (it would sit under the boxes, unreadable)
    stars = [tr for tr in fig.data if isinstance(tr, go.Scatter) and tr.marker.symbol in ("star", "star-diamond")]
    assert stars and all(tr.text is None for tr in stars)
    # the four stars are within a few pixels of each other: their label boxes still do not overlap
    extent = np.concatenate([items.xy, [[m.x, m.y] for m in marks]])
    pts = pixel_positions(np.array([[m.x, m.y] for m in marks]), extent)
    boxes = [Placement(n.ax, n.ay, *label_size(m.label, FONT_SIZE)).box(p)
             for n, m, p in zip(notes, marks, pts, strict=True)]
    for a, b in itertools.combinations(boxes, 2):
        assert not overlaps(a, b)


def test_interest_annotations_cut_long_labels_and_handle_none() -> None:
    assert interest_annotations([], np.zeros((0, 2))) == []
    (note,) = interest_annotations([InterestMarker(0, 0, "x" * 100, "positive")], np.zeros((3, 2)))
    assert len(note["text"]) <= 28 and note["text"].endswith("…")


def test_recommendations_trace_is_named_by_the_caller() -> None:
    items = _layer(30)
    overlay = Overlay(recommended=items.take([3, 1, 2]), recommended_rank=[1, 2, 3])
    fig = map_figure(items, colour_mode="none", overlay=overlay,
                     labels={"recommended": "Recommended · user <7>"})
    rec = next(tr for tr in fig.data if tr.name == "Recommended · user &lt;7&gt;")
    assert [row[0] for row in rec.customdata] == ["i:3", "i:1", "i:2"] and list(rec.text) == ["1", "2", "3"]
    assert rec.marker.symbol == "square-open"
