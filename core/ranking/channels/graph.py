"""``graph``: personalised PageRank over an item-attribute graph.

The graph joins items to their attributes (genres, tags, category, people, decade, users' free-text tags,
extra string columns); the walk restarts from the user's items and from the attributes matching the typed
interests (see :class:`GraphChannel`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd
from scipy import sparse

from core.data.dataset import Dataset
from core.ranking.base import (
    ChannelContext,
    ChannelNotApplicable,
    Evidence,
    as_item_vectors,
    ensure_applicable,
    named_items,
    seed_row,
    tag_kind,
    unit_vector,
    user_row,
)
from core.ranking.query import Query, TagLike, negative_tags, positive_tags


@dataclass(frozen=True)
class GraphParams:
    """Walk and tag-matching knobs (see :class:`GraphChannel`)."""

    restart: float = 0.3
    iterations: int = 40
    tag_share: float = 0.5
    min_degree: int = 2
    match_top: int = 3
    match_floor: float = 0.2
    match_ratio: float = 0.85
    degree_power: float = 0.5


def _norm_name(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).strip().lower())


_STOP_ATTRIBUTES = {"(no genres listed)", "", "nan", "none"}


@dataclass
class AttributeGraph:
    """Items and their attributes as a bipartite graph.

    ``incidence``: (n_items, n_attributes) CSR of edge weights; ``names``: display name of each
    attribute (first spelling seen); ``kinds``: "attr" (genre / tag / category / person / user tag, merged
    by normalised name), "decade", or "meta:<column>" for extra metadata columns.
    """

    incidence: sparse.csr_matrix
    names: list[str]
    kinds: list[str]
    keys: list[str] = field(default_factory=list)

    @property
    def n_attributes(self) -> int:
        """Number of attribute nodes."""
        return len(self.names)


def build_attribute_graph(dataset: Dataset, min_degree: int = 2) -> AttributeGraph:
    """Collect attributes from tags, category, people, decade, users' free-text tags and extra item columns.

    Edge weights: item tags / category / people (the ``people`` column's names, director / cast) 1.0,
    decade 0.5, users' free-text tags 0.5, extra string columns 0.5. Attributes attached to fewer than
    ``min_degree`` items connect nothing and are dropped.
    """
    items = dataset.items
    edges: dict[tuple[int, str], float] = {}
    display: dict[str, str] = {}
    kind_of: dict[str, str] = {}

    def add(item: int, kind: str, name: str, weight: float) -> None:
        norm = _norm_name(name)
        if norm in _STOP_ATTRIBUTES:
            return
        key = f"{kind}:{norm}"
        display.setdefault(key, str(name).strip())
        kind_of.setdefault(key, kind)
        edges[(item, key)] = max(edges.get((item, key), 0.0), weight)

    for i, (tags, category, year) in enumerate(
        zip(items["tags"].to_numpy(), items["category"].to_numpy(), items["year"].to_numpy(), strict=True)
    ):
        for tag in tags:
            add(i, "attr", str(tag), 1.0)
        if category:
            add(i, "attr", str(category), 1.0)
        if np.isfinite(year):
            add(i, "decade", f"{int(year) // 10 * 10}s", 0.5)
    if "people" in items:  # tuples of names; a person a typed interest names seeds the walk by this node
        for i, names in enumerate(items["people"].to_numpy()):
            for person in names:
                add(i, "attr", str(person), 1.0)
    user_tags = dataset.user_tags
    if user_tags is not None and len(user_tags) and {"item_id", "tag"} <= set(user_tags.columns):
        pairs = user_tags[["item_id", "tag"]].astype(str).drop_duplicates()
        for item_id, tag in zip(pairs["item_id"], pairs["tag"], strict=True):
            idx = dataset.item_index.get(item_id)
            if idx is not None:
                add(idx, "attr", tag, 0.5)
    canonical = {"item_id", "title", "description", "category", "tags", "year", "people"}
    for col in items.columns:
        values = items[col]
        if col in canonical or not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        if not all(isinstance(v, str) for v in values.head(50)):
            continue
        if values.nunique() > max(2, 0.5 * len(values)):
            continue  # identifier-like columns connect nothing useful
        for i, value in enumerate(values.to_numpy()):
            if isinstance(value, str) and value.strip():
                add(i, f"meta:{col}", value, 0.5)

    degree: dict[str, int] = {}
    for (_, key) in edges:
        degree[key] = degree.get(key, 0) + 1
    keys = sorted(k for k, d in degree.items() if d >= min_degree)
    col_of = {k: j for j, k in enumerate(keys)}
    kept = [(i, col_of[k], w) for (i, k), w in edges.items() if k in col_of]
    if kept:
        r, c, w = (np.array(v) for v in zip(*kept, strict=True))
    else:
        r, c, w = np.zeros(0, int), np.zeros(0, int), np.zeros(0)
    inc = sparse.csr_matrix((w.astype(np.float64), (r, c)), shape=(dataset.n_items, len(keys)))
    return AttributeGraph(inc, [display[k] for k in keys], [kind_of[k] for k in keys], keys)


def personalized_pagerank(
    transition: sparse.csr_matrix,
    restart: np.ndarray,
    alpha: float = 0.3,
    iterations: int = 40,
    tol: float = 1e-9,
    dangling: np.ndarray | None = None,
) -> np.ndarray:
    """Power iteration ``r <- (1 - alpha) P r + alpha s`` with dangling mass sent back to ``s``.

    ``transition`` is column-stochastic (columns of dangling nodes are zero); ``restart`` sums to 1.
    """
    s = np.asarray(restart, dtype=np.float64)
    r = s.copy()
    for _ in range(iterations):
        lost = float(r[dangling].sum()) if dangling is not None else 0.0
        nxt = (1.0 - alpha) * (transition @ r) + (alpha + (1.0 - alpha) * lost) * s
        if float(np.abs(nxt - r).sum()) < tol:
            return nxt
        r = nxt
    return r


def personalized_pagerank_many(
    transition: sparse.csr_matrix,
    restarts: np.ndarray,
    alpha: float = 0.3,
    iterations: int = 40,
    tol: float = 1e-9,
    dangling: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`personalized_pagerank` of many restart vectors (rows of ``restarts``) at once.

    One sparse x dense product per iteration instead of one sparse x vector product per walk, with the
    same per-walk stopping rule: a walk whose L1 change drops below ``tol`` is frozen at that
    iteration. Sums run in the same order as the single-walk version, so every row equals
    :func:`personalized_pagerank` of that restart vector exactly. Returns (n_walks, n_nodes).
    """
    s_all = np.asarray(restarts, dtype=np.float64)
    out = s_all.copy()
    active = np.arange(s_all.shape[0])
    r = s_all.T.copy()  # (n_nodes, n_active): the layout the sparse product wants
    s = r.copy()
    for _ in range(iterations):
        if active.size == 0:
            break
        # dangling mass per walk, summed along contiguous rows exactly as the 1-d version sums
        lost = np.ascontiguousarray(r[dangling].T).sum(axis=1) if dangling is not None else np.zeros(active.size)
        nxt = transition @ r
        nxt *= 1.0 - alpha  # in place, element by element the same operations as the 1-d version
        nxt += (alpha + (1.0 - alpha) * lost) * s
        diff = nxt - r
        np.abs(diff, out=diff)
        # column sums (sequential) differ from the 1-d pairwise sum by < n * eps relative: only walks
        # near the threshold get the exact 1-d sum, so the stopping decision is the single walk's
        near = np.flatnonzero(diff.sum(axis=0) < tol * (1.0 + 1e-6))
        done = np.zeros(active.size, dtype=bool)
        for c in near:
            done[c] = float(np.ascontiguousarray(diff[:, c]).sum()) < tol
        if done.any():
            out[active[done]] = nxt[:, done].T
            keep = ~done
            active, nxt, s = active[keep], np.ascontiguousarray(nxt[:, keep]), np.ascontiguousarray(s[:, keep])
        r = nxt
    if active.size:
        out[active] = r.T
    return out


class GraphChannel:
    """Personalised PageRank over the item-attribute graph.

    The restart vector mixes the user's items (weighted by rating) and the attributes matching the
    positive interest tags: exact / whole-word match of the tag text to attribute names, plus the best
    embedding matches of the tag vector to attribute vectors. An attribute's vector is the centroid of
    its items' vectors (grounded in the catalogue; on MovieLens it maps 科幻电影 to Sci-Fi / space /
    space opera, where embedded attribute *names* pick generic user tags such as "movies"); the
    encoder's name vectors are used only when there are no item vectors. Up to ``match_top``
    attributes per tag are kept, each with cosine >= ``match_floor`` and >= ``match_ratio`` x the best
    one. Attributes matching negative tags seed a second walk whose item scores are subtracted.

    Each tag's restart mass (its weight) is split over its attributes in proportion to
    ``strength * degree ** degree_power``. The first step of the walk divides an attribute's mass
    among its items, so with power 0 a niche attribute (12 "space" films) hands each film ~80x more
    than "Sci-Fi" (980 films) and one niche interest drowns the others; with power 1 every matched
    item gets the same share and broad genres flood the list. 0.5 sits between the two.
    """

    name: ClassVar[str] = "graph"
    default_weight: ClassVar[float] = 0.3
    Params: ClassVar[type[GraphParams]] = GraphParams

    def __init__(self, params: GraphParams | None = None, **knobs: Any) -> None:
        self.params = params or GraphParams(**knobs)

    def fit(self, ctx: ChannelContext) -> Self:
        """Build the graph, its transition matrix and attribute vectors for tag matching."""
        ds = ctx.dataset
        self.dataset_ = ds
        self.graph_ = build_attribute_graph(ds, self.params.min_degree)
        inc = self.graph_.incidence
        n_items, n_attr = inc.shape
        self.n_nodes_ = n_items + n_attr
        if n_attr:
            adj: Any = sparse.bmat([[None, inc], [inc.T.tocsr(), None]], format="csr")
            deg = np.asarray(adj.sum(axis=0)).ravel()
            inv = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0)
            self.transition_: sparse.csr_matrix | None = sparse.csr_matrix(adj @ sparse.diags(inv))
            self.dangling_ = np.flatnonzero(deg == 0)
        else:
            self.transition_ = None
            self.dangling_ = np.zeros(0, dtype=np.int64)
        self.attr_names_norm_ = [_norm_name(n) for n in self.graph_.names]
        self.matchable_ = np.array([k == "attr" for k in self.graph_.kinds], dtype=bool)
        # attribute vectors: the centroid of the member items' vectors; the embedded attribute names
        # only when there are no item vectors (see the class docstring)
        self.attr_vectors_: np.ndarray | None = None
        item_vectors = as_item_vectors(ctx.item_vectors, n_items)
        if item_vectors is not None and n_attr:
            col_sum = inc.T @ item_vectors.astype(np.float64)
            norms = np.linalg.norm(col_sum, axis=1, keepdims=True)
            self.attr_vectors_ = np.divide(col_sum, norms, out=np.zeros_like(col_sum), where=norms > 0)
        elif ctx.encoder is not None and n_attr:
            names_vec = np.asarray(ctx.encoder.encode(self.graph_.names), dtype=np.float64)
            norms = np.linalg.norm(names_vec, axis=1, keepdims=True)
            self.attr_vectors_ = np.divide(names_vec, norms, out=np.zeros_like(names_vec), where=norms > 0)
        # last query's results, each stored as one (key, value) tuple: a single attribute assignment is
        # atomic, so concurrent sessions sharing this channel never pair one query's key with another's value
        self._walk_cache: tuple[tuple[Any, ...] | None, np.ndarray | None] = (None, None)
        self._restart_cache: tuple[tuple[Any, ...] | None, tuple[np.ndarray | None, np.ndarray | None]] = (
            None, (None, None))
        return self

    def match_attributes(self, tag: TagLike) -> dict[int, float]:
        """Attribute columns a tag matches, with a strength in (0, 1]."""
        out: dict[int, float] = {}
        text = _norm_name(getattr(tag, "label", None) or tag.text)  # a recognised attribute: its catalogue name
        if text:
            for j, name in enumerate(self.attr_names_norm_):
                if not self.matchable_[j] or len(name) < 2:
                    continue
                if name == text:
                    out[j] = 1.0
                elif (len(name) >= 3 or not name.isascii()) and _contains_word(text, name):
                    out[j] = max(out.get(j, 0.0), 0.9)
        vec = unit_vector(np.asarray(tag.vector)) if tag.vector is not None else None
        attr = self.attr_vectors_
        if vec is not None and attr is not None and attr.shape[1] == vec.shape[0] and self.matchable_.any():
            sims = np.where(self.matchable_, attr @ vec.astype(np.float64), -np.inf)
            top = np.argsort(-sims, kind="stable")[: self.params.match_top]
            cut = max(self.params.match_floor, self.params.match_ratio * float(sims[top[0]]))
            for j in top:
                if sims[j] >= cut:
                    out[int(j)] = max(out.get(int(j), 0.0), float(sims[j]))
        return out

    def _tag_restart(self, tags: list[TagLike]) -> np.ndarray | None:
        """Restart mass on attribute nodes: each tag gives its weight, split over its matched attributes
        in proportion to ``strength * degree ** degree_power`` (see the constructor)."""
        n_items = self.dataset_.n_items
        s = np.zeros(self.n_nodes_)
        degree = np.diff(self.graph_.incidence.tocsc().indptr).astype(np.float64)
        for tag in tags:
            matched = self.match_attributes(tag)
            if not matched:
                continue
            cols = np.fromiter(matched, dtype=np.int64)
            share = np.fromiter(matched.values(), dtype=np.float64) * degree[cols] ** self.params.degree_power
            s[n_items + cols] += float(tag.weight) * share / share.sum()
        total = s.sum()
        return s / total if total > 0 else None

    def _restarts(self, query: Query) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(positive restart, negative restart) over all nodes; None where nothing seeds the walk."""
        key = query.key()
        cached_key, cached = self._restart_cache
        if cached_key == key:
            return cached
        value = self._compute_restarts(query)
        self._restart_cache = (key, value)
        return value

    def _compute_restarts(self, query: Query) -> tuple[np.ndarray | None, np.ndarray | None]:
        n_items = self.dataset_.n_items
        hist: np.ndarray | None = None
        liked = float(self.dataset_.matrix.data.max()) if self.dataset_.matrix.nnz else 1.0
        items, weights = seed_row(self.dataset_, query, named_value=liked)  # history + named items
        if len(items):
            hist = np.zeros(self.n_nodes_)
            w = np.clip(weights, 1e-3, None)
            hist[items] = w / w.sum()
            if self.transition_ is not None:
                has_edges = np.zeros(self.n_nodes_, dtype=bool)
                has_edges[:n_items] = np.diff(self.graph_.incidence.indptr) > 0
                if not has_edges[items].any():
                    hist = None
        pos = neg = None
        if query.profile is not None:  # named items already seed the walk as items, not as attribute matches
            pos = self._tag_restart([t for t in positive_tags(query.profile) if tag_kind(t) != "item"])
            neg = self._tag_restart([t for t in negative_tags(query.profile) if tag_kind(t) != "item"])
            avoided, avoid_w = named_items(self.dataset_, query, polarity=-1)
            if avoided.size:  # "not Titanic": walk from the film itself and subtract what it reaches
                start = np.zeros(self.n_nodes_)
                start[avoided] = avoid_w / avoid_w.sum()
                neg = start if neg is None else 0.5 * (neg + start)
        if hist is not None and pos is not None:
            return (1.0 - self.params.tag_share) * hist + self.params.tag_share * pos, neg
        return (hist if hist is not None else pos), neg

    def why_not(self, query: Query) -> str | None:
        """Needs attributes and at least one seed (history with attributes, or a matching interest tag)."""
        if not hasattr(self, "dataset_"):
            return "not_fitted"
        if self.transition_ is None:
            return "no_attributes"
        pos, _ = self._restarts(query)
        return None if pos is not None else "no_seed"

    def node_scores(self, query: Query) -> np.ndarray:
        """PageRank mass of every node (items first, then attributes), negative walk subtracted."""
        key = query.key()
        cached_key, cached = self._walk_cache
        if cached_key == key and cached is not None:
            return cached
        pos, neg = self._restarts(query)
        if pos is None or self.transition_ is None:
            raise ChannelNotApplicable(self.name, "no_attributes" if self.transition_ is None else "no_seed")
        r = personalized_pagerank(self.transition_, pos, self.params.restart, self.params.iterations,
                                  dangling=self.dangling_)
        if neg is not None:
            r = r - personalized_pagerank(self.transition_, neg, self.params.restart, self.params.iterations,
                                          dangling=self.dangling_)
        self._walk_cache = (key, r)
        return r

    def score(self, queries: list[Query]) -> np.ndarray:
        """(len(queries), n_items) item scores, the walks of all queries run together
        (:func:`personalized_pagerank_many`; each row equals the single walk exactly)."""
        ensure_applicable(self, queries)
        n_items = self.dataset_.n_items
        if not queries:
            return np.zeros((0, n_items), dtype=np.float64)
        if self.transition_ is None:
            raise ChannelNotApplicable(self.name, "no_attributes")
        seeds = [self._restarts(q) for q in queries]
        starts = [pos for pos, _ in seeds if pos is not None]
        if len(starts) < len(seeds):
            raise ChannelNotApplicable(self.name, "no_seed")
        pos_walks = personalized_pagerank_many(self.transition_, np.stack(starts), self.params.restart,
                                               self.params.iterations, dangling=self.dangling_)
        out = np.ascontiguousarray(pos_walks[:, :n_items])
        with_neg = [i for i, (_, neg) in enumerate(seeds) if neg is not None]
        if with_neg:
            neg_walks = personalized_pagerank_many(
                self.transition_, np.stack([neg for _, neg in seeds if neg is not None]),
                self.params.restart, self.params.iterations, dangling=self.dangling_)
            out[with_neg] = pos_walks[with_neg, :n_items] - neg_walks[:, :n_items]
        return out

    def explain(self, query: Query, item: int) -> Evidence | None:
        """The item's attributes that carried the walk to it."""
        attrs = self.shared_attributes(query, item)
        if not attrs:
            return None
        from_history = query.user_id is not None and user_row(self.dataset_, query.user_id)[0].size > 0
        return Evidence("attributes_history" if from_history else "attributes_interests", {"attributes": attrs})

    def shared_attributes(self, query: Query, item: int, top: int = 2) -> list[str]:
        """The item's attributes carrying the most PageRank mass for this query (why it was reached)."""
        if self.why_not(query) is not None:
            return []
        r = self.node_scores(query)
        inc = self.graph_.incidence
        cols = inc.indices[inc.indptr[item] : inc.indptr[item + 1]]
        if len(cols) == 0:
            return []
        mass = r[self.dataset_.n_items + cols]
        order = np.lexsort((cols, -mass))
        return [self.graph_.names[int(cols[o])] for o in order[:top] if mass[o] > 0]


def _contains_word(text: str, name: str) -> bool:
    """``name`` occurs in ``text`` (as whole words for Latin-script names)."""
    if name not in text:  # cheap test first: most attributes do not occur at all
        return False
    if not name.isascii():
        return True
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text) is not None
