"""Issue 12: a profile told tersely or inside a longer message, and questions about the openings
then shown, as conversations through Bot.handle (in memory; SQLite for a few)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.encoder import OnnxEncoder
from bot.knowledge import KnowledgeBase
from bot.openings import Level, Remote
from bot.ports import Profile, RemotePreference
from tests.bot.test_opening_conversations import Chat, imported, open_chat, shown

OPENINGS = [
    imported("h1", "Junior Backend Developer (Python)", "Fernhollow", "Hamburg, Germany",
             Remote.NO, Level.JUNIOR, ("Python", "Flask", "SQL", "Docker"),
             "Fernhollow plans delivery routes. On-site in Hamburg. Starting salary EUR 48,000."),
    imported("m1", "Go Engineer", "Fernhollow", "Munich, Germany (Hybrid)", Remote.HYBRID, None,
             ("Go", "gRPC", "PostgreSQL"), "Fernhollow plans delivery routes. Hybrid in Munich."),
    imported("r1", "Senior Go Engineer", "Quillby", "Remote (US)", Remote.YES, Level.SENIOR,
             ("Go", "Kafka"), "Quillby moves money for shops. Remote within the US."),
    imported("b1", "PHP Developer (Laravel)", "Brambleton", "Munich, Germany", Remote.NO, None,
             ("PHP", "Laravel", "MySQL"),
             "Brambleton runs online bookshops. On-site in Munich. Salary EUR 58,000 - 68,000."),
    imported("b2", "Senior PHP Engineer", "Brambleton", "Remote", Remote.YES, Level.SENIOR,
             ("PHP", "MySQL", "Docker"), "Brambleton runs online bookshops. Fully remote."),
    imported("n1", "Senior Node.js Engineer", "Kestrelight", "Berlin, Germany", Remote.NO,
             Level.SENIOR, ("Node.js", "TypeScript"), "Kestrelight makes games. On-site in Berlin."),
    imported("w1", "Security Engineer", "Glassmoor", "Remote - EU", Remote.YES, None,
             ("OAuth", "Application security"), "Glassmoor signs people in to their banks."),
    imported("q9", "Engineering Manager, Payments", "Quillby", "Berlin, Germany (Hybrid)",
             Remote.HYBRID, Level.MANAGER, ("Python", "Go", "Payments"),
             "Quillby moves money for shops. You lead six engineers. Hybrid in Berlin."),
    imported("v1", "Ruby on Rails Developer", "Pennyworth", "Vienna, Austria (Hybrid)",
             Remote.HYBRID, None, ("Ruby on Rails", "PostgreSQL", "Redis"),
             "Pennyworth sells concert tickets. 3+ years with Rails. Hybrid in Vienna."),
    imported("s1", "Data Engineer (Spark)", "Driftwell", "Lisbon, Portugal", Remote.NO, None,
             ("Apache Spark", "Python", "SQL"), "Driftwell streams podcasts. On-site in Lisbon."),
]


async def _chat(store: str, kb: KnowledgeBase, tmp_path: Path,
                encoder: OnnxEncoder) -> AsyncIterator[Chat]:
    # With the model, as deployed: the words-only fallback reads long messages less well.
    async with open_chat(store, kb, [*kb.openings, *OPENINGS], tmp_path, encoder=encoder) as c:
        yield c


@pytest.fixture
async def chat(kb: KnowledgeBase, tmp_path: Path, encoder: OnnxEncoder) -> AsyncIterator[Chat]:
    async for c in _chat("memory", kb, tmp_path, encoder):
        yield c


@pytest.fixture(params=["memory", "sqlite"])
async def either(request: pytest.FixtureRequest, kb: KnowledgeBase, tmp_path: Path,
                 encoder: OnnxEncoder) -> AsyncIterator[Chat]:
    async for c in _chat(request.param, kb, tmp_path, encoder):
        yield c


async def profile(chat: Chat) -> Profile:
    async with chat.uow() as uow:
        return await uow.profiles.get("console", chat.user) or Profile()


@pytest.mark.parametrize(("said", "skills", "place"), [
    ("go developer, munich, hybrid works for me", ("Go",), "Munich"),
    ("php + laravel dev, munich", ("PHP", "Laravel"), "Munich"),
    ("Hi, c# .net backend person here, London based, 5 yrs", ("C#", ".NET"), "London"),
])
async def test_a_terse_profile_line_keeps_its_place(chat: Chat, said: str, skills: tuple[str, ...],
                                                    place: str) -> None:
    r = await chat.say(said)
    assert r.intent == "profile"
    p = await profile(chat)
    assert set(skills) <= set(p.skills)
    assert p.locations == (place,)


async def test_a_profile_told_inside_a_longer_opener(either: Chat) -> None:
    r = await either.say("hello! just graduated, I did python and some go at uni, I live in berlin")
    assert r.intent == "profile"
    p = await profile(either)
    assert {"Python", "Go"} <= set(p.skills)
    assert p.locations == ("Berlin",)


async def test_a_place_ends_before_the_words_after_it(chat: Chat) -> None:
    await chat.say("hi, I finished my CS degree last month, know python and a little SQL, "
                   "living in hamburg now")
    p = await profile(chat)
    assert p.locations == ("Hamburg",)
    assert {"Python", "SQL"} <= set(p.skills)


async def test_spark_in_plain_words_is_apache_spark(chat: Chat) -> None:
    await chat.say("I'm a data engineer with 2 years of spark and python, open to Lisbon or remote")
    p = await profile(chat)
    assert {"Apache Spark", "Python"} <= set(p.skills)
    assert p.years == 2 and p.locations == ("Lisbon",)
    # The word alone, as English, is no skill.
    await chat.say("what sparked your interest in backend?")
    assert set((await profile(chat)).skills) == {"Apache Spark", "Python"}


async def test_saying_an_earlier_place_was_right_puts_it_back(either: Chat) -> None:
    await either.say("senior java engineer, toronto")
    await either.say("i meant vancouver not toronto")
    assert (await profile(either)).locations == ("Vancouver",)
    r = await either.say("actually toronto was right, sorry")
    assert r.intent == "profile"
    assert (await profile(either)).locations == ("Toronto",)


async def test_asking_how_to_get_good_at_a_skill_is_no_profile(chat: Chat) -> None:
    await chat.say("I know python and sql")
    r = await chat.say("how do I get good at docker")
    assert r.intent == "topic" and r.topic == "docker"
    assert "Docker" not in (await profile(chat)).skills
    r = await chat.say("give me an example")
    assert r.intent == "more" and r.topic == "docker"


async def test_entry_level_is_a_level_not_a_title(chat: Chat) -> None:
    await chat.say("I know python and a little SQL, I live in Hamburg")
    r = await chat.say("any entry level roles?")
    assert r.intent == "openings"
    assert shown(r)[0] == "h1"
    r = await chat.say("what would I need to learn for it?")
    assert r.intent == "opening"
    assert "Flask" in r.text and "Docker" in r.text


async def test_an_opening_in_the_profiles_place_ranks_before_a_remote_one(chat: Chat) -> None:
    await chat.say("go developer, munich, hybrid works for me")
    p = await profile(chat)
    assert p.remote is RemotePreference.HYBRID
    r = await chat.say("show me what you've got")
    assert shown(r)[:2] == ["m1", "r1"]  # both Go; Munich is where the person is
    r = await chat.say("where is it?")
    assert r.intent == "opening" and "Munich" in r.text


async def test_pay_asked_of_a_company_with_two_openings_answers_for_each(chat: Chat) -> None:
    await chat.say("laravel and php, mysql too. based in munich")
    r = await chat.say("got anything for me?")
    assert set(shown(r)) == {"b1", "b2"}
    r = await chat.say("does the brambleton one pay ok?")
    assert r.intent == "opening"
    assert "58,000" in r.text  # the one that states it, quoted
    assert "don't state a salary" in r.text  # the other, said plainly


async def test_a_request_then_who_one_is_shows_openings_and_keeps_the_profile(either: Chat) -> None:
    r = await either.say("looking for backend work in germany, I do go and node")
    assert r.intent == "openings"
    assert {"m1", "n1"} <= set(shown(r))
    p = await profile(either)
    assert set(p.skills) == {"Go", "Node.js"}
    r = await either.say("only hybrid")
    assert r.intent == "openings" and "m1" in shown(r) and "n1" not in shown(r)


async def test_looking_for_a_work_mode_is_a_wish_of_the_profile(chat: Chat) -> None:
    r = await chat.say("I'm a python dev living in Berlin, looking for hybrid work")
    assert r.intent == "profile"
    p = await profile(chat)
    assert p.remote is RemotePreference.HYBRID and p.locations == ("Berlin",)


async def test_is_there_an_opening_asks_for_openings(chat: Chat) -> None:
    await chat.say("I know python")
    r = await chat.say("is there a security engineer opening?")
    assert r.intent == "openings" and shown(r) == ["w1"]
    r = await chat.say("is it remote")
    assert r.intent == "opening" and "remote" in r.text.lower()


async def test_follow_ups_that_name_an_audience_or_ask_for_alternatives(chat: Chat) -> None:
    await chat.say("are microservices overrated?")
    r = await chat.say("what's the alternative")
    assert r.intent == "more" and r.topic == "microservices"
    await chat.say("how do I write good tests")
    r = await chat.say("simplify that for a junior")
    assert r.intent == "more" and r.topic == "testing"
    assert (await profile(chat)).level is None  # the junior is who it is for, not the person


async def test_a_short_question_without_a_subject_follows_the_topic_on(either: Chat) -> None:
    await either.say("how do I ask for a raise")
    r = await either.say("and if my manager refuses?")
    assert r.intent == "more" and r.topic == "salary-negotiation"
    r = await either.say("what should I avoid saying?")
    assert r.intent == "more" and r.topic == "salary-negotiation"
    # A subject the knowledge base never speaks of is no follow-up.
    r = await either.say("what's bitcoin going to be worth next year?")
    assert r.intent == "fallback"


async def test_a_manager_told_tersely_and_asked_about_the_fit(chat: Chat) -> None:
    r = await chat.say("engineering manager here, python background, berlin")
    assert r.intent == "profile"
    p = await profile(chat)
    assert p.level is Level.MANAGER and p.skills == ("Python",) and p.locations == ("Berlin",)
    r = await chat.say("any roles for managers?")
    assert r.intent == "openings" and shown(r)[0] == "q9"
    r = await chat.say("what's missing for me?")
    assert r.intent == "opening"
    assert "To learn: Go, Payments" in r.text or "To learn: Payments, Go" in r.text
    r = await chat.say("you're a lifesaver")
    assert r.intent == "thanks"


async def test_questions_about_the_opening_shown(chat: Chat) -> None:
    await chat.say("rails dev, Vienna")
    r = await chat.say("find me jobs")
    assert shown(r) == ["v1"]
    r = await chat.say("is redis needed there?")
    assert r.intent == "opening" and "It asks for Redis" in r.text
    r = await chat.say("how many years do they want?")
    assert r.intent == "opening" and "3+ years" in r.text


async def test_the_x_one_that_none_on_the_list_is_says_so(chat: Chat) -> None:
    r = await chat.say("spark jobs in lisbon")
    assert shown(r) == ["s1"]
    r = await chat.say("and the remote one?")
    assert r.intent == "opening"
    assert r.text.startswith("None of the openings I showed fits that")
    assert "Lisbon, Portugal (on-site)" in r.text


async def test_a_bare_anything_after_telling_the_profile_asks_for_openings(chat: Chat) -> None:
    await chat.say("I know php and mysql, remote only")
    r = await chat.say("anything?")
    assert r.intent == "openings" and shown(r) == ["b2"]
    r = await chat.say("who would I report to?")
    assert r.intent == "opening" and "Reporting to: the ad doesn't say." in r.text
    r = await chat.say("ok")  # an acknowledgment, not a request for the next page
    assert r.intent == "thanks" and not r.cards


async def test_the_other_one_and_both_of_them(either: Chat) -> None:
    r = await either.say("php jobs")
    assert set(shown(r)) == {"b1", "b2"}
    r = await either.say("the senior one, where is it?")
    assert r.intent == "opening" and r.text.startswith("Senior PHP Engineer at Brambleton")
    r = await either.say("and the other one?")
    assert r.intent == "opening" and r.text.startswith("PHP Developer (Laravel) at Brambleton")
    r = await either.say("are both of them remote?")
    assert r.intent == "opening"
    assert "Senior PHP Engineer at Brambleton: Remote" in r.text
    assert "PHP Developer (Laravel) at Brambleton: Munich, Germany (on-site)" in r.text


async def test_requests_in_odd_shapes(chat: Chat) -> None:
    await chat.say("3 years django, 1 year fastapi, currently in lisbon")
    p = await profile(chat)
    assert p.years == 3  # the most a person names is their experience
    r = await chat.say("got anything remote for a php person?")
    assert r.intent == "openings" and shown(r) == ["b2"]


async def test_a_request_of_its_own_that_the_list_would_leave_empty(chat: Chat) -> None:
    r = await chat.say("need a job. go. munich or remote.")
    assert r.intent == "openings"
    assert set(shown(r)) == {"m1", "r1"}  # Munich or remote, either
    # Go in Hamburg: none; the request alone starts afresh.
    r = await chat.say("any junior openings in hamburg?")
    assert r.intent == "openings" and shown(r) == ["h1"]
    # A fragment stays a follow-up, and finding none is its answer.
    await chat.say("go jobs")
    r = await chat.say("any that are in hamburg?")
    assert r.intent == "openings" and not r.cards


async def test_express_after_mostly_is_the_framework(chat: Chat) -> None:
    await chat.say("I've been doing node for a while, mostly express. not interested in on-site")
    assert {"Node.js", "Express.js"} <= set((await profile(chat)).skills)


@pytest.mark.parametrize(("said", "topics"), [
    # skills named in a question about them, or with what is asked beside them
    ("docker compose for local dev with postgres and redis", {"docker"}),
    ("openapi swagger do I need it", {"api-development", "rest"}),
    # a complaint about one's own tests is about testing, not the bot
    ("mocks everywhere make my tests useless", {"testing"}),
    # a company named as an example of a kind is no opening
    ("how do payment processors like stripe handle refunds?", {"fintech-payments"}),
    # something to build, not openings like one; one thing or another for a purpose; a meaning
    ("how would u build something like a url shortener", {"system-design"}),
    ("django or fastapi for my first api", {"python", "api-development", "rest"}),
    ("server-side developer meaning", {"backend-engineering"}),
    ("ruby job market", {"ruby", "job-search"}),
])
async def test_a_question_naming_skills_or_a_company_is_a_topic(chat: Chat, said: str,
                                                                topics: set[str]) -> None:
    r = await chat.say(said)
    assert r.intent in ("topic", "compare") and r.topic in topics
    assert (await profile(chat)).is_empty


async def test_a_bare_stack_is_a_profile(chat: Chat) -> None:
    r = await chat.say("python, docker, postgres")
    assert r.intent == "profile"
    assert {"Python", "Docker", "PostgreSQL"} <= set((await profile(chat)).skills)


async def test_who_one_is_then_whats_out_there_saves_and_shows(chat: Chat) -> None:
    r = await chat.say("I'm a backend dev with 4 years of Go. What's out there?")
    assert r.intent == "openings" and "m1" in shown(r)
    p = await profile(chat)
    assert "Go" in p.skills and p.years == 4


async def test_after_a_greeting_who_one_is_and_whats_out_there(chat: Chat) -> None:
    r = await chat.say("Hi! So I've been doing rails for about two years now, mostly on heroku, "
                       "and I'm wondering what's out there")
    assert r.intent == "openings"
    p = await profile(chat)
    assert "Ruby on Rails" in p.skills and p.years == 2


async def test_jobs_and_what_they_are_is_a_request(chat: Chat) -> None:
    r = await chat.say("ETL jobs with airflow")  # the technical kind of job
    assert r.intent == "topic"
    r = await chat.say("php jobs with mysql?")
    assert r.intent == "openings" and "b1" in shown(r)


async def test_a_verdict_on_something_else_is_declined(chat: Chat) -> None:
    r = await chat.say("the movie was mid")
    assert r.intent == "fallback"
    assert (await profile(chat)).is_empty
