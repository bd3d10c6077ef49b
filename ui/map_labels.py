"""Where the Map's typed-interest labels go: boxes beside their stars that keep out of each other's way.

Plotly cannot move text labels apart, so the Map draws each typed interest's label as an annotation (a white
box with a coloured border and a short arrow to its star), and this module picks each arrow's pixel offset.
Both map axes share one scale (``scaleanchor``), so the stars' pixel positions follow from the data range and
the plot's size (:func:`pixel_positions`). Labels are placed greedily, most important first, at the first
candidate spot (below, above, beside, diagonally; nearer spots first) whose box overlaps no placed label and
no star; when every spot overlaps, the one with the least overlap wins. Text widths are estimated per
character (CJK characters count as wide), which is what keeps Chinese labels from running into each other.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FONT_SIZE = 13
PAD = 4
"""Pixels between a label's text and its border (plotly's ``borderpad``)."""
MARKER_RADIUS = 12
"""Half the size of the space a star takes, in pixels: labels keep off it."""
GAP = 3
"""Pixels kept free between two labels."""
RINGS = (16.0, 38.0, 66.0, 100.0)
"""Distances (pixels) from a star to its label box that are tried, nearest first."""
PLOT_SIZE = (1000.0, 580.0)
"""The map's plot area (width, height) in pixels on a wide page (used when the caller does not know better)."""


@dataclass(frozen=True)
class Placement:
    """A label's box: centre offset from its point in pixels (``ax`` to the right, ``ay`` down) and its size."""

    ax: float
    ay: float
    width: float
    height: float

    def box(self, point: Sequence[float]) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) in pixels of the box of the label of ``point`` (pixels, y down)."""
        cx, cy = float(point[0]) + self.ax, float(point[1]) + self.ay
        return cx - self.width / 2, cy - self.height / 2, cx + self.width / 2, cy + self.height / 2


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """Estimated width in pixels of one line of ``text``: wide (CJK) characters a full em, others ~0.6 em."""
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in ("W", "F"))
    return font_size * (wide + 0.6 * (len(text) - wide))


def label_size(text: str, font_size: float = FONT_SIZE) -> tuple[float, float]:
    """(width, height) in pixels of a label box (text, padding and border)."""
    return text_width(text, font_size) + 2 * PAD + 2, font_size * 1.35 + 2 * PAD + 2


def pixel_positions(xy: np.ndarray, extent: np.ndarray, plot_size: tuple[float, float] = PLOT_SIZE) -> np.ndarray:
    """Pixel positions (y down) of data points ``xy`` on a map whose drawn points span ``extent`` (any (n, 2)
    array of coordinates); both axes share one scale, as with ``scaleanchor``."""
    pts = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    ext = np.asarray(extent, dtype=np.float64).reshape(-1, 2)
    ext = ext[np.isfinite(ext).all(axis=1)]
    if not len(ext):
        ext = pts if len(pts) else np.zeros((1, 2))
    span = np.maximum(ext.max(axis=0) - ext.min(axis=0), 1e-9) * 1.1  # plotly pads the autorange
    scale = min(plot_size[0] / span[0], plot_size[1] / span[1])
    return np.column_stack([pts[:, 0] * scale, -pts[:, 1] * scale])


def _candidates(width: float, height: float) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for r in RINGS:
        d = 0.7 * r
        out += [(0.0, r + height / 2), (0.0, -(r + height / 2)), (r + width / 2, 0.0), (-(r + width / 2), 0.0),
                (d + width / 2, d + height / 2), (-(d + width / 2), d + height / 2),
                (d + width / 2, -(d + height / 2)), (-(d + width / 2), -(d + height / 2))]
    return out


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """True when two (left, top, right, bottom) boxes share any area."""
    return _overlap(a, b) > 0


def place_labels(points: np.ndarray, sizes: Sequence[tuple[float, float]],
                 order: Sequence[int] | None = None) -> list[Placement]:
    """One placement per point (pixels, y down) for labels of the given sizes, in ``order`` of importance
    (default: as given): each label at the first candidate spot free of placed labels and of every point."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    r = MARKER_RADIUS
    stars = [(x - r, y - r, x + r, y + r) for x, y in pts]
    placed: list[tuple[float, float, float, float]] = []
    out: list[Placement | None] = [None] * len(pts)
    for i in (list(order) if order is not None else range(len(pts))):
        width, height = sizes[i]
        best: tuple[float, Placement] | None = None
        for ax, ay in _candidates(width, height):
            spot = Placement(ax, ay, width, height)
            x0, y0, x1, y1 = spot.box(pts[i])
            grown = (x0 - GAP, y0 - GAP, x1 + GAP, y1 + GAP)
            cost = sum(_overlap(grown, b) for b in placed) + sum(_overlap(grown, s) for s in stars)
            if best is None or cost < best[0]:
                best = (cost, spot)
            if cost == 0:
                break
        assert best is not None
        out[i] = best[1]
        placed.append(best[1].box(pts[i]))
    return [p if p is not None else Placement(0.0, RINGS[0], *sizes[k]) for k, p in enumerate(out)]
