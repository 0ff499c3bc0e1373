"""Button actions: a typed value per kind, and the exact string each travels as."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.flows import PROFILE_FLOW, Step
from bot.messages import MAX_ACTION_BYTES
from bot.openings import Level
from bot.ports import RemotePreference

# Wire format: "kind:payload[:payload]". Buttons already sent stay in chats for months,
# so these strings never change; a new kind gets a new prefix.
_SEGMENT = re.compile(r"[^:]+")
# The longest topic id that fits every topic action ("fb:<id>:y" is the longest).
MAX_TOPIC_ID_BYTES = MAX_ACTION_BYTES - len("fb::y")
# Change numbers of UndoProfile count up to this, then start again.
MAX_CHANGE = 10**9


def _segment(value: str, what: str) -> None:
    # A payload with ':' or nothing in it would not decode back to the same value.
    if not _SEGMENT.fullmatch(value):
        raise ValueError(f"not a valid {what} for a button action: {value!r}")


@dataclass(frozen=True, kw_only=True, slots=True)
class RunCommand:
    """A button standing for a slash command: "cmd:jobs"."""

    name: str

    def __post_init__(self) -> None:
        _segment(self.name, "command")

    def encode(self) -> str:
        return f"cmd:{self.name}"


@dataclass(frozen=True, kw_only=True, slots=True)
class ShowTopic:
    """Answer a topic: "t:docker"."""

    topic_id: str

    def __post_init__(self) -> None:
        _segment(self.topic_id, "topic id")

    def encode(self) -> str:
        return f"t:{self.topic_id}"


@dataclass(frozen=True, kw_only=True, slots=True)
class TopicDetails:
    """Tell me more about a topic: "more:docker"."""

    topic_id: str

    def __post_init__(self) -> None:
        _segment(self.topic_id, "topic id")

    def encode(self) -> str:
        return f"more:{self.topic_id}"


@dataclass(frozen=True, kw_only=True, slots=True)
class TopicExample:
    """An example for a topic: "ex:docker"."""

    topic_id: str

    def __post_init__(self) -> None:
        _segment(self.topic_id, "topic id")

    def encode(self) -> str:
        return f"ex:{self.topic_id}"


@dataclass(frozen=True, kw_only=True, slots=True)
class RateTopic:
    """Helpful or not, for an answer: "fb:docker:y" / "fb:docker:n"."""

    topic_id: str
    helpful: bool

    def __post_init__(self) -> None:
        _segment(self.topic_id, "topic id")

    def encode(self) -> str:
        return f"fb:{self.topic_id}:{'y' if self.helpful else 'n'}"


@dataclass(frozen=True, kw_only=True, slots=True)
class MoreOpenings:
    """The next page of the openings on screen: "jobs:more"."""

    def encode(self) -> str:
        return "jobs:more"


class Filter(StrEnum):
    """A filter of the request on screen that a button drops."""

    MODE = "mode"
    PLACE = "place"
    LEVEL = "level"
    TERMS = "terms"


@dataclass(frozen=True, kw_only=True, slots=True)
class DropFilter:
    """The request on screen again without one of its filters: "jobs:drop:mode"."""

    what: Filter

    def encode(self) -> str:
        return f"jobs:drop:{self.what.value}"


@dataclass(frozen=True, kw_only=True, slots=True)
class SetAlerts:
    """Alerts about new openings on or off: "sub:on" / "sub:off"."""

    on: bool

    def encode(self) -> str:
        return "sub:on" if self.on else "sub:off"


@dataclass(frozen=True, kw_only=True, slots=True)
class AskForget:
    """Start /forget (it asks for confirmation): "forget:ask"."""

    def encode(self) -> str:
        return "forget:ask"


@dataclass(frozen=True, kw_only=True, slots=True)
class ConfirmForget:
    """The answer to /forget's question: "forget:yes" / "forget:no"."""

    yes: bool

    def encode(self) -> str:
        return "forget:yes" if self.yes else "forget:no"


@dataclass(frozen=True, kw_only=True, slots=True)
class EditProfile:
    """Start the guided profile flow: "profile:edit"."""

    def encode(self) -> str:
        return "profile:edit"


@dataclass(frozen=True, kw_only=True, slots=True)
class SetLevel:
    """The level step's answer: "profile:level:senior"; None is "profile:level:skip"."""

    level: Level | None

    def encode(self) -> str:
        return f"profile:level:{self.level.value if self.level else 'skip'}"


@dataclass(frozen=True, kw_only=True, slots=True)
class SetRemote:
    """The remote step's answer: "profile:remote:hybrid"."""

    remote: RemotePreference

    def encode(self) -> str:
        return f"profile:remote:{self.remote.value}"


@dataclass(frozen=True, kw_only=True, slots=True)
class SkipStep:
    """Skip a step of the profile flow: "profile:skip:profile_skills"."""

    step: Step

    def __post_init__(self) -> None:
        if self.step not in PROFILE_FLOW:
            raise ValueError(f"{self.step} is not a step of the profile flow")

    def encode(self) -> str:
        return f"profile:skip:{self.step.value}"


@dataclass(frozen=True, kw_only=True, slots=True)
class UndoProfile:
    """Undo a change of the profile, numbered per chat so an old button undoes nothing newer:
    "undo:profile:7"."""

    change: int

    def __post_init__(self) -> None:
        if not 0 <= self.change <= MAX_CHANGE:
            raise ValueError(f"not a change number: {self.change}")

    def encode(self) -> str:
        return f"undo:profile:{self.change}"


@dataclass(frozen=True, kw_only=True, slots=True)
class UnknownAction:
    """Anything else (a button of another bot version, a forged value): the fallback answers."""

    raw: str

    def encode(self) -> str:
        return self.raw


Action = (RunCommand | ShowTopic | TopicDetails | TopicExample | RateTopic | MoreOpenings
          | DropFilter | SetAlerts | AskForget | ConfirmForget | EditProfile | SetLevel | SetRemote | SkipStep
          | UndoProfile | UnknownAction)
ProfileAction = EditProfile | SetLevel | SetRemote | SkipStep | UndoProfile


def decode(raw: str) -> Action:
    """The action a button carries; UnknownAction for anything no version of the bot sent."""
    kind, _, rest = raw.partition(":")
    try:
        match kind, rest.split(":"):
            case "cmd", [name]:
                return RunCommand(name=name)
            case "t", [topic_id]:
                return ShowTopic(topic_id=topic_id)
            case "more", [topic_id]:
                return TopicDetails(topic_id=topic_id)
            case "ex", [topic_id]:
                return TopicExample(topic_id=topic_id)
            case "fb", [topic_id, ("y" | "n") as verdict]:
                return RateTopic(topic_id=topic_id, helpful=verdict == "y")
            case "jobs", ["more"]:
                return MoreOpenings()
            case "jobs", ["drop", what]:
                return DropFilter(what=Filter(what))
            case "sub", [("on" | "off") as switch]:
                return SetAlerts(on=switch == "on")
            case "forget", ["ask"]:
                return AskForget()
            case "forget", [("yes" | "no") as answer]:
                return ConfirmForget(yes=answer == "yes")
            case "profile", ["edit"]:
                return EditProfile()
            case "profile", ["level", "skip"]:
                return SetLevel(level=None)
            case "profile", ["level", level]:
                return SetLevel(level=Level(level))
            case "profile", ["remote", remote]:
                return SetRemote(remote=RemotePreference(remote))
            case "profile", ["skip", step]:
                return SkipStep(step=Step(step))
            case "undo", ["profile", change] if change.isascii() and change.isdigit():
                return UndoProfile(change=int(change))
    except ValueError:
        pass  # a known kind with a payload no button carries
    return UnknownAction(raw=raw)
