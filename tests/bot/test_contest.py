"""Issue 11: a topic question another intent leads on, decided by the fitted model (bot/contest.py),
through Bot.handle with the shipped knowledge and the model as deployed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.contest import FEATURES, Arbiter
from bot.intents import asks_after
from bot.openings import Level
from tests.bot.test_opening_conversations import Chat
from tests.bot.test_told_in_passing import chat, profile
from tests.factories import message

__all__ = ["chat"]  # the fixture, shared with test_told_in_passing

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("said", "topics"), [
    ("not what I meant: how do I hash passwords?", {"security", "authentication", "encryption"}),
    ("i know docker basics, when would kubernetes be worth it", {"kubernetes"}),
])
async def test_a_question_wrapped_in_another_intents_words_gets_its_topic(
        chat: Chat, said: str, topics: set[str]) -> None:
    r = await chat.say(said)
    assert r.intent in ("topic", "compare") and r.topic in topics


async def test_who_one_is_before_the_question_is_kept_after_the_answer(chat: Chat) -> None:
    replies = await chat.bot.handle(message("i use postgres daily, when does redis make sense",
                                             user=chat.user))
    assert replies[0].intent == "topic" and replies[0].topic in {"nosql-databases",
                                                                   "performance-optimization"}
    assert replies[-1].intent == "profile"
    assert (await profile(chat)).skills == ("PostgreSQL",)


async def test_a_level_and_years_told_before_asking_are_kept(chat: Chat) -> None:
    r = await chat.say("i've been a junior dev for two years, what separates me from mid level")
    assert (r.intent, r.topic) == ("topic", "career-paths")
    p = await profile(chat)
    assert (p.level, p.years) == (Level.JUNIOR, 2)


@pytest.mark.parametrize(("said", "intent"), [
    ("your kubernetes answer was wrong", "feedback"),
    ("I know docker and kubernetes", "profile"),
    ("any kubernetes jobs in berlin?", "openings"),
    ("Hi! I've been doing go for about three years and I'm wondering what's out there", "openings"),
])
async def test_the_intent_said_keeps_its_handler(chat: Chat, said: str, intent: str) -> None:
    assert (await chat.say(said)).intent == intent


@pytest.mark.parametrize(("text", "asks"), [
    ("not what I asked: how do I secure an api key?", True),
    ("I'm a mid dev, what separates me from a senior?", True),
    ("wrong topic, I asked about kubernetes", False),
    ("how do I scale websockets", False),  # the first clause asks: no other said before it
])
def test_a_later_clause_that_asks(text: str, asks: bool) -> None:
    assert asks_after(text) is asks


def test_the_shipped_model_reads_the_features_computed() -> None:
    arbiter = Arbiter.load()
    assert len(arbiter.weights) == len(FEATURES) and 0.5 <= arbiter.topic_at < 1


def test_the_fit_refuses_held_out_and_validation_sets() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import fit_routing

    for path in (ROOT / "tests/bot/data/dev/questions-valid-13.yaml",
                 ROOT / "tests/bot/data/dev/oos-validation.yaml"):
        with pytest.raises(SystemExit, match="validation"):
            fit_routing.refuse(path)
    assert not any("valid" in p.name for p in fit_routing.DEFAULT_FILES)
