"""Confidence transforms, each checked against numbers worked out by hand on a tiny matrix."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import sparse

from core.common.errors import ConfigError
from core.data.confidence import KINDS, SIGNAL_KINDS, Confidence, default_confidence, prepare, prepare_rows


def _m(rows: list[list[float]]) -> sparse.csr_matrix:
    """A users x items matrix whose non-zero cells are the stored pairs."""
    return sparse.csr_matrix(np.array(rows, dtype=np.float64))


# users x items: u0 rated items 0, 2, 3; u1 only item 1; u2 items 0, 1, 3
SMALL = _m([[5, 0, 3, 1], [0, 2, 0, 0], [2, 2, 0, 4]])


def _dense(conf: Confidence, m: sparse.csr_matrix = SMALL) -> np.ndarray:
    out = prepare(m, conf)
    assert out.dtype == np.float32 and out.shape == m.shape
    return out.toarray().astype(np.float64)


def test_binary_linear_and_log_by_hand() -> None:
    np.testing.assert_allclose(_dense(Confidence("binary", alpha=2.0)),
                               [[3, 0, 3, 3], [0, 3, 0, 0], [3, 3, 0, 3]])
    np.testing.assert_allclose(_dense(Confidence("linear", alpha=2.0)),
                               [[11, 0, 7, 3], [0, 5, 0, 0], [5, 5, 0, 9]])
    # 1 + 0.5 * log(1 + r / 0.5)
    ln = math.log
    np.testing.assert_allclose(
        _dense(Confidence("log", alpha=0.5, eps=0.5)),
        [[1 + 0.5 * ln(11), 0, 1 + 0.5 * ln(7), 1 + 0.5 * ln(3)], [0, 1 + 0.5 * ln(5), 0, 0],
         [1 + 0.5 * ln(5), 1 + 0.5 * ln(5), 0, 1 + 0.5 * ln(9)]], rtol=1e-6)


def test_the_issue_play_count() -> None:
    """A play count of 13,883: the old linear confidence explodes, the log one stays a small number."""
    heavy = _m([[13_883, 1]])
    assert _dense(Confidence("linear", alpha=2.0), heavy)[0, 0] == 27_767
    np.testing.assert_allclose(_dense(Confidence("log"), heavy)[0], [1 + math.log(13_884), 1 + math.log(2)],
                               rtol=1e-6)


def test_centred_drops_below_the_users_mean() -> None:
    # u0 mean 3: 5 -> w 2, 3 -> w 0 (kept, c = 1), 1 dropped; u1 mean 2: w 0; u2 mean 8/3: only 4 (w 4/3)
    out = prepare(SMALL, Confidence("centred", alpha=3.0))
    np.testing.assert_allclose(out.toarray(), [[7, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1 + 3 * 4 / 3]], rtol=1e-6)
    assert out.nnz == 4, "pairs below the mean are dropped, not stored as zeros"


def test_threshold_keeps_pairs_at_or_above() -> None:
    out = prepare(SMALL, Confidence("threshold", alpha=1.0, threshold=3.0))
    np.testing.assert_allclose(out.toarray(), [[2, 0, 2, 0], [0, 0, 0, 0], [0, 0, 0, 2]])
    assert out.nnz == 3
    assert prepare(SMALL, Confidence("threshold", threshold=10.0)).nnz == 0


# users x items with idf > 0 for every user: u0 has items 0 (4 plays) and 1 (1 play), u1 item 0, u2 item 2
COUNTS = _m([[4, 1, 0, 0, 0, 0], [2, 0, 0, 0, 0, 0], [0, 0, 9, 0, 0, 0]])


def test_bm25_by_hand() -> None:
    # implicit's layout: items are documents, users are terms. N = 6 items; idf(u) = ln 6 - ln(1 + n_u)
    idf = [math.log(6) - math.log(3), math.log(6) - math.log(2), math.log(6) - math.log(2)]
    lengths = [6.0, 1.0, 9.0]  # plays per item 0, 1, 2 (items 3-5: 0)
    avg = 16.0 / 6.0
    k1, b = 1.5, 0.5

    def w(r: float, item: int, user: int) -> float:
        norm = (1 - b) + b * lengths[item] / avg
        return r * (k1 + 1) / (k1 * norm + r) * idf[user]

    expected = np.zeros((3, 6))
    for u, i, r in [(0, 0, 4.0), (0, 1, 1.0), (1, 0, 2.0), (2, 2, 9.0)]:
        expected[u, i] = 1 + 2.0 * w(r, i, u)
    np.testing.assert_allclose(_dense(Confidence("bm25", alpha=2.0, k1=k1, b=b), COUNTS), expected, rtol=1e-5)


def test_tfidf_by_hand() -> None:
    ln2, ln3 = math.log(2), math.log(3)
    expected = np.zeros((3, 6))
    expected[0, 0], expected[0, 1] = 1 + 2 * ln2, 1 + 1 * ln2  # sqrt(4) * idf(u0), sqrt(1) * idf(u0)
    expected[1, 0] = 1 + math.sqrt(2) * ln3
    expected[2, 2] = 1 + 3 * ln3
    np.testing.assert_allclose(_dense(Confidence("tfidf"), COUNTS), expected, rtol=1e-5)


def test_negative_values_count_as_zero_and_stored_zeros_stay() -> None:
    m = sparse.csr_matrix((np.array([-3.0, 0.0, 2.0]), np.array([0, 1, 2]), np.array([0, 3])), shape=(1, 3))
    for kind in ("linear", "log", "bm25", "tfidf"):
        out = prepare(m, Confidence(kind, alpha=1.0))
        assert out.nnz == 3, kind  # every observed pair stays, even with value 0
        assert out.data[0] == 1.0 and out.data[1] == 1.0, kind


def test_the_input_is_not_changed() -> None:
    m = SMALL.copy()
    for kind in KINDS:
        prepare(m, Confidence(kind))
    assert (m != SMALL).nnz == 0


def test_prepare_rows_prepares_new_rows_as_part_of_the_matrix() -> None:
    seeds = _m([[3, 0, 0, 0, 0, 1]])
    for kind in KINDS:
        conf = Confidence(kind, k1=2.0, threshold=2.0)
        together = prepare(sparse.vstack([COUNTS, seeds], format="csr"), conf)[3:]
        np.testing.assert_allclose(prepare_rows(COUNTS, seeds, conf).toarray(), together.toarray(), err_msg=kind)
    # bm25 normalises by item totals over every user: the seed row alone would be weighted differently
    conf = Confidence("bm25", k1=2.0)
    assert not np.allclose(prepare(seeds, conf).toarray(), prepare_rows(COUNTS, seeds, conf).toarray())


@pytest.mark.parametrize("bad", [
    {"kind": "sqrt"}, {"alpha": -1.0}, {"alpha": float("nan")}, {"alpha": True}, {"alpha": "2"},
    {"eps": 0.0}, {"eps": float("inf")}, {"k1": -0.1}, {"b": 1.5}, {"threshold": float("nan")},
])
def test_bad_values_raise_config_error(bad: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        Confidence(**bad)  # type: ignore[arg-type]


def test_dict_round_trip_and_label() -> None:
    conf = Confidence("bm25", alpha=3.0, k1=50.0, b=0.5)
    assert Confidence.from_dict(conf.to_dict()) == conf
    assert Confidence.from_dict("log") == Confidence(kind="log")
    assert Confidence.from_dict({"kind": "threshold", "threshold": 3.5}).threshold == 3.5
    assert conf.label() == "bm25(alpha=3, k1=50, b=0.5)"
    with pytest.raises(ConfigError, match="no parameter"):
        Confidence.from_dict({"kind": "log", "beta": 1})
    with pytest.raises(ConfigError):
        Confidence.from_dict(3)
    with pytest.raises(ConfigError):
        prepare(SMALL, "log")  # type: ignore[arg-type]


def test_defaults_per_signal_kind() -> None:
    assert default_confidence("explicit") == Confidence("binary", alpha=1.0)
    assert default_confidence("binary").kind == "binary"
    assert default_confidence("count") == Confidence("log", alpha=1.0, eps=1.0)
    assert default_confidence("duration").kind == "log"
    assert set(SIGNAL_KINDS) == {"explicit", "count", "binary", "duration"}
    with pytest.raises(ConfigError):
        default_confidence("stars")
