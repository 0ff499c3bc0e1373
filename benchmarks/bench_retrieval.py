"""Benchmark of topic retrieval on the same questions: careerbot's hybrid, its words-only matcher, plain
all-MiniLM-L6-v2 retrieval and BM25; accuracy, latency per question, memory, and `Bot.handle()`.

Run: .venv/bin/python -m benchmarks.bench_retrieval [QUESTION_FILE ...] [--rounds 5]

Question files are in `careerbot eval`'s format; by default ../shared/eval/dev-questions.yaml,
tests/bot/data/heldout-questions.yaml and tests/bot/data/heldout/heldout-questions.yaml (held
out: only its scores are printed, never its lines). A question is right when the method's best
topic is one of its expected ones and the method answers; an out-of-scope line when it declines.
careerbot's hybrid and matcher answer at their own confidence of 0.5. Plain MiniLM (a topic's
score is its best cosine over the same texts the hybrid embeds: names, sample questions, answer
and page blocks) and BM25 (`rank_bm25` over all of a topic's text with careerbot's tokenizer) get
the threshold that scores best on each file itself, which favours them; their accuracy with no
threshold (always answering) is shown too.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from rank_bm25 import BM25Okapi
from threadpoolctl import threadpool_limits

from adapters.bootstrap import build_bot
from benchmarks.common import peak_rss_mb, summary_ms, table
from bot.embedding_cache import EmbeddingCache
from bot.encoder import Encoder, Vectors, shared_encoder
from bot.knowledge import KnowledgeBase, Topic, load_knowledge
from bot.markup import to_plain
from bot.matcher import TopicMatcher
from bot.memory import MemoryStore
from bot.messages import Message
from bot.retrieval import TopicRetriever, cache_name, topic_texts
from bot.text import STOPWORDS, stem, words

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILES = (ROOT.parent / "shared" / "eval" / "dev-questions.yaml",
                 ROOT / "tests/bot/data/heldout-questions.yaml",
                 ROOT / "tests/bot/data/heldout/heldout-questions.yaml")
ANSWER_AT = 0.5


@dataclass(frozen=True, kw_only=True)
class QuestionSet:
    name: str
    in_scope: list[tuple[str, frozenset[str]]]
    intents: list[str]
    out_of_scope: list[str]

    @classmethod
    def read(cls, path: Path) -> QuestionSet:
        data = yaml.safe_load(path.read_text())
        shown = path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path
        return cls(name=str(shown),
                   in_scope=[(c["q"], frozenset(c["expect"])) for c in data.get("in_scope") or []],
                   intents=[c["q"] for c in data.get("in_scope_intents") or []],
                   out_of_scope=[str(q) for q in data.get("out_of_scope") or []])


# A method: a question → (best topic or None, its score), and whether a score answers.
Ranker = Callable[[str], tuple[str | None, float]]


def rss_mb() -> float:
    """Resident memory now (not the peak)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def tokens(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def all_text(t: Topic) -> str:
    return "\n".join((t.title, *t.aliases, *t.keywords, *t.questions,
                      to_plain((*t.answer, *t.details, *t.example), with_urls=False)))


class PlainMiniLM:
    """Cosine of the question to every text of every topic; a topic scores its best text."""

    def __init__(self, kb: KnowledgeBase, encoder: Encoder) -> None:
        self.encoder = encoder
        self.ids = list(kb.topics)
        texts, owners = [], []
        for i, t in enumerate(kb.topics.values()):
            for _, text in topic_texts(t):
                texts.append(text)
                owners.append(i)
        # The hybrid's cache file holds exactly these texts: no encoding here.
        self.vectors = EmbeddingCache(encoder, cache_name(kb.root, "topics")).encode(texts)
        self.starts = np.searchsorted(np.asarray(owners), np.arange(len(self.ids)))

    def __call__(self, q: str) -> tuple[str | None, float]:
        v = self.encoder.encode([q])[0]
        best = np.maximum.reduceat(self.vectors @ v, self.starts)
        i = int(np.argmax(best))
        return self.ids[i], float(best[i])


class PlainBM25:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.ids = list(kb.topics)
        self.bm25 = BM25Okapi([tokens(all_text(t)) for t in kb.topics.values()])

    def __call__(self, q: str) -> tuple[str | None, float]:
        scores = self.bm25.get_scores(tokens(q))
        i = int(np.argmax(scores))
        return (self.ids[i], float(scores[i])) if scores[i] > 0 else (None, 0.0)


class Counting:
    """An encoder that counts the messages it encodes."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.calls = 0

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        return self.inner.encode(texts)


def run_method(rank: Ranker, qs: QuestionSet) -> tuple[list[tuple[str | None, float]],
                                                        list[tuple[str | None, float]], list[float],
                                                        list[float]]:
    """Each question's result, wall time and CPU time of this process (what other work on a shared
    machine barely moves)."""
    times: list[float] = []
    cpu: list[float] = []
    out_in: list[tuple[str | None, float]] = []
    out_oos: list[tuple[str | None, float]] = []
    for q in [q for q, _ in qs.in_scope] + qs.out_of_scope:
        t0, c0 = time.perf_counter(), time.process_time()
        got = rank(q)
        cpu.append(time.process_time() - c0)
        times.append(time.perf_counter() - t0)
        (out_in if len(out_in) < len(qs.in_scope) else out_oos).append(got)
    return out_in, out_oos, times, cpu


def cpu_ms(samples: Sequence[float]) -> dict[str, float]:
    return {f"cpu_{k}": v for k, v in summary_ms(samples).items() if k != "mean_ms"}


def accuracy(qs: QuestionSet, got_in: list[tuple[str | None, float]], got_oos: list[tuple[str | None, float]],
             threshold: float) -> tuple[float, float]:
    topic = np.mean([t in expect and s >= threshold for (_, expect), (t, s) in zip(qs.in_scope, got_in,
                                                                                  strict=True)])
    oos = np.mean([t is None or s < threshold for t, s in got_oos]) if got_oos else float("nan")
    return float(topic), float(oos)


def best_threshold(qs: QuestionSet, got_in: list[tuple[str | None, float]],
                   got_oos: list[tuple[str | None, float]]) -> float:
    candidates = sorted({s for _, s in got_in + got_oos} | {0.0})
    return max(candidates, key=lambda th: sum(accuracy(qs, got_in, got_oos, th)))


async def bench_handle(kb: KnowledgeBase, encoder: Encoder | None, messages: list[str],
                       rounds: int) -> dict[str, Any]:
    bot = build_bot(kb, MemoryStore(list(kb.openings)).uow, encoder=encoder)
    for q in messages:  # warm-up: stemmer, fuzzy matching, the model's first runs
        await bot.handle(Message(platform="bench", user_id="w", chat_id="w", text=q))
    counting = Counting(encoder) if encoder is not None else None
    bot.encoder = counting
    samples: list[float] = []
    cpu: list[float] = []
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for q in messages:
            uid = uuid.uuid4().hex
            # Each message as if never seen: the router's vectors of recent messages (which the
            # warm-up and earlier rounds filled) would otherwise spare every encoding.
            bot._recent.clear()
            t0, c0 = time.perf_counter(), time.process_time()
            await bot.handle(Message(platform="bench", user_id=uid, chat_id=uid, text=q))
            cpu.append(time.process_time() - c0)
            samples.append(time.perf_counter() - t0)
    wall, cpu_total = time.perf_counter() - started, time.process_time() - cpu_started
    encoded = counting.calls / len(samples) if counting is not None else 0.0
    return {"case": "hybrid (semantic layer)" if encoder is not None else "words only",
            "messages": len(samples), "msg_per_s": len(samples) / wall,
            "msg_per_cpu_s": len(samples) / cpu_total, **summary_ms(samples), **cpu_ms(cpu),
            "encoded_share": encoded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=list(DEFAULT_FILES))
    parser.add_argument("--rounds", type=int, default=5, help="rounds of handle() over all messages")
    args = parser.parse_args()
    # As the bot runs (adapters/bootstrap.py): OpenBLAS spreading each matrix-vector product over
    # both cores and spinning between them would inflate plain MiniLM's time, wall and CPU.
    threadpool_limits(limits=1, user_api="blas")
    sets = [QuestionSet.read(p) for p in args.files if p.is_file()]
    for p in args.files:
        if not p.is_file():
            print(f"(skipped: no question file at {p})", file=sys.stderr)
    kb = load_knowledge()

    memory: list[dict[str, object]] = []

    def built(name: str, make: Callable[[], Any]) -> Any:
        gc.collect()
        before, t0 = rss_mb(), time.perf_counter()
        obj = make()
        memory.append({"component": name, "build_s": time.perf_counter() - t0,
                       "rss_added_mb": rss_mb() - before})
        return obj

    encoder = shared_encoder()
    built("all-MiniLM-L6-v2 loaded (ONNX Runtime, int8)", encoder.load)
    lexical = built("careerbot words-only matcher", lambda: TopicMatcher(kb.topics.values()))
    retriever = built("careerbot hybrid (cache warm; includes its matchers)",
                      lambda: TopicRetriever(kb, encoder))
    minilm = built("plain MiniLM vectors (same texts)", lambda: PlainMiniLM(kb, encoder))
    bm25 = built("BM25 (rank_bm25)", lambda: PlainBM25(kb))

    def hybrid(q: str) -> tuple[str | None, float]:
        best = retriever.rank(q, lambda: encoder.encode([q])[0]).best
        return (best.topic_id, best.confidence) if best else (None, 0.0)

    def words_only(q: str) -> tuple[str | None, float]:
        m = lexical.rank(q, limit=1)
        return (m[0].topic_id, m[0].confidence) if m else (None, 0.0)

    methods: dict[str, tuple[Ranker, bool]] = {"careerbot hybrid": (hybrid, False),
                                               "careerbot words only": (words_only, False),
                                               "plain MiniLM": (minilm, True), "BM25": (bm25, True)}
    for rank, _ in methods.values():  # warm-up
        for q, _ in sets[0].in_scope[:20]:
            rank(q)

    minilm_times: list[float] = []
    minilm_cpu: list[float] = []
    for qs in sets:
        rows: list[dict[str, object]] = []
        for name, (rank, tuned) in methods.items():
            got_in, got_oos, times, cpu = run_method(rank, qs)
            threshold = best_threshold(qs, got_in, got_oos) if tuned else ANSWER_AT
            topic, oos = accuracy(qs, got_in, got_oos, threshold)
            always, _ = accuracy(qs, got_in, got_oos, float("-inf"))
            if name == "plain MiniLM":
                minilm_times += times
                minilm_cpu += cpu
            rows.append({"method": name, "topic_acc": topic, "oos_rejection": oos,
                         "threshold": f"{threshold:.3f}" + (" (best)" if tuned else ""),
                         "topic_acc_always_answering": always, **summary_ms(times), **cpu_ms(cpu)})
        print(f"\n{qs.name}: {len(qs.in_scope)} topic questions, {len(qs.out_of_scope)} out of scope\n")
        print(table(rows))

    messages = [m for qs in sets for m in [q for q, _ in qs.in_scope] + qs.intents + qs.out_of_scope]
    handle = [asyncio.run(bench_handle(kb, encoder, messages, args.rounds)),
              asyncio.run(bench_handle(kb, None, messages, args.rounds))]
    print(f"\nBot.handle() over all {len(messages)} messages (topic, intent and out-of-scope), "
          f"{args.rounds} rounds, a new person each time, in-memory repositories\n")
    print(table(handle))
    ratio = handle[0]["p50_ms"] / summary_ms(minilm_times)["p50_ms"]
    cpu_ratio = handle[0]["cpu_p50_ms"] / summary_ms(minilm_cpu)["p50_ms"]
    print(f"\nhandle() p50 with the semantic layer / plain MiniLM p50 per question: {ratio:.2f} "
          f"(wall time), {cpu_ratio:.2f} (CPU time)")
    print("\nBuilding (shipped knowledge base; memory is the resident set added)\n")
    print(table(memory))
    print(f"\npeak RSS of the whole benchmark process: {peak_rss_mb():.1f} MB "
          f"({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
