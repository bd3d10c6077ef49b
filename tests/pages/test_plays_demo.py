"""Every page renders on the plays demo (synthetic play counts, implicit feedback) in both languages' key
places: no exception, the demo is offered and named, counts are shown as counts and the Evaluate page
says that every held-out item is relevant (the count signal's rule). The pages that embed the catalogue
(interests, tuning, map: 2,500 tracks through the encoder) are marked slow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.data.demos import DEMOS, load_demo
from ui.i18n import t
from ui.safe import md_escape
from ui.upload_panel import signal_text

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 900
SCRIPT = """
import runpy, sys
sys.path.insert(0, {root!r})
from ui.sidebar import render_sidebar
render_sidebar()
runpy.run_path({page!r}, run_name="__page__")
"""


def _errors(at: AppTest) -> str:
    return "\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in at.exception)


def _render(page: str, lang: str) -> AppTest:
    if page == "home":
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    else:
        at = AppTest.from_string(SCRIPT.format(root=str(ROOT), page=str(ROOT / "pages" / f"{page}.py")),
                                 default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.session_state["dataset_key"] = "demo:plays"
    at.run()
    assert not at.exception, _errors(at)
    return at


def _texts(at: AppTest) -> list[str]:
    return [str(e.value) for kind in ("markdown", "caption", "info", "subheader", "header")
            for e in at.main.get(kind)]


def test_the_sidebar_offers_every_demo_in_the_registry() -> None:
    at = _render("home", "en")
    options = at.sidebar.selectbox[0].options
    assert [t(f"demo.{key}", "en") for key in DEMOS] == [o for o in options if o in
                                                          {t(f"demo.{k}", "en") for k in DEMOS}]
    assert t("demo.plays", "en") in options


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_shows_counts_as_counts(lang: str) -> None:
    at = _render("home", lang)
    assert any(md_escape(t("demo.plays", lang)) in s.value for s in at.main.subheader)
    titles = [json.loads(f.proto.spec)["layout"]["title"]["text"] for f in at.get("plotly_chart")]
    assert t("home.values.title.count", lang) in titles and t("home.ratings.title", lang) not in titles


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_evaluate_page_names_the_implicit_relevance_rule(lang: str) -> None:
    at = _render("evaluate", lang)
    kind = t("data.signal.kind.count", lang)
    expected = t("evaluate.relevance.implicit_all", lang, kind=kind[:1].lower() + kind[1:] if lang == "en" else kind)
    assert expected in _texts(at)


def test_evaluate_page_says_when_the_threshold_field_overrides_the_rule() -> None:
    at = AppTest.from_string(SCRIPT.format(root=str(ROOT), page=str(ROOT / "pages" / "evaluate.py")),
                             default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.session_state["dataset_key"] = "demo:plays"
    at.session_state["eval_threshold"] = "3"
    at.run()
    assert not at.exception, _errors(at)
    assert any(t("evaluate.relevance.override", "en", value="3") in text for text in _texts(at))


def test_data_page_shows_the_declared_count_signal() -> None:
    at = _render("data", "en")
    text = signal_text(load_demo("plays").signal, "en", template="data.stats.signal")
    assert t("data.signal.kind.count", "en") in text and t("data.signal.reason.declared", "en") in text
    assert md_escape(text) in _texts(at)


@pytest.mark.slow
@pytest.mark.parametrize("page", ["interests", "tuning", "map"])
def test_embedding_pages_render(page: str) -> None:
    at = _render(page, "en")
    assert at.main.get("header") or at.main.get("subheader")
