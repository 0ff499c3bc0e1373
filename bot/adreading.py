"""Reading a job ad by meaning: the sentences of an opening's ad that answer a question about it."""

from __future__ import annotations

import hashlib
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from bot.adfacts import KINDRED_WORDS
from bot.encoder import Encoder, Vectors
from bot.openings import Opening
from bot.text import STOPWORDS, normalize, stem, words
from bot.vocabulary import is_generic

log = logging.getLogger(__name__)

# An ad's sentences: split after a full stop or at a line break (list items are lines).
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
# Sentences read of one ad by their words: real ads state their facts in a few dozen; a wall of
# text is read no further.
MAX_SENTENCES = 80
# Sentences encoded for one question of one ad (each costs ~5 ms of CPU), and for a question of a
# whole list at most LIST_ENCODED in all: the sentences sharing most words with the question first,
# then the ad's others in order. A sentence is encoded once, so each question reads more of the
# ad by meaning than the one before.
ENCODED_PER_READ = 6
LIST_ENCODED = 12
# A sentence that can answer says something: a list item of a word or two ("Redis") cannot.
MIN_WORDS = 4
MIN_ITEM_WORDS = 2
# Ads whose sentence vectors are kept (a conversation asks several questions of one ad).
CACHED_ADS = 128
# A sentence's score is its cosine with the question plus WORDS_WEIGHT times the share of the
# question's words (or their kindred words) it contains; it answers from ANSWERS_AT up, and a
# second sentence is quoted when within SECOND_WITHIN of the best. Fitted on the questions of
# tests/bot/data/dev/conversations-tune-19.yaml (each ranks its answer first, the lowest at 0.33)
# and on questions its ads do not answer (nearly all below 0.26); never on -valid-19.
WORDS_WEIGHT = 0.5
KIN_WEIGHT = 0.6
ANSWERS_AT = 0.33
SECOND_WITHIN = 0.08
# Without an encoder only the words are read: the same line, on their share alone.
WORDS_ANSWER_AT = 0.2
MAX_ANSWERS = 2

# Words of a question that point at the opening or carry no fact: never matched against the ad.
_POINTING = frozenset(("job", "role", "position", "opening", "company", "ones", "ad", "they", "it",
                       "there", "possible", "required", "requirement", "requirements", "need",
                       "needed", "offer", "offered", "get", "any", "do", "does", "is", "are"))
_POINTING_STEMS = frozenset(stem(w) for w in _POINTING)


def sentences(description: str) -> list[str]:
    """The ad's sentences and list items, in order."""
    return [s.strip() for s in _SENTENCE.split(description) if len(s.strip()) > 2]


# A heading is a short line that ends in a colon, or in no stop at all where a part begins (after
# a blank line or a full sentence) and something follows: "How we hire", "What we offer:".
MAX_HEADING_WORDS = 6
_STOPPED = (".", "!", "?")
# A line with a number states something ("Salary EUR 60,000"), never a heading.
_DIGIT = re.compile(r"\d")


def sectioned(description: str) -> list[tuple[str, str]]:
    """The ad's sentences and list items, in order, each with the heading of its part ("" before
    the first): "Private medical care" is said under "What we offer"."""
    lines = [line.strip() for line in description.splitlines()]
    out: list[tuple[str, str]] = []
    heading = ""
    for i, line in enumerate(lines):
        if not line:
            continue
        before = lines[i - 1] if i else ""
        after = lines[i + 1] if i + 1 < len(lines) else ""
        starts = not before or before.endswith(_STOPPED)
        if len(line.split()) <= MAX_HEADING_WORDS and after and not _DIGIT.search(line) and (
                line.endswith(":") or (not line.endswith(_STOPPED) and starts)):
            heading = line.rstrip(":").strip()
            continue
        out.extend((s, heading) for s in sentences(line))
    return out


def ad_sentences(description: str) -> list[str]:
    """The ad's sentences and list items without its headings ("The team" states no team)."""
    return [s for s, _ in sectioned(description)]


# A word written in two ("on-call", "on call", "time zone") is one word: its halves ("call",
# "time") would match anything.
_OPEN_COMPOUNDS = re.compile(r"(?<!\w)(?:" + "|".join(
    "[ -]?".join(map(re.escape, re.split(r"[ -]", phrase))) for group in KINDRED_WORDS
    for phrase in group if re.search(r"[ -]", phrase)) + r")(?!\w)")


def _joined(norm: str) -> str:
    norm = _OPEN_COMPOUNDS.sub(lambda m: m.group(0).replace(" ", "").replace("-", ""), norm)
    return re.sub(r"(?<=[a-z])-(?=[a-z])", "", norm)


def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(_joined(normalize(text))) if w not in STOPWORDS)


# Each word's stem → the stems of the other words of its groups (a word may be in two:
# "training").
_KIN: dict[str, frozenset[str]] = {}
for _group in KINDRED_WORDS:
    _members = frozenset(next(iter(_stems(phrase))) for phrase in _group)
    for _member in _members:
        _KIN[_member] = _KIN.get(_member, frozenset()) | (_members - {_member})


def asked_words(question: str) -> frozenset[str]:
    """The stems of what a question asks (not the words that only point, "is it", "that job", nor
    generic ones, "backend", "developer")."""
    return frozenset(stem(w) for w in words(_joined(normalize(question)))
                     if w not in STOPWORDS and not is_generic(w)) - _POINTING_STEMS


def names_ad_words(question: str) -> bool:
    """Whether a question names something ads state in words of a known kind ("perks", "stock")."""
    return any(s in _KIN for s in asked_words(question))


@dataclass(frozen=True, kw_only=True, slots=True)
class Said:
    """A sentence of an ad and how well it answers the question (see ANSWERS_AT)."""

    sentence: str
    score: float


@dataclass(frozen=True, kw_only=True, slots=True)
class _Ad:
    """An ad's sentences, their stems and the stems of their parts' headings, and the vectors of
    those encoded so far (`encoded`; the arrays fill in as questions are asked)."""

    sentences: tuple[str, ...]
    headings: tuple[str, ...]
    stems: tuple[frozenset[str], ...]
    context: tuple[frozenset[str], ...]
    vectors: Vectors
    encoded: np.ndarray


class AdReader:
    """Scores an ad's sentences against a question by meaning (the shared encoder) and by words
    (with their kindred words, bot/adfacts.py). Every sentence is read by its words; only a few
    are encoded per question (ENCODED_PER_READ), those most likely to answer first, and each
    sentence's vector is kept for the next question (an LRU of ads keyed by the opening, its text
    and the model)."""

    def __init__(self, size: int = CACHED_ADS) -> None:
        self._ads: OrderedDict[tuple[str, str, str, str], _Ad] = OrderedDict()
        self._size = size

    def read(self, o: Opening, question: str, vector: Vectors | None, encoder: Encoder | None, *,
             skip: frozenset[str] = frozenset(), budget: int = ENCODED_PER_READ) -> list[Said]:
        """Every sentence of the ad (but those in `skip`), best answer first; at most `budget`
        sentences not encoded before are encoded for it."""
        asked = asked_words(question) - _named(o)
        if not asked:
            return []  # words that only point ("that one", "tell me about it") ask nothing of it
        ad = self._ad(o, encoder)
        if not ad.sentences:
            return []
        # A question's word counts once: found as itself, or (less surely) as a word of its kind
        # or in the heading of the sentence's part ("what's the hiring process?" of an item under
        # "How we hire").
        shares = np.array([sum(1.0 if s in stems else KIN_WEIGHT if (
            _KIN.get(s, frozenset()) & stems or s in context or _KIN.get(s, frozenset()) & context)
            else 0.0 for s in asked) / len(asked)
            for stems, context in zip(ad.stems, ad.context, strict=True)], dtype=np.float32)
        meaning = np.zeros(len(ad.sentences), dtype=np.float32)
        if vector is not None and encoder is not None:
            # First the sentences that share words with the question; the others only when none
            # of those answers (a question the ad answers in other words: "who would help me?" of
            # "each new developer gets a buddy").
            wording = shares > 0
            budget -= self._encode(ad, shares, wording, encoder, budget)
            meaning = np.where(ad.encoded, ad.vectors @ vector, 0.0)
            if budget > 0 and float(np.max(meaning + WORDS_WEIGHT * shares)) < ANSWERS_AT:
                self._encode(ad, shares, ~wording, encoder, budget)
                meaning = np.where(ad.encoded, ad.vectors @ vector, 0.0)
        said = [Said(sentence=sentence, score=float(meaning[i]) + WORDS_WEIGHT * float(shares[i]))
                for i, sentence in enumerate(ad.sentences) if sentence not in skip]
        return sorted(said, key=lambda s: -s.score)

    def answers(self, o: Opening, question: str, vector: Vectors | None, encoder: Encoder | None, *,
                skip: frozenset[str] = frozenset(), budget: int = ENCODED_PER_READ) -> list[Said]:
        """The sentences that answer the question (at most MAX_ANSWERS), or none when the ad does
        not say."""
        read = self.read(o, question, vector, encoder, skip=skip, budget=budget)
        least = ANSWERS_AT if vector is not None and encoder is not None else WORDS_ANSWER_AT
        if not read or read[0].score < least:
            return []
        return [s for s in read[:MAX_ANSWERS] if s.score >= max(least, read[0].score - SECOND_WITHIN)]

    def _ad(self, o: Opening, encoder: Encoder | None) -> _Ad:
        digest = hashlib.blake2b(o.description.encode(), digest_size=8).hexdigest()
        key = (o.source, o.external_id, digest, encoder.model_id if encoder is not None else "")
        if (known := self._ads.get(key)) is not None:
            self._ads.move_to_end(key)
            return known
        # An item of two words says something under a heading ("What we offer": "Private medical
        # care").
        kept = [(s, h) for s, h in sectioned(o.description)
                if len(s.split()) >= (MIN_ITEM_WORDS if h else MIN_WORDS)][:MAX_SENTENCES]
        dim = encoder.dim if encoder is not None else 0
        ad = _Ad(sentences=tuple(s for s, _ in kept), headings=tuple(h for _, h in kept),
                 stems=tuple(_stems(s) for s, _ in kept), context=tuple(_stems(h) for _, h in kept),
                 vectors=np.zeros((len(kept), dim), dtype=np.float32),
                 encoded=np.zeros(len(kept), dtype=bool))
        self._ads[key] = ad
        if len(self._ads) > self._size:
            self._ads.popitem(last=False)
        return ad

    @staticmethod
    def _encode(ad: _Ad, shares: np.ndarray, among: np.ndarray, encoder: Encoder, budget: int) -> int:
        """Encode up to `budget` of the sentences `among` not encoded yet, those sharing most
        words with the question first, else in the ad's order; how many were."""
        # A stable sort on the negated share keeps the ad's order among equals.
        waiting = [int(i) for i in np.argsort(-shares, kind="stable")
                   if among[i] and not ad.encoded[i]][:budget]
        if not waiting:
            return 0
        try:
            # Read under its heading: "How we hire: a call, a take-home task…" means hiring.
            ad.vectors[waiting] = encoder.encode([f"{ad.headings[i]}: {ad.sentences[i]}" if ad.headings[i]
                                                  else ad.sentences[i] for i in waiting])
        except Exception:
            # A broken model must not stop the answer: the ad is read by its words.
            log.exception("the sentence encoder failed on an ad; reading it by words")
            return len(waiting)
        ad.encoded[waiting] = True
        return len(waiting)


def _named(o: Opening) -> frozenset[str]:
    """The stems that name the opening ("the Tidewell one"), which no sentence answers."""
    return frozenset(stem(w) for w in words(f"{o.company} {o.title}")) | frozenset(
        stem(w) for w in normalize(o.company).split())
