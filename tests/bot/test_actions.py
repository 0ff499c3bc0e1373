"""The button-action codec: every kind round-trips through the exact strings already in chats."""

from __future__ import annotations

from typing import get_args

import pytest

from bot.actions import (
    MAX_CHANGE,
    MAX_TOPIC_ID_BYTES,
    Action,
    AskForget,
    ConfirmForget,
    DropFilter,
    EditProfile,
    Filter,
    MoreOpenings,
    RateTopic,
    RunCommand,
    SetAlerts,
    SetLevel,
    SetRemote,
    ShowTopic,
    SkipStep,
    TopicDetails,
    TopicExample,
    UndoProfile,
    UnknownAction,
    decode,
)
from bot.flows import PROFILE_FLOW, Step
from bot.knowledge import load_knowledge
from bot.messages import MAX_ACTION_BYTES, Button
from bot.openings import Level
from bot.ports import RemotePreference

# The wire format of every kind, as the bot has always sent it.
WIRE: list[tuple[Action, str]] = [
    (RunCommand(name="jobs"), "cmd:jobs"),
    (ShowTopic(topic_id="getting-started"), "t:getting-started"),
    (TopicDetails(topic_id="docker"), "more:docker"),
    (TopicExample(topic_id="docker"), "ex:docker"),
    (RateTopic(topic_id="docker", helpful=True), "fb:docker:y"),
    (RateTopic(topic_id="docker", helpful=False), "fb:docker:n"),
    (MoreOpenings(), "jobs:more"),
    (DropFilter(what=Filter.MODE), "jobs:drop:mode"),
    (SetAlerts(on=True), "sub:on"),
    (SetAlerts(on=False), "sub:off"),
    (AskForget(), "forget:ask"),
    (ConfirmForget(yes=True), "forget:yes"),
    (ConfirmForget(yes=False), "forget:no"),
    (EditProfile(), "profile:edit"),
    (SetLevel(level=Level.SENIOR), "profile:level:senior"),
    (SetLevel(level=None), "profile:level:skip"),
    (SetRemote(remote=RemotePreference.ONSITE), "profile:remote:onsite"),
    (SkipStep(step=Step.PROFILE_LOCATION), "profile:skip:profile_location"),
    (UndoProfile(change=7), "undo:profile:7"),
    (UnknownAction(raw="page:2"), "page:2"),
]


@pytest.mark.parametrize(("action", "wire"), WIRE, ids=[w for _, w in WIRE])
def test_each_kind_encodes_to_its_wire_string_and_back(action: Action, wire: str) -> None:
    assert action.encode() == wire
    assert decode(wire) == action


def test_the_table_covers_every_kind() -> None:
    assert {type(a) for a, _ in WIRE} == set(get_args(Action))


@pytest.mark.parametrize("action", [
    *(SetLevel(level=lv) for lv in (*Level, None)),
    *(SetRemote(remote=r) for r in RemotePreference),
    *(SkipStep(step=s) for s in PROFILE_FLOW),
])
def test_every_value_of_the_enum_payloads_round_trips(action: Action) -> None:
    assert decode(action.encode()) == action


@pytest.mark.parametrize("raw", [
    "", "t", "t:", "t:a:b", "cmd:", "fb:docker", "fb:docker:maybe", "fb::y", "jobs:less",
    "sub:maybe", "forget:perhaps", "profile", "profile:show", "profile:level:wizard",
    "profile:remote:mars", "profile:skip:confirm_forget", "profile:skip:nowhere", "nope:x",
    "more:docker:extra", "undo:profile:", "undo:profile:-1", "undo:profile:x", "undo:profile:³",
    "undo:7",
])
def test_malformed_or_unknown_actions_decode_to_unknown(raw: str) -> None:
    assert decode(raw) == UnknownAction(raw=raw)


@pytest.mark.parametrize("bad", ["", "a:b"])
def test_payloads_that_would_not_decode_back_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        ShowTopic(topic_id=bad)
    with pytest.raises(ValueError):
        RateTopic(topic_id=bad, helpful=True)
    with pytest.raises(ValueError):
        RunCommand(name=bad)


@pytest.mark.parametrize("change", [-1, MAX_CHANGE + 1])
def test_undo_change_numbers_are_bounded(change: int) -> None:
    with pytest.raises(ValueError):
        UndoProfile(change=change)


def test_only_profile_steps_can_be_skipped() -> None:
    with pytest.raises(ValueError):
        SkipStep(step=Step.CONFIRM_FORGET)


def test_longest_encodings_fit_in_telegram_callback_data() -> None:
    longest_id = "t" * MAX_TOPIC_ID_BYTES
    longest_command = "c" * 32  # the longest name a slash command may have
    actions: list[Action] = [
        RunCommand(name=longest_command),
        ShowTopic(topic_id=longest_id), TopicDetails(topic_id=longest_id),
        TopicExample(topic_id=longest_id),
        *(RateTopic(topic_id=longest_id, helpful=h) for h in (True, False)),
        MoreOpenings(), *(DropFilter(what=f) for f in Filter),
        SetAlerts(on=True), SetAlerts(on=False), AskForget(),
        ConfirmForget(yes=True), ConfirmForget(yes=False), EditProfile(),
        *(SetLevel(level=lv) for lv in (*Level, None)),
        *(SetRemote(remote=r) for r in RemotePreference),
        *(SkipStep(step=s) for s in PROFILE_FLOW), UndoProfile(change=MAX_CHANGE),
    ]
    assert {type(a) for a in actions} == set(get_args(Action)) - {UnknownAction}
    for action in actions:
        assert len(action.encode().encode()) <= MAX_ACTION_BYTES, action
        Button(label="x", action=action.encode())  # the core's own check agrees
    assert len(RateTopic(topic_id=longest_id + "t", helpful=False).encode().encode()) \
        > MAX_ACTION_BYTES  # the bound is tight


def test_every_shipped_topic_id_fits_every_topic_action() -> None:
    kb = load_knowledge()
    assert kb.topics
    assert max(len(tid.encode()) for tid in kb.topics) <= MAX_TOPIC_ID_BYTES
