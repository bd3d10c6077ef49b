"""History interests: a user's liked items clustered into a few labelled interests (PinnerSage style).

:func:`history_interests` turns one user's history into :class:`~core.interests.profile.InterestTag` objects with
``source="history"``:

1. **Items**: the user's *liked* interactions — rating at or above the user's own mean (all of them for
   implicit data or a user who rates everything alike), one row per item (latest time kept), at most
   ``max_items`` of the most recent ones (bounded cost: Ward is O(n²) memory).
2. **Clusters**: scikit-learn ``AgglomerativeClustering`` with Ward linkage on the L2-normalised item
   vectors (Euclidean distance on unit vectors is monotone in cosine). The full tree is built once and
   cut at every k in ``2..max_clusters``; **the number of clusters is the k with the best silhouette
   score (cosine)**. When even the best silhouette is below :data:`MIN_SILHOUETTE`, the history has no
   cluster structure worth showing and becomes one interest. Clusters smaller than
   :data:`MIN_CLUSTER_SHARE` of the items (and never below 2 items) are dropped as noise, once the user
   has at least 10 items.
3. **Representation**: each cluster's vector is its normalised centroid; its **medoid** (the member
   with the highest mean cosine to the other members) is the real item shown for it;
   ``grounding`` holds the cluster's cohesion (mean cosine of members to the centroid).
4. **Label**: the cluster's most distinctive words by class-based TF-IDF (as BERTopic's c-TF-IDF):
   every item document (title, category, tags …; Chinese segmented with jieba, see
   :func:`core.interests.text.content_words`) contributes each of its words once;
   ``score(t, c) = tf(t, c) * log(1 + A / f(t))`` with ``tf`` the share of cluster c's items holding t,
   ``f(t)`` the number of the user's selected items holding t and ``A`` the mean items per cluster, so a
   word frequent in this cluster but rare in the user's other items wins. The top
   :data:`LABEL_WORDS` words form the label ("Sci-Fi · Action · space").
5. **Weight**: cluster size with time decay, ``Σ_items 0.5 ** (age_days / half_life_days)`` (age relative
   to the user's latest interaction), normalised to sum 1.

:func:`combine` mixes a typed profile with history tags under a slider ``alpha``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from core.data.dataset import Dataset
from core.interests.editing import renormalise
from core.interests.profile import InterestProfile, InterestTag, refresh_notices
from core.interests.text import content_words

MIN_SILHOUETTE = 0.05
"""Below this best silhouette the history is treated as one interest. Measured with USE-m3 on
MovieLens: real users' best silhouettes are 0.10-0.27 (every 20th user), isotropic random unit vectors
of the same sizes score 0.01-0.03."""
MIN_CLUSTER_SHARE = 0.03
LABEL_WORDS = 3
TAG_BOOST = 1.25
"""Catalogue tags are the curated vocabulary: a tag outscores an equally distinctive title word."""
SECONDS_PER_DAY = 86_400.0


def liked_items(dataset: Dataset, user_id: str, max_items: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the items the user liked (rating >= own mean) and their latest times (NaN: unknown)."""
    hist = dataset.user_history(str(user_id))
    if hist.empty:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    ratings = hist["rating"].to_numpy(dtype=np.float64)
    finite = np.isfinite(ratings)
    if finite.any() and np.nanmax(ratings) > np.nanmin(ratings):
        mean = float(np.nanmean(ratings))
        hist = hist[finite & (ratings >= mean)]
    frame = hist.assign(ts=hist["timestamp"].fillna(-np.inf))
    frame = frame.sort_values(["ts", "item_idx"], kind="stable").drop_duplicates("item_idx", keep="last")
    frame = frame.tail(max_items)
    items = frame["item_idx"].to_numpy(dtype=np.int64)
    times = frame["timestamp"].to_numpy(dtype=np.float64)
    return items, times


def choose_clusters(vectors: np.ndarray, max_clusters: int = 8) -> tuple[np.ndarray, float]:
    """Ward clustering with k chosen by silhouette (see module docstring): labels 0..k-1 and the silhouette.

    Returns all zeros and NaN when there are fewer than 3 vectors or no structure.
    """
    n = len(vectors)
    if n < 3 or max_clusters < 2:
        return np.zeros(n, dtype=np.int64), float("nan")
    from scipy.cluster.hierarchy import fcluster
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score

    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=0.0, linkage="ward", compute_full_tree=True
    ).fit(vectors)
    linkage = _linkage_matrix(model.children_, model.distances_, n)
    best_labels = np.zeros(n, dtype=np.int64)
    best_score = -1.0
    for k in range(2, min(max_clusters, n - 1) + 1):
        labels = fcluster(linkage, k, criterion="maxclust").astype(np.int64) - 1
        if len(np.unique(labels)) < 2:
            continue
        score = float(silhouette_score(vectors, labels, metric="cosine"))
        if score > best_score:
            best_score, best_labels = score, labels
    if best_score < MIN_SILHOUETTE:
        return np.zeros(n, dtype=np.int64), best_score
    return best_labels, best_score


def _linkage_matrix(children: np.ndarray, distances: np.ndarray, n: int) -> np.ndarray:
    """scipy linkage matrix from a fitted sklearn tree (the recipe of sklearn's dendrogram example)."""
    counts = np.zeros(children.shape[0])
    for i, merge in enumerate(children):
        counts[i] = sum(1 if child < n else counts[child - n] for child in merge)
    # Ward distances from sklearn are already monotone; tiny float noise is made monotone for scipy
    dist = np.maximum.accumulate(np.asarray(distances, dtype=np.float64))
    return np.column_stack([children, dist, counts]).astype(np.float64)


def _item_texts(dataset: Dataset, items: np.ndarray) -> list[str]:
    frame = dataset.items.iloc[items]
    texts = []
    for title, category, tags in zip(frame["title"], frame["category"], frame["tags"], strict=True):
        parts = [str(title), str(category), *[str(t) for t in tags if str(t) != "(no genres listed)"]]
        texts.append(". ".join(p for p in parts if p))
    return texts


def _terms(text: str, tags: Sequence[str]) -> dict[str, tuple[str, float]]:
    """Distinct terms: lower-cased key → (display form, boost); whole tags get :data:`TAG_BOOST`."""
    out: dict[str, tuple[str, float]] = {}
    for tag in tags:
        tag = str(tag).strip()
        if tag and tag != "(no genres listed)":
            out.setdefault(tag.lower(), (tag, TAG_BOOST))
    for word in content_words(text):
        if not word.isdigit():
            out.setdefault(word, (word, 1.0))
    return out


def label_clusters(
    term_sets: Sequence[dict[str, tuple[str, float]]], labels: np.ndarray, n_words: int = LABEL_WORDS
) -> list[str]:
    """One label per cluster from class-based TF-IDF over each item's distinct terms (module docstring).

    ``term_sets[i]`` maps item i's lower-cased terms to (display form, boost).
    """
    k = int(labels.max()) + 1 if len(labels) else 0
    df: Counter[str] = Counter()
    per_cluster: list[Counter[str]] = [Counter() for _ in range(k)]
    display: dict[str, str] = {}
    boost: dict[str, float] = {}
    for terms, lab in zip(term_sets, labels, strict=True):
        for key, (shown, factor) in terms.items():
            display.setdefault(key, shown)
            boost[key] = max(boost.get(key, 1.0), factor)
            df[key] += 1
            per_cluster[int(lab)][key] += 1
    sizes = np.bincount(labels, minlength=k).astype(np.float64)
    mean_size = float(sizes.mean()) if k else 1.0
    out: list[str] = []
    for c in range(k):
        scored = sorted(
            (
                (boost[t] * cnt / sizes[c] * math.log(1.0 + mean_size / df[t]), t)
                for t, cnt in per_cluster[c].items()
            ),
            key=lambda x: (-x[0], x[1]),
        )
        words = [display[t] for _s, t in scored[:n_words]]
        out.append(" · ".join(words) if words else f"#{c + 1}")
    return out


def history_interests(
    dataset: Dataset,
    item_vectors: np.ndarray,
    user_id: str,
    *,
    max_clusters: int = 8,
    half_life_days: float | None = 180.0,
    max_items: int = 500,
    documents: Sequence[str] | None = None,
) -> list[InterestTag]:
    """The user's history interests (tags with ``source="history"``), heaviest first; [] for no history.

    ``documents`` (one text per item, e.g. :func:`core.vectors.documents.item_documents`) feed the labels;
    by default titles, categories and tags are used.
    """
    items, times = liked_items(dataset, user_id, max_items)
    if len(items) == 0:
        return []
    vecs = np.asarray(item_vectors, dtype=np.float32)[items]
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    vecs = np.divide(vecs, norms, out=np.zeros_like(vecs), where=norms > 0)
    labels, _silhouette = choose_clusters(vecs, max_clusters)

    if len(items) >= 10:
        sizes = np.bincount(labels)
        min_size = max(2, math.ceil(MIN_CLUSTER_SHARE * len(items)))
        keep = np.isin(labels, np.flatnonzero(sizes >= min_size))
        if keep.any():
            items, times, vecs, labels = items[keep], times[keep], vecs[keep], labels[keep]
            _, labels = np.unique(labels, return_inverse=True)

    texts = [documents[i] for i in items] if documents is not None else _item_texts(dataset, items)
    tag_lists = dataset.items["tags"].to_numpy()[items]
    term_sets = [_terms(text, tags) for text, tags in zip(texts, tag_lists, strict=True)]
    names = label_clusters(term_sets, labels)

    known = np.isfinite(times)
    if half_life_days is not None and known.any():
        age = (np.nanmax(times) - np.where(known, times, np.nanmax(times))) / SECONDS_PER_DAY
        decay = np.power(0.5, age / float(half_life_days))
    else:
        decay = np.ones(len(items))
    item_ids = dataset.item_ids
    tags: list[InterestTag] = []
    total = float(decay.sum()) or 1.0
    for c in range(int(labels.max()) + 1):
        members = np.flatnonzero(labels == c)
        mv = vecs[members]
        centroid = mv.mean(axis=0)
        cnorm = float(np.linalg.norm(centroid))
        centroid = centroid / cnorm if cnorm > 0 else centroid
        to_centroid = mv @ centroid
        pair = mv @ mv.T
        medoid = members[int(np.argmax(pair.mean(axis=1)))]
        order = members[np.argsort(-to_centroid, kind="stable")]
        tags.append(
            InterestTag(
                text=names[c],
                weight=float(decay[members].sum() / total),
                polarity=1,
                vector=centroid.astype(np.float32),
                source="history",
                grounding=float(to_centroid.mean()),
                grounded=True,
                medoid_item=str(item_ids[items[medoid]]),
                item_ids=tuple(str(item_ids[items[i]]) for i in order),
            )
        )
    wsum = sum(t.weight for t in tags) or 1.0
    tags = [replace(t, weight=t.weight / wsum) for t in tags]
    return sorted(tags, key=lambda t: -t.weight)


def combine(
    typed: InterestProfile | None, history: Sequence[InterestTag], alpha: float, *, text: str = ""
) -> InterestProfile:
    """Mix typed and history interests: positives weigh ``1 - alpha`` (typed) and ``alpha`` (history).

    Each side is normalised first, so ``alpha`` is exactly the history's share of the positive weight;
    ``alpha = 0`` drops history tags, ``alpha = 1`` drops typed positive tags. Typed negative tags are
    always kept (what the person said to avoid holds whatever the history says).
    """
    if not math.isfinite(alpha):
        alpha = 0.0
    alpha = min(1.0, max(0.0, float(alpha)))
    typed_pos = typed.positive() if typed is not None else []
    typed_neg = typed.negative() if typed is not None else []
    hist = [t for t in history if t.polarity > 0]
    if not typed_pos:
        alpha = 1.0 if hist else 0.0
    if not hist:
        alpha = 0.0
    tags: list[InterestTag] = []
    tp_sum = sum(t.weight for t in typed_pos) or 1.0
    h_sum = sum(t.weight for t in hist) or 1.0
    if alpha < 1.0:
        tags += [replace(t, weight=(1.0 - alpha) * t.weight / tp_sum) for t in typed_pos]
    if alpha > 0.0:
        tags += [replace(t, weight=alpha * t.weight / h_sum) for t in hist]
    tags += list(typed_neg)
    base = typed or InterestProfile(text=text, tags=[], language="unknown")
    profile = replace(base, tags=tags, notices=refresh_notices(base.notices, tags), text=base.text or text)
    return renormalise(profile)
