"""Render untrusted text safely: everything from the data is escaped before it reaches Markdown or plotly.

Streamlit renders the text of ``st.markdown``, ``st.error`` / ``warning`` / ``info`` / ``success``,
``st.caption``, ``st.toast``, headers, widget labels and ``help=`` tooltips as GitHub-flavoured Markdown.
:func:`md_escape` makes a user-supplied value (a file name, a column name, a title, an error message that
quotes one) show literally there:

- every Markdown / HTML metacharacter gets a backslash (no emphasis, link, image, code, heading, list, table,
  math, character reference or raw HTML can start inside the value); line breaks become spaces and edge
  spaces are dropped (no new block, no indented code block can start);
- GFM's *literal* autolinks (``https://…``, ``www.…``, ``someone@host.tld``) and Streamlit's ``:shortcode:``
  / ``:material/icon:`` / ``:colour[…]`` directives are recognised in text *after* backslash escapes are
  resolved, so escaping alone does not stop them: a word joiner (U+2060, invisible) is put after the
  ``:`` of ``://`` and of a shortcode, between ``www`` and its dot, and after ``@``.
"""

from __future__ import annotations

import html
import re

WORD_JOINER = "\u2060"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&])")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
_AUTOLINK = re.compile(
    r"(?<=:)(?=//)"                # scheme://
    r"|(?<=:)(?=[\w+-]+[:/\[])"    # :shortcode:  :material/icon:  :red[...]
    r"|(?i:(?<=www))(?=\.)"        # www.host
    r"|(?<=@)(?=[\w-])"            # someone@host
)


def md_escape(text: object) -> str:
    """Escape Markdown and HTML metacharacters (and defuse autolinks / shortcodes) so user text is shown
    literally by ``st.markdown`` and every other Streamlit call that renders Markdown."""
    raw = _LINE_BREAKS.sub(" ", str(text)).strip()  # no edge spaces: four would start a code block
    return _MD_SPECIAL.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, raw))


def plot_text(text: object, limit: int = 90) -> str:
    """Plain text for plotly labels and hovers (plotly renders a subset of HTML): one line, cut to ``limit``
    characters with an ellipsis, HTML-escaped."""
    raw = " ".join(str(text).split())
    if len(raw) > limit:
        raw = raw[: limit - 1] + "…"
    return html.escape(raw, quote=True)
