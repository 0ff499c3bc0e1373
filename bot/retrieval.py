"""Hybrid topic retrieval: the lexical matcher and sentence embeddings, combined into one confidence.

Each candidate topic (the matcher's five best and the embeddings' five best) gets a few features:
the matcher's confidence and strength, a BM25 score over the topic's pages, and how close the
message is in meaning to the topic's texts (its names, sample questions, answer, and each block of
its answer, details and example) with the margin over the nearest other topic, and how much closer
it is to the topic than to any broad subject outside the domain (`background.json`: medicine, law,
cooking, home tech support...), so that "salary tips for nurses" is not the salary topic; how many of
the ten texts nearest the message are the topic's (a specific question's neighbours agree on its
topic even when a broader one holds the single nearest text); and, when the message has words the
knowledge base does not know, how much closer those words alone are to the topic than to the
subjects outside ("supermarket" in a question about a raise); and the message's shape, the same for
every candidate (the share of its words the knowledge base does not know, its length), which moves
them all against "none of them". A logistic model
fitted by `scripts/fit_retrieval.py` (a conditional logit: each message's candidates and a "none
of them" option compete) turns them into one confidence per candidate. The core answers with the
best at 0.5 or more (the fit places the model's bias so that 0.5 is the best threshold), offers
"did you mean" buttons at `suggest_at` or more, and declines below. A topic head (`head.npz`, a
softmax regression from the message's embedding to its topic, fitted on the sample questions and the
tuning sets) then reorders the three best: it knows where each topic's questions lie in meaning,
which tells neighbouring topics apart (foreign keys and indexes under database management or SQL)
better than a handful of similarities can. It changes which topic, never how sure: the three keep
their confidences, in order.

The cascade skips the model when the words decide: a message with no word the knowledge base
knows is declined, and one whose best topic by a lexical-only model of the same kind reaches
`skip_at`, while no other topic would be answered by it and every word of it is known, is answered,
without encoding either.
Without an encoder, or when it fails, the matcher's own confidence decides, as before the
embeddings existed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from bot.embedding_cache import EmbeddingCache
from bot.encoder import Encoder, Vectors
from bot.knowledge import KnowledgeBase, Topic, default_dir
from bot.markup import to_plain
from bot.matcher import Match, TopicMatcher

log = logging.getLogger(__name__)

CALIBRATION = Path(__file__).resolve().parent / "models" / "topic-retrieval" / "calibration.json"
BACKGROUND = CALIBRATION.with_name("background.json")
HEAD = CALIBRATION.with_name("head.npz")
# How many of the hybrid model's best the topic head may reorder.
RERANK = 3
# The matcher's own "did you mean" threshold, used without embeddings (it answers at 0.5).
MATCHER_SUGGEST_AT = 0.22
# Candidates from each side: the right topic is nearly always among the first five of one of them.
CANDIDATES = 5
# Temperature of the soft maximum over a topic's texts: close to the best text's cosine, but a
# topic with several close texts beats one with a single lucky match.
SOFTMAX_TEMPERATURE = 0.05
# How many of the texts nearest a message vote for their topics: a specific question's neighbours
# agree on its topic even when a broader topic has the single nearest text.
VOTERS = 10
# How much nearer the background a few words must be than any text of the knowledge base to name
# something outside the domain (see TopicRetriever.outside): "nurses" is 0.27 nearer, "teacher"
# 0.16, "lawyer" 0.34; "bank" (0.08), "marketing" (0.07) and "startup" (-0.34) are not.
OUTSIDE_MARGIN = 0.1
# The pages matcher: every word of a topic's answer, details and example counts the same.
PAGE_WEIGHTS = {"answer": 1.0, "details": 1.0}

FloatArray = npt.NDArray[np.float64]
# "hybrid": words and meaning; "lexical": the words decided and the model was skipped; "matcher":
# no embeddings, the matcher's own confidence as before them.
Method = Literal["hybrid", "lexical", "matcher"]


class TextKind(IntEnum):
    TITLE = 0
    NAMES = 1
    KEYWORDS = 2
    QUESTION = 3
    ANSWER = 4
    PASSAGE = 5


def topic_texts(topic: Topic) -> list[tuple[TextKind, str]]:
    """What a topic is embedded as: its names, sample questions, answer, and each block of its pages."""
    out = [(TextKind.TITLE, topic.title),
           (TextKind.NAMES, ", ".join((topic.title, *topic.aliases))),
           (TextKind.KEYWORDS, ", ".join(topic.keywords))]
    out += [(TextKind.QUESTION, q) for q in topic.questions]
    out.append((TextKind.ANSWER, to_plain(topic.answer, with_urls=False)))
    out += [(TextKind.PASSAGE, to_plain((block,), with_urls=False))
            for block in (*topic.answer, *topic.details, *topic.example)]
    return [(kind, text) for kind, text in out if text.strip()]


def background_texts(path: Path = BACKGROUND) -> list[str]:
    """The broad subjects outside the domain that a message is compared with."""
    texts = json.loads(path.read_text())["texts"]
    if not texts or not all(isinstance(t, str) and t.strip() for t in texts):
        raise ValueError(f"{path}: texts must be a non-empty list of subjects")
    return [str(t) for t in texts]


def cache_name(root: Path | None, collection: str) -> str:
    """The cache file of a knowledge folder's collection: one per folder (so switching folders
    re-embeds nothing), and one for the shipped knowledge base wherever it is installed (so a new
    install or release finds the vectors of every text that did not change)."""
    if root is None or root.resolve() == default_dir():
        return collection
    folder = hashlib.blake2b(str(root.resolve()).encode(), digest_size=6).hexdigest()
    return f"{collection}-{folder}"


# The kinds of text whose nearest one is a feature of its own, by feature name.
_NEAREST = {TextKind.QUESTION: "question", TextKind.ANSWER: "answer",
            TextKind.PASSAGE: "passage", TextKind.TITLE: "title"}


class TopicIndex:
    """Every topic's texts as unit vectors, the rows of one topic together."""

    def __init__(self, topics: Sequence[Topic], vectors_of: Callable[[list[str]], Vectors]) -> None:
        self.ids = [t.id for t in topics]
        self.row = {tid: i for i, tid in enumerate(self.ids)}
        kinds: list[int] = []
        owners: list[int] = []
        texts: list[str] = []
        for i, topic in enumerate(topics):
            for kind, text in topic_texts(topic):
                kinds.append(kind)
                owners.append(i)
                texts.append(text)
        self.vectors = vectors_of(texts)
        self.kinds = np.asarray(kinds, dtype=np.int8)
        self.owners = np.asarray(owners, dtype=np.intp)
        self.starts = np.searchsorted(self.owners, np.arange(len(topics)))
        self._pages = self.kinds != TextKind.QUESTION
        # Per kind of text: its rows, the topics that have some, and where each topic's run of
        # them starts (rows are in topic order), so that its nearest is one reduction.
        self._kind_rows: dict[TextKind, tuple[npt.NDArray[np.intp], ...]] = {}
        for kind in _NEAREST:
            rows = np.flatnonzero(self.kinds == kind)
            having, run_starts = np.unique(self.owners[rows], return_index=True)
            self._kind_rows[kind] = (rows, having, run_starts)

    def __len__(self) -> int:
        return len(self.ids)

    def similarities(self, vector: Vectors) -> dict[str, FloatArray]:
        """Per topic: soft maxima of its texts' cosines (all; all but the sample questions) and the
        nearest text of some kinds."""
        cos = (self.vectors @ vector).astype(np.float64)
        weight = np.exp(cos / SOFTMAX_TEMPERATURE)
        voters = np.argpartition(-cos, VOTERS - 1)[:VOTERS] if len(cos) > VOTERS else np.arange(len(cos))
        out = {
            "all": self._soft(weight),
            "pages": self._soft(np.where(self._pages, weight, 0.0)),
            "vote": np.bincount(self.owners[voters], minlength=len(self.ids)) / VOTERS,
        }
        for kind, name in _NEAREST.items():
            nearest = np.full(len(self.ids), -1.0)
            rows, having, run_starts = self._kind_rows[kind]
            if len(rows):
                # At least -1, as when it started from -1: a quarter of np.maximum.at's time.
                nearest[having] = np.maximum(np.maximum.reduceat(cos[rows], run_starts), -1.0)
            out[name] = nearest
        return out

    def _soft(self, weight: FloatArray) -> FloatArray:
        out: FloatArray = SOFTMAX_TEMPERATURE * np.log(np.add.reduceat(weight, self.starts) + 1e-300)
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class Candidates:
    """The topics considered for one message and their features (one row each)."""

    topic_ids: tuple[str, ...]
    features: dict[str, FloatArray]

    def matrix(self, names: Iterable[str]) -> FloatArray:
        names = list(names)
        if not self.topic_ids:
            return np.zeros((0, len(names)))
        return np.column_stack([self.features[n] for n in names])


def _strength(score: float) -> float:
    return 1 - math.exp(-score / 6.0)


def _margins(values: FloatArray) -> FloatArray:
    """Each value minus the best other one (only the leader's is positive)."""
    if len(values) < 2:
        return values.copy()
    first, second = np.argsort(-values, kind="stable")[:2]
    out: FloatArray = np.where(np.arange(len(values)) == first, values - values[second],
                               values - values[first])
    return out


def lexical_candidates(matches: Sequence[Match]) -> Candidates:
    strength = np.asarray([_strength(m.score) for m in matches])
    return Candidates(topic_ids=tuple(m.topic_id for m in matches), features={
        "lex_unknown": np.asarray([float(m.unknown) for m in matches]),
        "lex_confidence": np.asarray([m.confidence for m in matches]),
        "lex_strength": strength,
        "lex_margin": _margins(strength),
    })


def hybrid_candidates(matches: Sequence[Match], pages: npt.NDArray[np.floating[Any]], index: TopicIndex,
                      vector: Vectors, background: Vectors, unknown: Vectors | None = None) -> Candidates:
    """`pages`: the pages matcher's score of every topic, in the index's order; `background`: the
    vectors of the subjects outside the domain; `unknown`: the vector of the message's words the
    knowledge base does not know, if it has any."""
    sims = index.similarities(vector)
    outside = float((background @ vector).max())
    nearest = np.argsort(-sims["all"], kind="stable")[:CANDIDATES].tolist()
    rows = list(dict.fromkeys([*(index.row[m.topic_id] for m in matches), *nearest]))
    lexical = {index.row[m.topic_id]: m for m in matches}
    if unknown is None:
        unknown_margin = np.zeros(len(rows))
    else:
        # "supermarket" in "how to ask my boss at the supermarket for a raise": the words the
        # knowledge base lacks, nearer a subject outside the domain than to the topic, say whose
        # raise it is, which the whole message's meaning blurs.
        unknown_margin = index.similarities(unknown)["all"][rows] - float((background @ unknown).max())
    # The message's own shape, the same for every candidate, so that it moves them all against
    # "none": the share of its words the knowledge base does not know ("pancake recipe" is mostly
    # unknown), and its length (a long message that sets the scene before asking is further in
    # meaning from every topic's short texts than a terse one, yet no less in scope).
    terms = matches[0].terms if matches else 0
    shape = {"msg_unknown_share": matches[0].unknown / terms if terms else 0.0,
             "msg_length": math.log1p(terms)}
    return Candidates(topic_ids=tuple(index.ids[i] for i in rows), features={
        **{name: np.full(len(rows), value) for name, value in shape.items()},
        "sem_unknown_margin": unknown_margin,
        "lex_confidence": np.asarray([lexical[i].confidence if i in lexical else 0.0 for i in rows]),
        "lex_strength": np.asarray([_strength(lexical[i].score) if i in lexical else 0.0 for i in rows]),
        "lex_pages": np.asarray([_strength(float(pages[i])) for i in rows]),
        "sem_all": sims["all"][rows],
        "sem_all_margin": _margins(sims["all"])[rows],
        "sem_background_margin": sims["all"][rows] - outside,
        "sem_pages": sims["pages"][rows],
        "sem_pages_margin": _margins(sims["pages"])[rows],
        "sem_question": sims["question"][rows],
        "sem_answer": sims["answer"][rows],
        "sem_passage": sims["passage"][rows],
        "sem_title": sims["title"][rows],
        "sem_vote": sims["vote"][rows],
    })


@dataclass(frozen=True, kw_only=True, slots=True)
class LogitModel:
    """Weights fitted as a conditional logit (each message's candidates and a "none" option compete,
    so a topic's score is learned against its rivals). A candidate's confidence is σ(w·x + b): its
    odds against none of the topics being meant, with `b` placed so that 0.5 is where answering
    starts to pay."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LogitModel:
        model = cls(features=tuple(data["features"]), weights=tuple(float(w) for w in data["weights"]),
                    bias=float(data["bias"]))
        if len(model.features) != len(model.weights):
            raise ValueError("a logit model needs one weight per feature")
        return model

    def confidences(self, candidates: Candidates) -> FloatArray:
        """One confidence (0..1) per candidate."""
        if not candidates.topic_ids:
            return np.zeros(0)
        z = candidates.matrix(self.features) @ np.asarray(self.weights) + self.bias
        out: FloatArray = 1 / (1 + np.exp(-z))
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class Calibration:
    """What scripts/fit_retrieval.py writes: the two models and the thresholds."""

    hybrid: LogitModel
    lexical: LogitModel
    suggest_at: float
    skip_at: float

    @classmethod
    def load(cls, path: Path = CALIBRATION) -> Calibration:
        data = json.loads(path.read_text())
        return cls(hybrid=LogitModel.from_json(data["hybrid"]),
                   lexical=LogitModel.from_json(data["lexical"]),
                   suggest_at=float(data["suggest_at"]), skip_at=float(data["skip_at"]))


@dataclass(frozen=True, kw_only=True, slots=True, eq=False)
class TopicHead:
    """A softmax regression over the encoder's message vector: `weights` (dimension + 1 rows, the
    last the bias; a column per topic). Of the hybrid model's best RERANK, those within `margin` of
    the best one's log-odds are reordered by their log-odds plus `weight` times the head's
    log-probability of their topic: the head settles close calls, not clear answers."""

    topic_ids: tuple[str, ...]
    weights: npt.NDArray[np.float32]
    weight: float
    margin: float
    encoder: str

    @classmethod
    def load(cls, path: Path = HEAD) -> TopicHead | None:
        if not path.is_file():
            return None
        with np.load(path) as data:
            head = cls(topic_ids=tuple(str(t) for t in data["topic_ids"]),
                       weights=np.asarray(data["weights"], dtype=np.float32),
                       weight=float(data["weight"]), margin=float(data["margin"]),
                       encoder=str(data["encoder"]))
        if head.weights.shape[1] != len(head.topic_ids):
            raise ValueError(f"{path}: one column of weights per topic expected")
        return head

    def log_probabilities(self, vector: Vectors) -> FloatArray:
        z = (vector @ self.weights[:-1] + self.weights[-1]).astype(np.float64)
        z -= z.max()
        out: FloatArray = z - np.log(np.exp(z).sum())
        return out

    def rerank(self, topic_ids: Sequence[str], confidences: FloatArray, vector: Vectors) -> FloatArray:
        """The confidences with the best RERANK candidates reordered by the head (each keeps its
        place's confidence); unchanged when the head does not know one of them."""
        top = np.argsort(-confidences, kind="stable")[:RERANK]
        p = np.clip(confidences[top], 1e-12, 1 - 1e-12)
        odds = np.log(p / (1 - p))
        close = odds >= odds[0] - self.margin
        top, odds = top[close], odds[close]
        column = {t: i for i, t in enumerate(self.topic_ids)}
        if len(top) < 2 or any(topic_ids[i] not in column for i in top):
            return confidences
        log_p = self.log_probabilities(vector)
        score = odds + self.weight * log_p[[column[topic_ids[i]] for i in top]]
        out = confidences.copy()
        out[top[np.argsort(-score, kind="stable")]] = confidences[top]
        return out


def words_decide(confidences: FloatArray, skip_at: float, *, unknown: bool = False) -> bool:
    """The cascade's rule: one topic is sure enough by the lexical-only model, no rival would be
    answered ("tips for a backend job interview" names a job and an interview: the model decides),
    and the message has no word the knowledge base does not know (in "how long to become a
    midwife" the unknown word is what it is about, which only the model can weigh)."""
    top = np.sort(confidences)[::-1]
    return (not unknown and len(top) > 0 and top[0] >= skip_at
            and (len(top) < 2 or top[1] < 0.5))


@dataclass(frozen=True, kw_only=True, slots=True)
class TopicHit:
    topic_id: str
    confidence: float


@dataclass(frozen=True, kw_only=True, slots=True)
class Ranking:
    """Candidate topics for one message, most likely first, and how they were found."""

    hits: tuple[TopicHit, ...]
    method: Method
    suggest_at: float

    @property
    def best(self) -> TopicHit | None:
        return self.hits[0] if self.hits else None

    def suggestions(self, limit: int) -> list[TopicHit]:
        """The "did you mean" topics when the best is not sure enough to answer."""
        return [h for h in self.hits[:limit] if h.confidence >= self.suggest_at]


# The words' stage of a ranking: the matcher's candidates, their lexical features, confidences.
_Lexical = tuple[list[Match], Candidates | None, FloatArray | None]


class TopicRetriever:
    """Ranks topics for a message. Built when a knowledge base is loaded into the core."""

    def __init__(self, kb: KnowledgeBase, encoder: Encoder | None, *, directory: Path | None = None,
                 matcher: TopicMatcher | None = None, calibration: Calibration | None = None,
                 head: TopicHead | None = None,
                 encode_text: Callable[[str], Vectors | None] | None = None) -> None:
        """`encode_text`: how a short text of the message (its unknown words) is encoded; the core
        passes its own, which keeps recent vectors (by default: the encoder, each time). `head`: the
        topic head (by default the shipped one, if it was fitted with this encoder)."""
        topics = list(kb.topics.values())
        self.matcher = matcher or TopicMatcher(topics)
        self.index: TopicIndex | None = None
        self.pages: TopicMatcher | None = None
        self.background: Vectors | None = None
        self.calibration = calibration or Calibration.load()
        self.encoder = encoder
        self.head = head if head is not None else TopicHead.load()
        if self.head is not None and (encoder is None or self.head.encoder != encoder.model_id):
            self.head = None
        self.encode_text = encode_text or self._encode
        # A message is ranked twice (the router's cascade by words, then the topic handler): the
        # words' stage of the latest (text, boost) is kept for the second.
        self._lexical: tuple[tuple[str, tuple[str, ...]], _Lexical] | None = None
        if encoder is None or not topics:
            return
        cache = EmbeddingCache(encoder, cache_name(kb.root, "topics"), directory)
        try:
            index = TopicIndex(topics, cache.encode)
            # One collection for every knowledge folder: the background is not part of a folder.
            background = EmbeddingCache(encoder, "topic-background", directory).encode(background_texts())
        except Exception:
            # The bot still answers, by words alone, as it did before the embeddings.
            log.exception("embedding the knowledge base failed; matching topics by words only")
            return
        self.index, self.background = index, background
        self.pages = TopicMatcher(topics, weights=PAGE_WEIGHTS)

    @property
    def semantic(self) -> bool:
        return self.index is not None

    def rank(self, text: str, vector: Callable[[], Vectors | None], *,
             boost: Sequence[str] = ()) -> Ranking:
        """Topics for `text`; `vector()` gives the message's embedding and is called only if needed."""
        matches, lexical, p = self._by_words(text, boost)
        if self.index is None or self.pages is None or self.background is None:
            return self._by_matcher(matches)
        cal = self.calibration
        if not matches:
            # Not one word the knowledge base knows: no topic was asked about (on the tuning sets,
            # no in-scope question and a third of the out-of-scope ones), nothing to encode.
            return Ranking(hits=(), method="lexical", suggest_at=cal.suggest_at)
        assert lexical is not None and p is not None
        if words_decide(p, cal.skip_at, unknown=matches[0].unknown > 0):
            return self._ranking(lexical.topic_ids, p, "lexical")
        v = vector()
        if v is None:
            return self._by_matcher(matches)
        unknown = self._unknown_vector(text) if matches[0].unknown else None
        hybrid = hybrid_candidates(matches, self.pages.scores(text), self.index, v, self.background, unknown)
        p = cal.hybrid.confidences(hybrid)
        if self.head is not None:
            p = self.head.rerank(hybrid.topic_ids, p, v)
        return self._ranking(hybrid.topic_ids, p, "hybrid")

    def _by_words(self, text: str, boost: Sequence[str]) -> _Lexical:
        """The matcher's candidates for `text`, and with the model, their lexical features and
        confidences (None without candidates or without the model)."""
        key = (text, tuple(boost))
        last = self._lexical
        if last is not None and last[0] == key:
            return last[1]
        matches = self.matcher.rank(text, limit=CANDIDATES, boost=boost) if text else []
        lexical = lexical_candidates(matches) if matches and self.index is not None else None
        p = self.calibration.lexical.confidences(lexical) if lexical is not None else None
        found = (matches, lexical, p)
        self._lexical = (key, found)
        return found

    def outside(self, text: str) -> bool:
        """Whether a few words ("nurses", "teacher") name something outside the domain: nearer in
        meaning to one of the background subjects than to any text of the knowledge base, by
        OUTSIDE_MARGIN. False without embeddings, or when encoding fails."""
        if self.index is None or self.background is None or not text.strip():
            return False
        v = self.encode_text(text)
        if v is None:
            return False
        return float((self.background @ v).max()) - float((self.index.vectors @ v).max()) >= OUTSIDE_MARGIN

    def _unknown_vector(self, text: str) -> Vectors | None:
        """The vector of the message's words the knowledge base does not know (None when the
        model does not use it, or encoding fails: the feature is then 0, as for a message without)."""
        if self.encoder is None or "sem_unknown_margin" not in self.calibration.hybrid.features:
            return None
        words = " ".join(self.matcher.unknown_words(text))
        return self.encode_text(words) if words else None

    def _encode(self, text: str) -> Vectors | None:
        assert self.encoder is not None
        try:
            vector: Vectors = self.encoder.encode([text])[0]
        except Exception:
            log.exception("encoding a message's unknown words failed")
            return None
        return vector

    def _ranking(self, topic_ids: Sequence[str], p: FloatArray, method: Method) -> Ranking:
        order = np.argsort(-p, kind="stable")
        return Ranking(hits=tuple(TopicHit(topic_id=topic_ids[i], confidence=float(p[i])) for i in order),
                       method=method, suggest_at=self.calibration.suggest_at)

    @staticmethod
    def _by_matcher(matches: Sequence[Match]) -> Ranking:
        return Ranking(hits=tuple(TopicHit(topic_id=m.topic_id, confidence=m.confidence) for m in matches),
                       method="matcher", suggest_at=MATCHER_SUGGEST_AT)
