"""The one zh/en string catalogue of the dashboard, and ``t()`` to look strings up.

Every label, help text, message and chart title lives in ``CATALOGUE`` as ``key: (中文, English)``.
Pages never hold UI literals; they call ``t("section.key", **format_args)``. Sections are grouped by
page so a newcomer finds a page's strings together.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"

CATALOGUE: dict[str, tuple[str, str]] = {
    # --- app shell -----------------------------------------------------------------------------
    "app.title": ("InterestLens 兴趣透镜", "InterestLens"),
    "app.tagline": ("看清推荐系统的内部：兴趣、向量、融合权重、解释与离线评估。",
                    "See inside a recommender: interests, embeddings, fusion weights, explanations, evaluation."),
    "app.language": ("语言 / Language", "Language / 语言"),
    "app.dataset": ("数据集", "Dataset"),
    "app.dataset_help": ("选择内置演示数据或已上传的数据集", "Pick a bundled demo or an uploaded dataset"),
    "app.loading_dataset": ("正在加载数据集…", "Loading dataset…"),
    "nav.home": ("概览", "Overview"),
    "nav.data": ("数据", "Data"),
    "nav.interests": ("兴趣", "Interests"),
    "nav.tuning": ("权重调优", "Tuning"),
    "nav.map": ("向量地图", "Map"),
    "nav.evaluate": ("离线评估", "Evaluate"),
    "demo.movielens": ("MovieLens 电影（演示）", "MovieLens movies (demo)"),
    "demo.bilingual": ("中英双语目录（合成演示）", "Bilingual catalogue (synthetic demo)"),
    # --- home ----------------------------------------------------------------------------------
    "home.header": ("概览", "Overview"),
    "home.stats": ("数据集统计", "Dataset statistics"),
    "home.interactions": ("交互数", "Interactions"),
    "home.users": ("用户数", "Users"),
    "home.items": ("物品数", "Items"),
    "home.density": ("稀疏度（密度）", "Density"),
    "home.what_next": ("从左侧导航开始：上传数据、输入兴趣、调节融合权重、查看地图与评估。",
                       "Start from the navigation: upload data, type interests, tune fusion weights, "
                       "explore the map and evaluate."),
    # --- data page (issue 2) -----------------------------------------------------------------
    # --- embeddings (issue 3) ----------------------------------------------------------------
    # --- interests page (issue 4) ------------------------------------------------------------
    # --- tuning page (issue 5) ---------------------------------------------------------------
    # --- evaluate page (issue 6) -------------------------------------------------------------
    # --- map page (issue 7) ------------------------------------------------------------------
    # --- workspace / presets / security (issue 8) --------------------------------------------
}


def current_lang() -> str:
    """The language chosen in the sidebar (session state), defaulting to Chinese."""
    try:
        import streamlit as st

        lang = st.session_state.get("lang", DEFAULT_LANG)
    except Exception:  # outside a Streamlit run (tests of the catalogue itself)
        lang = DEFAULT_LANG
    return lang if lang in LANGS else DEFAULT_LANG


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
    dt = datetime.fromtimestamp(epoch_seconds, tz=timezone.utc)
    return f"{dt.year}年{dt.month}月{dt.day}日" if (lang or current_lang()) == "zh" else dt.strftime("%d %b %Y")
