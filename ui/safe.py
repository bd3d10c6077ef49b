"""Render untrusted text safely: everything from the data is escaped before it reaches Markdown."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&])")


def md_escape(text: object) -> str:
    """Escape Markdown and HTML metacharacters so user text is shown literally by ``st.markdown``."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")
