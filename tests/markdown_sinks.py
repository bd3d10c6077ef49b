"""Where ui/ and pages/ hand text to Streamlit calls that render Markdown, and which of those texts may carry
user input: a static scan (AST) used by ``tests/test_security.py::test_every_markdown_sink_escapes_user_text``.

A *sink* is an argument Streamlit renders as Markdown: the body of ``st.markdown`` / ``caption`` / ``error``
/ ``warning`` / ``info`` / ``success`` / ``toast`` / ``write`` / headers / ``spinner``, widget and container
labels (first argument, ``label=``), ``help=`` tooltips anywhere, and ``st.progress``'s text; the callee may
be chosen at run time (``(st.caption if ok else st.warning)(text)``). A sink's expression is *safe* when
every value in it is a literal, a module constant, a call of :data:`SAFE_CALLS` (escaping, numbers,
translated labels: each reviewed), a ``t(...)`` / ``translate(...)`` whose format values are safe, an
f-string part with a numeric format (``{x:.3f}``), or a local name only ever bound to safe values.
:func:`unsafe_leaves` returns every other leaf as ``(file, source)``; the test compares them with a list of
reviewed leaves, each with the reason it cannot carry user text.
"""

from __future__ import annotations

import ast
from pathlib import Path

SINKS = frozenset({
    "markdown", "caption", "error", "warning", "info", "success", "toast", "write", "title", "header",
    "subheader", "expander", "popover", "status", "spinner", "metric", "button", "download_button",
    "link_button", "page_link", "checkbox", "toggle", "radio", "selectbox", "multiselect", "slider",
    "select_slider", "text_input", "text_area", "number_input", "date_input", "time_input", "file_uploader",
    "color_picker", "segmented_control", "pills", "camera_input", "form_submit_button", "tabs", "progress",
    "update", "exception", "chat_input", "feedback",
})
"""Streamlit functions (and ``status.update``) whose text arguments are rendered as Markdown."""
NOT_STREAMLIT = frozenset({"log", "logger", "logging", "warnings"})
SAFE_CALLS = frozenset({
    "md_escape", "fmt_number", "fmt_date", "len", "int", "float", "round", "abs", "ceil",
    # reviewed producers: catalogue text and numbers only, or user text already passed through md_escape
    "role_label", "kind_label", "weights_text", "shown_caption", "weights_problem", "notice_messages",
    "verdicts", "transform_text", "relevance_note", "transform_label",
})
TRANSLATE = frozenset({"t", "translate"})
NUMERIC_FORMAT = frozenset("deEfFgGn%xXob,")
MARKDOWN_KEYWORDS = frozenset({"label", "help", "text", "body"})


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _sink_names(func: ast.expr) -> list[str]:
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Name) and func.value.id in NOT_STREAMLIT:
            return []
        return [func.attr] if func.attr in SINKS else []
    if isinstance(func, ast.IfExp):
        return _sink_names(func.body) + _sink_names(func.orelse)
    if isinstance(func, ast.Subscript) and isinstance(func.value, ast.Dict):
        return [n for v in func.value.values for n in _sink_names(v)]
    return []


def _markdown_args(call: ast.Call, names: list[str]) -> list[ast.expr]:
    out: list[ast.expr] = []
    if "progress" in names:
        out += call.args[1:2]
    elif "write" in names:
        out += call.args
    elif call.args and "update" not in names:
        out += call.args[:1]
    return out + [k.value for k in call.keywords if k.arg in MARKDOWN_KEYWORDS]


class _Module:
    def __init__(self, tree: ast.Module) -> None:
        self.parent = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def _function(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return node
        return None

    def _bindings(self, name: ast.Name) -> list[ast.expr] | None:
        """What a local name is bound to (assignments, for-loop targets); None outside a function."""
        fn = self._function(name)
        if fn is None:
            return None
        values: list[ast.expr] = [a.value for a in ast.walk(fn) if isinstance(a, ast.Assign)
                                  and any(isinstance(t, ast.Name) and t.id == name.id for t in a.targets)]
        values += [a.iter for a in ast.walk(fn) if isinstance(a, (ast.For, ast.comprehension))
                   and any(isinstance(x, ast.Name) and x.id == name.id for x in ast.walk(a.target))]
        return values

    def unsafe(self, node: ast.expr, depth: int = 0) -> list[ast.expr]:
        """The leaves of ``node`` that may carry user text into Markdown (empty: ``node`` is safe)."""
        if depth > 10:
            return [node]
        if isinstance(node, ast.Constant) or (isinstance(node, ast.Name) and node.id.isupper()):
            return []
        if isinstance(node, ast.JoinedStr):
            return [leaf for v in node.values if isinstance(v, ast.FormattedValue) for leaf in self._part(v, depth)]
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        if isinstance(node, ast.BinOp):
            return self.unsafe(node.left, depth + 1) + self.unsafe(node.right, depth + 1)
        if isinstance(node, ast.IfExp):
            return self.unsafe(node.body, depth + 1) + self.unsafe(node.orelse, depth + 1)
        if isinstance(node, (ast.List, ast.Tuple)):
            return [leaf for e in node.elts for leaf in self.unsafe(e, depth + 1)]
        if isinstance(node, ast.ListComp):
            return self.unsafe(node.elt, depth + 1)
        if isinstance(node, ast.Name):
            values = self._bindings(node)
            if not values or any(self.unsafe(v, depth + 1) for v in values):
                return [node]
            return []
        return [node]

    def _call(self, node: ast.Call, depth: int) -> list[ast.expr]:
        name = _name(node.func)
        if name in SAFE_CALLS:
            return []
        if name in TRANSLATE:
            return [leaf for k in node.keywords if k.arg != "lang" for leaf in self.unsafe(k.value, depth + 1)]
        if (name == "join" and isinstance(node.func, ast.Attribute) and node.args
                and isinstance(node.args[0], (ast.GeneratorExp, ast.ListComp))):
            return self.unsafe(node.func.value, depth + 1) + self.unsafe(node.args[0].elt, depth + 1)
        return [node]

    def _part(self, value: ast.FormattedValue, depth: int) -> list[ast.expr]:
        spec_parts = getattr(value.format_spec, "values", [])
        spec = "".join(c.value for c in spec_parts if isinstance(c, ast.Constant) and isinstance(c.value, str))
        if value.conversion == -1 and spec and spec[-1] in NUMERIC_FORMAT:
            return []
        return [value.value] if value.conversion != -1 else self.unsafe(value.value, depth + 1)


def unsafe_leaves(root: Path) -> set[tuple[str, str]]:
    """Every unsafe leaf of every Markdown sink in ui/, pages/ and app.py, as ``(file, source)``."""
    found: set[tuple[str, str]] = set()
    for path in sorted([*root.glob("ui/*.py"), *root.glob("pages/*.py"), root / "app.py"]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = _Module(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            names = _sink_names(node.func)
            args = _markdown_args(node, names) if names else [k.value for k in node.keywords if k.arg == "help"]
            for arg in args:
                found |= {(path.relative_to(root).as_posix(), ast.unparse(leaf)) for leaf in module.unsafe(arg)}
    return found
