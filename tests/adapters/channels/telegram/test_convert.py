"""Update → Message: what reaches the core, and what is left alone."""

from __future__ import annotations

from typing import Any

from telegram import Update

from adapters.channels.telegram.convert import to_message
from bot.messages import ChatType
from tests.fakes import telegram_updates as f

BOT = "careerbot_test_bot"
BOT_USER = {"id": 777000, "is_bot": True, "first_name": "careerbot", "username": BOT}


def convert(payload: dict[str, Any]) -> Any:
    return to_message(Update.de_json(payload, None), bot_username=BOT)


def test_private_text() -> None:
    payload = f.message_update("what is docker?")
    msg = convert(payload)
    assert (msg.platform, msg.user_id, msg.chat_id, msg.text) == ("telegram", "4242", "4242",
                                                                    "what is docker?")
    assert msg.chat_type is ChatType.PRIVATE
    assert msg.display_name == "Ada"
    assert msg.event_id == f"tg:{payload['update_id']}"


def test_group_messages_need_to_be_addressed() -> None:
    chat = f.group_chat()
    assert convert(f.message_update("what is docker?", chat=chat)) is None
    assert convert(f.message_update("mail me at a@careerbot_test_bot.org", chat=chat)) is None
    msg = convert(f.message_update(f"hey @{BOT.upper()}, what is docker?", chat=chat))
    assert msg.text == "hey what is docker?"
    assert msg.chat_type is ChatType.GROUP and msg.chat_id == str(f.GROUP_ID)
    assert convert(f.message_update(f"@{BOT}", chat=chat)).text == ""


def test_group_reply_to_the_bot_but_not_to_others() -> None:
    chat = f.group_chat()
    mine = f.bot_message(BOT_USER, chat, "an answer")
    other = f.bot_message({**BOT_USER, "id": 1, "username": "other_bot"}, chat, "x")
    assert convert(f.message_update("and kubernetes?", chat=chat, reply_to=mine)).text == \
        "and kubernetes?"
    assert convert(f.message_update("and kubernetes?", chat=chat, reply_to=other)) is None


def test_commands_addressed_to_this_bot_or_to_nobody() -> None:
    chat = f.group_chat()
    assert convert(f.message_update(f"/ask@{BOT} what is docker?", chat=chat)).text == \
        "/ask what is docker?"
    assert convert(f.message_update("/topics", chat=chat)).text == "/topics"
    assert convert(f.message_update("/ask@other_bot what is docker?", chat=chat)) is None
    assert convert(f.message_update("/start@other_bot")) is None
    assert convert(f.message_update(f"/start@{BOT} topic-graphql")).text == "/start topic-graphql"


def test_callback_query_is_an_action() -> None:
    msg = convert(f.callback_update("t:graphql", chat=f.group_chat()))
    assert msg.action == "t:graphql" and msg.text == ""
    assert msg.chat_type is ChatType.GROUP and msg.user_id == "4242"


def test_updates_without_text_are_none() -> None:
    person = f.user(uid=9)
    for payload in (f.sticker_update(), f.join_update(person, f.group_chat()),
                    f.edited_update("what is docker?"), f.channel_post_update("hello"),
                    f.poll_update(), f.message_update("hi", sender={**BOT_USER, "id": 5})):
        assert convert(payload) is None, payload
