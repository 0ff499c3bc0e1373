"""Core Replies to Block Kit: limits, escaping, buttons and opening cards."""

from __future__ import annotations

import json
import random
import re

from adapters.channels.slack.render import (
    _RAW_PIECE,
    BLOCKS_PER_MESSAGE,
    MAX_MESSAGES,
    SECTION_LIMIT,
    SHARE_ACTION,
    _block_atoms,
    _words,
    escape,
    literal,
    pack,
    render,
)
from bot.markup import Block, Bold, BulletList, Link, Paragraph, Span, Text, bullets, para
from bot.messages import Button, OpeningCard, Reply, SkillGap


def _sections(blocks: list[dict[str, object]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]  # type: ignore[index]


def test_markup_becomes_mrkdwn() -> None:
    reply = Reply(blocks=(
        para("Use ", Bold("indexes"), " wisely; see ", Link("the docs", "https://x.dev/a?b=1&c=2"),
             "."),
        bullets(["one", (Bold("two"), Text(" & three"))]),
    ))
    [msg] = render(reply)
    assert _sections(msg.blocks) == [
        "Use *indexes* wisely; see <https://x.dev/a?b=1&amp;c=2|the docs>.",
        "• one\n• *two* &amp; three",
    ]
    assert msg.text == "Use indexes wisely; see the docs (https://x.dev/a?b=1&amp;c=2).\n\n" \
        "• one\n• two &amp; three"


def test_all_dynamic_text_is_escaped() -> None:
    hostile = "<!channel> <@U1> <https://evil|click> & co"
    reply = Reply(
        blocks=(para(hostile), para(Bold(hostile)), para(Link(hostile, "https://ok.example"))),
        buttons=(Button(label=hostile[:40], action="t:x"),),
        cards=(OpeningCard(title=hostile, company=hostile, url="https://ok.example",
                           matched_skills=(hostile,), missing_skills=(SkillGap(skill=hostile),)),),
    )
    raw = json.dumps([m.payload() for m in render(reply)])
    for token in ("<!channel>", "<@U1>", "<https://evil"):
        assert token not in raw
    assert "&lt;!channel&gt;" in raw and "&amp; co" in raw
    assert escape("a&b<c>d") == "a&amp;b&lt;c&gt;d"


def test_mrkdwn_in_echoed_text_shows_as_typed() -> None:
    # A person's words (or a feed's fields) echoed back used to be formatted: *bold*, `code`,
    # ~strike~, _italics_ and a quote.
    typed = "*urgent* `rm -rf` ~nope~ _me_ snake_case a*b"
    reply = Reply(blocks=(para(Text(typed)), para(Text("> quoted"))),
                  cards=(OpeningCard(title="*Boss*", company="_Acme_", url=""),))
    [msg] = render(reply)
    first, quote, card = _sections(msg.blocks)
    z = "\u200b"
    assert first == f"*{z}urgent* `{z}rm -rf` ~{z}nope~ _{z}me_ snake_case a*b"
    assert quote == f"{z}&gt; quoted"
    assert f"*{z}Boss*" in card and f"_{z}Acme_" in card
    # The core's own bold is still bold.
    [bold] = render(Reply(blocks=(para(Bold("indexes")),)))
    assert _sections(bold.blocks) == ["*indexes*"]


def test_a_link_label_cannot_break_out_of_its_link() -> None:
    [msg] = render(Reply(blocks=(para(Link("a>b", "https://x.dev/p|q>r")),)))
    assert _sections(msg.blocks) == ["<https://x.dev/p%7Cq%3Er|a&gt;b>"]


def test_long_paragraph_is_split_at_words_within_section_limit() -> None:
    text = " ".join(f"w{i}&" for i in range(3000))
    [msg] = render(Reply(blocks=(Paragraph((Text(text),)),)))
    parts = _sections(msg.blocks)
    assert len(parts) >= 5
    assert all(len(p) <= SECTION_LIMIT for p in parts)
    assert " ".join(parts).replace("&amp;", "&") == text


def test_a_huge_single_word_is_cut_without_breaking_entities() -> None:
    word = "<&>" * 4000
    [msg] = render(Reply(blocks=(para(word),)))
    parts = _sections(msg.blocks)
    assert all(len(p) <= SECTION_LIMIT for p in parts)
    joined = "".join(parts)
    assert joined == escape(word)


def test_words_are_each_what_literal_makes_of_them() -> None:
    # _words escapes a whole text in one pass; each atom must still be literal() of its word.
    rng = random.Random(13)
    alphabet = ["a", "Z", "0", "é", "*", "_", "~", "`", ">", "<", "&", "|", "gt;", " ", "  ",
                "\n", "\t", "\u00a0", "\u200b", "&gt;"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    texts += ["> quote", "a >b >", "x" * (_RAW_PIECE + 1) + " *y", "*" * (2 * _RAW_PIECE + 5)]
    for text in texts:
        expected = [" " if w.isspace() else literal(w[i:i + _RAW_PIECE])
                    for w in re.findall(r"\S+|\s+", text)
                    for i in range(0, len(w), _RAW_PIECE) if not w.isspace() or i == 0]
        assert _words(text) == expected, text


def test_a_block_that_fits_in_a_section_is_its_atoms_joined() -> None:
    # render() makes such a block's text directly; it must be what pack() makes of its atoms.
    rng = random.Random(17)
    alphabet = ["a", "Z", "0", "é", "*", "_", "~", "`", ">", "<", "&", "/", "gt;", " ", "  ", "\n",
                "\t", "\u00a0", "&gt;", "x" * (_RAW_PIECE + 1)]

    def span() -> Span:
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        kinds: list[Span] = [Text(text), Text(text), Bold(text), Link(text, "https://e.org/a_b")]
        return rng.choice(kinds)

    for _ in range(2000):
        spans = tuple(span() for _ in range(rng.randint(1, 4)))
        blocks: list[Block] = [Paragraph(spans), BulletList((spans, spans[:1]))]
        block = rng.choice(blocks)
        sections = [b["text"]["text"] for m in render(Reply(blocks=(block,))) for b in m.blocks]
        assert sections == pack(_block_atoms(block)), block


def test_long_bullet_list_breaks_between_items() -> None:
    items = [f"item {i} " + "x" * 50 for i in range(200)]
    [msg] = render(Reply(blocks=(bullets(items),)))
    parts = _sections(msg.blocks)
    assert len(parts) > 1 and all(len(p) <= SECTION_LIMIT for p in parts)
    lines = [ln for p in parts for ln in p.split("\n")]
    assert lines == [f"• {i}" for i in items]


def test_more_than_fifty_blocks_split_into_messages_with_buttons_last() -> None:
    reply = Reply(blocks=tuple(para(f"paragraph {i}") for i in range(120)),
                  buttons=(Button(label="More", action="more:x"),))
    msgs = render(reply, share="what is x")
    assert len(msgs) == 3
    assert all(len(m.blocks) <= BLOCKS_PER_MESSAGE for m in msgs)
    assert sum(len(_sections(m.blocks)) for m in msgs) == 120
    assert [b["type"] for b in msgs[-1].blocks][-1] == "actions"
    assert all(b["type"] != "actions" for m in msgs[:-1] for b in m.blocks)
    assert msgs[1].text == "(continued)"


def test_an_enormous_reply_is_trimmed_with_a_note() -> None:
    reply = Reply(blocks=tuple(para(f"p{i}") for i in range(1000)),
                  buttons=(Button(label="More", action="more:x"),))
    msgs = render(reply)
    assert len(msgs) == MAX_MESSAGES
    assert all(len(m.blocks) <= BLOCKS_PER_MESSAGE for m in msgs)
    types = [b["type"] for b in msgs[-1].blocks]
    assert types[-2:] == ["context", "actions"]


def test_buttons_have_unique_action_ids_and_carry_the_core_action() -> None:
    buttons = tuple(Button(label=f"Topic {i}", action=f"t:topic-{i}") for i in range(30))
    [msg] = render(Reply(blocks=(para("pick"),), buttons=buttons), share="q")
    elements = [e for b in msg.blocks if b["type"] == "actions" for e in b["elements"]]
    assert all(len(b["elements"]) <= 25 for b in msg.blocks if b["type"] == "actions")
    assert [e["value"] for e in elements[:-1]] == [b.action for b in buttons]
    assert len({e["action_id"] for e in elements}) == 31
    assert elements[-1]["action_id"] == SHARE_ACTION and elements[-1]["value"] == "q"


def test_opening_card_shows_company_level_remote_fit_and_gap() -> None:
    card = OpeningCard(title="Backend Engineer", company="Acme", url="https://jobs.example/1",
                       location="Berlin", remote="yes", level="senior",
                       matched_skills=("Go", "PostgreSQL"),
                       missing_skills=(SkillGap(skill="Kubernetes", topic="kubernetes"),))
    [msg] = render(Reply(blocks=(para("Openings:"),), cards=(card, card)))
    sections = _sections(msg.blocks)
    assert sections[1] == (
        "*<https://jobs.example/1|Backend Engineer>*\n"
        "Acme · Berlin · level: senior · remote: yes\n"
        "*Why it fits:* Go, PostgreSQL\n"
        "*Skills to learn:* Kubernetes"
    )
    assert [b["type"] for b in msg.blocks] == ["section", "section", "divider", "section"]


def test_pack_prefers_line_breaks() -> None:
    atoms = ["aaaa", "\n", "bb", " ", "cc", "\n", "dd"]
    assert pack(atoms, limit=10) == ["aaaa\nbb cc", "dd"]
    # Atoms that fit in one section: one text without the blanks around it, or none.
    assert pack([" ", "\n", "a", "", " ", "b", "\n"], limit=10) == ["a b"]
    assert pack([" ", "\n", ""], limit=10) == []


def test_empty_bullet_list_and_private_flag() -> None:
    [msg] = render(Reply(blocks=(BulletList(()),), private=True))
    assert msg.private and msg.blocks == [] and msg.text == "careerbot"
