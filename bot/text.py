"""Text normalisation, tokenising and stemming shared by the matcher and the skills vocabulary."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

_DASHES = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "’": "'", "‘": "'"})


def normalize(text: str) -> str:
    """Lower-case, Unicode-normalised, single-spaced text; punctuation kept."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return " ".join(text.casefold().split())


# Tech names whose punctuation carries meaning; folded to one token before splitting.
_COMPOUNDS: dict[str, str] = {
    "node.js": " nodejs ", "nodejs": " nodejs ", "express.js": " express ", "expressjs": " express ",
    "next.js": " nextjs ", "vue.js": " vue ", "c++": " cpp ", "c#": " csharp ", ".net": " dotnet ",
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

STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are aren't as at be because been before
    being below between both but by can cannot could did do does doing don't down during each
    few for from further had has have having he her here hers herself him himself his how i i'd
    i'm i've if in into is isn't it it's its itself just let's me more most my myself no nor not
    of off on once only or other ought our ours ourselves out over own same she should so some
    such than that that's the their theirs them themselves then there there's these they this
    those through to too under until up very was we were what what's when where which while who
    whom why will with won't would you your yours yourself yourselves
    hi hey hello please thanks thank ok okay yes yeah hmm um uh lol
    tell explain know want wanna gonna need like really actually basically just thing things stuff
    someone something anything everything lot lots bit kind sort way ways get got getting
    going use using used one also still ever even much many well good great mean means
    s t d ll m re ve whats dont im ive id isnt arent lets thats theres wont cant doesnt
    youre hows wheres whos
    """.split()
)

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=131072)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def words(text: str) -> list[str]:
    """Raw lower-case word tokens, compounds folded, stopwords kept."""
    norm = _COMPOUND.sub(_fold, normalize(text))
    return _TOKEN.findall(norm.replace("'", ""))


def terms(text: str) -> list[str]:
    """Stemmed index terms: stopwords removed."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]
