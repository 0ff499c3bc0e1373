"""CPU time of `Bot.handle()` beyond the sentence encoder: the query vectors are cached, so what is
measured is the dialogue core's own work per message (in-memory repositories).

Run: .venv/bin/python -m benchmarks.bench_handle_cpu [QUESTION_FILE] [--rounds 20] [--profile]
     .venv/bin/python -m benchmarks.bench_handle_cpu --ads [--rounds 5]

Two sets: the six questions `bench_serve` cycles through, and the development questions
(../shared/eval/dev-questions.yaml unless a file is given), each message from a new person. A
first pass puts every message's vector in the router's cache of recent queries; the measured
rounds then encode nothing.
CPU time (`time.process_time`, all threads) rather than wall time, which other work on a shared
machine makes noisy. `--profile` prints cProfile's top functions per set.

`--ads`: questions about long job ads on screen (tests/bot/data/dev/openings-conv14-greenhouse.json,
35-45 sentences an ad), the turn the opening handler reads ads by meaning. Each person asks for a
list, then a question of one opening (one ad read) or of the whole list with none in focus (each
ad on screen read). Only the question's turn is timed, per turn: cold (the ad reader's cache
emptied before it, so every ad it reads is read anew) and warm (the same question again, the ads
read before). The question vectors are cached by a first pass, as above.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import time
import uuid
from pathlib import Path

import yaml

from adapters.bootstrap import build_bot
from adapters.importers import greenhouse
from benchmarks.bench_serve import QUESTIONS
from bot.adreading import AdReader
from bot.encoder import shared_encoder
from bot.handlers.opening import OpeningHandler
from bot.knowledge import load_knowledge
from bot.memory import MemoryStore
from bot.messages import Message

DEV_QUESTIONS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev-questions.yaml"
LONG_ADS = Path(__file__).resolve().parents[1] / "tests/bot/data/dev/openings-conv14-greenhouse.json"
# (a list asked for, a pointer to one of it or "" for none, the question asked of it)
AD_TURNS: tuple[tuple[str, str, str], ...] = (
    ("go jobs in the netherlands", "the first one", "how big is the team"),
    ("remote python jobs in the uk", "the first one", "what would i be doing day to day"),
    ("rust jobs", "the first one", "will they relocate me"),
    ("java jobs in switzerland", "the first one", "do i need to speak german"),
    ("remote node.js jobs in the us", "the first one", "how many interview rounds"),
    ("kotlin jobs in poland", "the first one", "benefits"),
    ("elixir jobs in berlin", "the first one", "do they offer language classes"),
    ("remote backend jobs", "", "which ones sponsor visas"),
    ("remote jobs", "", "how big are the teams"),
    ("hybrid backend jobs in europe", "", "whats the interview process"),
    ("python jobs", "", "any on-call"),
)


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


async def run_ads(rounds: int) -> None:
    kb = load_knowledge()
    feed = greenhouse.parse(json.loads(LONG_ADS.read_text()), kb.skills, origin="bench")
    bot = build_bot(kb, MemoryStore([*kb.openings, *feed.openings]).uow, encoder=shared_encoder())
    handler = next(h for h in bot.handlers if isinstance(h, OpeningHandler))

    async def say(uid: str, text: str) -> tuple[float, str]:
        started = time.process_time()
        reply = await bot.handle(Message(platform="bench", user_id=uid, chat_id=uid, text=text))
        return 1000 * (time.process_time() - started), reply[0].intent if reply else ""

    times: dict[tuple[bool, bool], list[float]] = {(one, cold): [] for one in (True, False)
                                                   for cold in (True, False)}
    for r in range(rounds + 1):  # the first round only fills the cache of question vectors
        for listed, pointer, question in AD_TURNS:
            uid = uuid.uuid4().hex
            await say(uid, listed)
            if pointer:
                await say(uid, pointer)
            handler._ads = AdReader()  # cold: no ad read yet
            cold, intent = await say(uid, question)
            warm, _ = await say(uid, question)
            if r and intent == "opening":
                times[bool(pointer), True].append(cold)
                times[bool(pointer), False].append(warm)
    print("| question of | cache | turns | CPU ms mean | p50 | p99 | max |\n"
          "| --- | --- | --- | --- | --- | --- | --- |")
    for (one, cold), ms in times.items():
        ms.sort()
        p99 = ms[min(len(ms) - 1, int(0.99 * len(ms)))]
        print(f"| {'one ad' if one else 'the list shown'} | {'cold' if cold else 'warm'} | {len(ms)} | "
              f"{sum(ms) / len(ms):.1f} | {ms[len(ms) // 2]:.1f} | {p99:.1f} | {ms[-1]:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", type=Path, default=DEV_QUESTIONS)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--ads", action="store_true", help="questions about long ads shown")
    args = parser.parse_args()
    if args.ads:
        asyncio.run(run_ads(args.rounds))
    else:
        asyncio.run(run(args.questions, args.rounds, args.profile))


if __name__ == "__main__":
    main()
