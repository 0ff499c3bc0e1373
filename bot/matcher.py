"""Topic matcher: field-weighted BM25 over titles, aliases, keywords and questions, typo tolerant."""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

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
# Fields whose adjacent words also count as phrases ("reverse proxy", "system design").
PHRASE_FIELDS = frozenset({"title", "aliases", "keywords", "questions"})
# The pages people read rather than the words they ask with (the details count only when asked).
BODY_FIELDS = frozenset({"answer", "details"})
K1 = 1.2
B = 0.5
# A word the knowledge base has never seen counts like a rare word against
# coverage: "pancakes" in a question is why the question is out of scope.
OOV_WEIGHT = 0.8
TYPO_WEIGHT = 0.8
# A word found only in a topic's answer text is weaker evidence that the
# question is about that topic than one in its title, aliases or questions.
ANSWER_ONLY_COVERAGE = 0.4


@dataclass(frozen=True, kw_only=True, slots=True)
class Match:
    topic_id: str
    score: float
    coverage: float
    confidence: float
    unknown: int = 0  # words of the message the knowledge base does not know (the same for every match)
    terms: int = 0  # the message's distinct words that count (the same for every match)


@dataclass(frozen=True, kw_only=True, slots=True)
class _QueryTerm:
    term: str
    weight: float  # 1.0 exact, less when it came from a typo correction
    oov: bool = False


def _field_texts(topic: Topic) -> dict[str, str]:
    return {
        "title": topic.title,
        "aliases": "\n".join(topic.aliases),
        "keywords": "\n".join(topic.keywords),
        "questions": "\n".join(topic.questions),
        "answer": to_plain(topic.answer, with_urls=False),
        "details": to_plain((*topic.details, *topic.example), with_urls=False),
    }


def _field_terms(text: str, phrases: bool) -> list[str]:
    """Unigram (and bigram) terms for one field; lines are phrase boundaries."""
    out: list[str] = []
    for line in text.split("\n"):
        toks = [stem(w) for w in words(line) if w not in STOPWORDS]
        out.extend(toks)
        if phrases:
            out.extend(f"{a}_{b}" for a, b in pairwise(toks))
    return out


class TopicMatcher:
    """Ranks topics for free text. Built once per knowledge base; queries only read it."""

    def __init__(self, topics: Iterable[Topic], *, weights: dict[str, float] | None = None) -> None:
        weights = weights or FIELD_WEIGHTS
        self._ids: list[str] = []
        term_index: dict[str, int] = {}
        # Postings are collected flat in compact arrays, then grouped by term with numpy.
        p_term, p_doc, p_tf, p_strong = array("i"), array("i"), array("f"), array("b")
        lengths: list[float] = []
        surface: set[str] = set()
        for doc, topic in enumerate(topics):
            self._ids.append(topic.id)
            tf: dict[str, float] = {}
            strong: set[str] = set()
            for fld, text in _field_texts(topic).items():
                w = weights.get(fld, 0.0)
                if not w:
                    continue
                field_terms = _field_terms(text, fld in PHRASE_FIELDS)
                for term in field_terms:
                    tf[term] = tf.get(term, 0.0) + w
                if fld not in BODY_FIELDS:
                    strong.update(field_terms)
                if fld not in BODY_FIELDS:
                    surface.update(x for x in words(text) if x not in STOPWORDS and len(x) >= 3)
            lengths.append(sum(tf.values()))
            for term, f in tf.items():
                p_term.append(term_index.setdefault(term, len(term_index)))
                p_doc.append(doc)
                p_tf.append(f)
                p_strong.append(term in strong)
        n = len(self._ids)
        terms_arr = np.frombuffer(p_term, dtype=np.int32)
        docs_arr = np.frombuffer(p_doc, dtype=np.int32)
        tf_arr = np.frombuffer(p_tf, dtype=np.float32)
        strong_arr = np.frombuffer(p_strong, dtype=np.int8)
        df = np.bincount(terms_arr, minlength=len(term_index)).astype(np.float64)
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        length = np.asarray(lengths, dtype=np.float64)
        avg = float(length.mean()) if n else 1.0
        norm = K1 * (1 - B + B * length / avg) if n else length
        weight = (idf[terms_arr] * tf_arr * (K1 + 1) / (tf_arr + norm[docs_arr])).astype(np.float32)
        order = np.argsort(terms_arr, kind="stable")  # keeps doc ids ascending within a term
        self._bounds = np.searchsorted(terms_arr[order], np.arange(len(term_index) + 1))
        self._docs = docs_arr[order]
        self._weights = weight[order]
        self._strong = strong_arr[order].astype(bool)
        self._term_ids = term_index
        self._idf = idf
        self._max_idf = float(idf.max()) if len(idf) else 1.0
        self._surface: dict[str, list[str]] = {}
        for word in sorted(surface):
            self._surface.setdefault(word[0], []).append(word)
        self._index = {tid: i for i, tid in enumerate(self._ids)}

    def __len__(self) -> int:
        return len(self._ids)

    # --- query side -------------------------------------------------------------

    def _postings(self, term_id: int) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
        lo, hi = int(self._bounds[term_id]), int(self._bounds[term_id + 1])
        return self._docs[lo:hi], self._weights[lo:hi]

    def _known(self, term: str) -> bool:
        return term in self._term_ids

    def _correct(self, word: str) -> str | None:
        # Short words are too often other real words ("love" is not "live").
        if len(word) < 5 or not word.isalpha():
            return None
        limit = 1 if len(word) <= 7 else 2
        # People rarely get the first letter wrong; requiring it avoids most false fixes
        # and leaves a twentieth of the vocabulary to compare against.
        candidates = self._surface.get(word[0], ())
        hit = process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=limit)
        return str(hit[0]) if hit else None

    def _query_terms(self, text: str) -> list[_QueryTerm]:
        # Bare numbers ("2 + 2") say nothing about a topic on their own.
        raw = [w for w in words(text) if w not in STOPWORDS and not w.isdigit()]
        out: list[_QueryTerm] = []
        skip = False
        for i, w in enumerate(raw):
            if skip:
                skip = False
                continue
            term = stem(w)
            if i + 1 < len(raw) and self._known(stem(w + raw[i + 1])) and not (
                self._known(term) and self._known(stem(raw[i + 1]))
            ):  # "graph ql" → graphql, unless both halves are words in their own right
                out.append(_QueryTerm(term=stem(w + raw[i + 1]), weight=1.0))
                skip = True
                continue
            if self._known(term):
                out.append(_QueryTerm(term=term, weight=1.0))
                continue
            fixed = self._correct(w)
            if fixed is not None and self._known(stem(fixed)):
                out.append(_QueryTerm(term=stem(fixed), weight=TYPO_WEIGHT))
            else:
                out.append(_QueryTerm(term=term, weight=1.0, oov=True))
        return out

    def unknown_words(self, text: str) -> list[str]:
        """The words of `text` the knowledge base does not know, even after typo fixing, each once."""
        raw = [w for w in words(text) if w not in STOPWORDS and not w.isdigit()]
        oov = {qt.term for qt in self._query_terms(text) if qt.oov}
        return list(dict.fromkeys(w for w in raw if stem(w) in oov))

    @property
    def topic_ids(self) -> list[str]:
        return list(self._ids)

    def scores(self, text: str) -> npt.NDArray[np.float32]:
        """The raw score of every topic, in the order the topics were given."""
        qterms = self._query_terms(text)
        known = {qt.term: qt for qt in qterms if not qt.oov}
        return self._scores(qterms, list(known.values()))

    def _scores(self, qterms: list[_QueryTerm], known: list[_QueryTerm]) -> npt.NDArray[np.float32]:
        scores = np.zeros(len(self._ids), dtype=np.float32)
        for qt in known:
            docs, w = self._postings(self._term_ids[qt.term])
            scores[docs] += w * qt.weight
        seq = [q.term for q in qterms]
        for a, b in pairwise(seq):
            bigram = self._term_ids.get(f"{a}_{b}")
            if bigram is not None:
                docs, w = self._postings(bigram)
                scores[docs] += w
        return scores

    def rank(self, text: str, *, limit: int = 5, boost: Sequence[str] = ()) -> list[Match]:
        qterms = self._query_terms(text)
        unique: dict[str, _QueryTerm] = {}
        for qt in qterms:
            unique.setdefault(qt.term, qt)
        known = [qt for qt in unique.values() if not qt.oov]
        if not known or not self._ids:
            return []
        scores = self._scores(qterms, known)
        if boost:
            for tid in set(boost):
                if (i := self._index.get(tid)) is not None:
                    scores[i] *= 1.15
        k = min(limit, len(scores))
        cand = np.argpartition(-scores, k - 1)[:k] if len(scores) > k else np.arange(len(scores))
        cand = cand[np.argsort(-scores[cand], kind="stable")]
        top = [int(i) for i in cand if scores[i] > 0]
        if not top:
            return []
        idf = {q.term: float(self._idf[self._term_ids[q.term]]) for q in known}
        # In a long, chatty message unknown words are mostly filler; in a short one
        # the unknown word is usually the subject ("pancakes").
        oov = OOV_WEIGHT * self._max_idf * min(1.0, 4 / len(unique))
        total = sum(oov if q.oov else idf[q.term] for q in unique.values())
        unknown = sum(q.oov for q in unique.values())
        best = float(scores[top[0]])
        runner_up = float(scores[top[1]]) if len(top) > 1 else 0.0
        out: list[Match] = []
        for rank, i in enumerate(top):
            covered = 0.0
            for qt in known:
                t = self._term_ids[qt.term]
                lo = int(self._bounds[t])
                docs = self._docs[lo:int(self._bounds[t + 1])]
                pos = int(np.searchsorted(docs, i))
                if pos < len(docs) and docs[pos] == i:
                    share = 1.0 if self._strong[lo + pos] else ANSWER_ONLY_COVERAGE
                    covered += idf[qt.term] * qt.weight * share
            coverage = covered / total if total else 0.0
            s = float(scores[i])
            rival = runner_up if rank == 0 else best
            out.append(Match(topic_id=self._ids[i], score=s, coverage=coverage,
                             confidence=_confidence(s, coverage, rival), unknown=unknown,
                             terms=len(unique)))
        return out


def _confidence(score: float, coverage: float, rival: float) -> float:
    """Map raw evidence to 0..1: enough signal, most of the question explained, a clear winner."""
    strength = 1 - math.exp(-score / 6.0)
    margin = 1.0 if score <= 0 else max(0.0, min(1.0, (score - rival) / score + 0.5))
    return max(0.0, min(1.0, (0.55 * coverage + 0.45 * strength) * (0.75 + 0.25 * margin)))
