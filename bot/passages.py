"""Topics split into passages, and the passage index that finds the one answering a question."""

from __future__ import annotations

import dataclasses
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.embedding_cache import EmbeddingCache
from bot.encoder import Encoder, Vectors
from bot.knowledge import KnowledgeBase, Topic
from bot.markup import Block, Bold, BulletList, Paragraph, spans_plain, to_plain
from bot.skills import SkillVocabulary
from bot.text import STOPWORDS, stem, words
from bot.vocabulary import find_skills

log = logging.getLogger(__name__)
FloatArray = npt.NDArray[np.float32]

# The overview is the answer's first passage, and the next ones while it is shorter than this:
# a one-line opener ("Three ways in:") is no overview on its own.
OVERVIEW_CHARS = 150
K1 = 1.2
B = 0.75


class Kind(StrEnum):
    OVERVIEW = "overview"
    ANSWER = "answer"
    DETAILS = "details"
    EXAMPLE = "example"


@dataclass(frozen=True, kw_only=True, slots=True)
class Passage:
    """One self-contained piece of a topic: a paragraph, a bullet group with its lead-in, a
    bold-headed section, the whole example, or the answer's opening (the overview)."""

    topic_id: str
    kind: Kind
    # Order within the topic (answer, details, example): "Tell me more" shows the rest in it.
    position: int
    blocks: tuple[Block, ...]
    text: str

    @property
    def key(self) -> str:
        return f"{self.topic_id}#{self.position}"


def _groups(blocks: Sequence[Block]) -> list[list[Block]]:
    """Paragraphs one by one; a bullet list stays with the paragraph that leads into it."""
    groups: list[list[Block]] = []
    for block in blocks:
        if isinstance(block, BulletList) and groups and isinstance(groups[-1][-1], Paragraph):
            groups[-1].append(block)
        else:
            groups.append([block])
    return groups


def _passage(topic: Topic, kind: Kind, position: int, blocks: Sequence[Block]) -> Passage:
    return Passage(topic_id=topic.id, kind=kind, position=position, blocks=tuple(blocks),
                   text=to_plain(blocks, with_urls=False))


def split_topic(topic: Topic) -> tuple[Passage, ...]:
    """The topic's passages in reading order: overview, the rest of the answer, details, example."""
    out: list[Passage] = []
    answer = _groups(topic.answer)
    head: list[Block] = []
    while answer and (not head or len(to_plain(head)) < OVERVIEW_CHARS):
        head.extend(answer.pop(0))
    if head:
        out.append(_passage(topic, Kind.OVERVIEW, 0, head))
    for group in answer:
        out.append(_passage(topic, Kind.ANSWER, len(out), group))
    for group in _groups(topic.details):
        out.append(_passage(topic, Kind.DETAILS, len(out), group))
    if topic.example:
        out.append(_passage(topic, Kind.EXAMPLE, len(out), topic.example))
    return tuple(out)


# --- the index -----------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _word_terms(text: str) -> tuple[str, ...]:
    # Cached: a reload, or another core in the same process, reads mostly the same passages.
    return tuple(stem(w) for w in words(text) if w not in STOPWORDS and not w.isdigit())


def terms(text: str, vocab: SkillVocabulary | None = None) -> list[str]:
    """Stemmed content words, plus one term per skill named (so "postgres" meets "PostgreSQL")."""
    out = list(_word_terms(text))
    if vocab is not None:
        out.extend(skill_term(s.name) for s in find_skills(vocab, text))
    return out


@lru_cache(maxsize=8192)
def phrases(text: str) -> tuple[str, ...]:
    """Adjacent content words as one term each ("consistent hashing"), line by line: a passage
    with the question's phrase answers it more surely than one with its words apart."""
    out: list[str] = []
    for line in text.split("\n"):
        stems = [stem(w) for w in words(line) if w not in STOPWORDS and not w.isdigit()]
        out.extend(f"{a}_{b}" for a, b in pairwise(stems))
    return tuple(out)


def skill_term(name: str) -> str:
    return f"skill:{name.lower()}"


# How the evidence adds up: the question's words found in a passage count this much; the rest
# is split between the passage's meaning as a whole and its closest sentence's (a specific
# question is often answered by one sentence of a long passage).
LEXICAL = 0.2
# Questions of at most this many words lean on their words more.
SHORT_QUESTION = 3
LEXICAL_SHORT = 0.4
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"(])")
MIN_SENTENCE_CHARS = 16


def sentences(passage: Passage) -> list[str]:
    """The passage's sentences, each bullet item one sentence or more; a bold lead ("Costs.")
    stays with the sentence after it, which it gives a subject."""
    out: list[str] = []
    for block in passage.blocks:
        items = [block.spans] if isinstance(block, Paragraph) else list(block.items)
        for spans in items:
            lead = spans[0].text.strip() if spans and isinstance(spans[0], Bold) else ""
            rest = spans_plain(spans[1:] if lead else spans, with_urls=False)
            parts = [s.strip() for s in _SENTENCE_END.split(rest.strip()) if s.strip()]
            if lead:
                parts = [f"{lead} {parts[0]}" if parts else lead, *parts[1:]]
            out.extend(s for s in parts if len(s) >= MIN_SENTENCE_CHARS)
    return out


@dataclass(frozen=True, kw_only=True)
class Scores:
    """One question against every passage of the index, in the index's order."""

    semantic: FloatArray
    sentence: FloatArray
    lexical: FloatArray
    total: FloatArray

    @property
    def has_vectors(self) -> bool:
        return self.total is not self.lexical


class _Bm25:
    """Okapi BM25 over the passages, postings grouped by term in flat numpy arrays."""

    def __init__(self, docs: Sequence[Sequence[str]]) -> None:
        ids: dict[str, int] = {}
        p_term: list[int] = []
        p_doc: list[int] = []
        p_tf: list[int] = []
        for doc, d in enumerate(docs):
            for t, tf in Counter(d).items():
                p_term.append(ids.setdefault(t, len(ids)))
                p_doc.append(doc)
                p_tf.append(tf)
        n = len(docs)
        term_arr = np.asarray(p_term, dtype=np.intp)
        doc_arr = np.asarray(p_doc, dtype=np.intp)
        tf_arr = np.asarray(p_tf, dtype=np.float32)
        df = np.bincount(term_arr, minlength=len(ids)).astype(np.float32)
        self._idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        length = np.asarray([len(d) for d in docs], dtype=np.float32)
        norm = K1 * (1 - B + B * length / (float(length.mean()) if n else 1.0))
        weight = self._idf[term_arr] * tf_arr * (K1 + 1) / (tf_arr + norm[doc_arr])
        order = np.argsort(term_arr, kind="stable")
        self._bounds = np.searchsorted(term_arr[order], np.arange(len(ids) + 1))
        self._docs = doc_arr[order]
        self._weights = weight[order].astype(np.float32)
        self._ids = ids
        self._n = n

    def knows(self, term: str) -> bool:
        return term in self._ids

    def idf(self, term: str) -> float:
        """How rare the term is among the passages (a word they never use counts as the rarest)."""
        i = self._ids.get(term)
        return float(self._idf[i]) if i is not None else math.log1p(self._n + 0.5)

    def scores(self, query: Iterable[str]) -> FloatArray:
        """Each document's BM25 divided by the most any document could get, averaged with the share
        of the query's terms (by rarity) it has; both 0..1. BM25 alone favours short passages that
        repeat a word; the share keeps a long passage with the whole phrase asked in front."""
        bm25 = np.zeros(self._n, dtype=np.float32)
        share = np.zeros(self._n, dtype=np.float32)
        idf_sum = 0.0
        for t in set(query):
            i = self._ids.get(t)
            if i is None:
                continue
            lo, hi = self._bounds[i], self._bounds[i + 1]
            bm25[self._docs[lo:hi]] += self._weights[lo:hi]
            share[self._docs[lo:hi]] += self._idf[i]
            idf_sum += float(self._idf[i])
        if not idf_sum:
            return bm25
        out: FloatArray = ((bm25 / (idf_sum * (K1 + 1)) + share / idf_sum) / 2).astype(np.float32)
        return out


@dataclass(frozen=True, kw_only=True)
class PassageIndex:
    """Every passage of every topic, findable by meaning (vectors) and by words (BM25)."""

    kb: KnowledgeBase
    passages: tuple[Passage, ...]
    by_topic: Mapping[str, tuple[Passage, ...]]
    # Where each topic's passages start in `passages` (its overview, when it has one).
    offsets: Mapping[str, int]
    # What names each topic, and what else its skills are called (see _names).
    names: Mapping[str, frozenset[str]]
    aliases: Mapping[str, frozenset[str]]
    # One row per passage, and per sentence with the passage each belongs to; None: words only.
    vectors: Vectors | None = field(default=None, repr=False)
    sentence_vectors: Vectors | None = field(default=None, repr=False)
    sentence_owner: npt.NDArray[np.intp] = field(default_factory=lambda: np.zeros(0, np.intp),
                                                 repr=False)
    # Each passage's terms (its topic's title included), to tell which of a question's words it has.
    terms: tuple[frozenset[str], ...] = field(default=(), repr=False)
    # Per passage, its topic and its kind, as arrays for choosing among passages in one step.
    topic_ids: npt.NDArray[np.str_] = field(default_factory=lambda: np.zeros(0, np.str_), repr=False)
    kinds: npt.NDArray[np.str_] = field(default_factory=lambda: np.zeros(0, np.str_), repr=False)
    _bm25: _Bm25 = field(default_factory=lambda: _Bm25([]), repr=False)
    # Per topic, the passages elsewhere that send the reader to it ("for the interview version,
    # ask me about interview preparation"): pointers to its page, never the answer to it.
    deferring: Mapping[str, tuple[int, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, kb: KnowledgeBase, *, encoder: Encoder | None = None,
              cache_dir: Path | None = None) -> PassageIndex:
        by_topic = {t.id: split_topic(t) for t in kb.topics.values()}
        passages = tuple(p for ps in by_topic.values() for p in ps)
        docs = [terms(kb.topics[p.topic_id].title, kb.skills) + terms(p.text, kb.skills)
                + list(phrases(p.text)) for p in passages]
        offsets: dict[str, int] = {}
        for i, p in enumerate(passages):
            offsets.setdefault(p.topic_id, i)
        names, aliases = _names(kb)
        index = cls(kb=kb, passages=passages, by_topic=by_topic, offsets=offsets,
                    names=names, aliases=aliases, terms=tuple(frozenset(d) for d in docs),
                    topic_ids=np.asarray([p.topic_id for p in passages], dtype=np.str_),
                    kinds=np.asarray([p.kind.value for p in passages], dtype=np.str_),
                    _bm25=_Bm25(docs), deferring=_deferring(kb, passages))
        if encoder is None or not passages:
            return index
        # Sentences are embedded as written: the topic's title in front made every sentence of a
        # topic look alike (measured on the development questions).
        owner: list[int] = []
        texts: list[str] = []
        for i, p in enumerate(passages):
            for sentence in sentences(p):
                owner.append(i)
                texts.append(sentence)
        try:
            vectors = EmbeddingCache(encoder, "passages", cache_dir).encode(
                [embedding_text(kb.topics[p.topic_id], p) for p in passages])
            sentence_vectors = EmbeddingCache(encoder, "passage-sentences", cache_dir).encode(texts)
        except Exception:
            log.exception("embedding the knowledge base's passages failed; finding them by words only")
            return index
        return dataclasses.replace(index, vectors=vectors, sentence_vectors=sentence_vectors,
                                   sentence_owner=np.asarray(owner, dtype=np.intp))

    def __len__(self) -> int:
        return len(self.passages)

    def rows_of(self, topic_id: str) -> slice:
        """Where the topic's passages are in `passages` (empty for a topic without any)."""
        start = self.offsets.get(topic_id)
        if start is None:
            return slice(0, 0)
        return slice(start, start + len(self.by_topic[topic_id]))

    def idf(self, term: str) -> float:
        return self._bm25.idf(term)

    def knows(self, term: str) -> bool:
        """Whether some passage has the term."""
        return self._bm25.knows(term)

    def scores(self, text: str, vector: Vectors | None) -> Scores:
        """How well each passage answers `text` (its vector, when there is one)."""
        n = len(self.passages)
        words_asked = terms(text, self.kb.skills)
        lexical = self._bm25.scores([*words_asked, *phrases(text)])
        if vector is None or self.vectors is None or self.sentence_vectors is None:
            zero = np.zeros(n, dtype=np.float32)
            return Scores(semantic=zero, sentence=zero, lexical=lexical, total=lexical)
        # BLAS products (one BLAS thread per process, see adapters/bootstrap.py): a third of
        # einsum's time, which has no fast path for a matrix times a vector.
        semantic = self.vectors @ vector
        sentence = np.full(n, -1.0, dtype=np.float32)
        np.maximum.at(sentence, self.sentence_owner, self.sentence_vectors @ vector)
        sentence = np.maximum(sentence, semantic)  # a passage too short to have a sentence
        # The vector of a question of two or three words says little; its words, all found
        # together in a passage, say a lot.
        weight = LEXICAL_SHORT if len(set(words_asked)) <= SHORT_QUESTION else LEXICAL
        total = (1 - weight) / 2 * (semantic + sentence) + weight * lexical
        return Scores(semantic=semantic, sentence=sentence, lexical=lexical, total=total)


_POINTER = re.compile(r"\bask me (?:about|for)\b([^.;:!?]*)", re.IGNORECASE)


def _deferring(kb: KnowledgeBase, passages: Sequence[Passage]) -> dict[str, tuple[int, ...]]:
    """Per topic, the passages of other topics that point the reader to it by a name of it."""
    called = {t.id: [f" {' '.join(words(n))} " for n in (t.title, *t.aliases) if words(n)]
              for t in kb.topics.values()}
    found: dict[str, list[int]] = {}
    for i, p in enumerate(passages):
        for pointer in _POINTER.finditer(p.text):
            said = f" {' '.join(words(pointer.group(1)))} "
            for tid, names in called.items():
                if tid != p.topic_id and any(n in said for n in names):
                    found.setdefault(tid, []).append(i)
    return {tid: tuple(dict.fromkeys(rows)) for tid, rows in found.items()}


def _names(kb: KnowledgeBase) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Per topic, the terms that name it (its title, its skills' names), and those of its skills'
    other names, which are often things inside it ("dockerfile", "push notifications"). Both with
    their words as written too, to spot them misspelt."""
    names: dict[str, set[str]] = {t.id: set() for t in kb.topics.values()}
    aliases: dict[str, set[str]] = {t.id: set() for t in kb.topics.values()}
    for topic in kb.topics.values():
        names[topic.id].update(terms(topic.title), words(topic.title))
    for skill in kb.skills.skills:
        if skill.topic in names:
            names[skill.topic].update((skill_term(skill.name), *terms(skill.name), *words(skill.name)))
            for alias in skill.aliases:
                aliases[skill.topic].update(terms(alias), words(alias))
    return ({tid: frozenset(found) for tid, found in names.items()},
            {tid: frozenset(found - names[tid]) for tid, found in aliases.items()})


def embedding_text(topic: Topic, passage: Passage) -> str:
    """What is embedded for a passage: its topic's title gives an opening like "Costs:" its subject."""
    return f"{topic.title}. {passage.text}"
