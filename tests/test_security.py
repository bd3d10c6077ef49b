"""Security properties that need no browser (the browser-side XSS test is tests/e2e/test_security_e2e.py).

- Streamlit's XSRF protection is on, an upload limit is set and the server listens on 127.0.0.1, in the file
  and in the effective config; ``.streamlit/secrets.toml`` is git-ignored;
- no code path renders raw HTML or unpickles anything;
- the optional password gate (ui/auth.py) blocks the app until the right password is entered (its hashing
  and throttling: tests/ui/test_auth.py);
- user ids can be pseudonymised at ingest with a keyed hash, and the original ids never reach the
  workspace;
- the hostile dataset loads as plain data (payloads kept verbatim, escaped for Markdown);
- no user-supplied string reaches Markdown unescaped: every Streamlit call that renders Markdown in ui/ and
  pages/ is scanned (:func:`test_every_markdown_sink_escapes_user_text`), and the Data page is driven with
  a file whose name, columns and values are Markdown / HTML / link / image payloads.
"""

from __future__ import annotations

import ast
import hashlib
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from core.common.passwords import hash_password
from core.data.loaders import load_dataset
from core.workspace.store import Workspace
from tests.markdown_check import markup_in, strings_of, visible_text
from tests.markdown_sinks import unsafe_leaves
from ui import auth
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
    assert auth.is_loopback(server["address"])  # this machine only until someone decides to share


def test_secrets_file_is_git_ignored() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    for path in (".streamlit/secrets.toml",):
        done = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, timeout=60)
        assert done.returncode == 0, f"{path} is not git-ignored"


def test_effective_server_config_reports_xsrf_on() -> None:
    """`streamlit config show`, run in the project folder, is what `streamlit run app.py` uses."""
    out = subprocess.run(
        [sys.executable, "-m", "streamlit", "config", "show"], cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=True,
    ).stdout
    values = dict(re.findall(r"^(\w+) = (.+)$", out.split("[server]", 1)[1].split("\n[", 1)[0], re.M))
    assert values["enableXsrfProtection"] == "true"
    assert values["maxUploadSize"] == str(_config()["server"]["maxUploadSize"])  # type: ignore[index]
    assert values["address"] == '"127.0.0.1"'


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


@pytest.fixture(autouse=True)
def _no_failures_left_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "CLIENTS", auth.Throttle())


def _gated_app(secrets: dict[str, object] | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    if secrets is not None:
        at.secrets["interestlens"] = secrets
    at.session_state["lang"] = "en"
    at.run()
    return at


def test_password_blocks_the_app_until_entered() -> None:
    at = _gated_app({"password_hash": hash_password(PASSWORD, n=2**10)})
    assert not at.exception
    assert [w.label for w in at.text_input] == ["Access password"]
    assert len(at.metric) == 0 and len(at.sidebar.selectbox) == 0  # nothing of the app is drawn

    at.text_input[0].input("wrong password").run()
    assert [e.value for e in at.error] == ["Wrong password. 4 more wrong attempt(s) and attempts pause."]
    assert len(at.metric) == 0 and "auth_ok" not in at.session_state

    at.text_input[0].input(PASSWORD).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["auth_ok"] is True
    assert len(at.sidebar.selectbox) == 1 and len(at.metric) >= 4  # the app itself now runs


def test_legacy_upper_case_hash_and_whitespace_in_secrets_are_accepted() -> None:
    digest = hashlib.sha256(PASSWORD.encode()).hexdigest().upper()
    at = _gated_app({"password_sha256": f"  {digest} "})
    at.text_input[0].input(PASSWORD).run()
    assert at.session_state["auth_ok"] is True
    assert any("hash-password" in w.value for w in at.warning)  # the administrator is told to upgrade


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


# --- no user-supplied string reaches Markdown unescaped ---------------------------------------------

REVIEWED_SINK_VALUES: dict[tuple[str, str], str] = {
    ("pages/data.py", "fig"): "stats_figures' text entries are catalogue messages (no data)",
    ("pages/data.py", "last.message"): "t('data.loaded') with fmt_number counts",
    ("pages/data.py", "last.saved"): "t('ws.saved') or t('ws.save_failed', error=md_escape(...))",
    ("pages/data.py", "limit"): "server.maxUploadSize, an int from the config",
    ("pages/evaluate.py", "ds.n_items"): "int",
    ("pages/evaluate.py", "ds.n_users"): "int",
    ("pages/evaluate.py", "run_id"): "the workspace's integer run id",
    ("pages/evaluate.py", "stats.get('n_relevant', 0)"): "split statistics: ints",
    ("pages/evaluate.py", "stats.get('n_skipped_cold', 0)"): "split statistics: ints",
    ("pages/evaluate.py", "stats.get('n_skipped_no_relevant', 0)"): "split statistics: ints",
    ("pages/evaluate.py", "stats.get('n_users_with_held_out', 0)"): "split statistics: ints",
    ("pages/evaluate.py", "narrator.text(fraction, message)"):
        "ui.evaluate_progress: catalogue stage names, numbers and configuration labels from code ids",
    ("ui/evaluate_panels.py", "narrator.text(fraction, message)"):
        "ui.evaluate_progress: catalogue stage names, numbers and configuration labels from code ids",
    ("ui/evaluate_panels.py", "verdict"): "ui.evaluate_views.guard_text: catalogue sentences formatted with "
                                         "numbers and catalogue channel labels (no data)",
    ("ui/evaluate_panels.py", "ev.tuning_summary(tuning, t)"):
        "catalogue text with numbers, a metric label and a validated normalisation name",
    ("ui/evaluate_panels.py", "ev.typed_empty_text(typed, n_users=len(result.experiment.users), "
                              "max_users=result.options.max_users, has_tags=has_tags, translate=t)"):
        "catalogue text with counts",
    ("ui/evaluate_panels.py", "ev.typed_only_text(typed, result.experiment.k, t)"): "catalogue text with numbers",
    ("pages/interests.py", "example"): "a button label from the constant EXAMPLES",
    ("pages/interests.py", "rec_row['rank']"): "int rank",
    ("pages/interests.py", "work.n_feedback"): "int",
    ("ui/interests_panels.py", "message"): "feedback_message(): t(...) with md_escape'd titles and counts",
    ("pages/home.py", "step.page"): "ui.overview_views.GUIDE: a page path constant (page_link's target)",
    ("pages/home.py", "ov.UPLOAD_PAGE"): "a page path constant (page_link's target)",
    ("pages/home.py", "ov.timeline_caption(overview.timeline)"): "catalogue text with dates and counts",
    ("pages/home.py", "ov.tail_caption(tail)"): "catalogue text with a percentage and a count",
    ("pages/home.py", "ov.category_caption(mix)"): "catalogue text with counts (no attribute value)",
    ("pages/home.py", "ov.activity_caption(overview.activity)"): "catalogue text with numbers",
    ("pages/home.py", "ov.rating_caption(overview.ratings)"): "catalogue text with numbers",
    ("pages/map.py", "mv.recs_caption(source, len(shown), t)"): "catalogue sentence; the user id is md_escape'd "
                                                                 "inside ui.map_views.recs_caption",
    ("pages/map.py", "params.knn"): "ProjectionParams field: a fixed method name",
    ("pages/map.py", "params.min_dist"): "float from a slider",
    ("pages/map.py", "params.n_neighbors"): "int from a slider",
    ("pages/map.py", "sample.strata"): "int",
    ("ui/evaluate_panels.py", "label"): "loop over two t(...) labels",
    ("ui/evaluate_panels.py", "typed['n_users']"): "int",
    ("ui/resources.py", "label('…')"): "progress_bar's label: md_escape by default, or a reviewed stage_text",
    ("ui/resources.py", "label(message)"): "progress_bar's label: md_escape by default, or a reviewed stage_text",
    ("ui/tuning_panels.py", "msg[1]"): "_preset_message texts: t(...) with md_escape'd names and errors",
    ("ui/tuning_panels.py", "problem"): "weights_problem(): t(...) with md_escape'd values",
    ("ui/typed_eval_panel.py", "by_field['mentioned']"): "int",
    ("ui/typed_eval_panel.py", "by_field['targets']"): "int",
    ("ui/typed_eval_panel.py", "max(report.ks)"): "int",
    ("ui/typed_eval_panel.py", "named.get('n_targets_named', 0)"): "int",
    ("ui/typed_eval_panel.py", "report.n_cases"): "int",
    ("ui/typed_eval_panel.py", "report.n_skipped"): "int",
    ("ui/typed_eval_panel.py", "summary['n_titles_resolved']"): "int",
    ("ui/typed_eval_panel.py", "tv.kinds_text(report, t)"): "translated tag-kind labels and ints",
    ("ui/upload_panel.py", "raw.file_format"): "one of the reader's fixed format names",
}
"""Values the scan cannot prove safe, each reviewed: why it cannot carry user text."""


def test_every_markdown_sink_escapes_user_text() -> None:
    """Every text handed to a Streamlit call that renders Markdown (messages, captions, headers, labels,
    help, progress text) in ui/ and pages/ is a literal, a translation, a number or md_escape(...) — or a
    reviewed value above. A new sink fails here until its user text goes through ui.safe.md_escape."""
    found = unsafe_leaves(ROOT)
    unreviewed = sorted(found - set(REVIEWED_SINK_VALUES))
    assert not unreviewed, ("user text may reach Markdown unescaped; wrap it in md_escape() or, if it cannot "
                            f"carry user text, add it to REVIEWED_SINK_VALUES with the reason: {unreviewed}")
    stale = sorted(set(REVIEWED_SINK_VALUES) - found)
    assert not stale, f"reviewed values no longer in the code; remove them: {stale}"


HOSTILE_NAME = "[Session expired – log in again](http://evil.example)![x](http://evil.example/x.png)<script>"
HOSTILE_COLUMN = "![c](http://evil.example/c.png)<b>user</b>"
_PLAIN_TEXT_ELEMENTS = frozenset({"text", "code", "json", "arrow_data_frame", "dataframe"})
_MARKDOWN_FIELDS = frozenset({"body", "label", "help", "text"})

_DATA_PAGE = f"""
import runpy, sys
sys.path.insert(0, {str(ROOT)!r})
from ui.sidebar import render_sidebar
render_sidebar()
runpy.run_path({str(ROOT / "pages" / "data.py")!r}, run_name="__page__")
"""


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def _rendered_markdown(at: AppTest) -> list[tuple[str, str, str]]:
    """(element type, field, text) of every Markdown-rendered string on the page."""
    out = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        kind = str(getattr(node, "type", ""))
        if proto is None or kind in _PLAIN_TEXT_ELEMENTS:
            continue
        out += [(kind, key, text) for key, text in strings_of(MessageToDict(proto), _MARKDOWN_FIELDS)]
    return out


def _assert_no_markup_from(at: AppTest, marker: str = "evil") -> int:
    """No Markdown-rendered string that quotes the payload produces a link, image, HTML or other markup;
    returns how many such strings were checked."""
    quoted = [(kind, key, text) for kind, key, text in _rendered_markdown(at) if marker in text]
    for kind, key, text in quoted:
        assert markup_in(text, allowed=frozenset({"strong"})) == [], (kind, key, text)
    return len(quoted)


@pytest.fixture
def data_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("INTERESTLENS_WORKSPACE", str(tmp_path / "ws"))
    at = AppTest.from_string(_DATA_PAGE, default_timeout=300)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_upload_error_naming_a_hostile_file_shows_it_literally(data_page: AppTest) -> None:
    """The issue's payload as a file name: the read error quotes it, as text, not as a link and an image."""
    at = data_page
    at.file_uploader(key="data_inter_file").set_value((f"{HOSTILE_NAME}.csv", b"", "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1
    assert "Session expired" in visible_text(at.error[0].value)  # the name is shown ...
    assert _assert_no_markup_from(at) >= 1  # ... literally


def test_hostile_names_columns_and_values_through_load_and_report(data_page: AppTest) -> None:
    at = data_page
    rows = [f'"{HOSTILE_COLUMN}",item,rating', "u1,i1,5", "u2,i2,4", "u3,i1,[bad](http://evil.example/r)",
            "u4,i2,3"]
    at.file_uploader(key="data_inter_file").set_value((f"{HOSTILE_NAME}.csv", "\n".join(rows).encode(), "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    user_box = next(s for s in at.selectbox if s.key and s.key.startswith("map:interactions:user:"))
    assert HOSTILE_COLUMN in user_box.options  # offered as an option (plain text)
    user_box.set_value(HOSTILE_COLUMN).run()
    at.button(key="data_load").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["dataset_key"].startswith("ws:")
    assert _assert_no_markup_from(at) >= 2  # the report header and the statistics header name the file
    assert any("Session expired" in visible_text(s.value) for s in at.markdown)


def test_a_file_that_loads_nothing_reports_its_hostile_name_literally(data_page: AppTest) -> None:
    at = data_page
    data = "user,item,rating\nu1,i1,[x](http://evil.example)\nu2,i2,![y](http://evil.example/y.png)\n"
    at.file_uploader(key="data_inter_file").set_value((f"{HOSTILE_NAME}.csv", data.encode(), "text/csv"))
    at.run()
    at.button(key="data_load").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and "Session expired" in visible_text(at.error[0].value)
    assert _assert_no_markup_from(at) >= 1
