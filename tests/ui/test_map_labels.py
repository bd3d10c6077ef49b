"""Label placement for the Map's typed interests (ui.map_labels): legible boxes that keep apart."""

from __future__ import annotations

import itertools

import numpy as np

from ui.map_labels import (
    MARKER_RADIUS,
    RINGS,
    label_size,
    overlaps,
    pixel_positions,
    place_labels,
    text_width,
)


def _boxes(points: np.ndarray, texts: list[str]) -> list[tuple[float, float, float, float]]:
    spots = place_labels(points, [label_size(t) for t in texts])
    return [spot.box(p) for spot, p in zip(spots, points, strict=True)]


def test_cjk_text_is_estimated_wider_than_latin() -> None:
    assert text_width("科幻电影") > text_width("abcd") > 0
    assert text_width("科幻电影") == 2 * text_width("科幻")
    assert label_size("")[0] > 0 and label_size("x")[1] > 13  # padding and line height


def test_pixel_positions_share_one_scale_and_flip_y() -> None:
    extent = np.array([[0.0, 0.0], [10.0, 2.0]])
    px = pixel_positions(np.array([[0.0, 0.0], [1.0, 1.0]]), extent, plot_size=(1000, 580))
    step_x, step_y = px[1] - px[0]
    assert step_x > 0 and step_y < 0  # y grows up in data, down in pixels
    assert abs(step_x) == abs(step_y)  # scaleanchor: one scale for both axes
    # a tall extent is limited by the height instead
    tall = pixel_positions(np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([[0, 0], [1, 100]]), (1000, 580))
    assert tall[1, 0] < 10


def test_a_lone_label_sits_just_below_its_star() -> None:
    (spot,) = place_labels(np.array([[100.0, 100.0]]), [label_size("cozy mysteries")])
    assert spot.ax == 0 and spot.ay == RINGS[0] + spot.height / 2
    left, top, right, _ = spot.box((100.0, 100.0))
    assert top > 100 + MARKER_RADIUS and left < 100 < right  # clear of the star, centred under it


def test_crowded_labels_do_not_overlap_each_other_or_the_stars() -> None:
    rng = np.random.default_rng(1)
    points = rng.normal(scale=25.0, size=(7, 2)) + 300  # seven stars within ~50 px of each other
    texts = ["科幻电影", "轻松的喜剧", "cozy mysteries", "恐怖片", "space opera with big battles", "喜剧", "合成兴趣"]
    boxes = _boxes(points, texts)
    for a, b in itertools.combinations(boxes, 2):
        assert not overlaps(a, b), (a, b)
    r = MARKER_RADIUS
    for box in boxes:
        for x, y in points:
            assert not overlaps(box, (x - r, y - r, x + r, y + r))


def test_order_gives_the_first_label_the_nearest_spot() -> None:
    points = np.array([[100.0, 100.0], [100.0, 100.0]])  # two stars on one spot
    sizes = [label_size("first"), label_size("second")]
    first_wins = place_labels(points, sizes, order=[1, 0])
    assert first_wins[1].ay == RINGS[0] + first_wins[1].height / 2  # label 1 went first: straight below
    assert (first_wins[0].ax, first_wins[0].ay) != (first_wins[1].ax, first_wins[1].ay)
    assert not overlaps(first_wins[0].box(points[0]), first_wins[1].box(points[1]))
