"""The dialogue core over in-memory repositories: routing, follow-ups, privacy, resilience."""

from __future__ import annotations

import dataclasses

import pytest

from bot.dialogue import Bot
from bot.memory import MemoryStore
from bot.messages import ChatType, Reply
from bot.ports import ChatKey, StaleState
from tests.factories import message


async def say(bot: Bot, text: str = "", **kw: object) -> list[Reply]:
    return await bot.handle(message(text, **kw))  # type: ignore[arg-type]


async def test_greeting_and_start_buttons(bot: Bot) -> None:
    (reply,) = await say(bot, "hey")
    assert reply.intent == "greeting"
    assert any(b.action == "cmd:topics" for b in reply.buttons)


async def test_topic_answer_has_follow_up_buttons(bot: Bot) -> None:
    (reply,) = await say(bot, "what is a relational database?")
    assert (reply.intent, reply.topic) == ("topic", "sql-databases")
    actions = [b.action for b in reply.buttons]
    assert "more:sql-databases" in actions and "ex:sql-databases" in actions
    assert "t:nosql-databases" in actions
    assert "fb:sql-databases:y" in actions
    assert 0.5 <= reply.confidence <= 1


async def test_tell_me_more_and_example_use_the_last_topic(bot: Bot) -> None:
    await say(bot, "how do sql joins work")
    (more,) = await say(bot, "tell me more")
    assert (more.intent, more.topic) == ("more", "sql-databases")
    assert "More detail about sql-databases" in more.text
    (ex,) = await say(bot, "example?")
    assert ex.topic == "sql-databases" and "An example of sql-databases" in ex.text


async def test_what_about_follow_up_switches_topic(bot: Bot) -> None:
    await say(bot, "what is postgres")
    (reply,) = await say(bot, "what about NoSQL?")
    assert reply.topic == "nosql-databases"


async def test_more_without_context_asks_what(bot: Bot) -> None:
    (reply,) = await say(bot, "/more")
    assert reply.intent == "more" and reply.topic is None


async def test_button_press_opens_related_topic(bot: Bot) -> None:
    (reply,) = await say(bot, "Kubernetes", action="t:kubernetes")
    assert (reply.intent, reply.topic, reply.confidence) == ("topic", "kubernetes", 1.0)


async def test_typo_is_tolerated(bot: Bot) -> None:
    (reply,) = await say(bot, "kubernets")
    assert reply.topic == "kubernetes"


async def test_out_of_scope_is_declined_and_recorded(bot: Bot, store: MemoryStore) -> None:
    (reply,) = await say(bot, "how do I make pancakes")
    assert reply.intent == "fallback" and reply.topic is None
    [(asker, text)] = store.unanswered
    assert text == "how do i make pancakes" and len(asker) == 64 and "u1" not in asker


async def test_commands(bot: Bot) -> None:
    (help_,) = await say(bot, "/help")
    assert help_.intent == "help"
    (topics,) = await say(bot, "/topics")
    assert topics.intent == "topics" and "Data" in topics.text
    (ask,) = await say(bot, "/ask what is docker")
    assert ask.topic == "docker"
    (deep,) = await say(bot, "/start topic-kubernetes")
    assert deep.topic == "kubernetes"
    (jobs,) = await say(bot, "/jobs")
    assert jobs.intent == "openings" and jobs.cards[0].company == "Stripe"


async def test_unknown_command_says_what_is_expected(bot: Bot) -> None:
    (reply,) = await say(bot, "/frobnicate now")
    assert "/frobnicate" in reply.text and "/help" in reply.text


async def test_command_addressed_to_another_bot_is_ignored(small_kb: object) -> None:
    from adapters.bootstrap import build_bot

    b = build_bot(small_kb, MemoryStore().uow, bot_names=("careerbot",))  # type: ignore[arg-type]
    assert await say(b, "/help@otherbot") == []
    assert (await say(b, "/help@CareerBot"))[0].intent == "help"


@pytest.mark.parametrize("text", ["", " ", "🙂" * 50, "<b>&amp;</b> **x** [a](javascript:x)",
                                  "a" * 100_000, "word " * 20_000])
async def test_any_text_gets_a_sane_reply(bot: Bot, text: str) -> None:
    replies = await say(bot, text)
    assert replies and all(r.blocks for r in replies)
    assert all(len(r.text) < 5000 for r in replies)


async def test_feedback_is_stored(bot: Bot, store: MemoryStore) -> None:
    await say(bot, "what is docker")
    (reply,) = await say(bot, "x", action="fb:docker:n")
    assert reply.intent == "feedback"
    assert [(f[2], f[3]) for f in store.feedback] == [("docker", False)]


async def test_not_helpful_keeps_the_question_it_was_given_on(bot: Bot, store: MemoryStore) -> None:
    await say(bot, "Why use CONTAINERS?")
    await say(bot, "x", action="fb:docker:n")
    await say(bot, "what is docker")
    await say(bot, "x", action="fb:docker:y")  # a helpful rating keeps no question
    await say(bot, "What does Kubernetes do")
    await say(bot, "that was not helpful")  # in words, on the answer just given
    assert [(f[2], f[3], f[5]) for f in store.feedback] == [
        ("docker", False, "why use containers"), ("docker", True, None),
        ("kubernetes", False, "what does kubernetes do")]
    (mine,) = await say(bot, "/mydata")
    assert '"question": "why use containers"' in mine.text  # with the rating


async def test_a_rating_after_a_button_press_or_of_another_topic_keeps_no_question(
        bot: Bot, store: MemoryStore) -> None:
    await say(bot, "what is docker")
    await say(bot, "x", action="t:kubernetes")  # a button asks nothing
    await say(bot, "x", action="fb:kubernetes:n")
    await say(bot, "x", action="fb:docker:n")  # a button under an older answer
    assert [(f[2], f[5]) for f in store.feedback] == [("kubernetes", None), ("docker", None)]


async def test_forget_asks_then_deletes_everything(bot: Bot, store: MemoryStore) -> None:
    await say(bot, "what is docker")
    await say(bot, "x", action="fb:docker:n")
    assert store.feedback[0][5] == "what is docker"
    (ask,) = await say(bot, "/forget")
    assert ask.intent == "forget" and {b.action for b in ask.buttons} == {"forget:yes", "forget:no"}
    (no,) = await say(bot, "no")
    assert "nothing was deleted" in no.text
    assert store.users and store.feedback
    await say(bot, "delete my data")
    (done,) = await say(bot, "yes")
    assert "deleted" in done.text
    assert not store.users and not store.feedback and not store.conversations


async def test_asking_whether_data_can_be_deleted_later_deletes_nothing(
        bot: Bot, store: MemoryStore) -> None:
    await say(bot, "I know python")
    (info,) = await say(bot, "can I delete my data later?")
    assert info.intent == "forget" and "/forget" in info.text
    assert [b.action for b in info.buttons] == ["forget:ask"]
    (ok,) = await say(bot, "ok")  # agreeing to the explanation is no confirmation
    assert ok.intent != "forget" and store.users
    (shown,) = await say(bot, "/mydata")
    assert "python" in shown.text.lower()
    (ask,) = await say(bot, "x", action="forget:ask")
    assert {b.action for b in ask.buttons} == {"forget:yes", "forget:no"}
    (done,) = await say(bot, "ok")
    assert "deleted" in done.text and not store.users


async def test_mydata_shows_what_is_stored(bot: Bot) -> None:
    await say(bot, "what is docker")
    (reply,) = await say(bot, "/mydata")
    assert reply.intent == "mydata" and "last_topic" in reply.text and "docker" in reply.text


async def test_duplicate_event_is_answered_once(bot: Bot) -> None:
    first = await say(bot, "what is docker", event_id="e1")
    second = await say(bot, "what is docker", event_id="e1")
    assert first and second == []


async def test_database_down_still_answers_then_recovers(bot: Bot, store: MemoryStore) -> None:
    store.available = False
    (reply,) = await say(bot, "what is docker")
    assert reply.topic == "docker"
    replies = await say(bot, "what is kubernetes")
    assert replies[0].topic == "kubernetes"
    store.available = True
    await say(bot, "what is docker")
    (more,) = await say(bot, "tell me more")
    assert more.topic == "docker"


async def test_lost_update_is_retried_not_lost(bot: Bot, store: MemoryStore) -> None:
    key = ChatKey(platform="console", chat_id="u1", user_id="u1")
    original = store.uow().conversations.save
    raced = {"done": False}

    async def racing_save(k: ChatKey, state):  # type: ignore[no-untyped-def]
        if not raced["done"]:
            raced["done"] = True
            # another process saves first; this save must fail and the core must redo
            await original(k, dataclasses.replace(state, last_topic="kubernetes"))
            raise StaleState("raced")
        return await original(k, state)

    class RacingUow:
        def __init__(self) -> None:
            self.inner = store.uow()
            self.inner.conversations.save = racing_save  # type: ignore[method-assign]

        async def __aenter__(self):  # type: ignore[no-untyped-def]
            return self.inner

        async def __aexit__(self, *a: object) -> None:
            return None

    bot.uow_factory = RacingUow  # type: ignore[assignment]
    (reply,) = await say(bot, "what is docker")
    assert reply.topic == "docker"
    assert store.conversations[key].last_topic == "docker"
    assert store.conversations[key].version == 2


async def test_group_replies_mention_commands_in_help(bot: Bot) -> None:
    (reply,) = await say(bot, "/help", chat_type=ChatType.GROUP, chat="g1")
    assert "mention me" in reply.text


async def test_commands_are_written_the_way_the_front_end_types_them(bot: Bot) -> None:
    from bot.messages import Message

    msg = Message(platform="slack", user_id="U1", chat_id="C1", text="/help",
                  command_prefix="/careerbot ")
    (reply,) = await bot.handle(msg)
    assert "/careerbot jobs" in reply.text and "/careerbot topics" in reply.text
    assert "/jobs" not in reply.text.replace("/careerbot jobs", "")
    (plain,) = await say(bot, "/help")
    assert "/jobs" in plain.text and "/careerbot" not in plain.text
