"""Reply → Telegram HTML: escaping, cards, keyboards and splitting that never breaks a tag."""

from __future__ import annotations

from adapters.channels.telegram.render import MAX_MESSAGE, length, render
from bot.markup import Bold, Link, Paragraph, Text, bullets, para
from bot.messages import Button, OpeningCard, Reply, SkillGap
from tests.fakes.telegram_api import parse_html


def test_markup_is_mapped_and_text_escaped() -> None:
    reply = Reply(blocks=(
        para("1 < 2 & ", Bold("<b>bold</b>"), " end"),
        bullets(["a & b", Link("docs <here>", 'https://e.org/?a=1&b="2"')]),
    ))
    [(text, markup)] = render(reply)
    assert text == ("1 &lt; 2 &amp; <b>&lt;b&gt;bold&lt;/b&gt;</b> end\n\n• a &amp; b\n"
                    '• <a href="https://e.org/?a=1&amp;b=&quot;2&quot;">docs &lt;here&gt;</a>')
    assert markup is None
    parse_html(text)


def test_opening_card() -> None:
    card = OpeningCard(title="Backend <Engineer>", company="A&B", url="https://jobs.example/1?x=1&y=2",
                       location="Berlin", remote="hybrid", level="mid",
                       matched_skills=("Python", "SQL"), missing_skills=(SkillGap(skill="Go"),))
    [(text, _)] = render(Reply(blocks=(para("Openings:"),), cards=(card,)))
    assert "<b>Backend &lt;Engineer&gt;</b>\nA&amp;B\nBerlin · hybrid · mid" in text
    assert "Why it fits: Python, SQL\nTo learn: Go" in text
    assert '<a href="https://jobs.example/1?x=1&amp;y=2">' in text
    parse_html(text)


def test_keyboard_rides_on_the_last_chunk() -> None:
    paragraph = para("word " * 300)
    reply = Reply(blocks=(paragraph, paragraph, paragraph),
                  buttons=(Button(label="More", action="more:x"), Button(label="Ex", action="ex:x"),
                           Button(label="Docker", action="t:docker")))
    chunks = render(reply)
    assert len(chunks) == 2
    assert [m is None for _, m in chunks] == [True, False]
    rows = chunks[-1][1].inline_keyboard
    assert [[b.callback_data for b in row] for row in rows] == [["more:x", "ex:x"], ["t:docker"]]


def test_a_giant_paragraph_is_split_without_breaking_tags_or_escapes() -> None:
    reply = Reply(blocks=(Paragraph((Text("a&b " * 3000), Bold("<x>" * 2000), Text("tail"),
                                     Link("l" * 5000, "https://e.org/"))),
                          bullets(["item & " * 900, "short"])))
    chunks = [t for t, _ in render(reply)]
    assert len(chunks) > 5
    shown = ""
    for chunk in chunks:
        assert length(chunk) <= MAX_MESSAGE
        shown += parse_html(chunk)  # balanced tags, no half escape sequence
    assert shown.count("a&b") == 3000 and shown.count("<x>") == 2000 and shown.count("l") >= 5000


def test_buttons_without_text_still_send() -> None:
    [(text, markup)] = render(Reply(blocks=(), buttons=(Button(label="Go", action="cmd:help"),)))
    assert text.strip() and markup is not None
    assert render(Reply(blocks=())) == []
