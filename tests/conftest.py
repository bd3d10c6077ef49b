"""Shared fixtures: the real default encoder and the demo datasets, loaded once per session.

Tests never touch the network: Hugging Face clients are forced offline before anything loads, and
the workspace (caches, store) goes to a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"


@pytest.fixture(scope="session", autouse=True)
def _session_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Point the workspace at a temp folder for the whole test session."""
    root = tmp_path_factory.mktemp("workspace")
    os.environ["INTERESTLENS_WORKSPACE"] = str(root)
    return root


@pytest.fixture
def tmp_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty workspace for one test."""
    monkeypatch.setenv("INTERESTLENS_WORKSPACE", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="session")
def use_encoder():  # type: ignore[no-untyped-def]
    """The default multilingual encoder (USE m3 through sentence-transformers)."""
    from core.vectors.encoders import load_encoder

    return load_encoder("use-m3")


@pytest.fixture(scope="session")
def movielens():  # type: ignore[no-untyped-def]
    """The bundled MovieLens latest-small Dataset."""
    from core.data.demos import load_demo

    return load_demo("movielens")


@pytest.fixture(scope="session")
def bilingual():  # type: ignore[no-untyped-def]
    """The bundled synthetic bilingual (zh/en) Dataset."""
    from core.data.demos import load_demo

    return load_demo("bilingual")


@pytest.fixture(scope="session")
def movielens_vectors(movielens, use_encoder):  # type: ignore[no-untyped-def]
    """MovieLens item vectors (9,742 x 512, use-m3) through the session workspace's vector cache."""
    from core.vectors.vector_cache import embed_items

    return embed_items(movielens, use_encoder).vectors
