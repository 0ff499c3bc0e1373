"""Benchmark of the dialogue core and the topic matcher, against rank_bm25 on the same text.

Run: .venv/bin/python -m benchmarks.bench_core [--topics 10000] [--queries 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path

import yaml

from adapters.bootstrap import build_bot
from benchmarks.common import peak_rss_mb, summary_ms, table
from bot.knowledge import Topic, load_knowledge
from bot.markup import parse
from bot.matcher import FIELD_WEIGHTS, TopicMatcher, _field_texts
from bot.memory import MemoryStore
from bot.messages import Message
from bot.text import STOPWORDS, stem, words

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev-questions.yaml"


def dev_questions() -> list[str]:
    if DEV.is_file():
        data = yaml.safe_load(DEV.read_text())
        qs = [c["q"] for c in data["in_scope"]] + [c["q"] for c in data["in_scope_intents"]]
        return qs + list(data["out_of_scope"])
    kb = load_knowledge()
    return [q for t in kb.topics.values() for q in t.questions[:2]]


async def bench_handle(rounds: int) -> dict[str, object]:
    kb = load_knowledge()
    store = MemoryStore(list(kb.openings))
    bot = build_bot(kb, store.uow)
    questions = dev_questions()
    for q in questions:  # warm caches (stemmer, fuzzy)
        await bot.handle(Message(platform="bench", user_id="w", chat_id="w", text=q))
    samples: list[float] = []
    started = time.perf_counter()
    for _ in range(rounds):
        for q in questions:
            uid = uuid.uuid4().hex
            t0 = time.perf_counter()
            await bot.handle(Message(platform="bench", user_id=uid, chat_id=uid, text=q))
            samples.append(time.perf_counter() - t0)
    wall = time.perf_counter() - started
    return {"case": "handle() over dev questions, in-memory repos",
            "messages": len(samples), "msg_per_s": len(samples) / wall, **summary_ms(samples)}


def synthetic_topics(n: int, seed: int = 7) -> list[Topic]:
    rng = random.Random(seed)
    vocab = [f"w{i}" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(5))
             for i in range(30_000)]
    cum: list[float] = []
    total = 0.0
    for i in range(len(vocab)):
        total += 1 / (i + 1)  # Zipf-like word frequencies
        cum.append(total)

    def phrase(k: int) -> str:
        return " ".join(rng.choices(vocab, cum_weights=cum, k=k))

    topics = []
    for i in range(n):
        topics.append(Topic(
            id=f"t{i}", title=phrase(3), group="g", aliases=(phrase(2), phrase(1)),
            keywords=tuple(phrase(1) for _ in range(6)),
            questions=tuple(phrase(7) for _ in range(6)), answer=parse(phrase(120)),
            details=(), example=(), related=(), resources=(),
        ))
    return topics


def tokens(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def measure_build(build: Callable[[], object]) -> tuple[float, int]:
    """Build time without tracing (tracemalloc slows allocation), then peak memory traced."""
    gc.collect()
    t0 = time.perf_counter()
    build()
    elapsed = time.perf_counter() - t0
    gc.collect()
    tracemalloc.start()
    build()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak


def bench_matcher(n_topics: int, n_queries: int) -> list[dict[str, object]]:
    from rank_bm25 import BM25Okapi

    topics = synthetic_topics(n_topics)
    rng = random.Random(11)
    queries = []
    for _ in range(n_queries):
        t = rng.choice(topics)
        queries.append(rng.choice(t.questions))

    rows: list[dict[str, object]] = []
    build_s, peak = measure_build(lambda: TopicMatcher(topics))
    matcher = TopicMatcher(topics)
    samples = []
    hits = 0
    for q in queries:
        s0 = time.perf_counter()
        ranked = matcher.rank(q, limit=5)
        samples.append(time.perf_counter() - s0)
        hits += bool(ranked) and q in topics[int(ranked[0].topic_id[1:])].questions
    rows.append({"matcher": "careerbot TopicMatcher", "topics": n_topics, "build_s": build_s,
                 "index_peak_mb": peak / 2**20, "top1_hit": hits / len(queries),
                 **summary_ms(samples)})

    # rank_bm25 over the same fields, flattened into one document per topic.
    def build_bm25() -> BM25Okapi:
        # Tokenising is part of building an index, as it is in TopicMatcher.
        return BM25Okapi([tokens(" ".join(v for f, v in _field_texts(t).items() if f in FIELD_WEIGHTS))
                          for t in topics])

    build_s, peak = measure_build(build_bm25)
    bm25 = build_bm25()
    samples = []
    hits = 0
    bm_queries = queries[: max(50, n_queries // 10)]  # it is slow; a tenth is plenty for p99
    for q in bm_queries:
        s0 = time.perf_counter()
        scores = bm25.get_scores(tokens(q))
        best = int(scores.argmax())
        samples.append(time.perf_counter() - s0)
        hits += q in topics[best].questions
    rows.append({"matcher": "rank_bm25.BM25Okapi", "topics": n_topics, "build_s": build_s,
                 "index_peak_mb": peak / 2**20, "top1_hit": hits / len(bm_queries),
                 **summary_ms(samples)})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--topics", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=2_000)
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    core = asyncio.run(bench_handle(args.rounds))
    print("## Dialogue core\n")
    print(table([core]))
    print("\n## Matcher on a synthetic knowledge base\n")
    print(table(bench_matcher(args.topics, args.queries)))
    print(f"\npeak RSS of the benchmark process: {peak_rss_mb():.1f} MB")


if __name__ == "__main__":
    main()
