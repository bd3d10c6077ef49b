"""core.data.loaders: items, user tags, load_dataset, and the property that any input loads or raises DataError."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.common.errors import DataError
from core.data.dataset import Dataset
from core.data.loaders import load_dataset, load_interactions, load_items, load_user_tags
from core.data.report import IngestError, NothingLoadedError
from tests.data.test_report import FIXTURES, codes
from tests.data.zh_films import ITEMS_CSV, STEPHEN_CHOW, zh_films

# --- items ----------------------------------------------------------------------------------------


def test_items_html_kept_as_data_and_tags_split() -> None:
    rep = load_items(FIXTURES / "items_html.csv")
    assert rep.frame["title"].iloc[0] == "<script>alert(1)</script>Evil"
    assert rep.frame["description"].iloc[0] == "<b>bold</b> text"
    assert rep.frame["tags"].tolist() == [("a", "b"), ("c", "d", "e")]


def test_movielens_style_genres_year_from_title() -> None:
    data = (
        b'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n2,"City, The (2001) ",Drama\n'
        b"3,No Year,(no genres listed)\n"
    )
    rep = load_items(data, name="movies.csv")
    frame = rep.frame
    assert rep.mapping == {"item": "movieId", "title": "title", "genres": "genres"}
    assert frame["tags"].tolist() == [("Adventure", "Animation"), ("Drama",), ()]
    assert frame["category"].tolist() == ["Adventure", "Drama", ""]
    assert frame["year"].iloc[:2].tolist() == [1995.0, 2001.0] and np.isnan(frame["year"].iloc[2])


def test_items_duplicate_and_missing_ids() -> None:
    rep = load_items(b"id,title\nA,first\n,none\nA,second\nB,b\n", name="i.csv")
    assert rep.frame["title"].tolist() == ["first", "b"]
    assert codes(rep) == [(3, "id", "missing_id"), (4, "id", "duplicate_item")]
    assert rep.problems[1].ref_row == 2


def test_item_without_title_falls_back_to_english_title_then_id() -> None:
    rep = load_items(b"item,title_en\na,Alpha\nb,\n", name="i.csv")
    ds = Dataset.from_frames(
        "x",
        pd.DataFrame(
            {"user_id": ["u"], "item_id": ["a"], "rating": [1.0], "timestamp": [np.nan], "event": [""]}
        ),
        rep.frame,
    )
    assert ds.items["title"].tolist() == ["Alpha", "b"]


# --- datasets and user tags -----------------------------------------------------------------------


def test_load_dataset_with_items_and_unknown_items() -> None:
    ds, inter, items = load_dataset(
        b"u,i,r\n1,a,5\n2,b,3\n2,zz,1\n", b"id,title\na,Alpha\nb,Beta\nc,Gamma\n", name="ds"
    )
    assert isinstance(ds, Dataset) and items is not None
    assert ds.n_users == 2 and ds.n_items == 3 and len(ds.interactions) == 2
    assert codes(inter) == [(4, "i", "unknown_item")]
    assert ds.meta["rows_rejected"] == 1


def test_load_dataset_nothing_loaded_keeps_the_reports() -> None:
    with pytest.raises(NothingLoadedError) as info:
        load_dataset(b"u,i,r\n1,2,x\n3,4,y\n", name="bad")
    err = info.value
    assert isinstance(err, DataError) and err.code == "nothing_loaded"
    assert "all 2 were rejected" in str(err) and "line 2" in str(err)
    assert [len(r.problems) for r in err.reports] == [2]


def test_load_dataset_all_items_bad() -> None:
    with pytest.raises(NothingLoadedError, match=r"items\.csv"):
        load_dataset(b"u,i\n1,2\n", io_named(b"id,title\n,x\n", "items.csv"), name="x")


def io_named(data: bytes, name: str) -> io.BytesIO:
    buf = io.BytesIO(data)
    buf.name = name
    return buf


def test_user_tags() -> None:
    rep = load_user_tags(
        b"userId,movieId,tag,timestamp\n1,10,funny,1445714994\n2,11,,1445714995\n3,99,x,1\n",
        name="tags.csv",
        known_items={"10", "11"},
    )
    assert rep.frame.to_dict("list") == {
        "user_id": ["1"],
        "item_id": ["10"],
        "tag": ["funny"],
        "timestamp": [1445714994.0],
    }
    assert codes(rep) == [(3, "tag", "tag_missing"), (4, "movieId", "unknown_item")]


def test_a_failure_inside_validation_becomes_one_ingest_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import core.data.loaders as loaders

    def broken(*_: object, **__: object) -> object:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(loaders, "resolve_mapping", broken)
    with pytest.raises(IngestError, match=r"^x\.csv: could not be validated \(RuntimeError: boom\)$") as info:
        load_interactions(b"u,i\n1,2\n", name="x.csv")
    assert info.value.code == "unreadable"


# --- bilingual demo files (written by scripts/make_bilingual.py) ----------------------------------


def test_bilingual_files_map_and_load_cleanly() -> None:
    root = Path(__file__).parents[2] / "data" / "bilingual"
    if not (root / "interactions.csv").exists():
        pytest.skip("bilingual demo files not generated")
    _, inter, items = load_dataset(root / "interactions.csv", root / "items.csv", name="bi")
    assert inter.mapping == {
        "user": "用户ID",
        "item": "物品ID",
        "rating": "评分",
        "timestamp": "时间",
        "event": "行为",
    }
    assert items is not None and items.mapping["title_en"] == "英文标题"
    assert inter.rows_rejected == 0 and items.rows_rejected == 0
    gbk = load_items(root / "items_gbk.csv")
    assert gbk.encoding in ("gbk", "gb18030")
    pd.testing.assert_frame_equal(gbk.frame, items.frame)


# --- people: a real Chinese catalogue with a 主创 column ----------------------------------------------


def test_people_column_of_a_chinese_catalogue_in_utf8_and_gbk() -> None:
    utf8 = load_items(ITEMS_CSV.encode("utf-8"), name="films.csv")
    gbk = load_items(ITEMS_CSV.encode("gbk"), name="films.csv")
    assert gbk.encoding in ("gbk", "gb18030") and utf8.mapping["people"] == "主创" == gbk.mapping["people"]
    assert utf8.rows_rejected == 0 and utf8.mapping["genres"] == "类型" and utf8.mapping["title_en"] == "英文标题"
    pd.testing.assert_frame_equal(gbk.frame, utf8.frame)
    people = dict(zip(utf8.frame["item_id"], utf8.frame["people"], strict=True))
    assert people["Z01"] == ("周星驰 / Stephen Chow", "元秋", "元华")
    assert people["Z06"] == ("张艺谋", "李连杰", "梁朝伟", "张曼玉", "章子怡")  # 、
    assert people["Z07"] == ("张艺谋", "刘德华", "金城武", "章子怡")  # ／
    assert people["Z13"] == ("刘伟强", "麦兆辉", "刘德华", "梁朝伟")  # Douban's " / "
    assert people["Z18"] == ("姜文", "葛优", "周润发")  # director and lead: once
    assert people["Z09"][0] == "克里斯托弗·诺兰 / Christopher Nolan"
    assert all(type(p) is tuple and all(n == n.strip() and n for n in p) for p in people.values())


def test_people_survive_the_dataset_and_count_in_its_fingerprint() -> None:
    ds = zh_films("gbk")
    assert ds.items["people"].iloc[ds.item_index["Z05"]] == ("李力持", "周星驰 / Stephen Chow", "巩俐")
    chow = [i for i, p in zip(ds.items["item_id"], ds.items["people"], strict=True) if "周星驰 / Stephen Chow" in p]
    assert tuple(chow) == STEPHEN_CHOW
    items = ds.items.drop(columns=["people"])
    without = Dataset.from_frames(ds.name, ds.interactions, items)
    assert "people" not in without.items  # optional: no column appears when the items had none
    recast = items.assign(people=[list(p) for p in ds.items["people"]])  # lists (e.g. from Parquet) become tuples
    same = Dataset.from_frames(ds.name, ds.interactions, recast)
    assert same.fingerprint == ds.fingerprint and same.items["people"].tolist() == ds.items["people"].tolist()
    other = items.assign(people=[(*p[:-1], "某人") if p else p for p in ds.items["people"]])
    assert Dataset.from_frames(ds.name, ds.interactions, other).fingerprint not in {ds.fingerprint, without.fingerprint}
    extra = pd.concat([ds.interactions.iloc[:1].assign(item_id="Z99")], ignore_index=True)
    grown = Dataset.from_frames(ds.name, pd.concat([ds.interactions, extra]), ds.items)
    assert grown.items["people"].iloc[grown.item_index["Z99"]] == ()  # an item known only from interactions


# --- property: anything either loads or raises DataError ------------------------------------------

_TOKENS = [
    *'abc123,;\t|"\n\r :.-用户物品评分时间年月日\x00\ufeff',
    "user",
    "item",
    "rating",
    "NaN",
    "inf",
    "2024-01-01",
    "\n",
]
CSVISH = st.lists(st.sampled_from(_TOKENS), max_size=120).map("".join)


def _either_loads_or_data_error(data: bytes) -> None:
    try:
        ds, rep, _ = load_dataset(data, name="fuzz.csv")
    except DataError as exc:
        assert str(exc)
        return
    assert rep.rows_loaded + rep.rows_rejected == rep.rows_total
    assert len(ds.interactions) == rep.rows_loaded > 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_load_or_raise_data_error(data: bytes) -> None:
    _either_loads_or_data_error(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CSVISH, st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]))
def test_random_csv_like_text_loads_or_raises_data_error(text: str, encoding: str) -> None:
    _either_loads_or_data_error(text.encode(encoding, errors="replace"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["1", "2", "", "x", " 3 "]),
            st.sampled_from(["a", "b", "", "NaN"]),
            st.sampled_from(["4", "-1", "inf", "", "abc", "2.5", "nan"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_good_rows_are_never_lost(rows: list[tuple[str, str, str]]) -> None:
    data = ("user,item,rating\n" + "\n".join(",".join(r) for r in rows) + "\n").encode()
    try:
        rep = load_interactions(data, name="p.csv")
    except DataError:
        assert all(not "".join(r).strip(",") for r in rows)  # only an all-blank body may fail to parse
        return
    expected = []
    seen: set[tuple[str, str]] = set()
    for u, i, r in rows:
        u, i, r = u.strip(), i.strip(), r.strip()
        if u in ("", "NaN") or i in ("", "NaN"):
            continue
        try:
            value = float(r)
        except ValueError:
            continue
        if not np.isfinite(value) or value < 0 or (u, i) in seen:
            continue
        seen.add((u, i))
        expected.append((u, i, value))
    got = list(zip(rep.frame["user_id"], rep.frame["item_id"], rep.frame["rating"], strict=True))
    assert got == expected
    assert rep.rows_loaded + rep.rows_rejected == rep.rows_total
