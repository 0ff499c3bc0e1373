"""`careerbot eval` on a conversation file: multi-turn runs against a feed, scored turn by turn."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.channels.console.jsonl import profile_of, render, to_message
from adapters.settings import Settings
from bot.messages import Button


@dataclass(frozen=True, kw_only=True)
class TurnMiss:
    conversation: str
    turn: int
    said: str
    problems: tuple[str, ...]
    got: Mapping[str, Any]


@dataclass(kw_only=True)
class ConversationReport:
    turns: int = 0
    passed: int = 0
    conversations: int = 0
    conversations_passed: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    passed_by_kind: Counter[str] = field(default_factory=Counter)
    misses: list[TurnMiss] = field(default_factory=list)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def check_turn(expect: Mapping[str, Any], got: Mapping[str, Any]) -> list[str]:
    """What this turn got wrong against its expectations (the file's header defines them)."""
    problems: list[str] = []
    if "intent" in expect and got["intent"] not in _as_list(expect["intent"]):
        problems.append(f"intent {got['intent']!r}, expected {expect['intent']!r}")
    if "topic" in expect and got["topic"] not in _as_list(expect["topic"]):
        problems.append(f"topic {got['topic']!r}, expected {expect['topic']!r}")
    if "not_topic" in expect and got["topic"] in _as_list(expect["not_topic"]):
        problems.append(f"topic {got['topic']!r} must not be")
    shown = [str(o["external_id"]) for o in got["openings"]]
    if expect.get("openings_none") and shown:
        problems.append(f"openings shown {shown}, expected none")
    any_of = [str(i) for i in expect.get("openings_include_any") or []]
    if any_of and not set(any_of) & set(shown):
        problems.append(f"openings {shown} include none of {any_of}")
    all_of = [str(i) for i in expect.get("openings_include_all") or []]
    if all_of and not set(all_of) <= set(shown):
        problems.append(f"openings {shown} miss {sorted(set(all_of) - set(shown))}")
    excluded = set(shown) & {str(i) for i in expect.get("openings_exclude") or []}
    if excluded:
        problems.append(f"openings {sorted(excluded)} must not be shown")
    text = _norm(got["text"])
    text_any = [str(t) for t in expect.get("text_any") or []]
    if text_any and not any(_norm(t) in text for t in text_any):
        problems.append(f"text has none of {text_any}")
    text_none = [t for t in (str(t) for t in expect.get("text_none") or []) if _norm(t) in text]
    if text_none:
        problems.append(f"text has {text_none}")
    problems += _check_profile(expect.get("profile") or {}, got["profile"])
    return problems


def _check_profile(expect: Mapping[str, Any], got: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    skills = {s.casefold() for s in got["skills"]}
    missing = [s for s in expect.get("skills_include") or [] if str(s).casefold() not in skills]
    if missing:
        problems.append(f"profile skills {got['skills']} miss {missing}")
    extra = [s for s in expect.get("skills_exclude") or [] if str(s).casefold() in skills]
    if extra:
        problems.append(f"profile skills {got['skills']} must not have {extra}")
    for key in ("level", "remote", "years"):
        if key in expect and got[key] not in _as_list(expect[key]):
            problems.append(f"profile {key} {got[key]!r}, expected {expect[key]!r}")
    places = [_norm(p) for p in got["locations"]]
    for want in expect.get("locations_include") or []:
        if not any(_norm(str(want)) in p for p in places):
            problems.append(f"profile locations {got['locations']} miss {want!r}")
    for unwanted in expect.get("locations_exclude") or []:
        if any(_norm(str(unwanted)) in p for p in places):
            problems.append(f"profile locations {got['locations']} must not have {unwanted!r}")
    return problems


async def run_conversations(path: Path, data: Mapping[str, Any], settings: Settings
                            ) -> ConversationReport:
    """Every conversation in a fresh SQLite database holding the file's feed, as `chat --json` would."""
    from adapters.bootstrap import build
    from adapters.importers.feeds import FeedFormat, parse_feed, read_feed
    from bot.knowledge import load_knowledge
    from storage import open_storage
    from storage.openings import import_feed

    report = ConversationReport()
    with tempfile.TemporaryDirectory(prefix="careerbot-eval-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'eval.db'}"
        run_settings = settings.model_copy(update={"database_url": url})
        storage = await open_storage(url)
        try:
            feed_spec = data.get("feed")
            if isinstance(feed_spec, Mapping):
                kb = load_knowledge(settings.careerbot_knowledge_dir)
                location = str((path.parent / str(feed_spec["path"])).resolve())
                feed = parse_feed(await read_feed(location), FeedFormat(feed_spec["format"]),
                                  kb.skills, origin=location)
                await import_feed(storage, feed.openings, source=feed.source,
                                  listed_ids=feed.listed_ids)
            async with await build(run_settings, store=storage, rate_limit=False) as runtime:
                for number, conversation in enumerate(data.get("conversations") or [], 1):
                    await _run_one(runtime.bot, f"conv-{number}", conversation, report)
        finally:
            await storage.aclose()
    return report


async def _run_one(bot: Any, user: str, conversation: Mapping[str, Any],
                   report: ConversationReport) -> None:
    name = str(conversation.get("id") or user)
    buttons: list[Button] = []
    clean = True
    turns: Sequence[Mapping[str, Any]] = conversation.get("turns") or []
    for number, turn in enumerate(turns, 1):
        if "press" in turn:
            line = json.dumps({"press": str(turn["press"])})
            said = f"[press {turn['press']}]"
        else:
            line = said = str(turn.get("say", ""))
        replies = await bot.handle(to_message(line, buttons, user_id=user))
        buttons = [b for r in replies for b in r.buttons]
        got = render(replies, await profile_of(bot, user))
        expect = turn.get("expect") or {}
        kind = str(expect.get("kind") or turn.get("kind") or _kind_of(expect))
        problems = check_turn(expect, got)
        report.turns += 1
        report.by_kind[kind] += 1
        if problems:
            clean = False
            report.misses.append(TurnMiss(conversation=name, turn=number, said=said,
                                          problems=tuple(problems), got=got))
        else:
            report.passed += 1
            report.passed_by_kind[kind] += 1
    report.conversations += 1
    report.conversations_passed += clean


# The kinds a report is broken down by; a turn's own `kind` wins, else its first expected intent.
_KINDS = {"topic": "topic", "compare": "topic", "more": "follow-up", "profile": "profile",
          "openings": "openings", "opening": "opening"}


def _kind_of(expect: Mapping[str, Any]) -> str:
    intents = _as_list(expect.get("intent")) if "intent" in expect else []
    if intents:
        return _KINDS.get(str(intents[0]), "other")
    return "profile" if "profile" in expect else "other"


def report_json(report: ConversationReport) -> dict[str, Any]:
    return {
        "turn_accuracy": report.passed / report.turns if report.turns else None,
        "conversations_passed": report.conversations_passed,
        "conversations": report.conversations,
        "by_kind": {k: {"passed": report.passed_by_kind[k], "turns": n}
                    for k, n in sorted(report.by_kind.items())},
        "misses": [{"conversation": m.conversation, "turn": m.turn, "said": m.said,
                    "problems": list(m.problems), "intent": m.got["intent"],
                    "topic": m.got["topic"]} for m in report.misses],
    }


def print_report(report: ConversationReport) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=True)
    rate = report.passed / report.turns if report.turns else 0.0
    console.print(f"turns passed:            {rate:.3f}  ({report.passed}/{report.turns})",
                  highlight=False)
    console.print(f"conversations passed:    {report.conversations_passed}/{report.conversations}",
                  highlight=False)
    for kind, n in sorted(report.by_kind.items()):
        console.print(f"  {kind:<22} {report.passed_by_kind[kind]}/{n}", markup=False,
                      highlight=False)
    if report.misses:
        table = Table(title="misses")
        for col in ("conversation", "turn", "said", "problems"):
            table.add_column(col)
        for m in report.misses:
            table.add_row(m.conversation, str(m.turn), m.said, "; ".join(m.problems))
        console.print(table, markup=False)
