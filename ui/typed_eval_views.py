"""Helpers of the Evaluate page's "Typed interests" tab: labels, tables, the figure, the template, downloads.

Nothing here draws. :mod:`ui.typed_eval_panel` loads a cases file with
:func:`core.evaluation.cases.load_cases`, runs :func:`core.evaluation.typed_cases.evaluate_typed_cases`
(the same run as ``python -m core evaluate-interests``) and draws what these functions build from the
:class:`~core.evaluation.typed_cases.TypedCasesReport`. Method, group, kind and metric names are translated
through the zh/en catalogue; text from the cases file goes into plots through :func:`ui.safe.plot_text`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.common.csv_safe import csv_bytes
from core.data.dataset import Dataset
from core.evaluation.cases import CaseSet, title_resolver
from core.evaluation.typed_cases import ABLATION, BASELINE, BASELINES, FUSED, KINDS, TypedCasesReport
from ui.evaluate_labels import metric_label
from ui.safe import plot_text

Translate = Callable[..., str]
GROUPS: tuple[str, ...] = (FUSED, ABLATION, BASELINE)
GROUP_COLOURS: dict[str, str] = {FUSED: "#F58518", ABLATION: "#4C78A8", BASELINE: "#9E9E9E"}
K_CHOICES: tuple[int, ...] = (1, 5, 10, 20, 50, 100)
DEFAULT_KS: tuple[int, ...] = (10, 50)
ALL_SPLITS = "all"
PATTERNS: tuple[str, ...] = ("", "/", ".", "x", "-", "|")
"""Bar pattern per k (the colour is the method's group)."""
BASELINE_KEYS: dict[str, str] = dict(zip(BASELINES, ("most_popular", "whole_text", "item_knn", "seed_recipe"),
                                         strict=True))
"""Baseline method names of :mod:`core.evaluation.typed_cases` -> their catalogue key suffix."""
_ONLY = re.compile(r"^(?P<kind>\w+) tags only$")
_STAGES = ((re.compile(r"^decomposed (?P<i>\d+)/(?P<n>\d+) cases$"), "evaluate.cases.stage.decompose"),
           (re.compile(r"^ranked case (?P<i>\d+)/(?P<n>\d+)$"), "evaluate.cases.stage.rank"))


@dataclass(frozen=True, eq=False)
class StoredRun:
    """The last typed-interest report of the session and the fingerprint of the dataset it ran on."""

    dataset_fp: str
    report: TypedCasesReport


# --- labels ---------------------------------------------------------------------------------------


def method_label(name: str, translate: Translate) -> str:
    """A method of the run in the UI language (``fused``, ``<kind> tags only``, the baselines); other names
    (extra fused configurations) as they are."""
    if name == "fused":
        return translate("evaluate.cases.method.fused")
    if name in BASELINE_KEYS:
        return translate(f"evaluate.cases.method.{BASELINE_KEYS[name]}")
    only = _ONLY.match(name)
    if only is not None and only["kind"] in KINDS:
        return translate("evaluate.cases.method.only", kind=translate(f"evaluate.cases.kind.{only['kind']}"))
    return name


def group_label(group: str, translate: Translate) -> str:
    """fused / ablation / baseline in the UI language."""
    return translate(f"evaluate.cases.group.{group}")


def split_name(split: str, translate: Translate) -> str:
    """A split of the cases file as shown: ``all`` translated, any other as written in the file."""
    return translate("evaluate.cases.all") if split == ALL_SPLITS else split


def split_option_label(split: str, cases: CaseSet, translate: Translate) -> str:
    """The split selectbox's option: its name and how many cases it holds."""
    n = len(cases) if split == ALL_SPLITS else cases.splits().get(split, 0)
    return translate("evaluate.cases.split_option", split=split_name(split, translate), n=n)


def stage_text(message: str, translate: Translate) -> str:
    """The core run's progress message (``decomposed 3/10 cases``, ``ranked case 2/10``) in the UI language;
    an unknown message as it is."""
    for pattern, key in _STAGES:
        found = pattern.match(message)
        if found is not None:
            return translate(key, i=found["i"], n=found["n"])
    if message.startswith("typed-interest evaluation done"):
        return translate("evaluate.cases.stage.done")
    if message in ("", "…"):
        return translate("evaluate.cases.stage.start")
    return message


# --- the cases file -------------------------------------------------------------------------------


def split_options(cases: CaseSet) -> list[str]:
    """``all`` then the splits named in the file (sorted; cases without a split are only in ``all``)."""
    return [ALL_SPLITS, *sorted(s for s in cases.splits() if s and s != ALL_SPLITS)]


def splits_text(cases: CaseSet, translate: Translate) -> str:
    """``dev 2 · test 1`` (cases without a split labelled as such)."""
    counts = cases.splits()
    return " · ".join(f"{s or translate('evaluate.cases.no_split')} {counts[s]}" for s in sorted(counts))


def unresolved_frame(entries: Iterable[Mapping[str, Any]], translate: Translate) -> pd.DataFrame:
    """The entries that named no item (``Unresolved.as_dict()``: case, id, field, value), translated headers."""
    columns = {"case": translate("evaluate.cases.col.case"), "id": translate("evaluate.cases.col.id"),
               "field": translate("evaluate.cases.col.field"), "value": translate("evaluate.cases.col.value")}
    rows = [{columns["case"]: int(e["case"]), columns["id"]: str(e["id"]),
             columns["field"]: translate(f"evaluate.cases.field.{e['field']}"), columns["value"]: str(e["value"])}
            for e in entries]
    return pd.DataFrame(rows, columns=list(columns.values()))


def unresolved_csv(frame: pd.DataFrame) -> bytes:
    """The unresolved entries as CSV (UTF-8 with BOM, spreadsheet formulas escaped)."""
    return csv_bytes(frame)


def _title_or_id(dataset: Dataset, item: int, resolve: Callable[[str], Any]) -> str:
    """The item's title when the title matcher maps it back to this very item, else its id."""
    title = dataset.titles([item])[0]
    item_id = str(dataset.item_ids[item])
    match = resolve(title) if title and title != item_id else None
    return title if match is not None and str(match.key) == item_id else item_id


def template_cases(dataset: Dataset, translate: Translate) -> list[dict[str, Any]]:
    """A small valid cases list for ``dataset`` (its most popular items): titles and ids as targets and
    mentioned items, a ``dev`` and a ``test`` split, texts in the UI language."""
    if dataset.n_items == 0:
        return []
    order = [int(i) for i in np.argsort(-np.asarray(dataset.item_popularity), kind="stable")]
    pick = [order[i % len(order)] for i in range(6)]
    resolve = title_resolver(dataset).resolve_title
    ids = [str(dataset.item_ids[i]) for i in pick]
    titles = dataset.titles(pick)
    ref = [_title_or_id(dataset, i, resolve) for i in pick]
    cases: list[dict[str, Any]] = [
        {"id": "example-1", "split": "dev", "text": translate("evaluate.cases.template.like", title=titles[0]),
         "mentioned": [ref[0]], "targets": [ids[1], ref[2]]},
        {"id": "example-2", "split": "dev",
         "text": translate("evaluate.cases.template.two", first=titles[3], second=titles[4]),
         "mentioned": [ref[3], ref[4]], "targets": [ids[5], ids[0]]},
    ]
    categories = dataset.items["category"].astype(str).to_numpy() if "category" in dataset.items else None
    category = next((categories[i] for i in order if categories is not None and categories[i].strip()), "")
    if category:
        members = [i for i in order if categories is not None and categories[i] == category][:3]
        cases.append({"id": "example-3", "split": "test",
                      "text": translate("evaluate.cases.template.category", category=category),
                      "targets": [str(dataset.item_ids[i]) for i in members]})
    else:
        cases.append({"id": "example-3", "split": "test",
                      "text": translate("evaluate.cases.template.like", title=titles[1]),
                      "mentioned": [ref[1]], "targets": [ids[2], ids[3]]})
    return cases


def template_bytes(dataset: Dataset, translate: Translate) -> bytes:
    """:func:`template_cases` as an indented UTF-8 JSON file."""
    return json.dumps(template_cases(dataset, translate), ensure_ascii=False, indent=2).encode("utf-8")


# --- the report -----------------------------------------------------------------------------------


def _round(x: float, digits: int = 4) -> float | None:
    return round(float(x), digits) if math.isfinite(x) else None


def _ci(low: float, high: float) -> str:
    return f"[{low:.3f}, {high:.3f}]" if math.isfinite(low) and math.isfinite(high) else "—"


def methods_frame(report: TypedCasesReport, translate: Translate) -> pd.DataFrame:
    """One row per method (report order): translated method and group, cases ranked, then per metric its
    mean and its 95% bootstrap interval."""
    rows = []
    for m in report.methods:
        row: dict[str, Any] = {translate("evaluate.cases.col.method"): method_label(m.name, translate),
                               translate("evaluate.cases.col.group"): group_label(m.group, translate),
                               translate("evaluate.cases.col.ranked"): m.n_ranked}
        for metric in report.metrics:
            label = metric_label(metric, translate)
            iv = m.intervals[metric]
            row[label] = _round(iv.mean)
            row[translate("evaluate.cases.col.ci", metric=label)] = _ci(iv.low, iv.high)
        rows.append(row)
    return pd.DataFrame(rows)


def recall_chart(report: TypedCasesReport, translate: Translate) -> go.Figure:
    """Grouped bars of Recall@k per method (one bar per k, patterned by k), coloured by group
    (fused / ablation / baseline), with asymmetric 95% error bars."""
    fig = go.Figure()
    labels = [plot_text(method_label(m.name, translate)) for m in report.methods]
    for group in GROUPS:
        members = [(plot_text(method_label(m.name, translate)), m) for m in report.methods if m.group == group]
        if not members:
            continue
        for j, k in enumerate(report.ks):
            metric = f"recall@{k}"
            means = [m.intervals[metric].mean for _, m in members]
            fig.add_trace(go.Bar(
                x=[label for label, _ in members], y=means, offsetgroup=f"k{k}", legendgroup=group,
                name=f"{group_label(group, translate)} · {metric_label(metric, translate)}",
                marker={"color": GROUP_COLOURS[group], "pattern": {"shape": PATTERNS[j % len(PATTERNS)]}},
                error_y={"type": "data", "symmetric": False,
                         "array": [max(0.0, m.intervals[metric].high - v) for (_, m), v in zip(members, means,
                                                                                               strict=True)],
                         "arrayminus": [max(0.0, v - m.intervals[metric].low) for (_, m), v in zip(members, means,
                                                                                                   strict=True)]},
            ))
    fig.update_layout(barmode="group", title=translate("evaluate.cases.chart"),
                      yaxis_title=translate("evaluate.metric.recall"), height=460, margin={"t": 50, "b": 10})
    fig.update_xaxes(categoryorder="array", categoryarray=labels)
    return fig


def comparisons_frame(report: TypedCasesReport, translate: Translate) -> pd.DataFrame:
    """The paired comparisons of each fused ranking against the best baseline (per metric)."""
    return pd.DataFrame([{
        translate("evaluate.sig.candidate"): method_label(c.candidate, translate),
        translate("evaluate.sig.reference"): method_label(c.reference, translate),
        translate("evaluate.cases.col.metric"): metric_label(c.metric, translate),
        translate("evaluate.cases.col.candidate_mean"): _round(c.candidate_mean),
        translate("evaluate.cases.col.reference_mean"): _round(c.reference_mean),
        translate("evaluate.sig.delta"): _round(c.difference),
        translate("evaluate.sig.relative"): f"{c.relative:+.1%}" if math.isfinite(c.relative) else "—",
        translate("evaluate.sig.ci"): f"[{c.diff_low:+.4f}, {c.diff_high:+.4f}]"
        if math.isfinite(c.diff_low) else "—",
        translate("evaluate.sig.wilcoxon"): _round(c.wilcoxon_p, 6),
        translate("evaluate.sig.ttest"): _round(c.ttest_p, 6),
        translate("evaluate.cases.col.cases"): c.n_users,
    } for c in report.comparisons])


def verdicts(report: TypedCasesReport, translate: Translate, metrics: Sequence[str] | None = None) -> list[str]:
    """One sentence per comparison of ``metrics`` (default Recall@ each k): significantly better or not."""
    wanted = set(metrics) if metrics is not None else {f"recall@{k}" for k in report.ks}
    out = []
    for c in report.comparisons:
        if c.metric not in wanted:
            continue
        significant = math.isfinite(c.wilcoxon_p) and c.wilcoxon_p < 0.05 and c.difference > 0
        out.append(translate(
            "evaluate.sig_yes" if significant else "evaluate.sig_no",
            candidate=f"{method_label(c.candidate, translate)} ({metric_label(c.metric, translate)})",
            reference=method_label(c.reference, translate),
            rel=f"{c.relative:+.1%}" if math.isfinite(c.relative) else "—",
            p=f"{c.wilcoxon_p:.3g}" if math.isfinite(c.wilcoxon_p) else "—"))
    return out


def kinds_text(report: TypedCasesReport, translate: Translate) -> str:
    """``物品 3 · 属性 2 · ...``: cases whose profile has tags of each kind."""
    return " · ".join(f"{translate(f'evaluate.cases.kind.{kind}')} {n}" for kind, n in report.kinds.items())


def report_json(report: TypedCasesReport) -> bytes:
    """``report.to_dict()`` as indented UTF-8 JSON (the CLI's ``--json`` document)."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str).encode("utf-8")


def report_markdown(report: TypedCasesReport) -> bytes:
    """``report.to_markdown()`` as UTF-8 (the CLI's default output)."""
    return report.to_markdown().encode("utf-8")
