"""Column mapping: which column of a file plays which role (user, item, rating, title, ...).

:func:`guess_mapping` recognises common English and Chinese column names (exact names first, then
names ending in one, e.g. "item_title", "电影名称"); :func:`resolve_mapping` applies the caller's
overrides to the guess and checks the result (known roles, existing columns, no column twice, every
required role present).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Literal

from core.data.report import IngestError
from core.data.table import RECBOLE_RE, RawTable

Kind = Literal["interactions", "items", "user_tags"]
"""The three kinds of file: interactions, item metadata, free-text user tags."""

ROLES: dict[str, tuple[str, ...]] = {
    "interactions": ("user", "item", "rating", "timestamp", "event"),
    "items": (
        "item",
        "title",
        "description",
        "tags",
        "genres",
        "category",
        "people",
        "year",
        "title_en",
        "description_en",
    ),
    "user_tags": ("user", "item", "tag", "timestamp"),
}
"""Roles each kind of file can map, in display order."""

REQUIRED_ROLES: dict[str, tuple[str, ...]] = {
    "interactions": ("user", "item"),
    "items": ("item",),
    "user_tags": ("user", "item", "tag"),
}

# Normalised column names (see _norm: lower case, no spaces/underscores/dashes) per role, best first.
_SYNONYM_WORDS: dict[str, str] = {
    "user": "user users userid uid username visitor visitorid customer customerid member memberid buyer "
    "buyerid reviewer reviewerid account accountid 用户 用户id 用户编号 用户名 用户号 会员 会员id 客户 "
    "客户id 顾客 买家",
    "item": "item items itemid iid movie movieid film filmid product productid asin sku goods goodsid "
    "article articleid track trackid song songid book bookid isbn video videoid content contentid "
    "itemcode 物品 物品id 物品编号 商品 商品id 商品编号 电影 电影id 电影编号 影片 影片id 歌曲 歌曲id "
    "图书 图书id 书籍 视频 视频id 内容 内容id 项目 项目id 条目 条目id",
    "rating": "rating ratings score weight stars star rate count playcount plays clicks rank 评分 分数 "
    "打分 得分 权重 星级 评级 次数",
    "timestamp": "timestamp time ts date datetime timestamps created createdat eventtime unixreviewtime "
    "ratingtime 时间 日期 时间戳 评分时间 交互时间 创建时间 行为时间 发生时间",
    "event": "event events eventtype action actiontype behavior behaviour behaviortype behaviourtype "
    "interaction interactiontype type 行为 行为类型 事件 事件类型 操作 操作类型 交互类型",
    "title": "title name movietitle itemname itemtitle productname producttitle booktitle songname 标题 "
    "名称 片名 电影名 电影名称 名字 商品名称 商品名 物品名称 物品名 书名 歌名 中文标题 中文名",
    "description": "description desc summary overview plot synopsis abstract text 简介 描述 介绍 剧情 "
    "摘要 内容简介 剧情简介 中文简介",
    "tags": "tags tag labels label keywords keyword 标签 关键词 关键字",
    "genres": "genres genre 类型 题材 体裁 风格",
    "category": "category categories cat class section 类别 分类 类目 品类 栏目",
    # one column plays "people": a cast column is preferred to a director column when a file has both
    "people": "people person persons cast starring actor actors director directors creator creators author "
    "authors artist artists 人物 主演 演员 导演 主创 作者 歌手 艺人",
    "year": "year releaseyear 年份 年代 上映年份 出版年份 发行年份",
    "title_en": "titleen englishtitle entitle titleenglish 英文标题 英文名 英文名称 英文片名",
    "description_en": "descriptionen descen englishdescription descriptionenglish 英文简介 英文描述 英文介绍",
    "tag": "tag tags text label 标签 内容",
}
_SYNONYMS: dict[str, tuple[str, ...]] = {role: tuple(words.split()) for role, words in _SYNONYM_WORDS.items()}

_KIND_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    # short names that are only unambiguous in one kind of file
    "interactions": {"user": ("u",), "item": ("i",), "rating": ("r",), "timestamp": ("t",)},
    "items": {"item": ("id", "编号")},
    "user_tags": {"user": ("u",), "item": ("i",), "timestamp": ("t",)},
}

_HEADERLESS_ROLES: dict[str, tuple[str, ...]] = {
    "interactions": ("user", "item", "rating", "timestamp"),
    "items": ("item", "title", "genres"),
    "user_tags": ("user", "item", "tag", "timestamp"),
}


def _norm(name: str) -> str:
    """Normalised column name for matching: NFKC, no RecBole suffix, lower case, no separators."""
    label = unicodedata.normalize("NFKC", str(name)).strip()
    match = RECBOLE_RE.match(label)
    if match:
        label = match.group(1)
    return re.sub(r"[\s_\-.:/()（）\[\]]+", "", label.lower())


def guess_mapping(columns: list[str], kind: Kind) -> dict[str, str]:
    """Guess role -> column from common English and Chinese names (exact names first, then suffixes)."""
    if kind not in ROLES:
        raise ValueError(f"unknown kind {kind!r}; expected one of {sorted(ROLES)}")
    roles = ROLES[kind]
    cols = [str(c) for c in columns]
    if cols and all(re.fullmatch(r"column_\d+", c) for c in cols):
        return {role: col for role, col in zip(_HEADERLESS_ROLES[kind], cols, strict=False)}
    normed = {c: _norm(c) for c in cols}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for role in roles:  # pass 1: exact synonym, earliest synonym wins
        for syn in (*_SYNONYMS[role], *_KIND_SYNONYMS.get(kind, {}).get(role, ())):
            hit = next((c for c in cols if c not in used and normed[c] == syn), None)
            if hit is not None:
                mapping[role] = hit
                used.add(hit)
                break
    for role in roles:  # pass 2: the column name ends with a synonym ("item_title", "电影名称")
        if role in mapping:
            continue
        for syn in _SYNONYMS[role]:
            if len(syn) < (2 if not syn.isascii() else 4):
                continue
            hit = next((c for c in cols if c not in used and normed[c].endswith(syn)), None)
            if hit is not None:
                mapping[role] = hit
                used.add(hit)
                break
    return mapping


def resolve_mapping(
    raw: RawTable, kind: Kind, mapping: Mapping[str, str | None] | None = None
) -> dict[str, str]:
    """The guessed mapping with the caller's overrides (a role set to ""/None is unmapped); checked."""
    columns = raw.columns
    final = guess_mapping(columns, kind)
    by_norm = {_norm(c): c for c in columns}
    for role, col in (mapping or {}).items():
        if role not in ROLES[kind]:
            raise IngestError(
                f"{raw.name}: unknown role {role!r} for {kind}; roles are {', '.join(ROLES[kind])}",
                "unknown_role",
                name=raw.name,
                role=role,
                roles=", ".join(ROLES[kind]),
            )
        if col is None or str(col) == "":
            final.pop(role, None)
            continue
        col = str(col)
        if col not in columns:
            match = RECBOLE_RE.match(col)
            alt = match.group(1) if match else by_norm.get(_norm(col))
            if alt not in columns:
                raise IngestError(
                    f"{raw.name}: column {col!r} (mapped to {role}) is not in the file; columns are "
                    f"{', '.join(columns)}",
                    "unknown_column",
                    name=raw.name,
                    column=col,
                    role=role,
                    columns=", ".join(columns),
                )
            col = str(alt)
        for other, other_col in list(final.items()):
            if other_col == col and other != role and other not in (mapping or {}):
                del final[other]
        final[role] = col
    seen: dict[str, str] = {}
    for role, col in final.items():
        if col in seen:
            raise IngestError(
                f"{raw.name}: column {col!r} is mapped to both {seen[col]} and {role}",
                "mapping_conflict",
                name=raw.name,
                column=col,
                role=role,
                other=seen[col],
            )
        seen[col] = role
    for role in REQUIRED_ROLES[kind]:
        if role not in final:
            raise IngestError(
                f"{raw.name}: no {role} column found (columns are: {', '.join(columns)}); name it e.g. "
                f"{' / '.join(_SYNONYMS[role][:3])} / {_SYNONYMS[role][-1]} or choose it in the mapping",
                "missing_column",
                name=raw.name,
                role=role,
                columns=", ".join(columns),
            )
    return {role: final[role] for role in ROLES[kind] if role in final}
