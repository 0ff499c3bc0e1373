"""Platform-neutral message and reply types exchanged with the dialogue core."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from bot.markup import Block, Bold, BulletList, Link, Paragraph, Span, Text, to_plain

MAX_ACTION_BYTES = 64


class ChatType(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True, kw_only=True, slots=True)
class Message:
    """One thing a person said or pressed, already translated by an adapter."""

    platform: str
    user_id: str
    chat_id: str
    text: str = ""
    action: str | None = None
    display_name: str | None = None
    chat_type: ChatType = ChatType.PRIVATE
    event_id: str | None = None
    chat_admin: bool = False
    # How commands are typed on this front end: "/" in Telegram and the terminal,
    # "/careerbot " in Slack, where apps get one slash command.
    command_prefix: str = "/"

    @property
    def user_key(self) -> tuple[str, str]:
        return (self.platform, self.user_id)


@dataclass(frozen=True, kw_only=True, slots=True)
class Button:
    label: str
    action: str

    def __post_init__(self) -> None:
        # Telegram's callback_data limit is the tightest of our platforms.
        if len(self.action.encode()) > MAX_ACTION_BYTES:
            raise ValueError(f"button action longer than {MAX_ACTION_BYTES} bytes: {self.action!r}")


@dataclass(frozen=True, kw_only=True, slots=True)
class SkillGap:
    skill: str
    topic: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class OpeningCard:
    title: str
    company: str
    url: str
    # Which feed record this is, so a front end or an evaluation can name it exactly.
    source: str = ""
    external_id: str = ""
    location: str = ""
    remote: str = "unknown"
    level: str | None = None
    matched_skills: tuple[str, ...] = ()
    missing_skills: tuple[SkillGap, ...] = ()
    score: float | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Reply:
    """What the core wants said; adapters render blocks, buttons and cards natively."""

    blocks: tuple[Block, ...]
    buttons: tuple[Button, ...] = ()
    cards: tuple[OpeningCard, ...] = ()
    intent: str = "fallback"
    topic: str | None = None
    confidence: float = 0.0
    suggestions: tuple[str, ...] = ()
    # Replies meant only for the asker (Slack ephemerals, group privacy).
    private: bool = False

    @property
    def text(self) -> str:
        return to_plain(self.blocks)


# --- replies as JSON-ready data: the inbox keeps an answer until it is delivered --------------

def _span_data(span: Span) -> list[str]:
    if isinstance(span, Link):
        return ["l", span.text, span.url]
    return ["b" if isinstance(span, Bold) else "t", span.text]


def _span(data: Sequence[str]) -> Span:
    kind = data[0]
    if kind == "l":
        return Link(data[1], data[2])
    return Bold(data[1]) if kind == "b" else Text(data[1])


def _block_data(block: Block) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"p": [_span_data(s) for s in block.spans]}
    return {"ul": [[_span_data(s) for s in item] for item in block.items]}


def _block(data: dict[str, Any]) -> Block:
    if "p" in data:
        return Paragraph(tuple(_span(s) for s in data["p"]))
    return BulletList(tuple(tuple(_span(s) for s in item) for item in data["ul"]))


def replies_to_data(replies: Sequence[Reply]) -> list[dict[str, Any]]:
    """Replies as lists, dicts and scalars (for a JSON column); replies_from_data reverses it."""
    return [{
        "blocks": [_block_data(b) for b in r.blocks],
        "buttons": [[b.label, b.action] for b in r.buttons],
        "cards": [asdict(c) for c in r.cards],
        "intent": r.intent, "topic": r.topic, "confidence": r.confidence,
        "suggestions": list(r.suggestions), "private": r.private,
    } for r in replies]


def replies_from_data(data: Sequence[dict[str, Any]]) -> list[Reply]:
    return [Reply(
        blocks=tuple(_block(b) for b in d["blocks"]),
        buttons=tuple(Button(label=label, action=action) for label, action in d["buttons"]),
        cards=tuple(OpeningCard(**{
            **c, "matched_skills": tuple(c["matched_skills"]),
            "missing_skills": tuple(SkillGap(**g) for g in c["missing_skills"])})
            for c in d["cards"]),
        intent=d["intent"], topic=d["topic"], confidence=d["confidence"],
        suggestions=tuple(d["suggestions"]), private=d["private"],
    ) for d in data]
