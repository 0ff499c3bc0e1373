"""The Bot API transport on one aiohttp session: a fast path measured by benchmarks/bench_serve.py."""

from __future__ import annotations

import urllib.parse
import urllib.request
from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's defaults for the bot's own requests (ApplicationBuilder with HTTPXRequest).
POOL_SIZE = 256
READ_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
# "Not given" timeouts arrive as PTB's DefaultValue instances.
_DEFAULT = type(BaseRequest.DEFAULT_NONE)
FORM_URLENCODED = "application/x-www-form-urlencoded"


class AiohttpRequest(BaseRequest):
    """PTB's transport for Bot API calls on an aiohttp session with keep-alive connections.

    Same requests, timeouts and errors as PTB's default HTTPXRequest, at about a quarter of its
    CPU per call: httpx/httpcore/anyio were the largest cost of answering a Telegram update
    (its pool checks every idle connection's socket on each request). benchmarks/bench_serve.py
    (benchmarks/README.md, "Service"): 417 → 481 requests a second, 2.4 → 2.1 ms of CPU each;
    reading proxies only when some are set, 596 and 1.7 ms. The rest of the channel sees only
    PTB's `BaseRequest`: `client.request()` is the one line to go back to HTTPXRequest.
    """

    def __init__(self, *, pool_size: int = POOL_SIZE, read_timeout: float = READ_TIMEOUT,
                 connect_timeout: float = CONNECT_TIMEOUT,
                 pool_timeout: float = POOL_TIMEOUT) -> None:
        self.pool_size = pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # Proxies from HTTPS_PROXY etc., as httpx honours them; only when some are set,
            # since aiohttp's trust_env costs two thread-pool hops per request.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.pool_size),
                trust_env=bool(urllib.request.getproxies_environment()),
                headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = self._read_timeout if isinstance(read_timeout, _DEFAULT) else read_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, _DEFAULT) else connect_timeout
        pool = self._pool_timeout if isinstance(pool_timeout, _DEFAULT) else pool_timeout
        # aiohttp's `connect` covers waiting for a free pooled connection plus connecting.
        timeout = aiohttp.ClientTimeout(
            total=None, sock_read=read, sock_connect=connect,
            connect=None if connect is None or pool is None else connect + pool)
        data: Any = None
        if request_data is not None:
            params = request_data.json_parameters
            files = request_data.multipart_data
            if files:
                form = aiohttp.FormData(params)
                for name, (filename, content, mimetype) in files.items():
                    form.add_field(name, content, filename=filename, content_type=mimetype)
                data = form
            else:
                # The bytes aiohttp's FormData makes of these strings, without the multipart
                # writer it sets up for every form (about 1% of a busy server's CPU).
                data = aiohttp.BytesPayload(
                    urllib.parse.urlencode(list(params.items()), doseq=True).encode(),
                    content_type=FORM_URLENCODED)
        try:
            async with session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            # The class name says most when the message is empty.
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err
