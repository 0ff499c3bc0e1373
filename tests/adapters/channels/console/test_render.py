"""`careerbot chat` rendering: text from feeds and people shows as typed, with no escapes."""

from __future__ import annotations

import io

from rich.console import Console

from adapters.channels.console.render import print_replies
from adapters.terminal import escape, plain
from bot.markup import Link, para
from bot.messages import Button, OpeningCard, Reply

CLEAR = "\x1b[2J\x1b[H"
HYPERLINK = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"


def test_strips_clear_screen_hyperlinks_and_raw_escapes() -> None:
    assert plain(f"a{CLEAR}b {HYPERLINK} c\x1b\x07\x9b2J\u202eZ\td\ne") == "ab click c2JZ\td\ne"
    assert escape("id [/] [bold]x[/bold]") == "id \\[/] \\[bold]x\\[/bold]"


def test_chat_shows_feed_text_as_typed_without_its_escapes() -> None:
    card = OpeningCard(title=f"[bold red]Dev[/] {CLEAR}", company=f"Acme{HYPERLINK}",
                       url="https://jobs.example/1", location="[/]",
                       matched_skills=("Python\x1b[31m",))
    reply = Reply(blocks=(para(f"you said: [link=https://evil.example]x[/link]{CLEAR}"),
                          para(Link(text="apply", url="https://jobs.example/1 bold red"))),
                  buttons=(Button(label=f"[/]{CLEAR}", action="x"),), cards=(card,))
    out = io.StringIO()
    # force_terminal: Rich writes its own styles; nothing from the texts may get through.
    console = Console(file=out, force_terminal=True, color_system="standard", width=200)
    print_replies(console, [reply])
    shown = out.getvalue()
    assert "\x1b[2J" not in shown and "\x1b[H" not in shown
    assert "evil.example\x1b" not in shown and "8;;https://evil" not in shown
    assert "[bold red]Dev[/]" in shown and "[link=https://evil.example]x[/link]" in shown
    assert "Acmeclick" in shown and "[/]" in shown
