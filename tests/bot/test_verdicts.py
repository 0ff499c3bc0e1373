"""The "other" turns after an answer or a subscription: verdicts, farewells, changes of mind, requests."""

from __future__ import annotations

import pytest

from adapters.bootstrap import build_bot
from bot.dialogue import Bot
from bot.encoder import OnnxEncoder
from bot.intents import is_negative
from bot.knowledge import KnowledgeBase
from bot.memory import MemoryStore
from tests.factories import message, say


@pytest.fixture
def store(kb: KnowledgeBase) -> MemoryStore:
    return MemoryStore(list(kb.openings))


@pytest.fixture
def bot(kb: KnowledgeBase, store: MemoryStore, encoder: OnnxEncoder) -> Bot:
    return build_bot(kb, store.uow, encoder=encoder)


@pytest.mark.parametrize(("verdict", "helpful"), [
    ("rather shallow tbh", False), ("hmm, a bit of a letdown", False), ("too dense honestly", False),
    ("not great, I must say", False), ("pretty clear I suppose", True), ("ok, that'll do", True),
    ("not too long at all", True), ("you're really no help, are you", False),
])
async def test_a_verdict_on_the_answer_just_given_rates_it(
        bot: Bot, store: MemoryStore, verdict: str, helpful: bool) -> None:
    await say(bot, "what is docker")
    reply = await say(bot, verdict)
    assert reply.intent == "feedback", reply.text
    assert [(f[2], f[3]) for f in store.feedback] == [("docker", helpful)]
    assert is_negative(verdict) is not helpful


@pytest.mark.parametrize("request_now", ["simpler please", "can you put it in plainer words",
                                         "go into more detail", "give me an example"])
async def test_a_request_for_a_change_now_stays_the_follow_up(
        bot: Bot, store: MemoryStore, request_now: str) -> None:
    await say(bot, "what is kubernetes")
    reply = await say(bot, request_now)
    assert reply.intent == "more" and reply.topic == "kubernetes", (reply.intent, reply.topic)
    assert store.feedback == []


@pytest.mark.parametrize("text", ["a short code snippet would have helped",
                                  "add more examples next time",
                                  "it would be nice to have a section on schema migrations"])
async def test_what_the_answer_lacked_is_passed_on_not_followed_up(bot: Bot, text: str) -> None:
    await say(bot, "what is a database index")
    reply = await say(bot, text)
    assert reply.intent == "feedback" and "passed that on" in reply.text, reply.text


@pytest.mark.parametrize("text", ["catch you soon", "ok that's it for today, take care",
                                  "whatever, bye then", "alright, have a nice evening"])
async def test_a_farewell_after_an_answer_says_bye(bot: Bot, text: str) -> None:
    await say(bot, "how do I prepare for a coding interview")
    reply = await say(bot, text)
    assert reply.intent == "thanks" and "Bye" in reply.text, (reply.intent, reply.text)


async def test_taking_back_alerts_just_turned_on_unsubscribes(bot: Bot, store: MemoryStore) -> None:
    await say(bot, "ping me when new python jobs appear")
    assert store.subscriptions
    reply = await say(bot, "hmm no, cancel that")
    assert reply.intent == "unsubscribe" and not store.subscriptions


async def test_cancel_that_after_an_answer_is_no_unsubscribe(bot: Bot, store: MemoryStore) -> None:
    await say(bot, "ping me when new python jobs appear")
    await say(bot, "what is docker")  # the conversation moved on
    reply = await say(bot, "never mind")
    assert reply.intent != "unsubscribe" and store.subscriptions


@pytest.mark.parametrize("text", ["is there anywhere I could send ideas for new features",
                                  "where do I leave suggestions for whoever runs this bot",
                                  "please fix that"])
async def test_asking_how_to_reach_the_makers_is_feedback_and_records_nothing(
        bot: Bot, store: MemoryStore, text: str) -> None:
    reply = await say(bot, text)
    assert reply.intent == "feedback" and "pass it on" in reply.text, reply.text
    assert store.feedback == [] and not store.unanswered


async def test_feedback_for_someone_else_is_a_topic_question(bot: Bot) -> None:
    reply = await say(bot, "where do I leave feedback on a pull request")
    assert reply.intent != "feedback"


async def test_approving_the_openings_shown_asks_for_no_other_openings(bot: Bot) -> None:
    await say(bot, "show me remote python jobs")
    reply = await say(bot, "ok now that's more like it")
    assert reply.intent in ("feedback", "thanks"), reply.intent


async def test_a_bad_verdict_offers_what_it_says_was_missing(bot: Bot) -> None:
    await say(bot, "what is docker")
    shallow = await say(bot, "rather shallow tbh")
    assert shallow.buttons[0].label == "Tell me more", shallow.buttons
    (more, *_) = await bot.handle(message("x", action=shallow.buttons[0].action))
    assert more.intent == "more" and more.topic == "docker"
    dense = await say(bot, "too dense honestly")
    assert '"simpler"' in dense.text and all(b.label != "Tell me more" for b in dense.buttons)
    plainer = await say(bot, "simpler")
    assert plainer.intent == "more" and plainer.topic == "docker"
