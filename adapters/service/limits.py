"""What an unauthenticated client can make the server hold: request size and time to send it."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger(__name__)

# Real webhook updates are a few kB; Slack's largest payloads (modals, long messages) stay well
# under this, and Telegram's updates too.
MAX_BODY = 1 << 20
# Slack and Telegram send a whole request within milliseconds.
BODY_TIMEOUT = 10.0
# Request line and headers (h11's default cap; real webhook requests send about 1 kB).
MAX_HEADER_BYTES = 16 * 1024


class RequestLimits:
    """ASGI middleware: the whole body, at most `max_bytes` of it, within `timeout` seconds,
    before any route sees the request.

    A declared Content-Length over the limit is refused (413) before a byte is read; a chunked
    body is counted as it arrives and refused as soon as it passes the limit, so no more than
    the limit is ever held. Too slow a body gets 408. The route then reads the buffered body as
    usual. Each refusal is one log line; a client that goes away is not an error.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_BODY,
                 timeout: float = BODY_TIMEOUT) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            log.warning("refused %s: body of %d bytes declared, the limit is %d",
                        path, declared, self.max_bytes)
            await _refuse(413, "request body too large", scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.timeout):
                more = True
                while more:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        log.info("client went away before sending all of a request to %s", path)
                        return
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.max_bytes:
                        log.warning("refused %s: body over the limit of %d bytes",
                                    path, self.max_bytes)
                        await _refuse(413, "request body too large", scope, receive, send)
                        return
                    if chunk:
                        chunks.append(chunk)
                    more = message.get("more_body", False)
        except TimeoutError:
            log.warning("refused %s: body not received within %.0f s (%d bytes came)",
                        path, self.timeout, size)
            await _refuse(408, "request body too slow", scope, receive, send)
            return
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # from here on only http.disconnect can come

        await self.app(scope, replay, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            # The server (httptools) has already refused a malformed one with 400.
            return int(value)
    return None


async def _refuse(status: int, text: str, scope: Scope, receive: Receive, send: Send) -> None:
    # Connection: close, since the rest of the body is never read.
    response = PlainTextResponse(text, status_code=status, headers={"Connection": "close"})
    await response(scope, receive, send)


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with two bounds it lacks: request headers of at most
    MAX_HEADER_BYTES, and a deadline for them: keep-alive timeout seconds from connecting, or
    from the previous response, to the end of the next request's headers.

    httptools gathers a header of any length before handing it over, so the bytes of a
    request's headers are counted as they arrive, before the parser sees them. Without a
    deadline, a request whose headers trickle in a byte at a time would hold a file descriptor
    for as long as the client likes, and a few hundred exhaust a process's descriptors (issue
    13). uvicorn's h11 protocol bounds the size but costs more CPU per request (its parser is
    pure Python; see benchmarks/README.md, "Service").
    """

    _header_timer: asyncio.TimerHandle | None = None
    # Bytes received of the next request's headers (counted until they are complete; the
    # bytes after a request's end in the same read are not, so at most one read more than the
    # limit is held), the size of those parsed so far, and whether its body follows.
    _header_bytes = 0
    _header_size = 0
    _in_body = False
    # Past the limit: the parser's callbacks do nothing more, and the connection is closed.
    _refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if not self._in_body:
            self._header_bytes += len(data)
        super().data_received(data)
        if not self._in_body and self._header_bytes > MAX_HEADER_BYTES:
            self._refused = True
        if self._refused and not self.transport.is_closing():
            log.warning("refused a request whose headers passed %d bytes", MAX_HEADER_BYTES)
            self.transport.write(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
                                 b"content-length: 0\r\nconnection: close\r\n\r\n")
            self.transport.close()

    def on_message_begin(self) -> None:
        self._header_size = 0
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._header_size += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_size += len(name) + len(value)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        # Headers that came in one read were never incomplete after one: their size decides.
        self._refused = self._refused or self._header_size > MAX_HEADER_BYTES
        if self._refused:
            return
        self._in_body = True
        self._header_bytes = 0
        self._cancel_header_timer()
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        self._in_body = False
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        self._header_timer = self.loop.call_later(self.timeout_keep_alive, self._headers_late)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        busy = (self._in_body or self.pipeline
                or (self.cycle is not None and not self.cycle.response_complete))
        if self.transport.is_closing() or busy:
            return
        if self._header_bytes:
            # Part of a request came: say why it ends (a client that sent nothing just closes).
            self.transport.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n"
                                 b"connection: close\r\n\r\n")
            log.info("closed a connection whose request headers did not arrive in %d s",
                     self.timeout_keep_alive)
        self.transport.close()


def server_options(*, max_connections: int) -> dict[str, Any]:
    """uvicorn's options for a server facing the internet (behind a proxy or not)."""
    return {
        # httptools (C) with a header size limit and deadline of our own (see above).
        "http": GuardedHttpToolsProtocol,
        # Past this many connections (or requests in progress) uvicorn answers 503 at once.
        "limit_concurrency": max_connections,
        # Idle keep-alive connections, and the deadline for a request's headers (above).
        "timeout_keep_alive": 5,
    }
