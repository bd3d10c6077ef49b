"""Index URIs: parsing (every accepted form, a readable error for the rest) and the factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.common.errors import ConfigError, InterestLensError
from core.vectors.index import HnswIndex
from core.vectors.index_uri import IndexUri, build_index, collection_name, parse_index_uri
from core.vectors.qdrant_index import QdrantIndex
from tests.vectors.test_index import clustered


@pytest.mark.parametrize("text", [None, "", "hnsw", " HNSW "])
def test_hnsw_is_the_default(text: str | None) -> None:
    assert parse_index_uri(text) == IndexUri()
    assert str(parse_index_uri(text)) == "hnsw"


def test_a_local_folder_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    uri = parse_index_uri("qdrant:vectors/db")
    assert uri.backend == "qdrant" and uri.path == tmp_path / "vectors" / "db"
    assert not uri.is_url and not uri.is_memory
    monkeypatch.setenv("HOME", str(tmp_path))
    assert parse_index_uri("qdrant:~/q").path == tmp_path / "q"


@pytest.mark.parametrize(("text", "location", "collection"), [
    ("qdrant:http://localhost:6333", "http://localhost:6333", None),
    ("qdrant:https://qdrant.example.com:443/", "https://qdrant.example.com:443", None),
    ("qdrant:http://10.0.0.5:6333#shop", "http://10.0.0.5:6333", "shop"),
    ("qdrant::memory:", ":memory:", None),
    ("Qdrant::memory:#t_1", ":memory:", "t_1"),
])
def test_servers_memory_and_collection_names(text: str, location: str, collection: str | None) -> None:
    uri = parse_index_uri(text)
    assert (uri.backend, uri.location, uri.collection) == ("qdrant", location, collection)
    assert parse_index_uri(str(uri)) == uri  # the canonical form parses back to itself
    assert uri.path is None


@pytest.mark.parametrize(("text", "message"), [
    ("milvus:./db", "unknown index"),
    ("faiss", "unknown index"),
    ("qdrant:", "names no Qdrant location"),
    ("qdrant:  ", "names no Qdrant location"),
    ("qdrant://localhost:6333", "qdrant:http://localhost:6333"),
    ("qdrant:ftp://host", "http:// or https://"),
    ("qdrant:http://:6333", "names no host"),
    ("qdrant:http://host:99999", "port"),
    ("qdrant:http://host:port", "port"),
    ("qdrant:http://host:6333/?api_key=x", "query string"),
    ("qdrant:/tmp/x#bad name", "collection name"),
    ("qdrant:/tmp/x#", "collection name"),
])
def test_bad_uris_are_config_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        parse_index_uri(text)
    assert isinstance(caught.value, InterestLensError)


def test_a_file_is_not_a_qdrant_folder(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("x")
    with pytest.raises(ConfigError, match="is a file"):
        parse_index_uri(f"qdrant:{path}")


def test_collection_names() -> None:
    assert collection_name(parse_index_uri("qdrant::memory:"), "items", "abc123-use m3") == "il_abc123-use_m3_items"
    assert collection_name(parse_index_uri("qdrant::memory:#shop"), "users", "ignored") == "shop_users"


def test_the_factory_builds_the_named_backend(tmp_path: Path) -> None:
    data = clustered(60)
    hnsw = build_index("hnsw", data, of="items", default_prefix="fp-m", model="m",
                       cache_path=tmp_path / "items.hnsw")
    assert isinstance(hnsw, HnswIndex) and (tmp_path / "items.hnsw").exists()
    qdrant = build_index("qdrant::memory:#factory", data, of="items", default_prefix="fp-m", model="m")
    assert isinstance(qdrant, QdrantIndex) and qdrant.collection == "factory_items" and len(qdrant) == 60
    assert qdrant.query(data[4], 1)[0][0, 0] == 4
