"""Interest decomposition (text → weighted tags) and composition (tags → item scores).

Decomposition, :func:`decompose`
--------------------------------
1. **Clean**: HTML tags and ``<script>`` blocks are stripped, text is normalised (NFKC, traditional →
   simplified Chinese, see :mod:`core.interests.text`) and cut to :data:`MAX_CHARS` at a clause boundary (the
   profile then carries the notice ``"truncated"``).
2. **Clauses**: :func:`core.interests.text.split_clauses` cuts at ，、；。！？ and conjunction tokens (和 与 以及 还有
   或者 也 / and or but …). In each clause a **negation cue** (不要 不喜欢 不想 讨厌 除了 别 … / no not
   don't except without avoid …) makes the clause negative. Negation scope: a cue governs its own
   clause and carries over to the following clauses joined by an *enumerating* separator (、 和 或 /
   and or) until a clause with a positive cue (喜欢 / like …) or a non-enumerating separator (，but)
   ends it, so 不要恐怖片和血腥片 gives two negative tags.
3. **Candidates**: each clause's *core* — the clause minus leading filler and cues (我喜欢, 也想看点,
   I'd love, not …) and trailing particles (吧 了 please …). Long cores (more than
   :data:`LONG_CLAUSE_UNITS` word units) also contribute jieba TF-IDF keywords (Chinese) and
   English noun phrases (runs of words between stop words, no POS tagger needed); catalogue terms
   (``catalogue_terms``) found in the text are kept whole.
4. **Scoring**: every candidate and the whole text are embedded with ``encoder`` in one batch.
   ``relevance`` = cosine to the whole text; ``grounding`` = mean cosine of the candidate's
   :data:`GROUNDING_K` nearest items (a single title match can be a fluke). Candidates whose
   grounding is below ``grounding_threshold`` are **kept but flagged** (``grounded=False``) and the
   profile gets the notice ``"ungrounded"``. ``score = (1 - GROUNDING_MIX) * relevance +
   GROUNDING_MIX * grounding``, plus :data:`CLAUSE_PRIOR` for short clause cores (what the person
   literally listed beats a keyword mined from it).
5. **Redundancy** by maximal marginal relevance (as KeyBERT): repeatedly take the candidate with the
   best ``(1 - diversity) * score - diversity * max_sim_to_selected`` (similarity counted only
   against tags of the same polarity); a candidate is dropped as redundant when its similarity to a
   selected tag reaches ``1 - 0.5 * diversity`` (0.85 at the default) or its text is contained in a
   selected short tag. Keyword/phrase candidates also need ``score >= MIN_KEYWORD_SCORE``.
6. **Weights**: positive tags get ``softmax(score / temperature)`` (they sum to 1). Negative tags get
   their own softmax over their scores, scaled by ``negative_scale`` (they sum to ``negative_scale``,
   0.5 by default): one unwanted theme never outweighs everything the person does want.

Composition, :func:`score_items`
--------------------------------
- ``"single"`` (the seed design): one vector, ``composed = normalise(Σ w⁺·v⁺ − Σ w⁻·v⁻)`` and
  ``score = item_vectors @ composed``.
- ``"multi"`` (PinnerSage / ComiRec style): each positive tag retrieves its ``k`` nearest items from
  the index; an item's score is ``Σ_t w_t · sim_t(item)`` over the tags that retrieved it, so items
  that several interests agree on rise, and every interest brings its own neighbourhood instead of
  one averaged point between them. Items no tag retrieved get :data:`MULTI_FLOOR` (0.0).
- Both modes then subtract the **negative penalty**: for each negative tag, an item's similarity is
  standardised over the catalogue, ``z = (sim - median) / std``; items with ``z > NEG_Z0`` are
  penalised ``w⁻/negative_scale · NEG_STRENGTH · min(1, (z - NEG_Z0) / (NEG_Z1 - NEG_Z0))``,
  so items clearly near an unwanted theme fall to the bottom, while items merely unrelated to it are
  untouched.

Everything returns new objects: the editing helpers (:func:`set_weight`, :func:`set_polarity`,
:func:`remove_tag`, :func:`add_tag`, :func:`apply_table`) never mutate a profile.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal, Protocol

import numpy as np

from core.common.errors import InterestLensError
from core.interests.text import (
    CLAUSE_PUNCTUATION,
    GENERIC_WORDS,
    NEGATED_VERBS_ZH,
    NEGATION_EN,
    NEGATION_ZH,
    NEGATORS_ZH,
    POSITIVE_CUES,
    STOP_WORDS_EN,
    STOP_WORDS_ZH,
    Clause,
    Token,
    _lex,
    add_user_terms,
    detect_language,
    keywords,
    normalise,
    split_clauses,
    strip_markup,
    tokenize,
)

# --- tunables (documented in the module docstring) -------------------------------------------------

MAX_CHARS = 1000
"""Longer input is truncated at a clause boundary (notice ``"truncated"``)."""
LONG_CLAUSE_UNITS = 6.0
"""A clause core longer than this (English words + Han characters / 2) also yields keywords/phrases."""
GROUNDING_K = 5
"""Grounding = mean cosine of a candidate's nearest GROUNDING_K catalogue items."""
GROUNDING_THRESHOLD = 0.25
"""Below this grounding a tag is flagged ``grounded=False`` (measured on MovieLens with USE-m3:
genre/topic phrases score 0.30-0.65, gibberish and off-catalogue text 0.05-0.20)."""
GROUNDING_MIX = 0.5
CLAUSE_PRIOR = 0.1
MIN_KEYWORD_SCORE = 0.25
NEGATIVE_SCALE = 0.5
MULTI_FLOOR = 0.0
"""Score of items that no positive tag retrieved in ``multi`` mode."""
NEG_Z0 = 1.0
NEG_Z1 = 2.0
NEG_STRENGTH = 1.0
NEG_EXCLUDE = 0.5
"""In ``multi`` mode items with a negative penalty >= this are not retrieved at all (so the k
neighbours of each tag are k *acceptable* items, not k items of which many are then pushed down)."""
MULTI_MERGE: Literal["sim", "rrf"] = "rrf"
RRF_C = 20.0

Mode = Literal["single", "multi"]
Source = Literal["clause", "keyword", "phrase", "history", "edited", "feedback"]

NOTICE_MESSAGES: dict[str, str] = {
    "truncated": f"The text was longer than {MAX_CHARS} characters; only the beginning was used.",
    "markup_removed": "HTML markup was removed from the text.",
    "ungrounded": "Some tags match nothing in the catalogue (flagged as ungrounded).",
    "only_negative": "Only things to avoid were found; nothing to search towards.",
    "fallback_whole_text": "No separate interests were found; the whole text is used as one tag.",
    "no_catalogue": "No catalogue vectors were given, so grounding was not measured.",
}
"""English text for each notice code (the UI translates the codes through ui.i18n)."""

# --- lexicons --------------------------------------------------------------------------------------

_FILLER_ZH: frozenset[str] = STOP_WORDS_ZH | NEGATION_ZH | NEGATORS_ZH | _lex(
    """
    来点 几部 关于 有关 类似 那种 这种 类型 一样 以外 之外 外 都行 也行 就好 可以
    好了 就 算了 就算了
    """
)
_FILLER_EN: frozenset[str] = (STOP_WORDS_EN | NEGATION_EN) - frozenset(["big", "huge"])
_ANYTHING_BUT_RE = re.compile(r"\b(anything|everything|all)\s+but\b", re.IGNORECASE)

# --- data classes ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class InterestTag:
    """One weighted interest. ``weight`` is a magnitude; ``polarity`` +1 (want) or -1 (avoid).

    ``vector`` is the L2-normalised embedding; ``grounding`` the catalogue support (see module
    docstring; NaN when unmeasured); ``relevance`` the cosine to the whole text. History tags also
    carry their cluster's ``medoid_item`` and ``item_ids``.
    """

    text: str
    weight: float
    polarity: int = 1
    vector: np.ndarray | None = None
    source: str = "clause"
    grounding: float = float("nan")
    grounded: bool = True
    relevance: float = float("nan")
    score: float = float("nan")
    medoid_item: str | None = None
    item_ids: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly view (no vector)."""
        out: dict[str, Any] = {
            "text": self.text,
            "weight": round(float(self.weight), 6),
            "polarity": int(self.polarity),
            "source": self.source,
            "grounding": None if math.isnan(self.grounding) else round(float(self.grounding), 4),
            "grounded": bool(self.grounded),
        }
        if not math.isnan(self.relevance):
            out["relevance"] = round(float(self.relevance), 4)
        if self.medoid_item is not None:
            out["medoid_item"] = self.medoid_item
            out["n_items"] = len(self.item_ids)
        return out


@dataclass(frozen=True, eq=False)
class InterestProfile:
    """A decomposed interest statement: its tags, language and notices (codes of :data:`NOTICE_MESSAGES`).

    Positive tag weights sum to 1; negative weights sum to ``negative_scale`` (when there are any).
    """

    text: str
    tags: list[InterestTag]
    language: str = "unknown"
    notices: tuple[str, ...] = ()
    negative_scale: float = NEGATIVE_SCALE
    params: dict[str, Any] = field(default_factory=dict)

    def positive(self) -> list[InterestTag]:
        """Tags to search towards."""
        return [t for t in self.tags if t.polarity > 0]

    def negative(self) -> list[InterestTag]:
        """Tags to push away."""
        return [t for t in self.tags if t.polarity < 0]

    def composed_vector(self) -> np.ndarray | None:
        """``normalise(Σ w⁺·v⁺ − Σ w⁻·v⁻)`` (float32); None when no positive tag has a vector."""
        pos = [t for t in self.positive() if t.vector is not None and t.weight > 0]
        if not pos:
            return None
        acc = np.zeros_like(np.asarray(pos[0].vector, dtype=np.float64))
        for tag in self.tags:
            if tag.vector is None:
                continue
            acc += tag.polarity * float(tag.weight) * np.asarray(tag.vector, dtype=np.float64)
        norm = float(np.linalg.norm(acc))
        if norm == 0.0 or not np.isfinite(norm):
            return None
        return (acc / norm).astype(np.float32)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly view: text, language, notices (code + message) and tags."""
        return {
            "text": self.text,
            "language": self.language,
            "notices": [{"code": c, "message": NOTICE_MESSAGES.get(c, c)} for c in self.notices],
            "tags": [t.as_dict() for t in self.tags],
        }


class _Encoder(Protocol):
    def encode(self, texts: Sequence[str], batch_size: int = ..., progress: Any = ...) -> np.ndarray: ...


class _Index(Protocol):
    def query(self, vectors: np.ndarray, k: int, exclude: Any = ...) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass
class _Candidate:
    text: str
    polarity: int
    source: Source
    order: int
    short: bool
    core: str = ""
    """The text without generic words (movies, 电影, stories …), embedded beside the full text."""


# --- clause analysis -------------------------------------------------------------------------------


def _units(tokens: Sequence[Token]) -> float:
    return sum(len(t.text) / 2.0 if t.kind == "zh" else 1.0 for t in tokens if t.kind in ("zh", "en", "num"))


def _is_filler(tok: Token) -> bool:
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
        elif tok.kind == "en" and tok.lower in NEGATION_EN:
            return i
    return None


def _has_positive_cue(tokens: Sequence[Token]) -> bool:
    return any((t.lower if t.kind == "en" else t.text) in POSITIVE_CUES for t in tokens)


def _trim(tokens: Sequence[Token]) -> list[Token]:
    """Drop leading filler/cues and trailing particles/stop words."""
    toks = list(tokens)
    while toks and _is_filler(toks[0]):
        toks.pop(0)
    while toks and (
        _is_filler(toks[-1]) or (len(toks) > 2 and toks[-1].lower in GENERIC_WORDS and _is_filler(toks[-2]))
    ):  # 这种片子 / 之类的电影: a generic noun after filler goes with it
        toks.pop()
    return toks


def _is_generic(tokens: Sequence[Token]) -> bool:
    words = [t for t in tokens if t.kind in ("zh", "en", "num")]
    return all((t.lower in GENERIC_WORDS) or _is_filler(t) for t in words)


@dataclass
class _ClauseInfo:
    clause: Clause
    polarity: int
    core: list[Token]


def _analyse_clauses(text: str, clauses: Sequence[Clause]) -> list[_ClauseInfo]:
    """Polarity and core tokens of each clause, with negation carried over enumerations."""
    out: list[_ClauseInfo] = []
    prev_negative = False
    for clause in clauses:
        toks = list(clause.tokens)
        neg_at = _negation_at(toks)
        if neg_at is not None:
            polarity = -1
            before, core = _trim(toks[:neg_at]), _trim(toks[neg_at + 1 :])
            if not core:  # postposed cue: 恐怖片就不要了 / horror, no
                core = before
            elif before:  # "family comedies without horror": the part before the cue is wanted
                out.append(_ClauseInfo(clause, 1, before))
        else:
            carried = prev_negative and clause.enumerates and not _has_positive_cue(toks)
            polarity = -1 if carried else 1
            core = _trim(toks)
        prev_negative = polarity < 0
        out.append(_ClauseInfo(clause, polarity, core))
    return out


def _span_text(text: str, tokens: Sequence[Token]) -> str:
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
    return [_span_text(text, c) for c in chunks if c and not (len(c) == 1 and len(c[0].text) < 3)]


def _candidates(text: str, infos: Sequence[_ClauseInfo], terms: tuple[str, ...]) -> list[_Candidate]:
    cands: list[_Candidate] = []
    order = 0
    for info in infos:
        core = info.core
        if not core or _is_generic(core):
            continue
        core_text = _span_text(text, core)
        units = _units(core)
        short = units <= LONG_CLAUSE_UNITS
        cands.append(_Candidate(core_text, info.polarity, "clause", order, short))
        order += 1
        if short:
            continue
        if any(t.kind == "zh" for t in core):
            for word, _w in keywords(core_text, top_k=4):
                cands.append(_Candidate(word, info.polarity, "keyword", order, True))
                order += 1
        if any(t.kind == "en" for t in core):
            for phrase in _phrases_en(text, core):
                if phrase != core_text:
                    cands.append(_Candidate(phrase, info.polarity, "phrase", order, True))
                    order += 1
    # catalogue terms written in the text stay whole (their clause decides the polarity)
    for start, end in _term_spans(text, terms):
        polarity = next((i.polarity for i in infos if i.clause.start <= start < i.clause.end), 1)
        cands.append(_Candidate(text[start:end], polarity, "phrase", order, True))
        order += 1
    # de-duplicate by text; the clause (earliest, most literal) version wins, a later polarity wins
    by_text: dict[str, _Candidate] = {}
    for cand in cands:
        key = cand.text.lower()
        if key in by_text:
            prev = by_text[key]
            prev.polarity = cand.polarity if cand.source == "clause" else prev.polarity
            continue
        by_text[key] = cand
    out = list(by_text.values())
    for cand in out:
        cand.core = _strip_generic(cand.text)
    return out


def _strip_generic(text: str) -> str:
    """``text`` without generic words (heist movies → heist); the text itself when nothing would remain."""
    toks = tokenize(text)
    keep = [t for t in toks if t.kind in ("zh", "en", "num") and t.lower not in GENERIC_WORDS]
    if not keep or len(keep) == len([t for t in toks if t.kind in ("zh", "en", "num")]):
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
    toks = [t for t in tokenize(text) if t.kind in ("zh", "en", "num")]
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


def _truncate(text: str) -> tuple[str, bool]:
    if len(text) <= MAX_CHARS:
        return text, False
    cut = text[:MAX_CHARS]
    boundary = max(cut.rfind(p) for p in "，。；！？,;.!?\n")
    if boundary > MAX_CHARS // 2:
        cut = cut[: boundary + 1]
    return cut, True


# --- maths helpers ---------------------------------------------------------------------------------


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    """``exp(s / T) / Σ exp(s / T)``, numerically stable; T is clipped to >= 1e-3."""
    s = np.asarray(scores, dtype=np.float64) / max(float(temperature), 1e-3)
    if s.size == 0:
        return s
    e = np.exp(s - s.max())
    return np.asarray(e / e.sum(), dtype=np.float64)


def _grounding(vectors: np.ndarray, item_vectors: np.ndarray | None, item_index: _Index | None) -> np.ndarray:
    """Mean cosine of each vector's GROUNDING_K nearest catalogue items (NaN without a catalogue)."""
    n = vectors.shape[0]
    if item_vectors is None or len(item_vectors) == 0:
        if item_index is None:
            return np.full(n, np.nan)
        _ids, sims = item_index.query(vectors, GROUNDING_K)
        sims = np.where(np.isfinite(sims), sims, np.nan)
        return np.asarray(np.nanmean(sims, axis=1), dtype=np.float64)
    k = min(GROUNDING_K, len(item_vectors))
    sims = np.asarray(vectors, dtype=np.float32) @ np.asarray(item_vectors, dtype=np.float32).T
    top = -np.partition(-sims, k - 1, axis=1)[:, :k]
    return np.asarray(top.mean(axis=1), dtype=np.float64)


def _mmr(
    cands: Sequence[_Candidate], vecs: np.ndarray, scores: np.ndarray, diversity: float, max_tags: int
) -> list[int]:
    """Indices chosen by maximal marginal relevance with the redundancy rules of the module docstring."""
    diversity = float(np.clip(diversity, 0.0, 1.0))
    redundant_at = 1.0 - 0.5 * diversity
    pool = list(range(len(cands)))
    chosen: list[int] = []
    sims = vecs @ vecs.T
    while pool and len(chosen) < max_tags:
        best, best_val, best_red = -1, -np.inf, 0.0
        for i in pool:
            same = [j for j in chosen if cands[j].polarity == cands[i].polarity]
            red = float(max((sims[i, j] for j in same), default=0.0))
            val = (1.0 - diversity) * scores[i] - diversity * red
            if val > best_val:
                best, best_val, best_red = i, val, red
        pool.remove(best)
        cand = cands[best]
        contained = any(
            cands[j].polarity == cand.polarity
            and cands[j].short
            and (cand.text.lower() in cands[j].text.lower() or cands[j].text.lower() in cand.text.lower())
            for j in chosen
        )
        if best_red >= redundant_at or contained:
            continue
        if cand.source != "clause" and scores[best] < MIN_KEYWORD_SCORE:
            continue
        chosen.append(best)
    return chosen


def _reweight(tags: Sequence[InterestTag], temperature: float, negative_scale: float) -> list[InterestTag]:
    """Softmax weights over positive scores (sum 1) and over negative scores (sum ``negative_scale``)."""
    out = list(tags)
    for polarity, total in ((1, 1.0), (-1, negative_scale)):
        idx = [i for i, t in enumerate(out) if t.polarity == polarity]
        if not idx:
            continue
        w = softmax(np.array([out[i].score for i in idx]), temperature) * total
        for i, wi in zip(idx, w, strict=True):
            out[i] = replace(out[i], weight=float(wi))
    return out


# --- decomposition ---------------------------------------------------------------------------------


def decompose(
    text: str,
    encoder: _Encoder,
    item_vectors: np.ndarray | None,
    item_index: _Index | None = None,
    *,
    temperature: float = 0.15,
    diversity: float = 0.3,
    max_tags: int = 8,
    catalogue_terms: Iterable[str] | None = None,
    negative_scale: float = NEGATIVE_SCALE,
    grounding_threshold: float = GROUNDING_THRESHOLD,
) -> InterestProfile:
    """Decompose free text (Chinese, English or mixed) into weighted, grounded interest tags.

    See the module docstring for every step. Raises :class:`InterestLensError` with a readable message
    when the text holds no words at all (empty, whitespace, emoji or symbols only) or no interest
    can be found in it (only filler such as "I like").
    """
    if not isinstance(text, str):
        raise InterestLensError(f"Interests must be text, got {type(text).__name__}.")
    if max_tags < 1:
        raise InterestLensError("max_tags must be at least 1.")
    notices: list[str] = []
    raw, had_markup = strip_markup(text)
    if had_markup:
        notices.append("markup_removed")
    raw, truncated = _truncate(raw)
    if truncated:
        notices.append("truncated")
    clean = normalise(_ANYTHING_BUT_RE.sub(lambda m: f"{m.group(1)} except", raw))
    terms = tuple(str(t) for t in (catalogue_terms or ()))
    if terms:
        add_user_terms(terms)
    if not clean:
        what = "Only HTML markup was found" if had_markup else "The interest text is empty"
        raise InterestLensError(f"{what}: type what you like, e.g. 科幻电影 or 'space operas'.")
    tokens = tokenize(clean)
    if not any(t.kind in ("zh", "en") for t in tokens):
        raise InterestLensError(
            "No words found in the interest text (only symbols, numbers or emoji): "
            "describe what you like in words."
        )
    infos = _analyse_clauses(clean, split_clauses(clean, tokens))
    cands = _candidates(clean, infos, terms)
    if not cands:
        content = [t for t in tokens if t.kind in ("zh", "en") and not _is_filler(t)]
        if not content:
            raise InterestLensError(
                f"No interest found in '{clean[:60]}': it holds only filler words. "
                "Name a genre, topic or title."
            )
        polarity = -1 if infos and all(i.polarity < 0 for i in infos) else 1
        cands = [_Candidate(_span_text(clean, content), polarity, "clause", 0, True)]
        notices.append("fallback_whole_text")

    cvecs, whole = _embed_candidates(encoder, clean, cands)
    relevance = (cvecs @ whole).astype(np.float64)
    grounding = _grounding(cvecs, item_vectors, item_index)
    measured = bool(np.isfinite(grounding).all())
    if not measured:
        notices.append("no_catalogue")
    g = np.where(np.isfinite(grounding), grounding, relevance)
    prior = np.array([CLAUSE_PRIOR if c.source == "clause" and c.short else 0.0 for c in cands])
    scores = (1.0 - GROUNDING_MIX) * relevance + GROUNDING_MIX * g + prior

    chosen = _mmr(cands, cvecs, scores, diversity, max_tags)
    chosen.sort(key=lambda i: cands[i].order)
    tags = [
        InterestTag(
            text=cands[i].text,
            weight=0.0,
            polarity=cands[i].polarity,
            vector=cvecs[i].copy(),
            source=cands[i].source,
            grounding=float(grounding[i]),
            grounded=bool(not measured or grounding[i] >= grounding_threshold),
            relevance=float(relevance[i]),
            score=float(scores[i]),
        )
        for i in chosen
    ]
    tags = _reweight(tags, temperature, negative_scale)
    if any(not t.grounded for t in tags):
        notices.append("ungrounded")
    if not any(t.polarity > 0 for t in tags):
        notices.append("only_negative")
    return InterestProfile(
        text=clean,
        tags=_ordered(tags),
        language=detect_language(clean),
        notices=tuple(notices),
        negative_scale=negative_scale,
        params={"temperature": temperature, "diversity": diversity, "max_tags": max_tags},
    )


EMBED_MODE: Literal["full", "core", "mean"] = "mean"
"""How a candidate is embedded: its full text, its text without generic words, or the normalised mean
of both (default: keeps 黑色电影 = film noir while damping title matches on "Movie"/"Story")."""


def _embed_candidates(
    encoder: _Encoder, clean: str, cands: Sequence[_Candidate]
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate vectors (per :data:`EMBED_MODE`) and the whole-text vector, from one encoder batch."""
    texts = [clean, *[c.text for c in cands]]
    extra = {c.core for c in cands if c.core and c.core != c.text}
    extra_list = sorted(extra)
    vecs = np.asarray(encoder.encode([*texts, *extra_list]), dtype=np.float32)
    whole = vecs[0]
    full = vecs[1 : len(texts)]
    if EMBED_MODE == "full" or not extra_list:
        return full, whole
    pos = {t: len(texts) + i for i, t in enumerate(extra_list)}
    out = full.copy()
    for i, c in enumerate(cands):
        if c.core in pos:
            core_vec = vecs[pos[c.core]]
            out[i] = core_vec if EMBED_MODE == "core" else core_vec + full[i]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out, whole


def _ordered(tags: Iterable[InterestTag]) -> list[InterestTag]:
    """Positive tags first, each group by weight (stable for ties)."""
    return sorted(tags, key=lambda t: (t.polarity < 0, -t.weight))


# --- editing (immutable) ---------------------------------------------------------------------------


def renormalise(profile: InterestProfile, fixed: int | None = None) -> InterestProfile:
    """Rescale weights so positives sum to 1 and negatives to ``negative_scale``.

    With ``fixed`` (a tag position), that tag keeps its weight (clipped to the group total) and the
    others of its polarity share the remainder in their current proportions.
    """
    tags = list(profile.tags)
    for polarity, total in ((1, 1.0), (-1, profile.negative_scale)):
        idx = [i for i, t in enumerate(tags) if t.polarity == polarity]
        if not idx:
            continue
        weights = np.array([max(0.0, float(tags[i].weight)) for i in idx])
        if fixed is not None and fixed in idx and len(idx) > 1:
            pos = idx.index(fixed)
            keep = min(weights[pos], total)
            others = np.delete(weights, pos)
            rest = total - keep
            others = others / others.sum() * rest if others.sum() > 0 else np.full(len(others), rest / len(others))
            weights = np.insert(others, pos, keep)
        else:
            s = weights.sum()
            weights = weights / s * total if s > 0 else np.full(len(idx), total / len(idx))
        for i, w in zip(idx, weights, strict=True):
            tags[i] = replace(tags[i], weight=float(w))
    return replace(profile, tags=tags)


def _position(profile: InterestProfile, tag: int | str) -> int:
    if isinstance(tag, int):
        if not 0 <= tag < len(profile.tags):
            raise InterestLensError(f"No tag at position {tag} (the profile has {len(profile.tags)}).")
        return tag
    for i, t in enumerate(profile.tags):
        if t.text == tag:
            return i
    raise InterestLensError(f"No tag named '{tag}' in the profile.")


def set_weight(profile: InterestProfile, tag: int | str, weight: float) -> InterestProfile:
    """A new profile where ``tag`` has ``weight`` and the other tags of its polarity share the rest."""
    if not math.isfinite(weight) or weight < 0:
        raise InterestLensError(f"A tag weight must be a non-negative number, got {weight}.")
    i = _position(profile, tag)
    tags = list(profile.tags)
    tags[i] = replace(tags[i], weight=float(weight))
    return renormalise(replace(profile, tags=tags), fixed=i)


def set_polarity(profile: InterestProfile, tag: int | str, polarity: int) -> InterestProfile:
    """A new profile with ``tag`` switched to ``polarity`` (+1 / -1), both groups re-normalised."""
    if polarity not in (1, -1):
        raise InterestLensError(f"Polarity must be +1 or -1, got {polarity}.")
    i = _position(profile, tag)
    tags = list(profile.tags)
    source = "edited" if tags[i].polarity != polarity else tags[i].source
    tags[i] = replace(tags[i], polarity=polarity, source=source)
    return renormalise(replace(profile, tags=tags))


def remove_tag(profile: InterestProfile, tag: int | str) -> InterestProfile:
    """A new profile without ``tag``; the remaining tags are re-normalised."""
    i = _position(profile, tag)
    tags = [t for j, t in enumerate(profile.tags) if j != i]
    notices = tuple(n for n in profile.notices if n != "only_negative")
    if tags and not any(t.polarity > 0 for t in tags):
        notices = (*notices, "only_negative")
    return renormalise(replace(profile, tags=tags, notices=notices))


def make_tag(
    text: str,
    encoder: _Encoder,
    item_vectors: np.ndarray | None,
    *,
    polarity: int = 1,
    weight: float = 0.0,
    source: str = "edited",
    grounding_threshold: float = GROUNDING_THRESHOLD,
) -> InterestTag:
    """Embed and ground one tag typed by hand."""
    clean = normalise(strip_markup(str(text))[0])
    if not clean or not any(t.kind in ("zh", "en") for t in tokenize(clean)):
        raise InterestLensError("A tag needs at least one word.")
    vec = np.asarray(encoder.encode([clean]), dtype=np.float32)
    ground = float(_grounding(vec, item_vectors, None)[0])
    return InterestTag(
        text=clean,
        weight=float(weight),
        polarity=1 if polarity >= 0 else -1,
        vector=vec[0],
        source=source,
        grounding=ground,
        grounded=bool(math.isnan(ground) or ground >= grounding_threshold),
    )


def add_tag(
    profile: InterestProfile,
    text: str,
    encoder: _Encoder,
    item_vectors: np.ndarray | None,
    *,
    polarity: int = 1,
    weight: float | None = None,
) -> InterestProfile:
    """A new profile with a hand-typed tag (weight default: the mean of its polarity group), re-normalised."""
    same = [t.weight for t in profile.tags if t.polarity == (1 if polarity >= 0 else -1)]
    w = float(weight) if weight is not None else (float(np.mean(same)) if same else 1.0)
    tag = make_tag(text, encoder, item_vectors, polarity=polarity, weight=w)
    if any(t.text == tag.text and t.polarity == tag.polarity for t in profile.tags):
        return profile
    tags = [*profile.tags, tag]
    notices = tuple(n for n in profile.notices if not (n == "only_negative" and tag.polarity > 0))
    fixed = len(tags) - 1 if weight is not None else None
    return renormalise(replace(profile, tags=tags, notices=notices), fixed=fixed)


def apply_table(
    profile: InterestProfile,
    rows: Sequence[dict[str, Any]],
    encoder: _Encoder,
    item_vectors: np.ndarray | None,
) -> InterestProfile:
    """Apply an edited tag table (rows of ``text``, ``weight``, ``polarity``) as a new profile.

    Rows whose text matches an existing tag reuse its vector; new texts are embedded (source
    ``"edited"``); missing tags are removed; invalid weights become 0; weights are re-normalised.
    """
    known = {t.text: t for t in profile.tags}
    tags: list[InterestTag] = []
    seen: set[tuple[str, int]] = set()
    for row in rows:
        text = str(row.get("text") or "").strip()
        if not text:
            continue
        try:
            weight = float(row.get("weight") or 0.0)
        except (TypeError, ValueError):
            weight = 0.0
        weight = weight if math.isfinite(weight) and weight > 0 else 0.0
        try:
            polarity = 1 if int(float(row.get("polarity") or 1)) >= 0 else -1
        except (TypeError, ValueError):
            polarity = 1
        if (text, polarity) in seen:
            continue
        seen.add((text, polarity))
        if text in known:
            base = known[text]
            source = base.source if base.polarity == polarity else "edited"
            tags.append(replace(base, weight=weight, polarity=polarity, source=source))
        else:
            tags.append(make_tag(text, encoder, item_vectors, polarity=polarity, weight=weight))
    notices = tuple(n for n in profile.notices if n != "only_negative")
    if tags and not any(t.polarity > 0 for t in tags):
        notices = (*notices, "only_negative")
    return renormalise(replace(profile, tags=tags, notices=notices))


# --- composition -----------------------------------------------------------------------------------


def negative_penalty(profile: InterestProfile, item_vectors: np.ndarray) -> np.ndarray:
    """Per-item penalty (float64, >= 0) for closeness to the profile's negative tags (module docstring)."""
    pen = np.zeros(len(item_vectors), dtype=np.float64)
    scale = profile.negative_scale if profile.negative_scale > 0 else 1.0
    for tag in profile.negative():
        if tag.vector is None or tag.weight <= 0:
            continue
        sims = np.asarray(item_vectors, dtype=np.float32) @ np.asarray(tag.vector, dtype=np.float32)
        sims = sims.astype(np.float64)
        std = float(sims.std())
        if std <= 1e-9:
            continue
        z = (sims - float(np.median(sims))) / std
        ramp = np.clip((z - NEG_Z0) / (NEG_Z1 - NEG_Z0), 0.0, 1.0)
        pen += min(1.0, float(tag.weight) / scale) * NEG_STRENGTH * ramp
    return pen


def score_items(
    profile: InterestProfile,
    item_vectors: np.ndarray,
    mode: Mode = "single",
    item_index: _Index | None = None,
    k: int = 200,
) -> np.ndarray:
    """Score every item for the profile: float64 ``(n_items,)``, higher is better, finite.

    ``single``: cosine to :meth:`InterestProfile.composed_vector`; ``multi``: per-positive-tag
    neighbours (``k`` each, from ``item_index`` or exact search) merged by tag weight, items not
    retrieved get :data:`MULTI_FLOOR`. Both subtract :func:`negative_penalty`. A profile with no
    positive tag scores ``-penalty`` (everything else ties at 0).
    """
    vectors = np.asarray(item_vectors, dtype=np.float32)
    n = len(vectors)
    if mode not in ("single", "multi"):
        raise InterestLensError(f"Unknown composition mode '{mode}': use 'single' or 'multi'.")
    base = np.zeros(n, dtype=np.float64)
    positives = [t for t in profile.positive() if t.vector is not None and t.weight > 0]
    if n and positives:
        if mode == "single":
            composed = profile.composed_vector()
            if composed is not None:
                base = (vectors @ composed).astype(np.float64)
        else:
            penalty = negative_penalty(profile, vectors)
            excluded = np.flatnonzero(penalty >= NEG_EXCLUDE)
            multi: np.ndarray = _multi_scores(positives, vectors, item_index, k, excluded) - penalty
            return multi
    if n == 0:
        return base
    out: np.ndarray = base - negative_penalty(profile, vectors)
    return out


def _multi_scores(
    tags: Sequence[InterestTag], vectors: np.ndarray, item_index: _Index | None, k: int, excluded: np.ndarray
) -> np.ndarray:
    n = len(vectors)
    k = max(1, min(int(k), n - len(excluded)))
    q = np.stack([np.asarray(t.vector, dtype=np.float32) for t in tags])
    if item_index is not None:
        ids, sims = item_index.query(q, k, exclude=excluded.tolist() if len(excluded) else None)
    else:
        all_sims = q @ vectors.T
        if len(excluded):
            all_sims[:, excluded] = -np.inf
        ids = np.argpartition(-all_sims, k - 1, axis=1)[:, :k]
        sims = np.take_along_axis(all_sims, ids, axis=1)
        order = np.argsort(-sims, axis=1, kind="stable")
        ids, sims = np.take_along_axis(ids, order, axis=1), np.take_along_axis(sims, order, axis=1)
    total = sum(float(t.weight) for t in tags)
    out = np.full(n, MULTI_FLOOR, dtype=np.float64)
    for row, tag in enumerate(tags):
        valid = (ids[row] >= 0) & np.isfinite(sims[row])
        rid = np.asarray(ids[row][valid], dtype=np.int64)
        rs = np.asarray(sims[row][valid], dtype=np.float64)
        if MULTI_MERGE == "rrf":
            contrib = (RRF_C + 1.0) / (RRF_C + 1.0 + np.arange(len(rid), dtype=np.float64))
        else:
            contrib = np.maximum(rs, 0.0)
        out[rid] += float(tag.weight) / total * contrib
    return out


def rank(scores: np.ndarray, k: int, exclude: Iterable[int] = ()) -> np.ndarray:
    """Top-``k`` item positions by score (ties by position), skipping ``exclude``."""
    s = np.asarray(scores, dtype=np.float64).copy()
    ex = np.fromiter(exclude, dtype=np.int64)
    if ex.size:
        s[ex] = -np.inf
    k = min(k, int(np.isfinite(s).sum()))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-s, k - 1)[:k]
    return np.asarray(top[np.lexsort((top, -s[top]))], dtype=np.int64)


def whole_text_scores(text: str, encoder: _Encoder, item_vectors: np.ndarray) -> np.ndarray:
    """Baseline: cosine of every item to the embedding of the whole (normalised) text."""
    clean = normalise(strip_markup(text)[0])
    vec = np.asarray(encoder.encode([clean or " "]), dtype=np.float32)[0]
    scores: np.ndarray = (np.asarray(item_vectors, dtype=np.float32) @ vec).astype(np.float64)
    return scores
