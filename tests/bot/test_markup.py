"""The neutral markup parser and plain-text rendering."""

from __future__ import annotations

from bot.markup import Bold, BulletList, Link, Paragraph, Text, parse, to_markdown, to_plain


def test_parse_paragraphs_bullets_bold_links() -> None:
    blocks = parse("Use **Docker** daily.\n\n- one\n- two [docs](https://docs.docker.com)\n")
    assert blocks == (
        Paragraph((Text("Use "), Bold("Docker"), Text(" daily."))),
        BulletList(((Text("one"),), (Text("two "), Link("docs", "https://docs.docker.com")))),
    )


def test_round_trip_to_markdown() -> None:
    src = "Use **Docker** daily.\n\n- one\n- two [docs](https://docs.docker.com)"
    assert to_markdown(parse(src)) == src


def test_plain_text_keeps_urls() -> None:
    assert to_plain(parse("See [docs](https://x.example).")) == "See docs (https://x.example)."


def test_non_http_links_stay_text() -> None:
    (block,) = parse("[click](javascript:alert(1))")
    assert isinstance(block, Paragraph)
    assert all(isinstance(s, Text) for s in block.spans)
