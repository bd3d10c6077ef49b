"""The synthetic bilingual catalogue: reproducible byte for byte, bilingual in every category, sane stats."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "bilingual"
HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_bilingual", ROOT / "scripts" / "make_bilingual.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return _load_script()


@pytest.fixture(scope="module")
def regenerated(script: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths: dict[str, Path] = script.generate(tmp_path_factory.mktemp("bilingual"))
    return paths


def _rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def items() -> list[dict[str, str]]:
    return _rows(DATA / "items.csv")


@pytest.fixture(scope="module")
def interactions() -> list[dict[str, str]]:
    return _rows(DATA / "interactions.csv")


def test_regeneration_is_byte_identical_to_committed_files(regenerated: dict[str, Path]) -> None:
    assert set(regenerated) == {"items.csv", "items_gbk.csv", "interactions.csv"}
    for name, path in regenerated.items():
        committed = (DATA / name).read_bytes()
        assert path.read_bytes() == committed, f"{name} differs: re-run scripts/make_bilingual.py"


def test_other_seed_changes_interactions_only(script: ModuleType, tmp_path: Path) -> None:
    other = script.generate(tmp_path, seed=7)
    assert other["items.csv"].read_bytes() == (DATA / "items.csv").read_bytes()
    assert other["interactions.csv"].read_bytes() != (DATA / "interactions.csv").read_bytes()


def test_headers_are_chinese_and_files_are_utf8() -> None:
    items_text = (DATA / "items.csv").read_bytes().decode("utf-8")
    inter_text = (DATA / "interactions.csv").read_bytes().decode("utf-8")
    assert items_text.splitlines()[0] == "物品ID,标题,英文标题,简介,标签,类别,年份"
    assert inter_text.splitlines()[0] == "用户ID,物品ID,评分,时间,行为"
    assert not items_text.startswith("\ufeff") and "\r" not in items_text


def test_gbk_copy_has_same_content_and_is_not_utf8() -> None:
    raw = (DATA / "items_gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("gbk").replace("\r\n", "\n") == (DATA / "items.csv").read_text(encoding="utf-8")


def test_catalogue_size_and_fields(items: list[dict[str, str]]) -> None:
    assert len(items) == 300
    ids = [row["物品ID"] for row in items]
    assert len(set(ids)) == 300 and all(re.fullmatch(r"I\d{4}", i) for i in ids)
    assert len({row["标题"] for row in items}) == 300
    assert len({row["英文标题"] for row in items}) == 300
    for row in items:
        assert HAN.search(row["标题"]), row
        assert LATIN_WORD.search(row["英文标题"]) and not HAN.search(row["英文标题"]), row
        assert 1980 <= int(row["年份"]) <= 2025
        tags = row["标签"].split("|")
        zh_tags = [t for t in tags if HAN.search(t)]
        assert 2 <= len(zh_tags) <= 5 and 2 <= len(tags) - len(zh_tags) <= 5, row
        assert row["简介"].strip()
        assert "<" not in "".join(row.values()), "the demo is clean; hostile data lives in test fixtures"


def test_every_category_has_chinese_and_english_text(items: list[dict[str, str]]) -> None:
    by_cat: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in items:
        by_cat[row["类别"]].append(row)
    assert len(by_cat) == 12
    kinds: Counter[str] = Counter()
    for category, rows in by_cat.items():
        zh_name, en_name = category.split(" / ")
        assert HAN.search(zh_name) and LATIN_WORD.search(en_name)
        assert len(rows) >= 20
        descriptions = [r["简介"] for r in rows]
        assert sum(bool(HAN.search(d)) for d in descriptions) >= len(rows) // 2, category
        assert sum(bool(LATIN_WORD.search(d)) for d in descriptions) >= len(rows) // 2, category
        for d in descriptions:
            kinds["both" if " / " in d else "zh" if HAN.search(d) else "en"] += 1
    # Mostly bilingual, with some single-language items of each kind.
    assert kinds["both"] >= 200 and kinds["zh"] >= 12 and kinds["en"] >= 12


def test_interaction_stats(items: list[dict[str, str]], interactions: list[dict[str, str]]) -> None:
    item_ids = {row["物品ID"] for row in items}
    per_user = Counter(row["用户ID"] for row in interactions)
    assert len(per_user) == 400
    assert min(per_user.values()) >= 5 and max(per_user.values()) <= 80
    assert 8_000 <= len(interactions) <= 14_000
    assert len({(r["用户ID"], r["物品ID"]) for r in interactions}) == len(interactions), "one row per pair"
    assert {r["物品ID"] for r in interactions} <= item_ids
    assert {r["行为"] for r in interactions} == {"浏览", "点击", "收藏", "购买"}
    ratings = Counter(int(r["评分"]) for r in interactions)
    assert set(ratings) == {1, 2, 3, 4, 5}
    times = [datetime.strptime(r["时间"], "%Y-%m-%d %H:%M:%S") for r in interactions]
    assert datetime(2023, 1, 1) <= min(times) and max(times) <= datetime(2025, 12, 31, 23, 59, 59)
    assert {t.year for t in times} == {2023, 2024, 2025}

    # Power-law-ish popularity: the top 10% of items carry far more than 10% of interactions.
    popularity = sorted(Counter(r["物品ID"] for r in interactions).values(), reverse=True)
    assert sum(popularity[:30]) / len(interactions) > 0.25
    assert popularity[0] > 10 * popularity[-1]


def test_ratings_follow_preferences(items: list[dict[str, str]], interactions: list[dict[str, str]]) -> None:
    category = {row["物品ID"]: row["类别"] for row in items}
    by_user: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for row in interactions:
        by_user[row["用户ID"]].append((category[row["物品ID"]], int(row["评分"])))
    favourite, other = [], []
    for rows in by_user.values():
        top = Counter(c for c, _ in rows).most_common(1)[0][0]
        favourite += [r for c, r in rows if c == top]
        other += [r for c, r in rows if c != top]
    assert sum(favourite) / len(favourite) > sum(other) / len(other) + 1.0
    # Deeper engagement goes with better ratings.
    mean_by_event: dict[str, list[int]] = defaultdict(list)
    for row in interactions:
        mean_by_event[row["行为"]].append(int(row["评分"]))
    means = {e: sum(v) / len(v) for e, v in mean_by_event.items()}
    assert means["购买"] > means["浏览"] and means["收藏"] > means["浏览"]


def test_ingestion_guesses_the_chinese_headers() -> None:
    """The column guesser of core.data.mapping maps every header of both files to its role."""
    from core.data.mapping import guess_mapping

    items_header = next(csv.reader(io.StringIO((DATA / "items.csv").read_text(encoding="utf-8"))))
    inter_header = next(csv.reader(io.StringIO((DATA / "interactions.csv").read_text(encoding="utf-8"))))
    assert guess_mapping(inter_header, "interactions") == {
        "user": "用户ID", "item": "物品ID", "rating": "评分", "timestamp": "时间", "event": "行为",
    }
    item_map = guess_mapping(items_header, "items")
    assert item_map == {
        "item": "物品ID", "title": "标题", "title_en": "英文标题", "description": "简介", "tags": "标签",
        "category": "类别", "year": "年份",
    }
