"""The cascade: messages whose words settle them are answered without the model, and the same."""

from __future__ import annotations

import pytest

from adapters.bootstrap import build_bot
from bot.dialogue import Bot
from bot.encoder import OnnxEncoder
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.memory import MemoryStore
from bot.messages import Message, Reply
from tests.fakes.encoders import CountingEncoder


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return load_knowledge(None)


def bot_with(kb: KnowledgeBase, encoder: CountingEncoder, *, cascade: bool) -> Bot:
    bot = build_bot(kb, MemoryStore(list(kb.openings)).uow, encoder=encoder)
    if not cascade:
        bot.cascade = frozenset()
    encoder.encoded.clear()
    return bot


async def say(bot: Bot, text: str, user: str = "u1") -> Reply:
    return (await bot.handle(Message(platform="console", user_id=user, chat_id=user, text=text)))[0]


def seen(reply: Reply) -> tuple[object, ...]:
    return reply.intent, reply.topic, reply.text, tuple(b.label for b in reply.buttons)


@pytest.mark.parametrize("text", ["what is kubernetes?", "explain docker", "tell me about docker"])
async def test_a_question_naming_only_its_topic_needs_no_model_and_gets_the_same_page(
        shipped: KnowledgeBase, encoder: OnnxEncoder, text: str) -> None:
    counting = CountingEncoder(encoder)
    reference = await say(bot_with(shipped, counting, cascade=False), text)
    assert counting.encoded == [text]  # read for intents, without the cascade
    cascading = bot_with(shipped, counting, cascade=True)
    assert seen(await say(cascading, text)) == seen(reference)
    assert reference.intent == "topic" and counting.encoded == []


async def test_a_specific_question_is_still_answered_by_meaning(shipped: KnowledgeBase,
                                                                encoder: OnnxEncoder) -> None:
    counting = CountingEncoder(encoder)
    bot = bot_with(shipped, counting, cascade=True)
    text = "how do kubernetes pods and services work"
    assert (await say(bot, text)).topic == "kubernetes"
    assert counting.encoded == [text]  # the passage to show is chosen by meaning


async def test_with_a_topic_on_screen_the_words_settle_nothing(shipped: KnowledgeBase,
                                                               encoder: OnnxEncoder) -> None:
    counting = CountingEncoder(encoder)
    bot = bot_with(shipped, counting, cascade=True)
    await say(bot, "what is docker?")
    assert counting.encoded == []
    # "what is kubernetes?" right after may be read against what is on screen: meaning is read
    await say(bot, "what is kubernetes?")
    assert counting.encoded == ["what is kubernetes?"]


async def test_a_cue_keeps_the_meaning_read(shipped: KnowledgeBase, encoder: OnnxEncoder) -> None:
    counting = CountingEncoder(encoder)
    bot = bot_with(shipped, counting, cascade=True)
    text = "help me understand kubernetes"  # "help" first: a cue that is not sure
    await say(bot, text)
    assert counting.encoded == [text]
