"""Realistic Bot API update payloads, shaped like what Telegram sends (cf. PTB's test helpers)."""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

_update_ids = itertools.count(500_000)
_message_ids = itertools.count(1)

GROUP_ID = -1001234567890


def next_update_id() -> int:
    return next(_update_ids)


def user(uid: int = 4242, first_name: str = "Ada", last_name: str = "Lovelace",
         username: str | None = "ada") -> dict[str, Any]:
    out: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name,
                           "last_name": last_name, "language_code": "en"}
    if username:
        out["username"] = username
    return out


def private_chat(person: dict[str, Any]) -> dict[str, Any]:
    return {"id": person["id"], "type": "private", "first_name": person["first_name"],
            "username": person.get("username")}


def group_chat(chat_id: int = GROUP_ID, title: str = "Backend Devs") -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": title}


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def entities_for(text: str) -> list[dict[str, Any]]:
    """bot_command and mention entities with UTF-16 offsets, as Telegram computes them."""
    out: list[dict[str, Any]] = []
    m = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
    if m:
        out.append({"type": "bot_command", "offset": 0, "length": _utf16_len(m.group())})
    for m in re.finditer(r"(?<![\w@])@[A-Za-z0-9_]{5,32}", text):
        out.append({"type": "mention", "offset": _utf16_len(text[:m.start()]),
                    "length": _utf16_len(m.group())})
    return out


def message(text: str | None = None, *, sender: dict[str, Any] | None = None,
            chat: dict[str, Any] | None = None, reply_to: dict[str, Any] | None = None,
            **extra: Any) -> dict[str, Any]:
    sender = sender or user()
    msg: dict[str, Any] = {
        "message_id": next(_message_ids),
        "from": sender,
        "chat": chat or private_chat(sender),
        "date": int(time.time()),
    }
    if text is not None:
        msg["text"] = text
        ents = entities_for(text)
        if ents:
            msg["entities"] = ents
    if reply_to is not None:
        msg["reply_to_message"] = reply_to
    msg.update(extra)
    return msg


def message_update(text: str | None = None, *, update_id: int | None = None,
                   **kwargs: Any) -> dict[str, Any]:
    return {"update_id": update_id or next_update_id(), "message": message(text, **kwargs)}


def sticker_update(**kwargs: Any) -> dict[str, Any]:
    sticker = {"file_id": "CAACAgIAAxkBAAIB", "file_unique_id": "AgADBAAD", "type": "regular",
               "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}
    return message_update(None, sticker=sticker, **kwargs)


def join_update(newcomer: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
    return message_update(None, sender=newcomer, chat=chat, new_chat_members=[newcomer])


def edited_update(text: str) -> dict[str, Any]:
    msg = message(text)
    msg["edit_date"] = msg["date"] + 5
    return {"update_id": next_update_id(), "edited_message": msg}


def channel_post_update(text: str) -> dict[str, Any]:
    chat = {"id": -1009876543210, "type": "channel", "title": "News"}
    return {"update_id": next_update_id(),
            "channel_post": {"message_id": next(_message_ids), "chat": chat,
                             "date": int(time.time()), "text": text}}


def poll_update() -> dict[str, Any]:
    return {"update_id": next_update_id(), "poll": {
        "id": "5432", "question": "Tabs or spaces?", "options": [
            {"persistent_id": "o1", "text": "tabs", "voter_count": 1},
            {"persistent_id": "o2", "text": "spaces", "voter_count": 2}],
        "total_voter_count": 3, "is_closed": False, "is_anonymous": True, "type": "regular",
        "allows_multiple_answers": False, "allows_revoting": True,
        "members_only": False}}


def bot_message(bot_user: dict[str, Any], chat: dict[str, Any], text: str) -> dict[str, Any]:
    """A message the bot sent earlier, as it appears inside reply_to_message."""
    return {"message_id": next(_message_ids), "from": bot_user, "chat": chat,
            "date": int(time.time()), "text": text}


def callback_update(data: str, *, sender: dict[str, Any] | None = None,
                    chat: dict[str, Any] | None = None, bot_user: dict[str, Any] | None = None,
                    update_id: int | None = None) -> dict[str, Any]:
    sender = sender or user()
    chat = chat or private_chat(sender)
    origin = bot_message(bot_user or {"id": 777000, "is_bot": True, "first_name": "careerbot"},
                         chat, "an earlier answer")
    return {"update_id": update_id or next_update_id(), "callback_query": {
        "id": f"cbq-{next(_message_ids)}", "from": sender, "message": origin,
        "chat_instance": "-4242", "data": data}}
