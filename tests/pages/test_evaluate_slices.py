"""The Evaluate page's slices, popularity-bias and calibration section, driven headlessly (AppTest) with a
finished run put into session state (no evaluation runs in the page)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.data.dataset import Dataset
from core.evaluation.breakdown import Breakdown
from tests.ui.test_slices_views import small_report
from ui.i18n import t

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "evaluate.py")


def test_slices_drawn_from_the_kept_run(tmp_workspace: Path, bilingual: Dataset) -> None:
    report = small_report(bilingual)
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.session_state["dataset_key"] = "demo:bilingual"
    at.session_state["eval_report"] = report
    at.session_state["eval_report_fp"] = bilingual.fingerprint
    at.run()
    assert not at.exception, "\n".join(e.message for e in at.exception)
    assert isinstance(report.runtime.get("breakdown"), Breakdown)  # computed once, kept with the run
    assert any(t("evaluate.slices.header", "zh") in m.value for m in at.markdown)
    labels = [tab.label for tab in at.tabs]
    for key in ("evaluate.slices.dim.activity", "evaluate.slices.dim.language", "evaluate.bias.tab",
                "evaluate.calib.tab"):
        assert t(key, "zh") in labels
    assert at.get("plotly_chart")  # includes the popularity-bias chart
    cold = t("evaluate.slices.slice.cold", "zh")
    activity = [d.value for d in at.dataframe if any(cold in str(c) for c in d.value.columns)]
    assert len(activity) == 1 and activity[0].shape[1] == 3
    cached = report.runtime["breakdown"]
    at.multiselect(key="eval_bias_configs").set_value(["most_popular"]).run()
    assert not at.exception
    assert report.runtime["breakdown"] is cached  # the rerun reused it
    assert not at.error
