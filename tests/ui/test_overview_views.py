"""The Overview's figures (ui.overview_views): catalogue titles in both languages, data labels escaped and
kept distinct, the median bin marked, periods and sentences written the language's way."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.dataset import Dataset
from core.data.overview import CategoryMix, category_mix, compute_overview, rating_distribution, user_activity
from core.data.signal import declared
from ui import overview_views as ov
from ui.i18n import t


def _dataset() -> Dataset:
    long = "A category name far too long to fit on the axis of a chart, number "
    frame = pd.DataFrame({"user_id": ["u1", "u1", "u2", "u2", "u3", "u3", "u3"],
                          "item_id": ["a", "b", "c", "a", "d", "a", "b"],
                          "rating": [1.0, 2.0, 3.0, 4.0, 5.0, 4.0, 3.0],
                          "timestamp": [1.7e9 + k * 86_400 * 40 for k in range(7)],
                          "event": ["浏览", "<b>buy</b>", "浏览", "", "", "浏览", "浏览"]})
    items = pd.DataFrame({"item_id": ["a", "b", "c", "d"],
                          "category": ["<script>alert(1)</script>", long + "1", long + "2", "科幻 / Sci-Fi"]})
    return Dataset.from_frames("views", frame, items)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_titles_and_axes_come_from_the_catalogue(lang: str) -> None:
    overview = compute_overview(_dataset())
    assert overview.timeline is not None and overview.ratings is not None and overview.events is not None
    figures = {
        "home.tail.title": ov.tail_figure(overview.tail, lang),
        "home.users.title": ov.activity_figure(overview.activity, lang),
        "home.ratings.title": ov.rating_figure(overview.ratings, lang),
        "home.events.title": ov.event_figure(overview.events, lang),
    }
    for key, fig in figures.items():
        assert fig.layout.title.text == t(key, lang)
        assert "Source Sans" in fig.layout.font.family and "Noto Sans CJK SC" in fig.layout.font.family
    unit = t(f"home.unit.{overview.timeline.unit}", lang)
    timeline = ov.timeline_figure(overview.timeline, lang)
    assert timeline.layout.title.text == t("home.timeline.title", lang, unit=unit)
    assert timeline.layout.yaxis.title.text == t("home.axis.interactions", lang)
    tail = figures["home.tail.title"]
    assert [tr.name for tr in tail.data] == [t("home.tail.per_item", lang), t("home.tail.cumulative", lang)]
    assert tail.layout.yaxis.type == "log" and tail.layout.yaxis2.title.text == t("home.tail.y2", lang)
    marks = [a.text for a in tail.layout.annotations]
    assert marks == [t("home.tail.mark", lang, pct=10, share=ov.pct(overview.tail.top10_share)),
                     t("home.tail.mark", lang, pct=20, share=ov.pct(overview.tail.top20_share))]


def test_data_labels_are_escaped_and_distinct() -> None:
    ds = _dataset()
    mix = category_mix(ds, "category")
    assert isinstance(mix, CategoryMix)
    fig = ov.category_figure(mix, "en")
    labels = list(fig.data[0].y)
    assert len(set(labels)) == len(labels) == 4, "two values cut to the same text stay two bars"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in labels and "科幻 / Sci-Fi" in labels
    assert all(len(label) <= ov.LABEL_LIMIT + 4 for label in labels)
    assert "<script" not in fig.to_json() and "<b>buy" not in ov.event_figure(compute_overview(ds).events).to_json()  # type: ignore[arg-type]
    assert [tr.name for tr in fig.data] == [t("home.cat.items_share", "en"), t("home.cat.inter_share", "en")]


def test_median_bin_is_highlighted() -> None:
    sizes = [1, 2, 2, 3, 40, 40, 40]
    frame = pd.DataFrame({"user_id": np.repeat(np.arange(len(sizes)), sizes).astype(str), "item_id": "x",
                          "rating": 1.0, "timestamp": np.nan, "event": ""})
    activity = user_activity(Dataset.from_frames("sizes", frame))
    assert activity.median == 3
    fig = ov.activity_figure(activity, "zh")
    labels, colours = list(fig.data[0].x), list(fig.data[0].marker.color)
    assert colours[labels.index("3")] == ov.ORANGE and colours.count(ov.ORANGE) == 1
    assert fig.layout.annotations[0].text == t("home.users.median_mark", "zh", median="3")
    assert labels[0] == "1", "the histogram starts at the smallest count"
    assert ov.activity_labels(pd.DataFrame({"low": [1, 10], "high": [1, 11]})) == ["1", "10–11"]


def test_leading_empty_bins_are_dropped() -> None:
    frame = pd.DataFrame({"user_id": np.repeat(["a", "b"], [25, 30]), "item_id": "x", "rating": 1.0,
                          "timestamp": np.nan, "event": ""})
    fig = ov.activity_figure(user_activity(Dataset.from_frames("min20", frame)), "en")
    assert fig.data[0].y[0] > 0 and sum(fig.data[0].y) == 2


def test_periods_and_sentences_per_language() -> None:
    may = pd.Timestamp("2017-05-01")
    assert ov.period_label(may, "month", "zh") == "2017年5月"
    assert ov.period_label(may, "month", "en") == "May 2017"
    assert ov.period_label(may, "year", "zh") == "2017年"
    assert ov.period_label(may, "week", "en") == "01 May 2017"
    assert ov.sentences(["一。", "", "二。"], "zh") == "一。二。"
    assert ov.sentences(["One.", "", "Two."], "en") == "One. Two."


def test_captions_leave_out_zero_counts() -> None:
    overview = compute_overview(_dataset())
    assert t("home.tail.without", "en", without="0") not in ov.tail_caption(overview.tail, "en")
    assert ov.activity_caption(overview.activity, "en") == t(
        "home.users.caption", "en", median="2", mean="2.3", p90="3", max="3"), "no user has a single interaction"
    frame = pd.DataFrame({"user_id": ["a", "b", "b"], "item_id": ["x", "x", "y"], "rating": 1.0,
                          "timestamp": np.nan, "event": ""})
    single = user_activity(Dataset.from_frames("single", frame))
    assert ov.activity_caption(single, "zh").endswith(t("home.users.single", "zh", single="1"))
    assert ov.tail_caption(compute_overview(Dataset.from_frames(
        "unused", frame, pd.DataFrame({"item_id": ["x", "y", "z"]}))).tail, "en").endswith(
        t("home.tail.without", "en", without="1"))
    top = ov.top_items_table(overview.tail, "zh")
    assert list(top.columns) == [t(f"home.col.{c}", "zh") for c in ("title", "interactions", "share")], \
        "every user interacted with an item once: no separate user count"
    assert top.iloc[0, 0] == "a" and top.iloc[0, 1] == 3
    repeat = pd.DataFrame({"user_id": ["u", "u", "v"], "item_id": ["a", "a", "b"], "rating": 1.0,
                           "timestamp": np.nan, "event": ""})
    table = ov.top_items_table(compute_overview(Dataset.from_frames("repeat", repeat)).tail, "en")
    assert table[t("home.col.users", "en")].tolist() == [1, 1]
    assert table[t("home.col.interactions", "en")].tolist() == [2, 1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_counts_are_titled_as_counts_with_whole_number_bins(lang: str) -> None:
    plays = [1.0] * 40 + [float(v) for v in range(2, 40)]
    frame = pd.DataFrame({"user_id": "u", "item_id": [str(i) for i in range(len(plays))], "rating": plays,
                          "timestamp": np.nan, "event": ""})
    dist = rating_distribution(Dataset.from_frames("plays", frame, signal=declared("count")))
    assert dist is not None
    fig = ov.rating_figure(dist, lang)
    assert fig.layout.title.text == t("home.values.title.count", lang)
    assert fig.layout.xaxis.title.text == t("home.values.x.count", lang)
    assert list(fig.data[0].x) == ["1", "2–3", "4–7", "8–15", "16–31", "32–39"]
    rated = rating_distribution(Dataset.from_frames("stars", frame, signal=declared("explicit")))
    assert rated is not None and ov.rating_figure(rated, lang).layout.title.text == t("home.ratings.title", lang)
