"""Core Replies to Slack Block Kit messages, within Slack's limits and with all text escaped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.markup import Block, Bold, Link, Paragraph, Span, Text, to_plain
from bot.messages import OpeningCard, Reply

# Slack's limits: https://api.slack.com/reference/block-kit/blocks
SECTION_LIMIT = 3000
BLOCKS_PER_MESSAGE = 50
BUTTONS_PER_ACTIONS = 25
BUTTON_LABEL_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
FALLBACK_LIMIT = 3000
# response_url accepts five posts per command; a reply never takes more messages than that.
MAX_MESSAGES = 5

ACTION_PREFIX = "careerbot:"
SHARE_ACTION = "careerbot_share"
SHARE_LABEL = "Share in channel"

_WORDS = re.compile(r"\S+|\s+")
# Cut a single enormous word before escaping: escaped it is at most five times longer.
_RAW_PIECE = SECTION_LIMIT // 5


def escape(text: str) -> str:
    """Slack's three control characters; `<!channel>` typed by someone then never pings."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# mrkdwn has no escape character: a marker only opens *bold*, _italics_, ~strike~ or `code`
# at the start of a word, and a zero-width space after it (or before a quote's `>`) keeps
# it literal. Inside a word (snake_case) markers open nothing and are left alone.
# (The marker before its look-behind: a pattern that starts with characters is searched for
# them, not tried at every position, several times faster; the same matches.)
_MARKER = re.compile(r"([*_~`])(?<![0-9A-Za-z][*_~`])")
_QUOTE = re.compile(r"(?m)^&gt;")
_ZWSP = "\u200b"


def literal(text: str) -> str:
    """Text shown exactly as written (a person's words, a feed's fields): escaped, and with
    mrkdwn's formatting markers neutralised."""
    return _QUOTE.sub(_ZWSP + "&gt;", _MARKER.sub(r"\1" + _ZWSP, escape(text)))


def _url(url: str) -> str:
    return url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")


# literal() per word, in one pass over a whole text: a quote's `>` opens at the start of any
# word there (each word is its own text for literal()), and markers see a word's start as a
# line's start, since a space is not a letter either.
_WORD_QUOTE = re.compile(r"&(?<!\S&)gt;")
# Words longer than this are cut into pieces before escaping (see _RAW_PIECE).
_LONG_WORD = re.compile(rf"\S{{{_RAW_PIECE + 1}}}")


def _marked(text: str) -> str:
    """literal() of each word of a text without long words (_LONG_WORD), in one pass."""
    return _WORD_QUOTE.sub(_ZWSP + "&gt;", _MARKER.sub(r"\1" + _ZWSP, escape(text)))


def _words(text: str) -> list[str]:
    """The text's words as atoms, each as literal() makes it, and one space for each run of
    blanks. Escaping word by word cost about 5 µs a word, most of a Slack answer's CPU."""
    if _LONG_WORD.search(text) is None:
        return [" " if w.isspace() else w for w in _WORDS.findall(_marked(text))]
    out: list[str] = []
    for w in _WORDS.findall(text):
        if w.isspace():
            out.append(" ")
        else:
            out.extend(literal(w[i:i + _RAW_PIECE]) for i in range(0, len(w), _RAW_PIECE))
    return out


def _span_atoms(span: Span) -> list[str]:
    """A span as atoms: pieces a section may be split between, never inside."""
    if isinstance(span, Link) and span.url.startswith(("https://", "http://")):
        label = " ".join(span.text.split())[:200] or span.url
        return [f"<{_url(span.url)}|{literal(label)}>"]
    if isinstance(span, Bold):
        inner = span.text.strip()
        if not inner:
            return _words(span.text)
        lead = " " if span.text[:1].isspace() else ""
        trail = " " if span.text[-1:].isspace() else ""
        # mrkdwn bold must hug its text; a long bold run goes bold word by word so it can split.
        whole = literal(" ".join(inner.split()))
        if len(whole) <= SECTION_LIMIT // 6:
            bold = [f"*{whole}*"]
        else:
            bold = [f"*{w}*" if w != " " else w for w in _words(inner)]
        return ([lead] if lead else []) + bold + ([trail] if trail else [])
    return _words(span.text)


_BLANKS = re.compile(r"\s+")


def _span_text(span: Span) -> str:
    """`"".join(_span_atoms(span))` without making the atoms: a plain span is most of an answer,
    and its words as separate strings cost more than everything else of its rendering."""
    if type(span) is not Text or _LONG_WORD.search(span.text) is not None:
        return "".join(_span_atoms(span))
    return _BLANKS.sub(" ", _marked(span.text))


def _block_text(block: Block) -> str:
    """`"".join(_block_atoms(block))`: a block's text, when it fits in one section."""
    if isinstance(block, Paragraph):
        return "".join(map(_span_text, block.spans))
    return "\n".join("• " + "".join(map(_span_text, item)) for item in block.items)


def _block_atoms(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [a for s in block.spans for a in _span_atoms(s)]
    atoms: list[str] = []
    for i, item in enumerate(block.items):
        if i:
            atoms.append("\n")
        atoms.append("• ")
        atoms.extend(a for s in item for a in _span_atoms(s))
    return atoms


def pack(atoms: list[str], limit: int = SECTION_LIMIT) -> list[str]:
    """Join atoms into texts of at most `limit` characters, preferring to break at new lines."""
    if sum(map(len, atoms)) <= limit:
        # Most blocks fit in one section: what the loop below would make of them, at C speed.
        whole = "".join(atoms).strip()
        return [whole] if whole else []
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    last_newline = -1
    for atom in atoms:
        if size + len(atom) > limit and current:
            if atom == "\n":
                head, tail = current, []
            elif last_newline > 0:
                head, tail = current[:last_newline], current[last_newline + 1:]
            else:
                head, tail = current, []
            chunks.append("".join(head))
            current = tail
            size = sum(len(a) for a in current)
            last_newline = -1
        if not current and atom.isspace():
            continue  # no leading blanks in a new section
        current.append(atom)
        size += len(atom)
        if atom == "\n":
            last_newline = len(current) - 1
    if current:
        chunks.append("".join(current))
    return [c.strip() for c in chunks if c.strip()]


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def card_text(card: OpeningCard) -> str:
    title = "".join(_span_atoms(Link(card.title, card.url))) if card.url else literal(card.title)
    facts = [card.company]
    if card.location:
        facts.append(card.location)
    if card.level:
        facts.append(f"level: {card.level}")
    facts.append(f"remote: {card.remote}")
    lines = [f"*{title}*", literal(" · ".join(facts))]
    if card.matched_skills:
        lines.append("*Why it fits:* " + literal(", ".join(card.matched_skills)))
    if card.missing_skills:
        gaps = ", ".join(g.skill for g in card.missing_skills)
        lines.append("*Skills to learn:* " + literal(gaps))
    text = "\n".join(lines)
    return text if len(text) <= SECTION_LIMIT else text[: SECTION_LIMIT - 1].rsplit(" ", 1)[0] + "…"


def button(label: str, action_id: str, value: str) -> dict[str, Any]:
    label = " ".join(label.split()) or "…"
    if len(label) > BUTTON_LABEL_LIMIT:
        label = label[: BUTTON_LABEL_LIMIT - 1] + "…"
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": escape(label), "emoji": True},
        "action_id": action_id,
        "value": value[:BUTTON_VALUE_LIMIT],
    }


@dataclass(frozen=True, kw_only=True, slots=True)
class SlackMessage:
    """One chat.postMessage / response_url body: Block Kit blocks and the plain fallback text."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    private: bool = False

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def fallback_text(reply: Reply) -> str:
    """What notifications and screen readers show."""
    plain = to_plain(reply.blocks) or "\n".join(f"{c.title} at {c.company}" for c in reply.cards)
    plain = plain or "careerbot"
    if len(plain) > FALLBACK_LIMIT:
        plain = plain[: FALLBACK_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    return escape(plain)


def render(reply: Reply, *, share: str | None = None) -> list[SlackMessage]:
    """A reply as one or more Slack messages (more when it exceeds 50 blocks).

    Buttons become one `actions` block in the last message; `share` (a value the adapter
    understands) adds a "Share in channel" button next to them.
    """
    content: list[dict[str, Any]] = []
    for block in reply.blocks:
        whole = _block_text(block)
        if len(whole) > SECTION_LIMIT:
            content.extend(_section(t) for t in pack(_block_atoms(block)))
        elif whole.strip():
            # What pack() makes of a block that fits in one section, made directly.
            content.append(_section(whole.strip()))
    for card in reply.cards:
        content.append(_section(card_text(card)))
        content.append({"type": "divider"})
    if content and content[-1]["type"] == "divider":
        content.pop()
    elements = [
        button(b.label, f"{ACTION_PREFIX}{i}", b.action) for i, b in enumerate(reply.buttons)
    ]
    if share is not None:
        elements.append(button(SHARE_LABEL, SHARE_ACTION, share))
    actions = [
        {"type": "actions", "elements": elements[i:i + BUTTONS_PER_ACTIONS]}
        for i in range(0, len(elements), BUTTONS_PER_ACTIONS)
    ]
    room = BLOCKS_PER_MESSAGE
    pages: list[list[dict[str, Any]]] = [
        content[i:i + room] for i in range(0, len(content), room)
    ] or [[]]
    if len(pages) > MAX_MESSAGES:
        pages = pages[:MAX_MESSAGES]
        note = {"type": "mrkdwn", "text": "_(answer shortened: it was too long for Slack)_"}
        pages[-1] = [*pages[-1][: room - 1 - len(actions)], {"type": "context", "elements": [note]}]
    if len(pages[-1]) + len(actions) > room:
        pages.append([])
    pages[-1].extend(actions)
    text = fallback_text(reply)
    return [
        SlackMessage(text=text if i == 0 else "(continued)", blocks=page, private=reply.private)
        for i, page in enumerate(pages)
    ]
