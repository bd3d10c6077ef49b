"""Five browser sessions at once on one server: each picks something different and keeps its own state."""

from __future__ import annotations

import contextlib
from typing import Any

from tests.e2e.conftest import app_exceptions, nav, new_context, open_app, sidebar_picker, wait_for_app
from ui.i18n import fmt_number, t

BILINGUAL = "demo:bilingual"


def _tags_text(page: Any) -> str:
    return page.locator('[data-testid="stMain"] [data-testid="stText"]').first.inner_text()


def _type_interests(page: Any, text: str) -> None:
    box = page.locator('.st-key-tuning_interests input')
    box.fill(text)
    box.press("Enter")
    wait_for_app(page)


def test_five_sessions_keep_their_own_state(app_server: str, browser: Any) -> None:
    contexts = [new_context(browser) for _ in range(5)]
    try:
        pages = [c.new_page() for c in contexts]
        # what each session does: (path, query, typed interests)
        open_app(pages[0], app_server, dataset=BILINGUAL, lang="zh")
        open_app(pages[1], app_server, dataset=BILINGUAL, lang="en")
        open_app(pages[2], app_server, lang="en")  # MovieLens (the default)
        open_app(pages[3], app_server, "tuning", dataset=BILINGUAL, lang="en")
        open_app(pages[4], app_server, "tuning", dataset=BILINGUAL, lang="zh")
        _type_interests(pages[3], "space opera and light comedy")
        _type_interests(pages[4], "武侠小说")
        # session 0 switches to English and session 1 to Chinese: nobody else may follow
        pages[0].locator('[data-testid="stSidebar"] button').filter(has_text="English").click()
        pages[1].locator('[data-testid="stSidebar"] button').filter(has_text="中文").click()
        for p in pages[:2]:
            wait_for_app(p)

        # the typed interests stayed with their sessions (checked before leaving the page: Streamlit drops
        # a widget's state when a run does not draw it, so the Tuning box is empty after a page switch)
        for i, typed, tag in ((3, "space opera and light comedy", "space opera"), (4, "武侠小说", "武侠")):
            wait_for_app(pages[i])
            box = pages[i].locator('.st-key-tuning_interests input')
            assert box.input_value() == typed, i
            assert tag in _tags_text(pages[i]), (i, _tags_text(pages[i]))

        expected = [
            ("en", t("demo.bilingual", "en")),
            ("zh", t("demo.bilingual", "zh")),
            ("en", t("demo.movielens", "en")),
            ("en", t("demo.bilingual", "en")),
            ("zh", t("demo.bilingual", "zh")),
        ]
        for i, (p, (lang, dataset)) in enumerate(zip(pages, expected, strict=True)):
            nav(p, "data")  # a rerun of each session, after all the others acted
            assert sidebar_picker(p).input_value() == dataset, i
            p.get_by_role("heading", name=t("data.header", lang)).first.wait_for()
            nav_text = p.locator('[data-testid="stSidebarNav"]').inner_text()
            assert t("nav.tuning", lang) in nav_text, (i, nav_text)
            assert not app_exceptions(p), (i, app_exceptions(p))
        for i in (0, 1, 3, 4):
            metrics = pages[i].locator('[data-testid="stMetricValue"]').all_inner_texts()
            assert "300" in metrics, (i, metrics)
        metrics = pages[2].locator('[data-testid="stMetricValue"]').all_inner_texts()
        assert fmt_number(9742, lang="en") in metrics, metrics

    finally:
        for c in contexts:
            with contextlib.suppress(Exception):
                c.close()
