"""Topic matcher: field-weighted BM25 over titles, aliases, keywords and sample questions, typo tolerant."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.knowledge import Topic
from bot.markup import to_plain
from bot.text import STOPWORDS, stem, words

# How much one occurrence in each field counts. Titles and aliases are what a
# person types when they name a topic; sample questions carry the phrasing;
# the answer text only breaks ties.
FIELD_WEIGHTS: dict[str, float] = {
    "title": 5.0,
    "aliases": 4.0,
    "keywords": 2.5,
    "questions": 1.0,
    "answer": 0.25,
}
K1 = 1.2
B = 0.5
# A word the knowledge base has never seen counts like a rare word against
# coverage: "pancakes" in a question is why the question is out of scope.
OOV_WEIGHT = 0.8


@dataclass(frozen=True, kw_only=True, slots=True)
class Match:
    topic_id: str
    score: float
    coverage: float
    confidence: float


@dataclass(frozen=True, kw_only=True, slots=True)
class _QueryTerm:
    term: str
    weight: float  # 1.0 exact, <1 when it came from a typo correction
    oov: bool = False


def _field_texts(topic: Topic) -> dict[str, str]:
    return {
        "title": topic.title,
        "aliases": " \n ".join(topic.aliases),
        "keywords": " \n ".join(topic.keywords),
        "questions": " \n ".join(topic.questions),
        "answer": to_plain(topic.answer, with_urls=False),
    }


def _field_terms(text: str) -> list[str]:
    """Unigram and bigram terms for one field; lines are phrase boundaries."""
    out: list[str] = []
    for line in text.split("\n"):
        toks = [stem(w) for w in words(line) if w not in STOPWORDS]
        out.extend(toks)
        out.extend(f"{a}_{b}" for a, b in zip(toks, toks[1:], strict=False))
    return out


class TopicMatcher:
    """Ranks topics for free text. Built once per knowledge base; queries are read-only."""

    def __init__(self, topics: Iterable[Topic], *, weights: dict[str, float] | None = None) -> None:
        weights = weights or FIELD_WEIGHTS
        self._ids: list[str] = []
        docs: list[Counter[str]] = []
        surface: set[str] = set()
        for topic in topics:
            self._ids.append(topic.id)
            tf: Counter[str] = Counter()
            for fld, text in _field_texts(topic).items():
                w = weights.get(fld, 0.0)
                if not w:
                    continue
                for term in _field_terms(text):
                    tf[term] += w
                if fld != "answer":
                    surface.update(x for x in words(text) if x not in STOPWORDS)
            docs.append(tf)
        n = len(docs)
        df: Counter[str] = Counter()
        for tf in docs:
            df.update(tf.keys())
        lengths = [sum(tf.values()) for tf in docs]
        avg = (sum(lengths) / n) if n else 1.0
        self._idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._max_idf = max(self._idf.values(), default=1.0)
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, tf in enumerate(docs):
            norm = K1 * (1 - B + B * lengths[i] / avg)
            for term, f in tf.items():
                postings[term].append((i, self._idf[term] * f * (K1 + 1) / (f + norm)))
        self._postings = dict(postings)
        self._doc_terms = [frozenset(t for t in tf if "_" not in t) for tf in docs]
        # Surface words map back to index terms for typo correction.
        self._surface = sorted(w for w in surface if len(w) >= 3)
        self._surface_set = frozenset(self._surface)

    def __len__(self) -> int:
        return len(self._ids)

    # --- query side -------------------------------------------------------------

    def _correct(self, word: str) -> str | None:
        if len(word) < 4:
            return None
        limit = 1 if len(word) <= 6 else 2
        hit = process.extractOne(
            word, self._surface, scorer=Levenshtein.distance, score_cutoff=limit
        )
        return hit[0] if hit else None

    def _query_terms(self, text: str) -> list[_QueryTerm]:
        raw = [w for w in words(text) if w not in STOPWORDS]
        out: list[_QueryTerm] = []
        skip = False
        for i, w in enumerate(raw):
            if skip:
                skip = False
                continue
            term = stem(w)
            if term in self._idf:
                out.append(_QueryTerm(term=term, weight=1.0))
                continue
            # "graph ql" → "graphql"
            if i + 1 < len(raw):
                joined = w + raw[i + 1]
                if stem(joined) in self._idf:
                    out.append(_QueryTerm(term=stem(joined), weight=1.0))
                    skip = True
                    continue
            if w.isdigit():
                out.append(_QueryTerm(term=term, weight=1.0, oov=True))
                continue
            fixed = self._correct(w)
            if fixed is not None and stem(fixed) in self._idf:
                out.append(_QueryTerm(term=stem(fixed), weight=0.8))
            else:
                out.append(_QueryTerm(term=term, weight=1.0, oov=True))
        return out

    def rank(
        self, text: str, *, limit: int = 5, boost: Sequence[str] = ()
    ) -> list[Match]:
        qterms = self._query_terms(text)
        if not qterms:
            return []
        scores: dict[int, float] = defaultdict(float)
        seen: set[str] = set()
        for qt in qterms:
            if qt.oov or qt.term in seen:
                continue
            seen.add(qt.term)
            for i, w in self._postings.get(qt.term, ()):
                scores[i] += w * qt.weight
        terms = [q.term for q in qterms]
        for a, b in zip(terms, terms[1:], strict=False):
            for i, w in self._postings.get(f"{a}_{b}", ()):
                scores[i] += w
        if not scores:
            return []
        boosted = set(boost)
        if boosted:
            for i in list(scores):
                if self._ids[i] in boosted:
                    scores[i] *= 1.15
        best = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:limit]
        total_weight = 0.0
        unique: dict[str, _QueryTerm] = {}
        for qt in qterms:
            unique.setdefault(qt.term, qt)
        for qt in unique.values():
            total_weight += OOV_WEIGHT * self._max_idf if qt.oov else self._idf[qt.term]
        top = best[0][1]
        second = best[1][1] if len(best) > 1 else 0.0
        out: list[Match] = []
        for i, s in best:
            covered = sum(
                self._idf[qt.term] * qt.weight
                for qt in unique.values()
                if not qt.oov and qt.term in self._doc_terms[i]
            )
            coverage = covered / total_weight if total_weight else 0.0
            out.append(Match(
                topic_id=self._ids[i], score=s, coverage=coverage,
                confidence=_confidence(s, coverage, top, second if i == best[0][0] else top),
            ))
        return out


def _confidence(score: float, coverage: float, top: float, rival: float) -> float:
    """Map raw evidence to 0..1: enough signal, most of the question explained, a clear winner."""
    strength = 1 - math.exp(-score / 6.0)
    margin = 1.0 if top <= 0 else min(1.0, 0.6 + 0.4 * (score - rival) / top + (score / top - 1))
    return max(0.0, min(1.0, (0.55 * coverage + 0.45 * strength) * (0.75 + 0.25 * margin)))
