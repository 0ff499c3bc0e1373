"""Job requests combined with the profile (issue 12): an on-site wish keeps openings that name
only a city, a place just told is where "what's there" looks, "same but hybrid" changes the list
on screen and "drop the level" drops the request's level, not the profile's; through Bot.handle
and the parts beneath it."""

from __future__ import annotations

from pathlib import Path

from bot.encoder import OnnxEncoder
from bot.intents import requests_openings
from bot.knowledge import KnowledgeBase
from bot.openings import Level, Remote
from bot.ports import RemotePreference
from bot.recommend import OpeningIndex, Query, changes_list, parse_request
from tests.bot.test_opening_conversations import Chat, chats_over, imported, open_chat, shown

# Cities with no work mode said ("Lisbon, Portugal"), as many real feeds write them.
OPENINGS = [
    imported("c1", "Backend Engineer (Go)", "Corkline", "Lisbon, Portugal", Remote.UNKNOWN, None,
             ("Go", "PostgreSQL"), "Corkline builds software for solar installers."),
    imported("c2", "Senior Go Engineer", "Tessel", "Lisbon, Portugal (Hybrid)", Remote.HYBRID,
             Level.SENIOR, ("Go", "Kafka"), "Tessel measures energy use of buildings."),
    imported("c3", "Go Developer", "Wayfern", "Remote - EU", Remote.YES, None,
             ("Go", "Docker"), "Wayfern makes feature flags."),
    imported("c4", "Backend Engineer (Go)", "Anywhere Co", "Remote", Remote.UNKNOWN, None,
             ("Go",), "Anywhere Co sells maps."),
    imported("c5", "Junior Go Engineer", "Brackle", "Madrid, Spain", Remote.NO, Level.JUNIOR,
             ("Go",), "Brackle tracks parcels. On site in Madrid."),
]

chat = chats_over(OPENINGS)


def _ids(index: OpeningIndex, q: Query) -> set[str]:
    return {m.opening.external_id for m in index.rank(q, limit=10).matches}


def test_an_on_site_wish_keeps_openings_that_name_only_a_city() -> None:
    index = OpeningIndex(OPENINGS)
    go = ("Go",)
    # Asked for: a city with no work mode said is most likely an office job.
    assert _ids(index, Query(skills=go, remote=RemotePreference.ONSITE)) == {"c1", "c2", "c5"}
    # The profile's on-site wish in its places: the same.
    assert _ids(index, Query(skills=go, remote=RemotePreference.ONSITE, locations=("Lisbon",),
                             from_profile=True)) == {"c1", "c2"}
    # A remote or hybrid wish still needs it said; a location naming no place is no office.
    assert _ids(index, Query(skills=go, remote=RemotePreference.REMOTE)) == {"c3"}
    assert _ids(index, Query(skills=go, remote=RemotePreference.HYBRID)) == {"c2"}


def test_what_is_there_after_telling_a_place_asks_for_openings() -> None:
    assert requests_openings("I moved to Lisbon, show me what's there")
    assert requests_openings("I moved to Lisbon. what's there?")
    assert requests_openings("just moved to madrid, anything there?")
    assert not requests_openings("show me what's there")  # no place told: nothing to look at
    assert not requests_openings("what's there to learn about kafka")


def test_same_but_changes_the_list_on_screen(kb: KnowledgeBase) -> None:
    index = OpeningIndex(OPENINGS, kb.skills)
    for said in ("same but hybrid", "same thing but remote", "the same search in madrid"):
        assert changes_list(said, kb.skills, index), said
    assert not changes_list("same as before, what is kafka?", kb.skills, index)


def test_a_level_or_work_mode_dropped_in_other_words(kb: KnowledgeBase) -> None:
    for said in ("forget about seniority", "drop my level", "the level doesn't matter"):
        assert parse_request(said, kb.skills).any_level, said
    assert parse_request("forget about the remote part", kb.skills).any_mode
    assert not parse_request("forget about kafka", kb.skills).any_level


def test_wanting_to_see_openings_asks_for_them() -> None:
    assert requests_openings("I'd like to see php openings")
    assert requests_openings("can I see the go jobs?")
    assert not requests_openings("I'd like to see an example of a dockerfile")


async def test_a_place_told_with_a_request_is_saved_and_looked_in(chat: Chat) -> None:
    r = await chat.say("I moved to Lisbon, show me what's there")
    assert r.intent == "openings" and set(shown(r)) == {"c1", "c2"}
    async with chat.uow() as uow:
        profile = await uow.profiles.get("console", chat.user)
    assert profile is not None and profile.locations == ("Lisbon",)


async def test_same_but_hybrid_narrows_the_request_on_screen(chat: Chat) -> None:
    r = await chat.say("go jobs in Lisbon")
    assert set(shown(r)) == {"c1", "c2"}
    r = await chat.say("same but hybrid")
    assert r.intent == "openings" and shown(r) == ["c2"]


async def test_dropping_the_level_asked_drops_it_from_the_request(
        kb: KnowledgeBase, encoder: OnnxEncoder, tmp_path: Path) -> None:
    # As deployed: "drop the level" reads as a profile edit by meaning, but the level was the
    # request's, never said of the person.
    async with open_chat("memory", kb, OPENINGS, tmp_path, encoder=encoder) as c:
        r = await c.say("senior go roles")
        assert r.intent == "openings" and shown(r)[0] == "c2" and "c5" not in shown(r)
        r = await c.say("drop the level")
        assert r.intent == "openings" and {"c1", "c3", "c5"} & set(shown(r))
        async with c.uow() as uow:
            profile = await uow.profiles.get("console", c.user)
        assert profile is None or profile.seniority is None
        await c.say("senior go roles")
        r = await c.say("the level doesn't matter")
        assert r.intent == "openings" and {"c1", "c3", "c5"} & set(shown(r))


async def test_dropping_a_level_nobody_asked_for_is_a_profile_edit(
        kb: KnowledgeBase, encoder: OnnxEncoder, tmp_path: Path) -> None:
    # As deployed (understanding by meaning): the list's request named no level, so the level
    # dropped is the profile's.
    async with open_chat("memory", kb, OPENINGS, tmp_path, encoder=encoder) as c:
        await c.say("I'm a senior go developer")
        r = await c.say("go jobs")
        assert r.intent == "openings"
        r = await c.say("drop the level")
        assert r.intent == "profile"
        async with c.uow() as uow:
            profile = await uow.profiles.get("console", c.user)
        assert profile is not None and profile.seniority is None
