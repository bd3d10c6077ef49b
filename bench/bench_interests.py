"""Interest decomposition quality and latency on MovieLens, baseline and targets in one run.

Run from the repo root::

    python -m bench.bench_interests            # full run (first run embeds 9,742 movies, then cached)
    python -m bench.bench_interests --repeats 9

Three measurements:

1. **Genre precision@10** over the labelled queries in ``bench/interest_queries.json`` (Chinese,
   English, mixed, many with negations). A top-10 movie is a hit when it has at least one genre the
   query wants and none it must avoid. Compared: ``whole_text`` (baseline: cosine of every movie to
   the embedding of the whole query), ``single`` (decomposition, one composed vector) and ``multi``
   (decomposition, per-tag neighbours from the HNSW index merged by weight). Target: both
   decomposition modes beat the baseline and reach >= 0.8.
2. **tags.csv as typed interests**: each MovieLens user who wrote tags gets the comma-joined text of
   their own tags as the query; the relevant set is the movies they rated >= 4.0 but did *not* tag
   (held out: a tag describes its movie, so tagged movies are excluded from the ranking). Reported:
   recall@20 of decomposition (single, multi) vs whole-text embedding. No absolute target (this is a
   hard, noisy task); the target is beating the baseline. References on the same split explain the
   result: popularity, whole-text of another user's tags, and decomposition keeping every tag with flat
   weights (see :func:`bench_user_tags`; the Markdown explains the outcome when the target is missed).
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
from core.interests.composition import whole_text_scores
from core.interests.decompose import decompose
from core.ranking.base import ChannelContext
from core.ranking.channels.semantic import SemanticChannel
from core.ranking.query import Query
from core.vectors.encoders import load_encoder
from core.vectors.index import HnswIndex
from core.vectors.vector_cache import embed_items

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
QUERIES = ROOT / "bench" / "interest_queries.json"
TARGET_PRECISION = 0.8
TARGET_LATENCY_MS = 50.0
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


def rank(scores: np.ndarray, k: int, exclude: set[int] | None = None) -> np.ndarray:
    """Top ``k`` positions (:func:`core.common.selection.top_k`), ``exclude`` left out."""
    masked = np.asarray(scores, dtype=np.float64).copy()
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


def bench_queries(dataset: Dataset, enc: Any, vectors: np.ndarray, index: HnswIndex) -> dict[str, Any]:
    """Genre precision@10 for every labelled query and method, with per-language means."""
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
        }
        methods = {
            "whole_text": whole_text_scores(q["text"], enc, vectors),
            "single": score_items(profile, "single"),
            "multi": score_items(profile, "multi"),
        }
        for name, scores in methods.items():
            row[name] = genre_precision(rank(scores, 10), genres, want, avoid)
        rows.append(row)
    summary: dict[str, Any] = {}
    for name in ("whole_text", "single", "multi"):
        summary[name] = {"all": float(np.mean([r[name] for r in rows]))}
        for lang in ("zh", "en", "mixed"):
            vals = [r[name] for r in rows if r["lang"] == lang]
            summary[name][lang] = float(np.mean(vals)) if vals else float("nan")
    return {"n_queries": len(rows), "summary": summary, "per_query": rows}


def bench_user_tags(dataset: Dataset, enc: Any, vectors: np.ndarray, index: HnswIndex) -> dict[str, Any]:
    """recall@20 of held-out liked movies with each tagging user's own tags as the typed interests.

    Besides the three compared methods, the same split scores three references (not targets) that
    explain the result: ``popularity`` (most-rated movies, the user's own ratings not counted),
    ``whole_text_other_user`` (whole-text embedding of *another* user's tags: what whole-text gets
    without any personal signal) and ``single_all_flat`` / ``multi_all_flat`` (decomposition keeping
    every tag, ``max_tags=40``, with flat weights, ``temperature=100``). ``tagged_doc_share`` is the share
    of each method's top 20 whose item document carries users' tags (the well-known, often-rated films).
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
    names = ("whole_text", "single", "multi", "popularity", "whole_text_other_user", "single_all_flat",
             "multi_all_flat")
    score_items = semantic_scores(dataset, vectors, index)
    results: dict[str, list[float]] = {k: [] for k in names}
    tagged_share: dict[str, list[float]] = {k: [] for k in names}
    for u, (text, tagged, relevant, seen) in enumerate(users):
        other = users[(u + len(users) // 2) % len(users)][0]  # a fixed, different user
        profile = decompose(text, enc, vectors, index)
        flat = decompose(text, enc, vectors, index, max_tags=40, temperature=100.0)
        own = counts.copy()
        own[list(seen)] -= 1.0
        methods = {
            "whole_text": whole_text_scores(text, enc, vectors),
            "single": score_items(profile, "single"),
            "multi": score_items(profile, "multi"),
            "popularity": own,
            "whole_text_other_user": whole_text_scores(other, enc, vectors),
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
        "compared": ["whole_text", "single", "multi"],
        "definition": "relevant = movies the user rated >= 4.0 and did not tag; tagged movies excluded "
        "from the ranking for every method; recall@20 = hits / min(|relevant|, 20); query = the user's distinct "
        "tags, comma-joined (first 40), the same text for every method",
    }


USER_TAGS_TARGET = {
    "whole_text": "baseline", "single": "> whole_text", "multi": "> whole_text",
    "popularity": "reference", "whole_text_other_user": "reference (no personal signal)",
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
        "decomposition does not reach the target on this experiment."
    )


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
        "| method | all | zh | en | mixed | target |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name in ("whole_text", "single", "multi"):
        s = q[name]
        target = "baseline" if name == "whole_text" else f">= {TARGET_PRECISION} and > whole_text"
        figures = " | ".join(f"{s[key]:.3f}" for key in ("all", "zh", "en", "mixed"))
        lines.append(f"| {name} | {figures} | {target} |")
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
        "| id | text | tags | whole_text | single | multi |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in result["queries"]["per_query"]:
        tags = " ".join(r["tags"]).replace("|", "/")
        lines.append(
            f"| {r['id']} | {r['text'].replace('|', '/')} | {tags} | "
            f"{r['whole_text']:.1f} | {r['single']:.1f} | {r['multi']:.1f} |"
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
    queries = bench_queries(dataset, enc, vectors, index)
    user_tags = bench_user_tags(dataset, enc, vectors, index)
    s = queries["summary"]
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
