"""ui.safe: user text shown through Streamlit's Markdown stays literal (no link, image, HTML, autolink,
shortcode or math), and the message helpers that quote user input escape it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.data.report import IngestError
from tests.markdown_check import markup_in, visible_text
from ui import data_views as dv
from ui.i18n import CATALOGUE, LANGS, t
from ui.safe import WORD_JOINER, md_escape, plot_text

PAYLOADS = [
    "[Session expired – log in again](http://evil)![x](http://evil/x.png)<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "![tracker](https://evil.example/pixel.png)",
    "<img src=x onerror=alert(1)>",
    "<a href='http://evil'>x</a>",
    "visit https://evil.example/login now",
    "www.evil.example",
    "mail admin@evil.example",
    ":material/warning: :smile: :red[alert] :blue-background[x]",
    "$x^2$ and $$y$$",
    "**bold** _it_ `code` ~~gone~~",
    "# heading",
    "- item",
    "1. item",
    "> quote",
    "a\n# heading on a new line\r\n- list\rstill",
    "| a | b |\n|---|---|\n| c | d |",
    "<http://evil.example>",
    "&lt;script&gt; &amp;",
    "[ref][1]\n\n[1]: http://evil.example",
    "\\[escaped\\](http://evil.example)",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_render_as_markup_without_escaping(payload: str) -> None:
    """The checker is not blind: each payload is markup when shown raw (else the test below proves nothing)."""
    assert markup_in(payload), payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_escape_shows_every_payload_literally(payload: str) -> None:
    escaped = md_escape(payload)
    assert markup_in(escaped) == []
    assert visible_text(escaped) == " ".join(payload.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()


def test_autolinks_and_shortcodes_get_an_invisible_word_joiner() -> None:
    escaped = md_escape("https://a.example www.b.example c@d.example :smile:")
    assert escaped.count(WORD_JOINER) == 4
    assert md_escape("Star Wars: Episode IV (1977) at 12:30") == "Star Wars: Episode IV \\(1977\\) at 12:30"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]()!<>*_`~#-+.|:/@$&;=\\ \t\nwhtps:eE1x")), max_size=40))
def test_md_escape_property_no_markup_and_text_kept(text: str) -> None:
    escaped = md_escape(text)
    assert markup_in(escaped) == [], (text, escaped)
    assert visible_text(escaped) == text.replace("\n", " ").strip()


def test_plot_text_escapes_html_and_cuts() -> None:
    assert plot_text("<b>x</b>\n y") == "&lt;b&gt;x&lt;/b&gt; y"
    assert len(plot_text("x" * 200, limit=10)) == 10


# --- message helpers that quote user input -----------------------------------------------------------


HOSTILE_NAME = "[Session expired – log in again](http://evil.example)![x](http://evil.example/x.png)<script>.csv"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", sorted(k.removeprefix("data.error.") for k in CATALOGUE
                                        if k.startswith("data.error.")))
def test_every_data_error_message_with_a_hostile_name_is_shown_literally(code: str, lang: str) -> None:
    """The Data page shows ``md_escape(error_text(exc))`` for every read / load error."""
    params = {"name": HOSTILE_NAME, "line": 3, "rows": 5, "role": "user", "other": "item",
              "column": "[c](http://evil.example)", "columns": "a, ![i](http://evil.example/i.png)"}
    message = dv.error_text(IngestError("english", code, **params), lang)
    quoted = "evil" in message
    if quoted:
        assert markup_in(message), "unescaped, the quoted payload would be markup"
    shown = md_escape(message)
    assert markup_in(shown) == []
    assert ("evil" in visible_text(shown)) == quoted


@pytest.mark.parametrize("key", ["tuning.preset_error", "evaluate.failed", "evaluate.bad_settings", "evaluate.saved",
                                 "evaluate.not_saved", "interests.edit_error", "map.error", "ws.save_failed",
                                 "data.stats_header", "data.reading", "evaluate.dropped"])
@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_messages_with_escaped_values_stay_literal(key: str, lang: str) -> None:
    """Messages whose values are user text: with md_escape'd values no markup comes from the values (only
    what the template itself formats, e.g. bold)."""
    template_markup = set(markup_in(t(key, lang, **_fill(key, lang, "v"))))
    shown = t(key, lang, **_fill(key, lang, md_escape(HOSTILE_NAME)))
    assert set(markup_in(shown)) <= template_markup
    assert "Session expired" in visible_text(shown)


def _fill(key: str, lang: str, value: str) -> dict[str, str]:
    import string

    template = CATALOGUE[key][LANGS.index(lang)]
    return {name: value for _, name, _, _ in string.Formatter().parse(template) if name}
