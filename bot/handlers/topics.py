"""Topic answers and their follow-ups: more, an example, why, downsides, simpler, another subject."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Sequence

from bot.actions import RateTopic, RunCommand, ShowTopic, TopicDetails, TopicExample
from bot.answers import asks_overview, aspect, aspect_question, compose, overview, simple_version
from bot.encoder import Vectors
from bot.followups import Shift, read_shift, substitute, topic_name
from bot.handlers.base import BaseHandler
from bot.handlers.feedback import remember_question
from bot.handlers.openings import gap_buttons, openings_index
from bot.handlers.profile import summary
from bot.intents import FOLLOW_UPS, SURE, Situation, about_oneself
from bot.knowledge import Topic
from bot.markup import Block, Bold, Link, Paragraph, para
from bot.markup import bullets as bullet_list
from bot.messages import Button, Reply
from bot.passages import Kind, Passage, terms
from bot.recommend import Query, wanted_skills
from bot.retrieval import Ranking
from bot.routing import Context
from bot.vocabulary import find_skills, is_generic

# Below this the core would rather say "did you mean" than risk a wrong answer.
ANSWER_AT = 0.5
# The hybrid confidence says which topic is meant if one is; whether the message asks for a topic
# at all is for the intents to say: one sure of its intent (0.9 and up: "find me openings", a
# greeting) wins over any topic.
ROUTING_CAP = 0.85
MAX_RELATED_BUTTONS = 3

_FOLLOWUP = re.compile(r"^(?:and |so |ok(?:ay)? |but )?(?:what|how) about\b|^and\b|^vs\.?\b|"
                       r"^compared (?:to|with)\b|^versus\b")
# Choosing between what the answer before set out: "so which one would you pick for a startup?"
_CHOOSING = re.compile(r"(?<!\w)(?:which (?:one|of (?:them|the two|these|those))|(?:either|both) "
                       r"(?:one|of them))(?!\w)")

# A question about "it" (the subject on screen) that names nothing else: "how long does it take
# to learn it?", "who actually uses it?".
_ABOUT_IT = re.compile(r"(?<!\w)(?:it|them)(?![\w'])|(?<!\w)(?:that|this)(?= *\??$)")
_QUESTION_FIRST = re.compile(r"^(?:(?:ok|okay|so|and|but|hmm),? )?(?:what|how|why|where|when|who|which|is|"
                             r"are|does|do|can|should|would|will)\b")
MAX_ABOUT_IT_WORDS = 12
# A short question that names no subject, right after a topic answer, asks about that topic
# ("what's the hardest part?", "and if my manager refuses?") when a sentence of the topic is
# this close to it (unrelated questions stay below 0.14, measured); a topic that answers it
# better still wins.
ELLIPTIC_SCORE = 0.6
ELLIPTIC_AT = 0.17
MAX_ELLIPTIC_WORDS = 8
_CONDITION_FIRST = re.compile(r"^(?:and |but |so )?(?:what )?if\b")
_CONTRACTION = re.compile(r"\b\w+['’]\w+\b")

# Conversation data: which passages of the current topic were shown (openings use "shown"); the
# side of it the last answer was about ({"kind": why|downsides|simpler|example} or {"kind":
# "question", "text": the question}), which "and Go?" asks again about another subject; and the
# last two topics answered, the one before first ("how do they compare?" sets them against each
# other; an openings list or a profile change in between clears the current topic, not these).
PASSAGES_SHOWN = "passages_shown"
ASPECT = "aspect"
TOPICS = "topics"
# "and Go?" and "how does that compare to Rust?" right after a topic answer: a shape read in
# context (only a subject, after a topic answer), which the same words read without the context
# ("and docker" as a skill added to the profile) must not outweigh.
SHIFT_SCORE = 0.995
# A choice between what the topic on screen set out wins over reading it as a new question.
CHOOSING_SCORE = 0.9
# The follow-ups answered from one side of the topic rather than its next passage.
_ASPECTS = ("why", "downsides", "simpler", "example", "reading")
# "What should I learn next?" reads the openings that fit the person best: enough of them to
# show a pattern, few enough to stay about this person rather than the whole market.
NEXT_SKILLS_AMONG = 10
NEXT_SKILLS_SHOWN = 4
NEXT_SKILLS_BUTTONS = 2

def topic_ranking(ctx: Context, *, boost: tuple[str, ...] = ()) -> Ranking:
    """The topics for this message, ranked once per message (see Context.topic_ranking)."""
    return ctx.topic_ranking(boost=boost)

def topic_buttons(ctx: Context, topic: Topic, *, shown: Collection[int],
                  also: Sequence[str] = (), rate: str | None = None) -> tuple[Button, ...]:
    """Tell me more and Example while the topic has passages not `shown` yet, then topics to go
    on to (`also` first, then the related ones) and the rating of the answer (about `rate`)."""
    passages = ctx.bot.passages.by_topic.get(topic.id, ())
    buttons: list[Button] = []
    if any(p.kind is not Kind.EXAMPLE and p.position not in shown for p in passages):
        buttons.append(Button(label="Tell me more", action=TopicDetails(topic_id=topic.id).encode()))
    if any(p.kind is Kind.EXAMPLE and p.position not in shown for p in passages):
        buttons.append(Button(label="Example", action=TopicExample(topic_id=topic.id).encode()))
    links = [rid for rid in dict.fromkeys((*also, *topic.related))
             if rid != topic.id and rid in ctx.kb.topics]
    for rid in links[:MAX_RELATED_BUTTONS]:
        buttons.append(Button(label=ctx.kb.topics[rid].title, action=ShowTopic(topic_id=rid).encode()))
    rated = rate or topic.id
    buttons.append(Button(label="👍 Helpful", action=RateTopic(topic_id=rated, helpful=True).encode()))
    buttons.append(Button(label="👎 Not helpful",
                          action=RateTopic(topic_id=rated, helpful=False).encode()))
    return tuple(buttons)


def shown_before(ctx: Context, topic: Topic) -> set[int]:
    """Positions of the topic's passages the person has seen: as remembered for the last answer,
    else its page (an older answer, or a button pressed under one)."""
    shown = ctx.state.data.get(PASSAGES_SHOWN)
    if isinstance(shown, dict) and shown.get("topic") == topic.id and ctx.state.last_topic == topic.id:
        return {int(i) for i in shown.get("passages", ())}
    return {p.position for p in ctx.bot.passages.by_topic.get(topic.id, ())
            if p.kind in (Kind.OVERVIEW, Kind.ANSWER)}


def _remember(ctx: Context, topic: Topic, shown: Collection[int]) -> None:
    page = {p.position for p in ctx.bot.passages.by_topic.get(topic.id, ())
            if p.kind in (Kind.OVERVIEW, Kind.ANSWER)}
    # The page is what a button under an older answer assumes anyway; only the rest is stored.
    ctx.set_data(**{PASSAGES_SHOWN: None if set(shown) == page
                    else {"topic": topic.id, "passages": sorted(shown)}})


def _move_to(ctx: Context, topic_id: str, aspect: dict[str, str] | None) -> None:
    """Make `topic_id` the current topic (the one before it is kept) and remember the side asked."""
    recent = [str(t) for t in ctx.state.data.get(TOPICS) or ()]
    # Written only when the topic changes: a first answer changes nothing worth saving.
    previous = ctx.state.last_topic or (recent[-1] if recent else None)
    if previous and previous != topic_id:
        ctx.set_data(**{TOPICS: [previous, topic_id]})
    ctx.update(last_topic=topic_id, pending=None)
    ctx.set_data(**{ASPECT: aspect})


def answer_topic(ctx: Context, topic_id: str, *, confidence: float, to_question: bool = False) -> Reply:
    """The topic's page, or with `to_question` the answer to the message's exact question."""
    topic = ctx.kb.topics[topic_id]
    if to_question:
        # A question that only names the topic gets its page: its meaning is not read (the cascade).
        general = asks_overview(ctx.bot.passages, topic_id, ctx.text)
        answer = compose(ctx.bot.passages, topic_id, ctx.text, None if general else ctx.query_vector())
    else:
        answer = overview(ctx.bot.passages, topic)
    focus = ctx.kb.topics[answer.focus]
    shown = {p.position for p in answer.shown if p.topic_id == focus.id}
    page = {p.position for p in ctx.bot.passages.by_topic.get(focus.id, ())
            if p.kind in (Kind.OVERVIEW, Kind.ANSWER)}
    # A question answered by a passage (or a comparison) is one "and Go?" can ask again.
    specific = to_question and (shown != page or answer.intent == "compare")
    _move_to(ctx, focus.id, {"kind": "question", "text": ctx.text} if specific else None)
    ctx.set_data(page=None)
    _remember(ctx, focus, shown)
    remember_question(ctx, topic_id, focus.id)
    also = (topic_id, *answer.about) if focus.id != topic_id else answer.about
    buttons = topic_buttons(ctx, focus, shown=shown, also=also, rate=topic_id)
    return Reply(
        blocks=answer.blocks,
        buttons=buttons,
        intent=answer.intent,
        topic=topic_id,
        confidence=round(confidence, 3),
        suggestions=tuple(dict.fromkeys(r for r in (*also, *focus.related)
                                        if r != focus.id and r in ctx.kb.topics)),
    )


# Where the answers come from, said when someone asks for the source of one.
_OWN_NOTES = ("My answers come from careerbot's own notes, written and reviewed by its maintainers "
              "rather than looked up live.")


def _reading(topic: Topic) -> tuple[Block, ...]:
    """The answer to "source?" or "where can I read more?" about `topic`: its reading list."""
    if not topic.resources:
        return (para(f"I have no reading list for {topic.title}. {_OWN_NOTES}"),)
    items = [(Link(r.title, r.url),) for r in topic.resources]
    return (para(Bold(f"Further reading on {topic.title}")), bullet_list(items),
            para(f"{_OWN_NOTES} These are good places to check them and go deeper."))


def _resources(topic: Topic) -> list[Paragraph]:
    if not topic.resources:
        return []
    items = [(Link(r.title, r.url),) for r in topic.resources]
    return [para(Bold("Further reading")), bullet_list(items)]  # type: ignore[list-item]


class TopicHandler(BaseHandler):
    """Answers a question with the best-matching topic."""

    intent = "topic"
    commands = ("ask",)
    actions = (ShowTopic,)

    def score(self, ctx: Context) -> float:
        if ctx.bot.retriever.semantic and ctx.leading_score >= ROUTING_CAP:
            return 0.0  # another handler is sure: no topic could win, so none is looked for
        ranking = topic_ranking(ctx, boost=self._context_boost(ctx))
        if ranking.best is None:
            return 0.0
        # The matcher's own confidence (no embeddings) competes as it always did.
        return ranking.best.confidence if ranking.method == "matcher" else min(ranking.best.confidence,
                                                                                ROUTING_CAP)

    @staticmethod
    def _context_boost(ctx: Context) -> tuple[str, ...]:
        last = ctx.state.last_topic
        if not last or last not in ctx.kb.topics:
            return ()
        # "what about NoSQL?" after a databases answer leans toward related topics.
        if _FOLLOWUP.search(ctx.norm) or len(ctx.norm.split()) <= 4:
            return (last, *ctx.kb.topics[last].related)
        return ()

    async def handle(self, ctx: Context) -> list[Reply]:
        if isinstance(ctx.action, ShowTopic):
            if ctx.action.topic_id not in ctx.kb.topics:
                return [Reply(blocks=(para("That topic is no longer available. Try /topics."),),
                              intent="fallback")]
            return [answer_topic(ctx, ctx.action.topic_id, confidence=1.0)]
        if ctx.command == "ask" and not ctx.text:
            return [Reply(
                blocks=(para("Usage: /ask <your question>, for example /ask what is GraphQL?"),),
                intent="help",
            )]
        best = topic_ranking(ctx, boost=self._context_boost(ctx)).best
        if best is None or best.confidence < ANSWER_AT:
            return await ctx.bot.answer(ctx.bot.fallback, ctx)
        if _asks_downsides(ctx, best.topic_id):
            # "what are the downsides of GraphQL?": the side of the topic, as the follow-up
            # gets it (and "and REST?" then asks the same of REST).
            reply = follow_up(ctx, ctx.kb.topics[best.topic_id], "downsides")
            return [dataclasses.replace(reply, intent="topic",
                                        confidence=round(best.confidence, 3))]
        reply = answer_topic(ctx, best.topic_id, confidence=best.confidence, to_question=True)
        return [await for_you(ctx, reply)]


async def for_you(ctx: Context, reply: Reply) -> Reply:
    """A topic answer asked in the first person, with what the person's own data adds: for a
    topic about what to learn, the skills that the open openings fitting their profile ask for
    and they lack ("what should I learn next?"), or how to get that from the bot."""
    topic = ctx.kb.topics.get(reply.topic or "")
    if topic is None or topic.personal != "next-skills" or not about_oneself(ctx.norm):
        return reply
    profile = await ctx.profile()
    if all(is_generic(s) for s in profile.skills):
        note = para("Tell me what you know (“I know Java and SQL”) and I'll also say which skills "
                    "the openings that fit you ask for.")
        return dataclasses.replace(reply, blocks=(*reply.blocks, note))
    index = await openings_index(ctx)
    results = index.rank(Query.for_person(profile), limit=NEXT_SKILLS_AMONG)
    wanted = wanted_skills(results.matches, limit=NEXT_SKILLS_SHOWN)
    one = results.total == 1
    fits = ("the open opening that fits you" if one
            else f"the {len(results.matches)} open openings that fit you best"
            if results.total > len(results.matches) else f"the {results.total} open openings that fit you")
    if not results.matches:
        text = "no open opening asks for your skills right now, so I can't say what the market wants next."
    elif not wanted:
        text = f"{fits} {'asks' if one else 'ask'} for nothing you don't list already."
    else:
        # How many ask for each, where there is more than one to count.
        asked = [w.gap.skill if one else f"{w.gap.skill} ({w.asked_by}{' of them' if i == 0 else ''})"
                 for i, w in enumerate(wanted)]
        listed = asked[0] if len(asked) == 1 else ", ".join(asked[:-1]) + " and " + asked[-1]
        text = f"{fits} also {'asks' if one else 'ask'} for {listed}."
    note = para(Bold("For you"), f" ({summary(profile)}): {text[0].upper()}{text[1:]}")
    learn = gap_buttons(results.matches, limit=NEXT_SKILLS_BUTTONS)
    return dataclasses.replace(reply, blocks=(*reply.blocks, note), buttons=(*learn, *reply.buttons))


class MoreHandler(BaseHandler):
    """Follow-ups on the topic in context: more, an example, why, downsides, simpler; the same
    about another subject ("and Go?") or the topic compared with one; 'more' pages openings."""

    intent = "more"
    commands = ("more",)
    actions = (TopicDetails, TopicExample)

    def score(self, ctx: Context) -> float:
        if _shift(ctx) is not None:
            return SHIFT_SCORE
        if _choosing(ctx):
            return CHOOSING_SCORE
        said = ctx.intents().best(FOLLOW_UPS)[1]
        return max(said, ELLIPTIC_SCORE) if said < SURE and _elliptic(ctx) else said

    async def handle(self, ctx: Context) -> list[Reply]:
        if isinstance(ctx.action, TopicDetails | TopicExample):
            kind = "example" if isinstance(ctx.action, TopicExample) else "more"
            topic_id = ctx.action.topic_id
        else:
            if ctx.state.data.get("page") is not None and not ctx.state.last_topic:
                ctx.cache["paging"] = True
                return await ctx.bot.answer(ctx.bot.command_handler("jobs"), ctx)
            shift = _shift(ctx) if ctx.command is None else None
            if shift is not None:
                return [self._shifted(ctx, shift)]
            if ctx.command is None and (_choosing(ctx) or (
                    ctx.intents().best(FOLLOW_UPS)[1] < SURE and _elliptic(ctx))):
                # The question asked of the topic on screen, which it leaves unsaid.
                current = ctx.kb.topics[ctx.state.last_topic or ""]
                ctx.text = f"{ctx.text} ({current.title})"
                reply = answer_topic(ctx, current.id, confidence=1.0, to_question=True)
                return [dataclasses.replace(reply, intent="more")]
            kind = ctx.intents().best(FOLLOW_UPS)[0] if ctx.command is None else "more"
            topic_id = ctx.state.last_topic or ""
        topic = ctx.kb.topics.get(topic_id)
        if topic is None:
            return [Reply(
                blocks=(para("More about what? Ask me a question first, or see /topics."),),
                buttons=(Button(label="Browse topics", action=RunCommand(name="topics").encode()),),
                intent="more",
            )]
        return [follow_up(ctx, topic, kind)]

    def _shifted(self, ctx: Context, shift: Shift) -> Reply:
        """The same side of another subject ("and Go?"), or the current topic compared with it."""
        current = ctx.kb.topics[ctx.state.last_topic or ""]
        target = shift.subject.topic_id
        if shift.compare:
            asked = ctx.state.data.get(ASPECT)
            said = str(asked.get("text", "")) if isinstance(asked, dict) else ""
            ctx.text = f"{topic_name(ctx.kb, current.id, said)} vs {shift.subject.name}"
            return answer_topic(ctx, current.id, confidence=1.0, to_question=True)
        if target == current.id:
            # A thing inside the current topic: the passage about it.
            ctx.text = shift.subject.name
            return dataclasses.replace(answer_topic(ctx, target, confidence=1.0, to_question=True),
                                       intent="more")
        asked = ctx.state.data.get(ASPECT)
        kind = asked.get("kind") if isinstance(asked, dict) else None
        if kind in _ASPECTS:
            return follow_up(ctx, ctx.kb.topics[target], str(kind))
        question = (substitute(str(asked.get("text", "")), ctx.kb, current.id, shift.subject)
                    if isinstance(asked, dict) and kind == "question" else None)
        if question is not None:
            ctx.text = question
            reply = answer_topic(ctx, target, confidence=1.0, to_question=True)
        else:
            reply = answer_topic(ctx, target, confidence=1.0)
        return reply if reply.intent == "compare" else dataclasses.replace(reply, intent="more")


def follow_up(ctx: Context, topic: Topic, kind: str) -> Reply:
    """The follow-up `kind` on `topic`: the side asked for, or the next passages not shown."""
    _move_to(ctx, topic.id, {"kind": kind} if kind in _ASPECTS else None)
    ctx.set_data(page=None)
    shown = shown_before(ctx, topic)
    if kind == "reading":
        blocks = _reading(topic)
        reading = False
    elif kind in ("why", "downsides", "simpler"):
        answer = (simple_version(ctx.bot.passages, topic) if kind == "simpler"
                  else aspect(ctx.bot.passages, topic, kind, _aspect_vectors(ctx, topic, kind),
                              text=ctx.text, vector=ctx.query_vector()))
        blocks = answer.blocks if answer is not None else (para(_NOTHING[kind].format(
            title=topic.title)),)
        shown |= {p.position for p in answer.shown} if answer is not None else set()
        reading = False
    else:
        now, title, reading = _next_part(topic, ctx.bot.passages.by_topic.get(topic.id, ()),
                                         shown, example=kind == "example")
        shown |= {p.position for p in now}
        blocks = (Paragraph((Bold(title),)), *(b for p in now for b in p.blocks))
    _remember(ctx, topic, shown)
    if reading:
        blocks = (*blocks, *_resources(topic))
    return Reply(blocks=tuple(blocks), buttons=topic_buttons(ctx, topic, shown=shown),
                 intent="more", topic=topic.id, confidence=1.0,
                 suggestions=tuple(r for r in topic.related if r in ctx.kb.topics))


# The aspect questions' vectors, per model, topic and kind: the same few are asked again and again.
_ASPECT_VECTORS: dict[tuple[str, str, str], Vectors | None] = {}


def _aspect_vectors(ctx: Context, topic: Topic, kind: str) -> tuple[Vectors | None, Vectors | None]:
    encoder = ctx.bot.encoder
    if encoder is None:
        return None, None
    out: list[Vectors | None] = []
    for k in (kind, "downsides" if kind == "why" else "why"):
        key = (encoder.model_id, topic.id, k)
        if key not in _ASPECT_VECTORS:
            vector = ctx.bot.encode_query(aspect_question(topic, k))
            if vector is None:
                return None, None  # the encoder failed: not remembered, it may work next time
            _ASPECT_VECTORS[key] = vector
        out.append(_ASPECT_VECTORS[key])
    return out[0], out[1]


def _asks_downsides(ctx: Context, topic_id: str) -> bool:
    """The question asks for the downsides of the topic it names, as a follow-up would."""
    scores = ctx.bot.intents.classify(ctx.text, Situation(topic=topic_id), ctx.query_vector,
                                      settled=ctx.words_settle)
    return scores["downsides"] >= SURE and scores.best(FOLLOW_UPS)[0] == "downsides"


# What a follow-up gets when the topic has nothing on the side asked.
_NOTHING = {
    "why": "I don't have more on why {title} matters than what I showed you.",
    "downsides": "I don't have anything on the downsides of {title} in my notes, beyond what I "
                 "showed you.",
    "simpler": "I don't have a simpler explanation of {title} than that one.",
}


def _shift(ctx: Context) -> Shift | None:
    """The message as "and Go?" or "how does that compare to Rust?" after a topic answer (once)."""
    if "shift" not in ctx.cache:
        recent = [str(t) for t in ctx.state.data.get(TOPICS) or ()]
        before = recent[0] if len(recent) == 2 and recent[1] == ctx.state.last_topic else None
        ctx.cache["shift"] = read_shift(ctx.text, ctx.kb, ctx.state.last_topic, before=before)
    shift = ctx.cache["shift"]
    assert shift is None or isinstance(shift, Shift)
    return shift


def _choosing(ctx: Context) -> bool:
    """The message chooses between what the topic on screen set out ("so which one would you
    pick for a startup?"), or asks about it ("how long does it take to learn it?"), and names no
    other subject."""
    current = ctx.state.last_topic
    if current not in ctx.kb.topics:
        return False
    if not _CHOOSING.search(ctx.norm) and not (
            _ABOUT_IT.search(ctx.norm) and len(ctx.norm.split()) <= MAX_ABOUT_IT_WORDS
            and ("?" in ctx.norm or _QUESTION_FIRST.match(ctx.norm))
            and ctx.intents().best(FOLLOW_UPS)[1] < SURE):
        return False
    # Read as a list: the options named ("go or rust") are skills, however short the words.
    subjects = {s.topic for s in find_skills(ctx.kb.skills, ctx.text, listed=True) if s.topic}
    return not subjects or current in subjects


def _elliptic(ctx: Context) -> bool:
    """A short question after a topic answer that names no subject and reads as no other intent,
    which a sentence of that topic is about (see ELLIPTIC_AT)."""
    if "elliptic" not in ctx.cache:
        ctx.cache["elliptic"] = _reads_elliptic(ctx)
    return bool(ctx.cache["elliptic"])


def _reads_elliptic(ctx: Context) -> bool:
    current = ctx.state.last_topic
    norm = ctx.norm
    if (current not in ctx.kb.topics or ctx.command is not None or ctx.action is not None
            or len(norm.split()) > MAX_ELLIPTIC_WORDS
            or not ("?" in norm or _QUESTION_FIRST.match(norm) or _CONDITION_FIRST.match(norm))
            or any(not is_generic(s.name) for s in find_skills(ctx.kb.skills, ctx.text))
            or max((p for name, p in ctx.intents().scores.items() if name not in FOLLOW_UPS),
                   default=0.0) >= SURE):
        return False
    index = ctx.bot.passages
    # A word the knowledge base never uses ("bitcoin", "weather") is a subject of its own.
    if not all(index.knows(t) for t in terms(_CONTRACTION.sub(" ", ctx.text), ctx.kb.skills)):
        return False
    vector = ctx.query_vector()
    start = index.offsets.get(current or "")
    if vector is None or start is None:
        return False
    sentence = index.scores(ctx.text, vector).sentence
    return float(sentence[start:start + len(index.by_topic[current or ""])].max()) >= ELLIPTIC_AT


def _next_part(topic: Topic, passages: Sequence[Passage], shown: Collection[int], *,
               example: bool) -> tuple[list[Passage], str, bool]:
    """What "Tell me more" or "Example" shows next, its title, and whether further reading follows."""
    if example and topic.example:
        return [p for p in passages if p.kind is Kind.EXAMPLE], f"{topic.title}: an example", False
    details = [p for p in passages if p.kind is Kind.DETAILS]
    if example:  # a topic without an example offers its details instead
        return details, f"{topic.title}: an example", True
    unseen = [p for p in passages if p.kind is not Kind.EXAMPLE and p.position not in shown]
    # After a passage, the rest of the topic's page comes before its details.
    page = [p for p in unseen if p.kind in (Kind.OVERVIEW, Kind.ANSWER)]
    if page:
        return page, topic.title, False
    return [p for p in unseen if p.kind is Kind.DETAILS] or details, f"{topic.title}: in more depth", True
