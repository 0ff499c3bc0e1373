"""The topic matcher on the shipped knowledge base: typos, shorthand, chat, out-of-scope text."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.cli.main import _eval
from adapters.settings import Settings
from bot.knowledge import load_knowledge
from bot.matcher import TopicMatcher

HELDOUT = Path(__file__).parent / "data" / "heldout-questions.yaml"
DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev-questions.yaml"


@pytest.fixture(scope="module")
def matcher() -> TopicMatcher:
    return TopicMatcher(load_knowledge().topics.values())


def best(matcher: TopicMatcher, text: str) -> tuple[str | None, float]:
    ranked = matcher.rank(text)
    return (ranked[0].topic_id, ranked[0].confidence) if ranked else (None, 0.0)


@pytest.mark.parametrize(("text", "topic"), [
    ("kubernets", "kubernetes"),
    ("grapql", "graphql"),
    ("dokcer", "docker"),
    ("postgress replication", "database-management"),
    ("K8S", "kubernetes"),
    ("Node.js event loop", "nodejs"),
    ("RoR", "ruby"),
    ("authn", "authentication"),
    ("authz", "authorization"),
    ("What is GraphQL???", "graphql"),
    ("so um, I've been wondering for a while now, like, what exactly is docker and why does "
     "everyone at work keep talking about it?", "docker"),
])
def test_finds_topic_despite_noise(matcher: TopicMatcher, text: str, topic: str) -> None:
    found, confidence = best(matcher, text)
    assert found == topic
    assert confidence >= 0.5


@pytest.mark.parametrize("text", [
    "how do I make pancakes", "what's 2 + 2", "qwertyuiop", "🙂🙂🙂", "the", "",
    "how do I become a dentist", "i love to bake rice",
])
def test_out_of_scope_stays_below_the_answer_threshold(matcher: TopicMatcher, text: str) -> None:
    _, confidence = best(matcher, text)
    assert confidence < 0.5


def test_confidence_is_calibrated_between_zero_and_one(matcher: TopicMatcher) -> None:
    for text in ("docker", "what is docker and kubernetes", "sql nosql graphql rest"):
        for m in matcher.rank(text):
            assert 0.0 <= m.confidence <= 1.0
    exact = best(matcher, "Docker")[1]
    vague = best(matcher, "containers and also some pancakes with syrup")[1]
    assert exact > vague


def test_heldout_questions_generalise() -> None:
    result = _eval(HELDOUT, Settings(_env_file=None))  # type: ignore[call-arg]
    assert result["topic_accuracy"] >= 0.9, result["misses"]
    assert result["intent_accuracy"] == 1.0, result["misses"]
    assert result["out_of_scope_rejection"] >= 0.85, result["misses"]


@pytest.mark.skipif(not DEV.is_file(), reason="../shared/eval/dev-questions.yaml not present")
def test_dev_questions_meet_the_bars() -> None:
    result = _eval(DEV, Settings(_env_file=None))  # type: ignore[call-arg]
    assert result["topic_accuracy"] >= 0.95, result["misses"]
    assert result["intent_accuracy"] == 1.0, result["misses"]
    assert result["out_of_scope_rejection"] >= 0.90, result["misses"]
