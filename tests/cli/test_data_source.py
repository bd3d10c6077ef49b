"""core.cli.data_source: ``--data`` names a demo or the user's file in every command, loaded like ``ingest``;
bad input is one line and exit code 2, never a traceback."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from core.cli.args import UsageError
from core.cli.commands import build_parser, main
from core.cli.data_source import DataSpec, load_data_source, rejected_note, resolve_data

DATA_COMMANDS = ["embed", "recommend", "interests", "evaluate", "tune", "compare", "evaluate-interests", "prepare"]


def _ratings(n_users: int = 30, n_items: int = 25) -> list[str]:
    return [f"u{u},i{(u * 7 + j * 3) % n_items},{1 + (u + j) % 5}" for u in range(n_users) for j in range(8)]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Interaction / item files of every kind the commands must take or refuse, generated here."""
    rows = _ratings()
    f = {
        "good": tmp_path / "ratings.csv",
        "items": tmp_path / "items.csv",
        "rejects": tmp_path / "with_rejects.csv",
        "gbk": tmp_path / "gbk.csv",
        "bom": tmp_path / "bom.csv",
        "empty": tmp_path / "empty.csv",
        "blank": tmp_path / "blank.csv",
        "nocols": tmp_path / "nocols.csv",
        "binary": tmp_path / "binary.csv",
        "folder": tmp_path / "folder",
    }
    f["good"].write_text("user,item,rating\n" + "\n".join(rows) + "\n", encoding="utf-8")
    f["items"].write_text("item,title,genres\n" + "".join(f"i{i},Film {i},Drama|Comedy\n" for i in range(25)),
                          encoding="utf-8")
    f["rejects"].write_text("user,item,rating\n" + "\n".join(rows) + "\nu1,,3\nu2,i3,abc\nu3,i4,-7\n",
                            encoding="utf-8")
    zh = "用户,物品,评分\n" + "\n".join(f"用户{u},电影{(u * 5 + j) % 20},{1 + (u * j) % 5}"
                                           for u in range(20) for j in range(6)) + "\n"
    f["gbk"].write_bytes(zh.encode("gbk"))
    f["bom"].write_bytes(b"\xef\xbb\xbf" + f["good"].read_bytes())
    f["empty"].write_bytes(b"")
    f["blank"].write_bytes(b"\xef\xbb\xbf\r\n  \n")
    f["nocols"].write_text("a,b,c\n1,2,3\n4,5,6\n", encoding="utf-8")
    f["binary"].write_bytes(b"\x00\x01\x02\x03PK\x03\x04" * 200)
    f["folder"].mkdir()
    return f


def _args(command: str, *argv: str) -> argparse.Namespace:
    return build_parser().parse_args([command, *argv])


def _one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("note: ")]
    assert code == 2, (argv, err)
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, (argv, err)
    return lines[0]


# --- telling a demo from a file --------------------------------------------------------------------


def test_demo_names_and_the_demo_prefix() -> None:
    assert resolve_data("movielens") == DataSpec(demo="movielens")
    assert resolve_data("demo:bilingual") == DataSpec(demo="bilingual")
    with pytest.raises(UsageError, match=r"unknown demo 'nope'.*demo:movielens, demo:bilingual"):
        resolve_data("demo:nope")


def test_an_existing_file_wins_over_a_demo_name_and_the_prefix_forces_the_demo(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("movielens").write_text("user,item\nu1,i1\n", encoding="utf-8")
    assert resolve_data("movielens") == DataSpec(path=Path("movielens"))
    assert resolve_data("demo:movielens") == DataSpec(demo="movielens")


def test_an_unknown_name_lists_the_demos_and_says_the_file_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        resolve_data(str(tmp_path / "ratngs.csv"))
    message = str(info.value)
    assert "movielens, bilingual" in message and "no such file" in message and "\n" not in message


def test_every_data_command_takes_the_shared_flags() -> None:
    for command in DATA_COMMANDS:
        extra = {"compare": ["a", "b"], "evaluate-interests": ["cases.json"], "interests": ["x"]}.get(command, [])
        args = _args(command, *extra, "--data", "f.csv", "--items", "i.csv", "--user-tags", "t.csv",
                     "--column-map", "user=buyer", "--item-map", "title=name", "--date-format", "dmy",
                     "--signal", "count", "--event-weights", "view=1,buy=5", "--max-rows", "10")
        assert (args.data, args.items, args.user_tags) == ("f.csv", "i.csv", "t.csv"), command
        assert args.column_map == ["user=buyer"] and args.item_map == ["title=name"], command
        assert (args.date_format, args.signal, args.max_rows) == ("dmy", "count", 10), command
        assert args.event_weights == {"view": 1.0, "buy": 5.0}, command
    assert _args("recommend", "--data", "x.csv", "--map", "user=buyer").column_map == ["user=buyer"]
    prepare = _args("prepare", "--map")  # prepare's --map lays out the map; its column mapping is --column-map
    assert prepare.map is True and prepare.column_map == [] and prepare.data == "demo:movielens"


# --- loading the user's file exactly as ingest / the Data page do ----------------------------------------


def test_a_file_loads_like_ingest_with_a_note_on_the_rejected_rows(files: dict[str, Path],
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    dataset = load_data_source(_args("embed", "--data", str(files["rejects"]), "--items", str(files["items"])))
    assert dataset.name == "with_rejects.csv" and dataset.n_users == 30 and dataset.n_items == 25
    assert dataset.interactions.shape[0] == 30 * 8 - _duplicates(_ratings())
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("note: with_rejects.csv: ")
    assert f"{3 + _duplicates(_ratings()):,} of {30 * 8 + 3:,} rows rejected" in err[0]
    assert "python -m core ingest" in err[0] and "--rejected rejected.csv" in err[0] and str(files["items"]) in err[0]


def _duplicates(rows: list[str]) -> int:
    pairs = [tuple(r.split(",")[:2]) for r in rows]
    return len(pairs) - len(set(pairs))


def test_no_note_when_nothing_was_rejected(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    rows = "\n".join(f"u{u},i{j},{1 + j % 5}" for u in range(5) for j in range(4))
    clean = files["good"].with_name("clean.csv")
    clean.write_text("user,item,rating\n" + rows + "\n", encoding="utf-8")
    load_data_source(_args("embed", "--data", str(clean)))
    assert capsys.readouterr().err == ""
    assert rejected_note(_args("embed", "--data", str(clean)), DataSpec(path=clean), [None]) == ""


def test_the_fingerprint_is_the_one_the_dashboard_gives_the_same_upload(files: dict[str, Path],
                                                                        tmp_workspace: Path) -> None:
    """The Data page reads the upload's bytes and names the dataset after the file; the workspace stores and
    reloads it. All three fingerprints (hence every artefact-cache key) must be equal to the CLI's."""
    from core.data.loaders import load_dataset
    from core.data.readers import read_table
    from core.workspace.store import default_workspace

    cli = load_data_source(_args("prepare", "--data", str(files["good"]), "--items", str(files["items"])))
    upload, _, _ = load_dataset(read_table(files["good"].read_bytes(), name="ratings.csv"),
                                read_table(files["items"].read_bytes(), name="items.csv"), name="ratings.csv")
    assert cli.fingerprint == upload.fingerprint
    key = default_workspace().register(upload, source_files=["ratings.csv", "items.csv"])
    assert default_workspace().load_dataset(key).fingerprint == cli.fingerprint
    renamed = load_data_source(_args("prepare", "--data", str(files["good"]), "--name", "other"))
    assert renamed.fingerprint != cli.fingerprint  # the name is part of it, as on the Data page


def test_column_mapping_signal_and_date_format_reach_the_loader(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("buyer,sku,when,what\n" + "".join(f"b{u},s{j},0{1 + j % 9}/02/2021,view\n" for u in range(6)
                                                     for j in range(5)), encoding="utf-8")
    args = _args("embed", "--data", str(path), "--map", "user=buyer", "--map", "item=sku", "--map", "timestamp=when",
                 "--map", "event=what", "--date-format", "dmy", "--event-weights", "view=2")
    dataset = load_data_source(args)
    assert sorted(dataset.user_ids)[:2] == ["b0", "b1"] and dataset.n_items == 5
    assert set(dataset.interactions["rating"]) == {2.0}
    stamps = dataset.interactions["timestamp"].to_numpy()
    assert stamps.min() == pytest.approx(1612137600)  # 01/02/2021 read day-first: 1 February 2021 UTC
    assert dataset.meta["events"]["weights"]["view"] == 2.0


def test_gbk_and_bom_files_load(files: dict[str, Path]) -> None:
    gbk = load_data_source(_args("embed", "--data", str(files["gbk"])))
    assert gbk.n_users == 20 and "用户0" in gbk.user_index and "电影3" in gbk.item_index
    bom = load_data_source(_args("embed", "--data", str(files["bom"])))
    plain = load_data_source(_args("embed", "--data", str(files["good"])))
    assert bom.n_users == plain.n_users and bom.interactions.shape == plain.interactions.shape


def test_a_demo_with_a_declared_signal_and_the_deprecated_demo_flag() -> None:
    counted = load_data_source(_args("evaluate", "--data", "bilingual", "--signal", "count"))
    assert counted.signal.kind == "count" and not counted.signal.guessed and counted.meta["demo"] == "bilingual"
    assert load_data_source(_args("evaluate", "--demo", "bilingual")).fingerprint == \
        load_data_source(_args("evaluate", "--data", "demo:bilingual")).fingerprint


def test_pseudonymised_ids(files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERESTLENS_TEST_KEY", "secret")
    dataset = load_data_source(_args("embed", "--data", str(files["good"]), "--pseudonymise-env",
                                     "INTERESTLENS_TEST_KEY"))
    assert dataset.n_users == 30 and not any(u.startswith("u") and u[1:].isdigit() for u in dataset.user_ids)


# --- bad input: one line, exit 2 -----------------------------------------------------------------------


BAD = {
    "missing": "neither a demo",
    "folder": "is a folder",
    "empty": "is empty",
    "blank": "is empty",
    "nocols": "no user column",
    "binary": "binary.csv",
}


@pytest.mark.parametrize("command", DATA_COMMANDS)
def test_bad_files_are_one_line_in_every_command(command: str, files: dict[str, Path], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "cases.json"
    cases.write_text('[{"text": "space", "targets": ["i1"]}]', encoding="utf-8")
    head = {"compare": ["compare", "most_popular", "als"], "evaluate-interests": ["evaluate-interests", str(cases)],
            "interests": ["interests", "space"], "recommend": ["recommend", "--interests", "space"]}.get(command,
                                                                                                       [command])
    for kind, expected in BAD.items():
        path = str(tmp_path / "nowhere.csv") if kind == "missing" else str(files[kind])
        line = _one_line_exit_2(capsys, [*head, "--data", path, "--quiet", "--model", "none"]
                                if command in ("evaluate", "tune", "compare") else [*head, "--data", path, "--quiet"])
        assert expected in line, (command, kind, line)


def test_other_bad_combinations_are_one_line(files: dict[str, Path], capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    good, items = str(files["good"]), str(files["items"])
    monkeypatch.delenv("INTERESTLENS_TEST_UNSET_VAR", raising=False)
    expectations = [
        (["embed", "--data", "movielens", "--items", items], "--items applies to an interaction file"),
        (["embed", "--data", "bilingual", "--map", "user=x"], "--column-map applies"),
        (["evaluate", "--data", "bilingual", "--demo", "bilingual"], "not both"),
        (["evaluate"], "--data is required"),
        (["embed", "--data", good, "--items", str(files["folder"])], "--items: not a file"),
        (["embed", "--data", good, "--items", str(files["empty"])], "is empty"),
        (["embed", "--data", good, "--user-tags", str(files["folder"]) + "/x.csv"], "--user-tags: file not found"),
        (["embed", "--data", good, "--map", "nonsense"], "--map expects role=column"),
        (["embed", "--data", good, "--map", "user=nope"], "nope"),
        (["embed", "--data", good, "--pseudonymise-env", "INTERESTLENS_TEST_UNSET_VAR"], "is not set"),
        (["embed", "--data", good, "--date-format", "%Q"], "--date-format"),
        (["embed", "--data", good, "--signal", "stars"], "--signal"),
        (["embed", "--data", good, "--max-rows", "3"], "3"),
        (["prepare", "--data", "demo:bilingual", "--register"], "bundled demo"),
    ]
    for argv, expected in expectations:
        assert expected in _one_line_exit_2(capsys, [*argv, "--quiet"]), argv


# --- --index ---------------------------------------------------------------------------------------


def test_index_uris_reach_the_engine_and_bad_ones_are_one_line(capsys: pytest.CaptureFixture[str],
                                                              tmp_path: Path) -> None:
    from core.cli.index_option import engine_index_options
    from core.vectors.index_uri import parse_index_uri

    for command in ("recommend", "interests"):
        extra = ["x"] if command == "interests" else []
        assert str(_args(command, *extra).index) == "hnsw"
        uri = _args(command, *extra, "--index", f"qdrant:{tmp_path}#shop").index
        assert uri == parse_index_uri(f"qdrant:{tmp_path}#shop")
        assert engine_index_options(uri) == {"index_uri": uri}
    assert "unknown index" in _one_line_exit_2(capsys, ["recommend", "--interests", "x", "--index", "faiss"])
    (tmp_path / "file").write_text("x")
    assert "is a file" in _one_line_exit_2(capsys, ["interests", "x", "--index", f"qdrant:{tmp_path / 'file'}"])


# --- the commands on a user's file, end to end ------------------------------------------------------


def test_compare_and_evaluate_run_on_a_users_file(files: dict[str, Path], tmp_workspace: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["compare", "most_popular", "channel:item_knn", "--data", str(files["rejects"]), "--items",
                 str(files["items"]), "--model", "none", "--quiet", "--bootstrap", "20", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads(captured.out)
    assert report["dataset"] == "with_rejects.csv" and report["n_users"] > 0
    assert "rows rejected" in captured.err
    code = main(["evaluate", "--data", str(files["gbk"]), "--model", "none", "--no-tune", "--no-typed", "--quiet",
                 "--bootstrap", "0", "--no-resume", "--baselines", "most_popular", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert json.loads(captured.out)["dataset"] == "gbk.csv"


@pytest.mark.slow
def test_recommend_interests_embed_and_prepare_on_a_users_file(files: dict[str, Path], tmp_workspace: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The model-backed commands on an uploaded-style file; prepare stamps by the dashboard's fingerprint and
    ``--register`` lists the dataset in the workspace with that fingerprint."""
    from core.workspace.store import default_workspace

    data = ["--data", str(files["good"]), "--items", str(files["items"])]
    assert main(["recommend", *data, "--user", "u3", "--k", "5", "--json", "--quiet"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["dataset"] == str(files["good"]) and rec["index"] == "hnsw" and len(rec["items"]) == 5
    assert all(item["item_id"].startswith("i") for item in rec["items"])
    assert main(["recommend", *data, "--user", "u3", "--k", "5", "--json", "--quiet",
                 "--index", "qdrant::memory:"]) == 0
    in_qdrant = json.loads(capsys.readouterr().out)
    assert in_qdrant["index"] == "qdrant::memory:"
    assert [i["item_id"] for i in in_qdrant["items"]] == [i["item_id"] for i in rec["items"]]
    assert main(["interests", "drama", *data, "--top", "3", "--quiet"]) == 0
    assert len(json.loads(capsys.readouterr().out)["items"]) == 3
    assert main(["embed", *data, "--json", "--quiet"]) == 0
    embedded = json.loads(capsys.readouterr().out)
    assert embedded["items"] == 25 and embedded["encoded"] == 0  # recommend already cached every text
    assert main(["prepare", *data, "--lazy-channels", "--register", "--json", "--quiet"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["skipped"] is False and first["fingerprint"] == embedded["fingerprint"]
    stored = default_workspace().load_dataset(first["workspace_key"])
    assert stored.fingerprint == first["fingerprint"] and stored.name == "ratings.csv"
    assert main(["prepare", *data, "--lazy-channels", "--json", "--quiet"]) == 0
    assert json.loads(capsys.readouterr().out)["skipped"] is True
