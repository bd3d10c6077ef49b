"""Render untrusted text safely: everything from the data is escaped before it reaches Markdown or plotly."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&])")


def md_escape(text: object) -> str:
    """Escape Markdown and HTML metacharacters so user text is shown literally by ``st.markdown``."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def plot_text(text: object, limit: int = 90) -> str:
    """Plain text for plotly labels and hovers (plotly renders a subset of HTML): one line, cut to ``limit``
    characters with an ellipsis, HTML-escaped."""
    raw = " ".join(str(text).split())
    if len(raw) > limit:
        raw = raw[: limit - 1] + "…"
    return html.escape(raw, quote=True)
