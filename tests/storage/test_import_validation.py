"""One bad record of a feed is reported by its index and the rest of its batch is imported,
on SQLite and on PostgreSQL (where an overlong value used to roll back the whole batch)."""

from __future__ import annotations

import json
from typing import Any

from adapters.importers.feeds import FeedFormat, parse_feed
from bot.openings import MAX_LOCATION, MAX_SOURCE
from bot.skills import Skill, SkillVocabulary
from storage.engine import Storage
from storage.openings import import_feed

VOCAB = SkillVocabulary([Skill(name="Python")])


def job(i: int, **extra: Any) -> dict[str, Any]:
    return {"id": i, "title": f"Backend Engineer {i}", "company_name": "Acme",
            "absolute_url": f"https://boards.greenhouse.io/acme/jobs/{i}",
            "location": {"name": "Berlin"}, "content": "Python services",
            "updated_at": "2026-11-20T19:03:11-05:00", **extra}


async def test_bad_records_are_reported_and_the_rest_of_the_batch_imported(
        storage: Storage) -> None:
    jobs = [job(i) for i in range(2000)]
    jobs[10] = job(10, absolute_url="https://example.org/" + "x" * 2100)
    jobs[20] = job(20, id="7" * 300)
    jobs[30] = job(30, company_name="C" * 300)
    jobs[40] = job(40, updated_at="0001-01-01T00:00:00+05:00")
    jobs[50] = job(50, first_published="9999-12-31T23:59:59-05:00")
    jobs[60] = job(60, updated_at=10 ** 400)  # a huge integer
    # A location built from many offices, and one long place name: shortened, not rejected.
    jobs[70] = job(70, location=None,
                   offices=[{"name": f"Office number {n} of Acme"} for n in range(80)])
    jobs[80] = job(80, location={"name": "Somewhere " * 60})
    feed = parse_feed(json.dumps({"jobs": jobs}), FeedFormat.GREENHOUSE, VOCAB)

    assert [p.index for p in feed.problems] == [10, 20, 30, 40, 50]
    reasons = [p.reason for p in feed.problems]
    assert "url is 2120 characters" in reasons[0] and "id" in reasons[1]
    assert "company" in reasons[2] and "0001-01-01" in reasons[3] and "9999-12-31" in reasons[4]
    by_id = {o.external_id: o for o in feed.openings}
    offices = by_id["70"].location
    assert len(offices) <= MAX_LOCATION and offices.endswith(" more")
    assert offices.startswith("Office number 0 of Acme, Office number 1 of Acme")
    assert len(by_id["80"].location) == MAX_LOCATION
    assert by_id["60"].updated_at is None

    result = await import_feed(storage, feed.openings, source=feed.source,
                               listed_ids=feed.listed_ids, batch=2000)
    assert result.failed == 0 and result.errors == ()
    assert result.inserted == 1995
    async with storage.uow() as uow:
        assert await uow.openings.count() == 1995


async def test_a_long_company_name_makes_a_source_key_that_fits(storage: Storage) -> None:
    company = "The Extraordinarily Long-Named International Holding Company of Backend Engineers"
    feed = parse_feed(json.dumps({"jobs": [job(1), job(2)]}), FeedFormat.GREENHOUSE, VOCAB,
                      company=company)
    assert len(feed.source) <= MAX_SOURCE and feed.source.startswith("greenhouse:the-extra")
    result = await import_feed(storage, feed.openings, source=feed.source,
                               listed_ids=feed.listed_ids)
    assert result.failed == 0 and result.inserted == 2
