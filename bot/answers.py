"""What a topic question is answered with: the overview, the passage(s) that answer it, or a comparison."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.encoder import Vectors
from bot.knowledge import KnowledgeBase, Topic
from bot.markup import Block, Bold, Paragraph, para
from bot.passages import FloatArray, Kind, Passage, PassageIndex, Scores, sentences, skill_term, terms
from bot.text import STOPWORDS, normalize, stem, unmarked, words
from bot.vocabulary import find_skills

# A passage in the topic the question was matched to, or in one related to it, is more likely
# to be the one meant than an equally close passage elsewhere.
PRIOR_TOPIC = 0.05
PRIOR_RELATED = 0.025
POINTER_PENALTY = 1.0
# The overview answers when it is at least this much closer to the question than any passage;
# a question made only of the topic's names gets a passage only when that is this much closer.
GENERAL_MARGIN = 0.05
MENTION_MARGIN = 0.05
# A passage that has none of the question's own words (but those in most passages, rarer than
# COMMON_IDF: "write", "work") is closer in meaning alone; it answers instead of the topic's page
# only when it is this much closer than any part of the page ("java for backend, thoughts?").
UNSUPPORTED_MARGIN = 0.1
COMMON_IDF = 2.2
# A second passage is shown when it is this close to the first and both are short enough.
SECOND_WITHIN = 0.06
TWO_PASSAGES_CHARS = 1100
# No passage answers the question when the closest sentence of the best is further than this in
# meaning, or, without an encoder, when it has less than this share of the question's own words.
WEAK_SENTENCE = 0.3
WEAK_COVERAGE = 0.15

# Words that ask for an overview or only name the field everything here belongs to: a question
# made of the topic's names and these ("what's the big picture on Docker for a backend dev?")
# is a general one.
_GENERAL = """
    overview introduction intro introduce basics basic fundamentals summary summarise summarize
    nutshell big picture gist rundown primer crash course high level general generally broad
    broadly story deal point purpose cover covers covered special mean meaning definition define
    describe description explanation explained understand concept concepts idea ideas role
    relate related relation relationship matter matters important importance why work works
    backend backends server side developer developers engineer engineers engineering app
    apps application applications software programming development language languages technology
    technologies tech tool tools field area areas world thing give show need new beginner
    beginners newbie newbies novice dummies start started starting simple simply short quick quickly
    people service services exist exists kind kinds type types sort sorts option options
    learn learning worth care pros cons terms plain english complete eli5 relevant popular
    today nowadays future
    thought thoughts opinion opinions think hear hearing heard keep keeps talk talking buzz hype
    everyone everybody anyway exactly actually really basically quickly briefly please stuff whole
""".split()  # noqa: SIM905 - a word list reads better as text
GENERAL_WORDS = frozenset(_GENERAL)

_FIGURE = re.compile(
    r"\bhow (?:much|many)\b|\bhow long (?:does|will|would|did) it take\b|\bwhat percent(?:age)?\b"
    r"|\b(?:average|median|typical|usual) (?:\w+ )?(?:salary|salaries|pay|wage|rate|cost|price|income)\b"
    r"|\bsalary (?:range|figure|band)s?\b"
    r"|\bwhat (?:do|does|can|will|would) [\w .-]{0,40}?"
    r"\b(?:developers?|engineers?|devs?|programmers?|juniors?|seniors?) (?:earn|make|get paid)\b"
    r"|\b(?:rough|ballpark|concrete|exact|real) (?:numbers|figures|estimates?)\b")
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                     r"fifteen|twenty|thirty|forty|fifty|hundred|thousand|million|billion)\b", re.I)
_CONTRAST = re.compile(r"\b(?:vs\.?|versus|compared? (?:to|with)|comparison|comparing|difference|"
                       r"differences|differ|better than|rather than|instead of)\b")
# Two things named in a question with one of these are being compared ("Java or Python?").
_COMPARE = re.compile(_CONTRAST.pattern + r"|\bor\b")
_COMPARATIVE_TITLE = re.compile(r"\bvs\.?\b|\bversus\b|\bchoos(?:e|ing)\b|\bcompar")


@dataclass(frozen=True, kw_only=True, slots=True)
class Answer:
    """A composed answer: what it says, and which passages of which topic it showed."""

    intent: str
    # The topic the shown passages come from: where "Tell me more" goes on.
    focus: str
    blocks: tuple[Block, ...]
    shown: tuple[Passage, ...]
    # Topic ids the answer is about besides the focus (the sides of a comparison).
    about: tuple[str, ...] = ()


def overview(index: PassageIndex, topic: Topic, *, intro: Sequence[Block] = ()) -> Answer:
    """The topic's page: its title and whole answer, the reply to a general question."""
    shown = tuple(p for p in index.by_topic.get(topic.id, ()) if p.kind in (Kind.OVERVIEW, Kind.ANSWER))
    return Answer(intent="topic", focus=topic.id,
                  blocks=(*intro, Paragraph((Bold(topic.title),)), *topic.answer), shown=shown)


def compose(index: PassageIndex, topic_id: str, text: str, vector: Vectors | None) -> Answer:
    """The answer to `text`, a question matched to topic `topic_id`."""
    kb = index.kb
    topic = kb.topics[topic_id]
    text = unmarked(text)
    if not text.strip():
        return overview(index, topic)
    question, sides, comparing = _reading(index, topic, text)
    if not comparing and not question.figure and not question.residual and not question.mentions:
        return overview(index, topic)  # only the topic's names: its page, whatever the passages score
    scores = index.scores(text, vector)
    total = scores.total + _prior(index, topic)
    if comparing:
        return _compare(index, topic, sides, total)
    best = _best(index, total, exclude=Kind.OVERVIEW)
    if best is None:
        return overview(index, topic)
    page = float(total[index.offsets[topic.id]])
    if question.figure:
        return _figures(index, topic, scores, total, best, question)
    if not question.residual:
        # Only names: the topic's page, unless one of them is a thing inside the topic ("what is
        # a dockerfile?") that a passage answers clearly better.
        if not question.mentions or total[best] < page + MENTION_MARGIN:
            return overview(index, topic)
    else:
        other = None if question.names_topic else named_topic(index, question.residual)
        # Only when that topic's page is also the closer one: one shared word is not enough.
        if other is not None and total[index.offsets[other]] > page:
            return overview(index, kb.topics[other])
        if page >= total[best] + GENERAL_MARGIN:
            return overview(index, topic)
        if (question.names_topic and not _supported(index, best, question.residual)
                and total[best] < _page_score(index, topic, total) + UNSUPPORTED_MARGIN):
            return overview(index, topic)
    if _weak(index, scores, best, question.residual):
        note = para("I don't have an answer to that exact question. "
                    f"Here is what I know about {topic.title}:")
        return overview(index, topic, intro=(note,))
    return _passages(index, best, total)


def asks_overview(index: PassageIndex, topic_id: str, text: str, *, naming: bool = False) -> bool:
    """Whether `compose` answers `text` with the topic's page without reading its meaning: the
    question says nothing besides the topic's names ("what is docker?"), so its vector need not
    be computed. `naming`: and it does name the topic (not only words every question has)."""
    text = unmarked(text)
    if not text.strip():
        return not naming
    question, _, comparing = _reading(index, index.kb.topics[topic_id], text)
    return (not comparing and not question.figure and not question.residual and not question.mentions
            and (question.names_topic or not naming))


_Reading = tuple["Question", tuple["Side", ...], bool]
# The latest reading (index, topic, text, reading): a topic question is read against its topic
# two or three times in a row (the router's cascade, whether its meaning is needed, its
# answer), about 75 µs each. One tuple, read once, so that a reading in another thread can
# never pair one message's key with another's reading.
_latest_reading: tuple[PassageIndex | None, Topic | None, str, _Reading | None] = (None, None, "", None)


def _reading(index: PassageIndex, topic: Topic, text: str) -> _Reading:
    """The question read against its topic, the sides it compares, and whether it compares."""
    global _latest_reading
    seen = _latest_reading
    if seen[3] is not None and seen[0] is index and seen[1] is topic and seen[2] == text:
        return seen[3]
    reading = _read_against(index, topic, text)
    _latest_reading = (index, topic, text, reading)
    return reading


def _read_against(index: PassageIndex, topic: Topic, text: str) -> _Reading:
    question = read(index, topic, text)
    asked = _the_question(text)
    if asked is not None and question.residual:
        # "what is GraphQL? my colleague mentioned it": the rest only says why it is asked
        only = read(index, topic, asked)
        if only.names_topic and not only.residual and not only.mentions:
            question = only
    sides = comparison_sides(index.kb, text)
    comparing = bool(sides) or (question.contrasts
                                and _COMPARATIVE_TITLE.search(topic.title.lower()) is not None)
    return question, sides, comparing


_SENTENCES = re.compile(r"(?<=[?!.])\s+")


def _the_question(text: str) -> str | None:
    """The one sentence that asks, in a message of several sentences; None otherwise."""
    parts = [p for p in _SENTENCES.split(text.strip()) if p]
    asks = [p for p in parts if p.endswith("?")]
    return asks[0] if len(parts) > 1 and len(asks) == 1 else None


def _figures(index: PassageIndex, topic: Topic, scores: Scores, total: FloatArray, best: int,
             question: Question) -> Answer:
    """A question asking for a number: the passage that has it, or plainly that none does."""
    if _has_figure(index.passages[best], question.residual) and not _weak(
            index, scores, best, question.residual):
        return _passages(index, best, total)
    note = para("I don't have figures for that. Here is what I can tell you:")
    # An example's numbers describe a made-up case, not the figure asked for.
    plain = _best(index, total, exclude=Kind.OVERVIEW, also=Kind.EXAMPLE)
    if plain is None or _weak(index, scores, plain, question.residual) \
            or float(total[index.offsets[topic.id]]) >= total[plain]:
        return overview(index, topic, intro=(note,))
    return _passages(index, plain, total, intro=(note,))


def _prior(index: PassageIndex, topic: Topic) -> FloatArray:
    # A topic's passages are one run of rows: slices, not np.isin over every passage's topic.
    prior = np.zeros(len(index))
    for related in topic.related:
        prior[index.rows_of(related)] = PRIOR_RELATED
    prior[index.rows_of(topic.id)] = PRIOR_TOPIC
    # A passage that points to this topic's page is not what the page's question is answered with.
    prior[list(index.deferring.get(topic.id, ()))] = -POINTER_PENALTY
    return prior.astype(np.float32)


def _best(index: PassageIndex, total: FloatArray, *, exclude: Kind, also: Kind | None = None,
          within: str | None = None) -> int | None:
    allowed = (index.kinds != exclude.value) & (index.kinds != (also or exclude).value)
    if within is not None:
        allowed &= index.topic_ids == within
    if not allowed.any():
        return None
    return int(np.argmax(np.where(allowed, total, -np.inf)))


def coverage(index: PassageIndex, i: int, residual: Iterable[str]) -> float:
    """The share of the question's own words (by rarity) that passage `i` has."""
    wanted = set(residual)
    total = sum(index.idf(t) for t in wanted)
    return sum(index.idf(t) for t in wanted if t in index.terms[i]) / total if total else 0.0


def _supported(index: PassageIndex, i: int, residual: Iterable[str]) -> bool:
    """Whether passage `i` has one of the question's own words, one that is not in most passages."""
    return any(t in index.terms[i] and index.idf(t) >= COMMON_IDF for t in residual)


def _page_score(index: PassageIndex, topic: Topic, total: FloatArray) -> float:
    """How close the topic's page is: its closest part (the overview and the rest of the answer)."""
    start = index.offsets[topic.id]
    parts = [start + k for k, p in enumerate(index.by_topic[topic.id])
             if p.kind in (Kind.OVERVIEW, Kind.ANSWER)]
    return float(total[parts].max())


def _weak(index: PassageIndex, scores: Scores, i: int, residual: Sequence[str]) -> bool:
    """Nothing in passage `i` answers the question: no sentence close to it in meaning (with an
    encoder), or too few of its words (without)."""
    if scores.has_vectors:
        return float(scores.sentence[i]) < WEAK_SENTENCE
    return coverage(index, i, residual) < WEAK_COVERAGE


def _has_figure(passage: Passage, residual: Iterable[str]) -> bool:
    """A number in a sentence about what the question asks, not just any number."""
    wanted = set(residual)
    return any(_NUMBER.search(s) and wanted & set(terms(s)) for s in sentences(passage))


def _title(kb: KnowledgeBase, passage: Passage) -> Paragraph:
    title = kb.topics[passage.topic_id].title
    return Paragraph((Bold(f"{title}: an example" if passage.kind is Kind.EXAMPLE else title),))


def _passages(index: PassageIndex, best: int, total: FloatArray, *,
              intro: Sequence[Block] = ()) -> Answer:
    """Passage `best`, and the next closest when it is nearly as close and both are short; each
    under its topic's title."""
    chosen = [index.passages[best]]
    second = _best(index, np.where(np.arange(len(total)) == best, -np.inf, total), exclude=Kind.OVERVIEW)
    if (second is not None and total[second] >= total[best] - SECOND_WITHIN
            and len(chosen[0].text) + len(index.passages[second].text) <= TWO_PASSAGES_CHARS):
        chosen.append(index.passages[second])
    blocks: list[Block] = [*intro]
    for topic_id in dict.fromkeys(p.topic_id for p in chosen):
        group = sorted((p for p in chosen if p.topic_id == topic_id), key=lambda p: p.position)
        blocks.append(_title(index.kb, group[0]))
        blocks.extend(b for p in group for b in p.blocks)
    focus = chosen[0].topic_id
    return Answer(intent="topic", focus=focus, blocks=tuple(blocks),
                  shown=tuple(p for p in chosen if p.topic_id == focus))


# --- what a question is about --------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class Question:
    """A question read against the topic it was matched to."""

    # Its own words (stemmed): not the topic's names, not words asking for an overview.
    residual: tuple[str, ...]
    # Other names of the topic's skills it uses ("dockerfile"): maybe a thing inside the topic.
    mentions: tuple[str, ...]
    # Whether it names the topic (misspelt counts), beyond words every topic here shares.
    names_topic: bool
    # Whether it asks for a number ("how much", "average salary").
    figure: bool
    # Whether it sets two things against each other ("vs", "difference", "better than").
    contrasts: bool


def read(index: PassageIndex, topic: Topic, text: str) -> Question:
    names = index.names.get(topic.id, frozenset())
    aliases = index.aliases.get(topic.id, frozenset())
    residual: list[str] = []
    mentions: list[str] = []
    named = False
    for word in words(text):
        if word in STOPWORDS or word in GENERAL_WORDS or word.isdigit():
            continue
        term = stem(word)
        if term in aliases:
            mentions.append(term)
        elif term in names or (not index.knows(term) and _misspelt(word, names | aliases)):
            named = True
        else:
            residual.append(term)
    for skill in find_skills(index.kb.skills, text):
        term = skill_term(skill.name)
        if set(words(skill.name)) <= GENERAL_WORDS:
            continue  # "backend development": the field everything here belongs to
        if term in names:
            named = True
        else:
            residual.append(term)
    norm = normalize(text)
    return Question(residual=tuple(residual), mentions=tuple(mentions),
                    names_topic=named or bool(mentions), figure=bool(_FIGURE.search(norm)),
                    contrasts=bool(_CONTRAST.search(norm)))


def _misspelt(word: str, names: Iterable[str]) -> bool:
    # As the topic matcher does: long enough, at most one or two edits, the same first letter.
    if len(word) < 5 or not word.isalpha():
        return False
    limit = 1 if len(word) <= 7 else 2
    candidates = [n for n in names if n[:1] == word[:1] and n.isalpha()]
    return process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=limit) is not None


def named_topic(index: PassageIndex, residual: Sequence[str]) -> str | None:
    """The one topic all of `residual` names: a general question about another topic than the
    one it was matched to."""
    found = [tid for tid, names in index.names.items() if set(residual) <= names]
    return found[0] if len(found) == 1 else None


# --- comparisons ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class Side:
    name: str
    topic_id: str


def comparison_sides(kb: KnowledgeBase, text: str) -> tuple[Side, ...]:
    """The things `text` compares when they belong to different topics ("Java or Python?"), else ()."""
    if not _COMPARE.search(normalize(text)):
        return ()
    named: dict[str, Side] = {}
    broad: dict[str, Side] = {}
    for skill in find_skills(kb.skills, text):
        if skill.topic is not None and skill.topic in kb.topics:
            # "backend" names the whole field: a side only when nothing more specific is compared.
            kind = broad if set(words(skill.name)) <= GENERAL_WORDS else named
            kind.setdefault(skill.topic, Side(name=skill.name, topic_id=skill.topic))
    sides = named if len(named) >= 2 else {**named, **broad}
    return tuple(sides.values()) if len(sides) >= 2 else ()


def comparison_topic(kb: KnowledgeBase, topic: Topic, sides: Sequence[Side]) -> Topic | None:
    """A topic written for choosing between the sides, if the knowledge base has one."""
    wanted = {s.topic_id for s in sides}
    candidates = [topic, *(kb.topics[s.topic_id] for s in sides),
                  *(t for t in kb.topics.values() if t.id != topic.id)]
    for t in candidates:
        if not _COMPARATIVE_TITLE.search(t.title.lower()):
            continue
        linked = set(t.related) | {t.id} | {s for s in wanted if t.id in kb.topics[s].related}
        if wanted <= linked:
            return t
    return None


def _naming_all(index: PassageIndex, sides: Sequence[Side], total: FloatArray) -> int | None:
    """The closest passage (of an answer's rest or details) that names every side and sets them
    against each other ("Go vs Rust. ..."), if one does."""
    if any(set(words(s.name)) <= GENERAL_WORDS for s in sides):
        return None  # "python for backend: yes or no?" sets nothing against the whole field
    wanted = [skill_term(s.name) for s in sides]
    found = [i for i, have in enumerate(index.terms) if wanted and all(w in have for w in wanted)
             and index.kinds[i] in (Kind.DETAILS.value, Kind.ANSWER.value)
             and _CONTRAST.search(normalize(index.passages[i].text))]
    return max(found, key=lambda i: float(total[i])) if found else None


def _compare(index: PassageIndex, topic: Topic, sides: Sequence[Side], total: FloatArray) -> Answer:
    """Two sides from a topic written for choosing between them, else the closest passage of each."""
    kb = index.kb
    about = tuple(s.topic_id for s in sides)
    chosen = comparison_topic(kb, topic, sides) if sides else topic
    # A passage written about both sides ("Go vs Rust." in Go's details) compares them best, when
    # it is closer to the question than what the comparison topic has.
    both = _naming_all(index, sides, total)
    if both is not None:
        rival = _best(index, total, exclude=Kind.EXAMPLE, within=chosen.id) if chosen is not None else None
        if rival is None or total[both] > total[rival]:
            answer = _passages(index, both, total)
            return Answer(intent="compare", focus=answer.focus, blocks=answer.blocks,
                          shown=answer.shown, about=about)
    if chosen is not None:
        best = _best(index, total, exclude=Kind.EXAMPLE, within=chosen.id)
        if best is None or index.passages[best].kind is Kind.OVERVIEW:
            answer = overview(index, chosen)
        else:
            answer = _passages(index, best, total)
        return Answer(intent="compare", focus=answer.focus, blocks=answer.blocks, shown=answer.shown,
                      about=about)
    a, b = sides[0], sides[1]
    focus = topic.id if topic.id in (a.topic_id, b.topic_id) else a.topic_id
    blocks: list[Block] = [Paragraph((Bold(f"{a.name} or {b.name}"),))]
    shown: list[Passage] = []
    for side in (a, b):
        best = _best(index, total, exclude=Kind.EXAMPLE, within=side.topic_id)
        if best is None:
            continue
        passage = index.passages[best]
        shown.append(passage)
        blocks.append(Paragraph((Bold(kb.topics[side.topic_id].title),)))
        blocks.extend(passage.blocks)
    return Answer(intent="compare", focus=focus, blocks=tuple(blocks),
                  shown=tuple(p for p in shown if p.topic_id == focus), about=about)


# --- one side of the current topic: why, its downsides, the simple version -----------------------

# A follow-up asking why, or for the downsides, is read as this question about the topic (its
# title gives the question a subject to be close to) and answered by the topic's passage closest
# to it in meaning, less its closeness to the opposite question: "What they cost" and "What they
# buy you" read alike to a sentence model, and only the contrast tells them apart.
ASPECT_QUESTIONS = {
    "why": "Why {title}? Why does it matter, what are its benefits and advantages, what problem "
           "does it solve and why do teams use it?",
    "downsides": "What are the downsides of {title}? Its drawbacks, costs, trade-offs, pitfalls, "
                 "risks and common mistakes, and when not to use it.",
}
_OPPOSITE = {"why": "downsides", "downsides": "why"}
ASPECT_CONTRAST = 0.6
# A passage that opens by naming the side asked for ("Costs:", "Common pitfalls:", "Why teams
# like .NET.") gets this much more; one that neither does nor is this close is not about it.
ASPECT_LEAD_BONUS = 0.15
ASPECT_AT = 0.25
# Between this and ASPECT_AT the passage is offered as the closest there is, said to be no more.
ASPECT_NEAR = 0.17
# The person's own words ("when shouldn't I use it?", "the risks of using LLMs in a product")
# count this much beside the aspect question.
ASPECT_MESSAGE = 0.5
_ASPECT_LEADS = {
    "why": frozenset(stem(w) for w in "why benefits advantages strengths pros buy".split()),  # noqa: SIM905
    "downsides": frozenset(stem(w) for w in """downsides drawbacks disadvantages costs cost
        pitfalls traps hazards risks dangers limitations weaknesses caveats trade-offs tradeoffs
        avoid mistakes""".split()),  # noqa: SIM905 - word lists read better as text
}
ASPECT_TITLES = {"why": "why it matters", "downsides": "the downsides"}
_LEAD_WORDS = 4
# The simple version: the overview's first sentences, at most this many.
SIMPLE_SENTENCES = 2


def aspect_question(topic: Topic, kind: str) -> str:
    """The question a "why" or "downsides" follow-up about `topic` stands for."""
    title = re.sub(r"\s*\(.*?\)", "", topic.title)
    return ASPECT_QUESTIONS[kind].format(title=title)


def _opens_with(passage: Passage, stems: frozenset[str]) -> bool:
    lead = words(passage.text)[:_LEAD_WORDS]
    return any(stem(w) in stems for w in lead)


def aspect(index: PassageIndex, topic: Topic, kind: str,
           vectors: tuple[Vectors | None, Vectors | None], *, text: str = "",
           vector: Vectors | None = None) -> Answer | None:
    """The topic's passage about `kind` ("why" or "downsides"), or None when none is.

    `vectors`: the meaning of `aspect_question(topic, kind)` and of the opposite one (None
    without an encoder: then only a passage that opens by naming the side counts); `text` and
    `vector`: the message that asked, and its meaning.
    """
    asked, opposite = (aspect_question(topic, kind), aspect_question(topic, _OPPOSITE[kind]))
    start = index.offsets.get(topic.id)
    if start is None:
        return None
    span = slice(start, start + len(index.by_topic[topic.id]))
    semantic = vectors[0] is not None and vectors[1] is not None
    score = (index.scores(asked, vectors[0]).total[span]
             - ASPECT_CONTRAST * index.scores(opposite, vectors[1]).total[span])
    if text and vector is not None and semantic:
        said = index.scores(text, vector).total[span]
        score = score + ASPECT_MESSAGE * (said - float(said.mean()))
    best: tuple[float, Passage] | None = None
    for passage, value in zip(index.by_topic[topic.id], score, strict=True):
        if passage.kind is Kind.EXAMPLE:
            continue
        lead = _opens_with(passage, _ASPECT_LEADS[kind])
        if not lead and not semantic:
            continue
        value = float(value) + (ASPECT_LEAD_BONUS if lead else 0.0)
        if best is None or value > best[0]:
            best = (value, passage)
    if best is None or (semantic and best[0] < ASPECT_NEAR):
        return None
    passage = best[1]
    hedge: tuple[Block, ...] = ()
    if semantic and best[0] < ASPECT_AT:
        hedge = (para(f"My notes don't spell out {ASPECT_TITLES[kind].removeprefix('the ')} of "
                      f"{topic.title} as such; this is the closest they come:"),)
    blocks = (Paragraph((Bold(f"{topic.title}: {ASPECT_TITLES[kind]}"),)), *hedge, *passage.blocks)
    return Answer(intent="topic", focus=topic.id, blocks=blocks, shown=(passage,))


def simple_version(index: PassageIndex, topic: Topic) -> Answer | None:
    """The topic in its plainest words: the first sentences of its overview (None: it has none)."""
    first = next((p for p in index.by_topic.get(topic.id, ()) if p.kind is Kind.OVERVIEW), None)
    if first is None:
        return None
    said = sentences(first)[:SIMPLE_SENTENCES]
    if not said:
        return None
    blocks = (Paragraph((Bold(f"{topic.title}, in short"),)), para(" ".join(said)))
    return Answer(intent="topic", focus=topic.id, blocks=blocks, shown=(first,))
