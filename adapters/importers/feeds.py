"""Reading a feed from a file or an http(s) URL, and parsing it by its format."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adapters.importers import greenhouse, lever
from adapters.importers import yaml as yaml_feed
from adapters.importers.fetch import FetchLimits, fetch
from adapters.importers.records import FeedError, ParsedFeed
from bot.skills import SkillVocabulary

if TYPE_CHECKING:
    from storage.openings import FeedResult

# Job boards nest three or four levels; the JSON decoder itself gives up near 1,000.
MAX_JSON_DEPTH = 32


class FeedFormat(StrEnum):
    YAML = "yaml"
    GREENHOUSE = "greenhouse"
    LEVER = "lever"


async def read_feed(location: str, limits: FetchLimits | None = None) -> str:
    """The feed's text from a file path or an http(s) URL, within `limits`."""
    limits = limits or FetchLimits()
    if location.startswith(("http://", "https://")):
        return await fetch(location, limits)
    path = Path(location)
    try:
        if path.stat().st_size > limits.max_bytes:
            raise FeedError(f"{path} is more than {limits.max_bytes:,} bytes")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FeedError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FeedError(f"cannot read {path}: {exc}") from None


def parse_feed(text: str, fmt: FeedFormat, vocab: SkillVocabulary, *, origin: str = "",
               company: str | None = None, source: str | None = None) -> ParsedFeed:
    """Every well-formed record as an Opening, and each malformed one as a RecordProblem."""
    if fmt is FeedFormat.YAML:
        return yaml_feed.parse(text, vocab, origin=origin, source=source)
    data = _json(text)
    parse = greenhouse.parse if fmt is FeedFormat.GREENHOUSE else lever.parse
    return parse(data, vocab, origin=origin, company=company, source=source)


def import_summary(feed: ParsedFeed, result: FeedResult) -> str:
    """One line on what an import did, as `openings import` prints it and a feed records it."""
    ok = len(feed.openings) - result.failed
    return (f"{feed.source}: {ok} of {feed.total} records imported ({result.inserted} new, "
            f"{result.updated} changed), {result.closed} closed, {len(feed.problems)} malformed"
            + (f", {result.failed} in failed batches" if result.failed else ""))


def _json(text: str) -> Any:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise FeedError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep") from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise FeedError(f"not JSON: {exc}") from None
    if _depth_exceeds(data, MAX_JSON_DEPTH):
        raise FeedError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
    return data


def _depth_exceeds(data: Any, limit: int) -> bool:
    """Whether any value lies deeper than `limit` containers (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = (value.values() if isinstance(value, dict)
                    else value if isinstance(value, list) else ())
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False
