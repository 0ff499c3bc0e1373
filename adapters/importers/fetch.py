"""Fetching a feed over http(s) within limits: size (as sent and decompressed), time, and hosts."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from adapters.importers.records import FeedError
from bot.feeds import MAX_ETAG, MAX_LAST_MODIFIED

if TYPE_CHECKING:
    import httpx

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Per network operation (connect, each read); FetchLimits.deadline bounds the whole fetch.
OPERATION_TIMEOUT = 30.0
_CHUNK = 64 * 1024


@dataclass(frozen=True, kw_only=True, slots=True)
class FetchLimits:
    """What one feed fetch may cost. A big company's Greenhouse board with every ad's text is
    a few MB; the bytes limit holds for the body as sent and again once decompressed."""

    max_bytes: int = 32 * 1024 * 1024
    deadline: float = 120.0
    max_redirects: int = 5
    # Private, loopback and link-local addresses are refused unless listed here (local feeds,
    # tests): a feed URL or its redirect must not reach the operator's internal services.
    allow_networks: tuple[Network, ...] = ()


def parse_networks(text: str) -> tuple[Network, ...]:
    """`10.0.0.0/8, 127.0.0.1` as networks; ValueError names the entry that is not one."""
    return tuple(ipaddress.ip_network(item.strip(), strict=False)
                 for item in text.split(",") if item.strip())


@dataclass(frozen=True, kw_only=True, slots=True)
class Validators:
    """A response's ETag and Last-Modified, for asking next time whether it changed."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Fetched:
    text: str
    validators: Validators
    # The server answered 304: nothing changed since the validators asked with (text is "").
    not_modified: bool = False


async def fetch(url: str, limits: FetchLimits) -> str:
    """The body of `url` as text, following redirects only to public http(s) addresses."""
    return (await fetch_since(url, limits, Validators())).text


async def fetch_since(url: str, limits: FetchLimits, since: Validators) -> Fetched:
    """`url` as fetch() reads it, asked conditionally (If-None-Match, If-Modified-Since) when
    `since` holds the validators of the response read last time."""
    import httpx

    try:
        async with asyncio.timeout(limits.deadline):
            async with httpx.AsyncClient(timeout=OPERATION_TIMEOUT, follow_redirects=False) as client:
                return await _follow(client, url, limits, since)
    except TimeoutError:
        raise FeedError(f"{url} was not fetched within {limits.deadline:g} s") from None
    except httpx.HTTPError as exc:
        raise FeedError(f"cannot fetch {url}: {type(exc).__name__}: {exc}") from None


async def _follow(client: httpx.AsyncClient, url: str, limits: FetchLimits,
                  since: Validators) -> Fetched:
    import httpx

    headers = {"Accept": "application/json", "Accept-Encoding": "gzip, deflate"}
    if since.etag:
        headers["If-None-Match"] = since.etag
    if since.last_modified:
        headers["If-Modified-Since"] = since.last_modified
    for _ in range(limits.max_redirects + 1):
        target = httpx.URL(url)
        await check_target(target, limits.allow_networks)
        async with client.stream("GET", target, headers=headers) as response:
            if response.is_redirect and "location" in response.headers:
                url = str(target.join(response.headers["location"]))
                continue
            if response.status_code == 304 and (since.etag or since.last_modified):
                return Fetched(text="", validators=since, not_modified=True)
            if response.status_code != 200:
                raise FeedError(f"{target} answered HTTP {response.status_code}")
            body = await _read_capped(response, limits.max_bytes)
            return Fetched(text=body.decode(response.encoding or "utf-8", errors="replace"),
                           validators=Validators(
                               etag=_header(response, "etag", MAX_ETAG),
                               last_modified=_header(response, "last-modified",
                                                     MAX_LAST_MODIFIED)))
    raise FeedError(f"{url}: more than {limits.max_redirects} redirects")


def _header(response: httpx.Response, name: str, limit: int) -> str | None:
    """A validator worth keeping: present, printable and short (else it is not sent back)."""
    value = response.headers.get(name, "").strip()
    return value if value and len(value) <= limit and value.isprintable() else None


async def check_target(url: httpx.URL, allow: Sequence[Network]) -> None:
    """Only http(s), and only to hosts whose every address is public (or allowed)."""
    if url.scheme not in ("http", "https"):
        raise FeedError(f"{url}: only http and https feeds are fetched, not {url.scheme!r}")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            url.host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FeedError(f"cannot resolve {url.host!r}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not is_public(address) and not any(address in net for net in allow):
            raise FeedError(
                f"{url.host} resolves to {address}, a private, loopback or link-local address; "
                "feeds there are fetched only when FEED_ALLOW_NETWORKS lists it")


def is_public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    """The body, decompressed here with a bound on each step, so that neither a huge body nor
    a small gzip bomb grows in memory past `limit`."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FeedError(f"{response.url} is {int(declared):,} bytes; at most {limit:,} are read")
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
        raise FeedError(f"{response.url}: unsupported Content-Encoding {encoding!r}")
    # wbits: 47 reads gzip or zlib headers; 15 is zlib (what "deflate" should be).
    inflate = (zlib.decompressobj(47) if encoding in ("gzip", "x-gzip")
               else zlib.decompressobj(15) if encoding == "deflate" else None)
    # Chunks in a list, joined once: a growing buffer would be copied as it grows.
    out: list[bytes] = []
    size = received = 0
    try:
        async for raw in response.aiter_raw(_CHUNK):
            received += len(raw)
            if received > limit:
                raise FeedError(f"{response.url} sent more than {limit:,} bytes")
            if inflate is None:
                out.append(raw)
                size += len(raw)
                continue
            data = raw
            while data:
                # At most one chunk's worth of output per step, however well it compresses.
                out.append(inflate.decompress(data, min(limit - size + 1, _CHUNK)))
                size += len(out[-1])
                if size > limit:
                    raise FeedError(f"{response.url} decompresses to more than {limit:,} bytes")
                data = inflate.unconsumed_tail
        if inflate is not None:
            out.append(inflate.flush())
            size += len(out[-1])
    except zlib.error as exc:
        raise FeedError(f"{response.url}: broken {encoding} body: {exc}") from None
    if size > limit:
        raise FeedError(f"{response.url} is more than {limit:,} bytes")
    return b"".join(out)
