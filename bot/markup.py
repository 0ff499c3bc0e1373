"""A small platform-neutral markup: paragraphs, bold, bullet lists and links."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Bold:
    text: str


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str


Span = Text | Bold | Link


@dataclass(frozen=True, slots=True)
class Paragraph:
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[tuple[Span, ...], ...]


Block = Paragraph | BulletList

# Only trusted knowledge-base text goes through the parser; anything a person
# typed is wrapped in Text spans, so it can never turn into markup.
_INLINE = re.compile(r"\*\*(?P<bold>.+?)\*\*|\[(?P<ltext>[^\]]+)\]\((?P<url>https?://[^)\s]+)\)")
_BULLET = re.compile(r"^\s*[-*•]\s+")


def parse_inline(line: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    pos = 0
    for m in _INLINE.finditer(line):
        if m.start() > pos:
            spans.append(Text(line[pos : m.start()]))
        if m.group("bold") is not None:
            spans.append(Bold(m.group("bold")))
        else:
            spans.append(Link(m.group("ltext"), m.group("url")))
        pos = m.end()
    if pos < len(line):
        spans.append(Text(line[pos:]))
    return tuple(spans)


def _flush_paragraph(blocks: list[Block], lines: list[str]) -> None:
    if lines:
        blocks.append(Paragraph(parse_inline(" ".join(s.strip() for s in lines))))
        lines.clear()


def _flush_items(blocks: list[Block], items: list[tuple[Span, ...]]) -> None:
    if items:
        blocks.append(BulletList(tuple(items)))
        items.clear()


def parse(source: str) -> tuple[Block, ...]:
    """Parse the knowledge base's light markdown into blocks."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", source.strip()):
        lines = [ln.rstrip() for ln in chunk.splitlines() if ln.strip()]
        para_lines: list[str] = []
        items: list[tuple[Span, ...]] = []
        for ln in lines:
            if _BULLET.match(ln):
                _flush_paragraph(blocks, para_lines)
                items.append(parse_inline(_BULLET.sub("", ln, count=1)))
            elif items and ln.startswith((" ", "\t")):
                items[-1] = items[-1] + parse_inline(" " + ln.strip())  # a wrapped bullet
            else:
                _flush_items(blocks, items)
                para_lines.append(ln)
        _flush_paragraph(blocks, para_lines)
        _flush_items(blocks, items)
    return tuple(blocks)


def para(*parts: str | Span) -> Paragraph:
    """A paragraph from plain strings (escaped by renderers) and spans."""
    return Paragraph(tuple(Text(p) if isinstance(p, str) else p for p in parts))


def bullets(items: Iterable[str | Span | tuple[Span, ...]]) -> BulletList:
    out: list[tuple[Span, ...]] = []
    for item in items:
        if isinstance(item, str):
            out.append((Text(item),))
        elif isinstance(item, tuple):
            out.append(item)
        else:
            out.append((item,))
    return BulletList(tuple(out))


def spans_plain(spans: Iterable[Span], *, with_urls: bool = True) -> str:
    out = []
    for s in spans:
        if isinstance(s, Link) and with_urls and s.url != s.text:
            out.append(f"{s.text} ({s.url})")
        else:
            out.append(s.text)
    return "".join(out)


def to_plain(blocks: Iterable[Block], *, with_urls: bool = True) -> str:
    """Plain text: what a terminal, a notification or JSON output shows."""
    parts: list[str] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            parts.append(spans_plain(b.spans, with_urls=with_urls))
        else:
            parts.append("\n".join("• " + spans_plain(i, with_urls=with_urls) for i in b.items))
    return "\n\n".join(parts)


def to_markdown(blocks: Iterable[Block]) -> str:
    """Back to the knowledge base's own light markdown (used by kb export)."""
    def inline(spans: Iterable[Span]) -> str:
        out = []
        for s in spans:
            if isinstance(s, Bold):
                out.append(f"**{s.text}**")
            elif isinstance(s, Link):
                out.append(f"[{s.text}]({s.url})")
            else:
                out.append(s.text)
        return "".join(out)

    parts: list[str] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            parts.append(inline(b.spans))
        else:
            parts.append("\n".join("- " + inline(i) for i in b.items))
    return "\n\n".join(parts)
