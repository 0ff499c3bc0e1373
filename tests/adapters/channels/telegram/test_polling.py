"""The real Application long-polling a fake Bot API over HTTP: what the bot sends back."""

from __future__ import annotations

import logging
from typing import Any

from adapters.channels.telegram.app import COMMANDS
from tests.adapters.channels.telegram.conftest import settle, telegram
from tests.fakes import telegram_updates as f
from tests.fakes.telegram_api import FakeBotApi, parse_html


async def deliver(app: Any, fake: FakeBotApi, *updates: dict[str, Any]) -> None:
    for update in updates:
        await fake.queue_update(update)
    await settle(app, fake, max(u["update_id"] for u in updates))


def buttons(sent: dict[str, Any]) -> list[dict[str, Any]]:
    markup = sent.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


async def test_start_publishes_commands_and_greets(polling: Any, fake: FakeBotApi) -> None:
    commands = fake.of("setMyCommands")[0].params["commands"]
    assert [c["command"] for c in commands] == [c for c, _ in COMMANDS]
    assert all(0 < len(c["description"]) <= 256 for c in commands)
    assert fake.of("getMe") and fake.of("deleteWebhook")

    await deliver(polling, fake, f.message_update("/start"))

    [sent] = fake.sent
    assert sent["chat_id"] == 4242
    assert sent["parse_mode"] == "HTML"
    assert parse_html(sent["text"]).startswith("Hi Ada!")
    assert "Lovelace" not in sent["text"]  # first name only
    assert {b["callback_data"] for b in buttons(sent)} >= {"cmd:topics", "t:getting-started"}
    assert "reply_parameters" not in sent  # private chats are not quoted


async def test_start_deep_link_opens_the_topic(polling: Any, fake: FakeBotApi) -> None:
    await deliver(polling, fake, f.message_update("/start topic-graphql"))
    [sent] = fake.sent
    assert sent["text"].startswith("<b>GraphQL</b>")


async def test_question_answered_with_buttons(polling: Any, fake: FakeBotApi) -> None:
    await deliver(polling, fake, f.message_update("what is docker?"))
    [sent] = fake.sent
    assert sent["text"].startswith("<b>Docker and containers</b>")
    assert "• build with a Dockerfile" in sent["text"]
    data = [b["callback_data"] for b in buttons(sent)]
    assert data[:2] == ["more:docker", "ex:docker"]
    assert "t:graphql" in data and "fb:docker:y" in data
    assert all(len(d.encode()) <= 64 for d in data)


async def test_button_press_is_answered_and_routed(polling: Any, fake: FakeBotApi) -> None:
    await deliver(polling, fake, f.callback_update("t:graphql"))
    [answered] = fake.of("answerCallbackQuery")
    assert answered.params["callback_query_id"].startswith("cbq-")
    [sent] = fake.sent
    assert sent["chat_id"] == 4242
    assert sent["text"].startswith("<b>GraphQL</b>")


async def test_long_answer_is_split_in_two(polling: Any, fake: FakeBotApi) -> None:
    await deliver(polling, fake, f.message_update("/ask what career paths exist?"))
    first, second = fake.sent
    assert first["text"].startswith("<b>Career paths</b>")
    assert all(len(parse_html(s["text"])) <= 4096 for s in (first, second))
    # Split between paragraphs, and only the last message carries the buttons.
    assert first["text"].endswith("message. ") or first["text"].endswith("message.")
    assert "reply_markup" not in first
    assert any(b["callback_data"] == "more:career-paths" for b in buttons(second))


async def test_group_chatter_without_mention_is_ignored(polling: Any, fake: FakeBotApi) -> None:
    chat = f.group_chat()
    await deliver(polling, fake, f.message_update("what is docker?", chat=chat),
                  f.message_update("anyone used graphql at work?", chat=chat))
    assert fake.sent == []


async def test_group_mention_is_answered_as_a_reply(polling: Any, fake: FakeBotApi) -> None:
    chat = f.group_chat()
    update = f.message_update(f"@{fake.username} what is graphql?", chat=chat)
    await deliver(polling, fake, update)
    [sent] = fake.sent
    assert sent["chat_id"] == f.GROUP_ID
    assert sent["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert sent["text"].startswith("<b>GraphQL</b>")


async def test_group_reply_to_the_bot_is_answered(polling: Any, fake: FakeBotApi) -> None:
    chat = f.group_chat()
    earlier = f.bot_message(fake.bot_user, chat, "GraphQL is …")
    await deliver(polling, fake, f.message_update("what is docker?", chat=chat, reply_to=earlier))
    [sent] = fake.sent
    assert sent["text"].startswith("<b>Docker and containers</b>")


async def test_group_command_addressed_to_the_bot(polling: Any, fake: FakeBotApi) -> None:
    chat = f.group_chat()
    mine = f.message_update(f"/ask@{fake.username} what is docker?", chat=chat)
    other = f.message_update("/ask@some_other_bot what is docker?", chat=chat)
    await deliver(polling, fake, mine, other)
    [sent] = fake.sent
    assert sent["reply_parameters"]["message_id"] == mine["message"]["message_id"]
    assert sent["text"].startswith("<b>Docker and containers</b>")


async def test_markup_in_names_and_answers_is_escaped(polling: Any, fake: FakeBotApi) -> None:
    person = f.user(uid=5151, first_name="<b>Tom&Jerry</b>", last_name="")
    await deliver(polling, fake, f.message_update("/start", sender=person),
                  f.message_update("what is docker?",
                                   sender=person))
    greeting, answer = fake.sent  # the fake refuses HTML that Telegram would refuse
    assert greeting["text"].startswith("Hi &lt;b&gt;Tom&amp;Jerry&lt;/b&gt;!")
    assert parse_html(greeting["text"]).startswith("Hi <b>Tom&Jerry</b>!")
    assert "image; a container" in answer["text"]
    assert "&amp; its dependencies" in answer["text"] and "layers &lt; 100 MB" in answer["text"]


async def test_updates_without_text_are_ignored(polling: Any, fake: FakeBotApi) -> None:
    newcomer = f.user(uid=999, first_name="Newbie")
    await deliver(polling, fake, f.sticker_update(), f.join_update(newcomer, f.group_chat()),
                  f.edited_update("what is docker?"), f.channel_post_update("what is docker?"),
                  f.poll_update())
    assert fake.sent == []
    assert not fake.of("sendMessage", ok_only=False)


async def test_retry_after_is_waited_and_sent_once(polling: Any, fake: FakeBotApi) -> None:
    fake.answer_429_once(retry_after=1)
    await deliver(polling, fake, f.message_update("what is graphql?"))
    attempts = fake.of("sendMessage", ok_only=False)
    assert [c.status for c in attempts] == [429, 200]
    assert len(fake.sent) == 1 and fake.sent[0]["text"].startswith("<b>GraphQL</b>")


async def test_same_update_twice_is_answered_once(polling: Any, fake: FakeBotApi) -> None:
    update = f.message_update("what is graphql?")
    await deliver(polling, fake, update, update)
    assert len(fake.sent) == 1


async def test_a_failing_update_gets_an_apology(polling: Any, fake: FakeBotApi) -> None:
    fake.fail_next("sendMessage", 400, "Bad Request: chat not found")
    await deliver(polling, fake, f.message_update("what is graphql?"))
    [apology] = fake.sent
    assert apology["text"].startswith("Sorry, something went wrong")
    # The bot keeps going.
    await deliver(polling, fake, f.message_update("what is docker?"))
    assert fake.sent[-1]["text"].startswith("<b>Docker and containers</b>")


async def test_private_reply_in_a_group_goes_to_the_private_chat(
    polling: Any, fake: FakeBotApi
) -> None:
    chat = f.group_chat()
    await deliver(polling, fake, f.message_update("/forget", chat=chat))
    [sent] = fake.sent
    assert sent["chat_id"] == 4242
    assert {b["callback_data"] for b in buttons(sent)} == {"forget:yes", "forget:no"}

    fake.forbidden_chats.add(5252)
    stranger = f.user(uid=5252, first_name="Bo")
    update = f.message_update("/forget", chat=chat, sender=stranger)
    await deliver(polling, fake, update)
    hint = fake.sent[-1]
    assert hint["chat_id"] == f.GROUP_ID
    assert buttons(hint)[0]["url"] == f"https://t.me/{fake.username}"


async def test_the_token_never_reaches_the_logs(
    runtime: Any, fake: FakeBotApi, caplog: Any
) -> None:
    from adapters.channels.telegram.polling import polling

    caplog.set_level(logging.DEBUG)
    application = telegram(runtime).application(runtime.bot, webhook=False)
    async with polling(application, poll_timeout=1):
        fake.fail_next("sendMessage", 400, "Bad Request: chat not found")
        await deliver(application, fake, f.message_update("what is graphql?"))
    assert "/sendMessage" in caplog.text  # httpx did log the request URLs …
    assert fake.token not in caplog.text  # … without the token
    assert "bot[redacted]/" in caplog.text


async def test_forum_topic_answers_stay_in_the_topic(polling: Any, fake: FakeBotApi) -> None:
    chat = {**f.group_chat(), "is_forum": True}
    update = f.message_update("/ask what is docker?", chat=chat, message_thread_id=77,
                              is_topic_message=True)
    await deliver(polling, fake, update, f.callback_update("t:graphql", chat=chat))
    answer, pressed = fake.sent
    assert answer["message_thread_id"] == "77"
    assert "message_thread_id" not in pressed  # the button's message was in the General topic


async def test_group_digest_is_for_the_groups_admins(polling: Any, fake: FakeBotApi) -> None:
    chat = f.group_chat()
    admin, member = f.user(uid=7001, first_name="Grace"), f.user(uid=7002, first_name="Linus")
    fake.chat_admins[f.GROUP_ID] = (7001,)
    await deliver(polling, fake, f.message_update(f"/digest@{fake.username} weekly", chat=chat,
                                                  sender=member))
    await deliver(polling, fake, f.message_update(f"/digest@{fake.username} weekly", chat=chat,
                                                  sender=admin))
    refused, accepted = fake.sent
    assert "admin" in refused["text"].lower() and "weekly" not in refused["text"].lower()
    assert "weekly" in accepted["text"].lower()
    # Asked once for the group, then remembered.
    assert len(fake.of("getChatAdministrators")) == 1
