"""The Evaluate page's Compare section, driven headlessly (AppTest) on the bilingual demo."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.evaluation.compare import ConfigComparison
from ui.i18n import t

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "evaluate.py")


def test_compare_two_configurations(tmp_workspace: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.session_state["dataset_key"] = "demo:bilingual"
    at.run()
    assert not at.exception
    at.selectbox(key="eval_cmp_a").set_value("channel:mf")
    at.selectbox(key="eval_cmp_b").set_value("baseline:most_popular")
    next(b for b in at.button if b.label == t("compare.run", "zh")).click().run()
    assert not at.exception, "\n".join(e.message for e in at.exception)
    result = at.session_state["eval_cmp_result"]
    assert isinstance(result, ConfigComparison) and result.n_users == len(result.ndcg_b) > 100
    assert result.a.kind == "channel" and result.b.kind == "baseline"
    assert any(t("compare.gains", "zh") in m.value for m in at.markdown)
    assert len(at.expander) == len(result.gains) + len(result.drops)
    assert not at.error
