"""Unanswered questions grouped by meaning: forty phrasings of one missing topic are one gap."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from bot.encoder import Vectors
from bot.retrieval import TopicIndex

# Cosine similarity (all-MiniLM-L6-v2, normalised question texts) at which a question joins a
# group. On tests/bot/data/dev/gap-questions.yaml (8 needs, 31 phrasings) phrasings of one need
# score 0.42-0.87 with each other (median 0.65) and questions of different needs at most 0.48
# (99th percentile 0.41): at 0.55 no group mixes two needs and the 31 questions make 10 groups
# (at 0.5: 9, at 0.6: 13, at 0.7: 22). tests/bot/test_gaps.py checks both on that file. On
# gap-questions-validation.yaml, written afterwards and not tuned on, no group mixes two needs
# either, but 19 phrasings of 6 needs make 11 groups: a need may show as two or three groups.
THRESHOLD = 0.55


@dataclass(frozen=True, kw_only=True, slots=True)
class Question:
    text: str
    count: int
    last_asked: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class Group:
    """Questions of one meaning, the most asked first (whose text names the group)."""

    questions: tuple[Question, ...]

    @property
    def leader(self) -> Question:
        return self.questions[0]

    @property
    def count(self) -> int:
        return sum(q.count for q in self.questions)

    @property
    def last_asked(self) -> datetime:
        return max(q.last_asked for q in self.questions)

    @property
    def key(self) -> str:
        """Names the group in a form (mark handled) as long as its leading question leads it."""
        return hashlib.sha256(self.leader.text.encode()).hexdigest()[:16]


def group_by_meaning(questions: Sequence[Question], vectors: Vectors, *,
                     threshold: float = THRESHOLD) -> list[Group]:
    """Leader clustering: questions in order of how often they were asked; each joins the most
    similar group whose leader is at least `threshold` similar, else leads a new group. Biggest
    groups first.

    `vectors`: one L2-normalised row per question. Comparing with leaders only (not every
    member) keeps a group from drifting away from its meaning through a chain of neighbours,
    and costs questions × groups products.
    """
    if len(questions) != len(vectors):
        raise ValueError(f"{len(questions)} questions but {len(vectors)} vectors")
    order = sorted(range(len(questions)),
                   key=lambda i: (-questions[i].count, -questions[i].last_asked.timestamp(),
                                  questions[i].text))
    leaders: list[int] = []
    members: list[list[Question]] = []
    leader_vectors = np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), dtype=np.float32)
    for i in order:
        if leaders:
            sims = leader_vectors @ vectors[i]
            best = int(np.argmax(sims))
            if sims[best] >= threshold:
                members[best].append(questions[i])
                continue
        leaders.append(i)
        members.append([questions[i]])
        leader_vectors = np.vstack([leader_vectors, vectors[i][None, :]])
    groups = [Group(questions=tuple(m)) for m in members]
    groups.sort(key=lambda g: (-g.count, -g.last_asked.timestamp(), g.leader.text))
    return groups


def open_groups(groups: Sequence[Group], marks: Mapping[str, datetime]) -> list[Group]:
    """The groups a maintainer has not handled. A group marked handled (each of its questions
    marked) comes back whole once it recurs: one of its questions asked after its mark, or a
    phrasing not marked yet joining it."""
    return [g for g in groups
            if any(q.text not in marks or q.last_asked > marks[q.text] for q in g.questions)]


def centroid(group: Group, vectors: Mapping[str, Vectors]) -> Vectors:
    """The group's meaning: its questions' vectors weighted by how often each was asked."""
    rows = np.stack([vectors[q.text] * q.count for q in group.questions])
    mean = rows.sum(axis=0)
    norm = float(np.linalg.norm(mean))
    out: Vectors = (mean / norm if norm else mean).astype(np.float32)
    return out


def nearest_topic(index: TopicIndex, vector: Vectors, *,
                  threshold: float = THRESHOLD) -> tuple[str, float] | None:
    """The topic whose texts are nearest in meaning, with that similarity (a soft maximum of
    cosines over the topic's texts, as the retriever computes it; about -1..1), or None when
    even the nearest is under `threshold`.

    A topic's texts are mostly questions, so the bar is the one that makes two questions one
    need: below it the nearest topic is whichever happens to share a word or a tone, and naming
    it would send a maintainer to the wrong page. On the dev samples (gap-questions*.yaml, the
    shipped knowledge base) the needs a topic touches (pay, visas, relocation, languages,
    degrees) are 0.56-0.90 from it, burnout and sore wrists at most 0.45 from any; laptops
    still name "choosing a language" (0.62), which is why the similarity is shown too.
    """
    similarity = index.similarities(vector)["all"]
    best = int(np.argmax(similarity))
    score = float(similarity[best])
    return (index.ids[best], score) if score >= threshold else None
