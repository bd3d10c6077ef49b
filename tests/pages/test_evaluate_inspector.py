"""The Evaluate page's "Inspect a user" section, driven headlessly (AppTest) on the bilingual demo."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.evaluation.inspector import UserInspection
from core.evaluation.protocol import EvaluationReport
from ui.i18n import t
from ui.inspector_views import CACHE_KEY, HIT, channels_for

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "evaluate.py")


def _errors(at: AppTest) -> str:
    return "\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in at.exception)


def _frame(at: AppTest, header: str, without: str = "\0"):  # type: ignore[no-untyped-def]
    """The one dataframe with a column header starting with ``header`` (and none called ``without``)."""
    found = [f.value for f in at.dataframe if any(str(c).startswith(header) for c in f.value.columns)
             and without not in f.value.columns]
    assert len(found) == 1, f"{len(found)} dataframes with a column {header!r}"
    return found[0]


def test_inspect_a_user_after_a_run(tmp_workspace: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=600)
    at.session_state["dataset_key"] = "demo:bilingual"
    at.run()
    assert not at.exception, _errors(at)
    assert t("inspect.header", "zh") not in [h.value for h in at.subheader]  # nothing to inspect before a run
    at.number_input(key="eval_k").set_value(5)
    at.number_input(key="eval_max_users").set_value(60)
    at.multiselect(key="eval_baselines").set_value(["most_popular"])
    at.multiselect(key="eval_channels").set_value(["mf", "item_knn", "popularity"])
    at.checkbox(key="eval_tune").uncheck()
    at.checkbox(key="eval_typed").uncheck()
    next(b for b in at.button if b.label == t("evaluate.run", "zh")).click().run()
    assert not at.exception, _errors(at)
    report = at.session_state["eval_report"]
    assert isinstance(report, EvaluationReport)
    assert t("inspect.header", "zh") in [h.value for h in at.subheader]

    split = report.runtime["split"]
    users = [str(u) for u in split.train.user_ids[report.experiment.users]]
    picker = at.selectbox(key="eval_inspect_user")
    assert picker.value == users[0] and len(picker.options) == len(users) == 60  # the run's evaluated users
    assert all(f"{t('app.user_option', 'zh', id=u, n=0).split('（')[0]}（" in o for u, o in zip(users, picker.options,
                                                                                               strict=True))
    inspection = at.session_state[CACHE_KEY][2]
    assert isinstance(inspection, UserInspection) and inspection.user_id == users[0] and inspection.evaluated
    fused = report.experiment.result("fused_default").recommendations[0]
    assert [e.item_id for e in inspection.fused.entries] == [str(split.train.item_ids[i]) for i in fused if i >= 0]
    suite = report.runtime["suite"]
    shown = at.multiselect(key="eval_inspect_channels").value
    assert shown == channels_for(report, suite, suite.configs["fused_default"])
    weighted = {c for c, w in suite.configs["fused_default"].weights.items() if w > 0}
    assert {"mf", "item_knn", "popularity"} <= set(shown) and weighted & set(suite.channels_) <= set(shown)

    lists = _frame(at, t("evaluate.config.fused_default", "zh"))
    ranked = [lst for lst in inspection.channels if lst.reason is None]
    assert lists.shape == (5, 1 + 1 + len(ranked)) and len(ranked) >= 3  # rank, the fused list, each channel
    dropped = [lst for lst in inspection.channels if lst.reason is not None]  # e.g. text channels: no typed text
    assert len([c for c in at.caption if t("inspect.dropped", "zh", channel="", reason="")[:3] in c.value]) >= len(
        dropped)
    marked = sum(str(v).startswith(HIT) for v in lists.to_numpy().ravel())
    assert marked == sum(lst.hits for lst in inspection.lists())
    assert len(_frame(at, t("inspect.col.value", "zh"), t("inspect.col.relevant", "zh"))) == len(inspection.history) > 0
    held = _frame(at, t("inspect.col.relevant", "zh"))
    assert (held[t("inspect.col.relevant", "zh")] == HIT).sum() == len(inspection.relevant_ids)
    contributions = _frame(at, t("inspect.col.score", "zh"))
    assert len(contributions) == len(inspection.fused.entries)
    titles = {e.title for lst in inspection.lists() for e in lst.entries}
    assert not any(title in m.value for m in at.markdown for title in titles)  # titles only in tables

    at.selectbox(key="eval_inspect_user").set_value(users[1]).run()
    assert not at.exception, _errors(at)
    assert at.session_state[CACHE_KEY][2].user_id == users[1]
    at.selectbox(key="eval_inspect_config").set_value("channel:mf").run()
    assert not at.exception, _errors(at)
    alone = at.session_state[CACHE_KEY][2]
    mf = report.experiment.result("channel:mf").recommendations[1]
    assert [e.item_id for e in alone.fused.entries] == [str(split.train.item_ids[i]) for i in mf if i >= 0]

    at.number_input(key="eval_k").set_value(3)  # a new run with other users: the section follows it
    at.number_input(key="eval_seed").set_value(7)
    next(b for b in at.button if b.label == t("evaluate.run", "zh")).click().run()
    assert not at.exception, _errors(at)
    second = at.session_state["eval_report"]
    assert second is not report
    fresh = at.session_state[CACHE_KEY]
    assert fresh[0] is second and fresh[2].k == 3
    new_users = {str(u) for u in second.runtime["split"].train.user_ids[second.experiment.users]}
    assert fresh[2].user_id in new_users

    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, _errors(at)
    assert t("inspect.header", "en") in [h.value for h in at.subheader]
    assert not at.error
