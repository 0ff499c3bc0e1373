"""Job feeds as boards publish them: files for tests that import them, and a board server."""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakes.http_fake import AiohttpFake


def greenhouse_job(job_id: int, title: str, company: str, location: str, content: str
                   ) -> dict[str, Any]:
    """One job of a Greenhouse job board response (content is the ad's HTML)."""
    return {"id": job_id, "title": title, "company_name": company,
            "updated_at": "2026-11-20T09:00:00+00:00", "location": {"name": location},
            "absolute_url": f"https://boards.greenhouse.io/{company.lower().replace(' ', '')}"
                            f"/jobs/{job_id}",
            "content": content}


def write_greenhouse(path: Path, jobs: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}), encoding="utf-8")
    return path


# Imported openings that the shipped knowledge base's seed openings are not: a Rust ad, a mid
# Python ad and one whose title, like most in real feeds, states no level.
SAMPLE_JOBS = [
    greenhouse_job(7001, "Rust Backend Engineer", "Ferrowind", "Remote - EU",
                   "<p>Ferrowind builds trading engines in Rust and Kafka.</p>"
                   "<p>Fully remote within EU time zones.</p>"),
    greenhouse_job(7002, "Mid-level Python Developer", "Tidemark", "Berlin, Germany",
                   "<p>Tidemark makes tide tables for sailors. Python, Django and PostgreSQL."
                   "</p><p>On-site in our Berlin office.</p>"),
    greenhouse_job(7003, "Backend Engineer (Python/Django)", "Quaystone",
                   "Hamburg, Germany (Hybrid)",
                   "<p>Quaystone builds invoicing software with Python, Django and Redis.</p>"
                   "<p>Hybrid: two days a week in our Hamburg office.</p>"),
    greenhouse_job(7004, "Senior Python Engineer", "Sablewood", "London, UK",
                   "<p>Sablewood runs a marketplace for vintage bikes in Python.</p>"),
]


@dataclass
class FeedServer(AiohttpFake):
    """Greenhouse job boards on 127.0.0.1 (`/v1/boards/NAME/jobs`) with ETags, counting what
    each board was asked; a board in `broken` answers 500, bad JSON or too big a body."""

    boards: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)
    # Seconds each answer waits, so that workers polling at once overlap.
    delay: float = 0.0
    # When set, answers wait until it is set (a fetch that hangs until the test lets go).
    gate: asyncio.Event | None = None
    # (board, the If-None-Match it was asked with) per request, in order.
    asked: list[tuple[str, str | None]] = field(default_factory=list)
    base_url: str = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/v1/boards/{name}/jobs", self._board)
        self.base_url = await self._listen(app)
        return self.base_url

    def url(self, name: str) -> str:
        return f"{self.base_url}/v1/boards/{name}/jobs?content=true"

    def requests(self, name: str) -> int:
        return sum(1 for board, _ in self.asked if board == name)

    async def _board(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.asked.append((name, request.headers.get("If-None-Match")))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.gate is not None:
            await self.gate.wait()
        broken = self.broken.get(name)
        if broken == "500":
            return web.Response(status=500, text="internal error")
        if broken == "bad json":
            return web.json_response(text='{"jobs": [{"id": 1, ')
        if broken == "too big":
            return web.json_response({"jobs": [], "padding": "x" * 200_000})
        body = json.dumps({"jobs": self.boards.get(name, []), "meta": {"total": 0}})
        etag = f'"{hashlib.sha256(body.encode()).hexdigest()[:16]}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.json_response(text=body, headers={"ETag": etag})
