"""Which sentences of a text are worth checking: a transparent linear score.

Each sentence gets features (a number, a percentage, an attribution, opinion
words...), a score ``sigmoid(bias + sum(weight * feature))`` and the reasons that
raised it. The weights are data (``checkworthy_weights.json`` beside this module,
or a refitted file the caller passes in), so a team can refit them on its own
marked claims without touching code.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pysbd

WEIGHTS_FILE = Path(__file__).with_name("checkworthy_weights.json")

FEATURES = (
    "number",
    "percent_or_money",
    "date_or_year",
    "comparison",
    "named_entity",
    "attribution",
    "quotation",
    "citation",
    "opinion",
    "question",
    "short",
)

_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|hundred|thousand|million|billion|trillion|dozen|half|"
    r"third|quarter|double|doubled|tripled|halved)\b",
    re.IGNORECASE,
)
_PERCENT_MONEY = re.compile(
    r"\d\s?%|\bper ?cent\b|[$€£¥]\s?\d|\b\d[\d,.]*\s?(?:dollars|euros|pounds|million|billion)\b",
    re.IGNORECASE,
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(
    rf"\b(?:1[89]\d\d|20\d\d)s?\b|\b(?:{_MONTHS})\b|\b(?:last|next|this) "
    r"(?:year|month|week|decade)\b|\bsince \d",
    re.IGNORECASE,
)
_COMPARISON = re.compile(
    r"\b(?:more|less|fewer|higher|lower|larger|smaller|greater|most|least|fastest|"
    r"slowest|biggest|largest|highest|lowest|worst|best|record|increase[ds]?|decrease[ds]?|"
    r"rose|fell|risen|fallen|doubled|tripled|halved|compared (?:with|to)|than)\b|\b\w+est\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+(?:of\s+|the\s+)?[A-Z][a-z]+)+\b")
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|according to|stated|wrote|writes|reported|reports|announced|"
    r"claimed|claims|estimated|found|(?:paper|report|study|op-ed) titled|published|testified|"
    r"confirmed|showed|shows)\b",
    re.IGNORECASE,
)
_QUOTATION = re.compile(r"[\"“”«»]|(?:^|\s)'[^']{8,}'")
_OPINION = re.compile(
    r"\b(?:in essence|clearly|obviously|should|must|ought|I think|I believe|we believe|"
    r"in my view|in our view|arguably|surely|of course|perhaps|maybe|might|seems?|"
    r"frankly|shameful|disgrace(?:ful)?|wonderful|terrible|absurd|let us|let's|"
    r"we need|it is time|admittedly|so-called|desperate|instinctively|(?-i:may))\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(?:will|shall|is (?:expected|projected|forecast|set|likely) to|are (?:expected|"
    r"projected|forecast|set|likely) to|is going to|are going to|by 20\d\d)\b",
    re.IGNORECASE,
)

REASONS = {
    "number": "a number",
    "percent_or_money": "a percentage or a sum of money",
    "date_or_year": "a date or year",
    "comparison": "a comparison",
    "named_entity": "names a person or organisation",
    "quotation": "a quotation",
    "citation": "cites a source",
    "opinion": "opinion or hedging",
    "question": "a question",
    "short": "very short",
}


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    text: str
    score: float
    kind: str
    reasons: tuple[str, ...] = field(default_factory=tuple)


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``, trimmed, with offsets that slice ``text`` exactly.

    Split by paragraph first (a line break always ends a sentence) and by pysbd inside
    each paragraph; pysbd's spans are located again in the paragraph so that the
    offsets hold whatever its cleaning did."""
    found: list[Sentence] = []
    for para in re.finditer(r"[^\n]+", text):
        base = para.start()
        chunk = para.group()
        cursor = 0
        for span in _segmenter().segment(chunk):
            piece = span.sent.strip()
            if not piece:
                continue
            at = chunk.find(piece, cursor)
            if at < 0:
                continue
            cursor = at + len(piece)
            found.append(Sentence(base + at, base + cursor, piece))
    return found


def features(sentence: str, *, cited: bool = False) -> tuple[dict[str, float], dict[str, str]]:
    """A sentence's feature values (0 or 1) and, for attribution, the words that matched."""
    values = dict.fromkeys(FEATURES, 0.0)
    detail: dict[str, str] = {}
    values["number"] = float(bool(_NUMBER.search(sentence)))
    values["percent_or_money"] = float(bool(_PERCENT_MONEY.search(sentence)))
    values["date_or_year"] = float(bool(_DATE.search(sentence)))
    values["comparison"] = float(bool(_COMPARISON.search(sentence)))
    values["named_entity"] = float(bool(_NAME.search(sentence)))
    attribution = _ATTRIBUTION.search(sentence)
    if attribution:
        values["attribution"] = 1.0
        detail["attribution"] = attribution.group().lower()
    values["quotation"] = float(bool(_QUOTATION.search(sentence)))
    values["citation"] = float(cited)
    opinion = _OPINION.search(sentence)
    if opinion:
        values["opinion"] = 1.0
        detail["opinion"] = opinion.group().lower()
    values["question"] = float(sentence.rstrip().endswith("?"))
    values["short"] = float(len(sentence.split()) < 6)
    return values, detail


def load_weights(path: Path | None = None) -> dict[str, float]:
    """The weights in ``path`` when it exists, else the shipped ones."""
    chosen = path if path is not None and path.exists() else WEIGHTS_FILE
    raw = json.loads(chosen.read_text(encoding="utf-8"))
    return {name: float(raw.get(name, 0.0)) for name in ("bias", *FEATURES)}


def score(values: Mapping[str, float], weights: Mapping[str, float]) -> float:
    z = weights.get("bias", 0.0) + sum(weights.get(k, 0.0) * v for k, v in values.items())
    return 1.0 / (1.0 + math.exp(-z))


def kind_of(sentence: str, values: Mapping[str, float]) -> str:
    if values["quotation"] and values["attribution"]:
        return "quote"
    if _FUTURE.search(sentence):
        return "prediction"
    return "factual"


def reasons_for(values: Mapping[str, float], detail: Mapping[str, str]) -> tuple[str, ...]:
    out = []
    for name in FEATURES:
        if not values[name]:
            continue
        if name == "attribution":
            out.append(f"attributed: {detail['attribution']!r}")
        elif name == "opinion":
            out.append(f"opinion or hedging: {detail['opinion']!r}")
        else:
            out.append(REASONS[name])
    return tuple(out)


def _overlaps_or_touches(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= end and e >= start for s, e in spans)


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < end and e > start for s, e in spans)


def suggest(
    text: str,
    *,
    citations: Iterable[tuple[int, int]] = (),
    exclude: Iterable[tuple[int, int]] = (),
    weights: Mapping[str, float] | None = None,
    limit: int | None = None,
) -> list[Suggestion]:
    """The sentences of ``text`` best first, without those overlapping ``exclude``.

    ``citations`` are the spans of the text's sources: a sentence that holds one, or
    touches one, is cited."""
    weights = weights if weights is not None else load_weights()
    cites = sorted(citations)
    excluded = sorted(exclude)
    out = []
    for sentence in sentences(text):
        if _overlaps(sentence.start, sentence.end, excluded):
            continue
        values, detail = features(
            sentence.text, cited=_overlaps_or_touches(sentence.start, sentence.end, cites)
        )
        out.append(
            Suggestion(
                start=sentence.start,
                end=sentence.end,
                text=sentence.text,
                score=round(score(values, weights), 4),
                kind=kind_of(sentence.text, values),
                reasons=reasons_for(values, detail),
            )
        )
    out.sort(key=lambda s: (-s.score, s.start))
    return out[:limit] if limit is not None else out


def feature_matrix(
    rows: Iterable[tuple[str, bool]],
) -> list[list[float]]:
    """Feature rows (in ``FEATURES`` order) of ``(sentence, cited)`` pairs, for fitting."""
    return [[features(s, cited=c)[0][name] for name in FEATURES] for s, c in rows]


def precision_at(scores: Sequence[float], labels: Sequence[int], k: int) -> float:
    ranked = sorted(zip(scores, labels, strict=True), key=lambda p: -p[0])[:k]
    return sum(label for _, label in ranked) / len(ranked) if ranked else 0.0


def fit(
    rows: Sequence[Sequence[float]],
    labels: Sequence[int],
    *,
    start: Mapping[str, float] | None = None,
    steps: int = 2000,
    rate: float = 0.5,
    l2: float = 0.01,
) -> dict[str, float]:
    """Logistic regression by gradient descent: weights (``bias`` + ``FEATURES``) for
    feature ``rows`` labelled 1 (check-worthy) or 0, starting from ``start``."""
    import numpy as np  # only fitting needs it

    x = np.asarray(rows, dtype=float).reshape(len(rows), len(FEATURES))
    y = np.asarray(labels, dtype=float)
    x = np.hstack([np.ones((len(x), 1)), x])
    names = ("bias", *FEATURES)
    w = np.array([float((start or {}).get(n, 0.0)) for n in names])
    penalty = np.full(len(names), l2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        w -= rate * ((x.T @ (p - y)) / len(y) + penalty * w)
    return {n: round(float(v), 4) for n, v in zip(names, w, strict=True)}
