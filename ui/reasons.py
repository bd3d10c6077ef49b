"""Reason codes -> sentences: the zh/en text of :class:`core.ranking.explain.Explanation` (no Streamlit).

Core explains with codes and evidence (:mod:`core.ranking.explain`); the words live here and in the
catalogue (``explain.<code>`` keys in :mod:`ui.i18n`). The CLI uses these functions too, always with an
explicit ``lang``. Titles and tags are user data: the sentences are plain text, never HTML.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.data.dataset import Dataset
from core.ranking.explain import Explanation, Reason
from core.ranking.ranker import Recommendation
from ui.i18n import t

_SEPARATOR = {"zh": "；", "en": "; "}
_END = {"zh": "。", "en": "."}


def _short(text: Any, limit: int) -> str:
    value = " ".join(str(text).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def name_list(names: list[str], lang: str, limit: int = 6) -> str:
    """Quoted names joined for a sentence: 「恐怖」「喜剧」 / “horror”, “comedy” and “drama” (the first
    ``limit``, then how many more)."""
    if not names:
        return ""
    shown, more = names[:limit], len(names) - limit
    if lang == "zh":
        text = "、".join(f"「{n}」" for n in shown)
        return text + (f"等 {len(names)} 项" if more > 0 else "")
    quoted = [f"“{n}”" for n in shown]
    if more > 0:
        return ", ".join(quoted) + f" and {more} more"
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def reason_text(reason: Reason, lang: str) -> str:
    """One clause, e.g. ``because you rated “Heat (1995)” highly``."""
    args = dict(reason.args)
    if "title" in args:
        args["title"] = _short(args["title"], 60)
    if "tag" in args:
        args["tag"] = _short(args["tag"], 30)
    if "attributes" in args:
        names = [_short(a, 24) for a in args["attributes"]]
        joined = "".join(f"「{n}」" for n in names) if lang == "zh" else " and ".join(f"“{n}”" for n in names)
        args["attributes"] = joined
    if "avoided" in args:
        args["avoided"] = name_list([_short(a, 30) for a in args["avoided"]], lang)
    if "time" in args:
        when = datetime.fromtimestamp(float(args["time"]), tz=UTC)
        args["date"] = f"{when.year}年{when.month}月{when.day}日" if lang == "zh" else f"{when:%d %b %Y}"
    return t(f"explain.{reason.code}", lang, **args)


def explanation_text(explanation: Explanation, lang: str) -> str:
    """The whole sentence for one recommended item."""
    if not explanation.reasons:
        return t("explain.none", lang)
    text = _SEPARATOR[lang].join(reason_text(r, lang) for r in explanation.reasons)
    if lang == "en":
        text = text[:1].upper() + text[1:]
    return text + _END[lang]


def records(rec: Recommendation, dataset: Dataset, lang: str) -> list[dict[str, Any]]:
    """JSON-friendly rows of a recommendation: item_id, title, category, score, rank, contributions by
    channel, what-if ranks, reason (in ``lang``) and the reason codes."""
    rows: list[dict[str, Any]] = []
    result = rec.result
    titles = dataset.titles(result.items)
    for row, item in enumerate(result.items.tolist()):
        expl = rec.explanations[row] if row < len(rec.explanations) else None
        rows.append({
            "item_id": str(dataset.item_ids[item]),
            "title": titles[row],
            "category": str(dataset.items["category"].iat[item]),
            "score": round(float(result.score[row]), 6),
            "rank": int(result.rank[row]),
            "contributions": {k: round(v, 6) for k, v in result.contribution_dict(row).items()},
            "what_if": {c: int(r) for c, r in zip(result.channels, rec.what_if[row], strict=True)},
            "reason": explanation_text(expl, lang) if expl is not None else "",
            "reason_codes": [{"channel": r.channel, "code": r.code} for r in expl.reasons] if expl else [],
        })
    return rows
