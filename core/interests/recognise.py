"""Recognising what people name: catalogue titles, genres, tags and people found in typed text.

:class:`CatalogueIndex` is built once per :class:`~core.data.dataset.Dataset` (:meth:`CatalogueIndex.build`, or
:func:`catalogue_index`, which caches the last few by dataset fingerprint) from the dataset's own metadata
(folding, title parsing and the guards live in :mod:`core.interests.aliases`):

- **items**: every title's aliases (``"Matrix, The (1999)"`` -> ``the matrix``, ``matrix``; a.k.a. titles,
  prefixes, subtitles, sequel numbers); an extra item column that holds titles (named like ``title`` /
  ``标题`` / ``name``, or short and ~unique per item, such as the bilingual demo's ``title_en``) adds
  aliases too. Chinese titles match bare or in 《》; bare ones of two characters need 《》 or quotes, of
  three they must fall on jieba's word boundaries (catalogue titles are added to jieba's dictionary).
- **attributes** (:class:`Attribute`): the items' ``tags`` (MovieLens genres), ``category``, any extra
  categorical string column (at most one distinct value per two items), and users' free-text tags
  (``dataset.user_tags``) attached to at least :data:`MIN_USER_TAG_ITEMS` items, except judgements
  (:data:`~core.interests.aliases.USER_TAG_STOP`). Bilingual labels answer to both names; tag and
  category labels also to English plurals and Chinese ``片`` / ``电影`` / ``剧`` suffixes (恐怖片); the
  MovieLens genres to their Chinese names and a few synonyms. When one alias names several attributes,
  the best alias, then the one with most items wins (in MovieLens ``Sci-Fi`` is the genre tag, not the
  users' tag ``sci-fi``).
- **people**: every name of the items' ``people`` column (director / cast / author / artist; field
  ``people``, both parts of a ``"周星驰 / Stephen Chow"`` label answer) and every person-like users' tag
  (:func:`~core.interests.aliases.person_like`, e.g. ``Stanley Kubrick``) is an attribute of facet
  ``person``; a person-like name's last word alone (``Kubrick``, ``Chow``) names it too, as does the part
  after the last ``·`` of a transliterated Chinese name (``诺兰`` of ``克里斯托弗·诺兰``); a surname that is a
  common word, appears in a title or is shared by several people must then be capitalised (Chinese:
  marked) in the text. A users' tag that spells a name of the ``people`` column adds no second alias.

:meth:`CatalogueIndex.find` returns non-overlapping :class:`Match` es (longest span first): exact aliases by
an Aho-Corasick automaton (pyahocorasick) at word boundaries, and a rapidfuzz fallback for small typos
on multi-word titles and names (``fuzz.ratio >= FUZZY_CUTOFF`` against aliases sharing a rare word with
the span). A title named by several items goes to the one whose year follows it in the text
(``Hamlet (1948)``), else to the best alias, then the most popular item (``dataset.item_popularity``).
A genre or tag word maps to the attribute, not to a film titled ``Horror``, unless the film is marked
as a title (quoted, 《》, year); a full title beats a users' tag or a surname of the same words.
:meth:`CatalogueIndex.resolve_title` resolves a title given alone (exact alias, else fuzzy).
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from core.data.dataset import ITEM_COLUMNS, Dataset
from core.interests.aliases import (
    ARTICLES,
    COMMON_PHRASE_RANK,
    COMMON_WORDS_EN,
    FUZZY_CUTOFF,
    GENRE_SYNONYMS_EN,
    GENRE_ZH_EN,
    Q_ALT,
    Q_FULL,
    Q_SURNAME,
    QUOTED,
    USER_TAG_STOP,
    SpanContext,
    common_word,
    english_vocabulary,
    fold,
    fold_map,
    fuzzy_ok,
    has_han,
    inside_compound,
    is_title_column,
    is_word,
    label_parts,
    parse_title,
    person_like,
    plurals,
    title_aliases,
)
from core.interests.text import GENERIC_WORDS, POSITIVE_CUES, STOP_WORDS_EN, add_user_terms, tokenize

MatchKind = Literal["item", "attribute"]

MIN_USER_TAG_ITEMS = 2
"""A users' tag becomes an attribute when it is attached to at least this many distinct items."""
FUZZY_MIN_CHARS = 8
"""Aliases shorter than this (folded) are never matched fuzzily."""
MAX_FUZZY_WORDS = 7
MAX_POSTINGS = 300
"""A word shared by more aliases than this is too common to propose fuzzy candidates."""
_FIELD_RANK = {"people": 4, "tags": 3, "category": 2, "user_tags": 0}
_PERSON_FIELDS = ("people", "user_tags")
"""Fields whose attributes a full title beats (see :meth:`CatalogueIndex._item_beats`)."""
_HAN_SUFFIXES = ("片", "电影", "剧", "类")
_NOT_ATTRIBUTES = STOP_WORDS_EN | GENERIC_WORDS | POSITIVE_CUES | USER_TAG_STOP


@dataclass(frozen=True)
class Match:
    """A catalogue entry named in a text: ``text[start:end] == surface``.

    ``key`` is the item id (kind ``"item"``) or the attribute key (kind ``"attribute"``, see
    :class:`Attribute`); ``label`` what it matched (``"Clockwork Orange, A (1971)"``, ``"Sci-Fi"``);
    ``score`` 1.0 for an exact alias, the fuzzy ratio / 100 otherwise; ``item_idx`` the item's
    position; ``facet`` ``"item"`` or the attribute's facet; ``how`` ``"exact"``, ``"fuzzy"`` or
    ``"surname"``.
    """

    kind: MatchKind
    start: int
    end: int
    surface: str
    key: str
    label: str
    score: float
    item_idx: int | None = None
    facet: str = "item"
    how: str = "exact"


@dataclass(frozen=True, eq=False)
class Attribute:
    """A recognisable attribute: ``key`` is ``"<field>:<value>"`` (``tags:Sci-Fi``, ``category:科幻 / Sci-Fi``,
    ``user_tags:Stanley Kubrick``, ``people:周星驰`` or ``<column>:<value>``); ``items`` the positions of the
    items that carry it; ``facet`` ``"tag"``, ``"category"``, ``"user_tag"``, ``"person"`` or the column name."""

    key: str
    field: str
    label: str
    facet: str
    items: np.ndarray


@dataclass(frozen=True)
class _Target:
    kind: MatchKind
    ref: int
    quality: int
    common: int
    """0: matches bare; 1: needs a mark or Title Case; 2 (function words only, "It"): also not used as a pronoun."""


@dataclass
class _Cand:
    start: int
    end: int
    flen: int
    target: _Target
    score: float
    how: str
    marked: bool


# --- the index ---------------------------------------------------------------------------------------


class CatalogueIndex:
    """Titles and attributes of one dataset, ready for :meth:`find` and :meth:`resolve_title`."""

    def __init__(self, dataset: Dataset) -> None:
        """Use :meth:`build` (same thing, reads better at call sites)."""
        import ahocorasick

        self.fingerprint = dataset.fingerprint
        self.item_ids: list[str] = [str(x) for x in dataset.items["item_id"]]
        self.titles: list[str] = [str(x) for x in dataset.items["title"]]
        self.position: dict[str, int] = {k: i for i, k in enumerate(self.item_ids)}
        self.popularity = np.asarray(dataset.item_popularity, dtype=np.float64)
        years = dataset.items["year"].to_numpy(dtype=np.float64)
        self.years = np.where(np.isfinite(years), years, np.nan)
        self.attributes: list[Attribute] = []
        self._attr_by_key: dict[str, int] = {}
        self._targets: dict[str, list[_Target]] = defaultdict(list)
        self._item_aliases: list[tuple[str, int]] = []
        han_terms: list[str] = []
        alias_sets: list[dict[str, tuple[int, str]]] = []
        for i, title in enumerate(self.titles):
            aliases, year = title_aliases(title)
            if year is not None and not np.isfinite(self.years[i]):
                self.years[i] = year
            alias_sets.append(aliases)
        for col in dataset.items.columns:
            if col in ITEM_COLUMNS or col == "people" or not pd.api.types.is_string_dtype(dataset.items[col]):
                continue
            values = dataset.items[col].fillna("").astype(str).str.strip()
            if is_title_column(str(col), values):
                for i, v in enumerate(values):
                    if v:
                        for alias, (q, base) in title_aliases(v)[0].items():
                            if alias_sets[i].get(alias, (-1, ""))[0] < q:
                                alias_sets[i][alias] = (q, base)
            elif values[values != ""].nunique() <= 0.5 * max(1, int((values != "").sum())):
                self._add_field(str(col), str(col), [(v,) if v else () for v in values])
        self._add_field("tags", "tag", [tuple(str(t) for t in ts) for ts in dataset.items["tags"]])
        self._add_field("category", "category", [(str(c),) if str(c) else () for c in dataset.items["category"]])
        self._title_blob = "\n".join(f" {fold(t)} " for t in self.titles)
        self.common_words: set[str] = self._attribute_aliases()  # one-word genre / tag names
        self._surnames: dict[str, list[int]] = defaultdict(list)  # surname -> person attributes
        self._shared_surnames: set[str] = set()  # surnames that are a word of several names
        self._add_people(dataset)
        self._add_user_tags(dataset)
        self._add_surnames()
        for i, aliases in enumerate(alias_sets):
            for alias, (quality, base) in aliases.items():
                common = max(self._is_common(alias), self._is_common(base))  # "backup plan" is "back up plan"
                self._targets[alias].append(_Target("item", i, quality, common))
                self._item_aliases.append((alias, i))
                if has_han(alias):
                    han_terms.append(alias)
        for targets in self._targets.values():
            targets.sort(key=self._target_order)
        self._automaton = ahocorasick.Automaton()
        for alias in self._targets:
            self._automaton.add_word(alias, alias)
        self._automaton.make_automaton()
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._fuzzy: list[str] = []
        for alias, targets in self._targets.items():
            if len(alias) >= FUZZY_MIN_CHARS and " " in alias and not has_han(alias) and not targets[0].common:
                self._fuzzy.append(alias)
                for w in set(alias.split()):
                    if len(w) >= 3 and w not in STOP_WORDS_EN:
                        self._postings[w].append(len(self._fuzzy) - 1)
        self._item_alias_texts = [a for a, _ in self._item_aliases]
        add_user_terms(han_terms + [a.label for a in self.attributes if has_han(a.label)])

    @classmethod
    def build(cls, dataset: Dataset) -> CatalogueIndex:
        """Index ``dataset``'s titles and attributes (see the module docstring); 1-2 s on MovieLens."""
        return cls(dataset)

    # --- building ---

    def _new_attribute(self, field: str, facet: str, label: str, items: Iterable[int]) -> int:
        key = f"{field}:{label}"
        if key in self._attr_by_key:
            return self._attr_by_key[key]
        self.attributes.append(Attribute(key, field, label, facet, np.array(sorted(set(items)), dtype=np.int64)))
        self._attr_by_key[key] = len(self.attributes) - 1
        return len(self.attributes) - 1

    def _add_field(self, field: str, facet: str, values: Sequence[tuple[str, ...]]) -> None:
        """One attribute per distinct value of a (multi-valued) item column."""
        items: dict[str, list[int]] = defaultdict(list)
        for i, vals in enumerate(values):
            for v in vals:
                if v.strip():
                    items[v.strip()].append(i)
        for label, where in items.items():
            self._new_attribute(field, facet, label, where)

    def _attribute_aliases(self) -> set[str]:
        """Aliases of the tag / category / column attributes so far; returns their one-word aliases."""
        one_word: set[str] = set()
        labels = {fold(p) for a in self.attributes for p in label_parts(a.label)}
        for ref, attr in enumerate(self.attributes):
            names: dict[str, int] = {fold(attr.label): Q_FULL}
            for part in label_parts(attr.label):
                names.setdefault(fold(part), Q_FULL if " " not in part else Q_ALT)
            for en, zh_names in GENRE_ZH_EN.items():
                if fold(en) in names or any(z in names for z in zh_names):
                    for alias in (en, *zh_names, *GENRE_SYNONYMS_EN.get(en, ())):
                        if fold(alias) not in labels:
                            names.setdefault(fold(alias), Q_ALT)
            for name in list(names):
                if has_han(name) and not name.endswith(("片", "剧")):  # 恐怖 -> 恐怖片, 恐怖电影 …
                    for suffix in _HAN_SUFFIXES:
                        names.setdefault(name + suffix, Q_ALT)
                elif name and not has_han(name):
                    words = name.split()
                    for plural in plurals(words[-1]):
                        names.setdefault(" ".join([*words[:-1], plural]), Q_ALT)
            for name, quality in names.items():
                if self._allowed_attribute_alias(name):
                    self._targets[name].append(_Target("attribute", ref, quality, 0))
                    if " " not in name and not has_han(name):
                        one_word.add(name)
        return one_word

    def _person_words(self) -> tuple[set[str], set[str]]:
        """(one-word genre / tag names, words a person's last name may not be) for :func:`person_like`."""
        genre_words = set(self.common_words)
        return genre_words, set(STOP_WORDS_EN) | set(GENERIC_WORDS) | set(COMMON_WORDS_EN) | genre_words

    def _add_people(self, dataset: Dataset) -> None:
        """Names of the items' ``people`` column as attributes of facet ``person``, by every part of their label;
        person-like ones (and transliterated Chinese names) also by surname (:meth:`_add_surnames`)."""
        if "people" not in dataset.items:
            return
        first = len(self.attributes)
        self._add_field("people", "person", [tuple(str(n) for n in names) for names in dataset.items["people"]])
        genre_words, banned_last = self._person_words()
        people_with: dict[str, set[int]] = defaultdict(set)  # surname -> the people it names
        for ref in range(first, len(self.attributes)):
            label = self.attributes[ref].label
            for name in dict.fromkeys(fold(p) for p in (label, *label_parts(label))):
                if not self._allowed_attribute_alias(name):
                    continue
                # a one-word Latin name that is also an everyday word ("Heart") needs a capital or a mark
                common = int(" " not in name and not has_han(name) and bool(self._is_common(name)))
                self._targets[name].append(_Target("attribute", ref, Q_FULL, common))
                words = name.split()
                latin = not has_han(name) and person_like([p for p in label_parts(label) if fold(p) == name],
                                                          genre_words, banned_last)
                if latin or (len(words) >= 2 and all(has_han(w) for w in words)):  # 克里斯托弗·诺兰
                    self._surnames[words[-1]].append(ref)
                    people_with[words[-1]].add(ref)
        self._shared_surnames |= {w for w, refs in people_with.items() if len(refs) > 1}

    def _add_user_tags(self, dataset: Dataset) -> None:
        """Users' tags on >= MIN_USER_TAG_ITEMS items as attributes; person-like ones also by surname."""
        ut = dataset.user_tags
        if ut is None or ut.empty:
            return
        frame = pd.DataFrame({"f": ut["tag"].astype(str).map(fold), "tag": ut["tag"].astype(str),
                              "item": ut["item_id"].astype(str)})
        frame = frame[frame["f"].str.len() > 0]
        groups = frame.groupby("f")
        n_items = groups["item"].nunique()
        tags_with: dict[str, list[frozenset[str]]] = defaultdict(list)
        for f in n_items.index:
            words = frozenset(f.split())
            for w in words:
                tags_with[w].append(words)
        genre_words, banned_last = self._person_words()
        for f in n_items[n_items >= MIN_USER_TAG_ITEMS].index:
            rows = groups.get_group(f)
            label = str(rows["tag"].value_counts().index[0])
            items = [self.position[i] for i in rows["item"].unique() if i in self.position]
            own = frozenset(f.split())
            shared = {w for w in own if any(not g <= own for g in tags_with[w])}
            person = (f not in self._targets and self._title_blob.count(f" {f} ") < 2
                      and person_like(rows["tag"].unique(), genre_words, shared | banned_last))
            ref = self._new_attribute("user_tags", "person" if person else "user_tag", label, items)
            names_person = any(self.attributes[t.ref].field == "people" for t in self._targets.get(f, ()))
            if self._allowed_attribute_alias(f) and not names_person:
                self._targets[f].append(_Target("attribute", ref, Q_FULL, 0))
                if " " not in f and not has_han(f):
                    self.common_words.add(f)
            if person:
                surname = f.split()[-1]
                self._surnames[surname].append(ref)
                if len(tags_with[surname]) > 1:
                    self._shared_surnames.add(surname)

    def _add_surnames(self) -> None:
        """A person's surname alone names them (Latin: 4+ letters; Chinese: 2+ characters) unless it is
        already an alias; a common word, a title word or a surname of several people must be capitalised
        (Chinese: marked, e.g. quoted)."""
        for surname, refs in self._surnames.items():
            if len(surname) < (2 if has_han(surname) else 4) or surname in self._targets:
                continue
            in_titles = f" {surname} " in self._title_blob or (has_han(surname) and surname in self._title_blob)
            everyday = not has_han(surname) and bool(self._is_common(surname))
            common = int(everyday or surname in self._shared_surnames or in_titles)
            for ref in dict.fromkeys(refs):
                self._targets[surname].append(_Target("attribute", ref, Q_SURNAME, common))

    @staticmethod
    def _allowed_attribute_alias(name: str) -> bool:
        if not name or (not has_han(name) and len(name) < 3) or (has_han(name) and len(name) < 2):
            return False
        return name not in _NOT_ATTRIBUTES

    def _is_common(self, alias: str) -> int:
        """How much an item alias must be marked as a title to count (see :class:`_Target` and the module docstring)."""
        if has_han(alias):
            return int(len(alias) <= 2)
        content = [w for w in alias.split() if w not in ARTICLES and w not in STOP_WORDS_EN and w not in GENERIC_WORDS]
        if not content:
            return 2
        if len(content) == 1:  # one content word: any everyday English word or genre / tag name needs a mark
            w = content[0]
            return int(common_word(w) or w in self.common_words or w in english_vocabulary())
        return int(all(common_word(w) or w in english_vocabulary(COMMON_PHRASE_RANK) for w in content))

    def _target_order(self, t: _Target) -> tuple[float, ...]:
        if t.kind == "item":
            return (0, -t.quality, -self.popularity[t.ref], t.ref)
        attr = self.attributes[t.ref]
        return (1, -t.quality, -len(attr.items), -_FIELD_RANK.get(attr.field, 1), t.ref)

    # --- lookup ---

    def attribute(self, key: str) -> Attribute:
        """The attribute with ``key`` (KeyError when unknown)."""
        return self.attributes[self._attr_by_key[key]]

    def items_for(self, key: str) -> np.ndarray:
        """Positions of the items an attribute key covers (an item id gives its own position)."""
        if key in self._attr_by_key:
            return self.attribute(key).items
        if key in self.position:
            return np.array([self.position[key]], dtype=np.int64)
        raise KeyError(key)

    def _pick_item(self, targets: Sequence[_Target], year: int | None) -> _Target:
        """The item a title names: the one of ``year`` when given and present, else the best (sorted) one."""
        if year is not None:
            dated = [t for t in targets if self.years[t.ref] == year]
            if dated:
                return dated[0]
        return targets[0]

    def _match(self, text: str, c: _Cand) -> Match:
        t = c.target
        if t.kind == "item":
            return Match("item", c.start, c.end, text[c.start : c.end], self.item_ids[t.ref], self.titles[t.ref],
                         c.score, t.ref, "item", c.how)
        a = self.attributes[t.ref]
        return Match("attribute", c.start, c.end, text[c.start : c.end], a.key, a.label, c.score, None, a.facet, c.how)

    def find(self, text: str) -> list[Match]:
        """Titles and attributes named in ``text``: non-overlapping matches in text order (longest first)."""
        folded, pos = fold_map(text)
        if not folded:
            return []
        ends = [p + 1 for p in pos]
        cands: list[_Cand] = []
        boundaries: set[int] | None = None
        for fend, alias in self._automaton.iter(folded):
            fstart = fend - len(alias) + 1
            if is_word(alias[0]) and fstart > 0 and is_word(folded[fstart - 1]):
                continue
            if is_word(alias[-1]) and fend + 1 < len(folded) and is_word(folded[fend + 1]):
                continue
            start, end = pos[fstart], ends[fend]
            if inside_compound(text, start, end):
                continue
            ctx = SpanContext(text, start, end)
            targets = self._targets[alias]
            if has_han(alias) and len(alias) == 3 and targets[0].kind == "item" and not ctx.marked:
                if boundaries is None:
                    boundaries = {b for tok in tokenize(text) for b in (tok.start, tok.end)}
                if start not in boundaries or end not in boundaries:
                    continue
            cand = self._resolve_span(targets, ctx)
            if cand is not None:
                cand.flen = len(alias)
                cands.append(cand)
        chosen = _non_overlapping(cands + self._fuzzy_spans(text, folded, pos))
        chosen += self._quoted(text, chosen)
        return [self._match(text, c) for c in sorted(chosen, key=lambda c: c.start)]

    def _resolve_span(self, targets: Sequence[_Target], ctx: SpanContext) -> _Cand | None:
        """The target a span names: an attribute unless the span is marked as a title; guards applied."""
        items = [t for t in targets if t.kind == "item" and not (ctx.sequel and not ctx.year)]
        title_case = ctx.title_case and not ctx.pronoun
        items = [t for t in items if not t.common or ctx.marked or (ctx.title_case if t.common == 1 else title_case)]
        attrs = [t for t in targets if t.kind == "attribute"]
        attrs = [t for t in attrs if not t.common or ctx.marked or ctx.capitalised]
        if items and (ctx.marked or not attrs or self._item_beats(items[0], attrs[0])):
            target = self._pick_item(items, ctx.year)
            end = ctx.year_end if ctx.year and self.years[target.ref] == ctx.year else ctx.end
            return _Cand(ctx.start, end, 0, target, 1.0 if target.quality >= Q_ALT else 0.9, "exact", ctx.marked)
        if attrs:
            how = "surname" if attrs[0].quality == Q_SURNAME else "exact"
            return _Cand(ctx.start, ctx.end, 0, attrs[0], 0.8 if how == "surname" else 1.0, how, ctx.marked)
        return None

    def _item_beats(self, item: _Target, attr: _Target) -> bool:
        """A full or alternative title beats a users' tag or a surname; a genre / category always wins."""
        a = self.attributes[attr.ref]
        return item.quality >= Q_ALT and (a.field in _PERSON_FIELDS or attr.quality == Q_SURNAME)

    def _quoted(self, text: str, chosen: Sequence[_Cand]) -> list[_Cand]:
        """Quoted or 《》 multi-word spans that name a title only fuzzily (exact ones are already found)."""
        out: list[_Cand] = []
        for m in QUOTED.finditer(text):
            g = next(i for i in range(1, 5) if m.group(i) is not None)
            start, end = m.start(g), m.end(g)
            if any(c.start < end and start < c.end for c in [*chosen, *out]):
                continue
            if len(fold(text[start:end]).split()) < 2:
                continue
            found = self._fuzzy_item(text[start:end], cutoff=FUZZY_CUTOFF - 5)
            if found is not None:
                target, score = found
                out.append(_Cand(start, end, end - start, target, score, "fuzzy", True))
        return out

    def _fuzzy_spans(self, text: str, folded: str, pos: list[int]) -> list[_Cand]:
        """Typos in multi-word titles and names: word windows around a rare word an alias shares with the text."""
        from rapidfuzz import fuzz

        words = [(m.start(), m.end()) for m in re.finditer(r"[^\W_]+", folded) if is_word(folded[m.start()])]
        hits: dict[int, set[int]] = defaultdict(set)
        for wi, (s, e) in enumerate(words):
            posting = self._postings.get(folded[s:e], ())
            if len(posting) <= MAX_POSTINGS:
                for a in posting:
                    hits[a].add(wi)
        best: dict[tuple[int, int], tuple[float, str]] = {}
        for a, where in hits.items():
            alias = self._fuzzy[a]
            k = alias.count(" ") + 1
            windows = {(i, i + n - 1) for n in range(max(2, k - 1), min(MAX_FUZZY_WORDS, k + 1) + 1)
                       for wi in where for i in range(max(0, wi - n + 1), min(wi, len(words) - n) + 1)}
            for i, j in windows:
                span = folded[words[i][0] : words[j][1]]
                if span == alias or abs(len(alias) - len(span)) > 0.2 * len(alias):
                    continue
                score = fuzz.ratio(span, alias, score_cutoff=FUZZY_CUTOFF)
                if score and score > best.get((i, j), (0.0, ""))[0] and fuzzy_ok(span, alias):
                    best[(i, j)] = (score, alias)
        cands: list[_Cand] = []
        for (i, j), (score, alias) in best.items():
            start, end = pos[words[i][0]], pos[words[j][1] - 1] + 1
            cand = self._resolve_span(self._targets[alias], SpanContext(text, start, end))
            if cand is not None:
                cand.score, cand.how, cand.flen = score / 100.0, "fuzzy", words[j][1] - words[i][0]
                cands.append(cand)
        return cands

    def _fuzzy_item(self, title: str, cutoff: float) -> tuple[_Target, float] | None:
        """The item whose alias is closest to ``title`` (rapidfuzz ratio >= ``cutoff``), year preferred."""
        from rapidfuzz import fuzz, process

        main, alts, year = parse_title(title)
        best: tuple[_Target, float] | None = None
        for form in main + alts:
            f = fold(form)
            if not f:
                continue
            if f in self._targets:
                items = [t for t in self._targets[f] if t.kind == "item"]
                if items:
                    return self._pick_item(items, year), 1.0
            if has_han(f) or len(f) < 4:
                continue
            hits = process.extract(f, self._item_alias_texts, scorer=fuzz.ratio, score_cutoff=cutoff, limit=8)
            hits = [h for h in hits if fuzzy_ok(f, h[0])]
            if hits:
                top = hits[0][1]
                near = [self._item_aliases[h[2]][1] for h in hits if h[1] >= top - 3]
                dated = [i for i in near if year is not None and self.years[i] == year]
                ref = dated[0] if dated else max(near, key=lambda i: (self.popularity[i], -i))
                if best is None or top / 100.0 > best[1]:
                    best = (_Target("item", ref, Q_FULL, 0), top / 100.0)
        return best

    def resolve_title(self, title: str) -> Match | None:
        """The item a title given alone names (``"The Matrix"``, ``"Matrix, The (1999)"``, small typos), or None."""
        title = str(title).strip()
        found = self._fuzzy_item(title, cutoff=FUZZY_CUTOFF - 2) if title else None
        if found is None:
            return None
        target, score = found
        return Match("item", 0, len(title), title, self.item_ids[target.ref], self.titles[target.ref], score,
                     target.ref, "item", "exact" if score >= 1.0 else "fuzzy")


def _non_overlapping(cands: Sequence[_Cand], key: Any = None) -> list[_Cand]:
    """Greedy: longest (folded) span first, then marked, then score; a span overlapping a chosen one is dropped."""
    order = sorted(cands, key=key or (lambda c: (-c.flen, not c.marked, -c.score, c.start)))
    chosen: list[_Cand] = []
    for c in order:
        if all(c.end <= o.start or o.end <= c.start for o in chosen):
            chosen.append(c)
    return chosen


_CACHE: dict[str, CatalogueIndex] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 4


def catalogue_index(dataset: Dataset) -> CatalogueIndex:
    """The :class:`CatalogueIndex` of ``dataset``, cached in-process by fingerprint (the last few datasets)."""
    with _CACHE_LOCK:
        found = _CACHE.get(dataset.fingerprint)
    if found is not None:
        return found
    built = CatalogueIndex.build(dataset)
    with _CACHE_LOCK:
        _CACHE[dataset.fingerprint] = built
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
    return built
