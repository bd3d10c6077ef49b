"""Every text a page renders comes from the zh/en catalogue (ui/i18n.py), data aside.

Each page (home, data, interests with a typed interest, tuning with a picked user, map, evaluate after a
quick run) is rendered with the sidebar (home through ``app.py`` itself) under Streamlit's AppTest on the
bilingual demo, in Chinese and in English. Every rendered text — headings, captions, markdown, alerts,
widget labels, help, placeholders and options, button / metric / expander / tab labels, table column
headers, progress texts, chart titles / axis titles / legend entries — must be explained by
:class:`CatalogueMatcher`: it is a catalogue entry of that language with its ``{placeholders}`` filled by
anything, or a data value (titles, tags, categories, ids, the typed text, stored run names), or a number
or date; or it is made of such parts joined by separators ("label: value", "a · b", one per line,
"NDCG@10"). Anything else fails with the page, the element and the text. A static check makes sure no
select widget falls back to Streamlit's English "Choose an option" placeholder.
"""

from __future__ import annotations

import ast
import html
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from core.data.dataset import Dataset
from ui import state
from ui.evaluate_views import stored_runs
from ui.i18n import CATALOGUE, LANGS, fmt_date, t
from ui.interests_views import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 900
TYPED = {"zh": "我喜欢科幻电影和轻松的喜剧，不要恐怖片", "en": "I like sci-fi films and light comedy, no horror"}
PAGES = ("home", "data", "interests", "tuning", "map", "evaluate")
SCRIPT = """
import runpy, sys
sys.path.insert(0, {root!r})
from ui.sidebar import render_sidebar
render_sidebar()
runpy.run_path({page!r}, run_name="__page__")
"""

# --- the matcher -----------------------------------------------------------------------------------

_FIELD = re.compile(r"\{[^{}]*\}")
_LITERAL = re.compile(r"[A-Za-z\u3400-\u9fff]")
_NUMBER = re.compile(r"[\s\d.,:;%+\-−–—/#×x*≈~<>=≤≥()（）\[\]万亿e±@|]*")
_LEVELS = tuple(re.compile(p) for p in (
    r"\n+",  # lines (bullet lists, paragraphs)
    r"(?<=[。！？])\s*|(?<=[.!?])\s+",  # sentences
    r"；|;\s+",  # clauses
    r"\s+[·|—–→/]\s+|｜",  # "a · b", "tag → match", "from – to"
    r"：|:\s+",  # "label: value"
    r"、|,\s+|，",  # lists
    r"\s*[(（]|[)）]\s*",  # "title (year)"
    r"@(?=\d+$)",  # "NDCG@10"
))
"""Ways a text is built from parts, coarsest first: a text is explained if it is one atom, or if splitting it at
one level gives parts that are each explained (trying that level's finer levels only)."""
_BRACKETS = "《》“”\"'「」『』()（）[]【】<>‹›«»+−-"
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~$:])")
_MD_MARKS = re.compile(r"\*\*|__|`|^#+\s+|^\s*[-*]\s+|^\s*\d+\.\s+|^>\s+", re.MULTILINE)
_ICON = re.compile(r":material/[a-z_]+:")
_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{1,2} [a-z]{3} \d{4}|\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?",
                   re.IGNORECASE)


def template_pattern(template: str) -> str | None:
    """A regex for a catalogue template (``{fields}`` match any text), or None when the template holds
    too little literal text to tell it from data (e.g. ``"{title} ({year})"``)."""
    template = template.replace("{{", "\x00").replace("}}", "\x01")
    literals = _FIELD.split(template)
    letters = _LITERAL.findall("".join(literals))
    if sum(2 if c > "\u3000" else 1 for c in letters) < 2:  # one Chinese character is a word ("仅{channel}")
        return None
    parts = [re.escape(lit.replace("\x00", "{").replace("\x01", "}")) for lit in literals]
    return "(?:.+?)".join(parts)


def normalise(text: str) -> str:
    """The text as a reader sees it: Markdown escapes and emphasis marks, HTML entities (chart texts), icons
    and extra spaces removed."""
    text = _ICON.sub("", _MD_MARKS.sub("", _MD_ESCAPE.sub(r"\1", html.unescape(text))))
    return re.sub(r"[ \t]+", " ", text).strip()


class CatalogueMatcher:
    """Tells whether a rendered text is explained by the catalogue of one language and the given data."""

    def __init__(self, lang: str, data: Iterable[str]) -> None:
        index = LANGS.index(lang)
        self.exact = {_key(entry[index]) for entry in CATALOGUE.values()}
        patterns = [p for entry in CATALOGUE.values() if (p := template_pattern(_key(entry[index])))]
        self.templates = re.compile("|".join(f"(?:{p})" for p in sorted(set(patterns), key=len, reverse=True)),
                                    re.DOTALL | re.IGNORECASE)
        self.data = {_key(d) for d in data if d and d.strip()}

    def _atom(self, text: str) -> bool:
        text = _key(text)
        bare = text.strip(_BRACKETS).strip()
        return (not _LITERAL.search(bare) or _NUMBER.fullmatch(bare) is not None or _DATE.fullmatch(bare) is not None
                or text in self.exact or bare in self.exact or text in self.data or bare in self.data
                or self.templates.fullmatch(text) is not None or self._truncated(bare))

    def _truncated(self, text: str) -> bool:
        """A data value cut short for a chart label ("I like sci-fi films and lig…")."""
        stem = text.removesuffix("…").strip()
        return text.endswith("…") and len(stem) >= 3 and any(d.startswith(stem) for d in self.data)

    def _explains(self, text: str, level: int) -> bool:
        if self._atom(text):
            return True
        for i in range(level, len(_LEVELS)):
            parts = [p for p in _LEVELS[i].split(text) if p and p.strip()]
            if len(parts) > 1:
                return all(self._explains(p, i + 1) for p in parts)
        return False

    def explains(self, text: str) -> bool:
        """True if ``text`` is a catalogue entry (formatted with anything), data, a number, or made of those."""
        return self._explains(normalise(text), 0)


def _key(text: str) -> str:
    """How texts are compared: normalised, case-folded (a reason starts a sentence with a capital), without
    the sentence's final full stop."""
    return normalise(text).rstrip("。.").strip().casefold()


def test_matcher_accepts_catalogue_data_and_numbers() -> None:
    m = CatalogueMatcher("en", ["Voyage Across the Star Sea", "U0001"])
    assert m.explains(CATALOGUE["app.dataset"][1])
    assert m.explains("user U0001 (12 interactions)")  # "user {id} ({n} interactions)"
    assert m.explains("**Dataset**: Voyage Across the Star Sea")
    assert m.explains("0.512 ± 0.03") and m.explains("12,345") and m.explains("Voyage Across the Star Sea")
    assert m.explains("Voyage Across the Star Sea \\(2019\\)")
    assert m.explains("👍") and m.explains("−Voyage Across the Star Sea → U0001") and m.explains("NDCG@10")
    assert m.explains("03 Jan 2023 – 31 Dec 2025") and m.explains("Voyage Across the St…")
    assert CatalogueMatcher("zh", []).explains(CATALOGUE["evaluate.config.channel"][0].format(channel="矩阵分解"))
    bullets = "Dataset: U0001\n\n- Dataset: 3\n- Close to what you wrote as a whole; recent: from 2019."
    assert m.explains(bullets)


def test_matcher_rejects_what_the_catalogue_does_not_hold() -> None:
    en, zh = CatalogueMatcher("en", ["U0001"]), CatalogueMatcher("zh", ["U0001"])
    for text in ("Choose an option", "most_popular", "precision@10 of group", "[evaluate.missing_key]",
                 "The text box accepts this much; decompose itself keeps the first 1,000 characters."):
        assert not en.explains(text), text
    assert not zh.explains(CATALOGUE["app.dataset"][1]), "an English label on a Chinese page"
    assert zh.explains(CATALOGUE["app.dataset"][0])
    assert template_pattern("{title} ({year})") is None  # would match any text


# --- what a page renders ---------------------------------------------------------------------------

_SKIP = {"code", "json", "text", "html", "latex", "divider", "vega_lite_chart", "image",
         "space", "empty", "arrow_vega_lite_chart", "deck_gl_json_chart", "balloons", "snow"}
_TEXT_FIELDS = ("body", "label", "help", "placeholder", "text", "caption")


def _proto_texts(proto: Any) -> Iterator[tuple[str, str]]:
    fields = proto.DESCRIPTOR.fields_by_name
    for name in _TEXT_FIELDS:
        if name in fields and fields[name].type == fields[name].TYPE_STRING and not _repeated(fields[name]):
            value = getattr(proto, name)
            if value:
                yield name, value
    if "options" in fields and _repeated(fields["options"]):
        for option in proto.options:
            if isinstance(option, str) and option:
                yield "option", option


def _repeated(field: Any) -> bool:
    return bool(getattr(field, "is_repeated", False)) or getattr(field, "label", None) == 3


def _frame_headers(node: Any) -> Iterator[tuple[str, str]]:
    """A table's column headers: the column_config labels where set, else the column names."""
    try:
        config = json.loads(node.proto.columns) if node.proto.columns else {}
    except (AttributeError, ValueError):
        config = {}
    labels = {name: c.get("label") for name, c in config.items() if isinstance(c, dict)}
    frame = node.value
    for col in frame.columns:
        label = labels.get(str(col)) or labels.get(f"_pos:{list(frame.columns).index(col)}") or col
        if isinstance(label, str) and label:
            yield "column", label
    for col in config.values():
        if isinstance(col, dict) and isinstance(col.get("help"), str) and col["help"]:
            yield "column help", col["help"]


def _title(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("text")
    return value if isinstance(value, str) else ""


def _chart_texts(spec_json: str) -> Iterator[tuple[str, str]]:
    """A plotly figure's words: its title, axis / legend / colour-bar titles, trace names and annotations
    (hover texts and tick labels carry data)."""
    spec = json.loads(spec_json)
    layout = spec.get("layout", {})
    yield "title", _title(layout.get("title"))
    for name, value in layout.items():
        if isinstance(value, dict) and re.fullmatch(r"[xy]axis\d*|legend|coloraxis", name):
            yield f"{name}.title", _title(value.get("title"))
            yield f"{name}.colorbar", _title(value.get("colorbar", {}).get("title"))
    for note in layout.get("annotations", []):
        yield "annotation", str(note.get("text", ""))
    for trace in spec.get("data", []):
        if trace.get("showlegend", True) is not False:
            yield "trace", str(trace.get("name") or "")
        yield "colorbar", _title(trace.get("marker", {}).get("colorbar", {}).get("title"))


def rendered_texts(at: AppTest) -> list[tuple[str, str]]:
    """(element, text) for every text the run drew (exceptions included, so they fail too)."""
    out: list[tuple[str, str]] = []
    for node in at._tree:
        kind = str(getattr(node, "type", "?"))
        where = kind + (f"[{node.key}]" if getattr(node, "key", None) else "")
        if kind == "exception":
            out.append((where, f"EXCEPTION {node.value}"))
            continue
        if kind in _SKIP:
            continue
        if kind in ("expander", "tab", "status") and getattr(node, "label", ""):
            out.append((f"{where}.label", node.label))
            continue
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "DESCRIPTOR"):
            continue
        if kind == "plotly_chart":
            out.extend((f"{where}.{field}", text) for field, text in _chart_texts(proto.spec) if text)
            continue
        if kind in ("dataframe", "arrow_data_frame", "table"):
            out.extend((f"{where}.{field}", text) for field, text in _frame_headers(node))
            continue
        if kind == "popover" or (hasattr(proto, "WhichOneof") and proto.DESCRIPTOR.name == "Block"):
            inner = proto.WhichOneof("type") if "type" in proto.DESCRIPTOR.oneofs_by_name else None
            if inner and hasattr(getattr(proto, inner), "label") and getattr(proto, inner).label:
                out.append((f"{where}.label", getattr(proto, inner).label))
            continue
        out.extend((f"{where}.{field}", text) for field, text in _proto_texts(proto))
    return out


def data_values(dataset: Dataset, extra: Iterable[str] = ()) -> set[str]:
    """Texts that come from the data: every item cell (and its parts), ids, users, the files' headers."""
    values: set[str] = set(extra)
    for col in dataset.items.columns:
        values.add(str(col))
        for cell in dataset.items[col].tolist():
            cells = list(cell) if isinstance(cell, (list, tuple)) else [cell]
            for c in cells:
                text = str(c)
                values.add(text)
                values.update(p.strip() for p in re.split(r" / |\|", text))
                values.add(text.removesuffix(".0"))
    values.update(str(u) for u in dataset.user_ids)
    for col in ("event",):
        if col in dataset.interactions:
            values.update(str(v) for v in dataset.interactions[col].unique())
    headers = (ROOT / "data" / "bilingual").glob("*.csv")
    for path in headers:
        raw = path.read_bytes().splitlines()[0]
        try:
            header = raw.decode("utf-8-sig")
        except UnicodeDecodeError:  # the demo ships a GBK file too
            header = raw.decode("gb18030")
        values.update(header.split(","))
        values.add(path.name)
    return values


# --- the pages -------------------------------------------------------------------------------------


def _render(page: str, lang: str, bilingual: Dataset) -> tuple[AppTest, set[str]]:
    """Render ``page`` with its sidebar in ``lang``; return the run and the extra data texts it shows."""
    if page == "home":  # its page links need app.py's navigation
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    else:  # the sidebar, then the page (under app.py + switch_page AppTest drops widget interactions)
        at = AppTest.from_string(SCRIPT.format(root=str(ROOT), page=str(ROOT / "pages" / f"{page}.py")),
                                 default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.session_state["dataset_key"] = "demo:bilingual"
    extra = {TYPED[lang], *EXAMPLES}  # sample inputs to type, in either language: the person's words
    if page == "interests":
        at.session_state["interests_text"] = TYPED[lang]
    if page == "tuning":
        at.session_state["tuning_user"] = str(bilingual.user_ids[0])
        at.session_state["tuning_interests"] = TYPED[lang]
    if page == "map":
        from core.engine import Engine

        profile = Engine(bilingual).decompose(TYPED[lang])
        at.session_state[state.INTERESTS_KEY] = state.InterestsState(text=TYPED[lang], profile=profile)
    at.run()
    if page == "evaluate" and not at.exception:
        at.number_input(key="eval_k").set_value(5)
        at.number_input(key="eval_max_users").set_value(60)
        at.multiselect(key="eval_baselines").set_value(["most_popular", "item_knn_cf", "als"])
        at.multiselect(key="eval_channels").set_value(["mf", "recency", "semantic"])
        at.number_input(key="eval_trials").set_value(2)
        run = [b for b in at.button if b.label == CATALOGUE["evaluate.run"][LANGS.index(lang)]]
        assert run, "the Run button is drawn"
        run[0].click().run()
        runs = stored_runs(bilingual, [], lambda key, **f: t(key, lang, **f), lambda x: fmt_date(x, lang))
        extra.update(label for label, _ in runs)  # "#1 <the run's name> (<date>)": names are the analyst's
    for key in (state.INTERESTS_KEY, state.RANKED_KEY):  # the typed profile's tags are the person's words
        saved = at.session_state.get(key)
        profile = getattr(saved, "profile", None) or getattr(getattr(saved, "query", None), "profile", None)
        for tag in getattr(profile, "tags", ()):
            extra.update(str(x) for x in (tag.text, getattr(tag, "label", "")) if x)
    return at, extra


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_only_catalogue_text(page: str, lang: str, bilingual: Dataset, tmp_workspace: Path) -> None:
    at, extra = _render(page, lang, bilingual)
    texts = rendered_texts(at)
    assert len(texts) > 5, f"{page}: nothing rendered?"
    matcher = CatalogueMatcher(lang, data_values(bilingual, extra))
    unexplained = sorted({(where, text) for where, text in texts if not matcher.explains(text)})
    assert not unexplained, f"{page} ({lang}) renders text that is not in the catalogue:\n" + "\n".join(
        f"  {where}: {text!r}" for where, text in unexplained)


# --- select widgets never show Streamlit's own placeholder -----------------------------------------


def _select_calls_without_placeholder(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("selectbox", "multiselect")
                and not any(k.arg == "placeholder" for k in node.keywords)):
            lines.append(node.lineno)
    return lines


def test_placeholder_scan_finds_a_bare_selectbox(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('st.selectbox("a", [1])\ncol.multiselect("b", [1], placeholder=t("x"))\n')
    assert _select_calls_without_placeholder(sample) == [1]


@pytest.mark.parametrize("path", sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"]),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_select_widget_has_a_translated_placeholder(path: Path) -> None:
    missing = _select_calls_without_placeholder(path)
    assert not missing, f"{path.name}: selectbox/multiselect without placeholder=t(...) at lines {missing}"
