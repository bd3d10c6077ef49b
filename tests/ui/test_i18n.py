"""The zh/en catalogue is complete and consistent, and pages hold no user-visible literals.

Static checks (no Streamlit run): every catalogue entry has both languages and the same format fields;
every ``t("...")`` key used in ``pages/`` and ``ui/`` exists; no page passes a user-visible string
literal to a Streamlit element. Plus the number / date formatting per language.
"""

from __future__ import annotations

import ast
import string
import unicodedata
from pathlib import Path

import pytest

from ui.i18n import CATALOGUE, LANGS, fmt_date, fmt_number, t

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"])
PAGES = sorted(ROOT.glob("pages/*.py"))

# Streamlit calls whose first positional argument (or label / help / placeholder) is shown to people.
VISIBLE_CALLS = frozenset({
    "header", "subheader", "title", "write", "markdown", "button", "caption", "info", "warning", "error",
    "success", "selectbox", "slider", "text_input", "text_area", "checkbox", "radio", "tabs", "expander",
    "metric", "download_button", "file_uploader", "toggle", "multiselect", "number_input", "select_slider",
    "segmented_control", "pills", "popover", "status", "spinner", "toast", "form_submit_button", "text",
    "link_button", "page_link", "color_picker", "date_input", "time_input", "chat_input", "progress",
})
VISIBLE_KEYWORDS = frozenset({"label", "help", "placeholder", "body", "text"})
NOT_STREAMLIT = frozenset({"log", "logger", "logging", "warnings", "LOG", "sys", "os"})  # log.warning(...)


def _format_fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _has_words(text: str) -> bool:
    """True when the text holds letters (any script): punctuation, digits, emoji and spaces are fine."""
    return any(unicodedata.category(ch).startswith("L") for ch in text)


def _t_calls(tree: ast.AST) -> list[tuple[int, ast.expr]]:
    """(line, first argument) of every call to ``t(...)`` / ``_t(...)``."""
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"t", "_t"}
                and node.args):
            found.append((node.lineno, node.args[0]))
    return found


# --- the catalogue itself -------------------------------------------------------------------------


def test_catalogue_entries_have_both_languages() -> None:
    bad = [key for key, value in CATALOGUE.items()
           if not (isinstance(value, tuple) and len(value) == len(LANGS) and all(v.strip() for v in value))]
    assert not bad, f"entries without a non-empty zh and en text: {bad}"


def test_catalogue_format_fields_match_between_languages() -> None:
    bad = {key: (_format_fields(zh), _format_fields(en))
           for key, (zh, en) in CATALOGUE.items() if _format_fields(zh) != _format_fields(en)}
    assert not bad, f"zh and en take different format fields: {bad}"


def test_catalogue_keys_are_sectioned() -> None:
    assert all("." in key and key == key.strip() for key in CATALOGUE)


def test_english_texts_are_not_left_in_chinese() -> None:
    """An English text with CJK characters is usually an untranslated copy (names like 中文 allowed)."""
    allowed = {"app.language"}
    cjk = [key for key, (_, en) in CATALOGUE.items()
           if key not in allowed and any("\u4e00" <= ch <= "\u9fff" for ch in en)]
    assert not cjk, f"English entries holding Chinese text: {cjk}"


# --- uses of the catalogue ------------------------------------------------------------------------


def test_every_literal_key_used_exists() -> None:
    missing = []
    dynamic_prefixes: list[tuple[str, int, str]] = []
    for path in SOURCES:
        for line, arg in _t_calls(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(ROOT)}:{line}"
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                if arg.value not in CATALOGUE:
                    missing.append(f"{where} {arg.value!r}")
            elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                dynamic_prefixes.append((where, line, str(arg.values[0].value)))
            elif (isinstance(arg, ast.BinOp) and isinstance(arg.left, ast.Constant)
                  and isinstance(arg.left.value, str)):
                dynamic_prefixes.append((where, line, arg.left.value))
    assert not missing, "t() keys missing from ui/i18n.py CATALOGUE:\n" + "\n".join(missing)
    orphans = [f"{where} {prefix!r}*" for where, _, prefix in dynamic_prefixes
               if not any(key.startswith(prefix) for key in CATALOGUE)]
    assert not orphans, "dynamic t() keys with no catalogue entry of that prefix:\n" + "\n".join(orphans)


def test_scan_finds_the_keys_it_should() -> None:
    """Guard against a scanner that silently finds nothing."""
    keys = [a.value for path in SOURCES for _, a in _t_calls(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(a, ast.Constant)]
    assert "app.dataset" in keys and "ws.dataset_label" in keys and len(keys) > 50


def _visible_literals(node: ast.Call) -> list[ast.expr]:
    candidates: list[ast.expr] = []
    if node.args:
        first = node.args[0]
        candidates.extend(first.elts if isinstance(first, (ast.List, ast.Tuple)) else [first])
    candidates.extend(kw.value for kw in node.keywords if kw.arg in VISIBLE_KEYWORDS)
    bad = []
    for value in candidates:
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and _has_words(value.value):
            bad.append(value)
        elif isinstance(value, ast.JoinedStr):
            words = "".join(str(v.value) for v in value.values if isinstance(v, ast.Constant))
            if _has_words(words):
                bad.append(value)
    return bad


def page_literal_violations(source: str, name: str = "<page>") -> list[str]:
    """``name:line: st.X(...)`` for each user-visible literal passed to a Streamlit element."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in VISIBLE_CALLS):
            continue
        receiver = node.func.value
        if not (isinstance(receiver, ast.Name) and receiver.id in NOT_STREAMLIT):
            for literal in _visible_literals(node):
                problems.append(f"{name}:{literal.lineno}: .{node.func.attr}({ast.unparse(literal)[:60]})")
    return problems


def test_literal_scanner_flags_and_allows_the_right_things() -> None:
    flagged = page_literal_violations(
        'st.header("Hello")\ncol.metric(f"Rows: {n}", 3)\nst.tabs(["数据", t("x")])\nst.button(label="Go")\n'
        'log.warning("not shown to people")\n'
    )
    assert len(flagged) == 4, flagged
    allowed = page_literal_violations(
        'st.header(t("a"))\nst.markdown(f"**{t(\'b\')}**: {name}")\nst.write("—")\nst.caption("")\n'
        'st.markdown("🔎 · 42")\nst.title(f"{x} / {y}")\n'
    )
    assert allowed == [], allowed


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_hold_no_user_visible_literals(page: Path) -> None:
    problems = page_literal_violations(page.read_text(encoding="utf-8"), str(page.relative_to(ROOT)))
    assert not problems, "user-visible literals (move them to ui/i18n.py):\n" + "\n".join(problems)


def test_app_shell_and_ui_modules_hold_no_user_visible_literals() -> None:
    """The entry point and every ui/ module (panels draw for the pages) take their texts from the catalogue."""
    paths = [ROOT / "app.py", *(p for p in ROOT.glob("ui/*.py") if p.name != "i18n.py")]
    assert len(paths) > 10
    for path in paths:
        problems = page_literal_violations(path.read_text(encoding="utf-8"), path.name)
        assert not problems, problems


def magic_strings(source: str) -> list[int]:
    """Lines of bare string expressions Streamlit's magic would draw (every one but a docstring)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for i, stmt in enumerate(body):
            is_string = (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                         and isinstance(stmt.value.value, str))
            if is_string and not (i == 0 and isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))):
                lines.append(stmt.lineno)
    return lines


def test_magic_string_scanner() -> None:
    assert magic_strings('"""doc"""\nX = 1\n"""about X"""\ndef f():\n    """doc"""\n    "shown"\n') == [3, 6]


@pytest.mark.parametrize("page", [*PAGES, ROOT / "app.py"], ids=lambda p: p.name)
def test_pages_hold_no_strings_that_magic_would_draw(page: Path) -> None:
    """A bare string in a page script (e.g. a "docstring" under a constant) is drawn on screen by magic."""
    assert magic_strings(page.read_text(encoding="utf-8")) == []


# --- t() and formatting ---------------------------------------------------------------------------


def test_t_switches_language_and_formats() -> None:
    assert t("app.dataset", "zh") == "数据集"
    assert t("app.dataset", "en") == "Dataset"
    assert t("ws.dataset_label", "en", name="x.csv", rows="1,234") == "⬆ x.csv (1,234 interactions)"
    assert t("no.such.key", "en") == "[no.such.key]"


def test_numbers_and_dates_follow_the_language() -> None:
    assert fmt_number(1234, lang="en") == "1,234"
    assert fmt_number(123_456, lang="zh") == "12.3 万"
    assert fmt_number(250_000_000, lang="zh") == "2.50 亿"
    assert fmt_number(250_000_000, lang="en") == "250,000,000"
    assert fmt_date(0, lang="zh") == "1970年1月1日"
    assert fmt_date(0, lang="en") == "01 Jan 1970"
    assert fmt_date(float("nan"), lang="en") == "—"


def test_each_key_lives_in_one_catalogue_module() -> None:
    """The per-page modules of ui.catalogue are merged into CATALOGUE; a key in two of them would silently
    lose one translation."""
    import pkgutil
    from importlib import import_module

    import ui.catalogue

    owners: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(ui.catalogue.__path__):
        for key in import_module(f"ui.catalogue.{info.name}").ENTRIES:
            owners.setdefault(key, []).append(info.name)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
    assert set(owners) == set(CATALOGUE)
