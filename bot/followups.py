"""Follow-ups naming a new subject: "and Go?", "what about Java instead", "how does that compare to Rust?"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge import KnowledgeBase
from bot.text import normalize, words
from bot.vocabulary import find_skills, is_generic

# The short shapes that carry only a subject and lean on the answer before for the rest. A
# message with words of its own besides the subject ("and what are SLOs?", "what about php,
# still a thing?") is a question of its own and is routed as one.
_LEAD = r"^(?:(?:ok(?:ay)?|so|but|hmm|right|then|and),? )*"
_SWITCH = re.compile(_LEAD + r"(?:(?:what|how) about|same (?:question )?(?:for|with)|and for|and|now)"
                     r"\s+(?P<rest>.+)$")
_COMPARE = re.compile(
    _LEAD + r"(?:how (?:does|do|would|is) (?:that|it|this|they) (?:compare|stack up|differ)"
    r"(?: (?:to|with|against|from))?|how (?:is|are) (?:that|it|this|they) different (?:from|to)|"
    r"(?:is|are) (?:that|it|this|they) (?:better|worse) than|(?:(?:what|how) about )?compared (?:to|with)|"
    r"vs\.?|versus|what'?s the difference (?:with|from|to))\s+(?P<rest>.+)$")
# The two topics answered last, set against each other: "how do they compare?"
_BOTH = re.compile(
    _LEAD + r"(?:how do (?:they|the two|both|these|those)(?: two)? compare|"
    r"compare (?:them|the two|both|these|those)(?: two)?|"
    r"(?:what'?s|what is|what are) the differences? between (?:them|the two|these|those)(?: two)?|"
    r"how (?:are|do) (?:they|the two|these|those)(?: two)? (?:different|differ))$")
# Who or when the answer on screen is asked again for: "and for a junior?", "what about for
# beginners?", "is that still true in 2026?": the same topic, not a new subject nor a request.
_AUDIENCE = re.compile(
    r"^(?:for )?(?:an? |the |someone |people )?(?:(?:complete|total|absolute|fresh|new|very) )?"
    r"(?:junior|senior|mid(?:-| )?level|mid|beginner|newbie|newcomer|novice|student|intern|"
    r"graduate|grad|new grad|bootcamp grad(?:uate)?|career changer|self-taught|lead|staff|"
    r"starting out|just starting|first job|small (?:team|company|startup)|startup|big company|"
    r"large company|enterprise)s?(?: (?:one|dev|developer|engineer|role|level|person|position)s?)?$")
_STILL = re.compile(
    _LEAD + r"(?:(?:is|does|would) (?:that|this|it|all that|all this) still (?:true|hold|apply|"
    r"relevant|the case|valid|accurate|a thing|up to date|current)|(?:is|does) (?:that|this|it) "
    r"(?:hold|apply) (?:today|now|nowadays|these days|in 20\d\d)|still (?:true|relevant|the "
    r"case|valid)|(?:and |what about |how about )?(?:in 20\d\d|today|nowadays|these days))"
    r"(?: (?:in 20\d\d|today|now|nowadays|these days|anymore|any more))?$")
# Words that may stand around the subject without making the message a question of its own.
_FILLER = frozenset("""
    the a an one ones instead then too though also as well for it in with using use of like
    something language languages framework frameworks database databases db tool stack please
    plain just regular vanilla good old
""".split())  # noqa: SIM905 - a word list reads better as text


@dataclass(frozen=True, kw_only=True, slots=True)
class Subject:
    """What a follow-up names: its name as the knowledge base writes it and its topic."""

    name: str
    topic_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Shift:
    """A follow-up moving to `subject`: the same question about it, or (`compare`) the current
    topic set against it."""

    subject: Subject
    compare: bool


def read_shift(text: str, kb: KnowledgeBase, current: str | None, *,
               before: str | None = None) -> Shift | None:
    """The subject a follow-up on topic `current` moves to, or None when the message is not one;
    `before`: the topic answered before `current`, which "how do they compare?" means."""
    if current is None or current not in kb.topics:
        return None
    norm = normalize(text).strip().rstrip("?!. ")
    if _BOTH.match(norm):
        if before is None or before == current or before not in kb.topics:
            return None
        return Shift(subject=Subject(name=topic_name(kb, before), topic_id=before), compare=True)
    if _STILL.match(norm):
        return _same_topic(kb, current, norm)
    compare = _COMPARE.match(norm)
    match = compare or _SWITCH.match(norm)
    if match is None:
        return None
    if compare is None and _AUDIENCE.match(match.group("rest")):
        return _same_topic(kb, current, match.group("rest"))
    subject = named_subject(match.group("rest"), kb)
    # "what about SQS?" after a message-queues answer asks about a thing inside the topic; the
    # topic compared with itself is no comparison.
    if subject is None or (compare is not None and subject.topic_id == current):
        return None
    return Shift(subject=subject, compare=compare is not None)


def _same_topic(kb: KnowledgeBase, current: str, asked: str) -> Shift:
    """The topic on screen asked about again, for someone or some time ("for a junior")."""
    title = kb.topics[current].title
    return Shift(subject=Subject(name=f"{title}: {asked}", topic_id=current), compare=False)


def named_subject(text: str, kb: KnowledgeBase) -> Subject | None:
    """The one subject `text` consists of (a skill, or a topic's alias), besides filler words."""
    rest = f" {normalize(text)} "
    found: dict[str, Subject] = {}
    for skill in find_skills(kb.skills, text):
        if skill.topic is None or skill.topic not in kb.topics or is_generic(skill.name):
            continue
        found.setdefault(skill.topic, Subject(name=skill.name, topic_id=skill.topic))
        for form in sorted((skill.name, *skill.aliases), key=len, reverse=True):
            rest = re.sub(r"(?<!\w)" + re.escape(normalize(form)) + r"(?!\w)", " ", rest)
    if not found:
        plain = normalize(text).strip()
        for topic in kb.topics.values():
            if plain in (normalize(a) for a in topic.aliases):
                found[topic.id] = Subject(name=text.strip(), topic_id=topic.id)
                rest = ""
                break
    if len(found) != 1 or not set(words(rest)) <= _FILLER:
        return None
    return next(iter(found.values()))


def substitute(question: str, kb: KnowledgeBase, topic_id: str, subject: Subject) -> str | None:
    """`question`, asked about topic `topic_id`, with its subject replaced by `subject` ("how do I
    deploy a python app?" → "how do I deploy a Go app?"); None when it names no subject."""
    own: list[str] = list(kb.topics[topic_id].aliases) if topic_id in kb.topics else []
    others: list[str] = []
    for skill in find_skills(kb.skills, question):
        if skill.topic is not None and not is_generic(skill.name):
            (own if skill.topic == topic_id else others).extend((skill.name, *skill.aliases))
    # The topic's own name first; in a comparison ("java or python?") the side named last.
    for forms in (own, others):
        hits = [m for form in sorted(forms, key=len, reverse=True)
                for m in re.finditer(r"(?<!\w)" + re.escape(form) + r"(?!\w)", question, re.IGNORECASE)]
        if hits:
            last = max(hits, key=lambda m: (m.start(), m.end() - m.start()))
            return question[:last.start()] + subject.name + question[last.end():]
    return None


def topic_name(kb: KnowledgeBase, topic_id: str, said: str = "") -> str:
    """What a topic is called when set against another: the skill of it `said` names, else its
    first skill, else its title without the parenthesis."""
    for skill in (*find_skills(kb.skills, said), *kb.skills.skills):
        if skill.topic == topic_id and not is_generic(skill.name):
            return skill.name
    return re.sub(r"\s*\(.*?\)", "", kb.topics[topic_id].title)
