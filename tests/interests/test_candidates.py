"""Clause analysis (:mod:`core.interests.candidates`): polarity, negation scope and the gist's cuts."""

from __future__ import annotations

import pytest

from core.interests.candidates import analyse_clauses, extract_candidates, gist_text
from core.interests.text import normalise, split_clauses


def _parts(text: str) -> list[tuple[int, str]]:
    clean = normalise(text)
    return [(i.polarity, clean[i.core[0].start : i.core[-1].end]) for i in analyse_clauses(clean, split_clauses(clean))
            if i.core]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # negating seeing / knowing / mattering / minding is not a dislike (INSPIRED dialogues)
        ("I'm interested in action movies and I don't mind comedy movies as well",
         [(1, "interested in action movies"), (1, "mind comedy movies as well")]),
        ("i dont see naturally", [(1, "naturally")]),
        ("I haven't seen it, I don't know", [(1, "haven't seen"), (1, "know")]),
        ("That does not matter I like drama movies", [(1, "matter I like drama movies")]),
        # a reply is not a dislike: "no" before a pronoun / stop word, an auxiliary with no verb, "not yet"
        ("no i dont it was great", [(1, "great")]),
        ("Not yet Wow", [(1, "Wow")]),
        # a negated copula describes a thing, unless the person is the judge
        ("it's not quite sci-fi", [(1, "sci-fi")]),
        ("horror isn't my thing", [(-1, "horror")]),
        # a reply word ends the scope in unpunctuated text
        ("I don't like sad movies yes", [(-1, "sad movies"), (1, "yes")]),
        # a dislike stays one
        ("I don't watch horror", [(-1, "horror")]),
        ("I don't really like horror", [(-1, "horror")]),
        # unpunctuated: a new "I like ..." ends the negation's scope
        ("I don't like horror I like comedy", [(-1, "horror"), (1, "comedy")]),
        ("no gore we love cozy mysteries", [(-1, "gore"), (1, "cozy mysteries")]),
        # unchanged: enumeration carries the negation, punctuation ends it
        ("family comedies without horror or gore", [(1, "family comedies"), (-1, "horror"), (-1, "gore")]),
        ("no horror, more sci-fi comedies", [(-1, "horror"), (1, "sci-fi comedies")]),
        ("no romance please", [(-1, "romance")]),
        ("我喜欢科幻电影和轻松的喜剧，不要恐怖片", [(1, "科幻电影"), (1, "轻松的喜剧"), (-1, "恐怖片")]),
    ],
)
def test_negation_scope(text: str, expected: list[tuple[int, str]]) -> None:
    assert _parts(text) == expected


def test_gist_keeps_what_follows_a_closed_negation() -> None:
    clean = normalise("I don't like horror I like comedy")
    assert gist_text(clean, analyse_clauses(clean, split_clauses(clean))) == "I like comedy"


def _candidates(text: str, terms: tuple[str, ...] = ()) -> list[tuple[str, int, str]]:
    clean = normalise(text)
    return [(c.text, c.polarity, c.source)
            for c in extract_candidates(clean, analyse_clauses(clean, split_clauses(clean)), terms)]


def test_the_same_text_wanted_and_avoided_stays_twice() -> None:
    """'gore, no gore' used to keep only the later polarity: the positive was silently dropped."""
    assert _candidates("I like gore, no gore") == [("gore", 1, "clause"), ("gore", -1, "clause")]
    assert _candidates("gore and splatter, gore") == [("gore", 1, "clause"), ("splatter", 1, "clause")]


def test_a_catalogue_term_does_not_repeat_its_clause_with_another_polarity() -> None:
    """'family comedies without horror': the term 'horror' sits in a clause that also wants something; its
    clause core (avoided) decides, no spurious wanted copy makes a contradiction."""
    found = _candidates("family comedies without horror", terms=("horror",))
    assert [c for c in found if c[0] == "horror"] == [("horror", -1, "clause")]


def test_other_script_clauses_are_candidates() -> None:
    assert _candidates("أفلام الرعب، الكوميديا") == [("أفلام الرعب", 1, "clause"), ("الكوميديا", 1, "clause")]
