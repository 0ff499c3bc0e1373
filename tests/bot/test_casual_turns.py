"""Turns typed casually: asides before a question, acknowledgements, Slack's "+1", praise in a
second language, alerts switched off in odd words, and asking for the sources of an answer."""

from __future__ import annotations

import pytest

from adapters.bootstrap import build_bot
from bot.dialogue import Bot
from bot.encoder import OnnxEncoder
from bot.knowledge import KnowledgeBase
from bot.memory import MemoryStore
from bot.shown import says_none_fit
from bot.text import without_aside
from tests.factories import say

DECLINED = "outside what I know"


@pytest.fixture
def store(kb: KnowledgeBase) -> MemoryStore:
    return MemoryStore(list(kb.openings))


@pytest.fixture
def bot(kb: KnowledgeBase, store: MemoryStore, encoder: OnnxEncoder) -> Bot:
    return build_bot(kb, store.uow, encoder=encoder)


@pytest.mark.parametrize(("text", "rest"), [
    ("wait what does that mean", "what does that mean"),
    ("hold on, is it remote?", "is it remote?"),
    ("hmm wait, what else can you do", "what else can you do"),
    ("btw what is docker", "what is docker"),
    ("um... tell me more", "tell me more"),
    # "wait" as a word of the question, and an aside with nothing after it, are kept
    ("wait times in a message queue", "wait times in a message queue"),
    ("hmm", "hmm"),
    ("wait", "wait"),
])
def test_an_aside_opening_a_message_is_left_out(text: str, rest: str) -> None:
    assert without_aside(text) == rest


@pytest.mark.parametrize("text", ["wait what does that mean", "hold on what do you mean by that"])
async def test_a_follow_up_after_an_aside_stays_on_the_topic(bot: Bot, text: str) -> None:
    await say(bot, "what is docker")
    reply = await say(bot, text)
    assert (reply.intent, reply.topic) == ("more", "docker"), reply.text


@pytest.mark.parametrize("text", ["ok got it", "nvm", "never mind", "gotcha", "okay, understood"])
async def test_an_acknowledgement_takes_note_without_a_decline(bot: Bot, text: str) -> None:
    await say(bot, "what is CI/CD")
    reply = await say(bot, text)
    assert reply.intent == "thanks" and "Good." in reply.text, (reply.intent, reply.text)


@pytest.mark.parametrize("text", ["+1", "+1 nice"])
async def test_plus_one_approves_the_answer_as_a_thumbs_up_does(
        bot: Bot, store: MemoryStore, text: str) -> None:
    await say(bot, "what is kubernetes")
    reply = await say(bot, text)
    assert reply.intent == "feedback" and DECLINED not in reply.text, reply.text
    assert [(f[2], f[3]) for f in store.feedback] == [("kubernetes", True)]


async def test_plus_one_inside_a_name_is_no_thumbs_up(bot: Bot) -> None:
    reply = await say(bot, "c++11 jobs")
    assert reply.intent != "feedback"


async def test_thanks_with_praise_whose_it_is_left_out_is_thanks(bot: Bot) -> None:
    await say(bot, "what is docker")
    reply = await say(bot, "thank you very much, is very helpful for me")
    assert reply.intent == "thanks", reply.text
    asked = await say(bot, "thanks, is it used for startups")
    assert asked.intent != "thanks"


@pytest.mark.parametrize(("text", "topic"), [
    ("hello, please i want to know what is the microservices", "microservices"),
    ("i would like to know about kubernetes", "kubernetes"),
])
async def test_wanting_to_know_about_a_thing_asks_about_it(
        bot: Bot, store: MemoryStore, text: str, topic: str) -> None:
    reply = await say(bot, text)
    assert (reply.intent, reply.topic) == ("topic", topic), reply.text
    assert not (await say(bot, "/mydata")).text.count("Kubernetes, ")


async def test_turning_them_off_stops_the_alerts_and_is_no_verdict_on_a_list(
        bot: Bot, store: MemoryStore) -> None:
    await say(bot, "subscribe me to job alerts")
    assert store.subscriptions
    reply = await say(bot, "enough with the alerts, turn them off")
    assert reply.intent == "unsubscribe" and not store.subscriptions, reply.text
    assert not says_none_fit("turn them off") and says_none_fit("these are all off")


@pytest.mark.parametrize("text", ["source?", "where did you get this from?", "any links?"])
async def test_asking_for_the_source_gives_the_topics_reading_list(bot: Bot, kb: KnowledgeBase,
                                                                  text: str) -> None:
    await say(bot, "what is CI/CD")
    reply = await say(bot, text)
    assert (reply.intent, reply.topic) == ("more", "ci-cd"), reply.text
    assert all(r.url in reply.text for r in kb.topics["ci-cd"].resources), reply.text
    assert "own notes" in reply.text and DECLINED not in reply.text


async def test_the_reading_list_goes_on_to_another_subject(bot: Bot, kb: KnowledgeBase) -> None:
    await say(bot, "what is CI/CD")
    await say(bot, "any links?")
    reply = await say(bot, "and for docker?")
    assert (reply.intent, reply.topic) == ("more", "docker"), reply.text
    assert kb.topics["docker"].resources[0].url in reply.text


async def test_asking_for_resources_on_a_subject_of_its_own_is_no_follow_up(bot: Bot) -> None:
    await say(bot, "what is CI/CD")
    reply = await say(bot, "any good resources to learn kubernetes?")
    assert reply.topic == "kubernetes", (reply.intent, reply.topic)


async def test_a_question_word_with_a_letter_dropped_still_asks_for_help(bot: Bot) -> None:
    reply = await say(bot, "wht can you do")
    assert reply.intent == "help", reply.text


async def test_taking_back_alerts_on_second_thought_unsubscribes(bot: Bot, store: MemoryStore) -> None:
    await say(bot, "send me alerts when new python jobs appear")
    assert store.subscriptions
    reply = await say(bot, "hmm on second thought stop them")
    assert reply.intent == "unsubscribe" and not store.subscriptions, reply.text


@pytest.mark.parametrize("text", ["how do I connect two data sources", "what are symbolic links"])
async def test_sources_and_links_as_subjects_are_no_request_for_reading(bot: Bot, text: str) -> None:
    await say(bot, "what is docker")
    reply = await say(bot, text)
    assert "Further reading on Docker" not in reply.text, reply.text


async def test_laughing_at_what_someone_else_says_is_a_remark_not_a_question(bot: Bot) -> None:
    await say(bot, "how do I prepare for a system design interview")
    aside = await say(bot, "lol my teammate says just draw boxes")
    assert aside.intent == "fallback" and DECLINED not in aside.text and aside.topic is None, aside.text
    asked = await say(bot, "lol my boss says I should learn kubernetes, should I?")
    assert asked.topic == "kubernetes", (asked.intent, asked.text)
