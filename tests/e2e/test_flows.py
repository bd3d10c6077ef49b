"""The analyst's main flows in a real browser: demo data, statistics, typed interests, tuning, map, upload
with bad rows, language switch and reload.

Labels are looked up in the i18n catalogue (``t(key, lang)``), widgets by Streamlit's ``data-testid``
attributes and the ``st-key-<key>`` classes of keyed widgets, so copy edits do not break the tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.e2e.conftest import (
    ROOT,
    app_exceptions,
    keyed,
    nav,
    open_app,
    options_of,
    press_slider,
    screenshot,
    select_option,
    sidebar_picker,
    svg_texts,
    upload,
    wait_for_app,
)
from ui.i18n import t

FIXTURES = ROOT / "tests" / "fixtures"
INTERESTS_PAGE = ROOT / "pages" / "interests.py"
TYPED = "我喜欢科幻电影，也想看点轻松的喜剧，不要恐怖片"


def _no_errors(page: Any) -> None:
    assert not app_exceptions(page), app_exceptions(page)
    assert not page.errors, page.errors


def _tick_labels(page: Any, key: str) -> list[str]:
    """Y-axis labels of a keyed plotly chart (the Tuning chart lists "rank. title")."""
    return svg_texts(keyed(page, key).locator(".yaxislayer-above text"))


_MAP_PLOT = ".st-key-map_chart:not([data-stale=\"true\"]) .js-plotly-plot"


def _click_map_point(page: Any) -> None:
    """Click the first item point of the map's first (WebGL) trace, at its pixel position.

    Waits for state, never for a drawn hover label (Chromium 156 does not always paint it): first for
    plotly's laid-out data, then for plotly's own hover state (``gd._hoverdata``), which its
    click-to-select reads, moving the pointer again if plotly has not registered it yet.
    """
    page.wait_for_function(
        f"() => {{ const gd = document.querySelector('{_MAP_PLOT}');"
        " return !!(gd && gd._fullLayout && gd._fullLayout._size && gd._fullData && gd._fullData[0]"
        " && gd._fullData[0].x && gd._fullData[0].x.length > 0); }", timeout=60_000)
    point = page.evaluate(f"""() => {{
        const gd = document.querySelector('{_MAP_PLOT}');
        const L = gd._fullLayout, r = gd.getBoundingClientRect(), d = gd._fullData[0];
        return {{x: r.left + L._size.l + L.xaxis.l2p(d.x[0]), y: r.top + L._size.t + L.yaxis.l2p(d.y[0])}};
    }}""")
    hovered = (f"() => {{ const gd = document.querySelector('{_MAP_PLOT}');"
               " return !!(gd && gd._hoverdata && gd._hoverdata.length); }")
    for attempt in range(5):
        page.mouse.move(point["x"] - 8 - attempt, point["y"] - 8)
        page.mouse.move(point["x"], point["y"], steps=4)
        try:
            page.wait_for_function(hovered, timeout=4_000)
            break
        except Exception:  # plotly throttles hover events: move again
            continue
    page.mouse.click(point["x"], point["y"])
    wait_for_app(page)


def _open_weight_editor(page: Any, table: Any) -> Any:
    """Open the weight cell (2nd column) of the tag table's first row; returns the cell editor.

    Waits for state: the app idle and the grid laid out before each try; a click that lands while the
    grid is being redrawn (the page reruns when the first results arrive) is retried.
    """
    editor = page.locator(".gdg-input").first
    for _ in range(4):
        wait_for_app(page)
        canvas = table.locator("canvas").first.bounding_box()
        page.mouse.click(canvas["x"] + 60, canvas["y"] + 35 + 17)
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            editor.wait_for(timeout=10_000)
            return editor
        except Exception:  # the grid was redrawn under the click: try again
            page.keyboard.press("Escape")
    editor.wait_for(timeout=10_000)
    return editor


def _interests_flow(page: Any) -> None:
    """Type Chinese interests, edit one tag weight in the table, like a recommended item."""
    nav(page, "interests")
    box = page.locator('[data-testid="stTextArea"] textarea').first
    box.fill(TYPED)
    box.press("Control+Enter")
    wait_for_app(page)
    table = page.locator('[class*="st-key-interests_table_"]').first
    table.wait_for()
    chart = keyed(page, "interests_chart")
    chart.locator(".main-svg").first.wait_for()
    before = chart.text_content()
    assert "科幻" in before, before  # the Chinese tags reached the weight chart
    # the first row is the first positive tag: open its weight cell (2nd column) and type a new weight
    editor = _open_weight_editor(page, table)
    editor.fill("0.9")
    editor.press("Enter")
    wait_for_app(page)
    page.wait_for_function(  # the edited weight changes the shares the chart shows (the page reruns twice)
        "before => [...document.querySelectorAll('.st-key-interests_chart:not([data-stale=\"true\"])')]"
        ".some(e => e.textContent !== before && e.textContent.includes('%'))", arg=before, timeout=30_000)
    wait_for_app(page)
    assert chart.text_content() != before
    # like the first recommendation: the page confirms and reweights
    likes = page.locator('[class*="st-key-interests_like_"] button')
    likes.first.click()
    wait_for_app(page)
    prefix = t("interests.feedback.like", "zh", title="\x00").split("\x00")[0]
    alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any(prefix in a for a in alerts), alerts
    _no_errors(page)
    screenshot(page, "interests_zh")


def test_main_flow(app_server: str, page: Any) -> None:
    """Demo -> Data stats -> Interests -> Tuning slider -> Map click -> Evaluate -> English."""
    open_app(page, app_server, lang="zh")
    picker = sidebar_picker(page)
    select_option(page, picker, t("demo.bilingual", "zh"))
    assert picker.input_value() == t("demo.bilingual", "zh")
    assert "dataset=demo%3Abilingual" in page.url or "dataset=demo:bilingual" in page.url
    metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert "300" in metrics, metrics  # the bilingual demo has 300 items
    screenshot(page, "home_zh")

    # Data page: the statistics tab of the current dataset
    nav(page, "data")
    page.get_by_role("tab", name=t("data.tab_stats", "zh")).click()
    stats = page.locator('[data-testid="stTabPanel"]:visible')
    stats.locator('[data-testid="stMetric"]').first.wait_for()
    assert stats.locator('[data-testid="stMetric"]').count() >= 5
    assert t("demo.bilingual", "zh") in stats.inner_text()  # a bundled demo's name follows the language
    stats.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
    _no_errors(page)
    screenshot(page, "data_zh")

    if INTERESTS_PAGE.exists():
        _interests_flow(page)

    # Tuning: a fusion slider re-ranks the list
    nav(page, "tuning")
    ticks = '.st-key-tuning_chart:not([data-stale="true"]) .yaxislayer-above text'
    page.wait_for_selector(ticks)
    before = _tick_labels(page, "tuning_chart")
    assert before and before[-1].startswith("1. "), before  # reversed axis: rank 1 is the last label
    slider = page.locator('[data-testid="stSlider"]').filter(has_text=t("tuning.channel.popularity", "zh"))
    press_slider(page, slider, "ArrowRight", 36)  # 0.20 -> 2.00
    assert slider.locator('input[type="range"]').input_value() == "2"
    page.wait_for_function(
        "([sel, old]) => { const now = [...document.querySelectorAll(sel)].map(e => e.textContent);"
        " return now.length > 0 && now.join('|') !== old.join('|'); }", arg=[ticks, before], timeout=30_000)
    after = _tick_labels(page, "tuning_chart")
    assert after != before
    _no_errors(page)
    screenshot(page, "tuning_zh")

    # Map: click a point, get its neighbours
    nav(page, "map")
    dataframes = page.locator('[data-testid="stDataFrame"]')
    assert not dataframes.count()  # no neighbour table (and no lasso table) before a click
    _click_map_point(page)
    header = t("map.neighbours_header", "zh", k=10)
    page.get_by_text(header).wait_for()
    dataframes.first.wait_for()  # st.dataframe does not get an st-key class; it is the only table here
    _no_errors(page)
    screenshot(page, "map_zh")

    nav(page, "evaluate")
    assert t("nav.evaluate", "zh") in page.locator('[data-testid="stSidebarNav"]').inner_text()
    _no_errors(page)
    screenshot(page, "evaluate_zh")

    # English: labels change everywhere, state (dataset, tuned weights) is kept
    page.locator('[data-testid="stSidebar"] button').filter(has_text="English").click()
    wait_for_app(page)
    nav_text = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert t("nav.tuning", "en") in nav_text and t("nav.tuning", "zh") not in nav_text, nav_text
    assert sidebar_picker(page).input_value() == t("demo.bilingual", "en")
    nav(page, "tuning")  # a rerun sends every widget's value: the dataset must survive it
    assert sidebar_picker(page).input_value() == t("demo.bilingual", "en")
    assert "dataset=demo%3Abilingual" in page.url, page.url
    page.get_by_role("heading", name=t("tuning.header", "en")).wait_for()
    page.wait_for_selector(ticks)
    popularity = page.locator('[data-testid="stSlider"]').filter(has_text=t("tuning.channel.popularity", "en"))
    assert popularity.locator('input[type="range"]').input_value() == "2"
    _no_errors(page)
    shot = screenshot(page, "tuning_en")
    shutil.copyfile(shot, ROOT / "assets" / "screenshot.png")
    nav(page, "map")
    page.get_by_role("heading", name=t("map.header", "en")).wait_for()
    page.wait_for_selector(".st-key-map_chart .main-svg")
    screenshot(page, "map_en")
    nav(page, "data")
    screenshot(page, "data_en")


def test_upload_bad_rows_download_and_reload(app_server: str, page: Any, tmp_path: Path) -> None:
    """Upload a CSV with bad rows, download exactly the rejected rows; after a reload the uploaded dataset
    is still picked and offered, and the language is remembered."""
    open_app(page, app_server, "data", lang="en")
    upload(page, 0, FIXTURES / "bad_ratings.csv")
    load = keyed(page, "data_load").locator("button")
    load.wait_for()
    load.click()
    wait_for_app(page)
    page.get_by_text(t("data.report_header", "en")).wait_for()
    metrics = page.locator('[data-testid="stMetric"]').all_inner_texts()
    assert any(t("data.rows_rejected", "en") in m and "6" in m for m in metrics), metrics
    with page.expect_download() as info:
        keyed(page, "download_rejected_0").locator("button").click()
    download = info.value
    assert download.suggested_filename == "bad_ratings_rejected.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1 + 6, text  # header + the six bad rows
    for bad in ("inf", "-1", "5000000", "NaN", "four"):
        assert bad in text, (bad, text)
    assert "4.5" not in text  # the good rows were loaded, not rejected
    screenshot(page, "data_upload_en")

    label = t("ws.dataset_label", "en", name="bad_ratings.csv", rows="2")
    assert sidebar_picker(page).input_value() == label
    _no_errors(page)

    page.reload()
    wait_for_app(page)
    assert sidebar_picker(page).input_value() == label  # still picked after the reload
    nav_text = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert t("nav.data", "en") in nav_text and t("nav.tuning", "en") in nav_text, nav_text
    offered = options_of(page, sidebar_picker(page))
    assert label in offered and t("demo.bilingual", "en") in offered, offered
    _no_errors(page)
