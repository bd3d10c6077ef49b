"""ui.data_views: the rejected-rows download is formula-escaped in every UI language.

(The other Data-page helpers are tested with the page, in tests/pages/test_data_page.py.)
"""

from __future__ import annotations

import io

import pandas as pd

from core.data.loaders import load_interactions
from tests.data.test_report import FIXTURES
from ui import data_views as dv


def test_translated_rejected_csv_is_escaped_like_the_english_one() -> None:
    rep = load_interactions(FIXTURES / "formula_cells.csv")
    view = dv.report_view(rep)
    assert dv.rejected_csv(view, "en") == rep.rejected_csv()
    zh = pd.read_csv(io.StringIO(dv.rejected_csv(view, "zh").decode("utf-8-sig")), dtype=str, keep_default_na=False)
    en = pd.read_csv(io.StringIO(dv.rejected_csv(view, "en").decode("utf-8-sig")), dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(zh.drop(columns="reason"), en.drop(columns="reason"))
    assert zh["item"].tolist()[1] == "'+1+1" and zh["title"].tolist()[1] == "'@SUM(A1)"
    assert zh["rating"].tolist()[2:5] == ["-1", "inf", "NaN"]
    assert zh["reason"].tolist()[0] == "评分不是数字"
