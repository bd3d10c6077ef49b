"""``rp3beta``: RP3beta, a three-step random walk user -> item -> user -> item, popularity-discounted.

Paudel et al., "Updatable, Accurate, Diverse, and Scalable Recommendations for Interactive Applications"
(ACM TiiS 2017), as Dacrema et al. ("Are we really making much progress?", RecSys 2019) implement it
(``GraphBased/RP3betaRecommender.py`` of MaurizioFD/RecSys2019_DeepLearning_Evaluation, the reference
RecBole's ``rp3beta.py`` cites), step by step on the binarised users x items matrix ``X``:

1. ``P_ui`` = ``X`` with rows L1-normalised (user -> item), ``P_iu`` = ``X^T`` with rows L1-normalised
   (item -> user); both raised elementwise to ``alpha``;
2. ``W = P_iu P_ui`` (item -> item after two steps), each column ``j`` times ``deg_j^-beta`` (``deg_j``:
   the item's number of users; 0 for items nobody used), the diagonal set to 0;
3. per row the ``k`` largest positive values are kept (ties: the lower item index), then every row is
   L1-normalised (the reference's ``normalize_similarity=True``);
4. a user with seed row ``x`` scores ``x W``.

The seed row and the evidence are :mod:`~core.ranking.channels.ease`'s: history plus named items, avoided
named items subtracted; "people who liked X also liked this". The walk is computed in blocks of items
(dense ``block x n_items`` float32 at a time), so memory stays bounded whatever the catalogue.

Why not a library: RecBole's ``RP3Beta`` has no ``alpha`` and no top-``k`` (it scores with the dense product
at query time) and needs torch; Cornac has no RP3beta. Tested against dense matrix powers with explicit
loops on a small fixture. Defaults ``alpha`` 0.8, ``beta`` 0.3, ``k`` 100: the setting the issue measured on
MovieLens. Fusion weight 0.0 until the tuning issue chooses one; fitted on first use
(``core.engine.DEFERRED_CHANNELS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np
from scipy import sparse

from core.common.errors import ConfigError
from core.common.progress import ProgressFn, report
from core.ranking.base import BlockMap, ChannelContext, Evidence, ensure_applicable, map_locally, seed_reason
from core.ranking.channels.ease import binary_matrix, seed_evidence, seed_matrix
from core.ranking.channels.item_knn import _dense_topk, assemble_blocks
from core.ranking.query import Query

BLOCK_BYTES = 32 * 2**20
"""Size of one dense block of walk probabilities while the top ``k`` are chosen."""


@dataclass(frozen=True)
class RP3betaParams:
    """``alpha``: exponent of the transition probabilities; ``beta``: popularity discount exponent;
    ``k``: neighbours kept per item."""

    alpha: float = 0.8
    beta: float = 0.3
    k: int = 100


def _row_l1(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows scaled to sum to 1 (empty rows stay empty)."""
    sums = np.asarray(matrix.sum(axis=1), dtype=np.float64).ravel()
    inv = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
    return sparse.csr_matrix(sparse.diags(inv.astype(np.float32)) @ matrix, dtype=np.float32)


def walk_block(p_iu: sparse.csr_matrix, p_ui: sparse.csr_matrix, discount: np.ndarray, k: int,
               idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One block of ``W``: the discounted two-step walk from items ``idx``, top ``k`` per row (item,
    neighbour, weight before the row normalisation); runs in this process or as a Ray task."""
    walk = np.asarray((p_iu[idx] @ p_ui).toarray(), dtype=np.float32) * discount[None, :]
    r, c, v = _dense_topk(walk, idx, k)
    return idx[r], c, v


def rp3beta_weights(matrix: Any, alpha: float = 0.8, beta: float = 0.3, k: int = 100,
                    progress: ProgressFn | None = None, map_blocks: BlockMap | None = None) -> sparse.csr_matrix:
    """RP3beta's item x item ``W`` (sparse float32, at most ``k`` per row, rows summing to 1) from a users x
    items matrix (binarised here); steps 1-3 of the module docstring. ``map_blocks``: where the blocks are
    computed (:data:`~core.ranking.base.BlockMap`; default in this process)."""
    if not alpha > 0 or beta < 0 or int(k) < 1:
        raise ConfigError(f"RP3beta needs alpha > 0, beta >= 0 and k >= 1, got {alpha!r}, {beta!r}, {k!r}")
    x = binary_matrix(matrix)
    n = x.shape[1]
    p_ui = _row_l1(x)
    p_iu = _row_l1(x.T.tocsr())
    if alpha != 1.0:
        p_ui.data **= np.float32(alpha)
        p_iu.data **= np.float32(alpha)
    degree = np.asarray(x.sum(axis=0), dtype=np.float64).ravel()
    discount = np.zeros(n, dtype=np.float64)
    np.power(degree, -float(beta), out=discount, where=degree > 0)
    discount32 = discount.astype(np.float32)
    k = min(int(k), max(1, n - 1))
    block = max(1, BLOCK_BYTES // max(1, 4 * n))
    blocks = [np.arange(start, min(n, start + block)) for start in range(0, n, block)]
    parts = (map_blocks or map_locally)(walk_block, (p_iu, p_ui, discount32, k), blocks, progress)
    report(progress, 1.0, "RP3beta neighbours")
    w = assemble_blocks(parts, n)
    w = _row_l1(w)
    w.sort_indices()
    return w


class RP3betaChannel:
    """RP3beta item-item random-walk weights (see the module docstring)."""

    name: ClassVar[str] = "rp3beta"
    default_weight: ClassVar[float] = 0.0
    Params: ClassVar[type[RP3betaParams]] = RP3betaParams

    def __init__(self, params: RP3betaParams | None = None, **knobs: Any) -> None:
        self.params = params or RP3betaParams(**knobs)

    def fit(self, ctx: ChannelContext, progress: ProgressFn | None = None) -> Self:
        """Compute the sparse top-``k`` walk matrix ``W``."""
        self.dataset_ = ctx.dataset
        self.weights_: sparse.csr_matrix | None = None
        if ctx.dataset.matrix.nnz:
            p = self.params
            self.weights_ = rp3beta_weights(ctx.dataset.matrix, p.alpha, p.beta, p.k, progress,
                                            map_blocks=ctx.map_blocks)
        return self

    def why_not(self, query: Query) -> str | None:
        """Needs interactions and seeds: a known user, or items named in the typed interests."""
        if not hasattr(self, "dataset_"):
            return "not_fitted"
        if self.weights_ is None:
            return "no_interactions"
        return seed_reason(self.dataset_, query)

    def score(self, queries: list[Query]) -> np.ndarray:
        """``x W`` per query, ``x`` its seed row (:func:`~core.ranking.channels.ease.seed_matrix`)."""
        ensure_applicable(self, queries)
        assert self.weights_ is not None
        return np.asarray((seed_matrix(self.dataset_, queries) @ self.weights_).toarray(), dtype=np.float64)

    def explain(self, query: Query, item: int) -> Evidence | None:
        """The seed item with the largest weight ``W[j, item]``."""
        weights = self.weights_
        if weights is None:
            return None
        return seed_evidence(self.dataset_, query, lambda c: weights[c][:, int(item)].toarray())
