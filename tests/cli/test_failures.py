"""Every CLI failure is one line on stderr and an exit code, never a traceback: a corpus of bad arguments
for every command, run in-process through ``core.cli.commands.main`` and, for argv bytes and the OS-level
path, as real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli.commands import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
HUGE = "9" * 4300
MISSING = "/nonexistent/dir/x.csv"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("cli_bad")
    (root / "good.csv").write_text("user,item,rating\nu1,i1,5\nu2,i2,4\n", encoding="utf-8")
    (root / "empty.csv").write_bytes(b"")
    (root / "binary.csv").write_bytes(b"\x00\x01\x02\x03PK\x03\x04" * 200)
    (root / "bad_cases.json").write_text("{not json", encoding="utf-8")
    (root / "cases.json").write_text('[{"text": "space", "targets": ["1"]}]', encoding="utf-8")
    (root / "folder").mkdir()
    return {p.name: str(p) for p in root.iterdir()} | {"root": str(root)}


def corpus(f: dict[str, str]) -> list[tuple[str, list[str]]]:
    """(what is wrong, argv) for every command; each must exit 2 with one line on stderr."""
    good, cases = f["good.csv"], f["cases.json"]
    return [
        # the command line itself
        ("no command", []),
        ("unknown command", ["nope"]),
        ("unknown option", ["recommend", "--nope"]),
        # ingest
        ("ingest: no file", ["ingest"]),
        ("ingest: missing file", ["ingest", "/nonexistent.csv"]),
        ("ingest: a folder", ["ingest", f["folder"]]),
        ("ingest: missing items", ["ingest", good, "--items", "/nonexistent.csv"]),
        ("ingest: unwritable --rejected", ["ingest", good, "--rejected", MISSING]),
        ("ingest: --rejected is a folder", ["ingest", good, "--rejected", f["folder"]]),
        ("ingest: unwritable --out", ["ingest", good, "--out", MISSING]),
        ("ingest: bad --map", ["ingest", good, "--map", "nonsense"]),
        ("ingest: unset key variable", ["ingest", good, "--pseudonymise-env", "INTERESTLENS_TEST_UNSET_VAR"]),
        ("ingest: empty file", ["ingest", f["empty.csv"]]),
        ("ingest: binary file", ["ingest", f["binary.csv"]]),
        # embed
        ("embed: unknown demo", ["embed", "--data", "nope"]),
        ("embed: bad template", ["embed", "--template", "{nope}", "--quiet"]),
        ("embed: unwritable --out", ["embed", "--out", MISSING]),
        # recommend
        ("recommend: weight 1e308", ["recommend", "--interests", "x", "--weights", '{"mf": 1e308}']),
        ("recommend: 4,300-digit weight", ["recommend", "--interests", "x", "--weights", f'{{"mf": {HUGE}}}']),
        ("recommend: all-zero weights", ["recommend", "--interests", "x", "--weights", '{"mf": 0, "graph": 0}']),
        ("recommend: empty weights", ["recommend", "--interests", "x", "--weights", "{}"]),
        ("recommend: negative weight", ["recommend", "--interests", "x", "--weights", '{"mf": -1}']),
        ("recommend: NaN weight", ["recommend", "--interests", "x", "--weights", '{"mf": NaN}']),
        ("recommend: text weight", ["recommend", "--interests", "x", "--weights", '{"mf": "1"}']),
        ("recommend: unknown channel", ["recommend", "--interests", "x", "--weights", '{"nope": 1}']),
        ("recommend: not JSON", ["recommend", "--interests", "x", "--weights", "mf=1"]),
        ("recommend: --k 0", ["recommend", "--interests", "x", "--k", "0"]),
        ("recommend: --k huge", ["recommend", "--interests", "x", "--k", HUGE]),
        ("recommend: --rrf-k 0", ["recommend", "--interests", "x", "--rrf-k", "0"]),
        ("recommend: --mmr-lambda nan", ["recommend", "--interests", "x", "--mmr-lambda", "nan"]),
        ("recommend: --year-min inf", ["recommend", "--interests", "x", "--year-min", "inf"]),
        ("recommend: years reversed", ["recommend", "--interests", "x", "--year-min", "2000", "--year-max", "1990"]),
        ("recommend: nothing to rank for", ["recommend"]),
        ("recommend: unknown user", ["recommend", "--user", "no-such-user"]),
        ("recommend: missing preset", ["recommend", "--interests", "x", "--preset", "/nonexistent.json"]),
        ("recommend: unwritable --out", ["recommend", "--interests", "x", "--out", MISSING]),
        ("recommend: unknown language", ["recommend", "--interests", "x", "--lang", "fr"]),
        # interests
        ("interests: no text", ["interests", "  "]),
        ("interests: --temperature 0", ["interests", "x", "--temperature", "0"]),
        ("interests: --temperature nan", ["interests", "x", "--temperature", "nan"]),
        ("interests: --diversity 2", ["interests", "x", "--diversity", "2"]),
        ("interests: --max-tags 0", ["interests", "x", "--max-tags", "0"]),
        ("interests: --alpha -1", ["interests", "x", "--alpha", "-1"]),
        ("interests: --top -1", ["interests", "x", "--top", "-1"]),
        ("interests: all-zero weights", ["interests", "x", "--top", "5", "--weights", '{"mf": 0}']),
        ("interests: unknown user", ["interests", "x", "--user", "no-such-user"]),
        ("interests: unwritable --out", ["interests", "x", "--out", MISSING]),
        # evaluate / tune
        ("evaluate: no data", ["evaluate"]),
        ("evaluate: missing data", ["evaluate", "--data", "/nonexistent.csv"]),
        ("evaluate: missing items", ["evaluate", "--data", good, "--items", "/nonexistent.csv"]),
        ("evaluate: --k 0", ["evaluate", "--demo", "movielens", "--k", "0"]),
        ("evaluate: --test-ratio 1", ["evaluate", "--demo", "movielens", "--test-ratio", "1"]),
        ("evaluate: --seed -1", ["evaluate", "--demo", "movielens", "--seed", "-1"]),
        ("evaluate: --bootstrap 1e9", ["evaluate", "--demo", "movielens", "--bootstrap", "1000000000"]),
        ("evaluate: --timeout inf", ["evaluate", "--demo", "movielens", "--timeout", "inf"]),
        ("evaluate: --max-users 0", ["evaluate", "--demo", "movielens", "--max-users", "0"]),
        ("evaluate: unknown channel", ["evaluate", "--demo", "movielens", "--channels", "nope", "--quiet"]),
        ("evaluate: bad threshold", ["evaluate", "--demo", "movielens", "--threshold", "abc", "--quiet"]),
        ("evaluate: unwritable --out", ["evaluate", "--demo", "movielens", "--out", MISSING]),
        ("tune: --trials -1", ["tune", "--demo", "movielens", "--trials", "-1"]),
        ("tune: --tune-users 0", ["tune", "--demo", "movielens", "--tune-users", "0"]),
        ("tune: unwritable --out", ["tune", "--demo", "movielens", "--out", MISSING]),
        # evaluate-interests
        ("evaluate-interests: no cases", ["evaluate-interests"]),
        ("evaluate-interests: missing cases", ["evaluate-interests", "/nonexistent.json"]),
        ("evaluate-interests: a folder", ["evaluate-interests", f["folder"]]),
        ("evaluate-interests: broken cases", ["evaluate-interests", f["bad_cases.json"], "--quiet"]),
        ("evaluate-interests: --k 0", ["evaluate-interests", cases, "--k", "10", "0"]),
        ("evaluate-interests: weights", ["evaluate-interests", cases, "--weights", '{"gist": 1e308}']),
        ("evaluate-interests: missing data", ["evaluate-interests", cases, "--data", "/nonexistent.csv"]),
        ("evaluate-interests: unwritable --out", ["evaluate-interests", cases, "--out", MISSING]),
        # bench, hash-password
        ("bench: unknown benchmark", ["bench", "nope"]),
        ("hash-password: huge cost", ["hash-password", "--stdin", "--log2-n", "40"]),
        ("hash-password: unwritable --out", ["hash-password", "--stdin", "--out", MISSING]),
        # prepare
        ("prepare: unknown demo", ["prepare", "--data", "demo:nope"]),
        ("prepare: unwritable --out", ["prepare", "--data", "demo:bilingual", "--out", MISSING]),
        # compare
        ("compare: unknown demo", ["compare", "default", "channel:mf", "--data", "demo:nope"]),
        ("compare: unknown configuration", ["compare", "default", "nonexist", "--data", "demo:bilingual"]),
        ("compare: unwritable --out", ["compare", "default", "als", "--data", "demo:bilingual", "--out", MISSING]),
        # inspect
        ("inspect: no user", ["inspect", "--data", "demo:bilingual"]),
        ("inspect: unknown demo", ["inspect", "--data", "demo:nope", "--user", "u1"]),
        ("inspect: --k 0", ["inspect", "--data", "demo:bilingual", "--user", "u1", "--k", "0"]),
        ("inspect: unwritable --out", ["inspect", "--data", "demo:bilingual", "--user", "u1", "--out", MISSING]),
    ]


def test_the_corpus_covers_every_command(files: dict[str, str]) -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    covered = {argv[0] for _, argv in corpus(files) if argv}
    assert set(sub.choices) <= covered, set(sub.choices) - covered


def test_every_bad_argument_is_one_line_and_exit_2(files: dict[str, str], capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTERESTLENS_TEST_UNSET_VAR", raising=False)
    failures = []
    for what, argv in corpus(files):
        code = main(argv)
        err = capsys.readouterr().err
        lines = [line for line in err.splitlines() if line.strip() and not line.startswith("note: ")]
        ok = (code == 2 and len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err
              and len(lines[0]) < 600)
        if not ok:
            failures.append((what, code, err[-500:]))
    assert not failures, failures


def test_the_output_path_is_checked_before_any_work(files: dict[str, str], capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad --rejected fails before the file is even read (a broken input would otherwise be reported)."""
    import core.data.loaders as loaders

    def boom(*_: object, **__: object) -> None:
        raise AssertionError("load_dataset ran before the output path was checked")

    monkeypatch.setattr(loaders, "load_dataset", boom)
    assert main(["ingest", files["good.csv"], "--rejected", MISSING]) == 2
    assert "--rejected: cannot write" in capsys.readouterr().err


def _python_m_core(*argv: str | bytes, timeout: float = 600) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", LC_ALL="C.UTF-8")
    return subprocess.run([sys.executable, "-m", "core", *argv], cwd=ROOT, capture_output=True, timeout=timeout,
                          env=env)


@pytest.mark.parametrize("argv", [
    ("recommend", "--interests", "x", "--weights", f'{{"mf": {HUGE}}}'),
    ("ingest", "data/ml-latest-small/ratings.csv", "--rejected", MISSING),
    ("ingest", b"\xff\xfe-missing.csv"),
    ("recommend", "--interests", b"\xff\xfe", "--data", "bilingual"),
])
def test_as_a_real_process_no_traceback(argv: tuple[str | bytes, ...]) -> None:
    done = _python_m_core(*argv)
    err = done.stderr.decode("utf-8")  # stderr is valid UTF-8 even for undecodable argv bytes
    assert done.returncode == 2, err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and len(errors[0]) < 600, err
    assert done.stdout == b""


def test_non_utf8_text_argument_drops_the_bytes_and_says_which() -> None:
    """``python -m core interests $'horror \\xff comedy'`` runs on "horror  comedy" and says what it dropped."""
    done = _python_m_core("interests", b"horror \xff comedy", "--data", "bilingual", "--quiet")
    err = done.stderr.decode("utf-8")
    assert done.returncode == 0, err
    assert "Traceback" not in err
    assert "note: text: dropped byte(s) that are not UTF-8 (0xff); using 'horror comedy'" in err
    assert b'"text": "horror' in done.stdout
