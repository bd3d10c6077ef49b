"""The hostile dataset (tests/fixtures/hostile: every text field holds <script>, <img onerror>, javascript:
links, ...) goes through the Data page upload and every page is visited: no payload may run.

Every payload sets ``window.__xss`` (or calls a dialog). An init script, installed before any page script,
turns ``window.__xss`` into a trap that records each write; dialogs are recorded; and the DOM (all frames)
is searched for elements a payload would have created (script, on* handlers, javascript: URLs).
"""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import (
    ROOT,
    app_exceptions,
    keyed,
    nav,
    open_app,
    screenshot,
    sidebar_picker,
    upload,
    wait_for_app,
)
from ui.i18n import t

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"

TRAP = """
(() => {
  window.__xss_hits = [];
  Object.defineProperty(window, '__xss', {
    configurable: false,
    get() { return undefined; },
    set(v) { window.__xss_hits.push(String(v) + ' @ ' + (new Error().stack || '').split('\\n')[2]); },
  });
  for (const name of ['alert', 'confirm', 'prompt']) {
    const original = window[name];
    window[name] = function (...args) { window.__xss_hits.push(name + ':' + args.join(',')); };
  }
})();
"""

INJECTED = """() => {
  const found = [];
  const docs = [document];
  for (const f of document.querySelectorAll('iframe')) {
    try { if (f.contentDocument) docs.push(f.contentDocument); } catch (e) { /* cross-origin */ }
  }
  for (const doc of docs) {
    for (const s of doc.querySelectorAll('script')) {
      if ((s.textContent || '').includes('__xss')) found.push('script: ' + s.textContent.slice(0, 80));
    }
    for (const el of doc.querySelectorAll('*')) {
      for (const a of el.attributes) {
        const v = (a.value || '').toLowerCase();
        if (a.name.startsWith('on') && v.includes('__xss')) found.push(el.tagName + '[' + a.name + ']');
        if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(a.name)
            && v.replace(/\\s/g, '').startsWith('javascript:')) found.push(el.tagName + '[' + a.name + ']=' + v);
      }
    }
    for (const img of doc.querySelectorAll('img[src="x"], svg[onload], iframe[src^="javascript"]')) {
      found.push('payload element ' + img.outerHTML.slice(0, 80));
    }
  }
  return found;
}"""


def _check(page: Any, dialogs: list[str], where: str) -> None:
    hits = page.evaluate("() => window.__xss_hits")
    assert hits == [], f"{where}: a payload ran: {hits}"
    assert dialogs == [], f"{where}: a dialog opened: {dialogs}"
    injected = page.evaluate(INJECTED)
    assert injected == [], f"{where}: elements created from data: {injected}"
    assert not app_exceptions(page), f"{where}: {app_exceptions(page)}"


def _hover_map(page: Any) -> None:
    """Hover (and click) a few map points so plotly draws hover labels built from hostile titles."""
    if not page.locator(".st-key-map_chart").count():
        raise AssertionError("no map: " + page.locator('[data-testid="stMain"]').inner_text()[:1500])
    page.wait_for_selector(".st-key-map_chart .js-plotly-plot .main-svg")
    points = page.evaluate("""() => {
        const gd = document.querySelector('.st-key-map_chart .js-plotly-plot');
        const L = gd._fullLayout, r = gd.getBoundingClientRect(), out = [];
        for (const d of gd._fullData.slice(0, 3)) {
          if (!d.x || !d.x.length) continue;
          out.push({x: r.left + L._size.l + L.xaxis.l2p(d.x[0]), y: r.top + L._size.t + L.yaxis.l2p(d.y[0])});
        }
        return out;
    }""")
    for pt in points:
        page.mouse.move(pt["x"] - 6, pt["y"] - 6)
        page.mouse.move(pt["x"], pt["y"], steps=3)
        page.wait_for_timeout(300)
    if points:
        page.mouse.click(points[0]["x"], points[0]["y"])
        wait_for_app(page)


def test_hostile_dataset_runs_no_script(app_server: str, page: Any) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(TRAP)
    open_app(page, app_server, "data", lang="en")
    upload(page, 0, HOSTILE / "interactions.csv")
    upload(page, 1, HOSTILE / "items.csv")
    load = keyed(page, "data_load").locator("button")
    load.wait_for()
    load.click()
    wait_for_app(page)
    page.get_by_text(t("data.report_header", "en")).wait_for()
    assert "interactions.csv" in sidebar_picker(page).input_value()
    _check(page, dialogs, "data page after load")
    page.get_by_role("tab", name=t("data.tab_stats", "en")).click()
    page.locator('[data-testid="stTabPanel"]:visible [data-testid="stMetric"]').first.wait_for()
    _check(page, dialogs, "data statistics")
    screenshot(page, "xss_data")

    nav(page, "home")
    _check(page, dialogs, "home")

    nav(page, "interests")
    box = page.locator('[data-testid="stTextArea"] textarea').first
    box.fill("科幻电影 space opera, 轻松的喜剧, 不要恐怖片")
    box.press("Control+Enter")
    wait_for_app(page)
    page.locator('[class*="st-key-interests_like_"] button').first.wait_for()
    _check(page, dialogs, "interests")
    screenshot(page, "xss_interests")

    nav(page, "tuning")
    page.wait_for_selector('.st-key-tuning_chart:not([data-stale="true"]) .yaxislayer-above text')
    # hover a bar: plotly builds the hover label from the (escaped) title
    box = page.locator('.st-key-tuning_chart .bars path').first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=3)
    page.wait_for_timeout(300)
    _check(page, dialogs, "tuning")
    screenshot(page, "xss_tuning")

    nav(page, "map")
    _hover_map(page)
    _check(page, dialogs, "map")
    screenshot(page, "xss_map")

    nav(page, "evaluate")
    _check(page, dialogs, "evaluate")
    screenshot(page, "xss_evaluate")

    # the hostile titles really were on screen (as text), so the checks above saw them
    nav(page, "interests")
    assert "<script>" in page.locator('[data-testid="stMain"]').inner_text()
    _check(page, dialogs, "interests (again)")
    assert not page.errors, page.errors
