"""ui.evaluate_views: the settings form round-trips EvalOptions; stored runs include the benchmark only
for the MovieLens demo."""

from __future__ import annotations

from pathlib import Path

from core.data.dataset import Dataset
from core.evaluation.options import benchmark_options
from ui import evaluate_views as ev


def test_benchmark_settings_round_trip_through_the_form(movielens: Dataset) -> None:
    bench = benchmark_options()
    values = ev.form_values(bench)
    assert set(values) == set(ev.FORM_DEFAULTS) - {"eval_name"}
    back = ev.options_from_values(values, movielens, "use-m3")
    assert back == bench


def test_form_defaults_give_usable_options(bilingual: Dataset) -> None:
    opts = ev.options_from_values(ev.FORM_DEFAULTS, bilingual, "use-m3")
    assert opts.k == 10 and opts.split is not None and opts.split.kind == "random"
    record = ev.options_record(opts)
    assert record["split"]["kind"] == "random" and record["model"] == "use-m3"


def test_stored_runs_list_the_benchmark_for_movielens_only(
    tmp_workspace: Path, movielens: Dataset, bilingual: Dataset
) -> None:
    def tr(key: str, **_: object) -> str:
        return key

    session = [{"name": "mine", "fp": bilingual.fingerprint, "results": {"results": []}}]
    assert [label for label, _ in ev.stored_runs(bilingual, session, tr, str)] == ["S1 mine"]
    assert ev.BENCH_FILE.exists(), "the recorded MovieLens benchmark ships in bench/results"
    runs = ev.stored_runs(movielens, session, tr, str)
    assert [label for label, _ in runs] == ["evaluate.bench_run"]
    assert runs[0][1]["results"], "the benchmark's evaluation payload (runs_table reads its results)"
