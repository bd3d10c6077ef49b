"""Interest decomposition quality and latency on MovieLens, baseline and targets in one run.

Run from the repo root::

    python -m bench.bench_interests            # full run (first run embeds 9,742 movies, then cached)
    python -m bench.bench_interests --repeats 9

Two families of methods are compared on the same queries. The **plain** decomposition (the history of
these figures): :func:`core.interests.decompose.decompose` *without* the catalogue (no title / genre /
people recognition), scored by the semantic channel alone, ``single`` (one composed vector) or ``multi``
(per-tag neighbours from the HNSW index merged by weight). The **typed** path, the product's:
``Engine.decompose`` (recognises named titles, genres, people; adds the gist tag, the whole text) then
``Engine.fused_scores`` (the one ranking path; NaN = not eligible, e.g. named items), as
``typed_text`` (only the text channels, ``semantic`` + ``gist`` at weight 1, no popularity) and
``typed_fused_default`` (``FusionConfig()``, the default fusion a cold user gets on the Interests page;
it includes the popularity channel). The baseline ``whole_text`` is the cosine of every movie to the
embedding of the whole query.

1. **Genre precision@10** over the labelled queries in ``bench/interest_queries.json`` (Chinese,
   English, mixed, many with negations). A top-10 movie is a hit when it has at least one genre the
   query wants and none it must avoid. Targets: ``single`` / ``multi`` beat the baseline and reach
   >= 0.8; ``typed_text`` / ``typed_fused_default`` reach >= 0.9. Also reported per method, the
   **avoided-genre share**: the share of the top-10 movies carrying any genre the query must avoid,
   pooled over the queries that have an avoid list; target <= 5 % for the typed methods.
2. **tags.csv as typed interests**: each MovieLens user who wrote tags gets the comma-joined text of
   their own tags as the query; the relevant set is the movies they rated >= 4.0 but did *not* tag
   (held out: a tag describes its movie, so tagged movies are excluded from the ranking). Reported:
   recall@20 of every method. No absolute target (this is a hard, noisy task); the targets are
   ``typed_text`` and ``typed_fused_default`` >= ``whole_text`` (and, as before, ``single`` / ``multi``
   > ``whole_text``). References on the same split explain the result: popularity, whole-text of
   another user's tags, the gist channel alone, and plain decomposition keeping every tag with flat
   weights (see :func:`bench_user_tags`; the Markdown explains the outcome when a target is missed).
3. **Latency**: median wall time of :func:`core.interests.decompose.decompose` on ~30-character queries after
   warm-up (``--repeats`` runs of each). Target < 50 ms. The median of the whole-text encode of the
   same queries is reported beside it (the encoder's share of the time).

Results: ``bench/results/bench_interests.json`` (every figure with its target beside it) and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from core.common.selection import top_k
from core.data.dataset import Dataset
from core.engine import Engine
from core.interests.composition import whole_text_scores
from core.interests.decompose import decompose
from core.interests.profile import InterestProfile
from core.ranking.base import ChannelContext
from core.ranking.channels.semantic import SemanticChannel
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.query import Query
from core.vectors.encoders import load_encoder
from core.vectors.index import HnswIndex
from core.vectors.vector_cache import embed_items

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
QUERIES = ROOT / "bench" / "interest_queries.json"
TARGET_PRECISION = 0.8
TARGET_TYPED_PRECISION = 0.9
TARGET_AVOIDED_SHARE = 0.05
TARGET_LATENCY_MS = 50.0
TYPED_CONFIGS: dict[str, FusionConfig] = {
    # the text channels only: the decomposed tags (semantic) and the whole text (gist), no popularity
    "typed_text": FusionConfig(weights=FusionWeights.from_dict({"semantic": 1.0, "gist": 1.0})),
    # the default fusion a cold user gets on the Interests page (includes popularity)
    "typed_fused_default": FusionConfig(),
}
TYPED = tuple(TYPED_CONFIGS)
PLAIN = ("whole_text", "single", "multi")
LATENCY_QUERIES = [
    "我喜欢科幻电影和轻松的喜剧，不要恐怖片，也想看点纪录片吧",  # 28 characters
    "cozy mysteries and space operas, no horror",  # 42 characters
    "我想看一些烧脑的悬疑片还有浪漫的爱情片，不要太血腥",  # 25 characters
]


def load_movielens() -> Dataset:
    """The bundled MovieLens demo Dataset."""
    from core.data.demos import load_demo

    return load_demo("movielens")


def semantic_scores(dataset: Dataset, vectors: np.ndarray, index: HnswIndex) -> Any:
    """The ranking path's semantic channel, fitted once: ``score(profile, mode)`` -> (n_items,) scores."""
    channel = SemanticChannel().fit(ChannelContext(dataset, item_vectors=vectors, item_index=index))

    def score(profile: Any, mode: str) -> np.ndarray:
        return np.asarray(channel.score([Query(profile=profile, composition=mode)])[0])  # type: ignore[arg-type]

    return score


def typed_scores(engine: Engine, text: str) -> tuple[InterestProfile, dict[str, np.ndarray]]:
    """The product path: ``Engine.decompose(text)`` and its fused scores under each of :data:`TYPED_CONFIGS`."""
    profile = engine.decompose(text)
    query = Query(profile=profile)
    return profile, {name: engine.fused_scores(query, config) for name, config in TYPED_CONFIGS.items()}


def tag_summary(profile: InterestProfile) -> list[str]:
    """``+kind:text[->label]:weight`` per tag (``-`` for avoided tags)."""
    out = []
    for t in profile.tags:
        match = f"->{t.label}" if t.label and t.kind in ("item", "attribute") else ""
        out.append(f"{'+' if t.polarity > 0 else '-'}{t.kind}:{t.text}{match}:{t.weight:.2f}")
    return out


def rank(scores: np.ndarray, k: int, exclude: set[int] | None = None) -> np.ndarray:
    """Top ``k`` positions (:func:`core.common.selection.top_k`), NaN (not eligible) and ``exclude`` left out."""
    masked = np.asarray(scores, dtype=np.float64).copy()
    masked[np.isnan(masked)] = -np.inf
    if exclude:
        masked[list(exclude)] = -np.inf
    return top_k(masked, k)


def genre_sets(dataset: Dataset) -> list[frozenset[str]]:
    """Genres of each item (the MovieLens genres are the items' tags)."""
    return [frozenset(str(g) for g in tags) for tags in dataset.items["tags"]]


def genre_precision(top: np.ndarray, genres: list[frozenset[str]], want: set[str], avoid: set[str]) -> float:
    """Share of ``top`` with at least one wanted genre and no avoided genre."""
    if len(top) == 0:
        return 0.0
    hits = sum(1 for i in top if genres[int(i)] & want and not genres[int(i)] & avoid)
    return hits / len(top)


def avoided_count(top: np.ndarray, genres: list[frozenset[str]], avoid: set[str]) -> int:
    """How many of ``top`` carry at least one avoided genre."""
    return sum(1 for i in top if genres[int(i)] & avoid)


def avoided_share(rows: list[dict[str, Any]], name: str) -> float:
    """Pooled share of method ``name``'s top-10 movies with an avoided genre, over queries with an avoid list."""
    pool = [r for r in rows if r["avoid"]]
    shown = sum(r["top_len"][name] for r in pool)
    return sum(r["avoided_in_top10"][name] for r in pool) / shown if shown else float("nan")


def bench_queries(
    dataset: Dataset, enc: Any, vectors: np.ndarray, index: HnswIndex, engine: Engine
) -> dict[str, Any]:
    """Genre precision@10 and avoided-genre counts for every labelled query and method, with per-language
    means and the pooled avoided-genre share per method."""
    spec = json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]
    genres = genre_sets(dataset)
    score_items = semantic_scores(dataset, vectors, index)
    rows: list[dict[str, Any]] = []
    for q in spec:
        want, avoid = set(q["want"]), set(q["avoid"])
        profile = decompose(q["text"], enc, vectors, index)
        row: dict[str, Any] = {
            "id": q["id"],
            "lang": q["lang"],
            "text": q["text"],
            "tags": [f"{'+' if t.polarity > 0 else '-'}{t.text}:{t.weight:.2f}" for t in profile.tags],
            "avoid": sorted(avoid),
        }
        typed_profile, typed = typed_scores(engine, q["text"])
        row["typed_tags"] = tag_summary(typed_profile)
        methods = {
            "whole_text": whole_text_scores(q["text"], enc, vectors),
            "single": score_items(profile, "single"),
            "multi": score_items(profile, "multi"),
            **typed,
        }
        row["avoided_in_top10"], row["top_len"] = {}, {}
        for name, scores in methods.items():
            top = rank(scores, 10)
            row[name] = genre_precision(top, genres, want, avoid)
            row["avoided_in_top10"][name] = avoided_count(top, genres, avoid)
            row["top_len"][name] = len(top)
        rows.append(row)
    summary: dict[str, Any] = {}
    for name in PLAIN + TYPED:
        summary[name] = {"all": float(np.mean([r[name] for r in rows]))}
        for lang in ("zh", "en", "mixed"):
            vals = [r[name] for r in rows if r["lang"] == lang]
            summary[name][lang] = float(np.mean(vals)) if vals else float("nan")
        summary[name]["avoided_share"] = avoided_share(rows, name)
    return {"n_queries": len(rows), "n_queries_with_avoid": sum(1 for r in rows if r["avoid"]),
            "summary": summary, "per_query": rows}


def bench_user_tags(
    dataset: Dataset, enc: Any, vectors: np.ndarray, index: HnswIndex, engine: Engine
) -> dict[str, Any]:
    """recall@20 of held-out liked movies with each tagging user's own tags as the typed interests.

    Besides the compared methods (``whole_text``, plain ``single`` / ``multi``, ``typed_text``,
    ``typed_fused_default``), the same split scores references (not targets) that explain the result:
    ``popularity`` (most-rated movies, the user's own ratings not counted), ``whole_text_other_user``
    (whole-text embedding of *another* user's tags: what whole-text gets without any personal signal),
    ``typed_gist`` (the typed path's gist channel alone) and ``single_all_flat`` / ``multi_all_flat``
    (plain decomposition keeping every tag, ``max_tags=40``, with flat weights, ``temperature=100``).
    ``tagged_doc_share`` is the share of each method's top 20 whose item document carries users' tags
    (the well-known, often-rated films); ``typed_tag_kinds`` the mean number of typed tags per kind and
    ``typed_ineligible_relevant_share`` the mean share of held-out liked movies the typed path cannot
    rank (NaN: named in the text).
    """
    from core.vectors.documents import aggregate_user_tags

    tags = dataset.user_tags
    if tags is None or len(tags) == 0:
        return {"n_users": 0}
    inter = dataset.interactions
    has_user_tags = np.array([bool(t) for t in aggregate_user_tags(dataset)])
    counts = np.bincount(inter["item_idx"].astype(int), minlength=dataset.n_items).astype(np.float64)
    users: list[tuple[str, set[int], set[int], set[int]]] = []
    n_skipped = 0
    for user, frame in tags.groupby(tags["user_id"].astype(str), sort=True):
        words = list(dict.fromkeys(str(t).strip() for t in frame["tag"] if str(t).strip()))
        ids = [str(i) for i in frame["item_id"]]
        tagged = {dataset.item_index[i] for i in ids if i in dataset.item_index}
        mine = inter[inter["user_id"] == user]
        rated = mine[mine["rating"] >= 4.0]
        relevant = set(rated["item_idx"].astype(int)) - tagged
        if not words or len(relevant) < 5:
            n_skipped += 1
            continue
        users.append((", ".join(words[:40]), tagged, relevant, set(mine["item_idx"].astype(int))))
    names = ("whole_text", "single", "multi", *TYPED, "popularity", "whole_text_other_user", "typed_gist",
             "single_all_flat", "multi_all_flat")
    gist_only = FusionConfig(weights=FusionWeights.from_dict({"gist": 1.0}))
    kinds: dict[str, list[int]] = {k: [] for k in ("item", "attribute", "text", "gist")}
    ineligible: list[float] = []
    score_items = semantic_scores(dataset, vectors, index)
    results: dict[str, list[float]] = {k: [] for k in names}
    tagged_share: dict[str, list[float]] = {k: [] for k in names}
    for u, (text, tagged, relevant, seen) in enumerate(users):
        other = users[(u + len(users) // 2) % len(users)][0]  # a fixed, different user
        profile = decompose(text, enc, vectors, index)
        flat = decompose(text, enc, vectors, index, max_tags=40, temperature=100.0)
        typed_profile, typed = typed_scores(engine, text)
        for kind, n in kinds.items():
            n.append(sum(1 for t in typed_profile.tags if t.kind == kind))
        ineligible.append(float(np.isnan(typed["typed_text"][list(relevant)]).mean()))
        own = counts.copy()
        own[list(seen)] -= 1.0
        methods = {
            "whole_text": whole_text_scores(text, enc, vectors),
            "single": score_items(profile, "single"),
            "multi": score_items(profile, "multi"),
            **typed,
            "popularity": own,
            "whole_text_other_user": whole_text_scores(other, enc, vectors),
            "typed_gist": engine.fused_scores(Query(profile=typed_profile), gist_only),
            "single_all_flat": score_items(flat, "single"),
            "multi_all_flat": score_items(flat, "multi"),
        }
        for name, scores in methods.items():
            top = rank(scores, 20, exclude=tagged)
            results[name].append(len(set(top.tolist()) & relevant) / min(len(relevant), 20))
            tagged_share[name].append(float(has_user_tags[top].mean()) if len(top) else 0.0)
    relevant_share = [float(has_user_tags[list(r)].mean()) for _t, _g, r, _s in users]
    return {
        "n_users": len(users),
        "n_skipped": n_skipped,
        "recall_at_20": {k: float(np.mean(v)) if v else float("nan") for k, v in results.items()},
        "tagged_doc_share_top20": {k: float(np.mean(v)) if v else float("nan") for k, v in tagged_share.items()},
        "tagged_doc_share_relevant": float(np.mean(relevant_share)) if relevant_share else float("nan"),
        "tagged_doc_share_catalogue": float(has_user_tags.mean()),
        "typed_tag_kinds": {k: float(np.mean(v)) if v else float("nan") for k, v in kinds.items()},
        "typed_ineligible_relevant_share": float(np.mean(ineligible)) if ineligible else float("nan"),
        "popularity_weight_default": float(FusionConfig().weights["popularity"]),
        "compared": ["whole_text", "single", "multi", *TYPED],
        "definition": "relevant = movies the user rated >= 4.0 and did not tag; tagged movies excluded "
        "from the ranking for every method; recall@20 = hits / min(|relevant|, 20); query = the user's distinct "
        "tags, comma-joined (first 40), the same text for every method",
    }


USER_TAGS_TARGET = {
    "whole_text": "baseline", "single": "> whole_text", "multi": "> whole_text",
    "typed_text": ">= whole_text", "typed_fused_default": ">= whole_text",
    "popularity": "reference", "whole_text_other_user": "reference (no personal signal)",
    "typed_gist": "reference (typed path, gist channel alone)",
    "single_all_flat": "ablation", "multi_all_flat": "ablation",
}


def _user_tags_explanation(u: dict[str, Any]) -> str:
    """One paragraph on why decomposition loses the tags.csv experiment (figures from this run)."""
    r, share = u["recall_at_20"], u["tagged_doc_share_top20"]
    return (
        "Why decomposition loses here: this task rewards matching the *format* and popularity of the "
        "item documents more than the meaning of the tags. An item document is "
        "`title. genres. users' tags`, and only "
        f"{u['tagged_doc_share_catalogue']:.0%} of the movies have users' tags in it, but they are the "
        f"well-known films that make up {u['tagged_doc_share_relevant']:.0%} of the held-out liked movies "
        f"(popularity alone reaches recall@20 {r['popularity']:.3f}). A comma-joined list of tags embedded "
        "whole lands next to other comma-joined tag lists, i.e. those documents: "
        f"{share['whole_text']:.0%} of whole_text's top 20 are such movies against {share['single']:.0%} "
        f"for single and {share['multi']:.0%} for multi, and the whole text of *another* user's tags still "
        f"gets {r['whole_text_other_user']:.3f} of whole_text's {r['whole_text']:.3f}. Each decomposed tag is "
        "a 1-3 word phrase embedded alone, and short phrases match short documents: titles that share a "
        "word (twist ending -> *Twisted*, funny -> *Tag*) and bare `Title. Drama` documents of rarely "
        "rated films, which is right for genre requests (the first table) and wrong for this task. The "
        "suspected decomposition settings are not the cause: keeping every tag with flat weights "
        f"(max_tags=40, temperature=100) gives {r['single_all_flat']:.3f} / {r['multi_all_flat']:.3f}; in "
        "separate runs dropping the (mis-parsed, e.g. `not linear`) negative tags changed nothing, hubness "
        "corrections (mean-centring, CSLS) lowered every method, and blending the whole-text vector into the "
        "composed one never beat whole_text alone (recall only rose as the blend approached it). The split, the "
        "excluded items and the query text are the same for every method, so the comparison is fair; "
        "plain decomposition (single, multi) does not reach its target on this experiment."
    )


def _popularity_note(u: dict[str, Any]) -> str:
    """Why typed_fused_default is not a text-only figure on this task (figures from this run)."""
    r = u["recall_at_20"]
    return (
        "`typed_fused_default` is the default fusion a cold user gets on the Interests page: it includes the "
        f"popularity channel at weight {u['popularity_weight_default']:g}, and popularity alone reaches recall@20 "
        f"{r['popularity']:.3f} on this task, so its {r['typed_fused_default']:.3f} mixes text and popularity; "
        f"`typed_text` ({r['typed_text']:.3f}: semantic + gist, no popularity) is the text-only comparison with "
        f"whole_text ({r['whole_text']:.3f})."
    )


def _typed_tags_explanation(u: dict[str, Any]) -> str:
    """Why a typed method misses ``>= whole_text`` on tags.csv (figures from this run)."""
    r, share, kinds = u["recall_at_20"], u["tagged_doc_share_top20"], u["typed_tag_kinds"]
    missed = [n for n in TYPED if r[n] < r["whole_text"]]
    per_kind = ", ".join(f"{v:.1f} {k}" for k, v in kinds.items())
    parts = [
        f"Missed: {', '.join(missed)} < whole_text ({r['whole_text']:.4f}). A typed profile here holds on average "
        f"{per_kind} tags, and {u['typed_ineligible_relevant_share']:.1%} of the held-out liked movies are not "
        "eligible for the typed methods (NaN: named in the text or excluded by a channel)."
    ]
    if "typed_text" in missed:
        if r["typed_gist"] >= r["whole_text"]:
            parts.append(
                f"The gist channel alone (the whole text minus negated parts) gets {r['typed_gist']:.4f} >= "
                "whole_text, so what pulls typed_text below it is the equal-weight fusion with the semantic "
                f"channel's short-phrase matches (plain decomposition: single {r['single']:.4f}, multi "
                f"{r['multi']:.4f})."
            )
        else:
            parts.append(
                f"The gist channel alone (the whole text minus negated parts) already gets {r['typed_gist']:.4f} "
                f"< whole_text, so the typed path loses before fusion; fused with the semantic channel it gets "
                f"{r['typed_text']:.4f}."
            )
        parts.append(
            f"Share of the top 20 with users' tags: whole_text {share['whole_text']:.0%}, typed_gist "
            f"{share['typed_gist']:.0%}, typed_text {share['typed_text']:.0%}."
        )
    if "typed_fused_default" in missed:
        parts.append(
            f"typed_fused_default ({r['typed_fused_default']:.4f}) adds the other default channels to the text "
            f"ones (popularity at {u['popularity_weight_default']:g} among them) and still stays below whole_text."
        )
    return " ".join(parts)


def _genre_misses(q: dict[str, Any], limit: int = 5) -> list[str]:
    """One paragraph per typed method that misses a genre target: the queries it loses on (figures from this run)."""
    out: list[str] = []
    for name in TYPED:
        s = q["summary"][name]
        misses = []
        if s["all"] < TARGET_TYPED_PRECISION:
            misses.append(f"precision@10 {s['all']:.3f} < {TARGET_TYPED_PRECISION}")
        if not s["avoided_share"] <= TARGET_AVOIDED_SHARE:
            misses.append(f"avoided-genre share {s['avoided_share']:.1%} > {TARGET_AVOIDED_SHARE:.0%}")
        if not misses:
            continue
        worst = sorted((r for r in q["per_query"] if r[name] < 1.0), key=lambda r: (r[name], r["id"]))[:limit]
        detail = "; ".join(
            f"{r['id']} `{r['text']}` {r[name]:.1f} ({r['avoided_in_top10'][name]}/{r['top_len'][name]} with "
            f"an avoided genre; tags {' '.join(r['typed_tags'])})".replace("|", "/")
            for r in worst
        )
        out += ["", f"{name} misses its target ({', '.join(misses)}). Lowest queries: {detail}."]
    return out


def bench_latency(enc: Any, vectors: np.ndarray, index: HnswIndex, repeats: int) -> dict[str, Any]:
    """Median decomposition latency (ms) of ~30-character queries after warm-up."""
    for q in LATENCY_QUERIES:  # warm-up: jieba dictionary, OpenCC tables, encoder buffers
        decompose(q, enc, vectors, index)
        enc.encode([q])
    decomp: list[float] = []
    encode: list[float] = []
    for _ in range(repeats):
        for q in LATENCY_QUERIES:
            t0 = time.perf_counter()
            decompose(q, enc, vectors, index)
            decomp.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            enc.encode([q])
            encode.append((time.perf_counter() - t0) * 1000)
    return {
        "queries": LATENCY_QUERIES,
        "runs": len(decomp),
        "decompose_median_ms": statistics.median(decomp),
        "decompose_p90_ms": float(np.percentile(decomp, 90)),
        "whole_text_encode_median_ms": statistics.median(encode),
    }


def _markdown(result: dict[str, Any]) -> str:
    q = result["queries"]["summary"]
    lines = [
        "# bench_interests",
        "",
        f"Command: `{result['command']}` · {result['machine']} · {result['date']}",
        "",
        f"## Genre precision@10 ({result['queries']['n_queries']} labelled queries)",
        "",
        "| method | all | zh | en | mixed | avoided-genre share | target |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in PLAIN + TYPED:
        s = q[name]
        if name in TYPED:
            target = f">= {TARGET_TYPED_PRECISION}; avoided <= {TARGET_AVOIDED_SHARE:.0%}"
        else:
            target = "baseline" if name == "whole_text" else f">= {TARGET_PRECISION} and > whole_text"
        figures = " | ".join(f"{s[key]:.3f}" for key in ("all", "zh", "en", "mixed"))
        lines.append(f"| {name} | {figures} | {s['avoided_share']:.1%} | {target} |")
    lines += [
        "",
        "single / multi: plain decomposition without the catalogue, semantic channel alone. typed_*: "
        "`Engine.decompose` (named titles, genres, people recognised; gist tag) + `Engine.fused_scores`; "
        "typed_text = semantic + gist channels, typed_fused_default = `FusionConfig()` (includes popularity "
        f"{FusionConfig().weights['popularity']:g}). Avoided-genre share: share of the top-10 movies carrying a "
        f"genre the query must avoid, pooled over the {result['queries']['n_queries_with_avoid']} queries with "
        "an avoid list.",
    ]
    lines += _genre_misses(result["queries"])
    u = result["user_tags"]
    if u.get("n_users"):
        lines += [
            "",
            f"## tags.csv as typed interests: recall@20 of held-out liked movies ({u['n_users']} users)",
            "",
            "| method | recall@20 | target |",
            "| --- | --- | --- |",
        ]
        lines[-2:] = ["| method | recall@20 | top 20 with users' tags | target |", "| --- | --- | --- | --- |"]
        for name, val in u["recall_at_20"].items():
            share = u["tagged_doc_share_top20"][name]
            lines.append(f"| {name} | {val:.4f} | {share:.0%} | {USER_TAGS_TARGET.get(name, '')} |")
        lines += ["", _popularity_note(u)]
        if min(u["recall_at_20"][n] for n in TYPED) < u["recall_at_20"]["whole_text"]:
            lines += ["", _typed_tags_explanation(u)]
        if max(u["recall_at_20"]["single"], u["recall_at_20"]["multi"]) <= u["recall_at_20"]["whole_text"]:
            lines += ["", _user_tags_explanation(u)]
    lat = result["latency"]
    lines += [
        "",
        "## Latency (median after warm-up)",
        "",
        "| figure | value | target |",
        "| --- | --- | --- |",
        f"| decompose, ~30-char query | {lat['decompose_median_ms']:.1f} ms | < {TARGET_LATENCY_MS:.0f} ms |",
        f"| decompose p90 | {lat['decompose_p90_ms']:.1f} ms | |",
        f"| whole-text encode only | {lat['whole_text_encode_median_ms']:.1f} ms | |",
        "",
        "## Per query (precision@10)",
        "",
        "| id | text | tags | whole_text | single | multi | typed_text | typed_fused_default |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in result["queries"]["per_query"]:
        tags = " ".join(r["tags"]).replace("|", "/")
        lines.append(
            f"| {r['id']} | {r['text'].replace('|', '/')} | {tags} | "
            f"{r['whole_text']:.1f} | {r['single']:.1f} | {r['multi']:.1f} | "
            f"{r['typed_text']:.1f} | {r['typed_fused_default']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write JSON + Markdown results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="latency runs per query (median reported)")
    parser.add_argument("--no-write", action="store_true", help="print only, do not write bench/results")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    dataset = load_movielens()
    enc = load_encoder("use-m3")
    vectors = embed_items(dataset, enc).vectors
    index = HnswIndex(vectors.shape[1]).build(vectors)
    # latency first: on a shared machine, BLAS worker threads left spinning by the experiments' matrix
    # products slow the encoder's own threads down (seen as 10x-80x slower encodes under load)
    latency = bench_latency(enc, vectors, index, args.repeats)
    engine = Engine(dataset, "use-m3")  # the product's typed path (recognition + fusion)
    engine.encoder = enc  # the same model, loaded once
    engine.prepare()
    queries = bench_queries(dataset, enc, vectors, index, engine)
    user_tags = bench_user_tags(dataset, enc, vectors, index, engine)
    s = queries["summary"]
    recall = user_tags.get("recall_at_20", {})
    typed_figures: dict[str, Any] = {}
    for name in TYPED:
        typed_figures[f"genre_precision_at_10_{name}"] = {
            "value": s[name]["all"], "target": TARGET_TYPED_PRECISION,
            "met": s[name]["all"] >= TARGET_TYPED_PRECISION,
        }
        typed_figures[f"avoided_genre_share_{name}"] = {
            "value": s[name]["avoided_share"], "target": f"<= {TARGET_AVOIDED_SHARE}",
            "met": s[name]["avoided_share"] <= TARGET_AVOIDED_SHARE,
        }
    for name in TYPED:
        typed_figures[f"user_tags_recall_at_20_{name}"] = {
            "value": recall.get(name), "target": ">= whole_text", "whole_text": recall.get("whole_text"),
            "met": bool(recall) and recall[name] >= recall["whole_text"],
        }
    typed_figures["user_tags_recall_at_20_typed_fused_default"]["note"] = (
        f"includes popularity (weight {FusionConfig().weights['popularity']:g}); popularity alone: "
        + (f"{recall['popularity']:.4f}" if recall else "n/a")
    )
    result: dict[str, Any] = {
        "command": "python -m bench.bench_interests " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": f"{platform.machine()} {platform.system()} python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "figures": {
            "genre_precision_at_10_whole_text": {"value": s["whole_text"]["all"], "target": "baseline"},
            "genre_precision_at_10_single": {
                "value": s["single"]["all"], "target": TARGET_PRECISION,
                "met": s["single"]["all"] >= TARGET_PRECISION and s["single"]["all"] > s["whole_text"]["all"],
            },
            "genre_precision_at_10_multi": {
                "value": s["multi"]["all"], "target": TARGET_PRECISION,
                "met": s["multi"]["all"] >= TARGET_PRECISION and s["multi"]["all"] > s["whole_text"]["all"],
            },
            "user_tags_recall_at_20": {
                "value": user_tags.get("recall_at_20", {}),
                "target": "single and multi > whole_text",
                "met": bool(user_tags.get("recall_at_20"))
                and min(user_tags["recall_at_20"]["single"], user_tags["recall_at_20"]["multi"])
                > user_tags["recall_at_20"]["whole_text"],
            },
            **typed_figures,
            "decompose_latency_median_ms": {
                "value": latency["decompose_median_ms"], "target": TARGET_LATENCY_MS,
                "met": latency["decompose_median_ms"] < TARGET_LATENCY_MS,
            },
        },
        "queries": queries,
        "user_tags": user_tags,
        "latency": latency,
        "seconds": time.perf_counter() - started,
    }
    md = _markdown(result)
    sys.stdout.write(md)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "bench_interests.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        (RESULTS / "bench_interests.md").write_text(md, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
