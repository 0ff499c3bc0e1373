"""Fixtures: a knowledge folder, the fake Slack server, and the real Bolt app under uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from adapters.bootstrap import Runtime, build
from adapters.channels.base import Mount
from adapters.settings import Settings
from bot.memory import MemoryStore
from bot.messages import Message, Reply
from tests.fakes.knowledge import write_kb
from tests.fakes.servers import serve_asgi
from tests.fakes.slack_api import FakeSlack, SignedRequests

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
LONG_WORDS = 1500

_WORDS = " ".join(["Systems grow in layers, and each layer teaches something new."] * 5)
_ANSWER = " ".join(["Docker packages an application with its dependencies into an image "
                    "that runs the same on a laptop and on a server."] * 4)


def _topic(tid: str, title: str, answer: str, *, aliases: list[str],
           related: list[str]) -> dict[str, object]:
    return {
        "id": tid,
        "title": title,
        "aliases": aliases,
        "questions": [f"what is {title}", f"explain {title}", f"how does {title} work",
                      f"tell me about {title}", f"{title} basics"],
        "answer": answer,
        "details": f"{title} in depth: layers, caching & the <build> context. {_WORDS}",
        "related": related,
        "resources": [{"title": f"{title} docs & more",
                       "url": f"https://example.com/{tid}?a=1&b=2"}],
    }


def write_knowledge(root: Path) -> Path:
    """A small knowledge folder (topics, skills, openings) in the shipped schema."""
    long_answer = "\n\n".join(
        [("Long read. " + "word " * LONG_WORDS).strip() for _ in range(3)]
        + [f"Short paragraph {i} of the long read." for i in range(60)]
        + ["\n".join(f"- point number {i} about the long read" for i in range(200))]
    )
    topics = [
        _topic("docker", "Docker", _ANSWER, aliases=["containers"], related=["kubernetes"]),
        _topic("kubernetes", "Kubernetes", _ANSWER.replace("Docker", "Kubernetes"),
               aliases=["k8s"], related=["docker"]),
        _topic("longread", "Longread", long_answer, aliases=["encyclopedia"], related=[]),
    ]
    skills = [{"name": "Go", "aliases": ["golang"]}, {"name": "Python"},
              {"name": "Docker", "topic": "docker"},
              {"name": "Kubernetes", "aliases": ["k8s"], "topic": "kubernetes"}]
    openings = [
        {"external_id": "acme-go", "title": "Backend Engineer (Go)", "company": "Acme & Sons",
         "url": "https://jobs.example.com/acme-go", "location": "Berlin", "remote": "yes",
         "level": "senior", "skills": ["Go", "Kubernetes"], "description": "Build APIs in Go.",
         "posted": date(2026, 11, 1)},
        {"external_id": "globex-py", "title": "Python Developer", "company": "Globex",
         "url": "https://jobs.example.com/globex-py", "location": "Paris", "remote": "no",
         "level": "junior", "skills": ["Python", "Docker"], "description": "Django services.",
         "posted": date(2026, 11, 2)},
    ]
    return write_kb(root, topics, group="Tools", skills=skills, openings=openings)


@pytest.fixture(scope="session")
def knowledge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every test, which only reads it: the embedding cache is kept per folder,
    so the long read's passages are embedded once rather than for every test."""
    return write_knowledge(tmp_path_factory.mktemp("slack") / "knowledge")


@dataclass
class SlackHarness:
    fake: FakeSlack
    signed: SignedRequests
    http: httpx.AsyncClient
    store: MemoryStore
    handled: list[tuple[Message, list[Reply]]] = field(default_factory=list)

    async def post(self, body: bytes, headers: dict[str, str], **extra: str) -> httpx.Response:
        return await self.http.post("/slack/events", content=body, headers={**headers, **extra})

    async def wait_handled(self, n: int) -> None:
        """Wait until the core has finished n messages (a deduplicated one counts too)."""
        await self.fake.wait_for(lambda _: len(self.handled) >= n, what=f"{n} handled messages")


def slack_settings(knowledge_dir: Path, fake: FakeSlack, **extra: object) -> Settings:
    """Slack over HTTP (signing secret) against the fake's Web API."""
    values: dict[str, object] = {"slack_bot_token": SecretStr("xoxb-test-token"),
                                 "slack_signing_secret": SecretStr(SECRET)}
    return Settings(_env_file=None, careerbot_knowledge_dir=knowledge_dir,  # type: ignore[call-arg]
                    slack_api_url=fake.api_url, **{**values, **extra})


def slack_mount(runtime: Runtime) -> Mount:
    mount = runtime.channel("slack").mount(runtime.bot)
    assert isinstance(mount, Mount)
    return mount


@pytest.fixture
async def slack(knowledge_dir: Path, fake_slack: FakeSlack) -> AsyncIterator[SlackHarness]:
    store = MemoryStore()
    handled: list[tuple[Message, list[Reply]]] = []
    async with await build(slack_settings(knowledge_dir, fake_slack), store=store) as runtime:
        runtime.bot.hooks.append(lambda m, r, _t: handled.append((m, r)))
        mount = slack_mount(runtime)
        async with mount.running(), serve_asgi(Starlette(routes=mount.routes)) as base_url, \
                httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            yield SlackHarness(fake=fake_slack, signed=SignedRequests(SECRET, fake_slack),
                               http=http, store=store, handled=handled)
