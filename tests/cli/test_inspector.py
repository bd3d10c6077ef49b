"""``python -m core inspect``: argument errors are one line and exit 2; the JSON holds one user's lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli.commands import main
from core.data.demos import load_demo


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["inspect", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("args, needle", [
    (["--data", "demo:bilingual", "--user", "nobody", "--model", "none"], "--user"),
    (["--data", "demo:bilingual", "--user", "U0001", "--config", "most_popular"], "baseline"),
    (["--data", "demo:bilingual", "--user", "U0001", "--config", "nothing"], "unknown configuration"),
    (["--data", "demo:bilingual", "--user", "U0001", "--channels", "mf,nope"], "--channels"),
    (["--data", "demo:bilingual", "--user", "U0001", "--k", "0"], "--k"),
    (["--data", "demo:bilingual"], "--user"),
    (["--user", "U0001"], "--data"),
])
def test_argument_errors_are_one_line_and_exit_2(
        capsys: pytest.CaptureFixture[str], tmp_workspace: Path, args: list[str], needle: str) -> None:
    code, out, err = _run(capsys, *args)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0]


def test_json_and_text_for_one_user(capsys: pytest.CaptureFixture[str], tmp_workspace: Path) -> None:
    user = str(load_demo("bilingual").user_ids[0])
    code, out, err = _run(capsys, "--data", "demo:bilingual", "--user", user, "--model", "none", "--k", "5",
                          "--channels", "mf,item_knn,semantic", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["user_id"] == user and doc["k"] == 5 and doc["configuration"] == "default"
    names = [lst["name"] for lst in doc["lists"]]
    assert names == ["fused", "channel:mf", "channel:item_knn", "channel:semantic"]
    fused, semantic = doc["lists"][0], doc["lists"][3]
    assert len(fused["items"]) == 5 and all("contributions" in item for item in fused["items"])
    assert semantic["reason"] == "no_item_vectors" and semantic["items"] == []
    relevant = {h["item_id"] for h in doc["held_out"] if h["relevant"]}
    for lst in doc["lists"]:
        assert [i["held_out"] for i in lst["items"]] == [i["item_id"] in relevant for i in lst["items"]]
        assert lst["hits"] == sum(i["held_out"] for i in lst["items"])
    assert doc["history"] and doc["history"][0]["timestamp"] >= doc["history"][-1]["timestamp"]

    code, out, err = _run(capsys, "--data", "demo:bilingual", "--user", user, "--model", "none", "--k", "5",
                          "--channels", "mf", "--history", "3")
    assert code == 0, err
    assert out.startswith(f"user {user}:") and "channel:mf alone:" in out and "history, newest first (3 of" in out
