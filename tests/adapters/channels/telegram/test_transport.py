"""AiohttpRequest, the Bot API transport: PTB's errors for refused and slow connections."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import web
from telegram.error import NetworkError, TimedOut

from adapters.channels.telegram.transport import AiohttpRequest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_refused_connection_is_a_network_error() -> None:
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.do_request(f"http://127.0.0.1:{free_port()}/botTOKEN/getMe", "POST")
    finally:
        await request.shutdown()


async def test_slow_answer_is_timed_out_and_a_normal_one_returns_status_and_body() -> None:
    async def slow(_: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.json_response({"ok": True})

    async def fast(_: web.Request) -> web.Response:
        return web.json_response({"ok": True, "result": 1}, status=200)

    app = web.Application()
    app.router.add_post("/slow", slow)
    app.router.add_post("/fast", fast)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        status, body = await request.do_request(f"http://127.0.0.1:{port}/fast", "POST")
        assert (status, body) == (200, b'{"ok": true, "result": 1}')
        with pytest.raises(TimedOut):
            await request.do_request(f"http://127.0.0.1:{port}/slow", "POST")
    finally:
        await request.shutdown()
        await runner.cleanup()
