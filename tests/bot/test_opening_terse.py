"""Terse questions about the openings shown and verdicts on them, through Bot.handle: a fact asked
with none in focus, a word of a company's name, "these don't fit me", office work declined, and
a company named inside a topic question."""

from __future__ import annotations

from bot.openings import Level, Remote
from tests.bot.test_opening_conversations import Chat, chats_over, imported, shown

OPENINGS = [
    imported("p1", "Java Backend Engineer", "Tallow Pay", "Remote (Europe)", Remote.YES, None,
             ("Java", "Spring Boot"),
             "Tallow Pay sends payouts across borders.\nFully remote within Europe.\n"
             "A six-month contract, possibly extended. A bachelor's degree is required."),
    imported("p2", "Backend Engineer, Ledger (Java)", "Quarrel Bank", "Leeds, UK", Remote.NO, None,
             ("Java", "PostgreSQL"),
             "Quarrel Bank is a savings bank.\nOn-site in Leeds five days a week.\n"
             "A 12-month fixed-term contract. Fluent Welsh is not required; English is.\n"
             "Salary GBP 60,000."),
    imported("p3", "Senior Java Engineer", "Quarrel Bank", "Leeds, UK (Hybrid)", Remote.HYBRID,
             Level.SENIOR, ("Java", "Kafka"),
             "Quarrel Bank is a savings bank.\nThree days a week in the Leeds office.\n"
             "Base salary GBP 85,000."),
]
# One more, abroad: a place of two words, a country asked of the list.
ABROAD = [
    *OPENINGS,
    imported("p4", "Java Platform Engineer", "Hollin Trust", "New York, NY", Remote.NO, None,
             ("Java", "Kafka"),
             "Hollin Trust is a custody bank.\nOn-site in Manhattan five days a week.\n"
             "We do not sponsor visas."),
]


chat = chats_over(OPENINGS)


async def test_a_terse_fact_is_asked_of_the_list_with_none_in_focus(chat: Chat) -> None:
    assert set(shown(await chat.say("java jobs in leeds"))) == {"p2", "p3"}
    r = await chat.say("whats the base")
    assert r.intent == "opening" and "85,000" in r.text
    await chat.say("java jobs in leeds")
    r = await chat.say("how long")
    assert r.intent == "opening" and "12-month fixed-term" in r.text
    await chat.say("java jobs in leeds")
    r = await chat.say("is there on call")
    assert r.intent == "opening" and "On call not stated" in r.text


async def test_how_it_is_worked_is_asked_of_the_list_with_none_in_focus(chat: Chat) -> None:
    await chat.say("java jobs in leeds")
    r = await chat.say("office days?")
    assert r.intent == "opening" and "five days a week" in r.text and "Three days a week" in r.text
    await chat.say("java jobs in leeds")
    r = await chat.say("can i work from home sometimes?")
    assert r.intent == "opening" and not shown(r)


async def test_terse_contract_and_degree_questions(chat: Chat) -> None:
    await chat.say("remote java jobs")
    for said, answer in [("bachelor required?", "bachelor's degree"),
                         ("extension possible?", "possibly extended")]:
        r = await chat.say(said)
        assert r.intent == "opening" and answer in r.text, said
    r = await chat.say("that doesn't suit me")
    assert r.intent == "feedback" and not shown(r)


async def test_a_word_of_a_company_name_points_at_nothing(chat: Chat) -> None:
    await chat.say("java jobs")
    r = await chat.say("the tallow one, remote?")
    assert r.intent == "opening" and "remote" in r.text
    r = await chat.say("pay?")  # the pay of the Tallow Pay opening, not "remote?" asked again
    assert r.intent == "opening" and "Salary: the ad doesn't say." in r.text
    assert "Fully remote" not in r.text


async def test_a_verdict_on_the_list_is_feedback_and_a_question_is_not(chat: Chat) -> None:
    await chat.say("java jobs")
    for said in ("these don't match me at all", "none of these fit me",
                 "the results are not relevant", "none of these", "nothing here fits", "these suck",
                 "I don't like any of them", "wrong jobs"):
        r = await chat.say(said)
        assert r.intent == "feedback" and not shown(r), said
    r = await chat.say("does the first one fit me?")
    assert r.intent == "opening"
    # A preference said with it is a new request or profile, not a verdict only.
    r = await chat.say("none of these, I want kafka")
    assert r.intent != "feedback"


async def test_a_question_whether_one_does_it_wrong_is_no_verdict(chat: Chat) -> None:
    await chat.say("java jobs")
    for said in ("they're all wrong", "these are useless"):
        r = await chat.say(said)
        assert r.intent == "feedback" and not shown(r), said
    for said in ("go error handling is so verbose, am I doing it wrong",
                 "our orders service and inventory service share a database, is that wrong"):
        r = await chat.say(said)
        assert r.intent == "topic", said


async def test_office_work_declined_asks_for_remote_work(chat: Chat) -> None:
    assert set(shown(await chat.say("java jobs"))) == {"p1", "p2", "p3"}
    r = await chat.say("anything that isn't on-site?")
    assert r.intent == "openings" and shown(r) == ["p1"]


async def test_a_company_named_in_a_topic_question_asks_the_topic(chat: Chat) -> None:
    r = await chat.say("how does tallow pay handle idempotency keys for payments?")
    assert r.intent == "topic" and not shown(r)
    r = await chat.say("how does quarrel bank handle visas?")  # what its ads say
    assert r.intent == "opening"


async def test_which_to_pick_is_the_best_fit_on_the_list(chat: Chat) -> None:
    await chat.say("/profile skills java, spring boot")
    first = shown(await chat.say("java jobs"))[0]
    title = next(o.title for o in OPENINGS if o.external_id == first)
    for said in ("which should i go for", "which one would you choose?", "so which one?"):
        r = await chat.say(said)
        assert r.intent == "opening" and title in r.text and "None of the openings" not in r.text, said


async def test_who_may_apply_and_the_years_asked_tersely(chat: Chat) -> None:
    await chat.say("senior java jobs in leeds")
    r = await chat.say("the senior one")
    assert r.intent == "opening"
    r = await chat.say("can a junior apply")
    assert r.intent == "opening" and "No, it's senior." in r.text and "To apply" not in r.text
    r = await chat.say("how many yoe")
    assert r.intent == "opening" and "no number of years" in r.text


async def test_what_was_asked_of_several_comes_before_their_lines(chat: Chat) -> None:
    await chat.say("java jobs in leeds")
    r = await chat.say("whats the salary")
    assert r.intent == "opening"
    assert r.text.index("85,000") < r.text.index("Backend Engineer, Ledger (Java) at Quarrel Bank:")


async def test_how_a_company_on_the_list_builds_asks_the_topic(chat: Chat) -> None:
    await chat.say("java jobs in leeds")
    r = await chat.say("how does quarrel bank handle kafka consumer lag?")
    assert r.intent == "topic" and r.topic == "message-queues"
    await chat.say("java jobs in leeds")
    r = await chat.say("how does the senior quarrel bank one use kafka?")  # its ad
    assert r.intent == "opening"


async def test_a_ranking_with_more_is_no_next_page(chat: Chat) -> None:
    await chat.say("java jobs")
    r = await chat.say("which is more senior")
    assert r.intent == "opening" and "Senior Java Engineer at Quarrel Bank" in r.text


async def test_both_openings_of_a_company_and_who_the_team_is(chat: Chat) -> None:
    assert set(shown(await chat.say("java jobs"))) == {"p1", "p2", "p3"}
    r = await chat.say("both quarrel bank ones - remote?")
    assert r.intent == "opening" and r.text.startswith("None of them is remote")
    assert "Tallow Pay" not in r.text
    r = await chat.say("who's the team")
    assert r.intent == "opening" and "Team" in r.text


abroad = chats_over(ABROAD)


async def test_a_request_in_job_facts_alone(abroad: Chat) -> None:
    chat = abroad
    # a skill with a level and a place: a request, and who one is saved too
    r = await chat.say("senior java leeds")
    assert r.intent == "openings" and shown(r)[0] == "p3" and "p4" not in shown(r)
    r = await chat.say("my profile")
    assert "Java" in r.text and "Leeds" in r.text
    # the work named, with a place: a request only
    r = await chat.say("java work in new york")
    assert r.intent == "openings" and shown(r) == ["p4"]


async def test_leaving_is_no_go_skill(chat: Chat) -> None:
    await chat.say("java jobs in leeds")
    for said in ("ok gotta go", "alright, I'll let you go. thanks", "have to run now, bye"):
        r = await chat.say(said)
        assert r.intent == "thanks" and not shown(r), said


async def test_a_superlative_ranks_the_whole_list_by_pay(chat: Chat) -> None:
    await chat.say("java jobs in leeds")
    r = await chat.say("which one pays best")
    assert r.intent == "opening" and "best paid is Senior Java Engineer" in r.text and "60,000" in r.text
    await chat.say("java jobs in leeds")
    r = await chat.say("lowest salary?")
    assert r.intent == "opening" and "lowest paid is Backend Engineer, Ledger" in r.text


async def test_a_place_asked_of_the_list(abroad: Chat) -> None:
    chat = abroad
    await chat.say("on-site java jobs")
    r = await chat.say("the new york one, on site?")
    assert r.intent == "opening" and "Hollin Trust" in r.text and "Quarrel" not in r.text
    await chat.say("on-site java jobs")
    r = await chat.say("us only?")
    assert shown(r) == ["p4"]


async def test_a_visa_asked_with_where_one_is_from(abroad: Chat) -> None:
    chat = abroad
    other = Chat(bot=chat.bot, uow=chat.uow, user="bo")
    r = await other.say("I'm from brazil, would I need a work permit for germany?")
    assert r.intent != "openings" and not shown(r)  # no list on screen: a general question
    await chat.say("on-site java jobs")
    r = await chat.say("the new york one")
    r = await chat.say("I'm from brazil, would they sponsor me?")
    assert r.intent == "opening" and "We do not sponsor visas" in r.text and "No, it's in" not in r.text
