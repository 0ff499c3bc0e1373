"""What the cascade costs in answers: per rule, the share of messages not encoded and the answers changed.

Run: .venv/bin/python -m benchmarks.cascade_check [FILE ...]

Every message of the development files (questions each in a new conversation, conversations turn
by turn, buttons pressed by label) goes through `Bot.handle()` once reading every message's
meaning (no cascade rule; a question that only names its topic still gets the page without an
encoding, which cannot change an answer) and once per set of the router's cascade rules
(`bot.routing.CASCADE`). A reply changed when its intent, topic, text, buttons or cards differ.
The router's cache of recent vectors is emptied before each message, so that each is encoded
afresh, as a message never seen is. Default files: ../shared/eval/dev-*.yaml and
tests/bot/data/dev/*.yaml (never the held-out ones).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from adapters.bootstrap import build_bot
from adapters.channels.console.jsonl import to_message
from benchmarks.bench_retrieval import Counting
from benchmarks.common import table
from bot import answers, routing
from bot.dialogue import Bot
from bot.encoder import shared_encoder
from bot.handlers import topics
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.memory import MemoryStore
from bot.messages import Button, Message, Reply
from bot.routing import CASCADE, CASCADE_RULES

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILES = (*sorted((ROOT.parent / "shared" / "eval").glob("dev-*.yaml")),
                 *sorted((ROOT / "tests" / "bot" / "data" / "dev").glob("*.yaml")))

# A run: one message after another, each list one conversation.
Script = list[list[str | dict[str, str]]]


def read_scripts(paths: Sequence[Path]) -> Script:
    out: Script = []
    for path in paths:
        data = yaml.safe_load(path.read_text()) or {}
        if not isinstance(data, dict):
            continue
        for conversation in data.get("conversations") or []:
            out.append([{"press": str(t["press"])} if "press" in t else str(t.get("say", ""))
                        for t in conversation.get("turns") or []])
        questions = [c["q"] for c in (data.get("in_scope") or []) + (data.get("in_scope_intents") or [])]
        questions += [str(q) for q in data.get("out_of_scope") or []]
        for group in ("specific", "general"):  # passage files
            questions += [c["q"] for c in data.get(group) or [] if isinstance(c, dict) and "q" in c]
        out += [[q] for q in questions]
    return out


# When a reply was written (the stored data shown by /mydata) is no part of what it says.
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d[.\d]*(?:[+-]\d\d:\d\d)?")


def said(reply: Reply) -> tuple[object, ...]:
    return (reply.intent, reply.topic, _TIMESTAMP.sub("<time>", reply.text),
            tuple(b.label for b in reply.buttons), tuple(repr(c) for c in reply.cards))


@dataclass(kw_only=True)
class Run:
    replies: list[tuple[tuple[object, ...], ...]] = field(default_factory=list)
    messages: int = 0
    encoded: int = 0


async def run(kb: KnowledgeBase, script: Script, rules: frozenset[str], *, overview: bool) -> Run:
    counting = Counting(shared_encoder())
    bot: Bot = build_bot(kb, MemoryStore(list(kb.openings)).uow, encoder=counting)
    bot.cascade = rules
    # Without it, a question only naming its topic has its passages scored by meaning too.
    setattr(topics, "asks_overview", _asks_overview if overview else lambda *_: False)  # noqa: B010
    out = Run()
    for number, conversation in enumerate(script):
        user = f"c{number}"
        buttons: list[Button] = []
        for turn in conversation:
            line = turn if isinstance(turn, str) else f'{{"press": "{turn["press"]}"}}'
            try:
                message = to_message(line, buttons, user_id=user)
            except Exception:  # a button this run did not offer: the turn is skipped alike
                message = Message(platform="console", user_id=user, chat_id=user, text=line)
            bot._recent.clear()
            before = counting.calls
            replies = await bot.handle(message)
            out.messages += 1
            out.encoded += counting.calls > before
            buttons = [b for r in replies for b in r.buttons]
            out.replies.append(tuple(said(r) for r in replies))
    return out


_asks_overview = answers.asks_overview


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=list(DEFAULT_FILES))
    parser.add_argument("--named-at", type=float, default=routing.NAMED_AT,
                        help="the matcher's confidence the rule 'named' needs")
    args = parser.parse_args()
    routing.NAMED_AT = args.named_at
    kb = load_knowledge()
    script = read_scripts(args.files)
    reference = asyncio.run(run(kb, script, frozenset(), overview=False))
    rows = [{"rules": "none (every message's meaning read)", "messages": reference.messages,
             "skipped": 1 - reference.encoded / reference.messages, "changed": 0}]
    cases: list[tuple[str, frozenset[str], bool]] = [("overview (a question only naming its topic)",
                                                      frozenset(), True)]
    for n in range(1, len(CASCADE_RULES) + 1):
        for combo in itertools.combinations(CASCADE_RULES, n):
            adopted = " (adopted)" if frozenset(combo) == CASCADE else ""
            cases.append(("overview + " + " + ".join(combo) + adopted, frozenset(combo), True))
    for name, rules, overview in cases:
        got = asyncio.run(run(kb, script, rules, overview=overview))
        changed = [i for i, (a, b) in enumerate(zip(reference.replies, got.replies, strict=True)) if a != b]
        rows.append({"rules": name, "messages": got.messages, "skipped": 1 - got.encoded / got.messages,
                     "changed": len(changed)})
        flat = [t for c in script for t in c]
        for i in changed[:10]:
            before, after = (r[0][:2] if r else () for r in (reference.replies[i], got.replies[i]))
            print(f"  {name}: changed {flat[i]!r}: {before} -> {after}")
    print(f"\n{len(args.files)} files, {len(script)} conversations\n")
    print(table(rows))


if __name__ == "__main__":
    main()
