"""An opening's skills, level and remote status, read from its title, location and description."""

from __future__ import annotations

import html
import re

from bot.openings import Level, Remote
from bot.skills import SkillVocabulary
from bot.text import normalize
from bot.vocabulary import (
    Reading,
    find_level,
    find_skills,
    level_for_years,
    remote_in,
    years_of_experience,
)

# The inside of a tag that ends a line (the text between "<" and ">").
_BLOCK_TAG = re.compile(r"(?i)\s*(?:br|/p|/div|/li|/h\d|/tr|/ul|/ol)\s*/?")
_SPACES = re.compile(r"[ \t\r\f\v]{2,}|[\t\r\f\v]")
_BLANKS = re.compile(r"\n\s*\n+")


_EDGE_SPACES = re.compile(r" +\n *|\n +")


def _unescape_markup(text: str) -> str:
    # Only what hides tags; every other entity is left for the final html.unescape, which
    # gives the same result as unescaping everything now, at a fraction of the cost.
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&#39;", "'").replace("&amp;", "&"))


def strip_tags(text: str) -> str:
    """Each tag ("<" up to the next ">", not empty) as a space, or a line break where it ends
    a line. One pass: every character is looked at a bounded number of times, so a feed of
    40,000 unclosed "<" costs what any other text of its size costs."""
    out: list[str] = []
    pos = 0
    while True:
        start = text.find("<", pos)
        if start < 0:
            break
        end = text.find(">", start + 1)
        if end < 0:  # no ">" after this "<" means none after any later one either
            break
        if end == start + 1:  # "<>" is text, as it was for the pattern <[^>]+>
            out.append(text[pos:end])
            pos = end
            continue
        out.append(text[pos:start])
        inside = text[start + 1:end]
        out.append("\n" if _BLOCK_TAG.fullmatch(inside) else " ")
        pos = end + 1
    out.append(text[pos:])
    return "".join(out)


def html_to_text(raw: str) -> str:
    """Plain text from job-board HTML; entity-escaped HTML (&lt;p&gt;) is unescaped first."""
    text = raw
    # Greenhouse escapes its HTML once more (&lt;p&gt;); unescape until no tag hides in entities.
    for _ in range(3):
        if "&lt;" not in text:
            break
        text = _unescape_markup(text)
    if "<" in text:
        text = strip_tags(text)
    if "&" in text:
        text = html.unescape(text)
    text = _SPACES.sub(" ", text.replace("\xa0", " "))
    text = _EDGE_SPACES.sub("\n", text)
    return _BLANKS.sub("\n\n", text).strip()


def level_of(title: str, description: str = "") -> Level | None:
    """The level from the title first; else words in the description, else its years."""
    level = find_level(title, Reading.LABEL)
    if level is not None or not description:
        return level
    level = find_level(description, Reading.BODY)
    if level is not None:
        return level
    years = years_of_experience(description)
    return None if years is None else level_for_years(years)


# Job boards' own workplace field (Lever's workplaceType), trusted over any words.
_WORKPLACE = {"remote": Remote.YES, "fully-remote": Remote.YES, "hybrid": Remote.HYBRID,
              "on-site": Remote.NO, "onsite": Remote.NO, "office": Remote.NO,
              "in-office": Remote.NO}


def remote_of(location: str = "", workplace_type: str | None = None, text: str = "") -> Remote:
    """Remote status from an explicit workplace type, else the location string, else the text."""
    given = _WORKPLACE.get(normalize(workplace_type or "").replace("_", "-"))
    if given is not None:
        return given
    found = remote_in(location, Reading.LABEL)
    return found if found is not Remote.UNKNOWN else remote_in(text, Reading.BODY)


def skills_of(vocab: SkillVocabulary, title: str, description: str = "",
              extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Canonical skill names mentioned in explicit tags, the title or the description."""
    found: dict[str, None] = {}
    for name in extra:
        skill = vocab.canonical(name)
        if skill is not None:
            found.setdefault(skill.name)
    for text in (title, description):
        for skill in find_skills(vocab, text):
            found.setdefault(skill.name)
    return tuple(found)
