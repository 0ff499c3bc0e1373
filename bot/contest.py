"""Whether a topic question takes a message that another intent claims: a logistic model fitted on data."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

CONTEST = Path(__file__).resolve().parent / "models" / "routing" / "contest.json"
# Below this the topic handler would not answer (its ANSWER_AT): no contest.
CONTEST_AT = 0.5
# The topic's confidence as a log-odds stays finite.
_CLIP = 1e-4
# What the model reads, in this order; scripts/fit_routing.py fits its weights. Out of fold, the
# message's length and which intent leads (a column each) made it worse: long intent requests
# ("I've been doing rails for two years … wondering what's out there") went to a topic.
FEATURES = (
    "topic_logit",           # the retrieval's calibrated confidence in its best topic, as log-odds
    "rival_score",           # the intent handler's score
    "rival_cue",             # how surely the words alone say that intent (0 without a cue)
    "evidence_margin",       # intent examples' evidence for "a topic question" over the intent's
    "closeness_margin",      # the same for closeness to the nearest examples alone
    "evidence_over_intents",  # "a topic question" over the best intent's evidence
    "score_margin",          # the topic's confidence over the intent handler's score
    "asks_after",            # a clause after the first asks a question (1 or 0)
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Evidence:
    """The intent classifier's reading of one message by meaning: per class (the intents, "topic"
    and "none"), closeness to its nearest examples and the evidence with the read-out."""

    closeness: Mapping[str, float]
    evidence: Mapping[str, float]


@dataclass(frozen=True, kw_only=True, slots=True)
class Contest:
    """A message both an intent handler and a confident topic claim."""

    rival: str           # the intent that leads
    topic_id: str        # the topic that would answer
    features: tuple[float, ...]


def contest(*, rival: str, rival_score: float, rival_cue: float, topic_id: str,
            topic_confidence: float, evidence: Evidence, asks_after: bool, topic: str, none: str
            ) -> Contest:
    """The features of one contest (FEATURES); `topic`, `none`: the intent classifier's names for
    a topic question and for neither."""
    t = min(max(topic_confidence, _CLIP), 1 - _CLIP)
    ev, close = evidence.evidence, evidence.closeness
    intents = [v for k, v in ev.items() if k not in (topic, none)]
    values = (
        math.log(t / (1 - t)), rival_score, rival_cue,
        ev.get(topic, 0.0) - ev.get(rival, 0.0), close.get(topic, 0.0) - close.get(rival, 0.0),
        ev.get(topic, 0.0) - max(intents, default=0.0), topic_confidence - rival_score,
        float(asks_after),
    )
    return Contest(rival=rival, topic_id=topic_id, features=values)


@dataclass(frozen=True, kw_only=True, slots=True)
class Arbiter:
    """The fitted model: the topic takes the message when σ(w·x + b) reaches `topic_at`; below
    it, the handlers' scores decide as they would without it."""

    weights: Sequence[float]
    bias: float
    topic_at: float

    @classmethod
    def load(cls, path: Path = CONTEST) -> Arbiter:
        data = json.loads(path.read_text())
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path} was fitted on other features: re-run scripts/fit_routing.py")
        return cls(weights=tuple(map(float, data["weights"])), bias=float(data["bias"]),
                   topic_at=float(data["topic_at"]))

    def topic_probability(self, c: Contest) -> float:
        z = sum(w * x for w, x in zip(self.weights, c.features, strict=True)) + self.bias
        return 1.0 / (1.0 + math.exp(-z))

    def prefers_topic(self, c: Contest) -> bool:
        return self.topic_probability(c) >= self.topic_at
