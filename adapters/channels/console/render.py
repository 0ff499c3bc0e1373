"""Terminal rendering of replies with rich: markup, numbered buttons and opening cards.

Every text here may come from a feed or a person, so it goes into Text objects (never parsed
as Rich markup) through `plain` (no escape sequences)."""

from __future__ import annotations

from rich.columns import Columns
from rich.console import Console, Group
from rich.panel import Panel
from rich.style import Style
from rich.text import Text

from adapters.terminal import plain
from bot.markup import Block, Bold, BulletList, Link, Paragraph, Span
from bot.messages import Button, OpeningCard, Reply


def _spans(spans: tuple[Span, ...]) -> Text:
    out = Text()
    for s in spans:
        if isinstance(s, Bold):
            out.append(plain(s.text), style="bold")
        elif isinstance(s, Link):
            url = plain(s.url)
            # A Style object, not a style string: a URL's words must not parse as styles.
            out.append(plain(s.text), style=Style(underline=True, link=_http(url)))
            if s.url != s.text:
                out.append(f" ({url})", style="dim")
        else:
            out.append(plain(s.text))
    return out


def render_blocks(blocks: tuple[Block, ...]) -> list[Text]:
    out: list[Text] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(_spans(b.spans))
        elif isinstance(b, BulletList):
            lines = Text()
            for i, item in enumerate(b.items):
                if i:
                    lines.append("\n")
                lines.append("  • ")
                lines.append_text(_spans(item))
            out.append(lines)
    return out


def render_card(card: OpeningCard) -> Panel:
    body = Text()
    body.append(plain(card.company), style="bold")
    facts = [x for x in (card.location, f"remote: {card.remote}", card.level) if x]
    body.append(plain("  ·  " + "  ·  ".join(facts)), style="dim")
    if card.matched_skills:
        body.append("\nWhy it fits: ", style="green")
        body.append(plain(", ".join(card.matched_skills)))
    if card.missing_skills:
        body.append("\nTo learn: ", style="yellow")
        body.append(plain(", ".join(g.skill for g in card.missing_skills)))
    body.append(f"\n{plain(card.url)}", style="underline")
    return Panel(body, title=Text(plain(card.title), style="bold"), title_align="left",
                 expand=False)


def render(reply: Reply, first_number: int = 1) -> tuple[Group, list[Button]]:
    """A reply as rich renderables, and the buttons in the order they are numbered."""
    parts: list[Text | Panel | Columns] = [*render_blocks(reply.blocks)]
    parts.extend(render_card(c) for c in reply.cards)
    if reply.buttons:
        # Columns wrap between buttons, never inside a label.
        labels = [Text.assemble((f"[{i}] ", "cyan bold"), plain(b.label))
                  for i, b in enumerate(reply.buttons, start=first_number)]
        parts.append(Columns(labels, padding=(0, 3)))
    spaced: list[Text | Panel | Columns] = []
    for p in parts:
        if spaced:
            spaced.append(Text(""))
        spaced.append(p)
    return Group(*spaced), list(reply.buttons)


def _http(url: str) -> str | None:
    """Only web links become terminal hyperlinks."""
    return url if url.startswith(("https://", "http://")) and " " not in url else None


def print_replies(console: Console, replies: list[Reply]) -> list[Button]:
    buttons: list[Button] = []
    for reply in replies:
        group, bs = render(reply, first_number=len(buttons) + 1)
        console.print(group)
        buttons.extend(bs)
    return buttons
