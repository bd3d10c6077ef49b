"""Security properties that need no browser (the browser-side XSS test is tests/e2e/test_security_e2e.py).

- Streamlit's XSRF protection is on and an upload limit is set, in the file and in the effective config;
- no code path renders raw HTML or unpickles anything;
- the optional password gate (ui/auth.py) blocks the app until the right password is entered;
- user ids can be pseudonymised at ingest with a keyed hash, and the original ids never reach the
  workspace;
- the hostile dataset loads as plain data (payloads kept verbatim, escaped for Markdown).
"""

from __future__ import annotations

import ast
import hashlib
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from core.data.loaders import load_dataset
from core.workspace.store import Workspace
from ui.safe import md_escape

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
CODE = sorted([*ROOT.glob("core/**/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"])
UNSAFE_SERIALISERS = frozenset({"pickle", "joblib", "dill", "cloudpickle", "shelve", "marshal"})
PASSWORD = "correct horse battery staple"


# --- configuration ----------------------------------------------------------------------------------


def _config() -> dict[str, object]:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_config_file_keeps_xsrf_on_and_limits_uploads() -> None:
    server = _config()["server"]
    assert isinstance(server, dict)
    assert server["enableXsrfProtection"] is True
    assert 1 <= int(server["maxUploadSize"]) <= 1024
    assert server.get("enableCORS", True) is True  # turning CORS off would also turn XSRF off
    client = _config()["client"]
    assert isinstance(client, dict) and client["showErrorDetails"] == "none"  # no tracebacks to visitors


def test_effective_server_config_reports_xsrf_on() -> None:
    """`streamlit config show`, run in the project folder, is what `streamlit run app.py` uses."""
    out = subprocess.run(
        [sys.executable, "-m", "streamlit", "config", "show"], cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=True,
    ).stdout
    values = dict(re.findall(r"^(\w+) = (.+)$", out.split("[server]", 1)[1].split("\n[", 1)[0], re.M))
    assert values["enableXsrfProtection"] == "true"
    assert values["maxUploadSize"] == str(_config()["server"]["maxUploadSize"])  # type: ignore[index]


def test_the_code_scans_cover_every_stage() -> None:
    """The scans below read every module: core's stage sub-packages too, not only the top level."""
    scanned = {path.relative_to(ROOT).parts[:2] for path in CODE}
    stages = {p.relative_to(ROOT).parts[:2] for p in ROOT.glob("core/*/__init__.py")}
    assert stages and stages <= scanned


def _imports_streamlit_components(node: ast.AST) -> bool:
    """``import streamlit.components...`` or ``from streamlit(.components...) import components ...``."""
    if isinstance(node, ast.Import):
        return any(a.name.startswith("streamlit.components") for a in node.names)
    if isinstance(node, ast.ImportFrom):
        module = node.module or ""
        return module.startswith("streamlit.components") or (
            module == "streamlit" and any(a.name == "components" for a in node.names))
    return False


def test_component_import_check_is_not_fooled_by_names() -> None:
    tree = ast.parse("import streamlit.components.v1 as c\nfrom streamlit import components\n"
                     "from core.ranking.fusion import components\n")
    assert [_imports_streamlit_components(n) for n in tree.body] == [True, True, False]


def test_no_raw_html_rendering_anywhere() -> None:
    """No unsafe_allow_html, st.html or components.html in the app (user text is always escaped)."""
    offenders = []
    for path in CODE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "unsafe_allow_html":
                offenders.append(f"{path.name}: unsafe_allow_html")
            if (isinstance(node, ast.Attribute) and node.attr == "html"
                    and isinstance(node.value, ast.Name) and node.value.id in {"st", "components", "v1"}):
                offenders.append(f"{path.name}:{node.lineno}: st.html")
            if _imports_streamlit_components(node):
                offenders.append(f"{path.name}:{node.lineno}: streamlit components")
    assert not offenders, offenders


def test_nothing_user_supplied_is_unpickled() -> None:
    """No pickle / joblib / dill import and no allow_pickle=True in code that handles user data."""
    offenders = []
    for path in CODE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                if any(n.split(".")[0] in UNSAFE_SERIALISERS for n in names):
                    offenders.append(f"{path.name}:{node.lineno}: imports {names}")
            if (isinstance(node, ast.keyword) and node.arg == "allow_pickle"
                    and not (isinstance(node.value, ast.Constant) and node.value.value is False)):
                offenders.append(f"{path.name}:{node.lineno}: allow_pickle")
            if isinstance(node, ast.Attribute) and node.attr in {"read_pickle", "to_pickle"}:
                offenders.append(f"{path.name}:{node.lineno}: {node.attr}")
    assert not offenders, offenders


# --- access control ---------------------------------------------------------------------------------


def _gated_app(secrets: dict[str, object] | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    if secrets is not None:
        at.secrets["interestlens"] = secrets
    at.session_state["lang"] = "en"
    at.run()
    return at


def test_password_blocks_the_app_until_entered() -> None:
    at = _gated_app({"password_sha256": hashlib.sha256(PASSWORD.encode()).hexdigest()})
    assert not at.exception
    assert [w.label for w in at.text_input] == ["Access password"]
    assert len(at.metric) == 0 and len(at.sidebar.selectbox) == 0  # nothing of the app is drawn

    at.text_input[0].input("wrong password").run()
    assert [e.value for e in at.error] == ["Wrong password."]
    assert len(at.metric) == 0 and "auth_ok" not in at.session_state

    at.text_input[0].input(PASSWORD).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["auth_ok"] is True
    assert len(at.sidebar.selectbox) == 1 and len(at.metric) >= 4  # the app itself now runs


def test_upper_case_hash_and_whitespace_in_secrets_are_accepted() -> None:
    digest = hashlib.sha256(PASSWORD.encode()).hexdigest().upper()
    at = _gated_app({"password_sha256": f"  {digest} "})
    at.text_input[0].input(PASSWORD).run()
    assert at.session_state["auth_ok"] is True


def test_app_is_open_without_access_control() -> None:
    at = _gated_app(None)
    assert not at.exception
    assert not [w for w in at.text_input if w.label == "Access password"]
    assert len(at.sidebar.selectbox) == 1


def test_oidc_mode_shows_only_a_login_button() -> None:
    at = _gated_app({"require_oidc": True})
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]
    assert len(at.sidebar.selectbox) == 0 and len(at.metric) == 0


# --- privacy: pseudonymised ids at ingest -----------------------------------------------------------


def test_pseudonymised_ids_never_reach_the_workspace(tmp_path: Path) -> None:
    inter = (HOSTILE / "interactions.csv").read_bytes()
    items = (HOSTILE / "items.csv").read_bytes()
    plain, _, _ = load_dataset(inter, items, name="plain")
    hidden, _, _ = load_dataset(inter, items, name="hidden", pseudonymise_key="team secret")
    again, _, _ = load_dataset(inter, items, name="again", pseudonymise_key="team secret")
    other, _, _ = load_dataset(inter, items, name="other", pseudonymise_key="another key")
    originals = set(plain.interactions["user_id"].astype(str))
    pseudonyms = set(hidden.interactions["user_id"].astype(str))
    assert len(pseudonyms) == len(originals) and not pseudonyms & originals
    assert all(re.fullmatch(r"[0-9a-f]{16}", p) for p in pseudonyms)
    assert pseudonyms == set(again.interactions["user_id"].astype(str))  # same key, same pseudonyms
    assert not pseudonyms & set(other.interactions["user_id"].astype(str))  # another key, other ones
    assert len(hidden.interactions) == len(plain.interactions)

    ws = Workspace(tmp_path)
    key = ws.register(hidden)
    stored = b"".join(p.read_bytes() for p in (tmp_path / "datasets" / key).glob("*.parquet"))
    assert stored and not any(uid.encode() in stored for uid in originals)
    table = pq.read_table(tmp_path / "datasets" / key / "interactions.parquet")
    assert set(table.column("user_id").to_pylist()) == pseudonyms
    assert ws.load_dataset(key).fingerprint == hidden.fingerprint


# --- hostile text is data, never markup -------------------------------------------------------------


def test_hostile_dataset_loads_verbatim_and_escapes() -> None:
    dataset, inter_report, item_report = load_dataset(
        (HOSTILE / "interactions.csv").read_bytes(), (HOSTILE / "items.csv").read_bytes(), name="hostile"
    )
    assert item_report is not None and item_report.rows_rejected == 0 and inter_report.rows_rejected == 0
    titles = dataset.items["title"].astype(str).tolist()
    assert any("<script>window.__xss=1</script>" in title for title in titles)  # kept, not "sanitised"
    for title in titles:
        escaped = md_escape(title)
        assert re.search(r"(?<!\\)[<>\[\]()]", escaped) is None, escaped  # every metachar escaped


@pytest.mark.parametrize(
    "text", ["<script>x</script>", "[a](javascript:x)", "![i](x)", "**b** _i_ `c`", "$x$"]
)
def test_md_escape_neutralises_markdown_and_html(text: str) -> None:
    escaped = md_escape(text)
    assert re.search(r"(?<!\\)[<>\[\]()*_`$]", escaped) is None
    assert escaped.replace("\\", "") == text
