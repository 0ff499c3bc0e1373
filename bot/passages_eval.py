"""Scoring a passage question file (specific and general questions, see eval/dev-passages.yaml)."""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Markdown emphasis and code marks and bullet characters are ignored when phrases are matched.
_MARKS = re.compile(r"\*\*|__|`|[•◦▪▫‣⁃·*-](?=\s)")

KINDS = ("specific", "general")

Answerer = Callable[[Sequence[str]], Sequence[Mapping[str, Any]]]


def flatten(text: str) -> str:
    """Text as phrases are matched against it: lower case, marks dropped, whitespace collapsed."""
    return " ".join(_MARKS.sub(" ", text).casefold().split())


def contains_any(text: str, phrases: Sequence[str]) -> bool:
    flat = flatten(text)
    return any(flatten(p) in flat for p in phrases)


@dataclass(frozen=True, kw_only=True, slots=True)
class PassageMiss:
    kind: str
    q: str
    topics: tuple[str, ...]
    expected: tuple[str, ...]
    intent: str
    topic: str | None
    text: str


@dataclass(frozen=True, kw_only=True, slots=True)
class KindScore:
    right: int
    total: int
    # The median length, in characters, of the replies to this kind of question.
    median_chars: float | None

    @property
    def accuracy(self) -> float | None:
        return self.right / self.total if self.total else None


@dataclass(frozen=True, kw_only=True, slots=True)
class PassageScore:
    specific: KindScore
    general: KindScore
    misses: tuple[PassageMiss, ...]

    def summary(self) -> str:
        def part(name: str, k: KindScore) -> str:
            acc = "n/a" if k.accuracy is None else f"{k.accuracy:.3f}"
            median = "n/a" if k.median_chars is None else f"{k.median_chars:.0f}"
            return f"{name} {k.right}/{k.total} = {acc} (median reply {median} chars)"

        return f"{part('specific', self.specific)}; {part('general', self.general)}"

    def as_json(self) -> dict[str, Any]:
        def kind(k: KindScore) -> dict[str, Any]:
            return {"right": k.right, "total": k.total, "accuracy": k.accuracy,
                    "median_chars": k.median_chars}

        return {
            "specific": kind(self.specific),
            "general": kind(self.general),
            "misses": [
                {"kind": m.kind, "q": m.q, "topics": list(m.topics), "expected": list(m.expected),
                 "intent": m.intent, "topic": m.topic, "text": m.text}
                for m in self.misses
            ],
        }


def is_passage_file(data: Mapping[str, Any]) -> bool:
    return any(k in data for k in KINDS)


def score_passages(answer: Answerer, data: Mapping[str, Any]) -> PassageScore:
    """Ask every question of a passage file through `answer` (questions in, one reply object each
    out, as `careerbot ask --json -` prints them: `intent`, `topic`, `text`) and score the replies:
    right when the text contains one of the case's `text_any` phrases."""
    cases = [(kind, case) for kind in KINDS for case in (data.get(kind) or ())]
    replies = list(answer([str(case["q"]) for _, case in cases]))
    if len(replies) != len(cases):
        raise ValueError(f"{len(cases)} questions but {len(replies)} replies")
    right = {kind: 0 for kind in KINDS}
    lengths: dict[str, list[int]] = {kind: [] for kind in KINDS}
    misses: list[PassageMiss] = []
    for (kind, case), reply in zip(cases, replies, strict=True):
        text = str(reply.get("text") or "")
        phrases = tuple(str(p) for p in case.get("text_any") or ())
        lengths[kind].append(len(text))
        if contains_any(text, phrases):
            right[kind] += 1
        else:
            misses.append(PassageMiss(
                kind=kind, q=str(case["q"]), topics=tuple(case.get("topics") or ()),
                expected=phrases, intent=str(reply.get("intent")), topic=reply.get("topic"),
                text=text))

    def score(kind: str) -> KindScore:
        return KindScore(right=right[kind], total=len(lengths[kind]),
                         median_chars=statistics.median(lengths[kind]) if lengths[kind] else None)

    return PassageScore(specific=score("specific"), general=score("general"), misses=tuple(misses))
