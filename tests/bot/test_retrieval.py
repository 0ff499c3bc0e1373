"""Hybrid topic retrieval: paraphrases, comparisons, out-of-scope lines, the cascade, the embedding
cache on /reload, and matching by words alone when there is no encoder or it fails."""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from adapters.bootstrap import build_bot
from bot.dialogue import Bot
from bot.encoder import Encoder, OnnxEncoder, Vectors
from bot.knowledge import KnowledgeBase, Topic, default_dir, load_knowledge
from bot.memory import MemoryStore
from bot.messages import Message
from bot.ports import ConversationState
from bot.retrieval import (
    VOTERS,
    Calibration,
    Ranking,
    TextKind,
    TopicHead,
    TopicIndex,
    TopicRetriever,
    cache_name,
    hybrid_candidates,
    topic_texts,
    words_decide,
)
from bot.routing import Context
from bot.text import words
from tests.fakes.encoders import CountingEncoder
from tests.fakes.knowledge import topic, write_kb

ROOT = Path(__file__).resolve().parents[2]


class BrokenEncoder:
    """An encoder whose model cannot run."""

    model_id = "broken"
    dim = 384

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        raise RuntimeError("onnxruntime: cannot run the model")


def ask(text: str, user: str = "u1") -> Message:
    return Message(platform="console", user_id=user, chat_id=user, text=text)


def test_the_message_is_encoded_at_most_once(small_kb: KnowledgeBase, store: MemoryStore,
                                             encoder: OnnxEncoder) -> None:
    counting = CountingEncoder(encoder)
    bot = build_bot(small_kb, store.uow, encoder=counting)
    ctx = Context(message=ask("why do people package apps in images"),
                  text="why do people package apps in images", state=ConversationState(), bot=bot,
                  uow=None)
    first = ctx.query_vector()
    assert first is not None and first.shape == (encoder.dim,)
    assert ctx.query_vector() is first
    assert counting.encoded.count(ctx.text) == 1
    np.testing.assert_allclose(np.linalg.norm(first), 1.0, atol=1e-5)
    ctx.text = "why run many copies of a pod"  # a command's arguments replace the text
    assert ctx.query_vector() is not first
    assert counting.encoded.count("why run many copies of a pod") == 1


def test_without_an_encoder_there_is_no_vector(small_kb: KnowledgeBase, store: MemoryStore) -> None:
    bot = build_bot(small_kb, store.uow)
    ctx = Context(message=ask("what is docker"), text="what is docker", state=ConversationState(),
                  bot=bot, uow=None)
    assert bot.encoder is None and ctx.query_vector() is None


def test_a_failing_encoder_gives_no_vector_and_is_logged_once(
        small_kb: KnowledgeBase, store: MemoryStore, caplog: pytest.LogCaptureFixture) -> None:
    broken = BrokenEncoder()
    bot = build_bot(small_kb, store.uow, encoder=broken)
    before = broken.calls
    with caplog.at_level(logging.ERROR, logger="bot.routing"):
        for text in ("what is docker", "what does kubernetes do"):
            ctx = Context(message=ask(text), text=text, state=ConversationState(), bot=bot, uow=None)
            assert ctx.query_vector() is None
    assert broken.calls - before == 2  # tried again for each message: the failure may pass
    assert caplog.text.count("the sentence encoder failed") == 1


# --- on the shipped knowledge base --------------------------------------------------------------

# Written for these tests (not fitted on). None names its topic: no title, alias or keyword of the
# topic appears in it (checked below), as people ask who don't know the term. The matcher alone
# answers few of them.
PARAPHRASES: dict[str, tuple[str, ...]] = {
    "docker": ("my boss wants everything containerized but I don't get what that buys us",
               "how do I package my python app so it runs the same on every server",
               "it works on my laptop but breaks in production, how do I make both identical"),
    "kubernetes": ("how do big companies run hundreds of containerized services across many machines",
                   "what restarts my services automatically when a machine dies",
                   "spreading copies of my app over many servers with automatic restarts"),
    "authentication": ("how do I let users sign up and prove it is them when they come back",
                       "remember me checkbox, how does a website keep me logged in for a week",
                       "how do I know the person typing is really the account owner"),
    "authorization": ("how to make sure users can only see their own data",
                      "an ordinary member must not reach the moderator pages",
                      "only the owner of a document should be able to delete it"),
    "encryption": ("how do I keep data unreadable to someone snooping on the wifi",
                   "protecting card numbers stored in our database so a stolen backup is useless",
                   "what is the padlock in the browser address bar"),
    "observability": ("how can I tell what my services are doing in production before customers complain",
                      "the api went down at night and nobody knows why, how do we get insight",
                      "which numbers should I chart to know my app is healthy"),
    "salary-negotiation": ("what figure should I name when a company wants to hire me",
                           "the amount they proposed is lower than I hoped, can I push back",
                           "how much do backend developers with five years of experience make"),
    "testing": ("how do I check automatically that my functions return what I expect",
                "I keep breaking old features when I change something, how do I catch that earlier",
                "should I write checks for my code before or after the code itself"),
    "message-queues": ("sending emails from a separate program so the page returns right away",
                       "buffering bursts of incoming orders until the other service catches up",
                       "one service announces that something happened and several others react to it"),
    "git-version-control": ("going back to yesterday's version of my code",
                            "how do several developers edit one codebase without overwriting each other",
                            "how do I undo my last change after the team already has it"),
}
COMPARISONS: dict[str, frozenset[str]] = {
    "postgres or mongo for my side project": frozenset({"sql-vs-nosql", "sql-databases", "nosql-databases"}),
    "java vs python vs node for a beginner": frozenset({"choosing-a-language", "java", "python", "nodejs"}),
    "python vs go for backend services": frozenset({"choosing-a-language", "python", "go"}),
    "kafka or rabbitmq for background jobs": frozenset({"message-queues"}),
    "monolith vs microservices for a new startup": frozenset({"microservices"}),
    "rest or graphql for a mobile app": frozenset({"rest", "graphql", "api-development", "mobile-backend"}),
    "docker compose or kubernetes for a small team": frozenset({"docker", "kubernetes"}),
    "jwt or server side sessions": frozenset({"authentication"}),
}
OUT_OF_SCOPE = (
    "what is the meaning of life",
    "best pizza topping",
    "how tall is the eiffel tower",
    "can you recommend a good sci-fi series",
    "how do I cook risotto",
    "who won the match last night",
    "write me a limerick about cats",
    "how do I get rid of hiccups",
    # Near the domain: other professions' careers and pay read like the career topics.
    "how much does a hospital nurse get paid",
    "is plumbing a good trade to get into",
    "how do I get a job as a chef",
    "can a pharmacist become a hospital manager",
    "what does a quantity surveyor earn",
    # Consumer tech, personal finance and homework share words with the topics.
    "which tablet should I get my kids for christmas",
    "are government bonds safer than shares",
    "can you check my chemistry homework on moles",
    "which debit card has the lowest fees abroad",
    # Asked as questions, other work's interviews, pay and slow home computers sit nearer the
    # background's questions than a topic's sample questions.
    "tips for a job interview at a kindergarten",
    "how to ask for a raise as a dental hygienist",
    "my old computer takes ages to start, how do I speed it up",
    # Everyday senses of the knowledge base's words: a colour, a phone plan, games at home.
    "where can I find ruby red shoes for a costume party",
    "how much mobile data do I need for two weeks abroad",
    "my kids play online games all evening, how do I limit it",
)


def names_its_topic(question: str, t: Topic) -> list[str]:
    text = f" {' '.join(words(question))} "
    return [n for n in (t.title, *t.aliases, *t.keywords) if f" {' '.join(words(n))} " in text]


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return load_knowledge(None)


@pytest.fixture(scope="module")
def retriever(shipped: KnowledgeBase, encoder: OnnxEncoder) -> TopicRetriever:
    return TopicRetriever(shipped, encoder)


@pytest.fixture
def hybrid_bot(shipped: KnowledgeBase, encoder: Encoder) -> Bot:
    return build_bot(shipped, MemoryStore(list(shipped.openings)).uow, encoder=encoder)


def rank(retriever: TopicRetriever, encoder: Encoder, text: str) -> Ranking:
    return retriever.rank(text, lambda: encoder.encode([text])[0])


def test_paraphrases_do_not_name_their_topic(shipped: KnowledgeBase) -> None:
    for topic_id, questions in PARAPHRASES.items():
        for q in questions:
            assert names_its_topic(q, shipped.topics[topic_id]) == [], q


def test_paraphrases_are_found_by_meaning(retriever: TopicRetriever, encoder: OnnxEncoder) -> None:
    answered = near = by_words = 0
    total = sum(len(qs) for qs in PARAPHRASES.values())
    for topic_id, questions in PARAPHRASES.items():
        for q in questions:
            ranking = rank(retriever, encoder, q)
            ranked = [h.topic_id for h in ranking.hits]
            best = ranking.best
            answered += best is not None and best.topic_id == topic_id and best.confidence >= 0.5
            near += topic_id in ranked[:3]
            lexical = retriever.matcher.rank(q, limit=1)
            by_words += bool(lexical) and lexical[0].topic_id == topic_id and lexical[0].confidence >= 0.5
    # Measured when these were written: 27 of 30 have their topic among the first three (the
    # answer, or "did you mean" buttons), 8 are answered outright, 4 by the words alone.
    assert near >= 0.8 * total
    assert answered > by_words


@pytest.mark.parametrize("question", sorted(COMPARISONS))
async def test_a_comparison_gets_the_comparison_topic_or_one_side(hybrid_bot: Bot, question: str) -> None:
    reply = (await hybrid_bot.handle(ask(question)))[0]
    assert reply.intent in ("topic", "compare"), (reply.intent, reply.topic, reply.confidence)
    assert reply.topic in COMPARISONS[question], (reply.topic, reply.confidence)


@pytest.mark.parametrize("line", OUT_OF_SCOPE)
async def test_out_of_scope_lines_are_declined(hybrid_bot: Bot, line: str) -> None:
    reply = (await hybrid_bot.handle(ask(line)))[0]
    assert reply.intent == "fallback", (reply.topic, reply.confidence)


async def test_the_same_question_about_a_backend_career_is_answered(hybrid_bot: Bot) -> None:
    reply = (await hybrid_bot.handle(ask("how much does a backend developer get paid")))[0]
    assert reply.topic == "salary-negotiation", (reply.intent, reply.topic, reply.confidence)


# Borders between neighbouring topics, where the catalogue's scope line decides: schema layout,
# keys, normal forms, indexes and denormalising are database management (not SQL), paging a result
# is API development (not REST), picking one database over another is the choice between SQL and
# NoSQL, and a key-value store kept as the only database is NoSQL (not caching).
BORDERS: dict[str, str] = {
    "what does a foreign key constraint guarantee": "database-management",
    "which normal form should my tables be in": "database-management",
    "is a key-value store like redis safe as the only place my data lives": "nosql-databases",
    "how tight should the error budget be for our checkout service": "observability",
    "is copying the customer name into the orders table to skip a join a good idea": "database-management",
    "how should I lay out tables for students, courses and enrolments": "database-management",
    "the endpoint listing orders returns everything at once, how do I split it into pages": "api-development",
    "why would a team choose Cassandra instead of Postgres": "sql-vs-nosql",
}


@pytest.mark.parametrize("question", sorted(BORDERS))
async def test_a_border_question_gets_the_topic_its_scope_gives_it(hybrid_bot: Bot, question: str) -> None:
    reply = (await hybrid_bot.handle(ask(question)))[0]
    assert reply.topic == BORDERS[question], (reply.intent, reply.topic, reply.confidence)


# A phrase that reads like one topic's while the subject is another's ("behind the scenes" is not
# what backend engineering is when it is about card payments), and situations that name no term.
SITUATIONS: dict[str, frozenset[str]] = {
    "what happens behind the scenes when I pay with my card online": frozenset({"fintech-payments"}),
    "a coworker keeps claiming my work as his own in front of the manager": frozenset({"soft-skills"}),
    "the nightly scheduled script on our linux box never runs": frozenset({"server-management"}),
    # "hashing" alone is encryption's word; the phrase is about placing keys on nodes.
    "what is consistent hashing": frozenset({"system-design"}),
}


@pytest.mark.parametrize("question", sorted(SITUATIONS))
async def test_a_situation_gets_its_topic(hybrid_bot: Bot, question: str) -> None:
    """Answered, or offered first among the "did you mean" buttons."""
    reply = (await hybrid_bot.handle(ask(question)))[0]
    offered = reply.topic or next(iter(reply.suggestions), None)
    assert offered in SITUATIONS[question], (reply.intent, reply.topic, reply.suggestions, reply.confidence)


def _head(margin: float) -> TopicHead:
    # Two dimensions, three topics: the first axis is "b", the second "c"; "a" has no direction.
    weights = np.asarray([[0.0, 4.0, 0.0], [0.0, 0.0, 4.0], [0.0, 0.0, 0.0]], dtype=np.float32)
    return TopicHead(topic_ids=("a", "b", "c"), weights=weights, weight=1.0, margin=margin, encoder="")


def test_the_topic_head_settles_a_close_call_and_keeps_the_confidences_in_order() -> None:
    confidences = np.asarray([0.6, 0.55, 0.1])
    ranked = _head(margin=2.0).rerank(("a", "b", "c"), confidences, np.asarray([1.0, 0.0], dtype=np.float32))
    assert ranked.tolist() == [0.55, 0.6, 0.1]  # "b" now leads, with the best confidence


def test_the_topic_head_leaves_a_clear_answer_and_unknown_topics_alone() -> None:
    confidences = np.asarray([0.99, 0.3, 0.1])
    vector = np.asarray([1.0, 0.0], dtype=np.float32)
    assert _head(margin=2.0).rerank(("a", "b", "c"), confidences, vector).tolist() == confidences.tolist()
    close = np.asarray([0.6, 0.55, 0.1])
    assert _head(margin=2.0).rerank(("a", "x", "c"), close, vector).tolist() == close.tolist()


def test_the_words_decide_only_without_a_rival() -> None:
    assert words_decide(np.asarray([0.97, 0.2]), 0.9)
    assert not words_decide(np.asarray([0.97, 0.8]), 0.9)  # "backend job interview": job search or interviews
    assert not words_decide(np.asarray([0.85]), 0.9)
    assert not words_decide(np.zeros(0), 0.9)
    assert not words_decide(np.asarray([0.97, 0.2]), 0.9, unknown=True)  # "...become a midwife"


def test_a_match_counts_the_words_the_knowledge_base_does_not_know(retriever: TopicRetriever) -> None:
    known, unknown = (retriever.matcher.rank(t) for t in ("docker image size", "docker zorblax size"))
    assert known and unknown
    assert known[0].unknown == 0 and {m.unknown for m in unknown} == {1}


async def test_a_message_with_two_likely_topics_is_ranked_by_meaning(
        retriever: TopicRetriever, encoder: OnnxEncoder, hybrid_bot: Bot) -> None:
    text = "tips for a backend job interview"
    assert rank(retriever, encoder, text).method == "hybrid"
    assert (await hybrid_bot.handle(ask(text)))[0].topic == "interview-prep"


async def test_words_that_decide_skip_the_model_and_the_rest_is_encoded_once(
        shipped: KnowledgeBase, encoder: OnnxEncoder) -> None:
    counting = CountingEncoder(encoder)
    bot = build_bot(shipped, MemoryStore().uow, encoder=counting)
    counting.encoded.clear()
    clear = "explain kubernetes pods, deployments and services"
    unclear = "my boss wants everything packed into portable boxes but I don't get what that buys us"
    assert (await bot.handle(ask(clear)))[0].topic == "kubernetes"
    # Ranking decided by the words; the passage to show is chosen by meaning: one encoding.
    assert counting.encoded == [clear]
    assert (await bot.handle(ask("hello there", user="u2")))[0].intent == "greeting"
    assert counting.encoded == [clear]  # a sure greeting needs no model
    await bot.handle(ask(unclear, user="u3"))
    assert counting.encoded == [clear, unclear]  # scored, then the fallback's suggestions: once
    # Words the knowledge base lacks are encoded once more, and kept.
    odd = "my zorblax wants everything packed into portable boxes"
    await bot.handle(ask(odd, user="u4"))
    assert counting.encoded == [clear, unclear, odd, "zorblax"]
    await bot.handle(ask(odd + "?", user="u5"))
    assert counting.encoded == [clear, unclear, odd, "zorblax", odd + "?"]
    assert bot.retriever.rank(clear, lambda: None).method == "lexical"


def test_the_words_the_knowledge_base_lacks_are_found_after_typo_fixing(retriever: TopicRetriever) -> None:
    matcher = retriever.matcher
    assert matcher.unknown_words("docker zorblax size zorblax") == ["zorblax"]
    assert matcher.unknown_words("how do I dockr my app") == []  # a typo of a known word is known
    assert matcher.unknown_words("kubernetes pods") == []


def test_the_nearest_texts_vote_for_their_topics(shipped: KnowledgeBase) -> None:
    topics = list(shipped.topics.values())
    rng = np.random.default_rng(5)

    def vectors_of(texts: list[str]) -> Vectors:
        v = rng.normal(size=(len(texts), 8)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    index = TopicIndex(topics, vectors_of)
    query = index.vectors[3]  # one of the first topic's texts
    votes = index.similarities(query)["vote"]
    nearest = np.argsort(-(index.vectors @ query))[:VOTERS]
    assert votes.sum() == pytest.approx(1.0)
    assert votes[0] >= 1 / VOTERS
    assert list(votes) == [np.sum(index.owners[nearest] == i) / VOTERS for i in range(len(topics))]


def test_unknown_words_near_an_outside_subject_lower_the_confidence(
        retriever: TopicRetriever, encoder: OnnxEncoder) -> None:
    text = "how do I ask for a raise at the zorblax"
    matches = retriever.matcher.rank(text)
    assert retriever.index is not None and retriever.pages is not None and retriever.background is not None
    assert matches and matches[0].unknown == 1
    args = (matches, retriever.pages.scores(text), retriever.index, encoder.encode([text])[0],
            retriever.background)
    without = hybrid_candidates(*args)
    outside = hybrid_candidates(*args, encoder.encode(["supermarket"])[0])
    inside = hybrid_candidates(*args, encoder.encode(["software developer"])[0])
    assert not without.features["sem_unknown_margin"].any()
    best = without.topic_ids.index("salary-negotiation")
    assert outside.features["sem_unknown_margin"][best] < 0 < inside.features["sem_unknown_margin"][best]
    cal = Calibration.load()
    assert "sem_unknown_margin" in cal.hybrid.features
    assert cal.hybrid.confidences(outside)[best] < cal.hybrid.confidences(inside)[best]


def test_the_message_shape_moves_every_candidate_against_none(
        retriever: TopicRetriever, encoder: OnnxEncoder) -> None:
    assert retriever.index is not None and retriever.pages is not None and retriever.background is not None

    def shape(text: str) -> tuple[float, float]:
        matches = retriever.matcher.rank(text)
        c = hybrid_candidates(matches, retriever.pages.scores(text), retriever.index,
                              encoder.encode([text])[0], retriever.background)
        share, length = c.features["msg_unknown_share"], c.features["msg_length"]
        assert len(set(share)) == len(set(length)) == 1  # the same for every candidate
        return float(share[0]), float(length[0])

    assert shape("docker zorblax quindle") == (pytest.approx(2 / 3), pytest.approx(np.log1p(3)))
    assert shape("what is docker")[0] == 0.0
    terse, chatty = shape("docker volumes"), shape("we moved to a new office and my lead now asks me to "
                                                   "understand how docker volumes keep the data around")
    assert chatty[1] > terse[1]
    cal = Calibration.load()
    assert {"msg_unknown_share", "msg_length"} <= set(cal.hybrid.features)


def test_each_topics_nearest_text_of_a_kind_is_its_best_cosine(shipped: KnowledgeBase) -> None:
    # Topics without texts of a kind (no sample questions here) keep -1 for it.
    topics = [dataclasses.replace(t, questions=()) if i % 7 == 3 else t
              for i, t in enumerate(shipped.topics.values())]
    rng = np.random.default_rng(13)

    def vectors_of(texts: list[str]) -> Vectors:
        v = rng.normal(size=(len(texts), 8)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    index = TopicIndex(topics, vectors_of)
    query = vectors_of(["q"])[0]
    cos = (index.vectors @ query).astype(np.float64)
    sims = index.similarities(query)
    row = 0
    for i, t in enumerate(topics):
        kinds = [kind for kind, _ in topic_texts(t)]
        mine = cos[row:row + len(kinds)]
        row += len(kinds)
        for kind, name in ((TextKind.QUESTION, "question"), (TextKind.ANSWER, "answer"),
                           (TextKind.PASSAGE, "passage"), (TextKind.TITLE, "title")):
            chosen = [c for c, k in zip(mine, kinds, strict=True) if k == kind]
            assert sims[name][i] == (max(chosen) if chosen else -1.0), (t.id, name)


def test_a_ranking_explains_itself(retriever: TopicRetriever, encoder: OnnxEncoder) -> None:
    ranking = rank(retriever, encoder, "letting visitors log in with their google account")
    assert ranking.method == "hybrid" and ranking.best is not None
    assert ranking.best.topic_id == "authentication"
    confidences = [h.confidence for h in ranking.hits]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert ranking.suggestions(3) == [h for h in ranking.hits[:3] if h.confidence >= ranking.suggest_at]


async def test_intents_sure_of_themselves_win_over_topics(hybrid_bot: Bot) -> None:
    assert (await hybrid_bot.handle(ask("find me openings that fit my profile")))[0].intent == "openings"


def test_the_calibration_names_only_features_the_retriever_computes(
        retriever: TopicRetriever, encoder: OnnxEncoder) -> None:
    cal = Calibration.load()
    assert 0.0 < cal.suggest_at < 0.5 <= cal.skip_at <= 1.01
    ranking = rank(retriever, encoder, "my boss wants everything packed into portable boxes")
    assert ranking.method == "hybrid"  # every hybrid feature was there to read


def test_the_fit_script_refuses_held_out_questions() -> None:
    held_out = ROOT / "tests/bot/data/heldout/heldout-questions.yaml"
    res = subprocess.run([sys.executable, str(ROOT / "scripts/fit_retrieval.py"), str(held_out), "--check"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode != 0 and "held-out" in res.stderr


def test_every_validation_file_is_refused_by_the_fit_script() -> None:
    spec = importlib.util.spec_from_file_location("fit_retrieval", ROOT / "scripts/fit_retrieval.py")
    assert spec is not None and spec.loader is not None
    fit = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = fit  # its dataclasses look their module up
    try:
        spec.loader.exec_module(fit)
    finally:
        del sys.modules[spec.name]
    dev = ROOT / "tests/bot/data/dev"
    written = {p.resolve() for p in (*dev.glob("questions-valid-*.yaml"), dev / "oos-validation.yaml")}
    assert written <= {p.resolve() for p in fit.VALIDATION}
    assert not written & {p.resolve() for p in fit.DEFAULT_FILES}


def test_the_fit_script_refuses_validation_questions() -> None:
    valid = ROOT / "tests/bot/data/dev/questions-valid-3.yaml"
    res = subprocess.run([sys.executable, str(ROOT / "scripts/fit_retrieval.py"), str(valid), "--check"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode != 0 and "validation set" in res.stderr


# --- the embedding cache and matching by words alone ----------------------------------------------

def two_topics(root: Path, docker_question: str = "why use containers") -> KnowledgeBase:
    return load_knowledge(write_kb(root, [
        topic("docker", title="Docker", aliases=["containers"],
              questions=["what is docker", docker_question, "docker image vs container",
                         "how to write a dockerfile", "docker for beginners"]),
        topic("kubernetes", title="Kubernetes", aliases=["k8s"],
              questions=["what does kubernetes do", "what is a pod", "k8s basics",
                         "kubernetes autoscaling", "do I need kubernetes"]),
    ]))


def test_reload_embeds_only_what_changed(tmp_path: Path, encoder: OnnxEncoder) -> None:
    counting = CountingEncoder(encoder)
    kb = two_topics(tmp_path / "kb")
    bot = build_bot(kb, MemoryStore().uow, encoder=counting, embedding_dir=tmp_path / "cache")
    assert bot.retriever.semantic and len(counting.encoded) > 10
    counting.encoded.clear()

    restarted = CountingEncoder(encoder)  # a new process: nothing indexed in memory yet
    build_bot(kb, MemoryStore().uow, encoder=restarted, embedding_dir=tmp_path / "cache")
    assert restarted.encoded == []  # a restart reads every vector from the cache

    edited = two_topics(tmp_path / "kb", docker_question="why would I ship my app as an image")
    bot.replace_knowledge(edited)
    # Each collection holding the edited question (topics, intents' contrast) embeds only it.
    assert set(counting.encoded) == {"why would I ship my app as an image"}
    assert bot.retriever.index is not None and "docker" in bot.retriever.index.ids


def test_each_knowledge_folder_has_its_own_cache_file(tmp_path: Path) -> None:
    assert cache_name(tmp_path / "a", "topics") != cache_name(tmp_path / "b", "topics")
    assert cache_name(tmp_path / "a", "topics") == cache_name(tmp_path / "a" / ".." / "a", "topics")
    assert cache_name(default_dir(), "topics") == cache_name(None, "topics") == "topics"


async def test_without_an_encoder_the_matcher_decides(small_kb: KnowledgeBase, store: MemoryStore) -> None:
    bot = build_bot(small_kb, store.uow)
    ranking = bot.retriever.rank("what is docker", lambda: pytest.fail("no encoder to ask"))
    assert ranking.method == "matcher" and not bot.retriever.semantic
    matches = bot.matcher.rank("what is docker", limit=5)
    assert [(h.topic_id, h.confidence) for h in ranking.hits] == [(m.topic_id, m.confidence) for m in matches]
    assert (await bot.handle(ask("what is docker")))[0].topic == "docker"


async def test_an_encoder_failing_on_the_knowledge_base_leaves_the_words(
        small_kb: KnowledgeBase, store: MemoryStore, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.retrieval"):
        bot = build_bot(small_kb, store.uow, encoder=BrokenEncoder())
    assert "embedding the knowledge base failed" in caplog.text
    assert not bot.retriever.semantic
    reply = (await bot.handle(ask("what does kubernetes do")))[0]
    assert (reply.intent, reply.topic) == ("topic", "kubernetes")


async def test_an_encoder_failing_on_a_message_leaves_the_words(
        small_kb: KnowledgeBase, store: MemoryStore, encoder: OnnxEncoder) -> None:
    flaky = FlakyEncoder(encoder)
    bot = build_bot(small_kb, store.uow, encoder=flaky)
    assert bot.retriever.semantic
    flaky.broken = True
    text = "which is better for storing orders, tables or documents"
    ranking = bot.retriever.rank(text, lambda: bot.encode_query(text))
    assert ranking.method == "matcher"
    replies = await bot.handle(ask("what is docker and do I need it"))
    assert replies[0].intent in ("topic", "fallback")


class FlakyEncoder(CountingEncoder):
    """Works until told to break."""

    broken = False

    def encode(self, texts: Sequence[str]) -> Vectors:
        if self.broken:
            raise RuntimeError("onnxruntime: out of memory")
        return super().encode(texts)


def test_the_shipped_knowledge_base_needs_no_encoding_on_a_fresh_install(
        shipped: KnowledgeBase, encoder: OnnxEncoder, tmp_path: Path) -> None:
    # Its vectors come with the package (scripts/embed_shipped.py): a new install starts at once.
    counting = CountingEncoder(encoder)
    build_bot(shipped, MemoryStore().uow, encoder=counting, embedding_dir=tmp_path / "empty")
    assert counting.encoded == [], "knowledge/ changed: run scripts/embed_shipped.py"


def test_building_the_core_holds_no_shipped_vectors_afterwards(tmp_path: Path,
                                                               encoder: OnnxEncoder) -> None:
    # They seed the caches of a fresh install; held after that they were 6 MB of a small
    # instance's 250 MB (issue 14's start-up budget).
    from bot.embedding_cache import shipped_vectors

    kb = load_knowledge(default_dir())
    bot_ = build_bot(kb, MemoryStore().uow, encoder=encoder, embedding_dir=tmp_path)
    assert bot_.retriever.index is not None  # embedded, from the shipped vectors
    assert shipped_vectors.cache_info().currsize == 0
    bot_.replace_knowledge(kb)
    assert shipped_vectors.cache_info().currsize == 0


def test_the_shipped_topic_head_was_fitted_with_the_shipped_encoder_on_every_topic(
        encoder: OnnxEncoder, kb: KnowledgeBase) -> None:
    """A head fitted with another model is switched off without a word: re-run
    scripts/fit_retrieval.py after changing the model or the topics."""
    head = TopicHead.load()
    assert head is not None and head.encoder == encoder.model_id
    assert set(head.topic_ids) == set(kb.topics)


def test_a_few_words_of_another_field_read_as_outside_the_domain(retriever: TopicRetriever) -> None:
    # The work a request for jobs names: another field's ("nurses") against the domain's own.
    assert retriever.outside("nurses") and retriever.outside("lawyer")
    assert not retriever.outside("startup") and not retriever.outside("frontend")
    assert not retriever.outside("")
