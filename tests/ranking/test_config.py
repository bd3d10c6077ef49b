"""core.ranking.config: the one weights check shared by the CLI's --weights, the Tuning sliders and presets."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.common.errors import ConfigError
from core.ranking.config import MAX_WEIGHT, WEIGHT_PROBLEMS, FusionWeights, WeightsError, check_weights
from core.ranking.registry import CHANNELS


def test_valid_weights_become_fusion_weights_with_missing_channels_at_zero() -> None:
    weights = check_weights({"mf": 1, "semantic": 0.5})
    assert isinstance(weights, FusionWeights)
    assert weights["mf"] == 1.0 and weights["semantic"] == 0.5
    assert all(weights[c] == 0.0 for c in CHANNELS if c not in ("mf", "semantic"))
    assert check_weights({"mf": MAX_WEIGHT})["mf"] == MAX_WEIGHT  # the cap itself is allowed
    assert check_weights(FusionWeights()) == FusionWeights()  # the defaults pass (sliders hand FusionWeights)


@pytest.mark.parametrize(
    ("values", "code", "channel", "fragment"),
    [
        ({}, "all_zero", None, "every channel weight is 0"),
        ({c: 0 for c in CHANNELS}, "all_zero", None, "nothing to rank by"),
        ({"mf": 0.0, "graph": -0.0}, "all_zero", None, "every channel weight is 0"),
        ({"mf": 1e308}, "too_large", "mf", "is 1e+308; it must be between 0 and 10"),
        ({"mf": 10.000001}, "too_large", "mf", "between 0 and 10"),
        ({"mf": 10**4300}, "too_large", "mf", "an integer of about 4,301 digits"),
        ({"mf": -(10**30)}, "negative", "mf", "between 0 and 10"),
        ({"graph": -0.1}, "negative", "graph", "is -0.1"),
        ({"mf": math.inf}, "not_finite", "mf", "finite"),
        ({"mf": -math.inf}, "not_finite", "mf", "finite"),
        ({"mf": math.nan}, "not_finite", "mf", "finite"),
        ({"mf": True}, "not_a_number", "mf", "must be a number, got True"),
        ({"mf": "1"}, "not_a_number", "mf", "got '1'"),
        ({"mf": None}, "not_a_number", "mf", "got None"),
        ({"mf": [1]}, "not_a_number", "mf", "got [1]"),
        ({"deep_learning": 1}, "unknown_channel", "deep_learning", "unknown channel 'deep_learning'"),
    ],
)
def test_refusals_say_what_and_which_channel(
    values: dict[str, object], code: str, channel: str | None, fragment: str
) -> None:
    with pytest.raises(WeightsError) as info:
        check_weights(values, what="--weights")
    err = info.value
    assert isinstance(err, ConfigError)  # callers catching the error family keep working
    assert (err.code, err.channel) == (code, channel)
    assert code in WEIGHT_PROBLEMS
    message = str(err)
    assert message.startswith("--weights: ") and fragment in message
    assert len(message) < 300  # a 4,300-digit integer is not echoed


def test_1e308_on_every_channel_is_refused_before_any_score_overflows() -> None:
    """The issue's probe: all channels at 1e308 made every fused score inf and the list item-id order."""
    with pytest.raises(WeightsError, match="between 0 and 10"):
        check_weights({c: 1e308 for c in CHANNELS})


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(CHANNELS), st.floats(allow_nan=True, allow_infinity=True), max_size=5))
def test_property_accepts_exactly_the_finite_capped_not_all_zero_weights(values: dict[str, float]) -> None:
    ok = all(math.isfinite(v) and 0 <= v <= MAX_WEIGHT for v in values.values()) and any(
        v > 0 for v in values.values())
    try:
        weights = check_weights(values)
    except WeightsError:
        assert not ok
    else:
        assert ok and all(weights[c] == float(v) for c, v in values.items())
