"""CPU time of `Bot.handle()` beyond the sentence encoder: the query vectors are cached, so what is
measured is the dialogue core's own work per message (in-memory repositories).

Run: .venv/bin/python -m benchmarks.bench_handle_cpu [QUESTION_FILE] [--rounds 20] [--profile]

Two sets: the six questions `bench_serve` cycles through, and the development questions
(../shared/eval/dev-questions.yaml unless a file is given), each message from a new person. A
first pass puts every message's vector in the router's cache of recent queries; the measured
rounds then encode nothing.
CPU time (`time.process_time`, all threads) rather than wall time, which other work on a shared
machine makes noisy. `--profile` prints cProfile's top functions per set.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import time
import uuid
from pathlib import Path

import yaml

from adapters.bootstrap import build_bot
from benchmarks.bench_serve import QUESTIONS
from bot.encoder import shared_encoder
from bot.knowledge import load_knowledge
from bot.memory import MemoryStore
from bot.messages import Message

DEV_QUESTIONS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev-questions.yaml"


def dev_messages(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text())
    return ([c["q"] for c in data.get("in_scope") or []]
            + [c["q"] for c in data.get("in_scope_intents") or []]
            + [str(q) for q in data.get("out_of_scope") or []])


async def run(questions: Path, rounds: int, profile: bool) -> None:
    kb = load_knowledge()
    bot = build_bot(kb, MemoryStore(list(kb.openings)).uow, encoder=shared_encoder())
    sets = {"bench_serve questions": list(QUESTIONS), "dev questions": dev_messages(questions)}
    for messages in sets.values():
        for text in messages:
            await bot.handle(Message(platform="bench", user_id="warm", chat_id="warm", text=text))
    print("| messages | count | CPU ms per message |\n| --- | --- | --- |")
    stats = []
    for name, messages in sets.items():
        prof = cProfile.Profile() if profile else None
        started = time.process_time()
        if prof is not None:
            prof.enable()
        for _ in range(rounds):
            for text in messages:
                uid = uuid.uuid4().hex
                await bot.handle(Message(platform="bench", user_id=uid, chat_id=uid, text=text))
        if prof is not None:
            prof.disable()
            stats.append((name, pstats.Stats(prof)))
        n = rounds * len(messages)
        print(f"| {name} | {n} | {1000 * (time.process_time() - started) / n:.3f} |")
    for name, st in stats:
        print(f"\n{name}:")
        st.sort_stats("tottime").print_stats(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", type=Path, default=DEV_QUESTIONS)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(args.questions, args.rounds, args.profile))


if __name__ == "__main__":
    main()
