"""The Overview page, run through app.py with Streamlit's AppTest on both demos in both languages: no
exception, the charts and the guided-path links are there, and every text it shows comes from the
catalogue (or from the data). Plus an uploaded dataset without timestamps, categories or ratings."""

from __future__ import annotations

import json
import re
import string
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.data.dataset import Dataset
from core.data.demos import DEMOS
from ui.i18n import CATALOGUE, LANGS, fmt_number, t
from ui.safe import md_escape

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 300
GUIDE_PAGES = ["interests", "interests", "tuning", "evaluate", "data"]


def _errors(at: AppTest) -> str:
    return "\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in at.exception)


def _run(dataset_key: str, lang: str, uploaded: dict[str, Dataset] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.session_state["dataset_key"] = dataset_key
    if uploaded:
        at.session_state["uploaded_datasets"] = uploaded
    at.run()
    assert not at.exception, _errors(at)
    return at


def _template(text: str) -> re.Pattern[str]:
    """A catalogue entry as a regex: literal parts escaped, each format field any non-empty text."""
    parts = []
    for literal, field, _spec, _conv in string.Formatter().parse(text):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(".+?")
    return re.compile("".join(parts), re.DOTALL)


def _has_words(text: str) -> bool:
    literal = "".join(part for part, *_ in string.Formatter().parse(text))
    return any(unicodedata.category(ch).startswith("L") for ch in literal)


def _templates(lang: str) -> list[re.Pattern[str]]:
    """Catalogue entries with words of their own (an entry that is only "{year}" would match anything)."""
    return [_template(entry[LANGS.index(lang)]) for entry in CATALOGUE.values() if _has_words(entry[LANGS.index(lang)])]


def test_the_text_check_can_fail() -> None:
    en = _templates("en")
    assert _from_catalogue(t("home.tail.caption", "en", half="5%"), en)
    two = t("home.tail.caption", "en", half="5%") + " " + t("home.tail.without", "en", without="2")
    assert _from_catalogue(two, en)
    assert not _from_catalogue("Dataset statistics: movielens", en)
    assert not _from_catalogue("2017", en) and not _from_catalogue("Overview!", en)


def _from_catalogue(text: str, templates: list[re.Pattern[str]]) -> bool:
    """True when the text is one catalogue entry, or catalogue sentences run together."""
    text = text.strip()
    if any(p.fullmatch(text) for p in templates):
        return True
    for p in templates:  # "sentence one. sentence two." (ui.overview_views.sentences)
        m = p.match(text)
        if m and m.end() > 0 and m.end() < len(text) and _from_catalogue(text[m.end():], templates):
            return True
    return False


def _main_texts(at: AppTest) -> Iterator[str]:
    """Every text the main area shows (data tables and numbers aside)."""
    main = at.main
    for group in (main.header, main.subheader, main.markdown, main.caption, main.info, main.warning,
                  main.error, main.success, main.title, main.text):
        for el in group:
            yield str(el.value).strip("*")
    for metric in main.metric:
        yield str(metric.label)
    for link in main.get("page_link"):
        yield str(link.proto.label)


def _figures(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _figure_texts(fig: dict[str, Any]) -> Iterator[str]:
    """Titles of the figure and its axes, and the legend names of its traces."""
    layout = fig.get("layout", {})
    yield layout["title"]["text"]
    for key, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", key) and isinstance(axis, dict) and axis.get("title", {}).get("text"):
            yield axis["title"]["text"]
    for trace in fig.get("data", []):
        if trace.get("name"):
            yield trace["name"]


@pytest.mark.parametrize("demo", list(DEMOS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_renders_charts_links_and_catalogue_text(demo: str, lang: str, tmp_workspace: Path) -> None:
    at = _run(f"demo:{demo}", lang)
    templates = _templates(lang)
    dataset_name = md_escape(t(f"demo.{demo}", lang))

    titles = [fig["layout"]["title"]["text"] for fig in _figures(at)]
    signal = DEMOS[demo].signal
    values = "home.values.title.count" if signal is not None and signal.kind == "count" else "home.ratings.title"
    expected = [t("home.timeline.title", lang, unit=t("home.unit.month", lang)), t("home.tail.title", lang),
                t("home.users.title", lang), t(values, lang)]
    assert all(title in titles for title in expected), titles
    assert any(title.startswith(t("home.cat.title", lang, n=0)[:4]) for title in titles), "the category mix"
    if demo == "bilingual":
        assert t("home.events.title", lang) in titles, "the bilingual demo has event types"

    links = at.main.get("page_link")
    assert [link.proto.page for link in links] == GUIDE_PAGES
    assert [link.proto.label for link in links[:4]] == [t(f"home.guide.step{k}.link", lang) for k in range(1, 5)]

    labels = [m.label for m in at.main.metric]
    for key in ("home.interactions", "home.users", "home.items", "home.density", "home.tail.top10"):
        assert t(key, lang) in labels
    assert any(dataset_name in s.value for s in at.main.subheader), "the dataset is named as in the sidebar"

    strays = [text for text in _main_texts(at) if not _from_catalogue(text, templates)]
    assert not strays, f"text not from the {lang} catalogue: {strays}"
    for fig in _figures(at):
        strays = [text for text in _figure_texts(fig) if not _from_catalogue(text, templates)]
        assert not strays, f"chart text not from the {lang} catalogue: {strays}"

    top = at.main.dataframe[0].value
    assert top.columns[0] == t("home.col.title", lang) and len(top) == 10


def test_category_source_can_be_switched(tmp_workspace: Path) -> None:
    at = _run("demo:movielens", "en")
    control = at.segmented_control(key="home_category_source")
    assert control.value == "tags", "MovieLens' genres (tags) come first: every genre of a film counts"

    def _category_axis() -> list[str]:
        fig = next(f for f in _figures(at) if f["layout"]["title"]["text"].startswith("Category mix"))
        return list(fig["data"][0]["y"])

    genres = _category_axis()
    assert "Drama" in genres and len(genres) == 15
    control.set_value("category").run()
    assert not at.exception, _errors(at)
    first_genre = _category_axis()
    assert first_genre != genres and "IMAX" not in first_genre  # IMAX is never a film's first genre


def _bare_dataset() -> Dataset:
    """Implicit feedback, no timestamps, no categories or tags, titles that look like markup."""
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"user_id": rng.integers(0, 40, 600).astype(str),
                          "item_id": rng.integers(0, 80, 600).astype(str), "rating": 1.0,
                          "timestamp": np.nan, "event": ""})
    items = pd.DataFrame({"item_id": np.arange(80).astype(str),
                          "title": [f"<b>**标题 {k}**</b>" for k in range(80)]})
    return Dataset.from_frames("bare <i>upload</i>.csv", frame, items)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_upload_without_timestamps_categories_or_ratings(lang: str, tmp_workspace: Path) -> None:
    bare = _bare_dataset()
    key = f"upload:{bare.fingerprint}"
    at = _run(key, lang, uploaded={key: bare})
    infos = [i.value for i in at.main.info]
    assert t("home.timeline.none", lang) in infos
    assert t("home.cat.none", lang) in infos
    assert t("home.ratings.implicit", lang, value="1") in infos
    titles = [fig["layout"]["title"]["text"] for fig in _figures(at)]
    assert titles == [t("home.tail.title", lang), t("home.users.title", lang)]
    assert any("bare \\<i\\>upload\\</i\\>\\.csv" in s.value for s in at.main.subheader), "name escaped"
    active = fmt_number(int((bare.item_popularity > 0).sum()), lang=lang)
    assert t("home.summary_undated", lang, active=active) in [c.value for c in at.main.caption]
    strays = [text for text in _main_texts(at) if not _from_catalogue(text, _templates(lang))]
    assert not strays, strays
