"""Interest decomposition: free text (Chinese, English or mixed) -> weighted, grounded interest tags.

:func:`decompose` builds an :class:`~core.interests.profile.InterestProfile` of four kinds of tags
(``InterestTag.kind``): **item** tags (a catalogue title the person named), **attribute** tags (a genre,
users' tag, person or other catalogue attribute), **text** tags (free text, scored semantically) and one
**gist** tag (the whole text), in these steps:

1. **Clean**: HTML tags and ``<script>`` blocks are stripped, text is normalised (NFKC, traditional →
   simplified Chinese, see :mod:`core.interests.text`) and cut to :data:`MAX_CHARS` at a clause boundary (the
   profile then carries the notice ``"truncated"``).
2. **Clauses**: :func:`core.interests.text.split_clauses` cuts at ，、；。！？ and conjunction tokens (和 与 以及 还有
   或者 也 / and or but …). In each clause a **negation cue** (不要 不喜欢 不想 讨厌 除了 别 … / no not
   don't except without avoid …) makes the clause negative. Negation scope: a cue governs its own
   clause and carries over to the following clauses joined by an *enumerating* separator (、 和 或 /
   and or) until a clause with a positive cue (喜欢 / like …) or a non-enumerating separator (，but)
   ends it, so 不要恐怖片和血腥片 gives two negative tags.
3. **Recognition** (only with a ``catalogue``, :class:`core.interests.recognise.CatalogueIndex`): every
   :class:`~core.interests.recognise.Match` in the text becomes an item or attribute tag whose polarity is
   its clause's ("not Titanic", "不要恐怖片"), with ``key`` / ``label`` the catalogue's. An item tag's vector
   is the item's own row of ``item_vectors``; an attribute tag's the embedding of its label. The matched
   spans are then cut out of the clause cores, so "A Clockwork Orange" does not also give a text tag
   "clockwork orange", and "轻松的喜剧" gives the attribute 喜剧 plus the text tag 轻松.
   **Candidates**: each clause's *core* — the clause minus leading filler and cues (我喜欢, 也想看点,
   I'd love, not …) and trailing particles (吧 了 please …). Long cores (more than
   :data:`~core.interests.candidates.LONG_CLAUSE_UNITS` word units) also contribute jieba TF-IDF keywords (Chinese) and
   English noun phrases (runs of words between stop words, no POS tagger needed); catalogue terms
   (``catalogue_terms``) found in the text are kept whole.
4. **Scoring**: every candidate and the whole text are embedded with ``encoder`` in one batch.
   ``relevance`` = cosine to the whole text; ``grounding`` = mean cosine of the candidate's
   :data:`GROUNDING_K` nearest items (a single title match can be a fluke). Candidates whose
   grounding is below ``grounding_threshold`` are **kept but flagged** (``grounded=False``) and the
   profile gets the notice ``"ungrounded"``. ``score = (1 - GROUNDING_MIX) * relevance +
   GROUNDING_MIX * grounding``, plus :data:`CLAUSE_PRIOR` for short clause cores (what the person
   literally listed beats a keyword mined from it) and :data:`RECOGNISED_PRIOR` for recognised tags.
5. **Redundancy** by maximal marginal relevance (as KeyBERT; :func:`core.common.selection.mmr` with
   ``lam = 1 - diversity``): repeatedly take the candidate with the best
   ``(1 - diversity) * score - diversity * max_sim_to_selected`` (similarity counted only against tags
   of the same polarity); a candidate is dropped as redundant when its similarity to a selected tag
   reaches ``1 - 0.5 * diversity`` (0.85 at the default) or its text is contained in a selected short
   tag. Keyword/phrase candidates also need ``score >= MIN_KEYWORD_SCORE``. Recognised tags are all kept
   (the best ``max_tags`` when there are more); free-text tags fill the remaining ``max_tags`` slots.
6. **Gist**: the whole text without its negated parts ("no horror" would pull towards horror) is embedded
   as one more positive tag (kind and source ``"gist"``), so the profile never does worse than embedding
   the whole text alone. It is left out when ``gist_weight`` is 0, when no positive tag was found, or when
   the free-text tags already say the whole text (one tag that is the text, or tags holding every content
   word of it, as in "西部片和动画片"; recognised tags never do). It is never flagged ungrounded.
7. **Weights**: the gist gets ``gist_weight`` of the positive mass (:data:`GIST_WEIGHT`, 0.3 by default;
   the lead chooses it on validation data); the other positive tags share the rest by
   ``softmax(score / temperature)`` (all positives sum to 1). Negative tags get their own softmax over
   their scores, scaled by ``negative_scale`` (they sum to ``negative_scale``, 0.5 by default): one
   unwanted theme never outweighs everything the person does want.
8. **Notices** (:func:`core.interests.profile.refresh_notices`): besides ``truncated``, ``markup_removed``,
   ``ungrounded``, ``fallback_whole_text`` and ``no_catalogue``, a profile with only things to avoid gets
   ``only_negative`` and one that both wants and avoids the same title, attribute or words ("I like horror,
   no horror") gets ``contradiction``: both tags stay, and the page names them.

Editing a profile lives in :mod:`core.interests.editing`, scoring items for it in
:mod:`core.interests.composition`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from core.common.errors import InterestLensError
from core.common.selection import mmr
from core.interests.aliases import fold
from core.interests.candidates import (
    Candidate,
    analyse_clauses,
    extract_candidates,
    gist_text,
    is_filler,
    recognised_once,
    span_text,
    without_spans,
)
from core.interests.profile import (
    MAX_CHARS,
    NEGATIVE_SCALE,
    InterestProfile,
    InterestTag,
    ItemIndex,
    TextEncoder,
    refresh_notices,
)
from core.interests.recognise import CatalogueIndex, Match
from core.interests.text import (
    GENERIC_WORDS,
    WORD_KINDS,
    add_user_terms,
    detect_language,
    normalise,
    split_clauses,
    strip_markup,
    tokenize,
)

# --- tunables (documented in the module docstring) -------------------------------------------------

GROUNDING_K = 5
"""Grounding = mean cosine of a candidate's nearest GROUNDING_K catalogue items."""
GROUNDING_THRESHOLD = 0.25
"""Below this grounding a tag is flagged ``grounded=False`` (measured on MovieLens with USE-m3:
genre/topic phrases score 0.30-0.65, gibberish and off-catalogue text 0.05-0.20)."""
GROUNDING_MIX = 0.5
CLAUSE_PRIOR = 0.1
RECOGNISED_PRIOR = 0.2
"""Added to a recognised (item / attribute) tag's score: what the person named outweighs what was inferred."""
MIN_KEYWORD_SCORE = 0.25
GIST_WEIGHT = 0.3
"""Default share of the positive weight the gist tag gets (chosen by the lead on validation data)."""
GIST_REDUNDANT = 0.95
"""The gist is left out when the single positive tag's vector is this close to it."""

_ANYTHING_BUT_RE = re.compile(r"\b(anything|everything|all)\s+but\b", re.IGNORECASE)


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
    cands: Sequence[Candidate], vecs: np.ndarray, scores: np.ndarray, diversity: float, max_tags: int
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


def _reweight(
    tags: Sequence[InterestTag], temperature: float, negative_scale: float, gist_weight: float = 0.0
) -> list[InterestTag]:
    """Softmax weights over positive scores (sum 1, the gist taking ``gist_weight`` of it) and over negative
    scores (sum ``negative_scale``)."""
    out = list(tags)
    for polarity, total in ((1, 1.0), (-1, negative_scale)):
        idx = [i for i, t in enumerate(out) if t.polarity == polarity and t.kind != "gist"]
        gist = [i for i, t in enumerate(out) if t.polarity == polarity and t.kind == "gist"]
        share = total
        if gist:
            g = total * gist_weight if idx else total
            for i in gist:
                out[i] = replace(out[i], weight=g / len(gist))
            share = total - g
        if not idx:
            continue
        w = softmax(np.array([out[i].score for i in idx]), temperature) * share
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
    catalogue: CatalogueIndex | None = None,
    gist_weight: float = GIST_WEIGHT,
) -> InterestProfile:
    """Decompose free text (Chinese, English or mixed) into weighted, grounded interest tags.

    See the module docstring for every step. With ``catalogue`` the titles, genres, tags and people the
    text names become item / attribute tags; without it only free-text tags and the gist are made.
    Raises :class:`InterestLensError` with a readable message when the text holds no words at all (empty,
    whitespace, emoji or symbols only) or no interest can be found in it (only filler such as "I like").
    """
    if not isinstance(text, str):
        raise InterestLensError(f"Interests must be text, got {type(text).__name__}.")
    if max_tags < 1:
        raise InterestLensError("max_tags must be at least 1.")
    if not 0.0 <= gist_weight < 1.0:
        raise InterestLensError(f"gist_weight must be in [0, 1), got {gist_weight}.")
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
    if not any(t.kind in WORD_KINDS for t in tokens):
        raise InterestLensError(
            "No words found in the interest text (only symbols, numbers or emoji): "
            "describe what you like in words."
        )
    infos = analyse_clauses(clean, split_clauses(clean, tokens))
    matches = catalogue.find(clean) if catalogue is not None else []
    spans = [(m.start, m.end) for m in matches]
    named = recognised_once(matches, infos)
    cands = extract_candidates(clean, without_spans(infos, spans), terms, spans)
    if not cands and not named:
        content = [t for t in tokens if t.kind in WORD_KINDS and not is_filler(t)]
        if not content:
            raise InterestLensError(
                f"No interest found in '{clean[:60]}': it holds only filler words. "
                "Name a genre, topic or title."
            )
        polarity = -1 if infos and all(i.polarity < 0 for i in infos) else 1
        cands = [Candidate(span_text(clean, content), polarity, "clause", 0, True)]
        notices.append("fallback_whole_text")
    gist = gist_text(clean, infos) if gist_weight > 0 else ""

    vecs, whole = _embed(encoder, clean, cands, named, item_vectors, gist)
    relevance = (vecs @ whole).astype(np.float64)
    grounding = grounding_scores(vecs, item_vectors, item_index)
    measured = bool(np.isfinite(grounding).all())
    if not measured:
        notices.append("no_catalogue")
    g = np.where(np.isfinite(grounding), grounding, relevance)
    n_c, n_r = len(cands), len(named)
    prior = np.array([CLAUSE_PRIOR if c.source == "clause" and c.short else 0.0 for c in cands]
                     + [RECOGNISED_PRIOR] * n_r + [0.0] * (len(vecs) - n_c - n_r))
    scores = (1.0 - GROUNDING_MIX) * relevance + GROUNDING_MIX * g + prior

    rows = _Scored(vecs, relevance, grounding, scores, grounding_threshold if measured else None)
    keep = sorted(sorted(range(n_r), key=lambda j: -scores[n_c + j])[:max_tags])
    tags = [rows.tag(n_c + j, m.surface, p, "fuzzy" if m.how == "fuzzy" else "match", m.kind, m.key, m.label)
            for j in keep for m, p in [named[j]]]
    free = max_tags - len(tags)
    chosen = _select(cands, vecs[:n_c], scores[:n_c], diversity, free) if free > 0 else []
    tags += [rows.tag(i, cands[i].text, cands[i].polarity, cands[i].source, "text")
             for i in sorted(chosen, key=lambda i: cands[i].order)]
    positives = [t for t in tags if t.polarity > 0]
    if gist and positives and len(vecs) > n_c + n_r and not _gist_redundant(gist, vecs[-1], positives):
        tags.append(rows.tag(len(vecs) - 1, gist, 1, "gist", "gist"))
    tags = _reweight(tags, temperature, negative_scale, gist_weight)
    if any(not t.grounded for t in tags):
        notices.append("ungrounded")
    return InterestProfile(
        text=clean,
        tags=_ordered(tags),
        language=detect_language(clean),
        notices=refresh_notices(notices, tags),
        negative_scale=negative_scale,
        params={"temperature": temperature, "diversity": diversity, "max_tags": max_tags,
                "gist_weight": gist_weight},
    )


def _gist_redundant(gist: str, vector: np.ndarray, positives: Sequence[InterestTag]) -> bool:
    """True when the free-text tags already say the whole (wanted) text: the single positive tag is the
    gist (same words or a vector this close, :data:`GIST_REDUNDANT`), or every content word of the gist
    is inside a positive free-text tag ("西部片和动画片"). Recognised tags never make it redundant: their
    vectors are items and labels, not the person's words."""
    one = positives[0]
    if len(positives) == 1 and one.kind == "text" and (
            fold(one.text) == fold(gist) or float(vector @ np.asarray(one.vector)) >= GIST_REDUNDANT):
        return True
    texts = [t.text.lower() for t in positives if t.kind == "text"]
    content = [t.lower for t in tokenize(gist)
               if t.kind in WORD_KINDS and not is_filler(t) and t.lower not in GENERIC_WORDS]
    return bool(texts) and len(texts) == len(positives) and all(any(w in x for x in texts) for w in content)


@dataclass(frozen=True)
class _Scored:
    """Vectors and scores of every tag candidate (rows of :func:`_embed`); ``threshold`` None: not measured."""

    vecs: np.ndarray
    relevance: np.ndarray
    grounding: np.ndarray
    scores: np.ndarray
    threshold: float | None

    def tag(self, i: int, text: str, polarity: int, source: str, kind: str,
            key: str | None = None, label: str | None = None) -> InterestTag:
        """Row ``i`` as an (unweighted) tag; only free-text tags can be flagged ungrounded."""
        grounded = self.threshold is None or kind != "text" or bool(self.grounding[i] >= self.threshold)
        return InterestTag(text=text, weight=0.0, polarity=polarity, vector=self.vecs[i].copy(), source=source,
                           grounding=float(self.grounding[i]), grounded=grounded,
                           relevance=float(self.relevance[i]),
                           score=float("nan") if kind == "gist" else float(self.scores[i]),
                           kind=kind, key=key, label=label)


def _embed(
    encoder: TextEncoder,
    clean: str,
    cands: Sequence[Candidate],
    named: Sequence[tuple[Match, int]],
    item_vectors: np.ndarray | None,
    gist: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Rows: the candidates, the recognised tags, then the gist (when given); and the whole-text vector.

    One encoder batch. A candidate holding generic words is embedded as the normalised sum of its full
    text's vector and its core's (:func:`core.interests.candidates.strip_generic`): keeps 黑色电影 = film
    noir while damping title matches on "Movie" / "Story". An item tag takes the item's own vector (its
    title's embedding when no ``item_vectors`` are given), an attribute tag its label's embedding.
    """
    def own(m: Match) -> bool:
        return m.kind == "item" and m.item_idx is not None and item_vectors is not None

    texts = [clean, *[c.text for c in cands], *[c.core for c in cands if c.core and c.core != c.text],
             *[m.label for m, _p in named if not own(m)], *([gist] if gist else [])]
    distinct = list(dict.fromkeys(texts))
    encoded = np.asarray(encoder.encode(distinct), dtype=np.float32)
    row = {t: encoded[i] for i, t in enumerate(distinct)}
    rows: list[np.ndarray] = []
    for c in cands:
        v = row[c.text] + row[c.core] if c.core and c.core != c.text else row[c.text]
        rows.append(v / max(float(np.linalg.norm(v)), 1e-12))
    for m, _p in named:
        v = np.asarray(item_vectors[m.item_idx], dtype=np.float32) if own(m) else row[m.label]  # type: ignore[index]
        rows.append(v / max(float(np.linalg.norm(v)), 1e-12))
    if gist:
        rows.append(row[gist])
    dim = encoded.shape[1]
    out = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, dim), dtype=np.float32)
    return out, row[clean]


def _ordered(tags: Iterable[InterestTag]) -> list[InterestTag]:
    """Positive tags first (by weight, the gist last), then negative ones by weight (stable for ties)."""
    return sorted(tags, key=lambda t: (t.polarity < 0, t.kind == "gist", -t.weight))
