"""core.data.pseudonyms: user ids replaced by a keyed hash everywhere they could leak.

The privacy matrix: files with malformed rows of every kind (wrong field count, broken JSON line, missing
id, bad rating, bad or missing timestamp, duplicate, non-UTF-8 encodings, a NUL byte, an oversized cell),
each holding the id ``bob.k9zq@example.com``; with pseudonymisation on, no piece of that id may appear in
the report (dict / JSON), the rejected rows (in memory, their CSV, the file on disk), the Data page's tables
and downloads, an error message or the CLI's output.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from core.common.errors import DataError
from core.data import loaders
from core.data.loaders import load_dataset, load_interactions, load_user_tags
from core.data.pseudonyms import pseudonym_function, pseudonymise_ids, user_hider
from core.data.report import LoadReport, NothingLoadedError
from tests.data.test_report import NOW
from tests.fixtures.hostile_files import oversized_cell_csv
from ui import data_views as dv

KEY = "s3cret"
BOB = "bob.k9zq@example.com"
PIECES = ("k9zq", "example.com", "bob.", "zqsmith")  # any piece of a raw id (incl. a half split at a comma)
BOB_HASH = hmac.new(KEY.encode(), BOB.encode(), hashlib.sha256).hexdigest()[:16]


def test_pseudonymisation_replaces_user_ids_everywhere() -> None:
    data = b"user,item,rating\nalice,1,4\nbob,2,x\nalice,3,5\n"
    rep = load_interactions(data, name="p.csv", pseudonymise_key=KEY)
    expected = hmac.new(KEY.encode(), b"alice", hashlib.sha256).hexdigest()[:16]
    assert rep.frame["user_id"].tolist() == [expected, expected]
    assert "bob" not in rep.rejected_csv().decode("utf-8-sig")
    ds, _, _ = load_dataset(data, name="p", pseudonymise_key=KEY)
    assert list(ds.user_ids) == [expected] and ds.meta["pseudonymised"] is True
    other = load_interactions(data, name="p.csv", pseudonymise_key="other")
    assert other.frame["user_id"].iloc[0] != expected


def test_pseudonyms_are_keyed_and_missing_values_are_not_hashed() -> None:
    ids = pa.array(["a", "b", "a"], pa.large_string())
    out = pseudonymise_ids(ids, b"k").to_pylist()
    assert out[0] == out[2] != out[1] and all(len(v) == 16 for v in out)
    hide = user_hider("user", "k")
    assert hide is not None and user_hider("user", None) is None
    assert hide("user", ["a", " NaN ", "", "a "]) == [out[0], " NaN ", "", out[0]]
    assert hide("item", ["a"]) == ["a"]
    assert pseudonym_function("k")("a") == out[0]


# --- the privacy matrix ---------------------------------------------------------------------------------

CSV_ROWS = [
    "user,item,rating,timestamp",
    "alice,1,4,1600000000",
    f"{BOB},2,4,1600000000,extra",  # too many fields
    f"{BOB},3",  # too few fields
    "bob.k9zq@example.com, zqsmith,9,4,1600000000",  # an id cut in two at a comma: both halves are private
    f"{BOB},,4,1600000000",  # missing item id
    f"{BOB},5,abc,1600000000",  # bad rating
    f"{BOB},5n,NaN,1600000000",  # NaN rating
    f"{BOB},6,4,yesterday",  # bad timestamp
    f"{BOB},7,4,",  # missing timestamp
    f"{BOB},7n,4,nan",  # NaN timestamp
    f"{BOB},8,4,1600000000",
    f"{BOB},8,4,1600000000",  # duplicate
    f"{BOB},9,-1,1600000000",  # negative rating
]
CSV = ("\n".join(CSV_ROWS) + "\n").encode()
JSONL = (
    '{"user": "alice", "item": "1", "rating": 4}\n'
    f'{{"user": "{BOB}", "item": "2", "rating": 4\n'  # broken JSON: the raw line holds the id
    f'{{"user": "{BOB}", "item": "", "rating": 4}}\n'
    f'{{"user": "{BOB}", "item": "3", "rating": "x"}}\n'
    "[1, 2]\n"
).encode()
GBK = ("用户,物品,评分\n张三,电影1,4\n" + f"{BOB},电影2,很好\n" + f"{BOB},电影3\n").encode("gbk")
LATIN1 = ("user,item,rating\nalice,café,4\n" + f"{BOB},crème,x\n" + f"{BOB},brûlée,4,5\n").encode("latin-1")
BAD_UTF8 = b"user,item,rating\nalice,1,4\n" + BOB.encode() + b"\xff,2,x\n" + BOB.encode() + b",3,4,4\n"
NUL = ("user,item,rating\nalice,1,4\n" + f"{BOB},i\x00x,4\n" + f"{BOB},3,4\n").encode()
NUL_IN_ID = ("user,item,rating\nalice,1,4\n" + "bob.k9zq\x00@example.com,2,4\n").encode()
EMAIL = (f"user_id,email,item,rating\nu1,x@y.z,1,4\n{BOB},{BOB},2,x\nu2,{BOB},3,4\n{BOB},{BOB},4\n").encode()
TSV_QUOTED = ("user\titem\trating\nalice\t1\t4\n" + f'"{BOB}\t(tab in the id)"\t2\tx\n' + f"{BOB}\t3\n").encode()

CASES: dict[str, tuple[bytes, str]] = {
    "csv": (CSV, "p.csv"),
    "email": (EMAIL, "email.csv"),  # an unmapped column holding the id too
    "jsonl": (JSONL, "p.jsonl"),
    "gbk": (GBK, "gbk.csv"),
    "latin1": (LATIN1, "latin.csv"),
    "bad_utf8": (BAD_UTF8, "bad.csv"),
    "nul_cell": (NUL, "nul.csv"),
    "nul_in_id": (NUL_IN_ID, "nulid.csv"),
    "tsv": (TSV_QUOTED, "p.tsv"),
}


def _assert_private(text: str | bytes, where: str) -> None:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    for piece in PIECES:
        assert piece not in text, f"{piece!r} leaked into {where}: {text[:2000]}"


def _frames_text(*frames: pd.DataFrame) -> str:
    return "\n".join(frame.to_csv(index=False) + " ".join(map(str, frame.columns)) for frame in frames)


def _check_report(rep: LoadReport) -> None:
    """Every surface of one report: dict, JSON, problems, rejected rows (memory, CSV, file), UI views."""
    summary = rep.summary()
    _assert_private(json.dumps(summary, ensure_ascii=False), "the report JSON")
    _assert_private(repr(rep.problems), "the problems")
    _assert_private(_frames_text(rep.rejected), "the rejected frame")
    _assert_private(rep.rejected_csv(), "the rejected CSV")
    if rep.rejected_file is not None:
        _assert_private(Path(rep.rejected_file).read_bytes(), "the rejected-rows file")
    view = dv.report_view(rep)
    for lang in ("en", "zh"):
        _assert_private(dv.rejected_csv(view, lang), f"the {lang} download")
        _assert_private(
            _frames_text(
                dv.problems_table(view["problems"], lang),
                dv.counts_table(view["tally"], lang),
                dv.rejected_table(view, lang),
            ),
            f"the {lang} UI tables",
        )


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("max_kept", [1000, 1])  # everything in memory / the rest in the file on disk
def test_no_piece_of_a_raw_id_survives_pseudonymisation(case: str, max_kept: int, tmp_workspace: Path) -> None:
    data, name = CASES[case]
    try:
        rep = load_interactions(data, name=name, pseudonymise_key=KEY, now=NOW, max_kept=max_kept)
    except DataError as exc:  # a file refused as a whole: its message must not quote the id either
        _assert_private(str(exc), "the error")
        _assert_private(dv.error_text(exc, "en") + dv.error_text(exc, "zh"), "the translated error")
        return
    assert rep.rows_rejected >= 1, case  # each case has bad rows: the test would prove nothing otherwise
    assert rep.pseudonymised and rep.rows_loaded + rep.rows_rejected == rep.rows_total
    _assert_private(_frames_text(rep.frame), "the loaded rows")
    _check_report(rep)
    if max_kept == 1 and rep.rows_rejected > 1:
        assert rep.rejected_file is not None and rep.rejected_file.parent == tmp_workspace / "rejected"


def test_the_matrix_would_catch_a_leak() -> None:
    """Without pseudonymisation the same files do show the id (so the matrix above can fail)."""
    rep = load_interactions(CSV, name="p.csv", now=NOW)
    with pytest.raises(AssertionError):
        _check_report(rep)
    assert BOB in json.dumps(rep.summary()) and BOB in rep.rejected_csv().decode("utf-8-sig")


def test_malformed_rows_keep_line_reason_and_the_pseudonym_only() -> None:
    rep = load_interactions(CSV, name="p.csv", pseudonymise_key=KEY, now=NOW)
    by_line = {int(r["line"]): r for r in rep.rejected.to_dict("records")}
    assert "raw" not in rep.rejected.columns  # the raw record holds the id: dropped, not hashed
    assert by_line[3] == {"user": BOB_HASH, "item": "", "rating": "", "timestamp": "", "line": 3,
                          "reason": "row has 5 fields but the header has 4"}  # fmt: skip
    assert by_line[4]["user"] == BOB_HASH and by_line[5]["item"] == ""  # "zqsmith" was in the item position
    problems = {p.row: p for p in rep.problems}
    assert problems[3].redacted and problems[3].value == "" and problems[3].to_dict()["redacted"] is True
    # rows that were split correctly keep their other cells, the user as its pseudonym
    assert by_line[7]["rating"] == "abc" and by_line[7]["user"] == BOB_HASH
    assert problems[7].value == "abc" and not problems[7].redacted
    assert problems[13].code == "duplicate" and problems[13].value == BOB_HASH and problems[13].ref_row == 12
    # the same pseudonym as in the loaded data (the dataset would join on it)
    assert hmac.new(KEY.encode(), b"alice", hashlib.sha256).hexdigest()[:16] in rep.frame["user_id"].tolist()


def test_rejected_rows_show_only_the_mapped_columns_under_pseudonymisation() -> None:
    private = load_interactions(EMAIL, name="email.csv", pseudonymise_key=KEY)
    assert list(private.rejected.columns) == ["user_id", "item", "rating", "line", "reason"]
    assert private.frame["user_id"].tolist()[1] != "u2"  # the loaded rows are pseudonymised as always
    plain = load_interactions(EMAIL, name="email.csv")
    assert list(plain.rejected.columns) == ["user_id", "email", "item", "rating", "raw", "line", "reason"]


def test_a_bad_cell_row_keeps_its_cells_and_shows_the_cell_at_fault() -> None:
    rep = load_interactions(NUL, name="nul.csv", pseudonymise_key=KEY)
    problem = next(p for p in rep.problems if p.code == "nul_byte")
    assert problem.column == "item" and not problem.redacted and BOB_HASH not in problem.value
    row = rep.rejected.iloc[0]
    assert row["user"] == BOB_HASH and row["item"].startswith("i") and "raw" not in rep.rejected.columns


def test_an_oversized_cell_in_a_pseudonymised_file(tmp_path: Path) -> None:
    path = oversized_cell_csv(tmp_path / "big.csv", rows=30, cell_bytes=150_000, big_row=4, ragged_row=9)
    text = path.read_text(encoding="utf-8").replace("u4,", f"{BOB},").replace("u9,", f"{BOB},")
    path.write_text(text, encoding="utf-8")
    rep = load_interactions(path, pseudonymise_key=KEY)
    assert {p.code for p in rep.problems} >= {"cell_too_large", "bad_field_count"}
    _check_report(rep)


def test_user_tags_are_pseudonymised_the_same_way() -> None:
    data = f"userId,movieId,tag,timestamp\nalice,1,fun,1600000000\n{BOB},2,,1600000000\n{BOB},3,x,1,2\n".encode()
    rep = load_user_tags(data, name="tags.csv", pseudonymise_key=KEY)
    assert rep.rows_rejected == 2
    _check_report(rep)


def test_nothing_loaded_error_and_its_reports_stay_private() -> None:
    data = f"user,item,rating\n{BOB},1,x\n{BOB},2\n".encode()
    with pytest.raises(NothingLoadedError) as info:
        load_dataset(data, name="bad.csv", pseudonymise_key=KEY)
    _assert_private(str(info.value), "the error")
    for rep in info.value.reports:
        _check_report(rep)


def test_a_library_failure_under_pseudonymisation_names_no_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_args: Any, **_kwargs: Any) -> Any:
        raise ValueError(f"Unable to parse string {BOB!r} at position 0")

    monkeypatch.setattr(loaders, "duplicates", boom)
    with pytest.raises(DataError) as private:
        load_interactions(CSV, name="p.csv", pseudonymise_key=KEY)
    _assert_private(str(private.value), "the error")
    assert private.value.__cause__ is None and private.value.__suppress_context__
    with pytest.raises(DataError) as plain:
        load_interactions(CSV, name="p.csv")
    assert BOB in str(plain.value)  # without pseudonymisation the detail helps the user


def test_the_cli_prints_and_writes_no_raw_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.cli.commands import main

    monkeypatch.setenv("PSEUDO_KEY", KEY)
    for case, (data, name) in sorted(CASES.items()):
        source = tmp_path / name
        source.write_bytes(data)
        rejected = tmp_path / f"{case}_rejected.csv"
        code = main(["ingest", str(source), "--pseudonymise-env", "PSEUDO_KEY", "--rejected", str(rejected),
                     "--max-problems", "2"])  # fmt: skip
        out = capsys.readouterr()
        _assert_private(out.out + out.err, f"the CLI output for {case}")
        assert code in (0, 2)
        if code == 0:
            payload = json.loads(out.out)
            assert payload["pseudonymised"] is True and payload["rejected_file"] == str(rejected)
            assert len(payload["problems"]) <= 2 and payload["problems_total"] >= payload["rows_rejected"] >= 1
            _assert_private(rejected.read_bytes(), f"the CLI's rejected file for {case}")
            back = pd.read_csv(io.BytesIO(rejected.read_bytes()), encoding="utf-8-sig", dtype=str)
            assert len(back) == payload["rows_rejected"]  # every rejected row, not only the listed ones


def test_the_upload_preview_hides_the_user_column() -> None:
    frame = pd.DataFrame({"user": [BOB, "alice"], "item": ["1", "2"]})
    hidden = dv.preview_frame(frame, "user", KEY)
    assert hidden["user"].tolist()[0] == BOB_HASH and hidden["item"].tolist() == ["1", "2"]
    masked = dv.preview_frame(frame, "user", None)  # pseudonymisation on, no key typed yet
    assert masked["user"].tolist() == [dv.HIDDEN_ID, dv.HIDDEN_ID]
    assert dv.preview_frame(frame, None, KEY) is frame
    assert frame["user"].tolist()[0] == BOB  # the upload itself is not changed
