"""`careerbot chat --json`: one conversation as JSON lines, a turn in and one object out per line."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from typing import Any, TextIO

from adapters.channels.console.convert import PLATFORM
from bot.dialogue import Bot
from bot.messages import Button, Message, OpeningCard, Reply
from bot.ports import Profile, RemotePreference, StorageUnavailable

# The profile's remote wish as the JSON contract spells it.
_REMOTE = {
    RemotePreference.REMOTE: "yes",
    RemotePreference.ONSITE: "no",
    RemotePreference.HYBRID: "hybrid",
    RemotePreference.ANY: "any",
}


def to_message(line: str, buttons: list[Button], *, user_id: str) -> Message:
    """A line of input: plain text, {"text": ...}, or {"press": LABEL} for the previous turn's button.

    Anything that is not one of those objects (a garbled one included) is read as plain text, so a
    line always becomes exactly one message.
    """
    text = line.rstrip("\r\n")
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, dict):
            press = data.get("press")
            if isinstance(press, str):
                button = _button(buttons, press)
                if button is not None:
                    return Message(platform=PLATFORM, user_id=user_id, chat_id=user_id,
                                   text=button.label, action=button.action)
                text = press  # a label that is not on screen is what the person typed
            elif isinstance(data.get("text"), str):
                text = data["text"]
    return Message(platform=PLATFORM, user_id=user_id, chat_id=user_id, text=text)


def _button(buttons: list[Button], label: str) -> Button | None:
    wanted = label.strip().casefold()
    exact = next((b for b in buttons if b.label.casefold() == wanted), None)
    return exact or next((b for b in buttons if wanted and wanted in b.label.casefold()), None)


def _opening(card: OpeningCard) -> dict[str, Any]:
    return {
        "source": card.source, "external_id": card.external_id, "title": card.title,
        "company": card.company, "location": card.location, "remote": card.remote,
        "level": card.level, "matched_skills": list(card.matched_skills),
        "missing_skills": [gap.skill for gap in card.missing_skills],
    }


def profile_json(profile: Profile | None) -> dict[str, Any]:
    if profile is None:
        return {"skills": [], "level": None, "remote": None, "locations": [], "years": None}
    level = profile.seniority  # the level given, else the one the years suggest
    return {
        "skills": list(profile.skills),
        "level": level.value if level else None,
        "remote": _REMOTE[profile.remote],
        "locations": list(profile.locations),
        "years": profile.years,
    }


def render(replies: list[Reply], profile: Profile | None) -> dict[str, Any]:
    """One turn as the JSON contract has it (all of the turn's messages joined)."""
    first = replies[0] if replies else Reply(blocks=(), intent="fallback")
    return {
        "intent": first.intent,
        "topic": first.topic,
        "confidence": round(first.confidence, 3),
        "text": "\n\n".join(r.text for r in replies),
        "suggestions": list(dict.fromkeys(s for r in replies for s in r.suggestions)),
        "buttons": [b.label for r in replies for b in r.buttons],
        "openings": [_opening(c) for r in replies for c in r.cards],
        "profile": profile_json(profile),
    }


async def profile_of(bot: Bot, user_id: str) -> Profile | None:
    if bot.uow_factory is None:
        return None
    try:
        async with bot.uow_factory() as uow:
            return await uow.profiles.get(PLATFORM, user_id)
    except StorageUnavailable:
        return None


async def run_json_chat(bot: Bot, *, user_id: str, stdin: TextIO = sys.stdin,
                        write: Callable[[str], None] = print) -> None:
    """Answer each line of stdin with one JSON object, until the input ends."""
    buttons: list[Button] = []
    while True:
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        replies = await bot.handle(to_message(line, buttons, user_id=user_id))
        buttons = [b for r in replies for b in r.buttons]
        # ensure_ascii keeps every line valid UTF-8 JSON whatever the text holds.
        write(json.dumps(render(replies, await profile_of(bot, user_id)), ensure_ascii=True))
