"""Job requests that change the list on screen (a skill ruled out, every opening, the newest
first, the list again after a topic), a profile told inside a request, years in words and
follow-ups for someone or some time (issue 12), through Bot.handle and the parts beneath it."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from bot.followups import read_shift
from bot.knowledge import KnowledgeBase
from bot.recommend import (
    OpeningIndex,
    Query,
    asks_again,
    changes_list,
    parse_request,
    reorders,
)
from bot.vocabulary import Reading, find_regions, years_of_experience
from tests.bot.test_opening_conversations import FEED_OPENINGS, POSTED, Chat, chats_over, shown

chat = chats_over(FEED_OPENINGS)


def test_a_request_rules_skills_out_in_its_own_clause(kb: KnowledgeBase) -> None:
    q = parse_request("anything that doesn't need Java?", kb.skills)
    assert q.avoid == ("Java",) and q.skills == ()
    q = parse_request("go jobs without kubernetes, in berlin", kb.skills)
    assert q.skills == ("Go",) and q.avoid == ("Kubernetes",)
    assert parse_request("no java or php please", kb.skills).avoid == ("Java", "PHP")
    # A "not" before no skill rules nothing out.
    q = parse_request("not sure, any python jobs?", kb.skills)
    assert q.skills == ("Python",) and q.avoid == ()


def test_every_opening_and_the_newest_first_are_read(kb: KnowledgeBase) -> None:
    assert parse_request("show all of them, not just my skills", kb.skills).every
    assert not parse_request("any python jobs?", kb.skills).every
    assert parse_request("newest first", kb.skills).newest
    assert reorders("sort by date please") and not reorders("any remote ones?")
    assert asks_again("show me the jobs again") and asks_again("ok back to the jobs")
    assert not asks_again("hey sorry, back again") and not asks_again("explain that again")


def test_ruled_out_every_and_newest_in_the_ranking() -> None:
    # The later an opening is in the feed, the newer it is.
    openings = [dataclasses.replace(o, posted_at=POSTED + timedelta(days=i))
                for i, o in enumerate(FEED_OPENINGS)]
    index = OpeningIndex(openings)
    ids = lambda q: [m.opening.external_id for m in index.rank(q, limit=20).matches]  # noqa: E731
    known = Query(known=("Java", "Python"))
    assert set(ids(known)) == {"q1", "l1", "e1", "i1", "s1"}
    # Java ruled out: its openings never, the person's other skill still ranks.
    without = ids(dataclasses.replace(known, avoid=("Java",)))
    assert not {"l1", "e1"} & set(without)
    assert {"p1", "g1", "w1"} <= set(without) and without[0] in ("q1", "i1", "s1")
    # Every opening, the person's skills first.
    every = ids(dataclasses.replace(known, every=True))
    assert len(every) == len(openings) and set(every[:5]) == {"q1", "l1", "e1", "i1", "s1"}
    # Newest first, whatever fits best.
    assert ids(dataclasses.replace(known, newest=True)) == ["s1", "i1", "e1", "l1", "q1"]


def test_a_later_request_keeps_the_order_and_asks_for_a_ruled_out_skill_again() -> None:
    first = Query(avoid=("Java",), newest=True)
    later = first.refined_by(Query(skills=("Java",)))
    assert later.avoid == () and later.newest
    assert first.refined_by(Query(skills=("Go",))).avoid == ("Java",)


def test_words_that_only_change_the_list_on_screen(kb: KnowledgeBase) -> None:
    index = OpeningIndex(FEED_OPENINGS, kb.skills)
    for said in ("strictly in spain", "just the american ones", "only the senior ones",
                 "forget spain, show the hybrid ones", "ones at glasswing only",
                 "what about in europe?"):
        assert changes_list(said, kb.skills, index), said
    # Questions about the list or one of it, and topic questions, change nothing.
    for said in ("which one is remote?", "the berlin one", "what is kubernetes?",
                 "explain microservices", "celery - what does it do?", "simpler please",
                 "kubernetes in production?"):
        assert not changes_list(said, kb.skills, index), said
    q = parse_request("forget spain, show the hybrid ones", kb.skills)
    assert q.anywhere and q.locations == () and q.remote.value == "hybrid"
    assert not parse_request("not sure, any go jobs?", kb.skills).anywhere
    assert Query(locations=("spain",)).refined_by(q).locations == ()


def test_years_in_words_and_the_states() -> None:
    assert years_of_experience("a couple of years of experience btw", Reading.CHAT) == 2
    assert years_of_experience("couple years of go", Reading.CHAT) == 2
    assert years_of_experience("fourteen yrs python", Reading.CHAT) == 14
    assert find_regions("and in the states?") == ("US",)
    assert find_regions("what states are hiring") == ()
    assert find_regions("just the american ones") == ("US",)


def test_a_follow_up_for_someone_or_some_time_stays_on_the_topic(kb: KnowledgeBase) -> None:
    for said in ("and for a junior?", "what about for beginners?", "is that still true in 2026?",
                 "is this still relevant today?"):
        shift = read_shift(said, kb, "interview-prep")
        assert shift is not None and shift.subject.topic_id == "interview-prep", said
        assert not shift.compare
    shift = read_shift("and go?", kb, "interview-prep")
    assert shift is not None and shift.subject.topic_id == "go"
    assert read_shift("what about php, still a thing?", kb, "choosing-a-language") is None
    assert read_shift("and for a junior?", kb, None) is None  # no topic on screen


async def test_a_list_changed_by_what_the_request_rules_out(chat: Chat) -> None:
    r = await chat.say("as a junior java dev, what's out there for me?")
    assert r.intent in ("openings", "profile")
    async with chat.uow() as uow:
        profile = await uow.profiles.get("console", chat.user)
    assert profile is not None and "Java" in profile.skills
    assert profile.seniority is not None and profile.seniority.value == "junior"
    r = await chat.say("jobs")
    assert {"l1", "e1"} & set(shown(r))
    r = await chat.say("anything that doesn't need Java?")
    assert r.intent == "openings" and shown(r)
    assert not {"l1", "e1"} & set(shown(r))
    assert "without Java" in r.text


async def test_every_opening_then_the_list_again_after_a_topic(chat: Chat) -> None:
    await chat.say("/profile skills go")
    r = await chat.say("go jobs in munich")
    assert shown(r) == ["g1"]
    r = await chat.say("show all of them, not just my skills")
    assert r.intent == "openings"
    assert shown(r)[0] == "g1" and "l1" in shown(r)  # still in Munich, any stack
    r = await chat.say("what is kubernetes?")
    assert r.intent == "topic" and not r.cards
    r = await chat.say("show me the jobs again")
    assert r.intent == "openings" and set(shown(r)) == {"g1", "l1"}


async def test_a_place_narrowed_to_then_dropped(chat: Chat) -> None:
    await chat.say("/profile skills java")
    r = await chat.say("java jobs")
    assert set(shown(r)) == {"l1", "e1"}
    r = await chat.say("strictly in munich")
    assert r.intent == "openings" and shown(r) == ["l1"]
    r = await chat.say("forget munich, show the remote ones")
    assert r.intent == "openings" and shown(r) == ["e1"]


def test_where_said_instead_or_as_well(kb: KnowledgeBase) -> None:
    def said(*texts: str) -> Query:
        q = Query()
        for t in texts:
            q = q.refined_by(parse_request(t, kb.skills))
        return q
    q = said("jobs in europe please", "how about remote instead")
    assert q.locations == () and q.remote.value == "remote"
    q = said("jobs in europe please", "how about remote instead", "or in amsterdam")
    assert q.locations == ("amsterdam",) and q.remote.value == "remote" and q.either
    q = said("go jobs in munich", "include berlin too")
    assert q.locations == ("munich", "berlin")
    assert said("go jobs in munich", "and in berlin?").locations == ("berlin",)
    assert asks_again("show me those") and not asks_again("show me those topics")
