"""Text processing for Chinese, English, mixed and other-script input: normalisation, scripts, tokens, clauses.

Pipeline used by :mod:`core.interests.decompose` and :mod:`core.interests.history`:

1. :func:`normalise` — Unicode NFKC (full-width letters/punctuation to ASCII), curly quotes to
   straight ones, whitespace collapsed, and **traditional Chinese converted to simplified** with OpenCC
   (``opencc-python-reimplemented``, profile ``t2s``) so 喜歡 / 電影 match 喜欢 / 电影.
2. :func:`script_segments` / :func:`detect_language` — per-segment language by Unicode script
   ranges: runs of Han characters are ``zh``, runs of Latin letters/digits (accented ones included) are
   ``en``, runs of the letters of any other script (Arabic, Hebrew, Cyrillic, Greek, Thai, Devanagari,
   Hangul, kana …, with their combining marks) are ``word``; a text holding a real share of Chinese and
   English is ``mixed``, one written mostly in another script ``other``.
3. :func:`tokenize` — Chinese runs are segmented by jieba (its prefix-dictionary cache lives under
   ``core.common.config.cache_dir("jieba")``; :func:`add_user_terms` adds catalogue titles/tags to jieba's
   dictionary so they stay whole), English runs by a regex that keeps contractions (``don't``) and
   hyphenated words (``Sci-Fi``) whole, other scripts into runs of letters and marks between spaces and
   punctuation (tokens of kind ``word``: a whole Thai or kana phrase, written without spaces, is one word).
   Such words are embedded like any other (the multilingual encoder reads them); only Chinese and English
   have negation cues and stop words. Emoji, symbols and variation selectors stay ``other``: a text of
   only those has no words. Every token keeps its character span in the normalised text.
4. :func:`split_clauses` — splits at clause punctuation (，、；。！？,;.!?: and the Arabic ، ؛ ؟ and Devanagari
   । ॥) and at conjunction *tokens* (和 与 以及 还有 或者 也 … / and or but …). Because splitting works on jieba
   tokens, words that merely contain a conjunction character (和平, 也许) are never cut.

Stop words are small curated lists (:data:`STOP_WORDS_ZH`, :data:`STOP_WORDS_EN`): general function
words only, chosen so that genre and topic words ("war", "space", "爱情") are never dropped.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from core.common.config import cache_dir

Language = Literal["zh", "en", "mixed", "other", "unknown"]
TokenKind = Literal["zh", "en", "word", "num", "punct", "other"]
WORD_KINDS: tuple[str, ...] = ("zh", "en", "word")
"""Token kinds that are words (Chinese, Latin-script, any other script's letters); ``num`` / ``punct`` /
``other`` (emoji, symbols) are not."""

MIXED_MIN_SHARE = 0.15
"""A text is ``mixed`` when the minority script holds at least this share of its words
(a Han character counts as half a word, an English word as one)."""

def _lex(words: str) -> frozenset[str]:
    """A frozen set of the whitespace-separated words in ``words``."""
    return frozenset(words.split())


# --- lexicons ------------------------------------------------------------------------------------

STOP_WORDS_ZH: frozenset[str] = _lex(
    """
    的 地 得 了 着 过 吗 吧 呢 啊 呀 哦 哈 嘛 啦 么 呗 哟 噢 嗯 哎 诶 是 在 有 和
    与 及 以及 或 或者 还有 也 都 就 才 又 再 还 很 太 挺 蛮 非常 特别 比较 真的 真
    最 更 超 好 一些 一点 一点儿 点 些 一下 一部 一个 一种 一类 部 个 种 类 等 等等
    之类 什么 之类的 什么的 啥 我 我们 你 你们 他 她 它 他们 她们 咱们 自己 这 那
    这个 那个 这些 那些 这种 那种 这类 那类 这样 那样 其他 其它 别的 所有 任何 每
    各 被 把 给 让 对 对于 从 向 往 跟 同 而 但 但是 不过 可是 然而 然后 而且 并且
    因为 所以 如果 虽然 只要 只是 就是 还是 可以 能 能够 会 要 想 想要 希望 需要 看
    看看 看点 来 去 吧 最近 平时 经常 偶尔 总是 一直 已经 现在 今天 今晚 周末 请
    麻烦 帮 帮我 推荐 求 求推荐 有没有 谢谢 喜欢 爱 爱看 想看 喜欢看 感兴趣 兴趣
    """
)
"""Chinese function words and request/filler words. Content words are never listed here."""

STOP_WORDS_EN: frozenset[str] = _lex(
    """
    a an the and or but nor so yet also too as of in on at to for from by with
    about into onto over under than then that this these those there here it its
    it's i i'd i'm i've i'll me my mine myself we we'd we're our ours you you'd
    you're your yours he him his she her hers they them their theirs what which who
    whom whose when where why how all any both each few more most other some such
    only own same very can could will would shall should may might must do does did
    doing done be am is are was were been being have has had having just really
    quite rather maybe perhaps please thanks thank lot lots bit kind sort something
    anything everything stuff thing things get got give show tell let like likes
    liked love loves loved enjoy enjoys want wants wanted prefer fancy watch
    watching see seeing looking look recommend recommended recommendations suggest
    suggestions into fan fans big huge mostly especially usually sometimes often
    always lately recently now today tonight weekend if because while though
    although whether up down out off again further once
    """
)
"""English function words and request/filler words (curated; genre/topic words are never listed)."""

GENERIC_WORDS: frozenset[str] = _lex(
    """
    电影 影片 片子 片 大片 电视剧 剧 剧集 节目 作品 东西 内容 类型 题材 风格 故事
    movie movies film films flick flicks show shows series tv cinema story stories
    genre genres type types style styles content one ones
    """
)
"""Words too generic to stand alone as an interest tag (they stay inside longer phrases)."""

CONJUNCTIONS_ZH: frozenset[str] = _lex(
    """
    和 与 以及 及 还有 或者 或 也 跟 同 另外 并且 而且 但是 但 不过 可是 然而 而是
    加上
    """
)
CONJUNCTIONS_EN: frozenset[str] = _lex(
    """
    and or but nor plus also however
    """
)
NEGATION_ZH: frozenset[str] = _lex(
    """
    不要 不想 不想看 别 讨厌 除了 拒绝 排除 避开 避免 反感 厌恶 不喜欢 不爱 不爱看
    不看 不含 不包括 没兴趣 受不了 不需要 不用 免了 去掉 不感兴趣 烦 讨厌看 别给
    别推 不接受 无需
    """
)
"""Chinese tokens that negate a clause on their own."""
NEGATORS_ZH: frozenset[str] = _lex(
    """
    不 没 没有 并不 从不 不太 不怎么 不大 一点也不 从来不 绝不
    """
)
NEGATED_VERBS_ZH: frozenset[str] = _lex(
    """
    喜欢 要 想 想看 爱 爱看 看 感兴趣 需要 用 含 包括 包含 推荐 接受 喜爱 考虑
    """
)
"""A negator (不, 没 …) negates the clause when one of these verbs follows within two tokens (不太喜欢)."""
NEGATION_EN: frozenset[str] = _lex(
    """
    no not don't dont never except without avoid avoiding hate hates dislike
    dislikes nothing none excluding exclude minus skip neither isn't aren't doesn't
    won't can't cannot nope nor ain't
    """
)
NEUTRAL_AFTER_NEGATION_EN: frozenset[str] = _lex(
    """
    see seen saw know knew remember recall think sure heard matter mind believe understand yet
    """
)
"""Verbs that make an English negation cue neutral when they follow it within :data:`NEGATION_VERB_WINDOW`
words ("I haven't seen it", "I don't know", "that does not matter", "I don't mind comedy"): what the
person has not seen or does not know is not something they want to avoid. ``watch`` is not here: "I don't
watch horror" is a dislike."""
NEGATION_VERB_WINDOW = 3
"""How far after a cue :data:`NEUTRAL_AFTER_NEGATION_EN` verbs count (skipping e.g. "really", "even")."""
COPULA_NEGATIONS_EN: frozenset[str] = _lex(
    """
    isn't isnt wasn't wasnt aren't arent weren't werent
    """
)
"""Negated copulas: "it isn't new", "which wasn't scary" describe a film, not a dislike — unless the
person is the judge ("isn't my thing", "isn't for me": :data:`SELF_WORDS_EN` follows)."""
COPULA_SUBJECTS_EN: frozenset[str] = _lex(
    """
    it it's its that that's thats which this is was
    """
)
"""Words before "not" that make it a negated copula about a thing ("it's not quite sci-fi")."""
SELF_WORDS_EN: frozenset[str] = _lex(
    """
    my me for
    """
)
REPLY_WORDS_EN: frozenset[str] = _lex(
    """
    yes yeah yep yup ok okay sure thanks thank hello hi wow cool
    """
)
"""Reply words of a conversation. They end a negation's scope in unpunctuated text ("I don't like sad movies
yes"), and a bare "no" before one, a pronoun or a stop word is a reply ("no i dont", "no thanks"), not
"no <thing>"."""
SUBJECTS_EN: frozenset[str] = _lex(
    """
    i we i'm im i'd id i've ive
    """
)
"""A subject before a wish cue ("... I like drama") starts a new statement: it ends a negation's scope in
unpunctuated text ("that's not for me I like drama")."""
POSITIVE_CUES: frozenset[str] = _lex(
    """
    喜欢 爱 想看 想 爱看 喜欢看 要 推荐 来点 偏爱 钟爱 热爱 迷 like love enjoy want
    prefer fancy adore into
    """
)
"""Cues of a wish; a clause holding one ends a carried-over negation."""
CLAUSE_PUNCTUATION = "，、；。！？,;.!?:：\n|/&+،؛؟।॥"
ENUMERATION_SEPARATORS: frozenset[str] = frozenset(
    ["、", "和", "与", "以及", "及", "或者", "或", "跟", "同", "and", "or", "nor", "/", "&", "+"]
)
"""Separators that continue a list: a negation before them carries over to the next clause
("不要恐怖片和血腥片", "no horror or gore"). Any other separator ends the negation's scope."""

_TAG_RE = re.compile(r"<[^>]{0,500}>")
_SCRIPT_BLOCK_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_EN_WORD_RE = re.compile(rf"[{_LATIN}0-9]+(?:['][{_LATIN}]+)*(?:[-_.][{_LATIN}0-9]+)*")
_WS_RE = re.compile(r"\s+")


def _is_han(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x2EBEF
        or 0x30000 <= cp <= 0x3134F
    )


def _is_latin(ch: str) -> bool:
    return (ch.isascii() and ch.isalnum()) or (
        ("\u00c0" <= ch <= "\u024f" and ch not in "\u00d7\u00f7") or "\u1e00" <= ch <= "\u1eff")


_JOINERS = "\u200c\u200d"
"""Zero-width (non-)joiners: part of words in Persian, Devanagari … (and of emoji sequences)."""


def _is_selector(ch: str) -> bool:
    """Variation selectors (emoji / text presentation): marks, but never part of a word."""
    return "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef"


def char_script(ch: str) -> Literal["zh", "en", "word", "punct", "space", "other"]:
    """The script class of one character: Han (``zh``), Latin/digit (``en``), a letter, combining mark,
    joiner or digit of another script (``word``), punctuation, space, other (emoji, symbols)."""
    if ch.isspace():
        return "space"
    if _is_han(ch):
        return "zh"
    if _is_latin(ch) or ch in "'-_":
        return "en"
    category = unicodedata.category(ch)
    if category.startswith("P") or ch in "|/&+<>=~^`$#@*%":
        return "punct"
    if (category[0] == "L" or category in ("Mn", "Mc", "Nd") or ch in _JOINERS) and not _is_selector(ch):
        return "word"
    return "other"


def _has_letter(text: str) -> bool:
    return any(unicodedata.category(ch)[0] == "L" for ch in text)


# --- normalisation ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _opencc() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional Chinese characters and phrases to simplified (OpenCC ``t2s``)."""
    if not any(_is_han(ch) for ch in text):
        return text
    return str(_opencc().convert(text))


def strip_markup(text: str) -> tuple[str, bool]:
    """Drop HTML tags and ``<script>``/``<style>`` blocks, unescape entities; say whether any was found."""
    cleaned = _SCRIPT_BLOCK_RE.sub(" ", text)
    cleaned = _TAG_RE.sub(" ", cleaned)
    cleaned = html.unescape(cleaned)
    return cleaned, cleaned != text


def normalise(text: str) -> str:
    """NFKC, straight quotes, traditional→simplified Chinese, no control characters or lone surrogates (what
    undecodable bytes become in a command line), single spaces."""
    text = unicodedata.normalize("NFKC", str(text))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs") else " " for ch in text)
    text = to_simplified(text)
    return _WS_RE.sub(" ", text).strip()


# --- scripts and language ----------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A maximal run of one script in a text (spaces and punctuation join the run before them)."""

    text: str
    start: int
    end: int
    lang: Literal["zh", "en", "word", "other"]


def script_segments(text: str) -> list[Segment]:
    """Split ``text`` into runs of Chinese (``zh``), Latin (``en``), other scripts' letters (``word``) and
    other characters (emoji, symbols)."""
    segments: list[Segment] = []
    cur_lang: Literal["zh", "en", "word", "other"] | None = None
    start = 0
    for i, ch in enumerate(text):
        script = char_script(ch)
        if script in ("space", "punct"):
            continue
        lang: Literal["zh", "en", "word", "other"] = script  # type: ignore[assignment]  # space / punct skipped
        if lang != cur_lang:
            if cur_lang is not None:
                segments.append(Segment(text[start:i].strip(), start, i, cur_lang))
            cur_lang, start = lang, i
    if cur_lang is not None:
        segments.append(Segment(text[start:].strip(), start, len(text), cur_lang))
    return [s for s in segments if s.text]


def detect_language(text: str) -> Language:
    """``zh``, ``en`` or ``mixed`` by script segments (see :data:`MIXED_MIN_SHARE`); ``other``: mostly words
    of another script (Arabic, Cyrillic, Hangul …); ``unknown``: no words."""
    zh_units = 0.0
    en_units = 0.0
    other_units = 0.0
    for seg in script_segments(text):
        if seg.lang == "zh":
            zh_units += sum(1 for ch in seg.text if _is_han(ch)) / 2.0
        elif seg.lang == "en":
            en_units += len(_EN_WORD_RE.findall(seg.text))
        elif seg.lang == "word":
            other_units += sum(1 for w in seg.text.split() if _has_letter(w))
    total = zh_units + en_units
    if other_units > total:
        return "other"
    if total == 0:
        return "unknown"
    if zh_units and en_units and min(zh_units, en_units) / total >= MIXED_MIN_SHARE:
        return "mixed"
    return "zh" if zh_units >= en_units else "en"


# --- jieba --------------------------------------------------------------------------------------

_JIEBA_LOCK = threading.Lock()
_JIEBA_READY = False
_USER_TERMS: set[str] = set()
_SEEN_RAW: set[str] = set()


def _jieba() -> Any:
    """jieba with its cache under the workspace and its logger quiet; initialised once per process."""
    global _JIEBA_READY
    import jieba

    if not _JIEBA_READY:
        with _JIEBA_LOCK:
            if not _JIEBA_READY:
                jieba.setLogLevel(logging.WARNING)
                jieba.dt.tmp_dir = str(cache_dir("jieba"))
                jieba.dt.cache_file = "jieba.default.cache"
                jieba.dt.initialize()
                _JIEBA_READY = True
    return jieba


def add_user_terms(terms: Iterable[str]) -> int:
    """Add catalogue terms (titles, tags, categories) to jieba's dictionary so they are never split.

    Only the Chinese parts matter (English is tokenised separately). Terms of 2-30 Han characters are
    added once per process; returns how many were new.
    """
    jieba = _jieba()
    added = 0
    for term in terms:
        if term in _SEEN_RAW:
            continue
        _SEEN_RAW.add(term)
        for seg in script_segments(normalise(str(term))):
            word = seg.text.strip()
            if seg.lang != "zh" or not 2 <= len(word) <= 30 or word in _USER_TERMS:
                continue
            if any(ch.isspace() for ch in word):
                continue
            jieba.add_word(word)
            _USER_TERMS.add(word)
            added += 1
    return added


def user_terms() -> frozenset[str]:
    """Terms added so far with :func:`add_user_terms`."""
    return frozenset(_USER_TERMS)


# --- tokens -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """One token with its character span in the (normalised) text it came from."""

    text: str
    start: int
    end: int
    kind: TokenKind

    @property
    def lower(self) -> str:
        """Lower-cased text (English comparisons)."""
        return self.text.lower()


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text``: jieba words for Chinese runs, regex words for Latin runs, runs of letters and marks
    for other scripts (``word``; digits alone: ``num``), single punctuation marks.

    Spaces are dropped; emoji and other symbols become single ``other`` tokens.
    """
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        script = char_script(text[i])
        if script == "space":
            i += 1
            continue
        if script == "punct" and text[i] not in "'-_":
            tokens.append(Token(text[i], i, i + 1, "punct"))
            i += 1
            continue
        j = i + 1
        if script == "zh":
            while j < n and char_script(text[j]) == "zh":
                j += 1
            jieba = _jieba()
            for word, start, end in jieba.tokenize(text[i:j]):
                tokens.append(Token(word, i + start, i + end, "zh"))
        elif script in ("en", "punct"):
            while j < n and char_script(text[j]) == "en":
                j += 1
            for match in _EN_WORD_RE.finditer(text, i, j):
                word = match.group(0)
                kind: TokenKind = "num" if word.replace(".", "").isdigit() else "en"
                tokens.append(Token(word, match.start(), match.end(), kind))
        elif script == "word":
            while j < n and char_script(text[j]) == "word":
                j += 1
            run = text[i:j]
            run_kind: TokenKind = "word" if _has_letter(run) else "num" if any(c.isdigit() for c in run) else "other"
            tokens.append(Token(run, i, j, run_kind))
        else:
            tokens.append(Token(text[i], i, j, "other"))
        i = j
    return tokens


def is_stop_word(word: str) -> bool:
    """True for Chinese or English stop words (English compared lower-cased)."""
    return word in STOP_WORDS_ZH or word.lower() in STOP_WORDS_EN


def content_words(text: str, *, keep_generic: bool = False) -> list[str]:
    """Lower-cased content words of ``text`` (no stop words, punctuation, numbers or single Latin letters).

    Used for class-based TF-IDF labels; generic words (movie, 电影) are dropped unless ``keep_generic``.
    """
    out: list[str] = []
    for tok in tokenize(normalise(text)):
        if tok.kind not in WORD_KINDS:
            continue
        word = tok.lower
        if is_stop_word(word) or (tok.kind == "en" and len(word) < 2):
            continue
        if not keep_generic and word in GENERIC_WORDS:
            continue
        if tok.kind == "zh" and len(word) < 2 and word not in _SINGLE_CHAR_CONTENT:
            continue
        out.append(word)
    return out


_SINGLE_CHAR_CONTENT: frozenset[str] = _lex(
    """
    猫 狗 鬼 龙 马 枪 车 剑 爱 诗 歌 舞 战 酒 茶 书 画 海 山 星 梦
    """
)
"""Single Han characters that still carry a topic (most single characters are function words)."""


def keywords(
    text: str, top_k: int = 8, method: Literal["tfidf", "textrank"] = "tfidf"
) -> list[tuple[str, float]]:
    """Chinese keywords of ``text`` by jieba.analyse (TF-IDF or TextRank), stop and generic words removed."""
    _jieba()
    import jieba.analyse

    norm = normalise(text)
    if not any(_is_han(ch) for ch in norm):
        return []
    if method == "textrank":
        raw = jieba.analyse.textrank(norm, topK=top_k * 3, withWeight=True)
    else:
        raw = jieba.analyse.extract_tags(norm, topK=top_k * 3, withWeight=True)
    out: list[tuple[str, float]] = []
    for word, weight in raw:
        if is_stop_word(word) or word in GENERIC_WORDS or word in NEGATION_ZH or word in NEGATORS_ZH:
            continue
        if not any(_is_han(ch) for ch in word):
            continue
        if len(word) < 2 and word not in _SINGLE_CHAR_CONTENT:
            continue
        out.append((str(word), float(weight)))
        if len(out) >= top_k:
            break
    return out


# --- clauses ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    """A clause of the text: its tokens, span, and the separator that preceded it ("" for the first)."""

    text: str
    start: int
    end: int
    separator: str
    tokens: tuple[Token, ...]

    @property
    def enumerates(self) -> bool:
        """True when the preceding separator continues a list (see :data:`ENUMERATION_SEPARATORS`)."""
        return self.separator in ENUMERATION_SEPARATORS


def _is_separator(tok: Token) -> bool:
    if tok.kind == "punct":
        return tok.text in CLAUSE_PUNCTUATION
    if tok.kind == "zh":
        return tok.text in CONJUNCTIONS_ZH
    if tok.kind == "en":
        return tok.lower in CONJUNCTIONS_EN
    return False


def split_clauses(text: str, tokens: list[Token] | None = None) -> list[Clause]:
    """Split ``text`` into clauses at punctuation and conjunction tokens; empty clauses are dropped.

    ``text`` should already be :func:`normalise`-d; pass ``tokens`` when you have them.
    """
    toks = tokenize(text) if tokens is None else tokens
    clauses: list[Clause] = []
    current: list[Token] = []
    separator = ""

    def flush(next_sep: str) -> None:
        nonlocal current, separator
        body = [t for t in current if t.kind != "punct" or t.text not in "\"'()[]{}<>"]
        if body:
            start, end = body[0].start, body[-1].end
            clauses.append(Clause(text[start:end], start, end, separator, tuple(body)))
            separator = next_sep
        elif next_sep and (not separator or next_sep not in ENUMERATION_SEPARATORS):
            # several separators in a row ("，但是"): the strongest (a non-enumerating one) wins
            separator = next_sep
        current = []

    for tok in toks:
        if _is_separator(tok):
            flush(tok.lower if tok.kind == "en" else tok.text)
        else:
            current.append(tok)
    flush("")
    return clauses


def catalogue_terms(titles: Iterable[str], tags: Iterable[str] = (), limit: int = 50_000) -> list[str]:
    """Distinct Chinese-bearing titles and tags worth adding to jieba (see :func:`add_user_terms`)."""
    seen: dict[str, None] = {}
    for term in [*titles, *tags]:
        term = str(term).strip()
        if term and any(_is_han(ch) for ch in term) and term not in seen:
            seen[term] = None
            if len(seen) >= limit:
                break
    return list(seen)
