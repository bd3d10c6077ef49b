"""Browser end-to-end fixtures: a real ``streamlit run app.py`` server and Debian's Chromium via Playwright.

Tests here are marked ``e2e``. They skip with a clear reason when /usr/bin/chromium is missing
(``.ci/run`` installs it with apt). Screenshots go to ``tests/e2e/artifacts/``.

One server (``app_server``) is shared by the whole session; tests that need their own (a restart on the
same workspace, a lowered upload limit) start one with :func:`start_server` and stop it with
:func:`stop_server`. Waits are event-driven: Streamlit's ``data-test-script-state`` attribute on the
app root says whether a script run is in progress.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("INTERESTLENS_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
APP_TIMEOUT_MS = 240_000
"""Longest wait for one script run: the first visit to a page builds vectors, indexes and channels."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder e2e and skip them all when there is no browser."""
    skip = None
    if not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM}; install Debian's 'chromium' package"
        skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if skip is not None:
                item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 180.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout}s")


def start_server(workspace: Path, *extra_args: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``python -m ui.launch run app.py`` (``streamlit run`` with the preload) on a free port with its own
    workspace; return (process, url).

    ``extra_args`` are appended to the command line (e.g. ``"--server.maxUploadSize", "1"``).
    """
    port = _free_port()
    env = dict(os.environ, INTERESTLENS_WORKSPACE=str(workspace), HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1")
    log = open(workspace / f"streamlit-{port}.log", "wb")  # noqa: SIM115 - kept open for the server's lifetime
    proc = subprocess.Popen(
        # started as ./dev.sh app starts it: streamlit's command line with the engine's modules preloaded
        [sys.executable, "-m", "ui.launch", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", *extra_args],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
    except RuntimeError:
        stop_server(proc)
        raise
    return proc, url


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server started by :func:`start_server` (SIGTERM, then SIGKILL after 15 s)."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)


@pytest.fixture(scope="session")
def e2e_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workspace folder the e2e server uses (shared by the session, so restarts find it)."""
    return tmp_path_factory.mktemp("e2e_workspace")


@pytest.fixture(scope="session")
def app_server(e2e_workspace: Path, browser: Any) -> Iterator[str]:
    """A running app for the whole e2e session (already primed, see :func:`prime_server`); yields its URL."""
    proc, url = start_server(e2e_workspace)
    try:
        prime_server(browser, url)
        yield url
    finally:
        stop_server(proc)


def prime_server(browser: Any, url: str) -> None:
    """Open the app's root once in a throwaway context, so the server leaves Streamlit's "pages/ folder" mode.

    Streamlit assumes the old multipage mode (every ``pages/*.py`` run directly, without ``app.py``) for an
    app with a ``pages/`` folder until ``st.navigation`` has been called once in the process. The first
    visit of a fresh server therefore has to be the root URL, or that visitor gets a page without the
    sidebar (language toggle, dataset picker). ``test_restart.py::test_deep_link_on_fresh_server``
    documents that bug; every other test starts from a primed server.
    """
    context = new_context(browser)
    try:
        page = context.new_page()
        open_app(page, url)
        page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stSelectbox"]')
    finally:
        context.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def new_context(browser: Any) -> Any:
    """A fresh browser context (own cookies, own Streamlit session) with the test viewport."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN",
                                  accept_downloads=True)
    context.set_default_timeout(APP_TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page per test; page errors are collected in ``page.errors``."""
    context = new_context(browser)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.errors = errors
    try:
        yield pg
    finally:
        with contextlib.suppress(Exception):
            context.close()


def wait_for_app(page: Any, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """Wait until the app is connected and no script run is in progress.

    A run that was just triggered may not have started yet, so first give it a moment to report
    ``running`` (an event, not a fixed sleep: it returns as soon as the state changes).
    """
    root = '[data-testid="stApp"]'
    page.wait_for_selector(f'{root}[data-test-connection-state="CONNECTED"]', timeout=timeout_ms)
    with contextlib.suppress(Exception):
        page.wait_for_selector(f'{root}:not([data-test-script-state="notRunning"])', timeout=1_500)
    done = f'{root}[data-test-script-state="notRunning"], {root}[data-test-script-state="compilationError"]'
    page.wait_for_selector(done, timeout=timeout_ms)
    if page.locator(f'{root}[data-test-script-state="compilationError"]').count():
        raise AssertionError("the app script does not compile: " + " | ".join(app_exceptions(page)))
    page.wait_for_function(  # nothing stale left on screen from the previous run
        "() => !document.querySelector('[data-stale=\"true\"]')", timeout=timeout_ms)


def open_app(page: Any, url: str, path: str = "", **params: str) -> None:
    """Open ``url/path?params`` and wait for the first script run to finish."""
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    page.goto(f"{url}/{path}{query}")
    wait_for_app(page)


def screenshot(page: Any, name: str, max_height: int = 4000) -> Path:
    """Save a screenshot of the whole page to the artefact folder.

    Streamlit scrolls inside its main container, not the document, so ``full_page`` alone would cut at
    the viewport: the viewport is stretched to the content's height for the shot, then restored.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size or {"width": 1400, "height": 1000}
    height = page.evaluate(
        "() => Math.max(0, ...[...document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stMainBlockContainer], [data-testid=stSidebarContent]')]"
        ".map(e => e.scrollHeight))")
    page.set_viewport_size({"width": size["width"], "height": int(min(max(size["height"], height + 80), max_height))})
    try:
        page.wait_for_timeout(300)  # let charts re-layout to the new size
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return path


# --- interaction helpers (Streamlit's stable data-testid attributes and st-key-<key> classes) -------


def nav(page: Any, slug: str) -> None:
    """Go to another page through the sidebar navigation (same session, so session state is kept)."""
    href = "/" if slug in ("", "home") else f"/{slug}"
    page.locator(f'[data-testid="stSidebarNavLink"][href$="{href}"]').first.click()
    page.wait_for_url(f"**{href}*")
    wait_for_app(page)


def keyed(page: Any, key: str) -> Any:
    """The element a widget/element ``key=`` names (Streamlit adds the class ``st-key-<key>``); a copy
    retained from the previous run while a rerun is drawing (``data-stale="true"``) is skipped."""
    return page.locator(f'.st-key-{key}:not([data-stale="true"])')


def sidebar_picker(page: Any) -> Any:
    """The sidebar's dataset picker (its combobox input)."""
    return page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input[role="combobox"]')


def select_option(page: Any, combobox: Any, label: str) -> None:
    """Pick ``label`` in a Streamlit selectbox (``combobox`` = its input) and wait for the rerun."""
    combobox.click()
    page.get_by_role("option", name=label, exact=True).click()
    wait_for_app(page)


def options_of(page: Any, combobox: Any) -> list[str]:
    """The option labels a selectbox offers (opens and closes its list)."""
    combobox.click()
    page.wait_for_selector('[role="option"]')
    labels = [str(x) for x in page.get_by_role("option").all_inner_texts()]
    page.keyboard.press("Escape")
    return labels


def press_slider(page: Any, slider: Any, key: str, times: int) -> None:
    """Move a slider (``stSlider`` locator) with the keyboard, as a user would, and wait for the rerun."""
    thumb = slider.locator('input[type="range"]')
    thumb.focus()
    for _ in range(times):
        page.keyboard.press(key)
    wait_for_app(page)


def upload(page: Any, index: int, *files: Path) -> None:
    """Put files into the ``index``-th file uploader on the page and wait for the rerun."""
    page.locator('[data-testid="stFileUploader"] input[type="file"]').nth(index).set_input_files(
        [str(f) for f in files])
    wait_for_app(page)


def svg_texts(locator: Any) -> list[str]:
    """``textContent`` of SVG text nodes (plotly tick labels have no innerText)."""
    return [str(x) for x in locator.evaluate_all("els => els.map(e => e.textContent)")]


def app_exceptions(page: Any) -> list[str]:
    """Texts of Streamlit exception boxes on the page (an uncaught error in a page script)."""
    return [str(t) for t in page.locator('[data-testid="stException"]').all_inner_texts()]
