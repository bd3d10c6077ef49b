"""The sidebar's language belongs to one browser session (ui/sidebar.py), driven with Streamlit's AppTest.

A new session opens in the URL's ``?lang=``, else the deployment's default (``$INTERESTLENS_LANG``), else
Chinese; the toggle switches that session and its URL and writes nothing another visitor would read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.workspace.store import default_workspace
from ui.i18n import LANG_ENV, default_lang, t


def _sidebar_script() -> None:
    from ui.sidebar import render_sidebar

    render_sidebar()


def _session(url_lang: str | None = None) -> AppTest:
    """A new browser session on the sidebar, optionally opened with ``?lang=``."""
    at = AppTest.from_function(_sidebar_script, default_timeout=60)
    if url_lang is not None:
        at.query_params["lang"] = url_lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _shown_lang(at: AppTest) -> str:
    """The language the sidebar is drawn in, read from its rendered dataset label."""
    label = at.sidebar.selectbox[0].label
    matches = [lang for lang in ("zh", "en") if label == t("app.dataset", lang)]
    assert len(matches) == 1, label
    return matches[0]


@pytest.fixture
def no_default(monkeypatch: pytest.MonkeyPatch, tmp_workspace: Path) -> Path:
    """No deployment default (Chinese) and a fresh workspace."""
    monkeypatch.delenv(LANG_ENV, raising=False)
    return tmp_workspace


def test_default_lang_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LANG_ENV, raising=False)
    assert default_lang() == "zh"
    monkeypatch.setenv(LANG_ENV, " EN ")
    assert default_lang() == "en"
    monkeypatch.setenv(LANG_ENV, "fr")  # not a catalogue language: ignored
    assert default_lang() == "zh"


def test_toggle_switches_this_session_only(no_default: Path) -> None:
    first = _session()
    assert first.session_state["lang"] == "zh" and _shown_lang(first) == "zh"
    first.sidebar.button_group[0].set_value("en").run()
    assert not first.exception
    assert first.session_state["lang"] == "en" and _shown_lang(first) == "en"
    assert first.query_params["lang"] == "en", "mirrored into the URL"
    assert default_workspace().get_setting("lang") is None, "the toggle writes nothing shared"

    second = _session()  # another visitor (or the same one after a server restart) without ?lang=
    assert second.session_state["lang"] == "zh" and _shown_lang(second) == "zh"


def test_a_stale_workspace_setting_is_not_a_default(no_default: Path) -> None:
    default_workspace().set_setting("lang", "en")  # written by an older version's toggle
    assert _session().session_state["lang"] == "zh"


def test_url_wins_over_the_deployment_default(no_default: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LANG_ENV, "en")
    assert _session().session_state["lang"] == "en"
    assert _session("zh").session_state["lang"] == "zh"
    assert _session("xx").session_state["lang"] == "en", "an unknown ?lang= falls back to the default"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dataset_picker_is_in_the_session_language(no_default: Path, lang: str) -> None:
    at = _session(lang)
    picker = at.sidebar.selectbox[0]
    assert picker.placeholder == t("app.choose_one", lang)
    assert t("demo.bilingual", lang) in picker.options
    assert picker.value == "demo:movielens"
