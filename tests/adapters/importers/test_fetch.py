"""Feed fetching within limits, against a local HTTP server: size (as sent and decompressed),
an overall deadline, http(s) only, and no redirects to private, loopback or link-local hosts."""

from __future__ import annotations

import asyncio
import gzip
import json
import struct
import sys
import textwrap
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from adapters.importers.feeds import read_feed
from adapters.importers.fetch import FetchLimits, Validators, fetch_since, parse_networks
from adapters.importers.records import FeedError

pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parents[3]
LOCAL = FetchLimits(allow_networks=parse_networks("127.0.0.1"))
FEED = json.dumps({"jobs": []}).encode()


async def _stream(request: web.Request, chunks: int, chunk: bytes = b" " * 65536,
                  pause: float = 0.0) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    await response.prepare(request)
    for _ in range(chunks):
        await response.write(chunk)
        if pause:
            await asyncio.sleep(pause)
    await response.write_eof()
    return response


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[str]]]:
    """A feed server on 127.0.0.1 and the paths it was asked for."""
    asked: list[str] = []
    bomb = gzip.compress(b"0" * (64 * 1024 * 1024), compresslevel=9)

    @web.middleware
    async def record(request: web.Request, handler: object) -> web.StreamResponse:
        asked.append(request.path)
        return await handler(request)  # type: ignore[operator, no-any-return]

    def redirect(to: str) -> object:
        async def go(request: web.Request) -> web.Response:
            raise web.HTTPFound(to)
        return go

    async def gzipped(request: web.Request) -> web.Response:
        return web.Response(body=gzip.compress(FEED), headers={
            "Content-Encoding": "gzip", "Content-Type": "application/json"})

    async def bombed(request: web.Request) -> web.Response:
        return web.Response(body=bomb, headers={
            "Content-Encoding": "gzip", "Content-Type": "application/json"})

    async def declared(request: web.Request) -> web.Response:
        return web.Response(body=b" " * (2 * 1024 * 1024), content_type="application/json")

    app = web.Application(middlewares=[record])
    async def plain(request: web.Request) -> web.Response:
        return web.Response(body=FEED, content_type="application/json")

    async def chunked(request: web.Request) -> web.StreamResponse:
        return await _stream(request, 40)

    async def slow(request: web.Request) -> web.StreamResponse:
        return await _stream(request, 1000, b" ", pause=0.05)

    async def dated(request: web.Request) -> web.Response:
        stamp = "Mon, 30 Nov 2026 09:00:00 GMT"
        if request.headers.get("If-Modified-Since") == stamp:
            return web.Response(status=304)
        return web.Response(body=FEED, content_type="application/json",
                            headers={"Last-Modified": stamp})

    app.router.add_get("/feed", plain)
    app.router.add_get("/dated", dated)
    app.router.add_get("/gzipped", gzipped)
    app.router.add_get("/bomb", bombed)
    app.router.add_get("/declared", declared)
    app.router.add_get("/chunked", chunked)
    app.router.add_get("/slow", slow)
    for name, to in {"to-feed": "/feed", "to-metadata": "http://169.254.169.254/latest/",
                     "to-private": "http://10.1.2.3/feed", "to-v6-loopback": "http://[::1]/",
                     "to-mapped": "http://[::ffff:192.168.0.1]/", "to-ftp": "ftp://x.example/f",
                     "loop": "/loop"}.items():
        app.router.add_get(f"/{name}", redirect(to))  # type: ignore[arg-type]
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}", asked
    finally:
        await runner.cleanup()


async def test_a_feed_asked_with_its_last_modified_date_may_answer_not_modified(
    server: tuple[str, list[str]],
) -> None:
    base, _ = server
    first = await fetch_since(f"{base}/dated", LOCAL, Validators())
    assert (json.loads(first.text), first.not_modified) == ({"jobs": []}, False)
    assert first.validators == Validators(last_modified="Mon, 30 Nov 2026 09:00:00 GMT")
    again = await fetch_since(f"{base}/dated", LOCAL, first.validators)
    assert (again.text, again.not_modified, again.validators) == ("", True, first.validators)


async def test_local_feeds_need_an_explicit_allowance(server: tuple[str, list[str]]) -> None:
    base, asked = server
    with pytest.raises(FeedError, match=r"127\.0\.0\.1, a private, loopback or link-local"):
        await read_feed(f"{base}/feed")
    assert asked == []  # refused before connecting
    with pytest.raises(FeedError, match="localhost resolves to"):
        await read_feed("http://localhost:1/feed")
    assert json.loads(await read_feed(f"{base}/feed", LOCAL)) == {"jobs": []}
    assert json.loads(await read_feed(f"{base}/gzipped", LOCAL)) == {"jobs": []}
    assert json.loads(await read_feed(f"{base}/to-feed", LOCAL)) == {"jobs": []}


@pytest.mark.parametrize("hop,why", [
    ("to-metadata", "169.254.169.254"), ("to-private", "10.1.2.3"), ("to-v6-loopback", "::1"),
    ("to-mapped", "::ffff:c0a8:1"), ("to-ftp", "only http and https"),
    ("loop", "more than 5 redirects"),
])
async def test_redirects_to_internal_hosts_are_refused(server: tuple[str, list[str]], hop: str,
                                                       why: str) -> None:
    base, _ = server
    with pytest.raises(FeedError, match=why.replace(".", r"\.")):
        await read_feed(f"{base}/{hop}", LOCAL)


async def test_sizes_are_capped_as_sent_and_as_decompressed(
        server: tuple[str, list[str]]) -> None:
    base, _ = server
    small = FetchLimits(max_bytes=1024 * 1024, allow_networks=LOCAL.allow_networks)
    with pytest.raises(FeedError, match="is 2,097,152 bytes; at most 1,048,576"):
        await read_feed(f"{base}/declared", small)
    with pytest.raises(FeedError, match="sent more than 1,048,576 bytes"):
        await read_feed(f"{base}/chunked", small)
    with pytest.raises(FeedError, match="decompresses to more than 1,048,576 bytes"):
        await read_feed(f"{base}/bomb", small)


async def test_a_slow_feed_stops_at_the_deadline(server: tuple[str, list[str]]) -> None:
    base, _ = server
    with pytest.raises(FeedError, match=r"was not fetched within 0\.5 s"):
        await read_feed(f"{base}/slow", FetchLimits(deadline=0.5,
                                                    allow_networks=LOCAL.allow_networks))


async def test_a_local_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 4096)
    with pytest.raises(FeedError, match="more than 1,024 bytes"):
        await read_feed(str(big), FetchLimits(max_bytes=1024))


# The importer's side only, in a process of its own; the server is the test's.
_RSS_CHECK = textwrap.dedent('''
    import asyncio, sys
    from adapters.importers.feeds import read_feed
    from adapters.importers.fetch import FetchLimits, Validators, fetch_since, parse_networks
    from adapters.importers.records import FeedError

    def status_mb(field):
        with open("/proc/self/status") as f:
            line = next(x for x in f if x.startswith(field + ":"))
        return int(line.split()[1]) / 1024

    async def main():
        limits = FetchLimits(allow_networks=parse_networks("127.0.0.1"))
        await read_feed(sys.argv[1] + "/feed", limits)  # every import done before measuring
        # Start the peak (VmHWM) afresh: start-up may have peaked higher than any fetch.
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        before = status_mb("VmRSS")
        outcomes = []
        for path in ("/huge", "/bomb"):
            try:
                await read_feed(sys.argv[1] + path, limits)
                outcomes.append("read")
            except FeedError as exc:
                outcomes.append(str(exc))
        print(before, status_mb("VmHWM"), *outcomes, sep="\\n")

    asyncio.run(main())
''')


async def test_a_300_mb_feed_and_a_gzip_bomb_stay_within_bounded_memory() -> None:
    # Unbounded, the 300 MB feed took the importer to 1.19 GB and a 1 MB gzip bomb to 3.2 GB.
    # One MiB deflated once and repeated: a full flush makes each copy a block that stands on its
    # own, so the gzip member is valid without deflating the whole GiB (seconds of CPU).
    zeros = b"0" * 2**20
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = squeeze.compress(zeros) + squeeze.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(1024):
        crc = zlib.crc32(zeros, crc)
    bomb = (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + block * 1024 + squeeze.flush()
            + struct.pack("<II", crc, 2**30 % 2**32))
    assert len(bomb) < 2 * 1024 * 1024  # 1 GB of zeros as about 1 MB of gzip

    async def huge(request: web.Request) -> web.StreamResponse:  # 300 MB, chunked
        return await _stream(request, 300, b" " * 2**20)

    async def bombed(request: web.Request) -> web.Response:
        return web.Response(body=bomb, headers={"Content-Encoding": "gzip"})

    async def small(request: web.Request) -> web.Response:
        return web.Response(body=FEED, content_type="application/json")

    app = web.Application()
    app.router.add_get("/huge", huge)
    app.router.add_get("/bomb", bombed)
    app.router.add_get("/feed", small)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _RSS_CHECK, f"http://{host}:{port}", cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await child.communicate()
    finally:
        await runner.cleanup()
    assert child.returncode == 0, err.decode()
    before, peak, huge_outcome, bomb_outcome = out.decode().splitlines()
    assert "sent more than 33,554,432 bytes" in huge_outcome
    assert "decompresses to more than 33,554,432 bytes" in bomb_outcome
    # The 32 MiB cap and the chunks that make it up; far below either feed's size.
    assert float(peak) - float(before) < 100, (before, peak)
