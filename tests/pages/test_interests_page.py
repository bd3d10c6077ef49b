"""The Interests page under Streamlit's AppTest (bilingual demo, and MovieLens for the documented example and
what recognition found in "something like A Clockwork Orange, I liked that it was Kubrick"). The page's
helpers are tested in tests/ui/test_interests_views.py.

The page's state is read through :mod:`ui.state`: ``InterestsState.profile`` is the typed profile,
``RankedList`` the list shown (its query carries the profile it was ranked for).

AppTest cannot type into a data_editor: a keyed editor is driven by assigning its edit state
(``edited_rows`` / ``added_rows`` / ``deleted_rows``) on ``at.session_state`` before ``run()``, which is
what the browser sends.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.data.dataset import Dataset
from core.interests.editing import shares as _shares
from core.interests.feedback import list_change
from core.interests.profile import InterestProfile, InterestTag
from core.workspace.store import default_workspace
from ui import state
from ui.i18n import t
from ui.interests_views import feedback_message
from ui.safe import md_escape

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "interests.py")
TIMEOUT = 600
EXAMPLE_ZH = "我喜欢科幻电影和轻松的喜剧，不要恐怖片"


def _errors(at: AppTest) -> str:
    """The page's exceptions with their stack traces (the app config redacts messages in the UI)."""
    return "\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in at.exception)


def _page(dataset_key: str = "demo:bilingual", lang: str = "zh", text: str | None = None,
          fb: str | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state["dataset_key"] = dataset_key
    at.session_state["lang"] = lang
    if text is not None:
        at.session_state["interests_text"] = text
    if fb is not None:
        at.query_params[state.FEEDBACK_PARAM] = fb
    at.run()
    assert not at.exception, _errors(at)
    return at


def _typed(at: AppTest) -> InterestProfile | None:
    """The typed profile the page stored (after edits and feedback)."""
    saved = at.session_state[state.INTERESTS_KEY]
    assert isinstance(saved, state.InterestsState)
    return saved.profile


def _ranked(at: AppTest) -> state.RankedList:
    ranked = at.session_state[state.RANKED_KEY]
    assert isinstance(ranked, state.RankedList)
    return ranked


def _profile(at: AppTest) -> InterestProfile:
    """The profile the shown list was ranked for (typed, mixed with history when a user is picked)."""
    profile = _ranked(at).query.profile
    assert isinstance(profile, InterestProfile)
    return profile


def _weights(at: AppTest) -> dict[tuple[str, int], float]:
    return {(tag.text, tag.polarity): tag.weight for tag in _profile(at).tags}


def _items(at: AppTest) -> list[int]:
    return [int(i) for i in _ranked(at).items]


def _like_keys(at: AppTest) -> list[int]:
    """Item positions of the 👍 buttons, in the order drawn."""
    prefix = "interests_like_"
    return [int(str(b.key)[len(prefix):]) for b in at.button if str(b.key).startswith(prefix)]


def _table_key(at: AppTest) -> str:
    assert len(at.data_editor) == 1
    key = at.data_editor[0].key
    assert key is not None and key.startswith("interests_table_")
    return key


# --- MovieLens: the documented example --------------------------------------------------------------


@pytest.mark.slow
def test_documented_example_avoids_horror_on_movielens(movielens: Dataset) -> None:
    at = _page("demo:movielens", "zh", EXAMPLE_ZH)
    profile = _profile(at)
    negative = [tag.text for tag in profile.negative()]
    assert any("恐怖" in text for text in negative), profile.as_dict()
    assert any("科幻" in tag.text for tag in profile.positive())
    assert at.get("plotly_chart"), "the weight chart is drawn"
    for mode in ("single", "multi"):
        at.radio(key="interests_mode").set_value(mode).run()
        assert not at.exception, _errors(at)
        assert _ranked(at).query.composition == mode
        items = _items(at)
        assert len(items) == 10
        for item in items:
            genres = set(movielens.items["tags"].iat[item]) | {movielens.items["category"].iat[item]}
            assert "Horror" not in genres, (mode, movielens.titles([item]))


KUBRICK_TEXT = "something like A Clockwork Orange, I liked that it was Kubrick"
CLOCKWORK = "1206"  # Clockwork Orange, A (1971)


def _row(at: AppTest, text: str) -> dict[str, object]:
    """The tag table's row of the tag ``text``."""
    table = at.data_editor[0].value
    rows = table[table["text"] == text]
    assert len(rows) == 1, list(table["text"])
    return dict(rows.iloc[0].to_dict())


def _named(at: AppTest, text: str) -> InterestTag:
    profile = _typed(at)
    assert profile is not None
    return next(tag for tag in profile.tags if tag.text == text)


def _keyed(at: AppTest, prefix: str) -> str:
    """The key of the one selectbox whose key starts with ``prefix`` (the correction control's keys carry the
    table version)."""
    keys = [str(s.key) for s in at.selectbox if str(s.key).startswith(prefix)]
    assert len(keys) == 1, keys
    return keys[0]


@pytest.mark.slow
def test_recognised_titles_and_people_are_shown_and_can_be_corrected(movielens: Dataset) -> None:
    at = _page("demo:movielens", "en", KUBRICK_TEXT)
    clockwork = _row(at, "A Clockwork Orange")
    assert (clockwork["kind"], clockwork["match"]) == ("item", "Clockwork Orange, A (1971)")
    kubrick = _row(at, "Kubrick")
    person = t("interests.match.attribute", "en", facet=t("interests.facet.person", "en"), label="Stanley Kubrick")
    assert (kubrick["kind"], kubrick["match"]) == ("attribute", person)
    gist = _row(at, KUBRICK_TEXT)
    assert (gist["kind"], gist["match"]) == ("gist", "")
    film = movielens.item_index[CLOCKWORK]
    assert len(_items(at)) == 10 and film not in _items(at), "the named film is not recommended back"
    named_reason = t("explain.named_item", "en", title="Clockwork Orange, A (1971)")
    shown = " ".join(str(c.value) for c in at.caption).replace("\\", "").replace("\u2060", "")
    assert named_reason.lower() in shown.lower(), "results say which named film brought them"

    # a weight edit keeps every tag's kind and match
    texts = list(at.data_editor[0].value["text"])
    at.session_state[_table_key(at)] = {"edited_rows": {texts.index("Kubrick"): {"weight": 0.5}},
                                        "added_rows": [], "deleted_rows": []}
    weights = list(at.data_editor[0].value["weight"])
    at.run()
    assert not at.exception, _errors(at)
    shown = list(at.data_editor[0].value["weight"])
    assert shown[texts.index("Kubrick")] == pytest.approx(0.5), "the typed number stays in the table"
    assert [w for i, w in enumerate(shown) if i != texts.index("Kubrick")] == \
        [w for i, w in enumerate(weights) if i != texts.index("Kubrick")], "the other numbers are left alone"
    assert (_named(at, "A Clockwork Orange").kind, _named(at, "A Clockwork Orange").key) == ("item", CLOCKWORK)
    assert (_named(at, "Kubrick").kind, _named(at, "Kubrick").key) == ("attribute", "user_tags:Stanley Kubrick")

    # not the film: the kind column set to free text drops the match, and the list is ranked again
    before = _items(at)
    at.session_state[_table_key(at)] = {"edited_rows": {texts.index("A Clockwork Orange"): {"kind": "text"}},
                                        "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, _errors(at)
    dropped = _named(at, "A Clockwork Orange")
    assert (dropped.kind, dropped.key, dropped.label) == ("text", None, None)
    assert (_row(at, "A Clockwork Orange")["kind"], _row(at, "A Clockwork Orange")["match"]) == ("text", "")
    assert _named(at, "Kubrick").kind == "attribute", "the other tags keep their match"
    assert _profile(at) is _typed(at), "the list is ranked for the edited profile"
    assert len(_items(at)) == 10 and _items(at) != before

    # the control below the table matches the tag to a different item
    at.selectbox(key=_keyed(at, "interests_fix_tag_")).set_value(texts.index("A Clockwork Orange")).run()
    at.selectbox(key=_keyed(at, "interests_fix_kind_")).set_value("item").run()
    assert not at.exception, _errors(at)
    choices = at.selectbox(key=_keyed(at, "interests_fix_item_"))
    assert choices.options[0] == "Clockwork Orange, A (1971)", "what the text names is offered first"
    assert len(choices.options) == movielens.n_items
    matrix = str(movielens.item_ids[movielens.items["title"].tolist().index("Matrix, The (1999)")])
    choices.set_value(matrix).run()
    at.button(key="interests_fix_apply").click().run()
    assert not at.exception, _errors(at)
    rematched = _named(at, "A Clockwork Orange")
    assert (rematched.kind, rematched.key, rematched.label) == ("item", matrix, "Matrix, The (1999)")
    assert _row(at, "A Clockwork Orange")["match"] == "Matrix, The (1999)"
    assert movielens.item_index[matrix] not in _items(at) and len(_items(at)) == 10

    # "not this person": drop Kubrick's match with one click
    at.selectbox(key=_keyed(at, "interests_fix_tag_")).set_value(texts.index("Kubrick")).run()
    at.button(key="interests_fix_drop").click().run()
    assert not at.exception, _errors(at)
    assert (_named(at, "Kubrick").kind, _named(at, "Kubrick").key) == ("text", None)
    assert _named(at, "A Clockwork Orange").key == matrix
    assert len(_items(at)) == 10


# --- bilingual demo ---------------------------------------------------------------------------------


def test_page_decomposes_the_default_example_and_recommends(bilingual: Dataset) -> None:
    at = _page()
    profile = _profile(at)
    assert _typed(at) is profile, "no user: the list is ranked for the typed profile itself"
    assert at.text_area(key="interests_text").value == EXAMPLE_ZH
    assert profile.text.replace(",", "，") == EXAMPLE_ZH  # decompose normalises (NFKC) the comma
    assert [tag.polarity for tag in profile.tags].count(-1) == 1
    table = at.data_editor[0].value
    assert list(table["text"]) == [tag.text for tag in profile.tags]
    assert set(table["polarity"]) == {1, -1}
    assert list(table["kind"]) == [tag.kind for tag in profile.tags]
    assert "attribute" in set(table["kind"]), "科幻 / 喜剧 / 恐怖片 are recognised as the catalogue's genres"
    assert [bool(m) for m in table["match"]] == [tag.kind in ("item", "attribute") for tag in profile.tags]
    items = _items(at)
    assert len(items) == 10 and _like_keys(at) == items, "one 👍 per listed item, in rank order"
    assert not any("Horror" in bilingual.items["category"].iat[i] for i in items)
    assert at.get("plotly_chart")
    ranked = _ranked(at)
    assert ranked.query.user_id is None and ranked.query.composition == "single"
    fusion = at.session_state[state.FUSION_KEY]
    assert fusion == state.FusionState(), "a new session ranks with FusionConfig() and no user"
    note = t("interests.weights_note", "zh", weights="\x00").split("\x00")[0]
    assert any(c.value.startswith(note) for c in at.caption), "the weights in use are named"


def test_editing_a_weight_changes_the_profile() -> None:
    at = _page()
    before = _profile(at)
    first = before.tags[0]
    table = at.data_editor[0].value
    assert list(table["weight"]) == pytest.approx([round(w, 4) for w in _shares(before)])
    key = _table_key(at)
    at.session_state[key] = {"edited_rows": {0: {"weight": 0.9}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, _errors(at)
    after = _profile(at)
    assert after is not before
    shown = at.data_editor[0].value
    assert shown["weight"].iat[0] == pytest.approx(0.9), "the typed weight is kept"
    assert list(shown["weight"].iloc[1:]) == list(table["weight"].iloc[1:]), "no other number is rescaled"
    same = [i for i, tag in enumerate(after.tags) if tag.polarity == first.polarity]
    typed = sum(float(shown["weight"].iat[i]) for i in same)
    edited = next(tag for tag in after.tags if tag.text == first.text and tag.polarity == first.polarity)
    assert edited.weight == pytest.approx(0.9 / typed * (1.0 if first.polarity > 0 else after.negative_scale),
                                          abs=1e-3), "the ranking uses the typed numbers' ratios"
    assert sum(tag.weight for tag in after.positive()) == pytest.approx(1.0)
    assert list(shown["share"]) == [round(100 * s, 1) for s in _shares(after)], "Share beside each number"
    assert _table_key(at) != key, "the table is redrawn from the new profile"

    # a negative weight is refused with a message that points to Polarity; nothing changes
    key = _table_key(at)
    at.session_state[key] = {"edited_rows": {1: {"weight": -0.5}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, _errors(at)
    assert [(tag.text, tag.polarity, tag.weight) for tag in _profile(at).tags] == \
        [(tag.text, tag.polarity, tag.weight) for tag in after.tags]
    assert any(e.value.startswith(t("interests.weight_refused.negative", "zh", tag="\x00", value="").split("\x00")[0])
               for e in at.error), "the refusal says why and what to use instead"
    assert list(at.data_editor[0].value["weight"]) == list(shown["weight"]), "the table is back to its numbers"
    assert all(p in (1, -1) for p in at.data_editor[0].value["polarity"])

    # a polarity change leaves the other tags' numbers as they are
    numbers = list(at.data_editor[0].value["weight"])
    key = _table_key(at)
    at.session_state[key] = {"edited_rows": {1: {"polarity": -1}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, _errors(at)
    assert list(at.data_editor[0].value["weight"]) == numbers
    assert _profile(at).tags[1].polarity == -1
    assert not at.error, "the refusal message went with the refused edit"

    # switching a tag's polarity and adding a new tag through the table
    key = _table_key(at)
    at.session_state[key] = {"edited_rows": {}, "added_rows": [{"text": "纪录片", "polarity": 1}],
                             "deleted_rows": []}
    at.run()
    assert not at.exception, _errors(at)
    added = [tag for tag in _profile(at).tags if tag.text == "纪录片"]
    assert len(added) == 1
    assert added[0].weight > 0
    assert added[0].source == "edited"

    at.button(key="interests_reset").click().run()
    assert not at.exception, _errors(at)
    assert [tag.text for tag in _profile(at).tags] == [tag.text for tag in before.tags]


def _feedback_text(at: AppTest, dataset: Dataset, before: list[int], item: int, event: str) -> str:
    """The message the page should show after ``event`` on ``item``: computed from the lists (before, now)."""
    change = list_change(before, _items(at), item, event)  # type: ignore[arg-type]
    return feedback_message(change, dataset.titles([item])[0], dataset.titles, lambda k, **f: t(k, "zh", **f), "zh")


def test_like_adds_the_item_as_liked_and_dislike_removes_one_saying_what_changed(
    tmp_workspace: Path, bilingual: Dataset
) -> None:
    at = _page()
    before_weights, before = _weights(at), _items(at)
    top = before[0]
    at.button(key=f"interests_like_{top}").click().run()
    assert not at.exception, _errors(at)
    liked = [tag for tag in _typed(at).tags if tag.kind == "item"]  # type: ignore[union-attr]
    assert [(tag.key, tag.polarity, tag.source) for tag in liked] == [(str(bilingual.item_ids[top]), 1, "feedback")]
    assert "item" in list(at.data_editor[0].value["kind"]), "the liked item shows in the tag table"
    after = _items(at)
    assert top not in after and len(after) == 10, "a liked item is seen: it leaves the list"
    assert set(after) - set(before), "new items come in"
    assert _weights(at) != before_weights, "the tags' weights move as well"
    message = _feedback_text(at, bilingual, before, top, "like")
    assert [s.value for s in at.success] == [message]
    assert t("interests.feedback.left_like", "zh") in message and "新进入列表" in message
    assert "权重已更新并重新排序" not in message

    before = after
    disliked = before[2]
    at.button(key=f"interests_dislike_{disliked}").click().run()
    assert not at.exception, _errors(at)
    after = _items(at)
    assert disliked not in after and len(after) == 10, "the disliked item leaves the list at once"
    message = _feedback_text(at, bilingual, before, disliked, "dislike")
    assert [s.value for s in at.success] == [message]
    change = list_change(before, after, disliked, "dislike")
    assert change.entered and t("interests.feedback.left_dislike", "zh") in message
    named = [md_escape(title) for title in bilingual.titles(list(change.entered[:3]))]
    assert all(title in message for title in named), "the message names the items that came in"
    assert _profile(at).positive(), "feedback never drops the wanted tags"
    assert top not in after, "the liked item stays out"

    at.run()  # the message is said once
    assert not at.exception, _errors(at)
    assert not at.success


def test_a_film_named_as_liked_is_a_recognised_tag_and_not_recommended(bilingual: Dataset) -> None:
    at = _page(text="我很喜欢《星海远航》，还想看科幻片")
    star_sea = bilingual.item_index["I0001"]
    named = [tag for tag in _typed(at).tags if tag.kind == "item"]  # type: ignore[union-attr]
    assert [(tag.key, tag.polarity) for tag in named] == [("I0001", 1)]
    assert _row(at, named[0].text)["match"] == "星海远航"
    assert len(_items(at)) == 10 and star_sea not in _items(at)


def test_feedback_is_kept_in_the_workspace_and_replayed_after_a_reload(
    tmp_workspace: Path, bilingual: Dataset
) -> None:
    at = _page()
    decomposed = _weights(at)
    liked = _items(at)[0]
    at.button(key=f"interests_like_{liked}").click().run()
    disliked = _items(at)[3]
    at.button(key=f"interests_dislike_{disliked}").click().run()
    assert not at.exception, _errors(at)
    fb = at.query_params.get(state.FEEDBACK_PARAM)
    assert isinstance(fb, str) and fb, "the feedback session id is in the URL"
    events = default_workspace().list_feedback(bilingual.fingerprint, session_id=fb)
    assert [(e.item_id, e.action) for e in events] == [(str(bilingual.item_ids[liked]), "like"),
                                                       (str(bilingual.item_ids[disliked]), "dislike")]
    weights, items = _weights(at), _items(at)

    assert liked not in items and disliked not in items
    reloaded = _page(fb=fb)  # a reload: a new session with the same URL
    assert _weights(reloaded) == pytest.approx(weights), "the session's feedback is replayed"
    assert _items(reloaded) == items, "the liked and the disliked item stay out"
    assert [(tag.key, tag.polarity) for tag in _typed(reloaded).tags if tag.kind == "item"] == [  # type: ignore[union-attr]
        (str(bilingual.item_ids[liked]), 1), (str(bilingual.item_ids[disliked]), -1)]
    assert not reloaded.success, "a reload replays the feedback without repeating its message"
    assert any(c.value == t("interests.feedback_kept", "zh", n=2) for c in reloaded.caption)
    assert [(e.profile_text, e.action) for e in events] == [(EXAMPLE_ZH, "like"), (EXAMPLE_ZH, "dislike")]
    other_text = "想看烧脑的悬疑推理片"
    other = _page(fb=fb, text=other_text)
    assert _weights(other) == pytest.approx(_weights(_page(text=other_text))), "feedback stays with its text"
    assert not [b for b in other.button if b.key == "interests_clear_feedback"]

    reloaded.button(key="interests_clear_feedback").click().run()
    assert not reloaded.exception, _errors(reloaded)
    assert _weights(reloaded) == pytest.approx(decomposed)
    assert default_workspace().list_feedback(bilingual.fingerprint, session_id=fb) == []
    assert _weights(_page(fb=fb)) == pytest.approx(decomposed), "cleared feedback stays cleared"


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("<script>alert('x')</script><b>科幻</b>电影 & <img src=x onerror=alert(1)>", "markup_removed"),
        ("", "empty"),
        ("😀🎉🍿", "no_words"),
        ("我喜欢科幻电影，" * 1300, "truncated"),
        ("asdfghjkl qwertyuiop", "ungrounded"),
    ],
    ids=["html", "empty", "emoji", "10k-chars", "gibberish"],
)
def test_bad_input_gives_a_profile_or_a_clear_message(text: str, expect: str) -> None:
    at = _page(lang="en", text=text)
    warnings = [w.value for w in at.warning]
    infos = [i.value for i in at.info]
    if expect == "markup_removed":
        profile = _profile(at)
        assert all("<" not in tag.text and "script" not in tag.text for tag in profile.tags)
        assert t("interests.notice.markup_removed", "en") in infos
    elif expect == "empty":
        assert t("interests.empty", "en") in infos
        assert _typed(at) is None
    elif expect == "no_words":
        assert any(w.startswith(t("interests.decompose_error", "en", error="")) for w in warnings), warnings
        assert _typed(at) is None
    elif expect == "truncated":
        assert len(text) > 10_000 - 1000
        assert any("1,000" in w for w in warnings), warnings
        assert _profile(at).tags
    else:
        profile = _profile(at)
        assert not all(tag.grounded for tag in profile.tags)
        assert t("interests.notice.ungrounded", "en") in warnings
        frame = at.data_editor[0].value
        assert not frame["grounded"].all()


def test_language_toggle_switches_the_page() -> None:
    at = _page(lang="en")
    assert at.header[0].value == t("interests.header", "en")
    assert at.text_area(key="interests_text").label == t("interests.input", "en")
    assert at.radio(key="interests_mode").options == [t("interests.mode.single", "en"),
                                                      t("interests.mode.multi", "en")]
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, _errors(at)
    assert at.header[0].value == t("interests.header", "zh")
    assert at.text_area(key="interests_text").label == t("interests.input", "zh")


def test_history_interests_mix_with_typed_ones(bilingual: Dataset) -> None:
    at = _page(lang="en")
    user = str(bilingual.user_ids[0])
    at.selectbox(key="interests_user").set_value(user).run()
    assert not at.exception, _errors(at)
    history = at.dataframe[-1].value
    medoids = list(history[t("interests.hcol.medoid", "en")])
    assert medoids and all(isinstance(m, str) and m for m in medoids), "each cluster shows its medoid title"
    sources = {tag.source for tag in _profile(at).tags}
    assert "history" in sources and sources - {"history"}, sources  # typed tags (matched, free text, gist) stay
    share = sum(tag.weight for tag in _profile(at).positive() if tag.source == "history")
    assert share == pytest.approx(0.5, abs=1e-6)

    at.slider(key="interests_alpha").set_value(0.0).run()
    assert not at.exception, _errors(at)
    assert all(tag.source != "history" for tag in _profile(at).tags)
    assert _profile(at).negative(), "typed things to avoid stay"
    seen = set(bilingual.user_history(user)["item_idx"].tolist())
    assert seen and not seen & set(_items(at)), "the user's own items are left out"
    assert _ranked(at).query.user_id == user
    assert at.session_state[state.FUSION_KEY].user_id == user, "the user is shared with the Tuning page"
