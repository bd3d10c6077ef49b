"""ui.tuning_views: rank movement between weight changes, escaped chart labels, the result table's columns and
detail, how a user's history is mixed in, and the settings in the URL."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from core.interests.profile import InterestProfile, InterestTag
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.registry import CHANNELS
from ui import tuning_views as tv
from ui.i18n import t
from ui.tuning_views import movement_text, plot_label, remember

QUERY = ("U1", None, None, ())
OTHER = ("U2", None, None, ())
BASE = FusionConfig()
MOVED = FusionConfig(weights=FusionWeights(popularity=2.0))


def test_movement_is_measured_from_the_list_before_the_last_weight_change() -> None:
    memory, moves = remember(None, QUERY, BASE, [1, 2, 3])
    assert moves == [0, 0, 0], "a first list has nothing to move from"
    memory, moves = remember(memory, QUERY, MOVED, [3, 1, 4])
    assert moves == [2, -1, None]  # 3 rose two places, 1 fell one, 4 is new
    memory, again = remember(memory, QUERY, MOVED, [3, 1, 4])
    assert again == moves, "a rerun with the same weights keeps the arrows"
    _, fresh = remember(memory, OTHER, MOVED, [9, 8])
    assert fresh == [0, 0], "another query starts without arrows"


def test_movement_text_and_labels() -> None:
    def tr(key: str, **fmt: object) -> str:
        return f"{key}:{fmt.get('n', '')}"

    assert [movement_text(m, tr) for m in (None, 2, -1, 0)] == [
        "tuning.move.new:", "tuning.move.up:2", "tuning.move.down:1", "tuning.move.same:"]
    assert plot_label(3, "<b>Heat</b> & more") == "3. &lt;b&gt;Heat&lt;/b&gt; &amp; more"
    assert plot_label(1, "x" * 100) == "1. " + "x" * 41 + "…"


def _en(key: str, **fmt: object) -> str:
    return t(key, "en", **fmt)


def _rec() -> Any:
    """A recommendation of three items fused from semantic (weight 1), mf and popularity (weight 0)."""
    channels = ("semantic", "mf", "popularity")
    contributions = np.array([[0.6, 0.4, 0.0], [0.2, 0.6, 0.0], [0.1, 0.1, 0.0]])
    result = SimpleNamespace(
        channels=channels, contributions=contributions, rank=np.array([1, 2, 3]), score=np.array([1.0, 0.8, 0.2]),
        contribution_dict=lambda row, all_channels=True: dict(zip(channels, contributions[row].tolist(),
                                                                  strict=True)))
    return SimpleNamespace(result=result, what_if=np.array([[2, 1, 1], [1, 3, 2], [3, 2, 3]]),
                           scores=SimpleNamespace(dropped=[{}]))


CONFIG = FusionConfig(weights=FusionWeights.from_dict({"semantic": 1.0, "mf": 0.5}))


def test_the_table_has_a_what_if_column_per_weighted_channel_only() -> None:
    records = [{"title": f"t{i}", "reason": "r" * 300} for i in range(3)]
    frame = tv.results_frame(_rec(), records, [0, 0, None], _en, CONFIG)
    withouts = [c for c in frame.columns if c.startswith("without")]
    assert withouts == ["without Semantic (interests)", "without Matrix factorisation"], "popularity has weight 0"
    assert list(frame["without Matrix factorisation"]) == [1, 3, 2]
    assert len(tv.results_frame(_rec(), records, [0, 0, 0], _en).columns) == 5 + 3, "without a config: every one"
    columns = tv.results_columns(frame, _en)
    assert set(columns) == set(frame.columns)
    assert columns["Reason"]["width"] == "large" and columns["Title"]["width"] == "medium"
    assert all(columns[c]["width"] == "small" for c in withouts)
    detail = tv.detail_rows(_rec(), 1, CONFIG, _en)
    assert list(detail["Channel"]) == ["Semantic (interests)", "Matrix factorisation"]
    assert list(detail["Rank without it"]) == [1, 3] and list(detail["Contribution"]) == [0.2, 0.6]
    assert list(detail["Weight"]) == [1.0, 0.5]


def test_history_mix_says_how_much_comes_from_the_user() -> None:
    tags = [InterestTag("sci-fi", 0.3, 1, source="clause"), InterestTag("space", 0.2, 1, source="clause"),
            InterestTag("Action", 0.5, 1, source="history"), InterestTag("horror", 0.5, -1, source="clause")]
    mix = tv.history_mix(_rec(), CONFIG, InterestProfile("t", tags), True, 42)
    assert mix.tag_share == pytest.approx(0.5) and mix.channels == ("mf",) and mix.n_seen == 42
    assert mix.score_share == pytest.approx(1.1 / 2.0)
    lines = tv.mix_lines(mix, _en)
    assert lines[0].startswith("Interest tags: history interests carry 50% of the wanted weight, the typed "
                               "interests 50%")
    assert "(Matrix factorisation) make up 55%" in lines[1] and "42 items" in lines[2]
    assert "differs" in lines[3]
    alone = tv.history_mix(_rec(), CONFIG, None, False, 3)
    assert alone.tag_share is None and tv.mix_lines(alone, _en)[0] == _en("tuning.mix.history_only")
    dropped = _rec()
    dropped.scores.dropped = [{"mf": "no_history"}]
    assert tv.history_mix(dropped, CONFIG, None, False, 0).channels == (), "a dropped channel reads nothing"
    assert set(tv.USER_CHANNELS) <= set(CHANNELS)


def test_settings_round_trip_through_the_url() -> None:
    config = FusionConfig(weights=FusionWeights.from_dict({"semantic": 0.75, "gist": 1.0, "popularity": 0.1}),
                          normalisation="rank", method="rrf", rrf_k=30, mmr_lambda=0.7)
    params = tv.config_params(config, 35)
    given = {"semantic": "0.75", "gist": "1", "popularity": "0.1"}
    weights = ",".join(f"{name}:{given[name]}" for name in CHANNELS if name in given)
    assert params == {"tw": weights, "tn": "rank", "trrf": "30", "tmmr": "0.7", "tk": "35"}
    assert tv.config_from_params(params) == (config, 35)
    assert tv.config_params(FusionConfig(), 20).keys() == {"tw"}, "defaults stay out of the URL"
    assert tv.config_from_params(tv.config_params(FusionConfig(), 20)) == (FusionConfig(), None)
    assert tv.config_from_params({}) == (None, None)


@pytest.mark.parametrize("params", [
    {"tw": "semantic:-1"}, {"tw": "semantic:nan"}, {"tw": "semantic:1e400"}, {"tw": "nope:1"},
    {"tw": "semantic:0,gist:0"}, {"tw": "semantic:abc"}, {"tw": "semantic:99999"}, {"tw": "," * 5000},
])
def test_unusable_url_settings_are_ignored(params: dict[str, str]) -> None:
    assert tv.config_from_params(params)[0] is None


def test_url_settings_outside_the_controls_are_clamped_or_dropped() -> None:
    config, k = tv.config_from_params({"tw": "semantic:1", "tn": "<script>", "trrf": "-5", "tmmr": "7", "tk": "17"})
    assert config is not None and config.normalisation == "minmax" and config.rrf_k == 1
    assert config.mmr_lambda == 1.0 and k is None
    assert tv.config_from_params({"tw": "semantic:1", "tk": "500"})[1] is None
