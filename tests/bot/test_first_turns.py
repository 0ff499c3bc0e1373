"""How people open a conversation about jobs (issue 12): a request told with who one is, contract
and part-time work, and the refinements after it, through Bot.handle on the in-memory store and
on SQLite."""

from __future__ import annotations

import pytest

from bot.openings import Employment, Level, Remote, employment_in
from bot.ports import Profile, RemotePreference
from bot.vocabulary import employment_wish
from tests.bot.test_opening_conversations import Chat, chats_over, imported, shown

OPENINGS = [
    imported("t1", "Senior Python Engineer", "Tidewell", "Remote (Europe)", Remote.YES,
             Level.SENIOR, ("Python", "Django"), "Fully remote within Europe. Full-time."),
    imported("t2", "Junior Python Developer", "Tidewell", "Remote (Europe)", Remote.YES,
             Level.JUNIOR, ("Python", "Flask"), "Fully remote within Europe."),
    imported("t3", "Backend Engineer (Python)", "Larkspur", "Berlin, Germany", Remote.NO, None,
             ("Python", "FastAPI"), "On-site in Berlin. Full-time, permanent."),
    imported("c1", "Go Developer (Contract, 6 months)", "Pinecrest", "Remote (EU)", Remote.YES,
             None, ("Go", "Docker"), "A six-month contract, remote within the EU."),
    imported("c2", "Site Reliability Engineer", "Wrenfield", "Paris, France (Hybrid)",
             Remote.HYBRID, None, ("Go", "Kubernetes"),
             "A nine-month contract, hybrid in Paris two days a week."),
    imported("c3", "Senior Go Engineer", "Cindervale", "Remote (Worldwide)", Remote.YES,
             Level.SENIOR, ("Go", "Kubernetes"), "Fully remote. Full-time."),
    imported("p1", "Backend Developer", "Saltmarsh", "Lisbon, Portugal (Hybrid)", Remote.HYBRID,
             None, ("Node.js", "TypeScript"), "Part-time, 20 hours a week, hybrid in Lisbon."),
    imported("p2", "Mid-level Backend Engineer (Node.js)", "Brambleway", "Remote - US",
             Remote.YES, Level.MID, ("Node.js", "TypeScript"), "Fully remote in the US."),
]


chat = chats_over(OPENINGS)


async def test_who_one_is_with_a_bare_anything_lists_openings_ranked_by_the_level(
        chat: Chat) -> None:
    r = await chat.say("hi, I'm a mid python dev looking for remote work, anything?")
    assert r.intent == "openings"
    # The level told is who one is: it ranks, it does not hide the junior and senior roles.
    assert set(shown(r)) == {"t1", "t2"}  # remote: not the Berlin office
    async with chat.uow() as uow:
        p = await uow.profiles.get("console", "ann")
    assert p is not None and p.level is Level.MID and p.remote is RemotePreference.REMOTE
    assert p.skills == ("Python",)


@pytest.mark.parametrize("text", [
    "hey, senior go dev here, open to remote. anything?",
    "hi there! senior go dev, remote please, anything?",
    "thanks! I'm a senior go dev, remote only, any jobs?",
])
async def test_a_hello_before_who_one_is_still_tells_it(chat: Chat, text: str) -> None:
    r = await chat.say(text)
    assert r.intent == "openings" and set(shown(r)) == {"c1", "c3"}
    async with chat.uow() as uow:
        p = await uow.profiles.get("console", "ann")
    assert p is not None and p.skills == ("Go",) and p.level is Level.SENIOR
    assert p.remote is RemotePreference.REMOTE


async def test_contract_work_asked_with_the_skills_told(chat: Chat) -> None:
    r = await chat.say("any contract gigs? I do go and kubernetes")
    assert r.intent == "openings"
    assert set(shown(r)) == {"c1", "c2"}  # not the full-time Go role
    assert "contract" in r.text
    async with chat.uow() as uow:
        p = await uow.profiles.get("console", "ann")
    assert p is not None and set(p.skills) == {"Go", "Kubernetes"}
    r = await chat.say("only remote ones")
    assert shown(r) == ["c1"]  # still contract work


async def test_part_time_is_a_filter_and_no_role_word(chat: Chat) -> None:
    r = await chat.say("looking for something part-time, I do node and typescript")
    assert r.intent == "openings" and shown(r) == ["p1"]
    r = await chat.say("any part time backend jobs?")
    assert shown(r) == ["p1"]


@pytest.mark.parametrize("text,wish", [
    ("any contract gigs?", Employment.CONTRACT), ("freelance work?", Employment.CONTRACT),
    ("something part-time", Employment.PART_TIME), ("20 hours a week max", Employment.PART_TIME),
    ("only permanent roles", Employment.FULL_TIME), ("contract testing jobs", None),
    ("smart contract developers", None), ("python jobs", None),
])
def test_employment_wish(text: str, wish: Employment | None) -> None:
    assert employment_wish(text) is wish


@pytest.mark.parametrize("title,description,terms", [
    ("Go Developer (Contract)", "", {Employment.CONTRACT}),
    ("Ruby Developer", "A six-month contract, remote. 30 hours a week.",
     {Employment.CONTRACT, Employment.PART_TIME}),
    ("Backend Engineer", "We write API contract tests. Full-time.", {Employment.FULL_TIME}),
    ("Part-time Backend Developer", "", {Employment.PART_TIME}),
])
def test_employment_in_an_ad(title: str, description: str, terms: set[Employment]) -> None:
    assert employment_in(title, description) == terms


async def test_a_misspelt_place_is_the_place_it_means(chat: Chat) -> None:
    r = await chat.say("python jobs in berln")
    assert shown(r) == ["t3"] and "Berlin" in r.text


async def test_a_company_ruled_out_leaves_the_rest_of_the_request(chat: Chat) -> None:
    r = await chat.say("go jobs")
    assert set(shown(r)) == {"c1", "c2", "c3"}
    r = await chat.say("not cindervale")
    assert r.intent == "openings" and set(shown(r)) == {"c1", "c2"}
    r = await chat.say("only remote")
    assert shown(r) == ["c1"]  # still Go, still not Cindervale


async def test_more_senior_ones_refine_rather_than_page(chat: Chat) -> None:
    await chat.say("python jobs")
    r = await chat.say("more senior ones?")
    assert r.intent == "openings" and shown(r)[0] == "t1"
    assert "t2" not in shown(r)  # the junior role


async def test_an_empty_list_then_dropping_its_work_mode(chat: Chat) -> None:
    r = await chat.say("hybrid python jobs")
    assert not shown(r)
    r = await chat.say("ok drop the hybrid part")
    assert r.intent == "openings" and set(shown(r)) == {"t1", "t2", "t3"}


async def test_asking_again_after_one_companys_list_asks_beyond_it(chat: Chat) -> None:
    await chat.say("I know python")
    r = await chat.say("what does tidewell have open?")
    assert set(shown(r)) == {"t1", "t2"}
    r = await chat.say("what jobs do you have?")
    assert "t3" in shown(r)


async def test_a_role_and_a_stack_then_a_request_saves_both(chat: Chat) -> None:
    r = await chat.say("backend engineer, node + typescript, looking for a new gig")
    assert r.intent == "openings" and set(shown(r)) == {"p1", "p2"}
    async with chat.uow() as uow:
        p = await uow.profiles.get("console", "ann")
    assert p is not None and set(p.skills) == {"Node.js", "TypeScript"}


async def test_full_time_only_is_a_request(chat: Chat) -> None:
    r = await chat.say("go jobs, full time only")
    assert r.intent == "openings" and shown(r) == ["c3"]


async def test_relocating_is_told_and_a_place_based_is_read(chat: Chat) -> None:
    r = await chat.say("python and fastapi. would move to germany for a good role")
    assert r.intent == "profile"
    r = await chat.say("jobs?")
    assert shown(r)[0] == "t3"
    async with chat.uow() as uow:
        p = await uow.profiles.get("console", "ann")
    assert p is not None and p.locations == ("Germany",)
    r = await chat.say("/profile berlin-based")
    async with chat.uow() as uow:
        p = await uow.profiles.get("console", "ann")
    assert p is not None and "Berlin" in p.locations


def test_short_city_names_cover_the_feeds_spelling() -> None:
    from bot.vocabulary import places_within

    assert "new york" in places_within("nyc")
    assert "new york" in places_within("US")


def test_leading_a_team_is_a_manager() -> None:
    from bot.vocabulary import find_level

    assert find_level("I manage a team of backend devs in NYC") is Level.MANAGER
    assert find_level("leading the platform team at a bank") is Level.MANAGER
    assert find_level("tech lead here") is Level.SENIOR


async def test_a_place_ruled_out_stays_out(chat: Chat) -> None:
    r = await chat.say("node jobs outside the US?")
    assert r.intent == "openings" and shown(r) == ["p1"] and "not in US" in r.text
    r = await chat.say("only the hybrid ones")
    assert shown(r) == ["p1"]  # still not in the US
    r = await chat.say("typescript roles not in portugal")
    assert r.intent == "openings" and shown(r) == ["p2"]


async def test_hmm_what_about_another_stack_instead_is_a_new_list(chat: Chat) -> None:
    await chat.say("python jobs")
    r = await chat.say("hmm ok, what about go instead")
    assert r.intent == "openings" and set(shown(r)) == {"c1", "c2", "c3"}


@pytest.mark.parametrize("text,intent", [
    ("these matches are way off", "feedback"),
    ("how can I reach the people behind this bot?", "feedback"),
    ("keep me updated on these", "subscribe"),
    ("would be cool if I could sort jobs by pay", "feedback"),
])
async def test_what_is_said_about_a_list_on_screen(chat: Chat, text: str, intent: str) -> None:
    await chat.say("go jobs")
    assert (await chat.say(text)).intent == intent


async def test_anything_going_after_the_profile_lists_openings(chat: Chat) -> None:
    await chat.say("I do go and docker")
    r = await chat.say("anything going?")
    assert r.intent == "openings" and shown(r)[0] == "c1"


async def test_typos_in_a_request_are_read_through(chat: Chat) -> None:
    r = await chat.say("remtoe pyhton jobs")
    assert r.intent == "openings" and set(shown(r)) == {"t1", "t2"}
    r = await chat.say("hybird golang jobs")
    assert shown(r) == ["c2"]


@pytest.mark.parametrize("typed,meant", [
    ("londn", "london"), ("berln", "berlin"), ("new yrok", "new york"), ("paris", None),
    ("production", None),
])
def test_a_misspelt_place(typed: str, meant: str | None) -> None:
    from bot.vocabulary import spelled_place

    assert spelled_place(typed) == meant


def test_a_letter_typed_for_another_is_no_typo() -> None:
    from bot.vocabulary import misspells

    assert misspells("pyhton", "python") and misspells("remot", "remote")
    assert not misspells("reach", "react") and not misspells("scale", "scala")


async def test_paging_in_words_and_starting_over(chat: Chat) -> None:
    r = await chat.say("/profile skills python, go, node.js")
    r = await chat.say("jobs please")
    first = shown(r)
    r = await chat.say("next page")
    assert r.intent == "openings" and shown(r) and not set(shown(r)) & set(first)
    r = await chat.say("let's start over")
    assert r.intent == "greeting" and "Starting over" in r.text
    r = await chat.say("next page")
    assert not r.cards  # no list in hand any more
    async with chat.uow() as uow:
        p = await uow.profiles.get("console", "ann")
    assert p is not None and "Python" in p.skills  # the profile stays


async def test_what_is_open_at_a_company_is_its_list(chat: Chat) -> None:
    await chat.say("go jobs")  # the index is built
    r = await chat.say("what's open at Tidewell?")
    assert r.intent == "openings" and set(shown(r)) == {"t1", "t2"}


async def test_an_empty_list_says_which_filter_empties_it_and_drops_it(chat: Chat) -> None:
    r = await chat.say("remote node jobs in lisbon")
    assert not r.cards and "Without “remote” there is 1" in r.text
    r = await chat.press("Show without “remote”")
    assert r.intent == "openings" and shown(r) == ["p1"]  # still node, still Lisbon
    r = await chat.say("only part-time")
    assert shown(r) == ["p1"]


def test_staff_is_more_senior_than_a_manager() -> None:
    assert Level.STAFF.seniority > Level.MANAGER.seniority > Level.SENIOR.seniority


@pytest.mark.parametrize("text,restart", [
    ("start over", True), ("let's start again please", True), ("reset the chat", True),
    ("wipe all that, start fresh", False), ("how do I start a career in backend?", False),
])
def test_what_starts_the_conversation_over(text: str, restart: bool) -> None:
    from bot.intents import restarts

    assert restarts(text) is restart


async def test_remote_from_a_place_takes_remote_openings_open_to_its_region(chat: Chat) -> None:
    r = await chat.say("remote python jobs in spain")
    assert set(shown(r)) == {"t1", "t2"}  # "Remote (Europe)"; not the Berlin office
    r = await chat.say("any short term contracts? I know go")
    assert r.intent == "openings" and set(shown(r)) == {"c1", "c2"}


async def test_asking_for_erasure_deletes_after_confirming(chat: Chat) -> None:
    await chat.say("I know go")
    r = await chat.say("and I also request erasure")
    assert r.intent == "forget"
    await chat.say("confirm")
    async with chat.uow() as uow:
        assert await uow.profiles.get("console", "ann") is None


async def profile_of(chat: Chat) -> Profile:
    async with chat.uow() as uow:
        return await uow.profiles.get("console", "ann") or Profile()


@pytest.mark.parametrize("text,ids,skill", [
    ("go jobs, i know kubernetes", {"c1", "c2", "c3"}, "Kubernetes"),
    ("show me what's open, i've got 3 years of node", {"p1", "p2"}, "Node.js"),
    ("python jobs please. I use fastapi", {"t1", "t2", "t3"}, "FastAPI"),
])
async def test_a_request_and_who_one_is_in_one_message_do_both(chat: Chat, text: str, ids: set[str],
                                                               skill: str) -> None:
    r = await chat.say(text)
    assert r.intent == "openings" and set(shown(r)) == ids
    assert skill in (await profile_of(chat)).skills


async def test_terse_job_facts_with_a_level_or_work_mode_ask_and_are_saved(chat: Chat) -> None:
    r = await chat.say("senior go, remote")
    # the level is the person's and only ranks: the remote Go roles without one stay
    assert r.intent == "openings" and set(shown(r)) == {"c1", "c3"}
    p = await profile_of(chat)
    assert p.skills == ("Go",) and p.level is Level.SENIOR and p.remote is RemotePreference.REMOTE


async def test_a_terse_line_with_a_level_keeps_its_place_and_asks(chat: Chat) -> None:
    r = await chat.say("typescript + node, junior, lisbon")
    assert r.intent == "openings" and shown(r) == ["p1"]
    p = await profile_of(chat)
    assert {"TypeScript", "Node.js"} <= set(p.skills) and p.locations == ("Lisbon",)


async def test_a_skill_and_a_place_asked_are_a_request(chat: Chat) -> None:
    r = await chat.say("python berlin?")
    assert r.intent == "openings" and shown(r) == ["t3"]


@pytest.mark.parametrize("text", [
    "I know python and docker", "i'm a senior go dev in berlin", "go and grpc, berlin",
    "python, docker, postgres",
])
async def test_who_one_is_alone_is_no_request(chat: Chat, text: str) -> None:
    r = await chat.say(text)
    assert r.intent == "profile" and not shown(r)


async def test_anything_at_a_place_then_the_stacks_is_a_request(chat: Chat) -> None:
    r = await chat.say("anything near paris? python or go")
    assert r.intent == "openings" and shown(r) == ["c2"]


@pytest.mark.parametrize("text", ["prometheus and grafana for a beginner",
                                  "terraform for total beginners?"])
async def test_a_skill_for_a_level_of_person_is_advice_not_a_request(chat: Chat, text: str) -> None:
    r = await chat.say(text)
    assert r.intent != "openings" and not shown(r), r.intent


@pytest.mark.parametrize("text", ["kubernetes for a junior dev", "rust for senior engineers",
                                  "system design for a mid level engineer",
                                  "unit testing for a junior developer", "docker for beginners"])
async def test_a_topic_for_a_level_of_person_tells_nothing_about_the_person(chat: Chat,
                                                                          text: str) -> None:
    r = await chat.say(text)
    assert r.intent not in ("profile", "openings"), r.intent
    assert (await profile_of(chat)).is_empty


@pytest.mark.parametrize("text", ["i want to move from php to go, where do i start",
                                  "I'd like to switch from java into devops"])
async def test_a_career_move_wished_asks_how_not_who_one_is(chat: Chat, text: str) -> None:
    r = await chat.say(text)
    assert r.intent == "topic", r.intent
    assert (await profile_of(chat)).is_empty


async def test_moving_to_a_place_is_still_told(chat: Chat) -> None:
    r = await chat.say("i'd like to move to munich")
    assert r.intent == "profile"
    assert (await profile_of(chat)).locations == ("Munich",)


async def test_show_me_how_asks_to_be_shown_not_who_one_is(chat: Chat) -> None:
    r = await chat.say("show me how jwt authentication works")
    assert r.intent == "topic"
    assert (await profile_of(chat)).is_empty


@pytest.mark.parametrize("text", ["go or rust, berlin?", "python or node, remote?"])
async def test_two_stacks_with_a_place_or_work_mode_asked_are_a_request(chat: Chat, text: str) -> None:
    r = await chat.say(text)
    assert r.intent == "openings"


async def test_two_stacks_weighed_for_someone_are_still_a_comparison(chat: Chat) -> None:
    r = await chat.say("go or rust for a beginner?")
    assert r.intent != "openings" and not shown(r)


@pytest.mark.parametrize("text", ["junior developer salary in berlin", "senior java developer skills",
                                  "junior backend developer roadmap", "entry level devops career"])
async def test_an_aspect_of_a_kind_of_engineer_is_a_question_about_the_work(chat: Chat, text: str) -> None:
    r = await chat.say(text)
    assert r.intent not in ("profile", "openings"), r.intent
    assert (await profile_of(chat)).is_empty


async def test_my_skills_told_are_still_the_persons(chat: Chat) -> None:
    r = await chat.say("my skills are go and postgres")
    assert r.intent == "profile"
    assert {"Go", "PostgreSQL"} <= set((await profile_of(chat)).skills)


@pytest.mark.parametrize("text", ["I want to learn go", "I'd like to become a devops engineer",
                                  "help me with kubernetes", "show me docker examples",
                                  "I need help with docker compose"])
async def test_a_wish_to_learn_or_help_asked_is_no_profile_statement(chat: Chat, text: str) -> None:
    r = await chat.say(text)
    # by words alone, "help me with kubernetes" may only get "did you mean Kubernetes?"
    assert r.intent in ("topic", "fallback"), r.intent
    assert (await profile_of(chat)).is_empty


async def test_asking_what_jobs_need_is_advice_not_a_request(chat: Chat) -> None:
    r = await chat.say("do I need a degree for python jobs in berlin?")
    assert r.intent != "openings" and not shown(r), r.intent
