"""ui.data_views: the rejected-rows download is formula-escaped in every UI language; reasons translate;
big reject lists are viewed bounded (the first rows, exact counts, "showing the first N of M") and
downloaded whole from the file on disk.

(The other Data-page helpers are tested with the page, in tests/pages/test_data_page.py.)
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from core.data.loaders import load_interactions
from core.data.report import REASONS
from tests.data.test_report import FIXTURES
from ui import data_views as dv
from ui.i18n import CATALOGUE, t


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


def test_date_notices_are_translated_with_their_order() -> None:
    rep = load_interactions(b"user,item,date\n1,a,04/03/2021\n2,b,13/03/2021\n", name="d.csv")
    (notice,) = dv.report_view(rep)["notices"]
    assert dv.notice_text(notice, "en") == (
        "Column “date”: dates read day-first (dd/mm/yyyy), because the first number is above 12 on line 3 "
        "(“13/03/2021”)."
    )
    assert dv.notice_text(notice, "zh") == (
        "“date”列的日期按日在前（日/月/年）读取：第 3 行的“13/03/2021”第一个数大于 12。"
    )
    assert dv.notice_text({"code": "unknown", "message": "as is"}, "zh") == "as is"


# --- bounded views of big reject lists (issue 16) ------------------------------------------------------


def _junk(n: int) -> bytes:
    rows = "".join(f"u{i},i{i},{'x' if i % 2 else '4'}\n" if i % 3 else f"u{i},i{i},4,extra\n" for i in range(n))
    return ("user,item,rating\n" + rows).encode()


def test_every_reason_round_trips_through_the_translation() -> None:
    samples = {"role": "item", "ref": 12, "found": 5, "expected": 3, "size": 200_000, "limit": 131_072, "order": "x"}
    for code, template in REASONS.items():
        english = template.format(**samples)
        assert dv.parse_reason(english) is not None and dv.parse_reason(english)[0] == code, code  # type: ignore[index]
        zh = dv.translate_reasons(english, "zh")
        if f"data.reason.{code}" in CATALOGUE:
            assert zh != english and "{" not in zh and not zh.isascii(), code
            assert ("缺少物品 ID" in zh) == (code == "missing_id"), code
            assert ("12" in zh) == code.startswith("duplicate"), code
    assert dv.translate_reasons("item id is missing; duplicate of line 7 (same user, item and timestamp)", "zh") == (
        "缺少物品 ID; 与第 7 行重复（用户、物品、时间都相同）"
    )
    assert dv.translate_reasons("something new", "zh") == "something new" and dv.translate_reasons("", "zh") == ""
    big = REASONS["cell_too_large"].format(size=200_000, limit=131_072)  # holds "; " itself
    two = big + "; " + REASONS["missing_id"].format(role="user")
    assert dv.translate_reasons(big, "zh") != big and "; " not in dv.translate_reasons(big, "zh")
    assert dv.translate_reasons(two, "zh") == dv.translate_reasons(big, "zh") + "; 缺少用户 ID"


def test_a_capped_report_is_viewed_and_downloaded_whole(tmp_workspace: Path) -> None:
    rep = load_interactions(_junk(600), name="junk.csv", max_kept=10)
    view = dv.report_view(rep)
    assert len(view["problems"]) == 10 and len(view["rejected"]) == 10  # what the session keeps: bounded
    assert view["rows_rejected"] == rep.rows_rejected == 400 and view["problems_total"] == 400
    assert dv.shown_caption(view, "en") == "Showing the first 10 of 400 rejected rows; the download has all of them."
    assert dv.shown_caption(view, "zh") == "只显示前 10 行（共 400 行被拒绝）；全部被拒绝的行都在下载的 CSV 里。"
    assert dv.counts_table(view["tally"], "en")["Count"].sum() == 400  # exact, not the 10 kept
    en = dv.rejected_csv(view, "en")
    assert en == Path(view["rejected_file"]).read_bytes()
    zh = pd.read_csv(io.BytesIO(dv.rejected_csv(view, "zh")), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(zh) == 400 and set(zh["reason"]) == {"评分不是数字", "这一行的字段数与表头不一致"}
    table = dv.rejected_table(view, "en")
    assert list(table.columns) == ["Line", "user", "item", "rating", "raw", "Reason"] and len(table) == 10
    assert table["Reason"].tolist()[:2] == [t("data.reason.bad_field_count", "en"), "Rating is not a number"]


def test_an_uncapped_report_needs_no_file_and_says_nothing_about_truncation() -> None:
    rep = load_interactions(_junk(30), name="small.csv")
    view = dv.report_view(rep)
    assert view["rejected_file"] is None and dv.shown_caption(view) is None
    assert dv.rejected_csv(view, "en") == rep.rejected_csv()


def test_a_pruned_file_falls_back_to_the_kept_rows(tmp_workspace: Path) -> None:
    rep = load_interactions(_junk(60), name="junk.csv", max_kept=3)
    view = dv.report_view(rep)
    Path(view["rejected_file"]).unlink()
    back = pd.read_csv(io.BytesIO(dv.rejected_csv(view, "en")), encoding="utf-8-sig", dtype=str)
    assert len(back) == 3


def test_the_previous_loads_files_are_forgotten_but_a_chosen_path_is_kept(tmp_workspace: Path, tmp_path: Path) -> None:
    spilled = dv.report_view(load_interactions(_junk(60), name="a.csv", max_kept=3))
    chosen = dv.report_view(load_interactions(_junk(60), name="b.csv", rejected_path=tmp_path / "mine.csv"))
    assert dv.forget_rejected_files([spilled, chosen, {"rejected_file": None}]) == 1
    assert not Path(spilled["rejected_file"]).exists() and (tmp_path / "mine.csv").exists()


def test_a_withheld_value_says_so() -> None:
    rep = load_interactions(b"user,item,rating\nbob@example.com,1,4,5\n", name="p.csv", pseudonymise_key="k")
    table = dv.problems_table(rep.problems, "zh")
    assert table["值"].tolist() == ["（已隐藏：可能含有原始用户 ID）"]


def test_a_refused_bomb_is_explained_in_both_languages(tmp_path: Path) -> None:
    from core.common.errors import DataError
    from core.data.read_options import ReadOptions
    from core.data.readers import read_table
    from tests.fixtures.hostile_files import parquet_bomb

    data = parquet_bomb(tmp_path / "bomb.parquet", rows=3000).read_bytes()
    try:
        read_table(data, name="bomb.parquet", options=ReadOptions(max_rows=1000))
    except DataError as exc:
        err = exc
    assert dv.error_text(err, "en") == (
        "bomb.parquet: 3,000 rows; the limit is 1,000 rows. Raise max_rows in settings (INTERESTLENS_MAX_ROWS) "
        "or use the CLI with --max-rows."
    )
    assert dv.error_text(err, "zh").startswith("bomb.parquet 有 3,000 行，超过上限 1,000 行。")
