"""Fixtures: a small knowledge folder, the fake Bot API, and the real Application against it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from adapters.bootstrap import Runtime, build
from adapters.channels.telegram.channel import TelegramChannel
from adapters.channels.telegram.polling import polling as polling_updates
from adapters.settings import Settings
from bot.memory import MemoryStore
from tests.fakes.knowledge import write_kb
from tests.fakes.telegram_api import FakeBotApi

WEBHOOK_SECRET = "s3cret-Token_for-tests"

_LONG_PARAGRAPH = (
    "A career path in backend engineering is not a ladder with one set of rungs but a set of "
    "overlapping tracks that reward different strengths, and the paragraph you are reading is "
    "deliberately long so that the answer as a whole does not fit in one Telegram message. "
)


def _topic(tid: str, title: str, aliases: list[str], questions: list[str], answer: str,
           related: list[str]) -> dict[str, Any]:
    return {
        "id": tid, "title": title, "aliases": aliases, "questions": questions, "answer": answer,
        "details": f"More about {title.lower()}: practise, read, build something small.",
        "example": f"An example about {title.lower()}.",
        "related": related,
        "resources": [{"title": "Official docs", "url": f"https://example.org/{tid}?a=1&b=2"}],
    }


def write_knowledge(root: Path) -> Path:
    long_answer = "\n\n".join(_LONG_PARAGRAPH * 5 for _ in range(6))
    topics = [
        _topic("graphql", "GraphQL", ["graphql", "graph ql"],
               ["what is graphql", "graphql vs rest", "should I learn graphql",
                "how does graphql work", "graphql schema basics"],
               "**GraphQL** is a query language for APIs: clients ask for exactly the fields "
               "they need & the server resolves them.\n\n- one endpoint\n- typed schema",
               ["docker"]),
        _topic("docker", "Docker and containers", ["docker", "containers", "container"],
               ["what is docker", "how do containers work", "docker vs virtual machine",
                "should I learn docker", "what is a container image"],
               "**Docker** packages an app & its dependencies into an image; a container is a "
               "running image. Images are small when layers < 100 MB.\n\n"
               "- build with a Dockerfile\n- run with docker run",
               ["graphql", "career-paths"]),
        _topic("getting-started", "Getting started", ["getting started", "how to start"],
               ["how do I start in backend", "where to begin", "first steps in backend",
                "how to become a backend developer", "beginner roadmap"],
               "Start with one language, HTTP and SQL, then build and deploy a small API.",
               ["docker"]),
        _topic("career-paths", "Career paths", ["career paths", "career path", "career ladder"],
               ["what career paths exist", "career path for backend engineers",
                "how do backend careers grow", "staff engineer or manager",
                "what comes after senior"],
               long_answer, ["docker"]),
    ]
    skills = [{"name": "Docker", "aliases": ["containers"], "topic": "docker"},
              {"name": "GraphQL", "topic": "graphql"},
              {"name": "Python", "aliases": ["py"]}]
    return write_kb(root, topics, group="Test topics", skills=skills)


@pytest.fixture(scope="session")
def knowledge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every test, which only reads it: the embedding cache is kept per folder,
    so the long answer's passages are embedded once rather than for every test."""
    return write_knowledge(tmp_path_factory.mktemp("telegram") / "knowledge")


@pytest.fixture
def fake(fake_telegram: FakeBotApi) -> FakeBotApi:
    """The fake Bot API (tests/conftest.py), under this package's short name."""
    return fake_telegram


@pytest.fixture
def settings(fake: FakeBotApi, knowledge_dir: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=SecretStr(fake.token),
        telegram_api_base_url=fake.base_url,
        telegram_webhook_secret=SecretStr(WEBHOOK_SECRET),
        careerbot_knowledge_dir=knowledge_dir,
    )


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    async with await build(settings, store=MemoryStore()) as runtime:
        yield runtime


def telegram(runtime: Runtime) -> TelegramChannel:
    channel = runtime.channel("telegram")
    assert isinstance(channel, TelegramChannel)
    return channel


@pytest.fixture
async def polling(runtime: Runtime) -> AsyncIterator[Any]:
    """The real Application, long polling the fake over HTTP."""
    application = telegram(runtime).application(runtime.bot, webhook=False)
    async with polling_updates(application, poll_timeout=1):
        yield application


async def settle(application: Any, fake: FakeBotApi, update_id: int) -> None:
    """Until the update was fetched and fully handled (every send it caused is done)."""
    await fake.wait_confirmed(update_id)
    await asyncio.wait_for(application.update_queue.join(), 15)
