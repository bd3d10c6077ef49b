"""An upload over the server's size limit is refused with a clear message, and nothing is parsed."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from tests.e2e.conftest import new_context, open_app, prime_server, start_server, stop_server
from ui.i18n import t


def test_upload_over_limit_is_refused(browser: Any, tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as handle:
        handle.write("user,item,rating\n")
        for i in range(90_000):  # about 1.5 MB
            handle.write(f"user{i % 500},item{i % 3000},{i % 5 + 1}\n")
    assert big.stat().st_size > 1_200_000

    proc, url = start_server(workspace, "--server.maxUploadSize", "1")
    context = new_context(browser)
    try:
        prime_server(browser, url)
        page = context.new_page()
        open_app(page, url, "data", lang="en")
        uploader = page.locator('[data-testid="stFileUploader"]').first
        assert "1MB" in uploader.inner_text().replace(" ", "")  # the limit is announced up front
        uploader.locator('input[type="file"]').set_input_files(str(big))
        message = uploader.get_by_text("File must be 1.0MB or smaller.")
        message.wait_for(timeout=30_000)
        # the file never reached the app: no mapping, no load button
        page.wait_for_timeout(1_000)
        assert not page.get_by_text(t("data.mapping", "en"), exact=True).count()
        assert not page.locator(".st-key-data_load").count()
    finally:
        with contextlib.suppress(Exception):
            context.close()
        stop_server(proc)
