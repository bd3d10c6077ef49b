"""bench_interests helpers: NaN-aware ranking, avoided-genre share, and the Markdown's target explanations."""

from __future__ import annotations

from typing import Any

import numpy as np

from bench.bench_interests import (
    PLAIN,
    TYPED,
    _genre_misses,
    _markdown,
    _typed_tags_explanation,
    avoided_count,
    avoided_share,
    genre_precision,
    rank,
)


def test_rank_drops_nan_and_excluded_items() -> None:
    scores = np.array([0.1, np.nan, 0.9, 0.5, np.nan])
    assert rank(scores, 10).tolist() == [2, 3, 0]
    assert rank(scores, 10, exclude={2}).tolist() == [3, 0]


def test_avoided_count_and_precision() -> None:
    genres = [frozenset({"Comedy"}), frozenset({"Horror", "Comedy"}), frozenset({"Drama"})]
    top = np.array([0, 1, 2])
    assert avoided_count(top, genres, {"Horror"}) == 1
    assert genre_precision(top, genres, {"Comedy"}, {"Horror"}) == 1 / 3


def test_avoided_share_pools_only_queries_with_an_avoid_list() -> None:
    rows = [
        {"avoid": ["Horror"], "avoided_in_top10": {"m": 1}, "top_len": {"m": 10}},
        {"avoid": ["Comedy"], "avoided_in_top10": {"m": 0}, "top_len": {"m": 5}},
        {"avoid": [], "avoided_in_top10": {"m": 9}, "top_len": {"m": 10}},
    ]
    assert avoided_share(rows, "m") == 1 / 15
    assert np.isnan(avoided_share(rows[2:], "m"))


def _row(qid: str, value: float, avoided: int) -> dict[str, Any]:
    row: dict[str, Any] = {"id": qid, "lang": "en", "text": "a|b", "tags": ["+a:1.00"], "avoid": ["Horror"],
                           "typed_tags": ["+text:a:1.00"], "avoided_in_top10": {}, "top_len": {}}
    for name in PLAIN + TYPED:
        row[name] = value
        row["avoided_in_top10"][name] = avoided
        row["top_len"][name] = 10
    return row


def _queries(value: float, avoided: int) -> dict[str, Any]:
    rows = [_row("q1", value, avoided), _row("q2", 1.0, 0)]
    summary = {n: {"all": (value + 1.0) / 2, "zh": float("nan"), "en": (value + 1.0) / 2, "mixed": float("nan"),
                   "avoided_share": avoided_share(rows, n)} for n in PLAIN + TYPED}
    return {"n_queries": 2, "n_queries_with_avoid": 2, "summary": summary, "per_query": rows}


def test_genre_misses_names_the_missed_target_and_lowest_query() -> None:
    assert _genre_misses(_queries(1.0, 0)) == []
    text = " ".join(_genre_misses(_queries(0.5, 3)))
    for name in TYPED:
        assert f"{name} misses its target" in text
    assert "avoided-genre share 15.0% > 5%" in text
    assert "q1" in text and "q2" not in text and "|" not in text


def _user_tags(typed_text: float, typed_gist: float) -> dict[str, Any]:
    names = ["whole_text", "single", "multi", *TYPED, "popularity", "whole_text_other_user", "typed_gist",
             "single_all_flat", "multi_all_flat"]
    recall = dict.fromkeys(names, 0.05) | {"whole_text": 0.09, "typed_text": typed_text, "typed_gist": typed_gist,
                                           "popularity": 0.36, "typed_fused_default": 0.2}
    return {"n_users": 3, "recall_at_20": recall, "tagged_doc_share_top20": dict.fromkeys(names, 0.5),
            "tagged_doc_share_relevant": 0.5, "tagged_doc_share_catalogue": 0.2,
            "typed_tag_kinds": {"item": 1.0, "attribute": 2.0, "text": 3.0, "gist": 1.0},
            "typed_ineligible_relevant_share": 0.01, "popularity_weight_default": 0.2}


def test_typed_tags_explanation_follows_the_gist_figure() -> None:
    fusion = _typed_tags_explanation(_user_tags(typed_text=0.07, typed_gist=0.10))
    assert "Missed: typed_text <" in fusion and "equal-weight fusion" in fusion
    gist = _typed_tags_explanation(_user_tags(typed_text=0.07, typed_gist=0.08))
    assert "loses before fusion" in gist and "typed_fused_default (" not in gist


def test_markdown_explains_only_missed_typed_targets() -> None:
    result = {"command": "python -m bench.bench_interests", "machine": "m", "date": "d",
              "queries": _queries(1.0, 0), "user_tags": _user_tags(typed_text=0.10, typed_gist=0.10),
              "latency": {"decompose_median_ms": 1.0, "decompose_p90_ms": 2.0, "whole_text_encode_median_ms": 0.5}}
    md = _markdown(result)
    assert "| typed_fused_default | 1.000 |" in md and "includes popularity 0.2" in md
    assert "Missed:" not in md and "misses its target" not in md
    result["user_tags"] = _user_tags(typed_text=0.07, typed_gist=0.10)
    assert "Missed: typed_text" in _markdown(result)
