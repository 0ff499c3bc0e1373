"""Issue 12's failures with job requests and the openings shown, as conversations through
Bot.handle, on the in-memory store and on SQLite."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap import build_bot
from bot.dialogue import Bot
from bot.encoder import Encoder
from bot.knowledge import KnowledgeBase
from bot.memory import MemoryStore
from bot.messages import Button, Reply
from bot.openings import Level, Opening, Remote
from bot.ports import UnitOfWorkFactory
from storage.engine import Storage
from tests.factories import message
from tests.fakes.sqlite import migrated_sqlite

POSTED = datetime(2026, 11, 20, tzinfo=UTC)
FEED = "greenhouse:test"


def imported(eid: str, title: str, company: str, location: str, remote: Remote,
             level: Level | None, skills: tuple[str, ...], description: str) -> Opening:
    return Opening(source=FEED, external_id=eid, title=title, company=company,
                   url=f"https://boards.example/{eid}", location=location, remote=remote,
                   level=level, skills=skills, description=description, posted_at=POSTED)


# What real feeds hold: most titles state no level; descriptions say where and how.
FEED_OPENINGS = [
    imported("q1", "Backend Engineer (Python/Django)", "Quaystone", "Berlin, Germany (Hybrid)",
             Remote.HYBRID, None, ("Backend development", "Python", "Django", "PostgreSQL"),
             "Quaystone builds invoicing software for craftspeople.\n"
             "Hybrid: three days a week in our Berlin office, the rest from home."),
    imported("l1", "Senior Java Engineer", "Larchwood", "Munich, Germany", Remote.NO,
             Level.SENIOR, ("Java", "Spring Boot", "Kafka"),
             "Larchwood runs claims processing for insurers. You work from our Munich office."),
    imported("e1", "Java Developer", "Emberline", "Remote - EU", Remote.YES, None,
             ("Java", "PostgreSQL", "Docker"),
             "Emberline makes booking software for dentists. Salary: €60,000–€75,000."),
    imported("p1", "Mid-level Go Developer", "Parcelstream", "Berlin, Germany", Remote.NO,
             Level.MID, ("Go", "Kubernetes"), "Parcelstream routes parcels across Europe."),
    imported("g1", "Go Engineer", "Gravelpit", "Munich, Germany", Remote.NO, None,
             ("Go", "gRPC"), "Gravelpit builds sensors for quarries."),
    imported("i1", "Software Engineering Intern", "Hearthome", "Toronto, Canada", Remote.NO,
             Level.INTERN, ("Python", "SQL"), "Hearthome builds tools for landlords."),
    imported("s1", "Senior Python Engineer", "Sablewood", "London, UK", Remote.NO, Level.SENIOR,
             ("Python", "Django"), "Sablewood runs a marketplace for vintage bikes."),
    imported("w1", "Security Engineer, Identity", "Glasswing", "Remote - EU", Remote.YES, None,
             ("OAuth", "SAML"), "Glasswing signs people in to their banks' apps."),
]


@dataclass(kw_only=True)
class Chat:
    """One person's conversation: what they say and press, and what the store holds."""

    bot: Bot
    uow: UnitOfWorkFactory
    user: str = "ann"
    buttons: list[Button] = field(default_factory=list)

    async def say(self, text: str = "", *, action: str | None = None) -> Reply:
        replies = await self.bot.handle(message(text, user=self.user, action=action))
        assert replies
        self.buttons = [b for r in replies for b in r.buttons]
        return replies[0]

    async def press(self, label: str) -> Reply:
        button = next(b for b in self.buttons if b.label == label)
        return await self.say(button.label, action=button.action)

    async def subscribed(self) -> bool:
        async with self.uow() as uow:
            return await uow.subscriptions.get("console", self.user, self.user) is not None


@contextlib.asynccontextmanager
async def open_chat(store: str, kb: KnowledgeBase, openings: list[Opening],
                    tmp_path: Path, *, encoder: Encoder | None = None) -> AsyncIterator[Chat]:
    """A chat over `openings` on the in-memory store ("memory") or a new SQLite file; with
    `encoder`, understanding by meaning as deployed (None: by words only)."""
    if store == "memory":
        memory = MemoryStore(openings)
        yield Chat(bot=build_bot(kb, memory.uow, encoder=encoder), uow=memory.uow)
        return
    storage = Storage.from_url(migrated_sqlite(tmp_path / "bot.sqlite3"))
    async with storage.uow() as uow:
        await uow.openings.upsert_many(openings)
        await uow.commit()
    try:
        yield Chat(bot=build_bot(kb, storage.uow, encoder=encoder), uow=storage.uow)
    finally:
        await storage.aclose()


def chats_over(openings: list[Opening]) -> Any:
    """A fixture: a chat over `openings`, once on each store (see open_chat)."""
    @pytest.fixture(params=["memory", "sqlite"])
    async def chat(request: pytest.FixtureRequest, kb: KnowledgeBase,
                   tmp_path: Path) -> AsyncIterator[Chat]:
        async with open_chat(request.param, kb, openings, tmp_path) as c:
            yield c

    return chat


@pytest.fixture(params=["memory", "sqlite"])
async def chat(request: pytest.FixtureRequest, kb: KnowledgeBase,
               tmp_path: Path) -> AsyncIterator[Chat]:
    async with open_chat(request.param, kb, [*kb.openings, *FEED_OPENINGS], tmp_path) as c:
        yield c


def shown(reply: Reply) -> list[str]:
    return [c.external_id for c in reply.cards]


async def test_backend_is_no_skill_and_a_request_combines_with_the_profile(chat: Chat) -> None:
    await chat.say("/profile skills python, postgres")
    r = await chat.say("any backend jobs for me?")
    assert r.intent == "openings"
    assert "No open positions" not in r.text and "Backend development" not in r.text
    assert shown(r)[0] == "q1"  # Python, Django, PostgreSQL: the best fit for the profile
    for card in r.cards:
        assert "Backend development" not in card.matched_skills
        assert set(card.matched_skills) <= {"Python", "PostgreSQL"}
        assert "Backend development" not in {g.skill for g in card.missing_skills}
    # The request's skill wins over the profile's; the profile still says what fits.
    r = await chat.say("find me a go job")
    assert r.intent == "openings" and set(shown(r)) == {"p1", "g1"}
    assert all(c.matched_skills == ("Go",) for c in r.cards)


async def test_a_level_keeps_openings_that_state_none_after_the_exact_ones(chat: Chat) -> None:
    r = await chat.say("senior java jobs")
    assert r.intent == "openings" and shown(r) == ["l1", "e1"]
    r = await chat.say("any internship positions for python?")
    assert shown(r) == ["i1", "q1"]  # Sablewood states senior: never an internship
    r = await chat.say("mid level python jobs")
    assert shown(r) == ["q1"]


async def test_a_role_asked_for_by_its_title(chat: Chat) -> None:
    # "identity" names no skill: the title "Security Engineer, Identity" says what is meant.
    await chat.say("/profile skills python")
    r = await chat.say("show me identity or security jobs")
    assert r.intent == "openings" and shown(r) == ["w1"]
    assert "identity / security roles" in r.text


async def test_a_follow_up_request_keeps_the_rest_of_the_request(chat: Chat) -> None:
    r = await chat.say("go jobs in munich")
    assert shown(r) == ["g1"]
    r = await chat.say("any jobs in berlin?")  # still Go: Quaystone in Berlin is Python
    assert r.intent == "openings" and shown(r) == ["p1"]
    r = await chat.say("what are python jobs like in berlin?")  # a skill of its own: new request
    assert "p1" not in shown(r)


async def test_questions_about_the_openings_shown(chat: Chat) -> None:
    await chat.say("/profile skills java")
    r = await chat.say("java jobs")
    assert shown(r) == ["e1", "l1"]
    # Once: the fintech page.
    r = await chat.say("what am I missing for the Larchwood job?")
    assert r.intent == "opening" and "Larchwood" in r.text
    assert "Spring Boot" in r.text and "Kafka" in r.text
    assert {b.label for b in r.buttons} >= {"Learn Spring Boot", "Learn Kafka"}
    # Once: the remote-work page.
    r = await chat.say("is it remote?")
    assert r.intent == "opening" and "No, it's on-site, Munich" in r.text
    # Once: the SQL-vs-NoSQL page; and "why it fits" names only what the person has.
    r = await chat.say("why does that job fit me?")
    assert r.intent == "opening" and "Fits you: Java." in r.text
    r = await chat.say("what does the first one pay?")
    assert r.intent == "opening" and "Emberline" in r.text and "€60,000" in r.text
    r = await chat.say("and the second one, what's its salary?")
    assert "Larchwood" in r.text and "Salary: the ad doesn't say." in r.text
    r = await chat.say("which one is remote?")
    assert r.intent == "opening" and "Emberline" in r.text and "Larchwood" not in r.text
    assert not await chat.subscribed()


async def test_they_means_every_opening_shown(chat: Chat) -> None:
    await chat.say("/profile skills java")
    await chat.say("java jobs")
    r = await chat.say("where are they?")
    assert r.intent == "opening"
    assert "Remote - EU" in r.text and "Munich, Germany (on-site)" in r.text


async def test_a_shown_opening_quoted_from_its_ad(chat: Chat) -> None:
    await chat.say("python jobs in berlin")
    r = await chat.say("how many days in the office for that one?")
    assert r.intent == "opening" and "three days a week" in r.text
    r = await chat.say("what does the company do?")
    assert "invoicing software for craftspeople" in r.text


async def test_asking_about_a_role_never_subscribes(chat: Chat) -> None:
    # Once: "Subscribed." to alerts nobody asked for.
    r = await chat.say("tell me about the Stripe Treasury role")
    assert r.intent == "opening" and "Subscribed" not in r.text
    assert "Senior Backend / API Engineer, Treasury at Stripe" in r.text
    assert not await chat.subscribed()
    r = await chat.say("is it remote?")
    assert r.intent == "opening" and "doesn't say whether it's remote" in r.text
    # Asking for alerts still subscribes.
    r = await chat.say("subscribe me to java jobs")
    assert r.intent == "subscribe" and await chat.subscribed()


async def test_an_opening_gone_since_it_was_shown(chat: Chat) -> None:
    await chat.say("go jobs in munich")
    async with chat.uow() as uow:
        await uow.openings.close_missing(FEED, [o.external_id for o in FEED_OPENINGS
                                                if o.external_id != "g1"])
        await uow.commit()
    r = await chat.say("is that one remote?")
    assert r.intent == "opening" and "Go Engineer at Gravelpit is no longer open." in r.text


async def test_a_topic_question_after_a_list_is_still_a_topic_question(chat: Chat) -> None:
    await chat.say("java jobs")
    r = await chat.say("what's it like to work with kafka?")
    assert r.intent != "opening"
    r = await chat.say("what is docker?")
    assert r.intent == "topic" and r.topic == "docker"
    # The list is no longer what the conversation is about: "it" is Docker now.
    r = await chat.say("is it hard to learn?")
    assert r.intent != "opening"


async def _turn(chat: Chat, text: str) -> list[Reply]:
    replies = await chat.bot.handle(message(text, user=chat.user))
    assert replies
    return replies


async def test_who_one_is_told_after_an_opening_sentence(chat: Chat) -> None:
    r = await chat.say("hi, i'm a teacher trying to switch into backend. i know some python "
                       "and django")
    assert r.intent == "profile" and "Python" in r.text and "Django" in r.text


async def test_a_long_story_about_oneself_ending_what_do_you_have(chat: Chat) -> None:
    replies = await _turn(chat, "So I've been doing Java with Spring Boot for about four years "
                                "at an insurer, and I'd love something in Munich, what do you have?")
    by_intent = {r.intent: r for r in replies}
    assert "Java" in by_intent["profile"].text
    assert shown(by_intent["openings"]) == ["l1"]


async def test_a_terse_request_by_level_skill_and_work_mode(chat: Chat) -> None:
    r = await chat.say("senior java remote?")
    # Remote is hard; the level keeps Emberline, which states none.
    assert r.intent == "openings" and shown(r) == ["e1"]
    r = await chat.say("kubernetes in production?")  # a place it is not: a question
    assert r.intent != "openings"


async def test_the_x_one_not_on_the_list_is_an_open_opening_so_titled(chat: Chat) -> None:
    r = await chat.say("go jobs in munich")
    assert shown(r) == ["g1"]
    r = await chat.say("where's the intern one based?")
    assert r.intent == "opening" and "Hearthome" in r.text
    assert "It's in Toronto, Canada." in r.text


async def test_the_level_of_that_one_is_a_question_about_it(chat: Chat) -> None:
    r = await chat.say("senior java jobs")
    assert shown(r) == ["l1", "e1"]
    # Not the "Mid-level Go Developer", whose title has the word "level".
    r = await chat.say("what's the level of that one")
    assert r.intent == "opening" and "Larchwood" in r.text and "Level: senior" in r.text



async def test_which_one_fits_best_is_the_first_of_the_list(chat: Chat) -> None:
    await chat.say("/profile skills java")
    r = await chat.say("java jobs")
    first = shown(r)[0]
    r = await chat.say("which one fits me best?")
    assert r.intent == "opening" and "None of the openings" not in r.text
    assert {"e1": "Emberline", "l1": "Larchwood"}[first] in r.text


async def test_preparing_for_an_opening_is_advice_not_the_ad(chat: Chat) -> None:
    await chat.say("java jobs")
    r = await chat.say("how do i prepare for the interview there")
    assert r.intent == "topic" and r.topic == "interview-prep"


# Two openings at one company; pay stated as a stipend in a currency code, and a number that is
# no pay.
KELPIE = [
    imported("k1", "Backend Intern", "Kelpie Data", "Copenhagen, Denmark", Remote.NO,
             Level.INTERN, ("Python", "SQL"),
             "Kelpie Data publishes tide tables.\nOn-site in Copenhagen. "
             "Stipend: DKK 18,000 per month."),
    imported("k2", "Data Engineer", "Kelpie Data", "Remote - EU", Remote.YES, None,
             ("Python", "Apache Spark"),
             "Kelpie Data publishes tide tables.\nWe are ISO 27001 certified."),
    imported("m1", "Python Developer", "Marlinfish", "Copenhagen, Denmark", Remote.NO, None,
             ("Python",), "Marlinfish delivers fish to 12,000 restaurants."),
]


@pytest.mark.parametrize("store", ["memory", "sqlite"])
async def test_a_stipend_is_pay_and_the_other_openings_at_that_company(
        store: str, kb: KnowledgeBase, tmp_path: Path) -> None:
    async with open_chat(store, kb, KELPIE, tmp_path) as chat:
        r = await chat.say("python internships in copenhagen")
        assert shown(r)[0] == "k1"
        r = await chat.say("how much does it pay?")
        assert r.intent == "opening" and "DKK 18,000 per month" in r.text
        # Once: the same opening again, read as a question about it.
        r = await chat.say("anything else at that company?")
        assert r.intent == "openings" and "k2" in shown(r) and "m1" not in shown(r)
        r = await chat.say("and the remote one, what does it pay?")
        assert r.intent == "opening" and "Salary: the ad doesn't say." in r.text


async def test_numbers_in_words_the_first_few_and_what_an_ad_does_not_say(chat: Chat) -> None:
    await chat.say("/profile skills java")
    r = await chat.say("java jobs")
    assert shown(r) == ["e1", "l1"]
    r = await chat.say("number two - where is it?")
    assert r.intent == "opening" and "Larchwood" in r.text and "Emberline" not in r.text
    r = await chat.say("compare the first two")
    assert r.intent == "opening" and "Larchwood" in r.text and "Emberline" in r.text
    r = await chat.say("is the 2nd still open?")
    assert r.intent == "opening" and "Yes, it's still open." in r.text
    # A fact the ad leaves out is said to be left out, not skipped.
    r = await chat.say("how big is the team for the first one?")
    assert "Emberline" in r.text and "Team size: the ad doesn't say." in r.text


async def test_why_right_after_a_list_says_why_each_was_picked(chat: Chat) -> None:
    await chat.say("/profile skills java, docker")
    await chat.say("java jobs")
    # Once: "Sorry, that's outside what I know".
    r = await chat.say("why?")
    assert r.intent == "opening"
    assert "fits you: Java, Docker" in r.text and "fits you: Java;" in r.text
    await chat.say("what is docker?")
    r = await chat.say("why?")  # after a topic: the topic's why
    assert r.intent == "more" and r.topic == "docker"


async def test_job_requests_without_a_job_noun(chat: Chat) -> None:
    await chat.say("/profile skills python")
    # Once: the Java and Django topic pages.
    r = await chat.say("got any java work going?")
    assert r.intent == "openings" and set(shown(r)) == {"e1", "l1"}
    r = await chat.say("anything for a django person?")
    assert r.intent == "openings" and set(shown(r)) == {"q1", "s1"}


async def test_how_it_is_worked_in_the_ads_own_words(kb: KnowledgeBase, tmp_path: Path) -> None:
    unlabelled = imported("d1", "Python Developer", "Dunmore Clinics", "Dublin, Ireland",
                          Remote.UNKNOWN, None, ("Python",),
                          "Dunmore Clinics books appointments for doctors.\n"
                          "This role is in our Dublin office, five days a week.")
    async with open_chat("memory", kb, [unlabelled], tmp_path) as chat:
        await chat.say("python jobs in dublin")
        r = await chat.say("is it remote?")
        assert r.intent == "opening"
        assert "but says: “This role is in our Dublin office, five days a week.”" in r.text


async def test_back_to_the_job_after_a_topic_and_its_link(chat: Chat) -> None:
    await chat.say("/profile skills java")
    await chat.say("java jobs")
    r = await chat.say("link please")
    assert r.intent == "opening" and "https://boards.example/e1" in r.text
    r = await chat.say("what about the second one?")
    assert "Larchwood" in r.text
    r = await chat.say("what is docker?")
    assert r.intent == "topic" and r.topic == "docker"
    r = await chat.say("is it hard to learn?")  # "it" is the topic now
    assert r.intent != "opening"
    # Once: more Docker.
    r = await chat.say("back to the job - does it pay well?")
    assert r.intent == "opening" and "Larchwood" in r.text
    assert "Salary: the ad doesn't say." in r.text


async def test_doing_a_language_and_what_is_still_to_learn(chat: Chat) -> None:
    # Once: "doing go" was no skill, and what is left to learn was no question about the job.
    r = await chat.say("been doing go for six years, based in munich")
    assert r.intent == "profile" and "Go" in r.text
    r = await chat.say("go jobs near me?")
    assert r.intent == "openings" and shown(r) == ["g1"]
    r = await chat.say("what would I still need to learn?")
    assert r.intent == "opening" and "To learn: gRPC." in r.text


async def test_a_stack_and_a_city_is_the_profile_not_a_topic(chat: Chat) -> None:
    # Once: the Go topic page.
    r = await chat.say("go and grpc, munich")
    assert r.intent == "profile" and "Munich" in r.text
    r = await chat.say("anything?")
    assert r.intent == "openings" and shown(r)[0] == "g1"
    # A place word that names no place stays a question.
    r = await chat.say("kubernetes in production")
    assert r.intent != "profile"


@pytest.mark.parametrize("store", ["memory", "sqlite"])
async def test_the_other_openings_of_a_company_named(store: str, kb: KnowledgeBase,
                                                     tmp_path: Path) -> None:
    async with open_chat(store, kb, KELPIE, tmp_path) as chat:
        await chat.say("/profile skills python, apache spark")
        r = await chat.say("python jobs in copenhagen")
        assert "k2" not in shown(r)
        r = await chat.say("any others at Kelpie Data?")
        assert r.intent == "openings" and "k2" in shown(r) and "m1" not in shown(r)


async def test_tell_me_more_about_the_opening_and_paging_past_the_end(chat: Chat) -> None:
    r = await chat.say("python jobs in berlin")
    assert shown(r) == ["q1"]
    r = await chat.say("more")
    assert r.intent == "openings" and "That's all" in r.text
    # Once: paging past the end emptied the list, so "the first one" found none.
    r = await chat.say("the first one?")
    assert r.intent == "opening" and "Quaystone" in r.text
    r = await chat.say("tell me more")  # about it, not another page
    assert r.intent == "opening" and "three days a week in our Berlin office" in r.text


async def test_a_language_matches_an_opening_that_names_only_its_framework(
        kb: KnowledgeBase, tmp_path: Path) -> None:
    rails = imported("r1", "Backend Engineer", "Tallowmere", "Remote - EU", Remote.YES, None,
                     ("Ruby on Rails", "PostgreSQL"), "Tallowmere runs a booking platform.")
    async with open_chat("memory", kb, [*FEED_OPENINGS, rails], tmp_path) as chat:
        await chat.say("/profile skills ruby")
        r = await chat.say("any jobs for me?")
        assert r.intent == "openings" and shown(r) == ["r1"]
        assert r.cards[0].matched_skills == ("Ruby",)
        assert [g.skill for g in r.cards[0].missing_skills] == ["Ruby on Rails", "PostgreSQL"]


async def test_one_word_questions_about_the_openings_on_screen(chat: Chat) -> None:
    await chat.say("/profile skills java")
    await chat.say("java jobs")
    # A list on screen and nothing in focus: each of them answers.
    r = await chat.say("where?")
    assert r.intent == "opening" and "Remote - EU" in r.text and "Munich" in r.text
    r = await chat.say("salary?")
    assert r.intent == "opening" and "€60,000" in r.text
    await chat.say("the second one")
    r = await chat.say("remote?")
    assert r.intent == "opening" and "No, it's on-site, Munich" in r.text
    for asked in ("paid?", "what's the comp?"):
        r = await chat.say(asked)
        assert r.intent == "opening" and "Salary: the ad doesn't say." in r.text
    r = await chat.say("level?")
    assert r.intent == "opening" and "Level: senior" in r.text
    r = await chat.say("link?")
    assert r.intent == "opening" and "https://boards.example/l1" in r.text


async def test_remote_from_where_the_person_lives(kb: KnowledgeBase, tmp_path: Path) -> None:
    def python(eid: str, location: str, remote: Remote) -> Opening:
        return imported(eid, "Python Engineer", f"Co{eid}", location, remote, None, ("Python",),
                        "We build things.")
    extra = [python("c0", "Remote", Remote.YES), python("c1", "Remote (Canada)", Remote.YES),
             python("c2", "Vancouver, Canada (Hybrid)", Remote.HYBRID),
             python("c3", "Remote (Europe)", Remote.YES)]
    for store in ("memory", "sqlite"):
        (tmp_path / store).mkdir()
        async with open_chat(store, kb, [*FEED_OPENINGS, *extra], tmp_path / store) as chat:
            await chat.say("/profile skills python")
            r = await chat.say("I live in Canada and want remote")
            assert r.intent == "profile" and "remote, from Canada" in r.text
            # Remote work open to Canada first, then open to anyone; not Toronto's or
            # Vancouver's offices, nor remote work for Europe.
            r = await chat.say("python jobs")
            assert shown(r) == ["c1", "c0"]
            r = await chat.say("I'm open to remote or Berlin")
            assert r.intent == "profile" and "remote, or in Berlin" in r.text
            r = await chat.say("python jobs")
            assert "c3" in shown(r) and "(1-3 of 4)" in r.text  # and Quaystone in Berlin


async def test_the_openings_shown_compared_and_asked_about_as_a_list(chat: Chat) -> None:
    await chat.say("/profile skills java")
    assert shown(await chat.say("java jobs")) == ["e1", "l1"]
    # Once: only the first one's card.
    r = await chat.say("compare the first and the second")
    assert r.intent == "opening" and "Emberline" in r.text and "Larchwood" in r.text
    # Once: the remote-work page, then every card again.
    r = await chat.say("which ones are remote?")
    assert r.intent == "opening"
    assert r.text.startswith("1 of the 2 is remote: Java Developer at Emberline (Remote - EU).")
    assert "Larchwood" not in r.text
    r = await chat.say("are any of them in Munich?")
    assert r.text.startswith("1 of the 2 is in Munich: Senior Java Engineer at Larchwood (Munich,")
    # Once: the whole card, with no word of what teaches the missing skills.
    r = await chat.say("what would I need to learn for the second one?")
    assert r.intent == "opening" and "To learn for it: Spring Boot, Kafka." in r.text
    assert "Topics here that teach them: Spring Boot: " in r.text
    r = await chat.say("when was it posted?")
    assert "Posted: 20 November 2026." in r.text
    r = await chat.say("how do I apply?")
    assert "To apply: through the ad, https://boards.example/l1" in r.text


async def test_what_none_of_the_openings_states_is_said_in_one_line(chat: Chat) -> None:
    await chat.say("/profile skills go")
    assert shown(await chat.say("go jobs")) == ["p1", "g1"]
    r = await chat.say("which of these pays best?")  # once: both cards again
    assert r.intent == "opening" and len(r.blocks) == 1
    assert r.text == "Salary not stated: none of the 2 ads (Parcelstream, Gravelpit) says."
    r = await chat.say("compare the two")  # once: "Sorry, that's outside what I know"
    assert r.intent == "opening" and "Parcelstream" in r.text and "Gravelpit" in r.text


@pytest.mark.parametrize("store", ["memory", "sqlite"])
async def test_a_company_asked_about_lists_its_openings_and_they_are_on_screen(
        store: str, kb: KnowledgeBase, tmp_path: Path) -> None:
    async with open_chat(store, kb, [*FEED_OPENINGS, *KELPIE], tmp_path) as chat:
        await chat.say("/profile skills python")
        # Once: both Kelpie Data openings answered as one opening, and the list not changed.
        r = await chat.say("anything at Kelpie Data?")
        assert r.intent == "openings" and set(shown(r)) == {"k1", "k2"}
        assert shown(await chat.say("java jobs")) == ["e1", "l1"]
        r = await chat.say("tell me about Kelpie Data")
        assert r.intent == "opening" and "Backend Intern" in r.text and "Data Engineer" in r.text
        # Once: "none of the openings I showed" (the Copenhagen list).
        r = await chat.say("is the remote one full time?")
        assert r.intent == "opening" and "Data Engineer at Kelpie Data" in r.text
        assert "Hours and contract: the ad doesn't say." in r.text


async def test_bare_ordinals_a_region_and_a_skill_asked_of_the_opening(chat: Chat) -> None:
    await chat.say("/profile skills java")
    assert shown(await chat.say("java jobs")) == ["e1", "l1"]
    r = await chat.say("first or second, which suits me better?")  # once: a topic page
    assert r.intent == "opening" and "Emberline" in r.text and "Larchwood" in r.text
    r = await chat.say("which pays the most?")  # once: the first one's card, guessed
    assert "the best paid is Java Developer at Emberline (Salary: €60,000–€75,000)" in r.text
    assert "Not stated (no pay stated): " in r.text and "Larchwood" in r.text
    r = await chat.say("can I work from Spain for the Emberline one?")  # once: "No"
    assert "Yes: it's remote, Remote - EU, which takes in Spain." in r.text
    r = await chat.say("do I need to know kafka for it?")  # once: the message-queues page
    assert r.intent == "opening" and "It doesn't mention Kafka." in r.text


async def test_a_question_about_the_team_of_the_list_on_screen(chat: Chat) -> None:
    await chat.say("/profile skills java")
    assert shown(await chat.say("java jobs")) == ["e1", "l1"]
    # Once: the microservices page ("a small team splitting its app" is one of its questions).
    r = await chat.say("how big is the team?")
    assert r.intent == "opening" and "Team size" in r.text
    r = await chat.say("how hard is the interview?")
    assert r.intent == "opening"
    # "the best ..." and "the typical ..." ask about the world, not the list on screen.
    assert shown(await chat.say("java jobs")) == ["e1", "l1"]
    r = await chat.say("what is the best language to learn?")
    assert r.intent == "topic"
    assert shown(await chat.say("java jobs")) == ["e1", "l1"]
    r = await chat.say("how long is the typical interview process?")
    assert r.intent == "topic"


# Titles in real-world shapes: Staff (senior or above), "Sr.", "II"; posted on different days.
LADDER = [
    Opening(source=FEED, external_id="t1", title="Staff Software Engineer, Payments",
            company="Tallyworks", url="https://boards.example/t1", location="Remote - US",
            remote=Remote.YES, level=Level.STAFF, skills=("Go", "Kafka", "Kubernetes"),
            description="Tallyworks moves money for small businesses.\n"
                        "You'll report to the Director of Payments Engineering.",
            posted_at=datetime(2026, 11, 10, tzinfo=UTC)),
    Opening(source=FEED, external_id="t2", title="Sr. Backend Dev (Go)", company="Quillfeather",
            url="https://boards.example/t2", location="Berlin, Germany (Hybrid)",
            remote=Remote.HYBRID, level=Level.SENIOR, skills=("Go", "gRPC"),
            description="Quillfeather builds invoicing for translators.",
            posted_at=datetime(2026, 11, 25, tzinfo=UTC)),
    Opening(source=FEED, external_id="t3", title="Software Engineer II", company="Fernhollow",
            url="https://boards.example/t3", location="Toronto, ON", remote=Remote.NO,
            level=Level.MID, skills=("Go", "PostgreSQL"),
            description="Fernhollow schedules vets' appointments.",
            posted_at=datetime(2026, 11, 15, tzinfo=UTC)),
    Opening(source=FEED, external_id="t4", title="Engineering Manager, Ledger", company="Tallyworks",
            url="https://boards.example/t4", location="New York, NY", remote=Remote.HYBRID,
            level=Level.MANAGER, skills=("Python", "AWS"),
            description="Tallyworks moves money for small businesses.",
            posted_at=datetime(2026, 11, 12, tzinfo=UTC)),
]


ladder = chats_over(LADDER)


async def test_the_list_on_screen_ranked_by_what_is_asked(ladder: Chat) -> None:
    assert set(shown(await ladder.say("go jobs"))) == {"t1", "t2", "t3"}
    # Once: the senior ones of the list ("1 of the 3 is senior"), the Staff one not among them.
    r = await ladder.say("which is the most senior?")
    assert r.intent == "opening" and "the most senior is Staff Software Engineer" in r.text
    r = await ladder.say("does it need kubernetes?")  # it: the one just named
    assert "Tallyworks" in r.text and "It asks for Kubernetes." in r.text
    r = await ladder.say("and the newest?")  # once: the list again, newest first
    assert r.intent == "opening" and "the newest is Sr. Backend Dev (Go)" in r.text
    r = await ladder.say("which one is the most junior of those?")
    assert "the most junior is Software Engineer II" in r.text
    r = await ladder.say("which one means the least commuting?")
    assert "Staff Software Engineer, Payments at Tallyworks (Remote - US)" in r.text
    r = await ladder.say("which is closer to toronto, the quillfeather one or the fernhollow one?")
    assert "the closest to Toronto is Software Engineer II" in r.text
    # Once: "None of the openings I showed is in North America" (Remote - US and Toronto are)
    r = await ladder.say("which ones are in north america?")
    assert "2 of the 3 are in North America" in r.text and "Sr. Backend" not in r.text
    r = await ladder.say("which ones don't need kafka?")  # once: the one that does
    assert "2 of the 3 are not asking for Kafka" in r.text
    r = await ladder.say("which is the best paid?")  # once: the card of the one in focus
    assert "Salary not stated: none of the 3 ads" in r.text


async def test_a_senior_request_keeps_staff_and_a_fact_is_answered_in_a_line(ladder: Chat) -> None:
    r = await ladder.say("senior go jobs")
    assert set(shown(r)) == {"t1", "t2"}  # Staff is senior or above; II is not
    # Asked of the list: which of them, not a new request (once: "go jobs in Germany").
    r = await ladder.say("are any of them in germany?")
    assert r.intent == "opening" and not shown(r)
    assert "1 of the 2 is in Germany: Sr. Backend Dev (Go)" in r.text
    assert "“jobs in Germany”" in r.text
    # One fact: that line and the link, not the whole card again.
    r = await ladder.say("who would I report to for the tallyworks one?")
    assert "Director of Payments Engineering" in r.text and "https://boards.example/t1" in r.text
    assert "Where:" not in r.text and "Salary:" not in r.text
    # A place typed in lower case is shown as a name.
    r = await ladder.say("go jobs in germany")
    assert "Germany" in r.text and "germany" not in r.text
    # What a company has open: all of it, not the Go request on screen narrowed to it (once).
    r = await ladder.say("what other roles does tallyworks have?")
    assert r.intent == "openings" and set(shown(r)) == {"t1", "t4"}


async def test_which_can_be_worked_from_a_country_and_the_level_asked(chat: Chat) -> None:
    assert shown(await chat.say("java jobs")) == ["e1", "l1"]
    # Once: "None of the openings I showed is in Portugal" (Emberline is remote within the EU).
    r = await chat.say("which of them can I do from Portugal?")
    assert "1 of the 2 is open to work from Portugal: Java Developer at Emberline" in r.text
    r = await chat.say("what level is the second?")  # once: the whole card
    assert "Level: senior." in r.text and "Where:" not in r.text
