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


def test_typed_frame_says_off_when_history_alone_was_chosen() -> None:
    from ui.i18n import t

    rows = [{"name": "fused_default", "ndcg_history": 0.28, "ndcg_typed": 0.20, "ndcg_typed_tuned": 0.28,
             "chosen_typed_weight": None, "recall_history": 0.11, "recall_typed_tuned": 0.11,
             "wilcoxon_p_tuned": None},
            {"name": "fused_tuned", "ndcg_history": 0.29, "ndcg_typed": 0.21, "ndcg_typed_tuned": 0.30,
             "chosen_typed_weight": 0.05, "recall_history": 0.11, "recall_typed_tuned": 0.12,
             "wilcoxon_p_tuned": 0.2}]
    frame = ev.typed_frame({"rows": rows}, lambda key, **kw: t(key, "en", **kw))
    assert frame[t("evaluate.typed.weight", "en")].tolist() == ["off (history only)", "0.05"]
