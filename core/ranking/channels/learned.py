"""``learned``: free text scored the way people behaved, through a small model trained on the dataset itself.

A sentence vector (the item documents' encoder space, ``ctx.item_vectors``) is mapped by ``f`` (a linear
map, or a one-hidden-layer MLP with dropout when ``hidden > 0``) into the items' collaborative space (item
factors of implicit ALS, fitted by the ``mf`` channel's code on the same matrix), and item ``j`` scores
``log p(j | text) = scale * f(v) . q_j + b_j + const`` (a softmax over the whole catalogue with a learned
scale and per-item bias). So "inventive, mind-bending" finds
the films liked by people who liked films *described* like that, not the films whose text shares the words.

Training pairs (:func:`training_pairs`), all from the dataset:

- every liked item's document vector -> the items liked by the people who liked it (row ``i`` of
  ``B^T B_n``: ``B`` users x items "liked" (rating >= ``liked``, auto: 80 % of the top rating, every
  interaction for implicit data), ``B_n`` its rows normalised), i.e. "people who liked this also liked";
- with ``user_tags`` and an encoder: each distinct free-text tag users wrote -> the items it was written
  on (``"tagged"``), half of that and half the taggers' liked items (``"tagger"``, default).

Adam on the cross-entropy against those target distributions, a fixed epoch budget, seeded and run with
``ctx.num_threads`` threads; 10 % of the liked items are held out and the epoch with the lowest held-out
loss is kept (early stopping, reported in ``report_``). The weights live in the artefact store (kind
``learned``) keyed by the dataset fingerprint, the item vectors, the users' tags, the encoder and the
parameters, so a second fit on the same data loads them instead of training. Scoring is numpy only.

At query time the channel embeds nothing: it maps the profile's ``text`` and ``gist`` tags that carry
vectors (a tag without a kind counts as ``text``) and scores ``sum_t+ w_t log p(j | t) - sum_t- w_t scale
f(t) . q_j`` (avoided tags subtract their pull, not the popularity prior).

Measured (``python -m bench.bench_learned``, ``bench/results/bench_learned.md``): MovieLens users' own tags as
typed text, held-out liked movies, recall@20: whole-text embedding 0.020, this channel alone 0.144, but
popularity alone 0.127 and this channel fed another user's text 0.124 -- most of the gain is the learned
behaviour prior; on top of whole text + popularity it adds +0.020 (0.129 -> 0.149, interval includes 0).
Training takes ~9 s on an idle 2-core machine (17 s median under load). Its fusion weight is 0.0 until one
is chosen on validation data.
"""

from __future__ import annotations

import contextlib
import json
import time
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import numpy as np
import pandas as pd
from scipy import sparse

from core.common.artefacts import artefact_path, atomic_write_npz, fingerprint
from core.common.errors import ConfigError
from core.common.progress import ProgressFn, report, scaled
from core.data.dataset import Dataset
from core.data.splits import resolve_threshold
from core.ranking.base import ChannelContext, Evidence, as_item_vectors, clean_scores, ensure_applicable, tag_kind
from core.ranking.channels.mf import MFChannel, MFParams, shared_item_factors
from core.ranking.query import Query, TagLike

TEXT_KINDS: frozenset[str] = frozenset({"text", "gist"})
"""Tag kinds this channel scores (item and attribute tags have their own channels)."""
CACHE_VERSION = 3
"""Bumped when the training or the stored format changes (old cache files are then ignored)."""
MIN_BATCHES = 10
"""Smallest number of optimiser steps per epoch (smaller batches on small data)."""
_WEIGHTS = ("w1", "b1", "w2", "b2", "item_factors", "item_bias", "scale")


@dataclass(frozen=True)
class LearnedParams:
    """Model and training knobs.

    ``factors``/``als_iterations``: the ALS target space; ``hidden``: width of the hidden layer (0, the
    default: a linear map, which matched or beat 256 hidden units on MovieLens' validation users, see
    ``bench/results/bench_learned.md``); ``liked``: the rating from which an interaction counts as liked
    (None: auto); ``user_tags``: how the users' free-text tags become training pairs (``"off"`` /
    ``"tagged"`` / ``"tagger"``, see the module docstring; needs ``ctx.encoder``); ``tag_weight``: a tag
    pair's weight next to an item pair's; ``validation_share``: held-out share of liked items for early
    stopping (``patience`` epochs).
    """

    factors: int = 64
    als_iterations: int = 15
    hidden: int = 0
    dropout: float = 0.2
    epochs: int = 20
    batch_size: int = 512
    learning_rate: float = 3e-3
    weight_decay: float = 0.0
    liked: float | None = None
    user_tags: Literal["off", "tagged", "tagger"] = "tagger"
    tag_weight: float = 1.0
    validation_share: float = 0.1
    patience: int = 3

    def validate(self) -> None:
        """Raise :class:`ConfigError` for values that cannot work."""
        if self.user_tags not in ("off", "tagged", "tagger"):
            raise ConfigError(f"learned user_tags must be 'off', 'tagged' or 'tagger', not {self.user_tags!r}")
        if self.factors < 1 or self.hidden < 0 or self.epochs < 1 or self.batch_size < 1:
            raise ConfigError("learned factors, epochs and batch_size must be >= 1 and hidden >= 0")
        if not 0.0 <= self.dropout < 1.0 or not 0.0 <= self.validation_share < 1.0:
            raise ConfigError("learned dropout and validation_share must be in [0, 1)")


@dataclass(frozen=True)
class TextMap:
    """The trained map and the item side: ``logits(X) = scale * f(X) @ item_factors.T + item_bias``."""

    w1: np.ndarray  # (d, hidden) or (d, k) when linear
    b1: np.ndarray
    w2: np.ndarray  # (hidden, k); (0, 0) when linear
    b2: np.ndarray
    item_factors: np.ndarray  # (n_items, k)
    item_bias: np.ndarray  # (n_items,)
    scale: float

    @property
    def dim(self) -> int:
        """Input dimension (the sentence vectors')."""
        return int(self.w1.shape[0])

    def project(self, vectors: np.ndarray) -> np.ndarray:
        """``f(v)``: (n, d) sentence vectors -> (n, k) points in the collaborative space (float64)."""
        x = np.asarray(vectors, dtype=np.float64)
        h = x @ self.w1 + self.b1
        if self.w2.size:
            h = np.maximum(h, 0.0) @ self.w2 + self.b2
        return np.asarray(h, dtype=np.float64)

    def pull(self, projected: np.ndarray) -> np.ndarray:
        """``scale * f(v) . q_j`` for every item: (n, k) -> (n, n_items)."""
        return np.asarray(self.scale * (projected @ self.item_factors.T), dtype=np.float64)


# --- training data ---------------------------------------------------------------------------------------


def liked_matrix(dataset: Dataset, liked: float | None = None) -> sparse.csr_matrix:
    """Users x items 0/1 matrix of liked interactions (rating >= ``liked``; auto when None; every
    interaction when nothing passes the threshold)."""
    threshold = liked if liked is not None else resolve_threshold(dataset, "auto")
    inter = dataset.interactions
    keep = np.ones(len(inter), dtype=bool)
    if threshold is not None:
        keep = inter["rating"].to_numpy(np.float64) >= float(threshold)
        if not keep.any():
            keep[:] = True
    users = inter["user_idx"].to_numpy(np.int64)[keep]
    items = inter["item_idx"].to_numpy(np.int64)[keep]
    mat = sparse.csr_matrix((np.ones(len(users), np.float32), (users, items)),
                            shape=(dataset.n_users, dataset.n_items))
    mat.data[:] = 1.0  # duplicates summed: liked is a set
    return mat


def _row_normalised(mat: Any) -> sparse.csr_matrix:
    """``mat`` (sparse) with every non-empty row scaled to sum to 1."""
    mat = sparse.csr_matrix(mat)
    sums = np.asarray(mat.sum(axis=1), dtype=np.float64).ravel()
    inv = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
    return sparse.csr_matrix(sparse.diags(inv.astype(np.float32)) @ mat)


def distinct_tags(dataset: Dataset) -> tuple[list[str], pd.DataFrame]:
    """The users' distinct free-text tags (case-folded, first spelling kept) and the frame of
    (tag position, user_idx, item_idx) rows that wrote them on known items (user_idx -1 when unknown)."""
    frame = dataset.user_tags
    empty = pd.DataFrame({"tag": np.zeros(0, np.int64), "user_idx": np.zeros(0, np.int64),
                          "item_idx": np.zeros(0, np.int64)})
    if frame is None or len(frame) == 0 or not {"item_id", "tag"} <= set(frame.columns):
        return [], empty
    text = frame["tag"].fillna("").astype(str).str.strip()
    item = frame["item_id"].astype(str).map(dataset.item_index)
    user = (frame["user_id"].astype(str).map(dataset.user_index) if "user_id" in frame.columns
            else pd.Series(np.nan, index=frame.index))
    ok = (text != "") & item.notna()
    key = text[ok].str.casefold()
    codes, uniques = pd.factorize(key, sort=True)
    first = text[ok].groupby(codes).first()
    names = [str(first[i]) for i in range(len(uniques))]
    rows = pd.DataFrame({"tag": codes.astype(np.int64), "user_idx": user[ok].fillna(-1).to_numpy(np.int64),
                         "item_idx": item[ok].to_numpy(np.int64)})
    return names, rows


def training_pairs(
    dataset: Dataset, item_vectors: np.ndarray, liked: sparse.csr_matrix,
    tag_vectors: np.ndarray | None = None, tag_rows: pd.DataFrame | None = None,
    tag_targets: str = "tagger", tag_weight: float = 1.0,
) -> tuple[np.ndarray, sparse.csr_matrix, np.ndarray, int]:
    """(inputs (n, d), target distributions (n, n_items) CSR with rows summing to the example weight,
    the item of each item example (-1 for tag examples), number of item examples). See the module docstring."""
    n_items = dataset.n_items
    normed = _row_normalised(liked)
    items = np.flatnonzero(np.asarray(liked.sum(axis=0)).ravel() > 0)
    co = _row_normalised(sparse.csr_matrix(liked.T.tocsr()[items] @ normed))
    inputs = [np.asarray(item_vectors[items], dtype=np.float32)]
    targets = [co]
    if tag_vectors is not None and tag_rows is not None and len(tag_rows):
        n_tags = len(tag_vectors)
        tagged = _row_normalised(sparse.csr_matrix(
            (np.ones(len(tag_rows), np.float32), (tag_rows["tag"].to_numpy(), tag_rows["item_idx"].to_numpy())),
            shape=(n_tags, n_items)))
        dist = tagged
        known = tag_rows[tag_rows["user_idx"] >= 0]
        if tag_targets == "tagger" and len(known):
            writers = _row_normalised(sparse.csr_matrix(
                (np.ones(len(known), np.float32), (known["tag"].to_numpy(), known["user_idx"].to_numpy())),
                shape=(n_tags, dataset.n_users)))
            dist = _row_normalised(sparse.csr_matrix(tagged + writers @ normed))
        has = np.asarray(dist.sum(axis=1)).ravel() > 0
        inputs.append(np.asarray(tag_vectors[has], dtype=np.float32))
        targets.append(sparse.csr_matrix(dist[has] * np.float32(tag_weight)))
    x = np.concatenate(inputs)
    y = sparse.csr_matrix(sparse.vstack(targets, format="csr"), dtype=np.float32)
    which = np.concatenate([items, np.full(len(x) - len(items), -1, dtype=np.int64)])
    return x, y, which, len(items)


# --- training --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _torch_settings(threads: int) -> Iterator[Any]:
    """torch with ``threads`` threads and deterministic algorithms, restored afterwards."""
    import torch

    old_threads, old_det = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(max(1, int(threads)))
    torch.use_deterministic_algorithms(True)
    try:
        yield torch
    finally:
        torch.set_num_threads(old_threads)
        torch.use_deterministic_algorithms(old_det)


def train_text_map(
    x: np.ndarray, y: sparse.csr_matrix, item_factors: np.ndarray, validation: np.ndarray,
    params: LearnedParams, seed: int = 42, threads: int = 2, progress: ProgressFn | None = None,
) -> tuple[TextMap, dict[str, Any]]:
    """Fit ``f`` (and the item bias and scale) by cross-entropy of the full-catalogue softmax against the
    target rows ``y``; rows where ``validation`` is True are held out, and the epoch with the lowest held-out
    loss is kept. Returns the map and a training report."""
    started = time.perf_counter()
    with _torch_settings(threads) as torch:
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        d, k = x.shape[1], item_factors.shape[1]
        layers: list[Any] = ([torch.nn.Linear(d, params.hidden), torch.nn.ReLU(), torch.nn.Dropout(params.dropout),
                              torch.nn.Linear(params.hidden, k)] if params.hidden else [torch.nn.Linear(d, k)])
        net = torch.nn.Sequential(*layers)
        q = torch.from_numpy(np.ascontiguousarray(item_factors, dtype=np.float32))
        bias = torch.nn.Parameter(torch.zeros(q.shape[0]))
        log_scale = torch.nn.Parameter(torch.zeros(()))
        opt = torch.optim.Adam([*net.parameters(), bias, log_scale], lr=params.learning_rate,
                               weight_decay=params.weight_decay)
        inputs = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
        train_rows, val_rows = np.flatnonzero(~validation), np.flatnonzero(validation)

        # cross-entropy against target rows y_i without a gather: sum_j y_ij log p_ij =
        # s f_i . (y_i Q) + y_i . b - |y_i| logsumexp_j(s f_i . q_j + b_j), with y Q precomputed
        y_q = torch.from_numpy(np.asarray(y @ item_factors, dtype=np.float32))
        mass = torch.from_numpy(np.asarray(y.sum(axis=1), dtype=np.float32).ravel())

        def batch_loss(rows: np.ndarray) -> Any:
            idx = torch.from_numpy(rows)
            mapped = net(inputs[idx]) * torch.exp(log_scale)
            lse = torch.logsumexp(mapped @ q.T + bias, dim=1)
            col_mass = torch.from_numpy(np.asarray(y[rows].sum(axis=0), dtype=np.float32).ravel())
            total = (mass[idx] * lse).sum() - (mapped * y_q[idx]).sum() - col_mass @ bias
            return total / max(1, len(rows))

        def state() -> dict[str, np.ndarray]:
            lin = [m for m in net if isinstance(m, torch.nn.Linear)]
            out = {"w1": lin[0].weight.detach().numpy().T.copy(), "b1": lin[0].bias.detach().numpy().copy()}
            out["w2"] = lin[1].weight.detach().numpy().T.copy() if len(lin) > 1 else np.zeros((0, 0), np.float32)
            out["b2"] = lin[1].bias.detach().numpy().copy() if len(lin) > 1 else np.zeros(0, np.float32)
            out["item_bias"] = bias.detach().numpy().copy()
            out["scale"] = np.asarray(float(torch.exp(log_scale.detach())), np.float32)
            return out

        best: dict[str, np.ndarray] = state()
        best_loss, best_epoch, history, stale = np.inf, 0, [], 0
        # at least MIN_BATCHES steps per epoch, so a small catalogue is not trained on a handful of steps
        batches = max(-(-len(train_rows) // max(1, int(params.batch_size))), MIN_BATCHES)
        size = max(1, -(-len(train_rows) // batches))
        for epoch in range(params.epochs):
            net.train()
            order = rng.permutation(train_rows)
            total = 0.0
            for start in range(0, len(order), size):
                loss = batch_loss(order[start : start + size])
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(order[start : start + size])
            net.eval()
            with torch.no_grad():
                val = (sum(float(batch_loss(val_rows[s : s + size])) * len(val_rows[s : s + size])
                           for s in range(0, len(val_rows), size)) / len(val_rows)) if len(val_rows) else np.nan
            history.append({"epoch": epoch + 1, "train_loss": round(total / max(1, len(order)), 5),
                            "val_loss": None if np.isnan(val) else round(float(val), 5)})
            score = float(val) if len(val_rows) else -float(epoch)  # no hold-out: keep the last epoch
            if score < best_loss:
                best, best_loss, best_epoch, stale = state(), score, epoch + 1, 0
            else:
                stale += 1
            report(progress, (epoch + 1) / params.epochs, f"learned text map: epoch {epoch + 1}/{params.epochs}")
            if len(val_rows) and stale >= params.patience:
                break
    text_map = TextMap(w1=best["w1"], b1=best["b1"], w2=best["w2"], b2=best["b2"],
                       item_factors=np.asarray(item_factors, np.float32), item_bias=best["item_bias"],
                       scale=float(best["scale"]))
    info = {"best_epoch": best_epoch, "epochs_run": len(history), "history": history,
            "n_train": len(train_rows), "n_validation": len(val_rows),
            "train_seconds": round(time.perf_counter() - started, 3)}
    return text_map, info


def held_out_hit_rate(text_map: TextMap, x: np.ndarray, items: np.ndarray, k: int = 20) -> float:
    """Share of held-out item documents whose own item is in the top ``k`` of their mapped scores."""
    if len(items) == 0:
        return float("nan")
    logits = text_map.pull(text_map.project(x)) + text_map.item_bias
    own = logits[np.arange(len(items)), items]
    return float(np.mean((logits > own[:, None]).sum(axis=1) < k))


# --- the channel -----------------------------------------------------------------------------------------


class LearnedChannel:
    """Free-text and gist tags through a text -> collaborative-space model trained on the dataset."""

    name: ClassVar[str] = "learned"
    default_weight: ClassVar[float] = 0.0
    Params: ClassVar[type[LearnedParams]] = LearnedParams

    def __init__(self, params: LearnedParams | None = None, **knobs: Any) -> None:
        self.params = params or LearnedParams(**knobs)
        self.params.validate()

    def fit(self, ctx: ChannelContext, progress: ProgressFn | None = None) -> Self:
        """Train the text map (or load it from the artefact store when this data was seen before)."""
        ds = ctx.dataset
        self.n_items_ = ds.n_items
        self.map_: TextMap | None = None
        self.from_cache_ = False
        self.report_: dict[str, Any] = {}
        self.cache_path_: Path | None = None
        self.no_vectors_ = ctx.item_vectors is None
        self.no_interactions_ = ds.matrix.nnz == 0
        if self.no_vectors_ or self.no_interactions_:
            return self
        vectors = as_item_vectors(ctx.item_vectors, ds.n_items)
        assert vectors is not None
        p = self.params
        encoder = ctx.encoder if p.user_tags != "off" else None
        names, rows = distinct_tags(ds) if encoder is not None else ([], None)
        path = artefact_path("learned", ds.fingerprint, str(getattr(encoder, "model_id", "no-encoder")),
                             {"version": CACHE_VERSION, "params": asdict(p), "seed": ctx.random_state,
                              "vectors": fingerprint(vectors),
                              "tags": fingerprint(names, rows) if names else None}, ".npz")
        self.cache_path_ = path
        cached = _load(path, vectors.shape[1], ds.n_items)
        if cached is not None:
            self.map_, self.report_ = cached
            self.from_cache_ = True
            report(progress, 1.0, "learned text map loaded")
            return self
        started = time.perf_counter()
        report(progress, 0.0, "learned text map: item factors")
        als = MFParams(algorithm="als", factors=p.factors, iterations=p.als_iterations)
        item_factors = shared_item_factors(ctx, als)  # the mf channel's, when it fitted the same model
        if item_factors is None:
            item_factors = MFChannel(als).fit(ctx).item_factors_
        assert item_factors is not None
        tag_vectors = _embed(encoder, names, scaled(progress, 0.05, 0.15)) if names else None
        liked = liked_matrix(ds, p.liked)
        x, y, which, n_item_rows = training_pairs(ds, vectors, liked, tag_vectors, rows, p.user_tags, p.tag_weight)
        rng = np.random.default_rng(ctx.random_state)
        validation = np.zeros(len(x), dtype=bool)
        n_val = round(p.validation_share * n_item_rows)
        if n_val and n_item_rows - n_val > 0:
            validation[rng.choice(n_item_rows, size=n_val, replace=False)] = True
        text_map, info = train_text_map(x, y, item_factors, validation, p, ctx.random_state,
                                        ctx.num_threads, scaled(progress, 0.15, 1.0))
        held = np.flatnonzero(validation)
        info.update({"n_item_examples": n_item_rows, "n_tag_examples": len(x) - n_item_rows,
                     "validation_hit_at_20": held_out_hit_rate(text_map, x[held], which[held]),
                     "fit_seconds": round(time.perf_counter() - started, 3)})
        _save(path, text_map, info)
        self.map_, self.report_ = text_map, info
        report(progress, 1.0, "learned text map ready")
        return self

    def why_not(self, query: Query) -> str | None:
        """Needs interactions, item vectors and a profile with a vector-carrying text or gist tag."""
        if not hasattr(self, "n_items_"):
            return "not_fitted"
        if self.no_interactions_:
            return "no_interactions"
        if self.no_vectors_:
            return "no_item_vectors"
        if query.profile is None or not list(query.profile.tags):
            return "no_profile"
        if not any(t.vector is not None for t in query.profile.tags):
            return "profile_without_vectors"
        if not self._tags(query):
            return "no_text_tags"
        return None

    def _tags(self, query: Query) -> list[tuple[TagLike, float, np.ndarray]]:
        """(tag, signed weight, unit vector) of the query's text / gist tags this map can read."""
        if query.profile is None or self.map_ is None:
            return []
        out = []
        for tag in query.profile.tags:
            if tag_kind(tag) not in TEXT_KINDS or tag.vector is None or float(tag.weight) <= 0:
                continue
            vec = np.asarray(tag.vector, dtype=np.float64).ravel()
            norm = float(np.linalg.norm(vec))
            if vec.shape[0] != self.map_.dim or not np.isfinite(norm) or norm == 0.0:
                continue
            out.append((tag, float(tag.weight) * (1.0 if int(tag.polarity) >= 0 else -1.0), vec / norm))
        return out

    def score(self, queries: list[Query]) -> np.ndarray:
        """``sum_t+ w_t (pull_t + bias) - sum_t- w_t pull_t`` per query: every tag of the batch is mapped in
        one pass, then one product with the item factors."""
        ensure_applicable(self, queries)
        assert self.map_ is not None
        per_query = [self._tags(q) for q in queries]
        vectors = np.stack([vec for tags in per_query for _, _, vec in tags])
        weights = np.zeros((len(queries), len(vectors)))
        col = 0
        for i, tags in enumerate(per_query):
            for _, weight, _ in tags:
                weights[i, col] = weight
                col += 1
        pulled = self.map_.pull(weights @ self.map_.project(vectors))
        wanted = np.clip(weights, 0.0, None).sum(axis=1)
        return clean_scores(pulled + wanted[:, None] * self.map_.item_bias[None, :].astype(np.float64))

    def explain(self, query: Query, item: int) -> Evidence | None:
        """The wanted tag whose mapped vector pulls hardest towards the item."""
        tags = [(t, w, v) for t, w, v in self._tags(query) if w > 0]
        if not tags or self.map_ is None:
            return None
        projected = self.map_.project(np.stack([v for _, _, v in tags]))
        pull = np.array([w for _, w, _ in tags]) * (projected @ self.map_.item_factors[int(item)])
        return Evidence("learned", {"tag": str(tags[int(np.argmax(pull))][0].text)})


def _embed(encoder: Any, texts: list[str], progress: ProgressFn | None) -> np.ndarray:
    """Unit vectors of ``texts`` through the encoder (and its on-disk vector cache when it has a model id)."""
    from core.vectors.vector_cache import VectorCache, embed_texts

    model_id = getattr(encoder, "model_id", None)
    if isinstance(model_id, str) and hasattr(encoder, "dim"):
        return np.asarray(embed_texts(encoder, texts, VectorCache.default(model_id), progress).vectors, np.float32)
    vectors = np.asarray(encoder.encode(texts), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    out: np.ndarray = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return out


def _save(path: Path, text_map: TextMap, info: dict[str, Any]) -> None:
    arrays = {name: np.asarray(getattr(text_map, name), dtype=np.float32) for name in _WEIGHTS}
    atomic_write_npz(path, **arrays, report=np.asarray(json.dumps(info)))


def _load(path: Path, dim: int, n_items: int) -> tuple[TextMap, dict[str, Any]] | None:
    """The stored map when the file exists, is complete and fits (else None: train again)."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: np.asarray(data[name]) for name in _WEIGHTS}
            info = json.loads(str(data["report"]))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    text_map = TextMap(**{k: v for k, v in arrays.items() if k != "scale"}, scale=float(arrays["scale"]))
    if text_map.dim != dim or text_map.item_factors.shape[0] != n_items or text_map.item_bias.shape != (n_items,):
        return None
    return text_map, {**info, "from_cache": True}
