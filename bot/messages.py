"""Platform-neutral message and reply types exchanged with the dialogue core."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.markup import Block, to_plain

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
