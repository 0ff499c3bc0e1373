"""Skills, level and remote status read from an opening's title, location and description."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

from bot.openings import Level, Remote
from bot.skills import Skill, SkillVocabulary
from bot.text import normalize as _normalize

# Titles and descriptions are normalised by several readers in turn; once is enough.
normalize = lru_cache(maxsize=256)(_normalize)

# Order matters: the first pattern found in the title wins, so "Senior Engineering Manager"
# is a manager and "Staff Engineer, Intern Tools" is staff, not an internship.
_LEVEL_PATTERNS: tuple[tuple[Level, re.Pattern[str]], ...] = tuple(
    (level, re.compile(r"(?<![\w])(?:" + pattern + r")(?![\w])"))
    for level, pattern in (
        (Level.MANAGER, r"(?:engineering |software |development |team )?manager|head of"
                        r"|director|vp|vice president|cto"),
        (Level.INTERN, r"intern|internship|werkstudent|working student|trainee|apprentice\w*"),
        (Level.STAFF, r"staff|principal|distinguished|fellow|architect"),
        (Level.SENIOR, r"senior|sr\.?|lead|tech lead|iii|iv|expert"),
        (Level.JUNIOR, r"junior|jr\.?|graduate|grad|new grad|entry[- ]level|associate"),
        (Level.MID, r"mid|mid[- ]level|medior|intermediate|ii|regular"),
    )
)
# Levels also read from words like these in a description, when the title says nothing.
_TEXT_LEVEL: tuple[tuple[Level, re.Pattern[str]], ...] = (
    (Level.INTERN, re.compile(
        r"\b(?:internship|intern position|students? (?:currently )?enrolled)\b")),
    (Level.JUNIOR, re.compile(r"\b(?:entry[- ]level|new grads?|recent graduates?|junior)\b")),
)
_YEARS = re.compile(r"(\d{1,2})\s*\+?\s*(?:-\s*\d{1,2}\s*)?(?:years|yrs)")

_REMOTE_WORDS = re.compile(
    r"(?<![\w])(?:fully[- ]remote|100% remote|remote[- ]first|remote[- ]friendly|work from "
    r"anywhere|work from home|wfh|anywhere|distributed team|remote)(?![\w])"
)
_HYBRID_WORDS = re.compile(
    r"(?<![\w])(?:hybrid|partly remote|partially remote|flexible (?:office|working)"
    r"|\d days? (?:a|per) week in (?:the )?office)(?![\w])")
_ONSITE_WORDS = re.compile(r"(?<![\w])(?:on[- ]?site|in[- ]office|office[- ]based|in person|"
                           r"not remote|no remote)(?![\w])")
_NOT_REMOTE = re.compile(r"(?<![\w])(?:not (?:a )?remote|no remote|non[- ]remote|"
                         r"remote (?:is )?not (?:possible|available))(?![\w])")

_TAG = re.compile(r"<[^>]+>")
_BLOCK_TAG = re.compile(r"(?i)<\s*(?:br|/p|/div|/li|/h\d|/tr|/ul|/ol)\s*/?>")
_SPACES = re.compile(r"[ \t\r\f\v]{2,}|[\t\r\f\v]")
_BLANKS = re.compile(r"\n\s*\n+")


_EDGE_SPACES = re.compile(r" +\n *|\n +")


def _unescape_markup(text: str) -> str:
    # Only what hides tags; every other entity is left for the final html.unescape, which
    # gives the same result as unescaping everything now, at a fraction of the cost.
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&#39;", "'").replace("&amp;", "&"))


def html_to_text(raw: str) -> str:
    """Plain text from job-board HTML; entity-escaped HTML (&lt;p&gt;) is unescaped first."""
    text = raw
    # Greenhouse escapes its HTML once more (&lt;p&gt;); unescape until no tag hides in entities.
    for _ in range(3):
        if "&lt;" not in text:
            break
        text = _unescape_markup(text)
    if "<" in text:
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    text = _SPACES.sub(" ", text.replace("\xa0", " "))
    text = _EDGE_SPACES.sub("\n", text)
    return _BLANKS.sub("\n\n", text).strip()


def level_of(title: str, description: str = "") -> Level | None:
    """The level from the title first; else hints in the description (years of experience)."""
    t = normalize(title).replace(",", " ").replace("/", " ").replace("(", " ").replace(")", " ")
    for level, pattern in _LEVEL_PATTERNS:
        if pattern.search(t):
            return level
    # A lone "I" is a level only at the end of a title ("Software Engineer I").
    if re.search(r"(?<![\w])i\s*$", t):
        return Level.JUNIOR
    if not description:
        return None
    d = normalize(description)
    for level, pattern in _TEXT_LEVEL:
        if pattern.search(d):
            return level
    years = [int(m.group(1)) for m in _YEARS.finditer(d)]
    years = [y for y in years if y <= 20]
    if years:
        y = min(years)
        if y <= 1:
            return Level.JUNIOR
        if y <= 4:
            return Level.MID
        if y <= 7:
            return Level.SENIOR
        return Level.STAFF
    return None


def remote_of(location: str = "", workplace_type: str | None = None, text: str = "") -> Remote:
    """Remote status from an explicit workplace type, else the location string, else the text."""
    wt = normalize(workplace_type or "").replace("_", "-")
    if wt in ("remote", "fully-remote"):
        return Remote.YES
    if wt == "hybrid":
        return Remote.HYBRID
    if wt in ("on-site", "onsite", "office", "in-office"):
        return Remote.NO
    loc = normalize(location)
    if loc:
        if _HYBRID_WORDS.search(loc):
            return Remote.HYBRID
        if _REMOTE_WORDS.search(loc) and not _NOT_REMOTE.search(loc):
            return Remote.YES
        if _ONSITE_WORDS.search(loc):
            return Remote.NO
    body = normalize(text)
    if body:
        if _NOT_REMOTE.search(body):
            return Remote.NO
        if _HYBRID_WORDS.search(body):
            return Remote.HYBRID
        if re.search(r"(?<![\w])(?:fully[- ]remote|100% remote|remote[- ]first|work from "
                     r"anywhere|remote (?:position|role|job|opportunity))(?![\w])", body):
            return Remote.YES
        if _ONSITE_WORDS.search(body):
            return Remote.NO
    return Remote.UNKNOWN


# Skill names that are also ordinary English words: in job text they count only when written
# as a name ("Go", "Rust"), or through an unambiguous alias ("golang").
AMBIGUOUS = frozenset({"go", "rust", "swift", "spring", "express", "less", "r", "c", "dart",
                       "elm", "chef", "puppet", "salt", "ruby", "crystal", "julia", "ada",
                       "make", "scheme", "render", "nest", "next", "ember"})


def _trie_pattern(forms: list[str]) -> str:
    """One regex for many words, shaped as a trie: at each position only the branch that fits
    the next character is tried, longest continuation first (like longest-first alternation)."""
    trie: dict[str, Any] = {}
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
        return body

    return build(trie)


class _FastFinder:
    """The vocabulary's matches (same word edges, longest form wins), much faster on long text."""

    def __init__(self, vocab: SkillVocabulary) -> None:
        self.vocab = vocab
        self.by_form: dict[str, Skill] = {}
        for sk in vocab.skills:
            for f in (sk.name, *sk.aliases):
                self.by_form.setdefault(_normalize(f), sk)
        self.by_form.pop("", None)
        forms = sorted(self.by_form)
        # Ambiguous words count when the skill's name is written as such ("Go", "Rust").
        self.named = {
            sk.name: re.compile(r"(?<![\w.])" + re.escape(sk.name) + r"(?![\w+#])")
            for sk in vocab.skills
        }
        self.pattern = re.compile(r"(?<![\w.+#])(" + _trie_pattern(forms) + r")(?![\w+#])") \
            if forms else None

    def find(self, norm: str, original: str) -> list[str]:
        if self.pattern is None:
            return []
        out: list[str] = []
        for m in self.pattern.finditer(norm):
            form = m.group(1)
            skill = self.by_form.get(form)
            if skill is None:
                continue
            if form in AMBIGUOUS and not self.named[skill.name].search(original):
                continue
            out.append(skill.name)
        return out


_FINDERS: dict[int, _FastFinder] = {}


def _finder(vocab: SkillVocabulary) -> _FastFinder:
    found = _FINDERS.get(id(vocab))
    if found is None or found.vocab is not vocab:
        found = _FastFinder(vocab)
        if len(_FINDERS) > 8:
            _FINDERS.clear()
        _FINDERS[id(vocab)] = found
    return found


def _found(vocab: SkillVocabulary, text: str, norm: str | None = None) -> list[str]:
    if not text:
        return []
    return _finder(vocab).find(norm if norm is not None else normalize(text), text)


def skills_of(vocab: SkillVocabulary, title: str, description: str = "",
              extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Canonical skill names mentioned in explicit tags, the title or the description."""
    found: dict[str, None] = {}
    for name in extra:
        skill = vocab.canonical(name)
        if skill is not None:
            found.setdefault(skill.name)
    for name in (*_found(vocab, title), *_found(vocab, description)):
        found.setdefault(name)
    return tuple(found)
