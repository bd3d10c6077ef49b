"""What Streamlit's Markdown renderer would turn into markup: a test helper shared by the escaping tests.

Streamlit renders message text with react-markdown + remark-gfm (+ remark-emoji, KaTeX, its own
``:material/…:`` icons and ``:colour[…]`` directives). :func:`markup_in` parses the text the same way with
markdown-it-py (CommonMark + GFM tables / strikethrough, raw HTML *on*, so HTML is found even though
Streamlit would drop it) and then applies, to every resolved text run, the regular expressions Streamlit's
bundle applies after parsing (GFM literal autolinks and e-mail links from mdast-util-gfm-autolink-literal,
the emoji shortcode test); ``$`` math and ``:material/`` icons are checked on the source, as Streamlit does.
An empty list means the text shows literally.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

# From streamlit/static/static/js/StreamlitMarkdown.*.js (mdast-util-gfm-autolink-literal, remark-emoji test)
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I)
GFM_EMAIL = re.compile(r"(?<![^\s\W])([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")
EMOJI = re.compile(r":(?!material/|streamlit:)[\w+-][\w_+-]*:")
DIRECTIVE = re.compile(r":[a-z][\w-]*\[")
UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")
ENTITY = re.compile(r"(?<!\\)&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

_PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_PARSER.validateLink = lambda url: True  # count javascript: links as links too (a sanitiser is not our defence)
_MARKUP_TOKENS = {"link_open": "link", "image": "image", "html_inline": "raw HTML", "html_block": "raw HTML",
                  "em_open": "emphasis", "strong_open": "strong", "s_open": "strikethrough",
                  "code_inline": "code", "heading_open": "heading", "bullet_list_open": "list",
                  "ordered_list_open": "list", "blockquote_open": "quote", "table_open": "table",
                  "fence": "code block", "code_block": "code block", "hr": "rule"}


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def markup_in(source: str, *, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Markup that ``source`` would produce when rendered by ``st.markdown`` (kinds in ``allowed`` are
    ignored, e.g. ``{"strong"}`` for a message whose template bolds a label)."""
    found: list[str] = []
    if ":material/" in source:
        found.append("material icon")
    if UNESCAPED_DOLLAR.search(source):
        found.append("math ($)")
    found += [f"character reference: {m.group(0)!r}" for m in ENTITY.finditer(source)]
    for token in _walk(_PARSER.parse(source)):
        kind = _MARKUP_TOKENS.get(token.type)
        if kind is not None and kind not in allowed:
            found.append(f"{kind}: {token.content or token.attrs or token.markup!r}")
        if token.type == "text":
            text = token.content
            found += [f"autolink: {m.group(0)!r}" for m in GFM_URL.finditer(text)]
            found += [f"mailto link: {m.group(0)!r}" for m in GFM_EMAIL.finditer(text)]
            found += [f"emoji shortcode: {m.group(0)!r}" for m in EMOJI.finditer(text)]
            found += [f"directive: {m.group(0)!r}" for m in DIRECTIVE.finditer(text)]
    return found


def visible_text(source: str) -> str:
    """The text a reader sees (escapes resolved, markup dropped, word joiners removed)."""
    parts = [t.content for t in _walk(_PARSER.parse(source)) if t.type in ("text", "code_inline")]
    return "".join(parts).replace("\u2060", "")


def strings_of(value: Any, keys: frozenset[str]) -> Iterator[tuple[str, str]]:
    """Every (key, string) under ``keys`` in a nested dict / list (a proto as ``MessageToDict`` gives it)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in keys and isinstance(item, str):
                yield key, item
            else:
                yield from strings_of(item, keys)
    elif isinstance(value, list):
        for item in value:
            yield from strings_of(item, keys)
