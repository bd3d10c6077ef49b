"""core.evaluation.calibration: Steck's miscalibration against a hand-computed example."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.data.dataset import Dataset
from core.evaluation import metrics as M
from core.evaluation.calibration import (
    calibration,
    genre_source,
    item_genre_matrix,
    miscalibration,
)
from core.evaluation.experiment import ConfigResult, ExperimentResult


def _dataset() -> Dataset:
    """i0: A|B, i1: A, i2: C, i3: no genre. u0 saw i0 (rating 4) and i1 (rating 1); u1 saw only i3."""
    inter = pd.DataFrame({"user_id": ["u0", "u0", "u1"], "item_id": ["i0", "i1", "i3"],
                          "rating": [4.0, 1.0, 3.0], "timestamp": [1.0, 2.0, 3.0], "event": ["", "", ""]})
    items = pd.DataFrame({"item_id": ["i0", "i1", "i2", "i3"], "title": ["a", "b", "c", "d"],
                          "tags": [("A", "B"), ("A",), ("C",), ("(no genres listed)",)],
                          "category": ["A", "A", "C", ""]})
    return Dataset.from_frames("tiny", inter, items)


def _result(ds: Dataset, lists: dict[str, list[list[str]]]) -> ExperimentResult:
    pos = {iid: i for i, iid in enumerate(ds.item_ids)}
    users = np.array([list(ds.user_ids).index("u0"), list(ds.user_ids).index("u1")], dtype=np.int64)
    results = []
    for name, rows in lists.items():
        recs = np.array([[pos[i] if i else -1 for i in row] for row in rows], dtype=np.int64)
        results.append(ConfigResult(name, "baseline", recs, {}, {}, {}, 0.0, 0.0))
    return ExperimentResult(2, M.ACCURACY_METRICS, users, results, [], {}, 0.0)


def test_hand_computed_example() -> None:
    ds = _dataset()
    result = _result(ds, {"off": [["i2", "i1"], ["i2", "i0"]], "same": [["i0", "i1"], ["i0", "i1"]]})
    report = calibration(result, ds)
    assert report is not None and report.source == "tags" and report.genres == ("A", "B", "C")
    # u0: p = (A: (1/2 + 1) / 2, B: (1/2) / 2) = (0.75, 0.25, 0); list [i2, i1]: q = (0.5, 0, 0.5)
    # q~ = 0.99 q + 0.01 p = (0.5025, 0.0025, 0.495); KL = 0.75 ln(0.75/0.5025) + 0.25 ln(0.25/0.0025)
    expected = 0.75 * math.log(0.75 / 0.5025) + 0.25 * math.log(0.25 / 0.0025)
    assert expected == pytest.approx(1.451651, abs=1e-6)
    assert report.per_user["off"][0] == pytest.approx(expected)
    assert report.per_user["same"][0] == pytest.approx(0.0, abs=1e-12)  # the list mirrors the history
    # u1's history has no genre at all: undefined, left out of the mean
    assert math.isnan(report.per_user["off"][1])
    assert report.mean("off") == pytest.approx(expected) and report.n_users("off") == 1
    assert report.to_dict()["configs"]["same"]["miscalibration"] == 0.0
    assert "| off |" in report.to_markdown()


def test_rating_weights_and_padding() -> None:
    ds = _dataset()
    result = _result(ds, {"short": [["i2", ""], ["i2", ""]]})
    uniform = calibration(result, ds)
    rated = calibration(result, ds, history="rating")
    assert uniform is not None and rated is not None
    # rating weights: p = (A: (4 * 0.5 + 1) / 5, B: 2 / 5) = (0.6, 0.4, 0); the padded list is [i2]: q = (0, 0, 1)
    p = np.array([[0.6, 0.4, 0.0]])
    q = np.array([[0.0, 0.0, 1.0]])
    by_hand = 0.6 * math.log(0.6 / (0.01 * 0.6)) + 0.4 * math.log(0.4 / (0.01 * 0.4))  # = ln(100)
    assert rated.per_user["short"][0] == pytest.approx(by_hand) == pytest.approx(math.log(100))
    assert miscalibration(p, q)[0] == pytest.approx(by_hand)
    assert uniform.per_user["short"][0] == pytest.approx(math.log(100))  # no overlap at all: ln(1 / alpha)
    with pytest.raises(ValueError):
        calibration(result, ds, history="recency")


def test_genre_source_and_matrix() -> None:
    ds = _dataset()
    assert genre_source(ds.items) == "tags"
    many = ds.items.assign(tags=[tuple(f"t{i}-{j}" for j in range(20)) for i in range(len(ds.items))])
    assert genre_source(many) == "category"  # 80 distinct tags: keywords, not genres
    assert genre_source(many.assign(category="")) is None
    matrix, names = item_genre_matrix(ds.items, "category")
    assert names == ("A", "C")
    np.testing.assert_allclose(matrix.sum(axis=1).A1, [1, 1, 1, 0])
    tags, _ = item_genre_matrix(ds.items, "tags")
    np.testing.assert_allclose(tags.toarray()[0], [0.5, 0.5, 0.0])
    with pytest.raises(ValueError):
        item_genre_matrix(ds.items, "people")
    bare = Dataset.from_frames("bare", ds.interactions[["user_id", "item_id", "rating", "timestamp", "event"]],
                               pd.DataFrame({"item_id": list(ds.item_ids)}))
    assert calibration(_result(bare, {"x": [["i0", "i1"], ["i0", "i1"]]}), bare) is None
