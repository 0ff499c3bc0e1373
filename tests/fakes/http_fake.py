"""What every fake HTTP API shares: its aiohttp application on a free port while in use."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import web


@dataclass
class AiohttpFake(abc.ABC):
    """A fake HTTP API: its aiohttp application on a free port of 127.0.0.1 while in use."""

    _runner: web.AppRunner | None = field(default=None, init=False, repr=False)

    @abc.abstractmethod
    async def start(self) -> object:
        """Build the routes and serve them with _listen."""

    async def _listen(self, app: web.Application, **runner_options: Any) -> str:
        """Serve `app`; returns its base URL."""
        self._runner = web.AppRunner(app, **runner_options)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
