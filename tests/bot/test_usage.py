"""Daily counters written with each message (bot/usage.py) and the /admin sign-in link."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.dialogue import Bot
from bot.memory import MemoryStore
from bot.ports import SignInLink
from bot.services import Services
from bot.usage import today
from tests.factories import message


def _counts(store: MemoryStore, event: str) -> dict[tuple[str, str, str], int]:
    return {(p, i, t): n for (d, p, e, i, t), n in store.usage.items() if e == event}


async def test_each_message_counts_its_outcome_intent_topic_and_person(
        bot: Bot, store: MemoryStore) -> None:
    await bot.handle(message("what is docker", user="ann"))
    await bot.handle(message("what is docker", user="ann", platform="telegram"))
    await bot.handle(message("xyzzy plugh frobnicate", user="bob"))
    assert _counts(store, "answered") == {("console", "topic", "docker"): 1,
                                          ("telegram", "topic", "docker"): 1}
    assert sum(_counts(store, "declined").values()) + sum(
        _counts(store, "did_you_mean").values()) == 1
    day = today()
    assert {k: len(v) for k, v in store.people.items()} == {(day, "console"): 2,
                                                            (day, "telegram"): 1}
    # Ids are never kept: only the day's keyed hashes.
    held = set().union(*store.people.values())
    assert not held & {"ann", "bob"}


async def test_ratings_are_counted_and_survive_forget(bot: Bot, store: MemoryStore) -> None:
    from bot.actions import RateTopic

    await bot.handle(message("what is docker", user="ann"))
    await bot.handle(message(action=RateTopic(topic_id="docker", helpful=False).encode(),
                             user="ann"))
    assert _counts(store, "not_helpful") == {("console", "feedback", "docker"): 1}
    await bot.handle(message("/forget", user="ann"))
    await bot.handle(message("yes", user="ann"))
    assert _counts(store, "not_helpful") == {("console", "feedback", "docker"): 1}
    assert not any(store.people.values())  # the day's hash of ann went with /forget


async def test_past_days_people_become_counts(bot: Bot, store: MemoryStore) -> None:
    old = date(2026, 1, 2)
    store.people[(old, "console")] = {"h1", "h2"}
    await bot.handle(message("what is docker", user="ann"))
    assert (old, "console") not in store.people
    assert store.usage[(old, "console", "people", "", "")] == 2


class Links:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def new(self, who: str) -> SignInLink:
        self.asked.append(who)
        return SignInLink(url="https://bot.example.org/admin/login?token=secret", digest="d1",
                          expires_at=datetime.now(UTC) + timedelta(minutes=5))


async def test_admin_gets_a_private_sign_in_link_and_others_do_not(
        bot: Bot, store: MemoryStore) -> None:
    links = Links()
    bot.services = Services(admin_links=links)
    [reply] = await bot.handle(message("/admin", user="admin"))
    assert reply.private and "https://bot.example.org/admin/login?token=secret" in reply.text
    assert links.asked == ["console:admin"] and list(store.sign_ins) == ["d1"]
    [refused] = await bot.handle(message("/admin", user="mallory"))
    assert refused.private and "token" not in refused.text and links.asked == ["console:admin"]


async def test_without_a_database_there_is_no_link(bot: Bot, store: MemoryStore) -> None:
    bot.services = Services(admin_links=Links())
    store.available = False
    [reply] = await bot.handle(message("/admin", user="admin"))
    assert "token" not in reply.text and "database" in reply.text


async def test_admin_link_without_a_public_url_says_what_to_set(bot: Bot) -> None:
    [reply] = await bot.handle(message("/admin", user="admin"))
    assert "CAREERBOT_PUBLIC_URL" in reply.text
