"""ui.tuning_panels: the sliders' weights pass the check the CLI and presets use (core.ranking.config.check_weights);
all-zero weights are refused with a message on the Tuning page instead of a list ranked by item id (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.data.dataset import Dataset
from core.ranking.config import WEIGHT_PROBLEMS, FusionConfig, FusionWeights
from core.ranking.registry import CHANNELS
from ui import state
from ui.i18n import CATALOGUE, t
from ui.tuning_panels import weights_problem

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "tuning.py")


def test_every_refusal_has_words_in_both_languages() -> None:
    assert all(f"tuning.weights_error.{code}" in CATALOGUE for code in WEIGHT_PROBLEMS)


def test_weights_problem_words_the_shared_check() -> None:
    assert weights_problem(FusionConfig()) is None
    zero = FusionConfig(weights=FusionWeights.from_dict({}))
    assert weights_problem(zero, "en") == t("tuning.weights_error.all_zero", "en")
    assert weights_problem(zero, "zh") == t("tuning.weights_error.all_zero", "zh")
    assert "nothing to rank by" in str(weights_problem(zero, "en"))
    big = weights_problem(FusionConfig(weights=FusionWeights(mf=12.5)), "en")
    mf = t("tuning.channel.mf", "en")
    assert big == f"The weight of “{mf}” is 12\\.5, above the limit of 10."  # Markdown-escaped
    nan = weights_problem(FusionConfig(weights=FusionWeights(graph=float("nan"))), "zh")
    assert nan == f"「{t('tuning.channel.graph', 'zh')}」的权重 nan 不是有限的数。"


def _errors(at: AppTest) -> str:
    return "\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in at.exception)


@pytest.fixture
def page(tmp_workspace: Path, bilingual: Dataset) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=600)
    at.session_state["dataset_key"] = "demo:bilingual"
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, _errors(at)
    assert at.session_state["tuning_user"] is None and not at.dataframe, "no user is preselected"
    at.selectbox(key="tuning_user").set_value(str(bilingual.user_ids[0])).run()
    assert not at.exception, _errors(at)
    return at


def test_all_zero_sliders_are_refused_with_a_message_and_no_list(page: AppTest) -> None:
    at = page
    assert at.dataframe, "a list is shown with the default weights"
    shared = at.session_state[state.FUSION_KEY].config
    for name in CHANNELS:
        slider = at.slider(key=f"tuning_w_{name}")
        if not slider.disabled:
            slider.set_value(0.0)
    for name in CHANNELS:  # channels off for this query keep their weight in the state: zero them too
        at.session_state[f"tuning_w_{name}"] = 0.0
    at.run()
    assert not at.exception, _errors(at)
    assert [e.value for e in at.error] == [t("tuning.weights_error.all_zero", "en")]
    assert not at.dataframe, "no list ranked by item id"
    assert t("explain.none", "en") not in " ".join(str(m.value) for m in at.markdown)
    assert at.session_state[state.FUSION_KEY].config == shared  # the other pages keep ranking with valid weights
    assert at.slider(key="tuning_w_popularity").value == 0.0  # the controls stay, to raise a weight again

    at.slider(key="tuning_w_popularity").set_value(1.0).run()
    assert not at.exception, _errors(at)
    assert not at.error and at.dataframe
    assert at.session_state[state.FUSION_KEY].config.weights.as_dict() == {
        c: (1.0 if c == "popularity" else 0.0) for c in CHANNELS}
