"""Text normalisation, tokenising and stemming shared by the matcher and the skills vocabulary."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

_DASHES = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "’": "'", "‘": "'"})


def tidy(text: str) -> str:
    """Unicode-normalised, single-spaced text; case and punctuation kept."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return " ".join(text.split())


# Formatting people paste or type around words ("what is <b>docker</b>?", "what's `redis`?"):
# HTML tags of text formatting, and Markdown's emphasis and code marks.
_TAGS = re.compile(r"</?(?:b|i|u|s|em|strong|code|pre|tt|kbd|samp|var|mark|del|ins|sub|sup|small|big|"
                   r"span|p|div|a|br|hr|q|cite|blockquote|h[1-6]|li|ul|ol)(?:\s[^<>]*)?/?>", re.IGNORECASE)
_MARKS = re.compile(r"\*\*|__|~~|`+|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")


# Sounds and asides that open a message without saying anything of it ("wait, what does that
# mean", "hmm ok", "btw what can you do"): the rest is what is asked. "wait" and "hold on" are
# asides only before a pause or a question, not as words of it ("wait times in a queue").
_ASIDE = re.compile(
    r"^(?:(?:h+m+|u+m+|u+h+|erm+|btw|by the way|oh wait|(?:wait|hold on|hang on|one sec(?:ond)?|"
    r"wait a (?:sec(?:ond)?|minute|moment))(?=\s*[,.!:;…-]|\s+(?:what|how|why|so|but|is|are|does|do|"
    r"did|can|could|so|you|i|that|this|then|which|where|who|actually)\b))[\s,.!:;…-]+)+",
    re.IGNORECASE)


def without_aside(text: str) -> str:
    """`text` without the sounds and asides that open it, when something is left after them."""
    m = _ASIDE.match(text)
    if m is None or not text[m.end():].strip():
        return text
    return text[m.end():]


def unmarked(text: str) -> str:
    """Text without formatting markup, its words and other punctuation kept."""
    if "<" not in text and not any(c in text for c in "*_~`"):
        return text
    # A closing tag or mark ends a word ("<b>docker</b>?"): nothing takes its place.
    return tidy(_MARKS.sub("", _TAGS.sub(lambda m: "" if m.group().startswith("</") else " ", text)))


# Handlers, cues and matchers each normalise the message again (about thirty times a message).
@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Lower-case, Unicode-normalised, single-spaced text; punctuation kept."""
    return tidy(text).casefold()


# Tech names whose punctuation carries meaning; folded to one token before splitting.
_COMPOUNDS: dict[str, str] = {
    "node.js": " nodejs ",
    "nodejs": " nodejs ",
    "express.js": " express ",
    "expressjs": " express ",
    "next.js": " nextjs ",
    "vue.js": " vue ",
    "c++": " cpp ",
    "c#": " csharp ",
    ".net": " dotnet ",
}
_COMPOUND = re.compile(
    r"\b(?:node|express|next|vue)\.?js\b|(?<!\w)c\+\+|(?<!\w)c#|(?<!\w)\.net\b"
    r"|\bci\s*/\s*cd\b|\b(?:back|front|full)[\s-]+(?:end|stack)|\bdev[\s-]+ops\b|\be[\s-]mail"
)


def _fold(m: re.Match[str]) -> str:
    found = m.group(0)
    if found in _COMPOUNDS:
        return _COMPOUNDS[found]
    if found.startswith("ci"):
        return " ci cd "
    return " " + re.sub(r"[\s-]+", "", found) + " "


_TOKEN = re.compile(r"[a-z0-9]+")
# Chat shorthand, expanded so that it meets the knowledge base's full words.
ABBREVIATIONS: dict[str, str] = {
    "diff": "difference", "db": "database", "dbs": "databases", "perf": "performance",
    "dev": "developer", "devs": "developers", "eng": "engineer", "engs": "engineers",
    "infra": "infrastructure", "prod": "production", "env": "environment", "repo": "repository",
    "repos": "repositories", "config": "configuration", "auth": "authentication",
    "authn": "authentication", "authz": "authorization", "pw": "password", "pwd": "password",
    "msg": "message", "msgs": "messages", "lang": "language", "langs": "languages",
    "impl": "implementation", "svc": "service", "interviews": "interview", "vs": "versus",
    "u": "you", "ur": "your", "pls": "please", "plz": "please", "thx": "thanks", "w": "with",
    "b4": "before",
}

STOPWORDS = frozenset(
    """
    a about above actually after again against all also am an and any anything are aren't arent
    as at basically be because been before being below between bit both but by can cannot cant
    could d did do does doesnt doing don't dont down during each even ever everything explain
    few for from further get getting going gonna good got great had has have having he hello her
    here hers herself hey hi him himself his hmm how hows i i'd i'm i've id if im in into is
    isn't isnt it it's its itself ive just kind know let's lets like ll lol lot lots m many me
    mean means more most much my myself need no nor not of off ok okay on once one only or other
    ought our ours ourselves out over own please re really s same she should so some someone
    something sort still stuff such t tell than thank thanks that that's thats the their theirs
    them themselves then there there's theres these they thing things this those through to too
    uh um under until up use used using ve versus very wanna want was way ways we well were what
    what's whats when where wheres which while who whom whos why will with won't wont would yeah
    yes you your youre yours yourself yourselves
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=131072)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def words(text: str) -> list[str]:
    """Raw lower-case word tokens, compounds folded, stopwords kept."""
    norm = _COMPOUND.sub(_fold, normalize(text))
    return [ABBREVIATIONS.get(t, t) for t in _TOKEN.findall(norm.replace("'", ""))]


def words_re(*phrases: str) -> re.Pattern[str]:
    """A pattern matching any of the phrases on word boundaries."""
    return re.compile(r"(?<!\w)(?:" + "|".join(phrases) + r")(?!\w)")


def bare(text: str) -> str:
    """Text without punctuation and emoji, for whole-message comparisons."""
    return re.sub(r"[^\w\s']+", " ", text).strip()
