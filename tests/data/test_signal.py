"""core.data.signal: what the value column measures, guessed with a reason or declared, and carried by the Dataset."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.common.config import data_dir
from core.common.errors import ConfigError
from core.data.dataset import Dataset
from core.data.loaders import load_dataset
from core.data.signal import SAMPLE, Signal, declared, guess_signal, resolve_signal


def _play_counts(n: int = 20_000, seed: int = 3) -> np.ndarray:
    """Heavy-tailed play counts like a listening log's: most pairs a few plays, a few pairs thousands."""
    rng = np.random.default_rng(seed)
    return np.floor(rng.pareto(1.1, n) * 2.0 + 1.0).clip(1, 50_000)


def test_movielens_ratings_are_explicit_half_stars() -> None:
    path = data_dir() / "ml-latest-small" / "ratings.csv"
    if not path.is_file():
        pytest.skip("MovieLens demo not installed")
    signal = guess_signal(pd.read_csv(path)["rating"].to_numpy())
    assert (signal.kind, signal.scale, signal.reason, signal.guessed) == ("explicit", (0.5, 5.0), "rating_grid", True)
    figures = signal.figure_map()
    assert figures["distinct"] == 10 and figures["step"] == 0.5 and figures["n"] == 100_836
    assert signal.describe() == ("10 distinct values on a 0.5 grid from 0.5 to 5: a rating scale "
                                 "-> explicit ratings 0.5-5")


def test_generated_play_counts_are_counts_with_their_figures() -> None:
    counts = _play_counts()
    signal = guess_signal(counts)
    assert (signal.kind, signal.scale, signal.reason) == ("count", None, "integer_counts")
    figures = signal.figure_map()
    assert figures["min"] == 1 and figures["max"] == int(counts.max()) > 1_000
    assert figures["median"] == int(np.median(counts))
    assert figures["share_le_50"] == pytest.approx(np.mean(counts <= 50), abs=1e-4)
    text = signal.describe()
    assert text.startswith(f"integers 1-{int(counts.max()):,}, median {int(np.median(counts))}, ") and "counts" in text


def test_small_counts_with_a_falling_tail_are_counts_not_ratings() -> None:
    values = np.repeat([1, 2, 3, 4, 6, 9], [700, 150, 80, 40, 20, 10])
    assert guess_signal(values).reason == "small_counts"
    ratings = np.repeat([1, 2, 3, 4, 5], [100, 150, 300, 400, 250])  # a 1-5 scale: the middle is the most used
    assert (guess_signal(ratings).kind, guess_signal(ratings).scale) == ("explicit", (1.0, 5.0))
    ten = np.repeat(np.arange(1, 11), 30)
    assert guess_signal(ten).scale == (1.0, 10.0)


@pytest.mark.parametrize(
    ("values", "reason"),
    [([1.0] * 50, "one_value"), ([0, 1, 1, 0, 1], "zero_one"), ([5.0, 5.0], "one_value")],
)
def test_binary_columns(values: list[float], reason: str) -> None:
    signal = guess_signal(values)
    assert (signal.kind, signal.reason) == ("binary", reason)
    assert signal.implicit


def test_zero_one_reports_the_share_of_ones() -> None:
    assert guess_signal([0, 1, 1, 1]).figure_map()["share_one"] == 0.75


def test_durations_are_continuous_and_wide() -> None:
    rng = np.random.default_rng(1)
    seconds = rng.lognormal(mean=5.0, sigma=1.2, size=5_000)  # watch time in seconds, fractional
    signal = guess_signal(seconds)
    assert (signal.kind, signal.reason) == ("duration", "continuous")
    assert signal.figure_map()["distinct_share"] == 1.0 and "durations" in signal.describe()


def test_missing_value_column_and_no_finite_value() -> None:
    assert (guess_signal(None).kind, guess_signal(None).reason) == ("binary", "no_value_column")
    assert guess_signal([np.nan, np.inf]).reason == "no_values"
    assert guess_signal([]).reason == "no_values"


def test_other_shapes() -> None:
    assert (guess_signal([-10, -2.5, 0, 3, 10]).kind, guess_signal([-1, 1]).scale) == ("explicit", (-1.0, 1.0))
    assert guess_signal([0.13, 0.5, 0.77, 0.91]).scale == (0.0, 1.0)
    assert guess_signal([2.37, 3.1, 4.66, 3.9]).reason == "bounded_numbers"
    assert guess_signal([2.37, 3.1, 4.66, 3.9]).scale == (1.0, 5.0)


def test_large_columns_are_sampled_but_min_and_max_are_exact() -> None:
    values = np.ones(SAMPLE + 50_000)
    values[: SAMPLE // 2] = 2.0
    values[-1] = 99_999.0  # one extreme value, possibly outside the sample
    signal = guess_signal(values)
    assert signal.kind == "count" and signal.figure_map()["max"] == 99_999 and signal.figure_map()["n"] == len(values)


def test_signal_validation_and_round_trip() -> None:
    with pytest.raises(ConfigError):
        Signal("stars")
    with pytest.raises(ConfigError):
        Signal("count", scale=(1.0, 5.0))
    with pytest.raises(ConfigError):
        Signal("explicit", scale=(5.0, 1.0))
    with pytest.raises(ConfigError):
        Signal.from_dict({"scale": [1, 5]})
    signal = guess_signal(_play_counts(500))
    assert Signal.from_dict(signal.to_dict()) == signal
    assert Signal.from_dict(declared("explicit", (1, 10)).to_dict()).scale == (1.0, 10.0)


def test_resolve_signal_declares_or_guesses() -> None:
    values = np.array([1.0, 2.0, 3.0, 4.0])
    assert resolve_signal("auto", values).guessed and resolve_signal(None, values).guessed
    rating = resolve_signal("rating", values)
    assert (rating.kind, rating.scale, rating.guessed) == ("explicit", (1.0, 5.0), False)
    assert resolve_signal("duration", values) == declared("duration")
    with pytest.raises(ConfigError, match="unknown signal"):
        resolve_signal("stars", values)


def _frame(ratings: list[float]) -> pd.DataFrame:
    n = len(ratings)
    return pd.DataFrame({"user_id": [f"u{i % 3}" for i in range(n)], "item_id": [f"i{i}" for i in range(n)],
                         "rating": ratings, "timestamp": np.nan, "event": ""})


def test_the_dataset_carries_its_signal_and_a_split_keeps_it() -> None:
    from core.data.splits import SplitParams, split_dataset

    counts = Dataset.from_frames("plays", _frame([float(v) for v in _play_counts(60)]))
    assert counts.signal.kind == "count" and counts.signal.guessed
    rated = Dataset.from_frames("plays", _frame([float(v) for v in _play_counts(60)]), signal=declared("explicit"))
    assert rated.signal.kind == "explicit" and rated.signal.scale is not None and not rated.signal.guessed
    assert rated.fingerprint != counts.fingerprint
    same = Dataset.from_frames("plays", _frame([float(v) for v in _play_counts(60)]), signal=declared("count"))
    assert same.fingerprint == counts.fingerprint  # declaring what was guessed changes nothing
    train = split_dataset(rated, SplitParams(test_ratio=0.3)).train
    assert train.signal == rated.signal


def test_repeated_pairs_are_guessed_from_their_sums() -> None:
    # a click log without values: every row is 1, but a pair clicked 40 times holds 40 in the matrix
    frame = _frame([1.0] * 4).iloc[[0, 1, 2, 3] + [0] * 39 + [1] * 11].reset_index(drop=True)
    ds = Dataset.from_frames("clicks", frame)
    assert ds.signal.kind == "count" and ds.signal.figure_map()["max"] == 40


def test_load_dataset_signal_option_and_a_file_without_values() -> None:
    data = b"user,item\n1,a\n1,b\n2,a\n"
    ds, _, _ = load_dataset(data, name="log.csv")
    assert (ds.signal.kind, ds.signal.reason) == ("binary", "no_value_column")
    clicks = b"user,item,time\n1,a,1700000000\n1,b,1700000001\n2,a,1700000002\n1,a,1700000003\n1,a,1700000004\n"
    repeated, _, _ = load_dataset(clicks, name="clicks.csv")
    assert (repeated.signal.kind, repeated.signal.reason) == ("count", "small_counts")
    rated, _, _ = load_dataset(b"user,item,rating\n1,a,3\n1,b,7\n2,a,9\n", name="r.csv", signal="rating")
    assert (rated.signal.kind, rated.signal.scale) == ("explicit", (1.0, 10.0))
    with pytest.raises(ConfigError):
        load_dataset(data, name="log.csv", signal="stars")
