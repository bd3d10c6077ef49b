"""Interest decomposition: free text (Chinese, English or mixed) -> weighted, grounded interest tags.

:func:`decompose` builds an :class:`~core.interests.profile.InterestProfile` in six steps:

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
5. **Redundancy** by maximal marginal relevance (as KeyBERT; :func:`core.common.selection.mmr` with
   ``lam = 1 - diversity``): repeatedly take the candidate with the best
   ``(1 - diversity) * score - diversity * max_sim_to_selected`` (similarity counted only against tags
   of the same polarity); a candidate is dropped as redundant when its similarity to a selected tag
   reaches ``1 - 0.5 * diversity`` (0.85 at the default) or its text is contained in a selected short
   tag. Keyword/phrase candidates also need ``score >= MIN_KEYWORD_SCORE``.
6. **Weights**: positive tags get ``softmax(score / temperature)`` (they sum to 1). Negative tags get
   their own softmax over their scores, scaled by ``negative_scale`` (they sum to ``negative_scale``,
   0.5 by default): one unwanted theme never outweighs everything the person does want.

Editing a profile lives in :mod:`core.interests.editing`, scoring items for it in
:mod:`core.interests.composition`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from core.common.errors import InterestLensError
from core.common.selection import mmr
from core.interests.profile import (
    MAX_CHARS,
    NEGATIVE_SCALE,
    InterestProfile,
    InterestTag,
    ItemIndex,
    Source,
    TextEncoder,
)
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

# --- lexicons --------------------------------------------------------------------------------------

_FILLER_ZH: frozenset[str] = STOP_WORDS_ZH | NEGATION_ZH | NEGATORS_ZH | _lex(
    """
    来点 几部 关于 有关 类似 那种 这种 类型 一样 以外 之外 外 都行 也行 就好 可以
    好了 就 算了 就算了
    """
)
_FILLER_EN: frozenset[str] = (STOP_WORDS_EN | NEGATION_EN) - frozenset(["big", "huge"])
_ANYTHING_BUT_RE = re.compile(r"\b(anything|everything|all)\s+but\b", re.IGNORECASE)


@dataclass
class _Candidate:
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


# --- scoring, selection, weights ------------------------------------------------------------------


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    """``exp(s / T) / Σ exp(s / T)``, numerically stable; T is clipped to >= 1e-3."""
    s = np.asarray(scores, dtype=np.float64) / max(float(temperature), 1e-3)
    if s.size == 0:
        return s
    e = np.exp(s - s.max())
    return np.asarray(e / e.sum(), dtype=np.float64)


def grounding_scores(
    vectors: np.ndarray, item_vectors: np.ndarray | None, item_index: ItemIndex | None
) -> np.ndarray:
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


def _select(
    cands: Sequence[_Candidate], vecs: np.ndarray, scores: np.ndarray, diversity: float, max_tags: int
) -> list[int]:
    """Candidate positions chosen by MMR (per polarity) with the redundancy rules of the module docstring."""
    diversity = float(np.clip(diversity, 0.0, 1.0))
    redundant_at = 1.0 - 0.5 * diversity
    chosen: list[int] = []

    def accept(i: int, redundancy: float) -> bool:
        cand, text = cands[i], cands[i].text.lower()
        contained = any(
            cands[j].polarity == cand.polarity
            and cands[j].short
            and (text in cands[j].text.lower() or cands[j].text.lower() in text)
            for j in chosen
        )
        if redundancy >= redundant_at or contained:
            return False
        if cand.source != "clause" and scores[i] < MIN_KEYWORD_SCORE:
            return False
        chosen.append(i)  # mmr takes every accepted candidate
        return True

    polarity = np.array([c.polarity for c in cands], dtype=np.int64)
    return mmr(scores, vecs @ vecs.T, max_tags, 1.0 - diversity, groups=polarity, accept=accept)


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
    encoder: TextEncoder,
    item_vectors: np.ndarray | None,
    item_index: ItemIndex | None = None,
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
    grounding = grounding_scores(cvecs, item_vectors, item_index)
    measured = bool(np.isfinite(grounding).all())
    if not measured:
        notices.append("no_catalogue")
    g = np.where(np.isfinite(grounding), grounding, relevance)
    prior = np.array([CLAUSE_PRIOR if c.source == "clause" and c.short else 0.0 for c in cands])
    scores = (1.0 - GROUNDING_MIX) * relevance + GROUNDING_MIX * g + prior

    chosen = _select(cands, cvecs, scores, diversity, max_tags)
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


def _embed_candidates(
    encoder: TextEncoder, clean: str, cands: Sequence[_Candidate]
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate vectors and the whole-text vector, from one encoder batch.

    A candidate holding generic words is embedded as the normalised sum of its full text's vector and
    its core's (:func:`_strip_generic`): keeps 黑色电影 = film noir while damping title matches on
    "Movie" / "Story".
    """
    texts = [clean, *[c.text for c in cands]]
    extra_list = sorted({c.core for c in cands if c.core and c.core != c.text})
    vecs = np.asarray(encoder.encode([*texts, *extra_list]), dtype=np.float32)
    whole = vecs[0]
    full = vecs[1 : len(texts)]
    if not extra_list:
        return full, whole
    pos = {t: len(texts) + i for i, t in enumerate(extra_list)}
    out = full.copy()
    for i, c in enumerate(cands):
        if c.core in pos:
            out[i] = vecs[pos[c.core]] + full[i]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out, whole


def _ordered(tags: Iterable[InterestTag]) -> list[InterestTag]:
    """Positive tags first, each group by weight (stable for ties)."""
    return sorted(tags, key=lambda t: (t.polarity < 0, -t.weight))

