"""Typed text -> clauses, negation and candidate interests (the first steps of :mod:`core.interests.decompose`).

:func:`analyse_clauses` gives each clause its polarity and *core* (negation cues and scope as described in
:mod:`core.interests.decompose`); :func:`without_spans` cuts recognised catalogue names out of the cores;
:func:`extract_candidates` turns the cores into :class:`Candidate` s (clause cores, jieba keywords and
English phrases of long cores, catalogue terms kept whole); :func:`gist_text` is the text without its
negated parts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from core.interests.profile import Source
from core.interests.recognise import Match
from core.interests.text import (
    CLAUSE_PUNCTUATION,
    COPULA_NEGATIONS_EN,
    COPULA_SUBJECTS_EN,
    GENERIC_WORDS,
    NEGATED_VERBS_ZH,
    NEGATION_EN,
    NEGATION_VERB_WINDOW,
    NEGATION_ZH,
    NEGATORS_ZH,
    NEUTRAL_AFTER_NEGATION_EN,
    POSITIVE_CUES,
    REPLY_WORDS_EN,
    SELF_WORDS_EN,
    STOP_WORDS_EN,
    STOP_WORDS_ZH,
    SUBJECTS_EN,
    Clause,
    Token,
    _lex,
    keywords,
    normalise,
    tokenize,
)

LONG_CLAUSE_UNITS = 6.0
"""A clause core longer than this (English words + Han characters / 2) also yields keywords/phrases."""

# --- lexicons --------------------------------------------------------------------------------------

_FILLER_ZH: frozenset[str] = STOP_WORDS_ZH | NEGATION_ZH | NEGATORS_ZH | _lex(
    """
    来点 几部 关于 有关 类似 那种 这种 类型 一样 以外 之外 外 都行 也行 就好 可以
    好了 就 算了 就算了
    """
)
_FILLER_EN: frozenset[str] = (STOP_WORDS_EN | NEGATION_EN) - frozenset(["big", "huge"])


@dataclass
class Candidate:
    """A possible tag: a clause core, a keyword or phrase mined from a long core, or a catalogue term."""

    text: str
    polarity: int
    source: Source
    order: int
    short: bool
    core: str = ""
    """The text without generic words (movies, 电影, stories …), embedded beside the full text."""


# --- clause analysis -------------------------------------------------------------------------------


def _units(tokens: Sequence[Token]) -> float:
    return sum(len(t.text) / 2.0 if t.kind == "zh" else 1.0 for t in tokens if t.kind in ("zh", "en", "word", "num"))


def is_filler(tok: Token) -> bool:
    """True for filler: stop words, negation cues, clause punctuation and quotes."""
    if tok.kind == "zh":
        return tok.text in _FILLER_ZH
    if tok.kind in ("en", "num"):
        return tok.lower in _FILLER_EN
    return tok.kind in ("punct", "other") and tok.text in CLAUSE_PUNCTUATION + "\"'()[]{}<>-*#@~`^=_"


def _negation_at(tokens: Sequence[Token]) -> int | None:
    """Index of the clause's first negation cue, or None."""
    for i, tok in enumerate(tokens):
        if tok.kind == "zh":
            if tok.text in NEGATION_ZH:
                return i
            if tok.text in NEGATORS_ZH and any(t.text in NEGATED_VERBS_ZH for t in tokens[i + 1 : i + 3]):
                return i
            if tok.text.startswith("不") and tok.text[1:] in NEGATED_VERBS_ZH:
                return i
        elif tok.kind == "en" and tok.lower in NEGATION_EN and not _neutral_negation(tokens, i):
            return i
    return None


_AUXILIARY_CUES = frozenset({"don't", "dont", "doesn't", "didn't", "didnt"})
_PRONOUNS_EN = frozenset({"i", "it", "it's", "he", "she", "they", "we", "you", "that", "this"})


def _neutral_negation(tokens: Sequence[Token], at: int) -> bool:
    """True when the English cue at ``at`` is not a dislike: it negates seeing / knowing ("haven't seen",
    "don't know", "doesn't matter", "don't mind", "not yet"), describes a thing ("it isn't new", "it's not
    quite sci-fi"; but "isn't my thing" / "it's not for me" are dislikes), or is a reply ("no i dont",
    "no thanks", an auxiliary with no verb: "i dont it was great")."""
    cue = tokens[at].lower
    after = [t.lower for t in tokens[at + 1 : at + 1 + NEGATION_VERB_WINDOW] if t.kind == "en"]
    if any(w in NEUTRAL_AFTER_NEGATION_EN for w in after):
        return True
    before = tokens[at - 1].lower if at > 0 and tokens[at - 1].kind == "en" else ""
    if cue in COPULA_NEGATIONS_EN or (cue == "not" and before in COPULA_SUBJECTS_EN):
        return not any(w in SELF_WORDS_EN for w in after)
    if cue in _AUXILIARY_CUES and after and (after[0] in _PRONOUNS_EN or after[0] in REPLY_WORDS_EN):
        return True  # elliptical: "no i dont it was great", "I don't, thanks"
    if cue in ("no", "nope"):
        nxt = next((t for t in tokens[at + 1 :] if t.kind in ("en", "zh", "word", "num")), None)
        return nxt is None or (nxt.kind == "en" and (nxt.lower in STOP_WORDS_EN or nxt.lower in REPLY_WORDS_EN
                                                     or nxt.lower in SUBJECTS_EN))
    return False


def _scope_end(tokens: Sequence[Token], start: int) -> int:
    """Where a negation starting at ``start`` stops in an unpunctuated clause: at a subject followed by a wish
    cue ("not scary stuff I like comedy" stops before "I") or at a reply word ("... yes"), else at the
    clause's end."""
    for i in range(start + 2, len(tokens)):
        if tokens[i].kind != "en":
            continue
        if tokens[i].lower in REPLY_WORDS_EN or (
                tokens[i].lower in SUBJECTS_EN and _has_positive_cue(tokens[i + 1 : i + 3])):
            return i
    return len(tokens)


def _has_positive_cue(tokens: Sequence[Token]) -> bool:
    return any((t.lower if t.kind == "en" else t.text) in POSITIVE_CUES for t in tokens)


def trim(tokens: Sequence[Token]) -> list[Token]:
    """Drop leading filler/cues and trailing particles/stop words."""
    toks = list(tokens)
    while toks and is_filler(toks[0]):
        toks.pop(0)
    while toks and (
        is_filler(toks[-1]) or (len(toks) > 2 and toks[-1].lower in GENERIC_WORDS and is_filler(toks[-2]))
    ):  # 这种片子 / 之类的电影: a generic noun after filler goes with it
        toks.pop()
    return toks


def _is_generic(tokens: Sequence[Token]) -> bool:
    words = [t for t in tokens if t.kind in ("zh", "en", "word", "num")]
    return all((t.lower in GENERIC_WORDS) or is_filler(t) for t in words)


@dataclass
class ClauseInfo:
    """A clause part with its polarity and core tokens (a negated clause may give a wanted part too)."""

    clause: Clause
    polarity: int
    core: list[Token]
    cut: tuple[int, int] | None = None
    """For a negative clause: the span the gist leaves out (the cue and what it negates)."""


def analyse_clauses(text: str, clauses: Sequence[Clause]) -> list[ClauseInfo]:
    """Polarity and core tokens of each clause, with negation carried over enumerations."""
    out: list[ClauseInfo] = []
    prev_negative = False
    for clause in clauses:
        toks = list(clause.tokens)
        neg_at = _negation_at(toks)
        cut: tuple[int, int] | None = (clause.start, clause.end)
        if neg_at is not None:
            polarity = -1
            end = _scope_end(toks, neg_at)
            before, core = trim(toks[:neg_at]), trim(toks[neg_at + 1 : end])
            if not core:  # postposed cue: 恐怖片就不要了 / horror, no
                core = before
            elif before:  # "family comedies without horror": the part before the cue is wanted
                out.append(ClauseInfo(clause, 1, before))
                cut = (toks[neg_at].start, clause.end)
            if end < len(toks):  # "... I like drama": a new, wanted statement after the negated part
                cut = (toks[neg_at].start if before else clause.start, toks[end - 1].end)
                after = trim(toks[end:])
                out.append(ClauseInfo(clause, polarity, core, cut))
                prev_negative = False
                if after:
                    out.append(ClauseInfo(clause, 1, after))
                continue
        else:
            carried = prev_negative and clause.enumerates and not _has_positive_cue(toks)
            polarity = -1 if carried else 1
            core = trim(toks)
        prev_negative = polarity < 0
        out.append(ClauseInfo(clause, polarity, core, cut if polarity < 0 else None))
    return out


def span_text(text: str, tokens: Sequence[Token]) -> str:
    """The text the tokens cover, without surrounding quotes."""
    return text[tokens[0].start : tokens[-1].end].strip(" \"'")


def _phrases_en(text: str, core: Sequence[Token]) -> list[str]:
    """English noun-phrase-like chunks: maximal runs of content words between stop words."""
    chunks: list[list[Token]] = [[]]
    for tok in core:
        if tok.kind != "en" or tok.lower in _FILLER_EN or tok.lower in GENERIC_WORDS:
            if chunks[-1]:
                chunks.append([])
        else:
            chunks[-1].append(tok)
    return [span_text(text, c) for c in chunks if c and not (len(c) == 1 and len(c[0].text) < 3)]


def extract_candidates(
    text: str, infos: Sequence[ClauseInfo], terms: tuple[str, ...], taken: Sequence[tuple[int, int]] = ()
) -> list[Candidate]:
    """Candidates from the clause cores (see the module docstring), one per distinct text and polarity."""
    cands: list[Candidate] = []
    order = 0
    for info in infos:
        core = info.core
        if not core or _is_generic(core):
            continue
        core_text = span_text(text, core)
        units = _units(core)
        short = units <= LONG_CLAUSE_UNITS
        cands.append(Candidate(core_text, info.polarity, "clause", order, short))
        order += 1
        if short:
            continue
        if any(t.kind == "zh" for t in core):
            for word, _w in keywords(core_text, top_k=4):
                cands.append(Candidate(word, info.polarity, "keyword", order, True))
                order += 1
        if any(t.kind == "en" for t in core):
            for phrase in _phrases_en(text, core):
                if phrase != core_text:
                    cands.append(Candidate(phrase, info.polarity, "phrase", order, True))
                    order += 1
    # catalogue terms written in the text stay whole (their clause decides the polarity)
    for start, end in _term_spans(text, terms):
        if any(start < e and s < end for s, e in taken):
            continue
        polarity = next((i.polarity for i in infos if i.clause.start <= start < i.clause.end), 1)
        cands.append(Candidate(text[start:end], polarity, "phrase", order, True))
        order += 1
    # de-duplicate by text and polarity; the clause (earliest, most literal) version wins, and a keyword or
    # term adds nothing to a text already found. Two clauses that want and avoid the same text ("gore, no
    # gore") both stay: the profile reports the contradiction
    by_text: dict[tuple[str, int], Candidate] = {}
    found: set[str] = set()
    for cand in cands:
        key = cand.text.lower()
        if (key, cand.polarity) in by_text or (cand.source != "clause" and key in found):
            continue
        by_text[(key, cand.polarity)] = cand
        found.add(key)
    out = list(by_text.values())
    for cand in out:
        cand.core = strip_generic(cand.text)
    return out


def strip_generic(text: str) -> str:
    """``text`` without generic words (heist movies → heist); the text itself when nothing would remain."""
    toks = tokenize(text)
    keep = [t for t in toks if t.kind in ("zh", "en", "word", "num") and t.lower not in GENERIC_WORDS]
    if not keep or len(keep) == len([t for t in toks if t.kind in ("zh", "en", "word", "num")]):
        return text
    parts: list[str] = []
    for prev, tok in zip([None, *keep[:-1]], keep, strict=True):
        if prev is not None and (tok.kind != "zh" or prev.kind != "zh"):
            parts.append(" ")
        parts.append(tok.text)
    return "".join(parts)


MAX_TERM_TOKENS = 6


@lru_cache(maxsize=8)
def _term_index(terms: tuple[str, ...]) -> frozenset[str]:
    """Normalised, lower-cased catalogue terms worth matching (no generic or stop words, >= 2 characters)."""
    out: set[str] = set()
    for term in terms:
        key = normalise(term).lower()
        if len(key) < 2 or (key.isascii() and len(key) < 3):
            continue
        if key in GENERIC_WORDS or key in STOP_WORDS_EN or key in STOP_WORDS_ZH:
            continue
        out.add(key)
    return frozenset(out)


def _term_spans(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """Character spans of the longest catalogue terms found in ``text`` as whole token sequences."""
    if not terms:
        return []
    index = _term_index(terms)
    toks = [t for t in tokenize(text) if t.kind in ("zh", "en", "word", "num")]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        found = 0
        for n in range(min(MAX_TERM_TOKENS, len(toks) - i), 0, -1):
            span = text[toks[i].start : toks[i + n - 1].end]
            if " ".join(span.lower().split()) in index:
                found = n
                break
        if found:
            spans.append((toks[i].start, toks[i + found - 1].end))
            i += found
        else:
            i += 1
    return spans




def polarity_at(pos: int, infos: Sequence[ClauseInfo]) -> int:
    """Polarity of the clause part holding character ``pos`` (the core that starts last before it)."""
    best: ClauseInfo | None = None
    for info in infos:
        if not info.clause.start <= pos < info.clause.end:
            continue
        if best is None or (info.core and info.core[0].start <= pos and (
                not best.core or best.core[0].start > pos or info.core[0].start > best.core[0].start)):
            best = info
    return best.polarity if best is not None else 1


def recognised_once(matches: Sequence[Match], infos: Sequence[ClauseInfo]) -> list[tuple[Match, int]]:
    """Each distinct (match key, polarity) once, in text order."""
    seen: set[tuple[str, int]] = set()
    out: list[tuple[Match, int]] = []
    for m in matches:
        polarity = polarity_at(m.start, infos)
        if (m.key, polarity) not in seen:
            seen.add((m.key, polarity))
            out.append((m, polarity))
    return out


def without_spans(infos: Sequence[ClauseInfo], spans: Sequence[tuple[int, int]]) -> list[ClauseInfo]:
    """Clause infos whose cores no longer hold the recognised spans (a split core becomes several infos)."""
    if not spans:
        return list(infos)
    out: list[ClauseInfo] = []
    for info in infos:
        runs: list[list[Token]] = [[]]
        for tok in info.core:
            if any(tok.start < e and s < tok.end for s, e in spans):
                runs.append([])
            else:
                runs[-1].append(tok)
        out.extend(ClauseInfo(info.clause, info.polarity, core, info.cut) for run in runs if (core := trim(run)))
    return out


_EDGE_RE = re.compile(r"^(?:[\s,;.!?:，、；。！？：|/&+]|(?:and|or|but|nor|plus)\b|和|与|或者|但是|但|不过|而且|还有)+"
                      r"|(?:[\s,;.!?:，、；。！？：|/&+]|\b(?:and|or|but|nor|plus)|和|与|或者|但是|但|不过|而且|还有)+$",
                      re.IGNORECASE)


def gist_text(clean: str, infos: Sequence[ClauseInfo]) -> str:
    """The text without its negated parts (the cue and what it negates), edges tidied."""
    cuts = sorted(i.cut for i in infos if i.cut is not None)
    if not cuts:
        return clean
    parts: list[str] = []
    at = 0
    for start, end in cuts:
        if start > at:
            parts.append(clean[at:start])
        at = max(at, end)
    parts.append(clean[at:])
    kept = " ".join(" ".join(parts).split())
    while (tidy := _EDGE_RE.sub("", kept).strip()) != kept:
        kept = tidy
    return kept
