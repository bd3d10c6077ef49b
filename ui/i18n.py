"""The one zh/en string catalogue of the dashboard, and ``t()`` to look strings up.

Every label, help text, message and chart title lives in ``CATALOGUE`` as ``key: (中文, English)``.
Pages never hold UI literals; they call ``t("section.key", **format_args)``. The strings themselves sit
in :mod:`ui.catalogue`, one module per page (common, home, data, interests, map, tuning, evaluate and
its typed-interest, breakdown and compare parts), so a newcomer finds a page's strings together; a key
added to two modules fails ``tests/ui/test_i18n.py``.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from ui.catalogue import (
    common,
    compare,
    data,
    evaluate,
    evaluate_breakdown,
    evaluate_typed,
    home,
    interests,
    map,
    tuning,
)

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"

CATALOGUE: dict[str, tuple[str, str]] = {
    **common.ENTRIES,
    **home.ENTRIES,
    **data.ENTRIES,
    **interests.ENTRIES,
    **map.ENTRIES,
    **tuning.ENTRIES,
    **evaluate.ENTRIES,
    **evaluate_typed.ENTRIES,
    **evaluate_breakdown.ENTRIES,
    **compare.ENTRIES,
}
"""Every string: ``key: (中文, English)``, gathered from the per-page modules of :mod:`ui.catalogue`."""


LANG_ENV = "INTERESTLENS_LANG"
"""Environment variable naming the deployment's default language (``zh`` or ``en``)."""


def default_lang() -> str:
    """The language a new session opens in without ``?lang=``: ``$INTERESTLENS_LANG`` if valid, else Chinese."""
    lang = os.environ.get(LANG_ENV, "").strip().lower()
    return lang if lang in LANGS else DEFAULT_LANG


def current_lang() -> str:
    """The language of this browser session (the sidebar's toggle), else the deployment's default."""
    try:
        import streamlit as st

        lang = st.session_state.get("lang")
    except Exception:  # outside a Streamlit run (tests of the catalogue itself)
        lang = None
    return lang if lang in LANGS else default_lang()


def t(key: str, lang: str | None = None, **fmt: Any) -> str:
    """Translate ``key`` into ``lang`` (default: the session's language) and format it.

    A missing key returns the key itself in brackets, so a gap is visible rather than fatal.
    """
    entry = CATALOGUE.get(key)
    if entry is None:
        return f"[{key}]"
    text = entry[LANGS.index(lang or current_lang())]
    return text.format(**fmt) if fmt else text


def fmt_number(value: float, digits: int = 0, lang: str | None = None) -> str:
    """Format a number for the language: thousands separators; 万/亿 for large values in Chinese."""
    lang = lang or current_lang()
    if lang == "zh" and abs(value) >= 100_000_000:
        return f"{value / 100_000_000:.2f} 亿"
    if lang == "zh" and abs(value) >= 100_000:
        return f"{value / 10_000:.1f} 万"
    return f"{value:,.{digits}f}"


def fmt_date(epoch_seconds: float, lang: str | None = None) -> str:
    """Format a Unix time as a date in the language's usual form."""
    if epoch_seconds != epoch_seconds:  # NaN
        return "—"
    dt = datetime.fromtimestamp(epoch_seconds, tz=UTC)
    return f"{dt.year}年{dt.month}月{dt.day}日" if (lang or current_lang()) == "zh" else dt.strftime("%d %b %Y")
