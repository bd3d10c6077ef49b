"""The Data page's neighbour-index setting, driven headlessly with Streamlit's AppTest."""

from __future__ import annotations

import socket
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.vectors.qdrant_index import close_client
from core.workspace.store import default_workspace
from ui.i18n import t
from ui.index_panel import SETTING_KEY, check_index_uri, stored_index_uri
from ui.safe import md_escape


def _panel_script() -> None:
    from ui.index_panel import render_index_setting

    render_index_setting()


def _kind(at: AppTest, kind: str) -> None:
    at.radio(key="index_kind").set_value(t(f"index.kind.{kind}", "zh")).run()


def test_the_default_is_hnsw(tmp_workspace: Path) -> None:
    at = AppTest.from_function(_panel_script, default_timeout=60)
    at.run()
    assert not at.exception
    assert at.radio(key="index_kind").value == t("index.kind.hnsw", "zh")
    assert str(stored_index_uri()) == "hnsw"


def test_a_folder_is_checked_and_kept(tmp_workspace: Path, tmp_path: Path) -> None:
    folder = tmp_path / "vectors"
    try:
        at = AppTest.from_function(_panel_script, default_timeout=60)
        at.run()
        _kind(at, "folder")
        at.text_input(key="index_location_folder").set_value(str(folder)).run()
        at.button(key="index_apply").click().run()
        assert not at.exception and not at.error
        assert at.success[0].value == t("index.saved", "zh", uri=md_escape(f"qdrant:{folder}"))
        assert default_workspace().get_setting(SETTING_KEY) == f"qdrant:{folder}"
        assert stored_index_uri().path == folder and folder.is_dir()
        at.run()  # the next run starts from the kept choice
        assert at.radio(key="index_kind").value == t("index.kind.folder", "zh")
    finally:
        close_client(str(folder))


def test_an_unreachable_server_is_refused_and_not_kept(tmp_workspace: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    at = AppTest.from_function(_panel_script, default_timeout=60)
    at.run()
    _kind(at, "server")
    at.text_input(key="index_location_server").set_value(f"http://127.0.0.1:{port}").run()
    at.button(key="index_apply").click().run()
    assert not at.exception and not at.success
    assert "cannot reach the Qdrant server" in at.error[0].value
    assert str(stored_index_uri()) == "hnsw"


def test_a_file_path_and_a_bad_kept_value(tmp_workspace: Path, tmp_path: Path) -> None:
    path = tmp_path / "file.txt"
    path.write_text("x")
    at = AppTest.from_function(_panel_script, default_timeout=60)
    at.run()
    _kind(at, "folder")
    at.text_input(key="index_location_folder").set_value(str(path)).run()
    at.button(key="index_apply").click().run()
    assert not at.exception and "is a file" in at.error[0].value
    default_workspace().set_setting(SETTING_KEY, "milvus:nowhere")  # e.g. written by a newer version
    assert str(stored_index_uri()) == "hnsw"


def test_check_index_uri_accepts_hnsw_without_opening_anything() -> None:
    assert str(check_index_uri(" hnsw ")) == "hnsw"
