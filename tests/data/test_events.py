"""core.data.events: event logs summed into weighted counts per user-item pair (English and Chinese names)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.common.errors import ConfigError, DataError
from core.data.events import (
    DEFAULT_EVENT_WEIGHTS,
    aggregate_events,
    canonical_event,
    event_weight,
    parse_event_weights,
)
from core.data.loaders import load_dataset


def _log(rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["user_id", "item_id", "timestamp", "event"]).assign(rating=1.0)


def test_names_in_english_and_chinese_map_to_canonical_types() -> None:
    for name, canon in [("view", "view"), ("PV", "view"), ("Page View", "view"), ("点击", "view"), ("浏览", "view"),
                        ("add_to_cart", "cart"), ("Add-To-Cart", "cart"), ("加购", "cart"), ("加入购物车", "cart"),
                        ("buy", "purchase"), ("购买", "purchase"), ("下单", "purchase"),
                        ("fav", "favourite"), ("收藏", "favourite")]:
        assert canonical_event(name) == canon, name
    assert canonical_event("share") is None and canonical_event("") is None


def test_default_and_user_weights() -> None:
    assert [event_weight(n) for n in ("view", "浏览", "cart", "加购", "purchase", "购买", "收藏", "share")] == [
        1.0, 1.0, 3.0, 3.0, 5.0, 5.0, DEFAULT_EVENT_WEIGHTS["favourite"], 1.0]
    user = {"view": 2.0, "购买": 10.0, "*": 0.5}
    assert event_weight("浏览", user) == 2.0  # a canonical name's weight reaches its synonyms
    assert event_weight("购买", user) == 10.0 and event_weight("buy", user) == 5.0  # an exact name: that name only
    assert event_weight("share", user) == 0.5 and event_weight("cart", user) == 3.0


def test_parse_event_weights() -> None:
    assert parse_event_weights("view=1,cart=3,purchase=5") == {"view": 1.0, "cart": 3.0, "purchase": 5.0}
    assert parse_event_weights(" 浏览 = 1 ；加购：3，购买=5.5 ") == {"浏览": 1.0, "加购": 3.0, "购买": 5.5}
    for bad in ["", "view", "view=", "=3", "view=abc", "view=-1", "view=nan", "view=1e9", "view=1,View=2"]:
        with pytest.raises(ConfigError):
            parse_event_weights(bad)


def test_aggregate_sums_weights_per_pair_and_keeps_the_strongest_event() -> None:
    log = _log([
        ("u1", "a", 10.0, "view"), ("u1", "a", 20.0, "cart"), ("u1", "a", 30.0, "view"), ("u1", "a", 40.0, "purchase"),
        ("u1", "b", 15.0, "浏览"), ("u2", "a", 5.0, "收藏"), ("u2", "c", np.nan, "share"),
    ])
    out = aggregate_events(log)
    frame = out.frame.set_index(["user_id", "item_id"])
    assert list(out.frame.columns) == ["user_id", "item_id", "rating", "timestamp", "event"]
    assert frame.loc[("u1", "a"), "rating"] == 1 + 3 + 1 + 5
    assert frame.loc[("u1", "a"), "timestamp"] == 40.0 and frame.loc[("u1", "a"), "event"] == "purchase"
    assert frame.loc[("u1", "b"), "rating"] == 1.0 and frame.loc[("u2", "a"), "rating"] == 2.0
    assert frame.loc[("u2", "c"), "rating"] == 1.0 and np.isnan(frame.loc[("u2", "c"), "timestamp"])
    assert [tuple(r) for r in out.frame[["user_id", "item_id"]].to_numpy()] == [
        ("u1", "a"), ("u1", "b"), ("u2", "a"), ("u2", "c")]  # first-seen order
    assert (out.n_events, out.n_pairs, out.n_dropped_pairs) == (7, 4, 0)
    assert out.weights == {"view": 1.0, "cart": 3.0, "purchase": 5.0, "浏览": 1.0, "收藏": 2.0, "share": 1.0}


def test_zero_weight_ignores_a_type_and_all_zero_is_an_error() -> None:
    log = _log([("u1", "a", 1.0, "view"), ("u1", "b", 2.0, "view"), ("u1", "b", 3.0, "cart")])
    out = aggregate_events(log, {"view": 0})
    assert out.frame[["item_id", "rating"]].values.tolist() == [["b", 3.0]] and out.n_dropped_pairs == 1
    with pytest.raises(DataError):
        aggregate_events(log, {"view": 0, "cart": 0})
    with pytest.raises(ConfigError):
        aggregate_events(log, {"view": float("inf")})


def test_an_event_log_file_loads_as_weighted_counts() -> None:
    data = ("用户,物品,时间,行为\n"
            "1,a,2024-01-01 10:00:00,浏览\n1,a,2024-01-01 10:05:00,加购\n1,a,2024-01-01 10:09:00,购买\n"
            "1,b,2024-01-02 09:00:00,浏览\n2,a,2024-01-03 09:00:00,收藏\n").encode()
    ds, report, _ = load_dataset(data, name="log.csv")
    assert report.rows_loaded == 5 and len(ds.interactions) == 3
    assert ds.matrix[ds.user_index["1"], ds.item_index["a"]] == 9.0
    assert (ds.signal.kind, ds.signal.reason) == ("count", "events_aggregated")
    assert ds.signal.figure_map() == {"events": 5, "types": 4, "pairs": 3}
    assert ds.meta["events"]["weights"]["加购"] == 3.0
    custom, _, _ = load_dataset(data, name="log.csv", event_weights={"purchase": 20}, signal="binary")
    assert custom.matrix[custom.user_index["1"], custom.item_index["a"]] == 24.0 and custom.signal.kind == "binary"


def test_event_weights_need_a_file_without_values() -> None:
    with pytest.raises(ConfigError, match="without a value column"):
        load_dataset(b"user,item,rating\n1,a,4\n", name="r.csv", event_weights={"view": 1})
    ds, _, _ = load_dataset(b"user,item,rating\n1,a,4\n", name="r.csv", interaction_mapping={"rating": ""},
                            event_weights={"other": 2})
    assert ds.matrix.data.tolist() == [2.0]
