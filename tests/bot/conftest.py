"""Core test fixtures: a small hand-made knowledge base and a bot over in-memory repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.bootstrap import build_bot
from bot.dialogue import Bot
from bot.encoder import OnnxEncoder, shared_encoder
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.memory import MemoryStore
from tests.fakes.knowledge import topic, write_kb


@pytest.fixture(scope="session")
def encoder() -> OnnxEncoder:
    """The process's one model, loaded once for the whole session."""
    enc = shared_encoder()
    enc.load()
    return enc


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The shipped knowledge base, loaded once: its topics are the answers conversations about
    openings and profiles used to get instead."""
    return load_knowledge(None)


@pytest.fixture
def small_kb(tmp_path: Path) -> KnowledgeBase:
    topics = [
        topic("sql-databases", title="SQL databases", aliases=["sql", "postgres", "mysql"],
              keywords=["relational", "joins", "transactions"],
              questions=["what is a relational database", "how do sql joins work",
                         "what is postgres", "explain transactions in sql", "mysql vs postgres"],
              related=["nosql-databases", "docker"]),
        topic("nosql-databases", title="NoSQL databases", aliases=["nosql", "mongodb", "mongo"],
              keywords=["document", "cassandra"],
              questions=["what is nosql", "when to use mongodb", "what is a document database",
                         "is cassandra nosql", "nosql examples"],
              related=["sql-databases"]),
        topic("docker", aliases=["containers"], keywords=["image", "dockerfile"],
              questions=["what is docker", "why use containers", "docker image vs container",
                         "how to write a dockerfile", "docker for beginners"],
              related=["kubernetes"]),
        topic("kubernetes", aliases=["k8s"], keywords=["pods", "orchestration"],
              questions=["what does kubernetes do", "what is a pod", "k8s basics",
                         "kubernetes autoscaling", "do I need kubernetes"],
              related=["docker"]),
    ]
    skills = [{"name": "PostgreSQL", "aliases": ["postgres"], "topic": "sql-databases"},
              {"name": "Docker", "aliases": [], "topic": "docker"}]
    openings = [{"external_id": "s1", "title": "Senior Backend Engineer", "company": "Stripe",
                 "url": "https://stripe.com/jobs", "remote": "unknown", "level": "senior",
                 "skills": ["PostgreSQL"], "description": "APIs for payments."}]
    return load_knowledge(write_kb(tmp_path / "kb", topics, group="Data",
                                   skills=skills, openings=openings))


@pytest.fixture
def store(small_kb: KnowledgeBase) -> MemoryStore:
    return MemoryStore(list(small_kb.openings))


@pytest.fixture
def bot(small_kb: KnowledgeBase, store: MemoryStore) -> Bot:
    return build_bot(small_kb, store.uow, admins=frozenset({"console:admin"}))
