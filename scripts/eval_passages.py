"""Score a passage question file through Bot.handle, as `careerbot ask --json -` answers it.

    .venv/bin/python scripts/eval_passages.py ../shared/eval/dev-passages.yaml [--lexical] [--misses]

Each question is asked in a fresh conversation of an in-memory core built from the shipped
knowledge base, with the sentence encoder unless --lexical. `careerbot eval FILE` scores the same
files through the CLI; this script is for working on passage answers without it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.bootstrap import build_bot
from bot.dialogue import Bot
from bot.encoder import shared_encoder
from bot.knowledge import load_knowledge
from bot.memory import MemoryStore
from bot.messages import Message
from bot.passages_eval import score_passages
from bot.yamlsource import load


def answerer(bot: Bot) -> Any:
    async def ask_all(questions: Sequence[str]) -> list[Mapping[str, Any]]:
        out: list[Mapping[str, Any]] = []
        for q in questions:
            cid = uuid.uuid4().hex
            replies = await bot.handle(Message(platform="console", user_id=cid, chat_id=cid, text=q))
            first = replies[0] if replies else None
            out.append({"intent": first.intent if first else "fallback",
                        "topic": first.topic if first else None,
                        "text": "\n\n".join(r.text for r in replies)})
        return out

    return lambda questions: asyncio.run(ask_all(questions))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--lexical", action="store_true", help="without the sentence encoder")
    parser.add_argument("--misses", action="store_true", help="print each miss")
    parser.add_argument("--json", action="store_true", help="print the whole result as JSON")
    args = parser.parse_args()
    store = MemoryStore()
    bot = build_bot(load_knowledge(), store.uow, encoder=None if args.lexical else shared_encoder())
    result = score_passages(answerer(bot), load(args.file))
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return
    print(result.summary())
    if args.misses:
        for m in result.misses:
            print(f"\n[{m.kind}] {m.q}\n  expected one of {list(m.expected)} in {list(m.topics)}; "
                  f"got {m.intent}/{m.topic}, {len(m.text)} chars:\n  {m.text[:300]!r}")


if __name__ == "__main__":
    main()
