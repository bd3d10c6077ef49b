"""ui.interests_views: the tag table with each tag's kind and match, the choices offered to correct a match,
edit detection, the weight chart and the weights note (no Streamlit run; the page itself is in
tests/pages/test_interests_page.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.dataset import Dataset
from core.interests.editing import TagWeightError, apply_table
from core.interests.profile import TAG_KINDS, InterestProfile, InterestTag
from core.interests.recognise import CatalogueIndex, catalogue_index
from core.vectors.encoders import Encoder
from ui import interests_views as iv
from ui.i18n import CATALOGUE, t

CLOCKWORK = "1206"  # Clockwork Orange, A (1971) in the MovieLens demo
KUBRICK = "user_tags:Stanley Kubrick"


def _en(key: str, **fmt: object) -> str:
    return t(key, "en", **fmt)


def _zh(key: str, **fmt: object) -> str:
    return t(key, "zh", **fmt)


@pytest.fixture(scope="module")
def catalogue(movielens: Dataset) -> CatalogueIndex:
    return catalogue_index(movielens)


def _tag(text: str, weight: float, polarity: int = 1, grounded: bool = True, kind: str = "text",
         key: str | None = None, label: str | None = None) -> InterestTag:
    return InterestTag(text=text, weight=weight, polarity=polarity, vector=np.ones(4, dtype=np.float32) / 2,
                       grounded=grounded, grounding=0.3, kind=kind, key=key, label=label,
                       source="gist" if kind == "gist" else "match" if key else "clause")


def _recognised() -> InterestProfile:
    """What decomposing "something like A Clockwork Orange, I liked that it was Kubrick, 科幻, inventive" gives."""
    return InterestProfile(text="x", tags=[
        _tag("A Clockwork Orange", 0.4, kind="item", key=CLOCKWORK, label="Clockwork Orange, A (1971)"),
        _tag("Kubrick", 0.2, kind="attribute", key=KUBRICK, label="Stanley Kubrick"),
        _tag("科幻", 0.1, kind="attribute", key="tags:Sci-Fi", label="Sci-Fi"),
        _tag("inventive", 0.1),
        _tag("something like A Clockwork Orange", 0.2, kind="gist"),
        _tag("horror", 0.5, -1, kind="attribute", key="tags:Horror", label="Horror"),
    ])


# --- kind and match ---------------------------------------------------------------------------------


def test_every_kind_and_facet_has_a_label_in_both_languages() -> None:
    for kind in TAG_KINDS:
        assert f"interests.kind.{kind}" in CATALOGUE
        assert iv.kind_label(kind, _en) != iv.kind_label(kind, _zh)
    assert iv.kind_label("item", _en) == "Item" and iv.kind_label("text", _zh) == "自由文本"
    for facet in iv.FACETS:
        assert f"interests.facet.{facet}" in CATALOGUE
    assert iv.facet_label("person", _zh) == "人物"
    assert iv.facet_label("director", _en) == "director", "a dataset column's facet is its own name"


def test_frame_shows_the_kind_and_the_match_of_each_tag(catalogue: CatalogueIndex) -> None:
    frame = iv.profile_frame(_recognised(), _en, catalogue)
    assert list(frame.columns) == list(iv.TABLE_COLUMNS)
    assert list(frame["kind"]) == ["item", "attribute", "attribute", "text", "gist", "attribute"]
    assert list(frame["match"]) == ["Clockwork Orange, A (1971)", "person: Stanley Kubrick", "Sci-Fi", "", "",
                                    "Horror"]
    assert list(frame["polarity"]) == [1, 1, 1, 1, 1, -1]
    zh = iv.profile_frame(_recognised(), _zh, catalogue)
    assert zh["match"].iat[1] == "人物：Stanley Kubrick"
    assert list(zh["kind"]) == list(frame["kind"]), "kinds stay ids in the data; the column's labels translate"
    assert iv.profile_frame(None, _en).empty


def test_match_text_without_a_catalogue_or_with_an_unknown_key() -> None:
    item = _tag("x", 1.0, kind="item", key=CLOCKWORK, label="Clockwork Orange, A (1971)")
    assert iv.match_text(item, None, _en) == "Clockwork Orange, A (1971)"
    attribute = _tag("y", 1.0, kind="attribute", key="tags:Nope", label="Nope")
    assert iv.match_text(attribute, None, _en) == "Nope"


def test_tag_options_name_the_tag_and_what_it_matched(catalogue: CatalogueIndex) -> None:
    tags = _recognised().tags
    options = [iv.tag_option(tag, catalogue, _en, width=20) for tag in tags]
    assert options[0] == "A Clockwork Orange → Clockwork Orange, A (1971)"
    assert options[1] == "Kubrick → person: Stanley Kubrick"
    assert options[3] == "inventive (Free text)"
    assert options[4] == "something like A Cl… (Gist)"
    assert options[5] == "−horror → Horror", "an avoided tag is marked"


def test_table_columns_translate_the_kind_options() -> None:
    columns = iv.tag_columns(_zh)
    kind = columns["kind"]
    options = kind["type_config"]["options"]
    assert [o["value"] for o in options] == list(TAG_KINDS)
    assert [o["label"] for o in options] == [_zh(f"interests.kind.{k}") for k in TAG_KINDS]
    assert columns["match"]["label"] == _zh("interests.col.match")


# --- correcting a match -----------------------------------------------------------------------------


def test_suggestions_put_what_the_text_names_first(catalogue: CatalogueIndex, movielens: Dataset) -> None:
    titles = dict(zip(catalogue.item_ids, catalogue.titles, strict=True))
    assert iv.item_suggestions(catalogue, "A Clockwork Orange")[0] == CLOCKWORK
    assert iv.item_suggestions(catalogue, "Clockwork")[0] == CLOCKWORK, "a partial title is suggested"
    matrix = [titles[k] for k in iv.item_suggestions(catalogue, "matrix", 3)]
    assert matrix[0] == "Matrix, The (1999)" and all("Matrix" in m for m in matrix)
    assert iv.item_suggestions(catalogue, "inventive") == []
    assert iv.attribute_suggestions(catalogue, "Kubrick")[0] == KUBRICK
    assert iv.attribute_suggestions(catalogue, "科幻")[0] == "tags:Sci-Fi"


def test_choices_start_with_the_current_match_and_hold_the_whole_catalogue(catalogue: CatalogueIndex) -> None:
    tags = _recognised().tags
    items = iv.item_choices(catalogue, tags[0])
    assert items[0] == CLOCKWORK
    assert sorted(items) == sorted(catalogue.item_ids), "every item once"
    text_items = iv.item_choices(catalogue, _tag("Clockwork", 1.0))
    assert text_items[0] == CLOCKWORK, "a free-text tag is offered the title its text names first"
    attributes = iv.attribute_choices(catalogue, tags[1])
    assert attributes[0] == KUBRICK
    assert sorted(attributes) == sorted(a.key for a in catalogue.attributes)
    moved = iv.attribute_choices(catalogue, _tag("Kubrick", 1.0, kind="attribute", key="tags:Drama", label="Drama"))
    assert moved[:2] == ["tags:Drama", KUBRICK]
    assert iv.attribute_text(catalogue.attribute("tags:Sci-Fi"), _en) == "tag: Sci-Fi"


def test_a_kind_switched_in_the_table_gets_the_best_match_of_that_kind(catalogue: CatalogueIndex) -> None:
    profile = InterestProfile(text="x", tags=[_tag("Clockwork", 0.5), _tag("Kubrick", 0.5),
                                              _tag("inventive", 0.5)])
    rows = [{"text": "Clockwork", "weight": 0.5, "polarity": 1, "kind": "item"},
            {"text": "Kubrick", "weight": 0.5, "polarity": 1, "kind": "attribute"},
            {"text": "inventive", "weight": 0.5, "polarity": 1, "kind": "item"},
            {"text": "new", "weight": 0.5, "polarity": 1, "kind": None}]
    keyed = iv.with_match_keys(rows, profile, catalogue)
    assert keyed[0]["key"] == CLOCKWORK and keyed[1]["key"] == KUBRICK
    assert "key" not in keyed[2] and "key" not in keyed[3], "nothing to suggest: matched by its text"
    assert iv.with_match_keys(rows, profile, None) == rows
    after = InterestProfile(text="x", tags=[_tag("Clockwork", 0.5, kind="item", key=CLOCKWORK),
                                            _tag("Kubrick", 0.5, kind="attribute", key=KUBRICK),
                                            _tag("inventive", 0.5), _tag("new", 0.5)])
    assert iv.missed_kinds(rows, after) == [("inventive", "item")]


def test_table_edits_keep_the_kind_and_match_of_untouched_tags(
    catalogue: CatalogueIndex, use_encoder: Encoder
) -> None:
    profile = _recognised()
    frame = iv.profile_frame(profile, _en, catalogue)
    edited = frame.copy()
    edited.loc[3, "weight"] = 0.9  # inventive
    edited.loc[5, "polarity"] = 1  # horror now wanted
    edited.loc[0, "kind"] = "text"  # A Clockwork Orange is not the film
    rows = iv.editor_rows(edited)
    assert iv.signature(rows) != iv.signature(iv.editor_rows(frame))
    updated = apply_table(profile, iv.with_match_keys(rows, profile, catalogue), use_encoder, None,
                          catalogue=catalogue)
    by_text = {tag.text: tag for tag in updated.tags}
    assert (by_text["A Clockwork Orange"].kind, by_text["A Clockwork Orange"].key) == ("text", None)
    for tag in profile.tags[1:]:
        assert (by_text[tag.text].kind, by_text[tag.text].key, by_text[tag.text].label) == (tag.kind, tag.key,
                                                                                            tag.label)
    assert by_text["horror"].polarity == 1
    assert iv.missed_kinds(rows, updated) == []


# --- table rows and edits ---------------------------------------------------------------------------


def test_table_rows_round_trip_and_detect_edits() -> None:
    profile = InterestProfile(text="x", tags=[_tag("a", 0.6), _tag("b", 0.4), _tag("<i>c</i>", 0.5, -1, False)])
    frame = iv.profile_frame(profile, _en)
    rows = iv.editor_rows(frame)
    assert [r["text"] for r in rows] == ["a", "b", "<i>c</i>"]
    assert [r["kind"] for r in rows] == ["text"] * 3
    assert iv.signature(rows) == iv.signature(iv.editor_rows(frame.copy()))
    edited = frame.copy()
    edited.loc[0, "weight"] = 0.9
    assert iv.signature(iv.editor_rows(edited)) != iv.signature(rows)
    added = pd.concat([frame, pd.DataFrame([{"text": " new ", "weight": None, "polarity": None}])])
    new_rows = iv.fill_missing_weights(iv.editor_rows(added))
    assert new_rows[-1] == {"text": "new", "weight": pytest.approx(0.5), "polarity": 1, "kind": None}, \
        "a new row gets the mean of the typed weights of its polarity (0.6, 0.4)"
    lone = pd.DataFrame([{"text": "x", "weight": None, "polarity": -1}])
    assert iv.fill_missing_weights(iv.editor_rows(lone))[0]["weight"] == 1.0
    rekinded = edited.copy()
    rekinded.loc[1, "kind"] = "item"
    assert iv.signature(iv.editor_rows(rekinded)) != iv.signature(iv.editor_rows(edited))
    junk = frame.copy()
    junk.loc[0, "kind"] = "nonsense"
    assert iv.editor_rows(junk)[0]["kind"] is None
    blank = pd.concat([frame, pd.DataFrame([{"text": None, "weight": 0.2, "polarity": 1}])])
    assert len(iv.editor_rows(blank)) == 3


def test_weight_chart_escapes_labels_and_colours_negatives() -> None:
    profile = InterestProfile(text="x", tags=[_tag("<b>a</b>", 0.6), _tag("b", 0.4, grounded=False),
                                              _tag("c", 0.5, -1)])
    fig = iv.weight_chart(profile, "title", "axis", "!")
    bar = fig.data[0]
    assert list(bar.y) == ["&lt;b&gt;a&lt;/b&gt;", "b !", "c"]
    assert list(bar.x) == [60.0, 40.0, -100.0], "each tag's share of its polarity, avoided ones to the left"
    assert list(bar.text) == ["+60.0%", "+40.0%", "−100.0%"]
    assert bar.marker.color[2] == iv.NEGATIVE_COLOUR != bar.marker.color[0]


def test_table_and_chart_show_the_same_rounded_shares() -> None:
    # 0.5549 / 0.4451 once showed as 0.555 in the table and +0.56 in the chart
    profile = InterestProfile(text="x", tags=[_tag("a", 0.5549), _tag("b", 0.4451), _tag("c", 0.2, -1),
                                              _tag("d", 0.3, -1)])
    frame = iv.profile_frame(profile, _en)
    bar = iv.weight_chart(profile, "t", "a", "!").data[0]
    assert list(frame["share"]) == [55.5, 44.5, 40.0, 60.0]
    assert [abs(x) for x in bar.x] == list(frame["share"])
    assert list(bar.text) == [iv.share_label(p, pol) for p, pol in zip(frame["share"], frame["polarity"],
                                                                      strict=True)]
    assert list(bar.text) == ["+55.5%", "+44.5%", "−40.0%", "−60.0%"]
    share = iv.tag_columns(_en)["share"]
    assert share["type_config"]["format"] == "%.1f%%", "the table's share format has the chart's decimals"


def test_the_table_keeps_typed_weights_and_refuses_negatives_with_a_message() -> None:
    profile = InterestProfile(text="x", tags=[_tag("a", 0.75), _tag("b", 0.25), _tag("c", 0.5, -1)])
    assert list(iv.profile_frame(profile, _en)["weight"]) == [0.75, 0.25, 1.0], "shares (per polarity) by default"
    typed = iv.profile_frame(profile, _en, raw=(3.0, 1.0, 0.4))
    assert list(typed["weight"]) == [3.0, 1.0, 0.4] and list(typed["share"]) == [75.0, 25.0, 100.0]
    assert list(iv.profile_frame(profile, _en, raw=(1.0,))["weight"]) == [0.75, 0.25, 1.0], "stale raw ignored"
    weight = iv.tag_columns(_en)["weight"]
    assert weight["type_config"].get("min_value") is None, "the grid must not drop a typed minus sign"
    message = iv.weight_refusal(TagWeightError("negative", "*horror*", -0.5), _en)
    assert "-0.5" in message and "Polarity" in message and "\\*horror\\*" in message
    assert "方向" in iv.weight_refusal(TagWeightError("negative", "x", -1.0), _zh)
    zero = iv.weight_refusal(TagWeightError("all_zero", "c", 0.0, -1), _en)
    assert "avoided" in zero and "0" in zero
    polarity = iv.tag_columns(_en)["polarity"]
    assert [o["label"] for o in polarity["type_config"]["options"]] == ["+1 want", "−1 avoid"]


def test_weights_text_names_the_weights_in_use() -> None:
    from core.ranking.config import FusionConfig, FusionWeights

    config = FusionConfig(weights=FusionWeights.from_dict({"semantic": 1.0, "popularity": 0.2, "graph": 0.3}))
    assert iv.weights_text(config, lambda c: c) == "semantic 1.00 · popularity 0.20 · graph 0.30"
    rrf = FusionConfig(weights=FusionWeights.from_dict({"semantic": 1.0}), method="rrf", mmr_lambda=0.7)
    assert iv.weights_text(rrf, str.upper) == "SEMANTIC 1.00 · RRF k=60 · MMR λ=0.70"


def test_feedback_message_says_what_changed_from_the_lists_before_and_after() -> None:
    from core.interests.feedback import list_change

    titles = {1: "*Heat*", 2: "B", 3: "C", 4: "D", 5: "E", 6: "F", 7: "G", 8: "H"}

    def names(items: list[int] | tuple[int, ...]) -> list[str]:
        return [titles[i] for i in items]

    liked = list_change([1, 2, 3, 4], [2, 3, 6, 7], 1, "like")
    text = iv.feedback_message(liked, titles[1], names, _en, "en")
    assert text == ("Liked “\\*Heat\\*”: added to your interests as a liked item; it left the list (what you like "
                    "is not recommended back); 2 new in the list: “F” and “G”; 1 dropped out of the list: “D”.")
    zh = iv.feedback_message(liked, titles[1], names, _zh, "zh")
    assert zh.startswith(_zh("interests.feedback.like", title="\\*Heat\\*") + "；") and zh.endswith("。")
    assert "新进入列表 2 个：「F」、「G」" in zh

    disliked = list_change([1, 2, 3, 4, 5], [3, 4, 2, 6, 5], 5, "dislike")  # 5 itself stays: say so
    text = iv.feedback_message(disliked, "E", names, _en, "en")
    assert text == ("Disliked “E”: added to your interests as an item to avoid; it is still listed at #5; "
                    "1 new in the list: “F”; 2 moved up: “C” and “D”; 1 moved down: “B”; "
                    "1 dropped out of the list: “\\*Heat\\*”.")

    many = list_change([1], [2, 3, 4, 5, 6], 1, "like")
    assert "5 new in the list: “B”, “C”, “D” and 2 more" in iv.feedback_message(many, "x", names, _en, "en")
    only = list_change([1, 2, 3], [2, 3], 1, "dislike")
    assert iv.feedback_message(only, "A", names, _en, "en").endswith(
        "it is removed from the list; the other items kept their places.")
    same = list_change([1, 2, 3], [1, 2, 3], 1, "like")
    assert iv.feedback_message(same, "A", names, _en, "en") == \
        "Liked “A”: added to your interests as a liked item; the list did not change."
