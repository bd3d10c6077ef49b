"""core.vectors.documents: item documents from a template, users' free-text tags per item."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.common.errors import ConfigError
from core.data.dataset import Dataset
from core.vectors.documents import DEFAULT_TEMPLATE, aggregate_user_tags, item_documents

DAY = 86_400.0


def small_dataset() -> Dataset:
    """Four items, three users; timestamps in days; one item nobody rated."""
    t = 1_700_000_000.0
    items = pd.DataFrame({
        "item_id": ["a", "b", "c", "d"],
        "title": ["Alien (1979)", "月光宝盒", "Heat", "Untouched"],
        "category": ["Horror", "", "Crime", ""],
        "tags": [("Horror", "Sci-Fi"), (), ("Crime", "Thriller", "Crime"), ("(no genres listed)",)],
        "description": ["", "周星驰 经典喜剧", "A heist in LA.", ""],
        "year": [1979, np.nan, 1995, np.nan],
    })
    inter = pd.DataFrame({
        "user_id": ["u1", "u1", "u1", "u2", "u2", "u3"],
        "item_id": ["a", "b", "c", "a", "c", "d"],
        "rating": [5.0, 5.0, 2.0, 3.0, 3.0, 4.0],
        "timestamp": [t, t - 180 * DAY, t, t, t - 360 * DAY, np.nan],
        "event": [""] * 6,
    })
    user_tags = pd.DataFrame({
        "user_id": ["u1", "u2", "u3", "u1", "u2", "u1"],
        "item_id": ["a", "a", "a", "a", "c", "zzz"],
        "tag": ["scary", "Scary ", "space", "aliens", "heist", "ignored: unknown item"],
        "timestamp": [t] * 6,
    })
    return Dataset.from_frames("small", inter, items, user_tags)


def test_item_documents_default_template() -> None:
    docs = item_documents(small_dataset())
    assert docs == [
        "Alien (1979). Horror. Sci-Fi. scary, aliens, space",
        "月光宝盒. 周星驰 经典喜剧",
        "Heat. Crime. Thriller. heist. A heist in LA.",
        "Untouched",
    ]


def test_item_documents_custom_template_and_caps() -> None:
    ds = small_dataset()
    template = "Film: {title} ({year}) | genres: {tags} | users say: {user_tags}"
    docs = item_documents(ds, template, max_user_tags=1)
    assert docs[0] == "Film: Alien (1979) (1979) | genres: Horror, Sci-Fi | users say: scary"
    assert docs[1] == "Film: 月光宝盒"  # empty fields drop together with the text before them
    assert item_documents(ds, "{title} ({year}) {description}")[1:3] == ["月光宝盒 周星驰 经典喜剧",
                                                                      "Heat (1995) A heist in LA."]
    assert aggregate_user_tags(ds, 2)[0] == ["scary", "aliens"]  # 2x scary (case-insensitive) first


def test_item_documents_extra_item_columns(bilingual: Dataset) -> None:
    assert "title_en" in bilingual.items.columns
    docs = item_documents(bilingual, "{title} / {title_en}")
    assert docs[0] == "星海远航 / Voyage Across the Star Sea"
    assert item_documents(bilingual)[0].startswith("星海远航. 科幻 / Sci-Fi. 太空")


@pytest.mark.parametrize("template", ["{title} {rating}", "{title:>20}", "{title", "no fields at all"])
def test_item_documents_bad_template(template: str) -> None:
    with pytest.raises(ConfigError):
        item_documents(small_dataset(), template)


def test_item_documents_movielens(movielens: Dataset) -> None:
    docs = item_documents(movielens)
    assert len(docs) == movielens.n_items == 9742
    toy = docs[movielens.item_index["1"]]
    assert toy.startswith("Toy Story (1995)") and "Animation" in toy and "pixar" in toy
    assert all(d.strip() for d in docs)
    assert DEFAULT_TEMPLATE.count("{") == 5


def test_people_join_the_document_only_when_the_catalogue_has_them() -> None:
    from core.vectors.documents import PEOPLE_TEMPLATE, default_template
    from tests.data.zh_films import zh_films

    films = zh_films()
    assert default_template(films) == PEOPLE_TEMPLATE
    assert default_template(small_dataset()) == DEFAULT_TEMPLATE  # no people column: documents unchanged
    docs = item_documents(films, default_template(films))
    assert docs[0].startswith("功夫. 喜剧. 动作. 周星驰 / Stephen Chow, 元秋, 元华")
    assert item_documents(small_dataset(), PEOPLE_TEMPLATE) == item_documents(small_dataset())
